/* The RFC 3161 client: requests, and the relying party's checks on a
 * reply (see include/casc/tsclient.h).
 *
 * Verification is assembled from OpenSSL pieces rather than
 * TS_RESP_verify_response, for two reasons: TS_RESP_verify_response
 * validates the TSA chain at the current time only (a code signature must
 * stay verifiable after its TSA certificate expires, so casc judges the
 * chain at genTime), and it does not return the chain. The signature and
 * the messageDigest attribute are CMS_verify's, the ESS binding is
 * OSSL_ESS_check_signing_certs', the chain X509_verify_cert's with the
 * timestamping purpose; the sole-and-critical EKU rule is checked here
 * explicitly, because OpenSSL's purpose check ignores EKU OIDs it does not
 * know. */
#include "casc/tsclient.h"
#include "tsa_internal.h"

#include "casc/ca.h"
#include "casc/der.h"

#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_TOKEN (256 * 1024)

void casc_ts_info_clear(casc_ts_info *info) {
  if (info == NULL)
    return;
  X509_free(info->signer);
  sk_X509_pop_free(info->chain, X509_free);
  memset(info, 0, sizeof *info);
}

/* --- requests ---------------------------------------------------------------- */

static bool md_allowed(const EVP_MD *md) {
  int nid = md != NULL ? EVP_MD_get_type(md) : NID_undef;
  return nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512;
}

casc_err casc_ts_request_build(const EVP_MD *md, const unsigned char *digest, size_t digest_len,
                               const char *req_policy, unsigned char nonce[8],
                               unsigned char **der, size_t *der_len, casc_error *e) {
  casc_der_buf b;
  char oid[CASC_TS_OID_MAX];
  *der = NULL;
  if (!md_allowed(md))
    return casc_error_set(e, CASC_ERR_USAGE, "timestamp: only SHA-256, SHA-384 and SHA-512");
  if ((size_t)EVP_MD_get_size(md) != digest_len)
    return casc_error_set(e, CASC_ERR_USAGE, "timestamp: a %s digest is %d bytes, not %zu",
                          EVP_MD_get0_name(md), EVP_MD_get_size(md), digest_len);
  if (RAND_bytes(nonce, 8) != 1)
    return casc_error_ssl(e, CASC_ERR_CRYPTO, "timestamp: random nonce");
  nonce[0] &= 0x7f; /* positive */
  nonce[0] |= 0x40; /* and never shortened: eight octets on the wire */
  if (OBJ_obj2txt(oid, sizeof oid, OBJ_nid2obj(EVP_MD_get_type(md)), 1) <= 0)
    return casc_error_ssl(e, CASC_ERR_CRYPTO, "timestamp: digest OID");
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_int64(&b, 1);
  casc_der_begin(&b, CASC_DER_SEQUENCE); /* MessageImprint */
  casc_der_begin(&b, CASC_DER_SEQUENCE); /* AlgorithmIdentifier, NULL parameters as openssl ts */
  casc_der_oid(&b, oid);
  casc_der_tlv(&b, CASC_DER_NULL, NULL, 0);
  casc_der_end(&b);
  casc_der_tlv(&b, CASC_DER_OCTET_STRING, digest, digest_len);
  casc_der_end(&b);
  if (req_policy != NULL)
    casc_der_oid(&b, req_policy);
  casc_der_uint_bytes(&b, nonce, 8);
  casc_der_boolean(&b, CASC_DER_BOOLEAN, true); /* certReq */
  casc_der_end(&b);
  if (casc_der_buf_failed(&b)) {
    casc_der_buf_free(&b);
    return casc_error_set(e, CASC_ERR_USAGE, "timestamp: cannot encode the request%s",
                          req_policy != NULL ? " (is the policy a dotted OID?)" : "");
  }
  *der = b.data; /* the buffer is malloc'ed: handed over */
  *der_len = b.len;
  return CASC_OK;
}

/* --- what a token says -------------------------------------------------------- */

