/*
 * HTTP/1.1 request framing and response serialisation: the pre-scan of
 * each header block, libhttp-parser for the rest, decoding of the target,
 * and the bytes of a reply. Knows nothing of routes, sockets or libev.
 */
#include "http.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <http_parser.h>

#include "../shared/buf.h"
#include "../shared/json.h"
#include "../shared/log.h"
#include "../shared/xalloc.h"

#define HTTP_SPANS_KEPT 64   /* header slots a parser keeps between requests */

/* A run of bytes inside the header block being parsed. */
struct span {
    uint32_t off;
    uint32_t len;
};

struct http_in {
    http_parser parser;
    size_t max_header_bytes;
    size_t max_body_bytes;
    enum http_phase phase;
    size_t line_start;          /* pre-scan: offset of the current line */
    int nlines;                 /* pre-scan: complete lines seen so far */
    const char *base;           /* start of the header block during parsing */
    struct req *req;            /* the request being filled, during parsing */
    struct span url;
    struct span *fields;        /* header names, reused between requests */
    struct span *values;        /* header values, parallel to fields */
    size_t nfields;
    size_t cap;
    int last_was_value;         /* which callback ran last */
    int wants_continue;         /* "Expect: 100-continue" on this request */
    int status;                 /* error status once an error happened */
    const char *error;          /* short text for the error body */
};

/* ---- requests and replies ---- */

const char *req_header(const struct req *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (!strcasecmp(r->headers[i].name, name))
            return r->headers[i].value;
    return NULL;
}

const char *req_query(const struct req *r, const char *key)
{
    for (size_t i = 0; i < r->nparams; i++)
        if (!strcmp(r->params[i].key, key))
            return r->params[i].value;
    return NULL;
}

const char *req_method_name(unsigned method)
{
    if (method > HTTP_SOURCE)
        return "-";
    return http_method_str((enum http_method)method);
}

void req_release(struct req *r)
{
    if (r->arena) {
        free(r->arena);
    } else {
        for (size_t i = 0; i < r->nparams; i++) {
            free(r->params[i].key);
            free(r->params[i].value);
        }
        for (size_t i = 0; i < r->nheaders; i++) {
            free(r->headers[i].name);
            free(r->headers[i].value);
        }
        free(r->params);
        free(r->headers);
        free(r->target);
        free(r->path);
    }
    if (r->body.data)
        buf_release(&r->body);
    memset(r, 0, sizeof(*r));
    buf_init(&r->body);
}

void reply_header(struct reply *out, const char *name, const char *value)
{
    if (out->nheaders >= REPLY_MAX_HEADERS)
        BUG("more than %d reply headers", REPLY_MAX_HEADERS);
    out->headers[out->nheaders].name = xstrdup(name);
    out->headers[out->nheaders].value = xstrdup(value);
    out->nheaders++;
}

void reply_release(struct reply *out)
{
    json_decref(out->body);
    for (size_t i = 0; i < out->nheaders; i++) {
        free(out->headers[i].name);
        free(out->headers[i].value);
    }
    memset(out, 0, sizeof(*out));
}

/* ---- the parser ---- */

static int in_fail(struct http_in *in, int status, const char *error)
{
    in->status = status;
    in->error = error;
    return -1;
}

/* RFC 9110 tchar: the bytes allowed in a header name. */
static int is_tchar(unsigned char c)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";

    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
        (c >= 'A' && c <= 'Z'))
        return 1;
    return c && strchr(extra, c) != NULL;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/*
 * Check one complete header-block line, data[0..len) without its CRLF.
 * The request line is left to http_parser; header lines must be a
 * non-empty run of tchars followed by ':' and must not start with a blank
 * (obs-fold), which is exactly what libhttp-parser 2.9.4 lets through.
 */
static int prescan_line(struct http_in *in, const char *data, size_t len)
{
    size_t i = 0;

    if (in->nlines == 0)
        return 0;
    if (is_blank(data[0]))
        return in_fail(in, 400, "obsolete line folding");
    while (i < len && data[i] != ':') {
        if (!is_tchar((unsigned char)data[i]))
            return in_fail(in, 400, "invalid header name");
        i++;
    }
    if (i == 0 || i == len)
        return in_fail(in, 400, "invalid header line");
    return 0;
}

