/*
 * One line per event on stderr:
 *   2026-01-02T03:04:05Z warn store: busy 250 ms on 'messages insert'
 * Never pass passwords, tokens or message bodies to these.
 */
#ifndef RCD_SHARED_LOG_H
#define RCD_SHARED_LOG_H

#include "xalloc.h"

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level lvl);
int log_enabled(enum log_level lvl);
/* module: a short prefix such as "http" or "store"; printed as "module: ". */
void log_msg(enum log_level lvl, const char *module, const char *fmt, ...)
    ATTR_PRINTF(3, 4);

#define log_error(mod, ...) log_msg(LOG_ERROR, mod, __VA_ARGS__)
#define log_warn(mod, ...)  log_msg(LOG_WARN, mod, __VA_ARGS__)
#define log_info(mod, ...)  log_msg(LOG_INFO, mod, __VA_ARGS__)
#define log_debug(mod, ...) \
    do { if (log_enabled(LOG_DEBUG)) log_msg(LOG_DEBUG, mod, __VA_ARGS__); } while (0)

#endif
