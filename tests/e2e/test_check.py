#!/usr/bin/env python3
"""casc check end to end, against a real `casc serve` (OCSP, CRLs, CA
certificates over HTTP on 127.0.0.1) and a real nginx serving TLS with and
without a staple: good, revoked (with its reason) by OCSP and by CRL, unknown
to the responder, the responder down (hard and soft policy), a CRL signed by
the wrong key, a stale CRL (faketime), an untrusted chain, an expired
certificate, the disk cache, Must-Staple over TLS, bad input.

CASC_BIN names the casc binary; under the sanitizer build (CASC_SANITIZE=1)
timeouts are stretched. Every server this starts is stopped by its PID."""

import datetime
import functools
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

from casctest import CASC, SANITIZED, faketime_env

SLOW = 4 if SANITIZED else 1
SANITIZER_MARKS = (b"AddressSanitizer", b"LeakSanitizer", b"runtime error:",
                   b"UndefinedBehaviorSanitizer")

WORK = CA = URL = SERVER = ERRPATH = CACHE = None
CERTS = {}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*cmd, check=True, env=None, timeout=120):
    p = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout * SLOW, env=env)
    if check and p.returncode != 0:
        raise AssertionError("%s: %d %s %s" % (cmd, p.returncode, p.stdout, p.stderr))
    return p


def casc_ca(ca, *args):
    return run(CASC, "--dir", ca, *args)


def check_env(env=None):
    env = dict(env or os.environ)
    env["XDG_CACHE_HOME"] = CACHE
    return env


def check(*args, env=None):
    """casc check ... with the test's cache directory; (status, json or None, stderr)."""
    p = run(CASC, "check", *args, check=False, env=check_env(env))
    for m in SANITIZER_MARKS:
        if m.decode() in p.stderr:
            raise AssertionError("sanitizer: %s" % p.stderr)
    out = None
    if "--json" in args and p.stdout.strip():
        out = json.loads(p.stdout)
    return p.returncode, out, p.stderr


def issue(ca, name, *extra):
    """leaf PEM, leaf + chain PEM, key."""
    leaf = os.path.join(WORK, name + ".pem")
    chain = os.path.join(WORK, name + "-chain.pem")
    key = os.path.join(WORK, name + ".key")
    casc_ca(ca, "issue", "--profile", "tls-server", "--dns", name + ".casc-test.com", "-o", leaf,
            "--chain-out", chain, "--key-out", key, *extra)
    full = os.path.join(WORK, name + "-full.pem")
    with open(full, "w") as out:
        for part in (leaf, chain):
            with open(part) as f:
                out.write(f.read())
    CERTS[name] = full
    return full


def root_of(ca):
    return os.path.join(ca, "certs", "root-ca.pem")


def wait_http(url, proc=None):
    deadline = time.monotonic() + 30 * SLOW
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError("server exited")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("%s did not come up" % url)


def setUpModule():
    global WORK, CA, URL, SERVER, ERRPATH, CACHE
    if not CASC or not os.access(CASC, os.X_OK):
        raise unittest.SkipTest("CASC_BIN does not name the casc binary")
    WORK = tempfile.mkdtemp(prefix="casc-check-")
    CACHE = os.path.join(WORK, "cache")
    CA = os.path.join(WORK, "ca")
    port = free_port()
    URL = "http://127.0.0.1:%d" % port
    run(CASC, "--dir", CA, "init", "--base-url", URL)
    for name in ("good", "revoked", "staple", "muststaple", "bare"):
        issue(CA, name, *(["--must-staple"] if name == "muststaple" else []))
    leaf = CERTS["revoked"].replace("-full", "")
    casc_ca(CA, "revoke", "--cert", leaf, "--reason", "keyCompromise")
    casc_ca(CA, "ocsp", "presign")
    casc_ca(CA, "crl")
    ERRPATH = os.path.join(WORK, "serve.err")
    with open(ERRPATH, "wb") as err:
        SERVER = subprocess.Popen([CASC, "--dir", CA, "serve", "--listen", "127.0.0.1:%d" % port,
                                   "--threads", "2"], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=err)
    wait_http(URL + "/healthz", SERVER)


