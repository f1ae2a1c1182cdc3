/* libFuzzer target: the bytes of a CSR file, through what `casc issue --csr`
 * does with them before signing anything:
 *   - PEM, then DER with no trailing bytes (src/cli/input.c, cli_read_csr);
 *   - the public key: X509_REQ_verify (proof of possession) and
 *     casc_key_check under the TLS and the code-signing rules;
 *   - the subjectAltName extraction of src/ca/issue.c (dns_from_csr): only
 *     dNSNames, each through casc_dns_name_check;
 *   - the subject: casc_name_format and casc_subject_check (the code-signing
 *     profile takes the subject from the CSR);
 *   - when the key passes casc_key_check: casc_cert_build with the CSR's
 *     SubjectPublicKeyInfo copied as it is (copy_spki) and the accepted DNS
 *     names as the SAN, signed by a throwaway issuer, then casc_cert_record.
 * casc_ca_issue stops at the first refusal; here the result of
 * X509_REQ_verify is ignored, so that a fuzzer that cannot forge signatures
 * still reaches the later steps. */
#include "ca/ca_internal.h"
#include "ca/profile.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static EVP_PKEY *issuer_key;
static X509 *issuer_cert;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  casc_error e;
  X509_NAME *name = X509_NAME_new();
  issuer_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  /* A root that passes the lints casc_cert_build runs before it signs
   * (BR 7.1.2.10.2: countryName and organizationName). */
  if (name == NULL || issuer_key == NULL ||
      X509_NAME_add_entry_by_NID(name, NID_countryName, MBSTRING_UTF8,
                                 (const unsigned char *)"XX", -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_NID(name, NID_organizationName, MBSTRING_UTF8,
                                 (const unsigned char *)"fuzz", -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                 (const unsigned char *)"fuzz issuer", -1, -1, 0) != 1)
    abort();
  casc_cert_spec root = {.kind = CASC_CERT_ROOT, .subject = name, .subject_key = issuer_key,
                         .issuer_key = issuer_key, .issuer_name = "root-ca",
                         .base_url = "http://127.0.0.1:8080", .crl_shards = 1,
                         .not_before = 1795885200, .not_after = 1795885200 + 86400 * 3650,
                         .key_usage = CASC_KU_KEY_CERT_SIGN | CASC_KU_CRL_SIGN, .pathlen = -1};
  if (casc_cert_build(&root, &issuer_cert, &e) != CASC_OK)
    abort();
  X509_NAME_free(name);
  return 0;
}

/* cli_read_csr without the file: PEM first, then DER that must use every
 * byte. */
static X509_REQ *read_csr(const uint8_t *data, size_t len) {
  X509_REQ *req = NULL;
  BIO *mem = BIO_new_mem_buf(data, (int)len);
  if (mem != NULL)
    req = PEM_read_bio_X509_REQ(mem, NULL, NULL, NULL);
  BIO_free(mem);
  if (req == NULL) {
    const unsigned char *p = data;
    req = d2i_X509_REQ(NULL, &p, (long)len);
    if (req != NULL && p != data + len) {
      X509_REQ_free(req);
      req = NULL;
    }
  }
  ERR_clear_error();
  return req;
}

/* dns_from_csr, dns_list_add and build_san of src/ca/issue.c: the accepted
 * dNSNames into out. */
