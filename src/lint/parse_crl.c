/* Strict decode of a CRL (RFC 5280 5.1) into casc_lint_crl: pointers into
 * the input, no allocation, encoding faults recorded. The revoked entries
 * are walked once here for their faults and counts; lints that need each
 * entry read them again with casc_lint_crl_next_entry, so a CRL of a
 * million entries costs no memory. */
#include "lint_internal.h"

#include <string.h>

static bool dec_idp(casc_lint_crl *c, const casc_lint_ext *x) {
  const char *w = "issuingDistributionPoint";
  casc_lint_faults *f = &c->faults;
  lint_cur v = lint_cur_of(x->value.p, x->value.len);
  lint_tlv s, t;
  if (!lint_expect(&v, CASC_DER_SEQUENCE, &s, f, w))
    return false;
  lint_done(&v, f, w);
  c->idp.present = true;
  lint_cur sc = lint_cur_of(s.val, s.len);
  bool bad = false;
  if (lint_optional(&sc, 0xa0, &t, f, w, &bad)) {
    c->idp.has_dp = true;
    lint_cur nc = lint_cur_of(t.val, t.len);
    lint_tlv fn;
    if (lint_expect(&nc, 0xa0, &fn, f, w)) {
      casc_lint_gn g[CASC_LINT_MAX_DP];
      size_t n, total;
      c->idp.dp_full_name = true;
      if (!lint_gns(fn.val, fn.len, g, CASC_LINT_MAX_DP, &n, &total, f, w))
        return false;
      for (size_t i = 0; i < n; i++)
        if (g[i].type == CASC_GN_URI && c->idp.n_uri < CASC_LINT_MAX_DP)
          c->idp.uri[c->idp.n_uri++] = g[i].value;
    } else if (!lint_expect(&nc, 0xa1, &fn, f, w)) {
      return false;
    }
    lint_done(&nc, f, w);
  }
  static const unsigned tags[] = {0x81, 0x82, 0x83, 0x84, 0x85};
  for (size_t i = 0; i < 5; i++) {
    if (!lint_optional(&sc, tags[i], &t, f, w, &bad))
      continue;
    if (tags[i] == 0x83) {
      c->idp.has_reasons = true;
      continue;
    }
    bool b = lint_boolean(&t, f, w);
    if (!b)
      lint_fault(f, CASC_LF_DEFAULT_ENCODED, w);
    if (tags[i] == 0x81)
      c->idp.only_user = b;
    else if (tags[i] == 0x82)
      c->idp.only_ca = b;
    else if (tags[i] == 0x84)
      c->idp.indirect = b;
    else
      c->idp.only_attr = b;
  }
  return !bad && lint_cur_empty(&sc);
}

static bool dec_int_ext(casc_lint_faults *f, const casc_lint_ext *x, casc_lint_bytes *out,
                        const char *w) {
  lint_cur v = lint_cur_of(x->value.p, x->value.len);
  lint_tlv t;
  if (!lint_expect(&v, CASC_DER_INTEGER, &t, f, w))
    return false;
  lint_check_integer(&t, f, w);
  lint_done(&v, f, w);
  *out = lint_val_bytes(&t);
  return true;
}

static bool dec_aki(casc_lint_crl *c, const casc_lint_ext *x) {
  const char *w = "authorityKeyIdentifier";
  lint_cur v = lint_cur_of(x->value.p, x->value.len);
  lint_tlv s, t;
  if (!lint_expect(&v, CASC_DER_SEQUENCE, &s, &c->faults, w))
    return false;
  lint_done(&v, &c->faults, w);
  c->aki.present = true;
  lint_cur sc = lint_cur_of(s.val, s.len);
  bool bad = false;
  if (lint_optional(&sc, 0x80, &t, &c->faults, w, &bad))
    c->aki.key_id = lint_val_bytes(&t);
  if (lint_optional(&sc, 0xa1, &t, &c->faults, w, &bad))
    c->aki.has_issuer = true;
  if (lint_optional(&sc, 0x82, &t, &c->faults, w, &bad))
    c->aki.has_serial = true;
  return !bad && lint_cur_empty(&sc);
}

