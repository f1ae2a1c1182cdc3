/* casc check FILE|tls://HOST[:PORT] */
#include "cli.h"

#include "casc/ca.h"
#include "casc/revcheck.h"

#include <getopt.h>
#include <openssl/bn.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: casc [--dir DIR] check FILE|tls://HOST[:PORT] [--trust FILE]\n"
    "         [--policy hard|soft] [--json] [--servername NAME] [--timeout SECONDS]\n"
    "         [--staple FILE] [--no-ocsp] [--no-crl] [--no-fetch] [--no-cache]\n\n"
    "Judges a certificate: builds and validates its chain up to a trust anchor, checks\n"
    "expiry, then the revocation of the certificate and of each CA certificate below the\n"
    "anchor, in this order: the stapled OCSP response (tls:// only), OCSP (the AIA OCSP\n"
    "URL), the CRL distribution points (fetched, verified, cached until nextUpdate).\n"
    "FILE is PEM (the certificate first, then intermediates) or DER. For tls:// the\n"
    "certificate and intermediates are those the server sends (PORT defaults to 443),\n"
    "the name is checked against the certificate, and a Must-Staple certificate\n"
    "(RFC 7633) served without a valid staple is invalid.\n\n"
    "  --trust FILE        trust anchors (PEM; an intermediate may be one); default: the\n"
    "                      system store\n"
    "  --policy hard|soft  when no source answers: hard (default) exits 3, soft exits 0\n"
    "                      with a warning\n"
    "  --json              print {\"verdict\", ..., \"stapled\" (tls), \"revocation\":\n"
    "                      {\"source\", \"status\", ...}}\n"
    "  --servername NAME   tls: SNI and the name to check (default: HOST)\n"
    "  --timeout SECONDS   per connection and fetch (default 10)\n"
    "  --staple FILE       with FILE: an OCSP response (DER) to try first, such as a\n"
    "                      staple file a web server sends\n"
    "  --no-ocsp           do not ask OCSP responders\n"
    "  --no-crl            do not use CRLs\n"
    "  --no-fetch          do not fetch missing intermediates through AIA caIssuers\n"
    "  --no-cache          neither read nor write the CRL cache ($XDG_CACHE_HOME/casc/crl,\n"
    "                      else ~/.cache/casc/crl)\n\n"
    "Exit status: 0 good (or indeterminate under --policy soft, with a warning); 1 revoked\n"
    "or invalid (untrusted chain, expired, wrong name, Must-Staple without a staple);\n"
    "2 bad arguments, an unreadable file or an unreachable server; 3 indeterminate: the\n"
    "revocation status could not be learned (or the responder does not know the\n"
    "certificate) under --policy hard.\n";

/* tls://HOST[:PORT] or tls://[V6]:PORT into host and port buffers. */
static bool parse_tls(const char *arg, char *host, size_t hostsz, char *port, size_t portsz) {
  const char *s = arg + 6, *colon;
  size_t hl;
  if (*s == '[') {
    const char *end = strchr(s, ']');
    if (end == NULL)
      return false;
    s++;
    hl = (size_t)(end - s);
    colon = end[1] == ':' ? end + 1 : NULL;
    if (end[1] != '\0' && colon == NULL)
      return false;
  } else {
    colon = strrchr(s, ':');
    hl = colon != NULL ? (size_t)(colon - s) : strlen(s);
  }
  if (hl == 0 || hl >= hostsz || strchr(s, '/') != NULL)
    return false;
  memcpy(host, s, hl);
  host[hl] = '\0';
  const char *p = colon != NULL ? colon + 1 : "443";
  char *end;
  long v = strtol(p, &end, 10);
  if (*p == '\0' || *end != '\0' || v < 1 || v > 65535)
    return false;
  snprintf(port, portsz, "%ld", v);
  return true;
}

static void name_of(X509_NAME *n, char *buf, size_t bufsz) {
  BIO *b = BIO_new(BIO_s_mem());
  buf[0] = '\0';
  if (b != NULL && X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253) >= 0) {
    int k = BIO_read(b, buf, (int)bufsz - 1);
    buf[k > 0 ? k : 0] = '\0';
  }
  BIO_free(b);
}

static void serial_of(X509 *x, char *buf, size_t bufsz) {
  BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
  char *hex = bn != NULL ? BN_bn2hex(bn) : NULL;
  snprintf(buf, bufsz, "%s", hex != NULL ? hex : "");
  OPENSSL_free(hex);
  BN_free(bn);
}

static json_t *time_or_null(time_t t) {
  char buf[CASC_TIME_BUFSZ];
  if (t == 0)
    return json_null();
  casc_time_format(t, buf);
  return json_string(buf);
}

static json_t *asn1_time_json(const ASN1_TIME *t) {
  time_t v;
  casc_error e;
  return casc_asn1_time_get(t, &v, &e) == CASC_OK ? time_or_null(v) : json_null();
}

