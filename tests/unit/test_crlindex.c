/* Unit tests of the CRL index (casc/crlindex.h): CRLs written here with
 * the DER writer and signed with EVP_DigestSign, then indexed, verified
 * and looked up; OpenSSL's d2i_X509_CRL checks that the well-formed ones
 * are CRLs indeed. Malformed input: every truncation, bad tags, non-DER
 * lengths, trailing bytes, bad serials and times, unknown critical
 * extensions; a large unsorted CRL, serials that share their first
 * octets; the IssuingDistributionPoint scope rules; the disk cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "casc/crlindex.h"
#include "casc/der.h"
#include "unit_util.h"

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#define T0 ((time_t)1795000000) /* 2026-11-19 */
#define DAY 86400

typedef struct {
  unsigned char serial[70];
  size_t len;
  int reason;          /* -1: none */
  time_t invalidity;   /* 0: none */
  bool unknown_critical;
} entry;

typedef struct {
  bool v1;                 /* no version, no extensions */
  const char *idp_uri;     /* IssuingDistributionPoint with this URI */
  bool idp_user_only, idp_ca_only;
  bool delta;
  bool unknown_critical;   /* a critical CRL extension nobody knows */
  time_t this_update, next_update;
  const unsigned char *algid; /* raw AlgorithmIdentifier; NULL: ecdsa-with-SHA256 */
  size_t algid_len;
  bool pss;                   /* sign with RSASSA-PSS, SHA-256, salt 32 */
} crl_opts;

static EVP_PKEY *new_key(void) {
  EVP_PKEY *k = EVP_EC_gen("P-256");
  assert_non_null(k);
  return k;
}

static X509 *new_cert(const char *cn, EVP_PKEY *key, EVP_PKEY *signer, bool ca,
                      bool crl_sign_ku) {
  X509 *x = X509_new();
  assert_non_null(x);
  X509_set_version(x, 2);
  static long next_serial = 1;
  ASN1_INTEGER_set(X509_get_serialNumber(x), next_serial++);
  X509_NAME *n = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
  X509_set_issuer_name(x, n);
  X509_gmtime_adj(X509_getm_notBefore(x), -DAY);
  X509_gmtime_adj(X509_getm_notAfter(x), 365 * DAY);
  X509_set_pubkey(x, key);
  if (ca) {
    BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();
    bc->ca = 0xff;
    X509_add1_ext_i2d(x, NID_basic_constraints, bc, 1, 0);
    BASIC_CONSTRAINTS_free(bc);
  }
  if (!crl_sign_ku) {
    ASN1_BIT_STRING *ku = ASN1_BIT_STRING_new();
    ASN1_BIT_STRING_set_bit(ku, 0, 1); /* digitalSignature only */
    X509_add1_ext_i2d(x, NID_key_usage, ku, 1, 0);
    ASN1_BIT_STRING_free(ku);
  }
  assert_true(X509_sign(x, signer, EVP_sha256()) > 0);
  return x;
}

/* The fixture: an issuer, another CA with the same name but its own key,
 * and two subjects (a leaf, a CA). */
typedef struct {
  EVP_PKEY *key, *other_key;
  X509 *issuer, *impostor, *leaf, *sub_ca;
  char dir[PATH_MAX];
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  f->key = new_key();
  f->other_key = new_key();
  f->issuer = new_cert("Test CA", f->key, f->key, true, true);
  f->impostor = new_cert("Test CA", f->other_key, f->other_key, true, true);
  f->leaf = new_cert("leaf", f->other_key, f->key, false, true);
  f->sub_ca = new_cert("sub", f->other_key, f->key, true, true);
  assert_int_equal(util_mkdtemp(f->dir, "crlindex"), 0);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  EVP_PKEY_free(f->key);
  EVP_PKEY_free(f->other_key);
  X509_free(f->issuer);
  X509_free(f->impostor);
  X509_free(f->leaf);
  X509_free(f->sub_ca);
  util_rmtree(f->dir);
  free(f);
  return 0;
}

