/* Presigned responses encoded from a per-issuer template (DESIGN.md, the
 * DER note; issue 3's presign target). OCSP_basic_sign builds and frees an
 * object tree per response; here the fixed parts (responderID byKey, the
 * CertID's hash algorithm and issuer hashes, the signature algorithm, the
 * responder's certificate) are encoded once per issuer, and a response
 * costs a few appends and one EVP_DigestSign over tbsResponseData.
 *
 * The output is what casc_ocsp_sign makes for the same inputs (SHA-1
 * CertID, no nonce, no extensions), except that producedAt is `now` rather
 * than the wall clock: tests/unit/test_ocsp.c compares the two field by
 * field and verifies every template-made response with OCSP_basic_verify.
 * The signatureAlgorithm bytes are taken from a response that OpenSSL
 * signed at init, so they are exactly what OpenSSL writes for the key. */
#include "ocsp_internal.h"

#include "casc/lint_sign.h"

#include "casc/der.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ocsp.h>
#include <stdlib.h>
#include <string.h>

struct casc_ocsp_encoder {
  casc_der_buf tbs, out;
  EVP_MD_CTX *ctx;
  unsigned char *sig;
  size_t sig_cap;
};

/* id-pkix-ocsp-basic, 1.3.6.1.5.5.7.48.1.1 */
static const unsigned char OID_BASIC[] = {0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05,
                                          0x07, 0x30, 0x01, 0x01};

static unsigned char *take(casc_der_buf *b, size_t *len) {
  unsigned char *p = NULL;
  if (!casc_der_buf_failed(b) && (p = malloc(b->len > 0 ? b->len : 1)) != NULL) {
    memcpy(p, b->data, b->len);
    *len = b->len;
  }
  casc_der_buf_free(b);
  return p;
}

static unsigned char *dup_bytes(const unsigned char *p, size_t n) {
  unsigned char *q = malloc(n > 0 ? n : 1);
  if (q != NULL)
    memcpy(q, p, n);
  return q;
}

void casc_ocsp_template_clear(struct ocsp_issuer *is) {
  free(is->tpl_rid);
  free(is->tpl_cid);
  free(is->tpl_sigalg);
  free(is->tpl_certs);
  EVP_MD_CTX_free(is->tpl_ctx);
  is->tpl_rid = is->tpl_cid = is->tpl_sigalg = is->tpl_certs = NULL;
  is->tpl_ctx = NULL;
}

/* Lint-before-sign, once per signer: every presigned response has the
 * shape of this one (only the serial, status and times vary), so linting
 * one from the template covers them all at no cost per response. */
static casc_err lint_template(casc_ocsp_responder *r, int i, const casc_ocsp_status *st,
                              casc_error *e) {
  const unsigned char one = 1;
  unsigned char *der = NULL;
  size_t der_len = 0;
  time_t now = casc_now();
  casc_ocsp_encoder *enc = casc_ocsp_encoder_new();
  casc_err rc = enc == NULL ? casc_error_set(e, CASC_ERR_NOMEM, "out of memory")
                            : casc_ocsp_sign_template(r, i, enc, &one, 1, st, now, &der,
                                                      &der_len, e);
  if (rc == CASC_OK)
    rc = casc_lint_ocsp_template(der, der_len, r->issuers[i].cert, now, e);
  OPENSSL_free(der);
  casc_ocsp_encoder_free(enc);
  return rc;
}

