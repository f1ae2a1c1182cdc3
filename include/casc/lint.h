/* casc lint: certificates, CRLs and OCSP responses against RFC 5280, the
 * CA/Browser Forum Baseline Requirements (TLS and Code Signing), RFC 6960,
 * RFC 5019 and key-quality rules.
 *
 * How it is fast: an input is decoded once, strictly and without
 * allocating, into a flat struct whose byte fields point into the input
 * (casc_lint_cert, casc_lint_crl, casc_lint_ocsp). OpenSSL's object model
 * is not used on the hot path. Encoding faults that a lenient decoder would
 * hide (non-minimal lengths, a BOOLEAN that is not 0x00/0xFF, an explicitly
 * encoded DEFAULT, a bad time format, trailing data) do not stop the
 * decode: they are recorded as facts (`faults`) for lints to report. Only
 * a structure that cannot be followed at all gives the result "fatal".
 *
 * A lint is a static casc_lint in a table; a file holds the lints of one
 * group and exports one table with its count (CASC_LINT_TABLE below). The
 * registry (src/lint/registry.c) lists the tables. Writing a lint:
 *
 *   static casc_lint_result run_ski_present(const casc_lint_input *in,
 *                                           char *det, size_t detsz) {
 *     if (in->cert->ski.present)
 *       return CASC_LINT_PASS;
 *     snprintf(det, detsz, "no subjectKeyIdentifier");
 *     return CASC_LINT_FAIL;            // reported at the lint's level
 *   }
 *   const casc_lint casc_lints_cert_example[] = {
 *     {.name = "e_ext_ski_missing_ca",
 *      .alias = "e_ext_subject_key_identifier_missing_ca", // zlint's, or NULL
 *      .level = CASC_LINT_ERROR, .citation = "RFC 5280 4.2.1.2",
 *      .source = CASC_LINT_SRC_RFC5280, .effective = 0,
 *      .kind = CASC_LINT_KIND_CERT, .applies = casc_lint_applies_ca,
 *      .run = run_ski_present},
 *   };
 *   CASC_LINT_TABLE(casc_lints_cert_example);
 *
 * Names follow zlint's convention: the prefix is the level (e_, w_, n_);
 * a unit test (tests/unit/test_lint_parse.c) checks that, and that names are
 * unique.
 * `applies` NULL means always; otherwise false gives "na". Then, for a lint
 * that applies, `effective` (a time_t): an input dated before it (a
 * certificate's notBefore, a CRL's thisUpdate, an OCSP response's
 * producedAt) gets "ne". `run` may also return CASC_LINT_NA itself. */
#ifndef CASC_LINT_H
#define CASC_LINT_H

#include "casc/base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* --- kinds, levels, results, profiles -------------------------------------- */
typedef enum {
  CASC_LINT_KIND_UNKNOWN = 0,
  CASC_LINT_KIND_CERT,
  CASC_LINT_KIND_CRL,
  CASC_LINT_KIND_OCSP,
} casc_lint_kind;

typedef enum {
  CASC_LINT_NOTICE = 1,
  CASC_LINT_WARN,
  CASC_LINT_ERROR,
} casc_lint_level;

typedef enum {
  CASC_LINT_PASS = 0,
  CASC_LINT_NA,     /* not applicable */
  CASC_LINT_NE,     /* not effective at the input's date */
  CASC_LINT_NOTICE_R,
  CASC_LINT_WARN_R,
  CASC_LINT_ERROR_R,
  CASC_LINT_FATAL,  /* the input could not be decoded */
  /* Only as a return value of run(): the lint found what it looks for;
   * the registry turns it into the lint's level. */
  CASC_LINT_FAIL = 100,
} casc_lint_result;

typedef enum {
  CASC_LINT_PROFILE_AUTO = -1, /* detect */
  CASC_LINT_PROFILE_UNKNOWN = 0,
  CASC_LINT_PROFILE_ROOT,        /* self-signed CA */
  CASC_LINT_PROFILE_SUBCA,       /* subordinate CA */
  CASC_LINT_PROFILE_TLS,         /* TLS subscriber: serverAuth */
  CASC_LINT_PROFILE_CODESIGN,    /* code signing subscriber */
  CASC_LINT_PROFILE_TIMESTAMP,   /* timestamping (TSA) */
  CASC_LINT_PROFILE_OCSP_SIGNER, /* delegated OCSP responder */
  CASC_LINT_PROFILE_SMIME,       /* emailProtection */
  CASC_LINT_PROFILE_CRL,         /* the "profile" of a CRL input */
  CASC_LINT_PROFILE_OCSP,        /* the "profile" of an OCSP response input */
} casc_lint_profile;

/* Where a rule comes from (casc_lint.source). */
#define CASC_LINT_SRC_RFC5280 "RFC 5280"
#define CASC_LINT_SRC_TLSBR "CABF TLS BR"
#define CASC_LINT_SRC_CSBR "CABF Code Signing BR"
#define CASC_LINT_SRC_SMIMEBR "CABF S/MIME BR"
#define CASC_LINT_SRC_RFC6960 "RFC 6960"
#define CASC_LINT_SRC_RFC5019 "RFC 5019"
#define CASC_LINT_SRC_X690 "ITU-T X.690"
#define CASC_LINT_SRC_CASC "casc"       /* community practice, key quality */

