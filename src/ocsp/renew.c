/* Renewal of the delegated OCSP responders' certificates. They are
 * short-lived (90 days from casc init): a responder whose certificate
 * expired would make every answer it signs invalid, so casc renews each
 * one well before: the same key and subject, a new certificate of the same
 * lifetime from the same issuing CA, recorded and audited like any
 * issuance. Responses signed under the old certificate stay valid: they
 * live 4 days, and the old certificate at least RENEW_BEFORE more. */
#include "ocsp_internal.h"

#include "../ca/ca_internal.h"

#include <stdio.h>
#include <stdlib.h>

#define RENEW_BEFORE (30 * 86400)

/* Renews the responder of issuer index ix when it is due; *renewed is set
 * when it was. */
static casc_err renew_one(casc_ca *ca, size_t ix, time_t now, bool *renewed, casc_error *e) {
  const casc_issuer_rec *rec = casc_ca_issuer_at(ca, ix);
  char file[CASC_NAME_MAX + 32], rel[CASC_NAME_MAX + 64], cert_path[PATH_MAX],
      key_path[PATH_MAX];
  X509 *old = NULL, *cert = NULL;
  EVP_PKEY *key = NULL, *issuer_key = NULL;
  casc_cert_rec stored = {0};
  time_t from = 0, until = 0;
  casc_err rc = CASC_OK;
  *renewed = false;
  casc_ocsp_responder_file(rec->name, file, sizeof file);
  snprintf(rel, sizeof rel, "certs/%s.pem", file);
  if ((rc = casc_ca_path(ca, rel, cert_path, e)) != CASC_OK ||
      (rc = casc_ocsp_load_pem_cert(cert_path, &old, e)) != CASC_OK ||
      (rc = casc_asn1_time_get(X509_get0_notBefore(old), &from, e)) != CASC_OK ||
      (rc = casc_asn1_time_get(X509_get0_notAfter(old), &until, e)) != CASC_OK)
    goto out;
  if (until - now > RENEW_BEFORE)
    goto out;
  snprintf(rel, sizeof rel, "keys/%s.key", file);
  if ((rc = casc_ca_path(ca, rel, key_path, e)) != CASC_OK ||
      (rc = casc_key_load(key_path, &key, e)) != CASC_OK ||
      (rc = casc_ca_issuer_key(ca, ix, &issuer_key, e)) != CASC_OK)
    goto out;
  casc_cert_spec spec = {
      .kind = CASC_CERT_OCSP_RESPONDER, .subject = X509_get_subject_name(old),
      .subject_key = key, .issuer_cert = ca->issuer_certs[ix], .issuer_key = issuer_key,
      .issuer_name = rec->name, .base_url = ca->base_url, .crl_shards = ca->crl_shards,
      .not_before = now, .not_after = now + (until - from),
      .key_usage = CASC_KU_DIGITAL_SIGNATURE, .ekus = {NID_OCSP_sign}, .n_ekus = 1};
  if ((rc = casc_cert_build(&spec, &cert, e)) != CASC_OK ||
      (rc = casc_ca_commit_issued(ca, cert, ix, "ocsp-signing", &stored, e)) != CASC_OK)
    goto out;
  /* One atomic replace: the key stays, so the pair never mismatches. */
  if ((rc = casc_ca_write_cert(ca, file, cert, e)) != CASC_OK)
    goto out;
  casc_log(CASC_LOG_INFO, "ocsp: renewed the responder of %s (%s, serial %s)", rec->name,
           cert_path, stored.serial);
  *renewed = true;
out:
  casc_cert_rec_clear(&stored);
  X509_free(old);
  X509_free(cert);
  EVP_PKEY_free(key);
  return rc;
}

casc_err casc_ocsp_renew_signers(casc_ca *ca, time_t now, size_t *count, casc_error *e) {
  casc_err rc = CASC_OK;
  *count = 0;
  for (size_t i = 0; i < casc_ca_issuer_count(ca) && rc == CASC_OK; i++) {
    if (casc_ca_issuer_at(ca, i)->parent_id == 0)
      continue; /* the root has no responder (casc/ocsp.h) */
    bool renewed = false;
    rc = renew_one(ca, i, now, &renewed, e);
    *count += renewed;
  }
  return rc;
}
