/* casc_ca_issue: check a request against its profile, sign, commit. */
#include "ca_internal.h"
#include "profile.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SANS 100

typedef struct {
  char *names[MAX_SANS];
  size_t n;
} dns_list;

static void dns_list_clear(dns_list *l) {
  for (size_t i = 0; i < l->n; i++)
    free(l->names[i]);
  l->n = 0;
}

static casc_err dns_list_add(dns_list *l, const char *name, size_t len, casc_error *e) {
  char *copy = strndup(name, len);
  if (copy == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  if (strlen(copy) != len) {
    free(copy);
    return casc_error_set(e, CASC_ERR_POLICY, "DNS name with a NUL byte (RFC 5280 4.2.1.6)");
  }
  casc_err rc = casc_dns_name_check(copy, e);
  for (size_t i = 0; rc == CASC_OK && i < l->n; i++)
    if (strcmp(l->names[i], copy) == 0) {
      free(copy); /* duplicates collapse */
      return CASC_OK;
    }
  if (rc == CASC_OK && l->n == MAX_SANS)
    rc = casc_error_set(e, CASC_ERR_POLICY, "more than %d DNS names", MAX_SANS);
  if (rc != CASC_OK) {
    free(copy);
    return rc;
  }
  l->names[l->n++] = copy;
  return CASC_OK;
}

/* The SANs a CSR asks for: only dNSNames are issued; anything else is
 * refused rather than silently dropped. */
static casc_err dns_from_csr(X509_REQ *csr, dns_list *l, casc_error *e) {
  STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(csr);
  casc_err rc = CASC_OK;
  for (int i = 0; rc == CASC_OK && i < sk_X509_EXTENSION_num(exts); i++) {
    X509_EXTENSION *ext = sk_X509_EXTENSION_value(exts, i);
    if (OBJ_obj2nid(X509_EXTENSION_get_object(ext)) != NID_subject_alt_name)
      continue;
    GENERAL_NAMES *names = X509V3_EXT_d2i(ext);
    if (names == NULL) {
      rc = casc_error_set(e, CASC_ERR_PARSE, "CSR: unreadable subjectAltName");
      break;
    }
    for (int j = 0; rc == CASC_OK && j < sk_GENERAL_NAME_num(names); j++) {
      const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, j);
      if (gn->type != GEN_DNS)
        rc = casc_error_set(e, CASC_ERR_POLICY,
                            "CSR: subjectAltName of a type casc does not issue (only dNSName; "
                            "BR 7.1.2.7.12)");
      else
        rc = dns_list_add(l, (const char *)ASN1_STRING_get0_data(gn->d.dNSName),
                          (size_t)ASN1_STRING_length(gn->d.dNSName), e);
    }
    GENERAL_NAMES_free(names);
  }
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  return rc;
}

static casc_err build_san(const dns_list *l, GENERAL_NAMES **out, casc_error *e) {
  GENERAL_NAMES *names = sk_GENERAL_NAME_new_null();
  if (names == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < l->n; i++) {
    GENERAL_NAME *gn = GENERAL_NAME_new();
    ASN1_IA5STRING *s = ASN1_IA5STRING_new();
    if (gn == NULL || s == NULL || ASN1_STRING_set(s, l->names[i], -1) != 1) {
      GENERAL_NAME_free(gn);
      ASN1_IA5STRING_free(s);
      GENERAL_NAMES_free(names);
      return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    }
    GENERAL_NAME_set0_value(gn, GEN_DNS, s);
    if (sk_GENERAL_NAME_push(names, gn) <= 0) {
      GENERAL_NAME_free(gn);
      GENERAL_NAMES_free(names);
      return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    }
  }
  *out = names;
  return CASC_OK;
}

