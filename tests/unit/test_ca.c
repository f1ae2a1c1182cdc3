/* Unit tests of the ca module: serials, reasons, names, profiles, key and
 * DNS name rules, and the whole flow (init, open, issue, revoke, audit) on a
 * real CA directory with real keys, a real SQLite database and an injected
 * clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ca/ca_internal.h"
#include "ca/profile.h"
#include "casc/ca.h"
#include "unit_util.h"

#include <ctype.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sqlite3.h>

/* --- serials ------------------------------------------------------------ */

static void test_serial_normalize(void **state) {
  (void)state;
  static const struct {
    const char *in, *want;
  } ok[] = {
      {"00AB", "AB"},
      {"ab", "AB"},
      {"0x0aB", "AB"},
      {"0XAB", "AB"},
      {"0000000000AB", "AB"},
      {"A", "0A"},  /* whole octets, as `openssl x509 -serial` prints */
      {"abc", "0ABC"},
      {"0a:bc:01", "0ABC01"},
      {"0x0a:BC:01", "0ABC01"},
      {"1234567890abcdef", "1234567890ABCDEF"},
      /* casc's own 16-octet serials in the colon form of `openssl x509 -text` */
      {"5a:3b:7c:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd",
       "5A3B7C112233445566778899AABBCCDD"},
      /* 20 octets, the RFC 5280 maximum */
      {"7fffffffffffffffffffffffffffffffffffffff", "7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"},
      {"ffffffffffffffffffffffffffffffffffffffff", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    char out[CASC_SERIAL_MAX];
    casc_error e = {0};
    casc_err rc = casc_serial_normalize(ok[i].in, out, &e);
    if (rc != CASC_OK)
      fail_msg("'%s' refused: %s", ok[i].in, e.msg);
    if (strcmp(out, ok[i].want) != 0)
      fail_msg("'%s' gave '%s', want '%s'", ok[i].in, out, ok[i].want);
  }
  char too_long[83];
  memset(too_long, 'a', 82); /* 41 octets */
  too_long[82] = '\0';
  const char *const bad[] = {"xyz", "", "0x", ":", "::", "12-34", " AB", "AB ", "g1", "-1",
                             "0x0x12", "AB\n", too_long};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char out[CASC_SERIAL_MAX];
    casc_error e = {0};
    casc_err rc = casc_serial_normalize(bad[i], out, &e);
    if (rc != CASC_ERR_USAGE)
      fail_msg("'%s' gave %d, want CASC_ERR_USAGE", bad[i], rc);
    assert_int_equal(e.code, CASC_ERR_USAGE);
  }
}

static void test_serial_random(void **state) {
  (void)state;
  enum { N = 100 };
  ASN1_INTEGER *serials[N] = {0};
  for (int i = 0; i < N; i++) {
    casc_error e = {0};
    assert_int_equal(casc_serial_random(&serials[i], &e), CASC_OK);
    ASN1_INTEGER *s = serials[i];
    assert_int_equal(ASN1_STRING_type(s), V_ASN1_INTEGER); /* not V_ASN1_NEG_INTEGER */
    assert_int_equal(ASN1_STRING_length(s), 16);
    const unsigned char *d = ASN1_STRING_get0_data(s);
    assert_int_equal(d[0] & 0x80, 0);    /* positive */
    assert_int_equal(d[0] & 0x40, 0x40); /* never shortened */
    /* 16 octets in DER too: INTEGER, length 16. */
    unsigned char *der = NULL;
    int len = i2d_ASN1_INTEGER(s, &der);
    assert_int_equal(len, 18);
    assert_int_equal(der[1], 16);
    OPENSSL_free(der);
    BIGNUM *bn = ASN1_INTEGER_to_BN(s, NULL);
    assert_non_null(bn);
    assert_false(BN_is_negative(bn));
    assert_int_equal(BN_num_bits(bn), 127);
    BN_free(bn);
  }
  for (int i = 0; i < N; i++)
    for (int j = i + 1; j < N; j++)
      assert_int_not_equal(ASN1_INTEGER_cmp(serials[i], serials[j]), 0);
  for (int i = 0; i < N; i++)
    ASN1_INTEGER_free(serials[i]);
}

static void test_crl_shard_of(void **state) {
  (void)state;
  static const int shard_counts[] = {2, 3, 4, 7, 16, 256};
  int hits[4] = {0};
  for (int i = 0; i < 200; i++) {
    ASN1_INTEGER *s = NULL;
    assert_int_equal(casc_serial_random(&s, NULL), CASC_OK);
    ASN1_INTEGER *copy = ASN1_INTEGER_dup(s);
    for (size_t k = 0; k < sizeof shard_counts / sizeof shard_counts[0]; k++) {
      int n = shard_counts[k];
      int shard = casc_crl_shard_of(s, n);
      assert_true(shard >= 0 && shard < n);
      assert_int_equal(casc_crl_shard_of(s, n), shard);    /* stable */
      assert_int_equal(casc_crl_shard_of(copy, n), shard); /* by value */
    }
    assert_int_equal(casc_crl_shard_of(s, 1), 0);
    assert_int_equal(casc_crl_shard_of(s, 0), 0);
    hits[casc_crl_shard_of(s, 4)]++;
    ASN1_INTEGER_free(copy);
    ASN1_INTEGER_free(s);
  }
  for (int i = 0; i < 4; i++)
    assert_true(hits[i] > 10); /* every shard gets some */
  /* A fixed serial maps to a fixed shard across runs and builds. */
  ASN1_INTEGER *fixed = ASN1_INTEGER_new();
  assert_int_equal(ASN1_INTEGER_set_uint64(fixed, 0x0102030405060708ULL), 1);
  int a = casc_crl_shard_of(fixed, 4);
  ASN1_INTEGER *again = ASN1_INTEGER_new();
  assert_int_equal(ASN1_INTEGER_set_uint64(again, 0x0102030405060708ULL), 1);
  assert_int_equal(casc_crl_shard_of(again, 4), a);
  ASN1_INTEGER_free(fixed);
  ASN1_INTEGER_free(again);
}

/* --- reasons ------------------------------------------------------------ */

static void test_reasons(void **state) {
  (void)state;
  static const struct {
    const char *name;
    int code;
  } ok[] = {
      {"unspecified", 0},          {"keyCompromise", 1},       {"KEYCOMPROMISE", 1},
      {"keycompromise", 1},        {"cACompromise", 2},        {"affiliationChanged", 3},
      {"Superseded", 4},           {"cessationofoperation", 5}, {"certificateHold", 6},
      {"removeFromCRL", 8},        {"privilegeWithdrawn", 9},  {"aACompromise", 10},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    int code = -5;
    assert_int_equal(casc_reason_parse(ok[i].name, &code, NULL), CASC_OK);
    assert_int_equal(code, ok[i].code);
  }
  static const char *const bad[] = {"bogus", "", "key compromise", "keyCompromise ", "7", "1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int code = -5;
    casc_error e = {0};
    assert_int_equal(casc_reason_parse(bad[i], &code, &e), CASC_ERR_USAGE);
    assert_int_equal(code, -5);
    assert_non_null(strstr(e.msg, "unknown reason"));
  }
  assert_string_equal(casc_reason_name(0), "unspecified");
  assert_string_equal(casc_reason_name(1), "keyCompromise");
  assert_string_equal(casc_reason_name(5), "cessationOfOperation");
  assert_string_equal(casc_reason_name(10), "aACompromise");
  assert_null(casc_reason_name(7)); /* unused in RFC 5280 */
  assert_null(casc_reason_name(-1));
  assert_null(casc_reason_name(11));
  /* name -> code -> name */
  for (int c = 0; c <= 10; c++) {
    const char *n = casc_reason_name(c);
    int back = -1;
    if (n == NULL)
      continue;
    assert_int_equal(casc_reason_parse(n, &back, NULL), CASC_OK);
    assert_int_equal(back, c);
  }
}

/* --- names -------------------------------------------------------------- */

static X509_NAME *parse_ok(const char *s) {
  X509_NAME *n = NULL;
  casc_error e = {0};
  casc_err rc = casc_name_parse(s, &n, &e);
  if (rc != CASC_OK)
    fail_msg("'%s' refused: %s", s, e.msg);
  return n;
}

