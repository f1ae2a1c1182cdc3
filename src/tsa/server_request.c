/* TimeStampReq parsing (RFC 3161 2.4.1), strict DER, from the network:
 *
 *   TimeStampReq ::= SEQUENCE {
 *     version        INTEGER { v1(1) },
 *     messageImprint MessageImprint,   -- SEQUENCE { AlgorithmIdentifier, OCTET STRING }
 *     reqPolicy      TSAPolicyId OPTIONAL,
 *     nonce          INTEGER OPTIONAL,
 *     certReq        BOOLEAN DEFAULT FALSE,
 *     extensions     [0] IMPLICIT Extensions OPTIONAL }
 */
#include "casc/tsa.h"

#include "casc/der.h"

#include <openssl/objects.h>
#include <string.h>

#define MAX_NONCE 32

/* Hash algorithm OIDs (contents octets). */
static const struct {
  unsigned char oid[9];
  size_t len;
  int nid;
  size_t digest_len; /* 0: refused */
} hashes[] = {
    {{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01}, 9, NID_sha256, 32},
    {{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02}, 9, NID_sha384, 48},
    {{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03}, 9, NID_sha512, 64},
    {{0x2b, 0x0e, 0x03, 0x02, 0x1a}, 5, NID_sha1, 0},        /* CSBR 6.8 */
    {{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05}, 8, NID_md5, 0},
};

static casc_err bad(casc_tsa_result *result, casc_tsa_result r, casc_error *e, const char *what) {
  *result = r;
  return casc_error_set(e, CASC_ERR_PARSE, "TimeStampReq: %s", what);
}

casc_err casc_tsa_request_parse(const unsigned char *der, size_t len, casc_tsa_request *out,
                                casc_tsa_result *result, casc_error *e) {
  const unsigned char *p = der, *q;
  size_t left = len, l2;
  casc_der_tlv_t t, alg, oid;
  casc_error ignored = {0};
  memset(out, 0, sizeof *out);
  *result = CASC_TSA_GRANTED;
  if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &t, &ignored) != CASC_OK || left != 0)
    return bad(result, CASC_TSA_BAD_DATA_FORMAT, e, "not one DER SEQUENCE");
  p = t.val;
  left = t.len;
  if (casc_der_expect(&p, &left, CASC_DER_INTEGER, &t, &ignored) != CASC_OK || t.len != 1 ||
      t.val[0] != 1)
    return bad(result, CASC_TSA_BAD_DATA_FORMAT, e, "version is not 1");

  /* messageImprint */
  if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &t, &ignored) != CASC_OK)
    return bad(result, CASC_TSA_BAD_DATA_FORMAT, e, "no messageImprint");
  out->imprint = t.hdr;
  out->imprint_len = t.hdr_len + t.len;
  q = t.val;
  l2 = t.len;
  if (casc_der_expect(&q, &l2, CASC_DER_SEQUENCE, &alg, &ignored) != CASC_OK)
    return bad(result, CASC_TSA_BAD_DATA_FORMAT, e, "no hash AlgorithmIdentifier");
  const unsigned char *a = alg.val;
  size_t al = alg.len;
  if (casc_der_expect(&a, &al, CASC_DER_OID, &oid, &ignored) != CASC_OK || oid.len == 0)
    return bad(result, CASC_TSA_BAD_DATA_FORMAT, e, "bad hash algorithm OID");
  if (al != 0) { /* parameters: absent or NULL */
    casc_der_tlv_t par;
    if (casc_der_expect(&a, &al, CASC_DER_NULL, &par, &ignored) != CASC_OK || par.len != 0 ||
        al != 0)
      return bad(result, CASC_TSA_BAD_DATA_FORMAT, e, "hash parameters are not NULL");
  }
  size_t want = 0;
  out->md_nid = NID_undef;
  for (size_t i = 0; i < sizeof hashes / sizeof hashes[0]; i++)
    if (hashes[i].len == oid.len && memcmp(hashes[i].oid, oid.val, oid.len) == 0) {
      out->md_nid = hashes[i].nid;
      want = hashes[i].digest_len;
    }
  if (casc_der_expect(&q, &l2, CASC_DER_OCTET_STRING, &t, &ignored) != CASC_OK || l2 != 0)
    return bad(result, CASC_TSA_BAD_DATA_FORMAT, e, "bad hashedMessage");
  out->digest = t.val;
  out->digest_len = t.len;

  /* the optional fields, in order */
  bool have_policy = false, have_nonce = false, have_cert_req = false;
  while (left > 0) {
    if (casc_der_next(&p, &left, &t, &ignored) != CASC_OK)
      return bad(result, CASC_TSA_BAD_DATA_FORMAT, e, "bad DER after messageImprint");
    if (t.tag == CASC_DER_OID && !have_policy && !have_nonce && !have_cert_req &&
        !out->has_extensions) {
      if (t.len == 0)
        return bad(result, CASC_TSA_BAD_DATA_FORMAT, e, "empty reqPolicy");
      have_policy = true;
      out->policy = t.val;
      out->policy_len = t.len;
    } else if (t.tag == CASC_DER_INTEGER && !have_nonce && !have_cert_req &&
               !out->has_extensions) {
      if (casc_der_check_integer(t.val, t.len, &ignored) != CASC_OK || t.len > MAX_NONCE)
        return bad(result, CASC_TSA_BAD_DATA_FORMAT, e, "bad nonce");
      have_nonce = true;
      out->nonce = t.hdr;
      out->nonce_len = t.hdr_len + t.len;
    } else if (t.tag == CASC_DER_BOOLEAN && !have_cert_req && !out->has_extensions) {
      /* DER omits a DEFAULT FALSE; an explicit FALSE is tolerated, as
       * several clients send it */
      if (t.len != 1 || (t.val[0] != 0x00 && t.val[0] != 0xff))
        return bad(result, CASC_TSA_BAD_DATA_FORMAT, e, "bad certReq");
      have_cert_req = true;
      out->cert_req = t.val[0] == 0xff;
    } else if (t.tag == (CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0) && !out->has_extensions) {
      out->has_extensions = true;
    } else {
      return bad(result, CASC_TSA_BAD_DATA_FORMAT, e, "unexpected field");
    }
  }
  /* The algorithm is judged after the whole request parsed: garbage is
   * badDataFormat whatever OID it starts with. */
  if (want == 0)
    return bad(result, CASC_TSA_BAD_ALG, e,
               out->md_nid == NID_sha1 ? "SHA-1 imprints are refused (CSBR 6.8)"
                                       : "hash algorithm not accepted (SHA-256, -384, -512)");
  if (out->digest_len != want)
    return bad(result, CASC_TSA_BAD_DATA_FORMAT, e, "hashedMessage has the wrong length");
  return CASC_OK;
}
