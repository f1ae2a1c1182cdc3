/* Name and address rules of the TLS Baseline Requirements; see
 * cert_br_util.h. */
#include "cert_br_util.h"

#include <arpa/inet.h>
#include <string.h>

static bool is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

bool casc_br_ascii_eq(const unsigned char *a, size_t alen, const unsigned char *b,
                      size_t blen) {
  if (alen != blen)
    return false;
  for (size_t i = 0; i < alen; i++)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}

static bool label_is(const unsigned char *l, size_t n, const char *want) {
  return casc_br_ascii_eq(l, n, (const unsigned char *)want, strlen(want));
}

static bool ends_with(const unsigned char *s, size_t len, const char *suffix) {
  size_t n = strlen(suffix);
  return len >= n && casc_br_ascii_eq(s + len - n, n, (const unsigned char *)suffix, n);
}

/* RFC 3492, section 6.1 and 6.2, decoding only. */
#define PC_BASE 36
#define PC_TMIN 1
#define PC_TMAX 26
#define PC_SKEW 38
#define PC_DAMP 700

static uint32_t pc_adapt(uint32_t delta, uint32_t numpoints, bool first) {
  delta = first ? delta / PC_DAMP : delta / 2;
  delta += delta / numpoints;
  uint32_t k = 0;
  while (delta > ((PC_BASE - PC_TMIN) * PC_TMAX) / 2) {
    delta /= PC_BASE - PC_TMIN;
    k += PC_BASE;
  }
  return k + (PC_BASE - PC_TMIN + 1) * delta / (delta + PC_SKEW);
}

static int pc_digit(unsigned char c) {
  if (c >= '0' && c <= '9')
    return c - '0' + 26;
  c = lower(c);
  if (c >= 'a' && c <= 'z')
    return c - 'a';
  return -1;
}

bool casc_br_punycode_valid(const unsigned char *s, size_t len) {
  /* A label is at most 63 octets, so its decoding is short. */
  uint32_t out[64];
  uint32_t nout = 0;
  size_t basic = 0;
  for (size_t i = 0; i < len; i++)
    if (s[i] == '-')
      basic = i;
  size_t in = 0;
  if (basic > 0 || (len > 0 && s[0] == '-')) {
    if (basic + 1 > sizeof out / sizeof out[0])
      return false;
    for (size_t i = 0; i < basic; i++) {
      if (s[i] >= 0x80)
        return false;
      out[nout++] = s[i];
    }
    in = basic + 1;
  }
  if (in >= len)
    return false; /* nothing encoded: not a valid A-label */
  uint32_t n = 128, i = 0, bias = 72;
  bool any_non_ascii = false;
  while (in < len) {
    uint32_t oldi = i, w = 1;
    for (uint32_t k = PC_BASE;; k += PC_BASE) {
      if (in >= len)
        return false;
      int d = pc_digit(s[in++]);
      if (d < 0)
        return false;
      if ((uint32_t)d > (UINT32_MAX - i) / w)
        return false;
      i += (uint32_t)d * w;
      uint32_t t = k <= bias ? PC_TMIN : k >= bias + PC_TMAX ? PC_TMAX : k - bias;
      if ((uint32_t)d < t)
        break;
      if (w > UINT32_MAX / (PC_BASE - t))
        return false;
      w *= PC_BASE - t;
    }
    bias = pc_adapt(i - oldi, nout + 1, oldi == 0);
    if (i / (nout + 1) > UINT32_MAX - n)
      return false;
    n += i / (nout + 1);
    i %= nout + 1;
    if (n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF) || n < 0x80)
      return false;
    if (nout >= sizeof out / sizeof out[0])
      return false;
    memmove(out + i + 1, out + i, (nout - i) * sizeof out[0]);
    out[i++] = n;
    nout++;
    any_non_ascii = true;
  }
  return any_non_ascii;
}

/* RFC 2606, RFC 6761, RFC 6762 and ICANN's 2024 reservation of
 * "internal": names that never resolve publicly. */
static const char *const reserved_tlds[] = {"test",  "example", "invalid", "localhost",
                                            "local", "internal", "lan",    "localdomain",
                                            "corp",  "home",     "intranet", "private"};

