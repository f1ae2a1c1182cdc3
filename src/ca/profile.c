/* Issuance profiles: what each kind of certificate may be, with the rule
 * that says so. A refusal names its rule. */
#include "ca_internal.h"
#include "profile.h"

#include <ctype.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const casc_profile_def profiles[] = {
    {.id = CASC_PROFILE_TLS_SERVER, .name = "tls-server", .issuer_purpose = "tls-server",
     .kind = CASC_CERT_SUBSCRIBER, .default_days = 90,
     .ku_ec = CASC_KU_DIGITAL_SIGNATURE, .ku_rsa = CASC_KU_DIGITAL_SIGNATURE | CASC_KU_KEY_ENCIPHERMENT,
     .ekus = {NID_server_auth}, .n_ekus = 1,
     .policy = "2.23.140.1.2.1", /* BR 7.1.6.1 domain-validated */
     .min_rsa_bits = 2048, .key_rule = "BR 6.1.5"},
    {.id = CASC_PROFILE_CODE_SIGNING, .name = "code-signing", .issuer_purpose = "code-signing",
     .kind = CASC_CERT_SUBSCRIBER, .default_days = 365,
     .ku_ec = CASC_KU_DIGITAL_SIGNATURE, .ku_rsa = CASC_KU_DIGITAL_SIGNATURE,
     .ekus = {NID_code_sign}, .n_ekus = 1,
     .policy = "2.23.140.1.4.1", /* CSBR 7.1.6.1 code signing */
     .min_rsa_bits = 3072, .key_rule = "CSBR 6.1.5",
     .required = {NID_commonName, NID_organizationName, NID_countryName},
     .need_locality_or_state = true, .subject_rule = "CSBR 7.1.4.2.2"},
    {.id = CASC_PROFILE_TIMESTAMPING, .name = "timestamping", .issuer_purpose = "timestamping",
     .kind = CASC_CERT_SUBSCRIBER, .default_days = 1826,
     .ku_ec = CASC_KU_DIGITAL_SIGNATURE, .ku_rsa = CASC_KU_DIGITAL_SIGNATURE,
     .ekus = {NID_time_stamp}, .n_ekus = 1, .eku_critical = true, /* RFC 3161 2.3 */
     .policy = "2.23.140.1.4.2", /* CSBR 7.1.6.1 timestamping */
     .min_rsa_bits = 3072, .key_rule = "CSBR 6.1.5",
     .required = {NID_commonName, NID_organizationName, NID_countryName},
     .subject_rule = "CSBR 7.1.4.2.2"},
    {.id = CASC_PROFILE_OCSP_SIGNING, .name = "ocsp-signing", .issuer_purpose = "tls-server",
     .kind = CASC_CERT_OCSP_RESPONDER, .default_days = 90,
     .ku_ec = CASC_KU_DIGITAL_SIGNATURE, .ku_rsa = CASC_KU_DIGITAL_SIGNATURE,
     .ekus = {NID_OCSP_sign}, .n_ekus = 1,
     .min_rsa_bits = 2048, .key_rule = "BR 6.1.5",
     .required = {NID_commonName}, .subject_rule = "BR 7.1.2.8"},
    {.id = CASC_PROFILE_SUB_CA, .name = "sub-ca", .issuer_purpose = "root",
     .kind = CASC_CERT_SUB_CA, .default_days = 1826,
     .ku_ec = CASC_KU_KEY_CERT_SIGN | CASC_KU_CRL_SIGN, .ku_rsa = CASC_KU_KEY_CERT_SIGN | CASC_KU_CRL_SIGN,
     .ekus = {NID_server_auth}, .n_ekus = 1, /* BR 7.1.2.10.6: a TLS CA */
     .policy = "2.23.140.1.2.1",
     .min_rsa_bits = 2048, .key_rule = "BR 6.1.5",
     .required = {NID_commonName, NID_organizationName, NID_countryName},
     .subject_rule = "BR 7.1.2.10.2"},
};

const casc_profile_def *casc_profile_get(casc_profile p) {
  for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
    if (profiles[i].id == p)
      return &profiles[i];
  return NULL;
}

casc_err casc_profile_parse(const char *s, casc_profile *out, casc_error *e) {
  for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
    if (strcmp(s, profiles[i].name) == 0) {
      *out = profiles[i].id;
      return CASC_OK;
    }
  return casc_error_set(e, CASC_ERR_NOT_FOUND,
                        "--profile %s: unknown profile (tls-server, code-signing, "
                        "timestamping, ocsp-signing, sub-ca)",
                        s);
}