static const char *const fail_names[] = {
    [CASC_TS_FAIL_BAD_ALG] = "badAlg",
    [CASC_TS_FAIL_BAD_REQUEST] = "badRequest",
    [CASC_TS_FAIL_BAD_DATA_FORMAT] = "badDataFormat",
    [CASC_TS_FAIL_TIME_NOT_AVAILABLE] = "timeNotAvailable",
    [CASC_TS_FAIL_UNACCEPTED_POLICY] = "unacceptedPolicy",
    [CASC_TS_FAIL_UNACCEPTED_EXTENSION] = "unacceptedExtension",
    [CASC_TS_FAIL_ADD_INFO_NOT_AVAILABLE] = "addInfoNotAvailable",
    [CASC_TS_FAIL_SYSTEM_FAILURE] = "systemFailure",
};

static const char *status_name(long s) {
  static const char *const names[] = {"granted",   "grantedWithMods",     "rejection",
                                      "waiting",   "revocationWarning", "revocationNotification"};
  return s >= 0 && s < 6 ? names[s] : "unknown status";
}

/* "rejection (badAlg: SHA-1 is not accepted)" */
static void describe_status(const TS_STATUS_INFO *si, long status, char *buf, size_t n) {
  const ASN1_BIT_STRING *fi = TS_STATUS_INFO_get0_failure_info(si);
  const STACK_OF(ASN1_UTF8STRING) *text = TS_STATUS_INFO_get0_text(si);
  char detail[320] = "";
  size_t used = 0;
  for (size_t bit = 0; fi != NULL && bit < sizeof fail_names / sizeof fail_names[0]; bit++)
    if (fail_names[bit] != NULL && ASN1_BIT_STRING_get_bit(fi, (int)bit) &&
        used < sizeof detail)
      used += (size_t)snprintf(detail + used, sizeof detail - used, "%s%s",
                               used > 0 ? ", " : "", fail_names[bit]);
  if (text != NULL && sk_ASN1_UTF8STRING_num(text) > 0 && used < sizeof detail) {
    const ASN1_UTF8STRING *t = sk_ASN1_UTF8STRING_value(text, 0);
    int len = ASN1_STRING_length(t);
    snprintf(detail + used, sizeof detail - used, "%s%.*s", used > 0 ? ": " : "",
             len > 200 ? 200 : len, (const char *)ASN1_STRING_get0_data(t));
  }
  if (detail[0] != '\0')
    snprintf(buf, n, "%s (%s)", status_name(status), detail);
  else
    snprintf(buf, n, "%s", status_name(status));
}

/* "20261128170000.25Z" into RFC 3339 "2026-11-28T17:00:00.25Z". */
static void gen_time_rfc3339(const ASN1_GENERALIZEDTIME *t, char *out, size_t n) {
  const char *s = (const char *)ASN1_STRING_get0_data(t);
  int len = ASN1_STRING_length(t);
  out[0] = '\0';
  if (len < 15)
    return;
  int frac = len - 15; /* ".ddd" between the seconds and the Z */
  snprintf(out, n, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s%.*sZ", s, s + 4, s + 6, s + 8, s + 10,
           s + 12, frac > 0 && frac < 12 ? frac : 0, s + 14);
}

static int64_t asn1_int64(const ASN1_INTEGER *i) {
  int64_t v = 0;
  if (i == NULL || ASN1_INTEGER_get_int64(&v, i) != 1)
    return 0;
  return v;
}

