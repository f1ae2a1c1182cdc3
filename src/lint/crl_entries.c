/* CRL entry lints: RFC 5280 5.1.2.6 and 5.3, TLS BR 4.9.13 and 7.2.2.
 *
 * A CRL may hold a million entries, and the CA lints every CRL before it
 * writes it. So the entries are read once per CRL, by entry_summary(),
 * which records for each rule how many entries break it and the first one
 * that does; every lint here then only looks at that summary. The summary
 * of the last CRL is kept per thread, keyed by the decoded struct, the
 * input's address and size and its signature, and dropped when a check
 * starts (run_list_empty), so the twenty lints of one check share one pass. */
#include "crl_context.h"
#include "lint_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
  RF_MALFORMED,
  RF_SERIAL_NOT_POSITIVE,
  RF_SERIAL_TOO_LONG,
  RF_DUPLICATE,
  RF_DATE_ENCODING,
  RF_DATE_AFTER_THIS_UPDATE,
  RF_EXTS_EMPTY,
  RF_EXT_UNKNOWN_CRITICAL,
  RF_EXT_DUPLICATE,
  RF_EXT_OTHER,
  RF_REASON_CRITICAL,
  RF_REASON_INVALID,     /* not ENUMERATED, or 7, or over 10, or 0 */
  RF_REASON_MISSING,
  RF_INVALIDITY_ENCODING,
  RF_INVALIDITY_CRITICAL,
  RF_INVALIDITY_AFTER,
  RF_INVALIDITY_NOT_REVOCATION, /* invalidityDate other than revocationDate */
  RF_CERT_ISSUER,
  RF_CERT_ISSUER_NOT_CRITICAL,
  RF_COUNT
};

#define N_REASONS 12 /* 0..10, and 11 for anything else */

typedef struct {
  size_t count;
  size_t index;     /* of the first entry */
  char serial[48];  /* its serial, hex */
} finding;

typedef struct {
  /* the key */
  const casc_lint_crl *crl;
  const unsigned char *raw;
  size_t raw_len, sig_len;
  unsigned char sig[32];
  time_t this_update;
  bool valid;
  /* the summary */
  size_t n;
  finding f[RF_COUNT];
  finding reason[N_REASONS];
} entry_summary;

static _Thread_local entry_summary cache;

static void note(finding *f, size_t index, const casc_lint_crl_entry *en) {
  if (f->count++ == 0) {
    f->index = index;
    lint_serial_hex(en->serial, f->serial, sizeof f->serial);
  }
}

/* --- duplicate serials: one pass through an open-addressing set ----------
 * A slot holds 32 bits of the serial's hash and the offset of its entry in
 * the list (plus one; 0 is empty): 8 bytes per slot at most half full, so
 * 16 MB for a million entries, and one probe per entry on average. Equal
 * hash bits send back to the earlier entry's serial for a byte comparison. */
typedef struct {
  uint32_t h, off1;
} dup_slot;

typedef struct {
  dup_slot *slot;
  size_t mask;
  const unsigned char *base; /* the revokedCertificates contents */
  size_t base_len;
} dup_set;

static uint64_t serial_hash(const unsigned char *p, size_t n) {
  uint64_t h = (uint64_t)n * 0x9e3779b97f4a7c15u, v;
  for (; n >= 8; p += 8, n -= 8) {
    memcpy(&v, p, 8);
    h = (h ^ v) * 0xff51afd7ed558ccdu;
    h ^= h >> 32;
  }
  v = 0;
  memcpy(&v, p, n);
  h = (h ^ v) * 0xc4ceb9fe1a85ec53u;
  return h ^ (h >> 29);
}

static bool dup_init(dup_set *d, const casc_lint_crl *crl) {
  memset(d, 0, sizeof *d);
  if (crl->revoked.len > UINT32_MAX - 1)
    return false;
  size_t cap = 64;
  while (cap < 2 * crl->n_entries + 2)
    cap *= 2;
  d->slot = calloc(cap, sizeof *d->slot);
  d->mask = cap - 1;
  d->base = crl->revoked.p;
  d->base_len = crl->revoked.len;
  return d->slot != NULL;
}

