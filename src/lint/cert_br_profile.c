/* TLS BR 7.1.2 certificate profiles (SC-62): the extensions of root CAs
 * (7.1.2.1), subordinate CAs (7.1.2.2-7.1.2.6, 7.1.2.10), subscribers
 * (7.1.2.7), OCSP responders (7.1.2.8), precertificates (7.1.2.9) and the
 * fields common to all (7.1.2.11). */
#include "cert_br_util.h"

#include <stdio.h>
#include <string.h>

#define C(in) ((in)->cert)
#define EXT(in, id) casc_lint_cert_ext(C(in), CASC_LINT_EXT_##id)

static bool root(const casc_lint_input *in) { return casc_lint_applies_root(in); }
static bool tls_ca(const casc_lint_input *in) { return casc_br_applies_tls_ca(in); }
static bool tls_subca(const casc_lint_input *in) { return casc_br_applies_tls_subca(in); }
static bool tls_sub(const casc_lint_input *in) { return casc_br_applies_tls_or_precert(in); }
static bool ocsp_signer(const casc_lint_input *in) { return casc_lint_applies_ocsp_signer(in); }
static bool precert(const casc_lint_input *in) { return casc_br_applies_precert(in); }
static bool not_root_br(const casc_lint_input *in) {
  return tls_sub(in) || tls_subca(in) || ocsp_signer(in);
}

static casc_lint_result fail(char *det, size_t detsz, const char *msg) {
  snprintf(det, detsz, "%s", msg);
  return CASC_LINT_FAIL;
}
#define CHECK(cond, msg) return (cond) ? CASC_LINT_PASS : fail(det, detsz, (msg))
#define RUN(fn) static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz)

/* --- root CA (7.1.2.1) -------------------------------------------------------------- */
RUN(run_root_no_eku) { CHECK(!C(in)->eku.present, "root CA has extKeyUsage"); }
RUN(run_ku_present) { CHECK(C(in)->ku.present, "keyUsage is missing"); }
RUN(run_ku_critical) {
  const casc_lint_ext *x = EXT(in, KU);
  CHECK(x == NULL || x->critical, "keyUsage is not critical");
}
RUN(run_root_pathlen) {
  CHECK(!C(in)->bc.present || C(in)->bc.path_len < 0, "root CA basicConstraints has pathLenConstraint");
}
RUN(run_root_no_cp) { CHECK(!C(in)->cp.present, "root CA has certificatePolicies"); }
RUN(run_ca_is_ca) { CHECK(C(in)->bc.present && C(in)->bc.ca, "basicConstraints cA is not TRUE"); }
RUN(run_aki_issuer_serial) {
  CHECK(!C(in)->aki.present || (!C(in)->aki.has_issuer && !C(in)->aki.has_serial),
        "authorityKeyIdentifier has authorityCertIssuer or authorityCertSerialNumber");
}

/* --- CA certificates (7.1.2.10) ----------------------------------------------------- */
RUN(run_ca_cert_sign) {
  CHECK(!C(in)->ku.present || (C(in)->ku.bits & CASC_KU_KEY_CERT_SIGN), "keyCertSign is not set");
}
RUN(run_ca_crl_sign) {
  CHECK(!C(in)->ku.present || (C(in)->ku.bits & CASC_KU_CRL_SIGN), "cRLSign is not set");
}
RUN(run_ca_digsig) {
  CHECK(!C(in)->ku.present || (C(in)->ku.bits & CASC_KU_DIGITAL_SIGNATURE),
        "digitalSignature is not set: the CA key cannot sign OCSP responses");
}
RUN(run_ca_ku_other) {
  unsigned other = C(in)->ku.bits & ~(unsigned)(CASC_KU_DIGITAL_SIGNATURE |
                                                CASC_KU_KEY_CERT_SIGN | CASC_KU_CRL_SIGN);
  if (other == 0)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "CA keyUsage has bits 0x%x besides digitalSignature, keyCertSign, cRLSign",
           other);
  return CASC_LINT_FAIL;
}

