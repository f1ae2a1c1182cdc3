/* Lint-before-sign for CRLs and OCSP responses (casc/lint_sign.h): the
 * signer's context, held for one check on this thread, and the helpers that
 * the CRL and OCSP lint files share. */
#include "crl_context.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <string.h>

static _Thread_local const lint_rev_ctx *current;

/* The registry builds its list of lints on first use, unlocked; the CA may
 * lint from several threads at once (casc serve's CRL and OCSP threads), so
 * every lint-before-sign entry point makes that first use happen once. */
static pthread_once_t registry_once = PTHREAD_ONCE_INIT;
static void registry_init(void) { (void)casc_lint_count(); }
static void registry_ready(void) { pthread_once(&registry_once, registry_init); }

const lint_rev_ctx *lint_rev_ctx_get(void) { return current; }

casc_crl_scope lint_crl_scope(const casc_lint_crl *crl) {
  if (crl->idp.present && crl->idp.only_ca && !crl->idp.only_user)
    return CASC_CRL_SCOPE_CA;
  if (crl->idp.present && crl->idp.only_user && !crl->idp.only_ca)
    return current != NULL && current->scope == CASC_CRL_SCOPE_CODE_SIGNING
               ? CASC_CRL_SCOPE_CODE_SIGNING
               : CASC_CRL_SCOPE_SUBSCRIBER;
  return current != NULL ? current->scope : CASC_CRL_SCOPE_UNKNOWN;
}

void lint_serial_hex(casc_lint_bytes s, char *out, size_t outsz) {
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;
  for (size_t i = 0; i < s.len; i++) {
    if (o + 6 > outsz) {
      memcpy(out + o, "...", 3);
      o += 3;
      break;
    }
    out[o++] = hex[s.p[i] >> 4];
    out[o++] = hex[s.p[i] & 15];
  }
  out[o] = '\0';
}

bool lint_rfc5280_time_ok(const casc_lint_time *t, const char *field, char *det, size_t detsz) {
  if (!t->ok_parse) {
    snprintf(det, detsz, "%s is not a valid time", field);
    return false;
  }
  if (!t->ok_der) {
    snprintf(det, detsz, "%s \"%.*s\" is not of the form %s", field, (int)t->value.len,
             (const char *)t->value.p,
             t->tag == 0x17 ? "YYMMDDHHMMSSZ" : "YYYYMMDDHHMMSSZ");
    return false;
  }
  /* 2050-01-01T00:00:00Z */
  bool want_utc = t->t < (time_t)2524608000;
  if (want_utc != (t->tag == 0x17)) {
    snprintf(det, detsz, "%s is a %s for a date %s 2050", field,
             t->tag == 0x17 ? "UTCTime" : "GeneralizedTime", want_utc ? "before" : "in or after");
    return false;
  }
  return true;
}

int lint_sig_alg_family(casc_lint_bytes oid) {
  if (CASC_LINT_OID_IS(oid, CASC_OID_SHA256_RSA) || CASC_LINT_OID_IS(oid, CASC_OID_SHA384_RSA) ||
      CASC_LINT_OID_IS(oid, CASC_OID_SHA512_RSA))
    return 1;
  if (CASC_LINT_OID_IS(oid, CASC_OID_RSA_PSS))
    return 2;
  if (CASC_LINT_OID_IS(oid, CASC_OID_ECDSA_SHA256) || CASC_LINT_OID_IS(oid, CASC_OID_ECDSA_SHA384) ||
      CASC_LINT_OID_IS(oid, CASC_OID_ECDSA_SHA512))
    return 3;
  return 0;
}

