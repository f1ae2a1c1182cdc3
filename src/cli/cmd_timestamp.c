/* casc timestamp */
#include "cli.h"

#include "casc/tsclient.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: casc [--dir DIR] timestamp FILE --tsa URL [--tsa URL]... [-o FILE.tsr]\n"
    "                      [--sha256|--sha384|--sha512] [--trust FILE] [--json]\n\n"
    "Asks an RFC 3161 time-stamp authority for a timestamp over FILE's hash: a request\n"
    "with a fresh nonce and certReq, POSTed as application/timestamp-query. The reply is\n"
    "verified before anything is written: status granted, the message imprint is FILE's\n"
    "hash, the nonce is echoed, the signature and its ESSCertID(v2) binding hold, and the\n"
    "TSA certificate chains to a --trust anchor with timeStamping as its sole, critical\n"
    "extended key usage. Then the TimeStampResp (DER, as openssl ts -reply writes it) is\n"
    "saved atomically and genTime, serial and TSA are printed.\n\n"
    "  --tsa URL        the TSA; repeat for failover: each URL is tried up to 3 times\n"
    "                   with backoff (0.25 s, 0.5 s) before the next one\n"
    "  -o FILE.tsr      where the reply goes (default: FILE.tsr)\n"
    "  --sha256, --sha384, --sha512\n"
    "                   the hash of FILE (default: SHA-256; SHA-1 is never used)\n"
    "  --trust FILE     PEM anchors for the TSA chain (default: DIR/certs/root-ca.pem)\n"
    "  --json           print {\"file\", \"output\", \"url\", \"hash\", \"gen_time\", \"serial\",\n"
    "                   \"policy\", \"accuracy_us\", \"tsa\"}\n\n"
    "Exit status: 0 saved; 1 the TSA refused or its reply does not verify (nothing is\n"
    "written); 2 bad arguments or an unreadable FILE or --trust; 3 no TSA reachable.\n";

#define MAX_URLS 16

static casc_err hash_file(const char *path, const EVP_MD *md, unsigned char *out,
                          unsigned *out_len, casc_error *e) {
  enum { CHUNK = 1 << 20 };
  FILE *f = fopen(path, "rb");
  unsigned char *buf = malloc(CHUNK);
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  casc_err rc = CASC_OK;
  if (f == NULL) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: %s", path, strerror(errno));
    goto out;
  }
  if (buf == NULL || ctx == NULL || EVP_DigestInit_ex(ctx, md, NULL) != 1) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  size_t n;
  while ((n = fread(buf, 1, CHUNK, f)) > 0)
    if (EVP_DigestUpdate(ctx, buf, n) != 1) {
      rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "%s: hashing", path);
      goto out;
    }
  if (ferror(f)) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: read error", path);
    goto out;
  }
  if (EVP_DigestFinal_ex(ctx, out, out_len) != 1)
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "%s: hashing", path);
out:
  EVP_MD_CTX_free(ctx);
  free(buf);
  if (f != NULL)
    fclose(f);
  return rc;
}

