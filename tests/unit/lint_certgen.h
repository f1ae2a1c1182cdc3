/* Test certificate generator for the certificate lints (test_lint_br.c,
 * test_lint_csbr.c, test_lint_keys.c): a certificate described field by
 * field in a plain struct (cg_spec), encoded with casc's DER writer and
 * signed with a real key, so that a test can break exactly one rule (an
 * extension's bytes, an attribute's string type, a modulus) that OpenSSL's
 * builders would refuse or normalise. One good base per profile; a case
 * mutates it. Header-only and static; not itself a test. */
#ifndef CASC_LINT_CERTGEN_H
#define CASC_LINT_CERTGEN_H

#include "casc/der.h"
#include "casc/lint.h"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CG_NOW ((time_t)1795000000) /* 2026-11-19T10:13:20Z */
#define CG_DAY 86400

/* OIDs in dotted form for the spec */
#define CG_C "2.5.4.6"
#define CG_ST "2.5.4.8"
#define CG_L "2.5.4.7"
#define CG_O "2.5.4.10"
#define CG_OU "2.5.4.11"
#define CG_CN "2.5.4.3"
#define CG_STREET "2.5.4.9"
#define CG_POSTAL "2.5.4.17"
#define CG_GIVEN "2.5.4.42"
#define CG_SURNAME "2.5.4.4"
#define CG_SERIALNUM "2.5.4.5"
#define CG_DC "0.9.2342.19200300.100.1.25"
#define CG_EMAIL "1.2.840.113549.1.9.1"

#define CG_X_BC "2.5.29.19"
#define CG_X_KU "2.5.29.15"
#define CG_X_EKU "2.5.29.37"
#define CG_X_SAN "2.5.29.17"
#define CG_X_AKI "2.5.29.35"
#define CG_X_SKI "2.5.29.14"
#define CG_X_CRLDP "2.5.29.31"
#define CG_X_AIA "1.3.6.1.5.5.7.1.1"
#define CG_X_CP "2.5.29.32"
#define CG_X_NC "2.5.29.30"
#define CG_X_NOCHECK "1.3.6.1.5.5.7.48.1.5"
#define CG_X_POISON "1.3.6.1.4.1.11129.2.4.3"
#define CG_X_SCT "1.3.6.1.4.1.11129.2.4.2"

#define CG_EKU_SERVER "1.3.6.1.5.5.7.3.1"
#define CG_EKU_CLIENT "1.3.6.1.5.5.7.3.2"
#define CG_EKU_CODE "1.3.6.1.5.5.7.3.3"
#define CG_EKU_EMAIL "1.3.6.1.5.5.7.3.4"
#define CG_EKU_TIME "1.3.6.1.5.5.7.3.8"
#define CG_EKU_OCSP "1.3.6.1.5.5.7.3.9"
#define CG_EKU_ANY "2.5.29.37.0"

typedef struct {
  const char *oid;
  unsigned tag;      /* 0x0c UTF8String (default), 0x13 PrintableString, 0x16 IA5String */
  char val[80];
  bool same_rdn;     /* in the same RDN as the attribute before it */
} cg_attr;

typedef struct {
  const char *oid;
  bool crit;
  unsigned char der[1024];
  size_t len;
} cg_ext;

enum { CG_TLS, CG_ROOT, CG_SUBCA, CG_OCSP, CG_CS, CG_TSA, CG_CS_SUBCA, CG_PRECERT, CG_SMIME, CG_NPROFILES };

typedef struct {
  int profile;
  time_t nb, na;
  unsigned char serial[24];
  size_t serial_len;
  cg_attr subj[16];
  size_t n_subj;
  cg_attr iss[8];
  size_t n_iss;
  cg_ext ext[24];
  size_t n_ext;
  unsigned char spki[1200]; /* SubjectPublicKeyInfo TLV */
  size_t spki_len;
  unsigned char sigalg[80]; /* AlgorithmIdentifier TLV, inner and outer */
  size_t sigalg_len;
  /* the profile to lint as, as --profile gives it; AUTO: detected */
  casc_lint_profile profile_override;
} cg_spec;

