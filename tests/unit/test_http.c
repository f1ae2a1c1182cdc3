/* Unit tests of the http module: a real server (casc_http_server_new on
 * 127.0.0.1, port 0) running in a thread of this process, spoken to over
 * plain sockets by the tiny HTTP/1.1 client below, so that every byte the
 * server writes is seen as a client sees it. Then the If-None-Match parser
 * on its own, with malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "casc/http.h"
#include "http/http_internal.h"
#include "unit_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>

#define IO_TIMEOUT_MS 5000 /* any single wait for the server; ASan builds included */
#define MAX_BODY 2048      /* the server's limit on request bodies here */
#define RESP_HEADERS 32
#define RESP_BODY_MAX 65536

/* --- a tiny HTTP/1.1 client ------------------------------------------------ */

typedef struct {
  int status;
  int minor; /* HTTP/1.<minor> */
  size_t n_headers;
  struct {
    char name[64];
    char value[512];
  } headers[RESP_HEADERS];
  unsigned char body[RESP_BODY_MAX + 1]; /* NUL-terminated for string asserts */
  size_t body_len;
} http_resp;

typedef struct {
  int fd;
  unsigned char buf[RESP_BODY_MAX + 16384]; /* bytes read and not yet parsed */
  size_t len;
} http_cli;

static uint16_t g_port;

static int cli_open(http_cli *c) {
  struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(g_port)};
  int one = 1;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  c->len = 0;
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c->fd == -1)
    return -1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(c->fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
    close(c->fd);
    c->fd = -1;
    return -1;
  }
  return 0;
}

static void cli_close(http_cli *c) {
  if (c->fd != -1)
    close(c->fd);
  c->fd = -1;
}

/* Sends everything; 0, or -1 when the server has closed (a garbage request
 * may be answered and closed before all of it is written). */
