/* TLS BR 6.3.2 validity periods (with the SC-081 steps), 7.1.2.1.1 root
 * validity, and the serial-number rules of 7.1 / 7.1.2.7. */
#include "cert_br_util.h"

#include <stdio.h>

static bool times_ok(const casc_lint_input *in) {
  return in->cert->not_before.ok_parse && in->cert->not_after.ok_parse;
}

static bool tls_times(const casc_lint_input *in) {
  return casc_br_applies_tls_or_precert(in) && times_ok(in);
}

static casc_lint_result over(const casc_lint_input *in, char *det, size_t detsz, long long max_secs,
                             const char *what) {
  long long v = casc_br_validity_secs(in->cert);
  if (v <= max_secs)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "validity period of %lld seconds (%.2f days) exceeds %s", v, v / 86400.0,
           what);
  return CASC_LINT_FAIL;
}

#define DAYS(n) ((long long)(n) * 86400)
static casc_lint_result run_398(const casc_lint_input *in, char *d, size_t n) { return over(in, d, n, DAYS(398), "398 days"); }
static casc_lint_result run_200(const casc_lint_input *in, char *d, size_t n) { return over(in, d, n, DAYS(200), "200 days"); }
static casc_lint_result run_199(const casc_lint_input *in, char *d, size_t n) { return over(in, d, n, DAYS(199), "199 days"); }
static casc_lint_result run_100(const casc_lint_input *in, char *d, size_t n) { return over(in, d, n, DAYS(100), "100 days"); }
static casc_lint_result run_99(const casc_lint_input *in, char *d, size_t n) { return over(in, d, n, DAYS(99), "99 days"); }
static casc_lint_result run_47(const casc_lint_input *in, char *d, size_t n) { return over(in, d, n, DAYS(47), "47 days"); }
static casc_lint_result run_46(const casc_lint_input *in, char *d, size_t n) { return over(in, d, n, DAYS(46), "46 days"); }
static casc_lint_result run_825(const casc_lint_input *in, char *d, size_t n) { return over(in, d, n, DAYS(825), "825 days"); }

/* 39 months: the same day-of-month 39 months later. */
static casc_lint_result run_39m(const casc_lint_input *in, char *det, size_t detsz) {
  time_t nb = in->cert->not_before.t;
  struct tm tm;
  gmtime_r(&nb, &tm);
  tm.tm_mon += 39;
  time_t limit = timegm(&tm);
  if (in->cert->not_after.t <= limit)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "validity period exceeds 39 months");
  return CASC_LINT_FAIL;
}

static bool root_times(const casc_lint_input *in) {
  return casc_lint_applies_root(in) && times_ok(in);
}

static casc_lint_result run_root_validity(const casc_lint_input *in, char *det, size_t detsz) {
  long long v = casc_br_validity_secs(in->cert);
  if (v >= DAYS(2922) && v <= DAYS(9132))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "root validity of %.2f days is outside 2922..9132 days", v / 86400.0);
  return CASC_LINT_FAIL;
}

/* Serial numbers: BR 7.1 wants at least 64 bits of CSPRNG output, a value
 * greater than zero and less than 2^159. */
static size_t serial_magnitude(const casc_lint_bytes s, const unsigned char **p) {
  size_t i = 0;
  while (i < s.len && s.p[i] == 0)
    i++;
  *p = s.p + i;
  return s.len - i;
}

static bool br_cert(const casc_lint_input *in) { return casc_br_applies_tls_any(in) || casc_br_applies_precert(in); }

static casc_lint_result run_serial_short(const casc_lint_input *in, char *det, size_t detsz) {
  const unsigned char *p;
  size_t n = serial_magnitude(in->cert->serial, &p);
  if (n >= 8)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "serial number of %zu octets cannot hold 64 random bits", n);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_serial_exactly8(const casc_lint_input *in, char *det, size_t detsz) {
  const unsigned char *p;
  size_t n = serial_magnitude(in->cert->serial, &p);
  if (n != 8)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "serial number of exactly 64 bits: no room beyond the required entropy");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_serial_2_159(const casc_lint_input *in, char *det, size_t detsz) {
  const unsigned char *p;
  size_t n = serial_magnitude(in->cert->serial, &p);
  /* < 2^159: at most 20 octets with the top bit of a 20-octet value clear */
  if (n < 20 || (n == 20 && !(p[0] & 0x80)))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "serial number is 2^159 or more");
  return CASC_LINT_FAIL;
}

