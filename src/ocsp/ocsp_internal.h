/* Internals shared by the files of the ocsp module. */
#ifndef CASC_OCSP_INTERNAL_H
#define CASC_OCSP_INTERNAL_H

#include "casc/ocsp.h"

#include <openssl/x509.h>

/* One issuer this responder answers for. Read-only once loaded, so the
 * server's threads share it without locks. */
struct ocsp_issuer {
  int64_t issuer_id;
  char name[CASC_NAME_MAX];
  X509 *cert;                     /* the issuing CA */
  X509 *signer;                   /* its delegated responder */
  EVP_PKEY *key;                  /* the responder's key */
  const EVP_MD *md;               /* the signature's digest (BR 7.1.3) */
  unsigned char name_hash[2][32]; /* [0] SHA-1, [1] SHA-256 */
  unsigned char key_hash[2][32];
  size_t hash_len[2];
};

struct casc_ocsp_responder {
  struct ocsp_issuer *issuers;
  size_t n;
};

void casc_ocsp_serial_hex(const unsigned char *serial, size_t len, char out[CASC_SERIAL_MAX]);
casc_err casc_ocsp_serial_raw(const char *hex, unsigned char *out, size_t *len, casc_error *e);
void casc_ocsp_status_of(const casc_cert_rec *rec, casc_ocsp_status *st);

#endif
