/* Verification of a detached CMS signature over a file, under the Code
 * Signing Baseline Requirements' rules of time.
 *
 * Each step either passes or decides the verdict and names the rule; the
 * steps run from the cheapest, most basic fact (do these bytes match?) to
 * the one that needs the network (revocation), which sits behind
 * sign_revocation_check. */
#include "sign_internal.h"

#include "casc/der.h"
#include "casc/tsclient.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/objects.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TS_CLOCK_SKEW 300 /* seconds a TSA's clock may run ahead of ours */

const char *casc_sig_verdict_name(casc_sig_verdict v) {
  switch (v) {
  case CASC_SIG_GOOD: return "good";
  case CASC_SIG_REVOKED: return "revoked";
  case CASC_SIG_INVALID: return "invalid";
  case CASC_SIG_INDETERMINATE: return "indeterminate";
  }
  return "invalid";
}

casc_err casc_revocation_policy_parse(const char *s, casc_revocation_policy *out,
                                      casc_error *e) {
  if (strcasecmp(s, "hard") == 0)
    *out = CASC_REVOCATION_HARD;
  else if (strcasecmp(s, "soft") == 0)
    *out = CASC_REVOCATION_SOFT;
  else if (strcasecmp(s, "none") == 0)
    *out = CASC_REVOCATION_NONE;
  else
    return casc_error_set(e, CASC_ERR_USAGE, "--revocation %s: hard, soft or none", s);
  return CASC_OK;
}

void casc_verify_result_clear(casc_verify_result *r) {
  if (r == NULL)
    return;
  X509_free(r->signer);
  sk_X509_pop_free(r->chain, X509_free);
  sk_X509_pop_free(r->ts_chain, X509_free);
  memset(r, 0, sizeof *r);
}

static bool sig_alg_ok(CMS_SignerInfo *si, X509 *signer, int md_nid);
static bool sid_exact(CMS_SignerInfo *si, X509 *cert);

static void decide(casc_verify_result *r, casc_sig_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void decide(casc_verify_result *r, casc_sig_verdict v, const char *fmt, ...) {
  va_list ap;
  r->verdict = v;
  va_start(ap, fmt);
  vsnprintf(r->decision, sizeof r->decision, fmt, ap);
  va_end(ap);
}

/* The one attribute of type nid among the signed (or unsigned) ones:
 * NULL when absent; *dup set when there are several. */
static X509_ATTRIBUTE *one_attr(CMS_SignerInfo *si, int nid, bool is_signed, bool *dup) {
  int i = is_signed ? CMS_signed_get_attr_by_NID(si, nid, -1)
                    : CMS_unsigned_get_attr_by_NID(si, nid, -1);
  if (i < 0)
    return NULL;
  int j = is_signed ? CMS_signed_get_attr_by_NID(si, nid, i)
                    : CMS_unsigned_get_attr_by_NID(si, nid, i);
  if (j >= 0 && dup != NULL)
    *dup = true;
  return is_signed ? CMS_signed_get_attr(si, i) : CMS_unsigned_get_attr(si, i);
}

/* The single value of an attribute, of the given ASN.1 type. */
static ASN1_TYPE *attr_value(X509_ATTRIBUTE *a, int type) {
  if (a == NULL || X509_ATTRIBUTE_count(a) != 1)
    return NULL;
  ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(a, 0);
  return t != NULL && t->type == type ? t : NULL;
}

/* What OpenSSL's CMS parser lets through and no signature covers: BER
 * instead of DER, the version numbers, the SignedData digestAlgorithms
 * set. Checked on the bytes, so that no bit of a signature can change
 * without the verdict changing (or the input being refused). */
static casc_err check_der_frame(const unsigned char *sig, size_t len, int md_nid,
                                int sd_version, int si_version, casc_error *e) {
  casc_der_tlv_t ci, oid, wrap, sd, ver, algs, encap, t, sis, si, siver;
  const unsigned char *p = sig;
  size_t left = len;
  if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &ci, e) != CASC_OK || left != 0)
    return casc_error_set(e, CASC_ERR_PARSE, "not DER: %s", e->msg);
  p = ci.val, left = ci.len;
  if (casc_der_expect(&p, &left, CASC_DER_OID, &oid, e) != CASC_OK ||
      casc_der_expect(&p, &left, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0, &wrap, e) !=
          CASC_OK ||
      left != 0)
    return casc_error_set(e, CASC_ERR_PARSE, "not DER: %s", e->msg);
  p = wrap.val, left = wrap.len;
  if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &sd, e) != CASC_OK || left != 0)
    return casc_error_set(e, CASC_ERR_PARSE, "not DER: %s", e->msg);
  p = sd.val, left = sd.len;
  if (casc_der_expect(&p, &left, CASC_DER_INTEGER, &ver, e) != CASC_OK ||
      casc_der_expect(&p, &left, CASC_DER_SET, &algs, e) != CASC_OK ||
      casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &encap, e) != CASC_OK)
    return casc_error_set(e, CASC_ERR_PARSE, "not DER: %s", e->msg);
  if (ver.len != 1 || ver.val[0] != sd_version)
    return casc_error_set(e, CASC_ERR_PARSE, "SignedData version is not %d (RFC 5652 5.1)",
                          sd_version);
  /* digestAlgorithms: exactly the signer's, parameters absent or NULL */
  const ASN1_OBJECT *mdobj = OBJ_nid2obj(md_nid);
  const unsigned char *ap = algs.val;
  size_t aleft = algs.len;
  casc_der_tlv_t alg, aoid, aparam;
  if (casc_der_expect(&ap, &aleft, CASC_DER_SEQUENCE, &alg, e) != CASC_OK || aleft != 0)
    return casc_error_set(e, CASC_ERR_PARSE, "digestAlgorithms is not one algorithm");
  ap = alg.val, aleft = alg.len;
  if (casc_der_expect(&ap, &aleft, CASC_DER_OID, &aoid, e) != CASC_OK ||
      aoid.len != (size_t)OBJ_length(mdobj) || memcmp(aoid.val, OBJ_get0_data(mdobj), aoid.len) != 0 ||
      (aleft != 0 && (casc_der_expect(&ap, &aleft, CASC_DER_NULL, &aparam, e) != CASC_OK ||
                      aparam.len != 0 || aleft != 0)))
    return casc_error_set(e, CASC_ERR_PARSE,
                          "digestAlgorithms does not match the signer's digest algorithm");
  for (;;) {
    if (casc_der_next(&p, &left, &t, e) != CASC_OK)
      return casc_error_set(e, CASC_ERR_PARSE, "not DER: %s", e->msg);
    if (t.tag == CASC_DER_SET) {
      sis = t;
      break;
    }
    if (t.tag != (CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0) &&
        t.tag != (CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 1))
      return casc_error_set(e, CASC_ERR_PARSE, "unexpected field in SignedData");
  }
  if (left != 0)
    return casc_error_set(e, CASC_ERR_PARSE, "bytes after the SignerInfos");
  p = sis.val, left = sis.len;
  if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &si, e) != CASC_OK || left != 0)
    return casc_error_set(e, CASC_ERR_PARSE, "not DER: %s", e->msg);
  p = si.val, left = si.len;
  if (casc_der_expect(&p, &left, CASC_DER_INTEGER, &siver, e) != CASC_OK)
    return casc_error_set(e, CASC_ERR_PARSE, "not DER: %s", e->msg);
  if (siver.len != 1 || siver.val[0] != si_version)
    return casc_error_set(e, CASC_ERR_PARSE, "SignerInfo version is not %d (RFC 5652 5.3)",
                          si_version);
  return CASC_OK;
}