/* --- decoded inputs -------------------------------------------------------- */
/* A span of the input. p == NULL (len 0) when absent. */
typedef struct {
  const unsigned char *p;
  size_t len;
} casc_lint_bytes;

/* Encoding faults found while decoding: bits of casc_lint_cert.faults
 * (and of the CRL's and OCSP response's). The first place each was seen is
 * in fault_where[bit] (a static string). */
typedef enum {
  CASC_LF_NONMINIMAL_LENGTH = 0, /* long form where short would do, or leading 0x00 */
  CASC_LF_BAD_BOOLEAN,           /* BOOLEAN contents not exactly 0x00 or 0xFF */
  CASC_LF_NONMINIMAL_INTEGER,    /* INTEGER with a redundant leading 0x00/0xFF */
  CASC_LF_EMPTY_INTEGER,         /* INTEGER of zero octets */
  CASC_LF_DEFAULT_ENCODED,       /* a DEFAULT value encoded explicitly */
  CASC_LF_TRAILING_DATA,         /* bytes after the outer structure */
  CASC_LF_TRAILING_IN_VALUE,     /* bytes left inside a value after its last field */
  CASC_LF_BAD_BITSTRING,         /* unused-bits octet > 7, or non-zero padding bits */
  CASC_LF_NAMED_BITS_TRAILING,   /* a named-bit list (KeyUsage...) with trailing 0 bits */
  CASC_LF_CONSTRUCTED_STRING,    /* constructed form of a string type */
  CASC_LF_SET_ORDER,             /* SET OF elements not in DER order */
  CASC_LF_EXT_UNDECODABLE,       /* an extension's value does not decode */
  CASC_LF_BAD_OID,               /* OID contents malformed (empty, 0x80 padding, unterminated) */
  CASC_LF_EMPTY_SEQUENCE,        /* a SEQUENCE OF that must have >= 1 element is empty */
  CASC_LF_BAD_TIME,              /* a time not of the DER form (see casc_lint_time.ok) */
  CASC_LF_BAD_NULL,              /* NULL with contents */
  CASC_LF_COUNT
} casc_lint_fault;

typedef struct {
  uint32_t bits;                          /* 1u << casc_lint_fault */
  const char *where[CASC_LF_COUNT];       /* the first place of each */
} casc_lint_faults;

static inline bool casc_lint_has_fault(const casc_lint_faults *f, casc_lint_fault k) {
  return (f->bits >> k) & 1u;
}

/* A Time (UTCTime or GeneralizedTime). */
typedef struct {
  bool present;
  unsigned tag;          /* CASC_DER_UTCTIME or CASC_DER_GENERALIZEDTIME */
  casc_lint_bytes value; /* the characters */
  time_t t;              /* parsed; 0 when !ok_parse */
  bool ok_parse;         /* a date and time could be read at all */
  bool ok_der;           /* exactly YYMMDDHHMMSSZ / YYYYMMDDHHMMSSZ, valid fields */
} casc_lint_time;

/* One attribute of a Name. */
typedef struct {
  casc_lint_bytes type;  /* OID contents */
  unsigned tag;          /* the value's tag (0x0c UTF8String, 0x13 PrintableString...) */
  casc_lint_bytes value; /* the value's contents */
  uint16_t rdn;          /* index of its RDN (SET) in the Name */
  bool multi;            /* its RDN has more than one attribute */
} casc_lint_attr;

#define CASC_LINT_MAX_ATTR 48
typedef struct {
  casc_lint_bytes raw;   /* the whole Name TLV */
  size_t n_rdn;
  size_t n_attr;         /* attributes stored in attr[] */
  bool truncated;        /* more than CASC_LINT_MAX_ATTR: the rest are not in attr[] */
  bool empty_rdn;        /* an RDN (SET) with no attribute */
  casc_lint_attr attr[CASC_LINT_MAX_ATTR];
} casc_lint_name;

typedef enum {
  CASC_LINT_KEY_UNKNOWN = 0,
  CASC_LINT_KEY_RSA,
  CASC_LINT_KEY_RSA_PSS,
  CASC_LINT_KEY_EC,
  CASC_LINT_KEY_ED25519,
  CASC_LINT_KEY_ED448,
  CASC_LINT_KEY_DSA,
} casc_lint_key_type;

typedef enum {
  CASC_LINT_CURVE_NONE = 0,
  CASC_LINT_CURVE_OTHER,
  CASC_LINT_CURVE_P256,
  CASC_LINT_CURVE_P384,
  CASC_LINT_CURVE_P521,
} casc_lint_curve;

typedef struct {
  casc_lint_bytes raw;       /* the whole SubjectPublicKeyInfo TLV */
  casc_lint_bytes alg;       /* the AlgorithmIdentifier TLV */
  casc_lint_bytes alg_oid;   /* OID contents */
  casc_lint_bytes params;    /* the parameters TLV, absent when omitted */
  casc_lint_bytes key;       /* BIT STRING contents after the unused-bits octet */
  unsigned key_unused_bits;
  casc_lint_key_type type;
  /* RSA: the INTEGER contents (sign octet included when present) */
  casc_lint_bytes rsa_n, rsa_e;
  bool rsa_ok;               /* RSAPublicKey decoded */
  unsigned rsa_bits;         /* bit length of the modulus */
  /* EC: named curve and point */
  casc_lint_curve curve;
  casc_lint_bytes curve_oid; /* OID contents, when params is an OID */
  unsigned bits;             /* key size: RSA modulus bits, curve bits */
} casc_lint_spki;

