/* Unit tests for rcd/http.c: framing, decoding, replies, addresses, log paths. */
#include <string.h>

#include "../../rcd/http.h"
#include "../../shared/buf.h"
#include "unit.h"

/* Parse all of s with fresh caps; returns the event, *used the bytes taken. */
static enum http_event parse_all(const char *s, struct req *r, int *status,
                                 size_t *used)
{
    struct http_in *in = http_in_new(1024, 100);
    size_t n = 0;
    enum http_event ev = http_parse(in, s, strlen(s), &n, r);

    *status = ev == HTTP_EV_ERROR ? http_in_status(in) : 0;
    if (used)
        *used = n;
    http_in_free(in);
    return ev;
}

/* The status a whole-buffer parse ends with: 0 for a request, -1 for MORE. */
static int status_of(const char *s)
{
    struct req r = REQ_INIT;
    int status;
    enum http_event ev = parse_all(s, &r, &status, NULL);

    req_release(&r);
    if (ev == HTTP_EV_REQUEST)
        return 0;
    return ev == HTTP_EV_ERROR ? status : -1;
}

static void test_parse_get(void)
{
    struct req r = REQ_INIT;
    const char *s = "GET /api/v1/users.info?userId=abc HTTP/1.1\r\n"
                    "Host: example.com\r\n"
                    "X-Auth-Token:  tok \t\r\n"
                    "Empty:\r\n\r\n";
    int status;
    size_t used;

    CHECK(parse_all(s, &r, &status, &used) == HTTP_EV_REQUEST);
    CHECK(used == strlen(s));
    CHECK(r.method == REQ_GET);
    CHECK_STR(req_method_name(r.method), "GET");
    CHECK_STR(r.target, "/api/v1/users.info?userId=abc");
    CHECK_STR(r.path, "/api/v1/users.info");
    CHECK_STR(req_query(&r, "userId"), "abc");
    CHECK(req_query(&r, "userid") == NULL);
    CHECK_STR(req_header(&r, "x-auth-token"), "tok");
    CHECK_STR(req_header(&r, "HOST"), "example.com");
    CHECK_STR(req_header(&r, "Empty"), "");
    CHECK(req_header(&r, "Missing") == NULL);
    CHECK(r.keep_alive == 1 && r.http_minor == 1);
    CHECK(r.body.len == 0 && r.body.data != NULL);
    req_release(&r);
    CHECK(r.path == NULL && r.nheaders == 0 && r.body.data == buf_empty);
}

static void test_query_decoding(void)
{
    struct req r = REQ_INIT;
    const char *s = "GET /x?a=1&b=x+y&c=%41%2b&a=2&flag&d[]=z&&=v&e=%C3%A9"
                    " HTTP/1.1\r\nHost: h\r\n\r\n";
    int status;

    CHECK(parse_all(s, &r, &status, NULL) == HTTP_EV_REQUEST);
    CHECK(r.nparams == 7);
    CHECK_STR(r.params[0].key, "a");
    CHECK_STR(r.params[0].value, "1");
    CHECK_STR(req_query(&r, "a"), "1");
    CHECK_STR(req_query(&r, "b"), "x y");
    CHECK_STR(req_query(&r, "c"), "A+");
    CHECK_STR(r.params[3].key, "a");
    CHECK_STR(r.params[3].value, "2");
    CHECK_STR(req_query(&r, "flag"), "");
    CHECK_STR(req_query(&r, "d[]"), "z");
    CHECK_STR(req_query(&r, "e"), "\xc3\xa9");
    req_release(&r);
}

