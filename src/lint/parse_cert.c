/* Strict decode of an X.509 certificate into casc_lint_cert (pointers into
 * the input, no allocation), recording encoding faults instead of failing
 * on them. RFC 5280 4.1 for the structure, 4.2 for the extensions. */
#include "lint_internal.h"

#include <string.h>

/* --- extensions ---------------------------------------------------------------- */
static bool dec_bc(casc_lint_cert *c, const casc_lint_ext *x) {
  lint_cur v = lint_cur_of(x->value.p, x->value.len);
  lint_tlv s, t;
  if (!lint_expect(&v, CASC_DER_SEQUENCE, &s, &c->faults, "basicConstraints"))
    return false;
  lint_done(&v, &c->faults, "basicConstraints");
  lint_cur sc = lint_cur_of(s.val, s.len);
  bool bad = false;
  c->bc.present = true;
  c->bc.path_len = -1;
  if (lint_optional(&sc, CASC_DER_BOOLEAN, &t, &c->faults, "basicConstraints", &bad)) {
    c->bc.ca_present = true;
    c->bc.ca = lint_boolean(&t, &c->faults, "basicConstraints cA");
    if (!c->bc.ca)
      lint_fault(&c->faults, CASC_LF_DEFAULT_ENCODED, "basicConstraints cA");
  }
  if (lint_optional(&sc, CASC_DER_INTEGER, &t, &c->faults, "basicConstraints", &bad)) {
    long pl;
    lint_check_integer(&t, &c->faults, "basicConstraints pathLenConstraint");
    c->bc.path_len = lint_small_int(&t, &pl) ? (int)pl : 0x7fffffff;
    c->bc.path_len_negative = t.len > 0 && (t.val[0] & 0x80);
  }
  lint_done(&sc, &c->faults, "basicConstraints");
  return !bad;
}

static bool dec_ku(casc_lint_cert *c, const casc_lint_ext *x) {
  lint_cur v = lint_cur_of(x->value.p, x->value.len);
  lint_tlv t;
  const unsigned char *b;
  size_t nb;
  unsigned unused;
  if (!lint_expect(&v, CASC_DER_BIT_STRING, &t, &c->faults, "keyUsage"))
    return false;
  lint_done(&v, &c->faults, "keyUsage");
  if (!lint_bitstring(&t, &c->faults, "keyUsage", &b, &nb, &unused))
    return false;
  c->ku.present = true;
  c->ku.bits = 0;
  for (size_t i = 0; i < nb && i < 2; i++)
    for (unsigned k = 0; k < 8; k++)
      if (b[i] & (0x80u >> k))
        c->ku.bits |= 1u << (i * 8 + k);
  c->ku.n_bits = (unsigned)(nb * 8 - unused);
  /* DER (X.690 11.2.2): a named-bit list has no trailing zero bits */
  if (nb > 0 && !(b[nb - 1] & (1u << unused)))
    lint_fault(&c->faults, CASC_LF_NAMED_BITS_TRAILING, "keyUsage");
  return true;
}

static const struct {
  const char *oid;
  size_t len;
  unsigned flag;
} eku_ids[] = {
#define K(lit, fl) {lit, sizeof(lit) - 1, fl}
    K("\x2b\x06\x01\x05\x05\x07\x03\x01", CASC_EKU_SERVER_AUTH),
    K("\x2b\x06\x01\x05\x05\x07\x03\x02", CASC_EKU_CLIENT_AUTH),
    K("\x2b\x06\x01\x05\x05\x07\x03\x03", CASC_EKU_CODE_SIGNING),
    K("\x2b\x06\x01\x05\x05\x07\x03\x04", CASC_EKU_EMAIL),
    K("\x2b\x06\x01\x05\x05\x07\x03\x08", CASC_EKU_TIME_STAMPING),
    K("\x2b\x06\x01\x05\x05\x07\x03\x09", CASC_EKU_OCSP_SIGNING),
    K("\x55\x1d\x25\x00", CASC_EKU_ANY),
    K("\x2b\x06\x01\x04\x01\xd6\x79\x02\x04\x04", CASC_EKU_PRECERT_SIGNING),
    K("\x2b\x06\x01\x04\x01\x82\x37\x0a\x03\x0c", CASC_EKU_DOC_SIGNING),
#undef K
};

