/* Verifying an OCSP response for one certificate: every check a relying
 * party owes (RFC 6960 3.2, 4.2.2.2; RFC 9654), in an order that names the
 * most basic failure first. OCSP_basic_verify is not used: it validates
 * the signer's chain against a store, while the rule here is narrower and
 * exact (the issuer itself, or a certificate the issuer signed directly
 * with id-kp-OCSPSigning). */
#include "client_internal.h"

#include "casc/ca.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ocsp_client_result_init(casc_ocsp_client_result *r) {
  memset(r, 0, sizeof *r);
  r->response_status = -1;
  r->reason = -1;
  r->status = CASC_OCSP_CLIENT_UNKNOWN;
  r->outcome = CASC_OCSP_OUTCOME_INVALID;
}

void casc_ocsp_client_result_free(casc_ocsp_client_result *r) {
  if (r == NULL)
    return;
  OPENSSL_free(r->der);
  ocsp_client_result_init(r);
}

const char *casc_ocsp_client_status_name(casc_ocsp_client_status s) {
  switch (s) {
  case CASC_OCSP_CLIENT_GOOD:
    return "good";
  case CASC_OCSP_CLIENT_REVOKED:
    return "revoked";
  default:
    return "unknown";
  }
}

/* Records why, in the result and in e, and returns code. */
__attribute__((format(printf, 4, 5))) static casc_err
fail(casc_ocsp_client_result *r, casc_error *e, casc_err code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->error, sizeof r->error, fmt, ap);
  va_end(ap);
  r->outcome = code == CASC_ERR_IO ? CASC_OCSP_OUTCOME_UNREACHABLE : CASC_OCSP_OUTCOME_INVALID;
  ERR_clear_error();
  return casc_error_set(e, code, "%s", r->error);
}

bool ocsp_client_issued_by(X509 *cert, X509 *issuer) {
  if (X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(issuer)) != 0)
    return false;
  EVP_PKEY *pk = X509_get0_pubkey(issuer);
  bool ok = pk != NULL && X509_verify(cert, pk) == 1;
  ERR_clear_error();
  return ok;
}

static const char *response_status_name(int s) {
  switch (s) {
  case OCSP_RESPONSE_STATUS_SUCCESSFUL:
    return "successful";
  case OCSP_RESPONSE_STATUS_MALFORMEDREQUEST:
    return "malformedRequest";
  case OCSP_RESPONSE_STATUS_INTERNALERROR:
    return "internalError";
  case OCSP_RESPONSE_STATUS_TRYLATER:
    return "tryLater";
  case OCSP_RESPONSE_STATUS_SIGREQUIRED:
    return "sigRequired";
  case OCSP_RESPONSE_STATUS_UNAUTHORIZED:
    return "unauthorized";
  default:
    return "an undefined status";
  }
}

/* Whether x is the responder that the ResponderID names. */
static bool matches_responder(X509 *x, const ASN1_OCTET_STRING *keyid, const X509_NAME *name) {
  if (name != NULL)
    return X509_NAME_cmp(name, X509_get_subject_name(x)) == 0;
  if (keyid == NULL || ASN1_STRING_length(keyid) != SHA_DIGEST_LENGTH)
    return false;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  /* byKey: SHA-1 of the subjectPublicKey BIT STRING's value (RFC 6960 4.2.1). */
  if (X509_pubkey_digest(x, EVP_sha1(), md, &n) != 1 || n != SHA_DIGEST_LENGTH)
    return false;
  return memcmp(md, ASN1_STRING_get0_data(keyid), SHA_DIGEST_LENGTH) == 0;
}

static void format_responder_id(const ASN1_OCTET_STRING *keyid, const X509_NAME *name,
                                char *buf, size_t bufsz) {
  if (name != NULL) {
    char dn[480];
    casc_name_format(name, dn, sizeof dn);
    snprintf(buf, bufsz, "byName: %s", dn);
  } else if (keyid != NULL && ASN1_STRING_length(keyid) <= 64) {
    char hex[2 * 64 + 1];
    casc_hex_encode(ASN1_STRING_get0_data(keyid), (size_t)ASN1_STRING_length(keyid), hex);
    snprintf(buf, bufsz, "byKey: %s", hex);
  } else {
    snprintf(buf, bufsz, "byKey: (oversized)");
  }
}

