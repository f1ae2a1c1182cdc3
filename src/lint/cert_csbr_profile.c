/* Code Signing Baseline Requirements: the profile of code-signing and
 * timestamp certificates (7.1.2.3) and of their subordinate CAs (7.1.2.2),
 * keys (6.1.5), validity (6.3.2), subject (7.1.4.2) and policies (7.1.6). */
#include "cert_br_util.h"

#include <stdio.h>
#include <string.h>

#define C(in) ((in)->cert)
#define RUN(fn) static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz)
#define CHECK(cond, msg) return (cond) ? CASC_LINT_PASS : fail(det, detsz, (msg))

static casc_lint_result fail(char *det, size_t detsz, const char *msg) {
  snprintf(det, detsz, "%s", msg);
  return CASC_LINT_FAIL;
}

static bool cs(const casc_lint_input *in) { return casc_lint_applies_codesign(in); }
static bool tsa(const casc_lint_input *in) { return casc_lint_applies_timestamp(in); }
static bool cs_any(const casc_lint_input *in) { return casc_br_applies_cs_any(in); }
static bool cs_subca(const casc_lint_input *in) { return casc_br_applies_cs_subca(in); }
static bool cs_all(const casc_lint_input *in) { return cs_any(in) || cs_subca(in); }

#define OID_LIFETIME_SIGNING "\x2b\x06\x01\x04\x01\x82\x37\x0a\x03\x0d"

