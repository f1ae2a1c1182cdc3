/* Serial numbers: random, canonical hex, and the CRL shard they map to. */
#include "ca_internal.h"

#include <ctype.h>
#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>
#include <strings.h>

casc_err casc_serial_random(ASN1_INTEGER **out, casc_error *e) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    return casc_error_ssl(e, CASC_ERR_CRYPTO, "random serial number");
  bytes[0] = (unsigned char)((bytes[0] & 0x3F) | 0x40);
  BIGNUM *bn = BN_bin2bn(bytes, sizeof bytes, NULL);
  ASN1_INTEGER *serial = bn != NULL ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
  BN_free(bn);
  if (serial == NULL)
    return casc_error_ssl(e, CASC_ERR_CRYPTO, "random serial number");
  *out = serial;
  return CASC_OK;
}

static casc_err bn_to_serial(const BIGNUM *bn, char out[CASC_SERIAL_MAX], const char *what,
                             casc_error *e) {
  /* `openssl x509 -serial` prints whole octets; BN_bn2hex does the same. */
  char *hex = BN_bn2hex(bn);
  if (hex == NULL)
    return casc_error_ssl(e, CASC_ERR_NOMEM, "serial %s", what);
  casc_err rc = CASC_OK;
  if (strlen(hex) >= CASC_SERIAL_MAX)
    rc = casc_error_set(e, CASC_ERR_USAGE, "serial %s: longer than 20 octets", what);
  else
    strcpy(out, hex);
  OPENSSL_free(hex);
  return rc;
}

casc_err casc_serial_normalize(const char *in, char out[CASC_SERIAL_MAX], casc_error *e) {
  const char *p = in;
  if (strncasecmp(p, "0x", 2) == 0)
    p += 2;
  size_t n = strlen(p);
  if (n == 0 || n > 2 * 20 + 8)
    return casc_error_set(e, CASC_ERR_USAGE, "serial '%s': not a hexadecimal serial number", in);
  for (size_t i = 0; i < n; i++)
    if (!isxdigit((unsigned char)p[i]) && p[i] != ':')
      return casc_error_set(e, CASC_ERR_USAGE,
                            "serial '%s': not a hexadecimal serial number", in);
  char digits[128];
  size_t d = 0;
  for (size_t i = 0; i < n && d + 1 < sizeof digits; i++)
    if (p[i] != ':')
      digits[d++] = p[i];
  digits[d] = '\0';
  BIGNUM *bn = NULL;
  if (BN_hex2bn(&bn, digits) == 0)
    return casc_error_set(e, CASC_ERR_USAGE, "serial '%s': not a hexadecimal serial number", in);
  casc_err rc = bn_to_serial(bn, out, in, e);
  BN_free(bn);
  return rc;
}

casc_err casc_serial_from_cert(const X509 *cert, char out[CASC_SERIAL_MAX], casc_error *e) {
  BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
  if (bn == NULL)
    return casc_error_ssl(e, CASC_ERR_PARSE, "certificate serial number");
  casc_err rc = bn_to_serial(bn, out, "of certificate", e);
  BN_free(bn);
  return rc;
}

int casc_crl_shard_of(const ASN1_INTEGER *serial, int shards) {
  if (shards <= 1)
    return 0;
  unsigned char h[SHA256_DIGEST_LENGTH];
  SHA256(ASN1_STRING_get0_data(serial), (size_t)ASN1_STRING_length(serial), h);
  uint32_t v = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
  return (int)(v % (uint32_t)shards);
}
