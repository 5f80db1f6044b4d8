/*
 * A parsed HTTP/1.1 request and the reply a handler produces. The framing
 * itself (parsing, limits, response serialisation) lives in http.c and
 * conn.c; this header is what the router and handlers see of it.
 */
#ifndef RCD_HTTP_H
#define RCD_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../shared/buf.h"

/* Methods, numbered as libhttp-parser's enum http_method. */
enum req_method { REQ_DELETE = 0, REQ_GET = 1, REQ_HEAD = 2, REQ_POST = 3,
                  REQ_PUT = 4, REQ_OPTIONS = 6, REQ_PATCH = 28 };

struct http_header {
    char *name;                     /* as received; compare case-insensitively */
    char *value;                    /* leading/trailing blanks trimmed */
};

struct query_param {
    char *key;                      /* percent- and '+'-decoded */
    char *value;                    /* decoded; "" for "?flag" */
};

struct req {
    unsigned method;                /* enum req_method value */
    char *target;                   /* raw request target, owned */
    char *path;                     /* decoded path without query, owned */
    struct query_param *params;     /* owned array of nparams */
    size_t nparams;
    struct http_header *headers;    /* owned array of nheaders */
    size_t nheaders;
    struct buf body;                /* raw body bytes */
    char client_ip[64];             /* peer, or X-Forwarded-For via trusted proxy */
    char user_id[48];               /* set by the router once authenticated */
    unsigned http_minor;            /* 0 for HTTP/1.0, 1 for HTTP/1.1 */
    int keep_alive;                 /* client allows another request after this */
    char *arena;                    /* owned block holding every string and
                                     * array above when http.c parsed the
                                     * request; NULL when they were malloc'd
                                     * one by one (hand-built requests) */
};

/* An empty request: what req_release() leaves behind. */
#define REQ_INIT { .body = BUF_INIT }

/* Value of the first header called name (case-insensitive), or NULL. */
const char *req_header(const struct req *r, const char *name);
/* Decoded value of the first query parameter key, or NULL. */
const char *req_query(const struct req *r, const char *key);
/* Method name ("GET") for logs. */
const char *req_method_name(unsigned method);
/*
 * Free everything the request owns and reset it to REQ_INIT for reuse.
 * Accepts a zeroed struct too.
 */
void req_release(struct req *r);

#define REPLY_MAX_HEADERS 8

struct reply {
    int status;                     /* HTTP status */
    json_t *body;                   /* owned; NULL means an empty JSON object */
    size_t nheaders;
    struct http_header headers[REPLY_MAX_HEADERS]; /* extra, owned strings */
};

/* Add an extra response header (copies both strings). */
void reply_header(struct reply *out, const char *name, const char *value);
/* Free the body and extra headers; *out is zeroed. */
void reply_release(struct reply *out);

/*
 * ---- Framing: used by conn.c (and the tests), not by handlers ----
 *
 * struct http_in is one connection's request parser. It pre-scans each
 * header block itself (size cap, CRLF-only line ends, no obs-fold,
 * header names made of tchars) before libhttp-parser sees it, then
 * enforces what that parser lets through: HTTP major version 1, exactly
 * one Host on HTTP/1.1, no Transfer-Encoding, Content-Length under the
 * body cap (decided before any body byte is read). Upgrade and CONNECT
 * never switch protocols.
 */
struct http_in;

enum http_event {
    HTTP_EV_MORE,       /* every byte given was consumed or kept: read more */
    HTTP_EV_CONTINUE,   /* headers say "Expect: 100-continue" and no body
                         * byte has arrived yet: send the interim reply */
    HTTP_EV_REQUEST,    /* *req holds one complete request */
    HTTP_EV_ERROR,      /* framing error: answer http_in_status(), close */
};

enum http_phase {
    HTTP_PHASE_HEAD,    /* waiting for (the rest of) a header block */
    HTTP_PHASE_BODY,    /* headers done, reading a Content-Length body */
};

/* A parser for one connection, with its caps in bytes. Free with http_in_free. */
struct http_in *http_in_new(size_t max_header_bytes, size_t max_body_bytes);
void http_in_free(struct http_in *in);

/*
 * Parse from data[0..len), the bytes after those already consumed. Sets
 * *used to the bytes consumed; the caller must hand the rest back, plus
 * whatever arrives next, on the following call. Fills *req, which must be
 * REQ_INIT (or zeroed) when a request starts and left alone until
 * HTTP_EV_REQUEST or HTTP_EV_ERROR; after either the caller owns it and
 * frees it with req_release(). Returns at most one request per call. After
 * HTTP_EV_ERROR the parser is dead: never call it again on this
 * connection. On error *req may hold the method and raw target (target
 * non-NULL) and the decoded path, for the access log.
 */
enum http_event http_parse(struct http_in *in, const char *data, size_t len,
                           size_t *used, struct req *req);
enum http_phase http_in_phase(const struct http_in *in);
/* After HTTP_EV_ERROR: the status to answer (400, 408-505) and a short text. */
int http_in_status(const struct http_in *in);
const char *http_in_error(const struct http_in *in);

/* Flags for http_reply_write. */
#define HTTP_REPLY_CLOSE      0x1   /* add "Connection: close" */
#define HTTP_REPLY_KEEP_ALIVE 0x2   /* add "Connection: keep-alive" (HTTP/1.0) */
#define HTTP_REPLY_NO_BODY    0x4   /* HEAD: Content-Length but no body */

/*
 * Append the HTTP/1.1 serialisation of rep to out: status line, the common
 * headers (JSON content type, no-store, nosniff), Content-Length, rep's
 * extra headers (skipped, with a warning, when they hold CR or LF), then
 * the compact JSON body ("{}" when rep->body is NULL). scratch is the
 * caller's reusable buffer; its contents are clobbered.
 */
void http_reply_write(struct buf *out, struct buf *scratch,
                      const struct reply *rep, unsigned flags);
/* Fill *out (which must be empty) with status and {"success":false,"error":text}. */
void http_error_reply(struct reply *out, int status, const char *text);
/* The standard reason phrase ("Not Found"), or "Unknown". */
const char *http_reason(int status);

/*
 * Set r->client_ip: the peer address, unless the peer is one of the
 * trusted proxies (compared as addresses, so "::1" equals "0:0::1"); then
 * the right-most X-Forwarded-For entry that is not itself trusted, if it is
 * an IP literal (else the peer stays). A peer outside the list never gets
 * its X-Forwarded-For believed.
 */
void http_client_ip(struct req *r, const char *peer,
                    const char *const *trusted, size_t ntrusted);

/*
 * Write path into out (always NUL-terminated, truncated with "..." to fit)
 * in a form safe for the access log: bytes outside printable ASCII and
 * spaces become %XX, and webhook secrets are masked by three asterisks:
 * "/hooks/ID/TOKEN..." keeps "/hooks/ID/" and "/hooks/ONE" keeps "/hooks/",
 * and everything after is replaced.
 */
void http_log_path(char *out, size_t size, const char *path);

#endif
