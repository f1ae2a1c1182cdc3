/* Key quality of EC and other public keys: BR 6.1.5 algorithms and
 * curves, BR 6.1.6 point validation, key usages that fit the key type
 * (BR 7.1.2.7.11, RFC 8813). */
#include "cert_br_util.h"

#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static bool is_ec(const casc_lint_input *in) {
  return in->cert != NULL && in->cert->spki.type == CASC_LINT_KEY_EC;
}

static bool is_named_ec(const casc_lint_input *in) {
  return is_ec(in) && in->cert->spki.curve != CASC_LINT_CURVE_NONE &&
         in->cert->spki.curve != CASC_LINT_CURVE_OTHER;
}

static casc_lint_result run_curve(const casc_lint_input *in, char *det, size_t detsz) {
  casc_lint_curve c = in->cert->spki.curve;
  if (c == CASC_LINT_CURVE_P256 || c == CASC_LINT_CURVE_P384 || c == CASC_LINT_CURVE_P521)
    return CASC_LINT_PASS;
  char oid[64];
  snprintf(det, detsz, "EC key on curve %s, not P-256, P-384 or P-521",
           in->cert->spki.curve_oid.len ? casc_lint_oid_str(in->cert->spki.curve_oid, oid, sizeof oid)
                                        : "(not a named curve)");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_named(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_bytes p = in->cert->spki.params;
  if (p.len > 0 && p.p[0] == 0x06)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "EC parameters are %s, not a namedCurve OID",
           p.len == 0 ? "absent" : p.p[0] == 0x05 ? "NULL (implicitCurve)" : "specifiedCurve");
  return CASC_LINT_FAIL;
}

/* The three groups, made once: EC_GROUP objects are safe to share for
 * read-only use. */
static EC_GROUP *groups[3];
static pthread_once_t groups_once = PTHREAD_ONCE_INIT;
static void groups_init(void) {
  groups[0] = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  groups[1] = EC_GROUP_new_by_curve_name(NID_secp384r1);
  groups[2] = EC_GROUP_new_by_curve_name(NID_secp521r1);
}

/* Verdicts on the last few points checked on this thread: a corpus
 * repeats keys (an issuer's responders, re-issued certificates). */
#define POINT_SLOTS 8
typedef struct {
  unsigned char p[133]; /* an uncompressed P-521 point */
  size_t len;
  int curve, ok;
} point_slot;
static _Thread_local point_slot point_cache[POINT_SLOTS];
static _Thread_local unsigned point_next;

static int point_valid(casc_lint_curve curve, const unsigned char *p, size_t len) {
  for (unsigned i = 0; i < POINT_SLOTS; i++)
    if (point_cache[i].len == len && len > 0 && point_cache[i].curve == (int)curve &&
        memcmp(point_cache[i].p, p, len) == 0)
      return point_cache[i].ok;
  pthread_once(&groups_once, groups_init);
  const EC_GROUP *g = curve == CASC_LINT_CURVE_P256   ? groups[0]
                      : curve == CASC_LINT_CURVE_P384 ? groups[1]
                                                      : groups[2];
  int ok = 0;
  EC_POINT *pt = g != NULL ? EC_POINT_new(g) : NULL;
  /* oct2point rejects encodings of the wrong length and, through
   * EC_POINT_set_affine_coordinates, points off the curve (OpenSSL >= 1.1.1;
   * a second is_on_curve would cost three times the decode). The infinity
   * encoding (one 0x00) is rejected separately. These curves have cofactor
   * 1, so on the curve means in the group. */
  if (pt != NULL && len > 1 && EC_POINT_oct2point(g, pt, p, len, NULL) == 1 &&
      !EC_POINT_is_at_infinity(g, pt))
    ok = 1;
  EC_POINT_free(pt);
  if (len <= sizeof point_cache[0].p) {
    point_slot *sl = &point_cache[point_next++ % POINT_SLOTS];
    memcpy(sl->p, p, len);
    sl->len = len;
    sl->curve = (int)curve;
    sl->ok = ok;
  }
  return ok;
}

