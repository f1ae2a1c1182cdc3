/* TLS BR 7.1.3: the exact encodings of SubjectPublicKeyInfo
 * AlgorithmIdentifiers (7.1.3.1) and signature AlgorithmIdentifiers
 * (7.1.3.2), and the SHA-1 deadlines. */
#include "cert_br_util.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  const char *name;
  const unsigned char *der;
  size_t len;
} alg_enc;
#define ENC(n, lit) {n, (const unsigned char *)(lit), sizeof(lit) - 1}

/* 7.1.3.1.1 RSA and 7.1.3.1.2 ECDSA */
static const alg_enc spki_encs[] = {
    ENC("rsaEncryption", "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\x05\x00"),
    ENC("P-256", "\x30\x13\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07"),
    ENC("P-384", "\x30\x10\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06\x05\x2b\x81\x04\x00\x22"),
    ENC("P-521", "\x30\x10\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06\x05\x2b\x81\x04\x00\x23"),
};

/* 7.1.3.2.1 RSA (PKCS#1 v1.5 and RSASSA-PSS) and 7.1.3.2.2 ECDSA */
#define PSS_HEAD(l1) "\x30" l1 "\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0a"
static const alg_enc sig_encs[] = {
    ENC("sha256WithRSAEncryption", "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b\x05\x00"),
    ENC("sha384WithRSAEncryption", "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0c\x05\x00"),
    ENC("sha512WithRSAEncryption", "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0d\x05\x00"),
    ENC("RSASSA-PSS with SHA-256",
        PSS_HEAD("\x41") "\x30\x34\xa0\x0f\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05"
                         "\x00\xa1\x1c\x30\x1a\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x08\x30\x0d"
                         "\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\xa2\x03\x02\x01\x20"),
    ENC("RSASSA-PSS with SHA-384",
        PSS_HEAD("\x41") "\x30\x34\xa0\x0f\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x02\x05"
                         "\x00\xa1\x1c\x30\x1a\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x08\x30\x0d"
                         "\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x02\x05\x00\xa2\x03\x02\x01\x30"),
    ENC("RSASSA-PSS with SHA-512",
        PSS_HEAD("\x41") "\x30\x34\xa0\x0f\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x03\x05"
                         "\x00\xa1\x1c\x30\x1a\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x08\x30\x0d"
                         "\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x03\x05\x00\xa2\x03\x02\x01\x40"),
    ENC("ecdsa-with-SHA256", "\x30\x0a\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x02"),
    ENC("ecdsa-with-SHA384", "\x30\x0a\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x03"),
    ENC("ecdsa-with-SHA512", "\x30\x0a\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x04"),
};

static bool matches(casc_lint_bytes b, const alg_enc *t, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (b.len == t[i].len && memcmp(b.p, t[i].der, b.len) == 0)
      return true;
  return false;
}

static void hexdump(char *det, size_t detsz, const char *what, casc_lint_bytes b) {
  size_t o = (size_t)snprintf(det, detsz, "%s is not an allowed encoding: ", what);
  for (size_t i = 0; i < b.len && o + 3 < detsz; i++)
    o += (size_t)snprintf(det + o, detsz - o, "%02x", b.p[i]);
}

static casc_lint_result run_spki_enc(const casc_lint_input *in, char *det, size_t detsz) {
  casc_lint_bytes a = in->cert->spki.alg;
  if (matches(a, spki_encs, sizeof spki_encs / sizeof spki_encs[0]))
    return CASC_LINT_PASS;
  hexdump(det, detsz, "subjectPublicKeyInfo algorithm", a);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_sig_enc(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!matches(c->sig_alg_outer, sig_encs, sizeof sig_encs / sizeof sig_encs[0])) {
    hexdump(det, detsz, "signatureAlgorithm", c->sig_alg_outer);
    return CASC_LINT_FAIL;
  }
  if (!matches(c->sig_alg_inner, sig_encs, sizeof sig_encs / sizeof sig_encs[0])) {
    hexdump(det, detsz, "tbsCertificate.signature", c->sig_alg_inner);
    return CASC_LINT_FAIL;
  }
  return CASC_LINT_PASS;
}

/* The algorithm, whatever the parameters: SHA-256/384/512 with RSA,
 * RSASSA-PSS, ECDSA with SHA-256/384/512. */