/* OpenSSL's parser accepts some BER and re-encodes what a signature
 * covers (the signed attributes) before checking it: bytes that are not
 * exactly what OpenSSL writes back are not DER, and refused. */
/* The TLVs inside a SignedData, in order, at most 8 of them. */
static int signed_data_fields(const unsigned char *der, size_t len, casc_der_tlv_t *f) {
  casc_der_tlv_t ci, oid, wrap, sd;
  casc_error e = {0};
  const unsigned char *p = der;
  size_t left = len;
  if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &ci, &e) != CASC_OK || left != 0)
    return -1;
  p = ci.val, left = ci.len;
  if (casc_der_expect(&p, &left, CASC_DER_OID, &oid, &e) != CASC_OK ||
      casc_der_expect(&p, &left, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0, &wrap, &e) !=
          CASC_OK)
    return -1;
  p = wrap.val, left = wrap.len;
  if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &sd, &e) != CASC_OK)
    return -1;
  p = sd.val, left = sd.len;
  int n = 0;
  while (left > 0 && n < 8)
    if (casc_der_next(&p, &left, &f[n++], &e) != CASC_OK)
      return -1;
  return left == 0 ? n : -1;
}

static int tlv_cmp(const void *a, const void *b) {
  const casc_der_tlv_t *x = a, *y = b;
  size_t lx = x->hdr_len + x->len, ly = y->hdr_len + y->len;
  int c = memcmp(x->hdr, y->hdr, lx < ly ? lx : ly);
  return c != 0 ? c : (lx > ly) - (lx < ly);
}

/* The same certificates, in whatever order: many signers (openssl ts
 * among them) do not sort the SET OF certificates as DER would. */
static bool same_cert_set(const casc_der_tlv_t *a, const casc_der_tlv_t *b) {
  enum { MAX_CERTS = 32 };
  casc_der_tlv_t ca[MAX_CERTS], cb[MAX_CERTS];
  const casc_der_tlv_t *sets[2] = {a, b};
  casc_der_tlv_t *outs[2] = {ca, cb};
  int counts[2] = {0, 0};
  casc_error e = {0};
  if (a->len != b->len)
    return false;
  for (int k = 0; k < 2; k++) {
    const unsigned char *p = sets[k]->val;
    size_t left = sets[k]->len;
    while (left > 0) {
      if (counts[k] == MAX_CERTS || casc_der_next(&p, &left, &outs[k][counts[k]++], &e) != CASC_OK)
        return false;
    }
  }
  if (counts[0] != counts[1])
    return false;
  qsort(ca, (size_t)counts[0], sizeof ca[0], tlv_cmp);
  qsort(cb, (size_t)counts[1], sizeof cb[0], tlv_cmp);
  for (int i = 0; i < counts[0]; i++)
    if (tlv_cmp(&ca[i], &cb[i]) != 0)
      return false;
  return true;
}

static casc_err check_reencodes(CMS_ContentInfo *cms, const unsigned char *der, size_t len,
                                casc_error *e) {
  unsigned char *back = NULL;
  int n = i2d_CMS_ContentInfo(cms, &back);
  bool same = n > 0 && (size_t)n == len && memcmp(back, der, len) == 0;
  if (!same && n > 0) {
    /* equal but for the order of the certificates */
    casc_der_tlv_t fa[8], fb[8];
    int na = signed_data_fields(der, len, fa), nb = signed_data_fields(back, (size_t)n, fb);
    same = na > 0 && na == nb && (size_t)n == len;
    for (int i = 0; same && i < na; i++) {
      if (fa[i].tag != fb[i].tag)
        same = false;
      else if (fa[i].tag == (CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0) && i >= 3)
        same = same_cert_set(&fa[i], &fb[i]);
      else
        same = tlv_cmp(&fa[i], &fb[i]) == 0;
    }
  }
  OPENSSL_free(back);
  if (!same)
    return casc_error_set(e, CASC_ERR_PARSE, "not DER (the encoding is not canonical)");
  return CASC_OK;
}

