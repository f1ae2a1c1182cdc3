/* Unit tests of the CRL lints: for every CRL lint in the registry, a CRL
 * that trips it and one that passes it, both really signed (tests/unit/
 * lint_revgen.h builds them from knobs); the good CRL also parses and
 * verifies with OpenSSL's d2i_X509_CRL and X509_CRL_verify. Then
 * lint-before-sign (casc_lint_crl_presign), a CRL of 200,000 entries
 * linted in one pass, and the CRLs casc itself builds, linted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "casc/ca.h"
#include "casc/crl.h"
#include "casc/keys.h"
#include "casc/lint.h"
#include "casc/lint_rev.h"
#include "lint_revgen.h"
#include "unit_util.h"

#include <openssl/x509.h>

static rg_pki pki;
static casc_lint_ctx *lctx;

/* --- running one lint -------------------------------------------------------- */

enum { CTX_NONE, CTX_CA, CTX_CA_SUBSCRIBER, CTX_CA_CA, CTX_CA_CODE_SIGNING };

static void check_der(const unsigned char *der, size_t len, int ctx, watch *w) {
  X509 *issuer = ctx == CTX_NONE ? NULL : pki.ca_cert;
  casc_crl_scope scope = ctx == CTX_CA_SUBSCRIBER     ? CASC_CRL_SCOPE_SUBSCRIBER
                         : ctx == CTX_CA_CA           ? CASC_CRL_SCOPE_CA
                         : ctx == CTX_CA_CODE_SIGNING ? CASC_CRL_SCOPE_CODE_SIGNING
                                                      : CASC_CRL_SCOPE_UNKNOWN;
  casc_lint_ctx_check_issuer(lctx, CASC_LINT_KIND_CRL, der, len, issuer, scope, RG_NOW + 60,
                             on_result, w);
}

static casc_lint_result lint_crl(const rg_crl_opts *o, int ctx, const char *name, watch *w) {
  size_t len;
  unsigned char *der = rg_crl(&pki, o, &len);
  memset(w, 0, sizeof *w);
  w->name = name;
  check_der(der, len, ctx, w);
  free(der);
  if (name != NULL && !w->seen)
    fail_msg("%s did not run", name);
  return w->r;
}

static casc_lint_result want_for(const char *name) {
  const casc_lint *l = casc_lint_find(name);
  if (l == NULL)
    fail_msg("no lint %s", name);
  return l->level == CASC_LINT_ERROR  ? CASC_LINT_ERROR_R
         : l->level == CASC_LINT_WARN ? CASC_LINT_WARN_R
                                      : CASC_LINT_NOTICE_R;
}

/* --- the cases --------------------------------------------------------------------- */
typedef void (*mut_fn)(rg_crl_opts *o);
typedef struct {
  const char *lint;
  mut_fn bad, good; /* good NULL: the default CRL */
  int ctx;
  bool good_na;     /* the passing input is "not applicable" rather than "pass" */
} crl_case;

#define MUT(fn, ...)                                                                               \
  static void fn(rg_crl_opts *o) { __VA_ARGS__; }

