/* The revocation step of casc verify, through the revcheck module (the
 * one `casc check` uses): OCSP from the certificate's AIA, else its CRL
 * distribution points (verified, scope-checked, cached on disk until
 * nextUpdate). Verify sees only sign_revocation_check and judges the dates
 * itself, against the timestamp's time. */
#include "sign_internal.h"

#include "casc/revcheck.h"

#include <openssl/ocsp.h>
#include <string.h>

#define FETCH_TIMEOUT_MS 10000L

casc_err sign_revocation_check(X509 *cert, X509 *issuer, X509_STORE *trust,
                               STACK_OF(X509) *untrusted, casc_sig_rev_info *out, casc_error *e) {
  (void)trust, (void)untrusted; /* revcheck verifies responses against the issuer */
  casc_revcheck_opts opts = {.timeout_ms = FETCH_TIMEOUT_MS};
  casc_revcheck_result res;
  memset(out, 0, sizeof *out);
  casc_err rc = casc_revcheck_status(cert, issuer, &opts, &res, e);
  if (rc != CASC_OK)
    return rc;
  snprintf(out->source, sizeof out->source, "%s", casc_rev_source_name(res.source));
  snprintf(out->detail, sizeof out->detail, "%.*s", (int)sizeof out->detail - 1, res.detail);
  switch (res.status) {
  case CASC_REV_GOOD:
    out->status = CASC_SIG_REV_GOOD;
    break;
  case CASC_REV_REVOKED:
    out->status = CASC_SIG_REV_REVOKED;
    out->revoked_at = res.revoked_at;
    if (res.invalidity_date != 0) {
      out->has_invalidity = true;
      out->invalidity_date = res.invalidity_date;
    }
    if (res.reason >= 0 && res.reason != OCSP_REVOKED_STATUS_NOSTATUS)
      snprintf(out->reason, sizeof out->reason, "%s", OCSP_crl_reason_str(res.reason));
    break;
  case CASC_REV_UNKNOWN:
    out->status = CASC_SIG_REV_UNKNOWN;
    if (out->detail[0] == '\0')
      snprintf(out->detail, sizeof out->detail, "the responder does not know the certificate");
    break;
  default:
    out->status = CASC_SIG_REV_UNKNOWN;
    break;
  }
  return CASC_OK;
}
