"""casc lint end to end: everything casc itself produces (the CA hierarchy,
a certificate of every profile, CRLs, OCSP responses served by a real
`casc serve` and fetched with curl) passes its own lints; the command-line
contract (PEM with many blocks, DER, directories, --json, --profile,
--lints, exit statuses 0/1/2). The server this starts is always killed."""
import base64
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from casctest import CASC, SANITIZED, casc, run
from lintder import Cert, integer

SLOW = 4 if SANITIZED else 1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TestLintOwnOutput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="casc-lint-e2e-")
        w = cls.work = cls.tmp.name
        cls.ca = os.path.join(w, "ca")
        cls.port = free_port()
        url = f"http://127.0.0.1:{cls.port}"
        casc("init", "--base-url", url, ca=cls.ca, check=True, timeout=300 * SLOW)
        cls.issued = os.path.join(w, "issued")
        os.makedirs(cls.issued)

        def issue(tag, *args):
            casc("issue", *args, "-o", os.path.join(cls.issued, tag + ".pem"),
                 "--key-out", os.path.join(w, tag + ".key"), ca=cls.ca, check=True,
                 timeout=300 * SLOW)

        issue("tls-ec", "--profile", "tls-server", "--dns", "www.casc-test.com",
              "--dns", "casc-test.com")
        issue("tls-rsa", "--profile", "tls-server", "--dns", "rsa.casc-test.com",
              "--key-type", "rsa-2048", "--must-staple")
        issue("codesign", "--profile", "code-signing", "--key-type", "rsa-3072", "--subject",
              "CN=casc test publisher,O=casc test,L=Berlin,ST=Berlin,C=DE")
        issue("timestamping", "--profile", "timestamping", "--key-type", "rsa-3072",
              "--subject", "CN=casc test TSA,O=casc test,C=DE")
        issue("ocsp-signing", "--profile", "ocsp-signing", "--subject",
              "CN=casc test responder,O=casc test,C=DE")
        issue("sub-ca", "--profile", "sub-ca", "--subject", "CN=casc test sub CA,O=casc test,C=DE")
        issue("revoked", "--profile", "tls-server", "--dns", "revoked.casc-test.com")
        serial = run("openssl", "x509", "-noout", "-serial", "-in",
                     os.path.join(cls.issued, "revoked.pem")).stdout.strip().split("=")[1]
        casc("revoke", serial, "--reason", "keyCompromise", ca=cls.ca, check=True)
        cls.crls = os.path.join(w, "crls")
        os.makedirs(cls.crls)
        casc("crl", "--out", cls.crls, ca=cls.ca, check=True, timeout=300 * SLOW)
        casc("ocsp", "presign", ca=cls.ca, check=True, timeout=300 * SLOW)
        cls.ocsp = os.path.join(w, "ocsp")
        os.makedirs(cls.ocsp)
        with open(os.path.join(w, "serve.err"), "wb") as err:
            cls.server = subprocess.Popen([CASC, "--dir", cls.ca, "serve", "--listen",
                                           f"127.0.0.1:{cls.port}", "--threads", "1"],
                                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=err)
        try:
            deadline = time.monotonic() + 30 * SLOW
            while True:
                if run("curl", "-sf", "-o", "/dev/null", url + "/healthz", check=False).returncode == 0:
                    break
                if time.monotonic() > deadline or cls.server.poll() is not None:
                    raise AssertionError("casc serve did not start")
                time.sleep(0.1)
            certs = os.path.join(cls.ca, "certs")
            asks = {  # response name -> (issuer, what to ask about)
                "tls-ec": ("issuing-ca", ["-cert", os.path.join(cls.issued, "tls-ec.pem")]),
                "revoked": ("issuing-ca", ["-cert", os.path.join(cls.issued, "revoked.pem")]),
                "codesign": ("code-signing-ca", ["-cert", os.path.join(cls.issued, "codesign.pem")]),
                "unknown-serial": ("issuing-ca", ["-serial", "0x0123456789abcdef"]),
                "sha256-certid": ("issuing-ca", ["-sha256", "-cert",
                                                 os.path.join(cls.issued, "tls-ec.pem")]),
            }
            for tag, (issuer, what) in asks.items():
                req = os.path.join(w, tag + ".req")
                run("openssl", "ocsp", "-issuer", os.path.join(certs, issuer + ".pem"), *what,
                    "-no_nonce", "-reqout", req)
                run("curl", "-sf", "--data-binary", "@" + req, "-H",
                    "Content-Type: application/ocsp-request", "-o",
                    os.path.join(cls.ocsp, tag + ".ocsp"), url + "/ocsp")
        except Exception:
            cls.stop_server()
            raise

    @classmethod
    def stop_server(cls):
        if cls.server.poll() is None:
            cls.server.send_signal(signal.SIGTERM)
            try:
                cls.server.wait(timeout=30 * SLOW)
            except subprocess.TimeoutExpired:
                cls.server.kill()
                cls.server.wait()

    @classmethod
    def tearDownClass(cls):
        cls.stop_server()
        cls.tmp.cleanup()

    def lint_json(self, *paths, status=0):
        proc = casc("lint", "--json", *paths, timeout=120 * SLOW)
        findings = []
        if proc.returncode != status:
            out = json.loads(proc.stdout) if proc.stdout.startswith("{") else {"inputs": []}
            findings = [(i["file"], i["index"], r["lint"], r["details"])
                        for i in out["inputs"] for r in i["results"]
                        if r["result"] in ("error", "fatal")]
        self.assertEqual(proc.returncode, status, f"{proc.stderr} {findings}")
        return json.loads(proc.stdout)

    def test_casc_certificates_pass(self):
        out = self.lint_json(os.path.join(self.ca, "certs"), self.issued)
        profiles = {os.path.basename(i["file"]): i["profile"] for i in out["inputs"]}
        self.assertEqual(profiles["root-ca.pem"], "root")
        self.assertEqual(profiles["issuing-ca.pem"], "subca")
        self.assertEqual(profiles["tls-ec.pem"], "tls")
        self.assertEqual(profiles["codesign.pem"], "code-signing")
        self.assertEqual(profiles["timestamping.pem"], "timestamping")
        self.assertEqual(profiles["ocsp-signing.pem"], "ocsp-signing")
        self.assertEqual(profiles["sub-ca.pem"], "subca")
        for i in out["inputs"]:
            self.assertEqual(i["kind"], "certificate")
            self.assertTrue(all(r["result"] in ("pass", "na", "ne", "notice", "warn")
                                for r in i["results"]), i["file"])

    def test_the_whole_ca_directory(self):
        # keys, casc.conf and the database are skipped; every certificate is linted
        out = self.lint_json(self.ca)
        files = {os.path.relpath(i["file"], self.ca) for i in out["inputs"]}
        self.assertIn(os.path.join("certs", "root-ca.pem"), files)
        self.assertFalse(any(f.startswith("keys") for f in files), files)
        # named on the command line, a key file is an error
        keyfile = os.path.join(self.work, "tls-ec.key")
        proc = casc("lint", keyfile)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("no CERTIFICATE", proc.stderr)

    def test_casc_crls_pass(self):
        out = self.lint_json(self.crls)
        self.assertGreaterEqual(len(out["inputs"]), 4)
        self.assertTrue(all(i["kind"] == "crl" for i in out["inputs"]))

    def test_casc_ocsp_responses_pass(self):
        out = self.lint_json(self.ocsp)
        self.assertEqual(len(out["inputs"]), 5)
        self.assertTrue(all(i["kind"] == "ocsp" for i in out["inputs"]))

    def test_pem_bundle_indexes_and_text_output(self):
        bundle = os.path.join(self.work, "bundle.pem")
        with open(bundle, "w") as f:
            for name in ("root-ca", "issuing-ca"):
                with open(os.path.join(self.ca, "certs", name + ".pem")) as g:
                    f.write(g.read())
        bad = Cert()
        bad.serial = integer(0)
        der = bad.der()
        with open(bundle, "a") as f:
            b64 = base64.encodebytes(der).decode()
            f.write("-----BEGIN CERTIFICATE-----\n" + b64 + "-----END CERTIFICATE-----\n")
        proc = casc("lint", bundle)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn(f"{bundle}:2: error e_serial_zero: serial number is zero (RFC 5280 4.1.2.2)",
                      proc.stdout.splitlines())
        self.assertFalse(any(line.startswith(f"{bundle}:0: error") for line in proc.stdout.splitlines()))
        out = json.loads(casc("lint", "--json", bundle).stdout)
        self.assertEqual([i["index"] for i in out["inputs"]], [0, 1, 2])
        r = next(r for r in out["inputs"][2]["results"] if r["lint"] == "e_serial_zero")
        self.assertEqual(set(r), {"lint", "alias", "level", "result", "citation", "details"})
        self.assertEqual((r["level"], r["result"]), ("error", "error"))
        # DER of the same, and --profile overriding the detected one
        derpath = os.path.join(self.work, "bad.der")
        with open(derpath, "wb") as f:
            f.write(der)
        out = json.loads(casc("lint", "--json", "--profile", "code-signing", derpath).stdout)
        self.assertEqual(out["inputs"][0]["profile"], "code-signing")

    def test_standard_input(self):
        with open(os.path.join(self.issued, "tls-ec.pem")) as f:
            pem = f.read()
        proc = casc("lint", "--json", "-", input=pem)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        out = json.loads(proc.stdout)
        self.assertEqual((out["inputs"][0]["file"], out["inputs"][0]["profile"]), ("-", "tls"))

    def test_raw_bytes_in_details_are_escaped(self):
        from lintder import SAN, dns, ext, seq
        c = Cert()
        c.replace_ext(SAN, ext(SAN, seq(dns(b"a\x00b\xffc.example.com"))))
        path = os.path.join(self.work, "nul.der")
        with open(path, "wb") as f:
            f.write(c.der())
        out = self.lint_json(path, status=1)  # parses: jansson took every result
        res = {r["lint"]: r for r in out["inputs"][0]["results"]}
        self.assertEqual(res["e_san_dns_bad_character"]["result"], "error")
        self.assertIn("a\\x00b\\xffc.example.com", res["e_san_dns_bad_character"]["details"])
        for r in out["inputs"][0]["results"]:
            self.assertTrue(all(32 <= ord(ch) < 127 or ord(ch) > 159 for ch in r["details"]), r)

    def test_bad_input_exits_2(self):
        junk = os.path.join(self.work, "junk.txt")
        with open(junk, "w") as f:
            f.write("hello\n")
        for args in (["lint", junk], ["lint", "--json", junk],
                     ["lint", os.path.join(self.work, "missing.pem")],
                     ["lint", "--profile", "nonsense", junk], ["lint"], ["lint", "--bogus"]):
            proc = casc(*args)
            self.assertEqual(proc.returncode, 2, args)
            if "--json" in args:
                self.assertEqual(json.loads(proc.stdout), {"inputs": []})
            self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)

    def test_truncated_certificate_is_fatal(self):
        with open(os.path.join(self.issued, "tls-ec.pem"), "rb") as f:
            pem = f.read()
        der = x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER)
        path = os.path.join(self.work, "trunc.der")
        with open(path, "wb") as f:
            f.write(der[:200])
        out = self.lint_json(path, status=1)
        self.assertEqual(out["inputs"][0]["results"][0]["result"], "fatal")

    def test_help_options_are_in_the_man_page(self):
        import re
        with open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "casc.1")) as f:
            man = f.read().replace("\\-", "-")
        proc = casc("lint", "--help")
        self.assertEqual(proc.returncode, 0)
        self.assertIn("casc [--dir DIR] lint", proc.stdout)
        self.assertIn(".B lint", man)
        for opt in set(re.findall(r"--[a-z][a-z0-9-]*[a-z0-9]", proc.stdout)) - {"--dir", "--help"}:
            self.assertIn(opt, man, f"lint {opt} is not in docs/casc.1")

    def test_lints_listing(self):
        out = json.loads(casc("lint", "--lints", "--json").stdout)
        names = [l["lint"] for l in out]
        self.assertEqual(len(names), len(set(names)), "duplicate lint names")
        self.assertGreaterEqual(len(names), 250)
        for l in out:
            self.assertIn(l["level"], ("error", "warn", "notice"))
            self.assertIn(l["kind"], ("certificate", "crl", "ocsp"))
            self.assertTrue(l["citation"])
            self.assertEqual(l["lint"][0], l["level"][0], l["lint"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
