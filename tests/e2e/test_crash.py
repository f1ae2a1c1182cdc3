"""Crash safety: casc revoke killed with SIGKILL at random points, many
times. Every revocation it acknowledged is in the database afterwards, each
revoked certificate has its audit entry, and the audit log verifies."""
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import unittest

from casctest import CASC, CascTestCase, casc, run

CERTS = 400
ROUNDS = 25
BATCH = 40


class TestCrash(CascTestCase):
    def test_sigkill_during_revocations(self):
        ca = self.path("ca")
        casc("init", ca=ca, check=True)
        key = self.path("k.key")
        csr = self.path("k.csr")
        run("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=crash.example.com",
            "-addext", "subjectAltName=DNS:crash.example.com")
        serials = [casc("issue", "--profile", "tls-server", "--csr", csr, ca=ca,
                        check=True).stdout.strip() for _ in range(CERTS)]
        rng = random.Random(int(os.environ.get("CASC_CRASH_SEED", "0")) or None)
        # Calibrate: how long a batch takes here, so the kills land inside it.
        start = time.monotonic()
        casc("revoke", *serials[:20], ca=ca, check=True)
        per_revocation = (time.monotonic() - start) / 20
        acknowledged = set(serials[:20])
        remaining = serials[20:]
        kills = 0
        for _ in range(ROUNDS):
            if not remaining:
                break
            batch = remaining[:BATCH]
            proc = subprocess.Popen([CASC, "--dir", ca, "revoke", *batch],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            # Kill somewhere between start-up and the end of the batch.
            time.sleep(rng.uniform(0.0, per_revocation * len(batch) * 0.9))
            proc.send_signal(signal.SIGKILL)
            out, _ = proc.communicate(timeout=60)
            if proc.returncode == -signal.SIGKILL:
                kills += 1
            for line in out.splitlines():
                # Only complete lines count: a line is printed after the commit.
                if line.startswith("revoked "):
                    acknowledged.add(line.split()[1])
            # Serials already revoked would now be refused; go on with the rest.
            done = self.revoked(ca)
            remaining = [s for s in remaining if s not in done]
            self.assertTrue(acknowledged <= done,
                            f"acknowledged but not revoked: {sorted(acknowledged - done)}")
        print(f"\n{kills} kills, {len(acknowledged)} acknowledged revocations, "
              f"{per_revocation * 1000:.1f} ms each", file=sys.stderr)
        self.assertGreater(kills, ROUNDS // 2, "most rounds must really be killed mid-way")
        done = self.revoked(ca)
        self.assertTrue(acknowledged <= done)
        self.assertGreater(len(acknowledged), 0)
        # Each revocation was committed with its audit entry, never one alone.
        con = sqlite3.connect(f"file:{ca}/casc.db?mode=ro", uri=True)
        audited = {json.loads(d)["serial"] for (d,) in
                   con.execute("SELECT details FROM audit_log WHERE op='revoke'")}
        (integrity,) = con.execute("PRAGMA integrity_check").fetchone()
        con.close()
        self.assertEqual(integrity, "ok")
        self.assertEqual(audited, done)
        proc = casc("audit", "verify", ca=ca)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        # And the CA goes on working: the next revocation re-signs the head.
        if remaining:
            casc("revoke", remaining[0], ca=ca, check=True)
            self.assertIn("intact", casc("audit", "verify", ca=ca, check=True).stdout)

    def test_concurrent_writers_keep_the_log_signed(self):
        # Several casc processes issuing and revoking at once: every entry
        # ends up under the signed checkpoint, none left behind by a lost
        # update, and the log verifies.
        ca = self.path("concurrent")
        casc("init", ca=ca, check=True)
        script = (f'for i in $(seq 12); do s=$("{CASC}" --dir "{ca}" issue --profile tls-server '
                  f'--dns w$$-$i.example.com --key-out "{self.tmp}/w$$-$i.key") || exit 1; '
                  f'"{CASC}" --dir "{ca}" revoke "$s" >/dev/null || exit 1; done')
        workers = [subprocess.Popen(["sh", "-c", script]) for _ in range(4)]
        for w in workers:
            self.assertEqual(w.wait(timeout=300), 0)
        report = json.loads(casc("audit", "verify", "--json", ca=ca, check=True).stdout)
        self.assertTrue(report["intact"])
        self.assertEqual(report["entries"], 8 + 4 * 12 * 2)
        self.assertEqual(report["checkpoint_seq"], report["entries"])

    @staticmethod
    def revoked(ca):
        con = sqlite3.connect(f"file:{ca}/casc.db?mode=ro", uri=True)
        try:
            return {s for (s,) in con.execute("SELECT serial FROM certificates WHERE revoked=1")}
        finally:
            con.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
