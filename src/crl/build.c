/* CRL building: DER straight from the store's walk, signed with
 * EVP_DigestSign. See include/casc/crl.h for what is written where. */
#include "casc/crl.h"
#include "casc/der.h"
#include "casc/lint_sign.h"

#include "../ca/ca_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Extension OIDs, encoded once (2.5.29.x). */
static const unsigned char oid_aki[] = {0x06, 0x03, 0x55, 0x1d, 0x23};
static const unsigned char oid_crl_number[] = {0x06, 0x03, 0x55, 0x1d, 0x14};
static const unsigned char oid_idp[] = {0x06, 0x03, 0x55, 0x1d, 0x1c};
static const unsigned char oid_reason[] = {0x06, 0x03, 0x55, 0x1d, 0x15};
static const unsigned char oid_invalidity[] = {0x06, 0x03, 0x55, 0x1d, 0x18};

#define CRL_PATH_MAX 4096

/* What every CRL of one issuer shares. */
struct issuer_ctx {
  const casc_issuer_rec *rec;
  bool is_root;
  X509 *cert;                 /* the issuer's certificate, borrowed from the ca */
  int shards;                 /* 1: the full CRL only */
  EVP_PKEY *key;              /* borrowed from the ca */
  const EVP_MD *md;
  unsigned char *sigalg;      /* AlgorithmIdentifier DER */
  int sigalg_len;
  unsigned char *name;        /* the issuer's subject Name DER */
  int name_len;
  const unsigned char *skid;  /* the issuer's subjectKeyIdentifier */
  int skid_len;
  time_t this_update, next_update;
  time_t keep_after;          /* entries of certificates that expired before this go */
  time_t keep_after_cs;       /* the same for code signing and timestamping */
  const char *base_url;
  const char *out_dir;
  casc_store *store;
  casc_crl_written_fn cb;
  void *cb_arg;
};

/* The walk's state. */
struct walk_state {
  struct issuer_ctx *ic;
  casc_der_buf *full;
  unsigned char *shard_of;    /* one byte per entry written, when shards > 1 */
  size_t n, cap;
  EVP_MD_CTX *hctx;
  EVP_MD *sha256;
};

/* Hex digit values, -1 for anything else: a table, since this runs twice
 * per character of a million serials. */
static signed char hexval[256];

static void hexval_init(void) {
  memset(hexval, -1, sizeof hexval);
  for (int c = 0; c < 10; c++)
    hexval['0' + c] = (signed char)c;
  for (int c = 0; c < 6; c++)
    hexval['A' + c] = hexval['a' + c] = (signed char)(10 + c);
}

/* Hex to bytes; 0 for a malformed serial. */
static size_t serial_bytes(const char *hex, unsigned char out[CASC_SERIAL_MAX / 2]) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, hexval_init);
  size_t n = 0;
  const unsigned char *p = (const unsigned char *)hex;
  for (; p[0] != '\0' && p[1] != '\0'; p += 2) {
    int hi = hexval[p[0]], lo = hexval[p[1]];
    if (hi < 0 || lo < 0 || n == CASC_SERIAL_MAX / 2)
      return 0;
    out[n++] = (unsigned char)(hi << 4 | lo);
  }
  return p[0] == '\0' ? n : 0;
}

/* casc_crl_shard_of hashes the ASN1_INTEGER's contents: the magnitude
 * without sign octet, which is what the canonical hex holds. */
static int shard_from_bytes(EVP_MD_CTX *ctx, const EVP_MD *md, const unsigned char *mag,
                            size_t n, int shards) {
  unsigned char h[EVP_MAX_MD_SIZE];
  unsigned hl = 0;
  while (n > 1 && mag[0] == 0) {
    mag++;
    n--;
  }
  if (EVP_DigestInit_ex2(ctx, md, NULL) != 1 || EVP_DigestUpdate(ctx, mag, n) != 1 ||
      EVP_DigestFinal_ex(ctx, h, &hl) != 1 || hl < 4)
    return -1;
  uint32_t v = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
  return (int)(v % (uint32_t)shards);
}

