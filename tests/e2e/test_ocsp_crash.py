#!/usr/bin/env python3
"""Crash safety of presigning: `casc ocsp presign` and `casc serve` killed
with SIGKILL while they sign thousands of responses. The database stays
intact, and once a run completes every stored response agrees with the
certificate's status, which casc serve then answers (checked with openssl
ocsp over POST for revoked, good and unknown serials)."""
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import unittest

from casctest import CASC, SANITIZED, CascTestCase, casc, run

N = 3000
ROUNDS = 8
SLOW = 4 if SANITIZED else 1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TestOcspCrash(CascTestCase):
    def add_certificates(self, ca):
        """N certificate rows straight into the database: presigning needs
        serials and statuses, not certificate bytes. Every 7th is revoked."""
        con = sqlite3.connect(os.path.join(ca, "casc.db"))
        issuer = con.execute("SELECT id FROM issuers WHERE name = 'issuing-ca'").fetchone()[0]
        now = int(time.time())
        rng = random.Random(7)
        rows = []
        for i in range(N):
            b = bytearray(rng.randbytes(16))
            b[0] = (b[0] & 0x3F) | 0x40
            revoked = i % 7 == 0
            rows.append((b.hex().upper(), issuer, "CN=crash", "", "tls-server", now - 60,
                         now + 30 * 86400, b"x", int(revoked), now - 30 if revoked else None,
                         1 if revoked else None))
        con.executemany("INSERT INTO certificates (serial, issuer_id, subject, sans, profile, "
                        "not_before, not_after, der, revoked, revoked_at, reason) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        con.commit()
        con.close()
        return [r[0] for r in rows]

    def disagreements(self, ca):
        con = sqlite3.connect(f"file:{ca}/casc.db?mode=ro", uri=True)
        try:
            (integrity,) = con.execute("PRAGMA integrity_check").fetchone()
            self.assertEqual(integrity, "ok")
            (missing,) = con.execute(
                "SELECT count(*) FROM certificates c LEFT JOIN ocsp_responses o "
                "ON o.cert_id = c.rowid AND o.serial = c.serial "
                "WHERE c.subject = 'CN=crash' AND (o.cert_id IS NULL OR o.status != c.revoked)"
            ).fetchone()
            return missing
        finally:
            con.close()

    def make_work(self, ca, rng):
        """Gives the next run something to sign: a third of the responses
        gone, and a few more certificates revoked (queued by the triggers)."""
        con = sqlite3.connect(os.path.join(ca, "casc.db"), timeout=30)
        con.execute("DELETE FROM ocsp_responses WHERE cert_id % 3 = ?", (rng.randrange(3),))
        con.execute("UPDATE certificates SET revoked = 1, revoked_at = strftime('%s', 'now'), "
                    "reason = 4 WHERE subject = 'CN=crash' AND revoked = 0 AND "
                    "rowid % 97 = ?", (rng.randrange(97),))
        con.commit()
        con.close()

    def kill_rounds(self, ca, cmd, duration):
        """ROUNDS runs of cmd, each killed within the time its work takes (a
        third of a full run's)."""
        rng = random.Random(int(os.environ.get("CASC_CRASH_SEED", "0")) or None)
        kills = 0
        for _ in range(ROUNDS):
            self.make_work(ca, rng)
            proc = subprocess.Popen([CASC, "--dir", ca, *cmd], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.0, duration * 0.3))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
            kills += proc.returncode == -signal.SIGKILL
            self.disagreements(ca)  # integrity after every kill
        return kills

    def timed_presign(self, ca):
        start = time.monotonic()
        casc("ocsp", "presign", ca=ca, check=True)
        return time.monotonic() - start

    def test_presign_killed_then_completed(self):
        ca = self.path("ca")
        casc("init", ca=ca, check=True)
        self.add_certificates(ca)
        duration = self.timed_presign(ca)
        kills = self.kill_rounds(ca, ["ocsp", "presign"], duration)
        print(f"\n{kills} of {ROUNDS} presign runs killed ({duration:.2f} s a run)",
              file=sys.stderr)
        self.assertGreaterEqual(kills, ROUNDS // 2)
        casc("ocsp", "presign", ca=ca, check=True)
        self.assertEqual(self.disagreements(ca), 0)

    def test_serve_killed_then_restarted(self):
        ca = self.path("ca-serve")
        port = free_port()
        url = "http://127.0.0.1:%d" % port
        casc("init", "--base-url", url, ca=ca, check=True)
        serials = self.add_certificates(ca)
        listen = ["serve", "--listen", "127.0.0.1:%d" % port, "--threads", "2"]
        duration = self.timed_presign(ca)
        # serve signs what is missing in its first second
        kills = self.kill_rounds(ca, listen, duration + 1.5)
        self.assertEqual(kills, ROUNDS)
        err = open(self.path("serve.err"), "wb")
        proc = subprocess.Popen([CASC, "--dir", ca, *listen], stdout=subprocess.DEVNULL,
                                stderr=err)
        try:
            deadline = time.monotonic() + 60 * SLOW
            while self.disagreements(ca) != 0:
                self.assertIsNone(proc.poll(), "casc serve exited")
                self.assertLess(time.monotonic(), deadline, "presigning never completed")
                time.sleep(0.2)
            certs = os.path.join(ca, "certs")
            issuer = os.path.join(certs, "issuing-ca.pem")
            con = sqlite3.connect(f"file:{ca}/casc.db?mode=ro", uri=True)
            status = dict(con.execute("SELECT serial, revoked FROM certificates"))
            con.close()
            picks = [(s, "revoked" if status[s] else "good") for s in
                     (serials[0], serials[1], serials[N // 2], serials[N - 1])]
            picks.append(("7FFFFFFFFFFFFFFF01", "unknown"))
            deadline = time.monotonic() + 10 * SLOW
            for serial, want in picks:
                while True:
                    p = run("openssl", "ocsp", "-issuer", issuer, "-serial", "0x" + serial,
                            "-url", url + "/ocsp", "-CAfile", os.path.join(certs, "root-ca.pem"),
                            "-verify_other", issuer, "-no_nonce", check=False)
                    if "0x%s: %s" % (serial, want) in p.stdout:
                        break
                    # the snapshot polls the store once a second
                    self.assertLess(time.monotonic(), deadline, p.stdout + p.stderr)
                    time.sleep(0.2)
                self.assertIn("Response verify OK", p.stderr)
        finally:
            proc.send_signal(signal.SIGTERM)
            rc = proc.wait(timeout=30 * SLOW)
            err.close()
        with open(self.path("serve.err"), "rb") as f:
            self.assertEqual(rc, 0, f.read())


if __name__ == "__main__":
    unittest.main()
