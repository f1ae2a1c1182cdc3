/* Strict decode of an OCSP response (RFC 6960 4.2.1) into casc_lint_ocsp:
 * pointers into the input, no allocation, encoding faults recorded. */
#include "lint_internal.h"

#include <string.h>

static bool read_single(casc_lint_ocsp *o, const lint_tlv *s, casc_lint_ocsp_single *sr) {
  casc_lint_faults *f = &o->faults;
  const char *w = "SingleResponse";
  lint_cur sc = lint_cur_of(s->val, s->len);
  lint_tlv id, alg, t;
  memset(sr, 0, sizeof *sr);
  sr->raw = lint_tlv_bytes(s);
  sr->reason = -1;
  if (!lint_expect(&sc, CASC_DER_SEQUENCE, &id, f, "CertID"))
    return false;
  lint_cur ic = lint_cur_of(id.val, id.len);
  if (!lint_expect(&ic, CASC_DER_SEQUENCE, &alg, f, "CertID") ||
      !lint_algid(&alg, &sr->hash_oid, &sr->hash_params, f, "CertID hashAlgorithm"))
    return false;
  sr->hash_alg = lint_tlv_bytes(&alg);
  if (!lint_expect(&ic, CASC_DER_OCTET_STRING, &t, f, "CertID"))
    return false;
  sr->name_hash = lint_val_bytes(&t);
  if (!lint_expect(&ic, CASC_DER_OCTET_STRING, &t, f, "CertID"))
    return false;
  sr->key_hash = lint_val_bytes(&t);
  if (!lint_expect(&ic, CASC_DER_INTEGER, &t, f, "CertID"))
    return false;
  lint_check_integer(&t, f, "CertID serialNumber");
  sr->serial = lint_val_bytes(&t);
  lint_done(&ic, f, "CertID");
  if (!lint_next(&sc, &t, f, "certStatus"))
    return false;
  if (t.tag == 0x80) {
    sr->status = 0;
    if (t.len != 0)
      lint_fault(f, CASC_LF_BAD_NULL, "certStatus good");
  } else if (t.tag == 0xa1) {
    sr->status = 1;
    lint_cur rc = lint_cur_of(t.val, t.len);
    lint_tlv rt;
    if (!lint_next(&rc, &rt, f, "RevokedInfo"))
      return false;
    lint_time(&rt, &sr->revocation_time, f, "revocationTime");
    bool bad = false;
    if (lint_optional(&rc, 0xa0, &rt, f, "revocationReason", &bad)) {
      lint_cur ec = lint_cur_of(rt.val, rt.len);
      lint_tlv en;
      long r;
      if (!lint_expect(&ec, CASC_DER_ENUMERATED, &en, f, "revocationReason"))
        return false;
      lint_check_integer(&en, f, "revocationReason");
      sr->reason = lint_small_int(&en, &r) && r < 1000 ? (int)r : 999;
    }
    if (bad)
      return false;
    lint_done(&rc, f, "RevokedInfo");
  } else if (t.tag == 0x82) {
    sr->status = 2;
    if (t.len != 0)
      lint_fault(f, CASC_LF_BAD_NULL, "certStatus unknown");
  } else {
    return false;
  }
  if (!lint_next(&sc, &t, f, "thisUpdate"))
    return false;
  lint_time(&t, &sr->this_update, f, "thisUpdate");
  bool bad = false;
  if (lint_optional(&sc, 0xa0, &t, f, w, &bad)) {
    lint_cur nc = lint_cur_of(t.val, t.len);
    lint_tlv nt;
    if (!lint_next(&nc, &nt, f, "nextUpdate"))
      return false;
    lint_time(&nt, &sr->next_update, f, "nextUpdate");
    lint_done(&nc, f, "nextUpdate");
  }
  if (lint_optional(&sc, 0xa1, &t, f, w, &bad)) {
    lint_cur ec = lint_cur_of(t.val, t.len);
    lint_tlv exts;
    if (!lint_next(&ec, &exts, f, "singleExtensions") ||
        !lint_extensions(&exts, sr->ext, 8, &sr->n_ext, NULL, NULL, NULL, NULL, f,
                         "singleExtensions"))
      return false;
  }
  if (bad)
    return false;
  lint_done(&sc, f, w);
  return true;
}

