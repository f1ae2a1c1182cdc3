/* casc der: a small, strict DER writer and reader at the TLV level.
 *
 * Not an ASN.1 library: OpenSSL does that. This exists for what OpenSSL's
 * object model makes slow or hides: streaming a CRL of a million entries
 * out without a million objects, and scanning TLVs without decoding them.
 *
 * Writer: one growable buffer. Constructed values are opened with
 * casc_der_begin and closed with casc_der_end, which inserts the tag and
 * the (then known) minimal length in front of the contents. Errors (out of
 * memory, an end without a begin) are sticky: every call after the first
 * failure does nothing, and casc_der_buf_failed says so at the end, so a
 * builder checks once instead of after each call.
 *
 * Reader: casc_der_next reads one TLV, accepting only DER: single-octet
 * tags of the low-tag-number form, definite minimal lengths, and a value
 * that fits in what is left. */
#ifndef CASC_DER_H
#define CASC_DER_H

#include "casc/base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Universal tags and the usual classes. */
enum {
  CASC_DER_BOOLEAN = 0x01,
  CASC_DER_INTEGER = 0x02,
  CASC_DER_BIT_STRING = 0x03,
  CASC_DER_OCTET_STRING = 0x04,
  CASC_DER_NULL = 0x05,
  CASC_DER_OID = 0x06,
  CASC_DER_ENUMERATED = 0x0a,
  CASC_DER_IA5STRING = 0x16,
  CASC_DER_UTCTIME = 0x17,
  CASC_DER_GENERALIZEDTIME = 0x18,
  CASC_DER_SEQUENCE = 0x30,
  CASC_DER_SET = 0x31,
  CASC_DER_CONTEXT = 0x80,     /* | tag number, primitive */
  CASC_DER_CONSTRUCTED = 0x20, /* | CASC_DER_CONTEXT | n: [n] constructed */
};

/* Deepest nesting a writer keeps open at once. */
#define CASC_DER_MAX_DEPTH 16
/* Length octets of the longest length this writer emits (a size_t). */
#define CASC_DER_MAX_HEADER (2 + sizeof(size_t))

typedef struct {
  unsigned char *data;
  size_t len, cap;
  size_t open[CASC_DER_MAX_DEPTH]; /* content start of each open value */
  unsigned char open_tag[CASC_DER_MAX_DEPTH];
  int depth;
  bool failed;
} casc_der_buf;

void casc_der_buf_init(casc_der_buf *b);
/* Frees the contents; the struct itself is the caller's. */
void casc_der_buf_free(casc_der_buf *b);
/* Makes room for at least n more bytes. */
void casc_der_reserve(casc_der_buf *b, size_t n);
/* True when any call failed, or a value is still open. */
bool casc_der_buf_failed(const casc_der_buf *b);

/* Encodes tag and length into out (at least CASC_DER_MAX_HEADER bytes);
 * returns the octets written. */
size_t casc_der_header(unsigned char *out, unsigned tag, size_t len);

void casc_der_raw(casc_der_buf *b, const void *p, size_t n);
void casc_der_tlv(casc_der_buf *b, unsigned tag, const void *p, size_t n);
void casc_der_begin(casc_der_buf *b, unsigned tag);
void casc_der_end(casc_der_buf *b);
/* Makes everything from offset start to the end the contents of one value
 * of tag: what casc_der_end does, for a value whose presence is decided
 * after its contents are written (an empty list that must be absent). */
void casc_der_wrap(casc_der_buf *b, size_t start, unsigned tag);

/* INTEGER from an unsigned big-endian magnitude (leading zero octets are
 * dropped; a 0x00 goes in front when the high bit is set). */
void casc_der_uint_bytes(casc_der_buf *b, const unsigned char *mag, size_t n);
void casc_der_int64(casc_der_buf *b, int64_t v);
void casc_der_boolean(casc_der_buf *b, unsigned tag, bool v);
void casc_der_enumerated(casc_der_buf *b, int v);
/* RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050 on,
 * "YYMMDDHHMMSSZ" / "YYYYMMDDHHMMSSZ". A time before 1950 or after 9999
 * fails the buffer. The same rule as casc_asn1_time_new, without an
 * allocation per call. */
void casc_der_time(casc_der_buf *b, time_t t);
/* An OID from its dotted form, e.g. "2.5.29.20"; a bad string fails the buffer. */
void casc_der_oid(casc_der_buf *b, const char *dotted);
/* GeneralizedTime whatever the year ("YYYYMMDDHHMMSSZ"), as RFC 5280 5.3.2
 * wants for invalidityDate. */
void casc_der_generalized_time(casc_der_buf *b, time_t t);

/* --- reader --------------------------------------------------------------- */
typedef struct {
  unsigned tag;              /* the identifier octet */
  const unsigned char *hdr;  /* start of the TLV */
  size_t hdr_len;            /* tag and length octets */
  const unsigned char *val;  /* the contents */
  size_t len;                /* of the contents */
} casc_der_tlv_t;

/* Reads the TLV at *p (of *left bytes) into out and advances past it.
 * CASC_ERR_PARSE, with what is wrong, for anything but DER: a high tag
 * number, an indefinite or non-minimal length, a length over what is left.
 * Primitive/constructed is not checked against the tag here. */
casc_err casc_der_next(const unsigned char **p, size_t *left, casc_der_tlv_t *out,
                       casc_error *e);
/* casc_der_next that also insists on the tag. */
casc_err casc_der_expect(const unsigned char **p, size_t *left, unsigned tag,
                         casc_der_tlv_t *out, casc_error *e);
/* Checks the DER rules of the contents of an INTEGER (non-empty, minimal). */
casc_err casc_der_check_integer(const unsigned char *val, size_t len, casc_error *e);

#endif
