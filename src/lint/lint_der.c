/* The linter's recording TLV reader and the decoders shared by the
 * certificate, CRL and OCSP parsers: times, Names, AlgorithmIdentifiers,
 * GeneralNames, Extensions. See lint_internal.h. */
#include "lint_internal.h"

#include <stdio.h>
#include <string.h>

bool lint_next(lint_cur *c, lint_tlv *t, casc_lint_faults *f, const char *where) {
  const unsigned char *p = c->p;
  size_t left = (size_t)(c->end - p);
  if (left < 2)
    return false;
  unsigned tag = p[0];
  if ((tag & 0x1f) == 0x1f) /* high tag number: not used by anything we read */
    return false;
  size_t hl = 2, len = p[1];
  if (len & 0x80) {
    size_t n = len & 0x7f;
    if (n == 0 || n > sizeof(size_t) || n > left - 2) /* indefinite, or absurd */
      return false;
    len = 0;
    for (size_t i = 0; i < n; i++)
      len = (len << 8) | p[2 + i];
    hl = 2 + n;
    /* DER: the short form below 128, no leading zero octets */
    if (len < 0x80 || p[2] == 0)
      lint_fault(f, CASC_LF_NONMINIMAL_LENGTH, where);
  }
  if (len > left - hl)
    return false;
  t->tag = tag;
  t->hdr = p;
  t->val = p + hl;
  t->len = len;
  t->tlv_len = hl + len;
  c->p = p + hl + len;
  /* strings in the constructed form (BER only) */
  unsigned num = tag & 0x1f;
  if ((tag & 0xe0) == 0x20 && (num == 3 || num == 4 || (num >= 12 && num <= 30 && num != 16 && num != 17)))
    lint_fault(f, CASC_LF_CONSTRUCTED_STRING, where);
  return true;
}

bool lint_expect(lint_cur *c, unsigned tag, lint_tlv *t, casc_lint_faults *f, const char *where) {
  lint_cur save = *c;
  if (!lint_next(c, t, f, where) || t->tag != tag) {
    *c = save;
    return false;
  }
  return true;
}

bool lint_optional(lint_cur *c, unsigned tag, lint_tlv *t, casc_lint_faults *f, const char *where,
                   bool *bad) {
  if (lint_cur_peek(c) != tag)
    return false;
  if (!lint_next(c, t, f, where)) {
    *bad = true;
    return false;
  }
  return true;
}

void lint_done(const lint_cur *c, casc_lint_faults *f, const char *where) {
  if (c->p != c->end)
    lint_fault(f, CASC_LF_TRAILING_IN_VALUE, where);
}

void lint_check_integer(const lint_tlv *t, casc_lint_faults *f, const char *where) {
  if (t->len == 0) {
    lint_fault(f, CASC_LF_EMPTY_INTEGER, where);
    return;
  }
  if (t->len >= 2 && ((t->val[0] == 0 && !(t->val[1] & 0x80)) ||
                      (t->val[0] == 0xff && (t->val[1] & 0x80))))
    lint_fault(f, CASC_LF_NONMINIMAL_INTEGER, where);
}

bool lint_boolean(const lint_tlv *t, casc_lint_faults *f, const char *where) {
  if (t->len != 1 || (t->val[0] != 0 && t->val[0] != 0xff))
    lint_fault(f, CASC_LF_BAD_BOOLEAN, where);
  return t->len >= 1 && t->val[0] != 0;
}

bool lint_bitstring(const lint_tlv *t, casc_lint_faults *f, const char *where,
                    const unsigned char **bits, size_t *nbytes, unsigned *unused) {
  if (t->len == 0) {
    lint_fault(f, CASC_LF_BAD_BITSTRING, where);
    return false;
  }
  unsigned u = t->val[0];
  if (u > 7 || (t->len == 1 && u != 0)) {
    lint_fault(f, CASC_LF_BAD_BITSTRING, where);
    return false;
  }
  if (u && (t->val[t->len - 1] & ((1u << u) - 1)))
    lint_fault(f, CASC_LF_BAD_BITSTRING, where);
  *bits = t->val + 1;
  *nbytes = t->len - 1;
  *unused = u;
  return true;
}

bool lint_oid_ok(const unsigned char *p, size_t len) {
  if (len == 0 || (p[len - 1] & 0x80))
    return false;
  bool start = true;
  for (size_t i = 0; i < len; i++) {
    if (start && p[i] == 0x80) /* a leading 0x80 pads a subidentifier */
      return false;
    start = !(p[i] & 0x80);
  }
  return true;
}

