/* The TSA (src/tsa/server*.c) and the client's verification
 * (src/tsa/client.c), against each other and against OpenSSL's own TS
 * parser: granted replies verify; malformed requests get a TimeStampResp
 * with the right failInfo; SHA-1 is refused; serials never repeat, across
 * two TSA instances of one CA too; tampered, misdirected and untrusted
 * tokens fail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "casc/ca.h"
#include "casc/der.h"
#include "casc/tsa.h"
#include "casc/tsclient.h"
#include "unit_util.h"

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>
#include <pthread.h>

struct fx {
  char dir[PATH_MAX], ca_dir[PATH_MAX], other_dir[PATH_MAX];
  casc_tsa *tsa;
  X509_STORE *trust, *other_trust;
};

static struct fx F;

static int group_setup(void **state) {
  casc_error e = {0};
  char path[PATH_MAX];
  casc_init_opts opts = {.key_type = CASC_KEY_EC_P256};
  if (util_mkdtemp(F.dir, "tsa") != 0)
    return -1;
  util_join(F.ca_dir, F.dir, "ca");
  util_join(F.other_dir, F.dir, "other");
  if (casc_ca_init(F.ca_dir, &opts, &e) != CASC_OK ||
      casc_ca_init(F.other_dir, &opts, &e) != CASC_OK ||
      casc_tsa_open(F.ca_dir, &F.tsa, &e) != CASC_OK) {
    fprintf(stderr, "setup: %s\n", e.msg);
    return -1;
  }
  util_join(path, F.ca_dir, "certs/root-ca.pem");
  if (casc_ts_trust_load(path, &F.trust, &e) != CASC_OK)
    return -1;
  util_join(path, F.other_dir, "certs/root-ca.pem");
  if (casc_ts_trust_load(path, &F.other_trust, &e) != CASC_OK)
    return -1;
  *state = &F;
  return 0;
}

static int group_teardown(void **state) {
  (void)state;
  casc_tsa_free(F.tsa);
  X509_STORE_free(F.trust);
  X509_STORE_free(F.other_trust);
  util_rmtree(F.dir);
  return 0;
}

/* A TimeStampReq by hand, so that every field can be wrong. */
typedef struct {
  const char *alg_oid;  /* NULL: SHA-256 */
  size_t digest_len;    /* 0: 32 */
  bool alg_null;        /* NULL parameters */
  int version;          /* 0: 1 */
  const char *policy;
  bool nonce;
  int cert_req;         /* -1 absent, 0 FALSE, 1 TRUE */
  bool extensions;
  bool trailing;
} req_spec;

static size_t build_req(const req_spec *s, unsigned char *out, size_t cap) {
  casc_der_buf b;
  unsigned char digest[64];
  memset(digest, 0xab, sizeof digest);
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_int64(&b, s->version != 0 ? s->version : 1);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_oid(&b, s->alg_oid != NULL ? s->alg_oid : "2.16.840.1.101.3.4.2.1");
  if (s->alg_null)
    casc_der_tlv(&b, CASC_DER_NULL, NULL, 0);
  casc_der_end(&b);
  casc_der_tlv(&b, CASC_DER_OCTET_STRING, digest, s->digest_len != 0 ? s->digest_len : 32);
  casc_der_end(&b);
  if (s->policy != NULL)
    casc_der_oid(&b, s->policy);
  if (s->nonce)
    casc_der_int64(&b, 0x1234567890abcdefLL);
  if (s->cert_req >= 0)
    casc_der_boolean(&b, CASC_DER_BOOLEAN, s->cert_req == 1);
  if (s->extensions) {
    casc_der_begin(&b, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0);
    casc_der_begin(&b, CASC_DER_SEQUENCE);
    casc_der_oid(&b, "1.2.3.4");
    casc_der_tlv(&b, CASC_DER_OCTET_STRING, "x", 1);
    casc_der_end(&b);
    casc_der_end(&b);
  }
  casc_der_end(&b);
  if (s->trailing)
    casc_der_raw(&b, "\x00", 1);
  assert_false(casc_der_buf_failed(&b));
  assert_true(b.len <= cap);
  size_t n = b.len;
  memcpy(out, b.data, n);
  casc_der_buf_free(&b);
  return n;
}

