/* RFC 5280 4.1.2.4/4.1.2.6 and Appendix A: the attributes of the issuer
 * and subject Names: string types, character sets, upper bounds. */
#include "casc/lint.h"

#include <stdio.h>
#include <string.h>

#define RFC5280_DATE CASC_LINT_DATE(2008, 5, 1)

enum {
  T_UTF8 = 0x0c,
  T_PRINTABLE = 0x13,
  T_TELETEX = 0x14,
  T_IA5 = 0x16,
  T_VISIBLE = 0x1a,
  T_UNIVERSAL = 0x1c,
  T_BMP = 0x1e,
};

static bool printable_char(unsigned char ch) {
  /* X.680 41.4: A-Z a-z 0-9 space ' ( ) + , - . / : = ? */
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
         (ch != 0 && strchr(" '()+,-./:=?", ch) != NULL);
}

static bool utf8_valid(casc_lint_bytes v) {
  size_t i = 0;
  while (i < v.len) {
    unsigned char c = v.p[i];
    size_t n;
    unsigned long cp;
    if (c < 0x80) {
      i++;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= n; k++) {
      if (i + k >= v.len || (v.p[i + k] & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (v.p[i + k] & 0x3f);
    }
    /* overlong forms, surrogates, beyond U+10FFFF */
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
      return false;
    i += n + 1;
  }
  return true;
}

static size_t chars(const casc_lint_attr *a) {
  switch (a->tag) {
  case T_BMP:
    return a->value.len / 2;
  case T_UNIVERSAL:
    return a->value.len / 4;
  case T_UTF8: {
    size_t n = 0;
    for (size_t i = 0; i < a->value.len; i++)
      n += (a->value.p[i] & 0xc0) != 0x80;
    return n;
  }
  default:
    return a->value.len;
  }
}

/* Calls check on every attribute of issuer and subject; the first failure wins. */
typedef bool (*attr_check)(const casc_lint_attr *a, char *why, size_t whysz);

static casc_lint_result each_attr(const casc_lint_input *in, attr_check check, char *det,
                                  size_t detsz) {
  const casc_lint_name *names[2] = {&in->cert->subject, &in->cert->issuer};
  static const char *which[2] = {"subject", "issuer"};
  char why[160];
  for (int n = 0; n < 2; n++)
    for (size_t i = 0; i < names[n]->n_attr; i++)
      if (!check(&names[n]->attr[i], why, sizeof why)) {
        char oid[48];
        snprintf(det, detsz, "%s attribute %s: %s", which[n],
                 casc_lint_oid_str(names[n]->attr[i].type, oid, sizeof oid), why);
        return CASC_LINT_FAIL;
      }
  return CASC_LINT_PASS;
}

static bool is_type(const casc_lint_attr *a, const char *oid, size_t len) {
  return a->type.len == len && memcmp(a->type.p, oid, len) == 0;
}
#define IS(a, lit) is_type((a), (lit), sizeof(lit) - 1)

static bool is_directory_string(const casc_lint_attr *a) {
  return IS(a, CASC_OID_AT_CN) || IS(a, CASC_OID_AT_O) || IS(a, CASC_OID_AT_OU) ||
         IS(a, CASC_OID_AT_L) || IS(a, CASC_OID_AT_ST) || IS(a, CASC_OID_AT_TITLE) ||
         IS(a, CASC_OID_AT_SURNAME) || IS(a, CASC_OID_AT_GIVEN_NAME) ||
         IS(a, CASC_OID_AT_STREET) || IS(a, CASC_OID_AT_POSTAL_CODE) ||
         IS(a, CASC_OID_AT_BUSINESS_CATEGORY) || IS(a, CASC_OID_AT_ORG_ID) ||
         IS(a, "\x55\x04\x2b") /* initials */ || IS(a, "\x55\x04\x2c") /* generationQualifier */ ||
         IS(a, "\x55\x04\x41") /* pseudonym */;
}

static bool chk_printable(const casc_lint_attr *a, char *why, size_t whysz) {
  if (a->tag != T_PRINTABLE)
    return true;
  for (size_t i = 0; i < a->value.len; i++)
    if (!printable_char(a->value.p[i])) {
      snprintf(why, whysz, "PrintableString with the character 0x%02x", a->value.p[i]);
      return false;
    }
  return true;
}

static bool chk_ia5(const casc_lint_attr *a, char *why, size_t whysz) {
  if (a->tag != T_IA5 && a->tag != T_VISIBLE)
    return true;
  for (size_t i = 0; i < a->value.len; i++)
    if (a->value.p[i] > 0x7e || (a->tag == T_VISIBLE && a->value.p[i] < 0x20)) {
      snprintf(why, whysz, "%s with the octet 0x%02x", a->tag == T_IA5 ? "IA5String" : "VisibleString",
               a->value.p[i]);
      return false;
    }
  return true;
}

static bool chk_utf8(const casc_lint_attr *a, char *why, size_t whysz) {
  if (a->tag != T_UTF8 || utf8_valid(a->value))
    return true;
  snprintf(why, whysz, "UTF8String that is not valid UTF-8");
  return false;
}

static bool chk_bmp_universal(const casc_lint_attr *a, char *why, size_t whysz) {
  if ((a->tag == T_BMP && a->value.len % 2) || (a->tag == T_UNIVERSAL && a->value.len % 4)) {
    snprintf(why, whysz, "%s of %zu octets", a->tag == T_BMP ? "BMPString" : "UniversalString",
             a->value.len);
    return false;
  }
  return true;
}

static bool chk_dirstring_type(const casc_lint_attr *a, char *why, size_t whysz) {
  if (!is_directory_string(a))
    return true;
  if (a->tag == T_UTF8 || a->tag == T_PRINTABLE || a->tag == T_TELETEX || a->tag == T_BMP ||
      a->tag == T_UNIVERSAL)
    return true;
  snprintf(why, whysz, "a DirectoryString of tag 0x%02x", a->tag);
  return false;
}

static bool chk_dirstring_modern(const casc_lint_attr *a, char *why, size_t whysz) {
  if (!is_directory_string(a) || a->tag == T_UTF8 || a->tag == T_PRINTABLE)
    return true;
  snprintf(why, whysz, "DirectoryString neither PrintableString nor UTF8String (tag 0x%02x)",
           a->tag);
  return false;
}

static bool chk_country(const casc_lint_attr *a, char *why, size_t whysz) {
  if (!IS(a, CASC_OID_AT_C) && !IS(a, CASC_OID_AT_JOI_C))
    return true;
  if (a->tag != T_PRINTABLE) {
    snprintf(why, whysz, "countryName is not a PrintableString");
    return false;
  }
  if (a->value.len != 2) {
    snprintf(why, whysz, "countryName of %zu characters, not 2", a->value.len);
    return false;
  }
  return true;
}

static bool chk_ia5_types(const casc_lint_attr *a, char *why, size_t whysz) {
  if ((IS(a, CASC_OID_AT_EMAIL) || IS(a, CASC_OID_AT_DC)) && a->tag != T_IA5) {
    snprintf(why, whysz, "%s is not an IA5String",
             IS(a, CASC_OID_AT_EMAIL) ? "emailAddress" : "domainComponent");
    return false;
  }
  return true;
}

static bool chk_serial_printable(const casc_lint_attr *a, char *why, size_t whysz) {
  if (IS(a, CASC_OID_AT_SERIAL_NUMBER) && a->tag != T_PRINTABLE) {
    snprintf(why, whysz, "serialNumber is not a PrintableString");
    return false;
  }
  return true;
}

static bool chk_empty(const casc_lint_attr *a, char *why, size_t whysz) {
  if (a->value.len > 0)
    return true;
  snprintf(why, whysz, "an empty value");
  return false;
}

static bool chk_leading_ws(const casc_lint_attr *a, char *why, size_t whysz) {
  if (a->value.len == 0 || a->value.p[0] != ' ' || a->tag == T_BMP || a->tag == T_UNIVERSAL)
    return true;
  snprintf(why, whysz, "value starts with a space");
  return false;
}

static bool chk_trailing_ws(const casc_lint_attr *a, char *why, size_t whysz) {
  if (a->value.len == 0 || a->value.p[a->value.len - 1] != ' ' || a->tag == T_BMP ||
      a->tag == T_UNIVERSAL)
    return true;
  snprintf(why, whysz, "value ends with a space");
  return false;
}

static bool chk_control(const casc_lint_attr *a, char *why, size_t whysz) {
  if (a->tag == T_BMP || a->tag == T_UNIVERSAL)
    return true;
  for (size_t i = 0; i < a->value.len; i++)
    if (a->value.p[i] < 0x20 || a->value.p[i] == 0x7f) {
      snprintf(why, whysz, "control character 0x%02x in the value", a->value.p[i]);
      return false;
    }
  return true;
}

/* Upper bounds of RFC 5280 Appendix A.1. */
static bool over(const casc_lint_attr *a, const char *oid, size_t oidlen, size_t ub,
                 const char *name, char *why, size_t whysz) {
  if (!is_type(a, oid, oidlen))
    return true;
  size_t n = chars(a);
  if (n <= ub)
    return true;
  snprintf(why, whysz, "%s of %zu characters, over %zu", name, n, ub);
  return false;
}
#define UB_CHECK(fn, lit, ub, name)                                                                \
  static bool fn(const casc_lint_attr *a, char *why, size_t whysz) {                               \
    return over(a, lit, sizeof(lit) - 1, ub, name, why, whysz);                                    \
  }
UB_CHECK(ub_cn, CASC_OID_AT_CN, 64, "commonName")
UB_CHECK(ub_o, CASC_OID_AT_O, 64, "organizationName")
UB_CHECK(ub_ou, CASC_OID_AT_OU, 64, "organizationalUnitName")
UB_CHECK(ub_l, CASC_OID_AT_L, 128, "localityName")
UB_CHECK(ub_st, CASC_OID_AT_ST, 128, "stateOrProvinceName")
UB_CHECK(ub_serial, CASC_OID_AT_SERIAL_NUMBER, 64, "serialNumber")
UB_CHECK(ub_postal, CASC_OID_AT_POSTAL_CODE, 40, "postalCode")
UB_CHECK(ub_email, CASC_OID_AT_EMAIL, 255, "emailAddress")
UB_CHECK(ub_title, CASC_OID_AT_TITLE, 64, "title")
UB_CHECK(ub_given, CASC_OID_AT_GIVEN_NAME, 16, "givenName")
UB_CHECK(ub_surname, CASC_OID_AT_SURNAME, 40, "surname")

#define ATTR_LINT(fn, check)                                                                       \
  static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz) {                 \
    return each_attr(in, check, det, detsz);                                                       \
  }
ATTR_LINT(run_printable, chk_printable)
ATTR_LINT(run_ia5, chk_ia5)
ATTR_LINT(run_utf8, chk_utf8)
ATTR_LINT(run_bmp_universal, chk_bmp_universal)
ATTR_LINT(run_dirstring_type, chk_dirstring_type)
ATTR_LINT(run_dirstring_modern, chk_dirstring_modern)
ATTR_LINT(run_country, chk_country)
ATTR_LINT(run_ia5_types, chk_ia5_types)
ATTR_LINT(run_serial_printable, chk_serial_printable)
ATTR_LINT(run_empty, chk_empty)
ATTR_LINT(run_leading_ws, chk_leading_ws)
ATTR_LINT(run_trailing_ws, chk_trailing_ws)
ATTR_LINT(run_control, chk_control)
ATTR_LINT(run_ub_cn, ub_cn)
ATTR_LINT(run_ub_o, ub_o)
ATTR_LINT(run_ub_ou, ub_ou)
ATTR_LINT(run_ub_l, ub_l)
ATTR_LINT(run_ub_st, ub_st)
ATTR_LINT(run_ub_serial, ub_serial)
ATTR_LINT(run_ub_postal, ub_postal)
ATTR_LINT(run_ub_email, ub_email)
ATTR_LINT(run_ub_title, ub_title)
ATTR_LINT(run_ub_given, ub_given)
ATTR_LINT(run_ub_surname, ub_surname)

static casc_lint_result run_multi_rdn(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_name *n = &in->cert->subject;
  for (size_t i = 0; i < n->n_attr; i++)
    if (n->attr[i].multi) {
      snprintf(det, detsz, "the subject has a multi-valued RDN");
      return CASC_LINT_FAIL;
    }
  return CASC_LINT_PASS;
}

static casc_lint_result run_name_truncated(const casc_lint_input *in, char *det, size_t detsz) {
  if (!in->cert->subject.truncated && !in->cert->issuer.truncated)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "a Name of more than %d attributes", CASC_LINT_MAX_ATTR);
  return CASC_LINT_FAIL;
}

