/*
 * Route lookup, the authentication gate and per-route body parsing. Knows
 * nothing of sockets: conn.c hands it a complete request and serialises
 * the reply it gets back.
 */
#ifndef RCD_ROUTER_H
#define RCD_ROUTER_H

#include <stddef.h>

struct app;
struct req;
struct reply;
struct router;

/* Route flags. No flags means: the caller must be logged in, no body. */
#define ROUTE_PUBLIC   0x1  /* no login needed; a valid login is still seen */
#define ROUTE_JSON     0x2  /* parse the body (JSON or form) into ctx->body */

/* One row of the route table in routes.c. */
struct api_ctx;

struct route {
    unsigned method;                /* enum req_method */
    const char *path;               /* exact, or with ":name" segments */
    int (*handler)(struct api_ctx *ctx, struct reply *out);
    unsigned flags;                 /* ROUTE_* */
    const char *perm;               /* route-level permission, or NULL */
};

extern const struct route routes[];
extern const size_t routes_count;

/* Create the router over the app (borrowed); aborts if routes.c is unsorted. */
struct router *router_new(struct app *app);
void router_free(struct router *rt);

/*
 * Answer one request: fills *out (status and JSON body, always set) and
 * req->user_id when the caller authenticated. Never fails: every error
 * becomes a Rocket.Chat-shaped JSON reply.
 */
void router_dispatch(struct router *rt, struct req *req, struct reply *out);

/*
 * Group commit (see store_batch_begin). conn.c opens a batch before it
 * answers a request (a no-op when one is open, or when RCD_GROUP_COMMIT=off
 * asks for one transaction per request, as benchmarks compare), holds back
 * every reply given while the batch holds writes, and ends the batch once
 * per loop iteration, or sooner when it is full, before sending them.
 * router_batch_end returns 0, or the status every held reply must become
 * (507 when the disk is full, 503 after an I/O error); then settings and
 * permissions are reloaded from the database, since the lost writes may
 * have changed them in memory.
 */
void router_batch_begin(struct router *rt);
int router_batch_dirty(struct router *rt);
int router_batch_end(struct router *rt);

#endif
