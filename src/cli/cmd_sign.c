/* casc sign: not built yet */
#include "cli.h"

#include <stdio.h>

int cmd_sign(const cli_globals *g, int argc, char **argv) {
  (void)g;
  (void)argc;
  (void)argv;
  fprintf(stderr, "casc sign: not yet available\n");
  return EXIT_USAGE;
}
