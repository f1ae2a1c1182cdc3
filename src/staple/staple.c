/* One staple: fetch, verify, compare with the file in place, write. */
#include "casc/staple.h"

#include "casc/fetch.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHAIN_MAX (4 * 1024 * 1024)

void casc_staple_report_free(casc_staple_report *r) {
  if (r == NULL)
    return;
  casc_ocsp_client_result_free(&r->fetched);
  memset(r, 0, sizeof *r);
}

const char *casc_staple_outcome_name(casc_staple_outcome o) {
  switch (o) {
  case CASC_STAPLE_WRITTEN:
    return "written";
  case CASC_STAPLE_KEPT:
    return "kept";
  case CASC_STAPLE_REVOKED:
    return "revoked";
  case CASC_STAPLE_UNKNOWN:
    return "unknown";
  case CASC_STAPLE_INVALID:
    return "invalid";
  default:
    return "unreachable";
  }
}

casc_err casc_staple_path_for(const char *cert_path, char *buf, size_t bufsz, casc_error *e) {
  int n = snprintf(buf, bufsz, "%s%s", cert_path, CASC_STAPLE_SUFFIX);
  if (n < 0 || (size_t)n >= bufsz)
    return casc_error_set(e, CASC_ERR_USAGE, "%s: path too long", cert_path);
  return CASC_OK;
}

/* What the file at path holds now, when it verifies for (cert, issuer). A
 * missing, unreadable or invalid file counts as no staple: replacing it
 * can only help. */
static void read_existing(const char *path, X509 *cert, X509 *issuer,
                          const casc_staple_opts *opts, casc_staple_report *r,
                          unsigned char **bytes, size_t *len) {
  casc_error ignore = {0};
  casc_ocsp_client_result ex;
  *bytes = NULL;
  *len = 0;
  if (issuer == NULL)
    return; /* cannot be judged: counts as none, and nothing will be written anyway */
  if (casc_file_read(path, CASC_OCSP_CLIENT_MAX_RESPONSE * 16, bytes, len, &ignore) != CASC_OK)
    return;
  casc_ocsp_client_opts vo = {.skew = opts->ocsp.skew, .now = opts->ocsp.now};
  if (casc_ocsp_client_verify(*bytes, *len, cert, issuer, NULL, 0, &vo, &ex, &ignore) == CASC_OK &&
      ex.status == CASC_OCSP_CLIENT_GOOD) {
    r->existing_valid = true;
    r->existing_this_update = ex.this_update;
    r->existing_next_update = ex.next_update;
    r->existing_produced_at = ex.produced_at;
  }
  casc_ocsp_client_result_free(&ex);
}

/* Asks the responder and writes the answer when it is good and newer than
 * the staple in place (old, and what read_existing put in r). Returns an
 * error only for unusable inputs or a failed write. */
static casc_err ask_and_write(const char *chain_path, const char *out_path, X509 *cert,
                              X509 *issuer, const casc_staple_opts *o, casc_staple_report *r,
                              const unsigned char *old, size_t old_len, casc_error *e) {
  casc_error qe = {0};
  casc_err rc = casc_ocsp_client_query(cert, issuer, &o->ocsp, &r->fetched, &qe);
  const casc_ocsp_client_result *f = &r->fetched;
  if (rc == CASC_ERR_INTEGRITY) {
    r->outcome = CASC_STAPLE_INVALID;
    rc = CASC_OK;
  } else if (rc == CASC_ERR_IO) {
    r->outcome = CASC_STAPLE_UNREACHABLE;
    rc = CASC_OK;
  } else if (rc != CASC_OK) {
    rc = casc_error_set(e, rc, "%s: %s", chain_path, qe.msg);
  } else if (f->status == CASC_OCSP_CLIENT_REVOKED) {
    r->outcome = CASC_STAPLE_REVOKED;
  } else if (f->status == CASC_OCSP_CLIENT_UNKNOWN) {
    r->outcome = CASC_STAPLE_UNKNOWN;
  } else if (r->existing_valid &&
             (r->existing_this_update > f->this_update ||
              (r->existing_this_update == f->this_update &&
               r->existing_produced_at >= f->produced_at))) {
    /* Same or older than what is in place: a web server reloading for
     * nothing, or going back in time, helps nobody. */
    r->outcome = CASC_STAPLE_KEPT;
  } else if (old != NULL && old_len == f->der_len && memcmp(old, f->der, old_len) == 0) {
    r->outcome = CASC_STAPLE_KEPT;
  } else if ((rc = casc_file_write_atomic(out_path, f->der, f->der_len, 0644, e)) == CASC_OK) {
    r->outcome = CASC_STAPLE_WRITTEN;
  }
  return rc;
}

