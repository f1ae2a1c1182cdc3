"""The TSA of casc serve (/tsa) and `casc timestamp`, end to end, with
OpenSSL's `openssl ts` as the peer on both sides: every token casc makes is
accepted by `openssl ts -verify`, and `openssl ts -query` requests are
answered. A fake TSA (a Python HTTP server replaying a reply made for another
request) and an untrusted anchor show that casc timestamp refuses and writes
nothing. Every server this starts is stopped by its PID."""
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from casctest import CASC, SANITIZED, CascTestCase, casc, run  # noqa: E402

SLOW = 4 if SANITIZED else 1


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Serve:
    """casc serve on a free port; stopped with SIGTERM, killed if need be."""

    def __init__(self, ca):
        self.port = free_port()
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [CASC, "--dir", ca, "serve", "--listen", "127.0.0.1:%d" % self.port,
             "--threads", "2"], stdout=subprocess.DEVNULL, stderr=self.err)
        self.url = "http://127.0.0.1:%d/tsa" % self.port
        deadline = time.time() + 20 * SLOW
        while time.time() < deadline:
            if self.proc.poll() is not None:
                self.err.seek(0)
                raise AssertionError("casc serve exited: %r" % self.err.read())
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/healthz" % self.port, timeout=1)
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.05)
        self.stop()
        raise AssertionError("casc serve did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15 * SLOW)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.err.close()
        return self.proc.returncode


def post(url, body, ctype="application/timestamp-query", method="POST"):
    req = urllib.request.Request(url, data=body, method=method,
                                 headers={"Content-Type": ctype} if ctype else {})
    try:
        with urllib.request.urlopen(req, timeout=10 * SLOW) as r:
            return r.status, r.headers.get("Content-Type"), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read()


class FakeTSA:
    """Answers every POST with the same bytes: a real reply, made for another
    request, so its nonce and imprint are someone else's."""

    def __init__(self, reply):
        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *a):
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), H)
        self.url = "http://127.0.0.1:%d/tsa" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class FlakyTSA:
    """Answers 503 to the first `failures` requests, then passes each request
    on to a real TSA and relays its reply."""

    def __init__(self, upstream, failures):
        self.hits = 0
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.hits += 1
                if outer.hits <= failures:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                _, _, reply = post(upstream, body)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *a):
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), H)
        self.url = "http://127.0.0.1:%d/tsa" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def ts_text(path):
    return run("openssl", "ts", "-reply", "-in", path, "-text").stdout


def serial_of(path):
    for line in ts_text(path).splitlines():
        if line.startswith("Serial number:"):
            return line.split(":", 1)[1].strip().lower().replace("0x", "")
    raise AssertionError("no serial in %s" % path)


