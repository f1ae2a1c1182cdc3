#!/usr/bin/env python3
"""casc crl and the CRLs of casc serve, end to end: every CRL of a fresh CA
verified by `openssl crl -verify` and Python cryptography for EC and RSA
keys; a revoked certificate in its own shard, the full CRL and no other
shard, with its reason and invalidity date; `openssl verify -crl_check`;
CRL numbers across runs; the retention rules under faketime; bad input;
SIGKILL at random points; and serving over HTTP with curl."""
import datetime
import email.utils
import glob
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time
import unittest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtensionOID

from casctest import SANITIZED, CascTestCase, casc, run, faketime_env

SLOW = 4 if SANITIZED else 1
SHARDS = 4
ISSUING = ("issuing-ca", "code-signing-ca", "timestamping-ca")


def pem_cert(ca, name):
    with open(os.path.join(ca, "certs", name + ".pem"), "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def load_crl(path):
    with open(path, "rb") as f:
        return x509.load_der_x509_crl(f.read())


def crl_number(crl):
    return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number


def all_crls(out):
    """{url path: file} of every CRL under out/crl."""
    files = glob.glob(os.path.join(out, "crl", "*.crl")) + glob.glob(
        os.path.join(out, "crl", "*", "*.crl"))
    return {f[len(out):]: f for f in files}


def issuer_of(url_path):
    """/crl/issuing-ca/3.crl and /crl/issuing-ca.crl -> issuing-ca"""
    rest = url_path[len("/crl/"):]
    return rest.split("/")[0] if "/" in rest else rest[:-len(".crl")]


def curl(*args):
    return subprocess.run(["curl", "-sS", "-m", str(20 * SLOW), *args], capture_output=True,
                          timeout=30 * SLOW)


class CrlInterop(CascTestCase):
    """A fresh CA per key type, one revoked and one good certificate."""

    def make(self, key_type):
        ca = self.new_ca("ca-" + key_type, "--key-type", key_type)
        good = self.issue_json(ca, "--profile", "tls-server", "--dns", "good.casc-test.com",
                               "-o", self.path(key_type + "-good.pem"),
                               "--key-out", self.path(key_type + "-good.key"))
        bad = self.issue_json(ca, "--profile", "tls-server", "--dns", "bad.casc-test.com",
                              "-o", self.path(key_type + "-bad.pem"),
                              "--key-out", self.path(key_type + "-bad.key"))
        casc("revoke", bad["serial"], "--reason", "keyCompromise", "--invalidity-date",
             "2026-01-02T03:04:05Z", ca=ca, check=True)
        proc = casc("crl", "--json", ca=ca, check=True)
        return ca, good, bad, json.loads(proc.stdout)

    def check_ca(self, key_type):
        ca, good, bad, listing = self.make(key_type)
        files = all_crls(ca)
        want = {"/crl/root-ca.crl"} | {"/crl/%s.crl" % i for i in ISSUING} | {
            "/crl/%s/%d.crl" % (i, k) for i in ISSUING for k in range(SHARDS)}
        self.assertEqual(set(files), want)
        self.assertEqual({e["path"] for e in listing}, want)
        base = "http://127.0.0.1:8080"
        for url_path, f in sorted(files.items()):
            issuer = issuer_of(url_path)
            with self.subTest(crl=url_path):
                r = run("openssl", "crl", "-inform", "DER", "-in", f, "-noout", "-verify",
                        "-CAfile", os.path.join(ca, "certs", issuer + ".pem"))
                self.assertIn("verify OK", r.stderr + r.stdout)
                crl = load_crl(f)
                issuer_cert = pem_cert(ca, issuer)
                self.assertTrue(crl.is_signature_valid(issuer_cert.public_key()))
                self.assertEqual(crl.issuer, issuer_cert.subject)
                self.assertEqual(crl_number(crl), 1)
                days = 30 if issuer == "root-ca" else 7
                self.assertEqual(crl.next_update - crl.last_update, datetime.timedelta(days=days))
                aki = crl.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
                ski = issuer_cert.extensions.get_extension_for_class(
                    x509.SubjectKeyIdentifier).value
                self.assertEqual(aki.key_identifier, ski.digest)
                sharded = url_path.count("/") == 3
                if sharded:
                    ext = crl.extensions.get_extension_for_oid(
                        ExtensionOID.ISSUING_DISTRIBUTION_POINT)
                    self.assertTrue(ext.critical)
                    self.assertEqual(ext.value.full_name,
                                     [x509.UniformResourceIdentifier(base + url_path)])
                    self.assertTrue(ext.value.only_contains_user_certs)
                    self.assertFalse(ext.value.only_contains_ca_certs)
                    self.assertFalse(ext.value.indirect_crl)
                else:
                    with self.assertRaises(x509.ExtensionNotFound):
                        crl.extensions.get_extension_for_oid(
                            ExtensionOID.ISSUING_DISTRIBUTION_POINT)
        return ca, good, bad

    def shard_url(self, cert_path):
        with open(cert_path, "rb") as f:
            cert = x509.load_pem_x509_certificate(f.read())
        dp = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        return dp[0].full_name[0].value

    def test_ec_p256(self):
        ca, good, bad = self.check_ca("ec-p256")
        serial = int(bad["serial"], 16)
        own = self.shard_url(self.path("ec-p256-bad.pem"))
        own_path = own[own.index("/crl/"):]
        for url_path, f in all_crls(ca).items():
            crl = load_crl(f)
            entry = crl.get_revoked_certificate_by_serial_number(serial)
            expected = url_path in (own_path, "/crl/issuing-ca.crl")
            self.assertEqual(entry is not None, expected, url_path)
            if entry is None:
                continue
            reason = entry.extensions.get_extension_for_class(x509.CRLReason).value
            self.assertEqual(reason.reason, x509.ReasonFlags.key_compromise)
            inv = entry.extensions.get_extension_for_class(x509.InvalidityDate).value
            self.assertEqual(inv.invalidity_date, datetime.datetime(2026, 1, 2, 3, 4, 5))
            self.assertEqual(len(crl), 1)
        # openssl verify -crl_check: the shard CRL and the full CRL both
        # reject the revoked certificate and accept the good one.
        chain = self.path("chain.pem")
        with open(chain, "wb") as out:
            for name in ("issuing-ca", "root-ca"):
                with open(os.path.join(ca, "certs", name + ".pem"), "rb") as f:
                    out.write(f.read())
        for which, cert in (("bad", "ec-p256-bad.pem"), ("good", "ec-p256-good.pem")):
            url = self.shard_url(self.path(cert))
            for crl_path in (url[url.index("/crl/"):], "/crl/issuing-ca.crl"):
                pem = self.path("crl.pem")
                run("openssl", "crl", "-inform", "DER", "-in", ca + crl_path, "-out", pem)
                r = run("openssl", "verify", "-crl_check", "-CAfile", chain, "-CRLfile", pem,
                        self.path(cert), check=False)
                if which == "bad":
                    self.assertNotEqual(r.returncode, 0, crl_path)
                    self.assertIn("certificate revoked", r.stdout + r.stderr)
                else:
                    self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # CRL numbers grow on every run, for every CRL
        for _ in range(2):
            casc("crl", ca=ca, check=True)
        for url_path, f in all_crls(ca).items():
            self.assertEqual(crl_number(load_crl(f)), 3, url_path)

    def test_rsa_2048(self):
        self.check_ca("rsa-2048")


class CrlInput(CascTestCase):
    def test_bad_input(self):
        ca = self.new_ca("ca")
        proc = casc("crl", "--out", self.path("no-such-dir"), ca=ca)
        self.assert_one_line_error(proc, 2, "no-such-dir")
        blocker = self.path("a-file")
        with open(blocker, "w") as f:
            f.write("x")
        proc = casc("crl", "--out", blocker, ca=ca)
        self.assert_one_line_error(proc, 2, "a-file")
        ro = self.path("read-only")
        os.mkdir(ro, 0o555)
        if os.geteuid() != 0:  # root writes anywhere
            proc = casc("crl", "--out", ro, ca=ca)
            self.assert_one_line_error(proc, 2, "read-only")
        # a read-only crl/ directory stops root too: the temporary file
        # cannot be made there... unless root; use a file where crl/ goes
        out = self.path("out-blocked")
        os.mkdir(out)
        with open(os.path.join(out, "crl"), "w") as f:
            f.write("x")
        proc = casc("crl", "--out", out, ca=ca)
        self.assert_one_line_error(proc, 2, "crl")
        proc = casc("crl", ca=self.path("missing-ca"))
        self.assert_one_line_error(proc, 2, "missing-ca")
        proc = casc("crl", "--bogus", ca=ca)
        self.assert_one_line_error(proc, 2, "--bogus")
        proc = casc("crl", "extra", ca=ca)
        self.assert_one_line_error(proc, 2, "extra")
        with open(os.path.join(ca, "casc.conf"), "a") as f:
            f.write("\n[crl]\nnext_update_days = 11\n")
        proc = casc("crl", ca=ca)
        self.assert_one_line_error(proc, 2, "next_update_days")
        self.assertTrue(casc("crl", "--help").stdout.startswith("usage: casc"))


def insert_revoked(ca, issuer, n, not_after):
    """n revoked rows straight into the database, for bulk. Revoked in the
    past: a revocation date after the CRL's thisUpdate is refused by lint
    (RFC 5280 5.1.2.6)."""
    con = sqlite3.connect(os.path.join(ca, "casc.db"))
    try:
        (iid,) = con.execute("SELECT id FROM issuers WHERE name = ?", (issuer,)).fetchone()
        rows = [("4%031X" % random.getrandbits(124), iid, "CN=x%d" % i, "", "tls-server", 0,
                 not_after, b"", 1, min(not_after - 86400 * 30, int(time.time()) - 60),
                 1 if i % 2 else None, None)
                for i in range(n)]
        con.executemany("INSERT INTO certificates (serial, issuer_id, subject, sans, profile, "
                        "not_before, not_after, der, revoked, revoked_at, reason, "
                        "invalidity_date) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        con.commit()
    finally:
        con.close()


class CrlKill(CascTestCase):
    def test_sigkill_never_leaves_a_partial_crl(self):
        ca = self.new_ca("ca")
        insert_revoked(ca, "issuing-ca", 20000, int(time.time()) + 86400 * 60)
        casc("crl", ca=ca, check=True)
        keys = {n: pem_cert(ca, n).public_key() for n in ("root-ca",) + ISSUING}
        rng = random.Random(5280)
        for i in range(10):
            proc = subprocess.Popen([os.environ.get("CASC_BIN") or "casc", "--dir", ca, "crl"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, 0.15 * SLOW))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            files = all_crls(ca)
            self.assertEqual(len(files), 1 + len(ISSUING) * (SHARDS + 1))
            for url_path, f in files.items():
                crl = load_crl(f)  # raises on a torn file
                self.assertTrue(crl.is_signature_valid(keys[issuer_of(url_path)]), url_path)
        full = load_crl(os.path.join(ca, "crl", "issuing-ca.crl"))
        self.assertEqual(len(full), 20000)
        # the next build clears what the killed ones left behind
        casc("crl", ca=ca, check=True)
        left = [f for f in glob.glob(os.path.join(ca, "crl", "**"), recursive=True)
                if ".tmp." in f]
        self.assertEqual(left, [])


@unittest.skipUnless(shutil.which("faketime"), "faketime not installed")
class CrlRetention(CascTestCase):
    def test_expired_entries(self):
        env = faketime_env("2026-06-01 00:00:00")
        ca = self.path("ca")
        casc("init", ca=ca, check=True, env=env)
        tls = self.issue_json(ca, "--profile", "tls-server", "--dns", "t.casc-test.com",
                              "--days", "30", "--key-out", self.path("t.key"))
        cs = self.issue_json(ca, "--profile", "code-signing", "--subject",
                             "CN=Code,O=Example Ltd,L=Berlin,C=DE", "--days", "30",
                             "--key-out", self.path("c.key"))
        for serial in (tls["serial"], cs["serial"]):
            casc("revoke", serial, "--reason", "keyCompromise", ca=ca, check=True)

        def present(when):
            casc("crl", ca=ca, check=True, env=faketime_env(when))
            out = set()
            for name, serial in (("issuing-ca", tls["serial"]), ("code-signing-ca", cs["serial"])):
                crl = load_crl(os.path.join(ca, "crl", name + ".crl"))
                if crl.get_revoked_certificate_by_serial_number(int(serial, 16)) is not None:
                    out.add(name)
            return out

        # issue_json runs at the real time: expiry is 30 days after it
        now = datetime.datetime.utcnow()
        fmt = "%Y-%m-%d %H:%M:%S"
        self.assertEqual(present((now + datetime.timedelta(days=1)).strftime(fmt)),
                         {"issuing-ca", "code-signing-ca"})
        # expired a day ago: still on one more CRL period (RFC 5280 5.1.2.6)
        self.assertEqual(present((now + datetime.timedelta(days=31)).strftime(fmt)),
                         {"issuing-ca", "code-signing-ca"})
        # expired over a CRL period ago: the TLS entry is gone, code signing stays
        self.assertEqual(present((now + datetime.timedelta(days=45)).strftime(fmt)),
                         {"code-signing-ca"})
        self.assertEqual(present((now + datetime.timedelta(days=30 + 9 * 365)).strftime(fmt)),
                         {"code-signing-ca"})
        # ten years (3653 days) after expiry: gone too
        self.assertEqual(present((now + datetime.timedelta(days=30 + 3660)).strftime(fmt)),
                         set())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CrlServe(CascTestCase):
    def start(self, ca):
        port = free_port()
        err = open(self.path("serve-%d.err" % port), "wb")
        proc = subprocess.Popen([os.environ.get("CASC_BIN") or "casc", "--dir", ca, "serve",
                                 "--listen", "127.0.0.1:%d" % port, "--threads", "2"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        self.addCleanup(self.stop, proc, err)
        base = "http://127.0.0.1:%d" % port
        deadline = time.monotonic() + 30 * SLOW
        while time.monotonic() < deadline:
            self.assertIsNone(proc.poll(), "casc serve exited")
            if curl("-o", "/dev/null", "-w", "%{http_code}", base + "/healthz").stdout == b"200":
                return base
            time.sleep(0.05)
        self.fail("casc serve did not start")

    def stop(self, proc, err):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                rc = proc.wait(timeout=15 * SLOW)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                rc = -9
            self.assertEqual(rc, 0)
        err.close()
        with open(err.name, "rb") as f:
            text = f.read()
        for mark in (b"AddressSanitizer", b"LeakSanitizer", b"runtime error:"):
            self.assertNotIn(mark, text)

    def fetch(self, base, path, *extra):
        hdr, body = self.path("h"), self.path("b")
        for stale in (hdr, body):  # curl leaves the file alone on an empty body
            if os.path.exists(stale):
                os.unlink(stale)
        r = curl("-D", hdr, "-o", body, "-w", "%{http_code}", *extra, base + path)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(hdr, "rb") as f:
            headers = {}
            for line in f.read().decode().splitlines()[1:]:
                if ":" in line:
                    k, v = line.split(":", 1)
                    headers[k.strip().lower()] = v.strip()
        if not os.path.exists(body):
            return int(r.stdout), headers, b""
        with open(body, "rb") as f:
            return int(r.stdout), headers, f.read()

    def wait_for(self, cond, seconds):
        deadline = time.monotonic() + seconds * SLOW
        while time.monotonic() < deadline:
            if cond():
                return True
            time.sleep(0.2)
        return False

    def test_serve_and_reload(self):
        ca = self.new_ca("ca")
        with open(os.path.join(ca, "casc.conf"), "a") as f:
            f.write("\n[crl]\nrebuild = 0\n")
        casc("crl", ca=ca, check=True)
        base = self.start(ca)
        for url_path, f in all_crls(ca).items():
            status, h, body = self.fetch(base, url_path)
            self.assertEqual(status, 200, url_path)
            with open(f, "rb") as fh:
                self.assertEqual(body, fh.read())
            self.assertEqual(h["content-type"], "application/pkix-crl")
        status, h, body = self.fetch(base, "/crl/issuing-ca/2.crl")
        crl = x509.load_der_x509_crl(body)
        self.assertEqual(email.utils.parsedate_to_datetime(h["last-modified"]).replace(
            tzinfo=None), crl.last_update)
        max_age = int(h["cache-control"].split("max-age=")[1].split(",")[0])
        self.assertGreater(max_age, 0)
        self.assertLessEqual(max_age, (crl.next_update - datetime.datetime.utcnow()).total_seconds())
        etag = h["etag"]
        self.assertTrue(etag.startswith('"') and etag.endswith('"'))
        status, h2, body = self.fetch(base, "/crl/issuing-ca/2.crl", "-H", "If-None-Match: " + etag)
        self.assertEqual((status, body), (304, b""))
        self.assertEqual(h2["etag"], etag)
        status, _, _ = self.fetch(base, "/crl/issuing-ca/2.crl", "-H", 'If-None-Match: "other"')
        self.assertEqual(status, 200)
        self.assertEqual(self.fetch(base, "/crl/nope.crl")[0], 404)
        self.assertEqual(self.fetch(base, "/crl/issuing-ca/2.crl", "-X", "POST")[0], 405)
        # a re-run of casc crl is picked up without a restart, and without
        # dropping a keep-alive connection
        port = int(base.rsplit(":", 1)[1])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10 * SLOW)
        self.addCleanup(conn.close)

        def get(path):
            conn.request("GET", path)
            r = conn.getresponse()
            return r.status, r.read()
        self.assertEqual(get("/crl/issuing-ca/2.crl")[0], 200)
        casc("crl", ca=ca, check=True)

        def renumbered():
            st, b = get("/crl/issuing-ca/2.crl")
            return st == 200 and crl_number(x509.load_der_x509_crl(b)) == 2
        self.assertTrue(self.wait_for(renumbered, 5))
        # readers while the files are rewritten and the snapshot swapped:
        # every answer is a whole CRL that verifies
        key = pem_cert(ca, "issuing-ca").public_key()
        stop = threading.Event()
        seen, errors = [], []

        def reader():
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10 * SLOW)
            try:
                while not stop.is_set():
                    c.request("GET", "/crl/issuing-ca.crl")
                    r = c.getresponse()
                    body = r.read()
                    crl = x509.load_der_x509_crl(body)
                    if r.status != 200 or not crl.is_signature_valid(key):
                        errors.append(r.status)
                    seen.append(crl_number(crl))
            except Exception as exc:  # reported below
                errors.append(repr(exc))
            finally:
                c.close()
        threads = [threading.Thread(target=reader) for _ in range(3)]
        for t in threads:
            t.start()
        for _ in range(4):
            casc("crl", ca=ca, check=True)
            time.sleep(0.3)
        time.sleep(1.2)
        stop.set()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(max(seen), 6)

    def test_rebuild_after_revocation(self):
        ca = self.new_ca("ca-rebuild")
        base = self.start(ca)
        # the daemon writes the CRLs itself at start
        self.assertTrue(self.wait_for(lambda: self.fetch(base, "/crl/issuing-ca.crl")[0] == 200,
                                      5))
        cert = self.issue_json(ca, "--profile", "tls-server", "--dns", "r.casc-test.com",
                               "--key-out", self.path("r.key"))
        casc("revoke", cert["serial"], ca=ca, check=True)
        serial = int(cert["serial"], 16)
        t0 = time.monotonic()

        def listed():
            st, _, b = self.fetch(base, "/crl/issuing-ca.crl")
            return st == 200 and x509.load_der_x509_crl(
                b).get_revoked_certificate_by_serial_number(serial) is not None
        self.assertTrue(self.wait_for(listed, 8))
        # the batching delay (2 s) plus at most a second of polling
        if not SANITIZED:
            self.assertLess(time.monotonic() - t0, 5)


if __name__ == "__main__":
    unittest.main(verbosity=2)
