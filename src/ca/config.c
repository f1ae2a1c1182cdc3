/* casc.conf: the CA's settings, INI. The database holds state, this file
 * holds choices an operator may edit. */
#include "ca_internal.h"
#include "casc/crl.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parse_state {
  casc_config *cfg;
  char bad[256];
};

static int on_entry(void *user, const char *section, const char *key, const char *value) {
  struct parse_state *st = user;
  casc_config *cfg = st->cfg;
  if (strcmp(section, "ca") != 0)
    return 1; /* other sections belong to other modules */
  if (strcmp(key, "name") == 0) {
    snprintf(cfg->name, sizeof cfg->name, "%s", value);
  } else if (strcmp(key, "country") == 0) {
    snprintf(cfg->country, sizeof cfg->country, "%s", value);
  } else if (strcmp(key, "base_url") == 0) {
    snprintf(cfg->base_url, sizeof cfg->base_url, "%s", value);
  } else if (strcmp(key, "crl_shards") == 0) {
    char *end;
    long n = strtol(value, &end, 10);
    if (*end != '\0' || n < 1 || n > 256) {
      snprintf(st->bad, sizeof st->bad, "crl_shards = %s: must be 1 to 256", value);
      return 0;
    }
    cfg->crl_shards = (int)n;
  }
  return 1;
}

casc_err casc_config_load(const char *path, casc_config *cfg, casc_error *e) {
  struct parse_state st = {.cfg = cfg};
  memset(cfg, 0, sizeof *cfg);
  cfg->crl_shards = CASC_DEFAULT_CRL_SHARDS;
  int r = ini_parse(path, on_entry, &st);
  if (r == -1)
    return casc_error_set(e, CASC_ERR_IO, "%s: cannot open (not a CA directory? run casc init)",
                          path);
  if (r != 0)
    return casc_error_set(e, CASC_ERR_PARSE, "%s: line %d: %s", path, r,
                          st.bad[0] != '\0' ? st.bad : "syntax error");
  if (cfg->base_url[0] == '\0' || cfg->name[0] == '\0')
    return casc_error_set(e, CASC_ERR_PARSE, "%s: [ca] name and base_url are required", path);
  if (cfg->country[0] == '\0')
    strcpy(cfg->country, "XX");
  return CASC_OK;
}

casc_err casc_config_save(const char *path, const casc_config *cfg, casc_error *e) {
  char buf[2048];
  int n = snprintf(buf, sizeof buf,
                   "# casc CA configuration\n"
                   "[ca]\n"
                   "name = %s\n"
                   "country = %s\n"
                   "# Certificates carry their OCSP, CRL and CA URLs under this URL.\n"
                   "base_url = %s\n"
                   "# A certificate's CRL shard is fixed by its serial while this stays.\n"
                   "crl_shards = %d\n"
                   "\n"
                   "[serve]\n"
                   "listen = 127.0.0.1:8080\n"
                   "\n"
                   "# casc serve re-reads [ocsp] and [crl] on SIGHUP.\n"
                   "[ocsp]\n"
                   "# echo: a request with a nonce gets a response signed for it;\n"
                   "# ignore: it gets the presigned response (RFC 9654 allows it).\n"
                   "nonce = echo\n"
                   "\n"
                   "[crl]\n"
                   "# seconds to wait after a revocation, to batch others with it (0-5)\n"
                   "rebuild_delay_seconds = %d\n",
                   cfg->name, cfg->country, cfg->base_url, cfg->crl_shards,
                   CASC_CRL_DEFAULT_REBUILD_DELAY);
  if (n < 0 || (size_t)n >= sizeof buf)
    return casc_error_set(e, CASC_ERR_USAGE, "%s: configuration too long", path);
  return casc_file_write_atomic(path, buf, (size_t)n, 0644, e);
}
