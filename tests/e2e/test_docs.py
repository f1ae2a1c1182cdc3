"""The man page and each command's --help name the same options."""
import os
import re
import unittest

from casctest import casc

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
COMMANDS = ["init", "issue", "revoke", "list", "show", "audit", "crl", "ocsp", "ocsp query",
            "serve", "check", "staple", "lint", "sign", "verify", "timestamp"]


class TestDocs(unittest.TestCase):
    def test_every_help_option_is_in_the_man_page(self):
        with open(os.path.join(ROOT, "docs", "casc.1")) as f:
            man = f.read().replace("\\-", "-")
        for cmd in COMMANDS:
            with self.subTest(command=cmd):
                proc = casc(*cmd.split(), "--help")
                self.assertEqual(proc.returncode, 0)
                self.assertIn(f"casc [--dir DIR] {cmd}", proc.stdout)
                self.assertIn(f".B {cmd}", man)
                for opt in set(re.findall(r"--[a-z][a-z0-9-]*[a-z0-9]", proc.stdout)) - {"--dir", "--help"}:
                    self.assertTrue(opt in man, f"{cmd} {opt} is not in docs/casc.1")

    def test_top_level_help_lists_every_command(self):
        out = casc("--help").stdout
        for cmd in {c.split()[0] for c in COMMANDS}:
            self.assertRegex(out, rf"\n  {cmd} ")


if __name__ == "__main__":
    unittest.main(verbosity=2)
