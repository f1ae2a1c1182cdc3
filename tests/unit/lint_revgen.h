/* Test input generators for the CRL and OCSP lints: a small PKI (an EC
 * issuing CA, its delegated OCSP responders good and bad, an RSA key) made
 * with OpenSSL, and CRLs and OCSP responses encoded from a table of knobs,
 * each knob one way of breaking a rule. Everything is really signed, so a
 * good input also verifies with OpenSSL (the tests check that). Header-only
 * and static, so that each test program stays one file; not itself a test. */
#ifndef CASC_LINT_REVGEN_H
#define CASC_LINT_REVGEN_H

#include "casc/der.h"
#include "casc/lint.h"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RG_NOW ((time_t)1795000000) /* 2026-11-19T10:13:20Z */
#define RG_HOUR 3600
#define RG_DAY 86400

/* --- the PKI ---------------------------------------------------------------- */
enum {
  RG_RSP_GOOD,       /* EKU OCSPSigning, id-pkix-ocsp-nocheck, valid at RG_NOW */
  RG_RSP_NO_EKU,     /* no OCSPSigning EKU */
  RG_RSP_NO_NOCHECK, /* no id-pkix-ocsp-nocheck */
  RG_RSP_EXPIRED,    /* validity ended before RG_NOW */
  RG_RSP_RSA,        /* as RG_RSP_GOOD, with the RSA key */
  RG_RSP_OTHER_CA,   /* as RG_RSP_GOOD, issued by the other CA */
  RG_RSP_COUNT
};

typedef struct {
  EVP_PKEY *ca_key, *rsa_key, *rsp_key, *other_key;
  X509 *ca_cert, *other_ca_cert;
  X509 *rsp[RG_RSP_COUNT];
} rg_pki;

static inline EVP_PKEY *rg_ec_key(void) { return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"); }

static inline void rg_add_ext(X509 *x, X509 *issuer, int nid, const char *value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
  X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
  if (ext == NULL || X509_add_ext(x, ext, -1) != 1)
    abort();
  X509_EXTENSION_free(ext);
}

static inline X509 *rg_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key,
                     time_t nb, time_t na, bool ca, bool eku, bool nocheck) {
  X509 *x = X509_new();
  X509_NAME *name = X509_NAME_new();
  if (x == NULL || name == NULL ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1,
                                 0) != 1)
    abort();
  X509_set_version(x, X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(x), (long)(nb & 0xffffff) + (long)strlen(cn));
  X509_set_subject_name(x, name);
  X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : name);
  ASN1_TIME_set(X509_getm_notBefore(x), nb);
  ASN1_TIME_set(X509_getm_notAfter(x), na);
  X509_set_pubkey(x, key);
  rg_add_ext(x, issuer, NID_subject_key_identifier, "hash");
  if (issuer != NULL)
    rg_add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
  if (ca) {
    rg_add_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE");
    rg_add_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
  } else {
    rg_add_ext(x, issuer, NID_key_usage, "critical,digitalSignature");
  }
  if (eku)
    rg_add_ext(x, issuer, NID_ext_key_usage, "OCSPSigning");
  if (nocheck)
    rg_add_ext(x, issuer, NID_id_pkix_OCSP_noCheck, "ignored");
  if (X509_sign(x, issuer_key, EVP_sha256()) <= 0)
    abort();
  X509_NAME_free(name);
  return x;
}

static inline void rg_pki_init(rg_pki *p) {
  memset(p, 0, sizeof *p);
  p->ca_key = rg_ec_key();
  p->rsp_key = rg_ec_key();
  p->rsa_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
  EVP_PKEY *other = p->other_key = rg_ec_key();
  if (p->ca_key == NULL || p->rsp_key == NULL || p->rsa_key == NULL || other == NULL)
    abort();
  time_t nb = RG_NOW - 400 * RG_DAY, na = RG_NOW + 3000 * RG_DAY;
  p->ca_cert = rg_cert("revgen Issuing CA", p->ca_key, NULL, p->ca_key, nb, na, true, false,
                       false);
  p->other_ca_cert = rg_cert("revgen Other CA", other, NULL, other, nb, na, true, false, false);
  time_t rnb = RG_NOW - 10 * RG_DAY, rna = RG_NOW + 60 * RG_DAY;
  p->rsp[RG_RSP_GOOD] = rg_cert("revgen OCSP", p->rsp_key, p->ca_cert, p->ca_key, rnb, rna,
                                false, true, true);
  p->rsp[RG_RSP_NO_EKU] = rg_cert("revgen OCSP no EKU", p->rsp_key, p->ca_cert, p->ca_key, rnb,
                                  rna, false, false, true);
  p->rsp[RG_RSP_NO_NOCHECK] = rg_cert("revgen OCSP no nocheck", p->rsp_key, p->ca_cert,
                                      p->ca_key, rnb, rna, false, true, false);
  p->rsp[RG_RSP_EXPIRED] = rg_cert("revgen OCSP expired", p->rsp_key, p->ca_cert, p->ca_key,
                                   RG_NOW - 90 * RG_DAY, RG_NOW - 30 * RG_DAY, false, true, true);
  p->rsp[RG_RSP_RSA] = rg_cert("revgen OCSP RSA", p->rsa_key, p->ca_cert, p->ca_key, rnb, rna,
                               false, true, true);
  p->rsp[RG_RSP_OTHER_CA] = rg_cert("revgen OCSP other", p->rsp_key, p->other_ca_cert, other, rnb,
                                    rna, false, true, true);
}

