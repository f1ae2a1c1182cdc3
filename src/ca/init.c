/* casc_ca_init: a new CA directory with its whole hierarchy.
 *
 * Everything is built in a temporary directory beside the target and
 * renamed into place at the end: an existing CA directory is never touched,
 * and a failure or crash part-way leaves no half-made CA behind. */
#include "ca_internal.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <libgen.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ROOT_DAYS 5479     /* 15 years; BR 7.1.2.1.1 allows 2922 to 9132 days */
#define ISSUING_DAYS 2922  /* 8 years */
#define RESPONDER_DAYS 90  /* delegated OCSP responders are short-lived */
#define TSA_DAYS 1826      /* 5 years; CSBR 6.3.2 allows 135 months */

typedef struct {
  const char *name;      /* file and URL name */
  const char *purpose;
  const char *cn_suffix;
  int eku;
  const char *policy;
  int min_rsa_bits;      /* CSBR 6.1.5 raises the CAs it governs to RSA 4096 */
  int responder_min_rsa; /* and their subscriber-side keys to 3072 */
  const char *responder_file;
} issuing_def;

/* One issuing CA per purpose: TLS BR 7.1.2.10.6 and CSBR 7.1.2.2. */
static const issuing_def issuing_cas[] = {
    {"issuing-ca", "tls-server", "TLS Issuing CA", NID_server_auth, "2.23.140.1.2.1", 0, 0,
     "ocsp-signer"},
    {"code-signing-ca", "code-signing", "Code Signing CA", NID_code_sign, "2.23.140.1.4.1", 4096,
     3072, "code-signing-ca-ocsp-signer"},
    {"timestamping-ca", "timestamping", "Timestamping CA", NID_time_stamp, "2.23.140.1.4.2", 4096,
     3072, "timestamping-ca-ocsp-signer"},
};
#define N_ISSUING (sizeof issuing_cas / sizeof issuing_cas[0])

#define KU_CA_BITS (CASC_KU_KEY_CERT_SIGN | CASC_KU_CRL_SIGN)

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

static casc_err make_name(casc_ca *ca, const char *cn_suffix, X509_NAME **out, casc_error *e) {
  char cn[512];
  X509_NAME *name = X509_NAME_new();
  snprintf(cn, sizeof cn, "%s %s", ca->name, cn_suffix);
  if (name == NULL ||
      X509_NAME_add_entry_by_NID(name, NID_countryName, MBSTRING_UTF8,
                                 (const unsigned char *)ca->country, -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_NID(name, NID_organizationName, MBSTRING_UTF8,
                                 (const unsigned char *)ca->name, -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                 (const unsigned char *)cn, -1, -1, 0) != 1) {
    X509_NAME_free(name);
    return casc_error_ssl(e, CASC_ERR_USAGE, "--name '%s': does not fit a certificate subject",
                          ca->name);
  }
  *out = name;
  return CASC_OK;
}

static casc_err new_key(casc_ca *ca, const char *file, casc_key_type type, EVP_PKEY **out,
                        casc_error *e) {
  char rel[256], path[PATH_MAX];
  snprintf(rel, sizeof rel, "keys/%s.key", file);
  casc_err rc = casc_key_generate(type, out, e);
  if (rc == CASC_OK && (rc = casc_ca_path(ca, rel, path, e)) == CASC_OK)
    rc = casc_key_save(path, *out, e);
  return rc;
}

static casc_err write_audit_key(casc_ca *ca, casc_error *e) {
  char path[PATH_MAX];
  casc_err rc = new_key(ca, "audit", CASC_KEY_EC_P256, &ca->audit_key, e);
  if (rc != CASC_OK)
    return rc;
  BIO *mem = BIO_new(BIO_s_mem());
  if (mem == NULL || PEM_write_bio_PUBKEY(mem, ca->audit_key) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "audit key");
  } else if ((rc = casc_ca_path(ca, CASC_AUDIT_PUB_FILE, path, e)) == CASC_OK) {
    rc = casc_file_write_bio(path, mem, 0644, e);
  }
  BIO_free(mem);
  return rc;
}

