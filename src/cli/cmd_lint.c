/* casc lint FILE|DIR... [--profile NAME] [--json] [--lints] */
#include "cli.h"

#include "casc/lint.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char help[] =
    "usage: casc [--dir DIR] lint FILE|DIR... [--profile NAME] [--json] [--all]\n"
    "       casc [--dir DIR] lint --lints [--json]\n\n"
    "Lints certificates, CRLs and OCSP responses against RFC 5280, the CA/Browser\n"
    "Forum TLS and Code Signing Baseline Requirements, RFC 6960/5019 and key-quality\n"
    "rules. A FILE is DER (one input) or PEM (every CERTIFICATE, X509 CRL and OCSP\n"
    "RESPONSE block in it); a DIR is read recursively. The kind is detected from the\n"
    "structure, the certificate profile from its extensions (root, subca, tls,\n"
    "code-signing, timestamping, ocsp-signing, smime, unknown) unless --profile NAME.\n\n"
    "Prints one line per finding: FILE:INDEX: LEVEL LINT: DETAILS (CITATION), INDEX\n"
    "counting the inputs of a file from 0; --all prints passes and n/a too.\n"
    "--json prints {\"inputs\": [{\"file\", \"index\", \"kind\", \"profile\", \"results\":\n"
    "[{\"lint\", \"alias\", \"level\", \"result\", \"citation\", \"details\"}]}]}, result one of\n"
    "pass, na, ne (not effective at the input's date), notice, warn, error, fatal.\n"
    "--lints lists every lint: name, level, kind, effective date, citation, zlint alias.\n\n"
    "Exit status: 0 no error-level finding; 1 an error or fatal finding; 2 bad\n"
    "arguments, or a file that cannot be read or holds no certificate, CRL or OCSP\n"
    "response.\n"
    "FILE - reads standard input. In a DIR, files that hold no certificate, CRL or OCSP\n"
    "response (keys, configuration) are skipped.\n";

typedef struct {
  bool json, all, progress;
  casc_lint_profile profile;
  casc_lint_ctx *ctx;
  size_t n_inputs, n_error, n_warn, n_notice, n_fatal;
  int status;
  /* per input */
  const char *file;
  size_t index;
  json_t *results;
} lint_state;

static int worse(int a, int b) { return a > b ? a : b; }

static void on_result(void *arg, const casc_lint *l, casc_lint_result r, const char *det) {
  lint_state *st = arg;
  switch (r) {
  case CASC_LINT_ERROR_R:
    st->n_error++;
    break;
  case CASC_LINT_FATAL:
    st->n_fatal++;
    break;
  case CASC_LINT_WARN_R:
    st->n_warn++;
    break;
  case CASC_LINT_NOTICE_R:
    st->n_notice++;
    break;
  default:
    break;
  }
  if (st->json) {
    json_t *o = json_pack("{s:s, s:s?, s:s, s:s, s:s, s:s}", "lint", l->name, "alias", l->alias,
                          "level", casc_lint_level_name(l->level), "result",
                          casc_lint_result_name(r), "citation", l->citation, "details", det);
    if (o != NULL)
      json_array_append_new(st->results, o);
    return;
  }
  bool finding = r >= CASC_LINT_NOTICE_R && r <= CASC_LINT_FATAL;
  if (!finding && !st->all)
    return;
  printf("%s:%zu: %s %s%s%s (%s)\n", st->file, st->index, casc_lint_result_name(r), l->name,
         det[0] ? ": " : "", det, l->citation);
}

