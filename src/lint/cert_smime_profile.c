/* CA/Browser Forum S/MIME Baseline Requirements: the subscriber profiles
 * of 7.1.2.3 (mailbox, organization, sponsor and individual validated, in
 * their legacy, multipurpose and strict generations), 7.1.4.2 subject
 * rules and 6.3.2 validity. */
#include "cert_br_util.h"

#include <stdio.h>
#include <string.h>

#define C(in) ((in)->cert)
#define RUN(fn) static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz)
#define CHECK(cond, msg) return (cond) ? CASC_LINT_PASS : fail(det, detsz, (msg))
#define SMIME_BR CASC_BR_DATE(2023, 9, 1)

static casc_lint_result fail(char *det, size_t detsz, const char *msg) {
  snprintf(det, detsz, "%s", msg);
  return CASC_LINT_FAIL;
}

/* The reserved policy 2.23.140.1.5.<type>.<generation>: type 1 mailbox,
 * 2 organization, 3 sponsor, 4 individual; generation 1 legacy,
 * 2 multipurpose, 3 strict. Returns how many there are; the first in *type
 * and *gen. */
static size_t smime_policy(const casc_lint_cert *c, int *type, int *gen) {
  size_t k = 0;
  *type = *gen = 0;
  for (size_t i = 0; i < c->cp.n; i++) {
    casc_lint_bytes o = c->cp.pol[i].oid;
    if (o.len == 7 && memcmp(o.p, "\x67\x81\x0c\x01\x05", 5) == 0 && o.p[5] >= 1 &&
        o.p[5] <= 4 && o.p[6] >= 1 && o.p[6] <= 3) {
      if (k++ == 0)
        *type = o.p[5], *gen = o.p[6];
    }
  }
  return k;
}

static bool smime(const casc_lint_input *in) { return casc_lint_applies_smime(in); }
static int gen_of(const casc_lint_input *in) {
  int t, g;
  smime_policy(C(in), &t, &g);
  return g;
}
static int type_of(const casc_lint_input *in) {
  int t, g;
  smime_policy(C(in), &t, &g);
  return t;
}
static bool strict(const casc_lint_input *in) { return smime(in) && gen_of(in) == 3; }
static bool legacy(const casc_lint_input *in) { return smime(in) && gen_of(in) == 1; }
static bool not_legacy(const casc_lint_input *in) {
  int g = smime(in) ? gen_of(in) : 0;
  return g == 2 || g == 3;
}
static bool mailbox_validated(const casc_lint_input *in) { return smime(in) && type_of(in) == 1; }

/* --- extKeyUsage ------------------------------------------------------------------------ */
RUN(run_strict_eku) {
  CHECK(C(in)->eku.present && C(in)->eku.flags == CASC_EKU_EMAIL,
        "a strict S/MIME certificate's extKeyUsage is not id-kp-emailProtection alone");
}
RUN(run_eku) {
  unsigned f = C(in)->eku.flags;
  if (!C(in)->eku.present || !(f & CASC_EKU_EMAIL))
    return fail(det, detsz, "id-kp-emailProtection is missing");
  CHECK(!(f & (CASC_EKU_SERVER_AUTH | CASC_EKU_CODE_SIGNING | CASC_EKU_TIME_STAMPING | CASC_EKU_ANY)),
        "serverAuth, codeSigning, timeStamping or anyExtendedKeyUsage in an S/MIME certificate");
}

/* --- subjectAltName --------------------------------------------------------------------- */
RUN(run_san_present) { CHECK(C(in)->san.present, "subjectAltName is missing"); }
RUN(run_san_not_critical) {
  const casc_lint_ext *x = casc_lint_cert_ext(C(in), CASC_LINT_EXT_SAN);
  CHECK(x == NULL || !x->critical || C(in)->subject.n_rdn == 0,
        "subjectAltName is critical although the subject is not empty");
}
static bool san_has_email(const casc_lint_cert *c, casc_lint_bytes v) {
  for (size_t i = 0; i < c->san.n; i++)
    if (c->san.gn[i].type == CASC_GN_EMAIL &&
        casc_br_ascii_eq(c->san.gn[i].value.p, c->san.gn[i].value.len, v.p, v.len))
      return true;
  return false;
}
RUN(run_san_mailbox) {
  const casc_lint_cert *c = C(in);
  for (size_t i = 0; i < c->san.n; i++)
    if (c->san.gn[i].type == CASC_GN_EMAIL || c->san.gn[i].type == CASC_GN_OTHER)
      return CASC_LINT_PASS;
  return fail(det, detsz, "subjectAltName holds no rfc822Name or SmtpUTF8Mailbox");
}