static void entry_is(const X509_NAME *n, int i, int nid, const char *value) {
  const X509_NAME_ENTRY *ent = X509_NAME_get_entry(n, i);
  assert_non_null(ent);
  assert_int_equal(OBJ_obj2nid(X509_NAME_ENTRY_get_object(ent)), nid);
  const ASN1_STRING *v = X509_NAME_ENTRY_get_data(ent);
  assert_int_equal(ASN1_STRING_length(v), strlen(value));
  assert_memory_equal(ASN1_STRING_get0_data(v), value, strlen(value));
}

static void test_name_parse(void **state) {
  (void)state;
  X509_NAME *a = parse_ok("CN=a,O=b\\, Inc.,C=DE");
  /* RFC 4514 writes the most specific RDN first; the certificate holds C
   * first. */
  assert_int_equal(X509_NAME_entry_count(a), 3);
  entry_is(a, 0, NID_countryName, "DE");
  entry_is(a, 1, NID_organizationName, "b, Inc.");
  entry_is(a, 2, NID_commonName, "a");
  /* countryName is a PrintableString (RFC 5280 appendix A). */
  assert_int_equal(ASN1_STRING_type(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(a, 0))),
                   V_ASN1_PRINTABLESTRING);

  X509_NAME *b = parse_ok("/C=DE/O=b\\, Inc./CN=a");
  assert_int_equal(X509_NAME_cmp(a, b), 0);
  X509_NAME *c = parse_ok("/C=DE/O=b, Inc./CN=a"); /* a comma needs no escape here */
  assert_int_equal(X509_NAME_cmp(a, c), 0);
  X509_NAME_free(b);
  X509_NAME_free(c);

  X509_NAME *d = parse_ok("CN=a,O=b,C=DE");
  X509_NAME *s = parse_ok("/C=DE/O=b/CN=a");
  assert_int_equal(X509_NAME_cmp(d, s), 0);
  assert_int_not_equal(X509_NAME_cmp(a, d), 0);
  X509_NAME *sp = parse_ok("  CN = a ,  O = b , C = DE ");
  assert_int_equal(X509_NAME_cmp(d, sp), 0);
  X509_NAME *longnames = parse_ok("commonName=a,organizationName=b,countryName=DE");
  assert_int_equal(X509_NAME_cmp(d, longnames), 0);
  X509_NAME_free(d);
  X509_NAME_free(s);
  X509_NAME_free(sp);
  X509_NAME_free(longnames);

  /* More attributes, in order. */
  X509_NAME *m = parse_ok("CN=Example,O=Example Ltd,L=Berlin,ST=Berlin,C=DE");
  assert_int_equal(X509_NAME_entry_count(m), 5);
  entry_is(m, 0, NID_countryName, "DE");
  entry_is(m, 1, NID_stateOrProvinceName, "Berlin");
  entry_is(m, 2, NID_localityName, "Berlin");
  entry_is(m, 4, NID_commonName, "Example");
  X509_NAME_free(m);
  X509_NAME_free(a);
}

static void test_name_parse_errors(void **state) {
  (void)state;
  char long_cn[80] = "CN=";
  memset(long_cn + 3, 'x', 65); /* ub-common-name is 64 */
  static const char *const fixed[] = {
      "FOO=x",           /* unknown attribute */
      "CN=a,BOGUS=b",
      "C=Germany",       /* not a two-letter code */
      "C=de",
      "C=D",
      "CN=",             /* empty value */
      "CN=a,O=",
      "CN=a,O=  ",
      "",                /* empty */
      "/",
      "justtext",        /* not type=value */
      "CN=a,",
      "CN=a,,O=b",
      "/C=DE//CN=a",
      "=a",
  };
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0] + 1; i++) {
    const char *in = i < sizeof fixed / sizeof fixed[0] ? fixed[i] : long_cn;
    X509_NAME *n = (X509_NAME *)0x1;
    casc_error e = {0};
    casc_err rc = casc_name_parse(in, &n, &e);
    if (rc != CASC_ERR_USAGE)
      fail_msg("'%s' gave %d, want CASC_ERR_USAGE", in, rc);
    assert_ptr_equal(n, (X509_NAME *)0x1); /* untouched on failure */
    assert_int_equal(e.code, CASC_ERR_USAGE);
  }
  ERR_clear_error();
}

static void test_name_format(void **state) {
  (void)state;
  char buf[256];
  X509_NAME *n = parse_ok("CN=a,O=b\\, Inc.,C=DE");
  casc_name_format(n, buf, sizeof buf);
  assert_string_equal(buf, "CN=a,O=b\\, Inc.,C=DE");
  /* Round trip through the parser. */
  X509_NAME *back = parse_ok(buf);
  assert_int_equal(X509_NAME_cmp(n, back), 0);
  X509_NAME_free(back);
  /* A buffer too small is cut, and terminated. */
  char tiny[5];
  casc_name_format(n, tiny, sizeof tiny);
  assert_string_equal(tiny, "CN=a");
  X509_NAME_free(n);

  /* UTF-8 stays readable (no \\C3\\BC escapes). */
  n = parse_ok("/C=DE/L=M\xc3\xbcnchen/O=M\xc3\xbcller GmbH/CN=Code Signer");
  casc_name_format(n, buf, sizeof buf);
  assert_string_equal(buf, "CN=Code Signer,O=M\xc3\xbcller GmbH,L=M\xc3\xbcnchen,C=DE");
  X509_NAME_free(n);

  /* Slash form prints the same RFC 4514 string. */
  n = parse_ok("/C=DE/O=b/CN=a");
  casc_name_format(n, buf, sizeof buf);
  assert_string_equal(buf, "CN=a,O=b,C=DE");
  X509_NAME_free(n);
}

/* --- profiles ------------------------------------------------------------ */

static void test_profile_max_days(void **state) {
  (void)state;
  const char *rule = NULL;
  const casc_profile_def *tls = casc_profile_get(CASC_PROFILE_TLS_SERVER);
  assert_non_null(tls);
  assert_string_equal(tls->name, "tls-server");
  static const struct {
    int y, m, d, hh, mm, ss, want;
  } steps[] = {
      {2025, 1, 1, 0, 0, 0, 398},      {2026, 3, 14, 0, 0, 0, 398},
      {2026, 3, 14, 23, 59, 59, 398},  {2026, 3, 15, 0, 0, 0, 200},
      {2027, 3, 14, 23, 59, 59, 200},  {2027, 3, 15, 0, 0, 0, 100},
      {2029, 3, 14, 23, 59, 59, 100},  {2029, 3, 15, 0, 0, 0, 47},
      {2040, 1, 1, 0, 0, 0, 47},
  };
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    time_t t = util_utc(steps[i].y, steps[i].m, steps[i].d, steps[i].hh, steps[i].mm,
                        steps[i].ss);
    rule = NULL;
    int got = casc_profile_max_days(tls, t, &rule);
    if (got != steps[i].want)
      fail_msg("tls-server at %04d-%02d-%02d: %d days, want %d", steps[i].y, steps[i].m,
               steps[i].d, got, steps[i].want);
    assert_non_null(rule);
    assert_non_null(strstr(rule, "BR 6.3.2"));
  }
  const casc_profile_def *cs = casc_profile_get(CASC_PROFILE_CODE_SIGNING);
  assert_int_equal(casc_profile_max_days(cs, util_utc(2026, 2, 28, 23, 59, 59), &rule), 1187);
  assert_non_null(strstr(rule, "39 months"));
  assert_int_equal(casc_profile_max_days(cs, util_utc(2026, 3, 1, 0, 0, 0), &rule), 460);
  assert_non_null(strstr(rule, "CSBR 6.3.2"));
  assert_int_equal(casc_profile_max_days(casc_profile_get(CASC_PROFILE_TIMESTAMPING),
                                         util_utc(2027, 1, 1, 0, 0, 0), &rule),
                   4106);
  assert_int_equal(casc_profile_max_days(casc_profile_get(CASC_PROFILE_OCSP_SIGNING),
                                         util_utc(2027, 1, 1, 0, 0, 0), &rule),
                   365);
  assert_int_equal(casc_profile_max_days(casc_profile_get(CASC_PROFILE_SUB_CA),
                                         util_utc(2027, 1, 1, 0, 0, 0), &rule),
                   3653);
  /* Default validities fit their limits at the time they were chosen. */
  assert_int_equal(tls->default_days, 90);
  assert_int_equal(cs->default_days, 365);
}

