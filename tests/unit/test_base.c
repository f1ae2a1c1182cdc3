/* Unit tests of the base module: errors, time, files, hex. Real files in a
 * temporary directory, real OpenSSL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "casc/base.h"
#include "unit_util.h"

#include <errno.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

/* --- errors ---------------------------------------------------------- */

static void test_error_set(void **state) {
  (void)state;
  casc_error e = {0};
  assert_int_equal(casc_error_set(&e, CASC_ERR_IO, "%s: %d", "file", 42), CASC_ERR_IO);
  assert_int_equal(e.code, CASC_ERR_IO);
  assert_string_equal(e.msg, "file: 42");
  /* A NULL error object is allowed and the code still comes back. */
  assert_int_equal(casc_error_set(NULL, CASC_ERR_PARSE, "ignored"), CASC_ERR_PARSE);
  /* Messages longer than the buffer are cut, never overflow. */
  char big[2000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  casc_error_set(&e, CASC_ERR_USAGE, "%s", big);
  assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
  casc_error_clear(&e);
  assert_int_equal(e.code, CASC_OK);
  assert_string_equal(e.msg, "");
  casc_error_clear(NULL);
}

static void test_error_ssl(void **state) {
  (void)state;
  casc_error e = {0};
  ERR_clear_error();
  /* Make OpenSSL queue a real error: parse garbage as a certificate. */
  static const unsigned char junk[] = {0x30, 0x03, 0x02, 0x01};
  const unsigned char *p = junk;
  X509 *x = d2i_X509(NULL, &p, sizeof junk);
  assert_null(x);
  assert_int_not_equal(ERR_peek_last_error(), 0);
  assert_int_equal(casc_error_ssl(&e, CASC_ERR_CRYPTO, "parsing %s", "cert.pem"),
                   CASC_ERR_CRYPTO);
  assert_int_equal(e.code, CASC_ERR_CRYPTO);
  /* The message starts with ours and appends ": <OpenSSL reason>". */
  assert_true(strncmp(e.msg, "parsing cert.pem: ", 18) == 0);
  assert_true(strlen(e.msg) > 18);
  /* ... and the queue is emptied, so a later error does not inherit it. */
  assert_int_equal(ERR_peek_last_error(), 0);

  /* Without a queued error the message is exactly ours. */
  assert_int_equal(casc_error_ssl(&e, CASC_ERR_PARSE, "plain"), CASC_ERR_PARSE);
  assert_string_equal(e.msg, "plain");
  /* A NULL error object still clears the queue. */
  p = junk;
  assert_null(d2i_X509(NULL, &p, sizeof junk));
  assert_int_equal(casc_error_ssl(NULL, CASC_ERR_PARSE, "x"), CASC_ERR_PARSE);
  assert_int_equal(ERR_peek_last_error(), 0);
}

static void test_err_names(void **state) {
  (void)state;
  assert_string_equal(casc_err_name(CASC_OK), "ok");
  assert_string_equal(casc_err_name(CASC_ERR_ALREADY_REVOKED), "already revoked");
  assert_string_equal(casc_err_name(CASC_ERR_INTEGRITY), "integrity");
  assert_string_equal(casc_err_name((casc_err)999), "unknown");
  /* Codes only grow: the values scripts rely on stay put. */
  assert_int_equal(CASC_ERR_USAGE, 1);
  assert_int_equal(CASC_ERR_POLICY, 8);
  assert_int_equal(CASC_ERR_INTERNAL, 12);
}

/* --- time ------------------------------------------------------------ */

static void test_time_parse_valid(void **state) {
  (void)state;
  static const struct {
    const char *s;
    time_t want;
  } cases[] = {
      {"2026-11-28T17:00:00Z", 1795885200},
      {"2026-11-28t17:00:00z", 1795885200},
      {"2026-11-28 17:00:00Z", 1795885200},
      {"2026-11-28T18:30:00+01:30", 1795885200},
      {"2026-11-28T12:00:00-05:00", 1795885200},
      {"2026-11-28T17:00:00+00:00", 1795885200},
      {"2026-11-28T17:00:00.5Z", 1795885200},          /* fractions truncated */
      {"2026-11-28T17:00:00.999999999Z", 1795885200},
      {"2026-11-28T19:00:00.25+02:00", 1795885200},
      {"2026-11-29T00:30:00+07:30", 1795885200},       /* offset across midnight */
      {"1970-01-01T00:00:00Z", 0},
      {"2049-12-31T23:59:59Z", 2524607999},
      {"2050-01-01T00:00:00Z", 2524608000},
      {"1950-01-01T00:00:00Z", -631152000},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    time_t t = 12345;
    casc_error e = {0};
    casc_err rc = casc_time_parse(cases[i].s, &t, &e);
    if (rc != CASC_OK)
      fail_msg("'%s' refused: %s", cases[i].s, e.msg);
    if (t != cases[i].want)
      fail_msg("'%s' gave %lld, want %lld", cases[i].s, (long long)t, (long long)cases[i].want);
  }
  /* Leap days exist only in leap years. */
  time_t t;
  assert_int_equal(casc_time_parse("2024-02-29T00:00:00Z", &t, NULL), CASC_OK);
  assert_int_equal(t, util_utc(2024, 2, 29, 0, 0, 0));
  assert_int_equal(casc_time_parse("2000-02-29T00:00:00Z", &t, NULL), CASC_OK);
}

static void test_time_parse_invalid(void **state) {
  (void)state;
  static const char *const bad[] = {
      "2026-02-30T00:00:00Z",       /* no such day */
      "2026-02-29T00:00:00Z",       /* not a leap year */
      "2100-02-29T00:00:00Z",       /* century, not a leap year */
      "2026-04-31T00:00:00Z",
      "2026-11-28T17:00:00",        /* missing Z */
      "2026-11-28T17:00:00Zjunk",   /* trailing bytes */
      "2026-11-28T17:00:00Z ",
      "garbage",
      "",
      "2026-13-01T00:00:00Z",
      "2026-00-10T00:00:00Z",
      "2026-11-00T00:00:00Z",
      "2026-11-28T24:00:00Z",
      "2026-11-28T17:60:00Z",
      "2026-11-28T17:00:61Z",
      "2026-11-28T17:00:00.Z",      /* a dot without digits */
      "2026-11-28T17:00:00+2:00",   /* offset needs two digits */
      "2026-11-28T17:00:00+02",
      "2026-11-28T17:00:00+24:00",
      "2026-11-28T17:00:00+02:60",
      "2026-11-28",                 /* a date alone */
      "26-11-28T17:00:00Z",
      "2026/11/28T17:00:00Z",
      "2026-11-28X17:00:00Z",
      "+026-11-28T17:00:00Z",
      "2026-1-28T17:00:00Z",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    time_t t = 777;
    casc_error e = {0};
    casc_err rc = casc_time_parse(bad[i], &t, &e);
    if (rc != CASC_ERR_USAGE)
      fail_msg("'%s' gave %d (%s), want CASC_ERR_USAGE", bad[i], rc, e.msg);
    assert_int_equal(e.code, CASC_ERR_USAGE);
    assert_non_null(strstr(e.msg, "RFC 3339"));
    if (t != 777)
      fail_msg("'%s' wrote the output on failure", bad[i]);
  }
}

static void test_time_format_roundtrip(void **state) {
  (void)state;
  char buf[CASC_TIME_BUFSZ];
  casc_time_format(1795885200, buf);
  assert_string_equal(buf, "2026-11-28T17:00:00Z");
  casc_time_format(0, buf);
  assert_string_equal(buf, "1970-01-01T00:00:00Z");
  static const time_t samples[] = {0, 1, 951782400 /* 2000-02-29 */, 1795885200,
                                   2524607999, 2524608000, -631152000, 253402300799};
  for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
    time_t back = 0;
    casc_time_format(samples[i], buf);
    assert_int_equal(strlen(buf), 20);
    assert_int_equal(casc_time_parse(buf, &back, NULL), CASC_OK);
    assert_int_equal(back, samples[i]);
  }
  /* An offset on input comes back as Z on output. */
  time_t t;
  assert_int_equal(casc_time_parse("2026-11-28T18:00:00+01:00", &t, NULL), CASC_OK);
  casc_time_format(t, buf);
  assert_string_equal(buf, "2026-11-28T17:00:00Z");
}