/* --- revocation pointers ------------------------------------------------------------------- */
RUN(run_cdp_present) { CHECK(C(in)->crldp.present, "cRLDistributionPoints is missing"); }
/* Strict: every distribution point is http; the others: at least one. */
RUN(run_cdp_http) {
  const casc_lint_cert *c = C(in);
  size_t http = 0;
  for (size_t i = 0; i < c->crldp.n_uri; i++)
    http += casc_br_uri_is_http(c->crldp.uri[i]);
  if (gen_of(in) == 3 && http != c->crldp.n_uri)
    return fail(det, detsz, "a strict certificate's CRL distribution point is not an http URL");
  CHECK(http > 0, "cRLDistributionPoints has no http URL");
}
RUN(run_aia_http_only) {
  const casc_lint_cert *c = C(in);
  for (size_t i = 0; i < c->aia.n; i++)
    if (c->aia.ad[i].loc.type != CASC_GN_URI || !casc_br_uri_is_http(c->aia.ad[i].loc.value))
      return fail(det, detsz, "an AIA location that is not an http URL");
  return CASC_LINT_PASS;
}
RUN(run_aia_one_http) {
  const casc_lint_cert *c = C(in);
  if (!c->aia.present)
    return CASC_LINT_PASS;
  for (size_t i = 0; i < c->aia.n; i++)
    if (c->aia.ad[i].loc.type == CASC_GN_URI && casc_br_uri_is_http(c->aia.ad[i].loc.value))
      return CASC_LINT_PASS;
  return fail(det, detsz, "no AIA location is an http URL");
}
RUN(run_aki) {
  const casc_lint_ext *x = casc_lint_cert_ext(C(in), CASC_LINT_EXT_AKI);
  if (x == NULL || C(in)->aki.key_id.len == 0)
    return fail(det, detsz, "authorityKeyIdentifier with a keyIdentifier is missing");
  if (x->critical)
    return fail(det, detsz, "authorityKeyIdentifier is critical");
  CHECK(!C(in)->aki.has_issuer && !C(in)->aki.has_serial,
        "authorityKeyIdentifier has authorityCertIssuer or authorityCertSerialNumber");
}

/* --- keyUsage ------------------------------------------------------------------------------ */
RUN(run_ku_present) { CHECK(C(in)->ku.present, "keyUsage is missing"); }
RUN(run_ku_critical) {
  const casc_lint_ext *x = casc_lint_cert_ext(C(in), CASC_LINT_EXT_KU);
  CHECK(x == NULL || x->critical, "keyUsage is not critical");
}
RUN(run_ec_ku) {
  unsigned b = C(in)->ku.bits;
  if (C(in)->spki.type != CASC_LINT_KEY_EC || !C(in)->ku.present)
    return CASC_LINT_NA;
  if (b & (CASC_KU_KEY_ENCIPHERMENT | CASC_KU_DATA_ENCIPHERMENT | CASC_KU_KEY_CERT_SIGN |
           CASC_KU_CRL_SIGN))
    return fail(det, detsz, "an EC key with keyEncipherment, dataEncipherment, keyCertSign or cRLSign");
  CHECK(b & (CASC_KU_DIGITAL_SIGNATURE | CASC_KU_KEY_AGREEMENT),
        "an EC key with neither digitalSignature nor keyAgreement");
}
RUN(run_rsa_ku) {
  unsigned b = C(in)->ku.bits;
  if (C(in)->spki.type != CASC_LINT_KEY_RSA || !C(in)->ku.present)
    return CASC_LINT_NA;
  if (b & (CASC_KU_KEY_AGREEMENT | CASC_KU_KEY_CERT_SIGN | CASC_KU_CRL_SIGN |
           CASC_KU_ENCIPHER_ONLY | CASC_KU_DECIPHER_ONLY))
    return fail(det, detsz, "an RSA key with keyAgreement, keyCertSign, cRLSign or the *Only bits");
  CHECK(b & (CASC_KU_DIGITAL_SIGNATURE | CASC_KU_KEY_ENCIPHERMENT),
        "an RSA key with neither digitalSignature nor keyEncipherment");
}

/* --- policies, other extensions ------------------------------------------------------------ */
RUN(run_one_policy) {
  int t, g;
  size_t k = smime_policy(C(in), &t, &g);
  if (k == 1)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "%zu reserved S/MIME policy identifiers, not exactly one", k);
  return CASC_LINT_FAIL;
}
RUN(run_no_sda) {
  const casc_lint_ext *x = casc_lint_cert_ext(C(in), CASC_LINT_EXT_SDA);
  CHECK(x == NULL, "subjectDirectoryAttributes in a strict or multipurpose certificate");
}
RUN(run_not_ca) { CHECK(!(C(in)->bc.present && C(in)->bc.ca), "basicConstraints cA is TRUE"); }