static void lint_one(lint_state *st, const char *file, size_t index, casc_lint_kind kind,
                     const unsigned char *der, size_t len) {
  casc_lint_kind k;
  casc_lint_profile p;
  st->file = file;
  st->index = index;
  if (st->json)
    st->results = json_array();
  casc_lint_result worst =
      casc_lint_ctx_check(st->ctx, kind, st->profile, der, len, 0, on_result, st, &k, &p);
  if (worst == CASC_LINT_ERROR_R || worst == CASC_LINT_FATAL)
    st->status = worse(st->status, EXIT_NEGATIVE);
  st->n_inputs++;
  if (st->progress && st->n_inputs % 1000 == 0)
    fprintf(stderr, "\rcasc lint: %zu inputs", st->n_inputs);
  if (st->json) {
    /* Streamed, one input per line: a directory of a million certificates
     * must not be held in memory as JSON objects. */
    json_t *name = json_string(file);
    if (name == NULL) { /* not UTF-8: JSON cannot carry it as it is */
      char *copy = strdup(file);
      for (char *c = copy; c != NULL && *c != '\0'; c++)
        if ((unsigned char)*c >= 0x80 || (unsigned char)*c < 0x20)
          *c = '?';
      name = copy != NULL ? json_string(copy) : NULL;
      free(copy);
    }
    json_t *o = json_pack("{s:o, s:I, s:s, s:s, s:o}", "file", name != NULL ? name : json_null(),
                          "index", (json_int_t)index, "kind", casc_lint_kind_name(k), "profile",
                          casc_lint_profile_name(p), "results", st->results);
    char *text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
    if (text != NULL)
      printf("%s%s", st->n_inputs > 1 ? ",\n" : "\n", text);
    free(text);
    json_decref(o);
    st->results = NULL;
  }
}

/* The kind a PEM label names, or KIND_UNKNOWN for blocks we skip (keys, CSRs). */
static bool pem_label_kind(const char *label, size_t n, casc_lint_kind *kind) {
  static const struct {
    const char *label;
    casc_lint_kind kind;
  } labels[] = {
      {"CERTIFICATE", CASC_LINT_KIND_CERT},
      {"TRUSTED CERTIFICATE", CASC_LINT_KIND_CERT},
      {"X509 CERTIFICATE", CASC_LINT_KIND_CERT},
      {"X509 CRL", CASC_LINT_KIND_CRL},
      {"OCSP RESPONSE", CASC_LINT_KIND_OCSP},
  };
  for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
    if (strlen(labels[i].label) == n && memcmp(labels[i].label, label, n) == 0) {
      *kind = labels[i].kind;
      return true;
    }
  return false;
}

/* Base64 body (with line breaks) into out; returns the length or -1.
 * By hand rather than EVP_DecodeUpdate, which took an eighth of the time of
 * linting a PEM corpus: whitespace is skipped, '=' ends the data. */
static long pem_decode(const char *b64, size_t n, unsigned char *out) {
  static signed char val[256];
  static bool ready;
  if (!ready) {
    memset(val, -1, sizeof val);
    const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; i++)
      val[(unsigned char)alphabet[i]] = (signed char)i;
    ready = true;
  }
  unsigned long acc = 0;
  int bits = 0;
  long o = 0;
  size_t i = 0;
  for (; i < n; i++) {
    unsigned char ch = (unsigned char)b64[i];
    if (ch == '\n' || ch == '\r' || ch == ' ' || ch == '\t')
      continue;
    if (ch == '=')
      break;
    if (val[ch] < 0)
      return -1;
    acc = (acc << 6) | (unsigned long)val[ch];
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (unsigned char)(acc >> bits);
    }
  }
  /* after '=': only padding and whitespace; leftover bits must be zero */
  for (; i < n; i++)
    if (b64[i] != '=' && b64[i] != '\n' && b64[i] != '\r' && b64[i] != ' ' && b64[i] != '\t')
      return -1;
  if (bits >= 6 || (acc & ((1ul << bits) - 1)) != 0)
    return -1;
  return o;
}

/* Lints every supported PEM block of data; returns the blocks linted, or -1
 * when a block is malformed (*why says how). */
