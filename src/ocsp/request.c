/* OCSP requests from the network: the GET form's URL decoding and the DER
 * parse. Everything here sees attacker-controlled bytes; fuzz/
 * fuzz_ocsp_request.c drives both functions. */
#include "casc/ocsp.h"

#include "casc/der.h"

#include <openssl/objects.h>
#include <string.h>

/* --- GET: percent-decoding, then base64 ---------------------------------- */

static int hexval(unsigned char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* The standard alphabet (RFC 4648 4) and, because some clients put the
 * request into a URL without escaping it properly anyway, the URL-safe one
 * (5): the two do not overlap, so accepting both is unambiguous. A table:
 * every GET request goes through here. Entries hold value + 1; 0 is not
 * base64. */
static const unsigned char b64_table[256] = {
    ['A'] = 1,  ['B'] = 2,  ['C'] = 3,  ['D'] = 4,  ['E'] = 5,  ['F'] = 6,  ['G'] = 7,
    ['H'] = 8,  ['I'] = 9,  ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14,
    ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21,
    ['V'] = 22, ['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28,
    ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35,
    ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
    ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49,
    ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
    ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63,
    ['-'] = 63, ['/'] = 64, ['_'] = 64,
};

static int b64val(unsigned char c) { return (int)b64_table[c] - 1; }

casc_err casc_ocsp_request_from_url(const char *s, size_t len, unsigned char *out,
                                    size_t out_max, size_t *out_len, casc_error *e) {
  uint32_t acc = 0;
  int bits = 0, pad = 0;
  size_t n = 0;
  casc_err rc = CASC_OK;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '%') {
      int hi = i + 2 < len ? hexval((unsigned char)s[i + 1]) : -1;
      int lo = i + 2 < len ? hexval((unsigned char)s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        rc = casc_error_set(e, CASC_ERR_PARSE, "OCSP GET: bad percent-encoding");
        goto out;
      }
      c = (unsigned char)(hi << 4 | lo);
      i += 2;
    }
    if (c == '=') {
      pad++;
      continue;
    }
    int v = b64val(c);
    /* nothing may follow padding */
    if (v < 0 || pad > 0) {
      rc = casc_error_set(e, CASC_ERR_PARSE, "OCSP GET: not base64");
      goto out;
    }
    acc = acc << 6 | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n == out_max) {
        rc = casc_error_set(e, CASC_ERR_PARSE, "OCSP GET: request longer than %zu bytes",
                            out_max);
        goto out;
      }
      out[n++] = (unsigned char)(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  /* Leftover bits must be the zero padding of a final group: 2 or 4 of
   * them, with 2 or 1 '=' (or none: unpadded base64 is common in URLs). A
   * lone sixth of a group (6 bits) cannot be an encoding of anything. */
  bool ok = n > 0 && acc == 0 &&
            ((bits == 0 && pad == 0) || (bits == 4 && (pad == 0 || pad == 2)) ||
             (bits == 2 && (pad == 0 || pad == 1)));
  if (!ok) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "OCSP GET: not base64");
    goto out;
  }
  *out_len = n;
out:
  return rc;
}

/* --- the DER request ---------------------------------------------------------- */
/* Read with the strict DER reader, not d2i_OCSP_REQUEST: that one builds an
 * object tree per request and was a tenth of casc serve's CPU under load
 * (perf, bench/ocsp.sh). Only what an answer needs is taken out. */

