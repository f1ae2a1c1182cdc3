/* The OCSP client: requests (read back by the responder's own parser),
 * response verification against responses built here with OpenSSL (good,
 * revoked, issuer-signed, delegated) and malformed ones (garbage, every
 * truncation, error statuses, wrong signer, a delegate without
 * OCSPSigning or out of its validity, mismatched CertID, times, nonces),
 * the fetcher's URL rules and certificate parsing, and the staple
 * schedule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "casc/fetch.h"
#include "casc/ocsp.h"
#include "casc/ocsp_client.h"
#include "casc/staple.h"

#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* OCSP_basic_sign stamps producedAt with the real clock: times here are
 * relative to it. */
static time_t NOW;

typedef struct {
  EVP_PKEY *root_key, *ca_key, *signer_key, *leaf_key, *other_key;
  X509 *ca, *signer, *leaf, *leaf2, *other, *noeku, *expired_signer;
} pki;

static EVP_PKEY *ec_key(void) {
  EVP_PKEY *k = EVP_EC_gen("P-256");
  assert_non_null(k);
  return k;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
  X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
  assert_non_null(ext);
  assert_int_equal(X509_add_ext(x, ext, -1), 1);
  X509_EXTENSION_free(ext);
}

/* A certificate for cn with key, signed by issuer/ikey (NULL: self-signed),
 * valid from NOW + nb to NOW + na. */
static X509 *cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey, long serial,
                  bool ca, const char *eku, long nb, long na) {
  X509 *x = X509_new();
  assert_non_null(x);
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  X509_NAME *n = X509_NAME_new();
  X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
  X509_set_subject_name(x, n);
  X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : n);
  X509_NAME_free(n);
  ASN1_TIME_set(X509_getm_notBefore(x), NOW + nb);
  ASN1_TIME_set(X509_getm_notAfter(x), NOW + na);
  X509_set_pubkey(x, key);
  if (ca)
    add_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE");
  add_ext(x, issuer, NID_subject_key_identifier, "hash");
  if (eku != NULL)
    add_ext(x, issuer, NID_ext_key_usage, eku);
  assert_true(X509_sign(x, ikey != NULL ? ikey : key, EVP_sha256()) > 0);
  return x;
}

static int setup(void **state) {
  pki *p = calloc(1, sizeof *p);
  NOW = time(NULL);
  p->ca_key = ec_key();
  p->signer_key = ec_key();
  p->leaf_key = ec_key();
  p->other_key = ec_key();
  p->ca = cert("Test CA", p->ca_key, NULL, NULL, 1, true, NULL, -86400, 365 * 86400);
  p->signer = cert("Test OCSP", p->signer_key, p->ca, p->ca_key, 2, false, "OCSPSigning", -86400,
                   30 * 86400);
  p->leaf = cert("leaf.test", p->leaf_key, p->ca, p->ca_key, 0x1234, false, "serverAuth",
                 -86400, 90 * 86400);
  p->leaf2 = cert("leaf2.test", p->leaf_key, p->ca, p->ca_key, 0x5678, false, "serverAuth",
                  -86400, 90 * 86400);
  /* Same name as the delegate, signed by itself: not issued by the CA. */
  p->other = cert("Test OCSP", p->other_key, NULL, NULL, 3, false, "OCSPSigning", -86400,
                  30 * 86400);
  p->noeku = cert("Test No EKU", p->other_key, p->ca, p->ca_key, 4, false, "serverAuth", -86400,
                  30 * 86400);
  p->expired_signer = cert("Test Old OCSP", p->other_key, p->ca, p->ca_key, 5, false,
                           "OCSPSigning", -30 * 86400, -86400);
  *state = p;
  return 0;
}

static int teardown(void **state) {
  pki *p = *state;
  EVP_PKEY_free(p->ca_key);
  EVP_PKEY_free(p->signer_key);
  EVP_PKEY_free(p->leaf_key);
  EVP_PKEY_free(p->other_key);
  X509_free(p->ca);
  X509_free(p->signer);
  X509_free(p->leaf);
  X509_free(p->leaf2);
  X509_free(p->other);
  X509_free(p->noeku);
  X509_free(p->expired_signer);
  free(p);
  return 0;
}