/* The key of responder i. */
static inline EVP_PKEY *rg_rsp_key(const rg_pki *p, int i) {
  return i == RG_RSP_RSA ? p->rsa_key : p->rsp_key;
}

static inline void rg_pki_free(rg_pki *p) {
  EVP_PKEY_free(p->ca_key);
  EVP_PKEY_free(p->rsa_key);
  EVP_PKEY_free(p->rsp_key);
  EVP_PKEY_free(p->other_key);
  X509_free(p->ca_cert);
  X509_free(p->other_ca_cert);
  for (int i = 0; i < RG_RSP_COUNT; i++)
    X509_free(p->rsp[i]);
}

/* --- encoding helpers ---------------------------------------------------------- */
/* Time forms a test may force. */
enum {
  RG_T_AUTO,      /* RFC 5280: UTCTime through 2049, else GeneralizedTime */
  RG_T_UTC,       /* UTCTime whatever the year */
  RG_T_GEN,       /* GeneralizedTime whatever the year */
  RG_T_GEN_FRAC,  /* GeneralizedTime with ".5" fractional seconds */
  RG_T_GEN_NOZ,   /* GeneralizedTime without the Z (local time) */
  RG_T_UTC_NOSEC, /* UTCTime without seconds */
};

static inline void rg_time(casc_der_buf *b, time_t t, int form) {
  struct tm tm;
  char s[40];
  gmtime_r(&t, &tm);
  int year = tm.tm_year + 1900;
  if (form == RG_T_AUTO)
    form = year < 2050 ? RG_T_UTC : RG_T_GEN;
  switch (form) {
  case RG_T_UTC:
    snprintf(s, sizeof s, "%02d%02d%02d%02d%02d%02dZ", year % 100, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
    casc_der_tlv(b, CASC_DER_UTCTIME, s, strlen(s));
    break;
  case RG_T_UTC_NOSEC:
    snprintf(s, sizeof s, "%02d%02d%02d%02d%02dZ", year % 100, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min);
    casc_der_tlv(b, CASC_DER_UTCTIME, s, strlen(s));
    break;
  case RG_T_GEN_FRAC:
    strftime(s, sizeof s, "%Y%m%d%H%M%S.5Z", &tm);
    casc_der_tlv(b, CASC_DER_GENERALIZEDTIME, s, strlen(s));
    break;
  case RG_T_GEN_NOZ:
    strftime(s, sizeof s, "%Y%m%d%H%M%S", &tm);
    casc_der_tlv(b, CASC_DER_GENERALIZEDTIME, s, strlen(s));
    break;
  default:
    strftime(s, sizeof s, "%Y%m%d%H%M%SZ", &tm);
    casc_der_tlv(b, CASC_DER_GENERALIZEDTIME, s, strlen(s));
    break;
  }
}

/* The DER of an AlgorithmIdentifier for key's signatures with SHA-256
 * (RSA: NULL parameters; ECDSA: none), or with the parameters dropped or
 * added when asked. */
static inline void rg_sigalg(casc_der_buf *b, EVP_PKEY *key,
                      int params /* 0 right, 1 flipped, 2 a NULL with contents, 3 the
                                    SHA-1 algorithm's OID */) {
  bool rsa = EVP_PKEY_is_a(key, "RSA");
  casc_der_begin(b, CASC_DER_SEQUENCE);
  if (params == 3)
    casc_der_oid(b, rsa ? "1.2.840.113549.1.1.5" : "1.2.840.10045.4.1");
  else
    casc_der_oid(b, rsa ? "1.2.840.113549.1.1.11" : "1.2.840.10045.4.3.2");
  if (params == 2)
    casc_der_tlv(b, CASC_DER_NULL, "", 1);
  else if (rsa != (params == 1))
    casc_der_tlv(b, CASC_DER_NULL, NULL, 0);
  casc_der_end(b);
}

/* Appends the signature of [start, len) as sigalg + BIT STRING. */
static inline void rg_sign(casc_der_buf *b, size_t start, EVP_PKEY *key, const casc_der_buf *alg,
                    bool bad_unused) {
  unsigned char sig[1024];
  size_t siglen = sizeof sig;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  unsigned char *tbs = malloc(b->len - start);
  memcpy(tbs, b->data + start, b->len - start);
  if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) != 1 ||
      EVP_DigestSign(ctx, sig, &siglen, tbs, b->len - start) != 1)
    abort();
  free(tbs);
  EVP_MD_CTX_free(ctx);
  casc_der_raw(b, alg->data, alg->len);
  casc_der_begin(b, CASC_DER_BIT_STRING);
  casc_der_raw(b, bad_unused ? "\x08" : "", 1);
  casc_der_raw(b, sig, siglen);
  casc_der_end(b);
}

static inline void rg_name_der(casc_der_buf *b, const X509_NAME *name) {
  unsigned char *p = NULL;
  int n = i2d_X509_NAME(name, &p);
  if (n <= 0)
    abort();
  casc_der_raw(b, p, (size_t)n);
  OPENSSL_free(p);
}

/* A Name with an encoding fault: 3, a two-attribute RDN out of DER order;
 * 4, a commonName in the constructed form. */
