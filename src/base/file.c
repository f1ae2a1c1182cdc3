/* File I/O. Files that others read are replaced atomically, so a crash
 * leaves either the old or the new content, never a torn one. */
#include "casc/base.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/bio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

casc_err casc_path_join(char *buf, size_t bufsz, const char *dir, const char *name,
                        casc_error *e) {
  int n = snprintf(buf, bufsz, "%s/%s", dir, name);
  if (n < 0 || (size_t)n >= bufsz)
    return casc_error_set(e, CASC_ERR_USAGE, "%s/%s: path too long", dir, name);
  return CASC_OK;
}

casc_err casc_fsync_dir(const char *dir, casc_error *e) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return casc_error_set(e, CASC_ERR_IO, "%s: %s", dir, strerror(errno));
  casc_err rc = CASC_OK;
  if (fsync(fd) != 0 && errno != EINVAL)
    rc = casc_error_set(e, CASC_ERR_IO, "%s: fsync: %s", dir, strerror(errno));
  close(fd);
  return rc;
}

static int write_all(int fd, const unsigned char *p, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

casc_err casc_file_write_atomic(const char *path, const void *data, size_t len,
                                unsigned mode, casc_error *e) {
  char tmp[4096], dirbuf[4096];
  casc_err rc = CASC_OK;
  int fd = -1;
  if (snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof tmp ||
      snprintf(dirbuf, sizeof dirbuf, "%s", path) >= (int)sizeof dirbuf)
    return casc_error_set(e, CASC_ERR_USAGE, "%s: path too long", path);
  fd = mkstemp(tmp);
  if (fd < 0)
    return casc_error_set(e, CASC_ERR_IO, "%s: cannot create a temporary file: %s", path,
                          strerror(errno));
  if (fchmod(fd, (mode_t)mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: %s", path, strerror(errno));
    goto out;
  }
  if (close(fd) != 0) {
    fd = -1;
    rc = casc_error_set(e, CASC_ERR_IO, "%s: %s", path, strerror(errno));
    goto out;
  }
  fd = -1;
  if (rename(tmp, path) != 0) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: %s", path, strerror(errno));
    goto out;
  }
  tmp[0] = '\0'; /* renamed: nothing to clean up */
  rc = casc_fsync_dir(dirname(dirbuf), e);
out:
  if (fd >= 0)
    close(fd);
  if (tmp[0] != '\0')
    unlink(tmp);
  return rc;
}

casc_err casc_file_write_bio(const char *path, BIO *mem, unsigned mode, casc_error *e) {
  char *data = NULL;
  long len = BIO_get_mem_data(mem, &data);
  if (len < 0)
    return casc_error_set(e, CASC_ERR_INTERNAL, "%s: not a memory BIO", path);
  return casc_file_write_atomic(path, data, (size_t)len, mode, e);
}

casc_err casc_file_read(const char *path, size_t max_len, unsigned char **out,
                        size_t *out_len, casc_error *e) {
  casc_err rc = CASC_OK;
  unsigned char *buf = NULL;
  size_t len = 0, cap = 0;
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (f == NULL)
    return casc_error_set(e, CASC_ERR_IO, "%s: %s", path, strerror(errno));
  for (;;) {
    if (len == cap) {
      size_t ncap = cap == 0 ? 4096 : cap * 2;
      unsigned char *nbuf = realloc(buf, ncap + 1);
      if (nbuf == NULL) {
        rc = casc_error_set(e, CASC_ERR_NOMEM, "%s: out of memory", path);
        goto out;
      }
      buf = nbuf;
      cap = ncap;
    }
    size_t n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (len > max_len) {
      rc = casc_error_set(e, CASC_ERR_PARSE, "%s: larger than %zu bytes", path, max_len);
      goto out;
    }
    if (n == 0) {
      if (ferror(f))
        rc = casc_error_set(e, CASC_ERR_IO, "%s: %s", path, strerror(errno));
      break;
    }
  }
out:
  if (f != stdin)
    fclose(f);
  if (rc != CASC_OK) {
    free(buf);
    return rc;
  }
  if (buf == NULL && (buf = malloc(1)) == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "%s: out of memory", path);
  buf[len] = '\0';
  *out = buf;
  *out_len = len;
  return CASC_OK;
}