static const char *reason_or_null(int reason) {
  return reason >= 0 ? casc_reason_name(reason) : NULL;
}

static json_t *revocation_json(const casc_check_link *l) {
  const casc_revcheck_result *r = &l->rev;
  const char *reason = reason_or_null(r->reason);
  json_t *o = json_pack("{s:s, s:s}", "source", casc_rev_source_name(r->source), "status",
                        casc_rev_status_name(r->status));
  if (o == NULL)
    return NULL;
  json_object_set_new(o, "revoked_at",
                      r->status == CASC_REV_REVOKED ? time_or_null(r->revoked_at) : json_null());
  json_object_set_new(o, "reason", reason != NULL && r->status == CASC_REV_REVOKED
                                       ? json_string(reason)
                                       : json_null());
  json_object_set_new(o, "invalidity_date", time_or_null(r->invalidity_date));
  json_object_set_new(o, "this_update", time_or_null(r->this_update));
  json_object_set_new(o, "next_update", time_or_null(r->next_update));
  json_object_set_new(o, "url", r->url[0] != '\0' ? json_string(r->url) : json_null());
  json_object_set_new(o, "cached", json_boolean(r->crl_cached));
  json_object_set_new(o, "detail", r->detail[0] != '\0' ? json_string(r->detail) : json_null());
  return o;
}

static json_t *cert_json(X509 *x) {
  char subject[512], issuer[512], serial[128];
  name_of(X509_get_subject_name(x), subject, sizeof subject);
  name_of(X509_get_issuer_name(x), issuer, sizeof issuer);
  serial_of(x, serial, sizeof serial);
  json_t *o = json_pack("{s:s, s:s, s:s}", "subject", subject, "issuer", issuer, "serial",
                        serial);
  if (o != NULL) {
    json_object_set_new(o, "not_before", asn1_time_json(X509_get0_notBefore(x)));
    json_object_set_new(o, "not_after", asn1_time_json(X509_get0_notAfter(x)));
  }
  return o;
}

static void print_json(const casc_check_opts *opts, const casc_check_report *r) {
  json_t *o = json_pack("{s:s}", "verdict", casc_verdict_name(r->verdict));
  if (o == NULL) {
    cli_print_json(NULL);
    return;
  }
  json_object_set_new(o, "reason", r->reason[0] != '\0' ? json_string(r->reason) : json_null());
  json_object_set_new(o, "policy",
                      json_string(opts->policy == CASC_REV_POLICY_SOFT ? "soft" : "hard"));
  json_object_set_new(o, "soft_failed", json_boolean(r->soft_failed));
  json_object_set_new(o, "certificate", r->leaf != NULL ? cert_json(r->leaf) : json_null());
  json_object_set_new(o, "chain_valid", json_boolean(r->chain_valid));
  json_object_set_new(o, "expired", json_boolean(r->expired));
  json_object_set_new(o, "must_staple", json_boolean(r->must_staple));
  if (r->tls) {
    json_object_set_new(o, "stapled", json_boolean(r->stapled));
    json_object_set_new(o, "staple_valid",
                        json_boolean(r->n_links > 0 && r->links[0].rev.staple_valid));
    json_object_set_new(o, "tls", json_pack("{s:s, s:s, s:s, s:s}", "host", opts->host, "port",
                                            opts->port, "protocol", r->tls_info.protocol,
                                            "cipher", r->tls_info.cipher));
  }
  if (r->n_links > 1)
    json_object_set_new(o, "revocation", revocation_json(&r->links[0]));
  else
    json_object_set_new(o, "revocation", json_pack("{s:s, s:s}", "source", "none", "status",
                                                   r->chain_valid ? "good" : "indeterminate"));
  json_t *chain = json_array();
  for (size_t i = 0; chain != NULL && i < r->n_links; i++) {
    json_t *c = cert_json(r->links[i].cert);
    if (c != NULL)
      json_object_set_new(c, "revocation",
                          r->links[i].checked ? revocation_json(&r->links[i]) : json_null());
    json_array_append_new(chain, c);
  }
  json_object_set_new(o, "chain", chain);
  cli_print_json(o);
}

