/* The SQLite backend of the store: WAL, foreign keys, synchronous=FULL so
 * that a commit is durable when it returns, and a schema version kept in
 * PRAGMA user_version with forward-only migrations. */
#include "casc/store.h"

#include <limits.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  Q_CERT_ADD,
  Q_CERT_GET,
  Q_CERT_REVOKE,
  Q_AUDIT_LAST,
  Q_AUDIT_ADD,
  Q_OCSP_PUT,
  Q_OCSP_SINCE,
  Q_OCSP_DUE,
  Q_OCSP_PENDING,
  Q_OCSP_PENDING_DEL,
  Q_COUNT
};

static const char *const queries[Q_COUNT] = {
    [Q_CERT_ADD] = "INSERT INTO certificates (serial, issuer_id, subject, sans, profile, "
                   "not_before, not_after, der) VALUES (?,?,?,?,?,?,?,?)",
    [Q_CERT_GET] = "SELECT serial, issuer_id, subject, sans, profile, not_before, not_after, "
                   "der, revoked, revoked_at, reason, invalidity_date FROM certificates "
                   "WHERE serial = ?",
    [Q_CERT_REVOKE] = "UPDATE certificates SET revoked = 1, revoked_at = ?, reason = ?, "
                      "invalidity_date = ? WHERE serial = ? AND revoked = 0",
    [Q_AUDIT_LAST] = "SELECT seq, time, op, details, hash, sig FROM audit_log "
                     "ORDER BY seq DESC LIMIT 1",
    [Q_AUDIT_ADD] = "INSERT INTO audit_log (seq, time, op, details, hash, sig) "
                    "VALUES (?,?,?,?,?,?)",
    /* The row of the certificate's rowid (?10, or looked up by serial when
     * the caller has none); seq one past the largest. "good" never replaces
     * "revoked" (see casc_store_ocsp_put). */
    [Q_OCSP_PUT] = "INSERT OR REPLACE INTO ocsp_responses (cert_id, seq, issuer_id, serial, "
                   "status, revoked_at, reason, this_update, next_update, refresh_at, der) "
                   "SELECT k.cid, (SELECT coalesce(max(seq), 0) + 1 FROM ocsp_responses), "
                   "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 FROM (SELECT coalesce(nullif(?10, 0), "
                   "(SELECT rowid FROM certificates WHERE serial = ?2)) AS cid) k "
                   "WHERE k.cid IS NOT NULL AND (?3 = 1 OR NOT EXISTS (SELECT 1 FROM "
                   "ocsp_responses WHERE cert_id = k.cid AND serial = ?2 AND status = 1))",
    [Q_OCSP_SINCE] = "SELECT seq, issuer_id, serial, status, revoked_at, reason, this_update, "
                     "next_update, refresh_at, der FROM ocsp_responses WHERE seq > ? "
                     "ORDER BY seq",
    /* o.serial = c.serial: a row is the certificate's own only when the
     * serials agree (a VACUUM may renumber the certificates' rowids). */
    [Q_OCSP_DUE] = "SELECT c.rowid, c.issuer_id, c.serial, c.revoked, c.revoked_at, c.reason "
                   "FROM certificates c LEFT JOIN ocsp_responses o ON o.cert_id = c.rowid "
                   "WHERE c.rowid > ?1 "
                   "AND (c.not_after >= ?2 OR c.profile IN ('code-signing', 'timestamping')) "
                   "AND (o.cert_id IS NULL OR o.serial != c.serial OR o.refresh_at <= ?2 "
                   "OR o.status != c.revoked) "
                   "ORDER BY c.rowid LIMIT ?3",
    [Q_OCSP_PENDING] = "SELECT c.rowid, c.issuer_id, c.serial, c.revoked, c.revoked_at, "
                       "c.reason FROM ocsp_queue q JOIN certificates c ON c.rowid = q.cert_id "
                       "ORDER BY q.cert_id LIMIT ?",
    [Q_OCSP_PENDING_DEL] = "DELETE FROM ocsp_queue WHERE cert_id <= ?",
};

/* Each entry moves the schema one version forward; never edit one that has
 * shipped, append a new one. */
