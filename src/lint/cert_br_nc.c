/* Name constraints of technically constrained TLS subordinate CAs
 * (TLS BR 7.1.2.5.2) and of any CA (7.1.2.10.8): what the permitted and
 * excluded subtrees must hold. Also the onion names of BR Appendix B and
 * the subscriber's "any other extension" (7.1.2.7.6). */
#include "cert_br_util.h"
#include "casc/der.h"

#include <stdio.h>
#include <string.h>

#define C(in) ((in)->cert)
#define RUN(fn) static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz)
#define CHECK(cond, msg) return (cond) ? CASC_LINT_PASS : fail(det, detsz, (msg))

static casc_lint_result fail(char *det, size_t detsz, const char *msg) {
  snprintf(det, detsz, "%s", msg);
  return CASC_LINT_FAIL;
}

/* Calls fn for the base GeneralName (tag, contents) of each GeneralSubtree
 * in the contents of [0] or [1]; stops at the first undecodable one (the
 * RFC 5280 lints report those). */
typedef bool (*subtree_fn)(void *arg, unsigned tag, const unsigned char *v, size_t len);
static void each_subtree(casc_lint_bytes b, subtree_fn fn, void *arg) {
  const unsigned char *p = b.p;
  size_t left = b.len;
  while (left > 0) {
    casc_der_tlv_t st, gn;
    if (casc_der_expect(&p, &left, CASC_DER_SEQUENCE, &st, NULL) != CASC_OK)
      return;
    const unsigned char *q = st.val;
    size_t ql = st.len;
    if (casc_der_next(&q, &ql, &gn, NULL) != CASC_OK)
      return;
    if (!fn(arg, gn.tag, gn.val, gn.len))
      return;
  }
}

static unsigned mask_prefix(const unsigned char *m, size_t len) {
  unsigned n = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char b = m[i];
    while (b & 0x80) {
      n++;
      b = (unsigned char)(b << 1);
    }
    if (m[i] != 0xff)
      break;
  }
  return n;
}

typedef struct {
  bool reserved, any_ip, any_dns, all_v4, all_v6, empty_dns;
} nc_scan;

static bool scan_one(void *arg, unsigned tag, const unsigned char *v, size_t len) {
  nc_scan *s = arg;
  if (tag == (CASC_DER_CONTEXT | 7) && (len == 8 || len == 32)) {
    size_t alen = len / 2;
    unsigned prefix = mask_prefix(v + alen, alen);
    s->any_ip = true;
    if (casc_br_subnet_reserved(v, alen, prefix))
      s->reserved = true;
    if (prefix == 0)
      *(alen == 4 ? &s->all_v4 : &s->all_v6) = true;
  } else if (tag == (CASC_DER_CONTEXT | 2)) {
    s->any_dns = true;
    if (len == 0)
      s->empty_dns = true;
  }
  return true;
}

static bool tls_nc(const casc_lint_input *in) {
  return casc_br_applies_tls_subca(in) && C(in)->nc.present;
}

RUN(run_nc_reserved_ip) {
  nc_scan s = {0};
  each_subtree(C(in)->nc.permitted, scan_one, &s);
  CHECK(!s.reserved, "a permitted iPAddress subtree overlaps a reserved range");
}

RUN(run_nc_ip_excluded) {
  nc_scan p = {0}, x = {0};
  each_subtree(C(in)->nc.permitted, scan_one, &p);
  if (p.any_ip)
    return CASC_LINT_PASS;
  each_subtree(C(in)->nc.excluded, scan_one, &x);
  CHECK(x.all_v4 && x.all_v6,
        "no permitted iPAddress, and the excluded subtrees do not hold 0.0.0.0/0 and ::/0");
}

RUN(run_nc_dns_excluded) {
  nc_scan p = {0}, x = {0};
  each_subtree(C(in)->nc.permitted, scan_one, &p);
  if (p.any_dns)
    return CASC_LINT_PASS;
  each_subtree(C(in)->nc.excluded, scan_one, &x);
  CHECK(x.empty_dns, "no permitted dNSName, and the excluded subtrees do not hold the empty dNSName");
}