/* --- keys shared by every case ----------------------------------------------- */
static EVP_PKEY *cg_ca_key, *cg_ec256, *cg_ec384, *cg_rsa2048, *cg_rsa3072;

static inline void cg_keys(void) {
  if (cg_ca_key != NULL)
    return;
  cg_ca_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  cg_ec256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  cg_ec384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
  cg_rsa2048 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
  cg_rsa3072 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
  if (!cg_ca_key || !cg_ec256 || !cg_ec384 || !cg_rsa2048 || !cg_rsa3072)
    abort();
}

static inline void cg_keys_free(void) {
  EVP_PKEY_free(cg_ca_key);
  EVP_PKEY_free(cg_ec256);
  EVP_PKEY_free(cg_ec384);
  EVP_PKEY_free(cg_rsa2048);
  EVP_PKEY_free(cg_rsa3072);
  cg_ca_key = cg_ec256 = cg_ec384 = cg_rsa2048 = cg_rsa3072 = NULL;
}

static inline void cg_set_key(cg_spec *s, EVP_PKEY *k) {
  unsigned char *p = s->spki;
  int n = i2d_PUBKEY(k, NULL);
  if (n <= 0 || (size_t)n > sizeof s->spki || i2d_PUBKEY(k, &p) != n)
    abort();
  s->spki_len = (size_t)n;
}

/* An RSA SubjectPublicKeyInfo from raw INTEGER contents (taken as given,
 * sign octet and all): moduli and exponents no key generator would make. */
static inline void cg_set_rsa_raw(cg_spec *s, const unsigned char *n, size_t nlen, const unsigned char *e,
                           size_t elen) {
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_oid(&b, "1.2.840.113549.1.1.1");
  casc_der_tlv(&b, CASC_DER_NULL, NULL, 0);
  casc_der_end(&b);
  casc_der_begin(&b, CASC_DER_BIT_STRING);
  casc_der_raw(&b, "\x00", 1);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_tlv(&b, CASC_DER_INTEGER, n, nlen);
  casc_der_tlv(&b, CASC_DER_INTEGER, e, elen);
  casc_der_end(&b);
  casc_der_end(&b);
  casc_der_end(&b);
  if (casc_der_buf_failed(&b) || b.len > sizeof s->spki)
    abort();
  memcpy(s->spki, b.data, b.len);
  s->spki_len = b.len;
  casc_der_buf_free(&b);
}

/* The modulus (magnitude, big-endian) of an RSA key, into out. */
static inline size_t cg_rsa_modulus(EVP_PKEY *k, unsigned char *out, size_t outsz) {
  BIGNUM *n = NULL;
  if (EVP_PKEY_get_bn_param(k, "n", &n) != 1 || (size_t)BN_num_bytes(n) > outsz)
    abort();
  size_t len = (size_t)BN_bn2bin(n, out);
  BN_free(n);
  return len;
}

/* --- names and extensions ------------------------------------------------------ */
static inline void cg_attr_add(cg_attr *a, size_t *n, size_t max, const char *oid, unsigned tag,
                        const char *val) {
  if (*n >= max)
    abort();
  a[*n].oid = oid;
  a[*n].tag = tag ? tag : 0x0c;
  snprintf(a[*n].val, sizeof a[*n].val, "%s", val);
  a[*n].same_rdn = false;
  (*n)++;
}
#define cg_subj(s, oid, tag, val) cg_attr_add((s)->subj, &(s)->n_subj, 16, oid, tag, val)
#define cg_iss(s, oid, tag, val) cg_attr_add((s)->iss, &(s)->n_iss, 8, oid, tag, val)

static inline cg_attr *cg_subj_find(cg_spec *s, const char *oid) {
  for (size_t i = 0; i < s->n_subj; i++)
    if (strcmp(s->subj[i].oid, oid) == 0)
      return &s->subj[i];
  return NULL;
}

