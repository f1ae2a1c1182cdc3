#!/usr/bin/env python3
"""OCSP end to end: `casc ocsp presign` and `casc serve` answering real
clients (openssl ocsp over POST, curl over GET, Python cryptography) on
127.0.0.1 only.

CASC_BIN names the casc binary; under the sanitizer build (CASC_SANITIZE=1)
every timeout is stretched. The server this starts is always killed."""

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.parse
import urllib.request
import urllib.error

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.x509 import ocsp

CASC = os.environ.get("CASC_BIN", "")
SANITIZE = os.environ.get("CASC_SANITIZE", "").lower() in ("1", "on", "true", "yes")
SLOW = 4 if SANITIZE else 1
SANITIZER_MARKS = (b"AddressSanitizer", b"LeakSanitizer", b"runtime error:",
                   b"UndefinedBehaviorSanitizer")
MALFORMED = bytes.fromhex("30030a0101")
UNAUTHORIZED = bytes.fromhex("30030a0106")

WORK = CA = PORT = URL = SERVER = ERRPATH = None
CERTS = {}


def casc(*args, check=True):
    p = subprocess.run([CASC, "--dir", CA, *args], capture_output=True, text=True,
                       timeout=120 * SLOW)
    if check and p.returncode != 0:
        raise AssertionError("casc %s: %d %s" % (" ".join(args), p.returncode, p.stderr))
    return p


def run(*cmd, check=True):
    p = subprocess.run(list(cmd), capture_output=True, text=True, timeout=60 * SLOW)
    if check and p.returncode != 0:
        raise AssertionError("%s: %d %s %s" % (cmd, p.returncode, p.stdout, p.stderr))
    return p