static void test_profile_names(void **state) {
  (void)state;
  static const char *const names[] = {"tls-server", "code-signing", "timestamping",
                                      "ocsp-signing", "sub-ca"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    casc_profile p;
    assert_int_equal(casc_profile_parse(names[i], &p, NULL), CASC_OK);
    assert_string_equal(casc_profile_name(p), names[i]);
    assert_non_null(casc_profile_get(p));
  }
  casc_profile p;
  casc_error e = {0};
  assert_int_equal(casc_profile_parse("TLS-Server", &p, &e), CASC_ERR_NOT_FOUND);
  assert_int_equal(casc_profile_parse("email", &p, &e), CASC_ERR_NOT_FOUND);
  assert_string_equal(casc_profile_name((casc_profile)99), "unknown");
  assert_null(casc_profile_get((casc_profile)99));
}

static void test_dns_name_check(void **state) {
  (void)state;
  static const struct {
    const char *in, *want;
  } ok[] = {
      {"www.example.com", "www.example.com"},
      {"*.example.com", "*.example.com"},
      {"WWW.Example.COM", "www.example.com"},
      {"example.com", "example.com"},
      {"a-b.example.org", "a-b.example.org"},
      {"xn--bcher-kva.example.de", "xn--bcher-kva.example.de"},
      {"a.b.c.d.example.net", "a.b.c.d.example.net"},
      {"1host.example.com", "1host.example.com"},
      {"*.EXAMPLE.com", "*.example.com"},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    char buf[300];
    casc_error e = {0};
    snprintf(buf, sizeof buf, "%s", ok[i].in);
    if (casc_dns_name_check(buf, &e) != CASC_OK)
      fail_msg("'%s' refused: %s", ok[i].in, e.msg);
    assert_string_equal(buf, ok[i].want);
  }
  /* A 63-character label is the longest allowed. */
  char label63[128], label64[128];
  memset(label63, 'a', 63);
  strcpy(label63 + 63, ".example.com");
  assert_int_equal(casc_dns_name_check(label63, NULL), CASC_OK);
  memset(label64, 'a', 64);
  strcpy(label64 + 64, ".example.com");
  /* 253 characters in all is the longest name; 254 is too long. */
  char name253[300], long_name[310];
  size_t pos = 0;
  while (pos < 240) {
    memcpy(name253 + pos, "abcdefghi.", 10);
    pos += 10;
  }
  strcpy(name253 + pos, "abcdefgh.com"); /* 240 + 12 = 252 */
  strcat(name253, "x");                  /* "...comx": 253 */
  assert_int_equal(strlen(name253), 253);
  assert_int_equal(casc_dns_name_check(name253, NULL), CASC_OK);
  snprintf(long_name, sizeof long_name, "a%s", name253);
  assert_int_equal(strlen(long_name), 254);

  const char *const bad[] = {
      "localhost", "foo.test", "a..b.com", "-a.com", "a-.com", "1.2.3.4", "10.0.0.1",
      "*.*.example.com", "host.local", "www.example", "x.invalid", "hidden.onion",
      "printer.home.arpa", "db.internal", "a.alt", "", "example.com.", ".example.com",
      "*.com", "*", "*.", "a_b.example.com", "a b.example.com", "foo.*.example.com",
      "w*.example.com", "host.localhost", label64, long_name,
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char buf[300];
    casc_error e = {0};
    snprintf(buf, sizeof buf, "%s", bad[i]);
    casc_err rc = casc_dns_name_check(buf, &e);
    if (rc != CASC_ERR_POLICY)
      fail_msg("'%s' gave %d, want CASC_ERR_POLICY", bad[i], rc);
    assert_non_null(strstr(e.msg, "BR "));
  }
}

static EVP_PKEY *rsa_key(unsigned bits, unsigned long exponent) {
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
  BIGNUM *e = BN_new();
  EVP_PKEY *key = NULL;
  assert_non_null(ctx);
  assert_non_null(e);
  assert_int_equal(BN_set_word(e, exponent), 1);
  assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
  assert_int_equal(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits), 1);
  assert_int_equal(EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, e), 1);
  assert_int_equal(EVP_PKEY_generate(ctx, &key), 1);
  BN_free(e);
  EVP_PKEY_CTX_free(ctx);
  return key;
}

static void check_key(EVP_PKEY *key, int min_rsa, casc_err want, const char *what) {
  casc_error e = {0};
  casc_err rc = casc_key_check(key, min_rsa, "BR 6.1.5", "subject key", &e);
  if (rc != want)
    fail_msg("%s (min RSA %d): got %d (%s), want %d", what, min_rsa, rc, e.msg, want);
  if (want != CASC_OK) {
    assert_non_null(strstr(e.msg, "subject key"));
    assert_true(strstr(e.msg, "BR 6.1.") != NULL || strstr(e.msg, "BR 6.1.6") != NULL);
  }
}

static void test_key_check(void **state) {
  (void)state;
  EVP_PKEY *p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  EVP_PKEY *p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
  EVP_PKEY *k1 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp256k1");
  EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
  EVP_PKEY *rsa1024 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
  EVP_PKEY *rsa2048 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
  EVP_PKEY *rsa_e3 = rsa_key(2048, 3);
  EVP_PKEY *rsa_odd = rsa_key(2052, 65537); /* not a multiple of 8 */
  assert_non_null(p256);
  assert_non_null(p384);
  assert_non_null(k1);
  assert_non_null(ed);
  assert_non_null(rsa1024);
  assert_non_null(rsa2048);
  assert_int_equal(EVP_PKEY_get_bits(rsa_odd), 2052);

  check_key(p256, 2048, CASC_OK, "P-256");
  check_key(p384, 2048, CASC_OK, "P-384");
  check_key(p384, 3072, CASC_OK, "P-384 under the code-signing rule");
  check_key(rsa2048, 2048, CASC_OK, "RSA 2048");
  check_key(rsa2048, 3072, CASC_ERR_POLICY, "RSA 2048 where 3072 is the minimum");
  check_key(rsa1024, 2048, CASC_ERR_POLICY, "RSA 1024");
  check_key(k1, 2048, CASC_ERR_POLICY, "secp256k1");
  check_key(ed, 2048, CASC_ERR_POLICY, "Ed25519");
  check_key(rsa_e3, 2048, CASC_ERR_POLICY, "RSA with e = 3");
  casc_error e = {0};
  casc_key_check(rsa_e3, 2048, "BR 6.1.5", "subject key", &e);
  assert_non_null(strstr(e.msg, "exponent"));
  check_key(rsa_odd, 2048, CASC_ERR_POLICY, "RSA 2052");
  casc_key_check(rsa_odd, 2048, "BR 6.1.5", "subject key", &e);
  assert_non_null(strstr(e.msg, "multiple of 8"));

  char desc[64];
  casc_key_describe(p256, desc, sizeof desc);
  assert_string_equal(desc, "EC P-256");
  casc_key_describe(rsa2048, desc, sizeof desc);
  assert_string_equal(desc, "RSA 2048");
  assert_ptr_equal(casc_key_digest(p384), EVP_sha384());
  assert_ptr_equal(casc_key_digest(p256), EVP_sha256());
  assert_ptr_equal(casc_key_digest(rsa2048), EVP_sha256());

  EVP_PKEY *all[] = {p256, p384, k1, ed, rsa1024, rsa2048, rsa_e3, rsa_odd};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    EVP_PKEY_free(all[i]);
  ERR_clear_error();
}

static void test_subject_check(void **state) {
  (void)state;
  const casc_profile_def *cs = casc_profile_get(CASC_PROFILE_CODE_SIGNING);
  X509_NAME *n = parse_ok("CN=Signer,O=Example Ltd,C=DE");
  casc_error e = {0};
  assert_int_equal(casc_subject_check(cs, n, &e), CASC_ERR_POLICY);
  assert_non_null(strstr(e.msg, "CSBR 7.1.4.2.2"));
  X509_NAME_free(n);
  n = parse_ok("CN=Signer,O=Example Ltd,L=Berlin,C=DE");
  assert_int_equal(casc_subject_check(cs, n, &e), CASC_OK);
  X509_NAME_free(n);
  n = parse_ok("CN=Signer,L=Berlin,C=DE");
  assert_int_equal(casc_subject_check(cs, n, &e), CASC_ERR_POLICY);
  assert_non_null(strstr(e.msg, "organizationName"));
  X509_NAME_free(n);
}