static inline void cg_subj_del(cg_spec *s, const char *oid) {
  for (size_t i = 0; i < s->n_subj;)
    if (strcmp(s->subj[i].oid, oid) == 0) {
      memmove(&s->subj[i], &s->subj[i + 1], (s->n_subj - i - 1) * sizeof s->subj[0]);
      s->n_subj--;
    } else {
      i++;
    }
}

static inline cg_ext *cg_ext_find(cg_spec *s, const char *oid) {
  for (size_t i = 0; i < s->n_ext; i++)
    if (strcmp(s->ext[i].oid, oid) == 0)
      return &s->ext[i];
  return NULL;
}

static inline void cg_ext_del(cg_spec *s, const char *oid) {
  for (size_t i = 0; i < s->n_ext;)
    if (strcmp(s->ext[i].oid, oid) == 0) {
      memmove(&s->ext[i], &s->ext[i + 1], (s->n_ext - i - 1) * sizeof s->ext[0]);
      s->n_ext--;
    } else {
      i++;
    }
}

/* Replaces (keeping its place) or appends an extension; takes b's contents. */
static inline void cg_ext_put(cg_spec *s, const char *oid, bool crit, casc_der_buf *b) {
  if (casc_der_buf_failed(b) || b->len > sizeof s->ext[0].der)
    abort();
  cg_ext *x = cg_ext_find(s, oid);
  if (x == NULL) {
    if (s->n_ext >= sizeof s->ext / sizeof s->ext[0])
      abort();
    x = &s->ext[s->n_ext++];
  }
  x->oid = oid;
  x->crit = crit;
  if (b->len > 0)
    memcpy(x->der, b->data, b->len);
  x->len = b->len;
  casc_der_buf_free(b);
}

static inline void cg_ext_raw(cg_spec *s, const char *oid, bool crit, const void *der, size_t len) {
  casc_der_buf b;
  casc_der_buf_init(&b);
  if (len > 0)
    casc_der_raw(&b, der, len);
  cg_ext_put(s, oid, crit, &b);
}

static inline void cg_set_crit(cg_spec *s, const char *oid, bool crit) {
  cg_ext *x = cg_ext_find(s, oid);
  if (x == NULL)
    abort();
  x->crit = crit;
}

static inline void cg_bc(cg_spec *s, bool crit, bool ca, int pathlen) {
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  if (ca)
    casc_der_boolean(&b, CASC_DER_BOOLEAN, true);
  if (pathlen >= 0)
    casc_der_int64(&b, pathlen);
  casc_der_end(&b);
  cg_ext_put(s, CG_X_BC, crit, &b);
}

/* keyUsage from CASC_KU_* bits, DER named-bit encoding. */
static inline void cg_ku(cg_spec *s, bool crit, unsigned bits) {
  unsigned char v[3];
  int last = -1;
  for (int i = 0; i < 9; i++)
    if (bits & (1u << i))
      last = i;
  size_t nbytes = last < 0 ? 0 : (size_t)(last / 8 + 1);
  v[1] = v[2] = 0;
  for (int i = 0; i <= last; i++)
    if (bits & (1u << i))
      v[1 + i / 8] |= (unsigned char)(0x80 >> (i % 8));
  v[0] = last < 0 ? 0 : (unsigned char)(7 - last % 8);
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_tlv(&b, CASC_DER_BIT_STRING, v, 1 + nbytes);
  cg_ext_put(s, CG_X_KU, crit, &b);
}

/* extKeyUsage from up to 8 dotted OIDs (NULL-terminated list). */
static inline void cg_eku(cg_spec *s, bool crit, const char *const *oids) {
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  for (size_t i = 0; oids[i] != NULL; i++)
    casc_der_oid(&b, oids[i]);
  casc_der_end(&b);
  cg_ext_put(s, CG_X_EKU, crit, &b);
}
#define CG_EKU(s, crit, ...) cg_eku((s), (crit), (const char *const[]){__VA_ARGS__, NULL})

