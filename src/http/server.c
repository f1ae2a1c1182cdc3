/* The server's life cycle: the listening address, one h2o evloop per
 * thread with its own SO_REUSEPORT socket, signals, and a shutdown that
 * stops accepting, lets requests in flight finish and closes idle
 * keep-alive connections instead of waiting out their timeout. */
#include "http_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define ACCEPT_BATCH 64        /* accepts per wake-up, so one busy listener cannot starve the loop */
#define ACCEPT_PAUSE_MS 100    /* back-off when accept runs out of descriptors */
#define DRAIN_TICK_MS 50       /* how often idle connections are looked for while draining */
#define FORCE_CLOSE_MS 2000    /* after the drain deadline, how long closing may take */

struct http_worker {
  casc_http_server *srv;
  int index;
  int listen_fd;             /* until the loop owns it */
  int wake[2];               /* run() writes to wake[1] to stop this thread */
  pthread_t thread;
  bool started;
  h2o_evloop_t *loop;
  h2o_context_t ctx;
  h2o_accept_ctx_t accept_ctx;
  h2o_socket_t *listener;
  h2o_socket_t *waker;
  h2o_timeout_t pause_timeout;
  h2o_timeout_entry_t pause_entry;
  uint64_t last_accept_warning;
  size_t conns;              /* open connections; only this thread touches it */
  bool stopping;
  h2o_mem_pool_t adopted;    /* see release_thread_caches */
  bool adopted_inited;
};

/* --- the address -------------------------------------------------------------*/

/* The numeric host and the port of s into ss; false when s is malformed. */
static bool parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len) {
  char host[INET6_ADDRSTRLEN + 1];
  const char *port, *host_start, *host_end;
  bool v6 = s[0] == '[';
  memset(ss, 0, sizeof *ss);
  if (v6) {
    host_start = s + 1;
    host_end = strchr(s, ']');
    if (host_end == NULL || host_end[1] != ':')
      return false;
    port = host_end + 2;
  } else {
    host_start = s;
    host_end = strchr(s, ':');
    if (host_end == NULL || strchr(host_end + 1, ':') != NULL)
      return false; /* an IPv6 address needs its brackets */
    port = host_end + 1;
  }
  size_t hlen = (size_t)(host_end - host_start), plen = strlen(port);
  if (hlen == 0 || hlen >= sizeof host || plen == 0 || plen > 5 ||
      strspn(port, "0123456789") != plen)
    return false;
  memcpy(host, host_start, hlen);
  host[hlen] = '\0';
  unsigned long p = strtoul(port, NULL, 10);
  if (p > 65535)
    return false;
  if (v6) {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons((uint16_t)p);
    *len = sizeof *sin6;
    return inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1;
  }
  struct sockaddr_in *sin = (struct sockaddr_in *)ss;
  sin->sin_family = AF_INET;
  sin->sin_port = htons((uint16_t)p);
  *len = sizeof *sin;
  return inet_pton(AF_INET, host, &sin->sin_addr) == 1;
}

static uint16_t port_of(const struct sockaddr_storage *ss) {
  return ntohs(ss->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)ss)->sin6_port
                                         : ((const struct sockaddr_in *)ss)->sin_port);
}

static void set_port(struct sockaddr_storage *ss, uint16_t port) {
  if (ss->ss_family == AF_INET6)
    ((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
  else
    ((struct sockaddr_in *)ss)->sin_port = htons(port);
}

static void format_url(const struct sockaddr_storage *ss, char *buf, size_t bufsz) {
  char host[INET6_ADDRSTRLEN];
  if (ss->ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, host, sizeof host);
    snprintf(buf, bufsz, "http://[%s]:%u", host, port_of(ss));
  } else {
    inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, host, sizeof host);
    snprintf(buf, bufsz, "http://%s:%u", host, port_of(ss));
  }
}

/* A bound socket, listening when listen_too. Returns the descriptor, or -1
 * with errno set. */