/* Parameters of a digest AlgorithmIdentifier: absent or NULL. */
static bool digest_params_ok(const X509_ALGOR *alg) {
  int ptype = V_ASN1_UNDEF;
  X509_ALGOR_get0(NULL, &ptype, NULL, alg);
  return ptype == V_ASN1_UNDEF || ptype == V_ASN1_NULL;
}

/* The structure casc judges: a DER ContentInfo of SignedData, detached,
 * over id-data, with one SignerInfo whose signed attributes carry one
 * contentType (id-data) and one messageDigest of the right size. */
static casc_err parse_sig(const unsigned char *sig, size_t len, CMS_ContentInfo **out,
                          CMS_SignerInfo **si_out, const EVP_MD **md_out, casc_error *e) {
  casc_err rc = CASC_OK;
  const unsigned char *p = sig;
  CMS_ContentInfo *cms = NULL;
  bool dup = false;
  if (len == 0 || len > LONG_MAX || (cms = d2i_CMS_ContentInfo(NULL, &p, (long)len)) == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_PARSE, "not a DER CMS ContentInfo");
    goto out;
  }
  if (p != sig + len) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "bytes after the CMS ContentInfo");
    goto out;
  }
  if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "not a CMS SignedData");
    goto out;
  }
  if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "the signed content type is not id-data");
    goto out;
  }
  if (CMS_is_detached(cms) != 1) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "not a detached signature (it embeds content)");
    goto out;
  }
  STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
  if (sk_CMS_SignerInfo_num(sis) != 1) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "%d signers (casc judges signatures with one)",
                        sk_CMS_SignerInfo_num(sis));
    goto out;
  }
  CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
  X509_ALGOR *digalg = NULL;
  CMS_SignerInfo_get0_algs(si, NULL, NULL, &digalg, NULL);
  const ASN1_OBJECT *obj = NULL;
  X509_ALGOR_get0(&obj, NULL, NULL, digalg);
  int md_nid = OBJ_obj2nid(obj);
  if (md_nid != NID_sha256 && md_nid != NID_sha384 && md_nid != NID_sha512) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "digest algorithm %s (casc accepts SHA-256, -384, -512)",
                        md_nid != NID_undef ? OBJ_nid2sn(md_nid) : "unknown");
    goto out;
  }
  const EVP_MD *md = EVP_get_digestbynid(md_nid);
  if (!digest_params_ok(digalg)) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "digest algorithm parameters are not absent or NULL");
    goto out;
  }
  ASN1_OCTET_STRING *keyid = NULL;
  /* RFC 5652 5.1 and 5.3: version 1 with id-data and an issuer and serial
   * signer identifier, 3 with a subjectKeyIdentifier */
  int version = 1;
  if (CMS_SignerInfo_get0_signer_id(si, &keyid, NULL, NULL) == 1 && keyid != NULL)
    version = 3;
  if ((rc = check_reencodes(cms, sig, len, e)) != CASC_OK ||
      (rc = check_der_frame(sig, len, md_nid, version, version, e)) != CASC_OK) {
    if (rc == CASC_OK)
      rc = casc_error_set(e, CASC_ERR_PARSE, "no signer identifier");
    goto out;
  }
  if (CMS_signed_get_attr_count(si) <= 0) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "no signed attributes");
    goto out;
  }
  ASN1_TYPE *ct = attr_value(one_attr(si, NID_pkcs9_contentType, true, &dup), V_ASN1_OBJECT);
  ASN1_TYPE *mdv = attr_value(one_attr(si, NID_pkcs9_messageDigest, true, &dup),
                              V_ASN1_OCTET_STRING);
  if (dup) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "a signed attribute given twice");
    goto out;
  }
  if (ct == NULL || OBJ_obj2nid(ct->value.object) != NID_pkcs7_data) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "no contentType id-data signed attribute");
    goto out;
  }
  if (mdv == NULL || ASN1_STRING_length(mdv->value.octet_string) != EVP_MD_get_size(md)) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "no messageDigest of %s size", OBJ_nid2sn(md_nid));
    goto out;
  }
  *out = cms;
  *si_out = si;
  *md_out = md;
  cms = NULL;
out:
  CMS_ContentInfo_free(cms);
  return rc;
}

casc_err casc_sign_parse_check(const unsigned char *sig, size_t sig_len, casc_error *e) {
  CMS_ContentInfo *cms = NULL;
  CMS_SignerInfo *si = NULL;
  const EVP_MD *md = NULL;
  casc_err rc = parse_sig(sig, sig_len, &cms, &si, &md, e);
  CMS_ContentInfo_free(cms);
  return rc;
}

static bool eku_has(EXTENDED_KEY_USAGE *eku, int nid) {
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++)
    if (OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)) == nid)
      return true;
  return false;
}

static bool eku_has_oid(EXTENDED_KEY_USAGE *eku, const char *oid) {
  char buf[80];
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++)
    if (OBJ_obj2txt(buf, sizeof buf, sk_ASN1_OBJECT_value(eku, i), 1) > 0 &&
        strcmp(buf, oid) == 0)
      return true;
  return false;
}

/* CSBR 7.1.2.3: a code-signing certificate has id-kp-codeSigning and
 * neither anyExtendedKeyUsage nor serverAuth. */
