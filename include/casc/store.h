/* casc store: the CA database behind one interface.
 *
 * Callers use only the casc_store_* functions below. A backend (SQLite now,
 * PostgreSQL later) fills in a casc_store_ops table; the audit hash chain is
 * computed here, above the backends, so every backend keeps the same log. */
#ifndef CASC_STORE_H
#define CASC_STORE_H

#include "casc/base.h"

#include <stdbool.h>

typedef struct casc_store casc_store;

#define CASC_SERIAL_MAX 48  /* 20 octets in hex and a NUL, with room */
#define CASC_NAME_MAX 64
#define CASC_DN_MAX 1024
#define CASC_HASH_LEN 32    /* SHA-256 */

typedef struct {
  int64_t id;                  /* set by the store */
  char name[CASC_NAME_MAX];    /* "root-ca", "issuing-ca", ... */
  char purpose[CASC_NAME_MAX]; /* "root", "tls-server", "code-signing", "timestamping" */
  int64_t parent_id;           /* 0 for a root */
  char key_ref[512];           /* key file relative to the CA directory, or a pkcs11: URI */
  unsigned char *cert_der;     /* owned */
  size_t cert_len;
} casc_issuer_rec;

typedef enum {
  CASC_STATUS_VALID = 0,
  CASC_STATUS_REVOKED = 1,
  CASC_STATUS_EXPIRED = 2, /* derived from not_after and the time asked about */
} casc_cert_status;

typedef struct {
  char serial[CASC_SERIAL_MAX]; /* canonical: upper-case hex, even length */
  int64_t issuer_id;
  char subject[CASC_DN_MAX];    /* RFC 4514 */
  char *sans;                   /* owned; "DNS:a.example, DNS:b.example" or "" */
  char profile[CASC_NAME_MAX];
  time_t not_before, not_after;
  unsigned char *der;           /* owned */
  size_t der_len;
  bool revoked;
  time_t revoked_at;            /* revocation date as published */
  int reason;                   /* RFC 5280 CRLReason, -1 when none is given */
  time_t invalidity_date;       /* 0 when none */
} casc_cert_rec;

typedef struct {
  bool any_status;              /* when false, only `status` */
  casc_cert_status status;
  time_t now;                   /* for valid / expired */
  int64_t issuer_id;            /* 0: every issuer */
} casc_cert_filter;

typedef struct {
  int64_t seq;
  time_t time;
  char op[CASC_NAME_MAX];
  char *details;                /* owned; JSON */
  unsigned char hash[CASC_HASH_LEN];
  unsigned char sig[160];       /* the audit key's signature over hash */
  size_t sig_len;
} casc_audit_entry;

/* Each entry is signed when it is appended, inside its transaction, so that
 * an entry someone adds to the database without the audit key is told from
 * casc's own even before the next checkpoint covers it. */
typedef casc_err (*casc_audit_sign_fn)(void *arg, const unsigned char hash[CASC_HASH_LEN],
                                       unsigned char *sig, size_t *sig_len, casc_error *e);
typedef casc_err (*casc_audit_verify_fn)(void *arg, const unsigned char hash[CASC_HASH_LEN],
                                         const unsigned char *sig, size_t sig_len,
                                         casc_error *e);

/* A revoked certificate as a CRL or an OCSP responder needs it: no DER,
 * so that a walk over a million of them stays cheap. */
typedef struct {
  char serial[CASC_SERIAL_MAX];
  char profile[CASC_NAME_MAX];
  time_t not_after;
  time_t revoked_at;
  int reason;             /* -1 when none */
  time_t invalidity_date; /* 0 when none */
} casc_revoked_entry;

typedef casc_err (*casc_revoked_cb)(const casc_revoked_entry *entry, void *arg, casc_error *e);

/* A stored, presigned OCSP response (casc/ocsp.h). */
typedef struct {
  int64_t id;                   /* set by the store: grows with every write, so that a
                                   reader can ask for what changed since the id it saw */
  int64_t cert_id;              /* the certificate's cursor (casc_ocsp_todo), or 0: the
                                   store looks it up by serial */
  int64_t issuer_id;
  char serial[CASC_SERIAL_MAX];
  int status;                   /* 0 good, 1 revoked */
  time_t revoked_at;
  int reason;                   /* -1 when none */
  time_t this_update, next_update, refresh_at;
  const unsigned char *der;     /* borrowed: valid during the call only */
  size_t der_len;
} casc_ocsp_row;

/* A certificate whose OCSP response must be (re)signed. */
typedef struct {
  int64_t cursor;               /* for casc_store_ocsp_due's paging */
  int64_t issuer_id;
  char serial[CASC_SERIAL_MAX];
  bool revoked;
  time_t revoked_at;
  int reason;                   /* -1 when none */
} casc_ocsp_todo;

typedef casc_err (*casc_ocsp_row_cb)(const casc_ocsp_row *row, void *arg, casc_error *e);
typedef casc_err (*casc_ocsp_todo_cb)(const casc_ocsp_todo *todo, void *arg, casc_error *e);