/* The serial of the entry at off (known to decode: it was read before). */
static casc_lint_bytes serial_at(const dup_set *d, size_t off) {
  casc_lint_faults scratch = {0};
  lint_cur c = lint_cur_of(d->base + off, d->base_len - off);
  lint_tlv s, t;
  if (!lint_next(&c, &s, &scratch, "") || s.tag != CASC_DER_SEQUENCE)
    return (casc_lint_bytes){NULL, 0};
  lint_cur ec = lint_cur_of(s.val, s.len);
  if (!lint_next(&ec, &t, &scratch, ""))
    return (casc_lint_bytes){NULL, 0};
  return lint_val_bytes(&t);
}

/* Starts the load of the slot a serial hashes to, so that the cache miss
 * overlaps the entry's other checks; returns the hash for dup_add. */
static uint64_t dup_prefetch(const dup_set *d, casc_lint_bytes serial) {
  uint64_t h = serial_hash(serial.p, serial.len);
  __builtin_prefetch(&d->slot[(size_t)h & d->mask]);
  return h;
}

/* Adds the entry at off; true when an earlier entry has the same serial. */
static bool dup_add(dup_set *d, size_t off, casc_lint_bytes serial, uint64_t h) {
  uint32_t frag = (uint32_t)(h >> 32);
  for (size_t i = (size_t)h & d->mask;; i = (i + 1) & d->mask) {
    dup_slot *sl = &d->slot[i];
    if (sl->off1 == 0) {
      sl->h = frag;
      sl->off1 = (uint32_t)off + 1;
      return false;
    }
    if (sl->h != frag)
      continue;
    casc_lint_bytes other = serial_at(d, sl->off1 - 1);
    if (other.len == serial.len && memcmp(other.p, serial.p, serial.len) == 0)
      return true;
  }
}

/* --- one entry ------------------------------------------------------------------- */
static bool serial_positive(casc_lint_bytes s) {
  if (s.len == 0 || (s.p[0] & 0x80))
    return false;
  for (size_t i = 0; i < s.len; i++)
    if (s.p[i] != 0)
      return true;
  return false;
}

static size_t magnitude_len(casc_lint_bytes s) {
  size_t n = s.len;
  const unsigned char *p = s.p;
  while (n > 1 && p[0] == 0) {
    p++;
    n--;
  }
  return n;
}