void ocsp_client_serial_hex(const ASN1_INTEGER *a, char *buf, size_t bufsz) {
  BIGNUM *bn = ASN1_INTEGER_to_BN(a, NULL);
  char *hex = bn != NULL ? BN_bn2hex(bn) : NULL;
  snprintf(buf, bufsz, "%s", hex != NULL ? hex : "?");
  OPENSSL_free(hex);
  BN_free(bn);
  ERR_clear_error();
}

static casc_err check_time(const ASN1_GENERALIZEDTIME *t, const char *what, time_t *out,
                           casc_ocsp_client_result *r, casc_error *e) {
  casc_error te = {0};
  if (casc_asn1_time_get(t, out, &te) != CASC_OK)
    return fail(r, e, CASC_ERR_INTEGRITY, "OCSP response: unreadable %s", what);
  return CASC_OK;
}

/* The delegated responder rules of RFC 6960 4.2.2.2. */
static casc_err check_delegate(X509 *signer, X509 *issuer, time_t now, long skew,
                               casc_ocsp_client_result *r, casc_error *e) {
  if (!ocsp_client_issued_by(signer, issuer))
    return fail(r, e, CASC_ERR_INTEGRITY,
                "OCSP response: signed by %s, which is neither the issuer nor issued by it",
                r->responder);
  uint32_t flags = X509_get_extension_flags(signer);
  if (!(flags & EXFLAG_XKUSAGE) || !(X509_get_extended_key_usage(signer) & XKU_OCSP_SIGN))
    return fail(r, e, CASC_ERR_INTEGRITY,
                "OCSP response: the delegated responder %s lacks the OCSPSigning extended key "
                "usage",
                r->responder);
  time_t nb, na;
  casc_error te = {0};
  if (casc_asn1_time_get(X509_get0_notBefore(signer), &nb, &te) != CASC_OK ||
      casc_asn1_time_get(X509_get0_notAfter(signer), &na, &te) != CASC_OK)
    return fail(r, e, CASC_ERR_INTEGRITY,
                "OCSP response: the responder certificate has unreadable validity dates");
  if (nb > now + skew || na < now - skew)
    return fail(r, e, CASC_ERR_INTEGRITY,
                "OCSP response: the delegated responder's certificate is not valid now");
  return CASC_OK;
}

/* The SingleResponse about (cert, issuer), or NULL with r->error set. */
static OCSP_SINGLERESP *find_single(OCSP_BASICRESP *bs, X509 *cert, X509 *issuer, int want_hash,
                                    casc_ocsp_client_result *r, casc_error *e, casc_err *rc) {
  OCSP_CERTID *ids[2] = {NULL, NULL}; /* SHA-1, SHA-256 */
  OCSP_SINGLERESP *found = NULL;
  bool same_serial = false, other_hash = false;
  const ASN1_INTEGER *serial = X509_get0_serialNumber(cert);
  for (int i = 0; i < OCSP_resp_count(bs) && found == NULL; i++) {
    OCSP_SINGLERESP *sr = OCSP_resp_get0(bs, i);
    const OCSP_CERTID *cid = OCSP_SINGLERESP_get0_id(sr);
    ASN1_OBJECT *md_oid = NULL;
    ASN1_INTEGER *sn = NULL;
    if (cid == NULL ||
        OCSP_id_get0_info(NULL, &md_oid, NULL, &sn, (OCSP_CERTID *)cid) != 1)
      continue;
    int nid = OBJ_obj2nid(md_oid);
    int k = nid == NID_sha1 ? 0 : nid == NID_sha256 ? 1 : -1;
    if (sn != NULL && ASN1_INTEGER_cmp(sn, serial) == 0)
      same_serial = true;
    if (k < 0 || (want_hash != 0 && nid != want_hash)) {
      other_hash = true;
      continue;
    }
    if (ids[k] == NULL)
      ids[k] = OCSP_cert_to_id(k == 0 ? EVP_sha1() : EVP_sha256(), cert, issuer);
    if (ids[k] == NULL) {
      *rc = fail(r, e, CASC_ERR_NOMEM, "out of memory");
      goto out;
    }
    if (OCSP_id_cmp(ids[k], cid) == 0) {
      found = sr;
      r->hash_nid = nid;
    }
  }
  if (found == NULL) {
    if (same_serial && other_hash)
      *rc = fail(r, e, CASC_ERR_INTEGRITY,
                 "OCSP response: the CertID of serial %s uses another hash algorithm than "
                 "the request's",
                 r->serial);
    else if (same_serial)
      *rc = fail(r, e, CASC_ERR_INTEGRITY,
                 "OCSP response: the CertID of serial %s names another issuer (name or key "
                 "hash differs)",
                 r->serial);
    else
      *rc = fail(r, e, CASC_ERR_INTEGRITY,
                 "OCSP response: no SingleResponse for serial %s (CertID mismatch)", r->serial);
  }
out:
  OCSP_CERTID_free(ids[0]);
  OCSP_CERTID_free(ids[1]);
  return found;
}

