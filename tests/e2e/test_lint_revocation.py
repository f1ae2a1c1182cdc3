#!/usr/bin/env python3
"""CRL and OCSP lints end to end, with real peers: CRLs and OCSP responses
built by Python cryptography (good ones, and ones breaking a rule each) go
through `casc lint --json`; the CRLs and presigned OCSP responses casc
itself makes pass `casc lint`; and the CA refuses, before signing, a
certificate that a lint finds an error in (a CSR whose RSA modulus
Fermat's method factors), leaving the database as it was."""

import datetime
import json
import os
import random
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from casctest import CascTestCase, casc, db_snapshot, run  # noqa: E402

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, rsa  # noqa: E402
from cryptography.x509 import ocsp  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # noqa: E402

NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_cert(cn, key, issuer_cert, issuer_key, ca=False, ocsp_signer=False, nocheck=True):
    b = (x509.CertificateBuilder()
         .subject_name(name(cn))
         .issuer_name(issuer_cert.subject if issuer_cert else name(cn))
         .public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(NOW - 10 * DAY)
         .not_valid_after(NOW + 60 * DAY)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False))
    if issuer_cert is not None:
        ski = issuer_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        b = b.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), False)
    if ca:
        b = b.add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
    if ocsp_signer:
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), False)
        if nocheck:
            b = b.add_extension(x509.OCSPNoCheck(), False)
    return b.sign(issuer_key, hashes.SHA256())


class Pki:
    def __init__(self):
        self.ca_key = ec.generate_private_key(ec.SECP256R1())
        self.ca = make_cert("e2e Issuing CA", self.ca_key, None, self.ca_key, ca=True)
        self.rsp_key = ec.generate_private_key(ec.SECP256R1())
        self.rsp = make_cert("e2e OCSP", self.rsp_key, self.ca, self.ca_key, ocsp_signer=True)
        self.rsp_nocheck = make_cert("e2e OCSP without nocheck", self.rsp_key, self.ca,
                                     self.ca_key, ocsp_signer=True, nocheck=False)
        self.leaf_key = ec.generate_private_key(ec.SECP256R1())
        self.leaf = make_cert("leaf.e2e.test", self.leaf_key, self.ca, self.ca_key)