static void test_asn1_time_forms(void **state) {
  (void)state;
  /* RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
  ASN1_TIME *t = casc_asn1_time_new(util_utc(2049, 12, 31, 23, 59, 59));
  assert_non_null(t);
  assert_int_equal(ASN1_STRING_type(t), V_ASN1_UTCTIME);
  assert_int_equal(ASN1_STRING_length(t), 13);
  assert_memory_equal(ASN1_STRING_get0_data(t), "491231235959Z", 13);
  ASN1_TIME_free(t);

  t = casc_asn1_time_new(util_utc(2050, 1, 1, 0, 0, 0));
  assert_non_null(t);
  assert_int_equal(ASN1_STRING_type(t), V_ASN1_GENERALIZEDTIME);
  assert_int_equal(ASN1_STRING_length(t), 15);
  assert_memory_equal(ASN1_STRING_get0_data(t), "20500101000000Z", 15);
  ASN1_TIME_free(t);

  t = casc_asn1_time_new(util_utc(1950, 1, 1, 0, 0, 0));
  assert_non_null(t);
  assert_int_equal(ASN1_STRING_type(t), V_ASN1_UTCTIME);
  assert_memory_equal(ASN1_STRING_get0_data(t), "500101000000Z", 13);
  ASN1_TIME_free(t);

  /* No encoding rule before 1950, nor past 9999. */
  assert_null(casc_asn1_time_new(util_utc(1949, 12, 31, 23, 59, 59)));
  assert_null(casc_asn1_time_new(util_utc(1949, 6, 1, 0, 0, 0)));
  assert_null(casc_asn1_time_new(util_utc(10000, 1, 1, 0, 0, 0)));
  t = casc_asn1_time_new(util_utc(9999, 12, 31, 23, 59, 59));
  assert_non_null(t);
  assert_int_equal(ASN1_STRING_type(t), V_ASN1_GENERALIZEDTIME);
  ASN1_TIME_free(t);
}

