/* The lint registry: every table of lints, the run of one lint (effective
 * date, applicability, level), and the checker that decodes an input and
 * runs every lint of its kind.
 *
 * ADDING A TABLE (lintcert, lintrev and whoever comes next): a group file
 * src/lint/<group>.c defines
 *     const casc_lint casc_lints_<group>[] = { ... };
 *     CASC_LINT_TABLE(casc_lints_<group>);
 * and this file gets exactly two lines, each in its marked block below:
 *     CASC_LINT_TABLE_DECL(casc_lints_<group>);            (block 1)
 *     T(casc_lints_<group>),                               (block 2)
 * Keep one line per table and do not reorder existing lines: several people
 * add lines here. Commit the two lines together with the table's file (the
 * worktree is shared: a commit of this file takes everyone's lines in it).
 * Lint names must be unique (a unit test checks). */
#include "casc/der.h"
#include "casc/lint.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- block 1: one declaration per table ---- */
CASC_LINT_TABLE_DECL(casc_lints_cert_rfc5280_core);
CASC_LINT_TABLE_DECL(casc_lints_cert_rfc5280_der);
CASC_LINT_TABLE_DECL(casc_lints_cert_rfc5280_ext);
CASC_LINT_TABLE_DECL(casc_lints_cert_rfc5280_name);
CASC_LINT_TABLE_DECL(casc_lints_cert_rfc5280_gn);
CASC_LINT_TABLE_DECL(casc_lints_key_rsa);
CASC_LINT_TABLE_DECL(casc_lints_key_ec);
CASC_LINT_TABLE_DECL(casc_lints_crl_header);
CASC_LINT_TABLE_DECL(casc_lints_crl_entries);
CASC_LINT_TABLE_DECL(casc_lints_crl_der);
CASC_LINT_TABLE_DECL(casc_lints_ocsp_response);
CASC_LINT_TABLE_DECL(casc_lints_ocsp_signer);
CASC_LINT_TABLE_DECL(casc_lints_ocsp_der);
CASC_LINT_TABLE_DECL(casc_lints_cert_br_validity);
CASC_LINT_TABLE_DECL(casc_lints_cert_br_algs);
CASC_LINT_TABLE_DECL(casc_lints_cert_br_names);
CASC_LINT_TABLE_DECL(casc_lints_cert_br_profile);
CASC_LINT_TABLE_DECL(casc_lints_cert_csbr);
CASC_LINT_TABLE_DECL(casc_lints_cert_smime);
CASC_LINT_TABLE_DECL(casc_lints_cert_br_ev);
CASC_LINT_TABLE_DECL(casc_lints_cert_br_mozilla);
CASC_LINT_TABLE_DECL(casc_lints_cert_br_nc);
CASC_LINT_TABLE_DECL(casc_lints_cert_br_tables);
/* ---- end of block 1 ---- */

#define T(NAME) {NAME, &NAME##_count}
static const struct {
  const casc_lint *lints;
  const size_t *count;
} tables[] = {
    /* ---- block 2: one line per table ---- */
    T(casc_lints_cert_rfc5280_core),
    T(casc_lints_cert_rfc5280_der),
    T(casc_lints_cert_rfc5280_ext),
    T(casc_lints_cert_rfc5280_name),
    T(casc_lints_cert_rfc5280_gn),
    T(casc_lints_key_rsa),
    T(casc_lints_key_ec),
    T(casc_lints_crl_header),
    T(casc_lints_crl_entries),
    T(casc_lints_crl_der),
    T(casc_lints_ocsp_response),
    T(casc_lints_ocsp_signer),
    T(casc_lints_ocsp_der),
    T(casc_lints_cert_br_validity),
    T(casc_lints_cert_br_algs),
    T(casc_lints_cert_br_names),
    T(casc_lints_cert_br_profile),
    T(casc_lints_cert_csbr),
    T(casc_lints_cert_smime),
    T(casc_lints_cert_br_ev),
    T(casc_lints_cert_br_mozilla),
    T(casc_lints_cert_br_nc),
    T(casc_lints_cert_br_tables),
    /* ---- end of block 2 ---- */
};
#undef T

/* ---- the flat list, built once ---- */
static const casc_lint **all;
static size_t n_all;
/* the same, by kind (a view into one array): a check walks only its kind's */
static const casc_lint **of_kind[CASC_LINT_KIND_OCSP + 1];
static size_t n_of_kind[CASC_LINT_KIND_OCSP + 1];

