/* The certificate object of `casc list --json` and `casc show --json`. */
#include "certjson.h"

#include <string.h>

/* The issuer's name as RFC 4514, decoded once per issuer rather than once
 * per row: `casc list` over a large database would otherwise spend its time
 * in d2i_X509. */
static const char *issuer_name(const casc_issuer_rec *is) {
  static struct {
    int64_t id;
    char name[CASC_DN_MAX];
  } cache[32];
  static size_t used;
  if (is == NULL)
    return "";
  for (size_t i = 0; i < used; i++)
    if (cache[i].id == is->id)
      return cache[i].name;
  static char scratch[CASC_DN_MAX];
  char *out = used < sizeof cache / sizeof cache[0] ? cache[used].name : scratch;
  const unsigned char *p = is->cert_der;
  X509 *cert = d2i_X509(NULL, &p, (long)is->cert_len);
  out[0] = '\0';
  if (cert != NULL)
    casc_name_format(X509_get_subject_name(cert), out, CASC_DN_MAX);
  X509_free(cert);
  if (out != scratch)
    cache[used++].id = is->id;
  return out;
}

json_t *cli_cert_json(const casc_ca *ca, const casc_cert_rec *rec, time_t now) {
  char nb[CASC_TIME_BUFSZ], na[CASC_TIME_BUFSZ], ra[CASC_TIME_BUFSZ], inv[CASC_TIME_BUFSZ];
  const casc_issuer_rec *is = casc_ca_issuer_by_id(ca, rec->issuer_id);
  const char *issuer = issuer_name(is);
  casc_time_format(rec->not_before, nb);
  casc_time_format(rec->not_after, na);
  casc_time_format(rec->revoked_at, ra);
  casc_time_format(rec->invalidity_date, inv);
  const char *reason = rec->revoked && rec->reason >= 0 ? casc_reason_name(rec->reason) : NULL;
  if (rec->revoked && rec->reason < 0)
    reason = "unspecified";
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s, s:s}", "serial",
                   rec->serial, "issuer", issuer, "subject", rec->subject, "profile",
                   rec->profile, "not_before", nb, "not_after", na, "status",
                   casc_cert_status_name(casc_cert_status_at(rec, now)), "revoked_at",
                   rec->revoked ? ra : NULL, "reason", reason, "invalidity_date",
                   rec->invalidity_date != 0 ? inv : NULL, "sans", rec->sans != NULL ? rec->sans : "",
                   "issuer_name", is != NULL ? is->name : "");
}
