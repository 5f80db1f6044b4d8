/*
 * rcd's run-time configuration: filled once by main.c from flags and the
 * environment, then read (never written) by every other module.
 */
#ifndef RCD_CONFIG_H
#define RCD_CONFIG_H

#include <stddef.h>

#define CONFIG_MAX_PROXIES 16

struct config {
    const char *bind_addr;          /* "127.0.0.1" by default */
    int port;                       /* 3000 by default */
    const char *db_path;            /* SQLite file; "var/rcd.db" by default */
    const char *root_url;           /* ROOT_URL, e.g. "http://localhost:3000" */
    size_t max_header_bytes;        /* header block cap; over it: 431 */
    size_t max_body_bytes;          /* request body cap; over it: 413 */
    int header_timeout_ms;          /* first byte to end of headers */
    int idle_timeout_ms;            /* keep-alive idle, and between body reads */
    int max_connections;            /* accepted at once; more are closed */
    int bcrypt_cost;                /* cost for new password hashes */
    int verbose;                    /* log debug lines */
    size_t ntrusted_proxies;
    const char *trusted_proxies[CONFIG_MAX_PROXIES]; /* literal addresses */
    char *proxies_env;              /* owned copy of RCD_TRUSTED_PROXIES */
};

#endif
