/* Answering requests: routing, static resources with their validators,
 * the handler API and the built-in /healthz. Everything here runs on the
 * worker threads and touches only the request and read-only tables. */
#include "http_internal.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Headers a handler may add; more is a bug in the handler. */
#define MAX_HANDLER_HEADERS 16

struct casc_http_response {
  h2o_req_t *req;
  int status;
  const void *body;
  size_t body_len;
  h2o_iovec_t names[MAX_HANDLER_HEADERS];
  h2o_iovec_t values[MAX_HANDLER_HEADERS];
  size_t n_headers;
};

/* The body h2o sends when the count of buffers is zero: h2o copies the
 * array with memcpy, which must not see NULL. */
static h2o_iovec_t no_body = {NULL, 0};

static const char *reason_of(int status) {
  switch (status) {
  case 200: return "OK";
  case 201: return "Created";
  case 202: return "Accepted";
  case 204: return "No Content";
  case 304: return "Not Modified";
  case 400: return "Bad Request";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 413: return "Content Too Large";
  case 415: return "Unsupported Media Type";
  case 429: return "Too Many Requests";
  case 500: return "Internal Server Error";
  case 501: return "Not Implemented";
  case 503: return "Service Unavailable";
  }
  return status < 300 ? "OK" : status < 400 ? "Redirect" : status < 500 ? "Client Error"
                                                                          : "Server Error";
}

/* Statuses that carry no body (RFC 9110 6.4.1), so no Content-Length: h2o
 * then sends neither it nor chunked encoding. */
static bool status_has_body(int status) { return status != 204 && status != 304; }

/* Request bytes in a log line: printable ASCII only, so a client cannot
 * forge log lines or send escape sequences to a terminal. */
static void printable(char *dst, size_t dstsz, const char *src, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len && n + 1 < dstsz; i++)
    dst[n++] = (src[i] > 0x20 && src[i] < 0x7f) ? src[i] : '?';
  dst[n] = '\0';
}

/* --- responses ------------------------------------------------------------ */

static void send_whole(h2o_req_t *req, int status, const void *body, size_t len, bool head) {
  static h2o_generator_t generator = {NULL, NULL};
  h2o_iovec_t buf = h2o_iovec_init(body, len);
  req->res.status = status;
  req->res.reason = reason_of(status);
  req->res.content_length = status_has_body(status) ? len : SIZE_MAX;
  h2o_start_response(req, &generator);
  if (head || !status_has_body(status) || len == 0)
    h2o_send(req, &no_body, 0, H2O_SEND_STATE_FINAL);
  else
    h2o_send(req, &buf, 1, H2O_SEND_STATE_FINAL);
}

/* A short text/plain answer; allow, when not NULL, is the Allow header. */
static void send_text(h2o_req_t *req, int status, const char *text, const char *allow,
                      bool head) {
  h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
                 H2O_STRLIT("text/plain; charset=utf-8"));
  h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL,
                 H2O_STRLIT("no-store"));
  if (allow != NULL)
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ALLOW, NULL, allow, strlen(allow));
  send_whole(req, status, text, strlen(text), head);
}

/* --- the handler API --------------------------------------------------------*/

const char *casc_http_request_header(const casc_http_request *req, const char *name,
                                     size_t *len) {
  const h2o_req_t *hreq = req->impl_;
  char lower[64];
  size_t n = strlen(name);
  if (n == 0 || n >= sizeof lower)
    return NULL;
  /* h2o stores header names in lower case */
  for (size_t i = 0; i < n; i++)
    lower[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] - 'A' + 'a') : name[i];
  ssize_t at = h2o_find_header_by_str(&hreq->headers, lower, n, -1);
  if (at == -1)
    return NULL;
  /* A field value has no leading or trailing whitespace (RFC 9110 5.5),
   * but libh2o 2.2 keeps trailing spaces and tabs: without this trim
   * "Content-Type: application/ocsp-request " would not compare equal. */
  const char *v = hreq->headers.entries[at].value.base;
  size_t vlen = hreq->headers.entries[at].value.len;
  while (vlen > 0 && (v[0] == ' ' || v[0] == '\t'))
    v++, vlen--;
  while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
    vlen--;
  *len = vlen;
  return v;
}

