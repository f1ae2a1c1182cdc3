/* Reading a CRL's dates without decoding it: what casc serve needs of each
 * file it serves. The bytes come from disk, so the reader is strict DER
 * (casc/der.h) and fuzzed (fuzz/fuzz_crl_peek.c). */
#include "casc/crl.h"
#include "casc/der.h"

#include <openssl/asn1.h>

static casc_err der_time(const casc_der_tlv_t *t, time_t *out, casc_error *e) {
  const unsigned char *p = t->hdr;
  ASN1_TIME *at = d2i_ASN1_TIME(NULL, &p, (long)(t->hdr_len + t->len));
  casc_err rc = at != NULL ? casc_asn1_time_get(at, out, e)
                           : casc_error_set(e, CASC_ERR_PARSE, "bad time");
  ASN1_TIME_free(at);
  return rc;
}

/* thisUpdate and nextUpdate, read from the TBS without decoding the list:
 * a CRL of a million entries costs nothing to look at. */
casc_err casc_crl_peek_times(const unsigned char *der, size_t len, time_t *this_update,
                             time_t *next_update, casc_error *e) {
  const unsigned char *p = der;
  size_t left = len;
  casc_der_tlv_t outer, tbs, t;
  casc_err rc = casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &outer, e);
  if (rc == CASC_OK && left != 0)
    rc = casc_error_set(e, CASC_ERR_PARSE, "trailing bytes after the CRL");
  if (rc != CASC_OK)
    return rc;
  p = outer.val;
  left = outer.len;
  if ((rc = casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &tbs, e)) != CASC_OK)
    return rc;
  p = tbs.val;
  left = tbs.len;
  if ((rc = casc_der_next(&p, &left, &t, e)) != CASC_OK)
    return rc;
  if (t.tag == CASC_DER_INTEGER && (rc = casc_der_next(&p, &left, &t, e)) != CASC_OK)
    return rc; /* the version, then the signature algorithm */
  if (t.tag != CASC_DER_SEQUENCE ||
      (rc = casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &t, e)) != CASC_OK) /* issuer */
    return rc != CASC_OK ? rc : casc_error_set(e, CASC_ERR_PARSE, "not a CRL");
  if ((rc = casc_der_next(&p, &left, &t, e)) != CASC_OK || (rc = der_time(&t, this_update, e)))
    return rc;
  *next_update = 0; /* optional in RFC 5280; casc always writes it */
  if (left > 0 && (p[0] == CASC_DER_UTCTIME || p[0] == CASC_DER_GENERALIZEDTIME) &&
      ((rc = casc_der_next(&p, &left, &t, e)) != CASC_OK || (rc = der_time(&t, next_update, e))))
    return rc;
  return CASC_OK;
}

