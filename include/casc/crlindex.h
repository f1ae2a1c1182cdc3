/* casc crlindex: a CRL held as its DER bytes plus a sorted index of its
 * serials, for clients that check revocation (casc check, casc verify).
 *
 * OpenSSL's X509_CRL decodes every entry into objects: a CRL of a million
 * entries costs about a second and half a gigabyte. Here one pass of the
 * strict DER reader (casc/der.h) over revokedCertificates records, per
 * entry, a fixed-size key (the serial's length and first octets) and the
 * entry's offset; the keys are sorted once, so a lookup is a binary search
 * and decodes only the entry it finds (its reason and invalidity date).
 * The signature is verified with OpenSSL over the TBS bytes as they are.
 *
 * The order of the index is the numeric order of non-negative serials:
 * (length of the minimal encoding, then the octets). Equal keys fall back
 * to comparing the whole serial, so lookups stay O(log n) whatever the
 * serials look like. */
#ifndef CASC_CRLINDEX_H
#define CASC_CRLINDEX_H

#include "casc/base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct x509_st;

typedef struct casc_crl_index casc_crl_index;

/* RFC 5280 5.3.1 CRLReason values; CASC_CRL_REASON_NONE when an entry
 * carries no reason code. */
#define CASC_CRL_REASON_NONE (-1)

/* What the CRL says about itself (its TBS fields and CRL extensions). */
typedef struct {
  time_t this_update;
  time_t next_update;     /* 0 when absent */
  size_t entries;         /* revokedCertificates */
  bool has_number;        /* CRLNumber present */
  char number_hex[48];    /* CRLNumber as upper-case hex ("" when absent) */
  bool delta;             /* a delta CRL (DeltaCRLIndicator): not a complete list */
  bool has_idp;           /* IssuingDistributionPoint present */
  bool idp_user_only;     /* onlyContainsUserCerts */
  bool idp_ca_only;       /* onlyContainsCACerts */
  bool idp_attr_only;     /* onlyContainsAttributeCerts */
  bool idp_some_reasons;  /* onlySomeReasons: covers only some reasons */
  bool idp_indirect;      /* indirectCRL */
  size_t idp_uris;        /* URIs in the IDP's distributionPoint fullName */
} casc_crl_index_info;

/* One entry, decoded on lookup. */
typedef struct {
  time_t revocation_date;
  int reason;             /* CRLReason code or CASC_CRL_REASON_NONE */
  time_t invalidity_date; /* 0 when absent */
  bool has_invalidity_date;
} casc_crl_index_entry;

/* Indexes a DER CRL (or PEM "X509 CRL", which some servers send). The
 * bytes are copied. CASC_ERR_PARSE naming the
 * problem for anything but a DER CertificateList (v1 or v2), including
 * bytes after it, an entry whose serial is not a DER INTEGER, an unknown
 * critical CRL extension, or a CRL over 4 GiB. */
casc_err casc_crl_index_load(const unsigned char *der, size_t len, casc_crl_index **out,
                             casc_error *e);
/* casc_crl_index_load of DER bytes in a malloc'd buffer that the index
 * takes over (no copy of a CRL of tens of megabytes): freed with the
 * index, or at once when the load fails. */
casc_err casc_crl_index_adopt(unsigned char *der, size_t len, casc_crl_index **out,
                              casc_error *e);
/* The same from a file, DER (mapped, not copied) or PEM ("X509 CRL"). The
 * error names the file. A mapped file must not be truncated or rewritten
 * in place while indexed: files are replaced by rename (as
 * casc_file_write_atomic and the cache do), which leaves the mapping alone. */
casc_err casc_crl_index_load_file(const char *path, casc_crl_index **out, casc_error *e);
void casc_crl_index_free(casc_crl_index *ix);

const casc_crl_index_info *casc_crl_index_get_info(const casc_crl_index *ix);
/* The DER bytes of the CRL (to cache them, say). */
const unsigned char *casc_crl_index_der(const casc_crl_index *ix, size_t *len);

/* Verifies the signature with the issuer's public key and the rules that
 * tie a CRL to its issuer: the issuer names match, the inner and outer
 * signature algorithms are the same, the issuer's keyUsage (when present)
 * has cRLSign. CASC_ERR_INTEGRITY when the signature or a rule fails,
 * CASC_ERR_CRYPTO for an algorithm OpenSSL cannot check. */
casc_err casc_crl_index_verify(const casc_crl_index *ix, struct x509_st *issuer, casc_error *e);

/* RFC 5280 6.3.3 (b): may this CRL decide the status of cert, fetched
 * from dp_url (NULL when unknown)? With an IssuingDistributionPoint that
 * names URIs, one of them must be dp_url; onlyContainsUserCerts excludes
 * CA certificates, onlyContainsCACerts the others; attribute-only,
 * some-reasons, indirect and delta CRLs are not a complete answer.
 * CASC_ERR_POLICY with the reason when it may not. */
casc_err casc_crl_index_check_scope(const casc_crl_index *ix, struct x509_st *cert,
                                    const char *dp_url, casc_error *e);

/* Looks a serial up (the contents octets of its INTEGER, as DER has
 * them). *found says whether it is listed; when it is, *entry (may be
 * NULL) gets its fields. CASC_ERR_PARSE for a listed entry whose fields
 * are malformed or carry an unknown critical extension: then the CRL
 * cannot answer for that serial. */
casc_err casc_crl_index_lookup(const casc_crl_index *ix, const unsigned char *serial,
                               size_t serial_len, bool *found, casc_crl_index_entry *entry,
                               casc_error *e);
/* The i-th entry in index order (by serial), 0 <= i < entries: its serial
 * (pointing into the CRL's bytes) and fields; errors as for lookups. */
casc_err casc_crl_index_entry_at(const casc_crl_index *ix, size_t i, const unsigned char **serial,
                                 size_t *serial_len, casc_crl_index_entry *entry, casc_error *e);
/* The same for a certificate's serial. */
casc_err casc_crl_index_lookup_cert(const casc_crl_index *ix, struct x509_st *cert, bool *found,
                                    casc_crl_index_entry *entry, casc_error *e);

/* --- disk cache ---------------------------------------------------------------
 * Fetched CRLs kept until their nextUpdate, one file per URL (named by the
 * SHA-256 of the URL) under $XDG_CACHE_HOME/casc/crl, else
 * $HOME/.cache/casc/crl, written atomically. The cache is not trusted: a
 * cached CRL is verified again like a fetched one. */

/* The cache directory into buf; CASC_ERR_NOT_FOUND when neither variable
 * is set. */
casc_err casc_crl_cache_dir(char *buf, size_t bufsz, casc_error *e);
/* The cached CRL of url into *out when one is there and its nextUpdate is
 * after now; *out is NULL otherwise (a miss is not an error). A file that
 * no longer parses is removed. */
casc_err casc_crl_cache_get(const char *dir, const char *url, time_t now, casc_crl_index **out,
                            casc_error *e);
/* Stores the CRL's bytes for url (creating dir). */
casc_err casc_crl_cache_put(const char *dir, const char *url, const casc_crl_index *ix,
                            casc_error *e);

#endif
