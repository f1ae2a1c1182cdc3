/* OCSP response lints on who signed it: the certificates it carries, the
 * one its responderID names, that certificate's authorization (RFC 6960
 * 4.2.2.2, TLS BR 4.9.9), and the signature itself. Also the
 * lint-before-sign entry point for presigned responses.
 *
 * The certificates are decoded once per response by signer_info(), kept per
 * thread keyed like the CRL entry summary (crl_entries.c). */
#include "crl_context.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  /* the key */
  const casc_lint_ocsp *ocsp;
  const lint_rev_ctx *ctx;
  const unsigned char *raw;
  size_t raw_len, sig_len;
  unsigned char sig[32];
  bool valid;
  /* what was found */
  size_t n_certs, n_bad, first_bad;
  int signer;                 /* index in certs of the responderID's certificate, or -1 */
  size_t n_other;             /* certificates besides the signer */
  bool signer_ca;             /* the signer's certificate is a CA certificate */
  bool eku_ocsp, nocheck;
  bool nb_ok, na_ok;
  time_t not_before, not_after;
  casc_lint_key_type key_type;
  bool issuer_checked, issuer_name_ok, issuer_aki_ok;
  int sig_ok;                 /* 1 verifies, 0 does not, -1 not checked */
  char sig_why[96];
} signer_summary;

static _Thread_local signer_summary cache;

static bool rid_matches(const casc_lint_ocsp *o, const casc_lint_cert *c) {
  if (o->responder_id_type == 1)
    return casc_lint_bytes_eq(o->responder_name.raw, c->subject.raw);
  if (o->responder_id_type != 2 || o->responder_key.len != 20)
    return false;
  unsigned char h[20];
  unsigned hl = 0;
  return EVP_Digest(c->spki.key.p, c->spki.key.len, h, &hl, EVP_sha1(), NULL) == 1 && hl == 20 &&
         memcmp(h, o->responder_key.p, 20) == 0;
}

static const EVP_MD *sig_md(casc_lint_bytes oid) {
  if (CASC_LINT_OID_IS(oid, CASC_OID_SHA256_RSA) || CASC_LINT_OID_IS(oid, CASC_OID_ECDSA_SHA256))
    return EVP_sha256();
  if (CASC_LINT_OID_IS(oid, CASC_OID_SHA384_RSA) || CASC_LINT_OID_IS(oid, CASC_OID_ECDSA_SHA384))
    return EVP_sha384();
  if (CASC_LINT_OID_IS(oid, CASC_OID_SHA512_RSA) || CASC_LINT_OID_IS(oid, CASC_OID_ECDSA_SHA512))
    return EVP_sha512();
  if (CASC_LINT_OID_IS(oid, CASC_OID_SHA1_RSA) || CASC_LINT_OID_IS(oid, CASC_OID_ECDSA_SHA1))
    return EVP_sha1();
  return NULL;
}

/* Verifies the response's signature with the signer's key: 1, 0, or -1
 * when this cannot tell (an algorithm it does not check, an unusable key). */
static int verify(const casc_lint_ocsp *o, const casc_lint_cert *c, char *why, size_t whysz) {
  const EVP_MD *md = sig_md(o->sig_alg_oid);
  int fam = lint_sig_alg_family(o->sig_alg_oid);
  bool rsa_alg = fam == 1 || CASC_LINT_OID_IS(o->sig_alg_oid, CASC_OID_SHA1_RSA);
  if (md == NULL || o->tbs.p == NULL)
    return -1;
  /* a key of the other family cannot have made this signature */
  if ((rsa_alg && c->spki.type != CASC_LINT_KEY_RSA) ||
      (!rsa_alg && c->spki.type != CASC_LINT_KEY_EC))
    return -1;
  const unsigned char *p = c->spki.raw.p;
  EVP_PKEY *key = d2i_PUBKEY(NULL, &p, (long)c->spki.raw.len);
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  int r = -1;
  if (key != NULL && ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) == 1) {
    r = EVP_DigestVerify(ctx, o->signature.p, o->signature.len, o->tbs.p, o->tbs.len) == 1;
    if (!r)
      snprintf(why, whysz, "the signature does not verify with the responder's key");
  }
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  ERR_clear_error(); /* a failed verification is a finding, not the caller's error */
  return r;
}

