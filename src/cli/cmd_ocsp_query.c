/* casc ocsp query: one OCSP lookup, verified. */
#include "cli.h"
#include "ocspjson.h"

#include "casc/fetch.h"
#include "casc/ocsp_client.h"

#include <getopt.h>
#include <limits.h>
#include <openssl/obj_mac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: casc [--dir DIR] ocsp query --cert FILE [--issuer FILE] [--url URL] [--nonce]\n"
    "                                 [--sha256 | --sha1] [--post] [--timeout SECONDS]\n"
    "                                 [--connect-timeout SECONDS] [--skew SECONDS] [--cafile FILE]\n"
    "                                 [--respout FILE] [--respin FILE] [--json]\n\n"
    "Asks the certificate's OCSP responder about it and verifies the answer fully:\n"
    "the signature; the signer is the issuer or a delegated responder issued by it\n"
    "with the OCSPSigning extended key usage; the CertID matches; thisUpdate is not\n"
    "in the future and nextUpdate has not passed (give or take --skew); the nonce is\n"
    "echoed when one was sent.\n\n"
    "  --cert FILE           the certificate (PEM or DER); when FILE holds a chain and\n"
    "                        --issuer is not given, the next certificate is its issuer\n"
    "  --issuer FILE         the issuer's certificate; default: the chain in --cert,\n"
    "                        else fetched from the certificate's caIssuers URL\n"
    "  --url URL             the responder; default: the certificate's AIA OCSP URL\n"
    "  --nonce               send a 32-octet nonce (RFC 9654) and require it echoed;\n"
    "                        off by default so that responses stay cacheable\n"
    "  --sha256, --sha1      the CertID hash (default SHA-1, as RFC 5019 profiles)\n"
    "  --post                POST even when the GET URL fits in 255 bytes (RFC 5019)\n"
    "  --timeout SECONDS     the whole exchange (default 10)\n"
    "  --connect-timeout SECONDS  connecting (default 5)\n"
    "  --skew SECONDS        clock skew tolerated on thisUpdate and nextUpdate (300)\n"
    "  --cafile FILE         trust anchors for an https:// responder or caIssuers URL\n"
    "  --respout FILE        save the DER response (written even when it fails\n"
    "                        verification, so that it can be inspected)\n"
    "  --respin FILE         verify a saved DER response instead of asking (no network;\n"
    "                        needs the issuer from --issuer or the chain)\n"
    "  --json                print everything as one JSON object: verdict, status,\n"
    "                        serial, url, method, response_status, this_update,\n"
    "                        next_update, produced_at, revoked_at, reason, responder,\n"
    "                        responder_id, delegated, hash, nonce, nonce_echoed, error,\n"
    "                        bytes\n\n"
    "Exit status: 0 good; 1 revoked, unknown, or a response that fails verification;\n"
    "2 bad arguments or unreadable files; 3 the responder could not be reached or gave\n"
    "no usable answer.\n";

#define CMD "ocsp query"

static bool parse_seconds(const char *s, long max, long *out) {
  char *end;
  double v = strtod(s, &end);
  if (end == s || *end != '\0' || !(v > 0) || v > (double)max)
    return false;
  *out = (long)(v * 1000.0);
  return *out > 0;
}

/* Reads certificates from path: PEM (one or more) or DER. */
static casc_err read_certs(const char *path, STACK_OF(X509) **out, casc_error *e) {
  unsigned char *buf = NULL;
  size_t len = 0;
  casc_err rc = casc_file_read(path, 4 * 1024 * 1024, &buf, &len, e);
  if (rc == CASC_OK && (rc = casc_fetch_parse_certs(buf, len, out, e)) != CASC_OK)
    rc = casc_error_set(e, CASC_ERR_PARSE, "%s: no certificate in it (PEM or DER)%s", path,
                        len == 0 ? " (empty file)" : "");
  free(buf);
  return rc;
}

