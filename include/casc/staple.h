/* casc staple: OCSP staples for TLS servers that never go stale and are
 * never worse than what is already in place.
 *
 * A staple file holds one DER OCSPResponse, as nginx's ssl_stapling_file
 * and HAProxy's "<certificate file>.ocsp" expect. It is written only when a
 * freshly fetched response verifies fully (casc/ocsp_client.h), says
 * "good", and is newer than the staple already in the file (by thisUpdate,
 * then producedAt); the write is atomic. A responder that is down, a
 * response that fails verification, "unknown" or "revoked" never touch the
 * file: a web server keeps stapling the last good answer until its
 * nextUpdate, and then nothing, which is what a client would want. */
#ifndef CASC_STAPLE_H
#define CASC_STAPLE_H

#include "casc/base.h"
#include "casc/ocsp_client.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define CASC_STAPLE_SUFFIX ".ocsp"
#define CASC_STAPLE_MIN_DELAY 1         /* seconds between two fetches of one staple, at least */
#define CASC_STAPLE_BACKOFF_FIRST 5     /* seconds: the first retry after a failure */
#define CASC_STAPLE_BACKOFF_MAX 3600    /* seconds: retries never wait longer */
#define CASC_STAPLE_POLL 60             /* seconds: the daemon looks for changed files */

typedef struct {
  /* url, hash_nid, skew, timeouts. nonce is ignored: a staple is served to
   * every client and cannot carry any one client's nonce. */
  casc_ocsp_client_opts ocsp;
} casc_staple_opts;

typedef enum {
  CASC_STAPLE_WRITTEN = 0, /* a new verified good staple replaced the file (or created it) */
  CASC_STAPLE_KEPT = 1,    /* the file already holds a verified staple as new: untouched */
  CASC_STAPLE_REVOKED = 2, /* the responder says revoked: nothing written */
  CASC_STAPLE_UNKNOWN = 3, /* the responder says unknown: nothing written */
  CASC_STAPLE_INVALID = 4, /* the response failed verification: nothing written */
  CASC_STAPLE_UNREACHABLE = 5, /* no answer: nothing written */
} casc_staple_outcome;

typedef struct {
  casc_staple_outcome outcome;
  casc_ocsp_client_result fetched;  /* the responder's answer, verified or not */
  bool existing_valid;              /* the file held a staple that verifies now */
  time_t existing_this_update;      /* its times, when it did */
  time_t existing_next_update;
  time_t existing_produced_at;
  time_t in_place_this_update;      /* the staple in the file after the update (0: none valid) */
  time_t in_place_next_update;
} casc_staple_report;

void casc_staple_report_free(casc_staple_report *r);
/* "written", "kept", "revoked", "unknown", "invalid", "unreachable". */
const char *casc_staple_outcome_name(casc_staple_outcome o);

/* Fetches, verifies and (when it is good and newer) writes the staple of
 * the first certificate in chain_path (PEM or DER; its issuer is the next
 * certificate, or is fetched through caIssuers) to out_path. Returns
 * CASC_OK whatever the outcome once the inputs were usable (report->outcome
 * says what happened); CASC_ERR_PARSE / CASC_ERR_IO / CASC_ERR_USAGE and
 * the like for unreadable inputs, an issuer that did not issue the
 * certificate, or an out_path that cannot be written. */
casc_err casc_staple_update(const char *chain_path, const char *out_path,
                            const casc_staple_opts *opts, casc_staple_report *report,
                            casc_error *e);

/* The staple's path for a certificate file: "site.pem" -> "site.pem.ocsp"
 * (HAProxy's convention). An error if it does not fit. */
casc_err casc_staple_path_for(const char *cert_path, char *buf, size_t bufsz, casc_error *e);

/* The full-chain files in dir: regular *.pem and *.crt files holding at
 * least two certificates, sorted by name. Free with casc_staple_paths_free. */
casc_err casc_staple_scan_dir(const char *dir, char ***paths, size_t *n, casc_error *e);
void casc_staple_paths_free(char **paths, size_t n);

/* When to fetch again a staple valid from this_update to next_update: at
 * half its validity, minus a random jitter of up to a tenth of it, and not
 * before now + CASC_STAPLE_MIN_DELAY. */
time_t casc_staple_refresh_at(time_t this_update, time_t next_update, time_t now);
/* When to retry after `failures` consecutive failures (1, 2, ...):
 * exponential backoff from CASC_STAPLE_BACKOFF_FIRST up to
 * CASC_STAPLE_BACKOFF_MAX, but at least 4 times before a staple still in
 * place (next_update, 0 for none) expires; with jitter. */
time_t casc_staple_retry_at(time_t now, unsigned failures, time_t next_update);

/* --- the daemon ------------------------------------------------------------ */
typedef enum {
  CASC_STAPLE_WAKE_TIMEOUT = 0, /* the time came */
  CASC_STAPLE_WAKE_STOP = 1,    /* stop now (SIGTERM) */
  CASC_STAPLE_WAKE_RESCAN = 2,  /* rescan the directory and refresh everything (SIGHUP) */
} casc_staple_wake;

typedef struct {
  casc_staple_opts opts;
  const char *cert_path; /* one certificate ... */
  const char *out_path;
  const char *dir;       /* ... or every full chain in dir */
  /* How often (seconds) to look for changes between refreshes: a
   * certificate file replaced (a renewal: its staple is fetched at once,
   * since the one in place is for the old certificate), a staple file
   * removed, a full chain added to or removed from dir.
   * 0: CASC_STAPLE_POLL. */
  int poll_seconds;
  /* Waits until `until` (wall clock) or an event. */
  casc_staple_wake (*wait)(time_t until, void *arg);
  /* After each update, for logging (may be NULL): rc and err are what
   * casc_staple_update returned (err->msg names the file when rc != CASC_OK). */
  void (*on_result)(const char *cert_path, const char *out_path, casc_err rc,
                    const casc_error *err, const casc_staple_report *r, time_t next_at,
                    void *arg);
  /* After a round of updates in which any staple file changed (may be NULL). */
  void (*on_change)(void *arg);
  void *arg;
} casc_staple_daemon_config;

/* Runs until wait() says stop: updates every staple at start, then each at
 * its refresh time (casc_staple_refresh_at of the staple in place), retrying
 * failures with casc_staple_retry_at, and at once when its certificate file
 * changes or its staple file disappears (checked every poll_seconds).
 * Errors on one certificate (an unreadable file) are reported through
 * on_result and retried like any failure; only a directory that cannot be
 * scanned at start ends it with an error. on_result's r is NULL when a
 * later scan of dir fails (cert_path is then dir). */
casc_err casc_staple_daemon(const casc_staple_daemon_config *cfg, casc_error *e);

#endif
