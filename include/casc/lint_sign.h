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

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct x509_st;

/* (This header does not include casc/lint.h, whose names clash with the ca
 * module's; casc/lint_rev.h has the calls that need it.) */

/* What a CRL covers. */
typedef enum {
  CASC_CRL_SCOPE_UNKNOWN = 0,
  CASC_CRL_SCOPE_SUBSCRIBER, /* end-entity certificates (BR 4.9.7: nextUpdate within 10 days) */
  CASC_CRL_SCOPE_CA,         /* CA certificates (within 12 months) */
  CASC_CRL_SCOPE_CODE_SIGNING, /* code-signing or timestamping subscriber certificates: as
                                  SUBSCRIBER, and the Code Signing BRs too */
} casc_crl_scope;

/* Lints a certificate before the CA signs it: der is the Certificate with
 * the TBSCertificate exactly as it will be signed and a signature of the
 * right shape (its bytes do not matter). profile is a casc_lint profile
 * name ("root", "subca", "tls", "code-signing", "timestamping",
 * "ocsp-signing"; NULL or unknown: detected). CASC_OK, or CASC_ERR_POLICY
 * with "certificate refused by lint: <name>: <details> (<citation>); ...". */
casc_err casc_lint_cert_presign(const unsigned char *der, size_t len, const char *profile,
                                time_t now, casc_error *e);

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
