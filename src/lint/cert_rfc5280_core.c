/* RFC 5280 4.1: the certificate's fields (version, serial, signature
 * algorithms, validity, names, unique identifiers). */
#include "casc/lint.h"

#include <stdio.h>

static casc_lint_result run_version_v3(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  /* Extensions need v3 (4.1.2.1); every certificate casc lints is expected to be v3. */
  if (c->version_present && c->version == 2)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "version is v%d, not v3", c->version + 1);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_serial_positive(const casc_lint_input *in, char *det, size_t detsz) {
  casc_lint_bytes s = in->cert->serial;
  if (s.len > 0 && (s.p[0] & 0x80)) {
    snprintf(det, detsz, "serial number is negative");
    return CASC_LINT_FAIL;
  }
  bool zero = true;
  for (size_t i = 0; i < s.len; i++)
    if (s.p[i] != 0)
      zero = false;
  if (zero) {
    snprintf(det, detsz, "serial number is zero");
    return CASC_LINT_FAIL;
  }
  return CASC_LINT_PASS;
}

const casc_lint casc_lints_cert_rfc5280_core[] = {
    {.name = "e_cert_version_not_v3",
     .alias = "e_invalid_certificate_version",
     .level = CASC_LINT_ERROR,
     .citation = "RFC 5280 4.1.2.1",
     .source = CASC_LINT_SRC_RFC5280,
     .kind = CASC_LINT_KIND_CERT,
     .run = run_version_v3},
    {.name = "e_serial_not_positive",
     .alias = "e_serial_number_not_positive",
     .level = CASC_LINT_ERROR,
     .citation = "RFC 5280 4.1.2.2",
     .source = CASC_LINT_SRC_RFC5280,
     .kind = CASC_LINT_KIND_CERT,
     .run = run_serial_positive},
};
CASC_LINT_TABLE(casc_lints_cert_rfc5280_core);
