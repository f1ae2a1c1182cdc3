/* casc serve's CRLs: the files under out_dir/crl/, in memory, answered at
 * their URL paths; a watcher thread that notices rewritten files and, when
 * asked, rebuilds the CRLs after revocations and on schedule.
 *
 * Readers and the watcher share one pointer to an immutable snapshot. A
 * handler takes a reference under a mutex held for two instructions, and
 * drops it when done; the watcher swaps in a new snapshot under the same
 * mutex and drops the old one's reference, so the last user frees it. No
 * reader ever sees a snapshot change under it, and no connection is
 * dropped by a reload. */
#include "casc/crl.h"
#include "casc/der.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CRL_FILE (1024u * 1024u * 1024u) /* a CRL of ~20 million entries */
#define MAX_MAX_AGE 3600 /* see crl_headers */
#define URL_PATH_MAX 512

struct crl_file {
  char url_path[URL_PATH_MAX]; /* "/crl/issuing-ca/0.crl" */
  unsigned char *body;
  size_t len;
  time_t this_update, next_update;
  char etag[40];               /* "\"<32 hex>\"" */
  char last_modified[40];      /* IMF-fixdate of thisUpdate */
};

struct snapshot {
  atomic_int refs;
  struct crl_file *files;      /* sorted by url_path */
  size_t n;
};

/* What a scan of the directory saw, to tell when anything changed. */
struct stamp {
  char url_path[URL_PATH_MAX];
  ino_t ino;
  struct timespec mtime;
  off_t size;
};

struct casc_crl_server {
  char ca_dir[4096];
  char out_dir[4096];
  bool rebuild;
  casc_crl_config cfg;

  pthread_mutex_t lock;        /* guards cur, stopping, reloaded */
  casc_crl_config reloaded;    /* from casc_crl_server_reload, for the watcher */
  bool reload_pending;
  pthread_cond_t wake;
  struct snapshot *cur;
  bool stopping;
  pthread_t thread;
  bool started;

  /* the watcher's own state */
  struct stamp *stamps;
  size_t n_stamps;
  casc_ca *ca;                 /* opened by the watcher, for rebuilds */
  int64_t audit_seq;           /* the last audit entry looked at */
  time_t rebuild_at;           /* 0: none pending */
  time_t last_build;
  casc_http_route *routes;     /* casc_crl_serve_attach's merged table */
};

static void snapshot_release(struct snapshot *s) {
  if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
    return;
  for (size_t i = 0; i < s->n; i++)
    free(s->files[i].body);
  free(s->files);
  free(s);
}

static struct snapshot *snapshot_acquire(casc_crl_server *srv) {
  pthread_mutex_lock(&srv->lock);
  struct snapshot *s = srv->cur;
  if (s != NULL)
    atomic_fetch_add(&s->refs, 1);
  pthread_mutex_unlock(&srv->lock);
  return s;
}

static void snapshot_swap(casc_crl_server *srv, struct snapshot *next) {
  pthread_mutex_lock(&srv->lock);
  struct snapshot *old = srv->cur;
  srv->cur = next;
  pthread_mutex_unlock(&srv->lock);
  snapshot_release(old);
}

/* --- reading the files --------------------------------------------------- */
static casc_err load_file(const char *path, const char *url_path, struct crl_file *f,
                          casc_error *e) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned md_len = 0;
  char hex[2 * 16 + 1];
  snprintf(f->url_path, sizeof f->url_path, "%s", url_path);
  casc_err rc = casc_file_read(path, MAX_CRL_FILE, &f->body, &f->len, e);
  if (rc == CASC_OK)
    rc = casc_crl_peek_times(f->body, f->len, &f->this_update, &f->next_update, e);
  if (rc != CASC_OK)
    goto out;
  /* A strong ETag from the bytes: the same on every thread and restart. */
  if (EVP_Digest(f->body, f->len, md, &md_len, EVP_sha256(), NULL) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "SHA-256");
    goto out;
  }
  casc_hex_encode(md, 16, hex);
  f->etag[0] = '"';
  memcpy(f->etag + 1, hex, 32);
  f->etag[33] = '"';
  f->etag[34] = '\0';
  struct tm tm;
  gmtime_r(&f->this_update, &tm);
  strftime(f->last_modified, sizeof f->last_modified, "%a, %d %b %Y %H:%M:%S GMT", &tm);
