/* S/MIME BR lints (src/lint/cert_smime_*.c): for each lint an input that
 * trips it and one that passes, generated from a good mailbox-validated
 * strict S/MIME certificate (lint_certgen.h) with one mutation. */
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
#define SMIME_AS s->profile_override = CASC_LINT_PROFILE_SMIME

MUT(eku_more, CG_EKU(s, false, CG_EKU_EMAIL, CG_EKU_CLIENT))
MUT(multipurpose, CG_CP(s, "2.23.140.1.5.1.2"))
MUT(legacy, CG_CP(s, "2.23.140.1.5.1.1"))
MUT(eku_email_server, CG_EKU(s, false, CG_EKU_EMAIL, CG_EKU_SERVER), SMIME_AS)
MUT(eku_email_client_mp, multipurpose(s), CG_EKU(s, false, CG_EKU_EMAIL, CG_EKU_CLIENT))
MUT(san_none, cg_ext_del(s, CG_X_SAN))
MUT(san_crit, cg_set_crit(s, CG_X_SAN, true))
MUT(san_dns_only, cg_san(s, false, (const cg_gn[]){{2, "example.com", 0}}, 1))
MUT(san_smtputf8, cg_san(s, false, (const cg_gn[]){{0, "alice@example.com", 0}}, 1),
    cg_subj_del(s, CG_EMAIL), cg_subj_del(s, CG_CN))
MUT(cdp_none, cg_ext_del(s, CG_X_CRLDP))
MUT(cdp_ldap, cg_crldp(s, false, "ldap://crl.example.com/cn=crl", false))
MUT(aia_https, cg_aia(s, false, "https://ocsp.example.com", "http://ca.example.com/s.der"))
MUT(legacy_aia_ldap, legacy(s), cg_aia(s, false, NULL, "ldap://ca.example.com/cn=ca"))
MUT(legacy_aia_mixed, legacy(s), cg_aia(s, false, "http://ocsp.example.com", "ldap://ca.example.com/cn=ca"))
MUT(aki_none, cg_ext_del(s, CG_X_AKI))
MUT(aki_crit, cg_set_crit(s, CG_X_AKI, true))
MUT(ku_none, cg_ext_del(s, CG_X_KU))
MUT(ku_noncrit, cg_set_crit(s, CG_X_KU, false))
MUT(ec_keyenc, cg_ku(s, true, CASC_KU_DIGITAL_SIGNATURE | CASC_KU_KEY_ENCIPHERMENT))
MUT(ec_ka, cg_ku(s, true, CASC_KU_KEY_AGREEMENT))
MUT(rsa_ka, cg_set_key(s, cg_rsa2048), cg_ku(s, true, CASC_KU_DIGITAL_SIGNATURE | CASC_KU_KEY_AGREEMENT))
MUT(rsa_dual, cg_set_key(s, cg_rsa2048), cg_ku(s, true, CASC_KU_DIGITAL_SIGNATURE | CASC_KU_KEY_ENCIPHERMENT))
MUT(two_policies, CG_CP(s, "2.23.140.1.5.1.3", "2.23.140.1.5.2.3"))
MUT(no_smime_policy, CG_CP(s, "1.3.6.1.4.1.99999.5"))
MUT(sda, cg_ext_raw(s, "2.5.29.9", false, "\x30\x0f\x30\x0d\x06\x08\x2b\x06\x01\x05\x05\x07\x09\x03\x31\x01\x00", 17))
MUT(bc_ca, cg_bc(s, true, true, -1), SMIME_AS)
MUT(bc_ee, cg_bc(s, true, false, -1))
MUT(two_emails, cg_subj(s, CG_EMAIL, 0x16, "bob@example.com"))
MUT(email_list, strcpy(cg_subj_find(s, CG_EMAIL)->val, "a@example.com,b@example.com"))
MUT(email_not_in_san, strcpy(cg_subj_find(s, CG_EMAIL)->val, "carol@example.com"))
MUT(mailbox_with_o, cg_subj(s, CG_O, 0, "Example Corp"))
MUT(cn_not_mailbox, strcpy(cg_subj_find(s, CG_CN)->val, "Alice"))
MUT(v_826, s->na = s->nb + 826 * CG_DAY - 1)
MUT(v_825, s->na = s->nb + 825 * CG_DAY - 1)