void casc_http_response_status(casc_http_response *res, int status) { res->status = status; }

static bool is_token_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

casc_err casc_http_response_header(casc_http_response *res, const char *name,
                                   const char *value, casc_error *e) {
  static const char *const reserved[] = {"content-length", "connection", "date",
                                         "transfer-encoding", "server"};
  size_t nlen = strlen(name), vlen = strlen(value);
  if (res->n_headers == MAX_HANDLER_HEADERS)
    return casc_error_set(e, CASC_ERR_USAGE, "response header %s: more than %d headers", name,
                          MAX_HANDLER_HEADERS);
  if (nlen == 0)
    return casc_error_set(e, CASC_ERR_USAGE, "response header with an empty name");
  for (size_t i = 0; i < nlen; i++)
    if (!is_token_char((unsigned char)name[i]))
      return casc_error_set(e, CASC_ERR_USAGE, "response header name is not a token");
  for (size_t i = 0; i < vlen; i++) {
    unsigned char c = (unsigned char)value[i];
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return casc_error_set(e, CASC_ERR_USAGE, "response header %s: control character in value",
                            name);
  }
  char *lname = h2o_mem_alloc_pool(&res->req->pool, nlen + 1);
  for (size_t i = 0; i <= nlen; i++)
    lname[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] - 'A' + 'a') : name[i];
  for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
    if (strcmp(lname, reserved[i]) == 0)
      return casc_error_set(e, CASC_ERR_USAGE, "response header %s is set by the server", name);
  res->names[res->n_headers] = h2o_iovec_init(lname, nlen);
  res->values[res->n_headers] = h2o_strdup(&res->req->pool, value, vlen);
  res->n_headers++;
  return CASC_OK;
}

void *casc_http_response_alloc(casc_http_response *res, size_t len) {
  return h2o_mem_alloc_pool(&res->req->pool, len != 0 ? len : 1);
}

void casc_http_response_body(casc_http_response *res, const void *body, size_t len) {
  res->body = body;
  res->body_len = len;
}

/* --- routing ----------------------------------------------------------------*/

static int resource_cmp(const void *a, const void *b) {
  const struct http_resource *x = a, *y = b;
  size_t n = x->path_len < y->path_len ? x->path_len : y->path_len;
  int c = memcmp(x->r.path, y->r.path, n);
  if (c != 0)
    return c;
  return x->path_len < y->path_len ? -1 : x->path_len > y->path_len;
}

static const struct http_resource *find_resource(const casc_http_server *s, h2o_iovec_t path) {
  struct http_resource key = {.r.path = path.base, .path_len = path.len};
  if (s->n_resources == 0)
    return NULL;
  return bsearch(&key, s->resources, s->n_resources, sizeof *s->resources, resource_cmp);
}

/* The longest matching route: exact, or a prefix route's path followed by
 * "/" (a prefix path that ends in "/" matches what starts with it). */
static const struct http_route *find_route(const casc_http_server *s, h2o_iovec_t path) {
  const struct http_route *best = NULL;
  for (size_t i = 0; i < s->n_routes; i++) {
    const struct http_route *rt = &s->routes[i];
    size_t n = rt->path_len;
    bool match;
    if (path.len < n || memcmp(path.base, rt->r.path, n) != 0)
      continue;
    if (path.len == n)
      match = true;
    else
      match = rt->r.prefix && (rt->r.path[n - 1] == '/' || path.base[n] == '/');
    if (match && (best == NULL || n > best->path_len))
      best = rt;
  }
  return best;
}

static const char *allow_of(unsigned methods) {
  switch (methods & (CASC_HTTP_GET | CASC_HTTP_POST)) {
  case CASC_HTTP_GET: return "GET, HEAD";
  case CASC_HTTP_POST: return "POST";
  case CASC_HTTP_GET | CASC_HTTP_POST: return "GET, HEAD, POST";
  }
  return "";
}

/* --- static resources -----------------------------------------------------*/