MUT(m_v1, o->version = -1)
MUT(m_inner_alg, o->inner_alg = 1)
MUT(m_rsa, o->rsa = true)
MUT(m_rsa_no_null, o->rsa = true; o->outer_params = 1)
MUT(m_ec_null, o->outer_params = 1)
MUT(m_sha1, o->outer_params = 3)
MUT(m_issuer_empty, o->issuer = 1)
MUT(m_issuer_other, o->issuer = 2)
MUT(m_this_gt, o->this_form = RG_T_GEN)
MUT(m_no_next, o->no_next_update = true)
MUT(m_next_nosec, o->next_form = RG_T_UTC_NOSEC)
MUT(m_next_before, o->next_update = o->this_update - 1)
MUT(m_next_10d_plus, o->next_update = o->this_update + 10 * RG_DAY + 1)
MUT(m_next_10d, o->next_update = o->this_update + 10 * RG_DAY)
MUT(m_ca_366d, o->idp = 6; o->next_update = o->this_update + 366 * RG_DAY)
MUT(m_ca_365d, o->idp = 6; o->next_update = o->this_update + 365 * RG_DAY)
MUT(m_exts_empty, o->empty_extensions = true)
MUT(m_dup_ext, o->duplicate_ext = true)
MUT(m_unknown_crit, o->unknown_critical = true)
MUT(m_unknown_noncrit, o->unknown_noncritical = true)
MUT(m_number_absent, o->crl_number = 1)
MUT(m_number_crit, o->crl_number = 2)
MUT(m_number_negative, o->crl_number = 3)
MUT(m_number_long, o->crl_number = 4)
MUT(m_number_2_159, o->crl_number = 5)
MUT(m_number_octets, o->crl_number = 6)
MUT(m_number_long_len, o->crl_number = 7)
MUT(m_aki_absent, o->aki = 1)
MUT(m_aki_issuer_serial, o->aki = 2)
MUT(m_aki_crit, o->aki = 3)
MUT(m_aki_empty, o->aki = 4)
MUT(m_aki_wrong, o->aki = 5)
MUT(m_aki_trailing, o->aki = 6)
MUT(m_idp_noncrit, o->idp = 2)
MUT(m_idp_both, o->idp = 3)
MUT(m_idp_empty, o->idp = 4)
MUT(m_idp_garbage, o->idp = 5)
MUT(m_idp_reasons, o->idp = 7)
MUT(m_idp_indirect, o->idp = 8)
MUT(m_idp_attr, o->idp = 9)
MUT(m_idp_no_dp, o->idp = 10)
MUT(m_idp_https, o->idp = 11)
MUT(m_delta_noncrit, o->delta = 2)
MUT(m_delta, o->delta = 1)
MUT(m_list_empty, o->n_entries = 0; o->empty_list = true)
MUT(m_entry_malformed, o->entries[1].malformed = true)
MUT(m_serial_zero, o->entries[1].serial_len = 1; o->entries[1].serial[0] = 0)
MUT(m_serial_negative, o->entries[1].serial[0] = 0x80)
MUT(m_serial_long, o->entries[0].serial_len = 21; o->entries[0].serial[0] = 0x01)
MUT(m_serial_dup, o->entries[1] = o->entries[0])
MUT(m_serial_pad, o->entries[0].serial[0] = 0)
MUT(m_serial_empty, o->entries[0].serial_len = 0)
MUT(m_rev_gt, o->entries[0].rev_form = RG_T_GEN)
MUT(m_rev_future, o->entries[0].revoked_at = o->this_update + 60)
MUT(m_entry_exts_empty, o->entries[0].reason = -1; o->entries[0].empty_exts = true)
MUT(m_entry_unknown_crit, o->entries[0].unknown_critical = true)
MUT(m_entry_dup_reason, o->entries[0].dup_reason = true)
MUT(m_entry_other_ext, o->entries[0].unknown_noncritical = true)
MUT(m_reason_crit, o->entries[0].reason_crit = 1)
MUT(m_reason_7, o->entries[0].reason = 7)
MUT(m_reason_0, o->entries[0].reason = 0)
MUT(m_reason_hold, o->entries[0].reason = 6)
MUT(m_reason_remove, o->entries[0].reason = 8)
MUT(m_reason_ca_compromise, o->entries[0].reason = 2)
MUT(m_reason_aa, o->idp = 0; o->entries[0].reason = 10)
MUT(m_ca_no_reason, o->idp = 6; o->entries[0].reason = -1)
MUT(m_ca_reasons, o->idp = 6; o->entries[0].reason = 2)
MUT(m_inv_utc, o->entries[0].invalidity = RG_NOW - 3 * RG_DAY; o->entries[0].inv_form = RG_T_UTC)
MUT(m_inv_gt, o->entries[0].invalidity = RG_NOW - 3 * RG_DAY)
MUT(m_inv_crit, o->entries[0].invalidity = RG_NOW - 3 * RG_DAY; o->entries[0].inv_crit = true)
MUT(m_inv_after, o->entries[0].invalidity = o->entries[0].revoked_at + RG_HOUR)
MUT(m_inv_same, o->entries[0].invalidity = o->entries[0].revoked_at)
MUT(m_cert_issuer, o->entries[0].cert_issuer = 1)
MUT(m_cert_issuer_indirect, o->entries[0].cert_issuer = 1; o->idp = 8)
MUT(m_cert_issuer_noncrit, o->entries[0].cert_issuer = 2; o->idp = 8)
MUT(m_bad_boolean, o->crit_form = 2)
MUT(m_crit_false, o->number_crit_false = true)
MUT(m_trailing, o->trailing = true)
MUT(m_sig_unused, o->sig_unused = true)
MUT(m_this_frac, o->this_form = RG_T_GEN_FRAC)
MUT(m_bad_oid, o->bad_oid_ext = true)
MUT(m_rsa_bad_null, o->rsa = true; o->bad_null = true)
MUT(m_set_order, o->issuer = 3)
MUT(m_constructed, o->issuer = 4)

