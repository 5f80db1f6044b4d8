/*
 * The event loop: the listening socket, the accept loop with its
 * connection cap, and SIGTERM/SIGINT for a graceful stop. Connections
 * themselves live in conn.c.
 */
#define _GNU_SOURCE                     /* accept4 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ev.h>

#include "../shared/log.h"
#include "config.h"
#include "conn.h"

#define SERVER_ACCEPT_BATCH 64      /* accepts per readiness event */
#define SERVER_BACKOFF_S    0.1     /* pause after EMFILE and friends */
#define SERVER_DRAIN_S      3.0     /* in-flight replies get this long */

struct server {
    struct conn_ctx ctx;
    int lfd;                        /* listening socket, -1 once closed */
    ev_io accept_w;
    ev_timer backoff_w;
    ev_timer drain_w;
    ev_signal term_w;
    ev_signal int_w;
    double last_cap_warn;           /* loop time of the last "full" warning */
    int is_stopping;
};

/* Format a socket address as an IP literal (IPv4-mapped IPv6 as IPv4). */
static void server_addr_str(const struct sockaddr_storage *ss, char *out,
                            size_t size, int *port)
{
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)ss;
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)ss;

    if (ss->ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
        inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], out, (socklen_t)size);
        *port = ntohs(v6->sin6_port);
    } else if (ss->ss_family == AF_INET6) {
        inet_ntop(AF_INET6, &v6->sin6_addr, out, (socklen_t)size);
        *port = ntohs(v6->sin6_port);
    } else if (ss->ss_family == AF_INET) {
        inet_ntop(AF_INET, &v4->sin_addr, out, (socklen_t)size);
        *port = ntohs(v4->sin_port);
    } else {
        snprintf(out, size, "unknown");
        *port = 0;
    }
}

/* Open the listening socket; -1 after logging why. */
static int server_listen(const struct config *cfg)
{
    const char *addr = cfg->bind_addr ? cfg->bind_addr : "127.0.0.1";
    struct addrinfo hints, *res = NULL;
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof(ss);
    char port[16], shown[INET6_ADDRSTRLEN];
    int fd = -1, one = 1, rc, bound_port;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    snprintf(port, sizeof(port), "%d", cfg->port);
    rc = getaddrinfo(addr, port, &hints, &res);
    if (rc) {
        log_error("server", "cannot listen on '%s' port %d: %s", addr,
                  cfg->port, gai_strerror(rc));
        return -1;
    }
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                0);
    if (fd < 0) {
        log_error("server", "socket: %s", strerror(errno));
        goto out;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) < 0 ||
        listen(fd, SOMAXCONN) < 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &sslen) < 0) {
        log_error("server", "cannot listen on '%s' port %d: %s", addr,
                  cfg->port, strerror(errno));
        close(fd);
        fd = -1;
        goto out;
    }
    server_addr_str(&ss, shown, sizeof(shown), &bound_port);
    log_info("server", ss.ss_family == AF_INET6 ? "listening on [%s]:%d" :
                                                  "listening on %s:%d",
             shown, bound_port);
out:
    freeaddrinfo(res);
    return fd;
}

static void server_on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
    struct server *srv = w->data;
    int max = srv->ctx.cfg->max_connections;

    (void)revents;
    for (int i = 0; i < SERVER_ACCEPT_BATCH; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        char peer[INET6_ADDRSTRLEN];
        int fd, port, one = 1;

        fd = accept4(srv->lfd, (struct sockaddr *)&ss, &len,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            /* out of descriptors or memory: the socket stays readable, so
             * stop watching it for a moment instead of spinning */
            log_warn("server", "accept: %s; pausing accepts",
                     strerror(errno));
            ev_io_stop(loop, &srv->accept_w);
            ev_timer_set(&srv->backoff_w, SERVER_BACKOFF_S, 0.);
            ev_timer_start(loop, &srv->backoff_w);
            return;
        }
        if (max > 0 && srv->ctx.nconns >= max) {
            if (ev_now(loop) - srv->last_cap_warn >= 1.0) {
                log_warn("server", "%d connections open; refusing more",
                         srv->ctx.nconns);
                srv->last_cap_warn = ev_now(loop);
            }
            close(fd);
            continue;
        }
        /* replies go out in one write per batch; never wait for Nagle */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        server_addr_str(&ss, peer, sizeof(peer), &port);
        conn_new(&srv->ctx, fd, peer);
    }
}

static void server_on_backoff(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct server *srv = w->data;

    (void)revents;
    if (!srv->is_stopping)
        ev_io_start(loop, &srv->accept_w);
}

static void server_on_drain_timeout(struct ev_loop *loop, ev_timer *w,
                                    int revents)
{
    struct server *srv = w->data;

    (void)revents;
    log_warn("server", "%d connections still busy; closing them",
             srv->ctx.nconns);
    conn_close_all(&srv->ctx);
    ev_break(loop, EVBREAK_ALL);
}

static void server_on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
    struct server *srv = w->data;

    (void)revents;
    if (srv->is_stopping) {
        log_warn("server", "second signal: closing every connection");
        conn_close_all(&srv->ctx);
        ev_break(loop, EVBREAK_ALL);
        return;
    }
    srv->is_stopping = 1;
    log_info("server", "stopping");
    ev_io_stop(loop, &srv->accept_w);
    ev_timer_stop(loop, &srv->backoff_w);
    close(srv->lfd);
    srv->lfd = -1;
    ev_timer_set(&srv->drain_w, SERVER_DRAIN_S, 0.);
    ev_timer_start(loop, &srv->drain_w);
    conn_drain_all(&srv->ctx);
}

int server_run(const struct config *cfg, struct router *rt)
{
    struct ev_loop *loop;
    struct server srv;
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);

    loop = ev_default_loop(EVFLAG_AUTO);
    if (!loop) {
        log_error("server", "cannot initialise the event loop");
        return -1;
    }
    memset(&srv, 0, sizeof(srv));
    srv.lfd = server_listen(cfg);
    if (srv.lfd < 0)
        return -1;
    conn_ctx_init(&srv.ctx, loop, cfg, rt);
    ev_io_init(&srv.accept_w, server_on_accept, srv.lfd, EV_READ);
    ev_init(&srv.backoff_w, server_on_backoff);
    ev_init(&srv.drain_w, server_on_drain_timeout);
    ev_signal_init(&srv.term_w, server_on_signal, SIGTERM);
    ev_signal_init(&srv.int_w, server_on_signal, SIGINT);
    srv.accept_w.data = srv.backoff_w.data = srv.drain_w.data = &srv;
    srv.term_w.data = srv.int_w.data = &srv;
    ev_io_start(loop, &srv.accept_w);
    ev_signal_start(loop, &srv.term_w);
    ev_signal_start(loop, &srv.int_w);

    ev_run(loop, 0);

    ev_io_stop(loop, &srv.accept_w);
    ev_timer_stop(loop, &srv.backoff_w);
    ev_timer_stop(loop, &srv.drain_w);
    ev_signal_stop(loop, &srv.term_w);
    ev_signal_stop(loop, &srv.int_w);
    conn_close_all(&srv.ctx);
    conn_ctx_release(&srv.ctx);
    if (srv.lfd >= 0)
        close(srv.lfd);
    ev_loop_destroy(loop);
    return 0;
}
