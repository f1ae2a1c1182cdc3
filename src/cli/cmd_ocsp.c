/* casc ocsp presign | query */
#include "cli.h"

#include "casc/ca.h"
#include "casc/ocsp.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static const char help[] =
    "usage: casc [--dir DIR] ocsp presign [--json]\n"
    "       casc [--dir DIR] ocsp query --cert FILE ...   (see casc ocsp query --help)\n\n"
    "presign: signs and stores the OCSP responses that are due: one for every unexpired\n"
    "certificate, and for expired code-signing and timestamping certificates, whose\n"
    "response is missing, reaches its refresh time, or disagrees with the database about\n"
    "revocation. Each is signed by its issuing CA's delegated responder, valid 4 days\n"
    "(BR 4.9.10: 8 hours to 10 days) and refreshed after at most 3 days 16 hours\n"
    "(8 hours before nextUpdate). The root answers through its CRL and has no responder.\n"
    "casc serve loads the stored responses and keeps them fresh by itself; run presign\n"
    "from cron when no daemon runs.\n\n"
    "  --json     print {\"signed\", \"skipped\", \"next_due\"}\n\n"

    "Exit status: 0 done; 2 bad arguments, not a CA directory, or a signer that cannot be\n"
    "loaded.\n";

static void progress(size_t done, void *arg) {
  (void)arg;
  fprintf(stderr, "\rcasc ocsp presign: %zu signed", done);
}

static int presign(const cli_globals *g, int argc, char **argv) {
  static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  bool json = false;
  int c, status = EXIT_GOOD;
  casc_error err = {0};
  casc_ca *ca = NULL;
  casc_ocsp_responder *r = NULL;
  casc_ocsp_presign_report rep;
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'j': json = true; break;
    case 'h': fputs(help, stdout); return EXIT_GOOD;
    default: return cli_usage_error("ocsp", "bad option %s", argv[optind - 1]);
    }
  }
  if (optind != argc)
    return cli_usage_error("ocsp", "unexpected argument %s", argv[optind]);
#ifdef __GLIBC__
  /* SQLite's page cache allocates and frees pages batch after batch; with
   * glibc's default 128 KiB trim threshold every free at the top of the
   * heap shrinks it with brk (and a TLB shootdown), which measured 15% of
   * a presigning run (bench/presign.sh). Keep up to 64 MiB for reuse. */
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
  /* progress only for a person watching (DESIGN: quiet in scripts) */
  bool tty = isatty(STDERR_FILENO) == 1;
  casc_err rc = casc_ca_open(g->dir, &ca, &err);
  if (rc == CASC_OK)
    rc = casc_ocsp_responder_new(ca, &r, &err);
  if (rc == CASC_OK)
    rc = casc_ocsp_presign(r, casc_ca_store(ca), casc_now(), tty ? progress : NULL, NULL, &rep,
                           &err);
  if (tty)
    fputc('\n', stderr);
  if (rc != CASC_OK) {
    status = cli_fail("ocsp", &err);
    goto out;
  }
  char due[CASC_TIME_BUFSZ];
  casc_time_format(rep.next_due, due);
  if (json)
    cli_print_json(json_pack("{s:I, s:I, s:s}", "signed", (json_int_t)rep.signed_count,
                             "skipped", (json_int_t)rep.skipped, "next_due", due));
  else
    printf("signed %zu OCSP response%s; next due by %s\n", rep.signed_count,
           rep.signed_count == 1 ? "" : "s", due);
out:
  casc_ocsp_responder_free(r);
  casc_ca_close(ca);
  return status;
}

int cmd_ocsp(const cli_globals *g, int argc, char **argv) {
  if (argc < 2)
    return cli_usage_error("ocsp", "give a subcommand: presign or query");
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    fputs(help, stdout);
    return EXIT_GOOD;
  }
  if (strcmp(argv[1], "presign") == 0)
    return presign(g, argc - 1, argv + 1);
  if (strcmp(argv[1], "query") == 0)
    return cmd_ocsp_query(g, argc - 1, argv + 1);
  return cli_usage_error("ocsp", "unknown subcommand %s", argv[1]);
}
