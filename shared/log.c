/* Line-oriented logging to stderr with a UTC timestamp and a level. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "buf.h"

static enum log_level log_level = LOG_INFO;
static time_t stamp_time = -1;          /* second stamp_text shows */
static char stamp_text[32];

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void log_set_level(enum log_level lvl)
{
    log_level = lvl;
}

int log_enabled(enum log_level lvl)
{
    return lvl <= log_level;
}

void log_msg(enum log_level lvl, const char *module, const char *fmt, ...)
{
    struct buf line = BUF_INIT;
    time_t now = time(NULL);
    struct tm tm;
    va_list ap;

    if (!log_enabled(lvl))
        return;
    /* the time stamp changes once a second; format it only then */
    if (now != stamp_time) {
        gmtime_r(&now, &tm);
        strftime(stamp_text, sizeof(stamp_text), "%Y-%m-%dT%H:%M:%SZ", &tm);
        stamp_time = now;
    }
    buf_grow(&line, 256);           /* most lines: one vsnprintf pass */
    buf_addf(&line, "%s %s %s: ", stamp_text, level_names[lvl], module);
    va_start(ap, fmt);
    buf_vaddf(&line, fmt, ap);
    va_end(ap);
    buf_addc(&line, '\n');
    /* one write per line so concurrent writers never interleave a line */
    fwrite(line.data, 1, line.len, stderr);
    fflush(stderr);
    buf_release(&line);
}
