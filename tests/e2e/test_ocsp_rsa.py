#!/usr/bin/env python3
"""Presigned OCSP responses from RSA responders (the template encoder's RSA
path): a CA made with --key-type rsa-2048 has RSA 2048 and, on the code
signing side, RSA 3072 responders (CSBR 6.1.5). Each stored response must
verify with openssl and Python cryptography."""
import os
import sqlite3
import unittest

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509 import ocsp

from casctest import CascTestCase, casc, run


class RsaResponders(CascTestCase):
    def stored_response(self, ca, cert):
        serial = run("openssl", "x509", "-noout", "-serial", "-in", cert).stdout
        con = sqlite3.connect(os.path.join(ca, "casc.db"))
        try:
            row = con.execute("SELECT der FROM ocsp_responses WHERE serial = ?",
                              (serial.strip().split("=")[1],)).fetchone()
        finally:
            con.close()
        self.assertIsNotNone(row, cert)
        return row[0]

    def test_rsa_presigned_responses_verify(self):
        ca = self.path("ca")
        casc("init", "--key-type", "rsa-2048", ca=ca, check=True)
        tls, cs = self.path("tls.pem"), self.path("cs.pem")
        casc("issue", "--profile", "tls-server", "--dns", "rsa.casc-test.com", "-o", tls,
             "--key-out", self.path("tls.key"), ca=ca, check=True)
        casc("issue", "--profile", "code-signing", "--subject",
             "CN=Code,O=Example Ltd,L=Berlin,C=DE", "--key-type", "rsa-3072", "-o", cs,
             "--key-out", self.path("cs.key"), ca=ca, check=True)
        casc("revoke", "--cert", cs, "--reason", "keyCompromise", ca=ca, check=True)
        casc("ocsp", "presign", ca=ca, check=True)
        certs = os.path.join(ca, "certs")
        for cert, issuer, bits, want in ((tls, "issuing-ca", 2048, "good"),
                                         (cs, "code-signing-ca", 3072, "revoked")):
            with self.subTest(issuer=issuer):
                der = self.stored_response(ca, cert)
                path = cert + ".resp"
                with open(path, "wb") as f:
                    f.write(der)
                p = run("openssl", "ocsp", "-respin", path, "-CAfile",
                        os.path.join(certs, "root-ca.pem"), "-verify_other",
                        os.path.join(certs, issuer + ".pem"), "-issuer",
                        os.path.join(certs, issuer + ".pem"), "-cert", cert)
                self.assertIn("Response verify OK", p.stderr)
                self.assertIn("%s: %s" % (cert, want), p.stdout)
                r = ocsp.load_der_ocsp_response(der)
                signer = r.certificates[0]
                self.assertEqual(signer.public_key().key_size, bits)
                signer.public_key().verify(r.signature, r.tbs_response_bytes,
                                           padding.PKCS1v15(), r.signature_hash_algorithm)


if __name__ == "__main__":
    unittest.main()