static int open_socket(const struct sockaddr_storage *ss, socklen_t len, bool reuseport,
                       bool listen_too) {
  int on = 1, saved;
  int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd == -1)
    return -1;
  /* SO_REUSEADDR: a restart binds at once, whatever TIME_WAIT is left.
   * SO_REUSEPORT: every thread's socket on the same address, the kernel
   * choosing one per connection. V6ONLY: the address names one family.
   * TCP_NODELAY: answers are one write each; accepted sockets inherit it
   * (and h2o sets it on each as well). */
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
      (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) ||
      (ss->ss_family == AF_INET6 &&
       setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0) ||
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) != 0 ||
      bind(fd, (const struct sockaddr *)ss, len) != 0 ||
      (listen_too && listen(fd, SOMAXCONN) != 0)) {
    saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

/* Binds one socket per worker. Sockets with SO_REUSEPORT would share the
 * port with another casc serve of the same user without a word, so the
 * port is first probed with a socket that does not share it. */
static casc_err bind_all(casc_http_server *s, struct sockaddr_storage *ss, socklen_t len,
                         casc_error *e) {
  casc_err rc = CASC_OK;
  if (port_of(ss) != 0) {
    int probe = open_socket(ss, len, false, false);
    if (probe == -1) {
      rc = casc_error_set(e, CASC_ERR_IO, "listen %s: %s", s->listen, strerror(errno));
      goto out;
    }
    close(probe);
  }
  for (int i = 0; i < s->nthreads; i++) {
    struct http_worker *w = &s->workers[i];
    w->listen_fd = open_socket(ss, len, true, true);
    if (w->listen_fd == -1) {
      rc = casc_error_set(e, CASC_ERR_IO, "listen %s: %s", s->listen, strerror(errno));
      goto out;
    }
    if (i == 0 && port_of(ss) == 0) {
      /* port 0: the kernel picked one; the other threads join it */
      struct sockaddr_storage bound;
      socklen_t blen = sizeof bound;
      if (getsockname(w->listen_fd, (struct sockaddr *)&bound, &blen) != 0) {
        rc = casc_error_set(e, CASC_ERR_IO, "listen %s: %s", s->listen, strerror(errno));
        goto out;
      }
      set_port(ss, port_of(&bound));
    }
  }
  format_url(ss, s->url, sizeof s->url);
out:
  return rc;
}

/* --- a worker ------------------------------------------------------------------*/

static void on_conn_close(void *data) {
  struct http_worker *w = data;
  w->conns--;
}

static void on_accept(h2o_socket_t *listener, const char *err);

static void on_pause_end(h2o_timeout_entry_t *entry) {
  struct http_worker *w = H2O_STRUCT_FROM_MEMBER(struct http_worker, pause_entry, entry);
  if (!w->stopping && w->listener != NULL)
    h2o_socket_read_start(w->listener, on_accept);
}

/* Out of descriptors (or kernel memory): the listener stays readable, and
 * polling it again at once would spin. Stop listening for a moment; the
 * connections wait in the backlog. */
static void pause_accepting(struct http_worker *w, int err) {
  uint64_t now = h2o_now(w->loop);
  if (now - w->last_accept_warning >= 10000 || w->last_accept_warning == 0) {
    casc_log(CASC_LOG_WARN, "serve %s: accept: %s; pausing for %d ms", w->srv->url,
             strerror(err), ACCEPT_PAUSE_MS);
    w->last_accept_warning = now;
  }
  h2o_socket_read_stop(w->listener);
  if (!h2o_timeout_is_linked(&w->pause_entry))
    h2o_timeout_link(w->loop, &w->pause_timeout, &w->pause_entry);
}

static void accept_some(struct http_worker *w, int max) {
  for (int i = 0; i < max; i++) {
    h2o_socket_t *sock = h2o_evloop_socket_accept(w->listener);
    if (sock == NULL) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        pause_accepting(w, errno);
      return;
    }
    w->conns++;
    sock->on_close.cb = on_conn_close;
    sock->on_close.data = w;
    h2o_accept(&w->accept_ctx, sock);
  }
}