/* --- extKeyUsage (7.1.2.3 f) ----------------------------------------------------------- */
RUN(run_cs_eku) {
  unsigned f = C(in)->eku.flags;
  if (!C(in)->eku.present || !(f & CASC_EKU_CODE_SIGNING))
    return fail(det, detsz, "id-kp-codeSigning is missing");
  CHECK(!(f & (CASC_EKU_ANY | CASC_EKU_SERVER_AUTH)),
        "anyExtendedKeyUsage or id-kp-serverAuth in a code signing certificate");
}
RUN(run_cs_eku_other) {
  const casc_lint_cert *c = C(in);
  if (c->eku.flags & (CASC_EKU_CLIENT_AUTH | CASC_EKU_TIME_STAMPING | CASC_EKU_OCSP_SIGNING))
    return fail(det, detsz, "clientAuth, timeStamping or OCSPSigning EKU (SHOULD NOT)");
  for (size_t i = 0; i < c->eku.n; i++) {
    casc_lint_bytes o = c->eku.oid[i];
    bool known = CASC_LINT_OID_IS(o, "\x2b\x06\x01\x05\x05\x07\x03\x03") ||
                 CASC_LINT_OID_IS(o, "\x2b\x06\x01\x05\x05\x07\x03\x04") ||
                 CASC_LINT_OID_IS(o, OID_LIFETIME_SIGNING) ||
                 CASC_LINT_OID_IS(o, "\x2b\x06\x01\x04\x01\x82\x37\x0a\x03\x0c") ||
                 CASC_LINT_OID_IS(o, "\x2b\x06\x01\x05\x05\x07\x03\x02") ||
                 CASC_LINT_OID_IS(o, "\x2b\x06\x01\x05\x05\x07\x03\x08") ||
                 CASC_LINT_OID_IS(o, "\x2b\x06\x01\x05\x05\x07\x03\x09") ||
                 CASC_LINT_OID_IS(o, "\x2b\x06\x01\x05\x05\x07\x03\x01") ||
                 CASC_LINT_OID_IS(o, "\x55\x1d\x25\x00");
    if (!known) {
      char oid[64];
      snprintf(det, detsz, "extKeyUsage %s (SHOULD NOT)", casc_lint_oid_str(o, oid, sizeof oid));
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}
RUN(run_tsa_eku) {
  const casc_lint_ext *x = casc_lint_cert_ext(C(in), CASC_LINT_EXT_EKU);
  if (x == NULL || !(C(in)->eku.flags & CASC_EKU_TIME_STAMPING))
    return fail(det, detsz, "id-kp-timeStamping is missing");
  CHECK(x->critical, "the timestamping extKeyUsage is not critical");
}
RUN(run_tsa_eku_sole) {
  CHECK(C(in)->eku.n == 1 && C(in)->eku.flags == CASC_EKU_TIME_STAMPING,
        "extKeyUsage holds more than id-kp-timeStamping");
}

/* --- keyUsage (7.1.2.3 e) ---------------------------------------------------------------- */
RUN(run_cs_ku) {
  const casc_lint_ext *x = casc_lint_cert_ext(C(in), CASC_LINT_EXT_KU);
  unsigned b = C(in)->ku.bits;
  if (x == NULL)
    return fail(det, detsz, "keyUsage is missing");
  if (!x->critical)
    return fail(det, detsz, "keyUsage is not critical");
  if (!(b & CASC_KU_DIGITAL_SIGNATURE))
    return fail(det, detsz, "digitalSignature is not set");
  CHECK(!(b & (CASC_KU_KEY_CERT_SIGN | CASC_KU_CRL_SIGN)), "keyCertSign or cRLSign is set");
}
RUN(run_cs_ku_other) {
  unsigned other = C(in)->ku.bits & ~(unsigned)(CASC_KU_DIGITAL_SIGNATURE | CASC_KU_KEY_CERT_SIGN |
                                                CASC_KU_CRL_SIGN);
  CHECK(other == 0, "keyUsage bits besides digitalSignature (SHOULD NOT)");
}

/* --- AIA and CRL DP (7.1.2.3 a, b) ----------------------------------------------------------- */
RUN(run_cs_aia) {
  const casc_lint_ext *x = casc_lint_cert_ext(C(in), CASC_LINT_EXT_AIA);
  if (x == NULL)
    return fail(det, detsz, "authorityInformationAccess is missing");
  CHECK(!x->critical, "authorityInformationAccess is critical");
}
static bool aia_has(const casc_lint_cert *c, int method, bool http) {
  for (size_t i = 0; i < c->aia.n; i++)
    if (c->aia.ad[i].method == method && c->aia.ad[i].loc.type == CASC_GN_URI &&
        (!http || casc_br_uri_is_http(c->aia.ad[i].loc.value)))
      return true;
  return false;
}
RUN(run_cs_aia_ca) {
  CHECK(!C(in)->aia.present || aia_has(C(in), 2, true),
        "authorityInformationAccess has no http caIssuers URL");
}
RUN(run_cs_aia_ocsp) {
  const casc_lint_cert *c = C(in);
  for (size_t i = 0; i < c->aia.n; i++)
    if (c->aia.ad[i].method == 1 &&
        (c->aia.ad[i].loc.type != CASC_GN_URI || !casc_br_uri_is_http(c->aia.ad[i].loc.value)))
      return fail(det, detsz, "an OCSP location that is not an http URL");
  return CASC_LINT_PASS;
}
static bool crldp_http(const casc_lint_cert *c) {
  for (size_t i = 0; i < c->crldp.n_uri; i++)
    if (casc_br_uri_is_http(c->crldp.uri[i]))
      return true;
  return false;
}
RUN(run_cs_crldp) {
  const casc_lint_ext *x = casc_lint_cert_ext(C(in), CASC_LINT_EXT_CRLDP);
  if (x == NULL)
    return fail(det, detsz, "cRLDistributionPoints is missing");
  if (x->critical)
    return fail(det, detsz, "cRLDistributionPoints is critical");
  CHECK(crldp_http(C(in)), "cRLDistributionPoints has no http URL");
}
RUN(run_cs_aki) {
  CHECK(C(in)->aki.present && C(in)->aki.key_id.len > 0,
        "authorityKeyIdentifier with a keyIdentifier is missing");
}

/* --- keys (6.1.5) -------------------------------------------------------------------------- */
RUN(run_cs_curve) {
  if (C(in)->spki.type != CASC_LINT_KEY_EC)
    return CASC_LINT_PASS;
  casc_lint_curve k = C(in)->spki.curve;
  CHECK(k == CASC_LINT_CURVE_P256 || k == CASC_LINT_CURVE_P384 || k == CASC_LINT_CURVE_P521,
        "ECDSA key not on P-256, P-384 or P-521");
}
static casc_lint_result rsa_min(const casc_lint_input *in, char *det, size_t detsz, unsigned min) {
  if (C(in)->spki.type != CASC_LINT_KEY_RSA || !C(in)->spki.rsa_ok)
    return CASC_LINT_PASS;
  if (C(in)->spki.rsa_bits >= min)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "RSA modulus of %u bits, less than %u", C(in)->spki.rsa_bits, min);
  return CASC_LINT_FAIL;
}
RUN(run_cs_rsa_3072) { return rsa_min(in, det, detsz, 3072); }
RUN(run_cs_ca_rsa_4096) { return rsa_min(in, det, detsz, 4096); }
RUN(run_cs_key_type) {
  casc_lint_key_type t = C(in)->spki.type;
  CHECK(t == CASC_LINT_KEY_RSA || t == CASC_LINT_KEY_EC, "key is neither RSA nor ECDSA");
}

/* --- validity (6.3.2) ----------------------------------------------------------------------- */
static bool times_ok(const casc_lint_input *in) {
  return C(in)->not_before.ok_parse && C(in)->not_after.ok_parse;
}
static bool cs_times(const casc_lint_input *in) { return cs(in) && times_ok(in); }
static bool tsa_times(const casc_lint_input *in) { return tsa(in) && times_ok(in); }
static time_t plus_months(time_t t, int months) {
  struct tm tm;
  gmtime_r(&t, &tm);
  tm.tm_mon += months;
  return timegm(&tm);
}
RUN(run_cs_39_months) {
  if (C(in)->not_before.t >= CASC_BR_DATE(2026, 3, 1))
    return CASC_LINT_NA; /* the 460-day rule governs */
  CHECK(C(in)->not_after.t <= plus_months(C(in)->not_before.t, 39),
        "validity period exceeds 39 months");
}
RUN(run_cs_460_days) {
  long long v = casc_br_validity_secs(C(in));
  if (v <= 460LL * 86400)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "validity period of %.2f days exceeds 460 days", v / 86400.0);
  return CASC_LINT_FAIL;
}
RUN(run_tsa_135_months) {
  CHECK(C(in)->not_after.t <= plus_months(C(in)->not_before.t, 135),
        "timestamp certificate validity exceeds 135 months");
}

