/* The OCSP routes of `casc serve`: answers from an in-memory snapshot of
 * the presigned responses, kept fresh by one background thread.
 *
 * Concurrency: the snapshot is immutable once published. Readers take a
 * reference under a mutex held for two instructions, use the snapshot
 * without any lock, and drop the reference; the poller builds the next
 * snapshot aside (sharing the unchanged entries, which are reference
 * counted too) and swaps the pointer. The last reader of an old snapshot
 * frees it. No reader ever waits for signing, the database or the disk. */
#include "ocsp_internal.h"

#include "../ca/ca_internal.h"
#include "../http/http_internal.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define POLL_MS 1000          /* a revocation shows within this (+ signing) */
#define DUE_PASS_SECS 60      /* how often the whole table is checked for refreshes */
#define MAX_REQUEST 4096      /* bytes of a DER OCSPRequest; real ones are under 200 */
#define MAX_AGE_CAP 86400     /* caches re-ask at least daily, whatever nextUpdate says */

/* --- the snapshot ------------------------------------------------------------ */

struct entry {
  atomic_int refs;
  int issuer;                 /* responder index */
  unsigned char serial[CASC_OCSP_SERIAL_MAX];
  size_t serial_len;
  uint64_t hash;
  casc_ocsp_status st;
  time_t this_update, next_update;
  char etag[40];              /* quoted, from the response bytes */
  char last_modified[40];     /* thisUpdate */
  char expires[40];           /* nextUpdate */
  /* The same answer with a SHA-256 CertID (RFC 9919 recommends them),
   * signed at the first such request and kept while this entry lives:
   * a new presigned response is a new entry, so it never outlives the
   * status it was signed for. */
  _Atomic(struct entry *) sha256;
  size_t der_len;
  unsigned char der[];
};

struct snapshot {
  atomic_int refs;
  size_t mask;                /* slots - 1; slots is a power of two */
  size_t count;
  struct entry **slots;       /* open addressing, linear probing */
  time_t oldest;              /* the oldest thisUpdate held, for /metrics */
};

enum { R_GOOD, R_REVOKED, R_UNKNOWN, R_UNAUTHORIZED, R_MALFORMED, R_ERROR, R_COUNT };
static const char *const result_names[R_COUNT] = {"good",         "revoked",   "unknown",
                                                  "unauthorized", "malformed", "error"};

struct casc_ocsp_service {
  /* Swapped by the poller when a responder certificate is renewed; the
   * ones it replaces are kept (retired) until the service is freed, since
   * a request may still hold one. A renewal comes every couple of months. */
  _Atomic(casc_ocsp_responder *) r;
  casc_ocsp_responder *retired[8];
  size_t n_retired;
  casc_ca *poller_ca;         /* the poller's own, for renewals */
  casc_store *store;          /* the poller's own connection */
  char ca_dir[PATH_MAX];      /* for reloads of casc.conf */
  atomic_bool nonce_presigned; /* [ocsp] nonce = ignore */
  pthread_mutex_t lock;       /* guards `current` (the pointer, not the snapshot) */
  struct snapshot *current;
  pthread_t thread;
  bool thread_started;
  pthread_mutex_t stop_lock;
  pthread_cond_t stop_cond;
  bool stop;
  int64_t last_id;
  casc_http_route routes[2];
  casc_http_route *merged;    /* casc_ocsp_serve_attach's table */
  atomic_ullong results[R_COUNT];
  atomic_ullong live_signed, not_modified;
  atomic_llong last_poll, last_presign;
};

static casc_ocsp_responder *responder(casc_ocsp_service *svc) {
  return atomic_load_explicit(&svc->r, memory_order_acquire);
}

static uint64_t key_hash(int issuer, const unsigned char *serial, size_t len) {
  uint64_t h = 1469598103934665603ull ^ (uint64_t)issuer; /* FNV-1a */
  for (size_t i = 0; i < len; i++)
    h = (h ^ serial[i]) * 1099511628211ull;
  return h;
}