static void build_once(void) {
  size_t n = 0;
  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
    n += *tables[i].count;
  const casc_lint **a = malloc((n ? 2 * n : 1) * sizeof *a);
  if (a == NULL)
    abort(); /* a few kilobytes at start-up */
  size_t k = 0;
  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
    for (size_t j = 0; j < *tables[i].count; j++)
      a[k++] = &tables[i].lints[j];
  /* a[n..2n): grouped by kind, in registry order within a kind */
  for (int kind = 0; kind <= CASC_LINT_KIND_OCSP; kind++) {
    of_kind[kind] = a + k;
    for (size_t i = 0; i < n; i++)
      if ((int)a[i]->kind == kind)
        a[k++] = a[i];
    n_of_kind[kind] = (size_t)(a + k - of_kind[kind]);
  }
  n_all = n;
  all = a;
}

/* The list is built on first use, once, whichever thread comes first:
 * casc serve lints (before signing) from several threads. */
static void build(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, build_once);
}

size_t casc_lint_count(void) {
  build();
  return n_all;
}

const casc_lint *casc_lint_at(size_t i) {
  build();
  return i < n_all ? all[i] : NULL;
}

const casc_lint *casc_lint_find(const char *name) {
  build();
  for (size_t i = 0; i < n_all; i++)
    if (strcmp(all[i]->name, name) == 0)
      return all[i];
  return NULL;
}

/* ---- names ---- */
const char *casc_lint_level_name(casc_lint_level l) {
  switch (l) {
  case CASC_LINT_NOTICE:
    return "notice";
  case CASC_LINT_WARN:
    return "warn";
  case CASC_LINT_ERROR:
    return "error";
  }
  return "?";
}

const char *casc_lint_result_name(casc_lint_result r) {
  switch (r) {
  case CASC_LINT_PASS:
    return "pass";
  case CASC_LINT_NA:
    return "na";
  case CASC_LINT_NE:
    return "ne";
  case CASC_LINT_NOTICE_R:
    return "notice";
  case CASC_LINT_WARN_R:
    return "warn";
  case CASC_LINT_ERROR_R:
    return "error";
  case CASC_LINT_FATAL:
    return "fatal";
  case CASC_LINT_FAIL:
    break;
  }
  return "?";
}

const char *casc_lint_kind_name(casc_lint_kind k) {
  switch (k) {
  case CASC_LINT_KIND_CERT:
    return "certificate";
  case CASC_LINT_KIND_CRL:
    return "crl";
  case CASC_LINT_KIND_OCSP:
    return "ocsp";
  case CASC_LINT_KIND_UNKNOWN:
    break;
  }
  return "unknown";
}

static const struct {
  const char *name;
  casc_lint_profile p;
} profile_names[] = {
    {"unknown", CASC_LINT_PROFILE_UNKNOWN},
    {"root", CASC_LINT_PROFILE_ROOT},
    {"subca", CASC_LINT_PROFILE_SUBCA},
    {"tls", CASC_LINT_PROFILE_TLS},
    {"code-signing", CASC_LINT_PROFILE_CODESIGN},
    {"timestamping", CASC_LINT_PROFILE_TIMESTAMP},
    {"ocsp-signing", CASC_LINT_PROFILE_OCSP_SIGNER},
    {"smime", CASC_LINT_PROFILE_SMIME},
    {"crl", CASC_LINT_PROFILE_CRL},
    {"ocsp", CASC_LINT_PROFILE_OCSP},
    /* synonyms: casc issue's profile names and the spelled-out ones */
    {"sub-ca", CASC_LINT_PROFILE_SUBCA},
    {"tls-server", CASC_LINT_PROFILE_TLS},
    {"codesigning", CASC_LINT_PROFILE_CODESIGN},
    {"timestamp", CASC_LINT_PROFILE_TIMESTAMP},
    {"ocsp-signer", CASC_LINT_PROFILE_OCSP_SIGNER},
    {"s/mime", CASC_LINT_PROFILE_SMIME},
};

const char *casc_lint_profile_name(casc_lint_profile p) {
  for (size_t i = 0; i < sizeof profile_names / sizeof profile_names[0]; i++)
    if (profile_names[i].p == p)
      return profile_names[i].name;
  return "auto";
}

casc_lint_profile casc_lint_profile_from_name(const char *name) {
  for (size_t i = 0; i < sizeof profile_names / sizeof profile_names[0]; i++)
    if (strcasecmp(profile_names[i].name, name) == 0)
      return profile_names[i].p;
  return CASC_LINT_PROFILE_AUTO;
}