static void check_entry(entry_summary *s, const casc_lint_crl *crl, size_t i,
                        const casc_lint_crl_entry *en) {
  if (!serial_positive(en->serial))
    note(&s->f[RF_SERIAL_NOT_POSITIVE], i, en);
  if (magnitude_len(en->serial) > 20)
    note(&s->f[RF_SERIAL_TOO_LONG], i, en);
  char scratch[8];
  if (!lint_rfc5280_time_ok(&en->date, "revocationDate", scratch, sizeof scratch))
    note(&s->f[RF_DATE_ENCODING], i, en);
  if (en->date.ok_parse && crl->this_update.ok_parse && en->date.t > crl->this_update.t)
    note(&s->f[RF_DATE_AFTER_THIS_UPDATE], i, en);
  if (en->ext_present && en->n_ext == 0)
    note(&s->f[RF_EXTS_EMPTY], i, en);
  bool reason = false, invalidity = false, issuer = false;
  size_t n_ext = en->n_ext < 8 ? en->n_ext : 8;
  for (size_t k = 0; k < n_ext; k++) {
    const casc_lint_ext *x = &en->ext[k];
    for (size_t j = 0; j < k; j++)
      if (casc_lint_bytes_eq(en->ext[j].oid, x->oid)) {
        note(&s->f[RF_EXT_DUPLICATE], i, en);
        break;
      }
    switch (x->id) {
    case CASC_LINT_EXT_REASON:
      reason = true;
      if (x->critical)
        note(&s->f[RF_REASON_CRITICAL], i, en);
      if (!x->decoded_ok)
        note(&s->f[RF_REASON_INVALID], i, en);
      break;
    case CASC_LINT_EXT_INVALIDITY:
      invalidity = true;
      if (x->critical)
        note(&s->f[RF_INVALIDITY_CRITICAL], i, en);
      break;
    case CASC_LINT_EXT_CERT_ISSUER:
      issuer = true;
      if (!x->critical)
        note(&s->f[RF_CERT_ISSUER_NOT_CRITICAL], i, en);
      note(&s->f[RF_EXT_OTHER], i, en);
      break;
    default:
      if (x->critical)
        note(&s->f[RF_EXT_UNKNOWN_CRITICAL], i, en);
      note(&s->f[RF_EXT_OTHER], i, en);
      break;
    }
  }
  if (reason && en->reason >= 0) {
    int r = en->reason <= 10 ? en->reason : 11;
    note(&s->reason[r], i, en);
    if (r == 0 || r == 7 || r == 11)
      note(&s->f[RF_REASON_INVALID], i, en);
  } else if (!reason) {
    note(&s->f[RF_REASON_MISSING], i, en);
  }
  if (invalidity) {
    const casc_lint_time *t = &en->invalidity;
    if (!t->present || !t->ok_der || t->tag != CASC_DER_GENERALIZEDTIME)
      note(&s->f[RF_INVALIDITY_ENCODING], i, en);
    else if (en->date.ok_parse && t->t > en->date.t)
      note(&s->f[RF_INVALIDITY_AFTER], i, en);
    if (t->present && t->ok_parse && en->date.ok_parse && t->t != en->date.t)
      note(&s->f[RF_INVALIDITY_NOT_REVOCATION], i, en);
  }
  if ((issuer || en->cert_issuer) && !(crl->idp.present && crl->idp.indirect))
    note(&s->f[RF_CERT_ISSUER], i, en);
}

/* A TLV for the quick reader: t->hdr, tlv_len, tag, val, len as lint_next
 * fills them, without its fault bookkeeping (the decoder's own walk already
 * recorded every fault). false for what it does not handle: a high tag
 * number, an indefinite length, a length of more than four octets or past
 * the end. */
static inline bool quick_tlv(lint_cur *c, lint_tlv *t) {
  const unsigned char *p = c->p;
  size_t left = (size_t)(c->end - p);
  if (left < 2 || (p[0] & 0x1f) == 0x1f)
    return false;
  size_t len = p[1], hl = 2;
  if (len & 0x80) {
    size_t n = len & 0x7f;
    if (n == 0 || n > 4 || left < 2 + n)
      return false;
    len = 0;
    for (size_t i = 0; i < n; i++)
      len = len << 8 | p[2 + i];
    hl += n;
  }
  if (len > left - hl)
    return false;
  t->tag = p[0];
  t->hdr = p;
  t->val = p + hl;
  t->len = len;
  t->tlv_len = hl + len;
  c->p = p + hl + len;
  return true;
}

static inline int two(const unsigned char *p) {
  return (p[0] - '0') * 10 + (p[1] - '0');
}

/* A time: the two DER forms directly, anything else through lint_time. */
static void quick_time(const lint_tlv *t, casc_lint_time *out) {
  const unsigned char *v = t->val;
  size_t n = t->len;
  bool utc = t->tag == CASC_DER_UTCTIME && n == 13, gen = t->tag == CASC_DER_GENERALIZEDTIME && n == 15;
  if ((utc || gen) && v[n - 1] == 'Z') {
    bool digits = true;
    for (size_t i = 0; i + 1 < n; i++)
      digits &= v[i] >= '0' && v[i] <= '9';
    if (digits) {
      int y = utc ? two(v) : two(v) * 100 + two(v + 2), k = utc ? 2 : 4;
      if (utc)
        y += y < 50 ? 2000 : 1900;
      int mo = two(v + k), d = two(v + k + 2), h = two(v + k + 4), mi = two(v + k + 6),
          sec = two(v + k + 8);
      if (mo >= 1 && mo <= 12 && d >= 1 && d <= 28 && h <= 23 && mi <= 59 && sec <= 59) {
        /* days 29 to 31 go the long way, which knows each month's length */
        out->present = true;
        out->tag = t->tag;
        out->value = lint_val_bytes(t);
        out->t = (time_t)casc_lint_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
        out->ok_parse = out->ok_der = true;
        return;
      }
    }
  }
  casc_lint_faults scratch = {0};
  lint_time(t, out, &scratch, "");
}

