/* The disk cache of fetched CRLs: one file per URL, kept until nextUpdate.
 * Nothing read from it is trusted; callers verify it as if fetched. */
#include "index_internal.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

casc_err casc_crl_cache_dir(char *buf, size_t bufsz, casc_error *e) {
  const char *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  int n;
  /* XDG Base Directory: a relative XDG_CACHE_HOME is invalid and ignored */
  if (xdg != NULL && xdg[0] == '/')
    n = snprintf(buf, bufsz, "%s/casc/crl", xdg);
  else if (home != NULL && home[0] == '/')
    n = snprintf(buf, bufsz, "%s/.cache/casc/crl", home);
  else
    return casc_error_set(e, CASC_ERR_NOT_FOUND, "no cache directory: set XDG_CACHE_HOME or HOME");
  if (n < 0 || (size_t)n >= bufsz)
    return casc_error_set(e, CASC_ERR_USAGE, "cache directory: path too long");
  return CASC_OK;
}

static casc_err cache_file(const char *dir, const char *url, char *buf, size_t bufsz,
                           casc_error *e) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  char hex[2 * EVP_MAX_MD_SIZE + 1];
  if (EVP_Digest(url, strlen(url), md, &mdlen, EVP_sha256(), NULL) != 1)
    return casc_error_ssl(e, CASC_ERR_CRYPTO, "SHA-256");
  casc_hex_encode(md, mdlen, hex);
  int n = snprintf(buf, bufsz, "%s/%s.crl", dir, hex);
  if (n < 0 || (size_t)n >= bufsz)
    return casc_error_set(e, CASC_ERR_USAGE, "%s: path too long", dir);
  return CASC_OK;
}

/* mkdir -p, private to the user: the cache says which hosts they check. */
static casc_err make_dirs(const char *dir, casc_error *e) {
  char path[4096];
  size_t n = strlen(dir);
  if (n == 0 || n >= sizeof path)
    return casc_error_set(e, CASC_ERR_USAGE, "%s: bad cache directory", dir);
  memcpy(path, dir, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (path[i] != '/' && path[i] != '\0')
      continue;
    char c = path[i];
    path[i] = '\0';
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
      return casc_error_set(e, CASC_ERR_IO, "%s: %s", path, strerror(errno));
    path[i] = c;
  }
  return CASC_OK;
}

casc_err casc_crl_cache_get(const char *dir, const char *url, time_t now, casc_crl_index **out,
                            casc_error *e) {
  char path[4096];
  casc_error ignored;
  *out = NULL;
  casc_err rc = cache_file(dir, url, path, sizeof path, e);
  if (rc != CASC_OK)
    return rc;
  if (access(path, F_OK) != 0)
    return CASC_OK;
  casc_crl_index *ix = NULL;
  if (casc_crl_index_load_file(path, &ix, &ignored) != CASC_OK) {
    unlink(path); /* damaged: fetch again */
    return CASC_OK;
  }
  const casc_crl_index_info *in = casc_crl_index_get_info(ix);
  if (in->next_update == 0 || in->next_update <= now) {
    casc_crl_index_free(ix);
    return CASC_OK;
  }
  *out = ix;
  return CASC_OK;
}

casc_err casc_crl_cache_put(const char *dir, const char *url, const casc_crl_index *ix,
                            casc_error *e) {
  char path[4096];
  size_t len = 0;
  const unsigned char *der = casc_crl_index_der(ix, &len);
  casc_err rc = cache_file(dir, url, path, sizeof path, e);
  if (rc == CASC_OK)
    rc = make_dirs(dir, e);
  if (rc == CASC_OK)
    rc = casc_file_write_atomic(path, der, len, 0600, e);
  return rc;
}
