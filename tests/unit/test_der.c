/* Unit tests of the DER writer and reader (casc/der.h): exact bytes for
 * the length forms, integers, times and OIDs, and the reader's refusals of
 * everything that is not DER. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "casc/der.h"
#include "unit_util.h"

#include <openssl/asn1.h>

static void expect_bytes(const casc_der_buf *b, const unsigned char *want, size_t n) {
  assert_false(casc_der_buf_failed(b));
  if (b->len != n)
    fail_msg("length %zu, want %zu", b->len, n);
  assert_memory_equal(b->data, want, n);
}

/* A value of n octets of x, wrapped in OCTET STRING, has header `hdr`. */
static void check_length(size_t n, const unsigned char *hdr, size_t hlen) {
  unsigned char *content = malloc(n + 1);
  assert_non_null(content);
  memset(content, 0x5a, n);
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_tlv(&b, CASC_DER_OCTET_STRING, content, n);
  assert_false(casc_der_buf_failed(&b));
  assert_int_equal(b.len, hlen + n);
  assert_memory_equal(b.data, hdr, hlen);
  /* the same through begin/end */
  casc_der_buf c;
  casc_der_buf_init(&c);
  casc_der_begin(&c, CASC_DER_OCTET_STRING);
  casc_der_raw(&c, content, n);
  casc_der_end(&c);
  assert_int_equal(c.len, b.len);
  assert_memory_equal(c.data, b.data, b.len);
  /* and the reader gives it back */
  const unsigned char *p = b.data;
  size_t left = b.len;
  casc_der_tlv_t t;
  casc_error e = {0};
  assert_int_equal(casc_der_next(&p, &left, &t, &e), CASC_OK);
  assert_int_equal(t.tag, CASC_DER_OCTET_STRING);
  assert_int_equal(t.len, n);
  assert_int_equal(t.hdr_len, hlen);
  assert_int_equal(left, 0);
  casc_der_buf_free(&b);
  casc_der_buf_free(&c);
  free(content);
}

static void test_lengths(void **state) {
  (void)state;
  check_length(0, (const unsigned char[]){0x04, 0x00}, 2);
  check_length(1, (const unsigned char[]){0x04, 0x01}, 2);
  check_length(127, (const unsigned char[]){0x04, 0x7f}, 2);
  check_length(128, (const unsigned char[]){0x04, 0x81, 0x80}, 3);
  check_length(255, (const unsigned char[]){0x04, 0x81, 0xff}, 3);
  check_length(256, (const unsigned char[]){0x04, 0x82, 0x01, 0x00}, 4);
  check_length(65535, (const unsigned char[]){0x04, 0x82, 0xff, 0xff}, 4);
  check_length(65536, (const unsigned char[]){0x04, 0x83, 0x01, 0x00, 0x00}, 5);
  check_length(16777216, (const unsigned char[]){0x04, 0x84, 0x01, 0x00, 0x00, 0x00}, 6);
}

