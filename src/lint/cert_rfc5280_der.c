/* X.690 DER: the encoding faults the certificate decoder recorded, one lint
 * each. RFC 5280 4.1 requires the TBSCertificate to be DER; a relying party
 * that re-encodes a BER certificate gets different bytes and a failing
 * signature. */
#include "casc/lint.h"

#include <stdio.h>

static casc_lint_result fault(const casc_lint_faults *f, casc_lint_fault k, const char *what,
                              char *det, size_t detsz) {
  if (!casc_lint_has_fault(f, k))
    return CASC_LINT_PASS;
  snprintf(det, detsz, "%s (first in %s)", what, f->where[k] ? f->where[k] : "?");
  return CASC_LINT_FAIL;
}

#define FAULT_LINT(fn, bit, text)                                                                  \
  static casc_lint_result fn(const casc_lint_input *in, char *det, size_t detsz) {                 \
    return fault(&in->cert->faults, bit, text, det, detsz);                                        \
  }

FAULT_LINT(run_nonminimal_length, CASC_LF_NONMINIMAL_LENGTH, "a length not in its shortest form")
FAULT_LINT(run_bad_boolean, CASC_LF_BAD_BOOLEAN, "a BOOLEAN not encoded as 0x00 or 0xFF")
FAULT_LINT(run_nonminimal_integer, CASC_LF_NONMINIMAL_INTEGER,
           "an INTEGER with a redundant leading octet")
FAULT_LINT(run_empty_integer, CASC_LF_EMPTY_INTEGER, "an INTEGER of zero octets")
FAULT_LINT(run_default_encoded, CASC_LF_DEFAULT_ENCODED, "a DEFAULT value encoded explicitly")
FAULT_LINT(run_trailing_data, CASC_LF_TRAILING_DATA, "bytes after the Certificate")
FAULT_LINT(run_trailing_in_value, CASC_LF_TRAILING_IN_VALUE,
           "bytes left inside a value after its last field")
FAULT_LINT(run_bad_bitstring, CASC_LF_BAD_BITSTRING,
           "a BIT STRING with a bad unused-bits count or non-zero padding")
FAULT_LINT(run_named_bits, CASC_LF_NAMED_BITS_TRAILING,
           "a named-bit list encoded with trailing zero bits")
FAULT_LINT(run_constructed_string, CASC_LF_CONSTRUCTED_STRING,
           "a string in the constructed (BER) form")
FAULT_LINT(run_set_order, CASC_LF_SET_ORDER, "SET OF elements not in ascending DER order")
FAULT_LINT(run_ext_undecodable, CASC_LF_EXT_UNDECODABLE,
           "an extension value that does not decode as its syntax")
FAULT_LINT(run_bad_oid, CASC_LF_BAD_OID, "a malformed OBJECT IDENTIFIER")
FAULT_LINT(run_empty_sequence, CASC_LF_EMPTY_SEQUENCE,
           "an empty SEQUENCE OF where at least one element is required")
FAULT_LINT(run_bad_time, CASC_LF_BAD_TIME, "a time not in its DER form")
FAULT_LINT(run_bad_null, CASC_LF_BAD_NULL, "a NULL with contents")

#define L(nm, al, cit, fn)                                                                         \
  {.name = nm, .alias = al, .level = CASC_LINT_ERROR, .citation = cit,                             \
   .source = CASC_LINT_SRC_X690, .kind = CASC_LINT_KIND_CERT, .run = fn}

const casc_lint casc_lints_cert_rfc5280_der[] = {
    L("e_der_length_not_minimal", NULL, "X.690 10.1; RFC 5280 4.1", run_nonminimal_length),
    L("e_der_boolean_invalid", NULL, "X.690 11.1", run_bad_boolean),
    L("e_der_integer_not_minimal", NULL, "X.690 8.3.2",
      run_nonminimal_integer),
    L("e_der_integer_empty", NULL, "X.690 8.3.1", run_empty_integer),
    L("e_der_default_value_encoded", NULL,
      "X.690 11.5", run_default_encoded),
    L("e_der_trailing_data", NULL, "X.690 10; RFC 5280 4.1", run_trailing_data),
    L("e_der_trailing_data_in_value", NULL, "X.690 8.1.1; RFC 5280 4.1", run_trailing_in_value),
    L("e_der_bit_string_invalid", NULL, "X.690 8.6.2, 11.2.1", run_bad_bitstring),
    L("e_der_named_bits_trailing_zero", "e_key_usage_incorrect_length", "X.690 11.2.2",
      run_named_bits),
    L("e_der_constructed_string", NULL, "X.690 10.2", run_constructed_string),
    L("e_der_set_of_not_sorted", NULL, "X.690 11.6", run_set_order),
    L("e_ext_value_undecodable", NULL, "RFC 5280 4.2", run_ext_undecodable),
    L("e_der_oid_invalid", NULL, "X.690 8.19.2", run_bad_oid),
    L("e_der_empty_sequence_of", NULL, "RFC 5280 4.2 (SIZE (1..MAX))", run_empty_sequence),
    L("e_der_time_invalid", NULL, "X.690 11.7, 11.8; RFC 5280 4.1.2.5", run_bad_time),
    L("e_der_null_not_empty", NULL, "X.690 8.8.2", run_bad_null),
};
CASC_LINT_TABLE(casc_lints_cert_rfc5280_der);
