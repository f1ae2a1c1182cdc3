/* The revocation step of casc verify: the signer certificate's status as
 * its OCSP responder (AIA) tells it, else as its CRL (CRL distribution
 * point) tells it. Minimal and self-contained; verify sees only
 * sign_revocation_check, so a fuller checker can replace this file. */
#include "sign_internal.h"

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#define OCSP_MAX (1024 * 1024)
#define CRL_MAX (64 * 1024 * 1024)
#define FETCH_TIMEOUT_MS 10000L
#define CLOCK_SKEW 300L /* seconds of clock difference tolerated on thisUpdate */

typedef struct {
  unsigned char *data;
  size_t len, max;
  bool too_big;
} fetch_buf;

static size_t on_data(char *ptr, size_t size, size_t n, void *arg) {
  fetch_buf *b = arg;
  size_t add = size * n;
  if (b->len + add > b->max) {
    b->too_big = true;
    return 0;
  }
  unsigned char *grown = realloc(b->data, b->len + add);
  if (grown == NULL)
    return 0;
  memcpy(grown + b->len, ptr, add);
  b->data = grown;
  b->len += add;
  return add;
}

/* GET (body NULL) or POST url; the 200 reply's body into *out. */
static casc_err fetch(const char *url, const unsigned char *body, size_t body_len,
                      const char *content_type, size_t max, fetch_buf *out, casc_error *e) {
  casc_err rc = CASC_OK;
  struct curl_slist *hdrs = NULL;
  long code = 0;
  CURL *c = curl_easy_init();
  out->max = max;
  if (c == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, FETCH_TIMEOUT_MS);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
  if (body != NULL) {
    char h[128];
    snprintf(h, sizeof h, "Content-Type: %s", content_type);
    hdrs = curl_slist_append(NULL, h);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body_len);
  }
  CURLcode cc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  if (cc != CURLE_OK)
    rc = casc_error_set(e, CASC_ERR_IO, "%s: %s", url,
                        out->too_big ? "reply too large" : curl_easy_strerror(cc));
  else if (code != 200)
    rc = casc_error_set(e, CASC_ERR_IO, "%s: HTTP status %ld", url, code);
  curl_slist_free_all(hdrs);
  curl_easy_cleanup(c);
  return rc;
}

static void set_revoked(casc_sig_rev_info *out, const char *source, const ASN1_TIME *when,
                        int reason, const ASN1_GENERALIZEDTIME *invalidity) {
  casc_error ignore = {0};
  out->status = CASC_SIG_REV_REVOKED;
  snprintf(out->source, sizeof out->source, "%s", source);
  casc_asn1_time_get(when, &out->revoked_at, &ignore);
  if (invalidity != NULL &&
      casc_asn1_time_get(invalidity, &out->invalidity_date, &ignore) == CASC_OK)
    out->has_invalidity = true;
  snprintf(out->reason, sizeof out->reason, "%s",
           reason >= 0 && reason != OCSP_REVOKED_STATUS_NOSTATUS ? OCSP_crl_reason_str(reason)
                                                                 : "");
}

static casc_err check_ocsp(X509 *cert, X509 *issuer, X509_STORE *trust,
                           STACK_OF(X509) *untrusted, casc_sig_rev_info *out, casc_error *e) {
  casc_err rc = CASC_OK;
  STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(cert);
  OCSP_REQUEST *req = NULL;
  OCSP_CERTID *id = NULL;
  OCSP_RESPONSE *resp = NULL;
  OCSP_BASICRESP *bs = NULL;
  STACK_OF(X509) *extra = NULL;
  unsigned char *der = NULL;
  fetch_buf reply = {0};
  const char *url = sk_OPENSSL_STRING_num(urls) > 0 ? sk_OPENSSL_STRING_value(urls, 0) : NULL;
  if (url == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOT_FOUND, "no OCSP URL in the certificate");
    goto out;
  }
  if ((req = OCSP_REQUEST_new()) == NULL ||
      (id = OCSP_cert_to_id(EVP_sha1(), cert, issuer)) == NULL ||
      OCSP_request_add0_id(req, OCSP_CERTID_dup(id)) == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "building the OCSP request failed");
    goto out;
  }
  int len = i2d_OCSP_REQUEST(req, &der);
  if (len <= 0) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "encoding the OCSP request failed");
    goto out;
  }
  if ((rc = fetch(url, der, (size_t)len, "application/ocsp-request", OCSP_MAX, &reply, e)) !=
      CASC_OK)
    goto out;
  const unsigned char *p = reply.data;
  if ((resp = d2i_OCSP_RESPONSE(NULL, &p, (long)reply.len)) == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_PARSE, "%s: not an OCSP response", url);
    goto out;
  }
  if (OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL ||
      (bs = OCSP_response_get1_basic(resp)) == NULL) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "%s: OCSP response status %s", url,
                        OCSP_response_status_str(OCSP_response_status(resp)));
    goto out;
  }
  if ((extra = sk_X509_dup(untrusted)) == NULL || !sk_X509_push(extra, issuer)) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  if (OCSP_basic_verify(bs, extra, trust, 0) <= 0) {
    rc = casc_error_ssl(e, CASC_ERR_INTEGRITY, "%s: the OCSP response does not verify", url);
    goto out;
  }
  int status = -1, reason = -1;
  ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
  if (OCSP_resp_find_status(bs, id, &status, &reason, &rev, &thisupd, &nextupd) != 1) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "%s: the OCSP response does not cover the certificate",
                        url);
    goto out;
  }
  if (OCSP_check_validity(thisupd, nextupd, CLOCK_SKEW, -1) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_INTEGRITY, "%s: the OCSP response is stale", url);
    goto out;
  }
  if (status == V_OCSP_CERTSTATUS_GOOD) {
    out->status = CASC_SIG_REV_GOOD;
    snprintf(out->source, sizeof out->source, "ocsp");
  } else if (status == V_OCSP_CERTSTATUS_REVOKED) {
    OCSP_SINGLERESP *single = OCSP_resp_get0(bs, OCSP_resp_find(bs, id, -1));
    ASN1_GENERALIZEDTIME *inv =
        single != NULL ? OCSP_SINGLERESP_get1_ext_d2i(single, NID_invalidity_date, NULL, NULL)
                       : NULL;
    set_revoked(out, "ocsp", rev, reason, inv);
    ASN1_GENERALIZEDTIME_free(inv);
  } else {
    rc = casc_error_set(e, CASC_ERR_NOT_FOUND, "%s: the responder does not know the certificate",
                        url);
  }