static long lint_pem(lint_state *st, const char *file, const char *data, size_t len,
                     unsigned char *buf, const char **why) {
  static const char begin[] = "-----BEGIN ", end[] = "-----END ";
  const char *p = data, *stop = data + len;
  long count = 0;
  while ((p = memmem(p, (size_t)(stop - p), begin, sizeof begin - 1)) != NULL) {
    const char *label = p + sizeof begin - 1;
    const char *le = memmem(label, (size_t)(stop - label), "-----", 5);
    if (le == NULL) {
      *why = "unterminated PEM header";
      return -1;
    }
    const char *body = memchr(le, '\n', (size_t)(stop - le));
    const char *tail = body ? memmem(body, (size_t)(stop - body), end, sizeof end - 1) : NULL;
    if (tail == NULL) {
      *why = "PEM block without its END line";
      return -1;
    }
    casc_lint_kind kind;
    if (pem_label_kind(label, (size_t)(le - label), &kind)) {
      long n = pem_decode(body, (size_t)(tail - body), buf);
      if (n < 0) {
        *why = "bad base64 in a PEM block";
        return -1;
      }
      lint_one(st, file, (size_t)count, kind, buf, (size_t)n);
      count++;
    }
    p = tail + sizeof end - 1;
  }
  return count;
}

/* All of standard input ("-"), NUL-terminated like casc_file_read's. */
static casc_err read_stdin(unsigned char **out, size_t *out_len, casc_error *e) {
  size_t len = 0, cap = 65536;
  unsigned char *buf = malloc(cap + 1);
  size_t n;
  while (buf != NULL && (n = fread(buf + len, 1, cap - len, stdin)) > 0) {
    len += n;
    if (len == cap) {
      if (cap >= (size_t)1 << 30) {
        free(buf);
        return casc_error_set(e, CASC_ERR_IO, "-: standard input is over 1 GiB");
      }
      unsigned char *grown = realloc(buf, cap * 2 + 1);
      if (grown == NULL)
        free(buf);
      buf = grown;
      cap *= 2;
    }
  }
  if (buf == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "-: out of memory");
  if (ferror(stdin)) {
    free(buf);
    return casc_error_set(e, CASC_ERR_IO, "-: cannot read standard input");
  }
  buf[len] = '\0';
  *out = buf;
  *out_len = len;
  return CASC_OK;
}

/* found: the file was found in a directory walk, where files that hold no
 * certificate, CRL or OCSP response (keys, configuration) are skipped; a
 * file named on the command line must hold one. */
static void lint_file(lint_state *st, const char *path, bool found) {
  unsigned char *data = NULL, *buf = NULL;
  size_t len = 0;
  casc_error e = {0};
  if (strcmp(path, "-") == 0 ? read_stdin(&data, &len, &e) != CASC_OK
                              : casc_file_read(path, (size_t)1 << 30, &data, &len, &e) != CASC_OK) {
    fprintf(stderr, "casc lint: %s\n", e.msg);
    st->status = worse(st->status, EXIT_USAGE);
    return;
  }
  if (memmem(data, len, "-----BEGIN ", 11) != NULL) {
    const char *why = NULL;
    buf = malloc(len / 4 * 3 + 16);
    long n = buf ? lint_pem(st, path, (const char *)data, len, buf, &why) : -1;
    if (n < 0 || (n == 0 && !found)) {
      fprintf(stderr, "casc lint: %s: %s\n", path,
              n == 0 ? "no CERTIFICATE, X509 CRL or OCSP RESPONSE block"
                     : why ? why : "out of memory");
      st->status = worse(st->status, EXIT_USAGE);
    }
  } else if (casc_lint_detect_kind(data, len) == CASC_LINT_KIND_UNKNOWN) {
    if (found)
      goto done;
    fprintf(stderr, "casc lint: %s: not a certificate, CRL or OCSP response (PEM or DER)\n",
            path);
    st->status = worse(st->status, EXIT_USAGE);
  } else {
    lint_one(st, path, 0, CASC_LINT_KIND_UNKNOWN, data, len);
  }
done:
  free(buf);
  free(data);
}