MUT(bad_country, cg_subj_del(s, CG_CN), cg_subj(s, CG_C, 0x13, "ZZ"), cg_subj(s, CG_CN, 0, "alice@example.com"))
MUT(good_country, CG_CP(s, "2.23.140.1.5.4.3"), cg_subj_del(s, CG_CN), cg_subj(s, CG_C, 0x13, "FR"),
    cg_subj(s, CG_GIVEN, 0, "Alice"), cg_subj(s, CG_CN, 0, "alice@example.com"))
MUT(individual_no_name, CG_CP(s, "2.23.140.1.5.4.3"))
MUT(individual_pseudonym, CG_CP(s, "2.23.140.1.5.4.3"), cg_subj(s, "2.5.4.65", 0, "Al"))
MUT(qc_crit, cg_ext_raw(s, "1.3.6.1.5.5.7.1.3", true, "\x30\x0a\x30\x08\x06\x06\x04\x00\x8e\x46\x01\x01", 12))
MUT(qc_noncrit, cg_ext_raw(s, "1.3.6.1.5.5.7.1.3", false, "\x30\x0a\x30\x08\x06\x06\x04\x00\x8e\x46\x01\x01", 12))

static void cdp_http_and_ldap(cg_spec *s) {
  /* two distribution points: http and ldap */
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  const char *uris[] = {"http://crl.example.com/s.crl", "ldap://crl.example.com/cn=crl"};
  for (int i = 0; i < 2; i++) {
    casc_der_begin(&b, CASC_DER_SEQUENCE);
    casc_der_begin(&b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0);
    casc_der_begin(&b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0);
    casc_der_tlv(&b, CASC_DER_CONTEXT | 6, uris[i], strlen(uris[i]));
    casc_der_end(&b);
    casc_der_end(&b);
    casc_der_end(&b);
  }
  casc_der_end(&b);
  cg_ext_put(s, CG_X_CRLDP, false, &b);
}
MUT(cdp_mixed_legacy, legacy(s), cdp_http_and_ldap(s))