static const crl_case cases[] = {
    /* header: RFC 5280 5.1, BR 4.9.7, 7.1.3.2 */
    {"e_crl_version_not_v2", m_v1, NULL, CTX_NONE, false},
    {"e_crl_sig_alg_mismatch", m_inner_alg, NULL, CTX_NONE, false},
    {"e_crl_rsa_sig_alg_missing_null", m_rsa_no_null, m_rsa, CTX_NONE, false},
    {"e_crl_ecdsa_sig_alg_has_params", m_ec_null, NULL, CTX_NONE, false},
    {"e_crl_sig_alg_not_allowed", m_sha1, NULL, CTX_NONE, false},
    {"e_crl_issuer_empty", m_issuer_empty, NULL, CTX_NONE, false},
    {"e_crl_issuer_not_ca_subject", m_issuer_other, NULL, CTX_CA, false},
    {"e_crl_this_update_encoding", m_this_gt, NULL, CTX_NONE, false},
    {"e_crl_next_update_missing", m_no_next, NULL, CTX_NONE, false},
    {"e_crl_next_update_encoding", m_next_nosec, NULL, CTX_NONE, false},
    {"e_crl_next_update_not_after_this_update", m_next_before, NULL, CTX_NONE, false},
    {"e_crl_subscriber_next_update_over_10_days", m_next_10d_plus, m_next_10d, CTX_NONE, false},
    {"e_crl_next_update_over_12_months", m_ca_366d, m_ca_365d, CTX_NONE, false},
    /* extensions: RFC 5280 5.2, BR 7.2.2 */
    {"e_crl_extensions_empty", m_exts_empty, NULL, CTX_NONE, false},
    {"e_crl_duplicate_extension", m_dup_ext, NULL, CTX_NONE, false},
    {"e_crl_unknown_critical_extension", m_unknown_crit, NULL, CTX_NONE, false},
    {"w_crl_extension_not_recommended", m_unknown_noncrit, NULL, CTX_NONE, false},
    {"e_crl_number_missing", m_number_absent, NULL, CTX_NONE, false},
    {"e_crl_number_critical", m_number_crit, NULL, CTX_NONE, false},
    {"e_crl_number_malformed", m_number_octets, NULL, CTX_NONE, false},
    {"e_crl_number_too_long", m_number_long, NULL, CTX_NONE, false},
    {"e_crl_number_out_of_range", m_number_negative, NULL, CTX_NONE, false},
    {"e_crl_number_out_of_range", m_number_2_159, NULL, CTX_NONE, false},
    {"e_crl_aki_missing", m_aki_absent, NULL, CTX_NONE, false},
    {"e_crl_aki_critical", m_aki_crit, NULL, CTX_NONE, false},
    {"e_crl_aki_no_key_id", m_aki_empty, NULL, CTX_NONE, false},
    {"e_crl_aki_not_key_id_only", m_aki_issuer_serial, NULL, CTX_NONE, false},
    {"e_crl_aki_not_ca_ski", m_aki_wrong, NULL, CTX_CA, false},
    {"e_crl_idp_not_critical", m_idp_noncrit, NULL, CTX_NONE, false},
    {"e_crl_idp_malformed", m_idp_empty, NULL, CTX_NONE, false},
    {"e_crl_idp_malformed", m_idp_garbage, NULL, CTX_NONE, false},
    {"e_crl_idp_user_and_ca_certs", m_idp_both, NULL, CTX_NONE, false},
    {"e_crl_idp_only_some_reasons", m_idp_reasons, NULL, CTX_NONE, false},
    {"e_crl_idp_indirect_crl", m_idp_indirect, NULL, CTX_NONE, false},
    {"e_crl_idp_only_attribute_certs", m_idp_attr, NULL, CTX_NONE, false},
    {"w_crl_idp_no_distribution_point", m_idp_no_dp, NULL, CTX_NONE, false},
    {"w_crl_idp_uri_not_http", m_idp_https, NULL, CTX_NONE, false},
    {"e_crl_delta_indicator_not_critical", m_delta_noncrit, m_delta, CTX_NONE, false},
    {"e_crl_delta_indicator_in_full_crl", m_delta, NULL, CTX_CA, true},
    /* entries: RFC 5280 5.1.2.6, 5.3; BR 4.9.13, 7.2.2 */
    {"e_crl_revoked_certificates_empty", m_list_empty, NULL, CTX_NONE, false},
    {"e_crl_entry_malformed", m_entry_malformed, NULL, CTX_NONE, false},
    {"e_crl_entry_serial_not_positive", m_serial_zero, NULL, CTX_NONE, false},
    {"e_crl_entry_serial_not_positive", m_serial_negative, NULL, CTX_NONE, false},
    {"e_crl_entry_serial_too_long", m_serial_long, NULL, CTX_NONE, false},
    {"e_crl_entry_duplicate_serial", m_serial_dup, NULL, CTX_NONE, false},
    {"e_crl_entry_revocation_date_encoding", m_rev_gt, NULL, CTX_NONE, false},
    {"e_crl_entry_revocation_date_after_this_update", m_rev_future, NULL, CTX_NONE, false},
    {"e_crl_entry_extensions_empty", m_entry_exts_empty, NULL, CTX_NONE, false},
    {"e_crl_entry_unknown_critical_extension", m_entry_unknown_crit, NULL, CTX_NONE, false},
    {"e_crl_entry_duplicate_extension", m_entry_dup_reason, NULL, CTX_NONE, false},
    {"w_crl_entry_extension_not_recommended", m_entry_other_ext, NULL, CTX_NONE, false},
    {"e_crl_reason_code_critical", m_reason_crit, NULL, CTX_NONE, false},
    {"e_crl_reason_code_invalid", m_reason_7, NULL, CTX_NONE, false},
    {"e_crl_reason_code_invalid", m_reason_0, NULL, CTX_NONE, false},
    {"e_crl_reason_unspecified_encoded", m_reason_0, NULL, CTX_NONE, false},
    {"e_crl_reason_certificate_hold", m_reason_hold, NULL, CTX_NONE, false},
    {"e_crl_reason_remove_from_crl", m_reason_remove, NULL, CTX_NONE, false},
    {"e_crl_reason_not_allowed_br", m_reason_ca_compromise, NULL, CTX_NONE, false},
    {"e_crl_reason_not_allowed_br", m_reason_aa, m_ca_reasons, CTX_NONE, false},
    {"e_crl_ca_entry_reason_missing", m_ca_no_reason, m_ca_reasons, CTX_NONE, false},
    {"e_crl_invalidity_date_encoding", m_inv_utc, m_inv_gt, CTX_NONE, false},
    {"e_crl_invalidity_date_critical", m_inv_crit, m_inv_gt, CTX_NONE, false},
    {"n_crl_invalidity_date_after_revocation_date", m_inv_after, m_inv_gt, CTX_NONE, false},
    {"e_crl_cs_invalidity_date_not_revocation_date", m_inv_gt, m_inv_same, CTX_CA_CODE_SIGNING,
     false},
    {"e_crl_certificate_issuer_not_indirect", m_cert_issuer, m_cert_issuer_indirect, CTX_NONE,
     false},
    {"e_crl_certificate_issuer_not_critical", m_cert_issuer_noncrit, m_cert_issuer_indirect,
     CTX_NONE, false},
    /* DER */
    {"e_crl_der_nonminimal_length", m_number_long_len, NULL, CTX_NONE, false},
    {"e_crl_der_bad_boolean", m_bad_boolean, NULL, CTX_NONE, false},
    {"e_crl_der_nonminimal_integer", m_serial_pad, NULL, CTX_NONE, false},
    {"e_crl_der_empty_integer", m_serial_empty, NULL, CTX_NONE, false},
    {"e_crl_der_default_encoded", m_crit_false, NULL, CTX_NONE, false},
    {"e_crl_der_trailing_data", m_trailing, NULL, CTX_NONE, false},
    {"e_crl_der_trailing_in_value", m_aki_trailing, NULL, CTX_NONE, false},
    {"e_crl_der_bad_bit_string", m_sig_unused, NULL, CTX_NONE, false},
    {"e_crl_der_bad_time", m_this_frac, NULL, CTX_NONE, false},
    {"e_crl_der_bad_oid", m_bad_oid, NULL, CTX_NONE, false},
    {"e_crl_der_empty_sequence", m_list_empty, NULL, CTX_NONE, false},
    {"e_crl_der_bad_null", m_rsa_bad_null, m_rsa, CTX_NONE, false},
    {"e_crl_der_set_order", m_set_order, NULL, CTX_NONE, false},
    {"e_crl_der_constructed_string", m_constructed, NULL, CTX_NONE, false},
    {"e_crl_der_ext_undecodable", m_idp_garbage, NULL, CTX_NONE, false},
};

