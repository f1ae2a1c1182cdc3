/* Unit tests of the ocsp module: request parsing against malformed input,
 * the GET form's decoding, the refresh rules, and responses from a real CA
 * directory checked with OpenSSL's own OCSP client code (OCSP_basic_verify
 * against the chain, OCSP_resp_find_status). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "casc/ca.h"
#include "casc/ocsp.h"
#include "unit_util.h"

#include "../../src/ocsp/ocsp_internal.h" /* the template encoder */

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>

/* --- a tiny DER builder, for requests no well-behaved encoder makes ------- */

typedef struct {
  unsigned char b[4096];
  size_t n;
} buf;

static void put(buf *o, const void *p, size_t n) {
  assert_true(o->n + n <= sizeof o->b);
  memcpy(o->b + o->n, p, n);
  o->n += n;
}

/* tag, length, content */
static void tlv(buf *o, unsigned char tag, const buf *in) {
  unsigned char h[4] = {tag};
  size_t hn;
  if (in->n < 128) {
    h[1] = (unsigned char)in->n;
    hn = 2;
  } else if (in->n < 256) {
    h[1] = 0x81, h[2] = (unsigned char)in->n;
    hn = 3;
  } else {
    h[1] = 0x82, h[2] = (unsigned char)(in->n >> 8), h[3] = (unsigned char)in->n;
    hn = 4;
  }
  put(o, h, hn);
  put(o, in->b, in->n);
}

static void prim(buf *o, unsigned char tag, const void *p, size_t n) {
  buf t = {.n = 0};
  put(&t, p, n);
  tlv(o, tag, &t);
}

