/* The CRL index: one strict pass over a CRL's DER, a sorted array of
 * fixed-size keys, binary-search lookups. See casc/crlindex.h for why. */
#include "index_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The smallest entry the scan accepts: a SEQUENCE header (2), a one-octet
 * INTEGER (3) and a UTCTime (15). It bounds the slot array up front. */
#define CRL_MIN_ENTRY 20

static int two(const unsigned char *s) {
  if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
    return -1;
  return (s[0] - '0') * 10 + (s[1] - '0');
}

casc_err crl_time(const casc_der_tlv_t *t, time_t *out, casc_error *e) {
  const unsigned char *s = t->val;
  int year, i = 0;
  if (t->tag == CASC_DER_UTCTIME && t->len == 13) {
    year = two(s);
    year = year < 0 ? -1 : year + (year >= 50 ? 1900 : 2000);
    i = 2;
  } else if (t->tag == CASC_DER_GENERALIZEDTIME && t->len == 15) {
    int hi = two(s), lo = two(s + 2);
    year = hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
    i = 4;
  } else {
    return casc_error_set(e, CASC_ERR_PARSE, "not a UTCTime or GeneralizedTime of RFC 5280's form");
  }
  int mon = two(s + i), day = two(s + i + 2), hh = two(s + i + 4), mm = two(s + i + 6),
      ss = two(s + i + 8);
  if (year < 0 || mon < 1 || mon > 12 || day < 1 || day > 31 || hh < 0 || hh > 23 || mm < 0 ||
      mm > 59 || ss < 0 || ss > 59 || s[i + 10] != 'Z')
    return casc_error_set(e, CASC_ERR_PARSE, "malformed time");
  struct tm tm = {.tm_year = year - 1900, .tm_mon = mon - 1, .tm_mday = day, .tm_hour = hh,
                  .tm_min = mm, .tm_sec = ss};
  time_t v = timegm(&tm);
  if (tm.tm_mday != day || tm.tm_mon != mon - 1) /* timegm normalised 31 April */
    return casc_error_set(e, CASC_ERR_PARSE, "malformed time (no such day)");
  *out = v;
  return CASC_OK;
}

static uint64_t key_of(const unsigned char *serial, size_t len) {
  uint64_t k = (uint64_t)len << 56;
  for (size_t i = 0; i < 7 && i < len; i++)
    k |= (uint64_t)serial[i] << (48 - 8 * i);
  return k;
}

/* The serial's contents: past the entry's header (the scan checked it is
 * DER with a length of at most four octets) and the INTEGER's two. */
static const unsigned char *slot_serial(const casc_crl_index *ix, const crl_slot *s) {
  const unsigned char *p = ix->der + s->entry_off;
  return p + (p[1] < 0x80 ? 2 : 2 + (p[1] & 0x7f)) + 2;
}

static size_t slot_len(const crl_slot *s) { return (size_t)(s->key >> 56); }

/* The index order: by key, then (same length, same first octets) by the
 * remaining octets. */
static int slot_cmp_serial(const casc_crl_index *ix, const crl_slot *s, uint64_t key,
                           const unsigned char *serial, size_t len) {
  if (s->key != key)
    return s->key < key ? -1 : 1;
  if (len <= 7)
    return 0;
  return memcmp(slot_serial(ix, s) + 7, serial + 7, len - 7);
}

static int slot_cmp(const void *a, const void *b, void *arg) {
  const casc_crl_index *ix = arg;
  const crl_slot *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return slot_cmp_serial(ix, x, y->key, slot_serial(ix, y), slot_len(y));
}

/* LSD radix sort on the keys (8 passes of a byte, skipping the passes in
 * which every key has the same byte), then ties ordered by their tails.
 * qsort's comparisons through a function pointer cost three times more
 * on a million entries. */
