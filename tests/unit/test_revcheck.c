/* Unit tests of the revcheck module's offline parts: Must-Staple
 * detection, the "revoked at time t" rule casc verify relies on, chain
 * validation against a trust file (valid, expired, not yet valid, wrong
 * host, untrusted, partial chains, unreadable trust files), a status with
 * every source turned off, and a staple that does not parse. The network
 * paths are covered end to end by tests/e2e/test_check.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "casc/revcheck.h"
#include "unit_util.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#define DAY 86400

typedef struct {
  EVP_PKEY *root_key, *mid_key, *leaf_key;
  X509 *root, *mid, *leaf, *must;
  char dir[PATH_MAX], root_pem[PATH_MAX], mid_pem[PATH_MAX], empty_pem[PATH_MAX];
  time_t now;
} fixture;

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
  X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
  assert_non_null(ext);
  assert_int_equal(X509_add_ext(x, ext, -1), 1);
  X509_EXTENSION_free(ext);
}

static X509 *make(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, bool ca,
                  const char *san, bool must_staple) {
  static long serial = 100;
  X509 *x = X509_new();
  assert_non_null(x);
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                             (const unsigned char *)cn, -1, -1, 0);
  X509_set_issuer_name(x, X509_get_subject_name(issuer != NULL ? issuer : x));
  X509_gmtime_adj(X509_getm_notBefore(x), -DAY);
  X509_gmtime_adj(X509_getm_notAfter(x), 30 * DAY);
  X509_set_pubkey(x, key);
  X509 *signer = issuer != NULL ? issuer : x;
  add_ext(x, signer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
  add_ext(x, signer, NID_key_usage,
          ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  if (san != NULL)
    add_ext(x, issuer, NID_subject_alt_name, san);
  if (must_staple)
    add_ext(x, issuer, NID_tlsfeature, "status_request");
  assert_true(X509_sign(x, issuer_key, EVP_sha256()) > 0);
  return x;
}

static void write_pem(const char *path, X509 *a, X509 *b) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  if (a != NULL)
    PEM_write_X509(f, a);
  if (b != NULL)
    PEM_write_X509(f, b);
  fclose(f);
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  f->root_key = EVP_EC_gen("P-256");
  f->mid_key = EVP_EC_gen("P-256");
  f->leaf_key = EVP_EC_gen("P-256");
  f->root = make("Unit Root", f->root_key, NULL, f->root_key, true, NULL, false);
  f->mid = make("Unit Issuing", f->mid_key, f->root, f->root_key, true, NULL, false);
  f->leaf = make("leaf", f->leaf_key, f->mid, f->mid_key, false, "DNS:www.example.com", false);
  f->must = make("must", f->leaf_key, f->mid, f->mid_key, false, "DNS:must.example.com", true);
  assert_int_equal(util_mkdtemp(f->dir, "revcheck"), 0);
  util_join(f->root_pem, f->dir, "root.pem");
  util_join(f->mid_pem, f->dir, "mid.pem");
  util_join(f->empty_pem, f->dir, "empty.pem");
  write_pem(f->root_pem, f->root, NULL);
  write_pem(f->mid_pem, f->mid, NULL);
  write_pem(f->empty_pem, NULL, NULL);
  f->now = time(NULL);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  X509_free(f->root);
  X509_free(f->mid);
  X509_free(f->leaf);
  X509_free(f->must);
  EVP_PKEY_free(f->root_key);
  EVP_PKEY_free(f->mid_key);
  EVP_PKEY_free(f->leaf_key);
  util_rmtree(f->dir);
  free(f);
  return 0;
}

static void test_must_staple(void **state) {
  fixture *f = *state;
  assert_true(casc_revcheck_must_staple(f->must));
  assert_false(casc_revcheck_must_staple(f->leaf));
  assert_false(casc_revcheck_must_staple(f->root));
}

static void test_revoked_at(void **state) {
  (void)state;
  casc_revcheck_result r = {.status = CASC_REV_REVOKED, .revoked_at = 1000};
  assert_false(casc_revcheck_revoked_at(&r, 999));
  assert_true(casc_revcheck_revoked_at(&r, 1000));
  r.invalidity_date = 500; /* compromised before it was revoked */
  assert_true(casc_revcheck_revoked_at(&r, 500));
  assert_false(casc_revcheck_revoked_at(&r, 499));
  r.status = CASC_REV_GOOD;
  assert_false(casc_revcheck_revoked_at(&r, 2000));
  /* judged at a timestamp's time, under each policy */
  bool soft;
  r = (casc_revcheck_result){.status = CASC_REV_REVOKED, .revoked_at = 1000};
  assert_int_equal(casc_revcheck_judge(&r, CASC_REV_POLICY_HARD, 999, &soft), CASC_VERDICT_GOOD);
  assert_int_equal(casc_revcheck_judge(&r, CASC_REV_POLICY_HARD, 1000, &soft),
                   CASC_VERDICT_REVOKED);
  assert_int_equal(casc_revcheck_judge(&r, CASC_REV_POLICY_SOFT, 0, &soft), CASC_VERDICT_REVOKED);
  assert_false(soft);
  r.status = CASC_REV_UNKNOWN;
  assert_int_equal(casc_revcheck_judge(&r, CASC_REV_POLICY_HARD, 0, &soft),
                   CASC_VERDICT_INDETERMINATE);
  assert_false(soft);
  assert_int_equal(casc_revcheck_judge(&r, CASC_REV_POLICY_SOFT, 0, &soft), CASC_VERDICT_GOOD);
  assert_true(soft);
  r.status = CASC_REV_GOOD;
  assert_int_equal(casc_revcheck_judge(&r, CASC_REV_POLICY_HARD, 0, &soft), CASC_VERDICT_GOOD);
  assert_false(soft);
  assert_string_equal(casc_rev_status_name(CASC_REV_INDETERMINATE), "indeterminate");
  assert_string_equal(casc_rev_source_name(CASC_REV_SOURCE_STAPLE), "staple");
  assert_string_equal(casc_verdict_name(CASC_VERDICT_INVALID), "invalid");
}