/* ---- applies() predicates ---- */
static bool is_ca(const casc_lint_input *in) {
  return in->profile == CASC_LINT_PROFILE_ROOT || in->profile == CASC_LINT_PROFILE_SUBCA;
}
bool casc_lint_applies_ca(const casc_lint_input *in) {
  return in->cert != NULL && (is_ca(in) || (in->cert->bc.present && in->cert->bc.ca));
}
bool casc_lint_applies_subscriber(const casc_lint_input *in) {
  return in->cert != NULL && !casc_lint_applies_ca(in);
}
bool casc_lint_applies_root(const casc_lint_input *in) {
  return in->cert != NULL && in->profile == CASC_LINT_PROFILE_ROOT;
}
bool casc_lint_applies_subca(const casc_lint_input *in) {
  return in->cert != NULL && in->profile == CASC_LINT_PROFILE_SUBCA;
}
bool casc_lint_applies_tls(const casc_lint_input *in) {
  return in->cert != NULL && in->profile == CASC_LINT_PROFILE_TLS;
}
bool casc_lint_applies_codesign(const casc_lint_input *in) {
  return in->cert != NULL && in->profile == CASC_LINT_PROFILE_CODESIGN;
}
bool casc_lint_applies_timestamp(const casc_lint_input *in) {
  return in->cert != NULL && in->profile == CASC_LINT_PROFILE_TIMESTAMP;
}
bool casc_lint_applies_ocsp_signer(const casc_lint_input *in) {
  return in->cert != NULL && in->profile == CASC_LINT_PROFILE_OCSP_SIGNER;
}
bool casc_lint_applies_smime(const casc_lint_input *in) {
  return in->cert != NULL && in->profile == CASC_LINT_PROFILE_SMIME;
}
bool casc_lint_applies_rsa(const casc_lint_input *in) {
  return in->cert != NULL && in->cert->spki.rsa_ok;
}
bool casc_lint_applies_ec(const casc_lint_input *in) {
  return in->cert != NULL && in->cert->spki.type == CASC_LINT_KEY_EC;
}

/* ---- running ---- */
/* Details go into JSON (UTF-8 only: jansson refuses anything else) and onto
 * terminals: a lint that copied raw input bytes into them gets its control
 * characters and invalid UTF-8 replaced by '?'. */
static void sanitize(char *det) {
  unsigned char *p = (unsigned char *)det;
  while (*p != 0) {
    size_t n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2
                           : (*p & 0xf8) == 0xf0 ? 3 : 4;
    bool ok = n < 4 && (n == 0 ? (*p >= 0x20 && *p != 0x7f) : *p >= 0xc2);
    for (size_t k = 1; ok && k <= n; k++)
      ok = (p[k] & 0xc0) == 0x80;
    if (!ok) {
      *p++ = '?';
      continue;
    }
    p += n + 1;
  }
}

casc_lint_result casc_lint_run_one(const casc_lint *l, const casc_lint_input *in, char *det,
                                   size_t detsz) {
  det[0] = '\0';
  if (l->kind != in->kind)
    return CASC_LINT_NA;
  /* as zlint does: a lint that does not apply is "na" whatever the date */
  if (l->applies != NULL && !l->applies(in))
    return CASC_LINT_NA;
  if (l->effective != 0 && in->date < l->effective)
    return CASC_LINT_NE;
  casc_lint_result r = l->run(in, det, detsz);
  if (det[0] != '\0') {
    det[detsz - 1] = '\0';
    sanitize(det);
  }
  if (r == CASC_LINT_FAIL)
    switch (l->level) {
    case CASC_LINT_NOTICE:
      return CASC_LINT_NOTICE_R;
    case CASC_LINT_WARN:
      return CASC_LINT_WARN_R;
    case CASC_LINT_ERROR:
      return CASC_LINT_ERROR_R;
    }
  return r;
}

static casc_lint_result run_fatal(const casc_lint_input *in, char *det, size_t detsz) {
  (void)in, (void)det, (void)detsz;
  return CASC_LINT_FATAL;
}

static const casc_lint fatal_lint = {
    .name = "e_der_decode_fatal",
    .alias = NULL,
    .level = CASC_LINT_ERROR,
    .citation = "X.690 10; RFC 5280 4.1",
    .source = CASC_LINT_SRC_X690,
    .kind = CASC_LINT_KIND_UNKNOWN,
    .run = run_fatal,
};

const casc_lint *casc_lint_fatal(void) { return &fatal_lint; }