int casc_crl_shard_of_hex(const char *serial_hex, int shards) {
  unsigned char mag[CASC_SERIAL_MAX / 2];
  size_t n = serial_bytes(serial_hex, mag);
  if (n == 0)
    return -1;
  if (shards <= 1)
    return 0;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  int r = ctx != NULL ? shard_from_bytes(ctx, EVP_sha256(), mag, n, shards) : -1;
  EVP_MD_CTX_free(ctx);
  return r;
}

casc_err casc_crl_url_path(const char *issuer, int shard, char *buf, size_t bufsz,
                           casc_error *e) {
  int n = shard < 0 ? snprintf(buf, bufsz, "/crl/%s.crl", issuer)
                    : snprintf(buf, bufsz, "/crl/%s/%d.crl", issuer, shard);
  if (n < 0 || (size_t)n >= bufsz)
    return casc_error_set(e, CASC_ERR_USAGE, "issuer %s: CRL path too long", issuer);
  return CASC_OK;
}

/* --- one entry -------------------------------------------------------------- */
static bool long_retention(const char *profile) {
  return strcmp(profile, "code-signing") == 0 || strcmp(profile, "timestamping") == 0;
}

static void put_entry(casc_der_buf *b, const unsigned char *mag, size_t n,
                      const casc_revoked_entry *ent) {
  casc_der_begin(b, CASC_DER_SEQUENCE);
  casc_der_uint_bytes(b, mag, n);
  casc_der_time(b, ent->revoked_at);
  /* unspecified (0) is never written: BR 7.2.2 wants the extension absent
   * instead. */
  bool reason = ent->reason > 0;
  bool invalidity = ent->invalidity_date != 0;
  if (reason || invalidity) {
    casc_der_begin(b, CASC_DER_SEQUENCE);
    if (reason) {
      casc_der_begin(b, CASC_DER_SEQUENCE);
      casc_der_raw(b, oid_reason, sizeof oid_reason);
      if (ent->reason < 0x80) { /* every CRLReason: 04 03 0a 01 NN, no buffer */
        unsigned char v[] = {CASC_DER_OCTET_STRING, 3, CASC_DER_ENUMERATED, 1,
                             (unsigned char)ent->reason};
        casc_der_raw(b, v, sizeof v);
      } else {
        casc_der_begin(b, CASC_DER_OCTET_STRING);
        casc_der_enumerated(b, ent->reason);
        casc_der_end(b);
      }
      casc_der_end(b);
    }
    if (invalidity) {
      casc_der_begin(b, CASC_DER_SEQUENCE);
      casc_der_raw(b, oid_invalidity, sizeof oid_invalidity);
      casc_der_begin(b, CASC_DER_OCTET_STRING);
      casc_der_generalized_time(b, ent->invalidity_date);
      casc_der_end(b);
      casc_der_end(b);
    }
    casc_der_end(b);
  }
  casc_der_end(b);
}

static casc_err on_revoked(const casc_revoked_entry *ent, void *arg, casc_error *e) {
  struct walk_state *ws = arg;
  struct issuer_ctx *ic = ws->ic;
  /* RFC 5280 5.1.2.6: an entry stays until it has appeared on a regularly
   * scheduled CRL issued after the certificate expired; keeping it for one
   * CRL validity period past expiry guarantees that, given that the daemon
   * rebuilds well within one period. Code signing and timestamping keep
   * theirs for years (CSBR 7.2), since signatures outlive certificates. */
  time_t keep_after = long_retention(ent->profile) ? ic->keep_after_cs : ic->keep_after;
  if (ent->not_after < keep_after)
    return CASC_OK;
  unsigned char mag[CASC_SERIAL_MAX / 2];
  size_t n = serial_bytes(ent->serial, mag);
  if (n == 0)
    return casc_error_set(e, CASC_ERR_DB, "issuer %s: malformed serial '%s' in the database",
                          ic->rec->name, ent->serial);
  if (ic->shards > 1) {
    if (ws->n == ws->cap) {
      size_t cap = ws->cap == 0 ? 4096 : ws->cap * 2;
      unsigned char *p = realloc(ws->shard_of, cap);
      if (p == NULL)
        return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
      ws->shard_of = p;
      ws->cap = cap;
    }
    int k = shard_from_bytes(ws->hctx, ws->sha256, mag, n, ic->shards);
    if (k < 0)
      return casc_error_ssl(e, CASC_ERR_CRYPTO, "SHA-256");
    ws->shard_of[ws->n] = (unsigned char)k;
  }
  put_entry(ws->full, mag, n, ent);
  if (ws->full->failed)
    return casc_error_set(e, CASC_ERR_INTERNAL,
                          "issuer %s: serial %s: cannot encode its entry (a date outside "
                          "1950-9999, or out of memory)",
                          ic->rec->name, ent->serial);
  ws->n++;
  return CASC_OK;
}

