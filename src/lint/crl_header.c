/* CRL lints on everything but the entries: RFC 5280 5.1 and 5.2, TLS BR
 * 4.9.7, 7.1.3.2, 7.2.1, 7.2.2 and 7.2.2.1. */
#include "crl_context.h"

#include <stdio.h>
#include <string.h>

#define RUN(fn) static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz)
#define FAIL(...)                                                                                  \
  do {                                                                                             \
    snprintf(det, detsz, __VA_ARGS__);                                                             \
    return CASC_LINT_FAIL;                                                                         \
  } while (0)

static const casc_lint_ext *ext_of(const casc_lint_input *in, casc_lint_ext_id id) {
  return in->crl->by_id[id];
}

/* --- version, algorithms, issuer ---------------------------------------------- */
RUN(run_version) {
  const casc_lint_crl *c = in->crl;
  if (c->version_present && c->version == 1)
    return CASC_LINT_PASS;
  if (!c->version_present)
    FAIL("version is absent (v1)");
  FAIL("version is %d, not 1 (v2)", c->version);
}

RUN(run_sig_alg_match) {
  const casc_lint_crl *c = in->crl;
  if (casc_lint_bytes_eq(c->sig_alg_inner, c->sig_alg_outer))
    return CASC_LINT_PASS;
  FAIL("tbsCertList.signature differs from signatureAlgorithm");
}

RUN(run_rsa_null_params) {
  const casc_lint_crl *c = in->crl;
  if (lint_sig_alg_family(c->sig_alg_oid) != 1 && !CASC_LINT_OID_IS(c->sig_alg_oid, CASC_OID_SHA1_RSA))
    return CASC_LINT_NA;
  if (c->sig_alg_params.len == 2 && c->sig_alg_params.p[0] == 0x05 && c->sig_alg_params.p[1] == 0)
    return CASC_LINT_PASS;
  FAIL("RSA PKCS#1 v1.5 signature algorithm without NULL parameters");
}

RUN(run_ecdsa_no_params) {
  const casc_lint_crl *c = in->crl;
  if (lint_sig_alg_family(c->sig_alg_oid) != 3)
    return CASC_LINT_NA;
  if (c->sig_alg_params.p == NULL)
    return CASC_LINT_PASS;
  FAIL("ECDSA signature algorithm with parameters");
}

RUN(run_sig_alg_allowed) {
  const casc_lint_crl *c = in->crl;
  if (lint_sig_alg_family(c->sig_alg_oid) != 0)
    return CASC_LINT_PASS;
  char oid[64];
  FAIL("signature algorithm %s is not one of BR 7.1.3.2's",
       casc_lint_oid_str(c->sig_alg_oid, oid, sizeof oid));
}

RUN(run_issuer_empty) {
  if (in->crl->issuer.n_attr > 0)
    return CASC_LINT_PASS;
  FAIL("issuer is an empty Name");
}

static bool has_ca(const casc_lint_input *in) {
  (void)in;
  const lint_rev_ctx *x = lint_rev_ctx_get();
  return x != NULL && x->has_ca;
}

RUN(run_issuer_is_ca) {
  const lint_rev_ctx *x = lint_rev_ctx_get();
  if (casc_lint_bytes_eq(in->crl->issuer.raw, x->ca_name))
    return CASC_LINT_PASS;
  FAIL("issuer is not byte for byte the issuing CA's subject");
}

/* --- times ------------------------------------------------------------------------ */
RUN(run_this_update_encoding) {
  return lint_rfc5280_time_ok(&in->crl->this_update, "thisUpdate", det, detsz) ? CASC_LINT_PASS
                                                                                 : CASC_LINT_FAIL;
}

RUN(run_next_update_present) {
  if (in->crl->next_update.present)
    return CASC_LINT_PASS;
  FAIL("nextUpdate is absent");
}

static bool next_present(const casc_lint_input *in) { return in->crl->next_update.present; }
static bool both_times(const casc_lint_input *in) {
  return in->crl->next_update.present && in->crl->next_update.ok_parse &&
         in->crl->this_update.ok_parse;
}

RUN(run_next_update_encoding) {
  return lint_rfc5280_time_ok(&in->crl->next_update, "nextUpdate", det, detsz) ? CASC_LINT_PASS
                                                                                 : CASC_LINT_FAIL;
}

RUN(run_next_after_this) {
  const casc_lint_crl *c = in->crl;
  if (c->next_update.t > c->this_update.t)
    return CASC_LINT_PASS;
  FAIL("nextUpdate is not after thisUpdate");
}