casc_err casc_ocsp_template_init(casc_ocsp_responder *r, int i, casc_error *e) {
  struct ocsp_issuer *is = &r->issuers[i];
  casc_der_buf b;
  unsigned char key_id[EVP_MAX_MD_SIZE], *cert = NULL, *alg = NULL, *sample = NULL;
  unsigned int key_id_len = 0;
  size_t sample_len = 0;
  const unsigned char one = 1;
  casc_ocsp_status st = {.status = CASC_OCSP_GOOD, .reason = -1};
  OCSP_RESPONSE *resp = NULL;
  OCSP_BASICRESP *bs = NULL;
  casc_err rc = CASC_OK;

  /* responderID byKey: [2] EXPLICIT KeyHash, the SHA-1 of the responder's
   * public key BIT STRING contents (RFC 6960 4.2.1). */
  if (X509_pubkey_digest(is->signer, EVP_sha1(), key_id, &key_id_len) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "issuer %s: responder key hash", is->name);
    goto out;
  }
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 2);
  casc_der_tlv(&b, CASC_DER_OCTET_STRING, key_id, key_id_len);
  casc_der_end(&b);
  is->tpl_rid = take(&b, &is->tpl_rid_len);

  /* CertID up to the serial: hashAlgorithm (SHA-1, NULL parameters, as
   * OCSP_cert_id_new writes it), issuerNameHash, issuerKeyHash. */
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_oid(&b, "1.3.14.3.2.26");
  casc_der_tlv(&b, CASC_DER_NULL, NULL, 0);
  casc_der_end(&b);
  casc_der_tlv(&b, CASC_DER_OCTET_STRING, is->name_hash[0], is->hash_len[0]);
  casc_der_tlv(&b, CASC_DER_OCTET_STRING, is->key_hash[0], is->hash_len[0]);
  is->tpl_cid = take(&b, &is->tpl_cid_len);

  /* certs: [0] EXPLICIT SEQUENCE OF Certificate, the responder's alone. */
  int cert_len = i2d_X509(is->signer, &cert);
  casc_der_buf_init(&b);
  if (cert_len > 0) {
    casc_der_begin(&b, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0);
    casc_der_begin(&b, CASC_DER_SEQUENCE);
    casc_der_raw(&b, cert, (size_t)cert_len);
    casc_der_end(&b);
    casc_der_end(&b);
  } else {
    b.failed = true;
  }
  is->tpl_certs = take(&b, &is->tpl_certs_len);

  /* signatureAlgorithm: from a response OpenSSL signs with this key. */
  if ((rc = casc_ocsp_sign(r, i, NID_sha1, &one, 1, &st, NULL, 0, casc_now(), &sample,
                           &sample_len, e)) != CASC_OK ||
      (rc = casc_lint_ocsp_template(sample, sample_len, is->cert, casc_now(), e)) != CASC_OK)
    goto out;
  const unsigned char *p = sample;
  int alg_len = -1;
  if ((resp = d2i_OCSP_RESPONSE(NULL, &p, (long)sample_len)) != NULL &&
      (bs = OCSP_response_get1_basic(resp)) != NULL)
    alg_len = i2d_X509_ALGOR(OCSP_resp_get0_tbs_sigalg(bs), &alg);
  if (alg_len > 0)
    is->tpl_sigalg = dup_bytes(alg, (size_t)alg_len);
  is->tpl_sigalg_len = alg_len > 0 ? (size_t)alg_len : 0;

  if (is->tpl_rid == NULL || is->tpl_cid == NULL || is->tpl_certs == NULL ||
      is->tpl_sigalg == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "issuer %s: OCSP response template", is->name);
    goto out;
  }
  if ((is->tpl_ctx = EVP_MD_CTX_new()) == NULL ||
      EVP_DigestSignInit(is->tpl_ctx, NULL, is->md, NULL, is->key) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "issuer %s: signing context", is->name);
    goto out;
  }
  rc = lint_template(r, i, &st, e);
out:
  OPENSSL_free(cert);
  OPENSSL_free(alg);
  OPENSSL_free(sample);
  OCSP_BASICRESP_free(bs);
  OCSP_RESPONSE_free(resp);
  return rc;
}

casc_ocsp_encoder *casc_ocsp_encoder_new(void) {
  casc_ocsp_encoder *enc = calloc(1, sizeof *enc);
  if (enc == NULL)
    return NULL;
  casc_der_buf_init(&enc->tbs);
  casc_der_buf_init(&enc->out);
  if ((enc->ctx = EVP_MD_CTX_new()) == NULL) {
    free(enc);
    return NULL;
  }
  return enc;
}

void casc_ocsp_encoder_free(casc_ocsp_encoder *enc) {
  if (enc == NULL)
    return;
  casc_der_buf_free(&enc->tbs);
  casc_der_buf_free(&enc->out);
  EVP_MD_CTX_free(enc->ctx);
  free(enc->sig);
  free(enc);
}

static void reset(casc_der_buf *b) {
  b->len = 0;
  b->depth = 0;
  b->failed = false;
}

