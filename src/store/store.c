/* The backend-neutral half of the store: dispatch, and the audit chain. */
#include "casc/store.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

casc_err casc_store_open(const char *dsn, bool create, casc_store **out, casc_error *e) {
  if (strncmp(dsn, "postgresql://", 13) == 0 || strncmp(dsn, "postgres://", 11) == 0)
    return casc_error_set(e, CASC_ERR_USAGE, "%s: this casc is built without PostgreSQL", dsn);
  return casc_store_open_sqlite(dsn, create, out, e);
}

casc_err casc_store_open_readonly(const char *dsn, casc_store **out, casc_error *e) {
  if (strncmp(dsn, "postgresql://", 13) == 0 || strncmp(dsn, "postgres://", 11) == 0)
    return casc_error_set(e, CASC_ERR_USAGE, "%s: this casc is built without PostgreSQL", dsn);
  return casc_store_open_sqlite_readonly(dsn, out, e);
}

void casc_store_set_audit_signer(casc_store *s, casc_audit_sign_fn fn, void *arg) {
  s->audit_sign = fn;
  s->audit_sign_arg = arg;
}

void casc_store_close(casc_store *s) {
  if (s != NULL)
    s->ops->close(s);
}

casc_err casc_store_begin(casc_store *s, casc_error *e) { return s->ops->begin(s, e); }
casc_err casc_store_commit(casc_store *s, casc_error *e) { return s->ops->commit(s, e); }
void casc_store_rollback(casc_store *s) { s->ops->rollback(s); }