typedef struct {
  X509 *about;        /* the certificate the SingleResponse names */
  const EVP_MD *md;   /* CertID hash */
  int status;         /* V_OCSP_CERTSTATUS_* */
  int reason;
  long this_off, next_off; /* from NOW; next_off 0: no nextUpdate */
  X509 *signer;
  EVP_PKEY *key;
  bool include;       /* the signer's certificate in the response */
  const unsigned char *nonce;
  size_t nonce_len;
  X509 *instead;      /* include this certificate instead of the signer's */
  bool by_name;       /* ResponderID byName (default byKey) */
} spec;

static spec good_spec(pki *p) {
  return (spec){.about = p->leaf, .md = EVP_sha1(), .status = V_OCSP_CERTSTATUS_GOOD,
                .reason = -1, .this_off = -60, .next_off = 86400, .signer = p->signer,
                .key = p->signer_key, .include = true};
}

static unsigned char *build(pki *p, const spec *s, size_t *len) {
  OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
  OCSP_CERTID *id = OCSP_cert_to_id(s->md, s->about, p->ca);
  ASN1_TIME *tu = ASN1_GENERALIZEDTIME_set(NULL, NOW + s->this_off);
  ASN1_TIME *nu = s->next_off != 0 ? ASN1_GENERALIZEDTIME_set(NULL, NOW + s->next_off) : NULL;
  ASN1_TIME *rt = ASN1_GENERALIZEDTIME_set(NULL, NOW - 3600);
  assert_non_null(OCSP_basic_add1_status(bs, id, s->status, s->reason,
                                         s->status == V_OCSP_CERTSTATUS_REVOKED ? rt : NULL, tu,
                                         nu));
  if (s->nonce != NULL)
    assert_int_equal(OCSP_basic_add1_nonce(bs, (unsigned char *)s->nonce, (int)s->nonce_len), 1);
  assert_int_equal(OCSP_basic_sign(bs, s->signer, s->key, EVP_sha256(), NULL,
                                   (s->by_name ? 0 : OCSP_RESPID_KEY) |
                                       (s->include && s->instead == NULL ? 0 : OCSP_NOCERTS)),
                   1);
  if (s->instead != NULL)
    assert_int_equal(OCSP_basic_add1_cert(bs, s->instead), 1);
  OCSP_RESPONSE *r = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
  unsigned char *der = NULL;
  int n = i2d_OCSP_RESPONSE(r, &der);
  assert_true(n > 0);
  *len = (size_t)n;
  OCSP_RESPONSE_free(r);
  OCSP_BASICRESP_free(bs);
  OCSP_CERTID_free(id);
  ASN1_TIME_free(tu);
  ASN1_TIME_free(nu);
  ASN1_TIME_free(rt);
  return der;
}

static casc_err verify_n(pki *p, X509 *certx, const unsigned char *der, size_t len,
                         const unsigned char *nonce, int hash_nid, casc_ocsp_client_result *r) {
  casc_ocsp_client_opts o = {.now = NOW, .hash_nid = hash_nid};
  casc_error e = {0};
  casc_err rc = casc_ocsp_client_verify(der, len, certx, p->ca, nonce, nonce != NULL ? 32 : 0,
                                        &o, r, &e);
  if (rc != CASC_OK && rc != CASC_ERR_USAGE) {
    assert_string_not_equal(r->error, "");
    assert_int_not_equal(r->outcome, CASC_OCSP_OUTCOME_VERIFIED);
  }
  return rc;
}

/* Verifies the response of s about p->leaf; returns the code, and the
 * error text in why (when not NULL). */
static casc_err check_spec(pki *p, const spec *s, const unsigned char *nonce,
                           casc_ocsp_client_result *r) {
  size_t len;
  unsigned char *der = build(p, s, &len);
  casc_err rc = verify_n(p, p->leaf, der, len, nonce, 0, r);
  OPENSSL_free(der);
  return rc;
}

static void expect(pki *p, const spec *s, casc_err want, const char *needle) {
  casc_ocsp_client_result r;
  casc_err rc = check_spec(p, s, NULL, &r);
  if (rc != want || (needle != NULL && strstr(r.error, needle) == NULL))
    fail_msg("want %d '%s', got %d '%s'", (int)want, needle != NULL ? needle : "", (int)rc,
             r.error);
  casc_ocsp_client_result_free(&r);
}

