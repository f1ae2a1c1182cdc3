/* casc ca: the CA directory, issuance profiles, issuance, revocation and
 * the audit log's signed checkpoint. */
#ifndef CASC_CA_H
#define CASC_CA_H

#include "casc/base.h"
#include "casc/keys.h"
#include "casc/store.h"

#include <openssl/x509.h>
#include <stdbool.h>

typedef struct casc_ca casc_ca;

/* --- the CA directory -------------------------------------------------- */
typedef struct {
  const char *name;     /* organization name; "casc Demo" when NULL */
  const char *country;  /* ISO 3166 code; "XX" (BR 7.1.4.2: none applies) when NULL */
  const char *base_url; /* "http://127.0.0.1:8080" when NULL */
  casc_key_type key_type;
  int crl_shards;       /* 1 to 256; 0 means the default */
} casc_init_opts;

#define CASC_DEFAULT_BASE_URL "http://127.0.0.1:8080"
#define CASC_DEFAULT_CRL_SHARDS 4

/* Creates the CA directory dir: casc.conf, keys/ (0700), certs/, casc.db,
 * the audit checkpoint. It is built beside dir and renamed into place, so an
 * existing CA directory is never touched and a failed init leaves nothing. */
casc_err casc_ca_init(const char *dir, const casc_init_opts *opts, casc_error *e);

casc_err casc_ca_open(const char *dir, casc_ca **out, casc_error *e);
/* For commands that only read: no write access to DIR needed. */
casc_err casc_ca_open_readonly(const char *dir, casc_ca **out, casc_error *e);
void casc_ca_close(casc_ca *ca);
casc_store *casc_ca_store(casc_ca *ca);
const char *casc_ca_dir(const casc_ca *ca);
const char *casc_ca_base_url(const casc_ca *ca);
int casc_ca_crl_shards(const casc_ca *ca);

/* The issuers: the root first. Borrowed; valid until casc_ca_close. */
size_t casc_ca_issuer_count(const casc_ca *ca);
const casc_issuer_rec *casc_ca_issuer_at(const casc_ca *ca, size_t i);
const casc_issuer_rec *casc_ca_issuer_by_id(const casc_ca *ca, int64_t id);
const casc_issuer_rec *casc_ca_issuer_by_name(const casc_ca *ca, const char *name);

/* --- profiles and issuance --------------------------------------------- */
typedef enum {
  CASC_PROFILE_TLS_SERVER,
  CASC_PROFILE_CODE_SIGNING,
  CASC_PROFILE_TIMESTAMPING,
  CASC_PROFILE_OCSP_SIGNING,
  CASC_PROFILE_SUB_CA,
} casc_profile;

casc_err casc_profile_parse(const char *s, casc_profile *out, casc_error *e);
const char *casc_profile_name(casc_profile p);

typedef struct {
  casc_profile profile;
  X509_REQ *csr;            /* the subject's request, or NULL */
  EVP_PKEY *public_key;     /* without a CSR: the subject's key */
  const char *subject;      /* "CN=x,O=y,C=US" (RFC 4514) or "/C=US/O=y/CN=x"; or NULL */
  const char *const *dns;   /* dNSName SANs, added to any in the CSR */
  size_t n_dns;
  int days;                 /* 0: the profile's default */
  bool must_staple;         /* TLS feature status_request (RFC 7633) */
  const char *issuer;       /* an issuer name to override the profile's, or NULL */
} casc_issue_request;

typedef struct {
  char serial[CASC_SERIAL_MAX];
  X509 *cert;
  STACK_OF(X509) *chain;    /* issuer first, up to but not including the root */
} casc_issued;

/* Checks the request against its profile (CASC_ERR_POLICY naming the rule),
 * signs, and commits the certificate with its audit entry. */
casc_err casc_ca_issue(casc_ca *ca, const casc_issue_request *req, casc_issued *out,
                       casc_error *e);
void casc_issued_clear(casc_issued *out);

/* --- revocation -------------------------------------------------------- */
/* RFC 5280 CRLReason names, case-insensitive. */
casc_err casc_reason_parse(const char *name, int *code, casc_error *e);
const char *casc_reason_name(int code);

/* Revokes serial (any case, with or without leading zeros). invalidity_date
 * 0 for none. On success *out holds the committed record. */
casc_err casc_ca_revoke(casc_ca *ca, const char *serial, int reason, time_t invalidity_date,
                        casc_cert_rec *out, casc_error *e);

/* Canonical serial: upper-case hex as `openssl x509 -serial` prints it. */
casc_err casc_serial_normalize(const char *in, char out[CASC_SERIAL_MAX], casc_error *e);
casc_err casc_serial_from_cert(const X509 *cert, char out[CASC_SERIAL_MAX], casc_error *e);

/* The CRL shard a serial belongs to: stable while the shard count is. */
int casc_crl_shard_of(const ASN1_INTEGER *serial, int shards);

/* --- audit ------------------------------------------------------------- */
typedef struct {
  int64_t entries;           /* in the log */
  int64_t checkpoint_seq;    /* covered by the signed checkpoint */
  time_t checkpoint_time;
} casc_audit_report;

/* CASC_OK when the chain is intact and matches the signed checkpoint;
 * CASC_ERR_INTEGRITY, with a message saying what is wrong, otherwise. */
casc_err casc_ca_audit_verify(casc_ca *ca, casc_audit_report *report, casc_error *e);

/* --- names ------------------------------------------------------------- */
casc_err casc_name_parse(const char *s, X509_NAME **out, casc_error *e);
/* RFC 4514 string of name into buf. */
void casc_name_format(const X509_NAME *name, char *buf, size_t bufsz);

#endif