/* If-None-Match (RFC 9110 13.1.2): "*" or a list of entity tags, compared
 * weakly. A malformed list matches nothing, which only costs a full
 * response.
 *
 * The whole value is checked before a match counts. The first version
 * returned on the first matching tag and took anything that started with
 * "*", so `"<etag>", junk` and `*junk` were answered 304 although the
 * comment above (and RFC 9110's grammar) make them malformed. Entity-tag
 * characters are checked as well (etagc: %x21 / %x23-7E / obs-text), so
 * a tag with a space, a control character or a NUL in it is malformed too. */
static bool is_etagc(unsigned char c) { return c == 0x21 || (c >= 0x23 && c != 0x7f); }

static size_t skip_ows(const char *s, size_t len, size_t i) {
  while (i < len && (s[i] == ' ' || s[i] == '\t'))
    i++;
  return i;
}

bool casc_http_etag_list_matches(const char *s, size_t len, const char *etag, size_t etag_len) {
  bool match = false;
  size_t i = skip_ows(s, len, 0);
  if (i < len && s[i] == '*')
    return skip_ows(s, len, i + 1) == len; /* "*" stands alone */
  for (;;) {
    /* #entity-tag: empty elements between commas are allowed */
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
      i++;
    if (i == len)
      break;
    if (len - i >= 2 && s[i] == 'W' && s[i + 1] == '/')
      i += 2;
    if (i == len || s[i] != '"')
      return false;
    size_t start = i++;
    while (i < len && is_etagc((unsigned char)s[i]))
      i++;
    if (i == len || s[i] != '"')
      return false;
    i++;
    if (i - start == etag_len && memcmp(s + start, etag, etag_len) == 0)
      match = true;
    i = skip_ows(s, len, i);
    if (i < len && s[i] != ',')
      return false;
  }
  return match;
}

static bool if_none_match(h2o_req_t *req, const char *etag) {
  size_t etag_len = strlen(etag);
  ssize_t at = -1;
  while ((at = h2o_find_header(&req->headers, H2O_TOKEN_IF_NONE_MATCH, at)) != -1) {
    const h2o_iovec_t *v = &req->headers.entries[at].value;
    if (casc_http_etag_list_matches(v->base, v->len, etag, etag_len))
      return true;
  }
  return false;
}

static void serve_resource(h2o_req_t *req, const struct http_resource *res, bool head) {
  h2o_mem_pool_t *pool = &req->pool;
  h2o_headers_t *hdrs = &req->res.headers;
  /* The values live in the server's tables, which outlive every request. */
  h2o_add_header(pool, hdrs, H2O_TOKEN_ETAG, NULL, res->etag, strlen(res->etag));
  h2o_add_header(pool, hdrs, H2O_TOKEN_CACHE_CONTROL, NULL, res->cache_control,
                 strlen(res->cache_control));
  h2o_add_header(pool, hdrs, H2O_TOKEN_LAST_MODIFIED, NULL, res->last_modified,
                 strlen(res->last_modified));
  if (if_none_match(req, res->etag)) {
    send_whole(req, 304, NULL, 0, true);
    return;
  }
  h2o_add_header(pool, hdrs, H2O_TOKEN_CONTENT_TYPE, NULL, res->r.content_type,
                 strlen(res->r.content_type));
  send_whole(req, 200, res->r.body, res->r.len, head);
}

/* --- routes -----------------------------------------------------------------*/

