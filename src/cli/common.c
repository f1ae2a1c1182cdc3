#include "cli.h"

#include <stdio.h>

int cli_exit_status(casc_err code) {
  switch (code) {
  case CASC_OK:
    return EXIT_GOOD;
  case CASC_ERR_POLICY:
  case CASC_ERR_ALREADY_REVOKED:
  case CASC_ERR_INTEGRITY:
    return EXIT_NEGATIVE;
  default:
    return EXIT_USAGE;
  }
}

int cli_fail(const char *cmd, const casc_error *e) {
  fprintf(stderr, "casc %s: %s\n", cmd, e->msg[0] != '\0' ? e->msg : casc_err_name(e->code));
  return cli_exit_status(e->code);
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "casc %s: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, " (see casc %s --help)\n", cmd);
  return EXIT_USAGE;
}

static void print_json(json_t *j, size_t flags) {
  if (j == NULL) {
    fprintf(stderr, "casc: out of memory\n");
    return;
  }
  json_dumpf(j, stdout, flags | JSON_PRESERVE_ORDER);
  fputc('\n', stdout);
  fflush(stdout);
  json_decref(j);
}

void cli_print_json(json_t *j) { print_json(j, JSON_INDENT(2)); }

void cli_print_json_line(json_t *j) { print_json(j, JSON_COMPACT); }