def tearDownModule():
    try:
        if SERVER is not None and SERVER.poll() is None:
            SERVER.send_signal(signal.SIGTERM)
            rc = SERVER.wait(timeout=30 * SLOW)
            with open(ERRPATH, "rb") as f:
                err = f.read()
            if rc != 0 or any(m in err for m in SANITIZER_MARKS):
                raise AssertionError("casc serve exited %d: %r" % (rc, err))
    finally:
        if SERVER is not None and SERVER.poll() is None:
            SERVER.kill()
            SERVER.wait()
        if WORK:
            shutil.rmtree(WORK, ignore_errors=True)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class StaticServer:
    """A plain HTTP server on 127.0.0.1 serving a directory: a distribution
    point that serves whatever the test puts there."""

    def __init__(self, root):
        handler = functools.partial(QuietHandler, directory=root)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class FromFile(unittest.TestCase):
    def trust(self):
        return ("--trust", root_of(CA))

    def test_good_by_ocsp(self):
        status, out, err = check(CERTS["good"], *self.trust(), "--json")
        self.assertEqual(status, 0, err)
        self.assertEqual(out["verdict"], "good")
        self.assertEqual(out["revocation"], {**out["revocation"], "source": "ocsp",
                                             "status": "good"})
        self.assertNotIn("stapled", out)  # tls only
        self.assertTrue(out["chain_valid"])
        self.assertEqual(len(out["chain"]), 3)
        # the issuing CA is checked too, by the root's CRL
        self.assertEqual(out["chain"][1]["revocation"]["status"], "good")
        self.assertEqual(out["chain"][1]["revocation"]["source"], "crl")
        self.assertIsNone(out["chain"][2]["revocation"])
        serial = run("openssl", "x509", "-noout", "-serial", "-in", CERTS["good"]).stdout
        self.assertEqual(out["certificate"]["serial"], serial.strip().split("=")[1])

    def test_good_text(self):
        p = run(CASC, "check", CERTS["good"], *self.trust(), env=check_env())
        self.assertIn("verdict: good", p.stdout)
        self.assertIn("revocation of CN=good.casc-test.com: good (ocsp", p.stdout)

    def test_revoked_by_ocsp_and_by_crl(self):
        for extra, source in (((), "ocsp"), (("--no-ocsp",), "crl")):
            with self.subTest(source=source):
                status, out, err = check(CERTS["revoked"], *self.trust(), "--json", *extra)
                self.assertEqual(status, 1, err)
                self.assertEqual(out["verdict"], "revoked")
                rev = out["revocation"]
                self.assertEqual((rev["source"], rev["status"], rev["reason"]),
                                 (source, "revoked", "keyCompromise"))
                self.assertIsNotNone(rev["revoked_at"])
                self.assertIn("keyCompromise", out["reason"])

    def test_good_by_crl_then_from_the_cache(self):
        shutil.rmtree(CACHE, ignore_errors=True)
        status, out, err = check(CERTS["bare"], *self.trust(), "--json", "--no-ocsp")
        self.assertEqual(status, 0, err)
        self.assertEqual((out["revocation"]["source"], out["revocation"]["status"]),
                         ("crl", "good"))
        self.assertFalse(out["revocation"]["cached"])
        url = out["revocation"]["url"]
        self.assertTrue(url.startswith(URL + "/crl/issuing-ca/"), url)
        cached = os.listdir(os.path.join(CACHE, "casc", "crl"))
        self.assertEqual(len(cached), 2)  # the leaf's shard and the root's CRL
        status, out, err = check(CERTS["bare"], *self.trust(), "--json", "--no-ocsp")
        self.assertEqual(status, 0, err)
        self.assertTrue(out["revocation"]["cached"])
        # --no-cache neither reads nor writes it
        status, out, err = check(CERTS["bare"], *self.trust(), "--json", "--no-ocsp",
                                 "--no-cache")
        self.assertFalse(out["revocation"]["cached"])
        # a damaged cache file is dropped and the CRL fetched again
        for name in cached:
            with open(os.path.join(CACHE, "casc", "crl", name), "wb") as f:
                f.write(b"\x30\x03garbage")
        status, out, err = check(CERTS["bare"], *self.trust(), "--json", "--no-ocsp")
        self.assertEqual(status, 0, err)
        self.assertFalse(out["revocation"]["cached"])

    def test_unknown_to_the_responder(self):
        # a certificate signed with the issuing CA's key behind casc's back:
        # the responder does not know it
        with open(os.path.join(CA, "keys", "issuing-ca.key"), "rb") as f:
            ca_key = serialization.load_pem_private_key(f.read(), None)
        with open(os.path.join(CA, "certs", "issuing-ca.pem"), "rb") as f:
            ca_cert = x509.load_pem_x509_certificate(f.read())
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.utcnow()
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ghost")]))
                .issuer_name(ca_cert.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(hours=1))
                .not_valid_after(now + datetime.timedelta(days=10))
                .add_extension(x509.AuthorityInformationAccess([
                    x509.AccessDescription(AuthorityInformationAccessOID.OCSP,
                                           x509.UniformResourceIdentifier(URL + "/ocsp"))]),
                    False)
                .sign(ca_key, hashes.SHA256()))
        path = os.path.join(WORK, "ghost.pem")
        with open(path, "wb") as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))
            f.write(ca_cert.public_bytes(serialization.Encoding.PEM))
        status, out, err = check(path, *self.trust(), "--json")
        self.assertEqual(status, 3, err)
        self.assertEqual(out["verdict"], "indeterminate")
        self.assertEqual((out["revocation"]["source"], out["revocation"]["status"]),
                         ("ocsp", "unknown"))
        status, out, err = check(path, *self.trust(), "--json", "--policy", "soft")
        self.assertEqual(status, 0, err)
        self.assertEqual(out["verdict"], "good")
        self.assertTrue(out["soft_failed"])
        self.assertIn("warning", err)

    def test_staple_file(self):
        issuing = os.path.join(CA, "certs", "issuing-ca.pem")
        resp = os.path.join(WORK, "revoked-file.ocsp")
        run("openssl", "ocsp", "-issuer", issuing, "-cert", CERTS["revoked"].replace("-full", ""),
            "-url", URL + "/ocsp", "-no_nonce", "-respout", resp, "-CAfile", root_of(CA),
            "-verify_other", issuing)
        status, out, err = check(CERTS["revoked"], *self.trust(), "--json", "--staple", resp)
        self.assertEqual(status, 1, err)
        self.assertEqual((out["revocation"]["source"], out["revocation"]["reason"]),
                         ("staple", "keyCompromise"))
        # another certificate's response is no answer: OCSP is asked
        status, out, err = check(CERTS["good"], *self.trust(), "--json", "--staple", resp)
        self.assertEqual(status, 0, err)
        self.assertEqual(out["revocation"]["source"], "ocsp")
        self.assertIn("staple", out["revocation"]["detail"])

    def test_an_issuing_ca_as_trust_anchor(self):
        status, out, err = check(CERTS["good"], "--trust",
                                 os.path.join(CA, "certs", "issuing-ca.pem"), "--json")
        self.assertEqual(status, 0, err)
        self.assertEqual(len(out["chain"]), 2)
        self.assertIsNone(out["chain"][1]["revocation"])  # the anchor is trusted as it is

    def test_untrusted_chain(self):
        other = os.path.join(WORK, "other-ca")
        if not os.path.exists(other):
            run(CASC, "--dir", other, "init")
        status, out, err = check(CERTS["good"], "--trust", root_of(other), "--json")
        self.assertEqual(status, 1, err)
        self.assertEqual(out["verdict"], "invalid")
        self.assertFalse(out["chain_valid"])
        self.assertIn("chain", out["reason"])

    @unittest.skipUnless(shutil.which("faketime"), "faketime not installed")
    def test_expired(self):
        env = faketime_env((datetime.datetime.utcnow() + datetime.timedelta(days=120))
                           .strftime("%Y-%m-%d %H:%M:%S"))
        status, out, err = check(CERTS["good"], *self.trust(), "--json", env=env)
        self.assertEqual(status, 1, err)
        self.assertEqual(out["verdict"], "invalid")
        self.assertTrue(out["expired"])
        self.assertIn("expired", out["reason"])

    @unittest.skipUnless(shutil.which("faketime"), "faketime not installed")
    def test_stale_crl(self):
        # ten days on, the CRL casc serve publishes (nextUpdate: 7 days) is
        # stale; the cache does not hide it
        env = faketime_env((datetime.datetime.utcnow() + datetime.timedelta(days=10))
                           .strftime("%Y-%m-%d %H:%M:%S"))
        status, out, err = check(CERTS["bare"], *self.trust(), "--json", "--no-ocsp", env=env)
        self.assertEqual(status, 3, err)
        self.assertEqual(out["verdict"], "indeterminate")
        self.assertEqual(out["revocation"]["status"], "indeterminate")
        self.assertIn("stale", out["revocation"]["detail"])
        status, out, err = check(CERTS["bare"], *self.trust(), "--no-ocsp", "--policy", "soft",
                                 env=env)
        self.assertEqual(status, 0, err)
        self.assertIn("warning", err)
        self.assertIn("stale", err)

    def test_no_sources(self):
        status, out, err = check(CERTS["good"], *self.trust(), "--json", "--no-ocsp", "--no-crl")
        self.assertEqual(status, 3, err)
        self.assertEqual(out["revocation"]["source"], "none")

    def test_intermediate_fetched_through_ca_issuers(self):
        leaf = CERTS["good"].replace("-full", "")
        status, out, err = check(leaf, *self.trust(), "--json")
        self.assertEqual(status, 0, err)
        self.assertEqual(len(out["chain"]), 3)
        status, out, err = check(leaf, *self.trust(), "--json", "--no-fetch")
        self.assertEqual(status, 1, err)
        self.assertEqual(out["verdict"], "invalid")

    def test_bad_input(self):
        garbage = os.path.join(WORK, "garbage.pem")
        with open(garbage, "w") as f:
            f.write("not a certificate\n")
        cases = [((os.path.join(WORK, "missing.pem"),), "missing.pem"),
                 ((garbage,), "garbage.pem"),
                 ((CERTS["good"], "--policy", "maybe"), "--policy"),
                 ((CERTS["good"], "--timeout", "0"), "--timeout"),
                 (("tls://127.0.0.1:99999",), "tls://"),
                 ((CERTS["good"], "--trust", garbage), "garbage.pem"),
                 ((CERTS["good"], "--servername", "x.example"), "--servername"),
                 (("tls://127.0.0.1:1", "--staple", garbage), "--staple"),
                 ((CERTS["good"], "--staple", os.path.join(WORK, "nothere.ocsp")),
                  "nothere.ocsp"),
                 ((), "FILE"),
                 ((CERTS["good"], CERTS["bare"]), "one FILE")]
        for args, needle in cases:
            with self.subTest(args=args):
                p = run(CASC, "check", *args, check=False, env=check_env())
                self.assertEqual(p.returncode, 2, p.stderr)
                lines = p.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, p.stderr)
                self.assertIn(needle, lines[0])
        # an unreachable TLS server is an input error too, named
        p = run(CASC, "check", "tls://127.0.0.1:%d" % free_port(), "--timeout", "2",
                check=False, env=check_env())
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("cannot connect", p.stderr)


