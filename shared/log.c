/* Line-oriented logging to stderr with a UTC timestamp and a level. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "buf.h"

static enum log_level log_level = LOG_INFO;

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
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    va_list ap;

    if (!log_enabled(lvl))
        return;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    buf_addf(&line, "%s %s %s: ", stamp, level_names[lvl], module);
    va_start(ap, fmt);
    buf_vaddf(&line, fmt, ap);
    va_end(ap);
    buf_addc(&line, '\n');
    /* one write per line so concurrent writers never interleave a line */
    fwrite(line.data, 1, line.len, stderr);
    fflush(stderr);
    buf_release(&line);
}
