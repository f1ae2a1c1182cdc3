"""Shared helpers for the end-to-end tests: they drive the real casc binary
(CASC_BIN) in temporary directories and check its work with real peers."""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

CASC = os.environ.get("CASC_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "check", "casc")
SANITIZED = os.environ.get("CASC_SANITIZE", "0") in ("1", "ON", "TRUE", "true")
KEY_TYPES = ["ec-p256", "ec-p384", "rsa-2048", "rsa-3072", "rsa-4096"]


def casc(*args, ca=None, input=None, check=False, timeout=300, env=None):
    """Runs casc [--dir ca] args...; returns the CompletedProcess."""
    cmd = [CASC] + (["--dir", ca] if ca else []) + list(args)
    proc = subprocess.run(cmd, input=input, capture_output=True, text=True,
                          timeout=timeout, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd} exited {proc.returncode}: {proc.stderr}")
    return proc


def run(*cmd, check=True, **kw):
    proc = subprocess.run(list(cmd), capture_output=True, text=True, timeout=300, **kw)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd} exited {proc.returncode}: {proc.stderr}{proc.stdout}")
    return proc


def faketime_env(when):
    """The environment that makes casc see `when` ("2027-04-01 12:00:00") as
    now, through libfaketime; casc itself takes no time override."""
    env = dict(os.environ)
    env["FAKETIME"] = "@" + when
    env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
    # ASan wants to be first in the link order; libfaketime is preloaded.
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
    lib = next((p for p in ["/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                            "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1"]
                if os.path.exists(p)), None)
    env["LD_PRELOAD"] = lib or ""
    return env


def as_nobody(ca, *args):
    """Runs casc as nobody on a CA directory it may read but not write: as
    root, permission bits would not bind."""
    for root, dirs, files in os.walk(ca):
        os.chmod(root, 0o755)
        for name in files:
            os.chmod(os.path.join(root, name), 0o644)
    parent = os.path.dirname(os.path.abspath(ca))
    os.chmod(parent, 0o755)
    cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
           os.path.abspath(CASC), "--dir", ca, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def db_snapshot(ca):
    """Everything in the database, read-only, as comparable text, plus the
    signed checkpoint: what a failed command must leave unchanged."""
    con = sqlite3.connect(f"file:{ca}/casc.db?mode=ro", uri=True)
    try:
        dump = "\n".join(con.iterdump())
    finally:
        con.close()
    with open(os.path.join(ca, "audit.checkpoint"), "rb") as f:
        checkpoint = f.read()
    return hashlib.sha256(dump.encode()).hexdigest(), checkpoint


class CascTestCase(unittest.TestCase):
    """Gives each test class a scratch directory, removed afterwards."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="casc-e2e-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def new_ca(self, name, *args):
        ca = self.path(name)
        casc("init", *args, ca=ca, check=True)
        return ca

    def assert_one_line_error(self, proc, status, *needles):
        self.assertEqual(proc.returncode, status, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, f"expected one line on stderr, got: {proc.stderr!r}")
        for n in needles:
            self.assertIn(n, lines[0])

    def issue_json(self, ca, *args):
        proc = casc("issue", "--json", *args, ca=ca, check=True)
        return json.loads(proc.stdout)
