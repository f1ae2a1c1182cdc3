/* Key quality of RSA public keys: BR 6.1.5 sizes, BR 6.1.6 modulus and
 * exponent, and the weak-generator fingerprints (ROCA, close primes). */
#include "cert_br_util.h"
#include "key_quality.h"

#include <stdio.h>

#define MOZILLA "Mozilla Root Store Policy"

static bool rsa_ok(const casc_lint_input *in) {
  return in->cert != NULL && in->cert->spki.type == CASC_LINT_KEY_RSA && in->cert->spki.rsa_ok;
}

static bool rsa_spki(const casc_lint_input *in) {
  return in->cert != NULL && in->cert->spki.type == CASC_LINT_KEY_RSA;
}

static void facts(const casc_lint_input *in, casc_lint_rsa_facts *f) {
  casc_lint_bytes n = in->cert->spki.rsa_n;
  casc_lint_rsa_facts_get(n.p, n.len, f);
}

static casc_lint_result run_no_key(const casc_lint_input *in, char *det, size_t detsz) {
  if (in->cert->spki.rsa_ok)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "the RSAPublicKey in the subjectPublicKeyInfo does not decode");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_mod_2048(const casc_lint_input *in, char *det, size_t detsz) {
  if (in->cert->spki.rsa_bits >= 2048)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "RSA modulus of %u bits", in->cert->spki.rsa_bits);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_mod_div8(const casc_lint_input *in, char *det, size_t detsz) {
  if (in->cert->spki.rsa_bits % 8 == 0)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "RSA modulus of %u bits, not a multiple of 8", in->cert->spki.rsa_bits);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_mod_negative(const casc_lint_input *in, char *det, size_t detsz) {
  casc_lint_bytes n = in->cert->spki.rsa_n;
  if (n.len > 0 && !(n.p[0] & 0x80))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "the RSA modulus is negative or empty");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_mod_odd(const casc_lint_input *in, char *det, size_t detsz) {
  casc_lint_rsa_facts f;
  facts(in, &f);
  if (f.odd)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "the RSA modulus is even");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_small_factor(const casc_lint_input *in, char *det, size_t detsz) {
  casc_lint_rsa_facts f;
  facts(in, &f);
  if (f.small_factor == 0)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "the RSA modulus is divisible by %u", f.small_factor);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_roca(const casc_lint_input *in, char *det, size_t detsz) {
  casc_lint_rsa_facts f;
  facts(in, &f);
  if (!f.roca)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "the RSA modulus has the Infineon RSALib fingerprint (ROCA, CVE-2017-15361)");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_fermat(const casc_lint_input *in, char *det, size_t detsz) {
  casc_lint_rsa_facts f;
  facts(in, &f);
  if (!f.fermat)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "the RSA modulus factors by Fermat's method: its primes are too close");
  return CASC_LINT_FAIL;
}

static void exp_facts(const casc_lint_input *in, casc_lint_rsa_exp_facts *f) {
  casc_lint_rsa_exp_facts_get(in->cert->spki.rsa_e.p, in->cert->spki.rsa_e.len, f);
}

static casc_lint_result run_exp_negative(const casc_lint_input *in, char *det, size_t detsz) {
  casc_lint_rsa_exp_facts f;
  exp_facts(in, &f);
  if (f.positive)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "the RSA public exponent is zero or negative");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_exp_odd(const casc_lint_input *in, char *det, size_t detsz) {
  casc_lint_rsa_exp_facts f;
  exp_facts(in, &f);
  if (!f.positive || f.odd)
    return CASC_LINT_PASS; /* a non-positive exponent is its own finding */
  snprintf(det, detsz, "the RSA public exponent is even");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_exp_small(const casc_lint_input *in, char *det, size_t detsz) {
  casc_lint_rsa_exp_facts f;
  exp_facts(in, &f);
  if (!f.positive || !f.below3)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "the RSA public exponent is below 3");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_exp_one(const casc_lint_input *in, char *det, size_t detsz) {
  casc_lint_rsa_exp_facts f;
  exp_facts(in, &f);
  if (!f.one)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "the RSA public exponent is 1");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_exp_range(const casc_lint_input *in, char *det, size_t detsz) {
  casc_lint_rsa_exp_facts f;
  exp_facts(in, &f);
  if (f.in_range)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "the RSA public exponent is outside 2^16+1 .. 2^256-1");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_pss_spki(const casc_lint_input *in, char *det, size_t detsz) {
  if (!CASC_LINT_OID_IS(in->cert->spki.alg_oid, CASC_OID_RSA_PSS))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "the subjectPublicKeyInfo uses id-RSASSA-PSS for an RSA key");
  return CASC_LINT_FAIL;
}