static casc_err find_issuer(casc_ca *ca, const casc_profile_def *def, const char *name,
                            size_t *index, casc_error *e) {
  /* The profile names its issuer. Only a delegated OCSP responder may come
   * from another issuing CA (each has its own, RFC 6960 4.2.2.2), and never
   * from the root, which signs no end-entity certificate (BR 6.1.7). */
  if (name != NULL && def->id != CASC_PROFILE_OCSP_SIGNING)
    return casc_error_set(e, CASC_ERR_POLICY,
                          "--issuer is only for ocsp-signing certificates: %s certificates come "
                          "from their purpose's issuing CA (BR 7.1.2.10.6, CSBR 7.1.2.2)",
                          def->name);
  for (size_t i = 0; i < ca->n_issuers; i++) {
    bool match = name != NULL ? strcmp(ca->issuers[i].name, name) == 0
                              : strcmp(ca->issuers[i].purpose, def->issuer_purpose) == 0;
    if (!match)
      continue;
    if (name != NULL && ca->issuers[i].parent_id == 0)
      return casc_error_set(e, CASC_ERR_POLICY,
                            "--issuer %s: the root signs no end-entity certificates (BR 6.1.7)",
                            name);
    *index = i;
    return CASC_OK;
  }
  if (name != NULL)
    return casc_error_set(e, CASC_ERR_NOT_FOUND, "--issuer %s: no such issuer", name);
  return casc_error_set(e, CASC_ERR_NOT_FOUND, "%s: this CA has no issuer for %s certificates",
                        ca->dir, def->name);
}

/* An issuer that is revoked, or outside its validity, issues nothing. */
static casc_err check_issuer_usable(casc_ca *ca, size_t ix, time_t now, casc_error *e) {
  const casc_issuer_rec *is = &ca->issuers[ix];
  time_t from, until;
  casc_err rc = casc_asn1_time_get(X509_get0_notBefore(ca->issuer_certs[ix]), &from, e);
  if (rc == CASC_OK)
    rc = casc_asn1_time_get(X509_get0_notAfter(ca->issuer_certs[ix]), &until, e);
  if (rc != CASC_OK)
    return rc;
  if (now < from || now > until)
    return casc_error_set(e, CASC_ERR_POLICY, "issuer %s is outside its validity", is->name);
  if (is->parent_id == 0)
    return CASC_OK; /* a root is not in the certificates table */
  char serial[CASC_SERIAL_MAX];
  casc_cert_rec rec = {0};
  if ((rc = casc_serial_from_cert(ca->issuer_certs[ix], serial, e)) != CASC_OK)
    return rc;
  rc = casc_store_cert_get(ca->store, serial, &rec, e);
  if (rc == CASC_OK && rec.revoked)
    rc = casc_error_set(e, CASC_ERR_POLICY, "issuer %s is revoked: it issues nothing", is->name);
  else if (rc == CASC_ERR_NOT_FOUND)
    rc = CASC_OK; /* an issuer imported without its record */
  casc_cert_rec_clear(&rec);
  return rc;
}

/* The RSA floor for the subject key: a responder under a CA the Code
 * Signing BRs govern is held to their 3072 bits (CSBR 6.1.5), as init
 * does for the responders it makes. */
static int min_rsa_bits(const casc_ca *ca, const casc_profile_def *def, size_t ix,
                        const char **rule) {
  const char *purpose = ca->issuers[ix].purpose;
  *rule = def->key_rule;
  if (def->min_rsa_bits < 3072 &&
      (strcmp(purpose, "code-signing") == 0 || strcmp(purpose, "timestamping") == 0)) {
    *rule = "CSBR 6.1.5";
    return 3072;
  }
  return def->min_rsa_bits;
}

static casc_err audit_issue(casc_store *store, const casc_cert_rec *rec, const char *issuer,
                            casc_error *e) {
  char nb[CASC_TIME_BUFSZ], na[CASC_TIME_BUFSZ];
  casc_time_format(rec->not_before, nb);
  casc_time_format(rec->not_after, na);
  return casc_audit_append_json(
      store, "issue",
      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "serial", rec->serial, "issuer", issuer,
                "profile", rec->profile, "subject", rec->subject, "sans", rec->sans,
                "not_before", nb, "not_after", na),
      e);
}

casc_err casc_ca_commit_issued(casc_ca *ca, X509 *cert, size_t issuer_index,
                               const char *profile, casc_cert_rec *rec, casc_error *e) {
  casc_err rc = casc_cert_record(cert, ca->issuers[issuer_index].id, profile, rec, e);
  if (rc != CASC_OK)
    return rc;
  if ((rc = casc_store_begin(ca->store, e)) != CASC_OK)
    return rc;
  if ((rc = casc_store_cert_add(ca->store, rec, e)) == CASC_OK &&
      (rc = audit_issue(ca->store, rec, ca->issuers[issuer_index].name, e)) == CASC_OK)
    rc = casc_store_commit(ca->store, e);
  if (rc != CASC_OK)
    casc_store_rollback(ca->store);
  return rc;
}

