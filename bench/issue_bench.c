/* issue_bench DIR CSR N [DIR2]
 *
 * Issues N tls-server certificates from one CSR with casc_ca_issue in one
 * process (each durably committed: SQLite WAL, synchronous=FULL, then the
 * signed audit checkpoint rewritten with fsync) and prints the rate.
 *
 * Then it times the phases of an issuance separately, N times each, and
 * prints where the time goes. The phases that write (commit, checkpoint)
 * run on DIR2 when it is given: a second, untouched copy of the same fresh
 * CA, so that they see the same database sizes as the end-to-end run (the
 * checkpoint's cost grows with the audit log). Without DIR2 they run on DIR
 * after the end-to-end run and so see a log N entries longer.
 *
 * The last line is "rate: R certificates/s" (end-to-end), for scripts. */
#include "ca/ca_internal.h"
#include "ca/profile.h"

#include <fcntl.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double cpu_us(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
         (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* Per-certificate samples of one phase: the mean goes into the table, the
 * median shows how much a few slow fsyncs (a shared disk) moved it. */
typedef struct {
  double sum;
  double *v;
  size_t n;
} series;

static void add(series *s, double us) {
  s->sum += us;
  s->v[s->n++] = us;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(series *s) {
  if (s->n == 0)
    return 0;
  qsort(s->v, s->n, sizeof *s->v, cmp_double);
  return s->n % 2 == 1 ? s->v[s->n / 2] : (s->v[s->n / 2 - 1] + s->v[s->n / 2]) / 2;
}

static void die(const char *what, const casc_error *e) {
  fprintf(stderr, "issue_bench: %s: %s\n", what, e != NULL ? e->msg : "failed");
  ERR_print_errors_fp(stderr);
  exit(1);
}

static X509_REQ *parse_csr(const unsigned char *buf, size_t len) {
  BIO *mem = BIO_new_mem_buf(buf, (int)len);
  X509_REQ *req = mem != NULL ? PEM_read_bio_X509_REQ(mem, NULL, NULL, NULL) : NULL;
  BIO_free(mem);
  if (req == NULL) {
    const unsigned char *p = buf;
    req = d2i_X509_REQ(NULL, &p, (long)len);
  }
  return req;
}

static size_t tls_issuer(const casc_ca *ca) {
  for (size_t i = 0; i < casc_ca_issuer_count(ca); i++)
    if (strcmp(casc_ca_issuer_at(ca, i)->purpose, "tls-server") == 0)
      return i;
  fprintf(stderr, "issue_bench: %s: no tls-server issuer\n", casc_ca_dir(ca));
  exit(1);
}

/* What issue.c's dns_from_csr + build_san + subject_for do for one dNSName
 * request: read the SAN extension, check the name, build SAN and subject. */
static void csr_names(X509_REQ *csr, GENERAL_NAMES **san_out, X509_NAME **subject_out) {
  STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(csr);
  GENERAL_NAMES *san = sk_GENERAL_NAME_new_null();
  char first[256] = "";
  casc_error err = {0};
  for (int i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
    X509_EXTENSION *ext = sk_X509_EXTENSION_value(exts, i);
    if (OBJ_obj2nid(X509_EXTENSION_get_object(ext)) != NID_subject_alt_name)
      continue;
    GENERAL_NAMES *names = X509V3_EXT_d2i(ext);
    for (int j = 0; j < sk_GENERAL_NAME_num(names); j++) {
      const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, j);
      if (gn->type != GEN_DNS)
        continue;
      char *copy = strndup((const char *)ASN1_STRING_get0_data(gn->d.dNSName),
                           (size_t)ASN1_STRING_length(gn->d.dNSName));
      if (copy == NULL || casc_dns_name_check(copy, &err) != CASC_OK)
        die("CSR dNSName", &err);
      GENERAL_NAME *out = GENERAL_NAME_new();
      ASN1_IA5STRING *s = ASN1_IA5STRING_new();
      ASN1_STRING_set(s, copy, -1);
      GENERAL_NAME_set0_value(out, GEN_DNS, s);
      sk_GENERAL_NAME_push(san, out);
      if (first[0] == '\0')
        snprintf(first, sizeof first, "%s", copy);
      free(copy);
    }
    GENERAL_NAMES_free(names);
  }
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  if (first[0] == '\0') {
    fprintf(stderr, "issue_bench: the CSR has no dNSName subjectAltName\n");
    exit(1);
  }
  X509_NAME *subject = X509_NAME_new();
  X509_NAME_add_entry_by_NID(subject, NID_commonName, MBSTRING_UTF8, (const unsigned char *)first,
                             -1, -1, 0);
  *san_out = san;
  *subject_out = subject;
}

/* The audit entry issue.c's audit_issue writes. */
static char *audit_details(const casc_cert_rec *rec, const char *issuer) {
  char nb[CASC_TIME_BUFSZ], na[CASC_TIME_BUFSZ];
  casc_time_format(rec->not_before, nb);
  casc_time_format(rec->not_after, na);
  json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "serial", rec->serial, "issuer",
                        issuer, "profile", rec->profile, "subject", rec->subject, "sans",
                        rec->sans, "not_before", nb, "not_after", na);
  char *details = j != NULL ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(j);
  if (details == NULL)
    die("audit details", NULL);
  return details;
}

