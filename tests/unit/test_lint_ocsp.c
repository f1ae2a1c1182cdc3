/* Unit tests of the OCSP response lints: for every OCSP lint in the
 * registry, a response that trips it and one that passes it, really signed
 * by a delegated responder (tests/unit/lint_revgen.h); the good response
 * also verifies with OpenSSL's OCSP_basic_verify. Then the responses casc
 * itself signs (casc_ocsp_sign and the presigning template) linted with
 * and without the issuer known, and casc_lint_ocsp_template. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "casc/ca.h"
#include "casc/keys.h"
#include "casc/lint.h"
#include "casc/lint_rev.h"
#include "lint_revgen.h"
#include "ocsp/ocsp_internal.h"
#include "unit_util.h"

#include <openssl/ocsp.h>

static rg_pki pki;
static casc_lint_ctx *lctx;


static void check_der(const unsigned char *der, size_t len, X509 *issuer, watch *w) {
  casc_lint_ctx_check_issuer(lctx, CASC_LINT_KIND_OCSP, der, len, issuer, CASC_CRL_SCOPE_UNKNOWN,
                             RG_NOW + 60, on_result, w);
}

static casc_lint_result lint_ocsp(const rg_ocsp_opts *o, bool ctx, const char *name, watch *w) {
  size_t len;
  unsigned char *der = rg_ocsp(&pki, o, &len);
  memset(w, 0, sizeof *w);
  w->name = name;
  check_der(der, len, ctx ? pki.ca_cert : NULL, w);
  free(der);
  if (name != NULL && !w->seen)
    fail_msg("%s did not run", name);
  return w->r;
}

static casc_lint_result want_for(const char *name) {
  const casc_lint *l = casc_lint_find(name);
  if (l == NULL)
    fail_msg("no lint %s", name);
  return l->level == CASC_LINT_ERROR  ? CASC_LINT_ERROR_R
         : l->level == CASC_LINT_WARN ? CASC_LINT_WARN_R
                                      : CASC_LINT_NOTICE_R;
}

typedef void (*mut_fn)(rg_ocsp_opts *o);
typedef struct {
  const char *lint;
  mut_fn bad, good;
  bool ctx; /* the issuing CA known */
} ocsp_case;

#define MUT(fn, ...)                                                                               \
  static void fn(rg_ocsp_opts *o) { __VA_ARGS__; }