/* One entry at cur; faults into f. */
static bool read_entry(lint_cur *cur, casc_lint_crl_entry *en) {
  casc_lint_faults *f = &en->faults;
  const char *w = "revokedCertificates entry";
  lint_tlv s, t;
  /* Field by field rather than memset: lints walk a million entries, several
   * times, and ext[] (most of the struct) is written before it is read. */
  en->raw = en->serial = lint_bytes(NULL, 0);
  en->ext_present = false;
  en->n_ext = 0;
  en->reason = -1;
  memset(&en->invalidity, 0, sizeof en->invalidity);
  en->cert_issuer = false;
  en->faults.bits = 0;
  if (!lint_expect(cur, CASC_DER_SEQUENCE, &s, f, w))
    return false;
  en->raw = lint_tlv_bytes(&s);
  lint_cur ec = lint_cur_of(s.val, s.len);
  if (!lint_expect(&ec, CASC_DER_INTEGER, &t, f, w))
    return false;
  lint_check_integer(&t, f, "entry userCertificate");
  en->serial = lint_val_bytes(&t);
  if (!lint_next(&ec, &t, f, w))
    return false;
  lint_time(&t, &en->date, f, "entry revocationDate");
  if (!en->date.ok_parse)
    return false;
  if (!lint_cur_empty(&ec)) {
    if (!lint_expect(&ec, CASC_DER_SEQUENCE, &t, f, w))
      return false;
    en->ext_present = true;
    if (!lint_extensions(&t, en->ext, 8, &en->n_ext, NULL, NULL, NULL, NULL, f,
                         "crlEntryExtensions"))
      return false;
    for (size_t i = 0; i < en->n_ext; i++) {
      casc_lint_ext *x = &en->ext[i];
      lint_cur v = lint_cur_of(x->value.p, x->value.len);
      lint_tlv u;
      if (x->id == CASC_LINT_EXT_REASON) {
        long r;
        x->decoded_ok = lint_expect(&v, CASC_DER_ENUMERATED, &u, f, "reasonCode");
        if (x->decoded_ok) {
          lint_check_integer(&u, f, "reasonCode");
          en->reason = lint_small_int(&u, &r) && r < 1000 ? (int)r : 999;
        }
      } else if (x->id == CASC_LINT_EXT_INVALIDITY) {
        x->decoded_ok = lint_next(&v, &u, f, "invalidityDate");
        if (x->decoded_ok)
          lint_time(&u, &en->invalidity, f, "invalidityDate");
      } else if (x->id == CASC_LINT_EXT_CERT_ISSUER) {
        en->cert_issuer = true;
        x->decoded_ok = lint_expect(&v, CASC_DER_SEQUENCE, &u, f, "certificateIssuer");
      } else {
        x->decoded_ok = lint_next(&v, &u, f, "entry extension");
      }
      if (x->decoded_ok)
        lint_done(&v, f, "entry extension");
      else
        lint_fault(f, CASC_LF_EXT_UNDECODABLE, "entry extension");
    }
  }
  lint_done(&ec, f, w);
  return true;
}

bool casc_lint_crl_next_entry(const casc_lint_crl *crl, size_t *off, casc_lint_crl_entry *out) {
  if (*off >= crl->revoked.len) {
    out->raw = lint_bytes(NULL, 0);
    out->n_ext = 0;
    return false;
  }
  lint_cur c = lint_cur_of(crl->revoked.p + *off, crl->revoked.len - *off);
  if (!read_entry(&c, out)) {
    out->raw.p = NULL;
    *off = crl->revoked.len;
    return false;
  }
  *off = (size_t)(c.p - crl->revoked.p);
  return true;
}