static bool allowed_sig_oid(casc_lint_bytes o) {
  return CASC_LINT_OID_IS(o, CASC_OID_SHA256_RSA) || CASC_LINT_OID_IS(o, CASC_OID_SHA384_RSA) ||
         CASC_LINT_OID_IS(o, CASC_OID_SHA512_RSA) || CASC_LINT_OID_IS(o, CASC_OID_RSA_PSS) ||
         CASC_LINT_OID_IS(o, CASC_OID_ECDSA_SHA256) ||
         CASC_LINT_OID_IS(o, CASC_OID_ECDSA_SHA384) || CASC_LINT_OID_IS(o, CASC_OID_ECDSA_SHA512);
}

static casc_lint_result run_sig_supported(const casc_lint_input *in, char *det, size_t detsz) {
  if (allowed_sig_oid(in->cert->sig_alg_oid))
    return CASC_LINT_PASS;
  char oid[64];
  snprintf(det, detsz, "signature algorithm %s is not allowed",
           casc_lint_oid_str(in->cert->sig_alg_oid, oid, sizeof oid));
  return CASC_LINT_FAIL;
}

static bool is_sha1(casc_lint_bytes o) {
  return CASC_LINT_OID_IS(o, CASC_OID_SHA1_RSA) || CASC_LINT_OID_IS(o, CASC_OID_ECDSA_SHA1);
}

static bool sub_or_subca(const casc_lint_input *in) {
  return in->cert != NULL && (in->profile == CASC_LINT_PROFILE_TLS ||
                              casc_br_applies_tls_subca(in) || casc_br_applies_precert(in));
}

static casc_lint_result run_sha1(const casc_lint_input *in, char *det, size_t detsz) {
  if (!is_sha1(in->cert->sig_alg_oid))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "signed with SHA-1");
  return CASC_LINT_FAIL;
}

static bool tls_sub(const casc_lint_input *in) { return casc_br_applies_tls_or_precert(in); }

static casc_lint_result run_sha1_expiry(const casc_lint_input *in, char *det, size_t detsz) {
  if (!is_sha1(in->cert->sig_alg_oid) || in->cert->not_after.t < CASC_BR_DATE(2017, 1, 1))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "SHA-1 certificate expires after 2017-01-01");
  return CASC_LINT_FAIL;
}

static bool br_any(const casc_lint_input *in) {
  return casc_br_applies_tls_any(in) || casc_br_applies_precert(in);
}

#define BR_LINT(nm, al, lv, cit, eff, app, fn)                                                     \
  {.name = nm, .alias = al, .level = lv, .citation = cit, .source = CASC_LINT_SRC_TLSBR,           \
   .effective = eff, .kind = CASC_LINT_KIND_CERT, .applies = app, .run = fn}

const casc_lint casc_lints_cert_br_algs[] = {
    BR_LINT("e_algorithm_identifier_improper_encoding", "e_algorithm_identifier_improper_encoding",
            CASC_LINT_ERROR, "TLS BR 7.1.3.1", CASC_BR_DATE(2020, 9, 30), br_any, run_spki_enc),
    BR_LINT("e_br_signature_algorithm_improper_encoding", NULL, CASC_LINT_ERROR,
            "TLS BR 7.1.3.2", CASC_BR_DATE(2020, 9, 30), br_any, run_sig_enc),
    BR_LINT("e_signature_algorithm_not_supported", "e_signature_algorithm_not_supported",
            CASC_LINT_ERROR, "TLS BR 7.1.3.2", CASC_BR_DATE(2016, 1, 1), br_any,
            run_sig_supported),
    BR_LINT("e_sub_cert_or_sub_ca_using_sha1", "e_sub_cert_or_sub_ca_using_sha1",
            CASC_LINT_ERROR, "TLS BR 7.1.3", CASC_BR_DATE(2016, 1, 1), sub_or_subca, run_sha1),
    BR_LINT("w_sub_cert_sha1_expiration_too_long", "w_sub_cert_sha1_expiration_too_long",
            CASC_LINT_WARN, "TLS BR 7.1.3", 0, tls_sub, run_sha1_expiry),
};
CASC_LINT_TABLE(casc_lints_cert_br_algs);