static const unsigned char OID_SHA1[] = {0x2b, 0x0e, 0x03, 0x02, 0x1a};
static const unsigned char OID_SHA256[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
static const unsigned char OID_NONCE[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02};

typedef struct {
  const unsigned char *alg;
  size_t alg_len;
  size_t name_len, key_len;
  const unsigned char *name_hash, *key_hash; /* NULL: filled with 0x11 / 0x22 */
  const unsigned char *serial;
  size_t serial_len;
  int nonce_len;                             /* -1: no nonce */
  int n_requests;
} req_spec;

static void build_request(const req_spec *s, buf *out) {
  buf alg = {.n = 0}, cid = {.n = 0}, one = {.n = 0}, list = {.n = 0}, tbs = {.n = 0};
  unsigned char nh[64], kh[64];
  memset(nh, 0x11, sizeof nh);
  memset(kh, 0x22, sizeof kh);
  prim(&alg, 0x06, s->alg, s->alg_len);
  put(&alg, "\x05\x00", 2);
  tlv(&cid, 0x30, &alg);
  prim(&cid, 0x04, s->name_hash != NULL ? s->name_hash : nh, s->name_len);
  prim(&cid, 0x04, s->key_hash != NULL ? s->key_hash : kh, s->key_len);
  prim(&cid, 0x02, s->serial, s->serial_len);
  buf certid = {.n = 0};
  tlv(&certid, 0x30, &cid);
  tlv(&one, 0x30, &certid);
  for (int i = 0; i < (s->n_requests > 0 ? s->n_requests : 1); i++)
    put(&list, one.b, one.n);
  tlv(&tbs, 0x30, &list);
  if (s->nonce_len >= 0) {
    unsigned char nonce[64];
    memset(nonce, 0x5a, sizeof nonce);
    buf inner = {.n = 0}, ext = {.n = 0}, exts = {.n = 0}, seq = {.n = 0}, tagged = {.n = 0};
    prim(&inner, 0x04, nonce, (size_t)s->nonce_len);
    prim(&ext, 0x06, OID_NONCE, sizeof OID_NONCE);
    prim(&ext, 0x04, inner.b, inner.n);
    tlv(&exts, 0x30, &ext);
    tlv(&seq, 0x30, &exts);
    tlv(&tagged, 0xa2, &seq); /* requestExtensions [2] EXPLICIT */
    put(&tbs, tagged.b, tagged.n);
  }
  buf top = {.n = 0};
  tlv(&top, 0x30, &tbs);
  out->n = 0;
  tlv(out, 0x30, &top);
}

static const unsigned char SERIAL[] = {0x4a, 0x01, 0x02, 0x03};

static req_spec sha1_spec(void) {
  return (req_spec){.alg = OID_SHA1, .alg_len = sizeof OID_SHA1, .name_len = 20, .key_len = 20,
                    .serial = SERIAL, .serial_len = sizeof SERIAL, .nonce_len = -1};
}

static casc_err parse(const buf *b, casc_ocsp_request *out) {
  casc_error e = {0};
  return casc_ocsp_request_parse(b->b, b->n, out, &e);
}

static void test_request_parse_ok(void **state) {
  (void)state;
  buf b;
  casc_ocsp_request q;
  req_spec s = sha1_spec();
  build_request(&s, &b);
  assert_int_equal(parse(&b, &q), CASC_OK);
  assert_int_equal(q.hash_nid, NID_sha1);
  assert_int_equal(q.hash_len, 20);
  assert_int_equal(q.serial_len, sizeof SERIAL);
  assert_memory_equal(q.serial, SERIAL, sizeof SERIAL);
  assert_false(q.has_nonce);
  assert_int_equal(q.n_requests, 1);

  s = (req_spec){.alg = OID_SHA256, .alg_len = sizeof OID_SHA256, .name_len = 32, .key_len = 32,
                 .serial = SERIAL, .serial_len = sizeof SERIAL, .nonce_len = 32, .n_requests = 3};
  build_request(&s, &b);
  assert_int_equal(parse(&b, &q), CASC_OK);
  assert_int_equal(q.hash_nid, NID_sha256);
  assert_true(q.has_nonce);
  assert_int_equal(q.nonce_len, 32);
  assert_int_equal(q.n_requests, 3);
  s.nonce_len = 1;
  build_request(&s, &b);
  assert_int_equal(parse(&b, &q), CASC_OK);
  assert_int_equal(q.nonce_len, 1);
}

/* An OCSPRequest around one CertID (alg with or without NULL parameters,
 * the given serial content octets), with optional raw pieces: before the
 * requestList (version, requestorName), after the CertID in the single
 * request, and after the tbsRequest (optionalSignature). */
typedef struct {
  bool alg_params;
  const unsigned char *serial;
  size_t serial_len;
  const buf *tbs_prefix, *single_suffix, *top_suffix, *tbs_suffix;
} raw_spec;

static void build_raw(const raw_spec *r, buf *out) {
  buf alg = {.n = 0}, cid = {.n = 0}, certid = {.n = 0}, one = {.n = 0}, single = {.n = 0},
      list = {.n = 0}, tbs = {.n = 0}, tbs_seq = {.n = 0}, top = {.n = 0};
  unsigned char h[20];
  memset(h, 0x11, sizeof h);
  prim(&alg, 0x06, OID_SHA1, sizeof OID_SHA1);
  if (r->alg_params)
    put(&alg, "\x05\x00", 2);
  tlv(&cid, 0x30, &alg);
  prim(&cid, 0x04, h, 20);
  prim(&cid, 0x04, h, 20);
  prim(&cid, 0x02, r->serial, r->serial_len);
  tlv(&certid, 0x30, &cid);
  put(&one, certid.b, certid.n);
  if (r->single_suffix != NULL)
    put(&one, r->single_suffix->b, r->single_suffix->n);
  tlv(&single, 0x30, &one);
  tlv(&list, 0x30, &single);
  if (r->tbs_prefix != NULL)
    put(&tbs, r->tbs_prefix->b, r->tbs_prefix->n);
  put(&tbs, list.b, list.n);
  if (r->tbs_suffix != NULL)
    put(&tbs, r->tbs_suffix->b, r->tbs_suffix->n);
  tlv(&tbs_seq, 0x30, &tbs);
  put(&top, tbs_seq.b, tbs_seq.n);
  if (r->top_suffix != NULL)
    put(&top, r->top_suffix->b, r->top_suffix->n);
  out->n = 0;
  tlv(out, 0x30, &top);
}

/* [tag] EXPLICIT Extensions holding one extension (critical or not). */
static void one_extension(buf *out, unsigned char tag, const unsigned char *oid, size_t oid_len,
                          bool critical) {
  buf ext = {.n = 0}, exts = {.n = 0}, seq = {.n = 0};
  prim(&ext, 0x06, oid, oid_len);
  if (critical)
    put(&ext, "\x01\x01\xff", 3);
  put(&ext, "\x04\x02\x05\x00", 4);
  tlv(&exts, 0x30, &ext);
  tlv(&seq, 0x30, &exts);
  out->n = 0;
  tlv(out, tag, &seq);
}

/* The strict DER reading: what clients send that DER allows, and what it
 * does not. */
static void test_request_parse_variants(void **state) {
  (void)state;
  buf b, piece;
  casc_ocsp_request q;
  static const unsigned char high[] = {0x00, 0x80, 0x01};
  raw_spec r = {.alg_params = false, .serial = high, .serial_len = sizeof high};
  /* no NULL parameters; a serial whose DER carries a sign octet: the
   * magnitude is what the store keys */
  build_raw(&r, &b);
  assert_int_equal(parse(&b, &q), CASC_OK);
  assert_int_equal(q.serial_len, 2);
  assert_memory_equal(q.serial, high + 1, 2);
  /* zero, and a non-minimal INTEGER */
  static const unsigned char zero[] = {0x00}, padded[] = {0x00, 0x01};
  r.serial = zero, r.serial_len = sizeof zero;
  build_raw(&r, &b);
  assert_int_equal(parse(&b, &q), CASC_ERR_PARSE);
  r.serial = padded, r.serial_len = sizeof padded;
  build_raw(&r, &b);
  assert_int_equal(parse(&b, &q), CASC_ERR_PARSE);
  r.serial = SERIAL, r.serial_len = sizeof SERIAL, r.alg_params = true;
  /* version v1 written out, and a requestorName: read past */
  static const unsigned char v1_name[] = {0xa0, 0x03, 0x02, 0x01, 0x00, 0xa1, 0x05,
                                          0x82, 0x03, 'a',  '.',  'b'};
  piece.n = 0;
  put(&piece, v1_name, sizeof v1_name);
  r.tbs_prefix = &piece;
  build_raw(&r, &b);
  assert_int_equal(parse(&b, &q), CASC_OK);
  assert_memory_equal(q.serial, SERIAL, sizeof SERIAL);
  /* another version */
  static const unsigned char v2[] = {0xa0, 0x03, 0x02, 0x01, 0x01};
  piece.n = 0;
  put(&piece, v2, sizeof v2);
  build_raw(&r, &b);
  assert_int_equal(parse(&b, &q), CASC_ERR_PARSE);
  r.tbs_prefix = NULL;
  /* an optionalSignature: read past */
  static const unsigned char sig[] = {0xa0, 0x02, 0x30, 0x00};
  piece.n = 0;
  put(&piece, sig, sizeof sig);
  r.top_suffix = &piece;
  build_raw(&r, &b);
  assert_int_equal(parse(&b, &q), CASC_OK);
  r.top_suffix = NULL;
  /* an unknown extension: ignored unless critical, in the request and in
   * the single request */
  static const unsigned char OID_OTHER[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x01};
  for (int where = 0; where < 2; where++) {
    for (int critical = 0; critical < 2; critical++) {
      one_extension(&piece, where == 0 ? 0xa2 : 0xa0, OID_OTHER, sizeof OID_OTHER, critical);
      r.tbs_suffix = where == 0 ? &piece : NULL;
      r.single_suffix = where == 1 ? &piece : NULL;
      build_raw(&r, &b);
      assert_int_equal(parse(&b, &q), critical ? CASC_ERR_PARSE : CASC_OK);
    }
  }
  /* an empty Extensions SEQUENCE (SIZE (1..MAX)) */
  static const unsigned char empty_exts[] = {0xa2, 0x02, 0x30, 0x00};
  piece.n = 0;
  put(&piece, empty_exts, sizeof empty_exts);
  r.tbs_suffix = &piece, r.single_suffix = NULL;
  build_raw(&r, &b);
  assert_int_equal(parse(&b, &q), CASC_ERR_PARSE);
}

static void test_request_parse_malformed(void **state) {
  (void)state;
  buf b;
  casc_ocsp_request q;
  casc_error e = {0};
  /* empty, garbage */
  assert_int_equal(casc_ocsp_request_parse((const unsigned char *)"", 0, &q, &e),
                   CASC_ERR_PARSE);
  static const unsigned char garbage[] = "GET / HTTP/1.1\r\n\r\n";
  assert_int_equal(casc_ocsp_request_parse(garbage, sizeof garbage, &q, &e), CASC_ERR_PARSE);
  static const unsigned char empty_seq[] = {0x30, 0x00};
  assert_int_equal(casc_ocsp_request_parse(empty_seq, sizeof empty_seq, &q, &e), CASC_ERR_PARSE);
  /* every truncation of a good request */
  req_spec s = sha1_spec();
  s.nonce_len = 16;
  build_request(&s, &b);
  for (size_t n = 0; n < b.n; n++)
    assert_int_equal(casc_ocsp_request_parse(b.b, n, &q, &e), CASC_ERR_PARSE);
  /* trailing bytes */
  buf t = b;
  put(&t, "\x00", 1);
  assert_int_equal(parse(&t, &q), CASC_ERR_PARSE);
  /* CertID hashes of the wrong length for their algorithm */
  s = sha1_spec();
  s.name_len = 32, s.key_len = 32;
  build_request(&s, &b);
  assert_int_equal(parse(&b, &q), CASC_ERR_PARSE);
  s = sha1_spec();
  s.key_len = 19;
  build_request(&s, &b);
  assert_int_equal(parse(&b, &q), CASC_ERR_PARSE);
  s = (req_spec){.alg = OID_SHA256, .alg_len = sizeof OID_SHA256, .name_len = 20, .key_len = 20,
                 .serial = SERIAL, .serial_len = sizeof SERIAL, .nonce_len = -1};
  build_request(&s, &b);
  assert_int_equal(parse(&b, &q), CASC_ERR_PARSE);
  /* an algorithm other than SHA-1 and SHA-256 (MD5) */
  static const unsigned char OID_MD5[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05};
  s = sha1_spec();
  s.alg = OID_MD5, s.alg_len = sizeof OID_MD5, s.name_len = 16, s.key_len = 16;
  build_request(&s, &b);
  assert_int_equal(parse(&b, &q), CASC_ERR_PARSE);
  /* nonces of 0 and 33 octets (RFC 9654: 1 to 32) */
  s = sha1_spec();
  s.nonce_len = 33;
  build_request(&s, &b);
  assert_int_equal(parse(&b, &q), CASC_ERR_PARSE);
  s.nonce_len = 0;
  build_request(&s, &b);
  assert_int_equal(parse(&b, &q), CASC_ERR_PARSE);
  /* a negative serial, and one longer than any casc accepts */
  static const unsigned char neg[] = {0xff, 0x01};
  s = sha1_spec();
  s.serial = neg, s.serial_len = sizeof neg;
  build_request(&s, &b);
  assert_int_equal(parse(&b, &q), CASC_ERR_PARSE);
  unsigned char longer[40];
  memset(longer, 0x33, sizeof longer);
  s.serial = longer, s.serial_len = sizeof longer;
  build_request(&s, &b);
  assert_int_equal(parse(&b, &q), CASC_ERR_PARSE);
  /* every single-byte corruption either parses or is refused: never a crash
   * (ASan watches) */
  s = sha1_spec();
  s.nonce_len = 8;
  build_request(&s, &b);
  for (size_t i = 0; i < b.n; i++) {
    buf c = b;
    c.b[i] ^= 0xff;
    (void)parse(&c, &q);
  }
}

static void test_request_from_url(void **state) {
  (void)state;
  unsigned char out[64];
  size_t n = 0;
  casc_error e = {0};
  const char *ok[] = {"MAMCAQA=", "MAMCAQA", "MAMCAQA%3D", "MAMC%41QA="};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    assert_int_equal(casc_ocsp_request_from_url(ok[i], strlen(ok[i]), out, sizeof out, &n, &e),
                     CASC_OK);
    assert_int_equal(n, 5);
    assert_memory_equal(out, "\x30\x03\x02\x01\x00", 5);
  }
  const char *bad[] = {"", "M", "MAMCAQA==", "MAMC AQA=", "MA=MCAQA", "MAMCAQB=", "%4", "%zz",
                       "MAMCAQA=x", "MAMCAQ\x01="};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (casc_ocsp_request_from_url(bad[i], strlen(bad[i]), out, sizeof out, &n, &e) !=
        CASC_ERR_PARSE)
      fail_msg("'%s' accepted", bad[i]);
  /* longer than the buffer */
  char big[200];
  memset(big, 'A', sizeof big);
  assert_int_equal(casc_ocsp_request_from_url(big, sizeof big, out, sizeof out, &n, &e),
                   CASC_ERR_PARSE);
}

