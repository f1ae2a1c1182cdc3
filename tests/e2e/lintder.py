"""A tiny DER writer and certificate builder for the lint tests.

casc refuses to sign what breaks a rule, and Python cryptography refuses to
build most broken certificates, so the lint tests write the TBSCertificate
byte by byte here and sign it with a real key (cryptography): every field
can be replaced by arbitrary bytes, the encoding faults included."""
import datetime

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec


def length(n, long_form=False):
    if n < 0x80 and not long_form:
        return bytes([n])
    b = n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content, long_form=False):
    return bytes([tag]) + length(len(content), long_form) + content


def seq(*items):
    return tlv(0x30, b"".join(items))


def set_(*items):
    return tlv(0x31, b"".join(items))


def oid(dotted):
    parts = [int(x) for x in dotted.split(".")]
    out = bytearray([parts[0] * 40 + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.append(0x80 | (p & 0x7F))
            p >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, bytes(out))


def integer(v):
    if isinstance(v, bytes):
        return tlv(0x02, v)
    n = max(1, (v.bit_length() + 8) // 8)
    return tlv(0x02, v.to_bytes(n, "big", signed=True))


def boolean(v):
    return tlv(0x01, b"\xff" if v else b"\x00")


def octets(b):
    return tlv(0x04, b)


def bitstring(b, unused=0):
    return tlv(0x03, bytes([unused]) + b)


def null():
    return b"\x05\x00"


def utf8(s):
    return tlv(0x0C, s.encode() if isinstance(s, str) else s)


def printable(s):
    return tlv(0x13, s.encode() if isinstance(s, str) else s)


def ia5(s):
    return tlv(0x16, s.encode() if isinstance(s, str) else s)


def utctime(s):
    return tlv(0x17, s.encode())


def gentime(s):
    return tlv(0x18, s.encode())


def ctx(n, content, constructed=False):
    return tlv((0xA0 if constructed else 0x80) | n, content)


CN, O, OU, C, L, ST = "2.5.4.3", "2.5.4.10", "2.5.4.11", "2.5.4.6", "2.5.4.7", "2.5.4.8"
SERIAL, POSTAL, EMAIL, TITLE, GIVEN, SURNAME = ("2.5.4.5", "2.5.4.17", "1.2.840.113549.1.9.1",
                                                 "2.5.4.12", "2.5.4.42", "2.5.4.4")
DC = "0.9.2342.19200300.100.1.25"


def atv(type_oid, value_tlv):
    return seq(oid(type_oid), value_tlv)


def name(*atvs):
    """name((CN, utf8("x")), ...): one RDN per attribute."""
    return seq(*[set_(atv(t, v)) for t, v in atvs])


ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"))
ECDSA_SHA384 = seq(oid("1.2.840.10045.4.3.3"))

# extension OIDs
BC, KU, EKU, SAN, IAN = "2.5.29.19", "2.5.29.15", "2.5.29.37", "2.5.29.17", "2.5.29.18"
AKI, SKI, CRLDP, CP, PM, NC = "2.5.29.35", "2.5.29.14", "2.5.29.31", "2.5.29.32", "2.5.29.33", "2.5.29.30"
PC, IAP, FRESHEST, SDA = "2.5.29.36", "2.5.29.54", "2.5.29.46", "2.5.29.9"
AIA, SIA = "1.3.6.1.5.5.7.1.1", "1.3.6.1.5.5.7.1.11"
POISON, SCT = "1.3.6.1.4.1.11129.2.4.3", "1.3.6.1.4.1.11129.2.4.2"
NOCHECK, CRLNUM = "1.3.6.1.5.5.7.48.1.5", "2.5.29.20"
SERVER_AUTH, ANY_EKU, OCSP_SIGNING = "1.3.6.1.5.5.7.3.1", "2.5.29.37.0", "1.3.6.1.5.5.7.3.9"
ANY_POLICY, BR_DV = "2.5.29.32.0", "2.23.140.1.2.1"
QT_CPS, QT_UNOTICE = "1.3.6.1.5.5.7.2.1", "1.3.6.1.5.5.7.2.2"
AD_OCSP, AD_CA_ISSUERS = "1.3.6.1.5.5.7.48.1", "1.3.6.1.5.5.7.48.2"


def ext(ext_oid, value, critical=None):
    """An Extension; critical None leaves the BOOLEAN out (DEFAULT FALSE)."""
    parts = [oid(ext_oid)]
    if critical is not None:
        parts.append(boolean(critical))
    parts.append(octets(value))
    return seq(*parts)


def dns(s):
    return ctx(2, s.encode() if isinstance(s, str) else s)


def uri(s):
    return ctx(6, s.encode() if isinstance(s, str) else s)


def ku_bits(*bits):
    """KeyUsage BIT STRING value (minimal, DER) with the given bit numbers set."""
    if not bits:
        return bitstring(b"")
    top = max(bits)
    nbytes = top // 8 + 1
    v = bytearray(nbytes)
    for b in bits:
        v[b // 8] |= 0x80 >> (b % 8)
    return bitstring(bytes(v), 7 - top % 8)


_KEYS = {}


def key(curve="p256"):
    if curve not in _KEYS:
        _KEYS[curve] = ec.generate_private_key(ec.SECP256R1())
    return _KEYS[curve]


def spki_of(k):
    return k.public_key().public_bytes(serialization.Encoding.DER,
                                       serialization.PublicFormat.SubjectPublicKeyInfo)


class Cert:
    """The fields of a certificate as DER bytes; every one may be replaced.
    ca=True gives a subordinate CA, else a TLS subscriber certificate."""

    def __init__(self, ca=False):
        self.signer = key()
        self.version = ctx(0, integer(2), constructed=True)
        self.serial = integer(0x1234567890ABCDEF)
        self.sig_inner = ECDSA_SHA256
        self.sig_outer = ECDSA_SHA256
        self.issuer = name((C, printable("US")), (O, utf8("casc test")), (CN, utf8("casc Test CA")))
        self.not_before = utctime("250101000000Z")
        self.not_after = utctime("250401000000Z")
        self.spki = spki_of(key())
        self.issuer_uid = b""
        self.subject_uid = b""
        self.trailing = b""
        self.signature = None
        aki = ext(AKI, seq(ctx(0, b"\x01" * 20)))
        ski = ext(SKI, octets(b"\x02" * 20))
        if ca:
            self.subject = name((C, printable("US")), (O, utf8("casc test")), (CN, utf8("casc Sub CA")))
            self.exts = [
                ext(BC, seq(boolean(True), integer(0)), True),
                ext(KU, ku_bits(0, 5, 6), True),
                ski, aki,
                ext(CP, seq(seq(oid(ANY_POLICY)))),
            ]
        else:
            self.subject = name((CN, utf8("www.example.com")))
            self.exts = [
                ext(KU, ku_bits(0), True),
                ext(EKU, seq(oid(SERVER_AUTH))),
                ext(BC, seq(), True),
                ski, aki,
                ext(SAN, seq(dns("www.example.com"), dns("example.com"))),
                ext(CP, seq(seq(oid(BR_DV)))),
                ext(AIA, seq(seq(oid(AD_OCSP), uri("http://ocsp.example.com")),
                             seq(oid(AD_CA_ISSUERS), uri("http://ca.example.com/ca.crt")))),
                ext(CRLDP, seq(seq(ctx(0, ctx(0, uri("http://crl.example.com/1.crl"),
                                               constructed=True), constructed=True)))),
            ]

    def replace_ext(self, ext_oid, new):
        """Replaces (new bytes) or removes (None) the extension of that OID."""
        enc = oid(ext_oid)
        out = []
        for e in self.exts:
            if e[2:2 + len(enc)] == enc or e[3:3 + len(enc)] == enc:
                if new is not None:
                    out.append(new)
            else:
                out.append(e)
        self.exts = out
        return self

    def tbs(self):
        parts = [self.version, self.serial, self.sig_inner, self.issuer,
                 seq(self.not_before, self.not_after), self.subject, self.spki]
        if self.issuer_uid:
            parts.append(self.issuer_uid)
        if self.subject_uid:
            parts.append(self.subject_uid)
        if self.exts is not None:
            parts.append(ctx(3, seq(*self.exts), constructed=True))
        return seq(*parts)

    def der(self):
        tbs = self.tbs()
        sig = self.signature
        if sig is None:
            sig = bitstring(self.signer.sign(tbs, ec.ECDSA(hashes.SHA256())))
        return seq(tbs, self.sig_outer, sig) + self.trailing