/* The status and failInfo bit of a reply, through OpenSSL's parser. */
static void reply_status(const unsigned char *der, size_t len, long *status, int *fail_bit) {
  const unsigned char *p = der;
  TS_RESP *r = d2i_TS_RESP(NULL, &p, (long)len);
  assert_non_null(r);
  assert_ptr_equal(p, der + len);
  TS_STATUS_INFO *si = TS_RESP_get_status_info(r);
  *status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(si));
  *fail_bit = -1;
  const ASN1_BIT_STRING *fi = TS_STATUS_INFO_get0_failure_info(si);
  for (int i = 0; fi != NULL && i < 32; i++)
    if (ASN1_BIT_STRING_get_bit(fi, i)) {
      assert_int_equal(*fail_bit, -1); /* exactly one */
      *fail_bit = i;
    }
  TS_RESP_free(r);
}

static void expect_rejected(const req_spec *s, casc_tsa_result want, int want_bit) {
  unsigned char req[512];
  size_t n = build_req(s, req, sizeof req);
  const unsigned char *resp;
  size_t resp_len;
  casc_tsa_result r;
  casc_error e = {0};
  long status;
  int bit;
  assert_int_equal(casc_tsa_answer(F.tsa, req, n, casc_now(), &resp, &resp_len, &r, &e), CASC_OK);
  assert_int_equal(r, want);
  reply_status(resp, resp_len, &status, &bit);
  assert_int_equal(status, 2);
  assert_int_equal(bit, want_bit);
}

static void test_malformed_requests(void **state) {
  (void)state;
  /* SHA-1: badAlg (bit 0), CSBR 6.8; MD5 and unknown OIDs too */
  expect_rejected(&(req_spec){.alg_oid = "1.3.14.3.2.26", .digest_len = 20, .cert_req = -1},
                  CASC_TSA_BAD_ALG, 0);
  expect_rejected(&(req_spec){.alg_oid = "1.2.840.113549.2.5", .digest_len = 16, .cert_req = -1},
                  CASC_TSA_BAD_ALG, 0);
  expect_rejected(&(req_spec){.alg_oid = "1.2.3.4", .cert_req = -1}, CASC_TSA_BAD_ALG, 0);
  /* badDataFormat (bit 5) */
  expect_rejected(&(req_spec){.digest_len = 31, .cert_req = -1}, CASC_TSA_BAD_DATA_FORMAT, 5);
  expect_rejected(&(req_spec){.version = 2, .cert_req = -1}, CASC_TSA_BAD_DATA_FORMAT, 5);
  expect_rejected(&(req_spec){.cert_req = 1, .trailing = true}, CASC_TSA_BAD_DATA_FORMAT, 5);
  /* unacceptedPolicy (15), unacceptedExtension (16) */
  expect_rejected(&(req_spec){.policy = "1.2.3.4", .cert_req = -1},
                  CASC_TSA_UNACCEPTED_POLICY, 15);
  expect_rejected(&(req_spec){.extensions = true, .cert_req = -1},
                  CASC_TSA_UNACCEPTED_EXTENSION, 16);

  /* raw garbage, truncations, a bad certReq octet, fields out of order */
  unsigned char req[512], bad[512];
  size_t n = build_req(&(req_spec){.nonce = true, .cert_req = 1, .alg_null = true}, req,
                       sizeof req);
  const unsigned char *resp;
  size_t resp_len;
  casc_tsa_result r;
  casc_error e = {0};
  long status;
  int bit;
  for (size_t cut = 0; cut < n; cut++) {
    assert_int_equal(casc_tsa_answer(F.tsa, req, cut, casc_now(), &resp, &resp_len, &r, &e),
                     CASC_OK);
    assert_int_equal(r, CASC_TSA_BAD_DATA_FORMAT);
    reply_status(resp, resp_len, &status, &bit);
    assert_int_equal(bit, 5);
  }
  memcpy(bad, req, n);
  bad[n - 1] = 0x01; /* certReq neither 0x00 nor 0xff */
  assert_int_equal(casc_tsa_answer(F.tsa, bad, n, casc_now(), &resp, &resp_len, &r, &e), CASC_OK);
  assert_int_equal(r, CASC_TSA_BAD_DATA_FORMAT);
  static const unsigned char garbage[] = "GET / HTTP/1.1\r\n\r\n";
  assert_int_equal(casc_tsa_answer(F.tsa, garbage, sizeof garbage - 1, casc_now(), &resp,
                                   &resp_len, &r, &e),
                   CASC_OK);
  assert_int_equal(r, CASC_TSA_BAD_DATA_FORMAT);
  /* after the TSA certificate expired (casc init: 5 years): systemFailure (bit 25) */
  assert_int_equal(casc_tsa_answer(F.tsa, req, n, casc_now() + 6 * 366 * 86400L, &resp,
                                   &resp_len, &r, &e),
                   CASC_OK);
  assert_int_equal(r, CASC_TSA_SYSTEM_FAILURE);
  reply_status(resp, resp_len, &status, &bit);
  assert_int_equal(bit, 25);
  /* the good one, to be sure the cuts above failed for the cut */
  assert_int_equal(casc_tsa_answer(F.tsa, req, n, casc_now(), &resp, &resp_len, &r, &e), CASC_OK);
  assert_int_equal(r, CASC_TSA_GRANTED);
}