static void test_refresh_rules(void **state) {
  (void)state;
  /* 4 days: 8 hours before nextUpdate */
  assert_int_equal(casc_ocsp_refresh_at(1000, 1000 + 4 * 86400), 1000 + 4 * 86400 - 8 * 3600);
  /* 10 days: no later than 4 days after thisUpdate */
  assert_int_equal(casc_ocsp_refresh_at(1000, 1000 + 10 * 86400), 1000 + 4 * 86400);
  /* 8 hours: at half */
  assert_int_equal(casc_ocsp_refresh_at(1000, 1000 + 8 * 3600), 1000 + 4 * 3600);
  /* the default validity is inside the BR window */
  assert_true(CASC_OCSP_VALIDITY >= 8 * 3600 && CASC_OCSP_VALIDITY <= 10 * 86400);
  size_t len;
  const unsigned char *r = casc_ocsp_error_response(CASC_OCSP_UNAUTHORIZED, &len);
  assert_int_equal(len, 5);
  assert_memory_equal(r, "\x30\x03\x0a\x01\x06", 5);
  r = casc_ocsp_error_response(CASC_OCSP_MALFORMED, &len);
  assert_memory_equal(r, "\x30\x03\x0a\x01\x01", 5);
}

/* --- responses from a real CA ---------------------------------------------- */

