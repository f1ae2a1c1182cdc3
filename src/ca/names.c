/* Distinguished names: parse the two forms people type, print RFC 4514. */
#include "ca_internal.h"

#include <ctype.h>
#include <openssl/bio.h>
#include <stdlib.h>
#include <string.h>

/* Adds one "type=value" to name; value already unescaped. `set` -1 appends
 * a new RDN. */
static casc_err add_attribute(X509_NAME *name, const char *type, const char *value,
                              const char *whole, casc_error *e) {
  int nid = OBJ_txt2nid(type);
  if (nid == NID_undef)
    return casc_error_set(e, CASC_ERR_USAGE, "subject '%s': unknown attribute type '%s'",
                          whole, type);
  if (*value == '\0')
    return casc_error_set(e, CASC_ERR_USAGE, "subject '%s': empty value for %s", whole, type);
  if (nid == NID_countryName && (strlen(value) != 2 || !isupper((unsigned char)value[0]) ||
                                 !isupper((unsigned char)value[1])))
    return casc_error_set(e, CASC_ERR_USAGE,
                          "subject '%s': countryName must be two upper-case letters", whole);
  if (X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, (const unsigned char *)value, -1, -1,
                                 0) != 1)
    return casc_error_ssl(e, CASC_ERR_USAGE, "subject '%s': bad value for %s", whole, type);
  return CASC_OK;
}

static char *trim(char *s) {
  while (isspace((unsigned char)*s))
    s++;
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1]))
    s[--n] = '\0';
  return s;
}

/* Splits s at unescaped `sep`, unescaping "\," "\+" "\\" and the like
 * (RFC 4514 2.4) as it goes. Returns the number of parts. */
static size_t split_escaped(char *s, char sep, char **parts, size_t max) {
  size_t n = 0;
  char *w = s, *start = s;
  for (char *r = s;; r++) {
    if (*r == '\\' && r[1] != '\0') {
      *w++ = *++r;
      continue;
    }
    if (*r == sep || *r == '\0') {
      bool end = *r == '\0';
      *w++ = '\0';
      if (n < max)
        parts[n] = start;
      n++;
      start = w;
      if (end)
        break;
      continue;
    }
    *w++ = *r;
  }
  return n;
}

casc_err casc_name_parse(const char *s, X509_NAME **out, casc_error *e) {
  casc_err rc = CASC_OK;
  X509_NAME *name = X509_NAME_new();
  char *copy = strdup(s);
  char *parts[64];
  if (name == NULL || copy == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  bool slash_form = copy[0] == '/';
  size_t n = split_escaped(slash_form ? copy + 1 : copy, slash_form ? '/' : ',', parts, 64);
  if (n > 64) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "subject '%s': too many attributes", s);
    goto out;
  }
  /* RFC 4514 writes the most specific RDN first; the slash form, like the
   * certificate, writes it last. */
  for (size_t i = 0; i < n && rc == CASC_OK; i++) {
    char *part = trim(parts[slash_form ? i : n - 1 - i]);
    char *eq = strchr(part, '=');
    if (eq == NULL) {
      rc = casc_error_set(e, CASC_ERR_USAGE, "subject '%s': '%s' is not type=value", s, part);
      break;
    }
    *eq = '\0';
    rc = add_attribute(name, trim(part), trim(eq + 1), s, e);
  }
  if (rc == CASC_OK && X509_NAME_entry_count(name) == 0)
    rc = casc_error_set(e, CASC_ERR_USAGE, "subject '%s': empty", s);
out:
  free(copy);
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
    memcpy(buf, data, (size_t)len);
    buf[len] = '\0';
  }
  BIO_free(mem);
}