static void test_path_decoding(void)
{
    struct req r = REQ_INIT;
    int status;

    CHECK(parse_all("GET /api/%69nfo+x%2Fy HTTP/1.1\r\nHost: h\r\n\r\n", &r,
                    &status, NULL) == HTTP_EV_REQUEST);
    CHECK_STR(r.path, "/api/info+x/y");
    req_release(&r);
    CHECK(parse_all("GET http://h:80/p/q?k=v HTTP/1.1\r\nHost: h\r\n\r\n", &r,
                    &status, NULL) == HTTP_EV_REQUEST);
    CHECK_STR(r.path, "/p/q");
    CHECK_STR(req_query(&r, "k"), "v");
    req_release(&r);
    CHECK(parse_all("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", &r, &status,
                    NULL) == HTTP_EV_REQUEST);
    CHECK_STR(r.path, "*");
    req_release(&r);
    CHECK(status_of("GET /a%00b HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(status_of("GET /a%4 HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(status_of("GET /a%g1 HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(status_of("GET /a?x=%00 HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(status_of("GET /a?x=%zz HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(status_of("CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
}

static void test_pipelined_and_split(void)
{
    const char *s = "\r\nGET /one HTTP/1.1\r\nHost: h\r\n\r\n"
                    "POST /two HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
                    "\r\nhello"
                    "GET /three HTTP/1.1\r\nHost: h\r\n\r\n";
    const char *paths[] = { "/one", "/two", "/three" };
    struct http_in *in = http_in_new(1024, 100);
    struct req r = REQ_INIT;
    struct buf pending = BUF_INIT;
    size_t total = strlen(s), fed = 0;
    int nreq = 0;

    /* one byte at a time: the worst a network can do */
    while (fed < total) {
        size_t used;
        enum http_event ev;

        buf_add(&pending, s + fed++, 1);
        ev = http_parse(in, pending.data, pending.len, &used, &r);
        buf_consume(&pending, used);
        CHECK(ev != HTTP_EV_ERROR);
        if (ev == HTTP_EV_REQUEST) {
            CHECK(nreq < 3);
            CHECK_STR(r.path, paths[nreq]);
            if (nreq == 1)
                CHECK(r.body.len == 5 && !memcmp(r.body.data, "hello", 5));
            nreq++;
            req_release(&r);
        }
    }
    CHECK(nreq == 3 && pending.len == 0);
    buf_release(&pending);

    /* all at once: one request per call, in order */
    nreq = 0;
    fed = 0;
    while (fed < total) {
        size_t used;

        CHECK(http_parse(in, s + fed, total - fed, &used, &r) ==
              HTTP_EV_REQUEST);
        CHECK_STR(r.path, paths[nreq]);
        nreq++;
        fed += used;
        req_release(&r);
    }
    CHECK(nreq == 3);
    http_in_free(in);
}

static void test_limits(void)
{
    char big[1200];

    /* caps in parse_all: 1024 header bytes, 100 body bytes */
    memset(big, 'a', sizeof(big));
    memcpy(big, "GET / HTTP/1.1\r\nHost: h\r\nX: ", 28);
    big[sizeof(big) - 1] = '\0';
    CHECK(status_of(big) == 431);
    memset(big, 'a', sizeof(big) - 1);
    memcpy(big, "GET /", 5);
    CHECK(status_of(big) == 414);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n"
                    "\r\n") == 413);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n"
                    "\r\n") == -1);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
                    "chunked\r\n\r\n0\r\n\r\n") == 411);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
                    "chunked\r\nContent-Length: 3\r\n\r\nabc") == 400);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n"
                    "Content-Length: 1\r\n\r\na") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.0\r\n\r\n") == 0);
    CHECK(status_of("GET / HTTP/2.0\r\nHost: h\r\n\r\n") == 505);
    CHECK(status_of("GET / HTTP/0.9\r\nHost: h\r\n\r\n") == 505);
    CHECK(status_of("GET / HTTP/1.2\r\nHost: h\r\n\r\n") == 0);
    CHECK(status_of("GET / HTTP/1.1\nHost: h\n\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: y\r\n z\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: y\r\n\tz\r\n\r\n") == 400);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length : 3\r\n"
                    "\r\nabc") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nX(y): z\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\n: z\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n") == 400);
    CHECK(status_of("BREW / HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(status_of("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: h2c\r\n"
                    "Connection: Upgrade\r\n\r\n") == 0);
}

static void test_error_keeps_request_line(void)
{
    struct req r = REQ_INIT;
    int status;

    CHECK(parse_all("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 999\r\n"
                    "\r\n", &r, &status, NULL) == HTTP_EV_ERROR);
    CHECK(status == 413);
    CHECK(r.method == REQ_POST);
    CHECK_STR(r.path, "/x");
    req_release(&r);
    CHECK(parse_all("GET /x HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n"
                    "Content-Length: 2\r\n\r\n", &r, &status, NULL) ==
          HTTP_EV_ERROR);
    CHECK(status == 400);
    CHECK_STR(r.target, "/x");
    CHECK(r.path == NULL);
    req_release(&r);
}

static void test_keep_alive_and_continue(void)
{
    struct http_in *in = http_in_new(1024, 100);
    struct req r = REQ_INIT;
    const char *head = "POST /p HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
                       "Content-Length: 2\r\n\r\n";
    size_t used;
    int status;

    CHECK(http_parse(in, head, strlen(head), &used, &r) == HTTP_EV_CONTINUE);
    CHECK(used == strlen(head));
    CHECK(http_in_phase(in) == HTTP_PHASE_BODY);
    CHECK(http_parse(in, "{}", 2, &used, &r) == HTTP_EV_REQUEST);
    CHECK(used == 2 && r.body.len == 2);
    CHECK(http_in_phase(in) == HTTP_PHASE_HEAD);
    req_release(&r);
    http_in_free(in);

    CHECK(parse_all("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
                    &r, &status, NULL) == HTTP_EV_REQUEST);
    CHECK(r.keep_alive == 0);
    req_release(&r);
    CHECK(parse_all("GET / HTTP/1.0\r\n\r\n", &r, &status, NULL) ==
          HTTP_EV_REQUEST);
    CHECK(r.keep_alive == 0 && r.http_minor == 0);
    req_release(&r);
    CHECK(parse_all("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &r,
                    &status, NULL) == HTTP_EV_REQUEST);
    CHECK(r.keep_alive == 1);
    req_release(&r);
}

