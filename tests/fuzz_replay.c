/* Replays the libFuzzer targets' checked-in corpora and regression inputs
 * in every `make check`, with gcc and under ASan + UBSan, so that an input
 * that once crashed a parser keeps being tried without clang or libFuzzer.
 *
 *   replay_<target> DIR...   runs LLVMFuzzerTestOneInput on every file */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    perror(path);
    return -1;
  }
  size_t cap = 1 << 16, len = 0;
  uint8_t *buf = malloc(cap);
  size_t n;
  while (buf != NULL && (n = fread(buf + len, 1, cap - len, f)) > 0) {
    len += n;
    if (len == cap) {
      uint8_t *grown = realloc(buf, cap *= 2);
      if (grown == NULL) {
        free(buf);
        buf = NULL;
      } else {
        buf = grown;
      }
    }
  }
  fclose(f);
  if (buf == NULL)
    return -1;
  /* an exact-size copy, so ASan sees reads past the input's end */
  uint8_t *exact = malloc(len > 0 ? len : 1);
  if (exact == NULL) {
    free(buf);
    return -1;
  }
  memcpy(exact, buf, len);
  free(buf);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  return 0;
}

int main(int argc, char **argv) {
  int files = 0;
  if (LLVMFuzzerInitialize != NULL)
    LLVMFuzzerInitialize(&argc, &argv);
  for (int i = 1; i < argc; i++) {
    DIR *d = opendir(argv[i]);
    if (d == NULL)
      continue; /* a target without regressions yet */
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
      char path[4096];
      struct stat st;
      snprintf(path, sizeof path, "%s/%s", argv[i], ent->d_name);
      if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        continue;
      if (run_file(path) != 0) {
        closedir(d);
        return 1;
      }
      files++;
    }
    closedir(d);
  }
  printf("replayed %d inputs\n", files);
  return files > 0 ? 0 : 1;
}