static bool dec_eku(casc_lint_cert *c, const casc_lint_ext *x) {
  lint_cur v = lint_cur_of(x->value.p, x->value.len);
  lint_tlv s, o;
  if (!lint_expect(&v, CASC_DER_SEQUENCE, &s, &c->faults, "extKeyUsage"))
    return false;
  lint_done(&v, &c->faults, "extKeyUsage");
  c->eku.present = true;
  lint_cur sc = lint_cur_of(s.val, s.len);
  if (lint_cur_empty(&sc))
    lint_fault(&c->faults, CASC_LF_EMPTY_SEQUENCE, "extKeyUsage");
  while (!lint_cur_empty(&sc)) {
    if (!lint_expect(&sc, CASC_DER_OID, &o, &c->faults, "extKeyUsage"))
      return false;
    if (!lint_oid_ok(o.val, o.len))
      lint_fault(&c->faults, CASC_LF_BAD_OID, "extKeyUsage");
    unsigned flag = CASC_EKU_OTHER;
    for (size_t i = 0; i < sizeof eku_ids / sizeof eku_ids[0]; i++)
      if (o.len == eku_ids[i].len && memcmp(o.val, eku_ids[i].oid, o.len) == 0)
        flag = eku_ids[i].flag;
    c->eku.flags |= flag;
    if (c->eku.n < CASC_LINT_MAX_EKU)
      c->eku.oid[c->eku.n++] = lint_val_bytes(&o);
  }
  return true;
}

static bool dec_gnames(casc_lint_cert *c, const casc_lint_ext *x, casc_lint_gn *gn, size_t max,
                       size_t *n, size_t *total, const char *where) {
  lint_cur v = lint_cur_of(x->value.p, x->value.len);
  lint_tlv s;
  if (!lint_expect(&v, CASC_DER_SEQUENCE, &s, &c->faults, where))
    return false;
  lint_done(&v, &c->faults, where);
  if (s.len == 0)
    lint_fault(&c->faults, CASC_LF_EMPTY_SEQUENCE, where);
  return lint_gns(s.val, s.len, gn, max, n, total, &c->faults, where);
}

static bool dec_aki(casc_lint_cert *c, const casc_lint_ext *x) {
  lint_cur v = lint_cur_of(x->value.p, x->value.len);
  lint_tlv s, t;
  if (!lint_expect(&v, CASC_DER_SEQUENCE, &s, &c->faults, "authorityKeyIdentifier"))
    return false;
  lint_done(&v, &c->faults, "authorityKeyIdentifier");
  c->aki.present = true;
  lint_cur sc = lint_cur_of(s.val, s.len);
  bool bad = false;
  if (lint_optional(&sc, 0x80, &t, &c->faults, "authorityKeyIdentifier", &bad))
    c->aki.key_id = lint_val_bytes(&t);
  if (lint_optional(&sc, 0xa1, &t, &c->faults, "authorityKeyIdentifier", &bad))
    c->aki.has_issuer = true;
  if (lint_optional(&sc, 0x82, &t, &c->faults, "authorityKeyIdentifier", &bad)) {
    c->aki.has_serial = true;
    lint_check_integer(&t, &c->faults, "authorityKeyIdentifier serial");
  }
  lint_done(&sc, &c->faults, "authorityKeyIdentifier");
  return !bad && lint_cur_empty(&sc);
}

static bool dec_ski(casc_lint_cert *c, const casc_lint_ext *x) {
  lint_cur v = lint_cur_of(x->value.p, x->value.len);
  lint_tlv t;
  if (!lint_expect(&v, CASC_DER_OCTET_STRING, &t, &c->faults, "subjectKeyIdentifier"))
    return false;
  lint_done(&v, &c->faults, "subjectKeyIdentifier");
  c->ski.present = true;
  c->ski.key_id = lint_val_bytes(&t);
  return true;
}

