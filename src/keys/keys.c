/* Private keys as PEM files. Secrets never reach a log and are wiped from
 * memory we own before it is freed. */
#include "casc/keys.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
  const char *name;
  casc_key_type type;
} key_types[] = {
    {"ec-p256", CASC_KEY_EC_P256},   {"ec-p384", CASC_KEY_EC_P384},
    {"rsa-2048", CASC_KEY_RSA_2048}, {"rsa-3072", CASC_KEY_RSA_3072},
    {"rsa-4096", CASC_KEY_RSA_4096},
};

casc_err casc_key_type_parse(const char *s, casc_key_type *out, casc_error *e) {
  for (size_t i = 0; i < sizeof key_types / sizeof key_types[0]; i++)
    if (strcasecmp(s, key_types[i].name) == 0) {
      *out = key_types[i].type;
      return CASC_OK;
    }
  return casc_error_set(e, CASC_ERR_USAGE,
                        "--key-type %s: unknown key type (ec-p256, ec-p384, rsa-2048, "
                        "rsa-3072, rsa-4096)",
                        s);
}

const char *casc_key_type_name(casc_key_type t) {
  for (size_t i = 0; i < sizeof key_types / sizeof key_types[0]; i++)
    if (key_types[i].type == t)
      return key_types[i].name;
  return "unknown";
}

static int rsa_bits(casc_key_type t) {
  switch (t) {
  case CASC_KEY_RSA_2048: return 2048;
  case CASC_KEY_RSA_3072: return 3072;
  case CASC_KEY_RSA_4096: return 4096;
  default: return 0;
  }
}

casc_key_type casc_key_type_at_least(casc_key_type t, int min_rsa_bits) {
  int bits = rsa_bits(t);
  if (bits == 0 || bits >= min_rsa_bits)
    return t;
  return min_rsa_bits <= 3072 ? CASC_KEY_RSA_3072 : CASC_KEY_RSA_4096;
}

casc_err casc_key_generate(casc_key_type t, EVP_PKEY **out, casc_error *e) {
  EVP_PKEY *key = NULL;
  switch (t) {
  case CASC_KEY_EC_P256: key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"); break;
  case CASC_KEY_EC_P384: key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384"); break;
  default: key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)rsa_bits(t)); break;
  }
  if (key == NULL)
    return casc_error_ssl(e, CASC_ERR_CRYPTO, "generating a %s key failed",
                          casc_key_type_name(t));
  *out = key;
  return CASC_OK;
}

casc_err casc_key_save(const char *path, EVP_PKEY *key, casc_error *e) {
  BIO *mem = BIO_new(BIO_s_secmem());
  casc_err rc = CASC_OK;
  if (mem == NULL || PEM_write_bio_PrivateKey(mem, key, NULL, NULL, 0, NULL, NULL) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "%s: encoding the key failed", path);
    goto out;
  }
  rc = casc_file_write_bio(path, mem, 0600, e);
out:
  BIO_free(mem); /* a secmem BIO wipes its buffer on free */
  return rc;
}

/* Keys are stored unencrypted (0600); an encrypted one is an error, never
 * a prompt on whatever terminal the library runs under. */
static int no_password(char *buf, int size, int rwflag, void *u) {
  (void)buf, (void)size, (void)rwflag, (void)u;
  return -1;
}

casc_err casc_key_load(const char *path, EVP_PKEY **out, casc_error *e) {
  BIO *in = BIO_new_file(path, "r");
  if (in == NULL)
    return casc_error_ssl(e, CASC_ERR_IO, "%s: cannot open the key", path);
  EVP_PKEY *key = PEM_read_bio_PrivateKey(in, NULL, no_password, NULL);
  BIO_free(in);
  if (key == NULL)
    return casc_error_ssl(e, CASC_ERR_PARSE, "%s: not a PEM private key", path);
  *out = key;
  return CASC_OK;
}

void casc_key_describe(const EVP_PKEY *key, char *buf, size_t bufsz) {
  if (EVP_PKEY_is_a(key, "RSA")) {
    snprintf(buf, bufsz, "RSA %d", EVP_PKEY_get_bits(key));
  } else if (EVP_PKEY_is_a(key, "EC")) {
    char curve[64] = "";
    EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, NULL);
    const char *nice = strcmp(curve, "prime256v1") == 0 ? "P-256"
                       : strcmp(curve, "secp384r1") == 0 ? "P-384"
                       : strcmp(curve, "secp521r1") == 0 ? "P-521"
                                                         : curve;
    snprintf(buf, bufsz, "EC %s", nice);
  } else {
    snprintf(buf, bufsz, "%s", EVP_PKEY_get0_type_name(key));
  }
}

const EVP_MD *casc_key_digest(const EVP_PKEY *key) {
  if (EVP_PKEY_is_a(key, "EC")) {
    int bits = EVP_PKEY_get_bits(key);
    if (bits >= 521)
      return EVP_sha512();
    if (bits >= 384)
      return EVP_sha384();
  }
  return EVP_sha256();
}