static void test_reply_write(void)
{
    struct buf out = BUF_INIT, scratch = BUF_INIT;
    struct reply rep = { 0 };

    rep.status = 200;
    rep.body = json_pack("{s:b}", "success", 1);
    reply_header(&rep, "X-RateLimit-Limit", "10");
    reply_header(&rep, "X-Bad", "a\r\nSet-Cookie: x");
    http_reply_write(&out, &scratch, &rep, 0);
    /* "Date: Wed, 25 Nov 2026 08:05:00 GMT\r\n" (IMF-fixdate), then cut out */
    {
        char *d = strstr(out.data, "\r\nDate: ");
        size_t n = strlen("\r\nDate: Wed, 25 Nov 2026 08:05:00 GMT");

        CHECK(d != NULL);
        if (d) {
            CHECK(strlen(d) > n && !strncmp(d + n - 4, " GMT\r\n", 6));
            memmove(d, d + n, strlen(d + n) + 1);
            out.len -= n;
        }
    }
    CHECK_STR(out.data, "HTTP/1.1 200 OK\r\n"
                        "Content-Type: application/json\r\n"
                        "Cache-Control: no-store\r\n"
                        "Pragma: no-cache\r\n"
                        "X-Content-Type-Options: nosniff\r\n"
                        "Content-Length: 16\r\n"
                        "X-RateLimit-Limit: 10\r\n"
                        "\r\n"
                        "{\"success\":true}");
    buf_reset(&out);
    http_reply_write(&out, &scratch, &rep, HTTP_REPLY_CLOSE |
                                           HTTP_REPLY_NO_BODY);
    CHECK(strstr(out.data, "Content-Length: 16\r\n") != NULL);
    CHECK(strstr(out.data, "Connection: close\r\n\r\n") != NULL);
    CHECK(out.data[out.len - 1] == '\n');
    reply_release(&rep);
    CHECK(rep.body == NULL && rep.nheaders == 0);

    buf_reset(&out);
    rep.status = 404;
    http_reply_write(&out, &scratch, &rep, HTTP_REPLY_KEEP_ALIVE);
    CHECK(!strncmp(out.data, "HTTP/1.1 404 Not Found\r\n", 24));
    CHECK(strstr(out.data, "Content-Length: 2\r\nConnection: keep-alive\r\n"
                           "\r\n{}") != NULL);

    buf_reset(&out);
    rep.status = 204;
    http_reply_write(&out, &scratch, &rep, 0);
    CHECK(strstr(out.data, "Content-Length") == NULL);
    CHECK(out.data[out.len - 1] == '\n');

    buf_reset(&out);
    http_error_reply(&rep, 431, "too big");
    http_reply_write(&out, &scratch, &rep, HTTP_REPLY_CLOSE);
    CHECK(strstr(out.data, "431 Request Header Fields Too Large\r\n") != NULL);
    CHECK(strstr(out.data, "\r\n\r\n{\"success\":false,\"error\":\"too big\"}")
          != NULL);
    reply_release(&rep);
    buf_release(&out);
    buf_release(&scratch);
    CHECK_STR(http_reason(413), "Content Too Large");
    CHECK_STR(http_reason(299), "Unknown");
}

/* A request with the given X-Forwarded-For values (NULL-terminated). */
static void xff_req(struct req *r, struct http_header *h, const char **xff)
{
    size_t n = 0;

    memset(r, 0, sizeof(*r));
    for (; xff[n]; n++) {
        h[n].name = (char *)"X-Forwarded-For";
        h[n].value = (char *)xff[n];
    }
    r->headers = h;
    r->nheaders = n;
}

