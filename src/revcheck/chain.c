/* Chain building and validation: OpenSSL's X509_verify_cert against the
 * trust store, with the intermediates offered, and those still missing
 * fetched through AIA caIssuers (as browsers do) a few times over. */
#include "revcheck_internal.h"

#include "casc/fetch.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

/* Issuers fetched for one chain at most: no path is longer in practice,
 * and a loop of caIssuers URLs ends here. */
#define MAX_FETCHED 4

static casc_err load_store(const char *trust_file, X509_STORE **out, casc_error *e) {
  X509_STORE *store = X509_STORE_new();
  if (store == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  if (trust_file == NULL) {
    if (X509_STORE_set_default_paths(store) != 1) {
      X509_STORE_free(store);
      return casc_error_ssl(e, CASC_ERR_IO, "the system trust store cannot be loaded");
    }
  } else {
    /* PEM certificates only: X509_STORE_load_file would also read CRLs,
     * which would silently change what "trusted" means */
    BIO *in = BIO_new_file(trust_file, "r");
    size_t n = 0;
    X509 *x;
    if (in == NULL) {
      X509_STORE_free(store);
      return casc_error_ssl(e, CASC_ERR_IO, "--trust %s: cannot be read", trust_file);
    }
    while ((x = PEM_read_bio_X509(in, NULL, NULL, NULL)) != NULL) {
      int ok = X509_STORE_add_cert(store, x);
      X509_free(x);
      if (ok != 1) {
        BIO_free(in);
        X509_STORE_free(store);
        return casc_error_ssl(e, CASC_ERR_NOMEM, "--trust %s", trust_file);
      }
      n++;
    }
    BIO_free(in);
    ERR_clear_error();
    if (n == 0) {
      X509_STORE_free(store);
      return casc_error_set(e, CASC_ERR_PARSE, "--trust %s: no PEM certificate in it", trust_file);
    }
  }
  *out = store;
  return CASC_OK;
}

static void name_of(X509 *x, char *buf, size_t bufsz) {
  BIO *b = BIO_new(BIO_s_mem());
  buf[0] = '\0';
  if (b != NULL && X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253) >= 0) {
    int n = BIO_read(b, buf, (int)bufsz - 1);
    buf[n > 0 ? n : 0] = '\0';
  }
  BIO_free(b);
}

static bool missing_issuer(int err) {
  return err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
         err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
         err == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
}

static casc_err setup_ctx(X509_STORE_CTX *ctx, X509_STORE *store, X509 *cert,
                          STACK_OF(X509) *untrusted, const casc_chain_opts *opts, time_t now,
                          casc_error *e) {
  if (X509_STORE_CTX_init(ctx, store, cert, untrusted) != 1)
    return casc_error_ssl(e, CASC_ERR_NOMEM, "X509_STORE_CTX_init");
  X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_time(param, now);
  /* a certificate the user names as trusted is an anchor even when it is
   * not self-signed (an issuing CA of a private PKI), as openssl verify
   * -partial_chain; the system store keeps its roots-only meaning */
  if (opts->trust_file != NULL)
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  if (opts->purpose != 0 && X509_STORE_CTX_set_purpose(ctx, opts->purpose) != 1)
    return casc_error_ssl(e, CASC_ERR_INTERNAL, "X509_STORE_CTX_set_purpose");
  if (opts->host != NULL) {
    int ok = X509_VERIFY_PARAM_set1_ip_asc(param, opts->host);
    if (ok != 1) {
      ERR_clear_error();
      ok = X509_VERIFY_PARAM_set1_host(param, opts->host, 0);
    }
    if (ok != 1)
      return casc_error_ssl(e, CASC_ERR_USAGE, "%s: not a host name or IP address", opts->host);
  }
  return CASC_OK;
}

casc_err casc_revcheck_chain(X509 *cert, const casc_chain_opts *opts, STACK_OF(X509) **chain,
                             bool *expired, casc_error *e) {
  X509_STORE *store = NULL;
  STACK_OF(X509) *untrusted = NULL;
  X509_STORE_CTX *ctx = NULL;
  char fetch_note[600] = "";
  time_t now = opts->now != 0 ? opts->now : casc_now();
  *chain = NULL;
  *expired = false;
  casc_err rc = load_store(opts->trust_file, &store, e);
  if (rc != CASC_OK)
    return rc;
  untrusted = opts->untrusted != NULL ? X509_chain_up_ref(opts->untrusted) : sk_X509_new_null();
  ctx = X509_STORE_CTX_new();
  if (untrusted == NULL || ctx == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  for (int fetched = 0;; fetched++) {
    X509_STORE_CTX_cleanup(ctx);
    if ((rc = setup_ctx(ctx, store, cert, untrusted, opts, now, e)) != CASC_OK)
      goto out;
    if (X509_verify_cert(ctx) == 1) {
      *chain = X509_STORE_CTX_get1_chain(ctx);
      rc = *chain != NULL ? CASC_OK : casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
      goto out;
    }
    int err = X509_STORE_CTX_get_error(ctx);
    STACK_OF(X509) *partial = X509_STORE_CTX_get0_chain(ctx);
    X509 *top = sk_X509_num(partial) > 0 ? sk_X509_value(partial, sk_X509_num(partial) - 1) : cert;
    if (missing_issuer(err) && !opts->no_fetch && fetched < MAX_FETCHED) {
      casc_fetch_opts fo = {.timeout_ms = opts->timeout_ms};
      casc_error fe = {0};
      X509 *issuer = NULL;
      casc_err frc = casc_fetch_issuer(top, &fo, &issuer, &fe);
      if (frc == CASC_OK && sk_X509_push(untrusted, issuer) > 0)
        continue;
      X509_free(issuer);
      if (frc != CASC_ERR_NOT_FOUND)
        snprintf(fetch_note, sizeof fetch_note, " (caIssuers: %s)", fe.msg);
    }
    X509 *bad = X509_STORE_CTX_get_current_cert(ctx);
    char who[256];
    name_of(bad != NULL ? bad : top, who, sizeof who);
    *expired = err == X509_V_ERR_CERT_HAS_EXPIRED;
    ERR_clear_error();
    rc = casc_error_set(e, CASC_ERR_INTEGRITY, "chain: %s (depth %d, %s)%s",
                        X509_verify_cert_error_string(err), X509_STORE_CTX_get_error_depth(ctx),
                        who[0] != '\0' ? who : "empty subject", fetch_note);
    goto out;
  }
out:
  X509_STORE_CTX_free(ctx);
  sk_X509_pop_free(untrusted, X509_free);
  X509_STORE_free(store);
  return rc;
}