class TSATest(CascTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ca = os.path.join(cls.tmp, "ca")
        casc("init", ca=cls.ca, check=True)
        cls.other = os.path.join(cls.tmp, "other")
        casc("init", ca=cls.other, check=True)
        cls.root = os.path.join(cls.ca, "certs", "root-ca.pem")
        cls.chain = os.path.join(cls.tmp, "chain.pem")
        with open(cls.chain, "w") as out:
            for name in ("timestamping-ca.pem", "tsa.pem"):
                with open(os.path.join(cls.ca, "certs", name)) as f:
                    out.write(f.read())
        cls.data = os.path.join(cls.tmp, "release.bin")
        with open(cls.data, "wb") as f:
            f.write(os.urandom(100000))
        cls.server = Serve(cls.ca)

    @classmethod
    def tearDownClass(cls):
        rc = cls.server.stop()
        super().tearDownClass()
        if rc != 0:
            raise AssertionError("casc serve exited %s" % rc)

    def openssl_verify(self, tsr, data=None):
        return run("openssl", "ts", "-verify", "-data", data or self.data, "-in", tsr,
                   "-CAfile", self.root, "-untrusted", self.chain, check=False)

    def query(self, name, *args):
        q = self.path(name)
        run("openssl", "ts", "-query", "-data", self.data, "-out", q, *args)
        with open(q, "rb") as f:
            return f.read()

    def test_openssl_queries_answered_and_verified(self):
        for args in (["-sha256", "-cert"], ["-sha384"], ["-sha512", "-cert", "-no_nonce"]):
            body = self.query("q.tsq", *args)
            status, ctype, reply = post(self.server.url, body)
            self.assertEqual(status, 200)
            self.assertEqual(ctype, "application/timestamp-reply")
            tsr = self.path("r.tsr")
            with open(tsr, "wb") as f:
                f.write(reply)
            v = self.openssl_verify(tsr)
            self.assertIn("Verification: OK", v.stdout, v.stderr)
            text = ts_text(tsr)
            self.assertIn("Status: Granted.", text)
            self.assertIn("Policy OID: 2.23.140.1.4.2", text)
            self.assertIn("Accuracy: 0x01 seconds", text)
            # the query's own check: the reply is for this request (nonce too)
            v = run("openssl", "ts", "-verify", "-queryfile", self.path("q.tsq"), "-in", tsr,
                    "-CAfile", self.root, "-untrusted", self.chain, check=False)
            self.assertIn("Verification: OK", v.stdout, v.stderr)

    def test_sha1_rejected(self):
        body = self.query("q1.tsq", "-sha1", "-cert")
        status, ctype, reply = post(self.server.url, body)
        self.assertEqual(status, 200)
        tsr = self.path("r1.tsr")
        with open(tsr, "wb") as f:
            f.write(reply)
        text = ts_text(tsr)
        self.assertIn("Status: Rejected.", text)
        self.assertIn("unrecognized or unsupported algorithm identifier", text)  # badAlg

    def test_garbage_is_bad_data_format(self):
        for body in (b"", b"\x30\x03\x02\x01", os.urandom(64), b"\x30\x00"):
            status, ctype, reply = post(self.server.url, body)
            self.assertEqual(status, 200)
            self.assertEqual(ctype, "application/timestamp-reply")
            tsr = self.path("g.tsr")
            with open(tsr, "wb") as f:
                f.write(reply)
            text = ts_text(tsr)
            self.assertIn("Status: Rejected.", text)
            self.assertIn("the data submitted has the wrong format", text)  # badDataFormat

    def test_http_errors(self):
        body = self.query("q.tsq", "-sha256")
        self.assertEqual(post(self.server.url, body, ctype="application/ocsp-request")[0], 415)
        self.assertEqual(post(self.server.url, body, ctype=None)[0], 415)
        status, _, _ = post(self.server.url, None, method="GET")
        self.assertEqual(status, 405)
        self.assertEqual(post(self.server.url, b"\x30" * 5000)[0], 413)

    def test_casc_timestamp_and_openssl_verify(self):
        for alg in ("--sha256", "--sha384", "--sha512"):
            out = self.path("casc%s.tsr" % alg)
            p = casc("timestamp", self.data, "--tsa", self.server.url, alg, "-o", out,
                     "--json", ca=self.ca)
            self.assertEqual(p.returncode, 0, p.stderr)
            j = json.loads(p.stdout)
            self.assertEqual(j["url"], self.server.url)
            self.assertEqual(j["output"], out)
            self.assertEqual(j["serial"].lower(), serial_of(out))
            self.assertIn("Timestamp Authority", j["tsa"])
            self.assertRegex(j["gen_time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            v = self.openssl_verify(out)
            self.assertIn("Verification: OK", v.stdout, v.stderr)
            # a flipped bit in the data: openssl refuses the token
            bad = self.path("bad.bin")
            with open(self.data, "rb") as f:
                b = bytearray(f.read())
            b[1234] ^= 1
            with open(bad, "wb") as f:
                f.write(b)
            self.assertNotIn("Verification: OK", self.openssl_verify(out, bad).stdout)

    def test_default_output_and_failover(self):
        dead = "http://127.0.0.1:%d/tsa" % free_port()
        p = casc("timestamp", self.data, "--tsa", dead, "--tsa", self.server.url, ca=self.ca)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.exists(self.data + ".tsr"))
        self.assertIn("serial:", p.stdout)
        v = self.openssl_verify(self.data + ".tsr")
        self.assertIn("Verification: OK", v.stdout, v.stderr)

    def test_retries_with_backoff(self):
        # two 503s, then an answer: the third attempt at the same URL succeeds
        flaky = FlakyTSA(self.server.url, 2)
        try:
            out = self.path("flaky.tsr")
            t0 = time.time()
            p = casc("timestamp", self.data, "--tsa", flaky.url, "-o", out, ca=self.ca)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(flaky.hits, 3)
            self.assertGreaterEqual(time.time() - t0, 0.7)  # 0.25 s + 0.5 s of backoff
            self.assertIn("Verification: OK", self.openssl_verify(out).stdout)
        finally:
            flaky.stop()
        # three 503s exhaust one URL: an unreachable TSA, exit 3
        flaky = FlakyTSA(self.server.url, 3)
        try:
            p = casc("timestamp", self.data, "--tsa", flaky.url, "-o", self.path("f2.tsr"),
                     ca=self.ca)
            self.assertEqual(p.returncode, 3, p.stderr)
            self.assertIn("503", p.stderr)
            self.assertEqual(flaky.hits, 3)
        finally:
            flaky.stop()

    def test_unreachable_is_3(self):
        out = self.path("none.tsr")
        dead = "http://127.0.0.1:%d/tsa" % free_port()
        p = casc("timestamp", self.data, "--tsa", dead, "-o", out, ca=self.ca)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertFalse(os.path.exists(out))

    def test_wrong_nonce_and_untrusted_tsa_exit_1_write_nothing(self):
        first = self.path("first.tsr")
        casc("timestamp", self.data, "--tsa", self.server.url, "-o", first, ca=self.ca,
             check=True)
        with open(first, "rb") as f:
            replay = f.read()
        fake = FakeTSA(replay)  # the same data, but the nonce of another request
        try:
            out = self.path("replayed.tsr")
            p = casc("timestamp", self.data, "--tsa", fake.url, "-o", out, ca=self.ca)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("nonce", p.stderr)
            self.assertFalse(os.path.exists(out))
        finally:
            fake.stop()
        out = self.path("untrusted.tsr")
        p = casc("timestamp", self.data, "--tsa", self.server.url, "-o", out, "--trust",
                 os.path.join(self.other, "certs", "root-ca.pem"), ca=self.ca)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("TSA certificate", p.stderr)
        self.assertFalse(os.path.exists(out))

    def test_refusal_exits_1(self):
        # a TSA that refuses (here: the rejection casc serve gives a SHA-1 query)
        status, _, rejection = post(self.server.url, self.query("qr.tsq", "-sha1"))
        self.assertEqual(status, 200)
        fake = FakeTSA(rejection)
        try:
            out = self.path("refused.tsr")
            p = casc("timestamp", self.data, "--tsa", fake.url, "-o", out, ca=self.ca)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("rejection (badAlg", p.stderr)
            self.assertFalse(os.path.exists(out))
            # garbage with HTTP 200 is a bad reply too, not an unreachable TSA
            fake.stop()
            fake = FakeTSA(b"not a reply")
            p = casc("timestamp", self.data, "--tsa", fake.url, "-o", out, ca=self.ca)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertFalse(os.path.exists(out))
        finally:
            fake.stop()

    def test_usage_errors(self):
        self.assertEqual(casc("timestamp", self.data, ca=self.ca).returncode, 2)
        self.assertEqual(casc("timestamp", "--tsa", self.server.url, ca=self.ca).returncode, 2)
        p = casc("timestamp", self.path("missing"), "--tsa", self.server.url, ca=self.ca)
        self.assertEqual(p.returncode, 2)
        self.assertIn("missing", p.stderr)
        p = casc("timestamp", self.data, "--tsa", "ftp://x/", ca=self.ca)
        self.assertEqual(p.returncode, 2)
        p = casc("timestamp", self.data, "--tsa", self.server.url, "--sha256", "--sha512",
                 ca=self.ca)
        self.assertEqual(p.returncode, 2)

    def test_serials_unique_across_restart(self):
        # two servers one after the other on the same CA directory: a restart
        serials = set()
        for round_ in range(2):
            srv = Serve(self.ca)
            try:
                for i in range(5):
                    out = self.path("s%d-%d.tsr" % (round_, i))
                    casc("timestamp", self.data, "--tsa", srv.url, "-o", out, ca=self.ca,
                         check=True)
                    serials.add(serial_of(out))
            finally:
                self.assertEqual(srv.stop(), 0)
        self.assertEqual(len(serials), 10)

if __name__ == "__main__":
    unittest.main(verbosity=2)