static casc_err audit_init(casc_ca *ca, const casc_init_opts *opts, casc_error *e) {
  return casc_audit_append_json(ca->store, "init",
                                json_pack("{s:s, s:s, s:s, s:i}", "name", ca->name, "base_url",
                                          ca->base_url, "key_type",
                                          casc_key_type_name(opts->key_type), "crl_shards",
                                          ca->crl_shards),
                                e);
}

/* The root and the issuing CAs: certificates, keys and issuer rows. */
static casc_err make_cas(casc_ca *ca, const casc_init_opts *opts, X509 *certs[1 + N_ISSUING],
                         EVP_PKEY *keys[1 + N_ISSUING], casc_error *e) {
  X509_NAME *name = NULL;
  time_t now = casc_now();
  casc_err rc = new_key(ca, "root-ca", casc_key_type_at_least(opts->key_type, 4096), &keys[0], e);
  if (rc == CASC_OK)
    rc = make_name(ca, "Root CA", &name, e);
  if (rc != CASC_OK)
    goto out;
  casc_cert_spec root = {.kind = CASC_CERT_ROOT, .subject = name, .subject_key = keys[0],
                         .issuer_key = keys[0], .issuer_name = "root-ca",
                         .base_url = ca->base_url, .crl_shards = 1, .not_before = now,
                         .not_after = now + (time_t)ROOT_DAYS * 86400 - 1, .key_usage = KU_CA_BITS,
                         .pathlen = -1};
  if ((rc = casc_cert_build(&root, &certs[0], e)) != CASC_OK)
    goto out;
  for (size_t i = 0; i < N_ISSUING; i++) {
    const issuing_def *d = &issuing_cas[i];
    X509_NAME_free(name);
    name = NULL;
    casc_key_type type = casc_key_type_at_least(opts->key_type, d->min_rsa_bits);
    if ((rc = new_key(ca, d->name, type, &keys[1 + i], e)) != CASC_OK ||
        (rc = make_name(ca, d->cn_suffix, &name, e)) != CASC_OK)
      goto out;
    casc_cert_spec spec = {.kind = CASC_CERT_SUB_CA, .subject = name,
                           .subject_key = keys[1 + i], .issuer_cert = certs[0],
                           .issuer_key = keys[0], .issuer_name = "root-ca",
                           .base_url = ca->base_url, .crl_shards = 1, .not_before = now,
                           .not_after = now + (time_t)ISSUING_DAYS * 86400 - 1,
                           .key_usage = KU_CA_BITS, .ekus = {d->eku}, .n_ekus = 1, .pathlen = 0,
                           .policy_oids = {d->policy}, .n_policies = 1};
    if ((rc = casc_cert_build(&spec, &certs[1 + i], e)) != CASC_OK)
      goto out;
  }
  if ((rc = casc_store_begin(ca->store, e)) != CASC_OK)
    goto out;
  int64_t root_id = 0;
  for (size_t i = 0; i < 1 + N_ISSUING && rc == CASC_OK; i++) {
    casc_issuer_rec rec = {.parent_id = root_id};
    const char *file = i == 0 ? "root-ca" : issuing_cas[i - 1].name;
    snprintf(rec.name, sizeof rec.name, "%s", file);
    snprintf(rec.purpose, sizeof rec.purpose, "%s", i == 0 ? "root" : issuing_cas[i - 1].purpose);
    snprintf(rec.key_ref, sizeof rec.key_ref, "keys/%s.key", file);
    int len = i2d_X509(certs[i], &rec.cert_der);
    if (len <= 0) {
      rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "encoding %s", file);
      break;
    }
    rec.cert_len = (size_t)len;
    rc = casc_store_issuer_add(ca->store, &rec, e);
    OPENSSL_free(rec.cert_der);
    if (i == 0)
      root_id = rec.id;
  }
  if (rc == CASC_OK)
    rc = audit_init(ca, opts, e);
  if (rc == CASC_OK)
    rc = casc_store_commit(ca->store, e);
  else
    casc_store_rollback(ca->store);
