/* Unit tests of the linter's framework (casc/lint.h): the strict
 * certificate, CRL and OCSP decoders on inputs built with OpenSSL (fields
 * read back, faults recorded), every truncation and many byte flips of each
 * (never a crash, a clean refusal or a decode), kind and profile detection,
 * times, the registry (unique names, levels, effective dates) and the
 * lint-before-sign entry point. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "casc/lint.h"

#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

static EVP_PKEY *key;

static EVP_PKEY *ec_key(void) {
  if (key == NULL)
    key = EVP_EC_gen("P-256");
  assert_non_null(key);
  return key;
}

static void add_ext(X509 *x, int nid, const char *v) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
  X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, v);
  assert_non_null(e);
  X509_add_ext(x, e, -1);
  X509_EXTENSION_free(e);
}

/* A self-signed CA (ca) or a TLS leaf signed by the same key, as DER. */
static unsigned char *make_cert(bool ca, size_t *len) {
  X509 *x = X509_new();
  X509_NAME *n = X509_NAME_new();
  X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC, (const unsigned char *)"DE", -1, -1, 0);
  X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)"unit CA", -1, -1, 0);
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 0x1234);
  X509_set_issuer_name(x, n);
  if (ca) {
    X509_set_subject_name(x, n);
  } else {
    X509_NAME *s = X509_NAME_new();
    X509_NAME_add_entry_by_txt(s, "CN", MBSTRING_UTF8, (const unsigned char *)"a.example", -1, -1, 0);
    X509_set_subject_name(x, s);
    X509_NAME_free(s);
  }
  ASN1_TIME_set(X509_getm_notBefore(x), 1767225600); /* 2026-01-01 */
  ASN1_TIME_set(X509_getm_notAfter(x), 1767225600 + 86400 * 90);
  X509_set_pubkey(x, ec_key());
  add_ext(x, NID_subject_key_identifier, "hash");
  if (ca) {
    add_ext(x, NID_basic_constraints, "critical,CA:TRUE,pathlen:1");
    add_ext(x, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(x, NID_authority_key_identifier, "keyid:always");
    add_ext(x, NID_key_usage, "critical,digitalSignature");
    add_ext(x, NID_ext_key_usage, "serverAuth");
    add_ext(x, NID_subject_alt_name, "DNS:a.example,IP:192.0.2.1,email:x@a.example");
    add_ext(x, NID_crl_distribution_points, "URI:http://crl.example/ca.crl");
    add_ext(x, NID_info_access, "OCSP;URI:http://ocsp.example,caIssuers;URI:http://ca.example/c");
  }
  assert_true(X509_sign(x, ec_key(), EVP_sha256()) > 0);
  unsigned char *der = NULL;
  int l = i2d_X509(x, &der);
  assert_true(l > 0);
  *len = (size_t)l;
  X509_NAME_free(n);
  X509_free(x);
  return der;
}

static unsigned char *make_crl(size_t *len) {
  X509_CRL *c = X509_CRL_new();
  X509_NAME *n = X509_NAME_new();
  X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)"unit CA", -1, -1, 0);
  X509_CRL_set_version(c, 1);
  X509_CRL_set_issuer_name(c, n);
  ASN1_TIME *t = ASN1_TIME_set(NULL, 1767225600);
  X509_CRL_set1_lastUpdate(c, t);
  ASN1_TIME_set(t, 1767225600 + 7 * 86400);
  X509_CRL_set1_nextUpdate(c, t);
  for (int i = 1; i <= 3; i++) {
    X509_REVOKED *r = X509_REVOKED_new();
    ASN1_INTEGER *s = ASN1_INTEGER_new();
    ASN1_INTEGER_set(s, 100 + i);
    X509_REVOKED_set_serialNumber(r, s);
    ASN1_TIME_set(t, 1767225600 - i * 3600);
    X509_REVOKED_set_revocationDate(r, t);
    if (i == 2) {
      ASN1_ENUMERATED *e = ASN1_ENUMERATED_new();
      ASN1_ENUMERATED_set(e, 1);
      X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, e, 0, 0);
      ASN1_ENUMERATED_free(e);
    }
    X509_CRL_add0_revoked(c, r);
    ASN1_INTEGER_free(s);
  }
  ASN1_INTEGER *num = ASN1_INTEGER_new();
  ASN1_INTEGER_set(num, 7);
  X509_CRL_add1_ext_i2d(c, NID_crl_number, num, 0, 0);
  ASN1_INTEGER_free(num);
  assert_true(X509_CRL_sign(c, ec_key(), EVP_sha256()) > 0);
  unsigned char *der = NULL;
  int l = i2d_X509_CRL(c, &der);
  assert_true(l > 0);
  *len = (size_t)l;
  ASN1_TIME_free(t);
  X509_NAME_free(n);
  X509_CRL_free(c);
  return der;
}