/* GeneralNames: type numbers as in RFC 5280; "ip:" values are dotted text. */
typedef struct {
  unsigned type;
  const char *val;
  size_t len; /* 0: strlen */
} cg_gn;

static inline void cg_gn_write(casc_der_buf *b, const cg_gn *g) {
  size_t len = g->len ? g->len : strlen(g->val);
  if (g->type == 7) {
    unsigned char ip[16];
    if (inet_pton(AF_INET, g->val, ip) == 1)
      casc_der_tlv(b, CASC_DER_CONTEXT | 7, ip, 4);
    else if (inet_pton(AF_INET6, g->val, ip) == 1)
      casc_der_tlv(b, CASC_DER_CONTEXT | 7, ip, 16);
    else
      casc_der_tlv(b, CASC_DER_CONTEXT | 7, g->val, len);
  } else if (g->type == 4) {
    casc_der_begin(b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 4);
    casc_der_begin(b, CASC_DER_SEQUENCE);
    casc_der_begin(b, CASC_DER_SET);
    casc_der_begin(b, CASC_DER_SEQUENCE);
    casc_der_oid(b, CG_CN);
    casc_der_tlv(b, 0x0c, g->val, len);
    casc_der_end(b);
    casc_der_end(b);
    casc_der_end(b);
    casc_der_end(b);
  } else if (g->type == 0) {
    casc_der_begin(b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0);
    casc_der_oid(b, "1.3.6.1.5.5.7.8.9");
    casc_der_begin(b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0);
    casc_der_tlv(b, 0x0c, g->val, len);
    casc_der_end(b);
    casc_der_end(b);
  } else if (g->type == 8) {
    casc_der_buf t;
    casc_der_buf_init(&t);
    casc_der_oid(&t, g->val);
    casc_der_tlv(b, CASC_DER_CONTEXT | 8, t.data + 2, t.len - 2);
    casc_der_buf_free(&t);
  } else if (g->type == 5 || g->type == 3) {
    casc_der_begin(b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | g->type);
    casc_der_begin(b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 1);
    casc_der_tlv(b, 0x0c, g->val, len);
    casc_der_end(b);
    casc_der_end(b);
  } else {
    casc_der_tlv(b, CASC_DER_CONTEXT | g->type, g->val, len);
  }
}

static inline void cg_san(cg_spec *s, bool crit, const cg_gn *gns, size_t n) {
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  for (size_t i = 0; i < n; i++)
    cg_gn_write(&b, &gns[i]);
  casc_der_end(&b);
  cg_ext_put(s, CG_X_SAN, crit, &b);
}
#define CG_SAN(s, ...)                                                                            \
  cg_san((s), false, (const cg_gn[]){__VA_ARGS__},                                              \
         sizeof((const cg_gn[]){__VA_ARGS__}) / sizeof(cg_gn))
#define CG_DNS(v) {2, (v), 0}
#define CG_IP(v) {7, (v), 0}

/* AIA: an OCSP URL and a caIssuers URL; either may be NULL. */
static inline void cg_aia(cg_spec *s, bool crit, const char *ocsp, const char *ca) {
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  if (ocsp != NULL) {
    casc_der_begin(&b, CASC_DER_SEQUENCE);
    casc_der_oid(&b, "1.3.6.1.5.5.7.48.1");
    casc_der_tlv(&b, CASC_DER_CONTEXT | 6, ocsp, strlen(ocsp));
    casc_der_end(&b);
  }
  if (ca != NULL) {
    casc_der_begin(&b, CASC_DER_SEQUENCE);
    casc_der_oid(&b, "1.3.6.1.5.5.7.48.2");
    casc_der_tlv(&b, CASC_DER_CONTEXT | 6, ca, strlen(ca));
    casc_der_end(&b);
  }
  casc_der_end(&b);
  cg_ext_put(s, CG_X_AIA, crit, &b);
}