static void test_good_revoked_issuer_signed(void **state) {
  pki *p = *state;
  spec s = good_spec(p);
  casc_ocsp_client_result r;
  assert_int_equal(check_spec(p, &s, NULL, &r), CASC_OK);
  assert_int_equal(r.outcome, CASC_OCSP_OUTCOME_VERIFIED);
  assert_int_equal(r.status, CASC_OCSP_CLIENT_GOOD);
  assert_true(r.delegated);
  assert_int_equal(r.this_update, NOW - 60);
  assert_int_equal(r.next_update, NOW + 86400);
  assert_string_equal(r.serial, "1234");
  assert_string_equal(r.responder, "CN=Test OCSP");
  assert_int_equal(r.hash_nid, NID_sha1);
  assert_non_null(r.der);
  casc_ocsp_client_result_free(&r);

  s.status = V_OCSP_CERTSTATUS_REVOKED;
  s.reason = OCSP_REVOKED_STATUS_KEYCOMPROMISE;
  s.md = EVP_sha256();
  assert_int_equal(check_spec(p, &s, NULL, &r), CASC_OK);
  assert_int_equal(r.status, CASC_OCSP_CLIENT_REVOKED);
  assert_int_equal(r.reason, 1);
  assert_string_equal(r.reason_name, "keyCompromise");
  assert_int_equal(r.revoked_at, NOW - 3600);
  assert_int_equal(r.hash_nid, NID_sha256);
  casc_ocsp_client_result_free(&r);

  s = good_spec(p);
  s.status = V_OCSP_CERTSTATUS_UNKNOWN;
  assert_int_equal(check_spec(p, &s, NULL, &r), CASC_OK);
  assert_int_equal(r.status, CASC_OCSP_CLIENT_UNKNOWN);
  casc_ocsp_client_result_free(&r);

  /* Signed by the issuer itself, its certificate not included. */
  s = good_spec(p);
  s.signer = p->ca;
  s.key = p->ca_key;
  s.include = false;
  assert_int_equal(check_spec(p, &s, NULL, &r), CASC_OK);
  assert_false(r.delegated);
  assert_string_equal(r.responder, "CN=Test CA");
  casc_ocsp_client_result_free(&r);
}

static void test_garbage_and_truncations(void **state) {
  pki *p = *state;
  casc_ocsp_client_result r;
  static const unsigned char junk[] = "<html>not an OCSP response</html>";
  assert_int_equal(verify_n(p, p->leaf, junk, sizeof junk, NULL, 0, &r), CASC_ERR_INTEGRITY);
  casc_ocsp_client_result_free(&r);
  assert_int_equal(verify_n(p, p->leaf, NULL, 0, NULL, 0, &r), CASC_ERR_INTEGRITY);
  casc_ocsp_client_result_free(&r);

  spec s = good_spec(p);
  size_t len;
  unsigned char *der = build(p, &s, &len);
  for (size_t n = 1; n < len; n++) {
    casc_err rc = verify_n(p, p->leaf, der, n, NULL, 0, &r);
    if (rc != CASC_ERR_INTEGRITY)
      fail_msg("truncated to %zu of %zu bytes: %d", n, len, (int)rc);
    casc_ocsp_client_result_free(&r);
  }
  /* A trailing byte. */
  unsigned char *longer = malloc(len + 1);
  memcpy(longer, der, len);
  longer[len] = 0;
  assert_int_equal(verify_n(p, p->leaf, longer, len + 1, NULL, 0, &r), CASC_ERR_INTEGRITY);
  assert_non_null(strstr(r.error, "trailing"));
  casc_ocsp_client_result_free(&r);
  /* Any one bit flipped anywhere: never verified (the response, the
   * included certificate and both signatures are all covered). */
  for (size_t i = 0; i < len; i++) {
    longer[i] ^= 0x01;
    casc_err rc = verify_n(p, p->leaf, longer, len, NULL, 0, &r);
    casc_ocsp_client_result_free(&r);
    longer[i] ^= 0x01;
    if (rc == CASC_OK)
      fail_msg("bit 0 of byte %zu flipped, and still verified", i);
  }
  free(longer);
  OPENSSL_free(der);
}

