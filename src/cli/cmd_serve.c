/* casc serve */
#include "cli.h"

#include "casc/ca.h"
#include "casc/crl.h"
#include "casc/http.h"
#include "casc/ocsp.h"
#include "casc/tsa.h"

#include <getopt.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static const char help[] =
    "usage: casc [--dir DIR] serve [--listen ADDR:PORT] [--threads N]\n\n"
    "Serves the CA over HTTP until SIGTERM or SIGINT, then stops accepting, lets the\n"
    "requests in flight finish and exits 0. SIGHUP re-reads the [ocsp] and [crl]\n"
    "sections of DIR/casc.conf without dropping a connection.\n\n"
    "  /ca/NAME.crt     each CA certificate, DER (application/pkix-cert): the caIssuers\n"
    "                   URLs the certificates carry\n"
    "  /ca/NAME.pem     the same certificate, PEM (application/x-pem-file)\n"
    "  /crl/...         the CRLs of DIR/crl/ at the URLs the certificates name, rebuilt\n"
    "                   seconds after a revocation (see casc crl)\n"
    "  /ocsp            OCSP: POST application/ocsp-request, or GET /ocsp/BASE64; presigned\n"
    "                   responses from memory, nonce requests signed live (see casc ocsp)\n"
    "  /tsa             RFC 3161 time-stamping: POST application/timestamp-query, signed\n"
    "                   by certs/tsa.pem ([tsa] policy and accuracy_ms in casc.conf)\n"
    "  /metrics         Prometheus text: requests by result, response age, presign lag\n"
    "  /healthz         200 \"ok\"\n\n"
    "  --listen A:P     address and port, numeric: 127.0.0.1:8080, [::1]:8080, 0.0.0.0:80\n"
    "                   (default: listen in the [serve] section of DIR/casc.conf, else\n"
    "                   " CASC_HTTP_DEFAULT_LISTEN ")\n"
    "  --threads N      event loops, each on its own SO_REUSEPORT socket, 1 to 256\n"
    "                   (default: the number of online CPUs)\n\n"
    "Exit status: 0 after a clean shutdown; 2 bad arguments, not a CA directory, or an\n"
    "address that cannot be bound (in use, not local, malformed).\n";

#define CA_MAX_AGE 3600 /* CA certificates change rarely; caches may keep them an hour */

/* What one issuer contributes: its certificate at two paths. */
struct ca_entry {
  char der_path[CASC_NAME_MAX + 16];
  char pem_path[CASC_NAME_MAX + 16];
  unsigned char *pem;
  size_t pem_len;
};

struct conf_state {
  char listen[256]; /* longer than any address, so that a long one is refused whole */
};

static bool on_conf_key(void *user, const char *key, const char *value, char *bad,
                        size_t badsz) {
  struct conf_state *st = user;
  (void)bad, (void)badsz;
  if (strcmp(key, "listen") == 0)
    snprintf(st->listen, sizeof st->listen, "%s", value);
  return true;
}

/* The listen key of [serve] in DIR/casc.conf into st (left empty when
 * there is none). */
static casc_err read_conf_listen(const char *dir, struct conf_state *st, casc_error *e) {
  return casc_conf_read(dir, "serve", on_conf_key, st, e);
}

/* The issuer's certificate as PEM, and notBefore for Last-Modified. */
static casc_err issuer_pem(const casc_issuer_rec *rec, struct ca_entry *ent, time_t *not_before,
                           casc_error *e) {
  const unsigned char *p = rec->cert_der;
  X509 *cert = d2i_X509(NULL, &p, (long)rec->cert_len);
  BIO *bio = BIO_new(BIO_s_mem());
  char *data = NULL;
  casc_err rc = CASC_OK;
  if (cert == NULL || bio == NULL || PEM_write_bio_X509(bio, cert) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "issuer %s: cannot encode its certificate",
                        rec->name);
    goto out;
  }
  rc = casc_asn1_time_get(X509_get0_notBefore(cert), not_before, e);
  if (rc != CASC_OK)
    goto out;
  long len = BIO_get_mem_data(bio, &data);
  ent->pem = malloc(len > 0 ? (size_t)len : 1);
  if (ent->pem == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  memcpy(ent->pem, data, (size_t)len);
  ent->pem_len = (size_t)len;
out:
  BIO_free(bio);
  X509_free(cert);
  return rc;
}

/* Two resources per issuer: /ca/NAME.crt (DER) and /ca/NAME.pem. */
static casc_err build_resources(const casc_ca *ca, struct ca_entry *ents,
                                casc_http_resource *res, casc_error *e) {
  casc_err rc = CASC_OK;
  for (size_t i = 0; i < casc_ca_issuer_count(ca); i++) {
    const casc_issuer_rec *rec = casc_ca_issuer_at(ca, i);
    time_t not_before = 0;
    rc = issuer_pem(rec, &ents[i], &not_before, e);
    if (rc != CASC_OK)
      goto out;
    snprintf(ents[i].der_path, sizeof ents[i].der_path, "/ca/%s.crt", rec->name);
    snprintf(ents[i].pem_path, sizeof ents[i].pem_path, "/ca/%s.pem", rec->name);
    res[2 * i] = (casc_http_resource){.path = ents[i].der_path,
                                      .content_type = "application/pkix-cert",
                                      .body = rec->cert_der,
                                      .len = rec->cert_len,
                                      .max_age = CA_MAX_AGE,
                                      .last_modified = not_before};
    res[2 * i + 1] = (casc_http_resource){.path = ents[i].pem_path,
                                          .content_type = "application/x-pem-file",
                                          .body = ents[i].pem,
                                          .len = ents[i].pem_len,
                                          .max_age = CA_MAX_AGE,
                                          .last_modified = not_before};
  }
out:
  return rc;
}