/* --- one CRL ---------------------------------------------------------------- */
/* Opens the outer SEQUENCE and the TBS and writes the fields before the
 * list; returns the offset where entries go. */
static size_t crl_start(casc_der_buf *b, const struct issuer_ctx *ic) {
  casc_der_begin(b, CASC_DER_SEQUENCE); /* CertificateList */
  casc_der_begin(b, CASC_DER_SEQUENCE); /* TBSCertList */
  casc_der_int64(b, 1);                 /* v2 */
  casc_der_raw(b, ic->sigalg, (size_t)ic->sigalg_len);
  casc_der_raw(b, ic->name, (size_t)ic->name_len);
  casc_der_time(b, ic->this_update);
  casc_der_time(b, ic->next_update);
  return b->len;
}

static void put_idp(casc_der_buf *b, const char *url, bool user_certs) {
  static const unsigned char critical[] = {0x01, 0x01, 0xff};
  casc_der_begin(b, CASC_DER_SEQUENCE);
  casc_der_raw(b, oid_idp, sizeof oid_idp);
  casc_der_raw(b, critical, sizeof critical);
  casc_der_begin(b, CASC_DER_OCTET_STRING);
  casc_der_begin(b, CASC_DER_SEQUENCE);                       /* IssuingDistributionPoint */
  casc_der_begin(b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0); /* distributionPoint */
  casc_der_begin(b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0); /* fullName */
  /* The same bytes as the certificates' CRL distribution point: BR 7.2.2.1
   * wants them byte for byte. */
  casc_der_tlv(b, CASC_DER_CONTEXT | 6, url, strlen(url));  /* uniformResourceIdentifier */
  casc_der_end(b);
  casc_der_end(b);
  if (user_certs)
    casc_der_boolean(b, CASC_DER_CONTEXT | 1, true);          /* onlyContainsUserCerts */
  casc_der_end(b);
  casc_der_end(b);
  casc_der_end(b);
}

/* Closes the list (absent when empty, RFC 5280 5.1.2.6), adds the
 * extensions, signs, and writes the file. */