/* The contents octets of the OIDs compared against. */
static const unsigned char OID_SHA1[] = {0x2b, 0x0e, 0x03, 0x02, 0x1a};
static const unsigned char OID_SHA256[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
static const unsigned char OID_NONCE[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02};

static bool oid_is(const casc_der_tlv_t *t, const unsigned char *oid, size_t n) {
  return t->len == n && memcmp(t->val, oid, n) == 0;
}

static casc_err bad(casc_error *e, const char *what) {
  return casc_error_set(e, CASC_ERR_PARSE, "OCSP request: %s", what);
}

/* Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, the contents of an
 * [n] EXPLICIT wrapper. A critical extension this responder does not
 * understand cannot be honoured: the request is refused rather than half
 * answered. The nonce (RFC 9654: an OCTET STRING of 1 to 32 octets inside
 * extnValue) is taken out when out is not NULL, i.e. in requestExtensions. */
static casc_err parse_extensions(const casc_der_tlv_t *wrapper, casc_ocsp_request *out,
                                 casc_error *e) {
  const unsigned char *p = wrapper->val;
  size_t left = wrapper->len;
  casc_der_tlv_t seq, ext, oid, v;
  casc_error ignored = {0};
  if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &seq, &ignored) != CASC_OK || left != 0 ||
      seq.len == 0)
    return bad(e, "malformed extensions");
  p = seq.val;
  left = seq.len;
  while (left > 0) {
    if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &ext, &ignored) != CASC_OK)
      return bad(e, "malformed extension");
    const unsigned char *q = ext.val;
    size_t qleft = ext.len;
    bool critical = false;
    if (casc_der_expect(&q, &qleft, CASC_DER_OID, &oid, &ignored) != CASC_OK ||
        casc_der_next(&q, &qleft, &v, &ignored) != CASC_OK)
      return bad(e, "malformed extension");
    if (v.tag == CASC_DER_BOOLEAN) {
      if (v.len != 1 || (v.val[0] != 0x00 && v.val[0] != 0xff))
        return bad(e, "malformed extension");
      critical = v.val[0] == 0xff;
      if (casc_der_next(&q, &qleft, &v, &ignored) != CASC_OK)
        return bad(e, "malformed extension");
    }
    if (v.tag != CASC_DER_OCTET_STRING || qleft != 0)
      return bad(e, "malformed extension");
    bool nonce = out != NULL && oid_is(&oid, OID_NONCE, sizeof OID_NONCE);
    if (!nonce) {
      if (critical)
        return bad(e, "a critical extension this responder does not understand");
      continue;
    }
    if (out->has_nonce)
      return bad(e, "two nonce extensions");
    const unsigned char *n = v.val;
    size_t nleft = v.len;
    casc_der_tlv_t inner;
    if (casc_der_expect(&n, &nleft, CASC_DER_OCTET_STRING, &inner, &ignored) != CASC_OK ||
        nleft != 0)
      return bad(e, "the nonce is not an OCTET STRING");
    if (inner.len < 1 || inner.len > CASC_OCSP_NONCE_MAX)
      return casc_error_set(e, CASC_ERR_PARSE,
                            "OCSP request: a nonce of %zu octets (RFC 9654: 1 to %d)", inner.len,
                            CASC_OCSP_NONCE_MAX);
    memcpy(out->nonce, inner.val, inner.len);
    out->nonce_len = inner.len;
    out->has_nonce = true;
  }
  return CASC_OK;
}

/* CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash
 * OCTET STRING, issuerKeyHash OCTET STRING, serialNumber INTEGER }. */
static casc_err parse_cert_id(const casc_der_tlv_t *cid, casc_ocsp_request *out,
                              casc_error *e) {
  const unsigned char *p = cid->val, *a;
  size_t left = cid->len, aleft;
  casc_der_tlv_t alg, oid, params, name, key, serial;
  casc_error ignored = {0};
  if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &alg, &ignored) != CASC_OK ||
      casc_der_expect(&p, &left, CASC_DER_OCTET_STRING, &name, &ignored) != CASC_OK ||
      casc_der_expect(&p, &left, CASC_DER_OCTET_STRING, &key, &ignored) != CASC_OK ||
      casc_der_expect(&p, &left, CASC_DER_INTEGER, &serial, &ignored) != CASC_OK || left != 0)
    return bad(e, "unreadable CertID");
  a = alg.val;
  aleft = alg.len;
  if (casc_der_expect(&a, &aleft, CASC_DER_OID, &oid, &ignored) != CASC_OK)
    return bad(e, "unreadable CertID");
  /* parameters: absent or NULL, both seen in the wild */
  if (aleft > 0 && (casc_der_expect(&a, &aleft, CASC_DER_NULL, &params, &ignored) != CASC_OK ||
                    params.len != 0 || aleft != 0))
    return bad(e, "CertID hash algorithm with parameters");
  if (oid_is(&oid, OID_SHA1, sizeof OID_SHA1)) {
    out->hash_nid = NID_sha1;
    out->hash_len = 20;
  } else if (oid_is(&oid, OID_SHA256, sizeof OID_SHA256)) {
    out->hash_nid = NID_sha256;
    out->hash_len = 32;
  } else {
    return bad(e, "CertID hash algorithm other than SHA-1 and SHA-256");
  }
  if (name.len != out->hash_len || key.len != out->hash_len)
    return casc_error_set(e, CASC_ERR_PARSE,
                          "OCSP request: CertID hashes of %zu and %zu octets where %s has %zu",
                          name.len, key.len, OBJ_nid2sn(out->hash_nid), out->hash_len);
  /* The serial's magnitude, as the store keys it: the sign octet of a DER
   * INTEGER dropped; negative and zero serials are no certificate's. */
  const unsigned char *mag = serial.val;
  size_t mag_len = serial.len;
  if (casc_der_check_integer(serial.val, serial.len, &ignored) != CASC_OK || (mag[0] & 0x80))
    mag_len = 0;
  else if (mag[0] == 0)
    mag++, mag_len--;
  if (mag_len < 1 || mag_len > CASC_OCSP_SERIAL_MAX)
    return casc_error_set(e, CASC_ERR_PARSE,
                          "OCSP request: serial number negative, zero or longer than %d octets",
                          CASC_OCSP_SERIAL_MAX);
  memcpy(out->name_hash, name.val, name.len);
  memcpy(out->key_hash, key.val, key.len);
  memcpy(out->serial, mag, mag_len);
  out->serial_len = mag_len;
  return CASC_OK;
}

