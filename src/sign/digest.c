/* Streamed file digests: the file is read in fixed-size chunks, so memory
 * stays constant whatever its size (files over 4 GB included: offsets are
 * never held in 32 bits). */
#include "casc/sign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Large enough that the system call cost vanishes next to the hash, small
 * enough to stay out of the peak RSS budget. */
#define CHUNK (256 * 1024)

const EVP_MD *casc_sign_md_by_name(const char *name) {
  if (strcasecmp(name, "sha256") == 0 || strcasecmp(name, "sha-256") == 0)
    return EVP_sha256();
  if (strcasecmp(name, "sha384") == 0 || strcasecmp(name, "sha-384") == 0)
    return EVP_sha384();
  if (strcasecmp(name, "sha512") == 0 || strcasecmp(name, "sha-512") == 0)
    return EVP_sha512();
  return NULL;
}

casc_err casc_sign_digest_file(const char *path, const EVP_MD *md, unsigned char *out,
                               unsigned *out_len, casc_error *e) {
  casc_err rc = CASC_OK;
  int fd = -1;
  unsigned char *buf = NULL;
  EVP_MD_CTX *ctx = NULL;
  struct stat st;
  if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: %s", path, strerror(errno));
    goto out;
  }
  if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: %s", path,
                        S_ISDIR(st.st_mode) ? "is a directory" : strerror(errno));
    goto out;
  }
  (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  if ((buf = malloc(CHUNK)) == NULL || (ctx = EVP_MD_CTX_new()) == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  if (EVP_DigestInit_ex(ctx, md, NULL) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "%s: digest init failed", path);
    goto out;
  }
  for (;;) {
    ssize_t n = read(fd, buf, CHUNK);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      rc = casc_error_set(e, CASC_ERR_IO, "%s: read: %s", path, strerror(errno));
      goto out;
    }
    if (n == 0)
      break;
    if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1) {
      rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "%s: digest failed", path);
      goto out;
    }
  }
  if (EVP_DigestFinal_ex(ctx, out, out_len) != 1)
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "%s: digest failed", path);
out:
  EVP_MD_CTX_free(ctx);
  free(buf);
  if (fd >= 0)
    close(fd);
  return rc;
}
