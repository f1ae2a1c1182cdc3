/* casc issue */
#include "certjson.h"
#include "cli.h"
#include "input.h"

#include "casc/ca.h"

#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
    "usage: casc [--dir DIR] issue --profile PROFILE\n"
    "                              (--csr FILE | --dns NAME [--dns NAME]... | --subject DN)\n"
    "                              [--days N] [--key-type TYPE] [--must-staple]\n"
    "                              [-o FILE] [--chain-out FILE] [--key-out FILE] [--json]\n\n"
    "Checks the request against its profile, issues from the issuing CA of that purpose,\n"
    "commits it to the database and prints the serial number.\n\n"
    "  --profile P      tls-server (90 days by default, at most 200 from 2026-03-15,\n"
    "                   100 from 2027-03-15: BR 6.3.2), code-signing (365, at most 460:\n"
    "                   CSBR 6.3.2), timestamping, ocsp-signing, sub-ca\n"
    "  --csr FILE       a PEM or DER PKCS#10 request; its signature must verify\n"
    "  --dns NAME       a DNS name (tls-server; repeatable)\n"
    "  --subject DN     \"CN=Example,O=Example Ltd,L=Berlin,C=DE\" (RFC 4514) or\n"
    "                   \"/C=DE/L=Berlin/O=Example Ltd/CN=Example\"\n"
    "  --days N         validity in days (BR 6.3.2 counts the last second too)\n"
    "  --key-type TYPE  without --csr, casc generates the key: ec-p256 (default), ec-p384,\n"
    "                   rsa-2048, rsa-3072, rsa-4096\n"
    "  --must-staple    add the TLS feature status_request (RFC 7633)\n"
    "  -o FILE          write the certificate (PEM)\n"
    "  --chain-out FILE write the chain up to, not including, the root (PEM)\n"
    "  --key-out FILE   write the generated key (PEM, 0600); required when casc makes the key\n"
    "  --issuer NAME    issue from this issuer instead of the profile's (e.g. code-signing-ca\n"
    "                   for an ocsp-signing certificate)\n"
    "  --json           print the certificate record as JSON instead of the serial\n\n"
    "Exit status: 0 issued; 1 the request breaks its profile (the message names the rule);\n"
    "2 bad arguments, unreadable input or an unknown profile.\n";

#define MAX_DNS 100

static bool parent_writable(const char *path) {
  char copy[4096];
  snprintf(copy, sizeof copy, "%s", path);
  return access(dirname(copy), W_OK) == 0;
}

