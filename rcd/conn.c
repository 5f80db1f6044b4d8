/*
 * One client connection on the loop: non-blocking reads into a buffer,
 * http_parse() one request at a time, router_dispatch(), the serialised
 * reply appended to an output buffer and written as the socket allows.
 * Pipelined requests are answered in order; a framing error ends the
 * connection after its reply. Knows nothing of routes or JSON shapes.
 */
#include "conn.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "../shared/log.h"
#include "../shared/xalloc.h"
#include "config.h"
#include "http.h"
#include "router.h"

#define CONN_READ_CHUNK   16384          /* bytes asked of each read() */
#define CONN_OUT_HIGH     (256 * 1024)   /* unsent bytes that pause parsing */
#define CONN_KEEP_BYTES   16384          /* larger drained buffers are freed */
#define CONN_LINGER_S     2.0            /* reading after the last reply */
#define CONN_LINGER_BYTES (1024 * 1024)  /* discarded at most while lingering */
#define BATCH_MAX_WRITES  100            /* group commit: held replies ... */
#define BATCH_MAX_MS      2.0            /* ... or ms since the first one */

struct conn {
    struct conn_ctx *ctx;
    struct conn *prev, *next;       /* in ctx->conns */
    int fd;                         /* owned */
    ev_io rio;
    ev_io wio;
    ev_timer timer;                 /* the one deadline that applies now */
    struct http_in *http;           /* owned parser state */
    struct req req;                 /* the request being read */
    struct buf in;                  /* unparsed bytes, from in_off on */
    size_t in_off;
    struct buf out;                 /* unsent bytes, from out_off on */
    size_t out_off;
    size_t out_ok;                  /* bytes before this may be sent; the
                                     * rest waits for the group commit */
    size_t held_from;               /* out.len when the first held reply
                                     * was added */
    struct conn *hprev, *hnext;     /* in ctx->held while is_held */
    double req_start;               /* loop time the pending header bytes
                                     * began arriving; 0 when none */
    double last_io;                 /* loop time of the last read or write
                                     * progress (linger: of its start) */
    size_t lingered;                /* bytes discarded while lingering */
    unsigned is_closing : 1;        /* no more requests; close once sent */
    unsigned is_blocked : 1;        /* parsing paused: too much unsent */
    unsigned is_eof : 1;            /* the client closed its side */
    unsigned is_lingering : 1;      /* all sent, write side shut down */
    unsigned is_held : 1;           /* replies wait for the group commit */
    char peer[64];                  /* the socket's peer address */
    char name[24];                  /* "conn 12", the log prefix */
};

static double precise_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A configured timeout in seconds; zero or less means none. */
static double timeout_s(int ms)
{
    return ms > 0 ? ms / 1e3 : 1e9;
}

/* Bytes that may be written now. */
static int has_unsent(const struct conn *c)
{
    return c->out_off < c->out_ok;
}

/* Bytes not yet written, held back for the group commit or not. */
static int has_pending(const struct conn *c)
{
    return c->out_off < c->out.len;
}

/* What was added to c->out may go out, unless replies are held before it. */
static void conn_out_added(struct conn *c)
{
    if (!c->is_held)
        c->out_ok = c->out.len;
}

static int has_unparsed(const struct conn *c)
{
    return c->in_off < c->in.len;
}

/*
 * The loop time at which this connection should be acted upon: the
 * header deadline runs from a request's first byte and is not extended
 * by later bytes; the other deadlines run from the last progress.
 */
static double conn_deadline(const struct conn *c)
{
    const struct config *cfg = c->ctx->cfg;
    double idle = timeout_s(cfg->idle_timeout_ms);

    if (c->is_lingering)
        return c->last_io + CONN_LINGER_S;
    if (has_unsent(c) || http_in_phase(c->http) == HTTP_PHASE_BODY)
        return c->last_io + idle;
    if (has_unparsed(c) && c->req_start > 0)
        return c->req_start + timeout_s(cfg->header_timeout_ms);
    return c->last_io + idle;
}

static void conn_arm_timer(struct conn *c)
{
    struct ev_loop *loop = c->ctx->loop;
    double after = conn_deadline(c) - ev_now(loop);

    c->timer.repeat = after > 0.001 ? after : 0.001;
    ev_timer_again(loop, &c->timer);
}

