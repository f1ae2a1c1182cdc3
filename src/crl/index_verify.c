/* The CRL index: the signature over the TBS bytes and the rules that say
 * whether a CRL may answer for a certificate (RFC 5280 6.3.3). */
#include "index_internal.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <string.h>

/* RSASSA-PSS parameters (RFC 4055 3.1) onto the verify context: hash,
 * MGF1 hash and salt length, with the RFC's defaults (SHA-1, 20). */
static casc_err set_pss(EVP_MD_CTX *ctx, const X509_ALGOR *alg, EVP_PKEY *pk, casc_error *e) {
  RSA_PSS_PARAMS *pss = alg->parameter != NULL
                            ? ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS),
                                                        alg->parameter)
                            : NULL;
  casc_err rc = CASC_OK;
  if (pss == NULL)
    return casc_error_ssl(e, CASC_ERR_PARSE, "RSASSA-PSS: malformed parameters");
  const EVP_MD *md = pss->hashAlgorithm != NULL
                         ? EVP_get_digestbyobj(pss->hashAlgorithm->algorithm)
                         : EVP_sha1();
  const EVP_MD *mgf1 = EVP_sha1();
  if (pss->maskGenAlgorithm != NULL) {
    /* MGF1's parameter is the AlgorithmIdentifier of its hash */
    const X509_ALGOR *mg = pss->maskGenAlgorithm;
    X509_ALGOR *mh = OBJ_obj2nid(mg->algorithm) == NID_mgf1 && mg->parameter != NULL
                         ? ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR), mg->parameter)
                         : NULL;
    mgf1 = mh != NULL ? EVP_get_digestbyobj(mh->algorithm) : NULL;
    X509_ALGOR_free(mh);
  }
  long salt = pss->saltLength != NULL ? ASN1_INTEGER_get(pss->saltLength) : 20;
  EVP_PKEY_CTX *pctx = NULL;
  if (md == NULL || mgf1 == NULL || salt < 0 || salt > 1024 ||
      (pss->trailerField != NULL && ASN1_INTEGER_get(pss->trailerField) != 1))
    rc = casc_error_set(e, CASC_ERR_CRYPTO, "RSASSA-PSS: unsupported parameters");
  else if (EVP_DigestVerifyInit(ctx, &pctx, md, NULL, pk) != 1 ||
           EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, (int)salt) != 1 ||
           EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, mgf1) != 1)
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "RSASSA-PSS: cannot set up the verification");
  RSA_PSS_PARAMS_free(pss);
  return rc;
}

static casc_err check_signature(const casc_crl_index *ix, EVP_PKEY *pk, casc_error *e) {
  const unsigned char *p = ix->outer_alg.hdr;
  X509_ALGOR *alg = d2i_X509_ALGOR(NULL, &p, (long)(ix->outer_alg.hdr_len + ix->outer_alg.len));
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  casc_err rc = CASC_OK;
  int md_nid = NID_undef, pk_nid = NID_undef;
  if (alg == NULL || ctx == NULL) {
    rc = casc_error_ssl(e, alg == NULL ? CASC_ERR_PARSE : CASC_ERR_NOMEM,
                        "signatureAlgorithm");
    goto out;
  }
  int nid = OBJ_obj2nid(alg->algorithm);
  if (nid == NID_rsassaPss) {
    if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA && EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA_PSS) {
      rc = casc_error_set(e, CASC_ERR_INTEGRITY, "an RSASSA-PSS signature from a non-RSA key");
      goto out;
    }
    rc = set_pss(ctx, alg, pk, e);
  } else if (nid == NID_undef || OBJ_find_sigid_algs(nid, &md_nid, &pk_nid) != 1) {
    rc = casc_error_set(e, CASC_ERR_CRYPTO, "unsupported signature algorithm");
  } else if (EVP_PKEY_get_base_id(pk) != pk_nid) {
    rc = casc_error_set(e, CASC_ERR_INTEGRITY,
                        "the signature algorithm does not match the issuer's key type");
  } else {
    const EVP_MD *md = md_nid == NID_undef ? NULL : EVP_get_digestbynid(md_nid);
    if (md_nid != NID_undef && md == NULL)
      rc = casc_error_set(e, CASC_ERR_CRYPTO, "unsupported digest");
    else if (EVP_DigestVerifyInit(ctx, NULL, md, NULL, pk) != 1)
      rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "cannot set up the verification");
  }
  if (rc != CASC_OK)
    goto out;
  if (EVP_DigestVerify(ctx, ix->sig.val + 1, ix->sig.len - 1, ix->tbs.hdr,
                       ix->tbs.hdr_len + ix->tbs.len) != 1)
    rc = casc_error_ssl(e, CASC_ERR_INTEGRITY, "the CRL's signature does not verify with the "
                                               "issuer's key");
out:
  ERR_clear_error();
  EVP_MD_CTX_free(ctx);
  X509_ALGOR_free(alg);
  return rc;
}