static void test_asn1_time_get(void **state) {
  (void)state;
  static const time_t samples[] = {-631152000, 0, 1795885200, 2524607999, 2524608000,
                                   253402300799};
  for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
    ASN1_TIME *t = casc_asn1_time_new(samples[i]);
    assert_non_null(t);
    time_t back = 0;
    casc_error e = {0};
    assert_int_equal(casc_asn1_time_get(t, &back, &e), CASC_OK);
    assert_int_equal(back, samples[i]);
    ASN1_TIME_free(t);
  }
  /* Times written by others, in either form. */
  ASN1_TIME *t = ASN1_TIME_new();
  time_t back;
  assert_int_equal(ASN1_TIME_set_string(t, "20261128170000Z"), 1);
  assert_int_equal(casc_asn1_time_get(t, &back, NULL), CASC_OK);
  assert_int_equal(back, 1795885200);
  assert_int_equal(ASN1_TIME_set_string(t, "261128170000Z"), 1);
  assert_int_equal(casc_asn1_time_get(t, &back, NULL), CASC_OK);
  assert_int_equal(back, 1795885200);
  /* Garbage inside a time is a parse error, and so is NULL. */
  casc_error e = {0};
  assert_int_equal(ASN1_STRING_set(t, "not a time", -1), 1);
  assert_int_equal(casc_asn1_time_get(t, &back, &e), CASC_ERR_PARSE);
  assert_int_equal(e.code, CASC_ERR_PARSE);
  assert_int_equal(casc_asn1_time_get(NULL, &back, NULL), CASC_ERR_PARSE);
  ASN1_TIME_free(t);
  ERR_clear_error();
}

