/* The responder: each issuing CA's delegated signer, the CertID hashes it
 * answers for, and the signing of BasicOCSPResponses. */
#include "ocsp_internal.h"

#include "../ca/ca_internal.h"

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

time_t casc_ocsp_refresh_at(time_t this_update, time_t next_update) {
  time_t validity = next_update - this_update;
  if (validity < 16 * 3600)
    return this_update + validity / 2;
  time_t a = next_update - 8 * 3600, b = this_update + 4 * 86400;
  return a < b ? a : b;
}

/* The responder file of an issuing CA, as casc init names it. */
void casc_ocsp_responder_file(const char *issuer, char *buf, size_t bufsz) {
  if (strcmp(issuer, "issuing-ca") == 0)
    snprintf(buf, bufsz, "ocsp-signer");
  else
    snprintf(buf, bufsz, "%s-ocsp-signer", issuer);
}

casc_err casc_ocsp_load_pem_cert(const char *path, X509 **out, casc_error *e) {
  unsigned char *data = NULL;
  size_t len = 0;
  casc_err rc = casc_file_read(path, CASC_MAX_INPUT, &data, &len, e);
  if (rc != CASC_OK)
    return rc;
  BIO *bio = BIO_new_mem_buf(data, (int)len);
  *out = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
  BIO_free(bio);
  free(data);
  if (*out == NULL)
    return casc_error_ssl(e, CASC_ERR_PARSE, "%s: not a PEM certificate", path);
  return CASC_OK;
}

/* The delegated responder must be issued by this CA and carry
 * id-kp-OCSPSigning (RFC 6960 4.2.2.2), or clients will refuse what it
 * signs: check now rather than serve useless answers. */
static casc_err check_signer(const struct ocsp_issuer *is, const char *path, casc_error *e) {
  if (X509_check_issued(is->cert, is->signer) != X509_V_OK)
    return casc_error_set(e, CASC_ERR_INTEGRITY, "%s: not issued by %s", path, is->name);
  if ((X509_get_extended_key_usage(is->signer) & XKU_OCSP_SIGN) == 0)
    return casc_error_set(e, CASC_ERR_INTEGRITY, "%s: no id-kp-OCSPSigning", path);
  if (X509_check_private_key(is->signer, is->key) != 1)
    return casc_error_ssl(e, CASC_ERR_CRYPTO, "%s: does not match its key", path);
  return CASC_OK;
}

static casc_err hashes(struct ocsp_issuer *is, casc_error *e) {
  const EVP_MD *mds[2] = {EVP_sha1(), EVP_sha256()};
  for (int a = 0; a < 2; a++) {
    unsigned int n = 0, m = 0;
    if (X509_NAME_digest(X509_get_subject_name(is->cert), mds[a], is->name_hash[a], &n) != 1 ||
        X509_pubkey_digest(is->cert, mds[a], is->key_hash[a], &m) != 1 || n != m)
      return casc_error_ssl(e, CASC_ERR_CRYPTO, "issuer %s: CertID hashes", is->name);
    is->hash_len[a] = n;
  }
  return CASC_OK;
}

static casc_err load_issuer(casc_ca *ca, const casc_issuer_rec *rec, struct ocsp_issuer *is,
                            casc_error *e) {
  char file[CASC_NAME_MAX + 32], rel[CASC_NAME_MAX + 64], path[PATH_MAX];
  const unsigned char *p = rec->cert_der;
  casc_err rc = CASC_OK;
  is->issuer_id = rec->id;
  snprintf(is->name, sizeof is->name, "%s", rec->name);
  is->cert = d2i_X509(NULL, &p, (long)rec->cert_len);
  if (is->cert == NULL)
    return casc_error_ssl(e, CASC_ERR_DB, "issuer %s: unreadable certificate", rec->name);
  casc_ocsp_responder_file(rec->name, file, sizeof file);
  snprintf(rel, sizeof rel, "certs/%s.pem", file);
  if ((rc = casc_ca_path(ca, rel, path, e)) != CASC_OK ||
      (rc = casc_ocsp_load_pem_cert(path, &is->signer, e)) != CASC_OK)
    goto out;
  snprintf(rel, sizeof rel, "keys/%s.key", file);
  if ((rc = casc_ca_path(ca, rel, path, e)) != CASC_OK ||
      (rc = casc_key_load(path, &is->key, e)) != CASC_OK ||
      (rc = check_signer(is, path, e)) != CASC_OK)
    goto out;
  is->md = casc_key_digest(is->key);
  rc = hashes(is, e);
out:
  return rc;
}

