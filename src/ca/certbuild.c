/* Assembles and signs a certificate from a casc_cert_spec. Every extension
 * is built from OpenSSL's structures, never from config strings, so what
 * goes in is exactly what the profile says. */
#include "ca_internal.h"

#include "casc/der.h"
#include "casc/lint_sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static casc_err add_raw(X509 *x, int nid, int critical, const unsigned char *der, int len,
                        casc_error *e) {
  ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
  X509_EXTENSION *ext = NULL;
  casc_err rc = CASC_OK;
  if (os == NULL || ASN1_OCTET_STRING_set(os, der, len) != 1 ||
      (ext = X509_EXTENSION_create_by_NID(NULL, nid, critical, os)) == NULL ||
      X509_add_ext(x, ext, -1) != 1)
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "adding extension %s", OBJ_nid2sn(nid));
  X509_EXTENSION_free(ext);
  ASN1_OCTET_STRING_free(os);
  return rc;
}

static casc_err add_i2d(X509 *x, int nid, void *value, int critical, casc_error *e) {
  if (value == NULL || X509_add1_ext_i2d(x, nid, value, critical, X509V3_ADD_APPEND) != 1)
    return casc_error_ssl(e, CASC_ERR_CRYPTO, "adding extension %s", OBJ_nid2sn(nid));
  return CASC_OK;
}

static GENERAL_NAME *uri_name(const char *url) {
  GENERAL_NAME *gn = GENERAL_NAME_new();
  ASN1_IA5STRING *s = ASN1_IA5STRING_new();
  if (gn == NULL || s == NULL || ASN1_STRING_set(s, url, -1) != 1) {
    GENERAL_NAME_free(gn);
    ASN1_IA5STRING_free(s);
    return NULL;
  }
  GENERAL_NAME_set0_value(gn, GEN_URI, s);
  return gn;
}

