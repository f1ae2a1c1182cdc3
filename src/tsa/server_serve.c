/* The /tsa route of `casc serve`: POST application/timestamp-query in,
 * application/timestamp-reply out (RFC 3161 3.4). Every well-formed HTTP
 * request with the right media type gets a TimeStampResp, a rejection
 * included; HTTP errors are kept for what is not a time-stamp request at
 * all (another type: 415; too large: 413; another method: 405, from the
 * server). */
#include "casc/tsa.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct casc_tsa_service {
  casc_tsa *tsa;
  casc_http_route route;
  casc_http_route *merged;
};

static bool content_type_is(const casc_http_request *req, const char *want) {
  size_t len = 0, n = strlen(want);
  const char *v = casc_http_request_header(req, "content-type", &len);
  return v != NULL && len >= n && strncasecmp(v, want, n) == 0 &&
         (len == n || v[n] == ';' || v[n] == ' ');
}

static casc_err handle_tsa(void *arg, const casc_http_request *req, casc_http_response *res,
                           casc_error *e) {
  casc_tsa_service *svc = arg;
  const unsigned char *der = NULL;
  size_t der_len = 0;
  casc_tsa_result result;
  casc_err rc = CASC_OK;
  if (!content_type_is(req, "application/timestamp-query")) {
    casc_http_response_status(res, 415);
    return casc_http_response_header(res, "accept-post", "application/timestamp-query", e);
  }
  if (req->body_len > CASC_TSA_MAX_REQUEST) {
    casc_http_response_status(res, 413);
    return CASC_OK;
  }
  if ((rc = casc_tsa_answer(svc->tsa, req->body, req->body_len, casc_now(), &der, &der_len,
                            &result, e)) != CASC_OK)
    return rc;
  void *body = casc_http_response_alloc(res, der_len);
  memcpy(body, der, der_len);
  casc_http_response_body(res, body, der_len);
  rc = casc_http_response_header(res, "content-type", "application/timestamp-reply", e);
  if (rc == CASC_OK)
    rc = casc_http_response_header(res, "cache-control", "no-store", e);
  return rc;
}

void casc_tsa_service_free(casc_tsa_service *s) {
  if (s == NULL)
    return;
  casc_tsa_free(s->tsa);
  free(s->merged);
  free(s);
}

casc_err casc_tsa_serve_attach(casc_ca *ca, casc_http_config *cfg, casc_tsa_service **out,
                               casc_error *e) {
  casc_tsa_service *svc = calloc(1, sizeof *svc);
  casc_err rc = CASC_OK;
  *out = NULL;
  if (svc == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  if ((rc = casc_tsa_open(casc_ca_dir(ca), &svc->tsa, e)) != CASC_OK)
    goto out;
  svc->route = (casc_http_route){.path = "/tsa", .methods = CASC_HTTP_POST, .fn = handle_tsa,
                                 .arg = svc};
  if ((svc->merged = calloc(cfg->n_routes + 1, sizeof *svc->merged)) == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  if (cfg->n_routes > 0)
    memcpy(svc->merged, cfg->routes, cfg->n_routes * sizeof *svc->merged);
  svc->merged[cfg->n_routes] = svc->route;
  cfg->routes = svc->merged;
  cfg->n_routes += 1;
out:
  if (rc != CASC_OK) {
    casc_tsa_service_free(svc);
    return rc;
  }
  *out = svc;
  return CASC_OK;
}