/* The entry at *c the quick way, for the common DER shapes: only the
 * fields check_entry reads are filled, and nothing is cleared that is not
 * read (casc_lint_crl_next_entry clears a struct of a kilobyte per entry).
 * The decoder has already walked every entry for its encoding faults, so
 * this records none. false for anything unusual: the caller then reads the
 * entry with casc_lint_crl_next_entry, which handles every shape. */
static bool quick_entry(lint_cur *c, casc_lint_crl_entry *en) {
  lint_tlv s, t, x;
  if (!quick_tlv(c, &s) || s.tag != CASC_DER_SEQUENCE)
    return false;
  lint_cur ec = lint_cur_of(s.val, s.len);
  if (!quick_tlv(&ec, &t) || t.tag != CASC_DER_INTEGER)
    return false;
  en->raw = lint_tlv_bytes(&s);
  en->serial = lint_val_bytes(&t);
  if (!quick_tlv(&ec, &t))
    return false;
  quick_time(&t, &en->date);
  if (!en->date.ok_parse)
    return false;
  en->reason = -1;
  en->invalidity.present = false;
  en->cert_issuer = false;
  en->n_ext = 0;
  en->ext_present = !lint_cur_empty(&ec);
  if (!en->ext_present)
    return true;
  if (!quick_tlv(&ec, &t) || t.tag != CASC_DER_SEQUENCE || !lint_cur_empty(&ec))
    return false;
  lint_cur xc = lint_cur_of(t.val, t.len);
  while (!lint_cur_empty(&xc)) {
    if (en->n_ext == 8 || !quick_tlv(&xc, &x) || x.tag != CASC_DER_SEQUENCE)
      return false;
    casc_lint_ext *e = &en->ext[en->n_ext++];
    lint_cur vc = lint_cur_of(x.val, x.len);
    lint_tlv oid, v;
    if (!quick_tlv(&vc, &oid) || oid.tag != CASC_DER_OID || !quick_tlv(&vc, &v))
      return false;
    e->oid = lint_val_bytes(&oid);
    e->critical = false;
    if (v.tag == CASC_DER_BOOLEAN) {
      if (v.len != 1 || (v.val[0] != 0xff && v.val[0] != 0))
        return false;
      e->critical = v.val[0] == 0xff;
      if (!quick_tlv(&vc, &v))
        return false;
    }
    if (v.tag != CASC_DER_OCTET_STRING || !lint_cur_empty(&vc))
      return false;
    e->value = lint_val_bytes(&v);
    e->decoded_ok = true;
    if (oid.len == 3 && oid.val[0] == 0x55 && oid.val[1] == 0x1d && oid.val[2] == 0x15) {
      e->id = CASC_LINT_EXT_REASON;
      if (v.len != 3 || v.val[0] != CASC_DER_ENUMERATED || v.val[1] != 1 || (v.val[2] & 0x80))
        return false;
      en->reason = v.val[2];
    } else if (oid.len == 3 && oid.val[0] == 0x55 && oid.val[1] == 0x1d && oid.val[2] == 0x18) {
      e->id = CASC_LINT_EXT_INVALIDITY;
      lint_cur ic = lint_cur_of(v.val, v.len);
      lint_tlv it;
      if (!quick_tlv(&ic, &it) || !lint_cur_empty(&ic))
        return false;
      quick_time(&it, &en->invalidity);
    } else {
      return false; /* certificateIssuer and the rest: the full reader */
    }
  }
  return true;
}