static casc_err check_nonce(OCSP_BASICRESP *bs, const unsigned char *nonce, size_t nonce_len,
                            casc_ocsp_client_result *r, casc_error *e) {
  int at = OCSP_BASICRESP_get_ext_by_NID(bs, NID_id_pkix_OCSP_Nonce, -1);
  if (at < 0)
    return fail(r, e, CASC_ERR_INTEGRITY, "OCSP response: the nonce was not echoed");
  if (OCSP_BASICRESP_get_ext_by_NID(bs, NID_id_pkix_OCSP_Nonce, at) >= 0)
    return fail(r, e, CASC_ERR_INTEGRITY, "OCSP response: two nonce extensions");
  ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(OCSP_BASICRESP_get_ext(bs, at));
  const unsigned char *p = ASN1_STRING_get0_data(v);
  long vlen = ASN1_STRING_length(v);
  /* RFC 9654: extnValue holds the DER of an OCTET STRING with the nonce. */
  ASN1_OCTET_STRING *inner = d2i_ASN1_OCTET_STRING(NULL, &p, vlen);
  bool ok = inner != NULL && p == ASN1_STRING_get0_data(v) + vlen &&
            (size_t)ASN1_STRING_length(inner) == nonce_len &&
            memcmp(ASN1_STRING_get0_data(inner), nonce, nonce_len) == 0;
  ASN1_OCTET_STRING_free(inner);
  if (!ok)
    return fail(r, e, CASC_ERR_INTEGRITY,
                "OCSP response: the nonce does not match the request's");
  r->nonce_echoed = true;
  return CASC_OK;
}