/* Known extensions: casc_lint_ext.id */
typedef enum {
  CASC_LINT_EXT_OTHER = 0,
  CASC_LINT_EXT_BC,           /* basicConstraints 2.5.29.19 */
  CASC_LINT_EXT_KU,           /* keyUsage 2.5.29.15 */
  CASC_LINT_EXT_EKU,          /* extKeyUsage 2.5.29.37 */
  CASC_LINT_EXT_SAN,          /* subjectAltName 2.5.29.17 */
  CASC_LINT_EXT_IAN,          /* issuerAltName 2.5.29.18 */
  CASC_LINT_EXT_AKI,          /* authorityKeyIdentifier 2.5.29.35 */
  CASC_LINT_EXT_SKI,          /* subjectKeyIdentifier 2.5.29.14 */
  CASC_LINT_EXT_CRLDP,        /* cRLDistributionPoints 2.5.29.31 */
  CASC_LINT_EXT_AIA,          /* authorityInfoAccess 1.3.6.1.5.5.7.1.1 */
  CASC_LINT_EXT_SIA,          /* subjectInfoAccess 1.3.6.1.5.5.7.1.11 */
  CASC_LINT_EXT_CP,           /* certificatePolicies 2.5.29.32 */
  CASC_LINT_EXT_PM,           /* policyMappings 2.5.29.33 */
  CASC_LINT_EXT_NC,           /* nameConstraints 2.5.29.30 */
  CASC_LINT_EXT_PC,           /* policyConstraints 2.5.29.36 */
  CASC_LINT_EXT_IAP,          /* inhibitAnyPolicy 2.5.29.54 */
  CASC_LINT_EXT_FRESHEST,     /* freshestCRL 2.5.29.46 */
  CASC_LINT_EXT_SDA,          /* subjectDirectoryAttributes 2.5.29.9 */
  CASC_LINT_EXT_CT_POISON,    /* 1.3.6.1.4.1.11129.2.4.3 */
  CASC_LINT_EXT_SCT,          /* 1.3.6.1.4.1.11129.2.4.2 */
  CASC_LINT_EXT_TLS_FEATURE,  /* 1.3.6.1.5.5.7.1.24 */
  CASC_LINT_EXT_OCSP_NOCHECK, /* 1.3.6.1.5.5.7.48.1.5 */
  CASC_LINT_EXT_PRIVKEY_USAGE,/* privateKeyUsagePeriod 2.5.29.16 */
  /* CRL and CRL entry extensions */
  CASC_LINT_EXT_CRL_NUMBER,   /* 2.5.29.20 */
  CASC_LINT_EXT_DELTA_CRL,    /* deltaCRLIndicator 2.5.29.27 */
  CASC_LINT_EXT_IDP,          /* issuingDistributionPoint 2.5.29.28 */
  CASC_LINT_EXT_REASON,       /* reasonCode 2.5.29.21 */
  CASC_LINT_EXT_INVALIDITY,   /* invalidityDate 2.5.29.24 */
  CASC_LINT_EXT_CERT_ISSUER,  /* certificateIssuer 2.5.29.29 */
  /* OCSP extensions */
  CASC_LINT_EXT_OCSP_NONCE,   /* 1.3.6.1.5.5.7.48.1.2 */
  CASC_LINT_EXT_OCSP_CRLID,   /* 1.3.6.1.5.5.7.48.1.3 */
  CASC_LINT_EXT_OCSP_ARCHIVE, /* archiveCutoff 1.3.6.1.5.5.7.48.1.6 */
  CASC_LINT_EXT_OCSP_SERVICE_LOCATOR, /* 1.3.6.1.5.5.7.48.1.7 */
  CASC_LINT_EXT_COUNT
} casc_lint_ext_id;

typedef struct {
  casc_lint_bytes raw;      /* the whole Extension TLV */
  casc_lint_bytes oid;      /* OID contents */
  bool critical;
  bool critical_present;    /* the BOOLEAN was encoded (FALSE encoded is a fault) */
  casc_lint_bytes value;    /* extnValue OCTET STRING contents */
  casc_lint_ext_id id;
  bool decoded_ok;          /* a known extension whose value decoded; true for unknown ones */
} casc_lint_ext;

/* GeneralName: type is the [n] tag number (0 otherName, 1 rfc822Name,
 * 2 dNSName, 3 x400Address, 4 directoryName, 5 ediPartyName, 6 URI,
 * 7 iPAddress, 8 registeredID). value is the contents (for directoryName
 * the Name TLV inside the explicit tag; for otherName the type-id and value). */
enum {
  CASC_GN_OTHER = 0, CASC_GN_EMAIL = 1, CASC_GN_DNS = 2, CASC_GN_X400 = 3,
  CASC_GN_DIRNAME = 4, CASC_GN_EDI = 5, CASC_GN_URI = 6, CASC_GN_IP = 7, CASC_GN_RID = 8,
};
typedef struct {
  unsigned type;
  casc_lint_bytes value;
  bool constructed;         /* the tag had the constructed bit */
} casc_lint_gn;

