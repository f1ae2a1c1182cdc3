/* Asking a responder: the request (RFC 6960 4.1, RFC 9654 nonce), GET or
 * POST (RFC 5019 5: GET when the URL fits in 255 octets, so caches can
 * help), and the verified answer. */
#include "client_internal.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

casc_err casc_ocsp_client_request(X509 *cert, X509 *issuer, int hash_nid,
                                  const unsigned char *nonce, size_t nonce_len,
                                  unsigned char **der, size_t *der_len, casc_error *e) {
  casc_err rc = CASC_ERR_CRYPTO;
  OCSP_REQUEST *req = NULL;
  OCSP_CERTID *id = NULL;
  *der = NULL;
  *der_len = 0;
  if (hash_nid == 0)
    hash_nid = NID_sha1;
  if (hash_nid != NID_sha1 && hash_nid != NID_sha256) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "OCSP request: CertID hash must be SHA-1 or SHA-256");
    goto out;
  }
  if (nonce != NULL && (nonce_len < 1 || nonce_len > 32)) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "OCSP request: a nonce of %zu octets (RFC 9654: 1 to 32)",
                        nonce_len);
    goto out;
  }
  req = OCSP_REQUEST_new();
  id = OCSP_cert_to_id(hash_nid == NID_sha1 ? EVP_sha1() : EVP_sha256(), cert, issuer);
  if (req == NULL || id == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "OCSP request: CertID");
    goto out;
  }
  if (OCSP_request_add0_id(req, id) == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "OCSP request");
    goto out;
  }
  id = NULL; /* owned by req now */
  /* OpenSSL wraps the value in an OCTET STRING, as RFC 9654 wants. */
  if (nonce != NULL &&
      OCSP_request_add1_nonce(req, (unsigned char *)nonce, (int)nonce_len) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "OCSP request: nonce");
    goto out;
  }
  unsigned char *buf = NULL;
  int n = i2d_OCSP_REQUEST(req, &buf);
  if (n <= 0) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "OCSP request: encoding");
    goto out;
  }
  *der = buf;
  *der_len = (size_t)n;
  rc = CASC_OK;
out:
  OCSP_CERTID_free(id);
  OCSP_REQUEST_free(req);
  return rc;
}

/* base + "/" + percent-encoded base64 of der, or false when it does not fit
 * in bufsz. RFC 6960 A.1: '+', '/' and '=' are escaped in the path. */
static bool get_url(const char *base, const unsigned char *der, size_t len, char *buf,
                    size_t bufsz) {
  size_t b64cap = 4 * ((len + 2) / 3) + 1;
  char *b64 = malloc(b64cap);
  if (b64 == NULL)
    return false;
  EVP_EncodeBlock((unsigned char *)b64, der, (int)len);
  size_t blen = strlen(base);
  size_t at = 0;
  bool ok = blen < bufsz;
  if (ok) {
    memcpy(buf, base, blen);
    at = blen;
    if (blen == 0 || base[blen - 1] != '/') {
      ok = at + 1 < bufsz;
      if (ok)
        buf[at++] = '/';
    }
  }
  for (const char *p = b64; ok && *p != '\0'; p++) {
    const char *esc = *p == '+' ? "%2B" : *p == '/' ? "%2F" : *p == '=' ? "%3D" : NULL;
    size_t n = esc != NULL ? 3 : 1;
    if (at + n >= bufsz) {
      ok = false;
      break;
    }
    if (esc != NULL)
      memcpy(buf + at, esc, 3);
    else
      buf[at] = *p;
    at += n;
  }
  if (ok)
    buf[at] = '\0';
  free(b64);
  return ok;
}

static casc_err unreachable(casc_ocsp_client_result *r, casc_error *e, const casc_error *why) {
  r->outcome = CASC_OCSP_OUTCOME_UNREACHABLE;
  snprintf(r->error, sizeof r->error, "%s", why->msg);
  return casc_error_set(e, CASC_ERR_IO, "%s", why->msg);
}

