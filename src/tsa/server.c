/* The time-stamp authority: replies encoded from templates and signed with
 * per-thread contexts (see include/casc/tsa.h).
 *
 * Measured on this machine before writing it this way: TS_RESP_create_response
 * builds and frees an object tree and a PKCS7 per reply (and re-hashes the
 * certificate for the ESS attribute), several times the cost of the
 * signature itself. Here everything that does not change between replies is
 * encoded once in casc_tsa_new: the policy, accuracy and tsa name of the
 * TSTInfo, the contentType and signingCertificateV2 attributes, the
 * SignerInfo's sid and algorithms, and the certificates. A reply is then a
 * few appends, two hashes (TSTInfo, signed attributes) and one signature.
 *
 * Serial numbers: 64 random bits drawn when the TSA starts (top bits fixed
 * so the INTEGER is always 16 positive octets) followed by a 64-bit
 * counter. Within one process the counter never repeats; two processes
 * (a restart, or several nodes serving one CA) share a prefix with
 * probability 2^-62 per pair, so no state has to be written to disk before
 * a reply goes out, and no lock is taken (one atomic increment). 128 bits
 * stays within the 160 that RFC 3161 2.4.2 says clients must accept. */
#include "casc/tsa.h"
#include "tsa_internal.h"

#include "casc/der.h"
#include "casc/keys.h"

#include <limits.h>
#include <openssl/ess.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per-thread state: buffers and a signing context of its own. */
struct tsa_thread {
  casc_der_buf tst, attrs, out;
  EVP_PKEY_CTX *pctx;
  EVP_MD_CTX *mdctx;
  unsigned char *sig;
  size_t sig_cap;
  struct tsa_thread *next;
};

struct casc_tsa {
  EVP_PKEY *key;
  EVP_MD *md;                    /* fetched once: the signature's and messageDigest's hash */
  unsigned char serial_prefix[8];
  atomic_uint_least64_t counter;
  /* templates (DER) */
  unsigned char *policy_tlv, *policy_oid, *accuracy, *tsa_name, *attr_ctype, *attr_esscert;
  size_t policy_tlv_len, policy_oid_len, accuracy_len, tsa_name_len, attr_ctype_len,
      attr_esscert_len;
  unsigned char *md_alg, *sig_alg, *sid, *certs;
  size_t md_alg_len, sig_alg_len, sid_len, certs_len;
  size_t sig_max;
  time_t not_before, not_after;  /* of the TSA certificate: no token outside them */
  atomic_bool said_invalid;      /* logged once, not once a request */
  /* the threads' states */
  pthread_key_t tkey;
  bool tkey_made;
  pthread_mutex_t threads_lock;  /* only when a thread makes its state */
  struct tsa_thread *threads;
};

/* OIDs, contents octets' TLVs */
static const unsigned char OID_SIGNED_DATA[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
                                                0x0d, 0x01, 0x07, 0x02};
static const unsigned char OID_CT_TSTINFO[] = {0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
                                               0x01, 0x09, 0x10, 0x01, 0x04};
static const unsigned char OID_MESSAGE_DIGEST[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                                   0xf7, 0x0d, 0x01, 0x09, 0x04};

/* --- configuration ------------------------------------------------------------ */

static bool oid_ok(const char *s) {
  ASN1_OBJECT *o = OBJ_txt2obj(s, 1);
  bool ok = o != NULL && OBJ_length(o) > 0;
  ASN1_OBJECT_free(o);
  return ok;
}

static bool on_conf(void *user, const char *key, const char *value, char *bad, size_t badsz) {
  casc_tsa_config *cfg = user;
  if (strcmp(key, "policy") == 0) {
    if (strlen(value) >= sizeof cfg->policy || !oid_ok(value)) {
      snprintf(bad, badsz, "policy = %.60s: not a dotted OID", value);
      return false;
    }
    snprintf(cfg->policy, sizeof cfg->policy, "%s", value);
  } else if (strcmp(key, "accuracy_ms") == 0) {
    char *end;
    long v = strtol(value, &end, 10);
    if (*end != '\0' || end == value || v < 1 || v > 3600000) {
      snprintf(bad, badsz, "accuracy_ms = %.60s: must be 1 to 3600000", value);
      return false;
    }
    cfg->accuracy_ms = (int)v;
  }
  return true;
}