static unsigned char *make_ocsp(size_t *len) {
  size_t clen;
  unsigned char *cder = make_cert(true, &clen);
  const unsigned char *p = cder;
  X509 *ca = d2i_X509(NULL, &p, (long)clen);
  assert_non_null(ca);
  OCSP_BASICRESP *b = OCSP_BASICRESP_new();
  ASN1_INTEGER *serial = ASN1_INTEGER_new();
  ASN1_INTEGER_set(serial, 0x4242);
  OCSP_CERTID *id = OCSP_cert_id_new(EVP_sha1(), X509_get_subject_name(ca),
                                     X509_get0_pubkey_bitstr(ca), serial);
  ASN1_TIME *tu = ASN1_TIME_set(NULL, 1767225600), *nu = ASN1_TIME_set(NULL, 1767225600 + 86400);
  assert_non_null(OCSP_basic_add1_status(b, id, V_OCSP_CERTSTATUS_GOOD, 0, NULL, tu, nu));
  assert_true(OCSP_basic_sign(b, ca, ec_key(), EVP_sha256(), NULL, OCSP_RESPID_KEY) > 0);
  OCSP_RESPONSE *r = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, b);
  unsigned char *der = NULL;
  int l = i2d_OCSP_RESPONSE(r, &der);
  assert_true(l > 0);
  *len = (size_t)l;
  OCSP_RESPONSE_free(r);
  OCSP_BASICRESP_free(b);
  OCSP_CERTID_free(id);
  ASN1_INTEGER_free(serial);
  ASN1_TIME_free(tu);
  ASN1_TIME_free(nu);
  X509_free(ca);
  OPENSSL_free(cder);
  return der;
}

static void test_cert_fields(void **state) {
  (void)state;
  size_t len;
  unsigned char *der = make_cert(false, &len);
  casc_lint_cert *c = malloc(sizeof *c);
  casc_error e = {0};
  assert_int_equal(casc_lint_parse_cert(der, len, c, &e), CASC_OK);
  assert_int_equal(c->faults.bits, 0);
  assert_true(c->version_present);
  assert_int_equal(c->version, 2);
  assert_int_equal(c->serial.len, 2);
  assert_int_equal(c->not_before.t, 1767225600);
  assert_true(c->not_before.ok_der);
  assert_int_equal(c->spki.type, CASC_LINT_KEY_EC);
  assert_int_equal(c->spki.curve, CASC_LINT_CURVE_P256);
  assert_true(c->ku.present);
  assert_int_equal(c->ku.bits, CASC_KU_DIGITAL_SIGNATURE);
  assert_true(c->eku.flags & CASC_EKU_SERVER_AUTH);
  assert_int_equal(c->san.total, 3);
  assert_int_equal(c->san.gn[0].type, CASC_GN_DNS);
  assert_int_equal(c->san.gn[1].type, CASC_GN_IP);
  assert_int_equal(c->san.gn[1].value.len, 4);
  assert_int_equal(c->san.gn[2].type, CASC_GN_EMAIL);
  assert_int_equal(c->crldp.n_uri, 1);
  assert_int_equal(c->aia.n, 2);
  assert_int_equal(c->aia.ad[0].method, 1);
  assert_int_equal(c->aia.ad[1].method, 2);
  assert_true(c->aki.present && c->ski.present);
  assert_true(casc_lint_bytes_eq(c->aki.key_id, c->ski.key_id)); /* same key signs */
  assert_false(c->self_issued);
  assert_int_equal(casc_lint_detect_profile(c), CASC_LINT_PROFILE_TLS);
  assert_non_null(CASC_LINT_NAME_FIND(&c->subject, CASC_OID_AT_CN));
  assert_int_equal(casc_lint_detect_kind(der, len), CASC_LINT_KIND_CERT);
  OPENSSL_free(der);

  der = make_cert(true, &len);
  assert_int_equal(casc_lint_parse_cert(der, len, c, &e), CASC_OK);
  assert_true(c->bc.present && c->bc.ca);
  assert_int_equal(c->bc.path_len, 1);
  assert_true(c->self_signed);
  assert_int_equal(casc_lint_detect_profile(c), CASC_LINT_PROFILE_ROOT);
  char oid[64];
  assert_string_equal(casc_lint_oid_str(c->sig_alg_oid, oid, sizeof oid), "1.2.840.10045.4.3.2");
  OPENSSL_free(der);
  free(c);
}

