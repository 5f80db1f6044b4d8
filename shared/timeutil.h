/*
 * Wall-clock milliseconds and Rocket.Chat's timestamp form
 * ("2023-10-10T23:40:46.093Z": ISO-8601, UTC, milliseconds, 'Z').
 */
#ifndef RCD_SHARED_TIMEUTIL_H
#define RCD_SHARED_TIMEUTIL_H

#include <stdint.h>

#define ISO_TIME_LEN 24   /* characters of "YYYY-MM-DDTHH:MM:SS.mmmZ" */

/* Milliseconds since the epoch (CLOCK_REALTIME). */
int64_t now_ms(void);
/* Milliseconds from CLOCK_MONOTONIC, for measuring durations. */
int64_t mono_ms(void);
/* Format ms since the epoch into out (always 24 characters and a NUL). */
void iso_time(int64_t ms, char out[ISO_TIME_LEN + 1]);
/*
 * Parse an ISO-8601 date or date-time ("2024-01-02", "2024-01-02T03:04:05Z",
 * with optional fraction and a Z or +hh:mm offset) into ms since the epoch.
 * Returns 0, or -1 if s is not such a time.
 */
int iso_parse(const char *s, int64_t *ms);

#endif