static casc_lint_result run_dup_cn(const casc_lint_input *in, char *det, size_t detsz) {
  const casc_lint_name *n = &in->cert->subject;
  size_t cn = 0;
  for (size_t i = 0; i < n->n_attr; i++)
    cn += IS(&n->attr[i], CASC_OID_AT_CN);
  if (cn <= 1)
    return CASC_LINT_PASS;
  snprintf(det, detsz, "the subject has %zu commonName attributes", cn);
  return CASC_LINT_FAIL;
}

#define L(nm, al, lv, cit, eff, fn)                                                                \
  {.name = nm, .alias = al, .level = lv, .citation = cit, .source = CASC_LINT_SRC_RFC5280,         \
   .effective = eff, .kind = CASC_LINT_KIND_CERT, .run = fn}
#define E CASC_LINT_ERROR
#define W CASC_LINT_WARN
#define N CASC_LINT_NOTICE

const casc_lint casc_lints_cert_rfc5280_name[] = {
    L("e_name_printable_string_badalpha", "e_subject_printable_string_badalpha", E,
      "X.680 41.4; RFC 5280 4.1.2.4", 0, run_printable),
    L("e_name_ia5_string_not_ascii", NULL, E, "X.680 41; RFC 5280 4.1.2.4", 0, run_ia5),
    L("e_name_utf8_invalid", NULL, E, "RFC 3629; RFC 5280 4.1.2.4", 0, run_utf8),
    L("e_name_bmp_universal_length", NULL, E, "X.680 41", 0, run_bmp_universal),
    L("e_name_directory_string_type", NULL, E, "RFC 5280 4.1.2.4 (DirectoryString)", 0,
      run_dirstring_type),
    L("w_name_directory_string_legacy", NULL, W,
      "RFC 5280 4.1.2.6", RFC5280_DATE, run_dirstring_modern),
    L("e_name_country_invalid", "e_subject_dn_country_not_printable_string", E,
      "RFC 5280 Appendix A.1 (X520countryName)", 0, run_country),
    L("e_name_email_dc_not_ia5", NULL, E, "RFC 5280 4.1.2.6, Appendix A.1; RFC 4519 2.4", 0,
      run_ia5_types),
    L("e_name_serial_number_not_printable", "e_subject_dn_serial_number_not_printable_string", E, "RFC 5280 Appendix A.1", 0,
      run_serial_printable),
    L("e_name_attribute_value_empty", NULL, E, "RFC 5280 Appendix A.1 (SIZE (1..ub))", 0,
      run_empty),
    L("w_name_leading_whitespace", "w_subject_dn_leading_whitespace", W, "RFC 4518 2.6.1", 0,
      run_leading_ws),
    L("w_name_trailing_whitespace", "w_subject_dn_trailing_whitespace", W, "RFC 4518 2.6.1", 0,
      run_trailing_ws),
    L("e_name_control_characters", NULL, E, "RFC 5280 4.1.2.4; RFC 6818 3", 0, run_control),
    L("e_subject_common_name_max_length", "e_subject_common_name_max_length", E,
      "RFC 5280 Appendix A.1 (ub-common-name)", 0, run_ub_cn),
    L("e_subject_organization_name_max_length", "e_subject_organization_name_max_length", E,
      "RFC 5280 Appendix A.1", 0, run_ub_o),
    L("e_subject_organizational_unit_max_length", "e_subject_organizational_unit_name_max_length",
      E, "RFC 5280 Appendix A.1", 0, run_ub_ou),
    L("e_subject_locality_name_max_length", "e_subject_locality_name_max_length", E,
      "RFC 5280 Appendix A.1", 0, run_ub_l),
    L("e_subject_state_name_max_length", "e_subject_state_name_max_length", E,
      "RFC 5280 Appendix A.1", 0, run_ub_st),
    L("e_subject_serial_number_max_length", "e_subject_dn_serial_number_max_length", E,
      "RFC 5280 Appendix A.1", 0, run_ub_serial),
    L("e_subject_postal_code_max_length", "e_subject_postal_code_max_length", E,
      "RFC 5280 Appendix A.1", 0, run_ub_postal),
    L("e_subject_email_max_length", "e_subject_email_max_length", E, "RFC 5280 Appendix A.1", 0,
      run_ub_email),
    L("e_subject_title_max_length", NULL, E, "RFC 5280 Appendix A.1", 0, run_ub_title),
    L("e_subject_given_name_max_length", "e_subject_given_name_max_length", E,
      "RFC 5280 Appendix A.1", 0, run_ub_given),
    L("e_subject_surname_max_length", "e_subject_surname_max_length", E, "RFC 5280 Appendix A.1",
      0, run_ub_surname),
    L("n_subject_multi_valued_rdn", NULL, N, "RFC 5280 4.1.2.4; CABF guidance", 0, run_multi_rdn),
    L("w_name_too_many_attributes", NULL, W, "casc decoder limit", 0, run_name_truncated),
    L("w_subject_multiple_common_names", "w_extra_subject_common_names", W, "RFC 5280 4.1.2.6; TLS BR 7.1.4.3", 0,
      run_dup_cn),
};
CASC_LINT_TABLE(casc_lints_cert_rfc5280_name);