/* Faults are recorded, not fatal: a non-minimal length on the subject. */
static void test_cert_faults(void **state) {
  (void)state;
  size_t len;
  unsigned char *der = make_cert(true, &len);
  casc_lint_cert *c = malloc(sizeof *c);
  casc_error e = {0};
  /* trailing data */
  unsigned char *more = malloc(len + 2);
  memcpy(more, der, len);
  more[len] = 0, more[len + 1] = 0;
  assert_int_equal(casc_lint_parse_cert(more, len + 2, c, &e), CASC_OK);
  assert_true(casc_lint_has_fault(&c->faults, CASC_LF_TRAILING_DATA));
  /* a BOOLEAN TRUE encoded as 0x01: find "01 01 ff" (critical) and change it */
  memcpy(more, der, len);
  unsigned char *b = memmem(more, len, "\x01\x01\xff", 3);
  assert_non_null(b);
  b[2] = 0x01;
  assert_int_equal(casc_lint_parse_cert(more, len, c, &e), CASC_OK);
  assert_true(casc_lint_has_fault(&c->faults, CASC_LF_BAD_BOOLEAN));
  free(more);
  OPENSSL_free(der);
  free(c);
}

/* Every prefix and every single-byte change of each input: decoded or
 * refused, never a crash (ASan/UBSan check the bounds). */
static void mutate_all(unsigned char *der, size_t len) {
  casc_lint_ctx *ctx = casc_lint_ctx_new();
  assert_non_null(ctx);
  for (size_t n = 0; n < len; n++) {
    unsigned char *p = malloc(n ? n : 1);
    memcpy(p, der, n);
    casc_lint_result r =
        casc_lint_ctx_check(ctx, CASC_LINT_KIND_UNKNOWN, CASC_LINT_PROFILE_AUTO, p, n, 1, NULL, NULL,
                            NULL, NULL);
    assert_true(r <= CASC_LINT_FATAL);
    free(p);
  }
  unsigned char *p = malloc(len);
  for (size_t i = 0; i < len; i++) {
    static const unsigned char vals[] = {0x00, 0x80, 0xff, 0x81, 0x30};
    for (size_t v = 0; v < sizeof vals; v++) {
      memcpy(p, der, len);
      p[i] = vals[v];
      for (int k = CASC_LINT_KIND_CERT; k <= CASC_LINT_KIND_OCSP; k++)
        casc_lint_ctx_check(ctx, (casc_lint_kind)k, CASC_LINT_PROFILE_AUTO, p, len, 1, NULL, NULL,
                            NULL, NULL);
    }
  }
  free(p);
  casc_lint_ctx_free(ctx);
}

static void test_truncations_and_flips(void **state) {
  (void)state;
  size_t len;
  unsigned char *der = make_cert(false, &len);
  mutate_all(der, len);
  OPENSSL_free(der);
  der = make_crl(&len);
  mutate_all(der, len);
  OPENSSL_free(der);
  der = make_ocsp(&len);
  mutate_all(der, len);
  OPENSSL_free(der);
}

