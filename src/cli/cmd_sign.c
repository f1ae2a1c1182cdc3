/* casc sign */
#include "cli.h"

#include "casc/sign.h"

#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
    "usage: casc [--dir DIR] sign FILE... --cert FILE --key FILE|pkcs11:URI [--chain FILE]\n"
    "                             [--digest sha256|sha384|sha512] [--tsa URL]...\n"
    "                             [--tsa-trust FILE] [-o FILE.p7s] [--force] [--json]\n\n"
    "Writes a detached CMS signature (RFC 5652, DER) over each file's exact bytes, with the\n"
    "signed attributes contentType, signingTime, messageDigest and signing-certificate-v2\n"
    "(RFC 5035). Files are hashed in chunks: memory stays constant for any size. The key is\n"
    "loaded once for all files.\n\n"
    "  --cert FILE      the code-signing certificate (PEM or DER)\n"
    "  --key REF        its private key: a PEM file, or an RFC 7512 URI such as\n"
    "                   pkcs11:token=T;object=K?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234\n"
    "                   (pin-source=FILE reads the PIN from a file); the token signs a digest\n"
    "  --chain FILE     intermediate certificates to embed (PEM)\n"
    "  --digest ALG     sha256, sha384 or sha512; by default the one the key pairs with\n"
    "                   (SHA-256 for RSA and P-256, SHA-384 for P-384)\n"
    "  --tsa URL        add an RFC 3161 timestamp over the signature value; repeat for\n"
    "                   failover: each URL is retried, then the next one is asked\n"
    "  --tsa-trust FILE anchors the TSA's reply must chain to (PEM); by default the\n"
    "                   system's trust store\n"
    "  -o FILE          where to write the signature (one FILE only); otherwise FILE.p7s\n"
    "                   beside each file\n"
    "  --force          replace existing signature files (never done silently)\n"
    "  --json           print an array of {\"file\", \"signature\", \"timestamped\", \"gen_time\",\n"
    "                   \"tsa\"} instead of one signature path per line\n\n"
    "Exit status: 0 every file signed; 1 a TSA refused or its reply did not verify; 2 bad\n"
    "arguments, unreadable input, a key that does not match the certificate, or an existing\n"
    "output; 3 no TSA could be reached (as casc timestamp).\n";

#define MAX_TSA 16

static bool parent_writable(const char *path) {
  char copy[4096];
  snprintf(copy, sizeof copy, "%s", path);
  return access(dirname(copy), W_OK) == 0;
}

