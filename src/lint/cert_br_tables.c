/* The extension tables of TLS BR 7.1.2.1.2 (root CA) and 7.1.2.8.2 (OCSP
 * responder), beyond what cert_br_profile.c checks: the SHOULD, NOT
 * RECOMMENDED and MUST NOT rows, criticality, and the exact nocheck value
 * of 7.1.2.8.6. */
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

static bool root(const casc_lint_input *in) { return casc_lint_applies_root(in); }
static bool ocsp(const casc_lint_input *in) { return casc_lint_applies_ocsp_signer(in); }

static const casc_lint_ext *ext_by_id(const casc_lint_cert *c, casc_lint_ext_id id) {
  for (size_t i = 0; i < c->n_ext; i++)
    if (c->ext[i].id == id)
      return &c->ext[i];
  return NULL;
}

/* The first extension whose id is not in allowed[], or NULL. */
static const casc_lint_ext *other_ext(const casc_lint_cert *c, const casc_lint_ext_id *allowed,
                                      size_t n) {
  for (size_t i = 0; i < c->n_ext; i++) {
    bool ok = false;
    for (size_t k = 0; k < n && !ok; k++)
      ok = c->ext[i].id == allowed[k];
    if (!ok)
      return &c->ext[i];
  }
  return NULL;
}

static casc_lint_result report_other(const casc_lint_ext *x, char *det, size_t detsz) {
  if (x == NULL)
    return CASC_LINT_PASS;
  char oid[64];
  snprintf(det, detsz, "extension %s is not in the profile (NOT RECOMMENDED)",
           casc_lint_oid_str(x->oid, oid, sizeof oid));
  return CASC_LINT_FAIL;
}

/* --- root CA (7.1.2.1.2) ------------------------------------------------------------------ */
RUN(run_root_aki) { CHECK(C(in)->aki.present, "authorityKeyIdentifier is missing (RECOMMENDED)"); }
RUN(run_root_other) {
  static const casc_lint_ext_id allowed[] = {CASC_LINT_EXT_AKI, CASC_LINT_EXT_BC, CASC_LINT_EXT_KU,
                                             CASC_LINT_EXT_SKI, CASC_LINT_EXT_EKU, CASC_LINT_EXT_CP,
                                             CASC_LINT_EXT_SCT};
  return report_other(other_ext(C(in), allowed, sizeof allowed / sizeof allowed[0]), det, detsz);
}

/* --- TLS subordinate CAs (7.1.2.5.1, 7.1.2.6.1) ------------------------------------------------- */
static bool tls_subca(const casc_lint_input *in) { return casc_br_applies_tls_subca(in); }
RUN(run_subca_other) {
  static const casc_lint_ext_id allowed[] = {
      CASC_LINT_EXT_AKI, CASC_LINT_EXT_BC,  CASC_LINT_EXT_CP,  CASC_LINT_EXT_CRLDP,
      CASC_LINT_EXT_KU,  CASC_LINT_EXT_SKI, CASC_LINT_EXT_EKU, CASC_LINT_EXT_NC,
      CASC_LINT_EXT_AIA, CASC_LINT_EXT_SCT};
  return report_other(other_ext(C(in), allowed, sizeof allowed / sizeof allowed[0]), det, detsz);
}

/* 7.1.2.10.6: a TLS CA's EKUs besides serverAuth and clientAuth are NOT RECOMMENDED */
RUN(run_subca_eku_extra) {
  CHECK(!(C(in)->eku.flags & (CASC_EKU_OTHER | CASC_EKU_DOC_SIGNING)),
        "extKeyUsage has values besides serverAuth and clientAuth (NOT RECOMMENDED)");
}
/* 7.1.2.10.5: without anyPolicy, a reserved TLS policy identifier */
RUN(run_subca_reserved_policy) {
  const casc_lint_cert *c = C(in);
  if (!c->cp.present || c->cp.any_policy)
    return CASC_LINT_PASS;
  CHECK(CASC_BR_HAS_POLICY(c, CASC_OID_BR_DV) || CASC_BR_HAS_POLICY(c, CASC_OID_BR_OV) ||
            CASC_BR_HAS_POLICY(c, CASC_OID_BR_IV) || CASC_BR_HAS_POLICY(c, CASC_OID_BR_EV),
        "neither anyPolicy nor a reserved CA/B Forum TLS policy identifier");
}