static casc_err crl_finish(casc_der_buf *b, size_t list_start, size_t count,
                           const struct issuer_ctx *ic, int shard, casc_error *e) {
  char url_path[512], url[CASC_URL_MAX + 512], file[CRL_PATH_MAX];
  unsigned char *sig = NULL;
  EVP_MD_CTX *mctx = NULL;
  int64_t number = 0;
  casc_err rc = casc_crl_url_path(ic->rec->name, shard, url_path, sizeof url_path, e);
  if (rc != CASC_OK)
    goto out;
  snprintf(url, sizeof url, "%s%s", ic->base_url, url_path);
  if (snprintf(file, sizeof file, "%s%s", ic->out_dir, url_path) >= (int)sizeof file) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "%s: path too long", ic->out_dir);
    goto out;
  }
  /* Taken just before signing, so that a CRL written later always carries
   * a higher number; a number lost to a crash is only a gap. */
  rc = casc_store_crl_number_next(ic->store, ic->rec->id, shard, &number, e);
  if (rc != CASC_OK)
    goto out;
  if (count > 0)
    casc_der_wrap(b, list_start, CASC_DER_SEQUENCE); /* revokedCertificates */
  casc_der_begin(b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0); /* crlExtensions */
  casc_der_begin(b, CASC_DER_SEQUENCE);
  /* authorityKeyIdentifier: the issuer's subjectKeyIdentifier */
  casc_der_begin(b, CASC_DER_SEQUENCE);
  casc_der_raw(b, oid_aki, sizeof oid_aki);
  casc_der_begin(b, CASC_DER_OCTET_STRING);
  casc_der_begin(b, CASC_DER_SEQUENCE);
  casc_der_tlv(b, CASC_DER_CONTEXT | 0, ic->skid, (size_t)ic->skid_len);
  casc_der_end(b);
  casc_der_end(b);
  casc_der_end(b);
  /* cRLNumber */
  casc_der_begin(b, CASC_DER_SEQUENCE);
  casc_der_raw(b, oid_crl_number, sizeof oid_crl_number);
  casc_der_begin(b, CASC_DER_OCTET_STRING);
  casc_der_int64(b, number);
  casc_der_end(b);
  casc_der_end(b);
  if (shard >= 0)
    put_idp(b, url, !ic->is_root);
  casc_der_end(b);
  casc_der_end(b);
  if (b->failed || b->depth != 2) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "%s: out of memory", file);
    goto out;
  }
  size_t tbs_off = b->open[1];
  casc_der_end(b); /* TBSCertList */
  if (b->failed) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "%s: out of memory", file);
    goto out;
  }
  size_t siglen = (size_t)EVP_PKEY_get_size(ic->key);
  sig = malloc(siglen > 0 ? siglen : 1);
  mctx = EVP_MD_CTX_new();
  if (sig == NULL || mctx == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  if (EVP_DigestSignInit(mctx, NULL, ic->md, NULL, ic->key) != 1 ||
      EVP_DigestSign(mctx, sig, &siglen, b->data + tbs_off, b->len - tbs_off) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "%s: signing with the %s key", file, ic->rec->name);
    goto out;
  }
  casc_der_raw(b, ic->sigalg, (size_t)ic->sigalg_len);
  casc_der_begin(b, CASC_DER_BIT_STRING);
  casc_der_raw(b, "", 1); /* no unused bits */
  casc_der_raw(b, sig, siglen);
  casc_der_end(b);
  casc_der_end(b); /* CertificateList */
  if (casc_der_buf_failed(b)) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "%s: out of memory", file);
    goto out;
  }
  /* The lints `casc lint` runs, before anything is written: the root's CRL
   * covers CA certificates, the others subscriber certificates, under the
   * Code Signing BRs for the code-signing and timestamping CAs. */
  bool cs = strcmp(ic->rec->purpose, "code-signing") == 0 ||
            strcmp(ic->rec->purpose, "timestamping") == 0;
  rc = casc_lint_crl_presign(b->data, b->len, ic->cert,
                             ic->is_root ? CASC_CRL_SCOPE_CA
                             : cs        ? CASC_CRL_SCOPE_CODE_SIGNING
                                         : CASC_CRL_SCOPE_SUBSCRIBER,
                             ic->this_update, e);
  if (rc == CASC_OK)
    rc = casc_file_write_atomic(file, b->data, b->len, 0644, e);
  if (rc == CASC_OK && ic->cb != NULL) {
    casc_crl_info info = {.issuer = ic->rec->name,
                          .shard = shard,
                          .url_path = url_path,
                          .file = file,
                          .number = number,
                          .entries = count,
                          .bytes = b->len,
                          .this_update = ic->this_update,
                          .next_update = ic->next_update};
    rc = ic->cb(&info, ic->cb_arg, e);
  }
out:
  EVP_MD_CTX_free(mctx);
  free(sig);
  return rc;
}

/* A shard's CRL: the entries of the full CRL's list that map to it, copied
 * TLV by TLV, so that the store is walked once per issuer. */