const char *casc_profile_name(casc_profile p) {
  const casc_profile_def *def = casc_profile_get(p);
  return def != NULL ? def->name : "unknown";
}

static time_t utc_date(int y, int m, int d) {
  struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
  return timegm(&tm);
}

int casc_profile_max_days(const casc_profile_def *def, time_t not_before, const char **rule) {
  switch (def->id) {
  case CASC_PROFILE_TLS_SERVER:
    /* BR 6.3.2 as amended by SC-081: the limit steps down with the date of
     * issuance. */
    if (not_before >= utc_date(2029, 3, 15)) {
      *rule = "BR 6.3.2 (SC-081): at most 47 days for certificates issued from 2029-03-15";
      return 47;
    }
    if (not_before >= utc_date(2027, 3, 15)) {
      *rule = "BR 6.3.2 (SC-081): at most 100 days for certificates issued from 2027-03-15";
      return 100;
    }
    if (not_before >= utc_date(2026, 3, 15)) {
      *rule = "BR 6.3.2 (SC-081): at most 200 days for certificates issued from 2026-03-15";
      return 200;
    }
    *rule = "BR 6.3.2: at most 398 days";
    return 398;
  case CASC_PROFILE_CODE_SIGNING:
    if (not_before >= utc_date(2026, 3, 1)) {
      *rule = "CSBR 6.3.2: at most 460 days for code-signing certificates issued from "
              "2026-03-01";
      return 460;
    }
    *rule = "CSBR 6.3.2: at most 39 months";
    return 1187;
  case CASC_PROFILE_TIMESTAMPING:
    *rule = "CSBR 6.3.2: timestamp certificates at most 135 months";
    return 4106;
  case CASC_PROFILE_OCSP_SIGNING:
    *rule = "casc policy for delegated OCSP responders (BR 4.9.9): at most 365 days";
    return 365;
  case CASC_PROFILE_SUB_CA:
    *rule = "casc policy for subordinate CAs: at most 10 years";
    return 3653;
  }
  *rule = "unknown profile";
  return 0;
}

casc_err casc_key_check(const EVP_PKEY *key, int min_rsa_bits, const char *rule,
                        const char *what, casc_error *e) {
  char desc[64];
  casc_key_describe(key, desc, sizeof desc);
  if (EVP_PKEY_is_a(key, "RSA")) {
    int bits = EVP_PKEY_get_bits(key);
    if (bits < min_rsa_bits)
      return casc_error_set(e, CASC_ERR_POLICY,
                            "%s: %s key is too weak (%s: RSA keys of at least %d bits)", what,
                            desc, rule, min_rsa_bits);
    if (bits % 8 != 0)
      return casc_error_set(e, CASC_ERR_POLICY,
                            "%s: RSA modulus of %d bits is not a multiple of 8 (BR 6.1.5)",
                            what, bits);
    BIGNUM *exp = NULL;
    casc_err rc = CASC_OK;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &exp) != 1)
      return casc_error_ssl(e, CASC_ERR_PARSE, "%s: unreadable RSA key", what);
    if (!BN_is_odd(exp) || BN_num_bits(exp) > 256 || BN_cmp(exp, BN_value_one()) <= 0 ||
        BN_get_word(exp) < 65537)
      rc = casc_error_set(e, CASC_ERR_POLICY,
                          "%s: RSA public exponent must be odd and in [2^16+1, 2^256-1] "
                          "(BR 6.1.6)",
                          what);
    BN_free(exp);
    return rc;
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    char curve[64] = "";
    EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, NULL);
    if (strcmp(curve, "prime256v1") != 0 && strcmp(curve, "secp384r1") != 0 &&
        strcmp(curve, "secp521r1") != 0)
      return casc_error_set(e, CASC_ERR_POLICY,
                            "%s: %s key is not allowed (%s: ECDSA keys on P-256, P-384 or P-521)",
                            what, desc, rule);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, (EVP_PKEY *)key, NULL);
    /* P-256, P-384 and P-521 have cofactor 1: a point on the curve is in
     * the group, so the quick check is the whole check. */
    int ok = ctx != NULL && EVP_PKEY_public_check_quick(ctx) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok)
      return casc_error_ssl(e, CASC_ERR_POLICY, "%s: EC public key is not a valid point (%s)",
                            what, rule);
    return CASC_OK;
  }
  return casc_error_set(e, CASC_ERR_POLICY, "%s: %s keys are not allowed (%s: RSA or ECDSA)",
                        what, desc, rule);
}