uint32_t casc_br_dns_check(const unsigned char *name, size_t len) {
  uint32_t f = 0;
  if (len == 0)
    return CASC_BR_DNS_EMPTY;
  if (len > 253)
    f |= CASC_BR_DNS_TOO_LONG;
  if (name[0] == '.')
    f |= CASC_BR_DNS_STARTS_PERIOD | CASC_BR_DNS_EMPTY_LABEL;
  /* Labels, left to right; remember where the last two begin. */
  size_t nlabels = 0, start = 0;
  size_t tld_off = 0, tld_len = 0, sld_off = 0, sld_len = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && name[i] != '.')
      continue;
    const unsigned char *l = name + start;
    size_t n = i - start;
    if (n == 0)
      f |= CASC_BR_DNS_EMPTY_LABEL;
    if (n > 63)
      f |= CASC_BR_DNS_LABEL_TOO_LONG;
    for (size_t k = 0; k < n; k++) {
      unsigned char c = l[k];
      if (c == 0)
        f |= CASC_BR_DNS_NUL;
      if (c == ' ')
        f |= CASC_BR_DNS_SPACE;
      if (c >= 'A' && c <= 'Z')
        f |= CASC_BR_DNS_UPPERCASE;
      if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_' && c != '*')
        f |= CASC_BR_DNS_BAD_CHAR;
      if (c == '*') {
        if (nlabels > 0)
          f |= CASC_BR_DNS_WILDCARD_NOT_FIRST;
        else if (n != 1)
          f |= CASC_BR_DNS_WILDCARD_PARTIAL;
      }
    }
    if (n > 0 && (l[0] == '-' || l[n - 1] == '-'))
      f |= CASC_BR_DNS_HYPHEN_EDGE;
    if (n >= 4 && l[2] == '-' && l[3] == '-') {
      if (lower(l[0]) == 'x' && lower(l[1]) == 'n') {
        if (!casc_br_punycode_valid(l + 4, n - 4))
          f |= CASC_BR_DNS_BAD_ALABEL;
      } else {
        f |= CASC_BR_DNS_RESERVED_LABEL;
      }
    }
    sld_off = tld_off, sld_len = tld_len;
    tld_off = start, tld_len = n;
    nlabels++;
    start = i + 1;
  }
  /* Underscores: in the label left of the TLD ("SLD", the registrable
   * label when the public suffix is one label), or in labels further left. */
  for (size_t i = 0; i < len; i++) {
    if (name[i] != '_')
      continue;
    if (nlabels >= 2 && i >= sld_off && i < sld_off + sld_len)
      f |= CASC_BR_DNS_UNDERSCORE_SLD;
    else if (i < sld_off)
      f |= CASC_BR_DNS_UNDERSCORE_TRD;
    else
      f |= CASC_BR_DNS_UNDERSCORE_SLD; /* in the TLD itself: as bad */
  }
  if (nlabels >= 2 && sld_len > 0 &&
      (name[sld_off] == '-' || name[sld_off + sld_len - 1] == '-'))
    f |= CASC_BR_DNS_HYPHEN_SLD;
  if (len == 1 && name[0] == '*')
    f |= CASC_BR_DNS_BARE_WILDCARD;
  if (nlabels == 2 && len >= 2 && name[0] == '*' && name[1] == '.')
    f |= CASC_BR_DNS_BARE_WILDCARD;
  const unsigned char *tld = name + tld_off;
  if (nlabels < 2 && !(f & CASC_BR_DNS_EMPTY_LABEL))
    f |= CASC_BR_DNS_INTERNAL;
  for (size_t i = 0; i < sizeof reserved_tlds / sizeof reserved_tlds[0]; i++)
    if (label_is(tld, tld_len, reserved_tlds[i]))
      f |= CASC_BR_DNS_INTERNAL;
  if (ends_with(name, len, ".in-addr.arpa") || ends_with(name, len, ".ip6.arpa"))
    f |= CASC_BR_DNS_REVERSE_ZONE;
  if (label_is(tld, tld_len, "onion"))
    f |= CASC_BR_DNS_ONION;
  if (tld_len > 0) {
    bool numeric = true;
    for (size_t i = 0; i < tld_len; i++)
      numeric = numeric && is_digit(tld[i]);
    if (numeric)
      f |= CASC_BR_DNS_NUMERIC_TLD;
  }
  return f;
}

typedef struct {
  unsigned char net[16];
  unsigned prefix;
} ip_range;

