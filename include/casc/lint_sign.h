/* Lint-before-sign for revocation data: the CA lints each CRL it builds and
 * the template of the OCSP responses it presigns with the same lints that
 * `casc lint` runs, and refuses what has an error-level finding.
 *
 * What the bytes alone cannot say, the signer knows: which CA issues them
 * (so that the CRL's issuer and authorityKeyIdentifier, or an OCSP
 * response's CertID and delegated responder, can be checked against it),
 * and whether a CRL covers subscriber or CA certificates (BR 4.9.7 gives
 * them 10 days and 12 months). Lints that need this are "na" without it,
 * as in `casc lint FILE`; a CRL's IssuingDistributionPoint, when it says
 * onlyContainsUserCerts or onlyContainsCACerts, tells the scope anyway. */
#ifndef CASC_LINT_SIGN_H
#define CASC_LINT_SIGN_H

#include "casc/base.h"
#include "casc/lint.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct x509_st;

/* What a CRL covers. */
typedef enum {
  CASC_CRL_SCOPE_UNKNOWN = 0,
  CASC_CRL_SCOPE_SUBSCRIBER, /* end-entity certificates (BR 4.9.7: nextUpdate within 10 days) */
  CASC_CRL_SCOPE_CA,         /* CA certificates (within 12 months) */
} casc_crl_scope;

/* casc_lint_der with the issuing CA known (issuer may be NULL) and, for a
 * CRL, its scope. Returns true when an error-level or fatal finding exists;
 * rep (may be NULL) gets the counts and the findings' text. */
bool casc_lint_der_issuer(casc_lint_kind kind, const unsigned char *der, size_t len,
                          struct x509_st *issuer, casc_crl_scope scope, time_t now,
                          casc_lint_report *rep);

/* Lints a complete, signed CRL before it is written. CASC_OK, or
 * CASC_ERR_POLICY with "CRL refused by lint: <name>: <details> (<citation>);
 * ..." when a lint finds an error. The entries are read in one pass, so a
 * CRL of a million entries costs a fraction of a second. */
casc_err casc_lint_crl_presign(const unsigned char *der, size_t len, struct x509_st *issuer,
                               casc_crl_scope scope, time_t now, casc_error *e);

/* Lints one encoded OCSP response of a signer's presigning template (the
 * first one it makes: every response from the template has the same
 * shape) before any response from it is stored. issuer is the CA whose
 * certificates the responses are about. CASC_OK, or CASC_ERR_POLICY with
 * "OCSP response refused by lint: ..." */
casc_err casc_lint_ocsp_template(const unsigned char *der, size_t len, struct x509_st *issuer,
                                 time_t now, casc_error *e);

#endif
