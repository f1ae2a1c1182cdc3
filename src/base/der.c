/* A strict TLV-level DER writer and reader; see include/casc/der.h. */
#include "casc/der.h"

#include <stdlib.h>
#include <string.h>

void casc_der_buf_init(casc_der_buf *b) { memset(b, 0, sizeof *b); }

void casc_der_buf_free(casc_der_buf *b) {
  if (b == NULL)
    return;
  free(b->data);
  casc_der_buf_init(b);
}

bool casc_der_buf_failed(const casc_der_buf *b) { return b->failed || b->depth != 0; }

void casc_der_reserve(casc_der_buf *b, size_t n) {
  if (b->failed || b->cap - b->len >= n)
    return;
  if (n > SIZE_MAX / 2 - b->len) {
    b->failed = true;
    return;
  }
  /* Doubling keeps appends amortized O(1); large buffers are mmapped by
   * malloc and grown with mremap, so the contents are not copied. */
  size_t cap = b->cap < 256 ? 256 : b->cap;
  while (cap - b->len < n)
    cap *= 2;
  unsigned char *p = realloc(b->data, cap);
  if (p == NULL) {
    b->failed = true;
    return;
  }
  b->data = p;
  b->cap = cap;
}

size_t casc_der_header(unsigned char *out, unsigned tag, size_t len) {
  out[0] = (unsigned char)tag;
  if (len < 0x80) {
    out[1] = (unsigned char)len;
    return 2;
  }
  size_t n = 0;
  for (size_t v = len; v != 0; v >>= 8)
    n++;
  out[1] = (unsigned char)(0x80 | n);
  for (size_t i = 0; i < n; i++)
    out[2 + i] = (unsigned char)(len >> (8 * (n - 1 - i)));
  return 2 + n;
}

void casc_der_raw(casc_der_buf *b, const void *p, size_t n) {
  casc_der_reserve(b, n);
  if (b->failed)
    return;
  if (n > 0)
    memcpy(b->data + b->len, p, n);
  b->len += n;
}

void casc_der_tlv(casc_der_buf *b, unsigned tag, const void *p, size_t n) {
  unsigned char hdr[CASC_DER_MAX_HEADER];
  size_t h = casc_der_header(hdr, tag, n);
  casc_der_reserve(b, h + n);
  casc_der_raw(b, hdr, h);
  casc_der_raw(b, p, n);
}

void casc_der_begin(casc_der_buf *b, unsigned tag) {
  if (b->failed)
    return;
  if (b->depth == CASC_DER_MAX_DEPTH) {
    b->failed = true;
    return;
  }
  b->open[b->depth] = b->len;
  b->open_tag[b->depth] = (unsigned char)tag;
  b->depth++;
}

void casc_der_end(casc_der_buf *b) {
  if (b->failed)
    return;
  if (b->depth == 0) {
    b->failed = true;
    return;
  }
  b->depth--;
  casc_der_wrap(b, b->open[b->depth], b->open_tag[b->depth]);
}

void casc_der_wrap(casc_der_buf *b, size_t start, unsigned tag) {
  if (b->failed)
    return;
  if (start > b->len) {
    b->failed = true;
    return;
  }
  size_t n = b->len - start;
  unsigned char hdr[CASC_DER_MAX_HEADER];
  size_t h = casc_der_header(hdr, tag, n);
  casc_der_reserve(b, h);
  if (b->failed)
    return;
  /* The contents move up by the header's size: one memmove per value, which
   * for the two big ones of a CRL (the list and the TBS) costs a few ms per
   * million entries, far less than a length pre-pass over the database. */
  memmove(b->data + start + h, b->data + start, n);
  memcpy(b->data + start, hdr, h);
  b->len += h;
}

void casc_der_uint_bytes(casc_der_buf *b, const unsigned char *mag, size_t n) {
  while (n > 1 && mag[0] == 0) {
    mag++;
    n--;
  }
  unsigned char hdr[CASC_DER_MAX_HEADER + 1];
  bool pad = n == 0 || (mag[0] & 0x80) != 0;
  size_t h = casc_der_header(hdr, CASC_DER_INTEGER, n + (n == 0 ? 1 : pad));
  if (n == 0) {
    hdr[h++] = 0;
  } else if (pad) {
    hdr[h++] = 0;
  }
  casc_der_reserve(b, h + n);
  casc_der_raw(b, hdr, h);
  if (n > 0)
    casc_der_raw(b, mag, n);
}

void casc_der_int64(casc_der_buf *b, int64_t v) {
  unsigned char out[8];
  uint64_t u = (uint64_t)v;
  for (int i = 7; i >= 0; i--, u >>= 8)
    out[i] = (unsigned char)u;
  /* Two's complement, minimal: drop a leading octet while the next one's
   * high bit repeats it. */
  size_t s = 0;
  while (s < 7 && ((out[s] == 0x00 && (out[s + 1] & 0x80) == 0) ||
                   (out[s] == 0xff && (out[s + 1] & 0x80) != 0)))
    s++;
  casc_der_tlv(b, CASC_DER_INTEGER, out + s, 8 - s);
}

void casc_der_boolean(casc_der_buf *b, unsigned tag, bool v) {
  unsigned char c = v ? 0xff : 0x00;
  casc_der_tlv(b, tag, &c, 1);
}

void casc_der_enumerated(casc_der_buf *b, int v) {
  casc_der_buf tmp;
  casc_der_buf_init(&tmp);
  casc_der_int64(&tmp, v);
  if (tmp.failed) {
    b->failed = true;
  } else {
    tmp.data[0] = CASC_DER_ENUMERATED;
    casc_der_raw(b, tmp.data, tmp.len);
  }
  casc_der_buf_free(&tmp);
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm): no
 * gmtime_r call and no locale per CRL entry. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t yy = (int64_t)yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