static casc_err sort_slots(casc_crl_index *ix, casc_error *e) {
  size_t n = ix->n;
  crl_slot *tmp = malloc(n * sizeof *tmp);
  if (tmp == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory (%zu CRL entries)", n);
  crl_slot *src = ix->slots, *dst = tmp;
  for (int pass = 0; pass < 8; pass++) {
    unsigned shift = 8u * (unsigned)pass;
    size_t count[256] = {0};
    for (size_t i = 0; i < n; i++)
      count[(src[i].key >> shift) & 0xff]++;
    if (count[(src[0].key >> shift) & 0xff] == n)
      continue; /* every key has this byte */
    size_t pos = 0;
    for (int b = 0; b < 256; b++) {
      size_t c = count[b];
      count[b] = pos;
      pos += c;
    }
    for (size_t i = 0; i < n; i++)
      dst[count[(src[i].key >> shift) & 0xff]++] = src[i];
    crl_slot *t = src;
    src = dst;
    dst = t;
  }
  if (src != ix->slots)
    memcpy(ix->slots, src, n * sizeof *src);
  free(tmp);
  /* runs of equal keys: serials longer than seven octets that share them */
  for (size_t i = 0; i + 1 < n;) {
    size_t j = i + 1;
    while (j < n && ix->slots[j].key == ix->slots[i].key)
      j++;
    if (j - i > 1 && (ix->slots[i].key >> 56) > 7)
      qsort_r(ix->slots + i, j - i, sizeof *ix->slots, slot_cmp, ix);
    i = j;
  }
  return CASC_OK;
}

/* Prefixes e's message with what was being read. */
static casc_err wrap(casc_error *e, casc_err rc, const char *what) {
  if (e != NULL) {
    char msg[sizeof e->msg];
    memcpy(msg, e->msg, sizeof msg);
    casc_error_set(e, rc, "%s: %s", what, msg);
  }
  return rc;
}

static casc_err scan_entries(casc_crl_index *ix, const casc_der_tlv_t *list, bool v2,
                             casc_error *e) {
  size_t cap = list->len / CRL_MIN_ENTRY + 1;
  /* untouched pages of this bound cost no memory; it is trimmed below */
  ix->slots = malloc(cap * sizeof *ix->slots);
  if (ix->slots == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory (CRL of %zu bytes)", list->len);
  const unsigned char *p = list->val;
  size_t left = list->len;
  bool sorted = true;
  casc_err rc = CASC_OK;
  while (left > 0) {
    casc_der_tlv_t ent, ser, t, ext;
    if ((rc = casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &ent, e)) != CASC_OK)
      break;
    const unsigned char *q = ent.val;
    size_t ql = ent.len;
    if ((rc = casc_der_expect(&q, &ql, CASC_DER_INTEGER, &ser, e)) != CASC_OK ||
        (rc = casc_der_check_integer(ser.val, ser.len, e)) != CASC_OK)
      break;
    if (ser.len > CRL_SERIAL_MAX) {
      rc = casc_error_set(e, CASC_ERR_PARSE, "serial of %zu octets (at most %d)", ser.len,
                          CRL_SERIAL_MAX);
      break;
    }
    if ((rc = casc_der_next(&q, &ql, &t, e)) != CASC_OK)
      break;
    if (!((t.tag == CASC_DER_UTCTIME && t.len == 13) ||
          (t.tag == CASC_DER_GENERALIZEDTIME && t.len == 15)) ||
        t.val[t.len - 1] != 'Z') {
      rc = casc_error_set(e, CASC_ERR_PARSE, "revocationDate is not an RFC 5280 time");
      break;
    }
    if (ql > 0) {
      if ((rc = casc_der_expect(&q, &ql, CASC_DER_SEQUENCE, &ext, e)) != CASC_OK)
        break;
      if (ql > 0 || !v2) {
        rc = casc_error_set(e, CASC_ERR_PARSE,
                            ql > 0 ? "bytes after crlEntryExtensions"
                                   : "entry extensions in a v1 CRL");
        break;
      }
    }
    crl_slot *s = &ix->slots[ix->n];
    s->key = key_of(ser.val, ser.len);
    s->entry_off = (uint32_t)(ent.hdr - ix->der);
    if (sorted && ix->n > 0 &&
        slot_cmp_serial(ix, s - 1, s->key, ser.val, ser.len) > 0)
      sorted = false;
    ix->n++;
  }
  if (rc != CASC_OK) {
    char what[64];
    snprintf(what, sizeof what, "revokedCertificates entry %zu", ix->n + 1);
    return wrap(e, rc, what);
  }
  ix->info.entries = ix->n;
  if (ix->n == 0)
    return CASC_OK;
  crl_slot *trimmed = realloc(ix->slots, ix->n * sizeof *ix->slots);
  if (trimmed != NULL)
    ix->slots = trimmed;
  return sorted ? CASC_OK : sort_slots(ix, e);
}

/* Extension OIDs as their DER contents. */
static const unsigned char OID_CRL_NUMBER[] = {0x55, 0x1d, 0x14};
static const unsigned char OID_DELTA[] = {0x55, 0x1d, 0x1b};
static const unsigned char OID_IDP[] = {0x55, 0x1d, 0x1c};
static const unsigned char OID_AKI[] = {0x55, 0x1d, 0x23};
static const unsigned char OID_FRESHEST[] = {0x55, 0x1d, 0x2e};
static const unsigned char OID_ISSUER_ALT[] = {0x55, 0x1d, 0x12};
static const unsigned char OID_EXPIRED_ON_CRL[] = {0x55, 0x1d, 0x3c};
static const unsigned char OID_AIA[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01};

static bool oid_is(const casc_der_tlv_t *oid, const unsigned char *want, size_t n) {
  return oid->len == n && memcmp(oid->val, want, n) == 0;
}

casc_err crl_read_extension(const casc_der_tlv_t *ext, casc_der_tlv_t *oid, bool *critical,
                            casc_der_tlv_t *value, casc_error *e) {
  const unsigned char *p = ext->val;
  size_t left = ext->len;
  casc_err rc = casc_der_expect(&p, &left, CASC_DER_OID, oid, e);
  if (rc != CASC_OK)
    return rc;
  *critical = false;
  if (left > 0 && p[0] == CASC_DER_BOOLEAN) {
    casc_der_tlv_t b;
    if ((rc = casc_der_next(&p, &left, &b, e)) != CASC_OK)
      return rc;
    if (b.len != 1 || b.val[0] != 0xff)
      return casc_error_set(e, CASC_ERR_PARSE, "critical must be absent or TRUE (0xff) in DER");
    *critical = true;
  }
  if ((rc = casc_der_expect(&p, &left, CASC_DER_OCTET_STRING, value, e)) != CASC_OK)
    return rc;
  if (left > 0 || oid->len == 0)
    return casc_error_set(e, CASC_ERR_PARSE, "malformed Extension");
  return CASC_OK;
}

static casc_err read_number(casc_crl_index *ix, const casc_der_tlv_t *v, casc_error *e) {
  const unsigned char *p = v->val;
  size_t left = v->len;
  casc_der_tlv_t n;
  casc_err rc = casc_der_expect(&p, &left, CASC_DER_INTEGER, &n, e);
  if (rc == CASC_OK)
    rc = casc_der_check_integer(n.val, n.len, e);
  if (rc != CASC_OK)
    return rc;
  if (left > 0 || n.len > 20 || (n.val[0] & 0x80) != 0)
    return casc_error_set(e, CASC_ERR_PARSE, "CRLNumber must be a non-negative INTEGER of at "
                                             "most 20 octets (RFC 5280 5.2.3)");
  ix->info.has_number = true;
  casc_hex_encode(n.val, n.len, ix->info.number_hex);
  return CASC_OK;
}

static casc_err read_idp(casc_crl_index *ix, const casc_der_tlv_t *v, casc_error *e) {
  const unsigned char *p = v->val;
  ix->idp = d2i_ISSUING_DIST_POINT(NULL, &p, (long)v->len);
  if (ix->idp == NULL || p != v->val + v->len)
    return casc_error_ssl(e, CASC_ERR_PARSE, "malformed IssuingDistributionPoint");
  casc_crl_index_info *in = &ix->info;
  in->has_idp = true;
  in->idp_user_only = ix->idp->onlyuser > 0;
  in->idp_ca_only = ix->idp->onlyCA > 0;
  in->idp_attr_only = ix->idp->onlyattr > 0;
  in->idp_indirect = ix->idp->indirectCRL > 0;
  in->idp_some_reasons = ix->idp->onlysomereasons != NULL;
  const DIST_POINT_NAME *dpn = ix->idp->distpoint;
  if (dpn != NULL && dpn->type == 0)
    for (int i = 0; i < sk_GENERAL_NAME_num(dpn->name.fullname); i++)
      if (sk_GENERAL_NAME_value(dpn->name.fullname, i)->type == GEN_URI)
        in->idp_uris++;
  return CASC_OK;
}

static casc_err read_crl_extensions(casc_crl_index *ix, const casc_der_tlv_t *wrapper,
                                    casc_error *e) {
  const unsigned char *p = wrapper->val;
  size_t left = wrapper->len;
  casc_der_tlv_t list;
  casc_err rc = casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &list, e);
  if (rc != CASC_OK)
    return rc;
  if (left > 0 || list.len == 0)
    return casc_error_set(e, CASC_ERR_PARSE, "crlExtensions: malformed or empty");
  p = list.val;
  left = list.len;
  unsigned seen = 0;
  while (left > 0 && rc == CASC_OK) {
    casc_der_tlv_t ext, oid, val;
    bool critical;
    if ((rc = casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &ext, e)) != CASC_OK ||
        (rc = crl_read_extension(&ext, &oid, &critical, &val, e)) != CASC_OK)
      break;
    unsigned bit = 0;
    if (oid_is(&oid, OID_CRL_NUMBER, sizeof OID_CRL_NUMBER)) {
      bit = 1;
      rc = read_number(ix, &val, e);
    } else if (oid_is(&oid, OID_DELTA, sizeof OID_DELTA)) {
      bit = 2;
      ix->info.delta = true;
    } else if (oid_is(&oid, OID_IDP, sizeof OID_IDP)) {
      bit = 4;
      rc = read_idp(ix, &val, e);
    } else if (oid_is(&oid, OID_AKI, sizeof OID_AKI)) {
      bit = 8;
    } else if (oid_is(&oid, OID_FRESHEST, sizeof OID_FRESHEST)) {
      bit = 16;
    } else if (oid_is(&oid, OID_ISSUER_ALT, sizeof OID_ISSUER_ALT)) {
      bit = 32;
    } else if (oid_is(&oid, OID_EXPIRED_ON_CRL, sizeof OID_EXPIRED_ON_CRL)) {
      bit = 64;
    } else if (oid_is(&oid, OID_AIA, sizeof OID_AIA)) {
      bit = 128;
    } else if (critical) {
      rc = casc_error_set(e, CASC_ERR_PARSE, "unknown critical CRL extension (RFC 5280 5.2)");
    }
    if (rc == CASC_OK && bit != 0 && (seen & bit) != 0)
      rc = casc_error_set(e, CASC_ERR_PARSE, "an extension appears twice");
    seen |= bit;
  }
  return rc;
}

/* CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }
 * TBSCertList ::= SEQUENCE { version INTEGER OPTIONAL, signature, issuer,
 *   thisUpdate, nextUpdate OPTIONAL, revokedCertificates OPTIONAL,
 *   crlExtensions [0] EXPLICIT OPTIONAL } */
static casc_err parse(casc_crl_index *ix, casc_error *e) {
  const unsigned char *p = ix->der;
  size_t left = ix->len;
  casc_der_tlv_t outer, t;
  casc_err rc = casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &outer, e);
  if (rc != CASC_OK)
    return wrap(e, rc, "CertificateList");
  if (left != 0)
    return casc_error_set(e, CASC_ERR_PARSE, "trailing bytes after the CRL");
  p = outer.val;
  left = outer.len;
  if ((rc = casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &ix->tbs, e)) != CASC_OK ||
      (rc = casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &ix->outer_alg, e)) != CASC_OK ||
      (rc = casc_der_expect(&p, &left, CASC_DER_BIT_STRING, &ix->sig, e)) != CASC_OK)
    return wrap(e, rc, "CertificateList");
  if (left != 0)
    return casc_error_set(e, CASC_ERR_PARSE, "CertificateList: bytes after signatureValue");
  if (ix->sig.len < 2 || ix->sig.val[0] != 0)
    return casc_error_set(e, CASC_ERR_PARSE, "signatureValue: empty or with unused bits");

  p = ix->tbs.val;
  left = ix->tbs.len;
  bool v2 = false;
  if (left > 0 && p[0] == CASC_DER_INTEGER) {
    if ((rc = casc_der_next(&p, &left, &t, e)) != CASC_OK)
      return wrap(e, rc, "version");
    if (t.len != 1 || t.val[0] != 1)
      return casc_error_set(e, CASC_ERR_PARSE, "version: only v2 (1) may be written (RFC 5280 "
                                               "5.1.2.1)");
    v2 = true;
  }
  if ((rc = casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &ix->inner_alg, e)) != CASC_OK)
    return wrap(e, rc, "signature");
  if ((rc = casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &ix->issuer, e)) != CASC_OK)
    return wrap(e, rc, "issuer");
  if ((rc = casc_der_next(&p, &left, &t, e)) != CASC_OK ||
      (rc = crl_time(&t, &ix->info.this_update, e)) != CASC_OK)
    return wrap(e, rc, "thisUpdate");
  if (left > 0 && (p[0] == CASC_DER_UTCTIME || p[0] == CASC_DER_GENERALIZEDTIME) &&
      ((rc = casc_der_next(&p, &left, &t, e)) != CASC_OK ||
       (rc = crl_time(&t, &ix->info.next_update, e)) != CASC_OK))
    return wrap(e, rc, "nextUpdate");
  if (left > 0 && p[0] == CASC_DER_SEQUENCE) {
    if ((rc = casc_der_next(&p, &left, &t, e)) != CASC_OK ||
        (rc = scan_entries(ix, &t, v2, e)) != CASC_OK)
      return rc;
  }
  if (left > 0 && p[0] == (CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0)) {
    if (!v2)
      return casc_error_set(e, CASC_ERR_PARSE, "crlExtensions in a v1 CRL");
    if ((rc = casc_der_next(&p, &left, &t, e)) != CASC_OK ||
        (rc = read_crl_extensions(ix, &t, e)) != CASC_OK)
      return wrap(e, rc, "crlExtensions");
  }
  if (left > 0)
    return casc_error_set(e, CASC_ERR_PARSE, "TBSCertList: unexpected field (tag 0x%02x)", p[0]);
  return CASC_OK;
}

