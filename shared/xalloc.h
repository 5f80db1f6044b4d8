/*
 * Allocation that never fails: on out-of-memory these print one line and
 * abort(), so callers never check for NULL. BUG() marks programmer errors.
 */
#ifndef RCD_SHARED_XALLOC_H
#define RCD_SHARED_XALLOC_H

#include <stddef.h>

#define ATTR_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define ATTR_NORETURN __attribute__((noreturn))

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Print "BUG: file:line: msg" to stderr and abort. */
void bug_at(const char *file, int line, const char *fmt, ...)
    ATTR_PRINTF(3, 4) ATTR_NORETURN;
#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
