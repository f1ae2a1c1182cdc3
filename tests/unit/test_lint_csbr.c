/* Code Signing BR lints (src/lint/cert_csbr_*.c): for each lint an input
 * that trips it and one that passes, generated from a good code-signing,
 * timestamp or code-signing CA certificate (lint_certgen.h) with one
 * mutation. */
#include "casc/lint.h"
#include "lint/cert_br_util.h"
#include "lint_certgen.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#define MUT(name, ...)                                                                             \
  static void name(cg_spec *s) {                                                                   \
    (void)s;                                                                                       \
    __VA_ARGS__;                                                                                   \
  }

MUT(eku_none, cg_ext_del(s, CG_X_EKU), s->profile_override = CASC_LINT_PROFILE_CODESIGN)
MUT(eku_code_server, CG_EKU(s, false, CG_EKU_CODE, CG_EKU_SERVER),
    s->profile_override = CASC_LINT_PROFILE_CODESIGN)
MUT(eku_code_email, CG_EKU(s, false, CG_EKU_CODE, CG_EKU_EMAIL))
MUT(eku_code_client, CG_EKU(s, false, CG_EKU_CODE, CG_EKU_CLIENT))
MUT(eku_code_private, CG_EKU(s, false, CG_EKU_CODE, "1.3.6.1.4.1.99999.3"))
MUT(eku_code_lifetime, CG_EKU(s, false, CG_EKU_CODE, "1.3.6.1.4.1.311.10.3.13"))
MUT(tsa_eku_noncrit, cg_set_crit(s, CG_X_EKU, false))
MUT(tsa_eku_more, CG_EKU(s, true, CG_EKU_TIME, CG_EKU_CODE), s->profile_override = CASC_LINT_PROFILE_TIMESTAMP)
MUT(ku_none, cg_ext_del(s, CG_X_KU))
MUT(ku_noncrit, cg_set_crit(s, CG_X_KU, false))
MUT(ku_no_ds, cg_ku(s, true, CASC_KU_NON_REPUDIATION))
MUT(ku_certsign, cg_ku(s, true, CASC_KU_DIGITAL_SIGNATURE | CASC_KU_KEY_CERT_SIGN), s->profile_override = CASC_LINT_PROFILE_CODESIGN)
MUT(ku_keyenc, cg_ku(s, true, CASC_KU_DIGITAL_SIGNATURE | CASC_KU_KEY_ENCIPHERMENT))
MUT(aia_none, cg_ext_del(s, CG_X_AIA))
MUT(aia_crit, cg_set_crit(s, CG_X_AIA, true))
MUT(aia_no_ca, cg_aia(s, false, "http://ocsp.example.com", NULL))
MUT(aia_ca_https, cg_aia(s, false, "http://ocsp.example.com", "https://ca.example.com/cs.der"))
MUT(aia_ocsp_https, cg_aia(s, false, "https://ocsp.example.com", "http://ca.example.com/cs.der"))
MUT(aia_no_ocsp, cg_aia(s, false, NULL, "http://ca.example.com/cs.der"))
MUT(cdp_none, cg_ext_del(s, CG_X_CRLDP))
MUT(cdp_crit, cg_set_crit(s, CG_X_CRLDP, true))
MUT(cdp_ldap, cg_crldp(s, false, "ldap://crl.example.com/cn=crl", false))
MUT(aki_none, cg_ext_del(s, CG_X_AKI))
MUT(key_p224, { EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-224"); cg_set_key(s, k); EVP_PKEY_free(k); })
MUT(key_ec256, cg_set_key(s, cg_ec256))
MUT(key_rsa2048, cg_set_key(s, cg_rsa2048))
MUT(key_rsa3072, cg_set_key(s, cg_rsa3072))
MUT(key_ed25519, { EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"); cg_set_key(s, k); EVP_PKEY_free(k); })
MUT(v_old_40m, s->nb = CASC_BR_DATE(2025, 1, 10), s->na = s->nb + 1230 * CG_DAY)
MUT(v_old_39m, s->nb = CASC_BR_DATE(2025, 1, 10), s->na = s->nb + 1180 * CG_DAY)
MUT(v_461, s->na = s->nb + 461 * CG_DAY - 1)
MUT(v_460, s->na = s->nb + 460 * CG_DAY - 1)
MUT(v_tsa_136m, s->na = s->nb + 4140 * CG_DAY)
MUT(no_o, cg_subj_del(s, CG_O))
MUT(no_c, cg_subj_del(s, CG_C))
MUT(bad_c, strcpy(cg_subj_find(s, CG_C)->val, "EU"))
MUT(no_l_st, cg_subj_del(s, CG_L), cg_subj_del(s, CG_ST))
MUT(only_st, cg_subj_del(s, CG_L))
MUT(with_dc, cg_subj_del(s, CG_CN), cg_subj(s, CG_DC, 0x16, "example"), cg_subj(s, CG_CN, 0, "Example Corp"))
MUT(no_cn, cg_subj_del(s, CG_CN))
MUT(sig_sha1, CG_SIGALG(s, "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x05\x05\x00"))
MUT(sig_rsa256, CG_SIGALG(s, "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b\x05\x00"))
MUT(bc_ca, cg_bc(s, true, true, -1), s->profile_override = s->profile == CG_CS ? CASC_LINT_PROFILE_CODESIGN : CASC_LINT_PROFILE_TIMESTAMP)
MUT(bc_ee, cg_bc(s, true, false, -1))
MUT(cp_private, CG_CP(s, "1.3.6.1.4.1.99999.1"))
MUT(cp_ev, CG_CP(s, "2.23.140.1.3"))
MUT(cp_with_dv, CG_CP(s, "2.23.140.1.4.1", "2.23.140.1.2.1"))
MUT(serial_7, s->serial_len = 7)
MUT(subca_eku_any, CG_EKU(s, false, CG_EKU_CODE, CG_EKU_ANY))
MUT(subca_ku_noncrit, cg_set_crit(s, CG_X_KU, false))
MUT(subca_ku_no_crl, cg_ku(s, true, CASC_KU_KEY_CERT_SIGN))
MUT(subca_cdp_none, cg_ext_del(s, CG_X_CRLDP))
MUT(subca_p224, key_p224(s))

MUT(ev_good, CG_CP(s, "2.23.140.1.3"), cg_subj_del(s, CG_CN), cg_subj(s, "2.5.4.15", 0, "Private Organization"),
    cg_subj(s, CG_SERIALNUM, 0x13, "C1234"), cg_subj(s, "1.3.6.1.4.1.311.60.2.1.3", 0x13, "US"),
    cg_subj(s, CG_CN, 0, "Example Corp"))
MUT(ev_no_bc, ev_good(s), cg_subj_del(s, "2.5.4.15"))
MUT(ev_no_serial, ev_good(s), cg_subj_del(s, CG_SERIALNUM))
MUT(ev_no_joi, ev_good(s), cg_subj_del(s, "1.3.6.1.4.1.311.60.2.1.3"))

static const cg_case cases[] = {
    {"e_cs_ev_business_category_missing", CG_CS, ev_no_bc, ev_good},
    {"e_cs_ev_serial_number_missing", CG_CS, ev_no_serial, ev_good},
    {"e_cs_ev_jurisdiction_country_missing", CG_CS, ev_no_joi, ev_good},
    {"e_cs_eku_required", CG_CS, eku_none, NULL},
    {"e_cs_eku_required", CG_CS, eku_code_server, NULL},
    {"w_cs_eku_other_values", CG_CS, eku_code_client, eku_code_email},
    {"w_cs_eku_other_values", CG_CS, eku_code_private, eku_code_lifetime},
    {"e_cs_timestamp_eku_required_critical", CG_TSA, tsa_eku_noncrit, NULL},
    {"e_cs_timestamp_eku_not_sole", CG_TSA, tsa_eku_more, NULL},
    {"e_cs_key_usage_required", CG_CS, ku_none, NULL},
    {"e_cs_key_usage_required", CG_TSA, ku_noncrit, NULL},
    {"e_cs_key_usage_required", CG_CS, ku_no_ds, NULL},
    {"e_cs_key_usage_required", CG_CS, ku_certsign, NULL},
    {"w_cs_key_usage_other_bits", CG_CS, ku_keyenc, NULL},
    {"e_cs_authority_information_access", CG_CS, aia_none, NULL},
    {"e_cs_authority_information_access", CG_TSA, aia_crit, NULL},
    {"e_cs_aia_missing_ca_issuers_http_url", CG_CS, aia_no_ca, NULL},
    {"e_cs_aia_missing_ca_issuers_http_url", CG_CS, aia_ca_https, NULL},
    {"e_cs_aia_ocsp_not_http", CG_CS, aia_ocsp_https, aia_no_ocsp},
    {"e_cs_crl_distribution_points", CG_CS, cdp_none, NULL},
    {"e_cs_crl_distribution_points", CG_CS, cdp_crit, NULL},
    {"e_cs_crl_distribution_points", CG_TSA, cdp_ldap, NULL},
    {"e_cs_aki_missing", CG_CS, aki_none, NULL},
    {"e_cs_ecdsa_prohibited_curve", CG_CS, key_p224, key_ec256},
    {"e_cs_ecdsa_prohibited_curve", CG_CS_SUBCA, subca_p224, NULL},
    {"e_cs_rsa_key_size", CG_CS, key_rsa2048, key_rsa3072},
    {"e_cs_rsa_key_size", CG_TSA, key_rsa2048, NULL},
    {"e_cs_ca_rsa_key_size", CG_CS_SUBCA, key_rsa3072, NULL},
    {"e_cs_public_key_type_not_allowed", CG_CS, key_ed25519, key_ec256},
    {"e_cs_max_validity_period_39_months", CG_CS, v_old_40m, v_old_39m},
    {"e_cs_max_validity_period_460_days", CG_CS, v_461, v_460},
    {"e_cs_timestamp_validity_over_135_months", CG_TSA, v_tsa_136m, NULL},
    {"e_cs_requires_org", CG_CS, no_o, NULL},
    {"e_cs_requires_org", CG_TSA, no_o, NULL},
    {"e_cs_subject_country_name", CG_CS, no_c, NULL},
    {"e_cs_subject_country_name", CG_CS, bad_c, NULL},
    {"e_cs_subject_locality_or_province_required", CG_CS, no_l_st, only_st},
    {"e_cs_subject_prohibited", CG_CS, with_dc, NULL},
    {"e_cs_subject_common_name_missing", CG_CS, no_cn, NULL},
    {"e_cs_signature_algorithm_not_supported", CG_CS, sig_sha1, sig_rsa256},
    {"e_cs_signature_algorithm_not_supported", CG_CS_SUBCA, sig_sha1, NULL},
    {"e_cs_sub_cert_is_ca", CG_CS, bc_ca, bc_ee},
    {"e_cs_sub_cert_is_ca", CG_TSA, bc_ca, NULL},
    {"e_cs_policy_missing", CG_CS, cp_private, cp_ev},
    {"e_cs_timestamp_policy_missing", CG_TSA, cp_private, NULL},
    {"e_cs_tls_policy_present", CG_CS, cp_with_dv, NULL},
    {"e_cs_serial_number_low_entropy", CG_CS, serial_7, NULL},
    {"e_cs_sub_ca_eku_prohibited", CG_CS_SUBCA, subca_eku_any, NULL},
    {"e_cs_sub_ca_key_usage", CG_CS_SUBCA, subca_ku_noncrit, NULL},
    {"e_cs_sub_ca_key_usage", CG_CS_SUBCA, subca_ku_no_crl, NULL},
    {"e_cs_sub_ca_crl_distribution_points", CG_CS_SUBCA, subca_cdp_none, NULL},
};

static void test_csbr_lints(void **state) {
  (void)state;
  assert_int_equal(cg_run_cases(cases, sizeof cases / sizeof cases[0]), 0);
}

/* The good bases parse with OpenSSL, verify under the test CA's key, and
 * trip no error-level Code Signing BR lint. */
static void test_bases_are_good(void **state) {
  (void)state;
  cg_spec *s = malloc(sizeof *s);
  const int profiles[] = {CG_CS, CG_TSA, CG_CS_SUBCA};
  for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
    cg_base(s, profiles[i]);
    size_t len;
    unsigned char *der = cg_build(s, &len);
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    assert_non_null(x);
    assert_int_equal(X509_verify(x, cg_ca_key), 1);
    /* OpenSSL agrees on the purpose */
    int want = profiles[i] == CG_CS ? XKU_CODE_SIGN : profiles[i] == CG_TSA ? XKU_TIMESTAMP : 0;
    if (want != 0)
      assert_true(X509_get_extended_key_usage(x) & (uint32_t)want);
    X509_free(x);
    for (size_t k = 0; k < casc_lint_count(); k++) {
      const casc_lint *l = casc_lint_at(k);
      if (strncmp(l->name, "e_", 2) != 0 || strcmp(l->source, CASC_LINT_SRC_CSBR) != 0)
        continue;
      char det[512];
      casc_lint_result r = cg_lint(s, l->name, det, sizeof det);
      if (r == CASC_LINT_ERROR_R || r == CASC_LINT_FATAL)
        fprintf(stderr, "base %d: %s: %s\n", profiles[i], l->name, det);
      assert_true(r != CASC_LINT_ERROR_R && r != CASC_LINT_FATAL);
    }
    free(der);
  }
  free(s);
}

extern const casc_lint casc_lints_cert_csbr[];
extern const size_t casc_lints_cert_csbr_count;

static void test_every_csbr_lint_has_a_case(void **state) {
  (void)state;
  for (size_t i = 0; i < casc_lints_cert_csbr_count; i++) {
    bool found = false;
    for (size_t j = 0; j < sizeof cases / sizeof cases[0]; j++)
      found = found || strcmp(cases[j].lint, casc_lints_cert_csbr[i].name) == 0;
    if (!found)
      fprintf(stderr, "no case for %s\n", casc_lints_cert_csbr[i].name);
    assert_true(found);
  }
}

static int teardown(void **state) {
  (void)state;
  cg_keys_free();
  free(cg_parsed);
  cg_parsed = NULL;
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csbr_lints),
      cmocka_unit_test(test_bases_are_good),
      cmocka_unit_test(test_every_csbr_lint_has_a_case),
  };
  return cmocka_run_group_tests(tests, NULL, teardown);
}