casc_err casc_tsa_config_load(const char *ca_dir, casc_tsa_config *cfg, casc_error *e) {
  memset(cfg, 0, sizeof *cfg);
  snprintf(cfg->policy, sizeof cfg->policy, "%s", CASC_TSA_DEFAULT_POLICY);
  cfg->accuracy_ms = CASC_TSA_DEFAULT_ACCURACY_MS;
  return casc_conf_read(ca_dir, "tsa", on_conf, cfg, e);
}

/* --- templates ------------------------------------------------------------------ */

static unsigned char *take(casc_der_buf *b, size_t *len) {
  if (casc_der_buf_failed(b)) {
    casc_der_buf_free(b);
    return NULL;
  }
  unsigned char *p = b->data != NULL ? b->data : malloc(1);
  *len = b->len;
  b->data = NULL;
  casc_der_buf_free(b);
  return p;
}

static casc_err make_templates(casc_tsa *t, X509 *cert, STACK_OF(X509) *chain,
                               const casc_tsa_config *cfg, casc_error *e) {
  casc_der_buf b;
  unsigned char *der = NULL;
  int n;
  char oid[128];
  ESS_SIGNING_CERT_V2 *ess = NULL;
  casc_err rc = CASC_OK;

  /* policy */
  casc_der_buf_init(&b);
  casc_der_oid(&b, cfg->policy);
  t->policy_tlv = take(&b, &t->policy_tlv_len);
  if (t->policy_tlv == NULL || t->policy_tlv_len < 3) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "tsa policy %s: not a dotted OID", cfg->policy);
    goto out;
  }
  t->policy_oid = t->policy_tlv + 2; /* short OIDs: one length octet */
  t->policy_oid_len = t->policy_tlv_len - 2;
  if (t->policy_tlv[1] & 0x80) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "tsa policy %s: too long", cfg->policy);
    goto out;
  }

  /* Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] INTEGER
   * (1..999) OPTIONAL, micros [1] ... } (the module's tags are IMPLICIT) */
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  if (cfg->accuracy_ms / 1000 > 0)
    casc_der_int64(&b, cfg->accuracy_ms / 1000);
  if (cfg->accuracy_ms % 1000 > 0) {
    size_t start = b.len;
    casc_der_int64(&b, cfg->accuracy_ms % 1000);
    if (!b.failed)
      b.data[start] = CASC_DER_CONTEXT | 0;
  }
  casc_der_end(&b);
  t->accuracy = take(&b, &t->accuracy_len);

  /* tsa [0] GeneralName: directoryName [4] Name (both explicit: CHOICEs) */
  n = i2d_X509_NAME(X509_get_subject_name(cert), &der);
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0);
  casc_der_begin(&b, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 4);
  if (n > 0)
    casc_der_raw(&b, der, (size_t)n);
  else
    b.failed = true;
  casc_der_end(&b);
  casc_der_end(&b);
  t->tsa_name = take(&b, &t->tsa_name_len);
  OPENSSL_free(der);
  der = NULL;

  /* contentType attribute: id-ct-TSTInfo */
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_oid(&b, "1.2.840.113549.1.9.3");
  casc_der_begin(&b, CASC_DER_SET);
  casc_der_raw(&b, OID_CT_TSTINFO, sizeof OID_CT_TSTINFO);
  casc_der_end(&b);
  casc_der_end(&b);
  t->attr_ctype = take(&b, &t->attr_ctype_len);

  /* signingCertificateV2 (RFC 5816): SHA-256 of the certificate (the
   * DEFAULT, so no algorithm is written) with issuer and serial */
  ess = OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), cert, NULL, 1);
  n = ess != NULL ? i2d_ESS_SIGNING_CERT_V2(ess, &der) : -1;
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_oid(&b, "1.2.840.113549.1.9.16.2.47");
  casc_der_begin(&b, CASC_DER_SET);
  if (n > 0)
    casc_der_raw(&b, der, (size_t)n);
  else
    b.failed = true;
  casc_der_end(&b);
  casc_der_end(&b);
  t->attr_esscert = take(&b, &t->attr_esscert_len);
  OPENSSL_free(der);
  der = NULL;

  /* digestAlgorithm: NULL parameters, as OpenSSL's PKCS7 writes them */
  OBJ_obj2txt(oid, sizeof oid, OBJ_nid2obj(EVP_MD_get_type(t->md)), 1);
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_oid(&b, oid);
  casc_der_tlv(&b, CASC_DER_NULL, NULL, 0);
  casc_der_end(&b);
  t->md_alg = take(&b, &t->md_alg_len);

  /* signatureAlgorithm: ecdsa-with-SHAx (no parameters) or
   * shaxWithRSAEncryption (NULL) */
  int sig_nid = NID_undef;
  int pkey_nid = EVP_PKEY_get_base_id(t->key);
  if (pkey_nid != EVP_PKEY_EC && pkey_nid != EVP_PKEY_RSA) {
    rc = casc_error_set(e, CASC_ERR_USAGE, "tsa: the key must be EC or RSA");
    goto out;
  }
  if (OBJ_find_sigid_by_algs(&sig_nid, EVP_MD_get_type(t->md), pkey_nid) != 1) {
    rc = casc_error_set(e, CASC_ERR_CRYPTO, "tsa: no signature algorithm for the key");
    goto out;
  }
  OBJ_obj2txt(oid, sizeof oid, OBJ_nid2obj(sig_nid), 1);
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  casc_der_oid(&b, oid);
  if (pkey_nid == EVP_PKEY_RSA)
    casc_der_tlv(&b, CASC_DER_NULL, NULL, 0);
  casc_der_end(&b);
  t->sig_alg = take(&b, &t->sig_alg_len);

  /* sid: IssuerAndSerialNumber */
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_SEQUENCE);
  n = i2d_X509_NAME(X509_get_issuer_name(cert), &der);
  if (n > 0)
    casc_der_raw(&b, der, (size_t)n);
  else
    b.failed = true;
  OPENSSL_free(der);
  der = NULL;
  n = i2d_ASN1_INTEGER(X509_get0_serialNumber(cert), &der);
  if (n > 0)
    casc_der_raw(&b, der, (size_t)n);
  else
    b.failed = true;
  OPENSSL_free(der);
  der = NULL;
  casc_der_end(&b);
  t->sid = take(&b, &t->sid_len);

  /* certificates [0] IMPLICIT: the TSA's, then its issuers' */
  casc_der_buf_init(&b);
  casc_der_begin(&b, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0);
  for (int i = -1; i < (chain != NULL ? sk_X509_num(chain) : 0); i++) {
    n = i2d_X509(i < 0 ? cert : sk_X509_value(chain, i), &der);
    if (n > 0)
      casc_der_raw(&b, der, (size_t)n);
    else
      b.failed = true;
    OPENSSL_free(der);
    der = NULL;
  }
  casc_der_end(&b);
  t->certs = take(&b, &t->certs_len);

  t->sig_max = (size_t)EVP_PKEY_get_size(t->key);
  if (t->accuracy == NULL || t->tsa_name == NULL || t->attr_ctype == NULL ||
      t->attr_esscert == NULL || t->md_alg == NULL || t->sig_alg == NULL || t->sid == NULL ||
      t->certs == NULL || t->sig_max == 0)
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "tsa: encoding the reply templates");
out:
  ESS_SIGNING_CERT_V2_free(ess);
  return rc;
}

