"""Peers for the OCSP client tests: a real `casc serve` on a free 127.0.0.1
port, and a small OCSP responder (http.server in a thread) whose answers
each test crafts with Python cryptography or `openssl ocsp`, to produce the
bad responses a real responder never sends: wrong key, wrong nonce,
mismatched CertID, expired, tryLater, garbage."""
import datetime
import http.server
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SANITIZE = os.environ.get("CASC_SANITIZE", "").lower() in ("1", "on", "true", "yes")
SLOW = 4 if SANITIZE else 1
SANITIZER_MARKS = (b"AddressSanitizer", b"LeakSanitizer", b"runtime error:")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens."""
    return "http://127.0.0.1:%d/ocsp" % free_port()


def load_cert(path):
    with open(path, "rb") as f:
        data = f.read()
    return x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data \
        else x509.load_der_x509_certificate(data)


def load_key(path):
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


class Serve:
    """casc serve on a free port; stop() kills it by PID and checks that it
    exited cleanly."""

    def __init__(self, casc_bin, ca, port, errpath):
        self.errpath = errpath
        self.url = "http://127.0.0.1:%d" % port
        with open(errpath, "wb") as err:
            self.proc = subprocess.Popen(
                [casc_bin, "--dir", ca, "serve", "--listen", "127.0.0.1:%d" % port,
                 "--threads", "1"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=err)
        deadline = time.monotonic() + 30 * SLOW
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                with open(errpath, "rb") as f:
                    raise AssertionError("casc serve exited: %r" % f.read())
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("casc serve did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30 * SLOW)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        with open(self.errpath, "rb") as f:
            err = f.read()
        if any(m in err for m in SANITIZER_MARKS):
            raise AssertionError("casc serve: %r" % err)


class FakeResponder:
    """Answers every GET /.../<b64> and POST with answer(method, path,
    request_der) -> (http_status, body, content_type)."""

    def __init__(self, answer):
        self.answer = answer
        self.requests = []  # (method, path, der)
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def reply(self, method, der):
                outer.requests.append((method, self.path, der))
                status, body, ctype = outer.answer(method, self.path, der)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                import base64
                import urllib.parse
                b64 = urllib.parse.unquote(self.path.rsplit("/", 1)[-1])
                try:
                    der = base64.b64decode(b64)
                except Exception:
                    der = b""
                self.reply("GET", der)

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                self.reply("POST", self.rfile.read(n))

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = "http://127.0.0.1:%d/ocsp" % self.port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def now():
    return datetime.datetime.utcnow().replace(microsecond=0)


def request_nonce(der):
    req = ocsp.load_der_ocsp_request(der)
    try:
        return req.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
    except x509.ExtensionNotFound:
        return None


def request_hash(der):
    return ocsp.load_der_ocsp_request(der).hash_algorithm


def make_response(cert, issuer, signer_cert, signer_key, status="good", this_update=None,
                  next_update="default", nonce=None, hash_alg=None, include=True,
                  reason=None, revoked_at=None, responder_by_key=True):
    """A DER OCSPResponse, signed by signer_key, about cert."""
    tu = this_update or now() - datetime.timedelta(minutes=1)
    nu = tu + datetime.timedelta(days=1) if next_update == "default" else next_update
    st = {"good": ocsp.OCSPCertStatus.GOOD, "revoked": ocsp.OCSPCertStatus.REVOKED,
          "unknown": ocsp.OCSPCertStatus.UNKNOWN}[status]
    b = ocsp.OCSPResponseBuilder().add_response(
        cert=cert, issuer=issuer, algorithm=hash_alg or hashes.SHA1(), cert_status=st,
        this_update=tu, next_update=nu,
        revocation_time=(revoked_at or tu) if status == "revoked" else None,
        revocation_reason=reason if status == "revoked" else None)
    b = b.responder_id(ocsp.OCSPResponderEncoding.HASH if responder_by_key
                       else ocsp.OCSPResponderEncoding.NAME, signer_cert)
    if include:
        b = b.certificates([signer_cert])
    if nonce is not None:
        b = b.add_extension(x509.OCSPNonce(nonce), critical=False)
    return b.sign(signer_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def make_cert(subject_cn, issuer_cert, issuer_key, ocsp_signing=True, days=30, key=None):
    """A certificate for subject_cn signed by issuer_key (issuer_cert None:
    self-signed); returns (cert, key)."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_cn)])
    b = (x509.CertificateBuilder().subject_name(name)
         .issuer_name(issuer_cert.subject if issuer_cert is not None else name)
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(now() - datetime.timedelta(days=1))
         .not_valid_after(now() + datetime.timedelta(days=days)))
    if ocsp_signing:
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]),
                            critical=False)
    cert = b.sign(issuer_key if issuer_key is not None else key, hashes.SHA256())
    return cert, key


def der_of(cert):
    return cert.public_bytes(serialization.Encoding.DER)


def pem_of(cert):
    return cert.public_bytes(serialization.Encoding.PEM)
