/* Regression tests for library bugs found while writing the unit tests and
 * fuzz targets; each comment names the bug as it was found (file, input,
 * what happened). All but test_name_format_empty were fixed in baa3eba;
 * that one passes in a plain build and ends the program under UBSan until
 * casc_name_format stops calling memcpy with a NULL source. It and the
 * store crash run last, since a crash ends the program. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "casc/ca.h"
#include "casc/store.h"
#include "unit_util.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sqlite3.h>

typedef struct {
  char dir[PATH_MAX];
} tmp_state;

static int setup_tmp(void **state) {
  tmp_state *st = calloc(1, sizeof *st);
  if (st == NULL || util_mkdtemp(st->dir, "regress") != 0) {
    free(st);
    return -1;
  }
  util_clock_fix(util_utc(2027, 4, 1, 0, 0, 0));
  *state = st;
  return 0;
}

static int teardown_tmp(void **state) {
  tmp_state *st = *state;
  casc_clock_set(NULL);
  util_rmtree(st->dir);
  free(st);
  ERR_clear_error();
  return 0;
}

/* src/ca/init.c, casc_ca_init: the temporary directory is "<dir>.init-XXXXXX",
 * so with a trailing slash ("casc-data/", as shells complete it) it lands
 * inside <dir>: a missing <dir> fails with "cannot create the CA directory:
 * No such file or directory" (CASC_ERR_IO), an existing empty <dir> with
 * CASC_ERR_EXISTS "Directory not empty". */
static void test_init_trailing_slash(void **state) {
  tmp_state *st = *state;
  casc_init_opts opts = {.key_type = CASC_KEY_EC_P256};
  casc_error e = {0};
  char dir[PATH_MAX], slash[PATH_MAX + 1], db[PATH_MAX];
  util_join(dir, st->dir, "newca");
  snprintf(slash, sizeof slash, "%s/", dir);
  casc_err rc = casc_ca_init(slash, &opts, &e);
  if (rc != CASC_OK)
    fail_msg("casc_ca_init(\"%s\") gave %d: %s", slash, rc, e.msg);
  util_join(db, dir, "casc.db");
  assert_true(util_exists(db));

  util_join(dir, st->dir, "empty");
  assert_int_equal(mkdir(dir, 0755), 0);
  snprintf(slash, sizeof slash, "%s/", dir);
  rc = casc_ca_init(slash, &opts, &e);
  if (rc != CASC_OK)
    fail_msg("casc_ca_init(\"%s\") on an empty directory gave %d: %s", slash, rc, e.msg);
}

/* src/ca/revoke.c:33, check_reason: for a reason code without a name (7, or
 * anything past 10) the message passes casc_reason_name()'s NULL to "%s"
 * (undefined behaviour; glibc prints "(null)"). */
static void test_revoke_unnamed_reason_message(void **state) {
  tmp_state *st = *state;
  casc_init_opts opts = {.key_type = CASC_KEY_EC_P256};
  casc_error e = {0};
  char dir[PATH_MAX];
  util_join(dir, st->dir, "ca");
  assert_int_equal(casc_ca_init(dir, &opts, &e), CASC_OK);
  casc_ca *ca = NULL;
  assert_int_equal(casc_ca_open(dir, &ca, &e), CASC_OK);
  EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  static const char *const dns[] = {"www.example.com"};
  casc_issue_request req = {.profile = CASC_PROFILE_TLS_SERVER, .public_key = key, .dns = dns,
                            .n_dns = 1};
  casc_issued out = {0};
  assert_int_equal(casc_ca_issue(ca, &req, &out, &e), CASC_OK);
  casc_cert_rec rec;
  static const int codes[] = {7, 11, 42};
  char problems[2048] = "";
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    casc_err rc = casc_ca_revoke(ca, out.serial, codes[i], 0, &rec, &e);
    if (rc == CASC_OK)
      casc_cert_rec_clear(&rec);
    if (rc == CASC_OK || strstr(e.msg, "(null)") != NULL)
      snprintf(problems + strlen(problems), sizeof problems - strlen(problems),
               "\n  reason %d: %d %s", codes[i], rc, e.msg);
  }
  casc_issued_clear(&out);
  EVP_PKEY_free(key);
  casc_ca_close(ca);
  if (problems[0] != '\0')
    fail_msg("%s", problems);
}