static void entry_release(struct entry *en) {
  if (en != NULL && atomic_fetch_sub_explicit(&en->refs, 1, memory_order_acq_rel) == 1) {
    entry_release(atomic_load(&en->sha256));
    free(en);
  }
}

static void snapshot_release(struct snapshot *s) {
  if (s == NULL || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
    return;
  for (size_t i = 0; s->slots != NULL && i <= s->mask; i++)
    entry_release(s->slots[i]);
  free(s->slots);
  free(s);
}

static struct snapshot *snapshot_new(size_t want) {
  size_t cap = 64;
  while (cap < 2 * want)
    cap *= 2;
  struct snapshot *s = calloc(1, sizeof *s);
  if (s == NULL || (s->slots = calloc(cap, sizeof *s->slots)) == NULL) {
    free(s);
    return NULL;
  }
  atomic_init(&s->refs, 1);
  s->mask = cap - 1;
  return s;
}

static const struct entry *snapshot_find(const struct snapshot *s, int issuer,
                                         const unsigned char *serial, size_t len) {
  uint64_t h = key_hash(issuer, serial, len);
  for (size_t i = h & s->mask;; i = (i + 1) & s->mask) {
    const struct entry *en = s->slots[i];
    if (en == NULL)
      return NULL;
    if (en->hash == h && en->issuer == issuer && en->serial_len == len &&
        memcmp(en->serial, serial, len) == 0)
      return en;
  }
}

/* Takes a reference to en; replaces (and releases) an entry of the same key.
 * The table is never more than half full (snapshot_new's sizing). */
static void snapshot_put(struct snapshot *s, struct entry *en) {
  atomic_fetch_add_explicit(&en->refs, 1, memory_order_relaxed);
  for (size_t i = en->hash & s->mask;; i = (i + 1) & s->mask) {
    struct entry *old = s->slots[i];
    if (old == NULL) {
      s->slots[i] = en;
      s->count++;
      break;
    }
    if (old->hash == en->hash && old->issuer == en->issuer &&
        old->serial_len == en->serial_len &&
        memcmp(old->serial, en->serial, en->serial_len) == 0) {
      s->slots[i] = en;
      entry_release(old);
      break;
    }
  }
  if (s->oldest == 0 || en->this_update < s->oldest)
    s->oldest = en->this_update;
}

static struct snapshot *snapshot_get(casc_ocsp_service *svc) {
  pthread_mutex_lock(&svc->lock);
  struct snapshot *s = svc->current;
  atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
  pthread_mutex_unlock(&svc->lock);
  return s;
}

/* --- loading rows ---------------------------------------------------------------*/

/* IMF-fixdate (RFC 9110 5.6.7), spelled out: strftime follows the locale. */
static void http_date(time_t t, char *buf, size_t bufsz) {
  static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm tm;
  gmtime_r(&t, &tm);
  snprintf(buf, bufsz, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
           months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A new entry (no references yet) holding der, the response about serial
 * of responder index issuer; NULL when out of memory. */
static struct entry *entry_new(int issuer, const unsigned char *serial, size_t serial_len,
                               const casc_ocsp_status *st, time_t this_update,
                               time_t next_update, const unsigned char *der, size_t der_len) {
  unsigned char md[EVP_MAX_MD_SIZE];
  char hex[2 * 16 + 1];
  if (serial_len > CASC_OCSP_SERIAL_MAX ||
      EVP_Digest(der, der_len, md, NULL, EVP_sha256(), NULL) != 1)
    return NULL;
  struct entry *en = calloc(1, sizeof *en + der_len);
  if (en == NULL)
    return NULL;
  atomic_init(&en->refs, 0);
  atomic_init(&en->sha256, NULL);
  en->issuer = issuer;
  memcpy(en->serial, serial, serial_len);
  en->serial_len = serial_len;
  en->hash = key_hash(issuer, serial, serial_len);
  en->st = *st;
  en->this_update = this_update;
  en->next_update = next_update;
  casc_hex_encode(md, 16, hex);
  snprintf(en->etag, sizeof en->etag, "\"%s\"", hex);
  http_date(this_update, en->last_modified, sizeof en->last_modified);
  http_date(next_update, en->expires, sizeof en->expires);
  memcpy(en->der, der, der_len);
  en->der_len = der_len;
  return en;
}

struct rows {
  casc_ocsp_service *svc;
  struct entry **items;
  size_t n, cap;
  int64_t last_id;
};

static casc_err take_row(const casc_ocsp_row *row, void *arg, casc_error *e) {
  struct rows *rs = arg;
  casc_error ignored = {0};
  unsigned char serial[CASC_OCSP_SERIAL_MAX];
  size_t serial_len = 0;
  rs->last_id = row->id;
  int issuer = casc_ocsp_responder_index(responder(rs->svc), row->issuer_id);
  if (issuer < 0)
    return CASC_OK; /* written by a casc that served an issuer this one does not */
  if (casc_ocsp_serial_raw(row->serial, serial, &serial_len, &ignored) != CASC_OK)
    return CASC_OK; /* a row this casc cannot use is skipped, not fatal */
  casc_ocsp_status st = {.status = row->status == 1 ? CASC_OCSP_REVOKED : CASC_OCSP_GOOD,
                         .revoked_at = row->revoked_at,
                         .reason = row->reason};
  struct entry *en = entry_new(issuer, serial, serial_len, &st, row->this_update,
                               row->next_update, row->der, row->der_len);
  if (en == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  if (rs->n == rs->cap) {
    size_t cap = rs->cap != 0 ? 2 * rs->cap : 256;
    struct entry **grown = realloc(rs->items, cap * sizeof *grown);
    if (grown == NULL) {
      free(en);
      return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    }
    rs->items = grown;
    rs->cap = cap;
  }
  rs->items[rs->n++] = en;
  return CASC_OK;
}

/* Reads what changed since the last poll and publishes a new snapshot
 * holding it; nothing is published when nothing changed. */
static casc_err refresh(casc_ocsp_service *svc, time_t now, casc_error *e) {
  struct rows rs = {.svc = svc, .last_id = svc->last_id};
  struct snapshot *next = NULL, *old = NULL;
  casc_err rc = casc_store_ocsp_since(svc->store, svc->last_id, take_row, &rs, e);
  if (rc != CASC_OK || rs.last_id == svc->last_id)
    goto out;
  old = svc->current; /* only this thread (or start, before it) writes current */
  next = snapshot_new((old != NULL ? old->count : 0) + rs.n);
  if (next == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  /* Unchanged entries are shared; expired ones are left behind. */
  for (size_t i = 0; old != NULL && i <= old->mask; i++)
    if (old->slots[i] != NULL && old->slots[i]->next_update > now)
      snapshot_put(next, old->slots[i]);
  for (size_t i = 0; i < rs.n; i++)
    snapshot_put(next, rs.items[i]);
  pthread_mutex_lock(&svc->lock);
  svc->current = next;
  pthread_mutex_unlock(&svc->lock);
  svc->last_id = rs.last_id;
  snapshot_release(old);
out:
  /* the items' own reference is the snapshot's; drop the loader's zero */
  for (size_t i = 0; i < rs.n; i++)
    if (next == NULL)
      free(rs.items[i]);
  free(rs.items);
  return rc;
}

/* --- the poller ------------------------------------------------------------------*/

#define RENEW_CHECK_SECS 86400

/* Renews the responder certificates that are due and, when one was,
 * signs from then on with a responder loaded again. */
static void renew_responders(casc_ocsp_service *svc, time_t now) {
  casc_error err = {0};
  size_t renewed = 0;
  casc_ocsp_responder *r = NULL;
  if (svc->n_retired == sizeof svc->retired / sizeof svc->retired[0])
    return; /* years of uptime: the next start renews */
  if (svc->poller_ca == NULL && casc_ca_open(svc->ca_dir, &svc->poller_ca, &err) != CASC_OK) {
    casc_log(CASC_LOG_ERROR, "ocsp: responder renewal: %s", err.msg);
    return;
  }
  if (casc_ocsp_renew_signers(svc->poller_ca, now, &renewed, &err) != CASC_OK ||
      (renewed > 0 && casc_ocsp_responder_new(svc->poller_ca, &r, &err) != CASC_OK)) {
    casc_log(CASC_LOG_ERROR, "ocsp: responder renewal: %s", err.msg);
    return;
  }
  if (r == NULL)
    return;
  svc->retired[svc->n_retired++] = atomic_exchange(&svc->r, r);
}

static void *poller(void *arg) {
  casc_ocsp_service *svc = arg;
  time_t next_due = 0, next_renew = casc_now() + RENEW_CHECK_SECS; /* start renewed */
  for (;;) {
    casc_error err = {0};
    time_t now = casc_now();
    size_t n = 0;
    if (now >= next_renew) {
      renew_responders(svc, now);
      next_renew = now + RENEW_CHECK_SECS;
    }
    if (casc_ocsp_presign_pending(responder(svc), svc->store, now, &n, &err) != CASC_OK)
      casc_log(CASC_LOG_ERROR, "ocsp: presigning queued responses: %s", err.msg);
    if (now >= next_due) {
      casc_ocsp_presign_report rep;
      if (casc_ocsp_presign(responder(svc), svc->store, now, NULL, NULL, &rep, &err) != CASC_OK)
        casc_log(CASC_LOG_ERROR, "ocsp: presigning: %s", err.msg);
      else
        atomic_store(&svc->last_presign, (long long)now);
      next_due = now + DUE_PASS_SECS;
    }
    if (refresh(svc, now, &err) != CASC_OK)
      casc_log(CASC_LOG_ERROR, "ocsp: loading responses: %s", err.msg);
    atomic_store(&svc->last_poll, (long long)now);

    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += POLL_MS / 1000;
    pthread_mutex_lock(&svc->stop_lock);
    while (!svc->stop) {
      int r = pthread_cond_timedwait(&svc->stop_cond, &svc->stop_lock, &until);
      if (r == ETIMEDOUT)
        break;
    }
    bool stop = svc->stop;
    pthread_mutex_unlock(&svc->stop_lock);
    if (stop)
      break;
  }
  return NULL;
}

/* --- answering ---------------------------------------------------------------------*/

static casc_err send_der(casc_http_response *res, const unsigned char *der, size_t len,
                         casc_error *e) {
  void *body = casc_http_response_alloc(res, len);
  memcpy(body, der, len);
  casc_http_response_body(res, body, len);
  return casc_http_response_header(res, "content-type", "application/ocsp-response", e);
}

static casc_err send_error(casc_ocsp_service *svc, casc_http_response *res, int status,
                           int result, casc_error *e) {
  size_t len;
  const unsigned char *der = casc_ocsp_error_response(status, &len);
  atomic_fetch_add_explicit(&svc->results[result], 1, memory_order_relaxed);
  casc_err rc = casc_http_response_header(res, "cache-control", "no-store", e);
  if (rc == CASC_OK)
    rc = send_der(res, der, len, e);
  return rc;
}

static int result_of(casc_ocsp_cert_status st) {
  return st == CASC_OCSP_GOOD ? R_GOOD : st == CASC_OCSP_REVOKED ? R_REVOKED : R_UNKNOWN;
}

/* RFC 5019 6: caching headers for a presigned response to a GET. */
static casc_err cache_headers(casc_http_response *res, const struct entry *en, time_t now,
                              casc_error *e) {
  static const char head[] = "max-age=", tail[] = ", public, no-transform, must-revalidate";
  char cc[sizeof head + 20 + sizeof tail], digits[20];
  time_t age = en->next_update - now;
  if (age > MAX_AGE_CAP)
    age = MAX_AGE_CAP;
  /* by hand, not snprintf: this runs for every GET answered */
  unsigned long long v = age > 0 ? (unsigned long long)age : 0;
  size_t nd = 0, at = sizeof head - 1;
  do
    digits[nd++] = (char)('0' + v % 10);
  while ((v /= 10) != 0);
  memcpy(cc, head, sizeof head - 1);
  while (nd > 0)
    cc[at++] = digits[--nd];
  memcpy(cc + at, tail, sizeof tail);
  casc_err rc = casc_http_response_header(res, "cache-control", cc, e);
  if (rc == CASC_OK)
    rc = casc_http_response_header(res, "etag", en->etag, e);
  if (rc == CASC_OK)
    rc = casc_http_response_header(res, "last-modified", en->last_modified, e);
  if (rc == CASC_OK)
    rc = casc_http_response_header(res, "expires", en->expires, e);
  return rc;
}

/* en's answer with a SHA-256 CertID: the one kept on en, or one signed now
 * and kept there for the next request (the first of two threads racing to
 * keep one wins; the other's is dropped). NULL when signing fails. */
static const struct entry *sha256_variant(casc_ocsp_service *svc, const struct entry *en,
                                          time_t now) {
  struct entry *alt = atomic_load_explicit(&((struct entry *)en)->sha256, memory_order_acquire);
  if (alt != NULL)
    return alt;
  unsigned char *der = NULL;
  size_t der_len = 0;
  casc_error err = {0};
  if (casc_ocsp_sign(responder(svc), en->issuer, NID_sha256, en->serial, en->serial_len, &en->st, NULL,
                     0, now, &der, &der_len, &err) != CASC_OK) {
    casc_log(CASC_LOG_ERROR, "ocsp: %s", err.msg);
    return NULL;
  }
  atomic_fetch_add_explicit(&svc->live_signed, 1, memory_order_relaxed);
  alt = entry_new(en->issuer, en->serial, en->serial_len, &en->st, now,
                  now + CASC_OCSP_VALIDITY, der, der_len);
  OPENSSL_free(der);
  if (alt == NULL)
    return NULL;
  atomic_init(&alt->refs, 1); /* en's reference */
  struct entry *expected = NULL;
  if (!atomic_compare_exchange_strong_explicit(&((struct entry *)en)->sha256, &expected, alt,
                                               memory_order_acq_rel, memory_order_acquire)) {
    free(alt);
    return expected;
  }
  return alt;
}

static bool content_type_is(const casc_http_request *req, const char *want) {
  size_t len = 0, n = strlen(want);
  const char *v = casc_http_request_header(req, "content-type", &len);
  /* parameters after ';' are allowed; the media type is case-insensitive */
  return v != NULL && len >= n && strncasecmp(v, want, n) == 0 &&
         (len == n || v[n] == ';' || v[n] == ' ');
}

static casc_err handle_ocsp(void *arg, const casc_http_request *req, casc_http_response *res,
                            casc_error *e) {
  casc_ocsp_service *svc = arg;
  unsigned char buf[MAX_REQUEST];
  const unsigned char *der = req->body;
  size_t der_len = req->body_len;
  casc_ocsp_request q;
  casc_error ignored = {0};
  struct snapshot *snap = NULL;
  casc_err rc = CASC_OK;
  bool get = req->method == CASC_HTTP_GET;
  if (get) {
    /* "/ocsp/" then the request; "/ocsp" alone asks nothing */
    if (req->path_len <= 6) {
      rc = send_error(svc, res, CASC_OCSP_MALFORMED, R_MALFORMED, e);
      goto out;
    }
    if (casc_ocsp_request_from_url(req->path + 6, req->path_len - 6, buf, sizeof buf, &der_len,
                                   &ignored) != CASC_OK) {
      rc = send_error(svc, res, CASC_OCSP_MALFORMED, R_MALFORMED, e);
      goto out;
    }
    der = buf;
  } else {
    if (req->path_len != 5) { /* POST goes to /ocsp itself */
      casc_http_response_status(res, 404);
      goto out;
    }
    if (!content_type_is(req, "application/ocsp-request")) {
      casc_http_response_status(res, 415);
      rc = casc_http_response_header(res, "accept-post", "application/ocsp-request", e);
      goto out;
    }
    if (der_len > MAX_REQUEST) {
      casc_http_response_status(res, 413);
      goto out;
    }
  }
  if (casc_ocsp_request_parse(der, der_len, &q, &ignored) != CASC_OK) {
    rc = send_error(svc, res, CASC_OCSP_MALFORMED, R_MALFORMED, e);
    goto out;
  }
  casc_ocsp_responder *r = responder(svc);
  int issuer = casc_ocsp_responder_find(r, &q);
  if (issuer < 0) {
    rc = send_error(svc, res, CASC_OCSP_UNAUTHORIZED, R_UNAUTHORIZED, e);
    goto out;
  }
  time_t now = casc_now();
  snap = snapshot_get(svc);
  const struct entry *en = snapshot_find(snap, issuer, q.serial, q.serial_len);
  if (en != NULL && en->next_update <= now)
    en = NULL; /* never serve a stale answer */
  bool presigned_ok = !q.has_nonce || atomic_load_explicit(&svc->nonce_presigned,
                                                            memory_order_relaxed);
  if (en != NULL && presigned_ok && q.hash_nid == NID_sha256)
    en = sha256_variant(svc, en, now); /* NULL: could not sign, answered below */
  if (en != NULL && presigned_ok) {
    atomic_fetch_add_explicit(&svc->results[result_of(en->st.status)], 1, memory_order_relaxed);
    if (get) {
      size_t inm_len = 0;
      const char *inm = casc_http_request_header(req, "if-none-match", &inm_len);
      rc = cache_headers(res, en, now, e);
      if (rc == CASC_OK && inm != NULL &&
          casc_http_etag_list_matches(inm, inm_len, en->etag, strlen(en->etag))) {
        atomic_fetch_add_explicit(&svc->not_modified, 1, memory_order_relaxed);
        casc_http_response_status(res, 304);
        goto out;
      }
    }
    if (rc == CASC_OK)
      rc = send_der(res, en->der, en->der_len, e);
    goto out;
  }
  /* A nonce, or no stored answer (a serial this issuer never issued, or
   * one issued in the last second): signed now. Not cacheable: it answers
   * this request only. */
  casc_ocsp_status st = {.status = CASC_OCSP_UNKNOWN, .reason = -1};
  if (en != NULL)
    st = en->st;
  unsigned char *out = NULL;
  size_t out_len = 0;
  if (casc_ocsp_sign(r, issuer, q.hash_nid, q.serial, q.serial_len, &st,
                     q.has_nonce ? q.nonce : NULL, q.nonce_len, now, &out, &out_len,
                     &ignored) != CASC_OK) {
    casc_log(CASC_LOG_ERROR, "ocsp: %s", ignored.msg);
    rc = send_error(svc, res, CASC_OCSP_INTERNAL_ERROR, R_ERROR, e);
    goto out;
  }
  atomic_fetch_add_explicit(&svc->results[result_of(st.status)], 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&svc->live_signed, 1, memory_order_relaxed);
  rc = casc_http_response_header(res, "cache-control", "no-store", e);
  if (rc == CASC_OK)
    rc = send_der(res, out, out_len, e);
  OPENSSL_free(out);
out:
  snapshot_release(snap);
  return rc;
}

static casc_err handle_metrics(void *arg, const casc_http_request *req, casc_http_response *res,
                               casc_error *e) {
  casc_ocsp_service *svc = arg;
  (void)req;
  enum { CAP = 4096 };
  char *buf = casc_http_response_alloc(res, CAP);
  size_t n = 0;
  time_t now = casc_now();
  struct snapshot *snap = snapshot_get(svc);
  n += (size_t)snprintf(buf + n, CAP - n,
                        "# HELP casc_ocsp_requests_total OCSP requests answered, by result.\n"
                        "# TYPE casc_ocsp_requests_total counter\n");
  for (int i = 0; i < R_COUNT; i++)
    n += (size_t)snprintf(buf + n, CAP - n, "casc_ocsp_requests_total{result=\"%s\"} %llu\n",
                          result_names[i], (unsigned long long)atomic_load(&svc->results[i]));
  long long last_presign = atomic_load(&svc->last_presign);
  n += (size_t)snprintf(
      buf + n, CAP - n,
      "# HELP casc_ocsp_live_signed_total Responses signed on request (nonce, SHA-256, unknown).\n"
      "# TYPE casc_ocsp_live_signed_total counter\n"
      "casc_ocsp_live_signed_total %llu\n"
      "# HELP casc_ocsp_not_modified_total GET requests answered 304.\n"
      "# TYPE casc_ocsp_not_modified_total counter\n"
      "casc_ocsp_not_modified_total %llu\n"
      "# HELP casc_ocsp_responses Presigned responses held in memory.\n"
      "# TYPE casc_ocsp_responses gauge\n"
      "casc_ocsp_responses %zu\n"
      "# HELP casc_ocsp_response_max_age_seconds Age of the oldest response held.\n"
      "# TYPE casc_ocsp_response_max_age_seconds gauge\n"
      "casc_ocsp_response_max_age_seconds %lld\n"
      "# HELP casc_ocsp_presign_lag_seconds Time since the last complete presigning pass.\n"
      "# TYPE casc_ocsp_presign_lag_seconds gauge\n"
      "casc_ocsp_presign_lag_seconds %lld\n",
      (unsigned long long)atomic_load(&svc->live_signed),
      (unsigned long long)atomic_load(&svc->not_modified), snap->count,
      (long long)(snap->oldest != 0 ? now - snap->oldest : 0),
      (long long)(last_presign != 0 ? now - last_presign : -1));
  snapshot_release(snap);
  if (n >= CAP)
    n = CAP - 1;
  casc_http_response_body(res, buf, n);
  casc_err rc = casc_http_response_header(res, "content-type", "text/plain; version=0.0.4", e);
  if (rc == CASC_OK)
    rc = casc_http_response_header(res, "cache-control", "no-store", e);
  return rc;
}

/* --- life cycle ----------------------------------------------------------------------*/

casc_err casc_ocsp_service_start(casc_ca *ca, casc_ocsp_service **out, casc_error *e) {
  casc_ocsp_service *svc = calloc(1, sizeof *svc);
  char path[PATH_MAX];
  casc_err rc = CASC_OK;
  if (svc == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  pthread_mutex_init(&svc->lock, NULL);
  pthread_mutex_init(&svc->stop_lock, NULL);
  pthread_condattr_t ca_attr;
  pthread_condattr_init(&ca_attr);
  pthread_condattr_setclock(&ca_attr, CLOCK_MONOTONIC);
  pthread_cond_init(&svc->stop_cond, &ca_attr);
  pthread_condattr_destroy(&ca_attr);
  casc_ocsp_config conf = {0};
  if (snprintf(svc->ca_dir, sizeof svc->ca_dir, "%s", casc_ca_dir(ca)) >= (int)sizeof svc->ca_dir) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "%s: path too long", casc_ca_dir(ca));
    goto out;
  }
  if ((rc = casc_ocsp_config_load(svc->ca_dir, &conf, e)) != CASC_OK)
    goto out;
  atomic_init(&svc->nonce_presigned, conf.nonce_presigned);
  casc_ocsp_responder *r = NULL;
  size_t renewed = 0;
  if ((rc = casc_ocsp_renew_signers(ca, casc_now(), &renewed, e)) != CASC_OK ||
      (rc = casc_ocsp_responder_new(ca, &r, e)) != CASC_OK)
    goto out;
  atomic_init(&svc->r, r);
  if ((rc = casc_ca_path(ca, CASC_DB_FILE, path, e)) != CASC_OK ||
      (rc = casc_store_open(path, false, &svc->store, e)) != CASC_OK)
    goto out;
  if ((svc->current = snapshot_new(0)) == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  /* What is stored is served from the first request on; signing what is
   * missing is the thread's job. */
  if ((rc = refresh(svc, casc_now(), e)) != CASC_OK)
    goto out;
  /* The thread starts with every signal blocked: SIGTERM and SIGINT are
   * the server's (it takes them with a signalfd), and a process-directed
   * signal delivered here would kill the process instead. */
  sigset_t all, saved;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &saved);
  int started = pthread_create(&svc->thread, NULL, poller, svc);
  pthread_sigmask(SIG_SETMASK, &saved, NULL);
  if (started != 0) {
    rc = casc_error_set(e, CASC_ERR_INTERNAL, "ocsp: cannot start its thread");
    goto out;
  }
  svc->thread_started = true;
  svc->routes[0] = (casc_http_route){.path = "/ocsp", .prefix = true,
                                     .methods = CASC_HTTP_GET | CASC_HTTP_POST,
                                     .fn = handle_ocsp, .arg = svc};
  svc->routes[1] = (casc_http_route){.path = "/metrics", .methods = CASC_HTTP_GET,
                                     .fn = handle_metrics, .arg = svc};
out:
  if (rc != CASC_OK) {
    casc_ocsp_service_free(svc);
    return rc;
  }
  *out = svc;
  return CASC_OK;
}

const casc_http_route *casc_ocsp_service_routes(const casc_ocsp_service *s, size_t *n) {
  *n = sizeof s->routes / sizeof s->routes[0];
  return s->routes;
}

casc_err casc_ocsp_service_reload(casc_ocsp_service *s, casc_error *e) {
  casc_ocsp_config conf = {0};
  casc_err rc = casc_ocsp_config_load(s->ca_dir, &conf, e);
  if (rc == CASC_OK)
    atomic_store(&s->nonce_presigned, conf.nonce_presigned);
  return rc;
}

void casc_ocsp_service_free(casc_ocsp_service *s) {
  if (s == NULL)
    return;
  if (s->thread_started) {
    pthread_mutex_lock(&s->stop_lock);
    s->stop = true;
    pthread_cond_signal(&s->stop_cond);
    pthread_mutex_unlock(&s->stop_lock);
    pthread_join(s->thread, NULL);
  }
  snapshot_release(s->current);
  free(s->merged);
  casc_store_close(s->store);
  casc_ocsp_responder_free(atomic_load(&s->r));
  for (size_t i = 0; i < s->n_retired; i++)
    casc_ocsp_responder_free(s->retired[i]);
  casc_ca_close(s->poller_ca);
  pthread_cond_destroy(&s->stop_cond);
  pthread_mutex_destroy(&s->stop_lock);
  pthread_mutex_destroy(&s->lock);
  free(s);
}

casc_err casc_ocsp_serve_attach(casc_ca *ca, casc_http_config *cfg, casc_ocsp_service **out,
                                casc_error *e) {
  casc_ocsp_service *svc = NULL;
  size_t n = 0;
  casc_err rc = casc_ocsp_service_start(ca, &svc, e);
  if (rc != CASC_OK)
    return rc;
  const casc_http_route *mine = casc_ocsp_service_routes(svc, &n);
  svc->merged = calloc(cfg->n_routes + n, sizeof *svc->merged);
  if (svc->merged == NULL) {
    casc_ocsp_service_free(svc);
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  }
  if (cfg->n_routes > 0)
    memcpy(svc->merged, cfg->routes, cfg->n_routes * sizeof *svc->merged);
  memcpy(svc->merged + cfg->n_routes, mine, n * sizeof *svc->merged);
  cfg->routes = svc->merged;
  cfg->n_routes += n;
  *out = svc;
  return CASC_OK;
}