#define DUP_AHEAD 16
typedef struct {
  uint64_t h;
  size_t off, index;
  casc_lint_bytes serial;
} pending;

static void dup_flush(entry_summary *s, dup_set *d, const pending *q) {
  if (!dup_add(d, q->off, q->serial, q->h))
    return;
  finding *f = &s->f[RF_DUPLICATE];
  if (f->count++ == 0 || q->index < f->index) {
    f->index = q->index;
    lint_serial_hex(q->serial, f->serial, sizeof f->serial);
  }
}

static const entry_summary *summary(const casc_lint_crl *crl) {
  entry_summary *s = &cache;
  const casc_lint_bytes sig = crl->signature;
  /* A signature identifies what it signs; inputs too short to tell are
   * summarised again. */
  bool keyed = sig.len >= 16;
  size_t kl = sig.len < sizeof s->sig ? sig.len : sizeof s->sig;
  if (keyed && s->valid && s->crl == crl && s->raw == crl->raw.p && s->raw_len == crl->raw.len &&
      s->sig_len == sig.len && s->this_update == crl->this_update.t &&
      memcmp(s->sig, sig.p, kl) == 0)
    return s;
  memset(s, 0, sizeof *s);
  dup_set dups;
  bool dup_check = dup_init(&dups, crl);
  pending ring[DUP_AHEAD];
  size_t off = 0, i = 0;
  casc_lint_crl_entry en;
  for (;; i++) {
    size_t at = off;
    lint_cur qc = lint_cur_of(crl->revoked.p + off, crl->revoked.len - off);
    if (off < crl->revoked.len && quick_entry(&qc, &en)) {
      off = (size_t)(qc.p - crl->revoked.p);
    } else if (!casc_lint_crl_next_entry(crl, &off, &en)) {
      if (en.raw.p == NULL && off < crl->revoked.len) {
        s->f[RF_MALFORMED].count++;
        s->f[RF_MALFORMED].index = i;
      }
      break;
    }
    check_entry(s, crl, i, &en);
    /* A set sized from the decoder's count: an entry past it is not
     * checked. Entries join it DUP_AHEAD behind the reading, so that the
     * slot each needs has arrived in the cache by then. */
    if (dup_check && i < crl->n_entries) {
      pending *q = &ring[i % DUP_AHEAD];
      if (i >= DUP_AHEAD)
        dup_flush(s, &dups, q);
      *q = (pending){dup_prefetch(&dups, en.serial), at, i, en.serial};
    }
  }
  s->n = i;
  size_t queued = dup_check ? (i < crl->n_entries ? i : crl->n_entries) : 0;
  for (size_t k = queued > DUP_AHEAD ? queued - DUP_AHEAD : 0; k < queued; k++)
    dup_flush(s, &dups, &ring[k % DUP_AHEAD]);
  if (crl->entries_undecodable && s->f[RF_MALFORMED].count == 0) {
    s->f[RF_MALFORMED].count = 1;
    s->f[RF_MALFORMED].index = crl->first_bad_entry;
  }
  if (!dup_check && i > 0)
    s->f[RF_DUPLICATE].count = SIZE_MAX;
  free(dups.slot);
  s->crl = crl;
  s->raw = crl->raw.p;
  s->raw_len = crl->raw.len;
  s->sig_len = sig.len;
  if (kl > 0)
    memcpy(s->sig, sig.p, kl);
  s->this_update = crl->this_update.t;
  s->valid = keyed;
  return s;
}

static bool has_entries(const casc_lint_input *in) {
  return in->crl->revoked_present && in->crl->revoked.len > 0;
}

static casc_lint_result report(const finding *f, const char *what, char *det, size_t detsz) {
  if (f->count == 0)
    return CASC_LINT_PASS;
  if (f->serial[0] != '\0')
    snprintf(det, detsz, "%zu entr%s %s; the first is entry %zu, serial %s", f->count,
             f->count == 1 ? "y" : "ies", what, f->index, f->serial);
  else
    snprintf(det, detsz, "%zu entr%s %s; the first is entry %zu", f->count,
             f->count == 1 ? "y" : "ies", what, f->index);
  return CASC_LINT_FAIL;
}

