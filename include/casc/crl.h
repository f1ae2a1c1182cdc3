/* casc crl: building and publishing CRLs (RFC 5280 section 5, TLS BRs 4.9.7
 * and 7.2, Code Signing BRs 4.9.7 and 7.2).
 *
 * For each issuer, one walk over its revoked certificates writes:
 * - the root: /crl/root-ca.crl, the CA certificates it issued;
 * - an issuing CA with crl_shards N > 1: the full CRL /crl/<issuer>.crl and
 *   N shard CRLs /crl/<issuer>/<k>.crl, each shard with a critical
 *   IssuingDistributionPoint naming its own URL (the one the certificates'
 *   CRL distribution points carry) and onlyContainsUserCerts;
 * - an issuing CA with N = 1: /crl/<issuer>.crl alone.
 * Full CRLs carry no IssuingDistributionPoint: BR 7.2.2.1 does not
 * recommend one for a full and complete CRL, and without it the full CRL
 * applies to every certificate of its issuer (RFC 5280 6.3.3 (b)), whatever
 * shard URL the certificate names.
 *
 * The CRL is encoded as DER directly (casc/der.h), streaming entries from
 * the store, and signed with EVP_DigestSign: no X509_CRL objects, so a
 * million entries cost tens of megabytes and well under a second. */
#ifndef CASC_CRL_H
#define CASC_CRL_H

#include "casc/base.h"
#include "casc/ca.h"
#include "casc/http.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* The [crl] section of casc.conf. */
typedef struct {
  int next_update_days;       /* subscriber CRLs: nextUpdate - thisUpdate, 1..10 (BR 4.9.7) */
  int ca_next_update_days;    /* the root's CRL of CA certificates, 1..365 */
  int retention_days;         /* code-signing and timestamping entries stay this long after
                                 the certificate expires: at least 3650 (CSBR 7.2) */
  int rebuild_delay_seconds;  /* casc serve: wait this long after a revocation to batch
                                 others with it, 0..5 */
  int rebuild_interval_hours; /* casc serve: rebuild at least this often, 1..72, so that a
                                 fresh CRL is out long before the last one's nextUpdate */
  int rebuild;                /* casc serve rebuilds the CRLs: 1 (default) or 0 */
} casc_crl_config;

#define CASC_CRL_DEFAULT_NEXT_UPDATE_DAYS 7
#define CASC_CRL_DEFAULT_CA_NEXT_UPDATE_DAYS 30
#define CASC_CRL_DEFAULT_RETENTION_DAYS 3653 /* ten years, leap days included */
#define CASC_CRL_DEFAULT_REBUILD_DELAY 2
#define CASC_CRL_DEFAULT_REBUILD_INTERVAL_HOURS 24

/* The defaults. */
void casc_crl_config_default(casc_crl_config *cfg);
/* Reads [crl] from the CA directory's casc.conf over the defaults; other
 * sections are ignored. CASC_ERR_PARSE naming the key for a bad value. */
casc_err casc_crl_config_load(const char *ca_dir, casc_crl_config *cfg, casc_error *e);

/* One CRL written. */
typedef struct {
  const char *issuer;   /* issuer name */
  int shard;            /* -1: the issuer's full CRL */
  const char *url_path; /* "/crl/issuing-ca/3.crl" */
  const char *file;     /* where it was written */
  int64_t number;       /* CRLNumber */
  size_t entries;
  size_t bytes;
  time_t this_update, next_update;
} casc_crl_info;

typedef casc_err (*casc_crl_written_fn)(const casc_crl_info *info, void *arg, casc_error *e);

/* Writes every issuer's CRLs under out_dir (out_dir/crl/..., the file
 * names mirroring the URL paths), each atomically, at thisUpdate `now`.
 * One build at a time per out_dir (an flock on out_dir/crl/.lock), so that
 * a CRL with a lower number never replaces a higher one. cb (may be NULL)
 * is called after each file. */
casc_err casc_crl_build_all(casc_ca *ca, const char *out_dir, const casc_crl_config *cfg,
                            time_t now, casc_crl_written_fn cb, void *arg, casc_error *e);

/* The URL path of an issuer's CRL into buf: "/crl/<issuer>.crl" for shard
 * -1, "/crl/<issuer>/<shard>.crl" otherwise. */
casc_err casc_crl_url_path(const char *issuer, int shard, char *buf, size_t bufsz,
                           casc_error *e);

/* The shard of a serial given as canonical hex (as the store keeps it):
 * the same function as casc_crl_shard_of, which the certificates' CRL
 * distribution points use. -1 for a malformed serial. */
int casc_crl_shard_of_hex(const char *serial_hex, int shards);

/* thisUpdate and nextUpdate (0 when absent) of a DER CRL, read from the
 * TBS without decoding the list, so a CRL of a million entries costs
 * nothing to look at. CASC_ERR_PARSE for anything that is not DER of a
 * CertificateList's shape up to nextUpdate, or has bytes after it. */
casc_err casc_crl_peek_times(const unsigned char *der, size_t len, time_t *this_update,
                             time_t *next_update, casc_error *e);

/* --- serving ----------------------------------------------------------------
 * The CRL files under a directory, held in memory as an immutable snapshot
 * that a watcher thread replaces when a file changes (checked every
 * second), and answered at their URL paths with caching headers. With
 * `rebuild` the same thread also rebuilds the CRLs: rebuild_delay_seconds
 * after it sees a new revocation, and every rebuild_interval_hours. */
typedef struct casc_crl_server casc_crl_server;

typedef struct {
  const char *ca_dir;  /* the CA directory (opened again by the watcher for rebuilds) */
  const char *out_dir; /* files under out_dir/crl/; usually ca_dir */
  bool rebuild;
} casc_crl_server_opts;

casc_err casc_crl_server_new(const casc_crl_server_opts *opts, casc_crl_server **out,
                             casc_error *e);
/* Starts the watcher thread. */
casc_err casc_crl_server_start(casc_crl_server *s, casc_error *e);
/* Re-reads the [crl] section of casc.conf (SIGHUP); the watcher applies it
 * on its next pass. On an error the configuration in force stays. */
casc_err casc_crl_server_reload(casc_crl_server *s, casc_error *e);
/* Stops the thread and frees; NULL is fine. */
void casc_crl_server_free(casc_crl_server *s);

/* For casc serve: a server for the CA's own CRLs (DIR/crl/, rebuilt by the
 * watcher unless [crl] rebuild = 0), its /crl route added to cfg's routes
 * (the table lives in *out: free it after the HTTP server), and the watcher
 * started. */
casc_err casc_crl_serve_attach(casc_ca *ca, casc_http_config *cfg, casc_crl_server **out,
                               casc_error *e);

/* The handler of the /crl route (casc_http_handler_fn); arg is the server. */
casc_err casc_crl_server_handle(void *arg, const casc_http_request *req,
                                casc_http_response *res, casc_error *e);

#endif
