/* libFuzzer target: the CRL index (casc_crl_index_load), which casc check
 * runs on every CRL it fetches from a distribution point or reads from
 * its disk cache, before the signature is checked: bytes from the network.
 * Every indexed entry is decoded and looked up again by its serial, which
 * must find it; the index must be in strictly non-decreasing order. */
#include "casc/crlindex.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  casc_crl_index *ix = NULL;
  casc_error e;
  if (casc_crl_index_load(data, size, &ix, &e) != CASC_OK)
    return 0;
  const casc_crl_index_info *in = casc_crl_index_get_info(ix);
  const unsigned char *prev = NULL;
  size_t prev_len = 0;
  for (size_t i = 0; i < in->entries && i < 4096; i++) {
    const unsigned char *serial;
    size_t len;
    casc_crl_index_entry ent;
    bool found = false;
    casc_err rc = casc_crl_index_entry_at(ix, i, &serial, &len, &ent, &e);
    if (rc != CASC_OK && rc != CASC_ERR_PARSE)
      abort();
    if (casc_crl_index_lookup(ix, serial, len, &found, NULL, &e) != CASC_OK || !found) {
      fprintf(stderr, "entry %zu not found by its own serial\n", i);
      abort();
    }
    if (prev != NULL && (prev_len > len || (prev_len == len && memcmp(prev, serial, len) > 0))) {
      fprintf(stderr, "entries %zu and %zu out of order\n", i - 1, i);
      abort();
    }
    prev = serial;
    prev_len = len;
  }
  bool found;
  (void)casc_crl_index_lookup(ix, data, size < 20 ? size : 20, &found, NULL, &e);
  casc_crl_index_free(ix);
  return 0;
}