static void ext(casc_der_buf *b, const char *oid, bool critical, const void *val, size_t n) {
  casc_der_begin(b, CASC_DER_SEQUENCE);
  casc_der_oid(b, oid);
  if (critical)
    casc_der_boolean(b, CASC_DER_BOOLEAN, true);
  casc_der_tlv(b, CASC_DER_OCTET_STRING, val, n);
  casc_der_end(b);
}

/* A signed CRL of n entries, as DER (free()). */
static unsigned char *make_crl(X509 *issuer, EVP_PKEY *key, const entry *ents, size_t n,
                               const crl_opts *o, size_t *len) {
  casc_der_buf tbs, out;
  casc_der_buf_init(&tbs);
  casc_der_buf_init(&out);
  casc_der_begin(&tbs, CASC_DER_SEQUENCE);
  if (!o->v1)
    casc_der_int64(&tbs, 1);
  if (o->algid != NULL) {
    casc_der_raw(&tbs, o->algid, o->algid_len);
  } else {
    casc_der_begin(&tbs, CASC_DER_SEQUENCE);
    casc_der_oid(&tbs, "1.2.840.10045.4.3.2");
    casc_der_end(&tbs);
  }
  unsigned char *name = NULL;
  int nl = i2d_X509_NAME(X509_get_subject_name(issuer), &name);
  casc_der_raw(&tbs, name, (size_t)nl);
  OPENSSL_free(name);
  casc_der_time(&tbs, o->this_update != 0 ? o->this_update : T0);
  if (o->next_update != -1)
    casc_der_time(&tbs, o->next_update != 0 ? o->next_update : T0 + 7 * DAY);
  if (n > 0) {
    casc_der_begin(&tbs, CASC_DER_SEQUENCE);
    for (size_t i = 0; i < n; i++) {
      casc_der_begin(&tbs, CASC_DER_SEQUENCE);
      casc_der_tlv(&tbs, CASC_DER_INTEGER, ents[i].serial, ents[i].len);
      casc_der_time(&tbs, T0 - DAY + (time_t)i);
      if (ents[i].reason >= 0 || ents[i].invalidity != 0 || ents[i].unknown_critical) {
        casc_der_begin(&tbs, CASC_DER_SEQUENCE);
        if (ents[i].reason >= 0) {
          unsigned char r[3] = {CASC_DER_ENUMERATED, 1, (unsigned char)ents[i].reason};
          ext(&tbs, "2.5.29.21", false, r, 3);
        }
        if (ents[i].invalidity != 0) {
          casc_der_buf t;
          casc_der_buf_init(&t);
          casc_der_generalized_time(&t, ents[i].invalidity);
          ext(&tbs, "2.5.29.24", false, t.data, t.len);
          casc_der_buf_free(&t);
        }
        if (ents[i].unknown_critical)
          ext(&tbs, "1.2.3.4.5", true, "\x05\x00", 2);
        casc_der_end(&tbs);
      }
      casc_der_end(&tbs);
    }
    casc_der_end(&tbs);
  }
  if (!o->v1) {
    casc_der_begin(&tbs, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0);
    casc_der_begin(&tbs, CASC_DER_SEQUENCE);
    ext(&tbs, "2.5.29.20", false, "\x02\x02\x01\x00", 4); /* CRLNumber 256 */
    if (o->idp_uri != NULL) {
      casc_der_buf idp;
      casc_der_buf_init(&idp);
      casc_der_begin(&idp, CASC_DER_SEQUENCE);
      casc_der_begin(&idp, 0xa0);
      casc_der_begin(&idp, 0xa0);
      casc_der_tlv(&idp, 0x86, o->idp_uri, strlen(o->idp_uri));
      casc_der_end(&idp);
      casc_der_end(&idp);
      if (o->idp_user_only)
        casc_der_tlv(&idp, 0x81, "\xff", 1);
      if (o->idp_ca_only)
        casc_der_tlv(&idp, 0x82, "\xff", 1);
      casc_der_end(&idp);
      assert_false(casc_der_buf_failed(&idp));
      ext(&tbs, "2.5.29.28", true, idp.data, idp.len);
      casc_der_buf_free(&idp);
    }
    if (o->delta)
      ext(&tbs, "2.5.29.27", true, "\x02\x01\x01", 3);
    if (o->unknown_critical)
      ext(&tbs, "1.2.3.4.6", true, "\x05\x00", 2);
    casc_der_end(&tbs);
    casc_der_end(&tbs);
  }
  casc_der_end(&tbs);
  assert_false(casc_der_buf_failed(&tbs));

  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  unsigned char sig[1024];
  size_t siglen = sizeof sig - 1;
  EVP_PKEY_CTX *pctx = NULL;
  assert_int_equal(EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL, key), 1);
  if (o->pss) {
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()), 1);
  }
  assert_int_equal(EVP_DigestSign(ctx, sig + 1, &siglen, tbs.data, tbs.len), 1);
  EVP_MD_CTX_free(ctx);
  sig[0] = 0;
  casc_der_begin(&out, CASC_DER_SEQUENCE);
  casc_der_raw(&out, tbs.data, tbs.len);
  if (o->algid != NULL) {
    casc_der_raw(&out, o->algid, o->algid_len);
  } else {
    casc_der_begin(&out, CASC_DER_SEQUENCE);
    casc_der_oid(&out, "1.2.840.10045.4.3.2");
    casc_der_end(&out);
  }
  casc_der_tlv(&out, CASC_DER_BIT_STRING, sig, siglen + 1);
  casc_der_end(&out);
  assert_false(casc_der_buf_failed(&out));
  casc_der_buf_free(&tbs);
  *len = out.len;
  return out.data; /* the buffer's storage is the caller's now */
}