static casc_err finish_load(casc_crl_index *ix, casc_crl_index **out, casc_error *e) {
  casc_err rc = CASC_OK;
  if (ix->len > UINT32_MAX)
    rc = casc_error_set(e, CASC_ERR_PARSE, "CRL of %zu bytes: at most 4 GiB", ix->len);
  else
    rc = parse(ix, e);
  if (rc != CASC_OK) {
    casc_crl_index_free(ix);
    return rc;
  }
  *out = ix;
  return CASC_OK;
}

static casc_err from_pem(casc_crl_index *ix, const unsigned char *text, size_t len,
                         casc_error *e);

casc_err casc_crl_index_load(const unsigned char *der, size_t len, casc_crl_index **out,
                             casc_error *e) {
  *out = NULL;
  /* some distribution points serve PEM although RFC 5280 4.2.1.13 says DER */
  if (len > 0 && der[0] != CASC_DER_SEQUENCE &&
      memmem(der, len < 1024 ? len : 1024, "-----BEGIN", 10) != NULL) {
    casc_crl_index *ix = calloc(1, sizeof *ix);
    if (ix == NULL)
      return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    casc_err rc = from_pem(ix, der, len, e);
    if (rc != CASC_OK) {
      casc_crl_index_free(ix);
      return rc;
    }
    return finish_load(ix, out, e);
  }
  casc_crl_index *ix = calloc(1, sizeof *ix);
  if (ix == NULL || (ix->der = malloc(len > 0 ? len : 1)) == NULL) {
    free(ix);
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  }
  if (len > 0)
    memcpy(ix->der, der, len);
  ix->len = len;
  ix->owner = CRL_OWN_MALLOC;
  return finish_load(ix, out, e);
}