/* src/ca/serial.c:32/45, casc_serial_normalize: the length checks count
 * characters, not octets. 21 to 23 octets are accepted although the message
 * and RFC 5280 4.1.2.2 say 20 at most; the colon form is limited to 8
 * colons, so a 20-octet serial as `openssl x509 -text` prints it is refused
 * although colons are allowed; and zero becomes "0", not whole octets
 * ("00", as `openssl x509 -serial` prints it and store.h's "even length"
 * promises). */
static void test_serial_normalize_octets(void **state) {
  (void)state;
  char out[CASC_SERIAL_MAX], problems[1024] = "";
  casc_error e = {0};
  char hex21[43];
  memset(hex21, '7', 42);
  hex21[42] = '\0';
  casc_err rc = casc_serial_normalize(hex21, out, &e);
  if (rc != CASC_ERR_USAGE)
    snprintf(problems + strlen(problems), sizeof problems - strlen(problems),
             "\n  a 21-octet serial gave %d ('%s'), want CASC_ERR_USAGE", rc,
             rc == CASC_OK ? out : "");

  static const char colons20[] =
      "7f:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff";
  rc = casc_serial_normalize(colons20, out, &e);
  if (rc != CASC_OK || strcmp(out, "7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF") != 0)
    snprintf(problems + strlen(problems), sizeof problems - strlen(problems),
             "\n  '%s' (20 octets, colon form) gave %d: %s", colons20, rc,
             rc == CASC_OK ? out : e.msg);

  rc = casc_serial_normalize("00", out, &e);
  if (rc != CASC_OK || strcmp(out, "00") != 0)
    snprintf(problems + strlen(problems), sizeof problems - strlen(problems),
             "\n  '00' gave %d '%s', want \"00\" (whole octets)", rc, rc == CASC_OK ? out : "");
  if (problems[0] != '\0')
    fail_msg("%s", problems);
}

/* src/ca/names.c, casc_name_parse (split_escaped, trim, add_attribute):
 * not the RFC 4514 that casc_name_format prints:
 *   - "\2C" hex escapes are not decoded ("a\2Cb" becomes "a2Cb");
 *   - escaped leading/trailing spaces ("\ a\ ") are unescaped first and then
 *     trimmed away, so a value casc_name_format printed does not parse back;
 *   - an unescaped "+" (a multi-valued RDN) silently becomes part of the
 *     value ("CN=a+O=b" is one CN "a+O=b");
 *   - any OID name is taken as an attribute type ("rsaEncryption=x"). */