static casc_err fill_info(TS_TST_INFO *tst, casc_ts_info *info, casc_error *e) {
  const ASN1_GENERALIZEDTIME *gt = TS_TST_INFO_get_time(tst);
  struct tm tm;
  BIGNUM *bn = ASN1_INTEGER_to_BN(TS_TST_INFO_get_serial(tst), NULL);
  char *hex = bn != NULL ? BN_bn2hex(bn) : NULL;
  casc_err rc = CASC_OK;
  if (hex == NULL || gt == NULL || ASN1_TIME_to_tm(gt, &tm) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_PARSE, "timestamp token: bad serial or genTime");
    goto out;
  }
  info->gen_time = timegm(&tm);
  gen_time_rfc3339(gt, info->gen_time_str, sizeof info->gen_time_str);
  snprintf(info->serial, sizeof info->serial, "%s", hex); /* as openssl x509 -serial */
  OBJ_obj2txt(info->policy, sizeof info->policy, TS_TST_INFO_get_policy_id(tst), 1);
  TS_ACCURACY *acc = TS_TST_INFO_get_accuracy(tst);
  if (acc != NULL) {
    info->has_accuracy = true;
    info->accuracy_us = asn1_int64(TS_ACCURACY_get_seconds(acc)) * 1000000 +
                        asn1_int64(TS_ACCURACY_get_millis(acc)) * 1000 +
                        asn1_int64(TS_ACCURACY_get_micros(acc));
  }
  info->ordering = TS_TST_INFO_get_ordering(tst) != 0;
  GENERAL_NAME *gn = TS_TST_INFO_get_tsa(tst);
  if (gn != NULL && gn->type == GEN_DIRNAME)
    casc_name_format(gn->d.directoryName, info->tsa_field, sizeof info->tsa_field);
out:
  OPENSSL_free(hex);
  BN_free(bn);
  return rc;
}

/* RFC 3161 2.3: id-kp-timeStamping, alone, in a critical extension. */
static casc_err check_tsa_eku(X509 *signer, casc_error *e) {
  int crit = -1;
  EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(signer, NID_ext_key_usage, &crit, NULL);
  casc_err rc = CASC_OK;
  if (eku == NULL)
    rc = casc_error_set(e, CASC_ERR_INTEGRITY,
                        "timestamp: the TSA certificate has no extended key usage");
  else if (crit != 1)
    rc = casc_error_set(e, CASC_ERR_INTEGRITY,
                        "timestamp: the TSA certificate's extended key usage is not critical");
  else if (sk_ASN1_OBJECT_num(eku) != 1 ||
           OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, 0)) != NID_time_stamp)
    rc = casc_error_set(e, CASC_ERR_INTEGRITY,
                        "timestamp: the TSA certificate's extended key usage is not "
                        "timeStamping alone");
  EXTENDED_KEY_USAGE_free(eku);
  return rc;
}

/* The signingCertificate(V2) attribute's value, decoded; NULL when absent. */
static void *signed_attr(CMS_SignerInfo *si, int nid, void *(*d2i)(void *, const unsigned char **, long)) {
  ASN1_STRING *s = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(nid), -3, V_ASN1_SEQUENCE);
  if (s == NULL)
    return NULL;
  const unsigned char *p = ASN1_STRING_get0_data(s);
  return d2i(NULL, &p, ASN1_STRING_length(s));
}

static void *d2i_ss(void *a, const unsigned char **p, long n) {
  (void)a;
  return d2i_ESS_SIGNING_CERT(NULL, p, n);
}
static void *d2i_ss2(void *a, const unsigned char **p, long n) {
  (void)a;
  return d2i_ESS_SIGNING_CERT_V2(NULL, p, n);
}

static bool nonce_matches(const TS_TST_INFO *tst, const unsigned char *nonce, size_t len) {
  const ASN1_INTEGER *got = TS_TST_INFO_get_nonce(tst);
  BIGNUM *a = got != NULL ? ASN1_INTEGER_to_BN(got, NULL) : NULL;
  BIGNUM *b = BN_bin2bn(nonce, (int)len, NULL);
  bool ok = a != NULL && b != NULL && ASN1_STRING_type(got) == V_ASN1_INTEGER && BN_cmp(a, b) == 0;
  BN_free(a);
  BN_free(b);
  return ok;
}

