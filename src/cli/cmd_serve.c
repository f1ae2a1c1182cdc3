/* casc serve: placeholder until the http module lands */
#include "cli.h"

#include <stdio.h>

int cmd_serve(const cli_globals *g, int argc, char **argv) {
  (void)g, (void)argc, (void)argv;
  fprintf(stderr, "casc serve: not built yet\n");
  return EXIT_USAGE;
}
