/* Strict decode of a CRL into casc_lint_crl: not written yet. */
#include "lint_internal.h"

casc_err casc_lint_parse_crl(const unsigned char *der, size_t len, casc_lint_crl *out,
                             casc_error *e) {
  (void)der, (void)len, (void)out;
  return casc_error_set(e, CASC_ERR_PARSE, "CRL: decoder not yet available");
}

bool casc_lint_crl_next_entry(const casc_lint_crl *crl, size_t *off, casc_lint_crl_entry *out) {
  (void)crl, (void)off, (void)out;
  return false;
}