static void on_accept(h2o_socket_t *listener, const char *err) {
  if (err == NULL)
    accept_some(listener->data, ACCEPT_BATCH);
}

static void on_wake(h2o_socket_t *sock, const char *err) {
  struct http_worker *w = sock->data;
  w->stopping = true;
  h2o_socket_read_stop(sock);
}

/* Shuts down connections with nothing in flight: no request bytes read or
 * waiting in the kernel, no response being written. Their clients see the
 * close a keep-alive client must expect anyway. With force, every
 * connection: the drain deadline has passed. h2o then reads the end of
 * stream and closes the connection itself, so nothing is freed under it. */
static int close_if_idle(h2o_req_t *req, void *cbdata) {
  bool force = *(const bool *)cbdata;
  h2o_socket_t *sock = req->conn->callbacks->get_socket(req->conn);
  int pending = 0;
  if (sock == NULL)
    return 0;
  int fd = h2o_socket_get_fd(sock);
  if (!force && (sock->input->size != 0 || h2o_socket_is_writing(sock) ||
                 ioctl(fd, FIONREAD, &pending) != 0 || pending != 0))
    return 0;
  shutdown(fd, SHUT_RDWR);
  return 0;
}

static void close_connections(struct http_worker *w, bool force) {
  if (w->ctx.globalconf->http1.callbacks.foreach_request != NULL)
    w->ctx.globalconf->http1.callbacks.foreach_request(&w->ctx, close_if_idle, &force);
}

/* Stops accepting, lets what is in flight finish within drain_ms, then
 * closes what is left. Returns whether every connection closed. */
static bool drain(struct http_worker *w) {
  /* Connections already in this socket's backlog came before the stop:
   * serve them rather than reset them by closing the socket. */
  if (h2o_timeout_is_linked(&w->pause_entry))
    h2o_timeout_unlink(&w->pause_entry);
  accept_some(w, 4096);
  h2o_socket_read_stop(w->listener);
  h2o_socket_close(w->listener);
  w->listener = NULL;
  h2o_socket_close(w->waker);
  w->waker = NULL;
  if (h2o_timeout_is_linked(&w->pause_entry))
    h2o_timeout_unlink(&w->pause_entry);
  /* From here, every response says Connection: close. This is all that
   * h2o_context_request_shutdown does for HTTP/1; it would also arm
   * HTTP/2's GOAWAY timer, which outlives the drain and trips an assertion
   * in h2o_context_dispose. */
  w->ctx.shutdown_requested = 1;
  h2o_evloop_run(w->loop, 0);
  uint64_t deadline = h2o_now(w->loop) + (uint64_t)w->srv->drain_ms;
  while (w->conns != 0 && h2o_now(w->loop) < deadline) {
    close_connections(w, false);
    h2o_evloop_run(w->loop, DRAIN_TICK_MS);
  }
  if (w->conns != 0) {
    casc_log(CASC_LOG_WARN, "serve %s: closing %zu connections still busy after %d ms",
             w->srv->url, w->conns, w->srv->drain_ms);
    close_connections(w, true);
    deadline = h2o_now(w->loop) + FORCE_CLOSE_MS;
    while (w->conns != 0 && h2o_now(w->loop) < deadline)
      h2o_evloop_run(w->loop, DRAIN_TICK_MS);
  }
  return w->conns == 0;
}

/* h2o keeps freed memory in per-thread caches that it never empties
 * (libh2o 2.2 has no h2o_mem_clear_recycle), so a thread that ends loses
 * them: a leak at exit, and a report from LeakSanitizer. The socket buffer
 * cache is public and is emptied here. The memory pool's cache is not: its
 * chunks are taken into w->adopted instead, by allocating from a pool until
 * the cache must be empty (an allocation under a quarter of a 4 KiB chunk
 * comes from a chunk, four to a chunk, and the cache holds at most 16
 * chunks). casc_http_server_free clears that pool on its own thread, whose
 * cache outlives it. */
