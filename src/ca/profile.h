/* Profile definitions, private to the ca module. */
#ifndef CASC_CA_PROFILE_H
#define CASC_CA_PROFILE_H

#include "ca_internal.h"

typedef struct {
  casc_profile id;
  const char *name;
  const char *issuer_purpose;  /* which issuer signs it by default */
  casc_cert_kind kind;
  int default_days;
  unsigned ku_ec, ku_rsa;      /* key usage bits for EC and RSA subject keys */
  int ekus[3];
  size_t n_ekus;
  bool eku_critical;
  const char *policy;          /* CA/B Forum reserved policy OID, or NULL */
  int min_rsa_bits;
  const char *key_rule;
  int required[3];             /* subject attributes (NIDs) that must be present */
  bool need_locality_or_state;
  const char *subject_rule;
} casc_profile_def;

const casc_profile_def *casc_profile_get(casc_profile p);
/* The longest validity allowed for a certificate starting at not_before;
 * *rule cites the requirement. */
int casc_profile_max_days(const casc_profile_def *def, time_t not_before, const char **rule);
/* CASC_ERR_POLICY when key breaks the key rules (BR 6.1.5, 6.1.6; CSBR 6.1.5). */
casc_err casc_key_check(const EVP_PKEY *key, int min_rsa_bits, const char *rule,
                        const char *what, casc_error *e);
/* Lower-cases name in place and checks it is a DNS name a CA may certify. */
casc_err casc_dns_name_check(char *name, casc_error *e);
casc_err casc_subject_check(const casc_profile_def *def, const X509_NAME *name, casc_error *e);

#endif