static bool dec_crldp(casc_lint_cert *c, const casc_lint_ext *x) {
  const char *w = "cRLDistributionPoints";
  lint_cur v = lint_cur_of(x->value.p, x->value.len);
  lint_tlv s, dp, t;
  if (!lint_expect(&v, CASC_DER_SEQUENCE, &s, &c->faults, w))
    return false;
  lint_done(&v, &c->faults, w);
  c->crldp.present = true;
  lint_cur sc = lint_cur_of(s.val, s.len);
  if (lint_cur_empty(&sc))
    lint_fault(&c->faults, CASC_LF_EMPTY_SEQUENCE, w);
  while (!lint_cur_empty(&sc)) {
    if (!lint_expect(&sc, CASC_DER_SEQUENCE, &dp, &c->faults, w))
      return false;
    c->crldp.n_dp++;
    lint_cur dc = lint_cur_of(dp.val, dp.len);
    bool bad = false;
    if (lint_optional(&dc, 0xa0, &t, &c->faults, w, &bad)) {
      lint_cur nc = lint_cur_of(t.val, t.len);
      lint_tlv fn;
      if (lint_expect(&nc, 0xa0, &fn, &c->faults, w)) {
        casc_lint_gn g[CASC_LINT_MAX_DP];
        size_t n, total;
        if (!lint_gns(fn.val, fn.len, g, CASC_LINT_MAX_DP, &n, &total, &c->faults, w))
          return false;
        for (size_t i = 0; i < n; i++) {
          if (g[i].type == CASC_GN_URI && c->crldp.n_uri < CASC_LINT_MAX_DP)
            c->crldp.uri[c->crldp.n_uri++] = g[i].value;
          else if (g[i].type != CASC_GN_URI)
            c->crldp.has_non_uri = true;
        }
      } else if (lint_expect(&nc, 0xa1, &fn, &c->faults, w)) {
        c->crldp.has_relative_name = true;
      } else {
        return false;
      }
      lint_done(&nc, &c->faults, w);
    }
    if (lint_optional(&dc, 0x81, &t, &c->faults, w, &bad))
      c->crldp.has_reasons = true;
    if (lint_optional(&dc, 0xa2, &t, &c->faults, w, &bad))
      c->crldp.has_crl_issuer = true;
    if (bad || !lint_cur_empty(&dc))
      return false;
  }
  return true;
}

static bool dec_info_access(casc_lint_cert *c, const casc_lint_ext *x, size_t *n, casc_lint_ad *ad,
                            const char *w) {
  lint_cur v = lint_cur_of(x->value.p, x->value.len);
  lint_tlv s, a, o, g;
  if (!lint_expect(&v, CASC_DER_SEQUENCE, &s, &c->faults, w))
    return false;
  lint_done(&v, &c->faults, w);
  lint_cur sc = lint_cur_of(s.val, s.len);
  if (lint_cur_empty(&sc))
    lint_fault(&c->faults, CASC_LF_EMPTY_SEQUENCE, w);
  while (!lint_cur_empty(&sc)) {
    if (!lint_expect(&sc, CASC_DER_SEQUENCE, &a, &c->faults, w))
      return false;
    lint_cur ac = lint_cur_of(a.val, a.len);
    casc_lint_ad d = {0};
    if (!lint_expect(&ac, CASC_DER_OID, &o, &c->faults, w) || !lint_next(&ac, &g, &c->faults, w) ||
        !lint_gn(&g, &d.loc, &c->faults, w))
      return false;
    lint_done(&ac, &c->faults, w);
    d.oid = lint_val_bytes(&o);
    if (CASC_LINT_OID_IS(d.oid, "\x2b\x06\x01\x05\x05\x07\x30\x01"))
      d.method = 1;
    else if (CASC_LINT_OID_IS(d.oid, "\x2b\x06\x01\x05\x05\x07\x30\x02"))
      d.method = 2;
    else if (CASC_LINT_OID_IS(d.oid, "\x2b\x06\x01\x05\x05\x07\x30\x03"))
      d.method = 3;
    else if (CASC_LINT_OID_IS(d.oid, "\x2b\x06\x01\x05\x05\x07\x30\x05"))
      d.method = 4;
    if (*n < CASC_LINT_MAX_AD)
      ad[(*n)++] = d;
  }
  return true;
}