#define ADOPT_ALLOCS 128
#define ADOPT_SIZE 1000

static void release_thread_caches(struct http_worker *w) {
  while (h2o_socket_buffer_prototype.allocator.cnt != 0)
    free(h2o_mem_alloc_recycle(&h2o_socket_buffer_prototype.allocator, 1));
  h2o_mem_init_pool(&w->adopted);
  w->adopted_inited = true;
  for (int i = 0; i < ADOPT_ALLOCS; i++)
    h2o_mem_alloc_pool(&w->adopted, ADOPT_SIZE);
}

static void *worker_main(void *arg) {
  struct http_worker *w = arg;
  casc_http_server *s = w->srv;
  w->loop = h2o_evloop_create();
  h2o_context_init(&w->ctx, w->loop, &s->globalconf);
  w->accept_ctx.ctx = &w->ctx;
  w->accept_ctx.hosts = s->globalconf.hosts;
  h2o_timeout_init(w->loop, &w->pause_timeout, ACCEPT_PAUSE_MS);
  w->pause_entry.cb = on_pause_end;
  w->listener = h2o_evloop_socket_create(w->loop, w->listen_fd, H2O_SOCKET_FLAG_DONT_READ);
  w->listen_fd = -1;
  w->listener->data = w;
  h2o_socket_read_start(w->listener, on_accept);
  w->waker = h2o_evloop_socket_create(w->loop, w->wake[0], H2O_SOCKET_FLAG_DONT_READ);
  w->wake[0] = -1;
  w->waker->data = w;
  h2o_socket_read_start(w->waker, on_wake);

  while (!w->stopping)
    h2o_evloop_run(w->loop, INT32_MAX);

  if (drain(w)) {
    h2o_multithread_queue_t *queue = w->ctx.queue;
    h2o_timeout_dispose(w->loop, &w->pause_timeout);
    h2o_context_dispose(&w->ctx);
    h2o_evloop_run(w->loop, 0);
    h2o_evloop_destroy(w->loop);
#if H2O_VERSION_MAJOR == 2 && H2O_VERSION_MINOR < 3
    /* libh2o 2.2's evloop h2o_multithread_destroy_queue closes the queue's
     * socket but forgets to free the queue itself (later versions do). */
    free(queue);
#else
    (void)queue;
#endif
  } else {
    /* Connections that would not close still point into the context and
     * the loop: leaving both is a leak at exit, freeing them a crash. */
    casc_log(CASC_LOG_WARN, "serve %s: thread %d: %zu connections left open", s->url,
             w->index, w->conns);
  }
  w->loop = NULL;
  release_thread_caches(w);
  return NULL;
}

/* --- the server -------------------------------------------------------------------*/

static int online_cpus(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1)
    return 1;
  return n > CASC_HTTP_MAX_THREADS ? CASC_HTTP_MAX_THREADS : (int)n;
}

static void close_fd(int *fd) {
  if (*fd != -1) {
    close(*fd);
    *fd = -1;
  }
}