out:
  if (rc != CASC_OK) {
    free(f->body);
    f->body = NULL;
  }
  return rc;
}

/* Appends the *.crl files of dir (URL prefix url_dir) to *st, recursing
 * once into issuer directories. */
static casc_err scan_dir(const char *dir, const char *url_dir, int depth, struct stamp **st,
                         size_t *n, size_t *cap, casc_error *e) {
  DIR *d = opendir(dir);
  if (d == NULL)
    return errno == ENOENT ? CASC_OK : casc_error_set(e, CASC_ERR_IO, "%s: %s", dir,
                                                      strerror(errno));
  casc_err rc = CASC_OK;
  struct dirent *ent;
  while (rc == CASC_OK && (ent = readdir(d)) != NULL) {
    if (ent->d_name[0] == '.') /* ., .., .lock */
      continue;
    char path[4096], url[URL_PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, ent->d_name) >= (int)sizeof path ||
        snprintf(url, sizeof url, "%s/%s", url_dir, ent->d_name) >= (int)sizeof url)
      continue;
    struct stat sb;
    if (stat(path, &sb) != 0)
      continue; /* replaced or removed while we looked */
    if (S_ISDIR(sb.st_mode) && depth == 0) {
      rc = scan_dir(path, url, 1, st, n, cap, e);
      continue;
    }
    size_t len = strlen(ent->d_name);
    /* only finished CRLs: temporary files end in .tmp.XXXXXX */
    if (!S_ISREG(sb.st_mode) || len < 5 || strcmp(ent->d_name + len - 4, ".crl") != 0)
      continue;
    if (*n == *cap) {
      size_t nc = *cap == 0 ? 32 : *cap * 2;
      struct stamp *p = realloc(*st, nc * sizeof *p);
      if (p == NULL) {
        rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
        break;
      }
      *st = p;
      *cap = nc;
    }
    struct stamp *s = &(*st)[(*n)++];
    memset(s, 0, sizeof *s);
    snprintf(s->url_path, sizeof s->url_path, "%s", url);
    s->ino = sb.st_ino;
    s->mtime = sb.st_mtim;
    s->size = sb.st_size;
  }
  closedir(d);
  return rc;
}

static int stamp_cmp(const void *a, const void *b) {
  return strcmp(((const struct stamp *)a)->url_path, ((const struct stamp *)b)->url_path);
}

static bool stamps_equal(const struct stamp *a, size_t na, const struct stamp *b, size_t nb) {
  if (na != nb)
    return false;
  for (size_t i = 0; i < na; i++)
    if (strcmp(a[i].url_path, b[i].url_path) != 0 || a[i].ino != b[i].ino ||
        a[i].size != b[i].size || a[i].mtime.tv_sec != b[i].mtime.tv_sec ||
        a[i].mtime.tv_nsec != b[i].mtime.tv_nsec)
      return false;
  return true;
}

/* Rescans; when anything changed, loads every file into a new snapshot and
 * swaps it in. A file that does not parse is left out with a log line. */
static casc_err refresh(casc_crl_server *srv, casc_error *e) {
  char dir[4200];
  struct stamp *st = NULL;
  size_t n = 0, cap = 0;
  struct snapshot *snap = NULL;
  snprintf(dir, sizeof dir, "%s/crl", srv->out_dir);
  casc_err rc = scan_dir(dir, "/crl", 0, &st, &n, &cap, e);
  if (rc != CASC_OK)
    goto out;
  if (n > 0)
    qsort(st, n, sizeof *st, stamp_cmp);
  if (srv->cur != NULL && stamps_equal(st, n, srv->stamps, srv->n_stamps))
    goto out;
  snap = calloc(1, sizeof *snap);
  if (snap == NULL || (n > 0 && (snap->files = calloc(n, sizeof *snap->files)) == NULL)) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  atomic_init(&snap->refs, 1);
  for (size_t i = 0; i < n; i++) {
    char path[4200 + URL_PATH_MAX];
    casc_error fe = {0};
    snprintf(path, sizeof path, "%s%s", srv->out_dir, st[i].url_path);
    if (load_file(path, st[i].url_path, &snap->files[snap->n], &fe) == CASC_OK)
      snap->n++;
    else
      casc_log(CASC_LOG_WARN, "casc serve: %s: not served: %s", path, fe.msg);
  }
  snapshot_swap(srv, snap);
  snap = NULL;
  free(srv->stamps);
  srv->stamps = st;
  srv->n_stamps = n;
  st = NULL;
out:
  if (snap != NULL)
    snapshot_release(snap);
  free(st);
  return rc;
}

