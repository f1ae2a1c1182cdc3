/* bench/crlcheck.sh's helper: load, verify and index one CRL with
 * casc_crl_index, then look serials up; prints one line of figures.
 *
 * usage: crlindex_bench CRL ISSUER.pem SERIALS.txt
 * SERIALS.txt holds hexadecimal serials, one a line, that the CRL lists:
 * each is looked up, then as many serials that it does not list (the same
 * ones with the last octet changed), and every answer is checked. */
#include "casc/crlindex.h"

#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* A hex serial as the contents of a DER INTEGER: minimal, with a 0x00 in
 * front when the top bit is set. Returns the length, 0 when malformed. */
static size_t to_der(const char *hex, unsigned char out[32]) {
  unsigned char mag[32];
  size_t n = strlen(hex), k = 0;
  if (n == 0 || n > 64)
    return 0;
  size_t i = 0;
  if (n % 2 == 1) {
    mag[k++] = (unsigned char)hexval(hex[0]);
    i = 1;
  }
  for (; i + 1 < n + 1 && i < n; i += 2) {
    int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);
    if (hi < 0 || lo < 0)
      return 0;
    mag[k++] = (unsigned char)(hi << 4 | lo);
  }
  size_t s = 0;
  while (s + 1 < k && mag[s] == 0)
    s++;
  size_t len = 0;
  if (mag[s] & 0x80)
    out[len++] = 0;
  memcpy(out + len, mag + s, k - s);
  return len + k - s;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: crlindex_bench CRL ISSUER.pem SERIALS.txt\n");
    return 2;
  }
  FILE *f = fopen(argv[2], "r");
  X509 *issuer = f != NULL ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
  if (f != NULL)
    fclose(f);
  if (issuer == NULL) {
    fprintf(stderr, "%s: not a PEM certificate\n", argv[2]);
    return 2;
  }
  f = fopen(argv[3], "r");
  if (f == NULL) {
    perror(argv[3]);
    return 2;
  }
  size_t cap = 1024, n = 0;
  unsigned char(*serials)[32] = malloc(cap * sizeof *serials);
  size_t *lens = malloc(cap * sizeof *lens);
  char line[256];
  while (fgets(line, sizeof line, f) != NULL) {
    line[strcspn(line, "\r\n")] = '\0';
    if (line[0] == '\0')
      continue;
    if (n == cap) {
      cap *= 2;
      serials = realloc(serials, cap * sizeof *serials);
      lens = realloc(lens, cap * sizeof *lens);
    }
    if (serials == NULL || lens == NULL || (lens[n] = to_der(line, serials[n])) == 0) {
      fprintf(stderr, "%s: bad serial %s\n", argv[3], line);
      return 2;
    }
    n++;
  }
  fclose(f);

  casc_error e = {0};
  casc_crl_index *ix = NULL;
  double t0 = now_s();
  if (casc_crl_index_load_file(argv[1], &ix, &e) != CASC_OK) {
    fprintf(stderr, "load: %s\n", e.msg);
    return 1;
  }
  double t1 = now_s();
  if (casc_crl_index_verify(ix, issuer, &e) != CASC_OK) {
    fprintf(stderr, "verify: %s\n", e.msg);
    return 1;
  }
  double t2 = now_s();
  size_t hits = 0, misses = 0;
  for (size_t i = 0; i < n; i++) {
    bool found = false;
    casc_crl_index_entry ent;
    if (casc_crl_index_lookup(ix, serials[i], lens[i], &found, &ent, &e) != CASC_OK) {
      fprintf(stderr, "lookup: %s\n", e.msg);
      return 1;
    }
    hits += found;
  }
  for (size_t i = 0; i < n; i++) {
    bool found = true;
    serials[i][lens[i] - 1] ^= 0x5a;
    if (casc_crl_index_lookup(ix, serials[i], lens[i], &found, NULL, &e) != CASC_OK) {
      fprintf(stderr, "lookup: %s\n", e.msg);
      return 1;
    }
    misses += !found;
  }
  double t3 = now_s();
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  /* one line for crlcheck.sh: load verify lookups lookup_us entries hits misses rss_kb */
  printf("%.4f %.4f %zu %.4f %zu %zu %zu %ld\n", t1 - t0, t2 - t1, 2 * n,
         n > 0 ? (t3 - t2) * 1e6 / (double)(2 * n) : 0.0,
         casc_crl_index_get_info(ix)->entries, hits, misses, ru.ru_maxrss);
  casc_crl_index_free(ix);
  X509_free(issuer);
  free(serials);
  free(lens);
  return 0;
}