static casc_err build_shard(const struct walk_state *ws, size_t list_start, int k,
                            casc_error *e) {
  casc_der_buf b;
  casc_der_buf_init(&b);
  size_t start = crl_start(&b, ws->ic);
  const unsigned char *p = ws->full->data + list_start;
  size_t left = ws->full->len - list_start, count = 0;
  casc_err rc = CASC_OK;
  for (size_t i = 0; i < ws->n; i++) {
    casc_der_tlv_t t;
    rc = casc_der_next(&p, &left, &t, e);
    if (rc != CASC_OK)
      goto out;
    if (ws->shard_of[i] == k) {
      casc_der_raw(&b, t.hdr, t.hdr_len + t.len);
      count++;
    }
  }
  rc = crl_finish(&b, start, count, ws->ic, k, e);
out:
  casc_der_buf_free(&b);
  return rc;
}

static casc_err make_dir(const char *path, casc_error *e) {
  if (mkdir(path, 0755) != 0 && errno != EEXIST)
    return casc_error_set(e, CASC_ERR_IO, "%s: %s", path, strerror(errno));
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
    return casc_error_set(e, CASC_ERR_IO, "%s: not a directory", path);
  return CASC_OK;
}

/* Temporary files that a killed build left behind ("x.crl.tmp.XXXXXX"):
 * under the lock no other build is writing one. */
static void remove_stale(const char *dir, int depth) {
  DIR *d = opendir(dir);
  if (d == NULL)
    return;
  struct dirent *ent;
  while ((ent = readdir(d)) != NULL) {
    char path[CRL_PATH_MAX];
    if (ent->d_name[0] == '.' ||
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name) >= (int)sizeof path)
      continue;
    if (strstr(ent->d_name, ".crl.tmp.") != NULL)
      unlink(path);
    else if (depth == 0 && ent->d_type == DT_DIR)
      remove_stale(path, 1);
  }
  closedir(d);
}

static casc_err issuer_setup(casc_ca *ca, size_t index, struct issuer_ctx *ic, casc_error *e) {
  X509 *cert = ca->issuer_certs[index];
  X509_ALGOR *alg = NULL;
  ic->cert = cert;
  int sig_nid = NID_undef;
  casc_err rc = casc_ca_issuer_key(ca, index, &ic->key, e);
  if (rc != CASC_OK)
    goto out;
  ic->md = casc_key_digest(ic->key);
  int pkey_id = EVP_PKEY_get_base_id(ic->key);
  if (ic->md == NULL ||
      OBJ_find_sigid_by_algs(&sig_nid, EVP_MD_get_type(ic->md), pkey_id) != 1) {
    rc = casc_error_set(e, CASC_ERR_CRYPTO, "issuer %s: no signature algorithm for its key",
                        ic->rec->name);
    goto out;
  }
  alg = X509_ALGOR_new();
  /* RFC 4055 2.1: NULL parameters for RSA; RFC 5758 3.2: none for ECDSA. */
  if (alg == NULL || X509_ALGOR_set0(alg, OBJ_nid2obj(sig_nid),
                                     pkey_id == EVP_PKEY_RSA ? V_ASN1_NULL : V_ASN1_UNDEF,
                                     NULL) != 1 ||
      (ic->sigalg_len = i2d_X509_ALGOR(alg, &ic->sigalg)) <= 0 ||
      (ic->name_len = i2d_X509_NAME(X509_get_subject_name(cert), &ic->name)) <= 0) {
    rc = casc_error_ssl(e, CASC_ERR_NOMEM, "issuer %s: encoding", ic->rec->name);
    goto out;
  }
  const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(cert);
  if (skid == NULL) {
    rc = casc_error_set(e, CASC_ERR_CRYPTO,
                        "issuer %s: its certificate has no subjectKeyIdentifier",
                        ic->rec->name);
    goto out;
  }
  ic->skid = ASN1_STRING_get0_data(skid);
  ic->skid_len = ASN1_STRING_length(skid);
out:
  X509_ALGOR_free(alg);
  return rc;
}

