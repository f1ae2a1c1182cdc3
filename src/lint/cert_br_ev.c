/* Extended Validation TLS certificates (CA/B Forum EV Guidelines 9.2 and
 * 9.8, EV policy 2.23.140.1.1) and the SC-62 individual-validated subject. */
#include "cert_br_util.h"

#include <stdio.h>
#include <string.h>

#define EVG "CABF EV Guidelines"
#define C(in) ((in)->cert)
#define RUN(fn) static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz)
#define CHECK(cond, msg) return (cond) ? CASC_LINT_PASS : fail(det, detsz, (msg))
#define HAS(c, lit) (CASC_LINT_NAME_FIND(&(c)->subject, lit) != NULL)

static casc_lint_result fail(char *det, size_t detsz, const char *msg) {
  snprintf(det, detsz, "%s", msg);
  return CASC_LINT_FAIL;
}

static bool ev(const casc_lint_input *in) {
  return casc_br_applies_tls_or_precert(in) && CASC_BR_HAS_POLICY(C(in), CASC_OID_BR_EV);
}
static bool iv(const casc_lint_input *in) {
  return casc_br_applies_tls_or_precert(in) && CASC_BR_HAS_POLICY(C(in), CASC_OID_BR_IV);
}

RUN(run_org) { CHECK(HAS(C(in), CASC_OID_AT_O), "EV subject:organizationName is missing"); }
RUN(run_bc) { CHECK(HAS(C(in), CASC_OID_AT_BUSINESS_CATEGORY), "EV subject:businessCategory is missing"); }
RUN(run_c) { CHECK(HAS(C(in), CASC_OID_AT_C), "EV subject:countryName is missing"); }
RUN(run_serial) { CHECK(HAS(C(in), CASC_OID_AT_SERIAL_NUMBER), "EV subject:serialNumber is missing"); }
RUN(run_joi) {
  CHECK(HAS(C(in), CASC_OID_AT_JOI_C), "EV subject:jurisdictionCountryName is missing");
}
RUN(run_bc_value) {
  static const char *const allowed[] = {"Private Organization", "Government Entity",
                                        "Business Entity", "Non-Commercial Entity"};
  const casc_lint_attr *a = CASC_LINT_NAME_FIND(&C(in)->subject, CASC_OID_AT_BUSINESS_CATEGORY);
  if (a == NULL)
    return CASC_LINT_NA;
  for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
    if (a->value.len == strlen(allowed[i]) && memcmp(a->value.p, allowed[i], a->value.len) == 0)
      return CASC_LINT_PASS;
  casc_br_det_bytes(det, detsz, "businessCategory is not one of the EVG 7.1.4.2.3 values: ", a->value);
  return CASC_LINT_FAIL;
}
RUN(run_no_ip) {
  const casc_lint_cert *c = C(in);
  for (size_t i = 0; i < c->san.n; i++)
    if (c->san.gn[i].type == CASC_GN_IP)
      return fail(det, detsz, "an iPAddress in an EV certificate");
  return CASC_LINT_PASS;
}
RUN(run_no_wildcard) {
  const casc_lint_cert *c = C(in);
  for (size_t i = 0; i < c->san.n; i++) {
    const casc_lint_gn *g = &c->san.gn[i];
    if (g->type != CASC_GN_DNS || memchr(g->value.p, '*', g->value.len) == NULL)
      continue;
    if (casc_br_dns_check(g->value.p, g->value.len) & CASC_BR_DNS_ONION)
      continue; /* EVG 9.8.1: wildcards only for .onion */
    casc_br_det_bytes(det, detsz, "a wildcard in an EV certificate: ", g->value);
    return CASC_LINT_FAIL;
  }
  return CASC_LINT_PASS;
}
RUN(run_validity) {
  if (!C(in)->not_before.ok_parse || !C(in)->not_after.ok_parse)
    return CASC_LINT_NA;
  struct tm tm;
  time_t nb = C(in)->not_before.t;
  gmtime_r(&nb, &tm);
  tm.tm_mon += 27;
  CHECK(C(in)->not_after.t <= timegm(&tm), "EV validity exceeds 27 months");
}
RUN(run_iv_strict) {
  CHECK(HAS(C(in), CASC_OID_AT_GIVEN_NAME) && HAS(C(in), CASC_OID_AT_SURNAME),
        "IV subject without givenName and surname");
}

#define EV_LINT(nm, lv, cit, eff, app, fn)                                                         \
  {.name = nm, .alias = nm, .level = lv, .citation = cit, .source = EVG, .effective = eff,         \
   .kind = CASC_LINT_KIND_CERT, .applies = app, .run = fn}
#define E CASC_LINT_ERROR

const casc_lint casc_lints_cert_br_ev[] = {
    EV_LINT("e_ev_organization_name_missing", E, "EVG 9.2.1", 0, ev, run_org),
    EV_LINT("e_ev_business_category_missing", E, "EVG 9.2.3", 0, ev, run_bc),
    EV_LINT("e_ev_invalid_business_category", E, "EVG 7.1.4.2.3", 0, ev, run_bc_value),
    EV_LINT("e_ev_country_name_missing", E, "EVG 9.2.4", 0, ev, run_c),
    EV_LINT("e_ev_serial_number_missing", E, "EVG 9.2.6", 0, ev, run_serial),
    {.name = "e_ev_jurisdiction_country_missing", .alias = NULL, .level = E,
     .citation = "EVG 9.2.5", .source = EVG, .effective = 0, .kind = CASC_LINT_KIND_CERT,
     .applies = ev, .run = run_joi},
    EV_LINT("e_ev_san_ip_address_present", E, "EVG 9.8.1", 0, ev, run_no_ip),
    EV_LINT("e_ev_not_wildcard", E, "EVG 9.8.1", 0, ev, run_no_wildcard),
    EV_LINT("e_ev_valid_time_too_long", E, "EVG 9.4", 0, ev, run_validity),
    {.name = "e_cab_iv_requires_personal_name_strict",
     .alias = "e_cab_iv_requires_personal_name_strict", .level = E,
     .citation = "TLS BR 7.1.2.7.3", .source = CASC_LINT_SRC_TLSBR, .effective = CASC_BR_SC62,
     .kind = CASC_LINT_KIND_CERT, .applies = iv, .run = run_iv_strict},
};
CASC_LINT_TABLE(casc_lints_cert_br_ev);
