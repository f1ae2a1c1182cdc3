/* The staple daemon: one schedule entry per certificate, each fetched at
 * its own time; the web server is told (on_change) once per round in which
 * any file changed. */
#include "casc/staple.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  char *cert;
  char *out;
  time_t next_at;
  unsigned failures;
} entry;

typedef struct {
  entry *v;
  size_t n;
} schedule;

static void schedule_free(schedule *s) {
  for (size_t i = 0; i < s->n; i++) {
    free(s->v[i].cert);
    free(s->v[i].out);
  }
  free(s->v);
  s->v = NULL;
  s->n = 0;
}

/* Builds the schedule: the one certificate, or what dir holds now. Every
 * entry is due at once. */
static casc_err schedule_load(const casc_staple_daemon_config *cfg, schedule *s, casc_error *e) {
  casc_err rc = CASC_OK;
  char **paths = NULL;
  size_t n = 0;
  schedule_free(s);
  if (cfg->dir != NULL) {
    if ((rc = casc_staple_scan_dir(cfg->dir, &paths, &n, e)) != CASC_OK)
      return rc;
  } else {
    n = 1;
  }
  s->v = calloc(n != 0 ? n : 1, sizeof *s->v);
  if (s->v == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    entry *en = &s->v[s->n];
    char outp[4096];
    const char *cert = cfg->dir != NULL ? paths[i] : cfg->cert_path;
    if (cfg->dir != NULL) {
      if ((rc = casc_staple_path_for(cert, outp, sizeof outp, e)) != CASC_OK)
        goto out;
    } else {
      snprintf(outp, sizeof outp, "%s", cfg->out_path);
    }
    en->cert = strdup(cert);
    en->out = strdup(outp);
    s->n++;
    if (en->cert == NULL || en->out == NULL) {
      rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
      goto out;
    }
  }
out:
  casc_staple_paths_free(paths, n);
  return rc;
}

/* Updates one entry and schedules its next fetch; true when its file
 * changed. */
static bool run_one(const casc_staple_daemon_config *cfg, entry *en) {
  casc_staple_report r;
  casc_error err = {0};
  casc_err rc = casc_staple_update(en->cert, en->out, &cfg->opts, &r, &err);
  time_t now = casc_now();
  bool changed = false;
  if (rc == CASC_OK && (r.outcome == CASC_STAPLE_WRITTEN || r.outcome == CASC_STAPLE_KEPT)) {
    en->failures = 0;
    en->next_at = casc_staple_refresh_at(r.in_place_this_update, r.in_place_next_update, now);
    changed = r.outcome == CASC_STAPLE_WRITTEN;
  } else if (rc == CASC_OK &&
             (r.outcome == CASC_STAPLE_REVOKED || r.outcome == CASC_STAPLE_UNKNOWN)) {
    /* A verified answer, if not the one hoped for: asked again on the
     * normal schedule, since the file may get a renewed certificate. */
    en->failures = 0;
    en->next_at = casc_staple_refresh_at(r.fetched.this_update, r.fetched.next_update, now);
  } else {
    en->failures++;
    en->next_at = casc_staple_retry_at(now, en->failures, rc == CASC_OK ? r.in_place_next_update : 0);
  }
  if (cfg->on_result != NULL)
    cfg->on_result(en->cert, en->out, rc, &err, &r, en->next_at, cfg->arg);
  casc_staple_report_free(&r);
  return changed;
}

casc_err casc_staple_daemon(const casc_staple_daemon_config *cfg, casc_error *e) {
  casc_err rc = CASC_OK;
  schedule s = {0};
  if (cfg->wait == NULL || (cfg->dir == NULL && (cfg->cert_path == NULL || cfg->out_path == NULL)))
    return casc_error_set(e, CASC_ERR_USAGE, "staple daemon: nothing to do");
  if ((rc = schedule_load(cfg, &s, e)) != CASC_OK)
    goto out;
  for (;;) {
    time_t now = casc_now();
    bool changed = false;
    for (size_t i = 0; i < s.n; i++)
      if (s.v[i].next_at <= now)
        changed |= run_one(cfg, &s.v[i]);
    if (changed && cfg->on_change != NULL)
      cfg->on_change(cfg->arg);
    /* The next due entry; with none (an empty directory), look again in a
     * while in case certificates appear. */
    time_t until = casc_now() + CASC_STAPLE_BACKOFF_MAX;
    for (size_t i = 0; i < s.n; i++)
      if (s.v[i].next_at < until)
        until = s.v[i].next_at;
    casc_staple_wake w = cfg->wait(until, cfg->arg);
    if (w == CASC_STAPLE_WAKE_STOP)
      break;
    if (w == CASC_STAPLE_WAKE_RESCAN || (cfg->dir != NULL && s.n == 0)) {
      casc_error le = {0};
      schedule fresh = {0};
      if (schedule_load(cfg, &fresh, &le) == CASC_OK) {
        schedule_free(&s);
        s = fresh;
      } else {
        schedule_free(&fresh);
        /* Keep the old schedule, all due now, rather than stop stapling. */
        for (size_t i = 0; i < s.n; i++)
          s.v[i].next_at = 0;
        if (cfg->on_result != NULL)
          cfg->on_result(cfg->dir, "", le.code, &le, NULL, 0, cfg->arg);
      }
    }
  }
out:
  schedule_free(&s);
  return rc;
}