static void test_integers(void **state) {
  (void)state;
  static const struct {
    int64_t v;
    unsigned char want[12];
    size_t n;
  } cases[] = {
      {0, {0x02, 0x01, 0x00}, 3},
      {1, {0x02, 0x01, 0x01}, 3},
      {127, {0x02, 0x01, 0x7f}, 3},
      {128, {0x02, 0x02, 0x00, 0x80}, 4}, /* high bit: a zero octet in front */
      {255, {0x02, 0x02, 0x00, 0xff}, 4},
      {256, {0x02, 0x02, 0x01, 0x00}, 4},
      {-1, {0x02, 0x01, 0xff}, 3},
      {-128, {0x02, 0x01, 0x80}, 3},
      {-129, {0x02, 0x02, 0xff, 0x7f}, 4},
      {INT64_MAX, {0x02, 0x08, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 10},
      {INT64_MIN, {0x02, 0x08, 0x80, 0, 0, 0, 0, 0, 0, 0}, 10},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    casc_der_buf b;
    casc_der_buf_init(&b);
    casc_der_int64(&b, cases[i].v);
    expect_bytes(&b, cases[i].want, cases[i].n);
    casc_error e = {0};
    assert_int_equal(casc_der_check_integer(b.data + 2, b.len - 2, &e), CASC_OK);
    casc_der_buf_free(&b);
  }
  /* unsigned magnitudes: serial numbers */
  static const struct {
    unsigned char mag[4];
    size_t mn;
    unsigned char want[8];
    size_t n;
  } mags[] = {
      {{0x00}, 1, {0x02, 0x01, 0x00}, 3},
      {{0x00, 0x00, 0x05}, 3, {0x02, 0x01, 0x05}, 3}, /* leading zeros dropped */
      {{0x80}, 1, {0x02, 0x02, 0x00, 0x80}, 4},
      {{0xff, 0x01}, 2, {0x02, 0x03, 0x00, 0xff, 0x01}, 5},
      {{0x7f, 0xff}, 2, {0x02, 0x02, 0x7f, 0xff}, 4},
  };
  for (size_t i = 0; i < sizeof mags / sizeof mags[0]; i++) {
    casc_der_buf b;
    casc_der_buf_init(&b);
    casc_der_uint_bytes(&b, mags[i].mag, mags[i].mn);
    expect_bytes(&b, mags[i].want, mags[i].n);
    casc_der_buf_free(&b);
  }
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_enumerated(&b, 1);
  casc_der_boolean(&b, CASC_DER_CONTEXT | 1, true);
  casc_der_boolean(&b, CASC_DER_BOOLEAN, false);
  expect_bytes(&b, (const unsigned char[]){0x0a, 0x01, 0x01, 0x81, 0x01, 0xff, 0x01, 0x01, 0x00},
               9);
  casc_der_buf_free(&b);
}

/* casc_der_time must agree with casc_asn1_time_new, the library's rule. */
static void check_time(time_t t, const char *want, unsigned tag) {
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_time(&b, t);
  assert_false(casc_der_buf_failed(&b));
  assert_int_equal(b.data[0], tag);
  assert_int_equal(b.data[1], strlen(want));
  assert_memory_equal(b.data + 2, want, strlen(want));
  ASN1_TIME *ref = casc_asn1_time_new(t);
  assert_non_null(ref);
  unsigned char *der = NULL;
  int n = i2d_ASN1_TIME(ref, &der);
  assert_int_equal(n, (int)b.len);
  assert_memory_equal(der, b.data, b.len);
  OPENSSL_free(der);
  ASN1_TIME_free(ref);
  casc_der_buf_free(&b);
}

static void test_times(void **state) {
  (void)state;
  check_time(util_utc(1950, 1, 1, 0, 0, 0), "500101000000Z", CASC_DER_UTCTIME);
  check_time(util_utc(1970, 1, 1, 0, 0, 0), "700101000000Z", CASC_DER_UTCTIME);
  check_time(util_utc(2000, 2, 29, 12, 34, 56), "000229123456Z", CASC_DER_UTCTIME);
  check_time(util_utc(2026, 11, 28, 17, 0, 0), "261128170000Z", CASC_DER_UTCTIME);
  check_time(util_utc(2049, 12, 31, 23, 59, 59), "491231235959Z", CASC_DER_UTCTIME);
  check_time(util_utc(2050, 1, 1, 0, 0, 0), "20500101000000Z", CASC_DER_GENERALIZEDTIME);
  check_time(util_utc(2100, 3, 1, 0, 0, 1), "21000301000001Z", CASC_DER_GENERALIZEDTIME);
  check_time(util_utc(9999, 12, 31, 23, 59, 59), "99991231235959Z", CASC_DER_GENERALIZEDTIME);
  /* every day over four centuries, against OpenSSL */
  for (time_t t = util_utc(1950, 1, 1, 0, 0, 0); t < util_utc(2350, 1, 1, 0, 0, 0);
       t += 86400 * 7 + 3601) {
    casc_der_buf b;
    casc_der_buf_init(&b);
    casc_der_time(&b, t);
    ASN1_TIME *ref = casc_asn1_time_new(t);
    unsigned char *der = NULL;
    int n = i2d_ASN1_TIME(ref, &der);
    if (n != (int)b.len || memcmp(der, b.data, b.len) != 0)
      fail_msg("time %lld differs from OpenSSL's", (long long)t);
    OPENSSL_free(der);
    ASN1_TIME_free(ref);
    casc_der_buf_free(&b);
  }
  /* out of RFC 5280's range */
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_time(&b, util_utc(1949, 12, 31, 23, 59, 59));
  assert_true(casc_der_buf_failed(&b));
  casc_der_buf_free(&b);
  /* GeneralizedTime whatever the year, for invalidityDate */
  casc_der_buf_init(&b);
  casc_der_generalized_time(&b, util_utc(2026, 11, 1, 0, 0, 0));
  expect_bytes(&b, (const unsigned char *)"\x18\x0f" "20261101000000Z", 17);
  casc_der_buf_free(&b);
}

static void test_oids_and_nesting(void **state) {
  (void)state;
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_oid(&b, "2.5.29.20");
  casc_der_oid(&b, "1.2.840.10045.4.3.2");
  casc_der_begin(&b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0);
  casc_der_end(&b);
  casc_der_end(&b);
  expect_bytes(&b,
               (const unsigned char[]){0x30, 0x11, 0x06, 0x03, 0x55, 0x1d, 0x14, 0x06, 0x08,
                                       0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0xa0,
                                       0x00},
               19);
  casc_der_buf_free(&b);
  const char *const bad[] = {"", "1", "3.1", "1.40", "1..2", "1.2.", "01.2", "a.b", "1.2.x"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    casc_der_buf_init(&b);
    casc_der_oid(&b, bad[i]);
    if (!casc_der_buf_failed(&b))
      fail_msg("OID '%s' accepted", bad[i]);
    casc_der_buf_free(&b);
  }
  /* an end without a begin, and a begin without an end, fail */
  casc_der_buf_init(&b);
  casc_der_end(&b);
  assert_true(casc_der_buf_failed(&b));
  casc_der_buf_free(&b);
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  assert_true(casc_der_buf_failed(&b));
  casc_der_buf_free(&b);
  /* too deep */
  casc_der_buf_init(&b);
  for (int i = 0; i <= CASC_DER_MAX_DEPTH; i++)
    casc_der_begin(&b, CASC_DER_SEQUENCE);
  assert_true(b.failed);
  casc_der_buf_free(&b);
  /* wrap: a value decided after its contents */
  casc_der_buf_init(&b);
  casc_der_raw(&b, "\x05\x00", 2);
  casc_der_wrap(&b, 0, CASC_DER_SEQUENCE);
  expect_bytes(&b, (const unsigned char[]){0x30, 0x02, 0x05, 0x00}, 4);
  casc_der_buf_free(&b);
  casc_der_buf_free(NULL);
}

static void expect_refused(const unsigned char *in, size_t n, const char *what) {
  const unsigned char *p = in;
  size_t left = n;
  casc_der_tlv_t t;
  casc_error e = {0};
  if (casc_der_next(&p, &left, &t, &e) != CASC_ERR_PARSE)
    fail_msg("%s accepted", what);
  assert_int_equal(e.code, CASC_ERR_PARSE);
  assert_ptr_equal(p, in); /* nothing consumed */
  assert_int_equal(left, n);
}

static void test_reader_refuses(void **state) {
  (void)state;
  expect_refused((const unsigned char *)"", 0, "empty input");
  expect_refused((const unsigned char[]){0x30}, 1, "a lone tag");
  expect_refused((const unsigned char[]){0x1f, 0x01, 0x00}, 3, "a high tag number");
  expect_refused((const unsigned char[]){0x30, 0x80, 0x00, 0x00}, 4, "an indefinite length");
  expect_refused((const unsigned char[]){0x04, 0x81, 0x05, 1, 2, 3, 4, 5}, 8,
                 "a long form for a short length");
  expect_refused((const unsigned char[]){0x04, 0x82, 0x00, 0x80}, 4,
                 "a length with a leading zero");
  expect_refused((const unsigned char[]){0x04, 0x03, 0x01, 0x02}, 4, "a truncated value");
  expect_refused((const unsigned char[]){0x04, 0x82, 0x01}, 3, "truncated length octets");
  expect_refused((const unsigned char[]){0x04, 0x89, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 11,
                 "a nine-octet length");
  expect_refused((const unsigned char[]){0x04, 0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                         0xff},
                 10, "a length past the end (overflow)");
  /* tag checks */
  const unsigned char seq[] = {0x30, 0x00, 0x02, 0x01, 0x05};
  const unsigned char *p = seq;
  size_t left = sizeof seq;
  casc_der_tlv_t t;
  casc_error e = {0};
  assert_int_equal(casc_der_expect(&p, &left, CASC_DER_INTEGER, &t, &e), CASC_ERR_PARSE);
  assert_ptr_equal(p, seq);
  assert_int_equal(casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &t, &e), CASC_OK);
  assert_int_equal(t.len, 0);
  assert_int_equal(casc_der_expect(&p, &left, CASC_DER_INTEGER, &t, &e), CASC_OK);
  assert_int_equal(t.val[0], 5);
  assert_int_equal(left, 0);
  /* integers: empty and non-minimal */
  assert_int_equal(casc_der_check_integer(NULL, 0, &e), CASC_ERR_PARSE);
  assert_int_equal(casc_der_check_integer((const unsigned char[]){0x00, 0x01}, 2, &e),
                   CASC_ERR_PARSE);
  assert_int_equal(casc_der_check_integer((const unsigned char[]){0xff, 0x80}, 2, &e),
                   CASC_ERR_PARSE);
  assert_int_equal(casc_der_check_integer((const unsigned char[]){0x00, 0x80}, 2, &e), CASC_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lengths),
      cmocka_unit_test(test_integers),
      cmocka_unit_test(test_times),
      cmocka_unit_test(test_oids_and_nesting),
      cmocka_unit_test(test_reader_refuses),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