int cmd_issue(const cli_globals *g, int argc, char **argv) {
  static const struct option opts[] = {
      {"profile", required_argument, NULL, 'p'},  {"csr", required_argument, NULL, 'c'},
      {"dns", required_argument, NULL, 'd'},      {"subject", required_argument, NULL, 's'},
      {"days", required_argument, NULL, 'D'},     {"key-type", required_argument, NULL, 'k'},
      {"must-staple", no_argument, NULL, 'm'},    {"chain-out", required_argument, NULL, 'C'},
      {"key-out", required_argument, NULL, 'K'},  {"issuer", required_argument, NULL, 'i'},
      {"json", no_argument, NULL, 'j'},           {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *profile = NULL, *csr_path = NULL, *key_type = NULL, *out_path = NULL;
  const char *chain_path = NULL, *key_path = NULL;
  const char *dns[MAX_DNS];
  casc_issue_request req = {.dns = dns};
  casc_error err = {0};
  bool json = false, key_written = false;
  int c, status = EXIT_GOOD;
  casc_ca *ca = NULL;
  EVP_PKEY *key = NULL;
  casc_issued issued = {0};
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "+o:", opts, NULL)) != -1) {
    switch (c) {
    case 'p': profile = optarg; break;
    case 'c': csr_path = optarg; break;
    case 'd':
      if (req.n_dns == MAX_DNS)
        return cli_usage_error("issue", "more than %d --dns names", MAX_DNS);
      dns[req.n_dns++] = optarg;
      break;
    case 's': req.subject = optarg; break;
    case 'D': {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (*end != '\0' || n < 1 || n > 100000)
        return cli_usage_error("issue", "--days %s: a positive number of days", optarg);
      req.days = (int)n;
      break;
    }
    case 'k': key_type = optarg; break;
    case 'm': req.must_staple = true; break;
    case 'o': out_path = optarg; break;
    case 'C': chain_path = optarg; break;
    case 'K': key_path = optarg; break;
    case 'i': req.issuer = optarg; break;
    case 'j': json = true; break;
    case 'h': fputs(help, stdout); return EXIT_GOOD;
    default: return cli_usage_error("issue", "bad option %s", argv[optind - 1]);
    }
  }
  if (optind != argc)
    return cli_usage_error("issue", "unexpected argument %s", argv[optind]);
  if (profile == NULL)
    return cli_usage_error("issue", "--profile is required");
  if (casc_profile_parse(profile, &req.profile, &err) != CASC_OK)
    return cli_fail("issue", &err);
  if (csr_path != NULL && key_type != NULL)
    return cli_usage_error("issue", "--key-type is for keys casc generates, not with --csr");
  if (csr_path != NULL && key_path != NULL)
    return cli_usage_error("issue", "--key-out is for keys casc generates, not with --csr");
  if (csr_path == NULL && req.n_dns == 0 && req.subject == NULL)
    return cli_usage_error("issue", "give --csr, --dns or --subject");
  if (csr_path == NULL && key_path == NULL)
    return cli_usage_error("issue",
                           "--key-out FILE is required when casc generates the key (it would "
                           "be lost otherwise)");
  /* Refuse what would fail after the certificate is committed, before it
   * is: a script retrying a half-failed issue would issue twice. */
  if (key_path != NULL && access(key_path, F_OK) == 0)
    return cli_usage_error("issue", "--key-out %s: exists (casc never overwrites a key)",
                           key_path);
  const char *outputs[] = {out_path, chain_path, key_path};
  for (size_t i = 0; i < 3; i++)
    if (outputs[i] != NULL && !parent_writable(outputs[i]))
      return cli_usage_error("issue", "%s: its directory is missing or not writable",
                             outputs[i]);

  if (csr_path != NULL) {
    if ((req.csr = cli_read_csr(csr_path, &err)) == NULL) {
      status = cli_fail("issue", &err);
      goto out;
    }
  } else {
    casc_key_type type = CASC_KEY_EC_P256;
    if ((key_type != NULL && casc_key_type_parse(key_type, &type, &err) != CASC_OK) ||
        casc_key_generate(type, &key, &err) != CASC_OK) {
      status = cli_fail("issue", &err);
      goto out;
    }
    req.public_key = key;
  }
  if (casc_ca_open(g->dir, &ca, &err) != CASC_OK) {
    status = cli_fail("issue", &err);
    goto out;
  }
  /* The key is saved before the certificate exists, so an issued
   * certificate never lacks its key; a failed issuance removes it again. */
  if (key != NULL) {
    if (casc_key_save(key_path, key, &err) != CASC_OK) {
      status = cli_fail("issue", &err);
      goto out;
    }
    key_written = true;
  }
  if (casc_ca_issue(ca, &req, &issued, &err) != CASC_OK) {
    status = cli_fail("issue", &err);
    goto out;
  }
  key_written = false; /* keep it: it belongs to an issued certificate */
  if (out_path != NULL && cli_write_pem_certs(out_path, &issued.cert, 1, &err) != CASC_OK) {
    fprintf(stderr, "casc issue: issued %s, but writing %s failed (casc show --pem %s has it): "
                    "%s\n",
            issued.serial, out_path, issued.serial, err.msg);
    status = EXIT_USAGE;
  }
  if (chain_path != NULL) {
    size_t n = (size_t)sk_X509_num(issued.chain);
    X509 *chain[8];
    for (size_t i = 0; i < n && i < 8; i++)
      chain[i] = sk_X509_value(issued.chain, (int)i);
    if (cli_write_pem_certs(chain_path, chain, n < 8 ? n : 8, &err) != CASC_OK)
      status = cli_fail("issue", &err);
  }
  if (json) {
    casc_cert_rec rec;
    if (casc_store_cert_get(casc_ca_store(ca), issued.serial, &rec, &err) == CASC_OK) {
      cli_print_json(cli_cert_json(ca, &rec, casc_now()));
      casc_cert_rec_clear(&rec);
    } else {
      status = cli_fail("issue", &err);
    }
  } else {
    printf("%s\n", issued.serial);
  }
out:
  if (key_written)
    unlink(key_path);
  casc_issued_clear(&issued);
  casc_ca_close(ca);
  EVP_PKEY_free(key);
  X509_REQ_free(req.csr);
  return status;
}