static casc_err subject_for(const casc_issue_request *req, const casc_profile_def *def,
                            const dns_list *dns, X509_NAME **out, casc_error *e) {
  if (def->id == CASC_PROFILE_TLS_SERVER) {
    /* BR 7.1.2.7.2 (domain-validated): the subject holds at most a
     * commonName, and that must be one of the SANs; casc uses the first
     * that fits its 64 characters (RFC 5280 ub-common-name), and leaves
     * the subject empty (the SAN then critical) when none does. */
    X509_NAME *name = X509_NAME_new();
    if (name == NULL)
      return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < dns->n; i++) {
      if (strlen(dns->names[i]) > 64)
        continue;
      if (X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                     (const unsigned char *)dns->names[i], -1, -1, 0) != 1) {
        X509_NAME_free(name);
        return casc_error_ssl(e, CASC_ERR_NOMEM, "subject commonName");
      }
      break;
    }
    *out = name;
    return CASC_OK;
  }
  casc_err rc;
  X509_NAME *name = NULL;
  if (req->subject != NULL) {
    rc = casc_name_parse(req->subject, &name, e);
  } else if (req->csr != NULL) {
    name = X509_NAME_dup(X509_REQ_get_subject_name(req->csr));
    rc = name != NULL ? CASC_OK : casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  } else {
    return casc_error_set(e, CASC_ERR_USAGE, "%s certificates need --subject or --csr",
                          def->name);
  }
  if (rc == CASC_OK)
    rc = casc_subject_check(def, name, e);
  if (rc != CASC_OK) {
    X509_NAME_free(name);
    return rc;
  }
  *out = name;
  return CASC_OK;
}

static casc_err subject_key(const casc_issue_request *req, EVP_PKEY **out, casc_error *e) {
  if (req->csr != NULL) {
    EVP_PKEY *key = X509_REQ_get0_pubkey(req->csr);
    if (key == NULL)
      return casc_error_ssl(e, CASC_ERR_PARSE, "CSR: unreadable public key");
    if (X509_REQ_verify(req->csr, key) != 1)
      return casc_error_ssl(e, CASC_ERR_POLICY,
                            "CSR: the signature does not verify (proof of possession, BR "
                            "3.2.1)");
    *out = key;
    return CASC_OK;
  }
  if (req->public_key == NULL)
    return casc_error_set(e, CASC_ERR_USAGE, "no subject key: give --csr or let casc generate one");
  *out = req->public_key;
  return CASC_OK;
}

