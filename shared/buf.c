/* Growable NUL-terminated byte strings. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char buf_empty[1];

void buf_init(struct buf *b)
{
    b->data = buf_empty;
    b->len = 0;
    b->cap = 0;
}

void buf_grow(struct buf *b, size_t n)
{
    size_t want;

    if (n > (size_t)-1 - b->len - 1)
        BUG("buf_grow overflow");
    want = b->len + n + 1;
    if (want <= b->cap)
        return;
    if (want < 64)
        want = 64;
    if (want < b->cap + b->cap / 2)
        want = b->cap + b->cap / 2;
    if (b->cap == 0) {
        b->data = xmalloc(want);
        b->data[0] = '\0';
    } else {
        b->data = xrealloc(b->data, want);
    }
    b->cap = want;
}

void buf_add(struct buf *b, const void *p, size_t n)
{
    if (!n)
        return;
    buf_grow(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
    buf_add(b, &c, 1);
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;

    va_copy(cp, ap);
    n = vsnprintf(b->data + b->len, b->cap ? b->cap - b->len : 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        BUG("vsnprintf failed for '%s'", fmt);
    if (b->cap == 0 || (size_t)n >= b->cap - b->len) {
        buf_grow(b, (size_t)n);
        n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    }
    b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    buf_vaddf(b, fmt, ap);
    va_end(ap);
}

void buf_consume(struct buf *b, size_t n)
{
    if (n > b->len)
        BUG("buf_consume %zu > %zu", n, b->len);
    if (n == 0)
        return;
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    b->data[b->len] = '\0';
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->cap)
        b->data[0] = '\0';
}

void buf_release(struct buf *b)
{
    if (b->cap)
        free(b->data);
    buf_init(b);
}

char *buf_detach(struct buf *b, size_t *len)
{
    char *p = b->cap ? b->data : xstrdup("");

    if (len)
        *len = b->len;
    buf_init(b);
    return p;
}