static inline void rg_bad_name(casc_der_buf *b, int kind) {
  casc_der_begin(b, CASC_DER_SEQUENCE);
  casc_der_begin(b, CASC_DER_SET);
  if (kind == 3) {
    casc_der_begin(b, CASC_DER_SEQUENCE);
    casc_der_oid(b, "2.5.4.3");
    casc_der_tlv(b, 0x0c, "bb", 2);
    casc_der_end(b);
    casc_der_begin(b, CASC_DER_SEQUENCE);
    casc_der_oid(b, "2.5.4.3");
    casc_der_tlv(b, 0x0c, "a", 1);
    casc_der_end(b);
  } else {
    casc_der_begin(b, CASC_DER_SEQUENCE);
    casc_der_oid(b, "2.5.4.3");
    casc_der_begin(b, 0x2c);
    casc_der_tlv(b, 0x0c, "x", 1);
    casc_der_end(b);
    casc_der_end(b);
  }
  casc_der_end(b);
  casc_der_end(b);
}

/* An extension whose OID has a 0x80 padding octet (X.690 8.19.2). */
static inline void rg_bad_oid_ext(casc_der_buf *b) {
  static const unsigned char ext[] = {0x30, 0x0b, 0x06, 0x05, 0x2b, 0x06, 0x80, 0x01, 0x01,
                                      0x04, 0x02, 0x05, 0x00};
  casc_der_raw(b, ext, sizeof ext);
}

/* One Extension: critical < 0 leaves the BOOLEAN out, 0 encodes FALSE
 * (which DER forbids: the DEFAULT), 1 TRUE, 2 TRUE as 0x01 (BER, not DER). */
static inline void rg_ext(casc_der_buf *b, const char *oid, int critical, const unsigned char *val,
                   size_t len) {
  casc_der_begin(b, CASC_DER_SEQUENCE);
  casc_der_oid(b, oid);
  if (critical == 0)
    casc_der_boolean(b, CASC_DER_BOOLEAN, false);
  else if (critical == 1)
    casc_der_boolean(b, CASC_DER_BOOLEAN, true);
  else if (critical == 2)
    casc_der_raw(b, (const unsigned char[]){0x01, 0x01, 0x01}, 3);
  casc_der_tlv(b, CASC_DER_OCTET_STRING, val, len);
  casc_der_end(b);
}

/* --- CRLs ---------------------------------------------------------------------- */
typedef struct {
  unsigned char serial[24]; /* the INTEGER's content octets */
  size_t serial_len;
  time_t revoked_at;
  int rev_form;
  int reason;               /* -1: no reasonCode */
  int reason_crit;          /* -1 absent (right), 1 critical */
  time_t invalidity;        /* 0: none */
  int inv_form;             /* RG_T_GEN unless set */
  bool empty_exts;          /* crlEntryExtensions present and empty */
  bool unknown_critical;    /* an unknown critical entry extension */
  int cert_issuer;          /* certificateIssuer (indirect CRLs only): 1 critical, 2 not */
  bool malformed;           /* an OCTET STRING where revocationDate goes */
  bool dup_reason;          /* reasonCode twice */
  bool unknown_noncritical; /* an unknown non-critical entry extension */
  bool inv_crit;            /* invalidityDate critical */
} rg_entry;

typedef struct {
  int version;              /* INTEGER value; -1 leaves it out (v1) */
  int inner_alg;            /* 0 same as outer; 1 other algorithm; 2 parameters flipped */
  int outer_params;         /* 1: outer sigalg with flipped parameters */
  bool rsa;                 /* sign with the RSA key */
  int issuer;               /* 0 the CA's subject; 1 empty Name; 2 another CA's; 3, 4
                               rg_bad_name */
  time_t this_update, next_update;
  bool no_next_update;
  int this_form, next_form;
  bool empty_list;          /* revokedCertificates present and empty */
  size_t n_entries;
  rg_entry entries[6];
  bool no_extensions;       /* no crlExtensions at all */
  bool empty_extensions;    /* crlExtensions [0] { SEQUENCE {} } */
  int aki;                  /* 0 keyid; 1 absent; 2 keyid + issuer + serial; 3 critical; 4 empty
                               SEQUENCE; 5 wrong keyid; 6 a byte after the SEQUENCE */
  int crl_number;           /* 0 good; 1 absent; 2 critical; 3 negative; 4 21 octets; 5 2^159;
                               6 not an INTEGER; 7 long-form length */
  int idp;                  /* 0 none; 1 critical, user certs; 2 non-critical; 3 user+CA both;
                               4 empty; 5 garbage; 6 critical, CA certs; 7 onlySomeReasons;
                               8 indirect; 9 attribute certs; 10 user certs, no distribution
                               point; 11 an https URI */
  int delta;                /* deltaCRLIndicator: 1 critical, 2 non-critical */
  bool sig_unused;          /* signature BIT STRING with 8 unused bits */
  bool bad_null;            /* (RSA) signature algorithm NULL with contents */
  bool bad_oid_ext;         /* an extension with a malformed OID */
  bool freshest;            /* freshestCRL */
  bool unknown_critical;    /* an unknown critical CRL extension */
  bool unknown_noncritical; /* an unknown non-critical CRL extension */
  bool duplicate_ext;       /* cRLNumber twice */
  int crit_form;            /* criticality encoding of IDP: 1 DER TRUE, 2 BER TRUE (0x01) */
  bool trailing;            /* a byte after the CertificateList */
  bool number_crit_false;   /* cRLNumber with an encoded critical FALSE */
} rg_crl_opts;

