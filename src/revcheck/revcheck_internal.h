/* Shared by the files of src/revcheck. */
#ifndef CASC_REVCHECK_INTERNAL_H
#define CASC_REVCHECK_INTERNAL_H

#include "casc/revcheck.h"

#include <openssl/err.h>

/* Appends one "source: why" to r->detail, "; "-separated. */
void rev_detail(casc_revcheck_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The CRL step: each http(s) URL of cert's CRL distribution points in
 * turn, from the disk cache or fetched. Sets out's status when a CRL
 * answers; notes every failure in out->detail. Errors only for local
 * failures (out of memory). */
casc_err rev_crl_status(X509 *cert, X509 *issuer, const casc_revcheck_opts *opts, time_t now,
                        casc_revcheck_result *out, casc_error *e);

/* Clock skew tolerated on a CRL's thisUpdate (seconds). */
#define REV_SKEW 300

#endif
