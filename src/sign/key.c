/* The signing key: a PEM file or a PKCS#11 object. */
#include "sign_internal.h"

#include "casc/keys.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct casc_sign_key {
  EVP_PKEY *pkey;
  void *engine; /* the PKCS#11 engine the key lives in, or NULL */
};

bool casc_sign_key_is_pkcs11(const char *ref) { return strncasecmp(ref, "pkcs11:", 7) == 0; }

casc_err casc_sign_key_load(const char *ref, casc_sign_key **out, casc_error *e) {
  casc_sign_key *k = calloc(1, sizeof *k);
  casc_err rc;
  if (k == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  if (casc_sign_key_is_pkcs11(ref))
    rc = sign_pkcs11_load(ref, &k->pkey, &k->engine, e);
  else
    rc = casc_key_load(ref, &k->pkey, e);
  if (rc != CASC_OK) {
    casc_sign_key_free(k);
    return rc;
  }
  *out = k;
  return CASC_OK;
}

EVP_PKEY *casc_sign_key_pkey(const casc_sign_key *k) { return k->pkey; }

void casc_sign_key_free(casc_sign_key *k) {
  if (k == NULL)
    return;
  EVP_PKEY_free(k->pkey); /* before the engine it may live in */
  sign_pkcs11_release(k->engine);
  free(k);
}
