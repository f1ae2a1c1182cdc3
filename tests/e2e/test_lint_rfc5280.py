"""casc lint's RFC 5280 and DER lints (src/lint/cert_rfc5280_*.c): for every
lint, a certificate built byte by byte (lintder.py) that trips it, and
baseline certificates (a TLS subscriber and a subordinate CA) that pass
every one of them. The test fails when a lint of those files has no case."""
import json
import os
import re
import tempfile
import unittest

from casctest import casc
from lintder import *  # noqa: F401,F403 (the DER vocabulary of the cases)

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
FILES = ["cert_rfc5280_core.c", "cert_rfc5280_der.c", "cert_rfc5280_ext.c",
         "cert_rfc5280_name.c", "cert_rfc5280_gn.c"]


def our_lints():
    names = set()
    for f in FILES:
        with open(os.path.join(ROOT, "src", "lint", f)) as fh:
            src = fh.read()
        names |= set(re.findall(r'(?:L\(|\.name = )"([enw]_[a-z0-9_]+)"', src))
    return names


def sub(**kw):
    c = Cert()
    for k, v in kw.items():
        setattr(c, k, v)
    return c


def ca(**kw):
    c = Cert(ca=True)
    for k, v in kw.items():
        setattr(c, k, v)
    return c


def with_ext(c, ext_oid, new):
    """c with the extension of ext_oid replaced (or appended when absent)."""
    before = len(c.exts)
    c.replace_ext(ext_oid, new)
    if len(c.exts) == before - 1 or len(c.exts) == before:
        if new is not None and new not in c.exts:
            c.exts.append(new)
    return c


def add_ext(c, e):
    c.exts.append(e)
    return c


def subj(*atvs):
    return sub(subject=name(*atvs))


def san(*gns, critical=None):
    return with_ext(Cert(), SAN, ext(SAN, seq(*gns), critical))


def nc(value, critical=True):
    return add_ext(Cert(ca=True), ext(NC, value, critical))


def cp(*policies):
    return with_ext(Cert(), CP, ext(CP, seq(*policies)))


def unotice(text_tlv):
    return seq(oid(BR_DV), seq(seq(oid(QT_UNOTICE), seq(text_tlv))))


def aia(*ads):
    return with_ext(Cert(), AIA, ext(AIA, seq(*ads)))


def crldp_uri(u):
    return with_ext(Cert(), CRLDP, ext(CRLDP, seq(seq(ctx(0, ctx(0, uri(u), True), True)))))


def long_dns():
    return ".".join(["a" * 60] * 5) + ".com"  # 309 characters, over 253


def multi_rdn(sorted_=True):
    a, b = atv(CN, utf8("x")), atv(O, utf8("y"))
    items = sorted([a, b]) if sorted_ else sorted([a, b], reverse=True)
    return sub(subject=seq(set_(*items)))


_RSA = []


def rsa_spki(params):
    from cryptography.hazmat.primitives.asymmetric import rsa
    if not _RSA:
        _RSA.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    k = _RSA[0]
    n = k.public_key().public_numbers()
    body = seq(integer(n.n), integer(n.e))
    alg = seq(oid("1.2.840.113549.1.1.1"), params) if params is not None else seq(
        oid("1.2.840.113549.1.1.1"))
    return seq(alg, bitstring(body))


def name_attrs(n):
    return sub(subject=name(*[(OU, utf8(f"u{i}")) for i in range(n)]))