/* --- the CA flow --------------------------------------------------------- */

typedef struct {
  char tmp[PATH_MAX];
  char dir[PATH_MAX];
  casc_ca *ca;
} ca_fixture;

/* 2027-04-01: tls-server certificates get at most 100 days (SC-081). */
#define FLOW_T0 util_utc(2027, 4, 1, 0, 0, 0)

static int ca_setup(void **state) {
  ca_fixture *f = calloc(1, sizeof *f);
  if (f == NULL || util_mkdtemp(f->tmp, "ca") != 0) {
    free(f);
    return -1;
  }
  util_join(f->dir, f->tmp, "ca");
  util_clock_fix(FLOW_T0);
  *state = f;
  return 0;
}

static int ca_teardown(void **state) {
  ca_fixture *f = *state;
  casc_ca_close(f->ca);
  casc_clock_set(NULL);
  util_rmtree(f->tmp);
  free(f);
  ERR_clear_error();
  return 0;
}

static void init_ca(ca_fixture *f, casc_key_type type) {
  casc_init_opts opts = {.key_type = type};
  casc_error e = {0};
  casc_err rc = casc_ca_init(f->dir, &opts, &e);
  if (rc != CASC_OK)
    fail_msg("casc_ca_init: %s", e.msg);
}

static void open_ca(ca_fixture *f) {
  casc_error e = {0};
  casc_ca_close(f->ca);
  f->ca = NULL;
  casc_err rc = casc_ca_open(f->dir, &f->ca, &e);
  if (rc != CASC_OK)
    fail_msg("casc_ca_open: %s", e.msg);
}

static X509 *read_pem_cert(const char *path) {
  FILE *fp = fopen(path, "r");
  if (fp == NULL)
    fail_msg("%s: missing", path);
  X509 *x = PEM_read_X509(fp, NULL, NULL, NULL);
  fclose(fp);
  if (x == NULL)
    fail_msg("%s: not a PEM certificate", path);
  return x;
}

static void mode_is(const char *path, unsigned want) {
  struct stat sb;
  if (stat(path, &sb) != 0)
    fail_msg("%s: missing", path);
  if ((sb.st_mode & 07777) != want)
    fail_msg("%s: mode %o, want %o", path, (unsigned)(sb.st_mode & 07777), want);
}

static casc_err issue_tls(ca_fixture *f, EVP_PKEY *key, int days, const char *const *dns,
                          size_t n_dns, casc_issued *out, casc_error *e) {
  casc_issue_request req = {.profile = CASC_PROFILE_TLS_SERVER, .public_key = key,
                            .dns = dns, .n_dns = n_dns, .days = days};
  return casc_ca_issue(f->ca, &req, out, e);
}

static casc_err count_cb(const casc_cert_rec *rec, void *arg, casc_error *e) {
  (void)rec, (void)e;
  (*(int64_t *)arg)++;
  return CASC_OK;
}

static int64_t count_certs(ca_fixture *f) {
  casc_cert_filter all = {.any_status = true};
  int64_t n = 0;
  casc_error e = {0};
  assert_int_equal(casc_store_cert_list(casc_ca_store(f->ca), &all, count_cb, &n, &e), CASC_OK);
  return n;
}

static int raw_exec_db(const char *db, const char *sql) {
  sqlite3 *h = NULL;
  int rc = sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
  sqlite3_close(h);
  return rc;
}

static void test_ca_init_layout(void **state) {
  ca_fixture *f = *state;
  init_ca(f, CASC_KEY_EC_P256);
  /* Built beside the target and renamed: nothing else left in the parent. */
  assert_int_equal(util_count_entries(f->tmp), 1);
  static const char *const files[] = {
      "casc.conf", "casc.db", "audit.checkpoint", "audit-key.pub",
      "certs/root-ca.pem", "certs/issuing-ca.pem", "certs/code-signing-ca.pem",
      "certs/timestamping-ca.pem", "certs/ocsp-signer.pem",
      "certs/code-signing-ca-ocsp-signer.pem", "certs/timestamping-ca-ocsp-signer.pem",
      "certs/tsa.pem",
  };
  char path[PATH_MAX];
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    util_join(path, f->dir, files[i]);
    if (!util_exists(path))
      fail_msg("%s missing after init", files[i]);
  }
  util_join(path, f->dir, "keys");
  mode_is(path, 0700);
  static const char *const keys[] = {
      "root-ca", "issuing-ca", "code-signing-ca", "timestamping-ca", "ocsp-signer",
      "code-signing-ca-ocsp-signer", "timestamping-ca-ocsp-signer", "tsa", "audit",
  };
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    char rel[128];
    snprintf(rel, sizeof rel, "keys/%s.key", keys[i]);
    util_join(path, f->dir, rel);
    mode_is(path, 0600);
  }
  /* Exactly these (with audit.lock), and no WAL files: the database was
   * folded before the move. */
  assert_int_equal(util_count_entries(f->dir), 7);
  util_join(path, f->dir, "keys");
  assert_int_equal(util_count_entries(path), 9);
  util_join(path, f->dir, "certs");
  assert_int_equal(util_count_entries(path), 8);

  open_ca(f);
  assert_int_equal(casc_ca_issuer_count(f->ca), 4);
  assert_string_equal(casc_ca_issuer_at(f->ca, 0)->name, "root-ca");
  assert_int_equal(casc_ca_issuer_at(f->ca, 0)->parent_id, 0);
  assert_string_equal(casc_ca_issuer_at(f->ca, 1)->name, "issuing-ca");
  assert_string_equal(casc_ca_issuer_at(f->ca, 1)->purpose, "tls-server");
  assert_string_equal(casc_ca_issuer_at(f->ca, 2)->name, "code-signing-ca");
  assert_string_equal(casc_ca_issuer_at(f->ca, 3)->name, "timestamping-ca");
  assert_null(casc_ca_issuer_at(f->ca, 4));
  assert_null(casc_ca_issuer_by_name(f->ca, "tsa"));
  const casc_issuer_rec *ic = casc_ca_issuer_by_name(f->ca, "issuing-ca");
  assert_non_null(ic);
  assert_ptr_equal(casc_ca_issuer_by_id(f->ca, ic->id), ic);
  assert_int_equal(ic->parent_id, casc_ca_issuer_at(f->ca, 0)->id);
  assert_string_equal(casc_ca_base_url(f->ca), CASC_DEFAULT_BASE_URL);
  assert_int_equal(casc_ca_crl_shards(f->ca), CASC_DEFAULT_CRL_SHARDS);
  assert_string_equal(casc_ca_dir(f->ca), f->dir);

  /* The CA certificates were made at the injected time. */
  util_join(path, f->dir, "certs/root-ca.pem");
  X509 *root = read_pem_cert(path);
  time_t nb;
  assert_int_equal(casc_asn1_time_get(X509_get0_notBefore(root), &nb, NULL), CASC_OK);
  assert_int_equal(nb, FLOW_T0);
  X509_free(root);

  /* 1 init + 3 issuing CAs + 3 OCSP responders + the TSA, all recorded. */
  casc_audit_report rep;
  casc_error e = {0};
  assert_int_equal(casc_ca_audit_verify(f->ca, &rep, &e), CASC_OK);
  assert_int_equal(rep.entries, 8);
  assert_int_equal(rep.checkpoint_seq, 8);
  assert_int_equal(rep.checkpoint_time, FLOW_T0);
  assert_int_equal(count_certs(f), 7);
}

static void verify_chain(ca_fixture *f, X509 *leaf, STACK_OF(X509) *chain, time_t at,
                         int want_ok, int want_err) {
  char path[PATH_MAX];
  util_join(path, f->dir, "certs/root-ca.pem");
  X509 *root = read_pem_cert(path);
  X509_STORE *store = X509_STORE_new();
  X509_STORE_CTX *ctx = X509_STORE_CTX_new();
  assert_non_null(store);
  assert_non_null(ctx);
  assert_int_equal(X509_STORE_add_cert(store, root), 1);
  assert_int_equal(X509_STORE_CTX_init(ctx, store, leaf, chain), 1);
  X509_STORE_CTX_set_time(ctx, 0, at);
  assert_int_equal(X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER), 1);
  int ok = X509_verify_cert(ctx);
  int err = X509_STORE_CTX_get_error(ctx);
  if (ok != want_ok)
    fail_msg("X509_verify_cert gave %d (%s), want %d", ok, X509_verify_cert_error_string(err),
             want_ok);
  if (want_ok != 1)
    assert_int_equal(err, want_err);
  else
    assert_int_equal(sk_X509_num(X509_STORE_CTX_get0_chain(ctx)), 3);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  X509_free(root);
}

