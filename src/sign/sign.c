/* Detached CMS SignedData over a file's exact bytes.
 *
 * The file is hashed here, in chunks, never handed to OpenSSL's CMS code
 * (which would read it whole through a BIO and, without CMS_BINARY,
 * canonicalize its line endings). The SignerInfo is built partial, its
 * signed attributes set by hand, and signed with one call over their DER. */
#include "sign_internal.h"

#include "casc/keys.h"
#include "casc/tsclient.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/objects.h>
#include <stdlib.h>
#include <string.h>

struct casc_signer {
  X509 *cert;
  STACK_OF(X509) *chain;
  casc_sign_key *key;
  const EVP_MD *md;
  const char *const *tsa_urls;
  size_t n_tsa;
  X509_STORE *tsa_trust;
};

void casc_signature_clear(casc_signature *sig) {
  if (sig == NULL)
    return;
  free(sig->der);
  memset(sig, 0, sizeof *sig);
}

void casc_signer_free(casc_signer *s) {
  if (s == NULL)
    return;
  X509_free(s->cert);
  sk_X509_pop_free(s->chain, X509_free);
  casc_sign_key_free(s->key);
  X509_STORE_free(s->tsa_trust);
  free(s);
}

casc_err casc_signer_new(const casc_signer_opts *opts, casc_signer **out, casc_error *e) {
  casc_err rc = CASC_OK;
  casc_signer *s = calloc(1, sizeof *s);
  if (s == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  if ((rc = sign_cert_load(opts->cert_path, &s->cert, e)) != CASC_OK)
    goto out;
  if (opts->chain_path != NULL && (rc = sign_certs_load(opts->chain_path, &s->chain, e)) != CASC_OK)
    goto out;
  if ((rc = casc_sign_key_load(opts->key_ref, &s->key, e)) != CASC_OK)
    goto out;
  if (X509_check_private_key(s->cert, casc_sign_key_pkey(s->key)) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_USAGE, "%s: the key does not match the certificate %s",
                        casc_sign_key_is_pkcs11(opts->key_ref) ? "--key" : opts->key_ref,
                        opts->cert_path);
    goto out;
  }
  s->md = opts->md != NULL ? opts->md : casc_key_digest(casc_sign_key_pkey(s->key));
  if (s->md == NULL)
    s->md = EVP_sha256();
  s->tsa_urls = opts->tsa_urls;
  s->n_tsa = opts->n_tsa;
  if (s->n_tsa > 0) {
    if (opts->tsa_trust_path != NULL) {
      if ((rc = casc_ts_trust_load(opts->tsa_trust_path, &s->tsa_trust, e)) != CASC_OK)
        goto out;
    } else if ((s->tsa_trust = X509_STORE_new()) == NULL ||
               X509_STORE_set_default_paths(s->tsa_trust) != 1) {
      rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "loading the system's trust anchors failed");
      goto out;
    }
  }
  *out = s;
  s = NULL;
out:
  casc_signer_free(s);
  return rc;
}

/* signing-certificate-v2 (RFC 5035): ESSCertIDv2 with SHA-256 (the default
 * hash, so omitted) and the issuer and serial of the signer certificate. */
static casc_err add_signing_cert_v2(CMS_SignerInfo *si, X509 *cert, casc_error *e) {
  casc_err rc = CASC_OK;
  unsigned char *der = NULL;
  ESS_SIGNING_CERT_V2 *sc = OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), cert, NULL, 1);
  int len = sc != NULL ? i2d_ESS_SIGNING_CERT_V2(sc, &der) : -1;
  if (len <= 0 || CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2,
                                              V_ASN1_SEQUENCE, der, len) != 1)
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "building signing-certificate-v2 failed");
  OPENSSL_free(der);
  ESS_SIGNING_CERT_V2_free(sc);
  return rc;
}

/* An RFC 3161 token over the signature value, as the unsigned attribute
 * id-aa-timeStampToken (RFC 3161 appendix A). */