static casc_err add_basic_constraints(X509 *x, const casc_cert_spec *spec, casc_error *e) {
  BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();
  casc_err rc = CASC_OK;
  if (bc == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  bool ca = spec->kind == CASC_CERT_ROOT || spec->kind == CASC_CERT_SUB_CA;
  bc->ca = ca ? 0xFF : 0;
  if (ca && spec->pathlen >= 0) {
    bc->pathlen = ASN1_INTEGER_new();
    if (bc->pathlen == NULL || ASN1_INTEGER_set(bc->pathlen, spec->pathlen) != 1)
      rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  }
  if (rc == CASC_OK)
    rc = add_i2d(x, NID_basic_constraints, bc, 1, e);
  BASIC_CONSTRAINTS_free(bc);
  return rc;
}

static casc_err add_key_usage(X509 *x, unsigned bits, casc_error *e) {
  ASN1_BIT_STRING *ku = ASN1_BIT_STRING_new();
  casc_err rc = CASC_OK;
  if (ku == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  for (int bit = 0; bit < 9; bit++)
    if ((bits & (1u << bit)) != 0 && ASN1_BIT_STRING_set_bit(ku, bit, 1) != 1)
      rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  if (rc == CASC_OK)
    rc = add_i2d(x, NID_key_usage, ku, 1, e);
  ASN1_BIT_STRING_free(ku);
  return rc;
}

static casc_err add_eku(X509 *x, const casc_cert_spec *spec, casc_error *e) {
  EXTENDED_KEY_USAGE *eku = sk_ASN1_OBJECT_new_null();
  casc_err rc = CASC_OK;
  for (size_t i = 0; eku != NULL && i < spec->n_ekus; i++)
    if (sk_ASN1_OBJECT_push(eku, OBJ_nid2obj(spec->ekus[i])) <= 0)
      rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  if (rc == CASC_OK)
    rc = add_i2d(x, NID_ext_key_usage, eku, spec->eku_critical, e);
  sk_ASN1_OBJECT_free(eku); /* the objects are OpenSSL's static ones */
  return rc;
}

static casc_err add_key_ids(X509 *x, const casc_cert_spec *spec, casc_error *e) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  casc_err rc = CASC_OK;
  ASN1_OCTET_STRING *ski = ASN1_OCTET_STRING_new();
  AUTHORITY_KEYID *akid = AUTHORITY_KEYID_new();
  /* RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
  if (ski == NULL || akid == NULL || X509_pubkey_digest(x, EVP_sha1(), md, &len) != 1 ||
      ASN1_OCTET_STRING_set(ski, md, (int)len) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "subject key identifier");
    goto out;
  }
  const ASN1_OCTET_STRING *issuer_ski =
      spec->issuer_cert != NULL ? X509_get0_subject_key_id(spec->issuer_cert) : ski;
  if (issuer_ski == NULL) {
    rc = casc_error_set(e, CASC_ERR_POLICY, "the issuer has no subject key identifier");
    goto out;
  }
  if ((akid->keyid = ASN1_OCTET_STRING_dup(issuer_ski)) == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  /* BR 7.1.2.7.6: the SKI is NOT RECOMMENDED in TLS subscriber certificates;
   * CA, OCSP responder and code-signing certificates carry it. */
  bool want_ski = !(spec->kind == CASC_CERT_SUBSCRIBER && spec->san != NULL);
  if (want_ski)
    rc = add_i2d(x, NID_subject_key_identifier, ski, 0, e);
  if (rc == CASC_OK)
    rc = add_i2d(x, NID_authority_key_identifier, akid, 0, e);
out:
  ASN1_OCTET_STRING_free(ski);
  AUTHORITY_KEYID_free(akid);
  return rc;
}

static casc_err add_aia(X509 *x, const casc_cert_spec *spec, bool with_ocsp, casc_error *e) {
  char url[CASC_URL_MAX + 128];
  AUTHORITY_INFO_ACCESS *aia = sk_ACCESS_DESCRIPTION_new_null();
  casc_err rc = CASC_OK;
  if (aia == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  for (int i = with_ocsp ? 0 : 1; i < 2 && rc == CASC_OK; i++) {
    ACCESS_DESCRIPTION *ad = ACCESS_DESCRIPTION_new();
    if (i == 0)
      snprintf(url, sizeof url, "%s/ocsp", spec->base_url);
    else
      snprintf(url, sizeof url, "%s/ca/%s.crt", spec->base_url, spec->issuer_name);
    GENERAL_NAME *gn = uri_name(url);
    if (ad == NULL || gn == NULL) {
      ACCESS_DESCRIPTION_free(ad);
      GENERAL_NAME_free(gn);
      rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
      break;
    }
    ASN1_OBJECT_free(ad->method);
    ad->method = OBJ_nid2obj(i == 0 ? NID_ad_OCSP : NID_ad_ca_issuers);
    GENERAL_NAME_free(ad->location);
    ad->location = gn;
    if (sk_ACCESS_DESCRIPTION_push(aia, ad) <= 0) {
      ACCESS_DESCRIPTION_free(ad);
      rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    }
  }
  if (rc == CASC_OK)
    rc = add_i2d(x, NID_info_access, aia, 0, e);
  AUTHORITY_INFO_ACCESS_free(aia);
  return rc;
}

static casc_err add_crl_dp(X509 *x, const casc_cert_spec *spec, casc_error *e) {
  char url[CASC_URL_MAX + 128];
  if (spec->crl_shards <= 1)
    snprintf(url, sizeof url, "%s/crl/%s.crl", spec->base_url, spec->issuer_name);
  else
    snprintf(url, sizeof url, "%s/crl/%s/%d.crl", spec->base_url, spec->issuer_name,
             casc_crl_shard_of(X509_get0_serialNumber(x), spec->crl_shards));
  CRL_DIST_POINTS *cdp = sk_DIST_POINT_new_null();
  DIST_POINT *dp = DIST_POINT_new();
  DIST_POINT_NAME *dpn = DIST_POINT_NAME_new();
  GENERAL_NAMES *names = sk_GENERAL_NAME_new_null();
  GENERAL_NAME *gn = uri_name(url);
  casc_err rc = CASC_OK;
  if (cdp == NULL || dp == NULL || dpn == NULL || names == NULL || gn == NULL ||
      sk_GENERAL_NAME_push(names, gn) <= 0) {
    GENERAL_NAME_free(gn);
    sk_GENERAL_NAME_free(names);
    DIST_POINT_NAME_free(dpn);
    DIST_POINT_free(dp);
    sk_DIST_POINT_free(cdp);
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  }
  dpn->type = 0;
  dpn->name.fullname = names;
  dp->distpoint = dpn;
  if (sk_DIST_POINT_push(cdp, dp) <= 0) {
    DIST_POINT_free(dp);
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  }
  if (rc == CASC_OK)
    rc = add_i2d(x, NID_crl_distribution_points, cdp, 0, e);
  CRL_DIST_POINTS_free(cdp);
  return rc;
}

static casc_err add_policies(X509 *x, const casc_cert_spec *spec, casc_error *e) {
  CERTIFICATEPOLICIES *pols = sk_POLICYINFO_new_null();
  casc_err rc = CASC_OK;
  if (pols == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < spec->n_policies && rc == CASC_OK; i++) {
    POLICYINFO *pi = POLICYINFO_new();
    ASN1_OBJECT *oid = OBJ_txt2obj(spec->policy_oids[i], 1);
    if (pi == NULL || oid == NULL) {
      POLICYINFO_free(pi);
      ASN1_OBJECT_free(oid);
      rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
      break;
    }
    ASN1_OBJECT_free(pi->policyid);
    pi->policyid = oid;
    if (sk_POLICYINFO_push(pols, pi) <= 0) {
      POLICYINFO_free(pi);
      rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    }
  }
  if (rc == CASC_OK)
    rc = add_i2d(x, NID_certificate_policies, pols, 0, e);
  CERTIFICATEPOLICIES_free(pols);
  return rc;
}

static casc_err set_validity(X509 *x, const casc_cert_spec *spec, casc_error *e) {
  ASN1_TIME *nb = casc_asn1_time_new(spec->not_before);
  ASN1_TIME *na = casc_asn1_time_new(spec->not_after);
  casc_err rc = CASC_OK;
  if (nb == NULL || na == NULL || X509_set1_notBefore(x, nb) != 1 ||
      X509_set1_notAfter(x, na) != 1)
    rc = casc_error_set(e, CASC_ERR_USAGE, "validity dates out of range");
  ASN1_TIME_free(nb);
  ASN1_TIME_free(na);
  return rc;
}

static casc_err add_extensions(X509 *x, const casc_cert_spec *spec, casc_error *e) {
  static const unsigned char asn1_null[] = {0x05, 0x00};
  /* TLSFeature ::= SEQUENCE OF INTEGER { status_request (5) } (RFC 7633) */
  static const unsigned char status_request[] = {0x30, 0x03, 0x02, 0x01, 0x05};
  bool subscriber = spec->kind == CASC_CERT_SUBSCRIBER;
  casc_err rc = CASC_OK;
  if (spec->kind != CASC_CERT_OCSP_RESPONDER)
    rc = add_basic_constraints(x, spec, e);
  if (rc == CASC_OK)
    rc = add_key_usage(x, spec->key_usage, e);
  if (rc == CASC_OK && spec->n_ekus > 0)
    rc = add_eku(x, spec, e);
  if (rc == CASC_OK)
    rc = add_key_ids(x, spec, e);
  if (rc == CASC_OK && spec->san != NULL) {
    bool empty_subject = X509_NAME_entry_count(spec->subject) == 0;
    rc = add_i2d(x, NID_subject_alt_name, (void *)spec->san, empty_subject, e);
  }
  if (rc == CASC_OK && spec->n_policies > 0)
    rc = add_policies(x, spec, e);
  if (rc == CASC_OK && (subscriber || spec->kind == CASC_CERT_SUB_CA))
    rc = add_aia(x, spec, subscriber, e);
  if (rc == CASC_OK && (subscriber || spec->kind == CASC_CERT_SUB_CA))
    rc = add_crl_dp(x, spec, e);
  if (rc == CASC_OK && spec->kind == CASC_CERT_OCSP_RESPONDER)
    rc = add_raw(x, NID_id_pkix_OCSP_noCheck, 0, asn1_null, sizeof asn1_null, e);
  if (rc == CASC_OK && spec->must_staple)
    rc = add_raw(x, NID_tlsfeature, 0, status_request, sizeof status_request, e);
  return rc;
}

/* Copies a CSR's SubjectPublicKeyInfo field by field. X509_set_pubkey would
 * encode the key and decode it again through OpenSSL 3.0's decoders, which
 * costs more than the signature. Only the forms RFC 5480 and RFC 8017 allow
 * pass: a named curve, or NULL parameters. */
static casc_err copy_spki(X509 *x, const X509_PUBKEY *src, casc_error *e) {
  const unsigned char *bits;
  int len, ptype;
  X509_ALGOR *alg;
  const void *pval;
  const ASN1_OBJECT *oid;
  if (X509_PUBKEY_get0_param(NULL, &bits, &len, &alg, src) != 1)
    return casc_error_ssl(e, CASC_ERR_PARSE, "CSR: unreadable public key");
  X509_ALGOR_get0(&oid, &ptype, &pval, alg);
  if (ptype != V_ASN1_OBJECT && ptype != V_ASN1_NULL)
    return casc_error_set(e, CASC_ERR_POLICY,
                          "CSR: public key parameters must be a named curve or NULL (RFC 5480 "
                          "2.1.1, RFC 8017 A.1)");
  ASN1_OBJECT *oid_copy = OBJ_dup(oid);
  ASN1_OBJECT *param = ptype == V_ASN1_OBJECT ? OBJ_dup(pval) : NULL;
  unsigned char *bits_copy = OPENSSL_memdup(bits, (size_t)len);
  if (oid_copy == NULL || bits_copy == NULL || (ptype == V_ASN1_OBJECT && param == NULL) ||
      X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(x), oid_copy, ptype, param, bits_copy, len) !=
          1) {
    ASN1_OBJECT_free(oid_copy);
    ASN1_OBJECT_free(param);
    OPENSSL_free(bits_copy);
    return casc_error_ssl(e, CASC_ERR_NOMEM, "copying the public key");
  }
  return CASC_OK;
}

/* The lint profile a certificate of this spec is held to (NULL: detected). */
static const char *lint_profile(const casc_cert_spec *spec) {
  switch (spec->kind) {
  case CASC_CERT_ROOT:
    return "root";
  case CASC_CERT_SUB_CA:
    return "subca";
  case CASC_CERT_OCSP_RESPONDER:
    return "ocsp-signing";
  case CASC_CERT_SUBSCRIBER:
    break;
  }
  for (size_t i = 0; i < spec->n_ekus; i++)
    switch (spec->ekus[i]) {
    case NID_server_auth:
      return "tls";
    case NID_code_sign:
      return "code-signing";
    case NID_time_stamp:
      return "timestamping";
    }
  return NULL;
}

/* Lint-before-sign: the certificate exactly as it will be signed (the
 * TBSCertificate with its signature algorithm set as X509_sign sets it),
 * wrapped with a signature of the right shape but arbitrary bytes, goes
 * through the lints of `casc lint`; an error-level finding refuses it
 * before the CA key signs anything. */
static casc_err lint_before_sign(X509 *x, const casc_cert_spec *spec, const EVP_MD *md,
                                 casc_error *e) {
  EVP_PKEY *key = spec->issuer_key;
  int pkey_id = EVP_PKEY_get_base_id(key), sig_nid = NID_undef;
  X509_ALGOR *alg = X509_ALGOR_new();
  unsigned char *tbs = NULL, *alg_der = NULL;
  int tbs_len = 0, alg_len = 0;
  casc_der_buf b;
  casc_der_buf_init(&b);
  casc_err rc = CASC_OK;
  /* RFC 4055 2.1: NULL parameters for RSA; RFC 5758 3.2: none for ECDSA. */
  if (md == NULL || alg == NULL ||
      OBJ_find_sigid_by_algs(&sig_nid, EVP_MD_get_type(md), pkey_id) != 1 ||
      X509_ALGOR_set0(alg, OBJ_nid2obj(sig_nid),
                      pkey_id == EVP_PKEY_RSA ? V_ASN1_NULL : V_ASN1_UNDEF, NULL) != 1 ||
      /* The TBS's own copy: X509_sign overwrites it with the same value. */
      X509_ALGOR_copy((X509_ALGOR *)X509_get0_tbs_sigalg(x), alg) != 1 ||
      (tbs_len = i2d_re_X509_tbs(x, &tbs)) <= 0 || (alg_len = i2d_X509_ALGOR(alg, &alg_der)) <= 0) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "encoding the certificate to lint");
    goto out;
  }
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_raw(&b, tbs, (size_t)tbs_len);
  casc_der_raw(&b, alg_der, (size_t)alg_len);
  casc_der_begin(&b, CASC_DER_BIT_STRING);
  casc_der_raw(&b, "", 1);
  if (pkey_id == EVP_PKEY_EC) {
    /* ECDSA-Sig-Value { r, s }, each as long as the group order */
    unsigned char v[66];
    size_t n = (size_t)(EVP_PKEY_get_bits(key) + 7) / 8;
    n = n > sizeof v ? sizeof v : n;
    memset(v, 0x5a, n);
    casc_der_begin(&b, CASC_DER_SEQUENCE);
    casc_der_tlv(&b, CASC_DER_INTEGER, v, n);
    casc_der_tlv(&b, CASC_DER_INTEGER, v, n);
    casc_der_end(&b);
  } else {
    unsigned char v[1024];
    size_t n = (size_t)EVP_PKEY_get_size(key);
    n = n > sizeof v ? sizeof v : n;
    memset(v, 0x5a, n);
    casc_der_raw(&b, v, n);
  }
  casc_der_end(&b);
  casc_der_end(&b);
  if (casc_der_buf_failed(&b)) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  rc = casc_lint_cert_presign(b.data, b.len, lint_profile(spec), 0, e);