/* Asks the TSA (t) for a token over a fresh digest with the client's own
 * request; returns the reply (malloc'ed) and the nonce. */
static unsigned char *ask(casc_tsa *t, const EVP_MD *md, unsigned char *digest, unsigned char nonce[8],
                          size_t *len) {
  unsigned char *req = NULL;
  size_t req_len = 0;
  const unsigned char *resp;
  casc_tsa_result r;
  casc_error e = {0};
  for (int i = 0; i < EVP_MD_get_size(md); i++)
    digest[i] = (unsigned char)rand();
  assert_int_equal(casc_ts_request_build(md, digest, (size_t)EVP_MD_get_size(md), NULL, nonce,
                                         &req, &req_len, &e),
                   CASC_OK);
  assert_int_equal(casc_tsa_answer(t, req, req_len, casc_now(), &resp, len, &r, &e), CASC_OK);
  assert_int_equal(r, CASC_TSA_GRANTED);
  free(req);
  unsigned char *copy = malloc(*len);
  assert_non_null(copy);
  memcpy(copy, resp, *len);
  return copy;
}

static void test_granted_verifies(void **state) {
  (void)state;
  const EVP_MD *mds[] = {EVP_sha256(), EVP_sha384(), EVP_sha512()};
  for (size_t m = 0; m < 3; m++) {
    unsigned char digest[64], nonce[8];
    size_t len;
    unsigned char *resp = ask(F.tsa, mds[m], digest, nonce, &len);
    casc_ts_verify_opts vo = {.trust = F.trust, .nonce = nonce, .nonce_len = 8};
    casc_ts_info info;
    casc_error e = {0};
    const unsigned char *tok = NULL;
    size_t tok_len = 0;
    casc_err rc = casc_ts_verify_response(resp, len, mds[m], digest,
                                          (size_t)EVP_MD_get_size(mds[m]), &vo, &info, &tok,
                                          &tok_len, &e);
    if (rc != CASC_OK)
      fprintf(stderr, "%s\n", e.msg);
    assert_int_equal(rc, CASC_OK);
    assert_string_equal(info.policy, CASC_TSA_DEFAULT_POLICY);
    assert_true(info.has_accuracy);
    assert_int_equal(info.accuracy_us, 1000000);
    assert_int_equal(strlen(info.serial), 32);
    assert_non_null(strstr(info.tsa_name, "Timestamp Authority"));
    assert_string_equal(info.tsa_name, info.tsa_field);
    assert_true(llabs((long long)(info.gen_time - casc_now())) <= 2);
    assert_non_null(info.signer);
    assert_int_equal(sk_X509_num(info.chain), 3); /* TSA, timestamping CA, root */
    assert_non_null(tok);
    const EVP_MD *found = NULL;
    assert_int_equal(casc_ts_token_imprint_md(tok, tok_len, &found, &e), CASC_OK);
    assert_int_equal(EVP_MD_get_type(found), EVP_MD_get_type(mds[m]));
    assert_int_equal(casc_ts_token_imprint_md(resp, len, &found, &e), CASC_ERR_PARSE);
    /* the token alone verifies the same way */
    casc_ts_info info2;
    assert_int_equal(casc_ts_verify_token(tok, tok_len, mds[m], digest,
                                          (size_t)EVP_MD_get_size(mds[m]), &vo, &info2, &e),
                     CASC_OK);
    assert_string_equal(info.serial, info2.serial);
    casc_ts_info_clear(&info2);

    /* and OpenSSL's own verifier agrees: imprint, nonce, signature, chain, ESS */
    const unsigned char *p = resp;
    TS_RESP *tr = d2i_TS_RESP(NULL, &p, (long)len);
    assert_non_null(tr);
    /* DER: OpenSSL's re-encoding is byte for byte the same (SET OF order,
     * minimal lengths, DEFAULTs omitted) */
    unsigned char *again = NULL;
    int again_len = i2d_TS_RESP(tr, &again);
    assert_int_equal(again_len, (int)len);
    assert_memory_equal(again, resp, len);
    OPENSSL_free(again);
    ASN1_INTEGER *n = ASN1_INTEGER_new();
    BIGNUM *bn = BN_bin2bn(nonce, 8, NULL);
    BN_to_ASN1_INTEGER(bn, n);
    /* OpenSSL 3.0 sets the expected nonce only through a TS_REQ */
    TS_REQ *tq = TS_REQ_new();
    TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
    X509_ALGOR *alg = X509_ALGOR_new();
    X509_ALGOR_set_md(alg, mds[m]);
    TS_MSG_IMPRINT_set_algo(mi, alg);
    TS_MSG_IMPRINT_set_msg(mi, digest, EVP_MD_get_size(mds[m]));
    TS_REQ_set_version(tq, 1);
    TS_REQ_set_msg_imprint(tq, mi);
    TS_REQ_set_nonce(tq, n);
    TS_REQ_set_cert_req(tq, 1);
    TS_VERIFY_CTX *vc = TS_REQ_to_TS_VERIFY_CTX(tq, NULL);
    assert_non_null(vc);
    TS_VERIFY_CTX_add_flags(vc, TS_VFY_SIGNATURE);
    X509_STORE_up_ref(F.trust);
    TS_VERIFY_CTX_set_store(vc, F.trust);
    int ok = TS_RESP_verify_response(vc, tr);
    if (ok != 1)
      ERR_print_errors_fp(stderr);
    assert_int_equal(ok, 1);
    TS_VERIFY_CTX_free(vc);
    TS_REQ_free(tq);
    TS_MSG_IMPRINT_free(mi);
    X509_ALGOR_free(alg);
    ASN1_INTEGER_free(n);
    BN_free(bn);
    TS_RESP_free(tr);
    casc_ts_info_clear(&info);
    free(resp);
  }
}