static bool scope_subscriber(const casc_lint_input *in) {
  return both_times(in) && lint_scope_subscriber(lint_crl_scope(in->crl));
}

RUN(run_subscriber_10_days) {
  const casc_lint_crl *c = in->crl;
  time_t d = c->next_update.t - c->this_update.t;
  if (d <= 10 * 86400)
    return CASC_LINT_PASS;
  FAIL("nextUpdate is %lld seconds (%.1f days) after thisUpdate; a CRL of subscriber "
       "certificates allows 10 days",
       (long long)d, (double)d / 86400);
}

/* thisUpdate plus twelve calendar months, as a date and time. */
static time_t plus_12_months(time_t t) {
  long days = (long)(t / 86400);
  long secs = (long)(t % 86400);
  if (secs < 0) {
    secs += 86400;
    days--;
  }
  /* civil from days (the inverse of casc_lint_days_from_civil) */
  long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  y += 1;
  /* 29 February plus a year is 28 February */
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    d = 28;
  return (time_t)casc_lint_days_from_civil((int)y, (int)m, (int)d) * 86400 + secs;
}

RUN(run_12_months) {
  const casc_lint_crl *c = in->crl;
  if (c->next_update.t <= plus_12_months(c->this_update.t))
    return CASC_LINT_PASS;
  FAIL("nextUpdate is more than twelve months after thisUpdate");
}

/* --- extensions ---------------------------------------------------------------------- */
RUN(run_ext_empty) {
  const casc_lint_crl *c = in->crl;
  if (!c->ext_field_present || c->n_ext > 0)
    return CASC_LINT_PASS;
  FAIL("crlExtensions is present and empty");
}

RUN(run_ext_duplicate) {
  if (!in->crl->ext_duplicate)
    return CASC_LINT_PASS;
  FAIL("an extension appears more than once");
}

static bool known_crl_ext(casc_lint_ext_id id) {
  switch (id) {
  case CASC_LINT_EXT_AKI:
  case CASC_LINT_EXT_IAN:
  case CASC_LINT_EXT_CRL_NUMBER:
  case CASC_LINT_EXT_DELTA_CRL:
  case CASC_LINT_EXT_IDP:
  case CASC_LINT_EXT_FRESHEST:
  case CASC_LINT_EXT_AIA:
    return true;
  default:
    return false;
  }
}

RUN(run_unknown_critical) {
  const casc_lint_crl *c = in->crl;
  char oid[64];
  for (size_t i = 0; i < c->n_ext; i++)
    if (c->ext[i].critical && !known_crl_ext(c->ext[i].id))
      FAIL("critical extension %s is not a CRL extension of RFC 5280",
           casc_lint_oid_str(c->ext[i].oid, oid, sizeof oid));
  return CASC_LINT_PASS;
}

RUN(run_not_recommended) {
  const casc_lint_crl *c = in->crl;
  char oid[64];
  for (size_t i = 0; i < c->n_ext; i++) {
    casc_lint_ext_id id = c->ext[i].id;
    if (id != CASC_LINT_EXT_AKI && id != CASC_LINT_EXT_CRL_NUMBER && id != CASC_LINT_EXT_IDP)
      FAIL("extension %s is NOT RECOMMENDED in a CRL",
           casc_lint_oid_str(c->ext[i].oid, oid, sizeof oid));
  }
  return CASC_LINT_PASS;
}

RUN(run_number_present) {
  if (in->crl->crl_number.present)
    return CASC_LINT_PASS;
  FAIL("no cRLNumber extension");
}

static bool number_present(const casc_lint_input *in) { return in->crl->crl_number.present; }

RUN(run_number_critical) {
  const casc_lint_ext *x = ext_of(in, CASC_LINT_EXT_CRL_NUMBER);
  if (x == NULL || !x->critical)
    return CASC_LINT_PASS;
  FAIL("cRLNumber is critical");
}

RUN(run_number_malformed) {
  const casc_lint_ext *x = ext_of(in, CASC_LINT_EXT_CRL_NUMBER);
  if ((x == NULL || x->decoded_ok) && in->crl->crl_number.value.len > 0)
    return CASC_LINT_PASS;
  FAIL("cRLNumber is not an INTEGER");
}

static bool number_decoded(const casc_lint_input *in) {
  return in->crl->crl_number.present && in->crl->crl_number.value.len > 0;
}

RUN(run_number_length) {
  size_t n = in->crl->crl_number.value.len;
  if (n <= 20)
    return CASC_LINT_PASS;
  FAIL("cRLNumber is %zu octets long", n);
}