casc_err casc_ts_verify_token(const unsigned char *token, size_t token_len, const EVP_MD *md,
                              const unsigned char *digest, size_t digest_len,
                              const casc_ts_verify_opts *opts, casc_ts_info *info, casc_error *e) {
  const unsigned char *p = token;
  CMS_ContentInfo *cms = NULL;
  TS_TST_INFO *tst = NULL;
  STACK_OF(X509) *untrusted = NULL, *chain = NULL;
  X509_STORE_CTX *ctx = NULL;
  ESS_SIGNING_CERT *ss = NULL;
  ESS_SIGNING_CERT_V2 *ss2 = NULL;
  X509 *signer = NULL;
  casc_err rc = CASC_OK;
  memset(info, 0, sizeof *info);
  ERR_clear_error();
  if (opts == NULL || opts->trust == NULL || md == NULL)
    return casc_error_set(e, CASC_ERR_USAGE, "timestamp: no trust store to verify against");
  if (token_len > MAX_TOKEN ||
      (cms = d2i_CMS_ContentInfo(NULL, &p, (long)token_len)) == NULL || p != token + token_len) {
    rc = casc_error_ssl(e, CASC_ERR_PARSE, "timestamp token: not a DER CMS ContentInfo");
    goto out;
  }
  if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
      OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_id_smime_ct_TSTInfo) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "timestamp token: not SignedData over a TSTInfo");
    goto out;
  }
  ASN1_OCTET_STRING **content = CMS_get0_content(cms);
  if (content == NULL || *content == NULL) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "timestamp token: no TSTInfo inside");
    goto out;
  }
  p = ASN1_STRING_get0_data(*content);
  long tst_len = ASN1_STRING_length(*content);
  if ((tst = d2i_TS_TST_INFO(NULL, &p, tst_len)) == NULL ||
      p != ASN1_STRING_get0_data(*content) + tst_len) {
    rc = casc_error_ssl(e, CASC_ERR_PARSE, "timestamp token: bad TSTInfo");
    goto out;
  }
  if (TS_TST_INFO_get_version(tst) != 1) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "timestamp token: TSTInfo version is not 1");
    goto out;
  }
  STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
  if (sk_CMS_SignerInfo_num(sis) != 1) {
    rc = casc_error_set(e, CASC_ERR_INTEGRITY, "timestamp token: %d signers, not one",
                        sk_CMS_SignerInfo_num(sis));
    goto out;
  }
  /* The message imprint first: the cheapest way to tell a token for other
   * data, and the most useful message. */
  TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(tst);
  X509_ALGOR *alg = TS_MSG_IMPRINT_get_algo(mi);
  ASN1_OCTET_STRING *hm = TS_MSG_IMPRINT_get_msg(mi);
  if (OBJ_obj2nid(alg->algorithm) != EVP_MD_get_type(md)) {
    rc = casc_error_set(e, CASC_ERR_INTEGRITY,
                        "timestamp: the token's imprint is not a %s hash", EVP_MD_get0_name(md));
    goto out;
  }
  if ((size_t)ASN1_STRING_length(hm) != digest_len ||
      memcmp(ASN1_STRING_get0_data(hm), digest, digest_len) != 0) {
    rc = casc_error_set(e, CASC_ERR_INTEGRITY,
                        "timestamp: the token's message imprint does not match the data");
    goto out;
  }
  if (opts->nonce != NULL && opts->nonce_len > 0 &&
      !nonce_matches(tst, opts->nonce, opts->nonce_len)) {
    rc = casc_error_set(e, CASC_ERR_INTEGRITY,
                        "timestamp: the reply does not echo the request's nonce");
    goto out;
  }
  /* The signature over the signed attributes and their messageDigest over
   * the TSTInfo; the signer's chain is checked below, at genTime. */
  if (CMS_verify(cms, opts->untrusted, NULL, NULL, NULL,
                 CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_INTEGRITY, "timestamp: the token's signature does not verify");
    goto out;
  }
  CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
  CMS_SignerInfo_get0_algs(si, NULL, &signer, NULL, NULL);
  if (signer == NULL) {
    rc = casc_error_set(e, CASC_ERR_INTEGRITY, "timestamp: the TSA certificate is missing");
    goto out;
  }
  if ((rc = fill_info(tst, info, e)) != CASC_OK)
    goto out;
  if ((untrusted = CMS_get1_certs(cms)) == NULL && (untrusted = sk_X509_new_null()) == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  for (int i = 0; opts->untrusted != NULL && i < sk_X509_num(opts->untrusted); i++)
    if (!X509_add_cert(untrusted, sk_X509_value(opts->untrusted, i), X509_ADD_FLAG_UP_REF)) {
      rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
      goto out;
    }
  time_t at = opts->at == 0 ? info->gen_time : opts->at == -1 ? time(NULL) : opts->at;
  if ((ctx = X509_STORE_CTX_new()) == NULL ||
      X509_STORE_CTX_init(ctx, opts->trust, signer, untrusted) != 1 ||
      X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_TIMESTAMP_SIGN) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "timestamp: chain validation setup");
    goto out;
  }
  X509_STORE_CTX_set_time(ctx, 0, at);
  if (X509_verify_cert(ctx) != 1) {
    int err = X509_STORE_CTX_get_error(ctx);
    char subj[256];
    casc_name_format(X509_get_subject_name(signer), subj, sizeof subj);
    rc = casc_error_set(e, CASC_ERR_INTEGRITY, "timestamp: TSA certificate %s: %s", subj,
                        X509_verify_cert_error_string(err));
    ERR_clear_error();
    goto out;
  }
  chain = X509_STORE_CTX_get1_chain(ctx);
  if ((rc = check_tsa_eku(signer, e)) != CASC_OK)
    goto out;
  /* RFC 3161 2.4.1 / RFC 5816: the signingCertificate(V2) attribute names
   * the signer's certificate by hash (and issuer and serial). */
  ss = signed_attr(si, NID_id_smime_aa_signingCertificate, d2i_ss);
  ss2 = signed_attr(si, NID_id_smime_aa_signingCertificateV2, d2i_ss2);
  if (chain == NULL || OSSL_ESS_check_signing_certs(ss, ss2, chain, 1) <= 0) {
    rc = casc_error_ssl(e, CASC_ERR_INTEGRITY,
                        "timestamp: the token's signing-certificate attribute does not name "
                        "its signer");
    goto out;
  }
  GENERAL_NAME *gn = TS_TST_INFO_get_tsa(tst);
  if (gn != NULL && gn->type == GEN_DIRNAME &&
      X509_NAME_cmp(gn->d.directoryName, X509_get_subject_name(signer)) != 0) {
    rc = casc_error_set(e, CASC_ERR_INTEGRITY,
                        "timestamp: the token's tsa name is not its signer's");
    goto out;
  }
  casc_name_format(X509_get_subject_name(signer), info->tsa_name, sizeof info->tsa_name);
  info->md_nid = EVP_MD_get_type(md);
  X509_up_ref(signer);
  info->signer = signer;
  info->chain = chain;
  chain = NULL;