static const char *const migrations[] = {
    /* 1: the first schema */
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE issuers ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  purpose TEXT NOT NULL,"
    "  parent_id INTEGER REFERENCES issuers(id),"
    "  key_ref TEXT NOT NULL,"
    "  cert_der BLOB NOT NULL);"
    "CREATE TABLE certificates ("
    "  serial TEXT PRIMARY KEY,"
    "  issuer_id INTEGER NOT NULL REFERENCES issuers(id),"
    "  subject TEXT NOT NULL,"
    "  sans TEXT NOT NULL,"
    "  profile TEXT NOT NULL,"
    "  not_before INTEGER NOT NULL,"
    "  not_after INTEGER NOT NULL,"
    "  der BLOB NOT NULL,"
    "  revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),"
    "  revoked_at INTEGER,"
    "  reason INTEGER,"
    "  invalidity_date INTEGER);"
    "CREATE INDEX certificates_by_issuer ON certificates (issuer_id, revoked, not_after);"
    "CREATE TABLE audit_log ("
    "  seq INTEGER PRIMARY KEY,"
    "  time INTEGER NOT NULL,"
    "  op TEXT NOT NULL,"
    "  details TEXT NOT NULL,"
    "  hash BLOB NOT NULL);"
    /* Append-only: the hash chain and the signed checkpoint detect tampering,
     * these triggers stop the accidental kind. */
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
    /* 2: CRL numbers, and revoked certificates by issuer in serial order */
    "CREATE TABLE crl_numbers ("
    "  issuer_id INTEGER NOT NULL REFERENCES issuers(id),"
    "  shard INTEGER NOT NULL,"
    "  number INTEGER NOT NULL,"
    "  PRIMARY KEY (issuer_id, shard));"
    /* covering: a CRL of a million entries is one index scan, with no
     * lookup into the table per row */
    "CREATE INDEX certificates_revoked ON certificates (issuer_id, serial, profile, not_after, "
    "revoked_at, reason, invalidity_date) WHERE revoked = 1;"
    /* each entry's signature by the audit key (casc_audit_sign_fn) */
    "ALTER TABLE audit_log ADD COLUMN sig BLOB;",
    /* 3: presigned OCSP responses. AUTOINCREMENT so that a replaced row
     * always gets a larger id than any before it (a plain rowid could be
     * reused), which is what lets `casc serve` poll for id > last. The
     * queue of certificates whose response must be re-signed is filled by
     * triggers, so that no code path that issues or revokes can forget. */
    "CREATE TABLE ocsp_responses ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  issuer_id INTEGER NOT NULL REFERENCES issuers(id),"
    "  serial TEXT NOT NULL,"
    "  status INTEGER NOT NULL CHECK (status IN (0, 1)),"
    "  revoked_at INTEGER,"
    "  reason INTEGER,"
    "  this_update INTEGER NOT NULL,"
    "  next_update INTEGER NOT NULL,"
    "  refresh_at INTEGER NOT NULL,"
    "  der BLOB NOT NULL,"
    "  UNIQUE (issuer_id, serial));"
    "CREATE TABLE ocsp_pending (serial TEXT PRIMARY KEY);"
    "CREATE TRIGGER ocsp_pending_on_issue AFTER INSERT ON certificates "
    "  BEGIN INSERT OR IGNORE INTO ocsp_pending (serial) VALUES (NEW.serial); END;"
    "CREATE TRIGGER ocsp_pending_on_revoke AFTER UPDATE OF revoked ON certificates "
    "  BEGIN INSERT OR IGNORE INTO ocsp_pending (serial) VALUES (NEW.serial); END;",
    /* 4: presigned responses and their queue keyed by the certificate's
     * rowid instead of its serial. Certificates are inserted in rowid order
     * and presigning walks them in that order, so each batch writes a few
     * adjacent pages; random serials as keys made every row touch its own
     * index page (measured: 1,000,000 responses took 87 s, most of it page
     * writes). seq replaces the AUTOINCREMENT id as the change counter
     * casc serve polls: max + 1 under the write lock, on an index that only
     * grows at its right edge. */
    "CREATE TABLE ocsp_responses_v4 ("
    "  cert_id INTEGER PRIMARY KEY,"
    "  seq INTEGER NOT NULL,"
    "  issuer_id INTEGER NOT NULL REFERENCES issuers(id),"
    "  serial TEXT NOT NULL,"
    "  status INTEGER NOT NULL CHECK (status IN (0, 1)),"
    "  revoked_at INTEGER,"
    "  reason INTEGER,"
    "  this_update INTEGER NOT NULL,"
    "  next_update INTEGER NOT NULL,"
    "  refresh_at INTEGER NOT NULL,"
    "  der BLOB NOT NULL);"
    "INSERT INTO ocsp_responses_v4 SELECT c.rowid, o.id, o.issuer_id, o.serial, o.status, "
    "  o.revoked_at, o.reason, o.this_update, o.next_update, o.refresh_at, o.der "
    "  FROM ocsp_responses o JOIN certificates c ON c.serial = o.serial;"
    "DROP TABLE ocsp_responses;"
    "ALTER TABLE ocsp_responses_v4 RENAME TO ocsp_responses;"
    "CREATE UNIQUE INDEX ocsp_responses_by_seq ON ocsp_responses (seq);"
    "CREATE TABLE ocsp_queue (cert_id INTEGER PRIMARY KEY);"
    "INSERT INTO ocsp_queue SELECT c.rowid FROM ocsp_pending p "
    "  JOIN certificates c ON c.serial = p.serial;"
    "DROP TRIGGER ocsp_pending_on_issue;"
    "DROP TRIGGER ocsp_pending_on_revoke;"
    "DROP TABLE ocsp_pending;"
    "CREATE TRIGGER ocsp_queue_on_issue AFTER INSERT ON certificates "
    "  BEGIN INSERT OR IGNORE INTO ocsp_queue (cert_id) VALUES (NEW.rowid); END;"
    "CREATE TRIGGER ocsp_queue_on_revoke AFTER UPDATE OF revoked ON certificates "
    "  BEGIN INSERT OR IGNORE INTO ocsp_queue (cert_id) VALUES (NEW.rowid); END;",
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

typedef struct {
  casc_store base;
  sqlite3 *db;
  char path[1024];
  sqlite3_stmt *stmt[Q_COUNT];
} sqlite_store;

static sqlite_store *impl(casc_store *s) { return (sqlite_store *)s; }

static casc_err db_error(sqlite_store *st, casc_error *e, const char *what) {
  return casc_error_set(e, CASC_ERR_DB, "%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
}

static casc_err exec(sqlite_store *st, const char *sql, casc_error *e) {
  char *msg = NULL;
  if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    casc_error_set(e, CASC_ERR_DB, "%s: %s", st->path, msg != NULL ? msg : "error");
    sqlite3_free(msg);
    return CASC_ERR_DB;
  }
  return CASC_OK;
}

static casc_err prepare(sqlite_store *st, int q, sqlite3_stmt **out, casc_error *e) {
  if (st->stmt[q] == NULL &&
      sqlite3_prepare_v3(st->db, queries[q], -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[q],
                         NULL) != SQLITE_OK)
    return db_error(st, e, "prepare");
  sqlite3_reset(st->stmt[q]);
  sqlite3_clear_bindings(st->stmt[q]);
  *out = st->stmt[q];
  return CASC_OK;
}

static void sq_close(casc_store *s) {
  sqlite_store *st = impl(s);
  for (int i = 0; i < Q_COUNT; i++)
    sqlite3_finalize(st->stmt[i]);
  sqlite3_close(st->db);
  free(st);
}

static casc_err sq_begin(casc_store *s, casc_error *e) {
  /* IMMEDIATE takes the write lock now, so two writers queue instead of
   * failing half-way with SQLITE_BUSY on a lock upgrade. */
  casc_err rc = exec(impl(s), "BEGIN IMMEDIATE", e);
  if (rc == CASC_OK)
    s->in_transaction = 1;
  return rc;
}

static casc_err sq_commit(casc_store *s, casc_error *e) {
  casc_err rc = exec(impl(s), "COMMIT", e);
  if (rc == CASC_OK)
    s->in_transaction = 0;
  return rc;
}

static void sq_rollback(casc_store *s) {
  if (s->in_transaction)
    sqlite3_exec(impl(s)->db, "ROLLBACK", NULL, NULL, NULL);
  s->in_transaction = 0;
}

static casc_err sq_meta_get(casc_store *s, const char *key, char *out, size_t outsz,
                            casc_error *e) {
  sqlite_store *st = impl(s);
  sqlite3_stmt *q = NULL;
  casc_err rc = CASC_OK;
  if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = ?", -1, &q, NULL) !=
      SQLITE_OK)
    return db_error(st, e, "meta");
  sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
  int r = sqlite3_step(q);
  if (r == SQLITE_ROW) {
    const char *v = (const char *)sqlite3_column_text(q, 0);
    if (strlen(v) >= outsz)
      rc = casc_error_set(e, CASC_ERR_DB, "%s: meta %s too long", st->path, key);
    else
      strcpy(out, v);
  } else if (r == SQLITE_DONE) {
    rc = casc_error_set(e, CASC_ERR_NOT_FOUND, "%s: no meta value %s", st->path, key);
  } else {
    rc = db_error(st, e, "meta");
  }
  sqlite3_finalize(q);
  return rc;
}

