/* Presigning: a stored response for every certificate that needs one, so
 * that the daemon answers from memory and a signing key failure or a slow
 * disk never shows on the request path. */
#include "ocsp_internal.h"

#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <stdlib.h>
#include <string.h>

/* Certificates signed between two commits: large enough that a commit's
 * fsync is a small share of the work, small enough that a revocation
 * waiting for the write lock waits milliseconds. */
#define BATCH 256

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

/* Presigned responses carry a SHA-1 CertID: what RFC 5019 clients send
 * (and what OpenSSL, browsers and most servers' stapling code send today).
 * A SHA-256 request is answered by a live signature (serve.c). */
static casc_err sign_batch(casc_ocsp_responder *r, casc_store *store, time_t now,
                           const struct batch *b, size_t *signed_count, size_t *skipped,
                           casc_error *e) {
  unsigned char *ders[BATCH] = {0};
  casc_ocsp_row rows[BATCH];
  size_t n = 0;
  casc_err rc = CASC_OK;
  for (size_t k = 0; k < b->n; k++) {
    const casc_ocsp_todo *t = &b->items[k];
    int i = casc_ocsp_responder_index(r, t->issuer_id);
    unsigned char serial[CASC_OCSP_SERIAL_MAX];
    size_t serial_len = 0, der_len = 0;
    if (i < 0) {
      (*skipped)++;
      continue;
    }
    casc_ocsp_status st = {.status = t->revoked ? CASC_OCSP_REVOKED : CASC_OCSP_GOOD,
                           .revoked_at = t->revoked_at, .reason = t->reason};
    if ((rc = casc_ocsp_serial_raw(t->serial, serial, &serial_len, e)) != CASC_OK ||
        (rc = casc_ocsp_sign(r, i, NID_sha1, serial, serial_len, &st, NULL, 0, now, &ders[n],
                             &der_len, e)) != CASC_OK)
      goto out;
    rows[n] = (casc_ocsp_row){.issuer_id = t->issuer_id,
                              .status = t->revoked ? 1 : 0,
                              .revoked_at = t->revoked_at,
                              .reason = t->revoked ? t->reason : -1,
                              .this_update = now,
                              .next_update = now + CASC_OCSP_VALIDITY,
                              .refresh_at = casc_ocsp_refresh_at(now, now + CASC_OCSP_VALIDITY),
                              .der = ders[n],
                              .der_len = der_len};
    memcpy(rows[n].serial, t->serial, sizeof rows[n].serial);
    n++;
  }
  if (n == 0)
    goto out;
  if ((rc = casc_store_begin(store, e)) != CASC_OK)
    goto out;
  for (size_t k = 0; k < n && rc == CASC_OK; k++)
    rc = casc_store_ocsp_put(store, &rows[k], e);
  if (rc == CASC_OK)
    rc = casc_store_commit(store, e);
  if (rc != CASC_OK)
    casc_store_rollback(store);
  else
    *signed_count += n;
out:
  for (size_t k = 0; k < BATCH; k++)
    OPENSSL_free(ders[k]);
  return rc;
}

casc_err casc_ocsp_presign_pending(casc_ocsp_responder *r, casc_store *store, time_t now,
                                   size_t *count, casc_error *e) {
  struct batch *b = malloc(sizeof *b);
  size_t done = 0, skipped = 0;
  casc_err rc = b != NULL ? CASC_OK : casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  while (rc == CASC_OK) {
    b->n = 0;
    rc = casc_store_ocsp_pending_take(store, BATCH, collect, b, e);
    if (rc != CASC_OK || b->n == 0)
      break;
    /* Taken off the queue before signing: if signing fails now, the next
     * presigning pass still finds the response missing or stale. */
    rc = sign_batch(r, store, now, b, &done, &skipped, e);
  }
  free(b);
  if (count != NULL)
    *count = done;
  return rc;
}

casc_err casc_ocsp_presign(casc_ocsp_responder *r, casc_store *store, time_t now,
                           void (*progress)(size_t done, void *arg), void *arg,
                           casc_ocsp_presign_report *report, casc_error *e) {
  struct batch *b = malloc(sizeof *b);
  int64_t after = 0;
  size_t pending = 0;
  casc_err rc = b != NULL ? CASC_OK : casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  memset(report, 0, sizeof *report);
  /* The queue first, so that what it holds is not signed twice. */
  if (rc == CASC_OK)
    rc = casc_ocsp_presign_pending(r, store, now, &pending, e);
  report->signed_count = pending;
  while (rc == CASC_OK) {
    b->n = 0;
    rc = casc_store_ocsp_due(store, now, after, BATCH, collect, b, e);
    if (rc != CASC_OK || b->n == 0)
      break;
    after = b->items[b->n - 1].cursor;
    rc = sign_batch(r, store, now, b, &report->signed_count, &report->skipped, e);
    if (rc == CASC_OK && progress != NULL)
      progress(report->signed_count, arg);
  }
  free(b);
  if (rc == CASC_OK)
    report->next_due = casc_ocsp_refresh_at(now, now + CASC_OCSP_VALIDITY);
  return rc;
}

casc_err casc_ocsp_after_revoke(casc_ca *ca, const char *serial, casc_error *e) {
  casc_ocsp_responder *r = NULL;
  casc_cert_rec rec = {0};
  struct batch *b = calloc(1, sizeof *b);
  size_t done = 0, skipped = 0;
  char canon[CASC_SERIAL_MAX];
  casc_err rc = b != NULL ? CASC_OK : casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  if (rc != CASC_OK || (rc = casc_serial_normalize(serial, canon, e)) != CASC_OK ||
      (rc = casc_store_cert_get(casc_ca_store(ca), canon, &rec, e)) != CASC_OK ||
      (rc = casc_ocsp_responder_new(ca, &r, e)) != CASC_OK)
    goto out;
  casc_ocsp_todo *t = &b->items[b->n++];
  t->issuer_id = rec.issuer_id;
  memcpy(t->serial, rec.serial, sizeof t->serial);
  t->revoked = rec.revoked;
  t->revoked_at = rec.revoked_at;
  t->reason = rec.reason;
  rc = sign_batch(r, casc_ca_store(ca), casc_now(), b, &done, &skipped, e);
out:
  casc_ocsp_responder_free(r);
  casc_cert_rec_clear(&rec);
  free(b);
  return rc;
}