out:
  if (rc != CASC_OK) {
    const char *url = info->url;
    casc_ts_info_clear(info);
    info->url = url;
  }
  ERR_clear_error();
  ESS_SIGNING_CERT_free(ss);
  ESS_SIGNING_CERT_V2_free(ss2);
  X509_STORE_CTX_free(ctx);
  sk_X509_pop_free(chain, X509_free);
  sk_X509_pop_free(untrusted, X509_free);
  TS_TST_INFO_free(tst);
  CMS_ContentInfo_free(cms);
  return rc;
}

casc_err casc_ts_token_imprint_md(const unsigned char *token, size_t token_len,
                                  const EVP_MD **md, casc_error *e) {
  const unsigned char *p = token;
  CMS_ContentInfo *cms = NULL;
  TS_TST_INFO *tst = NULL;
  casc_err rc = CASC_OK;
  *md = NULL;
  if (token_len <= MAX_TOKEN && (cms = d2i_CMS_ContentInfo(NULL, &p, (long)token_len)) != NULL &&
      p == token + token_len &&
      OBJ_obj2nid(CMS_get0_eContentType(cms)) == NID_id_smime_ct_TSTInfo) {
    ASN1_OCTET_STRING **content = CMS_get0_content(cms);
    if (content != NULL && *content != NULL) {
      p = ASN1_STRING_get0_data(*content);
      tst = d2i_TS_TST_INFO(NULL, &p, ASN1_STRING_length(*content));
    }
  }
  if (tst == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_PARSE, "timestamp token: not a DER TimeStampToken");
    goto out;
  }
  int nid = OBJ_obj2nid(TS_MSG_IMPRINT_get_algo(TS_TST_INFO_get_msg_imprint(tst))->algorithm);
  *md = nid == NID_sha256 ? EVP_sha256() : nid == NID_sha384 ? EVP_sha384()
        : nid == NID_sha512 ? EVP_sha512() : NULL;
  if (*md == NULL)
    rc = casc_error_set(e, CASC_ERR_PARSE,
                        "timestamp token: imprint hash %s is not SHA-256, -384 or -512",
                        nid != NID_undef ? OBJ_nid2sn(nid) : "unknown");