static void test_verification_failures(void **state) {
  (void)state;
  unsigned char digest[32], nonce[8], other_nonce[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  size_t len;
  casc_ts_info info;
  casc_error e = {0};
  unsigned char *resp = ask(F.tsa, EVP_sha256(), digest, nonce, &len);
  casc_ts_verify_opts vo = {.trust = F.trust, .nonce = nonce, .nonce_len = 8};

  /* another digest */
  unsigned char d2[32];
  memcpy(d2, digest, 32);
  d2[0] ^= 1;
  assert_int_equal(casc_ts_verify_response(resp, len, EVP_sha256(), d2, 32, &vo, &info, NULL,
                                           NULL, &e),
                   CASC_ERR_INTEGRITY);
  assert_non_null(strstr(e.msg, "imprint"));
  /* another nonce */
  casc_ts_verify_opts vo2 = vo;
  vo2.nonce = other_nonce;
  assert_int_equal(casc_ts_verify_response(resp, len, EVP_sha256(), digest, 32, &vo2, &info,
                                           NULL, NULL, &e),
                   CASC_ERR_INTEGRITY);
  assert_non_null(strstr(e.msg, "nonce"));
  /* a trust store of another CA */
  casc_ts_verify_opts vo3 = vo;
  vo3.trust = F.other_trust;
  assert_int_equal(casc_ts_verify_response(resp, len, EVP_sha256(), digest, 32, &vo3, &info,
                                           NULL, NULL, &e),
                   CASC_ERR_INTEGRITY);
  assert_non_null(strstr(e.msg, "TSA certificate"));
  /* a chain judged after the TSA certificate expired (6 years on) */
  casc_ts_verify_opts vo4 = vo;
  vo4.at = casc_now() + 6 * 366 * 86400L;
  assert_int_equal(casc_ts_verify_response(resp, len, EVP_sha256(), digest, 32, &vo4, &info,
                                           NULL, NULL, &e),
                   CASC_ERR_INTEGRITY);
  /* every single flipped bit fails (or no longer parses) */
  assert_int_equal(casc_ts_verify_response(resp, len, EVP_sha256(), digest, 32, &vo, &info, NULL,
                                           NULL, &e),
                   CASC_OK);
  casc_ts_info_clear(&info);
  size_t step = len / 97 + 1;
  for (size_t i = 0; i < len; i += step) {
    resp[i] ^= 0x10;
    casc_err rc = casc_ts_verify_response(resp, len, EVP_sha256(), digest, 32, &vo, &info, NULL,
                                          NULL, &e);
    if (rc == CASC_OK)
      fprintf(stderr, "flip at %zu of %zu verified\n", i, len);
    assert_int_not_equal(rc, CASC_OK);
    resp[i] ^= 0x10;
  }
  free(resp);
}

/* A self-signed TSA certificate with the given extendedKeyUsage value. */
static X509 *self_signed(EVP_PKEY *key, const char *cn, const char *eku) {
  X509 *cert = X509_new();
  X509_NAME *name = X509_NAME_new();
  X509V3_CTX v3;
  assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn,
                                              -1, -1, 0),
                   1);
  X509_set_version(cert, X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 7);
  X509_set_subject_name(cert, name);
  X509_set_issuer_name(cert, name);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509V3_set_ctx(&v3, cert, cert, NULL, NULL, 0);
  X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, &v3, NID_ext_key_usage, eku);
  assert_non_null(ext);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  assert_true(X509_sign(cert, key, EVP_sha256()) > 0);
  X509_NAME_free(name);
  return cert;
}