static void put2(char *p, unsigned v) {
  p[0] = (char)('0' + v / 10 % 10);
  p[1] = (char)('0' + v % 10);
}

static void put_time(casc_der_buf *b, time_t t, bool generalized) {
  int64_t secs = (int64_t)t;
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  int64_t year;
  unsigned mon, day;
  civil_from_days(days, &year, &mon, &day);
  if (year < 1950 || year > 9999) {
    b->failed = true;
    return;
  }
  char s[16];
  size_t n = 0;
  generalized = generalized || year >= 2050;
  if (generalized) {
    put2(s, (unsigned)(year / 100));
    n = 2;
  }
  put2(s + n, (unsigned)(year % 100));
  put2(s + n + 2, mon);
  put2(s + n + 4, day);
  put2(s + n + 6, (unsigned)(rem / 3600));
  put2(s + n + 8, (unsigned)(rem / 60 % 60));
  put2(s + n + 10, (unsigned)(rem % 60));
  s[n + 12] = 'Z';
  casc_der_tlv(b, generalized ? CASC_DER_GENERALIZEDTIME : CASC_DER_UTCTIME, s, n + 13);
}

void casc_der_time(casc_der_buf *b, time_t t) { put_time(b, t, false); }
void casc_der_generalized_time(casc_der_buf *b, time_t t) { put_time(b, t, true); }

void casc_der_oid(casc_der_buf *b, const char *dotted) {
  uint64_t arcs[32];
  size_t n = 0;
  const char *p = dotted;
  while (*p != '\0') {
    if (n == 32 || *p < '0' || *p > '9') {
      b->failed = true;
      return;
    }
    uint64_t v = 0;
    if (p[0] == '0' && p[1] >= '0' && p[1] <= '9') { /* no leading zeros */
      b->failed = true;
      return;
    }
    while (*p >= '0' && *p <= '9') {
      if (v > (UINT64_MAX - 9) / 10) {
        b->failed = true;
        return;
      }
      v = v * 10 + (uint64_t)(*p++ - '0');
    }
    arcs[n++] = v;
    if (*p == '.' && p[1] != '\0')
      p++;
    else if (*p != '\0') {
      b->failed = true;
      return;
    }
  }
  if (n < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39) || arcs[1] > UINT64_MAX - 80) {
    b->failed = true;
    return;
  }
  unsigned char out[32 * 10];
  size_t len = 0;
  for (size_t i = 1; i < n; i++) {
    uint64_t v = i == 1 ? arcs[0] * 40 + arcs[1] : arcs[i];
    unsigned char tmp[10];
    size_t k = 0;
    do {
      tmp[k++] = (unsigned char)(v & 0x7f);
      v >>= 7;
    } while (v != 0);
    while (k > 0) {
      k--;
      out[len++] = (unsigned char)(tmp[k] | (k > 0 ? 0x80 : 0));
    }
  }
  casc_der_tlv(b, CASC_DER_OID, out, len);
}

/* --- reader --------------------------------------------------------------- */
casc_err casc_der_next(const unsigned char **p, size_t *left, casc_der_tlv_t *out,
                       casc_error *e) {
  const unsigned char *s = *p;
  size_t avail = *left;
  if (avail < 2)
    return casc_error_set(e, CASC_ERR_PARSE, "DER: truncated header");
  unsigned tag = s[0];
  if ((tag & 0x1f) == 0x1f)
    return casc_error_set(e, CASC_ERR_PARSE, "DER: high tag numbers are not supported");
  size_t len, h;
  if (s[1] < 0x80) {
    len = s[1];
    h = 2;
  } else {
    size_t n = s[1] & 0x7f;
    if (n == 0)
      return casc_error_set(e, CASC_ERR_PARSE, "DER: indefinite length");
    if (n > sizeof(size_t) || n > avail - 2)
      return casc_error_set(e, CASC_ERR_PARSE, "DER: truncated or oversized length");
    if (s[2] == 0)
      return casc_error_set(e, CASC_ERR_PARSE, "DER: length with a leading zero octet");
    len = 0;
    for (size_t i = 0; i < n; i++)
      len = len << 8 | s[2 + i];
    if (len < 0x80)
      return casc_error_set(e, CASC_ERR_PARSE, "DER: long form for a short length");
    h = 2 + n;
  }
  if (len > avail - h)
    return casc_error_set(e, CASC_ERR_PARSE, "DER: value runs past the end (%zu > %zu)", len,
                          avail - h);
  out->tag = tag;
  out->hdr = s;
  out->hdr_len = h;
  out->val = s + h;
  out->len = len;
  *p = s + h + len;
  *left = avail - h - len;
  return CASC_OK;
}

casc_err casc_der_expect(const unsigned char **p, size_t *left, unsigned tag,
                         casc_der_tlv_t *out, casc_error *e) {
  const unsigned char *save = *p;
  size_t save_left = *left;
  casc_err rc = casc_der_next(p, left, out, e);
  if (rc == CASC_OK && out->tag != tag) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "DER: tag 0x%02x where 0x%02x was expected",
                        out->tag, tag);
    *p = save;
    *left = save_left;
  }
  return rc;
}

casc_err casc_der_check_integer(const unsigned char *val, size_t len, casc_error *e) {
  if (len == 0)
    return casc_error_set(e, CASC_ERR_PARSE, "DER: empty INTEGER");
  if (len > 1 && ((val[0] == 0x00 && (val[1] & 0x80) == 0) ||
                  (val[0] == 0xff && (val[1] & 0x80) != 0)))
    return casc_error_set(e, CASC_ERR_PARSE, "DER: INTEGER not minimally encoded");
  return CASC_OK;
}