typedef struct {
  char tmp[PATH_MAX], dir[PATH_MAX];
  casc_ca *ca;
  casc_ocsp_responder *r;
  X509 *root, *issuing, *good, *revoked;
} fx;

static X509 *read_cert(const char *dir, const char *name) {
  char path[PATH_MAX], rel[128];
  snprintf(rel, sizeof rel, "certs/%s.pem", name);
  util_join(path, dir, rel);
  FILE *fp = fopen(path, "r");
  assert_non_null(fp);
  X509 *x = PEM_read_X509(fp, NULL, NULL, NULL);
  fclose(fp);
  assert_non_null(x);
  return x;
}

static X509 *issue(fx *f) {
  EVP_PKEY *key = NULL;
  casc_error e = {0};
  casc_issued out = {0};
  const char *dns[] = {"ocsp.casc-test.com"};
  assert_int_equal(casc_key_generate(CASC_KEY_EC_P256, &key, &e), CASC_OK);
  casc_issue_request req = {.profile = CASC_PROFILE_TLS_SERVER, .public_key = key, .dns = dns,
                            .n_dns = 1};
  if (casc_ca_issue(f->ca, &req, &out, &e) != CASC_OK)
    fail_msg("issue: %s", e.msg);
  X509 *x = out.cert;
  X509_up_ref(x);
  casc_issued_clear(&out);
  EVP_PKEY_free(key);
  return x;
}