static bool check_signer_eku(X509 *signer, casc_verify_result *r) {
  int crit = 0;
  EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(signer, NID_ext_key_usage, &crit, NULL);
  bool ok = false;
  if (eku == NULL)
    decide(r, CASC_SIG_INVALID,
           "invalid: the signer certificate has no extended key usage (code signing needs "
           "id-kp-codeSigning)");
  else if (eku_has(eku, NID_anyExtendedKeyUsage))
    decide(r, CASC_SIG_INVALID,
           "invalid: the signer certificate allows anyExtendedKeyUsage, which code signing "
           "forbids (CSBR 7.1.2.3)");
  else if (eku_has(eku, NID_server_auth))
    decide(r, CASC_SIG_INVALID,
           "invalid: the signer certificate is a TLS server certificate (serverAuth), not a "
           "code-signing one (CSBR 7.1.2.3)");
  else if (!eku_has(eku, NID_code_sign))
    decide(r, CASC_SIG_INVALID,
           "invalid: the signer certificate lacks id-kp-codeSigning in its extended key usage");
  else
    ok = true;
  if (eku != NULL)
    r->lifetime_signing = eku_has_oid(eku, SIGN_OID_LIFETIME_SIGNING);
  EXTENDED_KEY_USAGE_free(eku);
  r->eku_ok = ok;
  return ok;
}

/* A CA certificate that restricts its extended key usage must allow code
 * signing for its subordinates to sign code. */
static bool check_ca_eku(casc_verify_result *r) {
  for (int i = 1; i < sk_X509_num(r->chain); i++) {
    X509 *ca = sk_X509_value(r->chain, i);
    EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(ca, NID_ext_key_usage, NULL, NULL);
    bool bad = eku != NULL && !eku_has(eku, NID_code_sign) &&
               !eku_has(eku, NID_anyExtendedKeyUsage);
    EXTENDED_KEY_USAGE_free(eku);
    if (bad) {
      char name[256];
      sign_name_string(X509_get_subject_name(ca), name, sizeof name);
      decide(r, CASC_SIG_INVALID,
             "invalid: the CA %s restricts its extended key usage to exclude code signing",
             name);
      return false;
    }
  }
  return true;
}

/* The message imprint algorithm of a token, so that the signature value
 * is hashed the way the TSA was asked to. */
static const EVP_MD *token_md(const unsigned char *der, size_t len) {
  const unsigned char *p = der;
  const EVP_MD *md = NULL;
  PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)len);
  TS_TST_INFO *tst = p7 != NULL ? PKCS7_to_TS_TST_INFO(p7) : NULL;
  if (tst != NULL) {
    const ASN1_OBJECT *obj = NULL;
    X509_ALGOR_get0(&obj, NULL, NULL, TS_MSG_IMPRINT_get_algo(TS_TST_INFO_get_msg_imprint(tst)));
    int nid = OBJ_obj2nid(obj);
    if (nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512)
      md = EVP_get_digestbynid(nid);
  }
  TS_TST_INFO_free(tst);
  PKCS7_free(p7);
  return md;
}

/* What casc_ts_verify_token leaves to OpenSSL's leniency, checked the way
 * parse_sig checks the signature itself: DER throughout, the versions
 * RFC 5652 wants for id-ct-TSTInfo content (SignedData 3), one signer, its
 * digest parameters, its identifier byte for byte, its signature algorithm
 * matching its key and digest. */
static casc_err token_strict(const unsigned char *tok, size_t len, casc_error *e) {
  casc_err rc = CASC_OK;
  const unsigned char *p = tok;
  CMS_ContentInfo *cms = len <= LONG_MAX ? d2i_CMS_ContentInfo(NULL, &p, (long)len) : NULL;
  STACK_OF(X509) *certs = NULL;
  if (cms == NULL || p != tok + len || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
      OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_id_smime_ct_TSTInfo ||
      sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)) != 1) {
    ERR_clear_error();
    rc = casc_error_set(e, CASC_ERR_PARSE, "not a TimeStampToken with one signer");
    goto out;
  }
  CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
  X509_ALGOR *digalg = NULL;
  const ASN1_OBJECT *obj = NULL;
  ASN1_OCTET_STRING *keyid = NULL;
  CMS_SignerInfo_get0_algs(si, NULL, NULL, &digalg, NULL);
  X509_ALGOR_get0(&obj, NULL, NULL, digalg);
  int md_nid = OBJ_obj2nid(obj);
  if (CMS_SignerInfo_get0_signer_id(si, &keyid, NULL, NULL) != 1 || !digest_params_ok(digalg)) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "a malformed token signer");
    goto out;
  }
  if ((rc = check_reencodes(cms, tok, len, e)) != CASC_OK ||
      (rc = check_der_frame(tok, len, md_nid, 3, keyid != NULL ? 3 : 1, e)) != CASC_OK)
    goto out;
  certs = CMS_get1_certs(cms);
  for (int i = 0; i < sk_X509_num(certs); i++) {
    X509 *c = sk_X509_value(certs, i);
    if (CMS_SignerInfo_cert_cmp(si, c) != 0)
      continue;
    if (!sid_exact(si, c) || X509_get0_pubkey(c) == NULL || !sig_alg_ok(si, c, md_nid))
      rc = casc_error_set(e, CASC_ERR_PARSE,
                          "the token's signer identifier or signature algorithm does not match "
                          "its certificate");
    break;
  }
out:
  ERR_clear_error();
  sk_X509_pop_free(certs, X509_free);
  CMS_ContentInfo_free(cms);
  return rc;
}

