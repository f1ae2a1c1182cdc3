/* Printing an OCSP client result: shared by ocsp query and staple. */
#ifndef CASC_CLI_OCSPJSON_H
#define CASC_CLI_OCSPJSON_H

#include "casc/ocsp_client.h"

#include <jansson.h>
#include <stdio.h>

/* "good", "revoked", "unknown", "invalid" or "indeterminate". */
const char *cli_ocsp_verdict(const casc_ocsp_client_result *r);
/* Every field of r as a JSON object (NULL when out of memory). */
json_t *cli_ocsp_result_json(const casc_ocsp_client_result *r);
/* The human-readable lines, each "name: value". */
void cli_ocsp_result_print(FILE *out, const casc_ocsp_client_result *r);

#endif
