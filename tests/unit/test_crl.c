/* Unit tests of the crl module: every CRL of a fresh CA parsed back with
 * OpenSSL's d2i_X509_CRL and checked field by field, signatures verified;
 * entries with and without reasons and invalidity dates, the retention
 * rules for expired certificates, the shard function, CRL numbers across
 * builds, and the [crl] configuration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ca/ca_internal.h"
#include "casc/crl.h"
#include "casc/der.h"
#include "unit_util.h"

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#define T0 ((time_t)1795000000) /* 2026-11-19 */
#define DAY 86400

typedef struct {
  char dir[PATH_MAX];
  char ca_dir[PATH_MAX];
  casc_ca *ca;
  casc_crl_config cfg;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  assert_int_equal(util_mkdtemp(f->dir, "crl"), 0);
  util_join(f->ca_dir, f->dir, "ca");
  util_clock_fix(T0);
  casc_init_opts opts = {.key_type = CASC_KEY_EC_P256};
  casc_error e = {0};
  if (casc_ca_init(f->ca_dir, &opts, &e) != CASC_OK)
    fail_msg("casc_ca_init: %s", e.msg);
  if (casc_ca_open(f->ca_dir, &f->ca, &e) != CASC_OK)
    fail_msg("casc_ca_open: %s", e.msg);
  casc_crl_config_default(&f->cfg);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  casc_ca_close(f->ca);
  util_rmtree(f->dir);
  casc_clock_set(NULL);
  free(f);
  return 0;
}

static void build(fixture *f, time_t now) {
  casc_error e = {0};
  if (casc_crl_build_all(f->ca, f->ca_dir, &f->cfg, now, NULL, NULL, &e) != CASC_OK)
    fail_msg("casc_crl_build_all: %s", e.msg);
}

static X509_CRL *load_crl(fixture *f, const char *issuer, int shard) {
  char rel[256], path[PATH_MAX];
  casc_error e = {0};
  assert_int_equal(casc_crl_url_path(issuer, shard, rel, sizeof rel, &e), CASC_OK);
  assert_true(strlen(f->ca_dir) + strlen(rel) < sizeof path);
  memcpy(path, f->ca_dir, strlen(f->ca_dir) + 1);
  strcat(path, rel);
  size_t len = 0;
  unsigned char *der = (unsigned char *)util_slurp(path, &len);
  if (der == NULL)
    fail_msg("%s: missing", path);
  const unsigned char *p = der;
  X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
  if (crl == NULL || p != der + len)
    fail_msg("%s: does not parse as one CRL", path);
  /* DER round trip: OpenSSL re-encodes the same bytes */
  unsigned char *again = NULL;
  int n = i2d_X509_CRL(crl, &again);
  assert_int_equal(n, (int)len);
  assert_memory_equal(again, der, len);
  OPENSSL_free(again);
  free(der);
  return crl;
}

static time_t asn1_time(const ASN1_TIME *t) {
  time_t out = 0;
  assert_int_equal(casc_asn1_time_get(t, &out, NULL), CASC_OK);
  return out;
}

static long crl_number(X509_CRL *crl) {
  ASN1_INTEGER *n = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
  assert_non_null(n);
  long v = ASN1_INTEGER_get(n);
  ASN1_INTEGER_free(n);
  return v;
}