/* CRL distribution points: one fullName URI; with_issuer adds cRLIssuer. */
static inline void cg_crldp(cg_spec *s, bool crit, const char *uri, bool with_issuer) {
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_begin(&b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0);
  casc_der_begin(&b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0);
  casc_der_tlv(&b, CASC_DER_CONTEXT | 6, uri, strlen(uri));
  casc_der_end(&b);
  casc_der_end(&b);
  if (with_issuer) {
    casc_der_begin(&b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 2);
    cg_gn_write(&b, &(cg_gn){4, "Other CRL Issuer", 0});
    casc_der_end(&b);
  }
  casc_der_end(&b);
  casc_der_end(&b);
  cg_ext_put(s, CG_X_CRLDP, crit, &b);
}

/* certificatePolicies: OIDs; cps (may be NULL) is a CPS URI on the first;
 * unotice adds a UserNotice qualifier to the first. */
static inline void cg_cp(cg_spec *s, bool crit, const char *const *oids, const char *cps, bool unotice) {
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  for (size_t i = 0; oids[i] != NULL; i++) {
    casc_der_begin(&b, CASC_DER_SEQUENCE);
    casc_der_oid(&b, oids[i]);
    if (i == 0 && (cps != NULL || unotice)) {
      casc_der_begin(&b, CASC_DER_SEQUENCE);
      if (cps != NULL) {
        casc_der_begin(&b, CASC_DER_SEQUENCE);
        casc_der_oid(&b, "1.3.6.1.5.5.7.2.1");
        casc_der_tlv(&b, CASC_DER_IA5STRING, cps, strlen(cps));
        casc_der_end(&b);
      }
      if (unotice) {
        casc_der_begin(&b, CASC_DER_SEQUENCE);
        casc_der_oid(&b, "1.3.6.1.5.5.7.2.2");
        casc_der_begin(&b, CASC_DER_SEQUENCE);
        casc_der_tlv(&b, 0x0c, "notice", 6);
        casc_der_end(&b);
        casc_der_end(&b);
      }
      casc_der_end(&b);
    }
    casc_der_end(&b);
  }
  casc_der_end(&b);
  cg_ext_put(s, CG_X_CP, crit, &b);
}
#define CG_CP(s, ...) cg_cp((s), false, (const char *const[]){__VA_ARGS__, NULL}, NULL, false)

static inline void cg_keyid(cg_spec *s, const char *oid, unsigned char fill) {
  unsigned char id[20];
  memset(id, fill, sizeof id);
  casc_der_buf b;
  casc_der_buf_init(&b);
  if (strcmp(oid, CG_X_SKI) == 0) {
    casc_der_tlv(&b, CASC_DER_OCTET_STRING, id, sizeof id);
  } else {
    casc_der_begin(&b, CASC_DER_SEQUENCE);
    casc_der_tlv(&b, CASC_DER_CONTEXT | 0, id, sizeof id);
    casc_der_end(&b);
  }
  cg_ext_put(s, oid, false, &b);
}

static inline void cg_sigalg(cg_spec *s, const void *der, size_t len) {
  memcpy(s->sigalg, der, len);
  s->sigalg_len = len;
}
#define CG_SIGALG(s, lit) cg_sigalg((s), (lit), sizeof(lit) - 1)
#define CG_ALG_ECDSA_SHA256 "\x30\x0a\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x02"

