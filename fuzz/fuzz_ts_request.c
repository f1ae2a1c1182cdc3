/* libFuzzer target: the /tsa path of `casc serve`, which reads bytes from
 * anyone on the network. Each input is parsed with casc_tsa_request_parse
 * and answered with casc_tsa_answer by a TSA made once (a throwaway P-256
 * key and self-signed certificate). Checked always: a parsed request has a
 * SHA-256/384/512 imprint of the right length and pointers inside the
 * input; every answer is one TimeStampResp that OpenSSL's parser reads to
 * the last byte, granted exactly when the request parsed and asked for no
 * policy and no extension. */
#include "casc/tsa.h"

#include <openssl/err.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static casc_tsa *tsa;

static void die(const char *what) {
  fprintf(stderr, "fuzz_ts_request: %s\n", what);
  abort();
}

static casc_tsa *make_tsa(void) {
  EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  X509 *cert = X509_new();
  X509_NAME *name = X509_NAME_new();
  casc_tsa *t = NULL;
  casc_error e = {0};
  if (key == NULL || cert == NULL || name == NULL ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"fuzz TSA",
                                 -1, -1, 0) != 1 ||
      X509_set_version(cert, X509_VERSION_3) != 1 ||
      ASN1_INTEGER_set(X509_get_serialNumber(cert), 1) != 1 ||
      X509_set_subject_name(cert, name) != 1 || X509_set_issuer_name(cert, name) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(cert), 0) == NULL ||
      X509_gmtime_adj(X509_getm_notAfter(cert), 10L * 366 * 86400) == NULL ||
      X509_set_pubkey(cert, key) != 1 || X509_sign(cert, key, EVP_sha256()) <= 0 ||
      casc_tsa_new(cert, key, NULL, NULL, &t, &e) != CASC_OK)
    die("cannot make the TSA");
  X509_NAME_free(name);
  X509_free(cert);
  EVP_PKEY_free(key);
  return t;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  tsa = make_tsa();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  casc_tsa_request q;
  casc_tsa_result pr = CASC_TSA_GRANTED, r;
  casc_error e = {0};
  const unsigned char *resp = NULL;
  size_t resp_len = 0;
  if (tsa == NULL)
    tsa = make_tsa();
  casc_err rc = casc_tsa_request_parse(data, size, &q, &pr, &e);
  if (rc == CASC_OK) {
    size_t want = q.md_nid == NID_sha256 ? 32 : q.md_nid == NID_sha384 ? 48 : 64;
    if ((q.md_nid != NID_sha256 && q.md_nid != NID_sha384 && q.md_nid != NID_sha512) ||
        q.digest_len != want || q.digest < data || q.digest + q.digest_len > data + size ||
        q.imprint < data || q.imprint + q.imprint_len > data + size ||
        (q.nonce != NULL && (q.nonce < data || q.nonce + q.nonce_len > data + size)))
      die("a parsed request breaks its contract");
  } else if (pr != CASC_TSA_BAD_ALG && pr != CASC_TSA_BAD_DATA_FORMAT) {
    die("a refused request has no failInfo");
  }
  if (casc_tsa_answer(tsa, data, size, casc_now(), &resp, &resp_len, &r, &e) != CASC_OK)
    die("no answer");
  bool granted_expected = rc == CASC_OK && q.policy == NULL && !q.has_extensions;
  if ((r == CASC_TSA_GRANTED) != granted_expected)
    die("granted when it should not be, or the reverse");
  const unsigned char *p = resp;
  TS_RESP *tr = d2i_TS_RESP(NULL, &p, (long)resp_len);
  if (tr == NULL || p != resp + resp_len)
    die("the answer is not one TimeStampResp");
  long st = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(tr)));
  if ((st == 0) != (r == CASC_TSA_GRANTED) || (st == 0 && TS_RESP_get_tst_info(tr) == NULL))
    die("status and token disagree");
  TS_RESP_free(tr);
  ERR_clear_error();
  return 0;
}
