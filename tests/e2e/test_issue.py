"""casc init and casc issue, for every key type, checked by openssl and by
Python cryptography."""
import datetime
import json
import os
import unittest

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID

from casctest import KEY_TYPES, CascTestCase, casc, run

CERT_FILES = ["root-ca", "issuing-ca", "code-signing-ca", "timestamping-ca", "ocsp-signer",
              "code-signing-ca-ocsp-signer", "timestamping-ca-ocsp-signer", "tsa"]
OCSP_NOCHECK = x509.ObjectIdentifier("1.3.6.1.5.5.7.48.1.5")
TLS_FEATURE = x509.ObjectIdentifier("1.3.6.1.5.5.7.1.24")


def load(path):
    with open(path, "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def not_before(cert):
    return getattr(cert, "not_valid_before_utc", None) or cert.not_valid_before


def not_after(cert):
    return getattr(cert, "not_valid_after_utc", None) or cert.not_valid_after


def validity(cert):
    return not_after(cert) - not_before(cert)


def key_desc(cert):
    k = cert.public_key()
    if isinstance(k, rsa.RSAPublicKey):
        return f"rsa-{k.key_size}"
    return {"secp256r1": "ec-p256", "secp384r1": "ec-p384"}[k.curve.name]


def rsa_at_least(key_type, bits):
    if not key_type.startswith("rsa"):
        return key_type
    return f"rsa-{max(int(key_type[4:]), bits)}"


class TestInitEveryKeyType(CascTestCase):
    def test_hierarchy_for_every_key_type(self):
        for kt in KEY_TYPES:
            with self.subTest(key_type=kt):
                ca = self.new_ca(f"ca-{kt}", "--key-type", kt, "--name", "Test " + kt)
                self.check_hierarchy(ca, kt)
                self.check_issue_every_profile(ca, kt)

    def check_hierarchy(self, ca, kt):
        certs = {n: load(os.path.join(ca, "certs", n + ".pem")) for n in CERT_FILES}
        self.assertEqual(oct(os.stat(os.path.join(ca, "keys")).st_mode & 0o777), "0o700")
        for name in os.listdir(os.path.join(ca, "keys")):
            mode = os.stat(os.path.join(ca, "keys", name)).st_mode & 0o777
            self.assertEqual(mode, 0o600, name)
        # CSBR 6.1.5 raises the keys it governs; the TLS side keeps the choice.
        self.assertEqual(key_desc(certs["root-ca"]), rsa_at_least(kt, 4096))
        self.assertEqual(key_desc(certs["issuing-ca"]), kt)
        self.assertEqual(key_desc(certs["code-signing-ca"]), rsa_at_least(kt, 4096))
        self.assertEqual(key_desc(certs["timestamping-ca"]), rsa_at_least(kt, 4096))
        self.assertEqual(key_desc(certs["tsa"]), rsa_at_least(kt, 3072))
        self.assertEqual(key_desc(certs["ocsp-signer"]), kt)
        self.assertEqual(key_desc(certs["code-signing-ca-ocsp-signer"]), rsa_at_least(kt, 3072))
        untrusted = ["-untrusted", os.path.join(ca, "certs", "issuing-ca.pem"),
                     "-untrusted", os.path.join(ca, "certs", "code-signing-ca.pem"),
                     "-untrusted", os.path.join(ca, "certs", "timestamping-ca.pem")]
        for n in CERT_FILES:
            p = os.path.join(ca, "certs", n + ".pem")
            out = run("openssl", "verify", "-x509_strict", "-CAfile",
                      os.path.join(ca, "certs", "root-ca.pem"), *untrusted, p).stdout
            self.assertIn(": OK", out)
            run("openssl", "x509", "-in", p, "-noout", "-text")
        # One issuing CA per purpose, each with its EKU (BR 7.1.2.10.6, CSBR 7.1.2.2).
        for name, eku in [("issuing-ca", ExtendedKeyUsageOID.SERVER_AUTH),
                          ("code-signing-ca", ExtendedKeyUsageOID.CODE_SIGNING),
                          ("timestamping-ca", ExtendedKeyUsageOID.TIME_STAMPING)]:
            c = certs[name]
            self.assertEqual(list(c.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value),
                             [eku])
            bc = c.extensions.get_extension_for_class(x509.BasicConstraints)
            self.assertTrue(bc.critical and bc.value.ca and bc.value.path_length == 0)
            self.assertEqual(c.issuer, certs["root-ca"].subject)
        # Delegated responders: OCSPSigning, nocheck, short-lived, from their CA.
        for name, issuer in [("ocsp-signer", "issuing-ca"),
                             ("code-signing-ca-ocsp-signer", "code-signing-ca"),
                             ("timestamping-ca-ocsp-signer", "timestamping-ca")]:
            c = certs[name]
            self.assertEqual(c.issuer, certs[issuer].subject)
            self.assertEqual(list(c.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value),
                             [ExtendedKeyUsageOID.OCSP_SIGNING])
            c.extensions.get_extension_for_oid(OCSP_NOCHECK)
            self.assertLessEqual((validity(c)).days, 90)
        # TSA: sole, critical timeStamping EKU (RFC 3161 2.3).
        eku = certs["tsa"].extensions.get_extension_for_class(x509.ExtendedKeyUsage)
        self.assertTrue(eku.critical)
        self.assertEqual(list(eku.value), [ExtendedKeyUsageOID.TIME_STAMPING])
        self.assertEqual(certs["tsa"].issuer, certs["timestamping-ca"].subject)
        self.assertEqual(casc("audit", "verify", ca=ca).returncode, 0)

    def check_issue_every_profile(self, ca, kt):
        d = self.path(f"out-{kt}")
        os.makedirs(d, exist_ok=True)
        subject_cs = "CN=Example Code,O=Example Ltd,L=Berlin,C=DE"
        cases = [
            ("tls-server", ["--dns", "www.example.com"], "issuing-ca"),
            ("code-signing", ["--subject", subject_cs, "--key-type", "rsa-3072"],
             "code-signing-ca"),
            ("timestamping", ["--subject", "CN=Example TSA,O=Example Ltd,C=DE"],
             "timestamping-ca"),
            ("ocsp-signing", ["--subject", "CN=Extra Responder,O=Example Ltd,C=DE"],
             "issuing-ca"),
            ("sub-ca", ["--subject", "CN=Example Sub CA,O=Example Ltd,C=DE"], None),
        ]
        root = os.path.join(ca, "certs", "root-ca.pem")
        for profile, args, issuer in cases:
            leaf, chain, key = (os.path.join(d, f"{profile}.{x}") for x in ("pem", "chain", "key"))
            rec = self.issue_json(ca, "--profile", profile, *args, "-o", leaf,
                                  "--chain-out", chain, "--key-out", key)
            self.assertEqual(rec["profile"], profile)
            self.assertEqual(rec["status"], "valid")
            cert = load(leaf)
            self.assertEqual(rec["serial"], format(cert.serial_number, "X").rjust(32, "0"))
            # Serial: positive, >= 64 random bits, <= 20 octets.
            self.assertGreater(cert.serial_number, 2 ** 64)
            self.assertLess(cert.serial_number.bit_length(), 160)
            args = ["openssl", "verify", "-x509_strict", "-CAfile", root]
            if issuer is not None:
                args += ["-untrusted", chain]
            self.assertIn(": OK", run(*args, leaf).stdout)
            if issuer is not None:
                self.assertEqual(load(chain).subject,
                                 load(os.path.join(ca, "certs", issuer + ".pem")).subject)
            self.assertEqual(oct(os.stat(key).st_mode & 0o777), "0o600")
            ext = cert.extensions
            ext.get_extension_for_class(x509.AuthorityKeyIdentifier)
            if profile != "ocsp-signing":
                aia = ext.get_extension_for_class(x509.AuthorityInformationAccess).value
                urls = [a.access_location.value for a in aia]
                self.assertTrue(any(u.endswith("/ca/%s.crt" % (issuer or "root-ca"))
                                    for u in urls), urls)
                cdp = ext.get_extension_for_class(x509.CRLDistributionPoints).value
                url = cdp[0].full_name[0].value
                self.assertTrue(url.startswith("http://127.0.0.1:8080/crl/"), url)
                pol = ext.get_extension_for_class(x509.CertificatePolicies).value
                self.assertTrue(pol[0].policy_identifier.dotted_string.startswith("2.23.140.1."))
            run("openssl", "x509", "-in", leaf, "-noout", "-text")


class TestIssue(CascTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ca = os.path.join(cls.tmp, "ca")
        casc("init", "--crl-shards", "8", ca=cls.ca, check=True)

    def test_csr_from_openssl_req_issues(self):
        key, csr, leaf = self.path("r.key"), self.path("r.csr"), self.path("r.pem")
        run("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
            "-out", csr, "-subj", "/CN=ignored.example.org",
            "-addext", "subjectAltName=DNS:shop.example.org,DNS:www.example.org")
        proc = casc("issue", "--profile", "tls-server", "--csr", csr, "-o", leaf,
                    "--dns", "extra.example.org", ca=self.ca, check=True)
        serial = proc.stdout.strip()
        self.assertRegex(serial, r"^[0-9A-F]+$")
        out = run("openssl", "x509", "-in", leaf, "-noout", "-serial").stdout.strip()
        self.assertEqual(out, "serial=" + serial)
        cert = load(leaf)
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        self.assertEqual(sans.get_values_for_type(x509.DNSName),
                         ["shop.example.org", "www.example.org", "extra.example.org"])
        # BR 7.1.2.7.2: a DV subject holds only a commonName that is one of the SANs.
        self.assertEqual(cert.subject.rfc4514_string(), "CN=shop.example.org")
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        self.assertTrue(ku.digital_signature and ku.key_encipherment)
        # The key in the certificate is the CSR's.
        pub = run("openssl", "x509", "-in", leaf, "-noout", "-pubkey").stdout
        self.assertEqual(pub, run("openssl", "pkey", "-in", key, "-pubout").stdout)
        # DER CSR too
        der = self.path("r.der")
        run("openssl", "req", "-in", csr, "-outform", "DER", "-out", der)
        casc("issue", "--profile", "tls-server", "--csr", der, ca=self.ca, check=True)

    def test_tls_defaults_and_validity_rules(self):
        rec = self.issue_json(self.ca, "--profile", "tls-server", "--dns", "a.example.com",
                              "--key-out", self.path("a.key"), "-o", self.path("a.pem"))
        cert = load(self.path("a.pem"))
        # 90 days by default, counted inclusively (BR 6.3.2).
        self.assertEqual(validity(cert),
                         datetime.timedelta(days=90, seconds=-1))
        self.assertEqual(rec["not_before"], not_before(cert).strftime("%Y-%m-%dT%H:%M:%SZ"))
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        self.assertEqual(list(eku), [ExtendedKeyUsageOID.SERVER_AUTH])
        with self.assertRaises(x509.ExtensionNotFound):
            cert.extensions.get_extension_for_oid(TLS_FEATURE)
        # SC-081: at most 200 days from 2026-03-15 (the tests run after that date).
        ok = casc("issue", "--profile", "tls-server", "--dns", "b.example.com", "--days", "200",
                  "--key-out", self.path("b.key"), ca=self.ca)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        proc = casc("issue", "--profile", "tls-server", "--dns", "c.example.com", "--days", "201",
                    "--key-out", self.path("c.key"), ca=self.ca)
        self.assert_one_line_error(proc, 1, "SC-081", "200 days")
        self.assertFalse(os.path.exists(self.path("c.key")), "a refused issuance keeps no key")

    def test_must_staple_and_key_types(self):
        leaf = self.path("ms.pem")
        casc("issue", "--profile", "tls-server", "--dns", "ms.example.com", "--must-staple",
             "--key-type", "ec-p384", "-o", leaf, "--key-out", self.path("ms.key"),
             ca=self.ca, check=True)
        cert = load(leaf)
        feat = cert.extensions.get_extension_for_oid(TLS_FEATURE)
        self.assertEqual(list(feat.value), [x509.TLSFeatureType.status_request])
        self.assertEqual(cert.public_key().curve.name, "secp384r1")

    def test_code_signing_rules(self):
        subject = "CN=Example Code,O=Example Ltd,ST=Bayern,C=DE"
        # CSBR 6.1.5: RSA below 3072 is refused.
        proc = casc("issue", "--profile", "code-signing", "--subject", subject, "--key-type",
                    "rsa-2048", "--key-out", self.path("cs.key"), ca=self.ca)
        self.assert_one_line_error(proc, 1, "CSBR 6.1.5")
        # CSBR 6.3.2: at most 460 days.
        proc = casc("issue", "--profile", "code-signing", "--subject", subject, "--days", "461",
                    "--key-out", self.path("cs.key"), ca=self.ca)
        self.assert_one_line_error(proc, 1, "CSBR 6.3.2")
        # CSBR 7.1.4.2.2: organization and country are required.
        proc = casc("issue", "--profile", "code-signing", "--subject", "CN=Nobody",
                    "--key-out", self.path("cs.key"), ca=self.ca)
        self.assert_one_line_error(proc, 1, "CSBR 7.1.4.2.2")
        rec = self.issue_json(self.ca, "--profile", "code-signing", "--subject", subject,
                              "--key-out", self.path("cs.key"), "-o", self.path("cs.pem"))
        cert = load(self.path("cs.pem"))
        self.assertEqual(rec["subject"], "CN=Example Code,O=Example Ltd,ST=Bayern,C=DE")
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        self.assertEqual(list(eku), [ExtendedKeyUsageOID.CODE_SIGNING])
        self.assertEqual((validity(cert)).days, 364)

    def test_tls_name_rules(self):
        for name, rule in [("localhost", "Internal"), ("host.test", "reserved"),
                           ("bad_name.example.com", "BR 7.1.2.7.12"),
                           ("10.0.0.1", "IP address")]:
            with self.subTest(name=name):
                proc = casc("issue", "--profile", "tls-server", "--dns", name,
                            "--key-out", self.path("n.key"), ca=self.ca)
                self.assert_one_line_error(proc, 1, rule)

    def test_long_names_leave_the_common_name(self):
        long = "a" * 60 + ".example-long-name.com"  # fits a dNSName, not a commonName
        leaf = self.path("long.pem")
        casc("issue", "--profile", "tls-server", "--dns", long, "-o", leaf,
             "--key-out", self.path("long.key"), ca=self.ca, check=True)
        cert = load(leaf)
        self.assertEqual(len(cert.subject), 0)
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        self.assertTrue(san.critical, "RFC 5280 4.2.1.6: critical with an empty subject")
        self.assertEqual(san.value.get_values_for_type(x509.DNSName), [long])
        chain = os.path.join(self.ca, "certs", "issuing-ca.pem")
        self.assertIn(": OK", run("openssl", "verify", "-CAfile",
                                  os.path.join(self.ca, "certs", "root-ca.pem"),
                                  "-untrusted", chain, leaf).stdout)

    def test_shard_in_crl_url_is_stable(self):
        cdps = {}
        for i in range(12):
            leaf = self.path(f"s{i}.pem")
            casc("issue", "--profile", "tls-server", "--dns", f"s{i}.example.com", "-o", leaf,
                 "--key-out", self.path(f"s{i}.key"), ca=self.ca, check=True)
            cert = load(leaf)
            url = cert.extensions.get_extension_for_class(
                x509.CRLDistributionPoints).value[0].full_name[0].value
            self.assertRegex(url, r"/crl/issuing-ca/[0-7]\.crl$")
            cdps[cert.serial_number] = url
        self.assertGreater(len(set(cdps.values())), 1, "serials spread over the shards")

    def test_list_and_show(self):
        leaf = self.path("ls.pem")
        serial = casc("issue", "--profile", "tls-server", "--dns", "ls.example.com", "-o", leaf,
                      "--key-out", self.path("ls.key"), ca=self.ca, check=True).stdout.strip()
        listing = json.loads(casc("list", "--json", ca=self.ca, check=True).stdout)
        self.assertIsInstance(listing, list)
        rec = next(r for r in listing if r["serial"] == serial)
        for key in ["serial", "issuer", "subject", "profile", "not_before", "not_after",
                    "status", "revoked_at", "reason"]:
            self.assertIn(key, rec)
        self.assertEqual(rec["issuer"], "CN=casc Demo TLS Issuing CA,O=casc Demo,C=XX")
        self.assertEqual(rec["subject"], "CN=ls.example.com")
        self.assertIsNone(rec["revoked_at"])
        # show by serial in lower case with leading zeros, and by file
        shown = json.loads(casc("show", "--json", "000" + serial.lower(), ca=self.ca,
                                check=True).stdout)
        self.assertEqual(shown, rec)
        shown = json.loads(casc("show", "--json", "--cert", leaf, ca=self.ca, check=True).stdout)
        self.assertEqual(shown["serial"], serial)
        pem = casc("show", "--pem", serial, ca=self.ca, check=True).stdout
        with open(leaf) as f:
            self.assertEqual(pem, f.read())
        text = casc("list", ca=self.ca, check=True).stdout
        self.assertIn(serial, text)
        valid = json.loads(casc("list", "--status", "valid", "--json", ca=self.ca).stdout)
        self.assertIn(serial, [r["serial"] for r in valid])
        revoked = json.loads(casc("list", "--status", "revoked", "--json", ca=self.ca).stdout)
        self.assertNotIn(serial, [r["serial"] for r in revoked])

    def test_help_for_every_command(self):
        for cmd in ["init", "issue", "revoke", "list", "show", "audit", "serve"]:
            proc = casc(cmd, "--help")
            self.assertEqual(proc.returncode, 0, cmd)
            self.assertIn("usage: casc", proc.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
