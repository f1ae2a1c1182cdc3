"""Rules that depend on the date, driven with faketime: the SC-081 steps of
BR 6.3.2 and the RFC 5280 switch from UTCTime to GeneralizedTime in 2050.
casc itself takes no time override; faketime changes what the process sees."""
import datetime
import itertools
import os
import json
import shutil
import sqlite3
import subprocess
import unittest

from cryptography import x509
from cryptography.x509 import ocsp

from casctest import CascTestCase, casc, faketime_env, run


at = faketime_env


@unittest.skipUnless(shutil.which("faketime"), "faketime not installed")
class TestTimeRules(CascTestCase):
    keys = itertools.count()

    def key_path(self):
        return self.path(f"k{next(self.keys)}.key")

    def issue_days(self, ca, env, days):
        return casc("issue", "--profile", "tls-server", "--dns", "t.example.com", "--days",
                    str(days), "--key-out", self.key_path(), ca=ca, env=env)

    def test_sc081_steps(self):
        for when, limit in [("2026-03-14 12:00:00", 398), ("2026-03-15 00:00:00", 200),
                            ("2027-03-15 00:00:01", 100), ("2029-03-15 00:00:00", 47)]:
            with self.subTest(date=when):
                env = at(when)
                ca = self.path("ca-" + when[:10])
                casc("init", ca=ca, check=True, env=env)
                ok = self.issue_days(ca, env, limit)
                self.assertEqual(ok.returncode, 0, ok.stderr)
                refused = self.issue_days(ca, env, limit + 1)
                self.assertEqual(refused.returncode, 1, refused.stderr)
                self.assertIn(f"at most {limit} days", refused.stderr)

    def test_default_follows_the_limit_down(self):
        env = at("2029-04-01 00:00:00")
        ca = self.path("ca-default")
        casc("init", ca=ca, check=True, env=env)
        leaf = self.path("d.pem")
        proc = casc("issue", "--profile", "tls-server", "--dns", "d.example.com", "-o", leaf,
                    "--key-out", self.key_path(), ca=ca, env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(leaf, "rb") as f:
            cert = x509.load_pem_x509_certificate(f.read())
        # 47 days, counted inclusively (BR 6.3.2)
        self.assertEqual(cert.not_valid_after - cert.not_valid_before,
                         datetime.timedelta(days=47, seconds=-1))

    def test_code_signing_limit_from_2026_03_01(self):
        subject = "CN=Code,O=Example Ltd,L=Berlin,C=DE"
        env = at("2026-02-27 12:00:00")
        ca = self.path("cs-before")
        casc("init", ca=ca, check=True, env=env)
        proc = casc("issue", "--profile", "code-signing", "--subject", subject, "--days", "800",
                    "--key-out", self.key_path(), ca=ca, env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        env = at("2026-03-01 00:00:00")
        proc = casc("issue", "--profile", "code-signing", "--subject", subject, "--days", "461",
                    "--key-out", self.key_path(), ca=ca, env=env)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("460 days", proc.stderr)

    def test_ocsp_responder_renewed_before_expiry(self):
        """A delegated responder expires after 90 days: casc renews it with
        30 days left, and what it signs then verifies at that date."""
        ca = self.path("ca-renew")
        casc("init", ca=ca, check=True, env=at("2027-01-01 00:00:00"))
        leaf = self.path("renew.pem")
        casc("issue", "--profile", "tls-server", "--dns", "r.example.com", "-o", leaf,
             "--key-out", self.key_path(), ca=ca, check=True, env=at("2027-01-01 00:00:00"))
        signer = os.path.join(ca, "certs", "ocsp-signer.pem")
        with open(signer, "rb") as f:
            old = x509.load_pem_x509_certificate(f.read())
        # 70 days on: 20 left
        env = at("2027-03-12 00:00:00")
        proc = casc("ocsp", "presign", "--json", ca=ca, env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(json.loads(proc.stdout)["responders_renewed"], 3)
        with open(signer, "rb") as f:
            new = x509.load_pem_x509_certificate(f.read())
        self.assertNotEqual(new.serial_number, old.serial_number)
        self.assertEqual(new.public_key().public_numbers(), old.public_key().public_numbers())
        self.assertEqual(new.subject, old.subject)
        self.assertEqual(new.not_valid_before, datetime.datetime(2027, 3, 12))
        self.assertEqual(new.not_valid_after - new.not_valid_before,
                         old.not_valid_after - old.not_valid_before)
        # the renewal is an audited issuance
        self.assertEqual(casc("audit", "verify", ca=ca, env=env).returncode, 0)
        listed = json.loads(casc("list", "--json", ca=ca, env=env, check=True).stdout)
        self.assertEqual(sum(c["profile"] == "ocsp-signing" for c in listed), 6)
        # the stored response names the new responder and verifies then
        serial = run("openssl", "x509", "-noout", "-serial", "-in", leaf).stdout.split("=")[1]
        con = sqlite3.connect(os.path.join(ca, "casc.db"))
        der = con.execute("SELECT der FROM ocsp_responses WHERE serial = ?",
                          (serial.strip(),)).fetchone()[0]
        con.close()
        resp = self.path("renew.resp")
        with open(resp, "wb") as f:
            f.write(der)
        self.assertEqual(ocsp.load_der_ocsp_response(der).certificates[0].serial_number,
                         new.serial_number)
        certs = os.path.join(ca, "certs")
        attime = str(int(datetime.datetime(2027, 3, 12, 1, tzinfo=datetime.timezone.utc)
                         .timestamp()))
        p = run("openssl", "ocsp", "-respin", resp, "-CAfile", os.path.join(certs, "root-ca.pem"),
                "-verify_other", os.path.join(certs, "issuing-ca.pem"), "-attime", attime,
                "-issuer", os.path.join(certs, "issuing-ca.pem"), "-cert", leaf, check=False)
        self.assertIn("Response verify OK", p.stderr)
        # the next run has nothing to renew
        again = casc("ocsp", "presign", "--json", ca=ca, env=env)
        self.assertEqual(json.loads(again.stdout)["responders_renewed"], 0)

    def test_generalized_time_from_2050(self):
        env = at("2045-06-01 00:00:00")
        ca = self.path("ca-2045")
        casc("init", ca=ca, check=True, env=env)
        root = os.path.join(ca, "certs", "root-ca.pem")
        parsed = run("openssl", "asn1parse", "-in", root).stdout
        times = [l for l in parsed.splitlines() if "UTCTIME" in l or "GENERALIZEDTIME" in l]
        # notBefore 2045: UTCTime; notAfter 2060: GeneralizedTime (RFC 5280 4.1.2.5).
        self.assertIn("UTCTIME", times[0])
        self.assertIn(":450601000000Z", times[0])
        self.assertIn("GENERALIZEDTIME", times[1])
        self.assertIn("2060", times[1])
        # and the whole chain still verifies at that time
        proc = subprocess.run(["openssl", "verify", "-attime",
                               str(int(datetime.datetime(2045, 6, 2, tzinfo=datetime.timezone.utc)
                                       .timestamp())), "-CAfile", root,
                               "-untrusted", os.path.join(ca, "certs", "issuing-ca.pem"),
                               os.path.join(ca, "certs", "ocsp-signer.pem")],
                              capture_output=True, text=True)
        self.assertIn("OK", proc.stdout, proc.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