static bool dec_qualifiers(casc_lint_cert *c, casc_lint_policy *p, const lint_tlv *q) {
  const char *w = "certificatePolicies qualifier";
  lint_cur qc = lint_cur_of(q->val, q->len);
  if (lint_cur_empty(&qc))
    lint_fault(&c->faults, CASC_LF_EMPTY_SEQUENCE, w);
  while (!lint_cur_empty(&qc)) {
    lint_tlv pqi, id, val;
    if (!lint_expect(&qc, CASC_DER_SEQUENCE, &pqi, &c->faults, w))
      return false;
    lint_cur pc = lint_cur_of(pqi.val, pqi.len);
    if (!lint_expect(&pc, CASC_DER_OID, &id, &c->faults, w) || !lint_next(&pc, &val, &c->faults, w))
      return false;
    lint_done(&pc, &c->faults, w);
    casc_lint_bytes ib = lint_val_bytes(&id);
    if (CASC_LINT_OID_IS(ib, CASC_OID_QT_CPS)) {
      if (p->n_cps++ == 0) {
        p->cps_uri = lint_val_bytes(&val);
        p->cps_tag = val.tag;
      }
    } else if (CASC_LINT_OID_IS(ib, CASC_OID_QT_UNOTICE)) {
      if (val.tag != CASC_DER_SEQUENCE)
        return false;
      lint_cur uc = lint_cur_of(val.val, val.len);
      lint_tlv t;
      bool bad = false;
      if (lint_optional(&uc, CASC_DER_SEQUENCE, &t, &c->faults, w, &bad))
        p->unotice_has_ref = true;
      if (!lint_cur_empty(&uc)) {
        if (!lint_next(&uc, &t, &c->faults, w))
          return false;
        if (p->n_unotice == 0) {
          p->explicit_text_tag = t.tag;
          p->explicit_text = lint_val_bytes(&t);
        }
      }
      if (bad)
        return false;
      lint_done(&uc, &c->faults, w);
      p->n_unotice++;
    } else {
      p->n_other_qualifier++;
    }
  }
  return true;
}

static bool dec_cp(casc_lint_cert *c, const casc_lint_ext *x) {
  const char *w = "certificatePolicies";
  lint_cur v = lint_cur_of(x->value.p, x->value.len);
  lint_tlv s, pi, o, q;
  if (!lint_expect(&v, CASC_DER_SEQUENCE, &s, &c->faults, w))
    return false;
  lint_done(&v, &c->faults, w);
  c->cp.present = true;
  lint_cur sc = lint_cur_of(s.val, s.len);
  if (lint_cur_empty(&sc))
    lint_fault(&c->faults, CASC_LF_EMPTY_SEQUENCE, w);
  while (!lint_cur_empty(&sc)) {
    if (!lint_expect(&sc, CASC_DER_SEQUENCE, &pi, &c->faults, w))
      return false;
    lint_cur pc = lint_cur_of(pi.val, pi.len);
    if (!lint_expect(&pc, CASC_DER_OID, &o, &c->faults, w))
      return false;
    casc_lint_policy p = {.oid = lint_val_bytes(&o)};
    bool bad = false;
    if (lint_optional(&pc, CASC_DER_SEQUENCE, &q, &c->faults, w, &bad)) {
      p.qualifiers_present = true;
      p.qualifiers = lint_val_bytes(&q);
      if (!dec_qualifiers(c, &p, &q))
        return false;
    }
    if (bad)
      return false;
    lint_done(&pc, &c->faults, w);
    if (CASC_LINT_OID_IS(p.oid, CASC_OID_ANY_POLICY))
      c->cp.any_policy = true;
    for (size_t i = 0; i < c->cp.n; i++)
      if (casc_lint_bytes_eq(c->cp.pol[i].oid, p.oid))
        c->cp.duplicate = true;
    if (c->cp.n < CASC_LINT_MAX_POLICY)
      c->cp.pol[c->cp.n++] = p;
  }
  return true;
}

static bool dec_nc(casc_lint_cert *c, const casc_lint_ext *x) {
  lint_cur v = lint_cur_of(x->value.p, x->value.len);
  lint_tlv s, t;
  if (!lint_expect(&v, CASC_DER_SEQUENCE, &s, &c->faults, "nameConstraints"))
    return false;
  lint_done(&v, &c->faults, "nameConstraints");
  c->nc.present = true;
  lint_cur sc = lint_cur_of(s.val, s.len);
  bool bad = false;
  if (lint_optional(&sc, 0xa0, &t, &c->faults, "nameConstraints", &bad))
    c->nc.permitted = lint_val_bytes(&t);
  if (lint_optional(&sc, 0xa1, &t, &c->faults, "nameConstraints", &bad))
    c->nc.excluded = lint_val_bytes(&t);
  return !bad && lint_cur_empty(&sc);
}

