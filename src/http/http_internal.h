/* Internals shared by the files of the http module: server.c owns the
 * sockets, threads and life cycle, dispatch.c answers requests. */
#ifndef CASC_HTTP_INTERNAL_H
#define CASC_HTTP_INTERNAL_H

#include "casc/http.h"

#include <h2o.h>
#include <pthread.h>

/* A resource with the header values computed once, at startup, so that
 * serving it costs no formatting and no hashing. */
struct http_resource {
  casc_http_resource r;
  size_t path_len;
  char etag[40];          /* "\"" + 32 hex digits + "\"" */
  char last_modified[40]; /* IMF-fixdate */
  char cache_control[32];
};

struct http_route {
  casc_http_route r;
  size_t path_len;
};

struct http_worker;

struct casc_http_server {
  /* h2o keeps pointers into globalconf: it stays where it is allocated. */
  h2o_globalconf_t globalconf;
  struct http_resource *resources; /* sorted by path, for bsearch */
  size_t n_resources;
  struct http_route *routes;       /* the caller's, then the built-in ones */
  size_t n_routes;
  size_t max_body;                 /* bytes of a request body, at most */
  int drain_ms;
  void (*on_reload)(void *arg);
  void *reload_arg;
  int nthreads;
  struct http_worker *workers;
  int stop_pipe[2];                /* casc_http_server_stop writes, run polls */
  bool ran;
  char listen[CASC_HTTP_URL_MAX];  /* as given, for messages */
  char url[CASC_HTTP_URL_MAX];
};

/* The h2o handler registered at "/": every request comes through it. */
struct http_handler {
  h2o_handler_t super;
  casc_http_server *srv;
};

/* Copies and checks the resources and routes of cfg into s. */
casc_err casc_http_tables_init(casc_http_server *s, const casc_http_config *cfg, time_t now,
                               casc_error *e);
void casc_http_tables_free(casc_http_server *s);
/* h2o's on_req: routes a request and answers it; always returns 0. */
int casc_http_dispatch(h2o_handler_t *self, h2o_req_t *req);

/* Whether the If-None-Match value s (len bytes, not NUL-terminated, from the
 * client) matches etag (a quoted strong entity tag, as in http_resource):
 * "*", or a list holding etag or W/etag. A malformed value matches
 * nothing. Not static so that the unit tests and fuzz/fuzz_http_etag.c can
 * reach it. */
bool casc_http_etag_list_matches(const char *s, size_t len, const char *etag, size_t etag_len);

#endif
