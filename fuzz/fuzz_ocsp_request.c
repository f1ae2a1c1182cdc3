/* libFuzzer target: the OCSP request path of `casc serve`, which reads
 * bytes from anyone on the network. Each input is tried two ways:
 *   - as the DER body of a POST, through casc_ocsp_request_parse;
 *   - as the path after /ocsp/ of a GET, through casc_ocsp_request_from_url
 *     and then the same parser.
 * The properties checked always (cheap, and what the responder relies on):
 * a parsed request has a SHA-1 or SHA-256 CertID with hashes of that
 * algorithm's length, a serial of 1 to CASC_OCSP_SERIAL_MAX octets, and a
 * nonce, when present, of 1 to 32 octets (RFC 9654); a refused one leaves
 * the output zeroed. */
#include "casc/ocsp.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(const casc_ocsp_request *q, casc_err rc) {
  static const casc_ocsp_request zero;
  int ok;
  if (rc == CASC_OK)
    ok = ((q->hash_nid == NID_sha1 && q->hash_len == 20) ||
          (q->hash_nid == NID_sha256 && q->hash_len == 32)) &&
         q->serial_len >= 1 && q->serial_len <= CASC_OCSP_SERIAL_MAX && q->n_requests >= 1 &&
         (!q->has_nonce || (q->nonce_len >= 1 && q->nonce_len <= CASC_OCSP_NONCE_MAX));
  else
    ok = memcmp(q, &zero, sizeof zero) == 0;
  if (!ok) {
    fprintf(stderr, "ocsp request: parse result breaks its contract (rc %d)\n", (int)rc);
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  casc_ocsp_request q;
  casc_error e;
  unsigned char der[4096];
  size_t len = 0;
  check(&q, casc_ocsp_request_parse(data, size, &q, &e));
  if (casc_ocsp_request_from_url((const char *)data, size, der, sizeof der, &len, &e) ==
      CASC_OK)
    check(&q, casc_ocsp_request_parse(der, len, &q, &e));
  ERR_clear_error();
  return 0;
}