casc_err casc_ocsp_responder_new(casc_ca *ca, casc_ocsp_responder **out, casc_error *e) {
  size_t n = casc_ca_issuer_count(ca);
  casc_ocsp_responder *r = calloc(1, sizeof *r);
  casc_err rc = CASC_OK;
  if (r == NULL || (r->issuers = calloc(n + 1, sizeof *r->issuers)) == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    const casc_issuer_rec *rec = casc_ca_issuer_at(ca, i);
    /* The root answers through its CRL only (see casc/ocsp.h). */
    if (rec->parent_id == 0)
      continue;
    rc = load_issuer(ca, rec, &r->issuers[r->n], e);
    r->n++; /* counted even when half-loaded, so that free releases it */
    if (rc == CASC_OK)
      rc = casc_ocsp_template_init(r, (int)r->n - 1, e);
    if (rc != CASC_OK)
      goto out;
  }
out:
  if (rc != CASC_OK) {
    casc_ocsp_responder_free(r);
    return rc;
  }
  *out = r;
  return CASC_OK;
}

void casc_ocsp_responder_free(casc_ocsp_responder *r) {
  if (r == NULL)
    return;
  for (size_t i = 0; i < r->n; i++) {
    X509_free(r->issuers[i].cert);
    X509_free(r->issuers[i].signer);
    EVP_PKEY_free(r->issuers[i].key);
    casc_ocsp_template_clear(&r->issuers[i]);
  }
  free(r->issuers);
  free(r);
}

int casc_ocsp_responder_find(const casc_ocsp_responder *r, const casc_ocsp_request *req) {
  int a = req->hash_nid == NID_sha1 ? 0 : req->hash_nid == NID_sha256 ? 1 : -1;
  if (a < 0)
    return -1;
  for (size_t i = 0; i < r->n; i++) {
    const struct ocsp_issuer *is = &r->issuers[i];
    if (is->hash_len[a] == req->hash_len &&
        memcmp(is->name_hash[a], req->name_hash, req->hash_len) == 0 &&
        memcmp(is->key_hash[a], req->key_hash, req->hash_len) == 0)
      return (int)i;
  }
  return -1;
}

int64_t casc_ocsp_responder_issuer_id(const casc_ocsp_responder *r, int i) {
  return i >= 0 && (size_t)i < r->n ? r->issuers[i].issuer_id : 0;
}

int casc_ocsp_responder_index(const casc_ocsp_responder *r, int64_t issuer_id) {
  for (size_t i = 0; i < r->n; i++)
    if (r->issuers[i].issuer_id == issuer_id)
      return (int)i;
  return -1;
}

casc_err casc_ocsp_sign(const casc_ocsp_responder *r, int i, int hash_nid,
                        const unsigned char *serial, size_t serial_len,
                        const casc_ocsp_status *st, const unsigned char *nonce, size_t nonce_len,
                        time_t now, unsigned char **der, size_t *der_len, casc_error *e) {
  const struct ocsp_issuer *is = &r->issuers[i];
  OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
  OCSP_RESPONSE *resp = NULL;
  OCSP_CERTID *cid = NULL;
  ASN1_INTEGER *sn = ASN1_INTEGER_new();
  ASN1_TIME *this_upd = casc_asn1_time_new(now);
  ASN1_TIME *next_upd = casc_asn1_time_new(now + CASC_OCSP_VALIDITY);
  ASN1_TIME *rev_time = st->status == CASC_OCSP_REVOKED ? casc_asn1_time_new(st->revoked_at)
                                                        : NULL;
  unsigned char *out = NULL;
  casc_err rc = CASC_OK;
  *der = NULL;
  int status = st->status == CASC_OCSP_GOOD      ? V_OCSP_CERTSTATUS_GOOD
               : st->status == CASC_OCSP_REVOKED ? V_OCSP_CERTSTATUS_REVOKED
                                                 : V_OCSP_CERTSTATUS_UNKNOWN;
  if (bs == NULL || sn == NULL || this_upd == NULL || next_upd == NULL ||
      (st->status == CASC_OCSP_REVOKED && rev_time == NULL) ||
      ASN1_STRING_set(sn, serial, (int)serial_len) != 1) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  const EVP_MD *md = hash_nid == NID_sha256 ? EVP_sha256() : EVP_sha1();
  cid = OCSP_cert_id_new(md, X509_get_subject_name(is->cert),
                         X509_get0_pubkey_bitstr(is->cert), sn);
  if (cid == NULL ||
      OCSP_basic_add1_status(bs, cid, status,
                             st->status == CASC_OCSP_REVOKED ? st->reason : -1, rev_time,
                             this_upd, next_upd) == NULL ||
      (nonce != NULL && OCSP_basic_add1_nonce(bs, (unsigned char *)nonce, (int)nonce_len) != 1) ||
      OCSP_basic_sign(bs, is->signer, is->key, is->md, NULL, OCSP_RESPID_KEY) != 1 ||
      (resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs)) == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "issuer %s: signing an OCSP response", is->name);
    goto out;
  }
  int n = i2d_OCSP_RESPONSE(resp, &out);
  if (n <= 0) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "issuer %s: encoding an OCSP response", is->name);
    goto out;
  }
  *der = out;
  *der_len = (size_t)n;
