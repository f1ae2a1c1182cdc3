/* Presigning: a stored response for every certificate that needs one, so
 * that the daemon answers from memory and a signing key failure or a slow
 * disk never shows on the request path. */
#include "ocsp_internal.h"

#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Certificates signed per batch (the unit the threads share). */
#define BATCH 256
/* A bulk run keeps its transaction open across batches for this long: a
 * commit rewrites every index page its rows touched, and random serials
 * touch a different page each, so rows per commit is what the write cost
 * depends on. Short enough that a revocation waiting for the write lock
 * waits a fraction of a second. */
#define COMMIT_MS 250
/* Signing threads at most (one per online CPU). */
#define MAX_THREADS 16

struct batch {
  casc_ocsp_todo items[BATCH];
  size_t n;
};

static casc_err collect(const casc_ocsp_todo *t, void *arg, casc_error *e) {
  struct batch *b = arg;
  (void)e;
  if (b->n < BATCH)
    b->items[b->n++] = *t;
  return CASC_OK;
}

/* A batch's signed responses, indexed as its items; ok[k] is false for an
 * item of an issuer without a responder. */
struct signed_batch {
  casc_ocsp_row rows[BATCH];
  unsigned char *ders[BATCH];
  bool ok[BATCH];
};

/* The signing threads' shared state: thread t signs items t, t + n, ... */
struct signer {
  casc_ocsp_responder *r;
  size_t nthreads;
  casc_ocsp_encoder *enc[MAX_THREADS];
};

struct job {
  struct signer *s;
  size_t t;
  time_t now;
  const struct batch *b;
  struct signed_batch *out;
  pthread_t tid;
  bool started;
  casc_err rc;
  casc_error e;
};

static void signed_clear(struct signed_batch *sb) {
  for (size_t k = 0; k < BATCH; k++) {
    OPENSSL_free(sb->ders[k]);
    sb->ders[k] = NULL;
    sb->ok[k] = false;
  }
}

/* Presigned responses carry a SHA-1 CertID: what RFC 5019 clients send
 * (and what OpenSSL, browsers and most servers' stapling code send today).
 * A SHA-256 request is answered by a live signature (serve.c). */
static void *sign_part(void *arg) {
  struct job *j = arg;
  const struct batch *b = j->b;
  j->rc = CASC_OK;
  for (size_t k = j->t; k < b->n && j->rc == CASC_OK; k += j->s->nthreads) {
    const casc_ocsp_todo *t = &b->items[k];
    int i = casc_ocsp_responder_index(j->s->r, t->issuer_id);
    unsigned char serial[CASC_OCSP_SERIAL_MAX];
    size_t serial_len = 0, der_len = 0;
    if (i < 0)
      continue;
    casc_ocsp_status st = {.status = t->revoked ? CASC_OCSP_REVOKED : CASC_OCSP_GOOD,
                           .revoked_at = t->revoked_at, .reason = t->reason};
    if ((j->rc = casc_ocsp_serial_raw(t->serial, serial, &serial_len, &j->e)) != CASC_OK ||
        (j->rc = casc_ocsp_sign_template(j->s->r, i, j->s->enc[j->t], serial, serial_len, &st,
                                         j->now, &j->out->ders[k], &der_len, &j->e)) != CASC_OK)
      break;
    casc_ocsp_row *row = &j->out->rows[k];
    *row = (casc_ocsp_row){.cert_id = t->cursor,
                           .issuer_id = t->issuer_id,
                           .status = t->revoked ? 1 : 0,
                           .revoked_at = t->revoked_at,
                           .reason = t->revoked ? t->reason : -1,
                           .this_update = j->now,
                           .next_update = j->now + CASC_OCSP_VALIDITY,
                           .refresh_at = casc_ocsp_refresh_at(j->now, j->now + CASC_OCSP_VALIDITY),
                           .der = j->out->ders[k],
                           .der_len = der_len};
    memcpy(row->serial, t->serial, sizeof row->serial);
    j->out->ok[k] = true;
  }
  return NULL;
}

/* Starts signing b into out on the signer's threads (the last part runs
 * on the caller's thread when there is only one). */
static void sign_start(struct signer *s, struct job *jobs, time_t now, const struct batch *b,
                       struct signed_batch *out) {
  for (size_t t = 0; t < s->nthreads; t++) {
    jobs[t] = (struct job){.s = s, .t = t, .now = now, .b = b, .out = out};
    if (s->nthreads > 1 && pthread_create(&jobs[t].tid, NULL, sign_part, &jobs[t]) == 0)
      jobs[t].started = true;
    else
      sign_part(&jobs[t]);
  }
}

static casc_err sign_wait(struct signer *s, struct job *jobs, casc_error *e) {
  casc_err rc = CASC_OK;
  for (size_t t = 0; t < s->nthreads; t++) {
    if (jobs[t].started)
      pthread_join(jobs[t].tid, NULL);
    if (jobs[t].rc != CASC_OK && rc == CASC_OK) {
      rc = jobs[t].rc;
      *e = jobs[t].e;
    }
  }
  return rc;
}