class ElsewhereServed(unittest.TestCase):
    """CAs whose URLs point at a static server (or at nothing)."""

    @classmethod
    def setUpClass(cls):
        cls.root = os.path.join(WORK, "static")
        os.makedirs(cls.root)
        cls.static = StaticServer(cls.root)

    @classmethod
    def tearDownClass(cls):
        cls.static.stop()

    def test_responder_down(self):
        ca = os.path.join(WORK, "ca-down")
        run(CASC, "--dir", ca, "init", "--base-url", "http://127.0.0.1:%d" % free_port())
        cert = issue(ca, "down")
        status, out, err = check(cert, "--trust", root_of(ca), "--json", "--timeout", "5")
        self.assertEqual(status, 3, err)
        self.assertEqual(out["verdict"], "indeterminate")
        self.assertEqual(out["revocation"]["source"], "none")
        self.assertIn("ocsp", out["revocation"]["detail"])
        self.assertIn("crl", out["revocation"]["detail"])
        status, out, err = check(cert, "--trust", root_of(ca), "--policy", "soft")
        self.assertEqual(status, 0, err)
        self.assertIn("warning", err)

    def test_crl_signed_by_the_wrong_key(self):
        # ca-wrong publishes under /wrong on the static server; its issuing
        # CA's CRLs there are the main CA's: the same issuer name, another key
        base = "http://127.0.0.1:%d/wrong" % self.static.port
        ca = os.path.join(WORK, "ca-wrong")
        run(CASC, "--dir", ca, "init", "--base-url", base)
        cert = issue(ca, "wrong")
        os.makedirs(os.path.join(self.root, "wrong"))
        casc_ca(ca, "crl", "--out", os.path.join(self.root, "wrong"))
        dst = os.path.join(self.root, "wrong", "crl")
        shutil.copy(os.path.join(CA, "crl", "issuing-ca.crl"), os.path.join(dst, "issuing-ca.crl"))
        for name in os.listdir(os.path.join(CA, "crl", "issuing-ca")):
            shutil.copy(os.path.join(CA, "crl", "issuing-ca", name),
                        os.path.join(dst, "issuing-ca", name))
        status, out, err = check(cert, "--trust", root_of(ca), "--json", "--no-ocsp",
                                 "--no-cache")
        self.assertEqual(status, 3, err)
        self.assertEqual(out["verdict"], "indeterminate")
        self.assertIn("signature does not verify", out["revocation"]["detail"])
        # the issuing CA's own status came from its root's genuine CRL
        self.assertEqual(out["chain"][1]["revocation"]["status"], "good")
        # its own CRLs back in place: good
        casc_ca(ca, "crl", "--out", os.path.join(self.root, "wrong"))
        status, out, err = check(cert, "--trust", root_of(ca), "--json", "--no-ocsp",
                                 "--no-cache")
        self.assertEqual(status, 0, err)
        self.assertEqual(out["revocation"]["source"], "crl")


