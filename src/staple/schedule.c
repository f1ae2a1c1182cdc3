/* When to fetch a staple again. Jitter keeps a fleet of servers that
 * started together from asking the responder in the same second forever. */
#include "casc/staple.h"

#include <openssl/rand.h>

/* A uniform random number in [0, n]. */
static time_t jitter(time_t n) {
  if (n <= 0)
    return 0;
  uint32_t v = 0;
  if (RAND_bytes((unsigned char *)&v, sizeof v) != 1)
    v = (uint32_t)n / 2;
  return (time_t)(v % ((uint64_t)n + 1));
}

time_t casc_staple_refresh_at(time_t this_update, time_t next_update, time_t now) {
  time_t validity = next_update - this_update;
  time_t at;
  if (next_update == 0 || validity <= 0)
    at = now + CASC_STAPLE_BACKOFF_FIRST;
  else
    at = this_update + validity / 2 - jitter(validity / 10);
  if (at < now + CASC_STAPLE_MIN_DELAY)
    at = now + CASC_STAPLE_MIN_DELAY;
  return at;
}

time_t casc_staple_retry_at(time_t now, unsigned failures, time_t next_update) {
  time_t delay = CASC_STAPLE_BACKOFF_FIRST;
  for (unsigned i = 1; i < failures && delay < CASC_STAPLE_BACKOFF_MAX; i++)
    delay *= 2;
  if (delay > CASC_STAPLE_BACKOFF_MAX)
    delay = CASC_STAPLE_BACKOFF_MAX;
  /* While a staple is still in place, try at least four more times before
   * it expires, however long the outage has lasted. */
  if (next_update > now && (next_update - now) / 4 < delay)
    delay = (next_update - now) / 4;
  delay -= jitter(delay / 5);
  if (delay < CASC_STAPLE_MIN_DELAY)
    delay = CASC_STAPLE_MIN_DELAY;
  return now + delay;
}
