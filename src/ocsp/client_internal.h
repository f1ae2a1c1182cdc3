/* Shared by the OCSP client's files. */
#ifndef CASC_OCSP_CLIENT_INTERNAL_H
#define CASC_OCSP_CLIENT_INTERNAL_H

#include "casc/ocsp_client.h"

/* Verifies der for (cert, issuer) into out, which the caller has
 * initialised (ocsp_client_result_init) and may have filled with the URL
 * and method. want_hash: the CertID hash that was asked for, 0 for either
 * SHA-1 or SHA-256. Does not copy der into out. */
casc_err ocsp_client_verify_into(const unsigned char *der, size_t len, X509 *cert, X509 *issuer,
                                 int want_hash, const unsigned char *nonce, size_t nonce_len,
                                 const casc_ocsp_client_opts *opts, casc_ocsp_client_result *out,
                                 casc_error *e);
void ocsp_client_result_init(casc_ocsp_client_result *r);
/* Whether issuer's subject is cert's issuer and issuer's key verifies
 * cert's signature. */
bool ocsp_client_issued_by(X509 *cert, X509 *issuer);
/* The serial as upper-case hex ("-" first when negative). */
void ocsp_client_serial_hex(const ASN1_INTEGER *a, char *buf, size_t bufsz);

#endif