casc_err ocsp_client_verify_into(const unsigned char *der, size_t len, X509 *cert, X509 *issuer,
                                 int want_hash, const unsigned char *nonce, size_t nonce_len,
                                 const casc_ocsp_client_opts *opts, casc_ocsp_client_result *r,
                                 casc_error *e) {
  casc_err rc = CASC_ERR_INTEGRITY;
  OCSP_RESPONSE *resp = NULL;
  OCSP_BASICRESP *bs = NULL;
  time_t now = opts != NULL && opts->now != 0 ? opts->now : casc_now();
  long skew = opts == NULL || opts->skew == 0 ? CASC_OCSP_CLIENT_SKEW
              : opts->skew < 0               ? 0
                                             : opts->skew;

  r->outcome = CASC_OCSP_OUTCOME_INVALID;
  r->error[0] = '\0';
  r->nonce_sent = nonce != NULL;
  ocsp_client_serial_hex(X509_get0_serialNumber(cert), r->serial, sizeof r->serial);
  if (!ocsp_client_issued_by(cert, issuer)) {
    rc = casc_error_set(e, CASC_ERR_USAGE,
                        "the issuer certificate given did not issue the certificate (serial %s)",
                        r->serial);
    snprintf(r->error, sizeof r->error, "%s", e != NULL ? e->msg : "issuer mismatch");
    goto out;
  }
  if (der == NULL || len == 0 || len > CASC_OCSP_CLIENT_MAX_RESPONSE * 16) {
    rc = fail(r, e, CASC_ERR_INTEGRITY, "OCSP response: empty or oversized (%zu bytes)", len);
    goto out;
  }
  const unsigned char *p = der;
  resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
  if (resp == NULL || p != der + len) {
    rc = fail(r, e, CASC_ERR_INTEGRITY, "OCSP response: %s",
              resp == NULL ? "not a DER OCSPResponse" : "trailing bytes after the OCSPResponse");
    goto out;
  }
  r->response_status = OCSP_response_status(resp);
  if (r->response_status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    bool later = r->response_status == OCSP_RESPONSE_STATUS_TRYLATER ||
                 r->response_status == OCSP_RESPONSE_STATUS_INTERNALERROR;
    rc = fail(r, e, later ? CASC_ERR_IO : CASC_ERR_INTEGRITY,
              "OCSP response: the responder answered %s",
              response_status_name(r->response_status));
    goto out;
  }
  bs = OCSP_response_get1_basic(resp);
  if (bs == NULL) {
    rc = fail(r, e, CASC_ERR_INTEGRITY, "OCSP response: not a basic OCSP response");
    goto out;
  }
  time_t produced;
  if ((rc = check_time(OCSP_resp_get0_produced_at(bs), "producedAt", &produced, r, e)) !=
      CASC_OK)
    goto out;
  r->produced_at = produced;

  /* Who signed. */
  const ASN1_OCTET_STRING *keyid = NULL;
  const X509_NAME *rname = NULL;
  if (OCSP_resp_get0_id(bs, &keyid, &rname) != 1) {
    rc = fail(r, e, CASC_ERR_INTEGRITY, "OCSP response: no ResponderID");
    goto out;
  }
  format_responder_id(keyid, rname, r->responder_id, sizeof r->responder_id);
  X509 *signer = NULL;
  if (matches_responder(issuer, keyid, rname)) {
    signer = issuer;
  } else {
    const STACK_OF(X509) *certs = OCSP_resp_get0_certs(bs);
    for (int i = 0; i < sk_X509_num(certs) && signer == NULL; i++)
      if (matches_responder(sk_X509_value(certs, i), keyid, rname))
        signer = sk_X509_value(certs, i);
    if (signer == NULL) {
      rc = fail(r, e, CASC_ERR_INTEGRITY,
                "OCSP response: the responder (%s) is not the issuer and its certificate is "
                "not included",
                r->responder_id);
      goto out;
    }
    r->delegated = true;
  }
  casc_name_format(X509_get_subject_name(signer), r->responder, sizeof r->responder);
  EVP_PKEY *spk = X509_get0_pubkey(signer);
  if (spk == NULL ||
      ASN1_item_verify(ASN1_ITEM_rptr(OCSP_RESPDATA), OCSP_resp_get0_tbs_sigalg(bs),
                       OCSP_resp_get0_signature(bs), OCSP_resp_get0_respdata(bs), spk) != 1) {
    rc = fail(r, e, CASC_ERR_INTEGRITY,
              "OCSP response: the signature does not verify with the key of %s", r->responder);
    goto out;
  }
  if (r->delegated && (rc = check_delegate(signer, issuer, now, skew, r, e)) != CASC_OK)
    goto out;

  /* What it says, about whom. */
  for (int i = 0; i < OCSP_BASICRESP_get_ext_count(bs); i++) {
    X509_EXTENSION *x = OCSP_BASICRESP_get_ext(bs, i);
    if (X509_EXTENSION_get_critical(x) &&
        OBJ_obj2nid(X509_EXTENSION_get_object(x)) != NID_id_pkix_OCSP_Nonce) {
      rc = fail(r, e, CASC_ERR_INTEGRITY, "OCSP response: an unknown critical extension");
      goto out;
    }
  }
  OCSP_SINGLERESP *sr = find_single(bs, cert, issuer, want_hash, r, e, &rc);
  if (sr == NULL)
    goto out;
  int cnt = OCSP_SINGLERESP_get_ext_count(sr);
  for (int i = 0; i < cnt; i++)
    if (X509_EXTENSION_get_critical(OCSP_SINGLERESP_get_ext(sr, i))) {
      rc = fail(r, e, CASC_ERR_INTEGRITY,
                "OCSP response: an unknown critical extension in the SingleResponse");
      goto out;
    }
  int reason = -1;
  ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
  int st = OCSP_single_get0_status(sr, &reason, &rev, &thisupd, &nextupd);
  switch (st) {
  case V_OCSP_CERTSTATUS_GOOD:
    r->status = CASC_OCSP_CLIENT_GOOD;
    break;
  case V_OCSP_CERTSTATUS_REVOKED:
    r->status = CASC_OCSP_CLIENT_REVOKED;
    break;
  case V_OCSP_CERTSTATUS_UNKNOWN:
    r->status = CASC_OCSP_CLIENT_UNKNOWN;
    break;
  default:
    rc = fail(r, e, CASC_ERR_INTEGRITY, "OCSP response: unreadable certStatus");
    goto out;
  }
  if (r->status == CASC_OCSP_CLIENT_REVOKED) {
    if (rev == NULL || (rc = check_time(rev, "revocationTime", &r->revoked_at, r, e)) != CASC_OK) {
      if (rev == NULL)
        rc = fail(r, e, CASC_ERR_INTEGRITY, "OCSP response: revoked without a revocationTime");
      goto out;
    }
    if (reason >= 0) {
      r->reason = reason;
      const char *rn = casc_reason_name(reason);
      snprintf(r->reason_name, sizeof r->reason_name, "%s", rn != NULL ? rn : "");
      if (rn == NULL)
        snprintf(r->reason_name, sizeof r->reason_name, "reason%d", reason);
    }
  }
  if (thisupd == NULL || (rc = check_time(thisupd, "thisUpdate", &r->this_update, r, e)) != CASC_OK) {
    if (thisupd == NULL)
      rc = fail(r, e, CASC_ERR_INTEGRITY, "OCSP response: no thisUpdate");
    goto out;
  }
  if (nextupd != NULL &&
      (rc = check_time(nextupd, "nextUpdate", &r->next_update, r, e)) != CASC_OK)
    goto out;

  /* When. */
  char tb[CASC_TIME_BUFSZ], nb[CASC_TIME_BUFSZ];
  casc_time_format(r->this_update, tb);
  casc_time_format(now, nb);
  if (r->this_update > now + skew) {
    rc = fail(r, e, CASC_ERR_INTEGRITY, "OCSP response: thisUpdate %s is in the future (now %s)",
              tb, nb);
    goto out;
  }
  if (r->produced_at > now + skew) {
    char pb[CASC_TIME_BUFSZ];
    casc_time_format(r->produced_at, pb);
    rc = fail(r, e, CASC_ERR_INTEGRITY, "OCSP response: producedAt %s is in the future (now %s)",
              pb, nb);
    goto out;
  }
  if (nextupd == NULL) {
    rc = fail(r, e, CASC_ERR_INTEGRITY,
              "OCSP response: no nextUpdate (a response without one cannot be judged fresh)");
    goto out;
  }
  if (r->next_update < r->this_update) {
    rc = fail(r, e, CASC_ERR_INTEGRITY, "OCSP response: nextUpdate before thisUpdate");
    goto out;
  }
  if (r->next_update < now - skew) {
    char xb[CASC_TIME_BUFSZ];
    casc_time_format(r->next_update, xb);
    rc = fail(r, e, CASC_ERR_INTEGRITY, "OCSP response: expired (nextUpdate %s, now %s)", xb, nb);
    goto out;
  }
  if (nonce != NULL && (rc = check_nonce(bs, nonce, nonce_len, r, e)) != CASC_OK)
    goto out;
  r->outcome = CASC_OCSP_OUTCOME_VERIFIED;
  r->error[0] = '\0';
  rc = CASC_OK;
out:
  OCSP_BASICRESP_free(bs);
  OCSP_RESPONSE_free(resp);
  ERR_clear_error();
  return rc;
}

casc_err casc_ocsp_client_verify(const unsigned char *der, size_t len, X509 *cert, X509 *issuer,
                                 const unsigned char *nonce, size_t nonce_len,
                                 const casc_ocsp_client_opts *opts, casc_ocsp_client_result *out,
                                 casc_error *e) {
  casc_ocsp_client_result tmp;
  casc_ocsp_client_result *r = out != NULL ? out : &tmp;
  ocsp_client_result_init(r);
  if (der != NULL && len > 0) {
    r->der = OPENSSL_memdup(der, len);
    if (r->der == NULL)
      return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    r->der_len = len;
  }
  int want = opts != NULL ? opts->hash_nid : 0;
  casc_err rc = ocsp_client_verify_into(der, len, cert, issuer, want, nonce, nonce_len, opts, r, e);
  if (r == &tmp)
    casc_ocsp_client_result_free(&tmp);
  return rc;
}