/* Called for each row; a non-OK return stops the walk and is passed back. */
typedef casc_err (*casc_cert_cb)(const casc_cert_rec *rec, void *arg, casc_error *e);
typedef casc_err (*casc_audit_cb)(const casc_audit_entry *entry, void *arg, casc_error *e);

/* What a backend implements. */
typedef struct casc_store_ops {
  void (*close)(casc_store *s);
  casc_err (*begin)(casc_store *s, casc_error *e);
  casc_err (*commit)(casc_store *s, casc_error *e);
  void (*rollback)(casc_store *s);
  casc_err (*meta_get)(casc_store *s, const char *key, char *out, size_t outsz, casc_error *e);
  casc_err (*meta_set)(casc_store *s, const char *key, const char *value, casc_error *e);
  casc_err (*issuer_add)(casc_store *s, casc_issuer_rec *rec, casc_error *e);
  casc_err (*issuer_list)(casc_store *s, casc_issuer_rec **out, size_t *n, casc_error *e);
  casc_err (*cert_add)(casc_store *s, const casc_cert_rec *rec, casc_error *e);
  casc_err (*cert_get)(casc_store *s, const char *serial, casc_cert_rec *out, casc_error *e);
  casc_err (*cert_list)(casc_store *s, const casc_cert_filter *f, casc_cert_cb cb, void *arg,
                        casc_error *e);
  casc_err (*cert_revoke)(casc_store *s, const char *serial, time_t at, int reason,
                          time_t invalidity_date, casc_error *e);
  casc_err (*audit_add)(casc_store *s, const casc_audit_entry *entry, casc_error *e);
  casc_err (*audit_last)(casc_store *s, casc_audit_entry *out, bool *found, casc_error *e);
  casc_err (*revoked_walk)(casc_store *s, int64_t issuer_id, casc_revoked_cb cb, void *arg,
                          casc_error *e);
  casc_err (*crl_number_next)(casc_store *s, int64_t issuer_id, int shard, int64_t *number,
                              casc_error *e);
  casc_err (*ocsp_put)(casc_store *s, const casc_ocsp_row *row, casc_error *e);
  casc_err (*ocsp_since)(casc_store *s, int64_t after_id, casc_ocsp_row_cb cb, void *arg,
                         casc_error *e);
  casc_err (*ocsp_due)(casc_store *s, time_t now, int64_t after, size_t limit,
                       casc_ocsp_todo_cb cb, void *arg, casc_error *e);
  casc_err (*ocsp_pending_take)(casc_store *s, size_t limit, casc_ocsp_todo_cb cb, void *arg,
                                casc_error *e);
  /* Entries with seq >= from_seq, in order. */
  casc_err (*audit_walk)(casc_store *s, int64_t from_seq, casc_audit_cb cb, void *arg,
                         casc_error *e);
  casc_err (*set_durable)(casc_store *s, bool durable, casc_error *e);
} casc_store_ops;

struct casc_store {
  const casc_store_ops *ops;
  int in_transaction;
  casc_audit_sign_fn audit_sign; /* NULL: entries are appended unsigned */
  void *audit_sign_arg;
};

/* Sets how casc_store_audit_append signs entries. */
void casc_store_set_audit_signer(casc_store *s, casc_audit_sign_fn fn, void *arg);

/* Opens the store a DSN names: "postgresql://..." for PostgreSQL (not built
 * yet: CASC_ERR_USAGE), anything else a SQLite file path. Callers use this,
 * so a new backend changes no caller. */
casc_err casc_store_open(const char *dsn, bool create, casc_store **out, casc_error *e);
/* For commands that only read (list, show, audit verify): works for a user
 * who may read the CA directory but not write it, and never migrates. */
casc_err casc_store_open_readonly(const char *dsn, casc_store **out, casc_error *e);
casc_err casc_store_open_sqlite_readonly(const char *path, casc_store **out, casc_error *e);
/* Opens (creating when `create`) the SQLite store at path and migrates its
 * schema to the current version. */
casc_err casc_store_open_sqlite(const char *path, bool create, casc_store **out, casc_error *e);
void casc_store_close(casc_store *s);
/* The schema version this casc writes (PRAGMA user_version for SQLite). */
int casc_store_schema_version(void);

casc_err casc_store_begin(casc_store *s, casc_error *e);
casc_err casc_store_commit(casc_store *s, casc_error *e);
void casc_store_rollback(casc_store *s);

casc_err casc_store_meta_get(casc_store *s, const char *key, char *out, size_t outsz,
                             casc_error *e);
casc_err casc_store_meta_set(casc_store *s, const char *key, const char *value, casc_error *e);

casc_err casc_store_issuer_add(casc_store *s, casc_issuer_rec *rec, casc_error *e);
/* *out is an array of n records; free with casc_issuer_list_free. */
casc_err casc_store_issuer_list(casc_store *s, casc_issuer_rec **out, size_t *n, casc_error *e);
void casc_issuer_list_free(casc_issuer_rec *list, size_t n);

casc_err casc_store_cert_add(casc_store *s, const casc_cert_rec *rec, casc_error *e);
/* CASC_ERR_NOT_FOUND for an unknown serial. Free out with casc_cert_rec_clear. */
casc_err casc_store_cert_get(casc_store *s, const char *serial, casc_cert_rec *out,
                             casc_error *e);
