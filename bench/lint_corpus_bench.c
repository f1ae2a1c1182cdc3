/* The corpus of bench/lint.sh: N certificates (default 12,000) of every
 * profile casc lints (root, subordinate CA, TLS server, code signing,
 * timestamping, OCSP signer, S/MIME), one in ten deliberately broken in one
 * of several ways, written as one PEM file. Built with OpenSSL's X509 API,
 * signed by one EC P-256 issuing key; subject keys are drawn from a few
 * pre-generated EC P-256, P-384 and RSA 2048/3072 keys, so that generation
 * takes seconds, not minutes.
 *
 *   lint_corpus_bench N OUT.pem */
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static EVP_PKEY *gen(const char *alg, const char *param) {
  EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL);
  EVP_PKEY *k = NULL;
  if (c == NULL || EVP_PKEY_keygen_init(c) <= 0)
    goto done;
  if (strcmp(alg, "EC") == 0)
    EVP_PKEY_CTX_set_group_name(c, param);
  else
    EVP_PKEY_CTX_set_rsa_keygen_bits(c, atoi(param));
  EVP_PKEY_keygen(c, &k);
done:
  EVP_PKEY_CTX_free(c);
  return k;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
  X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
  if (e == NULL) {
    fprintf(stderr, "lint_corpus_bench: extension %d = %s\n", nid, value);
    exit(2);
  }
  X509_add_ext(x, e, -1);
  X509_EXTENSION_free(e);
}

static void name_add(X509_NAME *n, const char *field, const char *value) {
  X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8, (const unsigned char *)value, -1, -1, 0);
}