/* --- subject ---------------------------------------------------------------------------------- */
static size_t count_email(const casc_lint_name *n) {
  size_t k = 0;
  for (size_t i = 0; i < n->n_attr; i++)
    if (CASC_LINT_OID_IS(n->attr[i].type, CASC_OID_AT_EMAIL))
      k++;
  return k;
}
RUN(run_single_email) {
  const casc_lint_name *n = &C(in)->subject;
  if (count_email(n) > 1)
    return fail(det, detsz, "more than one subject:emailAddress");
  for (size_t i = 0; i < n->n_attr; i++)
    if (CASC_LINT_OID_IS(n->attr[i].type, CASC_OID_AT_EMAIL)) {
      casc_lint_bytes v = n->attr[i].value;
      size_t at = 0;
      for (size_t k = 0; k < v.len; k++)
        at += v.p[k] == '@';
      if (at != 1 || memchr(v.p, ',', v.len) != NULL || memchr(v.p, ' ', v.len) != NULL)
        return fail(det, detsz, "subject:emailAddress is not a single mailbox address");
    }
  return CASC_LINT_PASS;
}
RUN(run_email_in_san) {
  const casc_lint_name *n = &C(in)->subject;
  for (size_t i = 0; i < n->n_attr; i++)
    if (CASC_LINT_OID_IS(n->attr[i].type, CASC_OID_AT_EMAIL) &&
        !san_has_email(C(in), n->attr[i].value)) {
      casc_br_det_bytes(det, detsz, "subject:emailAddress is not repeated in the SAN: ",
                        n->attr[i].value);
      return CASC_LINT_FAIL;
    }
  return CASC_LINT_PASS;
}
RUN(run_mailbox_subject) {
  const casc_lint_name *n = &C(in)->subject;
  for (size_t i = 0; i < n->n_attr; i++) {
    casc_lint_bytes t = n->attr[i].type;
    if (!CASC_LINT_OID_IS(t, CASC_OID_AT_CN) && !CASC_LINT_OID_IS(t, CASC_OID_AT_SERIAL_NUMBER) &&
        !CASC_LINT_OID_IS(t, CASC_OID_AT_EMAIL)) {
      char oid[64];
      snprintf(det, detsz, "mailbox-validated subject has attribute %s",
               casc_lint_oid_str(t, oid, sizeof oid));
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}
RUN(run_mailbox_cn) {
  const casc_lint_name *n = &C(in)->subject;
  for (size_t i = 0; i < n->n_attr; i++)
    if (CASC_LINT_OID_IS(n->attr[i].type, CASC_OID_AT_CN) &&
        !san_has_email(C(in), n->attr[i].value)) {
      casc_br_det_bytes(det, detsz, "commonName is not a mailbox address of the SAN: ",
                        n->attr[i].value);
      return CASC_LINT_FAIL;
    }
  return CASC_LINT_PASS;
}

/* --- more subject and extension rules ---------------------------------------------------- */
RUN(run_country) {
  const casc_lint_attr *a = CASC_LINT_NAME_FIND(&C(in)->subject, CASC_OID_AT_C);
  CHECK(a == NULL || casc_br_country_valid(a->value.p, a->value.len),
        "subject:countryName is not an ISO 3166-1 code");
}
static bool person_validated(const casc_lint_input *in) {
  int t = smime(in) ? type_of(in) : 0;
  return (t == 3 || t == 4) && gen_of(in) != 1;
}
RUN(run_person) {
  const casc_lint_cert *c = C(in);
  CHECK(CASC_LINT_NAME_FIND(&c->subject, CASC_OID_AT_GIVEN_NAME) != NULL ||
            CASC_LINT_NAME_FIND(&c->subject, CASC_OID_AT_SURNAME) != NULL ||
            CASC_LINT_NAME_FIND(&c->subject, "\x55\x04\x41") != NULL,
        "neither givenName, surname nor pseudonym in a sponsor or individual validated subject");
}
RUN(run_qc_not_critical) {
  const casc_lint_cert *c = C(in);
  for (size_t i = 0; i < c->n_ext; i++)
    if (CASC_LINT_OID_IS(c->ext[i].oid, "\x2b\x06\x01\x05\x05\x07\x01\x03") && c->ext[i].critical)
      return fail(det, detsz, "qcStatements is critical");
  return CASC_LINT_PASS;
}

/* --- validity ----------------------------------------------------------------------------- */
RUN(run_validity) {
  if (!C(in)->not_before.ok_parse || !C(in)->not_after.ok_parse)
    return CASC_LINT_NA;
  long long v = casc_br_validity_secs(C(in));
  if (v <= 825LL * 86400)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "validity period of %.2f days exceeds 825 days", v / 86400.0);
  return CASC_LINT_FAIL;
}

#define SM_LINT(nm, al, lv, cit, app, fn)                                                          \
  {.name = nm, .alias = al, .level = lv, .citation = cit, .source = CASC_LINT_SRC_SMIMEBR,         \
   .effective = SMIME_BR, .kind = CASC_LINT_KIND_CERT, .applies = app, .run = fn}
#define SAME(n) n, n
#define SML(...) SM_LINT(__VA_ARGS__)
#define E CASC_LINT_ERROR
#define W CASC_LINT_WARN

const casc_lint casc_lints_cert_smime[] = {
    SML(SAME("e_smime_strict_eku_check"), E, "S/MIME BR 7.1.2.3 f", strict, run_strict_eku),
    SML("e_smime_eku_check", NULL, E, "S/MIME BR 7.1.2.3 f", smime, run_eku),
    SML(SAME("e_san_shall_be_present"), E, "S/MIME BR 7.1.2.3 h", smime, run_san_present),
    SML(SAME("w_san_should_not_be_critical"), W, "S/MIME BR 7.1.2.3 h", smime, run_san_not_critical),
    SML("e_smime_san_no_mailbox", NULL, E, "S/MIME BR 7.1.2.3 h", smime, run_san_mailbox),
    SML(SAME("e_subscribers_shall_have_crl_distribution_points"), E, "S/MIME BR 7.1.2.3 b", smime, run_cdp_present),
    SML(SAME("e_subscribers_crl_distribution_points_are_http"), E, "S/MIME BR 7.1.2.3 b", smime, run_cdp_http),
    SML(SAME("e_smime_strict_aia_shall_have_http_only"), E, "S/MIME BR 7.1.2.3 c", strict, run_aia_http_only),
    SML(SAME("e_smime_legacy_aia_shall_have_one_http"), E, "S/MIME BR 7.1.2.3 c", legacy, run_aia_one_http),
    SML(SAME("e_authority_key_identifier_correct"), E, "S/MIME BR 7.1.2.3 g", smime, run_aki),
    SML(SAME("e_key_usage_presence"), E, "S/MIME BR 7.1.2.3 e", smime, run_ku_present),
    SML(SAME("w_key_usage_criticality"), W, "S/MIME BR 7.1.2.3 e", smime, run_ku_critical),
    SML("e_smime_ec_key_usage", NULL, E, "S/MIME BR 7.1.2.3 e", smime, run_ec_ku),
    SML("e_smime_rsa_key_usage", NULL, E, "S/MIME BR 7.1.2.3 e", smime, run_rsa_ku),
    SML(SAME("e_exactly_one_smime_policy"), E, "S/MIME BR 7.1.2.3 a; 7.1.6.1", smime, run_one_policy),
    SML(SAME("e_strict_multipurpose_smime_ext_subject_directory_attr"), E, "S/MIME BR 7.1.2.3 j", not_legacy, run_no_sda),
    SML("e_smime_sub_cert_is_ca", NULL, E, "S/MIME BR 7.1.2.3 d", smime, run_not_ca),
    SML(SAME("e_single_email_subject_if_present"), E, "S/MIME BR 7.1.4.2.2 h", smime, run_single_email),
    SML(SAME("e_mailbox_address_shall_contain_an_rfc822_name"), E, "S/MIME BR 7.1.4.2.1", smime, run_email_in_san),
    SML(SAME("e_mailbox_validated_enforce_subject_field_restrictions"), E, "S/MIME BR 7.1.4.2.3", mailbox_validated, run_mailbox_subject),
    SML(SAME("e_commonname_mailbox_validated"), E, "S/MIME BR 7.1.4.2.2 a", mailbox_validated, run_mailbox_cn),
    SML(SAME("e_subject_country_name"), E, "S/MIME BR 7.1.4.2.2 n", smime, run_country),
    SML(SAME("e_invalid_individual_identity"), E, "S/MIME BR 7.1.4.2.5, 7.1.4.2.6", person_validated, run_person),
    SML(SAME("e_smime_qc_statements_must_not_be_critical"), E, "S/MIME BR 7.1.2.3 k", smime, run_qc_not_critical),
    SML("e_smime_validity_over_825_days", NULL, E, "S/MIME BR 6.3.2", smime, run_validity),
};
CASC_LINT_TABLE(casc_lints_cert_smime);