static void test_ca_issue_revoke_flow(void **state) {
  ca_fixture *f = *state;
  casc_error e = {0};
  init_ca(f, CASC_KEY_EC_P256);
  open_ca(f);
  EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  assert_non_null(key);
  static const char *const dns[] = {"WWW.Example.COM", "api.example.com", "www.example.com"};
  casc_issued out = {0};
  int64_t before = count_certs(f);

  /* 2027-04-01: at most 100 days. 101 is refused and leaves no trace. */
  util_fixed_now = FLOW_T0 + 3600;
  assert_int_equal(issue_tls(f, key, 101, dns, 3, &out, &e), CASC_ERR_POLICY);
  assert_int_equal(e.code, CASC_ERR_POLICY);
  assert_non_null(strstr(e.msg, "100 days"));
  assert_null(out.cert);
  assert_int_equal(count_certs(f), before);
  casc_audit_report rep;
  assert_int_equal(casc_ca_audit_verify(f->ca, &rep, &e), CASC_OK);
  assert_int_equal(rep.entries, 8);

  assert_int_equal(issue_tls(f, key, 100, dns, 3, &out, &e), CASC_OK);
  assert_non_null(out.cert);
  assert_int_equal(count_certs(f), before + 1);

  /* Validity: notAfter - notBefore == days * 86400 - 1 (BR 6.3.2 counts
   * the last second). */
  time_t nb, na;
  assert_int_equal(casc_asn1_time_get(X509_get0_notBefore(out.cert), &nb, NULL), CASC_OK);
  assert_int_equal(casc_asn1_time_get(X509_get0_notAfter(out.cert), &na, NULL), CASC_OK);
  assert_int_equal(nb, FLOW_T0 + 3600);
  assert_int_equal(na - nb, 100 * 86400 - 1);

  /* Names: lower-cased, duplicates collapsed, the first as CN. */
  GENERAL_NAMES *san = X509_get_ext_d2i(out.cert, NID_subject_alt_name, NULL, NULL);
  assert_non_null(san);
  assert_int_equal(sk_GENERAL_NAME_num(san), 2);
  GENERAL_NAMES_free(san);
  assert_int_equal(X509_check_host(out.cert, "www.example.com", 0, 0, NULL), 1);
  assert_int_equal(X509_check_host(out.cert, "api.example.com", 0, 0, NULL), 1);
  char subj[256];
  casc_name_format(X509_get_subject_name(out.cert), subj, sizeof subj);
  assert_string_equal(subj, "CN=www.example.com");

  /* The chain: issuing-ca, then stop before the root. */
  assert_int_equal(sk_X509_num(out.chain), 1);
  char path[PATH_MAX];
  util_join(path, f->dir, "certs/issuing-ca.pem");
  X509 *issuing = read_pem_cert(path);
  assert_int_equal(X509_cmp(sk_X509_value(out.chain, 0), issuing), 0);
  X509_free(issuing);

  /* It verifies against the root at a time inside its validity, and not
   * after it. */
  verify_chain(f, out.cert, out.chain, FLOW_T0 + 7200, 1, 0);
  verify_chain(f, out.cert, out.chain, na + 1, 0, X509_V_ERR_CERT_HAS_EXPIRED);
  verify_chain(f, out.cert, out.chain, FLOW_T0 - 1, 0, X509_V_ERR_CERT_NOT_YET_VALID);

  /* The serial is the store's key, as `openssl x509 -serial` prints it. */
  char serial[CASC_SERIAL_MAX];
  assert_int_equal(casc_serial_from_cert(out.cert, serial, &e), CASC_OK);
  assert_string_equal(serial, out.serial);
  assert_int_equal(strlen(serial), 32);
  casc_cert_rec rec;
  assert_int_equal(casc_store_cert_get(casc_ca_store(f->ca), out.serial, &rec, &e), CASC_OK);
  assert_string_equal(rec.profile, "tls-server");
  assert_string_equal(rec.subject, "CN=www.example.com");
  assert_string_equal(rec.sans, "DNS:www.example.com, DNS:api.example.com");
  assert_int_equal(rec.not_before, nb);
  assert_int_equal(rec.not_after, na);
  assert_int_equal(casc_cert_status_at(&rec, casc_now()), CASC_STATUS_VALID);
  casc_cert_rec_clear(&rec);

  /* Revoke it, with the serial typed in lower case with a leading zero. */
  util_fixed_now = FLOW_T0 + 86400;
  char typed[CASC_SERIAL_MAX + 4] = "00";
  for (size_t i = 0; serial[i] != '\0'; i++)
    typed[2 + i] = (char)tolower((unsigned char)serial[i]);
  casc_cert_rec revoked;
  int reason = -1;
  assert_int_equal(casc_reason_parse("keycompromise", &reason, NULL), CASC_OK);
  assert_int_equal(casc_ca_revoke(f->ca, typed, reason, FLOW_T0 + 7200, &revoked, &e), CASC_OK);
  assert_true(revoked.revoked);
  assert_string_equal(revoked.serial, serial);
  assert_int_equal(revoked.revoked_at, FLOW_T0 + 86400); /* TLS: not back-dated */
  assert_int_equal(revoked.reason, 1);
  assert_int_equal(revoked.invalidity_date, FLOW_T0 + 7200);
  casc_cert_rec_clear(&revoked);
  assert_int_equal(casc_store_cert_get(casc_ca_store(f->ca), serial, &rec, &e), CASC_OK);
  assert_true(rec.revoked);
  assert_int_equal(rec.reason, 1);
  casc_cert_rec_clear(&rec);

  /* Again: refused. Unknown serials and bad input too. */
  assert_int_equal(casc_ca_revoke(f->ca, serial, -1, 0, &revoked, &e),
                   CASC_ERR_ALREADY_REVOKED);
  assert_int_equal(casc_ca_revoke(f->ca, "DEADBEEF", -1, 0, &revoked, &e), CASC_ERR_NOT_FOUND);
  assert_int_equal(casc_ca_revoke(f->ca, "not-hex", -1, 0, &revoked, &e), CASC_ERR_USAGE);

  /* The log holds the issue and the revocation, and matches the signed
   * checkpoint, also after reopening. */
  assert_int_equal(casc_ca_audit_verify(f->ca, &rep, &e), CASC_OK);
  assert_int_equal(rep.entries, 10);
  assert_int_equal(rep.checkpoint_seq, 10);
  assert_int_equal(rep.checkpoint_time, FLOW_T0 + 86400);
  open_ca(f);
  assert_int_equal(casc_ca_audit_verify(f->ca, &rep, &e), CASC_OK);
  assert_int_equal(rep.entries, 10);

  casc_issued_clear(&out);
  casc_issued_clear(&out); /* idempotent */
  casc_issued_clear(NULL);
  EVP_PKEY_free(key);
}