casc_err casc_store_meta_get(casc_store *s, const char *key, char *out, size_t outsz,
                             casc_error *e) {
  return s->ops->meta_get(s, key, out, outsz, e);
}
casc_err casc_store_meta_set(casc_store *s, const char *key, const char *value,
                             casc_error *e) {
  return s->ops->meta_set(s, key, value, e);
}
casc_err casc_store_issuer_add(casc_store *s, casc_issuer_rec *rec, casc_error *e) {
  return s->ops->issuer_add(s, rec, e);
}
casc_err casc_store_issuer_list(casc_store *s, casc_issuer_rec **out, size_t *n,
                                casc_error *e) {
  return s->ops->issuer_list(s, out, n, e);
}
void casc_issuer_list_free(casc_issuer_rec *list, size_t n) {
  if (list == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    free(list[i].cert_der);
  free(list);
}
casc_err casc_store_cert_add(casc_store *s, const casc_cert_rec *rec, casc_error *e) {
  return s->ops->cert_add(s, rec, e);
}
casc_err casc_store_cert_get(casc_store *s, const char *serial, casc_cert_rec *out,
                             casc_error *e) {
  return s->ops->cert_get(s, serial, out, e);
}
casc_err casc_store_cert_list(casc_store *s, const casc_cert_filter *f, casc_cert_cb cb,
                              void *arg, casc_error *e) {
  return s->ops->cert_list(s, f, cb, arg, e);
}
casc_err casc_store_cert_revoke(casc_store *s, const char *serial, time_t at, int reason,
                                time_t invalidity_date, casc_error *e) {
  return s->ops->cert_revoke(s, serial, at, reason, invalidity_date, e);
}

casc_err casc_store_revoked_walk(casc_store *s, int64_t issuer_id, casc_revoked_cb cb, void *arg,
                                 casc_error *e) {
  return s->ops->revoked_walk(s, issuer_id, cb, arg, e);
}

casc_err casc_store_crl_number_next(casc_store *s, int64_t issuer_id, int shard,
                                   int64_t *number, casc_error *e) {
  bool own = !s->in_transaction;
  casc_err rc = own ? casc_store_begin(s, e) : CASC_OK;
  if (rc == CASC_OK)
    rc = s->ops->crl_number_next(s, issuer_id, shard, number, e);
  if (own && rc == CASC_OK)
    rc = casc_store_commit(s, e);
  if (own && rc != CASC_OK)
    casc_store_rollback(s);
  return rc;
}

casc_err casc_store_ocsp_put(casc_store *s, const casc_ocsp_row *row, casc_error *e) {
  return s->ops->ocsp_put(s, row, e);
}
casc_err casc_store_ocsp_since(casc_store *s, int64_t after_id, casc_ocsp_row_cb cb, void *arg,
                               casc_error *e) {
  return s->ops->ocsp_since(s, after_id, cb, arg, e);
}
casc_err casc_store_ocsp_due(casc_store *s, time_t now, int64_t after, size_t limit,
                             casc_ocsp_todo_cb cb, void *arg, casc_error *e) {
  return s->ops->ocsp_due(s, now, after, limit, cb, arg, e);
}
casc_err casc_store_set_durable(casc_store *s, bool durable, casc_error *e) {
  return s->ops->set_durable(s, durable, e);
}
casc_err casc_store_ocsp_pending_take(casc_store *s, size_t limit, casc_ocsp_todo_cb cb,
                                      void *arg, casc_error *e) {
  bool own = !s->in_transaction;
  casc_err rc = own ? casc_store_begin(s, e) : CASC_OK;
  if (rc == CASC_OK)
    rc = s->ops->ocsp_pending_take(s, limit, cb, arg, e);
  if (own && rc == CASC_OK)
    rc = casc_store_commit(s, e);
  if (own && rc != CASC_OK)
    casc_store_rollback(s);
  return rc;
}

void casc_cert_rec_clear(casc_cert_rec *rec) {
  if (rec == NULL)
    return;
  free(rec->sans);
  free(rec->der);
  memset(rec, 0, sizeof *rec);
}

casc_cert_status casc_cert_status_at(const casc_cert_rec *rec, time_t now) {
  if (rec->revoked)
    return CASC_STATUS_REVOKED;
  return now > rec->not_after ? CASC_STATUS_EXPIRED : CASC_STATUS_VALID;
}

const char *casc_cert_status_name(casc_cert_status st) {
  switch (st) {
  case CASC_STATUS_VALID: return "valid";
  case CASC_STATUS_REVOKED: return "revoked";
  case CASC_STATUS_EXPIRED: return "expired";
  }
  return "unknown";
}

void casc_audit_entry_clear(casc_audit_entry *entry) {
  if (entry == NULL)
    return;
  free(entry->details);
  memset(entry, 0, sizeof *entry);
}

static void put_u64(unsigned char out[8], uint64_t v) {
  for (int i = 7; i >= 0; i--, v >>= 8)
    out[i] = (unsigned char)v;
}

/* The link that makes the log tamper-evident: each entry's hash covers the
 * previous entry's hash and every field of its own. */
static casc_err chain_hash(const unsigned char prev[CASC_HASH_LEN], int64_t seq, time_t t,
                           const char *op, const char *details,
                           unsigned char out[CASC_HASH_LEN], casc_error *e) {
  unsigned char seq_be[8], time_be[8];
  put_u64(seq_be, (uint64_t)seq);
  put_u64(time_be, (uint64_t)t);
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  casc_err rc = CASC_OK;
  if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
      EVP_DigestUpdate(ctx, prev, CASC_HASH_LEN) != 1 ||
      EVP_DigestUpdate(ctx, seq_be, 8) != 1 || EVP_DigestUpdate(ctx, time_be, 8) != 1 ||
      EVP_DigestUpdate(ctx, op, strlen(op) + 1) != 1 ||
      EVP_DigestUpdate(ctx, details, strlen(details)) != 1 ||
      EVP_DigestFinal_ex(ctx, out, NULL) != 1)
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "audit log: hashing failed");
  EVP_MD_CTX_free(ctx);
  return rc;
}

casc_err casc_store_audit_append(casc_store *s, const char *op, const char *details,
                                 casc_error *e) {
  casc_audit_entry last = {0}, entry = {0};
  bool found = false;
  casc_err rc = s->ops->audit_last(s, &last, &found, e);
  if (rc != CASC_OK)
    goto out;
  entry.seq = found ? last.seq + 1 : 1;
  entry.time = casc_now();
  if (strlen(op) >= sizeof entry.op) {
    rc = casc_error_set(e, CASC_ERR_INTERNAL, "audit op name too long");
    goto out;
  }
  strcpy(entry.op, op);
  entry.details = (char *)details;
  static const unsigned char zero[CASC_HASH_LEN];
  rc = chain_hash(found ? last.hash : zero, entry.seq, entry.time, op, details, entry.hash, e);
  if (rc == CASC_OK && s->audit_sign != NULL) {
    entry.sig_len = sizeof entry.sig;
    rc = s->audit_sign(s->audit_sign_arg, entry.hash, entry.sig, &entry.sig_len, e);
  }
  if (rc == CASC_OK)
    rc = s->ops->audit_add(s, &entry, e);
out:
  casc_audit_entry_clear(&last);
  return rc;
}

casc_err casc_store_audit_walk(casc_store *s, casc_audit_cb cb, void *arg, casc_error *e) {
  return s->ops->audit_walk(s, 1, cb, arg, e);
}

