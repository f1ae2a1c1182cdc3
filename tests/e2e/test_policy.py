"""Refusals a demanding CA operator relies on: issuers bound to their
purpose, a revoked issuer that issues nothing, CA revocations with reasons,
outputs that are never clobbered, URLs the BRs allow."""
import json
import os
import subprocess
import unittest

from cryptography import x509

from casctest import CascTestCase, as_nobody, casc, db_snapshot, run


class TestPolicy(CascTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ca = os.path.join(cls.tmp, "ca")
        casc("init", ca=cls.ca, check=True)
        cls.n = 0

    def key(self):
        TestPolicy.n += 1
        return self.path(f"k{TestPolicy.n}.key")

    def test_issuer_is_bound_to_the_profile(self):
        before = db_snapshot(self.ca)
        cases = [
            (["--profile", "tls-server", "--dns", "x.example.com", "--issuer", "root-ca"], 1,
             "only for ocsp-signing"),
            (["--profile", "tls-server", "--dns", "x.example.com", "--issuer", "code-signing-ca"],
             1, "only for ocsp-signing"),
            (["--profile", "code-signing", "--subject", "CN=C,O=O,L=L,C=DE", "--issuer",
              "issuing-ca"], 1, "only for ocsp-signing"),
            (["--profile", "ocsp-signing", "--subject", "CN=R,O=O,C=DE", "--issuer", "root-ca"], 1,
             "BR 6.1.7"),
            (["--profile", "ocsp-signing", "--subject", "CN=R,O=O,C=DE", "--issuer",
              "code-signing-ca", "--key-type", "rsa-2048"], 1, "CSBR 6.1.5"),
            (["--profile", "ocsp-signing", "--subject", "CN=R,O=O,C=DE", "--issuer", "nope"], 2,
             "no such issuer"),
        ]
        for args, status, needle in cases:
            with self.subTest(args=args):
                proc = casc("issue", *args, "--key-out", self.key(), ca=self.ca)
                self.assert_one_line_error(proc, status, needle)
        self.assertEqual(db_snapshot(self.ca), before)
        # The one use of --issuer: a responder for another issuing CA.
        leaf = self.path("resp.pem")
        casc("issue", "--profile", "ocsp-signing", "--subject", "CN=R2,O=O,C=DE", "--issuer",
             "code-signing-ca", "-o", leaf, "--key-out", self.key(), ca=self.ca, check=True)
        with open(leaf, "rb") as f:
            cert = x509.load_pem_x509_certificate(f.read())
        with open(os.path.join(self.ca, "certs", "code-signing-ca.pem"), "rb") as f:
            self.assertEqual(cert.issuer, x509.load_pem_x509_certificate(f.read()).subject)

    def test_revoked_issuer_issues_nothing(self):
        ca = self.path("revoked-issuer")
        casc("init", ca=ca, check=True)
        issuing = run("openssl", "x509", "-in", os.path.join(ca, "certs", "issuing-ca.pem"),
                      "-noout", "-serial").stdout.strip().split("=")[1]
        # A CA certificate is revoked with a reason (BR 7.2.2).
        proc = casc("revoke", issuing, ca=ca)
        self.assert_one_line_error(proc, 1, "BR 7.2.2")
        casc("revoke", issuing, "--reason", "keyCompromise", ca=ca, check=True)
        proc = casc("issue", "--profile", "tls-server", "--dns", "late.example.com",
                    "--key-out", self.key(), ca=ca)
        self.assert_one_line_error(proc, 1, "issuing-ca is revoked")
        # the other purposes go on
        casc("issue", "--profile", "code-signing", "--subject", "CN=C,O=O,L=L,C=DE",
             "--key-out", self.key(), ca=ca, check=True)

    def test_outputs_are_never_clobbered(self):
        precious = self.path("precious.key")
        with open(precious, "w") as f:
            f.write("PRECIOUS\n")
        before = db_snapshot(self.ca)
        proc = casc("issue", "--profile", "tls-server", "--dns", "p.example.com",
                    "--key-out", precious, ca=self.ca)
        self.assert_one_line_error(proc, 2, precious, "exists")
        with open(precious) as f:
            self.assertEqual(f.read(), "PRECIOUS\n")
        # An output that cannot be written is refused before anything is issued.
        missing = self.path("no", "such", "dir", "x.pem")
        proc = casc("issue", "--profile", "tls-server", "--dns", "p.example.com", "-o", missing,
                    "--key-out", self.key(), ca=self.ca)
        self.assert_one_line_error(proc, 2, missing)
        self.assertEqual(db_snapshot(self.ca), before)

    def test_base_url_must_be_plain_http(self):
        for url in ["https://ca.example.com", "http://ca.example.com/pki?x=1",
                    "http://ca.example.com/#frag", "ftp://ca.example.com", "http://"]:
            with self.subTest(url=url):
                target = self.path("url-ca")
                proc = casc("init", "--base-url", url, ca=target)
                self.assert_one_line_error(proc, 2, "--base-url")
                self.assertFalse(os.path.exists(target))
        ca = self.path("path-ca")
        casc("init", "--base-url", "http://pki.example.com:8080/casc/", ca=ca, check=True)
        leaf = self.path("u.pem")
        casc("issue", "--profile", "tls-server", "--dns", "u.example.com", "-o", leaf,
             "--key-out", self.key(), ca=ca, check=True)
        text = run("openssl", "x509", "-in", leaf, "-noout", "-ext",
                   "authorityInfoAccess,crlDistributionPoints").stdout
        self.assertIn("URI:http://pki.example.com:8080/casc/ocsp", text)
        self.assertIn("URI:http://pki.example.com:8080/casc/ca/issuing-ca.crt", text)
        self.assertRegex(text, r"URI:http://pki.example.com:8080/casc/crl/issuing-ca/\d\.crl")

    def test_name_must_fit_every_subject(self):
        proc = casc("init", "--name", "Example Organisation Trust Services GmbH",
                    ca=self.path("long-name"))
        self.assert_one_line_error(proc, 2, "--name")
        self.assertFalse(os.path.exists(self.path("long-name")))

    def test_revoke_json_is_one_object_a_line(self):
        serials = [casc("issue", "--profile", "tls-server", "--dns", f"j{i}.example.com",
                        "--key-out", self.key(), ca=self.ca, check=True).stdout.strip()
                   for i in range(3)]
        proc = casc("revoke", "--json", *serials, "--reason", "superseded", ca=self.ca,
                    check=True)
        lines = proc.stdout.strip().splitlines()
        self.assertEqual(len(lines), 3)
        for serial, line in zip(serials, lines):
            obj = json.loads(line)
            self.assertEqual(obj["serial"], serial)
            self.assertEqual(obj["reason"], "superseded")

    def test_cert_files_of_another_ca_are_refused(self):
        other = self.path("other-ca")
        casc("init", ca=other, check=True)
        leaf = self.path("other.pem")
        casc("issue", "--profile", "tls-server", "--dns", "o.example.com", "-o", leaf,
             "--key-out", self.key(), ca=other, check=True)
        before = db_snapshot(self.ca)
        for args in (["revoke", "--cert", leaf], ["show", "--cert", leaf]):
            with self.subTest(args=args):
                proc = casc(*args, ca=self.ca)
                self.assert_one_line_error(proc, 2, leaf, "not a certificate of this CA")
        self.assertEqual(db_snapshot(self.ca), before)

    def test_readers_need_no_write_access(self):
        # An auditor who may read the CA directory but not write it.
        ca = self.path("audited")
        casc("init", ca=ca, check=True)
        for args in (["audit", "verify"], ["list", "--json"]):
            with self.subTest(args=args):
                proc = as_nobody(ca, *args)
                self.assertEqual(proc.returncode, 0, proc.stderr)

if __name__ == "__main__":
    unittest.main(verbosity=2)