casc_err casc_staple_update(const char *chain_path, const char *out_path,
                            const casc_staple_opts *opts, casc_staple_report *report,
                            casc_error *e) {
  casc_err rc = CASC_ERR_INTERNAL;
  casc_staple_opts o = opts != NULL ? *opts : (casc_staple_opts){0};
  casc_staple_report tmp;
  casc_staple_report *r = report != NULL ? report : &tmp;
  unsigned char *buf = NULL, *old = NULL;
  size_t len = 0, old_len = 0;
  STACK_OF(X509) *chain = NULL;
  X509 *fetched_issuer = NULL;
  casc_error qe = {0};

  memset(r, 0, sizeof *r);
  r->fetched.response_status = -1;
  r->fetched.reason = -1;
  o.ocsp.nonce = false;
  if ((rc = casc_file_read(chain_path, CHAIN_MAX, &buf, &len, e)) != CASC_OK)
    goto out;
  if (casc_fetch_parse_certs(buf, len, &chain, &qe) != CASC_OK) {
    rc = casc_error_set(e, CASC_ERR_PARSE, "%s: no certificate in it (PEM or DER)%s", chain_path,
                        len == 0 ? " (empty file)" : "");
    goto out;
  }
  X509 *cert = sk_X509_value(chain, 0);
  X509 *issuer = sk_X509_num(chain) > 1 ? sk_X509_value(chain, 1) : NULL;
  if (issuer == NULL) {
    /* Found once here, so that the staple in place is judged against it. */
    rc = casc_fetch_issuer(cert, &o.ocsp.fetch, &fetched_issuer, &qe);
    if (rc == CASC_ERR_IO) {
      /* No issuer, no question to ask: unreachable, like the responder. */
      r->outcome = CASC_STAPLE_UNREACHABLE;
      r->fetched.outcome = CASC_OCSP_OUTCOME_UNREACHABLE;
      snprintf(r->fetched.error, sizeof r->fetched.error, "%s", qe.msg);
    } else if (rc != CASC_OK) {
      rc = casc_error_set(e, rc, "%s: %s", chain_path, qe.msg);
      goto out;
    } else {
      issuer = fetched_issuer;
    }
  }

  if (issuer != NULL) {
    read_existing(out_path, cert, issuer, &o, r, &old, &old_len);
    if ((rc = ask_and_write(chain_path, out_path, cert, issuer, &o, r, old, old_len, e)) !=
        CASC_OK)
      goto out;
  }
  if (r->outcome == CASC_STAPLE_WRITTEN) {
    r->in_place_this_update = r->fetched.this_update;
    r->in_place_next_update = r->fetched.next_update;
  } else if (r->existing_valid) {
    r->in_place_this_update = r->existing_this_update;
    r->in_place_next_update = r->existing_next_update;
  }
  rc = CASC_OK;
out:
  if (r == &tmp)
    casc_staple_report_free(&tmp);
  free(buf);
  free(old);
  sk_X509_pop_free(chain, X509_free);
  X509_free(fetched_issuer);
  return rc;
}
