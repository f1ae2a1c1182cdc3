/* libFuzzer target: the CMS signature path of `casc verify`, which reads
 * .p7s files from anyone. Each input is taken as a detached signature over
 * a fixed content and judged in full (revocation aside, which needs the
 * network): casc_sign_parse_check, then casc_verify_file against a fixed
 * trust anchor. The seeds in fuzz/corpus/fuzz_cms/ are signatures over
 * exactly that content from certificates under that anchor (plain, with a
 * timestamp token, RSA, SHA-512 without the chain, one made by openssl cms),
 * so mutations reach every step: DER checks, the digest, the signature,
 * signing-certificate-v2, the token, the chain.
 *
 * Properties checked: parse_check and verify agree on what parses; a good
 * verdict only with the digest, the signature and the chain all verified,
 * and a timestamp that verified whenever one is present. */
#include "casc/sign.h"

#include <openssl/err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char content[] = "casc fuzz_cms: the signed content\n";
/* The root of the CA that made the seeds (casc init, EC P-256). */
static const char anchor[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIB3DCCAYGgAwIBAgIQYheegvoP51N8YR/to6YRajAKBggqhkjOPQQDAjA9MQsw\n"
    "CQYDVQQGEwJYWDESMBAGA1UECgwJY2FzYyBEZW1vMRowGAYDVQQDDBFjYXNjIERl\n"
    "bW8gUm9vdCBDQTAeFw0yNjExMjgyMDUzMDdaFw00MTExMjgyMDUzMDZaMD0xCzAJ\n"
    "BgNVBAYTAlhYMRIwEAYDVQQKDAljYXNjIERlbW8xGjAYBgNVBAMMEWNhc2MgRGVt\n"
    "byBSb290IENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2EgjYiTdNwa/kCrb\n"
    "hmhfqqegn80h2MVyZ2RnbJw+F4cPF0+5eME7ruaiCLcqqW1P8Pl2rcHXY1nXbDYX\n"
    "hYE5XKNjMGEwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwHQYDVR0O\n"
    "BBYEFNQ4wSDWyz6lHwsLSU6sZVgbZQ2QMB8GA1UdIwQYMBaAFNQ4wSDWyz6lHwsL\n"
    "SU6sZVgbZQ2QMAoGCCqGSM49BAMCA0kAMEYCIQCoaPZCTzN/cJJnGeQUoWeOtu/s\n"
    "6RapgZWgSbno9XZ34AIhANH+aqjZDuVkQSo/A6jsXcCrSsZyAJk+eljinn/QKGwD\n"
    "-----END CERTIFICATE-----\n";

static char dir[64], content_path[96], trust_path[96];

static void cleanup(void) {
  unlink(content_path);
  unlink(trust_path);
  rmdir(dir);
}

static void write_file(const char *path, const char *data) {
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(data, 1, strlen(data), f) != strlen(data) || fclose(f) != 0) {
    perror(path);
    abort();
  }
}

static void setup(void) {
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/casc-fuzz-cms-XXXXXX", tmp != NULL && strlen(tmp) < 32 ? tmp : "/tmp");
  if (mkdtemp(dir) == NULL) {
    perror("mkdtemp");
    abort();
  }
  snprintf(content_path, sizeof content_path, "%s/content", dir);
  snprintf(trust_path, sizeof trust_path, "%s/anchor.pem", dir);
  write_file(content_path, content);
  write_file(trust_path, anchor);
  atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int ready;
  if (!ready) {
    setup();
    ready = 1;
  }
  casc_error e = {0};
  casc_err parsed = casc_sign_parse_check(data, size, &e);
  casc_verify_opts opts = {.trust_path = trust_path, .revocation = CASC_REVOCATION_NONE};
  casc_verify_result r;
  casc_err rc = casc_verify_file(content_path, data, size, &opts, &r, &e);
  int ok = 1;
  if ((parsed == CASC_OK) != (rc == CASC_OK))
    ok = 0;
  if (rc == CASC_OK && r.verdict == CASC_SIG_GOOD &&
      (!r.digest_ok || !r.signature_ok || !r.chain_ok || r.signer == NULL ||
       (r.timestamped && !r.timestamp_ok)))
    ok = 0;
  if (rc == CASC_OK && r.verdict != CASC_SIG_GOOD && r.decision[0] == '\0')
    ok = 0;
  if (!ok) {
    fprintf(stderr, "fuzz_cms: parse %d, verify %d, verdict %s: %s\n", (int)parsed, (int)rc,
            rc == CASC_OK ? casc_sig_verdict_name(r.verdict) : "-", rc == CASC_OK ? r.decision : e.msg);
    abort();
  }
  casc_verify_result_clear(&r);
  ERR_clear_error();
  return 0;
}