static casc_err build_issuer(casc_ca *ca, size_t index, struct issuer_ctx *ic,
                             casc_error *e) {
  casc_der_buf full;
  struct walk_state ws = {.ic = ic, .full = &full};
  char dir[CRL_PATH_MAX];
  casc_der_buf_init(&full);
  casc_err rc = issuer_setup(ca, index, ic, e);
  if (rc != CASC_OK)
    goto out;
  if (ic->shards > 1) {
    if (snprintf(dir, sizeof dir, "%s/crl/%s", ic->out_dir, ic->rec->name) >= (int)sizeof dir) {
      rc = casc_error_set(e, CASC_ERR_USAGE, "%s: path too long", ic->out_dir);
      goto out;
    }
    if ((rc = make_dir(dir, e)) != CASC_OK)
      goto out;
    ws.hctx = EVP_MD_CTX_new();
    ws.sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (ws.hctx == NULL || ws.sha256 == NULL) {
      rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "SHA-256");
      goto out;
    }
  }
  size_t list_start = crl_start(&full, ic);
  rc = casc_store_revoked_walk(ic->store, ic->rec->id, on_revoked, &ws, e);
  if (rc != CASC_OK)
    goto out;
  for (int k = 0; k < ic->shards && ic->shards > 1 && rc == CASC_OK; k++)
    rc = build_shard(&ws, list_start, k, e);
  /* The full CRL last: the shards copy their entries out of it. */
  if (rc == CASC_OK)
    rc = crl_finish(&full, list_start, ws.n, ic, -1, e);
out:
  casc_der_buf_free(&full);
  free(ws.shard_of);
  EVP_MD_CTX_free(ws.hctx);
  EVP_MD_free(ws.sha256);
  OPENSSL_free(ic->sigalg);
  OPENSSL_free(ic->name);
  ic->sigalg = ic->name = NULL;
  return rc;
}

casc_err casc_crl_build_all(casc_ca *ca, const char *out_dir, const casc_crl_config *cfg,
                            time_t now, casc_crl_written_fn cb, void *arg, casc_error *e) {
  char dir[CRL_PATH_MAX], lock[CRL_PATH_MAX];
  int lock_fd = -1;
  struct stat st;
  casc_err rc = CASC_OK;
  if (stat(out_dir, &st) != 0) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: %s", out_dir, strerror(errno));
    goto out;
  }
  if (!S_ISDIR(st.st_mode)) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: not a directory", out_dir);
    goto out;
  }
  if ((rc = casc_path_join(dir, sizeof dir, out_dir, "crl", e)) != CASC_OK ||
      (rc = make_dir(dir, e)) != CASC_OK ||
      (rc = casc_path_join(lock, sizeof lock, dir, ".lock", e)) != CASC_OK)
    goto out;
  /* Two builds at once (the daemon and an operator) could finish in the
   * wrong order and replace a CRL with one of a lower number. */
  lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0 || flock(lock_fd, LOCK_EX) != 0) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: %s", lock, strerror(errno));
    goto out;
  }
  remove_stale(dir, 0);
  for (size_t i = 0; i < casc_ca_issuer_count(ca) && rc == CASC_OK; i++) {
    const casc_issuer_rec *rec = casc_ca_issuer_at(ca, i);
    bool is_root = rec->parent_id == 0;
    /* The root's CRL covers CA certificates: BR 4.9.7 allows up to 12
     * months; 30 days (the default) keeps a sub-CA revocation from waiting
     * on caches for long, while the root key signs only monthly. */
    int days = is_root ? cfg->ca_next_update_days : cfg->next_update_days;
    struct issuer_ctx ic = {
        .rec = rec,
        .is_root = is_root,
        .shards = is_root ? 1 : casc_ca_crl_shards(ca),
        .this_update = now,
        .next_update = now + (time_t)days * 86400,
        .keep_after = now - (time_t)days * 86400,
        .keep_after_cs = now - (time_t)cfg->retention_days * 86400,
        .base_url = casc_ca_base_url(ca),
        .out_dir = out_dir,
        .store = casc_ca_store(ca),
        .cb = cb,
        .cb_arg = arg,
    };
    rc = build_issuer(ca, i, &ic, e);
  }
out:
  if (lock_fd >= 0)
    close(lock_fd); /* releases the lock */
  return rc;
}
