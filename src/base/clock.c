/* The library's only source of "now", and RFC 3339 / RFC 5280 time forms. */
#include "casc/base.h"

#include <ctype.h>
#include <openssl/asn1.h>
#include <stdio.h>
#include <string.h>

static casc_clock_fn clock_override;

time_t casc_now(void) {
  return clock_override != NULL ? clock_override() : time(NULL);
}

void casc_clock_set(casc_clock_fn fn) { clock_override = fn; }

void casc_time_format(time_t t, char buf[CASC_TIME_BUFSZ]) {
  struct tm tm;
  if (gmtime_r(&t, &tm) == NULL) {
    snprintf(buf, CASC_TIME_BUFSZ, "invalid");
    return;
  }
  int year = tm.tm_year + 1900;
  if (year < 0 || year > 9999) {
    snprintf(buf, CASC_TIME_BUFSZ, "invalid");
    return;
  }
  /* The modulos only tell the compiler what gmtime_r already guarantees. */
  snprintf(buf, CASC_TIME_BUFSZ, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)year % 10000u,
           (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
           (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u);
}

static int read_digits(const char **p, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)(*p)[i]))
      return 0;
    v = v * 10 + ((*p)[i] - '0');
  }
  *p += n;
  *out = v;
  return 1;
}

static int expect(const char **p, const char *chars) {
  if (**p != '\0' && strchr(chars, **p) != NULL) {
    (*p)++;
    return 1;
  }
  return 0;
}

casc_err casc_time_parse(const char *s, time_t *out, casc_error *e) {
  const char *p = s;
  int year, mon, day, hour, min, sec;
  if (!read_digits(&p, 4, &year) || !expect(&p, "-") || !read_digits(&p, 2, &mon) ||
      !expect(&p, "-") || !read_digits(&p, 2, &day) || !expect(&p, "Tt ") ||
      !read_digits(&p, 2, &hour) || !expect(&p, ":") || !read_digits(&p, 2, &min) ||
      !expect(&p, ":") || !read_digits(&p, 2, &sec))
    goto bad;
  if (*p == '.') { /* fractional seconds: accepted, truncated */
    p++;
    if (!isdigit((unsigned char)*p))
      goto bad;
    while (isdigit((unsigned char)*p))
      p++;
  }
  long offset = 0;
  if (expect(&p, "Zz")) {
    offset = 0;
  } else if (*p == '+' || *p == '-') {
    int sign = *p == '-' ? -1 : 1, oh, om;
    p++;
    if (!read_digits(&p, 2, &oh) || !expect(&p, ":") || !read_digits(&p, 2, &om) ||
        oh > 23 || om > 59)
      goto bad;
    offset = sign * (oh * 3600L + om * 60L);
  } else {
    goto bad;
  }
  /* RFC 5280 4.1.2.5 has encodings for 1950 to 9999; casc takes no other. */
  if (*p != '\0' || year < 1950 || year > 9999 || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 ||
      min > 59 || sec > 60)
    goto bad;
  struct tm tm = {.tm_year = year - 1900, .tm_mon = mon - 1, .tm_mday = day,
                  .tm_hour = hour, .tm_min = min, .tm_sec = sec == 60 ? 59 : sec};
  time_t t = timegm(&tm);
  struct tm check;
  if (t == (time_t)-1 || gmtime_r(&t, &check) == NULL || check.tm_mday != day)
    goto bad; /* 2026-02-30 and the like */
  t -= offset;
  if (gmtime_r(&t, &check) == NULL || check.tm_year + 1900 < 1950 || check.tm_year + 1900 > 9999)
    goto bad;
  *out = t;
  return CASC_OK;
bad:
  return casc_error_set(e, CASC_ERR_USAGE,
                        "'%s' is not an RFC 3339 time (like 2026-11-28T17:00:00Z)", s);
}

ASN1_TIME *casc_asn1_time_new(time_t t) {
  struct tm tm;
  if (gmtime_r(&t, &tm) == NULL)
    return NULL;
  int year = tm.tm_year + 1900;
  if (year < 1950) /* RFC 5280 has no encoding rule before 1950 */
    return NULL;
  if (year <= 2049)
    return ASN1_UTCTIME_set(NULL, t);
  if (year > 9999)
    return NULL;
  return ASN1_GENERALIZEDTIME_set(NULL, t);
}

casc_err casc_asn1_time_get(const ASN1_TIME *t, time_t *out, casc_error *e) {
  struct tm tm;
  if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
    return casc_error_set(e, CASC_ERR_PARSE, "invalid ASN.1 time");
  *out = timegm(&tm);
  return CASC_OK;
}