/* --- the bases ------------------------------------------------------------------ */
static inline void cg_base(cg_spec *s, int profile) {
  cg_keys();
  memset(s, 0, sizeof *s);
  s->profile = profile;
  s->profile_override = CASC_LINT_PROFILE_AUTO;
  s->nb = CG_NOW - 3600;
  s->serial_len = 16;
  for (size_t i = 0; i < s->serial_len; i++)
    s->serial[i] = (unsigned char)(0x3c + 7 * i);
  CG_SIGALG(s, CG_ALG_ECDSA_SHA256);
  cg_set_key(s, cg_ec256);
  bool is_root = profile == CG_ROOT;
  cg_iss(s, CG_C, 0x13, "US");
  cg_iss(s, CG_O, 0x0c, "casc test");
  cg_iss(s, CG_CN, 0x0c, is_root ? "Test Root CA" : profile == CG_SUBCA ? "Test Root CA"
                       : profile == CG_CS_SUBCA                       ? "Test Root CA"
                                                                       : "Test Issuing CA");
  if (!is_root)
    cg_keyid(s, CG_X_AKI, 0xa1);
  switch (profile) {
  case CG_TLS:
  case CG_PRECERT:
    s->na = s->nb + 90 * CG_DAY - 1;
    cg_subj(s, CG_CN, 0x0c, "www.example.com");
    cg_aia(s, false, "http://ocsp.example.com", "http://ca.example.com/issuing.der");
    cg_cp(s, false, (const char *const[]){"2.23.140.1.2.1", NULL}, NULL, false);
    CG_EKU(s, false, CG_EKU_SERVER, CG_EKU_CLIENT);
    cg_ku(s, true, CASC_KU_DIGITAL_SIGNATURE);
    cg_bc(s, true, false, -1);
    CG_SAN(s, CG_DNS("www.example.com"), CG_DNS("example.com"));
    cg_crldp(s, false, "http://crl.example.com/1.crl", false);
    if (profile == CG_PRECERT)
      cg_ext_raw(s, CG_X_POISON, true, "\x05\x00", 2);
    break;
  case CG_ROOT:
    s->na = s->nb + 5479 * CG_DAY - 1;
    cg_subj(s, CG_C, 0x13, "US");
    cg_subj(s, CG_O, 0x0c, "casc test");
    cg_subj(s, CG_CN, 0x0c, "Test Root CA");
    cg_bc(s, true, true, -1);
    cg_ku(s, true, CASC_KU_KEY_CERT_SIGN | CASC_KU_CRL_SIGN);
    cg_keyid(s, CG_X_SKI, 0xb2);
    break;
  case CG_SUBCA:
  case CG_CS_SUBCA:
    s->na = s->nb + 1826 * CG_DAY - 1;
    cg_subj(s, CG_C, 0x13, "US");
    cg_subj(s, CG_O, 0x0c, "casc test");
    cg_subj(s, CG_CN, 0x0c, profile == CG_SUBCA ? "Test Issuing CA" : "Test Code Signing CA");
    cg_aia(s, false, "http://ocsp.example.com", "http://ca.example.com/root.der");
    cg_bc(s, true, true, 0);
    if (profile == CG_SUBCA) {
      CG_CP(s, "2.23.140.1.2.1");
      CG_EKU(s, false, CG_EKU_SERVER, CG_EKU_CLIENT);
    } else {
      CG_CP(s, "2.23.140.1.4.1");
      CG_EKU(s, false, CG_EKU_CODE);
      cg_set_key(s, cg_ec384);
    }
    cg_crldp(s, false, "http://crl.example.com/root.crl", false);
    cg_ku(s, true, CASC_KU_KEY_CERT_SIGN | CASC_KU_CRL_SIGN);
    cg_keyid(s, CG_X_SKI, 0xc3);
    break;
  case CG_OCSP:
    s->na = s->nb + 90 * CG_DAY - 1;
    cg_subj(s, CG_C, 0x13, "US");
    cg_subj(s, CG_O, 0x0c, "casc test");
    cg_subj(s, CG_CN, 0x0c, "Test OCSP Responder");
    CG_EKU(s, false, CG_EKU_OCSP);
    cg_ku(s, true, CASC_KU_DIGITAL_SIGNATURE);
    cg_ext_raw(s, CG_X_NOCHECK, false, "\x05\x00", 2);
    break;
  case CG_CS:
  case CG_TSA:
    s->na = s->nb + (profile == CG_CS ? 365 : 1826) * CG_DAY - 1;
    cg_subj(s, CG_C, 0x13, "US");
    cg_subj(s, CG_ST, 0x0c, "California");
    cg_subj(s, CG_L, 0x0c, "San Francisco");
    cg_subj(s, CG_O, 0x0c, "Example Corp");
    cg_subj(s, CG_CN, 0x0c, "Example Corp");
    cg_aia(s, false, "http://ocsp.example.com", "http://ca.example.com/cs.der");
    cg_crldp(s, false, "http://crl.example.com/cs.crl", false);
    CG_CP(s, profile == CG_CS ? "2.23.140.1.4.1" : "2.23.140.1.4.2");
    if (profile == CG_CS)
      CG_EKU(s, false, CG_EKU_CODE);
    else
      CG_EKU(s, true, CG_EKU_TIME);
    cg_ku(s, true, CASC_KU_DIGITAL_SIGNATURE);
    cg_set_key(s, cg_rsa3072);
    break;
  case CG_SMIME: /* mailbox-validated, strict */
    s->na = s->nb + 365 * CG_DAY - 1;
    cg_subj(s, CG_CN, 0x0c, "alice@example.com");
    cg_subj(s, CG_EMAIL, 0x16, "alice@example.com");
    cg_aia(s, false, "http://ocsp.example.com", "http://ca.example.com/smime.der");
    cg_crldp(s, false, "http://crl.example.com/smime.crl", false);
    CG_CP(s, "2.23.140.1.5.1.3");
    CG_EKU(s, false, CG_EKU_EMAIL);
    cg_ku(s, true, CASC_KU_DIGITAL_SIGNATURE);
    cg_san(s, false, (const cg_gn[]){{1, "alice@example.com", 0}}, 1);
    break;
  }
}

