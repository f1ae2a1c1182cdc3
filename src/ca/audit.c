/* The audit log's signed checkpoint (BR 5.4): the chain's head, signed with
 * the audit key and kept outside the database, so that a database edited,
 * cut short or re-chained by someone without the key no longer matches.
 *
 * Each write command re-signs the head after its commit. Before it signs,
 * it checks that the entries since the previous checkpoint chain onto it,
 * so a rewritten tail is never blessed. */
#include "ca_internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <openssl/pem.h>
#include <sys/file.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#define CHECKPOINT_MAGIC "casc audit checkpoint v1\n"

typedef struct {
  int64_t seq;
  unsigned char head[CASC_HASH_LEN];
  time_t time;
} checkpoint;

static casc_err sign_or_verify(EVP_PKEY *key, bool sign, const unsigned char *msg, size_t len,
                               unsigned char *sig, size_t *siglen, casc_error *e) {
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  int ok;
  if (ctx == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  if (sign)
    ok = EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
         EVP_DigestSign(ctx, sig, siglen, msg, len) == 1;
  else
    ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
         EVP_DigestVerify(ctx, sig, *siglen, msg, len) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok)
    return casc_error_ssl(e, sign ? CASC_ERR_CRYPTO : CASC_ERR_INTEGRITY,
                          sign ? "signing the audit checkpoint"
                               : "audit checkpoint: the signature does not verify");
  return CASC_OK;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

static size_t hex_decode(const char *hex, unsigned char *out, size_t max) {
  size_t n = 0;
  for (; hex[0] != '\0' && hex[0] != '\n' && n < max; hex += 2) {
    int hi = hex_value(hex[0]), lo = hex[1] != '\0' ? hex_value(hex[1]) : -1;
    if (hi < 0 || lo < 0)
      return 0;
    out[n++] = (unsigned char)(hi << 4 | lo);
  }
  return n;
}

/* Reads and authenticates DIR/audit.checkpoint. *present is false (and
 * CASC_OK returned) when there is no file. */
static casc_err checkpoint_read(const char *dir, EVP_PKEY *pub, checkpoint *cp, bool *present,
                                casc_error *e) {
  char path[PATH_MAX], hex[2 * CASC_HASH_LEN + 1], when[CASC_TIME_BUFSZ];
  unsigned char *file = NULL, sig[256];
  size_t len = 0;
  long long seq = -1;
  casc_err rc = casc_path_join(path, sizeof path, dir, CASC_CHECKPOINT_FILE, e);
  *present = false;
  if (rc != CASC_OK)
    return rc;
  if (access(path, F_OK) != 0)
    return CASC_OK;
  if (casc_file_read(path, 4096, &file, &len, e) != CASC_OK)
    return casc_error_set(e, CASC_ERR_INTEGRITY, "%s: unreadable", path);
  *present = true;
  char *sigline = strstr((char *)file, "sig: ");
  if (strncmp((char *)file, CHECKPOINT_MAGIC, strlen(CHECKPOINT_MAGIC)) != 0 || sigline == NULL ||
      sscanf((char *)file + strlen(CHECKPOINT_MAGIC), "seq: %lld\nhead: %64s\ntime: %31s\n", &seq,
             hex, when) != 3 ||
      seq < 0 || hex_decode(hex, cp->head, sizeof cp->head) != CASC_HASH_LEN ||
      casc_time_parse(when, &cp->time, NULL) != CASC_OK) {
    rc = casc_error_set(e, CASC_ERR_INTEGRITY, "%s: not a casc audit checkpoint", path);
    goto out;
  }
  cp->seq = seq;
  size_t siglen = hex_decode(sigline + 5, sig, sizeof sig);
  if (siglen == 0 ||
      sign_or_verify(pub, false, file, (size_t)(sigline - (char *)file), sig, &siglen, e) !=
          CASC_OK)
    rc = casc_error_set(e, CASC_ERR_INTEGRITY, "%s: the checkpoint's signature does not verify",
                        path);
out:
  free(file);
  return rc;
}

static casc_err verify_entry(void *arg, const unsigned char hash[CASC_HASH_LEN],
                             const unsigned char *sig, size_t sig_len, casc_error *e) {
  if (sig_len == 0)
    return casc_error_set(e, CASC_ERR_INTEGRITY, "unsigned audit entry");
  return sign_or_verify(arg, false, hash, CASC_HASH_LEN, (unsigned char *)sig, &sig_len, e);
}

/* Serializes checkpoint writers: without it two commands could each read
 * the old checkpoint and the one holding the older head would write last,
 * leaving a committed entry unsigned. The lock file is never removed. */
static int lock_checkpoint(const char *dir, casc_error *e) {
  char path[PATH_MAX];
  if (casc_path_join(path, sizeof path, dir, "audit.lock", e) != CASC_OK)
    return -1;
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    casc_error_set(e, CASC_ERR_IO, "%s: %s", path, strerror(errno));
    return -1;
  }
  while (flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      casc_error_set(e, CASC_ERR_IO, "%s: lock: %s", path, strerror(errno));
      close(fd);
      return -1;
    }
  }
  return fd;
}