# lint name -> (certificate, profile or None)
CASES = {
    # --- fields (cert_rfc5280_core.c)
    "e_cert_version_not_v3": lambda: sub(version=b"", exts=None),
    "e_cert_version_invalid": lambda: sub(version=ctx(0, integer(5), True)),
    "e_serial_not_positive": lambda: sub(serial=integer(b"\x80\x01")),
    "e_serial_zero": lambda: sub(serial=integer(0)),
    "e_serial_longer_than_20_octets": lambda: sub(serial=integer(b"\x01" * 21)),
    "e_signature_algorithm_mismatch": lambda: sub(sig_outer=ECDSA_SHA384),
    "e_rsa_signature_params_not_null": lambda: sub(sig_inner=seq(oid("1.2.840.113549.1.1.11")),
                                                   sig_outer=seq(oid("1.2.840.113549.1.1.11"))),
    "e_ecdsa_signature_params_present": lambda: sub(sig_inner=seq(oid("1.2.840.10045.4.3.2"), null()),
                                                    sig_outer=seq(oid("1.2.840.10045.4.3.2"), null())),
    "e_signature_value_empty": lambda: sub(signature=bitstring(b"")),
    "e_signature_md_weak": lambda: sub(sig_inner=seq(oid("1.2.840.113549.1.1.4"), null()),
                                       sig_outer=seq(oid("1.2.840.113549.1.1.4"), null())),
    "e_validity_not_after_before_not_before": lambda: sub(not_after=utctime("241201000000Z")),
    "e_not_before_time_type": lambda: sub(not_before=gentime("20250101000000Z")),
    "e_not_after_time_type": lambda: sub(not_after=gentime("20300101000000Z")),
    "e_not_before_time_format": lambda: sub(not_before=utctime("2501010000Z")),
    "e_not_after_time_format": lambda: sub(not_after=utctime("250401000000+0100")),
    "e_issuer_empty": lambda: sub(issuer=seq()),
    "e_ca_subject_empty": lambda: add_ext(ca(subject=seq()), ext(SAN, seq(dns("ca.example")), True)),
    "e_name_empty_rdn": lambda: sub(subject=seq(set_(), set_(atv(CN, utf8("x"))))),
    "e_unique_identifier_in_v1": lambda: sub(version=b"", exts=None, issuer_uid=ctx(1, b"\x00\x01")),
    "e_unique_identifier_present": lambda: sub(subject_uid=ctx(2, b"\x00\x01")),
    "e_extensions_not_v3": lambda: sub(version=ctx(0, integer(1), True)),
    "e_extensions_empty": lambda: sub(exts=[]),
    "e_extension_duplicate": lambda: add_ext(Cert(), ext(SKI, octets(b"\x03" * 20))),
    "w_spki_algorithm_unknown": lambda: sub(spki=seq(seq(oid("1.2.3.4")), bitstring(b"\x01\x02"))),
    "e_rsa_spki_params_not_null": lambda: sub(spki=rsa_spki(None)),
    "e_spki_unused_bits": lambda: sub(spki=seq(seq(oid("1.2.840.10045.2.1"), oid("1.2.840.10045.3.1.7")),
                                               bitstring(b"\x04" + b"\x01" * 63 + b"\x80", 7))),
    "e_signature_unused_bits": lambda: sub(signature=bitstring(b"\x30\x00\x80", 7)),
    "w_aki_equals_own_ski": lambda: with_ext(Cert(), AKI, ext(AKI, seq(ctx(0, b"\x02" * 20)))),
    "e_root_not_self_issued": (lambda: ca(), "root"),
    # --- DER (cert_rfc5280_der.c)
    "e_der_length_not_minimal": lambda: sub(subject=tlv(0x30, set_(atv(CN, utf8("x"))), long_form=True)),
    "e_der_boolean_invalid": lambda: with_ext(Cert(), KU, seq(oid(KU), tlv(0x01, b"\x01"), octets(ku_bits(0)))),
    "e_der_integer_not_minimal": lambda: sub(serial=integer(b"\x00\x01\x02")),
    "e_der_integer_empty": lambda: sub(serial=integer(b"")),
    "e_der_default_value_encoded": lambda: with_ext(Cert(), EKU, ext(EKU, seq(oid(SERVER_AUTH)), False)),
    "e_der_trailing_data": lambda: sub(trailing=b"\x00\x00"),
    "e_der_trailing_data_in_value": lambda: with_ext(Cert(), SKI, ext(SKI, octets(b"\x02" * 20) + b"\x00")),
    "e_der_bit_string_invalid": lambda: sub(signature=tlv(0x03, b"\x08\x00")),
    "e_der_named_bits_trailing_zero": lambda: with_ext(Cert(), KU, ext(KU, bitstring(b"\x80\x00"), True)),
    "e_der_constructed_string": lambda: sub(subject=seq(set_(seq(oid(CN), tlv(0x2C, utf8("x")))))),
    "e_der_set_of_not_sorted": lambda: multi_rdn(sorted_=False),
    "e_ext_value_undecodable": lambda: with_ext(Cert(), BC, ext(BC, octets(b""), True)),
    "e_der_oid_invalid": lambda: add_ext(Cert(), seq(tlv(0x06, b"\x2a\x03\x84"), octets(null()))),
    "e_der_empty_sequence_of": lambda: with_ext(Cert(), EKU, ext(EKU, seq())),
    "e_der_time_invalid": lambda: sub(not_before=utctime("2501010000Z")),
    "e_der_null_not_empty": lambda: sub(sig_inner=seq(oid("1.2.840.113549.1.1.11"), tlv(0x05, b"\x00")),
                                        sig_outer=seq(oid("1.2.840.113549.1.1.11"), tlv(0x05, b"\x00"))),
    # --- extensions (cert_rfc5280_ext.c)
    "e_ext_bc_not_critical": lambda: with_ext(Cert(ca=True), BC, ext(BC, seq(boolean(True)))),
    "e_ca_bc_ca_not_true": (lambda: Cert().replace_ext(BC, None), "subca"),
    "e_ext_ku_cert_sign_without_ca": lambda: with_ext(Cert(), KU, ext(KU, ku_bits(0, 5), True)),
    "e_ca_ku_missing": lambda: Cert(ca=True).replace_ext(KU, None),
    "w_ext_ku_not_critical": lambda: with_ext(Cert(), KU, ext(KU, ku_bits(0))),
    "e_ext_bc_path_len_without_ca": lambda: with_ext(Cert(), BC, ext(BC, seq(integer(0)), True)),
    "e_ext_bc_path_len_without_cert_sign": lambda: with_ext(Cert(ca=True), KU, ext(KU, ku_bits(0, 6), True)),
    "e_ext_bc_path_len_negative": lambda: with_ext(Cert(ca=True), BC, ext(BC, seq(boolean(True), integer(-1)), True)),
    "e_ext_ku_no_bits": lambda: with_ext(Cert(), KU, ext(KU, ku_bits(), True)),
    "w_ext_ku_only_bits_without_key_agreement": lambda: with_ext(Cert(), KU, ext(KU, ku_bits(0, 7), True)),
    "e_ext_ku_undefined_bits": lambda: with_ext(Cert(), KU, ext(KU, ku_bits(0, 9), True)),
    "e_ext_san_not_critical_without_subject": lambda: sub(subject=seq()),
    "w_ext_san_critical_with_subject": lambda: san(dns("www.example.com"), critical=True),
    "e_ext_san_no_entries": lambda: san(),
    "e_ext_aki_critical": lambda: with_ext(Cert(), AKI, ext(AKI, seq(ctx(0, b"\x01" * 20)), True)),
    "e_ext_aki_missing": lambda: Cert().replace_ext(AKI, None),
    "e_ext_aki_no_key_identifier": lambda: with_ext(Cert(), AKI, ext(AKI, seq(
        ctx(1, ctx(4, name((CN, utf8("r"))), True), True), ctx(2, b"\x01")))),
    "e_ext_aki_issuer_serial_unpaired": lambda: with_ext(Cert(), AKI, ext(AKI, seq(ctx(0, b"\x01" * 20),
                                                                                   ctx(2, b"\x01")))),
    "e_ext_ski_critical": lambda: with_ext(Cert(), SKI, ext(SKI, octets(b"\x02" * 20), True)),
    "e_ext_ski_missing_ca": lambda: Cert(ca=True).replace_ext(SKI, None),
    # (the TLS BRs call an SKI NOT RECOMMENDED in TLS certificates: an OCSP
    # responder's shows the RFC's warning)
    "w_ext_ski_missing_subscriber": lambda: with_ext(Cert(), EKU, ext(EKU, seq(oid(OCSP_SIGNING))))
        .replace_ext(SKI, None),
    "e_ext_key_identifier_empty": lambda: with_ext(Cert(), SKI, ext(SKI, octets(b""))),
    "w_ext_eku_any_critical": lambda: with_ext(Cert(), EKU, ext(EKU, seq(oid(SERVER_AUTH), oid(ANY_EKU)), True)),
    "w_ext_crldp_critical": lambda: with_ext(Cert(), CRLDP, ext(CRLDP, seq(seq(ctx(0, ctx(
        0, uri("http://crl.example.com/1.crl"), True), True))), True)),
    "e_ext_crldp_reasons_only": lambda: with_ext(Cert(), CRLDP, ext(CRLDP, seq(seq(ctx(1, b"\x05\xa0"))))),
    "e_ext_aia_critical": lambda: with_ext(Cert(), AIA, ext(AIA, seq(seq(oid(AD_OCSP), uri("http://o.example"))), True)),
    "e_ext_sia_critical": lambda: add_ext(Cert(), ext(SIA, seq(seq(oid("1.3.6.1.5.5.7.48.5"), uri("http://r.example/"))), True)),
    "e_ext_cp_duplicate": lambda: cp(seq(oid(BR_DV)), seq(oid(BR_DV))),
    "e_ext_cp_any_policy_bad_qualifier": lambda: cp(seq(oid(ANY_POLICY), seq(seq(oid("1.2.3"), null())))),
    "e_ext_cp_explicit_text_too_long": lambda: cp(unotice(utf8("x" * 201))),
    "w_ext_cp_explicit_text_not_utf8": lambda: cp(unotice(tlv(0x1A, b"text"))),
    "e_ext_cp_explicit_text_bad_type": lambda: cp(unotice(printable("text"))),
    "w_ext_cp_explicit_text_control": lambda: cp(unotice(utf8("a\nb"))),
    "w_ext_cp_notice_ref": lambda: cp(seq(oid(BR_DV), seq(seq(oid(QT_UNOTICE), seq(seq(utf8("org"), seq(integer(1)))))))),
    "e_ext_cp_cps_not_ia5": lambda: cp(seq(oid(BR_DV), seq(seq(oid(QT_CPS), utf8("http://cps.example/"))))),
    "e_ext_nc_not_ca": lambda: add_ext(Cert(), ext(NC, seq(ctx(0, seq(dns("example.com")), True)), True)),
    "w_ext_nc_not_critical": lambda: nc(seq(ctx(0, seq(dns("example.com")), True)), critical=None),
    "e_ext_nc_empty": lambda: nc(seq()),
    "e_ext_nc_ip_length": lambda: nc(seq(ctx(0, seq(ctx(7, b"\x0a\x00\x00\x00")), True))),
    "e_ext_nc_minimum_encoded": lambda: nc(seq(ctx(0, seq(dns("example.com"), ctx(0, b"\x00")), True))),
    "e_ext_nc_maximum_present": lambda: nc(seq(ctx(0, seq(dns("example.com"), ctx(1, b"\x05")), True))),
    "e_ext_pc_not_critical": lambda: add_ext(Cert(ca=True), ext(PC, seq(ctx(0, b"\x00")))),
    "e_ext_pc_empty": lambda: add_ext(Cert(ca=True), ext(PC, seq(), True)),
    "e_ext_iap_not_critical": lambda: add_ext(Cert(ca=True), ext(IAP, integer(0))),
    "w_ext_pm_not_critical": lambda: add_ext(Cert(ca=True), ext(PM, seq(seq(oid("1.2.3"), oid("1.2.4"))))),
    "e_ext_pm_any_policy": lambda: add_ext(Cert(ca=True), ext(PM, seq(seq(oid(ANY_POLICY), oid("1.2.4"))), True)),
    "e_ext_policy_in_subscriber": lambda: add_ext(Cert(), ext(IAP, integer(0), True)),
    "w_ext_ian_critical": lambda: add_ext(Cert(), ext(IAN, seq(dns("ca.example")), True)),
    "e_ext_sda_critical": lambda: add_ext(Cert(), ext(SDA, seq(seq(oid("2.5.4.3"), set_(utf8("x")))), True)),
    "e_ext_freshest_crl_critical": lambda: add_ext(Cert(), ext(FRESHEST, seq(seq(ctx(0, ctx(
        0, uri("http://crl.example.com/d.crl"), True), True))), True)),
    "w_ext_unknown_critical": lambda: add_ext(Cert(), ext("1.2.3.4", null(), True)),
    "e_ext_crl_extension_in_cert": lambda: add_ext(Cert(), ext(CRLNUM, integer(1))),
    "e_ct_poison_not_critical": lambda: add_ext(Cert(), ext(POISON, null())),
    "e_ct_poison_with_sct_list": lambda: add_ext(add_ext(Cert(), ext(POISON, null(), True)), ext(SCT, octets(b"\x00\x00"))),
    "e_ct_sct_list_critical": lambda: add_ext(Cert(), ext(SCT, octets(b"\x00\x00"), True)),
    "w_ocsp_nocheck_without_ocsp_signing": lambda: add_ext(Cert(), ext(NOCHECK, null())),
    # --- names (cert_rfc5280_name.c)
    "e_name_printable_string_badalpha": lambda: subj((CN, printable("a@b"))),
    "e_name_ia5_string_not_ascii": lambda: subj((CN, utf8("x")), (EMAIL, ia5(b"a\xc3@b"))),
    "e_name_utf8_invalid": lambda: subj((CN, utf8(b"a\xffb"))),
    "e_name_bmp_universal_length": lambda: subj((CN, tlv(0x1E, b"\x00a\x00"))),
    "e_name_directory_string_type": lambda: subj((CN, ia5("x"))),
    "w_name_directory_string_legacy": lambda: subj((CN, tlv(0x1E, b"\x00x"))),
    "e_name_country_invalid": lambda: subj((C, printable("USA")), (CN, utf8("x"))),
    "e_name_email_dc_not_ia5": lambda: subj((DC, utf8("com")), (CN, utf8("x"))),
    "e_name_serial_number_not_printable": lambda: subj((SERIAL, utf8("123")), (CN, utf8("x"))),
    "e_name_attribute_value_empty": lambda: subj((O, utf8("")), (CN, utf8("x"))),
    "w_name_leading_whitespace": lambda: subj((CN, utf8(" x"))),
    "w_name_trailing_whitespace": lambda: subj((CN, utf8("x "))),
    "e_name_control_characters": lambda: subj((CN, utf8("a\x01b"))),
    "e_subject_common_name_max_length": lambda: subj((CN, utf8("x" * 65))),
    "e_subject_organization_name_max_length": lambda: subj((O, utf8("x" * 65)), (CN, utf8("x"))),
    "e_subject_organizational_unit_max_length": lambda: subj((OU, utf8("x" * 65)), (CN, utf8("x"))),
    "e_subject_locality_name_max_length": lambda: subj((L, utf8("x" * 129)), (CN, utf8("x"))),
    "e_subject_state_name_max_length": lambda: subj((ST, utf8("x" * 129)), (CN, utf8("x"))),
    "e_subject_serial_number_max_length": lambda: subj((SERIAL, printable("1" * 65)), (CN, utf8("x"))),
    "e_subject_postal_code_max_length": lambda: subj((POSTAL, utf8("1" * 41)), (CN, utf8("x"))),
    "e_subject_email_max_length": lambda: subj((EMAIL, ia5("a" * 250 + "@b.com")), (CN, utf8("x"))),
    "e_subject_title_max_length": lambda: subj((TITLE, utf8("x" * 65)), (CN, utf8("x"))),
    "e_subject_given_name_max_length": lambda: subj((GIVEN, utf8("x" * 17)), (CN, utf8("x"))),
    "e_subject_surname_max_length": lambda: subj((SURNAME, utf8("x" * 41)), (CN, utf8("x"))),
    "n_subject_multi_valued_rdn": lambda: multi_rdn(),
    "w_name_too_many_attributes": lambda: name_attrs(49),
    "w_subject_multiple_common_names": lambda: subj((CN, utf8("a")), (CN, utf8("b"))),
    # --- GeneralNames (cert_rfc5280_gn.c)
    "e_san_dns_bad_character": lambda: san(dns("exa$mple.com")),
    "e_san_dns_label_too_long": lambda: san(dns("a" * 64 + ".com")),
    "e_san_dns_empty_label": lambda: san(dns("a..com")),
    "e_san_dns_too_long": lambda: san(dns(long_dns())),
    "e_san_dns_wildcard_not_leftmost": lambda: san(dns("a.*.example.com")),
    "e_san_dns_hyphen_at_label_edge": lambda: san(dns("-a.example.com")),
    "e_san_dns_space": lambda: san(dns(" ")),
    "e_san_dns_bare_wildcard": lambda: san(dns("*")),
    "n_san_duplicate_name": lambda: san(dns("www.example.com"), dns("WWW.example.com")),
    "e_san_empty_value": lambda: san(dns("")),
    "e_san_rfc822_syntax": lambda: san(dns("example.com"), ctx(1, b"no-at-sign")),
    "e_san_ip_length": lambda: san(dns("example.com"), ctx(7, b"\x01\x02\x03\x04\x05")),
    "e_san_uri_syntax": lambda: san(dns("example.com"), uri("not a uri")),
    "e_ian_no_entries": lambda: add_ext(Cert(), ext(IAN, seq())),
    "e_ian_empty_value": lambda: add_ext(Cert(), ext(IAN, seq(uri("")))),
    "e_ian_dns_space": lambda: add_ext(Cert(), ext(IAN, seq(dns(" ")))),
    "e_ian_dns_syntax": lambda: add_ext(Cert(), ext(IAN, seq(dns("ca..example.com")))),
    "e_ian_rfc822_syntax": lambda: add_ext(Cert(), ext(IAN, seq(ctx(1, b"nobody")))),
    "e_ian_uri_syntax": lambda: add_ext(Cert(), ext(IAN, seq(uri("/relative/path")))),
    "e_crldp_uri_syntax": lambda: crldp_uri("http//crl.example.com"),
    "w_crldp_no_uri": lambda: with_ext(Cert(), CRLDP, ext(CRLDP, seq(seq(ctx(0, ctx(
        0, ctx(4, name((CN, utf8("crl"))), True), True), True))))),
    "e_info_access_uri_syntax": lambda: aia(seq(oid(AD_OCSP), uri("ocsp.example.com"))),
    "w_aia_ca_issuers_not_http": lambda: aia(seq(oid(AD_CA_ISSUERS), uri("ftp://ca.example.com/ca.crt"))),
    "w_aia_ocsp_not_uri": lambda: aia(seq(oid(AD_OCSP), dns("ocsp.example.com"))),
}


