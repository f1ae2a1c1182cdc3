/* Revocation by CRL: fetch (or take from the disk cache), verify against
 * the issuer, check the CRL may answer for this certificate (RFC 5280
 * 6.3.3) and is current, then look the serial up in the index. */
#include "revcheck_internal.h"

#include "casc/crlindex.h"
#include "casc/fetch.h"

#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#define MAX_DP_URLS 4

/* The http(s) URIs of cert's CRL distribution points (fullName only). */
static size_t dp_urls(X509 *cert, char urls[MAX_DP_URLS][CASC_FETCH_URL_MAX]) {
  CRL_DIST_POINTS *dps = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
  size_t n = 0;
  for (int i = 0; i < sk_DIST_POINT_num(dps) && n < MAX_DP_URLS; i++) {
    const DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
    if (dp->distpoint == NULL || dp->distpoint->type != 0 || dp->CRLissuer != NULL)
      continue; /* relative names and indirect CRLs are not followed */
    const GENERAL_NAMES *names = dp->distpoint->name.fullname;
    for (int j = 0; j < sk_GENERAL_NAME_num(names) && n < MAX_DP_URLS; j++) {
      const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, j);
      if (gn->type != GEN_URI)
        continue;
      const ASN1_IA5STRING *s = gn->d.uniformResourceIdentifier;
      if (s->length <= 0 || (size_t)s->length >= CASC_FETCH_URL_MAX ||
          memchr(s->data, '\0', (size_t)s->length) != NULL)
        continue;
      memcpy(urls[n], s->data, (size_t)s->length);
      urls[n][s->length] = '\0';
      if (casc_fetch_url_ok(urls[n]))
        n++;
    }
  }
  CRL_DIST_POINTS_free(dps);
  ERR_clear_error();
  return n;
}

/* Every check a CRL must pass before it may answer for cert; the reason
 * into e when it fails. */
static casc_err usable(const casc_crl_index *ix, X509 *cert, X509 *issuer, const char *url,
                       time_t now, casc_error *e) {
  casc_err rc = casc_crl_index_verify(ix, issuer, e);
  if (rc == CASC_OK)
    rc = casc_crl_index_check_scope(ix, cert, url, e);
  if (rc != CASC_OK)
    return rc;
  const casc_crl_index_info *in = casc_crl_index_get_info(ix);
  char t[CASC_TIME_BUFSZ];
  if (in->this_update > now + REV_SKEW) {
    casc_time_format(in->this_update, t);
    return casc_error_set(e, CASC_ERR_POLICY, "thisUpdate %s is in the future", t);
  }
  if (in->next_update == 0)
    return casc_error_set(e, CASC_ERR_POLICY, "no nextUpdate: cannot tell whether it is current");
  if (in->next_update <= now) {
    casc_time_format(in->next_update, t);
    return casc_error_set(e, CASC_ERR_POLICY, "stale: its nextUpdate %s has passed", t);
  }
  return CASC_OK;
}

static casc_err fetch(const char *url, const casc_revcheck_opts *opts, casc_crl_index **out,
                      casc_error *e) {
  casc_fetch_opts fo = {.max_size = CASC_REVCHECK_CRL_MAX, .timeout_ms = opts->timeout_ms};
  if (opts->timeout_ms > 0 && opts->timeout_ms < CASC_FETCH_CONNECT_TIMEOUT_MS)
    fo.connect_timeout_ms = opts->timeout_ms;
  casc_fetch_response res = {0};
  casc_err rc = casc_fetch_get(url, &fo, &res, e);
  if (rc == CASC_OK) {
    rc = casc_crl_index_adopt(res.body, res.len, out, e);
    res.body = NULL; /* the index's now, or already freed */
  }
  casc_fetch_response_free(&res);
  return rc;
}

static void answer(casc_revcheck_result *out, const casc_crl_index *ix, bool found,
                   const casc_crl_index_entry *ent, const char *url, bool cached) {
  const casc_crl_index_info *in = casc_crl_index_get_info(ix);
  out->source = CASC_REV_SOURCE_CRL;
  out->status = found ? CASC_REV_REVOKED : CASC_REV_GOOD;
  out->this_update = in->this_update;
  out->next_update = in->next_update;
  out->crl_cached = cached;
  snprintf(out->url, sizeof out->url, "%s", url);
  if (found) {
    out->revoked_at = ent->revocation_date;
    out->reason = ent->reason;
    out->invalidity_date = ent->has_invalidity_date ? ent->invalidity_date : 0;
  }
}

casc_err rev_crl_status(X509 *cert, X509 *issuer, const casc_revcheck_opts *opts, time_t now,
                        casc_revcheck_result *out, casc_error *e) {
  char urls[MAX_DP_URLS][CASC_FETCH_URL_MAX];
  size_t n = dp_urls(cert, urls);
  char dir[4096] = "";
  casc_error ce = {0};
  if (n == 0) {
    rev_detail(out, "crl: the certificate has no http(s) CRL distribution point");
    return CASC_OK;
  }
  if (!opts->no_cache) {
    if (opts->cache_dir != NULL)
      snprintf(dir, sizeof dir, "%s", opts->cache_dir);
    else if (casc_crl_cache_dir(dir, sizeof dir, &ce) != CASC_OK)
      dir[0] = '\0'; /* no HOME: run without a cache */
  }
  for (size_t i = 0; i < n; i++) {
    casc_crl_index *ix = NULL;
    bool cached = false;
    if (dir[0] != '\0' && casc_crl_cache_get(dir, urls[i], now, &ix, &ce) == CASC_OK &&
        ix != NULL) {
      cached = true;
      if (usable(ix, cert, issuer, urls[i], now, &ce) != CASC_OK) {
        casc_crl_index_free(ix); /* not for us after all: fetch a fresh one */
        ix = NULL;
        cached = false;
      }
    }
    if (ix == NULL) {
      casc_err rc = fetch(urls[i], opts, &ix, &ce);
      if (rc == CASC_ERR_NOMEM)
        return casc_error_set(e, rc, "%s", ce.msg);
      if (rc == CASC_OK && usable(ix, cert, issuer, urls[i], now, &ce) != CASC_OK)
        rc = ce.code;
      if (rc != CASC_OK) {
        rev_detail(out, "crl %s: %s", urls[i], ce.msg);
        casc_crl_index_free(ix);
        continue;
      }
    }
    bool found = false;
    casc_crl_index_entry ent;
    if (casc_crl_index_lookup_cert(ix, cert, &found, &ent, &ce) != CASC_OK) {
      rev_detail(out, "crl %s: %s", urls[i], ce.msg);
      casc_crl_index_free(ix);
      continue;
    }
    answer(out, ix, found, &ent, urls[i], cached);
    if (!cached && dir[0] != '\0' && casc_crl_cache_put(dir, urls[i], ix, &ce) != CASC_OK)
      casc_log(CASC_LOG_DEBUG, "CRL cache: %s", ce.msg); /* a cache is optional */
    casc_crl_index_free(ix);
    return CASC_OK;
  }
  return CASC_OK;
}