static inline rg_entry rg_entry_default(unsigned k) {
  rg_entry e = {.serial_len = 16,
                .revoked_at = RG_NOW - RG_DAY,
                .reason = 1,
                .reason_crit = -1,
                .inv_form = RG_T_GEN};
  for (size_t i = 0; i < 16; i++)
    e.serial[i] = (unsigned char)(0x40 + k * 7 + i);
  return e;
}

static inline rg_crl_opts rg_crl_default(void) {
  rg_crl_opts o = {.version = 1,
                   .this_update = RG_NOW,
                   .next_update = RG_NOW + 7 * RG_DAY,
                   .n_entries = 2,
                   .idp = 1,
                   .crit_form = 1,
                   .issuer = 0};
  o.entries[0] = rg_entry_default(0);
  o.entries[1] = rg_entry_default(1);
  o.entries[1].reason = 4;
  return o;
}

static inline void rg_crl_entry(casc_der_buf *b, const rg_entry *en) {
  casc_der_begin(b, CASC_DER_SEQUENCE);
  casc_der_tlv(b, CASC_DER_INTEGER, en->serial, en->serial_len);
  if (en->malformed)
    casc_der_tlv(b, CASC_DER_OCTET_STRING, "x", 1);
  else
    rg_time(b, en->revoked_at, en->rev_form);
  bool any = en->reason >= 0 || en->invalidity != 0 || en->unknown_critical || en->cert_issuer ||
             en->unknown_noncritical;
  if (any || en->empty_exts) {
    casc_der_begin(b, CASC_DER_SEQUENCE);
    if (en->reason >= 0) {
      unsigned char v[] = {CASC_DER_ENUMERATED, 1, (unsigned char)en->reason};
      rg_ext(b, "2.5.29.21", en->reason_crit, v, sizeof v);
      if (en->dup_reason)
        rg_ext(b, "2.5.29.21", en->reason_crit, v, sizeof v);
    }
    if (en->invalidity != 0) {
      casc_der_buf t;
      casc_der_buf_init(&t);
      rg_time(&t, en->invalidity, en->inv_form);
      rg_ext(b, "2.5.29.24", en->inv_crit ? 1 : -1, t.data, t.len);
      casc_der_buf_free(&t);
    }
    if (en->unknown_critical)
      rg_ext(b, "1.3.6.1.4.1.99999.1", 1, (const unsigned char[]){0x05, 0x00}, 2);
    if (en->unknown_noncritical)
      rg_ext(b, "1.3.6.1.4.1.99999.7", -1, (const unsigned char[]){0x05, 0x00}, 2);
    if (en->cert_issuer) {
      /* GeneralNames { directoryName [4] { CN=x } } */
      casc_der_buf v;
      casc_der_buf_init(&v);
      casc_der_begin(&v, CASC_DER_SEQUENCE);
      casc_der_begin(&v, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 4);
      casc_der_begin(&v, CASC_DER_SEQUENCE);
      casc_der_begin(&v, CASC_DER_SET);
      casc_der_begin(&v, CASC_DER_SEQUENCE);
      casc_der_oid(&v, "2.5.4.3");
      casc_der_tlv(&v, 0x0c, "x", 1);
      for (int i = 0; i < 5; i++)
        casc_der_end(&v);
      rg_ext(b, "2.5.29.29", en->cert_issuer == 1 ? 1 : -1, v.data, v.len);
      casc_der_buf_free(&v);
    }
    casc_der_end(b);
  }
  casc_der_end(b);
}

static inline void rg_idp(casc_der_buf *b, const rg_crl_opts *o) {
  const char *url = o->idp == 11 ? "https://revgen.test/crl/1.crl" : "http://revgen.test/crl/1.crl";
  casc_der_buf v;
  casc_der_buf_init(&v);
  casc_der_begin(&v, CASC_DER_SEQUENCE);
  if (o->idp != 4 && o->idp != 10) {
    casc_der_begin(&v, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0);
    casc_der_begin(&v, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0);
    casc_der_tlv(&v, CASC_DER_CONTEXT | 6, url, strlen(url));
    casc_der_end(&v);
    casc_der_end(&v);
  }
  if (o->idp == 1 || o->idp == 2 || o->idp == 3 || o->idp == 10 || o->idp == 11)
    casc_der_boolean(&v, CASC_DER_CONTEXT | 1, true);
  if (o->idp == 3 || o->idp == 6)
    casc_der_boolean(&v, CASC_DER_CONTEXT | 2, true);
  if (o->idp == 7)
    casc_der_tlv(&v, CASC_DER_CONTEXT | 3, (const unsigned char[]){0x07, 0x80}, 2);
  if (o->idp == 8)
    casc_der_boolean(&v, CASC_DER_CONTEXT | 4, true);
  if (o->idp == 9)
    casc_der_boolean(&v, CASC_DER_CONTEXT | 5, true);
  casc_der_end(&v);
  if (o->idp == 5) {
    v.len = 0;
    casc_der_raw(&v, (const unsigned char[]){0x30, 0x03, 0x02, 0x01}, 4);
  }
  rg_ext(b, "2.5.29.28", o->idp == 2 ? -1 : o->crit_form, v.data, v.len);
  casc_der_buf_free(&v);
}