static bool dec_tls_feature(casc_lint_cert *c, const casc_lint_ext *x) {
  lint_cur v = lint_cur_of(x->value.p, x->value.len);
  lint_tlv s, t;
  if (!lint_expect(&v, CASC_DER_SEQUENCE, &s, &c->faults, "tlsFeature"))
    return false;
  lint_done(&v, &c->faults, "tlsFeature");
  c->tls_feature.present = true;
  lint_cur sc = lint_cur_of(s.val, s.len);
  while (!lint_cur_empty(&sc)) {
    long n;
    if (!lint_expect(&sc, CASC_DER_INTEGER, &t, &c->faults, "tlsFeature"))
      return false;
    lint_check_integer(&t, &c->faults, "tlsFeature");
    if (lint_small_int(&t, &n) && n == 5)
      c->tls_feature.must_staple = true;
  }
  return true;
}

static bool dec_null(casc_lint_cert *c, const casc_lint_ext *x, const char *w) {
  lint_cur v = lint_cur_of(x->value.p, x->value.len);
  lint_tlv t;
  if (!lint_expect(&v, CASC_DER_NULL, &t, &c->faults, w))
    return false;
  if (t.len != 0)
    lint_fault(&c->faults, CASC_LF_BAD_NULL, w);
  lint_done(&v, &c->faults, w);
  return true;
}

static void decode_ext(casc_lint_cert *c, casc_lint_ext *x) {
  bool ok = true;
  switch (x->id) {
  case CASC_LINT_EXT_BC:
    ok = dec_bc(c, x);
    break;
  case CASC_LINT_EXT_KU:
    ok = dec_ku(c, x);
    break;
  case CASC_LINT_EXT_EKU:
    ok = dec_eku(c, x);
    break;
  case CASC_LINT_EXT_SAN:
    c->san.present = true;
    ok = dec_gnames(c, x, c->san.gn, CASC_LINT_MAX_GN, &c->san.n, &c->san.total, "subjectAltName");
    break;
  case CASC_LINT_EXT_IAN: {
    size_t total;
    c->ian.present = true;
    ok = dec_gnames(c, x, c->ian.gn, CASC_LINT_MAX_AD, &c->ian.n, &total, "issuerAltName");
    break;
  }
  case CASC_LINT_EXT_AKI:
    ok = dec_aki(c, x);
    break;
  case CASC_LINT_EXT_SKI:
    ok = dec_ski(c, x);
    break;
  case CASC_LINT_EXT_CRLDP:
    ok = dec_crldp(c, x);
    break;
  case CASC_LINT_EXT_AIA:
    c->aia.present = true;
    ok = dec_info_access(c, x, &c->aia.n, c->aia.ad, "authorityInfoAccess");
    break;
  case CASC_LINT_EXT_SIA:
    c->sia.present = true;
    ok = dec_info_access(c, x, &c->sia.n, c->sia.ad, "subjectInfoAccess");
    break;
  case CASC_LINT_EXT_CP:
    ok = dec_cp(c, x);
    break;
  case CASC_LINT_EXT_NC:
    ok = dec_nc(c, x);
    break;
  case CASC_LINT_EXT_TLS_FEATURE:
    ok = dec_tls_feature(c, x);
    break;
  case CASC_LINT_EXT_CT_POISON:
    c->ct_poison = true;
    ok = dec_null(c, x, "CT poison");
    break;
  case CASC_LINT_EXT_SCT: {
    lint_cur v = lint_cur_of(x->value.p, x->value.len);
    lint_tlv t;
    c->sct_list = true;
    ok = lint_expect(&v, CASC_DER_OCTET_STRING, &t, &c->faults, "SCT list");
    break;
  }
  case CASC_LINT_EXT_OCSP_NOCHECK:
    c->ocsp_nocheck = true;
    ok = dec_null(c, x, "ocspNoCheck");
    break;
  default: {
    /* every other value must at least be one well-formed TLV */
    lint_cur v = lint_cur_of(x->value.p, x->value.len);
    lint_tlv t;
    ok = lint_next(&v, &t, &c->faults, "extension value");
    if (ok)
      lint_done(&v, &c->faults, "extension value");
    break;
  }
  }
  x->decoded_ok = ok;
  if (!ok)
    lint_fault(&c->faults, CASC_LF_EXT_UNDECODABLE, "extension value");
}

