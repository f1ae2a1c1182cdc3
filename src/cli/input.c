/* Reading certificates and requests that users hand to casc: PEM or DER,
 * with a one-line error naming the file. */
#include "input.h"

#include "casc/ca.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdlib.h>

#define CLI_MAX_INPUT (1024 * 1024)

X509_REQ *cli_read_csr(const char *path, casc_error *e) {
  unsigned char *buf = NULL;
  size_t len = 0;
  X509_REQ *req = NULL;
  if (casc_file_read(path, CLI_MAX_INPUT, &buf, &len, e) != CASC_OK)
    return NULL;
  BIO *mem = BIO_new_mem_buf(buf, (int)len);
  if (mem != NULL)
    req = PEM_read_bio_X509_REQ(mem, NULL, NULL, NULL);
  BIO_free(mem);
  if (req == NULL) {
    const unsigned char *p = buf;
    req = d2i_X509_REQ(NULL, &p, (long)len);
    if (req != NULL && p != buf + len) {
      X509_REQ_free(req);
      req = NULL;
    }
  }
  ERR_clear_error();
  if (req == NULL)
    casc_error_set(e, CASC_ERR_PARSE, "%s: not a PEM or DER certificate request%s", path,
                   len == 0 ? " (empty file)" : "");
  free(buf);
  return req;
}

X509 *cli_read_cert(const char *path, casc_error *e) {
  unsigned char *buf = NULL;
  size_t len = 0;
  X509 *cert = NULL;
  if (casc_file_read(path, CLI_MAX_INPUT, &buf, &len, e) != CASC_OK)
    return NULL;
  BIO *mem = BIO_new_mem_buf(buf, (int)len);
  if (mem != NULL)
    cert = PEM_read_bio_X509(mem, NULL, NULL, NULL);
  BIO_free(mem);
  if (cert == NULL) {
    const unsigned char *p = buf;
    cert = d2i_X509(NULL, &p, (long)len);
    if (cert != NULL && p != buf + len) {
      X509_free(cert);
      cert = NULL;
    }
  }
  ERR_clear_error();
  if (cert == NULL)
    casc_error_set(e, CASC_ERR_PARSE, "%s: not a PEM or DER certificate%s", path,
                   len == 0 ? " (empty file)" : "");
  free(buf);
  return cert;
}

casc_err cli_write_pem_certs(const char *path, X509 *const *certs, size_t n, casc_error *e) {
  BIO *mem = BIO_new(BIO_s_mem());
  casc_err rc = CASC_OK;
  for (size_t i = 0; mem != NULL && i < n && rc == CASC_OK; i++)
    if (PEM_write_bio_X509(mem, certs[i]) != 1)
      rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "%s: encoding", path);
  if (mem == NULL)
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  if (rc == CASC_OK) {
    char *data;
    long len = BIO_get_mem_data(mem, &data);
    rc = casc_file_write_atomic(path, data, (size_t)len, 0644, e);
  }
  BIO_free(mem);
  return rc;
}
