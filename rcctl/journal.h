/*
 * The journal: every change rcctl makes, one NDJSON line each, appended
 * to $XDG_STATE_HOME/rcctl/journal (else ~/.local/state/rcctl/journal),
 * with what it takes to reverse it. Knows files and JSON, not the
 * server: `rcctl journal` and `rcctl undo` (cmd/journal.c) read it back.
 */
#ifndef RCCTL_JOURNAL_H
#define RCCTL_JOURNAL_H

#include <jansson.h>

struct buf;
struct rcctl;

/*
 * One change, as the command that made it knows it. Strings and body are
 * borrowed; journal_add() takes over (decrefs) before, after and
 * undo_body, also when it cannot write.
 */
struct journal_entry {
    const char *type;        /* what changed: "user", "setting", "channel",
                                "group", "room", "permission", "team",
                                "integration", "token" */
    const char *id;          /* its id, or NULL */
    const char *name;        /* its name, or NULL */
    const char *action;      /* "deactivate", "set", "kick", ... */
    const char *user_id;     /* a second party (kick, add-owner, team add):
                                the user's id, or NULL */
    const char *username;    /* and name, or NULL */
    json_t *before;          /* the state before, enough to restore it */
    json_t *after;           /* the state after */
    const char *path;        /* the request that made the change (POST) */
    const json_t *body;      /*   and its body; never holds a secret */
    const char *undo_path;   /* the request that reverses it; NULL: none */
    json_t *undo_body;
    const char *why_not;     /* no undo_path: why it cannot be reversed */
    const char *redact;      /* a word of the command line to write as
                                "(secret)", or NULL */
    long undo_of;            /* for undo's own changes: the seq undone */
};

/*
 * Append e as one line: seq (one more than the last line's), when, run
 * (the same for every change of this process), profile, url, user,
 * command (ctx's words), target, action, before, after, the request and
 * its reverse (or why there is none). Safe from any thread and against
 * concurrent rcctl runs: the file is locked (flock) while the next seq is
 * read and the line written with one write() on an O_APPEND descriptor.
 * The folder is made 0700 and the file 0600. A failure is reported as a
 * warning on stderr (once per run); the change itself stands.
 */
void journal_add(struct rcctl *ctx, struct journal_entry *e);

/* The journal's path into *out (appended). */
void journal_path(struct buf *out);

/*
 * Every entry of the journal, oldest first, into *out (a new array the
 * caller owns). Lines that are not JSON objects are skipped with a
 * warning. A missing journal is an empty one. Returns 0, or -1 with the
 * reason in *why.
 */
int journal_read(json_t **out, struct buf *why);

/* Whether two base URLs name the same server (trailing '/' ignored). */
int journal_same_url(const char *a, const char *b);

#endif