static void test_crl(void **state) {
  (void)state;
  size_t len;
  unsigned char *der = make_crl(&len);
  casc_lint_crl *c = malloc(sizeof *c);
  casc_error e = {0};
  assert_int_equal(casc_lint_detect_kind(der, len), CASC_LINT_KIND_CRL);
  assert_int_equal(casc_lint_parse_crl(der, len, c, &e), CASC_OK);
  assert_int_equal(c->version, 1);
  assert_int_equal(c->n_entries, 3);
  assert_int_equal(c->n_entries_reason, 1);
  assert_true(c->crl_number.present);
  assert_int_equal(c->crl_number.value.p[0], 7);
  assert_true(c->next_update.present);
  assert_int_equal(c->next_update.t - c->this_update.t, 7 * 86400);
  size_t off = 0, n = 0;
  casc_lint_crl_entry en;
  while (casc_lint_crl_next_entry(c, &off, &en)) {
    n++;
    if (n == 2)
      assert_int_equal(en.reason, 1);
    else
      assert_int_equal(en.reason, -1);
  }
  assert_int_equal(n, 3);
  OPENSSL_free(der);
  free(c);
}

static void test_ocsp(void **state) {
  (void)state;
  size_t len;
  unsigned char *der = make_ocsp(&len);
  casc_lint_ocsp *o = malloc(sizeof *o);
  casc_error e = {0};
  assert_int_equal(casc_lint_detect_kind(der, len), CASC_LINT_KIND_OCSP);
  assert_int_equal(casc_lint_parse_ocsp(der, len, o, &e), CASC_OK);
  assert_int_equal(o->response_status, 0);
  assert_true(o->is_basic);
  assert_int_equal(o->responder_id_type, 2);
  assert_int_equal(o->responder_key.len, 20);
  assert_int_equal(o->n_single, 1);
  assert_int_equal(o->single[0].status, 0);
  assert_int_equal(o->single[0].name_hash.len, 20);
  assert_int_equal(o->single[0].this_update.t, 1767225600);
  assert_int_equal(o->single[0].next_update.t, 1767225600 + 86400);
  assert_int_equal(o->n_certs, 1);
  /* a non-successful response is decodable too */
  static const unsigned char unauthorized[] = {0x30, 0x03, 0x0a, 0x01, 0x06};
  assert_int_equal(casc_lint_parse_ocsp(unauthorized, sizeof unauthorized, o, &e), CASC_OK);
  assert_int_equal(o->response_status, 6);
  assert_false(o->has_bytes);
  OPENSSL_free(der);
  free(o);
}

static void test_times_and_dates(void **state) {
  (void)state;
  static const time_t dates[] = {CASC_LINT_DATE(2023, 9, 15), CASC_LINT_DATE(2000, 2, 29)};
  assert_int_equal(dates[0], 1694736000);
  assert_int_equal(dates[1], 951782400);
  assert_int_equal(casc_lint_days_from_civil(1970, 1, 1), 0);
  /* time forms through a CRL's thisUpdate: accepted, DER or not */
  static const struct {
    const char *s;
    unsigned char tag;
    bool parse, der;
  } cases[] = {
      {"260101000000Z", 0x17, true, true},      {"2601010000Z", 0x17, true, false},
      {"260101000000+0100", 0x17, true, false}, {"20260101000000Z", 0x18, true, true},
      {"20260101000000.5Z", 0x18, true, false}, {"261301000000Z", 0x17, false, false},
      {"260230000000Z", 0x17, false, false},    {"26010100000Z", 0x17, false, false},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    unsigned char crl[128];
    size_t sl = strlen(cases[i].s);
    /* SEQ { SEQ { SEQ{OID ecdsa-with-SHA256}, SEQ{}, TIME }, SEQ{OID}, BIT STRING {00} } */
    static const unsigned char alg[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                        0xce, 0x3d, 0x04, 0x03, 0x02};
    unsigned char tbs[64];
    size_t t = 0;
    memcpy(tbs + t, alg, sizeof alg), t += sizeof alg;
    tbs[t++] = 0x30, tbs[t++] = 0x00;
    tbs[t++] = cases[i].tag, tbs[t++] = (unsigned char)sl;
    memcpy(tbs + t, cases[i].s, sl), t += sl;
    size_t o = 0;
    crl[o++] = 0x30, crl[o++] = 0; /* patched below */
    crl[o++] = 0x30, crl[o++] = (unsigned char)t;
    memcpy(crl + o, tbs, t), o += t;
    memcpy(crl + o, alg, sizeof alg), o += sizeof alg;
    crl[o++] = 0x03, crl[o++] = 0x01, crl[o++] = 0x00;
    crl[1] = (unsigned char)(o - 2);
    casc_lint_crl *c = malloc(sizeof *c);
    casc_error e = {0};
    casc_err rc = casc_lint_parse_crl(crl, o, c, &e);
    if (cases[i].parse) {
      assert_int_equal(rc, CASC_OK);
      assert_int_equal(c->this_update.ok_der, cases[i].der);
      assert_int_equal(casc_lint_has_fault(&c->faults, CASC_LF_BAD_TIME), !cases[i].der);
      if (cases[i].der)
        assert_int_equal(c->this_update.t, 1767225600);
    } else {
      assert_int_equal(rc, CASC_ERR_PARSE);
    }
    free(c);
  }
}

