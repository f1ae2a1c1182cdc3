/* casc check: not built yet */
#include "cli.h"

#include <stdio.h>

int cmd_check(const cli_globals *g, int argc, char **argv) {
  (void)g;
  (void)argc;
  (void)argv;
  fprintf(stderr, "casc check: not yet available\n");
  return EXIT_USAGE;
}
