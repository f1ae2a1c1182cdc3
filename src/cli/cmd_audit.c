/* casc audit verify */
#include "cli.h"

#include "casc/ca.h"

#include <stdio.h>
#include <string.h>

static const char help[] =
    "usage: casc [--dir DIR] audit verify [--json]\n\n"
    "Recomputes the audit log's hash chain and checks it against the signed checkpoint\n"
    "kept outside the database (DIR/audit.checkpoint). Exit status 0 when the log is\n"
    "intact, 1 when any entry was edited, reordered or removed (the tail included), or\n"
    "the chain was recomputed.\n";

int cmd_audit(const cli_globals *g, int argc, char **argv) {
  bool json = false;
  const char *sub = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      fputs(help, stdout);
      return EXIT_GOOD;
    } else if (strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (sub == NULL && argv[i][0] != '-') {
      sub = argv[i];
    } else {
      return cli_usage_error("audit", "unexpected argument %s", argv[i]);
    }
  }
  if (sub == NULL || strcmp(sub, "verify") != 0)
    return cli_usage_error("audit", "the subcommand is 'verify'");
  casc_ca *ca = NULL;
  casc_error err = {0};
  casc_audit_report report;
  if (casc_ca_open_readonly(g->dir, &ca, &err) != CASC_OK)
    return cli_fail("audit", &err);
  casc_err rc = casc_ca_audit_verify(ca, &report, &err);
  casc_ca_close(ca);
  if (json) {
    char when[CASC_TIME_BUFSZ];
    casc_time_format(report.checkpoint_time, when);
    cli_print_json(rc == CASC_OK
                       ? json_pack("{s:b, s:I, s:I, s:s}", "intact", 1, "entries",
                                   (json_int_t)report.entries, "checkpoint_seq",
                                   (json_int_t)report.checkpoint_seq, "checkpoint_time", when)
                       : json_pack("{s:b, s:s}", "intact", 0, "error", err.msg));
  }
  if (rc != CASC_OK)
    return json ? cli_exit_status(rc) : cli_fail("audit", &err);
  if (!json) {
    printf("audit log intact: %lld entries", (long long)report.entries);
    if (report.entries > report.checkpoint_seq)
      printf(", %lld after the checkpoint (each signed, not yet under the checkpoint)",
             (long long)(report.entries - report.checkpoint_seq));
    printf("\n");
  }
  return EXIT_GOOD;
}
