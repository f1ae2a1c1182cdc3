/* OCSP response lints on the response itself: RFC 6960 4.2 and 4.4,
 * RFC 5019 (and its update RFC 9919), RFC 9654 (nonces), TLS BR 4.9.10,
 * 7.1.3.2 and 7.3. The responder's certificate is ocsp_signer.c's. */
#include "crl_context.h"

#include <stdio.h>
#include <string.h>

#define RUN(fn) static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz)
#define FAIL(...)                                                                                  \
  do {                                                                                             \
    snprintf(det, detsz, __VA_ARGS__);                                                             \
    return CASC_LINT_FAIL;                                                                         \
  } while (0)

/* A successful response with a BasicOCSPResponse: what most lints look at. */
static bool basic(const casc_lint_input *in) {
  const casc_lint_ocsp *o = in->ocsp;
  return o->response_status == 0 && o->has_bytes && o->is_basic;
}

static size_t n_single(const casc_lint_ocsp *o) {
  return o->n_single < CASC_LINT_MAX_SINGLE ? o->n_single : CASC_LINT_MAX_SINGLE;
}

/* --- OCSPResponse ------------------------------------------------------------------ */
RUN(run_status) {
  int s = in->ocsp->response_status;
  if ((s >= 0 && s <= 3) || s == 5 || s == 6)
    return CASC_LINT_PASS;
  FAIL("responseStatus %d is not an OCSPResponseStatus", s);
}

RUN(run_success_bytes) {
  const casc_lint_ocsp *o = in->ocsp;
  if (o->response_status != 0 || o->has_bytes)
    return CASC_LINT_PASS;
  FAIL("successful response without responseBytes");
}

RUN(run_error_bytes) {
  const casc_lint_ocsp *o = in->ocsp;
  if (o->response_status == 0 || !o->has_bytes)
    return CASC_LINT_PASS;
  FAIL("responseStatus %d (an error) with responseBytes", o->response_status);
}

static bool has_bytes(const casc_lint_input *in) { return in->ocsp->has_bytes; }

RUN(run_type_basic) {
  if (in->ocsp->is_basic)
    return CASC_LINT_PASS;
  char oid[64];
  FAIL("responseType %s is not id-pkix-ocsp-basic",
       casc_lint_oid_str(in->ocsp->response_type, oid, sizeof oid));
}

/* --- ResponseData ------------------------------------------------------------------------ */
RUN(run_version) {
  const casc_lint_ocsp *o = in->ocsp;
  if (!o->version_present || o->version == 0)
    return CASC_LINT_PASS;
  FAIL("version is %d, not v1 (0)", o->version);
}

RUN(run_version_encoded) {
  const casc_lint_ocsp *o = in->ocsp;
  if (!o->version_present || o->version != 0)
    return CASC_LINT_PASS;
  FAIL("version v1, the DEFAULT, is encoded");
}

RUN(run_rid_by_key) {
  if (in->ocsp->responder_id_type != 1)
    return CASC_LINT_PASS;
  FAIL("responderID is byName; byKey is shorter and does not depend on name encodings");
}

RUN(run_rid_key_len) {
  const casc_lint_ocsp *o = in->ocsp;
  if (o->responder_id_type != 2 || o->responder_key.len == 20)
    return CASC_LINT_PASS;
  FAIL("responderID byKey is %zu octets, not a SHA-1 hash (20)", o->responder_key.len);
}

/* GeneralizedTime YYYYMMDDHHMMSSZ */
static bool gt_ok(const casc_lint_time *t, const char *field, char *det, size_t detsz) {
  if (t->tag == CASC_DER_GENERALIZEDTIME && t->ok_der)
    return true;
  snprintf(det, detsz, "%s \"%.*s\" is not a GeneralizedTime YYYYMMDDHHMMSSZ", field,
           (int)(t->value.len > 40 ? 40 : t->value.len), (const char *)t->value.p);
  return false;
}

RUN(run_produced_format) {
  return gt_ok(&in->ocsp->produced_at, "producedAt", det, detsz) ? CASC_LINT_PASS
                                                                  : CASC_LINT_FAIL;
}

RUN(run_this_format) {
  const casc_lint_ocsp *o = in->ocsp;
  for (size_t i = 0; i < n_single(o); i++)
    if (!gt_ok(&o->single[i].this_update, "thisUpdate", det, detsz))
      return CASC_LINT_FAIL;
  return CASC_LINT_PASS;
}

