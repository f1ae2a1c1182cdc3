/* The error object: a code that callers branch on, a message people read. */
#include "casc/base.h"

#include <openssl/err.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 3, 0))) static void format_into(casc_error *e, casc_err code,
                                                              const char *fmt, va_list ap) {
  if (e == NULL)
    return;
  e->code = code;
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

casc_err casc_error_set(casc_error *e, casc_err code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  format_into(e, code, fmt, ap);
  va_end(ap);
  return code;
}

casc_err casc_error_ssl(casc_error *e, casc_err code, const char *fmt, ...) {
  unsigned long ssl = ERR_peek_last_error();
  va_list ap;
  va_start(ap, fmt);
  format_into(e, code, fmt, ap);
  va_end(ap);
  if (e != NULL) {
    if (ssl != 0) {
      size_t used = strlen(e->msg);
      const char *reason = ERR_reason_error_string(ssl);
      snprintf(e->msg + used, sizeof e->msg - used, ": %s",
               reason != NULL ? reason : "OpenSSL error");
    }
  }
  ERR_clear_error();
  return code;
}

void casc_error_clear(casc_error *e) {
  if (e != NULL) {
    e->code = CASC_OK;
    e->msg[0] = '\0';
  }
}

const char *casc_err_name(casc_err code) {
  switch (code) {
  case CASC_OK: return "ok";
  case CASC_ERR_USAGE: return "usage";
  case CASC_ERR_IO: return "io";
  case CASC_ERR_PARSE: return "parse";
  case CASC_ERR_CRYPTO: return "crypto";
  case CASC_ERR_DB: return "database";
  case CASC_ERR_NOT_FOUND: return "not found";
  case CASC_ERR_EXISTS: return "exists";
  case CASC_ERR_POLICY: return "policy";
  case CASC_ERR_ALREADY_REVOKED: return "already revoked";
  case CASC_ERR_NOMEM: return "out of memory";
  case CASC_ERR_INTEGRITY: return "integrity";
  case CASC_ERR_INTERNAL: return "internal";
  }
  return "unknown";
}
