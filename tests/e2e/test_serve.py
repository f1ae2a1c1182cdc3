#!/usr/bin/env python3
"""casc serve, end to end, with real clients (curl, openssl, Python's
http.client and urllib, cryptography) on 127.0.0.1 only.

The CASC_BIN environment variable names the casc binary. Under the
sanitizer build (CASC_SANITIZE=1) everything is slower, so every timeout is
stretched. Every wait is bounded and every server this starts is killed in
the tear-down, whatever happened."""

import datetime
import email.utils
import http.client
import os
import resource
import shutil
import signal
import socket
import sys
import subprocess
import tempfile
import time
import unittest
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID

CASC = os.environ.get("CASC_BIN", "")
SANITIZE = os.environ.get("CASC_SANITIZE", "").lower() in ("1", "on", "true", "yes")
SLOW = 4 if SANITIZE else 1
ISSUERS = ("root-ca", "issuing-ca", "code-signing-ca", "timestamping-ca")
SANITIZER_MARKS = (b"AddressSanitizer", b"LeakSanitizer", b"runtime error:",
                   b"UndefinedBehaviorSanitizer")

CA_DIR = None   # made once by setUpModule
WORK = None
BASE_PORT = None


def free_port(family=socket.AF_INET, host="127.0.0.1"):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def casc(*args, timeout=60):
    return subprocess.run([CASC, *args], capture_output=True, timeout=timeout * SLOW)


def curl(*args):
    return subprocess.run(["curl", "-sS", "-m", str(20 * SLOW), *args],
                          capture_output=True, timeout=30 * SLOW)


def http_request(port, method, path, headers=None, body=None, host="127.0.0.1"):
    """One request on a fresh connection: (status, headers, body)."""
    conn = http.client.HTTPConnection(host, port, timeout=10 * SLOW)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()


def pem_cert(name):
    with open(os.path.join(CA_DIR, "certs", name + ".pem"), "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def not_before(cert):
    """notBefore as an aware datetime, on cryptography before and after 42."""
    utc = getattr(cert, "not_valid_before_utc", None)
    return utc if utc is not None else cert.not_valid_before.replace(tzinfo=datetime.timezone.utc)


def verify_issued_by(cert, issuer):
    """Checks cert's signature with issuer's key (Debian 12's cryptography
    predates Certificate.verify_directly_issued_by)."""
    key = issuer.public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(cert.signature, cert.tbs_certificate_bytes,
                   ec.ECDSA(cert.signature_hash_algorithm))
    elif isinstance(key, rsa.RSAPublicKey):
        key.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(),
                   cert.signature_hash_algorithm)
    else:
        raise AssertionError("unexpected issuer key %r" % key)
    if cert.issuer != issuer.subject:
        raise AssertionError("issuer name differs")


class Server:
    """A `casc serve` process: started, waited for, and always reaped."""

    def __init__(self, listen, threads=2, ca_dir=None):
        self.listen = listen
        self.errpath = tempfile.mktemp(prefix="serve-", suffix=".err", dir=WORK)
        self.err = open(self.errpath, "wb")
        self.proc = subprocess.Popen(
            [CASC, "--dir", ca_dir or CA_DIR, "serve", "--listen", listen,
             "--threads", str(threads)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.err)

    def stderr(self):
        self.err.flush()
        with open(self.errpath, "rb") as f:
            return f.read()

    def wait_ready(self, host="127.0.0.1", port=None):
        port = port or int(self.listen.rsplit(":", 1)[1])
        deadline = time.monotonic() + 30 * SLOW
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("casc serve exited %d: %r" % (self.proc.returncode, self.stderr()))
            try:
                status, _, body = http_request(port, "GET", "/healthz", host=host)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("casc serve did not answer /healthz: %r" % self.stderr())

    def signal_and_wait(self, sig=signal.SIGTERM, timeout=None):
        """Sends sig; returns (exit status, seconds taken)."""
        start = time.monotonic()
        self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=timeout or 15 * SLOW)
        return rc, time.monotonic() - start

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        self.err.close()


