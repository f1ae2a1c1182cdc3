#!/usr/bin/env python3
"""casc sign and casc verify, end to end, with real peers: `openssl cms
-verify` must accept every signature casc makes; timestamps come from an
RFC 3161 TSA (`openssl ts -reply` behind a small HTTP server, with the
TSA certificate `casc init` makes); revocation is looked up at a real
`casc serve` on 127.0.0.1; PKCS#11 keys live in SoftHSM2; time travel is
libfaketime. Every process this starts is stopped by its PID."""

import datetime
import hashlib
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from casctest import CASC, SANITIZED, faketime_env  # noqa: E402

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID, ObjectIdentifier  # noqa: E402

SLOW = 4 if SANITIZED else 1
ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"
TS_TOKEN_OID = bytes.fromhex("060b2a864886f70d010910020e")  # id-aa-timeStampToken
W = None  # the module's shared state


def run(*cmd, check=True, env=None, input=None):
    p = subprocess.run(list(cmd), capture_output=True, timeout=120 * SLOW, env=env,
                       input=input)
    if check and p.returncode != 0:
        raise AssertionError("%s: %d %s %s" % (cmd, p.returncode, p.stdout, p.stderr))
    return p


def casc(*args, ca=None, check=False, env=None):
    cmd = [CASC] + (["--dir", ca] if ca else []) + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120 * SLOW, env=env)
    if check and p.returncode != 0:
        raise AssertionError("%s: %d %s" % (cmd, p.returncode, p.stderr))
    return p


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


class OpensslTsa:
    """An RFC 3161 TSA: `openssl ts -reply` for each POST, behind a
    threaded HTTP server on 127.0.0.1."""

    def __init__(self, workdir, cert, key, chain):
        os.makedirs(workdir, exist_ok=True)
        self.dir = workdir
        self.conf = os.path.join(workdir, "tsa.cnf")
        with open(self.conf, "w") as f:
            f.write(f"""[ tsa ]
default_tsa = tsa1
[ tsa1 ]
serial = {workdir}/serial
crypto_device = builtin
signer_cert = {cert}
certs = {chain}
signer_key = {key}
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
other_policies = 1.3.6.1.4.1.99999.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
""")
        write(os.path.join(workdir, "serial"), b"01\n")
        self.lock = threading.Lock()
        self.requests = 0
        tsa = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with tsa.lock:
                    tsa.requests += 1
                    q = os.path.join(tsa.dir, "q.tsq")
                    r = os.path.join(tsa.dir, "r.tsr")
                    write(q, body)
                    p = subprocess.run(["openssl", "ts", "-reply", "-config", tsa.conf,
                                        "-queryfile", q, "-out", r], capture_output=True)
                    reply = read(r) if p.returncode == 0 else b""
                if not reply:
                    self.send_response(500)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/tsa" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Serve:
    """casc serve (OCSP, CRLs) for the CA; stopped by PID."""

    def __init__(self, ca, port):
        self.err = open(os.path.join(os.path.dirname(ca), "serve.err"), "wb")
        self.proc = subprocess.Popen([CASC, "--dir", ca, "serve", "--listen",
                                      "127.0.0.1:%d" % port], stdout=subprocess.DEVNULL,
                                     stderr=self.err)
        deadline = time.time() + 30 * SLOW
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("casc serve exited %d" % self.proc.returncode)
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError("casc serve did not come up")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20 * SLOW)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.err.close()


class World:
    pass


def issue_code_signing(name, ca=None):
    ca = ca or W.ca
    cert = os.path.join(W.dir, name + ".pem")
    casc("issue", "--profile", "code-signing", "--subject",
         "CN=%s,O=casc tests,L=Berlin,C=DE" % name, "-o", cert, "--chain-out",
         os.path.join(W.dir, name + "-chain.pem"), "--key-out",
         os.path.join(W.dir, name + ".key"), ca=ca, check=True)
    return cert, os.path.join(W.dir, name + ".key"), os.path.join(W.dir, name + "-chain.pem")


def issue_code_signing_rsa():
    name = "rsa-publisher"
    cert = os.path.join(W.dir, name + ".pem")
    casc("issue", "--profile", "code-signing", "--key-type", "rsa-3072", "--subject",
         "CN=%s,O=casc tests,L=Berlin,C=DE" % name, "-o", cert, "--chain-out",
         os.path.join(W.dir, name + "-chain.pem"), "--key-out",
         os.path.join(W.dir, name + ".key"), ca=W.ca, check=True)
    return cert, os.path.join(W.dir, name + ".key"), os.path.join(W.dir, name + "-chain.pem")