/* The timestamp token, when there is one: its imprint must be the hash of
 * this SignerInfo's signature value, its TSA chained to the anchors with
 * the timeStamping EKU. Returns false when it decided (invalid). */
static bool check_timestamp(CMS_SignerInfo *si, X509_STORE *store, STACK_OF(X509) *certs,
                            casc_verify_result *r) {
  bool dup = false;
  X509_ATTRIBUTE *a = one_attr(si, NID_id_smime_aa_timeStampToken, false, &dup);
  if (a == NULL)
    return true;
  r->timestamped = true;
  ASN1_TYPE *t = attr_value(a, V_ASN1_SEQUENCE);
  if (dup || t == NULL) {
    snprintf(r->ts_error, sizeof r->ts_error, "%s",
             dup ? "two timestamp tokens" : "a malformed timestamp token attribute");
    decide(r, CASC_SIG_INVALID, "invalid: %s", r->ts_error);
    return false;
  }
  const unsigned char *tok = ASN1_STRING_get0_data(t->value.sequence);
  size_t tok_len = (size_t)ASN1_STRING_length(t->value.sequence);
  const EVP_MD *md = token_md(tok, tok_len);
  unsigned char dg[EVP_MAX_MD_SIZE];
  unsigned dlen = 0;
  ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
  casc_ts_info info = {0};
  casc_error te = {0};
  if (md == NULL) {
    snprintf(r->ts_error, sizeof r->ts_error,
             "not a TimeStampToken with a SHA-256, -384 or -512 imprint");
  } else if (token_strict(tok, tok_len, &te) != CASC_OK) {
    snprintf(r->ts_error, sizeof r->ts_error, "%s", te.msg);
  } else if (EVP_Digest(ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig), dg, &dlen,
                        md, NULL) != 1) {
    snprintf(r->ts_error, sizeof r->ts_error, "hashing the signature value failed");
  } else {
    casc_ts_verify_opts vo = {.trust = store, .untrusted = certs, .at = 0};
    if (casc_ts_verify_token(tok, tok_len, md, dg, dlen, &vo, &info, &te) != CASC_OK) {
      snprintf(r->ts_error, sizeof r->ts_error, "%s", te.msg);
    } else {
      r->timestamp_ok = true;
      r->ts_gen_time = info.gen_time;
      snprintf(r->ts_serial, sizeof r->ts_serial, "%s", info.serial);
      snprintf(r->ts_policy, sizeof r->ts_policy, "%s", info.policy);
      snprintf(r->ts_tsa, sizeof r->ts_tsa, "%s", info.tsa_name);
      r->ts_chain = info.chain; /* kept for the revocation step */
      info.chain = NULL;
    }
  }
  casc_ts_info_clear(&info);
  if (!r->timestamp_ok) {
    decide(r, CASC_SIG_INVALID, "invalid: the timestamp token does not verify: %s",
           r->ts_error);
    return false;
  }
  return true;
}

/* The chain from the signer to an anchor, valid at r->judged_at. */
static bool check_chain(X509_STORE *store, STACK_OF(X509) *certs, casc_verify_result *r) {
  X509_STORE_CTX *ctx = X509_STORE_CTX_new();
  char when[CASC_TIME_BUFSZ], nb[CASC_TIME_BUFSZ], na[CASC_TIME_BUFSZ];
  bool ok = false;
  casc_time_format(r->judged_at, when);
  casc_time_format(r->not_before, nb);
  casc_time_format(r->not_after, na);
  if (ctx == NULL || X509_STORE_CTX_init(ctx, store, r->signer, certs) != 1) {
    decide(r, CASC_SIG_INVALID, "invalid: out of memory building the chain");
    goto out;
  }
  X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_time(param, r->judged_at);
  /* The anchors in --trust are trusted as given, a root or not. */
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  if (X509_verify_cert(ctx) == 1) {
    r->chain = X509_STORE_CTX_get1_chain(ctx);
    r->chain_ok = true;
    ok = true;
    goto out;
  }
  int err = X509_STORE_CTX_get_error(ctx);
  X509 *bad = X509_STORE_CTX_get_current_cert(ctx);
  char name[256] = "";
  if (bad != NULL)
    sign_name_string(X509_get_subject_name(bad), name, sizeof name);
  snprintf(r->chain_error, sizeof r->chain_error, "%s (%s)", X509_verify_cert_error_string(err),
           name);
  bool is_signer = bad == NULL || X509_cmp(bad, r->signer) == 0;
  if (err == X509_V_ERR_CERT_HAS_EXPIRED && is_signer && !r->timestamped)
    decide(r, CASC_SIG_INVALID,
           "invalid: expired and no timestamp: the signer certificate expired at %s", na);
  else if (err == X509_V_ERR_CERT_HAS_EXPIRED && is_signer)
    decide(r, CASC_SIG_INVALID,
           "invalid: the signer certificate had expired (at %s) by the timestamp %s", na, when);
  else if (err == X509_V_ERR_CERT_NOT_YET_VALID && is_signer)
    decide(r, CASC_SIG_INVALID,
           "invalid: the signer certificate was not yet valid (from %s) at %s %s", nb,
           r->judged_at_timestamp ? "the timestamp" : "now,", when);
  else
    decide(r, CASC_SIG_INVALID, "invalid: the chain does not verify at %s: %s", when,
           r->chain_error);
out:
  X509_STORE_CTX_free(ctx);
  return ok;
}

/* Revocation, judged against the time the chain was judged at: a
 * revocation (or invalidity) date at or before it counts, a later one
 * leaves the signature valid. Every certificate of the chain but the
 * anchor is asked about; the signer's answer is r->revocation. */
