/* RFC 5280 4.1: the certificate's fields (version, serial, signature
 * algorithms, validity, names, unique identifiers, the extensions field). */
#include "casc/der.h"
#include "casc/lint.h"

#include <stdio.h>
#include <string.h>

#define RFC5280_DATE CASC_LINT_DATE(2008, 5, 1)
#define RFC2459_DATE CASC_LINT_DATE(1999, 1, 1)
#define Y2050 CASC_LINT_DATE(2050, 1, 1)

static casc_lint_result run_version_v3(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  /* Extensions need v3 (4.1.2.1); a CA issuing under RFC 5280 issues v3. */
  if (c->version_present && c->version == 2)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "version is v%d, not v3", c->version + 1);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_version_invalid(const casc_lint_input *in, char *det, size_t detsz) {
  int v = in->cert->version;
  if (v >= 0 && v <= 2)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "version INTEGER %d is not v1, v2 or v3", v);
  return CASC_LINT_FAIL;
}

static bool serial_zero(casc_lint_bytes s) {
  for (size_t i = 0; i < s.len; i++)
    if (s.p[i] != 0)
      return false;
  return true;
}

static casc_lint_result run_serial_negative(const casc_lint_input *in, char *det, size_t detsz) {
  casc_lint_bytes s = in->cert->serial;
  if (s.len > 0 && (s.p[0] & 0x80)) {
    snprintf(det, detsz, "serial number is negative");
    return CASC_LINT_FAIL;
  }
  return CASC_LINT_PASS;
}

static casc_lint_result run_serial_zero(const casc_lint_input *in, char *det, size_t detsz) {
  if (!serial_zero(in->cert->serial))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "serial number is zero");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_serial_too_long(const casc_lint_input *in, char *det, size_t detsz) {
  if (in->cert->serial.len <= 20)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "serial number is %zu octets, over 20", in->cert->serial.len);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_sig_alg_mismatch(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (casc_lint_bytes_eq(c->sig_alg_inner, c->sig_alg_outer))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "TBSCertificate.signature differs from Certificate.signatureAlgorithm");
  return CASC_LINT_FAIL;
}

static bool is_rsa_pkcs1(casc_lint_bytes oid) {
  static const char pkcs1[] = "\x2a\x86\x48\x86\xf7\x0d\x01\x01";
  return oid.len == 9 && memcmp(oid.p, pkcs1, 8) == 0 && oid.p[8] != 0x0a && oid.p[8] != 0x01;
}

static casc_lint_result run_rsa_sig_params_null(const casc_lint_input *in, char *det,
                                                size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!is_rsa_pkcs1(c->sig_alg_oid))
    return CASC_LINT_NA;
  if (c->sig_alg_params.len == 2 && c->sig_alg_params.p[0] == 0x05 && c->sig_alg_params.p[1] == 0)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "PKCS #1 signature algorithm without NULL parameters");
  return CASC_LINT_FAIL;
}

static bool is_ecdsa(casc_lint_bytes oid) {
  static const char ecdsa[] = "\x2a\x86\x48\xce\x3d\x04";
  return oid.len >= 6 && memcmp(oid.p, ecdsa, 6) == 0;
}

static casc_lint_result run_ecdsa_sig_params(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!is_ecdsa(c->sig_alg_oid))
    return CASC_LINT_NA;
  if (c->sig_alg_params.p == NULL)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "ECDSA signature algorithm with parameters (must be absent)");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_signature_empty(const casc_lint_input *in, char *det, size_t detsz) {
  if (in->cert->signature.len > 0)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "signatureValue is empty");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_validity_order(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (c->not_after.t >= c->not_before.t)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "notAfter is before notBefore");
  return CASC_LINT_FAIL;
}

/* 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050 on. */
static casc_lint_result check_time_type(const casc_lint_time *t, const char *which, char *det,
                                        size_t detsz) {
  bool late = t->t >= Y2050;
  if (!late && t->tag == CASC_DER_GENERALIZEDTIME) {
    snprintf(det, detsz, "%s before 2050 is a GeneralizedTime", which);
    return CASC_LINT_FAIL;
  }
  if (late && t->tag == CASC_DER_UTCTIME) {
    snprintf(det, detsz, "%s from 2050 on is a UTCTime", which);
    return CASC_LINT_FAIL;
  }
  return CASC_LINT_PASS;
}

static casc_lint_result run_nb_time_type(const casc_lint_input *in, char *det, size_t detsz) {
  return check_time_type(&in->cert->not_before, "notBefore", det, detsz);
}
static casc_lint_result run_na_time_type(const casc_lint_input *in, char *det, size_t detsz) {
  return check_time_type(&in->cert->not_after, "notAfter", det, detsz);
}