/* IANA IPv4 Special-Purpose Address Registry entries that are not
 * globally reachable, plus multicast and the limited broadcast. */
static const ip_range v4_reserved[] = {
    {{0, 0, 0, 0}, 8},       {{10, 0, 0, 0}, 8},     {{100, 64, 0, 0}, 10},
    {{127, 0, 0, 0}, 8},     {{169, 254, 0, 0}, 16}, {{172, 16, 0, 0}, 12},
    {{192, 0, 0, 0}, 24},    {{192, 0, 2, 0}, 24},   {{192, 88, 99, 0}, 24},
    {{192, 168, 0, 0}, 16},  {{198, 18, 0, 0}, 15},  {{198, 51, 100, 0}, 24},
    {{203, 0, 113, 0}, 24},  {{224, 0, 0, 0}, 4},    {{240, 0, 0, 0}, 4},
};

/* IPv6: everything outside 2000::/3 is unallocated or special; inside it,
 * the registry's non-global blocks and the documentation prefixes. */
static const ip_range v6_reserved[] = {
    {{0x20, 0x01, 0x00, 0x00}, 23}, /* IETF protocol assignments */
    {{0x20, 0x01, 0x0d, 0xb8}, 32}, /* documentation */
    {{0x20, 0x02}, 16},             /* 6to4 */
    {{0x3f, 0xff, 0x00, 0x00}, 20}, /* documentation (RFC 9637) */
};

static bool in_range(const unsigned char *ip, const ip_range *r) {
  unsigned bits = r->prefix;
  for (unsigned i = 0; bits > 0; i++) {
    unsigned take = bits >= 8 ? 8 : bits;
    unsigned char mask = (unsigned char)(0xff << (8 - take));
    if ((ip[i] & mask) != (r->net[i] & mask))
      return false;
    bits -= take;
  }
  return true;
}

bool casc_br_ip_reserved(const unsigned char *ip, size_t len) {
  if (len == 4) {
    if (ip[0] == 255 && ip[1] == 255 && ip[2] == 255 && ip[3] == 255)
      return true;
    for (size_t i = 0; i < sizeof v4_reserved / sizeof v4_reserved[0]; i++)
      if (in_range(ip, &v4_reserved[i]))
        return true;
    return false;
  }
  if (len == 16) {
    if ((ip[0] & 0xe0) != 0x20)
      return true;
    for (size_t i = 0; i < sizeof v6_reserved / sizeof v6_reserved[0]; i++)
      if (in_range(ip, &v6_reserved[i]))
        return true;
    return false;
  }
  return true; /* not an address at all */
}

/* Two prefixes overlap when they agree on the shorter one's bits. */
static bool prefixes_overlap(const unsigned char *a, unsigned pa, const unsigned char *b,
                             unsigned pb) {
  ip_range r;
  memcpy(r.net, b, 16);
  r.prefix = pa < pb ? pa : pb;
  return in_range(a, &r);
}

bool casc_br_subnet_reserved(const unsigned char *ip, size_t len, unsigned prefix) {
  unsigned char full[16] = {0};
  if (len == 4) {
    if (prefix > 32)
      return true;
    memcpy(full, ip, 4);
    if (prefix == 32 && ip[0] == 255 && ip[1] == 255 && ip[2] == 255 && ip[3] == 255)
      return true;
    for (size_t i = 0; i < sizeof v4_reserved / sizeof v4_reserved[0]; i++)
      if (prefixes_overlap(full, prefix, v4_reserved[i].net, v4_reserved[i].prefix))
        return true;
    return false;
  }
  if (len == 16) {
    if (prefix > 128)
      return true;
    static const unsigned char global[16] = {0x20};
    /* reaches outside 2000::/3 */
    if (prefix < 3 || !prefixes_overlap(ip, prefix, global, 3) ||
        (ip[0] & 0xe0) != 0x20)
      return true;
    for (size_t i = 0; i < sizeof v6_reserved / sizeof v6_reserved[0]; i++)
      if (prefixes_overlap(ip, prefix, v6_reserved[i].net, v6_reserved[i].prefix))
        return true;
    return false;
  }
  return true;
}

/* ISO 3166-1 alpha-2 as assigned (from Debian's iso-codes), sorted. */
static const char countries[] =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCG"
    "CHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGL"
    "GMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLA"
    "LBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONP"
    "NRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSV"
    "SXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";

