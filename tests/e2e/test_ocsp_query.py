#!/usr/bin/env python3
"""casc ocsp query end to end: against a real casc serve on 127.0.0.1 (good,
revoked with its reason, unknown, nonce, SHA-256, GET and POST, the issuer
found through caIssuers), a responder that is down, a casc serve response
judged in the future (expired), and crafted bad responses from a small
responder: signed by an unrelated key (made by `openssl ocsp -rsigner`), by
a delegated signer without OCSPSigning, a wrong nonce, a mismatched CertID,
tryLater, garbage. Checks the verdicts and the contract's exit statuses."""
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ocsp_peer as peer  # noqa: E402
from casctest import faketime_env  # noqa: E402

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402

CASC = os.environ.get("CASC_BIN", "")
WORK = CA = SERVE = None
CERTS = {}


def casc(*args, env=None):
    return subprocess.run([CASC, *args], capture_output=True, text=True, env=env,
                          timeout=120 * peer.SLOW)


def casc_ca(*args):
    p = subprocess.run([CASC, "--dir", CA, *args], capture_output=True, text=True,
                       timeout=120 * peer.SLOW)
    if p.returncode != 0:
        raise AssertionError("casc %s: %d %s" % (args, p.returncode, p.stderr))
    return p


def read(path):
    with open(path, "rb") as f:
        return f.read()


def ca_file(name):
    return os.path.join(CA, "certs", name + ".pem")


def issue(name):
    path = os.path.join(WORK, name + ".pem")
    casc_ca("issue", "--profile", "tls-server", "--dns", name + ".casc-test.com", "-o", path,
            "--key-out", os.path.join(WORK, name + ".key"))
    CERTS[name] = path
    return path


def setUpModule():
    global WORK, CA, SERVE
    if not CASC or not os.access(CASC, os.X_OK):
        raise unittest.SkipTest("CASC_BIN does not name the casc binary")
    WORK = tempfile.mkdtemp(prefix="casc-ocspq-")
    CA = os.path.join(WORK, "ca")
    port = peer.free_port()
    subprocess.run([CASC, "--dir", CA, "init", "--base-url", "http://127.0.0.1:%d" % port],
                   check=True, capture_output=True, timeout=120 * peer.SLOW)
    for name in ("good", "revoked"):
        issue(name)
    casc_ca("revoke", "--cert", CERTS["revoked"], "--reason", "keyCompromise")
    casc_ca("ocsp", "presign")
    SERVE = peer.Serve(CASC, CA, port, os.path.join(WORK, "serve.err"))


def tearDownModule():
    try:
        if SERVE is not None:
            SERVE.stop()
    finally:
        if WORK:
            shutil.rmtree(WORK, ignore_errors=True)


def query(*args, env=None):
    return casc("ocsp", "query", *args, env=env)


def query_json(*args, env=None):
    p = query("--json", *args, env=env)
    try:
        return p, json.loads(p.stdout)
    except ValueError:
        raise AssertionError("not JSON: %r %r" % (p.stdout, p.stderr))