casc_err casc_crl_index_verify(const casc_crl_index *ix, X509 *issuer, casc_error *e) {
  const unsigned char *p = ix->issuer.hdr;
  X509_NAME *name = d2i_X509_NAME(NULL, &p, (long)(ix->issuer.hdr_len + ix->issuer.len));
  casc_err rc = CASC_OK;
  if (name == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_PARSE, "the CRL's issuer is not a Name");
    goto out;
  }
  if (X509_NAME_cmp(name, X509_get_subject_name(issuer)) != 0) {
    rc = casc_error_set(e, CASC_ERR_INTEGRITY, "the CRL's issuer is not the certificate's issuer");
    goto out;
  }
  if (ix->inner_alg.len != ix->outer_alg.len ||
      memcmp(ix->inner_alg.val, ix->outer_alg.val, ix->inner_alg.len) != 0) {
    rc = casc_error_set(e, CASC_ERR_INTEGRITY,
                        "signature and signatureAlgorithm differ (RFC 5280 5.1.1.2)");
    goto out;
  }
  if ((X509_get_extension_flags(issuer) & EXFLAG_KUSAGE) != 0 &&
      (X509_get_key_usage(issuer) & KU_CRL_SIGN) == 0) {
    rc = casc_error_set(e, CASC_ERR_INTEGRITY, "the issuer's keyUsage lacks cRLSign");
    goto out;
  }
  EVP_PKEY *pk = X509_get0_pubkey(issuer);
  if (pk == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_PARSE, "the issuer's public key");
    goto out;
  }
  rc = check_signature(ix, pk, e);
out:
  X509_NAME_free(name);
  return rc;
}

/* Does the IDP's fullName hold uri? */
static bool idp_names(const ISSUING_DIST_POINT *idp, const char *uri) {
  const GENERAL_NAMES *names = idp->distpoint->name.fullname;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
    const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type != GEN_URI)
      continue;
    const ASN1_IA5STRING *s = gn->d.uniformResourceIdentifier;
    if ((size_t)s->length == strlen(uri) && memcmp(s->data, uri, strlen(uri)) == 0)
      return true;
  }
  return false;
}

/* Does any URI of the certificate's CRL distribution points appear in the
 * IDP? For a CRL given without the URL it came from. */
static bool idp_matches_cert(const ISSUING_DIST_POINT *idp, X509 *cert) {
  CRL_DIST_POINTS *dps = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
  bool hit = false;
  for (int i = 0; !hit && i < sk_DIST_POINT_num(dps); i++) {
    const DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
    if (dp->distpoint == NULL || dp->distpoint->type != 0)
      continue;
    const GENERAL_NAMES *names = dp->distpoint->name.fullname;
    for (int j = 0; !hit && j < sk_GENERAL_NAME_num(names); j++) {
      const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, j);
      if (gn->type == GEN_URI) {
        const ASN1_IA5STRING *s = gn->d.uniformResourceIdentifier;
        char buf[2048];
        if (s->length > 0 && (size_t)s->length < sizeof buf) {
          memcpy(buf, s->data, (size_t)s->length);
          buf[s->length] = '\0';
          hit = strlen(buf) == (size_t)s->length && idp_names(idp, buf);
        }
      }
    }
  }
  CRL_DIST_POINTS_free(dps);
  ERR_clear_error();
  return hit;
}

casc_err casc_crl_index_check_scope(const casc_crl_index *ix, X509 *cert, const char *dp_url,
                                    casc_error *e) {
  const casc_crl_index_info *in = &ix->info;
  if (in->delta)
    return casc_error_set(e, CASC_ERR_POLICY, "a delta CRL is not a complete list");
  if (!in->has_idp)
    return CASC_OK;
  if (in->idp_indirect)
    return casc_error_set(e, CASC_ERR_POLICY, "indirect CRLs are not supported");
  if (in->idp_attr_only)
    return casc_error_set(e, CASC_ERR_POLICY, "the CRL covers attribute certificates only");
  if (in->idp_some_reasons)
    return casc_error_set(e, CASC_ERR_POLICY, "the CRL covers only some reasons "
                                              "(onlySomeReasons)");
  bool is_ca = (X509_get_extension_flags(cert) & EXFLAG_CA) != 0;
  if (in->idp_user_only && is_ca)
    return casc_error_set(e, CASC_ERR_POLICY,
                          "the CRL covers end-entity certificates only, this is a CA");
  if (in->idp_ca_only && !is_ca)
    return casc_error_set(e, CASC_ERR_POLICY, "the CRL covers CA certificates only");
  const DIST_POINT_NAME *dpn = ix->idp->distpoint;
  if (dpn == NULL)
    return CASC_OK;
  if (dpn->type != 0)
    return casc_error_set(e, CASC_ERR_POLICY,
                          "the CRL's distribution point is relative to its issuer: unsupported");
  bool ok = dp_url != NULL ? idp_names(ix->idp, dp_url) : idp_matches_cert(ix->idp, cert);
  if (!ok)
    return casc_error_set(e, CASC_ERR_POLICY,
                          "the CRL's IssuingDistributionPoint does not name %s (RFC 5280 "
                          "6.3.3 (b))",
                          dp_url != NULL ? dp_url : "the certificate's distribution point");
  return CASC_OK;
}
