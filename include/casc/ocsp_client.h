/* casc ocsp client: ask an OCSP responder about one certificate and verify
 * the answer fully (RFC 6960, RFC 5019, RFC 9654 nonces), or verify bytes
 * already in hand (a TLS staple, a staple file) the same way.
 *
 * What "verified" means here:
 * - responseStatus is successful and the response is a basic response;
 * - the BasicOCSPResponse signature verifies with the responder's key;
 * - the responder is the issuer itself (byName or byKey), or a delegated
 *   signer whose certificate is included in the response, was issued
 *   directly by the issuer (its signature verifies with the issuer's key)
 *   and carries the extended key usage id-kp-OCSPSigning (RFC 6960 4.2.2.2);
 * - a SingleResponse whose CertID matches ours: hash algorithm, issuer
 *   name hash, issuer key hash and serial;
 * - thisUpdate is not more than the skew in the future, nextUpdate is
 *   present and not passed (minus the skew);
 * - the nonce is echoed when one was sent.
 * The issuer is trusted as given: validating it up to a trust anchor is the
 * caller's business (casc check does it). */
#ifndef CASC_OCSP_CLIENT_H
#define CASC_OCSP_CLIENT_H

#include "casc/base.h"
#include "casc/fetch.h"

#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define CASC_OCSP_CLIENT_NONCE_LEN 32   /* RFC 9654: 32 octets is what to send */
#define CASC_OCSP_CLIENT_SKEW 300       /* seconds of clock skew tolerated */
#define CASC_OCSP_CLIENT_GET_MAX 255    /* RFC 5019 5: GET when the URL fits */
#define CASC_OCSP_CLIENT_MAX_RESPONSE (64 * 1024)

/* The certificate status, as the response states it. */
typedef enum {
  CASC_OCSP_CLIENT_GOOD = 0,
  CASC_OCSP_CLIENT_REVOKED = 1,
  CASC_OCSP_CLIENT_UNKNOWN = 2,
} casc_ocsp_client_status;

/* Which way a query ended (the return code says the same; this is for
 * callers that keep results). */
typedef enum {
  CASC_OCSP_OUTCOME_VERIFIED = 0,    /* status below is trustworthy */
  CASC_OCSP_OUTCOME_INVALID = 1,     /* a response came and failed verification */
  CASC_OCSP_OUTCOME_UNREACHABLE = 2, /* no usable answer: network, HTTP error,
                                        tryLater or internalError */
} casc_ocsp_outcome;

/* Zero-initialise and set what matters. */
typedef struct {
  int hash_nid;            /* CertID hash: NID_sha1 (0 means this) or NID_sha256 */
  bool nonce;              /* send a 32-octet nonce and require it echoed */
  const char *url;         /* responder; NULL: the certificate's AIA OCSP URL */
  bool force_post;         /* POST even when the GET URL would fit */
  long skew;               /* seconds; 0: CASC_OCSP_CLIENT_SKEW; -1: none */
  time_t now;              /* 0: casc_now() */
  casc_fetch_opts fetch;   /* timeouts; max_size 0 means CASC_OCSP_CLIENT_MAX_RESPONSE */
} casc_ocsp_client_opts;

/* Everything learned. Strings are NUL-terminated, empty when unknown. */
typedef struct {
  casc_ocsp_outcome outcome;
  int response_status;          /* OCSPResponseStatus, -1 when nothing parsed */
  casc_ocsp_client_status status; /* meaningful when outcome is VERIFIED */
  time_t this_update;
  time_t next_update;           /* 0 when absent (which fails verification) */
  time_t produced_at;
  time_t revoked_at;            /* when REVOKED */
  int reason;                   /* CRLReason when REVOKED and stated, else -1 */
  char reason_name[32];         /* RFC 5280 name ("keyCompromise"), "" for none */
  char responder[512];          /* RFC 4514 subject of the signer certificate */
  char responder_id[512];       /* the ResponderID: "byName: ..." or "byKey: HEX" */
  bool delegated;               /* signed by a delegated responder, not the issuer */
  int hash_nid;                 /* CertID hash used */
  char serial[2 * 32 + 1];      /* of the certificate, upper-case hex */
  bool nonce_sent;
  bool nonce_echoed;            /* the response carried our nonce back */
  char url[CASC_FETCH_URL_MAX]; /* where it was asked ("" for a staple) */
  const char *method;           /* "GET", "POST" or NULL */
  char error[512];              /* why verification failed (INVALID) or nothing came
                                   back (UNREACHABLE); "" when verified */
  unsigned char *der;           /* the response bytes, owned (NULL if none came) */
  size_t der_len;
} casc_ocsp_client_result;

/* Frees what r owns and zeroes it; NULL is fine. */
void casc_ocsp_client_result_free(casc_ocsp_client_result *r);

/* Builds a DER OCSPRequest for (cert, issuer) with the CertID hashed by
 * hash_nid. When nonce is not NULL, nonce_len octets (1..32) go into a
 * non-critical nonce extension. *der is freed with OPENSSL_free. */
casc_err casc_ocsp_client_request(X509 *cert, X509 *issuer, int hash_nid,
                                  const unsigned char *nonce, size_t nonce_len,
                                  unsigned char **der, size_t *der_len, casc_error *e);

/* Asks the responder (opts->url or the AIA OCSP URL) about cert: GET when
 * base URL + "/" + the URL-encoded base64 request fits in 255 octets and
 * force_post is off, POST otherwise. issuer may be NULL: it is then fetched
 * through caIssuers. Fills *out (always, when out is not NULL: free it
 * with casc_ocsp_client_result_free whatever the return).
 * Returns:
 * - CASC_OK: verified; out->status says good, revoked or unknown;
 * - CASC_ERR_INTEGRITY: a response came but fails verification;
 * - CASC_ERR_IO: the responder is unreachable or gave no usable answer
 *   (HTTP error, not an OCSP response, tryLater, internalError);
 * - CASC_ERR_NOT_FOUND: no responder URL (no --url, no AIA OCSP), or the
 *   issuer could not be found (no caIssuers);
 * - CASC_ERR_USAGE, CASC_ERR_PARSE, CASC_ERR_NOMEM, ...: bad inputs. */
casc_err casc_ocsp_client_query(X509 *cert, X509 *issuer, const casc_ocsp_client_opts *opts,
                                casc_ocsp_client_result *out, casc_error *e);

/* Verifies response bytes for (cert, issuer) without any network: for
 * staples. nonce (may be NULL) is the nonce that was sent, required echoed.
 * Only opts->skew, opts->now and opts->hash_nid are used (opts may be
 * NULL; hash_nid 0 here accepts a SHA-1 or a SHA-256 CertID). An issuer
 * that did not issue cert is CASC_ERR_USAGE. The bytes are
 * copied into out->der. Returns CASC_OK when verified (out->status then
 * holds the status), CASC_ERR_INTEGRITY when the bytes do not parse or do
 * not verify (out->error says why, and so does e), CASC_ERR_IO for a
 * well-formed tryLater or internalError answer. */
casc_err casc_ocsp_client_verify(const unsigned char *der, size_t len, X509 *cert, X509 *issuer,
                                 const unsigned char *nonce, size_t nonce_len,
                                 const casc_ocsp_client_opts *opts, casc_ocsp_client_result *out,
                                 casc_error *e);

/* "good", "revoked", "unknown". */
const char *casc_ocsp_client_status_name(casc_ocsp_client_status s);

#endif
