/* Certificates over HTTP: AIA URLs, caIssuers fetching, and the forms a
 * caIssuers URL may serve (RFC 5280 4.2.2.1: a DER certificate or a
 * certs-only CMS/PKCS#7; PEM is common in the wild). */
#include "casc/fetch.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

casc_err casc_fetch_aia_url(X509 *cert, int method_nid, char *buf, size_t bufsz, casc_error *e) {
  casc_err rc = CASC_ERR_NOT_FOUND;
  AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(cert, NID_info_access, NULL, NULL);
  if (aia == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOT_FOUND, "the certificate has no %s URL",
                        method_nid == NID_ad_OCSP ? "OCSP" : "caIssuers");
    goto out;
  }
  for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
    ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);
    if (OBJ_obj2nid(ad->method) != method_nid || ad->location->type != GEN_URI)
      continue;
    const ASN1_IA5STRING *uri = ad->location->d.uniformResourceIdentifier;
    char tmp[CASC_FETCH_URL_MAX];
    if (uri->length <= 0 || (size_t)uri->length >= sizeof tmp ||
        memchr(uri->data, '\0', (size_t)uri->length) != NULL)
      continue;
    memcpy(tmp, uri->data, (size_t)uri->length);
    tmp[uri->length] = '\0';
    if (!casc_fetch_url_ok(tmp))
      continue; /* ldap:// and the like */
    if (strlen(tmp) >= bufsz) {
      rc = casc_error_set(e, CASC_ERR_USAGE, "AIA URL too long: %s", tmp);
      goto out;
    }
    strcpy(buf, tmp);
    rc = CASC_OK;
    goto out;
  }
  rc = casc_error_set(e, CASC_ERR_NOT_FOUND, "the certificate has no http(s) %s URL",
                      method_nid == NID_ad_OCSP ? "OCSP" : "caIssuers");
out:
  AUTHORITY_INFO_ACCESS_free(aia);
  return rc;
}

static bool push(STACK_OF(X509) *sk, X509 *x) {
  if (x == NULL)
    return false;
  if (!sk_X509_push(sk, x)) {
    X509_free(x);
    return false;
  }
  return true;
}

static bool looks_pem(const unsigned char *buf, size_t len) {
  return len >= 11 && memmem(buf, len, "-----BEGIN ", 11) != NULL;
}

casc_err casc_fetch_parse_certs(const unsigned char *buf, size_t len, STACK_OF(X509) **out,
                                casc_error *e) {
  casc_err rc = CASC_ERR_PARSE;
  STACK_OF(X509) *sk = sk_X509_new_null();
  BIO *bio = NULL;
  PKCS7 *p7 = NULL;
  *out = NULL;
  if (sk == NULL || len > LONG_MAX) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  if (looks_pem(buf, len)) {
    bio = BIO_new_mem_buf(buf, (int)len);
    if (bio == NULL) {
      rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
      goto out;
    }
    X509 *x;
    while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
      if (!push(sk, x))
        break;
    ERR_clear_error();
    if (sk_X509_num(sk) == 0) {
      BIO_free(bio);
      bio = BIO_new_mem_buf(buf, (int)len);
      p7 = bio != NULL ? PEM_read_bio_PKCS7(bio, NULL, NULL, NULL) : NULL;
    }
  } else {
    const unsigned char *p = buf;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (x != NULL && p == buf + len) {
      push(sk, x);
    } else {
      X509_free(x);
      p = buf;
      p7 = d2i_PKCS7(NULL, &p, (long)len);
      if (p7 != NULL && p != buf + len) {
        PKCS7_free(p7);
        p7 = NULL;
      }
    }
  }
  if (p7 != NULL && PKCS7_type_is_signed(p7) && p7->d.sign != NULL && p7->d.sign->cert != NULL)
    for (int i = 0; i < sk_X509_num(p7->d.sign->cert); i++) {
      X509 *x = sk_X509_value(p7->d.sign->cert, i);
      if (!X509_up_ref(x) || !push(sk, x))
        break;
    }
  ERR_clear_error();
  if (sk_X509_num(sk) == 0) {
    rc = casc_error_set(e, CASC_ERR_PARSE,
                        "no certificate found (expected DER or PEM certificates, or PKCS#7)");
    goto out;
  }
  *out = sk;
  sk = NULL;
  rc = CASC_OK;
out:
  sk_X509_pop_free(sk, X509_free);
  BIO_free(bio);
  PKCS7_free(p7);
  return rc;
}

/* Whether cand issued cert: names chain and cand's key verifies cert. */
static bool issued_by(X509 *cert, X509 *cand) {
  if (X509_NAME_cmp(X509_get_subject_name(cand), X509_get_issuer_name(cert)) != 0)
    return false;
  EVP_PKEY *pk = X509_get0_pubkey(cand);
  bool ok = pk != NULL && X509_verify(cert, pk) == 1;
  ERR_clear_error();
  return ok;
}

casc_err casc_fetch_issuer(X509 *cert, const casc_fetch_opts *opts, X509 **out, casc_error *e) {
  casc_err rc = CASC_ERR_NOT_FOUND;
  AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(cert, NID_info_access, NULL, NULL);
  casc_fetch_response resp = {0};
  STACK_OF(X509) *certs = NULL;
  bool tried = false;
  casc_error last = {0};
  *out = NULL;
  for (int i = 0; aia != NULL && i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
    ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);
    if (OBJ_obj2nid(ad->method) != NID_ad_ca_issuers || ad->location->type != GEN_URI)
      continue;
    const ASN1_IA5STRING *uri = ad->location->d.uniformResourceIdentifier;
    char url[CASC_FETCH_URL_MAX];
    if (uri->length <= 0 || (size_t)uri->length >= sizeof url ||
        memchr(uri->data, '\0', (size_t)uri->length) != NULL)
      continue;
    memcpy(url, uri->data, (size_t)uri->length);
    url[uri->length] = '\0';
    if (!casc_fetch_url_ok(url))
      continue;
    tried = true;
    casc_fetch_response_free(&resp);
    if (casc_fetch_get(url, opts, &resp, &last) != CASC_OK)
      continue;
    sk_X509_pop_free(certs, X509_free);
    certs = NULL;
    if (casc_fetch_parse_certs(resp.body, resp.len, &certs, &last) != CASC_OK) {
      char why[sizeof last.msg];
      snprintf(why, sizeof why, "%s", last.msg);
      casc_error_set(&last, CASC_ERR_INTEGRITY, "%s: %s", url, why);
      continue;
    }
    for (int k = 0; k < sk_X509_num(certs); k++) {
      X509 *cand = sk_X509_value(certs, k);
      if (issued_by(cert, cand) && X509_up_ref(cand)) {
        *out = cand;
        rc = CASC_OK;
        goto out;
      }
    }
    casc_error_set(&last, CASC_ERR_INTEGRITY, "%s: no certificate there issued this one", url);
  }
  if (!tried)
    rc = casc_error_set(e, CASC_ERR_NOT_FOUND,
                        "the certificate has no http(s) caIssuers URL to find its issuer");
  else
    rc = casc_error_set(e, last.code, "%s", last.msg);
out:
  AUTHORITY_INFO_ACCESS_free(aia);
  casc_fetch_response_free(&resp);
  sk_X509_pop_free(certs, X509_free);
  return rc;
}