static time_t clock_a(void) { return 1000; }
static time_t clock_b(void) { return 2524608000; }

static void test_clock_injection(void **state) {
  (void)state;
  casc_clock_set(clock_a);
  assert_int_equal(casc_now(), 1000);
  casc_clock_set(clock_b);
  assert_int_equal(casc_now(), 2524608000);
  util_clock_fix(1795885200);
  assert_int_equal(casc_now(), 1795885200);
  util_fixed_now += 5;
  assert_int_equal(casc_now(), 1795885205);
  casc_clock_set(NULL);
  time_t before = time(NULL);
  time_t now = casc_now();
  time_t after = time(NULL);
  assert_true(now >= before && now <= after);
}

/* --- files ----------------------------------------------------------- */

typedef struct {
  char dir[PATH_MAX];
} tmp_state;

static int setup_tmp(void **state) {
  tmp_state *st = calloc(1, sizeof *st);
  if (st == NULL || util_mkdtemp(st->dir, "base") != 0) {
    free(st);
    return -1;
  }
  *state = st;
  return 0;
}

static int teardown_tmp(void **state) {
  tmp_state *st = *state;
  util_rmtree(st->dir);
  free(st);
  return 0;
}

static void test_write_atomic(void **state) {
  tmp_state *st = *state;
  char path[PATH_MAX];
  casc_error e = {0};
  util_join(path, st->dir, "out.txt");

  assert_int_equal(casc_file_write_atomic(path, "hello\n", 6, 0640, &e), CASC_OK);
  size_t len = 0;
  char *got = util_slurp(path, &len);
  assert_non_null(got);
  assert_int_equal(len, 6);
  assert_string_equal(got, "hello\n");
  free(got);
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  assert_true(S_ISREG(sb.st_mode));
  assert_int_equal(sb.st_mode & 07777, 0640);
  /* Only the file itself: no temporary file left behind. */
  assert_int_equal(util_count_entries(st->dir), 1);
  assert_false(util_dir_has(st->dir, ".tmp."));

  /* Replacing: new content, new mode, still one file. */
  static const unsigned char bin[] = {0, 1, 2, 0xFF, 0, 'x'};
  assert_int_equal(casc_file_write_atomic(path, bin, sizeof bin, 0600, &e), CASC_OK);
  got = util_slurp(path, &len);
  assert_non_null(got);
  assert_int_equal(len, sizeof bin);
  assert_memory_equal(got, bin, sizeof bin);
  free(got);
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_mode & 07777, 0600);
  assert_int_equal(util_count_entries(st->dir), 1);

  /* The mode is the one asked for whatever the umask (keys need 0600,
   * public files 0644). */
  mode_t old = umask(077);
  assert_int_equal(casc_file_write_atomic(path, "x", 1, 0644, &e), CASC_OK);
  umask(old);
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_mode & 07777, 0644);

  /* An empty file is a file. */
  assert_int_equal(casc_file_write_atomic(path, "", 0, 0644, &e), CASC_OK);
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_size, 0);
  assert_int_equal(util_count_entries(st->dir), 1);
}

static void test_write_atomic_missing_dir(void **state) {
  tmp_state *st = *state;
  char path[PATH_MAX], missing[PATH_MAX];
  casc_error e = {0};
  util_join(missing, st->dir, "nope");
  util_join(path, missing, "file.txt");
  assert_int_equal(casc_file_write_atomic(path, "data", 4, 0644, &e), CASC_ERR_IO);
  assert_int_equal(e.code, CASC_ERR_IO);
  assert_non_null(strstr(e.msg, path));
  assert_false(util_exists(missing));
  assert_false(util_exists(path));
  assert_int_equal(util_count_entries(st->dir), 0);

  /* Into a path that is a directory: refused, the directory stays. */
  char sub[PATH_MAX];
  util_join(sub, st->dir, "adir");
  assert_int_equal(mkdir(sub, 0755), 0);
  assert_int_equal(casc_file_write_atomic(sub, "data", 4, 0644, &e), CASC_ERR_IO);
  struct stat sb;
  assert_int_equal(stat(sub, &sb), 0);
  assert_true(S_ISDIR(sb.st_mode));
  assert_int_equal(util_count_entries(st->dir), 1); /* no temporary file left */
}

