/* casc staple: keep verified OCSP staples fresh. */
#include "cli.h"
#include "ocspjson.h"

#include "casc/fetch.h"
#include "casc/staple.h"

#include <errno.h>
#include <getopt.h>
#include <openssl/obj_mac.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

static const char help[] =
    "usage: casc [--dir DIR] staple (--cert FULLCHAIN --out FILE | --dir DIR) [--daemon]\n"
    "                               [--poll SECONDS] [--on-update CMD] [--url URL] [--sha256] [--timeout SECONDS]\n"
    "                               [--connect-timeout SECONDS] [--skew SECONDS] [--cafile FILE]\n"
    "                               [--json]\n\n"
    "Fetches the OCSP response of a certificate, verifies it fully (as casc ocsp query\n"
    "does) and writes it, DER, atomically, as a web server staples it: nginx's\n"
    "ssl_stapling_file, HAProxy's CERTFILE.ocsp. The file is written only when the\n"
    "response verifies, says good, and is newer than the staple already there (by\n"
    "thisUpdate, then producedAt): a responder that is down, a response that fails\n"
    "verification, unknown or revoked never touch it, so the last good staple stays\n"
    "in place until its nextUpdate.\n\n"
    "  --cert FULLCHAIN      the certificate followed by its issuer (PEM); with the\n"
    "                        certificate alone the issuer is fetched via caIssuers\n"
    "  --out FILE            the staple file\n"
    "  --dir DIR             every full chain in DIR (*.pem and *.crt files with two or\n"
    "                        more certificates) gets its staple beside it, named after\n"
    "                        the file: DIR/site.pem -> DIR/site.pem.ocsp\n"
    "  --daemon              keep running: fetch everything at start, then each staple\n"
    "                        again at half its validity (with jitter), retrying failures\n"
    "                        with exponential backoff (5 s doubling up to 1 hour, and at\n"
    "                        least 4 times before the staple in place expires), and at\n"
    "                        once when a certificate file changes (a renewal) or a\n"
    "                        staple file disappears. SIGTERM or SIGINT exit cleanly;\n"
    "                        SIGHUP rescans DIR and refetches everything\n"
    "  --poll SECONDS        --daemon: look for changed, added or removed files this\n"
    "                        often (default 60)\n"
    "  --on-update CMD       run CMD with /bin/sh -c after a round in which any staple\n"
    "                        file changed (e.g. 'nginx -s reload'); CASC_STAPLE_FILES holds\n"
    "                        the changed files, separated by newlines\n"
    "  --url URL             the responder; default: each certificate's AIA OCSP URL\n"
    "  --sha256              SHA-256 CertIDs (default SHA-1, as RFC 5019 profiles)\n"
    "  --timeout SECONDS     each exchange with the responder (default 10)\n"
    "  --connect-timeout SECONDS  connecting (default 5)\n"
    "  --skew SECONDS        clock skew tolerated on thisUpdate and nextUpdate (300)\n"
    "  --cafile FILE         trust anchors for an https:// responder or caIssuers URL\n"
    "  --json                one JSON object per certificate: cert, out, result\n"
    "                        (written, kept, revoked, unknown, invalid, unreachable),\n"
    "                        in_place_this_update, in_place_next_update, next_fetch\n"
    "                        (--daemon) and ocsp (as casc ocsp query --json prints it);\n"
    "                        without --daemon, --dir prints an array\n\n"
    "Exit status (without --daemon): 0 every staple written or already fresh; 1 a\n"
    "certificate is revoked or unknown, or its response fails verification (nothing\n"
    "written); 2 bad arguments or unreadable files; 3 a responder could not be reached.\n"
    "With --daemon: 0 after SIGTERM, 2 when it cannot start.\n";

#define CMD "staple"

typedef struct {
  bool json;
  bool daemon;
  json_t *array;       /* one-shot --dir --json */
  int worst;           /* one-shot exit status so far */
  const char *on_update;
  char *changed;       /* newline-separated files written this round */
  size_t changed_len;
  sigset_t blocked;    /* the daemon's signals, blocked outside sigtimedwait */
  bool have_blocked;
} staple_state;

static bool parse_seconds(const char *s, long max, long *out) {
  char *end;
  double v = strtod(s, &end);
  if (end == s || *end != '\0' || !(v > 0) || v > (double)max)
    return false;
  *out = (long)(v * 1000.0);
  return *out > 0;
}