bool casc_br_country_valid(const unsigned char *s, size_t len) {
  if (len != 2)
    return false;
  if (s[0] == 'X' && s[1] == 'X')
    return true;
  for (size_t i = 0; i + 1 < sizeof countries; i += 2)
    if (countries[i] == (char)s[0] && countries[i + 1] == (char)s[1])
      return true;
  return false;
}

bool casc_br_parse_ip(const unsigned char *s, size_t len, unsigned char out[16],
                      size_t *out_len) {
  char buf[64];
  if (len == 0 || len >= sizeof buf)
    return false;
  memcpy(buf, s, len);
  buf[len] = '\0';
  if (memchr(buf, '\0', len) != NULL)
    return false;
  if (inet_pton(AF_INET, buf, out) == 1) {
    *out_len = 4;
    return true;
  }
  if (memchr(buf, ':', len) != NULL && inet_pton(AF_INET6, buf, out) == 1) {
    *out_len = 16;
    return true;
  }
  return false;
}

/* --- profile predicates -------------------------------------------------- */
static bool subca(const casc_lint_input *in) {
  return in->cert != NULL && in->profile == CASC_LINT_PROFILE_SUBCA;
}

bool casc_br_applies_tls_subca(const casc_lint_input *in) {
  if (!subca(in))
    return false;
  const casc_lint_cert *c = in->cert;
  if (!c->eku.present)
    return true;
  return (c->eku.flags & (CASC_EKU_SERVER_AUTH | CASC_EKU_ANY)) != 0;
}

bool casc_br_applies_cs_subca(const casc_lint_input *in) {
  return subca(in) && in->cert->eku.present &&
         (in->cert->eku.flags & (CASC_EKU_CODE_SIGNING | CASC_EKU_TIME_STAMPING)) != 0 &&
         !(in->cert->eku.flags & CASC_EKU_SERVER_AUTH);
}

bool casc_br_applies_tls_ca(const casc_lint_input *in) {
  return (in->cert != NULL && in->profile == CASC_LINT_PROFILE_ROOT) ||
         casc_br_applies_tls_subca(in);
}

bool casc_br_applies_tls_any(const casc_lint_input *in) {
  return in->cert != NULL &&
         (in->profile == CASC_LINT_PROFILE_TLS || in->profile == CASC_LINT_PROFILE_OCSP_SIGNER ||
          casc_br_applies_tls_ca(in));
}

bool casc_br_applies_precert(const casc_lint_input *in) {
  return in->cert != NULL && in->cert->ct_poison;
}

bool casc_br_applies_tls_or_precert(const casc_lint_input *in) {
  return in->cert != NULL && (in->profile == CASC_LINT_PROFILE_TLS || in->cert->ct_poison);
}

bool casc_br_applies_cs_any(const casc_lint_input *in) {
  return in->cert != NULL && (in->profile == CASC_LINT_PROFILE_CODESIGN ||
                              in->profile == CASC_LINT_PROFILE_TIMESTAMP);
}

bool casc_br_has_policy(const casc_lint_cert *c, const char *oid, size_t oid_len) {
  if (!c->cp.present)
    return false;
  for (size_t i = 0; i < c->cp.n; i++)
    if (c->cp.pol[i].oid.len == oid_len && memcmp(c->cp.pol[i].oid.p, oid, oid_len) == 0)
      return true;
  return false;
}

bool casc_br_uri_is_http(casc_lint_bytes uri) {
  return uri.len > 7 && casc_br_ascii_eq(uri.p, 7, (const unsigned char *)"http://", 7);
}

void casc_br_det_bytes(char *det, size_t detsz, const char *prefix, casc_lint_bytes b) {
  size_t o = (size_t)snprintf(det, detsz, "%s'", prefix);
  for (size_t i = 0; i < b.len && o + 6 < detsz; i++) {
    unsigned char c = b.p[i];
    if (c >= 0x20 && c < 0x7f && c != '\\')
      det[o++] = (char)c;
    else
      o += (size_t)snprintf(det + o, detsz - o, "\\x%02x", c);
  }
  if (o + 2 <= detsz) {
    det[o++] = '\'';
    det[o] = '\0';
  } else {
    det[detsz - 1] = '\0';
  }
}