RUN(run_number_range) {
  casc_lint_bytes v = in->crl->crl_number.value;
  if (v.p[0] & 0x80)
    FAIL("cRLNumber is negative");
  /* < 2^159: at most 20 octets, the first below 0x80 (the sign rule already holds) */
  size_t n = v.len;
  const unsigned char *p = v.p;
  while (n > 1 && p[0] == 0) {
    p++;
    n--;
  }
  if (n < 20 || (n == 20 && p[0] < 0x80))
    return CASC_LINT_PASS;
  FAIL("cRLNumber is 2^159 or more");
}

RUN(run_aki_present) {
  if (ext_of(in, CASC_LINT_EXT_AKI) != NULL)
    return CASC_LINT_PASS;
  FAIL("no authorityKeyIdentifier extension");
}

static bool aki_present(const casc_lint_input *in) { return ext_of(in, CASC_LINT_EXT_AKI) != NULL; }

RUN(run_aki_critical) {
  const casc_lint_ext *x = ext_of(in, CASC_LINT_EXT_AKI);
  if (x == NULL || !x->critical)
    return CASC_LINT_PASS;
  FAIL("authorityKeyIdentifier is critical");
}

RUN(run_aki_key_id) {
  if (in->crl->aki.key_id.len > 0)
    return CASC_LINT_PASS;
  FAIL("authorityKeyIdentifier has no keyIdentifier");
}

RUN(run_aki_only_key_id) {
  const casc_lint_crl *c = in->crl;
  if (c->aki.key_id.len > 0 && !c->aki.has_issuer && !c->aki.has_serial)
    return CASC_LINT_PASS;
  if (c->aki.key_id.len == 0)
    FAIL("authorityKeyIdentifier has no keyIdentifier");
  FAIL("authorityKeyIdentifier has authorityCertIssuer or authorityCertSerialNumber");
}

static bool aki_and_ca(const casc_lint_input *in) {
  const lint_rev_ctx *x = lint_rev_ctx_get();
  return in->crl->aki.present && x != NULL && x->has_ca && x->ca_key_id.len > 0;
}

RUN(run_aki_matches_ca) {
  if (casc_lint_bytes_eq(in->crl->aki.key_id, lint_rev_ctx_get()->ca_key_id))
    return CASC_LINT_PASS;
  FAIL("authorityKeyIdentifier is not the issuing CA's subjectKeyIdentifier");
}

/* --- issuingDistributionPoint -------------------------------------------------------------- */
static bool idp_present(const casc_lint_input *in) { return ext_of(in, CASC_LINT_EXT_IDP) != NULL; }

RUN(run_idp_critical) {
  const casc_lint_ext *x = ext_of(in, CASC_LINT_EXT_IDP);
  if (x == NULL || x->critical)
    return CASC_LINT_PASS;
  FAIL("issuingDistributionPoint is not critical");
}

RUN(run_idp_malformed) {
  const casc_lint_ext *x = ext_of(in, CASC_LINT_EXT_IDP);
  if (x != NULL && !x->decoded_ok)
    FAIL("issuingDistributionPoint does not decode");
  const casc_lint_crl *c = in->crl;
  if (!c->idp.has_dp && !c->idp.has_reasons && !c->idp.only_user && !c->idp.only_ca &&
      !c->idp.only_attr && !c->idp.indirect)
    FAIL("issuingDistributionPoint is an empty SEQUENCE");
  return CASC_LINT_PASS;
}

RUN(run_idp_one_only) {
  const casc_lint_crl *c = in->crl;
  if ((int)c->idp.only_user + (int)c->idp.only_ca + (int)c->idp.only_attr <= 1)
    return CASC_LINT_PASS;
  FAIL("more than one of onlyContainsUserCerts, onlyContainsCACerts and "
       "onlyContainsAttributeCerts is TRUE");
}

RUN(run_idp_some_reasons) {
  if (!in->crl->idp.has_reasons)
    return CASC_LINT_PASS;
  FAIL("issuingDistributionPoint has onlySomeReasons");
}

RUN(run_idp_indirect) {
  if (!in->crl->idp.indirect)
    return CASC_LINT_PASS;
  FAIL("issuingDistributionPoint has indirectCRL TRUE");
}

RUN(run_idp_attr) {
  if (!in->crl->idp.only_attr)
    return CASC_LINT_PASS;
  FAIL("issuingDistributionPoint has onlyContainsAttributeCerts TRUE");
}

RUN(run_idp_dp) {
  const casc_lint_crl *c = in->crl;
  if (c->idp.has_dp && c->idp.dp_full_name && c->idp.n_uri > 0)
    return CASC_LINT_PASS;
  FAIL("issuingDistributionPoint has no distributionPoint fullName URI");
}