/* The first AIA location that is not an http:// URI, or -1. */
static int aia_non_http(const casc_lint_cert *c, int method) {
  for (size_t i = 0; i < c->aia.n; i++) {
    const casc_lint_ad *a = &c->aia.ad[i];
    if (method != 0 && a->method != method)
      continue;
    if (a->loc.type != CASC_GN_URI || !casc_br_uri_is_http(a->loc.value))
      return (int)i;
  }
  return -1;
}

static bool has_aia_method(const casc_lint_cert *c, int method, bool http_only) {
  for (size_t i = 0; i < c->aia.n; i++)
    if (c->aia.ad[i].method == method &&
        (!http_only || (c->aia.ad[i].loc.type == CASC_GN_URI &&
                        casc_br_uri_is_http(c->aia.ad[i].loc.value))))
      return true;
  return false;
}

RUN(run_ca_aia_http) {
  int i = aia_non_http(C(in), 0);
  if (i < 0)
    return CASC_LINT_PASS;
  casc_br_det_bytes(det, detsz, "AIA location is not an http URL: ", C(in)->aia.ad[i].loc.value);
  return CASC_LINT_FAIL;
}

/* --- subordinate CA ------------------------------------------------------------------- */
RUN(run_aia_not_critical) {
  const casc_lint_ext *x = EXT(in, AIA);
  CHECK(x == NULL || !x->critical, "authorityInformationAccess is critical");
}
RUN(run_aia_present) { CHECK(C(in)->aia.present, "authorityInformationAccess is missing"); }
RUN(run_aia_ca_issuers) {
  CHECK(!C(in)->aia.present || has_aia_method(C(in), 2, true),
        "authorityInformationAccess has no http caIssuers URL");
}
RUN(run_crldp_present) { CHECK(C(in)->crldp.present, "cRLDistributionPoints is missing"); }
RUN(run_crldp_not_critical) {
  const casc_lint_ext *x = EXT(in, CRLDP);
  CHECK(x == NULL || !x->critical, "cRLDistributionPoints is critical");
}
static bool crldp_has_http(const casc_lint_cert *c) {
  for (size_t i = 0; i < c->crldp.n_uri; i++)
    if (casc_br_uri_is_http(c->crldp.uri[i]))
      return true;
  return false;
}
RUN(run_crldp_url) {
  CHECK(!C(in)->crldp.present || crldp_has_http(C(in)),
        "cRLDistributionPoints has no http URL");
}
RUN(run_crldp_all_http) {
  const casc_lint_cert *c = C(in);
  for (size_t i = 0; i < c->crldp.n_uri; i++)
    if (!casc_br_uri_is_http(c->crldp.uri[i])) {
      casc_br_det_bytes(det, detsz, "CRL distribution point is not an http URL: ", c->crldp.uri[i]);
      return CASC_LINT_FAIL;
    }
  CHECK(!c->crldp.has_non_uri && !c->crldp.has_relative_name,
        "a CRL distribution point is not a fullName URI");
}
RUN(run_crldp_no_issuer) {
  CHECK(!C(in)->crldp.has_crl_issuer && !C(in)->crldp.has_reasons,
        "a CRL distribution point has cRLIssuer or reasons");
}
RUN(run_cp_present) { CHECK(C(in)->cp.present, "certificatePolicies is missing"); }
RUN(run_cp_not_critical) {
  const casc_lint_ext *x = EXT(in, CP);
  CHECK(x == NULL || !x->critical, "certificatePolicies is critical");
}
RUN(run_eku_not_critical) {
  const casc_lint_ext *x = EXT(in, EKU);
  CHECK(x == NULL || !x->critical, "extKeyUsage is critical");
}
RUN(run_subca_eku) {
  unsigned f = C(in)->eku.flags;
  if (!C(in)->eku.present)
    return CASC_LINT_PASS;
  if (f & CASC_EKU_ANY)
    return fail(det, detsz, "anyExtendedKeyUsage in a CA certificate");
  if ((f & CASC_EKU_SERVER_AUTH) &&
      (f & (CASC_EKU_CODE_SIGNING | CASC_EKU_EMAIL | CASC_EKU_TIME_STAMPING |
            CASC_EKU_OCSP_SIGNING | CASC_EKU_PRECERT_SIGNING)))
    return fail(det, detsz, "a TLS CA has codeSigning, emailProtection, timeStamping, "
                            "OCSPSigning or precertificate-signing EKUs");
  return CASC_LINT_PASS;
}
RUN(run_subca_eku_present) { CHECK(C(in)->eku.present, "a subordinate CA without extKeyUsage"); }
RUN(run_nc_critical) {
  const casc_lint_ext *x = EXT(in, NC);
  CHECK(x == NULL || x->critical, "nameConstraints is not critical");
}

