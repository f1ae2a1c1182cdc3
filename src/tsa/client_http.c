/* The one HTTP request a time-stamp client makes: a POST with libcurl. A
 * small helper of its own so that the tsa module depends on nothing but
 * libcurl for it. */
#include "tsa_internal.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct sink {
  unsigned char *data;
  size_t len, cap, max;
  bool too_big;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void init_curl(void) { curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

static size_t on_data(char *p, size_t size, size_t n, void *arg) {
  struct sink *s = arg;
  size_t add = size * n;
  if (add > s->max - s->len) {
    s->too_big = true;
    return 0; /* aborts the transfer */
  }
  if (s->len + add > s->cap) {
    size_t cap = s->cap == 0 ? 4096 : s->cap;
    while (cap < s->len + add)
      cap *= 2;
    if (cap > s->max)
      cap = s->max;
    unsigned char *q = realloc(s->data, cap);
    if (q == NULL)
      return 0;
    s->data = q;
    s->cap = cap;
  }
  memcpy(s->data + s->len, p, add);
  s->len += add;
  return add;
}

casc_err casc_tsa_http_post(const char *url, const char *content_type,
                            const unsigned char *body, size_t len, long timeout_ms,
                            size_t max_reply, unsigned char **out, size_t *out_len,
                            long *http_status, bool *retryable, casc_error *e) {
  struct sink s = {.max = max_reply};
  char errbuf[CURL_ERROR_SIZE] = "";
  char ct[128];
  struct curl_slist *hdrs = NULL;
  CURL *h = NULL;
  casc_err rc = CASC_OK;
  *out = NULL;
  *out_len = 0;
  *http_status = 0;
  *retryable = false;
  pthread_once(&curl_once, init_curl);
  if (curl_init_rc != CURLE_OK) {
    rc = casc_error_set(e, CASC_ERR_INTERNAL, "libcurl: cannot initialize");
    goto out;
  }
  snprintf(ct, sizeof ct, "Content-Type: %s", content_type);
  if ((h = curl_easy_init()) == NULL || (hdrs = curl_slist_append(NULL, ct)) == NULL ||
      (hdrs = curl_slist_append(hdrs, "Expect:")) == NULL) { /* no 100-continue round trip */
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, (const char *)body);
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "casc");
  CURLcode cc = curl_easy_perform(h);
  if (s.too_big) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: reply larger than %zu bytes", url, max_reply);
    goto out;
  }
  if (cc != CURLE_OK) {
    *retryable = cc != CURLE_UNSUPPORTED_PROTOCOL && cc != CURLE_URL_MALFORMAT;
    rc = casc_error_set(e, CASC_ERR_IO, "%s: %s", url,
                        errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc));
    goto out;
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, http_status);
  *retryable = *http_status >= 500 || *http_status == 429;
  *out = s.data != NULL ? s.data : malloc(1);
  s.data = NULL;
  if (*out == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  *out_len = s.len;
out:
  free(s.data);
  curl_slist_free_all(hdrs);
  curl_easy_cleanup(h);
  return rc;
}
