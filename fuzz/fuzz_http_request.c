/* libFuzzer target: raw bytes from a client, through the server's whole
 * request path. The input is written to one end of a socketpair, the other
 * end is handed to h2o as an accepted connection of a server made by
 * casc_http_server_new (routes, a prefix route, a failing handler, static
 * resources, max_body 1024), and the event loop runs until the connection
 * closes. So h2o parses the request line, headers and body (Content-Length
 * or chunked, pipelined requests included), and casc_http_dispatch routes
 * it: path matching, the route/spelling check, 405 and 413, If-None-Match,
 * HEAD, the handler API (casc_http_request_header, response headers and
 * bodies) and the log line of a failing handler.
 *
 * The server's own threads are not started: this thread runs one loop on
 * the server's h2o configuration, as a worker would. libh2o itself is not
 * instrumented for coverage, only casc's code is; its memory errors are
 * still caught by ASan.
 *
 * With CASC_FUZZ_STRICT=1 in the environment the target also checks what
 * the server writes back: every response starts with "HTTP/1.1 " and a
 * status from 200 to 599 (or is absent: h2o may close on garbage without a
 * word), and no response carries a header the handlers did not set from
 * the request's "X-Inject" value (no header injection). */
#include "http/http_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FUZZ_MAX_INPUT (48 * 1024) /* fits a socketpair's buffer: one write, no blocking */
#define FUZZ_MAX_OUTPUT (1024 * 1024)

static int strict;
static casc_http_server *srv;
static h2o_evloop_t *loop;
static h2o_context_t ctx;
static h2o_accept_ctx_t accept_ctx;

/* Echoes the method, the path, the query, a header and the body; a query
 * "status=NNN" sets the status and a request header X-Inject is copied
 * into a response header (refused when it holds a control character). */
static casc_err echo(void *arg, const casc_http_request *req, casc_http_response *res,
                     casc_error *e) {
  (void)arg;
  size_t hlen = 0, ilen = 0;
  const char *h = casc_http_request_header(req, "x-test", &hlen);
  const char *inj = casc_http_request_header(req, "X-Inject", &ilen);
  size_t cap = 64 + req->path_len + req->query_len + hlen + req->body_len;
  char *out = casc_http_response_alloc(res, cap);
  int n = snprintf(out, cap, "%d %d %.*s ? %.*s : %.*s\n", (int)req->method, req->head,
                   (int)req->path_len, req->path, (int)req->query_len,
                   req->query != NULL ? req->query : "", (int)hlen, h != NULL ? h : "");
  memcpy(out + n, req->body, req->body_len);
  casc_http_response_body(res, out, (size_t)n + req->body_len);
  if (req->query != NULL && req->query_len >= 10 && memcmp(req->query, "status=", 7) == 0)
    casc_http_response_status(res, (req->query[7] - '0') * 100 + (req->query[8] - '0') * 10 +
                                       (req->query[9] - '0'));
  if (inj != NULL) {
    char *value = casc_http_response_alloc(res, ilen + 1);
    memcpy(value, inj, ilen);
    value[ilen] = '\0';
    casc_error ignored;
    (void)casc_http_response_header(res, "X-Echo", value, &ignored);
  }
  return casc_http_response_header(res, "content-type", "text/plain", e);
}

static casc_err fail(void *arg, const casc_http_request *req, casc_http_response *res,
                     casc_error *e) {
  (void)arg, (void)req;
  casc_http_response_body(res, "partial", 7);
  return casc_error_set(e, CASC_ERR_DB, "fuzz: failing on purpose");
}

static const unsigned char cert_body[] = "fuzz certificate body";

static const casc_http_route routes[] = {
    {.path = "/echo", .methods = CASC_HTTP_GET | CASC_HTTP_POST, .fn = echo},
    {.path = "/ocsp", .prefix = true, .methods = CASC_HTTP_GET | CASC_HTTP_POST, .fn = echo},
    {.path = "/ocsp/special", .methods = CASC_HTTP_POST, .fn = echo},
    {.path = "/dir/", .prefix = true, .methods = CASC_HTTP_GET, .fn = echo},
    {.path = "/fail", .methods = CASC_HTTP_GET, .fn = fail},
};