/* Reserved and special-use names no public CA may certify (BR 4.2.2 and
 * 7.1.2.7.12: no Internal Names; RFC 6761, RFC 6762, RFC 8375, RFC 9476). */
static const char *const reserved_suffixes[] = {
    "test", "example", "invalid", "localhost", "local", "onion", "internal", "alt", "home.arpa",
};

static bool has_suffix_label(const char *name, const char *suffix) {
  size_t n = strlen(name), s = strlen(suffix);
  if (n == s)
    return strcmp(name, suffix) == 0;
  return n > s && name[n - s - 1] == '.' && strcmp(name + n - s, suffix) == 0;
}

casc_err casc_dns_name_check(char *name, casc_error *e) {
  size_t len = strlen(name);
  for (size_t i = 0; i < len; i++)
    name[i] = (char)tolower((unsigned char)name[i]);
  const char *rule = "BR 7.1.2.7.12: a dNSName in preferred name syntax (RFC 5280 4.2.1.6)";
  if (len == 0 || len > 253)
    return casc_error_set(e, CASC_ERR_POLICY, "DNS name '%s': bad length (%s)", name, rule);
  const char *p = name;
  if (strncmp(p, "*.", 2) == 0)
    p += 2; /* a wildcard only as the whole left-most label */
  size_t labels = 0;
  while (*p != '\0') {
    const char *dot = strchr(p, '.');
    size_t l = dot != NULL ? (size_t)(dot - p) : strlen(p);
    if (l == 0 || l > 63 || p[0] == '-' || p[l - 1] == '-')
      return casc_error_set(e, CASC_ERR_POLICY, "DNS name '%s': bad label (%s)", name, rule);
    for (size_t i = 0; i < l; i++)
      if (!isalnum((unsigned char)p[i]) && p[i] != '-')
        return casc_error_set(e, CASC_ERR_POLICY, "DNS name '%s': bad character (%s)", name,
                              rule);
    labels++;
    p += l;
    if (*p == '.') {
      p++;
      if (*p == '\0')
        return casc_error_set(e, CASC_ERR_POLICY, "DNS name '%s': trailing dot (%s)", name,
                              rule);
    }
  }
  if (labels < 2)
    return casc_error_set(e, CASC_ERR_POLICY,
                          "DNS name '%s': not a fully-qualified domain name (BR 4.2.2: no "
                          "Internal Names)",
                          name);
  const char *last = strrchr(name, '.') + 1;
  if (isdigit((unsigned char)last[0]))
    return casc_error_set(e, CASC_ERR_POLICY,
                          "DNS name '%s': an IP address is not a dNSName (BR 7.1.2.7.12)", name);
  for (size_t i = 0; i < sizeof reserved_suffixes / sizeof reserved_suffixes[0]; i++)
    if (has_suffix_label(name, reserved_suffixes[i]))
      return casc_error_set(e, CASC_ERR_POLICY,
                            "DNS name '%s': .%s is a reserved name (BR 4.2.2: no Internal Names)",
                            name, reserved_suffixes[i]);
  return CASC_OK;
}

casc_err casc_subject_check(const casc_profile_def *def, const X509_NAME *name,
                            casc_error *e) {
  for (size_t i = 0; i < sizeof def->required / sizeof def->required[0]; i++) {
    int nid = def->required[i];
    if (nid != 0 && X509_NAME_get_index_by_NID(name, nid, -1) < 0)
      return casc_error_set(e, CASC_ERR_POLICY, "%s subject needs %s (%s)", def->name,
                            OBJ_nid2ln(nid), def->subject_rule);
  }
  if (def->need_locality_or_state && X509_NAME_get_index_by_NID(name, NID_localityName, -1) < 0 &&
      X509_NAME_get_index_by_NID(name, NID_stateOrProvinceName, -1) < 0)
    return casc_error_set(e, CASC_ERR_POLICY,
                          "%s subject needs localityName or stateOrProvinceName (%s)", def->name,
                          def->subject_rule);
  return CASC_OK;
}