casc_err casc_crl_index_adopt(unsigned char *der, size_t len, casc_crl_index **out,
                              casc_error *e) {
  *out = NULL;
  if (len == 0 || der[0] != CASC_DER_SEQUENCE) { /* PEM, or nothing: the copying path */
    casc_err rc = casc_crl_index_load(der, len, out, e);
    free(der);
    return rc;
  }
  casc_crl_index *ix = calloc(1, sizeof *ix);
  if (ix == NULL) {
    free(der);
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  }
  ix->der = der;
  ix->len = len;
  ix->owner = CRL_OWN_MALLOC;
  return finish_load(ix, out, e);
}

/* PEM "X509 CRL" to DER; the first such block. */
static casc_err from_pem(casc_crl_index *ix, const unsigned char *text, size_t len,
                         casc_error *e) {
  BIO *bio = BIO_new_mem_buf(text, len > INT32_MAX ? INT32_MAX : (int)len);
  char *name = NULL, *header = NULL;
  unsigned char *data = NULL;
  long n = 0;
  casc_err rc = CASC_OK;
  if (bio == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  for (;;) {
    if (PEM_read_bio(bio, &name, &header, &data, &n) != 1) {
      rc = casc_error_set(e, CASC_ERR_PARSE, "no PEM \"X509 CRL\" block");
      break;
    }
    if (strcmp(name, PEM_STRING_X509_CRL) == 0) {
      ix->der = data;
      ix->len = (size_t)n;
      ix->owner = CRL_OWN_OPENSSL;
      data = NULL;
      break;
    }
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
    name = header = NULL;
    data = NULL;
  }
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  BIO_free(bio);
  ERR_clear_error();
  return rc;
}

casc_err casc_crl_index_load_file(const char *path, casc_crl_index **out, casc_error *e) {
  *out = NULL;
  casc_crl_index *ix = calloc(1, sizeof *ix);
  casc_err rc = CASC_OK;
  struct stat st;
  int fd = -1;
  if (ix == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fstat(fd, &st) != 0) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: %s", path, strerror(errno));
    goto out;
  }
  if (!S_ISREG(st.st_mode) || st.st_size == 0) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "%s: %s", path,
                        S_ISREG(st.st_mode) ? "empty file" : "not a regular file");
    goto out;
  }
  size_t len = (size_t)st.st_size;
  void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) {
    rc = casc_error_set(e, CASC_ERR_IO, "%s: mmap: %s", path, strerror(errno));
    goto out;
  }
  madvise(map, len, MADV_SEQUENTIAL);
  const unsigned char *m = map;
  size_t i = 0;
  while (i < len && i < 64 && (m[i] == ' ' || m[i] == '\t' || m[i] == '\r' || m[i] == '\n'))
    i++;
  if (i == len || m[i] != CASC_DER_SEQUENCE) { /* PEM, perhaps with text before it */
    rc = from_pem(ix, m, len, e);
    munmap(map, len);
  } else {
    ix->der = map;
    ix->len = len;
    ix->owner = CRL_OWN_MMAP;
  }
  if (rc == CASC_OK) {
    casc_crl_index *done = NULL;
    rc = finish_load(ix, &done, e); /* frees ix on failure */
    ix = NULL;
    if (rc != CASC_OK)
      wrap(e, rc, path);
    *out = done;
  } else {
    wrap(e, rc, path);
  }