#define CASC_LINT_MAX_EXT 40
#define CASC_LINT_MAX_GN 256
#define CASC_LINT_MAX_EKU 24
#define CASC_LINT_MAX_AD 16
#define CASC_LINT_MAX_POLICY 16
#define CASC_LINT_MAX_DP 16

/* extKeyUsage flags (casc_lint_cert.eku.flags) */
enum {
  CASC_EKU_SERVER_AUTH = 1u << 0,
  CASC_EKU_CLIENT_AUTH = 1u << 1,
  CASC_EKU_CODE_SIGNING = 1u << 2,
  CASC_EKU_EMAIL = 1u << 3,
  CASC_EKU_TIME_STAMPING = 1u << 4,
  CASC_EKU_OCSP_SIGNING = 1u << 5,
  CASC_EKU_ANY = 1u << 6,
  CASC_EKU_OTHER = 1u << 7,       /* at least one not listed here */
  CASC_EKU_PRECERT_SIGNING = 1u << 8, /* 1.3.6.1.4.1.11129.2.4.4 */
  CASC_EKU_DOC_SIGNING = 1u << 9, /* 1.3.6.1.4.1.311.10.3.12 (Microsoft Document Signing) */
};

/* keyUsage bits (RFC 5280 4.2.1.3; bit 0 = digitalSignature) */
enum {
  CASC_KU_DIGITAL_SIGNATURE = 1u << 0,
  CASC_KU_NON_REPUDIATION = 1u << 1,
  CASC_KU_KEY_ENCIPHERMENT = 1u << 2,
  CASC_KU_DATA_ENCIPHERMENT = 1u << 3,
  CASC_KU_KEY_AGREEMENT = 1u << 4,
  CASC_KU_KEY_CERT_SIGN = 1u << 5,
  CASC_KU_CRL_SIGN = 1u << 6,
  CASC_KU_ENCIPHER_ONLY = 1u << 7,
  CASC_KU_DECIPHER_ONLY = 1u << 8,
};

typedef struct {
  casc_lint_bytes oid;            /* access method OID contents */
  int method;                     /* 1 ocsp, 2 caIssuers, 3 timeStamping, 4 caRepository, 0 other */
  casc_lint_gn loc;
} casc_lint_ad;

typedef struct {
  casc_lint_bytes oid;            /* policy OID contents */
  casc_lint_bytes qualifiers;     /* SEQUENCE OF PolicyQualifierInfo contents, absent when none */
  bool qualifiers_present;
  size_t n_cps;                   /* CPS qualifiers */
  casc_lint_bytes cps_uri;        /* the first CPS URI (IA5String contents) */
  unsigned cps_tag;
  size_t n_unotice;               /* UserNotice qualifiers */
  unsigned explicit_text_tag;     /* of the first UserNotice's explicitText, 0 when none */
  casc_lint_bytes explicit_text;
  bool unotice_has_ref;           /* a noticeRef */
  size_t n_other_qualifier;       /* qualifiers of another id */
} casc_lint_policy;

typedef struct {
  casc_lint_bytes raw, tbs;       /* the whole Certificate and its TBSCertificate TLVs */
  casc_lint_faults faults;
  bool version_present;
  int version;                    /* the encoded INTEGER (0 = v1, 2 = v3); 0 when absent */
  casc_lint_bytes serial;         /* INTEGER contents */
  casc_lint_bytes sig_alg_inner;  /* TBSCertificate.signature AlgorithmIdentifier TLV */
  casc_lint_bytes sig_alg_outer;  /* Certificate.signatureAlgorithm TLV */
  casc_lint_bytes sig_alg_oid;    /* OID contents of the outer one */
  casc_lint_bytes sig_alg_params; /* its parameters TLV, absent when omitted */
  casc_lint_bytes signature;      /* BIT STRING contents after the unused-bits octet */
  unsigned signature_unused_bits;
  casc_lint_name issuer, subject;
  casc_lint_time not_before, not_after;
  casc_lint_spki spki;
  casc_lint_bytes issuer_uid, subject_uid; /* [1], [2] contents */
  bool ext_field_present;         /* [3] present (even if empty) */
  size_t n_ext;
  casc_lint_ext ext[CASC_LINT_MAX_EXT];
  bool ext_truncated;
  bool ext_duplicate;             /* two extensions with the same OID */
  casc_lint_bytes ext_duplicate_oid;
  const casc_lint_ext *by_id[CASC_LINT_EXT_COUNT]; /* first of each known id, or NULL */

  bool self_issued;               /* issuer == subject (bytes) */
  bool self_signed;               /* self-issued and AKI absent or equal to SKI */

  struct {
    bool present, ca, ca_present; /* ca_present: the BOOLEAN was encoded */
    int path_len;                 /* -1 when absent; INT32_MAX when negative or huge */
    bool path_len_negative;       /* pathLenConstraint encoded as a negative INTEGER */
  } bc;
  struct {
    bool present;
    unsigned bits;                /* CASC_KU_* */
    unsigned n_bits;              /* bits in the encoded BIT STRING */
  } ku;
  struct {
    bool present;
    unsigned flags;               /* CASC_EKU_* */
    size_t n;
    casc_lint_bytes oid[CASC_LINT_MAX_EKU];
  } eku;
  struct {
    bool present;
    size_t n;                     /* entries in gn[] */
    size_t total;                 /* entries in the extension (may exceed n) */
    casc_lint_gn gn[CASC_LINT_MAX_GN];
  } san;
  struct {
    bool present;
    size_t n;
    casc_lint_gn gn[CASC_LINT_MAX_AD];
  } ian;
  struct {
    bool present;
    casc_lint_bytes key_id;       /* [0] contents, absent when omitted */
    bool has_issuer, has_serial;  /* [1] authorityCertIssuer, [2] serial */
  } aki;
  struct {
    bool present;
    casc_lint_bytes key_id;       /* OCTET STRING contents */
  } ski;
  struct {
    bool present;
    size_t n_dp;                  /* DistributionPoints */
    size_t n_uri;
    casc_lint_bytes uri[CASC_LINT_MAX_DP]; /* fullName URIs (IA5String contents) */
    bool has_reasons, has_crl_issuer, has_relative_name, has_non_uri;
  } crldp;
  struct {
    bool present;
    size_t n;
    casc_lint_ad ad[CASC_LINT_MAX_AD];
  } aia, sia;
  struct {
    bool present;
    size_t n;
    casc_lint_policy pol[CASC_LINT_MAX_POLICY];
    bool any_policy;
    bool duplicate;               /* a policy OID twice */
  } cp;
  struct {
    bool present;
    casc_lint_bytes permitted, excluded; /* [0], [1] contents */
  } nc;
  bool ct_poison;                 /* precertificate poison present */
  bool sct_list;                  /* SCT list extension present */
  struct {
    bool present;
    bool must_staple;             /* status_request (5) listed */
  } tls_feature;
  bool ocsp_nocheck;
} casc_lint_cert;