static void test_cases(void **state) {
  (void)state;
  watch w;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const crl_case *c = &cases[i];
    rg_crl_opts bad = rg_crl_default(), good = rg_crl_default();
    c->bad(&bad);
    if (c->good != NULL)
      c->good(&good);
    casc_lint_result want = want_for(c->lint);
    casc_lint_result r = lint_crl(&bad, c->ctx, c->lint, &w);
    if (r != want)
      fail_msg("case %zu: %s on the bad CRL: %s, want %s", i, c->lint, casc_lint_result_name(r),
               casc_lint_result_name(want));
    if (w.det[0] == '\0')
      fail_msg("case %zu: %s: no details", i, c->lint);
    want = c->good_na ? CASC_LINT_NA : CASC_LINT_PASS;
    r = lint_crl(&good, c->ctx, c->lint, &w);
    if (r != want)
      fail_msg("case %zu: %s on the good CRL: %s, want %s (%s)", i, c->lint,
               casc_lint_result_name(r), casc_lint_result_name(want), w.det);
  }
}

/* Every CRL lint has a case above. */
static void test_every_lint_has_a_case(void **state) {
  (void)state;
  size_t n = 0;
  for (size_t i = 0; i < casc_lint_count(); i++) {
    const casc_lint *l = casc_lint_at(i);
    if (l->kind != CASC_LINT_KIND_CRL)
      continue;
    n++;
    bool found = false;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0] && !found; k++)
      found = strcmp(cases[k].lint, l->name) == 0;
    if (!found)
      fail_msg("CRL lint %s has no test case", l->name);
    assert_non_null(l->citation);
    assert_true(l->name[0] == 'e' || l->name[0] == 'w' || l->name[0] == 'n');
    assert_int_equal(l->name[0], casc_lint_level_name(l->level)[0]);
  }
  assert_true(n >= 30);
}