static int rank(int status) {
  /* Which exit status wins when several certificates disagree. */
  switch (status) {
  case EXIT_USAGE:
    return 3;
  case EXIT_NEGATIVE:
    return 2;
  case EXIT_INDETERMINATE:
    return 1;
  default:
    return 0;
  }
}

static int status_of(casc_err rc, const casc_staple_report *r) {
  if (rc != CASC_OK)
    return EXIT_USAGE;
  switch (r->outcome) {
  case CASC_STAPLE_WRITTEN:
  case CASC_STAPLE_KEPT:
    return EXIT_GOOD;
  case CASC_STAPLE_UNREACHABLE:
    return EXIT_INDETERMINATE;
  default:
    return EXIT_NEGATIVE;
  }
}

static json_t *time_json(time_t t) {
  if (t == 0)
    return json_null();
  char b[CASC_TIME_BUFSZ];
  casc_time_format(t, b);
  return json_string(b);
}

static void remember_change(staple_state *st, const char *out) {
  size_t n = strlen(out);
  char *nb = realloc(st->changed, st->changed_len + n + 2);
  if (nb == NULL)
    return;
  st->changed = nb;
  if (st->changed_len > 0)
    st->changed[st->changed_len++] = '\n';
  memcpy(st->changed + st->changed_len, out, n);
  st->changed_len += n;
  st->changed[st->changed_len] = '\0';
}

static void print_text(const char *cert, const char *out, const casc_staple_report *r,
                       time_t next_at) {
  char tu[CASC_TIME_BUFSZ], nu[CASC_TIME_BUFSZ], na[CASC_TIME_BUFSZ], ts[CASC_TIME_BUFSZ];
  const casc_ocsp_client_result *f = &r->fetched;
  casc_time_format(casc_now(), ts);
  casc_time_format(r->in_place_this_update, tu);
  casc_time_format(r->in_place_next_update, nu);
  casc_time_format(next_at, na);
  char when[80] = "";
  if (next_at != 0)
    snprintf(when, sizeof when, "; next fetch %s", na);
  char place[160] = "";
  if (r->in_place_next_update != 0)
    snprintf(place, sizeof place, " (this update %s, next update %s)", tu, nu);
  const char *prefix = next_at != 0 ? ts : NULL;
  if (prefix != NULL)
    printf("%s ", prefix);
  switch (r->outcome) {
  case CASC_STAPLE_WRITTEN:
    printf("%s: written, good%s%s\n", out, place, when);
    break;
  case CASC_STAPLE_KEPT:
    printf("%s: kept, already the newest good staple%s%s\n", out, place, when);
    break;
  case CASC_STAPLE_REVOKED:
    casc_time_format(f->revoked_at, tu);
    printf("%s: revoked at %s (%s): no staple written%s\n", cert, tu,
           f->reason_name[0] != '\0' ? f->reason_name : "no reason stated", when);
    break;
  case CASC_STAPLE_UNKNOWN:
    printf("%s: unknown to its responder: no staple written%s\n", cert, when);
    break;
  default:
    printf("%s: %s: %s; %s%s\n", cert, casc_staple_outcome_name(r->outcome), f->error,
           r->in_place_next_update != 0 ? "the staple in place stays" : "no staple in place",
           when);
    break;
  }
}

static void on_result(const char *cert, const char *out, casc_err rc, const casc_error *err,
                      const casc_staple_report *r, time_t next_at, void *arg) {
  staple_state *st = arg;
  int status = r != NULL ? status_of(rc, r) : EXIT_USAGE;
  if (rank(status) > rank(st->worst))
    st->worst = status;
  if (rc != CASC_OK || r == NULL) {
    fprintf(stderr, "casc %s: %s\n", CMD, err->msg);
    return;
  }
  if (r->outcome == CASC_STAPLE_WRITTEN)
    remember_change(st, out);
  if (r->outcome != CASC_STAPLE_WRITTEN && r->outcome != CASC_STAPLE_KEPT &&
      r->fetched.error[0] != '\0' && !st->json)
    fprintf(stderr, "casc %s: %s: %s\n", CMD, cert, r->fetched.error);
  if (!st->json) {
    print_text(cert, out, r, next_at);
    return;
  }
  json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "cert", cert, "out", out,
                        "result", casc_staple_outcome_name(r->outcome), "in_place_this_update",
                        time_json(r->in_place_this_update), "in_place_next_update",
                        time_json(r->in_place_next_update), "next_fetch",
                        st->daemon ? time_json(next_at) : json_null(), "ocsp",
                        cli_ocsp_result_json(&r->fetched));
  if (o == NULL)
    return;
  if (st->array != NULL)
    json_array_append_new(st->array, o);
  else if (st->daemon)
    cli_print_json_line(o);
  else
    cli_print_json(o);
}