class AgainstCascServe(unittest.TestCase):
    def test_good_via_aia_and_ca_issuers(self):
        # No --issuer, no --url: both come from the certificate's AIA.
        p, j = query_json("--cert", CERTS["good"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(j["verdict"], "good")
        self.assertEqual(j["status"], "good")
        self.assertEqual(j["url"], SERVE.url + "/ocsp")
        self.assertEqual(j["method"], "GET")  # RFC 5019: the URL fits in 255 bytes
        self.assertEqual(j["hash"], "sha1")
        self.assertTrue(j["delegated"])
        self.assertIn("OCSP Responder", j["responder"])
        self.assertIsNone(j["error"])
        tu = datetime.datetime.strptime(j["this_update"], "%Y-%m-%dT%H:%M:%SZ")
        nu = datetime.datetime.strptime(j["next_update"], "%Y-%m-%dT%H:%M:%SZ")
        self.assertGreater(nu, tu)
        serial = subprocess.run(["openssl", "x509", "-noout", "-serial", "-in", CERTS["good"]],
                                capture_output=True, text=True).stdout.strip().split("=")[1]
        self.assertEqual(j["serial"], serial)

    def test_text_output(self):
        p = query("--cert", CERTS["good"], "--issuer", ca_file("issuing-ca"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("status: good", p.stdout)
        self.assertIn("this_update: ", p.stdout)
        self.assertIn("next_update: ", p.stdout)

    def test_revoked_with_reason(self):
        p, j = query_json("--cert", CERTS["revoked"], "--issuer", ca_file("issuing-ca"))
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(j["verdict"], "revoked")
        self.assertEqual(j["reason"], "keyCompromise")
        self.assertIsNotNone(j["revoked_at"])
        p = query("--cert", CERTS["revoked"], "--issuer", ca_file("issuing-ca"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("status: revoked", p.stdout)
        self.assertIn("reason: keyCompromise", p.stdout)

    def test_unknown(self):
        # A certificate that the issuing CA's key signed but that its
        # database never recorded.
        issuer = peer.load_cert(ca_file("issuing-ca"))
        key = peer.load_key(os.path.join(CA, "keys", "issuing-ca.key"))
        stray, _ = peer.make_cert("stray.casc-test.com", issuer, key, ocsp_signing=False)
        path = os.path.join(WORK, "stray.pem")
        with open(path, "wb") as f:
            f.write(peer.pem_of(stray))
        p, j = query_json("--cert", path, "--issuer", ca_file("issuing-ca"),
                          "--url", SERVE.url + "/ocsp")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(j["verdict"], "unknown")
        self.assertEqual(j["status"], "unknown")

    def test_nonce_and_sha256_and_post(self):
        p, j = query_json("--cert", CERTS["good"], "--issuer", ca_file("issuing-ca"), "--nonce",
                          "--sha256")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(j["nonce"])
        self.assertTrue(j["nonce_echoed"])
        self.assertEqual(j["hash"], "sha256")
        p, j = query_json("--cert", CERTS["revoked"], "--issuer", ca_file("issuing-ca"), "--post")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(j["method"], "POST")
        self.assertEqual(j["reason"], "keyCompromise")

    def test_chain_in_cert_file(self):
        chain = os.path.join(WORK, "good-chain.pem")
        with open(chain, "wb") as f:
            f.write(read(CERTS["good"]) + read(ca_file("issuing-ca")))
        p, j = query_json("--cert", chain, "--url", SERVE.url + "/ocsp")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(j["verdict"], "good")

    def test_respout_then_respin_and_openssl_agrees(self):
        out = os.path.join(WORK, "good.der")
        p = query("--cert", CERTS["good"], "--issuer", ca_file("issuing-ca"), "--respout", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        o = subprocess.run(["openssl", "ocsp", "-respin", out, "-CAfile", ca_file("root-ca"),
                            "-verify_other", ca_file("issuing-ca"), "-issuer",
                            ca_file("issuing-ca"), "-cert", CERTS["good"]],
                           capture_output=True, text=True)
        self.assertIn("Response verify OK", o.stderr)
        self.assertIn(": good", o.stdout)
        p, j = query_json("--cert", CERTS["good"], "--issuer", ca_file("issuing-ca"),
                          "--respin", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(j["verdict"], "good")
        # The same response is not about the revoked certificate.
        p, j = query_json("--cert", CERTS["revoked"], "--issuer", ca_file("issuing-ca"),
                          "--respin", out)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(j["verdict"], "invalid")
        self.assertIn("CertID", j["error"])

    def test_expired_response(self):
        # Five days on, the 4-day response casc serve still holds has passed
        # its nextUpdate. The responder's answer is saved, then judged then.
        out = os.path.join(WORK, "later.der")
        p = query("--cert", CERTS["good"], "--issuer", ca_file("issuing-ca"), "--respout", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        later = (datetime.datetime.utcnow() + datetime.timedelta(days=5)).strftime(
            "%Y-%m-%d %H:%M:%S")
        p = query("--cert", CERTS["good"], "--issuer", ca_file("issuing-ca"), "--respin", out,
                  "--json", env=faketime_env(later))
        self.assertEqual(p.returncode, 1, p.stderr)
        j = json.loads(p.stdout)
        self.assertEqual(j["verdict"], "invalid")
        self.assertIn("expired", j["error"])
        # And asked live from the future, too.
        p = query("--cert", CERTS["good"], "--issuer", ca_file("issuing-ca"), "--json",
                  env=faketime_env(later))
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("expired", json.loads(p.stdout)["error"])

    def test_responder_down(self):
        p, j = query_json("--cert", CERTS["good"], "--issuer", ca_file("issuing-ca"),
                          "--url", peer.closed_port_url(), "--timeout", "5")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertEqual(j["verdict"], "indeterminate")
        self.assertEqual(len(p.stderr.strip().splitlines()), 1)
        self.assertIn("127.0.0.1", p.stderr)


class BadInput(unittest.TestCase):
    def test_usage(self):
        self.assertEqual(query().returncode, 2)
        p = query("--cert", os.path.join(WORK, "missing.pem"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("missing.pem", p.stderr)
        junk = os.path.join(WORK, "junk.pem")
        with open(junk, "w") as f:
            f.write("not a certificate\n")
        p = query("--cert", junk)
        self.assertEqual(p.returncode, 2)
        self.assertIn("junk.pem", p.stderr)
        p = query("--cert", CERTS["good"], "--url", "ftp://example.com/")
        self.assertEqual(p.returncode, 2)
        p = query("--cert", CERTS["good"], "--timeout", "abc")
        self.assertEqual(p.returncode, 2)

    def test_wrong_issuer(self):
        p = query("--cert", CERTS["good"], "--issuer", ca_file("root-ca"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("did not issue", p.stderr)

    def test_no_ocsp_url(self):
        # The issuing CA's own certificate carries no OCSP URL of its own
        # issuer responder... use a self-made certificate without AIA.
        issuer = peer.load_cert(ca_file("issuing-ca"))
        key = peer.load_key(os.path.join(CA, "keys", "issuing-ca.key"))
        c, _ = peer.make_cert("noaia.casc-test.com", issuer, key, ocsp_signing=False)
        path = os.path.join(WORK, "noaia.pem")
        with open(path, "wb") as f:
            f.write(peer.pem_of(c))
        p = query("--cert", path, "--issuer", ca_file("issuing-ca"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("OCSP URL", p.stderr)


class CraftedResponses(unittest.TestCase):
    """A responder that answers what each test makes it answer."""

    @classmethod
    def setUpClass(cls):
        cls.cert = peer.load_cert(CERTS["good"])
        cls.issuer = peer.load_cert(ca_file("issuing-ca"))
        cls.issuer_key = peer.load_key(os.path.join(CA, "keys", "issuing-ca.key"))
        cls.signer = peer.load_cert(ca_file("ocsp-signer"))
        cls.signer_key = peer.load_key(os.path.join(CA, "keys", "ocsp-signer.key"))
        cls.answer = None
        cls.fake = peer.FakeResponder(lambda m, p, der: cls.answer(der))

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def ask(self, answer, *extra):
        type(self).answer = staticmethod(answer)
        return query_json("--cert", CERTS["good"], "--issuer", ca_file("issuing-ca"),
                          "--url", self.fake.url, "--timeout", "10", *extra)

    def ok(self, body):
        return 200, body, "application/ocsp-response"

    def sign(self, der, **kw):
        kw.setdefault("hash_alg", peer.request_hash(der))
        kw.setdefault("signer_cert", self.signer)
        kw.setdefault("signer_key", self.signer_key)
        return peer.make_response(self.cert, self.issuer, **kw)

    def test_control_delegated_and_issuer_signed(self):
        p, j = self.ask(lambda der: self.ok(self.sign(der)))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(j["delegated"])
        p, j = self.ask(lambda der: self.ok(self.sign(der, signer_cert=self.issuer,
                                                      signer_key=self.issuer_key,
                                                      include=False,
                                                      responder_by_key=False)))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(j["delegated"])
        self.assertTrue(j["responder_id"].startswith("byName: "))

    def test_signed_by_unrelated_key_openssl(self):
        # openssl ocsp as the responder, signing with a key and certificate
        # that have nothing to do with the issuer.
        d = tempfile.mkdtemp(dir=WORK)
        other, okey = peer.make_cert("Unrelated Responder", None, None)
        from cryptography.hazmat.primitives import serialization
        with open(os.path.join(d, "other.pem"), "wb") as f:
            f.write(peer.pem_of(other))
        with open(os.path.join(d, "other.key"), "wb") as f:
            f.write(okey.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
        serial = "%X" % self.cert.serial_number
        exp = (datetime.datetime.utcnow() + datetime.timedelta(days=30)).strftime(
            "%y%m%d%H%M%SZ")
        with open(os.path.join(d, "index.txt"), "w") as f:
            f.write("V\t%s\t\t%s\tunknown\t/CN=good\n" % (exp, serial))

        def answer(der):
            with open(os.path.join(d, "req.der"), "wb") as f:
                f.write(der)
            subprocess.run(["openssl", "ocsp", "-index", os.path.join(d, "index.txt"),
                            "-rsigner", os.path.join(d, "other.pem"),
                            "-rkey", os.path.join(d, "other.key"), "-CA", ca_file("issuing-ca"),
                            "-reqin", os.path.join(d, "req.der"),
                            "-respout", os.path.join(d, "resp.der"), "-ndays", "1"],
                           check=True, capture_output=True)
            return self.ok(read(os.path.join(d, "resp.der")))
        p, j = self.ask(answer)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(j["verdict"], "invalid")
        self.assertIn("neither the issuer nor issued by it", j["error"])
        self.assertEqual(len(p.stderr.strip().splitlines()), 1)

    def test_tampered_signature(self):
        def answer(der):
            body = bytearray(self.sign(der))
            # producedAt, the first GeneralizedTime of the signed
            # ResponseData: one second later, still well-formed.
            at = body.index(b"\x18\x0f")
            body[at + 2 + 13] ^= 0x01
            return self.ok(bytes(body))
        p, j = self.ask(answer)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(j["verdict"], "invalid")
        self.assertIn("signature does not verify", j["error"])

    def test_delegate_without_ocsp_signing(self):
        cert, key = peer.make_cert("Not A Responder", self.issuer, self.issuer_key,
                                   ocsp_signing=False)
        p, j = self.ask(lambda der: self.ok(self.sign(der, signer_cert=cert, signer_key=key)))
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("OCSPSigning", j["error"])

    def test_wrong_nonce_and_missing_nonce(self):
        p, j = self.ask(lambda der: self.ok(self.sign(der, nonce=os.urandom(32))), "--nonce")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("nonce does not match", j["error"])
        p, j = self.ask(lambda der: self.ok(self.sign(der)), "--nonce")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("not echoed", j["error"])
        p, j = self.ask(lambda der: self.ok(self.sign(der, nonce=peer.request_nonce(der))),
                        "--nonce")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(j["nonce_echoed"])

    def test_mismatched_certid(self):
        other = peer.load_cert(CERTS["revoked"])

        def answer(der):
            return self.ok(peer.make_response(other, self.issuer, self.signer, self.signer_key,
                                              hash_alg=peer.request_hash(der)))
        p, j = self.ask(answer)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("no SingleResponse", j["error"])
        # Right serial, other hash algorithm than asked.
        p, j = self.ask(lambda der: self.ok(self.sign(der, hash_alg=hashes.SHA256())))
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("another hash algorithm", j["error"])

    def test_times(self):
        future = peer.now() + datetime.timedelta(hours=1)
        p, j = self.ask(lambda der: self.ok(self.sign(der, this_update=future)))
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("in the future", j["error"])
        past = peer.now() - datetime.timedelta(days=2)
        p, j = self.ask(lambda der: self.ok(self.sign(
            der, this_update=past, next_update=past + datetime.timedelta(days=1))))
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("expired", j["error"])
        p, j = self.ask(lambda der: self.ok(self.sign(der, next_update=None)))
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("no nextUpdate", j["error"])
        # Within the skew: thisUpdate a minute ahead is fine.
        soon = peer.now() + datetime.timedelta(minutes=1)
        p, j = self.ask(lambda der: self.ok(self.sign(der, this_update=soon)))
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_revoked_crafted_reason(self):
        p, j = self.ask(lambda der: self.ok(self.sign(
            der, status="revoked", reason=x509.ReasonFlags.superseded)))
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(j["verdict"], "revoked")
        self.assertEqual(j["reason"], "superseded")

    def test_error_statuses_and_garbage(self):
        p, j = self.ask(lambda der: self.ok(bytes.fromhex("30030a0103")))  # tryLater
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertEqual(j["response_status"], "tryLater")
        p, j = self.ask(lambda der: self.ok(bytes.fromhex("30030a0106")))  # unauthorized
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(j["verdict"], "invalid")
        p, j = self.ask(lambda der: (200, b"<html>captive portal</html>", "text/html"))
        self.assertEqual(p.returncode, 3, p.stderr)
        p, j = self.ask(lambda der: (500, b"oops", "text/plain"))
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("500", j["error"])
        p, j = self.ask(lambda der: self.ok(self.sign(der)[:-10]))  # truncated
        self.assertEqual(p.returncode, 3, p.stderr)

    def test_get_when_short_post_when_long(self):
        n = len(self.fake.requests)
        p, j = self.ask(lambda der: self.ok(self.sign(der)))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.fake.requests[n][0], "GET")
        self.assertLessEqual(len(self.fake.url) + 1 + len(self.fake.requests[n][1]) -
                             len("/ocsp"), 255)
        # A base URL so long that the GET URL would pass 255 bytes.
        long_url = self.fake.url + "/" + "x" * 200
        p, j = query_json("--cert", CERTS["good"], "--issuer", ca_file("issuing-ca"),
                          "--url", long_url)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(j["method"], "POST")
        self.assertEqual(self.fake.requests[-1][0], "POST")
        self.assertEqual(self.fake.requests[-1][1], "/ocsp/" + "x" * 200)


if __name__ == "__main__":
    unittest.main(verbosity=2)