static void test_name_rfc4514(void **state) {
  (void)state;
  X509_NAME *n = NULL, *back = NULL;
  casc_error e = {0};
  char buf[256], problems[1024] = "";

  assert_int_equal(casc_name_parse("CN=a\\2Cb", &n, &e), CASC_OK);
  casc_name_format(n, buf, sizeof buf);
  X509_NAME_free(n);
  n = NULL;
  if (strcmp(buf, "CN=a\\,b") != 0)
    snprintf(problems + strlen(problems), sizeof problems - strlen(problems),
             "\n  \"CN=a\\2Cb\" parsed to %s, want CN=a\\,b", buf);

  /* A value with leading and trailing spaces, printed, does not come back. */
  X509_NAME *spaced = X509_NAME_new();
  assert_int_equal(X509_NAME_add_entry_by_NID(spaced, NID_commonName, MBSTRING_UTF8,
                                              (const unsigned char *)" a ", -1, -1, 0),
                   1);
  casc_name_format(spaced, buf, sizeof buf);
  assert_string_equal(buf, "CN=\\ a\\ ");
  assert_int_equal(casc_name_parse(buf, &back, &e), CASC_OK);
  /* X509_NAME_cmp folds spaces; compare the value itself. */
  const ASN1_STRING *v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(back, 0));
  if (ASN1_STRING_length(v) != 3 || memcmp(ASN1_STRING_get0_data(v), " a ", 3) != 0)
    snprintf(problems + strlen(problems), sizeof problems - strlen(problems),
             "\n  \"%s\" (printed by casc_name_format) parses to the value \"%.*s\"", buf,
             ASN1_STRING_length(v), (const char *)ASN1_STRING_get0_data(v));
  X509_NAME_free(spaced);
  X509_NAME_free(back);

  casc_err rc = casc_name_parse("CN=a+O=b", &n, &e);
  if (rc == CASC_OK && X509_NAME_entry_count(n) != 2)
    snprintf(problems + strlen(problems), sizeof problems - strlen(problems),
             "\n  \"CN=a+O=b\" became one attribute; want a multi-valued RDN or a refusal");
  X509_NAME_free(n);
  n = NULL;

  rc = casc_name_parse("rsaEncryption=x", &n, &e);
  X509_NAME_free(n);
  if (rc != CASC_ERR_USAGE)
    snprintf(problems + strlen(problems), sizeof problems - strlen(problems),
             "\n  \"rsaEncryption=x\" gave %d, want CASC_ERR_USAGE (not an attribute type)",
             rc);
  if (problems[0] != '\0')
    fail_msg("%s", problems);
}

/* src/base/clock.c, casc_time_parse / casc_time_format: years outside
 * 0001..9999 (after the offset) are accepted, and printed in a form that is
 * not RFC 3339 and does not parse back: "0000-01-01T00:00:00Z" prints as
 * "0-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59" as "10000-01-01T...". */
static void test_time_parse_format_range(void **state) {
  (void)state;
  static const char *const inputs[] = {"0000-01-01T00:00:00Z", "0999-06-01T00:00:00Z",
                                       "9999-12-31T23:59:59-23:59"};
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    time_t t = 0, back = 0;
    char buf[CASC_TIME_BUFSZ];
    if (casc_time_parse(inputs[i], &t, NULL) != CASC_OK)
      continue; /* refusing is a fix too */
    casc_time_format(t, buf);
    if (strlen(buf) != 20 || casc_time_parse(buf, &back, NULL) != CASC_OK || back != t)
      fail_msg("'%s' accepted, printed as '%s', which is not RFC 3339 / does not parse back",
               inputs[i], buf);
  }
}

/* src/ca/certbuild.c, copy_spki (commit ac8d6d7): for a request with a
 * CSR the certificate's SubjectPublicKeyInfo is filled with
 * X509_PUBKEY_set0_param, which leaves the X509_PUBKEY's decoded key unset.
 * The DER (stored, written to files) is right, but the X509 that
 * casc_ca_issue hands back has no public key: X509_get0_pubkey returns
 * NULL, X509_check_private_key fails, and X509_verify_cert on it fails
 * ("unspecified certificate verification error"). */
static X509_REQ *csr_for(EVP_PKEY *key, const char *san) {
  X509_REQ *req = X509_REQ_new();
  assert_non_null(req);
  assert_int_equal(X509_REQ_set_pubkey(req, key), 1);
  STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
  X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, san);
  assert_non_null(ext);
  sk_X509_EXTENSION_push(exts, ext);
  assert_int_equal(X509_REQ_add_extensions(req, exts), 1);
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  assert_true(X509_REQ_sign(req, key, EVP_sha256()) > 0);
  return req;
}