out:
  ERR_clear_error();
  TS_TST_INFO_free(tst);
  CMS_ContentInfo_free(cms);
  return rc;
}

casc_err casc_ts_verify_response(const unsigned char *resp, size_t resp_len, const EVP_MD *md,
                                 const unsigned char *digest, size_t digest_len,
                                 const casc_ts_verify_opts *opts, casc_ts_info *info,
                                 const unsigned char **token, size_t *token_len, casc_error *e) {
  const unsigned char *p = resp;
  size_t left = resp_len;
  casc_der_tlv_t outer, status, tok;
  casc_error ignored = {0};
  TS_STATUS_INFO *si = NULL;
  casc_err rc = CASC_OK;
  memset(info, 0, sizeof *info);
  /* TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken OPTIONAL } */
  if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &outer, &ignored) != CASC_OK || left != 0) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "timestamp reply: not one DER TimeStampResp");
    goto out;
  }
  p = outer.val;
  left = outer.len;
  if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &status, &ignored) != CASC_OK) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "timestamp reply: no PKIStatusInfo");
    goto out;
  }
  const unsigned char *q = status.hdr;
  if ((si = d2i_TS_STATUS_INFO(NULL, &q, (long)(status.hdr_len + status.len))) == NULL ||
      q != status.val + status.len) {
    rc = casc_error_ssl(e, CASC_ERR_PARSE, "timestamp reply: bad PKIStatusInfo");
    goto out;
  }
  long st = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(si));
  if (st != CASC_TS_GRANTED && st != CASC_TS_GRANTED_WITH_MODS) {
    char what[512];
    describe_status(si, st, what, sizeof what);
    rc = casc_error_set(e, CASC_ERR_POLICY, "timestamp: the TSA refused: %s", what);
    goto out;
  }
  if (left == 0 ||
      casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &tok, &ignored) != CASC_OK || left != 0) {
    rc = casc_error_set(e, CASC_ERR_PARSE,
                        "timestamp reply: granted without one well-formed token");
    goto out;
  }
  rc = casc_ts_verify_token(tok.hdr, tok.hdr_len + tok.len, md, digest, digest_len, opts, info, e);
  if (rc == CASC_OK && token != NULL) {
    *token = tok.hdr;
    *token_len = tok.hdr_len + tok.len;
  }
out:
  TS_STATUS_INFO_free(si);
  return rc;
}

/* --- asking ----------------------------------------------------------------------- */

static void sleep_ms(long ms) {
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0)
    ;
}

/* A failure's rank: the most telling one is reported when every URL fails
 * (a reply that does not verify says more than a refused connection). */
static int rank(casc_err c) {
  switch (c) {
  case CASC_ERR_INTEGRITY: return 4;
  case CASC_ERR_POLICY: return 3;
  case CASC_ERR_PARSE: return 2;
  case CASC_ERR_IO: return 1;
  default: return 0;
  }
}