static casc_err sq_meta_set(casc_store *s, const char *key, const char *value,
                            casc_error *e) {
  sqlite_store *st = impl(s);
  sqlite3_stmt *q = NULL;
  casc_err rc = CASC_OK;
  if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", -1,
                         &q, NULL) != SQLITE_OK)
    return db_error(st, e, "meta");
  sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
  if (sqlite3_step(q) != SQLITE_DONE)
    rc = db_error(st, e, "meta");
  sqlite3_finalize(q);
  return rc;
}

static casc_err sq_issuer_add(casc_store *s, casc_issuer_rec *rec, casc_error *e) {
  sqlite_store *st = impl(s);
  sqlite3_stmt *q = NULL;
  casc_err rc = CASC_OK;
  if (sqlite3_prepare_v2(st->db,
                         "INSERT INTO issuers (name, purpose, parent_id, key_ref, cert_der) "
                         "VALUES (?,?,?,?,?)",
                         -1, &q, NULL) != SQLITE_OK)
    return db_error(st, e, "add issuer");
  sqlite3_bind_text(q, 1, rec->name, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, rec->purpose, -1, SQLITE_STATIC);
  if (rec->parent_id > 0)
    sqlite3_bind_int64(q, 3, rec->parent_id);
  else
    sqlite3_bind_null(q, 3);
  sqlite3_bind_text(q, 4, rec->key_ref, -1, SQLITE_STATIC);
  sqlite3_bind_blob(q, 5, rec->cert_der, (int)rec->cert_len, SQLITE_STATIC);
  if (sqlite3_step(q) != SQLITE_DONE)
    rc = db_error(st, e, "add issuer");
  else
    rec->id = sqlite3_last_insert_rowid(st->db);
  sqlite3_finalize(q);
  return rc;
}

static void copy_text(char *dst, size_t dstsz, const unsigned char *src) {
  snprintf(dst, dstsz, "%s", src != NULL ? (const char *)src : "");
}

static unsigned char *dup_blob(sqlite3_stmt *q, int col, size_t *len) {
  int n = sqlite3_column_bytes(q, col);
  const void *p = sqlite3_column_blob(q, col);
  unsigned char *out = malloc(n > 0 ? (size_t)n : 1);
  if (out != NULL && n > 0)
    memcpy(out, p, (size_t)n);
  *len = (size_t)n;
  return out;
}

