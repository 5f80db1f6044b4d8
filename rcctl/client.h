/*
 * The HTTP client: one request in, a parsed JSON reply or an error out.
 * Owns the one libcurl handle of the run (keep-alive), the auth headers,
 * the retries (429, 502/503/504, connection errors) and the 2FA retry.
 * Prints only -v traces and wait notes on stderr, never data or errors.
 */
#ifndef RCCTL_CLIENT_H
#define RCCTL_CLIENT_H

#include <stdint.h>

#include <jansson.h>

#include "../shared/err.h"
#include "../shared/xalloc.h"

struct buf;
struct client;

struct client_opts {
    const char *url;       /* base URL, e.g. "https://chat.example.com" */
    const char *user_id;   /* X-User-Id; NULL: send no auth headers */
    const char *token;     /* X-Auth-Token; NULL: send no auth headers */
    long timeout_ms;       /* whole request; 0: libcurl's default (none) */
    int insecure;          /* skip TLS verification (--insecure) */
    const char *ca_file;   /* CA bundle (--ca-file); NULL: SSL_CERT_FILE */
    int verbose;           /* 1: "> GET path", "< 200 (12 ms)"; 2: +headers */
    int quiet;             /* no notes about waits and retries */
    const char *code;      /* 2FA code from --code, or NULL */
    const char *code_file; /* file holding the 2FA code, or NULL */
    int max_tries;         /* per request for retryable failures; 0: 4 */
};

struct client_reply {
    long status;       /* HTTP status; 0 when no answer came */
    json_t *json;      /* the parsed body, or NULL; owned */
    char *text;        /* the raw body when it was not JSON, or NULL; owned */
    enum err err;      /* ERR_OK on success, see client_request() */
    char *error;       /* what failed, for the command to print; owned */
    char *error_type;  /* Rocket.Chat's errorType (or login's error), owned */
    int sent_token;    /* the request carried X-User-Id/X-Auth-Token */
};
#define CLIENT_REPLY_INIT { 0, NULL, NULL, ERR_OK, NULL, NULL, 0 }

/* Free what r owns and reset it to CLIENT_REPLY_INIT. */
void client_reply_release(struct client_reply *r);

/*
 * Mark r failed with e and a printf-style message of the caller's own
 * (replacing r->error), for an answer that came but will not do ("the
 * answer has no user") or a not-found told by other means.
 */
void client_reply_fail(struct client_reply *r, enum err e, const char *fmt,
                       ...) ATTR_PRINTF(3, 4);

/*
 * Create the client (strings in o are copied; the caller owns the result
 * and frees it with client_free(), which accepts NULL). Nothing is sent
 * until the first request. Aborts only if libcurl cannot make a handle.
 */
struct client *client_new(const struct client_opts *o);
void client_free(struct client *c);

/* libcurl's global set-up: once before the first client_new(), and
 * client_global_cleanup() once after the last client_free(). */
void client_global_init(void);
void client_global_cleanup(void);

/* What the last answer told besides its body (for rcctl doctor). */
struct client_facts {
    long ms;               /* the last attempt's time, ms */
    char date[64];         /* its Date header, or "" */
    long rate_limit;       /* X-RateLimit-Limit, -1 if absent */
    long rate_remaining;   /* X-RateLimit-Remaining, -1 if absent */
    int is_tls;            /* it came over https */
    long verify_result;    /* CURLINFO_SSL_VERIFYRESULT (0: verified) */
    long cert_days;        /* days until the server certificate expires;
                              LONG_MIN when unknown (see below) */
};

/* An HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT") in ms since the epoch,
 * or -1 when it is not one. */
int64_t client_parse_date(const char *text);

/* Ask libcurl for the certificate chain (CURLOPT_CERTINFO) from now on,
 * so that client_last_facts() can tell cert_days. */
void client_want_certinfo(struct client *c);

/* Borrowed from c, valid until its next request. */
const struct client_facts *client_last_facts(const struct client *c);

/* Borrowed: the base URL the client talks to. */
const char *client_url(const struct client *c);