static void extract_sans(X509_REQ *csr, GENERAL_NAMES *out) {
  STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(csr);
  for (int i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
    X509_EXTENSION *ext = sk_X509_EXTENSION_value(exts, i);
    if (OBJ_obj2nid(X509_EXTENSION_get_object(ext)) != NID_subject_alt_name)
      continue;
    GENERAL_NAMES *names = X509V3_EXT_d2i(ext);
    if (names == NULL)
      continue;
    for (int j = 0; j < sk_GENERAL_NAME_num(names); j++) {
      const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, j);
      if (gn->type != GEN_DNS)
        continue; /* refused by casc_ca_issue */
      const char *s = (const char *)ASN1_STRING_get0_data(gn->d.dNSName);
      size_t len = (size_t)ASN1_STRING_length(gn->d.dNSName);
      char *copy = strndup(s, len);
      if (copy == NULL)
        continue;
      casc_error e;
      /* a NUL inside is refused first */
      if (strlen(copy) == len && casc_dns_name_check(copy, &e) == CASC_OK && out != NULL &&
          sk_GENERAL_NAME_num(out) < 100) {
        GENERAL_NAME *name = GENERAL_NAME_new();
        ASN1_IA5STRING *ia5 = ASN1_IA5STRING_new();
        if (name != NULL && ia5 != NULL && ASN1_STRING_set(ia5, copy, -1) == 1) {
          GENERAL_NAME_set0_value(name, GEN_DNS, ia5);
          if (sk_GENERAL_NAME_push(out, name) <= 0)
            GENERAL_NAME_free(name);
        } else {
          GENERAL_NAME_free(name);
          ASN1_IA5STRING_free(ia5);
        }
      }
      free(copy);
    }
    GENERAL_NAMES_free(names);
  }
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > CASC_MAX_INPUT)
    return 0;
  X509_REQ *csr = read_csr(data, size);
  if (csr == NULL)
    return 0;
  casc_error e;
  bool key_ok = false;
  EVP_PKEY *key = X509_REQ_get0_pubkey(csr);
  if (key != NULL) {
    X509_REQ_verify(csr, key);
    const casc_profile_def *tls = casc_profile_get(CASC_PROFILE_TLS_SERVER);
    const casc_profile_def *cs = casc_profile_get(CASC_PROFILE_CODE_SIGNING);
    key_ok = casc_key_check(key, tls->min_rsa_bits, tls->key_rule, "subject key", &e) == CASC_OK;
    casc_key_check(key, cs->min_rsa_bits, cs->key_rule, "subject key", &e);
    char desc[64];
    casc_key_describe(key, desc, sizeof desc);
    (void)casc_key_digest(key);
  }
  GENERAL_NAMES *san = sk_GENERAL_NAME_new_null();
  extract_sans(csr, san);
  const X509_NAME *subject = X509_REQ_get_subject_name(csr);
  if (subject != NULL) {
    char buf[CASC_DN_MAX];
    casc_name_format(subject, buf, sizeof buf);
    casc_subject_check(casc_profile_get(CASC_PROFILE_CODE_SIGNING), subject, &e);
  }
  if (key_ok && subject != NULL) {
    casc_cert_spec spec = {
        .kind = CASC_CERT_SUBSCRIBER, .subject = subject, .subject_key = key,
        .subject_spki = X509_REQ_get_X509_PUBKEY(csr), .issuer_cert = issuer_cert,
        .issuer_key = issuer_key, .issuer_name = "issuing-ca",
        .base_url = "http://127.0.0.1:8080", .crl_shards = 4, .not_before = 1795885200,
        .not_after = 1795885200 + 90 * 86400 - 1,
        .key_usage = EVP_PKEY_is_a(key, "RSA") ? CASC_KU_DIGITAL_SIGNATURE |
                                                     CASC_KU_KEY_ENCIPHERMENT
                                               : CASC_KU_DIGITAL_SIGNATURE,
        .ekus = {NID_server_auth}, .n_ekus = 1, .policy_oids = {"2.23.140.1.2.1"},
        .n_policies = 1, .san = sk_GENERAL_NAME_num(san) > 0 ? san : NULL, .must_staple = true};
    X509 *cert = NULL;
    if (casc_cert_build(&spec, &cert, &e) == CASC_OK) {
      casc_cert_rec rec;
      if (casc_cert_record(cert, 1, "tls-server", &rec, &e) == CASC_OK)
        casc_cert_rec_clear(&rec);
    }
    X509_free(cert);
  }
  GENERAL_NAMES_free(san);
  X509_REQ_free(csr);
  ERR_clear_error();
  return 0;
}
