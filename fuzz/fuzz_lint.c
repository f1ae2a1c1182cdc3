/* libFuzzer target: the linter (casc/lint.h) on arbitrary bytes, which is
 * what `casc lint` and the CA's lint-before-sign feed it: the strict
 * certificate, CRL and OCSP decoders, then every lint of the kind, for
 * each of the three kinds (not only the detected one) and under every
 * certificate profile in turn, so that profile-specific lints see every
 * decodable input. Nothing may crash, read out of bounds or leak. */
#include "casc/lint.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static casc_lint_ctx *ctx;
static size_t sink;

static void count(void *arg, const casc_lint *l, casc_lint_result r, const char *det) {
  (void)arg, (void)l;
  sink += (size_t)r + strlen(det); /* read what the lint wrote */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (ctx == NULL && (ctx = casc_lint_ctx_new()) == NULL)
    return 0;
  unsigned char *copy = malloc(size > 0 ? size : 1); /* exact bounds for ASan */
  if (copy == NULL)
    return 0;
  memcpy(copy, data, size);
  const time_t now = 1790000000; /* a fixed "now": runs are reproducible */
  casc_lint_ctx_check(ctx, CASC_LINT_KIND_UNKNOWN, CASC_LINT_PROFILE_AUTO, copy, size, now, count,
                      NULL, NULL, NULL);
  casc_lint_ctx_check(ctx, CASC_LINT_KIND_CRL, CASC_LINT_PROFILE_AUTO, copy, size, now, count,
                      NULL, NULL, NULL);
  casc_lint_ctx_check(ctx, CASC_LINT_KIND_OCSP, CASC_LINT_PROFILE_AUTO, copy, size, now, count,
                      NULL, NULL, NULL);
  for (int p = CASC_LINT_PROFILE_UNKNOWN; p <= CASC_LINT_PROFILE_SMIME; p++)
    casc_lint_ctx_check(ctx, CASC_LINT_KIND_CERT, (casc_lint_profile)p, copy, size, now, count,
                        NULL, NULL, NULL);
  casc_lint_report rep;
  casc_lint_der(CASC_LINT_KIND_UNKNOWN, CASC_LINT_PROFILE_AUTO, copy, size, now, &rep);
  free(copy);
  return 0;
}