#define RUN(fn) static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz)
#define FINDING(fn, rf, what)                                                                      \
  RUN(fn) { return report(&summary(in->crl)->f[rf], what, det, detsz); }

/* The first lint of this table: a check runs the table in order, so this
 * is where a check starts, and the summary of an earlier input is dropped
 * even if the key would match (a CRL edited in place, its signature kept). */
RUN(run_list_empty) {
  cache.valid = false;
  const casc_lint_crl *c = in->crl;
  if (!c->revoked_present || c->revoked.len > 0)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "revokedCertificates is present and empty");
  return CASC_LINT_FAIL;
}

RUN(run_malformed) {
  const finding *f = &summary(in->crl)->f[RF_MALFORMED];
  if (f->count == 0)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "entry %zu does not decode", f->index);
  return CASC_LINT_FAIL;
}

RUN(run_duplicate) {
  const finding *f = &summary(in->crl)->f[RF_DUPLICATE];
  if (f->count == SIZE_MAX) {
    snprintf(det, detsz, "duplicates not checked: out of memory, or a list over 4 GB");
    return CASC_LINT_FAIL;
  }
  return report(f, "repeat a serial listed before", det, detsz);
}

FINDING(run_serial_positive, RF_SERIAL_NOT_POSITIVE, "have a serial that is zero or negative")
FINDING(run_serial_long, RF_SERIAL_TOO_LONG, "have a serial longer than 20 octets")
FINDING(run_date_encoding, RF_DATE_ENCODING,
        "have a revocationDate not in the RFC 5280 form (UTCTime through 2049, "
        "GeneralizedTime after, seconds and Z)")
FINDING(run_date_after, RF_DATE_AFTER_THIS_UPDATE, "have a revocationDate after thisUpdate")
FINDING(run_exts_empty, RF_EXTS_EMPTY, "have an empty crlEntryExtensions")
FINDING(run_unknown_critical, RF_EXT_UNKNOWN_CRITICAL,
        "have a critical entry extension that RFC 5280 does not define")
FINDING(run_ext_duplicate, RF_EXT_DUPLICATE, "have an entry extension twice")
FINDING(run_ext_other, RF_EXT_OTHER, "have an entry extension other than reasonCode and "
                                     "invalidityDate")
FINDING(run_reason_critical, RF_REASON_CRITICAL, "have a critical reasonCode")
FINDING(run_reason_invalid, RF_REASON_INVALID,
        "have a reasonCode that is not a CRLReason value other than unspecified")
FINDING(run_invalidity_encoding, RF_INVALIDITY_ENCODING,
        "have an invalidityDate that is not a GeneralizedTime YYYYMMDDHHMMSSZ")
FINDING(run_invalidity_critical, RF_INVALIDITY_CRITICAL, "have a critical invalidityDate")
FINDING(run_invalidity_after, RF_INVALIDITY_AFTER,
        "have an invalidityDate after their revocationDate")
FINDING(run_cert_issuer, RF_CERT_ISSUER,
        "have a certificateIssuer in a CRL that is not indirect")
FINDING(run_cert_issuer_critical, RF_CERT_ISSUER_NOT_CRITICAL,
        "have a non-critical certificateIssuer")

RUN(run_reason_unspecified) {
  return report(&summary(in->crl)->reason[0], "encode reasonCode unspecified", det, detsz);
}

RUN(run_reason_hold) {
  return report(&summary(in->crl)->reason[6], "have reasonCode certificateHold", det, detsz);
}

static bool not_delta(const casc_lint_input *in) {
  return has_entries(in) && !in->crl->delta_indicator.present;
}

RUN(run_reason_remove) {
  return report(&summary(in->crl)->reason[8], "have reasonCode removeFromCRL in a full CRL", det,
                detsz);
}

