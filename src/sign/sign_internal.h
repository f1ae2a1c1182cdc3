/* Shared inside the sign module. */
#ifndef CASC_SIGN_INTERNAL_H
#define CASC_SIGN_INTERNAL_H

#include "casc/sign.h"

#include <openssl/x509.h>

/* pkcs11.c: the key an RFC 7512 URI names; *engine must outlive the key
 * and is released with sign_pkcs11_release after EVP_PKEY_free. */
casc_err sign_pkcs11_load(const char *uri, EVP_PKEY **key, void **engine, casc_error *e);
void sign_pkcs11_release(void *engine);

/* certs.c: one certificate (PEM or DER), or every certificate of a PEM
 * file (at least one). */
casc_err sign_cert_load(const char *path, X509 **out, casc_error *e);
casc_err sign_certs_load(const char *path, STACK_OF(X509) **out, casc_error *e);
/* An RFC 4514 name into buf. */
void sign_name_string(const X509_NAME *name, char *buf, size_t bufsz);
/* The serial as openssl prints it (upper-case hex, no colons). */
void sign_serial_string(const X509 *cert, char *buf, size_t bufsz);

/* The OIDs the rules of time look at. */
#define SIGN_OID_LIFETIME_SIGNING "1.3.6.1.4.1.311.10.3.13"

/* revocation.c: the revocation step of verify, behind one call. The
 * status of cert (issued by issuer) as its OCSP responder or CRL tells it
 * now; the caller compares the dates with the time it judges at. */
casc_err sign_revocation_check(X509 *cert, X509 *issuer, X509_STORE *trust,
                               STACK_OF(X509) *untrusted, casc_sig_rev_info *out, casc_error *e);

#endif