def empty_subject_no_san():
    c = Cert().replace_ext(SAN, None)
    c.subject = seq()
    return c


CASES["e_subject_empty_without_san"] = empty_subject_no_san

LEVEL = {"e": "error", "w": "warn", "n": "notice"}


def full_sub():
    """A subscriber certificate with every optional thing done right."""
    c = Cert()
    c.subject = name((C, printable("DE")), (ST, utf8("Berlin")), (L, utf8("Berlin")),
                     (O, utf8("casc test")), (CN, utf8("www.example.com")))
    c.replace_ext(SAN, ext(SAN, seq(dns("www.example.com"), dns("*.example.com"),
                                    ctx(1, b"admin@example.com"), ctx(7, b"\xc0\x00\x02\x01"),
                                    uri("https://www.example.com/"))))
    c.exts.append(ext(SDA, seq(seq(oid("2.5.4.3"), set_(utf8("x"))))))
    c.exts.append(ext(IAN, seq(dns("ca.example.com"), ctx(1, b"ca@example.com"),
                               uri("http://ca.example.com/"))))
    c.replace_ext(CP, ext(CP, seq(seq(oid(BR_DV), seq(seq(oid(QT_CPS), ia5("http://cps.example.com/")),
                                                      seq(oid(QT_UNOTICE), seq(utf8("notice"))))))))
    return c


