/* In-process timings for bench/lint.sh, on the certificates of a PEM file
 * (read and base64-decoded before the clock starts): OpenSSL's d2i_X509
 * alone, casc's strict decode alone (casc_lint_parse_cert), and the decode
 * plus every certificate lint (casc_lint_ctx_check), each over the whole
 * corpus, on the calling thread.
 *
 *   lint_decode_bench FILE.pem */
#include "casc/lint.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t sink;

static void count(void *arg, const casc_lint *l, casc_lint_result r, const char *det) {
  (void)arg, (void)l, (void)det;
  sink += (size_t)r;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: lint_decode_bench FILE.pem\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "r");
  if (f == NULL) {
    perror(argv[1]);
    return 2;
  }
  size_t n = 0, cap = 1024;
  unsigned char **der = malloc(cap * sizeof *der);
  int *len = malloc(cap * sizeof *len);
  X509 *x;
  while (der != NULL && len != NULL && (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
    if (n == cap) {
      cap *= 2;
      der = realloc(der, cap * sizeof *der);
      len = realloc(len, cap * sizeof *len);
      if (der == NULL || len == NULL)
        return 2;
    }
    der[n] = NULL;
    len[n] = i2d_X509(x, &der[n]);
    X509_free(x);
    if (len[n] > 0)
      n++;
  }
  fclose(f);
  if (n == 0) {
    fprintf(stderr, "lint_decode_bench: no certificates in %s\n", argv[1]);
    return 2;
  }

  double t0 = now_s();
  for (size_t i = 0; i < n; i++) {
    const unsigned char *p = der[i];
    X509 *c = d2i_X509(NULL, &p, len[i]);
    sink += c != NULL;
    X509_free(c);
  }
  double t1 = now_s();
  casc_lint_cert *lc = malloc(sizeof *lc);
  casc_error e;
  for (size_t i = 0; i < n; i++)
    sink += casc_lint_parse_cert(der[i], (size_t)len[i], lc, &e) == CASC_OK;
  double t2 = now_s();
  casc_lint_ctx *ctx = casc_lint_ctx_new();
  for (size_t i = 0; i < n; i++)
    casc_lint_ctx_check(ctx, CASC_LINT_KIND_CERT, CASC_LINT_PROFILE_AUTO, der[i], (size_t)len[i], 0,
                        count, NULL, NULL, NULL);
  double t3 = now_s();

  printf("  in process, %zu certificates: d2i_X509 %.2f us each; casc decode %.2f us; "
         "casc decode + every lint %.2f us (%.0f certificates/s)\n",
         n, (t1 - t0) / (double)n * 1e6, (t2 - t1) / (double)n * 1e6, (t3 - t2) / (double)n * 1e6,
         (double)n / (t3 - t2));
  casc_lint_ctx_free(ctx);
  free(lc);
  for (size_t i = 0; i < n; i++)
    OPENSSL_free(der[i]);
  free(der);
  free(len);
  return sink == 0 ? 1 : 0;
}
