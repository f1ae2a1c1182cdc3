/* The staple daemon: one schedule entry per certificate, each fetched at
 * its own time, or at once when its certificate file changes (a renewal
 * makes the staple in place useless: it names the old certificate); the web
 * server is told (on_change) once per round in which any file changed. */
#include "casc/staple.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* What identifies a file's content cheaply: a renewal tool that replaces a
 * file (rename) changes the inode; one that rewrites it changes the size or
 * the modification time. */
typedef struct {
  bool exists;
  dev_t dev;
  ino_t ino;
  off_t size;
  struct timespec mtime;
} file_sig;

typedef struct {
  char *cert;
  char *out;
  time_t next_at;
  unsigned failures;
  file_sig cert_sig; /* when last updated */
  bool out_expected; /* a staple file was in place after the last update */
} entry;

typedef struct {
  entry *v;
  size_t n;
} schedule;

static file_sig sig_of(const char *path) {
  struct stat st;
  file_sig s = {0};
  if (stat(path, &st) == 0) {
    s.exists = true;
    s.dev = st.st_dev;
    s.ino = st.st_ino;
    s.size = st.st_size;
    s.mtime = st.st_mtim;
  }
  return s;
}

static bool sig_equal(const file_sig *a, const file_sig *b) {
  return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
         a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

static void entry_free(entry *en) {
  free(en->cert);
  free(en->out);
}

static void schedule_free(schedule *s) {
  for (size_t i = 0; i < s->n; i++)
    entry_free(&s->v[i]);
  free(s->v);
  s->v = NULL;
  s->n = 0;
}

static entry *find(schedule *s, const char *cert) {
  for (size_t i = 0; i < s->n; i++)
    if (strcmp(s->v[i].cert, cert) == 0)
      return &s->v[i];
  return NULL;
}

/* The schedule for what is there now: the one certificate, or the full
 * chains dir holds. Entries already known keep their times; new ones are
 * due at once. old is consumed (its entries moved or freed). */
static casc_err schedule_load(const casc_staple_daemon_config *cfg, schedule *old, schedule *s,
                              casc_error *e) {
  casc_err rc = CASC_OK;
  char **paths = NULL;
  size_t n = 1;
  memset(s, 0, sizeof *s);
  if (cfg->dir != NULL && (rc = casc_staple_scan_dir(cfg->dir, &paths, &n, e)) != CASC_OK)
    return rc;
  s->v = calloc(n != 0 ? n : 1, sizeof *s->v);
  if (s->v == NULL) {
    rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    const char *cert = cfg->dir != NULL ? paths[i] : cfg->cert_path;
    entry *known = find(old, cert);
    if (known != NULL) {
      s->v[s->n++] = *known;
      known->cert = known->out = NULL; /* moved */
      continue;
    }
    entry *en = &s->v[s->n];
    char outp[4096];
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
  if (rc != CASC_OK)
    schedule_free(s);
  schedule_free(old);
  if (cfg->dir != NULL)
    casc_staple_paths_free(paths, n);
  return rc;
}

/* Updates one entry and schedules its next fetch; true when its file
 * changed. */
static bool run_one(const casc_staple_daemon_config *cfg, entry *en) {
  casc_staple_report r;
  casc_error err = {0};
  en->cert_sig = sig_of(en->cert);
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
     * normal schedule (a renewed certificate is noticed sooner by its file
     * changing). */
    en->failures = 0;
    en->next_at = casc_staple_refresh_at(r.fetched.this_update, r.fetched.next_update, now);
  } else {
    en->failures++;
    en->next_at =
        casc_staple_retry_at(now, en->failures, rc == CASC_OK ? r.in_place_next_update : 0);
  }
  en->out_expected = sig_of(en->out).exists;
  if (cfg->on_result != NULL)
    cfg->on_result(en->cert, en->out, rc, &err, &r, en->next_at, cfg->arg);
  casc_staple_report_free(&r);
  return changed;
}

/* Entries whose certificate file changed, or whose staple vanished, are
 * due now. */
static void notice_changes(schedule *s) {
  for (size_t i = 0; i < s->n; i++) {
    entry *en = &s->v[i];
    if (en->next_at == 0)
      continue;
    file_sig now = sig_of(en->cert);
    if (!sig_equal(&now, &en->cert_sig) || (en->out_expected && !sig_of(en->out).exists)) {
      en->next_at = 0;
      en->failures = 0;
    }
  }
}

casc_err casc_staple_daemon(const casc_staple_daemon_config *cfg, casc_error *e) {
  casc_err rc = CASC_OK;
  schedule s = {0}, none = {0};
  time_t poll = cfg->poll_seconds > 0 ? cfg->poll_seconds : CASC_STAPLE_POLL;
  if (cfg->wait == NULL || (cfg->dir == NULL && (cfg->cert_path == NULL || cfg->out_path == NULL)))
    return casc_error_set(e, CASC_ERR_USAGE, "staple daemon: nothing to do");
  if ((rc = schedule_load(cfg, &none, &s, e)) != CASC_OK)
    goto out;
  for (;;) {
    notice_changes(&s);
    time_t now = casc_now();
    bool changed = false;
    for (size_t i = 0; i < s.n; i++)
      if (s.v[i].next_at <= now)
        changed |= run_one(cfg, &s.v[i]);
    if (changed && cfg->on_change != NULL)
      cfg->on_change(cfg->arg);
    time_t until = casc_now() + poll;
    for (size_t i = 0; i < s.n; i++)
      if (s.v[i].next_at < until)
        until = s.v[i].next_at;
    casc_staple_wake w = cfg->wait(until, cfg->arg);
    if (w == CASC_STAPLE_WAKE_STOP)
      break;
    if (w == CASC_STAPLE_WAKE_RESCAN)
      for (size_t i = 0; i < s.n; i++)
        s.v[i].next_at = 0; /* everything now */
    if (cfg->dir != NULL) {
      casc_error le = {0};
      schedule fresh;
      size_t n_before = s.n;
      entry *keep = s.v;
      /* On a failed scan keep the old schedule rather than stop stapling;
       * schedule_load consumes what it is given, so give it a copy. */
      schedule copy = {.v = calloc(n_before != 0 ? n_before : 1, sizeof *keep), .n = 0};
      if (copy.v == NULL) {
        rc = casc_error_set(e, CASC_ERR_NOMEM, "out of memory");
        goto out;
      }
      bool ok = true;
      for (size_t i = 0; i < n_before && ok; i++) {
        copy.v[i] = keep[i];
        copy.v[i].cert = strdup(keep[i].cert);
        copy.v[i].out = strdup(keep[i].out);
        copy.n++;
        ok = copy.v[i].cert != NULL && copy.v[i].out != NULL;
      }
      if (ok && schedule_load(cfg, &copy, &fresh, &le) == CASC_OK) {
        schedule_free(&s);
        s = fresh;
      } else {
        schedule_free(&copy);
        if (cfg->on_result != NULL)
          cfg->on_result(cfg->dir, "", le.code != CASC_OK ? le.code : CASC_ERR_NOMEM, &le, NULL,
                         0, cfg->arg);
      }
    }
  }
out:
  schedule_free(&s);
  return rc;
}