def serial_of(cert):
    out = run("openssl", "x509", "-noout", "-serial", "-in", cert).stdout.decode()
    return out.strip().split("=", 1)[1]


def setUpModule():
    global W
    if not CASC or not os.access(CASC, os.X_OK):
        raise unittest.SkipTest("CASC_BIN does not name the casc binary")
    W = World()
    W.dir = tempfile.mkdtemp(prefix="casc-sign-")
    # any CRL cache goes here, not into the user's ~/.cache
    os.environ["XDG_CACHE_HOME"] = os.path.join(W.dir, "cache")
    W.port = free_port()
    W.ca = os.path.join(W.dir, "ca")
    casc("init", "--base-url", "http://127.0.0.1:%d" % W.port, ca=W.ca, check=True)
    W.root = os.path.join(W.ca, "certs", "root-ca.pem")
    W.cert, W.key, W.chain = issue_code_signing("publisher")
    W.web = os.path.join(W.dir, "web.pem")
    W.web_key = os.path.join(W.dir, "web.key")
    casc("issue", "--profile", "tls-server", "--dns", "www.casc-test.com", "-o", W.web,
         "--key-out", W.web_key, ca=W.ca, check=True)
    W.tsa = OpensslTsa(os.path.join(W.dir, "tsa"), os.path.join(W.ca, "certs", "tsa.pem"),
                       os.path.join(W.ca, "keys", "tsa.key"),
                       os.path.join(W.ca, "certs", "timestamping-ca.pem"))
    # a TSA under another root: untrusted by W.root
    W.other = os.path.join(W.dir, "other")
    casc("init", ca=W.other, check=True)
    W.other_root = os.path.join(W.other, "certs", "root-ca.pem")
    W.other_tsa = OpensslTsa(os.path.join(W.dir, "tsa-other"),
                             os.path.join(W.other, "certs", "tsa.pem"),
                             os.path.join(W.other, "keys", "tsa.key"),
                             os.path.join(W.other, "certs", "timestamping-ca.pem"))
    # the CRLs exist before the daemon serves them (the CA certificates are
    # checked through the root's CRL)
    casc("crl", ca=W.ca, check=True)
    W.serve = Serve(W.ca, W.port)
    # a file with text-like lines too: CRLF must survive as it is (no
    # canonicalization), and binary after it
    W.data = os.path.join(W.dir, "release.bin")
    write(W.data, b"line one\r\nline two\n" * 100 + os.urandom(200000))


def tearDownModule():
    if W is None:
        return
    for stop in (lambda: W.serve.stop(), lambda: W.tsa.stop(), lambda: W.other_tsa.stop()):
        try:
            stop()
        except Exception:
            pass
    shutil.rmtree(W.dir, ignore_errors=True)


def openssl_verify(data, sig, root):
    return run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any",
               "-in", sig, "-content", data, "-CAfile", root, "-out", "/dev/null", check=False)


def sign(out, *extra, data=None, cert=None, key=None, chain=None, env=None):
    args = ["sign", data or W.data, "--cert", cert or W.cert, "--key", key or W.key,
            "--chain", chain or W.chain, "-o", out, "--force", *extra]
    return casc(*args, env=env)


def verify(sig, *extra, data=None, trust=None, env=None):
    return casc("verify", data or W.data, "--sig", sig, "--trust", trust or W.root, *extra,
                env=env)


def with_tsa(tsa=None, trust=None):
    return ["--tsa", (tsa or W.tsa).url, "--tsa-trust", trust or W.root]


