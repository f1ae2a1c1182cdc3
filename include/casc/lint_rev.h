/* Running the lints with what the signer knows (see casc/lint_sign.h): the
 * issuing CA, and a CRL's scope. */
#ifndef CASC_LINT_REV_H
#define CASC_LINT_REV_H

#include "casc/lint.h"
#include "casc/lint_sign.h"

/* casc_lint_der with the issuing CA known (issuer may be NULL) and, for a
 * CRL, its scope. Returns true when an error-level or fatal finding exists;
 * rep (may be NULL) gets the counts and the findings' text. */
bool casc_lint_der_issuer(casc_lint_kind kind, const unsigned char *der, size_t len,
                          struct x509_st *issuer, casc_crl_scope scope, time_t now,
                          casc_lint_report *rep);

/* casc_lint_ctx_check (profile detected) with the issuing CA and scope
 * known, for callers that want every result (tests, `casc lint --issuer`). */
casc_lint_result casc_lint_ctx_check_issuer(casc_lint_ctx *ctx, casc_lint_kind kind,
                                            const unsigned char *der, size_t len,
                                            struct x509_st *issuer, casc_crl_scope scope,
                                            time_t now, casc_lint_cb cb, void *arg);

#endif
