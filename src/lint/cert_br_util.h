/* Name and address rules of the TLS Baseline Requirements (7.1.4.2,
 * 1.6.1 "Reserved IP Address", "Internal Name", "P-Label"), as pure
 * functions over bytes, shared by the cert_br_*.c and cert_csbr_*.c lints.
 * Internal to libcasc. */
#ifndef CASC_LINT_CERT_BR_UTIL_H
#define CASC_LINT_CERT_BR_UTIL_H

#include "casc/lint.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* A UTC date as a constant expression (CASC_LINT_DATE calls a function,
 * which a static table cannot): days from the civil date, for years 1..9999. */
#define CASC_BR_Y_(y, m) ((y) - ((m) <= 2))
#define CASC_BR_DATE(y, m, d)                                                                       \
  ((time_t)(((CASC_BR_Y_(y, m)) / 400) * 146097L + ((CASC_BR_Y_(y, m)) % 400) * 365L +              \
            ((CASC_BR_Y_(y, m)) % 400) / 4 - ((CASC_BR_Y_(y, m)) % 400) / 100 +                     \
            (153L * ((m) > 2 ? (m) - 3 : (m) + 9) + 2) / 5 + (d) - 1 - 719468L) *                   \
   86400)

/* SC-62 (BR 2.0.0): the certificate profiles of 7.1.2 and the name rules
 * of 7.1.4 as they stand now. */
#define CASC_BR_SC62 CASC_BR_DATE(2023, 9, 15)
/* BR 1.0: the requirements took effect (CA/B Forum "CAB effective date"). */
#define CASC_BR_V1 CASC_BR_DATE(2012, 7, 1)

/* Validity Period in seconds, as BR 1.6.1 defines it: notBefore through
 * notAfter inclusive, so one second more than the difference. */
static inline long long casc_br_validity_secs(const casc_lint_cert *c) {
  return (long long)c->not_after.t - (long long)c->not_before.t + 1;
}

/* Profile predicates beyond lint.h's. */
bool casc_br_applies_tls_ca(const casc_lint_input *in);   /* root, or a sub CA for TLS */
bool casc_br_applies_tls_subca(const casc_lint_input *in);/* sub CA: no EKU, serverAuth or any */
bool casc_br_applies_cs_subca(const casc_lint_input *in); /* sub CA with codeSigning/timeStamping EKU */
bool casc_br_applies_tls_any(const casc_lint_input *in);  /* TLS subscriber, TLS CA, OCSP signer */
bool casc_br_applies_tls_or_precert(const casc_lint_input *in);
bool casc_br_applies_precert(const casc_lint_input *in);   /* CT poison present */
bool casc_br_applies_cs_any(const casc_lint_input *in);   /* code signing or timestamping subscriber */
/* Policy helpers */
bool casc_br_has_policy(const casc_lint_cert *c, const char *oid, size_t oid_len);
#define CASC_BR_HAS_POLICY(c, lit) casc_br_has_policy((c), (lit), sizeof(lit) - 1)
/* The URI scheme is http:// (case-insensitive). */
bool casc_br_uri_is_http(casc_lint_bytes uri);
/* det helper: a printable copy of bytes into det ("%.*s" safe for binary). */
void casc_br_det_bytes(char *det, size_t detsz, const char *prefix, casc_lint_bytes b);

/* Faults of one dNSName, as a bit set (casc_br_dns_check). */
enum {
  CASC_BR_DNS_EMPTY = 1u << 0,           /* "" */
  CASC_BR_DNS_EMPTY_LABEL = 1u << 1,     /* "a..b", "a.", ".a" */
  CASC_BR_DNS_STARTS_PERIOD = 1u << 2,   /* ".a" */
  CASC_BR_DNS_LABEL_TOO_LONG = 1u << 3,  /* a label over 63 octets */
  CASC_BR_DNS_TOO_LONG = 1u << 4,        /* over 253 octets */
  CASC_BR_DNS_BAD_CHAR = 1u << 5,        /* not letter, digit, '-', '_' or '*' */
  CASC_BR_DNS_NUL = 1u << 6,             /* a NUL octet */
  CASC_BR_DNS_UNDERSCORE_SLD = 1u << 7,  /* '_' in the label left of the TLD */
  CASC_BR_DNS_UNDERSCORE_TRD = 1u << 8,  /* '_' further left */
  CASC_BR_DNS_HYPHEN_EDGE = 1u << 9,     /* a label begins or ends with '-' */
  CASC_BR_DNS_WILDCARD_NOT_FIRST = 1u << 10, /* '*' outside the first label */
  CASC_BR_DNS_WILDCARD_PARTIAL = 1u << 11,   /* first label "a*" or "*a" */
  CASC_BR_DNS_BARE_WILDCARD = 1u << 12,      /* "*" alone or "*.tld" */
  CASC_BR_DNS_RESERVED_LABEL = 1u << 13,     /* "ab--..." but not "xn--" */
  CASC_BR_DNS_BAD_ALABEL = 1u << 14,         /* "xn--" that is no valid Punycode */
  CASC_BR_DNS_INTERNAL = 1u << 15,           /* one label, or a reserved TLD */
  CASC_BR_DNS_UPPERCASE = 1u << 16,          /* upper-case letters */
  CASC_BR_DNS_SPACE = 1u << 17,              /* a space anywhere */
  CASC_BR_DNS_REVERSE_ZONE = 1u << 18,       /* ends in in-addr.arpa or ip6.arpa */
  CASC_BR_DNS_ONION = 1u << 19,              /* ends in .onion */
  CASC_BR_DNS_HYPHEN_SLD = 1u << 20,         /* SLD begins or ends with '-' */
  CASC_BR_DNS_NUMERIC_TLD = 1u << 21,        /* TLD all digits (an IP written as a name) */
};
uint32_t casc_br_dns_check(const unsigned char *name, size_t len);

/* RFC 3492 Punycode: true when the part after "xn--" decodes to code
 * points that are valid scalar values, at least one of them non-ASCII. */
bool casc_br_punycode_valid(const unsigned char *s, size_t len);

/* An address (4 or 16 octets) in a range that IANA's special-purpose
 * registries mark as not globally reachable, or outside IANA's global
 * unicast allocations (BR 1.6.1 "Reserved IP Address"). */
bool casc_br_ip_reserved(const unsigned char *ip, size_t len);

/* A subnet (address of 4 or 16 octets and its prefix length) that
 * overlaps any range casc_br_ip_reserved knows. */
bool casc_br_subnet_reserved(const unsigned char *ip, size_t len, unsigned prefix);

/* ISO 3166-1 alpha-2, or "XX" (BR 7.1.4.2.2 n). */
bool casc_br_country_valid(const unsigned char *s, size_t len);

/* True when the bytes are a dotted IPv4 address or contain ':' and parse
 * as IPv6 (a commonName that holds an address). out gets the octets. */
bool casc_br_parse_ip(const unsigned char *s, size_t len, unsigned char out[16],
                      size_t *out_len);

/* Case-insensitive equality of two ASCII strings. */
bool casc_br_ascii_eq(const unsigned char *a, size_t alen, const unsigned char *b,
                      size_t blen);

#endif
