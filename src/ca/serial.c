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
  /* Hex digits with optional colons (as `openssl x509 -text` prints them)
   * and an optional 0x; leading zeros do not count. The result is whole
   * octets in upper case, as `openssl x509 -serial` prints. */
  const char *p = strncasecmp(in, "0x", 2) == 0 ? in + 2 : in;
  char digits[2 * 20 + 2];
  size_t n = 0;
  bool any = false;
  for (; *p != '\0'; p++) {
    if (*p == ':')
      continue;
    if (!isxdigit((unsigned char)*p))
      return casc_error_set(e, CASC_ERR_USAGE, "serial '%s': not a hexadecimal serial number",
                            in);
    any = true;
    if (n == 0 && *p == '0')
      continue;
    if (n == 2 * 20)
      return casc_error_set(e, CASC_ERR_USAGE, "serial '%s': longer than 20 octets (RFC 5280 "
                                               "4.1.2.2)", in);
    digits[n++] = (char)toupper((unsigned char)*p);
  }
  if (!any)
    return casc_error_set(e, CASC_ERR_USAGE, "serial '%s': not a hexadecimal serial number", in);
  size_t pad = n == 0 ? 2 : n % 2; /* zero is "00"; an odd count gets its leading 0 */
  memset(out, '0', pad);
  memcpy(out + pad, digits, n);
  out[pad + n] = '\0';
  return CASC_OK;
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