int cmd_timestamp(const cli_globals *g, int argc, char **argv) {
  static const struct option opts[] = {{"tsa", required_argument, NULL, 't'},
                                       {"out", required_argument, NULL, 'o'},
                                       {"sha256", no_argument, NULL, '2'},
                                       {"sha384", no_argument, NULL, '3'},
                                       {"sha512", no_argument, NULL, '5'},
                                       {"trust", required_argument, NULL, 'T'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *urls[MAX_URLS], *out_path = NULL, *trust_path = NULL;
  char default_out[PATH_MAX], default_trust[PATH_MAX];
  size_t n_urls = 0;
  const EVP_MD *md = NULL;
  bool json = false;
  int c, status = EXIT_GOOD;
  casc_error err = {0};
  X509_STORE *trust = NULL;
  unsigned char digest[EVP_MAX_MD_SIZE], *resp = NULL;
  unsigned digest_len = 0;
  size_t resp_len = 0;
  casc_ts_info info = {0};
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
    switch (c) {
    case 't':
      if (n_urls == MAX_URLS)
        return cli_usage_error("timestamp", "--tsa: at most %d URLs", MAX_URLS);
      if (strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0)
        return cli_usage_error("timestamp", "--tsa %s: not an http:// or https:// URL", optarg);
      urls[n_urls++] = optarg;
      break;
    case 'o': out_path = optarg; break;
    case '2':
    case '3':
    case '5': {
      const EVP_MD *m = c == '2' ? EVP_sha256() : c == '3' ? EVP_sha384() : EVP_sha512();
      if (md != NULL && md != m)
        return cli_usage_error("timestamp", "choose one of --sha256, --sha384, --sha512");
      md = m;
      break;
    }
    case 'T': trust_path = optarg; break;
    case 'j': json = true; break;
    case 'h': fputs(help, stdout); return EXIT_GOOD;
    default: return cli_usage_error("timestamp", "bad option %s", argv[optind - 1]);
    }
  }
  if (optind == argc)
    return cli_usage_error("timestamp", "no FILE");
  if (optind + 1 != argc)
    return cli_usage_error("timestamp", "unexpected argument %s", argv[optind + 1]);
  if (n_urls == 0)
    return cli_usage_error("timestamp", "no --tsa URL");
  const char *file = argv[optind];
  if (md == NULL)
    md = EVP_sha256();
  if (out_path == NULL) {
    if ((size_t)snprintf(default_out, sizeof default_out, "%s.tsr", file) >= sizeof default_out)
      return cli_usage_error("timestamp", "%s: path too long", file);
    out_path = default_out;
  }
  casc_err rc = CASC_OK;
  if (trust_path == NULL) {
    if ((rc = casc_path_join(default_trust, sizeof default_trust, g->dir,
                             "certs/root-ca.pem", &err)) != CASC_OK)
      goto out;
    trust_path = default_trust;
  }
  if ((rc = casc_ts_trust_load(trust_path, &trust, &err)) != CASC_OK) {
    if (trust_path == default_trust) {
      char m[sizeof err.msg];
      snprintf(m, sizeof m, "%s", err.msg);
      casc_error_set(&err, rc, "%s (give --trust FILE)", m);
    }
    goto out;
  }
  if ((rc = hash_file(file, md, digest, &digest_len, &err)) != CASC_OK)
    goto out;
  casc_ts_fetch_opts fo = {.urls = urls, .n_urls = n_urls, .trust = trust};
  rc = casc_ts_fetch(&fo, md, digest, digest_len, &resp, &resp_len, NULL, NULL, &info, &err);
  if (rc != CASC_OK) {
    fprintf(stderr, "casc timestamp: %s\n", err.msg);
    /* unreachable TSAs are indeterminate; a refusal or a bad reply negative */
    status = rc == CASC_ERR_IO ? EXIT_INDETERMINATE
             : rc == CASC_ERR_USAGE ? EXIT_USAGE
                                    : EXIT_NEGATIVE;
    rc = CASC_OK;
    goto out;
  }
  if ((rc = casc_file_write_atomic(out_path, resp, resp_len, 0644, &err)) != CASC_OK)
    goto out;
  if (json) {
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "file", file,
                          "output", out_path, "url", info.url, "hash",
                          md == EVP_sha512() ? "sha512" : md == EVP_sha384() ? "sha384" : "sha256",
                          "gen_time", info.gen_time_str, "serial", info.serial, "policy",
                          info.policy,
                          "accuracy_us",
                          info.has_accuracy ? json_integer(info.accuracy_us) : json_null(),
                          "tsa", info.tsa_name);
    cli_print_json(j);
  } else {
    printf("%s: timestamp from %s\n", out_path, info.url);
    printf("  time:   %s\n", info.gen_time_str);
    printf("  serial: %s\n", info.serial);
    printf("  tsa:    %s\n", info.tsa_name);
    printf("  policy: %s\n", info.policy);
  }
out:
  if (rc != CASC_OK)
    status = cli_fail("timestamp", &err);
  casc_ts_info_clear(&info);
  free(resp);
  X509_STORE_free(trust);
  return status;
}