static casc_err chain(fixture *f, X509 *cert, const char *trust, bool with_mid, const char *host,
                      time_t now, size_t *len, bool *expired, casc_error *e) {
  STACK_OF(X509) *untrusted = sk_X509_new_null(), *out = NULL;
  if (with_mid)
    sk_X509_push(untrusted, f->mid);
  casc_chain_opts o = {.trust_file = trust, .untrusted = untrusted, .no_fetch = true,
                       .host = host, .now = now};
  casc_err rc = casc_revcheck_chain(cert, &o, &out, expired, e);
  *len = out != NULL ? (size_t)sk_X509_num(out) : 0;
  if (rc == CASC_OK)
    assert_non_null(out);
  else
    assert_null(out);
  sk_X509_pop_free(out, X509_free);
  sk_X509_free(untrusted);
  return rc;
}

static void test_chain(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  size_t n;
  bool expired;
  if (chain(f, f->leaf, f->root_pem, true, NULL, f->now, &n, &expired, &e) != CASC_OK)
    fail_msg("chain: %s", e.msg);
  assert_int_equal(n, 3);
  assert_int_equal(chain(f, f->leaf, f->root_pem, true, "www.example.com", f->now, &n, &expired,
                         &e),
                   CASC_OK);
  /* a name the certificate is not for */
  assert_int_equal(chain(f, f->leaf, f->root_pem, true, "other.example.com", f->now, &n,
                         &expired, &e),
                   CASC_ERR_INTEGRITY);
  assert_false(expired);
  /* no intermediate and no fetching */
  assert_int_equal(chain(f, f->leaf, f->root_pem, false, NULL, f->now, &n, &expired, &e),
                   CASC_ERR_INTEGRITY);
  assert_non_null(strstr(e.msg, "issuer"));
  /* the intermediate as the anchor */
  assert_int_equal(chain(f, f->leaf, f->mid_pem, false, NULL, f->now, &n, &expired, &e), CASC_OK);
  assert_int_equal(n, 2);
  /* later than notAfter, earlier than notBefore */
  assert_int_equal(chain(f, f->leaf, f->root_pem, true, NULL, f->now + 60 * DAY, &n, &expired,
                         &e),
                   CASC_ERR_INTEGRITY);
  assert_true(expired);
  assert_non_null(strstr(e.msg, "expired"));
  assert_int_equal(chain(f, f->leaf, f->root_pem, true, NULL, f->now - 10 * DAY, &n, &expired,
                         &e),
                   CASC_ERR_INTEGRITY);
  assert_false(expired);
  /* trust files that are not */
  char missing[PATH_MAX];
  util_join(missing, f->dir, "missing.pem");
  assert_int_equal(chain(f, f->leaf, missing, true, NULL, f->now, &n, &expired, &e),
                   CASC_ERR_IO);
  assert_non_null(strstr(e.msg, "missing.pem"));
  assert_int_equal(chain(f, f->leaf, f->empty_pem, true, NULL, f->now, &n, &expired, &e),
                   CASC_ERR_PARSE);
  assert_non_null(strstr(e.msg, "empty.pem"));
}

static void test_status_without_sources(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  casc_revcheck_result r;
  casc_revcheck_opts o = {.no_ocsp = true, .no_crl = true};
  assert_int_equal(casc_revcheck_status(f->leaf, f->mid, &o, &r, &e), CASC_OK);
  assert_int_equal(r.status, CASC_REV_INDETERMINATE);
  assert_int_equal(r.source, CASC_REV_SOURCE_NONE);
  assert_true(r.detail[0] != '\0');
  /* a staple that is not an OCSP response: noted, not trusted */
  static const unsigned char junk[] = {0x30, 0x03, 0x0a, 0x01, 0x00};
  o.staple = junk;
  o.staple_len = sizeof junk;
  assert_int_equal(casc_revcheck_status(f->leaf, f->mid, &o, &r, &e), CASC_OK);
  assert_true(r.staple_given);
  assert_false(r.staple_valid);
  assert_int_equal(r.status, CASC_REV_INDETERMINATE);
  assert_non_null(strstr(r.detail, "staple"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_must_staple, setup, teardown),
      cmocka_unit_test_setup_teardown(test_revoked_at, setup, teardown),
      cmocka_unit_test_setup_teardown(test_chain, setup, teardown),
      cmocka_unit_test_setup_teardown(test_status_without_sources, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