#define BR_LINT(nm, al, lv, cit, eff, app, fn)                                                     \
  {.name = nm, .alias = al, .level = lv, .citation = cit, .source = CASC_LINT_SRC_TLSBR,           \
   .effective = eff, .kind = CASC_LINT_KIND_CERT, .applies = app, .run = fn}

const casc_lint casc_lints_cert_br_validity[] = {
    BR_LINT("e_sub_cert_valid_time_longer_than_39_months",
            "e_sub_cert_valid_time_longer_than_39_months", CASC_LINT_ERROR, "TLS BR 6.3.2",
            CASC_BR_DATE(2016, 7, 1), tls_times, run_39m),
    BR_LINT("e_sub_cert_valid_time_longer_than_825_days",
            "e_sub_cert_valid_time_longer_than_825_days", CASC_LINT_ERROR, "TLS BR 6.3.2",
            CASC_BR_DATE(2018, 3, 1), tls_times, run_825),
    BR_LINT("e_tls_server_cert_valid_time_longer_than_398_days",
            "e_tls_server_cert_valid_time_longer_than_398_days", CASC_LINT_ERROR,
            "TLS BR 6.3.2 (SC-31)", CASC_BR_DATE(2020, 9, 1), tls_times, run_398),
    BR_LINT("e_server_cert_valid_time_longer_than_200_days",
            "e_server_cert_valid_time_longer_than_200_days", CASC_LINT_ERROR,
            "TLS BR 6.3.2 (SC-081)", CASC_BR_DATE(2026, 3, 15), tls_times, run_200),
    BR_LINT("w_server_cert_valid_time_longer_than_199_days",
            "w_server_cert_valid_time_longer_than_199_days", CASC_LINT_WARN,
            "TLS BR 6.3.2 (SC-081)", CASC_BR_DATE(2026, 3, 15), tls_times, run_199),
    BR_LINT("e_server_cert_valid_time_longer_than_100_days",
            "e_server_cert_valid_time_longer_than_100_days", CASC_LINT_ERROR,
            "TLS BR 6.3.2 (SC-081)", CASC_BR_DATE(2027, 3, 15), tls_times, run_100),
    BR_LINT("w_server_cert_valid_time_longer_than_99_days",
            "w_server_cert_valid_time_longer_than_99_days", CASC_LINT_WARN,
            "TLS BR 6.3.2 (SC-081)", CASC_BR_DATE(2027, 3, 15), tls_times, run_99),
    BR_LINT("e_server_cert_valid_time_longer_than_47_days",
            "e_server_cert_valid_time_longer_than_47_days", CASC_LINT_ERROR,
            "TLS BR 6.3.2 (SC-081)", CASC_BR_DATE(2029, 3, 15), tls_times, run_47),
    BR_LINT("w_server_cert_valid_time_longer_than_46_days",
            "w_server_cert_valid_time_longer_than_46_days", CASC_LINT_WARN,
            "TLS BR 6.3.2 (SC-081)", CASC_BR_DATE(2029, 3, 15), tls_times, run_46),
    BR_LINT("e_root_ca_validity_out_of_range", NULL, CASC_LINT_ERROR, "TLS BR 7.1.2.1.1",
            CASC_BR_SC62, root_times, run_root_validity),
    BR_LINT("w_br_serial_number_low_entropy", NULL, CASC_LINT_WARN, "TLS BR 7.1",
            CASC_BR_DATE(2016, 9, 30), br_cert, run_serial_short),
    BR_LINT("n_br_serial_number_exactly_64_bits", NULL, CASC_LINT_NOTICE, "TLS BR 7.1",
            CASC_BR_DATE(2016, 9, 30), br_cert, run_serial_exactly8),
    BR_LINT("e_br_serial_number_too_large", NULL, CASC_LINT_ERROR, "TLS BR 7.1", CASC_BR_SC62,
            br_cert, run_serial_2_159),
};
CASC_LINT_TABLE(casc_lints_cert_br_validity);
