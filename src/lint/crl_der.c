/* DER encoding faults in CRLs and OCSP responses (X.690 10 and 11): the
 * decoder records them (casc_lint_faults); each becomes a lint here, once
 * for CRLs and once for OCSP responses, named after the fault. */
#include "crl_context.h"

#include <stdio.h>

static casc_lint_result fault_result(const casc_lint_faults *f, casc_lint_fault k,
                                     const char *what, char *det, size_t detsz) {
  if (!casc_lint_has_fault(f, k))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "%s (first in %s)", what, f->where[k] != NULL ? f->where[k] : "?");
  return CASC_LINT_FAIL;
}

#define FAULTS(X)                                                                                  \
  X(nonminimal_length, CASC_LF_NONMINIMAL_LENGTH, "a length not in its shortest form",           \
    "X.690 10.1")                                                                                  \
  X(bad_boolean, CASC_LF_BAD_BOOLEAN, "a BOOLEAN that is neither 0x00 nor 0xFF", "X.690 11.1")   \
  X(nonminimal_integer, CASC_LF_NONMINIMAL_INTEGER, "an INTEGER with a redundant leading octet", \
    "X.690 8.3.2")                                                                                 \
  X(empty_integer, CASC_LF_EMPTY_INTEGER, "an INTEGER of no octets", "X.690 8.3.1")              \
  X(default_encoded, CASC_LF_DEFAULT_ENCODED, "a DEFAULT value encoded", "X.690 11.5")           \
  X(trailing_data, CASC_LF_TRAILING_DATA, "bytes after the outer structure", "X.690 8.1.1")      \
  X(trailing_in_value, CASC_LF_TRAILING_IN_VALUE, "bytes after the last field of a value",       \
    "X.690 8.1.1")                                                                                 \
  X(bad_bit_string, CASC_LF_BAD_BITSTRING, "a BIT STRING with bad unused bits",                  \
    "X.690 11.2")                                                                                  \
  X(bad_time, CASC_LF_BAD_TIME, "a time not in the DER form", "X.690 11.7, 11.8")                \
  X(bad_oid, CASC_LF_BAD_OID, "a malformed OBJECT IDENTIFIER", "X.690 8.19.2")                   \
  X(empty_sequence, CASC_LF_EMPTY_SEQUENCE, "an empty SEQUENCE OF where one element is needed",  \
    "RFC 5280 A.1")                                                                                \
  X(bad_null, CASC_LF_BAD_NULL, "a NULL with contents", "X.690 8.8.2")                           \
  X(set_order, CASC_LF_SET_ORDER, "a SET OF not in DER order", "X.690 11.6")                     \
  X(constructed_string, CASC_LF_CONSTRUCTED_STRING, "a string in the constructed form",          \
    "X.690 10.2")

#define CRL_RUN(id, bit, what, cit)                                                                \
  static casc_lint_result crl_##id(const casc_lint_input *in, char *det, size_t detsz) {           \
    return fault_result(&in->crl->faults, bit, what, det, detsz);                                  \
  }
#define OCSP_RUN(id, bit, what, cit)                                                               \
  static casc_lint_result ocsp_##id(const casc_lint_input *in, char *det, size_t detsz) {          \
    return fault_result(&in->ocsp->faults, bit, what, det, detsz);                                 \
  }
FAULTS(CRL_RUN)
CRL_RUN(ext_undecodable, CASC_LF_EXT_UNDECODABLE, "an extension whose value does not decode",
        "RFC 5280 4.2")
FAULTS(OCSP_RUN)

#define CRL_LINT(id, bit, what, cit)                                                               \
  {.name = "e_crl_der_" #id,                                                                       \
   .level = CASC_LINT_ERROR,                                                                       \
   .citation = cit,                                                                                \
   .source = CASC_LINT_SRC_X690,                                                                   \
   .kind = CASC_LINT_KIND_CRL,                                                                     \
   .run = crl_##id},
#define OCSP_LINT(id, bit, what, cit)                                                              \
  {.name = "e_ocsp_der_" #id,                                                                      \
   .level = CASC_LINT_ERROR,                                                                       \
   .citation = cit,                                                                                \
   .source = CASC_LINT_SRC_X690,                                                                   \
   .kind = CASC_LINT_KIND_OCSP,                                                                    \
   .run = ocsp_##id},

/* Only the CRL decoder looks inside extension values. */
const casc_lint casc_lints_crl_der[] = {FAULTS(CRL_LINT) CRL_LINT(
    ext_undecodable, CASC_LF_EXT_UNDECODABLE, "", "RFC 5280 4.2, 5.2")};
CASC_LINT_TABLE(casc_lints_crl_der);

const casc_lint casc_lints_ocsp_der[] = {FAULTS(OCSP_LINT)};
CASC_LINT_TABLE(casc_lints_ocsp_der);
