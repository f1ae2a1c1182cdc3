/* TLS Baseline Requirements lints (src/lint/cert_br_*.c): for each lint an
 * input that trips it and one that passes, both generated here from a good
 * certificate of the lint's profile (lint_certgen.h) with one mutation.
 * The good bases themselves are checked with OpenSSL: they parse and their
 * signatures verify under the test CA's key. */
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

/* --- validity, serial ------------------------------------------------------------------- */
MUT(days_398, s->nb = CASC_BR_DATE(2025, 6, 1), s->na = s->nb + 398 * CG_DAY - 1)
MUT(days_398_2025, s->nb = CASC_BR_DATE(2025, 6, 1), s->na = s->nb + 399 * CG_DAY - 1)
MUT(days_201, s->na = s->nb + 201 * CG_DAY - 1)
MUT(days_200, s->na = s->nb + 200 * CG_DAY - 1)
MUT(days_101_2027, s->nb = CASC_BR_DATE(2027, 4, 1), s->na = s->nb + 101 * CG_DAY - 1)
MUT(days_100_2027, s->nb = CASC_BR_DATE(2027, 4, 1), s->na = s->nb + 100 * CG_DAY - 1)
MUT(days_99_2027, s->nb = CASC_BR_DATE(2027, 4, 1), s->na = s->nb + 99 * CG_DAY - 1)
MUT(days_46_2029, s->nb = CASC_BR_DATE(2029, 4, 1), s->na = s->nb + 46 * CG_DAY - 1)
MUT(days_48_2029, s->nb = CASC_BR_DATE(2029, 4, 1), s->na = s->nb + 48 * CG_DAY - 1)
MUT(days_47_2029, s->nb = CASC_BR_DATE(2029, 4, 1), s->na = s->nb + 47 * CG_DAY - 1)
MUT(days_826, s->na = s->nb + 826 * CG_DAY - 1)
MUT(months_40, s->na = s->nb + 1220 * CG_DAY)
MUT(root_short, s->na = s->nb + 2000 * CG_DAY)
MUT(serial_7, s->serial_len = 7)
MUT(serial_8, s->serial_len = 8)
MUT(serial_20_high, s->serial_len = 20, s->serial[0] = 0x80)
MUT(serial_20_low, s->serial_len = 20, s->serial[0] = 0x7f)

/* --- algorithms --------------------------------------------------------------------------- */
MUT(sig_ecdsa_params, CG_SIGALG(s, "\x30\x0c\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x02\x05\x00"))
MUT(sig_sha1_rsa, CG_SIGALG(s, "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x05\x05\x00"))
MUT(sig_rsa_sha256, CG_SIGALG(s, "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b\x05\x00"))
MUT(sig_rsa_no_null, CG_SIGALG(s, "\x30\x0b\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b"))
MUT(sig_sha1_2016, sig_sha1_rsa(s), s->nb = CASC_BR_DATE(2015, 6, 1), s->na = s->nb + 700 * CG_DAY)
MUT(sig_sha1_old, sig_sha1_rsa(s), s->nb = CASC_BR_DATE(2015, 6, 1), s->na = CASC_BR_DATE(2016, 6, 1))
static void spki_rsa_no_null(cg_spec *s) {
  static const unsigned char n[] = {0x00, 0xc1, 0x01};
  cg_set_rsa_raw(s, n, sizeof n, (const unsigned char *)"\x01\x00\x01", 3);
  /* drop the NULL: 30 0d 06 09 ... 05 00 -> 30 0b 06 09 ... */
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_raw(&b, "\x30\x0b", 2);
  casc_der_raw(&b, s->spki + 4, 11);
  casc_der_raw(&b, s->spki + 17, s->spki_len - 17);
  casc_der_end(&b);
  memcpy(s->spki, b.data, b.len);
  s->spki_len = b.len;
  casc_der_buf_free(&b);
}