def full_ca():
    """A CA certificate with the policy and name-constraint extensions done right."""
    c = Cert(ca=True)
    c.exts += [
        ext(NC, seq(ctx(0, seq(dns("example.com")), True),
                    ctx(1, seq(ctx(7, b"\x0a\x00\x00\x00\xff\x00\x00\x00")), True)), True),
        ext(PC, seq(ctx(0, b"\x00")), True),
        ext(IAP, integer(0), True),
        ext(PM, seq(seq(oid("1.2.3"), oid("1.2.4"))), True),
        ext(SIA, seq(seq(oid("1.3.6.1.5.5.7.48.5"), uri("http://repo.example.com/")))),
        ext(FRESHEST, seq(seq(ctx(0, ctx(0, uri("http://crl.example.com/d.crl"), True), True)))),
        ext(CRLDP, seq(seq(ctx(0, ctx(0, uri("http://crl.example.com/ca.crl"), True), True)))),
        ext(AIA, seq(seq(oid(AD_OCSP), uri("http://ocsp.example.com")),
                     seq(oid(AD_CA_ISSUERS), uri("http://ca.example.com/root.crt")))),
    ]
    return c


def ocsp_signer():
    c = Cert()
    c.replace_ext(EKU, ext(EKU, seq(oid(OCSP_SIGNING))))
    c.exts.append(ext(NOCHECK, null()))
    return c