static casc_err sq_issuer_list(casc_store *s, casc_issuer_rec **out, size_t *n,
                               casc_error *e) {
  sqlite_store *st = impl(s);
  sqlite3_stmt *q = NULL;
  casc_issuer_rec *list = NULL;
  size_t count = 0;
  casc_err rc = CASC_OK;
  if (sqlite3_prepare_v2(st->db,
                         "SELECT id, name, purpose, parent_id, key_ref, cert_der FROM issuers "
                         "ORDER BY id",
                         -1, &q, NULL) != SQLITE_OK)
    return db_error(st, e, "list issuers");
  int r;
  while ((r = sqlite3_step(q)) == SQLITE_ROW) {
    casc_issuer_rec *grown = realloc(list, (count + 1) * sizeof *list);
    if (grown == NULL) {
      rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
      goto out;
    }
    list = grown;
    casc_issuer_rec *rec = &list[count];
    memset(rec, 0, sizeof *rec);
    rec->id = sqlite3_column_int64(q, 0);
    copy_text(rec->name, sizeof rec->name, sqlite3_column_text(q, 1));
    copy_text(rec->purpose, sizeof rec->purpose, sqlite3_column_text(q, 2));
    rec->parent_id = sqlite3_column_int64(q, 3);
    copy_text(rec->key_ref, sizeof rec->key_ref, sqlite3_column_text(q, 4));
    count++;
    if ((rec->cert_der = dup_blob(q, 5, &rec->cert_len)) == NULL) {
      rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
      goto out;
    }
  }
  if (r != SQLITE_DONE)
    rc = db_error(st, e, "list issuers");
out:
  sqlite3_finalize(q);
  if (rc != CASC_OK) {
    casc_issuer_list_free(list, count);
    return rc;
  }
  *out = list;
  *n = count;
  return CASC_OK;
}

static casc_err sq_cert_add(casc_store *s, const casc_cert_rec *rec, casc_error *e) {
  sqlite_store *st = impl(s);
  sqlite3_stmt *q = NULL;
  casc_err rc = prepare(st, Q_CERT_ADD, &q, e);
  if (rc != CASC_OK)
    return rc;
  sqlite3_bind_text(q, 1, rec->serial, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 2, rec->issuer_id);
  sqlite3_bind_text(q, 3, rec->subject, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 4, rec->sans != NULL ? rec->sans : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 5, rec->profile, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 6, rec->not_before);
  sqlite3_bind_int64(q, 7, rec->not_after);
  sqlite3_bind_blob(q, 8, rec->der, (int)rec->der_len, SQLITE_STATIC);
  if (sqlite3_step(q) != SQLITE_DONE)
    rc = db_error(st, e, "add certificate");
  sqlite3_reset(q);
  return rc;
}

static casc_err read_cert_row(sqlite3_stmt *q, casc_cert_rec *rec, casc_error *e) {
  memset(rec, 0, sizeof *rec);
  copy_text(rec->serial, sizeof rec->serial, sqlite3_column_text(q, 0));
  rec->issuer_id = sqlite3_column_int64(q, 1);
  copy_text(rec->subject, sizeof rec->subject, sqlite3_column_text(q, 2));
  const unsigned char *sans = sqlite3_column_text(q, 3);
  rec->sans = strdup(sans != NULL ? (const char *)sans : "");
  copy_text(rec->profile, sizeof rec->profile, sqlite3_column_text(q, 4));
  rec->not_before = (time_t)sqlite3_column_int64(q, 5);
  rec->not_after = (time_t)sqlite3_column_int64(q, 6);
  rec->der = dup_blob(q, 7, &rec->der_len);
  rec->revoked = sqlite3_column_int(q, 8) != 0;
  rec->revoked_at = (time_t)sqlite3_column_int64(q, 9);
  rec->reason = sqlite3_column_type(q, 10) == SQLITE_NULL ? -1 : sqlite3_column_int(q, 10);
  rec->invalidity_date = (time_t)sqlite3_column_int64(q, 11);
  if (rec->sans == NULL || rec->der == NULL) {
    casc_cert_rec_clear(rec);
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  }
  return CASC_OK;
}

static casc_err sq_cert_get(casc_store *s, const char *serial, casc_cert_rec *out,
                            casc_error *e) {
  sqlite_store *st = impl(s);
  sqlite3_stmt *q = NULL;
  casc_err rc = prepare(st, Q_CERT_GET, &q, e);
  if (rc != CASC_OK)
    return rc;
  sqlite3_bind_text(q, 1, serial, -1, SQLITE_STATIC);
  int r = sqlite3_step(q);
  if (r == SQLITE_ROW)
    rc = read_cert_row(q, out, e);
  else if (r == SQLITE_DONE)
    rc = casc_error_set(e, CASC_ERR_NOT_FOUND, "serial %s: no such certificate", serial);
  else
    rc = db_error(st, e, "get certificate");
  sqlite3_reset(q);
  return rc;
}

