"""casc revoke and casc audit verify: revocations as the BRs want them, and
an audit log that gives away any edit, reordering, removal or re-chaining."""
import hashlib
import json
import os
import shutil
import sqlite3
import struct
import unittest

from casctest import CascTestCase, casc


def issue(ca, tmp, profile="tls-server", n=[0]):
    n[0] += 1
    args = {"tls-server": ["--dns", f"r{n[0]}.example.com"],
            "code-signing": ["--subject", "CN=Code,O=Example Ltd,L=Berlin,C=DE"]}[profile]
    proc = casc("issue", "--profile", profile, *args, "-o", os.path.join(tmp, f"r{n[0]}.pem"),
                "--key-out", os.path.join(tmp, f"r{n[0]}.key"), ca=ca, check=True)
    return proc.stdout.strip(), os.path.join(tmp, f"r{n[0]}.pem")


def show(ca, serial):
    return json.loads(casc("show", "--json", serial, ca=ca, check=True).stdout)


class TestRevoke(CascTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ca = os.path.join(cls.tmp, "ca")
        casc("init", ca=cls.ca, check=True)

    def test_revoke_by_serial_and_file(self):
        s1, _ = issue(self.ca, self.tmp)
        s2, f2 = issue(self.ca, self.tmp)
        proc = casc("revoke", s1.lower(), "--cert", f2, "--reason", "KEYCOMPROMISE", ca=self.ca)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.strip().splitlines()
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[0].startswith(f"revoked {s1} at "), lines[0])
        self.assertIn("keyCompromise", lines[1])
        for s in (s1, s2):
            rec = show(self.ca, s)
            self.assertEqual(rec["status"], "revoked")
            self.assertEqual(rec["reason"], "keyCompromise")
            self.assertRegex(rec["revoked_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        revoked = json.loads(casc("list", "--status", "revoked", "--json", ca=self.ca).stdout)
        self.assertTrue({s1, s2} <= {r["serial"] for r in revoked})

    def test_unspecified_is_no_reason(self):
        s, _ = issue(self.ca, self.tmp)
        proc = casc("revoke", "--json", s, "--reason", "unspecified", ca=self.ca, check=True)
        self.assertEqual(json.loads(proc.stdout)["reason"], "unspecified")
        con = sqlite3.connect(f"file:{self.ca}/casc.db?mode=ro", uri=True)
        (reason,) = con.execute("SELECT reason FROM certificates WHERE serial=?", (s,)).fetchone()
        con.close()
        self.assertIsNone(reason, "BR 7.2.2: unspecified is expressed by omitting the reason")

    def test_invalidity_date(self):
        # TLS: the revocation date is now, the invalidity date is recorded.
        s, _ = issue(self.ca, self.tmp)
        rec_before = show(self.ca, s)
        when = rec_before["not_before"]
        casc("revoke", s, "--reason", "keyCompromise", "--invalidity-date", when, ca=self.ca,
             check=True)
        rec = show(self.ca, s)
        self.assertEqual(rec["invalidity_date"], when)
        self.assertGreaterEqual(rec["revoked_at"], when)
        # Code signing: CSBR 7.2.2, the invalidity date back-dates the revocation.
        s, _ = issue(self.ca, self.tmp, "code-signing")
        when = show(self.ca, s)["not_before"]
        casc("revoke", s, "--reason", "keyCompromise", "--invalidity-date", when, ca=self.ca,
             check=True)
        rec = show(self.ca, s)
        self.assertEqual(rec["revoked_at"], when)
        self.assertEqual(rec["invalidity_date"], when)
        # Not in the future.
        s, _ = issue(self.ca, self.tmp)
        proc = casc("revoke", s, "--invalidity-date", "2999-01-01T00:00:00Z", ca=self.ca)
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(show(self.ca, s)["status"], "valid")

    def test_mixed_batch_reports_each(self):
        s1, _ = issue(self.ca, self.tmp)
        s2, _ = issue(self.ca, self.tmp)
        casc("revoke", s2, ca=self.ca, check=True)
        proc = casc("revoke", s1, s2, "DEADBEEF", ca=self.ca)
        self.assertEqual(proc.returncode, 2)  # the unknown serial outranks the refusal
        self.assertEqual(proc.stdout.count("revoked "), 1)
        self.assertIn("already revoked", proc.stderr)
        self.assertIn("DEADBEEF", proc.stderr)
        self.assertEqual(show(self.ca, s1)["status"], "revoked")


def chain_hash(prev, seq, t, op, details):
    return hashlib.sha256(prev + struct.pack(">QQ", seq, t) + op.encode() + b"\0" +
                          details.encode()).digest()


class TestAudit(CascTestCase):
    def fresh(self, name):
        ca = self.path(name)
        casc("init", ca=ca, check=True)
        for _ in range(3):
            s, _ = issue(ca, self.tmp)
        casc("revoke", s, ca=ca, check=True)
        self.assertEqual(casc("audit", "verify", ca=ca).returncode, 0)
        return ca

    def tamper(self, ca, *sql):
        con = sqlite3.connect(os.path.join(ca, "casc.db"))
        con.execute("DROP TRIGGER audit_log_no_update")
        con.execute("DROP TRIGGER audit_log_no_delete")
        for q in sql:
            con.execute(q)
        con.commit()
        con.close()

    def assert_detected(self, ca, *needles):
        proc = casc("audit", "verify", ca=ca)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        for n in needles:
            self.assertIn(n, proc.stderr)
        proc = casc("audit", "verify", "--json", ca=ca)
        self.assertEqual(proc.returncode, 1)
        self.assertFalse(json.loads(proc.stdout)["intact"])

    def test_intact_log_and_json(self):
        ca = self.fresh("intact")
        proc = casc("audit", "verify", "--json", ca=ca, check=True)
        report = json.loads(proc.stdout)
        self.assertTrue(report["intact"])
        self.assertEqual(report["entries"], report["checkpoint_seq"])
        # init + 3 CAs + 4 responders/TSA + 3 issued + 1 revoked
        self.assertEqual(report["entries"], 12)

    def test_triggers_refuse_edits(self):
        ca = self.fresh("triggers")
        con = sqlite3.connect(os.path.join(ca, "casc.db"))
        with self.assertRaises(sqlite3.DatabaseError):
            con.execute("UPDATE audit_log SET op='x' WHERE seq=1")
        with self.assertRaises(sqlite3.DatabaseError):
            con.execute("DELETE FROM audit_log WHERE seq=1")
        con.close()

    def test_edited_entry(self):
        ca = self.fresh("edited")
        self.tamper(ca, "UPDATE audit_log SET details = replace(details, 'r', 'R') WHERE seq = 10")
        self.assert_detected(ca, "entry 10", "edited")

    def test_removed_entry(self):
        ca = self.fresh("removed")
        self.tamper(ca, "DELETE FROM audit_log WHERE seq = 5")
        self.assert_detected(ca, "removed or reordered")

    def test_reordered_entries(self):
        ca = self.fresh("reordered")
        self.tamper(ca, "UPDATE audit_log SET seq = 100 WHERE seq = 9",
                    "UPDATE audit_log SET seq = 9 WHERE seq = 10",
                    "UPDATE audit_log SET seq = 10 WHERE seq = 100")
        self.assert_detected(ca)

    def test_cut_tail(self):
        ca = self.fresh("tail")
        self.tamper(ca, "DELETE FROM audit_log WHERE seq = 12")
        self.assert_detected(ca, "removed from the end")

    def test_recomputed_chain(self):
        # An attacker without the audit key edits an entry and recomputes
        # every hash after it: the chain is consistent, the checkpoint is not.
        ca = self.fresh("rechained")
        self.tamper(ca, "UPDATE audit_log SET details = replace(details, 'r', 'R') WHERE seq = 10")
        con = sqlite3.connect(os.path.join(ca, "casc.db"))
        prev = b"\0" * 32
        rows = con.execute("SELECT seq, time, op, details FROM audit_log ORDER BY seq").fetchall()
        for seq, t, op, details in rows:
            prev = chain_hash(prev, seq, t, op, details)
            con.execute("UPDATE audit_log SET hash=? WHERE seq=?", (prev, seq))
        con.commit()
        con.close()
        self.assert_detected(ca, "rewritten")
        # A later command does not bless the rewritten log with a new checkpoint.
        proc = casc("issue", "--profile", "tls-server", "--dns", "later.example.com",
                    "--key-out", self.path("later.key"), ca=ca)
        self.assertIn("audit checkpoint not updated", proc.stderr)
        self.assert_detected(ca, "rewritten")

    def test_forged_tail_entry(self):
        # A chained entry appended after the checkpoint by someone without
        # the audit key: its hash links, but it carries no valid signature.
        ca = self.fresh("forged-tail")
        con = sqlite3.connect(os.path.join(ca, "casc.db"))
        seq, prev = con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        details = '{"serial":"FORGED"}'
        h = chain_hash(prev, seq + 1, 1800000000, "revoke", details)
        con.execute("INSERT INTO audit_log (seq, time, op, details, hash) VALUES (?,?,?,?,?)",
                    (seq + 1, 1800000000, "revoke", details, h))
        con.commit()
        con.close()
        self.assert_detected(ca, f"entry {seq + 1}", "not signed")
        # the next command does not sign over it
        proc = casc("issue", "--profile", "tls-server", "--dns", "after.example.com",
                    "--key-out", self.path("after.key"), ca=ca)
        self.assertIn("audit checkpoint not updated", proc.stderr)
        self.assert_detected(ca, "not signed")

    def test_python_recomputation_matches(self):
        # The documented chain formula is what casc computes.
        ca = self.fresh("formula")
        con = sqlite3.connect(f"file:{ca}/casc.db?mode=ro", uri=True)
        prev = b"\0" * 32
        for seq, t, op, details, h in con.execute(
                "SELECT seq, time, op, details, hash FROM audit_log ORDER BY seq"):
            prev = chain_hash(prev, seq, t, op, details)
            self.assertEqual(prev, h, f"entry {seq}")
        con.close()

    def test_checkpoint_missing_or_forged(self):
        ca = self.fresh("checkpoint")
        cp = os.path.join(ca, "audit.checkpoint")
        shutil.copy(cp, cp + ".bak")
        with open(cp) as f:
            text = f.read()
        with open(cp, "w") as f:
            f.write(text.replace("seq: 12", "seq: 11"))
        self.assert_detected(ca, "signature")
        os.remove(cp)
        self.assert_detected(ca, "missing")
        shutil.copy(cp + ".bak", cp)
        self.assertEqual(casc("audit", "verify", ca=ca).returncode, 0)

    def test_failed_commands_add_nothing(self):
        ca = self.fresh("failed")
        con = sqlite3.connect(f"file:{ca}/casc.db?mode=ro", uri=True)
        (before,) = con.execute("SELECT count(*) FROM audit_log").fetchone()
        casc("issue", "--profile", "tls-server", "--dns", "localhost", "--key-out",
             self.path("f.key"), ca=ca)
        casc("revoke", "ABCDEF", ca=ca)
        (after,) = con.execute("SELECT count(*) FROM audit_log").fetchone()
        con.close()
        self.assertEqual(before, after)


if __name__ == "__main__":
    unittest.main(verbosity=2)
