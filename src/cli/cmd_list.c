/* casc list, casc show */
#include "certjson.h"
#include "cli.h"
#include "input.h"

#include "casc/ca.h"

#include <getopt.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>

static const char list_help[] =
    "usage: casc [--dir DIR] list [--status valid|revoked|expired] [--json]\n\n"
    "Lists the certificates in the database, oldest first: serial, status, profile,\n"
    "notAfter and subject. --json prints an array of certificate objects.\n";

static const char show_help[] =
    "usage: casc [--dir DIR] show (SERIAL | --cert FILE) [--json | --pem]\n\n"
    "Shows one certificate's record. --pem prints the certificate itself.\n"
    "Exit status 2 for a serial the database does not hold.\n";

struct list_state {
  const casc_ca *ca;
  json_t *array; /* NULL for text output */
  time_t now;
};

static casc_err print_row(const casc_cert_rec *rec, void *arg, casc_error *e) {
  struct list_state *st = arg;
  if (st->array != NULL) {
    json_t *obj = cli_cert_json(st->ca, rec, st->now);
    if (obj == NULL || json_array_append_new(st->array, obj) != 0)
      return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    return CASC_OK;
  }
  char na[CASC_TIME_BUFSZ];
  casc_time_format(rec->not_after, na);
  printf("%-40s %-8s %-13s %s  %s\n", rec->serial,
         casc_cert_status_name(casc_cert_status_at(rec, st->now)), rec->profile, na,
         rec->subject);
  return CASC_OK;
}

int cmd_list(const cli_globals *g, int argc, char **argv) {
  static const struct option opts[] = {{"status", required_argument, NULL, 's'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  casc_cert_filter filter = {.any_status = true, .now = casc_now()};
  bool json = false;
  int c;
  casc_error err = {0};
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 's':
      filter.any_status = false;
      if (strcmp(optarg, "valid") == 0)
        filter.status = CASC_STATUS_VALID;
      else if (strcmp(optarg, "revoked") == 0)
        filter.status = CASC_STATUS_REVOKED;
      else if (strcmp(optarg, "expired") == 0)
        filter.status = CASC_STATUS_EXPIRED;
      else
        return cli_usage_error("list", "--status %s: valid, revoked or expired", optarg);
      break;
    case 'j': json = true; break;
    case 'h': fputs(list_help, stdout); return EXIT_GOOD;
    default: return cli_usage_error("list", "bad option %s", argv[optind - 1]);
    }
  }
  if (optind != argc)
    return cli_usage_error("list", "unexpected argument %s", argv[optind]);
  casc_ca *ca = NULL;
  if (casc_ca_open_readonly(g->dir, &ca, &err) != CASC_OK)
    return cli_fail("list", &err);
  struct list_state st = {.ca = ca, .array = json ? json_array() : NULL, .now = filter.now};
  casc_err rc = casc_store_cert_list(casc_ca_store(ca), &filter, print_row, &st, &err);
  int status = EXIT_GOOD;
  if (rc != CASC_OK) {
    json_decref(st.array);
    status = cli_fail("list", &err);
  } else if (json) {
    cli_print_json(st.array);
  }
  casc_ca_close(ca);
  return status;
}

static void print_record(const casc_ca *ca, const casc_cert_rec *rec) {
  json_t *j = cli_cert_json(ca, rec, casc_now());
  const char *key;
  json_t *value;
  json_object_foreach(j, key, value) {
    if (json_is_string(value) && json_string_length(value) > 0)
      printf("%-16s %s\n", key, json_string_value(value));
  }
  json_decref(j);
}

int cmd_show(const cli_globals *g, int argc, char **argv) {
  static const struct option opts[] = {{"cert", required_argument, NULL, 'c'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"pem", no_argument, NULL, 'p'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *cert_path = NULL;
  bool json = false, pem = false;
  int c, status = EXIT_GOOD;
  casc_error err = {0};
  char serial[CASC_SERIAL_MAX];
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'c': cert_path = optarg; break;
    case 'j': json = true; break;
    case 'p': pem = true; break;
    case 'h': fputs(show_help, stdout); return EXIT_GOOD;
    default: return cli_usage_error("show", "bad option %s", argv[optind - 1]);
    }
  }
  if ((cert_path != NULL) == (optind < argc) || argc - optind > 1)
    return cli_usage_error("show", "give one serial number or --cert FILE");
  if (cert_path == NULL && casc_serial_normalize(argv[optind], serial, &err) != CASC_OK)
    return cli_fail("show", &err);
  casc_ca *ca = NULL;
  casc_cert_rec rec = {0};
  if (casc_ca_open_readonly(g->dir, &ca, &err) != CASC_OK ||
      (cert_path != NULL && cli_cert_file_serial(ca, cert_path, serial, &err) != CASC_OK) ||
      casc_store_cert_get(casc_ca_store(ca), serial, &rec, &err) != CASC_OK) {
    status = cli_fail("show", &err);
  } else if (pem) {
    const unsigned char *p = rec.der;
    X509 *cert = d2i_X509(NULL, &p, (long)rec.der_len);
    if (cert != NULL)
      PEM_write_X509(stdout, cert);
    X509_free(cert);
  } else if (json) {
    cli_print_json(cli_cert_json(ca, &rec, casc_now()));
  } else {
    print_record(ca, &rec);
  }
  casc_cert_rec_clear(&rec);
  casc_ca_close(ca);
  return status;
}