static time_t effective_revocation(const casc_sig_rev_info *ri) {
  time_t eff = ri->revoked_at;
  if (ri->has_invalidity && ri->invalidity_date < eff)
    eff = ri->invalidity_date;
  return eff;
}

/* Asks about links 0..n-1 of chain (each issued by the next) into out[]. */
static int ask_chain(STACK_OF(X509) *chain, X509_STORE *store, STACK_OF(X509) *certs,
                     casc_sig_rev_info *out, int max) {
  int n = sk_X509_num(chain) - 1;
  if (n > max)
    n = max;
  for (int i = 0; i < n; i++) {
    casc_error e = {0};
    if (sign_revocation_check(sk_X509_value(chain, i), sk_X509_value(chain, i + 1), store, certs,
                              &out[i], &e) != CASC_OK) {
      out[i].status = CASC_SIG_REV_UNKNOWN;
      snprintf(out[i].detail, sizeof out[i].detail, "%s", e.msg);
    }
  }
  return n > 0 ? n : 0;
}

/* The answers in the order they are judged: the signer, its CAs, the TSA
 * and its CAs; what each is called in a verdict. */
typedef struct {
  const casc_sig_rev_info *ri;
  X509 *cert;
  const char *role;
} rev_entry;

static void check_revocation(X509_STORE *store, STACK_OF(X509) *certs,
                             const casc_verify_opts *opts, casc_verify_result *r) {
  char when[CASC_TIME_BUFSZ], at[CASC_TIME_BUFSZ], name[300];
  rev_entry all[1 + 2 * CASC_SIG_MAX_CAS];
  int n = 0;
  casc_time_format(r->judged_at, when);
  if (opts->revocation == CASC_REVOCATION_NONE || sk_X509_num(r->chain) < 2) {
    r->revocation.status = CASC_SIG_REV_NOT_CHECKED;
    snprintf(r->revocation.source, sizeof r->revocation.source, "none");
    goto good;
  }
  casc_sig_rev_info links[CASC_SIG_MAX_CAS + 1];
  memset(links, 0, sizeof links);
  int nl = ask_chain(r->chain, store, certs, links, CASC_SIG_MAX_CAS + 1);
  r->revocation = links[0];
  r->n_ca_revocation = nl - 1;
  memcpy(r->ca_revocation, links + 1, sizeof r->ca_revocation[0] * (size_t)(nl - 1));
  all[n++] = (rev_entry){&r->revocation, sk_X509_value(r->chain, 0), "the signer certificate"};
  for (int i = 0; i < r->n_ca_revocation; i++)
    all[n++] = (rev_entry){&r->ca_revocation[i], sk_X509_value(r->chain, i + 1), "the CA certificate"};
  if (r->judged_at_timestamp && r->ts_chain != NULL) {
    r->n_ts_revocation = ask_chain(r->ts_chain, store, certs, r->ts_revocation, CASC_SIG_MAX_CAS);
    for (int i = 0; i < r->n_ts_revocation; i++)
      all[n++] = (rev_entry){&r->ts_revocation[i], sk_X509_value(r->ts_chain, i),
                             i == 0 ? "the TSA certificate" : "the TSA's CA certificate"};
  }
  /* a revocation that counts decides, the signer's first */
  for (int i = 0; i < n; i++) {
    const casc_sig_rev_info *ri = all[i].ri;
    if (ri->status != CASC_SIG_REV_REVOKED || effective_revocation(ri) > r->judged_at)
      continue;
    casc_time_format(effective_revocation(ri), at);
    if (i == 0) {
      snprintf(name, sizeof name, "%s", all[i].role);
    } else {
      char subject[200];
      sign_name_string(X509_get_subject_name(all[i].cert), subject, sizeof subject);
      snprintf(name, sizeof name, "%s %s", all[i].role, subject);
    }
    if (r->judged_at_timestamp)
      decide(r, CASC_SIG_REVOKED, "revoked: %s was revoked at %s%s%s, at or before the timestamp %s",
             name, at, ri->reason[0] ? " for " : "", ri->reason, when);
    else
      decide(r, CASC_SIG_REVOKED, "revoked: %s was revoked at %s%s%s", name, at,
             ri->reason[0] ? " for " : "", ri->reason);
    return;
  }
  for (int i = 0; i < n; i++) {
    const casc_sig_rev_info *ri = all[i].ri;
    if (ri->status != CASC_SIG_REV_UNKNOWN)
      continue;
    if (opts->revocation == CASC_REVOCATION_HARD) {
      decide(r, CASC_SIG_INDETERMINATE,
             "indeterminate: the revocation status of %s could not be learned: %s", all[i].role,
             ri->detail);
      return;
    }
    snprintf(r->warning, sizeof r->warning, "revocation status unknown (soft-fail): %.200s",
             ri->detail);
    break;
  }
  for (int i = 0; i < n; i++) {
    const casc_sig_rev_info *ri = all[i].ri;
    if (ri->status != CASC_SIG_REV_REVOKED)
      continue;
    casc_time_format(effective_revocation(ri), at);
    decide(r, CASC_SIG_GOOD,
           "valid: timestamped at %s, chain valid at %s; %s was revoked later, at %s, which "
           "leaves earlier signatures valid",
           when, when, all[i].role, at);
    return;
  }
good:
  if (r->judged_at_timestamp)
    decide(r, CASC_SIG_GOOD, "valid: timestamped at %s, chain valid at %s", when, when);
  else
    decide(r, CASC_SIG_GOOD, "valid: not timestamped, chain valid now (%s)", when);
}