out:
  OCSP_RESPONSE_free(resp);
  OCSP_BASICRESP_free(bs);
  OCSP_CERTID_free(cid);
  ASN1_INTEGER_free(sn);
  ASN1_TIME_free(this_upd);
  ASN1_TIME_free(next_upd);
  ASN1_TIME_free(rev_time);
  return rc;
}

const unsigned char *casc_ocsp_error_response(int status, size_t *len) {
  /* OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED } without
   * responseBytes: what RFC 6960 4.2.1 sends for every failure. */
  static const unsigned char answers[][5] = {
      {0x30, 0x03, 0x0a, 0x01, 0x01}, {0x30, 0x03, 0x0a, 0x01, 0x02},
      {0x30, 0x03, 0x0a, 0x01, 0x03}, {0x30, 0x03, 0x0a, 0x01, 0x05},
      {0x30, 0x03, 0x0a, 0x01, 0x06},
  };
  int at;
  switch (status) {
  case CASC_OCSP_MALFORMED: at = 0; break;
  case CASC_OCSP_TRY_LATER: at = 2; break;
  case CASC_OCSP_SIG_REQUIRED: at = 3; break;
  case CASC_OCSP_UNAUTHORIZED: at = 4; break;
  default: at = 1; break; /* internalError */
  }
  *len = sizeof answers[0];
  return answers[at];
}

/* The store's canonical serial (upper-case hex of whole octets) of the raw
 * INTEGER content octets of a request. */
void casc_ocsp_serial_hex(const unsigned char *serial, size_t len, char out[CASC_SERIAL_MAX]) {
  /* The content octets of a positive INTEGER may start with a 0x00 that
   * only keeps the sign bit clear; the canonical form has none. */
  while (len > 1 && serial[0] == 0 && (serial[1] & 0x80) != 0) {
    serial++;
    len--;
  }
  if (len * 2 >= CASC_SERIAL_MAX)
    len = (CASC_SERIAL_MAX - 1) / 2; /* cannot match a stored serial; never read past */
  casc_hex_encode(serial, len, out);
}

/* The raw serial octets back from the store's hex. */
casc_err casc_ocsp_serial_raw(const char *hex, unsigned char *out, size_t *len, casc_error *e) {
  size_t n = strlen(hex);
  if (n == 0 || n % 2 != 0 || n / 2 > CASC_OCSP_SERIAL_MAX)
    return casc_error_set(e, CASC_ERR_DB, "serial %s: not canonical", hex);
  for (size_t i = 0; i < n / 2; i++) {
    unsigned v = 0;
    for (int k = 0; k < 2; k++) {
      char c = hex[2 * i + (size_t)k];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0)
        return casc_error_set(e, CASC_ERR_DB, "serial %s: not canonical", hex);
      v = v << 4 | (unsigned)d;
    }
    out[i] = (unsigned char)v;
  }
  *len = n / 2;
  return CASC_OK;
}

void casc_ocsp_status_of(const casc_cert_rec *rec, casc_ocsp_status *st) {
  st->status = rec->revoked ? CASC_OCSP_REVOKED : CASC_OCSP_GOOD;
  st->revoked_at = rec->revoked_at;
  st->reason = rec->reason;
}

casc_err casc_ocsp_answer_from_store(const casc_ocsp_responder *r, casc_store *store,
                                     const unsigned char *req_der, size_t req_len, time_t now,
                                     unsigned char **der, size_t *der_len, casc_error *e) {
  casc_ocsp_request req;
  casc_cert_rec rec = {0};
  casc_ocsp_status st = {.status = CASC_OCSP_UNKNOWN, .reason = -1};
  char hex[CASC_SERIAL_MAX];
  casc_error ignored = {0};
  casc_err rc = casc_ocsp_request_parse(req_der, req_len, &req, e);
  if (rc != CASC_OK)
    return rc;
  int i = casc_ocsp_responder_find(r, &req);
  if (i < 0)
    return casc_error_set(e, CASC_ERR_NOT_FOUND, "OCSP request: an issuer this responder does "
                          "not serve");
  casc_ocsp_serial_hex(req.serial, req.serial_len, hex);
  rc = casc_store_cert_get(store, hex, &rec, &ignored);
  if (rc == CASC_OK && rec.issuer_id == r->issuers[i].issuer_id)
    casc_ocsp_status_of(&rec, &st);
  else if (rc != CASC_OK && rc != CASC_ERR_NOT_FOUND) {
    *e = ignored;
    goto out;
  }
  rc = casc_ocsp_sign(r, i, req.hash_nid, req.serial, req.serial_len, &st,
                      req.has_nonce ? req.nonce : NULL, req.nonce_len, now, der, der_len, e);
out:
  casc_cert_rec_clear(&rec);
  return rc;
}
