/* casc check's whole judgement: the certificate (from a file or a TLS
 * server), its chain, expiry, revocation of every certificate below the
 * trust anchor, Must-Staple, and the policy that turns "could not learn"
 * into a verdict. */
#include "revcheck_internal.h"

#include "casc/ca.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CERT_FILE (4 * 1024 * 1024)

const char *casc_verdict_name(casc_verdict v) {
  switch (v) {
  case CASC_VERDICT_GOOD: return "good";
  case CASC_VERDICT_REVOKED: return "revoked";
  case CASC_VERDICT_INVALID: return "invalid";
  case CASC_VERDICT_INDETERMINATE: return "indeterminate";
  }
  return "indeterminate";
}

/* Every certificate of a PEM file (the first is the one to check), or one
 * DER certificate. */
static casc_err read_certs(const char *path, STACK_OF(X509) **out, casc_error *e) {
  unsigned char *buf = NULL;
  size_t len = 0;
  casc_err rc = casc_file_read(path, MAX_CERT_FILE, &buf, &len, e);
  if (rc != CASC_OK)
    return rc;
  STACK_OF(X509) *sk = sk_X509_new_null();
  BIO *mem = BIO_new_mem_buf(buf, (int)len);
  X509 *x;
  if (sk == NULL || mem == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  while ((x = PEM_read_bio_X509(mem, NULL, NULL, NULL)) != NULL)
    if (sk_X509_push(sk, x) <= 0) {
      X509_free(x);
      rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
      goto out;
    }
  if (sk_X509_num(sk) == 0) {
    const unsigned char *p = buf;
    x = d2i_X509(NULL, &p, (long)len);
    if (x != NULL && p == buf + len && sk_X509_push(sk, x) > 0)
      x = NULL;
    X509_free(x);
  }
  if (sk_X509_num(sk) == 0)
    rc = casc_error_set(e, CASC_ERR_PARSE, "%s: not a PEM or DER certificate%s", path,
                        len == 0 ? " (empty file)" : "");
out:
  ERR_clear_error();
  BIO_free(mem);
  free(buf);
  if (rc == CASC_OK)
    *out = sk;
  else
    sk_X509_pop_free(sk, X509_free);
  return rc;
}

static void subject_of(X509 *x, char *buf, size_t bufsz) {
  BIO *b = BIO_new(BIO_s_mem());
  buf[0] = '\0';
  if (b != NULL && X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253) >= 0) {
    int n = BIO_read(b, buf, (int)bufsz - 1);
    buf[n > 0 ? n : 0] = '\0';
  }
  BIO_free(b);
}

static const char *reason_text(int reason) {
  const char *name = reason >= 0 ? casc_reason_name(reason) : NULL;
  return name != NULL ? name : "no reason given";
}

/* The verdict from the links' results, worst first: revoked, then a
 * Must-Staple certificate without its staple, then what could not be
 * learned (indeterminate under hard-fail, a warning under soft-fail). */
static void decide(const casc_check_opts *opts, casc_check_report *r) {
  char who[256];
  for (size_t i = 0; i < r->n_links; i++) {
    const casc_revcheck_result *rev = &r->links[i].rev;
    if (r->links[i].checked && rev->status == CASC_REV_REVOKED) {
      char t[CASC_TIME_BUFSZ];
      casc_time_format(rev->revoked_at, t);
      subject_of(r->links[i].cert, who, sizeof who);
      r->verdict = CASC_VERDICT_REVOKED;
      snprintf(r->reason, sizeof r->reason, "%s%s is revoked since %s (%s, by %s)",
               i == 0 ? "" : "the issuing CA ", who, t,
               reason_text(rev->reason),
               casc_rev_source_name(rev->source));
      return;
    }
  }
  if (r->tls && r->must_staple && !(r->n_links > 0 && r->links[0].rev.staple_valid)) {
    r->verdict = CASC_VERDICT_INVALID;
    snprintf(r->reason, sizeof r->reason,
             "the certificate is Must-Staple (RFC 7633) and the server %s",
             r->stapled ? "stapled a response that does not verify" : "stapled no response");
    return;
  }
  for (size_t i = 0; i < r->n_links; i++) {
    const casc_revcheck_result *rev = &r->links[i].rev;
    bool soft = false;
    if (!r->links[i].checked ||
        (casc_revcheck_judge(rev, opts->policy, 0, &soft) == CASC_VERDICT_GOOD && !soft))
      continue;
    subject_of(r->links[i].cert, who, sizeof who);
    snprintf(r->reason, sizeof r->reason, "revocation status of %s %s: %s", who,
             rev->status == CASC_REV_UNKNOWN ? "is unknown to its responder" : "not learned",
             rev->detail[0] != '\0' ? rev->detail : "no source");
    r->soft_failed = soft;
    r->verdict = soft ? CASC_VERDICT_GOOD : CASC_VERDICT_INDETERMINATE;
    return;
  }
  r->verdict = CASC_VERDICT_GOOD;
}