/* --- rebuilding ---------------------------------------------------------- */
struct audit_scan {
  int64_t last;
  bool revoked;
};

static casc_err on_audit(const casc_audit_entry *entry, void *arg, casc_error *e) {
  (void)e;
  struct audit_scan *as = arg;
  as->last = entry->seq;
  if (strcmp(entry->op, "revoke") == 0)
    as->revoked = true;
  return CASC_OK;
}

/* New revocations since the last look: every revocation appends a "revoke"
 * entry to the audit log in its own transaction, so the entries after the
 * last one seen are all there is to read, however large the database. */
static casc_err poll_revocations(casc_crl_server *srv, bool *revoked, casc_error *e) {
  casc_store *s = casc_ca_store(srv->ca);
  struct audit_scan as = {.last = srv->audit_seq};
  casc_err rc = casc_store_audit_walk_from(s, srv->audit_seq + 1, on_audit, &as, e);
  srv->audit_seq = as.last;
  *revoked = as.revoked;
  return rc;
}

static casc_err audit_head(casc_crl_server *srv, casc_error *e) {
  casc_store *s = casc_ca_store(srv->ca);
  casc_audit_entry last = {0};
  bool found = false;
  casc_err rc = casc_store_audit_last(s, &last, &found, e);
  srv->audit_seq = found ? last.seq : 0;
  casc_audit_entry_clear(&last);
  return rc;
}

#define RETRY_SECONDS 10

static void rebuild_now(casc_crl_server *srv) {
  casc_error e = {0};
  time_t now = casc_now();
  srv->last_build = now;
  srv->rebuild_at = 0;
  if (casc_crl_build_all(srv->ca, srv->out_dir, &srv->cfg, now, NULL, NULL, &e) != CASC_OK) {
    /* A full disk or a busy database passes: try again soon, not only at
     * the next revocation or the next scheduled build. */
    casc_log(CASC_LOG_ERROR, "casc serve: rebuilding the CRLs (again in %d s): %s",
             RETRY_SECONDS, e.msg);
    srv->rebuild_at = now + RETRY_SECONDS;
  }
}

static void rebuild_tick(casc_crl_server *srv) {
  casc_error e = {0};
  time_t now = casc_now();
  if (srv->ca == NULL) {
    if (casc_ca_open(srv->ca_dir, &srv->ca, &e) != CASC_OK ||
        audit_head(srv, &e) != CASC_OK) {
      casc_log(CASC_LOG_ERROR, "casc serve: CRL rebuilds: %s", e.msg);
      casc_ca_close(srv->ca);
      srv->ca = NULL;
      return;
    }
    rebuild_now(srv); /* whatever the files on disk hold, start fresh */
    return;
  }
  bool revoked = false;
  if (poll_revocations(srv, &revoked, &e) != CASC_OK)
    casc_log(CASC_LOG_ERROR, "casc serve: reading the audit log: %s", e.msg);
  if (revoked && srv->rebuild_at == 0)
    srv->rebuild_at = now + srv->cfg.rebuild_delay_seconds;
  if ((srv->rebuild_at != 0 && now >= srv->rebuild_at) ||
      now - srv->last_build >= (time_t)srv->cfg.rebuild_interval_hours * 3600)
    rebuild_now(srv);
}