static void test_error_statuses(void **state) {
  pki *p = *state;
  casc_ocsp_client_result r;
  static const struct {
    unsigned char b[5];
    casc_err want;
  } cases[] = {
      {{0x30, 0x03, 0x0a, 0x01, 0x01}, CASC_ERR_INTEGRITY}, /* malformedRequest */
      {{0x30, 0x03, 0x0a, 0x01, 0x02}, CASC_ERR_IO},        /* internalError */
      {{0x30, 0x03, 0x0a, 0x01, 0x03}, CASC_ERR_IO},        /* tryLater */
      {{0x30, 0x03, 0x0a, 0x01, 0x05}, CASC_ERR_INTEGRITY}, /* sigRequired */
      {{0x30, 0x03, 0x0a, 0x01, 0x06}, CASC_ERR_INTEGRITY}, /* unauthorized */
      {{0x30, 0x03, 0x0a, 0x01, 0x00}, CASC_ERR_INTEGRITY}, /* successful, no body */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(verify_n(p, p->leaf, cases[i].b, 5, NULL, 0, &r), cases[i].want);
    if (cases[i].want == CASC_ERR_IO)
      assert_int_equal(r.outcome, CASC_OCSP_OUTCOME_UNREACHABLE);
    casc_ocsp_client_result_free(&r);
  }
}

static void test_wrong_signers(void **state) {
  pki *p = *state;
  spec s = good_spec(p);
  s.signer = p->other; /* same name as the delegate, not issued by the CA */
  s.key = p->other_key;
  expect(p, &s, CASC_ERR_INTEGRITY, "neither the issuer nor issued by it");
  s.signer = p->noeku;
  expect(p, &s, CASC_ERR_INTEGRITY, "OCSPSigning");
  s.signer = p->expired_signer;
  expect(p, &s, CASC_ERR_INTEGRITY, "not valid now");
  /* The real delegate named (byName) and included, but the response
   * signed with another key. */
  s = good_spec(p);
  s.signer = p->other;
  s.key = p->other_key;
  s.instead = p->signer;
  s.by_name = true;
  expect(p, &s, CASC_ERR_INTEGRITY, "signature does not verify");
  /* The same by key: the key named is nowhere to be found. */
  s.by_name = false;
  expect(p, &s, CASC_ERR_INTEGRITY, "not included");
  /* The control: byName and the right key verify. */
  s = good_spec(p);
  s.by_name = true;
  expect(p, &s, CASC_OK, NULL);
  /* The delegate not included and not the issuer. */
  s = good_spec(p);
  s.include = false;
  expect(p, &s, CASC_ERR_INTEGRITY, "not included");
}

static void test_certid(void **state) {
  pki *p = *state;
  spec s = good_spec(p);
  s.about = p->leaf2;
  expect(p, &s, CASC_ERR_INTEGRITY, "no SingleResponse");
  /* Asked with SHA-256, answered with SHA-1. */
  s = good_spec(p);
  size_t len;
  unsigned char *der = build(p, &s, &len);
  casc_ocsp_client_result r;
  assert_int_equal(verify_n(p, p->leaf, der, len, NULL, NID_sha256, &r), CASC_ERR_INTEGRITY);
  assert_non_null(strstr(r.error, "another hash algorithm"));
  casc_ocsp_client_result_free(&r);
  assert_int_equal(verify_n(p, p->leaf, der, len, NULL, NID_sha1, &r), CASC_OK);
  casc_ocsp_client_result_free(&r);
  /* The issuer given did not issue the certificate: an input error. */
  casc_ocsp_client_opts o = {.now = NOW};
  casc_error e = {0};
  assert_int_equal(casc_ocsp_client_verify(der, len, p->leaf, p->signer, NULL, 0, &o, &r, &e),
                   CASC_ERR_USAGE);
  casc_ocsp_client_result_free(&r);
  OPENSSL_free(der);
}