static void test_ca_issue_refusals(void **state) {
  ca_fixture *f = *state;
  casc_error e = {0};
  init_ca(f, CASC_KEY_EC_P256);
  open_ca(f);
  EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  EVP_PKEY *weak = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
  EVP_PKEY *k1 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp256k1");
  casc_issued out = {0};
  static const char *const good[] = {"www.example.com"};
  static const char *const internal[] = {"localhost"};
  static const char *const ip[] = {"192.168.1.1"};
  int64_t before = count_certs(f);

  assert_int_equal(issue_tls(f, key, 0, internal, 1, &out, &e), CASC_ERR_POLICY);
  assert_int_equal(issue_tls(f, key, 0, ip, 1, &out, &e), CASC_ERR_POLICY);
  assert_int_equal(issue_tls(f, key, 0, NULL, 0, &out, &e), CASC_ERR_POLICY); /* no SAN */
  assert_int_equal(issue_tls(f, weak, 0, good, 1, &out, &e), CASC_ERR_POLICY);
  assert_non_null(strstr(e.msg, "RSA 1024"));
  assert_int_equal(issue_tls(f, k1, 0, good, 1, &out, &e), CASC_ERR_POLICY);
  assert_int_equal(issue_tls(f, key, -1, good, 1, &out, &e), CASC_ERR_POLICY);
  /* The default (90 days) fits under 100. */
  assert_int_equal(issue_tls(f, key, 0, good, 1, &out, &e), CASC_OK);
  time_t nb, na;
  casc_asn1_time_get(X509_get0_notBefore(out.cert), &nb, NULL);
  casc_asn1_time_get(X509_get0_notAfter(out.cert), &na, NULL);
  assert_int_equal(na - nb, 90 * 86400 - 1);
  casc_issued_clear(&out);
  /* Two years later the limit is 47 days. */
  util_fixed_now = util_utc(2029, 3, 15, 0, 0, 0);
  assert_int_equal(issue_tls(f, key, 48, good, 1, &out, &e), CASC_ERR_POLICY);
  /* the default follows the limit down */
  assert_int_equal(issue_tls(f, key, 0, good, 1, &out, &e), CASC_OK);
  casc_asn1_time_get(X509_get0_notBefore(out.cert), &nb, NULL);
  casc_asn1_time_get(X509_get0_notAfter(out.cert), &na, NULL);
  assert_int_equal(na - nb, 47 * 86400 - 1);
  casc_issued_clear(&out);
  assert_int_equal(issue_tls(f, key, 47, good, 1, &out, &e), CASC_OK);
  casc_issued_clear(&out);
  util_fixed_now = FLOW_T0;

  /* Code signing: the subject rules and the key size rule (CSBR). */
  casc_issue_request cs = {.profile = CASC_PROFILE_CODE_SIGNING, .public_key = key,
                           .subject = "CN=Signer,O=Example Ltd,C=DE"};
  assert_int_equal(casc_ca_issue(f->ca, &cs, &out, &e), CASC_ERR_POLICY);
  cs.subject = "CN=Signer,O=Example Ltd,L=Berlin,C=DE";
  cs.public_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
  assert_int_equal(casc_ca_issue(f->ca, &cs, &out, &e), CASC_ERR_POLICY);
  assert_non_null(strstr(e.msg, "CSBR 6.1.5"));
  EVP_PKEY_free(cs.public_key);
  cs.public_key = key;
  cs.dns = good;
  cs.n_dns = 1;
  assert_int_equal(casc_ca_issue(f->ca, &cs, &out, &e), CASC_ERR_USAGE); /* --dns */
  cs.dns = NULL;
  cs.n_dns = 0;
  cs.must_staple = true;
  assert_int_equal(casc_ca_issue(f->ca, &cs, &out, &e), CASC_ERR_USAGE);
  cs.must_staple = false;
  assert_int_equal(casc_ca_issue(f->ca, &cs, &out, &e), CASC_OK);
  assert_int_equal(sk_X509_num(out.chain), 1);
  char subj[256];
  casc_name_format(X509_get_subject_name(out.cert), subj, sizeof subj);
  assert_string_equal(subj, "CN=Signer,O=Example Ltd,L=Berlin,C=DE");
  casc_issued_clear(&out);

  /* --issuer is for responders only, never the root, and must exist. */
  casc_issue_request other = {.profile = CASC_PROFILE_TLS_SERVER, .public_key = key,
                              .dns = good, .n_dns = 1, .issuer = "issuing-ca"};
  assert_int_equal(casc_ca_issue(f->ca, &other, &out, &e), CASC_ERR_POLICY);
  casc_issue_request responder = {.profile = CASC_PROFILE_OCSP_SIGNING, .public_key = key,
                                  .subject = "CN=R,O=Example Ltd,C=DE", .issuer = "nope"};
  assert_int_equal(casc_ca_issue(f->ca, &responder, &out, &e), CASC_ERR_NOT_FOUND);
  responder.issuer = "root-ca";
  assert_int_equal(casc_ca_issue(f->ca, &responder, &out, &e), CASC_ERR_POLICY);
  /* No key at all. */
  casc_issue_request nokey = {.profile = CASC_PROFILE_TLS_SERVER, .dns = good, .n_dns = 1};
  assert_int_equal(casc_ca_issue(f->ca, &nokey, &out, &e), CASC_ERR_USAGE);

  assert_int_equal(count_certs(f), before + 4);
  casc_audit_report rep;
  assert_int_equal(casc_ca_audit_verify(f->ca, &rep, &e), CASC_OK);
  assert_int_equal(rep.entries, 8 + 4);
  EVP_PKEY_free(key);
  EVP_PKEY_free(weak);
  EVP_PKEY_free(k1);
}

/* A PKCS#10 request for key with the given SANs ("DNS:x", "IP:1.2.3.4"). */
static X509_REQ *make_csr(EVP_PKEY *key, const char *san, EVP_PKEY *sign_with) {
  X509_REQ *req = X509_REQ_new();
  assert_non_null(req);
  X509_NAME *n = parse_ok("CN=ignored.example.com");
  assert_int_equal(X509_REQ_set_subject_name(req, n), 1);
  X509_NAME_free(n);
  assert_int_equal(X509_REQ_set_pubkey(req, key), 1);
  if (san != NULL) {
    STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, san);
    assert_non_null(ext);
    sk_X509_EXTENSION_push(exts, ext);
    assert_int_equal(X509_REQ_add_extensions(req, exts), 1);
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  }
  assert_true(X509_REQ_sign(req, sign_with, EVP_sha256()) > 0);
  return req;
}

static void test_ca_issue_from_csr(void **state) {
  ca_fixture *f = *state;
  casc_error e = {0};
  init_ca(f, CASC_KEY_EC_P256);
  open_ca(f);
  EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  casc_issued out = {0};
  static const char *const extra[] = {"extra.example.net"};

  X509_REQ *csr = make_csr(key, "DNS:csr.example.org, DNS:Second.Example.org", key);
  casc_issue_request req = {.profile = CASC_PROFILE_TLS_SERVER, .csr = csr, .dns = extra,
                            .n_dns = 1, .must_staple = true};
  assert_int_equal(casc_ca_issue(f->ca, &req, &out, &e), CASC_OK);
  assert_int_equal(X509_check_host(out.cert, "csr.example.org", 0, 0, NULL), 1);
  assert_int_equal(X509_check_host(out.cert, "second.example.org", 0, 0, NULL), 1);
  assert_int_equal(X509_check_host(out.cert, "extra.example.net", 0, 0, NULL), 1);
  assert_int_equal(X509_check_host(out.cert, "ignored.example.com", 0, 0, NULL), 0);
  assert_true(X509_get_ext_by_NID(out.cert, NID_tlsfeature, -1) >= 0); /* RFC 7633 */
  /* The certificate carries the CSR's key, byte for byte: compare the
   * encoded certificate (what is stored and written), decoded afresh. (The
   * in-memory object's own key is checked in test_regress.c.) */
  unsigned char *der = NULL;
  int der_len = i2d_X509(out.cert, &der);
  assert_true(der_len > 0);
  const unsigned char *p = der;
  X509 *reparsed = d2i_X509(NULL, &p, der_len);
  assert_non_null(reparsed);
  assert_int_equal(EVP_PKEY_eq(X509_get0_pubkey(reparsed), key), 1);
  assert_int_equal(X509_check_private_key(reparsed, key), 1);
  verify_chain(f, reparsed, out.chain, FLOW_T0 + 60, 1, 0);
  casc_cert_rec rec;
  assert_int_equal(casc_store_cert_get(casc_ca_store(f->ca), out.serial, &rec, &e), CASC_OK);
  assert_int_equal(rec.der_len, (size_t)der_len);
  assert_memory_equal(rec.der, der, (size_t)der_len);
  casc_cert_rec_clear(&rec);
  X509_free(reparsed);
  OPENSSL_free(der);
  casc_issued_clear(&out);
  X509_REQ_free(csr);

  /* An EC key with explicit curve parameters is refused (RFC 5480 2.1.1:
   * named curves only). */
  EVP_PKEY_CTX *kctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
  EVP_PKEY *explicit_key = NULL;
  assert_non_null(kctx);
  assert_int_equal(EVP_PKEY_keygen_init(kctx), 1);
  assert_int_equal(EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kctx, NID_X9_62_prime256v1), 1);
  assert_int_equal(EVP_PKEY_CTX_set_ec_param_enc(kctx, OPENSSL_EC_EXPLICIT_CURVE), 1);
  assert_int_equal(EVP_PKEY_generate(kctx, &explicit_key), 1);
  EVP_PKEY_CTX_free(kctx);
  csr = make_csr(explicit_key, "DNS:explicit.example.org", explicit_key);
  req.csr = csr;
  assert_int_equal(casc_ca_issue(f->ca, &req, &out, &e), CASC_ERR_POLICY);
  assert_null(out.cert);
  X509_REQ_free(csr);
  EVP_PKEY_free(explicit_key);

  /* Proof of possession: a request signed by another key. */
  csr = make_csr(key, "DNS:csr.example.org", other);
  req.csr = csr;
  assert_int_equal(casc_ca_issue(f->ca, &req, &out, &e), CASC_ERR_POLICY);
  assert_non_null(strstr(e.msg, "BR 3.2.1"));
  X509_REQ_free(csr);

  /* SAN types casc does not issue are refused, not dropped. */
  csr = make_csr(key, "DNS:ok.example.org, IP:192.0.2.1", key);
  req.csr = csr;
  assert_int_equal(casc_ca_issue(f->ca, &req, &out, &e), CASC_ERR_POLICY);
  X509_REQ_free(csr);
  csr = make_csr(key, "DNS:intranet.local", key);
  req.csr = csr;
  assert_int_equal(casc_ca_issue(f->ca, &req, &out, &e), CASC_ERR_POLICY);
  X509_REQ_free(csr);

  EVP_PKEY_free(key);
  EVP_PKEY_free(other);
}

