/* Internals shared by the files of the ca module. */
#ifndef CASC_CA_INTERNAL_H
#define CASC_CA_INTERNAL_H

#include "casc/ca.h"

#include <jansson.h>
#include <limits.h>
#include <openssl/x509v3.h>

#define CASC_URL_MAX 512

struct casc_ca {
  char dir[PATH_MAX];
  char name[256];
  char country[8];
  char base_url[CASC_URL_MAX];
  int crl_shards;
  casc_store *store;
  casc_issuer_rec *issuers;
  size_t n_issuers;
  X509 **issuer_certs;     /* parallel to issuers */
  EVP_PKEY **issuer_keys;  /* loaded on first use */
  EVP_PKEY *audit_key;     /* loaded on first use */
};

/* --- casc.conf ---------------------------------------------------------- */
typedef struct {
  char name[256];
  char country[8];
  char base_url[CASC_URL_MAX];
  int crl_shards;
} casc_config;

casc_err casc_config_load(const char *path, casc_config *cfg, casc_error *e);
casc_err casc_config_save(const char *path, const casc_config *cfg, casc_error *e);

/* Key usage bits by their RFC 5280 4.2.1.3 numbers. */
#define CASC_KU_DIGITAL_SIGNATURE (1u << 0)
#define CASC_KU_KEY_ENCIPHERMENT (1u << 2)
#define CASC_KU_KEY_CERT_SIGN (1u << 5)
#define CASC_KU_CRL_SIGN (1u << 6)

/* --- what goes into a certificate --------------------------------------- */
typedef enum {
  CASC_CERT_ROOT,
  CASC_CERT_SUB_CA,
  CASC_CERT_OCSP_RESPONDER,
  CASC_CERT_SUBSCRIBER,
} casc_cert_kind;

typedef struct {
  casc_cert_kind kind;
  const X509_NAME *subject;
  EVP_PKEY *subject_key;        /* public half used */
  const X509_PUBKEY *subject_spki; /* when set (a CSR's), copied as it is instead */
  X509 *issuer_cert;            /* NULL: self-signed */
  EVP_PKEY *issuer_key;
  const char *issuer_name;      /* for URLs: "issuing-ca" */
  const char *base_url;
  int crl_shards;               /* of the issuer: 1 means one CRL, no shards */
  time_t not_before, not_after;
  unsigned key_usage;           /* CASC_KU_* bits */
  int ekus[3];                  /* NIDs */
  size_t n_ekus;
  bool eku_critical;
  int pathlen;                  /* for CAs: -1 for none */
  const char *policy_oids[2];
  size_t n_policies;
  const GENERAL_NAMES *san;     /* NULL for none; critical when the subject is empty */
  bool must_staple;
} casc_cert_spec;

/* Builds and signs a certificate from spec with a fresh random serial. */
casc_err casc_cert_build(const casc_cert_spec *spec, X509 **out, casc_error *e);

/* 126 random bits: 16 octets with the top bit clear (positive) and the next
 * one set (never shortened in DER). */
casc_err casc_serial_random(ASN1_INTEGER **out, casc_error *e);

/* The store record for a freshly issued certificate. */
casc_err casc_cert_record(const X509 *cert, int64_t issuer_id, const char *profile,
                          casc_cert_rec *rec, casc_error *e);

/* --- the issuers of an open CA --------------------------------------------- */
casc_err casc_ca_issuer_key(casc_ca *ca, size_t index, EVP_PKEY **key, casc_error *e);
/* Writes cert as DIR/certs/FILE.pem (0644), atomically. */
casc_err casc_ca_write_cert(casc_ca *ca, const char *file, X509 *cert, casc_error *e);
casc_err casc_ca_load_issuers(casc_ca *ca, casc_error *e);

/* Records an issued certificate and its audit entry in one transaction. */
casc_err casc_ca_commit_issued(casc_ca *ca, X509 *cert, size_t issuer_index,
                               const char *profile, casc_cert_rec *rec, casc_error *e);

/* --- the audit checkpoint ------------------------------------------------ */
/* Signs the chain's head into DIR/audit.checkpoint (atomically). Only
 * `first` (casc init) may create the file: a missing checkpoint on a CA in
 * use is tampering, and re-creating it would bless whatever the log holds. */
casc_err casc_audit_checkpoint(casc_store *store, const char *dir, EVP_PKEY *audit_key,
                               bool first, casc_error *e);
casc_err casc_ca_checkpoint(casc_ca *ca, casc_error *e);
/* casc_audit_sign_fn for a CA (arg): signs with keys/audit.key. */
casc_err casc_ca_sign_audit_entry(void *arg, const unsigned char hash[CASC_HASH_LEN],
                                  unsigned char *sig, size_t *sig_len, casc_error *e);
/* Appends an audit entry whose details are `details` as compact JSON with
 * sorted keys; takes the reference (NULL means out of memory). */
casc_err casc_audit_append_json(casc_store *store, const char *op, json_t *details,
                                casc_error *e);
/* After a commit: the operation stands even when the checkpoint cannot be
 * written; the entries past the checkpoint stay chained, and the next
 * command's checkpoint covers them. */
void casc_ca_checkpoint_or_warn(casc_ca *ca);

/* Paths inside a CA directory. */
#define CASC_CONF_FILE "casc.conf"
#define CASC_DB_FILE "casc.db"
#define CASC_CHECKPOINT_FILE "audit.checkpoint"
#define CASC_AUDIT_KEY_FILE "keys/audit.key"
#define CASC_AUDIT_PUB_FILE "audit-key.pub"

/* Builds "dir/rel" into buf (PATH_MAX). */
casc_err casc_ca_path(const casc_ca *ca, const char *rel, char *buf, casc_error *e);

/* Largest certificate, CSR or key file casc reads. */
#define CASC_MAX_INPUT (1024 * 1024)

#endif
