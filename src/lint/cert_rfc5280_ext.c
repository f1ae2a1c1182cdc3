/* RFC 5280 4.2: the standard certificate extensions: presence, criticality
 * and the constraints between them. */
#include "lint_internal.h"

#include <stdio.h>
#include <string.h>

#define RFC5280_DATE CASC_LINT_DATE(2008, 5, 1)
#define RFC3280_DATE CASC_LINT_DATE(2002, 4, 1)
#define RFC6962_DATE CASC_LINT_DATE(2013, 6, 1)

static const casc_lint_ext *ext(const casc_lint_input *in, casc_lint_ext_id id) {
  return in->cert->by_id[id];
}

/* A lint "extension X, when present, must (not) be critical". */
static casc_lint_result crit_check(const casc_lint_input *in, casc_lint_ext_id id, bool want,
                                   const char *name, char *det, size_t detsz) {
  const casc_lint_ext *x = ext(in, id);
  if (x == NULL)
    return CASC_LINT_NA;
  if (x->critical == want)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "%s is %scritical", name, x->critical ? "" : "not ");
  return CASC_LINT_FAIL;
}

#define CRIT_LINT(fn, id, want, name)                                                              \
  static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz) {                 \
    return crit_check(in, id, want, name, det, detsz);                                             \
  }

CRIT_LINT(run_bc_critical, CASC_LINT_EXT_BC, true, "basicConstraints")
CRIT_LINT(run_ku_critical, CASC_LINT_EXT_KU, true, "keyUsage")
CRIT_LINT(run_aki_critical, CASC_LINT_EXT_AKI, false, "authorityKeyIdentifier")
CRIT_LINT(run_ski_critical, CASC_LINT_EXT_SKI, false, "subjectKeyIdentifier")
CRIT_LINT(run_crldp_critical, CASC_LINT_EXT_CRLDP, false, "cRLDistributionPoints")
CRIT_LINT(run_aia_critical, CASC_LINT_EXT_AIA, false, "authorityInfoAccess")
CRIT_LINT(run_sia_critical, CASC_LINT_EXT_SIA, false, "subjectInfoAccess")
CRIT_LINT(run_pc_critical, CASC_LINT_EXT_PC, true, "policyConstraints")
CRIT_LINT(run_iap_critical, CASC_LINT_EXT_IAP, true, "inhibitAnyPolicy")
CRIT_LINT(run_pm_critical, CASC_LINT_EXT_PM, true, "policyMappings")
CRIT_LINT(run_ian_critical, CASC_LINT_EXT_IAN, false, "issuerAltName")
CRIT_LINT(run_sda_critical, CASC_LINT_EXT_SDA, false, "subjectDirectoryAttributes")
CRIT_LINT(run_freshest_critical, CASC_LINT_EXT_FRESHEST, false, "freshestCRL")
CRIT_LINT(run_nc_critical, CASC_LINT_EXT_NC, true, "nameConstraints")
CRIT_LINT(run_poison_critical, CASC_LINT_EXT_CT_POISON, true, "the CT precertificate poison")
CRIT_LINT(run_sct_critical, CASC_LINT_EXT_SCT, false, "the SCT list")