RUN(run_next_format) {
  const casc_lint_ocsp *o = in->ocsp;
  for (size_t i = 0; i < n_single(o); i++)
    if (o->single[i].next_update.present &&
        !gt_ok(&o->single[i].next_update, "nextUpdate", det, detsz))
      return CASC_LINT_FAIL;
  return CASC_LINT_PASS;
}

RUN(run_revtime_format) {
  const casc_lint_ocsp *o = in->ocsp;
  for (size_t i = 0; i < n_single(o); i++)
    if (o->single[i].status == 1 &&
        !gt_ok(&o->single[i].revocation_time, "revocationTime", det, detsz))
      return CASC_LINT_FAIL;
  return CASC_LINT_PASS;
}

static bool fractional(const casc_lint_time *t) {
  return t->present && t->tag == CASC_DER_GENERALIZEDTIME &&
         (memchr(t->value.p, '.', t->value.len) != NULL ||
          memchr(t->value.p, ',', t->value.len) != NULL);
}

RUN(run_fractional) {
  const casc_lint_ocsp *o = in->ocsp;
  if (fractional(&o->produced_at))
    FAIL("producedAt has fractional seconds");
  for (size_t i = 0; i < n_single(o); i++) {
    const casc_lint_ocsp_single *s = &o->single[i];
    if (fractional(&s->this_update) || fractional(&s->next_update) ||
        (s->status == 1 && fractional(&s->revocation_time)))
      FAIL("response %zu has a time with fractional seconds", i);
  }
  return CASC_LINT_PASS;
}

RUN(run_this_before_produced) {
  const casc_lint_ocsp *o = in->ocsp;
  if (!o->produced_at.ok_parse)
    return CASC_LINT_NA;
  for (size_t i = 0; i < n_single(o); i++)
    if (o->single[i].this_update.ok_parse && o->single[i].this_update.t > o->produced_at.t)
      FAIL("response %zu: thisUpdate is %lld seconds after producedAt", i,
           (long long)(o->single[i].this_update.t - o->produced_at.t));
  return CASC_LINT_PASS;
}

RUN(run_next_present) {
  const casc_lint_ocsp *o = in->ocsp;
  for (size_t i = 0; i < n_single(o); i++)
    if (!o->single[i].next_update.present)
      FAIL("response %zu has no nextUpdate", i);
  return CASC_LINT_PASS;
}

/* The validity interval of BR 4.9.10: nextUpdate - thisUpdate, inclusive
 * (so one second more than the difference); -1 when not computable. */
static long long interval(const casc_lint_ocsp_single *s) {
  if (!s->next_update.present || !s->next_update.ok_parse || !s->this_update.ok_parse)
    return -1;
  return (long long)(s->next_update.t - s->this_update.t) + 1;
}

RUN(run_next_after_this) {
  const casc_lint_ocsp *o = in->ocsp;
  for (size_t i = 0; i < n_single(o); i++) {
    const casc_lint_ocsp_single *s = &o->single[i];
    if (interval(s) >= 0 && s->next_update.t <= s->this_update.t)
      FAIL("response %zu: nextUpdate is not after thisUpdate", i);
  }
  return CASC_LINT_PASS;
}

RUN(run_validity_min) {
  const casc_lint_ocsp *o = in->ocsp;
  for (size_t i = 0; i < n_single(o); i++) {
    long long v = interval(&o->single[i]);
    if (v >= 0 && v < 8 * 3600)
      FAIL("response %zu: validity interval is %lld seconds, under eight hours", i, v);
  }
  return CASC_LINT_PASS;
}

RUN(run_validity_max) {
  const casc_lint_ocsp *o = in->ocsp;
  for (size_t i = 0; i < n_single(o); i++) {
    long long v = interval(&o->single[i]);
    if (v > 10 * 86400)
      FAIL("response %zu: validity interval is %lld seconds, over ten days", i, v);
  }
  return CASC_LINT_PASS;
}

RUN(run_no_single) {
  if (in->ocsp->total_single > 0)
    return CASC_LINT_PASS;
  FAIL("responses is empty");
}

RUN(run_multiple_single) {
  if (in->ocsp->total_single <= 1)
    return CASC_LINT_PASS;
  FAIL("%zu SingleResponses; RFC 5019 wants one", in->ocsp->total_single);
}