/* One revokedCertificates entry, read with casc_lint_crl_next_entry. */
typedef struct {
  casc_lint_bytes raw;
  casc_lint_bytes serial;         /* INTEGER contents */
  casc_lint_time date;
  bool ext_present;               /* crlEntryExtensions present */
  size_t n_ext;
  casc_lint_ext ext[8];
  int reason;                     /* reasonCode, -1 when absent */
  casc_lint_time invalidity;
  bool cert_issuer;
  casc_lint_faults faults;
} casc_lint_crl_entry;

typedef struct {
  casc_lint_bytes raw, tbs;
  casc_lint_faults faults;        /* the entries' faults are or-ed in as well */
  bool version_present;
  int version;                    /* 1 = v2; 0 when absent */
  casc_lint_bytes sig_alg_inner, sig_alg_outer, sig_alg_oid, sig_alg_params;
  casc_lint_bytes signature;
  casc_lint_name issuer;
  casc_lint_time this_update, next_update;
  bool revoked_present;           /* revokedCertificates present (even empty: a fault) */
  casc_lint_bytes revoked;        /* its contents */
  size_t n_entries;
  /* Aggregates over all entries, for lints that need no iteration */
  size_t n_entries_with_ext, n_entries_reason, n_entries_unspecified_reason;
  size_t n_entries_invalidity, n_entries_cert_issuer;
  bool entries_undecodable;       /* an entry did not decode (the first one's index below) */
  size_t first_bad_entry;
  bool ext_field_present;
  size_t n_ext;
  casc_lint_ext ext[CASC_LINT_MAX_EXT];
  bool ext_duplicate;
  const casc_lint_ext *by_id[CASC_LINT_EXT_COUNT];
  struct {
    bool present;
    casc_lint_bytes value;        /* INTEGER contents */
  } crl_number, delta_indicator;
  struct {
    bool present;
    casc_lint_bytes key_id;
    bool has_issuer, has_serial;
  } aki;
  struct {
    bool present;
    bool has_dp, dp_full_name;
    size_t n_uri;
    casc_lint_bytes uri[CASC_LINT_MAX_DP];
    bool only_user, only_ca, only_attr, indirect, has_reasons;
  } idp;
} casc_lint_crl;

/* Reads the entry at *off (start with 0) of crl->revoked; false at the end
 * or when the entry does not decode (out->raw.p == NULL then). */
bool casc_lint_crl_next_entry(const casc_lint_crl *crl, size_t *off, casc_lint_crl_entry *out);

#define CASC_LINT_MAX_SINGLE 32
#define CASC_LINT_MAX_OCSP_CERTS 8
typedef struct {
  casc_lint_bytes raw;
  casc_lint_bytes hash_alg;       /* AlgorithmIdentifier TLV */
  casc_lint_bytes hash_oid;       /* its OID contents */
  casc_lint_bytes hash_params;    /* parameters TLV (NULL or absent) */
  casc_lint_bytes name_hash, key_hash; /* OCTET STRING contents */
  casc_lint_bytes serial;         /* INTEGER contents */
  int status;                     /* 0 good, 1 revoked, 2 unknown, -1 other */
  casc_lint_time revocation_time;
  int reason;                     /* -1 when absent */
  casc_lint_time this_update, next_update;
  size_t n_ext;
  casc_lint_ext ext[8];
} casc_lint_ocsp_single;