bool lint_sig_alg_weak(casc_lint_bytes oid) {
  return CASC_LINT_OID_IS(oid, CASC_OID_SHA1_RSA) || CASC_LINT_OID_IS(oid, CASC_OID_MD5_RSA) ||
         CASC_LINT_OID_IS(oid, CASC_OID_ECDSA_SHA1) ||
         CASC_LINT_OID_IS(oid, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x02") || /* md2WithRSA */
         CASC_LINT_OID_IS(oid, "\x2a\x86\x48\xce\x38\x04\x03");           /* dsa-with-sha1 */
}

/* Fills ctx from the CA certificate; *name_der (OPENSSL_free) backs ctx->ca_name. */
static bool ctx_from_cert(X509 *ca, casc_crl_scope scope, lint_rev_ctx *ctx,
                          unsigned char **name_der) {
  memset(ctx, 0, sizeof *ctx);
  ctx->scope = scope;
  *name_der = NULL;
  if (ca == NULL)
    return true;
  int n = i2d_X509_NAME(X509_get_subject_name(ca), name_der);
  unsigned l1 = 0, l2 = 0, l3 = 0, l4 = 0;
  if (n <= 0 || EVP_Digest(*name_der, (size_t)n, ctx->name_sha1, &l1, EVP_sha1(), NULL) != 1 ||
      EVP_Digest(*name_der, (size_t)n, ctx->name_sha256, &l2, EVP_sha256(), NULL) != 1 ||
      X509_pubkey_digest(ca, EVP_sha1(), ctx->key_sha1, &l3) != 1 ||
      X509_pubkey_digest(ca, EVP_sha256(), ctx->key_sha256, &l4) != 1)
    return false;
  ctx->ca_name.p = *name_der;
  ctx->ca_name.len = (size_t)n;
  const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(ca);
  if (ski != NULL) {
    ctx->ca_key_id.p = ASN1_STRING_get0_data(ski);
    ctx->ca_key_id.len = (size_t)ASN1_STRING_length(ski);
  }
  ctx->has_ca = true;
  return true;
}

bool casc_lint_der_issuer(casc_lint_kind kind, const unsigned char *der, size_t len, X509 *issuer,
                          casc_crl_scope scope, time_t now, casc_lint_report *rep) {
  registry_ready();
  lint_rev_ctx ctx;
  unsigned char *name_der = NULL;
  if (!ctx_from_cert(issuer, scope, &ctx, &name_der)) {
    OPENSSL_free(name_der);
    if (rep != NULL) {
      memset(rep, 0, sizeof *rep);
      rep->n_fatal = 1;
      snprintf(rep->text, sizeof rep->text, "cannot read the issuing CA's certificate");
    }
    return true;
  }
  const lint_rev_ctx *saved = current;
  current = &ctx;
  bool bad = casc_lint_der(kind, CASC_LINT_PROFILE_AUTO, der, len, now, rep);
  current = saved;
  OPENSSL_free(name_der);
  return bad;
}

casc_lint_result casc_lint_ctx_check_issuer(casc_lint_ctx *lctx, casc_lint_kind kind,
                                            const unsigned char *der, size_t len, X509 *issuer,
                                            casc_crl_scope scope, time_t now, casc_lint_cb cb,
                                            void *arg) {
  registry_ready();
  lint_rev_ctx ctx;
  unsigned char *name_der = NULL;
  casc_lint_result r = CASC_LINT_FATAL;
  if (ctx_from_cert(issuer, scope, &ctx, &name_der)) {
    const lint_rev_ctx *saved = current;
    current = &ctx;
    r = casc_lint_ctx_check(lctx, kind, CASC_LINT_PROFILE_AUTO, der, len, now, cb, arg, NULL,
                            NULL);
    current = saved;
  } else if (cb != NULL) {
    cb(arg, casc_lint_fatal(), CASC_LINT_FATAL, "cannot read the issuing CA's certificate");
  }
  OPENSSL_free(name_der);
  return r;
}

casc_err casc_lint_crl_presign(const unsigned char *der, size_t len, X509 *issuer,
                               casc_crl_scope scope, time_t now, casc_error *e) {
  casc_lint_report rep;
  if (!casc_lint_der_issuer(CASC_LINT_KIND_CRL, der, len, issuer, scope, now, &rep))
    return CASC_OK;
  return casc_error_set(e, CASC_ERR_POLICY, "CRL refused by lint: %s", rep.text);
}

casc_err casc_lint_cert_presign(const unsigned char *der, size_t len, const char *profile,
                                time_t now, casc_error *e) {
  registry_ready();
  casc_lint_profile p = profile != NULL ? casc_lint_profile_from_name(profile)
                                        : CASC_LINT_PROFILE_AUTO;
  casc_lint_report rep;
  if (!casc_lint_der(CASC_LINT_KIND_CERT, p, der, len, now, &rep))
    return CASC_OK;
  return casc_error_set(e, CASC_ERR_POLICY, "certificate refused by lint: %s", rep.text);
}
