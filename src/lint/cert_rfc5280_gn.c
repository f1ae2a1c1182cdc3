/* RFC 5280 4.2.1.6 and 4.2.2: GeneralNames: the syntax of dNSName,
 * rfc822Name, URI and iPAddress entries in subjectAltName, and the URIs of
 * cRLDistributionPoints and the information access extensions. */
#include "casc/lint.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* room for a quoted name in details: 80 characters, escapes and "..." */
#define Q 128

static bool ldh(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

/* What is wrong with a dNSName, or NULL. kind selects the check:
 * 0 characters, 1 label length, 2 empty label, 3 total length, 4 wildcard,
 * 5 hyphen at a label's edge. */
static const char *dns_problem(casc_lint_bytes v, int kind) {
  const unsigned char *p = v.p;
  size_t n = v.len;
  if (kind == 3)
    return n > 253 ? "longer than 253 characters" : NULL;
  size_t start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && p[i] != '.')
      continue;
    size_t len = i - start;
    const unsigned char *l = p + start;
    bool first = start == 0;
    switch (kind) {
    case 0:
      for (size_t k = 0; k < len; k++)
        if (!ldh(l[k]) && !(first && len == 1 && l[k] == '*') && l[k] != '_')
          return "a character outside letters, digits and hyphen";
      break;
    case 1:
      if (len > 63)
        return "a label longer than 63 characters";
      break;
    case 2:
      if (len == 0 && n > 0)
        return "an empty label";
      break;
    case 4:
      for (size_t k = 0; k < len; k++)
        if (l[k] == '*' && !(first && len == 1))
          return "a wildcard that is not the whole leftmost label";
      break;
    case 5:
      if (len > 0 && (l[0] == '-' || l[len - 1] == '-'))
        return "a label that starts or ends with a hyphen";
      break;
    }
    start = i + 1;
  }
  return NULL;
}

