/* struct buf: growth, formatting, consume, detach. */
#include <stdlib.h>
#include <string.h>

#include "../../shared/buf.h"
#include "unit.h"

static void buf_starts_empty_and_terminated(void)
{
    struct buf b = BUF_INIT;

    CHECK(b.len == 0 && b.data[0] == '\0' && b.cap == 0);
    buf_release(&b);
    CHECK(b.data == buf_empty);
}

static void buf_addf_grows_past_initial_capacity(void)
{
    struct buf b = BUF_INIT;

    for (int i = 0; i < 1000; i++)
        buf_addf(&b, "%d,", i);
    CHECK(b.len == strlen(b.data));
    CHECK(strncmp(b.data, "0,1,2,", 6) == 0);
    CHECK(strcmp(b.data + b.len - 4, "999,") == 0);
    buf_release(&b);
}

static void buf_add_keeps_embedded_nul(void)
{
    struct buf b = BUF_INIT;

    buf_add(&b, "a\0b", 3);
    CHECK(b.len == 3 && b.data[1] == '\0' && b.data[2] == 'b');
    CHECK(b.data[3] == '\0');
    buf_release(&b);
}

static void buf_consume_drops_prefix(void)
{
    struct buf b = BUF_INIT;

    buf_adds(&b, "GET / HTTP/1.1\r\n");
    buf_consume(&b, 4);
    CHECK_STR(b.data, "/ HTTP/1.1\r\n");
    buf_consume(&b, b.len);
    CHECK(b.len == 0 && b.data[0] == '\0');
    buf_release(&b);
}

static void buf_detach_hands_over_and_resets(void)
{
    struct buf b = BUF_INIT;
    size_t len;
    char *s;

    s = buf_detach(&b, &len);
    CHECK(s && len == 0 && *s == '\0' && s != buf_empty);
    free(s);
    buf_adds(&b, "hello");
    s = buf_detach(&b, &len);
    CHECK(len == 5 && strcmp(s, "hello") == 0);
    CHECK(b.data == buf_empty && b.len == 0);
    free(s);
}

static void buf_reset_keeps_memory(void)
{
    struct buf b = BUF_INIT;
    size_t cap;

    buf_adds(&b, "some text");
    cap = b.cap;
    buf_reset(&b);
    CHECK(b.len == 0 && b.cap == cap && b.data[0] == '\0');
    buf_release(&b);
}

const struct unit_test buf_tests[] = {
    { "buf starts empty and terminated", buf_starts_empty_and_terminated },
    { "buf_addf grows past initial capacity", buf_addf_grows_past_initial_capacity },
    { "buf_add keeps embedded NUL", buf_add_keeps_embedded_nul },
    { "buf_consume drops a prefix", buf_consume_drops_prefix },
    { "buf_detach hands over and resets", buf_detach_hands_over_and_resets },
    { "buf_reset keeps memory", buf_reset_keeps_memory },
    { NULL, NULL },
};