static casc_err load_trust(const char *path, X509_STORE **out, casc_error *e) {
  STACK_OF(X509) *certs = NULL;
  X509_STORE *store = NULL;
  casc_err rc = sign_certs_load(path, &certs, e);
  if (rc != CASC_OK)
    return rc;
  if ((store = X509_STORE_new()) == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  for (int i = 0; i < sk_X509_num(certs); i++)
    if (X509_STORE_add_cert(store, sk_X509_value(certs, i)) != 1) {
      rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "%s: adding an anchor failed", path);
      goto out;
    }
  *out = store;
  store = NULL;
out:
  X509_STORE_free(store);
  sk_X509_pop_free(certs, X509_free);
  return rc;
}

/* The SignerInfo's signatureAlgorithm is not signed and OpenSSL takes the
 * hash from digestAlgorithm: it must name the signer's key type and, when
 * it names a hash, the same hash, with no stray parameters. */
static bool sig_alg_ok(CMS_SignerInfo *si, X509 *signer, int md_nid) {
  X509_ALGOR *alg = NULL;
  const ASN1_OBJECT *obj = NULL;
  int ptype = V_ASN1_UNDEF;
  CMS_SignerInfo_get0_algs(si, NULL, NULL, NULL, &alg);
  X509_ALGOR_get0(&obj, &ptype, NULL, alg);
  int nid = OBJ_obj2nid(obj), dig = NID_undef, pk = NID_undef;
  EVP_PKEY *pub = X509_get0_pubkey(signer);
  if (pub == NULL)
    return false;
  int key = EVP_PKEY_get_base_id(pub);
  if (nid == NID_rsassaPss)
    return key == EVP_PKEY_RSA || key == EVP_PKEY_RSA_PSS;
  if (ptype != V_ASN1_UNDEF && ptype != V_ASN1_NULL)
    return false;
  if (nid == key)
    return true; /* rsaEncryption, id-ecPublicKey: the hash is digestAlgorithm's */
  if (OBJ_find_sigid_algs(nid, &dig, &pk) != 1)
    return false;
  return pk == key && dig == md_nid;
}

/* X509_NAME_cmp matches names case-insensitively; the signer identifier
 * must name the certificate's issuer with the very same bytes, so that no
 * bit of the signature changes without the verdict changing. */
static bool sid_exact(CMS_SignerInfo *si, X509 *cert) {
  X509_NAME *issuer = NULL;
  ASN1_OCTET_STRING *keyid = NULL;
  if (CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, NULL) != 1)
    return false;
  if (issuer == NULL)
    return true; /* a subjectKeyIdentifier: compared exactly already */
  const unsigned char *a = NULL, *b = NULL;
  size_t alen = 0, blen = 0;
  if (X509_NAME_get0_der(issuer, &a, &alen) != 1 ||
      X509_NAME_get0_der(X509_get_issuer_name(cert), &b, &blen) != 1)
    return false;
  return alen == blen && memcmp(a, b, alen) == 0;
}

static void fill_signer(X509 *signer, casc_verify_result *r) {
  casc_error ignore = {0};
  X509_up_ref(signer);
  r->signer = signer;
  sign_name_string(X509_get_subject_name(signer), r->signer_subject, sizeof r->signer_subject);
  sign_name_string(X509_get_issuer_name(signer), r->signer_issuer, sizeof r->signer_issuer);
  sign_serial_string(signer, r->signer_serial, sizeof r->signer_serial);
  casc_asn1_time_get(X509_get0_notBefore(signer), &r->not_before, &ignore);
  casc_asn1_time_get(X509_get0_notAfter(signer), &r->not_after, &ignore);
}

/* signing-certificate-v2 (or v1) must name the signer certificate when
 * present: it binds the signature to the certificate, not just its key. */
static bool check_ess(CMS_SignerInfo *si, X509 *signer, casc_verify_result *r) {
  bool dup = false, ok = false;
  ESS_SIGNING_CERT_V2 *v2 = NULL;
  ESS_SIGNING_CERT *v1 = NULL;
  STACK_OF(X509) *chain = sk_X509_new_null();
  ASN1_TYPE *t2 = attr_value(one_attr(si, NID_id_smime_aa_signingCertificateV2, true, &dup),
                             V_ASN1_SEQUENCE);
  ASN1_TYPE *t1 = attr_value(one_attr(si, NID_id_smime_aa_signingCertificate, true, &dup),
                             V_ASN1_SEQUENCE);
  bool has2 = one_attr(si, NID_id_smime_aa_signingCertificateV2, true, NULL) != NULL;
  bool has1 = one_attr(si, NID_id_smime_aa_signingCertificate, true, NULL) != NULL;
  r->has_signing_cert_v2 = has2;
  if (!has1 && !has2) {
    ok = true;
    goto out;
  }
  if (t2 != NULL) {
    const unsigned char *p = ASN1_STRING_get0_data(t2->value.sequence);
    v2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p, ASN1_STRING_length(t2->value.sequence));
  }
  if (t1 != NULL) {
    const unsigned char *p = ASN1_STRING_get0_data(t1->value.sequence);
    v1 = d2i_ESS_SIGNING_CERT(NULL, &p, ASN1_STRING_length(t1->value.sequence));
  }
  if (!dup && (!has2 || v2 != NULL) && (!has1 || v1 != NULL) && chain != NULL &&
      sk_X509_push(chain, signer) && OSSL_ESS_check_signing_certs(v1, v2, chain, 1) > 0)
    ok = true;
  ERR_clear_error();
out:
  r->signing_cert_v2_ok = has2 && ok;
  if (!ok)
    decide(r, CASC_SIG_INVALID,
           "invalid: the signing-certificate attribute does not name the signer certificate");
  sk_X509_free(chain);
  ESS_SIGNING_CERT_V2_free(v2);
  ESS_SIGNING_CERT_free(v1);
  return ok;
}