MUT(m_status_4, o->status = 4)
MUT(m_no_bytes, o->no_bytes = true)
MUT(m_error_bytes, o->status = 1; o->bytes_anyway = true)
MUT(m_unauthorized, o->status = 6)
MUT(m_wrong_type, o->wrong_type = true)
MUT(m_version_1, o->version = 1)
MUT(m_version_0, o->version = 0)
MUT(m_by_name, o->rid = 1)
MUT(m_key_hash_short, o->rid = 2)
MUT(m_produced_noz, o->produced_form = RG_T_GEN_NOZ)
MUT(m_produced_frac, o->produced_form = RG_T_GEN_FRAC)
MUT(m_this_utc, o->this_form = RG_T_UTC)
MUT(m_next_frac, o->next_form = RG_T_GEN_FRAC)
MUT(m_revoked, o->cert_status = 1; o->reason = 1)
MUT(m_revoked_no_reason, o->cert_status = 1)
MUT(m_revoked_utc, o->cert_status = 1; o->reason = 1; o->rev_form = RG_T_UTC)
MUT(m_this_after_produced, o->this_update = o->produced + 60)
MUT(m_no_next, o->no_next_update = true)
MUT(m_next_before, o->next_update = o->this_update - 1)
MUT(m_under_8h, o->next_update = o->this_update + 8 * RG_HOUR - 2)
MUT(m_8h, o->next_update = o->this_update + 8 * RG_HOUR - 1)
MUT(m_over_10d, o->next_update = o->this_update + 10 * RG_DAY)
MUT(m_10d, o->next_update = o->this_update + 10 * RG_DAY - 1)
MUT(m_no_single, o->n_single = 0)
MUT(m_two_single, o->n_single = 2)
MUT(m_md5, o->cid_alg = 2)
MUT(m_sha256, o->cid_alg = 1)
MUT(m_short_hash, o->name_hash_delta = -1)
MUT(m_other_issuer, o->cid_other_issuer = true)
MUT(m_reason_hold, o->cert_status = 1; o->reason = 6)
MUT(m_reason_unspecified, o->cert_status = 1; o->reason = 0)
MUT(m_revoked_future, o->cert_status = 1; o->reason = 1; o->revoked_at = o->this_update + 60)
MUT(m_single_reason, o->single_reason = true)
MUT(m_single_crit, o->single_unknown_critical = true)
MUT(m_resp_crit, o->resp_unknown_critical = true)
MUT(m_exts_empty, o->empty_resp_exts = true)
MUT(m_nonce_twice, o->nonce_len = 16; o->nonce_twice = true)
MUT(m_nonce, o->nonce_len = 16)
MUT(m_nonce_32, o->nonce_len = 32)
MUT(m_nonce_raw, o->nonce_len = 16; o->nonce_raw = true)
MUT(m_nonce_33, o->nonce_len = 33)
MUT(m_nonce_0, o->nonce_len = 0)
MUT(m_sha1_alg, o->sigalg = 3)
MUT(m_rsa_signer, o->signer = RG_RSP_RSA)
MUT(m_rsa_no_null, o->signer = RG_RSP_RSA; o->sigalg = 2)
MUT(m_ec_null, o->sigalg = 2)
MUT(m_certs_junk, o->certs = 4)
MUT(m_certs_ca_only, o->certs = 5)
MUT(m_certs_extra, o->certs = 2)
MUT(m_no_eku, o->signer = RG_RSP_NO_EKU)
MUT(m_no_nocheck, o->signer = RG_RSP_NO_NOCHECK)
MUT(m_expired, o->signer = RG_RSP_EXPIRED)
MUT(m_rsa_alg_ec_key, o->sigalg = 1)
MUT(m_bad_sig, o->bad_sig = true)
MUT(m_other_ca_signer, o->signer = RG_RSP_OTHER_CA)
MUT(m_serial_long_len, o->serial_form = 3)
MUT(m_crit_ber, o->resp_crit_ber = true)
MUT(m_serial_pad, o->serial_form = 1)
MUT(m_serial_empty, o->serial_form = 2)
MUT(m_trailing, o->trailing = true)
MUT(m_trailing_inner, o->trailing_inner = true)
MUT(m_sig_unused, o->sig_unused = true)
MUT(m_bad_oid, o->bad_oid_ext = true)
MUT(m_good_nonempty, o->good_nonempty = true)
MUT(m_set_order, o->rid = 3)
MUT(m_constructed, o->rid = 4)

