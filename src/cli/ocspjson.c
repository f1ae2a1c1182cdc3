#include "ocspjson.h"

#include <openssl/obj_mac.h>

const char *cli_ocsp_verdict(const casc_ocsp_client_result *r) {
  switch (r->outcome) {
  case CASC_OCSP_OUTCOME_VERIFIED:
    return casc_ocsp_client_status_name(r->status);
  case CASC_OCSP_OUTCOME_UNREACHABLE:
    return "indeterminate";
  default:
    return "invalid";
  }
}

static const char *response_status(int s) {
  static const char *const names[] = {"successful", "malformedRequest", "internalError",
                                      "tryLater",   NULL,               "sigRequired",
                                      "unauthorized"};
  if (s < 0 || s >= (int)(sizeof names / sizeof names[0]) || names[s] == NULL)
    return NULL;
  return names[s];
}

static json_t *time_or_null(time_t t) {
  if (t == 0)
    return json_null();
  char b[CASC_TIME_BUFSZ];
  casc_time_format(t, b);
  return json_string(b);
}

static json_t *str_or_null(const char *s) {
  return s != NULL && s[0] != '\0' ? json_string(s) : json_null();
}

json_t *cli_ocsp_result_json(const casc_ocsp_client_result *r) {
  bool verified = r->outcome == CASC_OCSP_OUTCOME_VERIFIED;
  bool revoked = verified && r->status == CASC_OCSP_CLIENT_REVOKED;
  return json_pack(
      "{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:b, s:b, "
      "s:o, s:I}",
      "verdict", cli_ocsp_verdict(r), "status",
      verified ? json_string(casc_ocsp_client_status_name(r->status)) : json_null(), "serial",
      str_or_null(r->serial), "url", str_or_null(r->url), "method", str_or_null(r->method),
      "response_status", str_or_null(response_status(r->response_status)), "this_update",
      time_or_null(r->this_update), "next_update", time_or_null(r->next_update), "produced_at",
      time_or_null(r->produced_at), "revoked_at", revoked ? time_or_null(r->revoked_at) : json_null(),
      "reason", revoked ? str_or_null(r->reason_name) : json_null(), "responder",
      str_or_null(r->responder), "responder_id", str_or_null(r->responder_id), "delegated",
      r->delegated, "hash",
      r->hash_nid == NID_sha256 ? json_string("sha256")
      : r->hash_nid == NID_sha1 ? json_string("sha1")
                                : json_null(),
      "nonce", r->nonce_sent, "nonce_echoed", r->nonce_echoed, "error", str_or_null(r->error),
      "bytes", (json_int_t)r->der_len);
}

void cli_ocsp_result_print(FILE *out, const casc_ocsp_client_result *r) {
  char b[CASC_TIME_BUFSZ];
  fprintf(out, "status: %s\n", cli_ocsp_verdict(r));
  if (r->outcome == CASC_OCSP_OUTCOME_VERIFIED && r->status == CASC_OCSP_CLIENT_REVOKED) {
    casc_time_format(r->revoked_at, b);
    fprintf(out, "revoked_at: %s\n", b);
    fprintf(out, "reason: %s\n", r->reason_name[0] != '\0' ? r->reason_name : "(none stated)");
  }
  if (r->serial[0] != '\0')
    fprintf(out, "serial: %s\n", r->serial);
  if (r->this_update != 0) {
    casc_time_format(r->this_update, b);
    fprintf(out, "this_update: %s\n", b);
  }
  if (r->next_update != 0) {
    casc_time_format(r->next_update, b);
    fprintf(out, "next_update: %s\n", b);
  }
  if (r->produced_at != 0) {
    casc_time_format(r->produced_at, b);
    fprintf(out, "produced_at: %s\n", b);
  }
  if (r->responder[0] != '\0')
    fprintf(out, "responder: %s%s\n", r->responder, r->delegated ? " (delegated)" : " (the issuer)");
  if (r->url[0] != '\0')
    fprintf(out, "url: %s (%s)\n", r->url, r->method != NULL ? r->method : "-");
  if (r->nonce_sent)
    fprintf(out, "nonce: %s\n", r->nonce_echoed ? "echoed" : "not echoed");
  if (r->error[0] != '\0')
    fprintf(out, "error: %s\n", r->error);
}