/* The default CRL is clean under every context, and OpenSSL reads and
 * verifies it: the generator makes real CRLs. */
static void test_good_crl(void **state) {
  (void)state;
  rg_crl_opts o = rg_crl_default();
  size_t len;
  unsigned char *der = rg_crl(&pki, &o, &len);
  const unsigned char *p = der;
  X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
  assert_non_null(crl);
  assert_int_equal(X509_CRL_verify(crl, pki.ca_key), 1);
  assert_int_equal(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)), 2);
  X509_CRL_free(crl);
  for (int ctx = CTX_NONE; ctx <= CTX_CA_CODE_SIGNING; ctx++) {
    watch w = {0};
    check_der(der, len, ctx, &w);
    if (w.n_findings != 0)
      fail_msg("context %d: %s", ctx, w.findings);
  }
  free(der);
  /* a root's CRL: CA scope, a month, cACompromise, no IDP */
  o = rg_crl_default();
  o.idp = 0;
  o.next_update = o.this_update + 30 * RG_DAY;
  o.entries[0].reason = 2;
  der = rg_crl(&pki, &o, &len);
  watch w = {0};
  check_der(der, len, CTX_CA_CA, &w);
  if (w.n_findings != 0)
    fail_msg("CA CRL: %s", w.findings);
  free(der);
  /* an empty CRL: no revokedCertificates at all */
  o = rg_crl_default();
  o.n_entries = 0;
  der = rg_crl(&pki, &o, &len);
  memset(&w, 0, sizeof w);
  check_der(der, len, CTX_CA_SUBSCRIBER, &w);
  if (w.n_findings != 0)
    fail_msg("empty CRL: %s", w.findings);
  free(der);
}