static long long monotonic_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The transaction a run writes in: opened at the first batch, committed
 * every COMMIT_MS and at the end. */
struct writer {
  casc_store *store;
  bool open;
  long long since;
  size_t pending;      /* rows written in the open transaction */
  size_t *signed_count; /* committed rows */
};

static casc_err writer_commit(struct writer *w, casc_error *e) {
  if (!w->open)
    return CASC_OK;
  w->open = false;
  casc_err rc = casc_store_commit(w->store, e);
  if (rc != CASC_OK) {
    casc_store_rollback(w->store);
    return rc;
  }
  *w->signed_count += w->pending;
  w->pending = 0;
  return CASC_OK;
}

static void writer_abort(struct writer *w) {
  if (w->open)
    casc_store_rollback(w->store);
  w->open = false;
  w->pending = 0;
}

static casc_err write_batch(struct writer *w, const struct batch *b, struct signed_batch *sb,
                            size_t *skipped, casc_error *e) {
  size_t n = 0;
  casc_err rc = CASC_OK;
  for (size_t k = 0; k < b->n; k++)
    n += sb->ok[k];
  *skipped += b->n - n;
  if (n == 0)
    goto out;
  if (!w->open) {
    if ((rc = casc_store_begin(w->store, e)) != CASC_OK)
      goto out;
    w->open = true;
    w->since = monotonic_ms();
  }
  for (size_t k = 0; k < b->n && rc == CASC_OK; k++)
    if (sb->ok[k])
      rc = casc_store_ocsp_put(w->store, &sb->rows[k], e);
  if (rc != CASC_OK) {
    writer_abort(w);
    goto out;
  }
  w->pending += n;
  if (monotonic_ms() - w->since >= COMMIT_MS)
    rc = writer_commit(w, e);
out:
  signed_clear(sb);
  return rc;
}

static void signer_free(struct signer *s) {
  if (s == NULL)
    return;
  for (size_t t = 0; t < MAX_THREADS; t++)
    casc_ocsp_encoder_free(s->enc[t]);
  free(s);
}