/* Everything a CRL of issuer index ix must have at build time now. */
static void check_crl(fixture *f, size_t ix, int shard, time_t now, long number) {
  const casc_issuer_rec *rec = casc_ca_issuer_at(f->ca, ix);
  X509 *issuer = f->ca->issuer_certs[ix];
  X509_CRL *crl = load_crl(f, rec->name, shard);
  assert_int_equal(X509_CRL_get_version(crl), 1); /* v2 */
  assert_int_equal(X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)), 0);
  bool root = rec->parent_id == 0;
  assert_int_equal(asn1_time(X509_CRL_get0_lastUpdate(crl)), now);
  assert_int_equal(asn1_time(X509_CRL_get0_nextUpdate(crl)),
                   now + (root ? 30 : 7) * DAY);
  /* signed by the issuer, with the algorithm its key calls for */
  assert_int_equal(X509_CRL_verify(crl, X509_get0_pubkey(issuer)), 1);
  assert_int_equal(X509_CRL_get_signature_nid(crl), NID_ecdsa_with_SHA256);
  /* AKI = the issuer's SKI */
  AUTHORITY_KEYID *aki = X509_CRL_get_ext_d2i(crl, NID_authority_key_identifier, NULL, NULL);
  assert_non_null(aki);
  assert_non_null(aki->keyid);
  assert_int_equal(ASN1_OCTET_STRING_cmp(aki->keyid, X509_get0_subject_key_id(issuer)), 0);
  assert_null(aki->issuer);
  AUTHORITY_KEYID_free(aki);
  assert_int_equal(crl_number(crl), number);
  /* IssuingDistributionPoint: shards only, critical, its own URL */
  int idx = X509_CRL_get_ext_by_NID(crl, NID_issuing_distribution_point, -1);
  if (shard < 0) {
    assert_int_equal(idx, -1);
  } else {
    assert_true(idx >= 0);
    assert_int_equal(X509_EXTENSION_get_critical(X509_CRL_get_ext(crl, idx)), 1);
    ISSUING_DIST_POINT *idp =
        X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, NULL, NULL);
    assert_non_null(idp);
    assert_true(idp->onlyuser); /* OpenSSL keeps TRUE as 0xff */
    assert_int_equal(idp->onlyCA, 0);
    assert_int_equal(idp->indirectCRL, 0);
    assert_null(idp->onlysomereasons);
    assert_non_null(idp->distpoint);
    assert_int_equal(idp->distpoint->type, 0);
    assert_int_equal(sk_GENERAL_NAME_num(idp->distpoint->name.fullname), 1);
    GENERAL_NAME *gn = sk_GENERAL_NAME_value(idp->distpoint->name.fullname, 0);
    assert_int_equal(gn->type, GEN_URI);
    char want[512];
    snprintf(want, sizeof want, "%s/crl/%s/%d.crl", CASC_DEFAULT_BASE_URL, rec->name, shard);
    assert_int_equal(ASN1_STRING_length(gn->d.uniformResourceIdentifier), strlen(want));
    assert_memory_equal(ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier), want,
                        strlen(want));
    ISSUING_DIST_POINT_free(idp);
  }
  assert_int_equal(X509_CRL_get_ext_count(crl), shard < 0 ? 2 : 3);
  X509_CRL_free(crl);
}

static void test_fresh_ca(void **state) {
  fixture *f = *state;
  build(f, T0 + 60);
  for (size_t ix = 0; ix < casc_ca_issuer_count(f->ca); ix++) {
    check_crl(f, ix, -1, T0 + 60, 1);
    X509_CRL *crl = load_crl(f, casc_ca_issuer_at(f->ca, ix)->name, -1);
    /* no entries: the list is absent, not empty (RFC 5280 5.1.2.6) */
    assert_int_equal(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)) <= 0, 1);
    X509_CRL_free(crl);
    if (ix > 0)
      for (int k = 0; k < CASC_DEFAULT_CRL_SHARDS; k++)
        check_crl(f, ix, k, T0 + 60, 1);
  }
  char path[PATH_MAX];
  util_join(path, f->ca_dir, "crl/root-ca");
  assert_false(util_exists(path)); /* the root has one CRL */
  util_join(path, f->ca_dir, "crl/issuing-ca/4.crl");
  assert_false(util_exists(path));
  /* numbers grow per CRL, across builds */
  build(f, T0 + 120);
  check_crl(f, 1, -1, T0 + 120, 2);
  check_crl(f, 1, 3, T0 + 120, 2);
  check_crl(f, 0, -1, T0 + 120, 2);
}