static int fx_setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  casc_error e = {0};
  casc_init_opts opts = {.key_type = CASC_KEY_EC_P256};
  if (f == NULL || util_mkdtemp(f->tmp, "ocsp") != 0)
    return -1;
  util_join(f->dir, f->tmp, "ca");
  if (casc_ca_init(f->dir, &opts, &e) != CASC_OK || casc_ca_open(f->dir, &f->ca, &e) != CASC_OK ||
      casc_ocsp_responder_new(f->ca, &f->r, &e) != CASC_OK) {
    fprintf(stderr, "setup: %s\n", e.msg);
    return -1;
  }
  f->root = read_cert(f->dir, "root-ca");
  f->issuing = read_cert(f->dir, "issuing-ca");
  f->good = issue(f);
  f->revoked = issue(f);
  char serial[CASC_SERIAL_MAX];
  casc_cert_rec rec = {0};
  if (casc_serial_from_cert(f->revoked, serial, &e) != CASC_OK ||
      casc_ca_revoke(f->ca, serial, 1 /* keyCompromise */, 0, &rec, &e) != CASC_OK) {
    fprintf(stderr, "setup: %s\n", e.msg);
    return -1;
  }
  casc_cert_rec_clear(&rec);
  *state = f;
  return 0;
}

static int fx_teardown(void **state) {
  fx *f = *state;
  casc_ocsp_responder_free(f->r);
  casc_ca_close(f->ca);
  X509_free(f->root);
  X509_free(f->issuing);
  X509_free(f->good);
  X509_free(f->revoked);
  util_rmtree(f->tmp);
  free(f);
  ERR_clear_error();
  return 0;
}

/* A DER request for cert under issuer, as an OCSP client builds it. */
static void client_request(X509 *cert, X509 *issuer, const EVP_MD *md, bool nonce, buf *out,
                           OCSP_CERTID **id_out) {
  OCSP_REQUEST *req = OCSP_REQUEST_new();
  OCSP_CERTID *id = OCSP_cert_to_id(md, cert, issuer);
  assert_non_null(id);
  assert_non_null(OCSP_request_add0_id(req, OCSP_CERTID_dup(id)));
  if (nonce)
    assert_int_equal(OCSP_request_add1_nonce(req, NULL, 16), 1);
  unsigned char *p = out->b;
  int n = i2d_OCSP_REQUEST(req, NULL);
  assert_true(n > 0 && (size_t)n <= sizeof out->b);
  out->n = (size_t)i2d_OCSP_REQUEST(req, &p);
  *id_out = id;
  OCSP_REQUEST_free(req);
}

/* Parses and verifies a response as a relying party would; returns the
 * status and reason found for id. */
static int check_response(fx *f, const unsigned char *der, size_t len, OCSP_CERTID *id,
                          int *reason, const buf *req_der) {
  const unsigned char *p = der;
  OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
  assert_non_null(resp);
  assert_int_equal(OCSP_response_status(resp), OCSP_RESPONSE_STATUS_SUCCESSFUL);
  OCSP_BASICRESP *bs = OCSP_response_get1_basic(resp);
  assert_non_null(bs);
  X509_STORE *st = X509_STORE_new();
  STACK_OF(X509) *chain = sk_X509_new_null();
  X509_STORE_add_cert(st, f->root);
  sk_X509_push(chain, f->issuing);
  if (OCSP_basic_verify(bs, chain, st, 0) != 1)
    fail_msg("OCSP_basic_verify: %s", ERR_reason_error_string(ERR_peek_last_error()));
  if (req_der != NULL) {
    const unsigned char *q = req_der->b;
    OCSP_REQUEST *req = d2i_OCSP_REQUEST(NULL, &q, (long)req_der->n);
    assert_int_equal(OCSP_check_nonce(req, bs), 1); /* nonce present in both and equal */
    OCSP_REQUEST_free(req);
  }
  int status = -1;
  ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
  assert_int_equal(OCSP_resp_find_status(bs, id, &status, reason, &rev, &thisupd, &nextupd), 1);
  assert_int_equal(OCSP_check_validity(thisupd, nextupd, 300, -1), 1);
  int days = 0, secs = 0;
  assert_int_equal(ASN1_TIME_diff(&days, &secs, thisupd, nextupd), 1);
  assert_int_equal(days * 86400 + secs, CASC_OCSP_VALIDITY);
  sk_X509_free(chain);
  X509_STORE_free(st);
  OCSP_BASICRESP_free(bs);
  OCSP_RESPONSE_free(resp);
  return status;
}