static const ocsp_case cases[] = {
    /* OCSPResponse and ResponseData: RFC 6960 4.2.1, RFC 5019 */
    {"e_ocsp_response_status_invalid", m_status_4, m_unauthorized, false},
    {"e_ocsp_successful_without_response_bytes", m_no_bytes, NULL, false},
    {"e_ocsp_error_with_response_bytes", m_error_bytes, m_unauthorized, false},
    {"e_ocsp_response_type_not_basic", m_wrong_type, NULL, false},
    {"e_ocsp_version_not_v1", m_version_1, NULL, false},
    {"e_ocsp_version_v1_encoded", m_version_0, NULL, false},
    {"n_ocsp_responder_id_by_name", m_by_name, NULL, false},
    {"e_ocsp_responder_key_hash_length", m_key_hash_short, NULL, false},
    {"e_ocsp_produced_at_format", m_produced_noz, NULL, false},
    {"e_ocsp_this_update_format", m_this_utc, NULL, false},
    {"e_ocsp_next_update_format", m_next_frac, NULL, false},
    {"e_ocsp_revocation_time_format", m_revoked_utc, m_revoked, false},
    {"e_ocsp_time_fractional_seconds", m_produced_frac, NULL, false},
    {"e_ocsp_time_fractional_seconds", m_next_frac, NULL, false},
    {"e_ocsp_this_update_after_produced_at", m_this_after_produced, NULL, false},
    {"e_ocsp_next_update_missing", m_no_next, NULL, false},
    {"e_ocsp_next_update_not_after_this_update", m_next_before, NULL, false},
    {"e_ocsp_validity_under_8_hours", m_under_8h, m_8h, false},
    {"e_ocsp_validity_over_10_days", m_over_10d, m_10d, false},
    {"e_ocsp_no_single_response", m_no_single, NULL, false},
    {"w_ocsp_multiple_single_responses", m_two_single, NULL, false},
    /* CertID and status */
    {"e_ocsp_certid_hash_algorithm", m_md5, m_sha256, false},
    {"e_ocsp_certid_hash_length", m_short_hash, m_sha256, false},
    {"e_ocsp_certid_issuer_mismatch", m_other_issuer, m_sha256, true},
    {"e_ocsp_revocation_reason_not_allowed", m_reason_hold, m_revoked, false},
    {"e_ocsp_revocation_reason_not_allowed", m_reason_unspecified, m_revoked_no_reason, false},
    {"e_ocsp_revocation_time_after_this_update", m_revoked_future, m_revoked, false},
    /* extensions: RFC 6960 4.4, BR 7.3.2, RFC 9654 */
    {"e_ocsp_single_reason_code_extension", m_single_reason, NULL, false},
    {"e_ocsp_single_unknown_critical_extension", m_single_crit, NULL, false},
    {"e_ocsp_unknown_critical_extension", m_resp_crit, m_nonce, false},
    {"e_ocsp_extensions_empty", m_exts_empty, m_nonce, false},
    {"e_ocsp_duplicate_extension", m_nonce_twice, m_nonce, false},
    {"e_ocsp_nonce_not_octet_string", m_nonce_raw, m_nonce, false},
    {"e_ocsp_nonce_length", m_nonce_33, m_nonce_32, false},
    {"e_ocsp_nonce_length", m_nonce_0, m_nonce, false},
    /* signature algorithm: BR 7.1.3.2 */
    {"e_ocsp_sig_alg_not_allowed", m_sha1_alg, NULL, false},
    {"e_ocsp_rsa_sig_alg_missing_null", m_rsa_no_null, m_rsa_signer, false},
    {"e_ocsp_ecdsa_sig_alg_has_params", m_ec_null, NULL, false},
    /* the responder: RFC 6960 4.2.2.2, BR 4.9.9 */
    {"e_ocsp_certs_malformed", m_certs_junk, NULL, false},
    {"e_ocsp_responder_id_not_in_certs", m_certs_ca_only, NULL, false},
    {"w_ocsp_certs_not_only_responder", m_certs_extra, NULL, false},
    {"e_ocsp_responder_missing_ocsp_signing_eku", m_no_eku, NULL, false},
    {"e_ocsp_responder_missing_nocheck", m_no_nocheck, NULL, false},
    {"e_ocsp_responder_not_valid_at_produced_at", m_expired, NULL, false},
    {"e_ocsp_sig_alg_key_mismatch", m_rsa_alg_ec_key, m_rsa_signer, false},
    {"e_ocsp_signature_invalid", m_bad_sig, m_rsa_signer, false},
    {"e_ocsp_responder_not_issued_by_ca", m_other_ca_signer, NULL, true},
    /* DER */
    {"e_ocsp_der_nonminimal_length", m_serial_long_len, NULL, false},
    {"e_ocsp_der_bad_boolean", m_crit_ber, NULL, false},
    {"e_ocsp_der_nonminimal_integer", m_serial_pad, NULL, false},
    {"e_ocsp_der_empty_integer", m_serial_empty, NULL, false},
    {"e_ocsp_der_default_encoded", m_version_0, NULL, false},
    {"e_ocsp_der_trailing_data", m_trailing, NULL, false},
    {"e_ocsp_der_trailing_in_value", m_trailing_inner, NULL, false},
    {"e_ocsp_der_bad_bit_string", m_sig_unused, NULL, false},
    {"e_ocsp_der_bad_time", m_produced_frac, NULL, false},
    {"e_ocsp_der_bad_oid", m_bad_oid, NULL, false},
    {"e_ocsp_der_empty_sequence", m_no_single, NULL, false},
    {"e_ocsp_der_bad_null", m_good_nonempty, NULL, false},
    {"e_ocsp_der_set_order", m_set_order, m_by_name, false},
    {"e_ocsp_der_constructed_string", m_constructed, m_by_name, false},
};