/*
 * Send METHOD base-url+path (path starts with '/' and may carry a query)
 * with body (borrowed; NULL: none) as JSON, and fill *out (release it with
 * client_reply_release() whatever the result). The result is out->err:
 *   ERR_OK        2xx and, when JSON, not "success": false
 *   ERR_INVALID   other 4xx, or a 2xx that is not JSON or says success:false
 *   ERR_AUTH      401, or a 2FA code was needed and none could be had
 *   ERR_DENIED    403, or a permission errorType on a 400
 *   ERR_NOT_FOUND 404, or a 400 whose errorType ends in "-not-found"
 *   ERR_EXISTS    409, or a 400 saying the name is taken
 *   ERR_IO        no connection, TLS failure, timeout, 5xx, or 429 after
 *                 the retries
 * 429 is retried for every method after the wait the server asks for;
 * 502/503/504 and connection failures only for GET, with exponential
 * backoff and jitter. A 400 "totp-required" is retried once with
 * X-2FA-Code/X-2FA-Method (see client_2fa_code()).
 */
enum err client_request(struct client *c, const char *method,
                        const char *path, const json_t *body,
                        struct client_reply *out);
enum err client_get(struct client *c, const char *path,
                    struct client_reply *out);
enum err client_post(struct client *c, const char *path, const json_t *body,
                     struct client_reply *out);

/*
 * Get a 2FA code for the challenge details the server sent (borrowed; may
 * be NULL): --code, else the first line of --code-file, else a prompt on
 * the terminal. For the "password" method the answer is the password and
 * the code is its SHA-256 hex. Sets *method to "totp", "email" or
 * "password" (static strings). Returns the code (free with prompt_free()),
 * or NULL with the reason appended to *why.
 */
char *client_2fa_code(struct client *c, const json_t *details,
                      const char **method, struct buf *why);

/*
 * Append key=value to path as a query parameter (with '?' or '&'),
 * percent-encoding both.
 */
void client_query(struct buf *path, const char *key, const char *value);

/*
 * Paging over count/offset, as Rocket.Chat's list endpoints do it. The
 * pager is pure logic (no I/O) so that it can be tested on its own;
 * client_pages() drives it.
 */
struct pager {
    long count;       /* items asked for per page */
    long offset;      /* offset of the next page */
    long total;       /* the server's "total", -1 until known */
    long cap;         /* smallest short page seen before the end; 0: none */
    long pages;       /* pages fed so far */
    int done;         /* no more pages to fetch */
    json_t *first;    /* first item of the previous page, owned */
};

/* count: items to ask for per page (Rocket.Chat caps at 100 by default). */
void pager_init(struct pager *p, long count);
void pager_release(struct pager *p);

/*
 * Write base (a path that may already have a query) with the pager's
 * count and offset into *out; count and offset already in base are
 * replaced (a count there sets the page size if smaller than p->count).
 */
void pager_path(struct pager *p, const char *base, struct buf *out);

/*
 * Take one page (borrowed): find its list (list_key, or the first
 * array-valued key), advance the offset by the items actually received
 * and decide whether more pages remain: until offset >= total or a page
 * comes back empty, whatever page size the server applied. Sets *items
 * (borrowed from page). Returns ERR_OK, or ERR_INVALID with *why filled
 * when the page has no list or the server ignored the offset (the same
 * page twice), which would otherwise loop forever.
 */
enum err pager_feed(struct pager *p, const json_t *page, const char *list_key,
                    const json_t **items, struct buf *why);

/*
 * Called with each item of each page as the page arrives; return 0 to go
 * on, anything else to stop (client_pages() then returns ERR_OK with
 * *stopped set to that value).
 */
typedef int client_item_fn(const json_t *item, void *data);

/*
 * GET every page of the list at path (see pager_feed()) and call fn for
 * each item, holding one page in memory at a time. On failure *out holds
 * the failing reply; on success it is released. *stopped (may be NULL)
 * receives fn's non-zero return, or 0. *nitems (may be NULL) receives the
 * number of items passed to fn.
 */
enum err client_pages(struct client *c, const char *path,
                      const char *list_key, client_item_fn *fn, void *data,
                      struct client_reply *out, int *stopped, long *nitems);

/*
 * client_pages() into memory: every item of every page of the list at
 * path in a new array *out (caller decrefs). Returns ERR_OK, or the error
 * with *out NULL and *r holding the failing reply.
 */
enum err client_pages_all(struct client *c, const char *path,
                          const char *list_key, json_t **out,
                          struct client_reply *r);

#endif