struct casc_lint_ctx {
  casc_lint_cert cert;
  casc_lint_crl crl;
  casc_lint_ocsp ocsp;
};

casc_lint_ctx *casc_lint_ctx_new(void) {
  build();
  return calloc(1, sizeof(casc_lint_ctx));
}

void casc_lint_ctx_free(casc_lint_ctx *ctx) { free(ctx); }

casc_lint_kind casc_lint_detect_kind(const unsigned char *der, size_t len) {
  /* Certificate: SEQ { SEQ tbs { [0] or INTEGER ... }, SEQ alg, BIT STRING }
   * CRL:         SEQ { SEQ tbs { INTEGER(1)? SEQ alg, SEQ issuer, Time ... }, ... }
   * OCSP:        SEQ { ENUMERATED status, [0] bytes? } */
  casc_der_tlv_t first, a, b, c;
  const unsigned char *p;
  size_t left;
  if (len < 2 || der[0] != 0x30)
    return CASC_LINT_KIND_UNKNOWN;
  /* Read the outer header leniently (faults are the decoder's business). */
  size_t hl = 2;
  if (der[1] & 0x80) {
    size_t n = der[1] & 0x7f;
    if (n == 0 || n > 4 || 2 + n > len)
      return CASC_LINT_KIND_UNKNOWN;
    hl = 2 + n;
  }
  p = der + hl;
  left = len - hl;
  if (left == 0)
    return CASC_LINT_KIND_UNKNOWN;
  if (p[0] == CASC_DER_ENUMERATED)
    return CASC_LINT_KIND_OCSP;
  if (p[0] != CASC_DER_SEQUENCE)
    return CASC_LINT_KIND_UNKNOWN;
  /* into the TBS */
  hl = 2;
  if (left < 2)
    return CASC_LINT_KIND_UNKNOWN;
  if (p[1] & 0x80) {
    size_t n = p[1] & 0x7f;
    if (n == 0 || n > 4 || 2 + n > left)
      return CASC_LINT_KIND_UNKNOWN;
    hl = 2 + n;
  }
  p += hl;
  left -= hl;
  if (left == 0)
    return CASC_LINT_KIND_UNKNOWN;
  if (p[0] == 0xa0)
    return CASC_LINT_KIND_CERT;
  if (p[0] == CASC_DER_SEQUENCE)
    return CASC_LINT_KIND_CRL; /* v1 CRL: starts with the signature AlgorithmIdentifier */
  if (p[0] != CASC_DER_INTEGER)
    return CASC_LINT_KIND_UNKNOWN;
  /* INTEGER first: a v1 certificate (serial, alg, issuer, validity SEQ) or
   * a v2 CRL (version, alg, issuer, thisUpdate Time). Look at the fourth field. */
  if (casc_der_next(&p, &left, &first, NULL) != CASC_OK ||
      casc_der_next(&p, &left, &a, NULL) != CASC_OK ||
      casc_der_next(&p, &left, &b, NULL) != CASC_OK ||
      casc_der_next(&p, &left, &c, NULL) != CASC_OK)
    return CASC_LINT_KIND_CERT; /* let the certificate decoder report it */
  if (c.tag == CASC_DER_UTCTIME || c.tag == CASC_DER_GENERALIZEDTIME)
    return CASC_LINT_KIND_CRL;
  return CASC_LINT_KIND_CERT;
}

