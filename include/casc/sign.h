/* casc sign: detached CMS signatures (RFC 5652, DER) over files, and their
 * verification under the Code Signing Baseline Requirements' rules of time.
 *
 * Signing hashes the file itself, in fixed-size chunks (constant memory,
 * any size), then builds one SignerInfo whose signed attributes are
 * contentType (id-data), signingTime, messageDigest and
 * signing-certificate-v2 (RFC 5035), and makes one signing call over their
 * DER: a PKCS#11 token only ever signs a digest. With TSA URLs, an RFC 3161
 * token over the signature value is added as the unsigned attribute
 * id-aa-timeStampToken (1.2.840.113549.1.9.16.2.14).
 *
 * Verification checks the file's bytes against messageDigest, the signature,
 * the signing-certificate-v2 binding, the timestamp token, the code-signing
 * chain to the trust anchors, and revocation, and names the rule that
 * decided. */
#ifndef CASC_SIGN_H
#define CASC_SIGN_H

#include "casc/base.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* --- streamed digests ------------------------------------------------------ */
/* SHA-256, -384 or -512 by name ("sha256", "SHA-384", ...); NULL otherwise. */
const EVP_MD *casc_sign_md_by_name(const char *name);
/* The digest of a whole file, read in chunks (constant memory, files over
 * 4 GB included). out holds EVP_MAX_MD_SIZE bytes. */
casc_err casc_sign_digest_file(const char *path, const EVP_MD *md, unsigned char *out,
                               unsigned *out_len, casc_error *e);

/* --- keys ------------------------------------------------------------------ */
/* A private key from a PEM file or an RFC 7512 pkcs11: URI (libp11 engine;
 * query attributes module-path, pin-value, pin-source). */
typedef struct casc_sign_key casc_sign_key;
casc_err casc_sign_key_load(const char *ref, casc_sign_key **out, casc_error *e);
EVP_PKEY *casc_sign_key_pkey(const casc_sign_key *k); /* borrowed */
void casc_sign_key_free(casc_sign_key *k);
/* True when ref names a PKCS#11 object rather than a file. */
bool casc_sign_key_is_pkcs11(const char *ref);

/* --- signing --------------------------------------------------------------- */
typedef struct casc_signer casc_signer;

typedef struct {
  const char *cert_path;   /* the signer certificate (PEM or DER) */
  const char *key_ref;     /* a PEM file or a pkcs11: URI */
  const char *chain_path;  /* intermediates to embed (PEM), or NULL */
  const EVP_MD *md;        /* NULL: the digest the key pairs with (BR 7.1.3) */
  /* Timestamping: the TSA URLs to try in order (none: no timestamp) and the
   * anchors the TSA's reply must chain to (NULL: the system's default). */
  const char *const *tsa_urls;
  size_t n_tsa;
  const char *tsa_trust_path;
} casc_signer_opts;

/* Loads the certificate, chain and key once, for any number of files. The
 * key must match the certificate. */
casc_err casc_signer_new(const casc_signer_opts *opts, casc_signer **out, casc_error *e);
void casc_signer_free(casc_signer *s);

/* What one signature is. */
typedef struct {
  unsigned char *der; /* the .p7s (malloc'ed; free()) */
  size_t der_len;
  bool timestamped;
  time_t gen_time;    /* the timestamp's genTime when timestamped */
  char tsa_url[512];  /* the TSA that answered */
  /* On failure: the TSAs were the problem (an error from asking them), not
   * the file or the key; the rest of the struct is empty then. */
  bool tsa_failed;
} casc_signature;

void casc_signature_clear(casc_signature *sig);

/* Signs the exact bytes of the file at path. */
casc_err casc_signer_sign_file(casc_signer *s, const char *path, casc_signature *out,
                               casc_error *e);

/* --- verification ---------------------------------------------------------- */
typedef enum {
  CASC_SIG_GOOD,
  CASC_SIG_REVOKED,
  CASC_SIG_INVALID,
  CASC_SIG_INDETERMINATE,
} casc_sig_verdict;

const char *casc_sig_verdict_name(casc_sig_verdict v); /* good, revoked, invalid, indeterminate */

