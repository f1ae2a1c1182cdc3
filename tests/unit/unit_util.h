/* Helpers shared by the unit tests: temporary directories, small file
 * checks and an injectable clock. Header-only, so that each test_*.c stays
 * one program; not itself a test (tests/CMakeLists.txt globs test_*.c). */
#ifndef CASC_UNIT_UTIL_H
#define CASC_UNIT_UTIL_H

#include "casc/base.h"

#include <dirent.h>
#include <openssl/evp.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A fresh directory under $TMPDIR (or /tmp); path must hold PATH_MAX. */
static inline int util_mkdtemp(char *path, const char *tag) {
  const char *base = getenv("TMPDIR");
  if (base == NULL || *base == '\0')
    base = "/tmp";
  snprintf(path, PATH_MAX, "%s/casc-%s-XXXXXX", base, tag);
  return mkdtemp(path) != NULL ? 0 : -1;
}

/* out = dir/name (out holds PATH_MAX); aborts on truncation. */
static inline void util_join(char *out, const char *dir, const char *name) {
  int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);
  if (n < 0 || n >= PATH_MAX)
    abort();
}

static inline int util_rm_entry(const char *path, const struct stat *sb, int flag,
                                struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

/* rm -rf path */
static inline void util_rmtree(const char *path) {
  if (path != NULL && path[0] != '\0')
    nftw(path, util_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static inline int util_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* Number of entries in dir besides . and .., or -1. */
static inline int util_count_entries(const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL)
    return -1;
  int n = 0;
  struct dirent *ent;
  while ((ent = readdir(d)) != NULL)
    if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0)
      n++;
  closedir(d);
  return n;
}

/* 1 when some entry of dir has a name containing needle. */
static inline int util_dir_has(const char *dir, const char *needle) {
  DIR *d = opendir(dir);
  if (d == NULL)
    return 0;
  int found = 0;
  struct dirent *ent;
  while ((ent = readdir(d)) != NULL)
    if (strstr(ent->d_name, needle) != NULL)
      found = 1;
  closedir(d);
  return found;
}

static inline int util_write_file(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (f == NULL)
    return -1;
  size_t n = len > 0 ? fwrite(data, 1, len, f) : 0;
  int rc = fclose(f);
  return n == len && rc == 0 ? 0 : -1;
}

/* Whole file into a malloc'd NUL-terminated buffer, or NULL. */
static inline char *util_slurp(const char *path, size_t *len_out) {
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap + 1);
  size_t n;
  while (buf != NULL && (n = fread(buf + len, 1, cap - len, f)) > 0) {
    len += n;
    if (len == cap) {
      char *grown = realloc(buf, 2 * cap + 1);
      if (grown == NULL) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = grown;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf != NULL) {
    buf[len] = '\0';
    if (len_out != NULL)
      *len_out = len;
  }
  return buf;
}

/* "2027-04-01T00:00:00Z" as time_t; aborts the test program on a typo. */
static inline time_t util_utc(int y, int mo, int d, int h, int mi, int s) {
  struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                  .tm_hour = h, .tm_min = mi, .tm_sec = s};
  return timegm(&tm);
}

/* An injectable clock for casc_clock_set. */
static time_t util_fixed_now;
static inline time_t util_fixed_clock(void) { return util_fixed_now; }
static inline void util_clock_fix(time_t t) {
  util_fixed_now = t;
  casc_clock_set(util_fixed_clock);
}

/* The audit log's documented link, computed independently of the library:
 * SHA-256(prev || seq (8 octets, big-endian) || time (8 octets) || op || 0
 * || details). Returns 0 on success. */
static inline int util_audit_link(const unsigned char prev[32], int64_t seq, int64_t t,
                                  const char *op, const char *details, unsigned char out[32]) {
  unsigned char seq_be[8], time_be[8];
  uint64_t s = (uint64_t)seq, tt = (uint64_t)t;
  for (int i = 7; i >= 0; i--, s >>= 8, tt >>= 8) {
    seq_be[i] = (unsigned char)s;
    time_be[i] = (unsigned char)tt;
  }
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
           EVP_DigestUpdate(ctx, prev, 32) == 1 && EVP_DigestUpdate(ctx, seq_be, 8) == 1 &&
           EVP_DigestUpdate(ctx, time_be, 8) == 1 &&
           EVP_DigestUpdate(ctx, op, strlen(op) + 1) == 1 &&
           EVP_DigestUpdate(ctx, details, strlen(details)) == 1 &&
           EVP_DigestFinal_ex(ctx, out, NULL) == 1;
  EVP_MD_CTX_free(ctx);
  return ok ? 0 : -1;
}

#endif