/* --- onion names (BR Appendix B; rendezvous v3: 56 base32 characters) --------------------- */
RUN(run_onion) {
  const casc_lint_cert *c = C(in);
  for (size_t i = 0; i < c->san.n; i++) {
    const casc_lint_gn *g = &c->san.gn[i];
    if (g->type != CASC_GN_DNS || !(casc_br_dns_check(g->value.p, g->value.len) & CASC_BR_DNS_ONION))
      continue;
    /* the label left of ".onion"; "onion" alone is no onion address */
    if (g->value.len <= 6 || g->value.p[g->value.len - 6] != '.') {
      casc_br_det_bytes(det, detsz, "not a version 3 onion address: ", g->value);
      return CASC_LINT_FAIL;
    }
    size_t end = g->value.len - 6, start = end;
    while (start > 0 && g->value.p[start - 1] != '.')
      start--;
    bool ok = end - start == 56;
    for (size_t k = start; ok && k < end; k++) {
      unsigned char ch = g->value.p[k];
      ok = (ch >= 'a' && ch <= 'z') || (ch >= '2' && ch <= '7');
    }
    /* the last character carries the version (3) in its low bits: 'd' */
    ok = ok && g->value.p[end - 1] == 'd';
    if (!ok) {
      casc_br_det_bytes(det, detsz, "not a version 3 onion address: ", g->value);
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

/* --- any other extension (7.1.2.7.6: NOT RECOMMENDED) -------------------------------------- */
RUN(run_other_ext) {
  const casc_lint_cert *c = C(in);
  for (size_t i = 0; i < c->n_ext; i++) {
    casc_lint_ext_id id = c->ext[i].id;
    bool listed = id == CASC_LINT_EXT_AIA || id == CASC_LINT_EXT_AKI || id == CASC_LINT_EXT_CP ||
                  id == CASC_LINT_EXT_EKU || id == CASC_LINT_EXT_SAN || id == CASC_LINT_EXT_KU ||
                  id == CASC_LINT_EXT_BC || id == CASC_LINT_EXT_CRLDP || id == CASC_LINT_EXT_SCT ||
                  id == CASC_LINT_EXT_SKI || id == CASC_LINT_EXT_CT_POISON ||
                  id == CASC_LINT_EXT_NC; /* NC: its own MUST NOT lint */
    if (!listed) {
      char oid[64];
      snprintf(det, detsz, "extension %s is not in the subscriber profile (NOT RECOMMENDED)",
               casc_lint_oid_str(c->ext[i].oid, oid, sizeof oid));
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

static bool tls_sub(const casc_lint_input *in) { return casc_br_applies_tls_or_precert(in); }
static bool tls_sub_san(const casc_lint_input *in) { return tls_sub(in) && C(in)->san.present; }

#define BR_LINT(nm, al, lv, cit, eff, app, fn)                                                     \
  {.name = nm, .alias = al, .level = lv, .citation = cit, .source = CASC_LINT_SRC_TLSBR,           \
   .effective = eff, .kind = CASC_LINT_KIND_CERT, .applies = app, .run = fn}

const casc_lint casc_lints_cert_br_nc[] = {
    BR_LINT("e_ext_nc_intersects_reserved_ip", "e_ext_nc_intersects_reserved_ip", CASC_LINT_ERROR,
            "TLS BR 7.1.2.5.2; 7.1.2.10.8", CASC_BR_V1, tls_nc, run_nc_reserved_ip),
    BR_LINT("e_br_nc_ip_not_excluded", NULL, CASC_LINT_ERROR, "TLS BR 7.1.2.5.2", CASC_BR_SC62,
            tls_nc, run_nc_ip_excluded),
    BR_LINT("e_br_nc_dns_not_excluded", NULL, CASC_LINT_ERROR, "TLS BR 7.1.2.5.2", CASC_BR_SC62,
            tls_nc, run_nc_dns_excluded),
    BR_LINT("e_san_dns_name_onion_invalid", "e_san_dns_name_onion_invalid", CASC_LINT_ERROR,
            "TLS BR Appendix B; RFC 7686", CASC_BR_DATE(2021, 10, 15), tls_sub_san, run_onion),
    BR_LINT("w_br_sub_cert_other_extension", NULL, CASC_LINT_WARN, "TLS BR 7.1.2.7.6",
            CASC_BR_SC62, tls_sub, run_other_ext),
};
CASC_LINT_TABLE(casc_lints_cert_br_nc);