static int ask(fx *f, X509 *cert, const EVP_MD *md, bool nonce, int *reason) {
  buf req;
  OCSP_CERTID *id = NULL;
  unsigned char *der = NULL;
  size_t len = 0;
  casc_error e = {0};
  client_request(cert, f->issuing, md, nonce, &req, &id);
  if (casc_ocsp_answer_from_store(f->r, casc_ca_store(f->ca), req.b, req.n, casc_now(), &der,
                                  &len, &e) != CASC_OK)
    fail_msg("answer: %s", e.msg);
  int status = check_response(f, der, len, id, reason, nonce ? &req : NULL);
  OPENSSL_free(der);
  OCSP_CERTID_free(id);
  return status;
}

static void test_answers(void **state) {
  fx *f = *state;
  int reason = -2;
  assert_int_equal(ask(f, f->good, EVP_sha1(), false, &reason), V_OCSP_CERTSTATUS_GOOD);
  assert_int_equal(ask(f, f->good, EVP_sha256(), true, &reason), V_OCSP_CERTSTATUS_GOOD);
  assert_int_equal(ask(f, f->revoked, EVP_sha1(), true, &reason), V_OCSP_CERTSTATUS_REVOKED);
  assert_int_equal(reason, OCSP_REVOKED_STATUS_KEYCOMPROMISE);
  assert_int_equal(ask(f, f->revoked, EVP_sha256(), false, &reason), V_OCSP_CERTSTATUS_REVOKED);

  /* a serial the issuing CA never issued: unknown, still signed */
  X509 *other = X509_dup(f->good);
  ASN1_INTEGER *sn = ASN1_INTEGER_new();
  ASN1_INTEGER_set_int64(sn, 0x1234567);
  X509_set_serialNumber(other, sn);
  assert_int_equal(ask(f, other, EVP_sha1(), false, &reason), V_OCSP_CERTSTATUS_UNKNOWN);
  ASN1_INTEGER_free(sn);
  X509_free(other);

  /* an issuer this responder does not serve: the root (see casc/ocsp.h) */
  buf req;
  OCSP_CERTID *id = NULL;
  unsigned char *der = NULL;
  size_t len = 0;
  casc_error e = {0};
  client_request(f->issuing, f->root, EVP_sha1(), false, &req, &id);
  assert_int_equal(casc_ocsp_answer_from_store(f->r, casc_ca_store(f->ca), req.b, req.n,
                                               casc_now(), &der, &len, &e),
                   CASC_ERR_NOT_FOUND);
  OCSP_CERTID_free(id);
  /* malformed */
  assert_int_equal(casc_ocsp_answer_from_store(f->r, casc_ca_store(f->ca), req.b, req.n - 1,
                                               casc_now(), &der, &len, &e),
                   CASC_ERR_PARSE);
}

struct rows {
  int n_good, n_revoked;
  int64_t max_id;
};

static casc_err count_rows(const casc_ocsp_row *row, void *arg, casc_error *e) {
  struct rows *r = arg;
  (void)e;
  if (row->status == 1)
    r->n_revoked++;
  else
    r->n_good++;
  if (row->id > r->max_id)
    r->max_id = row->id;
  assert_true(row->next_update - row->this_update == CASC_OCSP_VALIDITY);
  assert_true(row->refresh_at > row->this_update && row->refresh_at < row->next_update);
  return CASC_OK;
}

