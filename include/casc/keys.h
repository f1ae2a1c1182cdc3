/* casc keys: generation, storage and loading of private keys. */
#ifndef CASC_KEYS_H
#define CASC_KEYS_H

#include "casc/base.h"

#include <openssl/evp.h>

typedef enum {
  CASC_KEY_EC_P256,
  CASC_KEY_EC_P384,
  CASC_KEY_RSA_2048,
  CASC_KEY_RSA_3072,
  CASC_KEY_RSA_4096,
} casc_key_type;

casc_err casc_key_type_parse(const char *s, casc_key_type *out, casc_error *e);
const char *casc_key_type_name(casc_key_type t);
/* For keys the Code Signing BRs govern (6.1.5): RSA raised to min_rsa_bits,
 * EC unchanged. */
casc_key_type casc_key_type_at_least(casc_key_type t, int min_rsa_bits);

casc_err casc_key_generate(casc_key_type t, EVP_PKEY **out, casc_error *e);
/* Writes the key as unencrypted PKCS#8 PEM, mode 0600, atomically; the
 * buffer holding the PEM is wiped before it is freed. */
casc_err casc_key_save(const char *path, EVP_PKEY *key, casc_error *e);
/* Loads a private key from a PEM file. */
casc_err casc_key_load(const char *path, EVP_PKEY **out, casc_error *e);
/* "EC P-256", "RSA 3072", ... into buf. */
void casc_key_describe(const EVP_PKEY *key, char *buf, size_t bufsz);
/* The message digest BR 7.1.3 pairs with this key: SHA-256 for RSA and
 * P-256, SHA-384 for P-384, SHA-512 for P-521. */
const EVP_MD *casc_key_digest(const EVP_PKEY *key);

#endif
