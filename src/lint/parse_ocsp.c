/* Strict decode of an OCSP response into casc_lint_ocsp: not written yet. */
#include "lint_internal.h"

casc_err casc_lint_parse_ocsp(const unsigned char *der, size_t len, casc_lint_ocsp *out,
                              casc_error *e) {
  (void)der, (void)len, (void)out;
  return casc_error_set(e, CASC_ERR_PARSE, "OCSP response: decoder not yet available");
}
