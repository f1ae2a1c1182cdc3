/* Internals shared by the files of the tsa module (client and server). */
#ifndef CASC_TSA_INTERNAL_H
#define CASC_TSA_INTERNAL_H

#include "casc/base.h"

#include <stdbool.h>
#include <stddef.h>

/* One HTTP POST of body (content_type) to url with libcurl. CASC_OK when an
 * HTTP answer came back (whatever its status, in *http_status), with the
 * body in *out (malloc'ed; at most max_reply bytes, a longer one is an
 * error); CASC_ERR_IO, naming the URL and the transport error, otherwise.
 * *retryable tells whether trying again later may help (connection refused,
 * timeout, 5xx, 429). Only http and https URLs are followed; redirects are
 * not (a TSA has no reason to redirect a POST). */
casc_err casc_tsa_http_post(const char *url, const char *content_type,
                            const unsigned char *body, size_t len, long timeout_ms,
                            size_t max_reply, unsigned char **out, size_t *out_len,
                            long *http_status, bool *retryable, casc_error *e);

/* PKIFailureInfo bits (RFC 3161 2.4.2) and PKIStatus values. */
enum {
  CASC_TS_FAIL_BAD_ALG = 0,
  CASC_TS_FAIL_BAD_REQUEST = 2,
  CASC_TS_FAIL_BAD_DATA_FORMAT = 5,
  CASC_TS_FAIL_TIME_NOT_AVAILABLE = 14,
  CASC_TS_FAIL_UNACCEPTED_POLICY = 15,
  CASC_TS_FAIL_UNACCEPTED_EXTENSION = 16,
  CASC_TS_FAIL_ADD_INFO_NOT_AVAILABLE = 17,
  CASC_TS_FAIL_SYSTEM_FAILURE = 25,
};
enum {
  CASC_TS_GRANTED = 0,
  CASC_TS_GRANTED_WITH_MODS = 1,
  CASC_TS_REJECTION = 2,
  CASC_TS_WAITING = 3,
};

#endif