typedef struct {
  casc_lint_bytes raw;
  casc_lint_faults faults;
  int response_status;            /* OCSPResponseStatus: 0 successful ... */
  bool has_bytes;                 /* responseBytes present */
  casc_lint_bytes response_type;  /* OID contents */
  bool is_basic;                  /* id-pkix-ocsp-basic */
  casc_lint_bytes basic;          /* BasicOCSPResponse TLV */
  casc_lint_bytes tbs;            /* ResponseData TLV */
  bool version_present;
  int version;
  int responder_id_type;          /* 1 byName, 2 byKey, 0 unknown */
  casc_lint_name responder_name;
  casc_lint_bytes responder_key;  /* byKey OCTET STRING contents */
  casc_lint_time produced_at;
  size_t n_single;                /* entries in single[] */
  size_t total_single;            /* responses in the SEQUENCE */
  casc_lint_ocsp_single single[CASC_LINT_MAX_SINGLE];
  size_t n_ext;                   /* responseExtensions */
  casc_lint_ext ext[CASC_LINT_MAX_EXT];
  bool ext_field_present;
  casc_lint_bytes sig_alg, sig_alg_oid, sig_alg_params;
  casc_lint_bytes signature;
  bool certs_present;
  size_t n_certs;
  casc_lint_bytes certs[CASC_LINT_MAX_OCSP_CERTS]; /* Certificate TLVs */
} casc_lint_ocsp;

/* Strict decoders. CASC_ERR_PARSE ("fatal") when the structure cannot be
 * followed; encoding faults that do not prevent decoding go to ->faults.
 * The structs point into der, which must outlive them. They allocate
 * nothing: the caller owns the (large) struct, and may reuse it. */
casc_err casc_lint_parse_cert(const unsigned char *der, size_t len, casc_lint_cert *out,
                              casc_error *e);
casc_err casc_lint_parse_crl(const unsigned char *der, size_t len, casc_lint_crl *out,
                             casc_error *e);
casc_err casc_lint_parse_ocsp(const unsigned char *der, size_t len, casc_lint_ocsp *out,
                              casc_error *e);
/* The kind of a DER input, from its structure alone (no full decode). */
casc_lint_kind casc_lint_detect_kind(const unsigned char *der, size_t len);
/* The profile of a decoded certificate (never AUTO). */
casc_lint_profile casc_lint_detect_profile(const casc_lint_cert *c);

/* --- lints ------------------------------------------------------------------ */
typedef struct {
  casc_lint_kind kind;
  casc_lint_profile profile;      /* detected or given; never AUTO */
  time_t date;                    /* the input's own date (notBefore, thisUpdate, producedAt) */
  time_t now;                     /* the time of the run (casc_now() unless given) */
  const casc_lint_cert *cert;     /* the one matching kind, others NULL */
  const casc_lint_crl *crl;
  const casc_lint_ocsp *ocsp;
} casc_lint_input;

typedef struct casc_lint {
  const char *name;               /* stable: e_..., w_..., n_... */
  const char *alias;              /* zlint's equivalent lint, or NULL */
  casc_lint_level level;
  const char *citation;           /* "RFC 5280 4.2.1.9", "TLS BR 7.1.2.7.6" */
  const char *source;             /* CASC_LINT_SRC_* */
  time_t effective;               /* 0: always */
  casc_lint_kind kind;
  bool (*applies)(const casc_lint_input *in); /* NULL: always */
  /* Writes what it found into det (NUL-terminated, detsz > 0) when it does
   * not pass. Returns CASC_LINT_PASS, CASC_LINT_NA or CASC_LINT_FAIL (or an
   * explicit level result when it wants to report lower than its level). */
  casc_lint_result (*run)(const casc_lint_input *in, char *det, size_t detsz);
} casc_lint;

/* A group's table: `const casc_lint NAME[] = {...}; CASC_LINT_TABLE(NAME);`
 * defines NAME_count next to it. */
#define CASC_LINT_TABLE(NAME) const size_t NAME##_count = sizeof NAME / sizeof NAME[0]
#define CASC_LINT_TABLE_DECL(NAME)                                                                 \
  extern const casc_lint NAME[];                                                                   \
  extern const size_t NAME##_count

/* Dates for `effective`: seconds since the epoch, UTC, midnight. A constant
 * expression (usable in a static table) for years from 1 on. */
#define CASC_LINT_YEAR_(y, m) ((long)(y) - ((m) <= 2))
#define CASC_LINT_DAYS_(y, m, d)                                                                   \
  (CASC_LINT_YEAR_(y, m) / 400 * 146097L + CASC_LINT_YEAR_(y, m) % 400 * 365L +                    \
   CASC_LINT_YEAR_(y, m) % 400 / 4 - CASC_LINT_YEAR_(y, m) % 400 / 100 +                           \
   (153L * ((m) + ((m) > 2 ? -3 : 9)) + 2) / 5 + (d)-1 - 719468L)
#define CASC_LINT_DATE(y, m, d) ((time_t)CASC_LINT_DAYS_(y, m, d) * 86400)
/* The same for run-time values (any year). */
long casc_lint_days_from_civil(int y, int m, int d);