static casc_lint_result check_time_form(const casc_lint_time *t, const char *which, char *det,
                                        size_t detsz) {
  if (t->ok_der)
    return CASC_LINT_PASS;
  char q[64];
  snprintf(det, detsz, "%s '%s' is not %s", which, casc_lint_printable(t->value, q, sizeof q),
           t->tag == CASC_DER_UTCTIME ? "YYMMDDHHMMSSZ" : "YYYYMMDDHHMMSSZ");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_nb_time_form(const casc_lint_input *in, char *det, size_t detsz) {
  return check_time_form(&in->cert->not_before, "notBefore", det, detsz);
}
static casc_lint_result run_na_time_form(const casc_lint_input *in, char *det, size_t detsz) {
  return check_time_form(&in->cert->not_after, "notAfter", det, detsz);
}

static casc_lint_result run_issuer_empty(const casc_lint_input *in, char *det, size_t detsz) {
  if (in->cert->issuer.n_rdn > 0)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "issuer is an empty Name");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_subject_empty_no_san(const casc_lint_input *in, char *det,
                                                 size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (c->subject.n_rdn > 0 || (c->san.present && c->san.total > 0))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "empty subject and no subjectAltName");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_ca_subject_empty(const casc_lint_input *in, char *det, size_t detsz) {
  if (in->cert->subject.n_rdn > 0)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "a CA certificate with an empty subject");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_empty_rdn(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->subject.empty_rdn && !c->issuer.empty_rdn)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "%s has an empty RelativeDistinguishedName",
           c->subject.empty_rdn ? "subject" : "issuer");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_unique_id_version(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if ((c->issuer_uid.p == NULL && c->subject_uid.p == NULL) || c->version >= 1)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "unique identifiers in a v1 certificate");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_unique_id_present(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (c->issuer_uid.p == NULL && c->subject_uid.p == NULL)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "%s present", c->issuer_uid.p ? "issuerUniqueID" : "subjectUniqueID");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_ext_not_v3(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->ext_field_present || c->version == 2)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "extensions in a v%d certificate", c->version + 1);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_ext_empty(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->ext_field_present || c->n_ext > 0)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "the extensions field is present and empty");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_ext_duplicate(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  char oid[64];
  if (!c->ext_duplicate)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "extension %s appears more than once",
           casc_lint_oid_str(c->ext_duplicate_oid, oid, sizeof oid));
  return CASC_LINT_FAIL;
}

static casc_lint_result run_spki_unknown_alg(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  char oid[64];
  if (c->spki.type != CASC_LINT_KEY_UNKNOWN)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "public key algorithm %s is not one RFC 3279/5480/8410 define",
           casc_lint_oid_str(c->spki.alg_oid, oid, sizeof oid));
  return CASC_LINT_FAIL;
}