/* Start or stop the watchers to match the connection's state. */
static void conn_watch(struct conn *c)
{
    struct ev_loop *loop = c->ctx->loop;
    int want_read = c->is_lingering ||
                    (!c->is_closing && !c->is_blocked && !c->is_eof);

    if (want_read && !ev_is_active(&c->rio))
        ev_io_start(loop, &c->rio);
    else if (!want_read && ev_is_active(&c->rio))
        ev_io_stop(loop, &c->rio);
    if (has_unsent(c) && !ev_is_active(&c->wio))
        ev_io_start(loop, &c->wio);
    else if (!has_unsent(c) && ev_is_active(&c->wio))
        ev_io_stop(loop, &c->wio);
}

/* One access-log line; never headers, bodies, query strings or tokens. */
static void conn_log(const struct conn *c, const struct req *r, int status,
                     double t0)
{
    char path[256];

    if (!log_enabled(LOG_INFO))
        return;
    if (r->path)
        http_log_path(path, sizeof(path), r->path);
    else
        memcpy(path, "-", 2);
    log_info(c->name, "%s %s %d %.2f ms user=%.*s",
             r->target ? req_method_name(r->method) : "-", path, status,
             precise_ms() - t0,
             r->user_id[0] ? (int)strnlen(r->user_id, sizeof(r->user_id)) : 1,
             r->user_id[0] ? r->user_id : "-");
}

static void conn_stop_requests(struct conn *c)
{
    c->is_closing = 1;
    c->req_start = 0;
}

/* Hold c's replies from here on until the batch ends. */
static void conn_hold(struct conn *c, size_t from)
{
    struct conn_ctx *ctx = c->ctx;

    if (c->is_held)
        return;
    c->is_held = 1;
    c->held_from = from;
    c->hprev = NULL;
    c->hnext = ctx->held;
    if (ctx->held)
        ctx->held->hprev = c;
    ctx->held = c;
}

static void conn_unhold(struct conn *c)
{
    struct conn_ctx *ctx = c->ctx;

    if (!c->is_held)
        return;
    if (c->hprev)
        c->hprev->hnext = c->hnext;
    else
        ctx->held = c->hnext;
    if (c->hnext)
        c->hnext->hprev = c->hprev;
    c->hprev = c->hnext = NULL;
    c->is_held = 0;
}

static void conn_pump(struct conn *c);

/*
 * End the group-commit batch: COMMIT, then let every held reply go out;
 * when the commit failed, each held connection gets one error reply
 * instead of what it was told, and is closed after it. With pump, write
 * and read on at once (from the prepare watcher, when no connection is
 * halfway through its input); else only start the write watchers, since
 * the caller is inside some connection's conn_process().
 */
static void conn_batch_end(struct conn_ctx *ctx, int pump)
{
    struct conn *list = ctx->held, *c, *next;
    int status;

    if (ctx->is_ending)
        return;
    ctx->is_ending = 1;
    status = router_batch_end(ctx->router);
    ctx->held = NULL;
    ctx->batch_writes = 0;
    ctx->batch_start = 0;
    for (c = list; c; c = c->hnext) {
        c->is_held = 0;
        if (status) {
            struct reply rep = { 0 };

            c->out.len = c->held_from;
            http_error_reply(&rep, status,
                             status == 507 ? "the disk is full"
                                           : "the database failed");
            http_reply_write(&c->out, &ctx->scratch, &rep, HTTP_REPLY_CLOSE);
            reply_release(&rep);
            conn_stop_requests(c);
        }
        c->out_ok = c->out.len;
    }
    for (c = list; c; c = next) {
        next = c->hnext;
        c->hprev = c->hnext = NULL;
        if (pump)
            conn_pump(c);       /* may free c, never another */
        else
            conn_watch(c);
    }
    ctx->is_ending = 0;
}

static void conn_on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
    (void)loop;
    (void)revents;
    conn_batch_end(w->data, 1);
}