/* A CRL as o says, signed by the CA (or the RSA key); *len bytes, free(). */
static inline unsigned char *rg_crl(const rg_pki *p, const rg_crl_opts *o, size_t *len) {
  EVP_PKEY *key = o->rsa ? p->rsa_key : p->ca_key;
  casc_der_buf b, outer, inner;
  casc_der_buf_init(&b);
  casc_der_buf_init(&outer);
  casc_der_buf_init(&inner);
  rg_sigalg(&outer, key, o->bad_null ? 2 : o->outer_params);
  if (o->inner_alg == 1)
    rg_sigalg(&inner, o->rsa ? p->ca_key : p->rsa_key, 0);
  else
    rg_sigalg(&inner, key, o->inner_alg == 2 ? 1 : o->bad_null ? 2 : o->outer_params);

  casc_der_begin(&b, CASC_DER_SEQUENCE);
  size_t tbs = b.len;
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  if (o->version >= 0)
    casc_der_int64(&b, o->version);
  casc_der_raw(&b, inner.data, inner.len);
  if (o->issuer == 1)
    casc_der_tlv(&b, CASC_DER_SEQUENCE, NULL, 0);
  else if (o->issuer >= 3)
    rg_bad_name(&b, o->issuer);
  else
    rg_name_der(&b, X509_get_subject_name(o->issuer == 2 ? p->other_ca_cert : p->ca_cert));
  rg_time(&b, o->this_update, o->this_form);
  if (!o->no_next_update)
    rg_time(&b, o->next_update, o->next_form);
  if (o->n_entries > 0 || o->empty_list) {
    casc_der_begin(&b, CASC_DER_SEQUENCE);
    for (size_t i = 0; i < o->n_entries; i++)
      rg_crl_entry(&b, &o->entries[i]);
    casc_der_end(&b);
  }
  if (!o->no_extensions) {
    casc_der_begin(&b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0);
    casc_der_begin(&b, CASC_DER_SEQUENCE);
    if (!o->empty_extensions) {
      if (o->aki != 1) {
        const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(p->ca_cert);
        unsigned char kid[64];
        size_t kl = (size_t)ASN1_STRING_length(skid);
        memcpy(kid, ASN1_STRING_get0_data(skid), kl);
        if (o->aki == 5)
          kid[0] ^= 0xff;
        casc_der_buf v;
        casc_der_buf_init(&v);
        casc_der_begin(&v, CASC_DER_SEQUENCE);
        if (o->aki != 4)
          casc_der_tlv(&v, CASC_DER_CONTEXT | 0, kid, kl);
        if (o->aki == 2) {
          casc_der_begin(&v, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 1);
          casc_der_begin(&v, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 4);
          rg_name_der(&v, X509_get_subject_name(p->ca_cert));
          casc_der_end(&v);
          casc_der_end(&v);
          casc_der_tlv(&v, CASC_DER_CONTEXT | 2, (const unsigned char[]){0x01}, 1);
        }
        casc_der_end(&v);
        if (o->aki == 6)
          casc_der_raw(&v, "", 1);
        rg_ext(&b, "2.5.29.35", o->aki == 3 ? 1 : -1, v.data, v.len);
        casc_der_buf_free(&v);
      }
      if (o->crl_number != 1) {
        unsigned char v[32];
        size_t n = 0;
        v[n++] = CASC_DER_INTEGER;
        if (o->crl_number == 3) {
          v[n++] = 1, v[n++] = 0xfe;
        } else if (o->crl_number == 4) {
          v[n++] = 21, v[n++] = 0x01;
          memset(v + n, 0x11, 20);
          n += 20;
        } else if (o->crl_number == 5) {
          /* 2^159: 00 80 00..00, 21 octets */
          v[n++] = 21, v[n++] = 0x00, v[n++] = 0x80;
          memset(v + n, 0, 19);
          n += 19;
        } else if (o->crl_number == 7) {
          v[n++] = 0x81, v[n++] = 1, v[n++] = 0x05;
        } else if (o->crl_number == 6) {
          v[0] = CASC_DER_OCTET_STRING, v[n++] = 1, v[n++] = 0x07;
        } else {
          v[n++] = 2, v[n++] = 0x10, v[n++] = 0x01;
        }
        int crit = o->crl_number == 2 ? 1 : (o->number_crit_false ? 0 : -1);
        rg_ext(&b, "2.5.29.20", crit, v, n);
        if (o->duplicate_ext)
          rg_ext(&b, "2.5.29.20", crit, v, n);
      }
      if (o->idp != 0)
        rg_idp(&b, o);
      if (o->delta)
        rg_ext(&b, "2.5.29.27", o->delta == 1 ? 1 : -1, (const unsigned char[]){0x02, 0x01, 0x05},
               3);
      if (o->bad_oid_ext)
        rg_bad_oid_ext(&b);
      if (o->freshest) {
        static const char url[] = "http://revgen.test/delta.crl";
        casc_der_buf v;
        casc_der_buf_init(&v);
        casc_der_begin(&v, CASC_DER_SEQUENCE);
        casc_der_begin(&v, CASC_DER_SEQUENCE);
        casc_der_begin(&v, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0);
        casc_der_begin(&v, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0);
        casc_der_tlv(&v, CASC_DER_CONTEXT | 6, url, strlen(url));
        casc_der_end(&v);
        casc_der_end(&v);
        casc_der_end(&v);
        casc_der_end(&v);
        rg_ext(&b, "2.5.29.46", -1, v.data, v.len);
        casc_der_buf_free(&v);
      }
      if (o->unknown_critical)
        rg_ext(&b, "1.3.6.1.4.1.99999.2", 1, (const unsigned char[]){0x05, 0x00}, 2);
      if (o->unknown_noncritical)
        rg_ext(&b, "1.3.6.1.4.1.99999.3", -1, (const unsigned char[]){0x05, 0x00}, 2);
    }
    casc_der_end(&b);
    casc_der_end(&b);
  }
  casc_der_end(&b); /* TBSCertList */
  rg_sign(&b, tbs, key, &outer, o->sig_unused);
  casc_der_end(&b);
  if (o->trailing)
    casc_der_raw(&b, "", 1);
  casc_der_buf_free(&outer);
  casc_der_buf_free(&inner);
  if (casc_der_buf_failed(&b))
    abort();
  *len = b.len;
  return b.data; /* the buffer's own allocation, handed over */
}

