/* The [ocsp] section of casc.conf: what `casc serve` does with a nonce. */
#include "casc/ocsp.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool on_key(void *user, const char *key, const char *value, char *bad, size_t badsz) {
  casc_ocsp_config *cfg = user;
  if (strcmp(key, "nonce") != 0) {
    snprintf(bad, badsz, "[ocsp] %s: unknown setting", key);
    return false;
  }
  if (strcasecmp(value, "echo") == 0)
    cfg->nonce_presigned = false;
  else if (strcasecmp(value, "ignore") == 0)
    cfg->nonce_presigned = true;
  else {
    snprintf(bad, badsz, "[ocsp] nonce = %s: must be echo or ignore", value);
    return false;
  }
  return true;
}

casc_err casc_ocsp_config_load(const char *ca_dir, casc_ocsp_config *cfg, casc_error *e) {
  casc_ocsp_config loaded = {.nonce_presigned = false};
  casc_err rc = casc_conf_read(ca_dir, "ocsp", on_key, &loaded, e);
  if (rc == CASC_OK)
    *cfg = loaded;
  return rc;
}