int cmd_sign(const cli_globals *g, int argc, char **argv) {
  (void)g;
  static const struct option opts[] = {
      {"cert", required_argument, NULL, 'c'},      {"key", required_argument, NULL, 'k'},
      {"chain", required_argument, NULL, 'C'},     {"digest", required_argument, NULL, 'd'},
      {"tsa", required_argument, NULL, 't'},       {"tsa-trust", required_argument, NULL, 'T'},
      {"force", no_argument, NULL, 'f'},           {"json", no_argument, NULL, 'j'},
      {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0}};
  const char *tsa[MAX_TSA], *out_path = NULL;
  casc_signer_opts so = {.tsa_urls = tsa};
  bool json = false, force = false;
  int c, status = EXIT_GOOD;
  char **outs = NULL;
  casc_signer *signer = NULL;
  casc_error err = {0};
  json_t *arr = NULL;
  opterr = 0;
  optind = 1;
  /* Options and files may come in any order (GNU getopt permutes). */
  while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
    switch (c) {
    case 'c': so.cert_path = optarg; break;
    case 'k': so.key_ref = optarg; break;
    case 'C': so.chain_path = optarg; break;
    case 'd':
      if ((so.md = casc_sign_md_by_name(optarg)) == NULL)
        return cli_usage_error("sign", "--digest %s: sha256, sha384 or sha512", optarg);
      break;
    case 't':
      if (so.n_tsa == MAX_TSA)
        return cli_usage_error("sign", "more than %d --tsa URLs", MAX_TSA);
      if (strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0)
        return cli_usage_error("sign", "--tsa %s: not an http:// or https:// URL", optarg);
      tsa[so.n_tsa++] = optarg;
      break;
    case 'T': so.tsa_trust_path = optarg; break;
    case 'o': out_path = optarg; break;
    case 'f': force = true; break;
    case 'j': json = true; break;
    case 'h': fputs(help, stdout); return EXIT_GOOD;
    default: return cli_usage_error("sign", "bad option %s", argv[optind - 1]);
    }
  }
  int nfiles = argc - optind;
  char **files = argv + optind;
  if (nfiles == 0)
    return cli_usage_error("sign", "no FILE to sign");
  if (so.cert_path == NULL || so.key_ref == NULL)
    return cli_usage_error("sign", "--cert and --key are required");
  if (out_path != NULL && nfiles > 1)
    return cli_usage_error("sign", "-o takes one FILE; with several, each gets FILE.p7s");
  if (so.tsa_trust_path != NULL && so.n_tsa == 0)
    return cli_usage_error("sign", "--tsa-trust without --tsa");

  /* Every output is named and checked before anything is signed, so a
   * refusal never leaves half the files signed. */
  if ((outs = calloc((size_t)nfiles, sizeof *outs)) == NULL) {
    fprintf(stderr, "casc sign: out of memory\n");
    return EXIT_USAGE;
  }
  for (int i = 0; i < nfiles; i++) {
    if (out_path != NULL)
      outs[i] = strdup(out_path);
    else if (asprintf(&outs[i], "%s.p7s", files[i]) < 0)
      outs[i] = NULL;
    if (outs[i] == NULL) {
      fprintf(stderr, "casc sign: out of memory\n");
      status = EXIT_USAGE;
      goto out;
    }
    if (access(files[i], R_OK) != 0) {
      status = cli_usage_error("sign", "%s: not readable", files[i]);
      goto out;
    }
    if (strcmp(outs[i], files[i]) == 0) {
      status = cli_usage_error("sign", "-o %s: the signature would replace the file it signs",
                               outs[i]);
      goto out;
    }
    for (int j = 0; j < i; j++)
      if (strcmp(outs[j], outs[i]) == 0) {
        status = cli_usage_error("sign", "%s: given twice", files[i]);
        goto out;
      }
    if (!parent_writable(outs[i])) {
      status = cli_usage_error("sign", "%s: its directory is missing or not writable", outs[i]);
      goto out;
    }
    if (!force && access(outs[i], F_OK) == 0) {
      status = cli_usage_error("sign", "%s: exists (use --force to replace it)", outs[i]);
      goto out;
    }
  }
  if (casc_signer_new(&so, &signer, &err) != CASC_OK) {
    status = cli_fail("sign", &err);
    goto out;
  }
  if (json && (arr = json_array()) == NULL) {
    fprintf(stderr, "casc sign: out of memory\n");
    status = EXIT_USAGE;
    goto out;
  }
  for (int i = 0; i < nfiles; i++) {
    casc_signature sig = {0};
    if (casc_signer_sign_file(signer, files[i], &sig, &err) != CASC_OK ||
        casc_file_write_atomic(outs[i], sig.der, sig.der_len, 0644, &err) != CASC_OK) {
      status = cli_fail("sign", &err);
      /* as casc timestamp: no TSA reachable is indeterminate, not bad input */
      if (sig.tsa_failed && err.code == CASC_ERR_IO)
        status = EXIT_INDETERMINATE;
      casc_signature_clear(&sig);
      goto out;
    }
    if (json) {
      char when[CASC_TIME_BUFSZ] = "";
      if (sig.timestamped)
        casc_time_format(sig.gen_time, when);
      json_array_append_new(
          arr, json_pack("{s:s, s:s, s:b, s:o, s:o}", "file", files[i], "signature", outs[i],
                         "timestamped", sig.timestamped, "gen_time",
                         sig.timestamped ? json_string(when) : json_null(), "tsa",
                         sig.timestamped ? json_string(sig.tsa_url) : json_null()));
    } else {
      printf("%s\n", outs[i]);
      fflush(stdout);
    }
    casc_signature_clear(&sig);
  }
  if (json) {
    cli_print_json(arr);
    arr = NULL;
  }
out:
  json_decref(arr);
  casc_signer_free(signer);
  if (outs != NULL)
    for (int i = 0; i < nfiles; i++)
      free(outs[i]);
  free(outs);
  return status;
}
