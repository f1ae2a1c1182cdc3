/* Shared by the CRL and OCSP lint files (crl_*.c, ocsp_*.c): what the
 * signer knows about an input (casc/lint_sign.h), set for the duration of
 * one check on this thread, and small helpers. Not part of the public API. */
#ifndef CASC_LINT_CRL_CONTEXT_H
#define CASC_LINT_CRL_CONTEXT_H

#include "casc/der.h"
#include "casc/lint.h"
#include "casc/lint_rev.h"
#include "casc/lint_sign.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
  bool has_ca;
  casc_lint_bytes ca_name;           /* the issuing CA's subject Name TLV */
  casc_lint_bytes ca_key_id;         /* its subjectKeyIdentifier (absent: len 0) */
  unsigned char name_sha1[20], name_sha256[32]; /* hashes of ca_name, as a CertID has them */
  unsigned char key_sha1[20], key_sha256[32];   /* of its subjectPublicKey BIT STRING contents */
  casc_crl_scope scope;
} lint_rev_ctx;

/* The context of the check running on this thread, or NULL. */
const lint_rev_ctx *lint_rev_ctx_get(void);

/* The scope of a CRL: its IssuingDistributionPoint says it when it limits
 * the CRL to user or CA certificates, else the signer's context does. */
casc_crl_scope lint_crl_scope(const casc_lint_crl *crl);
/* SUBSCRIBER or CODE_SIGNING: end-entity certificates. */
static inline bool lint_scope_subscriber(casc_crl_scope s) {
  return s == CASC_CRL_SCOPE_SUBSCRIBER || s == CASC_CRL_SCOPE_CODE_SIGNING;
}

/* Upper-case hex of a serial's INTEGER contents, shortened with "..." to fit. */
void lint_serial_hex(casc_lint_bytes s, char *out, size_t outsz);

/* RFC 5280 4.1.2.5 / 5.1.2.4: UTCTime through 2049, GeneralizedTime from
 * 2050, both in the DER form. false with why in det. */
bool lint_rfc5280_time_ok(const casc_lint_time *t, const char *field, char *det, size_t detsz);

/* Signature algorithms of BR 7.1.3.2 (RSASSA-PKCS1-v1_5 and ECDSA with SHA-256/384/512,
 * RSASSA-PSS): 1 RSA PKCS#1, 2 RSA-PSS, 3 ECDSA, 0 anything else. */
int lint_sig_alg_family(casc_lint_bytes oid);
/* 1 when oid is SHA-1 or MD5 based (any family), else 0. */
bool lint_sig_alg_weak(casc_lint_bytes oid);

/* Effective dates. */
#define LINT_DATE_BR_1_0 CASC_LINT_DATE(2012, 7, 1)   /* BR 1.0 */
#define LINT_DATE_SC31 CASC_LINT_DATE(2020, 9, 30)    /* BR 1.7.1, ballot SC31 */
#define LINT_DATE_SC58 CASC_LINT_DATE(2023, 1, 15)    /* BR 1.8.6: sharded CRLs' IDP */
#define LINT_DATE_SC61 CASC_LINT_DATE(2023, 7, 15)    /* BR 1.8.7: CRL reason codes */
#define LINT_DATE_SC62 CASC_LINT_DATE(2023, 9, 15)    /* BR 2.0.0: profiles */
#define LINT_DATE_RFC8954 CASC_LINT_DATE(2020, 11, 1) /* OCSP nonce 1..32 octets */

#endif