static casc_err sq_cert_list(casc_store *s, const casc_cert_filter *f, casc_cert_cb cb,
                             void *arg, casc_error *e) {
  sqlite_store *st = impl(s);
  sqlite3_stmt *q = NULL;
  char sql[512];
  const char *where = "1";
  if (!f->any_status) {
    switch (f->status) {
    case CASC_STATUS_VALID: where = "revoked = 0 AND not_after >= ?2"; break;
    case CASC_STATUS_EXPIRED: where = "revoked = 0 AND not_after < ?2"; break;
    case CASC_STATUS_REVOKED: where = "revoked = 1"; break;
    }
  }
  snprintf(sql, sizeof sql,
           "SELECT serial, issuer_id, subject, sans, profile, not_before, not_after, der, "
           "revoked, revoked_at, reason, invalidity_date FROM certificates "
           "WHERE (?1 = 0 OR issuer_id = ?1) AND %s ORDER BY not_before, serial",
           where);
  if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
    return db_error(st, e, "list certificates");
  sqlite3_bind_int64(q, 1, f->issuer_id);
  sqlite3_bind_int64(q, 2, f->now);
  casc_err rc = CASC_OK;
  int r;
  while (rc == CASC_OK && (r = sqlite3_step(q)) == SQLITE_ROW) {
    casc_cert_rec rec;
    rc = read_cert_row(q, &rec, e);
    if (rc == CASC_OK)
      rc = cb(&rec, arg, e);
    casc_cert_rec_clear(&rec);
  }
  if (rc == CASC_OK && r != SQLITE_DONE)
    rc = db_error(st, e, "list certificates");
  sqlite3_finalize(q);
  return rc;
}

static casc_err sq_cert_revoke(casc_store *s, const char *serial, time_t at, int reason,
                               time_t invalidity_date, casc_error *e) {
  sqlite_store *st = impl(s);
  sqlite3_stmt *q = NULL;
  casc_err rc = prepare(st, Q_CERT_REVOKE, &q, e);
  if (rc != CASC_OK)
    return rc;
  sqlite3_bind_int64(q, 1, at);
  if (reason >= 0)
    sqlite3_bind_int(q, 2, reason);
  else
    sqlite3_bind_null(q, 2);
  if (invalidity_date != 0)
    sqlite3_bind_int64(q, 3, invalidity_date);
  else
    sqlite3_bind_null(q, 3);
  sqlite3_bind_text(q, 4, serial, -1, SQLITE_STATIC);
  if (sqlite3_step(q) != SQLITE_DONE)
    rc = db_error(st, e, "revoke");
  else if (sqlite3_changes(st->db) == 0) {
    casc_cert_rec rec = {0};
    rc = sq_cert_get(s, serial, &rec, e);
    if (rc == CASC_OK)
      rc = casc_error_set(e, CASC_ERR_ALREADY_REVOKED, "serial %s: already revoked", serial);
    casc_cert_rec_clear(&rec);
  }
  sqlite3_reset(q);
  return rc;
}

static casc_err sq_revoked_walk(casc_store *s, int64_t issuer_id, casc_revoked_cb cb, void *arg,
                                casc_error *e) {
  sqlite_store *st = impl(s);
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(st->db,
                         "SELECT serial, profile, not_after, revoked_at, reason, invalidity_date "
                         "FROM certificates WHERE issuer_id = ? AND revoked = 1 ORDER BY serial",
                         -1, &q, NULL) != SQLITE_OK)
    return db_error(st, e, "revoked certificates");
  sqlite3_bind_int64(q, 1, issuer_id);
  casc_err rc = CASC_OK;
  int r;
  while (rc == CASC_OK && (r = sqlite3_step(q)) == SQLITE_ROW) {
    casc_revoked_entry entry;
    copy_text(entry.serial, sizeof entry.serial, sqlite3_column_text(q, 0));
    copy_text(entry.profile, sizeof entry.profile, sqlite3_column_text(q, 1));
    entry.not_after = (time_t)sqlite3_column_int64(q, 2);
    entry.revoked_at = (time_t)sqlite3_column_int64(q, 3);
    entry.reason = sqlite3_column_type(q, 4) == SQLITE_NULL ? -1 : sqlite3_column_int(q, 4);
    entry.invalidity_date = (time_t)sqlite3_column_int64(q, 5);
    rc = cb(&entry, arg, e);
  }
  if (rc == CASC_OK && r != SQLITE_DONE)
    rc = db_error(st, e, "revoked certificates");
  sqlite3_finalize(q);
  return rc;
}

static casc_err sq_crl_number_next(casc_store *s, int64_t issuer_id, int shard, int64_t *number,
                                   casc_error *e) {
  sqlite_store *st = impl(s);
  sqlite3_stmt *q = NULL;
  casc_err rc = CASC_OK;
  if (sqlite3_prepare_v2(st->db,
                         "INSERT INTO crl_numbers (issuer_id, shard, number) VALUES (?, ?, 1) "
                         "ON CONFLICT (issuer_id, shard) DO UPDATE SET number = number + 1 "
                         "RETURNING number",
                         -1, &q, NULL) != SQLITE_OK)
    return db_error(st, e, "CRL number");
  sqlite3_bind_int64(q, 1, issuer_id);
  sqlite3_bind_int(q, 2, shard);
  if (sqlite3_step(q) == SQLITE_ROW)
    *number = sqlite3_column_int64(q, 0);
  else
    rc = db_error(st, e, "CRL number");
  sqlite3_finalize(q);
  return rc;
}