enum { ROOT, SUBCA, TLS, CODESIGN, TSA, OCSP, SMIME, NPROFILES };

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 12000;
  if (argc != 3 || n <= 0) {
    fprintf(stderr, "usage: lint_corpus_bench N OUT.pem\n");
    return 2;
  }
  FILE *out = fopen(argv[2], "w");
  if (out == NULL) {
    perror(argv[2]);
    return 2;
  }
  EVP_PKEY *ca_key = gen("EC", "P-256");
  EVP_PKEY *keys[] = {gen("EC", "P-256"), gen("EC", "P-384"), gen("RSA", "2048"),
                      gen("RSA", "3072"), gen("EC", "P-256"), gen("RSA", "2048")};
  const size_t nkeys = sizeof keys / sizeof keys[0];
  for (size_t i = 0; i < nkeys; i++)
    if (keys[i] == NULL || ca_key == NULL)
      return 2;

  /* the issuer: a root-like CA certificate whose name and key sign the rest */
  X509 *ca = X509_new();
  X509_NAME *ca_name = X509_NAME_new();
  name_add(ca_name, "C", "US");
  name_add(ca_name, "O", "casc bench");
  name_add(ca_name, "CN", "casc bench CA");
  X509_set_version(ca, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(ca), 1);
  X509_set_issuer_name(ca, ca_name);
  X509_set_subject_name(ca, ca_name);
  X509_gmtime_adj(X509_getm_notBefore(ca), -86400);
  X509_gmtime_adj(X509_getm_notAfter(ca), 86400L * 3650);
  X509_set_pubkey(ca, ca_key);
  add_ext(ca, ca, NID_subject_key_identifier, "hash");

  unsigned char serial[16];
  for (long i = 0; i < n; i++) {
    int profile = (int)(i % NPROFILES);
    int broken = (i % 10 == 9) ? (int)((i / 10) % 8) + 1 : 0;
    EVP_PKEY *key = keys[(size_t)i % nkeys];
    if (profile == CODESIGN || profile == TSA) /* CSBR 6.1.5: RSA 3072 or ECDSA P-256/P-384 */
      key = keys[(size_t)(i / NPROFILES) % 2 ? 1 : 3];
    X509 *x = X509_new();
    X509_set_version(x, 2);
    for (size_t k = 0; k < sizeof serial; k++)
      serial[k] = (unsigned char)((i * 2654435761u) >> (k % 4 * 8)) ^ (unsigned char)(k * 37);
    serial[0] = (serial[0] & 0x7f) | 0x40;
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
    if (broken == 1)
      BN_zero(bn); /* e_serial_zero */
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
    BN_free(bn);
    X509_set_issuer_name(x, ca_name);
    X509_NAME *subj = X509_NAME_new();
    char cn[128];
    snprintf(cn, sizeof cn, "host%ld.bench.casc-test.com", i);
    if (profile == ROOT) {
      name_add(subj, "C", "US");
      name_add(subj, "O", "casc bench");
      snprintf(cn, sizeof cn, "casc bench root %ld", i);
    } else if (profile == SUBCA) {
      name_add(subj, "C", "US");
      name_add(subj, "O", "casc bench");
      snprintf(cn, sizeof cn, "casc bench sub CA %ld", i);
    } else if (profile == SMIME) {
      snprintf(cn, sizeof cn, "user%ld@casc-test.com", i); /* mailbox-validated: CN is the address */
    } else if (profile == CODESIGN || profile == TSA || profile == OCSP) {
      name_add(subj, "C", "DE");
      name_add(subj, "ST", "Berlin");
      name_add(subj, "L", "Berlin");
      name_add(subj, "O", "casc bench publisher");
    }
    if (broken == 2)
      strcat(cn, "-this-common-name-is-well-over-sixty-four-characters-long-indeed");
    if (broken != 3)
      name_add(subj, "CN", cn);
    X509_set_subject_name(x, subj);
    if (profile == ROOT)
      X509_set_issuer_name(x, subj);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    long days = profile == TLS ? 90 : profile == ROOT || profile == SUBCA ? 3650 : 365;
    if (broken == 4)
      days = 1200; /* too long for TLS/code signing */
    X509_gmtime_adj(X509_getm_notAfter(x), 86400L * days);
    X509_set_pubkey(x, key);
    add_ext(x, ca, NID_subject_key_identifier, "hash");
    if (profile != ROOT && broken != 5)
      add_ext(x, ca, NID_authority_key_identifier, "keyid:always");
    const char *ku = NULL, *eku = NULL, *cp = NULL;
    switch (profile) {
    case ROOT:
    case SUBCA:
      add_ext(x, ca, NID_basic_constraints, profile == ROOT ? "critical,CA:TRUE" : "critical,CA:TRUE,pathlen:0");
      ku = "critical,keyCertSign,cRLSign";
      if (profile == SUBCA) {
        eku = "serverAuth,clientAuth";
        cp = "2.23.140.1.2.1";
      }
      break;
    case TLS:
      ku = "critical,digitalSignature";
      eku = "serverAuth,clientAuth";
      cp = "2.23.140.1.2.1";
      break;
    case CODESIGN:
      ku = "critical,digitalSignature";
      eku = "codeSigning";
      cp = "2.23.140.1.4.1";
      break;
    case TSA:
      ku = "critical,digitalSignature";
      eku = "critical,timeStamping";
      cp = "2.23.140.1.4.2";
      break;
    case OCSP:
      ku = "critical,digitalSignature";
      eku = "OCSPSigning";
      add_ext(x, ca, NID_id_pkix_OCSP_noCheck, "ignored");
      break;
    case SMIME:
      ku = "critical,digitalSignature";
      eku = "emailProtection";
      cp = "2.23.140.1.5.1.2"; /* S/MIME BR: mailbox-validated, multipurpose */
      break;
    }
    if (broken == 6 && ku != NULL)
      ku = ku + strlen("critical,"); /* keyUsage not critical */
    if (ku != NULL)
      add_ext(x, ca, NID_key_usage, ku);
    if (eku != NULL && broken != 7)
      add_ext(x, ca, NID_ext_key_usage, eku);
    if (cp != NULL) {
      CERTIFICATEPOLICIES *pols = CERTIFICATEPOLICIES_new();
      POLICYINFO *pi = POLICYINFO_new();
      pi->policyid = OBJ_txt2obj(cp, 1);
      sk_POLICYINFO_push(pols, pi);
      X509_add1_ext_i2d(x, NID_certificate_policies, pols, 0, X509V3_ADD_DEFAULT);
      CERTIFICATEPOLICIES_free(pols);
    }
    if (profile == TLS) {
      char san[300];
      snprintf(san, sizeof san, "DNS:%s,DNS:www.%s%s", cn, cn, broken == 8 ? ",DNS:bad..name" : "");
      add_ext(x, ca, NID_subject_alt_name, san);
    } else if (profile == SMIME) {
      char san[200];
      snprintf(san, sizeof san, "email:user%ld@casc-test.com", i);
      add_ext(x, ca, NID_subject_alt_name, san);
    }
    if (profile != ROOT && profile != OCSP) {
      add_ext(x, ca, NID_info_access,
              "OCSP;URI:http://ocsp.casc-test.com,caIssuers;URI:http://ca.casc-test.com/ca.crt");
      add_ext(x, ca, NID_crl_distribution_points, "URI:http://crl.casc-test.com/ca.crl");
    }
    if (!X509_sign(x, profile == ROOT ? key : ca_key, EVP_sha256()) &&
        !X509_sign(x, ca_key, EVP_sha256())) {
      fprintf(stderr, "lint_corpus_bench: signing failed\n");
      return 2;
    }
    PEM_write_X509(out, x);
    X509_NAME_free(subj);
    X509_free(x);
  }
  if (fclose(out) != 0) {
    perror(argv[2]);
    return 2;
  }
  X509_free(ca);
  X509_NAME_free(ca_name);
  EVP_PKEY_free(ca_key);
  for (size_t i = 0; i < nkeys; i++)
    EVP_PKEY_free(keys[i]);
  return 0;
}
