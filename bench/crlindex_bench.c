/* bench/crlcheck.sh's helper: load, verify and index one CRL with
 * casc_crl_index, then look serials up; prints one line of figures.
 *
 * usage: crlindex_bench CRL ISSUER.pem SERIALS.txt
 * SERIALS.txt holds hexadecimal serials, one a line, that the CRL lists:
 * each is looked up, then as many serials that it does not list (the same
 * ones with the last octet changed), and every answer is checked.
 *
 * usage: crlindex_bench --shuffle CRL KEY.pem OUT
 * writes the same CRL with its entries in random order, signed again with
 * the issuer's key (SHA-256): CAs that list entries in revocation order
 * make the index sort. */
#include "casc/crlindex.h"
#include "casc/der.h"

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

static int die(const char *what) {
  fprintf(stderr, "crlindex_bench --shuffle: %s\n", what);
  return 2;
}

static int shuffle(const char *in_path, const char *key_path, const char *out_path) {
  casc_error e = {0};
  casc_crl_index *ix = NULL;
  if (casc_crl_index_load_file(in_path, &ix, &e) != CASC_OK)
    return die(e.msg);
  FILE *kf = fopen(key_path, "r");
  EVP_PKEY *key = kf != NULL ? PEM_read_PrivateKey(kf, NULL, NULL, NULL) : NULL;
  if (kf != NULL)
    fclose(kf);
  if (key == NULL)
    return die("cannot read the key");
  size_t len;
  const unsigned char *p = casc_crl_index_der(ix, &len);
  casc_der_tlv_t outer, tbs, alg, t;
  if (casc_der_next(&p, &len, &outer, &e) != CASC_OK)
    return die(e.msg);
  p = outer.val;
  len = outer.len;
  if (casc_der_next(&p, &len, &tbs, &e) != CASC_OK || casc_der_next(&p, &len, &alg, &e))
    return die(e.msg);
  /* the TBS fields: everything but the one SEQUENCE after the times is copied */
  const unsigned char *q = tbs.val;
  size_t left = tbs.len;
  casc_der_buf out, whole;
  casc_der_buf_init(&out);
  casc_der_buf_init(&whole);
  casc_der_begin(&out, CASC_DER_SEQUENCE);
  int seqs = 0;
  while (left > 0) {
    if (casc_der_next(&q, &left, &t, &e) != CASC_OK)
      return die(e.msg);
    if (t.tag == CASC_DER_SEQUENCE && ++seqs == 3) { /* signature, issuer, then the list */
      size_t n = 0, cap = t.len / 20 + 1;
      casc_der_tlv_t *ents = malloc(cap * sizeof *ents);
      const unsigned char *r = t.val;
      size_t rl = t.len;
      while (rl > 0 && casc_der_next(&r, &rl, &ents[n], &e) == CASC_OK)
        n++;
      srand(12345);
      for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rand() % i;
        casc_der_tlv_t tmp = ents[i - 1];
        ents[i - 1] = ents[j];
        ents[j] = tmp;
      }
      casc_der_begin(&out, CASC_DER_SEQUENCE);
      for (size_t i = 0; i < n; i++)
        casc_der_raw(&out, ents[i].hdr, ents[i].hdr_len + ents[i].len);
      casc_der_end(&out);
      free(ents);
    } else {
      casc_der_raw(&out, t.hdr, t.hdr_len + t.len);
    }
  }
  casc_der_end(&out);
  unsigned char sig[1024];
  size_t siglen = sizeof sig - 1;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  if (casc_der_buf_failed(&out) || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) != 1 ||
      EVP_DigestSign(ctx, sig + 1, &siglen, out.data, out.len) != 1)
    return die("signing failed");
  sig[0] = 0;
  casc_der_begin(&whole, CASC_DER_SEQUENCE);
  casc_der_raw(&whole, out.data, out.len);
  casc_der_raw(&whole, alg.hdr, alg.hdr_len + alg.len);
  casc_der_tlv(&whole, CASC_DER_BIT_STRING, sig, siglen + 1);
  casc_der_end(&whole);
  if (casc_der_buf_failed(&whole) ||
      casc_file_write_atomic(out_path, whole.data, whole.len, 0644, &e) != CASC_OK)
    return die("cannot write the output");
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  casc_der_buf_free(&out);
  casc_der_buf_free(&whole);
  casc_crl_index_free(ix);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 5 && strcmp(argv[1], "--shuffle") == 0)
    return shuffle(argv[2], argv[3], argv[4]);
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