static casc_lint_result run_point(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_spki *k = &in->cert->spki;
  if (k->key_unused_bits == 0 && point_valid(k->curve, k->key.p, k->key.len))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "the EC public key (%zu octets) is not a valid point of its curve",
           k->key.len);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_compressed(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_bytes k = in->cert->spki.key;
  if (k.len == 0 || k.p[0] == 0x04)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "the EC point is not in uncompressed form (first octet 0x%02x)", k.p[0]);
  return CASC_LINT_FAIL;
}

static bool tls_or_ca(const casc_lint_input *in) { return casc_br_applies_tls_any(in); }

static casc_lint_result run_key_type(const casc_lint_input *in, char *det, size_t detsz) {
  casc_lint_key_type t = in->cert->spki.type;
  if (t == CASC_LINT_KEY_RSA || t == CASC_LINT_KEY_EC)
    return CASC_LINT_PASS;
  char oid[64];
  snprintf(det, detsz, "public key algorithm %s is neither RSA nor ECDSA",
           casc_lint_oid_str(in->cert->spki.alg_oid, oid, sizeof oid));
  return CASC_LINT_FAIL;
}

static casc_lint_result run_dsa(const casc_lint_input *in, char *det, size_t detsz) {
  bool dsa_key = in->cert->spki.type == CASC_LINT_KEY_DSA;
  bool dsa_sig = in->cert->sig_alg_oid.len >= 7 &&
                 memcmp(in->cert->sig_alg_oid.p, "\x2a\x86\x48\xce\x38\x04", 6) == 0;
  bool dsa_sig2 = in->cert->sig_alg_oid.len == 9 &&
                  memcmp(in->cert->sig_alg_oid.p, "\x60\x86\x48\x01\x65\x03\x04\x03", 8) == 0 &&
                  in->cert->sig_alg_oid.p[8] >= 1 && in->cert->sig_alg_oid.p[8] <= 8;
  if (!dsa_key && !dsa_sig && !dsa_sig2)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "DSA %s", dsa_key ? "public key" : "signature");
  return CASC_LINT_FAIL;
}

static bool ec_with_ku(const casc_lint_input *in) { return is_ec(in) && in->cert->ku.present; }

static casc_lint_result run_ec_ku_rfc8813(const casc_lint_input *in, char *det, size_t detsz) {
  unsigned bad = in->cert->ku.bits & (CASC_KU_KEY_ENCIPHERMENT | CASC_KU_DATA_ENCIPHERMENT);
  if (bad == 0)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "keyUsage asserts %s with an EC key",
           (bad & CASC_KU_KEY_ENCIPHERMENT) ? "keyEncipherment" : "dataEncipherment");
  return CASC_LINT_FAIL;
}

static bool tls_ec_ku(const casc_lint_input *in) {
  return ec_with_ku(in) && in->profile == CASC_LINT_PROFILE_TLS;
}

static casc_lint_result run_tls_ec_ku(const casc_lint_input *in, char *det, size_t detsz) {
  unsigned b = in->cert->ku.bits;
  if (!(b & CASC_KU_DIGITAL_SIGNATURE)) {
    snprintf(det, detsz, "digitalSignature is not set for an EC subscriber key");
    return CASC_LINT_FAIL;
  }
  unsigned other = b & ~(unsigned)(CASC_KU_DIGITAL_SIGNATURE | CASC_KU_KEY_AGREEMENT);
  if (other == 0)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "keyUsage bits 0x%x are not allowed with an EC subscriber key", other);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_tls_ec_ka(const casc_lint_input *in, char *det, size_t detsz) {
  if (!(in->cert->ku.bits & CASC_KU_KEY_AGREEMENT))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "keyAgreement is set (allowed, not recommended)");
  return CASC_LINT_FAIL;
}

static bool tls_rsa_ku(const casc_lint_input *in) {
  return in->cert != NULL && in->cert->spki.type == CASC_LINT_KEY_RSA && in->cert->ku.present &&
         in->profile == CASC_LINT_PROFILE_TLS;
}