/* --- life cycle ------------------------------------------------------------------ */

static void thread_free(struct tsa_thread *th) {
  if (th == NULL)
    return;
  casc_der_buf_free(&th->tst);
  casc_der_buf_free(&th->attrs);
  casc_der_buf_free(&th->out);
  EVP_PKEY_CTX_free(th->pctx);
  EVP_MD_CTX_free(th->mdctx);
  free(th->sig);
  free(th);
}

void casc_tsa_free(casc_tsa *t) {
  if (t == NULL)
    return;
  /* Threads that answered are gone (the server joined them) or are the
   * caller's; their states are all on the list. */
  for (struct tsa_thread *th = t->threads, *next; th != NULL; th = next) {
    next = th->next;
    thread_free(th);
  }
  if (t->tkey_made)
    pthread_key_delete(t->tkey);
  pthread_mutex_destroy(&t->threads_lock);
  free(t->policy_tlv);
  free(t->accuracy);
  free(t->tsa_name);
  free(t->attr_ctype);
  free(t->attr_esscert);
  free(t->md_alg);
  free(t->sig_alg);
  free(t->sid);
  free(t->certs);
  EVP_MD_free(t->md);
  EVP_PKEY_free(t->key);
  free(t);
}

casc_err casc_tsa_new(X509 *cert, EVP_PKEY *key, STACK_OF(X509) *chain,
                      const casc_tsa_config *cfg, casc_tsa **out, casc_error *e) {
  casc_tsa *t = calloc(1, sizeof *t);
  casc_tsa_config defaults = {.policy = CASC_TSA_DEFAULT_POLICY,
                              .accuracy_ms = CASC_TSA_DEFAULT_ACCURACY_MS};
  casc_err rc = CASC_OK;
  *out = NULL;
  if (t == NULL)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  pthread_mutex_init(&t->threads_lock, NULL);
  if (cfg == NULL)
    cfg = &defaults;
  if (X509_check_private_key(cert, key) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_USAGE, "tsa: the key does not match the certificate");
    goto out;
  }
  EVP_PKEY_up_ref(key);
  t->key = key;
  const EVP_MD *want = casc_key_digest(key);
  if (want == NULL || (t->md = EVP_MD_fetch(NULL, EVP_MD_get0_name(want), NULL)) == NULL) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "tsa: digest");
    goto out;
  }
  if (RAND_bytes(t->serial_prefix, sizeof t->serial_prefix) != 1) {
    rc = casc_error_ssl(e, CASC_ERR_CRYPTO, "tsa: random serial prefix");
    goto out;
  }
  t->serial_prefix[0] = (unsigned char)((t->serial_prefix[0] & 0x3f) | 0x40);
  atomic_init(&t->counter, 1);
  if ((rc = casc_asn1_time_get(X509_get0_notBefore(cert), &t->not_before, e)) != CASC_OK ||
      (rc = casc_asn1_time_get(X509_get0_notAfter(cert), &t->not_after, e)) != CASC_OK ||
      (rc = make_templates(t, cert, chain, cfg, e)) != CASC_OK)
    goto out;
  if (pthread_key_create(&t->tkey, NULL) != 0) {
    rc = casc_error_set(e, CASC_ERR_INTERNAL, "tsa: thread key");
    goto out;
  }
  t->tkey_made = true;