int cmd_ocsp_query(const cli_globals *g, int argc, char **argv) {
  (void)g;
  static const struct option opts[] = {{"cert", required_argument, NULL, 'c'},
                                       {"issuer", required_argument, NULL, 'i'},
                                       {"url", required_argument, NULL, 'u'},
                                       {"nonce", no_argument, NULL, 'n'},
                                       {"sha256", no_argument, NULL, '2'},
                                       {"sha1", no_argument, NULL, '1'},
                                       {"post", no_argument, NULL, 'p'},
                                       {"timeout", required_argument, NULL, 't'},
                                       {"connect-timeout", required_argument, NULL, 'T'},
                                       {"skew", required_argument, NULL, 's'},
                                       {"cafile", required_argument, NULL, 'A'},
                                       {"respout", required_argument, NULL, 'o'},
                                       {"respin", required_argument, NULL, 'r'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *cert_path = NULL, *issuer_path = NULL, *respout = NULL, *respin = NULL;
  bool json = false;
  casc_ocsp_client_opts o = {0};
  int c, status = EXIT_USAGE;
  long ms;
  casc_error err = {0};
  casc_ocsp_client_result res;
  STACK_OF(X509) *chain = NULL, *issuers = NULL;
  unsigned char *resp_buf = NULL;
  size_t resp_len = 0;

  memset(&res, 0, sizeof res);
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'c': cert_path = optarg; break;
    case 'i': issuer_path = optarg; break;
    case 'u': o.url = optarg; break;
    case 'n': o.nonce = true; break;
    case '2': o.hash_nid = NID_sha256; break;
    case '1': o.hash_nid = NID_sha1; break;
    case 'p': o.force_post = true; break;
    case 't':
      if (!parse_seconds(optarg, 3600, &ms))
        return cli_usage_error(CMD, "--timeout %s: not a number of seconds (up to 3600)", optarg);
      o.fetch.timeout_ms = ms;
      break;
    case 'T':
      if (!parse_seconds(optarg, 3600, &ms))
        return cli_usage_error(CMD, "--connect-timeout %s: not a number of seconds", optarg);
      o.fetch.connect_timeout_ms = ms;
      break;
    case 's': {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (end == optarg || *end != '\0' || v < 0 || v > 86400)
        return cli_usage_error(CMD, "--skew %s: not a number of seconds (0 to 86400)", optarg);
      o.skew = v == 0 ? -1 : v;
      break;
    }
    case 'A': o.fetch.ca_file = optarg; break;
    case 'o': respout = optarg; break;
    case 'r': respin = optarg; break;
    case 'j': json = true; break;
    case 'h': fputs(help, stdout); return EXIT_GOOD;
    default: return cli_usage_error(CMD, "bad option %s", argv[optind - 1]);
    }
  }
  if (optind != argc)
    return cli_usage_error(CMD, "unexpected argument %s", argv[optind]);
  if (cert_path == NULL)
    return cli_usage_error(CMD, "--cert FILE is required");
  if (o.url != NULL && !casc_fetch_url_ok(o.url))
    return cli_usage_error(CMD, "--url %s: not an http:// or https:// URL", o.url);
  if (respin != NULL && (o.url != NULL || o.nonce || o.force_post))
    return cli_usage_error(CMD, "--respin verifies a saved response: no --url, --nonce or --post");

  if (read_certs(cert_path, &chain, &err) != CASC_OK)
    goto fail;
  X509 *cert = sk_X509_value(chain, 0);
  X509 *issuer = NULL;
  if (issuer_path != NULL) {
    if (read_certs(issuer_path, &issuers, &err) != CASC_OK)
      goto fail;
    issuer = sk_X509_value(issuers, 0);
  } else if (sk_X509_num(chain) > 1) {
    issuer = sk_X509_value(chain, 1);
  }
  if (respin != NULL) {
    if (issuer == NULL) {
      status = cli_usage_error(CMD, "--respin needs the issuer: --issuer FILE or a chain in --cert");
      goto out;
    }
    if (casc_file_read(respin, CASC_OCSP_CLIENT_MAX_RESPONSE * 16, &resp_buf, &resp_len, &err) !=
        CASC_OK)
      goto fail;
  }

  casc_err rc = respin != NULL ? casc_ocsp_client_verify(resp_buf, resp_len, cert, issuer, NULL,
                                                         0, &o, &res, &err)
                               : casc_ocsp_client_query(cert, issuer, &o, &res, &err);
  if (rc == CASC_ERR_USAGE && issuer != NULL && strstr(err.msg, "did not issue") != NULL) {
    casc_error_set(&err, CASC_ERR_USAGE, "%s: did not issue %s",
                   issuer_path != NULL ? issuer_path : "the second certificate in --cert",
                   cert_path);
    goto fail;
  }
  if (respout != NULL && res.der != NULL) {
    casc_error we = {0};
    if (casc_file_write_atomic(respout, res.der, res.der_len, 0644, &we) != CASC_OK) {
      fprintf(stderr, "casc %s: %s\n", CMD, we.msg);
      status = EXIT_USAGE;
      goto out;
    }
  }
  switch (rc) {
  case CASC_OK:
    status = res.status == CASC_OCSP_CLIENT_GOOD ? EXIT_GOOD : EXIT_NEGATIVE;
    break;
  case CASC_ERR_INTEGRITY:
    status = EXIT_NEGATIVE;
    break;
  case CASC_ERR_IO:
    status = EXIT_INDETERMINATE;
    break;
  default:
    goto fail; /* inputs: no URL, no caIssuers, unreadable files */
  }
  if (json) {
    cli_print_json(cli_ocsp_result_json(&res));
  } else {
    cli_ocsp_result_print(stdout, &res);
  }
  if (rc != CASC_OK)
    fprintf(stderr, "casc %s: %s\n", CMD, err.msg);
  goto out;
fail:
  status = cli_fail(CMD, &err);
  if (status != EXIT_NEGATIVE && status != EXIT_INDETERMINATE)
    status = EXIT_USAGE;
out:
  free(resp_buf);
  casc_ocsp_client_result_free(&res);
  sk_X509_pop_free(chain, X509_free);
  sk_X509_pop_free(issuers, X509_free);
  return status;
}