/*
 * Find the end of the header block in data[0..len). Returns its length
 * (through the blank line's LF), 0 when it is not complete yet, or -1
 * after recording a 400, 414 or 431. Resumes where the previous call on
 * the same block stopped.
 */
static long prescan(struct http_in *in, const char *data, size_t len)
{
    for (;;) {
        size_t start = in->line_start;
        const char *lf = memchr(data + start, '\n', len - start);
        size_t end;

        if (!lf) {
            if (len > in->max_header_bytes)
                return in_fail(in, in->nlines ? 431 : 414, in->nlines ?
                               "request header fields too large" :
                               "request line too long");
            return 0;
        }
        end = (size_t)(lf - data);
        if (end + 1 > in->max_header_bytes)
            return in_fail(in, in->nlines ? 431 : 414, in->nlines ?
                           "request header fields too large" :
                           "request line too long");
        if (end == start || data[end - 1] != '\r')
            return in_fail(in, 400, "bare LF in header block");
        if (end - 1 == start) {
            if (in->nlines == 0)
                return in_fail(in, 400, "empty request line");
            return (long)(end + 1);
        }
        if (prescan_line(in, data + start, end - 1 - start))
            return -1;
        in->nlines++;
        in->line_start = end + 1;
    }
}

static struct http_in *parser_in(http_parser *p)
{
    return p->data;
}

static struct span span_at(struct http_in *in, const char *at, size_t len)
{
    struct span s = { (uint32_t)(at - in->base), (uint32_t)len };

    return s;
}

static int on_url(http_parser *p, const char *at, size_t len)
{
    struct http_in *in = parser_in(p);

    if (in->url.len)
        in->url.len += (uint32_t)len;
    else
        in->url = span_at(in, at, len);
    return 0;
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
    struct http_in *in = parser_in(p);

    if (in->nfields && !in->last_was_value) {
        in->fields[in->nfields - 1].len += (uint32_t)len;
        return 0;
    }
    if (in->nfields == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 32;
        in->fields = xrealloc(in->fields, in->cap * sizeof(*in->fields));
        in->values = xrealloc(in->values, in->cap * sizeof(*in->values));
    }
    in->fields[in->nfields] = span_at(in, at, len);
    in->values[in->nfields].off = (uint32_t)(at - in->base + len);
    in->values[in->nfields].len = 0;
    in->nfields++;
    in->last_was_value = 0;
    return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
    struct http_in *in = parser_in(p);
    struct span *v = &in->values[in->nfields - 1];

    if (in->last_was_value)
        v->len += (uint32_t)len;
    else
        *v = span_at(in, at, len);
    in->last_was_value = 1;
    return 0;
}

/* Bump allocation inside the request's arena, sized up front. */
struct arena {
    char *p;
    size_t left;
};

static char *arena_take(struct arena *a, size_t n)
{
    char *p = a->p;

    if (n > a->left)
        BUG("http arena overflow");
    a->p += n;
    a->left -= n;
    return p;
}