out:
  if (rc != CASC_OK) {
    casc_tsa_free(t);
    return rc;
  }
  *out = t;
  return CASC_OK;
}

casc_err casc_tsa_open(const char *ca_dir, casc_tsa **out, casc_error *e) {
  char path[PATH_MAX];
  casc_tsa_config cfg;
  X509 *cert = NULL, *ca = NULL;
  EVP_PKEY *key = NULL;
  STACK_OF(X509) *chain = sk_X509_new_null();
  BIO *bio = NULL;
  casc_err rc = casc_tsa_config_load(ca_dir, &cfg, e);
  *out = NULL;
  if (rc != CASC_OK)
    goto out;
  static const char *const files[] = {"certs/tsa.pem", "certs/timestamping-ca.pem"};
  for (size_t i = 0; i < 2; i++) {
    if ((rc = casc_path_join(path, sizeof path, ca_dir, files[i], e)) != CASC_OK)
      goto out;
    BIO_free(bio);
    X509 *x = NULL;
    if ((bio = BIO_new_file(path, "r")) == NULL ||
        (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL) {
      rc = casc_error_ssl(e, CASC_ERR_IO, "%s: cannot read a certificate", path);
      goto out;
    }
    *(i == 0 ? &cert : &ca) = x;
  }
  if (chain == NULL || !sk_X509_push(chain, ca)) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  ca = NULL;
  if ((rc = casc_path_join(path, sizeof path, ca_dir, "keys/tsa.key", e)) != CASC_OK ||
      (rc = casc_key_load(path, &key, e)) != CASC_OK)
    goto out;
  rc = casc_tsa_new(cert, key, chain, &cfg, out, e);
out:
  BIO_free(bio);
  X509_free(cert);
  X509_free(ca);
  sk_X509_pop_free(chain, X509_free);
  EVP_PKEY_free(key);
  return rc;
}

static struct tsa_thread *thread_state(casc_tsa *t) {
  struct tsa_thread *th = pthread_getspecific(t->tkey);
  if (th != NULL)
    return th;
  if ((th = calloc(1, sizeof *th)) == NULL)
    return NULL;
  casc_der_buf_init(&th->tst);
  casc_der_buf_init(&th->attrs);
  casc_der_buf_init(&th->out);
  th->sig_cap = t->sig_max;
  if ((th->sig = malloc(th->sig_cap)) == NULL || (th->mdctx = EVP_MD_CTX_new()) == NULL ||
      (th->pctx = EVP_PKEY_CTX_new_from_pkey(NULL, t->key, NULL)) == NULL ||
      EVP_PKEY_sign_init(th->pctx) != 1 ||
      (EVP_PKEY_get_base_id(t->key) == EVP_PKEY_RSA &&
       EVP_PKEY_CTX_set_rsa_padding(th->pctx, RSA_PKCS1_PADDING) != 1) ||
      EVP_PKEY_CTX_set_signature_md(th->pctx, t->md) != 1 ||
      pthread_setspecific(t->tkey, th) != 0) {
    thread_free(th);
    return NULL;
  }
  pthread_mutex_lock(&t->threads_lock);
  th->next = t->threads;
  t->threads = th;
  pthread_mutex_unlock(&t->threads_lock);
  return th;
}

/* --- replies -------------------------------------------------------------------- */

static void reset(casc_der_buf *b) {
  b->len = 0;
  b->depth = 0;
  b->failed = false;
}

static const char *const reject_text[] = {
    [CASC_TSA_BAD_ALG] = "hash algorithm not accepted: use SHA-256, SHA-384 or SHA-512",
    [CASC_TSA_BAD_DATA_FORMAT] = "not a well-formed TimeStampReq",
    [CASC_TSA_UNACCEPTED_POLICY] = "this TSA does not issue under the requested policy",
    [CASC_TSA_UNACCEPTED_EXTENSION] = "no request extension is supported",
    [CASC_TSA_SYSTEM_FAILURE] = "the TSA could not sign",
};
static const int reject_bit[] = {
    [CASC_TSA_BAD_ALG] = CASC_TS_FAIL_BAD_ALG,
    [CASC_TSA_BAD_DATA_FORMAT] = CASC_TS_FAIL_BAD_DATA_FORMAT,
    [CASC_TSA_UNACCEPTED_POLICY] = CASC_TS_FAIL_UNACCEPTED_POLICY,
    [CASC_TSA_UNACCEPTED_EXTENSION] = CASC_TS_FAIL_UNACCEPTED_EXTENSION,
    [CASC_TSA_SYSTEM_FAILURE] = CASC_TS_FAIL_SYSTEM_FAILURE,
};

/* TimeStampResp { PKIStatusInfo { rejection, statusString, failInfo } } */
static void encode_rejection(casc_der_buf *o, casc_tsa_result r) {
  int bit = reject_bit[r];
  unsigned char bits[1 + 4] = {0};
  size_t nbytes = (size_t)bit / 8 + 1;
  bits[0] = (unsigned char)(7 - bit % 8); /* unused bits: named bits end at the last one set */
  bits[1 + bit / 8] = (unsigned char)(0x80 >> (bit % 8));
  reset(o);
  casc_der_begin(o, CASC_DER_SEQUENCE);
  casc_der_begin(o, CASC_DER_SEQUENCE);
  casc_der_int64(o, CASC_TS_REJECTION);
  casc_der_begin(o, CASC_DER_SEQUENCE);
  casc_der_tlv(o, 0x0c /* UTF8String */, reject_text[r], strlen(reject_text[r]));
  casc_der_end(o);
  casc_der_tlv(o, CASC_DER_BIT_STRING, bits, 1 + nbytes);
  casc_der_end(o);
  casc_der_end(o);
}

/* The static rejection made without a thread state (out of memory). */
static const unsigned char SYSTEM_FAILURE_REPLY[] = {
    0x30, 0x0c, 0x30, 0x0a, 0x02, 0x01, 0x02, 0x03, 0x05, 0x06, 0x00, 0x00, 0x00, 0x40};

static int cmp_attr(const void *a, const void *b) {
  const casc_der_tlv_t *x = a, *y = b;
  size_t lx = x->hdr_len + x->len, ly = y->hdr_len + y->len;
  int c = memcmp(x->hdr, y->hdr, lx < ly ? lx : ly);
  return c != 0 ? c : (lx > ly) - (lx < ly);
}

static bool sign_reply(casc_tsa *t, struct tsa_thread *th, const casc_tsa_request *q,
                       time_t now) {
  unsigned char serial[16], tst_hash[EVP_MAX_MD_SIZE], attr_hash[EVP_MAX_MD_SIZE];
  unsigned char hdr[CASC_DER_MAX_HEADER];
  unsigned int tst_hash_len = 0, attr_hash_len = 0;
  casc_der_buf *s = &th->tst, *a = &th->attrs, *o = &th->out;
  uint64_t c = atomic_fetch_add_explicit(&t->counter, 1, memory_order_relaxed);
  memcpy(serial, t->serial_prefix, 8);
  for (int i = 0; i < 8; i++)
    serial[8 + i] = (unsigned char)(c >> (56 - 8 * i));

  /* TSTInfo */
  reset(s);
  casc_der_begin(s, CASC_DER_SEQUENCE);
  casc_der_int64(s, 1);
  casc_der_raw(s, t->policy_tlv, t->policy_tlv_len);
  casc_der_raw(s, q->imprint, q->imprint_len);
  casc_der_uint_bytes(s, serial, sizeof serial);
  casc_der_generalized_time(s, now);
  casc_der_raw(s, t->accuracy, t->accuracy_len);
  if (q->nonce != NULL)
    casc_der_raw(s, q->nonce, q->nonce_len);
  casc_der_raw(s, t->tsa_name, t->tsa_name_len);
  casc_der_end(s);
  if (casc_der_buf_failed(s) ||
      EVP_DigestInit_ex2(th->mdctx, t->md, NULL) != 1 ||
      EVP_DigestUpdate(th->mdctx, s->data, s->len) != 1 ||
      EVP_DigestFinal_ex(th->mdctx, tst_hash, &tst_hash_len) != 1)
    return false;

  /* signed attributes, DER-sorted (SET OF) */
  reset(a);
  casc_der_begin(a, CASC_DER_SET);
  casc_der_raw(a, t->attr_ctype, t->attr_ctype_len);
  size_t md_start = a->len;
  casc_der_begin(a, CASC_DER_SEQUENCE);
  casc_der_raw(a, OID_MESSAGE_DIGEST, sizeof OID_MESSAGE_DIGEST);
  casc_der_begin(a, CASC_DER_SET);
  casc_der_tlv(a, CASC_DER_OCTET_STRING, tst_hash, tst_hash_len);
  casc_der_end(a);
  casc_der_end(a);
  size_t ess_start = a->len;
  casc_der_raw(a, t->attr_esscert, t->attr_esscert_len);
  casc_der_end(a);
  if (casc_der_buf_failed(a))
    return false;
  /* sort the three in place (their encodings' order depends only on the
   * templates and the hash length, but sorting costs nothing) */
  {
    size_t hl = a->len - (t->attr_ctype_len + (ess_start - md_start) + t->attr_esscert_len);
    unsigned char *base = a->data + hl;
    unsigned char tmp[4096];
    casc_der_tlv_t parts[3] = {
        {.hdr = base, .hdr_len = 0, .len = t->attr_ctype_len},
        {.hdr = base + md_start, .hdr_len = 0, .len = ess_start - md_start},
        {.hdr = base + ess_start, .hdr_len = 0, .len = t->attr_esscert_len}};
    size_t total = a->len - hl;
    if (total > sizeof tmp)
      return false;
    qsort(parts, 3, sizeof parts[0], cmp_attr);
    size_t off = 0;
    for (int i = 0; i < 3; i++) {
      memcpy(tmp + off, parts[i].hdr, parts[i].len);
      off += parts[i].len;
    }
    memcpy(base, tmp, total);
  }
  size_t sig_len = th->sig_cap;
  if (EVP_DigestInit_ex2(th->mdctx, t->md, NULL) != 1 ||
      EVP_DigestUpdate(th->mdctx, a->data, a->len) != 1 ||
      EVP_DigestFinal_ex(th->mdctx, attr_hash, &attr_hash_len) != 1 ||
      EVP_PKEY_sign(th->pctx, th->sig, &sig_len, attr_hash, attr_hash_len) != 1)
    return false;
  a->data[0] = CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0; /* [0] IMPLICIT in SignerInfo */

  /* TimeStampResp { PKIStatusInfo { granted }, ContentInfo { signedData } } */
  reset(o);
  casc_der_reserve(o, s->len + a->len + t->certs_len + t->sid_len + sig_len + 256);
  casc_der_begin(o, CASC_DER_SEQUENCE);
  casc_der_raw(o, (const unsigned char[]){0x30, 0x03, 0x02, 0x01, 0x00}, 5);
  casc_der_begin(o, CASC_DER_SEQUENCE);
  casc_der_raw(o, OID_SIGNED_DATA, sizeof OID_SIGNED_DATA);
  casc_der_begin(o, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0);
  casc_der_begin(o, CASC_DER_SEQUENCE); /* SignedData */
  casc_der_int64(o, 3);                 /* eContentType is not id-data */
  casc_der_begin(o, CASC_DER_SET);
  casc_der_raw(o, t->md_alg, t->md_alg_len);
  casc_der_end(o);
  casc_der_begin(o, CASC_DER_SEQUENCE); /* encapContentInfo */
  casc_der_raw(o, OID_CT_TSTINFO, sizeof OID_CT_TSTINFO);
  casc_der_begin(o, CASC_DER_CONSTRUCTED | CASC_DER_CONTEXT | 0);
  casc_der_tlv(o, CASC_DER_OCTET_STRING, s->data, s->len);
  casc_der_end(o);
  casc_der_end(o);
  if (q->cert_req)
    casc_der_raw(o, t->certs, t->certs_len);
  casc_der_begin(o, CASC_DER_SET);      /* signerInfos */
  casc_der_begin(o, CASC_DER_SEQUENCE);
  casc_der_int64(o, 1);
  casc_der_raw(o, t->sid, t->sid_len);
  casc_der_raw(o, t->md_alg, t->md_alg_len);
  casc_der_raw(o, a->data, a->len);
  casc_der_raw(o, t->sig_alg, t->sig_alg_len);
  casc_der_raw(o, hdr, casc_der_header(hdr, CASC_DER_OCTET_STRING, sig_len));
  casc_der_raw(o, th->sig, sig_len);
  for (int i = 0; i < 6; i++)
    casc_der_end(o);
  return !casc_der_buf_failed(o);
}

casc_err casc_tsa_answer(casc_tsa *t, const unsigned char *req, size_t req_len, time_t now,
                         const unsigned char **resp, size_t *resp_len, casc_tsa_result *result,
                         casc_error *e) {
  casc_tsa_request q;
  casc_tsa_result r = CASC_TSA_GRANTED;
  casc_error why = {0};
  struct tsa_thread *th = thread_state(t);
  if (th == NULL) {
    *resp = SYSTEM_FAILURE_REPLY;
    *resp_len = sizeof SYSTEM_FAILURE_REPLY;
    *result = CASC_TSA_SYSTEM_FAILURE;
    return CASC_OK;
  }
  if (casc_tsa_request_parse(req, req_len, &q, &r, &why) == CASC_OK) {
    if (q.has_extensions) {
      r = CASC_TSA_UNACCEPTED_EXTENSION;
    } else if (q.policy != NULL && (q.policy_len != t->policy_oid_len ||
                                    memcmp(q.policy, t->policy_oid, q.policy_len) != 0)) {
      r = CASC_TSA_UNACCEPTED_POLICY;
    } else if (now < t->not_before || now > t->not_after) {
      /* a token under an expired (or not yet valid) certificate would not
       * verify: refuse rather than sign it */
      if (!atomic_exchange_explicit(&t->said_invalid, true, memory_order_relaxed))
        casc_log(CASC_LOG_ERROR, "tsa: the TSA certificate is not valid now: refusing requests");
      r = CASC_TSA_SYSTEM_FAILURE;
    } else if (!sign_reply(t, th, &q, now)) {
      casc_log(CASC_LOG_ERROR, "tsa: signing a reply failed");
      r = CASC_TSA_SYSTEM_FAILURE;
    }
  }
  if (r != CASC_TSA_GRANTED)
    encode_rejection(&th->out, r);
  *result = r;
  if (casc_der_buf_failed(&th->out)) {
    *resp = SYSTEM_FAILURE_REPLY;
    *resp_len = sizeof SYSTEM_FAILURE_REPLY;
    *result = CASC_TSA_SYSTEM_FAILURE;
    return CASC_OK;
  }
  (void)e;
  *resp = th->out.data;
  *resp_len = th->out.len;
  return CASC_OK;
}