static void test_times(void **state) {
  pki *p = *state;
  spec s = good_spec(p);
  s.next_off = 0;
  expect(p, &s, CASC_ERR_INTEGRITY, "no nextUpdate");
  s = good_spec(p);
  s.this_off = 3600;
  s.next_off = 7200;
  expect(p, &s, CASC_ERR_INTEGRITY, "in the future");
  s.this_off = 200; /* within the 300-second skew */
  expect(p, &s, CASC_OK, NULL);
  s.this_off = -2 * 86400;
  s.next_off = -86400;
  expect(p, &s, CASC_ERR_INTEGRITY, "expired");
  s.next_off = -200; /* passed, within the skew */
  expect(p, &s, CASC_OK, NULL);
}

static void test_nonce(void **state) {
  pki *p = *state;
  unsigned char sent[32], other[32];
  memset(sent, 0xA5, sizeof sent);
  memset(other, 0x5A, sizeof other);
  spec s = good_spec(p);
  casc_ocsp_client_result r;
  s.nonce = sent;
  s.nonce_len = 32;
  assert_int_equal(check_spec(p, &s, sent, &r), CASC_OK);
  assert_true(r.nonce_echoed);
  casc_ocsp_client_result_free(&r);
  s.nonce = other;
  assert_int_equal(check_spec(p, &s, sent, &r), CASC_ERR_INTEGRITY);
  assert_non_null(strstr(r.error, "does not match"));
  casc_ocsp_client_result_free(&r);
  s.nonce_len = 16; /* a prefix */
  s.nonce = sent;
  assert_int_equal(check_spec(p, &s, sent, &r), CASC_ERR_INTEGRITY);
  casc_ocsp_client_result_free(&r);
  s.nonce = NULL;
  assert_int_equal(check_spec(p, &s, sent, &r), CASC_ERR_INTEGRITY);
  assert_non_null(strstr(r.error, "not echoed"));
  casc_ocsp_client_result_free(&r);
}

/* The client's request, read by the responder's parser. */
static void test_request_roundtrip(void **state) {
  pki *p = *state;
  unsigned char nonce[32];
  memset(nonce, 7, sizeof nonce);
  unsigned char *der = NULL;
  size_t len = 0;
  casc_error e = {0};
  casc_ocsp_request q;
  assert_int_equal(casc_ocsp_client_request(p->leaf, p->ca, NID_sha256, nonce, 32, &der, &len, &e),
                   CASC_OK);
  assert_int_equal(casc_ocsp_request_parse(der, len, &q, &e), CASC_OK);
  assert_int_equal(q.hash_nid, NID_sha256);
  assert_int_equal(q.serial_len, 2);
  assert_int_equal(q.serial[0], 0x12);
  assert_int_equal(q.serial[1], 0x34);
  assert_true(q.has_nonce);
  assert_int_equal(q.nonce_len, 32);
  assert_memory_equal(q.nonce, nonce, 32);
  OPENSSL_free(der);
  assert_int_equal(casc_ocsp_client_request(p->leaf, p->ca, 0, NULL, 0, &der, &len, &e), CASC_OK);
  assert_int_equal(casc_ocsp_request_parse(der, len, &q, &e), CASC_OK);
  assert_int_equal(q.hash_nid, NID_sha1);
  assert_false(q.has_nonce);
  OPENSSL_free(der);
  assert_int_equal(casc_ocsp_client_request(p->leaf, p->ca, NID_md5, NULL, 0, &der, &len, &e),
                   CASC_ERR_USAGE);
  assert_int_equal(casc_ocsp_client_request(p->leaf, p->ca, NID_sha1, nonce, 33, &der, &len, &e),
                   CASC_ERR_USAGE);
}

static void test_fetch_rules(void **state) {
  (void)state;
  assert_true(casc_fetch_url_ok("http://127.0.0.1:8080/ocsp"));
  assert_true(casc_fetch_url_ok("HTTPS://ocsp.example.com"));
  assert_false(casc_fetch_url_ok("ftp://example.com/"));
  assert_false(casc_fetch_url_ok("file:///etc/passwd"));
  assert_false(casc_fetch_url_ok("ldap://x/"));
  assert_false(casc_fetch_url_ok("http://"));
  assert_false(casc_fetch_url_ok("http:///path"));
  assert_false(casc_fetch_url_ok("http://a b/"));
  assert_false(casc_fetch_url_ok(NULL));
  casc_fetch_response resp;
  casc_error e = {0};
  assert_int_equal(casc_fetch_get("gopher://x/", NULL, &resp, &e), CASC_ERR_USAGE);
  assert_non_null(strstr(e.msg, "gopher://x/"));

  /* A port where nothing listens: CASC_ERR_IO naming the URL. */
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof a;
  assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
  close(fd);
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/ocsp", ntohs(a.sin_port));
  casc_fetch_opts o = {.connect_timeout_ms = 2000, .timeout_ms = 3000};
  assert_int_equal(casc_fetch_get(url, &o, &resp, &e), CASC_ERR_IO);
  assert_non_null(strstr(e.msg, url));
  assert_null(resp.body);
  casc_fetch_response_free(&resp);
  casc_fetch_response_free(NULL);
}