static void test_registry(void **state) {
  (void)state;
  size_t n = casc_lint_count();
  assert_true(n >= 250);
  for (size_t i = 0; i < n; i++) {
    const casc_lint *l = casc_lint_at(i);
    assert_non_null(l->name);
    assert_non_null(l->citation);
    assert_non_null(l->run);
    assert_true(l->kind >= CASC_LINT_KIND_CERT && l->kind <= CASC_LINT_KIND_OCSP);
    /* zlint's naming: the prefix is the level */
    char want = l->level == CASC_LINT_ERROR ? 'e' : l->level == CASC_LINT_WARN ? 'w' : 'n';
    if (l->name[0] != want || l->name[1] != '_')
      fail_msg("%s: prefix does not match level %s", l->name, casc_lint_level_name(l->level));
    assert_ptr_equal(casc_lint_find(l->name), l); /* unique: find gives the first */
  }
  assert_null(casc_lint_find("no_such_lint"));
  assert_int_equal(casc_lint_profile_from_name("tls-server"), CASC_LINT_PROFILE_TLS);
  assert_int_equal(casc_lint_profile_from_name("SUB-CA"), CASC_LINT_PROFILE_SUBCA);
  assert_int_equal(casc_lint_profile_from_name("nonsense"), CASC_LINT_PROFILE_AUTO);
}

static void test_lint_der_report(void **state) {
  (void)state;
  size_t len;
  unsigned char *der = make_cert(false, &len);
  casc_lint_report rep;
  /* serial 0x1234 becomes 0x0000: an error-level finding */
  unsigned char *s = memmem(der, len, "\x02\x02\x12\x34", 4);
  assert_non_null(s);
  s[2] = 0, s[3] = 0;
  assert_true(casc_lint_der(CASC_LINT_KIND_CERT, CASC_LINT_PROFILE_AUTO, der, len, 0, &rep));
  assert_true(rep.n_error >= 1);
  assert_non_null(strstr(rep.text, "e_serial_zero"));
  assert_true(rep.n_run == rep.n_pass + rep.n_na + rep.n_ne + rep.n_notice + rep.n_warn +
                               rep.n_error + rep.n_fatal);
  /* garbage: fatal */
  static const unsigned char junk[] = {0x30, 0x03, 0x02, 0x01};
  assert_true(casc_lint_der(CASC_LINT_KIND_UNKNOWN, CASC_LINT_PROFILE_AUTO, junk, sizeof junk, 0,
                            &rep));
  assert_int_equal(rep.n_fatal, 1);
  OPENSSL_free(der);
}

static int teardown(void **state) {
  (void)state;
  EVP_PKEY_free(key);
  key = NULL;
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cert_fields),     cmocka_unit_test(test_cert_faults),
      cmocka_unit_test(test_truncations_and_flips), cmocka_unit_test(test_crl),
      cmocka_unit_test(test_ocsp),            cmocka_unit_test(test_times_and_dates),
      cmocka_unit_test(test_registry),        cmocka_unit_test(test_lint_der_report),
  };
  return cmocka_run_group_tests(tests, NULL, teardown);
}
