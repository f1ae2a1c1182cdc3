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
  /* The fixed parts of a presigned response (template.c), in DER. */
  unsigned char *tpl_rid;         /* responderID: [2] byKey */
  size_t tpl_rid_len;
  unsigned char *tpl_cid;         /* CertID contents before the serial (SHA-1) */
  size_t tpl_cid_len;
  unsigned char *tpl_sigalg;      /* signatureAlgorithm, as OpenSSL writes it */
  size_t tpl_sigalg_len;
  unsigned char *tpl_certs;       /* certs: [0] { the responder's certificate } */
  size_t tpl_certs_len;
  EVP_MD_CTX *tpl_ctx;            /* EVP_DigestSignInit done; copied per signature */
};

struct casc_ocsp_responder {
  struct ocsp_issuer *issuers;
  size_t n;
};

/* The first certificate of a PEM file. */
casc_err casc_ocsp_load_pem_cert(const char *path, X509 **out, casc_error *e);
/* certs/NAME.pem and keys/NAME.key of an issuing CA's responder. */
void casc_ocsp_responder_file(const char *issuer, char *buf, size_t bufsz);
void casc_ocsp_serial_hex(const unsigned char *serial, size_t len, char out[CASC_SERIAL_MAX]);
casc_err casc_ocsp_serial_raw(const char *hex, unsigned char *out, size_t *len, casc_error *e);
/* Template encoding of presigned responses (template.c). */
casc_err casc_ocsp_template_init(casc_ocsp_responder *r, int i, casc_error *e);
void casc_ocsp_template_clear(struct ocsp_issuer *is);
/* Per-thread scratch of the template encoder. */
typedef struct casc_ocsp_encoder casc_ocsp_encoder;
casc_ocsp_encoder *casc_ocsp_encoder_new(void);
void casc_ocsp_encoder_free(casc_ocsp_encoder *enc);
/* What casc_ocsp_sign makes with a SHA-1 CertID, no nonce, and producedAt
 * = thisUpdate = now, encoded from issuer i's template. *der is freed with
 * OPENSSL_free. */
casc_err casc_ocsp_sign_template(const casc_ocsp_responder *r, int i, casc_ocsp_encoder *enc,
                                 const unsigned char *serial, size_t serial_len,
                                 const casc_ocsp_status *st, time_t now, unsigned char **der,
                                 size_t *der_len, casc_error *e);
void casc_ocsp_status_of(const casc_cert_rec *rec, casc_ocsp_status *st);

#endif