/* --- the watcher ----------------------------------------------------------- */
static void *watcher(void *arg) {
  casc_crl_server *srv = arg;
  for (;;) {
    /* Only this thread reads cfg: a reload is handed over, not written. */
    pthread_mutex_lock(&srv->lock);
    if (srv->reload_pending) {
      srv->cfg = srv->reloaded;
      srv->reload_pending = false;
    }
    pthread_mutex_unlock(&srv->lock);
    if (srv->rebuild)
      rebuild_tick(srv);
    casc_error e = {0};
    if (refresh(srv, &e) != CASC_OK)
      casc_log(CASC_LOG_ERROR, "casc serve: CRLs: %s", e.msg);
    /* Once a second (sooner when a rebuild is due): a stat per file and,
     * with rebuilds, one indexed read of the audit log's tail. */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 1;
    pthread_mutex_lock(&srv->lock);
    while (!srv->stopping &&
           pthread_cond_timedwait(&srv->wake, &srv->lock, &until) != ETIMEDOUT) {
    }
    bool stop = srv->stopping;
    pthread_mutex_unlock(&srv->lock);
    if (stop)
      break;
  }
  return NULL;
}

casc_err casc_crl_server_new(const casc_crl_server_opts *opts, casc_crl_server **out,
                             casc_error *e) {
  casc_crl_server *srv = calloc(1, sizeof *srv);
  casc_err rc = CASC_OK;
  if (srv == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  pthread_mutex_init(&srv->lock, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_cond_init(&srv->wake, &ca);
  pthread_condattr_destroy(&ca);
  if (snprintf(srv->ca_dir, sizeof srv->ca_dir, "%s", opts->ca_dir) >= (int)sizeof srv->ca_dir ||
      snprintf(srv->out_dir, sizeof srv->out_dir, "%s",
               opts->out_dir != NULL ? opts->out_dir : opts->ca_dir) >= (int)sizeof srv->out_dir) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "%s: path too long", opts->ca_dir);
    goto out;
  }
  rc = casc_crl_config_load(srv->ca_dir, &srv->cfg, e);
  srv->rebuild = opts->rebuild && srv->cfg.rebuild != 0;
  if (rc == CASC_OK)
    rc = refresh(srv, e); /* the first snapshot before the first request */
out:
  if (rc != CASC_OK) {
    casc_crl_server_free(srv);
    return rc;
  }
  *out = srv;
  return CASC_OK;
}

casc_err casc_crl_server_reload(casc_crl_server *s, casc_error *e) {
  casc_crl_config cfg;
  casc_err rc = casc_crl_config_load(s->ca_dir, &cfg, e);
  if (rc != CASC_OK)
    return rc; /* the configuration in force stays */
  pthread_mutex_lock(&s->lock);
  s->reloaded = cfg;
  s->reload_pending = true;
  pthread_cond_signal(&s->wake);
  pthread_mutex_unlock(&s->lock);
  return CASC_OK;
}

