/*
 * struct buf: a growable byte string, always NUL-terminated. Appends never
 * fail (allocation aborts on OOM); limits are checked by the caller before
 * appending, never in here.
 */
#ifndef RCD_SHARED_BUF_H
#define RCD_SHARED_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "xalloc.h"

struct buf {
    char   *data;   /* never NULL; points at buf_empty until first growth */
    size_t  len;    /* bytes in use, excluding the NUL */
    size_t  cap;    /* bytes allocated; 0 while data == buf_empty */
};
extern char buf_empty[];   /* the shared "" of every empty buf; never written */
#define BUF_INIT { buf_empty, 0, 0 }

void buf_init(struct buf *b);
/* Make room for at least n more bytes without changing len. */
void buf_grow(struct buf *b, size_t n);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) ATTR_PRINTF(2, 3);
void buf_vaddf(struct buf *b, const char *fmt, va_list ap) ATTR_PRINTF(2, 0);
/* Drop the first n bytes (n <= len), keeping the rest and the memory. */
void buf_consume(struct buf *b, size_t n);
void buf_reset(struct buf *b);                /* len = 0, memory kept */
void buf_release(struct buf *b);              /* free; *b is BUF_INIT again */
/* Hand the string to the caller (free() it); *b becomes BUF_INIT. Never NULL. */
char *buf_detach(struct buf *b, size_t *len);

#endif
