/* sign: streamed digests, signing, and verification of malformed .p7s
 * input: every broken, truncated, non-DER or tampered signature is refused
 * (a parse error) or judged not good, never accepted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "casc/ca.h"
#include "casc/keys.h"
#include "casc/sign.h"
#include "unit_util.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>

typedef struct {
  char tmp[PATH_MAX], ca[PATH_MAX], cert[PATH_MAX], key[PATH_MAX], chain[PATH_MAX];
  char root[PATH_MAX], content[PATH_MAX];
  unsigned char *sig; /* a good signature over content */
  size_t sig_len;
} fixture;

static fixture F;

static void write_pem(const char *path, X509 *const *certs, int n) {
  FILE *f = fopen(path, "w");
  if (f == NULL)
    fail_msg("%s: cannot write", path);
  for (int i = 0; i < n; i++)
    PEM_write_X509(f, certs[i]);
  fclose(f);
}

static int setup(void **state) {
  (void)state;
  casc_error e = {0};
  casc_ca *ca = NULL;
  EVP_PKEY *key = NULL;
  casc_issued issued = {0};
  if (util_mkdtemp(F.tmp, "sign") != 0)
    return -1;
  util_join(F.ca, F.tmp, "ca");
  util_join(F.cert, F.tmp, "signer.pem");
  util_join(F.key, F.tmp, "signer.key");
  util_join(F.chain, F.tmp, "chain.pem");
  util_join(F.content, F.tmp, "content.bin");
  util_join(F.root, F.tmp, "ca/certs/root-ca.pem");
  casc_init_opts opts = {.key_type = CASC_KEY_EC_P256};
  if (casc_ca_init(F.ca, &opts, &e) != CASC_OK || casc_ca_open(F.ca, &ca, &e) != CASC_OK ||
      casc_key_generate(CASC_KEY_EC_P256, &key, &e) != CASC_OK)
    fail_msg("CA: %s", e.msg);
  casc_issue_request req = {.profile = CASC_PROFILE_CODE_SIGNING, .public_key = key,
                            .subject = "CN=Unit Publisher,O=casc tests,L=Berlin,C=DE"};
  if (casc_ca_issue(ca, &req, &issued, &e) != CASC_OK || casc_key_save(F.key, key, &e) != CASC_OK)
    fail_msg("issue: %s", e.msg);
  write_pem(F.cert, &issued.cert, 1);
  write_pem(F.chain, (X509 *const *)&(X509 *){sk_X509_value(issued.chain, 0)}, 1);
  casc_issued_clear(&issued);
  casc_ca_close(ca);
  EVP_PKEY_free(key);
  const char text[] = "line one\r\nline two\n";
  if (util_write_file(F.content, text, sizeof text - 1) != 0)
    return -1;
  casc_signer *s = NULL;
  casc_signature sig = {0};
  casc_signer_opts so = {.cert_path = F.cert, .key_ref = F.key, .chain_path = F.chain};
  if (casc_signer_new(&so, &s, &e) != CASC_OK || casc_signer_sign_file(s, F.content, &sig, &e))
    fail_msg("sign: %s", e.msg);
  F.sig = sig.der;
  F.sig_len = sig.der_len;
  casc_signer_free(s);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  free(F.sig);
  util_rmtree(F.tmp);
  ERR_clear_error();
  return 0;
}

/* casc_verify_file without revocation (no network in unit tests). */
static casc_err judge(const unsigned char *sig, size_t len, casc_verify_result *r,
                      casc_error *e) {
  casc_verify_opts vo = {.trust_path = F.root, .revocation = CASC_REVOCATION_NONE};
  return casc_verify_file(F.content, sig, len, &vo, r, e);
}

static void test_md_names(void **state) {
  (void)state;
  assert_ptr_equal(casc_sign_md_by_name("sha256"), EVP_sha256());
  assert_ptr_equal(casc_sign_md_by_name("SHA-384"), EVP_sha384());
  assert_ptr_equal(casc_sign_md_by_name("sha512"), EVP_sha512());
  assert_null(casc_sign_md_by_name("sha1"));
  assert_null(casc_sign_md_by_name("md5"));
  casc_revocation_policy p;
  casc_error e = {0};
  assert_int_equal(casc_revocation_policy_parse("SOFT", &p, &e), CASC_OK);
  assert_int_equal(p, CASC_REVOCATION_SOFT);
  assert_int_equal(casc_revocation_policy_parse("maybe", &p, &e), CASC_ERR_USAGE);
  assert_non_null(strstr(e.msg, "maybe"));
}