def precert():
    c = Cert()
    c.exts.append(ext(POISON, null(), True))
    return c


def with_scts():
    c = Cert()
    c.exts.append(ext(SCT, octets(b"\x00\x00")))
    return c


def rsa_sub():
    sha256_rsa = seq(oid("1.2.840.113549.1.1.11"), null())
    return sub(spki=rsa_spki(null()), sig_inner=sha256_rsa, sig_outer=sha256_rsa)


def root():
    c = Cert(ca=True)
    c.subject = c.issuer
    c.replace_ext(AKI, None)
    return c


def no_subject():
    c = Cert()
    c.subject = seq()
    c.replace_ext(SAN, ext(SAN, seq(dns("www.example.com")), True))
    return c


BASELINES = {"good-sub": Cert, "good-rsa": rsa_sub, "good-root": root, "good-no-subject": no_subject, "good-ca": lambda: Cert(ca=True), "good-sub-full": full_sub,
             "good-ca-full": full_ca, "good-ocsp-signer": ocsp_signer,
             "good-precert": precert, "good-sct": with_scts}
BASELINES = {k: v() for k, v in BASELINES.items()}


class TestLintRFC5280(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="casc-lint5280-")
        cls.results = {}  # file name -> {lint: result}
        cls.details = {}  # file name -> {lint: details}
        by_profile = {}
        for lint, case in CASES.items():
            build, profile = case if isinstance(case, tuple) else (case, None)
            path = os.path.join(cls.tmp.name, (profile or "auto"), lint + ".der")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(build().der())
            by_profile.setdefault(profile, []).append(path)
        for kind, c in BASELINES.items():
            path = os.path.join(cls.tmp.name, "auto", kind + ".der")
            with open(path, "wb") as f:
                f.write(c.der())
            by_profile.setdefault(None, []).append(path)
        for profile, paths in by_profile.items():
            args = ["lint", "--json"] + (["--profile", profile] if profile else [])
            proc = casc(*args, os.path.join(cls.tmp.name, profile or "auto"))
            if proc.returncode not in (0, 1):
                raise AssertionError(f"casc lint exited {proc.returncode}: {proc.stderr}")
            for inp in json.loads(proc.stdout)["inputs"]:
                name = os.path.basename(inp["file"])[:-4]
                cls.results[name] = {r["lint"]: r["result"] for r in inp["results"]}
                cls.details[name] = {r["lint"]: r["details"] for r in inp["results"]}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_every_lint_has_a_case(self):
        missing = our_lints() - set(CASES)
        self.assertEqual(missing, set(), "lints without a test case")
        self.assertGreaterEqual(len(our_lints()), 80)

    def test_each_case_trips_its_lint(self):
        for lint in CASES:
            with self.subTest(lint=lint):
                res = self.results.get(lint)
                self.assertIsNotNone(res, f"{lint}.der was not linted")
                self.assertEqual(res.get(lint), LEVEL[lint[0]],
                                 f"{lint}: {res.get(lint)}")
                self.assertTrue(self.details[lint][lint], f"{lint}: no details")

    def test_baselines_pass_every_lint(self):
        ours = our_lints()
        for kind in BASELINES:
            res = self.results[kind]
            for lint in ours:
                with self.subTest(cert=kind, lint=lint):
                    self.assertIn(res.get(lint), ("pass", "na", "ne"))
        # and each lint really ran ("pass", not only "na") on some baseline
        never = {l for l in ours if all(self.results[k].get(l) != "pass" for k in BASELINES)}
        self.assertEqual(never, set(), "lints no baseline passes (only n/a)")

    def test_not_effective_before_the_rule(self):
        # RFC 5280's 20-octet serial limit, for a certificate of 2005: "ne"
        c = Cert()
        c.serial = integer(b"\x01" * 21)
        c.not_before = utctime("050101000000Z")
        c.not_after = utctime("060101000000Z")
        with tempfile.NamedTemporaryFile(suffix=".der") as f:
            f.write(c.der())
            f.flush()
            out = json.loads(casc("lint", "--json", f.name).stdout)
        res = {r["lint"]: r["result"] for r in out["inputs"][0]["results"]}
        self.assertEqual(res["e_serial_longer_than_20_octets"], "ne")


if __name__ == "__main__":
    unittest.main(verbosity=2)