/* --- subject (7.1.4.2) ------------------------------------------------------------------------ */
#define HAS(c, lit) (CASC_LINT_NAME_FIND(&(c)->subject, lit) != NULL)
RUN(run_cs_org) { CHECK(HAS(C(in), CASC_OID_AT_O), "subject:organizationName is missing"); }
RUN(run_cs_country) {
  const casc_lint_attr *a = CASC_LINT_NAME_FIND(&C(in)->subject, CASC_OID_AT_C);
  if (a == NULL)
    return fail(det, detsz, "subject:countryName is missing");
  CHECK(casc_br_country_valid(a->value.p, a->value.len), "subject:countryName is not ISO 3166-1");
}
RUN(run_cs_l_or_st) {
  CHECK(HAS(C(in), CASC_OID_AT_L) || HAS(C(in), CASC_OID_AT_ST),
        "neither subject:localityName nor subject:stateOrProvinceName");
}
RUN(run_cs_no_dc) { CHECK(!HAS(C(in), CASC_OID_AT_DC), "subject:domainComponent is present"); }
RUN(run_cs_cn) { CHECK(HAS(C(in), CASC_OID_AT_CN), "subject:commonName is missing"); }

/* --- algorithms, basic constraints, policies, serial --------------------------------------------- */
RUN(run_cs_sigalg) {
  casc_lint_bytes o = C(in)->sig_alg_oid;
  bool ok = CASC_LINT_OID_IS(o, CASC_OID_SHA256_RSA) || CASC_LINT_OID_IS(o, CASC_OID_SHA384_RSA) ||
            CASC_LINT_OID_IS(o, CASC_OID_SHA512_RSA) || CASC_LINT_OID_IS(o, CASC_OID_RSA_PSS) ||
            CASC_LINT_OID_IS(o, CASC_OID_ECDSA_SHA256) ||
            CASC_LINT_OID_IS(o, CASC_OID_ECDSA_SHA384) || CASC_LINT_OID_IS(o, CASC_OID_ECDSA_SHA512);
  if (ok)
    return CASC_LINT_PASS;
  char oid[64];
  snprintf(det, detsz, "signature algorithm %s is not allowed", casc_lint_oid_str(o, oid, sizeof oid));
  return CASC_LINT_FAIL;
}
RUN(run_cs_not_ca) { CHECK(!(C(in)->bc.present && C(in)->bc.ca), "basicConstraints cA is TRUE"); }
RUN(run_cs_policy) {
  CHECK(CASC_BR_HAS_POLICY(C(in), CASC_OID_CS_NON_EV) || CASC_BR_HAS_POLICY(C(in), CASC_OID_CS_EV),
        "neither 2.23.140.1.4.1 nor 2.23.140.1.3 in certificatePolicies");
}
RUN(run_tsa_policy) {
  CHECK(CASC_BR_HAS_POLICY(C(in), CASC_OID_CS_TIMESTAMP), "2.23.140.1.4.2 is not in certificatePolicies");
}
RUN(run_cs_no_tls_policy) {
  const casc_lint_cert *c = C(in);
  CHECK(!CASC_BR_HAS_POLICY(c, CASC_OID_BR_DV) && !CASC_BR_HAS_POLICY(c, CASC_OID_BR_OV) &&
            !CASC_BR_HAS_POLICY(c, CASC_OID_BR_IV) && !CASC_BR_HAS_POLICY(c, CASC_OID_BR_EV),
        "a TLS policy identifier in a code signing or timestamp certificate");
}
RUN(run_cs_serial) {
  casc_lint_bytes s = C(in)->serial;
  size_t i = 0;
  while (i < s.len && s.p[i] == 0)
    i++;
  CHECK(s.len - i >= 8, "serial number too short for 64 random bits");
}
RUN(run_cs_subca_eku) {
  CHECK(!(C(in)->eku.flags & (CASC_EKU_ANY | CASC_EKU_SERVER_AUTH)),
        "anyExtendedKeyUsage or serverAuth in a code signing CA");
}
RUN(run_cs_subca_ku) {
  const casc_lint_ext *x = casc_lint_cert_ext(C(in), CASC_LINT_EXT_KU);
  unsigned b = C(in)->ku.bits;
  if (x == NULL || !x->critical)
    return fail(det, detsz, "keyUsage is missing or not critical");
  CHECK((b & CASC_KU_KEY_CERT_SIGN) && (b & CASC_KU_CRL_SIGN), "keyCertSign or cRLSign is not set");
}
RUN(run_cs_subca_crldp) {
  CHECK(C(in)->crldp.present && crldp_http(C(in)), "cRLDistributionPoints with an http URL is missing");
}