static void serve_route(h2o_req_t *req, const struct http_route *rt, unsigned method,
                        bool head) {
  casc_http_request creq = {
      .method = method,
      .head = head,
      .path = req->path.base,
      .path_len = req->query_at != SIZE_MAX ? req->query_at : req->path.len,
      /* never NULL, so that a handler may memcpy an empty body */
      .body = req->entity.base != NULL ? (const unsigned char *)req->entity.base
                                       : (const unsigned char *)"",
      .body_len = req->entity.base != NULL ? req->entity.len : 0,
      .impl_ = req,
  };
  if (req->query_at != SIZE_MAX) {
    creq.query = req->path.base + req->query_at + 1;
    creq.query_len = req->path.len - req->query_at - 1;
  }
  struct casc_http_response res = {.req = req, .status = 200};
  casc_error err = {0};
  casc_err rc = rt->r.fn(rt->r.arg, &creq, &res, &err);
  if (rc == CASC_OK && (res.status < 200 || res.status > 599))
    rc = casc_error_set(&err, CASC_ERR_INTERNAL, "handler answered status %d", res.status);
  if (rc != CASC_OK) {
    char m[16], p[256];
    printable(m, sizeof m, req->method.base, req->method.len);
    printable(p, sizeof p, req->path.base, req->path.len);
    casc_log(CASC_LOG_ERROR, "%s %s: %s", m, p,
             err.msg[0] != '\0' ? err.msg : casc_err_name(rc));
    send_text(req, 500, "internal server error\n", NULL, head);
    return;
  }
  for (size_t i = 0; i < res.n_headers; i++)
    h2o_add_header_by_str(&req->pool, &req->res.headers, res.names[i].base, res.names[i].len,
                          1, NULL, res.values[i].base, res.values[i].len);
  send_whole(req, res.status, res.body, res.body_len, head);
}

static casc_err healthz(void *arg, const casc_http_request *req, casc_http_response *res,
                        casc_error *e) {
  (void)arg, (void)req;
  casc_err rc = casc_http_response_header(res, "content-type", "text/plain; charset=utf-8", e);
  if (rc == CASC_OK)
    rc = casc_http_response_header(res, "cache-control", "no-store", e);
  casc_http_response_body(res, "ok\n", 3);
  return rc;
}

static const casc_http_route builtin_routes[] = {
    {.path = "/healthz", .methods = CASC_HTTP_GET, .fn = healthz},
};

int casc_http_dispatch(h2o_handler_t *self, h2o_req_t *req) {
  casc_http_server *s = ((struct http_handler *)self)->srv;
  unsigned method = 0;
  bool head = false;
  if (h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET"))) {
    method = CASC_HTTP_GET;
  } else if (h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"))) {
    method = CASC_HTTP_GET;
    head = true;
  } else if (h2o_memis(req->method.base, req->method.len, H2O_STRLIT("POST"))) {
    method = CASC_HTTP_POST;
  }
  /* h2o's own limit is max_body + 1 (see casc_http_server_new): a body of
   * exactly that many bytes arrives here and is refused as h2o would. */
  if (req->entity.base != NULL && req->entity.len > s->max_body) {
    send_text(req, 413, "request body too large\n", NULL, head);
    return 0;
  }
  /* path_normalized has no query and no "." or ".." segments: routes match
   * what the path means, not how it is spelled. */
  const struct http_resource *res = find_resource(s, req->path_normalized);
  if (res != NULL) {
    if (method == CASC_HTTP_GET)
      serve_resource(req, res, head);
    else
      send_text(req, 405, "method not allowed\n", "GET, HEAD", head);
    return 0;
  }
  const struct http_route *rt = find_route(s, req->path_normalized);
  /* A handler gets the path as sent and may rely on it starting with its
   * route's path: "/ocsp/" + base64. h2o's normalised path also decodes
   * percent-encoding and accepts a target without the leading "/", so
   * "GET ocsp", "GET /%6Fcsp/..." or "GET /crl/%2e%2e/ocsp/..." reached the
   * /ocsp handler with a path shorter than "/ocsp" or not under it at all
   * (a handler that skips the route's length would read out of bounds).
   * The path as sent must lead to the same route; otherwise it is not
   * found. Static resources have no handler and keep the normalised match. */
  if (rt != NULL) {
    h2o_iovec_t raw = h2o_iovec_init(req->path.base,
                                     req->query_at != SIZE_MAX ? req->query_at : req->path.len);
    if (find_route(s, raw) != rt)
      rt = NULL;
  }
  if (rt == NULL)
    send_text(req, 404, "not found\n", NULL, head);
  else if ((rt->r.methods & method) == 0)
    send_text(req, 405, "method not allowed\n", allow_of(rt->r.methods), head);
  else
    serve_route(req, rt, method, head);
  return 0;
}