casc_err casc_crl_server_start(casc_crl_server *s, casc_error *e) {
  /* The watcher takes no signals: SIGTERM and SIGINT belong to the HTTP
   * server's signalfd, which only sees them when every thread blocks them. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int r = pthread_create(&s->thread, NULL, watcher, s);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (r != 0)
    return casc_error_set(e, CASC_ERR_INTERNAL, "CRL watcher thread: %s", strerror(r));
  s->started = true;
  return CASC_OK;
}

void casc_crl_server_free(casc_crl_server *s) {
  if (s == NULL)
    return;
  if (s->started) {
    pthread_mutex_lock(&s->lock);
    s->stopping = true;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
  }
  snapshot_release(s->cur);
  free(s->stamps);
  casc_ca_close(s->ca);
  pthread_cond_destroy(&s->wake);
  pthread_mutex_destroy(&s->lock);
  free(s->routes);
  free(s);
}

/* --- answering ------------------------------------------------------------ */
static const struct crl_file *find_file(const struct snapshot *snap, const char *path,
                                        size_t len) {
  size_t lo = 0, hi = snap != NULL ? snap->n : 0;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *p = snap->files[mid].url_path;
    size_t plen = strlen(p);
    int c = memcmp(p, path, plen < len ? plen : len);
    if (c == 0)
      c = plen < len ? -1 : plen > len ? 1 : 0;
    if (c == 0)
      return &snap->files[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

/* True when an If-None-Match value names etag (or is "*"); weak
 * comparison, as RFC 9110 13.1.2 wants for If-None-Match. */
static bool etag_matches(const char *v, size_t len, const char *etag) {
  size_t el = strlen(etag);
  for (size_t i = 0; i < len; i++)
    if (v[i] == '*' || (i + el <= len && memcmp(v + i, etag, el) == 0))
      return true;
  return false;
}

/* Cache-Control: a cache may keep a CRL until its nextUpdate (RFC 5019 6.2
 * in spirit), but no more than an hour: a revocation is in the CRLs within
 * seconds, and a recheck costs a 304. */
static casc_err crl_headers(casc_http_response *res, const struct crl_file *f, casc_error *e) {
  char cc[64];
  time_t now = casc_now();
  long max_age = f->next_update > now ? (long)(f->next_update - now) : 0;
  if (max_age > MAX_MAX_AGE)
    max_age = MAX_MAX_AGE;
  if (max_age > 0)
    snprintf(cc, sizeof cc, "public, max-age=%ld, no-transform", max_age);
  else
    snprintf(cc, sizeof cc, "no-cache");
  casc_err rc = casc_http_response_header(res, "cache-control", cc, e);
  if (rc == CASC_OK)
    rc = casc_http_response_header(res, "etag", f->etag, e);
  if (rc == CASC_OK)
    rc = casc_http_response_header(res, "last-modified", f->last_modified, e);
  return rc;
}

casc_err casc_crl_server_handle(void *arg, const casc_http_request *req, casc_http_response *res,
                                casc_error *e) {
  casc_crl_server *srv = arg;
  struct snapshot *snap = snapshot_acquire(srv);
  const struct crl_file *f = find_file(snap, req->path, req->path_len);
  casc_err rc = CASC_OK;
  if (f == NULL) {
    static const char msg[] = "no such CRL\n";
    casc_http_response_status(res, 404);
    rc = casc_http_response_header(res, "content-type", "text/plain; charset=utf-8", e);
    casc_http_response_body(res, msg, sizeof msg - 1);
    goto out;
  }
  rc = crl_headers(res, f, e);
  if (rc != CASC_OK)
    goto out;
  size_t inm_len = 0;
  const char *inm = casc_http_request_header(req, "if-none-match", &inm_len);
  if (inm != NULL && etag_matches(inm, inm_len, f->etag)) {
    casc_http_response_status(res, 304);
    goto out;
  }
  rc = casc_http_response_header(res, "content-type", "application/pkix-crl", e);
  if (rc != CASC_OK)
    goto out;
  /* The body must outlive this call, and the snapshot may be freed as soon
   * as it returns: the response gets its own copy. */
  if (!req->head) {
    void *body = casc_http_response_alloc(res, f->len);
    memcpy(body, f->body, f->len);
    casc_http_response_body(res, body, f->len);
  } else {
    casc_http_response_body(res, f->body, f->len); /* for Content-Length; never sent */
  }
out:
  snapshot_release(snap);
  return rc;
}

casc_err casc_crl_serve_attach(casc_ca *ca, casc_http_config *cfg, casc_crl_server **out,
                               casc_error *e) {
  casc_crl_server_opts opts = {.ca_dir = casc_ca_dir(ca), .out_dir = casc_ca_dir(ca),
                               .rebuild = true};
  casc_crl_server *srv = NULL;
  casc_err rc = casc_crl_server_new(&opts, &srv, e);
  if (rc != CASC_OK)
    goto out;
  srv->routes = calloc(cfg->n_routes + 1, sizeof *srv->routes);
  if (srv->routes == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  if (cfg->n_routes > 0)
    memcpy(srv->routes, cfg->routes, cfg->n_routes * sizeof *srv->routes);
  srv->routes[cfg->n_routes] = (casc_http_route){.path = "/crl",
                                                 .prefix = true,
                                                 .methods = CASC_HTTP_GET,
                                                 .fn = casc_crl_server_handle,
                                                 .arg = srv};
  rc = casc_crl_server_start(srv, e);
out:
  if (rc != CASC_OK) {
    casc_crl_server_free(srv);
    return rc;
  }
  cfg->routes = srv->routes;
  cfg->n_routes++;
  *out = srv;
  return CASC_OK;
}