/* --- names --------------------------------------------------------------------------------- */
#define SAN1(v) CG_SAN(s, CG_DNS("www.example.com"), CG_DNS(v))
MUT(dns_bad_char, SAN1("exa$mple.com"))
MUT(dns_empty_label, SAN1("a..example.com"))
MUT(dns_label_long, SAN1("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com"))
MUT(dns_hyphen_sld, SAN1("www.-example.com"))
MUT(dns_us_sld, SAN1("www.ex_ample.com"))
MUT(dns_us_trd, SAN1("w_w.example.com"))
MUT(dns_wild_partial, SAN1("w*.example.com"))
MUT(dns_wild_ok, SAN1("*.example.com"))
MUT(dns_wild_not_first, SAN1("www.*.example.com"))
MUT(dns_bare_wild, SAN1("*.com"))
static void dns_nul(cg_spec *s) { CG_SAN(s, CG_DNS("www.example.com"), {2, "ex\0ample.com", 12}); }
MUT(dns_period, SAN1(".example.com"))
static void dns_too_long(cg_spec *s) {
  static char name[300];
  memset(name, 0, sizeof name);
  for (int i = 0; i < 5; i++)
    strcat(name, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.");
  strcat(name, "example.com");
  SAN1(name);
}
MUT(dns_space, SAN1("www example.com"))
MUT(dns_rldh, SAN1("ab--cd.example.com"))
MUT(dns_bad_alabel, SAN1("xn--zz9.example.com"))
MUT(dns_good_alabel2, SAN1("xn--bcher-kva.de"))
MUT(dns_internal, SAN1("server.local"))
MUT(dns_internal2, SAN1("intranet"))
MUT(dns_arpa, SAN1("4.3.2.1.in-addr.arpa"))
MUT(dns_ip, SAN1("192.0.2.7"))
MUT(san_reserved_ip, CG_SAN(s, CG_DNS("www.example.com"), CG_IP("10.1.2.3")))
MUT(san_public_ip, CG_SAN(s, CG_DNS("www.example.com"), CG_IP("8.8.8.8")))
MUT(san_reserved_ip6, CG_SAN(s, CG_DNS("www.example.com"), CG_IP("fe80::1")))
MUT(cn_reserved_ip, cg_subj_find(s, CG_CN)->val[0] = 0; strcpy(cg_subj_find(s, CG_CN)->val, "192.168.1.1"))
MUT(cn_public_ip, strcpy(cg_subj_find(s, CG_CN)->val, "8.8.8.8"),
    CG_SAN(s, CG_DNS("www.example.com"), CG_IP("8.8.8.8")))
MUT(no_san, cg_ext_del(s, CG_X_SAN))
MUT(san_dirname, CG_SAN(s, CG_DNS("www.example.com"), {4, "Someone", 0}))
MUT(san_edi, CG_SAN(s, CG_DNS("www.example.com"), {5, "edi", 0}))
MUT(san_other, CG_SAN(s, CG_DNS("www.example.com"), {0, "someone@example.com", 0}))
MUT(san_rid, CG_SAN(s, CG_DNS("www.example.com"), {8, "1.2.3.4", 0}))
MUT(san_email, CG_SAN(s, CG_DNS("www.example.com"), {1, "someone@example.com", 0}))
MUT(san_uri, CG_SAN(s, CG_DNS("www.example.com"), {6, "https://example.com/", 0}))
MUT(san_x400, CG_SAN(s, CG_DNS("www.example.com"), {3, "x400", 0}))
MUT(san_critical, cg_set_crit(s, CG_X_SAN, true))
MUT(cn_not_in_san, strcpy(cg_subj_find(s, CG_CN)->val, "other.example.com"))
MUT(cn_case, strcpy(cg_subj_find(s, CG_CN)->val, "WWW.example.com"))
MUT(no_cn, cg_subj_del(s, CG_CN))
MUT(two_cn, cg_subj(s, CG_CN, 0x0c, "example.com"))
MUT(ov_subject, cg_subj_del(s, CG_CN), cg_subj(s, CG_C, 0x13, "US"), cg_subj(s, CG_ST, 0, "California"),
    cg_subj(s, CG_L, 0, "San Francisco"), cg_subj(s, CG_O, 0, "Example Corp"),
    cg_subj(s, CG_CN, 0, "www.example.com"))
MUT(dv_with_o, cg_subj(s, CG_O, 0, "Example Corp"))
MUT(dv_with_l, cg_subj(s, CG_L, 0, "Paris"))
MUT(dv_with_st, cg_subj(s, CG_ST, 0, "Ile-de-France"))
MUT(dv_with_street, cg_subj(s, CG_STREET, 0, "1 Main Street"))
MUT(dv_with_postal, cg_subj(s, CG_POSTAL, 0, "75001"))
MUT(dv_with_serial, cg_subj(s, CG_SERIALNUM, 0x13, "1234"))
MUT(dv_with_c, cg_subj_del(s, CG_CN), cg_subj(s, CG_C, 0x13, "US"), cg_subj(s, CG_CN, 0, "www.example.com"))
MUT(ov_policy, CG_CP(s, "2.23.140.1.2.2"))
MUT(ov_good, ov_policy(s), ov_subject(s))
MUT(ov_no_o, ov_good(s), cg_subj_del(s, CG_O))
MUT(ov_no_c, ov_good(s), cg_subj_del(s, CG_C))
MUT(ov_no_l_st, ov_good(s), cg_subj_del(s, CG_L), cg_subj_del(s, CG_ST))
MUT(iv_policy, CG_CP(s, "2.23.140.1.2.3"))
MUT(iv_good, iv_policy(s), ov_subject(s))
MUT(iv_no_o, iv_good(s), cg_subj_del(s, CG_O))
MUT(iv_no_c, iv_good(s), cg_subj_del(s, CG_C))
MUT(iv_no_l_st, iv_good(s), cg_subj_del(s, CG_L), cg_subj_del(s, CG_ST))
MUT(given_ov, ov_good(s), cg_subj_del(s, CG_CN), cg_subj(s, CG_GIVEN, 0, "Ann"), cg_subj(s, CG_CN, 0, "www.example.com"))
MUT(given_iv, iv_good(s), cg_subj_del(s, CG_CN), cg_subj(s, CG_GIVEN, 0, "Ann"), cg_subj(s, CG_CN, 0, "www.example.com"))
MUT(noid_policy, CG_CP(s, "1.3.6.1.4.1.99999.1"))
MUT(l_without_o, noid_policy(s), cg_subj_del(s, CG_CN), cg_subj(s, CG_L, 0, "Paris"), cg_subj(s, CG_CN, 0, "www.example.com"))
MUT(st_without_o, noid_policy(s), cg_subj_del(s, CG_CN), cg_subj(s, CG_ST, 0, "Paris"), cg_subj(s, CG_CN, 0, "www.example.com"))
MUT(postal_without_o, noid_policy(s), cg_subj_del(s, CG_CN), cg_subj(s, CG_POSTAL, 0, "75001"), cg_subj(s, CG_CN, 0, "www.example.com"))
MUT(street_without_o, noid_policy(s), cg_subj_del(s, CG_CN), cg_subj(s, CG_STREET, 0, "1 Main"), cg_subj(s, CG_CN, 0, "www.example.com"))
MUT(o_without_c, ov_good(s), cg_subj_del(s, CG_C))
MUT(ou_without_o, noid_policy(s), cg_subj_del(s, CG_CN), cg_subj(s, CG_OU, 0, "IT"), cg_subj(s, CG_CN, 0, "www.example.com"))
MUT(ou_with_o, ov_good(s), cg_subj_del(s, CG_CN), cg_subj(s, CG_OU, 0, "IT"), cg_subj(s, CG_CN, 0, "www.example.com"))
MUT(country_bad, ov_good(s), strcpy(cg_subj_find(s, CG_C)->val, "UK"))
MUT(country_xx, ov_good(s), strcpy(cg_subj_find(s, CG_C)->val, "XX"))
MUT(noninfo, ov_good(s), strcpy(cg_subj_find(s, CG_L)->val, "."))
MUT(dup_attr, ov_good(s), cg_subj_del(s, CG_CN), cg_subj(s, CG_O, 0, "Other"), cg_subj(s, CG_CN, 0, "www.example.com"))
MUT(multi_rdn, ov_good(s), s->subj[2].same_rdn = true)
MUT(bad_order, ov_good(s), cg_subj_del(s, CG_C), cg_subj(s, CG_C, 0x13, "US"))
MUT(bad_encoding, ov_good(s), cg_subj_find(s, CG_C)->tag = 0x0c)
MUT(bad_encoding_o, ov_good(s), cg_subj_find(s, CG_O)->tag = 0x1e)
MUT(ca_no_cn, cg_subj_del(s, CG_CN))
MUT(ca_no_c, cg_subj_del(s, CG_C))
MUT(ca_bad_c, strcpy(cg_subj_find(s, CG_C)->val, "ZZ"))
MUT(ca_no_o, cg_subj_del(s, CG_O))
MUT(ca_ou, cg_subj_del(s, CG_CN), cg_subj(s, CG_OU, 0, "PKI"), cg_subj(s, CG_CN, 0, "Test Issuing CA"))


/* --- profiles ------------------------------------------------------------------------------ */
MUT(key_ec384, cg_set_key(s, cg_ec384))
MUT(add_eku_server, CG_EKU(s, false, CG_EKU_SERVER))
MUT(del_ku, cg_ext_del(s, CG_X_KU))
MUT(ku_not_crit, cg_set_crit(s, CG_X_KU, false))
MUT(root_pathlen, cg_bc(s, true, true, 1))
MUT(add_cp_dv, CG_CP(s, "2.23.140.1.2.1"))
MUT(bc_not_ca, cg_bc(s, true, false, -1), s->profile_override = CASC_LINT_PROFILE_SUBCA)
static void aki_with_issuer(cg_spec *s) {
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_tlv(&b, CASC_DER_CONTEXT | 0, "01234567890123456789", 20);
  casc_der_begin(&b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 1);
  cg_gn_write(&b, &(cg_gn){4, "Test Root CA", 0});
  casc_der_end(&b);
  casc_der_tlv(&b, CASC_DER_CONTEXT | 2, "\x01", 1);
  casc_der_end(&b);
  cg_ext_put(s, CG_X_AKI, false, &b);
  if (s->profile == CG_ROOT)
    s->profile_override = CASC_LINT_PROFILE_ROOT;
}
MUT(ku_ca_no_certsign, cg_ku(s, true, CASC_KU_CRL_SIGN))
MUT(ku_ca_no_crlsign, cg_ku(s, true, CASC_KU_KEY_CERT_SIGN))
MUT(ku_ca_with_ds, cg_ku(s, true, CASC_KU_KEY_CERT_SIGN | CASC_KU_CRL_SIGN | CASC_KU_DIGITAL_SIGNATURE))
MUT(ku_ca_keyenc, cg_ku(s, true, CASC_KU_KEY_CERT_SIGN | CASC_KU_CRL_SIGN | CASC_KU_KEY_ENCIPHERMENT))
MUT(aia_ldap_ca, cg_aia(s, false, "http://ocsp.example.com", "ldap://ca.example.com/cn=ca"))
MUT(aia_crit, cg_set_crit(s, CG_X_AIA, true))
MUT(aia_none, cg_ext_del(s, CG_X_AIA))
MUT(aia_ocsp_only, cg_aia(s, false, "http://ocsp.example.com", NULL))
MUT(cdp_none, cg_ext_del(s, CG_X_CRLDP))
MUT(cdp_crit, cg_set_crit(s, CG_X_CRLDP, true))
MUT(cdp_ldap, cg_crldp(s, false, "ldap://crl.example.com/cn=crl", false))
MUT(cdp_issuer, cg_crldp(s, false, "http://crl.example.com/1.crl", true))
MUT(cp_none, cg_ext_del(s, CG_X_CP))
MUT(cp_crit, cg_set_crit(s, CG_X_CP, true))
MUT(eku_crit, cg_set_crit(s, CG_X_EKU, true))
MUT(eku_any, CG_EKU(s, false, CG_EKU_SERVER, CG_EKU_ANY))
MUT(eku_server_code, CG_EKU(s, false, CG_EKU_SERVER, CG_EKU_CODE))
MUT(eku_none, cg_ext_del(s, CG_X_EKU), s->profile_override = s->profile == CG_TLS ? CASC_LINT_PROFILE_TLS : CASC_LINT_PROFILE_AUTO)
MUT(nc_noncrit, cg_ext_raw(s, CG_X_NC, false, "\x30\x0f\xa0\x0d\x30\x0b\x82\x09\x65\x78\x61\x6d\x70\x6c\x65\x2e\x63", 17))
MUT(nc_crit, cg_ext_raw(s, CG_X_NC, true, "\x30\x0f\xa0\x0d\x30\x0b\x82\x09\x65\x78\x61\x6d\x70\x6c\x65\x2e\x63", 17))
MUT(cp_dv_ov, CG_CP(s, "2.23.140.1.2.1", "2.23.140.1.2.2"))
MUT(cp_any_and_dv, CG_CP(s, "2.5.29.32.0", "2.23.140.1.2.1"))
MUT(cp_any, CG_CP(s, "2.5.29.32.0"))
MUT(old_no_ocsp, s->nb = CASC_BR_DATE(2023, 1, 10), s->na = s->nb + 90 * CG_DAY,
    cg_aia(s, false, NULL, "http://ca.example.com/issuing.der"))
MUT(old_with_ocsp, s->nb = CASC_BR_DATE(2023, 1, 10), s->na = s->nb + 90 * CG_DAY)
MUT(aia_ocsp_ftp, cg_aia(s, false, "ftp://ocsp.example.com", "http://ca.example.com/i.der"))
MUT(aia_ca_https, cg_aia(s, false, "http://ocsp.example.com", "https://ca.example.com/i.der"))
static void aia_other_method(cg_spec *s) {
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_oid(&b, "1.3.6.1.5.5.7.48.5");
  casc_der_tlv(&b, CASC_DER_CONTEXT | 6, "http://repo.example.com/", 24);
  casc_der_end(&b);
  casc_der_end(&b);
  cg_ext_put(s, CG_X_AIA, false, &b);
}
MUT(aia_dup, cg_aia(s, false, "http://ca.example.com/i.der", "http://ca.example.com/i.der"),
    cg_aia(s, false, "http://ocsp.example.com", "http://ocsp.example.com"))
static void aia_two_same_ocsp(cg_spec *s) {
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  for (int i = 0; i < 2; i++) {
    casc_der_begin(&b, CASC_DER_SEQUENCE);
    casc_der_oid(&b, "1.3.6.1.5.5.7.48.1");
    casc_der_tlv(&b, CASC_DER_CONTEXT | 6, "http://ocsp.example.com", 23);
    casc_der_end(&b);
  }
  casc_der_end(&b);
  cg_ext_put(s, CG_X_AIA, false, &b);
}
MUT(no_revocation, cg_ext_del(s, CG_X_CRLDP), cg_aia(s, false, NULL, "http://ca.example.com/i.der"))
MUT(short_lived, no_revocation(s), s->na = s->nb + 6 * CG_DAY)
MUT(cp_private, CG_CP(s, "1.3.6.1.4.1.99999.1"))
static void cps_ftp(cg_spec *s) {
  cg_cp(s, false, (const char *const[]){"2.23.140.1.2.1", NULL}, "ftp://cps.example.com/", false);
}
static void cps_https(cg_spec *s) {
  cg_cp(s, false, (const char *const[]){"2.23.140.1.2.1", NULL}, "https://cps.example.com/", false);
}
static void cp_unotice(cg_spec *s) {
  cg_cp(s, false, (const char *const[]){"2.23.140.1.2.1", NULL}, "https://cps.example.com/", true);
}
MUT(eku_client_only, CG_EKU(s, false, CG_EKU_CLIENT), s->profile_override = CASC_LINT_PROFILE_TLS)
MUT(eku_server_email, CG_EKU(s, false, CG_EKU_SERVER, CG_EKU_EMAIL))
MUT(eku_server_other, CG_EKU(s, false, CG_EKU_SERVER, "1.3.6.1.4.1.99999.7"))
MUT(eku_email_only, CG_EKU(s, false, CG_EKU_EMAIL), s->profile_override = CASC_LINT_PROFILE_TLS)
MUT(bc_ca_true, cg_bc(s, true, true, -1), s->profile_override = CASC_LINT_PROFILE_TLS)
MUT(bc_noncrit, cg_bc(s, false, false, -1))
MUT(ku_certsign, cg_ku(s, true, CASC_KU_DIGITAL_SIGNATURE | CASC_KU_KEY_CERT_SIGN))
MUT(ku_crlsign, cg_ku(s, true, CASC_KU_DIGITAL_SIGNATURE | CASC_KU_CRL_SIGN))
MUT(add_ski, cg_keyid(s, CG_X_SKI, 0x55))
MUT(del_aki, cg_ext_del(s, CG_X_AKI))
MUT(add_sct, cg_ext_raw(s, CG_X_SCT, false, "\x04\x02\x00\x00", 4))
MUT(poison_value, cg_ext_raw(s, CG_X_POISON, true, "\x04\x00", 2))
MUT(ocsp_cdp, cg_crldp(s, false, "http://crl.example.com/1.crl", false))
MUT(ocsp_cp, CG_CP(s, "2.23.140.1.2.1"))
MUT(ocsp_ku_more, cg_ku(s, true, CASC_KU_DIGITAL_SIGNATURE | CASC_KU_NON_REPUDIATION))
MUT(no_nocheck, cg_ext_del(s, CG_X_NOCHECK))
MUT(ocsp_eku_more, CG_EKU(s, false, CG_EKU_OCSP, CG_EKU_CLIENT))
MUT(ocsp_bc_ca, cg_bc(s, true, true, 0), s->profile_override = CASC_LINT_PROFILE_OCSP_SIGNER)


/* --- EV, IV strict, Mozilla ----------------------------------------------------------------- */
MUT(ev_good, CG_CP(s, "2.23.140.1.1"), cg_subj_del(s, CG_CN),
    cg_subj(s, "1.3.6.1.4.1.311.60.2.1.3", 0x13, "US"), cg_subj(s, "2.5.4.15", 0, "Private Organization"),
    cg_subj(s, CG_SERIALNUM, 0x13, "C1234567"), cg_subj(s, CG_C, 0x13, "US"),
    cg_subj(s, CG_ST, 0, "California"), cg_subj(s, CG_O, 0, "Example Corp"),
    cg_subj(s, CG_CN, 0, "www.example.com"))
MUT(ev_no_o, ev_good(s), cg_subj_del(s, CG_O))
MUT(ev_no_bc, ev_good(s), cg_subj_del(s, "2.5.4.15"))
MUT(ev_bad_bc, ev_good(s), strcpy(cg_subj_find(s, "2.5.4.15")->val, "Small Business"))
MUT(ev_no_c, ev_good(s), cg_subj_del(s, CG_C))
MUT(ev_no_serial, ev_good(s), cg_subj_del(s, CG_SERIALNUM))
MUT(ev_no_joi, ev_good(s), cg_subj_del(s, "1.3.6.1.4.1.311.60.2.1.3"))
MUT(ev_ip, ev_good(s), CG_SAN(s, CG_DNS("www.example.com"), CG_IP("8.8.8.8")))
MUT(ev_wild, ev_good(s), CG_SAN(s, CG_DNS("www.example.com"), CG_DNS("*.example.com")))
MUT(ev_wild_onion, ev_good(s), CG_SAN(s, CG_DNS("www.example.com"),
    CG_DNS("*.pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion")))
MUT(ev_long, ev_good(s), s->na = s->nb + 830 * CG_DAY)
MUT(iv_names, iv_good(s), cg_subj_del(s, CG_CN), cg_subj_del(s, CG_O), cg_subj(s, CG_SURNAME, 0, "Doe"),
    cg_subj(s, CG_GIVEN, 0, "Ann"), cg_subj(s, CG_CN, 0, "www.example.com"))
MUT(spki_p521, { EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521"); cg_set_key(s, k); EVP_PKEY_free(k); })
MUT(sig_ecdsa_512, CG_SIGALG(s, "\x30\x0a\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x04"))
MUT(sig_ecdsa_384, CG_SIGALG(s, "\x30\x0a\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x03"))
#define PSS_SHA256 "\x30\x41\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0a\x30\x34\xa0\x0f\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\xa1\x1c\x30\x1a\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x08\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\xa2\x03\x02\x01\x20"
#define PSS_BAD_SALT "\x30\x41\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0a\x30\x34\xa0\x0f\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\xa1\x1c\x30\x1a\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x08\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\xa2\x03\x02\x01\x40"
MUT(sig_pss_good, CG_SIGALG(s, PSS_SHA256))
MUT(sig_pss_bad, CG_SIGALG(s, PSS_BAD_SALT))
MUT(rsa_1024, { EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024); cg_set_key(s, k); EVP_PKEY_free(k); })
MUT(rsa_2048_key, cg_set_key(s, cg_rsa2048))
MUT(subca_eku_tls_email, CG_EKU(s, false, CG_EKU_SERVER, CG_EKU_EMAIL))

MUT(precert_ca_good, CG_EKU(s, false, "1.3.6.1.4.1.11129.2.4.4"))
MUT(precert_ca_bad, CG_EKU(s, false, "1.3.6.1.4.1.11129.2.4.4", CG_EKU_SERVER))


/* --- name constraints, onion, other extensions ------------------------------------------------- */
/* nameConstraints from a permitted and an excluded list of GeneralNames
 * (type 2 dNSName text, type 7 "a.b.c.d/len" or "v6/len"). */
static void nc_put(cg_spec *s, const cg_gn *perm, size_t np, const cg_gn *excl, size_t nx) {
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  for (int k = 0; k < 2; k++) {
    const cg_gn *list = k == 0 ? perm : excl;
    size_t n = k == 0 ? np : nx;
    if (n == 0)
      continue;
    casc_der_begin(&b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | (unsigned)k);
    for (size_t i = 0; i < n; i++) {
      casc_der_begin(&b, CASC_DER_SEQUENCE);
      if (list[i].type == 7) {
        char addr[64];
        snprintf(addr, sizeof addr, "%s", list[i].val);
        char *slash = strchr(addr, '/');
        unsigned plen = (unsigned)atoi(slash + 1);
        *slash = '\0';
        unsigned char v[32] = {0};
        size_t alen = strchr(addr, ':') ? 16 : 4;
        inet_pton(alen == 4 ? AF_INET : AF_INET6, addr, v);
        for (unsigned bit = 0; bit < plen; bit++)
          v[alen + bit / 8] |= (unsigned char)(0x80 >> (bit % 8));
        casc_der_tlv(&b, CASC_DER_CONTEXT | 7, v, 2 * alen);
      } else {
        cg_gn_write(&b, &list[i]);
      }
      casc_der_end(&b);
    }
    casc_der_end(&b);
  }
  casc_der_end(&b);
  cg_ext_put(s, CG_X_NC, true, &b);
}
static void nc_good(cg_spec *s) {
  nc_put(s, (const cg_gn[]){{2, "example.com", 0}}, 1,
         (const cg_gn[]){{7, "0.0.0.0/0", 0}, {7, "::/0", 0}}, 2);
}
static void nc_permit_private_ip(cg_spec *s) {
  nc_put(s, (const cg_gn[]){{2, "example.com", 0}, {7, "10.0.0.0/8", 0}}, 2, NULL, 0);
}
static void nc_permit_public_ip(cg_spec *s) {
  nc_put(s, (const cg_gn[]){{2, "example.com", 0}, {7, "8.8.8.0/24", 0}}, 2, NULL, 0);
}
static void nc_no_ip_exclusion(cg_spec *s) {
  nc_put(s, (const cg_gn[]){{2, "example.com", 0}}, 1, (const cg_gn[]){{7, "0.0.0.0/0", 0}}, 1);
}
static void nc_ip_only(cg_spec *s) {
  nc_put(s, (const cg_gn[]){{7, "8.8.8.0/24", 0}}, 1, NULL, 0);
}
static void nc_ip_only_dns_excluded(cg_spec *s) {
  nc_put(s, (const cg_gn[]){{7, "8.8.8.0/24", 0}}, 1, (const cg_gn[]){{2, "", 0}}, 1);
}
MUT(onion_good, CG_SAN(s, CG_DNS("www.example.com"),
    CG_DNS("pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion")))
MUT(onion_bare, CG_SAN(s, CG_DNS("www.example.com"), CG_DNS("ONION")))
MUT(onion_v2, CG_SAN(s, CG_DNS("www.example.com"), CG_DNS("expyuzz4wqqyqhjn.onion")))
MUT(other_ext, cg_ext_raw(s, "1.3.6.1.4.1.99999.9", false, "\x05\x00", 2))


/* --- root and OCSP responder tables --------------------------------------------------------- */
MUT(noop, (void)0)
MUT(root_aki, cg_keyid(s, CG_X_AKI, 0xb2))
MUT(private_ext, cg_ext_raw(s, "1.3.6.1.4.1.99999.9", false, "\x05\x00", 2))
MUT(nocheck_value, cg_ext_raw(s, CG_X_NOCHECK, false, "\x04\x00", 2))
MUT(nocheck_crit, cg_set_crit(s, CG_X_NOCHECK, true))
MUT(ocsp_bc_noncrit, cg_bc(s, false, false, -1))
MUT(ocsp_bc_crit, cg_bc(s, true, false, -1))
MUT(ocsp_san, CG_SAN(s, CG_DNS("ocsp.example.com")))
MUT(ocsp_aia, cg_aia(s, false, NULL, "http://ca.example.com/issuing.der"))

static const cg_case cases[] = {
    {"w_root_ca_aki_missing", CG_ROOT, noop, root_aki},
    {"w_root_ca_other_extension", CG_ROOT, private_ext, NULL},
    {"w_sub_ca_other_extension", CG_SUBCA, private_ext, nc_good},
    {"w_sub_ca_eku_extra_values", CG_SUBCA, eku_server_other, NULL},
    {"e_sub_ca_reserved_policy_missing", CG_SUBCA, cp_private, cp_any},
    {"e_ocsp_cert_nocheck_not_null", CG_OCSP, nocheck_value, NULL},
    {"e_ocsp_cert_nocheck_critical", CG_OCSP, nocheck_crit, NULL},
    {"e_ocsp_cert_key_usage_not_critical", CG_OCSP, ku_not_crit, NULL},
    {"e_ocsp_cert_basic_constraints_not_critical", CG_OCSP, ocsp_bc_noncrit, ocsp_bc_crit},
    {"e_ocsp_cert_san_present", CG_OCSP, ocsp_san, NULL},
    {"w_ocsp_cert_aia_present", CG_OCSP, ocsp_aia, NULL},
    {"w_ocsp_cert_other_extension", CG_OCSP, private_ext, NULL},
    {"e_ext_nc_intersects_reserved_ip", CG_SUBCA, nc_permit_private_ip, nc_permit_public_ip},
    {"e_br_nc_ip_not_excluded", CG_SUBCA, nc_no_ip_exclusion, nc_good},
    {"e_br_nc_dns_not_excluded", CG_SUBCA, nc_ip_only, nc_ip_only_dns_excluded},
    {"e_san_dns_name_onion_invalid", CG_TLS, onion_v2, onion_good},
    {"e_san_dns_name_onion_invalid", CG_TLS, onion_bare, NULL},
    {"w_br_sub_cert_other_extension", CG_TLS, other_ext, NULL},
    {"e_precert_signing_ca_eku_not_sole", CG_SUBCA, precert_ca_bad, precert_ca_good},
    /* EV, IV strict, Mozilla */
    {"e_ev_organization_name_missing", CG_TLS, ev_no_o, ev_good},
    {"e_ev_business_category_missing", CG_TLS, ev_no_bc, ev_good},
    {"e_ev_invalid_business_category", CG_TLS, ev_bad_bc, ev_good},
    {"e_ev_country_name_missing", CG_TLS, ev_no_c, ev_good},
    {"e_ev_serial_number_missing", CG_TLS, ev_no_serial, ev_good},
    {"e_ev_jurisdiction_country_missing", CG_TLS, ev_no_joi, ev_good},
    {"e_ev_san_ip_address_present", CG_TLS, ev_ip, ev_good},
    {"e_ev_not_wildcard", CG_TLS, ev_wild, ev_wild_onion},
    {"e_ev_valid_time_too_long", CG_TLS, ev_long, ev_good},
    {"e_cab_iv_requires_personal_name_strict", CG_TLS, iv_good, iv_names},
    {"e_mp_ecdsa_pub_key_encoding_correct", CG_TLS, spki_p521, key_ec384},
    {"e_mp_ecdsa_signature_encoding_correct", CG_TLS, sig_ecdsa_512, sig_ecdsa_384},
    {"e_mp_rsassa-pss_parameters_encoding_in_signature_algorithm_correct", CG_TLS, sig_pss_bad, sig_pss_good},
    {"e_mp_modulus_must_be_2048_bits_or_more", CG_TLS, rsa_1024, rsa_2048_key},
    {"e_mp_authority_key_identifier_correct", CG_TLS, aki_with_issuer, NULL},
    {"n_mp_allowed_eku", CG_SUBCA, subca_eku_tls_email, NULL},
    {"n_mp_allowed_eku", CG_SUBCA, eku_any, NULL},
    /* profiles */
    {"e_root_ca_extended_key_usage_present", CG_ROOT, add_eku_server, NULL},
    {"e_root_ca_key_usage_present", CG_ROOT, del_ku, NULL},
    {"e_root_ca_key_usage_must_be_critical", CG_ROOT, ku_not_crit, NULL},
    {"w_root_ca_basic_constraints_path_len_constraint_field_present", CG_ROOT, root_pathlen, NULL},
    {"w_root_ca_contains_cert_policy", CG_ROOT, add_cp_dv, NULL},
    {"e_ca_is_ca", CG_SUBCA, bc_not_ca, NULL},
    {"e_root_ca_aki_has_issuer_or_serial", CG_ROOT, aki_with_issuer, NULL},
    {"e_ca_key_usage_missing", CG_SUBCA, del_ku, NULL},
    {"e_ca_key_usage_not_critical", CG_SUBCA, ku_not_crit, NULL},
    {"e_ca_key_cert_sign_not_set", CG_SUBCA, ku_ca_no_certsign, NULL},
    {"e_ca_crl_sign_not_set", CG_ROOT, ku_ca_no_crlsign, NULL},
    {"n_ca_digital_signature_not_set", CG_SUBCA, ku_ca_no_crlsign, ku_ca_with_ds},
    {"e_ca_key_usage_prohibited_bits", CG_SUBCA, ku_ca_keyenc, ku_ca_with_ds},
    {"e_ca_aia_non_http_url", CG_SUBCA, aia_ldap_ca, NULL},
    {"e_sub_ca_aia_marked_critical", CG_SUBCA, aia_crit, NULL},
    {"w_sub_ca_aia_missing", CG_SUBCA, aia_none, NULL},
    {"w_sub_ca_aia_does_not_contain_issuing_ca_url", CG_SUBCA, aia_ocsp_only, NULL},
    {"e_sub_ca_crl_distribution_points_missing", CG_SUBCA, cdp_none, NULL},
    {"e_sub_ca_crl_distribution_points_marked_critical", CG_SUBCA, cdp_crit, NULL},
    {"e_sub_ca_crl_distribution_points_does_not_contain_url", CG_SUBCA, cdp_ldap, NULL},
    {"e_sub_ca_certificate_policies_missing", CG_SUBCA, cp_none, NULL},
    {"w_sub_ca_certificate_policies_marked_critical", CG_SUBCA, cp_crit, NULL},
    {"w_sub_ca_eku_critical", CG_SUBCA, eku_crit, NULL},
    {"e_ca_invalid_eku", CG_SUBCA, eku_any, NULL},
    {"e_ca_invalid_eku", CG_SUBCA, eku_server_code, NULL},
    {"n_sub_ca_eku_missing", CG_SUBCA, eku_none, NULL},
    {"w_sub_ca_name_constraints_not_critical", CG_SUBCA, nc_noncrit, nc_crit},
    {"e_ca_multiple_reserved_policy_oids", CG_SUBCA, cp_dv_ov, NULL},
    {"e_sub_ca_any_policy_not_alone", CG_SUBCA, cp_any_and_dv, cp_any},
    {"e_sub_cert_aia_missing", CG_TLS, aia_none, NULL},
    {"e_sub_cert_aia_marked_critical", CG_TLS, aia_crit, NULL},
    {"e_sub_cert_aia_does_not_contain_ocsp_url", CG_TLS, old_no_ocsp, old_with_ocsp},
    {"w_sub_cert_aia_does_not_contain_issuing_ca_url", CG_TLS, aia_ocsp_only, NULL},
    {"e_aia_ocsp_must_have_http_only", CG_TLS, aia_ocsp_ftp, NULL},
    {"e_aia_ca_issuers_must_have_http_only", CG_TLS, aia_ca_https, NULL},
    {"e_aia_must_contain_permitted_access_method", CG_TLS, aia_other_method, NULL},
    {"e_aia_unique_access_locations", CG_TLS, aia_two_same_ocsp, aia_dup},
    {"e_sub_cert_crl_distribution_points_marked_critical", CG_TLS, cdp_crit, NULL},
    {"e_sub_cert_crl_distribution_points_does_not_contain_url", CG_TLS, cdp_ldap, NULL},
    {"e_crl_distrib_points_not_http", CG_TLS, cdp_ldap, NULL},
    {"e_crlissuer_must_not_be_present_in_cdp", CG_SUBCA, cdp_issuer, NULL},
    {"e_missing_crl_distrib_point", CG_TLS, no_revocation, short_lived},
    {"e_sub_cert_certificate_policies_missing", CG_TLS, cp_none, NULL},
    {"w_sub_cert_certificate_policies_marked_critical", CG_TLS, cp_crit, NULL},
    {"e_sub_cert_cert_policy_empty", CG_TLS, cp_private, NULL},
    {"e_sub_cert_multiple_reserved_policy_oids", CG_TLS, cp_dv_ov, NULL},
    {"e_sub_cert_any_policy", CG_TLS, cp_any_and_dv, NULL},
    {"e_invalid_cps_uri", CG_TLS, cps_ftp, cps_https},
    {"e_policy_qualifiers_other_than_cps_not_permitted", CG_TLS, cp_unotice, cps_https},
    {"e_sub_cert_eku_missing", CG_TLS, eku_none, NULL},
    {"e_sub_cert_eku_check", CG_TLS, eku_client_only, NULL},
    {"e_sub_cert_eku_check", CG_TLS, eku_server_email, NULL},
    {"w_sub_cert_eku_extra_values", CG_TLS, eku_server_other, NULL},
    {"e_eku_critical", CG_TLS, eku_crit, NULL},
    {"e_sub_cert_eku_server_auth_client_auth_missing", CG_TLS, eku_email_only, eku_client_only},
    {"e_sub_cert_not_is_ca", CG_TLS, bc_ca_true, NULL},
    {"e_sub_cert_basic_constraints_not_critical", CG_TLS, bc_noncrit, NULL},
    {"e_sub_cert_key_usage_cert_sign_bit_set", CG_TLS, ku_certsign, NULL},
    {"e_sub_cert_key_usage_crl_sign_bit_set", CG_TLS, ku_crlsign, NULL},
    {"e_sub_cert_key_usage_not_critical", CG_TLS, ku_not_crit, NULL},
    {"w_ext_subject_key_identifier_not_recommended_subscriber", CG_TLS, add_ski, NULL},
    {"e_br_aki_missing", CG_TLS, del_aki, NULL},
    {"e_br_aki_has_issuer_or_serial", CG_SUBCA, aki_with_issuer, NULL},
    {"e_precert_with_sct_list", CG_PRECERT, add_sct, NULL},
    {"e_precert_poison_not_null", CG_PRECERT, poison_value, NULL},
    {"e_ocsp_cert_cdp_forbidden", CG_OCSP, ocsp_cdp, NULL},
    {"e_ocsp_cert_cp_forbidden", CG_OCSP, ocsp_cp, NULL},
    {"e_ocsp_cert_invalid_ku", CG_OCSP, ocsp_ku_more, NULL},
    {"e_ocsp_cert_key_usage_missing", CG_OCSP, del_ku, NULL},
    {"e_ocsp_id_pkix_ocsp_nocheck_ext_not_included_server_auth", CG_OCSP, no_nocheck, NULL},
    {"e_ocsp_cert_eku_not_ocsp_signing_only", CG_OCSP, ocsp_eku_more, NULL},
    {"e_ocsp_cert_is_ca", CG_OCSP, ocsp_bc_ca, NULL},
    /* validity */
    {"e_sub_cert_valid_time_longer_than_39_months", CG_TLS, months_40, NULL},
    {"e_sub_cert_valid_time_longer_than_825_days", CG_TLS, days_826, NULL},
    {"e_tls_server_cert_valid_time_longer_than_398_days", CG_TLS, days_398_2025, days_398},
    {"e_server_cert_valid_time_longer_than_200_days", CG_TLS, days_201, days_200},
    {"w_server_cert_valid_time_longer_than_199_days", CG_TLS, days_200, NULL},
    {"e_server_cert_valid_time_longer_than_100_days", CG_TLS, days_101_2027, days_100_2027},
    {"w_server_cert_valid_time_longer_than_99_days", CG_TLS, days_100_2027, days_99_2027},
    {"e_server_cert_valid_time_longer_than_47_days", CG_TLS, days_48_2029, days_47_2029},
    {"w_server_cert_valid_time_longer_than_46_days", CG_TLS, days_47_2029, days_46_2029},
    {"e_root_ca_validity_out_of_range", CG_ROOT, root_short, NULL},
    {"w_br_serial_number_low_entropy", CG_TLS, serial_7, serial_8},
    {"n_br_serial_number_exactly_64_bits", CG_TLS, serial_8, NULL},
    {"e_br_serial_number_too_large", CG_TLS, serial_20_high, serial_20_low},
    /* algorithms */
    {"e_algorithm_identifier_improper_encoding", CG_TLS, spki_rsa_no_null, NULL},
    {"e_br_signature_algorithm_improper_encoding", CG_TLS, sig_ecdsa_params, sig_rsa_sha256},
    {"e_signature_algorithm_not_supported", CG_TLS, sig_sha1_rsa, sig_rsa_no_null},
    {"e_sub_cert_or_sub_ca_using_sha1", CG_SUBCA, sig_sha1_rsa, NULL},
    {"w_sub_cert_sha1_expiration_too_long", CG_TLS, sig_sha1_2016, sig_sha1_old},
    /* dNSNames */
    {"e_dnsname_bad_character_in_label", CG_TLS, dns_bad_char, NULL},
    {"e_dnsname_empty_label", CG_TLS, dns_empty_label, NULL},
    {"e_dnsname_label_too_long", CG_TLS, dns_label_long, NULL},
    {"e_dnsname_hyphen_in_sld", CG_TLS, dns_hyphen_sld, NULL},
    {"e_dnsname_underscore_in_sld", CG_TLS, dns_us_sld, dns_us_trd},
    {"w_dnsname_underscore_in_trd", CG_TLS, dns_us_trd, dns_us_sld},
    {"e_underscore_not_permissible_in_dnsname", CG_TLS, dns_us_trd, NULL},
    {"e_dnsname_left_label_wildcard_correct", CG_TLS, dns_wild_partial, dns_wild_ok},
    {"e_dnsname_wildcard_only_in_left_label", CG_TLS, dns_wild_not_first, dns_wild_ok},
    {"e_san_wildcard_not_first", CG_TLS, dns_wild_not_first, dns_wild_ok},
    {"e_san_bare_wildcard", CG_TLS, dns_bare_wild, dns_wild_ok},
    {"e_san_dns_name_includes_null_char", CG_TLS, dns_nul, NULL},
    {"e_san_dns_name_starts_with_period", CG_TLS, dns_period, NULL},
    {"e_ext_san_dns_name_too_long", CG_TLS, dns_too_long, NULL},
    {"e_ext_san_space_dns_name", CG_TLS, dns_space, NULL},
    {"e_dnsname_contains_prohibited_reserved_label", CG_TLS, dns_rldh, dns_good_alabel2},
    {"e_international_dns_name_not_unicode", CG_TLS, dns_bad_alabel, dns_good_alabel2},
    {"e_br_dnsname_internal_name", CG_TLS, dns_internal, NULL},
    {"e_br_dnsname_internal_name", CG_TLS, dns_internal2, dns_good_alabel2},
    {"e_arpa_domain_not_allowed", CG_TLS, dns_arpa, NULL},
    {"e_br_dnsname_is_ip_address", CG_TLS, dns_ip, NULL},
    /* addresses */
    {"e_ext_san_contains_reserved_ip", CG_TLS, san_reserved_ip, san_public_ip},
    {"e_ext_san_contains_reserved_ip", CG_TLS, san_reserved_ip6, NULL},
    {"e_subject_contains_reserved_ip", CG_TLS, cn_reserved_ip, cn_public_ip},
    /* SAN */
    {"e_ext_san_missing", CG_TLS, no_san, NULL},
    {"e_ext_san_directory_name_present", CG_TLS, san_dirname, NULL},
    {"e_ext_san_edi_party_name_present", CG_TLS, san_edi, NULL},
    {"e_ext_san_other_name_present", CG_TLS, san_other, NULL},
    {"e_ext_san_registered_id_present", CG_TLS, san_rid, NULL},
    {"e_ext_san_rfc822_name_present", CG_TLS, san_email, NULL},
    {"e_ext_san_uniform_resource_identifier_present", CG_TLS, san_uri, NULL},
    {"e_ext_san_x400_address_present", CG_TLS, san_x400, NULL},
    {"e_br_san_criticality", CG_TLS, san_critical, NULL},
    /* commonName */
    {"e_subject_common_name_not_from_san", CG_TLS, cn_not_in_san, cn_case},
    {"e_subject_common_name_not_exactly_from_san", CG_TLS, cn_case, NULL},
    {"w_subject_common_name_included", CG_TLS, cn_case, no_cn},
    {"w_extra_subject_common_names", CG_TLS, two_cn, NULL},
    /* subject by policy */
    {"e_cab_dv_conflicts_with_org", CG_TLS, dv_with_o, NULL},
    {"e_cab_dv_conflicts_with_locality", CG_TLS, dv_with_l, NULL},
    {"e_cab_dv_conflicts_with_province", CG_TLS, dv_with_st, NULL},
    {"e_cab_dv_conflicts_with_street", CG_TLS, dv_with_street, NULL},
    {"e_cab_dv_conflicts_with_postal", CG_TLS, dv_with_postal, NULL},
    {"e_cab_dv_subject_invalid_values", CG_TLS, dv_with_serial, dv_with_c},
    {"e_cab_ov_requires_org", CG_TLS, ov_no_o, ov_good},
    {"e_cert_policy_ov_requires_country", CG_TLS, ov_no_c, ov_good},
    {"e_cert_policy_ov_requires_province_or_locality", CG_TLS, ov_no_l_st, ov_good},
    {"e_cab_iv_requires_personal_name", CG_TLS, iv_no_o, iv_good},
    {"e_cert_policy_iv_requires_country", CG_TLS, iv_no_c, iv_good},
    {"e_cert_policy_iv_requires_province_or_locality", CG_TLS, iv_no_l_st, iv_good},
    {"e_sub_cert_given_name_surname_contains_correct_policy", CG_TLS, given_ov, given_iv},
    {"e_sub_cert_locality_name_must_not_appear", CG_TLS, l_without_o, ov_good},
    {"e_sub_cert_province_must_not_appear", CG_TLS, st_without_o, ov_good},
    {"e_sub_cert_postal_code_must_not_appear", CG_TLS, postal_without_o, NULL},
    {"e_sub_cert_street_address_should_not_exist", CG_TLS, street_without_o, NULL},
    {"e_sub_cert_country_name_must_appear", CG_TLS, o_without_c, ov_good},
    {"e_sub_cert_locality_name_must_appear", CG_TLS, ov_no_l_st, ov_good},
    {"e_sub_cert_province_must_appear", CG_TLS, ov_no_l_st, ov_good},
    {"e_subject_contains_organizational_unit_name_and_no_organization_name", CG_TLS, ou_without_o, ov_good},
    {"e_organizational_unit_name_prohibited", CG_TLS, ou_with_o, ov_good},
    {"e_subject_country_not_iso", CG_TLS, country_bad, country_xx},
    {"e_subject_contains_noninformational_value", CG_TLS, noninfo, ov_good},
    {"e_duplicate_subject_attribs", CG_TLS, dup_attr, ov_good},
    {"e_br_subject_multi_valued_rdn", CG_TLS, multi_rdn, ov_good},
    {"e_invalid_subject_rdn_order", CG_TLS, bad_order, ov_good},
    {"e_subject_rdns_correct_encoding", CG_TLS, bad_encoding, ov_good},
    {"e_subject_rdns_correct_encoding", CG_TLS, bad_encoding_o, NULL},
    {"e_ca_common_name_missing", CG_SUBCA, ca_no_cn, NULL},
    {"e_ca_country_name_missing", CG_ROOT, ca_no_c, NULL},
    {"e_ca_country_name_invalid", CG_SUBCA, ca_bad_c, NULL},
    {"e_ca_organization_name_missing", CG_SUBCA, ca_no_o, NULL},
    {"e_subj_orgunit_in_ca_cert", CG_SUBCA, ca_ou, NULL},
};


/* The name and address helpers on known values: RFC 3492's sample
 * strings, IANA's special-purpose ranges, ISO 3166-1. */
static void test_br_util(void **state) {
  (void)state;
#define PUNY(s) casc_br_punycode_valid((const unsigned char *)(s), strlen(s))
  assert_true(PUNY("egbpdaj6bu4bxfgehfvwxn"));           /* RFC 3492 7.1 (A) Arabic */
  assert_true(PUNY("ihqwcrb4cv8a8dqg056pqjye"));         /* (B) Chinese */
  assert_true(PUNY("bcher-kva"));
  assert_false(PUNY(""));
  assert_false(PUNY("abc-"));                            /* basic code points only */
  assert_false(PUNY("zz9"));                             /* decodes below U+0080 */
  assert_false(PUNY("a!b"));
#define DNS(s) casc_br_dns_check((const unsigned char *)(s), strlen(s))
  assert_int_equal(DNS("www.example.com"), 0);
  assert_int_equal(DNS("*.example.com"), 0);
  assert_true(DNS("*.com") & CASC_BR_DNS_BARE_WILDCARD);
  assert_true(DNS("a.*.com") & CASC_BR_DNS_WILDCARD_NOT_FIRST);
  assert_true(DNS("x*.example.com") & CASC_BR_DNS_WILDCARD_PARTIAL);
  assert_true(DNS("a..b.com") & CASC_BR_DNS_EMPTY_LABEL);
  assert_true(DNS("a.b.com.") & CASC_BR_DNS_EMPTY_LABEL);
  assert_true(DNS("_a.example.com") & CASC_BR_DNS_UNDERSCORE_TRD);
  assert_true(DNS("a._b.com") & CASC_BR_DNS_UNDERSCORE_SLD);
  assert_true(DNS("ab--x.com") & CASC_BR_DNS_RESERVED_LABEL);
  assert_false(DNS("xn--bcher-kva.de") & (CASC_BR_DNS_RESERVED_LABEL | CASC_BR_DNS_BAD_ALABEL));
  assert_true(DNS("xn--abc-.de") & CASC_BR_DNS_BAD_ALABEL);
  assert_true(DNS("xn--zzzzzzzzzzzzzzzzzzzz.de") & CASC_BR_DNS_BAD_ALABEL); /* overflows */
  assert_true(DNS("localhost") & CASC_BR_DNS_INTERNAL);
  assert_true(DNS("printer.internal") & CASC_BR_DNS_INTERNAL);
  assert_true(DNS("1.0.0.10.in-addr.arpa") & CASC_BR_DNS_REVERSE_ZONE);
  assert_true(DNS("10.0.0.1") & CASC_BR_DNS_NUMERIC_TLD);
  assert_true(DNS("-a.example.com") & CASC_BR_DNS_HYPHEN_EDGE);
#define IP4(a, b, c, d) casc_br_ip_reserved((const unsigned char[]){a, b, c, d}, 4)
  assert_true(IP4(10, 1, 2, 3));
  assert_true(IP4(172, 31, 255, 255));
  assert_false(IP4(172, 32, 0, 1));
  assert_true(IP4(100, 64, 0, 1));
  assert_false(IP4(100, 128, 0, 1));
  assert_true(IP4(192, 0, 2, 1));
  assert_true(IP4(255, 255, 255, 255));
  assert_false(IP4(8, 8, 8, 8));
  unsigned char v6[16];
  size_t v6len;
  assert_true(casc_br_parse_ip((const unsigned char *)"2001:db8::1", 11, v6, &v6len));
  assert_int_equal(v6len, 16);
  assert_true(casc_br_ip_reserved(v6, 16));
  assert_true(casc_br_parse_ip((const unsigned char *)"2606:4700::1111", 15, v6, &v6len));
  assert_false(casc_br_ip_reserved(v6, 16));
  assert_true(casc_br_subnet_reserved((const unsigned char[]){8, 0, 0, 0}, 4, 4));  /* 0/4 holds 0/8 */
  assert_false(casc_br_subnet_reserved((const unsigned char[]){8, 8, 8, 0}, 4, 24));
  assert_true(casc_br_country_valid((const unsigned char *)"DE", 2));
  assert_true(casc_br_country_valid((const unsigned char *)"XX", 2));
  assert_false(casc_br_country_valid((const unsigned char *)"UK", 2));
  assert_false(casc_br_country_valid((const unsigned char *)"de", 2));
  assert_false(casc_br_country_valid((const unsigned char *)"DEU", 3));
  assert_true(CASC_BR_DATE(2026, 3, 15) == (time_t)1773532800);
}


/* Odd but well-formed certificates, made at random (seeded) from the good
 * bases: random SAN entries of every GeneralName type built from tokens
 * that the name checks treat specially, random policies, EKUs, key usages,
 * basic constraints, subject attributes, raw RSA keys and name constraints,
 * linted under every profile. Nothing may crash (the sanitizer build makes
 * that strict) and every run must report on every lint. */
static size_t random_results;
static void count_cb(void *arg, const casc_lint *l, casc_lint_result r, const char *det) {
  (void)arg, (void)l, (void)r, (void)det;
  random_results++;
}

static void random_token_string(char *out, size_t max, unsigned *seed) {
  static const char *const toks[] = {
      "onion", ".", "xn--", "*", "_", "-", "a", "example", "com", "arpa", "in-addr", "ip6",
      "local", "1", "255", "..", " ", "\xff", "zz", "bcher-kva", "@", "ab--",
      "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd"};
  size_t n = 0, k = (size_t)(rand_r(seed) % 8);
  for (size_t i = 0; i < k; i++) {
    const char *t = toks[rand_r(seed) % (sizeof toks / sizeof toks[0])];
    size_t l = strlen(t);
    if (n + l + 1 >= max)
      break;
    memcpy(out + n, t, l);
    n += l;
  }
  if (n == 0)
    out[n++] = 'x';
  out[n] = 0;
}

static void test_random_certificates(void **state) {
  (void)state;
  static const char *const policies[] = {
      "2.23.140.1.2.1", "2.23.140.1.2.2", "2.23.140.1.2.3",   "2.23.140.1.1", "2.23.140.1.4.1",
      "2.23.140.1.4.2", "2.23.140.1.3",   "2.23.140.1.5.1.3", "2.5.29.32.0",  "1.2.3"};
  static const char *const ekus[] = {CG_EKU_SERVER, CG_EKU_CLIENT, CG_EKU_CODE,
                                     CG_EKU_EMAIL,  CG_EKU_TIME,   CG_EKU_OCSP,
                                     CG_EKU_ANY,    "1.3.6.1.4.1.11129.2.4.4", "1.2.3.4"};
  static const char *const attrs[] = {CG_C,     CG_ST,      CG_L,      CG_O,  CG_OU,
                                      CG_CN,    CG_STREET,  CG_POSTAL, CG_GIVEN,
                                      CG_SURNAME, CG_SERIALNUM, CG_DC, CG_EMAIL, "2.5.4.15"};
  unsigned seed = 20261128;
  cg_spec *s = malloc(sizeof *s);
  casc_lint_ctx *ctx = casc_lint_ctx_new();
  assert_non_null(ctx);
  char vals[6][80];
  for (int k = 0; k < 600; k++) {
    cg_base(s, (int)(rand_r(&seed) % CG_NPROFILES));
    cg_gn gns[6];
    int ng = (int)(rand_r(&seed) % 6);
    for (int i = 0; i < ng; i++) {
      random_token_string(vals[i], sizeof vals[i], &seed);
      gns[i].type = (unsigned)(rand_r(&seed) % 8); /* registeredID needs a real OID */
      gns[i].val = vals[i];
      gns[i].len = 0;
      if (gns[i].type == 7 && rand_r(&seed) % 2)
        gns[i].val = rand_r(&seed) % 2 ? "10.0.0.1" : "fe80::1";
    }
    if (ng > 0)
      cg_san(s, rand_r(&seed) % 2, gns, (size_t)ng);
    if (rand_r(&seed) % 2)
      cg_cp(s, false, (const char *const[]){policies[rand_r(&seed) % 10], policies[rand_r(&seed) % 10], NULL},
            rand_r(&seed) % 2 ? "ftp://cps.example" : NULL, rand_r(&seed) % 2);
    if (rand_r(&seed) % 2)
      cg_eku(s, rand_r(&seed) % 2, (const char *const[]){ekus[rand_r(&seed) % 9], ekus[rand_r(&seed) % 9], NULL});
    if (rand_r(&seed) % 3 == 0)
      cg_ku(s, rand_r(&seed) % 2, (unsigned)(rand_r(&seed) % 512));
    if (rand_r(&seed) % 4 == 0)
      cg_bc(s, rand_r(&seed) % 2, rand_r(&seed) % 2, (int)(rand_r(&seed) % 3) - 1);
    for (int i = (int)(rand_r(&seed) % 4); i > 0 && s->n_subj < 16; i--) {
      char v[40];
      random_token_string(v, sizeof v, &seed);
      cg_attr_add(s->subj, &s->n_subj, 16, attrs[rand_r(&seed) % 14], rand_r(&seed) % 2 ? 0x13 : 0x0c, v);
      s->subj[s->n_subj - 1].same_rdn = rand_r(&seed) % 3 == 0;
    }
    if (rand_r(&seed) % 5 == 0) {
      unsigned char n[260], e[4];
      size_t nl = 1 + rand_r(&seed) % 259, el = 1 + rand_r(&seed) % 4;
      for (size_t i = 0; i < nl; i++)
        n[i] = (unsigned char)rand_r(&seed);
      for (size_t i = 0; i < el; i++)
        e[i] = (unsigned char)rand_r(&seed);
      cg_set_rsa_raw(s, n, nl, e, el);
    }
    if (rand_r(&seed) % 6 == 0) {
      unsigned char nc[40];
      size_t l = 2 + rand_r(&seed) % 38;
      for (size_t i = 0; i < l; i++)
        nc[i] = (unsigned char)rand_r(&seed);
      nc[0] = 0x30;
      nc[1] = (unsigned char)(l - 2);
      cg_ext_raw(s, CG_X_NC, true, nc, l);
    }
    if (rand_r(&seed) % 8 == 0)
      s->na = s->nb + (time_t)(rand_r(&seed) % 5000) * CG_DAY;
    size_t len;
    unsigned char *der = cg_build(s, &len);
    for (int p = CASC_LINT_PROFILE_AUTO; p <= CASC_LINT_PROFILE_SMIME; p++) {
      if (p != CASC_LINT_PROFILE_AUTO && rand_r(&seed) % 6 != 0)
        continue;
      size_t before = random_results;
      casc_lint_ctx_check(ctx, CASC_LINT_KIND_CERT, (casc_lint_profile)p, der, len, CG_NOW,
                          count_cb, NULL, NULL, NULL);
      assert_true(random_results > before);
    }
    free(der);
  }
  casc_lint_ctx_free(ctx);
  free(s);
}

static void test_br_lints(void **state) {
  (void)state;
  assert_int_equal(cg_run_cases(cases, sizeof cases / sizeof cases[0]), 0);
}

/* The good bases are real certificates: OpenSSL parses each and verifies
 * its signature with the test CA's key; and none trips an error-level TLS
 * BR lint that applies to it. */
static void test_bases_are_good(void **state) {
  (void)state;
  cg_spec *s = malloc(sizeof *s);
  /* every base against every CA/B Forum, Mozilla and key lint: a good
   * certificate of one profile must not trip another profile's rules */
  const int profiles[] = {CG_TLS, CG_ROOT, CG_SUBCA, CG_OCSP, CG_PRECERT,
                          CG_CS,  CG_TSA,  CG_CS_SUBCA, CG_SMIME};
  for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
    cg_base(s, profiles[i]);
    size_t len;
    unsigned char *der = cg_build(s, &len);
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    assert_non_null(x);
    assert_int_equal(X509_verify(x, cg_ca_key), 1);
    X509_free(x);
    for (size_t k = 0; k < casc_lint_count(); k++) {
      const casc_lint *l = casc_lint_at(k);
      bool mine = strcmp(l->source, CASC_LINT_SRC_TLSBR) == 0 ||
                  strcmp(l->source, CASC_LINT_SRC_CSBR) == 0 ||
                  strcmp(l->source, CASC_LINT_SRC_SMIMEBR) == 0 ||
                  strcmp(l->source, "CABF EV Guidelines") == 0 ||
                  strcmp(l->source, "Mozilla Root Store Policy") == 0 ||
                  strcmp(l->source, CASC_LINT_SRC_CASC) == 0;
      if (strncmp(l->name, "e_", 2) != 0 || !mine)
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

/* Every lint of the cert_br_* tables has a case here. */
extern const casc_lint casc_lints_cert_br_validity[], casc_lints_cert_br_algs[],
    casc_lints_cert_br_names[], casc_lints_cert_br_profile[], casc_lints_cert_br_ev[],
    casc_lints_cert_br_mozilla[], casc_lints_cert_br_nc[], casc_lints_cert_br_tables[];
extern const size_t casc_lints_cert_br_validity_count, casc_lints_cert_br_algs_count,
    casc_lints_cert_br_names_count, casc_lints_cert_br_profile_count, casc_lints_cert_br_ev_count,
    casc_lints_cert_br_mozilla_count, casc_lints_cert_br_nc_count, casc_lints_cert_br_tables_count;

static void check_covered(const casc_lint *t, size_t n) {
  for (size_t i = 0; i < n; i++) {
    bool found = false;
    for (size_t j = 0; j < sizeof cases / sizeof cases[0]; j++)
      found = found || strcmp(cases[j].lint, t[i].name) == 0;
    if (!found)
      fprintf(stderr, "no case for %s\n", t[i].name);
    assert_true(found);
  }
}

static void test_every_br_lint_has_a_case(void **state) {
  (void)state;
  check_covered(casc_lints_cert_br_validity, casc_lints_cert_br_validity_count);
  check_covered(casc_lints_cert_br_algs, casc_lints_cert_br_algs_count);
  check_covered(casc_lints_cert_br_names, casc_lints_cert_br_names_count);
  check_covered(casc_lints_cert_br_profile, casc_lints_cert_br_profile_count);
  check_covered(casc_lints_cert_br_ev, casc_lints_cert_br_ev_count);
  check_covered(casc_lints_cert_br_mozilla, casc_lints_cert_br_mozilla_count);
  check_covered(casc_lints_cert_br_nc, casc_lints_cert_br_nc_count);
  check_covered(casc_lints_cert_br_tables, casc_lints_cert_br_tables_count);
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
      cmocka_unit_test(test_br_util),
      cmocka_unit_test(test_br_lints),
      cmocka_unit_test(test_random_certificates),
      cmocka_unit_test(test_bases_are_good),
      cmocka_unit_test(test_every_br_lint_has_a_case),
  };
  return cmocka_run_group_tests(tests, NULL, teardown);
}
