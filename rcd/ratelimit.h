/*
 * Fixed-window request counters keyed by a string (client address, route
 * and method), in a bounded table owned by the loop: when it is full the
 * entry whose window ends first is reused, so memory never grows.
 */
#ifndef RCD_RATELIMIT_H
#define RCD_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

struct ratelimit;

/* A table of nslots entries (rounded up to a power of two). */
struct ratelimit *ratelimit_new(size_t nslots);
void ratelimit_free(struct ratelimit *rl);

/*
 * Count one call for key at now (ms) against limit calls per window_ms.
 * Returns 1 when allowed, 0 when over the limit; *remaining and *reset_ms
 * (epoch ms when the window ends) describe the window either way.
 */
int ratelimit_hit(struct ratelimit *rl, const char *key, int64_t now,
                  int64_t limit, int64_t window_ms, int64_t *remaining,
                  int64_t *reset_ms);

#endif
