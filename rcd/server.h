/*
 * The event loop: listener, connections, signals and timers. Only server.c
 * and conn.c include <ev.h>.
 */
#ifndef RCD_SERVER_H
#define RCD_SERVER_H

struct config;
struct router;

/*
 * Listen on cfg->bind_addr:cfg->port and serve until SIGTERM or SIGINT,
 * then stop accepting, finish what is in flight and return 0. Returns -1
 * (after logging why) when the listener cannot be set up.
 */
int server_run(const struct config *cfg, struct router *rt);

#endif