/* The streamed digest equals a one-shot digest, across chunk boundaries. */
static void test_digest_file(void **state) {
  (void)state;
  char path[PATH_MAX];
  casc_error e = {0};
  unsigned char want[EVP_MAX_MD_SIZE], got[EVP_MAX_MD_SIZE];
  unsigned wlen = 0, glen = 0;
  size_t sizes[] = {0, 1, 256 * 1024, 256 * 1024 + 1, 3 * 256 * 1024 - 7};
  unsigned char *buf = malloc(3 * 256 * 1024);
  assert_non_null(buf);
  for (size_t i = 0; i < 3 * 256 * 1024; i++)
    buf[i] = (unsigned char)(i * 31 + (i >> 9));
  util_join(path, F.tmp, "digest.bin");
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    assert_int_equal(util_write_file(path, buf, sizes[k]), 0);
    assert_int_equal(EVP_Digest(buf, sizes[k], want, &wlen, EVP_sha384(), NULL), 1);
    assert_int_equal(casc_sign_digest_file(path, EVP_sha384(), got, &glen, &e), CASC_OK);
    assert_int_equal(glen, wlen);
    assert_memory_equal(got, want, wlen);
  }
  free(buf);
  unlink(path);
  assert_int_equal(casc_sign_digest_file(path, EVP_sha256(), got, &glen, &e), CASC_ERR_IO);
  assert_non_null(strstr(e.msg, "digest.bin"));
  assert_int_equal(casc_sign_digest_file(F.tmp, EVP_sha256(), got, &glen, &e), CASC_ERR_IO);
  assert_non_null(strstr(e.msg, "directory"));
}

static void test_good_signature(void **state) {
  (void)state;
  casc_verify_result r;
  casc_error e = {0};
  assert_int_equal(casc_sign_parse_check(F.sig, F.sig_len, &e), CASC_OK);
  assert_int_equal(judge(F.sig, F.sig_len, &r, &e), CASC_OK);
  assert_int_equal(r.verdict, CASC_SIG_GOOD);
  assert_true(r.digest_ok && r.signature_ok && r.chain_ok && r.eku_ok);
  assert_true(r.has_signing_cert_v2 && r.signing_cert_v2_ok);
  assert_false(r.timestamped);
  assert_true(r.has_signing_time);
  assert_string_equal(r.digest_alg, "sha256");
  assert_int_equal(sk_X509_num(r.chain), 3);
  assert_non_null(strstr(r.decision, "not timestamped"));
  casc_verify_result_clear(&r);
  casc_verify_result_clear(NULL);
}

/* Inputs that are not a detached SignedData casc can judge: a parse error
 * from both entry points, never a verdict. */
static void expect_parse_error(const unsigned char *sig, size_t len, const char *what) {
  casc_verify_result r;
  casc_error e = {0};
  casc_err rc = casc_sign_parse_check(sig, len, &e);
  if (rc != CASC_ERR_PARSE)
    fail_msg("%s: parse_check gave %d (%s)", what, (int)rc, e.msg);
  rc = judge(sig, len, &r, &e);
  if (rc != CASC_ERR_PARSE)
    fail_msg("%s: verify gave %d (%s)", what, (int)rc, e.msg);
  casc_verify_result_clear(&r);
}

static void test_malformed(void **state) {
  (void)state;
  unsigned char *b = malloc(F.sig_len + 16);
  assert_non_null(b);
  expect_parse_error((const unsigned char *)"", 0, "empty");
  expect_parse_error((const unsigned char *)"\x30", 1, "one byte");
  expect_parse_error((const unsigned char *)"\x30\x03\x02\x01\x01", 5, "a SEQUENCE of one INTEGER");
  /* every truncation */
  for (size_t n = 1; n < F.sig_len; n += 13)
    expect_parse_error(F.sig, n, "truncated");
  /* a byte after the ContentInfo */
  memcpy(b, F.sig, F.sig_len);
  b[F.sig_len] = 0;
  expect_parse_error(b, F.sig_len + 1, "trailing byte");
  /* BER: the outer length in indefinite form, end-of-contents after */
  assert_int_equal(F.sig[0], 0x30);
  assert_int_equal(F.sig[1], 0x82);
  b[0] = 0x30, b[1] = 0x80;
  memcpy(b + 2, F.sig + 4, F.sig_len - 4);
  b[F.sig_len - 2] = 0, b[F.sig_len - 1] = 0;
  expect_parse_error(b, F.sig_len, "indefinite length");
  /* a non-minimal length: 0x82 0x00 0x7f style is refused by DER */
  b[0] = 0x30, b[1] = 0x83, b[2] = 0;
  memcpy(b + 3, F.sig + 2, F.sig_len - 2);
  expect_parse_error(b, F.sig_len + 1, "non-minimal length");
  /* SignedData version 1 -> 2 (offset 25 holds it: 30 82 LL LL 06 09 ... a0 82 LL LL 30 82
   * LL LL 02 01 01) */
  memcpy(b, F.sig, F.sig_len);
  assert_int_equal(b[23], 0x02);
  assert_int_equal(b[25], 0x01);
  b[25] = 0x02;
  expect_parse_error(b, F.sig_len, "SignedData version 2");
  /* a certificate is not a signature */
  size_t clen = 0;
  char *pem = util_slurp(F.cert, &clen);
  BIO *bio = BIO_new_mem_buf(pem, (int)clen);
  X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
  unsigned char *der = NULL;
  int dlen = i2d_X509(cert, &der);
  assert_true(dlen > 0);
  expect_parse_error(der, (size_t)dlen, "a certificate");
  OPENSSL_free(der);
  /* a signature with the content inside (not detached) */
  EVP_PKEY *key = NULL;
  casc_error e = {0};
  assert_int_equal(casc_key_load(F.key, &key, &e), CASC_OK);
  BIO *content = BIO_new_mem_buf("hello", 5);
  CMS_ContentInfo *cms = CMS_sign(cert, key, NULL, content, CMS_BINARY);
  assert_non_null(cms);
  der = NULL;
  dlen = i2d_CMS_ContentInfo(cms, &der);
  assert_true(dlen > 0);
  expect_parse_error(der, (size_t)dlen, "attached content");
  OPENSSL_free(der);
  CMS_ContentInfo_free(cms);
  BIO_free(content);
  EVP_PKEY_free(key);
  X509_free(cert);
  BIO_free(bio);
  free(pem);
  free(b);
  ERR_clear_error();
}