casc_err casc_ocsp_sign_template(const casc_ocsp_responder *r, int i, casc_ocsp_encoder *enc,
                                 const unsigned char *serial, size_t serial_len,
                                 const casc_ocsp_status *st, time_t now, unsigned char **der,
                                 size_t *der_len, casc_error *e) {
  const struct ocsp_issuer *is = &r->issuers[i];
  casc_der_buf *t = &enc->tbs, *o = &enc->out;
  size_t sig_len = 0;
  *der = NULL;
  reset(t);
  reset(o);

  /* ResponseData (version v1, the DEFAULT, is absent). */
  casc_der_begin(t, CASC_DER_SEQUENCE);
  casc_der_raw(t, is->tpl_rid, is->tpl_rid_len);
  casc_der_generalized_time(t, now); /* producedAt */
  casc_der_begin(t, CASC_DER_SEQUENCE); /* responses */
  casc_der_begin(t, CASC_DER_SEQUENCE); /* SingleResponse */
  casc_der_begin(t, CASC_DER_SEQUENCE); /* CertID */
  casc_der_raw(t, is->tpl_cid, is->tpl_cid_len);
  casc_der_uint_bytes(t, serial, serial_len);
  casc_der_end(t);
  switch (st->status) {
  case CASC_OCSP_GOOD:
    casc_der_tlv(t, CASC_DER_CONTEXT | 0, NULL, 0);
    break;
  case CASC_OCSP_REVOKED:
    casc_der_begin(t, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 1);
    casc_der_generalized_time(t, st->revoked_at);
    if (st->reason >= 0) {
      casc_der_begin(t, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0);
      casc_der_enumerated(t, st->reason);
      casc_der_end(t);
    }
    casc_der_end(t);
    break;
  default:
    casc_der_tlv(t, CASC_DER_CONTEXT | 2, NULL, 0);
    break;
  }
  casc_der_generalized_time(t, now); /* thisUpdate */
  casc_der_begin(t, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0);
  casc_der_generalized_time(t, now + CASC_OCSP_VALIDITY);
  casc_der_end(t);
  casc_der_end(t);
  casc_der_end(t);
  casc_der_end(t);
  if (casc_der_buf_failed(t))
    return casc_error_set(e, CASC_ERR_NOMEM, "issuer %s: encoding an OCSP response", is->name);

  /* One signature: a copy of the initialized context, so that the digest
   * and key setup are not fetched again. */
  if (EVP_MD_CTX_copy_ex(enc->ctx, is->tpl_ctx) != 1 ||
      EVP_DigestSign(enc->ctx, NULL, &sig_len, t->data, t->len) != 1)
    return casc_error_ssl(e, CASC_ERR_CRYPTO, "issuer %s: signing an OCSP response", is->name);
  if (sig_len > enc->sig_cap) {
    unsigned char *p = realloc(enc->sig, sig_len);
    if (p == NULL)
      return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    enc->sig = p;
    enc->sig_cap = sig_len;
  }
  if (EVP_DigestSign(enc->ctx, enc->sig, &sig_len, t->data, t->len) != 1)
    return casc_error_ssl(e, CASC_ERR_CRYPTO, "issuer %s: signing an OCSP response", is->name);

  /* OCSPResponse { successful, [0] ResponseBytes { id-pkix-ocsp-basic,
   * OCTET STRING { BasicOCSPResponse } } } */
  unsigned char hdr[CASC_DER_MAX_HEADER];
  casc_der_begin(o, CASC_DER_SEQUENCE);
  casc_der_raw(o, (const unsigned char[]){0x0a, 0x01, 0x00}, 3);
  casc_der_begin(o, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0);
  casc_der_begin(o, CASC_DER_SEQUENCE);
  casc_der_raw(o, OID_BASIC, sizeof OID_BASIC);
  casc_der_begin(o, CASC_DER_OCTET_STRING);
  casc_der_begin(o, CASC_DER_SEQUENCE);
  casc_der_raw(o, t->data, t->len);
  casc_der_raw(o, is->tpl_sigalg, is->tpl_sigalg_len);
  casc_der_raw(o, hdr, casc_der_header(hdr, CASC_DER_BIT_STRING, sig_len + 1));
  casc_der_raw(o, (const unsigned char[]){0x00}, 1);
  casc_der_raw(o, enc->sig, sig_len);
  casc_der_raw(o, is->tpl_certs, is->tpl_certs_len);
  for (int k = 0; k < 5; k++)
    casc_der_end(o);
  if (casc_der_buf_failed(o) || (*der = OPENSSL_malloc(o->len)) == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "issuer %s: encoding an OCSP response", is->name);
  memcpy(*der, o->data, o->len);
  *der_len = o->len;
  return CASC_OK;
}
