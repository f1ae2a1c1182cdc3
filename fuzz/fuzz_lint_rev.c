/* libFuzzer target: arbitrary bytes through the CRL and OCSP lints with the
 * signer's context (casc/lint_rev.h), which fuzz_lint does not reach: the
 * issuing CA known (issuer name, authorityKeyIdentifier, CertID hashes, the
 * delegated responder's issuer) and each CRL scope, then the lint-before-sign
 * entry points that the CRL builder and the OCSP presigner call. Nothing may
 * crash, read out of bounds or leak. */
#include "casc/lint_rev.h"
#include "casc/lint_sign.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static casc_lint_ctx *ctx;
static X509 *ca;
static size_t sink;

static void count(void *arg, const casc_lint *l, casc_lint_result r, const char *det) {
  (void)arg, (void)l;
  sink += (size_t)r + strlen(det); /* read what the lint wrote */
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  /* A small self-signed CA with a subjectKeyIdentifier: the context. */
  EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  X509_NAME *name = X509_NAME_new();
  ca = X509_new();
  ctx = casc_lint_ctx_new();
  if (key == NULL || name == NULL || ca == NULL || ctx == NULL ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"fuzz CA", -1,
                                 -1, 0) != 1 ||
      X509_set_version(ca, X509_VERSION_3) != 1 || X509_set_subject_name(ca, name) != 1 ||
      X509_set_issuer_name(ca, name) != 1 || X509_set_pubkey(ca, key) != 1 ||
      ASN1_TIME_set(X509_getm_notBefore(ca), 1790000000) == NULL ||
      ASN1_TIME_set(X509_getm_notAfter(ca), 1890000000) == NULL)
    abort();
  X509V3_CTX v3;
  X509V3_set_ctx(&v3, ca, ca, NULL, NULL, 0);
  X509_EXTENSION *ski = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_key_identifier, "hash");
  if (ski == NULL || X509_add_ext(ca, ski, -1) != 1 || X509_sign(ca, key, EVP_sha256()) <= 0)
    abort();
  X509_EXTENSION_free(ski);
  X509_NAME_free(name);
  EVP_PKEY_free(key);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  unsigned char *copy = malloc(size > 0 ? size : 1); /* exact bounds for ASan */
  if (copy == NULL)
    return 0;
  memcpy(copy, data, size);
  const time_t now = 1790000000; /* a fixed "now": runs are reproducible */
  for (int scope = CASC_CRL_SCOPE_UNKNOWN; scope <= CASC_CRL_SCOPE_CODE_SIGNING; scope++)
    casc_lint_ctx_check_issuer(ctx, CASC_LINT_KIND_CRL, copy, size, ca, (casc_crl_scope)scope,
                               now, count, NULL);
  casc_lint_ctx_check_issuer(ctx, CASC_LINT_KIND_OCSP, copy, size, ca, CASC_CRL_SCOPE_UNKNOWN,
                             now, count, NULL);
  casc_error e = {0};
  sink += (size_t)casc_lint_crl_presign(copy, size, ca, CASC_CRL_SCOPE_SUBSCRIBER, now, &e);
  sink += (size_t)casc_lint_ocsp_template(copy, size, ca, now, &e) + strlen(e.msg);
  free(copy);
  return 0;
}