typedef enum {
  CASC_REVOCATION_HARD, /* unknown status: indeterminate */
  CASC_REVOCATION_SOFT, /* unknown status: good, with a warning */
  CASC_REVOCATION_NONE, /* not checked */
} casc_revocation_policy;

casc_err casc_revocation_policy_parse(const char *s, casc_revocation_policy *out,
                                      casc_error *e);

/* The revocation status of one certificate, as the revocation step learned
 * it. */
typedef enum {
  CASC_SIG_REV_NOT_CHECKED,
  CASC_SIG_REV_GOOD,
  CASC_SIG_REV_REVOKED,
  CASC_SIG_REV_UNKNOWN, /* could not be learned (unreachable, no usable CRL...) */
} casc_sig_rev_status;

typedef struct {
  casc_sig_rev_status status;
  char source[8];          /* "ocsp", "crl" or "none" */
  time_t revoked_at;       /* when revoked */
  bool has_invalidity;
  time_t invalidity_date;  /* RFC 5280 5.3.2, when given */
  char reason[32];         /* RFC 5280 reason name, "" if none */
  char detail[512];        /* what was tried, why it failed */
} casc_sig_rev_info;

#define CASC_SIG_MAX_CAS 8 /* CA certificates whose revocation is checked */

typedef struct {
  casc_sig_verdict verdict;
  char decision[1024];         /* the rule that decided, one line */
  char warning[256];           /* a soft-fail or other warning, "" if none */
  /* the signature */
  char digest_alg[16];         /* "sha256", ... */
  char digest_hex[2 * EVP_MAX_MD_SIZE + 1];
  bool digest_ok, signature_ok;
  bool has_signing_cert_v2, signing_cert_v2_ok;
  bool has_signing_time;
  time_t signing_time;         /* claimed by the signer, not trusted */
  /* the signer */
  X509 *signer;                /* owned */
  char signer_subject[512], signer_issuer[512], signer_serial[80];
  time_t not_before, not_after;
  bool lifetime_signing;       /* EKU 1.3.6.1.4.1.311.10.3.13 */
  bool eku_ok;
  /* the timestamp */
  bool timestamped, timestamp_ok;
  time_t ts_gen_time;
  char ts_serial[80], ts_policy[128], ts_tsa[512], ts_error[512];
  STACK_OF(X509) *ts_chain;    /* the TSA certificate first, anchor last (owned) */
  /* the chain, judged at judged_at */
  time_t judged_at;
  bool judged_at_timestamp;    /* false: judged now */
  bool chain_ok;
  char chain_error[512];
  STACK_OF(X509) *chain;       /* signer first, anchor last (owned) */
  /* revocation of the signer certificate, and of the CA certificates
   * between it and the anchor (issuer first) */
  casc_sig_rev_info revocation;
  casc_sig_rev_info ca_revocation[CASC_SIG_MAX_CAS];
  int n_ca_revocation;
  /* revocation of the TSA certificate and its CAs (TSA first): one
   * revoked at or before the timestamp's time voids the timestamp */
  casc_sig_rev_info ts_revocation[CASC_SIG_MAX_CAS];
  int n_ts_revocation;
} casc_verify_result;

void casc_verify_result_clear(casc_verify_result *r);

typedef struct {
  const char *trust_path;             /* PEM anchors (code signing and TSA) */
  casc_revocation_policy revocation;
} casc_verify_opts;

/* Verifies the detached signature sig over the file at path. Returns
 * CASC_OK with the verdict in out whenever a verdict was reached (good or
 * not); an error only when the inputs cannot be read or parsed
 * (CASC_ERR_IO, CASC_ERR_PARSE, CASC_ERR_USAGE). */
casc_err casc_verify_file(const char *path, const unsigned char *sig, size_t sig_len,
                          const casc_verify_opts *opts, casc_verify_result *out, casc_error *e);

/* The parsing step of verification alone, for the fuzz target and tests:
 * CASC_OK when sig is a detached SignedData casc can judge (one signer,
 * id-data, signed attributes with one messageDigest), else CASC_ERR_PARSE
 * with the reason. */
casc_err casc_sign_parse_check(const unsigned char *sig, size_t sig_len, casc_error *e);

#endif