static casc_lint_result run_tls_rsa_ku(const casc_lint_input *in, char *det, size_t detsz) {
  unsigned b = in->cert->ku.bits;
  unsigned other = b & ~(unsigned)(CASC_KU_DIGITAL_SIGNATURE | CASC_KU_KEY_ENCIPHERMENT);
  if (other == 0 && b != 0)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "keyUsage bits 0x%x are not allowed with an RSA subscriber key", other);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_tls_rsa_ds(const casc_lint_input *in, char *det, size_t detsz) {
  if (in->cert->ku.bits & CASC_KU_DIGITAL_SIGNATURE)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "digitalSignature is not set: the key cannot be used with TLS 1.3");
  return CASC_LINT_FAIL;
}

#define KEY_LINT(nm, al, lv, cit, src, eff, app, fn)                                               \
  {.name = nm, .alias = al, .level = lv, .citation = cit, .source = src, .effective = eff,          \
   .kind = CASC_LINT_KIND_CERT, .applies = app, .run = fn}

const casc_lint casc_lints_key_ec[] = {
    KEY_LINT("e_ec_improper_curves", "e_ec_improper_curves", CASC_LINT_ERROR, "TLS BR 6.1.5",
             CASC_LINT_SRC_TLSBR, 0, is_ec, run_curve),
    KEY_LINT("e_ec_spki_params_not_named_curve", NULL, CASC_LINT_ERROR, "RFC 5480 2.1.1",
             CASC_LINT_SRC_CASC, 0, is_ec, run_named),
    KEY_LINT("e_ec_public_key_invalid_point", NULL, CASC_LINT_ERROR, "TLS BR 6.1.6; RFC 5480 2.2",
             CASC_LINT_SRC_TLSBR, 0, is_named_ec, run_point),
    KEY_LINT("n_ec_point_compressed", NULL, CASC_LINT_NOTICE, "RFC 5480 2.2",
             CASC_LINT_SRC_CASC, 0, is_ec, run_compressed),
    KEY_LINT("e_public_key_type_not_allowed", "e_public_key_type_not_allowed", CASC_LINT_ERROR,
             "TLS BR 6.1.5", CASC_LINT_SRC_TLSBR, 0, tls_or_ca, run_key_type),
    KEY_LINT("e_br_prohibit_dsa_usage", "e_br_prohibit_dsa_usage", CASC_LINT_ERROR,
             "TLS BR 6.1.5 (DSA removed in 1.7.1)", CASC_LINT_SRC_TLSBR, CASC_BR_DATE(2020, 8, 20),
             tls_or_ca, run_dsa),
    KEY_LINT("e_ecdsa_allowed_ku", "e_ecdsa_allowed_ku", CASC_LINT_ERROR, "RFC 8813 3",
             CASC_LINT_SRC_CASC, 0, ec_with_ku, run_ec_ku_rfc8813),
    KEY_LINT("e_cabf_ecc_allowed_key_usages", "e_cabf_ecc_allowed_key_usages", CASC_LINT_ERROR,
             "TLS BR 7.1.2.7.11", CASC_LINT_SRC_TLSBR, CASC_BR_SC62, tls_ec_ku, run_tls_ec_ku),
    KEY_LINT("w_cabf_ecc_ku_keyagreement_present", "w_cabf_ecc_ku_keyagreement_present",
             CASC_LINT_WARN, "TLS BR 7.1.2.7.11", CASC_LINT_SRC_TLSBR, CASC_BR_SC62, tls_ec_ku,
             run_tls_ec_ka),
    KEY_LINT("e_cabf_rsa_allowed_key_usages", NULL, CASC_LINT_ERROR, "TLS BR 7.1.2.7.11",
             CASC_LINT_SRC_TLSBR, CASC_BR_SC62, tls_rsa_ku, run_tls_rsa_ku),
    KEY_LINT("w_cabf_rsa_digital_signature_not_set", NULL, CASC_LINT_WARN, "TLS BR 7.1.2.7.11",
             CASC_LINT_SRC_TLSBR, CASC_BR_SC62, tls_rsa_ku, run_tls_rsa_ds),
};
CASC_LINT_TABLE(casc_lints_key_ec);