static void print_text(const casc_check_opts *opts, const casc_check_report *r) {
  char subject[512], serial[128];
  printf("verdict: %s\n", casc_verdict_name(r->verdict));
  if (r->reason[0] != '\0' && !r->soft_failed)
    printf("reason: %s\n", r->reason);
  if (r->leaf != NULL) {
    name_of(X509_get_subject_name(r->leaf), subject, sizeof subject);
    serial_of(r->leaf, serial, sizeof serial);
    printf("certificate: %s (serial %s)%s\n", subject, serial,
           r->must_staple ? ", Must-Staple" : "");
  }
  if (r->chain_valid)
    printf("chain: valid, %zu certificate%s up to %s\n", r->n_links, r->n_links == 1 ? "" : "s",
           opts->trust_file != NULL ? opts->trust_file : "the system trust store");
  for (size_t i = 0; i < r->n_links; i++) {
    if (!r->links[i].checked)
      continue;
    const casc_revcheck_result *rev = &r->links[i].rev;
    name_of(X509_get_subject_name(r->links[i].cert), subject, sizeof subject);
    printf("revocation of %s: %s", subject, casc_rev_status_name(rev->status));
    if (rev->source != CASC_REV_SOURCE_NONE)
      printf(" (%s%s%s%s)", casc_rev_source_name(rev->source), rev->url[0] != '\0' ? " " : "",
             rev->url, rev->crl_cached ? ", cached" : "");
    if (rev->status == CASC_REV_REVOKED) {
      char t[CASC_TIME_BUFSZ];
      const char *reason = reason_or_null(rev->reason);
      casc_time_format(rev->revoked_at, t);
      printf(", revoked at %s, reason %s", t, reason != NULL ? reason : "none");
    }
    putchar('\n');
  }
  if (r->tls)
    printf("tls: %s %s, stapled: %s\n", r->tls_info.protocol, r->tls_info.cipher,
           !r->stapled                                        ? "no"
           : r->n_links > 0 && r->links[0].rev.staple_valid ? "yes (verified)"
                                                              : "yes (does not verify)");
}

int cmd_check(const cli_globals *g, int argc, char **argv) {
  (void)g;
  static const struct option opts[] = {{"trust", required_argument, NULL, 't'},
                                       {"policy", required_argument, NULL, 'p'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"servername", required_argument, NULL, 's'},
                                       {"timeout", required_argument, NULL, 'T'},
                                       {"no-ocsp", no_argument, NULL, 'O'},
                                       {"no-crl", no_argument, NULL, 'C'},
                                       {"no-fetch", no_argument, NULL, 'F'},
                                       {"no-cache", no_argument, NULL, 'K'},
                                       {"staple", required_argument, NULL, 'S'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  casc_check_opts co = {.policy = CASC_REV_POLICY_HARD, .timeout_ms = 10000};
  bool json = false;
  int c;
  char host[256], port[8];
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 't': co.trust_file = optarg; break;
    case 'p':
      if (strcmp(optarg, "hard") == 0)
        co.policy = CASC_REV_POLICY_HARD;
      else if (strcmp(optarg, "soft") == 0)
        co.policy = CASC_REV_POLICY_SOFT;
      else
        return cli_usage_error("check", "--policy %s: hard or soft", optarg);
      break;
    case 'j': json = true; break;
    case 's':
      if (optarg[0] == '\0' || strlen(optarg) > 253)
        return cli_usage_error("check", "--servername: a host name");
      co.servername = optarg;
      break;
    case 'T': {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (*optarg == '\0' || *end != '\0' || v < 1 || v > 300)
        return cli_usage_error("check", "--timeout %s: seconds, 1 to 300", optarg);
      co.timeout_ms = v * 1000;
      break;
    }
    case 'O': co.no_ocsp = true; break;
    case 'C': co.no_crl = true; break;
    case 'F': co.no_fetch = true; break;
    case 'K': co.no_cache = true; break;
    case 'S': co.staple_file = optarg; break;
    case 'h': fputs(help, stdout); return EXIT_GOOD;
    default: return cli_usage_error("check", "bad option %s", argv[optind - 1]);
    }
  }
  if (optind + 1 != argc)
    return cli_usage_error("check", optind == argc ? "a FILE or tls://HOST[:PORT] is needed"
                                                   : "one FILE or tls://HOST[:PORT] only");
  const char *target = argv[optind];
  if (strncmp(target, "tls://", 6) == 0) {
    if (!parse_tls(target, host, sizeof host, port, sizeof port))
      return cli_usage_error("check", "%s: not tls://HOST[:PORT]", target);
    co.host = host;
    co.port = port;
    if (co.staple_file != NULL)
      return cli_usage_error("check", "--staple is for a FILE: a server staples its own");
  } else {
    if (co.servername != NULL)
      return cli_usage_error("check", "--servername is for tls://HOST");
    co.file = target;
  }
  signal(SIGPIPE, SIG_IGN); /* a server that hangs up is an error, not a crash */
  casc_check_report r;
  casc_error err = {0};
  casc_err rc = casc_check_run(&co, &r, &err);
  int status;
  if (rc != CASC_OK) {
    status = cli_fail("check", &err);
    if (status == EXIT_GOOD || status == EXIT_NEGATIVE)
      status = EXIT_USAGE;
  } else {
    if (json)
      print_json(&co, &r);
    else
      print_text(&co, &r);
    if (r.soft_failed)
      fprintf(stderr, "casc check: warning: %s; accepted under --policy soft\n", r.reason);
    status = r.verdict == CASC_VERDICT_GOOD            ? EXIT_GOOD
             : r.verdict == CASC_VERDICT_INDETERMINATE ? EXIT_INDETERMINATE
                                                       : EXIT_NEGATIVE;
  }
  casc_check_report_free(&r);
  return status;
}