/* Runs the hook with the signals the daemon blocks unblocked again, and
 * waits for it. */
static void on_change(void *arg) {
  staple_state *st = arg;
  if (st->on_update == NULL) {
    st->changed_len = 0;
    return;
  }
  setenv("CASC_STAPLE_FILES", st->changed != NULL ? st->changed : "", 1);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  char *const argv[] = {"sh", "-c", (char *)st->on_update, NULL};
  pid_t pid;
  int err = posix_spawn(&pid, "/bin/sh", NULL, &attr, argv, environ);
  posix_spawnattr_destroy(&attr);
  if (err != 0) {
    fprintf(stderr, "casc %s: --on-update: cannot run /bin/sh: %s\n", CMD, strerror(err));
  } else {
    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
      ;
    if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
      fprintf(stderr, "casc %s: --on-update command failed (%s %d)\n", CMD,
              WIFEXITED(ws) ? "exit status" : "signal",
              WIFEXITED(ws) ? WEXITSTATUS(ws) : WTERMSIG(ws));
  }
  unsetenv("CASC_STAPLE_FILES");
  st->changed_len = 0;
  if (st->changed != NULL)
    st->changed[0] = '\0';
}

static casc_staple_wake wait_signal(time_t until, void *arg) {
  staple_state *st = arg;
  for (;;) {
    time_t now = casc_now();
    if (now >= until)
      return CASC_STAPLE_WAKE_TIMEOUT;
    /* Wake at least once a minute: the wall clock may jump (suspend,
     * NTP steps) while the timeout runs on its own. */
    time_t d = until - now;
    struct timespec ts = {.tv_sec = d > 60 ? 60 : d, .tv_nsec = 0};
    int sig = sigtimedwait(&st->blocked, NULL, &ts);
    if (sig == SIGTERM || sig == SIGINT)
      return CASC_STAPLE_WAKE_STOP;
    if (sig == SIGHUP)
      return CASC_STAPLE_WAKE_RESCAN;
  }
}