static void test_issue_from_csr_cert_has_key(void **state) {
  tmp_state *st = *state;
  casc_init_opts opts = {.key_type = CASC_KEY_EC_P256};
  casc_error e = {0};
  char dir[PATH_MAX], root_path[PATH_MAX], problems[1024] = "";
  util_join(dir, st->dir, "ca");
  assert_int_equal(casc_ca_init(dir, &opts, &e), CASC_OK);
  casc_ca *ca = NULL;
  assert_int_equal(casc_ca_open(dir, &ca, &e), CASC_OK);
  EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  X509_REQ *csr = csr_for(key, "DNS:www.example.com");
  casc_issue_request req = {.profile = CASC_PROFILE_TLS_SERVER, .csr = csr};
  casc_issued out = {0};
  assert_int_equal(casc_ca_issue(ca, &req, &out, &e), CASC_OK);

  if (X509_get0_pubkey(out.cert) == NULL)
    snprintf(problems + strlen(problems), sizeof problems - strlen(problems),
             "\n  X509_get0_pubkey(issued.cert) is NULL");
  else if (EVP_PKEY_eq(X509_get0_pubkey(out.cert), key) != 1)
    snprintf(problems + strlen(problems), sizeof problems - strlen(problems),
             "\n  issued.cert carries another key");
  if (X509_check_private_key(out.cert, key) != 1)
    snprintf(problems + strlen(problems), sizeof problems - strlen(problems),
             "\n  X509_check_private_key(issued.cert, the CSR's key) fails");
  util_join(root_path, dir, "certs/root-ca.pem");
  FILE *fp = fopen(root_path, "r");
  assert_non_null(fp);
  X509 *root = PEM_read_X509(fp, NULL, NULL, NULL);
  fclose(fp);
  X509_STORE *store = X509_STORE_new();
  X509_STORE_CTX *ctx = X509_STORE_CTX_new();
  X509_STORE_add_cert(store, root);
  X509_STORE_CTX_init(ctx, store, out.cert, out.chain);
  X509_STORE_CTX_set_time(ctx, 0, casc_now() + 60);
  if (X509_verify_cert(ctx) != 1)
    snprintf(problems + strlen(problems), sizeof problems - strlen(problems),
             "\n  X509_verify_cert(issued.cert): %s",
             X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  X509_free(root);
  casc_issued_clear(&out);
  X509_REQ_free(csr);
  EVP_PKEY_free(key);
  casc_ca_close(ca);
  if (problems[0] != '\0')
    fail_msg("%s", problems);
}

/* src/ca/audit.c, casc_audit_checkpoint: a missing audit.checkpoint is
 * taken for "no checkpoint yet", so the next write command signs whatever
 * the log holds. Rewrite the log consistently (edit an entry, recompute
 * every hash), delete audit.checkpoint, issue one certificate: `casc audit
 * verify` then passes on the forged log. casc_ca_init always writes a
 * checkpoint, so outside init a missing one should be CASC_ERR_INTEGRITY,
 * not a fresh start. */
static void test_missing_checkpoint_not_blessed(void **state) {
  tmp_state *st = *state;
  casc_init_opts opts = {.key_type = CASC_KEY_EC_P256};
  casc_error e = {0};
  char dir[PATH_MAX], path[PATH_MAX];
  util_join(dir, st->dir, "ca");
  assert_int_equal(casc_ca_init(dir, &opts, &e), CASC_OK);

  /* Forge entry 1 and re-chain. */
  util_join(path, dir, "casc.db");
  sqlite3 *h = NULL;
  sqlite3_stmt *q = NULL, *u = NULL;
  assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_exec(h, "DROP TRIGGER audit_log_no_update", NULL, NULL, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, "SELECT seq, time, op, details FROM audit_log "
                                         "ORDER BY seq", -1, &q, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, "UPDATE audit_log SET details = ?, hash = ? "
                                         "WHERE seq = ?", -1, &u, NULL),
                   SQLITE_OK);
  unsigned char prev[32] = {0}, hh[32];
  while (sqlite3_step(q) == SQLITE_ROW) {
    int64_t seq = sqlite3_column_int64(q, 0);
    char *d = strdup(seq == 1 ? "{\"name\":\"forged\"}" : (const char *)sqlite3_column_text(q, 3));
    assert_int_equal(util_audit_link(prev, seq, sqlite3_column_int64(q, 1),
                                     (const char *)sqlite3_column_text(q, 2), d, hh),
                     0);
    memcpy(prev, hh, 32);
    sqlite3_reset(u);
    sqlite3_bind_text(u, 1, d, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(u, 2, hh, 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(u, 3, seq);
    assert_int_equal(sqlite3_step(u), SQLITE_DONE);
    free(d);
  }
  sqlite3_finalize(q);
  sqlite3_finalize(u);
  sqlite3_close(h);
  util_join(path, dir, "audit.checkpoint");
  assert_int_equal(remove(path), 0);

  casc_ca *ca = NULL;
  assert_int_equal(casc_ca_open(dir, &ca, &e), CASC_OK);
  casc_audit_report rep;
  assert_int_equal(casc_ca_audit_verify(ca, &rep, &e), CASC_ERR_INTEGRITY); /* so far, right */
  EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  static const char *const dns[] = {"www.example.com"};
  casc_issue_request req = {.profile = CASC_PROFILE_TLS_SERVER, .public_key = key, .dns = dns,
                            .n_dns = 1};
  casc_issued out = {0};
  util_fixed_now += 60;
  assert_int_equal(casc_ca_issue(ca, &req, &out, &e), CASC_OK);
  casc_err rc = casc_ca_audit_verify(ca, &rep, &e);
  casc_issued_clear(&out);
  EVP_PKEY_free(key);
  casc_ca_close(ca);
  if (rc != CASC_ERR_INTEGRITY)
    fail_msg("after a forged log and a deleted checkpoint, one issuance made "
             "casc_ca_audit_verify return %d (want CASC_ERR_INTEGRITY)", rc);
}

/* src/ca/names.c, casc_name_format: for an empty name (a CSR or
 * certificate with an empty subject, which X.509 allows) the memory BIO
 * holds nothing, BIO_get_mem_data gives data == NULL and len 0, and
 * memcpy(buf, NULL, 0) is undefined behaviour: the ASan+UBSan build aborts
 * ("null pointer passed as argument 2"). Found by fuzz/fuzz_csr. The plain
 * build passes this test; the sanitizer build ends here. */
static void test_name_format_empty(void **state) {
  (void)state;
  char buf[16] = "junk";
  X509_NAME *n = X509_NAME_new();
  assert_non_null(n);
  casc_name_format(n, buf, sizeof buf);
  X509_NAME_free(n);
  assert_string_equal(buf, "");
}

/* src/store/sqlite.c:382-386, sq_cert_revoke: when no row was updated it
 * looks the serial up in an uninitialised casc_cert_rec and then calls
 * casc_cert_rec_clear on it even when the lookup found nothing, freeing two
 * garbage pointers: casc_store_cert_revoke on an unknown serial crashes
 * (SIGSEGV, or an ASan "bad-free") instead of returning CASC_ERR_NOT_FOUND.
 * (casc_ca_revoke looks the serial up first, so the CLI does not reach it
 * today; any other caller of the store API does.) */
static void dirty_stack(void) {
  volatile unsigned char junk[16384];
  for (size_t i = 0; i < sizeof junk; i++)
    junk[i] = 0x41;
}

static void test_store_revoke_unknown_serial(void **state) {
  tmp_state *st = *state;
  char db[PATH_MAX];
  casc_error e = {0};
  casc_store *s = NULL;
  util_join(db, st->dir, "casc.db");
  assert_int_equal(casc_store_open_sqlite(db, true, &s, &e), CASC_OK);
  dirty_stack();
  casc_err rc = casc_store_cert_revoke(s, "DEAD", 1000, 1, 0, &e);
  casc_store_close(s);
  assert_int_equal(rc, CASC_ERR_NOT_FOUND);
}

int main(void) {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_tmp, teardown_tmp)
  const struct CMUnitTest tests[] = {
      T(test_init_trailing_slash),
      T(test_revoke_unnamed_reason_message),
      T(test_serial_normalize_octets),
      T(test_name_rfc4514),
      T(test_time_parse_format_range),
      T(test_issue_from_csr_cert_has_key),
      T(test_missing_checkpoint_not_blessed),
      /* last: these two end the program under ASan + UBSan */
      T(test_name_format_empty),
      T(test_store_revoke_unknown_serial),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