static void test_cases(void **state) {
  (void)state;
  watch w;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const ocsp_case *c = &cases[i];
    rg_ocsp_opts bad = rg_ocsp_default(), good = rg_ocsp_default();
    c->bad(&bad);
    if (c->good != NULL)
      c->good(&good);
    casc_lint_result want = want_for(c->lint);
    casc_lint_result r = lint_ocsp(&bad, c->ctx, c->lint, &w);
    if (r != want)
      fail_msg("case %zu: %s on the bad response: %s, want %s", i, c->lint,
               casc_lint_result_name(r), casc_lint_result_name(want));
    if (w.det[0] == '\0')
      fail_msg("case %zu: %s: no details", i, c->lint);
    r = lint_ocsp(&good, c->ctx, c->lint, &w);
    if (r != CASC_LINT_PASS)
      fail_msg("case %zu: %s on the good response: %s, want pass (%s)", i, c->lint,
               casc_lint_result_name(r), w.det);
  }
}

static void test_every_lint_has_a_case(void **state) {
  (void)state;
  size_t n = 0;
  for (size_t i = 0; i < casc_lint_count(); i++) {
    const casc_lint *l = casc_lint_at(i);
    if (l->kind != CASC_LINT_KIND_OCSP)
      continue;
    n++;
    bool found = false;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0] && !found; k++)
      found = strcmp(cases[k].lint, l->name) == 0;
    if (!found)
      fail_msg("OCSP lint %s has no test case", l->name);
    assert_int_equal(l->name[0], casc_lint_level_name(l->level)[0]);
  }
  assert_true(n >= 30);
}

/* The default response is clean, and OpenSSL verifies it against the CA. */
static void test_good_response(void **state) {
  (void)state;
  rg_ocsp_opts o = rg_ocsp_default();
  size_t len;
  unsigned char *der = rg_ocsp(&pki, &o, &len);
  const unsigned char *p = der;
  OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
  assert_non_null(resp);
  OCSP_BASICRESP *bs = OCSP_response_get1_basic(resp);
  assert_non_null(bs);
  X509_STORE *store = X509_STORE_new();
  X509_STORE_add_cert(store, pki.ca_cert);
  X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), RG_NOW);
  assert_int_equal(OCSP_basic_verify(bs, NULL, store, 0), 1);
  X509_STORE_free(store);
  OCSP_BASICRESP_free(bs);
  OCSP_RESPONSE_free(resp);
  for (int ctx = 0; ctx < 2; ctx++) {
    watch w = {0};
    check_der(der, len, ctx ? pki.ca_cert : NULL, &w);
    if (w.n_findings != 0)
      fail_msg("context %d: %s", ctx, w.findings);
  }
  free(der);
  /* revoked for keyCompromise, SHA-256 CertID, a nonce: clean too */
  o = rg_ocsp_default();
  o.cert_status = 1;
  o.reason = 1;
  o.cid_alg = 1;
  o.nonce_len = 32;
  der = rg_ocsp(&pki, &o, &len);
  watch w = {0};
  check_der(der, len, pki.ca_cert, &w);
  if (w.n_findings != 0)
    fail_msg("revoked: %s", w.findings);
  free(der);
  /* an unsuccessful response: only the status lints apply */
  o = rg_ocsp_default();
  o.status = 1;
  der = rg_ocsp(&pki, &o, &len);
  memset(&w, 0, sizeof w);
  check_der(der, len, NULL, &w);
  if (w.n_findings != 0)
    fail_msg("malformedRequest: %s", w.findings);
  free(der);
}