static void test_presign(void **state) {
  fx *f = *state;
  casc_store *s = casc_ca_store(f->ca);
  casc_ocsp_presign_report rep;
  casc_error e = {0};
  time_t now = casc_now();
  if (casc_ocsp_presign(f->r, s, now, NULL, NULL, &rep, &e) != CASC_OK)
    fail_msg("presign: %s", e.msg);
  /* 2 leaves, 3 OCSP signers, the TSA; the root's CA certificates skipped */
  assert_int_equal(rep.signed_count, 6);
  struct rows r = {0};
  assert_int_equal(casc_store_ocsp_since(s, 0, count_rows, &r, &e), CASC_OK);
  assert_int_equal(r.n_good, 5);
  assert_int_equal(r.n_revoked, 1);
  /* nothing is due a second time */
  assert_int_equal(casc_ocsp_presign(f->r, s, now + 10, NULL, NULL, &rep, &e), CASC_OK);
  assert_int_equal(rep.signed_count, 0);
  /* ... until the refresh time */
  assert_int_equal(casc_ocsp_presign(f->r, s, casc_ocsp_refresh_at(now, now + CASC_OCSP_VALIDITY),
                                     NULL, NULL, &rep, &e),
                   CASC_OK);
  assert_int_equal(rep.signed_count, 6);

  /* a revocation is queued and re-signed; a poller sees only the change */
  int64_t seen = 0;
  r = (struct rows){0};
  assert_int_equal(casc_store_ocsp_since(s, 0, count_rows, &r, &e), CASC_OK);
  seen = r.max_id;
  char serial[CASC_SERIAL_MAX];
  casc_cert_rec rec = {0};
  assert_int_equal(casc_serial_from_cert(f->good, serial, &e), CASC_OK);
  assert_int_equal(casc_ca_revoke(f->ca, serial, 4 /* superseded */, 0, &rec, &e), CASC_OK);
  casc_cert_rec_clear(&rec);
  assert_int_equal(casc_ocsp_after_revoke(f->ca, serial, &e), CASC_OK);
  r = (struct rows){0};
  assert_int_equal(casc_store_ocsp_since(s, seen, count_rows, &r, &e), CASC_OK);
  assert_int_equal(r.n_revoked, 1);
  assert_int_equal(r.n_good, 0);
  size_t n = 0;
  assert_int_equal(casc_ocsp_presign_pending(f->r, s, now, &n, &e), CASC_OK);
  assert_int_equal(n, 1); /* the queue held it too */
  assert_int_equal(casc_ocsp_presign_pending(f->r, s, now, &n, &e), CASC_OK);
  assert_int_equal(n, 0);

  /* a stale "good" never replaces a "revoked" */
  casc_ocsp_row stale = {.issuer_id = rec.issuer_id, .status = 0, .reason = -1,
                         .this_update = now, .next_update = now + 10, .refresh_at = now + 5,
                         .der = (const unsigned char *)"x", .der_len = 1};
  assert_int_equal(casc_store_cert_get(s, serial, &rec, &e), CASC_OK);
  stale.issuer_id = rec.issuer_id;
  casc_cert_rec_clear(&rec);
  memcpy(stale.serial, serial, sizeof stale.serial);
  r = (struct rows){0};
  assert_int_equal(casc_store_ocsp_since(s, 0, count_rows, &r, &e), CASC_OK);
  seen = r.max_id;
  assert_int_equal(casc_store_ocsp_put(s, &stale, &e), CASC_OK);
  r = (struct rows){0};
  assert_int_equal(casc_store_ocsp_since(s, seen, count_rows, &r, &e), CASC_OK);
  assert_int_equal(r.n_good + r.n_revoked, 0);
}

/* DER of an OpenSSL object, for byte comparisons. */
#define I2D(type, obj, out, len)                                                              \
  do {                                                                                        \
    (out) = NULL;                                                                             \
    (len) = i2d_##type((obj), &(out));                                                        \
    assert_true((len) > 0);                                                                   \
  } while (0)

/* Template-made responses: verified as a relying party would, and equal
 * field by field to what OCSP_basic_sign makes for the same inputs. */