casc_err casc_lint_parse_crl(const unsigned char *der, size_t len, casc_lint_crl *c,
                             casc_error *e) {
  memset(c, 0, sizeof *c);
  casc_lint_faults *f = &c->faults;
  lint_cur top = lint_cur_of(der, len);
  lint_tlv crl, tbs, alg, sig, t;
  const char *what = "CertificateList";
  bool bad = false;
  if (!lint_expect(&top, CASC_DER_SEQUENCE, &crl, f, what))
    goto bad;
  if (!lint_cur_empty(&top))
    lint_fault(f, CASC_LF_TRAILING_DATA, "after the CertificateList");
  c->raw = lint_tlv_bytes(&crl);
  lint_cur cc = lint_cur_of(crl.val, crl.len);
  what = "TBSCertList";
  if (!lint_expect(&cc, CASC_DER_SEQUENCE, &tbs, f, what))
    goto bad;
  what = "signatureAlgorithm";
  if (!lint_expect(&cc, CASC_DER_SEQUENCE, &alg, f, what) ||
      !lint_algid(&alg, &c->sig_alg_oid, &c->sig_alg_params, f, what))
    goto bad;
  what = "signatureValue";
  if (!lint_expect(&cc, CASC_DER_BIT_STRING, &sig, f, what))
    goto bad;
  lint_done(&cc, f, "CertificateList");
  {
    const unsigned char *b;
    size_t nb;
    unsigned u;
    if (lint_bitstring(&sig, f, what, &b, &nb, &u))
      c->signature = lint_bytes(b, nb);
  }
  c->tbs = lint_tlv_bytes(&tbs);
  c->sig_alg_outer = lint_tlv_bytes(&alg);
  lint_cur tc = lint_cur_of(tbs.val, tbs.len);
  what = "version";
  if (lint_optional(&tc, CASC_DER_INTEGER, &t, f, what, &bad)) {
    long v;
    lint_check_integer(&t, f, what);
    c->version_present = true;
    c->version = lint_small_int(&t, &v) && v < 100 ? (int)v : 99;
  }
  what = "signature";
  {
    casc_lint_bytes o, p;
    if (bad || !lint_expect(&tc, CASC_DER_SEQUENCE, &t, f, what) || !lint_algid(&t, &o, &p, f, what))
      goto bad;
    c->sig_alg_inner = lint_tlv_bytes(&t);
  }
  what = "issuer";
  if (!lint_next(&tc, &t, f, what) || !lint_name(&t, &c->issuer, f, what))
    goto bad;
  what = "thisUpdate";
  if (!lint_next(&tc, &t, f, what))
    goto bad;
  lint_time(&t, &c->this_update, f, what);
  if (!c->this_update.ok_parse)
    goto bad;
  what = "nextUpdate";
  unsigned pk = lint_cur_peek(&tc);
  if (pk == CASC_DER_UTCTIME || pk == CASC_DER_GENERALIZEDTIME) {
    if (!lint_next(&tc, &t, f, what))
      goto bad;
    lint_time(&t, &c->next_update, f, what);
  }
  what = "revokedCertificates";
  if (lint_optional(&tc, CASC_DER_SEQUENCE, &t, f, what, &bad)) {
    c->revoked_present = true;
    c->revoked = lint_val_bytes(&t);
    if (t.len == 0)
      lint_fault(f, CASC_LF_EMPTY_SEQUENCE, what);
    size_t off = 0;
    casc_lint_crl_entry en;
    while (off < c->revoked.len) {
      if (!casc_lint_crl_next_entry(c, &off, &en)) {
        c->entries_undecodable = true;
        c->first_bad_entry = c->n_entries;
        break;
      }
      for (int k = 0; k < CASC_LF_COUNT; k++)
        if (casc_lint_has_fault(&en.faults, (casc_lint_fault)k))
          lint_fault(f, (casc_lint_fault)k, en.faults.where[k]);
      c->n_entries++;
      c->n_entries_with_ext += en.ext_present;
      c->n_entries_reason += en.reason >= 0;
      c->n_entries_unspecified_reason += en.reason == 0;
      c->n_entries_invalidity += en.invalidity.present;
      c->n_entries_cert_issuer += en.cert_issuer;
    }
  }
  what = "crlExtensions";
  if (!bad && lint_optional(&tc, 0xa0, &t, f, what, &bad)) {
    lint_cur ec = lint_cur_of(t.val, t.len);
    lint_tlv exts;
    c->ext_field_present = true;
    if (!lint_next(&ec, &exts, f, what) ||
        !lint_extensions(&exts, c->ext, CASC_LINT_MAX_EXT, &c->n_ext, NULL, &c->ext_duplicate,
                         NULL, c->by_id, f, what))
      goto bad;
    lint_done(&ec, f, what);
  }
  if (bad)
    goto bad;
  lint_done(&tc, f, "TBSCertList");
  for (size_t i = 0; i < c->n_ext; i++) {
    casc_lint_ext *x = &c->ext[i];
    if (c->by_id[x->id] != x && x->id != CASC_LINT_EXT_OTHER)
      continue;
    switch (x->id) {
    case CASC_LINT_EXT_CRL_NUMBER:
      c->crl_number.present = true;
      x->decoded_ok = dec_int_ext(f, x, &c->crl_number.value, "cRLNumber");
      break;
    case CASC_LINT_EXT_DELTA_CRL:
      c->delta_indicator.present = true;
      x->decoded_ok = dec_int_ext(f, x, &c->delta_indicator.value, "deltaCRLIndicator");
      break;
    case CASC_LINT_EXT_AKI:
      x->decoded_ok = dec_aki(c, x);
      break;
    case CASC_LINT_EXT_IDP:
      x->decoded_ok = dec_idp(c, x);
      break;
    default: {
      lint_cur v = lint_cur_of(x->value.p, x->value.len);
      lint_tlv u;
      x->decoded_ok = lint_next(&v, &u, f, "extension value");
      if (x->decoded_ok)
        lint_done(&v, f, "extension value");
      break;
    }
    }
    if (!x->decoded_ok)
      lint_fault(f, CASC_LF_EXT_UNDECODABLE, "CRL extension value");
  }
  return CASC_OK;
bad:
  return casc_error_set(e, CASC_ERR_PARSE, "CRL: cannot decode %s", what);
}