static casc_err read_audit_row(sqlite3_stmt *q, casc_audit_entry *out, casc_error *e) {
  memset(out, 0, sizeof *out);
  out->seq = sqlite3_column_int64(q, 0);
  out->time = (time_t)sqlite3_column_int64(q, 1);
  copy_text(out->op, sizeof out->op, sqlite3_column_text(q, 2));
  const unsigned char *d = sqlite3_column_text(q, 3);
  out->details = strdup(d != NULL ? (const char *)d : "");
  if (out->details == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  /* A hash of the wrong length simply will not match. */
  if (sqlite3_column_bytes(q, 4) == CASC_HASH_LEN)
    memcpy(out->hash, sqlite3_column_blob(q, 4), CASC_HASH_LEN);
  int sig_len = sqlite3_column_bytes(q, 5);
  if (sig_len > 0 && (size_t)sig_len <= sizeof out->sig) {
    memcpy(out->sig, sqlite3_column_blob(q, 5), (size_t)sig_len);
    out->sig_len = (size_t)sig_len;
  }
  return CASC_OK;
}

static casc_err sq_audit_last(casc_store *s, casc_audit_entry *out, bool *found,
                              casc_error *e) {
  sqlite_store *st = impl(s);
  sqlite3_stmt *q = NULL;
  casc_err rc = prepare(st, Q_AUDIT_LAST, &q, e);
  if (rc != CASC_OK)
    return rc;
  int r = sqlite3_step(q);
  *found = r == SQLITE_ROW;
  if (r == SQLITE_ROW)
    rc = read_audit_row(q, out, e);
  else if (r != SQLITE_DONE)
    rc = db_error(st, e, "audit log");
  sqlite3_reset(q);
  return rc;
}

static casc_err sq_audit_add(casc_store *s, const casc_audit_entry *entry, casc_error *e) {
  sqlite_store *st = impl(s);
  sqlite3_stmt *q = NULL;
  casc_err rc = prepare(st, Q_AUDIT_ADD, &q, e);
  if (rc != CASC_OK)
    return rc;
  sqlite3_bind_int64(q, 1, entry->seq);
  sqlite3_bind_int64(q, 2, entry->time);
  sqlite3_bind_text(q, 3, entry->op, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 4, entry->details, -1, SQLITE_STATIC);
  sqlite3_bind_blob(q, 5, entry->hash, CASC_HASH_LEN, SQLITE_STATIC);
  if (entry->sig_len > 0)
    sqlite3_bind_blob(q, 6, entry->sig, (int)entry->sig_len, SQLITE_STATIC);
  else
    sqlite3_bind_null(q, 6);
  if (sqlite3_step(q) != SQLITE_DONE)
    rc = db_error(st, e, "audit log");
  sqlite3_reset(q);
  return rc;
}

static casc_err sq_audit_walk(casc_store *s, int64_t from_seq, casc_audit_cb cb, void *arg,
                              casc_error *e) {
  sqlite_store *st = impl(s);
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(st->db, "SELECT seq, time, op, details, hash, sig FROM audit_log "
                                 "WHERE seq >= ? ORDER BY seq", -1, &q, NULL) != SQLITE_OK)
    return db_error(st, e, "audit log");
  sqlite3_bind_int64(q, 1, from_seq);
  casc_err rc = CASC_OK;
  int r;
  while (rc == CASC_OK && (r = sqlite3_step(q)) == SQLITE_ROW) {
    casc_audit_entry entry;
    rc = read_audit_row(q, &entry, e);
    if (rc == CASC_OK)
      rc = cb(&entry, arg, e);
    casc_audit_entry_clear(&entry);
  }
  if (rc == CASC_OK && r != SQLITE_DONE)
    rc = db_error(st, e, "audit log");
  sqlite3_finalize(q);
  return rc;
}

static casc_err sq_ocsp_put(casc_store *s, const casc_ocsp_row *row, casc_error *e) {
  sqlite_store *st = impl(s);
  sqlite3_stmt *q = NULL;
  casc_err rc = prepare(st, Q_OCSP_PUT, &q, e);
  if (rc != CASC_OK)
    return rc;
  sqlite3_bind_int64(q, 1, row->issuer_id);
  sqlite3_bind_text(q, 2, row->serial, -1, SQLITE_STATIC);
  sqlite3_bind_int(q, 3, row->status);
  if (row->status == 1)
    sqlite3_bind_int64(q, 4, row->revoked_at);
  else
    sqlite3_bind_null(q, 4);
  if (row->reason >= 0)
    sqlite3_bind_int(q, 5, row->reason);
  else
    sqlite3_bind_null(q, 5);
  sqlite3_bind_int64(q, 6, row->this_update);
  sqlite3_bind_int64(q, 7, row->next_update);
  sqlite3_bind_int64(q, 8, row->refresh_at);
  sqlite3_bind_blob(q, 9, row->der, (int)row->der_len, SQLITE_STATIC);
  sqlite3_bind_int64(q, 10, row->cert_id);
  if (sqlite3_step(q) != SQLITE_DONE)
    rc = db_error(st, e, "store OCSP response");
  sqlite3_reset(q);
  return rc;
}

