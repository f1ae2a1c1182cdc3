/* Shared by the lint decoders (parse_*.c): a lenient-but-recording TLV
 * reader. Where casc_der_next refuses anything but DER, this one accepts
 * what can still be followed (a non-minimal length, say) and records the
 * fault, so that a lint can name it; it refuses only what cannot be
 * followed (a high tag number, an indefinite length, a length past the
 * end). Not part of the public API. */
#ifndef CASC_LINT_INTERNAL_H
#define CASC_LINT_INTERNAL_H

#include "casc/der.h"
#include "casc/lint.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
  unsigned tag;
  const unsigned char *hdr; /* start of the TLV */
  size_t tlv_len;           /* header and contents */
  const unsigned char *val;
  size_t len;
} lint_tlv;

/* A cursor over a run of TLVs. */
typedef struct {
  const unsigned char *p, *end;
} lint_cur;

static inline lint_cur lint_cur_of(const unsigned char *p, size_t len) {
  lint_cur c = {p, p != NULL ? p + len : p}; /* an absent value is an empty run */
  return c;
}
static inline bool lint_cur_empty(const lint_cur *c) { return c->p >= c->end; }
static inline unsigned lint_cur_peek(const lint_cur *c) { return c->p < c->end ? *c->p : 0x100; }
static inline casc_lint_bytes lint_bytes(const unsigned char *p, size_t len) {
  casc_lint_bytes b = {p, len};
  return b;
}
static inline casc_lint_bytes lint_tlv_bytes(const lint_tlv *t) { return lint_bytes(t->hdr, t->tlv_len); }
static inline casc_lint_bytes lint_val_bytes(const lint_tlv *t) { return lint_bytes(t->val, t->len); }

static inline void lint_fault(casc_lint_faults *f, casc_lint_fault k, const char *where) {
  if (!(f->bits & (1u << k))) {
    f->bits |= 1u << k;
    f->where[k] = where;
  }
}

/* Reads one TLV. false when it cannot be followed. */
bool lint_next(lint_cur *c, lint_tlv *t, casc_lint_faults *f, const char *where);
/* lint_next that also insists on the tag. */
bool lint_expect(lint_cur *c, unsigned tag, lint_tlv *t, casc_lint_faults *f, const char *where);
/* Reads an optional TLV of tag: true and *t when the next one has it. */
bool lint_optional(lint_cur *c, unsigned tag, lint_tlv *t, casc_lint_faults *f, const char *where,
                   bool *bad);
/* Checks after the last field: bytes left are CASC_LF_TRAILING_IN_VALUE. */
void lint_done(const lint_cur *c, casc_lint_faults *f, const char *where);

/* Value checks that record faults. */
void lint_check_integer(const lint_tlv *t, casc_lint_faults *f, const char *where);
/* BOOLEAN value: records bad encodings, returns the truth (non-zero). */
bool lint_boolean(const lint_tlv *t, casc_lint_faults *f, const char *where);
/* BIT STRING: unused-bits octet and padding; *bits and *nbytes the rest. */
bool lint_bitstring(const lint_tlv *t, casc_lint_faults *f, const char *where,
                    const unsigned char **bits, size_t *nbytes, unsigned *unused);
bool lint_oid_ok(const unsigned char *p, size_t len);
/* Reads a small non-negative INTEGER (<= INT32_MAX); false otherwise. */
bool lint_small_int(const lint_tlv *t, long *out);

/* Time: fills *out from a UTCTime/GeneralizedTime TLV. */
void lint_time(const lint_tlv *t, casc_lint_time *out, casc_lint_faults *f, const char *where);
/* Name (the whole TLV) */
bool lint_name(const lint_tlv *t, casc_lint_name *out, casc_lint_faults *f, const char *where);
/* AlgorithmIdentifier TLV: oid and params (absent when omitted) */
bool lint_algid(const lint_tlv *t, casc_lint_bytes *oid, casc_lint_bytes *params,
                casc_lint_faults *f, const char *where);
/* One GeneralName */
bool lint_gn(const lint_tlv *t, casc_lint_gn *out, casc_lint_faults *f, const char *where);
/* GeneralNames contents into gn[max]; *n stored, *total seen */
bool lint_gns(const unsigned char *p, size_t len, casc_lint_gn *gn, size_t max, size_t *n,
              size_t *total, casc_lint_faults *f, const char *where);
/* Extensions SEQUENCE TLV into ext[max]; by_id (may be NULL) gets the first of each id. */
bool lint_extensions(const lint_tlv *t, casc_lint_ext *ext, size_t max, size_t *n, bool *truncated,
                     bool *duplicate, casc_lint_bytes *dup_oid, const casc_lint_ext **by_id,
                     casc_lint_faults *f, const char *where);
casc_lint_ext_id lint_ext_id(casc_lint_bytes oid);

#endif