/* --- SubjectPublicKeyInfo ------------------------------------------------------------ */
static unsigned int_bits(casc_lint_bytes v) {
  size_t i = 0;
  while (i < v.len && v.p[i] == 0)
    i++;
  if (i == v.len)
    return 0;
  unsigned b = (unsigned)((v.len - i - 1) * 8);
  for (unsigned x = v.p[i]; x; x >>= 1)
    b++;
  return b;
}

static bool dec_spki(casc_lint_cert *c, const lint_tlv *t) {
  const char *w = "subjectPublicKeyInfo";
  casc_lint_spki *k = &c->spki;
  lint_cur sc = lint_cur_of(t->val, t->len);
  lint_tlv alg, bits;
  k->raw = lint_tlv_bytes(t);
  if (!lint_expect(&sc, CASC_DER_SEQUENCE, &alg, &c->faults, w) ||
      !lint_algid(&alg, &k->alg_oid, &k->params, &c->faults, w) ||
      !lint_expect(&sc, CASC_DER_BIT_STRING, &bits, &c->faults, w))
    return false;
  lint_done(&sc, &c->faults, w);
  k->alg = lint_tlv_bytes(&alg);
  const unsigned char *b;
  size_t nb;
  if (!lint_bitstring(&bits, &c->faults, w, &b, &nb, &k->key_unused_bits))
    return false;
  k->key = lint_bytes(b, nb);
  if (CASC_LINT_OID_IS(k->alg_oid, CASC_OID_RSA_ENCRYPTION) ||
      CASC_LINT_OID_IS(k->alg_oid, CASC_OID_RSA_PSS)) {
    k->type = CASC_LINT_OID_IS(k->alg_oid, CASC_OID_RSA_PSS) ? CASC_LINT_KEY_RSA_PSS
                                                            : CASC_LINT_KEY_RSA;
    lint_cur kc = lint_cur_of(b, nb);
    lint_tlv s, n, e;
    if (lint_expect(&kc, CASC_DER_SEQUENCE, &s, &c->faults, "RSAPublicKey")) {
      lint_cur rc = lint_cur_of(s.val, s.len);
      if (lint_expect(&rc, CASC_DER_INTEGER, &n, &c->faults, "RSAPublicKey") &&
          lint_expect(&rc, CASC_DER_INTEGER, &e, &c->faults, "RSAPublicKey")) {
        lint_check_integer(&n, &c->faults, "RSA modulus");
        lint_check_integer(&e, &c->faults, "RSA exponent");
        lint_done(&rc, &c->faults, "RSAPublicKey");
        lint_done(&kc, &c->faults, "RSAPublicKey");
        k->rsa_n = lint_val_bytes(&n);
        k->rsa_e = lint_val_bytes(&e);
        k->rsa_ok = true;
        k->rsa_bits = int_bits(k->rsa_n);
        k->bits = k->rsa_bits;
      }
    }
  } else if (CASC_LINT_OID_IS(k->alg_oid, CASC_OID_EC_PUBLIC_KEY)) {
    k->type = CASC_LINT_KEY_EC;
    k->curve = CASC_LINT_CURVE_OTHER;
    if (k->params.len > 2 && k->params.p[0] == CASC_DER_OID) {
      lint_cur pc = lint_cur_of(k->params.p, k->params.len);
      lint_tlv o;
      if (lint_next(&pc, &o, &c->faults, w)) {
        k->curve_oid = lint_val_bytes(&o);
        if (CASC_LINT_OID_IS(k->curve_oid, CASC_OID_P256))
          k->curve = CASC_LINT_CURVE_P256, k->bits = 256;
        else if (CASC_LINT_OID_IS(k->curve_oid, CASC_OID_P384))
          k->curve = CASC_LINT_CURVE_P384, k->bits = 384;
        else if (CASC_LINT_OID_IS(k->curve_oid, CASC_OID_P521))
          k->curve = CASC_LINT_CURVE_P521, k->bits = 521;
      }
    }
  } else if (CASC_LINT_OID_IS(k->alg_oid, CASC_OID_ED25519)) {
    k->type = CASC_LINT_KEY_ED25519;
    k->bits = 256;
  } else if (CASC_LINT_OID_IS(k->alg_oid, CASC_OID_ED448)) {
    k->type = CASC_LINT_KEY_ED448;
    k->bits = 456;
  } else if (CASC_LINT_OID_IS(k->alg_oid, CASC_OID_DSA)) {
    k->type = CASC_LINT_KEY_DSA;
  }
  return true;
}

