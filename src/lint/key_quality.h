/* Key-quality arithmetic for the key lints (src/lint/key_*.c), on raw
 * big-endian magnitudes as they sit in a SubjectPublicKeyInfo, so that the
 * linter never builds an EVP_PKEY for an RSA key. Internal to libcasc;
 * tests include it to exercise the arithmetic directly. */
#ifndef CASC_LINT_KEY_QUALITY_H
#define CASC_LINT_KEY_QUALITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The checks made on one RSA modulus, computed together and remembered
 * (a per-thread cache of recent moduli: a CA's corpus repeats keys). */
typedef struct {
  unsigned bits;          /* significant bits of the modulus */
  bool odd;
  unsigned small_factor;  /* smallest prime factor below 752, or 0 */
  bool roca;              /* the Infineon RSALib (ROCA) fingerprint */
  bool fermat;            /* factored by Fermat's method in a few steps */
} casc_lint_rsa_facts;

/* Magnitude n (len bytes, leading zeros allowed). */
void casc_lint_rsa_facts_get(const unsigned char *n, size_t len, casc_lint_rsa_facts *out);

/* The pieces, for tests. */
bool casc_lint_rsa_roca(const unsigned char *n, size_t len);
unsigned casc_lint_rsa_small_factor(const unsigned char *n, size_t len, unsigned bound);
/* True when n = p*q with p, q found within rounds steps of ceil(sqrt(n)). */
bool casc_lint_rsa_fermat(const unsigned char *n, size_t len, unsigned rounds);

/* RSA public exponent facts, from its INTEGER contents (two's complement,
 * as DER has it). */
typedef struct {
  bool positive;  /* greater than zero */
  bool odd;
  bool one;       /* exactly 1 */
  bool below3;    /* less than 3 */
  bool in_range;  /* 2^16+1 .. 2^256-1 (BR 6.1.6) */
} casc_lint_rsa_exp_facts;
void casc_lint_rsa_exp_facts_get(const unsigned char *e, size_t len,
                                 casc_lint_rsa_exp_facts *out);

#endif
