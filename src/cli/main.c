/* casc [--dir DIR] COMMAND [ARGS] */
#include "cli.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *name;
  cli_command_fn fn;
  const char *summary;
} commands[] = {
    {"init", cmd_init, "create a CA directory with its whole hierarchy"},
    {"issue", cmd_issue, "issue a certificate under a profile"},
    {"revoke", cmd_revoke, "revoke certificates"},
    {"list", cmd_list, "list the certificates in the database"},
    {"show", cmd_show, "show one certificate"},
    {"audit", cmd_audit, "verify the audit log (audit verify)"},
    {"crl", cmd_crl, "write every issuer's CRLs"},
    {"serve", cmd_serve, "serve CA certificates and /healthz over HTTP"},
    {"ocsp", cmd_ocsp, "presign OCSP responses, or query a responder"},
    {"check", cmd_check, "chain, expiry and revocation verdict of a certificate or host"},
    {"staple", cmd_staple, "keep verified OCSP staples fresh"},
    {"sign", cmd_sign, "detached CMS signatures of files, timestamped"},
    {"verify", cmd_verify, "verify a code signature"},
    {"timestamp", cmd_timestamp, "get a verified RFC 3161 timestamp for a file"},
    {"lint", cmd_lint, "lint certificates, CRLs and OCSP responses"},
};

static void usage(FILE *out) {
  fprintf(out, "usage: casc [--dir DIR] COMMAND [ARGS]\n\n"
               "DIR is the CA directory: --dir, else $CASC_DIR, else ./casc-data.\n\n"
               "commands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\nEvery command takes --help. Exit status: 0 success, 1 a negative verdict or "
               "a refused request,\n2 a usage or input error, 3 indeterminate.\n");
}

int main(int argc, char **argv) {
  cli_globals g = {.dir = getenv("CASC_DIR")};
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
      g.dir = argv[++i];
    } else if (strncmp(argv[i], "--dir=", 6) == 0) {
      g.dir = argv[i] + 6;
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      return EXIT_GOOD;
    } else if (strcmp(argv[i], "--version") == 0) {
      printf("casc 0.1.0 (%s)\n", OpenSSL_version(OPENSSL_VERSION));
      return EXIT_GOOD;
    } else {
      fprintf(stderr, "casc: unknown option %s (see casc --help)\n", argv[i]);
      return EXIT_USAGE;
    }
  }
  if (g.dir == NULL || g.dir[0] == '\0')
    g.dir = "./casc-data";
  if (i == argc) {
    usage(stderr);
    return EXIT_USAGE;
  }
  for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
    if (strcmp(argv[i], commands[c].name) == 0) {
      setvbuf(stdout, NULL, _IOLBF, 0); /* each acknowledgement on its own flushed line */
      return commands[c].fn(&g, argc - i, argv + i);
    }
  fprintf(stderr, "casc: unknown command '%s' (see casc --help)\n", argv[i]);
  return EXIT_USAGE;
}