/* --- OCSP responses ---------------------------------------------------------------- */
typedef struct {
  int status;               /* responseStatus; not 0: no responseBytes (unless forced) */
  bool bytes_anyway;        /* responseBytes with a non-successful status */
  bool wrong_type;          /* responseType not id-pkix-ocsp-basic */
  int version;              /* -1 absent (right); else [0] INTEGER version */
  int rid;                  /* 0 byKey; 1 byName; 2 byKey of the wrong length; 3, 4 byName with
                               rg_bad_name */
  time_t produced;
  int produced_form;        /* RG_T_GEN unless set */
  time_t this_update, next_update;
  int this_form, next_form;
  bool no_next_update;
  int n_single;             /* SingleResponses; 1 by default */
  int cid_alg;              /* 0 SHA-1; 1 SHA-256; 2 MD5; 3 SHA-1 without NULL parameters */
  int name_hash_delta;      /* added to the issuerNameHash length */
  int key_hash_delta;
  int cert_status;          /* 0 good, 1 revoked, 2 unknown */
  time_t revoked_at;
  int rev_form;
  int reason;               /* -1 none */
  int certs;                /* 0 signer; 1 none; 2 signer and the CA; 3 empty SEQUENCE; 4 a
                               SEQUENCE that is no certificate; 5 the CA alone */
  int signer;               /* RG_RSP_*; -1: the CA signs (then certs default to none) */
  int sigalg;               /* 0 right; 1 RSA algorithm over an EC key; 2 params flipped; 3
                               the SHA-1 algorithm's OID */
  bool no_bytes;            /* no responseBytes even when successful */
  bool cid_other_issuer;    /* CertID hashes of the other CA */
  bool nonce_twice;         /* the nonce extension twice */
  int nonce_len;            /* -1 none */
  bool nonce_raw;           /* nonce value not wrapped in an OCTET STRING (RFC 8954 form) */
  bool resp_unknown_critical;
  bool resp_unknown_noncritical;
  bool single_unknown_critical;
  bool single_reason;       /* a reasonCode CRL entry extension in singleExtensions */
  bool empty_resp_exts;     /* responseExtensions [1] { SEQUENCE {} } */
  bool trailing;            /* a byte after the OCSPResponse */
  bool trailing_inner;      /* a byte after the BasicOCSPResponse, inside the OCTET STRING */
  bool bad_sig;             /* flip a bit of the signature */
  int serial_form;          /* CertID serial: 1 leading 0x00; 2 empty; 3 long-form length */
  bool resp_crit_ber;       /* the unknown non-critical response extension with critical 0x01 */
  bool sig_unused;          /* signature BIT STRING with 8 unused bits */
  bool bad_oid_ext;         /* a response extension with a malformed OID */
  bool good_nonempty;       /* certStatus good [0] with contents */
} rg_ocsp_opts;

static inline rg_ocsp_opts rg_ocsp_default(void) {
  rg_ocsp_opts o = {.version = -1,
                    .produced = RG_NOW,
                    .produced_form = RG_T_GEN,
                    .this_update = RG_NOW - RG_HOUR,
                    .next_update = RG_NOW - RG_HOUR + 4 * RG_DAY,
                    .this_form = RG_T_GEN,
                    .next_form = RG_T_GEN,
                    .n_single = 1,
                    .reason = -1,
                    .revoked_at = RG_NOW - 2 * RG_DAY,
                    .rev_form = RG_T_GEN,
                    .signer = RG_RSP_GOOD,
                    .nonce_len = -1};
  return o;
}