static inline void cg_write_name(casc_der_buf *b, const cg_attr *a, size_t n) {
  casc_der_begin(b, CASC_DER_SEQUENCE);
  for (size_t i = 0; i < n; i++) {
    if (!(i > 0 && a[i].same_rdn))
      casc_der_begin(b, CASC_DER_SET);
    casc_der_begin(b, CASC_DER_SEQUENCE);
    casc_der_oid(b, a[i].oid);
    casc_der_tlv(b, a[i].tag, a[i].val, strlen(a[i].val));
    casc_der_end(b);
    if (!(i + 1 < n && a[i + 1].same_rdn))
      casc_der_end(b);
  }
  casc_der_end(b);
}

/* The signed certificate, DER, in a malloc'd buffer. */
static inline unsigned char *cg_build(const cg_spec *s, size_t *out_len) {
  casc_der_buf t;
  casc_der_buf_init(&t);
  casc_der_begin(&t, CASC_DER_SEQUENCE);
  casc_der_begin(&t, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0);
  casc_der_int64(&t, 2);
  casc_der_end(&t);
  casc_der_tlv(&t, CASC_DER_INTEGER, s->serial, s->serial_len);
  casc_der_raw(&t, s->sigalg, s->sigalg_len);
  cg_write_name(&t, s->iss, s->n_iss);
  casc_der_begin(&t, CASC_DER_SEQUENCE);
  casc_der_time(&t, s->nb);
  casc_der_time(&t, s->na);
  casc_der_end(&t);
  cg_write_name(&t, s->subj, s->n_subj);
  casc_der_raw(&t, s->spki, s->spki_len);
  if (s->n_ext > 0) {
    casc_der_begin(&t, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 3);
    casc_der_begin(&t, CASC_DER_SEQUENCE);
    for (size_t i = 0; i < s->n_ext; i++) {
      casc_der_begin(&t, CASC_DER_SEQUENCE);
      casc_der_oid(&t, s->ext[i].oid);
      if (s->ext[i].crit)
        casc_der_boolean(&t, CASC_DER_BOOLEAN, true);
      casc_der_tlv(&t, CASC_DER_OCTET_STRING, s->ext[i].der, s->ext[i].len);
      casc_der_end(&t);
    }
    casc_der_end(&t);
    casc_der_end(&t);
  }
  casc_der_end(&t);
  if (casc_der_buf_failed(&t))
    abort();
  unsigned char sig[256];
  size_t siglen = sizeof sig;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  if (md == NULL || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, cg_ca_key) != 1 ||
      EVP_DigestSign(md, sig, &siglen, t.data, t.len) != 1)
    abort();
  EVP_MD_CTX_free(md);
  casc_der_buf c;
  casc_der_buf_init(&c);
  casc_der_begin(&c, CASC_DER_SEQUENCE);
  casc_der_raw(&c, t.data, t.len);
  casc_der_raw(&c, s->sigalg, s->sigalg_len);
  casc_der_begin(&c, CASC_DER_BIT_STRING);
  casc_der_raw(&c, "\x00", 1);
  casc_der_raw(&c, sig, siglen);
  casc_der_end(&c);
  casc_der_end(&c);
  casc_der_buf_free(&t);
  if (casc_der_buf_failed(&c))
    abort();
  *out_len = c.len;
  return c.data; /* the buffer's storage, now the caller's */
}

