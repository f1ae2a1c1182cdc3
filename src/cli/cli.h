/* Shared by the casc subcommands: exit statuses, errors, output. Only cli/
 * prints or exits. */
#ifndef CASC_CLI_H
#define CASC_CLI_H

#include "casc/base.h"

#include <jansson.h>
#include <stdbool.h>

/* The exit statuses of the command-line contract. */
enum {
  EXIT_GOOD = 0,
  EXIT_NEGATIVE = 1,      /* revoked, invalid, refused */
  EXIT_USAGE = 2,         /* bad flags or input */
  EXIT_INDETERMINATE = 3, /* revocation status could not be learned (hard-fail) */
};

typedef struct {
  const char *dir; /* the CA directory */
} cli_globals;

typedef int (*cli_command_fn)(const cli_globals *g, int argc, char **argv);

/* The exit status a library error maps to. */
int cli_exit_status(casc_err code);
/* Prints "casc CMD: message" on stderr and returns the exit status. */
int cli_fail(const char *cmd, const casc_error *e);
/* Prints a usage error about cmd and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints j as indented JSON on stdout, with a newline, and releases it. */
void cli_print_json(json_t *j);
/* The same, compact on one line: for one object per acknowledged result. */
void cli_print_json_line(json_t *j);

int cmd_init(const cli_globals *g, int argc, char **argv);
int cmd_issue(const cli_globals *g, int argc, char **argv);
int cmd_revoke(const cli_globals *g, int argc, char **argv);
int cmd_list(const cli_globals *g, int argc, char **argv);
int cmd_show(const cli_globals *g, int argc, char **argv);
int cmd_audit(const cli_globals *g, int argc, char **argv);
int cmd_serve(const cli_globals *g, int argc, char **argv);
int cmd_ocsp(const cli_globals *g, int argc, char **argv);
int cmd_crl(const cli_globals *g, int argc, char **argv);
int cmd_ocsp_query(const cli_globals *g, int argc, char **argv);
int cmd_check(const cli_globals *g, int argc, char **argv);
int cmd_staple(const cli_globals *g, int argc, char **argv);
int cmd_sign(const cli_globals *g, int argc, char **argv);
int cmd_verify(const cli_globals *g, int argc, char **argv);
int cmd_timestamp(const cli_globals *g, int argc, char **argv);
int cmd_lint(const cli_globals *g, int argc, char **argv);

#endif