static void add_revoked(fixture *f, const char *issuer, const char *serial, const char *profile,
                        time_t not_after, time_t revoked_at, int reason, time_t invalidity) {
  static unsigned char fake_der[] = {0x30, 0x00};
  casc_cert_rec rec = {.issuer_id = casc_ca_issuer_by_name(f->ca, issuer)->id,
                       .sans = "",
                       .not_before = T0 - 400 * DAY,
                       .not_after = not_after,
                       .der = fake_der,
                       .der_len = sizeof fake_der};
  snprintf(rec.serial, sizeof rec.serial, "%s", serial);
  snprintf(rec.subject, sizeof rec.subject, "CN=%s", serial);
  snprintf(rec.profile, sizeof rec.profile, "%s", profile);
  casc_error e = {0};
  casc_store *s = casc_ca_store(f->ca);
  if (casc_store_cert_add(s, &rec, &e) != CASC_OK ||
      casc_store_cert_revoke(s, serial, revoked_at, reason, invalidity, &e) != CASC_OK)
    fail_msg("%s: %s", serial, e.msg);
}

static const X509_REVOKED *find(X509_CRL *crl, const char *serial_hex) {
  BIGNUM *bn = NULL;
  assert_true(BN_hex2bn(&bn, serial_hex) > 0);
  ASN1_INTEGER *ai = BN_to_ASN1_INTEGER(bn, NULL);
  X509_REVOKED *rev = NULL;
  int r = X509_CRL_get0_by_serial(crl, &rev, ai);
  ASN1_INTEGER_free(ai);
  BN_free(bn);
  return r == 1 ? rev : NULL;
}

static int entry_reason(const X509_REVOKED *rev) {
  ASN1_ENUMERATED *r = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, NULL, NULL);
  if (r == NULL)
    return -1;
  int v = (int)ASN1_ENUMERATED_get(r);
  ASN1_ENUMERATED_free(r);
  return v;
}

static time_t entry_invalidity(const X509_REVOKED *rev) {
  ASN1_GENERALIZEDTIME *t = X509_REVOKED_get_ext_d2i(rev, NID_invalidity_date, NULL, NULL);
  if (t == NULL)
    return 0;
  assert_int_equal(ASN1_STRING_type(t), V_ASN1_GENERALIZEDTIME);
  time_t v = asn1_time(t);
  ASN1_GENERALIZEDTIME_free(t);
  return v;
}

static int shard_of(const char *serial) {
  BIGNUM *bn = NULL;
  assert_true(BN_hex2bn(&bn, serial) > 0);
  ASN1_INTEGER *ai = BN_to_ASN1_INTEGER(bn, NULL);
  int k = casc_crl_shard_of(ai, CASC_DEFAULT_CRL_SHARDS);
  ASN1_INTEGER_free(ai);
  BN_free(bn);
  return k;
}

