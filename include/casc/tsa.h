/* casc tsa: the RFC 3161 time-stamp authority of `casc serve` (/tsa).
 *
 * Replies carry RFC 5816's ESSCertIDv2 (SHA-256 of the TSA certificate,
 * with its issuer and serial), the policy OID and accuracy of casc.conf's
 * [tsa] section, the TSA's name, and a serial number that never repeats;
 * the TSA certificate and its issuing CA are included when the request asks
 * (certReq). SHA-1 and other weak imprints are refused (CSBR 6.8: status
 * rejection, failInfo badAlg), and whatever does not parse gets a proper
 * TimeStampResp with failInfo badDataFormat.
 *
 * Speed: a reply is encoded from templates made once (the DER writer of
 * casc/der.h, as the OCSP presigner does) and signed with one
 * EVP_PKEY_sign over the digest of the signed attributes; every server
 * thread has its own signing context and buffers, so nothing on the hot
 * path takes a lock. */
#ifndef CASC_TSA_H
#define CASC_TSA_H

#include "casc/base.h"
#include "casc/ca.h"
#include "casc/http.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* The CA/Browser Forum's timestamping policy OID, which the TSA certificate
 * of `casc init` carries too; casc.conf [tsa] policy = OID overrides it. */
#define CASC_TSA_DEFAULT_POLICY "2.23.140.1.4.2"
/* genTime has whole seconds, truncated: the time lies within a second of it. */
#define CASC_TSA_DEFAULT_ACCURACY_MS 1000
#define CASC_TSA_MAX_REQUEST 4096 /* bytes; a TimeStampReq over SHA-512 is ~110 */

typedef struct {
  char policy[128];  /* dotted OID */
  int accuracy_ms;   /* 1 to 3600000 */
} casc_tsa_config;

/* The defaults, then the [tsa] section of DIR/casc.conf (keys policy and
 * accuracy_ms); a bad value is CASC_ERR_PARSE naming the line. */
casc_err casc_tsa_config_load(const char *ca_dir, casc_tsa_config *cfg, casc_error *e);

typedef struct casc_tsa casc_tsa;

/* A TSA signing with key under cert, chain (the certificates above cert,
 * without the root; may be NULL) included on certReq. Takes its own
 * references. The key must be EC or RSA. */
casc_err casc_tsa_new(X509 *cert, EVP_PKEY *key, STACK_OF(X509) *chain,
                      const casc_tsa_config *cfg, casc_tsa **out, casc_error *e);
/* The TSA of a CA directory: certs/tsa.pem, keys/tsa.key,
 * certs/timestamping-ca.pem and casc.conf's [tsa]. */
casc_err casc_tsa_open(const char *ca_dir, casc_tsa **out, casc_error *e);
void casc_tsa_free(casc_tsa *t);

/* What a request was answered with. */
typedef enum {
  CASC_TSA_GRANTED = 0,
  CASC_TSA_BAD_ALG,            /* SHA-1, MD5 or an unknown hash: rejection/badAlg */
  CASC_TSA_BAD_DATA_FORMAT,    /* not a well-formed TimeStampReq */
  CASC_TSA_UNACCEPTED_POLICY,  /* reqPolicy is not this TSA's */
  CASC_TSA_UNACCEPTED_EXTENSION, /* any extension: none is supported */
  CASC_TSA_SYSTEM_FAILURE,     /* signing failed */
} casc_tsa_result;

/* The parts of a TimeStampReq a reply needs; pointers into the request. */
typedef struct {
  int md_nid;
  const unsigned char *imprint;   /* the whole MessageImprint TLV, echoed as sent */
  size_t imprint_len;
  const unsigned char *digest;    /* the hashedMessage contents */
  size_t digest_len;
  const unsigned char *policy;    /* reqPolicy OID contents, or NULL */
  size_t policy_len;
  const unsigned char *nonce;     /* the nonce's whole INTEGER TLV, or NULL */
  size_t nonce_len;
  bool cert_req;
  bool has_extensions;
} casc_tsa_request;

/* Parses DER bytes from the network (strict DER, no trailing bytes, version
 * 1, a nonce of at most 32 octets). On failure *result says how to answer
 * (CASC_TSA_BAD_DATA_FORMAT or CASC_TSA_BAD_ALG) and e says why. */
casc_err casc_tsa_request_parse(const unsigned char *der, size_t len, casc_tsa_request *out,
                                casc_tsa_result *result, casc_error *e);

/* Answers one DER TimeStampReq at time now: *resp is a TimeStampResp,
 * granted or a rejection with its failInfo, valid until the calling
 * thread's next casc_tsa_answer on t (per-thread buffer). CASC_OK whenever
 * a reply was made, rejections included; thread-safe. */
casc_err casc_tsa_answer(casc_tsa *t, const unsigned char *req, size_t req_len, time_t now,
                         const unsigned char **resp, size_t *resp_len, casc_tsa_result *result,
                         casc_error *e);

/* --- casc serve ------------------------------------------------------------- */
typedef struct casc_tsa_service casc_tsa_service;

/* Opens the CA's TSA and adds the /tsa route (POST
 * application/timestamp-query; 415 for another type, 413 over
 * CASC_TSA_MAX_REQUEST; the server answers 405 to other methods) to cfg's
 * routes; the service owns the merged table. */
casc_err casc_tsa_serve_attach(casc_ca *ca, casc_http_config *cfg, casc_tsa_service **out,
                               casc_error *e);
/* After the server has stopped; NULL is fine. */
void casc_tsa_service_free(casc_tsa_service *s);

#endif