/* A subscriber CRL in a CA's scope: 30 days is fine for a CA CRL, not for a
 * subscriber one; the scope comes from the IDP or from the signer. */
static void test_scope(void **state) {
  (void)state;
  watch w;
  rg_crl_opts o = rg_crl_default();
  o.idp = 0;
  o.next_update = o.this_update + 30 * RG_DAY;
  const char *name = "e_crl_subscriber_next_update_over_10_days";
  assert_int_equal(lint_crl(&o, CTX_NONE, name, &w), CASC_LINT_NA);
  assert_int_equal(lint_crl(&o, CTX_CA_CA, name, &w), CASC_LINT_NA);
  assert_int_equal(lint_crl(&o, CTX_CA_SUBSCRIBER, name, &w), CASC_LINT_ERROR_R);
  /* BR 7.2.2's reasons depend on the scope too */
  o.next_update = o.this_update + 7 * RG_DAY;
  o.entries[0].reason = 9; /* privilegeWithdrawn: subscribers only */
  assert_int_equal(lint_crl(&o, CTX_CA_SUBSCRIBER, "e_crl_reason_not_allowed_br", &w),
                   CASC_LINT_PASS);
  assert_int_equal(lint_crl(&o, CTX_CA_CA, "e_crl_reason_not_allowed_br", &w),
                   CASC_LINT_ERROR_R);
  /* a CRL dated before BR 1.8.7 is not held to its reason codes */
  o = rg_crl_default();
  o.entries[0].reason = 0;
  o.this_update = CASC_LINT_DATE(2023, 1, 1);
  o.next_update = o.this_update + RG_DAY;
  o.entries[0].revoked_at = o.entries[1].revoked_at = o.this_update - RG_DAY;
  assert_int_equal(lint_crl(&o, CTX_NONE, "e_crl_reason_unspecified_encoded", &w), CASC_LINT_NE);
  assert_int_equal(lint_crl(&o, CTX_NONE, "e_crl_reason_code_invalid", &w), CASC_LINT_ERROR_R);
}

static void test_presign(void **state) {
  (void)state;
  casc_error e = {0};
  rg_crl_opts o = rg_crl_default();
  size_t len;
  unsigned char *der = rg_crl(&pki, &o, &len);
  assert_int_equal(casc_lint_crl_presign(der, len, pki.ca_cert, CASC_CRL_SCOPE_SUBSCRIBER, 0, &e),
                   CASC_OK);
  free(der);
  /* another CA's name as issuer, and a certificateHold: refused, both named */
  o.issuer = 2;
  o.entries[1].reason = 6;
  der = rg_crl(&pki, &o, &len);
  assert_int_equal(casc_lint_crl_presign(der, len, pki.ca_cert, CASC_CRL_SCOPE_SUBSCRIBER, 0, &e),
                   CASC_ERR_POLICY);
  assert_non_null(strstr(e.msg, "CRL refused by lint"));
  assert_non_null(strstr(e.msg, "e_crl_issuer_not_ca_subject"));
  assert_non_null(strstr(e.msg, "e_crl_reason_certificate_hold"));
  free(der);
  /* garbage is refused as undecodable */
  static const unsigned char junk[] = {0x30, 0x03, 0x02, 0x01, 0x01};
  assert_int_equal(
      casc_lint_crl_presign(junk, sizeof junk, pki.ca_cert, CASC_CRL_SCOPE_SUBSCRIBER, 0, &e),
      CASC_ERR_POLICY);
}