def setUpModule():
    global CA_DIR, WORK, BASE_PORT
    if not CASC or not os.access(CASC, os.X_OK):
        raise unittest.SkipTest("CASC_BIN does not name the casc binary")
    WORK = tempfile.mkdtemp(prefix="casc-serve-")
    CA_DIR = os.path.join(WORK, "ca")
    # The certificates carry their caIssuers URL under the base URL, so the
    # shared server listens exactly there.
    BASE_PORT = free_port()
    r = casc("--dir", CA_DIR, "init", "--base-url", "http://127.0.0.1:%d" % BASE_PORT)
    if r.returncode != 0:
        raise RuntimeError("casc init failed: %r" % r.stderr)
    r = casc("--dir", CA_DIR, "issue", "--profile", "tls-server", "--dns", "www.example.com",
             "-o", os.path.join(WORK, "leaf.pem"), "--key-out", os.path.join(WORK, "leaf.key"))
    if r.returncode != 0:
        raise RuntimeError("casc issue failed: %r" % r.stderr)


def tearDownModule():
    if WORK is not None:
        shutil.rmtree(WORK, ignore_errors=True)


class ServeTest(unittest.TestCase):
    """One server for the read-only checks; stopped with SIGTERM at the end,
    which must give exit status 0 and no sanitizer report."""

    @classmethod
    def setUpClass(cls):
        cls.port = BASE_PORT
        cls.base = "http://127.0.0.1:%d" % cls.port
        cls.server = Server("127.0.0.1:%d" % cls.port)
        try:
            cls.server.wait_ready()
        except BaseException:
            cls.server.kill()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            rc, _ = cls.server.signal_and_wait()
            err = cls.server.stderr()
        finally:
            cls.server.kill()
        if rc != 0 or any(m in err for m in SANITIZER_MARKS):
            raise AssertionError("shared server: exit %s, stderr %r" % (rc, err))

    def test_listening_line(self):
        first = self.server.stderr().decode().splitlines()[0]
        self.assertEqual(first, "casc serve: listening on %s (2 threads)" % self.base)

    def test_healthz_with_curl(self):
        hdr = os.path.join(WORK, "healthz.hdr")
        out = os.path.join(WORK, "healthz.body")
        r = curl("-D", hdr, "-o", out, "-w", "%{http_code}", self.base + "/healthz")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"200")
        with open(out, "rb") as f:
            self.assertEqual(f.read(), b"ok\n")
        with open(hdr, "rb") as f:
            headers = f.read().lower()
        self.assertIn(b"content-type: text/plain", headers)
        self.assertIn(b"content-length: 3\r\n", headers)

    def test_issuing_ca_der_with_openssl_and_cryptography(self):
        path = os.path.join(WORK, "issuing-ca.der")
        r = curl("-o", path, "-w", "%{http_code} %{content_type}", self.base + "/ca/issuing-ca.crt")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"200 application/pkix-cert")
        o = subprocess.run(["openssl", "x509", "-inform", "DER", "-in", path, "-noout", "-subject"],
                           capture_output=True, timeout=30 * SLOW)
        self.assertEqual(o.returncode, 0, o.stderr)
        self.assertIn(b"subject=", o.stdout)
        with open(path, "rb") as f:
            der = f.read()
        cert = x509.load_der_x509_certificate(der)
        expected = pem_cert("issuing-ca")
        self.assertEqual(cert, expected)
        self.assertEqual(der, expected.public_bytes(serialization.Encoding.DER))

    def test_every_issuer_as_der_and_pem(self):
        for name in ISSUERS:
            expected = pem_cert(name)
            with urllib.request.urlopen("%s/ca/%s.crt" % (self.base, name), timeout=10 * SLOW) as r:
                self.assertEqual(r.status, 200)
                self.assertEqual(r.headers["Content-Type"], "application/pkix-cert")
                self.assertEqual(x509.load_der_x509_certificate(r.read()), expected)
            with urllib.request.urlopen("%s/ca/%s.pem" % (self.base, name), timeout=10 * SLOW) as r:
                self.assertEqual(r.status, 200)
                self.assertEqual(r.headers["Content-Type"], "application/x-pem-file")
                self.assertEqual(x509.load_pem_x509_certificate(r.read()), expected)

    def test_ca_issuers_url_of_an_issued_certificate(self):
        with open(os.path.join(WORK, "leaf.pem"), "rb") as f:
            leaf = x509.load_pem_x509_certificate(f.read())
        aia = leaf.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
        urls = [d.access_location.value for d in aia
                if d.access_method == AuthorityInformationAccessOID.CA_ISSUERS]
        self.assertEqual(urls, [self.base + "/ca/issuing-ca.crt"])
        with urllib.request.urlopen(urls[0], timeout=10 * SLOW) as r:
            issuer = x509.load_der_x509_certificate(r.read())
        self.assertEqual(issuer, pem_cert("issuing-ca"))
        verify_issued_by(leaf, issuer)
        # and curl, following the URL as a relying party would
        r = curl("-o", "-", urls[0])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(x509.load_der_x509_certificate(r.stdout), issuer)

    def test_validators_and_304(self):
        status, headers, body = http_request(self.port, "GET", "/ca/root-ca.crt")
        self.assertEqual(status, 200)
        etag = headers["ETag"]
        self.assertRegex(etag, r'^"[0-9A-Fa-f]{32}"$')
        self.assertEqual(headers["Cache-Control"], "max-age=3600")
        self.assertEqual(int(headers["Content-Length"]), len(body))
        modified = email.utils.parsedate_to_datetime(headers["Last-Modified"])
        self.assertEqual(modified, not_before(pem_cert("root-ca")))
        # the same validator from every thread and connection
        for _ in range(8):
            self.assertEqual(http_request(self.port, "GET", "/ca/root-ca.crt")[1]["ETag"], etag)
        for inm in (etag, "W/" + etag, '"nope", ' + etag, "*"):
            status, h, b = http_request(self.port, "GET", "/ca/root-ca.crt",
                                        headers={"If-None-Match": inm})
            self.assertEqual((status, b), (304, b""), inm)
            self.assertEqual(h["ETag"], etag)
            self.assertEqual(h["Cache-Control"], "max-age=3600")
        for inm in ('"nope"', etag[:-2] + '"', "garbage", 'W/"', '"'):
            status, _, b = http_request(self.port, "GET", "/ca/root-ca.crt",
                                        headers={"If-None-Match": inm})
            self.assertEqual((status, b), (200, body), inm)
        r = curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: " + etag,
                 self.base + "/ca/root-ca.crt")
        self.assertEqual(r.stdout, b"304")
        # the PEM is another representation with its own validator
        self.assertNotEqual(http_request(self.port, "GET", "/ca/root-ca.pem")[1]["ETag"], etag)

    def test_keep_alive_across_200_304_head_and_errors(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10 * SLOW)
        try:
            conn.request("GET", "/ca/issuing-ca.crt")
            r = conn.getresponse()
            der = r.read()
            etag = r.headers["ETag"]
            steps = [("GET", "/ca/issuing-ca.crt", {"If-None-Match": etag}, 304, b""),
                     ("HEAD", "/ca/issuing-ca.crt", {}, 200, b""),
                     ("GET", "/nope", {}, 404, b"not found\n"),
                     ("POST", "/ca/issuing-ca.crt", {}, 405, b"method not allowed\n"),
                     ("GET", "/ca/issuing-ca.crt", {}, 200, der),
                     ("GET", "/healthz", {}, 200, b"ok\n")]
            for method, path, headers, want_status, want_body in steps:
                conn.request(method, path, headers=headers)
                r = conn.getresponse()
                self.assertEqual((r.status, r.read()), (want_status, want_body), (method, path))
                self.assertNotEqual((r.headers["Connection"] or "").lower(), "close")
        finally:
            conn.close()

    def test_head(self):
        r = curl("-I", self.base + "/ca/issuing-ca.crt")
        self.assertEqual(r.returncode, 0, r.stderr)
        head = r.stdout.decode().lower()
        self.assertTrue(head.startswith("http/1.1 200"), head)
        size = len(pem_cert("issuing-ca").public_bytes(serialization.Encoding.DER))
        self.assertIn("content-length: %d\r\n" % size, head)
        self.assertIn("etag: ", head)
        status, headers, body = http_request(self.port, "HEAD", "/healthz")
        self.assertEqual((status, body, headers["Content-Length"]), (200, b"", "3"))

    def test_unknown_paths_are_404(self):
        for path in ("/", "/nope", "/ca", "/ca/", "/ca/nope.crt", "/ca/issuing-ca",
                     "/ca/issuing-ca.crt/more", "/healthz/more", "/healthzz", "/CA/issuing-ca.crt"):
            r = curl("-o", "/dev/null", "-w", "%{http_code}", self.base + path)
            self.assertEqual(r.stdout, b"404", path)
        status, _, body = http_request(self.port, "HEAD", "/nope")
        self.assertEqual((status, body), (404, b""))

    def test_other_methods_are_405_with_allow(self):
        for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
            for path in ("/ca/issuing-ca.crt", "/ca/root-ca.pem", "/healthz"):
                args = ["-X", method, "-D", "-", "-o", "/dev/null"]
                if method in ("POST", "PUT", "PATCH"):
                    args += ["--data-binary", "x"]
                r = curl(*args, self.base + path)
                self.assertEqual(r.returncode, 0, r.stderr)
                head = r.stdout.decode().lower()
                self.assertTrue(head.startswith("http/1.1 405"), (method, path, head))
                self.assertIn("allow: get, head\r\n", head)

    def test_dot_segments_and_query(self):
        # h2o normalizes the path before routing; the query is not part of it
        for path in ("/ca/./issuing-ca.crt", "/x/../ca/issuing-ca.crt", "/ca/issuing-ca.crt?x=1"):
            status, headers, _ = http_request(self.port, "GET", path)
            self.assertEqual((status, headers["Content-Type"]), (200, "application/pkix-cert"), path)

    def test_request_body_limit(self):
        # over the 64 KiB limit: refused from the headers, before the body
        status, _, _ = http_request(self.port, "POST", "/healthz", body=b"x" * (65 * 1024))
        self.assertEqual(status, 413)
        status, _, _ = http_request(self.port, "POST", "/healthz", body=b"x" * 100)
        self.assertEqual(status, 405)

    def raw_exchange(self, data):
        """Sends data, half-closes, reads until the server closes (bounded)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10 * SLOW) as s:
            s.sendall(data)
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            got = b""
            deadline = time.monotonic() + 15 * SLOW
            while time.monotonic() < deadline:
                try:
                    chunk = s.recv(65536)
                except (ConnectionResetError, socket.timeout):
                    break
                if not chunk:
                    break
                got += chunk
            return got

    def test_garbage_does_not_stop_the_server(self):
        garbage = [
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)),  # a TLS hello
            b"GARBAGE\r\n\r\n",
            b"GET\r\n\r\n",
            b"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
            b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\r\n" + b"X-Long: " + b"b" * 20000 + b"\r\n\r\n",
            b"\x00" * 1000,
            b"\r\n\r\n\r\n",
            b"GET /healthz HTTP/1.1\r\nHost: x",  # cut short
        ]
        for data in garbage:
            got = self.raw_exchange(data)
            self.assertTrue(got == b"" or got.startswith(b"HTTP/1.1 4"), (data[:40], got[:80]))
            status, _, body = http_request(self.port, "GET", "/healthz")
            self.assertEqual((status, body), (200, b"ok\n"), data[:40])

    def test_a_thousand_idle_connections(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = 1200 if hard == resource.RLIM_INFINITY else min(hard, 1200)
        if soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        if want < 1100:
            self.skipTest("descriptor limit %d is too low for 1000 connections" % hard)
        socks = []
        try:
            deadline = time.monotonic() + 60 * SLOW
            while len(socks) < 1000 and time.monotonic() < deadline:
                socks.append(socket.create_connection(("127.0.0.1", self.port), timeout=10 * SLOW))
            self.assertEqual(len(socks), 1000)
            # some of them half-way through a request
            for s in socks[::10]:
                s.sendall(b"GET /healthz HTTP/1.1\r\n")
            start = time.monotonic()
            r = curl("-o", "-", self.base + "/healthz")
            self.assertEqual((r.returncode, r.stdout), (0, b"ok\n"), r.stderr)
            self.assertLess(time.monotonic() - start, 5 * SLOW)
            status, _, body = http_request(self.port, "GET", "/ca/issuing-ca.crt")
            self.assertEqual(status, 200)
        finally:
            for s in socks:
                s.close()
        status, _, body = http_request(self.port, "GET", "/healthz")
        self.assertEqual((status, body), (200, b"ok\n"))

    def rss_kib(self):
        with open("/proc/%d/status" % self.server.proc.pid) as f:
            return int(next(l for l in f if l.startswith("VmRSS:")).split()[1])

    def test_a_trickling_client_stalls_no_one(self):
        """One byte every 20 ms, on its own connection: the others' requests
        are answered at once meanwhile, and so is the trickler's in the end."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10 * SLOW)
        try:
            request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"y" * 40 + b"\r\n\r\n"
            half = len(request) // 2
            for b in request[:half]:
                s.sendall(bytes([b]))
                time.sleep(0.02)
            for _ in range(20):
                start = time.monotonic()
                status, _, body = http_request(self.port, "GET", "/healthz")
                self.assertEqual((status, body), (200, b"ok\n"))
                self.assertLess(time.monotonic() - start, 1 * SLOW)
            for b in request[half:]:
                s.sendall(bytes([b]))
                time.sleep(0.02)
            reply = s.recv(4096)
            self.assertTrue(reply.startswith(b"HTTP/1.1 200"), reply)
        finally:
            s.close()

    def test_memory_stays_bounded_under_many_half_requests(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = 2200 if hard == resource.RLIM_INFINITY else min(hard, 2200)
        if soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        if want < 2100:
            self.skipTest("descriptor limit %d is too low for 2000 connections" % hard)
        before = self.rss_kib()
        socks = []
        try:
            pad = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"p" * 4000
            for _ in range(2000):
                c = socket.create_connection(("127.0.0.1", self.port), timeout=10 * SLOW)
                c.sendall(pad)
                socks.append(c)
            status, _, _ = http_request(self.port, "GET", "/healthz")
            self.assertEqual(status, 200)
            grown = self.rss_kib() - before
            # 2000 connections holding 4 KB each: a few KB of state apiece
            # on top, never the request sizes the limits allow
            self.assertLess(grown, 64 * 1024 * (2 if SLOW > 1 else 1),
                            "RSS grew %d KiB" % grown)
        finally:
            for c in socks:
                c.close()
        status, _, body = http_request(self.port, "GET", "/healthz")
        self.assertEqual((status, body), (200, b"ok\n"))

    def test_port_in_use_by_another_casc_serve(self):
        # SO_REUSEPORT would let a second server share the port unnoticed
        r = casc("--dir", CA_DIR, "serve", "--listen", "127.0.0.1:%d" % self.port, "--threads", "1")
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = r.stderr.decode().splitlines()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("127.0.0.1:%d" % self.port, lines[0])


class ListenErrorsTest(unittest.TestCase):
    def test_port_in_use(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            s.listen(8)
            port = s.getsockname()[1]
            r = casc("--dir", CA_DIR, "serve", "--listen", "127.0.0.1:%d" % port, "--threads", "2")
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = r.stderr.decode().splitlines()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("127.0.0.1:%d" % port, lines[0])
        self.assertIn("in use", lines[0])

    def test_malformed_addresses(self):
        for addr in ("127.0.0.1", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:8o", "localhost:8080",
                     "::1:8080", "[::1]8080", "[::1:8080", ":8080", "1.2.3.4.5:80", "[127.0.0.1]:80"):
            r = casc("--dir", CA_DIR, "serve", "--listen", addr)
            self.assertEqual(r.returncode, 2, (addr, r.stderr))
            lines = r.stderr.decode().splitlines()
            self.assertEqual(len(lines), 1, lines)
            self.assertIn("'%s'" % addr, lines[0])

    def test_address_not_local(self):
        # TEST-NET-1 (RFC 5737) is never a local address
        r = casc("--dir", CA_DIR, "serve", "--listen", "192.0.2.1:%d" % free_port())
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(len(r.stderr.decode().splitlines()), 1)
        self.assertIn("192.0.2.1:", r.stderr.decode())

    def test_bad_arguments(self):
        for args in (["--threads", "0"], ["--threads", "x"], ["--threads", "257"], ["--bogus"],
                     ["extra"]):
            r = casc("--dir", CA_DIR, "serve", *args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
        r = casc("--dir", os.path.join(WORK, "no-such-ca"), "serve", "--listen", "127.0.0.1:0")
        self.assertEqual(r.returncode, 2, r.stderr)
        r = casc("serve", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn(b"--listen", r.stdout)


class ShutdownTest(unittest.TestCase):
    def setUp(self):
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.kill()

    def start(self, listen):
        s = Server(listen)
        self.servers.append(s)
        return s

    def assertCleanExit(self, server, rc):
        err = server.stderr()
        self.assertEqual(rc, 0, err)
        for m in SANITIZER_MARKS:
            self.assertNotIn(m, err)

    def test_sigterm_with_idle_connections_exits_0_promptly(self):
        port = free_port()
        server = self.start("127.0.0.1:%d" % port)
        server.wait_ready()
        keep = http.client.HTTPConnection("127.0.0.1", port, timeout=10 * SLOW)
        fresh = socket.create_connection(("127.0.0.1", port), timeout=10 * SLOW)
        try:
            keep.request("GET", "/healthz")
            self.assertEqual(keep.getresponse().read(), b"ok\n")
            rc, took = server.signal_and_wait(signal.SIGTERM)
        finally:
            keep.close()
            fresh.close()
        self.assertCleanExit(server, rc)
        self.assertLess(took, 3 * SLOW)
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()

    def test_sigint_exits_0(self):
        port = free_port()
        server = self.start("127.0.0.1:%d" % port)
        server.wait_ready()
        rc, took = server.signal_and_wait(signal.SIGINT)
        self.assertCleanExit(server, rc)
        self.assertLess(took, 3 * SLOW)

    def test_request_in_flight_is_answered(self):
        port = free_port()
        server = self.start("127.0.0.1:%d" % port)
        server.wait_ready()
        with socket.create_connection(("127.0.0.1", port), timeout=10 * SLOW) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            time.sleep(0.2 * SLOW)
            server.proc.send_signal(signal.SIGTERM)
            time.sleep(0.3 * SLOW)
            self.assertIsNone(server.proc.poll(), "exited with a request in flight")
            s.sendall(b"\r\n")
            got = b""
            deadline = time.monotonic() + 10 * SLOW
            while time.monotonic() < deadline:
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
        self.assertTrue(got.startswith(b"HTTP/1.1 200"), got)
        self.assertIn(b"Connection: close", got)
        self.assertTrue(got.endswith(b"\r\n\r\nok\n"), got)
        rc = server.proc.wait(timeout=15 * SLOW)
        self.assertCleanExit(server, rc)

    def test_ipv6_loopback(self):
        try:
            port = free_port(socket.AF_INET6, "::1")
        except OSError:
            self.skipTest("no IPv6 loopback")
        server = self.start("[::1]:%d" % port)
        server.wait_ready(host="::1", port=port)
        r = curl("-g", "-o", "-", "http://[::1]:%d/healthz" % port)
        self.assertEqual((r.returncode, r.stdout), (0, b"ok\n"), r.stderr)
        self.assertIn(b"http://[::1]:%d (2 threads)" % port, server.stderr())
        rc, _ = server.signal_and_wait()
        self.assertCleanExit(server, rc)

    def test_port_zero_picks_one_port_for_all_threads(self):
        server = self.start("127.0.0.1:0")
        deadline = time.monotonic() + 30 * SLOW
        line = b""
        while time.monotonic() < deadline and b"\n" not in line:
            line = server.stderr()
            time.sleep(0.05)
        url = line.split(b"listening on ", 1)[1].split(b" ", 1)[0].decode()
        port = int(url.rsplit(":", 1)[1])
        self.assertNotEqual(port, 0)
        server.wait_ready(port=port)
        for _ in range(20):  # new connections land on either thread's socket
            self.assertEqual(http_request(port, "GET", "/healthz")[0], 200)
        rc, _ = server.signal_and_wait()
        self.assertCleanExit(server, rc)


if __name__ == "__main__":
    unittest.main(verbosity=2)
