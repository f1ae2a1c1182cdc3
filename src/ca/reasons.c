/* RFC 5280 5.3.1 CRLReason codes by name. */
#include "ca_internal.h"

#include <strings.h>

static const char *const reason_names[] = {
    [0] = "unspecified",          [1] = "keyCompromise",   [2] = "cACompromise",
    [3] = "affiliationChanged",   [4] = "superseded",      [5] = "cessationOfOperation",
    [6] = "certificateHold",      [7] = NULL,              [8] = "removeFromCRL",
    [9] = "privilegeWithdrawn",   [10] = "aACompromise",
};
#define N_REASONS ((int)(sizeof reason_names / sizeof reason_names[0]))

casc_err casc_reason_parse(const char *name, int *code, casc_error *e) {
  for (int i = 0; i < N_REASONS; i++)
    if (reason_names[i] != NULL && strcasecmp(name, reason_names[i]) == 0) {
      *code = i;
      return CASC_OK;
    }
  return casc_error_set(e, CASC_ERR_USAGE,
                        "--reason %s: unknown reason (keyCompromise, superseded, "
                        "affiliationChanged, cessationOfOperation, privilegeWithdrawn, ...)",
                        name);
}

const char *casc_reason_name(int code) {
  if (code < 0 || code >= N_REASONS || reason_names[code] == NULL)
    return NULL;
  return reason_names[code];
}
