/* One TLS handshake to learn what a server presents: its chain, the
 * stapled OCSP response (status_request, RFC 6066 8), the protocol. The
 * chain is judged afterwards, so the handshake itself verifies nothing and
 * sends nothing but the ClientHello's usual contents. */
#include "revcheck_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/ssl.h>

#define DEFAULT_TIMEOUT_MS 10000

/* Connects with a deadline; the socket is left blocking with send and
 * receive timeouts, for the handshake. */
static int connect_to(const char *host, const char *port, long timeout_ms, char *why,
                      size_t whysz) {
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC}, *res = NULL;
  int gai = getaddrinfo(host, port, &hints, &res);
  if (gai != 0) {
    snprintf(why, whysz, "%s", gai_strerror(gai));
    return -1;
  }
  int fd = -1;
  snprintf(why, whysz, "no address");
  for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      snprintf(why, whysz, "%s", strerror(errno));
      continue;
    }
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    int r = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (r != 0 && errno == EINPROGRESS) {
      struct pollfd p = {.fd = fd, .events = POLLOUT};
      int soerr = 0;
      socklen_t sl = sizeof soerr;
      r = poll(&p, 1, (int)timeout_ms);
      if (r == 0) {
        errno = ETIMEDOUT;
        r = -1;
      } else if (r > 0) {
        r = getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0 ? 0 : -1;
        if (soerr != 0)
          errno = soerr;
      }
    }
    if (r == 0) {
      fcntl(fd, F_SETFL, flags);
      struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      break;
    }
    snprintf(why, whysz, "%s", strerror(errno));
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

static bool is_ip(const char *s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

casc_err casc_tls_probe(const char *host, const char *port, const char *servername,
                        long timeout_ms, casc_tls_info *out, casc_error *e) {
  memset(out, 0, sizeof *out);
  if (timeout_ms <= 0)
    timeout_ms = DEFAULT_TIMEOUT_MS;
  char why[256];
  SSL_CTX *ctx = NULL;
  SSL *ssl = NULL;
  casc_err rc = CASC_OK;
  int fd = connect_to(host, port, timeout_ms, why, sizeof why);
  if (fd < 0)
    return casc_error_set(e, CASC_ERR_IO, "tls://%s:%s: cannot connect: %s", host, port, why);
  ctx = SSL_CTX_new(TLS_client_method());
  ssl = ctx != NULL ? SSL_new(ctx) : NULL;
  if (ssl == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_NOMEM, "SSL_new");
    goto out;
  }
  SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL); /* judged after, with the whole policy */
  const char *sni = servername != NULL ? servername : (is_ip(host) ? NULL : host);
  if ((sni != NULL && SSL_set_tlsext_host_name(ssl, sni) != 1) ||
      SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp) != 1 || SSL_set_fd(ssl, fd) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_USAGE, "tls://%s:%s: cannot set up the handshake", host, port);
    goto out;
  }
  if (SSL_connect(ssl) != 1) {
    unsigned long err = ERR_peek_last_error();
    rc = casc_error_set(e, CASC_ERR_IO, "tls://%s:%s: handshake failed: %s", host, port,
                        err != 0 ? ERR_reason_error_string(err) : strerror(errno));
    ERR_clear_error();
    goto out;
  }
  snprintf(out->protocol, sizeof out->protocol, "%s", SSL_get_version(ssl));
  snprintf(out->cipher, sizeof out->cipher, "%s", SSL_get_cipher_name(ssl));
  STACK_OF(X509) *peer = SSL_get_peer_cert_chain(ssl); /* the leaf included, client side */
  out->peer_chain = peer != NULL ? X509_chain_up_ref(peer) : NULL;
  if (out->peer_chain == NULL || sk_X509_num(out->peer_chain) == 0) {
    rc = casc_error_set(e, CASC_ERR_IO, "tls://%s:%s: the server sent no certificate", host,
                        port);
    goto out;
  }
  const unsigned char *resp = NULL;
  long len = SSL_get_tlsext_status_ocsp_resp(ssl, &resp);
  if (len > 0 && resp != NULL) {
    out->staple = malloc((size_t)len);
    if (out->staple == NULL) {
      rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
      goto out;
    }
    memcpy(out->staple, resp, (size_t)len);
    out->staple_len = (size_t)len;
  }
out:
  ERR_clear_error();
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  close(fd);
  if (rc != CASC_OK)
    casc_tls_info_free(out);
  return rc;
}

void casc_tls_info_free(casc_tls_info *t) {
  if (t == NULL)
    return;
  sk_X509_pop_free(t->peer_chain, X509_free);
  free(t->staple);
  memset(t, 0, sizeof *t);
}