/* --- tables -------------------------------------------------------------------*/

/* IMF-fixdate (RFC 9110 5.6.7), spelled out here because strftime's names
 * follow the locale. */
static void http_date(time_t t, char *buf, size_t bufsz) {
  static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm tm;
  gmtime_r(&t, &tm);
  snprintf(buf, bufsz, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
           months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static bool valid_path(const char *p) { return p != NULL && p[0] == '/'; }

static casc_err prepare_resource(struct http_resource *out, const casc_http_resource *in,
                                 time_t now, casc_error *e) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  char hex[2 * 16 + 1];
  if (!valid_path(in->path) || in->content_type == NULL || (in->body == NULL && in->len != 0))
    return casc_error_set(e, CASC_ERR_USAGE, "http resource %s: needs a path starting with /, "
                          "a content type and a body", in->path != NULL ? in->path : "(null)");
  out->r = *in;
  out->path_len = strlen(in->path);
  /* A strong validator from the bytes themselves: the same across restarts
   * and threads, and it changes exactly when the body does. 128 bits of
   * SHA-256 are plenty to tell versions apart. */
  if (EVP_Digest(in->body != NULL ? in->body : (const unsigned char *)"", in->len, md, &md_len,
                 EVP_sha256(), NULL) != 1)
    return casc_error_ssl(e, CASC_ERR_CRYPTO, "http resource %s: hashing failed", in->path);
  casc_hex_encode(md, 16, hex);
  snprintf(out->etag, sizeof out->etag, "\"%s\"", hex);
  http_date(in->last_modified != 0 ? in->last_modified : now, out->last_modified,
            sizeof out->last_modified);
  if (in->max_age > 0)
    snprintf(out->cache_control, sizeof out->cache_control, "max-age=%d", in->max_age);
  else
    snprintf(out->cache_control, sizeof out->cache_control, "no-cache");
  return CASC_OK;
}

casc_err casc_http_tables_init(casc_http_server *s, const casc_http_config *cfg, time_t now,
                               casc_error *e) {
  size_t n_builtin = sizeof builtin_routes / sizeof builtin_routes[0];
  casc_err rc = CASC_OK;
  if ((cfg->n_resources != 0 && cfg->resources == NULL) ||
      (cfg->n_routes != 0 && cfg->routes == NULL)) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "http: resource or route table missing");
    goto out;
  }
  s->resources = calloc(cfg->n_resources + 1, sizeof *s->resources);
  s->routes = calloc(cfg->n_routes + n_builtin, sizeof *s->routes);
  if (s->resources == NULL || s->routes == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < cfg->n_resources; i++) {
    rc = prepare_resource(&s->resources[i], &cfg->resources[i], now, e);
    if (rc != CASC_OK)
      goto out;
    s->n_resources++;
  }
  qsort(s->resources, s->n_resources, sizeof *s->resources, resource_cmp);
  for (size_t i = 1; i < s->n_resources; i++)
    if (resource_cmp(&s->resources[i - 1], &s->resources[i]) == 0) {
      rc = casc_error_set(e, CASC_ERR_USAGE, "http resource %s: listed twice",
                          s->resources[i].r.path);
      goto out;
    }
  for (size_t i = 0; i < cfg->n_routes + n_builtin; i++) {
    const casc_http_route *in = i < cfg->n_routes ? &cfg->routes[i]
                                                  : &builtin_routes[i - cfg->n_routes];
    if (!valid_path(in->path) || in->fn == NULL ||
        (in->methods & (CASC_HTTP_GET | CASC_HTTP_POST)) == 0) {
      rc = casc_error_set(e, CASC_ERR_USAGE, "http route %s: needs a path starting with /, "
                          "a handler and a method", in->path != NULL ? in->path : "(null)");
      goto out;
    }
    s->routes[s->n_routes].r = *in;
    s->routes[s->n_routes].path_len = strlen(in->path);
    s->n_routes++;
  }
out:
  return rc;
}

void casc_http_tables_free(casc_http_server *s) {
  free(s->resources);
  free(s->routes);
  s->resources = NULL;
  s->routes = NULL;
}