/* BR 4.9.10's limits came with ballot SC31: an older response is "ne". */
static void test_effective(void **state) {
  (void)state;
  watch w;
  rg_ocsp_opts o = rg_ocsp_default();
  o.produced = CASC_LINT_DATE(2019, 6, 1);
  o.this_update = o.produced - RG_HOUR;
  o.next_update = o.this_update + 30 * RG_DAY;
  assert_int_equal(lint_ocsp(&o, false, "e_ocsp_validity_over_10_days", &w), CASC_LINT_NE);
}

/* What casc signs passes: casc_ocsp_sign (answers with nonces) and the
 * presigning template, each good and revoked. */
static void test_casc_responses(void **state) {
  (void)state;
  char dir[PATH_MAX], ca_dir[PATH_MAX];
  assert_int_equal(util_mkdtemp(dir, "lintocsp"), 0);
  util_join(ca_dir, dir, "ca");
  util_clock_fix(RG_NOW);
  casc_init_opts opts = {.key_type = CASC_KEY_EC_P256};
  casc_error e = {0};
  casc_ca *ca = NULL;
  casc_ocsp_responder *r = NULL;
  if (casc_ca_init(ca_dir, &opts, &e) != CASC_OK || casc_ca_open(ca_dir, &ca, &e) != CASC_OK ||
      casc_ocsp_responder_new(ca, &r, &e) != CASC_OK)
    fail_msg("%s", e.msg);
  casc_ocsp_encoder *enc = casc_ocsp_encoder_new();
  assert_non_null(enc);
  const unsigned char serial[] = {0x5a, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  const unsigned char nonce[16] = {1, 2, 3};
  assert_true(r->n > 0);
  for (size_t i = 0; i < r->n; i++) {
    for (int k = 0; k < 6; k++) {
      casc_ocsp_status st = {.status = k % 2 ? CASC_OCSP_REVOKED : CASC_OCSP_GOOD,
                             .revoked_at = RG_NOW - RG_DAY,
                             .reason = k % 2 ? 1 : -1};
      unsigned char *der = NULL;
      size_t len = 0;
      casc_err rc;
      if (k < 2)
        rc = casc_ocsp_sign_template(r, (int)i, enc, serial, sizeof serial, &st, RG_NOW, &der, &len,
                                     &e);
      else
        rc = casc_ocsp_sign(r, (int)i, k < 4 ? NID_sha1 : NID_sha256, serial, sizeof serial, &st,
                            k >= 4 ? nonce : NULL, k >= 4 ? sizeof nonce : 0, RG_NOW, &der, &len,
                            &e);
      if (rc != CASC_OK)
        fail_msg("issuer %zu, %d: %s", i, k, e.msg);
      watch w = {0};
      check_der(der, len, r->issuers[i].cert, &w);
      if (w.n_findings != 0)
        fail_msg("issuer %s, response %d: %s", r->issuers[i].name, k, w.findings);
      if (casc_lint_ocsp_template(der, len, r->issuers[i].cert, RG_NOW, &e) != CASC_OK)
        fail_msg("%s", e.msg);
      /* the same response about another CA's certificates is refused */
      if (r->n > 1) {
        assert_int_equal(casc_lint_ocsp_template(der, len, r->issuers[(i + 1) % r->n].cert, RG_NOW,
                                                 &e),
                         CASC_ERR_POLICY);
        assert_non_null(strstr(e.msg, "OCSP response refused by lint"));
        assert_non_null(strstr(e.msg, "e_ocsp_certid_issuer_mismatch"));
      }
      OPENSSL_free(der);
    }
  }
  casc_ocsp_encoder_free(enc);
  casc_ocsp_responder_free(r);
  casc_ca_close(ca);
  casc_clock_set(NULL);
  util_rmtree(dir);
}

static int group_setup(void **state) {
  (void)state;
  rg_pki_init(&pki);
  lctx = casc_lint_ctx_new();
  return lctx != NULL ? 0 : -1;
}

static int group_teardown(void **state) {
  (void)state;
  casc_lint_ctx_free(lctx);
  rg_pki_free(&pki);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_lint_has_a_case),
      cmocka_unit_test(test_good_response),
      cmocka_unit_test(test_cases),
      cmocka_unit_test(test_effective),
      cmocka_unit_test(test_casc_responses),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