casc_err casc_ca_issue(casc_ca *ca, const casc_issue_request *req, casc_issued *out,
                       casc_error *e) {
  const casc_profile_def *def = casc_profile_get(req->profile);
  dns_list dns = {0};
  X509_NAME *subject = NULL;
  GENERAL_NAMES *san = NULL;
  EVP_PKEY *key = NULL, *issuer_key = NULL;
  X509 *cert = NULL;
  casc_cert_rec rec = {0};
  size_t ix = 0;
  casc_err rc = CASC_OK;
  memset(out, 0, sizeof *out);
  if (def == NULL)
    return casc_error_set(e, CASC_ERR_NOT_FOUND, "unknown profile");
  if (req->must_staple && def->id != CASC_PROFILE_TLS_SERVER)
    return casc_error_set(e, CASC_ERR_USAGE, "--must-staple is for tls-server certificates");
  const char *key_rule;
  if ((rc = find_issuer(ca, def, req->issuer, &ix, e)) != CASC_OK ||
      (rc = check_issuer_usable(ca, ix, casc_now(), e)) != CASC_OK ||
      (rc = subject_key(req, &key, e)) != CASC_OK)
    goto out;
  int min_rsa = min_rsa_bits(ca, def, ix, &key_rule);
  if ((rc = casc_key_check(key, min_rsa, key_rule, "subject key", e)) != CASC_OK)
    goto out;
  if (def->id == CASC_PROFILE_TLS_SERVER) {
    if (req->csr != NULL && (rc = dns_from_csr(req->csr, &dns, e)) != CASC_OK)
      goto out;
    for (size_t i = 0; i < req->n_dns && rc == CASC_OK; i++)
      rc = dns_list_add(&dns, req->dns[i], strlen(req->dns[i]), e);
    if (rc != CASC_OK)
      goto out;
    if (dns.n == 0) {
      rc = casc_error_set(e, CASC_ERR_POLICY,
                          "tls-server certificates need at least one DNS name (BR 7.1.2.7.12: "
                          "subjectAltName required)");
      goto out;
    }
    if ((rc = build_san(&dns, &san, e)) != CASC_OK)
      goto out;
  } else if (req->n_dns > 0) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "--dns is for tls-server certificates");
    goto out;
  }
  if ((rc = subject_for(req, def, &dns, &subject, e)) != CASC_OK)
    goto out;

  const char *rule;
  time_t now = casc_now();
  int max_days = casc_profile_max_days(def, now, &rule);
  /* The default follows the rule down: from 2029-03-15 a TLS certificate
   * gets 47 days unless asked for fewer. */
  int days = req->days > 0 ? req->days
                           : (def->default_days < max_days ? def->default_days : max_days);
  if (req->days < 0 || days > max_days) {
    rc = casc_error_set(e, CASC_ERR_POLICY, "--days %d: too long (%s)", req->days, rule);
    goto out;
  }
  time_t issuer_end;
  if ((rc = casc_asn1_time_get(X509_get0_notAfter(ca->issuer_certs[ix]), &issuer_end, e)) !=
      CASC_OK)
    goto out;
  /* BR 6.3.2 counts validity inclusively: notAfter is the last second. */
  time_t not_after = now + (time_t)days * 86400 - 1;
  if (not_after > issuer_end) {
    char end[CASC_TIME_BUFSZ];
    casc_time_format(issuer_end, end);
    rc = casc_error_set(e, CASC_ERR_POLICY,
                        "--days %d: the certificate would outlive its issuer %s (until %s)", days,
                        ca->issuers[ix].name, end);
    goto out;
  }
  if ((rc = casc_ca_issuer_key(ca, ix, &issuer_key, e)) != CASC_OK)
    goto out;

  bool rsa = EVP_PKEY_is_a(key, "RSA");
  casc_cert_spec spec = {
      .kind = def->kind,
      .subject = subject,
      .subject_key = key,
      .subject_spki = req->csr != NULL ? X509_REQ_get_X509_PUBKEY(req->csr) : NULL,
      .issuer_cert = ca->issuer_certs[ix],
      .issuer_key = issuer_key,
      .issuer_name = ca->issuers[ix].name,
      .base_url = ca->base_url,
      .crl_shards = ix == 0 ? 1 : ca->crl_shards, /* the root keeps one CRL */
      .not_before = now,
      .not_after = not_after,
      .key_usage = rsa ? def->ku_rsa : def->ku_ec,
      .n_ekus = def->n_ekus,
      .eku_critical = def->eku_critical,
      .pathlen = 0,
      .san = san,
      .must_staple = req->must_staple,
  };
  memcpy(spec.ekus, def->ekus, sizeof spec.ekus);
  if (def->policy != NULL)
    spec.policy_oids[spec.n_policies++] = def->policy;
  if ((rc = casc_cert_build(&spec, &cert, e)) != CASC_OK)
    goto out;
  if ((rc = casc_ca_commit_issued(ca, cert, ix, def->name, &rec, e)) != CASC_OK)
    goto out;
  casc_ca_checkpoint_or_warn(ca);

  memcpy(out->serial, rec.serial, sizeof out->serial);
  out->chain = sk_X509_new_null();
  /* Issuer first, up to but not including the root. */
  for (size_t i = ix; out->chain != NULL && ca->issuers[i].parent_id != 0;) {
    X509_up_ref(ca->issuer_certs[i]);
    sk_X509_push(out->chain, ca->issuer_certs[i]);
    const casc_issuer_rec *parent = casc_ca_issuer_by_id(ca, ca->issuers[i].parent_id);
    if (parent == NULL)
      break;
    i = (size_t)(parent - ca->issuers);
  }
  /* Hand out the certificate decoded from its committed DER: the copied
   * SubjectPublicKeyInfo left the built object without a cached key, and
   * callers may want X509_get0_pubkey. */
  const unsigned char *p = rec.der;
  if ((out->cert = d2i_X509(NULL, &p, (long)rec.der_len)) == NULL)
    rc = casc_error_ssl(e, CASC_ERR_NOMEM, "decoding the issued certificate");
out:
  casc_cert_rec_clear(&rec);
  X509_free(cert);
  X509_NAME_free(subject);
  GENERAL_NAMES_free(san);
  dns_list_clear(&dns);
  return rc;
}

void casc_issued_clear(casc_issued *out) {
  if (out == NULL)
    return;
  X509_free(out->cert);
  sk_X509_pop_free(out->chain, X509_free);
  memset(out, 0, sizeof *out);
}
