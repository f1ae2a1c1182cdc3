/* casc http: the server behind `casc serve`.
 *
 * libh2o's evloop, one loop and one listening socket per thread. Every
 * socket is bound to the same address with SO_REUSEPORT, so the kernel
 * spreads the connections over the threads and no thread hands work to
 * another. HTTP/1.x only: the clients of AIA, CRL, OCSP and TSA URLs speak
 * HTTP/1.1, and without TLS HTTP/2 would only add a second parser.
 *
 * What the server answers:
 * - static resources (casc_http_resource) served from memory with GET and
 *   HEAD, with Content-Length, Cache-Control, Last-Modified and a strong
 *   ETag, and 304 Not Modified on a matching If-None-Match;
 * - routes (casc_http_route): a callback that gets the method, the path and
 *   the body of a request and fills in a status, headers and a body. OCSP,
 *   CRLs and the TSA are routes. `/healthz` is a built-in route;
 * - 405 with an Allow header for a method a path does not take, 404 for
 *   any other path, 413 for a body over the limit, 400 for garbage.
 *
 * Life cycle: casc_http_server_new parses the address and binds (so a port
 * in use is reported before anything is printed), casc_http_server_run
 * serves until SIGTERM, SIGINT or casc_http_server_stop, then stops
 * accepting, lets the requests in flight finish, closes idle keep-alive
 * connections and returns. casc_http_serve does all three in one call. */
#ifndef CASC_HTTP_H
#define CASC_HTTP_H

#include "casc/base.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define CASC_HTTP_DEFAULT_LISTEN "127.0.0.1:8080"
#define CASC_HTTP_DEFAULT_MAX_BODY (64 * 1024)  /* bytes of a request body */
#define CASC_HTTP_DEFAULT_DRAIN_MS 5000         /* in-flight grace at shutdown */
#define CASC_HTTP_MAX_THREADS 256
#define CASC_HTTP_URL_MAX 80                    /* "http://[v6 address]:port" */

/* Methods, as bits for casc_http_route.methods. A route that takes GET
 * takes HEAD too: its handler sees GET and the server drops the body. */
enum {
  CASC_HTTP_GET = 1u << 0,
  CASC_HTTP_POST = 1u << 1,
};

/* --- static resources ---------------------------------------------------- */
typedef struct {
  const char *path;          /* exact, e.g. "/ca/issuing-ca.crt" */
  const char *content_type;  /* e.g. "application/pkix-cert" */
  const unsigned char *body; /* borrowed: must outlive the server */
  size_t len;
  int max_age;               /* Cache-Control max-age in seconds; 0 sends no-cache */
  time_t last_modified;      /* 0: the time the server was created */
} casc_http_resource;

/* --- routes: dynamic handlers -------------------------------------------- */
typedef struct {
  unsigned method;           /* CASC_HTTP_GET (HEAD included) or CASC_HTTP_POST */
  bool head;                 /* a HEAD request: whatever body is set is not sent */
  const char *path;          /* as sent: percent-encoding intact, no query; not NUL-terminated */
  size_t path_len;
  const char *query;         /* after the '?', or NULL; not NUL-terminated */
  size_t query_len;
  const unsigned char *body; /* the request body (POST), at most max_body bytes; never NULL */
  size_t body_len;
  const void *impl_;         /* the server's; use the functions below */
} casc_http_request;

/* The response a handler fills in; valid only during the handler call. */
typedef struct casc_http_response casc_http_response;

/* Handlers run on the server's threads, several at once: arg must be safe to
 * use concurrently. A handler answers by filling res (status 200 and an
 * empty body unless it says otherwise) and returning CASC_OK; any other
 * return is logged with e's message and answered 500, discarding res. */
typedef casc_err (*casc_http_handler_fn)(void *arg, const casc_http_request *req,
                                         casc_http_response *res, casc_error *e);

typedef struct {
  const char *path;          /* "/healthz", "/ocsp" */
  bool prefix;               /* also match everything under path + "/" */
  unsigned methods;          /* CASC_HTTP_GET | CASC_HTTP_POST; others get 405 */
  casc_http_handler_fn fn;
  void *arg;
} casc_http_route;

/* The value of request header name (any case), or NULL. Not NUL-terminated:
 * *len is set. */
const char *casc_http_request_header(const casc_http_request *req, const char *name,
                                     size_t *len);

void casc_http_response_status(casc_http_response *res, int status);
/* Adds a header (copied). Content-Length, Date and Connection are the
 * server's; names must be tokens and values free of control characters
 * (CASC_ERR_USAGE otherwise: no header injection from request data). */
casc_err casc_http_response_header(casc_http_response *res, const char *name,
                                   const char *value, casc_error *e);
/* Memory that lives until the response is sent; never NULL (h2o aborts the
 * process when memory runs out). */
void *casc_http_response_alloc(casc_http_response *res, size_t len);
/* The body, borrowed: from casc_http_response_alloc, static, or otherwise
 * outliving the server. */
void casc_http_response_body(casc_http_response *res, const void *body, size_t len);

/* --- the server ------------------------------------------------------------ */
typedef struct {
  const char *listen;        /* "ADDR:PORT" or "[IPv6]:PORT", numeric; NULL: the default.
                                Port 0 picks a free port (see casc_http_server_url) */
  int threads;               /* 0: the number of online CPUs */
  const casc_http_resource *resources; /* copied (not their bodies) */
  size_t n_resources;
  const casc_http_route *routes;       /* copied; matched before /healthz */
  size_t n_routes;
  size_t max_body;           /* 0: CASC_HTTP_DEFAULT_MAX_BODY */
  int drain_ms;              /* 0: CASC_HTTP_DEFAULT_DRAIN_MS */
  /* Called on the thread of casc_http_server_run at each SIGHUP; NULL:
   * SIGHUP is ignored. Connections stay up while it runs. */
  void (*on_reload)(void *arg);
  void *reload_arg;
} casc_http_config;

typedef struct casc_http_server casc_http_server;

/* Checks cfg and binds the listening sockets. CASC_ERR_USAGE for a
 * malformed address or configuration, CASC_ERR_IO when binding fails; the
 * message names the address. */
casc_err casc_http_server_new(const casc_http_config *cfg, casc_http_server **out,
                              casc_error *e);
/* Serves until SIGTERM or SIGINT (blocked in the calling thread while it
 * runs and taken with a signalfd) or casc_http_server_stop; then drains and
 * returns CASC_OK. SIGPIPE is set to be ignored, for good. Call it once. */
casc_err casc_http_server_run(casc_http_server *s, casc_error *e);
/* Asks run to return; async-signal-safe, callable from any thread. */
void casc_http_server_stop(casc_http_server *s);
/* "http://127.0.0.1:8080", with the port actually bound. */
const char *casc_http_server_url(const casc_http_server *s);
int casc_http_server_threads(const casc_http_server *s);
void casc_http_server_free(casc_http_server *s);

/* new, run and free. */
casc_err casc_http_serve(const casc_http_config *cfg, casc_error *e);

#endif
