/* casc crl */
#include "cli.h"

#include "casc/ca.h"
#include "casc/crl.h"

#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

static const char help[] =
    "usage: casc [--dir DIR] crl [--out OUTDIR] [--json]\n\n"
    "Writes every issuer's CRLs under OUTDIR/crl/ (default: DIR/crl/), the file names\n"
    "mirroring the URL paths in the certificates, each replaced atomically:\n"
    "  crl/root-ca.crl          the root's CRL of the CA certificates it issued\n"
    "  crl/ISSUER.crl           an issuing CA's full CRL\n"
    "  crl/ISSUER/K.crl         its shard K (0 to crl_shards - 1), when crl_shards > 1,\n"
    "                           with a critical IssuingDistributionPoint\n"
    "Prints one line per CRL (path, CRL number, entries); --json prints an array of\n"
    "{\"path\", \"file\", \"issuer\", \"shard\", \"number\", \"entries\", \"bytes\",\n"
    "\"this_update\", \"next_update\"} (shard null for a full CRL).\n"
    "The [crl] section of DIR/casc.conf sets next_update_days (default 7),\n"
    "ca_next_update_days (30), retention_days (3653) of expired code-signing and\n"
    "timestamping entries, and casc serve's rebuild_delay_seconds (2) and\n"
    "rebuild_interval_hours (24).\n\n"
    "Exit status: 0 written; 2 bad arguments, not a CA directory, or OUTDIR cannot be\n"
    "written.\n";

struct crl_state {
  json_t *array; /* NULL for text output */
  bool progress; /* stderr is a terminal */
  size_t done;
};

static casc_err on_written(const casc_crl_info *info, void *arg, casc_error *e) {
  struct crl_state *st = arg;
  char tu[CASC_TIME_BUFSZ], nu[CASC_TIME_BUFSZ];
  casc_time_format(info->this_update, tu);
  casc_time_format(info->next_update, nu);
  st->done++;
  if (st->progress)
    fprintf(stderr, "\rcasc crl: %zu written", st->done);
  if (st->array == NULL) {
    printf("%s number %lld entries %zu\n", info->url_path, (long long)info->number,
           info->entries);
    return CASC_OK;
  }
  json_t *obj = json_pack("{s:s, s:s, s:s, s:o, s:I, s:I, s:I, s:s, s:s}", "path",
                          info->url_path, "file", info->file, "issuer", info->issuer, "shard",
                          info->shard < 0 ? json_null() : json_integer(info->shard), "number",
                          (json_int_t)info->number, "entries", (json_int_t)info->entries,
                          "bytes", (json_int_t)info->bytes, "this_update", tu, "next_update",
                          nu);
  if (obj == NULL || json_array_append_new(st->array, obj) != 0)
    return casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
  return CASC_OK;
}

int cmd_crl(const cli_globals *g, int argc, char **argv) {
  static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *out_dir = NULL;
  bool json = false;
  int c, status = EXIT_GOOD;
  casc_error err = {0};
  casc_ca *ca = NULL;
  casc_crl_config cfg;
  struct crl_state st = {0};
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'o': out_dir = optarg; break;
    case 'j': json = true; break;
    case 'h': fputs(help, stdout); return EXIT_GOOD;
    default: return cli_usage_error("crl", "bad option %s", argv[optind - 1]);
    }
  }
  if (optind != argc)
    return cli_usage_error("crl", "unexpected argument %s", argv[optind]);
  casc_err rc = casc_ca_open(g->dir, &ca, &err);
  if (rc == CASC_OK)
    rc = casc_crl_config_load(g->dir, &cfg, &err);
  if (rc != CASC_OK)
    goto out;
  st.array = json ? json_array() : NULL;
  st.progress = isatty(STDERR_FILENO) == 1 && !json;
  if (json && st.array == NULL) {
    rc = casc_error_set(&err, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  rc = casc_crl_build_all(ca, out_dir != NULL ? out_dir : g->dir, &cfg, casc_now(), on_written,
                          &st, &err);
  if (st.progress)
    fputc('\n', stderr);
  if (rc == CASC_OK && json) {
    cli_print_json(st.array);
    st.array = NULL;
  }
out:
  if (rc != CASC_OK)
    status = cli_fail("crl", &err);
  json_decref(st.array);
  casc_ca_close(ca);
  return status;
}