static inline void rg_single(casc_der_buf *b, const rg_pki *p, const rg_ocsp_opts *o, unsigned k) {
  static const char *const algs[] = {"1.3.14.3.2.26", "2.16.840.1.101.3.4.2.1",
                                     "1.2.840.113549.2.5", "1.3.14.3.2.26"};
  static const int lens[] = {20, 32, 16, 20};
  const EVP_MD *md = o->cid_alg == 1 ? EVP_sha256() : o->cid_alg == 2 ? EVP_md5() : EVP_sha1();
  unsigned char nh[64], kh[64];
  unsigned nl = 0, kl = 0;
  unsigned char *nder = NULL;
  int nlen = i2d_X509_NAME(
      X509_get_subject_name(o->cid_other_issuer ? p->other_ca_cert : p->ca_cert), &nder);
  if (nlen <= 0 || EVP_Digest(nder, (size_t)nlen, nh, &nl, md, NULL) != 1 ||
      X509_pubkey_digest(o->cid_other_issuer ? p->other_ca_cert : p->ca_cert, md, kh, &kl) != 1 ||
      (int)nl != lens[o->cid_alg])
    abort();
  OPENSSL_free(nder);
  memset(nh + nl, 0xab, sizeof nh - nl);
  memset(kh + kl, 0xab, sizeof kh - kl);
  casc_der_begin(b, CASC_DER_SEQUENCE); /* SingleResponse */
  casc_der_begin(b, CASC_DER_SEQUENCE); /* CertID */
  casc_der_begin(b, CASC_DER_SEQUENCE);
  casc_der_oid(b, algs[o->cid_alg]);
  if (o->cid_alg != 3)
    casc_der_tlv(b, CASC_DER_NULL, NULL, 0);
  casc_der_end(b);
  casc_der_tlv(b, CASC_DER_OCTET_STRING, nh, (size_t)((int)nl + o->name_hash_delta));
  casc_der_tlv(b, CASC_DER_OCTET_STRING, kh, (size_t)((int)kl + o->key_hash_delta));
  unsigned char serial[17];
  for (size_t i = 0; i < sizeof serial; i++)
    serial[i] = (unsigned char)(0x31 + k + i);
  if (o->serial_form == 1) {
    serial[0] = 0;
    casc_der_tlv(b, CASC_DER_INTEGER, serial, sizeof serial);
  } else if (o->serial_form == 2) {
    casc_der_tlv(b, CASC_DER_INTEGER, NULL, 0);
  } else if (o->serial_form == 3) {
    casc_der_raw(b, (const unsigned char[]){CASC_DER_INTEGER, 0x81, 16}, 3);
    casc_der_raw(b, serial + 1, 16);
  } else {
    casc_der_tlv(b, CASC_DER_INTEGER, serial + 1, 16);
  }
  casc_der_end(b);
  if (o->cert_status == 0) {
    casc_der_tlv(b, CASC_DER_CONTEXT | 0, "", o->good_nonempty ? 1 : 0);
  } else if (o->cert_status == 1) {
    casc_der_begin(b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 1);
    rg_time(b, o->revoked_at, o->rev_form);
    if (o->reason >= 0) {
      casc_der_begin(b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0);
      casc_der_enumerated(b, o->reason);
      casc_der_end(b);
    }
    casc_der_end(b);
  } else {
    casc_der_tlv(b, CASC_DER_CONTEXT | 2, NULL, 0);
  }
  rg_time(b, o->this_update, o->this_form);
  if (!o->no_next_update) {
    casc_der_begin(b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0);
    rg_time(b, o->next_update, o->next_form);
    casc_der_end(b);
  }
  if (o->single_unknown_critical || o->single_reason) {
    casc_der_begin(b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 1);
    casc_der_begin(b, CASC_DER_SEQUENCE);
    if (o->single_unknown_critical)
      rg_ext(b, "1.3.6.1.4.1.99999.4", 1, (const unsigned char[]){0x05, 0x00}, 2);
    if (o->single_reason)
      rg_ext(b, "2.5.29.21", -1, (const unsigned char[]){0x0a, 0x01, 0x01}, 3);
    casc_der_end(b);
    casc_der_end(b);
  }
  casc_der_end(b);
}

