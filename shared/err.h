/*
 * The expected-failure codes every layer returns. Programmer errors abort
 * (BUG/assert) and out-of-memory aborts (xalloc); everything else is one
 * of these, reported once by the layer that decides what to do about it.
 */
#ifndef RCD_SHARED_ERR_H
#define RCD_SHARED_ERR_H

enum err {
    ERR_OK = 0,
    ERR_INVALID,     /* the caller's input is malformed or incomplete */
    ERR_AUTH,        /* not authenticated */
    ERR_DENIED,      /* authenticated, not allowed */
    ERR_NOT_FOUND,   /* the named thing does not exist */
    ERR_EXISTS,      /* would break a uniqueness rule */
    ERR_IO,          /* socket, file or database failure; already logged */
};

/* A short stable name ("not-found") for logs and tests. */
const char *err_name(enum err e);

#endif