class TestSign(unittest.TestCase):
    def path(self, *names):
        return os.path.join(W.dir, *names)

    def test_openssl_accepts_plain_and_timestamped(self):
        for ts in (False, True):
            with self.subTest(timestamped=ts):
                out = self.path("interop-%d.p7s" % ts)
                p = sign(out, *(with_tsa() if ts else []))
                self.assertEqual(p.returncode, 0, p.stderr)
                o = openssl_verify(W.data, out, W.root)
                self.assertEqual(o.returncode, 0, o.stderr)
                v = verify(out, "--json")
                self.assertEqual(v.returncode, 0, v.stderr)
                j = json.loads(v.stdout)
                self.assertEqual(j["verdict"], "good")
                self.assertEqual(j["timestamp"]["present"], ts)
                self.assertEqual(j["chain"]["judged_by"], "timestamp" if ts else "now")
                self.assertTrue(j["digest"]["signing_certificate_v2_valid"])
                self.assertEqual(j["revocation"]["status"], "good")
                self.assertEqual(j["revocation"]["source"], "ocsp")
                # the code-signing CA too, through the root's CRL
                self.assertEqual([(c["subject"].split(",")[0], c["status"], c["source"])
                                  for c in j["ca_revocation"]],
                                 [("CN=casc Demo Code Signing CA", "good", "crl")])
                if ts:
                    self.assertIn("timestamped at", j["decision"])
        # and the TSA was asked exactly when --tsa was given
        self.assertGreaterEqual(W.tsa.requests, 1)

    def test_signed_attributes(self):
        out = self.path("attrs.p7s")
        self.assertEqual(sign(out).returncode, 0)
        text = run("openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in",
                   out).stdout.decode()
        for attr in ("contentType", "signingTime", "messageDigest",
                     "signingCertificateV2"):
            self.assertIn(attr, text)
        self.assertNotIn("SMIMECapabilities", text)
        # the chain is embedded: the code-signing CA is in the certificates
        self.assertIn("Code Signing CA", text)
        # DER, detached: no content inside
        self.assertNotIn(b"line one", read(out))

    def test_digest_choice(self):
        for alg in ("sha384", "sha512"):
            out = self.path("dg-%s.p7s" % alg)
            self.assertEqual(sign(out, "--digest", alg).returncode, 0)
            self.assertEqual(openssl_verify(W.data, out, W.root).returncode, 0)
            j = json.loads(verify(out, "--json", "--revocation", "none").stdout)
            self.assertEqual(j["digest"]["algorithm"], alg)
            self.assertEqual(j["verdict"], "good")

    @unittest.skipUnless(os.environ.get("CASC_SLOW_TESTS"), "40 s of hashing: CASC_SLOW_TESTS=1")
    def test_file_over_4_gib(self):
        """A sparse file of 4 GiB and one byte: sizes and offsets never held
        in 32 bits. The digest casc signs is the one openssl dgst computes."""
        big = self.path("big.bin")
        with open(big, "wb") as f:
            f.truncate(4 * 1024 ** 3 + 1)
        try:
            out = self.path("big.p7s")
            self.assertEqual(sign(out, data=big).returncode, 0)
            v = verify(out, "--revocation", "none", "--json", data=big)
            self.assertEqual(v.returncode, 0, v.stderr)
            dgst = run("openssl", "dgst", "-sha256", "-r", big).stdout.decode().split()[0]
            self.assertEqual(json.loads(v.stdout)["digest"]["value"], dgst.upper())
        finally:
            os.remove(big)

    def test_several_files_one_call(self):
        d = self.path("many")
        os.makedirs(d, exist_ok=True)
        files = []
        for i in range(3):
            files.append(os.path.join(d, "f%d.txt" % i))
            write(files[-1], b"file %d\n" % i)
        p = casc("sign", *files, "--cert", W.cert, "--key", W.key, "--chain", W.chain,
                 "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([o["signature"] for o in json.loads(p.stdout)],
                         [f + ".p7s" for f in files])
        for f in files:
            self.assertEqual(openssl_verify(f, f + ".p7s", W.root).returncode, 0)
        # never overwritten silently; --force replaces
        before = read(files[0] + ".p7s")
        p = casc("sign", *files, "--cert", W.cert, "--key", W.key)
        self.assertEqual(p.returncode, 2)
        self.assertIn("exists", p.stderr)
        self.assertEqual(read(files[0] + ".p7s"), before)
        p = casc("sign", *files, "--cert", W.cert, "--key", W.key, "--force")
        self.assertEqual(p.returncode, 0, p.stderr)
        # -o with several files is a usage error
        p = casc("sign", *files, "--cert", W.cert, "--key", W.key, "-o", self.path("x.p7s"))
        self.assertEqual(p.returncode, 2)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1)
        self.assertNotIn("x.p7s", os.listdir(W.dir))

    def test_flipped_bit_in_file_fails(self):
        out = self.path("tamper-file.p7s")
        self.assertEqual(sign(out).returncode, 0)
        copy = self.path("tampered.bin")
        data = bytearray(read(W.data))
        for pos in (0, len(data) // 2, len(data) - 1):
            b = bytearray(data)
            b[pos] ^= 0x10
            write(copy, bytes(b))
            v = verify(out, data=copy, trust=W.root)
            self.assertEqual(v.returncode, 1, v.stderr)
            self.assertIn("messageDigest", v.stderr)
        # one byte more or less
        write(copy, bytes(data) + b"\0")
        self.assertEqual(verify(out, data=copy).returncode, 1)
        write(copy, bytes(data[:-1]))
        self.assertEqual(verify(out, data=copy).returncode, 1)

    def test_flipped_bit_in_signature_fails(self):
        out = self.path("tamper-sig.p7s")
        self.assertEqual(sign(out).returncode, 0)
        sig = read(out)
        bad = self.path("tampered.p7s")
        step = 11 if SANITIZED else 3
        for pos in range(0, len(sig), step):
            b = bytearray(sig)
            b[pos] ^= 1 << (pos % 8)
            write(bad, bytes(b))
            v = verify(bad, "--revocation", "none")
            self.assertIn(v.returncode, (1, 2), "byte %d: %s" % (pos, v.stderr))
            lines = v.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, "byte %d: %r" % (pos, v.stderr))
            self.assertRegex(lines[0], r"invalid: |tampered.p7s: ")
        # the signature value itself: its last byte
        b = bytearray(sig)
        b[-1] ^= 1
        write(bad, bytes(b))
        v = verify(bad, "--revocation", "none")
        self.assertEqual(v.returncode, 1)
        self.assertIn("signature value does not verify", v.stderr)

    def test_flipped_bit_in_token_fails(self):
        out = self.path("tamper-token.p7s")
        self.assertEqual(sign(out, *with_tsa()).returncode, 0)
        sig = read(out)
        at = sig.rfind(TS_TOKEN_OID)
        self.assertGreater(at, 0)
        start = at + len(TS_TOKEN_OID) + 4  # SET header, then the token
        bad = self.path("tampered-token.p7s")
        step = 29 if SANITIZED else 7
        for pos in range(start, len(sig), step):
            b = bytearray(sig)
            b[pos] ^= 1 << (pos % 8)
            write(bad, bytes(b))
            v = verify(bad, "--revocation", "none")
            self.assertIn(v.returncode, (1, 2), "byte %d: %s" % (pos, v.stderr))
            if v.returncode == 1:
                self.assertIn("timestamp", v.stderr, "byte %d" % pos)

    def test_tls_server_certificate_fails(self):
        out = self.path("tls.p7s")
        p = sign(out, cert=W.web, key=W.web_key, chain=os.path.join(W.ca, "certs",
                                                                    "issuing-ca.pem"))
        self.assertEqual(p.returncode, 0, p.stderr)
        v = verify(out, "--revocation", "none")
        self.assertEqual(v.returncode, 1)
        self.assertIn("serverAuth", v.stderr)

    def test_expiry_with_and_without_timestamp(self):
        plain = self.path("exp-plain.p7s")
        stamped = self.path("exp-ts.p7s")
        self.assertEqual(sign(plain).returncode, 0)
        self.assertEqual(sign(stamped, *with_tsa()).returncode, 0)
        later = (datetime.datetime.now(datetime.timezone.utc) +
                 datetime.timedelta(days=600)).strftime("%Y-%m-%d %H:%M:%S")
        env = faketime_env(later)
        v = verify(plain, "--revocation", "none", env=env)
        self.assertEqual(v.returncode, 1, v.stderr)
        self.assertIn("expired and no timestamp", v.stderr)
        v = verify(stamped, "--revocation", "none", "--json", env=env)
        self.assertEqual(v.returncode, 0, v.stderr)
        j = json.loads(v.stdout)
        self.assertEqual(j["verdict"], "good")
        self.assertEqual(j["chain"]["judged_by"], "timestamp")
        self.assertIn("timestamped at", j["decision"])

    def wait_revoked(self, sig, timeout=15, field="revocation"):
        deadline = time.time() + timeout * SLOW
        while True:
            v = verify(sig, "--json")
            j = json.loads(v.stdout) if v.stdout else {}
            got = j.get(field, {})
            got = got[0] if isinstance(got, list) and got else got
            if (isinstance(got, dict) and got.get("status") == "revoked") or \
                    time.time() > deadline:
                return v, j
            time.sleep(0.3)

    def test_revoked_after_timestamp_passes(self):
        cert, key, chain = issue_code_signing("later-revoked")
        stamped = self.path("rev-after-ts.p7s")
        plain = self.path("rev-after-plain.p7s")
        self.assertEqual(sign(stamped, *with_tsa(), cert=cert, key=key, chain=chain).returncode, 0)
        self.assertEqual(sign(plain, cert=cert, key=key, chain=chain).returncode, 0)
        time.sleep(1.2)  # the revocation falls strictly after the timestamp's second
        casc("revoke", serial_of(cert), "--reason", "keyCompromise", ca=W.ca, check=True)
        v, j = self.wait_revoked(stamped)
        self.assertEqual(j["revocation"]["status"], "revoked", v.stderr)
        self.assertEqual(v.returncode, 0, v.stderr)
        self.assertEqual(j["verdict"], "good")
        self.assertIn("revoked later", j["decision"])
        # without a timestamp the same revocation counts
        v = verify(plain)
        self.assertEqual(v.returncode, 1, v.stderr)
        self.assertIn("revoked", v.stderr)

    def test_revoked_before_timestamp_fails(self):
        cert, key, chain = issue_code_signing("early-revoked")
        earlier = (datetime.datetime.now(datetime.timezone.utc) -
                   datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        casc("revoke", serial_of(cert), "--reason", "keyCompromise", "--invalidity-date",
             earlier, ca=W.ca, check=True)
        stamped = self.path("rev-before.p7s")
        self.assertEqual(sign(stamped, *with_tsa(), cert=cert, key=key, chain=chain).returncode, 0)
        v, j = self.wait_revoked(stamped)
        self.assertEqual(v.returncode, 1, v.stderr)
        self.assertEqual(j["verdict"], "revoked")
        self.assertIn("at or before the timestamp", j["decision"])
        self.assertIn("keyCompromise", j["decision"])

    def test_tsa_revoked_before_timestamp_fails(self):
        """A TSA whose certificate is revoked (back-dated by its invalidity
        date) before the time it stamps: the timestamp is void."""
        tsa_cert = self.path("tsa2.pem")
        tsa_key = self.path("tsa2.key")
        casc("issue", "--profile", "timestamping", "--subject",
             "CN=casc tests TSA 2,O=casc tests,L=Berlin,C=DE", "-o", tsa_cert, "--key-out",
             tsa_key, ca=W.ca, check=True)
        tsa = OpensslTsa(self.path("tsa2"), tsa_cert, tsa_key,
                         os.path.join(W.ca, "certs", "timestamping-ca.pem"))
        try:
            good = self.path("tsa2-good.p7s")
            self.assertEqual(sign(good, *with_tsa(tsa)).returncode, 0)
            # casc serve may answer "unknown" for a moment about a certificate
            # issued while it runs
            deadline = time.time() + 15 * SLOW
            while True:
                j = json.loads(verify(good, "--json").stdout)
                if j["verdict"] != "indeterminate" or time.time() > deadline:
                    break
                time.sleep(0.3)
            self.assertEqual(j["verdict"], "good", j["decision"])
            self.assertEqual([r["status"] for r in j["tsa_revocation"]], ["good", "good"])
            earlier = (datetime.datetime.now(datetime.timezone.utc) -
                       datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            casc("revoke", serial_of(tsa_cert), "--reason", "keyCompromise",
                 "--invalidity-date", earlier, ca=W.ca, check=True)
            v, j = self.wait_revoked(good, field="tsa_revocation")
            self.assertEqual(v.returncode, 1, v.stderr)
            self.assertEqual(j["verdict"], "revoked")
            self.assertIn("the TSA certificate", j["decision"])
        finally:
            tsa.stop()

    def test_untrusted_tsa_fails(self):
        out = self.path("untrusted-tsa.p7s")
        p = sign(out, *with_tsa(W.other_tsa, W.other_root))
        self.assertEqual(p.returncode, 0, p.stderr)
        v = verify(out, "--revocation", "none")
        self.assertEqual(v.returncode, 1)
        self.assertIn("timestamp token does not verify", v.stderr)
        # and casc sign itself refuses a TSA its --tsa-trust does not cover
        p = sign(self.path("untrusted-2.p7s"), *with_tsa(W.other_tsa, W.root))
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertFalse(os.path.exists(self.path("untrusted-2.p7s")))

    def test_casc_serve_tsa(self):
        """casc serve's own TSA: openssl accepts the signature, and openssl ts
        -verify the token inside it; the verdict is judged at its time, and
        a flipped bit in the token fails."""
        url = "http://127.0.0.1:%d/tsa" % W.port
        out = self.path("serve-tsa.p7s")
        p = sign(out, "--tsa", url, "--tsa-trust", W.root, "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)[0]["tsa"], url)
        self.assertEqual(openssl_verify(W.data, out, W.root).returncode, 0)
        v = verify(out, "--json")
        self.assertEqual(v.returncode, 0, v.stderr)
        j = json.loads(v.stdout)
        self.assertEqual(j["chain"]["judged_by"], "timestamp")
        self.assertEqual(j["timestamp"]["policy"], "2.23.140.1.4.2")
        sig = read(out)
        at = sig.rfind(TS_TOKEN_OID)
        start = at + len(TS_TOKEN_OID) + 4
        token = self.path("serve-token.der")
        write(token, sig[start:])
        # the imprint is the SHA-256 of the signature value: the OCTET STRING
        # that ends just before the unsigned attributes [1]
        text = run("openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in",
                   out).stdout.decode()
        self.assertIn("id-smime-aa-timeStampToken", text)
        sigval = run("openssl", "asn1parse", "-inform", "DER", "-in", out).stdout.decode()
        last_octets = [line for line in sigval.splitlines()
                       if "prim:" in line and "OCTET STRING" in line and int(line.split(":")[0]) < at]
        off = int(last_octets[-1].split(":")[0])
        hl = int(re.search(r"hl=\s*(\d+)", last_octets[-1]).group(1))
        ln = int(re.search(r"l=\s*(\d+)", last_octets[-1].split("hl=")[1]).group(1))
        value = sig[off + hl:off + hl + ln]
        o = run("openssl", "ts", "-verify", "-token_in", "-in", token, "-digest",
                hashlib.sha256(value).hexdigest(), "-CAfile", W.root, "-untrusted",
                os.path.join(W.ca, "certs", "timestamping-ca.pem"), check=False)
        self.assertEqual(o.returncode, 0, o.stdout + o.stderr)
        bad = self.path("serve-tampered.p7s")
        for pos in range(start, len(sig), 37 if SANITIZED else 11):
            b = bytearray(sig)
            b[pos] ^= 1 << (pos % 8)
            write(bad, bytes(b))
            v = verify(bad, "--revocation", "none")
            self.assertIn(v.returncode, (1, 2), "byte %d: %s" % (pos, v.stderr))

    def test_tsa_failover(self):
        dead = "http://127.0.0.1:%d/tsa" % free_port()
        # none reachable: indeterminate (3), nothing written
        lost = self.path("no-tsa.p7s")
        p = sign(lost, "--tsa", dead, "--tsa-trust", W.root)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertFalse(os.path.exists(lost))
        out = self.path("failover.p7s")
        p = sign(out, "--tsa", dead, *with_tsa(), "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)[0]["tsa"], W.tsa.url)

    def test_lifetime_signing_ends_at_expiry(self):
        """A certificate with the Lifetime Signing OID, made here with the
        code-signing CA's key: its timestamped signatures end with it."""
        ca_cert = x509.load_pem_x509_certificate(
            read(os.path.join(W.ca, "certs", "code-signing-ca.pem")))
        ca_key = serialization.load_pem_private_key(
            read(os.path.join(W.ca, "keys", "code-signing-ca.key")), None)
        key = serialization.load_pem_private_key(read(W.key), None)
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name.from_rfc4514_string("CN=Lifetime,O=casc tests,C=DE"))
                .issuer_name(ca_cert.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(minutes=5))
                .not_valid_after(now + datetime.timedelta(days=30))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
                .add_extension(x509.ExtendedKeyUsage([
                    ExtendedKeyUsageOID.CODE_SIGNING,
                    ObjectIdentifier("1.3.6.1.4.1.311.10.3.13")]), False)
                .sign(ca_key, hashes.SHA256()))
        path = self.path("lifetime.pem")
        write(path, cert.public_bytes(serialization.Encoding.PEM))
        out = self.path("lifetime.p7s")
        self.assertEqual(sign(out, *with_tsa(), cert=path).returncode, 0)
        j = json.loads(verify(out, "--revocation", "none", "--json").stdout)
        self.assertEqual(j["verdict"], "good")
        self.assertTrue(j["signer"]["lifetime_signing"])
        later = (now + datetime.timedelta(days=60)).strftime("%Y-%m-%d %H:%M:%S")
        v = verify(out, "--revocation", "none", env=faketime_env(later))
        self.assertEqual(v.returncode, 1, v.stderr)
        self.assertIn("Lifetime Signing", v.stderr)

    def test_revocation_unreachable_hard_soft(self):
        """A CA whose responder and CRLs nobody serves: hard-fail says
        indeterminate (3), soft-fail passes with a warning."""
        cert, key, chain = issue_code_signing("unserved", ca=W.other)
        out = self.path("unserved.p7s")
        self.assertEqual(sign(out, cert=cert, key=key, chain=chain).returncode, 0)
        v = verify(out, trust=W.other_root)
        self.assertEqual(v.returncode, 3, v.stderr)
        self.assertIn("indeterminate", v.stderr)
        v = verify(out, "--revocation", "soft", trust=W.other_root)
        self.assertEqual(v.returncode, 0, v.stderr)
        self.assertIn("warning", v.stderr)
        v = verify(out, "--revocation", "none", trust=W.other_root)
        self.assertEqual(v.returncode, 0, v.stderr)

    def test_untrusted_signer_fails(self):
        out = self.path("untrusted-signer.p7s")
        self.assertEqual(sign(out).returncode, 0)
        v = verify(out, "--revocation", "none", trust=W.other_root)
        self.assertEqual(v.returncode, 1)
        self.assertIn("chain does not verify", v.stderr)

    def test_bad_input(self):
        out = self.path("bad-input.p7s")
        self.assertEqual(sign(out).returncode, 0)
        junk = self.path("junk.p7s")
        write(junk, b"\x30\x03\x02\x01\x01")
        cases = [
            (["verify", W.data, "--sig", junk, "--trust", W.root], "junk.p7s"),
            (["verify", W.data, "--sig", self.path("missing.p7s"), "--trust", W.root],
             "missing.p7s"),
            (["verify", self.path("missing.bin"), "--sig", out, "--trust", W.root],
             "missing.bin"),
            (["verify", W.data, "--sig", out, "--trust", junk], "junk.p7s"),
            (["verify", W.data, "--sig", out], "--trust"),
            (["verify", W.data, "--sig", out, "--trust", W.root, "--revocation", "maybe"],
             "maybe"),
            (["sign", W.data, "--cert", W.cert], "--key"),
            (["sign", W.data, "--cert", W.cert, "--key", W.web_key, "-o",
              self.path("mismatch.p7s")], "does not match"),
            (["sign", W.data, "--cert", junk, "--key", W.key, "-o", self.path("j.p7s")],
             "junk.p7s"),
            (["sign", W.data, "--cert", W.cert, "--key", W.key, "--digest", "md5"], "md5"),
            (["sign", W.data, "--cert", W.cert, "--key", W.key, "--tsa", "ftp://x"], "ftp://x"),
            (["sign", self.path("missing.bin"), "--cert", W.cert, "--key", W.key],
             "missing.bin"),
            (["sign", W.data, "--cert", W.cert, "--key", W.key, "-o",
              self.path("no-such-dir", "x.p7s")], "no-such-dir"),
        ]
        for args, needle in cases:
            with self.subTest(args=args):
                p = casc(*args)
                self.assertEqual(p.returncode, 2, p.stderr)
                lines = p.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, p.stderr)
                self.assertIn(needle, lines[0])
        self.assertFalse(os.path.exists(self.path("mismatch.p7s")))

    def test_help_and_man_page(self):
        with open(os.path.join(ROOT, "docs", "casc.1")) as f:
            man = f.read().replace("\\-", "-")
        for cmd in ("sign", "verify"):
            p = casc(cmd, "--help")
            self.assertEqual(p.returncode, 0)
            self.assertIn("casc [--dir DIR] %s" % cmd, p.stdout)
            self.assertTrue(".B %s" % cmd in man, "no section for %s" % cmd)
            for opt in set(re.findall(r"--[a-z][a-z0-9-]*[a-z0-9]", p.stdout)) - {"--dir",
                                                                                   "--help"}:
                self.assertTrue(opt in man, "%s %s is not in docs/casc.1" % (cmd, opt))


@unittest.skipUnless(os.path.exists(SOFTHSM) and shutil.which("softhsm2-util"),
                     "SoftHSM2 not installed")
class TestPkcs11(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = os.path.join(W.dir, "softhsm")
        os.makedirs(os.path.join(cls.dir, "tokens"))
        conf = os.path.join(cls.dir, "softhsm2.conf")
        with open(conf, "w") as f:
            f.write("directories.tokendir = %s/tokens\nobjectstore.backend = file\n" % cls.dir)
        cls.env = dict(os.environ, SOFTHSM2_CONF=conf)
        # libp11's engine leaks its method tables when a login fails and at
        # OpenSSL's exit clean-up; under LeakSanitizer that is not casc's
        # leak. Full stacks, so that only those allocations are matched.
        supp = os.path.join(cls.dir, "lsan.supp")
        with open(supp, "w") as f:
            f.write("leak:ENGINE_by_id\nleak:ENGINE_remove\nleak:OPENSSL_cleanup\n")
        cls.env["LSAN_OPTIONS"] = "suppressions=%s:print_suppressions=0" % supp
        cls.env["ASAN_OPTIONS"] = cls.env.get("ASAN_OPTIONS", "") + ":fast_unwind_on_malloc=0"
        run("softhsm2-util", "--init-token", "--free", "--label", "casc-test", "--pin",
            "123456", "--so-pin", "654321", env=cls.env)
        p8 = os.path.join(cls.dir, "key.p8")
        run("openssl", "pkcs8", "-topk8", "-nocrypt", "-in", W.key, "-out", p8)
        run("softhsm2-util", "--import", p8, "--token", "casc-test", "--label", "signer",
            "--id", "01", "--pin", "123456", env=cls.env)
        os.remove(p8)

    def uri(self, pin="pin-value=123456"):
        return "pkcs11:token=casc-test;object=signer;type=private?module-path=%s&%s" % (
            SOFTHSM, pin)

    def test_softhsm_signature_verifies(self):
        out = os.path.join(self.dir, "hsm.p7s")
        p = sign(out, *with_tsa(), key=self.uri(), env=self.env)
        self.assertEqual(p.returncode, 0, p.stderr)
        o = openssl_verify(W.data, out, W.root)
        self.assertEqual(o.returncode, 0, o.stderr)
        self.assertEqual(verify(out, "--revocation", "none").returncode, 0)

    def test_rsa_key_on_token(self):
        """An RSA key on the token: the engine's RSA path (PKCS #1 v1.5 over
        the DigestInfo of the signed attributes' hash)."""
        cert, key, chain = issue_code_signing_rsa()
        p8 = os.path.join(self.dir, "rsa.p8")
        run("openssl", "pkcs8", "-topk8", "-nocrypt", "-in", key, "-out", p8)
        run("softhsm2-util", "--import", p8, "--token", "casc-test", "--label", "rsa-signer",
            "--id", "02", "--pin", "123456", env=self.env)
        os.remove(p8)
        out = os.path.join(self.dir, "hsm-rsa.p7s")
        uri = self.uri().replace("object=signer", "object=rsa-signer")
        p = sign(out, cert=cert, key=uri, chain=chain, env=self.env)
        self.assertEqual(p.returncode, 0, p.stderr)
        o = openssl_verify(W.data, out, W.root)
        self.assertEqual(o.returncode, 0, o.stderr)
        j = json.loads(verify(out, "--revocation", "none", "--json").stdout)
        self.assertEqual(j["verdict"], "good", j["decision"])

    def test_pin_source_and_several_files(self):
        pin = os.path.join(self.dir, "pin.txt")
        write(pin, b"123456\n")
        files = []
        for i in range(2):
            files.append(os.path.join(self.dir, "h%d.bin" % i))
            write(files[-1], os.urandom(1000))
        p = casc("sign", *files, "--cert", W.cert, "--chain", W.chain, "--key",
                 self.uri("pin-source=file:" + pin), env=self.env)
        self.assertEqual(p.returncode, 0, p.stderr)
        for f in files:
            self.assertEqual(openssl_verify(f, f + ".p7s", W.root).returncode, 0)

    def test_wrong_pin_and_object(self):
        for uri in (self.uri("pin-value=000000"),
                    self.uri().replace("object=signer", "object=nothing")):
            out = os.path.join(self.dir, "never.p7s")
            p = sign(out, key=uri, env=self.env)
            self.assertEqual(p.returncode, 2)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
            self.assertNotIn("000000", p.stderr)  # the PIN is never printed
            self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    unittest.main(verbosity=2)