static void test_entries(void **state) {
  fixture *f = *state;
  time_t now = T0 + 30 * DAY;
  /* TLS: reason and invalidity date; a serial with the high bit set; no
   * reason; "unspecified" stored (never written); expired within one CRL
   * period (stays); expired before that (gone). */
  add_revoked(f, "issuing-ca", "5A0000000000000000000000000000A1", "tls-server",
              now + 60 * DAY, T0 + DAY, 1, T0 - DAY);
  add_revoked(f, "issuing-ca", "80FFEE", "tls-server", now + DAY, T0 + 2 * DAY, 4, 0);
  add_revoked(f, "issuing-ca", "0102", "tls-server", now + DAY, T0 + 3 * DAY, -1, 0);
  add_revoked(f, "issuing-ca", "0103", "tls-server", now + DAY, T0 + 3 * DAY, 0, 0);
  add_revoked(f, "issuing-ca", "0104", "tls-server", now - 6 * DAY, T0, 5, 0);
  add_revoked(f, "issuing-ca", "0105", "tls-server", now - 8 * DAY, T0, 5, 0);
  /* code signing and timestamping: ten years after expiry */
  add_revoked(f, "code-signing-ca", "0201", "code-signing", now - 5 * 365 * DAY, T0 - 6 * 365 * DAY,
              1, 0);
  add_revoked(f, "code-signing-ca", "0202", "code-signing", now - 3654 * DAY,
              T0 - 3700 * DAY, 1, 0);
  add_revoked(f, "timestamping-ca", "0301", "timestamping", now - 9 * 365 * DAY, T0 - 3400 * DAY,
              -1, 0);
  /* the root: a CA certificate, affiliationChanged */
  add_revoked(f, "root-ca", "0401", "sub-ca", now + 365 * DAY, T0 + DAY, 3, 0);
  build(f, now);

  X509_CRL *full = load_crl(f, "issuing-ca", -1);
  assert_int_equal(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(full)), 5);
  const X509_REVOKED *r = find(full, "5A0000000000000000000000000000A1");
  assert_non_null(r);
  assert_int_equal(asn1_time(X509_REVOKED_get0_revocationDate(r)), T0 + DAY);
  assert_int_equal(entry_reason(r), 1);
  assert_int_equal(entry_invalidity(r), T0 - DAY);
  r = find(full, "80FFEE");
  assert_non_null(r);
  assert_int_equal(entry_reason(r), 4);
  assert_int_equal(entry_invalidity(r), 0);
  r = find(full, "0102");
  assert_non_null(r);
  assert_int_equal(entry_reason(r), -1);
  assert_int_equal(X509_REVOKED_get_ext_count(r), 0);
  r = find(full, "0103");
  assert_non_null(r);
  assert_int_equal(entry_reason(r), -1); /* unspecified is not written */
  assert_non_null(find(full, "0104"));
  assert_null(find(full, "0105"));
  assert_int_equal(X509_CRL_verify(full, X509_get0_pubkey(f->ca->issuer_certs[1])), 1);
  /* each entry in its own shard and no other */
  const char *const serials[] = {"5A0000000000000000000000000000A1", "80FFEE", "0102", "0103",
                                 "0104"};
  size_t total = 0;
  for (int k = 0; k < CASC_DEFAULT_CRL_SHARDS; k++) {
    X509_CRL *sh = load_crl(f, "issuing-ca", k);
    int n = sk_X509_REVOKED_num(X509_CRL_get_REVOKED(sh));
    total += n > 0 ? (size_t)n : 0;
    for (size_t i = 0; i < sizeof serials / sizeof serials[0]; i++) {
      bool in = find(sh, serials[i]) != NULL;
      if (in != (shard_of(serials[i]) == k))
        fail_msg("%s in shard %d: %d", serials[i], k, in);
      assert_int_equal(casc_crl_shard_of_hex(serials[i], CASC_DEFAULT_CRL_SHARDS),
                       shard_of(serials[i]));
    }
    X509_CRL_free(sh);
    check_crl(f, 1, k, now, 1);
  }
  assert_int_equal(total, 5);
  X509_CRL_free(full);

  X509_CRL *cs = load_crl(f, "code-signing-ca", -1);
  assert_non_null(find(cs, "0201"));
  assert_null(find(cs, "0202"));
  X509_CRL_free(cs);
  X509_CRL *ts = load_crl(f, "timestamping-ca", -1);
  r = find(ts, "0301");
  assert_non_null(r);
  assert_int_equal(entry_reason(r), -1);
  X509_CRL_free(ts);
  X509_CRL *root = load_crl(f, "root-ca", -1);
  r = find(root, "0401");
  assert_non_null(r);
  assert_int_equal(entry_reason(r), 3);
  X509_CRL_free(root);
  check_crl(f, 0, -1, now, 1);

  /* a real certificate: OpenSSL's own lookup finds it */
  EVP_PKEY *key = NULL;
  casc_error e = {0};
  assert_int_equal(casc_key_generate(CASC_KEY_EC_P256, &key, &e), CASC_OK);
  const char *dns[] = {"crl.casc-test.com"};
  casc_issue_request req = {.profile = CASC_PROFILE_TLS_SERVER, .public_key = key, .dns = dns,
                            .n_dns = 1};
  casc_issued issued = {0};
  util_clock_fix(now);
  if (casc_ca_issue(f->ca, &req, &issued, &e) != CASC_OK)
    fail_msg("issue: %s", e.msg);
  casc_cert_rec rec;
  assert_int_equal(casc_ca_revoke(f->ca, issued.serial, 1, 0, &rec, &e), CASC_OK);
  casc_cert_rec_clear(&rec);
  build(f, now + 10);
  full = load_crl(f, "issuing-ca", -1);
  X509_REVOKED *hit = NULL;
  assert_int_equal(X509_CRL_get0_by_cert(full, &hit, issued.cert), 1);
  X509_CRL_free(full);
  X509_CRL *own = load_crl(f, "issuing-ca", shard_of(issued.serial));
  assert_int_equal(X509_CRL_get0_by_cert(own, &hit, issued.cert), 1);
  X509_CRL_free(own);
  check_crl(f, 1, -1, now + 10, 2);
  casc_issued_clear(&issued);
  EVP_PKEY_free(key);
}