casc_err casc_http_server_new(const casc_http_config *cfg, casc_http_server **out,
                              casc_error *e) {
  const char *listen_addr = cfg->listen != NULL ? cfg->listen : CASC_HTTP_DEFAULT_LISTEN;
  struct sockaddr_storage ss;
  socklen_t sslen = 0;
  casc_err rc = CASC_OK;
  casc_http_server *s = NULL;
  *out = NULL;
  if (cfg->threads < 0 || cfg->threads > CASC_HTTP_MAX_THREADS) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "threads %d: must be 1 to %d", cfg->threads,
                        CASC_HTTP_MAX_THREADS);
    goto out;
  }
  if (cfg->drain_ms < 0) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "drain time %d ms: must not be negative",
                        cfg->drain_ms);
    goto out;
  }
  if (strlen(listen_addr) >= CASC_HTTP_URL_MAX) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "listen address '%.40s...': too long", listen_addr);
    goto out;
  }
  if (!parse_addr(listen_addr, &ss, &sslen)) {
    rc = casc_error_set(e, CASC_ERR_USAGE,
                        "listen address '%s': expected ADDR:PORT or [IPv6]:PORT, with a numeric "
                        "address and a port from 0 to 65535", listen_addr);
    goto out;
  }
  s = calloc(1, sizeof *s);
  if (s == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  s->stop_pipe[0] = s->stop_pipe[1] = -1;
  snprintf(s->listen, sizeof s->listen, "%s", listen_addr);
  s->nthreads = cfg->threads != 0 ? cfg->threads : online_cpus();
  s->drain_ms = cfg->drain_ms != 0 ? cfg->drain_ms : CASC_HTTP_DEFAULT_DRAIN_MS;
  s->on_reload = cfg->on_reload;
  s->reload_arg = cfg->reload_arg;

  h2o_config_init(&s->globalconf);
  s->globalconf.server_name = h2o_iovec_init(H2O_STRLIT("casc"));
  s->max_body = cfg->max_body != 0 ? cfg->max_body : CASC_HTTP_DEFAULT_MAX_BODY;
  /* One more than the limit: libh2o 2.2 refuses a Content-Length over
   * max_request_entity_size but a chunked body that reaches it, so a chunked
   * body of exactly max_body bytes got 413. With the extra byte h2o refuses
   * chunked bodies over the limit, and casc_http_dispatch the one
   * Content-Length that slips through (max_body + 1). */
  s->globalconf.max_request_entity_size = s->max_body < SIZE_MAX ? s->max_body + 1 : SIZE_MAX;
  /* HTTP/1.x only (see http.h); h2o's own timeouts stay: a request must
   * arrive within http1.req_timeout, idle keep-alive included. */
  s->globalconf.http1.upgrade_to_http2 = 0;
  h2o_hostconf_t *host =
      h2o_config_register_host(&s->globalconf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
  h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
  struct http_handler *handler = (void *)h2o_create_handler(path, sizeof *handler);
  handler->super.on_req = casc_http_dispatch;
  handler->srv = s;

  rc = casc_http_tables_init(s, cfg, casc_now(), e);
  if (rc != CASC_OK)
    goto out;
  s->workers = calloc((size_t)s->nthreads, sizeof *s->workers);
  if (s->workers == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  for (int i = 0; i < s->nthreads; i++) {
    struct http_worker *w = &s->workers[i];
    w->srv = s;
    w->index = i;
    w->listen_fd = w->wake[0] = w->wake[1] = -1;
  }
  if (pipe2(s->stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    rc = casc_error_set(e, CASC_ERR_IO, "pipe: %s", strerror(errno));
    goto out;
  }
  for (int i = 0; i < s->nthreads; i++)
    if (pipe2(s->workers[i].wake, O_CLOEXEC | O_NONBLOCK) != 0) {
      rc = casc_error_set(e, CASC_ERR_IO, "pipe: %s", strerror(errno));
      goto out;
    }
  rc = bind_all(s, &ss, sslen, e);
  if (rc != CASC_OK)
    goto out;
  *out = s;
  s = NULL;
out:
  casc_http_server_free(s);
  return rc;
}

/* Blocks until SIGTERM, SIGINT or a byte on the stop pipe; runs the
 * reload hook at each SIGHUP meanwhile. */
static casc_err wait_for_stop(casc_http_server *s, int sfd, casc_error *e) {
  struct pollfd pfd[2] = {{.fd = sfd, .events = POLLIN}, {.fd = s->stop_pipe[0], .events = POLLIN}};
  casc_err rc = CASC_OK;
  for (;;) {
    int n = poll(pfd, 2, -1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      rc = casc_error_set(e, CASC_ERR_IO, "serve %s: poll: %s", s->url, strerror(errno));
      break;
    }
    if (pfd[0].revents != 0) {
      struct signalfd_siginfo si;
      if (read(sfd, &si, sizeof si) != (ssize_t)sizeof si)
        continue;
      if (si.ssi_signo == SIGHUP) {
        if (s->on_reload != NULL)
          s->on_reload(s->reload_arg);
        continue;
      }
      casc_log(CASC_LOG_INFO, "serve %s: %s, shutting down", s->url, strsignal((int)si.ssi_signo));
      break;
    }
    if (pfd[1].revents != 0)
      break;
  }
  return rc;
}

casc_err casc_http_server_run(casc_http_server *s, casc_error *e) {
  sigset_t mask, old;
  struct sigaction ign = {.sa_handler = SIG_IGN};
  int sfd = -1, started = 0;
  casc_err rc = CASC_OK;
  if (s->ran)
    return casc_error_set(e, CASC_ERR_USAGE, "serve %s: already ran", s->url);
  s->ran = true;
  /* A client that goes away mid-response must cost an EPIPE, not the
   * process. */
  sigemptyset(&ign.sa_mask);
  sigaction(SIGPIPE, &ign, NULL);
  /* SIGTERM, SIGINT and SIGHUP are blocked here before the workers start,
   * so every thread has them blocked and only the signalfd sees them. */
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &mask, &old);
  sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  if (sfd == -1) {
    rc = casc_error_set(e, CASC_ERR_IO, "serve %s: signalfd: %s", s->url, strerror(errno));
    goto out;
  }
  for (; started < s->nthreads; started++) {
    struct http_worker *w = &s->workers[started];
    int err = pthread_create(&w->thread, NULL, worker_main, w);
    if (err != 0) {
      rc = casc_error_set(e, CASC_ERR_IO, "serve %s: starting thread %d: %s", s->url, started,
                          strerror(err));
      break;
    }
    w->started = true;
  }
  if (rc == CASC_OK)
    rc = wait_for_stop(s, sfd, e);
  for (int i = 0; i < started; i++) {
    if (write(s->workers[i].wake[1], "x", 1) != 1)
      casc_log(CASC_LOG_ERROR, "serve %s: cannot wake thread %d: %s", s->url, i,
               strerror(errno));
  }
  for (int i = 0; i < started; i++) {
    pthread_join(s->workers[i].thread, NULL);
    s->workers[i].started = false;
  }
out:
  if (sfd != -1)
    close(sfd);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return rc;
}

void casc_http_server_stop(casc_http_server *s) {
  ssize_t n = write(s->stop_pipe[1], "x", 1);
  (void)n; /* a full pipe already holds a stop */
}

const char *casc_http_server_url(const casc_http_server *s) { return s->url; }

int casc_http_server_threads(const casc_http_server *s) { return s->nthreads; }

void casc_http_server_free(casc_http_server *s) {
  if (s == NULL)
    return;
  if (s->workers != NULL) {
    for (int i = 0; i < s->nthreads; i++) {
      if (s->workers[i].adopted_inited)
        h2o_mem_clear_pool(&s->workers[i].adopted);
      close_fd(&s->workers[i].listen_fd);
      close_fd(&s->workers[i].wake[0]);
      close_fd(&s->workers[i].wake[1]);
    }
    free(s->workers);
  }
  close_fd(&s->stop_pipe[0]);
  close_fd(&s->stop_pipe[1]);
  h2o_config_dispose(&s->globalconf);
  casc_http_tables_free(s);
  free(s);
}

casc_err casc_http_serve(const casc_http_config *cfg, casc_error *e) {
  casc_http_server *s = NULL;
  casc_err rc = casc_http_server_new(cfg, &s, e);
  if (rc == CASC_OK)
    rc = casc_http_server_run(s, e);
  casc_http_server_free(s);
  return rc;
}
