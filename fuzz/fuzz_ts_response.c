/* libFuzzer target: what `casc timestamp`, `casc sign --tsa` and `casc
 * verify` read from a TSA or a signature: a TimeStampResp
 * (casc_ts_verify_response) and the TimeStampToken alone
 * (casc_ts_verify_token). The expected imprint is SHA-256("casc fuzz\n"),
 * the digest the seed replies were made over, so mutations get past the
 * imprint check into the signature, chain and ESS checks; the trust store
 * holds no anchor, so nothing may verify. Checked: no crash, no leak, and
 * never CASC_OK. */
#include "casc/tsclient.h"

#include <openssl/err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static X509_STORE *empty;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  unsigned char digest[32];
  casc_ts_info info;
  casc_error e = {0};
  if (empty == NULL && (empty = X509_STORE_new()) == NULL)
    abort();
  if (EVP_Digest("casc fuzz\n", 10, digest, NULL, EVP_sha256(), NULL) != 1)
    abort();
  casc_ts_verify_opts vo = {.trust = empty};
  if (casc_ts_verify_response(data, size, EVP_sha256(), digest, 32, &vo, &info, NULL, NULL,
                              &e) == CASC_OK ||
      casc_ts_verify_token(data, size, EVP_sha256(), digest, 32, &vo, &info, &e) == CASC_OK) {
    fprintf(stderr, "fuzz_ts_response: verified without a trust anchor\n");
    abort();
  }
  casc_ts_info_clear(&info);
  const EVP_MD *md = NULL;
  if (casc_ts_token_imprint_md(data, size, &md, &e) == CASC_OK && md == NULL)
    abort();
  ERR_clear_error();
  return 0;
}
