/* Opening a CA directory: its settings, its store and its issuers. */
#include "ca_internal.h"

#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

casc_err casc_ca_path(const casc_ca *ca, const char *rel, char *buf, casc_error *e) {
  return casc_path_join(buf, PATH_MAX, ca->dir, rel, e);
}

casc_err casc_ca_load_issuers(casc_ca *ca, casc_error *e) {
  casc_err rc = casc_store_issuer_list(ca->store, &ca->issuers, &ca->n_issuers, e);
  if (rc != CASC_OK)
    return rc;
  ca->issuer_certs = calloc(ca->n_issuers + 1, sizeof *ca->issuer_certs);
  ca->issuer_keys = calloc(ca->n_issuers + 1, sizeof *ca->issuer_keys);
  if (ca->issuer_certs == NULL || ca->issuer_keys == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < ca->n_issuers; i++) {
    const unsigned char *p = ca->issuers[i].cert_der;
    ca->issuer_certs[i] = d2i_X509(NULL, &p, (long)ca->issuers[i].cert_len);
    if (ca->issuer_certs[i] == NULL)
      return casc_error_ssl(e, CASC_ERR_DB, "%s: issuer %s: unreadable certificate", ca->dir,
                            ca->issuers[i].name);
  }
  return CASC_OK;
}

static casc_err open_ca(const char *dir, bool read_only, casc_ca **out, casc_error *e) {
  casc_ca *ca = calloc(1, sizeof *ca);
  casc_config cfg;
  char path[PATH_MAX];
  struct stat st;
  casc_err rc = CASC_OK;
  if (ca == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  if (snprintf(ca->dir, sizeof ca->dir, "%s", dir) >= (int)sizeof ca->dir) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "%s: path too long", dir);
    goto out;
  }
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: no such CA directory (run casc init, or give --dir)",
                        dir);
    goto out;
  }
  if ((rc = casc_ca_path(ca, CASC_CONF_FILE, path, e)) != CASC_OK ||
      (rc = casc_config_load(path, &cfg, e)) != CASC_OK)
    goto out;
  memcpy(ca->name, cfg.name, sizeof ca->name);
  memcpy(ca->country, cfg.country, sizeof ca->country);
  memcpy(ca->base_url, cfg.base_url, sizeof ca->base_url);
  ca->crl_shards = cfg.crl_shards;
  if ((rc = casc_ca_path(ca, CASC_DB_FILE, path, e)) != CASC_OK)
    goto out;
  if (stat(path, &st) != 0) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: missing (not a CA directory?)", path);
    goto out;
  }
  if ((rc = read_only ? casc_store_open_readonly(path, &ca->store, e)
                      : casc_store_open(path, false, &ca->store, e)) != CASC_OK)
    goto out;
  casc_store_set_audit_signer(ca->store, casc_ca_sign_audit_entry, ca);
  rc = casc_ca_load_issuers(ca, e);
out:
  if (rc != CASC_OK) {
    casc_ca_close(ca);
    return rc;
  }
  *out = ca;
  return CASC_OK;
}

casc_err casc_ca_open(const char *dir, casc_ca **out, casc_error *e) {
  return open_ca(dir, false, out, e);
}

casc_err casc_ca_open_readonly(const char *dir, casc_ca **out, casc_error *e) {
  return open_ca(dir, true, out, e);
}

void casc_ca_close(casc_ca *ca) {
  if (ca == NULL)
    return;
  for (size_t i = 0; i < ca->n_issuers; i++) {
    if (ca->issuer_certs != NULL)
      X509_free(ca->issuer_certs[i]);
    if (ca->issuer_keys != NULL)
      EVP_PKEY_free(ca->issuer_keys[i]);
  }
  free(ca->issuer_certs);
  free(ca->issuer_keys);
  EVP_PKEY_free(ca->audit_key);
  casc_issuer_list_free(ca->issuers, ca->n_issuers);
  casc_store_close(ca->store);
  free(ca);
}

casc_store *casc_ca_store(casc_ca *ca) { return ca->store; }
const char *casc_ca_dir(const casc_ca *ca) { return ca->dir; }
const char *casc_ca_base_url(const casc_ca *ca) { return ca->base_url; }
int casc_ca_crl_shards(const casc_ca *ca) { return ca->crl_shards; }
size_t casc_ca_issuer_count(const casc_ca *ca) { return ca->n_issuers; }

const casc_issuer_rec *casc_ca_issuer_at(const casc_ca *ca, size_t i) {
  return i < ca->n_issuers ? &ca->issuers[i] : NULL;
}

const casc_issuer_rec *casc_ca_issuer_by_id(const casc_ca *ca, int64_t id) {
  for (size_t i = 0; i < ca->n_issuers; i++)
    if (ca->issuers[i].id == id)
      return &ca->issuers[i];
  return NULL;
}

const casc_issuer_rec *casc_ca_issuer_by_name(const casc_ca *ca, const char *name) {
  for (size_t i = 0; i < ca->n_issuers; i++)
    if (strcmp(ca->issuers[i].name, name) == 0)
      return &ca->issuers[i];
  return NULL;
}

casc_err casc_ca_write_cert(casc_ca *ca, const char *file, X509 *cert, casc_error *e) {
  char rel[256], path[PATH_MAX];
  BIO *mem = BIO_new(BIO_s_mem());
  casc_err rc = CASC_OK;
  snprintf(rel, sizeof rel, "certs/%s.pem", file);
  if (mem == NULL || PEM_write_bio_X509(mem, cert) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "%s: encoding", rel);
  } else if ((rc = casc_ca_path(ca, rel, path, e)) == CASC_OK) {
    rc = casc_file_write_bio(path, mem, 0644, e);
  }
  BIO_free(mem);
  return rc;
}

casc_err casc_ca_issuer_key(casc_ca *ca, size_t index, EVP_PKEY **key, casc_error *e) {
  if (ca->issuer_keys[index] == NULL) {
    char path[PATH_MAX];
    casc_err rc = casc_ca_path(ca, ca->issuers[index].key_ref, path, e);
    if (rc == CASC_OK)
      rc = casc_key_load(path, &ca->issuer_keys[index], e);
    if (rc != CASC_OK)
      return rc;
    if (X509_check_private_key(ca->issuer_certs[index], ca->issuer_keys[index]) != 1)
      return casc_error_ssl(e, CASC_ERR_CRYPTO, "%s: does not match the %s certificate", path,
                            ca->issuers[index].name);
  }
  *key = ca->issuer_keys[index];
  return CASC_OK;
}
