/*
 * One client connection: read, parse, dispatch, write, keep-alive,
 * pipelining, timeouts and the access log. server.c accepts sockets and
 * hands each one to conn_new(); everything after that happens here.
 */
#ifndef RCD_CONN_H
#define RCD_CONN_H

#include "../shared/buf.h"

struct config;
struct conn;
struct ev_loop;
struct router;

/*
 * What every connection of one loop shares. Owned by the server, which
 * fills the first three fields and calls conn_ctx_init(); conn.c keeps the
 * rest. While is_draining, the loop is broken (ev_break) as soon as the
 * last connection closes.
 */
struct conn_ctx {
    struct ev_loop *loop;
    const struct config *cfg;
    struct router *router;
    struct conn *conns;             /* every open connection, newest first */
    int nconns;                     /* length of conns */
    int is_draining;                /* shutting down: no new requests */
    unsigned long next_id;          /* for "conn <id>" log prefixes */
    struct buf rbuf;                /* read scratch shared by all conns */
    struct buf scratch;             /* reply serialisation scratch */
    /* group commit: replies held until the batch's COMMIT returns */
    struct conn *held;              /* conns holding replies back */
    int batch_writes;               /* replies held in this batch */
    double batch_start;             /* precise ms the batch began holding */
    int is_ending;                  /* in conn_batch_end */
    struct ev_prepare *commit_w;    /* ends the batch before the loop waits */
};

/* Set up ctx for loop, cfg and rt (all borrowed; they must outlive it). */
void conn_ctx_init(struct conn_ctx *ctx, struct ev_loop *loop,
                   const struct config *cfg, struct router *rt);
/* Free ctx's buffers; every connection must have been freed first. */
void conn_ctx_release(struct conn_ctx *ctx);

/*
 * Serve the accepted, non-blocking socket fd from peer (an IP literal);
 * the connection owns fd from now on and frees itself when the client
 * goes away, a timeout fires, or the exchange ends with "close".
 */
struct conn *conn_new(struct conn_ctx *ctx, int fd, const char *peer);
/* Close the socket, stop the watchers and free c (unlinking it from ctx). */
void conn_free(struct conn *c);

/*
 * Start shutting down: close idle connections (and those halfway through
 * a header block) now; the others finish the request they are reading or
 * writing and then close.
 */
void conn_drain_all(struct conn_ctx *ctx);
/* Close every connection now, whatever it is doing. */
void conn_close_all(struct conn_ctx *ctx);

#endif