/* Signs a reply with a TSA under cert and verifies it with cert as the
 * only anchor; returns what the client says. */
static casc_err sign_and_verify(X509 *cert, EVP_PKEY *key, const EVP_MD *md, casc_error *e) {
  casc_tsa *t = NULL;
  assert_int_equal(casc_tsa_new(cert, key, NULL, NULL, &t, e), CASC_OK);
  X509_STORE *trust = X509_STORE_new();
  X509_STORE_add_cert(trust, cert);
  unsigned char digest[64], nonce[8];
  size_t len;
  unsigned char *resp = ask(t, md, digest, nonce, &len);
  casc_ts_verify_opts vo = {.trust = trust, .nonce = nonce, .nonce_len = 8};
  casc_ts_info info;
  casc_err rc = casc_ts_verify_response(resp, len, md, digest, (size_t)EVP_MD_get_size(md), &vo,
                                        &info, NULL, NULL, e);
  if (rc == CASC_OK) {
    assert_true(strncmp(info.tsa_name, "CN=", 3) == 0);
    /* DER, as OpenSSL re-encodes it */
    const unsigned char *p = resp;
    TS_RESP *tr = d2i_TS_RESP(NULL, &p, (long)len);
    assert_non_null(tr);
    unsigned char *again = NULL;
    assert_int_equal(i2d_TS_RESP(tr, &again), (int)len);
    assert_memory_equal(again, resp, len);
    OPENSSL_free(again);
    TS_RESP_free(tr);
  }
  casc_ts_info_clear(&info);
  free(resp);
  casc_tsa_free(t);
  X509_STORE_free(trust);
  return rc;
}

/* An RSA TSA (what casc init makes for RSA CAs: PKCS#1 v1.5, NULL
 * parameters in the signature algorithm). */
static void test_rsa_tsa(void **state) {
  (void)state;
  casc_error e = {0};
  EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
  assert_non_null(key);
  X509 *cert = self_signed(key, "RSA TSA", "critical,timeStamping");
  casc_err rc = sign_and_verify(cert, key, EVP_sha512(), &e);
  if (rc != CASC_OK)
    fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, CASC_OK);
  X509_free(cert);
  EVP_PKEY_free(key);
}

/* RFC 3161 2.3: timeStamping, alone, critical; anything else is refused. */
static void test_eku_rules(void **state) {
  (void)state;
  static const char *const bad[] = {"timeStamping", "critical,timeStamping,1.2.3.4",
                                    "critical,codeSigning", "critical,timeStamping,serverAuth"};
  casc_error e = {0};
  EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  X509 *good = self_signed(key, "good", "critical,timeStamping");
  assert_int_equal(sign_and_verify(good, key, EVP_sha256(), &e), CASC_OK);
  X509_free(good);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    X509 *cert = self_signed(key, "bad", bad[i]);
    assert_int_equal(sign_and_verify(cert, key, EVP_sha256(), &e), CASC_ERR_INTEGRITY);
    if (i == 1) /* OpenSSL's purpose check lets an unknown extra OID pass: casc's own does not */
      assert_non_null(strstr(e.msg, "timeStamping alone"));
    X509_free(cert);
  }
  EVP_PKEY_free(key);
}

/* Two TSA instances of the same CA (a restart, or two nodes) and several
 * threads on each: no serial twice. */
struct worker {
  casc_tsa *t;
  char (*serials)[CASC_TS_SERIAL_MAX];
  int n;
};