/* A CRL of 200,000 entries, the last a duplicate of the first: one pass
 * finds it, and every entry lint shares that pass. */
static void test_large(void **state) {
  (void)state;
  casc_der_buf b;
  casc_der_buf_init(&b);
  const size_t n = 200000;
  /* the list, built directly: rg_crl holds a handful of entries */
  rg_crl_opts o = rg_crl_default();
  o.n_entries = 1;
  size_t len;
  unsigned char *one = rg_crl(&pki, &o, &len);
  /* splice: the generated CRL's single entry replaced by n of them */
  rg_entry en = rg_entry_default(0);
  casc_der_buf list;
  casc_der_buf_init(&list);
  for (size_t i = 0; i < n; i++) {
    uint32_t k = (uint32_t)(i == n - 1 ? 0 : i);
    en.serial[12] = (unsigned char)(k >> 24), en.serial[13] = (unsigned char)(k >> 16);
    en.serial[14] = (unsigned char)(k >> 8), en.serial[15] = (unsigned char)k;
    rg_crl_entry(&list, &en);
  }
  /* re-encode the CRL around the list with the DER writer */
  casc_der_buf entry1;
  casc_der_buf_init(&entry1);
  en = o.entries[0];
  rg_crl_entry(&entry1, &en);
  unsigned char *at = memmem(one, len, entry1.data, entry1.len);
  assert_non_null(at);
  /* TBS: everything between the TBS header and the old list, then the
   * new list, then the rest of the TBS; the signature is then wrong, which
   * no CRL lint checks. */
  const unsigned char *p = one;
  size_t left = len;
  casc_der_tlv_t outer, tbs;
  casc_error e = {0};
  assert_int_equal(casc_der_next(&p, &left, &outer, &e), CASC_OK);
  p = outer.val, left = outer.len;
  assert_int_equal(casc_der_next(&p, &left, &tbs, &e), CASC_OK);
  size_t list_hdr = 2; /* the one-entry SEQUENCE OF: short form */
  assert_int_equal(at[-list_hdr], CASC_DER_SEQUENCE);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_raw(&b, tbs.val, (size_t)(at - list_hdr - tbs.val));
  casc_der_tlv(&b, CASC_DER_SEQUENCE, list.data, list.len);
  const unsigned char *after = at + entry1.len;
  casc_der_raw(&b, after, (size_t)(tbs.val + tbs.len - after));
  casc_der_end(&b);
  casc_der_raw(&b, tbs.val + tbs.len, (size_t)(outer.val + outer.len - (tbs.val + tbs.len)));
  casc_der_end(&b);
  assert_false(casc_der_buf_failed(&b));
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  watch w = {0};
  check_der(b.data, b.len, CTX_CA_SUBSCRIBER, &w);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  print_message("linted a CRL of %zu entries (%zu bytes) in %.3f s\n", n, b.len, secs);
  if (getenv("LINTREV_PROFILE") != NULL) {
    for (int k = 0; k < 20; k++) {
      watch w2 = {0};
      check_der(b.data, b.len, CTX_CA_SUBSCRIBER, &w2);
    }
    static casc_lint_crl crl;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(casc_lint_parse_crl(b.data, b.len, &crl, &e), CASC_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    print_message("decode alone: %.3f s\n",
                  (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t off = 0, k = 0;
    casc_lint_crl_entry ent;
    while (casc_lint_crl_next_entry(&crl, &off, &ent))
      k++;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    print_message("entry walk alone (%zu): %.3f s\n", k,
                  (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
  }
  assert_non_null(strstr(w.findings, "e_crl_entry_duplicate_serial"));
  assert_int_equal(w.n_findings, 1);
  assert_true(secs < 20); /* one pass; ASan builds are slower */
  casc_der_buf_free(&b);
  casc_der_buf_free(&list);
  casc_der_buf_free(&entry1);
  free(one);
}

/* The CRLs casc builds pass their own lints: casc_crl_build_all lints each
 * before it writes it, so a build that succeeds wrote only clean CRLs;
 * lint them again here from the files, without the signer's context. */
static void test_casc_crls(void **state) {
  (void)state;
  char dir[PATH_MAX], ca_dir[PATH_MAX], out[PATH_MAX];
  assert_int_equal(util_mkdtemp(dir, "lintcrl"), 0);
  util_join(ca_dir, dir, "ca");
  util_clock_fix(RG_NOW);
  casc_init_opts opts = {.key_type = CASC_KEY_EC_P256};
  casc_error e = {0};
  casc_ca *ca = NULL;
  if (casc_ca_init(ca_dir, &opts, &e) != CASC_OK || casc_ca_open(ca_dir, &ca, &e) != CASC_OK)
    fail_msg("%s", e.msg);
  /* two subscriber certificates, one revoked for keyCompromise */
  EVP_PKEY *key = NULL;
  assert_int_equal(casc_key_generate(CASC_KEY_EC_P256, &key, &e), CASC_OK);
  const char *dns[] = {"lint.casc-test.com"};
  casc_issue_request req = {.profile = CASC_PROFILE_TLS_SERVER, .public_key = key, .dns = dns,
                            .n_dns = 1};
  casc_issued a = {0}, b2 = {0};
  if (casc_ca_issue(ca, &req, &a, &e) != CASC_OK || casc_ca_issue(ca, &req, &b2, &e) != CASC_OK)
    fail_msg("issue: %s", e.msg);
  casc_cert_rec rec = {0};
  if (casc_ca_revoke(ca, a.serial, 1, 0, &rec, &e) != CASC_OK)
    fail_msg("revoke: %s", e.msg);
  casc_cert_rec_clear(&rec);
  casc_crl_config cfg;
  casc_crl_config_default(&cfg);
  util_join(out, dir, "out");
  assert_int_equal(mkdir(out, 0755), 0);
  if (casc_crl_build_all(ca, out, &cfg, RG_NOW, NULL, NULL, &e) != CASC_OK)
    fail_msg("casc_crl_build_all: %s", e.msg);
  const char *files[] = {"crl/root-ca.crl", "crl/issuing-ca.crl", "crl/issuing-ca/0.crl",
                         "crl/code-signing-ca.crl", "crl/timestamping-ca.crl"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char path[PATH_MAX];
    util_join(path, out, files[i]);
    unsigned char *der = NULL;
    size_t len = 0;
    if (casc_file_read(path, 1 << 20, &der, &len, &e) != CASC_OK)
      fail_msg("%s", e.msg);
    watch w = {0};
    check_der(der, len, CTX_NONE, &w);
    if (w.n_findings != 0)
      fail_msg("%s: %s", files[i], w.findings);
    free(der);
  }
  casc_issued_clear(&a);
  casc_issued_clear(&b2);
  EVP_PKEY_free(key);
  casc_ca_close(ca);
  casc_clock_set(NULL);
  util_rmtree(dir);
}

static int group_setup(void **state) {
  (void)state;
  rg_pki_init(&pki);
  lctx = casc_lint_ctx_new();
  return lctx != NULL ? 0 : -1;
}

static int group_teardown(void **state) {
  (void)state;
  casc_lint_ctx_free(lctx);
  rg_pki_free(&pki);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_lint_has_a_case),
      cmocka_unit_test(test_good_crl),
      cmocka_unit_test(test_cases),
      cmocka_unit_test(test_scope),
      cmocka_unit_test(test_presign),
      cmocka_unit_test(test_large),
      cmocka_unit_test(test_casc_crls),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