out:
  free(reply.data);
  OPENSSL_free(der);
  sk_X509_free(extra);
  OCSP_BASICRESP_free(bs);
  OCSP_RESPONSE_free(resp);
  OCSP_CERTID_free(id);
  OCSP_REQUEST_free(req);
  X509_email_free(urls);
  return rc;
}

/* The first http(s) URI of the first distribution point. */
static bool crl_url(X509 *cert, char *buf, size_t bufsz) {
  STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
  bool found = false;
  for (int i = 0; i < sk_DIST_POINT_num(dps) && !found; i++) {
    DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
    if (dp->distpoint == NULL || dp->distpoint->type != 0)
      continue;
    GENERAL_NAMES *names = dp->distpoint->name.fullname;
    for (int j = 0; j < sk_GENERAL_NAME_num(names) && !found; j++) {
      GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, j);
      if (gn->type != GEN_URI)
        continue;
      const char *s = (const char *)ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier);
      if ((strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0) &&
          strlen(s) < bufsz) {
        snprintf(buf, bufsz, "%s", s);
        found = true;
      }
    }
  }
  sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
  return found;
}

static casc_err check_crl(X509 *cert, X509 *issuer, casc_sig_rev_info *out, casc_error *e) {
  casc_err rc = CASC_OK;
  char url[2048];
  fetch_buf reply = {0};
  X509_CRL *crl = NULL;
  if (!crl_url(cert, url, sizeof url))
    return casc_error_set(e, CASC_ERR_NOT_FOUND, "no CRL distribution point");
  if ((rc = fetch(url, NULL, 0, NULL, CRL_MAX, &reply, e)) != CASC_OK)
    goto out;
  const unsigned char *p = reply.data;
  if ((crl = d2i_X509_CRL(NULL, &p, (long)reply.len)) == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_PARSE, "%s: not a DER CRL", url);
    goto out;
  }
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0 ||
      X509_CRL_verify(crl, X509_get0_pubkey(issuer)) != 1) {
    ERR_clear_error();
    rc = casc_error_set(e, CASC_ERR_INTEGRITY, "%s: the CRL is not signed by the issuer", url);
    goto out;
  }
  time_t now = casc_now(), next = 0;
  casc_error ignore = {0};
  const ASN1_TIME *nu = X509_CRL_get0_nextUpdate(crl);
  if (nu == NULL || casc_asn1_time_get(nu, &next, &ignore) != CASC_OK || next < now) {
    rc = casc_error_set(e, CASC_ERR_INTEGRITY, "%s: the CRL is stale", url);
    goto out;
  }
  X509_REVOKED *rev = NULL;
  if (X509_CRL_get0_by_cert(crl, &rev, cert) == 1 && rev != NULL) {
    ASN1_ENUMERATED *reason = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, NULL, NULL);
    ASN1_GENERALIZEDTIME *inv = X509_REVOKED_get_ext_d2i(rev, NID_invalidity_date, NULL, NULL);
    set_revoked(out, "crl", X509_REVOKED_get0_revocationDate(rev),
                reason != NULL ? (int)ASN1_ENUMERATED_get(reason) : -1, inv);
    ASN1_ENUMERATED_free(reason);
    ASN1_GENERALIZEDTIME_free(inv);
  } else {
    out->status = CASC_SIG_REV_GOOD;
    snprintf(out->source, sizeof out->source, "crl");
  }
out:
  free(reply.data);
  X509_CRL_free(crl);
  return rc;
}

casc_err sign_revocation_check(X509 *cert, X509 *issuer, X509_STORE *trust,
                               STACK_OF(X509) *untrusted, casc_sig_rev_info *out, casc_error *e) {
  casc_error oe = {0}, ce = {0};
  memset(out, 0, sizeof *out);
  if (check_ocsp(cert, issuer, trust, untrusted, out, &oe) == CASC_OK)
    return CASC_OK;
  memset(out, 0, sizeof *out);
  if (check_crl(cert, issuer, out, &ce) == CASC_OK)
    return CASC_OK;
  memset(out, 0, sizeof *out);
  out->status = CASC_SIG_REV_UNKNOWN;
  snprintf(out->source, sizeof out->source, "none");
  snprintf(out->detail, sizeof out->detail, "OCSP: %.120s; CRL: %.120s", oe.msg, ce.msg);
  return CASC_OK;
}