static void serial_of(entry *e, uint64_t v) {
  unsigned char mag[8];
  for (int i = 7; i >= 0; i--, v >>= 8)
    mag[i] = (unsigned char)v;
  size_t s = 0;
  while (s < 7 && mag[s] == 0)
    s++;
  e->len = 0;
  if (mag[s] & 0x80)
    e->serial[e->len++] = 0;
  memcpy(e->serial + e->len, mag + s, 8 - s);
  e->len += 8 - s;
  e->reason = -1;
  e->invalidity = 0;
  e->unknown_critical = false;
}

static casc_crl_index *load_ok(const unsigned char *der, size_t len) {
  casc_crl_index *ix = NULL;
  casc_error e = {0};
  if (casc_crl_index_load(der, len, &ix, &e) != CASC_OK)
    fail_msg("load: %s", e.msg);
  /* and OpenSSL agrees it is a CRL */
  const unsigned char *p = der;
  X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
  assert_non_null(crl);
  X509_CRL_free(crl);
  return ix;
}

static casc_err load_rc(const unsigned char *der, size_t len, char *msg) {
  casc_crl_index *ix = NULL;
  casc_error e = {0};
  casc_err rc = casc_crl_index_load(der, len, &ix, &e);
  if (msg != NULL)
    snprintf(msg, 512, "%s", e.msg);
  if (rc == CASC_OK)
    assert_non_null(ix);
  else
    assert_null(ix);
  casc_crl_index_free(ix);
  return rc;
}

