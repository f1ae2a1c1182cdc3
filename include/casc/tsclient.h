/* casc tsclient: the RFC 3161 time-stamp client.
 *
 * Two halves:
 * - casc_ts_fetch: asks a list of TSAs (HTTP POST
 *   application/timestamp-query, libcurl) for a token over a digest, with a
 *   fresh 64-bit nonce and certReq, retrying each URL with backoff and then
 *   failing over to the next; the first reply that verifies wins.
 * - casc_ts_verify_token / casc_ts_verify_response: the checks a relying
 *   party makes on a TimeStampToken (a CMS ContentInfo of SignedData over a
 *   TSTInfo) or a whole TimeStampResp: status granted, the message imprint
 *   equals the digest, the nonce echoed (when one is expected), the CMS
 *   signature, the ESSCertID / ESSCertIDv2 binding of the signer
 *   certificate (RFC 2634 / RFC 5816), and the signer's chain to the trust
 *   store with id-kp-timeStamping as its sole, critical extended key usage
 *   (RFC 3161 2.3).
 *
 * Error codes (what a caller maps to an exit status):
 *   CASC_ERR_IO         no TSA could be reached or none answered with HTTP
 *                       200 and a TimeStampResp (after every retry);
 *   CASC_ERR_POLICY     a TSA answered but refused (status rejection,
 *                       waiting, revocation...), the message names the
 *                       PKIFailureInfo;
 *   CASC_ERR_INTEGRITY  a reply or token that does not verify (wrong
 *                       imprint, wrong nonce, bad signature, untrusted or
 *                       unfit TSA certificate, broken ESS binding);
 *   CASC_ERR_PARSE      bytes that are not a TimeStampResp / token;
 *   CASC_ERR_USAGE      bad arguments (no URL, a digest of the wrong size).
 * With several URLs casc_ts_fetch reports the last failure; a URL whose
 * reply fails verification is not retried but the next URL is tried. */
#ifndef CASC_TSCLIENT_H
#define CASC_TSCLIENT_H

#include "casc/base.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CASC_TS_SERIAL_MAX 80   /* hex of a serial (RFC 3161 allows up to 160 bits; slack) */
#define CASC_TS_OID_MAX 128     /* dotted policy OID */
#define CASC_TS_NAME_MAX 512    /* RFC 4514 TSA name */
#define CASC_TS_DEFAULT_ATTEMPTS 3
#define CASC_TS_DEFAULT_TIMEOUT_MS 10000
#define CASC_TS_DEFAULT_BACKOFF_MS 250
#define CASC_TS_MAX_RESPONSE (256 * 1024) /* bytes: a reply with a chain is a few KB */

/* What was learned from a verified token. */
typedef struct {
  time_t gen_time;                  /* seconds; the fraction is in gen_time_str */
  char gen_time_str[40];            /* RFC 3339, with the TSA's fraction if any */
  char serial[CASC_TS_SERIAL_MAX];  /* upper-case hex, no colons, as openssl prints it */
  char policy[CASC_TS_OID_MAX];     /* the TSA policy OID, dotted */
  bool has_accuracy;
  int64_t accuracy_us;              /* the accuracy in microseconds when has_accuracy */
  char tsa_name[CASC_TS_NAME_MAX];  /* the signer certificate's subject, RFC 4514 */
  char tsa_field[CASC_TS_NAME_MAX]; /* TSTInfo's tsa GeneralName if present, else "" */
  bool ordering;
  int md_nid;                       /* hash of the message imprint */
  X509 *signer;                     /* the TSA certificate (owned; casc_ts_info_clear) */
  STACK_OF(X509) *chain;            /* signer first, up to and including the anchor (owned) */
  const char *url;                  /* casc_ts_fetch: the URL that answered (borrowed) */
} casc_ts_info;

void casc_ts_info_clear(casc_ts_info *info);

