/* Keys held in a PKCS#11 token, named by RFC 7512 URIs, through libp11's
 * OpenSSL engine. The ENGINE API is deprecated in OpenSSL 3.0 and Debian 12
 * has no pkcs11-provider, so it stays in this one file, which CMakeLists.txt
 * builds without deprecation warnings.
 *
 * casc reads the query attributes itself (module-path, pin-value,
 * pin-source) and hands libp11 only the path part: libp11 0.4.12 does not
 * know module-path, and the engine takes the module and the PIN as control
 * commands. The key stays on the token; OpenSSL hashes locally and the token
 * signs the digest. */
#include "sign_internal.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/engine.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PIN_MAX 256

/* Percent-decodes s[0..len) into out (NUL-terminated, at most outsz-1). */
static bool pct_decode(const char *s, size_t len, char *out, size_t outsz) {
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    int c = (unsigned char)s[i];
    if (c == '%') {
      if (i + 2 >= len || !isxdigit((unsigned char)s[i + 1]) ||
          !isxdigit((unsigned char)s[i + 2]))
        return false;
      char hex[3] = {s[i + 1], s[i + 2], '\0'};
      c = (int)strtol(hex, NULL, 16);
      i += 2;
    }
    if (o + 1 >= outsz)
      return false;
    out[o++] = (char)c;
  }
  out[o] = '\0';
  return true;
}

/* The value of query attribute name in query (after '?'), decoded. */
static casc_err query_attr(const char *query, const char *name, char *out, size_t outsz,
                           bool *found, casc_error *e) {
  size_t nlen = strlen(name);
  *found = false;
  for (const char *p = query; p != NULL && *p != '\0';) {
    const char *end = strchr(p, '&');
    size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
    if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
      if (*found)
        return casc_error_set(e, CASC_ERR_USAGE, "pkcs11 URI: %s given twice", name);
      if (!pct_decode(p + nlen + 1, len - nlen - 1, out, outsz))
        return casc_error_set(e, CASC_ERR_USAGE, "pkcs11 URI: bad %s value", name);
      *found = true;
    }
    p = end != NULL ? end + 1 : NULL;
  }
  return CASC_OK;
}

/* Reads the PIN from a pin-source: a file path or a file: URI. */
static casc_err read_pin_source(const char *src, char *pin, size_t pinsz, casc_error *e) {
  const char *path = strncmp(src, "file:", 5) == 0 ? src + 5 : src;
  unsigned char *data = NULL;
  size_t len = 0;
  casc_err rc = casc_file_read(path, 4096, &data, &len, e);
  if (rc != CASC_OK)
    return rc;
  while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
    len--;
  if (len + 1 > pinsz) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "pkcs11 URI: pin-source %s: PIN too long", path);
  } else {
    memcpy(pin, data, len);
    pin[len] = '\0';
  }
  OPENSSL_cleanse(data, len);
  free(data);
  return rc;
}

casc_err sign_pkcs11_load(const char *uri, EVP_PKEY **key, void **engine, casc_error *e) {
  casc_err rc = CASC_OK;
  char module[4096], pin[PIN_MAX], *path = NULL;
  bool has_module = false, has_pin = false, has_pin_source = false;
  ENGINE *eng = NULL;
  bool inited = false;
  const char *q = strchr(uri, '?');
  size_t path_len = q != NULL ? (size_t)(q - uri) : strlen(uri);
  pin[0] = '\0';
  if ((path = strndup(uri, path_len)) == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  if (q != NULL) {
    char src[4096];
    if ((rc = query_attr(q + 1, "module-path", module, sizeof module, &has_module, e)) !=
            CASC_OK ||
        (rc = query_attr(q + 1, "pin-value", pin, sizeof pin, &has_pin, e)) != CASC_OK ||
        (rc = query_attr(q + 1, "pin-source", src, sizeof src, &has_pin_source, e)) != CASC_OK)
      goto out;
    if (has_pin && has_pin_source) {
      rc = casc_error_set(e, CASC_ERR_USAGE, "pkcs11 URI: pin-value and pin-source both given");
      goto out;
    }
    if (has_pin_source) {
      if ((rc = read_pin_source(src, pin, sizeof pin, e)) != CASC_OK)
        goto out;
      has_pin = true;
    }
  }
  ENGINE_load_dynamic();
  if ((eng = ENGINE_by_id("pkcs11")) == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_USAGE,
                        "pkcs11 URI: the pkcs11 engine (libengine-pkcs11-openssl) is not "
                        "available");
    goto out;
  }
  /* libp11 otherwise prints its own diagnostics on stderr; ours say it once */
  (void)ENGINE_ctrl_cmd_string(eng, "QUIET", NULL, 1);
  if (has_module && ENGINE_ctrl_cmd_string(eng, "MODULE_PATH", module, 0) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_USAGE, "pkcs11 URI: module-path %s refused", module);
    goto out;
  }
  if (ENGINE_init(eng) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_USAGE, "pkcs11 URI: loading the PKCS#11 module %s failed",
                        has_module ? module : "(default)");
    goto out;
  }
  inited = true;
  if (has_pin && ENGINE_ctrl_cmd_string(eng, "PIN", pin, 0) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_USAGE, "pkcs11 URI: the engine refused the PIN");
    goto out;
  }
  if ((*key = ENGINE_load_private_key(eng, path, NULL, NULL)) == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_USAGE, "%s: no such private key on the token (or wrong PIN)",
                        path);
    goto out;
  }
  *engine = eng;
  eng = NULL;
out:
  OPENSSL_cleanse(pin, sizeof pin);
  if (eng != NULL) {
    if (inited)
      ENGINE_finish(eng);
    ENGINE_free(eng);
  }
  free(path);
  return rc;
}

void sign_pkcs11_release(void *engine) {
  if (engine == NULL)
    return;
  ENGINE_finish(engine);
  ENGINE_free(engine);
}