class RevokedIssuer(unittest.TestCase):
    def test_revoked_issuing_ca(self):
        # a CA whose TLS issuing CA is revoked (by the root's CRL), served
        # by a static server: the leaf is good by its own CRL, the verdict
        # is revoked all the same
        static_root = os.path.join(WORK, "static-rev")
        os.makedirs(os.path.join(static_root, "rev"))
        server = StaticServer(static_root)
        try:
            ca = os.path.join(WORK, "ca-rev")
            run(CASC, "--dir", ca, "init", "--base-url",
                "http://127.0.0.1:%d/rev" % server.port)
            cert = issue(ca, "revissuer")
            casc_ca(ca, "revoke", "--cert", os.path.join(ca, "certs", "issuing-ca.pem"),
                    "--reason", "cACompromise")
            casc_ca(ca, "crl", "--out", os.path.join(static_root, "rev"))
            status, out, err = check(cert, "--trust", root_of(ca), "--json", "--no-cache")
            self.assertEqual(status, 1, err)
            self.assertEqual(out["verdict"], "revoked")
            self.assertIn("issuing CA", out["reason"])
            self.assertEqual(out["revocation"]["status"], "good")  # the leaf itself
            rev = out["chain"][1]["revocation"]
            self.assertEqual((rev["source"], rev["status"], rev["reason"]),
                             ("crl", "revoked", "cACompromise"))
        finally:
            server.stop()