bool lint_small_int(const lint_tlv *t, long *out) {
  if (t->len == 0 || t->len > 4 || (t->val[0] & 0x80))
    return false;
  long v = 0;
  for (size_t i = 0; i < t->len; i++)
    v = (v << 8) | t->val[i];
  *out = v;
  return true;
}

/* --- time ------------------------------------------------------------------- */
long casc_lint_days_from_civil(int y, int m, int d) {
  /* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's method). */
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static int digits(const unsigned char *p, size_t n, bool *ok) {
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9') {
      *ok = false;
      return 0;
    }
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

static int days_in_month(int y, int m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return dm[m - 1];
}

void lint_time(const lint_tlv *t, casc_lint_time *out, casc_lint_faults *f, const char *where) {
  memset(out, 0, sizeof *out);
  out->present = true;
  out->tag = t->tag;
  out->value = lint_val_bytes(t);
  const unsigned char *s = t->val;
  size_t n = t->len;
  bool ok = true;
  int y, i = 0;
  if (t->tag == CASC_DER_UTCTIME) {
    if (n < 10)
      goto bad;
    y = digits(s, 2, &ok);
    y += y < 50 ? 2000 : 1900;
    i = 2;
  } else if (t->tag == CASC_DER_GENERALIZEDTIME) {
    if (n < 10)
      goto bad;
    y = digits(s, 4, &ok);
    i = 4;
  } else {
    goto bad;
  }
  int mo = digits(s + i, 2, &ok), d = digits(s + i + 2, 2, &ok), h = digits(s + i + 4, 2, &ok);
  i += 6;
  int mi = 0, sec = 0;
  bool has_min = false, has_sec = false;
  if ((size_t)i + 2 <= n && s[i] >= '0' && s[i] <= '9') {
    mi = digits(s + i, 2, &ok);
    i += 2;
    has_min = true;
  }
  if ((size_t)i + 2 <= n && s[i] >= '0' && s[i] <= '9') {
    sec = digits(s + i, 2, &ok);
    i += 2;
    has_sec = true;
  }
  bool frac = false;
  if ((size_t)i < n && (s[i] == '.' || s[i] == ',') && t->tag == CASC_DER_GENERALIZEDTIME) {
    frac = true;
    i++;
    while ((size_t)i < n && s[i] >= '0' && s[i] <= '9')
      i++;
  }
  long off = 0;
  bool zulu = false;
  if ((size_t)i < n && s[i] == 'Z') {
    zulu = true;
    i++;
  } else if ((size_t)i + 5 <= n && (s[i] == '+' || s[i] == '-')) {
    int oh = digits(s + i + 1, 2, &ok), om = digits(s + i + 3, 2, &ok);
    off = (oh * 60L + om) * 60L * (s[i] == '+' ? 1 : -1);
    i += 5;
  } else if (t->tag == CASC_DER_UTCTIME) {
    ok = false; /* UTCTime needs a zone */
  }
  if (!ok || (size_t)i != n || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
      mi > 59 || sec > 60)
    goto bad;
  out->ok_parse = true;
  out->t = (time_t)casc_lint_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
  out->ok_der = zulu && has_min && has_sec && !frac && sec < 60 &&
                n == (t->tag == CASC_DER_UTCTIME ? 13u : 15u);
  if (!out->ok_der)
    lint_fault(f, CASC_LF_BAD_TIME, where);
  return;
bad:
  lint_fault(f, CASC_LF_BAD_TIME, where);
}

/* --- names -------------------------------------------------------------------- */
static int tlv_cmp(const lint_tlv *a, const lint_tlv *b) {
  size_t n = a->tlv_len < b->tlv_len ? a->tlv_len : b->tlv_len;
  int c = memcmp(a->hdr, b->hdr, n);
  if (c != 0)
    return c;
  return a->tlv_len < b->tlv_len ? -1 : a->tlv_len > b->tlv_len;
}

bool lint_name(const lint_tlv *t, casc_lint_name *out, casc_lint_faults *f, const char *where) {
  out->raw = lint_tlv_bytes(t);
  out->n_rdn = out->n_attr = 0;
  out->truncated = out->empty_rdn = false;
  if (t->tag != CASC_DER_SEQUENCE)
    return false;
  lint_cur c = lint_cur_of(t->val, t->len);
  while (!lint_cur_empty(&c)) {
    lint_tlv set;
    if (!lint_expect(&c, CASC_DER_SET, &set, f, where))
      return false;
    lint_cur sc = lint_cur_of(set.val, set.len);
    size_t first = out->n_attr, count = 0;
    lint_tlv prev = {0};
    if (lint_cur_empty(&sc))
      out->empty_rdn = true;
    while (!lint_cur_empty(&sc)) {
      lint_tlv atv, type, val;
      if (!lint_expect(&sc, CASC_DER_SEQUENCE, &atv, f, where))
        return false;
      if (count > 0 && tlv_cmp(&prev, &atv) > 0)
        lint_fault(f, CASC_LF_SET_ORDER, where);
      prev = atv;
      lint_cur ac = lint_cur_of(atv.val, atv.len);
      if (!lint_expect(&ac, CASC_DER_OID, &type, f, where) || !lint_next(&ac, &val, f, where))
        return false;
      if (!lint_oid_ok(type.val, type.len))
        lint_fault(f, CASC_LF_BAD_OID, where);
      lint_done(&ac, f, where);
      count++;
      if (out->n_attr < CASC_LINT_MAX_ATTR) {
        casc_lint_attr *a = &out->attr[out->n_attr++];
        a->type = lint_val_bytes(&type);
        a->tag = val.tag;
        a->value = lint_val_bytes(&val);
        a->rdn = (uint16_t)out->n_rdn;
        a->multi = false;
      } else {
        out->truncated = true;
      }
    }
    if (count > 1)
      for (size_t i = first; i < out->n_attr; i++)
        out->attr[i].multi = true;
    out->n_rdn++;
  }
  return true;
}

bool lint_algid(const lint_tlv *t, casc_lint_bytes *oid, casc_lint_bytes *params,
                casc_lint_faults *f, const char *where) {
  if (t->tag != CASC_DER_SEQUENCE)
    return false;
  lint_cur c = lint_cur_of(t->val, t->len);
  lint_tlv o, p;
  if (!lint_expect(&c, CASC_DER_OID, &o, f, where))
    return false;
  if (!lint_oid_ok(o.val, o.len))
    lint_fault(f, CASC_LF_BAD_OID, where);
  *oid = lint_val_bytes(&o);
  *params = lint_bytes(NULL, 0);
  if (!lint_cur_empty(&c)) {
    if (!lint_next(&c, &p, f, where))
      return false;
    if (p.tag == CASC_DER_NULL && p.len != 0)
      lint_fault(f, CASC_LF_BAD_NULL, where);
    *params = lint_tlv_bytes(&p);
  }
  lint_done(&c, f, where);
  return true;
}

bool lint_gn(const lint_tlv *t, casc_lint_gn *out, casc_lint_faults *f, const char *where) {
  if ((t->tag & 0xc0) != 0x80)
    return false;
  out->type = t->tag & 0x1f;
  out->constructed = (t->tag & 0x20) != 0;
  out->value = lint_val_bytes(t);
  if (out->type > 8)
    return false;
  /* directoryName is EXPLICIT: the Name inside; the others are what they are. */
  if (out->type == CASC_GN_DIRNAME) {
    lint_cur c = lint_cur_of(t->val, t->len);
    lint_tlv n;
    if (!out->constructed || !lint_expect(&c, CASC_DER_SEQUENCE, &n, f, where))
      return false;
    lint_done(&c, f, where);
    out->value = lint_tlv_bytes(&n);
  } else if (out->type == CASC_GN_OTHER || out->type == CASC_GN_X400 || out->type == CASC_GN_EDI) {
    if (!out->constructed)
      return false;
  } else if (out->constructed) {
    return false;
  }
  return true;
}

bool lint_gns(const unsigned char *p, size_t len, casc_lint_gn *gn, size_t max, size_t *n,
              size_t *total, casc_lint_faults *f, const char *where) {
  lint_cur c = lint_cur_of(p, len);
  *n = 0;
  *total = 0;
  while (!lint_cur_empty(&c)) {
    lint_tlv t;
    casc_lint_gn g;
    if (!lint_next(&c, &t, f, where) || !lint_gn(&t, &g, f, where))
      return false;
    if (*n < max)
      gn[(*n)++] = g;
    (*total)++;
  }
  return true;
}

/* --- extensions ----------------------------------------------------------------- */
static const struct {
  const char *oid;
  size_t len;
  casc_lint_ext_id id;
} ext_ids[] = {
#define E(lit, id) {lit, sizeof(lit) - 1, id}
    E("\x55\x1d\x13", CASC_LINT_EXT_BC),
    E("\x55\x1d\x0f", CASC_LINT_EXT_KU),
    E("\x55\x1d\x25", CASC_LINT_EXT_EKU),
    E("\x55\x1d\x11", CASC_LINT_EXT_SAN),
    E("\x55\x1d\x12", CASC_LINT_EXT_IAN),
    E("\x55\x1d\x23", CASC_LINT_EXT_AKI),
    E("\x55\x1d\x0e", CASC_LINT_EXT_SKI),
    E("\x55\x1d\x1f", CASC_LINT_EXT_CRLDP),
    E("\x2b\x06\x01\x05\x05\x07\x01\x01", CASC_LINT_EXT_AIA),
    E("\x2b\x06\x01\x05\x05\x07\x01\x0b", CASC_LINT_EXT_SIA),
    E("\x55\x1d\x20", CASC_LINT_EXT_CP),
    E("\x55\x1d\x21", CASC_LINT_EXT_PM),
    E("\x55\x1d\x1e", CASC_LINT_EXT_NC),
    E("\x55\x1d\x24", CASC_LINT_EXT_PC),
    E("\x55\x1d\x36", CASC_LINT_EXT_IAP),
    E("\x55\x1d\x2e", CASC_LINT_EXT_FRESHEST),
    E("\x55\x1d\x09", CASC_LINT_EXT_SDA),
    E("\x2b\x06\x01\x04\x01\xd6\x79\x02\x04\x03", CASC_LINT_EXT_CT_POISON),
    E("\x2b\x06\x01\x04\x01\xd6\x79\x02\x04\x02", CASC_LINT_EXT_SCT),
    E("\x2b\x06\x01\x05\x05\x07\x01\x18", CASC_LINT_EXT_TLS_FEATURE),
    E("\x2b\x06\x01\x05\x05\x07\x30\x01\x05", CASC_LINT_EXT_OCSP_NOCHECK),
    E("\x55\x1d\x10", CASC_LINT_EXT_PRIVKEY_USAGE),
    E("\x55\x1d\x14", CASC_LINT_EXT_CRL_NUMBER),
    E("\x55\x1d\x1b", CASC_LINT_EXT_DELTA_CRL),
    E("\x55\x1d\x1c", CASC_LINT_EXT_IDP),
    E("\x55\x1d\x15", CASC_LINT_EXT_REASON),
    E("\x55\x1d\x18", CASC_LINT_EXT_INVALIDITY),
    E("\x55\x1d\x1d", CASC_LINT_EXT_CERT_ISSUER),
    E("\x2b\x06\x01\x05\x05\x07\x30\x01\x02", CASC_LINT_EXT_OCSP_NONCE),
    E("\x2b\x06\x01\x05\x05\x07\x30\x01\x03", CASC_LINT_EXT_OCSP_CRLID),
    E("\x2b\x06\x01\x05\x05\x07\x30\x01\x06", CASC_LINT_EXT_OCSP_ARCHIVE),
    E("\x2b\x06\x01\x05\x05\x07\x30\x01\x07", CASC_LINT_EXT_OCSP_SERVICE_LOCATOR),
#undef E
};

casc_lint_ext_id lint_ext_id(casc_lint_bytes oid) {
  for (size_t i = 0; i < sizeof ext_ids / sizeof ext_ids[0]; i++)
    if (oid.len == ext_ids[i].len && memcmp(oid.p, ext_ids[i].oid, oid.len) == 0)
      return ext_ids[i].id;
  return CASC_LINT_EXT_OTHER;
}

bool lint_extensions(const lint_tlv *t, casc_lint_ext *ext, size_t max, size_t *n, bool *truncated,
                     bool *duplicate, casc_lint_bytes *dup_oid, const casc_lint_ext **by_id,
                     casc_lint_faults *f, const char *where) {
  *n = 0;
  if (t->tag != CASC_DER_SEQUENCE)
    return false;
  lint_cur c = lint_cur_of(t->val, t->len);
  if (lint_cur_empty(&c))
    lint_fault(f, CASC_LF_EMPTY_SEQUENCE, where);
  while (!lint_cur_empty(&c)) {
    lint_tlv e, oid, crit, val;
    if (!lint_expect(&c, CASC_DER_SEQUENCE, &e, f, where))
      return false;
    lint_cur ec = lint_cur_of(e.val, e.len);
    if (!lint_expect(&ec, CASC_DER_OID, &oid, f, where))
      return false;
    if (!lint_oid_ok(oid.val, oid.len))
      lint_fault(f, CASC_LF_BAD_OID, where);
    casc_lint_ext x = {.raw = lint_tlv_bytes(&e), .oid = lint_val_bytes(&oid)};
    bool bad = false;
    if (lint_optional(&ec, CASC_DER_BOOLEAN, &crit, f, where, &bad)) {
      x.critical_present = true;
      x.critical = lint_boolean(&crit, f, where);
      if (!x.critical)
        lint_fault(f, CASC_LF_DEFAULT_ENCODED, where);
    }
    if (bad || !lint_expect(&ec, CASC_DER_OCTET_STRING, &val, f, where))
      return false;
    lint_done(&ec, f, where);
    x.value = lint_val_bytes(&val);
    x.id = lint_ext_id(x.oid);
    x.decoded_ok = true;
    for (size_t i = 0; i < *n; i++)
      if (casc_lint_bytes_eq(ext[i].oid, x.oid)) {
        if (duplicate != NULL && !*duplicate) {
          *duplicate = true;
          if (dup_oid != NULL)
            *dup_oid = x.oid;
        }
        break;
      }
    if (*n < max) {
      ext[*n] = x;
      if (by_id != NULL && x.id != CASC_LINT_EXT_OTHER && by_id[x.id] == NULL)
        by_id[x.id] = &ext[*n];
      (*n)++;
    } else if (truncated != NULL) {
      *truncated = true;
    }
  }
  return true;
}

/* --- small helpers ---------------------------------------------------------------- */
bool casc_lint_bytes_eq(casc_lint_bytes a, casc_lint_bytes b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

const char *casc_lint_printable(casc_lint_bytes v, char *buf, size_t bufsz) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  if (bufsz < 8) {
    if (bufsz > 0)
      buf[0] = '\0';
    return buf;
  }
  for (size_t i = 0; i < v.len; i++) {
    unsigned char ch = v.p[i];
    size_t need = (ch >= 0x20 && ch < 0x7f && ch != '\\') ? 1 : (ch == '\\' ? 2 : 4);
    if (o + need + 4 > bufsz) { /* keep room for "..." and the NUL */
      memcpy(buf + o, "...", 3);
      o += 3;
      break;
    }
    if (need == 1) {
      buf[o++] = (char)ch;
    } else if (need == 2) {
      buf[o++] = '\\';
      buf[o++] = '\\';
    } else {
      buf[o++] = '\\';
      buf[o++] = 'x';
      buf[o++] = hex[ch >> 4];
      buf[o++] = hex[ch & 15];
    }
  }
  buf[o] = '\0';
  return buf;
}

const char *casc_lint_oid_str(casc_lint_bytes oid, char *buf, size_t bufsz) {
  if (bufsz == 0)
    return buf;
  if (!lint_oid_ok(oid.p, oid.len) || oid.len > 64) {
    snprintf(buf, bufsz, "?");
    return buf;
  }
  size_t o = 0;
  unsigned long long v = 0;
  bool first = true;
  buf[0] = '\0';
  for (size_t i = 0; i < oid.len && o < bufsz; i++) {
    v = (v << 7) | (oid.p[i] & 0x7f);
    if (oid.p[i] & 0x80)
      continue;
    int w;
    if (first) {
      unsigned long long a = v < 40 ? 0 : v < 80 ? 1 : 2;
      w = snprintf(buf + o, bufsz - o, "%llu.%llu", a, v - a * 40);
      first = false;
    } else {
      w = snprintf(buf + o, bufsz - o, ".%llu", v);
    }
    if (w < 0)
      break;
    o += (size_t)w;
    v = 0;
  }
  return buf;
}

const casc_lint_attr *casc_lint_name_find(const casc_lint_name *n, const char *oid, size_t oid_len) {
  for (size_t i = 0; i < n->n_attr; i++)
    if (n->attr[i].type.len == oid_len && memcmp(n->attr[i].type.p, oid, oid_len) == 0)
      return &n->attr[i];
  return NULL;
}