static casc_lint_result dns_lint(const casc_lint_input *in, int kind, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->san.present)
    return CASC_LINT_NA;
  for (size_t i = 0; i < c->san.n; i++) {
    const casc_lint_gn *g = &c->san.gn[i];
    if (g->type != CASC_GN_DNS || g->value.len == 0)
      continue;
    const char *why = dns_problem(g->value, kind);
    if (why != NULL) {
      char q[Q];
      snprintf(det, detsz, "dNSName '%s' has %s", casc_lint_printable(g->value, q, sizeof q), why);
      if (kind == 3)
        snprintf(det, detsz, "a dNSName is %s", why);
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

#define DNS_LINT(fn, k)                                                                            \
  static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz) {                 \
    return dns_lint(in, k, det, detsz);                                                            \
  }
DNS_LINT(run_dns_chars, 0)
DNS_LINT(run_dns_label_len, 1)
DNS_LINT(run_dns_empty_label, 2)
DNS_LINT(run_dns_total_len, 3)
DNS_LINT(run_dns_wildcard, 4)
DNS_LINT(run_dns_hyphen, 5)

static casc_lint_result run_dns_space(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 0; i < c->san.n; i++) {
    const casc_lint_gn *g = &c->san.gn[i];
    if (g->type == CASC_GN_DNS && g->value.len == 1 && g->value.p[0] == ' ') {
      snprintf(det, detsz, "dNSName \" \"");
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

static casc_lint_result run_dns_bare_wildcard(const casc_lint_input *in, char *det,
                                              size_t detsz) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 0; i < c->san.n; i++) {
    const casc_lint_gn *g = &c->san.gn[i];
    /* "*" or "*." alone: a wildcard over everything */
    if (g->type == CASC_GN_DNS && g->value.len >= 1 && g->value.p[0] == '*' &&
        (g->value.len == 1 || (g->value.len == 2 && g->value.p[1] == '.'))) {
      snprintf(det, detsz, "dNSName is a bare wildcard");
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

static bool same_name(const casc_lint_gn *a, const casc_lint_gn *b) {
  if (a->type != b->type || a->value.len != b->value.len)
    return false;
  if (a->type == CASC_GN_DNS || a->type == CASC_GN_EMAIL) /* case-insensitive */
    return strncasecmp((const char *)a->value.p, (const char *)b->value.p, a->value.len) == 0;
  return memcmp(a->value.p, b->value.p, a->value.len) == 0;
}

static casc_lint_result run_san_duplicate(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 1; i < c->san.n; i++)
    for (size_t j = 0; j < i; j++)
      if (same_name(&c->san.gn[i], &c->san.gn[j])) {
        char q[Q];
        snprintf(det, detsz, "subjectAltName lists '%s' twice",
                 casc_lint_printable(c->san.gn[i].value, q, sizeof q));
        return CASC_LINT_FAIL;
      }
  return CASC_LINT_PASS;
}

static casc_lint_result run_san_empty_value(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 0; i < c->san.n; i++) {
    const casc_lint_gn *g = &c->san.gn[i];
    if ((g->type == CASC_GN_DNS || g->type == CASC_GN_EMAIL || g->type == CASC_GN_URI) &&
        g->value.len == 0) {
      snprintf(det, detsz, "an empty %s", g->type == CASC_GN_DNS     ? "dNSName"
                                          : g->type == CASC_GN_EMAIL ? "rfc822Name"
                                                                     : "URI");
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

static bool ascii_printable(casc_lint_bytes v) {
  for (size_t i = 0; i < v.len; i++)
    if (v.p[i] <= 0x20 || v.p[i] >= 0x7f)
      return false;
  return true;
}

static casc_lint_result run_email_syntax(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 0; i < c->san.n; i++) {
    const casc_lint_gn *g = &c->san.gn[i];
    if (g->type != CASC_GN_EMAIL || g->value.len == 0)
      continue;
    const unsigned char *at = memchr(g->value.p, '@', g->value.len);
    size_t local = at ? (size_t)(at - g->value.p) : 0;
    bool ok = at != NULL && local > 0 && local + 1 < g->value.len &&
              memchr(at + 1, '@', g->value.len - local - 1) == NULL && ascii_printable(g->value);
    if (!ok) {
      char q[Q];
      snprintf(det, detsz, "rfc822Name '%s' is not local-part@domain",
               casc_lint_printable(g->value, q, sizeof q));
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

static casc_lint_result run_ip_length(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 0; i < c->san.n; i++) {
    const casc_lint_gn *g = &c->san.gn[i];
    if (g->type == CASC_GN_IP && g->value.len != 4 && g->value.len != 16) {
      snprintf(det, detsz, "iPAddress of %zu octets (4 or 16)", g->value.len);
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

/* RFC 3986 3.1: scheme ":" ...; URIs in certificates must be absolute. */
static bool uri_ok(casc_lint_bytes v) {
  if (v.len == 0 || !ascii_printable(v))
    return false;
  const unsigned char *p = v.p;
  if (!((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z')))
    return false;
  size_t i = 1;
  while (i < v.len && (ldh(p[i]) || p[i] == '+' || p[i] == '.'))
    i++;
  if (i == v.len || p[i] != ':')
    return false;
  /* http(s) and ldap need an authority: "scheme://host" */
  bool web = (i == 4 && strncasecmp((const char *)p, "http", 4) == 0) ||
             (i == 5 && strncasecmp((const char *)p, "https", 5) == 0) ||
             (i == 4 && strncasecmp((const char *)p, "ldap", 4) == 0);
  if (web && !(v.len > i + 3 && p[i + 1] == '/' && p[i + 2] == '/' && p[i + 3] != '/'))
    return false;
  return true;
}

static casc_lint_result run_san_uri(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 0; i < c->san.n; i++) {
    const casc_lint_gn *g = &c->san.gn[i];
    if (g->type == CASC_GN_URI && g->value.len > 0 && !uri_ok(g->value)) {
      char q[Q];
      snprintf(det, detsz, "URI '%s' is not an absolute URI",
               casc_lint_printable(g->value, q, sizeof q));
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

static casc_lint_result run_crldp_uri(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->crldp.present)
    return CASC_LINT_NA;
  for (size_t i = 0; i < c->crldp.n_uri; i++)
    if (!uri_ok(c->crldp.uri[i])) {
      char q[Q];
      snprintf(det, detsz, "CRL distribution point '%s' is not an absolute URI",
               casc_lint_printable(c->crldp.uri[i], q, sizeof q));
      return CASC_LINT_FAIL;
    }
  return CASC_LINT_PASS;
}

static casc_lint_result ad_uris(const casc_lint_ad *ad, size_t n, const char *ext, char *det,
                                size_t detsz) {
  for (size_t i = 0; i < n; i++)
    if (ad[i].loc.type == CASC_GN_URI && !uri_ok(ad[i].loc.value)) {
      char q[Q];
      snprintf(det, detsz, "%s location '%s' is not an absolute URI", ext,
               casc_lint_printable(ad[i].loc.value, q, sizeof q));
      return CASC_LINT_FAIL;
    }
  return CASC_LINT_PASS;
}

static casc_lint_result run_aia_uri(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->aia.present && !c->sia.present)
    return CASC_LINT_NA;
  casc_lint_result r = ad_uris(c->aia.ad, c->aia.n, "authorityInfoAccess", det, detsz);
  return r != CASC_LINT_PASS ? r : ad_uris(c->sia.ad, c->sia.n, "subjectInfoAccess", det, detsz);
}

static bool http_or_ldap(casc_lint_bytes v) {
  return (v.len >= 7 && strncasecmp((const char *)v.p, "http://", 7) == 0) ||
         (v.len >= 8 && strncasecmp((const char *)v.p, "https://", 8) == 0) ||
         (v.len >= 7 && strncasecmp((const char *)v.p, "ldap://", 7) == 0);
}

static casc_lint_result run_aia_ca_issuers_http(const casc_lint_input *in, char *det,
                                                size_t detsz) {
  const casc_lint_cert *c = in->cert;
  bool any = false, good = false;
  for (size_t i = 0; i < c->aia.n; i++)
    if (c->aia.ad[i].method == 2) {
      any = true;
      good |= c->aia.ad[i].loc.type == CASC_GN_URI && http_or_ldap(c->aia.ad[i].loc.value);
    }
  if (!any || good)
    return any ? CASC_LINT_PASS : CASC_LINT_NA;
  snprintf(det, detsz, "no id-ad-caIssuers location is an HTTP or LDAP URI");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_aia_ocsp_uri(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 0; i < c->aia.n; i++)
    if (c->aia.ad[i].method == 1 && c->aia.ad[i].loc.type != CASC_GN_URI) {
      snprintf(det, detsz, "an id-ad-ocsp accessLocation that is not a URI");
      return CASC_LINT_FAIL;
    }
  return CASC_LINT_PASS;
}

static casc_lint_result run_crldp_non_uri(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->crldp.present || c->crldp.n_uri > 0)
    return c->crldp.present ? CASC_LINT_PASS : CASC_LINT_NA;
  snprintf(det, detsz, "cRLDistributionPoints without any URI");
  return CASC_LINT_FAIL;
}

/* --- issuerAltName: the same syntax rules (RFC 5280 4.2.1.7 refers to 4.2.1.6) --- */
static const char *ian_problem(const casc_lint_gn *g, int what) {
  switch (what) {
  case 0: /* empty value */
    if ((g->type == CASC_GN_DNS || g->type == CASC_GN_EMAIL || g->type == CASC_GN_URI) &&
        g->value.len == 0)
      return "an empty name";
    break;
  case 1: /* dNSName " " */
    if (g->type == CASC_GN_DNS && g->value.len == 1 && g->value.p[0] == ' ')
      return "dNSName \" \"";
    break;
  case 2: /* dNSName syntax */
    if (g->type == CASC_GN_DNS && g->value.len > 1)
      for (int k = 0; k <= 5; k++) {
        const char *why = dns_problem(g->value, k);
        if (why != NULL)
          return why;
      }
    break;
  case 3: /* rfc822Name */
    if (g->type == CASC_GN_EMAIL && g->value.len > 0) {
      const unsigned char *at = memchr(g->value.p, '@', g->value.len);
      size_t local = at ? (size_t)(at - g->value.p) : 0;
      if (at == NULL || local == 0 || local + 1 >= g->value.len || !ascii_printable(g->value))
        return "an rfc822Name that is not local-part@domain";
    }
    break;
  case 4: /* URI */
    if (g->type == CASC_GN_URI && g->value.len > 0 && !uri_ok(g->value))
      return "a URI that is not absolute";
    break;
  }
  return NULL;
}

static casc_lint_result ian_lint(const casc_lint_input *in, int what, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!c->ian.present)
    return CASC_LINT_NA;
  for (size_t i = 0; i < c->ian.n; i++) {
    const char *why = ian_problem(&c->ian.gn[i], what);
    if (why != NULL) {
      snprintf(det, detsz, "issuerAltName has %s", why);
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

#define IAN_LINT(fn, k)                                                                            \
  static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz) {                 \
    return ian_lint(in, k, det, detsz);                                                            \
  }
IAN_LINT(run_ian_empty, 0)
IAN_LINT(run_ian_space, 1)
IAN_LINT(run_ian_dns, 2)
IAN_LINT(run_ian_email, 3)
IAN_LINT(run_ian_uri, 4)

static casc_lint_result run_ian_no_entries(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  const casc_lint_ext *x = c->by_id[CASC_LINT_EXT_IAN];
  if (x == NULL || !x->decoded_ok)
    return CASC_LINT_NA;
  if (c->ian.n > 0)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "issuerAltName without any name");
  return CASC_LINT_FAIL;
}

#define L(nm, al, lv, cit, fn)                                                                     \
  {.name = nm, .alias = al, .level = lv, .citation = cit, .source = CASC_LINT_SRC_RFC5280,         \
   .kind = CASC_LINT_KIND_CERT, .run = fn}
#define E CASC_LINT_ERROR
#define W CASC_LINT_WARN

const casc_lint casc_lints_cert_rfc5280_gn[] = {
    L("e_san_dns_bad_character", "e_dnsname_bad_character_in_label", E,
      "RFC 5280 4.2.1.6; RFC 1034 3.5", run_dns_chars),
    L("e_san_dns_label_too_long", "e_dnsname_label_too_long", E, "RFC 5280 4.2.1.6; RFC 1034 3.1",
      run_dns_label_len),
    L("e_san_dns_empty_label", "e_dnsname_empty_label", E, "RFC 5280 4.2.1.6; RFC 1034 3.5",
      run_dns_empty_label),
    L("e_san_dns_too_long", "e_ext_san_dns_name_too_long", E, "RFC 5280 4.2.1.6; RFC 1034 3.1", run_dns_total_len),
    L("e_san_dns_wildcard_not_leftmost", "e_dnsname_wildcard_only_in_left_label", E,
      "RFC 6125 6.4.3; TLS BR 7.1.2.7.12", run_dns_wildcard),
    L("e_san_dns_hyphen_at_label_edge", NULL, E,
      "RFC 5280 4.2.1.6; RFC 1034 3.5", run_dns_hyphen),
    L("e_san_dns_space", "e_ext_san_space_dns_name", E, "RFC 5280 4.2.1.6", run_dns_space),
    L("e_san_dns_bare_wildcard", "e_san_bare_wildcard", E, "RFC 6125 6.4.3; RFC 5280 4.2.1.6",
      run_dns_bare_wildcard),
    {.name = "n_san_duplicate_name", .alias = "n_san_dns_name_duplicate",
     .level = CASC_LINT_NOTICE, .citation = "RFC 5280 4.2.1.6", .source = CASC_LINT_SRC_RFC5280,
     .kind = CASC_LINT_KIND_CERT, .run = run_san_duplicate},
    L("e_san_empty_value", "e_ext_san_empty_name", E, "RFC 5280 4.2.1.6", run_san_empty_value),
    L("e_san_rfc822_syntax", "e_ext_san_rfc822_format_invalid", E,
      "RFC 5280 4.2.1.6; RFC 5322 3.4.1", run_email_syntax),
    L("e_san_ip_length", NULL, E, "RFC 5280 4.2.1.6", run_ip_length),
    L("e_san_uri_syntax", "e_ext_san_uri_format_invalid", E, "RFC 5280 4.2.1.6; RFC 3986 4.3",
      run_san_uri),
    L("e_ian_no_entries", "e_ext_ian_no_entries", E, "RFC 5280 4.2.1.7", run_ian_no_entries),
    L("e_ian_empty_value", "e_ext_ian_empty_name", E, "RFC 5280 4.2.1.7, 4.2.1.6", run_ian_empty),
    L("e_ian_dns_space", "e_ext_ian_space_dns_name", E, "RFC 5280 4.2.1.7, 4.2.1.6",
      run_ian_space),
    L("e_ian_dns_syntax", NULL, E, "RFC 5280 4.2.1.7, 4.2.1.6; RFC 1034 3.5", run_ian_dns),
    L("e_ian_rfc822_syntax", "e_ext_ian_rfc822_format_invalid", E, "RFC 5280 4.2.1.7, 4.2.1.6",
      run_ian_email),
    L("e_ian_uri_syntax", "e_ext_ian_uri_format_invalid", E, "RFC 5280 4.2.1.7; RFC 3986",
      run_ian_uri),
    L("e_crldp_uri_syntax", NULL, E, "RFC 5280 4.2.1.13; RFC 3986", run_crldp_uri),
    L("w_crldp_no_uri", "w_distribution_point_missing_ldap_or_uri", W, "RFC 5280 4.2.1.13", run_crldp_non_uri),
    L("e_info_access_uri_syntax", NULL, E, "RFC 5280 4.2.2.1, 4.2.2.2; RFC 3986", run_aia_uri),
    L("w_aia_ca_issuers_not_http", NULL, W, "RFC 5280 4.2.2.1", run_aia_ca_issuers_http),
    L("w_aia_ocsp_not_uri", NULL, W, "RFC 5280 4.2.2.1", run_aia_ocsp_uri),
};
CASC_LINT_TABLE(casc_lints_cert_rfc5280_gn);