static void test_client_ip(void)
{
    const char *trusted[] = { "127.0.0.1", "10.0.0.2", "::1" };
    const char *one[] = { "203.0.113.5, 198.51.100.7", NULL };
    const char *chain[] = { "203.0.113.5, 198.51.100.7 , 10.0.0.2", NULL };
    const char *two[] = { "203.0.113.5", "198.51.100.9, 10.0.0.2", NULL };
    const char *all[] = { "10.0.0.2, 127.0.0.1", NULL };
    const char *junk[] = { "unknown", NULL };
    const char *none[] = { NULL };
    struct http_header h[4];
    struct req r;

    xff_req(&r, h, one);
    http_client_ip(&r, "192.0.2.1", trusted, 3);
    CHECK_STR(r.client_ip, "192.0.2.1");          /* untrusted peer */
    http_client_ip(&r, "127.0.0.1", trusted, 0);
    CHECK_STR(r.client_ip, "127.0.0.1");          /* no proxies configured */
    http_client_ip(&r, "127.0.0.1", trusted, 3);
    CHECK_STR(r.client_ip, "198.51.100.7");
    http_client_ip(&r, "0:0:0:0:0:0:0:1", trusted, 3);
    CHECK_STR(r.client_ip, "198.51.100.7");       /* same address as "::1" */
    http_client_ip(&r, "::ffff:127.0.0.1", trusted, 3);
    CHECK_STR(r.client_ip, "198.51.100.7");
    xff_req(&r, h, chain);
    http_client_ip(&r, "127.0.0.1", trusted, 3);
    CHECK_STR(r.client_ip, "198.51.100.7");
    xff_req(&r, h, two);
    http_client_ip(&r, "127.0.0.1", trusted, 3);
    CHECK_STR(r.client_ip, "198.51.100.9");
    xff_req(&r, h, all);
    http_client_ip(&r, "127.0.0.1", trusted, 3);
    CHECK_STR(r.client_ip, "10.0.0.2");
    xff_req(&r, h, junk);
    http_client_ip(&r, "127.0.0.1", trusted, 3);
    CHECK_STR(r.client_ip, "127.0.0.1");
    xff_req(&r, h, none);
    http_client_ip(&r, "::1", trusted, 3);
    CHECK_STR(r.client_ip, "::1");
}

static void test_log_path(void)
{
    char out[32];

    http_log_path(out, sizeof(out), "/api/v1/me");
    CHECK_STR(out, "/api/v1/me");
    http_log_path(out, sizeof(out), "/hooks/abc/s3cr3t");
    CHECK_STR(out, "/hooks/abc/***");
    http_log_path(out, sizeof(out), "/hooks/abc/s3cr3t/more");
    CHECK_STR(out, "/hooks/abc/***");
    http_log_path(out, sizeof(out), "/hooks/s3cr3t");
    CHECK_STR(out, "/hooks/***");
    http_log_path(out, sizeof(out), "/hooks/");
    CHECK_STR(out, "/hooks/");
    http_log_path(out, sizeof(out), "/a b\n%\x01\xff");
    CHECK_STR(out, "/a%20b%0A%25%01%FF");
    http_log_path(out, sizeof(out), "/0123456789012345678901234567890123");
    CHECK(strlen(out) < sizeof(out));
    CHECK(!strcmp(out + strlen(out) - 3, "..."));
}

static void test_req_release_hand_built(void)
{
    struct req r = { 0 };

    req_release(&r);              /* a zeroed request is fine */
    r.path = xstrdup("/x");
    r.target = xstrdup("/x?a=b");
    r.params = xcalloc(1, sizeof(*r.params));
    r.params[0].key = xstrdup("a");
    r.params[0].value = xstrdup("b");
    r.nparams = 1;
    r.headers = xcalloc(1, sizeof(*r.headers));
    r.headers[0].name = xstrdup("Host");
    r.headers[0].value = xstrdup("h");
    r.nheaders = 1;
    buf_adds(&r.body, "{}");
    req_release(&r);              /* LeakSanitizer checks the rest */
    CHECK(r.body.data == buf_empty && r.params == NULL);
    CHECK_STR(req_method_name(REQ_DELETE), "DELETE");
    CHECK_STR(req_method_name(999), "-");
}

const struct unit_test http_tests[] = {
    { "http_parse GET: method, path, query, trimmed headers", test_parse_get },
    { "http_parse query: decoding, repeats, a[] keys", test_query_decoding },
    { "http_parse path: escapes decoded, bad ones 400", test_path_decoding },
    { "http_parse pipelined and byte-by-byte", test_pipelined_and_split },
    { "http_parse limits: 400 411 413 414 431 505", test_limits },
    { "http_parse error keeps the request line", test_error_keeps_request_line },
    { "http_parse keep-alive and 100-continue", test_keep_alive_and_continue },
    { "http_reply_write framing", test_reply_write },
    { "http_client_ip trusts XFF only via proxies", test_client_ip },
    { "http_log_path masks hooks and escapes", test_log_path },
    { "req_release hand-built and zeroed", test_req_release_hand_built },
    { NULL, NULL },
};
