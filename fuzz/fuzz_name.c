/* libFuzzer target: casc_name_parse, the parser behind `casc issue
 * --subject`, on a NUL-terminated copy of the input; a name it accepts is
 * printed (casc_name_format) and the printed form parsed again.
 *
 * With CASC_FUZZ_STRICT=1 in the environment the target also aborts when
 * the printed form of an accepted name does not parse back to an equal
 * name (RFC 4514 round trip); off by default, so that plain runs look for
 * memory errors only. */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096)
    return 0;
  char *s = malloc(size + 1);
  if (s == NULL)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  casc_error e;
  X509_NAME *name = NULL;
  if (casc_name_parse(s, &name, &e) == CASC_OK) {
    char buf[CASC_DN_MAX];
    casc_name_format(name, buf, sizeof buf);
    X509_NAME *again = NULL;
    casc_err rc = casc_name_parse(buf, &again, &e);
    if (strict && strlen(buf) + 1 < sizeof buf &&
        (rc != CASC_OK || X509_NAME_cmp(name, again) != 0)) {
      fprintf(stderr, "round trip: '%s' printed as '%s', which %s\n", s, buf,
              rc != CASC_OK ? e.msg : "parses to another name");
      abort();
    }
    X509_NAME_free(again);
  }
  X509_NAME_free(name);
  free(s);
  ERR_clear_error();
  return 0;
}