casc_err casc_check_run(const casc_check_opts *opts, casc_check_report *r, casc_error *e) {
  STACK_OF(X509) *input = NULL, *chain = NULL;
  casc_err rc = CASC_OK;
  memset(r, 0, sizeof *r);
  r->verdict = CASC_VERDICT_INDETERMINATE;
  r->status = CASC_REV_INDETERMINATE;
  if ((opts->file == NULL) == (opts->host == NULL))
    return casc_error_set(e, CASC_ERR_USAGE, "one certificate file or one tls:// host");
  if (opts->staple_file != NULL && opts->file == NULL)
    return casc_error_set(e, CASC_ERR_USAGE, "a staple file is for a certificate file");
  if (opts->file != NULL) {
    if ((rc = read_certs(opts->file, &input, e)) != CASC_OK)
      return rc;
    if (opts->staple_file != NULL &&
        (rc = casc_file_read(opts->staple_file, MAX_CERT_FILE, &r->staple_file_der,
                             &r->staple_file_len, e)) != CASC_OK) {
      sk_X509_pop_free(input, X509_free);
      return rc;
    }
  } else {
    r->tls = true;
    if ((rc = casc_tls_probe(opts->host, opts->port, opts->servername, opts->timeout_ms,
                             &r->tls_info, e)) != CASC_OK)
      return rc;
    r->stapled = r->tls_info.staple != NULL;
    input = X509_chain_up_ref(r->tls_info.peer_chain);
    if (input == NULL)
      return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  }
  r->leaf = sk_X509_shift(input); /* the rest are the intermediates offered */
  r->must_staple = casc_revcheck_must_staple(r->leaf);

  casc_chain_opts co = {.trust_file = opts->trust_file,
                        .untrusted = input,
                        .no_fetch = opts->no_fetch,
                        .host = r->tls ? (opts->servername != NULL ? opts->servername : opts->host)
                                       : NULL,
                        .purpose = r->tls ? X509_PURPOSE_SSL_SERVER : 0,
                        .timeout_ms = opts->timeout_ms};
  casc_error ce = {0};
  rc = casc_revcheck_chain(r->leaf, &co, &chain, &r->expired, &ce);
  if (rc == CASC_ERR_INTEGRITY) {
    r->verdict = CASC_VERDICT_INVALID;
    snprintf(r->reason, sizeof r->reason, "%s", ce.msg);
    rc = CASC_OK;
    goto out;
  }
  if (rc != CASC_OK) {
    *e = ce;
    goto out;
  }
  r->chain_valid = true;
  r->n_links = (size_t)sk_X509_num(chain);
  r->links = calloc(r->n_links, sizeof *r->links);
  if (r->links == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < r->n_links; i++) {
    r->links[i].cert = sk_X509_value(chain, (int)i);
    X509_up_ref(r->links[i].cert);
  }
  /* every certificate below the anchor; the anchor is trusted as it is */
  for (size_t i = 0; i + 1 < r->n_links; i++) {
    casc_revcheck_opts ro = {.no_ocsp = opts->no_ocsp,
                             .no_crl = opts->no_crl,
                             .timeout_ms = opts->timeout_ms,
                             .no_cache = opts->no_cache};
    if (i == 0 && r->stapled) {
      ro.staple = r->tls_info.staple;
      ro.staple_len = r->tls_info.staple_len;
    } else if (i == 0 && r->staple_file_der != NULL) {
      ro.staple = r->staple_file_der;
      ro.staple_len = r->staple_file_len;
    }
    r->links[i].checked = true;
    if ((rc = casc_revcheck_status(r->links[i].cert, r->links[i + 1].cert, &ro, &r->links[i].rev,
                                   e)) != CASC_OK)
      goto out;
  }
  if (r->n_links > 1) {
    r->source = r->links[0].rev.source;
    r->status = r->links[0].rev.status;
  }
  decide(opts, r);
out:
  sk_X509_pop_free(input, X509_free);
  sk_X509_pop_free(chain, X509_free);
  return rc;
}

void casc_check_report_free(casc_check_report *r) {
  if (r == NULL)
    return;
  X509_free(r->leaf);
  for (size_t i = 0; i < r->n_links; i++)
    X509_free(r->links[i].cert);
  free(r->links);
  casc_tls_info_free(&r->tls_info);
  free(r->staple_file_der);
  memset(r, 0, sizeof *r);
}
