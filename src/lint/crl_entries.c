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

/* --- duplicate serials: hashes sorted, equal neighbours compared ------------ */
typedef struct {
  uint64_t h;
  const unsigned char *p;
  size_t len;
  size_t index;
} serial_ref;

static uint64_t serial_hash(const unsigned char *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 0x100000001b3u;
  return h;
}

static int ref_cmp(const void *a, const void *b) {
  const serial_ref *x = a, *y = b;
  return x->h < y->h ? -1 : x->h > y->h;
}

/* Sorts by hash: LSD radix on 16-bit digits for large lists (a million
 * entries sort in tens of milliseconds, where qsort takes ten times that),
 * qsort for small ones or when the scratch cannot be had. */
static void sort_refs(serial_ref *refs, size_t n) {
  serial_ref *tmp = n >= 4096 ? malloc(n * sizeof *tmp) : NULL;
  size_t *count = tmp != NULL ? malloc(65536 * sizeof *count) : NULL;
  if (count == NULL) {
    qsort(refs, n, sizeof *refs, ref_cmp);
    free(tmp);
    return;
  }
  serial_ref *src = refs, *dst = tmp;
  for (unsigned shift = 0; shift < 64; shift += 16) {
    memset(count, 0, 65536 * sizeof *count);
    for (size_t i = 0; i < n; i++)
      count[(src[i].h >> shift) & 0xffff]++;
    size_t sum = 0;
    for (size_t d = 0; d < 65536; d++) {
      size_t c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (size_t i = 0; i < n; i++)
      dst[count[(src[i].h >> shift) & 0xffff]++] = src[i];
    serial_ref *t = src;
    src = dst;
    dst = t;
  }
  /* four passes: the result is back in refs */
  free(count);
  free(tmp);
}

static void note_duplicate(entry_summary *s, const serial_ref *r) {
  finding *f = &s->f[RF_DUPLICATE];
  if (f->count++ == 0 || r->index < f->index) {
    f->index = r->index;
    lint_serial_hex((casc_lint_bytes){r->p, r->len}, f->serial, sizeof f->serial);
  }
}

static void find_duplicates(entry_summary *s, serial_ref *refs, size_t n) {
  if (n < 2)
    return; /* refs may be NULL then */
  sort_refs(refs, n);
  /* Within a run of equal hashes (almost always one or two long), compare
   * the serials themselves: a later one equal to an earlier one repeats it. */
  for (size_t a = 0; a < n;) {
    size_t b = a + 1;
    while (b < n && refs[b].h == refs[a].h)
      b++;
    for (size_t i = a + 1; i < b; i++)
      for (size_t j = a; j < i; j++)
        if (refs[i].len == refs[j].len && memcmp(refs[i].p, refs[j].p, refs[i].len) == 0) {
          note_duplicate(s, refs[i].index > refs[j].index ? &refs[i] : &refs[j]);
          break;
        }
    a = b;
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
  }
  if ((issuer || en->cert_issuer) && !(crl->idp.present && crl->idp.indirect))
    note(&s->f[RF_CERT_ISSUER], i, en);
}

/* The entry at *c the quick way, for the common DER shapes: only the
 * fields check_entry reads are filled, and nothing is cleared that is not
 * read (casc_lint_crl_next_entry clears a struct of a kilobyte per entry).
 * The decoder has already walked every entry for its encoding faults, so
 * this records none. false for anything unusual: the caller then reads the
 * entry with casc_lint_crl_next_entry, which handles every shape. */
static bool quick_entry(lint_cur *c, casc_lint_crl_entry *en) {
  casc_lint_faults scratch = {0};
  lint_tlv s, t, x;
  if (!lint_next(c, &s, &scratch, "") || s.tag != CASC_DER_SEQUENCE)
    return false;
  lint_cur ec = lint_cur_of(s.val, s.len);
  if (!lint_next(&ec, &t, &scratch, "") || t.tag != CASC_DER_INTEGER)
    return false;
  en->raw = lint_tlv_bytes(&s);
  en->serial = lint_val_bytes(&t);
  if (!lint_next(&ec, &t, &scratch, ""))
    return false;
  lint_time(&t, &en->date, &scratch, "");
  if (!en->date.ok_parse)
    return false;
  en->reason = -1;
  en->invalidity.present = false;
  en->cert_issuer = false;
  en->n_ext = 0;
  en->ext_present = !lint_cur_empty(&ec);
  if (!en->ext_present)
    return true;
  if (!lint_next(&ec, &t, &scratch, "") || t.tag != CASC_DER_SEQUENCE || !lint_cur_empty(&ec))
    return false;
  lint_cur xc = lint_cur_of(t.val, t.len);
  while (!lint_cur_empty(&xc)) {
    if (en->n_ext == 8 || !lint_next(&xc, &x, &scratch, "") || x.tag != CASC_DER_SEQUENCE)
      return false;
    casc_lint_ext *e = &en->ext[en->n_ext++];
    lint_cur vc = lint_cur_of(x.val, x.len);
    lint_tlv oid, v;
    if (!lint_next(&vc, &oid, &scratch, "") || oid.tag != CASC_DER_OID ||
        !lint_next(&vc, &v, &scratch, ""))
      return false;
    e->oid = lint_val_bytes(&oid);
    e->critical = false;
    if (v.tag == CASC_DER_BOOLEAN) {
      if (v.len != 1 || (v.val[0] != 0xff && v.val[0] != 0))
        return false;
      e->critical = v.val[0] == 0xff;
      if (!lint_next(&vc, &v, &scratch, ""))
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
      if (!lint_next(&ic, &it, &scratch, "") || !lint_cur_empty(&ic))
        return false;
      lint_time(&it, &en->invalidity, &scratch, "");
    } else {
      return false; /* certificateIssuer and the rest: the full reader */
    }
  }
  return true;
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
  serial_ref *refs = NULL;
  size_t cap = 0;
  bool dup_check = true;
  size_t off = 0, i = 0;
  casc_lint_crl_entry en;
  for (;; i++) {
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
    if (dup_check) {
      if (i == cap) {
        size_t ncap = cap == 0 ? 1024 : cap * 2;
        serial_ref *r = realloc(refs, ncap * sizeof *r);
        if (r == NULL) {
          dup_check = false; /* out of memory: the duplicate lint says it could not tell */
          continue;
        }
        refs = r;
        cap = ncap;
      }
      refs[i] = (serial_ref){serial_hash(en.serial.p, en.serial.len), en.serial.p, en.serial.len,
                             i};
    }
  }
  s->n = i;
  if (crl->entries_undecodable && s->f[RF_MALFORMED].count == 0) {
    s->f[RF_MALFORMED].count = 1;
    s->f[RF_MALFORMED].index = crl->first_bad_entry;
  }
  if (dup_check)
    find_duplicates(s, refs, i);
  else
    s->f[RF_DUPLICATE].count = SIZE_MAX;
  free(refs);
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
    snprintf(det, detsz, "out of memory: duplicates not checked");
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
  if (scope != CASC_CRL_SCOPE_SUBSCRIBER)
    allowed |= 1u << 2;
  const entry_summary *s = summary(in->crl);
  for (int r = 0; r < N_REASONS; r++) {
    if ((allowed >> r) & 1u || s->reason[r].count == 0)
      continue;
    char what[96];
    snprintf(what, sizeof what, "have reasonCode %s, which BR 7.2.2 does not allow%s", names[r],
             scope == CASC_CRL_SCOPE_CA           ? " for CA certificates"
             : scope == CASC_CRL_SCOPE_SUBSCRIBER ? " for subscriber certificates"
                                                  : "");
    return report(&s->reason[r], what, det, detsz);
  }
  return CASC_LINT_PASS;
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
    LINT("e_crl_certificate_issuer_not_indirect", NULL, ERROR, "RFC 5280 5.3.3", RFC, 0,
         has_entries, run_cert_issuer),
    LINT("e_crl_certificate_issuer_not_critical", NULL, ERROR, "RFC 5280 5.3.3", RFC, 0,
         has_entries, run_cert_issuer_critical),
};
CASC_LINT_TABLE(casc_lints_crl_entries);
