/* Certificate files for signing and verifying. */
#include "sign_internal.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#define CERT_FILE_MAX (4 * 1024 * 1024)

casc_err sign_cert_load(const char *path, X509 **out, casc_error *e) {
  unsigned char *data = NULL;
  size_t len = 0;
  BIO *bio = NULL;
  casc_err rc = casc_file_read(path, CERT_FILE_MAX, &data, &len, e);
  if (rc != CASC_OK)
    return rc;
  const unsigned char *p = data;
  X509 *cert = NULL;
  if (len > 0 && data[0] == 0x30) {
    cert = d2i_X509(NULL, &p, (long)len);
    if (cert != NULL && p != data + len) {
      X509_free(cert);
      cert = NULL;
    }
  } else if ((bio = BIO_new_mem_buf(data, (int)len)) != NULL) {
    cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
  }
  if (cert == NULL)
    rc = casc_error_ssl(e, CASC_ERR_PARSE, "%s: not a certificate (PEM or DER)", path);
  else
    *out = cert;
  BIO_free(bio);
  free(data);
  return rc;
}

casc_err sign_certs_load(const char *path, STACK_OF(X509) **out, casc_error *e) {
  unsigned char *data = NULL;
  size_t len = 0;
  BIO *bio = NULL;
  STACK_OF(X509) *certs = NULL;
  casc_err rc = casc_file_read(path, CERT_FILE_MAX, &data, &len, e);
  if (rc != CASC_OK)
    return rc;
  if ((certs = sk_X509_new_null()) == NULL ||
      (bio = BIO_new_mem_buf(data, (int)len)) == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  for (;;) {
    X509 *c = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    if (c == NULL)
      break;
    if (!sk_X509_push(certs, c)) {
      X509_free(c);
      rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
      goto out;
    }
  }
  ERR_clear_error(); /* the end of the file reads as "no start line" */
  if (sk_X509_num(certs) == 0) {
    /* one DER certificate is fine too */
    const unsigned char *p = data;
    X509 *c = len > 0 && data[0] == 0x30 ? d2i_X509(NULL, &p, (long)len) : NULL;
    if (c == NULL || p != data + len || !sk_X509_push(certs, c)) {
      X509_free(c);
      rc = casc_error_ssl(e, CASC_ERR_PARSE, "%s: no certificate in it (PEM or DER)", path);
      goto out;
    }
  }
  *out = certs;
  certs = NULL;
out:
  sk_X509_pop_free(certs, X509_free);
  BIO_free(bio);
  free(data);
  return rc;
}

void sign_name_string(const X509_NAME *name, char *buf, size_t bufsz) {
  BIO *bio = BIO_new(BIO_s_mem());
  buf[0] = '\0';
  if (bio == NULL)
    return;
  if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
    int n = BIO_read(bio, buf, (int)bufsz - 1);
    buf[n > 0 ? n : 0] = '\0';
  }
  BIO_free(bio);
}

void sign_serial_string(const X509 *cert, char *buf, size_t bufsz) {
  BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
  char *hex = bn != NULL ? BN_bn2hex(bn) : NULL;
  snprintf(buf, bufsz, "%s", hex != NULL ? hex : "");
  OPENSSL_free(hex);
  BN_free(bn);
}