static void test_lookup_and_verify(void **state) {
  fixture *f = *state;
  entry ents[4];
  serial_of(&ents[0], 0x90);        /* needs a leading zero octet */
  serial_of(&ents[1], 5);
  serial_of(&ents[2], 0x123456789aULL);
  serial_of(&ents[3], 7);
  ents[0].reason = 1;
  ents[0].invalidity = T0 - 3 * DAY;
  ents[2].reason = 4;
  crl_opts o = {0};
  size_t len;
  unsigned char *der = make_crl(f->issuer, f->key, ents, 4, &o, &len);
  casc_crl_index *ix = load_ok(der, len);
  casc_error e = {0};
  const casc_crl_index_info *in = casc_crl_index_get_info(ix);
  assert_int_equal(in->entries, 4);
  assert_int_equal(in->this_update, T0);
  assert_int_equal(in->next_update, T0 + 7 * DAY);
  assert_true(in->has_number);
  assert_string_equal(in->number_hex, "0100");
  assert_false(in->has_idp);
  if (casc_crl_index_verify(ix, f->issuer, &e) != CASC_OK)
    fail_msg("verify: %s", e.msg);
  assert_int_equal(casc_crl_index_verify(ix, f->impostor, &e), CASC_ERR_INTEGRITY);
  assert_int_equal(casc_crl_index_verify(ix, f->leaf, &e), CASC_ERR_INTEGRITY); /* name */
  for (int i = 0; i < 4; i++) {
    bool found = false;
    casc_crl_index_entry ent;
    assert_int_equal(casc_crl_index_lookup(ix, ents[i].serial, ents[i].len, &found, &ent, &e),
                     CASC_OK);
    assert_true(found);
    assert_int_equal(ent.revocation_date, T0 - DAY + i);
    assert_int_equal(ent.reason, ents[i].reason);
    assert_int_equal(ent.has_invalidity_date, ents[i].invalidity != 0);
    if (ents[i].invalidity != 0)
      assert_int_equal(ent.invalidity_date, ents[i].invalidity);
  }
  entry miss;
  serial_of(&miss, 6);
  bool found = true;
  assert_int_equal(casc_crl_index_lookup(ix, miss.serial, miss.len, &found, NULL, &e), CASC_OK);
  assert_false(found);
  /* 0x90 without its zero octet is another (negative) number */
  unsigned char neg[] = {0x90};
  assert_int_equal(casc_crl_index_lookup(ix, neg, 1, &found, NULL, &e), CASC_OK);
  assert_false(found);
  casc_crl_index_free(ix);

  /* one flipped bit in the TBS (a reason code) breaks the signature */
  unsigned char *p = memmem(der, len, "\x0a\x01\x04", 3);
  assert_non_null(p);
  p[2] = 0x05;
  ix = load_ok(der, len);
  assert_int_equal(casc_crl_index_verify(ix, f->issuer, &e), CASC_ERR_INTEGRITY);
  casc_crl_index_free(ix);
  free(der);
}

static void test_issuer_without_crl_sign(void **state) {
  fixture *f = *state;
  X509 *no_ku = new_cert("Test CA", f->key, f->key, true, false);
  crl_opts o = {0};
  size_t len;
  unsigned char *der = make_crl(f->issuer, f->key, NULL, 0, &o, &len);
  casc_crl_index *ix = load_ok(der, len);
  casc_error e = {0};
  assert_int_equal(casc_crl_index_get_info(ix)->entries, 0);
  assert_int_equal(casc_crl_index_verify(ix, f->issuer, &e), CASC_OK);
  assert_int_equal(casc_crl_index_verify(ix, no_ku, &e), CASC_ERR_INTEGRITY);
  assert_non_null(strstr(e.msg, "cRLSign"));
  casc_crl_index_free(ix);
  free(der);
  X509_free(no_ku);
}

/* RSASSA-PSS (SHA-256, MGF1 with SHA-256, salt 32), as RFC 4055 writes
 * its parameters; a PKCS#1 v1.5 signature under the same identifier fails;
 * and plain sha256WithRSAEncryption. */
static void test_rsa_pss(void **state) {
  (void)state;
  static const unsigned char pss_algid[] = {
      0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30,
      0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
      0x02, 0x01, 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
      0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
      0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20};
  EVP_PKEY *rsa = EVP_RSA_gen(2048);
  assert_non_null(rsa);
  X509 *ca = new_cert("RSA CA", rsa, rsa, true, true);
  entry ents[1];
  serial_of(&ents[0], 99);
  crl_opts o = {.algid = pss_algid, .algid_len = sizeof pss_algid, .pss = true};
  size_t len;
  unsigned char *der = make_crl(ca, rsa, ents, 1, &o, &len);
  casc_crl_index *ix = load_ok(der, len);
  casc_error e = {0};
  if (casc_crl_index_verify(ix, ca, &e) != CASC_OK)
    fail_msg("verify: %s", e.msg);
  const unsigned char *p = der;
  X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
  assert_int_equal(X509_CRL_verify(crl, rsa), 1); /* OpenSSL agrees */
  X509_CRL_free(crl);
  casc_crl_index_free(ix);
  free(der);
  o.pss = false;
  der = make_crl(ca, rsa, ents, 1, &o, &len);
  ix = load_ok(der, len);
  assert_int_equal(casc_crl_index_verify(ix, ca, &e), CASC_ERR_INTEGRITY);
  casc_crl_index_free(ix);
  free(der);
  /* sha256WithRSAEncryption (PKCS#1 v1.5) */
  static const unsigned char rsa_algid[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                            0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00};
  crl_opts v15 = {.algid = rsa_algid, .algid_len = sizeof rsa_algid};
  der = make_crl(ca, rsa, ents, 1, &v15, &len);
  ix = load_ok(der, len);
  assert_int_equal(casc_crl_index_verify(ix, ca, &e), CASC_OK);
  casc_crl_index_free(ix);
  free(der);
  X509_free(ca);
  EVP_PKEY_free(rsa);
}

