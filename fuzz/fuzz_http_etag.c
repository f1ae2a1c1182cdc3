/* libFuzzer target: the If-None-Match parser of the HTTP server,
 * casc_http_etag_list_matches (src/http/dispatch.c), on the input as a
 * header value (not NUL-terminated: an exact-size copy, so that ASan sees
 * any read past its end), against an entity tag shaped like the server's.
 *
 * With CASC_FUZZ_STRICT=1 in the environment the target also checks the
 * properties the server relies on and aborts when one fails; with v the
 * input, T the tag and "a ++ b" concatenation:
 *   - a match needs "*" or T itself in v: nothing else makes a 304;
 *   - well-formedness does not depend on order: v ++ ", " ++ T matches
 *     exactly when T ++ ", " ++ v does (both when v is a well-formed list,
 *     neither when it is malformed or "*");
 *   - a list that matches stays well-formed with T appended.
 * Off by default, so that plain runs look for memory errors only. */
#include "http/http_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAG "\"0123456789ABCDEF0123456789ABCDEF\""
#define TAG_LEN (sizeof TAG - 1)

static int strict;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  const char *s = getenv("CASC_FUZZ_STRICT");
  strict = s != NULL && strcmp(s, "1") == 0;
  return 0;
}

static bool matches(const char *v, size_t len) {
  return casc_http_etag_list_matches(v, len, TAG, TAG_LEN);
}

/* "*" with optional whitespace around it: the one form that is not a list. */
static bool star_form(const char *v, size_t len) {
  size_t i = 0;
  while (i < len && (v[i] == ' ' || v[i] == '\t'))
    i++;
  return i < len && v[i] == '*';
}

static bool contains(const char *v, size_t len, const char *needle, size_t nlen) {
  return memmem(v, len, needle, nlen) != NULL;
}

static void fail(const char *what, const uint8_t *data, size_t size) {
  fprintf(stderr, "etag property failed: %s; input (%zu bytes): '", what, size);
  for (size_t i = 0; i < size && i < 200; i++)
    fprintf(stderr, data[i] >= 0x20 && data[i] < 0x7f ? "%c" : "\\x%02x", data[i]);
  fprintf(stderr, "'\n");
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 64 * 1024)
    return 0;
  char *v = malloc(size != 0 ? size : 1);
  char *suffixed = malloc(size + 2 + TAG_LEN), *prefixed = malloc(size + 2 + TAG_LEN);
  if (v == NULL || suffixed == NULL || prefixed == NULL)
    goto out;
  memcpy(v, data, size);
  bool m = matches(v, size);
  /* the empty tag, as a second shape: the scan must not depend on the tag */
  (void)casc_http_etag_list_matches(v, size, "\"\"", 2);
  if (!strict)
    goto out;
  memcpy(suffixed, v, size);
  memcpy(suffixed + size, ", " TAG, 2 + TAG_LEN);
  memcpy(prefixed, TAG ", ", TAG_LEN + 2);
  memcpy(prefixed + TAG_LEN + 2, v, size);
  bool ms = matches(suffixed, size + 2 + TAG_LEN), mp = matches(prefixed, size + 2 + TAG_LEN);
  if (m && !star_form(v, size) && !contains(v, size, TAG, TAG_LEN))
    fail("a match without the tag or \"*\"", data, size);
  if (ms != mp)
    fail("v, T and T, v disagree", data, size);
  if (m && !star_form(v, size) && !ms)
    fail("a matching list no longer matches with the tag appended", data, size);
  if (star_form(v, size) && ms)
    fail("\"*\" in a list", data, size);
out:
  free(v);
  free(suffixed);
  free(prefixed);
  return 0;
}