static int cli_send(http_cli *c, const void *data, size_t len) {
  const char *p = data;
  while (len > 0) {
    ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static int cli_send_str(http_cli *c, const char *s) { return cli_send(c, s, strlen(s)); }

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads more into c->buf: >0 bytes read, 0 at the end of the stream (or a
 * reset), -1 on timeout or a full buffer. */
static int cli_fill(http_cli *c, int64_t deadline) {
  for (;;) {
    int64_t left = deadline - now_ms();
    if (left <= 0 || c->len == sizeof c->buf)
      return -1;
    struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
    int r = poll(&pfd, 1, (int)left);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return -1;
    ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return errno == ECONNRESET ? 0 : -1;
    c->len += (size_t)n;
    return (int)n;
  }
}

static const char *resp_header(const http_resp *r, const char *name) {
  for (size_t i = 0; i < r->n_headers; i++)
    if (strcasecmp(r->headers[i].name, name) == 0)
      return r->headers[i].value;
  return NULL;
}

static size_t resp_header_count(const http_resp *r, const char *name) {
  size_t n = 0;
  for (size_t i = 0; i < r->n_headers; i++)
    n += strcasecmp(r->headers[i].name, name) == 0;
  return n;
}

enum { RESP_OK = 0, RESP_CLOSED = 1, RESP_BAD = -1 };

/* Parses the head in c->buf[0..head_len) into r; false when malformed. */
static bool parse_head(const http_cli *c, size_t head_len, http_resp *r) {
  const char *p = (const char *)c->buf, *end = p + head_len;
  const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
  char line[600];
  if (eol == NULL || (size_t)(eol - p) >= sizeof line)
    return false;
  memcpy(line, p, (size_t)(eol - p));
  line[eol - p] = '\0';
  if (sscanf(line, "HTTP/1.%d %d", &r->minor, &r->status) != 2 || r->status < 100 ||
      r->status > 599)
    return false;
  p = eol + 2;
  while (p < end - 2) { /* the head ends with an empty line */
    eol = memmem(p, (size_t)(end - p), "\r\n", 2);
    const char *colon = memchr(p, ':', (size_t)(eol - p));
    if (colon == NULL || r->n_headers == RESP_HEADERS ||
        (size_t)(colon - p) >= sizeof r->headers[0].name)
      return false;
    const char *v = colon + 1;
    while (v < eol && (*v == ' ' || *v == '\t'))
      v++;
    if ((size_t)(eol - v) >= sizeof r->headers[0].value)
      return false;
    memcpy(r->headers[r->n_headers].name, p, (size_t)(colon - p));
    r->headers[r->n_headers].name[colon - p] = '\0';
    memcpy(r->headers[r->n_headers].value, v, (size_t)(eol - v));
    r->headers[r->n_headers].value[eol - v] = '\0';
    r->n_headers++;
    p = eol + 2;
  }
  return true;
}

/* Reads one response. head: it answers a HEAD request (no body follows
 * whatever Content-Length says). RESP_OK with r filled in; RESP_CLOSED when
 * the server closed the connection before the first byte of a response;
 * RESP_BAD on a timeout, a malformed or truncated response, or one without
 * a Content-Length where a body may follow (the server always sends one). */
static int cli_read(http_cli *c, bool head, http_resp *r) {
  int64_t deadline = now_ms() + IO_TIMEOUT_MS;
  unsigned char *hend;
  memset(r, 0, sizeof *r);
  while ((hend = memmem(c->buf, c->len, "\r\n\r\n", 4)) == NULL) {
    int n = cli_fill(c, deadline);
    if (n == 0)
      return c->len == 0 ? RESP_CLOSED : RESP_BAD;
    if (n < 0)
      return RESP_BAD;
  }
  size_t head_len = (size_t)(hend - c->buf) + 4;
  if (!parse_head(c, head_len, r))
    return RESP_BAD;
  size_t body_len = 0;
  const char *cl = resp_header(r, "content-length");
  if (resp_header(r, "transfer-encoding") != NULL)
    return RESP_BAD;
  if (cl != NULL) {
    char *endp;
    unsigned long long v = strtoull(cl, &endp, 10);
    if (*endp != '\0' || v > RESP_BODY_MAX)
      return RESP_BAD;
    if (!head)
      body_len = (size_t)v;
  } else if (!head && r->status != 204 && r->status != 304) {
    return RESP_BAD;
  }
  while (c->len < head_len + body_len)
    if (cli_fill(c, deadline) <= 0)
      return RESP_BAD;
  memcpy(r->body, c->buf + head_len, body_len);
  r->body[body_len] = '\0';
  r->body_len = body_len;
  memmove(c->buf, c->buf + head_len + body_len, c->len - head_len - body_len);
  c->len -= head_len + body_len;
  return RESP_OK;
}

/* Whether the server closes the connection within the timeout, with no
 * more bytes sent. */
static bool cli_sees_close(http_cli *c) {
  int64_t deadline = now_ms() + IO_TIMEOUT_MS;
  size_t before = c->len;
  int n;
  while ((n = cli_fill(c, deadline)) > 0)
    ;
  return n == 0 && c->len == before;
}

/* One request on a fresh connection. */
static int roundtrip(const char *raw, size_t len, bool head, http_resp *r) {
  http_cli *c = malloc(sizeof *c);
  int rc = RESP_BAD;
  if (c == NULL || cli_open(c) != 0)
    goto out;
  cli_send(c, raw, len);
  rc = cli_read(c, head, r);
  cli_close(c);
out:
  free(c);
  return rc;
}

static int roundtrip_str(const char *raw, http_resp *r) {
  bool head = strncmp(raw, "HEAD ", 5) == 0;
  return roundtrip(raw, strlen(raw), head, r);
}

/* --- the server under test ---------------------------------------------- */

static atomic_int g_refused;   /* header values the inject handler had refused */
static atomic_int g_fail_calls;

/* Echoes what the handler API shows of the request:
 *   method=GET|POST head=0|1 / path=... / query=...|(none) / x-test=...|(none)
 *   / body=...
 * A query "status=NNN" sets the status. */
static casc_err echo_handler(void *arg, const casc_http_request *req, casc_http_response *res,
                             casc_error *e) {
  size_t hlen = 0;
  const char *h = casc_http_request_header(req, "X-Test", &hlen);
  const char *tag = arg;
  size_t cap = 128 + req->path_len + req->query_len + hlen + req->body_len + strlen(tag);
  char *out = casc_http_response_alloc(res, cap);
  int n = snprintf(out, cap, "route=%s\nmethod=%s head=%d\npath=%.*s\nquery=%.*s\nx-test=%.*s\n"
                   "body=", tag, req->method == CASC_HTTP_POST ? "POST" : "GET", req->head,
                   (int)req->path_len, req->path, req->query != NULL ? (int)req->query_len : 6,
                   req->query != NULL ? req->query : "(none)", h != NULL ? (int)hlen : 6,
                   h != NULL ? h : "(none)");
  memcpy(out + n, req->body, req->body_len);
  casc_http_response_body(res, out, (size_t)n + req->body_len);
  if (req->query != NULL && req->query_len > 7 && memcmp(req->query, "status=", 7) == 0) {
    int status = 0; /* the query is not NUL-terminated */
    for (size_t i = 7; i < req->query_len && i < 11; i++)
      status = status * 10 + (req->query[i] - '0');
    casc_http_response_status(res, status);
  }
  casc_err rc = casc_http_response_header(res, "Content-Type", "text/plain", e);
  if (rc == CASC_OK)
    rc = casc_http_response_header(res, "X-Echo-Method",
                                   req->method == CASC_HTTP_POST ? "POST" : "GET", e);
  return rc;
}

/* Sets a header, a status and a body, then fails: the client must see a
 * plain 500 and none of them. */
static casc_err fail_handler(void *arg, const casc_http_request *req, casc_http_response *res,
                             casc_error *e) {
  (void)arg, (void)req;
  atomic_fetch_add(&g_fail_calls, 1);
  casc_http_response_status(res, 201);
  casc_http_response_header(res, "X-Leak", "yes", e);
  casc_http_response_body(res, "secret partial answer", 21);
  return casc_error_set(e, CASC_ERR_DB, "the database went away (expected by test_http)");
}

/* Tries headers that would inject or override: each must be refused with
 * CASC_ERR_USAGE. The body counts the refusals; with the query
 * "propagate" the handler returns the first refusal as its error, as a
 * careless handler would. */
static casc_err inject_handler(void *arg, const casc_http_request *req, casc_http_response *res,
                               casc_error *e) {
  (void)arg;
  static const char *const bad[][2] = {
      {"X-Ok", "a\r\nSet-Cookie: injected=1"},
      {"X-Ok", "line\nbreak"},
      {"X-Ok", "carriage\rreturn"},
      {"X-Ok", "del\x7f"},
      {"X-Ok", "bell\a"},
      {"Set-Cookie: injected", "1"},
      {"X Space", "1"},
      {"X-Ok\r\nSet-Cookie", "injected=1"},
      {"", "empty name"},
      {"Content-Length", "0"},
      {"connection", "close"},
      {"Transfer-Encoding", "chunked"},
      {"DATE", "Thu, 01 Jan 1970 00:00:00 GMT"},
      {"Server", "not casc"},
  };
  size_t nbad = sizeof bad / sizeof bad[0];
  int refused = 0;
  casc_error first = {0};
  for (size_t i = 0; i < nbad; i++) {
    casc_error e2 = {0};
    if (casc_http_response_header(res, bad[i][0], bad[i][1], &e2) == CASC_ERR_USAGE) {
      refused++;
      if (first.code == CASC_OK)
        first = e2;
    }
  }
  /* A tab is allowed in a value, and so is obs-text. */
  casc_err rc = casc_http_response_header(res, "X-Tab", "a\tb \xc3\xa9", e);
  if (rc != CASC_OK)
    return rc;
  atomic_store(&g_refused, refused);
  if (req->query != NULL && req->query_len == 9 && memcmp(req->query, "propagate", 9) == 0) {
    *e = first;
    return first.code;
  }
  char *out = casc_http_response_alloc(res, 64);
  int n = snprintf(out, 64, "refused %d of %zu\n", refused, nbad);
  casc_http_response_body(res, out, (size_t)n);
  return CASC_OK;
}

/* Adds more headers than a handler may: the 17th is refused. */
static casc_err many_headers_handler(void *arg, const casc_http_request *req,
                                     casc_http_response *res, casc_error *e) {
  (void)arg, (void)req;
  char name[16];
  int added = 0;
  for (int i = 0; i < 20; i++) {
    snprintf(name, sizeof name, "X-H%d", i);
    if (casc_http_response_header(res, name, "v", e) == CASC_OK)
      added++;
  }
  char *out = casc_http_response_alloc(res, 32);
  int n = snprintf(out, 32, "added %d\n", added);
  casc_http_response_body(res, out, (size_t)n);
  return CASC_OK;
}

/* A status outside 200..599 is a handler bug: answered 500. */
static casc_err bad_status_handler(void *arg, const casc_http_request *req,
                                   casc_http_response *res, casc_error *e) {
  (void)arg, (void)req, (void)e;
  casc_http_response_status(res, 99);
  return CASC_OK;
}

static casc_err empty_handler(void *arg, const casc_http_request *req, casc_http_response *res,
                              casc_error *e) {
  (void)arg, (void)req, (void)res, (void)e;
  return CASC_OK;
}

static const unsigned char g_cert_body[] = "0\x82\x01\x0a fake DER for test_http \x00\x01\x02\xff";
#define CERT_LEN (sizeof g_cert_body - 1)
#define CERT_MTIME_STR "Fri, 02 Jan 2026 03:04:05 GMT"

static const casc_http_route g_routes[] = {
    {.path = "/echo", .methods = CASC_HTTP_GET | CASC_HTTP_POST, .fn = echo_handler,
     .arg = "echo"},
    {.path = "/p", .prefix = true, .methods = CASC_HTTP_GET | CASC_HTTP_POST,
     .fn = echo_handler, .arg = "prefix"},
    {.path = "/p/special", .methods = CASC_HTTP_GET, .fn = echo_handler, .arg = "special"},
    {.path = "/dir/", .prefix = true, .methods = CASC_HTTP_GET, .fn = echo_handler,
     .arg = "dir"},
    {.path = "/post-only", .methods = CASC_HTTP_POST, .fn = echo_handler, .arg = "post"},
    {.path = "/get-only", .methods = CASC_HTTP_GET, .fn = echo_handler, .arg = "get"},
    {.path = "/fail", .methods = CASC_HTTP_GET | CASC_HTTP_POST, .fn = fail_handler},
    {.path = "/inject", .methods = CASC_HTTP_GET, .fn = inject_handler},
    {.path = "/many", .methods = CASC_HTTP_GET, .fn = many_headers_handler},
    {.path = "/bad-status", .methods = CASC_HTTP_GET, .fn = bad_status_handler},
    {.path = "/empty", .methods = CASC_HTTP_GET, .fn = empty_handler},
};

typedef struct {
  casc_http_server *srv;
  pthread_t thread;
  casc_err run_rc;
  casc_error run_err;
} running_server;

static void *run_thread(void *arg) {
  running_server *rs = arg;
  rs->run_rc = casc_http_server_run(rs->srv, &rs->run_err);
  return NULL;
}

static int start_server(running_server *rs, const casc_http_config *cfg) {
  casc_error e = {0};
  memset(rs, 0, sizeof *rs);
  if (casc_http_server_new(cfg, &rs->srv, &e) != CASC_OK) {
    fprintf(stderr, "casc_http_server_new: %s\n", e.msg);
    return -1;
  }
  const char *url = casc_http_server_url(rs->srv);
  unsigned port = 0;
  if (sscanf(url, "http://127.0.0.1:%u", &port) != 1 || port == 0 || port > 65535) {
    fprintf(stderr, "unexpected url %s\n", url);
    casc_http_server_free(rs->srv);
    return -1;
  }
  g_port = (uint16_t)port;
  if (pthread_create(&rs->thread, NULL, run_thread, rs) != 0) {
    casc_http_server_free(rs->srv);
    return -1;
  }
  return 0;
}

/* Stops the server and waits (bounded) for run to return. */
static int stop_server(running_server *rs) {
  struct timespec ts;
  casc_http_server_stop(rs->srv);
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += 10;
  if (pthread_timedjoin_np(rs->thread, NULL, &ts) != 0) {
    fprintf(stderr, "casc_http_server_run did not return\n");
    return -1; /* leave it: freeing under a live thread would crash */
  }
  casc_http_server_free(rs->srv);
  rs->srv = NULL;
  if (rs->run_rc != CASC_OK) {
    fprintf(stderr, "casc_http_server_run: %s\n", rs->run_err.msg);
    return -1;
  }
  return 0;
}

static running_server g_server;
static char g_cert_etag[40];

static const casc_http_resource g_resources[] = {
    {.path = "/ca/test.crt", .content_type = "application/pkix-cert", .body = g_cert_body,
     .len = CERT_LEN, .max_age = 3600, .last_modified = 1767323045 /* CERT_MTIME_STR */},
    {.path = "/ca/empty", .content_type = "application/octet-stream", .body = NULL, .len = 0},
};

static int group_setup(void **state) {
  (void)state;
  /* The ETag, computed here independently: the first 128 bits of the
   * SHA-256 of the body, in upper-case hex, quoted. */
  unsigned char md[32];
  unsigned int mdlen = 0;
  if (EVP_Digest(g_cert_body, CERT_LEN, md, &mdlen, EVP_sha256(), NULL) != 1)
    return -1;
  g_cert_etag[0] = '"';
  for (int i = 0; i < 16; i++)
    snprintf(g_cert_etag + 1 + 2 * i, 3, "%02X", md[i]);
  strcat(g_cert_etag, "\"");
  if (util_utc(2026, 1, 2, 3, 4, 5) != g_resources[0].last_modified)
    return -1;
  casc_http_config cfg = {
      .listen = "127.0.0.1:0",
      .threads = 2, /* two SO_REUSEPORT listeners: connections land on either */
      .resources = g_resources,
      .n_resources = sizeof g_resources / sizeof g_resources[0],
      .routes = g_routes,
      .n_routes = sizeof g_routes / sizeof g_routes[0],
      .max_body = MAX_BODY,
      .drain_ms = 1000,
  };
  return start_server(&g_server, &cfg);
}

static int group_teardown(void **state) {
  (void)state;
  return stop_server(&g_server);
}

/* Asserts that the server still answers a fresh connection. */
static void assert_alive(void) {
  http_resp *r = malloc(sizeof *r);
  assert_non_null(r);
  assert_int_equal(roundtrip_str("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_string_equal((char *)r->body, "ok\n");
  free(r);
}

/* --- routes and the handler API ------------------------------------------ */

static void test_healthz(void **state) {
  (void)state;
  http_resp *r = malloc(sizeof *r);
  assert_non_null(r);
  assert_int_equal(roundtrip_str("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_int_equal(r->minor, 1);
  assert_string_equal((char *)r->body, "ok\n");
  assert_string_equal(resp_header(r, "content-length"), "3");
  assert_string_equal(resp_header(r, "content-type"), "text/plain; charset=utf-8");
  assert_string_equal(resp_header(r, "cache-control"), "no-store");
  assert_non_null(resp_header(r, "date"));
  free(r);
}

static void test_exact_route_get(void **state) {
  (void)state;
  http_resp *r = malloc(sizeof *r);
  assert_non_null(r);
  /* the header name in another case than the handler asks for */
  assert_int_equal(roundtrip_str("GET /echo?a=1&b=%20x HTTP/1.1\r\nHost: t\r\n"
                                 "x-TEST: hello world\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_string_equal((char *)r->body, "route=echo\nmethod=GET head=0\npath=/echo\n"
                                       "query=a=1&b=%20x\nx-test=hello world\nbody=");
  assert_string_equal(resp_header(r, "content-type"), "text/plain");
  assert_string_equal(resp_header(r, "x-echo-method"), "GET");
  char cl[32];
  snprintf(cl, sizeof cl, "%zu", r->body_len);
  assert_string_equal(resp_header(r, "content-length"), cl);

  /* the value without the whitespace around it (RFC 9110 5.5) */
  assert_int_equal(roundtrip_str("GET /echo HTTP/1.1\r\nHost: t\r\nX-Test: \t a b \t \r\n\r\n",
                                 r), RESP_OK);
  assert_non_null(strstr((char *)r->body, "\nx-test=a b\n"));
  assert_int_equal(roundtrip_str("GET /echo HTTP/1.1\r\nHost: t\r\nX-Test:   \r\n\r\n", r),
                   RESP_OK);
  assert_non_null(strstr((char *)r->body, "\nx-test=\n"));
  /* no query: NULL; an empty one: "" */
  assert_int_equal(roundtrip_str("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_non_null(strstr((char *)r->body, "query=(none)\nx-test=(none)\n"));
  assert_int_equal(roundtrip_str("GET /echo? HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_non_null(strstr((char *)r->body, "\nquery=\n"));
  /* HTTP/1.0 is answered too */
  assert_int_equal(roundtrip_str("GET /echo HTTP/1.0\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_non_null(strstr((char *)r->body, "route=echo\n"));
  free(r);
}

static void test_post_body(void **state) {
  (void)state;
  http_resp *r = malloc(sizeof *r);
  assert_non_null(r);
  static const char req[] = "POST /echo?q HTTP/1.1\r\nHost: t\r\nX-Test: v\r\n"
                            "Content-Type: application/ocsp-request\r\n"
                            "Content-Length: 9\r\n\r\nab\0c\r\nxyz";
  assert_int_equal(roundtrip(req, sizeof req - 1, false, r), RESP_OK);
  assert_int_equal(r->status, 200);
  static const char want[] = "route=echo\nmethod=POST head=0\npath=/echo\nquery=q\nx-test=v\n"
                             "body=ab\0c\r\nxyz";
  assert_int_equal(r->body_len, sizeof want - 1);
  assert_memory_equal(r->body, want, sizeof want - 1); /* the NUL survives */
  assert_string_equal(resp_header(r, "x-echo-method"), "POST");

  /* a chunked body arrives whole */
  assert_int_equal(roundtrip_str("POST /echo HTTP/1.1\r\nHost: t\r\n"
                                 "Transfer-Encoding: chunked\r\n\r\n"
                                 "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_non_null(strstr((char *)r->body, "\nbody=abcdefg"));
  /* an empty POST: the handler gets a non-NULL empty body */
  assert_int_equal(roundtrip_str("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n",
                                 r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_true(r->body_len > 5 && memcmp(r->body + r->body_len - 6, "\nbody=", 6) == 0);
  free(r);
}

static void test_prefix_route(void **state) {
  (void)state;
  http_resp *r = malloc(sizeof *r);
  assert_non_null(r);
  assert_int_equal(roundtrip_str("GET /p HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_non_null(strstr((char *)r->body, "route=prefix\n"));
  /* the handler sees the path as sent, percent-encoding intact */
  assert_int_equal(roundtrip_str("POST /p/a%2Fb/c?x=%41 HTTP/1.1\r\nHost: t\r\n"
                                 "Content-Length: 3\r\n\r\nxyz", r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_string_equal((char *)r->body, "route=prefix\nmethod=POST head=0\npath=/p/a%2Fb/c\n"
                                       "query=x=%41\nx-test=(none)\nbody=xyz");
  /* the longest route wins; an exact route does not cover what is below it */
  assert_int_equal(roundtrip_str("GET /p/special HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_non_null(strstr((char *)r->body, "route=special\n"));
  assert_int_equal(roundtrip_str("GET /p/special/x HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_non_null(strstr((char *)r->body, "route=prefix\n"));
  /* a prefix is a whole path segment: /px is not under /p */
  assert_int_equal(roundtrip_str("GET /px HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 404);
  assert_string_equal((char *)r->body, "not found\n");
  /* a prefix route ending in "/" */
  assert_int_equal(roundtrip_str("GET /dir/anything HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_non_null(strstr((char *)r->body, "route=dir\n"));
  assert_int_equal(roundtrip_str("GET /dir HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 404);
  /* dot segments below the route's path: the route, with the path as sent */
  assert_int_equal(roundtrip_str("GET /p/a/../b/./c HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_non_null(strstr((char *)r->body, "route=prefix\n"));
  assert_non_null(strstr((char *)r->body, "\npath=/p/a/../b/./c\n"));
  /* A handler may rely on the path it gets starting with its route's path:
   * a target whose spelling reaches a route only once normalised (dot
   * segments, percent-encoding, no leading "/") is not found. */
  static const char *const spelled[] = {
      "GET /x/../p/y HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /p/%2e%2e/echo HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /p/../echo HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /%65cho HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /p/special/../special HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET echo HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET p HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /p/../fail/../nowhere HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /\xff\xfe HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET //echo HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /echo/ HTTP/1.1\r\nHost: t\r\n\r\n",
      "OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n",
  };
  for (size_t i = 0; i < sizeof spelled / sizeof spelled[0]; i++) {
    assert_int_equal(roundtrip_str(spelled[i], r), RESP_OK);
    if (r->status != 404)
      fail_msg("%s: answered %d", spelled[i], r->status);
  }
  free(r);
}

static void test_handler_status_and_empty(void **state) {
  (void)state;
  http_resp *r = malloc(sizeof *r);
  assert_non_null(r);
  assert_int_equal(roundtrip_str("GET /echo?status=503 HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 503);
  assert_non_null(strstr((char *)r->body, "route=echo\n"));
  assert_string_equal(resp_header(r, "x-echo-method"), "GET");
  /* 204 carries neither a body nor a Content-Length */
  http_cli *c = malloc(sizeof *c);
  assert_non_null(c);
  assert_int_equal(cli_open(c), 0);
  assert_int_equal(cli_send_str(c, "GET /echo?status=204 HTTP/1.1\r\nHost: t\r\n\r\n"
                                   "GET /empty HTTP/1.1\r\nHost: t\r\n\r\n"), 0);
  assert_int_equal(cli_read(c, false, r), RESP_OK);
  assert_int_equal(r->status, 204);
  assert_null(resp_header(r, "content-length"));
  assert_int_equal(r->body_len, 0);
  /* a handler that sets nothing: 200, empty body (and the stream stays in step) */
  assert_int_equal(cli_read(c, false, r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_string_equal(resp_header(r, "content-length"), "0");
  assert_int_equal(r->body_len, 0);
  cli_close(c);
  free(c);
  free(r);
}

static void test_handler_error_is_500(void **state) {
  (void)state;
  http_resp *r = malloc(sizeof *r);
  assert_non_null(r);
  int before = atomic_load(&g_fail_calls);
  assert_int_equal(roundtrip_str("GET /fail HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 500);
  assert_string_equal((char *)r->body, "internal server error\n");
  assert_null(resp_header(r, "x-leak")); /* nothing of the failed answer */
  assert_int_equal(atomic_load(&g_fail_calls), before + 1);
  /* HEAD of a failing handler: 500, no body, the right length */
  assert_int_equal(roundtrip_str("HEAD /fail HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 500);
  assert_string_equal(resp_header(r, "content-length"), "22");
  /* a status outside 200..599 is the handler's bug: 500 */
  assert_int_equal(roundtrip_str("GET /bad-status HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 500);
  assert_int_equal(roundtrip_str("GET /echo?status=600 HTTP/1.1\r\nHost: t\r\n\r\n", r),
                   RESP_OK);
  assert_int_equal(r->status, 500);
  assert_int_equal(roundtrip_str("GET /echo?status=199 HTTP/1.1\r\nHost: t\r\n\r\n", r),
                   RESP_OK);
  assert_int_equal(r->status, 500);
  free(r);
  assert_alive();
}

static void test_header_injection_refused(void **state) {
  (void)state;
  http_resp *r = malloc(sizeof *r);
  assert_non_null(r);
  assert_int_equal(roundtrip_str("GET /inject HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_string_equal((char *)r->body, "refused 14 of 14\n");
  assert_int_equal(atomic_load(&g_refused), 14);
  assert_null(resp_header(r, "set-cookie"));
  assert_int_equal(resp_header_count(r, "x-ok"), 0);
  assert_int_equal(resp_header_count(r, "connection"), 1);
  assert_int_equal(resp_header_count(r, "content-length"), 1);
  assert_string_equal(resp_header(r, "server"), "casc");
  assert_string_equal(resp_header(r, "x-tab"), "a\tb \xc3\xa9");
  /* the refusal returned as the handler's error: 500, nothing injected */
  assert_int_equal(roundtrip_str("GET /inject?propagate HTTP/1.1\r\nHost: t\r\n\r\n", r),
                   RESP_OK);
  assert_int_equal(r->status, 500);
  assert_null(resp_header(r, "set-cookie"));
  assert_null(resp_header(r, "x-tab"));
  /* at most 16 headers from a handler */
  assert_int_equal(roundtrip_str("GET /many HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_string_equal((char *)r->body, "added 16\n");
  assert_non_null(resp_header(r, "x-h15"));
  assert_null(resp_header(r, "x-h16"));
  free(r);
}

static void test_method_not_allowed(void **state) {
  (void)state;
  http_resp *r = malloc(sizeof *r);
  assert_non_null(r);
  assert_int_equal(roundtrip_str("GET /post-only HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 405);
  assert_string_equal(resp_header(r, "allow"), "POST");
  assert_string_equal((char *)r->body, "method not allowed\n");
  assert_int_equal(roundtrip_str("POST /get-only HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n"
                                 "\r\nx", r), RESP_OK);
  assert_int_equal(r->status, 405);
  assert_string_equal(resp_header(r, "allow"), "GET, HEAD");
  assert_int_equal(roundtrip_str("PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nx",
                                 r), RESP_OK);
  assert_int_equal(r->status, 405);
  assert_string_equal(resp_header(r, "allow"), "GET, HEAD, POST");
  assert_int_equal(roundtrip_str("DELETE /ca/test.crt HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 405);
  assert_string_equal(resp_header(r, "allow"), "GET, HEAD");
  assert_int_equal(roundtrip_str("POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n",
                                 r), RESP_OK);
  assert_int_equal(r->status, 405);
  assert_string_equal(resp_header(r, "allow"), "GET, HEAD");
  /* a method that differs from GET only in case is another method */
  assert_int_equal(roundtrip_str("get /post-only HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 405);
  /* HEAD of a 405: the length of the text, no body */
  assert_int_equal(roundtrip_str("HEAD /post-only HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 405);
  assert_string_equal(resp_header(r, "content-length"), "19");
  assert_int_equal(roundtrip_str("GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 404);
  free(r);
}

/* HEAD: the handler sees GET with head set; the client gets the headers
 * and Content-Length of the GET and no body. A second request on the same
 * connection proves that no body bytes followed. */
static void test_head(void **state) {
  (void)state;
  http_resp *get = malloc(sizeof *get), *head = malloc(sizeof *head);
  http_cli *c = malloc(sizeof *c);
  assert_non_null(get);
  assert_non_null(head);
  assert_non_null(c);
  assert_int_equal(roundtrip_str("GET /echo?h HTTP/1.1\r\nHost: t\r\n\r\n", get), RESP_OK);
  assert_int_equal(cli_open(c), 0);
  assert_int_equal(cli_send_str(c, "HEAD /echo?h HTTP/1.1\r\nHost: t\r\n\r\n"
                                   "HEAD /ca/test.crt HTTP/1.1\r\nHost: t\r\n\r\n"
                                   "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"), 0);
  assert_int_equal(cli_read(c, true, head), RESP_OK);
  assert_int_equal(head->status, 200);
  assert_string_equal(resp_header(head, "content-length"), resp_header(get, "content-length"));
  assert_string_equal(resp_header(head, "x-echo-method"), "GET");
  assert_int_equal(cli_read(c, true, head), RESP_OK);
  assert_int_equal(head->status, 200);
  char cl[16];
  snprintf(cl, sizeof cl, "%zu", CERT_LEN);
  assert_string_equal(resp_header(head, "content-length"), cl);
  assert_string_equal(resp_header(head, "etag"), g_cert_etag);
  assert_int_equal(cli_read(c, false, get), RESP_OK);
  assert_int_equal(get->status, 200);
  assert_string_equal((char *)get->body, "ok\n");
  assert_int_equal(c->len, 0); /* nothing left over: no stray body bytes */
  cli_close(c);
  free(c);
  free(get);
  free(head);
}

/* --- static resources ------------------------------------------------------ */

static void test_resource(void **state) {
  (void)state;
  http_resp *r = malloc(sizeof *r);
  assert_non_null(r);
  assert_int_equal(roundtrip_str("GET /ca/test.crt HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_int_equal(r->body_len, CERT_LEN);
  assert_memory_equal(r->body, g_cert_body, CERT_LEN);
  assert_string_equal(resp_header(r, "content-type"), "application/pkix-cert");
  assert_string_equal(resp_header(r, "etag"), g_cert_etag);
  assert_string_equal(resp_header(r, "cache-control"), "max-age=3600");
  assert_string_equal(resp_header(r, "last-modified"), CERT_MTIME_STR);
  /* the same path spelled with dot segments, and with a query */
  assert_int_equal(roundtrip_str("GET /ca/x/../test.crt?v=2 HTTP/1.1\r\nHost: t\r\n\r\n", r),
                   RESP_OK);
  assert_int_equal(r->status, 200);
  assert_string_equal(resp_header(r, "etag"), g_cert_etag);
  /* an empty resource: no-cache, Content-Length 0 */
  assert_int_equal(roundtrip_str("GET /ca/empty HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_string_equal(resp_header(r, "content-length"), "0");
  assert_string_equal(resp_header(r, "cache-control"), "no-cache");
  assert_non_null(resp_header(r, "last-modified"));
  /* the ETag of an empty body: SHA-256("") starts e3b0c442... */
  assert_string_equal(resp_header(r, "etag"), "\"E3B0C44298FC1C149AFBF4C8996FB924\"");
  /* not a prefix: nothing below a resource */
  assert_int_equal(roundtrip_str("GET /ca/test.crt/x HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 404);
  assert_int_equal(roundtrip_str("GET /ca/test.cr HTTP/1.1\r\nHost: t\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 404);
  free(r);
}

/* Sends If-None-Match: <value> for the certificate and returns the status;
 * a 304 must carry the ETag and no body, a 200 the whole body. */
static int conditional_get(const char *value) {
  char req[1024];
  http_resp *r = malloc(sizeof *r);
  assert_non_null(r);
  snprintf(req, sizeof req, "GET /ca/test.crt HTTP/1.1\r\nHost: t\r\nIf-None-Match: %s\r\n\r\n",
           value);
  assert_int_equal(roundtrip_str(req, r), RESP_OK);
  int status = r->status;
  if (status == 304) {
    assert_string_equal(resp_header(r, "etag"), g_cert_etag);
    assert_string_equal(resp_header(r, "cache-control"), "max-age=3600");
    assert_null(resp_header(r, "content-length"));
    assert_int_equal(r->body_len, 0);
  } else if (status == 200) {
    assert_int_equal(r->body_len, CERT_LEN);
    assert_memory_equal(r->body, g_cert_body, CERT_LEN);
  }
  free(r);
  return status;
}

static void test_if_none_match(void **state) {
  (void)state;
  char v[256];
  const char *tag = g_cert_etag;
  assert_int_equal(conditional_get(tag), 304);
  snprintf(v, sizeof v, "W/%s", tag);
  assert_int_equal(conditional_get(v), 304);
  snprintf(v, sizeof v, "\"nope\", W/\"other\" ,%s", tag);
  assert_int_equal(conditional_get(v), 304);
  snprintf(v, sizeof v, "\"nope\",W/%s", tag);
  assert_int_equal(conditional_get(v), 304);
  assert_int_equal(conditional_get("*"), 304);
  assert_int_equal(conditional_get("\"nope\""), 200);
  assert_int_equal(conditional_get("W/\"nope\", \"0000\""), 200);
  /* the tag without quotes, or a prefix of it */
  snprintf(v, sizeof v, "%.32s", tag + 1);
  assert_int_equal(conditional_get(v), 200);
  snprintf(v, sizeof v, "%.20s\"", tag);
  assert_int_equal(conditional_get(v), 200);
  /* malformed: unterminated, junk after a match, "*" with company */
  snprintf(v, sizeof v, "%.20s", tag);
  assert_int_equal(conditional_get(v), 200);
  snprintf(v, sizeof v, "%s junk", tag);
  assert_int_equal(conditional_get(v), 200);
  assert_int_equal(conditional_get("*, \"x\""), 200);
  /* two If-None-Match lines: either may match */
  http_resp *r = malloc(sizeof *r);
  assert_non_null(r);
  snprintf(v, sizeof v, "GET /ca/test.crt HTTP/1.1\r\nHost: t\r\nIf-None-Match: \"a\"\r\n"
           "If-None-Match: %s\r\n\r\n", tag);
  assert_int_equal(roundtrip_str(v, r), RESP_OK);
  assert_int_equal(r->status, 304);
  /* HEAD too */
  snprintf(v, sizeof v, "HEAD /ca/test.crt HTTP/1.1\r\nHost: t\r\nIf-None-Match: %s\r\n\r\n",
           tag);
  assert_int_equal(roundtrip_str(v, r), RESP_OK);
  assert_int_equal(r->status, 304);
  /* after a 304 the connection stays in step */
  http_cli *c = malloc(sizeof *c);
  assert_non_null(c);
  assert_int_equal(cli_open(c), 0);
  snprintf(v, sizeof v, "GET /ca/test.crt HTTP/1.1\r\nHost: t\r\nIf-None-Match: %s\r\n\r\n"
           "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", tag);
  assert_int_equal(cli_send_str(c, v), 0);
  assert_int_equal(cli_read(c, false, r), RESP_OK);
  assert_int_equal(r->status, 304);
  assert_int_equal(cli_read(c, false, r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_string_equal((char *)r->body, "ok\n");
  cli_close(c);
  free(c);
  free(r);
}

/* --- limits, connections and bad clients ---------------------------------- */

static int post_len(size_t len, bool chunked) {
  char *req = malloc(len + 256);
  http_resp *r = malloc(sizeof *r);
  assert_non_null(req);
  assert_non_null(r);
  int n = chunked ? snprintf(req, 256, "POST /echo HTTP/1.1\r\nHost: t\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n%zx\r\n", len)
                  : snprintf(req, 256, "POST /echo HTTP/1.1\r\nHost: t\r\n"
                             "Content-Length: %zu\r\n\r\n", len);
  memset(req + n, 'b', len);
  size_t total = (size_t)n + len;
  if (chunked) {
    memcpy(req + total, "\r\n0\r\n\r\n", 7);
    total += 7;
  }
  assert_int_equal(roundtrip(req, total, false, r), RESP_OK);
  int status = r->status;
  if (status == 200)
    assert_true(r->body_len > len && r->body[r->body_len - len - 1] == '=');
  free(req);
  free(r);
  return status;
}

static void test_body_limit(void **state) {
  (void)state;
  assert_int_equal(post_len(MAX_BODY, false), 200);
  assert_int_equal(post_len(MAX_BODY + 1, false), 413);
  assert_int_equal(post_len(10 * MAX_BODY, false), 413);
  assert_int_equal(post_len(MAX_BODY - 1, true), 200);
  assert_int_equal(post_len(MAX_BODY, true), 200);
  assert_int_equal(post_len(MAX_BODY + 1, true), 413);
  /* a Content-Length far beyond the limit, with no body sent at all */
  http_resp *r = malloc(sizeof *r);
  assert_non_null(r);
  assert_int_equal(roundtrip_str("POST /echo HTTP/1.1\r\nHost: t\r\n"
                                 "Content-Length: 99999999999\r\n\r\n", r), RESP_OK);
  assert_int_equal(r->status, 413);
  free(r);
  assert_alive();
}

static void test_keep_alive(void **state) {
  (void)state;
  http_resp *r = malloc(sizeof *r);
  http_cli *c = malloc(sizeof *c);
  assert_non_null(r);
  assert_non_null(c);
  assert_int_equal(cli_open(c), 0);
  /* one after another */
  for (int i = 0; i < 5; i++) {
    char req[128], want[32];
    snprintf(req, sizeof req, "POST /p/%d HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\n%d",
             i, i);
    assert_int_equal(cli_send_str(c, req), 0);
    assert_int_equal(cli_read(c, false, r), RESP_OK);
    assert_int_equal(r->status, 200);
    assert_string_equal(resp_header(r, "connection"), "keep-alive");
    snprintf(want, sizeof want, "path=/p/%d\n", i);
    assert_non_null(strstr((char *)r->body, want));
    snprintf(want, sizeof want, "body=%d", i);
    assert_non_null(strstr((char *)r->body, want));
  }
  /* pipelined: three requests in one write, of every kind of answer */
  assert_int_equal(cli_send_str(c, "GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n"
                                   "GET /fail HTTP/1.1\r\nHost: t\r\n\r\n"
                                   "GET /ca/test.crt HTTP/1.1\r\nHost: t\r\n\r\n"), 0);
  assert_int_equal(cli_read(c, false, r), RESP_OK);
  assert_int_equal(r->status, 404);
  assert_int_equal(cli_read(c, false, r), RESP_OK);
  assert_int_equal(r->status, 500);
  assert_int_equal(cli_read(c, false, r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_int_equal(r->body_len, CERT_LEN);
  /* Connection: close is honoured */
  assert_int_equal(cli_send_str(c, "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"),
                   0);
  assert_int_equal(cli_read(c, false, r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_string_equal(resp_header(r, "connection"), "close");
  assert_true(cli_sees_close(c));
  cli_close(c);
  /* HTTP/1.0 without keep-alive: closed after the answer */
  assert_int_equal(cli_open(c), 0);
  assert_int_equal(cli_send_str(c, "GET /healthz HTTP/1.0\r\n\r\n"), 0);
  assert_int_equal(cli_read(c, false, r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_true(cli_sees_close(c));
  cli_close(c);
  free(c);
  free(r);
}

/* A request written one byte at a time still gets its answer. */
static void test_slow_client(void **state) {
  (void)state;
  static const char req[] = "POST /echo?slow=1 HTTP/1.1\r\nHost: t\r\nX-Test: drip\r\n"
                            "Content-Length: 11\r\n\r\nhello world";
  http_resp *r = malloc(sizeof *r);
  http_cli *c = malloc(sizeof *c);
  assert_non_null(r);
  assert_non_null(c);
  assert_int_equal(cli_open(c), 0);
  for (size_t i = 0; i < sizeof req - 1; i++) {
    assert_int_equal(cli_send(c, req + i, 1), 0);
    usleep(300);
  }
  assert_int_equal(cli_read(c, false, r), RESP_OK);
  assert_int_equal(r->status, 200);
  assert_string_equal((char *)r->body, "route=echo\nmethod=POST head=0\npath=/echo\n"
                                       "query=slow=1\nx-test=drip\nbody=hello world");
  /* the connection is still usable */
  assert_int_equal(cli_send_str(c, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"), 0);
  assert_int_equal(cli_read(c, false, r), RESP_OK);
  assert_int_equal(r->status, 200);
  cli_close(c);
  free(c);
  free(r);
}

/* Garbage is answered 400 (or 4xx for what is too long) or the connection
 * is closed; either way the server goes on answering others. */
static void test_garbage(void **state) {
  (void)state;
  static const struct {
    const char *data;
    size_t len;
  } cases[] = {
#define CASE(s) {s, sizeof s - 1}
      CASE("GARBAGE\r\n\r\n"),
      CASE("GET\r\n\r\n"),
      CASE("GET / HTTP/9.9\r\n\r\n"),
      CASE("GET / FTP/1.1\r\n\r\n"),
      CASE("GET / HTTP/1.1\r\nHost localhost\r\n\r\n"),
      CASE("\x00\x01\x02\x03\r\n\r\n"),
      CASE("GET /ec\0ho HTTP/1.1\r\nHost: t\r\n\r\n"),
      CASE("GET /echo HTTP/1.1\r\nX-Test: a\0b\r\n\r\n"),
      CASE("GET /echo HTTP/1.1\r\nX-Test: a\x01" "b\r\n\r\n"),
      CASE("GET /echo HTTP/1.1\r\n: empty-name\r\n\r\n"),
      CASE("GET /echo HTTP/1.1\r\nX Test: space-in-name\r\n\r\n"),
      CASE("POST /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n"),
      CASE("POST /echo HTTP/1.1\r\nContent-Length: -1\r\n\r\n"),
      CASE("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n"),
      CASE("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
           "ffffffffffffffffffff\r\n"),
      CASE("\r\n\r\n\r\n\r\n"),
#undef CASE
  };
  http_resp *r = malloc(sizeof *r);
  http_cli *c = malloc(sizeof *c);
  assert_non_null(r);
  assert_non_null(c);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(cli_open(c), 0);
    cli_send(c, cases[i].data, cases[i].len); /* the server may close first */
    int rc = cli_read(c, false, r);
    if (rc == RESP_OK) {
      if (r->status != 400)
        fail_msg("garbage case %zu answered %d", i, r->status);
    } else if (rc != RESP_CLOSED) {
      fail_msg("garbage case %zu: neither a 400 nor a close", i);
    }
    cli_close(c);
    assert_alive();
  }
  /* a request line far over h2o's limit: 4xx or closed */
  size_t big = H2O_MAX_REQLEN + 4096;
  char *line = malloc(big);
  assert_non_null(line);
  memcpy(line, "GET /", 5);
  memset(line + 5, 'a', big - 5);
  assert_int_equal(cli_open(c), 0);
  cli_send(c, line, big);
  int rc = cli_read(c, false, r);
  assert_true(rc == RESP_CLOSED || (rc == RESP_OK && r->status >= 400 && r->status < 500));
  cli_close(c);
  free(line);
  assert_alive();
  /* random bytes, from a fixed seed */
  unsigned char noise[4096];
  uint32_t x = 2463534242u;
  for (size_t i = 0; i < sizeof noise; i++) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    noise[i] = (unsigned char)x;
  }
  assert_int_equal(cli_open(c), 0);
  cli_send(c, noise, sizeof noise);
  rc = cli_read(c, false, r);
  assert_true(rc == RESP_CLOSED || (rc == RESP_OK && r->status == 400));
  cli_close(c);
  /* clients that go away half-way through a request, or a response */
  assert_int_equal(cli_open(c), 0);
  cli_send_str(c, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc");
  cli_close(c);
  assert_int_equal(cli_open(c), 0);
  cli_send_str(c, "GET /ca/test.crt HTTP/1.1\r\nHost: t\r\n\r\n");
  struct linger lg = {.l_onoff = 1, .l_linger = 0}; /* a reset, not a FIN */
  setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  cli_close(c);
  free(c);
  free(r);
  assert_alive();
}

/* --- the life cycle ------------------------------------------------------------ */

/* casc_http_server_stop makes run return: an idle keep-alive connection is
 * closed rather than waited out, and the port is free again. */
static void test_stop_closes_idle(void **state) {
  (void)state;
  running_server *rs = malloc(sizeof *rs);
  http_resp *r = malloc(sizeof *r);
  http_cli *c = malloc(sizeof *c);
  assert_non_null(rs);
  assert_non_null(r);
  assert_non_null(c);
  uint16_t saved_port = g_port;
  casc_http_config cfg = {.listen = "127.0.0.1:0", .threads = 1, .drain_ms = 3000};
  assert_int_equal(start_server(rs, &cfg), 0);
  assert_int_equal(cli_open(c), 0);
  assert_int_equal(cli_send_str(c, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"), 0);
  assert_int_equal(cli_read(c, false, r), RESP_OK);
  assert_int_equal(r->status, 200);
  int64_t t0 = now_ms();
  assert_int_equal(stop_server(rs), 0);
  /* well before the drain deadline: the idle connection did not hold it up */
  assert_true(now_ms() - t0 < 2500);
  assert_true(cli_sees_close(c));
  cli_close(c);
  /* nothing listens any more */
  assert_int_not_equal(cli_open(c), 0);
  g_port = saved_port;
  free(c);
  free(r);
  free(rs);
}

static void test_server_new_refuses(void **state) {
  (void)state;
  casc_http_server *s = NULL;
  casc_error e = {0};
  static const char *const bad_addrs[] = {"localhost:80", "127.0.0.1", "127.0.0.1:",
                                          "127.0.0.1:65536", "::1:80", "[::1]80", ":80",
                                          "127.0.0.1:8x", "1.2.3.4.5:80"};
  for (size_t i = 0; i < sizeof bad_addrs / sizeof bad_addrs[0]; i++) {
    casc_http_config cfg = {.listen = bad_addrs[i], .threads = 1};
    assert_int_equal(casc_http_server_new(&cfg, &s, &e), CASC_ERR_USAGE);
    assert_null(s);
    assert_non_null(strstr(e.msg, bad_addrs[i]));
  }
  /* the port the group's server holds */
  char addr[32];
  snprintf(addr, sizeof addr, "127.0.0.1:%u", g_port);
  casc_http_config cfg = {.listen = addr, .threads = 1};
  assert_int_equal(casc_http_server_new(&cfg, &s, &e), CASC_ERR_IO);
  assert_null(s);
  assert_non_null(strstr(e.msg, addr));
  /* bad tables */
  casc_http_route bad_route = {.path = "nope", .methods = CASC_HTTP_GET, .fn = empty_handler};
  cfg = (casc_http_config){.listen = "127.0.0.1:0", .threads = 1, .routes = &bad_route,
                           .n_routes = 1};
  assert_int_equal(casc_http_server_new(&cfg, &s, &e), CASC_ERR_USAGE);
  bad_route = (casc_http_route){.path = "/x", .methods = 0, .fn = empty_handler};
  assert_int_equal(casc_http_server_new(&cfg, &s, &e), CASC_ERR_USAGE);
  casc_http_resource twice[2] = {g_resources[0], g_resources[0]};
  cfg = (casc_http_config){.listen = "127.0.0.1:0", .threads = 1, .resources = twice,
                           .n_resources = 2};
  assert_int_equal(casc_http_server_new(&cfg, &s, &e), CASC_ERR_USAGE);
  assert_non_null(strstr(e.msg, "twice"));
  cfg = (casc_http_config){.listen = "127.0.0.1:0", .threads = -1};
  assert_int_equal(casc_http_server_new(&cfg, &s, &e), CASC_ERR_USAGE);
  assert_null(s);
  casc_http_server_free(NULL);
}

/* --- the If-None-Match parser on its own ------------------------------- */

#define TAG "\"0123456789abcdef0123456789abcdef\""

static bool inm(const char *s, size_t len) {
  /* an exact-size heap copy, so that ASan sees any read past the end */
  char *copy = malloc(len != 0 ? len : 1);
  assert_non_null(copy);
  memcpy(copy, s, len);
  bool m = casc_http_etag_list_matches(copy, len, TAG, sizeof TAG - 1);
  free(copy);
  return m;
}

#define INM(lit) inm(lit, sizeof lit - 1)

static void test_etag_list_forms(void **state) {
  (void)state;
  assert_true(INM(TAG));
  assert_true(INM("W/" TAG));
  assert_true(INM("*"));
  assert_true(INM("  *\t"));
  assert_true(INM(" " TAG " "));
  assert_true(INM("\"a\", " TAG));
  assert_true(INM("\"a\",W/" TAG ",\"b\""));
  assert_true(INM(",," TAG ",,"));       /* empty list elements are allowed */
  assert_true(INM("W/\"\", \"\", " TAG)); /* so are empty tags */
  assert_false(INM("\"0123456789abcdef0123456789abcdeF\""));
  assert_false(INM("\"0123456789abcdef0123456789abcde\""));
  assert_false(INM("\"0123456789abcdef0123456789abcdef0\""));
  assert_false(INM("0123456789abcdef0123456789abcdef"));
  assert_false(INM("w/" TAG)); /* W/ is case-sensitive */
  assert_false(INM("W/ " TAG));
  assert_false(INM("\"a\", \"b\""));
}

static void test_etag_list_malformed(void **state) {
  (void)state;
  assert_false(inm("", 0));
  assert_false(INM(" "));
  assert_false(INM(",, ,"));
  assert_false(INM("\""));
  assert_false(INM("\"unterminated"));
  assert_false(INM("\"0123456789abcdef0123456789abcdef")); /* the tag, unterminated */
  assert_false(INM(TAG "\""));
  assert_false(INM("W/"));
  assert_false(INM("W"));
  assert_false(INM("W/\""));
  assert_false(INM("**"));
  assert_false(INM("*, " TAG)); /* "*" stands alone */
  assert_false(INM("*junk"));
  assert_false(INM(TAG " junk"));
  assert_false(INM(TAG "junk"));
  assert_false(INM(TAG TAG)); /* no comma */
  assert_false(INM(TAG ", junk"));
  assert_false(INM("junk, " TAG));
  assert_false(INM("\"a b\", " TAG)); /* a space is no etagc */
  assert_false(INM("\"a\x7f\", " TAG));
  assert_false(INM(TAG ";q=1"));
  /* embedded NULs */
  assert_false(INM("\0" TAG));
  assert_false(INM(TAG "\0"));
  assert_false(INM("\"0123456789abcdef\0" "0123456789abcdef\""));
  assert_false(INM("\"a\0\", " TAG));
  assert_false(INM("*\0"));
  /* obs-text is etagc */
  assert_true(INM("\"\xc3\xa9\", " TAG));
}

static void test_etag_list_huge(void **state) {
  (void)state;
  /* 200 000 tags: linear, the match found at the very end */
  size_t n = 200000, item = sizeof "\"x\", " - 1;
  size_t len = n * item + sizeof TAG - 1;
  char *s = malloc(len);
  assert_non_null(s);
  for (size_t i = 0; i < n; i++)
    memcpy(s + i * item, "\"x\", ", item);
  memcpy(s + n * item, TAG, sizeof TAG - 1);
  int64_t t0 = now_ms();
  assert_true(inm(s, len));
  assert_false(inm(s, len - 1)); /* its closing quote cut off */
  assert_false(inm(s, n * item)); /* no match */
  /* one huge unterminated tag; and a huge run of separators */
  memset(s, 'a', len);
  s[0] = '"';
  assert_false(inm(s, len));
  memset(s, ',', len);
  assert_false(inm(s, len));
  memset(s, ' ', len);
  s[len - 1] = '*';
  assert_true(inm(s, len));
  assert_true(now_ms() - t0 < 2000);
  free(s);
}

int main(void) {
  const struct CMUnitTest server_tests[] = {
      cmocka_unit_test(test_healthz),
      cmocka_unit_test(test_exact_route_get),
      cmocka_unit_test(test_post_body),
      cmocka_unit_test(test_prefix_route),
      cmocka_unit_test(test_handler_status_and_empty),
      cmocka_unit_test(test_handler_error_is_500),
      cmocka_unit_test(test_header_injection_refused),
      cmocka_unit_test(test_method_not_allowed),
      cmocka_unit_test(test_head),
      cmocka_unit_test(test_resource),
      cmocka_unit_test(test_if_none_match),
      cmocka_unit_test(test_body_limit),
      cmocka_unit_test(test_keep_alive),
      cmocka_unit_test(test_slow_client),
      cmocka_unit_test(test_garbage),
      cmocka_unit_test(test_server_new_refuses),
      cmocka_unit_test(test_stop_closes_idle),
  };
  const struct CMUnitTest parser_tests[] = {
      cmocka_unit_test(test_etag_list_forms),
      cmocka_unit_test(test_etag_list_malformed),
      cmocka_unit_test(test_etag_list_huge),
  };
  int failed = cmocka_run_group_tests_name("http server", server_tests, group_setup,
                                           group_teardown);
  failed += cmocka_run_group_tests_name("http etag parser", parser_tests, NULL, NULL);
  return failed;
}