static void test_truncated_everywhere(void **state) {
  fixture *f = *state;
  entry ents[3];
  for (int i = 0; i < 3; i++)
    serial_of(&ents[i], 1000 + (uint64_t)i);
  ents[1].reason = 1;
  crl_opts o = {.idp_uri = "http://x.example/crl/1.crl"};
  size_t len;
  unsigned char *der = make_crl(f->issuer, f->key, ents, 3, &o, &len);
  for (size_t n = 0; n < len; n++) {
    unsigned char *copy = malloc(n > 0 ? n : 1);
    memcpy(copy, der, n);
    assert_int_equal(load_rc(copy, n, NULL), CASC_ERR_PARSE);
    free(copy);
  }
  /* and one byte too many */
  unsigned char *more = malloc(len + 1);
  memcpy(more, der, len);
  more[len] = 0;
  char msg[512];
  assert_int_equal(load_rc(more, len + 1, msg), CASC_ERR_PARSE);
  assert_non_null(strstr(msg, "trailing"));
  free(more);
  free(der);
}

/* Finds needle in the CRL and applies a change there; the result must be
 * refused with a message containing want. */
static void mutate(fixture *f, const entry *ents, size_t n, const crl_opts *o,
                   const char *needle, size_t nlen, ptrdiff_t at, unsigned char to,
                   const char *want) {
  size_t len;
  unsigned char *der = make_crl(f->issuer, f->key, ents, n, o, &len);
  unsigned char *p = memmem(der, len, needle, nlen);
  assert_non_null(p);
  p[at] = to;
  char msg[512];
  assert_int_equal(load_rc(der, len, msg), CASC_ERR_PARSE);
  if (strstr(msg, want) == NULL)
    fail_msg("wanted '%s' in '%s'", want, msg);
  free(der);
}