static casc_err signer_new(casc_ocsp_responder *r, bool threads, struct signer **out,
                           casc_error *e) {
  struct signer *s = calloc(1, sizeof *s);
  long cpus = threads ? sysconf(_SC_NPROCESSORS_ONLN) : 1;
  if (s == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  s->r = r;
  s->nthreads = cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (size_t)cpus;
  for (size_t t = 0; t < s->nthreads; t++)
    if ((s->enc[t] = casc_ocsp_encoder_new()) == NULL) {
      signer_free(s);
      return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    }
  *out = s;
  return CASC_OK;
}

static casc_err sign_batch(struct signer *s, casc_store *store, time_t now,
                           const struct batch *b, struct signed_batch *sb, size_t *signed_count,
                           size_t *skipped, casc_error *e) {
  struct job jobs[MAX_THREADS];
  struct writer w = {.store = store, .signed_count = signed_count};
  sign_start(s, jobs, now, b, sb);
  casc_err rc = sign_wait(s, jobs, e);
  if (rc != CASC_OK) {
    signed_clear(sb);
    return rc;
  }
  rc = write_batch(&w, b, sb, skipped, e);
  if (rc == CASC_OK)
    rc = writer_commit(&w, e);
  return rc;
}

/* Where batches come from: the queue, or the due certificates after a
 * cursor. */
struct source {
  bool queue;
  time_t now;
  int64_t after;
};

static casc_err fetch(casc_store *store, struct source *src, struct batch *b, casc_error *e) {
  b->n = 0;
  if (src->queue)
    /* Taken off the queue before signing: if signing fails now, the next
     * presigning pass still finds the response missing or stale. */
    return casc_store_ocsp_pending_take(store, BATCH, collect, b, e);
  casc_err rc = casc_store_ocsp_due(store, src->now, src->after, BATCH, collect, b, e);
  if (rc == CASC_OK && b->n > 0)
    src->after = b->items[b->n - 1].cursor;
  return rc;
}

/* Pipelined: while the threads sign batch k + 1, this thread stores batch
 * k. The queue is taken inside the open transaction, so a taken serial and
 * its stored response commit together. */
static casc_err run(struct signer *s, casc_store *store, struct source *src,
                    void (*progress)(size_t done, void *arg), void *arg, size_t *signed_count,
                    size_t *skipped, casc_error *e) {
  struct batch *b[2] = {malloc(sizeof(struct batch)), malloc(sizeof(struct batch))};
  struct signed_batch *sb[2] = {calloc(1, sizeof(struct signed_batch)),
                                calloc(1, sizeof(struct signed_batch))};
  struct job jobs[MAX_THREADS];
  struct writer w = {.store = store, .signed_count = signed_count};
  int cur = 0;
  bool have_prev = false;
  casc_err rc = b[0] != NULL && b[1] != NULL && sb[0] != NULL && sb[1] != NULL
                    ? CASC_OK
                    : casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  /* Responses can be signed again: a power loss that takes back the last
   * commits costs a re-signing pass, while an fsync per commit would cost
   * most of the presigning time. */
  bool relaxed = false;
  if (rc == CASC_OK && (rc = casc_store_set_durable(store, false, e)) == CASC_OK)
    relaxed = true;
  while (rc == CASC_OK) {
    struct batch *nb = b[cur];
    if ((rc = fetch(store, src, nb, e)) != CASC_OK)
      break;
    if (nb->n > 0)
      sign_start(s, jobs, src->now, nb, sb[cur]);
    if (have_prev) {
      casc_error we = {0};
      casc_err wrc = write_batch(&w, b[1 - cur], sb[1 - cur], skipped, &we);
      if (wrc == CASC_OK && progress != NULL)
        progress(*signed_count, arg);
      if (wrc != CASC_OK) {
        rc = wrc;
        *e = we;
      }
    }
    if (nb->n == 0)
      break;
    casc_error se = {0};
    casc_err src_rc = sign_wait(s, jobs, &se);
    if (src_rc != CASC_OK && rc == CASC_OK) {
      rc = src_rc;
      *e = se;
    }
    have_prev = true;
    cur = 1 - cur;
  }
  if (rc == CASC_OK)
    rc = writer_commit(&w, e);
  else
    writer_abort(&w);
  if (relaxed) {
    casc_error ignored = {0};
    if (casc_store_set_durable(store, true, &ignored) != CASC_OK && rc == CASC_OK) {
      rc = ignored.code;
      *e = ignored;
    }
  }
  for (int k = 0; k < 2; k++) {
    if (sb[k] != NULL)
      signed_clear(sb[k]);
    free(b[k]);
    free(sb[k]);
  }
  return rc;
}

casc_err casc_ocsp_presign_pending(casc_ocsp_responder *r, casc_store *store, time_t now,
                                   size_t *count, casc_error *e) {
  struct signer *s = NULL;
  struct source src = {.queue = true, .now = now};
  size_t done = 0, skipped = 0;
  casc_err rc = signer_new(r, true, &s, e);
  if (rc == CASC_OK)
    rc = run(s, store, &src, NULL, NULL, &done, &skipped, e);
  signer_free(s);
  if (count != NULL)
    *count = done;
  return rc;
}

casc_err casc_ocsp_presign(casc_ocsp_responder *r, casc_store *store, time_t now,
                           void (*progress)(size_t done, void *arg), void *arg,
                           casc_ocsp_presign_report *report, casc_error *e) {
  struct signer *s = NULL;
  struct source queue = {.queue = true, .now = now}, due = {.queue = false, .now = now};
  size_t ignored = 0;
  memset(report, 0, sizeof *report);
  casc_err rc = signer_new(r, true, &s, e);
  /* The queue first, so that what it holds is not signed twice. Its
   * certificates of issuers without a responder were skipped before too
   * without being counted. */
  if (rc == CASC_OK)
    rc = run(s, store, &queue, progress, arg, &report->signed_count, &ignored, e);
  if (rc == CASC_OK)
    rc = run(s, store, &due, progress, arg, &report->signed_count, &report->skipped, e);
  signer_free(s);
  if (rc == CASC_OK)
    report->next_due = casc_ocsp_refresh_at(now, now + CASC_OCSP_VALIDITY);
  return rc;
}

casc_err casc_ocsp_after_revoke(casc_ca *ca, const char *serial, casc_error *e) {
  casc_ocsp_responder *r = NULL;
  casc_cert_rec rec = {0};
  struct batch *b = calloc(1, sizeof *b);
  struct signed_batch *sb = calloc(1, sizeof *sb);
  struct signer *s = NULL;
  size_t done = 0, skipped = 0;
  char canon[CASC_SERIAL_MAX];
  casc_err rc = b != NULL && sb != NULL ? CASC_OK
                                        : casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  if (rc != CASC_OK || (rc = casc_serial_normalize(serial, canon, e)) != CASC_OK ||
      (rc = casc_store_cert_get(casc_ca_store(ca), canon, &rec, e)) != CASC_OK ||
      (rc = casc_ocsp_responder_new(ca, &r, e)) != CASC_OK ||
      (rc = signer_new(r, false, &s, e)) != CASC_OK)
    goto out;
  casc_ocsp_todo *t = &b->items[b->n++];
  t->issuer_id = rec.issuer_id;
  memcpy(t->serial, rec.serial, sizeof t->serial);
  t->revoked = rec.revoked;
  t->revoked_at = rec.revoked_at;
  t->reason = rec.reason;
  rc = sign_batch(s, casc_ca_store(ca), casc_now(), b, sb, &done, &skipped, e);
out:
  signer_free(s);
  casc_ocsp_responder_free(r);
  casc_cert_rec_clear(&rec);
  free(b);
  free(sb);
  return rc;
}