/* --- running one lint ----------------------------------------------------------------- */
static casc_lint_cert *cg_parsed;

/* Builds s, decodes it, detects its profile and runs the named lint. The
 * lint must exist. det (may be NULL) gets the details. */
static inline casc_lint_result cg_lint(const cg_spec *s, const char *name, char *det, size_t detsz) {
  const casc_lint *l = casc_lint_find(name);
  if (l == NULL) {
    fprintf(stderr, "no lint named %s\n", name);
    abort();
  }
  if (cg_parsed == NULL)
    cg_parsed = calloc(1, sizeof *cg_parsed);
  size_t len;
  unsigned char *der = cg_build(s, &len);
  casc_error e;
  casc_lint_result r;
  char buf[512];
  if (casc_lint_parse_cert(der, len, cg_parsed, &e) != CASC_OK) {
    snprintf(buf, sizeof buf, "decode: %.300s", e.msg);
    r = CASC_LINT_FATAL;
  } else {
    casc_lint_input in = {.kind = CASC_LINT_KIND_CERT,
                          .profile = s->profile_override != CASC_LINT_PROFILE_AUTO
                                         ? s->profile_override
                                         : casc_lint_detect_profile(cg_parsed),
                          .date = cg_parsed->not_before.t,
                          .now = CG_NOW,
                          .cert = cg_parsed};
    r = casc_lint_run_one(l, &in, buf, sizeof buf);
  }
  if (det != NULL)
    snprintf(det, detsz, "%s", buf);
  free(der);
  return r;
}

/* The result a failing lint gives: its level. */
static inline casc_lint_result cg_fail_result(const char *name) {
  const casc_lint *l = casc_lint_find(name);
  return l->level == CASC_LINT_ERROR  ? CASC_LINT_ERROR_R
         : l->level == CASC_LINT_WARN ? CASC_LINT_WARN_R
                                      : CASC_LINT_NOTICE_R;
}

/* A table-driven case: a base profile, a mutation that must trip the lint
 * and an optional one after which it must pass (NULL: the base passes). */
typedef struct {
  const char *lint;
  int profile;
  void (*bad)(cg_spec *s);
  void (*good)(cg_spec *s);
} cg_case;

/* Runs every case; prints each failure; returns how many failed. */
static inline int cg_run_cases(const cg_case *cases, size_t n) {
  int failed = 0;
  cg_spec *s = malloc(sizeof *s);
  for (size_t i = 0; i < n; i++) {
    char det[512];
    cg_base(s, cases[i].profile);
    if (cases[i].good != NULL)
      cases[i].good(s);
    casc_lint_result r = cg_lint(s, cases[i].lint, det, sizeof det);
    if (r != CASC_LINT_PASS) {
      fprintf(stderr, "%s: good input gives %s (%s)\n", cases[i].lint, casc_lint_result_name(r),
              det);
      failed++;
    }
    cg_base(s, cases[i].profile);
    cases[i].bad(s);
    r = cg_lint(s, cases[i].lint, det, sizeof det);
    if (r != cg_fail_result(cases[i].lint)) {
      fprintf(stderr, "%s: bad input gives %s (%s)\n", cases[i].lint, casc_lint_result_name(r),
              det);
      failed++;
    }
  }
  free(s);
  return failed;
}

#endif