/* A command killed while writing the checkpoint leaves its temporary file;
 * under the lock no other writer has one open, so any left are stale. */
static void remove_stale_temp_files(const char *dir) {
  static const char prefix[] = CASC_CHECKPOINT_FILE ".tmp.";
  DIR *d = opendir(dir);
  struct dirent *ent;
  while (d != NULL && (ent = readdir(d)) != NULL) {
    char path[PATH_MAX];
    if (strncmp(ent->d_name, prefix, sizeof prefix - 1) == 0 &&
        casc_path_join(path, sizeof path, dir, ent->d_name, NULL) == CASC_OK)
      unlink(path);
  }
  if (d != NULL)
    closedir(d);
}

casc_err casc_audit_checkpoint(casc_store *store, const char *dir, EVP_PKEY *audit_key,
                               bool first, casc_error *e) {
  int64_t head_seq;
  unsigned char head[CASC_HASH_LEN], sig[256];
  char hex[2 * CASC_HASH_LEN + 1], when[CASC_TIME_BUFSZ], path[PATH_MAX];
  char body[512], file[1024];
  size_t siglen = sizeof sig;
  checkpoint prev = {0};
  bool present;
  int lock = lock_checkpoint(dir, e);
  if (lock < 0)
    return e != NULL ? e->code : CASC_ERR_IO;
  remove_stale_temp_files(dir);
  casc_err rc = checkpoint_read(dir, audit_key, &prev, &present, e);
  if (rc != CASC_OK)
    goto out;
  if (!present && !first) {
    rc = casc_error_set(e, CASC_ERR_INTEGRITY,
                        "%s/%s: the signed audit checkpoint is missing (run casc audit verify)",
                        dir, CASC_CHECKPOINT_FILE);
    goto out;
  }
  /* Only what casc itself appended, chained onto the last signed head, is
   * signed over. */
  if ((rc = casc_store_audit_verify_since(store, present ? prev.seq : 0, prev.head, verify_entry,
                                         audit_key, &head_seq, head, e)) != CASC_OK)
    goto out;
  if (present && head_seq <= prev.seq)
    goto out; /* nothing new: a concurrent command signed it already */
  casc_hex_encode(head, CASC_HASH_LEN, hex);
  casc_time_format(casc_now(), when);
  int n = snprintf(body, sizeof body, CHECKPOINT_MAGIC "seq: %lld\nhead: %s\ntime: %s\n",
                   (long long)head_seq, hex, when);
  rc = sign_or_verify(audit_key, true, (const unsigned char *)body, (size_t)n, sig, &siglen, e);
  if (rc != CASC_OK)
    goto out;
  char sighex[2 * sizeof sig + 1];
  casc_hex_encode(sig, siglen, sighex);
  n = snprintf(file, sizeof file, "%ssig: %s\n", body, sighex);
  if ((rc = casc_path_join(path, sizeof path, dir, CASC_CHECKPOINT_FILE, e)) != CASC_OK)
    goto out;
  rc = casc_file_write_atomic(path, file, (size_t)n, 0644, e);
out:
  close(lock); /* releases the lock */
  return rc;
}

static casc_err load_audit_key(casc_ca *ca, casc_error *e) {
  if (ca->audit_key != NULL)
    return CASC_OK;
  char path[PATH_MAX];
  casc_err rc = casc_ca_path(ca, CASC_AUDIT_KEY_FILE, path, e);
  if (rc == CASC_OK)
    rc = casc_key_load(path, &ca->audit_key, e);
  return rc;
}

casc_err casc_ca_sign_audit_entry(void *arg, const unsigned char hash[CASC_HASH_LEN],
                                  unsigned char *sig, size_t *sig_len, casc_error *e) {
  casc_ca *ca = arg;
  casc_err rc = load_audit_key(ca, e);
  if (rc == CASC_OK)
    rc = sign_or_verify(ca->audit_key, true, hash, CASC_HASH_LEN, sig, sig_len, e);
  return rc;
}

