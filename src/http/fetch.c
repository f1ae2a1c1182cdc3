/* The HTTP client: libcurl, bounded in time, size and redirects, http(s)
 * only. */
#include "casc/fetch.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void) { curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

bool casc_fetch_url_ok(const char *url) {
  if (url == NULL)
    return false;
  size_t skip;
  if (strncasecmp(url, "http://", 7) == 0)
    skip = 7;
  else if (strncasecmp(url, "https://", 8) == 0)
    skip = 8;
  else
    return false;
  /* A host: at least one character before any path, query or fragment. */
  const char *host = url + skip;
  if (*host == '\0' || *host == '/' || *host == '?' || *host == '#')
    return false;
  if (strlen(url) >= CASC_FETCH_URL_MAX)
    return false;
  for (const char *p = url; *p != '\0'; p++)
    if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
      return false; /* spaces and control characters would be sent as they are */
  return true;
}

typedef struct {
  unsigned char *buf;
  size_t len, cap, max;
  bool too_big;
} sink;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *arg) {
  sink *s = arg;
  size_t n = size * nmemb;
  if (n > s->max - s->len) {
    s->too_big = true;
    return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
  }
  if (s->len + n + 1 > s->cap) {
    size_t cap = s->cap != 0 ? s->cap : 16384;
    while (cap < s->len + n + 1)
      cap *= 2;
    unsigned char *nb = realloc(s->buf, cap);
    if (nb == NULL)
      return 0;
    s->buf = nb;
    s->cap = cap;
  }
  memcpy(s->buf + s->len, ptr, n);
  s->len += n;
  s->buf[s->len] = '\0';
  return n;
}

static char *dup_or_null(const char *s) { return s != NULL ? strdup(s) : NULL; }

static casc_err perform(const char *url, const char *content_type, const void *body, size_t len,
                        bool post, const casc_fetch_opts *opts, casc_fetch_response *out,
                        casc_error *e) {
  casc_err rc = CASC_ERR_INTERNAL;
  CURL *c = NULL;
  struct curl_slist *hdrs = NULL;
  sink s = {0};
  char errbuf[CURL_ERROR_SIZE] = "";
  casc_fetch_opts o = opts != NULL ? *opts : (casc_fetch_opts){0};

  memset(out, 0, sizeof *out);
  if (!casc_fetch_url_ok(url)) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "%s: not an http:// or https:// URL",
                        url != NULL ? url : "(null)");
    goto out;
  }
  pthread_once(&curl_once, curl_init);
  if (curl_init_rc != CURLE_OK) {
    rc = casc_error_set(e, CASC_ERR_INTERNAL, "%s: libcurl failed to initialise", url);
    goto out;
  }
  s.max = o.max_size != 0 ? o.max_size : CASC_FETCH_MAX_SIZE;
  long redirects = o.max_redirects == 0 ? CASC_FETCH_MAX_REDIRECTS
                   : o.max_redirects < 0 ? 0
                                         : o.max_redirects;
  c = curl_easy_init();
  if (c == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "%s: out of memory", url);
    goto out;
  }
  bool ok = curl_easy_setopt(c, CURLOPT_URL, url) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, redirects > 0 ? 1L : 0L) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_MAXREDIRS, redirects) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                             o.connect_timeout_ms > 0 ? o.connect_timeout_ms
                                                      : (long)CASC_FETCH_CONNECT_TIMEOUT_MS) ==
                CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                             o.timeout_ms > 0 ? o.timeout_ms : (long)CASC_FETCH_TIMEOUT_MS) ==
                CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s.max) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_WRITEDATA, &s) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK &&
            /* Signals would be unsafe in a threaded daemon; the resolver
             * timeout then depends on the threaded resolver. */
            curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_USERAGENT, "casc/0.1") == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, NULL) == CURLE_OK;
  if (ok && !o.use_env_proxy)
    ok = curl_easy_setopt(c, CURLOPT_PROXY, "") == CURLE_OK;
  if (ok && o.ca_file != NULL)
    ok = curl_easy_setopt(c, CURLOPT_CAINFO, o.ca_file) == CURLE_OK;
  if (ok && post) {
    char ct[256];
    snprintf(ct, sizeof ct, "Content-Type: %s",
             content_type != NULL ? content_type : "application/octet-stream");
    hdrs = curl_slist_append(hdrs, ct);
    /* No "Expect: 100-continue" round trip for small bodies. */
    if (hdrs != NULL)
      hdrs = curl_slist_append(hdrs, "Expect:");
    ok = hdrs != NULL && curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs) == CURLE_OK &&
         curl_easy_setopt(c, CURLOPT_POST, 1L) == CURLE_OK &&
         curl_easy_setopt(c, CURLOPT_POSTFIELDS, body) == CURLE_OK &&
         curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len) == CURLE_OK;
  }
  if (!ok) {
    rc = casc_error_set(e, CASC_ERR_INTERNAL, "%s: could not set up the request", url);
    goto out;
  }
  CURLcode cc = curl_easy_perform(c);
  if (s.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: response larger than %zu bytes", url, s.max);
    goto out;
  }
  if (cc != CURLE_OK) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: %s", url,
                        errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc));
    goto out;
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  out->http_status = status;
  if (status != 200) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: HTTP status %ld", url, status);
    goto out;
  }
  char *ctype = NULL, *eff = NULL;
  curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ctype);
  curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &eff);
  if (s.buf == NULL) {
    s.buf = malloc(1);
    if (s.buf == NULL) {
      rc = casc_error_set(e, CASC_ERR_NOMEM, "%s: out of memory", url);
      goto out;
    }
    s.buf[0] = '\0';
  }
  out->content_type = dup_or_null(ctype);
  out->effective_url = dup_or_null(eff != NULL ? eff : url);
  if ((ctype != NULL && out->content_type == NULL) || out->effective_url == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "%s: out of memory", url);
    goto out;
  }
  out->body = s.buf;
  out->len = s.len;
  s.buf = NULL;
  rc = CASC_OK;
out:
  free(s.buf);
  curl_slist_free_all(hdrs);
  if (c != NULL)
    curl_easy_cleanup(c);
  if (rc != CASC_OK) {
    long st = out->http_status;
    casc_fetch_response_free(out);
    out->http_status = st;
  }
  return rc;
}

casc_err casc_fetch_get(const char *url, const casc_fetch_opts *opts, casc_fetch_response *out,
                        casc_error *e) {
  return perform(url, NULL, NULL, 0, false, opts, out, e);
}

casc_err casc_fetch_post(const char *url, const char *content_type, const void *body, size_t len,
                         const casc_fetch_opts *opts, casc_fetch_response *out, casc_error *e) {
  return perform(url, content_type, body != NULL ? body : "", len, true, opts, out, e);
}

void casc_fetch_response_free(casc_fetch_response *r) {
  if (r == NULL)
    return;
  free(r->body);
  free(r->content_type);
  free(r->effective_url);
  memset(r, 0, sizeof *r);
}