static bool any_rsa_or_pss(const casc_lint_input *in) {
  return in->cert != NULL &&
         (in->cert->spki.type == CASC_LINT_KEY_RSA || in->cert->spki.type == CASC_LINT_KEY_RSA_PSS);
}

#define KEY_LINT(nm, al, lv, cit, src, eff, app, fn)                                               \
  {.name = nm, .alias = al, .level = lv, .citation = cit, .source = src, .effective = eff,          \
   .kind = CASC_LINT_KIND_CERT, .applies = app, .run = fn}

const casc_lint casc_lints_key_rsa[] = {
    KEY_LINT("e_rsa_no_public_key", "e_rsa_no_public_key", CASC_LINT_ERROR, "RFC 3279 2.3.1",
             CASC_LINT_SRC_CASC, 0, rsa_spki, run_no_key),
    KEY_LINT("e_rsa_mod_less_than_2048_bits", "e_rsa_mod_less_than_2048_bits", CASC_LINT_ERROR,
             "TLS BR 6.1.5", CASC_LINT_SRC_TLSBR, CASC_BR_DATE(2014, 1, 1), rsa_ok, run_mod_2048),
    KEY_LINT("e_mp_modulus_must_be_divisible_by_8", "e_mp_modulus_must_be_divisible_by_8",
             CASC_LINT_ERROR, "Mozilla Root Store Policy 5.1", MOZILLA, CASC_BR_DATE(2020, 2, 1),
             rsa_ok, run_mod_div8),
    KEY_LINT("e_rsa_mod_negative", NULL, CASC_LINT_ERROR, "RFC 3279 2.3.1", CASC_LINT_SRC_CASC, 0,
             rsa_ok, run_mod_negative),
    KEY_LINT("w_rsa_mod_not_odd", "w_rsa_mod_not_odd", CASC_LINT_WARN, "TLS BR 6.1.6",
             CASC_LINT_SRC_TLSBR, 0, rsa_ok, run_mod_odd),
    KEY_LINT("w_rsa_mod_factors_smaller_than_752", "w_rsa_mod_factors_smaller_than_752",
             CASC_LINT_WARN, "TLS BR 6.1.6", CASC_LINT_SRC_TLSBR, 0, rsa_ok, run_small_factor),
    KEY_LINT("e_rsa_roca_fingerprint", NULL, CASC_LINT_ERROR,
             "TLS BR 6.1.1.3 (weak key); Nemec et al., CCS 2017 (ROCA)", CASC_LINT_SRC_TLSBR, 0,
             rsa_ok, run_roca),
    KEY_LINT("e_rsa_fermat_factorization", "e_rsa_fermat_factorization", CASC_LINT_ERROR,
             "TLS BR 6.1.1.3 (weak key); Fermat factorization", CASC_LINT_SRC_TLSBR, 0, rsa_ok,
             run_fermat),
    KEY_LINT("e_rsa_exp_negative", "e_rsa_exp_negative", CASC_LINT_ERROR, "RFC 3279 2.3.1",
             CASC_LINT_SRC_CASC, 0, rsa_ok, run_exp_negative),
    KEY_LINT("e_rsa_public_exponent_not_odd", "e_rsa_public_exponent_not_odd", CASC_LINT_ERROR,
             "TLS BR 6.1.6", CASC_LINT_SRC_TLSBR, 0, rsa_ok, run_exp_odd),
    KEY_LINT("e_rsa_public_exponent_too_small", "e_rsa_public_exponent_too_small",
             CASC_LINT_ERROR, "TLS BR 6.1.6", CASC_LINT_SRC_TLSBR, 0, rsa_ok, run_exp_small),
    KEY_LINT("e_mp_exponent_cannot_be_one", "e_mp_exponent_cannot_be_one", CASC_LINT_ERROR,
             "Mozilla Root Store Policy 5.2", MOZILLA, CASC_BR_DATE(2019, 1, 1), rsa_ok,
             run_exp_one),
    KEY_LINT("w_rsa_public_exponent_not_in_range", "w_rsa_public_exponent_not_in_range",
             CASC_LINT_WARN, "TLS BR 6.1.6", CASC_LINT_SRC_TLSBR, 0, rsa_ok, run_exp_range),
    KEY_LINT("e_mp_rsassa-pss_in_spki", "e_mp_rsassa-pss_in_spki", CASC_LINT_ERROR,
             "Mozilla Root Store Policy 5.1.1", MOZILLA, CASC_BR_DATE(2020, 2, 1), any_rsa_or_pss,
             run_pss_spki),
};
CASC_LINT_TABLE(casc_lints_key_rsa);