/* Every registered lint, in a stable order. */
size_t casc_lint_count(void);
const casc_lint *casc_lint_at(size_t i);
const casc_lint *casc_lint_find(const char *name);

const char *casc_lint_level_name(casc_lint_level l);    /* "error", "warn", "notice" */
const char *casc_lint_result_name(casc_lint_result r);  /* "pass", "na", "ne", ... */
const char *casc_lint_kind_name(casc_lint_kind k);      /* "certificate", "crl", "ocsp" */
const char *casc_lint_profile_name(casc_lint_profile p);/* "root", "subca", "tls", ... */
/* By name: root, subca (sub-ca), tls (tls-server), code-signing, timestamping,
 * ocsp-signing, smime, unknown; CASC_LINT_PROFILE_AUTO when unknown to it. */
casc_lint_profile casc_lint_profile_from_name(const char *name);

/* Runs one lint on a decoded input: the effective date, applies() and the
 * level mapping included. det gets the details of a finding. */
casc_lint_result casc_lint_run_one(const casc_lint *l, const casc_lint_input *in, char *det,
                                   size_t detsz);

/* --- running on bytes -------------------------------------------------------
 * A reusable checker: holds the (large) decoded structs, so that linting a
 * million inputs allocates nothing per input. Not thread-safe; one per
 * thread. */
typedef struct casc_lint_ctx casc_lint_ctx;
casc_lint_ctx *casc_lint_ctx_new(void);
void casc_lint_ctx_free(casc_lint_ctx *ctx);

/* Called once per lint (every result, pass and na included). det is "" on pass. */
typedef void (*casc_lint_cb)(void *arg, const casc_lint *l, casc_lint_result r,
                             const char *det);

/* Decodes der (kind CASC_LINT_KIND_UNKNOWN: detected), chooses the profile
 * of a certificate (CASC_LINT_PROFILE_AUTO: detected; a CRL's is always
 * CASC_LINT_PROFILE_CRL, an OCSP response's CASC_LINT_PROFILE_OCSP) and
 * runs every lint of its kind,
 * calling cb for each. now 0 means casc_now(). The kind and profile used
 * are returned in *kind_out, *profile_out (either may be NULL). A fatal
 * decode calls cb once with the pseudo-lint casc_lint_fatal() and
 * CASC_LINT_FATAL, the reason in det. Returns the worst result seen. */
casc_lint_result casc_lint_ctx_check(casc_lint_ctx *ctx, casc_lint_kind kind,
                                     casc_lint_profile profile, const unsigned char *der,
                                     size_t len, time_t now, casc_lint_cb cb, void *arg,
                                     casc_lint_kind *kind_out, casc_lint_profile *profile_out);
/* The pseudo-lint that reports an undecodable input ("e_der_decode_fatal"). */
const casc_lint *casc_lint_fatal(void);

/* Lint-before-sign: a summary of one input. */
typedef struct {
  size_t n_run, n_pass, n_na, n_ne, n_notice, n_warn, n_error, n_fatal;
  /* "name: details; name: details" of the first error/fatal findings
   * (warnings after them when room remains), truncated. */
  char text[1024];
} casc_lint_report;

/* Lints der as kind under profile (AUTO: detected) at now (0: casc_now()).
 * Returns true when any error-level or fatal finding exists; rep (may be
 * NULL) gets the counts and the first findings' text. */
bool casc_lint_der(casc_lint_kind kind, casc_lint_profile profile, const unsigned char *der,
                   size_t len, time_t now, casc_lint_report *rep);

/* --- helpers for lints -------------------------------------------------------- */
/* True when the OID contents equal the literal (e.g. "\x55\x1d\x13"). */
#define CASC_LINT_OID_IS(b, lit)                                                                   \
  ((b).len == sizeof(lit) - 1 && memcmp((b).p, (lit), sizeof(lit) - 1) == 0)
bool casc_lint_bytes_eq(casc_lint_bytes a, casc_lint_bytes b);
/* v as printable ASCII for details: other octets as \xNN, cut with "..."
 * to fit bufsz (>= 8). Returns buf. Details must be printable: they go
 * into JSON (UTF-8 only) and onto terminals. */
const char *casc_lint_printable(casc_lint_bytes v, char *buf, size_t bufsz);
/* Dotted form of OID contents into buf ("?" when malformed). */
const char *casc_lint_oid_str(casc_lint_bytes oid, char *buf, size_t bufsz);
/* The first attribute of the given type (OID contents literal) in a name, or NULL. */
const casc_lint_attr *casc_lint_name_find(const casc_lint_name *n, const char *oid, size_t oid_len);
#define CASC_LINT_NAME_FIND(n, lit) casc_lint_name_find((n), (lit), sizeof(lit) - 1)
/* Certificate extension by id, or NULL. */
static inline const casc_lint_ext *casc_lint_cert_ext(const casc_lint_cert *c, casc_lint_ext_id id) {
  return c->by_id[id];
}
/* Common applies() predicates on in->profile / in->cert. */
bool casc_lint_applies_ca(const casc_lint_input *in);         /* root or subca (or BC cA) */
bool casc_lint_applies_subscriber(const casc_lint_input *in); /* not a CA */
bool casc_lint_applies_root(const casc_lint_input *in);
bool casc_lint_applies_subca(const casc_lint_input *in);
bool casc_lint_applies_tls(const casc_lint_input *in);        /* TLS subscriber */
bool casc_lint_applies_codesign(const casc_lint_input *in);   /* code signing subscriber */
bool casc_lint_applies_timestamp(const casc_lint_input *in);
bool casc_lint_applies_ocsp_signer(const casc_lint_input *in);
bool casc_lint_applies_smime(const casc_lint_input *in);
bool casc_lint_applies_rsa(const casc_lint_input *in);        /* cert key is RSA and decoded */
bool casc_lint_applies_ec(const casc_lint_input *in);