out:
  casc_der_buf_free(&b);
  OPENSSL_free(tbs);
  OPENSSL_free(alg_der);
  X509_ALGOR_free(alg);
  return rc;
}

casc_err casc_cert_build(const casc_cert_spec *spec, X509 **out, casc_error *e) {
  X509 *x = X509_new();
  ASN1_INTEGER *serial = NULL;
  casc_err rc = CASC_OK;
  if (x == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  rc = casc_serial_random(&serial, e);
  if (rc != CASC_OK)
    goto out;
  const X509_NAME *issuer_name =
      spec->issuer_cert != NULL ? X509_get_subject_name(spec->issuer_cert) : spec->subject;
  if (X509_set_version(x, X509_VERSION_3) != 1 || X509_set_serialNumber(x, serial) != 1 ||
      X509_set_subject_name(x, spec->subject) != 1 ||
      X509_set_issuer_name(x, issuer_name) != 1 ||
      (spec->subject_spki == NULL && X509_set_pubkey(x, spec->subject_key) != 1)) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "building the certificate");
    goto out;
  }
  if (spec->subject_spki != NULL && (rc = copy_spki(x, spec->subject_spki, e)) != CASC_OK)
    goto out;
  rc = set_validity(x, spec, e);
  if (rc == CASC_OK)
    rc = add_extensions(x, spec, e);
  if (rc != CASC_OK)
    goto out;
  if ((rc = lint_before_sign(x, spec, casc_key_digest(spec->issuer_key), e)) != CASC_OK)
    goto out;
  if (X509_sign(x, spec->issuer_key, casc_key_digest(spec->issuer_key)) <= 0) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "signing the certificate");
    goto out;
  }