/* Answer the complete request in c->req and free it. */
static void conn_answer(struct conn *c, double t0)
{
    struct conn_ctx *ctx = c->ctx;
    const struct config *cfg = ctx->cfg;
    struct reply rep = { 0 };
    int keep = c->req.keep_alive && !ctx->is_draining;
    unsigned flags = 0;
    size_t start = c->out.len;

    http_client_ip(&c->req, c->peer, cfg->trusted_proxies,
                   cfg->ntrusted_proxies);
    if (strcmp(c->req.client_ip, c->peer))
        log_debug(c->name, "client %s via proxy %s", c->req.client_ip,
                  c->peer);
    router_batch_begin(ctx->router);
    router_dispatch(ctx->router, &c->req, &rep);
    if (!keep)
        flags |= HTTP_REPLY_CLOSE;
    else if (c->req.http_minor == 0)
        flags |= HTTP_REPLY_KEEP_ALIVE;
    if (c->req.method == REQ_HEAD)
        flags |= HTTP_REPLY_NO_BODY;
    http_reply_write(&c->out, &ctx->scratch, &rep, flags);
    conn_log(c, &c->req, rep.status, t0);
    reply_release(&rep);
    req_release(&c->req);
    c->req_start = 0;
    if (!keep)
        conn_stop_requests(c);
    /*
     * Once the batch holds writes, no reply leaves before they are
     * committed: not this one, and not one that may have read them.
     */
    if (router_batch_dirty(ctx->router)) {
        conn_hold(c, start);
        if (ctx->batch_writes++ == 0)
            ctx->batch_start = precise_ms();
        if (ctx->batch_writes >= BATCH_MAX_WRITES ||
            precise_ms() - ctx->batch_start >= BATCH_MAX_MS)
            conn_batch_end(ctx, 0);
    }
    conn_out_added(c);
}

/* Answer a framing error or timeout; nothing more is read after it. */
static void conn_answer_error(struct conn *c, int status, const char *text,
                              double t0)
{
    struct reply rep = { 0 };

    http_error_reply(&rep, status, text);
    http_reply_write(&c->out, &c->ctx->scratch, &rep, HTTP_REPLY_CLOSE);
    conn_out_added(c);
    conn_log(c, &c->req, status, t0);
    reply_release(&rep);
    req_release(&c->req);
    conn_stop_requests(c);
}

/*
 * Parse and answer every complete request in data[0..len), in order,
 * until the input runs out, the connection is closing, or too much output
 * waits (then is_blocked is set). Returns the bytes consumed; the caller
 * keeps the rest for the next call.
 */
static size_t conn_process(struct conn *c, const char *data, size_t len)
{
    static const char continue_reply[] = "HTTP/1.1 100 Continue\r\n\r\n";
    size_t done = 0;

    while (!c->is_closing && done < len) {
        enum http_event ev;
        size_t used;
        double t0;

        if (c->out.len - c->out_off > CONN_OUT_HIGH) {
            c->is_blocked = 1;
            break;
        }
        t0 = precise_ms();
        ev = http_parse(c->http, data + done, len - done, &used, &c->req);
        done += used;
        if (ev == HTTP_EV_MORE)
            break;
        if (ev == HTTP_EV_CONTINUE) {
            if (done == len) {
                buf_add(&c->out, continue_reply, sizeof(continue_reply) - 1);
                conn_out_added(c);
            }
        } else if (ev == HTTP_EV_REQUEST) {
            conn_answer(c, t0);
        } else {
            conn_answer_error(c, http_in_status(c->http),
                              http_in_error(c->http), t0);
        }
    }
    if (c->is_closing || done == len)
        c->req_start = 0;
    else if (c->req_start == 0 && http_in_phase(c->http) == HTTP_PHASE_HEAD)
        c->req_start = ev_now(c->ctx->loop);
    return done;
}

/* Drop c->in's consumed prefix; free it once empty, so idle conns stay small. */
static void conn_trim_in(struct conn *c)
{
    if (c->in_off < c->in.len) {
        if (c->in_off)
            buf_consume(&c->in, c->in_off);
    } else {
        buf_release(&c->in);
    }
    c->in_off = 0;
}

/* Parse what c->in holds. */
static void conn_feed(struct conn *c)
{
    c->in_off += conn_process(c, c->in.data + c->in_off,
                              c->in.len - c->in_off);
    conn_trim_in(c);
}

