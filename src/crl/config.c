/* The [crl] section of casc.conf. The ca module reads [ca]; each module
 * reads its own section of the same file. */
#include "casc/crl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void casc_crl_config_default(casc_crl_config *cfg) {
  *cfg = (casc_crl_config){
      .next_update_days = CASC_CRL_DEFAULT_NEXT_UPDATE_DAYS,
      .ca_next_update_days = CASC_CRL_DEFAULT_CA_NEXT_UPDATE_DAYS,
      .retention_days = CASC_CRL_DEFAULT_RETENTION_DAYS,
      .rebuild_delay_seconds = CASC_CRL_DEFAULT_REBUILD_DELAY,
      .rebuild_interval_hours = CASC_CRL_DEFAULT_REBUILD_INTERVAL_HOURS,
      .rebuild = 1,
  };
}

static const struct {
  const char *key;
  size_t offset;
  int min, max;
  const char *why;
} keys[] = {
    {"next_update_days", offsetof(casc_crl_config, next_update_days), 1, 10,
     "1 to 10 (BR 4.9.7)"},
    {"ca_next_update_days", offsetof(casc_crl_config, ca_next_update_days), 1, 365,
     "1 to 365 (BR 4.9.7: at most 12 months)"},
    {"retention_days", offsetof(casc_crl_config, retention_days), 3650, 36525,
     "3650 to 36525 (CSBR 7.2: at least 10 years after expiry)"},
    {"rebuild_delay_seconds", offsetof(casc_crl_config, rebuild_delay_seconds), 0, 5,
     "0 to 5"},
    {"rebuild_interval_hours", offsetof(casc_crl_config, rebuild_interval_hours), 1, 72,
     "1 to 72"},
    {"rebuild", offsetof(casc_crl_config, rebuild), 0, 1, "0 or 1"},
};

static bool on_key(void *user, const char *key, const char *value, char *bad, size_t badsz) {
  casc_crl_config *cfg = user;
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    if (strcmp(key, keys[i].key) != 0)
      continue;
    char *end;
    long v = strtol(value, &end, 10);
    if (end == value || *end != '\0' || v < keys[i].min || v > keys[i].max) {
      snprintf(bad, badsz, "[crl] %s = %s: must be %s", key, value, keys[i].why);
      return false;
    }
    *(int *)((char *)cfg + keys[i].offset) = (int)v;
    return true;
  }
  snprintf(bad, badsz, "[crl] %s: unknown setting", key);
  return false;
}

casc_err casc_crl_config_load(const char *ca_dir, casc_crl_config *cfg, casc_error *e) {
  char path[4096];
  casc_crl_config_default(cfg);
  casc_err rc = casc_conf_read(ca_dir, "crl", on_key, cfg, e);
  /* A scheduled rebuild must come well before nextUpdate: at most half of
   * the subscriber CRL's validity. */
  if (rc == CASC_OK && cfg->rebuild_interval_hours * 2 > cfg->next_update_days * 24 &&
      (rc = casc_path_join(path, sizeof path, ca_dir, "casc.conf", e)) == CASC_OK)
    rc = casc_error_set(e, CASC_ERR_PARSE,
                        "%s: [crl] rebuild_interval_hours = %d: at most half of "
                        "next_update_days (%d days)",
                        path, cfg->rebuild_interval_hours, cfg->next_update_days);
  return rc;
}