out:
  ASN1_INTEGER_free(serial);
  if (rc != CASC_OK) {
    X509_free(x);
    return rc;
  }
  *out = x;
  return CASC_OK;
}

casc_err casc_cert_record(const X509 *cert, int64_t issuer_id, const char *profile,
                          casc_cert_rec *rec, casc_error *e) {
  casc_err rc = CASC_OK;
  memset(rec, 0, sizeof *rec);
  rec->issuer_id = issuer_id;
  rec->reason = -1;
  snprintf(rec->profile, sizeof rec->profile, "%s", profile);
  casc_name_format(X509_get_subject_name(cert), rec->subject, sizeof rec->subject);
  rc = casc_serial_from_cert(cert, rec->serial, e);
  if (rc == CASC_OK)
    rc = casc_asn1_time_get(X509_get0_notBefore(cert), &rec->not_before, e);
  if (rc == CASC_OK)
    rc = casc_asn1_time_get(X509_get0_notAfter(cert), &rec->not_after, e);
  if (rc != CASC_OK)
    return rc;
  /* SANs as "DNS:a, DNS:b" */
  GENERAL_NAMES *sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
  size_t cap = 1;
  for (int i = 0; i < sk_GENERAL_NAME_num(sans); i++) {
    const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);
    if (gn->type == GEN_DNS)
      cap += (size_t)ASN1_STRING_length(gn->d.dNSName) + 6;
  }
  rec->sans = calloc(1, cap);
  int len = i2d_X509(cert, NULL);
  if (len > 0 && (rec->der = malloc((size_t)len)) != NULL) {
    unsigned char *p = rec->der;
    len = i2d_X509(cert, &p);
  }
  if (rec->sans != NULL) {
    for (int i = 0; i < sk_GENERAL_NAME_num(sans); i++) {
      const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);
      if (gn->type != GEN_DNS)
        continue;
      if (rec->sans[0] != '\0')
        strcat(rec->sans, ", ");
      strcat(rec->sans, "DNS:");
      strncat(rec->sans, (const char *)ASN1_STRING_get0_data(gn->d.dNSName),
              (size_t)ASN1_STRING_length(gn->d.dNSName));
    }
  }
  GENERAL_NAMES_free(sans);
  if (rec->sans == NULL || rec->der == NULL || len <= 0) {
    casc_cert_rec_clear(rec);
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  }
  rec->der_len = (size_t)len;
  return CASC_OK;
}
