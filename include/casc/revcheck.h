/* casc revcheck: is this certificate good? Chain validation against a
 * trust store, expiry, and revocation by the stapled response, OCSP and
 * CRLs, under a hard- or soft-fail policy, with Must-Staple (RFC 7633).
 *
 * Three layers, each usable alone:
 * - casc_revcheck_status: the revocation status of one (cert, issuer) pair,
 *   trying a staple, then OCSP, then the CRL distribution points (fetched,
 *   verified, scope-checked, cached on disk until nextUpdate, indexed).
 *   casc verify (code signing) calls this for each certificate of a chain
 *   and judges the answer at the timestamp's time (casc_revcheck_revoked_at);
 * - casc_revcheck_chain: path building and validation (OpenSSL's
 *   X509_verify_cert) with intermediates from the input, the TLS peer or
 *   fetched through AIA caIssuers;
 * - casc_check_run: both, for a certificate file or a TLS server
 *   (casc_tls_probe), folded into one verdict as `casc check` prints it. */
#ifndef CASC_REVCHECK_H
#define CASC_REVCHECK_H

#include "casc/base.h"

#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef enum {
  CASC_REV_GOOD = 0,
  CASC_REV_REVOKED = 1,
  CASC_REV_UNKNOWN = 2,       /* the responder does not know the certificate */
  CASC_REV_INDETERMINATE = 3, /* no source gave a usable answer */
} casc_rev_status;

typedef enum {
  CASC_REV_SOURCE_NONE = 0,
  CASC_REV_SOURCE_STAPLE = 1,
  CASC_REV_SOURCE_OCSP = 2,
  CASC_REV_SOURCE_CRL = 3,
} casc_rev_source;

typedef enum { CASC_REV_POLICY_HARD = 0, CASC_REV_POLICY_SOFT = 1 } casc_rev_policy;

typedef enum {
  CASC_VERDICT_GOOD = 0,
  CASC_VERDICT_REVOKED = 1,
  CASC_VERDICT_INVALID = 2,
  CASC_VERDICT_INDETERMINATE = 3,
} casc_verdict;

/* Zero-initialise and set what matters. */
typedef struct {
  const unsigned char *staple; /* OCSP response bytes from the TLS handshake or a file */
  size_t staple_len;
  bool no_ocsp, no_crl;       /* skip a source */
  long timeout_ms;            /* per fetch; 0: the fetcher's default */
  bool no_cache;              /* neither read nor write the CRL disk cache */
  const char *cache_dir;      /* NULL: casc_crl_cache_dir() */
  time_t now;                 /* the current time; 0: casc_now() */
} casc_revcheck_opts;

/* Maximum CRL fetched (bytes): a million entries are about 45 MB. */
#define CASC_REVCHECK_CRL_MAX ((size_t)512 * 1024 * 1024)

typedef struct {
  casc_rev_status status;
  casc_rev_source source;    /* what answered (NONE when indeterminate) */
  time_t revoked_at;         /* REVOKED */
  int reason;                /* CRLReason or -1 */
  time_t invalidity_date;    /* 0 when none was stated */
  time_t this_update, next_update; /* of the answer used */
  char url[2048];            /* where the answer came from ("" for a staple) */
  bool staple_given;         /* a staple was offered ... */
  bool staple_valid;         /* ... and verified */
  bool crl_cached;           /* the CRL came from the disk cache */
  char detail[1024];         /* for each source tried and failed, why; "; "-separated */
} casc_revcheck_result;

/* The revocation status of cert, issued by issuer. Always fills *out;
 * returns CASC_OK unless something local failed (out of memory): the
 * failures of sources are in out->detail and make the status
 * INDETERMINATE. */
casc_err casc_revcheck_status(X509 *cert, X509 *issuer, const casc_revcheck_opts *opts,
                              casc_revcheck_result *out, casc_error *e);

/* Whether a REVOKED result counts at time t: its revocation date or its
 * invalidity date is at or before t. */
bool casc_revcheck_revoked_at(const casc_revcheck_result *r, time_t t);

/* What one result means under a policy, judged at time at (0: now, so
 * any revocation counts): REVOKED when casc_revcheck_revoked_at(r, at);
 * GOOD when good, or revoked only after at; otherwise (unknown to the
 * responder, indeterminate) INDETERMINATE under hard-fail, and GOOD with
 * *soft_failed set (warn) under soft-fail. For casc verify: at is the
 * timestamp's time. */
