/* casc ocsp query: not built yet */
#include "cli.h"

#include <stdio.h>

int cmd_ocsp_query(const cli_globals *g, int argc, char **argv) {
  (void)g;
  (void)argc;
  (void)argv;
  fprintf(stderr, "casc ocsp query: not yet available\n");
  return EXIT_USAGE;
}
