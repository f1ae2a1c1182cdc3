#!/usr/bin/env python3
"""casc staple end to end: staples from a real casc serve, served by nginx
(ssl_stapling_file) and seen by `openssl s_client -status`; a good staple
never replaced by a bad, older or absent answer; no staple for a revoked
certificate; --dir; --daemon refreshing at half the validity of short-lived
responses from a small responder, running --on-update, keeping the last
good staple while the responder is down, and exiting on SIGTERM."""
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ocsp_peer as peer  # noqa: E402

from cryptography.x509 import ocsp  # noqa: E402

CASC = os.environ.get("CASC_BIN", "")
WORK = CA = SERVE = None
CERTS = {}


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def casc(*args, timeout=120):
    return subprocess.run([CASC, *args], capture_output=True, text=True,
                          timeout=timeout * peer.SLOW)


def casc_ca(*args):
    p = subprocess.run([CASC, "--dir", CA, *args], capture_output=True, text=True,
                       timeout=120 * peer.SLOW)
    if p.returncode != 0:
        raise AssertionError("casc %s: %d %s" % (args, p.returncode, p.stderr))
    return p


def ca_file(name):
    return os.path.join(CA, "certs", name + ".pem")


def issue(name):
    """Issues name; returns the full chain file (leaf + issuing CA)."""
    leaf = os.path.join(WORK, name + ".leaf.pem")
    chain = os.path.join(WORK, name + ".chain.pem")
    casc_ca("issue", "--profile", "tls-server", "--dns", name + ".casc-test.com", "-o", leaf,
            "--chain-out", chain, "--key-out", os.path.join(WORK, name + ".key"))
    full = os.path.join(WORK, name + ".pem")
    write(full, read(leaf) + read(chain))
    CERTS[name] = full
    CERTS[name + ".leaf"] = leaf
    return full


def setUpModule():
    global WORK, CA, SERVE
    if not CASC or not os.access(CASC, os.X_OK):
        raise unittest.SkipTest("CASC_BIN does not name the casc binary")
    WORK = tempfile.mkdtemp(prefix="casc-staple-")
    CA = os.path.join(WORK, "ca")
    port = peer.free_port()
    subprocess.run([CASC, "--dir", CA, "init", "--base-url", "http://127.0.0.1:%d" % port],
                   check=True, capture_output=True, timeout=120 * peer.SLOW)
    for name in ("site", "revoked", "other"):
        issue(name)
    casc_ca("revoke", "--cert", CERTS["revoked.leaf"], "--reason", "keyCompromise")
    casc_ca("ocsp", "presign")
    SERVE = peer.Serve(CASC, CA, port, os.path.join(WORK, "serve.err"))


def tearDownModule():
    try:
        if SERVE is not None:
            SERVE.stop()
    finally:
        if WORK:
            shutil.rmtree(WORK, ignore_errors=True)


def staple(*args):
    return casc("staple", *args)


class Nginx:
    """nginx on a free 127.0.0.1 port with its own prefix, started and
    stopped by PID."""

    def __init__(self, cert, key, staple_file):
        self.dir = tempfile.mkdtemp(dir=WORK, prefix="nginx-")
        self.port = peer.free_port()
        conf = os.path.join(self.dir, "nginx.conf")
        d = self.dir
        with open(conf, "w") as f:
            f.write(f"""
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log info;
events {{ worker_connections 32; }}
http {{
  access_log off;
  client_body_temp_path {d}/body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  server {{
    listen 127.0.0.1:{self.port} ssl;
    server_name site.casc-test.com;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    ssl_stapling on;
    ssl_stapling_file {staple_file};
    location / {{ return 200 "ok\\n"; }}
  }}
}}
""")
        self.proc = subprocess.Popen(["nginx", "-p", d, "-e", d + "/error.log", "-c", conf,
                                      "-g", "daemon off;"], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("nginx exited: %r %r" % (self.proc.stderr.read(),
                                                             self.log()))
            try:
                import socket
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("nginx did not start: %r" % self.log())

    def log(self):
        try:
            return read(os.path.join(self.dir, "error.log"))
        except OSError:
            return b""

    def status(self):
        p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % self.port,
                            "-servername", "site.casc-test.com", "-status"],
                           input="", capture_output=True, text=True, timeout=30)
        return p.stdout

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stderr.close()