/* --- basicConstraints / keyUsage -------------------------------------------------- */
static casc_lint_result run_ca_bc_missing(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (c->bc.present && c->bc.ca)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "a CA certificate without basicConstraints cA TRUE");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_cert_sign_without_ca(const casc_lint_input *in, char *det,
                                                 size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->ku.present || !(c->ku.bits & CASC_KU_KEY_CERT_SIGN) || (c->bc.present && c->bc.ca))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "keyUsage keyCertSign without basicConstraints cA TRUE");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_ca_ku_missing(const casc_lint_input *in, char *det, size_t detsz) {
  if (in->cert->ku.present)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "a CA certificate without keyUsage");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_path_len_without_ca(const casc_lint_input *in, char *det,
                                                size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->bc.present || c->bc.path_len < 0 || c->bc.ca)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "pathLenConstraint without cA TRUE");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_path_len_without_cert_sign(const casc_lint_input *in, char *det,
                                                       size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->bc.present || c->bc.path_len < 0 || !c->ku.present ||
      (c->ku.bits & CASC_KU_KEY_CERT_SIGN))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "pathLenConstraint without keyUsage keyCertSign");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_ku_no_bits(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->ku.present || c->ku.bits != 0)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "keyUsage with no bit set");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_ku_only_bits(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  unsigned only = CASC_KU_ENCIPHER_ONLY | CASC_KU_DECIPHER_ONLY;
  if (!c->ku.present || !(c->ku.bits & only) || (c->ku.bits & CASC_KU_KEY_AGREEMENT))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "encipherOnly or decipherOnly without keyAgreement");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_ku_unknown_bits(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->ku.present || c->ku.n_bits <= 9)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "keyUsage has %u bits; only 9 are defined", c->ku.n_bits);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_path_len_negative(const casc_lint_input *in, char *det,
                                              size_t detsz) {
  if (!in->cert->bc.path_len_negative)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "pathLenConstraint is negative (INTEGER (0..MAX))");
  return CASC_LINT_FAIL;
}

/* --- subjectAltName ------------------------------------------------------------- */
static casc_lint_result run_san_crit_empty_subject(const casc_lint_input *in, char *det,
                                                  size_t detsz) {
  const casc_lint_cert *c = in->cert;
  const casc_lint_ext *x = ext(in, CASC_LINT_EXT_SAN);
  if (x == NULL || c->subject.n_rdn > 0)
    return CASC_LINT_NA;
  if (x->critical)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "subjectAltName not critical although the subject is empty");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_san_crit_with_subject(const casc_lint_input *in, char *det,
                                                 size_t detsz) {
  const casc_lint_cert *c = in->cert;
  const casc_lint_ext *x = ext(in, CASC_LINT_EXT_SAN);
  if (x == NULL || c->subject.n_rdn == 0)
    return CASC_LINT_NA;
  if (!x->critical)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "subjectAltName critical although the subject is not empty");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_san_no_entries(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->san.present || c->san.total > 0 || !ext(in, CASC_LINT_EXT_SAN)->decoded_ok)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "subjectAltName without any name");
  return CASC_LINT_FAIL;
}

/* --- key identifiers --------------------------------------------------------------- */
static bool not_self_signed(const casc_lint_input *in) {
  return in->cert != NULL && !in->cert->self_signed;
}

static casc_lint_result run_aki_missing(const casc_lint_input *in, char *det, size_t detsz) {
  if (in->cert->aki.present)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "no authorityKeyIdentifier in a certificate that is not self-signed");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_aki_no_key_id(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->aki.present || c->aki.key_id.p != NULL)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "authorityKeyIdentifier without keyIdentifier");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_aki_issuer_serial_pair(const casc_lint_input *in, char *det,
                                                   size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->aki.present || c->aki.has_issuer == c->aki.has_serial)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "authorityCertIssuer and authorityCertSerialNumber not both present");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_ski_missing_ca(const casc_lint_input *in, char *det, size_t detsz) {
  if (in->cert->ski.present)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "a CA certificate without subjectKeyIdentifier");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_ski_missing_sub(const casc_lint_input *in, char *det, size_t detsz) {
  if (in->cert->ski.present)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "no subjectKeyIdentifier");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_key_id_empty(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (c->ski.present && c->ski.key_id.len == 0) {
    snprintf(det, detsz, "empty subjectKeyIdentifier");
    return CASC_LINT_FAIL;
  }
  if (c->aki.present && c->aki.key_id.p != NULL && c->aki.key_id.len == 0) {
    snprintf(det, detsz, "empty authorityKeyIdentifier keyIdentifier");
    return CASC_LINT_FAIL;
  }
  return CASC_LINT_PASS;
}

