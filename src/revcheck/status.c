/* The revocation status of one (cert, issuer) pair: the staple, then
 * OCSP, then the CRL distribution points. A source that fails (no URL,
 * unreachable, a response or CRL that does not verify, a stale answer)
 * is noted in the result's detail and the next one is tried: a forged or
 * broken answer is no answer, never a verdict. */
#include "revcheck_internal.h"

#include "casc/ocsp_client.h"

#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void rev_detail(casc_revcheck_result *r, const char *fmt, ...) {
  size_t used = strlen(r->detail);
  if (used + 3 >= sizeof r->detail)
    return;
  if (used > 0) {
    memcpy(r->detail + used, "; ", 3);
    used += 2;
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->detail + used, sizeof r->detail - used, fmt, ap);
  va_end(ap);
}

const char *casc_rev_status_name(casc_rev_status s) {
  switch (s) {
  case CASC_REV_GOOD: return "good";
  case CASC_REV_REVOKED: return "revoked";
  case CASC_REV_UNKNOWN: return "unknown";
  case CASC_REV_INDETERMINATE: return "indeterminate";
  }
  return "indeterminate";
}

const char *casc_rev_source_name(casc_rev_source s) {
  switch (s) {
  case CASC_REV_SOURCE_NONE: return "none";
  case CASC_REV_SOURCE_STAPLE: return "staple";
  case CASC_REV_SOURCE_OCSP: return "ocsp";
  case CASC_REV_SOURCE_CRL: return "crl";
  }
  return "none";
}

bool casc_revcheck_revoked_at(const casc_revcheck_result *r, time_t t) {
  if (r->status != CASC_REV_REVOKED)
    return false;
  return r->revoked_at <= t || (r->invalidity_date != 0 && r->invalidity_date <= t);
}

casc_verdict casc_revcheck_judge(const casc_revcheck_result *r, casc_rev_policy policy, time_t at,
                                 bool *soft_failed) {
  *soft_failed = false;
  switch (r->status) {
  case CASC_REV_GOOD:
    return CASC_VERDICT_GOOD;
  case CASC_REV_REVOKED:
    return at == 0 || casc_revcheck_revoked_at(r, at) ? CASC_VERDICT_REVOKED : CASC_VERDICT_GOOD;
  case CASC_REV_UNKNOWN:
  case CASC_REV_INDETERMINATE:
    break;
  }
  if (policy == CASC_REV_POLICY_SOFT) {
    *soft_failed = true;
    return CASC_VERDICT_GOOD;
  }
  return CASC_VERDICT_INDETERMINATE;
}

bool casc_revcheck_must_staple(X509 *cert) {
  int crit = 0;
  /* TLSFeature ::= SEQUENCE OF INTEGER; status_request is 5 (RFC 7633) */
  STACK_OF(ASN1_INTEGER) *feats = X509_get_ext_d2i(cert, NID_tlsfeature, &crit, NULL);
  bool must = false;
  for (int i = 0; i < sk_ASN1_INTEGER_num(feats); i++)
    if (ASN1_INTEGER_get(sk_ASN1_INTEGER_value(feats, i)) == 5)
      must = true;
  sk_ASN1_INTEGER_pop_free(feats, ASN1_INTEGER_free);
  if (feats == NULL && crit == -2)
    must = true; /* present twice: be strict rather than let it pass */
  ERR_clear_error();
  return must;
}

static void from_ocsp(casc_revcheck_result *out, const casc_ocsp_client_result *r,
                      casc_rev_source src) {
  out->source = src;
  out->status = r->status == CASC_OCSP_CLIENT_GOOD      ? CASC_REV_GOOD
                : r->status == CASC_OCSP_CLIENT_REVOKED ? CASC_REV_REVOKED
                                                        : CASC_REV_UNKNOWN;
  out->revoked_at = r->revoked_at;
  out->reason = r->status == CASC_OCSP_CLIENT_REVOKED ? r->reason : -1;
  out->this_update = r->this_update;
  out->next_update = r->next_update;
  snprintf(out->url, sizeof out->url, "%s", r->url);
}

casc_err casc_revcheck_status(X509 *cert, X509 *issuer, const casc_revcheck_opts *opts,
                              casc_revcheck_result *out, casc_error *e) {
  static const casc_revcheck_opts defaults = {0};
  if (opts == NULL)
    opts = &defaults;
  memset(out, 0, sizeof *out);
  out->status = CASC_REV_INDETERMINATE;
  out->reason = -1;
  time_t now = opts->now != 0 ? opts->now : casc_now();

  if (opts->staple != NULL) {
    casc_ocsp_client_opts o = {.now = now};
    casc_ocsp_client_result r = {0};
    casc_error se = {0};
    out->staple_given = true;
    if (casc_ocsp_client_verify(opts->staple, opts->staple_len, cert, issuer, NULL, 0, &o, &r,
                                &se) == CASC_OK) {
      out->staple_valid = true;
      from_ocsp(out, &r, CASC_REV_SOURCE_STAPLE);
      casc_ocsp_client_result_free(&r);
      return CASC_OK;
    }
    rev_detail(out, "staple: %s", se.msg);
    casc_ocsp_client_result_free(&r);
  }

  if (!opts->no_ocsp) {
    casc_ocsp_client_opts o = {.now = now};
    o.fetch.timeout_ms = opts->timeout_ms;
    if (opts->timeout_ms > 0 && opts->timeout_ms < CASC_FETCH_CONNECT_TIMEOUT_MS)
      o.fetch.connect_timeout_ms = opts->timeout_ms;
    casc_ocsp_client_result r = {0};
    casc_error oe = {0};
    casc_err rc = casc_ocsp_client_query(cert, issuer, &o, &r, &oe);
    if (rc == CASC_OK) {
      from_ocsp(out, &r, CASC_REV_SOURCE_OCSP);
      casc_ocsp_client_result_free(&r);
      return CASC_OK;
    }
    if (rc == CASC_ERR_NOMEM) {
      casc_ocsp_client_result_free(&r);
      return casc_error_set(e, rc, "%s", oe.msg);
    }
    rev_detail(out, "ocsp: %s", oe.msg);
    casc_ocsp_client_result_free(&r);
  }

  if (!opts->no_crl) {
    casc_err rc = rev_crl_status(cert, issuer, opts, now, out, e);
    if (rc != CASC_OK)
      return rc;
  }
  if (out->status == CASC_REV_INDETERMINATE && out->detail[0] == '\0')
    rev_detail(out, "no revocation source was tried");
  return CASC_OK;
}
