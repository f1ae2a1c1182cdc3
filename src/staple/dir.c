/* The full-chain files of a directory. */
#include "casc/staple.h"

#include "casc/fetch.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SCAN_FILE_MAX (4 * 1024 * 1024)

static bool has_suffix(const char *s, const char *suf) {
  size_t n = strlen(s), m = strlen(suf);
  return n > m && strcmp(s + n - m, suf) == 0;
}

/* Whether path holds two or more certificates (a full chain). */
static bool is_full_chain(const char *path) {
  unsigned char *buf = NULL;
  size_t len = 0;
  STACK_OF(X509) *sk = NULL;
  casc_error ignore = {0};
  bool ok = casc_file_read(path, SCAN_FILE_MAX, &buf, &len, &ignore) == CASC_OK &&
            casc_fetch_parse_certs(buf, len, &sk, &ignore) == CASC_OK && sk_X509_num(sk) >= 2;
  sk_X509_pop_free(sk, X509_free);
  free(buf);
  return ok;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void casc_staple_paths_free(char **paths, size_t n) {
  for (size_t i = 0; paths != NULL && i < n; i++)
    free(paths[i]);
  free(paths);
}

casc_err casc_staple_scan_dir(const char *dir, char ***paths, size_t *n, casc_error *e) {
  casc_err rc = CASC_OK;
  DIR *d = opendir(dir);
  char **v = NULL;
  size_t cnt = 0, cap = 0;
  *paths = NULL;
  *n = 0;
  if (d == NULL)
    return casc_error_set(e, CASC_ERR_IO, "%s: %s", dir, strerror(errno));
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.' ||
        !(has_suffix(de->d_name, ".pem") || has_suffix(de->d_name, ".crt")))
      continue;
    char path[4096];
    struct stat st;
    if (casc_path_join(path, sizeof path, dir, de->d_name, e) != CASC_OK) {
      rc = e != NULL ? e->code : CASC_ERR_USAGE;
      goto out;
    }
    /* Regular files only (symbolic links to them included, as certbot's
     * live/ directory has). */
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || !is_full_chain(path))
      continue;
    if (cnt == cap) {
      size_t ncap = cap != 0 ? cap * 2 : 16;
      char **nv = realloc(v, ncap * sizeof *nv);
      if (nv == NULL) {
        rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
        goto out;
      }
      v = nv;
      cap = ncap;
    }
    if ((v[cnt] = strdup(path)) == NULL) {
      rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
      goto out;
    }
    cnt++;
  }
  if (cnt > 1)
    qsort(v, cnt, sizeof *v, by_name);
  *paths = v;
  *n = cnt;
  v = NULL;
out:
  if (v != NULL)
    casc_staple_paths_free(v, cnt);
  closedir(d);
  return rc;
}