/* --- CertID ------------------------------------------------------------------------------- */
static size_t hash_len(casc_lint_bytes oid) {
  if (CASC_LINT_OID_IS(oid, CASC_OID_SHA1))
    return 20;
  if (CASC_LINT_OID_IS(oid, CASC_OID_SHA256))
    return 32;
  if (CASC_LINT_OID_IS(oid, CASC_OID_SHA384))
    return 48;
  if (CASC_LINT_OID_IS(oid, CASC_OID_SHA512))
    return 64;
  if (CASC_LINT_OID_IS(oid, "\x2a\x86\x48\x86\xf7\x0d\x02\x05")) /* MD5 */
    return 16;
  return 0;
}

RUN(run_certid_alg) {
  const casc_lint_ocsp *o = in->ocsp;
  char oid[64];
  for (size_t i = 0; i < n_single(o); i++) {
    casc_lint_bytes a = o->single[i].hash_oid;
    if (!CASC_LINT_OID_IS(a, CASC_OID_SHA1) && !CASC_LINT_OID_IS(a, CASC_OID_SHA256))
      FAIL("response %zu: CertID hash algorithm %s is neither SHA-1 nor SHA-256", i,
           casc_lint_oid_str(a, oid, sizeof oid));
  }
  return CASC_LINT_PASS;
}

RUN(run_certid_lengths) {
  const casc_lint_ocsp *o = in->ocsp;
  for (size_t i = 0; i < n_single(o); i++) {
    const casc_lint_ocsp_single *s = &o->single[i];
    size_t want = hash_len(s->hash_oid);
    if (want == 0)
      continue;
    if (s->name_hash.len != want || s->key_hash.len != want)
      FAIL("response %zu: issuerNameHash of %zu and issuerKeyHash of %zu octets, the hash "
           "algorithm gives %zu",
           i, s->name_hash.len, s->key_hash.len, want);
  }
  return CASC_LINT_PASS;
}

static bool basic_and_ca(const casc_lint_input *in) {
  const lint_rev_ctx *x = lint_rev_ctx_get();
  return basic(in) && x != NULL && x->has_ca;
}

RUN(run_certid_issuer) {
  const casc_lint_ocsp *o = in->ocsp;
  const lint_rev_ctx *x = lint_rev_ctx_get();
  for (size_t i = 0; i < n_single(o); i++) {
    const casc_lint_ocsp_single *s = &o->single[i];
    const unsigned char *nh, *kh;
    size_t n;
    if (CASC_LINT_OID_IS(s->hash_oid, CASC_OID_SHA1))
      nh = x->name_sha1, kh = x->key_sha1, n = 20;
    else if (CASC_LINT_OID_IS(s->hash_oid, CASC_OID_SHA256))
      nh = x->name_sha256, kh = x->key_sha256, n = 32;
    else
      continue;
    if (s->name_hash.len != n || memcmp(s->name_hash.p, nh, n) != 0)
      FAIL("response %zu: issuerNameHash is not the hash of the issuing CA's name", i);
    if (s->key_hash.len != n || memcmp(s->key_hash.p, kh, n) != 0)
      FAIL("response %zu: issuerKeyHash is not the hash of the issuing CA's key", i);
  }
  return CASC_LINT_PASS;
}

/* --- status ------------------------------------------------------------------------------- */
RUN(run_reason) {
  const casc_lint_ocsp *o = in->ocsp;
  for (size_t i = 0; i < n_single(o); i++) {
    const casc_lint_ocsp_single *s = &o->single[i];
    if (s->status != 1 || s->reason < 0)
      continue;
    switch (s->reason) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 9:
      break;
    default:
      FAIL("response %zu: revocationReason %d is not one BR 7.2.2 allows in a CRL", i, s->reason);
    }
  }
  return CASC_LINT_PASS;
}

RUN(run_revtime_after) {
  const casc_lint_ocsp *o = in->ocsp;
  for (size_t i = 0; i < n_single(o); i++) {
    const casc_lint_ocsp_single *s = &o->single[i];
    if (s->status == 1 && s->revocation_time.ok_parse && s->this_update.ok_parse &&
        s->revocation_time.t > s->this_update.t)
      FAIL("response %zu: revocationTime is after thisUpdate", i);
  }
  return CASC_LINT_PASS;
}