casc_lint_result casc_lint_ctx_check(casc_lint_ctx *ctx, casc_lint_kind kind,
                                     casc_lint_profile profile, const unsigned char *der,
                                     size_t len, time_t now, casc_lint_cb cb, void *arg,
                                     casc_lint_kind *kind_out, casc_lint_profile *profile_out) {
  build();
  casc_error e = {0};
  casc_lint_input in = {.now = now != 0 ? now : casc_now()};
  if (kind == CASC_LINT_KIND_UNKNOWN)
    kind = casc_lint_detect_kind(der, len);
  in.kind = kind;
  casc_err rc = CASC_ERR_PARSE;
  switch (kind) {
  case CASC_LINT_KIND_CERT:
    rc = casc_lint_parse_cert(der, len, &ctx->cert, &e);
    if (rc == CASC_OK) {
      in.cert = &ctx->cert;
      in.date = ctx->cert.not_before.t;
      in.profile = profile == CASC_LINT_PROFILE_AUTO ? casc_lint_detect_profile(&ctx->cert) : profile;
    }
    break;
  case CASC_LINT_KIND_CRL:
    rc = casc_lint_parse_crl(der, len, &ctx->crl, &e);
    if (rc == CASC_OK) {
      in.crl = &ctx->crl;
      in.date = ctx->crl.this_update.t;
      in.profile = CASC_LINT_PROFILE_CRL; /* certificate profiles do not apply */
    }
    break;
  case CASC_LINT_KIND_OCSP:
    rc = casc_lint_parse_ocsp(der, len, &ctx->ocsp, &e);
    if (rc == CASC_OK) {
      in.ocsp = &ctx->ocsp;
      in.date = ctx->ocsp.produced_at.t;
      in.profile = CASC_LINT_PROFILE_OCSP;
    }
    break;
  case CASC_LINT_KIND_UNKNOWN:
    casc_error_set(&e, CASC_ERR_PARSE, "not a certificate, CRL or OCSP response");
    break;
  }
  if (kind_out != NULL)
    *kind_out = kind;
  if (rc != CASC_OK) {
    if (profile_out != NULL)
      *profile_out = kind == CASC_LINT_KIND_CRL    ? CASC_LINT_PROFILE_CRL
                     : kind == CASC_LINT_KIND_OCSP ? CASC_LINT_PROFILE_OCSP
                     : profile == CASC_LINT_PROFILE_AUTO ? CASC_LINT_PROFILE_UNKNOWN
                                                         : profile;
    if (cb != NULL)
      cb(arg, &fatal_lint, CASC_LINT_FATAL, e.msg);
    return CASC_LINT_FATAL;
  }
  if (profile_out != NULL)
    *profile_out = in.profile;
  casc_lint_result worst = CASC_LINT_PASS;
  char det[512];
  const casc_lint **lints = of_kind[kind];
  for (size_t i = 0; i < n_of_kind[kind]; i++) {
    const casc_lint *l = lints[i];
    casc_lint_result r = casc_lint_run_one(l, &in, det, sizeof det);
    if (r >= CASC_LINT_NOTICE_R && r <= CASC_LINT_FATAL && r > worst)
      worst = r;
    if (cb != NULL)
      cb(arg, l, r, det);
  }
  return worst;
}

/* ---- lint-before-sign ---- */
typedef struct {
  casc_lint_report *rep;
  size_t used;
  bool pass2; /* second pass: warnings */
} report_state;

static void append(casc_lint_report *rep, size_t *used, const casc_lint *l, const char *det) {
  size_t room = sizeof rep->text - *used;
  if (room <= 1)
    return;
  int n = snprintf(rep->text + *used, room, "%s%s: %s (%s)", *used ? "; " : "", l->name,
                   det[0] ? det : "failed", l->citation);
  if (n > 0)
    *used += (size_t)n < room ? (size_t)n : room - 1;
}

static void report_cb(void *arg, const casc_lint *l, casc_lint_result r, const char *det) {
  report_state *s = arg;
  casc_lint_report *rep = s->rep;
  rep->n_run++;
  switch (r) {
  case CASC_LINT_PASS:
    rep->n_pass++;
    break;
  case CASC_LINT_NA:
    rep->n_na++;
    break;
  case CASC_LINT_NE:
    rep->n_ne++;
    break;
  case CASC_LINT_NOTICE_R:
    rep->n_notice++;
    break;
  case CASC_LINT_WARN_R:
    rep->n_warn++;
    break;
  case CASC_LINT_ERROR_R:
    rep->n_error++;
    break;
  case CASC_LINT_FATAL:
    rep->n_fatal++;
    break;
  case CASC_LINT_FAIL:
    break;
  }
  if (r == CASC_LINT_ERROR_R || r == CASC_LINT_FATAL)
    append(rep, &s->used, l, det);
}

bool casc_lint_der(casc_lint_kind kind, casc_lint_profile profile, const unsigned char *der,
                   size_t len, time_t now, casc_lint_report *rep) {
  casc_lint_report local;
  if (rep == NULL)
    rep = &local;
  memset(rep, 0, sizeof *rep);
  casc_lint_ctx *ctx = casc_lint_ctx_new();
  if (ctx == NULL) {
    snprintf(rep->text, sizeof rep->text, "out of memory");
    rep->n_fatal = 1;
    return true;
  }
  report_state s = {.rep = rep};
  casc_lint_ctx_check(ctx, kind, profile, der, len, now, report_cb, &s, NULL, NULL);
  casc_lint_ctx_free(ctx);
  return rep->n_error > 0 || rep->n_fatal > 0;
}
