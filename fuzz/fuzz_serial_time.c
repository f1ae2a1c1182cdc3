/* libFuzzer target: the two small parsers of command-line input,
 * casc_serial_normalize (`casc revoke SERIAL`, `casc show SERIAL`) and
 * casc_time_parse (`--invalidity-date`), on a NUL-terminated copy of the
 * input.
 *
 * With CASC_FUZZ_STRICT=1 in the environment the target also checks the
 * properties the callers rely on and aborts when one fails:
 *   - a normalized serial is upper-case hexadecimal of even length (whole
 *     octets, as `openssl x509 -serial` prints), at most 20 octets
 *     (RFC 5280 4.1.2.2), and normalizing it again changes nothing;
 *   - a parsed time printed by casc_time_format parses back to itself.
 * Off by default, so that plain runs look for memory errors only. */
#include "casc/ca.h"

#include <openssl/err.h>
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

static void check_serial(const char *in, const char *out) {
  size_t n = strlen(out);
  int ok = n > 0 && n % 2 == 0 && n <= 40;
  for (size_t i = 0; ok && i < n; i++)
    ok = (out[i] >= '0' && out[i] <= '9') || (out[i] >= 'A' && out[i] <= 'F');
  char again[CASC_SERIAL_MAX];
  casc_error e;
  if (ok)
    ok = casc_serial_normalize(out, again, &e) == CASC_OK && strcmp(again, out) == 0;
  if (!ok) {
    fprintf(stderr, "serial '%s' normalized to '%s'\n", in, out);
    abort();
  }
}

static void check_time(const char *in, time_t t) {
  char buf[CASC_TIME_BUFSZ];
  time_t back = 0;
  casc_error e;
  casc_time_format(t, buf);
  if (casc_time_parse(buf, &back, &e) != CASC_OK || back != t) {
    fprintf(stderr, "time '%s' parsed to %lld, printed as '%s', which does not parse back\n",
            in, (long long)t, buf);
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1024)
    return 0;
  char *s = malloc(size + 1);
  if (s == NULL)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  casc_error e;
  char serial[CASC_SERIAL_MAX];
  if (casc_serial_normalize(s, serial, &e) == CASC_OK && strict)
    check_serial(s, serial);
  time_t t = 0;
  if (casc_time_parse(s, &t, &e) == CASC_OK && strict)
    check_time(s, t);
  free(s);
  ERR_clear_error();
  return 0;
}