static char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_take(a, n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Percent-decode s[0..n) into the arena; '+' becomes a space when
 * plus_is_space. Returns NULL for an invalid escape or one that decodes
 * to NUL.
 */
static char *arena_decode(struct arena *a, const char *s, size_t n,
                          int plus_is_space)
{
    char *out = arena_take(a, n + 1);
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi, lo;

            if (i + 2 >= n)
                return NULL;
            hi = hex_value(s[i + 1]);
            lo = hex_value(s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return NULL;
            out[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else if (s[i] == '+' && plus_is_space) {
            out[o++] = ' ';
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

/* Split the query string q[0..n) into r->params; 0, or -1 on a bad escape. */
static int parse_query(struct req *r, struct arena *a, const char *q, size_t n)
{
    size_t i = 0;

    while (i < n) {
        const char *seg = q + i;
        const char *amp = memchr(seg, '&', n - i);
        size_t seglen = amp ? (size_t)(amp - seg) : n - i;
        const char *eq = memchr(seg, '=', seglen);
        size_t klen = eq ? (size_t)(eq - seg) : seglen;
        struct query_param *qp;

        i += seglen + 1;
        if (klen == 0)
            continue;
        qp = &r->params[r->nparams];
        qp->key = arena_decode(a, seg, klen, 1);
        if (eq) {
            qp->value = arena_decode(a, eq + 1, seglen - klen - 1, 1);
        } else {
            qp->value = arena_take(a, 1);
            qp->value[0] = '\0';
        }
        if (!qp->key || !qp->value)
            return -1;
        r->nparams++;
    }
    return 0;
}

/*
 * Turn the header block into *req: method, target, decoded path and query,
 * trimmed headers, all in one allocation. Returns 0 or -1 after recording
 * a 400.
 */
static int build_req(struct http_in *in, size_t block_len)
{
    struct req *r = in->req;
    const char *target = in->base + in->url.off;
    size_t tlen = in->url.len;
    const char *path = target, *query = NULL;
    size_t plen, qlen = 0, nparams = 1;
    size_t arrays, size;
    struct arena a;

    for (size_t i = 0; i < tlen; i++)
        if (target[i] == '&')
            nparams++;
    arrays = in->nfields * sizeof(struct http_header) +
             nparams * sizeof(struct query_param);
    /*
     * Strings: the target, then the path and query decoded (each no longer
     * than the target), then names and values, each no longer than the
     * block and each with one NUL (a header line is at least 4 bytes for
     * its 2 strings; a query parameter at least 2 for its 2).
     */
    size = arrays + 3 * (tlen + 1) + 2 * nparams + block_len + 16;
    r->arena = xmalloc(size);
    a.p = r->arena;
    a.left = size;
    r->headers = (struct http_header *)(void *)arena_take(
        &a, in->nfields * sizeof(struct http_header));
    r->params = (struct query_param *)(void *)arena_take(
        &a, nparams * sizeof(struct query_param));

    r->method = in->parser.method;
    r->http_minor = in->parser.http_minor;
    r->target = arena_strndup(&a, target, tlen);
    for (size_t i = 0; i < in->nfields; i++) {
        const char *v = in->base + in->values[i].off;
        size_t vlen = in->values[i].len;

        while (vlen && is_blank(*v))
            v++, vlen--;
        while (vlen && is_blank(v[vlen - 1]))
            vlen--;
        r->headers[i].name = arena_strndup(&a, in->base + in->fields[i].off,
                                           in->fields[i].len);
        r->headers[i].value = arena_strndup(&a, v, vlen);
    }
    r->nheaders = in->nfields;

    /* absolute-form (a proxy's request line): keep only path and query */
    if (tlen >= 7 && (!strncasecmp(target, "http://", 7) ||
                      (tlen >= 8 && !strncasecmp(target, "https://", 8)))) {
        const char *p = memchr(target, ':', tlen) + 3;
        const char *slash = memchr(p, '/', tlen - (size_t)(p - target));

        if (!slash)
            slash = target + tlen;
        path = slash;
    } else if (!(tlen == 1 && target[0] == '*') && target[0] != '/') {
        return in_fail(in, 400, "invalid request target");
    }
    plen = tlen - (size_t)(path - target);
    for (size_t i = 0; i < plen; i++) {
        if (path[i] == '?' && !query) {
            query = path + i + 1;
            qlen = plen - i - 1;
            plen = i;
            break;
        }
        if (path[i] == '#') {
            plen = i;
            break;
        }
    }
    if (query) {
        const char *hash = memchr(query, '#', qlen);

        if (hash)
            qlen = (size_t)(hash - query);
    }
    if (plen == 0)
        r->path = arena_strndup(&a, "/", 1);
    else
        r->path = arena_decode(&a, path, plen, 0);
    if (!r->path)
        return in_fail(in, 400, "invalid escape in path");
    if (query && parse_query(r, &a, query, qlen))
        return in_fail(in, 400, "invalid escape in query string");
    return 0;
}

/*
 * The rules libhttp-parser does not enforce, checked once the header block
 * is parsed and before any body byte is read.
 */
static int on_headers_complete(http_parser *p)
{
    struct http_in *in = parser_in(p);
    struct req *r = in->req;
    int hosts = 0;

    if (p->http_major != 1)
        return in_fail(in, 505, "HTTP version not supported");
    /*
     * The parser treats CONNECT as a protocol switch and would leave a
     * body unread, to be taken for the next request: refuse it outright.
     */
    if (p->method == HTTP_CONNECT)
        return in_fail(in, 400, "CONNECT is not supported");
    if (build_req(in, in->line_start + 2))
        return -1;
    for (size_t i = 0; i < r->nheaders; i++) {
        const char *name = r->headers[i].name;

        if (!strcasecmp(name, "host"))
            hosts++;
        else if (!strcasecmp(name, "transfer-encoding"))
            return in_fail(in, 411, "Transfer-Encoding is not supported");
        else if (!strcasecmp(name, "expect") &&
                 !strcasecmp(r->headers[i].value, "100-continue"))
            in->wants_continue = p->http_minor >= 1;
    }
    if (hosts > 1 || (hosts == 0 && p->http_minor >= 1))
        return in_fail(in, 400, hosts ? "more than one Host header" :
                                        "missing Host header");
    if ((p->flags & F_CONTENTLENGTH) &&
        p->content_length > in->max_body_bytes)
        return in_fail(in, 413, "request body too large");
    if ((p->flags & F_CONTENTLENGTH) && p->content_length > 0) {
        /* a modest reservation: the declared size is only a promise */
        size_t want = (size_t)p->content_length;

        buf_grow(&r->body, want < 65536 ? want : 65536);
        in->phase = HTTP_PHASE_BODY;
    }
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    struct http_in *in = parser_in(p);

    buf_add(&in->req->body, at, len);
    return 0;
}

static int on_message_complete(http_parser *p)
{
    struct http_in *in = parser_in(p);

    in->req->keep_alive = http_should_keep_alive(p);
    /* one request per http_parse call: the caller answers it first */
    http_parser_pause(p, 1);
    return 0;
}

static const http_parser_settings parser_settings = {
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

struct http_in *http_in_new(size_t max_header_bytes, size_t max_body_bytes)
{
    struct http_in *in = xcalloc(1, sizeof(*in));

    in->max_header_bytes = max_header_bytes;
    in->max_body_bytes = max_body_bytes;
    in->phase = HTTP_PHASE_HEAD;
    return in;
}

void http_in_free(struct http_in *in)
{
    if (!in)
        return;
    free(in->fields);
    free(in->values);
    free(in);
}

enum http_phase http_in_phase(const struct http_in *in)
{
    return in->phase;
}

int http_in_status(const struct http_in *in)
{
    return in->status;
}

const char *http_in_error(const struct http_in *in)
{
    return in->error ? in->error : "bad request";
}

static enum http_event parse_error(struct http_in *in, struct req *r)
{
    enum http_errno e = HTTP_PARSER_ERRNO(&in->parser);

    if (!in->status) {
        in->status = e == HPE_HEADER_OVERFLOW ? 431 : 400;
        in->error = e == HPE_OK ? "malformed request" :
                                  http_errno_description(e);
    }
    /* what is known of the request, for the access line */
    if (!r->target && in->url.len && in->base) {
        r->method = in->parser.method;
        r->target = xstrndup(in->base + in->url.off, in->url.len);
    }
    in->phase = HTTP_PHASE_HEAD;
    in->base = NULL;
    return HTTP_EV_ERROR;
}

/* Feed the parser in BODY phase; the parser pauses at the message's end. */
static enum http_event parse_body(struct http_in *in, const char *data,
                                  size_t len, size_t *used, struct req *r)
{
    size_t n;

    if (len == 0)
        return HTTP_EV_MORE;
    in->base = data;
    n = http_parser_execute(&in->parser, &parser_settings, data, len);
    in->base = NULL;
    *used += n;
    if (HTTP_PARSER_ERRNO(&in->parser) == HPE_PAUSED) {
        in->phase = HTTP_PHASE_HEAD;
        return HTTP_EV_REQUEST;
    }
    if (HTTP_PARSER_ERRNO(&in->parser) != HPE_OK)
        return parse_error(in, r);
    return HTTP_EV_MORE;
}

enum http_event http_parse(struct http_in *in, const char *data, size_t len,
                           size_t *used, struct req *req)
{
    size_t skip = 0, n;
    long block;

    *used = 0;
    if (in->status)
        BUG("http_parse called after an error");
    if (in->phase == HTTP_PHASE_BODY)
        return parse_body(in, data, len, used, req);

    /* RFC 9112 2.2: ignore empty lines before a request line */
    if (in->line_start == 0) {
        while (skip + 1 < len && data[skip] == '\r' && data[skip + 1] == '\n')
            skip += 2;
        *used = skip;
        data += skip;
        len -= skip;
    }
    block = prescan(in, data, len);
    if (block < 0) {
        *used += len;
        return HTTP_EV_ERROR;
    }
    if (block == 0)
        return HTTP_EV_MORE;

    /* a complete, pre-scanned header block: parse it as one piece */
    if (in->cap > HTTP_SPANS_KEPT) {
        /* idle connections keep only a small span array */
        free(in->fields);
        free(in->values);
        in->fields = in->values = NULL;
        in->cap = 0;
    }
    http_parser_init(&in->parser, HTTP_REQUEST);
    in->parser.data = in;
    in->req = req;
    in->base = data;
    in->url.off = in->url.len = 0;
    in->nfields = 0;
    in->last_was_value = 0;
    in->wants_continue = 0;
    if (!req->body.data)
        buf_init(&req->body);
    n = http_parser_execute(&in->parser, &parser_settings, data,
                            (size_t)block);
    in->line_start = 0;
    in->nlines = 0;
    if (HTTP_PARSER_ERRNO(&in->parser) == HPE_PAUSED) {
        *used += n;
        in->base = NULL;
        return HTTP_EV_REQUEST;
    }
    if (HTTP_PARSER_ERRNO(&in->parser) != HPE_OK || n != (size_t)block) {
        *used += len;
        return parse_error(in, req);
    }
    *used += n;
    in->base = NULL;
    if (in->phase != HTTP_PHASE_BODY)
        BUG("header block parsed without completing the request");
    if (len == (size_t)block && in->wants_continue)
        return HTTP_EV_CONTINUE;
    return parse_body(in, data + block, len - (size_t)block, used, req);
}

/* ---- replies ---- */

const char *http_reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 507: return "Insufficient Storage";
    default:  return "Unknown";
    }
}

/* Append the decimal digits of v. */
static void add_decimal(struct buf *b, size_t v)
{
    char digits[24];
    size_t i = sizeof(digits);

    do {
        digits[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    buf_add(b, digits + i, sizeof(digits) - i);
}

/*
 * "Date: <IMF-fixdate>\r\n" for now (RFC 9110 6.6.1: an origin server with
 * a clock sends one; rcctl doctor compares it with its own clock),
 * formatted at most once a second.
 */
static void add_date(struct buf *out)
{
    static time_t last;
    static char line[48];
    static size_t len;
    time_t now = time(NULL);

    if (now != last || !len) {
        struct tm tm;

        gmtime_r(&now, &tm);
        len = strftime(line, sizeof(line),
                       "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
        last = now;
    }
    buf_add(out, line, len);
}

void http_reply_write(struct buf *out, struct buf *scratch,
                      const struct reply *rep, unsigned flags)
{
    static const char common[] =
        "Content-Type: application/json\r\n"
        "Cache-Control: no-store\r\n"
        "Pragma: no-cache\r\n"
        "X-Content-Type-Options: nosniff\r\n";
    int status = rep->status;
    /* RFC 9110 6.4.1: these never carry content */
    int bodiless = (status >= 100 && status < 200) || status == 204 ||
                   status == 304;

    if (status < 100 || status > 999) {
        log_error("http", "handler returned status %d; sending 500", status);
        status = 500;
        bodiless = 0;
    }
    buf_reset(scratch);
    if (!bodiless) {
        if (rep->body)
            json_dump_buf(scratch, rep->body);
        else
            buf_add(scratch, "{}", 2);
    }
    buf_add(out, "HTTP/1.1 ", 9);
    add_decimal(out, (size_t)status);
    buf_addc(out, ' ');
    buf_adds(out, http_reason(status));
    buf_add(out, "\r\n", 2);
    buf_add(out, common, sizeof(common) - 1);
    add_date(out);
    if (!bodiless) {
        buf_add(out, "Content-Length: ", 16);
        add_decimal(out, scratch->len);
        buf_add(out, "\r\n", 2);
    }
    for (size_t i = 0; i < rep->nheaders; i++) {
        const struct http_header *h = &rep->headers[i];

        if (strpbrk(h->name, "\r\n:") || strpbrk(h->value, "\r\n")) {
            log_warn("http", "dropped reply header with CR, LF or ':'");
            continue;
        }
        buf_adds(out, h->name);
        buf_add(out, ": ", 2);
        buf_adds(out, h->value);
        buf_add(out, "\r\n", 2);
    }
    if (flags & HTTP_REPLY_CLOSE)
        buf_add(out, "Connection: close\r\n", 19);
    else if (flags & HTTP_REPLY_KEEP_ALIVE)
        buf_add(out, "Connection: keep-alive\r\n", 24);
    buf_add(out, "\r\n", 2);
    if (!bodiless && !(flags & HTTP_REPLY_NO_BODY))
        buf_add(out, scratch->data, scratch->len);
}

void http_error_reply(struct reply *out, int status, const char *text)
{
    out->status = status;
    out->body = json_pack("{s:b, s:s}", "success", 0, "error", text);
}

/* ---- client address and log-safe paths ---- */

/* Parse an IPv4 or IPv6 literal into a comparable 16-byte form. */
static int addr_parse(const char *s, unsigned char out[16])
{
    struct in_addr v4;

    if (inet_pton(AF_INET6, s, out) == 1)
        return 0;
    if (inet_pton(AF_INET, s, &v4) != 1)
        return -1;
    /* as an IPv4-mapped IPv6 address, so "::ffff:1.2.3.4" matches too */
    memset(out, 0, 10);
    out[10] = out[11] = 0xff;
    memcpy(out + 12, &v4, 4);
    return 0;
}

static int is_trusted(const char *addr, const char *const *trusted,
                      size_t ntrusted)
{
    unsigned char a[16], t[16];

    if (addr_parse(addr, a))
        return 0;
    for (size_t i = 0; i < ntrusted; i++)
        if (!addr_parse(trusted[i], t) && !memcmp(a, t, 16))
            return 1;
    return 0;
}

static void set_ip(struct req *r, const char *s, size_t n)
{
    if (n >= sizeof(r->client_ip))
        n = sizeof(r->client_ip) - 1;
    memcpy(r->client_ip, s, n);
    r->client_ip[n] = '\0';
}

void http_client_ip(struct req *r, const char *peer,
                    const char *const *trusted, size_t ntrusted)
{
    set_ip(r, peer, strlen(peer));
    if (!ntrusted || !is_trusted(peer, trusted, ntrusted))
        return;
    /* headers right to left, entries right to left: the proxy appends */
    for (size_t h = r->nheaders; h-- > 0;) {
        const char *v = r->headers[h].value;
        size_t end = strlen(v);

        if (strcasecmp(r->headers[h].name, "x-forwarded-for"))
            continue;
        while (end > 0) {
            size_t start = end, a, b;
            char entry[64];
            unsigned char bin[16];

            while (start > 0 && v[start - 1] != ',')
                start--;
            a = start;
            b = end;
            end = start ? start - 1 : 0;
            while (a < b && is_blank(v[a]))
                a++;
            while (b > a && is_blank(v[b - 1]))
                b--;
            if (b == a || b - a >= sizeof(entry))
                return;
            memcpy(entry, v + a, b - a);
            entry[b - a] = '\0';
            if (addr_parse(entry, bin))
                return;
            set_ip(r, entry, b - a);
            if (!is_trusted(entry, trusted, ntrusted))
                return;
        }
    }
}

void http_log_path(char *out, size_t size, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    static const char hooks[] = "/hooks/";
    const char *cut = NULL;
    size_t o = 0;

    if (size < 4)
        BUG("http_log_path buffer too small");
    if (!strncmp(path, hooks, sizeof(hooks) - 1)) {
        const char *id = path + sizeof(hooks) - 1;
        const char *slash = strchr(id, '/');

        /* "/hooks/ID/TOKEN" keeps ID; "/hooks/TOKEN" keeps nothing */
        if (*id)
            cut = slash ? slash + 1 : id;
    }
    for (const char *p = path; *p; p++) {
        unsigned char c = (unsigned char)*p;
        size_t need = (c > ' ' && c < 0x7f && c != '%') ? 1 : 3;

        if (p == cut) {
            if (o + 3 >= size)
                break;
            memcpy(out + o, "***", 3);
            o += 3;
            out[o] = '\0';
            return;
        }
        if (o + need + 3 >= size) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (need == 1) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
}
