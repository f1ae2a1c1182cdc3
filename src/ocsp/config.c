/* The [ocsp] section of casc.conf: what `casc serve` does with a nonce. */
#include "casc/ocsp.h"

#include <ini.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct conf_state {
  casc_ocsp_config *cfg;
  char bad[256];
};

static int on_entry(void *user, const char *section, const char *key, const char *value) {
  struct conf_state *st = user;
  if (strcmp(section, "ocsp") != 0)
    return 1;
  if (strcmp(key, "nonce") == 0) {
    if (strcasecmp(value, "echo") == 0)
      st->cfg->nonce_presigned = false;
    else if (strcasecmp(value, "ignore") == 0)
      st->cfg->nonce_presigned = true;
    else {
      snprintf(st->bad, sizeof st->bad, "[ocsp] nonce = %s: must be echo or ignore", value);
      return 0;
    }
    return 1;
  }
  snprintf(st->bad, sizeof st->bad, "[ocsp] %s: unknown setting", key);
  return 0;
}

casc_err casc_ocsp_config_load(const char *ca_dir, casc_ocsp_config *cfg, casc_error *e) {
  char path[4096];
  casc_ocsp_config loaded = {.nonce_presigned = false};
  struct conf_state st = {.cfg = &loaded};
  casc_err rc = casc_path_join(path, sizeof path, ca_dir, "casc.conf", e);
  if (rc != CASC_OK)
    return rc;
  int r = ini_parse(path, on_entry, &st);
  if (r == -1)
    return casc_error_set(e, CASC_ERR_IO, "%s: cannot open", path);
  if (r != 0)
    return casc_error_set(e, CASC_ERR_PARSE, "%s: line %d: %s", path, r,
                          st.bad[0] != '\0' ? st.bad : "syntax error");
  *cfg = loaded;
  return CASC_OK;
}