static casc_lint_result run_rsa_spki_params(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_spki *k = &in->cert->spki;
  if (k->type != CASC_LINT_KEY_RSA)
    return CASC_LINT_NA;
  if (k->params.len == 2 && k->params.p[0] == 0x05)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "rsaEncryption key without NULL parameters");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_weak_sig_hash(const casc_lint_input *in, char *det, size_t detsz) {
  casc_lint_bytes o = in->cert->sig_alg_oid;
  if (CASC_LINT_OID_IS(o, CASC_OID_MD5_RSA) ||
      CASC_LINT_OID_IS(o, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x02") || /* md2 */
      CASC_LINT_OID_IS(o, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x03")) { /* md4 */
    snprintf(det, detsz, "signed with an MD2/MD4/MD5 algorithm");
    return CASC_LINT_FAIL;
  }
  return CASC_LINT_PASS;
}

static casc_lint_result run_spki_unused_bits(const casc_lint_input *in, char *det, size_t detsz) {
  unsigned u = in->cert->spki.key_unused_bits;
  if (u == 0)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "subjectPublicKey BIT STRING has %u unused bits", u);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_signature_unused_bits(const casc_lint_input *in, char *det,
                                                  size_t detsz) {
  unsigned u = in->cert->signature_unused_bits;
  if (u == 0)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "signatureValue BIT STRING has %u unused bits", u);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_aki_is_own_ski(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  /* The issuer's key identifier equal to the subject's own, in a certificate
   * that another name issued: a builder that copied its SKI into the AKI. */
  if (c->self_issued || !c->aki.present || c->aki.key_id.p == NULL || !c->ski.present ||
      !casc_lint_bytes_eq(c->aki.key_id, c->ski.key_id))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "authorityKeyIdentifier equals subjectKeyIdentifier but issuer and "
                       "subject differ");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_self_signed_mismatch(const casc_lint_input *in, char *det,
                                                 size_t detsz) {
  /* a root (self-signed) has issuer == subject by definition (RFC 5280 3.2) */
  if (in->cert->self_issued)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "profile root, but issuer and subject differ");
  return CASC_LINT_FAIL;
}

#define L(nm, al, lv, cit, eff, app, fn)                                                           \
  {.name = nm, .alias = al, .level = lv, .citation = cit, .source = CASC_LINT_SRC_RFC5280,         \
   .effective = eff, .kind = CASC_LINT_KIND_CERT, .applies = app, .run = fn}
#define E CASC_LINT_ERROR
#define W CASC_LINT_WARN
#define N CASC_LINT_NOTICE

const casc_lint casc_lints_cert_rfc5280_core[] = {
    L("e_cert_version_not_v3", "e_invalid_certificate_version", E, "RFC 5280 4.1.2.1", 0, NULL,
      run_version_v3),
    L("e_cert_version_invalid", NULL, E, "RFC 5280 4.1.2.1", 0, NULL, run_version_invalid),
    L("e_serial_not_positive", "e_serial_number_not_positive", E, "RFC 5280 4.1.2.2", 0, NULL,
      run_serial_negative),
    L("e_serial_zero", "e_serial_number_not_positive", E, "RFC 5280 4.1.2.2", 0, NULL,
      run_serial_zero),
    L("e_serial_longer_than_20_octets", "e_serial_number_longer_than_20_octets", E,
      "RFC 5280 4.1.2.2", RFC5280_DATE, NULL, run_serial_too_long),
    L("e_signature_algorithm_mismatch", "e_cert_sig_alg_not_match_tbs_sig_alg", E,
      "RFC 5280 4.1.1.2", 0, NULL, run_sig_alg_mismatch),
    L("e_rsa_signature_params_not_null", "e_tbs_signature_rsa_encryption_parameter_not_null", E, "RFC 4055 5; RFC 3279 2.2.1", 0, NULL,
      run_rsa_sig_params_null),
    L("e_ecdsa_signature_params_present", NULL, E, "RFC 5758 3.2", 0, NULL, run_ecdsa_sig_params),
    L("e_signature_value_empty", NULL, E, "RFC 5280 4.1.1.3", 0, NULL, run_signature_empty),
    L("e_signature_md_weak", "e_signature_algorithm_not_supported", E, "RFC 6151; TLS BR 7.1.3.2",
      0, NULL, run_weak_sig_hash),
    L("e_validity_not_after_before_not_before", "e_validity_time_not_positive", E,
      "RFC 5280 4.1.2.5", 0, NULL, run_validity_order),
    L("e_not_before_time_type", "e_utc_time_not_in_zulu", E, "RFC 5280 4.1.2.5", RFC2459_DATE, NULL,
      run_nb_time_type),
    L("e_not_after_time_type", "e_wrong_time_format_pre2050", E, "RFC 5280 4.1.2.5", RFC2459_DATE,
      NULL, run_na_time_type),
    L("e_not_before_time_format", "e_utc_time_does_not_include_seconds", E,
      "RFC 5280 4.1.2.5.1, 4.1.2.5.2", RFC2459_DATE, NULL, run_nb_time_form),
    L("e_not_after_time_format", "e_generalized_time_not_in_zulu", E,
      "RFC 5280 4.1.2.5.1, 4.1.2.5.2", RFC2459_DATE, NULL, run_na_time_form),
    L("e_issuer_empty", "e_issuer_field_empty", E, "RFC 5280 4.1.2.4", 0, NULL, run_issuer_empty),
    L("e_subject_empty_without_san", "e_subject_empty_without_san", E, "RFC 5280 4.1.2.6", 0,
      NULL, run_subject_empty_no_san),
    L("e_ca_subject_empty", "e_ca_subject_field_empty", E, "RFC 5280 4.1.2.6", 0,
      casc_lint_applies_ca, run_ca_subject_empty),
    L("e_name_empty_rdn", NULL, E, "RFC 5280 4.1.2.4 (X.501 RDN is SET SIZE (1..MAX))", 0, NULL,
      run_empty_rdn),
    L("e_unique_identifier_in_v1", "e_cert_unique_identifier_version_not_2_or_3", E,
      "RFC 5280 4.1.2.8", 0, NULL, run_unique_id_version),
    L("e_unique_identifier_present", "e_cert_contains_unique_identifier", E, "RFC 5280 4.1.2.8", 0, NULL,
      run_unique_id_present),
    L("e_extensions_not_v3", "e_cert_extensions_version_not_3", E, "RFC 5280 4.1.2.9", 0, NULL,
      run_ext_not_v3),
    L("e_extensions_empty", NULL, E, "RFC 5280 4.1 (Extensions SIZE (1..MAX))", 0, NULL,
      run_ext_empty),
    L("e_extension_duplicate", "e_ext_duplicate_extension", E, "RFC 5280 4.2", 0, NULL,
      run_ext_duplicate),
    L("w_spki_algorithm_unknown", NULL, W, "RFC 5280 4.1.2.7", 0, NULL, run_spki_unknown_alg),
    L("e_rsa_spki_params_not_null", "e_spki_rsa_encryption_parameter_not_null", E,
      "RFC 3279 2.3.1", 0, NULL, run_rsa_spki_params),
    L("e_spki_unused_bits", NULL, E, "RFC 5280 4.1.2.7; RFC 3279 2.3", 0, NULL,
      run_spki_unused_bits),
    L("e_signature_unused_bits", NULL, E, "RFC 5280 4.1.1.3; RFC 3279 2.2", 0, NULL,
      run_signature_unused_bits),
    L("w_aki_equals_own_ski", NULL, W, "RFC 5280 4.2.1.1, 4.2.1.2", 0, NULL, run_aki_is_own_ski),
    L("e_root_not_self_issued", NULL, E, "RFC 5280 3.2, 6.1", 0, casc_lint_applies_root,
      run_self_signed_mismatch),
};
CASC_LINT_TABLE(casc_lints_cert_rfc5280_core);