static void test_parse_certs(void **state) {
  pki *p = *state;
  STACK_OF(X509) *sk = NULL;
  casc_error e = {0};
  unsigned char *der = NULL;
  int n = i2d_X509(p->leaf, &der);
  assert_true(n > 0);
  assert_int_equal(casc_fetch_parse_certs(der, (size_t)n, &sk, &e), CASC_OK);
  assert_int_equal(sk_X509_num(sk), 1);
  sk_X509_pop_free(sk, X509_free);
  for (int k = 1; k < n; k += 7) {
    assert_int_equal(casc_fetch_parse_certs(der, (size_t)k, &sk, &e), CASC_ERR_PARSE);
    assert_null(sk);
  }
  OPENSSL_free(der);
  BIO *b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, p->leaf);
  PEM_write_bio_PrivateKey(b, p->leaf_key, NULL, NULL, 0, NULL, NULL);
  PEM_write_bio_X509(b, p->ca);
  char *pem;
  long pl = BIO_get_mem_data(b, &pem);
  assert_int_equal(casc_fetch_parse_certs((unsigned char *)pem, (size_t)pl, &sk, &e), CASC_OK);
  assert_int_equal(sk_X509_num(sk), 2); /* the key is skipped */
  sk_X509_pop_free(sk, X509_free);
  BIO_free(b);
  static const char bad[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  assert_int_equal(casc_fetch_parse_certs((const unsigned char *)bad, sizeof bad - 1, &sk, &e),
                   CASC_ERR_PARSE);
  assert_int_equal(casc_fetch_parse_certs((const unsigned char *)"", 0, &sk, &e), CASC_ERR_PARSE);
}

static void test_schedule(void **state) {
  (void)state;
  time_t t = NOW;
  for (int i = 0; i < 200; i++) {
    time_t at = casc_staple_refresh_at(t, t + 4 * 86400, t);
    assert_true(at <= t + 2 * 86400);
    assert_true(at >= t + 2 * 86400 - 4 * 86400 / 10);
  }
  /* Already past half: soon, never in the past. */
  assert_true(casc_staple_refresh_at(t - 3 * 86400, t + 86400, t) >= t + CASC_STAPLE_MIN_DELAY);
  time_t prev = 0;
  for (unsigned f = 1; f < 20; f++) {
    time_t at = casc_staple_retry_at(t, f, 0);
    assert_true(at - t <= CASC_STAPLE_BACKOFF_MAX);
    assert_true(at - t >= CASC_STAPLE_MIN_DELAY);
    if (f > 1 && f < 8)
      assert_true(at - t >= (prev - t)); /* grows (jitter is at most a fifth) */
    prev = at;
  }
  assert_true(casc_staple_retry_at(t, 30, 0) - t >= CASC_STAPLE_BACKOFF_MAX * 4 / 5);
  /* A staple in place expiring in 100 s: tried again within 25 s. */
  assert_true(casc_staple_retry_at(t, 30, t + 100) - t <= 25);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_revoked_issuer_signed),
      cmocka_unit_test(test_garbage_and_truncations),
      cmocka_unit_test(test_error_statuses),
      cmocka_unit_test(test_wrong_signers),
      cmocka_unit_test(test_certid),
      cmocka_unit_test(test_times),
      cmocka_unit_test(test_nonce),
      cmocka_unit_test(test_request_roundtrip),
      cmocka_unit_test(test_fetch_rules),
      cmocka_unit_test(test_parse_certs),
      cmocka_unit_test(test_schedule),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