static void test_shard_of_hex(void **state) {
  (void)state;
  for (int i = 0; i < 2000; i++) {
    unsigned char b[20];
    assert_int_equal(RAND_bytes(b, sizeof b), 1);
    size_t n = 1 + (size_t)(b[19] % 20);
    BIGNUM *bn = BN_bin2bn(b, (int)n, NULL);
    char *hex = BN_bn2hex(bn);
    ASN1_INTEGER *ai = BN_to_ASN1_INTEGER(bn, NULL);
    char canon[CASC_SERIAL_MAX];
    assert_int_equal(casc_serial_normalize(hex, canon, NULL), CASC_OK);
    for (int shards = 1; shards <= 256; shards = shards * 3 + 1)
      assert_int_equal(casc_crl_shard_of_hex(canon, shards), casc_crl_shard_of(ai, shards));
    ASN1_INTEGER_free(ai);
    OPENSSL_free(hex);
    BN_free(bn);
  }
  assert_int_equal(casc_crl_shard_of_hex("", 4), -1);
  assert_int_equal(casc_crl_shard_of_hex("ABC", 4), -1);
  assert_int_equal(casc_crl_shard_of_hex("XY", 4), -1);
}

static void write_conf(fixture *f, const char *crl_section) {
  char path[PATH_MAX], buf[4096];
  util_join(path, f->ca_dir, "casc.conf");
  snprintf(buf, sizeof buf,
           "[ca]\nname = casc Demo\ncountry = XX\nbase_url = %s\ncrl_shards = 4\n\n[crl]\n%s",
           CASC_DEFAULT_BASE_URL, crl_section);
  assert_int_equal(util_write_file(path, buf, strlen(buf)), 0);
}

static void test_config(void **state) {
  fixture *f = *state;
  casc_crl_config cfg;
  casc_error e = {0};
  assert_int_equal(casc_crl_config_load(f->ca_dir, &cfg, &e), CASC_OK);
  assert_int_equal(cfg.next_update_days, 7);
  assert_int_equal(cfg.ca_next_update_days, 30);
  assert_int_equal(cfg.retention_days, 3653);
  assert_int_equal(cfg.rebuild_delay_seconds, 2);
  assert_int_equal(cfg.rebuild_interval_hours, 24);
  write_conf(f, "next_update_days = 3\nca_next_update_days = 90\nretention_days = 4000\n"
                "rebuild_delay_seconds = 0\nrebuild_interval_hours = 12\n");
  assert_int_equal(casc_crl_config_load(f->ca_dir, &cfg, &e), CASC_OK);
  assert_int_equal(cfg.next_update_days, 3);
  assert_int_equal(cfg.ca_next_update_days, 90);
  assert_int_equal(cfg.retention_days, 4000);
  assert_int_equal(cfg.rebuild_delay_seconds, 0);
  assert_int_equal(cfg.rebuild_interval_hours, 12);
  /* and the CRLs follow it */
  f->cfg = cfg;
  build(f, T0 + 100);
  X509_CRL *crl = load_crl(f, "issuing-ca", 2);
  assert_int_equal(asn1_time(X509_CRL_get0_nextUpdate(crl)), T0 + 100 + 3 * DAY);
  X509_CRL_free(crl);
  const char *const bad[] = {"next_update_days = 11\n", "next_update_days = 0\n",
                             "next_update_days = 7x\n", "ca_next_update_days = 366\n",
                             "retention_days = 3000\n", "rebuild_delay_seconds = 6\n",
                             "rebuild_interval_hours = 0\n", "no_such_key = 1\n",
                             "next_update_days = 1\nrebuild_interval_hours = 24\n"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    write_conf(f, bad[i]);
    casc_error_clear(&e);
    if (casc_crl_config_load(f->ca_dir, &cfg, &e) != CASC_ERR_PARSE)
      fail_msg("accepted: %s", bad[i]);
    assert_non_null(strstr(e.msg, "casc.conf"));
  }
}

