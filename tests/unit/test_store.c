/* Unit tests of the store: a real SQLite database in a temporary directory,
 * checked both through the casc_store API and through sqlite3 directly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "casc/store.h"
#include "unit_util.h"

#include <sqlite3.h>

typedef struct {
  char dir[PATH_MAX];
  char db[PATH_MAX];
  casc_store *s;
  int64_t root_id, sub_id;
} fixture;

static const unsigned char fake_der[] = {0x30, 0x03, 0x02, 0x01, 0x01};

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (f == NULL || util_mkdtemp(f->dir, "store") != 0) {
    free(f);
    return -1;
  }
  util_join(f->db, f->dir, "casc.db");
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  casc_store_close(f->s);
  casc_clock_set(NULL);
  util_rmtree(f->dir);
  free(f);
  return 0;
}

static void open_store(fixture *f) {
  casc_error e = {0};
  casc_err rc = casc_store_open_sqlite(f->db, true, &f->s, &e);
  if (rc != CASC_OK)
    fail_msg("open %s: %s", f->db, e.msg);
}

static void reopen_store(fixture *f) {
  casc_store_close(f->s);
  f->s = NULL;
  casc_error e = {0};
  casc_err rc = casc_store_open_sqlite(f->db, false, &f->s, &e);
  if (rc != CASC_OK)
    fail_msg("reopen %s: %s", f->db, e.msg);
}

/* Runs sql on the database file with sqlite3 itself; returns the result
 * code and, when msg is given, the error message. */
static int raw_exec(const char *db, const char *sql, char *msg, size_t msgsz) {
  sqlite3 *h = NULL;
  char *err = NULL;
  int rc = sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(h, sql, NULL, NULL, &err);
  if (msg != NULL)
    snprintf(msg, msgsz, "%s", err != NULL ? err : "");
  sqlite3_free(err);
  sqlite3_close(h);
  return rc;
}