/* --- the certificate -------------------------------------------------------------------- */
static void reset(casc_lint_cert *c) {
  /* Clear only the fixed part: the arrays are written before they are read
   * (their counts say how far), and clearing them all costs more than the
   * decode of a typical certificate. */
  size_t keep_san = offsetof(casc_lint_cert, san.gn);
  memset(c, 0, keep_san);
  size_t after = offsetof(casc_lint_cert, ian);
  memset((char *)c + after, 0, sizeof *c - after);
  c->san.present = false;
  c->san.n = c->san.total = 0;
}

casc_err casc_lint_parse_cert(const unsigned char *der, size_t len, casc_lint_cert *c,
                              casc_error *e) {
  reset(c);
  casc_lint_faults *f = &c->faults;
  lint_cur top = lint_cur_of(der, len);
  lint_tlv cert, tbs, alg, sig, t;
  const char *what = "Certificate";
  if (!lint_expect(&top, CASC_DER_SEQUENCE, &cert, f, what))
    goto bad;
  if (!lint_cur_empty(&top))
    lint_fault(f, CASC_LF_TRAILING_DATA, "after the Certificate");
  c->raw = lint_tlv_bytes(&cert);
  lint_cur cc = lint_cur_of(cert.val, cert.len);
  what = "TBSCertificate";
  if (!lint_expect(&cc, CASC_DER_SEQUENCE, &tbs, f, what))
    goto bad;
  what = "signatureAlgorithm";
  if (!lint_expect(&cc, CASC_DER_SEQUENCE, &alg, f, what) ||
      !lint_algid(&alg, &c->sig_alg_oid, &c->sig_alg_params, f, what))
    goto bad;
  what = "signatureValue";
  if (!lint_expect(&cc, CASC_DER_BIT_STRING, &sig, f, what))
    goto bad;
  lint_done(&cc, f, "Certificate");
  {
    const unsigned char *b;
    size_t nb;
    unsigned u;
    if (lint_bitstring(&sig, f, what, &b, &nb, &u)) {
      c->signature = lint_bytes(b, nb);
      c->signature_unused_bits = u;
    }
  }
  c->tbs = lint_tlv_bytes(&tbs);
  c->sig_alg_outer = lint_tlv_bytes(&alg);

  lint_cur tc = lint_cur_of(tbs.val, tbs.len);
  bool bad = false;
  what = "version";
  if (lint_optional(&tc, 0xa0, &t, f, what, &bad)) {
    lint_cur vc = lint_cur_of(t.val, t.len);
    lint_tlv v;
    long ver;
    if (!lint_expect(&vc, CASC_DER_INTEGER, &v, f, what))
      goto bad;
    lint_done(&vc, f, what);
    lint_check_integer(&v, f, what);
    c->version_present = true;
    c->version = lint_small_int(&v, &ver) && ver < 100 ? (int)ver : 99;
    if (c->version == 0)
      lint_fault(f, CASC_LF_DEFAULT_ENCODED, "version v1");
  }
  if (bad)
    goto bad;
  what = "serialNumber";
  if (!lint_expect(&tc, CASC_DER_INTEGER, &t, f, what))
    goto bad;
  lint_check_integer(&t, f, what);
  c->serial = lint_val_bytes(&t);
  what = "signature";
  {
    casc_lint_bytes o, p;
    if (!lint_expect(&tc, CASC_DER_SEQUENCE, &t, f, what) || !lint_algid(&t, &o, &p, f, what))
      goto bad;
    c->sig_alg_inner = lint_tlv_bytes(&t);
  }
  what = "issuer";
  if (!lint_next(&tc, &t, f, what) || !lint_name(&t, &c->issuer, f, what))
    goto bad;
  what = "validity";
  if (!lint_expect(&tc, CASC_DER_SEQUENCE, &t, f, what))
    goto bad;
  {
    lint_cur vc = lint_cur_of(t.val, t.len);
    lint_tlv nb, na;
    if (!lint_next(&vc, &nb, f, what) || !lint_next(&vc, &na, f, what))
      goto bad;
    lint_done(&vc, f, what);
    lint_time(&nb, &c->not_before, f, "notBefore");
    lint_time(&na, &c->not_after, f, "notAfter");
    if (!c->not_before.ok_parse || !c->not_after.ok_parse)
      goto bad;
  }
  what = "subject";
  if (!lint_next(&tc, &t, f, what) || !lint_name(&t, &c->subject, f, what))
    goto bad;
  what = "subjectPublicKeyInfo";
  if (!lint_expect(&tc, CASC_DER_SEQUENCE, &t, f, what) || !dec_spki(c, &t))
    goto bad;
  what = "uniqueIdentifiers";
  if (lint_optional(&tc, 0x81, &t, f, what, &bad))
    c->issuer_uid = lint_val_bytes(&t);
  if (lint_optional(&tc, 0x82, &t, f, what, &bad))
    c->subject_uid = lint_val_bytes(&t);
  what = "extensions";
  if (lint_optional(&tc, 0xa3, &t, f, what, &bad)) {
    lint_cur ec = lint_cur_of(t.val, t.len);
    lint_tlv exts;
    c->ext_field_present = true;
    if (!lint_next(&ec, &exts, f, what) ||
        !lint_extensions(&exts, c->ext, CASC_LINT_MAX_EXT, &c->n_ext, &c->ext_truncated,
                         &c->ext_duplicate, &c->ext_duplicate_oid, c->by_id, f, what))
      goto bad;
    lint_done(&ec, f, what);
  }
  if (bad)
    goto bad;
  lint_done(&tc, f, "TBSCertificate");
  for (size_t i = 0; i < c->n_ext; i++)
    if (c->ext[i].id != CASC_LINT_EXT_OTHER && c->by_id[c->ext[i].id] == &c->ext[i])
      decode_ext(c, &c->ext[i]);
    else if (c->ext[i].id == CASC_LINT_EXT_OTHER)
      decode_ext(c, &c->ext[i]);

  c->self_issued = casc_lint_bytes_eq(c->issuer.raw, c->subject.raw);
  c->self_signed = c->self_issued &&
                   (!c->aki.present || c->aki.key_id.p == NULL || !c->ski.present ||
                    casc_lint_bytes_eq(c->aki.key_id, c->ski.key_id));
  return CASC_OK;
bad:
  return casc_error_set(e, CASC_ERR_PARSE, "certificate: cannot decode %s", what);
}

casc_lint_profile casc_lint_detect_profile(const casc_lint_cert *c) {
  if (c->bc.present && c->bc.ca)
    return c->self_signed ? CASC_LINT_PROFILE_ROOT : CASC_LINT_PROFILE_SUBCA;
  if (!c->bc.present && c->ku.present && (c->ku.bits & CASC_KU_KEY_CERT_SIGN))
    return c->self_signed ? CASC_LINT_PROFILE_ROOT : CASC_LINT_PROFILE_SUBCA;
  unsigned e = c->eku.flags;
  if (e & CASC_EKU_SERVER_AUTH)
    return CASC_LINT_PROFILE_TLS;
  if (e & CASC_EKU_CODE_SIGNING)
    return CASC_LINT_PROFILE_CODESIGN;
  if (e & CASC_EKU_TIME_STAMPING)
    return CASC_LINT_PROFILE_TIMESTAMP;
  if (e & CASC_EKU_OCSP_SIGNING)
    return CASC_LINT_PROFILE_OCSP_SIGNER;
  if (e & CASC_EKU_EMAIL)
    return CASC_LINT_PROFILE_SMIME;
  return CASC_LINT_PROFILE_UNKNOWN;
}