/* --- extensions ------------------------------------------------------------------------------ */
static bool known_single_ext(casc_lint_ext_id id) {
  return id == CASC_LINT_EXT_OCSP_CRLID || id == CASC_LINT_EXT_OCSP_ARCHIVE ||
         id == CASC_LINT_EXT_INVALIDITY || id == CASC_LINT_EXT_REASON ||
         id == CASC_LINT_EXT_CERT_ISSUER;
}

RUN(run_single_reason_ext) {
  const casc_lint_ocsp *o = in->ocsp;
  for (size_t i = 0; i < n_single(o); i++)
    for (size_t k = 0; k < o->single[i].n_ext && k < 8; k++)
      if (o->single[i].ext[k].id == CASC_LINT_EXT_REASON)
        FAIL("response %zu: singleExtensions has a reasonCode", i);
  return CASC_LINT_PASS;
}

RUN(run_single_unknown_critical) {
  const casc_lint_ocsp *o = in->ocsp;
  char oid[64];
  for (size_t i = 0; i < n_single(o); i++)
    for (size_t k = 0; k < o->single[i].n_ext && k < 8; k++) {
      const casc_lint_ext *x = &o->single[i].ext[k];
      if (x->critical && !known_single_ext(x->id))
        FAIL("response %zu: critical single extension %s", i,
             casc_lint_oid_str(x->oid, oid, sizeof oid));
    }
  return CASC_LINT_PASS;
}

RUN(run_unknown_critical) {
  const casc_lint_ocsp *o = in->ocsp;
  char oid[64];
  for (size_t k = 0; k < o->n_ext && k < CASC_LINT_MAX_EXT; k++) {
    const casc_lint_ext *x = &o->ext[k];
    if (x->critical && x->id != CASC_LINT_EXT_OCSP_NONCE)
      FAIL("critical response extension %s", casc_lint_oid_str(x->oid, oid, sizeof oid));
  }
  return CASC_LINT_PASS;
}

RUN(run_ext_empty) {
  const casc_lint_ocsp *o = in->ocsp;
  if (o->ext_field_present && o->n_ext == 0)
    FAIL("responseExtensions is present and empty");
  return CASC_LINT_PASS;
}

RUN(run_ext_duplicate) {
  const casc_lint_ocsp *o = in->ocsp;
  size_t n = o->n_ext < CASC_LINT_MAX_EXT ? o->n_ext : CASC_LINT_MAX_EXT;
  for (size_t a = 0; a < n; a++)
    for (size_t b = 0; b < a; b++)
      if (casc_lint_bytes_eq(o->ext[a].oid, o->ext[b].oid))
        FAIL("a response extension appears twice");
  for (size_t i = 0; i < n_single(o); i++) {
    const casc_lint_ocsp_single *s = &o->single[i];
    size_t m = s->n_ext < 8 ? s->n_ext : 8;
    for (size_t a = 0; a < m; a++)
      for (size_t b = 0; b < a; b++)
        if (casc_lint_bytes_eq(s->ext[a].oid, s->ext[b].oid))
          FAIL("response %zu: a single extension appears twice", i);
  }
  return CASC_LINT_PASS;
}

static const casc_lint_ext *nonce(const casc_lint_ocsp *o) {
  for (size_t k = 0; k < o->n_ext && k < CASC_LINT_MAX_EXT; k++)
    if (o->ext[k].id == CASC_LINT_EXT_OCSP_NONCE)
      return &o->ext[k];
  return NULL;
}

static bool has_nonce(const casc_lint_input *in) { return basic(in) && nonce(in->ocsp) != NULL; }

/* The nonce's OCTET STRING contents, or false when the value is not one
 * OCTET STRING (RFC 8954 2.1 corrected the unwrapped form of old clients). */
static bool nonce_value(const casc_lint_ext *x, size_t *len) {
  const unsigned char *p = x->value.p;
  size_t n = x->value.len;
  if (n < 2 || p[0] != CASC_DER_OCTET_STRING)
    return false;
  size_t l, h;
  if (p[1] < 0x80) {
    l = p[1], h = 2;
  } else if (p[1] == 0x81 && n >= 3) {
    l = p[2], h = 3;
  } else {
    return false;
  }
  if (h + l != n)
    return false;
  *len = l;
  return true;
}

RUN(run_nonce_form) {
  size_t l;
  if (nonce_value(nonce(in->ocsp), &l))
    return CASC_LINT_PASS;
  FAIL("nonce extension value is not an OCTET STRING");
}