/* --- OCSP responder (7.1.2.8.2) -------------------------------------------------------------- */
RUN(run_nocheck_value) {
  const casc_lint_ext *x = ext_by_id(C(in), CASC_LINT_EXT_OCSP_NOCHECK);
  CHECK(x == NULL || (x->value.len == 2 && x->value.p[0] == 0x05 && x->value.p[1] == 0x00),
        "id-pkix-ocsp-nocheck's extnValue is not exactly 0500");
}
RUN(run_nocheck_critical) {
  const casc_lint_ext *x = ext_by_id(C(in), CASC_LINT_EXT_OCSP_NOCHECK);
  CHECK(x == NULL || !x->critical, "id-pkix-ocsp-nocheck is critical");
}
RUN(run_ocsp_ku_critical) {
  const casc_lint_ext *x = casc_lint_cert_ext(C(in), CASC_LINT_EXT_KU);
  CHECK(x == NULL || x->critical, "keyUsage is not critical");
}
RUN(run_ocsp_bc_critical) {
  const casc_lint_ext *x = casc_lint_cert_ext(C(in), CASC_LINT_EXT_BC);
  CHECK(x == NULL || x->critical, "basicConstraints is not critical");
}
RUN(run_ocsp_no_san) { CHECK(!C(in)->san.present, "subjectAltName in an OCSP responder certificate"); }
RUN(run_ocsp_no_aia) {
  CHECK(!C(in)->aia.present, "authorityInformationAccess in an OCSP responder certificate (NOT RECOMMENDED)");
}
RUN(run_ocsp_other) {
  static const casc_lint_ext_id allowed[] = {
      CASC_LINT_EXT_AKI, CASC_LINT_EXT_EKU, CASC_LINT_EXT_OCSP_NOCHECK, CASC_LINT_EXT_KU,
      CASC_LINT_EXT_BC,  CASC_LINT_EXT_NC,  CASC_LINT_EXT_SAN,          CASC_LINT_EXT_SKI,
      CASC_LINT_EXT_AIA, CASC_LINT_EXT_CP,  CASC_LINT_EXT_CRLDP,        CASC_LINT_EXT_SCT};
  return report_other(other_ext(C(in), allowed, sizeof allowed / sizeof allowed[0]), det, detsz);
}

#define BR_LINT(nm, lv, cit, app, fn)                                                              \
  {.name = nm, .alias = NULL, .level = lv, .citation = cit, .source = CASC_LINT_SRC_TLSBR,         \
   .effective = CASC_BR_SC62, .kind = CASC_LINT_KIND_CERT, .applies = app, .run = fn}
#define E CASC_LINT_ERROR
#define W CASC_LINT_WARN

const casc_lint casc_lints_cert_br_tables[] = {
    BR_LINT("w_root_ca_aki_missing", W, "TLS BR 7.1.2.1.2", root, run_root_aki),
    BR_LINT("w_root_ca_other_extension", W, "TLS BR 7.1.2.1.2; 7.1.2.11.5", root, run_root_other),
    BR_LINT("w_sub_ca_other_extension", W, "TLS BR 7.1.2.5.1; 7.1.2.6.1; 7.1.2.11.5", tls_subca, run_subca_other),
    BR_LINT("w_sub_ca_eku_extra_values", W, "TLS BR 7.1.2.10.6", tls_subca, run_subca_eku_extra),
    BR_LINT("e_sub_ca_reserved_policy_missing", E, "TLS BR 7.1.2.10.5", tls_subca, run_subca_reserved_policy),
    BR_LINT("e_ocsp_cert_nocheck_not_null", E, "TLS BR 7.1.2.8.6", ocsp, run_nocheck_value),
    BR_LINT("e_ocsp_cert_nocheck_critical", E, "TLS BR 7.1.2.8.2", ocsp, run_nocheck_critical),
    BR_LINT("e_ocsp_cert_key_usage_not_critical", E, "TLS BR 7.1.2.8.2", ocsp, run_ocsp_ku_critical),
    BR_LINT("e_ocsp_cert_basic_constraints_not_critical", E, "TLS BR 7.1.2.8.2", ocsp, run_ocsp_bc_critical),
    BR_LINT("e_ocsp_cert_san_present", E, "TLS BR 7.1.2.8.2", ocsp, run_ocsp_no_san),
    BR_LINT("w_ocsp_cert_aia_present", W, "TLS BR 7.1.2.8.2; 7.1.2.8.3", ocsp, run_ocsp_no_aia),
    BR_LINT("w_ocsp_cert_other_extension", W, "TLS BR 7.1.2.8.2; 7.1.2.11.5", ocsp, run_ocsp_other),
};
CASC_LINT_TABLE(casc_lints_cert_br_tables);