static void lint_path(lint_state *st, const char *path, int depth) {
  struct stat sb;
  if (strcmp(path, "-") == 0) {
    lint_file(st, path, false);
    return;
  }
  if (stat(path, &sb) != 0) {
    fprintf(stderr, "casc lint: %s: %s\n", path, strerror(errno));
    st->status = worse(st->status, EXIT_USAGE);
    return;
  }
  if (!S_ISDIR(sb.st_mode)) {
    /* in a walk, only regular files: a FIFO or a device would block or never end */
    if (depth == 0 || S_ISREG(sb.st_mode))
      lint_file(st, path, depth > 0);
    return;
  }
  if (depth > 32) {
    fprintf(stderr, "casc lint: %s: directories nested too deep\n", path);
    st->status = worse(st->status, EXIT_USAGE);
    return;
  }
  struct dirent **names = NULL;
  int n = scandir(path, &names, NULL, alphasort);
  if (n < 0) {
    fprintf(stderr, "casc lint: %s: %s\n", path, strerror(errno));
    st->status = worse(st->status, EXIT_USAGE);
    return;
  }
  for (int i = 0; i < n; i++) {
    const char *name = names[i]->d_name;
    if (name[0] != '.') { /* ., .. and hidden files */
      size_t m = strlen(path) + strlen(name) + 2;
      char *child = malloc(m);
      if (child != NULL) {
        snprintf(child, m, "%s/%s", path, name);
        lint_path(st, child, depth + 1);
        free(child);
      }
    }
    free(names[i]);
  }
  free(names);
}

static int list_lints(bool json) {
  json_t *arr = json ? json_array() : NULL;
  for (size_t i = 0; i < casc_lint_count(); i++) {
    const casc_lint *l = casc_lint_at(i);
    char eff[CASC_TIME_BUFSZ];
    if (l->effective != 0)
      casc_time_format(l->effective, eff);
    else
      snprintf(eff, sizeof eff, "always");
    if (arr != NULL)
      json_array_append_new(
          arr, json_pack("{s:s, s:s?, s:s, s:s, s:s, s:s, s:s}", "lint", l->name, "alias",
                         l->alias, "level", casc_lint_level_name(l->level), "kind",
                         casc_lint_kind_name(l->kind), "citation", l->citation, "source",
                         l->source, "effective", eff));
    else
      printf("%-48s %-6s %-11s %-20s %s%s%s\n", l->name, casc_lint_level_name(l->level),
             casc_lint_kind_name(l->kind), eff, l->citation, l->alias ? "  zlint:" : "",
             l->alias ? l->alias : "");
  }
  if (arr != NULL)
    cli_print_json(arr);
  return EXIT_GOOD;
}

int cmd_lint(const cli_globals *g, int argc, char **argv) {
  (void)g;
  static const struct option opts[] = {{"profile", required_argument, NULL, 'p'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"all", no_argument, NULL, 'a'},
                                       {"lints", no_argument, NULL, 'l'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  lint_state st = {.profile = CASC_LINT_PROFILE_AUTO};
  bool lints = false;
  int c;
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'p':
      st.profile = casc_lint_profile_from_name(optarg);
      if (st.profile == CASC_LINT_PROFILE_AUTO)
        return cli_usage_error("lint", "unknown profile '%s' (root, subca, tls, code-signing, "
                                       "timestamping, ocsp-signing, smime, unknown)", optarg);
      break;
    case 'j': st.json = true; break;
    case 'a': st.all = true; break;
    case 'l': lints = true; break;
    case 'h': fputs(help, stdout); return EXIT_GOOD;
    default: return cli_usage_error("lint", "bad option %s", argv[optind - 1]);
    }
  }
  if (lints)
    return list_lints(st.json);
  if (optind == argc)
    return cli_usage_error("lint", "no FILE or DIR to lint (see casc lint --help)");
  st.ctx = casc_lint_ctx_new();
  if (st.ctx == NULL)
    return cli_usage_error("lint", "out of memory");
  st.progress = isatty(STDERR_FILENO);
  /* Findings are not acknowledgements: block-buffer them (a line per write
   * costs more than linting, on a corpus with many findings). */
  static char outbuf[1 << 16];
  setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
  if (st.json)
    printf("{\"inputs\": [");
  for (int i = optind; i < argc; i++)
    lint_path(&st, argv[i], 0);
  if (st.progress && st.n_inputs >= 1000)
    fprintf(stderr, "\rcasc lint: %zu inputs, %zu errors, %zu fatal, %zu warnings\n",
            st.n_inputs, st.n_error, st.n_fatal, st.n_warn);
  if (st.json)
    printf("%s]}\n", st.n_inputs > 0 ? "\n" : "");
  casc_lint_ctx_free(st.ctx);
  return st.status;
}