casc_err casc_lint_parse_ocsp(const unsigned char *der, size_t len, casc_lint_ocsp *o,
                              casc_error *e) {
  /* Clear all but the large arrays, which are written before they are read. */
  memset(o, 0, offsetof(casc_lint_ocsp, single));
  memset(&o->n_ext, 0, sizeof *o - offsetof(casc_lint_ocsp, n_ext));
  casc_lint_faults *f = &o->faults;
  lint_cur top = lint_cur_of(der, len);
  lint_tlv resp, t, rb, basic, tbs;
  const char *what = "OCSPResponse";
  bool bad = false;
  if (!lint_expect(&top, CASC_DER_SEQUENCE, &resp, f, what))
    goto bad;
  if (!lint_cur_empty(&top))
    lint_fault(f, CASC_LF_TRAILING_DATA, "after the OCSPResponse");
  o->raw = lint_tlv_bytes(&resp);
  lint_cur rc = lint_cur_of(resp.val, resp.len);
  what = "responseStatus";
  long st;
  if (!lint_expect(&rc, CASC_DER_ENUMERATED, &t, f, what))
    goto bad;
  lint_check_integer(&t, f, what);
  o->response_status = lint_small_int(&t, &st) && st < 1000 ? (int)st : 999;
  what = "responseBytes";
  if (!lint_optional(&rc, 0xa0, &t, f, what, &bad)) {
    if (bad)
      goto bad;
    lint_done(&rc, f, what);
    return CASC_OK;
  }
  lint_done(&rc, f, what);
  o->has_bytes = true;
  {
    lint_cur xc = lint_cur_of(t.val, t.len);
    if (!lint_expect(&xc, CASC_DER_SEQUENCE, &rb, f, what))
      goto bad;
    lint_done(&xc, f, what);
    lint_cur bc = lint_cur_of(rb.val, rb.len);
    lint_tlv type, octets;
    if (!lint_expect(&bc, CASC_DER_OID, &type, f, what) ||
        !lint_expect(&bc, CASC_DER_OCTET_STRING, &octets, f, what))
      goto bad;
    lint_done(&bc, f, what);
    o->response_type = lint_val_bytes(&type);
    o->is_basic = CASC_LINT_OID_IS(o->response_type, CASC_OID_OCSP_BASIC);
    if (!o->is_basic)
      return CASC_OK;
    lint_cur oc = lint_cur_of(octets.val, octets.len);
    what = "BasicOCSPResponse";
    if (!lint_expect(&oc, CASC_DER_SEQUENCE, &basic, f, what))
      goto bad;
    lint_done(&oc, f, what);
  }
  o->basic = lint_tlv_bytes(&basic);
  lint_cur bc = lint_cur_of(basic.val, basic.len);
  lint_tlv alg, sig;
  what = "tbsResponseData";
  if (!lint_expect(&bc, CASC_DER_SEQUENCE, &tbs, f, what))
    goto bad;
  o->tbs = lint_tlv_bytes(&tbs);
  what = "signatureAlgorithm";
  if (!lint_expect(&bc, CASC_DER_SEQUENCE, &alg, f, what) ||
      !lint_algid(&alg, &o->sig_alg_oid, &o->sig_alg_params, f, what))
    goto bad;
  o->sig_alg = lint_tlv_bytes(&alg);
  what = "signature";
  if (!lint_expect(&bc, CASC_DER_BIT_STRING, &sig, f, what))
    goto bad;
  {
    const unsigned char *b;
    size_t nb;
    unsigned u;
    if (lint_bitstring(&sig, f, what, &b, &nb, &u))
      o->signature = lint_bytes(b, nb);
  }
  what = "certs";
  if (lint_optional(&bc, 0xa0, &t, f, what, &bad)) {
    lint_cur cc = lint_cur_of(t.val, t.len);
    lint_tlv seq, cert;
    if (!lint_expect(&cc, CASC_DER_SEQUENCE, &seq, f, what))
      goto bad;
    lint_done(&cc, f, what);
    o->certs_present = true;
    lint_cur sc = lint_cur_of(seq.val, seq.len);
    while (!lint_cur_empty(&sc)) {
      if (!lint_expect(&sc, CASC_DER_SEQUENCE, &cert, f, what))
        goto bad;
      if (o->n_certs < CASC_LINT_MAX_OCSP_CERTS)
        o->certs[o->n_certs++] = lint_tlv_bytes(&cert);
    }
  }
  if (bad)
    goto bad;
  lint_done(&bc, f, "BasicOCSPResponse");

  lint_cur tc = lint_cur_of(tbs.val, tbs.len);
  what = "version";
  if (lint_optional(&tc, 0xa0, &t, f, what, &bad)) {
    lint_cur vc = lint_cur_of(t.val, t.len);
    lint_tlv v;
    long ver;
    if (!lint_expect(&vc, CASC_DER_INTEGER, &v, f, what))
      goto bad;
    lint_check_integer(&v, f, what);
    o->version_present = true;
    o->version = lint_small_int(&v, &ver) && ver < 100 ? (int)ver : 99;
    if (o->version == 0)
      lint_fault(f, CASC_LF_DEFAULT_ENCODED, "ResponseData version v1");
  }
  what = "responderID";
  if (bad || !lint_next(&tc, &t, f, what))
    goto bad;
  {
    lint_cur ic = lint_cur_of(t.val, t.len);
    lint_tlv in;
    if (t.tag == 0xa1) {
      o->responder_id_type = 1;
      if (!lint_next(&ic, &in, f, what) || !lint_name(&in, &o->responder_name, f, what))
        goto bad;
    } else if (t.tag == 0xa2) {
      o->responder_id_type = 2;
      if (!lint_expect(&ic, CASC_DER_OCTET_STRING, &in, f, what))
        goto bad;
      o->responder_key = lint_val_bytes(&in);
    } else {
      goto bad;
    }
    lint_done(&ic, f, what);
  }
  what = "producedAt";
  if (!lint_next(&tc, &t, f, what))
    goto bad;
  lint_time(&t, &o->produced_at, f, what);
  if (!o->produced_at.ok_parse)
    goto bad;
  what = "responses";
  if (!lint_expect(&tc, CASC_DER_SEQUENCE, &t, f, what))
    goto bad;
  {
    lint_cur sc = lint_cur_of(t.val, t.len);
    lint_tlv s;
    if (lint_cur_empty(&sc))
      lint_fault(f, CASC_LF_EMPTY_SEQUENCE, what);
    while (!lint_cur_empty(&sc)) {
      casc_lint_ocsp_single tmp;
      casc_lint_ocsp_single *sr = o->n_single < CASC_LINT_MAX_SINGLE ? &o->single[o->n_single] : &tmp;
      if (!lint_expect(&sc, CASC_DER_SEQUENCE, &s, f, what) || !read_single(o, &s, sr))
        goto bad;
      if (sr != &tmp)
        o->n_single++;
      o->total_single++;
    }
  }
  what = "responseExtensions";
  if (lint_optional(&tc, 0xa1, &t, f, what, &bad)) {
    lint_cur ec = lint_cur_of(t.val, t.len);
    lint_tlv exts;
    o->ext_field_present = true;
    if (!lint_next(&ec, &exts, f, what) ||
        !lint_extensions(&exts, o->ext, CASC_LINT_MAX_EXT, &o->n_ext, NULL, NULL, NULL, NULL, f,
                         what))
      goto bad;
    lint_done(&ec, f, what);
  }
  if (bad)
    goto bad;
  lint_done(&tc, f, "ResponseData");
  return CASC_OK;
bad:
  return casc_error_set(e, CASC_ERR_PARSE, "OCSP response: cannot decode %s", what);
}