RUN(run_nonce_length) {
  size_t l;
  if (!nonce_value(nonce(in->ocsp), &l))
    return CASC_LINT_NA;
  if (l >= 1 && l <= 32)
    return CASC_LINT_PASS;
  FAIL("nonce of %zu octets; RFC 9654 allows 1 to 32", l);
}

/* --- signature algorithm ------------------------------------------------------------------- */
RUN(run_sig_alg_allowed) {
  if (lint_sig_alg_family(in->ocsp->sig_alg_oid) != 0)
    return CASC_LINT_PASS;
  char oid[64];
  FAIL("signature algorithm %s is not one of BR 7.1.3.2's",
       casc_lint_oid_str(in->ocsp->sig_alg_oid, oid, sizeof oid));
}

RUN(run_rsa_null) {
  const casc_lint_ocsp *o = in->ocsp;
  if (lint_sig_alg_family(o->sig_alg_oid) != 1 && !CASC_LINT_OID_IS(o->sig_alg_oid, CASC_OID_SHA1_RSA))
    return CASC_LINT_NA;
  if (o->sig_alg_params.len == 2 && o->sig_alg_params.p[0] == 0x05 && o->sig_alg_params.p[1] == 0)
    return CASC_LINT_PASS;
  FAIL("RSA PKCS#1 v1.5 signature algorithm without NULL parameters");
}

RUN(run_ecdsa_params) {
  const casc_lint_ocsp *o = in->ocsp;
  if (lint_sig_alg_family(o->sig_alg_oid) != 3)
    return CASC_LINT_NA;
  if (o->sig_alg_params.p == NULL)
    return CASC_LINT_PASS;
  FAIL("ECDSA signature algorithm with parameters");
}

#define LINT(n, lv, cit, src, eff, app, fn)                                                        \
  {.name = n,                                                                                      \
   .alias = NULL,                                                                                  \
   .level = CASC_LINT_##lv,                                                                        \
   .citation = cit,                                                                                \
   .source = src,                                                                                  \
   .effective = eff,                                                                               \
   .kind = CASC_LINT_KIND_OCSP,                                                                    \
   .applies = app,                                                                                 \
   .run = fn}
#define R6960 CASC_LINT_SRC_RFC6960
#define R5019 CASC_LINT_SRC_RFC5019
#define BR CASC_LINT_SRC_TLSBR