casc_err casc_ca_checkpoint(casc_ca *ca, casc_error *e) {
  casc_err rc = load_audit_key(ca, e);
  if (rc != CASC_OK)
    return rc;
  return casc_audit_checkpoint(ca->store, ca->dir, ca->audit_key, false, e);
}

/* BR 5.4.1: each entry names who acted. casc knows the local account. */
static void add_actor(json_t *details) {
  char who[128];
  uid_t uid = getuid();
  struct passwd pw, *found = NULL;
  char buf[1024];
  if (getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found != NULL)
    snprintf(who, sizeof who, "%s (uid %u)", found->pw_name, (unsigned)uid);
  else
    snprintf(who, sizeof who, "uid %u", (unsigned)uid);
  json_object_set_new(details, "actor", json_string(who));
}

casc_err casc_audit_append_json(casc_store *store, const char *op, json_t *details,
                                casc_error *e) {
  if (details != NULL)
    add_actor(details);
  char *text = details != NULL ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(details);
  if (text == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  casc_err rc = casc_store_audit_append(store, op, text, e);
  free(text);
  return rc;
}

void casc_ca_checkpoint_or_warn(casc_ca *ca) {
  casc_error err = {0};
  if (casc_ca_checkpoint(ca, &err) != CASC_OK)
    casc_log(CASC_LOG_WARN, "audit checkpoint not updated (the next command retries): %s",
             err.msg);
}

static casc_err load_audit_public_key(casc_ca *ca, EVP_PKEY **out, casc_error *e) {
  char path[PATH_MAX];
  casc_err rc = casc_ca_path(ca, CASC_AUDIT_PUB_FILE, path, e);
  if (rc != CASC_OK)
    return rc;
  FILE *f = fopen(path, "r");
  if (f == NULL)
    return casc_error_set(e, CASC_ERR_INTEGRITY, "%s: the audit public key is missing", path);
  *out = PEM_read_PUBKEY(f, NULL, NULL, NULL);
  fclose(f);
  if (*out == NULL)
    return casc_error_ssl(e, CASC_ERR_INTEGRITY, "%s: not a PEM public key", path);
  return CASC_OK;
}

casc_err casc_ca_audit_verify(casc_ca *ca, casc_audit_report *report, casc_error *e) {
  unsigned char at_seq[CASC_HASH_LEN] = {0}, head[CASC_HASH_LEN];
  EVP_PKEY *pub = NULL;
  checkpoint cp = {0};
  bool present;
  int64_t head_seq;
  memset(report, 0, sizeof *report);
  casc_err rc = load_audit_public_key(ca, &pub, e);
  if (rc == CASC_OK)
    rc = checkpoint_read(ca->dir, pub, &cp, &present, e);
  if (rc != CASC_OK)
    goto out;
  if (!present) {
    rc = casc_error_set(e, CASC_ERR_INTEGRITY, "%s/%s: the signed audit checkpoint is missing",
                        ca->dir, CASC_CHECKPOINT_FILE);
    goto out;
  }
  if ((rc = casc_store_audit_verify(ca->store, cp.seq, at_seq, &head_seq, head, e)) != CASC_OK)
    goto out;
  if (head_seq < cp.seq) {
    rc = casc_error_set(e, CASC_ERR_INTEGRITY,
                        "audit log: %lld entries, but the signed checkpoint covers %lld (entries "
                        "removed from the end)",
                        (long long)head_seq, (long long)cp.seq);
    goto out;
  }
  if (memcmp(at_seq, cp.head, CASC_HASH_LEN) != 0) {
    rc = casc_error_set(e, CASC_ERR_INTEGRITY,
                        "audit log: entry %lld does not match the signed checkpoint (the log "
                        "was rewritten)",
                        (long long)cp.seq);
    goto out;
  }
  /* Entries after the checkpoint (a command killed before it re-signed the
   * head) must each carry the audit key's signature. */
  if (head_seq > cp.seq &&
      (rc = casc_store_audit_verify_since(ca->store, cp.seq, cp.head, verify_entry, pub,
                                          &head_seq, head, e)) != CASC_OK)
    goto out;
  report->entries = head_seq;
  report->checkpoint_seq = cp.seq;
  report->checkpoint_time = cp.time;
out:
  EVP_PKEY_free(pub);
  return rc;
}