out:
  if (fd >= 0)
    close(fd);
  casc_crl_index_free(ix);
  return rc;
}

void casc_crl_index_free(casc_crl_index *ix) {
  if (ix == NULL)
    return;
  switch (ix->owner) {
  case CRL_OWN_MMAP:
    if (ix->der != NULL)
      munmap(ix->der, ix->len);
    break;
  case CRL_OWN_OPENSSL:
    OPENSSL_free(ix->der);
    break;
  case CRL_OWN_MALLOC:
    free(ix->der);
    break;
  }
  ISSUING_DIST_POINT_free(ix->idp);
  free(ix->slots);
  free(ix);
}

const casc_crl_index_info *casc_crl_index_get_info(const casc_crl_index *ix) {
  return &ix->info;
}

const unsigned char *casc_crl_index_der(const casc_crl_index *ix, size_t *len) {
  *len = ix->len;
  return ix->der;
}

/* --- lookups ----------------------------------------------------------------- */
static const unsigned char OID_REASON[] = {0x55, 0x1d, 0x15};
static const unsigned char OID_INVALIDITY[] = {0x55, 0x1d, 0x18};

static casc_err decode_entry(const casc_crl_index *ix, const crl_slot *s,
                             casc_crl_index_entry *out, casc_error *e) {
  const unsigned char *p = ix->der + s->entry_off;
  size_t left = ix->len - s->entry_off;
  casc_der_tlv_t ent, ser, t, exts;
  casc_err rc = casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &ent, e);
  if (rc != CASC_OK)
    return rc;
  p = ent.val;
  left = ent.len;
  memset(out, 0, sizeof *out);
  out->reason = CASC_CRL_REASON_NONE;
  if ((rc = casc_der_expect(&p, &left, CASC_DER_INTEGER, &ser, e)) != CASC_OK ||
      (rc = casc_der_next(&p, &left, &t, e)) != CASC_OK ||
      (rc = crl_time(&t, &out->revocation_date, e)) != CASC_OK)
    return wrap(e, rc, "revocationDate");
  if (left == 0)
    return CASC_OK;
  if ((rc = casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &exts, e)) != CASC_OK)
    return rc;
  p = exts.val;
  left = exts.len;
  if (left == 0)
    return casc_error_set(e, CASC_ERR_PARSE, "crlEntryExtensions: empty");
  bool have_reason = false;
  while (left > 0) {
    casc_der_tlv_t ext, oid, val, v;
    bool critical;
    if ((rc = casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &ext, e)) != CASC_OK ||
        (rc = crl_read_extension(&ext, &oid, &critical, &val, e)) != CASC_OK)
      return wrap(e, rc, "crlEntryExtensions");
    const unsigned char *q = val.val;
    size_t ql = val.len;
    if (oid_is(&oid, OID_REASON, sizeof OID_REASON)) {
      if (have_reason)
        return casc_error_set(e, CASC_ERR_PARSE, "reasonCode appears twice");
      if ((rc = casc_der_expect(&q, &ql, CASC_DER_ENUMERATED, &v, e)) != CASC_OK)
        return wrap(e, rc, "reasonCode");
      if (ql != 0 || v.len != 1 || v.val[0] > 10 || v.val[0] == 7)
        return casc_error_set(e, CASC_ERR_PARSE, "reasonCode: not a CRLReason (RFC 5280 5.3.1)");
      out->reason = v.val[0];
      have_reason = true;
    } else if (oid_is(&oid, OID_INVALIDITY, sizeof OID_INVALIDITY)) {
      if (out->has_invalidity_date)
        return casc_error_set(e, CASC_ERR_PARSE, "invalidityDate appears twice");
      if ((rc = casc_der_expect(&q, &ql, CASC_DER_GENERALIZEDTIME, &v, e)) != CASC_OK ||
          (rc = crl_time(&v, &out->invalidity_date, e)) != CASC_OK)
        return wrap(e, rc, "invalidityDate");
      if (ql != 0)
        return casc_error_set(e, CASC_ERR_PARSE, "invalidityDate: trailing bytes");
      out->has_invalidity_date = true;
    } else if (critical) {
      /* certificateIssuer (indirect CRLs) included: this reader does not
       * follow them, so it cannot say whose certificate the entry names */
      return casc_error_set(e, CASC_ERR_PARSE,
                            "unsupported critical CRL entry extension (RFC 5280 5.3)");
    }
  }
  return CASC_OK;
}

