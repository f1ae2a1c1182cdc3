/* casc verify */
#include "cli.h"

#include "casc/sign.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: casc [--dir DIR] verify FILE --sig FILE.p7s --trust FILE\n"
    "                               [--revocation hard|soft|none] [--json]\n\n"
    "Verifies a detached CMS signature over FILE's exact bytes as a code signature and says\n"
    "which rule decided:\n"
    "  - the file's digest equals the signed messageDigest, the signature verifies with the\n"
    "    signer's key, signing-certificate-v2 (when present) names the signer certificate;\n"
    "  - the signer certificate has id-kp-codeSigning and neither anyExtendedKeyUsage nor\n"
    "    serverAuth (CSBR 7.1.2.3);\n"
    "  - with a timestamp token (its imprint over the signature value, its TSA chained to\n"
    "    --trust with the critical timeStamping EKU) the chain is judged at the timestamp's\n"
    "    time, so the signature outlives the certificate; without one, now;\n"
    "  - a certificate with the Lifetime Signing OID ends its signatures at expiry;\n"
    "  - a revocation (or invalidity) date at or before that time makes the signature\n"
    "    revoked; a later one leaves it valid.\n\n"
    "  --sig FILE         the signature (DER, as casc sign and openssl cms -outform DER write)\n"
    "  --trust FILE       the trust anchors (PEM): for the code-signing chain and the TSA\n"
    "  --revocation P     hard (default): an unknown revocation status is indeterminate;\n"
    "                     soft: it passes with a warning; none: not checked. Each\n"
    "                     certificate's status (the signer's, its CAs' up to the anchor, and\n"
    "                     the TSA's and its CAs') is asked of its OCSP responder, else read\n"
    "                     from its CRL\n"
    "  --json             print {\"verdict\": good|revoked|invalid|indeterminate, \"decision\",\n"
    "                     ...} with the signature, signer, timestamp, chain, the signer's\n"
    "                     revocation, the CA certificates' (ca_revocation) and the TSA's\n"
    "                     (tsa_revocation)\n\n"
    "Exit status: 0 valid; 1 invalid or revoked; 2 bad arguments or unreadable input;\n"
    "3 indeterminate (revocation status unknown under hard).\n";

#define SIG_MAX (16 * 1024 * 1024)

static json_t *time_or_null(bool has, time_t t) {
  char buf[CASC_TIME_BUFSZ];
  if (!has)
    return json_null();
  casc_time_format(t, buf);
  return json_string(buf);
}

static const char *rev_status_name(casc_sig_rev_status s) {
  switch (s) {
  case CASC_SIG_REV_GOOD: return "good";
  case CASC_SIG_REV_REVOKED: return "revoked";
  case CASC_SIG_REV_UNKNOWN: return "unknown";
  default: return "not_checked";
  }
}

static void subject_of(X509 *cert, char *name, size_t size) {
  BIO *bio = BIO_new(BIO_s_mem());
  name[0] = '\0';
  if (bio != NULL && X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0,
                                        XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
    int n = BIO_read(bio, name, (int)size - 1);
    name[n > 0 ? n : 0] = '\0';
  }
  BIO_free(bio);
}

static json_t *rev_json(const casc_sig_rev_info *ri) {
  return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "status", rev_status_name(ri->status),
                   "source", ri->source[0] ? ri->source : "none", "revoked_at",
                   time_or_null(ri->status == CASC_SIG_REV_REVOKED, ri->revoked_at),
                   "invalidity_date", time_or_null(ri->has_invalidity, ri->invalidity_date),
                   "reason", ri->reason[0] ? json_string(ri->reason) : json_null(), "detail",
                   ri->detail[0] ? json_string(ri->detail) : json_null());
}