static void test_bad_out_dir(void **state) {
  fixture *f = *state;
  casc_error e = {0};
  char path[PATH_MAX];
  util_join(path, f->dir, "missing");
  assert_int_equal(casc_crl_build_all(f->ca, path, &f->cfg, T0, NULL, NULL, &e), CASC_ERR_IO);
  assert_non_null(strstr(e.msg, "missing"));
  util_join(path, f->ca_dir, "casc.conf"); /* a file, not a directory */
  assert_int_equal(casc_crl_build_all(f->ca, path, &f->cfg, T0, NULL, NULL, &e), CASC_ERR_IO);
  char url[64];
  char long_name[600];
  memset(long_name, 'x', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = '\0';
  assert_int_equal(casc_crl_url_path(long_name, 1, url, sizeof url, &e), CASC_ERR_USAGE);
}

static void test_peek_times(void **state) {
  fixture *f = *state;
  build(f, T0 + 5);
  char path[PATH_MAX];
  util_join(path, f->ca_dir, "crl/issuing-ca/1.crl");
  size_t len = 0;
  unsigned char *der = (unsigned char *)util_slurp(path, &len);
  assert_non_null(der);
  time_t tu = 0, nu = 0;
  casc_error e = {0};
  assert_int_equal(casc_crl_peek_times(der, len, &tu, &nu, &e), CASC_OK);
  assert_int_equal(tu, T0 + 5);
  assert_int_equal(nu, T0 + 5 + 7 * DAY);
  /* every truncation is refused, never read past */
  for (size_t n = 0; n < len; n++) {
    unsigned char *cut = malloc(n > 0 ? n : 1);
    memcpy(cut, der, n);
    if (casc_crl_peek_times(cut, n, &tu, &nu, &e) != CASC_ERR_PARSE)
      fail_msg("a CRL cut to %zu of %zu bytes was accepted", n, len);
    free(cut);
  }
  /* a byte after it, a changed outer tag, a bad time */
  unsigned char *more = malloc(len + 1);
  memcpy(more, der, len);
  more[len] = 0;
  assert_int_equal(casc_crl_peek_times(more, len + 1, &tu, &nu, &e), CASC_ERR_PARSE);
  more[0] = 0x31;
  assert_int_equal(casc_crl_peek_times(more, len, &tu, &nu, &e), CASC_ERR_PARSE);
  memcpy(more, der, len);
  unsigned char *z = NULL; /* thisUpdate: 17 0d "261119..." */
  for (size_t i = 0; z == NULL && i + 3 < len; i++)
    if (more[i] == CASC_DER_UTCTIME && more[i + 1] == 13 && more[i + 2] == '2' &&
        more[i + 3] == '6')
      z = more + i;
  assert_non_null(z);
  z[2] = 'x';
  assert_int_equal(casc_crl_peek_times(more, len, &tu, &nu, &e), CASC_ERR_PARSE);
  free(more);
  /* a certificate is not a CRL */
  util_join(path, f->ca_dir, "certs/issuing-ca.pem");
  X509 *cert = NULL;
  FILE *fp = fopen(path, "r");
  assert_non_null(fp);
  cert = PEM_read_X509(fp, NULL, NULL, NULL);
  fclose(fp);
  unsigned char *cder = NULL;
  int clen = i2d_X509(cert, &cder);
  assert_true(clen > 0);
  assert_int_equal(casc_crl_peek_times(cder, (size_t)clen, &tu, &nu, &e), CASC_ERR_PARSE);
  OPENSSL_free(cder);
  X509_free(cert);
  free(der);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_fresh_ca, setup, teardown),
      cmocka_unit_test_setup_teardown(test_entries, setup, teardown),
      cmocka_unit_test(test_shard_of_hex),
      cmocka_unit_test_setup_teardown(test_config, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_out_dir, setup, teardown),
      cmocka_unit_test_setup_teardown(test_peek_times, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
