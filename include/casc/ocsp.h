/* casc ocsp: the OCSP responder (RFC 6960, RFC 5019 and its SHA-256 update
 * RFC 9919, BR 4.9.9 and 4.9.10): request parsing, response signing,
 * presigning into the store, and the routes `casc serve` answers with.
 *
 * Who signs: each issuing CA's delegated responder (certs/ocsp-signer.pem
 * for issuing-ca, certs/<ca>-ocsp-signer.pem for the others), identified
 * byKey and included in every response. The root has no responder: the
 * certificates it issues are CA certificates, covered by its CRL, and its
 * key is not one to keep loaded in a network daemon. A request about a
 * root-issued certificate is answered unauthorized, as for any issuer this
 * responder does not serve. */
#ifndef CASC_OCSP_H
#define CASC_OCSP_H

#include "casc/base.h"
#include "casc/ca.h"
#include "casc/http.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* BR 4.9.10 allows a validity from 8 hours to 10 days, and wants a
 * response of 16 hours or more refreshed at least 8 hours before its
 * nextUpdate and no later than 4 days after its thisUpdate. A validity past
 * 4 days therefore saves no signing (the 4-day refresh rule bites first);
 * it only lets a relying party cache a "good" answer longer after a
 * revocation. 4 days is the longest validity that buys something. */
#define CASC_OCSP_VALIDITY (4 * 86400)
#define CASC_OCSP_NONCE_MAX 32  /* RFC 9654 2.1: 1 to 32 octets */
#define CASC_OCSP_SERIAL_MAX 32 /* octets of a serial's INTEGER content; RFC 5280 allows 20 */

/* OCSPResponseStatus (RFC 6960 4.2.1). */
enum {
  CASC_OCSP_SUCCESSFUL = 0,
  CASC_OCSP_MALFORMED = 1,
  CASC_OCSP_INTERNAL_ERROR = 2,
  CASC_OCSP_TRY_LATER = 3,
  CASC_OCSP_SIG_REQUIRED = 5,
  CASC_OCSP_UNAUTHORIZED = 6,
};

/* CertStatus. */
typedef enum {
  CASC_OCSP_GOOD = 0,
  CASC_OCSP_REVOKED = 1,
  CASC_OCSP_UNKNOWN = 2,
} casc_ocsp_cert_status;

/* When a response signed at this_update with next_update is due again
 * (BR 4.9.10: half the validity under 16 hours; otherwise the earlier of 8
 * hours before nextUpdate and 4 days after thisUpdate). */
time_t casc_ocsp_refresh_at(time_t this_update, time_t next_update);

/* --- requests ------------------------------------------------------------ */
/* The first single request of an OCSPRequest (RFC 5019 2.1.1 lets a
 * responder answer only that one) and the nonce, if any. */
typedef struct {
  int hash_nid;                 /* NID_sha1 or NID_sha256 */
  unsigned char name_hash[32];  /* hash_len octets each */
  unsigned char key_hash[32];
  size_t hash_len;
  unsigned char serial[CASC_OCSP_SERIAL_MAX]; /* the INTEGER's content octets */
  size_t serial_len;
  size_t n_requests;            /* in the requestList; only the first is answered */
  bool has_nonce;
  unsigned char nonce[CASC_OCSP_NONCE_MAX];
  size_t nonce_len;
} casc_ocsp_request;

/* Parses DER bytes from the network. CASC_ERR_PARSE, naming the problem,
 * for anything that is not one well-formed OCSPRequest: trailing bytes, a
 * hash algorithm other than SHA-1 and SHA-256, hashes of the wrong length,
 * a negative or oversized serial, a nonce outside 1 to 32 octets, a
 * critical extension it does not know. */
casc_err casc_ocsp_request_parse(const unsigned char *der, size_t len, casc_ocsp_request *out,
                                 casc_error *e);
/* Decodes the base64 of a GET request (RFC 6960 A.1, after the path's
 * percent-decoding, which this does too) into out (at most out_max bytes). */
casc_err casc_ocsp_request_from_url(const char *s, size_t len, unsigned char *out,
                                    size_t out_max, size_t *out_len, casc_error *e);

/* --- the responder --------------------------------------------------------- */
typedef struct casc_ocsp_responder casc_ocsp_responder;

/* Loads each issuing CA's delegated responder (certificate and key) and
 * precomputes the CertID hashes of every issuer under SHA-1 and SHA-256.
 * Borrows nothing from ca after it returns. Signing is thread-safe. */
casc_err casc_ocsp_responder_new(casc_ca *ca, casc_ocsp_responder **out, casc_error *e);
void casc_ocsp_responder_free(casc_ocsp_responder *r);

/* The status a certificate is answered with. */
typedef struct {
  casc_ocsp_cert_status status;
  time_t revoked_at;            /* when revoked */
  int reason;                   /* CRLReason, -1 for none */
} casc_ocsp_status;

/* The responder's index for the issuer that req names, or -1 when it serves
 * no such issuer (answer unauthorized). */
int casc_ocsp_responder_find(const casc_ocsp_responder *r, const casc_ocsp_request *req);
/* The issuer's database id for responder index i, or 0. */
int64_t casc_ocsp_responder_issuer_id(const casc_ocsp_responder *r, int i);
/* Responder index of an issuer by database id, -1 when it has no responder. */
int casc_ocsp_responder_index(const casc_ocsp_responder *r, int64_t issuer_id);