static size_t reserved_tls_policies(const casc_lint_cert *c) {
  size_t k = 0;
  for (size_t i = 0; i < c->cp.n; i++) {
    casc_lint_bytes o = c->cp.pol[i].oid;
    if (CASC_LINT_OID_IS(o, CASC_OID_BR_DV) || CASC_LINT_OID_IS(o, CASC_OID_BR_OV) ||
        CASC_LINT_OID_IS(o, CASC_OID_BR_IV) || CASC_LINT_OID_IS(o, CASC_OID_BR_EV))
      k++;
  }
  return k;
}
RUN(run_ca_reserved_count) {
  CHECK(reserved_tls_policies(C(in)) <= 1, "more than one reserved CA/B Forum policy identifier");
}
RUN(run_any_policy_alone) {
  CHECK(!C(in)->cp.any_policy || C(in)->cp.n == 1, "anyPolicy together with other policies");
}

/* --- subscriber (7.1.2.7) ------------------------------------------------------------- */
RUN(run_aia_ocsp) {
  /* SC-063 made OCSP optional for certificates issued from 2024-03-15 */
  if (C(in)->not_before.t >= CASC_BR_DATE(2024, 3, 15))
    return CASC_LINT_NA;
  CHECK(!C(in)->aia.present || has_aia_method(C(in), 1, true),
        "authorityInformationAccess has no http OCSP URL");
}
RUN(run_aia_ocsp_http) {
  int i = aia_non_http(C(in), 1);
  if (i < 0)
    return CASC_LINT_PASS;
  casc_br_det_bytes(det, detsz, "OCSP location is not an http URL: ", C(in)->aia.ad[i].loc.value);
  return CASC_LINT_FAIL;
}
RUN(run_aia_ca_http) {
  int i = aia_non_http(C(in), 2);
  if (i < 0)
    return CASC_LINT_PASS;
  casc_br_det_bytes(det, detsz, "caIssuers location is not an http URL: ",
                    C(in)->aia.ad[i].loc.value);
  return CASC_LINT_FAIL;
}
RUN(run_aia_methods) {
  const casc_lint_cert *c = C(in);
  for (size_t i = 0; i < c->aia.n; i++)
    if ((c->aia.ad[i].method != 1 && c->aia.ad[i].method != 2) ||
        c->aia.ad[i].loc.type != CASC_GN_URI)
      return fail(det, detsz, "AIA has an access method other than ocsp and caIssuers, or a "
                              "location that is not a URI");
  return CASC_LINT_PASS;
}
RUN(run_aia_unique) {
  const casc_lint_cert *c = C(in);
  for (size_t i = 0; i < c->aia.n; i++)
    for (size_t j = i + 1; j < c->aia.n; j++)
      if (c->aia.ad[i].method == c->aia.ad[j].method &&
          casc_lint_bytes_eq(c->aia.ad[i].loc.value, c->aia.ad[j].loc.value))
        return fail(det, detsz, "the same AIA location twice for one method");
  return CASC_LINT_PASS;
}
RUN(run_missing_cdp) {
  const casc_lint_cert *c = C(in);
  if (c->crldp.present || has_aia_method(c, 1, false))
    return CASC_LINT_PASS;
  /* Short-lived subscriber certificates (BR 1.6.1) need neither */
  long long max_short = (c->not_before.t >= CASC_BR_DATE(2026, 3, 15) ? 7 : 10) * 86400LL;
  if (casc_br_validity_secs(c) <= max_short)
    return CASC_LINT_PASS;
  return fail(det, detsz, "neither cRLDistributionPoints nor an OCSP URL, and not short-lived");
}
RUN(run_cp_reserved) {
  CHECK(reserved_tls_policies(C(in)) >= 1, "no reserved CA/B Forum TLS policy identifier");
}
RUN(run_cp_exactly_one) {
  CHECK(reserved_tls_policies(C(in)) <= 1, "more than one reserved CA/B Forum policy identifier");
}
RUN(run_no_any_policy) { CHECK(!C(in)->cp.any_policy, "anyPolicy in a subscriber certificate"); }
RUN(run_cps_uri) {
  const casc_lint_cert *c = C(in);
  for (size_t i = 0; i < c->cp.n; i++) {
    const casc_lint_policy *p = &c->cp.pol[i];
    if (p->n_cps == 0)
      continue;
    casc_lint_bytes u = p->cps_uri;
    bool ok = casc_br_uri_is_http(u) ||
              (u.len > 8 && casc_br_ascii_eq(u.p, 8, (const unsigned char *)"https://", 8));
    if (!ok) {
      casc_br_det_bytes(det, detsz, "CPS URI is not http or https: ", u);
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}
RUN(run_only_cps_qualifiers) {
  const casc_lint_cert *c = C(in);
  for (size_t i = 0; i < c->cp.n; i++)
    if (c->cp.pol[i].n_unotice > 0 || c->cp.pol[i].n_other_qualifier > 0)
      return fail(det, detsz, "a policy qualifier other than id-qt-cps");
  return CASC_LINT_PASS;
}
RUN(run_eku_present) { CHECK(C(in)->eku.present, "extKeyUsage is missing"); }
RUN(run_sub_eku) {
  unsigned f = C(in)->eku.flags;
  if (!C(in)->eku.present)
    return CASC_LINT_PASS;
  if (!(f & CASC_EKU_SERVER_AUTH))
    return fail(det, detsz, "id-kp-serverAuth is missing");
  if (f & (CASC_EKU_CODE_SIGNING | CASC_EKU_EMAIL | CASC_EKU_TIME_STAMPING |
           CASC_EKU_OCSP_SIGNING | CASC_EKU_ANY | CASC_EKU_PRECERT_SIGNING))
    return fail(det, detsz, "a prohibited EKU (codeSigning, emailProtection, timeStamping, "
                            "OCSPSigning, anyExtendedKeyUsage or precertificate signing)");
  return CASC_LINT_PASS;
}
RUN(run_sub_eku_extra) {
  CHECK(!(C(in)->eku.flags & (CASC_EKU_OTHER | CASC_EKU_DOC_SIGNING)),
        "extKeyUsage has values besides serverAuth and clientAuth");
}
RUN(run_sub_eku_server_or_client) {
  CHECK(!C(in)->eku.present ||
            (C(in)->eku.flags & (CASC_EKU_SERVER_AUTH | CASC_EKU_CLIENT_AUTH)),
        "neither serverAuth nor clientAuth");
}
RUN(run_not_ca) { CHECK(!(C(in)->bc.present && C(in)->bc.ca), "basicConstraints cA is TRUE"); }
RUN(run_bc_critical) {
  const casc_lint_ext *x = EXT(in, BC);
  CHECK(x == NULL || x->critical, "basicConstraints is not critical");
}
RUN(run_no_cert_sign) { CHECK(!(C(in)->ku.bits & CASC_KU_KEY_CERT_SIGN), "keyCertSign is set"); }
RUN(run_no_crl_sign) { CHECK(!(C(in)->ku.bits & CASC_KU_CRL_SIGN), "cRLSign is set"); }
RUN(run_no_ski) { CHECK(!C(in)->ski.present, "subjectKeyIdentifier is present (NOT RECOMMENDED)"); }
RUN(run_aki_present) {
  CHECK(C(in)->aki.present && C(in)->aki.key_id.len > 0,
        "authorityKeyIdentifier with a keyIdentifier is missing");
}

/* --- precertificate signing CA (7.1.2.4) --------------------------------------------------- */
static bool precert_ca(const casc_lint_input *in) {
  return casc_lint_applies_subca(in) && (C(in)->eku.flags & CASC_EKU_PRECERT_SIGNING);
}
RUN(run_precert_ca_eku) {
  CHECK(C(in)->eku.n == 1, "a precertificate signing CA with EKUs besides precertificate signing");
}

/* --- precertificates (7.1.2.9) -------------------------------------------------------- */
RUN(run_precert_sct) { CHECK(!C(in)->sct_list, "a precertificate carries an SCT list"); }
static const casc_lint_ext *poison(const casc_lint_cert *c) {
  for (size_t i = 0; i < c->n_ext; i++)
    if (c->ext[i].id == CASC_LINT_EXT_CT_POISON)
      return &c->ext[i];
  return NULL;
}
RUN(run_poison_null) {
  const casc_lint_ext *x = poison(C(in));
  CHECK(x == NULL || (x->value.len == 2 && x->value.p[0] == 0x05 && x->value.p[1] == 0x00),
        "the precertificate poison's value is not NULL");
}

/* --- OCSP responder (7.1.2.8) ----------------------------------------------------------- */
RUN(run_ocsp_no_cdp) { CHECK(!C(in)->crldp.present, "cRLDistributionPoints in an OCSP responder certificate"); }
RUN(run_ocsp_no_cp) { CHECK(!C(in)->cp.present, "certificatePolicies in an OCSP responder certificate"); }
RUN(run_ocsp_ku) {
  CHECK(!C(in)->ku.present || C(in)->ku.bits == CASC_KU_DIGITAL_SIGNATURE,
        "OCSP responder keyUsage is not digitalSignature alone");
}
RUN(run_ocsp_nocheck) { CHECK(C(in)->ocsp_nocheck, "id-pkix-ocsp-nocheck is missing"); }
RUN(run_ocsp_eku) {
  CHECK(C(in)->eku.present && C(in)->eku.flags == CASC_EKU_OCSP_SIGNING,
        "extKeyUsage is not id-kp-OCSPSigning alone");
}

#define BR_LINT(nm, al, lv, cit, eff, app, fn)                                                     \
  {.name = nm, .alias = al, .level = lv, .citation = cit, .source = CASC_LINT_SRC_TLSBR,           \
   .effective = eff, .kind = CASC_LINT_KIND_CERT, .applies = app, .run = fn}
#define SAME(n) n, n
#define BRL(...) BR_LINT(__VA_ARGS__)
#define E CASC_LINT_ERROR
#define W CASC_LINT_WARN
#define N CASC_LINT_NOTICE
#define SC62 CASC_BR_SC62

const casc_lint casc_lints_cert_br_profile[] = {
    /* root */
    BRL(SAME("e_root_ca_extended_key_usage_present"), E, "TLS BR 7.1.2.1.2", CASC_BR_V1, root, run_root_no_eku),
    BRL(SAME("e_root_ca_key_usage_present"), E, "TLS BR 7.1.2.1.2", CASC_BR_V1, root, run_ku_present),
    BRL(SAME("e_root_ca_key_usage_must_be_critical"), E, "TLS BR 7.1.2.1.2", CASC_BR_V1, root, run_ku_critical),
    BRL(SAME("w_root_ca_basic_constraints_path_len_constraint_field_present"), W, "TLS BR 7.1.2.1.4", CASC_BR_V1, root, run_root_pathlen),
    BRL(SAME("w_root_ca_contains_cert_policy"), W, "TLS BR 7.1.2.1.2", CASC_BR_V1, root, run_root_no_cp),
    BRL(SAME("e_ca_is_ca"), E, "TLS BR 7.1.2.1.4; 7.1.2.10.4", CASC_BR_V1, tls_ca, run_ca_is_ca),
    BRL("e_root_ca_aki_has_issuer_or_serial", NULL, E, "TLS BR 7.1.2.1.3", SC62, root, run_aki_issuer_serial),
    /* CA certificates */
    BRL(SAME("e_ca_key_usage_missing"), E, "TLS BR 7.1.2.10.7", CASC_BR_V1, tls_subca, run_ku_present),
    BRL(SAME("e_ca_key_usage_not_critical"), E, "TLS BR 7.1.2.10.7", CASC_BR_V1, tls_subca, run_ku_critical),
    BRL(SAME("e_ca_key_cert_sign_not_set"), E, "TLS BR 7.1.2.10.7", CASC_BR_V1, tls_ca, run_ca_cert_sign),
    BRL(SAME("e_ca_crl_sign_not_set"), E, "TLS BR 7.1.2.10.7", CASC_BR_V1, tls_ca, run_ca_crl_sign),
    BRL(SAME("n_ca_digital_signature_not_set"), N, "TLS BR 7.1.2.10.7", CASC_BR_V1, tls_ca, run_ca_digsig),
    BRL("e_ca_key_usage_prohibited_bits", NULL, E, "TLS BR 7.1.2.10.7", SC62, tls_ca, run_ca_ku_other),
    BRL(SAME("e_ca_aia_non_http_url"), E, "TLS BR 7.1.2.10.3", SC62, tls_ca, run_ca_aia_http),
    /* subordinate CA */
    BRL(SAME("e_sub_ca_aia_marked_critical"), E, "TLS BR 7.1.2.10.3", CASC_BR_V1, tls_subca, run_aia_not_critical),
    BRL(SAME("w_sub_ca_aia_missing"), W, "TLS BR 7.1.2.10.3", CASC_BR_V1, tls_subca, run_aia_present),
    BRL(SAME("w_sub_ca_aia_does_not_contain_issuing_ca_url"), W, "TLS BR 7.1.2.10.3", CASC_BR_V1, tls_subca, run_aia_ca_issuers),
    BRL(SAME("e_sub_ca_crl_distribution_points_missing"), E, "TLS BR 7.1.2.11.2", CASC_BR_V1, tls_subca, run_crldp_present),
    BRL(SAME("e_sub_ca_crl_distribution_points_marked_critical"), E, "TLS BR 7.1.2.11.2", CASC_BR_V1, tls_subca, run_crldp_not_critical),
    BRL(SAME("e_sub_ca_crl_distribution_points_does_not_contain_url"), E, "TLS BR 7.1.2.11.2", CASC_BR_V1, tls_subca, run_crldp_url),
    BRL(SAME("e_sub_ca_certificate_policies_missing"), E, "TLS BR 7.1.2.10.5", CASC_BR_V1, tls_subca, run_cp_present),
    BRL(SAME("w_sub_ca_certificate_policies_marked_critical"), W, "TLS BR 7.1.2.10.5", CASC_BR_V1, tls_subca, run_cp_not_critical),
    BRL(SAME("w_sub_ca_eku_critical"), W, "TLS BR 7.1.2.10.6", CASC_BR_V1, tls_subca, run_eku_not_critical),
    BRL(SAME("e_ca_invalid_eku"), E, "TLS BR 7.1.2.10.6", SC62, tls_subca, run_subca_eku),
    BRL(SAME("n_sub_ca_eku_missing"), N, "TLS BR 7.1.2.10.6; 7.1.2.5", CASC_BR_V1, tls_subca, run_subca_eku_present),
    BRL(SAME("w_sub_ca_name_constraints_not_critical"), W, "TLS BR 7.1.2.10.8", CASC_BR_V1, tls_subca, run_nc_critical),
    BRL(SAME("e_ca_multiple_reserved_policy_oids"), E, "TLS BR 7.1.2.10.5", SC62, tls_subca, run_ca_reserved_count),
    BRL("e_sub_ca_any_policy_not_alone", NULL, E, "TLS BR 7.1.2.10.5", SC62, tls_subca, run_any_policy_alone),
    /* subscriber */
    BRL(SAME("e_sub_cert_aia_missing"), E, "TLS BR 7.1.2.7.7", CASC_BR_V1, tls_sub, run_aia_present),
    BRL(SAME("e_sub_cert_aia_marked_critical"), E, "TLS BR 7.1.2.7.7", CASC_BR_V1, tls_sub, run_aia_not_critical),
    BRL(SAME("e_sub_cert_aia_does_not_contain_ocsp_url"), E, "TLS BR 7.1.2.7.7 (before SC-063)", CASC_BR_V1, tls_sub, run_aia_ocsp),
    BRL(SAME("w_sub_cert_aia_does_not_contain_issuing_ca_url"), W, "TLS BR 7.1.2.7.7", CASC_BR_V1, tls_sub, run_aia_ca_issuers),
    BRL(SAME("e_aia_ocsp_must_have_http_only"), E, "TLS BR 7.1.2.7.7", SC62, tls_sub, run_aia_ocsp_http),
    BRL(SAME("e_aia_ca_issuers_must_have_http_only"), E, "TLS BR 7.1.2.7.7", SC62, tls_sub, run_aia_ca_http),
    BRL(SAME("e_aia_must_contain_permitted_access_method"), E, "TLS BR 7.1.2.7.7", SC62, tls_sub, run_aia_methods),
    BRL("e_aia_unique_access_locations", "e_aia_unique_access_locations", E, "TLS BR 7.1.2.7.7", SC62, tls_sub, run_aia_unique),
    BRL(SAME("e_sub_cert_crl_distribution_points_marked_critical"), E, "TLS BR 7.1.2.11.2", CASC_BR_V1, tls_sub, run_crldp_not_critical),
    BRL(SAME("e_sub_cert_crl_distribution_points_does_not_contain_url"), E, "TLS BR 7.1.2.11.2", CASC_BR_V1, tls_sub, run_crldp_url),
    BRL(SAME("e_crl_distrib_points_not_http"), E, "TLS BR 7.1.2.11.2", SC62, not_root_br, run_crldp_all_http),
    BRL(SAME("e_crlissuer_must_not_be_present_in_cdp"), E, "TLS BR 7.1.2.11.2", SC62, not_root_br, run_crldp_no_issuer),
    BRL(SAME("e_missing_crl_distrib_point"), E, "TLS BR 7.1.2.11.2 (SC-063)", CASC_BR_DATE(2024, 3, 15), tls_sub, run_missing_cdp),
    BRL(SAME("e_sub_cert_certificate_policies_missing"), E, "TLS BR 7.1.2.7.9", CASC_BR_V1, tls_sub, run_cp_present),
    BRL(SAME("w_sub_cert_certificate_policies_marked_critical"), W, "TLS BR 7.1.2.7.9", CASC_BR_V1, tls_sub, run_cp_not_critical),
    BRL(SAME("e_sub_cert_cert_policy_empty"), E, "TLS BR 7.1.6.4", CASC_BR_V1, tls_sub, run_cp_reserved),
    BRL("e_sub_cert_multiple_reserved_policy_oids", NULL, E, "TLS BR 7.1.2.7.9", SC62, tls_sub, run_cp_exactly_one),
    BRL("e_sub_cert_any_policy", NULL, E, "TLS BR 7.1.2.7.9", SC62, tls_sub, run_no_any_policy),
    BRL(SAME("e_invalid_cps_uri"), E, "TLS BR 7.1.2.7.9", SC62, not_root_br, run_cps_uri),
    BRL(SAME("e_policy_qualifiers_other_than_cps_not_permitted"), E, "TLS BR 7.1.2.7.9", SC62, tls_sub, run_only_cps_qualifiers),
    BRL(SAME("e_sub_cert_eku_missing"), E, "TLS BR 7.1.2.7.10", CASC_BR_V1, tls_sub, run_eku_present),
    BRL(SAME("e_sub_cert_eku_check"), E, "TLS BR 7.1.2.7.10", SC62, tls_sub, run_sub_eku),
    BRL(SAME("w_sub_cert_eku_extra_values"), W, "TLS BR 7.1.2.7.10", CASC_BR_V1, tls_sub, run_sub_eku_extra),
    BRL(SAME("e_eku_critical"), E, "TLS BR 7.1.2.7.6", SC62, tls_sub, run_eku_not_critical),
    BRL(SAME("e_sub_cert_eku_server_auth_client_auth_missing"), E, "TLS BR 7.1.2.3 (1.x)", CASC_BR_V1, tls_sub, run_sub_eku_server_or_client),
    BRL(SAME("e_sub_cert_not_is_ca"), E, "TLS BR 7.1.2.7.8", CASC_BR_V1, tls_sub, run_not_ca),
    BRL(SAME("e_sub_cert_basic_constraints_not_critical"), E, "TLS BR 7.1.2.7.8", SC62, tls_sub, run_bc_critical),
    BRL(SAME("e_sub_cert_key_usage_cert_sign_bit_set"), E, "TLS BR 7.1.2.7.11", CASC_BR_V1, tls_sub, run_no_cert_sign),
    BRL(SAME("e_sub_cert_key_usage_crl_sign_bit_set"), E, "TLS BR 7.1.2.7.11", CASC_BR_V1, tls_sub, run_no_crl_sign),
    BRL("e_sub_cert_key_usage_not_critical", NULL, E, "TLS BR 7.1.2.7.6", SC62, tls_sub, run_ku_critical),
    BRL(SAME("w_ext_subject_key_identifier_not_recommended_subscriber"), W, "TLS BR 7.1.2.7.6", SC62, tls_sub, run_no_ski),
    /* common to subscribers, sub CAs and responders (7.1.2.11.1) */
    BRL("e_br_aki_missing", NULL, E, "TLS BR 7.1.2.11.1", SC62, not_root_br, run_aki_present),
    BRL("e_br_aki_has_issuer_or_serial", NULL, E, "TLS BR 7.1.2.11.1", SC62, not_root_br, run_aki_issuer_serial),
    /* precertificates */
    BRL("e_precert_signing_ca_eku_not_sole", NULL, E, "TLS BR 7.1.2.4", SC62, precert_ca, run_precert_ca_eku),
    BRL(SAME("e_precert_with_sct_list"), E, "TLS BR 7.1.2.9; RFC 6962 3.3", CASC_BR_V1, precert, run_precert_sct),
    BRL("e_precert_poison_not_null", NULL, E, "TLS BR 7.1.2.9; RFC 6962 3.1", CASC_BR_V1, precert, run_poison_null),
    /* OCSP responder */
    BRL(SAME("e_ocsp_cert_cdp_forbidden"), E, "TLS BR 7.1.2.8.2", SC62, ocsp_signer, run_ocsp_no_cdp),
    BRL(SAME("e_ocsp_cert_cp_forbidden"), E, "TLS BR 7.1.2.8.2", SC62, ocsp_signer, run_ocsp_no_cp),
    BRL(SAME("e_ocsp_cert_invalid_ku"), E, "TLS BR 7.1.2.8.7", SC62, ocsp_signer, run_ocsp_ku),
    BRL("e_ocsp_cert_key_usage_missing", NULL, E, "TLS BR 7.1.2.8.7", SC62, ocsp_signer, run_ku_present),
    BRL(SAME("e_ocsp_id_pkix_ocsp_nocheck_ext_not_included_server_auth"), E, "TLS BR 4.9.9; 7.1.2.8.6", CASC_BR_V1, ocsp_signer, run_ocsp_nocheck),
    BRL("e_ocsp_cert_eku_not_ocsp_signing_only", NULL, E, "TLS BR 7.1.2.8.5", SC62, ocsp_signer, run_ocsp_eku),
    BRL("e_ocsp_cert_is_ca", NULL, E, "TLS BR 7.1.2.8.4", SC62, ocsp_signer, run_not_ca),
};
CASC_LINT_TABLE(casc_lints_cert_br_profile);