def read(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


def ca_file(name):
    return os.path.join(CA, "certs", name + ".pem")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def issue(name):
    path = os.path.join(WORK, name + ".pem")
    casc("issue", "--profile", "tls-server", "--dns", name + ".casc-test.com", "-o", path,
         "--key-out", os.path.join(WORK, name + ".key"))
    CERTS[name] = path
    return path


def serial_of(path):
    out = run("openssl", "x509", "-noout", "-serial", "-in", path).stdout
    return out.strip().split("=", 1)[1]


def http(method, path, body=None, headers=None):
    """(status, headers, body) of one request."""
    req = urllib.request.Request(URL + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=20 * SLOW) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def request_der(cert, issuer="issuing-ca", extra=()):
    """A DER OCSPRequest made by openssl ocsp (no nonce unless extra asks)."""
    out = tempfile.mktemp(dir=WORK, suffix=".req")
    args = ["openssl", "ocsp", "-issuer", ca_file(issuer), *extra]
    args += ["-serial", cert] if cert.startswith("0x") else ["-cert", cert]
    run(*args, "-reqout", out, *([] if "-nonce" in extra else ["-no_nonce"]))
    with open(out, "rb") as f:
        return f.read()


def openssl_query(cert, *extra, issuer="issuing-ca"):
    """openssl ocsp over POST, verified against the root."""
    args = ["openssl", "ocsp", "-issuer", ca_file(issuer), *extra]
    args += ["-serial", cert] if cert.startswith("0x") else ["-cert", cert]
    return run(*args, "-url", URL + "/ocsp", "-CAfile", ca_file("root-ca"),
               "-verify_other", ca_file("issuing-ca"), "-timeout", str(20 * SLOW), check=False)


def post(der):
    return http("POST", "/ocsp", der, {"Content-Type": "application/ocsp-request"})


def status_of(resp_der):
    r = ocsp.load_der_ocsp_response(resp_der)
    if r.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        return r.response_status, None
    return r.certificate_status, r


def setUpModule():
    global WORK, CA, PORT, URL, SERVER, ERRPATH
    if not CASC or not os.access(CASC, os.X_OK):
        raise unittest.SkipTest("CASC_BIN does not name the casc binary")
    WORK = tempfile.mkdtemp(prefix="casc-ocsp-")
    CA = os.path.join(WORK, "ca")
    PORT = free_port()
    URL = "http://127.0.0.1:%d" % PORT
    subprocess.run([CASC, "--dir", CA, "init", "--base-url", URL], check=True,
                   capture_output=True, timeout=120 * SLOW)
    for name in ("good", "revoked", "later", "hook"):
        issue(name)
    casc("revoke", CERTS["revoked"] and serial_of(CERTS["revoked"]), "--reason", "keyCompromise")
    p = casc("ocsp", "presign", "--json")
    report = json.loads(p.stdout)
    # 4 leaves, 3 delegated responders, the TSA; the root's CA certificates
    # have no responder
    if report["signed"] != 8 or report["skipped"] != 3:
        raise AssertionError("presign: %r" % report)
    ERRPATH = os.path.join(WORK, "serve.err")
    with open(ERRPATH, "wb") as err:
        SERVER = subprocess.Popen([CASC, "--dir", CA, "serve", "--listen", "127.0.0.1:%d" % PORT,
                                   "--threads", "2"], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.monotonic() + 30 * SLOW
    while time.monotonic() < deadline:
        if SERVER.poll() is not None:
            raise AssertionError("casc serve exited: %r" % read(ERRPATH))
        try:
            if http("GET", "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("casc serve did not start")


def tearDownModule():
    try:
        if SERVER is not None and SERVER.poll() is None:
            SERVER.send_signal(signal.SIGTERM)
            rc = SERVER.wait(timeout=30 * SLOW)
            err = read(ERRPATH)
            if rc != 0 or any(m in err for m in SANITIZER_MARKS):
                raise AssertionError("casc serve exited %d: %r" % (rc, err))
    finally:
        if SERVER is not None and SERVER.poll() is None:
            SERVER.kill()
            SERVER.wait()
        if WORK:
            shutil.rmtree(WORK, ignore_errors=True)


class OpenSSLClient(unittest.TestCase):
    def check(self, cert, want, *extra):
        p = openssl_query(cert, *extra)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Response verify OK", p.stderr)
        self.assertNotIn("WARNING", p.stdout + p.stderr)
        self.assertIn("%s: %s" % (cert, want), p.stdout)
        return p.stdout

    def test_good_with_and_without_nonce(self):
        self.check(CERTS["good"], "good")
        self.check(CERTS["good"], "good", "-no_nonce")

    def test_revoked_with_reason(self):
        for extra in ((), ("-no_nonce",)):
            out = self.check(CERTS["revoked"], "revoked", *extra)
            self.assertIn("Reason: keyCompromise", out)
            self.assertIn("Revocation Time:", out)

    def test_unknown_serial(self):
        self.check("0x1234567890ABCDEF", "unknown", "-no_nonce")
        self.check("0x1234567890ABCDEF", "unknown")

    def test_sha256_certid(self):
        out = self.check(CERTS["revoked"], "revoked", "-sha256", "-no_nonce")
        self.assertIn("Reason: keyCompromise", out)
        self.check(CERTS["good"], "good", "-sha256")


class GetAndCaching(unittest.TestCase):
    def get(self, der, headers=None, quote=True):
        b64 = base64.b64encode(der).decode()
        return http("GET", "/ocsp/" + (urllib.parse.quote(b64, safe="") if quote else b64),
                    headers=headers)

    def test_curl_get_then_openssl_respin(self):
        der = request_der(CERTS["good"])
        b64 = urllib.parse.quote(base64.b64encode(der).decode(), safe="")
        out = os.path.join(WORK, "good.resp")
        hdrs = os.path.join(WORK, "good.hdrs")
        run("curl", "-sS", "-f", "-D", hdrs, "-o", out, URL + "/ocsp/" + b64)
        p = run("openssl", "ocsp", "-respin", out, "-CAfile", ca_file("root-ca"),
                "-verify_other", ca_file("issuing-ca"), "-issuer", ca_file("issuing-ca"),
                "-cert", CERTS["good"])
        self.assertIn("Response verify OK", p.stderr)
        self.assertIn(CERTS["good"] + ": good", p.stdout)
        text = read(hdrs, "r").lower()
        self.assertIn("content-type: application/ocsp-response", text)

    def test_caching_headers_and_304(self):
        status, h, body = self.get(request_der(CERTS["revoked"]))
        self.assertEqual(status, 200)
        self.assertEqual(h["Content-Type"], "application/ocsp-response")
        cc = [x.strip() for x in h["Cache-Control"].split(",")]
        self.assertIn("public", cc)
        self.assertIn("no-transform", cc)
        self.assertIn("must-revalidate", cc)
        max_age = int([x for x in cc if x.startswith("max-age=")][0].split("=")[1])
        st, r = status_of(body)
        self.assertEqual(st, ocsp.OCSPCertStatus.REVOKED)
        self.assertEqual(r.revocation_reason, x509.ReasonFlags.key_compromise)
        # max-age never runs past nextUpdate
        import email.utils
        expires = email.utils.parsedate_to_datetime(h["Expires"])
        last_mod = email.utils.parsedate_to_datetime(h["Last-Modified"])
        self.assertEqual(expires.replace(tzinfo=None), r.next_update)
        self.assertEqual(last_mod.replace(tzinfo=None), r.this_update)
        self.assertLessEqual(max_age, (r.next_update - r.this_update).total_seconds())
        self.assertTrue(h["ETag"].startswith('"'))
        status, h2, body2 = self.get(request_der(CERTS["revoked"]),
                                     headers={"If-None-Match": h["ETag"]})
        self.assertEqual(status, 304)
        self.assertEqual(body2, b"")
        # unquoted base64 (with / and +) works as well
        status, _, body3 = self.get(request_der(CERTS["revoked"]), quote=False)
        self.assertEqual(status, 200)
        self.assertEqual(body3, body)

    def test_python_cryptography(self):
        good = x509.load_pem_x509_certificate(read(CERTS["good"]))
        issuer = x509.load_pem_x509_certificate(read(ca_file("issuing-ca")))
        for alg in (hashes.SHA1(), hashes.SHA256()):
            der = ocsp.OCSPRequestBuilder().add_certificate(good, issuer, alg).build().public_bytes(
                serialization.Encoding.DER)
            status, _, body = post(der)
            self.assertEqual(status, 200)
            st, r = status_of(body)
            self.assertEqual(st, ocsp.OCSPCertStatus.GOOD)
            self.assertEqual(r.serial_number, good.serial_number)
            self.assertEqual(type(r.hash_algorithm), type(alg))
            self.assertEqual(r.responder_key_hash is not None, True)  # byKey
            self.assertEqual(len(r.certificates), 1)  # the delegated responder
            verify_signature(r)
        # the presigned (template-encoded) revoked answer parses and verifies too
        revoked = x509.load_pem_x509_certificate(read(CERTS["revoked"]))
        der = ocsp.OCSPRequestBuilder().add_certificate(revoked, issuer, hashes.SHA1()).build(
        ).public_bytes(serialization.Encoding.DER)
        status, _, body = post(der)
        self.assertEqual(status, 200)
        st, r = status_of(body)
        self.assertEqual(st, ocsp.OCSPCertStatus.REVOKED)
        self.assertIsNotNone(r.revocation_time)
        verify_signature(r)


def verify_signature(r):
    """The response's signature under the responder certificate it carries."""
    key = r.certificates[0].public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(r.signature, r.tbs_response_bytes, ec.ECDSA(r.signature_hash_algorithm))
    else:
        key.verify(r.signature, r.tbs_response_bytes, padding.PKCS1v15(),
                   r.signature_hash_algorithm)


class BadInput(unittest.TestCase):
    def test_unauthorized_for_an_issuer_not_served(self):
        # the root has no responder: its CA certificates are in its CRL
        der = request_der(ca_file("issuing-ca"), issuer="root-ca")
        self.assertEqual(post(der)[2], UNAUTHORIZED)
        # an issuer from another CA altogether (same names, other keys)
        other = os.path.join(WORK, "other")
        subprocess.run([CASC, "--dir", other, "init"], check=True, capture_output=True,
                       timeout=120 * SLOW)
        args = ["openssl", "ocsp", "-issuer", os.path.join(other, "certs", "issuing-ca.pem"),
                "-serial", "0x01", "-no_nonce", "-reqout", os.path.join(WORK, "other.req")]
        run(*args)
        self.assertEqual(post(read(os.path.join(WORK, "other.req")))[2],
                         UNAUTHORIZED)

    def test_malformed(self):
        good = request_der(CERTS["good"])
        for body in (b"", b"garbage", good[:-1], good + b"\x00", b"\x30\x00"):
            status, _, resp = post(body)
            self.assertEqual((status, resp), (200, MALFORMED), body)
        for path in ("/ocsp/!!!!", "/ocsp/MAMCAQA==x", "/ocsp/%zz", "/ocsp/",
                     "/ocsp/" + base64.b64encode(b"garbage").decode()):
            status, _, resp = http("GET", path)
            self.assertEqual((status, resp), (200, MALFORMED), path)

    def test_methods_types_sizes(self):
        good = request_der(CERTS["good"])
        self.assertEqual(http("POST", "/ocsp", good, {"Content-Type": "text/plain"})[0], 415)
        self.assertEqual(http("POST", "/ocsp", good)[0], 415)
        self.assertEqual(http("PUT", "/ocsp", good)[0], 405)
        self.assertEqual(http("DELETE", "/ocsp/abc")[0], 405)
        self.assertEqual(post(b"\x30" * 5000)[0], 413)
        self.assertEqual(http("GET", "/ocsp/" + "A" * 8000)[2], MALFORMED)

    def test_metrics(self):
        post(request_der(CERTS["good"]))
        status, h, body = http("GET", "/metrics")
        self.assertEqual(status, 200)
        text = body.decode()
        self.assertIn('casc_ocsp_requests_total{result="good"}', text)
        self.assertIn("casc_ocsp_responses ", text)
        good = [l for l in text.splitlines() if l.startswith('casc_ocsp_requests_total{result="good"}')]
        self.assertGreaterEqual(int(good[0].split()[-1]), 1)


class Freshness(unittest.TestCase):
    def wait_status(self, cert, want, limit):
        start = time.monotonic()
        der = request_der(cert)
        while True:
            st, _ = status_of(post(der)[2])
            if st == want:
                return time.monotonic() - start
            if time.monotonic() - start > limit:
                self.fail("%s still %s after %.1f s" % (cert, st, limit))
            time.sleep(0.05)

    def test_revocation_shows_within_2_seconds(self):
        self.wait_status(CERTS["hook"], ocsp.OCSPCertStatus.GOOD, 5 * SLOW)
        casc("revoke", serial_of(CERTS["hook"]), "--reason", "superseded")
        took = self.wait_status(CERTS["hook"], ocsp.OCSPCertStatus.REVOKED, 2 * SLOW)
        self.assertLess(took, 2 * SLOW)
        st, r = status_of(post(request_der(CERTS["hook"]))[2])
        self.assertEqual(r.revocation_reason, x509.ReasonFlags.superseded)

    def test_new_certificate_is_presigned_by_the_daemon(self):
        path = issue("fresh")
        self.wait_status(path, ocsp.OCSPCertStatus.GOOD, 3 * SLOW)
        # and from the presigned snapshot, cacheable: GET gets an ETag
        b64 = urllib.parse.quote(base64.b64encode(request_der(path)).decode(), safe="")
        status, h, _ = http("GET", "/ocsp/" + b64)
        self.assertEqual(status, 200)
        self.assertIn("ETag", h)


class Sha256CertIDs(unittest.TestCase):
    """RFC 9919 recommends SHA-256 CertIDs: their answers are signed once
    per presigned response and then served from memory like it."""

    def test_signed_once_then_cached(self):
        der = request_der(CERTS["revoked"], extra=("-sha256",))
        b64 = urllib.parse.quote(base64.b64encode(der).decode(), safe="")
        s1, h1, body1 = http("GET", "/ocsp/" + b64)
        s2, h2, body2 = http("GET", "/ocsp/" + b64)
        self.assertEqual((s1, s2), (200, 200))
        self.assertEqual(body1, body2)
        self.assertEqual(h1["ETag"], h2["ETag"])
        self.assertIn("max-age=", h1["Cache-Control"])
        s3, _, _ = http("GET", "/ocsp/" + b64, headers={"If-None-Match": h1["ETag"]})
        self.assertEqual(s3, 304)
        r = ocsp.load_der_ocsp_response(body1)
        self.assertEqual(r.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.assertIsInstance(r.hash_algorithm, hashes.SHA256)
        out = os.path.join(WORK, "sha256.resp")
        with open(out, "wb") as f:
            f.write(body1)
        p = run("openssl", "ocsp", "-respin", out, "-CAfile", ca_file("root-ca"),
                "-verify_other", ca_file("issuing-ca"), "-issuer", ca_file("issuing-ca"),
                "-sha256", "-cert", CERTS["revoked"])
        self.assertIn("Response verify OK", p.stderr)
        self.assertIn("Reason: keyCompromise", p.stdout)

    def test_revocation_replaces_the_cached_answer(self):
        path = issue("sha256hook")
        der = request_der(path, extra=("-sha256",))
        deadline = time.monotonic() + 5 * SLOW
        while status_of(post(der)[2])[0] != ocsp.OCSPCertStatus.GOOD:
            self.assertLess(time.monotonic(), deadline, "never good")
            time.sleep(0.05)
        casc("revoke", serial_of(path), "--reason", "cessationOfOperation")
        deadline = time.monotonic() + 2 * SLOW
        while True:
            st, r = status_of(post(der)[2])
            if st == ocsp.OCSPCertStatus.REVOKED:
                break
            self.assertLess(time.monotonic(), deadline, "still %s" % st)
            time.sleep(0.05)
        self.assertEqual(r.revocation_reason, x509.ReasonFlags.cessation_of_operation)


class SighupReload(unittest.TestCase):
    """SIGHUP re-reads casc.conf without dropping connections; a bad file
    leaves the settings in force."""

    def set_nonce(self, value):
        conf = os.path.join(CA, "casc.conf")
        text = read(conf, "r")
        lines = [l for l in text.splitlines() if not l.startswith("nonce")]
        i = lines.index("[ocsp]")
        lines.insert(i + 1, "nonce = " + value)
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        SERVER.send_signal(signal.SIGHUP)

    def nonce_answer(self, conn, der):
        conn.request("POST", "/ocsp", body=der, headers={"Content-Type": "application/ocsp-request"})
        r = conn.getresponse()
        body = r.read()
        self.assertEqual(r.status, 200)
        return ocsp.load_der_ocsp_response(body), body

    def wait_for(self, conn, der, want_nonce):
        deadline = time.monotonic() + 5 * SLOW
        while True:
            resp, body = self.nonce_answer(conn, der)
            has = any(isinstance(e.value, x509.OCSPNonce) for e in resp.extensions)
            if has == want_nonce:
                return resp, body
            self.assertLess(time.monotonic(), deadline, "nonce still %s" % has)
            time.sleep(0.05)

    def test_reload_nonce_policy_keeps_connections(self):
        import http.client
        der = request_der(CERTS["good"], extra=("-nonce",))
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=20 * SLOW)
        try:
            self.wait_for(conn, der, True)
            sock = conn.sock
            self.set_nonce("ignore")
            resp, body = self.wait_for(conn, der, False)
            self.assertIs(conn.sock, sock, "the keep-alive connection was dropped")
            # the presigned answer itself
            plain = post(request_der(CERTS["good"]))[2]
            self.assertEqual(body, plain)
            # a bad value: logged, and the setting in force stays
            self.set_nonce("sometimes")
            deadline = time.monotonic() + 5 * SLOW
            while b"sometimes" not in read(ERRPATH):
                self.assertLess(time.monotonic(), deadline, "no log line for the bad setting")
                time.sleep(0.05)
            self.assertIsNone(SERVER.poll())
            self.wait_for(conn, der, False)
            self.assertIs(conn.sock, sock)
        finally:
            self.set_nonce("echo")
            self.wait_for(conn, der, True)
            conn.close()


if __name__ == "__main__":
    unittest.main()
