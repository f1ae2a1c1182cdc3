/* casc timestamp: not built yet */
#include "cli.h"

#include <stdio.h>

int cmd_timestamp(const cli_globals *g, int argc, char **argv) {
  (void)g;
  (void)argc;
  (void)argv;
  fprintf(stderr, "casc timestamp: not yet available\n");
  return EXIT_USAGE;
}