static json_t *result_json(const char *file, const char *sig, const casc_verify_result *r) {
  json_t *chain = json_array();
  for (int i = 0; i < sk_X509_num(r->chain); i++) {
    char name[512];
    subject_of(sk_X509_value(r->chain, i), name, sizeof name);
    json_array_append_new(chain, json_string(name));
  }
  json_t *cas = json_array();
  for (int i = 0; i < r->n_ca_revocation && i + 1 < sk_X509_num(r->chain); i++) {
    char name[512];
    subject_of(sk_X509_value(r->chain, i + 1), name, sizeof name);
    json_t *one = rev_json(&r->ca_revocation[i]);
    json_object_set_new(one, "subject", json_string(name));
    json_array_append_new(cas, one);
  }
  json_t *tsas = json_array();
  for (int i = 0; i < r->n_ts_revocation && i < sk_X509_num(r->ts_chain); i++) {
    char name[512];
    subject_of(sk_X509_value(r->ts_chain, i), name, sizeof name);
    json_t *one = rev_json(&r->ts_revocation[i]);
    json_object_set_new(one, "subject", json_string(name));
    json_array_append_new(tsas, one);
  }
  return json_pack(
      "{s:s, s:s, s:s, s:s, s:o, "
      "s:{s:s, s:s, s:b, s:b, s:b, s:b, s:o}, "
      "s:o, "
      "s:{s:b, s:b, s:o, s:o, s:o, s:o, s:o}, "
      "s:{s:o, s:s, s:b, s:o, s:o}, "
      "s:o, s:o, s:o}",
      "verdict", casc_sig_verdict_name(r->verdict), "decision", r->decision, "file", file,
      "signature", sig, "warning", r->warning[0] ? json_string(r->warning) : json_null(),
      "digest", "algorithm", r->digest_alg, "value", r->digest_hex, "matches", r->digest_ok,
      "signature_valid", r->signature_ok, "signing_certificate_v2", r->has_signing_cert_v2,
      "signing_certificate_v2_valid", r->signing_cert_v2_ok, "signing_time",
      time_or_null(r->has_signing_time, r->signing_time),
      "signer",
      r->signer == NULL
          ? json_null()
          : json_pack("{s:s, s:s, s:s, s:o, s:o, s:b, s:b}", "subject", r->signer_subject,
                      "issuer", r->signer_issuer, "serial", r->signer_serial, "not_before",
                      time_or_null(true, r->not_before), "not_after",
                      time_or_null(true, r->not_after), "code_signing_eku", r->eku_ok,
                      "lifetime_signing", r->lifetime_signing),
      "timestamp", "present", r->timestamped, "valid", r->timestamp_ok, "gen_time",
      time_or_null(r->timestamp_ok, r->ts_gen_time), "serial",
      r->timestamp_ok ? json_string(r->ts_serial) : json_null(), "policy",
      r->timestamp_ok ? json_string(r->ts_policy) : json_null(), "tsa",
      r->timestamp_ok ? json_string(r->ts_tsa) : json_null(), "error",
      r->ts_error[0] ? json_string(r->ts_error) : json_null(),
      "chain", "judged_at", time_or_null(r->judged_at != 0, r->judged_at), "judged_by",
      r->judged_at_timestamp ? "timestamp" : "now", "valid", r->chain_ok, "error",
      r->chain_error[0] ? json_string(r->chain_error) : json_null(), "subjects", chain,
      "revocation", rev_json(&r->revocation), "ca_revocation", cas, "tsa_revocation", tsas);
}

int cmd_verify(const cli_globals *g, int argc, char **argv) {
  (void)g;
  static const struct option opts[] = {
      {"sig", required_argument, NULL, 's'},        {"trust", required_argument, NULL, 't'},
      {"revocation", required_argument, NULL, 'r'}, {"json", no_argument, NULL, 'j'},
      {"help", no_argument, NULL, 'h'},             {NULL, 0, NULL, 0}};
  const char *sig_path = NULL;
  casc_verify_opts vo = {.revocation = CASC_REVOCATION_HARD};
  casc_verify_result r = {0};
  casc_error err = {0};
  unsigned char *sig = NULL;
  size_t sig_len = 0;
  bool json = false;
  int c, status = EXIT_GOOD;
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 's': sig_path = optarg; break;
    case 't': vo.trust_path = optarg; break;
    case 'r':
      if (casc_revocation_policy_parse(optarg, &vo.revocation, &err) != CASC_OK)
        return cli_usage_error("verify", "%s", err.msg);
      break;
    case 'j': json = true; break;
    case 'h': fputs(help, stdout); return EXIT_GOOD;
    default: return cli_usage_error("verify", "bad option %s", argv[optind - 1]);
    }
  }
  if (argc - optind != 1)
    return cli_usage_error("verify", argc == optind ? "no FILE to verify" : "one FILE at a time");
  const char *file = argv[optind];
  if (sig_path == NULL || vo.trust_path == NULL)
    return cli_usage_error("verify", "--sig and --trust are required");
  if (casc_file_read(sig_path, SIG_MAX, &sig, &sig_len, &err) != CASC_OK) {
    status = cli_fail("verify", &err);
    goto out;
  }
  if (casc_verify_file(file, sig, sig_len, &vo, &r, &err) != CASC_OK) {
    /* name the file the parse error is about */
    if (err.code == CASC_ERR_PARSE && strstr(err.msg, vo.trust_path) == NULL) {
      fprintf(stderr, "casc verify: %s: %s\n", sig_path, err.msg);
      status = EXIT_USAGE;
    } else {
      status = cli_fail("verify", &err);
    }
    goto out;
  }
  switch (r.verdict) {
  case CASC_SIG_GOOD: status = EXIT_GOOD; break;
  case CASC_SIG_INDETERMINATE: status = EXIT_INDETERMINATE; break;
  default: status = EXIT_NEGATIVE; break;
  }
  if (json) {
    cli_print_json(result_json(file, sig_path, &r));
  } else if (r.verdict == CASC_SIG_GOOD) {
    printf("%s: %s\n", file, r.decision);
  } else {
    fprintf(stderr, "casc verify: %s: %s\n", file, r.decision);
  }
  if (r.warning[0] != '\0')
    fprintf(stderr, "casc verify: warning: %s\n", r.warning);
out:
  casc_verify_result_clear(&r);
  free(sig);
  return status;
}