static const signer_summary *signer_info(const casc_lint_ocsp *o) {
  signer_summary *s = &cache;
  const lint_rev_ctx *ctx = lint_rev_ctx_get();
  bool keyed = o->signature.len >= 16;
  size_t kl = o->signature.len < sizeof s->sig ? o->signature.len : sizeof s->sig;
  if (keyed && s->valid && s->ocsp == o && s->ctx == ctx && s->raw == o->raw.p &&
      s->raw_len == o->raw.len && s->sig_len == o->signature.len &&
      memcmp(s->sig, o->signature.p, kl) == 0)
    return s;
  memset(s, 0, sizeof *s);
  s->signer = -1;
  s->sig_ok = -1;
  casc_lint_cert *c = malloc(sizeof *c);
  s->n_certs = o->n_certs < CASC_LINT_MAX_OCSP_CERTS ? o->n_certs : CASC_LINT_MAX_OCSP_CERTS;
  for (size_t i = 0; c != NULL && i < s->n_certs; i++) {
    casc_error e = {0};
    if (casc_lint_parse_cert(o->certs[i].p, o->certs[i].len, c, &e) != CASC_OK) {
      if (s->n_bad++ == 0)
        s->first_bad = i;
      continue;
    }
    if (s->signer >= 0 || !rid_matches(o, c)) {
      s->n_other++;
      continue;
    }
    s->signer = (int)i;
    s->signer_ca = c->bc.present && c->bc.ca;
    s->eku_ocsp = c->eku.present && (c->eku.flags & CASC_EKU_OCSP_SIGNING);
    s->nocheck = c->ocsp_nocheck;
    s->nb_ok = c->not_before.ok_parse;
    s->na_ok = c->not_after.ok_parse;
    s->not_before = c->not_before.t;
    s->not_after = c->not_after.t;
    s->key_type = c->spki.type;
    if (ctx != NULL && ctx->has_ca) {
      s->issuer_checked = true;
      s->issuer_name_ok = casc_lint_bytes_eq(c->issuer.raw, ctx->ca_name);
      s->issuer_aki_ok = ctx->ca_key_id.len == 0 || !c->aki.present ||
                         casc_lint_bytes_eq(c->aki.key_id, ctx->ca_key_id);
    }
    s->sig_ok = verify(o, c, s->sig_why, sizeof s->sig_why);
  }
  free(c);
  s->ocsp = o;
  s->ctx = ctx;
  s->raw = o->raw.p;
  s->raw_len = o->raw.len;
  s->sig_len = o->signature.len;
  if (kl > 0)
    memcpy(s->sig, o->signature.p, kl);
  s->valid = keyed;
  return s;
}

#define RUN(fn) static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz)
#define FAIL(...)                                                                                  \
  do {                                                                                             \
    snprintf(det, detsz, __VA_ARGS__);                                                             \
    return CASC_LINT_FAIL;                                                                         \
  } while (0)

static bool basic(const casc_lint_input *in) {
  const casc_lint_ocsp *o = in->ocsp;
  return o->response_status == 0 && o->has_bytes && o->is_basic;
}

static bool has_certs(const casc_lint_input *in) {
  return basic(in) && in->ocsp->certs_present && in->ocsp->n_certs > 0;
}

/* applies() of the table's first lint: where a check starts (the registry
 * runs a table in order), so an earlier input's summary is dropped. */
static bool first_has_certs(const casc_lint_input *in) {
  cache.valid = false;
  return has_certs(in);
}

/* The signer is a delegated responder whose certificate is included. */
static bool delegated(const casc_lint_input *in) {
  if (!has_certs(in))
    return false;
  const signer_summary *s = signer_info(in->ocsp);
  return s->signer >= 0 && !s->signer_ca;
}

static bool signer_found(const casc_lint_input *in) {
  return has_certs(in) && signer_info(in->ocsp)->signer >= 0;
}

RUN(run_certs_decode) {
  const signer_summary *s = signer_info(in->ocsp);
  if (s->n_bad == 0)
    return CASC_LINT_PASS;
  FAIL("certificate %zu of certs does not decode", s->first_bad);
}

RUN(run_rid_match) {
  const signer_summary *s = signer_info(in->ocsp);
  if (s->signer >= 0 || s->n_bad > 0)
    return CASC_LINT_PASS;
  FAIL("none of the %zu certificates in certs is the one responderID names", s->n_certs);
}

RUN(run_certs_only_signer) {
  const signer_summary *s = signer_info(in->ocsp);
  if (s->signer < 0 || s->n_other == 0)
    return s->signer < 0 ? CASC_LINT_NA : CASC_LINT_PASS;
  FAIL("certs holds %zu certificate%s besides the responder's", s->n_other,
       s->n_other == 1 ? "" : "s");
}

RUN(run_eku) {
  if (signer_info(in->ocsp)->eku_ocsp)
    return CASC_LINT_PASS;
  FAIL("the delegated responder's certificate has no id-kp-OCSPSigning extended key usage");
}

RUN(run_nocheck) {
  if (signer_info(in->ocsp)->nocheck)
    return CASC_LINT_PASS;
  FAIL("the delegated responder's certificate has no id-pkix-ocsp-nocheck extension");
}

