/* casc revoke */
#include "cli.h"
#include "input.h"

#include "casc/ca.h"
#include "casc/ocsp.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: casc [--dir DIR] revoke (SERIAL... | --cert FILE...) [--reason NAME]\n"
    "                               [--invalidity-date TIME] [--json]\n\n"
    "Records each revocation and prints one line for it once it is committed to the\n"
    "database; CRLs and OCSP follow.\n\n"
    "  SERIAL                 hexadecimal, either case, with or without leading zeros\n"
    "  --cert FILE            revoke the certificate in FILE (PEM or DER; repeatable)\n"
    "  --reason NAME          RFC 5280 reason, case-insensitive: keyCompromise, superseded,\n"
    "                         affiliationChanged, cessationOfOperation, privilegeWithdrawn,\n"
    "                         cACompromise (CA certificates); unspecified is written as no\n"
    "                         reason (BR 7.2.2)\n"
    "  --invalidity-date TIME RFC 3339; when the key is known or suspected to have been\n"
    "                         compromised. For code-signing and timestamping certificates it\n"
    "                         is also the revocation date (CSBR 7.2.2)\n"
    "  --json                 one JSON object a line\n\n"
    "Exit status: 0 all revoked; 1 one was already revoked or its reason is not allowed;\n"
    "2 an unknown serial or bad arguments (the others are still revoked).\n";

#define MAX_CERTS 1024

static int worse(int a, int b) {
  /* usage errors outrank refusals: a typo must not look like a verdict */
  if (a == EXIT_USAGE || b == EXIT_USAGE)
    return EXIT_USAGE;
  return a > b ? a : b;
}

static int revoke_one(casc_ca *ca, const char *serial, int reason, time_t invalidity, bool json) {
  casc_error err = {0};
  casc_cert_rec rec;
  if (casc_ca_revoke(ca, serial, reason, invalidity, &rec, &err) != CASC_OK)
    return cli_fail("revoke", &err);
  /* OCSP at once; should this fail, casc serve re-signs it from its queue */
  if (casc_ocsp_after_revoke(ca, rec.serial, &err) != CASC_OK)
    fprintf(stderr, "casc revoke: warning: OCSP: %s\n", err.msg);
  char at[CASC_TIME_BUFSZ];
  casc_time_format(rec.revoked_at, at);
  const char *reason_name = rec.reason >= 0 ? casc_reason_name(rec.reason) : "unspecified";
  if (json)
    cli_print_json_line(json_pack("{s:s, s:s, s:s}", "serial", rec.serial, "revoked_at", at,
                                  "reason", reason_name));
  else
    printf("revoked %s at %s (%s)\n", rec.serial, at, reason_name);
  fflush(stdout);
  casc_cert_rec_clear(&rec);
  return EXIT_GOOD;
}

int cmd_revoke(const cli_globals *g, int argc, char **argv) {
  static const struct option opts[] = {
      {"cert", required_argument, NULL, 'c'},   {"reason", required_argument, NULL, 'r'},
      {"invalidity-date", required_argument, NULL, 'i'}, {"json", no_argument, NULL, 'j'},
      {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
  const char *certs[MAX_CERTS];
  size_t n_certs = 0;
  int reason = -1, c, status = EXIT_GOOD;
  time_t invalidity = 0;
  bool json = false;
  casc_error err = {0};
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'c':
      if (n_certs == MAX_CERTS)
        return cli_usage_error("revoke", "more than %d --cert files", MAX_CERTS);
      certs[n_certs++] = optarg;
      break;
    case 'r':
      if (casc_reason_parse(optarg, &reason, &err) != CASC_OK)
        return cli_fail("revoke", &err);
      break;
    case 'i':
      if (casc_time_parse(optarg, &invalidity, &err) != CASC_OK)
        return cli_fail("revoke", &err);
      break;
    case 'j': json = true; break;
    case 'h': fputs(help, stdout); return EXIT_GOOD;
    default: return cli_usage_error("revoke", "bad option %s", argv[optind - 1]);
    }
  }
  if (optind == argc && n_certs == 0)
    return cli_usage_error("revoke", "give serial numbers or --cert FILE");
  /* Check every serial's syntax before revoking any. */
  for (int i = optind; i < argc; i++) {
    char canon[CASC_SERIAL_MAX];
    if (casc_serial_normalize(argv[i], canon, &err) != CASC_OK)
      return cli_fail("revoke", &err);
  }
  char (*from_files)[CASC_SERIAL_MAX] = calloc(n_certs + 1, CASC_SERIAL_MAX);
  if (from_files == NULL)
    return EXIT_USAGE;
  casc_ca *ca = NULL;
  if (casc_ca_open(g->dir, &ca, &err) != CASC_OK) {
    free(from_files);
    return cli_fail("revoke", &err);
  }
  /* Every file is resolved before anything is revoked. */
  for (size_t i = 0; i < n_certs; i++) {
    if (cli_cert_file_serial(ca, certs[i], from_files[i], &err) != CASC_OK) {
      free(from_files);
      casc_ca_close(ca);
      return cli_fail("revoke", &err);
    }
  }
  for (int i = optind; i < argc; i++)
    status = worse(status, revoke_one(ca, argv[i], reason, invalidity, json));
  for (size_t i = 0; i < n_certs; i++)
    status = worse(status, revoke_one(ca, from_files[i], reason, invalidity, json));
  free(from_files);
  casc_ca_close(ca);
  return status;
}