static inline unsigned char *rg_ocsp(const rg_pki *p, const rg_ocsp_opts *o, size_t *len) {
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE); /* OCSPResponse */
  casc_der_enumerated(&b, o->status);
  if ((o->status == 0 && !o->no_bytes) || o->bytes_anyway) {
    X509 *signer = o->signer >= 0 ? p->rsp[o->signer] : p->ca_cert;
    EVP_PKEY *key = o->signer >= 0 ? rg_rsp_key(p, o->signer) : p->ca_key;
    casc_der_buf sigalg, tbs;
    casc_der_buf_init(&sigalg);
    casc_der_buf_init(&tbs);
    if (o->sigalg == 1)
      rg_sigalg(&sigalg, p->rsa_key, 0);
    else
      rg_sigalg(&sigalg, key, o->sigalg == 2 ? 1 : o->sigalg == 3 ? 3 : 0);

    casc_der_begin(&tbs, CASC_DER_SEQUENCE); /* ResponseData */
    if (o->version >= 0) {
      casc_der_begin(&tbs, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0);
      casc_der_int64(&tbs, o->version);
      casc_der_end(&tbs);
    }
    if (o->rid == 1 || o->rid >= 3) {
      casc_der_begin(&tbs, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 1);
      if (o->rid >= 3)
        rg_bad_name(&tbs, o->rid);
      else
        rg_name_der(&tbs, X509_get_subject_name(signer));
      casc_der_end(&tbs);
    } else {
      unsigned char kh[EVP_MAX_MD_SIZE];
      unsigned kl = 0;
      if (X509_pubkey_digest(signer, EVP_sha1(), kh, &kl) != 1)
        abort();
      casc_der_begin(&tbs, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 2);
      casc_der_tlv(&tbs, CASC_DER_OCTET_STRING, kh, o->rid == 2 ? kl - 1 : kl);
      casc_der_end(&tbs);
    }
    rg_time(&tbs, o->produced, o->produced_form);
    casc_der_begin(&tbs, CASC_DER_SEQUENCE);
    for (int k = 0; k < o->n_single; k++)
      rg_single(&tbs, p, o, (unsigned)k);
    casc_der_end(&tbs);
    bool exts = o->nonce_len >= 0 || o->resp_unknown_critical || o->resp_unknown_noncritical ||
                o->empty_resp_exts || o->resp_crit_ber || o->bad_oid_ext;
    if (exts) {
      casc_der_begin(&tbs, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 1);
      casc_der_begin(&tbs, CASC_DER_SEQUENCE);
      if (o->nonce_len >= 0) {
        unsigned char v[80];
        size_t n = 0;
        if (!o->nonce_raw) {
          v[n++] = CASC_DER_OCTET_STRING;
          v[n++] = (unsigned char)o->nonce_len;
        }
        memset(v + n, 0x5a, (size_t)o->nonce_len);
        n += (size_t)o->nonce_len;
        rg_ext(&tbs, "1.3.6.1.5.5.7.48.1.2", -1, v, n);
        if (o->nonce_twice)
          rg_ext(&tbs, "1.3.6.1.5.5.7.48.1.2", -1, v, n);
      }
      if (o->resp_unknown_critical)
        rg_ext(&tbs, "1.3.6.1.4.1.99999.5", 1, (const unsigned char[]){0x05, 0x00}, 2);
      if (o->resp_unknown_noncritical || o->resp_crit_ber)
        rg_ext(&tbs, "1.3.6.1.4.1.99999.6", o->resp_crit_ber ? 2 : -1,
               (const unsigned char[]){0x05, 0x00}, 2);
      if (o->bad_oid_ext)
        rg_bad_oid_ext(&tbs);
      casc_der_end(&tbs);
      casc_der_end(&tbs);
    }
    casc_der_end(&tbs);

    casc_der_begin(&b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0);
    casc_der_begin(&b, CASC_DER_SEQUENCE); /* ResponseBytes */
    casc_der_oid(&b, o->wrong_type ? "1.3.6.1.5.5.7.48.1.9" : "1.3.6.1.5.5.7.48.1.1");
    casc_der_begin(&b, CASC_DER_OCTET_STRING);
    casc_der_begin(&b, CASC_DER_SEQUENCE); /* BasicOCSPResponse */
    size_t start = b.len;
    casc_der_raw(&b, tbs.data, tbs.len);
    /* rg_sign signs [start, len): the ResponseData alone. */
    rg_sign(&b, start, key, &sigalg, o->sig_unused);
    if (o->bad_sig)
      b.data[b.len - 3] ^= 0x01;
    int certs = o->certs;
    if (o->signer < 0 && certs == 0)
      certs = 1;
    if (certs != 1) {
      casc_der_begin(&b, CASC_DER_CONTEXT | CASC_DER_CONSTRUCTED | 0);
      casc_der_begin(&b, CASC_DER_SEQUENCE);
      unsigned char *d = NULL;
      int n;
      if (certs == 4)
        casc_der_raw(&b, (const unsigned char[]){0x30, 0x03, 0x02, 0x01, 0x01}, 5);
      if (certs == 5) {
        n = i2d_X509(p->ca_cert, &d);
        casc_der_raw(&b, d, (size_t)n);
        OPENSSL_free(d);
        d = NULL;
      }
      if (certs != 3 && certs != 4 && certs != 5) {
        n = i2d_X509(signer, &d);
        casc_der_raw(&b, d, (size_t)n);
        OPENSSL_free(d);
        d = NULL;
      }
      if (certs == 2) {
        n = i2d_X509(p->ca_cert, &d);
        casc_der_raw(&b, d, (size_t)n);
        OPENSSL_free(d);
      }
      casc_der_end(&b);
      casc_der_end(&b);
    }
    casc_der_end(&b);
    if (o->trailing_inner)
      casc_der_raw(&b, "", 1);
    casc_der_end(&b);
    casc_der_end(&b);
    casc_der_end(&b);
    casc_der_buf_free(&sigalg);
    casc_der_buf_free(&tbs);
  }
  casc_der_end(&b);
  if (o->trailing)
    casc_der_raw(&b, "", 1);
  if (casc_der_buf_failed(&b))
    abort();
  *len = b.len;
  return b.data;
}


/* --- running one lint: the result of the lint named, and every finding --- */
typedef struct {
  const char *name;
  casc_lint_result r;
  bool seen;
  char det[512];
  /* every finding, for the "good CRL" test */
  size_t n_findings;
  char findings[1024];
} watch;

static inline void on_result(void *arg, const casc_lint *l, casc_lint_result r, const char *det) {
  watch *w = arg;
  if (w->name != NULL && strcmp(l->name, w->name) == 0) {
    w->seen = true;
    w->r = r;
    snprintf(w->det, sizeof w->det, "%s", det);
  }
  if (r >= CASC_LINT_NOTICE_R && r <= CASC_LINT_FATAL) {
    size_t used = strlen(w->findings);
    snprintf(w->findings + used, sizeof w->findings - used, "%s%s (%s)", w->n_findings ? "; " : "",
             l->name, det);
    w->n_findings++;
  }
}

#endif