static void *work(void *arg) {
  struct worker *w = arg;
  for (int i = 0; i < w->n; i++) {
    unsigned char digest[32], nonce[8], *req = NULL;
    size_t req_len = 0, len = 0;
    const unsigned char *resp;
    casc_tsa_result r;
    casc_error e = {0};
    casc_ts_info info;
    RAND_bytes(digest, 32);
    if (casc_ts_request_build(EVP_sha256(), digest, 32, NULL, nonce, &req, &req_len, &e) !=
            CASC_OK ||
        casc_tsa_answer(w->t, req, req_len, casc_now(), &resp, &len, &r, &e) != CASC_OK)
      abort();
    casc_ts_verify_opts vo = {.trust = F.trust, .nonce = nonce, .nonce_len = 8};
    if (casc_ts_verify_response(resp, len, EVP_sha256(), digest, 32, &vo, &info, NULL, NULL,
                                &e) != CASC_OK) {
      fprintf(stderr, "%s\n", e.msg);
      abort();
    }
    memcpy(w->serials[i], info.serial, CASC_TS_SERIAL_MAX);
    casc_ts_info_clear(&info);
    free(req);
  }
  return NULL;
}

static int cmp_serial(const void *a, const void *b) { return strcmp(a, b); }

static void test_serials_unique(void **state) {
  (void)state;
  enum { PER = 150, THREADS = 4 };
  casc_tsa *second = NULL;
  casc_error e = {0};
  assert_int_equal(casc_tsa_open(F.ca_dir, &second, &e), CASC_OK);
  char(*serials)[CASC_TS_SERIAL_MAX] = calloc(PER * THREADS, CASC_TS_SERIAL_MAX);
  pthread_t th[THREADS];
  struct worker w[THREADS];
  for (int i = 0; i < THREADS; i++) {
    w[i] = (struct worker){.t = i % 2 == 0 ? F.tsa : second, .serials = serials + i * PER,
                           .n = PER};
    assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
  }
  for (int i = 0; i < THREADS; i++)
    pthread_join(th[i], NULL);
  qsort(serials, PER * THREADS, CASC_TS_SERIAL_MAX, cmp_serial);
  for (int i = 1; i < PER * THREADS; i++)
    assert_string_not_equal(serials[i - 1], serials[i]);
  /* the two instances drew different prefixes */
  assert_memory_not_equal(serials[0], serials[PER * THREADS - 1], 16);
  free(serials);
  casc_tsa_free(second);
}

static void test_config(void **state) {
  (void)state;
  char path[PATH_MAX];
  casc_error e = {0};
  casc_tsa_config cfg;
  util_join(path, F.other_dir, "casc.conf");
  FILE *f = fopen(path, "a");
  assert_non_null(f);
  fputs("\n[tsa]\npolicy = 1.3.6.1.4.1.99999.1\naccuracy_ms = 1500\n", f);
  fclose(f);
  assert_int_equal(casc_tsa_config_load(F.other_dir, &cfg, &e), CASC_OK);
  assert_string_equal(cfg.policy, "1.3.6.1.4.1.99999.1");
  assert_int_equal(cfg.accuracy_ms, 1500);
  casc_tsa *t = NULL;
  assert_int_equal(casc_tsa_open(F.other_dir, &t, &e), CASC_OK);
  unsigned char digest[32], nonce[8];
  size_t len;
  unsigned char *resp = ask(t, EVP_sha256(), digest, nonce, &len);
  casc_ts_verify_opts vo = {.trust = F.other_trust, .nonce = nonce, .nonce_len = 8};
  casc_ts_info info;
  assert_int_equal(casc_ts_verify_response(resp, len, EVP_sha256(), digest, 32, &vo, &info, NULL,
                                           NULL, &e),
                   CASC_OK);
  assert_string_equal(info.policy, "1.3.6.1.4.1.99999.1");
  assert_int_equal(info.accuracy_us, 1500000);
  casc_ts_info_clear(&info);
  free(resp);
  casc_tsa_free(t);
  f = fopen(path, "a");
  fputs("accuracy_ms = 0\n", f);
  fclose(f);
  assert_int_equal(casc_tsa_config_load(F.other_dir, &cfg, &e), CASC_ERR_PARSE);
  assert_non_null(strstr(e.msg, "accuracy_ms"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_malformed_requests),
      cmocka_unit_test(test_granted_verifies),
      cmocka_unit_test(test_verification_failures),
      cmocka_unit_test(test_rsa_tsa),
      cmocka_unit_test(test_eku_rules),
      cmocka_unit_test(test_serials_unique),
      cmocka_unit_test(test_config),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
