#ifndef CASC_CLI_INPUT_H
#define CASC_CLI_INPUT_H

#include "casc/base.h"

#include <openssl/x509.h>

X509_REQ *cli_read_csr(const char *path, casc_error *e);
X509 *cli_read_cert(const char *path, casc_error *e);
/* The serial of the certificate in path, once it is known to be this CA's
 * own: the serial alone could name another CA's certificate. */
struct casc_ca;
casc_err cli_cert_file_serial(struct casc_ca *ca, const char *path, char *serial, casc_error *e);
/* Writes the certificates as PEM, atomically, mode 0644. */
casc_err cli_write_pem_certs(const char *path, X509 *const *certs, size_t n, casc_error *e);

#endif