static void test_malformed(void **state) {
  fixture *f = *state;
  entry ents[2];
  serial_of(&ents[0], 0x1234);
  serial_of(&ents[1], 0x5678);
  crl_opts o = {0};
  /* an entry's SEQUENCE tag turned into a SET */
  mutate(f, ents, 2, &o, "\x02\x02\x12\x34", 4, -2, 0x31, "entry 1");
  /* the serial INTEGER tagged as an OCTET STRING */
  mutate(f, ents, 2, &o, "\x02\x02\x56\x78", 4, 0, 0x04, "entry 2");
  /* a non-minimal INTEGER: 00 12 34 would need a length change; 0x00 0x56 */
  mutate(f, ents, 2, &o, "\x02\x02\x56\x78", 4, 2, 0x00, "minimal");
  /* a revocation date that is not a time */
  mutate(f, ents, 2, &o, "\x02\x02\x12\x34\x17\x0d", 6, 4, 0x04, "revocationDate");
  /* a month 13 in thisUpdate: only the entry is checked at load, so make
   * it the CRL's thisUpdate (the first UTCTime) */
  {
    size_t len;
    unsigned char *der = make_crl(f->issuer, f->key, ents, 2, &o, &len);
    unsigned char *p = memmem(der, len, "\x17\x0d", 2);
    p[4] = '1';
    p[5] = '3';
    char msg[512];
    assert_int_equal(load_rc(der, len, msg), CASC_ERR_PARSE);
    assert_non_null(strstr(msg, "thisUpdate"));
    free(der);
  }
  /* the long form of a short length: rebuild an entry by hand */
  {
    static const unsigned char crl[] = {
        0x30, 0x2b, 0x30, 0x23, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04,
        0x03, 0x02, 0x30, 0x00, 0x17, 0x0d, '2',  '6',  '1',  '1',  '2',  '8',  '0',  '0',
        '0',  '0',  '0',  '0',  'Z',  0x30, 0x81, 0x03, 0x02, 0x01, 0x01, 0x30, 0x00, 0x03,
        0x02, 0x00, 0x00};
    char msg[512];
    assert_int_equal(load_rc(crl, sizeof crl, msg), CASC_ERR_PARSE);
    assert_non_null(strstr(msg, "long form"));
  }
  /* unknown critical CRL extension */
  {
    crl_opts bad = {.unknown_critical = true};
    size_t len;
    unsigned char *der = make_crl(f->issuer, f->key, ents, 2, &bad, &len);
    char msg[512];
    assert_int_equal(load_rc(der, len, msg), CASC_ERR_PARSE);
    assert_non_null(strstr(msg, "critical"));
    free(der);
  }
  /* an entry with an unknown critical extension: the load succeeds (the
   * entry is decoded on lookup), its lookup fails, the others work */
  {
    entry e2[2];
    serial_of(&e2[0], 11);
    serial_of(&e2[1], 12);
    e2[1].unknown_critical = true;
    size_t len;
    unsigned char *der = make_crl(f->issuer, f->key, e2, 2, &o, &len);
    casc_crl_index *ix = load_ok(der, len);
    casc_error e = {0};
    bool found;
    casc_crl_index_entry ent;
    assert_int_equal(casc_crl_index_lookup(ix, e2[0].serial, e2[0].len, &found, &ent, &e),
                     CASC_OK);
    assert_true(found);
    assert_int_equal(casc_crl_index_lookup(ix, e2[1].serial, e2[1].len, &found, &ent, &e),
                     CASC_ERR_PARSE);
    casc_crl_index_free(ix);
    free(der);
  }
  /* a v1 CRL is fine; a v1 CRL with crlExtensions is not */
  {
    crl_opts v1 = {.v1 = true};
    size_t len;
    unsigned char *der = make_crl(f->issuer, f->key, ents, 2, &v1, &len);
    casc_crl_index *ix = load_ok(der, len);
    casc_error e = {0};
    assert_int_equal(casc_crl_index_verify(ix, f->issuer, &e), CASC_OK);
    assert_false(casc_crl_index_get_info(ix)->has_number);
    casc_crl_index_free(ix);
    free(der);
  }
  /* empty input and garbage */
  assert_int_equal(load_rc((const unsigned char *)"", 0, NULL), CASC_ERR_PARSE);
  assert_int_equal(load_rc((const unsigned char *)"\x30\x80\x00\x00", 4, NULL), CASC_ERR_PARSE);
}

/* A CRL in no order, with serials of 1 to 20 octets, some sharing their
 * first seven octets: all found, none invented. */