casc_err casc_store_audit_walk_from(casc_store *s, int64_t from_seq, casc_audit_cb cb, void *arg,
                                    casc_error *e) {
  return s->ops->audit_walk(s, from_seq, cb, arg, e);
}

casc_err casc_store_audit_last(casc_store *s, casc_audit_entry *out, bool *found,
                               casc_error *e) {
  return s->ops->audit_last(s, out, found, e);
}

struct verify_state {
  int64_t expect_seq;
  unsigned char prev[CASC_HASH_LEN];
  int64_t checkpoint_seq;
  unsigned char *checkpoint_hash;
  bool anchor_pending; /* the first entry is the anchor: compared, not recomputed */
  casc_audit_verify_fn verify;
  void *verify_arg;
};

static casc_err verify_one(const casc_audit_entry *entry, void *arg, casc_error *e) {
  struct verify_state *st = arg;
  unsigned char h[CASC_HASH_LEN];
  if (st->anchor_pending) {
    st->anchor_pending = false;
    if (entry->seq != st->expect_seq || memcmp(entry->hash, st->prev, CASC_HASH_LEN) != 0)
      return casc_error_set(e, CASC_ERR_INTEGRITY,
                            "audit log: entry %lld does not match the signed checkpoint",
                            (long long)st->expect_seq);
    st->expect_seq++;
    return CASC_OK;
  }
  if (entry->seq != st->expect_seq)
    return casc_error_set(e, CASC_ERR_INTEGRITY,
                          "audit log: entry %lld found where %lld was expected (entries "
                          "removed or reordered)",
                          (long long)entry->seq, (long long)st->expect_seq);
  casc_err rc = chain_hash(st->prev, entry->seq, entry->time, entry->op,
                           entry->details != NULL ? entry->details : "", h, e);
  if (rc != CASC_OK)
    return rc;
  if (memcmp(h, entry->hash, CASC_HASH_LEN) != 0)
    return casc_error_set(e, CASC_ERR_INTEGRITY,
                          "audit log: entry %lld (%s) does not match its hash (edited)",
                          (long long)entry->seq, entry->op);
  if (st->verify != NULL &&
      st->verify(st->verify_arg, h, entry->sig, entry->sig_len, e) != CASC_OK)
    return casc_error_set(e, CASC_ERR_INTEGRITY,
                          "audit log: entry %lld (%s) is not signed by the audit key (added "
                          "outside casc)",
                          (long long)entry->seq, entry->op);
  memcpy(st->prev, h, CASC_HASH_LEN);
  if (entry->seq == st->checkpoint_seq && st->checkpoint_hash != NULL)
    memcpy(st->checkpoint_hash, h, CASC_HASH_LEN);
  st->expect_seq++;
  return CASC_OK;
}

casc_err casc_store_audit_verify(casc_store *s, int64_t checkpoint_seq,
                                 unsigned char checkpoint_hash_out[CASC_HASH_LEN],
                                 int64_t *head_seq, unsigned char head_hash[CASC_HASH_LEN],
                                 casc_error *e) {
  struct verify_state st = {.expect_seq = 1, .checkpoint_seq = checkpoint_seq,
                            .checkpoint_hash = checkpoint_hash_out};
  casc_err rc = s->ops->audit_walk(s, 1, verify_one, &st, e);
  if (rc != CASC_OK)
    return rc;
  *head_seq = st.expect_seq - 1;
  memcpy(head_hash, st.prev, CASC_HASH_LEN);
  return CASC_OK;
}

casc_err casc_store_audit_verify_since(casc_store *s, int64_t from_seq,
                                       const unsigned char from_hash[CASC_HASH_LEN],
                                       casc_audit_verify_fn verify, void *verify_arg,
                                       int64_t *head_seq, unsigned char head_hash[CASC_HASH_LEN],
                                       casc_error *e) {
  struct verify_state st = {.expect_seq = from_seq > 0 ? from_seq : 1,
                            .anchor_pending = from_seq > 0,
                            .verify = verify,
                            .verify_arg = verify_arg};
  if (from_seq > 0)
    memcpy(st.prev, from_hash, CASC_HASH_LEN);
  casc_err rc = s->ops->audit_walk(s, from_seq, verify_one, &st, e);
  if (rc != CASC_OK)
    return rc;
  if (from_seq > 0 && st.anchor_pending)
    return casc_error_set(e, CASC_ERR_INTEGRITY,
                          "audit log: entry %lld, covered by the signed checkpoint, is gone",
                          (long long)from_seq);
  *head_seq = st.expect_seq - 1;
  memcpy(head_hash, st.prev, CASC_HASH_LEN);
  return CASC_OK;
}
