/* casc base: errors, time, files, logging, small encodings. */
#ifndef CASC_BASE_H
#define CASC_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Error codes only ever grow: scripts and callers may rely on a value. */
typedef enum {
  CASC_OK = 0,
  CASC_ERR_USAGE = 1,           /* bad arguments */
  CASC_ERR_IO = 2,              /* a file or directory could not be read or written */
  CASC_ERR_PARSE = 3,           /* input bytes could not be parsed */
  CASC_ERR_CRYPTO = 4,          /* a cryptographic operation failed */
  CASC_ERR_DB = 5,              /* the store failed */
  CASC_ERR_NOT_FOUND = 6,       /* unknown serial, issuer, profile */
  CASC_ERR_EXISTS = 7,          /* refusing to overwrite */
  CASC_ERR_POLICY = 8,          /* a request breaks its profile or a rule */
  CASC_ERR_ALREADY_REVOKED = 9, /* revoking what is already revoked */
  CASC_ERR_NOMEM = 10,
  CASC_ERR_INTEGRITY = 11,      /* audit log or signature does not verify */
  CASC_ERR_INTERNAL = 12,
} casc_err;

/* The error object: the code and a one-line message naming what failed. */
typedef struct {
  casc_err code;
  char msg[512];
} casc_error;

/* Sets e (when non-NULL) and returns code, so that `return casc_error_set(...)`
 * reads naturally. */
casc_err casc_error_set(casc_error *e, casc_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* As casc_error_set, and appends the reason of the most recent queued
 * OpenSSL error, then clears the queue. */
casc_err casc_error_ssl(casc_error *e, casc_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void casc_error_clear(casc_error *e);
const char *casc_err_name(casc_err code);

/* --- time ---------------------------------------------------------------
 * One source of the current time for the whole library. Production
 * binaries never override it; unit tests inject a clock. */
typedef time_t (*casc_clock_fn)(void);
time_t casc_now(void);
void casc_clock_set(casc_clock_fn fn); /* NULL restores the system clock */

/* RFC 3339 "2026-11-28T17:00:00Z" (UTC only on output; offsets accepted on
 * input). buf must hold at least CASC_TIME_BUFSZ bytes. */
#define CASC_TIME_BUFSZ 32
void casc_time_format(time_t t, char buf[CASC_TIME_BUFSZ]);
casc_err casc_time_parse(const char *s, time_t *out, casc_error *e);

/* RFC 5280 4.1.2.5: UTCTime for dates through 2049, GeneralizedTime from
 * 2050 on, both in UTC with seconds and "Z". Returns a new ASN1_TIME or NULL
 * (out of memory, or a year outside 0000-9999). */
struct asn1_string_st;
struct asn1_string_st *casc_asn1_time_new(time_t t);
/* Reads an ASN1_TIME (either form) back to time_t. */
casc_err casc_asn1_time_get(const struct asn1_string_st *t, time_t *out, casc_error *e);

/* --- files ---------------------------------------------------------------*/
/* Replaces path with data atomically: temp file in the same directory,
 * fsync, rename, fsync of the directory. A crash leaves old or new, never a
 * half-written file. */
casc_err casc_file_write_atomic(const char *path, const void *data, size_t len,
                                unsigned mode, casc_error *e);
/* casc_file_write_atomic of what a memory BIO holds (PEM written by
 * OpenSSL, say). */
struct bio_st;
casc_err casc_file_write_bio(const char *path, struct bio_st *mem, unsigned mode,
                             casc_error *e);
/* Reads a whole file (at most max_len bytes; larger files are an error). The
 * caller frees *out with free(). *out is NUL-terminated (not counted). */
casc_err casc_file_read(const char *path, size_t max_len, unsigned char **out,
                        size_t *out_len, casc_error *e);
casc_err casc_fsync_dir(const char *dir, casc_error *e);
/* Joins dir and name into buf; an error if it does not fit. */
casc_err casc_path_join(char *buf, size_t bufsz, const char *dir,
                        const char *name, casc_error *e);

/* --- casc.conf ----------------------------------------------------------- */
/* Called for each key of the section asked for. To refuse the value it
 * writes why into bad (badsz bytes) and returns false. */
typedef bool (*casc_conf_key_fn)(void *user, const char *key, const char *value, char *bad,
                                 size_t badsz);
/* Reads one section of DIR/casc.conf (each module reads its own):
 * CASC_ERR_IO "PATH: cannot open", or CASC_ERR_PARSE "PATH: line N: WHY"
 * for a refused value ("syntax error" for what the INI parser refuses). */
casc_err casc_conf_read(const char *ca_dir, const char *section, casc_conf_key_fn fn,
                        void *user, casc_error *e);

/* --- logging ---------------------------------------------------------------*/
typedef enum { CASC_LOG_ERROR, CASC_LOG_WARN, CASC_LOG_INFO, CASC_LOG_DEBUG } casc_log_level;
void casc_log_set_level(casc_log_level level);
void casc_log(casc_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* --- encodings -------------------------------------------------------------*/
/* Upper-case hex of len bytes into out (2*len+1 bytes). */
void casc_hex_encode(const unsigned char *in, size_t len, char *out);

#endif