RUN(run_validity) {
  const signer_summary *s = signer_info(in->ocsp);
  const casc_lint_time *pa = &in->ocsp->produced_at;
  if (!pa->ok_parse || !s->nb_ok || !s->na_ok)
    return CASC_LINT_NA;
  if (pa->t >= s->not_before && pa->t <= s->not_after)
    return CASC_LINT_PASS;
  FAIL("producedAt is outside the responder certificate's validity");
}

RUN(run_key_match) {
  const signer_summary *s = signer_info(in->ocsp);
  int fam = lint_sig_alg_family(in->ocsp->sig_alg_oid);
  bool rsa_alg = fam == 1 || fam == 2 || CASC_LINT_OID_IS(in->ocsp->sig_alg_oid, CASC_OID_SHA1_RSA);
  bool ec_alg = fam == 3 || CASC_LINT_OID_IS(in->ocsp->sig_alg_oid, CASC_OID_ECDSA_SHA1);
  if (!rsa_alg && !ec_alg)
    return CASC_LINT_NA;
  if (rsa_alg && (s->key_type == CASC_LINT_KEY_RSA || s->key_type == CASC_LINT_KEY_RSA_PSS))
    return CASC_LINT_PASS;
  if (ec_alg && s->key_type == CASC_LINT_KEY_EC)
    return CASC_LINT_PASS;
  FAIL("an %s signature algorithm with the responder's %s key", rsa_alg ? "RSA" : "ECDSA",
       s->key_type == CASC_LINT_KEY_EC    ? "EC"
       : s->key_type == CASC_LINT_KEY_RSA ? "RSA"
                                          : "other");
}

RUN(run_signature) {
  const signer_summary *s = signer_info(in->ocsp);
  if (s->sig_ok < 0)
    return CASC_LINT_NA;
  if (s->sig_ok == 1)
    return CASC_LINT_PASS;
  FAIL("%s", s->sig_why);
}

static bool delegated_and_ca(const casc_lint_input *in) {
  return delegated(in) && signer_info(in->ocsp)->issuer_checked;
}

RUN(run_issued_by_ca) {
  const signer_summary *s = signer_info(in->ocsp);
  if (!s->issuer_name_ok)
    FAIL("the delegated responder's certificate is not issued by the CA whose certificates the "
         "response is about (issuer name)");
  if (!s->issuer_aki_ok)
    FAIL("the delegated responder's certificate is not issued by the CA whose certificates the "
         "response is about (authorityKeyIdentifier)");
  return CASC_LINT_PASS;
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

const casc_lint casc_lints_ocsp_signer[] = {
    LINT("e_ocsp_certs_malformed", ERROR, "RFC 6960 4.2.1", R6960, 0, first_has_certs,
         run_certs_decode),
    LINT("e_ocsp_responder_id_not_in_certs", ERROR, "RFC 6960 4.2.1, 4.2.2.3; RFC 5019 2.2.2",
         R6960, 0, has_certs, run_rid_match),
    LINT("w_ocsp_certs_not_only_responder", WARN, "RFC 5019 2.2.2; RFC 6960 4.2.1", R5019, 0,
         has_certs, run_certs_only_signer),
    LINT("e_ocsp_responder_missing_ocsp_signing_eku", ERROR, "RFC 6960 4.2.2.2; TLS BR 4.9.9",
         R6960, 0, delegated, run_eku),
    LINT("e_ocsp_responder_missing_nocheck", ERROR, "TLS BR 4.9.9; RFC 6960 4.2.2.2.1", BR,
         LINT_DATE_BR_1_0, delegated, run_nocheck),
    LINT("e_ocsp_responder_not_valid_at_produced_at", ERROR, "RFC 6960 3.2, 4.2.2.2", R6960, 0,
         signer_found, run_validity),
    LINT("e_ocsp_sig_alg_key_mismatch", ERROR, "RFC 6960 3.2; TLS BR 7.1.3.2", R6960, 0,
         signer_found, run_key_match),
    LINT("e_ocsp_signature_invalid", ERROR, "RFC 6960 3.2", R6960, 0, signer_found,
         run_signature),
    LINT("e_ocsp_responder_not_issued_by_ca", ERROR, "RFC 6960 4.2.2.2; TLS BR 4.9.9", R6960, 0,
         delegated_and_ca, run_issued_by_ca),
};
CASC_LINT_TABLE(casc_lints_ocsp_signer);

/* --- lint-before-sign ---------------------------------------------------------------------- */
casc_err casc_lint_ocsp_template(const unsigned char *der, size_t len, X509 *issuer, time_t now,
                                 casc_error *e) {
  casc_lint_report rep;
  if (!casc_lint_der_issuer(CASC_LINT_KIND_OCSP, der, len, issuer, CASC_CRL_SCOPE_UNKNOWN, now,
                            &rep))
    return CASC_OK;
  return casc_error_set(e, CASC_ERR_POLICY, "OCSP response refused by lint: %s", rep.text);
}