casc_err casc_ocsp_client_query(X509 *cert, X509 *issuer, const casc_ocsp_client_opts *opts,
                                casc_ocsp_client_result *out, casc_error *e) {
  casc_err rc = CASC_ERR_INTERNAL;
  casc_ocsp_client_result tmp;
  casc_ocsp_client_result *r = out != NULL ? out : &tmp;
  casc_ocsp_client_opts o = opts != NULL ? *opts : (casc_ocsp_client_opts){0};
  X509 *found_issuer = NULL;
  unsigned char *req = NULL;
  size_t req_len = 0;
  char *get = NULL;
  casc_fetch_response resp = {0};
  casc_error fe = {0};
  unsigned char nonce[CASC_OCSP_CLIENT_NONCE_LEN];

  ocsp_client_result_init(r);
  int hash = o.hash_nid == 0 ? NID_sha1 : o.hash_nid;
  r->hash_nid = hash;
  r->nonce_sent = o.nonce;
  ocsp_client_serial_hex(X509_get0_serialNumber(cert), r->serial, sizeof r->serial);
  if (issuer == NULL) {
    if ((rc = casc_fetch_issuer(cert, &o.fetch, &found_issuer, &fe)) != CASC_OK) {
      if (rc == CASC_ERR_IO) {
        rc = unreachable(r, e, &fe);
      } else {
        rc = casc_error_set(e, rc, "finding the issuer: %s", fe.msg);
        snprintf(r->error, sizeof r->error, "%s", fe.msg);
      }
      goto out;
    }
    issuer = found_issuer;
  }
  if (o.url != NULL) {
    if (!casc_fetch_url_ok(o.url)) {
      rc = casc_error_set(e, CASC_ERR_USAGE, "%s: not an http:// or https:// URL", o.url);
      goto out;
    }
    snprintf(r->url, sizeof r->url, "%s", o.url);
  } else if ((rc = casc_fetch_aia_url(cert, NID_ad_OCSP, r->url, sizeof r->url, e)) != CASC_OK) {
    snprintf(r->error, sizeof r->error, "%s", e != NULL ? e->msg : "no OCSP URL");
    goto out;
  }
  if (!ocsp_client_issued_by(cert, issuer)) {
    rc = casc_error_set(e, CASC_ERR_USAGE,
                        "the issuer certificate given did not issue the certificate");
    goto out;
  }
  if (o.nonce && RAND_bytes(nonce, sizeof nonce) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "random nonce");
    goto out;
  }
  if ((rc = casc_ocsp_client_request(cert, issuer, hash, o.nonce ? nonce : NULL, sizeof nonce,
                                     &req, &req_len, e)) != CASC_OK)
    goto out;
  if (o.fetch.max_size == 0)
    o.fetch.max_size = CASC_OCSP_CLIENT_MAX_RESPONSE;
  get = malloc(CASC_OCSP_CLIENT_GET_MAX + 1);
  if (get == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  if (!o.force_post && get_url(r->url, req, req_len, get, CASC_OCSP_CLIENT_GET_MAX + 1)) {
    r->method = "GET";
    rc = casc_fetch_get(get, &o.fetch, &resp, &fe);
  } else {
    r->method = "POST";
    rc = casc_fetch_post(r->url, "application/ocsp-request", req, req_len, &o.fetch, &resp, &fe);
  }
  if (rc == CASC_ERR_IO) {
    /* Name the base URL, not the long GET one. */
    if (strcmp(r->method, "GET") == 0) {
      const char *why = strstr(fe.msg, ": ");
      char tail[sizeof fe.msg];
      snprintf(tail, sizeof tail, "%s", why != NULL ? why + 2 : "failed");
      casc_error_set(&fe, CASC_ERR_IO, "OCSP responder %s (GET): %s", r->url, tail);
    }
    rc = unreachable(r, e, &fe);
    goto out;
  }
  if (rc != CASC_OK) {
    rc = casc_error_set(e, rc, "%s", fe.msg);
    goto out;
  }
  r->der = OPENSSL_memdup(resp.body, resp.len);
  if (resp.len > 0 && r->der == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  r->der_len = resp.len;
  /* Bytes that are not an OCSPResponse at all (an HTML error page, a
   * captive portal) are no answer, not a verdict. */
  const unsigned char *p = resp.body;
  OCSP_RESPONSE *probe = resp.len > 0 ? d2i_OCSP_RESPONSE(NULL, &p, (long)resp.len) : NULL;
  OCSP_RESPONSE_free(probe);
  ERR_clear_error();
  if (probe == NULL) {
    casc_error_set(&fe, CASC_ERR_IO, "OCSP responder %s: the answer is not an OCSP response (%zu bytes%s%s)",
                   r->url, resp.len, resp.content_type != NULL ? ", " : "",
                   resp.content_type != NULL ? resp.content_type : "");
    rc = unreachable(r, e, &fe);
    goto out;
  }
  rc = ocsp_client_verify_into(resp.body, resp.len, cert, issuer, hash, o.nonce ? nonce : NULL,
                               sizeof nonce, &o, r, e);
  if (rc != CASC_OK && e != NULL) {
    char why[sizeof e->msg];
    snprintf(why, sizeof why, "%s", e->msg);
    casc_error_set(e, rc, "%s: %s", r->url, why);
  }
out:
  if (r == &tmp)
    casc_ocsp_client_result_free(&tmp);
  free(get);
  OPENSSL_free(req);
  casc_fetch_response_free(&resp);
  X509_free(found_issuer);
  OPENSSL_cleanse(nonce, sizeof nonce);
  return rc;
}