/* --- extKeyUsage ---------------------------------------------------------------- */
static casc_lint_result run_eku_any_critical(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_ext *x = ext(in, CASC_LINT_EXT_EKU);
  if (x == NULL || !(in->cert->eku.flags & CASC_EKU_ANY) || !x->critical)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "extKeyUsage with anyExtendedKeyUsage is critical");
  return CASC_LINT_FAIL;
}

/* --- certificatePolicies ---------------------------------------------------------- */
static casc_lint_result run_cp_duplicate(const casc_lint_input *in, char *det, size_t detsz) {
  if (!in->cert->cp.duplicate)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "a policy OID appears twice in certificatePolicies");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_cp_any_policy_qualifier(const casc_lint_input *in, char *det,
                                                    size_t detsz) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 0; i < c->cp.n; i++)
    if (CASC_LINT_OID_IS(c->cp.pol[i].oid, CASC_OID_ANY_POLICY) && c->cp.pol[i].n_other_qualifier) {
      snprintf(det, detsz, "anyPolicy with a qualifier other than CPS or UserNotice");
      return CASC_LINT_FAIL;
    }
  return CASC_LINT_PASS;
}

static size_t text_chars(unsigned tag, casc_lint_bytes v) {
  if (tag == 0x1e)
    return v.len / 2;
  if (tag == 0x0c) {
    size_t n = 0;
    for (size_t i = 0; i < v.len; i++)
      n += (v.p[i] & 0xc0) != 0x80;
    return n;
  }
  return v.len;
}