static casc_err sq_ocsp_since(casc_store *s, int64_t after_id, casc_ocsp_row_cb cb, void *arg,
                              casc_error *e) {
  sqlite_store *st = impl(s);
  sqlite3_stmt *q = NULL;
  casc_err rc = prepare(st, Q_OCSP_SINCE, &q, e);
  if (rc != CASC_OK)
    return rc;
  sqlite3_bind_int64(q, 1, after_id);
  int r;
  while (rc == CASC_OK && (r = sqlite3_step(q)) == SQLITE_ROW) {
    casc_ocsp_row row = {0};
    row.id = sqlite3_column_int64(q, 0);
    row.issuer_id = sqlite3_column_int64(q, 1);
    copy_text(row.serial, sizeof row.serial, sqlite3_column_text(q, 2));
    row.status = sqlite3_column_int(q, 3);
    row.revoked_at = (time_t)sqlite3_column_int64(q, 4);
    row.reason = sqlite3_column_type(q, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(q, 5);
    row.this_update = (time_t)sqlite3_column_int64(q, 6);
    row.next_update = (time_t)sqlite3_column_int64(q, 7);
    row.refresh_at = (time_t)sqlite3_column_int64(q, 8);
    row.der = sqlite3_column_blob(q, 9);
    row.der_len = (size_t)sqlite3_column_bytes(q, 9);
    rc = cb(&row, arg, e);
  }
  if (rc == CASC_OK && r != SQLITE_DONE)
    rc = db_error(st, e, "OCSP responses");
  sqlite3_reset(q);
  return rc;
}

static void read_todo(sqlite3_stmt *q, casc_ocsp_todo *t) {
  memset(t, 0, sizeof *t);
  t->cursor = sqlite3_column_int64(q, 0);
  t->issuer_id = sqlite3_column_int64(q, 1);
  copy_text(t->serial, sizeof t->serial, sqlite3_column_text(q, 2));
  t->revoked = sqlite3_column_int(q, 3) != 0;
  t->revoked_at = (time_t)sqlite3_column_int64(q, 4);
  t->reason = sqlite3_column_type(q, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(q, 5);
}

static casc_err sq_ocsp_due(casc_store *s, time_t now, int64_t after, size_t limit,
                            casc_ocsp_todo_cb cb, void *arg, casc_error *e) {
  sqlite_store *st = impl(s);
  sqlite3_stmt *q = NULL;
  casc_err rc = prepare(st, Q_OCSP_DUE, &q, e);
  if (rc != CASC_OK)
    return rc;
  sqlite3_bind_int64(q, 1, after);
  sqlite3_bind_int64(q, 2, now);
  sqlite3_bind_int64(q, 3, (sqlite3_int64)limit);
  int r;
  while (rc == CASC_OK && (r = sqlite3_step(q)) == SQLITE_ROW) {
    casc_ocsp_todo t;
    read_todo(q, &t);
    rc = cb(&t, arg, e);
  }
  if (rc == CASC_OK && r != SQLITE_DONE)
    rc = db_error(st, e, "OCSP responses due");
  sqlite3_reset(q);
  return rc;
}

static casc_err sq_ocsp_pending_take(casc_store *s, size_t limit, casc_ocsp_todo_cb cb,
                                     void *arg, casc_error *e) {
  sqlite_store *st = impl(s);
  sqlite3_stmt *q = NULL, *del = NULL;
  casc_ocsp_todo *todo = calloc(limit + 1, sizeof *todo);
  size_t n = 0;
  casc_err rc = todo != NULL ? CASC_OK : casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  /* Read and delete under the write lock (the caller's transaction, or one
   * of its own): the range delete below relies on nobody queueing a lower
   * cert_id in between. */
  bool own = rc == CASC_OK && sqlite3_get_autocommit(st->db) != 0;
  if (own)
    rc = exec(st, "BEGIN IMMEDIATE", e);
  if (rc == CASC_OK)
    rc = prepare(st, Q_OCSP_PENDING, &q, e);
  if (rc != CASC_OK)
    goto out;
  sqlite3_bind_int64(q, 1, (sqlite3_int64)limit);
  int r;
  /* Read the batch whole before deleting from the table being read. */
  while (n < limit && (r = sqlite3_step(q)) == SQLITE_ROW)
    read_todo(q, &todo[n++]);
  if (n < limit && r != SQLITE_DONE)
    rc = db_error(st, e, "OCSP queue");
  sqlite3_reset(q);
  /* The batch is the queue's first n in cert_id order: one range delete
   * removes exactly them. */
  if (rc == CASC_OK && n > 0 && (rc = prepare(st, Q_OCSP_PENDING_DEL, &del, e)) == CASC_OK) {
    sqlite3_bind_int64(del, 1, todo[n - 1].cursor);
    if (sqlite3_step(del) != SQLITE_DONE)
      rc = db_error(st, e, "OCSP queue");
    sqlite3_reset(del);
  }
  if (own && rc == CASC_OK)
    rc = exec(st, "COMMIT", e);
  if (own && rc != CASC_OK)
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  for (size_t i = 0; i < n && rc == CASC_OK; i++)
    rc = cb(&todo[i], arg, e);
out:
  if (own && rc != CASC_OK && sqlite3_get_autocommit(st->db) == 0)
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  free(todo);
  return rc;
}

/* WAL with synchronous = NORMAL: a commit appends to the WAL without an
 * fsync; checkpoints still sync. Consistent after a crash either way. Bulk
 * work comes with it, so the page cache grows too (64 MiB, from SQLite's
 * 2 MiB default): an index of a million serials then stays in memory
 * instead of being read back a page at a time. */
static casc_err sq_set_durable(casc_store *s, bool durable, casc_error *e) {
  return exec(impl(s),
              durable ? "PRAGMA synchronous = FULL; PRAGMA cache_size = -2000"
                      : "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536",
              e);
}

static const casc_store_ops sqlite_ops = {
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .meta_get = sq_meta_get,
    .meta_set = sq_meta_set,
    .issuer_add = sq_issuer_add,
    .issuer_list = sq_issuer_list,
    .cert_add = sq_cert_add,
    .cert_get = sq_cert_get,
    .cert_list = sq_cert_list,
    .cert_revoke = sq_cert_revoke,
    .revoked_walk = sq_revoked_walk,
    .crl_number_next = sq_crl_number_next,
    .audit_add = sq_audit_add,
    .audit_last = sq_audit_last,
    .audit_walk = sq_audit_walk,
    .ocsp_put = sq_ocsp_put,
    .ocsp_since = sq_ocsp_since,
    .ocsp_due = sq_ocsp_due,
    .ocsp_pending_take = sq_ocsp_pending_take,
    .set_durable = sq_set_durable,
};

int casc_store_schema_version(void) { return SCHEMA_VERSION; }

static casc_err schema_version(sqlite_store *st, int *version, casc_error *e) {
  sqlite3_stmt *q = NULL;
  *version = 0;
  if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK)
    return db_error(st, e, "schema version");
  int r = sqlite3_step(q);
  if (r == SQLITE_ROW)
    *version = sqlite3_column_int(q, 0);
  sqlite3_finalize(q);
  if (r != SQLITE_ROW)
    return db_error(st, e, "schema version");
  if (*version > SCHEMA_VERSION)
    return casc_error_set(e, CASC_ERR_DB,
                          "%s: schema version %d is newer than this casc understands (%d)",
                          st->path, *version, SCHEMA_VERSION);
  return CASC_OK;
}

static casc_err migrate(sqlite_store *st, bool read_only, casc_error *e) {
  int version;
  casc_err rc = schema_version(st, &version, e);
  if (rc != CASC_OK || version == SCHEMA_VERSION)
    return rc;
  if (read_only)
    return casc_error_set(e, CASC_ERR_DB,
                          "%s: schema version %d is older than this casc's (%d); a command that "
                          "writes, run by the CA's owner, migrates it",
                          st->path, version, SCHEMA_VERSION);
  for (;;) {
    /* The version is read again under the write lock: another casc may
     * have migrated the database since the look above. */
    if ((rc = exec(st, "BEGIN IMMEDIATE", e)) != CASC_OK)
      return rc;
    if ((rc = schema_version(st, &version, e)) != CASC_OK || version == SCHEMA_VERSION) {
      sqlite3_exec(st->db, rc == CASC_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
      return rc;
    }
    char bump[64];
    snprintf(bump, sizeof bump, "PRAGMA user_version = %d", version + 1);
    if ((rc = exec(st, migrations[version], e)) == CASC_OK && (rc = exec(st, bump, e)) == CASC_OK)
      rc = exec(st, "COMMIT", e);
    if (rc != CASC_OK) {
      sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
      return rc;
    }
  }
}

/* "file:" URI of path, for SQLite's read-only modes. */
static void path_uri(const char *path, const char *query, char *out, size_t outsz) {
  size_t n = (size_t)snprintf(out, outsz, "file:");
  for (const char *p = path; *p != '\0' && n + 4 < outsz; p++) {
    if (*p == '?' || *p == '#' || *p == '%')
      n += (size_t)snprintf(out + n, outsz - n, "%%%02X", (unsigned char)*p);
    else
      out[n++] = *p;
  }
  out[n] = '\0';
  snprintf(out + n, outsz - n, "?%s", query);
}

static casc_err open_db(sqlite_store *st, const char *path, bool create, bool read_only,
                        casc_error *e) {
  if (!read_only) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &st->db, flags, NULL) == SQLITE_OK)
      return CASC_OK;
  } else {
    /* mode=ro needs the WAL's shared-memory file or the right to create
     * it; someone who may only read the CA directory (an auditor) gets
     * immutable=1, a snapshot that takes no locks. */
    static const char *const modes[] = {"mode=ro", "immutable=1"};
    for (size_t i = 0; i < 2; i++) {
      char uri[PATH_MAX + 64];
      path_uri(path, modes[i], uri, sizeof uri);
      sqlite3_close(st->db);
      st->db = NULL;
      if (sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
                                            SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
          sqlite3_exec(st->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) ==
              SQLITE_OK)
        return CASC_OK;
    }
  }
  return casc_error_set(e, CASC_ERR_IO, "%s: cannot open the database: %s", path,
                        st->db != NULL ? sqlite3_errmsg(st->db) : "out of memory");
}

static casc_err open_store(const char *path, bool create, bool read_only, casc_store **out,
                           casc_error *e) {
  sqlite_store *st = calloc(1, sizeof *st);
  casc_err rc = CASC_OK;
  if (st == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  st->base.ops = &sqlite_ops;
  snprintf(st->path, sizeof st->path, "%s", path);
  if ((rc = open_db(st, path, create, read_only, e)) != CASC_OK)
    goto out;
  sqlite3_busy_timeout(st->db, 10000);
  sqlite3_extended_result_codes(st->db, 1);
  if (!read_only)
    rc = exec(st, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                  "PRAGMA foreign_keys = ON;", e);
  if (rc == CASC_OK)
    rc = migrate(st, read_only, e);
out:
  if (rc != CASC_OK) {
    sq_close(&st->base);
    return rc;
  }
  *out = &st->base;
  return CASC_OK;
}

casc_err casc_store_open_sqlite(const char *path, bool create, casc_store **out,
                                casc_error *e) {
  return open_store(path, create, false, out, e);
}

casc_err casc_store_open_sqlite_readonly(const char *path, casc_store **out, casc_error *e) {
  return open_store(path, false, true, out, e);
}