casc_err casc_store_cert_list(casc_store *s, const casc_cert_filter *f, casc_cert_cb cb,
                              void *arg, casc_error *e);
/* CASC_ERR_ALREADY_REVOKED when it is. */
casc_err casc_store_cert_revoke(casc_store *s, const char *serial, time_t at, int reason,
                                time_t invalidity_date, casc_error *e);
void casc_cert_rec_clear(casc_cert_rec *rec);

/* Every revoked certificate of one issuer, in serial order. */
casc_err casc_store_revoked_walk(casc_store *s, int64_t issuer_id, casc_revoked_cb cb, void *arg,
                                 casc_error *e);
/* The next CRL number of an issuer's CRL (shard -1: the full CRL), one more
 * than the last handed out, durably, so that numbers strictly increase
 * across restarts (RFC 5280 5.2.3). Runs in its own transaction unless the
 * caller has one open. */
casc_err casc_store_crl_number_next(casc_store *s, int64_t issuer_id, int shard,
                                   int64_t *number, casc_error *e);
/* --- presigned OCSP responses ---------------------------------------------
 * Stores a response, replacing the one of the same issuer and serial, with
 * a new id. A "good" response never replaces a "revoked" one: a presigning
 * pass that read the certificate before a revocation committed cannot undo
 * the revocation's response. */
casc_err casc_store_ocsp_put(casc_store *s, const casc_ocsp_row *row, casc_error *e);
/* Every stored response with an id above after_id, in id order. */
casc_err casc_store_ocsp_since(casc_store *s, int64_t after_id, casc_ocsp_row_cb cb, void *arg,
                               casc_error *e);
/* Certificates after cursor `after` (0: from the start), at most limit, that
 * need a response signed at `now`: unexpired ones, and expired code-signing
 * and timestamping ones, whose stored response is missing, has reached its
 * refresh_at, or disagrees with the certificate about revocation. */
casc_err casc_store_ocsp_due(casc_store *s, time_t now, int64_t after, size_t limit,
                             casc_ocsp_todo_cb cb, void *arg, casc_error *e);
/* The database queues every certificate inserted or revoked (triggers, so
 * no writer can forget); this hands out at most limit of them and removes
 * them from the queue, in one transaction. */
casc_err casc_store_ocsp_pending_take(casc_store *s, size_t limit, casc_ocsp_todo_cb cb,
                                      void *arg, casc_error *e);

/* Whether this connection's commits are durable when they return (the
 * default) or only atomic and consistent: a power loss may take back the
 * last few, never half of one. For data that can be made again, such as
 * presigned OCSP responses (and their queue: a lost take re-queues
 * nothing, but the next presigning pass finds the response missing), where
 * an fsync per commit would cost more than the work it keeps. */
casc_err casc_store_set_durable(casc_store *s, bool durable, casc_error *e);

casc_cert_status casc_cert_status_at(const casc_cert_rec *rec, time_t now);
const char *casc_cert_status_name(casc_cert_status st);

/* Appends an entry to the hash-chained audit log, inside the caller's
 * transaction. hash = SHA-256(prev_hash || seq || time || op || 0 || details). */
casc_err casc_store_audit_append(casc_store *s, const char *op, const char *details,
                                 casc_error *e);
/* Walks the whole log, recomputing the chain; fails with CASC_ERR_INTEGRITY
 * on a broken link or a gap. Returns the head (seq 0 and a zero hash for an
 * empty log), and the hash at checkpoint_seq when that is > 0. */
casc_err casc_store_audit_verify(casc_store *s, int64_t checkpoint_seq,
                                 unsigned char checkpoint_hash_out[CASC_HASH_LEN],
                                 int64_t *head_seq, unsigned char head_hash[CASC_HASH_LEN],
                                 casc_error *e);
/* Checks only what came after a checkpoint: entry from_seq must carry
 * from_hash, and every later entry must chain onto it. O(new entries), so
 * that each command can re-sign the head without re-reading the whole log
 * and without ever blessing a tail someone rewrote. from_seq 0: the whole
 * log. With `verify`, each entry after from_seq must also carry a valid
 * signature. */
casc_err casc_store_audit_verify_since(casc_store *s, int64_t from_seq,
                                       const unsigned char from_hash[CASC_HASH_LEN],
                                       casc_audit_verify_fn verify, void *verify_arg,
                                       int64_t *head_seq, unsigned char head_hash[CASC_HASH_LEN],
                                       casc_error *e);
casc_err casc_store_audit_walk(casc_store *s, casc_audit_cb cb, void *arg, casc_error *e);
/* Entries with seq >= from_seq, in order (no checks). */
casc_err casc_store_audit_walk_from(casc_store *s, int64_t from_seq, casc_audit_cb cb, void *arg,
                                    casc_error *e);
/* The last entry; *found false for an empty log. */
casc_err casc_store_audit_last(casc_store *s, casc_audit_entry *out, bool *found,
                               casc_error *e);
void casc_audit_entry_clear(casc_audit_entry *entry);

#endif