static int key_bits(ca_fixture *f, const char *name) {
  char rel[128], path[PATH_MAX];
  EVP_PKEY *k = NULL;
  casc_error e = {0};
  snprintf(rel, sizeof rel, "keys/%s.key", name);
  util_join(path, f->dir, rel);
  if (casc_key_load(path, &k, &e) != CASC_OK)
    fail_msg("%s", e.msg);
  int bits = EVP_PKEY_is_a(k, "RSA") ? EVP_PKEY_get_bits(k) : -EVP_PKEY_get_bits(k);
  EVP_PKEY_free(k);
  return bits;
}

static void test_ca_init_rsa_key_sizes(void **state) {
  ca_fixture *f = *state;
  init_ca(f, CASC_KEY_RSA_2048);
  /* CSBR 6.1.5: CAs it governs at least RSA 4096, their subscriber-side
   * keys 3072; TLS keeps what was asked for. The root is raised too. */
  assert_int_equal(key_bits(f, "root-ca"), 4096);
  assert_int_equal(key_bits(f, "code-signing-ca"), 4096);
  assert_int_equal(key_bits(f, "timestamping-ca"), 4096);
  assert_int_equal(key_bits(f, "tsa"), 3072);
  assert_int_equal(key_bits(f, "code-signing-ca-ocsp-signer"), 3072);
  assert_int_equal(key_bits(f, "timestamping-ca-ocsp-signer"), 3072);
  assert_int_equal(key_bits(f, "issuing-ca"), 2048);
  assert_int_equal(key_bits(f, "ocsp-signer"), 2048);
  assert_int_equal(key_bits(f, "audit"), -256); /* EC P-256 */

  /* The certificates carry those keys. */
  char path[PATH_MAX];
  util_join(path, f->dir, "certs/tsa.pem");
  X509 *tsa = read_pem_cert(path);
  assert_int_equal(EVP_PKEY_get_bits(X509_get0_pubkey(tsa)), 3072);
  X509_free(tsa);
  util_join(path, f->dir, "certs/code-signing-ca.pem");
  X509 *csca = read_pem_cert(path);
  assert_int_equal(EVP_PKEY_get_bits(X509_get0_pubkey(csca)), 4096);
  X509_free(csca);

  open_ca(f);
  casc_audit_report rep;
  casc_error e = {0};
  assert_int_equal(casc_ca_audit_verify(f->ca, &rep, &e), CASC_OK);
  assert_int_equal(rep.entries, 8);
  /* Issuing from the RSA issuing CA works and verifies. */
  EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  static const char *const dns[] = {"rsa.example.com"};
  casc_issued out = {0};
  assert_int_equal(issue_tls(f, key, 30, dns, 1, &out, &e), CASC_OK);
  assert_int_equal(X509_get_signature_nid(out.cert), NID_sha256WithRSAEncryption);
  verify_chain(f, out.cert, out.chain, FLOW_T0 + 60, 1, 0);
  casc_issued_clear(&out);
  EVP_PKEY_free(key);
}

static void test_ca_init_existing(void **state) {
  ca_fixture *f = *state;
  casc_error e = {0};
  casc_init_opts opts = {.key_type = CASC_KEY_EC_P256};
  char path[PATH_MAX];

  /* A non-empty directory: refused, untouched, nothing left beside it. */
  assert_int_equal(mkdir(f->dir, 0750), 0);
  util_join(path, f->dir, "keep.txt");
  assert_int_equal(util_write_file(path, "precious", 8), 0);
  assert_int_equal(casc_ca_init(f->dir, &opts, &e), CASC_ERR_EXISTS);
  assert_int_equal(e.code, CASC_ERR_EXISTS);
  assert_non_null(strstr(e.msg, f->dir));
  assert_int_equal(util_count_entries(f->dir), 1);
  char *got = util_slurp(path, NULL);
  assert_non_null(got);
  assert_string_equal(got, "precious");
  free(got);
  struct stat sb;
  assert_int_equal(stat(f->dir, &sb), 0);
  assert_int_equal(sb.st_mode & 07777, 0750);
  assert_int_equal(util_count_entries(f->tmp), 1);

  /* A regular file in the way. */
  char file[PATH_MAX];
  util_join(file, f->tmp, "file");
  assert_int_equal(util_write_file(file, "x", 1), 0);
  assert_int_equal(casc_ca_init(file, &opts, &e), CASC_ERR_EXISTS);
  assert_int_equal(util_count_entries(f->tmp), 2);

  /* An existing CA. */
  char ca2[PATH_MAX];
  util_join(ca2, f->tmp, "ca2");
  assert_int_equal(casc_ca_init(ca2, &opts, &e), CASC_OK);
  util_join(path, ca2, "audit.checkpoint");
  char *checkpoint = util_slurp(path, NULL);
  assert_non_null(checkpoint);
  assert_int_equal(casc_ca_init(ca2, &opts, &e), CASC_ERR_EXISTS);
  char *again = util_slurp(path, NULL);
  assert_non_null(again);
  assert_string_equal(checkpoint, again);
  free(checkpoint);
  free(again);
  assert_int_equal(util_count_entries(f->tmp), 3);

  /* An empty directory is fine to fill. */
  char empty[PATH_MAX];
  util_join(empty, f->tmp, "empty");
  assert_int_equal(mkdir(empty, 0755), 0);
  assert_int_equal(casc_ca_init(empty, &opts, &e), CASC_OK);
  util_join(path, empty, "casc.db");
  assert_true(util_exists(path));
  assert_int_equal(util_count_entries(f->tmp), 4);

  /* Bad options are refused before anything is created. */
  char bad[PATH_MAX];
  util_join(bad, f->tmp, "bad");
  casc_init_opts b1 = {.base_url = "ftp://example.com"};
  casc_init_opts b2 = {.name = "a name that is far too long for a CA, over forty"};
  casc_init_opts b3 = {.crl_shards = 300};
  casc_init_opts b4 = {.country = "Germany"};
  assert_int_equal(casc_ca_init(bad, &b1, &e), CASC_ERR_USAGE);
  assert_int_equal(casc_ca_init(bad, &b2, &e), CASC_ERR_USAGE);
  assert_int_equal(casc_ca_init(bad, &b3, &e), CASC_ERR_USAGE);
  assert_int_equal(casc_ca_init(bad, &b4, &e), CASC_ERR_USAGE);
  assert_int_equal(util_count_entries(f->tmp), 4);

  /* casc_ca_open on what is not a CA. */
  casc_ca *ca = NULL;
  assert_int_equal(casc_ca_open(bad, &ca, &e), CASC_ERR_IO);
  assert_null(ca);
  assert_int_equal(casc_ca_open(f->dir, &ca, &e), CASC_ERR_IO); /* no casc.conf */
  assert_null(ca);
}

