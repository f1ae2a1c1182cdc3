/* libFuzzer target: casc_crl_peek_times, which casc serve runs on every
 * CRL file it loads from disk (DIR/crl/ISSUER.crl, DIR/crl/ISSUER/K.crl)
 * to learn thisUpdate and nextUpdate without decoding the list.
 *
 * With CASC_FUZZ_STRICT=1 in the environment the target also checks that
 * an accepted input has a thisUpdate in RFC 5280's range (1950 to 9999) and
 * a nextUpdate that is 0 (absent) or in the same range. */
#include "casc/crl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int strict;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  const char *s = getenv("CASC_FUZZ_STRICT");
  strict = s != NULL && strcmp(s, "1") == 0;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  unsigned char *copy = malloc(size > 0 ? size : 1); /* exact bounds for ASan */
  if (copy == NULL)
    return 0;
  memcpy(copy, data, size);
  time_t tu = 0, nu = 0;
  casc_error e;
  if (casc_crl_peek_times(copy, size, &tu, &nu, &e) == CASC_OK && strict) {
    const time_t lo = -631152000, hi = 253402300799; /* 1950-01-01, 9999-12-31T23:59:59 */
    if (tu < lo || tu > hi || (nu != 0 && (nu < lo || nu > hi))) {
      fprintf(stderr, "time out of range: %lld %lld\n", (long long)tu, (long long)nu);
      abort();
    }
  }
  free(copy);
  return 0;
}
