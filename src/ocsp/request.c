/* OCSP requests from the network: the GET form's URL decoding and the DER
 * parse. Everything here sees attacker-controlled bytes; fuzz/
 * fuzz_ocsp_request.c drives both functions. */
#include "casc/ocsp.h"

#include <openssl/ocsp.h>
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
 * (5): the two do not overlap, so accepting both is unambiguous. */
static int b64val(unsigned char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+' || c == '-')
    return 62;
  if (c == '/' || c == '_')
    return 63;
  return -1;
}

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

/* A request's critical extension that the responder does not understand
 * cannot be honoured: refuse the request rather than ignore it. */
static bool unknown_critical(X509_EXTENSION *(*get)(void *, int), int (*count)(void *),
                             void *obj, bool nonce_ok) {
  for (int i = 0; i < count(obj); i++) {
    X509_EXTENSION *x = get(obj, i);
    int nid = OBJ_obj2nid(X509_EXTENSION_get_object(x));
    if (X509_EXTENSION_get_critical(x) && !(nonce_ok && nid == NID_id_pkix_OCSP_Nonce))
      return true;
  }
  return false;
}

/* Adapters with the same shape for the two extension lists. */
static X509_EXTENSION *req_ext(void *o, int i) { return OCSP_REQUEST_get_ext(o, i); }
static int req_count(void *o) { return OCSP_REQUEST_get_ext_count(o); }
static X509_EXTENSION *one_ext(void *o, int i) { return OCSP_ONEREQ_get_ext(o, i); }
static int one_count(void *o) { return OCSP_ONEREQ_get_ext_count(o); }

/* RFC 9654: the nonce extension's value is an OCTET STRING of 1 to 32
 * octets (inside the extnValue OCTET STRING). */
static casc_err parse_nonce(OCSP_REQUEST *req, casc_ocsp_request *out, casc_error *e) {
  int at = OCSP_REQUEST_get_ext_by_NID(req, NID_id_pkix_OCSP_Nonce, -1);
  ASN1_OCTET_STRING *inner = NULL;
  casc_err rc = CASC_OK;
  if (at < 0)
    goto out;
  if (OCSP_REQUEST_get_ext_by_NID(req, NID_id_pkix_OCSP_Nonce, at) >= 0) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "OCSP request: two nonce extensions");
    goto out;
  }
  X509_EXTENSION *x = OCSP_REQUEST_get_ext(req, at);
  const ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(x);
  const unsigned char *p = ASN1_STRING_get0_data(v);
  long vlen = ASN1_STRING_length(v);
  inner = d2i_ASN1_OCTET_STRING(NULL, &p, vlen);
  if (inner == NULL || p != ASN1_STRING_get0_data(v) + vlen) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "OCSP request: the nonce is not an OCTET STRING");
    goto out;
  }
  int n = ASN1_STRING_length(inner);
  if (n < 1 || n > CASC_OCSP_NONCE_MAX) {
    rc = casc_error_set(e, CASC_ERR_PARSE,
                        "OCSP request: a nonce of %d octets (RFC 9654: 1 to %d)", n,
                        CASC_OCSP_NONCE_MAX);
    goto out;
  }
  memcpy(out->nonce, ASN1_STRING_get0_data(inner), (size_t)n);
  out->nonce_len = (size_t)n;
  out->has_nonce = true;
out:
  ASN1_OCTET_STRING_free(inner);
  return rc;
}

casc_err casc_ocsp_request_parse(const unsigned char *der, size_t len, casc_ocsp_request *out,
                                 casc_error *e) {
  const unsigned char *p = der;
  OCSP_REQUEST *req = NULL;
  casc_err rc = CASC_OK;
  memset(out, 0, sizeof *out);
  if (len == 0 || len > 0x7fffffff) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "OCSP request: %s", len == 0 ? "empty" : "too long");
    goto out;
  }
  req = d2i_OCSP_REQUEST(NULL, &p, (long)len);
  if (req == NULL || p != der + len) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "OCSP request: %s",
                        req == NULL ? "not a DER OCSPRequest" : "trailing bytes");
    goto out;
  }
  int count = OCSP_request_onereq_count(req);
  if (count < 1) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "OCSP request: no certificate asked about");
    goto out;
  }
  out->n_requests = (size_t)count;
  OCSP_ONEREQ *one = OCSP_request_onereq_get0(req, 0);
  ASN1_OCTET_STRING *name_hash = NULL, *key_hash = NULL;
  ASN1_OBJECT *alg = NULL;
  ASN1_INTEGER *serial = NULL;
  if (one == NULL ||
      OCSP_id_get0_info(&name_hash, &alg, &key_hash, &serial, OCSP_onereq_get0_id(one)) != 1) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "OCSP request: unreadable CertID");
    goto out;
  }
  int nid = OBJ_obj2nid(alg);
  size_t want = nid == NID_sha1 ? 20 : nid == NID_sha256 ? 32 : 0;
  if (want == 0) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "OCSP request: CertID hash algorithm %s (SHA-1 or "
                        "SHA-256 only)", nid != NID_undef ? OBJ_nid2sn(nid) : "unknown");
    goto out;
  }
  if ((size_t)ASN1_STRING_length(name_hash) != want ||
      (size_t)ASN1_STRING_length(key_hash) != want) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "OCSP request: CertID hashes of %d and %d octets "
                        "where %s has %zu", ASN1_STRING_length(name_hash),
                        ASN1_STRING_length(key_hash), OBJ_nid2sn(nid), want);
    goto out;
  }
  int slen = ASN1_STRING_length(serial);
  if (ASN1_STRING_type(serial) != V_ASN1_INTEGER || slen < 1 || slen > CASC_OCSP_SERIAL_MAX) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "OCSP request: serial number negative, zero or "
                        "longer than %d octets", CASC_OCSP_SERIAL_MAX);
    goto out;
  }
  if (unknown_critical(req_ext, req_count, req, true) ||
      unknown_critical(one_ext, one_count, one, false)) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "OCSP request: a critical extension this responder "
                        "does not understand");
    goto out;
  }
  out->hash_nid = nid;
  out->hash_len = want;
  memcpy(out->name_hash, ASN1_STRING_get0_data(name_hash), want);
  memcpy(out->key_hash, ASN1_STRING_get0_data(key_hash), want);
  memcpy(out->serial, ASN1_STRING_get0_data(serial), (size_t)slen);
  out->serial_len = (size_t)slen;
  rc = parse_nonce(req, out, e);
out:
  OCSP_REQUEST_free(req);
  if (rc != CASC_OK)
    memset(out, 0, sizeof *out);
  return rc;
}
