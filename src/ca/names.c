/* Distinguished names: parse the two forms people type (RFC 4514, and the
 * slash form of `openssl req -subj`), print RFC 4514. */
#include "ca_internal.h"

#include <ctype.h>
#include <openssl/bio.h>
#include <stdlib.h>
#include <string.h>

/* The attribute types a certificate subject may hold (RFC 5280 4.1.2.4,
 * BR 7.1.4.2, CSBR 7.1.4.2, EV Guidelines 9.2). Anything else that
 * OBJ_txt2nid happens to know, "rsaEncryption" say, is not a name. */
static const int attribute_types[] = {
    NID_commonName, NID_countryName, NID_localityName, NID_stateOrProvinceName,
    NID_organizationName, NID_organizationalUnitName, NID_streetAddress, NID_postalCode,
    NID_serialNumber, NID_domainComponent, NID_userId, NID_pkcs9_emailAddress,
    NID_businessCategory, NID_jurisdictionLocalityName, NID_jurisdictionStateOrProvinceName,
    NID_jurisdictionCountryName, NID_organizationIdentifier, NID_givenName, NID_surname,
    NID_title, NID_pseudonym, NID_initials, NID_generationQualifier, NID_dnQualifier,
};

#define MAX_ATTRS 64
#define MAX_VALUE 256

typedef struct {
  char type[64];
  unsigned char value[MAX_VALUE];
  size_t len;
  bool starts_rdn; /* false: joined to the previous attribute by "+" */
} attribute;

static int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = (char)tolower((unsigned char)c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Reads one "type=value" starting at *pp, stopping at an unescaped
 * separator or "+". Unescaped spaces around the type and the value are
 * dropped; escaped ones ("\ ") and "\XX" hex pairs are kept (RFC 4514 2.4). */
static bool read_attribute(const char **pp, char sep, attribute *a) {
  const char *p = *pp;
  size_t t = 0;
  while (*p == ' ')
    p++;
  while (*p != '\0' && *p != '=' && *p != sep && *p != '+') {
    if (t + 1 >= sizeof a->type)
      return false;
    a->type[t++] = *p++;
  }
  while (t > 0 && a->type[t - 1] == ' ')
    t--;
  a->type[t] = '\0';
  if (*p != '=' || t == 0)
    return false;
  p++;
  while (*p == ' ')
    p++;
  size_t kept = 0; /* length up to the last character that is not an unescaped space */
  a->len = 0;
  while (*p != '\0' && *p != sep && *p != '+') {
    unsigned char c = (unsigned char)*p++;
    bool escaped = false;
    if (c == '\\') {
      int hi = hex_digit(p[0]), lo = hi >= 0 ? hex_digit(p[1]) : -1;
      if (hi >= 0 && lo >= 0) {
        c = (unsigned char)(hi << 4 | lo);
        p += 2;
      } else if (*p != '\0') {
        c = (unsigned char)*p++;
      } else {
        return false;
      }
      escaped = true;
    }
    if (a->len == MAX_VALUE)
      return false;
    a->value[a->len++] = c;
    if (c != ' ' || escaped)
      kept = a->len;
  }
  a->len = kept;
  *pp = p;
  return true;
}

static casc_err add_attribute(X509_NAME *name, const attribute *a, const char *whole,
                              casc_error *e) {
  int nid = OBJ_txt2nid(a->type);
  bool known = false;
  for (size_t i = 0; i < sizeof attribute_types / sizeof attribute_types[0]; i++)
    known = known || attribute_types[i] == nid;
  if (!known)
    return casc_error_set(e, CASC_ERR_USAGE, "subject '%s': unknown attribute type '%s'", whole,
                          a->type);
  if (a->len == 0 || memchr(a->value, '\0', a->len) != NULL)
    return casc_error_set(e, CASC_ERR_USAGE, "subject '%s': empty or NUL value for %s", whole,
                          a->type);
  if (nid == NID_countryName &&
      (a->len != 2 || !isupper(a->value[0]) || !isupper(a->value[1])))
    return casc_error_set(e, CASC_ERR_USAGE,
                          "subject '%s': countryName must be two upper-case letters", whole);
  if (X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, a->value, (int)a->len, -1,
                                 a->starts_rdn ? 0 : -1) != 1)
    return casc_error_ssl(e, CASC_ERR_USAGE, "subject '%s': bad value for %s", whole, a->type);
  return CASC_OK;
}

casc_err casc_name_parse(const char *s, X509_NAME **out, casc_error *e) {
  attribute *attrs = calloc(MAX_ATTRS, sizeof *attrs);
  X509_NAME *name = X509_NAME_new();
  casc_err rc = CASC_OK;
  size_t n = 0;
  if (attrs == NULL || name == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  bool slash_form = s[0] == '/';
  char sep = slash_form ? '/' : ',';
  const char *p = slash_form ? s + 1 : s;
  bool new_rdn = true;
  for (;;) {
    if (n == MAX_ATTRS) {
      rc = casc_error_set(e, CASC_ERR_USAGE, "subject '%s': too many attributes", s);
      goto out;
    }
    if (!read_attribute(&p, sep, &attrs[n])) {
      rc = casc_error_set(e, CASC_ERR_USAGE, "subject '%s': not type=value pairs (RFC 4514)", s);
      goto out;
    }
    attrs[n++].starts_rdn = new_rdn;
    if (*p == '\0')
      break;
    new_rdn = *p == sep;
    p++;
  }
  /* RFC 4514 writes the most specific RDN first; the slash form, like the
   * certificate, writes it last. Attributes keep their order inside an RDN. */
  if (slash_form) {
    for (size_t i = 0; i < n && rc == CASC_OK; i++)
      rc = add_attribute(name, &attrs[i], s, e);
  } else {
    size_t end = n;
    while (end > 0 && rc == CASC_OK) {
      size_t start = end - 1;
      while (!attrs[start].starts_rdn)
        start--;
      for (size_t i = start; i < end && rc == CASC_OK; i++)
        rc = add_attribute(name, &attrs[i], s, e);
      end = start;
    }
  }
out:
  free(attrs);
  if (rc != CASC_OK) {
    X509_NAME_free(name);
    return rc;
  }
  *out = name;
  return CASC_OK;
}

void casc_name_format(const X509_NAME *name, char *buf, size_t bufsz) {
  BIO *mem = BIO_new(BIO_s_mem());
  buf[0] = '\0';
  if (mem == NULL)
    return;
  if (X509_NAME_print_ex(mem, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
    char *data = NULL;
    long len = BIO_get_mem_data(mem, &data);
    if (len >= (long)bufsz)
      len = (long)bufsz - 1;
    if (len > 0)
      memcpy(buf, data, (size_t)len);
    buf[len > 0 ? len : 0] = '\0';
  }
  BIO_free(mem);
}