/* --- EV code signing (CSBR 7.1.4.2.3, EV policy 2.23.140.1.3) ---------------------------- */
static bool cs_ev(const casc_lint_input *in) {
  return cs(in) && CASC_BR_HAS_POLICY(C(in), CASC_OID_CS_EV);
}
RUN(run_ev_bc) {
  CHECK(HAS(C(in), CASC_OID_AT_BUSINESS_CATEGORY), "EV code signing subject:businessCategory is missing");
}
RUN(run_ev_serial) {
  CHECK(HAS(C(in), CASC_OID_AT_SERIAL_NUMBER), "EV code signing subject:serialNumber is missing");
}
RUN(run_ev_joi) {
  CHECK(HAS(C(in), CASC_OID_AT_JOI_C), "EV code signing subject:jurisdictionCountryName is missing");
}

#define CS_LINT(nm, al, lv, cit, eff, app, fn)                                                     \
  {.name = nm, .alias = al, .level = lv, .citation = cit, .source = CASC_LINT_SRC_CSBR,            \
   .effective = eff, .kind = CASC_LINT_KIND_CERT, .applies = app, .run = fn}
#define SAME(n) n, n
#define CSL(...) CS_LINT(__VA_ARGS__)
#define E CASC_LINT_ERROR
#define W CASC_LINT_WARN
#define CSBR_V3 CASC_BR_DATE(2022, 9, 26) /* CSBR 3.0: the requirements as one document */