/* One flipped bit anywhere: a parse error or a verdict that is not good. */
static void test_every_bit_position(void **state) {
  (void)state;
  unsigned char *b = malloc(F.sig_len);
  assert_non_null(b);
  for (size_t i = 0; i < F.sig_len; i++) {
    int bit = (int)((i * 5) % 8);
    casc_verify_result r;
    casc_error e = {0};
    memcpy(b, F.sig, F.sig_len);
    b[i] ^= (unsigned char)(1u << bit);
    casc_err rc = judge(b, F.sig_len, &r, &e);
    if (rc == CASC_OK && r.verdict == CASC_SIG_GOOD)
      fail_msg("byte %zu bit %d flipped: still good", i, bit);
    if (rc == CASC_OK && r.decision[0] == '\0')
      fail_msg("byte %zu: a verdict without a decision", i);
    if (rc != CASC_OK && rc != CASC_ERR_PARSE)
      fail_msg("byte %zu: error %d (%s)", i, (int)rc, e.msg);
    casc_verify_result_clear(&r);
  }
  free(b);
  ERR_clear_error();
}

static void test_wrong_content_and_trust(void **state) {
  (void)state;
  casc_verify_result r;
  casc_error e = {0};
  char other[PATH_MAX];
  util_join(other, F.tmp, "other.bin");
  assert_int_equal(util_write_file(other, "line one\nline two\n", 18), 0); /* LF, not CRLF */
  casc_verify_opts vo = {.trust_path = F.root, .revocation = CASC_REVOCATION_NONE};
  assert_int_equal(casc_verify_file(other, F.sig, F.sig_len, &vo, &r, &e), CASC_OK);
  assert_int_equal(r.verdict, CASC_SIG_INVALID);
  assert_non_null(strstr(r.decision, "messageDigest"));
  casc_verify_result_clear(&r);
  /* --trust anchors are trusted as given: the signer certificate itself will do */
  vo.trust_path = F.cert;
  assert_int_equal(casc_verify_file(F.content, F.sig, F.sig_len, &vo, &r, &e), CASC_OK);
  assert_int_equal(r.verdict, CASC_SIG_GOOD); /* the signer itself as the anchor */
  casc_verify_result_clear(&r);
  char junk[PATH_MAX];
  util_join(junk, F.tmp, "junk.pem");
  assert_int_equal(util_write_file(junk, "not a certificate\n", 18), 0);
  vo.trust_path = junk;
  assert_int_equal(casc_verify_file(F.content, F.sig, F.sig_len, &vo, &r, &e), CASC_ERR_PARSE);
  assert_non_null(strstr(e.msg, "junk.pem"));
  casc_verify_result_clear(&r);
}

static void test_pkcs11_uri_errors(void **state) {
  (void)state;
  static const struct {
    const char *uri, *needle;
  } cases[] = {
      {"pkcs11:object=k?pin-value=1&pin-value=2", "twice"},
      {"pkcs11:object=k?pin-value=%zz", "pin-value"},
      {"pkcs11:object=k?pin-value=%4", "pin-value"},
      {"pkcs11:object=k?pin-value=1&pin-source=/nonexistent", "both"},
      {"pkcs11:object=k?pin-source=/nonexistent/pin", "/nonexistent/pin"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    casc_sign_key *k = NULL;
    casc_error e = {0};
    assert_true(casc_sign_key_is_pkcs11(cases[i].uri));
    assert_int_not_equal(casc_sign_key_load(cases[i].uri, &k, &e), CASC_OK);
    assert_null(k);
    if (strstr(e.msg, cases[i].needle) == NULL)
      fail_msg("%s: %s", cases[i].uri, e.msg);
  }
  assert_false(casc_sign_key_is_pkcs11("key.pem"));
  casc_sign_key_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_md_names),         cmocka_unit_test(test_digest_file),
      cmocka_unit_test(test_good_signature),   cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_every_bit_position), cmocka_unit_test(test_wrong_content_and_trust),
      cmocka_unit_test(test_pkcs11_uri_errors),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