static void test_write_atomic_keeps_old_on_failure(void **state) {
  tmp_state *st = *state;
  char path[PATH_MAX];
  casc_error e = {0};
  util_join(path, st->dir, "file.txt");
  assert_int_equal(casc_file_write_atomic(path, "old", 3, 0644, &e), CASC_OK);
  /* Make the write itself fail (EFBIG past a 4-byte file size limit; works
   * for root too): the old content must stay and no temporary file may be
   * left behind. */
  struct rlimit saved, tiny;
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
  tiny = saved;
  tiny.rlim_cur = 4;
  void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &tiny), 0);
  casc_err rc = casc_file_write_atomic(path, "new content", 11, 0644, &e);
  setrlimit(RLIMIT_FSIZE, &saved);
  signal(SIGXFSZ, old_handler);
  assert_int_equal(rc, CASC_ERR_IO);
  char *got = util_slurp(path, NULL);
  assert_non_null(got);
  assert_string_equal(got, "old");
  free(got);
  assert_int_equal(util_count_entries(st->dir), 1);
}

static void test_write_bio(void **state) {
  tmp_state *st = *state;
  char path[PATH_MAX];
  casc_error e = {0};
  util_join(path, st->dir, "bio.pem");
  BIO *mem = BIO_new(BIO_s_mem());
  assert_non_null(mem);
  assert_int_equal(BIO_puts(mem, "-----BEGIN X-----\n"), 18);
  assert_int_equal(casc_file_write_bio(path, mem, 0640, &e), CASC_OK);
  BIO_free(mem);
  char *got = util_slurp(path, NULL);
  assert_non_null(got);
  assert_string_equal(got, "-----BEGIN X-----\n");
  free(got);
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_mode & 07777, 0640);
  /* A secure-heap BIO (keys) works the same; an empty one gives an empty
   * file. */
  BIO *sec = BIO_new(BIO_s_secmem());
  assert_non_null(sec);
  assert_int_equal(casc_file_write_bio(path, sec, 0600, &e), CASC_OK);
  BIO_free(sec);
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_size, 0);
  assert_int_equal(sb.st_mode & 07777, 0600);
  assert_int_equal(util_count_entries(st->dir), 1);
}

static void test_file_read(void **state) {
  tmp_state *st = *state;
  char path[PATH_MAX];
  casc_error e = {0};
  unsigned char *buf = NULL;
  size_t len = 99;
  util_join(path, st->dir, "in.bin");

  /* Content with NULs, NUL-terminated beyond its length. */
  static const unsigned char data[] = {'a', 0, 'b', 0xFF, '\n'};
  assert_int_equal(util_write_file(path, data, sizeof data), 0);
  assert_int_equal(casc_file_read(path, 1024, &buf, &len, &e), CASC_OK);
  assert_int_equal(len, sizeof data);
  assert_memory_equal(buf, data, sizeof data);
  assert_int_equal(buf[len], 0);
  free(buf);

  /* Exactly max_len is fine; one byte more is a parse error. */
  buf = NULL;
  assert_int_equal(casc_file_read(path, sizeof data, &buf, &len, &e), CASC_OK);
  free(buf);
  buf = NULL;
  assert_int_equal(casc_file_read(path, sizeof data - 1, &buf, &len, &e), CASC_ERR_PARSE);
  assert_int_equal(e.code, CASC_ERR_PARSE);
  assert_null(buf);

  /* Larger than one read buffer, and over the limit by far. */
  size_t big_len = 3 * 4096 + 17;
  unsigned char *big = malloc(big_len);
  assert_non_null(big);
  for (size_t i = 0; i < big_len; i++)
    big[i] = (unsigned char)(i * 7);
  assert_int_equal(util_write_file(path, big, big_len), 0);
  assert_int_equal(casc_file_read(path, 1 << 20, &buf, &len, &e), CASC_OK);
  assert_int_equal(len, big_len);
  assert_memory_equal(buf, big, big_len);
  free(buf);
  buf = NULL;
  assert_int_equal(casc_file_read(path, 4096, &buf, &len, &e), CASC_ERR_PARSE);
  assert_null(buf);
  free(big);

  /* An empty file is fine: length 0, and a buffer to free. */
  assert_int_equal(util_write_file(path, "", 0), 0);
  buf = NULL;
  len = 99;
  assert_int_equal(casc_file_read(path, 1024, &buf, &len, &e), CASC_OK);
  assert_int_equal(len, 0);
  assert_non_null(buf);
  assert_int_equal(buf[0], 0);
  free(buf);

  /* A missing file is an I/O error naming the file. */
  char missing[PATH_MAX];
  util_join(missing, st->dir, "missing.pem");
  buf = NULL;
  assert_int_equal(casc_file_read(missing, 1024, &buf, &len, &e), CASC_ERR_IO);
  assert_int_equal(e.code, CASC_ERR_IO);
  assert_non_null(strstr(e.msg, "missing.pem"));
  assert_null(buf);

  /* A directory is not a file. */
  buf = NULL;
  assert_int_equal(casc_file_read(st->dir, 1024, &buf, &len, &e), CASC_ERR_IO);
  assert_null(buf);
}