/* --- audit tampering against the signed checkpoint ----------------------- */

/* Issues one certificate and revokes it: 10 entries, checkpoint at 10. */
static void ca_with_history(ca_fixture *f) {
  casc_error e = {0};
  init_ca(f, CASC_KEY_EC_P256);
  open_ca(f);
  EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  static const char *const dns[] = {"www.example.com"};
  casc_issued out = {0};
  util_fixed_now += 60;
  assert_int_equal(issue_tls(f, key, 30, dns, 1, &out, &e), CASC_OK);
  casc_cert_rec rec;
  util_fixed_now += 60;
  assert_int_equal(casc_ca_revoke(f->ca, out.serial, 4, 0, &rec, &e), CASC_OK);
  casc_cert_rec_clear(&rec);
  casc_issued_clear(&out);
  EVP_PKEY_free(key);
  casc_audit_report rep;
  assert_int_equal(casc_ca_audit_verify(f->ca, &rep, &e), CASC_OK);
  assert_int_equal(rep.entries, 10);
  casc_ca_close(f->ca);
  f->ca = NULL;
}

static void db_path(ca_fixture *f, char *out) { util_join(out, f->dir, "casc.db"); }

/* Replaces entry seq's details and re-chains every hash from there on, as
 * someone with write access to the database but not the audit key could. */
static void rechain(ca_fixture *f, int64_t seq, const char *details) {
  char db[PATH_MAX];
  db_path(f, db);
  sqlite3 *h = NULL;
  assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_exec(h, "DROP TRIGGER audit_log_no_update", NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_stmt *q = NULL, *u = NULL;
  assert_int_equal(sqlite3_prepare_v2(h, "SELECT seq, time, op, details FROM audit_log ORDER "
                                         "BY seq", -1, &q, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, "UPDATE audit_log SET details = ?, hash = ? WHERE "
                                         "seq = ?", -1, &u, NULL),
                   SQLITE_OK);
  unsigned char prev[32] = {0}, hh[32];
  while (sqlite3_step(q) == SQLITE_ROW) {
    int64_t s = sqlite3_column_int64(q, 0);
    const char *d = s == seq ? details : (const char *)sqlite3_column_text(q, 3);
    char *dcopy = strdup(d);
    assert_int_equal(util_audit_link(prev, s, sqlite3_column_int64(q, 1),
                                     (const char *)sqlite3_column_text(q, 2), dcopy, hh),
                     0);
    memcpy(prev, hh, 32);
    sqlite3_reset(u);
    sqlite3_bind_text(u, 1, dcopy, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(u, 2, hh, 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(u, 3, s);
    assert_int_equal(sqlite3_step(u), SQLITE_DONE);
    free(dcopy);
  }
  sqlite3_finalize(q);
  sqlite3_finalize(u);
  sqlite3_close(h);
}

static casc_err verify_ca(ca_fixture *f, casc_error *e) {
  open_ca(f);
  casc_audit_report rep;
  casc_err rc = casc_ca_audit_verify(f->ca, &rep, e);
  casc_ca_close(f->ca);
  f->ca = NULL;
  return rc;
}

static void test_ca_audit_rechained(void **state) {
  ca_fixture *f = *state;
  casc_error e = {0};
  ca_with_history(f);
  /* The store's own walk cannot tell ... */
  rechain(f, 9, "{\"serial\":\"00\"}");
  open_ca(f);
  int64_t head;
  unsigned char hh[CASC_HASH_LEN];
  assert_int_equal(casc_store_audit_verify(casc_ca_store(f->ca), 0, NULL, &head, hh, &e),
                   CASC_OK);
  assert_int_equal(head, 10);
  casc_ca_close(f->ca);
  f->ca = NULL;
  /* ... the signed checkpoint can. */
  assert_int_equal(verify_ca(f, &e), CASC_ERR_INTEGRITY);
  assert_non_null(strstr(e.msg, "rewritten"));
}

static void test_ca_audit_truncated(void **state) {
  ca_fixture *f = *state;
  casc_error e = {0};
  ca_with_history(f);
  char db[PATH_MAX];
  db_path(f, db);
  assert_int_equal(raw_exec_db(db, "DROP TRIGGER audit_log_no_delete; "
                                   "DELETE FROM audit_log WHERE seq = 10;"),
                   SQLITE_OK);
  assert_int_equal(verify_ca(f, &e), CASC_ERR_INTEGRITY);
  assert_non_null(strstr(e.msg, "removed from the end"));
}

static void test_ca_audit_edited(void **state) {
  ca_fixture *f = *state;
  casc_error e = {0};
  ca_with_history(f);
  char db[PATH_MAX];
  db_path(f, db);
  assert_int_equal(raw_exec_db(db, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET "
                                   "details = replace(details, 'superseded', 'keyCompromise') "
                                   "WHERE seq = 10;"),
                   SQLITE_OK);
  assert_int_equal(verify_ca(f, &e), CASC_ERR_INTEGRITY);
}

static void test_ca_audit_checkpoint_file(void **state) {
  ca_fixture *f = *state;
  casc_error e = {0};
  ca_with_history(f);
  char path[PATH_MAX];
  util_join(path, f->dir, "audit.checkpoint");
  size_t len = 0;
  char *orig = util_slurp(path, &len);
  assert_non_null(orig);
  assert_true(strncmp(orig, "casc audit checkpoint v1\nseq: 10\n", 33) == 0);

  /* An older checkpoint claim (seq 9), signature unchanged. */
  char *edited = strdup(orig);
  char *seq = strstr(edited, "seq: 10");
  assert_non_null(seq);
  memcpy(seq, "seq: 09", 7);
  assert_int_equal(util_write_file(path, edited, len), 0);
  assert_int_equal(verify_ca(f, &e), CASC_ERR_INTEGRITY);
  assert_non_null(strstr(e.msg, "signature"));
  free(edited);

  /* A broken signature. */
  edited = strdup(orig);
  char *sig = strstr(edited, "sig: ");
  assert_non_null(sig);
  sig[5] = sig[5] == 'A' ? 'B' : 'A';
  assert_int_equal(util_write_file(path, edited, len), 0);
  assert_int_equal(verify_ca(f, &e), CASC_ERR_INTEGRITY);
  free(edited);

  /* Garbage, and then nothing at all. */
  assert_int_equal(util_write_file(path, "hello\n", 6), 0);
  assert_int_equal(verify_ca(f, &e), CASC_ERR_INTEGRITY);
  assert_int_equal(remove(path), 0);
  assert_int_equal(verify_ca(f, &e), CASC_ERR_INTEGRITY);
  assert_non_null(strstr(e.msg, "missing"));

  /* The original again: intact. */
  assert_int_equal(util_write_file(path, orig, len), 0);
  assert_int_equal(verify_ca(f, &e), CASC_OK);
  free(orig);
}

int main(void) {
#define CA_TEST(fn) cmocka_unit_test_setup_teardown(fn, ca_setup, ca_teardown)
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_serial_normalize),
      cmocka_unit_test(test_serial_random),
      cmocka_unit_test(test_crl_shard_of),
      cmocka_unit_test(test_reasons),
      cmocka_unit_test(test_name_parse),
      cmocka_unit_test(test_name_parse_errors),
      cmocka_unit_test(test_name_format),
      cmocka_unit_test(test_profile_max_days),
      cmocka_unit_test(test_profile_names),
      cmocka_unit_test(test_dns_name_check),
      cmocka_unit_test(test_key_check),
      cmocka_unit_test(test_subject_check),
      CA_TEST(test_ca_init_layout),
      CA_TEST(test_ca_issue_revoke_flow),
      CA_TEST(test_ca_issue_refusals),
      CA_TEST(test_ca_issue_from_csr),
      CA_TEST(test_ca_init_rsa_key_sizes),
      CA_TEST(test_ca_init_existing),
      CA_TEST(test_ca_audit_rechained),
      CA_TEST(test_ca_audit_truncated),
      CA_TEST(test_ca_audit_edited),
      CA_TEST(test_ca_audit_checkpoint_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