static casc_lint_result run_cp_text_too_long(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 0; i < c->cp.n; i++) {
    const casc_lint_policy *p = &c->cp.pol[i];
    if (p->explicit_text_tag && text_chars(p->explicit_text_tag, p->explicit_text) > 200) {
      snprintf(det, detsz, "explicitText over 200 characters");
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

static casc_lint_result run_cp_text_not_utf8(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 0; i < c->cp.n; i++) {
    unsigned t = c->cp.pol[i].explicit_text_tag;
    if (t != 0 && t != 0x0c) {
      snprintf(det, detsz, "explicitText is not a UTF8String (tag 0x%02x)", t);
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

static casc_lint_result run_cp_text_bad_type(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 0; i < c->cp.n; i++) {
    unsigned t = c->cp.pol[i].explicit_text_tag;
    /* DisplayText ::= CHOICE { ia5String, visibleString, bmpString, utf8String } */
    if (t != 0 && t != 0x16 && t != 0x1a && t != 0x1e && t != 0x0c) {
      snprintf(det, detsz, "explicitText of tag 0x%02x is not a DisplayText", t);
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

static casc_lint_result run_cp_text_control(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 0; i < c->cp.n; i++) {
    const casc_lint_policy *p = &c->cp.pol[i];
    if (p->explicit_text_tag == 0 || p->explicit_text_tag == 0x1e)
      continue;
    for (size_t k = 0; k < p->explicit_text.len; k++)
      if (p->explicit_text.p[k] < 0x20 || p->explicit_text.p[k] == 0x7f) {
        snprintf(det, detsz, "explicitText contains control characters");
        return CASC_LINT_FAIL;
      }
  }
  return CASC_LINT_PASS;
}

static casc_lint_result run_cp_notice_ref(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 0; i < c->cp.n; i++)
    if (c->cp.pol[i].unotice_has_ref) {
      snprintf(det, detsz, "a UserNotice with a noticeRef");
      return CASC_LINT_FAIL;
    }
  return CASC_LINT_PASS;
}

static casc_lint_result run_cp_cps_not_ia5(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 0; i < c->cp.n; i++)
    if (c->cp.pol[i].n_cps && c->cp.pol[i].cps_tag != CASC_DER_IA5STRING) {
      snprintf(det, detsz, "CPS pointer is not an IA5String");
      return CASC_LINT_FAIL;
    }
  return CASC_LINT_PASS;
}

/* --- nameConstraints, policy extensions ----------------------------------------------------- */
static casc_lint_result run_nc_not_ca(const casc_lint_input *in, char *det, size_t detsz) {
  if (!in->cert->nc.present || casc_lint_applies_ca(in))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "nameConstraints in a certificate that is not a CA");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_nc_empty(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->nc.present || c->nc.permitted.p != NULL || c->nc.excluded.p != NULL)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "nameConstraints with neither permittedSubtrees nor excludedSubtrees");
  return CASC_LINT_FAIL;
}

/* Walks the GeneralSubtrees of nameConstraints, checking min/max and iPAddress lengths. */
static casc_lint_result check_subtrees(casc_lint_bytes b, int what, char *det, size_t detsz) {
  casc_lint_faults f = {0};
  lint_cur c = lint_cur_of(b.p, b.len);
  while (!lint_cur_empty(&c)) {
    lint_tlv st, base, t;
    casc_lint_gn gn;
    if (!lint_expect(&c, CASC_DER_SEQUENCE, &st, &f, "") )
      return CASC_LINT_PASS; /* undecodable: e_ext_value_undecodable's business */
    lint_cur sc = lint_cur_of(st.val, st.len);
    if (!lint_next(&sc, &base, &f, "") || !lint_gn(&base, &gn, &f, ""))
      return CASC_LINT_PASS;
    bool bad = false, has_min = false, has_max = false;
    if (lint_optional(&sc, 0x80, &t, &f, "", &bad))
      has_min = true;
    if (lint_optional(&sc, 0x81, &t, &f, "", &bad))
      has_max = true;
    if (what == 0 && gn.type == CASC_GN_IP && gn.value.len != 8 && gn.value.len != 32) {
      snprintf(det, detsz, "iPAddress constraint of %zu octets (8 or 32)", gn.value.len);
      return CASC_LINT_FAIL;
    }
    if (what == 1 && has_min) {
      snprintf(det, detsz, "a GeneralSubtree with minimum encoded");
      return CASC_LINT_FAIL;
    }
    if (what == 2 && has_max) {
      snprintf(det, detsz, "a GeneralSubtree with maximum");
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

static casc_lint_result nc_walk(const casc_lint_input *in, int what, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->nc.present)
    return CASC_LINT_NA;
  casc_lint_result r = check_subtrees(c->nc.permitted, what, det, detsz);
  return r != CASC_LINT_PASS ? r : check_subtrees(c->nc.excluded, what, det, detsz);
}

static casc_lint_result run_nc_ip_length(const casc_lint_input *in, char *det, size_t detsz) {
  return nc_walk(in, 0, det, detsz);
}
static casc_lint_result run_nc_minimum(const casc_lint_input *in, char *det, size_t detsz) {
  return nc_walk(in, 1, det, detsz);
}
static casc_lint_result run_nc_maximum(const casc_lint_input *in, char *det, size_t detsz) {
  return nc_walk(in, 2, det, detsz);
}

static casc_lint_result run_pc_empty(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_ext *x = ext(in, CASC_LINT_EXT_PC);
  if (x == NULL || !(x->value.len == 2 && x->value.p[0] == 0x30))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "policyConstraints is an empty sequence");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_policy_ext_not_ca(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (casc_lint_applies_ca(in))
    return CASC_LINT_PASS;
  const char *which = c->by_id[CASC_LINT_EXT_PC]    ? "policyConstraints"
                      : c->by_id[CASC_LINT_EXT_PM]  ? "policyMappings"
                      : c->by_id[CASC_LINT_EXT_IAP] ? "inhibitAnyPolicy"
                                                    : NULL;
  if (which == NULL)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "%s in a certificate that is not a CA", which);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_pm_any_policy(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_ext *x = ext(in, CASC_LINT_EXT_PM);
  if (x == NULL)
    return CASC_LINT_NA;
  casc_lint_faults f = {0};
  lint_cur c = lint_cur_of(x->value.p, x->value.len);
  lint_tlv s, m, o;
  if (!lint_expect(&c, CASC_DER_SEQUENCE, &s, &f, ""))
    return CASC_LINT_PASS;
  lint_cur sc = lint_cur_of(s.val, s.len);
  while (lint_expect(&sc, CASC_DER_SEQUENCE, &m, &f, "")) {
    lint_cur mc = lint_cur_of(m.val, m.len);
    while (lint_expect(&mc, CASC_DER_OID, &o, &f, "")) {
      casc_lint_bytes b = lint_val_bytes(&o);
      if (CASC_LINT_OID_IS(b, CASC_OID_ANY_POLICY)) {
        snprintf(det, detsz, "policyMappings maps to or from anyPolicy");
        return CASC_LINT_FAIL;
      }
    }
  }
  return CASC_LINT_PASS;
}

/* --- others ---------------------------------------------------------------------- */
static casc_lint_result run_unknown_critical(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  char oid[64];
  for (size_t i = 0; i < c->n_ext; i++)
    if (c->ext[i].critical && c->ext[i].id == CASC_LINT_EXT_OTHER) {
      snprintf(det, detsz, "critical extension %s is not one casc knows",
               casc_lint_oid_str(c->ext[i].oid, oid, sizeof oid));
      return CASC_LINT_FAIL;
    }
  return CASC_LINT_PASS;
}

static casc_lint_result run_poison_and_sct(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!(c->ct_poison && c->sct_list))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "both the precertificate poison and an SCT list");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_crl_ext_in_cert(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  static const casc_lint_ext_id crl_only[] = {
      CASC_LINT_EXT_CRL_NUMBER, CASC_LINT_EXT_DELTA_CRL,  CASC_LINT_EXT_IDP,
      CASC_LINT_EXT_REASON,     CASC_LINT_EXT_INVALIDITY, CASC_LINT_EXT_CERT_ISSUER,
      CASC_LINT_EXT_OCSP_NONCE};
  for (size_t i = 0; i < sizeof crl_only / sizeof crl_only[0]; i++)
    if (c->by_id[crl_only[i]] != NULL) {
      char oid[64];
      snprintf(det, detsz, "CRL/OCSP extension %s in a certificate",
               casc_lint_oid_str(c->by_id[crl_only[i]]->oid, oid, sizeof oid));
      return CASC_LINT_FAIL;
    }
  return CASC_LINT_PASS;
}

static casc_lint_result run_crldp_reasons_only(const casc_lint_input *in, char *det,
                                               size_t detsz) {
  const casc_lint_ext *x = ext(in, CASC_LINT_EXT_CRLDP);
  if (x == NULL)
    return CASC_LINT_NA;
  casc_lint_faults f = {0};
  lint_cur c = lint_cur_of(x->value.p, x->value.len);
  lint_tlv s, dp;
  if (!lint_expect(&c, CASC_DER_SEQUENCE, &s, &f, ""))
    return CASC_LINT_PASS;
  lint_cur sc = lint_cur_of(s.val, s.len);
  while (lint_expect(&sc, CASC_DER_SEQUENCE, &dp, &f, "")) {
    /* distributionPoint [0] or cRLIssuer [2] must be there */
    lint_cur dc = lint_cur_of(dp.val, dp.len);
    bool has = false;
    lint_tlv t;
    while (lint_next(&dc, &t, &f, ""))
      if (t.tag == 0xa0 || t.tag == 0xa2)
        has = true;
    if (!has) {
      snprintf(det, detsz, "a DistributionPoint with neither distributionPoint nor cRLIssuer");
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

static casc_lint_result run_ocsp_nocheck_not_signer(const casc_lint_input *in, char *det,
                                                    size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->ocsp_nocheck || (c->eku.flags & CASC_EKU_OCSP_SIGNING))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "id-pkix-ocsp-nocheck without the OCSPSigning key purpose");
  return CASC_LINT_FAIL;
}

#define L(nm, al, lv, cit, eff, app, fn)                                                           \
  {.name = nm, .alias = al, .level = lv, .citation = cit, .source = CASC_LINT_SRC_RFC5280,         \
   .effective = eff, .kind = CASC_LINT_KIND_CERT, .applies = app, .run = fn}
#define E CASC_LINT_ERROR
#define W CASC_LINT_WARN
#define N CASC_LINT_NOTICE


/* RFC 5280 wants an SKI in end-entity certificates (SHOULD), while the TLS
 * BRs (7.1.2.7.6) call it NOT RECOMMENDED in TLS subscriber certificates
 * and have their own lint for that: the RFC's warning is left to the
 * others, so that no TLS certificate gets one warning or the other. */
static bool subscriber_not_tls(const casc_lint_input *in) {
  return casc_lint_applies_subscriber(in) && in->profile != CASC_LINT_PROFILE_TLS;
}

const casc_lint casc_lints_cert_rfc5280_ext[] = {
    L("e_ext_bc_not_critical", "e_basic_constraints_not_critical", E, "RFC 5280 4.2.1.9", 0,
      casc_lint_applies_ca, run_bc_critical),
    L("e_ca_bc_ca_not_true", "e_ca_is_ca", E, "RFC 5280 4.2.1.9", 0, casc_lint_applies_ca,
      run_ca_bc_missing),
    L("e_ext_ku_cert_sign_without_ca", "e_ext_key_usage_cert_sign_without_ca", E,
      "RFC 5280 4.2.1.3", 0, NULL, run_cert_sign_without_ca),
    L("e_ca_ku_missing", "e_ca_key_usage_missing", E, "RFC 5280 4.2.1.3", RFC3280_DATE,
      casc_lint_applies_ca, run_ca_ku_missing),
    L("w_ext_ku_not_critical", "w_ext_key_usage_not_critical", W, "RFC 5280 4.2.1.3", 0, NULL,
      run_ku_critical),
    L("e_ext_bc_path_len_without_ca", "e_path_len_constraint_improperly_included", E,
      "RFC 5280 4.2.1.9", 0, NULL, run_path_len_without_ca),
    L("e_ext_bc_path_len_without_cert_sign", NULL, E, "RFC 5280 4.2.1.9", 0, NULL,
      run_path_len_without_cert_sign),
    L("e_ext_bc_path_len_negative", NULL, E, "RFC 5280 4.2.1.9 (INTEGER (0..MAX))", 0, NULL,
      run_path_len_negative),
    L("e_ext_ku_no_bits", "e_ext_key_usage_without_bits", E, "RFC 5280 4.2.1.3", 0, NULL,
      run_ku_no_bits),
    L("w_ext_ku_only_bits_without_key_agreement", NULL, W, "RFC 5280 4.2.1.3", 0, NULL,
      run_ku_only_bits),
    L("e_ext_ku_undefined_bits", NULL, E, "RFC 5280 4.2.1.3", 0, NULL, run_ku_unknown_bits),
    L("e_ext_san_not_critical_without_subject", "e_ext_san_not_critical_without_subject", E,
      "RFC 5280 4.2.1.6", 0, NULL, run_san_crit_empty_subject),
    L("w_ext_san_critical_with_subject", "w_ext_san_critical_with_subject_dn", W,
      "RFC 5280 4.2.1.6", RFC5280_DATE, NULL, run_san_crit_with_subject),
    L("e_ext_san_no_entries", "e_ext_san_no_entries", E, "RFC 5280 4.2.1.6", 0, NULL,
      run_san_no_entries),
    L("e_ext_aki_critical", "e_ext_authority_key_identifier_critical", E, "RFC 5280 4.2.1.1", 0,
      NULL, run_aki_critical),
    L("e_ext_aki_missing", "e_ext_authority_key_identifier_missing", E, "RFC 5280 4.2.1.1", 0,
      not_self_signed, run_aki_missing),
    L("e_ext_aki_no_key_identifier", "e_ext_authority_key_identifier_no_key_identifier", E,
      "RFC 5280 4.2.1.1", 0, not_self_signed, run_aki_no_key_id),
    L("e_ext_aki_issuer_serial_unpaired", NULL, E, "RFC 5280 4.2.1.1 (ASN.1 comment)", 0, NULL,
      run_aki_issuer_serial_pair),
    L("e_ext_ski_critical", "e_ext_subject_key_identifier_critical", E, "RFC 5280 4.2.1.2", 0,
      NULL, run_ski_critical),
    L("e_ext_ski_missing_ca", "e_ext_subject_key_identifier_missing_ca", E, "RFC 5280 4.2.1.2",
      0, casc_lint_applies_ca, run_ski_missing_ca),
    L("w_ext_ski_missing_subscriber", "w_ext_subject_key_identifier_missing_sub_cert", W,
      "RFC 5280 4.2.1.2", 0, subscriber_not_tls, run_ski_missing_sub),
    L("e_ext_key_identifier_empty", NULL, E, "RFC 5280 4.2.1.1, 4.2.1.2", 0, NULL,
      run_key_id_empty),
    L("w_ext_eku_any_critical", "w_eku_critical_improperly", W, "RFC 5280 4.2.1.12", 0, NULL, run_eku_any_critical),
    L("w_ext_crldp_critical", "w_ext_crl_distribution_marked_critical", W, "RFC 5280 4.2.1.13", 0, NULL, run_crldp_critical),
    L("e_ext_crldp_reasons_only", "e_distribution_point_incomplete", E, "RFC 5280 4.2.1.13", 0, NULL, run_crldp_reasons_only),
    L("e_ext_aia_critical", "e_ext_aia_marked_critical", E, "RFC 5280 4.2.2.1", 0, NULL,
      run_aia_critical),
    L("e_ext_sia_critical", "e_subject_info_access_marked_critical", E, "RFC 5280 4.2.2.2", 0, NULL, run_sia_critical),
    L("e_ext_cp_duplicate", "e_ext_cert_policy_duplicate", E, "RFC 5280 4.2.1.4", 0, NULL,
      run_cp_duplicate),
    L("e_ext_cp_any_policy_bad_qualifier", "e_ext_cert_policy_disallowed_any_policy_qualifier", E,
      "RFC 5280 4.2.1.4", 0, NULL, run_cp_any_policy_qualifier),
    L("e_ext_cp_explicit_text_too_long", "e_ext_cert_policy_explicit_text_too_long", E,
      "RFC 5280 4.2.1.4", 0, NULL, run_cp_text_too_long),
    L("w_ext_cp_explicit_text_not_utf8", "w_ext_cert_policy_explicit_text_not_utf8", W,
      "RFC 5280 4.2.1.4", RFC5280_DATE, NULL, run_cp_text_not_utf8),
    L("e_ext_cp_explicit_text_bad_type", "e_ext_cert_policy_explicit_text_ia5_string", E,
      "RFC 5280 4.2.1.4 (DisplayText)", 0, NULL, run_cp_text_bad_type),
    L("w_ext_cp_explicit_text_control", "w_ext_cert_policy_explicit_text_includes_control", W,
      "RFC 5280 4.2.1.4; RFC 6818 3", 0, NULL, run_cp_text_control),
    L("w_ext_cp_notice_ref", "w_ext_cert_policy_contains_noticeref", W, "RFC 5280 4.2.1.4", 0,
      NULL, run_cp_notice_ref),
    L("e_ext_cp_cps_not_ia5", NULL, E, "RFC 5280 4.2.1.4 (CPSuri ::= IA5String)", 0, NULL,
      run_cp_cps_not_ia5),
    L("e_ext_nc_not_ca", "e_ext_name_constraints_not_in_ca", E, "RFC 5280 4.2.1.10", 0, NULL,
      run_nc_not_ca),
    L("w_ext_nc_not_critical", "e_ext_name_constraints_not_critical", W,
      "RFC 5280 4.2.1.10 (TLS BR 7.1.2.10.8 allows non-critical)", 0, NULL, run_nc_critical),
    L("e_ext_nc_empty", "e_name_constraint_empty", E, "RFC 5280 4.2.1.10", 0, NULL, run_nc_empty),
    L("e_ext_nc_ip_length", NULL, E, "RFC 5280 4.2.1.10", 0, NULL, run_nc_ip_length),
    L("e_ext_nc_minimum_encoded", "e_name_constraint_minimum_non_zero", E, "RFC 5280 4.2.1.10", 0, NULL, run_nc_minimum),
    L("e_ext_nc_maximum_present", "e_name_constraint_maximum_not_absent", E, "RFC 5280 4.2.1.10", 0, NULL, run_nc_maximum),
    L("e_ext_pc_not_critical", "e_ext_policy_constraints_not_critical", E, "RFC 5280 4.2.1.11",
      0, NULL, run_pc_critical),
    L("e_ext_pc_empty", "e_ext_policy_constraints_empty", E, "RFC 5280 4.2.1.11", 0, NULL,
      run_pc_empty),
    L("e_ext_iap_not_critical", "e_inhibit_any_policy_not_critical", E, "RFC 5280 4.2.1.14", 0,
      NULL, run_iap_critical),
    L("w_ext_pm_not_critical", "w_ext_policy_map_not_critical", W, "RFC 5280 4.2.1.5", 0, NULL,
      run_pm_critical),
    L("e_ext_pm_any_policy", "e_ext_policy_map_any_policy", E, "RFC 5280 4.2.1.5", 0, NULL,
      run_pm_any_policy),
    L("e_ext_policy_in_subscriber", NULL, E, "RFC 5280 4.2.1.5, 4.2.1.11, 4.2.1.14", 0, NULL,
      run_policy_ext_not_ca),
    L("w_ext_ian_critical", "w_ext_ian_critical", W, "RFC 5280 4.2.1.7", 0, NULL,
      run_ian_critical),
    L("e_ext_sda_critical", "e_ext_subject_directory_attr_critical", E, "RFC 5280 4.2.1.8", 0,
      NULL, run_sda_critical),
    L("e_ext_freshest_crl_critical", "e_ext_freshest_crl_marked_critical", E, "RFC 5280 4.2.1.15", 0, NULL,
      run_freshest_critical),
    L("w_ext_unknown_critical", NULL, W, "RFC 5280 4.2", 0, NULL, run_unknown_critical),
    L("e_ext_crl_extension_in_cert", NULL, E, "RFC 5280 5.2, 5.3; RFC 6960 4.4", 0, NULL,
      run_crl_ext_in_cert),
    {.name = "e_ct_poison_not_critical", .alias = NULL,
     .level = CASC_LINT_ERROR, .citation = "RFC 6962 3.1", .source = "RFC 6962",
     .effective = RFC6962_DATE, .kind = CASC_LINT_KIND_CERT, .run = run_poison_critical},
    {.name = "e_ct_poison_with_sct_list", .alias = NULL, .level = CASC_LINT_ERROR,
     .citation = "RFC 6962 3.1, 3.3", .source = "RFC 6962", .effective = RFC6962_DATE,
     .kind = CASC_LINT_KIND_CERT, .run = run_poison_and_sct},
    {.name = "e_ct_sct_list_critical", .alias = NULL, .level = CASC_LINT_ERROR,
     .citation = "RFC 6962 3.3", .source = "RFC 6962", .effective = RFC6962_DATE,
     .kind = CASC_LINT_KIND_CERT, .run = run_sct_critical},
    {.name = "w_ocsp_nocheck_without_ocsp_signing", .alias = NULL, .level = CASC_LINT_WARN,
     .citation = "RFC 6960 4.2.2.2.1", .source = CASC_LINT_SRC_RFC6960,
     .kind = CASC_LINT_KIND_CERT, .run = run_ocsp_nocheck_not_signer},
};
CASC_LINT_TABLE(casc_lints_cert_rfc5280_ext);