RUN(run_idp_uri_http) {
  const casc_lint_crl *c = in->crl;
  for (size_t i = 0; i < c->idp.n_uri && i < CASC_LINT_MAX_DP; i++) {
    casc_lint_bytes u = c->idp.uri[i];
    if (u.len < 7 || strncmp((const char *)u.p, "http://", 7) != 0)
      FAIL("distributionPoint URI \"%.*s\" is not http://", (int)(u.len > 80 ? 80 : u.len),
           (const char *)u.p);
  }
  return CASC_LINT_PASS;
}

static bool idp_has_uri(const casc_lint_input *in) {
  return in->crl->idp.present && in->crl->idp.n_uri > 0;
}

/* --- delta CRLs ------------------------------------------------------------------------------- */
static bool delta_present(const casc_lint_input *in) { return in->crl->delta_indicator.present; }

RUN(run_delta_critical) {
  const casc_lint_ext *x = ext_of(in, CASC_LINT_EXT_DELTA_CRL);
  if (x == NULL || x->critical)
    return CASC_LINT_PASS;
  FAIL("deltaCRLIndicator is not critical");
}

RUN(run_delta_in_signed_full) {
  /* casc signs full CRLs only: a deltaCRLIndicator in one is a builder bug. */
  const lint_rev_ctx *x = lint_rev_ctx_get();
  if (x == NULL)
    return CASC_LINT_NA;
  FAIL("deltaCRLIndicator in a full CRL");
}

#define LINT(n, al, lv, cit, src, eff, app, fn)                                                    \
  {.name = n,                                                                                      \
   .alias = al,                                                                                    \
   .level = CASC_LINT_##lv,                                                                        \
   .citation = cit,                                                                                \
   .source = src,                                                                                  \
   .effective = eff,                                                                               \
   .kind = CASC_LINT_KIND_CRL,                                                                     \
   .applies = app,                                                                                 \
   .run = fn}
#define RFC CASC_LINT_SRC_RFC5280
#define BR CASC_LINT_SRC_TLSBR