def nginx_conf(prefix, servers):
    """servers: [(port, fullchain, key, staple file or None)]"""
    blocks = []
    for port, chain, key, staple in servers:
        stapling = ("ssl_stapling on;\n    ssl_stapling_file %s;\n" % staple) if staple else ""
        blocks.append("""  server {
    listen 127.0.0.1:%d ssl;
    ssl_certificate %s;
    ssl_certificate_key %s;
    %s    location / { return 200 "ok\\n"; }
  }
""" % (port, chain, key, stapling))
    return """worker_processes 1;
pid %s/nginx.pid;
error_log %s/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path %s/tmp;
  proxy_temp_path %s/tmp;
  fastcgi_temp_path %s/tmp;
  uwsgi_temp_path %s/tmp;
  scgi_temp_path %s/tmp;
%s}
""" % (prefix, prefix, prefix, prefix, prefix, prefix, prefix, "".join(blocks))


@unittest.skipUnless(shutil.which("nginx"), "nginx not installed")
class Tls(unittest.TestCase):
    """nginx on 127.0.0.1: one server per case, staples written by openssl
    ocsp -respout from casc serve."""

    @classmethod
    def setUpClass(cls):
        cls.prefix = os.path.join(WORK, "nginx")
        os.makedirs(os.path.join(cls.prefix, "tmp"))
        issuing = os.path.join(CA, "certs", "issuing-ca.pem")

        def staple_of(name):
            out = os.path.join(WORK, name + ".ocsp")
            run("openssl", "ocsp", "-issuer", issuing, "-cert",
                CERTS[name].replace("-full", ""), "-url", URL + "/ocsp", "-no_nonce",
                "-respout", out, "-CAfile", root_of(CA), "-verify_other", issuing)
            return out

        cls.ports = {}
        servers = []
        for name, staple in (("staple", True), ("muststaple", False), ("revoked", True),
                             ("good", False)):
            port = free_port()
            cls.ports[name] = port
            servers.append((port, CERTS[name], CERTS[name].replace("-full.pem", ".key"),
                            staple_of(name) if staple else None))
        # the Must-Staple certificate once more, stapled this time, then
        # with another certificate's staple
        must_key = CERTS["muststaple"].replace("-full.pem", ".key")
        for name, staple in (("muststaple-stapled", "muststaple"),
                             ("muststaple-wrongstaple", "staple")):
            port = free_port()
            cls.ports[name] = port
            servers.append((port, CERTS["muststaple"], must_key, staple_of(staple)))
        conf = os.path.join(cls.prefix, "nginx.conf")
        with open(conf, "w") as f:
            f.write(nginx_conf(cls.prefix, servers))
        cls.err = open(os.path.join(cls.prefix, "stderr"), "wb")
        cls.nginx = subprocess.Popen(["nginx", "-p", cls.prefix, "-c", conf, "-e",
                                      os.path.join(cls.prefix, "error.log"), "-g", "daemon off;"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=cls.err)
        deadline = time.monotonic() + 20 * SLOW
        for port in cls.ports.values():
            while True:
                if cls.nginx.poll() is not None:
                    with open(os.path.join(cls.prefix, "error.log")) as f:
                        raise AssertionError("nginx exited: %s" % f.read())
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise AssertionError("nginx did not listen on %d" % port)
                    time.sleep(0.05)

    @classmethod
    def tearDownClass(cls):
        cls.nginx.send_signal(signal.SIGTERM)
        try:
            cls.nginx.wait(timeout=20)
        except subprocess.TimeoutExpired:
            cls.nginx.kill()
            cls.nginx.wait()
        cls.err.close()

    def tls(self, name, *extra):
        return check("tls://127.0.0.1:%d" % self.ports[name], "--servername",
                     name.split("-")[0] + ".casc-test.com", "--trust", root_of(CA), "--json",
                     *extra)

    def test_stapled_good(self):
        status, out, err = self.tls("staple")
        self.assertEqual(status, 0, err)
        self.assertEqual(out["verdict"], "good")
        self.assertTrue(out["stapled"])
        self.assertTrue(out["staple_valid"])
        self.assertEqual((out["revocation"]["source"], out["revocation"]["status"]),
                         ("staple", "good"))
        self.assertTrue(out["tls"]["protocol"].startswith("TLSv1."))
        # openssl s_client sees the same staple
        p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % self.ports["staple"],
                            "-servername", "staple.casc-test.com", "-status"],
                           input="", capture_output=True, text=True, timeout=30 * SLOW)
        self.assertIn("OCSP Response Status: successful", p.stdout)
        self.assertIn("Cert Status: good", p.stdout)

    def test_stapled_revoked(self):
        status, out, err = self.tls("revoked")
        self.assertEqual(status, 1, err)
        self.assertEqual(out["verdict"], "revoked")
        self.assertEqual((out["revocation"]["source"], out["revocation"]["reason"]),
                         ("staple", "keyCompromise"))

    def test_not_stapled_falls_back_to_ocsp(self):
        status, out, err = self.tls("good")
        self.assertEqual(status, 0, err)
        self.assertFalse(out["stapled"])
        self.assertEqual(out["revocation"]["source"], "ocsp")

    def test_must_staple_without_staple_is_invalid(self):
        status, out, err = self.tls("muststaple")
        self.assertEqual(status, 1, err)
        self.assertEqual(out["verdict"], "invalid")
        self.assertTrue(out["must_staple"])
        self.assertFalse(out["stapled"])
        self.assertIn("Must-Staple", out["reason"])
        # even under soft-fail: a missing staple is not "could not learn"
        status, out, err = self.tls("muststaple", "--policy", "soft")
        self.assertEqual(status, 1, err)

    def test_must_staple_with_staple_is_good(self):
        status, out, err = self.tls("muststaple-stapled")
        self.assertEqual(status, 0, err)
        self.assertTrue(out["must_staple"])
        self.assertEqual(out["revocation"]["source"], "staple")

    def test_must_staple_with_another_certificates_staple_is_invalid(self):
        status, out, err = self.tls("muststaple-wrongstaple")
        self.assertEqual(status, 1, err)
        self.assertEqual(out["verdict"], "invalid")
        self.assertTrue(out["stapled"])
        self.assertFalse(out["staple_valid"])
        self.assertIn("does not verify", out["reason"])
        # the status itself was learned another way
        self.assertEqual(out["revocation"]["source"], "ocsp")

    def test_wrong_name_is_invalid(self):
        status, out, err = check("tls://127.0.0.1:%d" % self.ports["staple"], "--servername",
                                 "other.casc-test.com", "--trust", root_of(CA), "--json")
        self.assertEqual(status, 1, err)
        self.assertEqual(out["verdict"], "invalid")
        self.assertTrue(out["stapled"])


if __name__ == "__main__":
    unittest.main()