/* BR 7.2.2: subscriber certificates keyCompromise, affiliationChanged,
 * superseded, cessationOfOperation, privilegeWithdrawn; CA certificates
 * keyCompromise, cACompromise, affiliationChanged, superseded,
 * cessationOfOperation. A CRL of unknown scope is held to their union. */
RUN(run_reason_br) {
  static const char *const names[N_REASONS] = {
      "unspecified",          "keyCompromise",      "cACompromise",  "affiliationChanged",
      "superseded",           "cessationOfOperation", "certificateHold", "value 7",
      "removeFromCRL",        "privilegeWithdrawn", "aACompromise",  "an unknown value"};
  casc_crl_scope scope = lint_crl_scope(in->crl);
  unsigned allowed = 1u << 1 | 1u << 3 | 1u << 4 | 1u << 5;
  if (scope != CASC_CRL_SCOPE_CA)
    allowed |= 1u << 9;
  if (!lint_scope_subscriber(scope))
    allowed |= 1u << 2;
  const entry_summary *s = summary(in->crl);
  for (int r = 0; r < N_REASONS; r++) {
    if ((allowed >> r) & 1u || s->reason[r].count == 0)
      continue;
    char what[96];
    snprintf(what, sizeof what, "have reasonCode %s, which BR 7.2.2 does not allow%s", names[r],
             scope == CASC_CRL_SCOPE_CA           ? " for CA certificates"
             : lint_scope_subscriber(scope)       ? " for subscriber certificates"
                                                  : "");
    return report(&s->reason[r], what, det, detsz);
  }
  return CASC_LINT_PASS;
}

static bool code_signing_scope(const casc_lint_input *in) {
  return has_entries(in) && lint_crl_scope(in->crl) == CASC_CRL_SCOPE_CODE_SIGNING;
}

/* CSBR: the revocation date of a code-signing certificate is the date from
 * which its signatures are distrusted, so a known compromise date moves the
 * revocation date back to it; the two then agree. */
RUN(run_cs_invalidity) {
  return report(&summary(in->crl)->f[RF_INVALIDITY_NOT_REVOCATION],
                "have an invalidityDate other than their revocationDate", det, detsz);
}

static bool ca_scope(const casc_lint_input *in) {
  return has_entries(in) && lint_crl_scope(in->crl) == CASC_CRL_SCOPE_CA;
}

RUN(run_ca_reason_missing) {
  return report(&summary(in->crl)->f[RF_REASON_MISSING],
                "have no reasonCode, which BR 7.2.2 requires for CA certificates", det, detsz);
}

#define LINT(n, al, lv, cit, src, eff, app, fn)                                                    \
  {.name = n,                                                                                      \
   .alias = al,                                                                                    \
   .level = CASC_LINT_##lv,                                                                        \
   .citation = cit,                                                                                \
   .source = src,                                                                                  \
   .effective = eff,                                                                               \
   .kind = CASC_LINT_KIND_CRL,                                                                     \
   .applies = app,                                                                                 \
   .run = fn}
#define RFC CASC_LINT_SRC_RFC5280
#define BR CASC_LINT_SRC_TLSBR