/* What SIGHUP reloads: the [ocsp] and [crl] sections of casc.conf. The
 * listening address and the threads stay as they are: changing them takes
 * a restart, said once in the log. */
struct reload_ctx {
  const char *dir;
  const char *listen; /* in force */
  bool listen_from_conf;
  casc_ocsp_service *ocsp;
  casc_crl_server *crl;
};

static void on_reload(void *arg) {
  struct reload_ctx *ctx = arg;
  casc_error e = {0};
  struct conf_state conf = {{0}};
  bool ok = true;
  if (casc_ocsp_service_reload(ctx->ocsp, &e) != CASC_OK) {
    casc_log(CASC_LOG_ERROR, "serve: SIGHUP: %s (the OCSP settings in force stay)", e.msg);
    ok = false;
  }
  if (ctx->crl != NULL && casc_crl_server_reload(ctx->crl, &e) != CASC_OK) {
    casc_log(CASC_LOG_ERROR, "serve: SIGHUP: %s (the CRL settings in force stay)", e.msg);
    ok = false;
  }
  if (ctx->listen_from_conf && read_conf_listen(ctx->dir, &conf, &e) == CASC_OK &&
      conf.listen[0] != '\0' && strcmp(conf.listen, ctx->listen) != 0)
    casc_log(CASC_LOG_WARN, "serve: SIGHUP: listen = %s takes a restart; still on %s",
             conf.listen, ctx->listen);
  if (ok)
    casc_log(CASC_LOG_INFO, "serve: SIGHUP: configuration reloaded");
}

/* Every connection costs a descriptor: take what the hard limit allows. */
static void raise_fd_limit(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
    return;
  rlim_t want = rl.rlim_max == RLIM_INFINITY ? 1048576 : rl.rlim_max;
  if (rl.rlim_cur < want) {
    rl.rlim_cur = want;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

int cmd_serve(const cli_globals *g, int argc, char **argv) {
  static const struct option opts[] = {{"listen", required_argument, NULL, 'l'},
                                       {"threads", required_argument, NULL, 't'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  casc_http_config cfg = {0};
  struct conf_state conf = {{0}};
  casc_error err = {0};
  int c, status = EXIT_GOOD;
  casc_ca *ca = NULL;
  struct ca_entry *ents = NULL;
  casc_http_resource *res = NULL;
  casc_http_server *srv = NULL;
  casc_crl_server *crl = NULL;
  casc_ocsp_service *ocsp = NULL;
  struct reload_ctx reload = {.dir = g->dir};
  casc_tsa_service *tsa = NULL;
  size_t n = 0;
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'l': cfg.listen = optarg; break;
    case 't': {
      char *end;
      long t = strtol(optarg, &end, 10);
      if (*end != '\0' || end == optarg || t < 1 || t > CASC_HTTP_MAX_THREADS)
        return cli_usage_error("serve", "--threads %s: a number from 1 to %d", optarg,
                               CASC_HTTP_MAX_THREADS);
      cfg.threads = (int)t;
      break;
    }
    case 'h': fputs(help, stdout); return EXIT_GOOD;
    default: return cli_usage_error("serve", "bad option %s", argv[optind - 1]);
    }
  }
  if (optind != argc)
    return cli_usage_error("serve", "unexpected argument %s", argv[optind]);

  casc_err rc = casc_ca_open(g->dir, &ca, &err);
  if (rc == CASC_OK && cfg.listen == NULL) {
    reload.listen_from_conf = true;
    rc = read_conf_listen(g->dir, &conf, &err);
    cfg.listen = conf.listen[0] != '\0' ? conf.listen : CASC_HTTP_DEFAULT_LISTEN;
  }
  if (rc != CASC_OK)
    goto out;
  n = casc_ca_issuer_count(ca);
  ents = calloc(n + 1, sizeof *ents);
  res = calloc(2 * n + 1, sizeof *res);
  if (ents == NULL || res == NULL) {
    rc = casc_error_set(&err, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  rc = build_resources(ca, ents, res, &err);
  if (rc != CASC_OK)
    goto out;
  cfg.resources = res;
  cfg.n_resources = 2 * n;

  raise_fd_limit();
  rc = casc_ocsp_serve_attach(ca, &cfg, &ocsp, &err);
  if (rc == CASC_OK)
    rc = casc_crl_serve_attach(ca, &cfg, &crl, &err);
  reload.listen = cfg.listen;
  reload.ocsp = ocsp;
  reload.crl = crl;
  cfg.on_reload = on_reload;
  cfg.reload_arg = &reload;
  if (rc == CASC_OK)
    rc = casc_tsa_serve_attach(ca, &cfg, &tsa, &err);
  if (rc == CASC_OK)
    rc = casc_http_server_new(&cfg, &srv, &err);
  if (rc != CASC_OK)
    goto out;
  int threads = casc_http_server_threads(srv);
  fprintf(stderr, "casc serve: listening on %s (%d thread%s)\n", casc_http_server_url(srv),
          threads, threads == 1 ? "" : "s");
  rc = casc_http_server_run(srv, &err);
out:
  if (rc != CASC_OK)
    status = cli_fail("serve", &err);
  casc_http_server_free(srv);
  casc_crl_server_free(crl);
  casc_ocsp_service_free(ocsp);
  casc_tsa_service_free(tsa);
  for (size_t i = 0; ents != NULL && i < n; i++)
    free(ents[i].pem);
  free(ents);
  free(res);
  casc_ca_close(ca);
  return status;
}
