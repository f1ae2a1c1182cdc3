#ifndef CASC_CLI_CERTJSON_H
#define CASC_CLI_CERTJSON_H

#include "casc/ca.h"

#include <jansson.h>

/* {"serial", "issuer", "subject", "profile", "not_before", "not_after",
 *  "status", "revoked_at", "reason", ...} */
json_t *cli_cert_json(const casc_ca *ca, const casc_cert_rec *rec, time_t now);

#endif