casc_err casc_crl_index_lookup(const casc_crl_index *ix, const unsigned char *serial,
                               size_t serial_len, bool *found, casc_crl_index_entry *entry,
                               casc_error *e) {
  *found = false;
  if (serial_len == 0 || serial_len > CRL_SERIAL_MAX || ix->n == 0)
    return CASC_OK; /* such a serial is never indexed */
  uint64_t key = key_of(serial, serial_len);
  size_t lo = 0, hi = ix->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = slot_cmp_serial(ix, &ix->slots[mid], key, serial, serial_len);
    if (c == 0) {
      *found = true;
      if (entry == NULL)
        return CASC_OK;
      casc_err rc = decode_entry(ix, &ix->slots[mid], entry, e);
      return rc == CASC_OK ? CASC_OK : wrap(e, rc, "the certificate's CRL entry");
    }
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return CASC_OK;
}

casc_err casc_crl_index_lookup_cert(const casc_crl_index *ix, X509 *cert, bool *found,
                                    casc_crl_index_entry *entry, casc_error *e) {
  const ASN1_INTEGER *sn = X509_get0_serialNumber(cert);
  unsigned char *der = NULL;
  int n = i2d_ASN1_INTEGER(sn, &der);
  casc_err rc;
  if (n <= 0) {
    *found = false;
    return casc_error_ssl(e, CASC_ERR_PARSE, "certificate serial number");
  }
  const unsigned char *p = der;
  size_t left = (size_t)n;
  casc_der_tlv_t t;
  rc = casc_der_next(&p, &left, &t, e);
  if (rc == CASC_OK)
    rc = casc_crl_index_lookup(ix, t.val, t.len, found, entry, e);
  OPENSSL_free(der);
  return rc;
}

casc_err casc_crl_index_entry_at(const casc_crl_index *ix, size_t i, const unsigned char **serial,
                                 size_t *serial_len, casc_crl_index_entry *entry, casc_error *e) {
  if (i >= ix->n)
    return casc_error_set(e, CASC_ERR_NOT_FOUND, "entry %zu of %zu", i, ix->n);
  const crl_slot *s = &ix->slots[i];
  *serial = slot_serial(ix, s);
  *serial_len = slot_len(s);
  return entry != NULL ? decode_entry(ix, s, entry, e) : CASC_OK;
}
