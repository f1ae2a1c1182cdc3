"""Bad input gets the contract's exit status, one line naming the file or
argument, and leaves the database and the audit log as they were."""
import os
import shutil
import subprocess
import unittest

from casctest import CascTestCase, as_nobody, casc, db_snapshot, run


class TestBadInput(CascTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ca = os.path.join(cls.tmp, "ca")
        casc("init", ca=cls.ca, check=True)
        # Fixtures that break rules come from openssl, never from casc.
        cls.good_csr = os.path.join(cls.tmp, "good.csr")
        run("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", os.path.join(cls.tmp, "good.key"), "-out", cls.good_csr,
            "-subj", "/CN=good.example.com", "-addext", "subjectAltName=DNS:good.example.com")

    def setUp(self):
        self.before = db_snapshot(self.ca)

    def assert_unchanged(self):
        self.assertEqual(db_snapshot(self.ca), self.before, "the database or audit log changed")
        self.assertEqual(casc("audit", "verify", ca=self.ca).returncode, 0)

    def write(self, name, data):
        p = self.path(name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def test_truncated_and_garbage_csr(self):
        with open(self.good_csr, "rb") as f:
            pem = f.read()
        cases = {
            "truncated.pem": pem[: len(pem) // 2],
            "garbage.bin": os.urandom(300),
            "empty.csr": b"",
            "trailing.der": self.der_bytes() + b"\x00junk",
            "truncated.der": self.der_bytes()[:-10],
        }
        for name, data in cases.items():
            with self.subTest(file=name):
                p = self.write(name, data)
                proc = casc("issue", "--profile", "tls-server", "--csr", p, ca=self.ca)
                self.assert_one_line_error(proc, 2, p)
                self.assert_unchanged()

    def der_bytes(self):
        return subprocess.run(["openssl", "req", "-in", self.good_csr, "-outform", "DER"],
                              capture_output=True, check=True).stdout

    def test_csr_with_bad_signature(self):
        der = bytearray(self.der_bytes())
        der[-5] ^= 0x01  # inside the signature value
        p = self.write("badsig.der", bytes(der))
        proc = casc("issue", "--profile", "tls-server", "--csr", p, ca=self.ca)
        self.assert_one_line_error(proc, 1, "signature does not verify")
        self.assert_unchanged()

    def test_weak_keys(self):
        cases = [("rsa1024", ["-newkey", "rsa:1024"], "RSA 1024"),
                 ("k256", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp256k1"], "BR 6.1.5"),
                 ("e3", ["-newkey", "rsa:2048", "-pkeyopt", "rsa_keygen_pubexp:3"], "BR 6.1.6"),
                 ("explicit", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                               "-pkeyopt", "ec_param_enc:explicit"], "RFC 5480"),
                 ("ed25519", ["-newkey", "ed25519"], "not allowed")]
        for name, args, needle in cases:
            with self.subTest(key=name):
                csr = self.path(name + ".csr")
                run("openssl", "req", "-new", *args, "-nodes", "-keyout", self.path(name + ".key"),
                    "-out", csr, "-subj", "/CN=weak.example.com",
                    "-addext", "subjectAltName=DNS:weak.example.com")
                proc = casc("issue", "--profile", "tls-server", "--csr", csr, ca=self.ca)
                self.assert_one_line_error(proc, 1, needle)
                self.assert_unchanged()

    def test_unknown_profile_and_bad_flags(self):
        proc = casc("issue", "--profile", "email", "--dns", "x.example.com", "--key-out",
                    self.path("x.key"), ca=self.ca)
        self.assert_one_line_error(proc, 2, "--profile email")
        proc = casc("issue", "--profile", "tls-server", "--bogus", ca=self.ca)
        self.assert_one_line_error(proc, 2, "--bogus")
        proc = casc("issue", "--profile", "tls-server", "--dns", "x.example.com", ca=self.ca)
        self.assert_one_line_error(proc, 2, "--key-out")
        proc = casc("revoke", "--reason", "becauseISaidSo", "AB", ca=self.ca)
        self.assert_one_line_error(proc, 2, "becauseISaidSo")
        proc = casc("revoke", "--invalidity-date", "yesterday", "AB", ca=self.ca)
        self.assert_one_line_error(proc, 2, "yesterday")
        proc = casc("frobnicate", ca=self.ca)
        self.assert_one_line_error(proc, 2, "frobnicate")
        self.assertFalse(os.path.exists(self.path("x.key")))
        self.assert_unchanged()

    def test_unknown_and_malformed_serials(self):
        proc = casc("revoke", "0123456789ABCDEF", ca=self.ca)
        self.assert_one_line_error(proc, 2, "0123456789ABCDEF", "no such certificate")
        proc = casc("revoke", "not-hex", ca=self.ca)
        self.assert_one_line_error(proc, 2, "not-hex")
        proc = casc("show", "ABCDEF", ca=self.ca)
        self.assert_one_line_error(proc, 2, "ABCDEF")
        self.assert_unchanged()

    def test_revoked_twice(self):
        serial = casc("issue", "--profile", "tls-server", "--csr", self.good_csr, ca=self.ca,
                      check=True).stdout.strip()
        self.assertEqual(casc("revoke", serial, ca=self.ca).returncode, 0)
        self.before = db_snapshot(self.ca)
        proc = casc("revoke", serial.lower(), "--reason", "keyCompromise", ca=self.ca)
        self.assert_one_line_error(proc, 1, serial, "already revoked")
        self.assert_unchanged()

    def test_reason_not_allowed(self):
        serial = casc("issue", "--profile", "tls-server", "--csr", self.good_csr, ca=self.ca,
                      check=True).stdout.strip()
        self.before = db_snapshot(self.ca)
        for reason in ["certificateHold", "CACOMPROMISE", "removeFromCRL", "aACompromise"]:
            proc = casc("revoke", serial, "--reason", reason, ca=self.ca)
            self.assert_one_line_error(proc, 1, "BR 7.2.2")
        self.assert_unchanged()

    def test_missing_ca_directory(self):
        missing = self.path("nope")
        for args in (["list"], ["revoke", "AB"], ["audit", "verify"],
                     ["issue", "--profile", "tls-server", "--csr", self.good_csr]):
            with self.subTest(args=args):
                proc = casc(*args, ca=missing)
                self.assert_one_line_error(proc, 2, missing)
        self.assertFalse(os.path.exists(missing))

    def test_init_on_existing_directory(self):
        proc = casc("init", ca=self.ca)
        self.assert_one_line_error(proc, 2, self.ca, "already exists")
        self.assert_unchanged()
        # a non-empty directory that is not a CA is refused too, untouched
        other = self.path("other")
        os.makedirs(other)
        self.write("other/notes.txt", b"keep me")
        proc = casc("init", ca=other)
        self.assert_one_line_error(proc, 2, "already exists")
        self.assertEqual(os.listdir(other), ["notes.txt"])
        # nothing is left beside it either
        self.assertEqual([n for n in os.listdir(self.tmp) if ".init-" in n], [])

    def test_read_only_ca_directory(self):
        if shutil.which("setpriv") is None:
            self.skipTest("setpriv not available")
        ro = self.path("ro")
        casc("init", ca=ro, check=True)
        csr = self.path("ro.csr")
        shutil.copy(self.good_csr, csr)
        os.chmod(csr, 0o644)
        before = db_snapshot(ro)
        proc = as_nobody(ro, "issue", "--profile", "tls-server", "--csr", csr)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
        self.assertIn(ro, proc.stderr)
        self.assertEqual(db_snapshot(ro), before)

if __name__ == "__main__":
    unittest.main(verbosity=2)