def crl(pki, reason=x509.ReasonFlags.key_compromise, next_update=7 * DAY, number=True,
        aki=True, extra=None):
    b = (x509.CertificateRevocationListBuilder()
         .issuer_name(pki.ca.subject)
         .last_update(NOW)
         .next_update(NOW + next_update))
    if aki:
        ski = pki.ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
                            False)
    if number:
        b = b.add_extension(x509.CRLNumber(42), False)
    if extra is not None:
        b = b.add_extension(*extra)
    rb = (x509.RevokedCertificateBuilder()
          .serial_number(0x1234567890ABCDEF)
          .revocation_date(NOW - DAY))
    if reason is not None:
        rb = rb.add_extension(x509.CRLReason(reason), False)
    b = b.add_revoked_certificate(rb.build())
    return b.sign(pki.ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def ocsp_response(pki, responder=None, status=ocsp.OCSPCertStatus.GOOD, reason=None,
                  validity=4 * DAY, by_key=True, no_next=False):
    responder = responder or pki.rsp
    this = NOW - HOUR
    b = ocsp.OCSPResponseBuilder().add_response(
        cert=pki.leaf, issuer=pki.ca, algorithm=hashes.SHA1(), cert_status=status,
        this_update=this, next_update=None if no_next else this + validity,
        revocation_time=NOW - DAY if status == ocsp.OCSPCertStatus.REVOKED else None,
        revocation_reason=reason)
    b = b.responder_id(ocsp.OCSPResponderEncoding.HASH if by_key else
                       ocsp.OCSPResponderEncoding.NAME, responder)
    b = b.certificates([responder])
    return b.sign(pki.rsp_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


class LintRevocation(CascTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pki = Pki()

    def lint(self, der, *args):
        path = self.path("input-%d.der" % random.randrange(1 << 30))
        with open(path, "wb") as f:
            f.write(der)
        proc = casc("lint", "--json", *args, path)
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        out = json.loads(proc.stdout)
        self.assertEqual(len(out["inputs"]), 1)
        findings = {r["lint"]: r for r in out["inputs"][0]["results"]
                    if r["result"] in ("notice", "warn", "error", "fatal")}
        return proc.returncode, out["inputs"][0], findings

    def assert_clean(self, der):
        status, inp, findings = self.lint(der)
        self.assertEqual(findings, {})
        self.assertEqual(status, 0)
        return inp

    def assert_finding(self, der, lint, result="error"):
        status, inp, findings = self.lint(der)
        self.assertIn(lint, findings, f"{lint} not among {sorted(findings)}")
        self.assertEqual(findings[lint]["result"], result)
        self.assertTrue(findings[lint]["citation"])
        self.assertEqual(status, 1 if any(f["result"] in ("error", "fatal")
                                          for f in findings.values()) else 0)

    # --- CRLs from Python cryptography ---------------------------------------
    def test_crl_good(self):
        inp = self.assert_clean(crl(self.pki))
        self.assertEqual(inp["kind"], "crl")
        results = {r["lint"]: r for r in inp["results"]}
        # zlint's names, where zlint has the lint
        self.assertEqual(results["e_crl_next_update_missing"]["alias"], "e_crl_has_next_update")
        self.assertEqual(results["e_crl_aki_missing"]["result"], "pass")
        self.assertEqual(results["e_crl_entry_duplicate_serial"]["result"], "pass")

    def test_crl_faults(self):
        p = self.pki
        self.assert_finding(crl(p, reason=x509.ReasonFlags.certificate_hold),
                            "e_crl_reason_certificate_hold")
        self.assert_finding(crl(p, reason=x509.ReasonFlags.unspecified),
                            "e_crl_reason_unspecified_encoded")
        self.assert_finding(crl(p, next_update=400 * DAY), "e_crl_next_update_over_12_months")
        self.assert_finding(crl(p, number=False), "e_crl_number_missing")
        self.assert_finding(crl(p, aki=False), "e_crl_aki_missing")
        unknown = x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.55555.1"),
                                             b"\x05\x00")
        self.assert_finding(crl(p, extra=(unknown, True)), "e_crl_unknown_critical_extension")
        self.assert_finding(crl(p, extra=(unknown, False)), "w_crl_extension_not_recommended",
                            "warn")

    def test_crl_pem_and_openssl(self):
        # the same CRL as PEM, and as OpenSSL re-encodes it: both lint clean
        der = crl(self.pki)
        pem = self.path("good.crl.pem")
        with open(self.path("good.crl"), "wb") as f:
            f.write(der)
        run("openssl", "crl", "-inform", "DER", "-in", self.path("good.crl"), "-outform", "PEM",
            "-out", pem)
        proc = casc("lint", pem)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertEqual(proc.stdout.strip(), "")

    # --- OCSP responses from Python cryptography ---------------------------------
    def test_ocsp_good(self):
        inp = self.assert_clean(ocsp_response(self.pki))
        self.assertEqual(inp["kind"], "ocsp")
        self.assert_clean(ocsp_response(self.pki, status=ocsp.OCSPCertStatus.REVOKED,
                                        reason=x509.ReasonFlags.key_compromise))
        unsuccessful = ocsp.OCSPResponseBuilder.build_unsuccessful(
            ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
        self.assert_clean(unsuccessful.public_bytes(serialization.Encoding.DER))

    def test_ocsp_faults(self):
        p = self.pki
        self.assert_finding(ocsp_response(p, responder=p.rsp_nocheck),
                            "e_ocsp_responder_missing_nocheck")
        self.assert_finding(ocsp_response(p, no_next=True), "e_ocsp_next_update_missing")
        self.assert_finding(ocsp_response(p, validity=12 * DAY), "e_ocsp_validity_over_10_days")
        self.assert_finding(ocsp_response(p, validity=2 * HOUR), "e_ocsp_validity_under_8_hours")
        self.assert_finding(ocsp_response(p, status=ocsp.OCSPCertStatus.REVOKED,
                                          reason=x509.ReasonFlags.certificate_hold),
                            "e_ocsp_revocation_reason_not_allowed")
        self.assert_finding(ocsp_response(p, by_key=False), "n_ocsp_responder_id_by_name",
                            "notice")

    # --- what casc makes ------------------------------------------------------------
    def test_casc_output_is_clean(self):
        ca = self.new_ca("ca")
        serials = [self.issue(ca, "a.lint.casc-test.com"), self.issue(ca, "b.lint.casc-test.com")]
        casc("revoke", serials[0], "--reason", "keyCompromise", ca=ca, check=True)
        out = self.path("crls")
        os.mkdir(out)
        casc("crl", "--out", out, ca=ca, check=True)
        proc = casc("lint", "--json", os.path.join(out, "crl"))
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        inputs = json.loads(proc.stdout)["inputs"]
        self.assertGreaterEqual(len(inputs), 5)
        for inp in inputs:
            self.assertEqual(inp["kind"], "crl")
            bad = [r for r in inp["results"] if r["result"] not in ("pass", "na", "ne")]
            self.assertEqual(bad, [], inp["file"])
        # the presigned OCSP responses (made from the template, linted before use)
        casc("ocsp", "presign", ca=ca, check=True)
        con = sqlite3.connect(f"file:{ca}/casc.db?mode=ro", uri=True)
        rows = con.execute("SELECT serial, der FROM ocsp_responses").fetchall()
        con.close()
        self.assertGreaterEqual(len(rows), 2)
        for serial, der in rows:
            status, inp, findings = self.lint(bytes(der))
            self.assertEqual(findings, {}, serial)
            self.assertEqual(status, 0)

    def issue(self, ca, dns):
        return self.issue_json(ca, "--profile", "tls-server", "--dns", dns, "--key-out",
                               self.path(dns + ".key"))["serial"]

    # --- lint before sign ------------------------------------------------------------
    def test_issue_refused_by_lint(self):
        ca = self.new_ca("ca-refuse")
        key = fermat_weak_key()
        csr = (x509.CertificateSigningRequestBuilder()
               .subject_name(name("weak.lint.casc-test.com"))
               .add_extension(x509.SubjectAlternativeName([x509.DNSName("weak.lint.casc-test.com")]),
                              False)
               .sign(key, hashes.SHA256()))
        path = self.path("weak.csr")
        with open(path, "wb") as f:
            f.write(csr.public_bytes(serialization.Encoding.PEM))
        before = db_snapshot(ca)
        listed = casc("list", "--json", ca=ca, check=True).stdout
        out = self.path("weak.pem")
        proc = casc("issue", "--profile", "tls-server", "--csr", path, "-o", out, ca=ca)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("refused by lint", proc.stderr)
        self.assertIn("e_rsa_fermat_factorization", proc.stderr)
        self.assertFalse(os.path.exists(out))
        self.assertEqual(db_snapshot(ca), before)
        self.assertEqual(casc("list", "--json", ca=ca, check=True).stdout, listed)


def is_probable_prime(n):
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(24):
        x = pow(random.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def next_prime(n):
    n |= 1
    while not is_probable_prime(n):
        n += 2
    return n


def fermat_weak_key():
    """An RSA-2048 key whose primes are neighbours: Fermat's method factors
    its modulus at once."""
    while True:
        p = next_prime(random.getrandbits(1024) | (3 << 1022))
        q = next_prime(p + 2)
        e = 65537
        phi = (p - 1) * (q - 1)
        if phi % e == 0:
            continue
        d = pow(e, -1, phi)
        pub = rsa.RSAPublicNumbers(e, p * q)
        priv = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), pub)
        return priv.private_key()


if __name__ == "__main__":
    unittest.main()