class WithNginx(unittest.TestCase):
    def test_nginx_staples_what_casc_wrote(self):
        out = os.path.join(WORK, "site.ocsp")
        p = staple("--cert", CERTS["site"], "--out", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("written", p.stdout)
        ng = Nginx(CERTS["site"], os.path.join(WORK, "site.key"), out)
        try:
            text = ng.status()
            # casc check sees the staple too (its own cache directory).
            env = dict(os.environ)
            env["XDG_CACHE_HOME"] = tempfile.mkdtemp(dir=WORK, prefix="cache-")
            chk = subprocess.run([CASC, "check", "tls://127.0.0.1:%d" % ng.port, "--servername",
                                  "site.casc-test.com", "--trust", ca_file("root-ca"), "--json"],
                                 capture_output=True, text=True, env=env, timeout=60 * peer.SLOW)
        finally:
            ng.stop()
        self.assertEqual(chk.returncode, 0, chk.stderr)
        j = json.loads(chk.stdout)
        self.assertEqual(j["verdict"], "good")
        self.assertTrue(j["stapled"])
        self.assertEqual((j["revocation"]["source"], j["revocation"]["status"]),
                         ("staple", "good"))
        self.assertIn("OCSP Response Status: successful", text)
        self.assertIn("Cert Status: good", text)
        serial = subprocess.run(["openssl", "x509", "-noout", "-serial", "-in", CERTS["site"]],
                                capture_output=True, text=True).stdout.strip().split("=")[1]
        self.assertIn("Serial Number: " + serial, text)
        # openssl agrees that the file is a valid response for the certificate.
        o = subprocess.run(["openssl", "ocsp", "-respin", out, "-CAfile", ca_file("root-ca"),
                            "-verify_other", ca_file("issuing-ca"), "-issuer",
                            ca_file("issuing-ca"), "-cert", CERTS["site"]],
                           capture_output=True, text=True)
        self.assertIn("Response verify OK", o.stderr)


class WithHAProxy(unittest.TestCase):
    """HAProxy loads CERTFILE.ocsp beside a combined PEM (certificate, chain
    and key): what casc staple --dir writes for such a file."""

    def test_haproxy_staples_what_casc_wrote(self):
        if shutil.which("haproxy") is None:
            self.skipTest("haproxy is not installed (scripts/deps.sh installs it)")
        d = tempfile.mkdtemp(dir=WORK, prefix="haproxy-")
        combined = os.path.join(d, "site.pem")
        write(combined, read(CERTS["site"]) + read(os.path.join(WORK, "site.key")))
        p = staple("--dir", d, "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([o["result"] for o in json.loads(p.stdout)], ["written"])
        self.assertTrue(os.path.exists(combined + ".ocsp"))
        port = peer.free_port()
        cfg = os.path.join(d, "haproxy.cfg")
        with open(cfg, "w") as f:
            f.write(f"""
global
  maxconn 32
defaults
  mode http
  timeout connect 5s
  timeout client 5s
  timeout server 5s
frontend tls
  bind 127.0.0.1:{port} ssl crt {combined}
  http-request return status 200 content-type text/plain string ok
""")
        proc = subprocess.Popen(["haproxy", "-db", "-f", cfg], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            import socket
            deadline = time.monotonic() + 20
            while True:
                if proc.poll() is not None:
                    self.fail("haproxy exited: %r" % proc.stdout.read())
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        self.fail("haproxy did not start")
                    time.sleep(0.05)
            text = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port,
                                   "-servername", "site.casc-test.com", "-status"],
                                  input="", capture_output=True, text=True, timeout=30).stdout
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            proc.stdout.close()
        self.assertIn("OCSP Response Status: successful", text)
        self.assertIn("Cert Status: good", text)


class NeverWorse(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cert = peer.load_cert(CERTS["site"])
        cls.issuer = peer.load_cert(ca_file("issuing-ca"))
        cls.signer = peer.load_cert(ca_file("ocsp-signer"))
        cls.signer_key = peer.load_key(os.path.join(CA, "keys", "ocsp-signer.key"))
        cls.answer = None
        cls.fake = peer.FakeResponder(lambda m, p, der: cls.answer(der))

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def use(self, answer):
        type(self).answer = staticmethod(answer)

    def sign(self, der, **kw):
        return peer.make_response(self.cert, self.issuer, self.signer, self.signer_key,
                                  hash_alg=peer.request_hash(der), **kw)

    def test_good_staple_survives_bad_older_and_absent_answers(self):
        out = os.path.join(WORK, "never-worse.ocsp")
        hook = os.path.join(WORK, "never-worse.hook")
        p = staple("--cert", CERTS["site"], "--out", out, "--on-update",
                   "echo \"$CASC_STAPLE_FILES\" >> " + hook)
        self.assertEqual(p.returncode, 0, p.stderr)
        good = read(out)
        self.assertEqual(read(hook).decode().split(), [out])

        # Again from casc serve: the same response, kept, no hook.
        p = staple("--cert", CERTS["site"], "--out", out, "--on-update", "echo x >> " + hook)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("kept", p.stdout)
        self.assertEqual(read(hook).decode().split(), [out])

        # Signed by an unrelated key: refused, file untouched.
        other, okey = peer.make_cert("Unrelated", None, None)
        self.use(lambda der: (200, peer.make_response(self.cert, self.issuer, other, okey,
                                                      hash_alg=peer.request_hash(der)),
                              "application/ocsp-response"))
        p = staple("--cert", CERTS["site"], "--out", out, "--url", self.fake.url)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(read(out), good)

        # The responder is down: exit 3, file untouched.
        p = staple("--cert", CERTS["site"], "--out", out, "--url", peer.closed_port_url())
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("stays", p.stdout)
        self.assertEqual(read(out), good)

        # tryLater: the same.
        self.use(lambda der: (200, bytes.fromhex("30030a0103"), "application/ocsp-response"))
        p = staple("--cert", CERTS["site"], "--out", out, "--url", self.fake.url)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertEqual(read(out), good)

        # Valid but older than the staple in place: kept.
        old = peer.now() - datetime.timedelta(hours=6)
        self.use(lambda der: (200, self.sign(der, this_update=old),
                              "application/ocsp-response"))
        p = staple("--cert", CERTS["site"], "--out", out, "--url", self.fake.url, "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["result"], "kept")
        self.assertEqual(read(out), good)

        # "unknown": nothing written.
        self.use(lambda der: (200, self.sign(der, status="unknown"),
                              "application/ocsp-response"))
        p = staple("--cert", CERTS["site"], "--out", out, "--url", self.fake.url)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(read(out), good)

        # Valid and newer: written.
        newer = peer.now() + datetime.timedelta(seconds=30)
        self.use(lambda der: (200, self.sign(der, this_update=newer),
                              "application/ocsp-response"))
        p = staple("--cert", CERTS["site"], "--out", out, "--url", self.fake.url, "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["result"], "written")
        self.assertNotEqual(read(out), good)

    def test_garbage_in_place_is_replaced(self):
        out = os.path.join(WORK, "garbage.ocsp")
        write(out, b"\x30\x03garbage")
        p = staple("--cert", CERTS["site"], "--out", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("written", p.stdout)
        p = casc("ocsp", "query", "--cert", CERTS["site"], "--respin", out)
        self.assertEqual(p.returncode, 0, p.stderr)


class Revoked(unittest.TestCase):
    def test_no_staple_for_revoked(self):
        out = os.path.join(WORK, "revoked.ocsp")
        p = staple("--cert", CERTS["revoked"], "--out", out)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("revoked", p.stdout)
        self.assertIn("keyCompromise", p.stdout)
        self.assertFalse(os.path.exists(out))


class Directory(unittest.TestCase):
    def test_dir(self):
        d = tempfile.mkdtemp(dir=WORK, prefix="dir-")
        shutil.copy(CERTS["site"], os.path.join(d, "site.pem"))
        shutil.copy(CERTS["other"], os.path.join(d, "other.crt"))
        shutil.copy(CERTS["revoked"], os.path.join(d, "revoked.pem"))
        shutil.copy(CERTS["site.leaf"], os.path.join(d, "leaf-only.pem"))
        shutil.copy(os.path.join(WORK, "site.key"), os.path.join(d, "site.key"))
        p = staple("--dir", d, "--json")
        self.assertEqual(p.returncode, 1, p.stderr)  # one is revoked
        res = {os.path.basename(o["cert"]): o["result"] for o in json.loads(p.stdout)}
        self.assertEqual(res, {"site.pem": "written", "other.crt": "written",
                               "revoked.pem": "revoked"})
        for name in ("site.pem", "other.crt"):
            p = casc("ocsp", "query", "--cert", os.path.join(d, name), "--respin",
                     os.path.join(d, name + ".ocsp"))
            self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.exists(os.path.join(d, "revoked.pem.ocsp")))
        self.assertFalse(os.path.exists(os.path.join(d, "leaf-only.pem.ocsp")))

    def test_bad_arguments(self):
        self.assertEqual(staple().returncode, 2)
        self.assertEqual(staple("--cert", CERTS["site"]).returncode, 2)
        self.assertEqual(staple("--dir", WORK, "--out", "x").returncode, 2)
        p = staple("--dir", os.path.join(WORK, "no-such-dir"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("no-such-dir", p.stderr)
        p = staple("--cert", os.path.join(WORK, "missing.pem"), "--out", "x.ocsp")
        self.assertEqual(p.returncode, 2)
        self.assertIn("missing.pem", p.stderr)
        empty = tempfile.mkdtemp(dir=WORK)
        self.assertEqual(staple("--dir", empty).returncode, 2)


class Daemon(unittest.TestCase):
    """Responses valid 4 seconds at first: the daemon refreshes every ~2
    seconds."""

    def test_refresh_hook_outage_sigterm(self):
        cert = peer.load_cert(CERTS["site"])
        issuer = peer.load_cert(ca_file("issuing-ca"))
        signer = peer.load_cert(ca_file("ocsp-signer"))
        key = peer.load_key(os.path.join(CA, "keys", "ocsp-signer.key"))
        state = {"up": True, "validity": 4}
        by_serial = {c.serial_number: c for c in (cert, peer.load_cert(CERTS["other"]))}

        def answer(method, path, der):
            if not state["up"]:
                return 503, b"down", "text/plain"
            tu = peer.now()
            asked = by_serial[ocsp.load_der_ocsp_request(der).serial_number]
            return 200, peer.make_response(asked, issuer, signer, key, this_update=tu,
                                           next_update=tu + datetime.timedelta(
                                               seconds=state["validity"]),
                                           hash_alg=peer.request_hash(der)), \
                "application/ocsp-response"
        fake = peer.FakeResponder(answer)
        d = tempfile.mkdtemp(dir=WORK, prefix="daemon-")
        shutil.copy(CERTS["site"], os.path.join(d, "site.pem"))
        hook = os.path.join(d, "hook.log")
        log = open(os.path.join(d, "daemon.log"), "wb")
        proc = subprocess.Popen([CASC, "staple", "--dir", d, "--daemon", "--url", fake.url,
                                 "--json", "--poll", "1", "--on-update",
                                 "echo \"$CASC_STAPLE_FILES\" >> '%s'" % hook],
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            staple_file = os.path.join(d, "site.pem.ocsp")
            deadline = time.monotonic() + 20 * peer.SLOW
            while time.monotonic() < deadline and (
                    not os.path.exists(hook) or len(read(hook).split()) < 3):
                time.sleep(0.2)
            runs = read(hook).decode().split() if os.path.exists(hook) else []
            self.assertGreaterEqual(len(runs), 3, read(os.path.join(d, "daemon.log")))
            self.assertEqual(set(runs), {staple_file})
            self.assertGreaterEqual(len(fake.requests), 3)

            # Responder down: the last good staple stays, the daemon retries.
            state["up"] = False
            last = read(staple_file)
            n = len(fake.requests)
            time.sleep(4)
            self.assertEqual(read(staple_file), last)
            self.assertGreater(len(fake.requests), n)  # it kept trying
            p = casc("ocsp", "query", "--cert", CERTS["site"], "--respin", staple_file,
                     "--skew", "300")
            self.assertEqual(p.returncode, 0, p.stderr)

            # Back up, and told so with SIGHUP (rescan, refetch everything)
            # rather than waiting out the backoff: refreshed again, now with
            # responses valid an hour, so the next scheduled fetch is half an
            # hour away.
            state["up"] = True
            state["validity"] = 3600
            runs_before = len(read(hook).split())
            proc.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 20 * peer.SLOW
            while time.monotonic() < deadline and len(read(hook).split()) == runs_before:
                time.sleep(0.2)
            self.assertGreater(len(read(hook).split()), runs_before)
            self.assertNotEqual(read(staple_file), last)

            # A renewal: site.pem replaced (renamed over, as certbot and
            # friends do) by another certificate's chain. The staple in
            # place names the old certificate: the new one's is fetched
            # within the poll interval (1 s here), long before the schedule.
            time.sleep(1.5)
            before = len(read(hook).split())
            tmp = os.path.join(d, ".site.pem.new")
            shutil.copy(CERTS["other"], tmp)
            os.rename(tmp, os.path.join(d, "site.pem"))
            other_serial = "%X" % peer.load_cert(CERTS["other"]).serial_number
            deadline = time.monotonic() + 20 * peer.SLOW
            renewed = False
            while time.monotonic() < deadline and not renewed:
                time.sleep(0.2)
                p = casc("ocsp", "query", "--cert", os.path.join(d, "site.pem"), "--respin",
                         staple_file, "--json")
                renewed = p.returncode == 0 and json.loads(p.stdout)["serial"] == other_serial
            self.assertTrue(renewed, read(os.path.join(d, "daemon.log")))
            self.assertEqual(len(read(hook).split()), before + 1)

            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=10 * peer.SLOW), 0)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            log.close()
            fake.stop()
        lines = [json.loads(x) for x in read(os.path.join(d, "daemon.log")).splitlines()
                 if x.startswith(b"{")]
        results = {x["result"] for x in lines}
        self.assertIn("written", results)
        self.assertIn("unreachable", results)
        self.assertTrue(all(x["next_fetch"] for x in lines))
        self.assertFalse(any(m in read(os.path.join(d, "daemon.log"))
                             for m in peer.SANITIZER_MARKS))


if __name__ == "__main__":
    unittest.main(verbosity=2)
