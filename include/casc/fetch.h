/* casc fetch: the HTTP client (libcurl) that the client side uses to reach
 * OCSP responders, CRL distribution points and caIssuers URLs.
 *
 * Secure and bounded by default: http:// and https:// only (redirects
 * too), a connect and a total timeout, a cap on the response size, at most
 * a few redirects, no cookies, no proxy from the environment unless the
 * caller opts in. Every error message names the URL.
 *
 * Error codes, which callers map to verdicts:
 * - CASC_ERR_USAGE: the URL itself is unusable (scheme, syntax, too long);
 * - CASC_ERR_IO: no usable answer: the peer is unreachable, timed out,
 *   answered with an HTTP status other than 200, or sent more than
 *   max_size bytes. Revocation checkers treat this as "indeterminate";
 * - CASC_ERR_NOMEM, CASC_ERR_INTERNAL: local failures. */
#ifndef CASC_FETCH_H
#define CASC_FETCH_H

#include "casc/base.h"

#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>

#define CASC_FETCH_CONNECT_TIMEOUT_MS 5000
#define CASC_FETCH_TIMEOUT_MS 10000
#define CASC_FETCH_MAX_SIZE (1024 * 1024)      /* OCSP responses, certificates */
#define CASC_FETCH_MAX_REDIRECTS 3
#define CASC_FETCH_URL_MAX 2048

/* Zero-initialise and set what matters: every 0 field takes its default. */
typedef struct {
  long connect_timeout_ms; /* 0: CASC_FETCH_CONNECT_TIMEOUT_MS */
  long timeout_ms;         /* the whole transfer; 0: CASC_FETCH_TIMEOUT_MS */
  size_t max_size;         /* 0: CASC_FETCH_MAX_SIZE; CRLs want far more */
  int max_redirects;       /* 0: CASC_FETCH_MAX_REDIRECTS; -1: none followed */
  bool use_env_proxy;      /* honour http_proxy and friends */
  const char *ca_file;     /* https: trust anchors instead of the system's (NULL: system) */
} casc_fetch_opts;

/* A response with status 200. body is NUL-terminated (not counted) and
 * owned; content_type may be NULL. */
typedef struct {
  long http_status;
  unsigned char *body;
  size_t len;
  char *content_type;
  char *effective_url; /* after redirects */
} casc_fetch_response;

/* GET url. opts may be NULL (defaults). On success *out holds the body. */
casc_err casc_fetch_get(const char *url, const casc_fetch_opts *opts, casc_fetch_response *out,
                        casc_error *e);
/* POST body (len bytes) with the Content-Type content_type. */
casc_err casc_fetch_post(const char *url, const char *content_type, const void *body, size_t len,
                         const casc_fetch_opts *opts, casc_fetch_response *out, casc_error *e);
/* Frees what *r holds and zeroes it; NULL and an empty response are fine. */
void casc_fetch_response_free(casc_fetch_response *r);

/* Whether url is an absolute http:// or https:// URL (case-insensitive
 * scheme) with a host. */
bool casc_fetch_url_ok(const char *url);

/* --- helpers on certificates -------------------------------------------- */
/* The first URL of the given AuthorityInfoAccess method (NID_ad_OCSP or
 * NID_ad_ca_issuers) that is http(s), copied into buf. CASC_ERR_NOT_FOUND
 * when the certificate has none. */
casc_err casc_fetch_aia_url(X509 *cert, int method_nid, char *buf, size_t bufsz, casc_error *e);

/* Finds the issuer of cert through its caIssuers URLs (RFC 5280 4.2.2.1):
 * fetches each http(s) one in turn and accepts a DER or PEM certificate, or
 * a certs-only PKCS#7 (DER or PEM), taking the certificate whose subject is
 * cert's issuer and whose key verifies cert's signature. The caller frees
 * *out with X509_free. CASC_ERR_NOT_FOUND when cert has no caIssuers URL,
 * CASC_ERR_IO when none could be fetched, CASC_ERR_INTEGRITY when what was
 * fetched is not cert's issuer. */
casc_err casc_fetch_issuer(X509 *cert, const casc_fetch_opts *opts, X509 **out, casc_error *e);

/* Parses certificates from bytes in any of the forms above (DER
 * certificate, PEM certificates, DER or PEM PKCS#7). The caller frees the
 * stack with sk_X509_pop_free(..., X509_free). CASC_ERR_PARSE when nothing
 * usable is there. */
casc_err casc_fetch_parse_certs(const unsigned char *buf, size_t len, STACK_OF(X509) **out,
                                casc_error *e);

#endif