casc_err casc_ts_fetch(const casc_ts_fetch_opts *opts, const EVP_MD *md,
                       const unsigned char *digest, size_t digest_len, unsigned char **resp,
                       size_t *resp_len, unsigned char **token, size_t *token_len,
                       casc_ts_info *info, casc_error *e) {
  unsigned char nonce[8], *req = NULL, *body = NULL;
  size_t req_len = 0, body_len = 0;
  casc_error worst = {0}, cur = {0};
  casc_err rc = CASC_OK;
  memset(info, 0, sizeof *info);
  if (resp != NULL)
    *resp = NULL;
  if (token != NULL)
    *token = NULL;
  if (opts == NULL || opts->n_urls == 0)
    return casc_error_set(e, CASC_ERR_USAGE, "timestamp: no TSA URL");
  if (opts->trust == NULL)
    return casc_error_set(e, CASC_ERR_USAGE, "timestamp: no trust store for the TSA");
  if ((rc = casc_ts_request_build(md, digest, digest_len, opts->req_policy, nonce, &req,
                                  &req_len, e)) != CASC_OK)
    return rc;
  int attempts = opts->attempts > 0 ? opts->attempts : CASC_TS_DEFAULT_ATTEMPTS;
  long timeout = opts->timeout_ms > 0 ? opts->timeout_ms : CASC_TS_DEFAULT_TIMEOUT_MS;
  long backoff0 = opts->backoff_ms > 0 ? opts->backoff_ms : CASC_TS_DEFAULT_BACKOFF_MS;
  casc_ts_verify_opts vo = {.trust = opts->trust, .untrusted = opts->untrusted, .at = -1,
                            .nonce = nonce, .nonce_len = sizeof nonce};
  rc = CASC_ERR_IO;
  for (size_t u = 0; u < opts->n_urls && rc != CASC_OK; u++) {
    const char *url = opts->urls[u];
    long backoff = backoff0;
    for (int a = 0; a < attempts; a++) {
      long http = 0;
      bool retry = false;
      const unsigned char *tok = NULL;
      size_t tok_len = 0;
      free(body);
      body = NULL;
      if (a > 0) {
        sleep_ms(backoff);
        backoff *= 2;
      }
      rc = casc_tsa_http_post(url, "application/timestamp-query", req, req_len, timeout,
                              CASC_TS_MAX_RESPONSE, &body, &body_len, &http, &retry, &cur);
      if (rc == CASC_OK && http != 200)
        rc = casc_error_set(&cur, CASC_ERR_IO, "%s: HTTP status %ld", url, http);
      if (rc == CASC_OK) {
        rc = casc_ts_verify_response(body, body_len, md, digest, digest_len, &vo, info, &tok,
                                     &tok_len, &cur);
        retry = false; /* an answer that fails will fail again */
        if (rc != CASC_OK) {
          char m[sizeof cur.msg];
          snprintf(m, sizeof m, "%s", cur.msg);
          casc_error_set(&cur, rc, "%s: %s", url, m);
        }
      }
      if (rc == CASC_OK) {
        info->url = url;
        if (token != NULL) {
          if ((*token = malloc(tok_len)) == NULL) {
            rc = casc_error_set(&cur, CASC_ERR_NOMEM, "out of memory");
            break;
          }
          memcpy(*token, tok, tok_len);
          *token_len = tok_len;
        }
        if (resp != NULL) {
          *resp = body;
          *resp_len = body_len;
          body = NULL;
        }
        break;
      }
      if (rank(cur.code) >= rank(worst.code))
        worst = cur;
      if (!retry)
        break;
    }
  }
  if (rc != CASC_OK) {
    casc_ts_info_clear(info);
    if (token != NULL) {
      free(*token);
      *token = NULL;
    }
    rc = casc_error_set(e, worst.code != CASC_OK ? worst.code : rc, "%s", worst.msg);
  }
  free(body);
  free(req);
  return rc;
}

casc_err casc_ts_trust_load(const char *path, X509_STORE **out, casc_error *e) {
  X509_STORE *st = X509_STORE_new();
  BIO *bio = NULL;
  STACK_OF(X509_INFO) *infos = NULL;
  int n = 0;
  casc_err rc = CASC_OK;
  *out = NULL;
  if (st == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  if ((bio = BIO_new_file(path, "r")) == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_IO, "%s: cannot read", path);
    goto out;
  }
  infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
  for (int i = 0; infos != NULL && i < sk_X509_INFO_num(infos); i++) {
    X509_INFO *xi = sk_X509_INFO_value(infos, i);
    if (xi->x509 != NULL) {
      if (X509_STORE_add_cert(st, xi->x509) != 1) {
        rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "%s: adding a certificate", path);
        goto out;
      }
      n++;
    }
  }
  if (infos == NULL || n == 0) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "%s: no PEM certificate", path);
    goto out;
  }
  *out = st;
  st = NULL;
out:
  ERR_clear_error();
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  BIO_free(bio);
  X509_STORE_free(st);
  return rc;
}