static void test_unsorted_large(void **state) {
  fixture *f = *state;
  const size_t n = 50000;
  entry *ents = calloc(n, sizeof *ents);
  assert_non_null(ents);
  for (size_t i = 0; i < n; i++) {
    entry *e = &ents[i];
    e->reason = -1;
    if (i % 5 == 0) { /* a shared 10-octet prefix, distinct tails */
      e->len = 16;
      memset(e->serial, 0x41, 10);
      for (int k = 0; k < 6; k++)
        e->serial[10 + k] = (unsigned char)((i * 2654435761u) >> (8 * (k % 4)));
      e->serial[15] = (unsigned char)i;
      e->serial[14] = (unsigned char)(i >> 8);
      e->serial[13] = (unsigned char)(i >> 16);
    } else {
      e->len = 1 + (i % 20);
      RAND_bytes(e->serial, (int)e->len);
      e->serial[0] &= 0x7f;
      if (e->len > 1 && e->serial[0] == 0)
        e->serial[0] = 1;
    }
  }
  /* drop the (rare) duplicates the random ones may have made */
  crl_opts o = {0};
  size_t len;
  unsigned char *der = make_crl(f->issuer, f->key, ents, n, &o, &len);
  casc_crl_index *ix = NULL;
  casc_error e = {0};
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  if (casc_crl_index_load(der, len, &ix, &e) != CASC_OK)
    fail_msg("load: %s", e.msg);
  clock_gettime(CLOCK_MONOTONIC, &b);
  print_message("indexed %zu unsorted entries in %.1f ms\n", n,
                (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6);
  assert_int_equal(casc_crl_index_verify(ix, f->issuer, &e), CASC_OK);
  for (size_t i = 0; i < n; i++) {
    bool found = false;
    assert_int_equal(
        casc_crl_index_lookup(ix, ents[i].serial, ents[i].len, &found, NULL, &e), CASC_OK);
    if (!found)
      fail_msg("entry %zu (len %zu) not found", i, ents[i].len);
  }
  /* tails changed: not listed (the shared-prefix ones, whose tails are
   * distinct by construction) */
  for (size_t i = 0; i < n; i += 5) {
    unsigned char s[16];
    memcpy(s, ents[i].serial, 16);
    s[12] ^= 0xff;
    bool found = true;
    assert_int_equal(casc_crl_index_lookup(ix, s, 16, &found, NULL, &e), CASC_OK);
    assert_false(found);
  }
  casc_crl_index_free(ix);
  free(der);
  free(ents);
}

static void test_scope(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  size_t len;
  const char *url = "http://ca.example/crl/issuing/3.crl";
  crl_opts o = {.idp_uri = url, .idp_user_only = true};
  unsigned char *der = make_crl(f->issuer, f->key, NULL, 0, &o, &len);
  casc_crl_index *ix = load_ok(der, len);
  const casc_crl_index_info *in = casc_crl_index_get_info(ix);
  assert_true(in->has_idp);
  assert_true(in->idp_user_only);
  assert_int_equal(in->idp_uris, 1);
  assert_int_equal(casc_crl_index_check_scope(ix, f->leaf, url, &e), CASC_OK);
  assert_int_equal(casc_crl_index_check_scope(ix, f->leaf, "http://ca.example/crl/issuing/2.crl",
                                              &e),
                   CASC_ERR_POLICY);
  assert_non_null(strstr(e.msg, "6.3.3"));
  assert_int_equal(casc_crl_index_check_scope(ix, f->sub_ca, url, &e), CASC_ERR_POLICY);
  /* no URL given: the certificate has no CRL DP, so nothing matches */
  assert_int_equal(casc_crl_index_check_scope(ix, f->leaf, NULL, &e), CASC_ERR_POLICY);
  casc_crl_index_free(ix);
  free(der);

  crl_opts ca_only = {.idp_uri = url, .idp_ca_only = true};
  der = make_crl(f->issuer, f->key, NULL, 0, &ca_only, &len);
  ix = load_ok(der, len);
  assert_int_equal(casc_crl_index_check_scope(ix, f->leaf, url, &e), CASC_ERR_POLICY);
  assert_int_equal(casc_crl_index_check_scope(ix, f->sub_ca, url, &e), CASC_OK);
  casc_crl_index_free(ix);
  free(der);

  crl_opts delta = {.delta = true};
  der = make_crl(f->issuer, f->key, NULL, 0, &delta, &len);
  ix = load_ok(der, len);
  assert_true(casc_crl_index_get_info(ix)->delta);
  assert_int_equal(casc_crl_index_check_scope(ix, f->leaf, NULL, &e), CASC_ERR_POLICY);
  casc_crl_index_free(ix);
  free(der);

  crl_opts none = {0};
  der = make_crl(f->issuer, f->key, NULL, 0, &none, &len);
  ix = load_ok(der, len);
  assert_int_equal(casc_crl_index_check_scope(ix, f->leaf, url, &e), CASC_OK);
  casc_crl_index_free(ix);
  free(der);
}

static void test_file_and_cache(void **state) {
  fixture *f = *state;
  entry ents[1];
  serial_of(&ents[0], 42);
  crl_opts o = {0};
  size_t len;
  unsigned char *der = make_crl(f->issuer, f->key, ents, 1, &o, &len);
  char path[PATH_MAX], pem[PATH_MAX], cache[PATH_MAX];
  util_join(path, f->dir, "a.crl");
  util_join(pem, f->dir, "a.pem");
  util_join(cache, f->dir, "cache/casc/crl");
  assert_int_equal(util_write_file(path, der, len), 0);
  const unsigned char *p = der;
  X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
  FILE *out = fopen(pem, "w");
  assert_non_null(out);
  fputs("some text before\n", out);
  PEM_write_X509_CRL(out, crl);
  fclose(out);
  X509_CRL_free(crl);
  casc_error e = {0};
  casc_crl_index *a = NULL, *b = NULL, *c = NULL;
  assert_int_equal(casc_crl_index_load_file(path, &a, &e), CASC_OK);
  assert_int_equal(casc_crl_index_load_file(pem, &b, &e), CASC_OK);
  size_t la, lb;
  const unsigned char *da = casc_crl_index_der(a, &la), *db = casc_crl_index_der(b, &lb);
  assert_int_equal(la, lb);
  assert_memory_equal(da, db, la);
  assert_int_equal(casc_crl_index_verify(b, f->issuer, &e), CASC_OK);
  /* a malloc'd buffer handed over, DER and not */
  {
    unsigned char *copy = malloc(len);
    memcpy(copy, der, len);
    assert_int_equal(casc_crl_index_adopt(copy, len, &c, &e), CASC_OK);
    assert_int_equal(casc_crl_index_get_info(c)->entries, 1);
    casc_crl_index_free(c);
    c = NULL;
    copy = malloc(len);
    memcpy(copy, der, len);
    assert_int_equal(casc_crl_index_adopt(copy, len - 1, &c, &e), CASC_ERR_PARSE);
    assert_null(c);
  }
  /* PEM bytes in memory too (as a distribution point may send them) */
  {
    size_t plen = 0;
    unsigned char *text = (unsigned char *)util_slurp(pem, &plen);
    assert_non_null(text);
    assert_int_equal(casc_crl_index_load(text, plen, &c, &e), CASC_OK);
    assert_int_equal(casc_crl_index_get_info(c)->entries, 1);
    casc_crl_index_free(c);
    c = NULL;
    assert_int_equal(casc_crl_index_load(text + 20, plen - 20, &c, &e), CASC_ERR_PARSE);
    free(text);
  }
  /* a missing file, a directory and an empty file name the path */
  assert_int_equal(casc_crl_index_load_file(f->dir, &c, &e), CASC_ERR_PARSE);
  char missing[PATH_MAX];
  util_join(missing, f->dir, "missing.crl");
  assert_int_equal(casc_crl_index_load_file(missing, &c, &e), CASC_ERR_IO);
  assert_non_null(strstr(e.msg, "missing.crl"));

  /* the cache: a hit before nextUpdate, a miss after, other URLs miss */
  const char *url = "http://ca.example/crl/a.crl";
  assert_int_equal(casc_crl_cache_put(cache, url, a, &e), CASC_OK);
  assert_int_equal(casc_crl_cache_get(cache, url, T0 + DAY, &c, &e), CASC_OK);
  assert_non_null(c);
  casc_crl_index_free(c);
  assert_int_equal(casc_crl_cache_get(cache, url, T0 + 8 * DAY, &c, &e), CASC_OK);
  assert_null(c);
  assert_int_equal(casc_crl_cache_get(cache, "http://other/", T0, &c, &e), CASC_OK);
  assert_null(c);
  assert_int_equal(util_count_entries(cache), 1);
  casc_crl_index_free(a);
  casc_crl_index_free(b);
  free(der);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_lookup_and_verify, setup, teardown),
      cmocka_unit_test_setup_teardown(test_issuer_without_crl_sign, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rsa_pss, setup, teardown),
      cmocka_unit_test_setup_teardown(test_truncated_everywhere, setup, teardown),
      cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unsorted_large, setup, teardown),
      cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
      cmocka_unit_test_setup_teardown(test_file_and_cache, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