casc_err casc_verify_file(const char *path, const unsigned char *sig, size_t sig_len,
                          const casc_verify_opts *opts, casc_verify_result *r, casc_error *e) {
  casc_err rc = CASC_OK;
  CMS_ContentInfo *cms = NULL;
  CMS_SignerInfo *si = NULL;
  const EVP_MD *md = NULL;
  X509_STORE *store = NULL;
  STACK_OF(X509) *certs = NULL;
  unsigned char dg[EVP_MAX_MD_SIZE];
  unsigned dlen = 0;
  memset(r, 0, sizeof *r);
  r->verdict = CASC_SIG_INVALID;
  if ((rc = load_trust(opts->trust_path, &store, e)) != CASC_OK)
    goto out;
  if ((rc = parse_sig(sig, sig_len, &cms, &si, &md, e)) != CASC_OK)
    goto out;
  snprintf(r->digest_alg, sizeof r->digest_alg, "%s", EVP_MD_get0_name(md));
  for (char *c = r->digest_alg; *c; c++)
    *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
  if (strncmp(r->digest_alg, "sha2-", 5) == 0)
    memmove(r->digest_alg + 3, r->digest_alg + 5, strlen(r->digest_alg + 5) + 1);
  /* 1. the bytes */
  if ((rc = casc_sign_digest_file(path, md, dg, &dlen, e)) != CASC_OK)
    goto out;
  casc_hex_encode(dg, dlen, r->digest_hex);
  ASN1_TYPE *mdv = attr_value(one_attr(si, NID_pkcs9_messageDigest, true, NULL),
                              V_ASN1_OCTET_STRING);
  if (memcmp(ASN1_STRING_get0_data(mdv->value.octet_string), dg, dlen) != 0) {
    decide(r, CASC_SIG_INVALID,
           "invalid: the file's %s digest differs from the signed messageDigest: the file is "
           "not the one that was signed (changed or corrupted)",
           r->digest_alg);
    goto out;
  }
  r->digest_ok = true;
  /* 2. the signer and its signature over the signed attributes */
  certs = CMS_get1_certs(cms);
  X509 *signer = NULL;
  for (int i = 0; i < sk_X509_num(certs) && signer == NULL; i++)
    if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)) == 0 &&
        sid_exact(si, sk_X509_value(certs, i)))
      signer = sk_X509_value(certs, i);
  if (signer == NULL) {
    decide(r, CASC_SIG_INVALID, "invalid: the signer certificate is not in the signature");
    goto out;
  }
  fill_signer(signer, r);
  CMS_SignerInfo_set1_signer_cert(si, signer);
  if (X509_get0_pubkey(signer) == NULL) {
    ERR_clear_error();
    decide(r, CASC_SIG_INVALID, "invalid: the signer certificate's public key is malformed");
    goto out;
  }
  if (!sig_alg_ok(si, signer, EVP_MD_get_type(md))) {
    decide(r, CASC_SIG_INVALID,
           "invalid: the signature algorithm does not match the signer's key and digest");
    goto out;
  }
  if (CMS_SignerInfo_verify(si) != 1) {
    ERR_clear_error();
    decide(r, CASC_SIG_INVALID,
           "invalid: the signature value does not verify over the signed attributes with the "
           "signer's key (the signature was altered)");
    goto out;
  }
  r->signature_ok = true;
  ASN1_TYPE *st = attr_value(one_attr(si, NID_pkcs9_signingTime, true, NULL), V_ASN1_UTCTIME);
  if (st == NULL)
    st = attr_value(one_attr(si, NID_pkcs9_signingTime, true, NULL), V_ASN1_GENERALIZEDTIME);
  if (st != NULL) {
    casc_error ignore = {0};
    r->has_signing_time =
        casc_asn1_time_get((ASN1_TIME *)st->value.asn1_string, &r->signing_time, &ignore) ==
        CASC_OK;
  }
  if (!check_ess(si, signer, r) || !check_signer_eku(signer, r))
    goto out;
  /* 3. the time the chain is judged at: the timestamp's, else now */
  if (!check_timestamp(si, store, certs, r))
    goto out;
  /* A TSA whose clock runs ahead cannot move the judgement into the future. */
  if (r->timestamp_ok && r->ts_gen_time > casc_now() + TS_CLOCK_SKEW) {
    char when[CASC_TIME_BUFSZ];
    casc_time_format(r->ts_gen_time, when);
    decide(r, CASC_SIG_INVALID, "invalid: the timestamp's time %s lies in the future", when);
    goto out;
  }
  r->judged_at_timestamp = r->timestamp_ok;
  r->judged_at = r->timestamp_ok ? r->ts_gen_time : casc_now();
  if (!check_chain(store, certs, r) || !check_ca_eku(r))
    goto out;
  /* 4. CSBR 7.2: Lifetime Signing certificates end their signatures with
   * them, timestamp or not. */
  if (r->lifetime_signing && casc_now() > r->not_after) {
    char na[CASC_TIME_BUFSZ];
    casc_time_format(r->not_after, na);
    decide(r, CASC_SIG_INVALID,
           "invalid: the signer certificate carries the Lifetime Signing OID and expired at %s; "
           "a timestamp does not extend it",
           na);
    goto out;
  }
  /* 5. revocation, at the time judged */
  check_revocation(store, certs, opts, r);
out:
  sk_X509_pop_free(certs, X509_free);
  X509_STORE_free(store);
  CMS_ContentInfo_free(cms);
  return rc;
}