/* How a token is judged. */
typedef struct {
  X509_STORE *trust;                /* anchors (and CRLs if the caller wants them); required */
  STACK_OF(X509) *untrusted;        /* extra intermediates besides those in the token; or NULL */
  /* The time the TSA chain is validated at: 0 means the token's genTime
   * (a token stays verifiable after its TSA certificate expires, as code
   * signing needs); -1 means now. */
  time_t at;
  /* The nonce the reply must echo (big-endian magnitude), or NULL/0 when
   * none is expected; a token with a nonce is still accepted then. */
  const unsigned char *nonce;
  size_t nonce_len;
} casc_ts_verify_opts;

/* Verifies a TimeStampToken (DER ContentInfo) over digest (the imprint,
 * EVP_MD_get_size(md) bytes). Fills info on success (clear it after). */
casc_err casc_ts_verify_token(const unsigned char *token, size_t token_len, const EVP_MD *md,
                              const unsigned char *digest, size_t digest_len,
                              const casc_ts_verify_opts *opts, casc_ts_info *info, casc_error *e);

/* The hash algorithm of a token's message imprint (SHA-256, -384 or -512;
 * CASC_ERR_PARSE for anything else or a token that does not parse), so
 * that a verifier can hash the data with it before casc_ts_verify_token. */
casc_err casc_ts_token_imprint_md(const unsigned char *token, size_t token_len,
                                  const EVP_MD **md, casc_error *e);

/* Verifies a TimeStampResp (DER): status granted (or grantedWithMods),
 * then its token as casc_ts_verify_token. When token/token_len are not
 * NULL they receive where the token lies inside resp (a borrowed slice). */
casc_err casc_ts_verify_response(const unsigned char *resp, size_t resp_len, const EVP_MD *md,
                                 const unsigned char *digest, size_t digest_len,
                                 const casc_ts_verify_opts *opts, casc_ts_info *info,
                                 const unsigned char **token, size_t *token_len, casc_error *e);

/* --- asking a TSA ---------------------------------------------------------- */
typedef struct {
  const char *const *urls;          /* tried in order */
  size_t n_urls;
  int attempts;                     /* per URL; 0: CASC_TS_DEFAULT_ATTEMPTS */
  long timeout_ms;                  /* per attempt, connect included; 0: default */
  long backoff_ms;                  /* before the 2nd attempt, doubled after; 0: default */
  const char *req_policy;           /* reqPolicy OID to ask for, or NULL */
  /* How the reply is judged: trust and untrusted as above; at and the
   * nonce are set by casc_ts_fetch itself (now, and its own nonce). */
  X509_STORE *trust;
  STACK_OF(X509) *untrusted;
} casc_ts_fetch_opts;

/* A verified timestamp over digest (a hash made with md: SHA-256, -384 or
 * -512) from the first TSA in opts->urls that gives one. On success
 * *resp is the whole TimeStampResp DER (what `openssl ts -reply` writes,
 * what `casc timestamp` saves) and *token the TimeStampToken inside it (what
 * CMS carries as the id-aa-timeStampToken unsigned attribute); both are
 * malloc'ed and freed by the caller with free(). info is filled (url
 * included). Either of resp/token may be NULL when not wanted. */
casc_err casc_ts_fetch(const casc_ts_fetch_opts *opts, const EVP_MD *md,
                       const unsigned char *digest, size_t digest_len, unsigned char **resp,
                       size_t *resp_len, unsigned char **token, size_t *token_len,
                       casc_ts_info *info, casc_error *e);

/* The DER TimeStampReq casc_ts_fetch sends (version 1, imprint, nonce,
 * certReq TRUE, reqPolicy if given): for tests and tools. nonce gets a fresh
 * random 8-octet value (top bit clear). *der is freed with free(). */
casc_err casc_ts_request_build(const EVP_MD *md, const unsigned char *digest, size_t digest_len,
                               const char *req_policy, unsigned char nonce[8],
                               unsigned char **der, size_t *der_len, casc_error *e);

/* A PEM file of certificates (one or more) into a new X509_STORE, for
 * --trust options. */
casc_err casc_ts_trust_load(const char *path, X509_STORE **out, casc_error *e);

#endif