/* Signs a successful OCSPResponse for one certificate of issuer i: the
 * CertID is built with hash_nid (NID_sha1 or NID_sha256) from serial (raw
 * INTEGER content octets); nonce (may be NULL) is echoed. thisUpdate is
 * `now`, nextUpdate now + CASC_OCSP_VALIDITY. *der is freed with
 * OPENSSL_free. */
casc_err casc_ocsp_sign(const casc_ocsp_responder *r, int i, int hash_nid,
                        const unsigned char *serial, size_t serial_len,
                        const casc_ocsp_status *st, const unsigned char *nonce, size_t nonce_len,
                        time_t now, unsigned char **der, size_t *der_len, casc_error *e);

/* The unsigned answers of RFC 6960 4.2.1 (malformedRequest, unauthorized,
 * ...): static bytes. */
const unsigned char *casc_ocsp_error_response(int status, size_t *len);

/* --- one request, end to end (what the server and the fuzz target run) --- */
/* Answers a DER OCSPRequest by looking the certificate up in the store:
 * used for nonces and by tests. *der is OPENSSL_free'd by the caller. */
casc_err casc_ocsp_answer_from_store(const casc_ocsp_responder *r, casc_store *store,
                                     const unsigned char *req_der, size_t req_len, time_t now,
                                     unsigned char **der, size_t *der_len, casc_error *e);

/* Re-issues each delegated responder's certificate (same key and subject,
 * same lifetime) once it has 30 days or less left, so that no answer is
 * ever signed under an expired one; *count says how many were renewed.
 * casc ocsp presign and casc serve call it; a responder loaded before
 * must be loaded again to sign with the new certificate. */
casc_err casc_ocsp_renew_signers(casc_ca *ca, time_t now, size_t *count, casc_error *e);

/* --- presigning -------------------------------------------------------------- */
typedef struct {
  size_t signed_count;   /* responses signed and stored */
  size_t skipped;        /* certificates of issuers without a responder */
  time_t next_due;       /* when the responses signed now are due again */
} casc_ocsp_presign_report;

/* Signs and stores a response for every certificate that needs one: every
 * unexpired certificate, and expired code-signing and timestamping
 * certificates (CSBR: their status is still verified), whose stored
 * response is missing, due (casc_ocsp_refresh_at), or disagrees with the
 * database about revocation. progress, when not NULL, is called now and
 * then with the count so far. */
casc_err casc_ocsp_presign(casc_ocsp_responder *r, casc_store *store, time_t now,
                           void (*progress)(size_t done, void *arg), void *arg,
                           casc_ocsp_presign_report *report, casc_error *e);
/* Signs the responses of the certificates queued since the last call (the
 * database queues every certificate issued or revoked), so that a
 * revocation reaches OCSP at once. */
casc_err casc_ocsp_presign_pending(casc_ocsp_responder *r, casc_store *store, time_t now,
                                   size_t *count, casc_error *e);

/* The hook for `casc revoke`: after a committed revocation of serial,
 * re-signs its response so that it is served within the daemon's poll
 * interval. Opens the responder itself. */
casc_err casc_ocsp_after_revoke(casc_ca *ca, const char *serial, casc_error *e);

/* --- serving ----------------------------------------------------------------- */
/* The [ocsp] section of casc.conf. */
typedef struct {
  /* nonce = echo (default): a request with a nonce gets a response signed
   * for it that echoes the nonce. nonce = ignore: it gets the presigned
   * response, without the nonce (RFC 9654 lets a responder ignore it; RFC
   * 5019 responders do), which keeps the cost of such requests flat. */
  bool nonce_presigned;
} casc_ocsp_config;

/* Reads the [ocsp] section of DIR/casc.conf; cfg is left as it was on an
 * error. */
casc_err casc_ocsp_config_load(const char *ca_dir, casc_ocsp_config *cfg, casc_error *e);

typedef struct casc_ocsp_service casc_ocsp_service;

/* Loads the stored responses into memory, starts the thread that keeps
 * them fresh (it signs what is queued or due and polls the store once a
 * second, swapping in a new immutable snapshot), and returns the routes to
 * add to the server: /ocsp (GET and POST) and /metrics. */
casc_err casc_ocsp_service_start(casc_ca *ca, casc_ocsp_service **out, casc_error *e);
const casc_http_route *casc_ocsp_service_routes(const casc_ocsp_service *s, size_t *n);
/* casc_ocsp_service_start, and cfg's routes replaced by a table (owned by
 * the service) holding the ones cfg had and the service's. */
casc_err casc_ocsp_serve_attach(casc_ca *ca, casc_http_config *cfg, casc_ocsp_service **out,
                                casc_error *e);
/* Re-reads the [ocsp] section (SIGHUP); it applies from the next request.
 * On an error the configuration in force stays. */
casc_err casc_ocsp_service_reload(casc_ocsp_service *s, casc_error *e);
/* Stops the thread and frees everything; NULL is fine. Call after the
 * server has stopped. */
void casc_ocsp_service_free(casc_ocsp_service *s);

#endif
