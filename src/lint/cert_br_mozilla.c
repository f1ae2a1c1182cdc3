/* Mozilla Root Store Policy 5.1-5.3: the exact algorithm encodings, keys
 * and key identifiers that Mozilla's root program adds to the TLS BRs. */
#include "cert_br_util.h"

#include <stdio.h>
#include <string.h>

#define MRSP "Mozilla Root Store Policy"
#define MRSP27 CASC_BR_DATE(2020, 1, 1) /* policy 2.7 */
#define C(in) ((in)->cert)
#define RUN(fn) static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz)
#define CHECK(cond, msg) return (cond) ? CASC_LINT_PASS : fail(det, detsz, (msg))
#define IS(b, lit) ((b).len == sizeof(lit) - 1 && memcmp((b).p, (lit), (b).len) == 0)

static casc_lint_result fail(char *det, size_t detsz, const char *msg) {
  snprintf(det, detsz, "%s", msg);
  return CASC_LINT_FAIL;
}

static bool tls(const casc_lint_input *in) {
  return casc_br_applies_tls_any(in) || casc_br_applies_precert(in);
}
static bool tls_ec(const casc_lint_input *in) {
  return tls(in) && C(in)->spki.type == CASC_LINT_KEY_EC;
}
static bool tls_ecdsa_sig(const casc_lint_input *in) {
  casc_lint_bytes o = C(in)->sig_alg_oid;
  return tls(in) && o.len >= 7 && memcmp(o.p, "\x2a\x86\x48\xce\x3d\x04", 6) == 0;
}
static bool tls_pss_sig(const casc_lint_input *in) {
  return tls(in) && CASC_LINT_OID_IS(C(in)->sig_alg_oid, CASC_OID_RSA_PSS);
}
static bool tls_rsa(const casc_lint_input *in) {
  return tls(in) && C(in)->spki.type == CASC_LINT_KEY_RSA && C(in)->spki.rsa_ok;
}

/* 5.1.2: P-256 and P-384 only, each with its one encoding. */
RUN(run_ec_spki) {
  casc_lint_bytes a = C(in)->spki.alg;
  CHECK(IS(a, "\x30\x13\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07") ||
            IS(a, "\x30\x10\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06\x05\x2b\x81\x04\x00\x22"),
        "EC subjectPublicKeyInfo algorithm is not the P-256 or P-384 encoding");
}
/* 5.1.2: ecdsa-with-SHA256 or -SHA384, parameters absent. */
RUN(run_ec_sig) {
  casc_lint_bytes a = C(in)->sig_alg_outer, b = C(in)->sig_alg_inner;
  bool ok_a = IS(a, "\x30\x0a\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x02") ||
              IS(a, "\x30\x0a\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x03");
  CHECK(ok_a && casc_lint_bytes_eq(a, b),
        "ECDSA signature algorithm is not ecdsa-with-SHA256/384 encoded without parameters");
}
/* 5.1.1: RSASSA-PSS with SHA-256/384/512, MGF1 with the same hash, salt = hash length. */
RUN(run_pss_sig) {
  static const unsigned char head[] = "\x30\x41\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0a\x30\x34"
                                      "\xa0\x0f\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02";
  casc_lint_bytes a = C(in)->sig_alg_outer;
  /* head, hash arc h, 05 00 a1 1c ... 02 h 05 00 a2 03 02 01 salt */
  if (a.len != 67 || memcmp(a.p, head, sizeof head - 1) != 0)
    return fail(det, detsz, "RSASSA-PSS parameters are not one of the allowed encodings");
  unsigned h = a.p[sizeof head - 1];
  static const unsigned char mid[] = "\x05\x00\xa1\x1c\x30\x1a\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01"
                                     "\x01\x08\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02";
  const unsigned char *p = a.p + sizeof head;
  unsigned salt = h == 1 ? 32 : h == 2 ? 48 : h == 3 ? 64 : 0;
  bool ok = salt != 0 && memcmp(p, mid, sizeof mid - 1) == 0 && p[sizeof mid - 1] == h &&
            memcmp(p + sizeof mid, "\x05\x00\xa2\x03\x02\x01", 6) == 0 && p[sizeof mid + 6] == salt;
  CHECK(ok, "RSASSA-PSS parameters are not one of the allowed encodings");
}
RUN(run_rsa_2048) {
  if (C(in)->spki.rsa_bits >= 2048)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "RSA modulus of %u bits", C(in)->spki.rsa_bits);
  return CASC_LINT_FAIL;
}
/* 5.2: an authorityKeyIdentifier with both the key ID and issuer and serial */
RUN(run_aki) {
  CHECK(!(C(in)->aki.key_id.len > 0 && (C(in)->aki.has_issuer || C(in)->aki.has_serial)),
        "authorityKeyIdentifier has both keyIdentifier and issuer/serial");
}
/* 5.3: an intermediate for both TLS and S/MIME, or for anything */
static bool subca(const casc_lint_input *in) { return casc_lint_applies_subca(in); }
RUN(run_subca_eku) {
  unsigned f = C(in)->eku.flags;
  if (!C(in)->eku.present)
    return CASC_LINT_PASS;
  if (f & CASC_EKU_ANY)
    return fail(det, detsz, "anyExtendedKeyUsage in an intermediate");
  CHECK(!((f & CASC_EKU_SERVER_AUTH) && (f & CASC_EKU_EMAIL)),
        "an intermediate for both serverAuth and emailProtection");
}

#define MP_LINT(nm, lv, cit, app, fn)                                                              \
  {.name = nm, .alias = nm, .level = lv, .citation = cit, .source = MRSP, .effective = MRSP27,     \
   .kind = CASC_LINT_KIND_CERT, .applies = app, .run = fn}

const casc_lint casc_lints_cert_br_mozilla[] = {
    MP_LINT("e_mp_ecdsa_pub_key_encoding_correct", CASC_LINT_ERROR, "MRSP 5.1.2", tls_ec, run_ec_spki),
    MP_LINT("e_mp_ecdsa_signature_encoding_correct", CASC_LINT_ERROR, "MRSP 5.1.2", tls_ecdsa_sig, run_ec_sig),
    MP_LINT("e_mp_rsassa-pss_parameters_encoding_in_signature_algorithm_correct", CASC_LINT_ERROR,
            "MRSP 5.1.1", tls_pss_sig, run_pss_sig),
    MP_LINT("e_mp_modulus_must_be_2048_bits_or_more", CASC_LINT_ERROR, "MRSP 5.1", tls_rsa, run_rsa_2048),
    MP_LINT("e_mp_authority_key_identifier_correct", CASC_LINT_ERROR, "MRSP 5.2", tls, run_aki),
    MP_LINT("n_mp_allowed_eku", CASC_LINT_NOTICE, "MRSP 5.3", subca, run_subca_eku),
};
CASC_LINT_TABLE(casc_lints_cert_br_mozilla);
