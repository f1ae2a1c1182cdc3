/* TLS BR 7.1.4 names and 7.1.2.7.12 subjectAltName: dNSName syntax
 * (LDH labels, wildcards, underscores, A-labels, internal names), reserved
 * IP addresses, the commonName and its SAN, subject attributes allowed or
 * required by the validation policy, their order and string types. */
#include "cert_br_util.h"

#include <stdio.h>
#include <string.h>

/* --- applicability ------------------------------------------------------------ */
static bool tls_sub(const casc_lint_input *in) { return casc_br_applies_tls_or_precert(in); }
static bool tls_sub_san(const casc_lint_input *in) {
  return tls_sub(in) && in->cert->san.present;
}
static bool tls_any(const casc_lint_input *in) {
  return casc_br_applies_tls_any(in) || casc_br_applies_precert(in);
}
static bool tls_ca(const casc_lint_input *in) { return casc_br_applies_tls_ca(in); }

/* --- dNSNames -------------------------------------------------------------------- */
/* The first SAN dNSName with any of the fault bits, or PASS. */
static casc_lint_result dns_fault(const casc_lint_input *in, char *det, size_t detsz,
                                  uint32_t bits, const char *what) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 0; i < c->san.n; i++) {
    const casc_lint_gn *g = &c->san.gn[i];
    if (g->type != CASC_GN_DNS)
      continue;
    if (casc_br_dns_check(g->value.p, g->value.len) & bits) {
      char pre[96];
      snprintf(pre, sizeof pre, "%s: ", what);
      casc_br_det_bytes(det, detsz, pre, g->value);
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

#define DNS_RUN(fn, bits, what)                                                                    \
  static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz) {                  \
    return dns_fault(in, det, detsz, (bits), (what));                                              \
  }
DNS_RUN(run_bad_char, CASC_BR_DNS_BAD_CHAR, "a label has a character outside letters, digits, '-'")
DNS_RUN(run_empty_label, CASC_BR_DNS_EMPTY_LABEL | CASC_BR_DNS_EMPTY, "empty label")
DNS_RUN(run_label_long, CASC_BR_DNS_LABEL_TOO_LONG, "a label longer than 63 octets")
DNS_RUN(run_hyphen_sld, CASC_BR_DNS_HYPHEN_SLD, "the label left of the TLD begins or ends with '-'")
DNS_RUN(run_underscore_sld, CASC_BR_DNS_UNDERSCORE_SLD, "underscore in the registrable label")
DNS_RUN(run_underscore_trd, CASC_BR_DNS_UNDERSCORE_TRD, "underscore in a subdomain label")
DNS_RUN(run_underscore_any, CASC_BR_DNS_UNDERSCORE_SLD | CASC_BR_DNS_UNDERSCORE_TRD, "underscore")
DNS_RUN(run_wild_partial, CASC_BR_DNS_WILDCARD_PARTIAL, "a partial wildcard label")
DNS_RUN(run_wild_not_first, CASC_BR_DNS_WILDCARD_NOT_FIRST, "a wildcard outside the first label")
DNS_RUN(run_bare_wild, CASC_BR_DNS_BARE_WILDCARD, "a wildcard with only a TLD to its right")
DNS_RUN(run_nul, CASC_BR_DNS_NUL, "a NUL character")
DNS_RUN(run_period, CASC_BR_DNS_STARTS_PERIOD, "starts with a period")
DNS_RUN(run_too_long, CASC_BR_DNS_TOO_LONG, "longer than 253 octets")
DNS_RUN(run_space, CASC_BR_DNS_SPACE, "a space")
DNS_RUN(run_reserved_label, CASC_BR_DNS_RESERVED_LABEL, "a reserved LDH label (ab--, not xn--)")
DNS_RUN(run_bad_alabel, CASC_BR_DNS_BAD_ALABEL, "an xn-- label that is not valid Punycode")
DNS_RUN(run_internal, CASC_BR_DNS_INTERNAL, "an Internal Name")
DNS_RUN(run_reverse_zone, CASC_BR_DNS_REVERSE_ZONE, "a name in an IP reverse zone")
DNS_RUN(run_numeric_tld, CASC_BR_DNS_NUMERIC_TLD, "an all-numeric TLD (an IP address as dNSName)")

/* --- IP addresses ------------------------------------------------------------------ */
static casc_lint_result run_san_reserved_ip(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 0; i < c->san.n; i++) {
    const casc_lint_gn *g = &c->san.gn[i];
    if (g->type == CASC_GN_IP && casc_br_ip_reserved(g->value.p, g->value.len)) {
      snprintf(det, detsz, "SAN iPAddress %zu (%zu octets) is reserved", i, g->value.len);
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

static casc_lint_result run_cn_reserved_ip(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_name *n = &in->cert->subject;
  for (size_t i = 0; i < n->n_attr; i++) {
    if (!CASC_LINT_OID_IS(n->attr[i].type, CASC_OID_AT_CN))
      continue;
    unsigned char ip[16];
    size_t len;
    if (casc_br_parse_ip(n->attr[i].value.p, n->attr[i].value.len, ip, &len) &&
        casc_br_ip_reserved(ip, len)) {
      casc_br_det_bytes(det, detsz, "commonName holds a reserved IP address: ", n->attr[i].value);
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

/* --- SAN presence and name types --------------------------------------------------- */
static casc_lint_result run_san_missing(const casc_lint_input *in, char *det, size_t detsz) {
  if (in->cert->san.present)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "no subjectAltName extension");
  return CASC_LINT_FAIL;
}

static casc_lint_result san_type(const casc_lint_input *in, char *det, size_t detsz,
                                 unsigned type, const char *what) {
  const casc_lint_cert *c = in->cert;
  for (size_t i = 0; i < c->san.n; i++)
    if (c->san.gn[i].type == type) {
      snprintf(det, detsz, "subjectAltName contains a %s", what);
      return CASC_LINT_FAIL;
    }
  return CASC_LINT_PASS;
}
#define SAN_TYPE_RUN(fn, t, what)                                                                  \
  static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz) {                  \
    return san_type(in, det, detsz, (t), (what));                                                  \
  }
SAN_TYPE_RUN(run_san_dirname, CASC_GN_DIRNAME, "directoryName")
SAN_TYPE_RUN(run_san_edi, CASC_GN_EDI, "ediPartyName")
SAN_TYPE_RUN(run_san_other, CASC_GN_OTHER, "otherName")
SAN_TYPE_RUN(run_san_rid, CASC_GN_RID, "registeredID")
SAN_TYPE_RUN(run_san_email, CASC_GN_EMAIL, "rfc822Name")
SAN_TYPE_RUN(run_san_uri, CASC_GN_URI, "uniformResourceIdentifier")
SAN_TYPE_RUN(run_san_x400, CASC_GN_X400, "x400Address")

static casc_lint_result run_san_criticality(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_ext *x = casc_lint_cert_ext(in->cert, CASC_LINT_EXT_SAN);
  bool empty_subject = in->cert->subject.n_rdn == 0;
  if (x == NULL || x->critical == empty_subject)
    return CASC_LINT_PASS;
  snprintf(det, detsz, empty_subject ? "subject is empty but subjectAltName is not critical"
                                     : "subject is not empty but subjectAltName is critical");
  return CASC_LINT_FAIL;
}

/* --- commonName ------------------------------------------------------------------- */
static size_t count_attr(const casc_lint_name *n, const char *oid, size_t oid_len) {
  size_t k = 0;
  for (size_t i = 0; i < n->n_attr; i++)
    if (n->attr[i].type.len == oid_len && memcmp(n->attr[i].type.p, oid, oid_len) == 0)
      k++;
  return k;
}
#define COUNT_ATTR(n, lit) count_attr((n), (lit), sizeof(lit) - 1)

/* Whether a CN value is among the SAN entries: a dNSName equal ignoring
 * ASCII case (exact: byte for byte), or an iPAddress the CN spells. */
static bool cn_in_san(const casc_lint_cert *c, casc_lint_bytes v, bool exact) {
  unsigned char ip[16];
  size_t iplen = 0;
  bool is_ip = casc_br_parse_ip(v.p, v.len, ip, &iplen);
  for (size_t i = 0; i < c->san.n; i++) {
    const casc_lint_gn *g = &c->san.gn[i];
    if (g->type == CASC_GN_DNS) {
      if (exact ? casc_lint_bytes_eq(g->value, v) : casc_br_ascii_eq(g->value.p, g->value.len, v.p, v.len))
        return true;
    } else if (g->type == CASC_GN_IP && is_ip && g->value.len == iplen &&
               memcmp(g->value.p, ip, iplen) == 0) {
      return true;
    }
  }
  return false;
}

static casc_lint_result cn_from_san(const casc_lint_input *in, char *det, size_t detsz,
                                    bool exact) {
  const casc_lint_name *n = &in->cert->subject;
  for (size_t i = 0; i < n->n_attr; i++) {
    if (!CASC_LINT_OID_IS(n->attr[i].type, CASC_OID_AT_CN))
      continue;
    if (!cn_in_san(in->cert, n->attr[i].value, exact)) {
      casc_br_det_bytes(det, detsz,
                        exact ? "commonName is not byte for byte a SAN entry: "
                              : "commonName is not in the subjectAltName: ",
                        n->attr[i].value);
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}
static casc_lint_result run_cn_from_san(const casc_lint_input *in, char *det, size_t detsz) {
  return cn_from_san(in, det, detsz, false);
}
static casc_lint_result run_cn_exact(const casc_lint_input *in, char *det, size_t detsz) {
  return cn_from_san(in, det, detsz, true);
}

static casc_lint_result run_cn_included(const casc_lint_input *in, char *det, size_t detsz) {
  if (CASC_LINT_NAME_FIND(&in->cert->subject, CASC_OID_AT_CN) == NULL)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "subject:commonName is present (NOT RECOMMENDED)");
  return CASC_LINT_FAIL;
}

static casc_lint_result run_extra_cn(const casc_lint_input *in, char *det, size_t detsz) {
  size_t k = COUNT_ATTR(&in->cert->subject, CASC_OID_AT_CN);
  if (k <= 1)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "%zu commonName attributes", k);
  return CASC_LINT_FAIL;
}

/* --- subject attributes by validation policy ---------------------------------------- */
#define HAS(c, lit) (CASC_LINT_NAME_FIND(&(c)->subject, lit) != NULL)

static bool dv(const casc_lint_input *in) {
  return tls_sub(in) && CASC_BR_HAS_POLICY(in->cert, CASC_OID_BR_DV);
}
static bool ov(const casc_lint_input *in) {
  return tls_sub(in) && CASC_BR_HAS_POLICY(in->cert, CASC_OID_BR_OV);
}
static bool iv(const casc_lint_input *in) {
  return tls_sub(in) && CASC_BR_HAS_POLICY(in->cert, CASC_OID_BR_IV);
}

static casc_lint_result absent(const casc_lint_input *in, char *det, size_t detsz,
                               const char *oid, size_t oid_len, const char *what) {
  if (casc_lint_name_find(&in->cert->subject, oid, oid_len) == NULL)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "subject:%s is present", what);
  return CASC_LINT_FAIL;
}
#define ABSENT_RUN(fn, lit, what)                                                                  \
  static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz) {                  \
    return absent(in, det, detsz, (lit), sizeof(lit) - 1, (what));                                 \
  }
ABSENT_RUN(run_no_o, CASC_OID_AT_O, "organizationName")
ABSENT_RUN(run_no_l, CASC_OID_AT_L, "localityName")
ABSENT_RUN(run_no_st, CASC_OID_AT_ST, "stateOrProvinceName")
ABSENT_RUN(run_no_street, CASC_OID_AT_STREET, "streetAddress")
ABSENT_RUN(run_no_postal, CASC_OID_AT_POSTAL_CODE, "postalCode")
ABSENT_RUN(run_no_ou, CASC_OID_AT_OU, "organizationalUnitName")

static casc_lint_result run_dv_only_c_cn(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_name *n = &in->cert->subject;
  for (size_t i = 0; i < n->n_attr; i++)
    if (!CASC_LINT_OID_IS(n->attr[i].type, CASC_OID_AT_C) &&
        !CASC_LINT_OID_IS(n->attr[i].type, CASC_OID_AT_CN)) {
      char oid[64];
      snprintf(det, detsz, "DV subject has attribute %s",
               casc_lint_oid_str(n->attr[i].type, oid, sizeof oid));
      return CASC_LINT_FAIL;
    }
  return CASC_LINT_PASS;
}

static casc_lint_result need(bool ok, char *det, size_t detsz, const char *what) {
  if (ok)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "%s", what);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_need_o(const casc_lint_input *in, char *det, size_t detsz) {
  return need(HAS(in->cert, CASC_OID_AT_O), det, detsz, "subject:organizationName is missing");
}
static casc_lint_result run_need_c(const casc_lint_input *in, char *det, size_t detsz) {
  return need(HAS(in->cert, CASC_OID_AT_C), det, detsz, "subject:countryName is missing");
}
static casc_lint_result run_need_l_or_st(const casc_lint_input *in, char *det, size_t detsz) {
  return need(HAS(in->cert, CASC_OID_AT_L) || HAS(in->cert, CASC_OID_AT_ST), det, detsz,
              "neither subject:localityName nor subject:stateOrProvinceName is present");
}
static casc_lint_result run_need_person(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  return need(HAS(c, CASC_OID_AT_O) ||
                  (HAS(c, CASC_OID_AT_GIVEN_NAME) && HAS(c, CASC_OID_AT_SURNAME)),
              det, detsz, "neither organizationName nor givenName and surname are present");
}

static bool identity(const casc_lint_cert *c) {
  return HAS(c, CASC_OID_AT_O) || HAS(c, CASC_OID_AT_GIVEN_NAME) || HAS(c, CASC_OID_AT_SURNAME);
}

static casc_lint_result run_given_needs_iv(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_cert *c = in->cert;
  if (!HAS(c, CASC_OID_AT_GIVEN_NAME) && !HAS(c, CASC_OID_AT_SURNAME))
    return CASC_LINT_PASS;
  return need(CASC_BR_HAS_POLICY(c, CASC_OID_BR_IV), det, detsz,
              "givenName or surname without the IV policy 2.23.140.1.2.3");
}

static casc_lint_result without_identity(const casc_lint_input *in, char *det, size_t detsz,
                                         const char *oid, size_t oid_len, const char *what) {
  if (identity(in->cert))
    return CASC_LINT_PASS;
  return absent(in, det, detsz, oid, oid_len, what);
}
#define NOID_RUN(fn, lit, what)                                                                    \
  static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz) {                  \
    return without_identity(in, det, detsz, (lit), sizeof(lit) - 1, (what));                       \
  }
NOID_RUN(run_l_without_id, CASC_OID_AT_L, "localityName without organization or personal name")
NOID_RUN(run_st_without_id, CASC_OID_AT_ST, "stateOrProvinceName without organization or personal name")
NOID_RUN(run_postal_without_id, CASC_OID_AT_POSTAL_CODE, "postalCode without organization or personal name")
NOID_RUN(run_street_without_id, CASC_OID_AT_STREET, "streetAddress without organization or personal name")

static casc_lint_result run_c_with_id(const casc_lint_input *in, char *det, size_t detsz) {
  if (!identity(in->cert))
    return CASC_LINT_PASS;
  return run_need_c(in, det, detsz);
}

/* Before SC-62 (BR 1.x 7.1.4.2.2 d, e): with an organization or a personal
 * name, a locality or a state or province. */
static casc_lint_result run_l_or_st_with_id(const casc_lint_input *in, char *det, size_t detsz) {
  if (!identity(in->cert))
    return CASC_LINT_PASS;
  return run_need_l_or_st(in, det, detsz);
}

static casc_lint_result run_ou_without_o(const casc_lint_input *in, char *det, size_t detsz) {
  if (HAS(in->cert, CASC_OID_AT_O))
    return CASC_LINT_PASS;
  return run_no_ou(in, det, detsz);
}

/* --- subject values and encoding ------------------------------------------------------ */
static casc_lint_result run_country_iso(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_name *n = &in->cert->subject;
  for (size_t i = 0; i < n->n_attr; i++)
    if (CASC_LINT_OID_IS(n->attr[i].type, CASC_OID_AT_C) &&
        !casc_br_country_valid(n->attr[i].value.p, n->attr[i].value.len)) {
      casc_br_det_bytes(det, detsz, "countryName is not an ISO 3166-1 code: ", n->attr[i].value);
      return CASC_LINT_FAIL;
    }
  return CASC_LINT_PASS;
}

/* A value that only says "omitted": made of '.', '-' and spaces, or "N/A". */
static bool noninformational(casc_lint_bytes v) {
  if (casc_br_ascii_eq(v.p, v.len, (const unsigned char *)"n/a", 3))
    return true;
  for (size_t i = 0; i < v.len; i++)
    if (v.p[i] != '.' && v.p[i] != '-' && v.p[i] != ' ')
      return false;
  return true;
}

static casc_lint_result run_noninformational(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_name *n = &in->cert->subject;
  for (size_t i = 0; i < n->n_attr; i++)
    if (noninformational(n->attr[i].value)) {
      casc_br_det_bytes(det, detsz, "subject attribute only marks an omission: ",
                        n->attr[i].value);
      return CASC_LINT_FAIL;
    }
  return CASC_LINT_PASS;
}

static casc_lint_result run_duplicate_attr(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_name *n = &in->cert->subject;
  for (size_t i = 0; i < n->n_attr; i++) {
    /* domainComponent and streetAddress may repeat (7.1.4.1) */
    if (CASC_LINT_OID_IS(n->attr[i].type, CASC_OID_AT_DC) ||
        CASC_LINT_OID_IS(n->attr[i].type, CASC_OID_AT_STREET))
      continue;
    for (size_t j = i + 1; j < n->n_attr; j++)
      if (casc_lint_bytes_eq(n->attr[i].type, n->attr[j].type)) {
        char oid[64];
        snprintf(det, detsz, "attribute %s appears more than once",
                 casc_lint_oid_str(n->attr[i].type, oid, sizeof oid));
        return CASC_LINT_FAIL;
      }
  }
  return CASC_LINT_PASS;
}

static casc_lint_result run_multi_rdn(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_name *n = &in->cert->subject;
  for (size_t i = 0; i < n->n_attr; i++)
    if (n->attr[i].multi) {
      snprintf(det, detsz, "RDN %u holds more than one attribute", n->attr[i].rdn);
      return CASC_LINT_FAIL;
    }
  return CASC_LINT_PASS;
}

/* 7.1.4.2: the relative order of the attributes it lists; 0 = unlisted. */
static int order_rank(casc_lint_bytes t) {
  static const struct {
    const char *oid;
    size_t len;
  } order[] = {
#define O(lit) {lit, sizeof(lit) - 1}
      O(CASC_OID_AT_DC),     O(CASC_OID_AT_C),          O(CASC_OID_AT_ST),
      O(CASC_OID_AT_L),      O(CASC_OID_AT_POSTAL_CODE), O(CASC_OID_AT_STREET),
      O(CASC_OID_AT_O),      O(CASC_OID_AT_SURNAME),    O(CASC_OID_AT_GIVEN_NAME),
      O(CASC_OID_AT_OU),     O(CASC_OID_AT_CN),
#undef O
  };
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
    if (t.len == order[i].len && memcmp(t.p, order[i].oid, t.len) == 0)
      return (int)i + 1;
  return 0;
}

static casc_lint_result run_rdn_order(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_name *n = &in->cert->subject;
  int last = 0;
  for (size_t i = 0; i < n->n_attr; i++) {
    int r = order_rank(n->attr[i].type);
    if (r == 0)
      continue;
    if (r < last) {
      char oid[64];
      snprintf(det, detsz, "attribute %s is out of the order of BR 7.1.4.2",
               casc_lint_oid_str(n->attr[i].type, oid, sizeof oid));
      return CASC_LINT_FAIL;
    }
    last = r;
  }
  return CASC_LINT_PASS;
}

static casc_lint_result run_rdn_encoding(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_name *n = &in->cert->subject;
  for (size_t i = 0; i < n->n_attr; i++) {
    const casc_lint_attr *a = &n->attr[i];
    bool ok = true;
    if (CASC_LINT_OID_IS(a->type, CASC_OID_AT_C) ||
        CASC_LINT_OID_IS(a->type, CASC_OID_AT_SERIAL_NUMBER) ||
        CASC_LINT_OID_IS(a->type, CASC_OID_AT_JOI_C))
      ok = a->tag == 0x13;
    else if (CASC_LINT_OID_IS(a->type, CASC_OID_AT_DC))
      ok = a->tag == 0x16;
    else if (order_rank(a->type) != 0 || CASC_LINT_OID_IS(a->type, CASC_OID_AT_BUSINESS_CATEGORY) ||
             CASC_LINT_OID_IS(a->type, CASC_OID_AT_ORG_ID))
      ok = a->tag == 0x13 || a->tag == 0x0c;
    if (!ok) {
      char oid[64];
      snprintf(det, detsz, "attribute %s has string tag 0x%02x",
               casc_lint_oid_str(a->type, oid, sizeof oid), a->tag);
      return CASC_LINT_FAIL;
    }
  }
  return CASC_LINT_PASS;
}

/* --- CA names (7.1.2.10.2) ------------------------------------------------------- */
static casc_lint_result run_ca_cn(const casc_lint_input *in, char *det, size_t detsz) {
  return need(HAS(in->cert, CASC_OID_AT_CN), det, detsz, "CA subject has no commonName");
}
static casc_lint_result run_ca_c(const casc_lint_input *in, char *det, size_t detsz) {
  return need(HAS(in->cert, CASC_OID_AT_C), det, detsz, "CA subject has no countryName");
}
static casc_lint_result run_ca_o(const casc_lint_input *in, char *det, size_t detsz) {
  return need(HAS(in->cert, CASC_OID_AT_O), det, detsz, "CA subject has no organizationName");
}

#define BR_LINT(nm, al, lv, cit, eff, app, fn)                                                     \
  {.name = nm, .alias = al, .level = lv, .citation = cit, .source = CASC_LINT_SRC_TLSBR,           \
   .effective = eff, .kind = CASC_LINT_KIND_CERT, .applies = app, .run = fn}
#define E CASC_LINT_ERROR
#define W CASC_LINT_WARN
#define SAME(n) n, n
#define BRL(...) BR_LINT(__VA_ARGS__)

const casc_lint casc_lints_cert_br_names[] = {
    /* dNSName syntax */
    BRL(SAME("e_dnsname_bad_character_in_label"), E, "TLS BR 7.1.2.7.12", CASC_BR_V1, tls_sub_san, run_bad_char),
    BRL(SAME("e_dnsname_empty_label"), E, "TLS BR 7.1.2.7.12", CASC_BR_V1, tls_sub_san, run_empty_label),
    BRL(SAME("e_dnsname_label_too_long"), E, "TLS BR 7.1.2.7.12; RFC 1035", CASC_BR_V1, tls_sub_san, run_label_long),
    BRL(SAME("e_dnsname_hyphen_in_sld"), E, "TLS BR 7.1.2.7.12", CASC_BR_V1, tls_sub_san, run_hyphen_sld),
    BRL(SAME("e_dnsname_underscore_in_sld"), E, "TLS BR 7.1.4.2.1", CASC_BR_V1, tls_sub_san, run_underscore_sld),
    BRL(SAME("w_dnsname_underscore_in_trd"), W, "TLS BR 7.1.4.2.1", CASC_BR_V1, tls_sub_san, run_underscore_trd),
    BRL(SAME("e_underscore_not_permissible_in_dnsname"), E, "TLS BR 7.1.4.2.1 (SC-12)",
            CASC_BR_DATE(2019, 4, 1), tls_sub_san, run_underscore_any),
    BRL(SAME("e_dnsname_left_label_wildcard_correct"), E, "TLS BR 1.6.1 Wildcard Domain Name", CASC_BR_V1, tls_sub_san, run_wild_partial),
    BRL(SAME("e_dnsname_wildcard_only_in_left_label"), E, "TLS BR 1.6.1 Wildcard Domain Name", CASC_BR_V1, tls_sub_san, run_wild_not_first),
    BRL(SAME("e_san_wildcard_not_first"), E, "TLS BR 7.1.2.7.12", CASC_BR_V1, tls_sub_san, run_wild_not_first),
    BRL(SAME("e_san_bare_wildcard"), E, "TLS BR 3.2.2.6", CASC_BR_V1, tls_sub_san, run_bare_wild),
    BRL(SAME("e_san_dns_name_includes_null_char"), E, "TLS BR 7.1.2.7.12", CASC_BR_V1, tls_sub_san, run_nul),
    BRL(SAME("e_san_dns_name_starts_with_period"), E, "TLS BR 7.1.2.7.12", CASC_BR_V1, tls_sub_san, run_period),
    BRL(SAME("e_ext_san_dns_name_too_long"), E, "TLS BR 7.1.2.7.12; RFC 1035", CASC_BR_V1, tls_sub_san, run_too_long),
    BRL(SAME("e_ext_san_space_dns_name"), E, "TLS BR 7.1.2.7.12", CASC_BR_V1, tls_sub_san, run_space),
    BRL(SAME("e_dnsname_contains_prohibited_reserved_label"), E, "TLS BR 7.1.2.7.12 (P-Label, Non-Reserved LDH Label)",
            CASC_BR_SC62, tls_sub_san, run_reserved_label),
    BRL(SAME("e_international_dns_name_not_unicode"), E, "TLS BR 7.1.2.7.12; RFC 3492", CASC_BR_V1, tls_sub_san, run_bad_alabel),
    BR_LINT("e_br_dnsname_internal_name", NULL, E, "TLS BR 4.2.2; 7.1.2.7.12 (Internal Name)",
            CASC_BR_DATE(2015, 11, 1), tls_sub_san, run_internal),
    BRL(SAME("e_arpa_domain_not_allowed"), E, "TLS BR 4.2.2 (IP Reverse Zone Suffix)",
            CASC_BR_SC62, tls_sub_san, run_reverse_zone),
    BR_LINT("e_br_dnsname_is_ip_address", NULL, E, "TLS BR 7.1.2.7.12", CASC_BR_SC62, tls_sub_san,
            run_numeric_tld),
    /* IP addresses */
    BRL(SAME("e_ext_san_contains_reserved_ip"), E, "TLS BR 7.1.2.7.12 (Reserved IP Address)",
            CASC_BR_DATE(2015, 11, 1), tls_sub_san, run_san_reserved_ip),
    BRL(SAME("e_subject_contains_reserved_ip"), E, "TLS BR 7.1.4.3 (Reserved IP Address)",
            CASC_BR_DATE(2015, 11, 1), tls_sub, run_cn_reserved_ip),
    /* SAN */
    BRL(SAME("e_ext_san_missing"), E, "TLS BR 7.1.2.7.6", CASC_BR_V1, tls_sub, run_san_missing),
    BRL(SAME("e_ext_san_directory_name_present"), E, "TLS BR 7.1.2.7.12", CASC_BR_V1, tls_sub_san, run_san_dirname),
    BRL(SAME("e_ext_san_edi_party_name_present"), E, "TLS BR 7.1.2.7.12", CASC_BR_V1, tls_sub_san, run_san_edi),
    BRL(SAME("e_ext_san_other_name_present"), E, "TLS BR 7.1.2.7.12", CASC_BR_V1, tls_sub_san, run_san_other),
    BRL(SAME("e_ext_san_registered_id_present"), E, "TLS BR 7.1.2.7.12", CASC_BR_V1, tls_sub_san, run_san_rid),
    BRL(SAME("e_ext_san_rfc822_name_present"), E, "TLS BR 7.1.2.7.12", CASC_BR_V1, tls_sub_san, run_san_email),
    BRL(SAME("e_ext_san_uniform_resource_identifier_present"), E, "TLS BR 7.1.2.7.12", CASC_BR_V1, tls_sub_san, run_san_uri),
    BR_LINT("e_ext_san_x400_address_present", NULL, E, "TLS BR 7.1.2.7.12", CASC_BR_V1, tls_sub_san, run_san_x400),
    BR_LINT("e_br_san_criticality", NULL, E, "TLS BR 7.1.2.7.12", CASC_BR_SC62, tls_sub_san, run_san_criticality),
    /* commonName */
    BRL(SAME("e_subject_common_name_not_from_san"), E, "TLS BR 7.1.4.3", CASC_BR_V1, tls_sub, run_cn_from_san),
    BRL(SAME("e_subject_common_name_not_exactly_from_san"), E, "TLS BR 7.1.4.3 (SC-62)", CASC_BR_SC62, tls_sub, run_cn_exact),
    BRL(SAME("w_subject_common_name_included"), W, "TLS BR 7.1.2.7.2", CASC_BR_SC62, tls_sub, run_cn_included),
    BRL(SAME("w_extra_subject_common_names"), W, "TLS BR 7.1.4.3", CASC_BR_V1, tls_sub, run_extra_cn),
    /* subject by policy */
    BRL(SAME("e_cab_dv_conflicts_with_org"), E, "TLS BR 7.1.2.7.2", CASC_BR_V1, dv, run_no_o),
    BRL(SAME("e_cab_dv_conflicts_with_locality"), E, "TLS BR 7.1.2.7.2", CASC_BR_V1, dv, run_no_l),
    BRL(SAME("e_cab_dv_conflicts_with_province"), E, "TLS BR 7.1.2.7.2", CASC_BR_V1, dv, run_no_st),
    BRL(SAME("e_cab_dv_conflicts_with_street"), E, "TLS BR 7.1.2.7.2", CASC_BR_V1, dv, run_no_street),
    BRL(SAME("e_cab_dv_conflicts_with_postal"), E, "TLS BR 7.1.2.7.2", CASC_BR_V1, dv, run_no_postal),
    BRL(SAME("e_cab_dv_subject_invalid_values"), E, "TLS BR 7.1.2.7.2", CASC_BR_SC62, dv, run_dv_only_c_cn),
    BRL(SAME("e_cab_ov_requires_org"), E, "TLS BR 7.1.2.7.4", CASC_BR_V1, ov, run_need_o),
    BRL(SAME("e_cert_policy_ov_requires_country"), E, "TLS BR 7.1.2.7.4", CASC_BR_V1, ov, run_need_c),
    BRL(SAME("e_cert_policy_ov_requires_province_or_locality"), E, "TLS BR 7.1.2.7.4", CASC_BR_V1, ov, run_need_l_or_st),
    BRL(SAME("e_cab_iv_requires_personal_name"), E, "TLS BR 7.1.2.7.3", CASC_BR_V1, iv, run_need_person),
    BRL(SAME("e_cert_policy_iv_requires_country"), E, "TLS BR 7.1.2.7.3", CASC_BR_V1, iv, run_need_c),
    BRL(SAME("e_cert_policy_iv_requires_province_or_locality"), E, "TLS BR 7.1.2.7.3", CASC_BR_V1, iv, run_need_l_or_st),
    BRL(SAME("e_sub_cert_given_name_surname_contains_correct_policy"), E, "TLS BR 7.1.4.2.2", CASC_BR_V1, tls_sub, run_given_needs_iv),
    BRL(SAME("e_sub_cert_locality_name_must_not_appear"), E, "TLS BR 7.1.4.2.2", CASC_BR_V1, tls_sub, run_l_without_id),
    BRL(SAME("e_sub_cert_province_must_not_appear"), E, "TLS BR 7.1.4.2.2", CASC_BR_V1, tls_sub, run_st_without_id),
    BRL(SAME("e_sub_cert_postal_code_must_not_appear"), E, "TLS BR 7.1.4.2.2", CASC_BR_V1, tls_sub, run_postal_without_id),
    BRL(SAME("e_sub_cert_street_address_should_not_exist"), E, "TLS BR 7.1.4.2.2", CASC_BR_V1, tls_sub, run_street_without_id),
    BRL(SAME("e_sub_cert_locality_name_must_appear"), E, "TLS BR 7.1.4.2.2 d (1.x)", CASC_BR_V1, tls_sub, run_l_or_st_with_id),
    BRL(SAME("e_sub_cert_province_must_appear"), E, "TLS BR 7.1.4.2.2 e (1.x)", CASC_BR_V1, tls_sub, run_l_or_st_with_id),
    BRL(SAME("e_sub_cert_country_name_must_appear"), E, "TLS BR 7.1.4.2.2", CASC_BR_V1, tls_sub, run_c_with_id),
    BRL(SAME("e_subject_contains_organizational_unit_name_and_no_organization_name"), E, "TLS BR 7.1.4.2.2", CASC_BR_V1, tls_sub, run_ou_without_o),
    BRL(SAME("e_organizational_unit_name_prohibited"), E, "TLS BR 7.1.4.2.2 i (SC-47)", CASC_BR_DATE(2022, 9, 1), tls_sub, run_no_ou),
    /* subject values and encoding */
    BRL(SAME("e_subject_country_not_iso"), E, "TLS BR 7.1.4.2.2 n", CASC_BR_V1, tls_any, run_country_iso),
    BRL(SAME("e_subject_contains_noninformational_value"), E, "TLS BR 7.1.4.2.2 j", CASC_BR_V1, tls_any, run_noninformational),
    BRL(SAME("e_duplicate_subject_attribs"), E, "TLS BR 7.1.4.1", CASC_BR_SC62, tls_any, run_duplicate_attr),
    BR_LINT("e_br_subject_multi_valued_rdn", NULL, E, "TLS BR 7.1.4.1", CASC_BR_SC62, tls_any, run_multi_rdn),
    BRL(SAME("e_invalid_subject_rdn_order"), E, "TLS BR 7.1.4.2", CASC_BR_SC62, tls_any, run_rdn_order),
    BRL(SAME("e_subject_rdns_correct_encoding"), E, "TLS BR 7.1.4.2", CASC_BR_SC62, tls_any, run_rdn_encoding),
    /* CA subjects */
    BRL(SAME("e_ca_common_name_missing"), E, "TLS BR 7.1.2.10.2", CASC_BR_V1, tls_ca, run_ca_cn),
    BRL(SAME("e_ca_country_name_missing"), E, "TLS BR 7.1.2.10.2", CASC_BR_V1, tls_ca, run_ca_c),
    BRL(SAME("e_ca_country_name_invalid"), E, "TLS BR 7.1.2.10.2", CASC_BR_V1, tls_ca, run_country_iso),
    BRL(SAME("e_ca_organization_name_missing"), E, "TLS BR 7.1.2.10.2", CASC_BR_V1, tls_ca, run_ca_o),
    BRL(SAME("e_subj_orgunit_in_ca_cert"), E, "TLS BR 7.1.2.10.2", CASC_BR_SC62, tls_ca, run_no_ou),
};
CASC_LINT_TABLE(casc_lints_cert_br_names);
