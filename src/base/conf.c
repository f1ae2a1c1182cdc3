/* DIR/casc.conf, one section at a time: the file's name, the INI parser
 * (libinih) and the one-line errors, for every module that reads it. */
#include "casc/base.h"

#include <ini.h>
#include <string.h>

struct section_state {
  const char *section;
  casc_conf_key_fn fn;
  void *user;
  char bad[256];
};

static int on_entry(void *arg, const char *section, const char *key, const char *value) {
  struct section_state *st = arg;
  if (strcmp(section, st->section) != 0)
    return 1;
  return st->fn(st->user, key, value, st->bad, sizeof st->bad) ? 1 : 0;
}

casc_err casc_conf_read(const char *ca_dir, const char *section, casc_conf_key_fn fn,
                        void *user, casc_error *e) {
  char path[4096];
  struct section_state st = {.section = section, .fn = fn, .user = user};
  casc_err rc = casc_path_join(path, sizeof path, ca_dir, "casc.conf", e);
  if (rc != CASC_OK)
    return rc;
  int r = ini_parse(path, on_entry, &st);
  if (r == -1)
    return casc_error_set(e, CASC_ERR_IO, "%s: cannot open", path);
  if (r != 0)
    return casc_error_set(e, CASC_ERR_PARSE, "%s: line %d: %s", path, r,
                          st.bad[0] != '\0' ? st.bad : "syntax error");
  return CASC_OK;
}
