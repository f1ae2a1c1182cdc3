/* libFuzzer target: the strict DER reader of casc/der.h (casc_der_next,
 * casc_der_expect, casc_der_check_integer), walking the input as a tree of
 * TLVs: constructed values are descended into, to a bounded depth, the way
 * the CRL scanner reads a CRL it serves.
 *
 * With CASC_FUZZ_STRICT=1 in the environment the target also checks the
 * properties the callers rely on and aborts when one fails:
 *   - every TLV the reader accepts lies inside its parent, and its header
 *     is exactly what the writer (casc_der_header) encodes for that tag and
 *     length: the reader accepts only the one DER form;
 *   - writing the accepted value back through casc_der_tlv gives the same
 *     bytes (round trip).
 * Off by default, so that plain runs look for memory errors only. */
#include "casc/der.h"

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

static void check(const casc_der_tlv_t *t, const unsigned char *start, size_t avail) {
  unsigned char hdr[CASC_DER_MAX_HEADER];
  size_t h = casc_der_header(hdr, t->tag, t->len);
  if (t->hdr < start || t->hdr_len + t->len > avail || t->val != t->hdr + t->hdr_len ||
      h != t->hdr_len || memcmp(hdr, t->hdr, h) != 0) {
    fprintf(stderr, "round trip: header of tag 0x%02x, length %zu differs\n", t->tag, t->len);
    abort();
  }
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_tlv(&b, t->tag, t->val, t->len);
  if (casc_der_buf_failed(&b) || b.len != t->hdr_len + t->len ||
      memcmp(b.data, t->hdr, b.len) != 0) {
    fprintf(stderr, "round trip: tag 0x%02x re-encodes differently\n", t->tag);
    abort();
  }
  casc_der_buf_free(&b);
}

static void walk(const unsigned char *p, size_t left, int depth) {
  while (left > 0) {
    const unsigned char *start = p;
    size_t avail = left;
    casc_der_tlv_t t;
    casc_error e;
    if (casc_der_next(&p, &left, &t, &e) != CASC_OK)
      return;
    if (strict)
      check(&t, start, avail);
    if (t.tag == CASC_DER_INTEGER || t.tag == CASC_DER_ENUMERATED)
      (void)casc_der_check_integer(t.val, t.len, &e);
    if ((t.tag & CASC_DER_CONSTRUCTED) != 0 && depth < 32)
      walk(t.val, t.len, depth + 1);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* A private copy, so that a read past the end trips ASan exactly. */
  unsigned char *copy = malloc(size > 0 ? size : 1);
  if (copy == NULL)
    return 0;
  memcpy(copy, data, size);
  walk(copy, size, 0);
  /* casc_der_expect must leave the cursor alone on a mismatch */
  const unsigned char *p = copy;
  size_t left = size;
  casc_der_tlv_t t;
  casc_error e;
  if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &t, &e) != CASC_OK &&
      (p != copy || left != size))
    abort();
  free(copy);
  return 0;
}