out:
  X509_NAME_free(name);
  return rc;
}

/* An OCSP responder for each issuing CA, and the TSA. */
static casc_err make_end_entities(casc_ca *ca, const casc_init_opts *opts, casc_error *e) {
  time_t now = casc_now();
  casc_err rc = CASC_OK;
  for (size_t i = 0; i <= N_ISSUING && rc == CASC_OK; i++) {
    bool tsa = i == N_ISSUING;
    const issuing_def *d = &issuing_cas[tsa ? N_ISSUING - 1 : i];
    size_t ix = tsa ? N_ISSUING : 1 + i; /* issuer rows: root, then issuing_cas in order */
    const char *file = tsa ? "tsa" : d->responder_file;
    char suffix[128];
    snprintf(suffix, sizeof suffix, "%s", tsa ? "Timestamp Authority" : d->cn_suffix);
    if (!tsa)
      strncat(suffix, " OCSP Responder", sizeof suffix - strlen(suffix) - 1);
    X509_NAME *name = NULL;
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    casc_cert_rec rec = {0};
    int min_rsa = tsa ? 3072 : d->responder_min_rsa;
    if ((rc = new_key(ca, file, casc_key_type_at_least(opts->key_type, min_rsa), &key, e)) ==
            CASC_OK &&
        (rc = make_name(ca, suffix, &name, e)) == CASC_OK) {
      casc_cert_spec spec = {
          .kind = tsa ? CASC_CERT_SUBSCRIBER : CASC_CERT_OCSP_RESPONDER, .subject = name,
          .subject_key = key, .issuer_cert = ca->issuer_certs[ix],
          .issuer_key = ca->issuer_keys[ix], .issuer_name = ca->issuers[ix].name,
          .base_url = ca->base_url, .crl_shards = ca->crl_shards, .not_before = now,
          .not_after = now + (time_t)(tsa ? TSA_DAYS : RESPONDER_DAYS) * 86400 - 1,
          .key_usage = CASC_KU_DIGITAL_SIGNATURE, .ekus = {tsa ? NID_time_stamp : NID_OCSP_sign},
          .n_ekus = 1, .eku_critical = tsa, /* RFC 3161 2.3: the TSA's sole, critical EKU */
          .policy_oids = {tsa ? "2.23.140.1.4.2" : NULL}, .n_policies = tsa ? 1 : 0};
      rc = casc_cert_build(&spec, &cert, e);
    }
    if (rc == CASC_OK)
      rc = casc_ca_commit_issued(ca, cert, ix, tsa ? "timestamping" : "ocsp-signing", &rec, e);
    if (rc == CASC_OK)
      rc = casc_ca_write_cert(ca, file, cert, e);
    casc_cert_rec_clear(&rec);
    X509_free(cert);
    EVP_PKEY_free(key);
    X509_NAME_free(name);
  }
  return rc;
}