int cmd_staple(const cli_globals *g, int argc, char **argv) {
  (void)g;
  static const struct option opts[] = {{"cert", required_argument, NULL, 'c'},
                                       {"out", required_argument, NULL, 'o'},
                                       {"dir", required_argument, NULL, 'd'},
                                       {"daemon", no_argument, NULL, 'D'},
                                       {"on-update", required_argument, NULL, 'U'},
                                       {"poll", required_argument, NULL, 'P'},
                                       {"url", required_argument, NULL, 'u'},
                                       {"sha256", no_argument, NULL, '2'},
                                       {"timeout", required_argument, NULL, 't'},
                                       {"connect-timeout", required_argument, NULL, 'T'},
                                       {"skew", required_argument, NULL, 's'},
                                       {"cafile", required_argument, NULL, 'A'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  casc_staple_daemon_config cfg = {0};
  staple_state st = {.worst = EXIT_GOOD};
  casc_error err = {0};
  int c, status = EXIT_GOOD;
  long ms;
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'c': cfg.cert_path = optarg; break;
    case 'o': cfg.out_path = optarg; break;
    case 'd': cfg.dir = optarg; break;
    case 'D': st.daemon = true; break;
    case 'U': st.on_update = optarg; break;
    case 'P': {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (end == optarg || *end != '\0' || v < 1 || v > 86400)
        return cli_usage_error(CMD, "--poll %s: not a number of seconds (1 to 86400)", optarg);
      cfg.poll_seconds = (int)v;
      break;
    }
    case 'u': cfg.opts.ocsp.url = optarg; break;
    case '2': cfg.opts.ocsp.hash_nid = NID_sha256; break;
    case 't':
      if (!parse_seconds(optarg, 3600, &ms))
        return cli_usage_error(CMD, "--timeout %s: not a number of seconds (up to 3600)", optarg);
      cfg.opts.ocsp.fetch.timeout_ms = ms;
      break;
    case 'T':
      if (!parse_seconds(optarg, 3600, &ms))
        return cli_usage_error(CMD, "--connect-timeout %s: not a number of seconds", optarg);
      cfg.opts.ocsp.fetch.connect_timeout_ms = ms;
      break;
    case 's': {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (end == optarg || *end != '\0' || v < 0 || v > 86400)
        return cli_usage_error(CMD, "--skew %s: not a number of seconds (0 to 86400)", optarg);
      cfg.opts.ocsp.skew = v == 0 ? -1 : v;
      break;
    }
    case 'A': cfg.opts.ocsp.fetch.ca_file = optarg; break;
    case 'j': st.json = true; break;
    case 'h': fputs(help, stdout); return EXIT_GOOD;
    default: return cli_usage_error(CMD, "bad option %s", argv[optind - 1]);
    }
  }
  if (optind != argc)
    return cli_usage_error(CMD, "unexpected argument %s", argv[optind]);
  if (cfg.dir != NULL && (cfg.cert_path != NULL || cfg.out_path != NULL))
    return cli_usage_error(CMD, "--dir excludes --cert and --out");
  if (cfg.dir == NULL && (cfg.cert_path == NULL || cfg.out_path == NULL))
    return cli_usage_error(CMD, "give --cert FULLCHAIN and --out FILE, or --dir DIR");
  if (cfg.opts.ocsp.url != NULL && !casc_fetch_url_ok(cfg.opts.ocsp.url))
    return cli_usage_error(CMD, "--url %s: not an http:// or https:// URL", cfg.opts.ocsp.url);
  cfg.on_result = on_result;
  cfg.on_change = on_change;
  cfg.arg = &st;

  if (st.daemon) {
    /* Signals are taken synchronously by sigtimedwait: no handler races
     * with a fetch or a write in progress. */
    sigemptyset(&st.blocked);
    sigaddset(&st.blocked, SIGTERM);
    sigaddset(&st.blocked, SIGINT);
    sigaddset(&st.blocked, SIGHUP);
    sigprocmask(SIG_BLOCK, &st.blocked, NULL);
    st.have_blocked = true;
    cfg.wait = wait_signal;
    if (casc_staple_daemon(&cfg, &err) != CASC_OK)
      status = cli_fail(CMD, &err) == EXIT_GOOD ? EXIT_GOOD : EXIT_USAGE;
    goto out;
  }

  if (cfg.dir == NULL) {
    casc_staple_report r;
    casc_err rc = casc_staple_update(cfg.cert_path, cfg.out_path, &cfg.opts, &r, &err);
    on_result(cfg.cert_path, cfg.out_path, rc, &err, &r, 0, &st);
    casc_staple_report_free(&r);
  } else {
    char **paths = NULL;
    size_t n = 0;
    if (casc_staple_scan_dir(cfg.dir, &paths, &n, &err) != CASC_OK) {
      status = cli_fail(CMD, &err) == EXIT_GOOD ? EXIT_GOOD : EXIT_USAGE;
      goto out;
    }
    if (n == 0) {
      casc_staple_paths_free(paths, n);
      status = cli_usage_error(CMD, "%s: no full-chain file (*.pem or *.crt with two or more "
                                    "certificates)",
                               cfg.dir);
      goto out;
    }
    st.array = st.json ? json_array() : NULL;
    for (size_t i = 0; i < n; i++) {
      char outp[4096];
      casc_staple_report r;
      memset(&r, 0, sizeof r);
      casc_err rc = casc_staple_path_for(paths[i], outp, sizeof outp, &err);
      if (rc == CASC_OK)
        rc = casc_staple_update(paths[i], outp, &cfg.opts, &r, &err);
      on_result(paths[i], outp, rc, &err, &r, 0, &st);
      casc_staple_report_free(&r);
    }
    casc_staple_paths_free(paths, n);
    if (st.array != NULL) {
      cli_print_json(st.array);
      st.array = NULL;
    }
  }
  if (st.changed_len > 0)
    on_change(&st);
  status = st.worst;
out:
  json_decref(st.array);
  free(st.changed);
  if (st.have_blocked)
    sigprocmask(SIG_UNBLOCK, &st.blocked, NULL);
  return status;
}