const casc_lint casc_lints_cert_csbr[] = {
    CSL(SAME("e_cs_eku_required"), E, "CSBR 7.1.2.3 f", 0, cs, run_cs_eku),
    CSL("w_cs_eku_other_values", NULL, W, "CSBR 7.1.2.3 f", 0, cs, run_cs_eku_other),
    CSL("e_cs_timestamp_eku_required_critical", NULL, E, "CSBR 7.1.2.3 f; RFC 3161 2.3", 0, tsa, run_tsa_eku),
    CSL("e_cs_timestamp_eku_not_sole", NULL, E, "CSBR 7.1.2.3 f; RFC 3161 2.3", 0, tsa, run_tsa_eku_sole),
    CSL(SAME("e_cs_key_usage_required"), E, "CSBR 7.1.2.3 e", 0, cs_any, run_cs_ku),
    CSL("w_cs_key_usage_other_bits", NULL, W, "CSBR 7.1.2.3 e", 0, cs_any, run_cs_ku_other),
    CSL(SAME("e_cs_authority_information_access"), E, "CSBR 7.1.2.3 c", 0, cs_any, run_cs_aia),
    CSL(SAME("e_cs_aia_missing_ca_issuers_http_url"), E, "CSBR 7.1.2.3 c", 0, cs_any, run_cs_aia_ca),
    CSL(SAME("e_cs_aia_ocsp_not_http"), E, "CSBR 7.1.2.3 c", 0, cs_any, run_cs_aia_ocsp),
    CSL(SAME("e_cs_crl_distribution_points"), E, "CSBR 7.1.2.3 b", 0, cs_any, run_cs_crldp),
    CSL("e_cs_aki_missing", NULL, E, "CSBR 7.1.2.3 g", 0, cs_any, run_cs_aki),
    CSL(SAME("e_cs_ecdsa_prohibited_curve"), E, "CSBR 6.1.5.2", 0, cs_all, run_cs_curve),
    CSL(SAME("e_cs_rsa_key_size"), E, "CSBR 6.1.5.2", CASC_BR_DATE(2021, 6, 1), cs_any, run_cs_rsa_3072),
    CSL("e_cs_ca_rsa_key_size", NULL, E, "CSBR 6.1.5.2", CASC_BR_DATE(2021, 6, 1), cs_subca, run_cs_ca_rsa_4096),
    CSL("e_cs_public_key_type_not_allowed", NULL, E, "CSBR 6.1.5.2", 0, cs_all, run_cs_key_type),
    CSL(SAME("e_cs_max_validity_period_39_months"), E, "CSBR 6.3.2", 0, cs_times, run_cs_39_months),
    CSL(SAME("e_cs_max_validity_period_460_days"), E, "CSBR 6.3.2 (CSC-31)", CASC_BR_DATE(2026, 3, 1), cs_times, run_cs_460_days),
    CSL("e_cs_timestamp_validity_over_135_months", NULL, E, "CSBR 6.3.2", 0, tsa_times, run_tsa_135_months),
    CSL(SAME("e_cs_requires_org"), E, "CSBR 7.1.4.2.2 b", 0, cs_any, run_cs_org),
    CSL(SAME("e_cs_subject_country_name"), E, "CSBR 7.1.4.2.2 f", 0, cs_any, run_cs_country),
    CSL(SAME("e_cs_subject_locality_or_province_required"), E, "CSBR 7.1.4.2.2 c, d", 0, cs, run_cs_l_or_st),
    CSL(SAME("e_cs_subject_prohibited"), E, "CSBR 7.1.4.2.2", 0, cs_any, run_cs_no_dc),
    CSL("e_cs_subject_common_name_missing", NULL, E, "CSBR 7.1.4.2.2 a", 0, cs_any, run_cs_cn),
    CSL(SAME("e_cs_signature_algorithm_not_supported"), E, "CSBR 7.1.3.2", 0, cs_all, run_cs_sigalg),
    CSL("e_cs_sub_cert_is_ca", NULL, E, "CSBR 7.1.2.3 d", 0, cs_any, run_cs_not_ca),
    CSL("e_cs_policy_missing", NULL, E, "CSBR 7.1.2.3 a; 7.1.6.1", CSBR_V3, cs, run_cs_policy),
    CSL("e_cs_timestamp_policy_missing", NULL, E, "CSBR 7.1.2.3 a; 7.1.6.1", CSBR_V3, tsa, run_tsa_policy),
    CSL("e_cs_tls_policy_present", NULL, E, "CSBR 7.1.6.1", 0, cs_any, run_cs_no_tls_policy),
    CSL("e_cs_serial_number_low_entropy", NULL, E, "CSBR 7.1", 0, cs_any, run_cs_serial),
    CSL("e_cs_sub_ca_eku_prohibited", NULL, E, "CSBR 7.1.2.2 g", 0, cs_subca, run_cs_subca_eku),
    CSL("e_cs_sub_ca_key_usage", NULL, E, "CSBR 7.1.2.2 e", 0, cs_subca, run_cs_subca_ku),
    CSL("e_cs_sub_ca_crl_distribution_points", NULL, E, "CSBR 7.1.2.2 b", 0, cs_subca, run_cs_subca_crldp),
    CSL("e_cs_ev_business_category_missing", NULL, E, "CSBR 7.1.4.2.3; EVG 9.2.3", 0, cs_ev, run_ev_bc),
    CSL("e_cs_ev_serial_number_missing", NULL, E, "CSBR 7.1.4.2.3; EVG 9.2.6", 0, cs_ev, run_ev_serial),
    CSL("e_cs_ev_jurisdiction_country_missing", NULL, E, "CSBR 7.1.4.2.3; EVG 9.2.5", 0, cs_ev, run_ev_joi),
};
CASC_LINT_TABLE(casc_lints_cert_csbr);