static casc_err build(casc_ca *ca, const casc_init_opts *opts, casc_error *e) {
  X509 *certs[1 + N_ISSUING] = {0};
  EVP_PKEY *keys[1 + N_ISSUING] = {0};
  char path[PATH_MAX];
  casc_config cfg = {.crl_shards = ca->crl_shards};
  casc_err rc = CASC_OK;
  memcpy(cfg.name, ca->name, sizeof cfg.name);
  memcpy(cfg.country, ca->country, sizeof cfg.country);
  memcpy(cfg.base_url, ca->base_url, sizeof cfg.base_url);
  if ((rc = casc_ca_path(ca, "keys", path, e)) != CASC_OK)
    return rc;
  if (mkdir(path, 0700) != 0)
    return casc_error_set(e, CASC_ERR_IO, "%s: %s", path, strerror(errno));
  if ((rc = casc_ca_path(ca, "certs", path, e)) != CASC_OK)
    return rc;
  if (mkdir(path, 0755) != 0)
    return casc_error_set(e, CASC_ERR_IO, "%s: %s", path, strerror(errno));
  if ((rc = casc_ca_path(ca, CASC_CONF_FILE, path, e)) != CASC_OK ||
      (rc = casc_config_save(path, &cfg, e)) != CASC_OK ||
      (rc = casc_ca_path(ca, CASC_DB_FILE, path, e)) != CASC_OK ||
      (rc = casc_store_open(path, true, &ca->store, e)) != CASC_OK ||
      (rc = write_audit_key(ca, e)) != CASC_OK)
    goto out;
  casc_store_set_audit_signer(ca->store, casc_ca_sign_audit_entry, ca);
  if ((rc = make_cas(ca, opts, certs, keys, e)) != CASC_OK ||
      (rc = casc_ca_load_issuers(ca, e)) != CASC_OK)
    goto out;
  for (size_t i = 0; i < 1 + N_ISSUING; i++) {
    ca->issuer_keys[i] = keys[i];
    keys[i] = NULL;
  }
  for (size_t i = 0; i < 1 + N_ISSUING && rc == CASC_OK; i++) {
    rc = casc_ca_write_cert(ca, ca->issuers[i].name, ca->issuer_certs[i], e);
    if (rc == CASC_OK && i > 0) {
      casc_cert_rec rec;
      rc = casc_ca_commit_issued(ca, ca->issuer_certs[i], 0, "sub-ca", &rec, e);
      if (rc == CASC_OK)
        casc_cert_rec_clear(&rec);
    }
  }
  if (rc == CASC_OK)
    rc = make_end_entities(ca, opts, e);
  if (rc == CASC_OK)
    rc = casc_audit_checkpoint(ca->store, ca->dir, ca->audit_key, true, e);
out:
  for (size_t i = 0; i < 1 + N_ISSUING; i++) {
    X509_free(certs[i]);
    EVP_PKEY_free(keys[i]);
  }
  return rc;
}

static casc_err check_opts(const casc_init_opts *opts, casc_ca *ca, casc_error *e) {
  const char *url = opts->base_url != NULL ? opts->base_url : CASC_DEFAULT_BASE_URL;
  /* BR 7.1.2.7.7 and 7.1.2.11.2: OCSP, CRL and caIssuers URLs are plain
   * HTTP (a client checking revocation must not need TLS, which needs
   * revocation checking); paths are appended, so no query or fragment. */
  if (strncmp(url, "http://", 7) != 0 || url[7] == '\0' || url[7] == '/')
    return casc_error_set(e, CASC_ERR_USAGE,
                          "--base-url %s: must be an http://HOST[:PORT][/PATH] URL (BR "
                          "7.1.2.7.7: OCSP and CRLs are served over plain HTTP)",
                          url);
  if (strlen(url) >= 200 || strpbrk(url, " \t\r\n\"<>?#\\{}|^`") != NULL)
    return casc_error_set(e, CASC_ERR_USAGE,
                          "--base-url %s: not a usable URL (no spaces, query or fragment)", url);
  snprintf(ca->base_url, sizeof ca->base_url, "%s", url);
  size_t n = strlen(ca->base_url);
  while (n > 0 && ca->base_url[n - 1] == '/')
    ca->base_url[--n] = '\0';
  const char *name = opts->name != NULL ? opts->name : "casc Demo";
  /* The longest subject casc builds from it, "NAME Timestamping CA OCSP
   * Responder", must fit a commonName's 64 characters (RFC 5280). */
  size_t longest_suffix = strlen(" Timestamping CA OCSP Responder");
  if (*name == '\0' || strlen(name) + longest_suffix > 64 || strpbrk(name, "\n\r") != NULL)
    return casc_error_set(e, CASC_ERR_USAGE, "--name '%s': 1 to %zu characters", name,
                          64 - longest_suffix);
  snprintf(ca->name, sizeof ca->name, "%s", name);
  const char *country = opts->country != NULL ? opts->country : "XX";
  if (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' ||
      country[1] > 'Z')
    return casc_error_set(e, CASC_ERR_USAGE, "--country %s: two upper-case letters", country);
  snprintf(ca->country, sizeof ca->country, "%s", country);
  ca->crl_shards = opts->crl_shards != 0 ? opts->crl_shards : CASC_DEFAULT_CRL_SHARDS;
  if (ca->crl_shards < 1 || ca->crl_shards > 256)
    return casc_error_set(e, CASC_ERR_USAGE, "--crl-shards %d: 1 to 256", opts->crl_shards);
  return CASC_OK;
}