static const casc_http_resource resources[] = {
    /* ETag "5BAA7D8CC1D0477CCC5665C2BE953B54" (the seed if-none-match-exact sends it) */
    {.path = "/ca/test.crt", .content_type = "application/pkix-cert", .body = cert_body,
     .len = sizeof cert_body - 1, .max_age = 60, .last_modified = 1767323045},
    {.path = "/crl/empty.crl", .content_type = "application/pkix-crl", .body = NULL, .len = 0},
};

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  const char *s = getenv("CASC_FUZZ_STRICT");
  strict = s != NULL && strcmp(s, "1") == 0;
  casc_http_config cfg = {
      .listen = "127.0.0.1:0", /* bound, never listened on by a loop */
      .threads = 1,
      .resources = resources,
      .n_resources = sizeof resources / sizeof resources[0],
      .routes = routes,
      .n_routes = sizeof routes / sizeof routes[0],
      .max_body = 1024,
  };
  casc_error e = {0};
  if (casc_http_server_new(&cfg, &srv, &e) != CASC_OK) {
    fprintf(stderr, "fuzz_http_request: %s\n", e.msg);
    abort();
  }
  loop = h2o_evloop_create();
  h2o_context_init(&ctx, loop, &srv->globalconf);
  accept_ctx.ctx = &ctx;
  accept_ctx.hosts = srv->globalconf.hosts;
  return 0;
}

static void on_close(void *data) { *(bool *)data = true; }

/* memmem, ignoring the case of ASCII letters in needle (lower case). */
static const unsigned char *find_nocase(const unsigned char *h, size_t hlen, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; n <= hlen && i <= hlen - n; i++) {
    size_t j = 0;
    while (j < n && (h[i + j] | (h[i + j] >= 'A' && h[i + j] <= 'Z' ? 0x20 : 0)) ==
                        (unsigned char)needle[j])
      j++;
    if (j == n)
      return h + i;
  }
  return NULL;
}

static void check_output(const unsigned char *out, size_t len) {
  const unsigned char *p = out, *end = out + len;
  while (p < end) {
    const unsigned char *hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
    if (hend == NULL)
      break; /* the last response may be cut off by the close */
    int status = 0;
    /* 100 Continue answers "Expect: 100-continue" */
    if ((size_t)(end - p) < 12 || memcmp(p, "HTTP/1.", 7) != 0 ||
        sscanf((const char *)p + 9, "%3d", &status) != 1 || status < 100 || status > 599) {
      fprintf(stderr, "fuzz_http_request: malformed status line\n");
      abort();
    }
    /* a header line that only an X-Inject value could have smuggled in */
    if (find_nocase(p, (size_t)(hend - p), "\r\nx-smuggled") != NULL) {
      fprintf(stderr, "fuzz_http_request: a header was injected\n");
      abort();
    }
    size_t body = 0;
    const unsigned char *cl = find_nocase(p, (size_t)(hend - p), "\r\ncontent-length: ");
    if (cl != NULL)
      body = strtoul((const char *)cl + 18, NULL, 10);
    p = hend + 4;
    /* No body follows an answer to HEAD whatever its length says; none of
     * the bodies here starts with "HTTP/1.", so that tells them apart. */
    if ((size_t)(end - p) >= 7 && memcmp(p, "HTTP/1.", 7) == 0)
      continue;
    if (body > (size_t)(end - p))
      break;
    p += body;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_INPUT)
    return 0;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0)
    abort();
  int sndbuf = 2 * FUZZ_MAX_INPUT;
  setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  size_t sent = 0;
  while (sent < size) {
    ssize_t n = write(sv[1], data + sent, size - sent);
    if (n <= 0)
      break; /* what did not fit is left out */
    sent += (size_t)n;
  }
  shutdown(sv[1], SHUT_WR);

  bool closed = false;
  h2o_socket_t *sock = h2o_evloop_socket_create(loop, sv[0], 0);
  sock->on_close.cb = on_close;
  sock->on_close.data = &closed;
  h2o_accept(&accept_ctx, sock);

  unsigned char *out = strict ? malloc(FUZZ_MAX_OUTPUT) : NULL;
  unsigned char sink[16384];
  size_t out_len = 0;
  for (int rounds = 0; rounds < 2000; rounds++) {
    /* read what the server wrote, so that it never blocks on a full buffer */
    ssize_t n;
    while ((n = read(sv[1], sink, sizeof sink)) > 0) {
      if (out != NULL && out_len + (size_t)n <= FUZZ_MAX_OUTPUT) {
        memcpy(out + out_len, sink, (size_t)n);
        out_len += (size_t)n;
      }
    }
    if (closed)
      break;
    h2o_evloop_run(loop, 5);
  }
  if (!closed) {
    fprintf(stderr, "fuzz_http_request: the connection did not close\n");
    abort();
  }
  ssize_t n;
  while ((n = read(sv[1], sink, sizeof sink)) > 0)
    if (out != NULL && out_len + (size_t)n <= FUZZ_MAX_OUTPUT) {
      memcpy(out + out_len, sink, (size_t)n);
      out_len += (size_t)n;
    }
  close(sv[1]);
  if (out != NULL)
    check_output(out, out_len);
  free(out);
  return 0;
}
