/* casc_ca_revoke: record a revocation and its audit entry, durably. */
#include "ca_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* BR 7.2.2 and CSBR 7.2.2: the reasons a CRL entry may carry. unspecified
 * is expressed by leaving the reason out. */
static casc_err check_reason(const casc_cert_rec *rec, int reason, casc_error *e) {
  bool ca_cert = strcmp(rec->profile, "sub-ca") == 0;
  if (reason >= 0 && casc_reason_name(reason) == NULL)
    return casc_error_set(e, CASC_ERR_USAGE, "reason code %d is not an RFC 5280 CRLReason",
                          reason);
  if (ca_cert && reason <= 0)
    return casc_error_set(e, CASC_ERR_POLICY,
                          "serial %s: a CA certificate is revoked with a reason (BR 7.2.2: "
                          "keyCompromise, cACompromise, affiliationChanged, superseded or "
                          "cessationOfOperation)",
                          rec->serial);
  switch (reason) {
  case -1:
  case 0:
  case 1: /* keyCompromise */
  case 3: /* affiliationChanged */
  case 4: /* superseded */
  case 5: /* cessationOfOperation */
    return CASC_OK;
  case 9: /* privilegeWithdrawn */
    if (!ca_cert)
      return CASC_OK;
    break;
  case 2: /* cACompromise */
    if (ca_cert)
      return CASC_OK;
    break;
  default:
    break;
  }
  return casc_error_set(e, CASC_ERR_POLICY,
                        "serial %s: reason %s is not allowed for %s certificates (BR 7.2.2)",
                        rec->serial, casc_reason_name(reason), ca_cert ? "CA" : "subscriber");
}

/* Code-signing and timestamping certificates follow CSBR 7.2.2: the
 * revocation date is the date from which signatures are no longer trusted,
 * so an earlier invalidity date moves the revocation date back to it. */
static bool backdates_revocation(const casc_cert_rec *rec) {
  return strcmp(rec->profile, "code-signing") == 0 || strcmp(rec->profile, "timestamping") == 0;
}

static casc_err audit_revoke(casc_store *store, const casc_cert_rec *rec, time_t at, int reason,
                             time_t invalidity, casc_error *e) {
  char when[CASC_TIME_BUFSZ], inv[CASC_TIME_BUFSZ];
  casc_time_format(at, when);
  casc_time_format(invalidity, inv);
  const char *reason_name = reason >= 0 ? casc_reason_name(reason) : NULL;
  return casc_audit_append_json(store, "revoke",
                                json_pack("{s:s, s:s, s:s?, s:s?}", "serial", rec->serial,
                                          "revoked_at", when, "reason", reason_name,
                                          "invalidity_date", invalidity != 0 ? inv : NULL),
                                e);
}

casc_err casc_ca_revoke(casc_ca *ca, const char *serial_in, int reason, time_t invalidity_date,
                        casc_cert_rec *out, casc_error *e) {
  char serial[CASC_SERIAL_MAX];
  casc_cert_rec rec = {0};
  casc_err rc = casc_serial_normalize(serial_in, serial, e);
  memset(out, 0, sizeof *out);
  if (rc != CASC_OK)
    return rc;
  if ((rc = casc_store_cert_get(ca->store, serial, &rec, e)) != CASC_OK)
    return rc;
  if (rec.revoked) {
    char when[CASC_TIME_BUFSZ];
    casc_time_format(rec.revoked_at, when);
    rc = casc_error_set(e, CASC_ERR_ALREADY_REVOKED, "serial %s: already revoked at %s", serial,
                        when);
    goto out;
  }
  if (reason == 0)
    reason = -1; /* BR 7.2.2: unspecified is never written, the reason is omitted */
  if ((rc = check_reason(&rec, reason, e)) != CASC_OK)
    goto out;
  time_t now = casc_now(), at = now;
  if (invalidity_date != 0) {
    if (invalidity_date > now) {
      rc = casc_error_set(e, CASC_ERR_USAGE, "--invalidity-date: in the future");
      goto out;
    }
    if (backdates_revocation(&rec))
      at = invalidity_date;
  }
  if ((rc = casc_store_begin(ca->store, e)) != CASC_OK)
    goto out;
  if ((rc = casc_store_cert_revoke(ca->store, serial, at, reason, invalidity_date, e)) ==
          CASC_OK &&
      (rc = audit_revoke(ca->store, &rec, at, reason, invalidity_date, e)) == CASC_OK)
    rc = casc_store_commit(ca->store, e);
  if (rc != CASC_OK) {
    casc_store_rollback(ca->store);
    goto out;
  }
  rec.revoked = true;
  rec.revoked_at = at;
  rec.reason = reason;
  rec.invalidity_date = invalidity_date;
  *out = rec;
  memset(&rec, 0, sizeof rec);
  casc_ca_checkpoint_or_warn(ca);
out:
  casc_cert_rec_clear(&rec);
  return rc;
}