const casc_lint casc_lints_crl_header[] = {
    LINT("e_crl_version_not_v2", NULL, ERROR, "RFC 5280 5.1.2.1; TLS BR 7.2.1", RFC, 0, NULL,
         run_version),
    LINT("e_crl_sig_alg_mismatch", NULL, ERROR, "RFC 5280 5.1.1.2", RFC, 0, NULL,
         run_sig_alg_match),
    LINT("e_crl_rsa_sig_alg_missing_null", "e_crl_sigalgo_missing_null_params", ERROR,
         "RFC 4055 5; RFC 5280 5.1.1.2", RFC, 0, NULL, run_rsa_null_params),
    LINT("e_crl_ecdsa_sig_alg_has_params", NULL, ERROR, "RFC 5758 3.2; TLS BR 7.1.3.2.2", RFC, 0,
         NULL, run_ecdsa_no_params),
    LINT("e_crl_sig_alg_not_allowed", NULL, ERROR, "TLS BR 7.1.3.2", BR, LINT_DATE_SC31, NULL,
         run_sig_alg_allowed),
    LINT("e_crl_issuer_empty", NULL, ERROR, "RFC 5280 5.1.2.3", RFC, 0, NULL, run_issuer_empty),
    LINT("e_crl_issuer_not_ca_subject", NULL, ERROR, "RFC 5280 5.1.2.3; TLS BR 7.2.2", RFC, 0,
         has_ca, run_issuer_is_ca),
    LINT("e_crl_this_update_encoding", NULL, ERROR, "RFC 5280 5.1.2.4", RFC, 0, NULL,
         run_this_update_encoding),
    LINT("e_crl_next_update_missing", "e_crl_has_next_update", ERROR, "RFC 5280 5.1.2.5", RFC, 0,
         NULL, run_next_update_present),
    LINT("e_crl_next_update_encoding", NULL, ERROR, "RFC 5280 5.1.2.5", RFC, 0, next_present,
         run_next_update_encoding),
    LINT("e_crl_next_update_not_after_this_update", NULL, ERROR, "RFC 5280 5.1.2.5", RFC, 0,
         both_times, run_next_after_this),
    LINT("e_crl_subscriber_next_update_over_10_days", "e_crl_next_update_invalid", ERROR,
         "TLS BR 4.9.7", BR, LINT_DATE_BR_1_0, scope_subscriber, run_subscriber_10_days),
    LINT("e_crl_next_update_over_12_months", NULL, ERROR, "TLS BR 4.9.7", BR, LINT_DATE_BR_1_0,
         both_times, run_12_months),
    LINT("e_crl_extensions_empty", NULL, ERROR, "RFC 5280 5.1.2.7, A.1 (SIZE (1..MAX))", RFC, 0,
         NULL, run_ext_empty),
    LINT("e_crl_duplicate_extension", NULL, ERROR, "RFC 5280 4.2, 5.2", RFC, 0, NULL,
         run_ext_duplicate),
    LINT("e_crl_unknown_critical_extension", NULL, ERROR, "RFC 5280 5.2", RFC, 0, NULL,
         run_unknown_critical),
    LINT("w_crl_extension_not_recommended", NULL, WARN, "TLS BR 7.2.2", BR, LINT_DATE_SC62, NULL,
         run_not_recommended),
    LINT("e_crl_number_missing", "e_crl_missing_crl_number", ERROR, "RFC 5280 5.2.3; TLS BR 7.2.2",
         RFC, 0, NULL, run_number_present),
    LINT("e_crl_number_critical", NULL, ERROR, "RFC 5280 5.2.3; TLS BR 7.2.2", RFC, 0,
         number_present, run_number_critical),
    LINT("e_crl_number_malformed", NULL, ERROR, "RFC 5280 5.2.3", RFC, 0, number_present,
         run_number_malformed),
    LINT("e_crl_number_too_long", NULL, ERROR, "RFC 5280 5.2.3", RFC, 0, number_decoded,
         run_number_length),
    LINT("e_crl_number_out_of_range", "e_crl_number_out_of_range", ERROR,
         "RFC 5280 5.2.3; TLS BR 7.2.2", BR, 0, number_decoded, run_number_range),
    LINT("e_crl_aki_missing", "e_crl_has_authority_key_identifier", ERROR,
         "RFC 5280 5.2.1; TLS BR 7.2.2", RFC, 0, NULL, run_aki_present),
    LINT("e_crl_aki_critical", NULL, ERROR, "RFC 5280 4.2.1.1, 5.2.1", RFC, 0, aki_present,
         run_aki_critical),
    LINT("e_crl_aki_no_key_id", NULL, ERROR, "RFC 5280 5.2.1", RFC, 0, aki_present,
         run_aki_key_id),
    LINT("e_crl_aki_not_key_id_only", "e_crl_auth_key_id_only_contains_keyid", ERROR,
         "TLS BR 7.2.2, 7.1.2.11.1", BR, LINT_DATE_SC62, aki_present, run_aki_only_key_id),
    LINT("e_crl_aki_not_ca_ski", NULL, ERROR, "RFC 5280 5.2.1; TLS BR 7.1.2.11.1", RFC, 0,
         aki_and_ca, run_aki_matches_ca),
    LINT("e_crl_idp_not_critical", NULL, ERROR, "RFC 5280 5.2.5; TLS BR 7.2.2", RFC, 0,
         idp_present, run_idp_critical),
    LINT("e_crl_idp_malformed", NULL, ERROR, "RFC 5280 5.2.5", RFC, 0, idp_present,
         run_idp_malformed),
    LINT("e_crl_idp_user_and_ca_certs", NULL, ERROR, "RFC 5280 5.2.5", RFC, 0, idp_present,
         run_idp_one_only),
    LINT("e_crl_idp_only_some_reasons", NULL, ERROR, "TLS BR 7.2.2.1", BR, LINT_DATE_SC62,
         idp_present, run_idp_some_reasons),
    LINT("e_crl_idp_indirect_crl", NULL, ERROR, "TLS BR 7.2.2.1", BR, LINT_DATE_SC62, idp_present,
         run_idp_indirect),
    LINT("e_crl_idp_only_attribute_certs", NULL, ERROR, "TLS BR 7.2.2.1", BR, LINT_DATE_SC62,
         idp_present, run_idp_attr),
    LINT("w_crl_idp_no_distribution_point", NULL, WARN, "TLS BR 7.2.2.1", BR, LINT_DATE_SC58,
         idp_present, run_idp_dp),
    LINT("w_crl_idp_uri_not_http", NULL, WARN, "TLS BR 7.2.2.1, 7.1.2.11.2", BR, LINT_DATE_SC62,
         idp_has_uri, run_idp_uri_http),
    LINT("e_crl_delta_indicator_not_critical", NULL, ERROR, "RFC 5280 5.2.4", RFC, 0,
         delta_present, run_delta_critical),
    LINT("e_crl_delta_indicator_in_full_crl", NULL, ERROR, "RFC 5280 5.2.4", RFC, 0,
         delta_present, run_delta_in_signed_full),
};
CASC_LINT_TABLE(casc_lints_crl_header);