/* Request ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0]
 * EXPLICIT Extensions OPTIONAL }. Only the first is read whole (RFC 5019
 * 2.1.1); the others must still be well-formed. */
static casc_err parse_single(const casc_der_tlv_t *req, casc_ocsp_request *out, bool first,
                             casc_error *e) {
  const unsigned char *p = req->val;
  size_t left = req->len;
  casc_der_tlv_t cid, ext;
  casc_error ignored = {0};
  bool has_ext = false;
  if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &cid, &ignored) != CASC_OK)
    return bad(e, "unreadable CertID");
  if (left > 0) {
    if (casc_der_expect(&p, &left, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0, &ext,
                        &ignored) != CASC_OK ||
        left != 0)
      return bad(e, "malformed single request");
    has_ext = true;
  }
  if (!first)
    return CASC_OK;
  casc_err rc = parse_cert_id(&cid, out, e);
  if (rc == CASC_OK && has_ext)
    rc = parse_extensions(&ext, NULL, e);
  return rc;
}

/* TBSRequest ::= SEQUENCE { version [0] EXPLICIT INTEGER DEFAULT v1,
 * requestorName [1] EXPLICIT GeneralName OPTIONAL, requestList SEQUENCE OF
 * Request, requestExtensions [2] EXPLICIT Extensions OPTIONAL }. */
static casc_err parse_tbs(const casc_der_tlv_t *tbs, casc_ocsp_request *out, casc_error *e) {
  const unsigned char *p = tbs->val;
  size_t left = tbs->len;
  casc_der_tlv_t t, list, req;
  casc_error ignored = {0};
  casc_err rc = CASC_OK;
  if (casc_der_next(&p, &left, &t, &ignored) != CASC_OK)
    return bad(e, "unreadable tbsRequest");
  if (t.tag == (CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0)) {
    /* v1 written out (it is the DEFAULT) is accepted: clients do it */
    if (t.len != 3 || memcmp(t.val, "\x02\x01\x00", 3) != 0)
      return bad(e, "a version other than v1");
    if (casc_der_next(&p, &left, &t, &ignored) != CASC_OK)
      return bad(e, "unreadable tbsRequest");
  }
  if (t.tag == (CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 1) &&
      casc_der_next(&p, &left, &t, &ignored) != CASC_OK)
    return bad(e, "unreadable tbsRequest");
  if (t.tag != CASC_DER_SEQUENCE)
    return bad(e, "no requestList");
  list = t;
  if (left > 0) {
    if (casc_der_expect(&p, &left, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 2, &t, &ignored) !=
            CASC_OK ||
        left != 0)
      return bad(e, "malformed tbsRequest");
    if ((rc = parse_extensions(&t, out, e)) != CASC_OK)
      return rc;
  }
  p = list.val;
  left = list.len;
  while (left > 0 && rc == CASC_OK) {
    if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &req, &ignored) != CASC_OK)
      return bad(e, "malformed requestList");
    rc = parse_single(&req, out, out->n_requests == 0, e);
    out->n_requests++;
  }
  if (rc == CASC_OK && out->n_requests == 0)
    rc = bad(e, "no certificate asked about");
  return rc;
}

casc_err casc_ocsp_request_parse(const unsigned char *der, size_t len, casc_ocsp_request *out,
                                 casc_error *e) {
  const unsigned char *p = der;
  size_t left = len;
  casc_der_tlv_t top, tbs, sig;
  casc_error ignored = {0};
  casc_err rc = CASC_OK;
  memset(out, 0, sizeof *out);
  if (len == 0) {
    rc = bad(e, "empty");
    goto out;
  }
  if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &top, &ignored) != CASC_OK) {
    rc = bad(e, "not a DER OCSPRequest");
    goto out;
  }
  if (left != 0) {
    rc = bad(e, "trailing bytes");
    goto out;
  }
  p = top.val;
  left = top.len;
  /* optionalSignature [0] is read past: casc answers anyone */
  if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &tbs, &ignored) != CASC_OK ||
      (left > 0 &&
       (casc_der_expect(&p, &left, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0, &sig, &ignored) !=
            CASC_OK ||
        left != 0))) {
    rc = bad(e, "not a DER OCSPRequest");
    goto out;
  }
  rc = parse_tbs(&tbs, out, e);
out:
  if (rc != CASC_OK)
    memset(out, 0, sizeof *out);
  return rc;
}