/* zlint has no OCSP lints: no aliases here. */
const casc_lint casc_lints_ocsp_response[] = {
    LINT("e_ocsp_response_status_invalid", ERROR, "RFC 6960 4.2.1", R6960, 0, NULL, run_status),
    LINT("e_ocsp_successful_without_response_bytes", ERROR, "RFC 6960 4.2.1", R6960, 0, NULL,
         run_success_bytes),
    LINT("e_ocsp_error_with_response_bytes", ERROR, "RFC 6960 4.2.1", R6960, 0, NULL,
         run_error_bytes),
    LINT("e_ocsp_response_type_not_basic", ERROR, "RFC 6960 4.2.1; RFC 5019 2.2.1", R6960, 0,
         has_bytes, run_type_basic),
    LINT("e_ocsp_version_not_v1", ERROR, "RFC 6960 4.2.1", R6960, 0, basic, run_version),
    LINT("e_ocsp_version_v1_encoded", ERROR, "RFC 6960 4.2.1 (DEFAULT v1); X.690 11.5", R6960, 0,
         basic, run_version_encoded),
    LINT("n_ocsp_responder_id_by_name", NOTICE, "RFC 6960 4.2.2.3; RFC 9919 2.2.2", R5019, 0, basic,
         run_rid_by_key),
    LINT("e_ocsp_responder_key_hash_length", ERROR, "RFC 6960 4.2.2.3", R6960, 0, basic,
         run_rid_key_len),
    LINT("e_ocsp_produced_at_format", ERROR, "RFC 6960 4.2.1; RFC 5019 2.2.4", R5019, 0, basic,
         run_produced_format),
    LINT("e_ocsp_this_update_format", ERROR, "RFC 6960 4.2.1; RFC 5019 2.2.4", R5019, 0, basic,
         run_this_format),
    LINT("e_ocsp_next_update_format", ERROR, "RFC 6960 4.2.1; RFC 5019 2.2.4", R5019, 0, basic,
         run_next_format),
    LINT("e_ocsp_revocation_time_format", ERROR, "RFC 6960 4.2.1; RFC 5019 2.2.4", R5019, 0,
         basic, run_revtime_format),
    LINT("e_ocsp_time_fractional_seconds", ERROR, "RFC 5019 2.2.4", R5019, 0, basic,
         run_fractional),
    LINT("e_ocsp_this_update_after_produced_at", ERROR, "RFC 6960 2.4, 4.2.2.1", R6960, 0, basic,
         run_this_before_produced),
    LINT("e_ocsp_next_update_missing", ERROR, "TLS BR 4.9.10; RFC 5019 2.2.4", BR, 0, basic,
         run_next_present),
    LINT("e_ocsp_next_update_not_after_this_update", ERROR, "RFC 6960 2.4", R6960, 0, basic,
         run_next_after_this),
    LINT("e_ocsp_validity_under_8_hours", ERROR, "TLS BR 4.9.10", BR, LINT_DATE_SC31, basic,
         run_validity_min),
    LINT("e_ocsp_validity_over_10_days", ERROR, "TLS BR 4.9.10", BR, LINT_DATE_SC31, basic,
         run_validity_max),
    LINT("e_ocsp_no_single_response", ERROR, "RFC 6960 4.2.1, 4.2.2.3", R6960, 0, basic,
         run_no_single),
    LINT("w_ocsp_multiple_single_responses", WARN, "RFC 5019 2.2.1", R5019, 0, basic,
         run_multiple_single),
    LINT("e_ocsp_certid_hash_algorithm", ERROR, "RFC 5019 2.1.1; RFC 9919 2.1.1", R5019, 0, basic,
         run_certid_alg),
    LINT("e_ocsp_certid_hash_length", ERROR, "RFC 6960 4.1.1", R6960, 0, basic,
         run_certid_lengths),
    LINT("e_ocsp_certid_issuer_mismatch", ERROR, "RFC 6960 4.1.1", R6960, 0, basic_and_ca,
         run_certid_issuer),
    LINT("e_ocsp_revocation_reason_not_allowed", ERROR, "TLS BR 7.3, 7.2.2", BR, LINT_DATE_SC31,
         basic, run_reason),
    LINT("e_ocsp_revocation_time_after_this_update", ERROR, "RFC 6960 2.2, 4.2.1", R6960, 0,
         basic, run_revtime_after),
    LINT("e_ocsp_single_reason_code_extension", ERROR, "TLS BR 7.3.2", BR, LINT_DATE_SC31, basic,
         run_single_reason_ext),
    LINT("e_ocsp_single_unknown_critical_extension", ERROR, "RFC 6960 4.4", R6960, 0, basic,
         run_single_unknown_critical),
    LINT("e_ocsp_unknown_critical_extension", ERROR, "RFC 6960 4.4", R6960, 0, basic,
         run_unknown_critical),
    LINT("e_ocsp_extensions_empty", ERROR, "RFC 6960 4.2.1 (Extensions SIZE (1..MAX))", R6960, 0,
         basic, run_ext_empty),
    LINT("e_ocsp_duplicate_extension", ERROR, "RFC 6960 4.4; RFC 5280 4.2", R6960, 0, basic,
         run_ext_duplicate),
    LINT("e_ocsp_nonce_not_octet_string", ERROR, "RFC 9654 2.1; RFC 8954 2.1", R6960, 0,
         has_nonce, run_nonce_form),
    LINT("e_ocsp_nonce_length", ERROR, "RFC 9654 2.1; RFC 8954 2.1", R6960, LINT_DATE_RFC8954,
         has_nonce, run_nonce_length),
    LINT("e_ocsp_sig_alg_not_allowed", ERROR, "TLS BR 7.1.3.2", BR, LINT_DATE_SC31, basic,
         run_sig_alg_allowed),
    LINT("e_ocsp_rsa_sig_alg_missing_null", ERROR, "RFC 4055 5; TLS BR 7.1.3.2.1", R6960, 0, basic,
         run_rsa_null),
    LINT("e_ocsp_ecdsa_sig_alg_has_params", ERROR, "RFC 5758 3.2; TLS BR 7.1.3.2.2", R6960, 0,
         basic, run_ecdsa_params),
};
CASC_LINT_TABLE(casc_lints_ocsp_response);