static void test_path_join(void **state) {
  (void)state;
  char buf[16];
  casc_error e = {0};
  assert_int_equal(casc_path_join(buf, sizeof buf, "dir", "name", &e), CASC_OK);
  assert_string_equal(buf, "dir/name");
  assert_int_equal(casc_path_join(buf, sizeof buf, "0123456", "89abcde", &e), CASC_OK);
  assert_int_equal(casc_path_join(buf, sizeof buf, "0123456", "89abcdef", &e), CASC_ERR_USAGE);
}

static void test_fsync_dir(void **state) {
  tmp_state *st = *state;
  char missing[PATH_MAX];
  assert_int_equal(casc_fsync_dir(st->dir, NULL), CASC_OK);
  util_join(missing, st->dir, "none");
  assert_int_equal(casc_fsync_dir(missing, NULL), CASC_ERR_IO);
}

/* --- encodings ------------------------------------------------------- */

static void test_hex_encode(void **state) {
  (void)state;
  char out[32];
  static const unsigned char in[] = {0x00, 0xAB, 0xFF, 0x10, 0x09, 0xC3};
  casc_hex_encode(in, sizeof in, out);
  assert_string_equal(out, "00ABFF1009C3");
  memset(out, 'z', sizeof out);
  casc_hex_encode(in, 0, out);
  assert_string_equal(out, "");
  casc_hex_encode(in + 1, 1, out);
  assert_string_equal(out, "AB");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_error_set),
      cmocka_unit_test(test_error_ssl),
      cmocka_unit_test(test_err_names),
      cmocka_unit_test(test_time_parse_valid),
      cmocka_unit_test(test_time_parse_invalid),
      cmocka_unit_test(test_time_format_roundtrip),
      cmocka_unit_test(test_asn1_time_forms),
      cmocka_unit_test(test_asn1_time_get),
      cmocka_unit_test(test_clock_injection),
      cmocka_unit_test_setup_teardown(test_write_atomic, setup_tmp, teardown_tmp),
      cmocka_unit_test_setup_teardown(test_write_atomic_missing_dir, setup_tmp, teardown_tmp),
      cmocka_unit_test_setup_teardown(test_write_atomic_keeps_old_on_failure, setup_tmp,
                                      teardown_tmp),
      cmocka_unit_test_setup_teardown(test_write_bio, setup_tmp, teardown_tmp),
      cmocka_unit_test_setup_teardown(test_file_read, setup_tmp, teardown_tmp),
      cmocka_unit_test(test_path_join),
      cmocka_unit_test_setup_teardown(test_fsync_dir, setup_tmp, teardown_tmp),
      cmocka_unit_test(test_hex_encode),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
