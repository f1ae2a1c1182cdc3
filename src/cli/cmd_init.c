/* casc init */
#include "cli.h"

#include "casc/ca.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static const char help[] =
    "usage: casc [--dir DIR] init [--key-type TYPE] [--name NAME] [--country CC]\n"
    "                             [--base-url URL] [--crl-shards N] [--json]\n\n"
    "Creates the CA directory DIR: casc.conf, casc.db, keys/ (0700) and certs/ with a\n"
    "root CA, one issuing CA per purpose (issuing-ca for TLS servers, code-signing-ca,\n"
    "timestamping-ca), a delegated OCSP signer for each and a TSA certificate.\n"
    "Refuses, changing nothing, when DIR exists and is not empty.\n\n"
    "  --key-type TYPE  ec-p256 (default), ec-p384, rsa-2048, rsa-3072, rsa-4096; RSA keys\n"
    "                   the Code Signing BRs govern are raised to their minimum (CAs 4096,\n"
    "                   TSA and code-signing OCSP signers 3072)\n"
    "  --name NAME      organization name in the CA subjects (default \"casc Demo\")\n"
    "  --country CC     countryName of the CA subjects (default XX)\n"
    "  --base-url URL   where casc serve is reached (default http://127.0.0.1:8080);\n"
    "                   certificates carry their OCSP, CRL and CA URLs under it\n"
    "  --crl-shards N   CRL shards per issuing CA, 1 to 256 (default 4)\n"
    "  --json           print the result as JSON\n";

int cmd_init(const cli_globals *g, int argc, char **argv) {
  static const struct option opts[] = {
      {"key-type", required_argument, NULL, 'k'}, {"name", required_argument, NULL, 'n'},
      {"country", required_argument, NULL, 'c'},  {"base-url", required_argument, NULL, 'u'},
      {"crl-shards", required_argument, NULL, 's'}, {"json", no_argument, NULL, 'j'},
      {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
  casc_init_opts o = {.key_type = CASC_KEY_EC_P256};
  casc_error err = {0};
  bool json = false;
  int c;
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
    switch (c) {
    case 'k':
      if (casc_key_type_parse(optarg, &o.key_type, &err) != CASC_OK)
        return cli_fail("init", &err);
      break;
    case 'n': o.name = optarg; break;
    case 'c': o.country = optarg; break;
    case 'u': o.base_url = optarg; break;
    case 's': {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (*end != '\0' || n < 1 || n > 256)
        return cli_usage_error("init", "--crl-shards %s: a number from 1 to 256", optarg);
      o.crl_shards = (int)n;
      break;
    }
    case 'j': json = true; break;
    case 'h': fputs(help, stdout); return EXIT_GOOD;
    default: return cli_usage_error("init", "bad option %s", argv[optind - 1]);
    }
  }
  if (optind != argc)
    return cli_usage_error("init", "unexpected argument %s", argv[optind]);
  if (casc_ca_init(g->dir, &o, &err) != CASC_OK)
    return cli_fail("init", &err);
  if (json) {
    cli_print_json(json_pack("{s:s, s:s}", "dir", g->dir, "root", "certs/root-ca.pem"));
  } else {
    printf("created CA in %s\n", g->dir);
    printf("  root:       %s/certs/root-ca.pem\n", g->dir);
    printf("  issuing:    issuing-ca.pem (TLS), code-signing-ca.pem, timestamping-ca.pem\n");
    printf("  responders: ocsp-signer.pem, code-signing-ca-ocsp-signer.pem, "
           "timestamping-ca-ocsp-signer.pem\n");
    printf("  TSA:        tsa.pem\n");
    if (o.country == NULL)
      printf("  note: the CA certificates say countryName XX; give --country for a CA that\n"
             "        others rely on (BR 7.1.2.10.2)\n");
  }
  return EXIT_GOOD;
}
