/* Reading certificates and requests that users hand to casc: PEM or DER,
 * with a one-line error naming the file. */
#include "input.h"

#include "casc/ca.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdlib.h>

#define CLI_MAX_INPUT (1024 * 1024)

/* One reader for every kind of object: PEM first, then DER that must span
 * the whole file. */
typedef struct {
  const char *what;
  void *(*from_pem)(BIO *in);
  void *(*from_der)(const unsigned char **p, long len);
  void (*free)(void *obj);
} object_kind;

static void *read_object(const char *path, const object_kind *kind, casc_error *e) {
  unsigned char *buf = NULL;
  size_t len = 0;
  void *obj = NULL;
  if (casc_file_read(path, CLI_MAX_INPUT, &buf, &len, e) != CASC_OK)
    return NULL;
  BIO *mem = BIO_new_mem_buf(buf, (int)len);
  if (mem != NULL)
    obj = kind->from_pem(mem);
  BIO_free(mem);
  if (obj == NULL) {
    const unsigned char *p = buf;
    obj = kind->from_der(&p, (long)len);
    if (obj != NULL && p != buf + len) {
      kind->free(obj);
      obj = NULL;
    }
  }
  ERR_clear_error();
  if (obj == NULL)
    casc_error_set(e, CASC_ERR_PARSE, "%s: not a PEM or DER %s%s", path, kind->what,
                   len == 0 ? " (empty file)" : "");
  free(buf);
  return obj;
}

static void *csr_from_pem(BIO *in) { return PEM_read_bio_X509_REQ(in, NULL, NULL, NULL); }
static void *csr_from_der(const unsigned char **p, long len) { return d2i_X509_REQ(NULL, p, len); }
static void csr_free(void *obj) { X509_REQ_free(obj); }
static void *cert_from_pem(BIO *in) { return PEM_read_bio_X509(in, NULL, NULL, NULL); }
static void *cert_from_der(const unsigned char **p, long len) { return d2i_X509(NULL, p, len); }
static void cert_free(void *obj) { X509_free(obj); }

X509_REQ *cli_read_csr(const char *path, casc_error *e) {
  static const object_kind csr = {"certificate request", csr_from_pem, csr_from_der, csr_free};
  return read_object(path, &csr, e);
}

X509 *cli_read_cert(const char *path, casc_error *e) {
  static const object_kind cert = {"certificate", cert_from_pem, cert_from_der, cert_free};
  return read_object(path, &cert, e);
}

casc_err cli_cert_file_serial(casc_ca *ca, const char *path, char *serial, casc_error *e) {
  casc_cert_rec rec = {0};
  unsigned char *der = NULL;
  X509 *cert = cli_read_cert(path, e);
  casc_err rc = cert != NULL ? casc_serial_from_cert(cert, serial, e) : e->code;
  if (rc == CASC_OK && (rc = casc_store_cert_get(casc_ca_store(ca), serial, &rec, e)) ==
                           CASC_ERR_NOT_FOUND)
    rc = casc_error_set(e, CASC_ERR_NOT_FOUND, "%s: not a certificate of this CA", path);
  int len = rc == CASC_OK ? i2d_X509(cert, &der) : 0;
  if (rc == CASC_OK && (len <= 0 || (size_t)len != rec.der_len || memcmp(der, rec.der, rec.der_len) != 0))
    rc = casc_error_set(e, CASC_ERR_NOT_FOUND,
                        "%s: not a certificate of this CA (serial %s belongs to another)", path,
                        serial);
  OPENSSL_free(der);
  casc_cert_rec_clear(&rec);
  X509_free(cert);
  return rc;
}

casc_err cli_write_pem_certs(const char *path, X509 *const *certs, size_t n, casc_error *e) {
  BIO *mem = BIO_new(BIO_s_mem());
  casc_err rc = CASC_OK;
  for (size_t i = 0; mem != NULL && i < n && rc == CASC_OK; i++)
    if (PEM_write_bio_X509(mem, certs[i]) != 1)
      rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "%s: encoding", path);
  if (mem == NULL)
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  if (rc == CASC_OK)
    rc = casc_file_write_bio(path, mem, 0644, e);
  BIO_free(mem);
  return rc;
}