/* Write what the socket takes. Returns -1 if c was freed on an error. */
static int conn_flush(struct conn *c)
{
    while (has_unsent(c)) {
        ssize_t n = send(c->fd, c->out.data + c->out_off,
                         c->out.len - c->out_off, MSG_NOSIGNAL);

        if (n > 0) {
            c->out_off += (size_t)n;
            c->last_io = ev_now(c->ctx->loop);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return 0;
        } else {
            log_debug(c->name, "write: %s", n < 0 ? strerror(errno) : "0");
            conn_free(c);
            return -1;
        }
    }
    if (has_pending(c))
        return 0;               /* held replies stay where they are */
    if (c->out.cap > CONN_KEEP_BYTES)
        buf_release(&c->out);
    else
        buf_reset(&c->out);
    c->out_off = c->out_ok = 0;
    return 0;
}

/*
 * Everything is sent and nothing more will be answered: shut the write
 * side and read until the client closes (bounded), so that unread input
 * does not make the kernel reset the connection over our last reply.
 */
static void conn_finish(struct conn *c)
{
    if (c->is_eof || shutdown(c->fd, SHUT_WR) < 0) {
        conn_free(c);
        return;
    }
    c->is_lingering = 1;
    c->last_io = ev_now(c->ctx->loop);
    buf_release(&c->in);
    c->in_off = 0;
    conn_watch(c);
    conn_arm_timer(c);
}

/* Write, resume parsing held-back input, and settle watchers and timer. */
static void conn_pump(struct conn *c)
{
    for (;;) {
        if (conn_flush(c))
            return;
        if (has_unsent(c))
            break;
        if (c->is_held)
            break;              /* conn_batch_end pumps again */
        if (c->is_closing) {
            conn_finish(c);
            return;
        }
        if (!c->is_blocked)
            break;
        c->is_blocked = 0;
        /* the held-back request's clock starts now, not while we wrote */
        c->req_start = 0;
        conn_feed(c);
    }
    conn_watch(c);
    conn_arm_timer(c);
}

static void conn_linger_read(struct conn *c)
{
    struct buf *sink = &c->ctx->rbuf;
    ssize_t n;

    buf_reset(sink);
    buf_grow(sink, CONN_READ_CHUNK);
    n = recv(c->fd, sink->data, sink->cap - 1, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    c->lingered += n > 0 ? (size_t)n : 0;
    if (n <= 0 || c->lingered > CONN_LINGER_BYTES)
        conn_free(c);
}

static void conn_on_read(struct ev_loop *loop, ev_io *w, int revents)
{
    struct conn *c = w->data;
    struct buf *src;
    ssize_t n;

    (void)loop;
    (void)revents;
    if (c->is_lingering) {
        conn_linger_read(c);
        return;
    }
    /*
     * With nothing held over, read into the loop's shared buffer and keep
     * only what is left unparsed: idle connections then own no input
     * buffer at all.
     */
    if (has_unparsed(c)) {
        conn_trim_in(c);
        src = &c->in;
    } else {
        src = &c->ctx->rbuf;
        buf_reset(src);
    }
    buf_grow(src, CONN_READ_CHUNK);
    n = recv(c->fd, src->data + src->len, src->cap - src->len - 1, 0);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return;
        log_debug(c->name, "read: %s", strerror(errno));
        conn_free(c);
        return;
    }
    if (n == 0) {
        c->is_eof = 1;
        conn_stop_requests(c);
        conn_pump(c);
        return;
    }
    src->len += (size_t)n;
    src->data[src->len] = '\0';
    c->last_io = ev_now(c->ctx->loop);
    if (src == &c->in) {
        conn_feed(c);
    } else {
        size_t used = conn_process(c, src->data, src->len);

        if (used < src->len && !c->is_closing)
            buf_add(&c->in, src->data + used, src->len - used);
    }
    conn_pump(c);
}

static void conn_on_write(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    conn_pump(w->data);
}

static void conn_on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct conn *c = w->data;

    (void)revents;
    if (ev_now(loop) + 0.001 < conn_deadline(c)) {
        conn_arm_timer(c);              /* there was progress since */
        return;
    }
    if (c->is_lingering || has_unsent(c) ||
        (http_in_phase(c->http) == HTTP_PHASE_HEAD && !has_unparsed(c))) {
        /* idle keep-alive, a lingering close, or a client not reading */
        log_debug(c->name, "closing after timeout");
        conn_free(c);
        return;
    }
    conn_answer_error(c, 408, "request timeout", precise_ms());
    buf_release(&c->in);
    c->in_off = 0;
    conn_pump(c);
}