static casc_err add_timestamp(casc_signer *s, CMS_SignerInfo *si, casc_signature *out,
                              casc_error *e) {
  casc_err rc = CASC_OK;
  unsigned char dg[EVP_MAX_MD_SIZE], *token = NULL;
  unsigned dlen = 0;
  size_t token_len = 0;
  casc_ts_info info = {0};
  ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
  if (EVP_Digest(ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig), dg, &dlen, s->md,
                 NULL) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "hashing the signature value failed");
    goto out;
  }
  casc_ts_fetch_opts fo = {.urls = s->tsa_urls, .n_urls = s->n_tsa, .trust = s->tsa_trust};
  if ((rc = casc_ts_fetch(&fo, s->md, dg, dlen, NULL, NULL, &token, &token_len, &info, e)) !=
      CASC_OK) {
    out->tsa_failed = true;
    goto out;
  }
  if (token_len > INT32_MAX ||
      CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE, token,
                                    (int)token_len) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "adding the timestamp token failed");
    goto out;
  }
  out->timestamped = true;
  out->gen_time = info.gen_time;
  snprintf(out->tsa_url, sizeof out->tsa_url, "%s", info.url != NULL ? info.url : "");
out:
  casc_ts_info_clear(&info);
  free(token);
  return rc;
}

casc_err casc_signer_sign_file(casc_signer *s, const char *path, casc_signature *out,
                               casc_error *e) {
  casc_err rc = CASC_OK;
  unsigned char dg[EVP_MAX_MD_SIZE], *der = NULL;
  unsigned dlen = 0;
  CMS_ContentInfo *cms = NULL;
  ASN1_TIME *now = NULL;
  memset(out, 0, sizeof *out);
  if ((rc = casc_sign_digest_file(path, s->md, dg, &dlen, e)) != CASC_OK)
    goto out;
  /* CMS_BINARY: the exact bytes, never a canonicalized text form. */
  const unsigned flags = CMS_PARTIAL | CMS_DETACHED | CMS_BINARY;
  if ((cms = CMS_sign(NULL, NULL, NULL, NULL, flags)) == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "creating the SignedData failed");
    goto out;
  }
  CMS_SignerInfo *si = CMS_add1_signer(cms, s->cert, casc_sign_key_pkey(s->key), s->md,
                                       flags | CMS_NOSMIMECAP);
  if (si == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "adding the signer failed");
    goto out;
  }
  for (int i = 0; i < sk_X509_num(s->chain); i++)
    if (CMS_add1_cert(cms, sk_X509_value(s->chain, i)) != 1) {
      rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "embedding the chain failed");
      goto out;
    }
  if ((now = casc_asn1_time_new(casc_now())) == NULL ||
      CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                  OBJ_nid2obj(NID_pkcs7_data), -1) != 1 ||
      CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, now->type, now, -1) != 1 ||
      CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, dg,
                                  (int)dlen) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "building the signed attributes failed");
    goto out;
  }
  if ((rc = add_signing_cert_v2(si, s->cert, e)) != CASC_OK)
    goto out;
  /* The one signing call: over the DER of the signed attributes. */
  if (CMS_SignerInfo_sign(si) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "%s: signing failed", path);
    goto out;
  }
  if (s->n_tsa > 0 && (rc = add_timestamp(s, si, out, e)) != CASC_OK)
    goto out;
  int len = i2d_CMS_ContentInfo(cms, &der);
  if (len <= 0) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "encoding the signature failed");
    goto out;
  }
  if ((out->der = malloc((size_t)len)) == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  memcpy(out->der, der, (size_t)len);
  out->der_len = (size_t)len;
out:
  OPENSSL_free(der);
  ASN1_TIME_free(now);
  CMS_ContentInfo_free(cms);
  if (rc != CASC_OK) {
    bool tsa_failed = out->tsa_failed;
    casc_signature_clear(out);
    out->tsa_failed = tsa_failed;
  }
  return rc;
}