static bool is_empty_dir(const char *dir, bool *exists) {
  struct stat st;
  *exists = stat(dir, &st) == 0;
  if (!*exists)
    return true;
  if (!S_ISDIR(st.st_mode))
    return false;
  DIR *d = opendir(dir);
  struct dirent *ent;
  bool empty = d != NULL;
  while (d != NULL && (ent = readdir(d)) != NULL)
    if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0)
      empty = false;
  if (d != NULL)
    closedir(d);
  return empty;
}

casc_err casc_ca_init(const char *dir_arg, const casc_init_opts *opts, casc_error *e) {
  casc_ca *ca = calloc(1, sizeof *ca);
  char parent[PATH_MAX], dir[PATH_MAX];
  bool exists = false;
  casc_err rc = CASC_OK;
  if (ca == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  if ((rc = check_opts(opts, ca, e)) != CASC_OK)
    goto out;
  /* "casc-data/" as shells complete it: the temporary directory goes
   * beside the CA directory, not inside it. */
  size_t n = strlen(dir_arg);
  while (n > 1 && dir_arg[n - 1] == '/')
    n--;
  if (n == 0 || n >= sizeof dir) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "'%s': not a usable directory name", dir_arg);
    goto out;
  }
  memcpy(dir, dir_arg, n);
  dir[n] = '\0';
  if (!is_empty_dir(dir, &exists)) {
    rc = casc_error_set(e, CASC_ERR_EXISTS,
                        "%s: already exists and is not empty (casc init never overwrites a CA "
                        "directory)",
                        dir);
    goto out;
  }
  if (snprintf(ca->dir, sizeof ca->dir, "%s.init-XXXXXX", dir) >= (int)sizeof ca->dir ||
      snprintf(parent, sizeof parent, "%s", dir) >= (int)sizeof parent) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "%s: path too long", dir);
    goto out;
  }
  if (mkdtemp(ca->dir) == NULL) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: cannot create the CA directory: %s", dir,
                        strerror(errno));
    ca->dir[0] = '\0';
    goto out;
  }
  chmod(ca->dir, 0755); /* mkdtemp makes 0700; the CA directory is readable, keys/ is not */
  if ((rc = build(ca, opts, e)) != CASC_OK)
    goto out;
  casc_store_close(ca->store); /* folds the WAL into casc.db before the move */
  ca->store = NULL;
  char sub[PATH_MAX];
  if ((rc = casc_ca_path(ca, "keys", sub, e)) != CASC_OK ||
      (rc = casc_fsync_dir(sub, e)) != CASC_OK ||
      (rc = casc_ca_path(ca, "certs", sub, e)) != CASC_OK ||
      (rc = casc_fsync_dir(sub, e)) != CASC_OK || (rc = casc_fsync_dir(ca->dir, e)) != CASC_OK)
    goto out;
  /* rename(2) replaces only a missing or empty directory: a CA directory
   * created meanwhile by someone else makes it fail rather than vanish. */
  if (rename(ca->dir, dir) != 0) {
    rc = casc_error_set(e, errno == ENOTEMPTY || errno == EEXIST ? CASC_ERR_EXISTS : CASC_ERR_IO,
                        "%s: %s", dir, strerror(errno));
    goto out;
  }
  ca->dir[0] = '\0';
  rc = casc_fsync_dir(dirname(parent), e);
out:
  casc_store_close(ca->store);
  ca->store = NULL;
  if (ca->dir[0] != '\0')
    nftw(ca->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  casc_ca_close(ca);
  return rc;
}