static const cg_case cases[] = {
    {"e_subscribers_crl_distribution_points_are_http", CG_SMIME, cdp_http_and_ldap, cdp_mixed_legacy},
    {"e_subject_country_name", CG_SMIME, bad_country, good_country},
    {"e_invalid_individual_identity", CG_SMIME, individual_no_name, individual_pseudonym},
    {"e_smime_qc_statements_must_not_be_critical", CG_SMIME, qc_crit, qc_noncrit},
    {"e_smime_strict_eku_check", CG_SMIME, eku_more, NULL},
    {"e_smime_eku_check", CG_SMIME, eku_email_server, eku_email_client_mp},
    {"e_san_shall_be_present", CG_SMIME, san_none, NULL},
    {"w_san_should_not_be_critical", CG_SMIME, san_crit, NULL},
    {"e_smime_san_no_mailbox", CG_SMIME, san_dns_only, san_smtputf8},
    {"e_subscribers_shall_have_crl_distribution_points", CG_SMIME, cdp_none, NULL},
    {"e_subscribers_crl_distribution_points_are_http", CG_SMIME, cdp_ldap, NULL},
    {"e_smime_strict_aia_shall_have_http_only", CG_SMIME, aia_https, NULL},
    {"e_smime_legacy_aia_shall_have_one_http", CG_SMIME, legacy_aia_ldap, legacy_aia_mixed},
    {"e_authority_key_identifier_correct", CG_SMIME, aki_none, NULL},
    {"e_authority_key_identifier_correct", CG_SMIME, aki_crit, NULL},
    {"e_key_usage_presence", CG_SMIME, ku_none, NULL},
    {"w_key_usage_criticality", CG_SMIME, ku_noncrit, NULL},
    {"e_smime_ec_key_usage", CG_SMIME, ec_keyenc, ec_ka},
    {"e_smime_rsa_key_usage", CG_SMIME, rsa_ka, rsa_dual},
    {"e_exactly_one_smime_policy", CG_SMIME, two_policies, NULL},
    {"e_exactly_one_smime_policy", CG_SMIME, no_smime_policy, NULL},
    {"e_strict_multipurpose_smime_ext_subject_directory_attr", CG_SMIME, sda, NULL},
    {"e_smime_sub_cert_is_ca", CG_SMIME, bc_ca, bc_ee},
    {"e_single_email_subject_if_present", CG_SMIME, two_emails, NULL},
    {"e_single_email_subject_if_present", CG_SMIME, email_list, NULL},
    {"e_mailbox_address_shall_contain_an_rfc822_name", CG_SMIME, email_not_in_san, NULL},
    {"e_mailbox_validated_enforce_subject_field_restrictions", CG_SMIME, mailbox_with_o, NULL},
    {"e_commonname_mailbox_validated", CG_SMIME, cn_not_mailbox, NULL},
    {"e_smime_validity_over_825_days", CG_SMIME, v_826, v_825},
};

static void test_smime_lints(void **state) {
  (void)state;
  assert_int_equal(cg_run_cases(cases, sizeof cases / sizeof cases[0]), 0);
}

/* The good base parses with OpenSSL, verifies, is an S/MIME certificate to
 * OpenSSL too, and trips no error-level S/MIME BR lint. */
static void test_base_is_good(void **state) {
  (void)state;
  cg_spec *s = malloc(sizeof *s);
  cg_base(s, CG_SMIME);
  size_t len;
  unsigned char *der = cg_build(s, &len);
  const unsigned char *p = der;
  X509 *x = d2i_X509(NULL, &p, (long)len);
  assert_non_null(x);
  assert_int_equal(X509_verify(x, cg_ca_key), 1);
  assert_true(X509_get_extended_key_usage(x) & XKU_SMIME);
  X509_free(x);
  for (size_t k = 0; k < casc_lint_count(); k++) {
    const casc_lint *l = casc_lint_at(k);
    if (strncmp(l->name, "e_", 2) != 0 || strcmp(l->source, CASC_LINT_SRC_SMIMEBR) != 0)
      continue;
    char det[512];
    casc_lint_result r = cg_lint(s, l->name, det, sizeof det);
    if (r == CASC_LINT_ERROR_R || r == CASC_LINT_FATAL)
      fprintf(stderr, "%s: %s\n", l->name, det);
    assert_true(r != CASC_LINT_ERROR_R && r != CASC_LINT_FATAL);
  }
  free(der);
  free(s);
}

extern const casc_lint casc_lints_cert_smime[];
extern const size_t casc_lints_cert_smime_count;

static void test_every_smime_lint_has_a_case(void **state) {
  (void)state;
  for (size_t i = 0; i < casc_lints_cert_smime_count; i++) {
    bool found = false;
    for (size_t j = 0; j < sizeof cases / sizeof cases[0]; j++)
      found = found || strcmp(cases[j].lint, casc_lints_cert_smime[i].name) == 0;
    if (!found)
      fprintf(stderr, "no case for %s\n", casc_lints_cert_smime[i].name);
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
      cmocka_unit_test(test_smime_lints),
      cmocka_unit_test(test_base_is_good),
      cmocka_unit_test(test_every_smime_lint_has_a_case),
  };
  return cmocka_run_group_tests(tests, NULL, teardown);
}
