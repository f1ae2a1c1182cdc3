/* Shared by src/crl/index*.c: the index object and the strict time reader. */
#ifndef CASC_CRL_INDEX_INTERNAL_H
#define CASC_CRL_INDEX_INTERNAL_H

#include "casc/crlindex.h"
#include "casc/der.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

/* One revoked entry: the sort key (serial length in the top octet, then
 * its first seven octets) and where the entry lives in the DER. Packed to
 * 12 bytes: a million entries cost 12 MB (and as much again while sorting). */
typedef struct __attribute__((packed)) {
  uint64_t key;
  uint32_t entry_off; /* offset of the entry's SEQUENCE */
} crl_slot;

/* Serials longer than this are refused: RFC 5280 allows 20 octets, and a
 * bound keeps the key's length octet exact. */
#define CRL_SERIAL_MAX 64

enum crl_owner { CRL_OWN_MALLOC, CRL_OWN_MMAP, CRL_OWN_OPENSSL };

struct casc_crl_index {
  unsigned char *der;
  size_t len;
  enum crl_owner owner;
  casc_der_tlv_t tbs, inner_alg, issuer, outer_alg, sig;
  casc_crl_index_info info;
  ISSUING_DIST_POINT *idp;
  crl_slot *slots;
  size_t n;
};

/* A UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ), the only
 * forms RFC 5280 4.1.2.5 allows. */
casc_err crl_time(const casc_der_tlv_t *t, time_t *out, casc_error *e);

/* Reads one Extension: its OID, criticality (DER: present only when
 * TRUE) and the contents of its OCTET STRING. */
casc_err crl_read_extension(const casc_der_tlv_t *ext, casc_der_tlv_t *oid, bool *critical,
                            casc_der_tlv_t *value, casc_error *e);

#endif