/* The first column of the first row of sql, as an integer. */
static long long raw_int(const char *db, const char *sql) {
  sqlite3 *h = NULL;
  sqlite3_stmt *q = NULL;
  long long v = -999;
  if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(h, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
    v = sqlite3_column_int64(q, 0);
  else
    fail_msg("%s: %s", sql, sqlite3_errmsg(h));
  sqlite3_finalize(q);
  sqlite3_close(h);
  return v;
}

static void add_issuers(fixture *f) {
  casc_error e = {0};
  casc_issuer_rec root = {0}, sub = {0};
  strcpy(root.name, "root-ca");
  strcpy(root.purpose, "root");
  strcpy(root.key_ref, "keys/root-ca.key");
  root.cert_der = (unsigned char *)fake_der;
  root.cert_len = sizeof fake_der;
  assert_int_equal(casc_store_issuer_add(f->s, &root, &e), CASC_OK);
  assert_true(root.id > 0);
  strcpy(sub.name, "issuing-ca");
  strcpy(sub.purpose, "tls-server");
  strcpy(sub.key_ref, "pkcs11:token=ca;object=issuing");
  sub.parent_id = root.id;
  sub.cert_der = (unsigned char *)fake_der;
  sub.cert_len = sizeof fake_der - 1;
  assert_int_equal(casc_store_issuer_add(f->s, &sub, &e), CASC_OK);
  assert_true(sub.id > root.id);
  f->root_id = root.id;
  f->sub_id = sub.id;
}

static casc_cert_rec make_rec(const char *serial, int64_t issuer_id, time_t nb, time_t na) {
  casc_cert_rec r = {0};
  snprintf(r.serial, sizeof r.serial, "%s", serial);
  r.issuer_id = issuer_id;
  snprintf(r.subject, sizeof r.subject, "CN=%s.example.com", serial);
  r.sans = "DNS:a.example.com, DNS:b.example.com";
  strcpy(r.profile, "tls-server");
  r.not_before = nb;
  r.not_after = na;
  r.der = (unsigned char *)fake_der;
  r.der_len = sizeof fake_der;
  r.reason = -1;
  return r;
}

/* --- schema ----------------------------------------------------------- */

static void test_open_creates_and_migrates(void **state) {
  fixture *f = *state;
  open_store(f);
  assert_true(util_exists(f->db));
  assert_int_equal(raw_int(f->db, "PRAGMA user_version"), casc_store_schema_version());
  assert_int_equal(raw_int(f->db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                  "name IN ('meta', 'issuers', 'certificates', 'audit_log')"),
                   4);
  assert_int_equal(raw_int(f->db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                                  "AND name LIKE 'audit_log_%'"),
                   2);
  /* WAL is a property of the file: it stays after close. */
  casc_store_close(f->s);
  f->s = NULL;
  sqlite3 *h = NULL;
  sqlite3_stmt *q = NULL;
  assert_int_equal(sqlite3_open_v2(f->db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
  sqlite3_finalize(q);
  sqlite3_close(h);
}

static void test_reopen_keeps_data(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  char v[64];
  open_store(f);
  add_issuers(f);
  assert_int_equal(casc_store_meta_set(f->s, "k", "v1", &e), CASC_OK);
  assert_int_equal(casc_store_meta_set(f->s, "k", "v2", &e), CASC_OK); /* replaces */
  reopen_store(f);
  assert_int_equal(raw_int(f->db, "PRAGMA user_version"), casc_store_schema_version()); /* not migrated twice */
  assert_int_equal(casc_store_meta_get(f->s, "k", v, sizeof v, &e), CASC_OK);
  assert_string_equal(v, "v2");
  assert_int_equal(casc_store_meta_get(f->s, "missing", v, sizeof v, &e), CASC_ERR_NOT_FOUND);
  char tiny[2];
  assert_int_equal(casc_store_meta_get(f->s, "k", tiny, sizeof tiny, &e), CASC_ERR_DB);
  casc_issuer_rec *list = NULL;
  size_t n = 0;
  assert_int_equal(casc_store_issuer_list(f->s, &list, &n, &e), CASC_OK);
  assert_int_equal(n, 2);
  casc_issuer_list_free(list, n);
}

static void test_open_missing_without_create(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  casc_store *s = NULL;
  assert_int_equal(casc_store_open_sqlite(f->db, false, &s, &e), CASC_ERR_IO);
  assert_null(s);
  assert_non_null(strstr(e.msg, f->db));
  assert_false(util_exists(f->db));
}

static void test_future_schema_refused(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  open_store(f);
  casc_store_close(f->s);
  f->s = NULL;
  assert_int_equal(raw_exec(f->db, "PRAGMA user_version = 99", NULL, 0), SQLITE_OK);
  casc_store *s = NULL;
  assert_int_equal(casc_store_open_sqlite(f->db, false, &s, &e), CASC_ERR_DB);
  assert_null(s);
  assert_non_null(strstr(e.msg, "99"));
  /* ... and left as it was. */
  assert_int_equal(raw_int(f->db, "PRAGMA user_version"), 99);
}

static void test_not_a_database(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  casc_store *s = NULL;
  char junk[4096];
  memset(junk, 'J', sizeof junk);
  assert_int_equal(util_write_file(f->db, junk, sizeof junk), 0);
  assert_int_equal(casc_store_open_sqlite(f->db, false, &s, &e), CASC_ERR_DB);
  assert_null(s);
}

/* --- issuers ---------------------------------------------------------- */

static void test_issuers(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  open_store(f);
  casc_issuer_rec *list = NULL;
  size_t n = 99;
  assert_int_equal(casc_store_issuer_list(f->s, &list, &n, &e), CASC_OK);
  assert_int_equal(n, 0);
  casc_issuer_list_free(list, n);
  add_issuers(f);
  assert_int_equal(casc_store_issuer_list(f->s, &list, &n, &e), CASC_OK);
  assert_int_equal(n, 2);
  assert_int_equal(list[0].id, f->root_id);
  assert_string_equal(list[0].name, "root-ca");
  assert_string_equal(list[0].purpose, "root");
  assert_int_equal(list[0].parent_id, 0);
  assert_string_equal(list[0].key_ref, "keys/root-ca.key");
  assert_int_equal(list[0].cert_len, sizeof fake_der);
  assert_memory_equal(list[0].cert_der, fake_der, sizeof fake_der);
  assert_int_equal(list[1].id, f->sub_id);
  assert_string_equal(list[1].name, "issuing-ca");
  assert_int_equal(list[1].parent_id, f->root_id);
  assert_string_equal(list[1].key_ref, "pkcs11:token=ca;object=issuing");
  assert_int_equal(list[1].cert_len, sizeof fake_der - 1);
  casc_issuer_list_free(list, n);
  casc_issuer_list_free(NULL, 0);

  /* Names are unique; a parent must exist (foreign keys are on). */
  casc_issuer_rec dup = {0};
  strcpy(dup.name, "root-ca");
  strcpy(dup.purpose, "root");
  strcpy(dup.key_ref, "x");
  dup.cert_der = (unsigned char *)fake_der;
  dup.cert_len = sizeof fake_der;
  assert_int_equal(casc_store_issuer_add(f->s, &dup, &e), CASC_ERR_DB);
  strcpy(dup.name, "orphan");
  dup.parent_id = 4242;
  assert_int_equal(casc_store_issuer_add(f->s, &dup, &e), CASC_ERR_DB);
  assert_int_equal(raw_int(f->db, "SELECT count(*) FROM issuers"), 2);
}

/* --- certificates ----------------------------------------------------- */

struct collected {
  char serials[16][CASC_SERIAL_MAX];
  size_t n;
  int stop_after;
};

static casc_err collect(const casc_cert_rec *rec, void *arg, casc_error *e) {
  struct collected *c = arg;
  if (c->n < 16)
    strcpy(c->serials[c->n], rec->serial);
  c->n++;
  if (c->stop_after > 0 && (int)c->n == c->stop_after)
    return casc_error_set(e, CASC_ERR_INTERNAL, "stop");
  return CASC_OK;
}

static void list_with(fixture *f, bool any, casc_cert_status st, time_t now, int64_t issuer,
                      struct collected *out) {
  casc_error e = {0};
  casc_cert_filter filter = {.any_status = any, .status = st, .now = now, .issuer_id = issuer};
  memset(out, 0, sizeof *out);
  casc_err rc = casc_store_cert_list(f->s, &filter, collect, out, &e);
  if (rc != CASC_OK)
    fail_msg("cert_list: %s", e.msg);
}

static void test_cert_add_get(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  open_store(f);
  add_issuers(f);
  time_t nb = util_utc(2026, 1, 1, 0, 0, 0), na = nb + 90 * 86400 - 1;
  casc_cert_rec r = make_rec("0A1B2C", f->sub_id, nb, na);
  assert_int_equal(casc_store_cert_add(f->s, &r, &e), CASC_OK);

  casc_cert_rec got;
  assert_int_equal(casc_store_cert_get(f->s, "0A1B2C", &got, &e), CASC_OK);
  assert_string_equal(got.serial, "0A1B2C");
  assert_int_equal(got.issuer_id, f->sub_id);
  assert_string_equal(got.subject, "CN=0A1B2C.example.com");
  assert_string_equal(got.sans, "DNS:a.example.com, DNS:b.example.com");
  assert_string_equal(got.profile, "tls-server");
  assert_int_equal(got.not_before, nb);
  assert_int_equal(got.not_after, na);
  assert_int_equal(got.der_len, sizeof fake_der);
  assert_memory_equal(got.der, fake_der, sizeof fake_der);
  assert_false(got.revoked);
  assert_int_equal(got.reason, -1);
  assert_int_equal(got.invalidity_date, 0);
  assert_int_equal(casc_cert_status_at(&got, nb), CASC_STATUS_VALID);
  assert_int_equal(casc_cert_status_at(&got, na), CASC_STATUS_VALID); /* last second counts */
  assert_int_equal(casc_cert_status_at(&got, na + 1), CASC_STATUS_EXPIRED);
  casc_cert_rec_clear(&got);
  assert_null(got.der);
  casc_cert_rec_clear(NULL);

  /* NULL sans are stored as "". */
  casc_cert_rec r2 = make_rec("0B", f->sub_id, nb, na);
  r2.sans = NULL;
  assert_int_equal(casc_store_cert_add(f->s, &r2, &e), CASC_OK);
  assert_int_equal(casc_store_cert_get(f->s, "0B", &got, &e), CASC_OK);
  assert_string_equal(got.sans, "");
  casc_cert_rec_clear(&got);

  /* Unknown serial. */
  assert_int_equal(casc_store_cert_get(f->s, "DEAD", &got, &e), CASC_ERR_NOT_FOUND);
  assert_int_equal(e.code, CASC_ERR_NOT_FOUND);
  assert_non_null(strstr(e.msg, "DEAD"));

  /* A serial is inserted once; the first record is untouched. */
  casc_cert_rec again = make_rec("0A1B2C", f->root_id, nb + 5, na + 5);
  assert_int_equal(casc_store_cert_add(f->s, &again, &e), CASC_ERR_DB);
  assert_int_equal(casc_store_cert_get(f->s, "0A1B2C", &got, &e), CASC_OK);
  assert_int_equal(got.issuer_id, f->sub_id);
  assert_int_equal(got.not_before, nb);
  casc_cert_rec_clear(&got);
  assert_int_equal(raw_int(f->db, "SELECT count(*) FROM certificates"), 2);

  /* An unknown issuer is refused (foreign key). */
  casc_cert_rec orphan = make_rec("0C", 4242, nb, na);
  assert_int_equal(casc_store_cert_add(f->s, &orphan, &e), CASC_ERR_DB);
}

static void test_cert_list_filters(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  open_store(f);
  add_issuers(f);
  time_t now = util_utc(2026, 6, 1, 12, 0, 0);
  /* valid, expired, revoked-but-unexpired, revoked-and-expired, valid under the root */
  casc_cert_rec recs[] = {
      make_rec("01", f->sub_id, now - 10 * 86400, now + 80 * 86400),
      make_rec("02", f->sub_id, now - 100 * 86400, now - 10 * 86400),
      make_rec("03", f->sub_id, now - 5 * 86400, now + 85 * 86400),
      make_rec("04", f->sub_id, now - 200 * 86400, now - 110 * 86400),
      make_rec("05", f->root_id, now - 1 * 86400, now + 365 * 86400),
      make_rec("06", f->sub_id, now - 90 * 86400, now), /* expires this second */
  };
  for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++)
    assert_int_equal(casc_store_cert_add(f->s, &recs[i], &e), CASC_OK);
  assert_int_equal(casc_store_cert_revoke(f->s, "03", now - 86400, 1, 0, &e), CASC_OK);
  assert_int_equal(casc_store_cert_revoke(f->s, "04", now - 150 * 86400, 4, 0, &e), CASC_OK);

  struct collected c;
  /* Everything, in not_before order. */
  list_with(f, true, 0, now, 0, &c);
  assert_int_equal(c.n, 6);
  assert_string_equal(c.serials[0], "04");
  assert_string_equal(c.serials[1], "02");
  assert_string_equal(c.serials[2], "06");
  assert_string_equal(c.serials[3], "01");
  assert_string_equal(c.serials[4], "03");
  assert_string_equal(c.serials[5], "05");

  list_with(f, false, CASC_STATUS_VALID, now, 0, &c);
  assert_int_equal(c.n, 3);
  assert_string_equal(c.serials[0], "06");
  assert_string_equal(c.serials[1], "01");
  assert_string_equal(c.serials[2], "05");

  list_with(f, false, CASC_STATUS_EXPIRED, now, 0, &c);
  assert_int_equal(c.n, 1);
  assert_string_equal(c.serials[0], "02");

  list_with(f, false, CASC_STATUS_REVOKED, now, 0, &c);
  assert_int_equal(c.n, 2);
  assert_string_equal(c.serials[0], "04");
  assert_string_equal(c.serials[1], "03");

  /* A second later 06 has expired too: the filter follows filter.now. */
  list_with(f, false, CASC_STATUS_EXPIRED, now + 1, 0, &c);
  assert_int_equal(c.n, 2);
  list_with(f, false, CASC_STATUS_VALID, now + 1, 0, &c);
  assert_int_equal(c.n, 2);
  /* Long ago everything unrevoked was valid. */
  list_with(f, false, CASC_STATUS_VALID, now - 300 * 86400, 0, &c);
  assert_int_equal(c.n, 4);

  /* By issuer. */
  list_with(f, true, 0, now, f->root_id, &c);
  assert_int_equal(c.n, 1);
  assert_string_equal(c.serials[0], "05");
  list_with(f, false, CASC_STATUS_VALID, now, f->sub_id, &c);
  assert_int_equal(c.n, 2);
  list_with(f, true, 0, now, 4242, &c);
  assert_int_equal(c.n, 0);

  /* A callback's error stops the walk and comes back. */
  casc_cert_filter all = {.any_status = true};
  memset(&c, 0, sizeof c);
  c.stop_after = 2;
  assert_int_equal(casc_store_cert_list(f->s, &all, collect, &c, &e), CASC_ERR_INTERNAL);
  assert_int_equal(c.n, 2);
  assert_string_equal(e.msg, "stop");
}

static void test_cert_revoke(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  open_store(f);
  add_issuers(f);
  time_t nb = util_utc(2026, 1, 1, 0, 0, 0);
  casc_cert_rec r = make_rec("7F00", f->sub_id, nb, nb + 90 * 86400);
  assert_int_equal(casc_store_cert_add(f->s, &r, &e), CASC_OK);
  r = make_rec("7F01", f->sub_id, nb, nb + 90 * 86400);
  assert_int_equal(casc_store_cert_add(f->s, &r, &e), CASC_OK);

  time_t at = nb + 86400, inv = nb + 3600;
  assert_int_equal(casc_store_cert_revoke(f->s, "7F00", at, 1, inv, &e), CASC_OK);
  casc_cert_rec got;
  assert_int_equal(casc_store_cert_get(f->s, "7F00", &got, &e), CASC_OK);
  assert_true(got.revoked);
  assert_int_equal(got.revoked_at, at);
  assert_int_equal(got.reason, 1);
  assert_int_equal(got.invalidity_date, inv);
  assert_int_equal(casc_cert_status_at(&got, nb), CASC_STATUS_REVOKED);
  assert_string_equal(casc_cert_status_name(casc_cert_status_at(&got, nb)), "revoked");
  casc_cert_rec_clear(&got);

  /* Again: refused, and the first revocation stands. */
  assert_int_equal(casc_store_cert_revoke(f->s, "7F00", at + 500, 4, 0, &e),
                   CASC_ERR_ALREADY_REVOKED);
  assert_int_equal(e.code, CASC_ERR_ALREADY_REVOKED);
  assert_int_equal(casc_store_cert_get(f->s, "7F00", &got, &e), CASC_OK);
  assert_int_equal(got.revoked_at, at);
  assert_int_equal(got.reason, 1);
  casc_cert_rec_clear(&got);

  /* No reason and no invalidity date are stored as NULL and read back as
   * -1 and 0. */
  assert_int_equal(casc_store_cert_revoke(f->s, "7F01", at, -1, 0, &e), CASC_OK);
  assert_int_equal(casc_store_cert_get(f->s, "7F01", &got, &e), CASC_OK);
  assert_int_equal(got.reason, -1);
  assert_int_equal(got.invalidity_date, 0);
  casc_cert_rec_clear(&got);
  assert_int_equal(raw_int(f->db, "SELECT count(*) FROM certificates WHERE serial = '7F01' AND "
                                  "reason IS NULL AND invalidity_date IS NULL"),
                   1);
}

static casc_err collect_revoked(const casc_revoked_entry *entry, void *arg, casc_error *e) {
  (void)e;
  char *out = arg;
  snprintf(out + strlen(out), 256 - strlen(out), "%s:%d:%lld;", entry->serial, entry->reason,
           (long long)entry->invalidity_date);
  return CASC_OK;
}

static void test_revoked_walk(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  open_store(f);
  add_issuers(f);
  time_t nb = util_utc(2026, 1, 1, 0, 0, 0);
  static const char *const serials[] = {"7F03", "7F01", "7F02", "7F00"};
  for (size_t i = 0; i < 4; i++) {
    casc_cert_rec r = make_rec(serials[i], i == 3 ? f->root_id : f->sub_id, nb, nb + 86400);
    assert_int_equal(casc_store_cert_add(f->s, &r, &e), CASC_OK);
  }
  assert_int_equal(casc_store_cert_revoke(f->s, "7F03", nb + 10, 1, nb + 5, &e), CASC_OK);
  assert_int_equal(casc_store_cert_revoke(f->s, "7F01", nb + 10, -1, 0, &e), CASC_OK);
  assert_int_equal(casc_store_cert_revoke(f->s, "7F00", nb + 10, 4, 0, &e), CASC_OK);
  char out[256] = "";
  /* only the issuer's own, only the revoked, in serial order */
  assert_int_equal(casc_store_revoked_walk(f->s, f->sub_id, collect_revoked, out, &e), CASC_OK);
  char want[128];
  snprintf(want, sizeof want, "7F01:-1:0;7F03:1:%lld;", (long long)(nb + 5));
  assert_string_equal(out, want);
}

static void test_crl_numbers(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  int64_t n = 0;
  open_store(f);
  add_issuers(f);
  for (int64_t want = 1; want <= 3; want++) {
    assert_int_equal(casc_store_crl_number_next(f->s, f->sub_id, 2, &n, &e), CASC_OK);
    assert_int_equal(n, want);
  }
  /* each issuer and shard counts on its own */
  assert_int_equal(casc_store_crl_number_next(f->s, f->sub_id, -1, &n, &e), CASC_OK);
  assert_int_equal(n, 1);
  assert_int_equal(casc_store_crl_number_next(f->s, f->root_id, 2, &n, &e), CASC_OK);
  assert_int_equal(n, 1);
  /* across a restart they go on increasing */
  reopen_store(f);
  assert_int_equal(casc_store_crl_number_next(f->s, f->sub_id, 2, &n, &e), CASC_OK);
  assert_int_equal(n, 4);
  /* a rolled-back transaction hands the number out again: nothing published it */
  assert_int_equal(casc_store_begin(f->s, &e), CASC_OK);
  assert_int_equal(casc_store_crl_number_next(f->s, f->sub_id, 2, &n, &e), CASC_OK);
  assert_int_equal(n, 5);
  casc_store_rollback(f->s);
  assert_int_equal(casc_store_crl_number_next(f->s, f->sub_id, 2, &n, &e), CASC_OK);
  assert_int_equal(n, 5);
}

/* Schema 1 as casc 0.1 shipped it: a database of that version must be
 * carried forward by the migrations, its data kept. */
static const char schema_v1[] =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE issuers (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, purpose TEXT NOT "
    "NULL, parent_id INTEGER REFERENCES issuers(id), key_ref TEXT NOT NULL, cert_der BLOB NOT "
    "NULL);"
    "CREATE TABLE certificates (serial TEXT PRIMARY KEY, issuer_id INTEGER NOT NULL REFERENCES "
    "issuers(id), subject TEXT NOT NULL, sans TEXT NOT NULL, profile TEXT NOT NULL, not_before "
    "INTEGER NOT NULL, not_after INTEGER NOT NULL, der BLOB NOT NULL, revoked INTEGER NOT NULL "
    "DEFAULT 0 CHECK (revoked IN (0, 1)), revoked_at INTEGER, reason INTEGER, invalidity_date "
    "INTEGER);"
    "CREATE INDEX certificates_by_issuer ON certificates (issuer_id, revoked, not_after);"
    "CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, op TEXT NOT NULL, "
    "details TEXT NOT NULL, hash BLOB NOT NULL);"
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, "
    "'audit_log is append-only'); END;"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, "
    "'audit_log is append-only'); END;"
    "INSERT INTO issuers (name, purpose, key_ref, cert_der) VALUES ('root-ca', 'root', "
    "'keys/root-ca.key', x'3000');"
    "INSERT INTO audit_log VALUES (1, 0, 'init', '{}', zeroblob(32));"
    "PRAGMA user_version = 1;";

static void test_migration_from_version_1(void **state) {
  fixture *f = *state;
  sqlite3 *h = NULL;
  assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
  assert_int_equal(sqlite3_exec(h, schema_v1, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(h);
  open_store(f);
  assert_int_equal(raw_int(f->db, "PRAGMA user_version"), casc_store_schema_version());
  assert_int_equal(raw_int(f->db, "SELECT count(*) FROM sqlite_master WHERE name IN "
                                  "('crl_numbers', 'certificates_revoked')"),
                   2);
  assert_int_equal(raw_int(f->db, "SELECT count(*) FROM issuers"), 1); /* data kept */
  assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log WHERE sig IS NULL"), 1);
}

static void test_rollback(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  open_store(f);
  add_issuers(f);
  time_t nb = util_utc(2026, 1, 1, 0, 0, 0);
  casc_cert_rec r = make_rec("AA", f->sub_id, nb, nb + 86400);

  assert_int_equal(casc_store_begin(f->s, &e), CASC_OK);
  assert_int_equal(f->s->in_transaction, 1);
  assert_int_equal(casc_store_cert_add(f->s, &r, &e), CASC_OK);
  assert_int_equal(casc_store_audit_append(f->s, "issue", "{\"serial\":\"AA\"}", &e), CASC_OK);
  assert_int_equal(casc_store_meta_set(f->s, "x", "y", &e), CASC_OK);
  casc_store_rollback(f->s);
  assert_int_equal(f->s->in_transaction, 0);

  casc_cert_rec got;
  char v[8];
  assert_int_equal(casc_store_cert_get(f->s, "AA", &got, &e), CASC_ERR_NOT_FOUND);
  assert_int_equal(casc_store_meta_get(f->s, "x", v, sizeof v, &e), CASC_ERR_NOT_FOUND);
  int64_t head = -1;
  unsigned char hash[CASC_HASH_LEN], zero[CASC_HASH_LEN] = {0};
  assert_int_equal(casc_store_audit_verify(f->s, 0, NULL, &head, hash, &e), CASC_OK);
  assert_int_equal(head, 0);
  assert_memory_equal(hash, zero, CASC_HASH_LEN);
  /* Nothing reached the file either. */
  reopen_store(f);
  assert_int_equal(raw_int(f->db, "SELECT count(*) FROM certificates"), 0);
  assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log"), 0);
  /* A rollback outside a transaction is harmless. */
  casc_store_rollback(f->s);

  /* The same with a commit is durable. */
  assert_int_equal(casc_store_begin(f->s, &e), CASC_OK);
  assert_int_equal(casc_store_cert_add(f->s, &r, &e), CASC_OK);
  assert_int_equal(casc_store_audit_append(f->s, "issue", "{\"serial\":\"AA\"}", &e), CASC_OK);
  assert_int_equal(casc_store_commit(f->s, &e), CASC_OK);
  assert_int_equal(f->s->in_transaction, 0);
  reopen_store(f);
  assert_int_equal(casc_store_cert_get(f->s, "AA", &got, &e), CASC_OK);
  casc_cert_rec_clear(&got);
  assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log"), 1);
}

/* --- audit log -------------------------------------------------------- */

static void link_hash(const unsigned char prev[CASC_HASH_LEN], int64_t seq, int64_t t,
                      const char *op, const char *details, unsigned char out[CASC_HASH_LEN]) {
  assert_int_equal(util_audit_link(prev, seq, t, op, details, out), 0);
}

struct walked {
  casc_audit_entry e[16];
  size_t n;
};

static casc_err keep_entry(const casc_audit_entry *entry, void *arg, casc_error *e) {
  (void)e;
  struct walked *w = arg;
  if (w->n < 16) {
    w->e[w->n] = *entry;
    w->e[w->n].details = strdup(entry->details);
  }
  w->n++;
  return CASC_OK;
}

static void walked_clear(struct walked *w) {
  for (size_t i = 0; i < w->n && i < 16; i++)
    casc_audit_entry_clear(&w->e[i]);
  w->n = 0;
}

#define N_ENTRIES 5
static const char *const entry_ops[N_ENTRIES] = {"init", "issue", "issue", "revoke", "issue"};
static const char *const entry_details[N_ENTRIES] = {
    "{\"name\":\"casc Demo\"}", "{\"serial\":\"01\"}", "{\"serial\":\"02\"}",
    "{\"reason\":\"keyCompromise\",\"serial\":\"01\"}", "{\"serial\":\"03\"}"};
static const time_t audit_t0 = 1795885200; /* 2026-11-28T17:00:00Z */

/* Five entries, one a minute, appended in one transaction. */
static void fill_audit(fixture *f) {
  casc_error e = {0};
  util_clock_fix(audit_t0);
  assert_int_equal(casc_store_begin(f->s, &e), CASC_OK);
  for (int i = 0; i < N_ENTRIES; i++) {
    assert_int_equal(casc_store_audit_append(f->s, entry_ops[i], entry_details[i], &e), CASC_OK);
    util_fixed_now += 60;
  }
  assert_int_equal(casc_store_commit(f->s, &e), CASC_OK);
  casc_clock_set(NULL);
}

static void test_audit_append_verify(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  open_store(f);
  int64_t head = -1;
  unsigned char head_hash[CASC_HASH_LEN], cp_hash[CASC_HASH_LEN], zero[CASC_HASH_LEN] = {0};
  /* The empty log: head 0, a zero hash. */
  assert_int_equal(casc_store_audit_verify(f->s, 0, NULL, &head, head_hash, &e), CASC_OK);
  assert_int_equal(head, 0);
  assert_memory_equal(head_hash, zero, CASC_HASH_LEN);

  fill_audit(f);
  struct walked w = {0};
  assert_int_equal(casc_store_audit_walk(f->s, keep_entry, &w, &e), CASC_OK);
  assert_int_equal(w.n, N_ENTRIES);
  unsigned char prev[CASC_HASH_LEN] = {0}, want[CASC_HASH_LEN];
  for (int i = 0; i < N_ENTRIES; i++) {
    assert_int_equal(w.e[i].seq, i + 1);
    assert_int_equal(w.e[i].time, audit_t0 + 60 * i); /* the injected clock */
    assert_string_equal(w.e[i].op, entry_ops[i]);
    assert_string_equal(w.e[i].details, entry_details[i]);
    link_hash(prev, i + 1, audit_t0 + 60 * i, entry_ops[i], entry_details[i], want);
    assert_memory_equal(w.e[i].hash, want, CASC_HASH_LEN);
    memcpy(prev, want, CASC_HASH_LEN);
  }

  memset(cp_hash, 0xEE, sizeof cp_hash);
  assert_int_equal(casc_store_audit_verify(f->s, 3, cp_hash, &head, head_hash, &e), CASC_OK);
  assert_int_equal(head, N_ENTRIES);
  assert_memory_equal(head_hash, w.e[N_ENTRIES - 1].hash, CASC_HASH_LEN);
  assert_memory_equal(cp_hash, w.e[2].hash, CASC_HASH_LEN);
  /* The checkpoint at the head is the head. */
  assert_int_equal(casc_store_audit_verify(f->s, N_ENTRIES, cp_hash, &head, head_hash, &e),
                   CASC_OK);
  assert_memory_equal(cp_hash, head_hash, CASC_HASH_LEN);
  /* A checkpoint past the head is left alone. */
  memset(cp_hash, 0xEE, sizeof cp_hash);
  assert_int_equal(casc_store_audit_verify(f->s, 99, cp_hash, &head, head_hash, &e), CASC_OK);
  assert_int_equal(cp_hash[0], 0xEE);
  walked_clear(&w);

  /* Appends continue the chain after a reopen. */
  reopen_store(f);
  assert_int_equal(casc_store_begin(f->s, &e), CASC_OK);
  assert_int_equal(casc_store_audit_append(f->s, "issue", "{}", &e), CASC_OK);
  assert_int_equal(casc_store_commit(f->s, &e), CASC_OK);
  assert_int_equal(casc_store_audit_verify(f->s, 0, NULL, &head, head_hash, &e), CASC_OK);
  assert_int_equal(head, N_ENTRIES + 1);
}

/* Builds the five-entry log, closes the store, runs sql through sqlite3
 * with the append-only triggers dropped, reopens and verifies. */
static casc_err tamper_and_verify(fixture *f, const char *sql, int64_t *head,
                                  unsigned char head_hash[CASC_HASH_LEN], casc_error *e) {
  open_store(f);
  fill_audit(f);
  casc_store_close(f->s);
  f->s = NULL;
  char msg[256];
  char script[2048];
  snprintf(script, sizeof script,
           "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; %s", sql);
  if (raw_exec(f->db, script, msg, sizeof msg) != SQLITE_OK)
    fail_msg("tampering failed: %s", msg);
  reopen_store(f);
  return casc_store_audit_verify(f->s, 0, NULL, head, head_hash, e);
}

static void test_audit_tamper_details(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  int64_t head;
  unsigned char h[CASC_HASH_LEN];
  assert_int_equal(tamper_and_verify(f, "UPDATE audit_log SET details = '{\"serial\":\"99\"}' "
                                        "WHERE seq = 3;",
                                     &head, h, &e),
                   CASC_ERR_INTEGRITY);
  assert_int_equal(e.code, CASC_ERR_INTEGRITY);
  assert_non_null(strstr(e.msg, "entry 3"));
}

static void test_audit_tamper_delete_middle(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  int64_t head;
  unsigned char h[CASC_HASH_LEN];
  assert_int_equal(tamper_and_verify(f, "DELETE FROM audit_log WHERE seq = 3;", &head, h, &e),
                   CASC_ERR_INTEGRITY);
  assert_non_null(strstr(e.msg, "removed or reordered"));
}

static void test_audit_tamper_swap(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  int64_t head;
  unsigned char h[CASC_HASH_LEN];
  assert_int_equal(tamper_and_verify(f,
                                     "UPDATE audit_log SET seq = -2 WHERE seq = 2;"
                                     "UPDATE audit_log SET seq = 2 WHERE seq = 3;"
                                     "UPDATE audit_log SET seq = 3 WHERE seq = -2;",
                                     &head, h, &e),
                   CASC_ERR_INTEGRITY);
}

static void test_audit_tamper_other_fields(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  int64_t head;
  unsigned char h[CASC_HASH_LEN];
  static const char *const edits[] = {
      "UPDATE audit_log SET time = time + 1 WHERE seq = 2;",
      "UPDATE audit_log SET op = 'revoke' WHERE seq = 2;",
      "UPDATE audit_log SET hash = zeroblob(32) WHERE seq = 5;",
      "UPDATE audit_log SET hash = x'00' WHERE seq = 1;",  /* wrong length */
      "DELETE FROM audit_log WHERE seq = 1;",              /* the first */
      "UPDATE audit_log SET seq = 7 WHERE seq = 5;",       /* a gap at the end */
      /* an entry copied in from elsewhere */
      "INSERT INTO audit_log SELECT 6, time, op, details, hash, sig FROM audit_log WHERE seq = 5;",
  };
  for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
    casc_store_close(f->s);
    f->s = NULL;
    remove(f->db);
    char wal[PATH_MAX + 8];
    snprintf(wal, sizeof wal, "%s-wal", f->db);
    remove(wal);
    snprintf(wal, sizeof wal, "%s-shm", f->db);
    remove(wal);
    casc_err rc = tamper_and_verify(f, edits[i], &head, h, &e);
    if (rc != CASC_ERR_INTEGRITY)
      fail_msg("'%s' gave %d, want CASC_ERR_INTEGRITY", edits[i], rc);
  }
}

/* Someone who edits an entry and recomputes every later hash makes a log
 * the store alone cannot tell from a real one: its head hash differs, and
 * that is what the CA's signed checkpoint compares (see test_ca.c). So is a
 * log cut short at the end. */
static void test_audit_rechained_and_truncated(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  int64_t head;
  unsigned char orig_head[CASC_HASH_LEN], h[CASC_HASH_LEN];
  open_store(f);
  fill_audit(f);
  assert_int_equal(casc_store_audit_verify(f->s, 0, NULL, &head, orig_head, &e), CASC_OK);
  casc_store_close(f->s);
  f->s = NULL;

  /* Re-chain from entry 3 on with a forged details field. */
  struct {
    int64_t seq;
    const char *details;
  } forged[] = {{3, "{\"serial\":\"99\"}"}, {4, entry_details[3]}, {5, entry_details[4]}};
  unsigned char prev[CASC_HASH_LEN] = {0}, hh[CASC_HASH_LEN];
  for (int i = 0; i < 2; i++) {
    link_hash(prev, i + 1, audit_t0 + 60 * i, entry_ops[i], entry_details[i], hh);
    memcpy(prev, hh, CASC_HASH_LEN);
  }
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "DROP TRIGGER audit_log_no_update;", NULL, NULL, NULL),
                   SQLITE_OK);
  for (size_t i = 0; i < 3; i++) {
    int64_t seq = forged[i].seq;
    link_hash(prev, seq, audit_t0 + 60 * (seq - 1), entry_ops[seq - 1], forged[i].details, hh);
    memcpy(prev, hh, CASC_HASH_LEN);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "UPDATE audit_log SET details = ?, hash = ? "
                                            "WHERE seq = ?", -1, &q, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(q, 1, forged[i].details, -1, SQLITE_STATIC);
    sqlite3_bind_blob(q, 2, hh, CASC_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, seq);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
  }
  sqlite3_close(db);
  reopen_store(f);
  assert_int_equal(casc_store_audit_verify(f->s, 0, NULL, &head, h, &e), CASC_OK);
  assert_int_equal(head, N_ENTRIES);
  assert_memory_not_equal(h, orig_head, CASC_HASH_LEN);
  assert_memory_equal(h, prev, CASC_HASH_LEN);
  casc_store_close(f->s);
  f->s = NULL;

  /* Cut the last entry: a shorter, self-consistent chain. */
  assert_int_equal(raw_exec(f->db, "DROP TRIGGER audit_log_no_delete; "
                                   "DELETE FROM audit_log WHERE seq = 5;", NULL, 0),
                   SQLITE_OK);
  reopen_store(f);
  assert_int_equal(casc_store_audit_verify(f->s, 0, NULL, &head, h, &e), CASC_OK);
  assert_int_equal(head, N_ENTRIES - 1);
}

/* Verifying only what came after a checkpoint: the anchor entry must carry
 * the checkpoint's hash, and every later entry must chain onto it. */
static void test_audit_verify_since(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  int64_t head = -1;
  unsigned char h[CASC_HASH_LEN], wrong[CASC_HASH_LEN];
  open_store(f);
  fill_audit(f);
  struct walked w = {0};
  assert_int_equal(casc_store_audit_walk(f->s, keep_entry, &w, &e), CASC_OK);
  assert_int_equal(w.n, N_ENTRIES);

  for (int from = 1; from <= N_ENTRIES; from++) {
    head = -1;
    assert_int_equal(casc_store_audit_verify_since(f->s, from, w.e[from - 1].hash, NULL, NULL, &head, h, &e),
                     CASC_OK);
    assert_int_equal(head, N_ENTRIES);
    assert_memory_equal(h, w.e[N_ENTRIES - 1].hash, CASC_HASH_LEN);
  }
  /* from_seq 0: the whole log. */
  unsigned char zero[CASC_HASH_LEN] = {0};
  assert_int_equal(casc_store_audit_verify_since(f->s, 0, zero, NULL, NULL, &head, h, &e), CASC_OK);
  assert_int_equal(head, N_ENTRIES);
  /* A hash that is not the anchor's. */
  memcpy(wrong, w.e[2].hash, CASC_HASH_LEN);
  wrong[0] ^= 1;
  assert_int_equal(casc_store_audit_verify_since(f->s, 3, wrong, NULL, NULL, &head, h, &e),
                   CASC_ERR_INTEGRITY);
  assert_int_equal(casc_store_audit_verify_since(f->s, 3, w.e[3].hash, NULL, NULL, &head, h, &e),
                   CASC_ERR_INTEGRITY);
  /* An anchor past the end: entries the checkpoint covered are gone. */
  assert_int_equal(casc_store_audit_verify_since(f->s, N_ENTRIES + 1, w.e[4].hash, NULL, NULL, &head, h, &e),
                   CASC_ERR_INTEGRITY);
  assert_non_null(strstr(e.msg, "gone"));
  casc_store_close(f->s);
  f->s = NULL;

  /* An entry after the anchor edited: caught. */
  assert_int_equal(raw_exec(f->db, "DROP TRIGGER audit_log_no_update; DROP TRIGGER "
                                   "audit_log_no_delete; UPDATE audit_log SET details = 'x' "
                                   "WHERE seq = 4;", NULL, 0),
                   SQLITE_OK);
  reopen_store(f);
  assert_int_equal(casc_store_audit_verify_since(f->s, 3, w.e[2].hash, NULL, NULL, &head, h, &e),
                   CASC_ERR_INTEGRITY);
  /* ... and not looked at when the anchor is past it (O(new entries)). */
  assert_int_equal(casc_store_audit_verify_since(f->s, 5, w.e[4].hash, NULL, NULL, &head, h, &e), CASC_OK);
  casc_store_close(f->s);
  f->s = NULL;

  /* The anchor itself deleted. */
  assert_int_equal(raw_exec(f->db, "DELETE FROM audit_log WHERE seq = 3;", NULL, 0), SQLITE_OK);
  reopen_store(f);
  assert_int_equal(casc_store_audit_verify_since(f->s, 3, w.e[2].hash, NULL, NULL, &head, h, &e),
                   CASC_ERR_INTEGRITY);
  /* The tail cut under the anchor. */
  casc_store_close(f->s);
  f->s = NULL;
  assert_int_equal(raw_exec(f->db, "DELETE FROM audit_log WHERE seq >= 4;", NULL, 0), SQLITE_OK);
  reopen_store(f);
  assert_int_equal(casc_store_audit_verify_since(f->s, 5, w.e[4].hash, NULL, NULL, &head, h, &e),
                   CASC_ERR_INTEGRITY);
  walked_clear(&w);
}

static void test_store_open_dsn(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  casc_store *s = NULL;
  assert_int_equal(casc_store_open("postgresql://ca@db.example/casc", true, &s, &e),
                   CASC_ERR_USAGE);
  assert_null(s);
  assert_int_equal(casc_store_open("postgres://ca@db.example/casc", true, &s, &e),
                   CASC_ERR_USAGE);
  assert_int_equal(casc_store_open(f->db, false, &s, &e), CASC_ERR_IO); /* not there yet */
  assert_int_equal(casc_store_open(f->db, true, &s, &e), CASC_OK);
  assert_non_null(s);
  casc_store_close(s);
  assert_int_equal(raw_int(f->db, "PRAGMA user_version"), casc_store_schema_version());
  casc_store_close(NULL);
}

static void test_audit_triggers(void **state) {
  fixture *f = *state;
  char msg[256];
  open_store(f);
  fill_audit(f);
  casc_store_close(f->s);
  f->s = NULL;
  int rc = raw_exec(f->db, "UPDATE audit_log SET details = 'x' WHERE seq = 2", msg, sizeof msg);
  assert_int_equal(rc & 0xFF, SQLITE_CONSTRAINT);
  assert_non_null(strstr(msg, "append-only"));
  rc = raw_exec(f->db, "DELETE FROM audit_log WHERE seq = 5", msg, sizeof msg);
  assert_int_equal(rc & 0xFF, SQLITE_CONSTRAINT);
  assert_non_null(strstr(msg, "append-only"));
  rc = raw_exec(f->db, "DELETE FROM audit_log", msg, sizeof msg);
  assert_int_equal(rc & 0xFF, SQLITE_CONSTRAINT);
  assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log"), N_ENTRIES);
  assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log WHERE details = 'x'"), 0);
  reopen_store(f);
  casc_error e = {0};
  int64_t head;
  unsigned char h[CASC_HASH_LEN];
  assert_int_equal(casc_store_audit_verify(f->s, 0, NULL, &head, h, &e), CASC_OK);
  assert_int_equal(head, N_ENTRIES);
}

int main(void) {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_open_creates_and_migrates),
      T(test_reopen_keeps_data),
      T(test_open_missing_without_create),
      T(test_future_schema_refused),
      T(test_not_a_database),
      T(test_issuers),
      T(test_cert_add_get),
      T(test_cert_list_filters),
      T(test_cert_revoke),
      T(test_revoked_walk),
      T(test_crl_numbers),
      T(test_migration_from_version_1),
      T(test_rollback),
      T(test_audit_append_verify),
      T(test_audit_tamper_details),
      T(test_audit_tamper_delete_middle),
      T(test_audit_tamper_swap),
      T(test_audit_tamper_other_fields),
      T(test_audit_rechained_and_truncated),
      T(test_audit_verify_since),
      T(test_audit_triggers),
      T(test_store_open_dsn),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