casc_verdict casc_revcheck_judge(const casc_revcheck_result *r, casc_rev_policy policy, time_t at,
                                 bool *soft_failed);

/* "good", "revoked", "unknown", "indeterminate"; "none", "staple",
 * "ocsp", "crl". */
const char *casc_rev_status_name(casc_rev_status s);
const char *casc_rev_source_name(casc_rev_source s);

/* Does cert carry the TLS feature status_request (RFC 7633 Must-Staple)? */
bool casc_revcheck_must_staple(X509 *cert);

/* --- chains ------------------------------------------------------------------ */
typedef struct {
  const char *trust_file;    /* PEM trust anchors, self-signed or not; NULL: the system store */
  STACK_OF(X509) *untrusted; /* intermediates offered (may be NULL) */
  bool no_fetch;             /* do not fetch missing issuers through caIssuers */
  const char *host;          /* check the leaf is for this DNS name or IP (NULL: no) */
  int purpose;               /* X509_PURPOSE_*; 0: any */
  long timeout_ms;
  time_t now;                /* 0: casc_now() */
} casc_chain_opts;

/* Builds and validates cert's chain. CASC_OK with *chain (leaf first,
 * trust anchor last; free with sk_X509_pop_free) when valid;
 * CASC_ERR_INTEGRITY naming the problem (untrusted, expired, not yet valid,
 * bad signature, wrong host) when not; *expired says the failure is
 * expiry. CASC_ERR_IO / CASC_ERR_PARSE when the trust file cannot be read. */
casc_err casc_revcheck_chain(X509 *cert, const casc_chain_opts *opts, STACK_OF(X509) **chain,
                             bool *expired, casc_error *e);

/* --- TLS --------------------------------------------------------------------- */
typedef struct {
  char protocol[16];         /* "TLSv1.3" */
  char cipher[64];
  STACK_OF(X509) *peer_chain; /* as sent, leaf first (owned) */
  unsigned char *staple;     /* the stapled OCSP response (owned), NULL when none */
  size_t staple_len;
} casc_tls_info;

/* Connects to host:port (SNI servername, or host when it is a name),
 * asks for a staple (status_request) and completes a handshake without
 * judging the chain: casc_revcheck_chain does that. CASC_ERR_IO when the
 * server cannot be reached or the handshake fails. */
casc_err casc_tls_probe(const char *host, const char *port, const char *servername,
                        long timeout_ms, casc_tls_info *out, casc_error *e);
void casc_tls_info_free(casc_tls_info *t);

/* --- the whole check ----------------------------------------------------------- */

typedef struct {
  const char *trust_file;
  casc_rev_policy policy;
  bool no_ocsp, no_crl, no_fetch, no_cache;
  long timeout_ms;
  /* a certificate file (PEM with its chain, or DER) ... */
  const char *file;
  const char *staple_file; /* with file: a DER OCSP response to try first (a staple file) */
  /* ... or a TLS server */
  const char *host, *port, *servername;
} casc_check_opts;

/* One certificate of the validated chain and its revocation result. */
typedef struct {
  X509 *cert;
  bool checked; /* revocation checked (every certificate but the anchor) */
  casc_revcheck_result rev;
} casc_check_link;

typedef struct {
  casc_verdict verdict;
  bool soft_failed;       /* indeterminate, accepted under soft-fail: warn */
  char reason[2048];      /* why the verdict is not good ("" when good) */
  X509 *leaf;             /* owned */
  bool chain_valid;
  bool expired;
  casc_check_link *links; /* leaf first */
  size_t n_links;
  bool tls;
  casc_tls_info tls_info;
  unsigned char *staple_file_der; /* --staple's bytes (owned) */
  size_t staple_file_len;
  bool stapled;           /* tls: the server stapled a response */
  bool must_staple;       /* the leaf has the TLS feature status_request */
  casc_rev_source source; /* the leaf's answer */
  casc_rev_status status; /* the leaf's status */
} casc_check_report;

/* Runs the check. CASC_OK with a verdict in *r (always fill; free with
 * casc_check_report_free); CASC_ERR_PARSE / CASC_ERR_IO for unreadable
 * input files, CASC_ERR_USAGE for bad options. A TLS server that cannot be
 * reached is CASC_ERR_IO too. */
casc_err casc_check_run(const casc_check_opts *opts, casc_check_report *r, casc_error *e);
void casc_check_report_free(casc_check_report *r);
const char *casc_verdict_name(casc_verdict v);

#endif