static void test_template(void **state) {
  fx *f = *state;
  casc_error e = {0};
  casc_ocsp_encoder *enc = casc_ocsp_encoder_new();
  int i = casc_ocsp_responder_index(f->r, casc_ocsp_responder_issuer_id(f->r, 0));
  assert_non_null(enc);
  assert_true(i >= 0);
  /* the issuing CA's index: the one whose certificate is f->issuing */
  for (size_t k = 0; k < f->r->n; k++)
    if (X509_cmp(f->r->issuers[k].cert, f->issuing) == 0)
      i = (int)k;
  static const unsigned char serials[][20] = {
      {0x4a, 0x01, 0x02, 0x03},
      {0x80, 0x00, 0x00, 0x01}, /* high bit: a 0x00 goes in front */
      {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
  };
  static const size_t serial_lens[] = {4, 4, 20};
  const casc_ocsp_status statuses[] = {
      {.status = CASC_OCSP_GOOD, .reason = -1},
      {.status = CASC_OCSP_REVOKED, .revoked_at = 1700000000, .reason = 1},
      {.status = CASC_OCSP_REVOKED, .revoked_at = 1700000001, .reason = 0},
      {.status = CASC_OCSP_REVOKED, .revoked_at = 1700000002, .reason = -1},
      {.status = CASC_OCSP_UNKNOWN, .reason = -1},
  };
  const int expect[] = {V_OCSP_CERTSTATUS_GOOD, V_OCSP_CERTSTATUS_REVOKED,
                        V_OCSP_CERTSTATUS_REVOKED, V_OCSP_CERTSTATUS_REVOKED,
                        V_OCSP_CERTSTATUS_UNKNOWN};
  for (size_t a = 0; a < 3; a++) {
    for (size_t b = 0; b < sizeof statuses / sizeof statuses[0]; b++) {
      time_t now = casc_now();
      unsigned char *tder = NULL, *oder = NULL;
      size_t tlen = 0, olen = 0;
      if (casc_ocsp_sign_template(f->r, i, enc, serials[a], serial_lens[a], &statuses[b], now,
                                  &tder, &tlen, &e) != CASC_OK)
        fail_msg("template: %s", e.msg);
      assert_int_equal(casc_ocsp_sign(f->r, i, NID_sha1, serials[a], serial_lens[a],
                                      &statuses[b], NULL, 0, now, &oder, &olen, &e),
                       CASC_OK);
      /* verified against the chain, status found under its CertID */
      ASN1_INTEGER *sn = ASN1_INTEGER_new();
      ASN1_STRING_set(sn, serials[a], (int)serial_lens[a]);
      OCSP_CERTID *id = OCSP_cert_id_new(EVP_sha1(), X509_get_subject_name(f->issuing),
                                         X509_get0_pubkey_bitstr(f->issuing), sn);
      int reason = -2;
      assert_int_equal(check_response(f, tder, tlen, id, &reason, NULL), expect[b]);
      if (statuses[b].status == CASC_OCSP_REVOKED)
        assert_int_equal(reason, statuses[b].reason);

      /* field by field against OpenSSL's encoding */
      const unsigned char *p = tder, *q = oder;
      OCSP_RESPONSE *tr = d2i_OCSP_RESPONSE(NULL, &p, (long)tlen);
      OCSP_RESPONSE *or = d2i_OCSP_RESPONSE(NULL, &q, (long)olen);
      assert_true(p == tder + tlen); /* no trailing bytes */
      OCSP_BASICRESP *tb = OCSP_response_get1_basic(tr), *ob = OCSP_response_get1_basic(or);
      unsigned char *x = NULL, *y = NULL;
      int xn = 0, yn = 0;
      /* re-encoding what was parsed gives the same bytes: DER throughout */
      I2D(OCSP_RESPONSE, tr, x, xn);
      assert_int_equal(xn, (int)tlen);
      assert_memory_equal(x, tder, tlen);
      OPENSSL_free(x);
      /* the SingleResponse */
      I2D(OCSP_SINGLERESP, OCSP_resp_get0(tb, 0), x, xn);
      I2D(OCSP_SINGLERESP, OCSP_resp_get0(ob, 0), y, yn);
      assert_int_equal(OCSP_resp_count(tb), 1);
      assert_int_equal(xn, yn);
      assert_memory_equal(x, y, (size_t)xn);
      OPENSSL_free(x);
      OPENSSL_free(y);
      /* responderID */
      const ASN1_OCTET_STRING *tk = NULL, *ok = NULL;
      const X509_NAME *nm = NULL;
      assert_int_equal(OCSP_resp_get0_id(tb, &tk, &nm), 1);
      assert_int_equal(OCSP_resp_get0_id(ob, &ok, &nm), 1);
      assert_non_null(tk);
      assert_int_equal(ASN1_OCTET_STRING_cmp(tk, ok), 0);
      /* signatureAlgorithm */
      I2D(X509_ALGOR, OCSP_resp_get0_tbs_sigalg(tb), x, xn);
      I2D(X509_ALGOR, OCSP_resp_get0_tbs_sigalg(ob), y, yn);
      assert_int_equal(xn, yn);
      assert_memory_equal(x, y, (size_t)xn);
      OPENSSL_free(x);
      OPENSSL_free(y);
      /* certs */
      const STACK_OF(X509) *tc = OCSP_resp_get0_certs(tb), *oc = OCSP_resp_get0_certs(ob);
      assert_int_equal(sk_X509_num(tc), 1);
      assert_int_equal(sk_X509_num(oc), 1);
      assert_int_equal(X509_cmp(sk_X509_value(tc, 0), sk_X509_value(oc, 0)), 0);
      /* producedAt is `now`; when the wall clock agreed, all of
       * tbsResponseData is the same bytes */
      const ASN1_GENERALIZEDTIME *tp = OCSP_resp_get0_produced_at(tb);
      const ASN1_GENERALIZEDTIME *op = OCSP_resp_get0_produced_at(ob);
      assert_int_equal(ASN1_TIME_cmp_time_t(tp, now), 0);
      assert_int_equal(tp->type, V_ASN1_GENERALIZEDTIME);
      if (ASN1_STRING_cmp(tp, op) == 0) {
        I2D(OCSP_RESPDATA, OCSP_resp_get0_respdata(tb), x, xn);
        I2D(OCSP_RESPDATA, OCSP_resp_get0_respdata(ob), y, yn);
        assert_int_equal(xn, yn);
        assert_memory_equal(x, y, (size_t)xn);
        OPENSSL_free(x);
        OPENSSL_free(y);
      }
      OCSP_BASICRESP_free(tb);
      OCSP_BASICRESP_free(ob);
      OCSP_RESPONSE_free(tr);
      OCSP_RESPONSE_free(or);
      OCSP_CERTID_free(id);
      ASN1_INTEGER_free(sn);
      OPENSSL_free(tder);
      OPENSSL_free(oder);
    }
  }
  casc_ocsp_encoder_free(enc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_request_parse_ok),
      cmocka_unit_test(test_request_parse_malformed),
      cmocka_unit_test(test_request_parse_variants),
      cmocka_unit_test(test_request_from_url),
      cmocka_unit_test(test_refresh_rules),
      cmocka_unit_test_setup_teardown(test_answers, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_presign, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_template, fx_setup, fx_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