enum {
  P_KEY_LOAD,    /* issuer key, once (amortized) */
  P_CSR_VERIFY,  /* X509_REQ_verify */
  P_KEY_CHECK,   /* casc_key_check */
  P_NAMES,       /* CSR SANs, subject and SAN built */
  P_BUILD,       /* casc_cert_build, X509_sign included */
  P_RECORD,      /* casc_cert_record + audit JSON */
  P_TXN,         /* begin, cert_add, audit_append, commit */
  P_CHECKPOINT,  /* casc_audit_checkpoint */
  P_COUNT
};

static const char *const phase_names[P_COUNT] = {
    [P_KEY_LOAD] = "key decoding: issuer key load + check (once)",
    [P_CSR_VERIFY] = "key decoding: CSR signature (X509_REQ_verify)",
    [P_KEY_CHECK] = "key decoding: subject key check (casc_key_check)",
    [P_NAMES] = "CSR SANs read, subject + SAN built",
    [P_BUILD] = "signing: casc_cert_build (build + X509_sign)",
    [P_RECORD] = "record: casc_cert_record + audit JSON",
    [P_TXN] = "commit: store transaction (4 calls)",
    [P_CHECKPOINT] = "commit: checkpoint (casc_audit_checkpoint)",
};

int main(int argc, char **argv) {
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: issue_bench DIR CSR N [DIR2]\n");
    return 2;
  }
  const char *dir = argv[1], *csr_path = argv[2];
  const char *dir2 = argc == 5 ? argv[4] : NULL;
  long n_arg = strtol(argv[3], NULL, 10);
  if (n_arg < 1 || n_arg > 10000000) {
    fprintf(stderr, "issue_bench: N must be a positive count\n");
    return 2;
  }
  size_t n = (size_t)n_arg;
  casc_error err = {0};
  casc_ca *ca = NULL;
  unsigned char *csr_buf = NULL;
  size_t csr_len = 0;

  if (casc_file_read(csr_path, CASC_MAX_INPUT, &csr_buf, &csr_len, &err) != CASC_OK)
    die("reading the CSR", &err);
  X509_REQ *csr = parse_csr(csr_buf, csr_len);
  if (csr == NULL)
    die(csr_path, NULL);
  if (casc_ca_open(dir, &ca, &err) != CASC_OK)
    die("casc_ca_open", &err);

  /* --- end to end ------------------------------------------------------- */
  casc_issue_request req = {.profile = CASC_PROFILE_TLS_SERVER, .csr = csr};
  size_t tenth = n >= 10 ? n / 10 : 1;
  double first_tenth = 0, last_tenth = 0;
  double c0 = cpu_us(), t0 = now_us(), ti = t0;
  for (size_t i = 0; i < n; i++) {
    casc_issued out;
    if (casc_ca_issue(ca, &req, &out, &err) != CASC_OK)
      die("casc_ca_issue", &err);
    casc_issued_clear(&out);
    if (i + 1 == tenth)
      first_tenth = now_us() - t0;
    if (i + 1 == n - tenth)
      ti = now_us();
  }
  double t1 = now_us(), c1 = cpu_us();
  last_tenth = t1 - ti;
  double e2e_us = (t1 - t0) / (double)n;
  double rate = 1e6 / e2e_us;
  printf("issue_bench: %zu tls-server certificates from %s, CA %s\n", n, csr_path, dir);
  printf("end to end (casc_ca_issue): %.3f s, %.0f us each (CPU %.0f us), %.1f certificates/s\n",
         (t1 - t0) / 1e6, e2e_us, (c1 - c0) / (double)n, rate);
  printf("  first %zu: %.1f certificates/s; last %zu: %.1f certificates/s\n", tenth,
         (double)tenth * 1e6 / first_tenth, tenth, (double)tenth * 1e6 / last_tenth);

  /* --- breakdown -------------------------------------------------------- */
  enum { X_SIGN, X_PEM, X_ECDSA, X_COMMIT, X_ATOMIC, X_COUNT };
  series ph[P_COUNT] = {{0}}, ex[X_COUNT] = {{0}};
  for (int p = 0; p < P_COUNT; p++)
    if ((ph[p].v = calloc(n, sizeof(double))) == NULL)
      die("out of memory", NULL);
  for (int x = 0; x < X_COUNT; x++)
    if ((ex[x].v = calloc(n, sizeof(double))) == NULL)
      die("out of memory", NULL);
  double fsync_us = 0, ckpt_first = 0, ckpt_last = 0;
  size_t ix = tls_issuer(ca);
  const casc_issuer_rec *issuer = casc_ca_issuer_at(ca, ix);
  const casc_profile_def *def = casc_profile_get(CASC_PROFILE_TLS_SERVER);
  char path[PATH_MAX];

  /* Issuer key: what casc_ca_issuer_key does on first use. */
  EVP_PKEY *issuer_key = NULL, *audit_key = NULL;
  if (casc_ca_path(ca, issuer->key_ref, path, &err) != CASC_OK)
    die("issuer key path", &err);
  double a = now_us();
  if (casc_key_load(path, &issuer_key, &err) != CASC_OK)
    die("issuer key", &err);
  if (X509_check_private_key(ca->issuer_certs[ix], issuer_key) != 1)
    die("issuer key does not match", NULL);
  add(&ph[P_KEY_LOAD], now_us() - a);

  /* Per request: what casc_ca_issue does with the CSR before signing. The
   * CSR is parsed anew each time, so that nothing cached in the X509_REQ
   * helps; the parse itself is timed apart (the library gets a parsed CSR). */
  GENERAL_NAMES *san = NULL;
  X509_NAME *subject = NULL;
  for (size_t i = 0; i < n; i++) {
    a = now_us();
    X509_REQ *r = parse_csr(csr_buf, csr_len);
    double b = now_us();
    add(&ex[X_PEM], b - a);
    EVP_PKEY *key = r != NULL ? X509_REQ_get0_pubkey(r) : NULL;
    if (key == NULL || X509_REQ_verify(r, key) != 1)
      die("X509_REQ_verify", NULL);
    double c = now_us();
    add(&ph[P_CSR_VERIFY], c - b);
    if (casc_key_check(key, def->min_rsa_bits, def->key_rule, "subject key", &err) != CASC_OK)
      die("casc_key_check", &err);
    double d = now_us();
    add(&ph[P_KEY_CHECK], d - c);
    GENERAL_NAMES_free(san);
    X509_NAME_free(subject);
    csr_names(r, &san, &subject);
    add(&ph[P_NAMES], now_us() - d);
    X509_REQ_free(r);
  }

  /* Signing: casc_cert_build with the spec casc_ca_issue makes. */
  EVP_PKEY *subject_key = X509_REQ_get0_pubkey(csr);
  X509 **certs = calloc(n, sizeof *certs);
  if (certs == NULL)
    die("out of memory", NULL);
  for (size_t i = 0; i < n; i++) {
    time_t t = casc_now();
    casc_cert_spec spec = {
        .kind = def->kind,
        .subject = subject,
        .subject_key = subject_key,
        .issuer_cert = ca->issuer_certs[ix],
        .issuer_key = issuer_key,
        .issuer_name = issuer->name,
        .base_url = ca->base_url,
        .crl_shards = ca->crl_shards,
        .not_before = t,
        .not_after = t + (time_t)def->default_days * 86400 - 1,
        .key_usage = def->ku_ec,
        .n_ekus = def->n_ekus,
        .eku_critical = def->eku_critical,
        .san = san,
    };
    memcpy(spec.ekus, def->ekus, sizeof spec.ekus);
    spec.policy_oids[spec.n_policies++] = def->policy;
    a = now_us();
    if (casc_cert_build(&spec, &certs[i], &err) != CASC_OK)
      die("casc_cert_build", &err);
    add(&ph[P_BUILD], now_us() - a);
  }
  /* X509_sign alone, on a copy of an equivalent certificate. */
  for (size_t i = 0; i < n; i++) {
    X509 *x = X509_dup(certs[i]);
    a = now_us();
    if (x == NULL || X509_sign(x, issuer_key, casc_key_digest(issuer_key)) <= 0)
      die("X509_sign", NULL);
    add(&ex[X_SIGN], now_us() - a);
    X509_free(x);
  }
  /* The raw ECDSA floor: one EVP_DigestSign of a certificate-sized message. */
  {
    unsigned char msg[700], sig[256];
    memset(msg, 0x5a, sizeof msg);
    for (size_t i = 0; i < n; i++) {
      size_t siglen = sizeof sig;
      a = now_us();
      EVP_MD_CTX *ctx = EVP_MD_CTX_new();
      if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, issuer_key) != 1 ||
          EVP_DigestSign(ctx, sig, &siglen, msg, sizeof msg) != 1)
        die("EVP_DigestSign", NULL);
      EVP_MD_CTX_free(ctx);
      add(&ex[X_ECDSA], now_us() - a);
    }
  }

  /* Commit and checkpoint, interleaved as casc_ca_issue does them, on DIR2
   * when given. Fresh random serials: each certificate built above has one. */
  casc_ca *wca = ca;
  if (dir2 != NULL && casc_ca_open(dir2, &wca, &err) != CASC_OK)
    die("casc_ca_open DIR2", &err);
  size_t wix = tls_issuer(wca);
  const casc_issuer_rec *wissuer = casc_ca_issuer_at(wca, wix);
  if (casc_ca_path(wca, CASC_AUDIT_KEY_FILE, path, &err) != CASC_OK ||
      casc_key_load(path, &audit_key, &err) != CASC_OK)
    die("audit key", &err);
  casc_store *store = casc_ca_store(wca);
  /* As large as a checkpoint file: magic, seq, head, time, ECDSA signature. */
  static const char scratch_body[] =
      "casc audit checkpoint v1\nseq: 1000\nhead: "
      "0000000000000000000000000000000000000000000000000000000000000000\ntime: "
      "2026-01-01T00:00:00Z\nsig: "
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "000000000000000000000000000000000000000000000000000000000000\n";
  char scratch[PATH_MAX];
  snprintf(scratch, sizeof scratch, "%s/bench-atomic.tmp", casc_ca_dir(wca));
  for (size_t i = 0; i < n; i++) {
    casc_cert_rec rec;
    a = now_us();
    if (casc_cert_record(certs[i], wissuer->id, def->name, &rec, &err) != CASC_OK)
      die("casc_cert_record", &err);
    char *details = audit_details(&rec, wissuer->name);
    double b = now_us();
    add(&ph[P_RECORD], b - a);
    if (casc_store_begin(store, &err) != CASC_OK ||
        casc_store_cert_add(store, &rec, &err) != CASC_OK ||
        casc_store_audit_append(store, "issue", details, &err) != CASC_OK)
      die("store transaction", &err);
    double c = now_us();
    if (casc_store_commit(store, &err) != CASC_OK)
      die("casc_store_commit", &err);
    double d = now_us();
    add(&ph[P_TXN], d - b);
    add(&ex[X_COMMIT], d - c);
    if (casc_audit_checkpoint(store, casc_ca_dir(wca), audit_key, false, &err) != CASC_OK)
      die("casc_audit_checkpoint", &err);
    double f = now_us();
    add(&ph[P_CHECKPOINT], f - d);
    if (i < tenth)
      ckpt_first += f - d;
    if (i >= n - tenth)
      ckpt_last += f - d;
    /* The checkpoint's durable file replacement on its own (once more, to a
     * scratch file beside it, outside the phases above): temp file, write,
     * fsync, rename, fsync of the directory. */
    if (casc_file_write_atomic(scratch, scratch_body, sizeof scratch_body - 1, 0644, &err) !=
        CASC_OK)
      die("casc_file_write_atomic", &err);
    add(&ex[X_ATOMIC], now_us() - f);
    free(details);
    casc_cert_rec_clear(&rec);
  }
  /* Reference: what one durable small-file write costs on this disk. */
  size_t nf = n < 200 ? n : 200;
  {
    char fpath[PATH_MAX];
    snprintf(fpath, sizeof fpath, "%s/bench-fsync.tmp", casc_ca_dir(wca));
    int fd = open(fpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
      die(fpath, NULL);
    char blk[512];
    memset(blk, 'x', sizeof blk);
    for (size_t i = 0; i < nf; i++) {
      a = now_us();
      if (pwrite(fd, blk, sizeof blk, 0) != (ssize_t)sizeof blk || fsync(fd) != 0)
        die("write + fsync", NULL);
      fsync_us += now_us() - a;
    }
    close(fd);
    unlink(fpath);
    unlink(scratch);
  }

  double dn = (double)n, total = 0;
  double per[P_COUNT];
  for (int p = 0; p < P_COUNT; p++) {
    per[p] = ph[p].sum / dn;
    total += per[p];
  }
  printf("\nbreakdown: each phase timed on its own, %zu times (commit and checkpoint on %s)\n", n,
         dir2 != NULL ? "a second fresh copy of the CA, as in the end-to-end run"
                      : "the same CA, after the end-to-end run");
  printf("  %-52s %9s %7s %9s\n", "phase", "us/cert", "share", "median");
#define ROW(label, mean, med) \
  printf("  %-52s %9.1f %6.1f%% %9.1f\n", label, mean, 100.0 * (mean) / total, med)
  for (int p = 0; p < P_COUNT; p++) {
    if (p == P_KEY_LOAD) {
      printf("  %-52s %9.1f %6.1f%%   (%.0f us once)\n", phase_names[p], per[p],
             100.0 * per[p] / total, ph[p].sum);
      continue;
    }
    ROW(phase_names[p], per[p], median(&ph[p]));
    if (p == P_BUILD) {
      ROW("    of which X509_sign (encode + hash + ECDSA)", ex[X_SIGN].sum / dn,
          median(&ex[X_SIGN]));
      printf("  %-52s %9s %7s\n", "lint: not implemented yet (issue 6)", "-", "-");
    }
    if (p == P_TXN)
      ROW("    of which COMMIT (WAL write + fsync)", ex[X_COMMIT].sum / dn, median(&ex[X_COMMIT]));
    if (p == P_CHECKPOINT) {
      ROW("    of which atomic file write (est., timed apart)", ex[X_ATOMIC].sum / dn,
          median(&ex[X_ATOMIC]));
      printf("      (checkpoint: first %zu certificates %.0f us each, last %zu %.0f us each)\n",
             tenth, ckpt_first / (double)tenth, tenth, ckpt_last / (double)tenth);
    }
  }
#undef ROW
  printf("  %-52s %9.1f %6.1f%%   (end to end measured: %.1f us)\n", "total", total, 100.0,
         e2e_us);
  printf("  %-52s %9.1f %7s %9.1f\n", "not in casc_ca_issue: CSR PEM parse (CLI pays it)",
         ex[X_PEM].sum / dn, "", median(&ex[X_PEM]));
  printf("  %-52s %9.1f %7s %9.1f\n", "reference: raw ECDSA P-256 sign (EVP_DigestSign)",
         ex[X_ECDSA].sum / dn, "", median(&ex[X_ECDSA]));
  printf("  %-52s %9.1f %7s %9s   (%zu times)\n", "reference: 512-byte pwrite + fsync of one file",
         fsync_us / (double)nf, "", "", nf);
  printf("lint: not implemented yet (issue 6)\n");
  printf("rate: %.1f certificates/s\n", rate);

  for (size_t i = 0; i < n; i++)
    X509_free(certs[i]);
  free(certs);
  for (int p = 0; p < P_COUNT; p++)
    free(ph[p].v);
  for (int x = 0; x < X_COUNT; x++)
    free(ex[x].v);
  GENERAL_NAMES_free(san);
  X509_NAME_free(subject);
  EVP_PKEY_free(issuer_key);
  EVP_PKEY_free(audit_key);
  if (wca != ca)
    casc_ca_close(wca);
  casc_ca_close(ca);
  X509_REQ_free(csr);
  free(csr_buf);
  return 0;
}