/* Common OIDs (contents) for CASC_LINT_OID_IS. */
#define CASC_OID_RSA_ENCRYPTION "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01"
#define CASC_OID_RSA_PSS "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0a"
#define CASC_OID_SHA1_RSA "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x05"
#define CASC_OID_SHA256_RSA "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b"
#define CASC_OID_SHA384_RSA "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0c"
#define CASC_OID_SHA512_RSA "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0d"
#define CASC_OID_MD5_RSA "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x04"
#define CASC_OID_EC_PUBLIC_KEY "\x2a\x86\x48\xce\x3d\x02\x01"
#define CASC_OID_ECDSA_SHA1 "\x2a\x86\x48\xce\x3d\x04\x01"
#define CASC_OID_ECDSA_SHA256 "\x2a\x86\x48\xce\x3d\x04\x03\x02"
#define CASC_OID_ECDSA_SHA384 "\x2a\x86\x48\xce\x3d\x04\x03\x03"
#define CASC_OID_ECDSA_SHA512 "\x2a\x86\x48\xce\x3d\x04\x03\x04"
#define CASC_OID_P256 "\x2a\x86\x48\xce\x3d\x03\x01\x07"
#define CASC_OID_P384 "\x2b\x81\x04\x00\x22"
#define CASC_OID_P521 "\x2b\x81\x04\x00\x23"
#define CASC_OID_ED25519 "\x2b\x65\x70"
#define CASC_OID_ED448 "\x2b\x65\x71"
#define CASC_OID_DSA "\x2a\x86\x48\xce\x38\x04\x01"
#define CASC_OID_SHA1 "\x2b\x0e\x03\x02\x1a"
#define CASC_OID_SHA256 "\x60\x86\x48\x01\x65\x03\x04\x02\x01"
#define CASC_OID_SHA384 "\x60\x86\x48\x01\x65\x03\x04\x02\x02"
#define CASC_OID_SHA512 "\x60\x86\x48\x01\x65\x03\x04\x02\x03"
/* attribute types */
#define CASC_OID_AT_CN "\x55\x04\x03"
#define CASC_OID_AT_SURNAME "\x55\x04\x04"
#define CASC_OID_AT_SERIAL_NUMBER "\x55\x04\x05"
#define CASC_OID_AT_C "\x55\x04\x06"
#define CASC_OID_AT_L "\x55\x04\x07"
#define CASC_OID_AT_ST "\x55\x04\x08"
#define CASC_OID_AT_STREET "\x55\x04\x09"
#define CASC_OID_AT_O "\x55\x04\x0a"
#define CASC_OID_AT_OU "\x55\x04\x0b"
#define CASC_OID_AT_TITLE "\x55\x04\x0c"
#define CASC_OID_AT_POSTAL_CODE "\x55\x04\x11"
#define CASC_OID_AT_GIVEN_NAME "\x55\x04\x2a"
#define CASC_OID_AT_ORG_ID "\x55\x04\x61"
#define CASC_OID_AT_BUSINESS_CATEGORY "\x55\x04\x0f"
#define CASC_OID_AT_EMAIL "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x01"
#define CASC_OID_AT_DC "\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x19"
#define CASC_OID_AT_JOI_C "\x2b\x06\x01\x04\x01\x82\x37\x3c\x02\x01\x03"
#define CASC_OID_AT_JOI_ST "\x2b\x06\x01\x04\x01\x82\x37\x3c\x02\x01\x02"
#define CASC_OID_AT_JOI_L "\x2b\x06\x01\x04\x01\x82\x37\x3c\x02\x01\x01"
/* policies */
#define CASC_OID_ANY_POLICY "\x55\x1d\x20\x00"
#define CASC_OID_BR_DV "\x67\x81\x0c\x01\x02\x01"
#define CASC_OID_BR_OV "\x67\x81\x0c\x01\x02\x02"
#define CASC_OID_BR_IV "\x67\x81\x0c\x01\x02\x03"
#define CASC_OID_BR_EV "\x67\x81\x0c\x01\x01"
#define CASC_OID_CS_EV "\x67\x81\x0c\x01\x03"
#define CASC_OID_CS_NON_EV "\x67\x81\x0c\x01\x04\x01"
#define CASC_OID_CS_TIMESTAMP "\x67\x81\x0c\x01\x04\x02"
#define CASC_OID_QT_CPS "\x2b\x06\x01\x05\x05\x07\x02\x01"
#define CASC_OID_QT_UNOTICE "\x2b\x06\x01\x05\x05\x07\x02\x02"
/* OCSP */
#define CASC_OID_OCSP_BASIC "\x2b\x06\x01\x05\x05\x07\x30\x01\x01"

#endif
