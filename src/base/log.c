/* Logging to stderr, one line a message. Never pass secrets here. */
#include "casc/base.h"

#include <stdio.h>

static casc_log_level threshold = CASC_LOG_WARN;

void casc_log_set_level(casc_log_level level) { threshold = level; }

void casc_log(casc_log_level level, const char *fmt, ...) {
  static const char *const names[] = {"error", "warning", "info", "debug"};
  if (level > threshold)
    return;
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  fprintf(stderr, "casc: %s: %s\n", names[level], line);
}