void conn_ctx_init(struct conn_ctx *ctx, struct ev_loop *loop,
                   const struct config *cfg, struct router *rt)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->loop = loop;
    ctx->cfg = cfg;
    ctx->router = rt;
    buf_init(&ctx->rbuf);
    buf_init(&ctx->scratch);
    ctx->commit_w = xcalloc(1, sizeof(*ctx->commit_w));
    ev_prepare_init(ctx->commit_w, conn_on_prepare);
    ctx->commit_w->data = ctx;
    ev_prepare_start(loop, ctx->commit_w);
    ev_unref(loop);             /* the commit watcher keeps no loop alive */
}

void conn_ctx_release(struct conn_ctx *ctx)
{
    if (ctx->conns)
        BUG("conn_ctx_release with %d connections open", ctx->nconns);
    ev_ref(ctx->loop);
    ev_prepare_stop(ctx->loop, ctx->commit_w);
    free(ctx->commit_w);
    buf_release(&ctx->rbuf);
    buf_release(&ctx->scratch);
}

struct conn *conn_new(struct conn_ctx *ctx, int fd, const char *peer)
{
    struct conn *c = xcalloc(1, sizeof(*c));
    struct req empty = REQ_INIT;

    c->ctx = ctx;
    c->fd = fd;
    snprintf(c->name, sizeof(c->name), "conn %lu", ++ctx->next_id);
    snprintf(c->peer, sizeof(c->peer), "%s", peer);
    c->http = http_in_new(ctx->cfg->max_header_bytes,
                          ctx->cfg->max_body_bytes);
    c->req = empty;
    buf_init(&c->in);
    buf_init(&c->out);
    ev_io_init(&c->rio, conn_on_read, fd, EV_READ);
    ev_io_init(&c->wio, conn_on_write, fd, EV_WRITE);
    ev_init(&c->timer, conn_on_timer);
    c->rio.data = c->wio.data = c->timer.data = c;
    c->next = ctx->conns;
    if (ctx->conns)
        ctx->conns->prev = c;
    ctx->conns = c;
    ctx->nconns++;
    c->last_io = ev_now(ctx->loop);
    log_debug(c->name, "open from %s", c->peer);
    conn_watch(c);
    conn_arm_timer(c);
    return c;
}

void conn_free(struct conn *c)
{
    struct conn_ctx *ctx = c->ctx;

    ev_io_stop(ctx->loop, &c->rio);
    ev_io_stop(ctx->loop, &c->wio);
    ev_timer_stop(ctx->loop, &c->timer);
    conn_unhold(c);
    close(c->fd);
    if (c->prev)
        c->prev->next = c->next;
    else
        ctx->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    ctx->nconns--;
    log_debug(c->name, "closed");
    http_in_free(c->http);
    req_release(&c->req);
    buf_release(&c->in);
    buf_release(&c->out);
    free(c);
    if (ctx->is_draining && ctx->nconns == 0)
        ev_break(ctx->loop, EVBREAK_ALL);
}

void conn_drain_all(struct conn_ctx *ctx)
{
    struct conn *c, *next;

    ctx->is_draining = 1;
    for (c = ctx->conns; c; c = next) {
        next = c->next;
        if (c->is_lingering || c->is_closing)
            continue;
        if (has_pending(c)) {
            /* finish writing what was answered; answer nothing more */
            conn_stop_requests(c);
            conn_watch(c);
        } else if (http_in_phase(c->http) == HTTP_PHASE_HEAD) {
            conn_free(c);
        }
        /* in a body: its reply will say "Connection: close" */
    }
    if (ctx->nconns == 0)
        ev_break(ctx->loop, EVBREAK_ALL);
}

void conn_close_all(struct conn_ctx *ctx)
{
    /* what was answered is committed, even if its replies cannot go out */
    router_batch_end(ctx->router);
    while (ctx->held)
        conn_unhold(ctx->held);
    while (ctx->conns)
        conn_free(ctx->conns);
}