const casc_lint casc_lints_crl_entries[] = {
    LINT("e_crl_revoked_certificates_empty", "e_crl_revoked_certificates_field_must_be_empty",
         ERROR, "RFC 5280 5.1.2.6", RFC, 0, NULL, run_list_empty),
    LINT("e_crl_entry_malformed", NULL, ERROR, "RFC 5280 5.1", RFC, 0, has_entries, run_malformed),
    LINT("e_crl_entry_serial_not_positive", NULL, ERROR, "RFC 5280 4.1.2.2, 5.1.2.6", RFC, 0,
         has_entries, run_serial_positive),
    LINT("e_crl_entry_serial_too_long", NULL, ERROR, "RFC 5280 4.1.2.2, 5.1.2.6", RFC, 0,
         has_entries, run_serial_long),
    LINT("e_crl_entry_duplicate_serial", NULL, ERROR, "RFC 5280 5.1.2.6", RFC, 0, has_entries,
         run_duplicate),
    LINT("e_crl_entry_revocation_date_encoding", NULL, ERROR, "RFC 5280 5.1.2.6, 5.1.2.4", RFC, 0,
         has_entries, run_date_encoding),
    LINT("e_crl_entry_revocation_date_after_this_update",
         "e_crl_revocation_time_after_this_update", ERROR, "RFC 5280 5.1.2.4, 5.1.2.6", RFC, 0,
         has_entries, run_date_after),
    LINT("e_crl_entry_extensions_empty", "e_crl_empty_extn_sequence", ERROR,
         "RFC 5280 A.1 (Extensions SIZE (1..MAX))", RFC, 0, has_entries, run_exts_empty),
    LINT("e_crl_entry_unknown_critical_extension", NULL, ERROR, "RFC 5280 5.3", RFC, 0,
         has_entries, run_unknown_critical),
    LINT("e_crl_entry_duplicate_extension", NULL, ERROR, "RFC 5280 4.2, 5.3", RFC, 0, has_entries,
         run_ext_duplicate),
    LINT("w_crl_entry_extension_not_recommended", NULL, WARN, "TLS BR 7.2.2", BR, LINT_DATE_SC62,
         has_entries, run_ext_other),
    LINT("e_crl_reason_code_critical", "e_cab_crl_reason_code_not_critical", ERROR,
         "RFC 5280 5.3.1; TLS BR 7.2.2", BR, 0, has_entries, run_reason_critical),
    LINT("e_crl_reason_code_invalid", "e_crl_has_valid_reason_code", ERROR, "RFC 5280 5.3.1", RFC,
         0, has_entries, run_reason_invalid),
    LINT("e_crl_reason_unspecified_encoded", NULL, ERROR, "RFC 5280 5.3.1; TLS BR 7.2.2", BR,
         LINT_DATE_SC61, has_entries, run_reason_unspecified),
    LINT("e_crl_reason_certificate_hold", NULL, ERROR, "TLS BR 4.9.13, 7.2.2", BR,
         LINT_DATE_BR_1_0, has_entries, run_reason_hold),
    LINT("e_crl_reason_remove_from_crl", NULL, ERROR, "RFC 5280 5.3.1", RFC, 0, not_delta,
         run_reason_remove),
    LINT("e_crl_reason_not_allowed_br", "e_cab_crl_has_valid_reason_code", ERROR, "TLS BR 7.2.2",
         BR, LINT_DATE_SC61, has_entries, run_reason_br),
    LINT("e_crl_ca_entry_reason_missing", NULL, ERROR, "TLS BR 7.2.2", BR, LINT_DATE_SC61,
         ca_scope, run_ca_reason_missing),
    LINT("e_crl_invalidity_date_encoding", NULL, ERROR, "RFC 5280 5.3.2", RFC, 0, has_entries,
         run_invalidity_encoding),
    LINT("e_crl_invalidity_date_critical", NULL, ERROR, "RFC 5280 5.3.2", RFC, 0, has_entries,
         run_invalidity_critical),
    LINT("n_crl_invalidity_date_after_revocation_date", NULL, NOTICE, "RFC 5280 5.3.2", RFC, 0,
         has_entries, run_invalidity_after),
    LINT("e_crl_cs_invalidity_date_not_revocation_date", NULL, ERROR, "CSBR 7.2.2, 4.9.1.1",
         CASC_LINT_SRC_CSBR, 0, code_signing_scope, run_cs_invalidity),
    LINT("e_crl_certificate_issuer_not_indirect", NULL, ERROR, "RFC 5280 5.3.3", RFC, 0,
         has_entries, run_cert_issuer),
    LINT("e_crl_certificate_issuer_not_critical", NULL, ERROR, "RFC 5280 5.3.3", RFC, 0,
         has_entries, run_cert_issuer_critical),
};
CASC_LINT_TABLE(casc_lints_crl_entries);
