"""Rules that depend on the date, driven with faketime: the SC-081 steps of
BR 6.3.2 and the RFC 5280 switch from UTCTime to GeneralizedTime in 2050.
casc itself takes no time override; faketime changes what the process sees."""
import datetime
import itertools
import os
import shutil
import subprocess
import unittest

from cryptography import x509

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
