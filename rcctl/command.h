/*
 * rcctl's index header (as git's builtin.h): the command table type, the
 * run-wide context every command gets, the exit codes, the helpers
 * commands share, and every group's table. Help, usage errors, prefix
 * matching and `rcctl __complete` all walk the same tables.
 */
#ifndef RCCTL_COMMAND_H
#define RCCTL_COMMAND_H

#include <stddef.h>

#include "../shared/buf.h"
#include "../shared/err.h"
#include "../shared/xalloc.h"
#include "config.h"
#include "output.h"

struct client;
struct client_reply;

/* Exit codes (CLI.md); never 0 on a failure. */
enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1,        /* failed, for a reason not below */
    EXIT_USAGE = 2,         /* bad command line; usage printed */
    EXIT_PARTIAL = 3,       /* some items done, some failed */
    EXIT_NOT_FOUND = 4,     /* the named thing does not exist */
    EXIT_AUTH = 5,          /* not authenticated or not allowed (401/403) */
    EXIT_CONFLICT = 6,      /* already exists, or in the way */
    EXIT_UNREACHABLE = 7,   /* no connection, 5xx, or retries exhausted */
};

/* Row flags. */
#define CMD_LOGIN (1u << 0)       /* command_client() wants a token */
#define CMD_SERVER (1u << 1)      /* talks to a server; sends a token if any */
#define CMD_HIDDEN (1u << 2)      /* left out of help and completion */
#define CMD_INLINE (1u << 3)      /* .sub's rows count as this table's */
#define CMD_ARG_PROFILE (1u << 4) /* arguments are profile names */

struct rcctl;

/*
 * A command: argv[0] is the command's own word, getopt is reset, and the
 * return value is the exit code. Return EXIT_USAGE (after saying what is
 * wrong, e.g. with usage_errorf()) and command_run() prints the row's
 * usage.
 */
typedef int command_fn(struct rcctl *ctx, int argc, char **argv);

struct command {
    const char *name;      /* the word; NULL for CMD_INLINE rows */
    const char *synopsis;  /* arguments after the words, for usage */
    const char *summary;   /* one line, lower case, no full stop */
    command_fn *run;       /* NULL for a group */
    unsigned flags;        /* CMD_* */
    const struct command *sub;  /* a group's table, ended by { NULL } */
    const char *examples;  /* command lines, '\n'-separated; help shows
                              them first; "# ..." lines explain */
    const char *help;      /* options and notes, or NULL */
    const char *columns;   /* default output columns, or NULL */
};

/* A flag every command accepts, before or after the command words. */
struct global_flag {
    const char *name;      /* long name without "--" */
    char short_name;       /* or 0 */
    const char *arg;       /* the argument's name in help, NULL: none */
    const char *help;
};

/* What one run of rcctl knows; owned by main(). */
struct rcctl {
    const struct command *root;          /* "rcctl" itself; .sub: top table */
    const struct global_flag *globals;   /* ended by { NULL } */
    /* from the global flags (strings borrowed from argv) */
    const char *profile_flag;   /* --profile */
    const char *url_flag;       /* --url */
    struct output_opts out;     /* --format, --columns, --no-header, ... */
    int format_given;           /* --format was given */
    int verbose;                /* -v count */
    int quiet;                  /* -q */
    long timeout_ms;            /* --timeout, in ms; 0: none */
    int insecure;               /* --insecure */
    const char *ca_file;        /* --ca-file */
    long jobs;                  /* -j: concurrent requests for bulk work */
    const char *code;           /* --code */
    const char *code_file;      /* --code-file */
    int help;                   /* -h/--help */
    /* filled by command_run() */
    char **words;               /* the words after the global flags, for
                                   the journal (borrowed from main) */
    int nwords;
    const struct command *path[4];   /* root, then the words matched */
    size_t depth;
    struct config config;       /* loaded by command_config() */
    int config_loaded;
    struct session session;     /* resolved by command_session() */
    int session_loaded;
    struct client *client;      /* made by command_client() */
    char *client_key;           /* what client was made with (holds the
                                   token); owned */
    int in_shell;               /* running lines of `rcctl shell` */
};

/* Set up ctx for a run: the tables and the flags' defaults. */
void command_init(struct rcctl *ctx, const struct command *root,
                  const struct global_flag *globals);

/*
 * Take the global flags out of argv[1..argc), wherever they are before a
 * "--", apply them to ctx and put the other words in rest (in order; rest
 * has room for argc + 1 pointers and ends with NULL). Values are borrowed
 * from argv. Sets *version for --version. Returns 0 or EXIT_USAGE after
 * saying why.
 */
int command_parse_globals(struct rcctl *ctx, int argc, char **argv,
                          char **rest, int *nrest, int *version);

/*
 * One rcctl command line as main() gets it (argv[0] is the program):
 * the global flags, then --version or command_run(). `__complete` takes
 * its words unparsed. Returns the exit code. Used by main() and by the
 * shell for each line.
 */
int command_main(struct rcctl *ctx, int argc, char **argv);

/*
 * Run the command named by argv (the words after the global flags):
 * match each word (exact, else unique prefix; ambiguous or unknown is a
 * usage error), show help when ctx->help is set, run it, print the row's
 * usage when it returns EXIT_USAGE, and check that stdout was written.
 * Returns the exit code.
 */
int command_run(struct rcctl *ctx, int argc, char **argv);

/* Free what command_run() and the helpers below left in ctx. */
void command_release(struct rcctl *ctx);

/*
 * Between two command lines of one process (the shell): forget the
 * config and session, so the next line loads them afresh (a login or
 * `profile use` in between counts), but keep the client: command_client()
 * reuses it, and so its connection, when the next line's server,
 * credentials and flags are the same.
 */
void command_reset(struct rcctl *ctx);

/* Send stderr to /dev/null until command_stderr_on(the return value). */
int command_stderr_off(void);
void command_stderr_on(int saved);

/* `rcctl shell`: the interactive shell over the tables (shell.c). */
int shell_run(struct rcctl *ctx, int argc, char **argv);

/* `rcctl help [WORDS...]` and the hidden `rcctl __complete WORDS...`. */
int command_help(struct rcctl *ctx, int argc, char **argv);
int command_complete(struct rcctl *ctx, int argc, char **argv);

/* The hidden `rcctl __man`: rcctl(1) in roff, from the tables. */
int command_man(struct rcctl *ctx, int argc, char **argv);

/*
 * The completions of words[n - 1] (may be "") after words[0..n-1) (the
 * words after "rcctl"), appended to *out one a line: commands at each
 * depth, global flags and the command's options, --format values,
 * profile names, and the names of users and rooms where the synopsis
 * wants one (<user>, <room>, <channel>, <group>, <team>, --user USER),
 * fetched with the session's token and cached for 60 s in
 * $XDG_CACHE_HOME/rcctl/ (0600). Never prints anything and waits for a
 * server at most a few seconds. `__complete` prints it; the shell's tab
 * completion calls it in process.
 */
void command_candidates(struct rcctl *ctx, int n, char **words,
                        struct buf *out);

/*
 * The options a row declares in its synopsis ("[--role ROLE]...", "--id",
 * "--status online|away"): call with *p = row->synopsis until it returns
 * 0. Each call fills *o with the next "--name" (not NUL-terminated; o->len
 * bytes) and its value placeholder (NULL when it takes none): a word after
 * the name, unless that starts with one of "[(|<-". Completion, the man
 * page and tests/rcctl/complete.bats rely on this reading.
 */
struct synopsis_opt {
    const char *name;       /* after "--"; borrowed from the synopsis */
    size_t len;
    const char *value;      /* "ROLE", or NULL */
    size_t value_len;
};
int synopsis_option(const char **p, struct synopsis_opt *o);

/* Print "rcctl: error: ..." on stderr; errorf returns EXIT_FAILED and
 * usage_errorf EXIT_USAGE (so command_run() adds the usage). */
int errorf(const char *fmt, ...) ATTR_PRINTF(1, 2);
int usage_errorf(const char *fmt, ...) ATTR_PRINTF(1, 2);
/* Print "rcctl: warning: ..." on stderr. */
void warningf(const char *fmt, ...) ATTR_PRINTF(1, 2);

/* For getopt_long's '?' and ':' answers: names the bad option, returns
 * EXIT_USAGE. */
int command_bad_option(char **argv);

/*
 * For commands without options of their own: reject any option and want
 * min..max arguments after the command word (max < 0: no limit). Returns
 * 0 with optind at the first argument, or EXIT_USAGE after saying why.
 */
int command_no_options(int argc, char **argv, int min, int max);

/* Cut trailing newlines, carriage returns, blanks and tabs off s, in place. */
void command_chomp(char *s);
/* s after its leading blanks and tabs. */
const char *command_skip_blanks(const char *s);

/* s without its leading sigil ('#' of "#room", '@' of "@user"), unless
 * the sigil is all there is. */
const char *command_skip_sigil(const char *s, char sigil);

/* A whole decimal number s in min..max into *out; -1 when it is not one. */
int command_parse_long(const char *s, long min, long max, long *out);

/*
 * The date or time v (2024-01-31, 2024-01-31T12:00:00Z) of option opt as
 * an ISO 8601 UTC time in *out (owned; a previous *out is freed). Returns
 * 0, or EXIT_USAGE after saying why.
 */
int command_iso_arg(const char *opt, const char *v, char **out);

/*
 * All of stdin (at most max_bytes) as a new string, without its last
 * newlines. Returns NULL after saying why when it is larger or cannot
 * be read.
 */
char *command_read_stdin_text(size_t max_bytes);

/*
 * rooms.info for a room by name (roomName=) when by_name, then by id
 * (roomId=) when by_id. Returns ERR_OK with the answer in r->json; else
 * the error, ERR_NOT_FOUND also when rooms.info says not-allowed (its
 * answer both for a room that is not there and for one the caller
 * cannot see; *denied, when not NULL, is then set to 1) with r->error
 * left for the caller to replace.
 */
enum err command_room_info(struct client *c, const char *name, int by_name,
                           int by_id, int *denied, struct client_reply *r);

/*
 * users.info for a user by username when by_name, then by user id when
 * by_id; extra is more query ("&includeUserRooms=true") or NULL. On
 * success *user is the user (caller json_decref()s it); else *user is
 * NULL and *r holds why (ERR_NOT_FOUND when there is no such user).
 */
enum err command_user_info(struct client *c, const char *name, int by_name,
                           int by_id, const char *extra, json_t **user,
                           struct client_reply *r);

/*
 * The caller's direct-message room with username (one of at most two
 * usernames), looked for in every page of im.list: on ERR_OK *room is a
 * copy (caller decrefs). ERR_NOT_FOUND, with *room NULL, when there is
 * none (the caller says so in *r); else the error in *r.
 */
enum err command_find_dm(struct client *c, const char *username,
                         json_t **room, struct client_reply *r);

/* The exit code for a client result (ERR_IO: 7, ERR_AUTH: 5, ...). */
int command_exit_code(enum err e);

/*
 * Report a failed request: "rcctl: error: <what>: <r->error>", with a
 * hint to log in again when a token got 401 (only r->error when no
 * answer came: it names the server already). Returns the exit code for
 * r->err.
 */
int command_fail(const struct client_reply *r, const char *fmt, ...)
    ATTR_PRINTF(2, 3);

/*
 * Load the config file once per run into ctx->config (warnings about its
 * mode go to stderr). Returns 0 or an exit code after printing why.
 */
int command_config(struct rcctl *ctx);

/* Load the config and resolve ctx->session (see config_session()). */
int command_session(struct rcctl *ctx);

/*
 * The client for ctx->session (made on first use with the global flags),
 * after checking what the running row needs: a named profile must exist
 * (else EXIT_NOT_FOUND), CMD_LOGIN wants a token (else EXIT_AUTH), any
 * row a server (else EXIT_USAGE). Sets *out (borrowed from ctx). Returns
 * 0 or the exit code after saying why.
 */
int command_client(struct rcctl *ctx, struct client **out);

/*
 * A new client for url with the given credentials (NULL: anonymous) and
 * the global flags (timeout, TLS, -v, 2FA code). Caller frees it with
 * client_free(). For commands, like login, that must not use the session.
 */
struct client *command_new_client(const struct rcctl *ctx, const char *url,
                                  const char *user_id, const char *token);

/*
 * Open an output writer on stdout with the global output flags and the
 * running row's default columns. Finish it with command_output_end().
 */
struct output *command_output(struct rcctl *ctx, int is_list);

/* output_finish(); on a write error prints it and returns EXIT_FAILED. */
int command_output_end(struct output *o);

/*
 * Bulk work (CLI.md, "Bulk and safety") for the mutating commands.
 *
 * The targets: the arguments, then the lines of --from FILE ("-": stdin).
 * A file holds one target a line (blank lines and '#' comments skipped),
 * or a table with a header row, as rcctl's csv and tsv output: the first
 * line holds a ',' or a tab, or is one of columns alone. Then the items
 * come from the first of columns (names, most wanted first) it has, and
 * t->column says which one. Returns 0, or an exit code after saying why;
 * release *t with targets_release() in every case.
 */
struct targets {
    char **items;   /* owned, n of them */
    size_t n;
    int column;     /* index in columns of the header column read, or -1 */
};
int targets_read(struct targets *t, int nargs, char **args, const char *from,
                 const char *const *columns);
void targets_release(struct targets *t);

/*
 * Per-item results and the counts. bulk_changed() and bulk_unchanged()
 * print "rcctl: <message>" on stderr (not with -q); the failure calls
 * print "rcctl: error: ..." always. bulk_end() prints the failed items and
 * "N changed, N unchanged, N failed", frees what b holds, and returns the
 * exit code: 0; the failures' code when nothing else happened; else
 * EXIT_PARTIAL. total is the number of items meant, so that items left
 * out after b->stop count as failed.
 */
struct bulk {
    int dry_run;        /* say "to change" in the counts */
    int quiet;          /* -q */
    int stop;           /* a failure the next items would repeat (401, no
                           connection): callers stop their loop */
    long changed, unchanged, failed;
    int code;           /* the failures' exit code; EXIT_FAILED when mixed */
    struct buf failures;   /* "'a', 'b'": the failed items, for the end */
};
void bulk_init(struct bulk *b, const struct rcctl *ctx, int dry_run);
void bulk_changed(struct bulk *b, const char *fmt, ...) ATTR_PRINTF(2, 3);
void bulk_unchanged(struct bulk *b, const char *fmt, ...) ATTR_PRINTF(2, 3);
void bulk_failed(struct bulk *b, const char *item, int code,
                 const char *fmt, ...) ATTR_PRINTF(4, 5);
/* As bulk_failed(), with command_fail()'s message and code for r. */
void bulk_failed_reply(struct bulk *b, const char *item,
                       const struct client_reply *r, const char *fmt, ...)
    ATTR_PRINTF(4, 5);
int bulk_end(struct bulk *b, size_t total);

/*
 * For destructive commands: 0 when yes is set or the person at the
 * terminal answers "y" to question (on /dev/tty); EXIT_FAILED when they do
 * not; EXIT_USAGE, after saying "refusing to <action> without --yes", when
 * stdin or stderr is not a terminal.
 */
int bulk_confirm(int yes, const char *action, const char *question);

/*
 * Concurrent bulk work (-j N, CLI.md "Network"): run fn for the items
 * 0..n-1 on up to ctx->jobs workers at once. Each worker has its own
 * client, so its own keep-alive connection, reused for all of its items;
 * the calling thread is worker 0 and uses ctx's client (make it with
 * command_client() first). Items are handed out in order, and no more
 * once b->stop is set (b may be NULL). fn may read shared data freely but
 * must change b, or anything else items share, only between
 * bulk_pool_lock() and bulk_pool_unlock(). While stderr is a terminal
 * (and not -q) a progress line (done/total, rate, ETA) is kept on it;
 * bulk_pool_lock() wipes it so that what is printed while locked comes
 * out whole. Returns the number of items fn ran for. (cmd/room.c uses it
 * first; defined in command.c.)
 */
struct bulk_pool;
typedef void bulk_item_fn(struct bulk_pool *p, struct client *c, size_t i,
                          void *data);
size_t bulk_parallel(struct rcctl *ctx, struct bulk *b, size_t n,
                     bulk_item_fn *fn, void *data);
/* Lock the pool's shared state; returns the pool's bulk (may be NULL). */
struct bulk *bulk_pool_lock(struct bulk_pool *p);
void bulk_pool_unlock(struct bulk_pool *p);

/* The group tables, one per rcctl/cmd/<group>.c. */
extern const struct command auth_commands[];     /* login logout whoami */
extern const struct command server_commands[];   /* info api */
extern const struct command profile_commands[];  /* profile ... */
extern const struct command user_commands[];     /* user ... */
extern const struct command token_commands[];    /* token ... */
extern const struct command settings_commands[]; /* settings ... */
extern const struct command role_commands[];     /* role ... (cmd/role.c) */
extern const struct command permission_commands[]; /* permission ... (role.c) */
/* cmd/room.c */
extern const struct command room_commands[];       /* room notify|orphans|recover */
extern const struct command channel_commands[];    /* channel ... */
extern const struct command group_commands[];      /* group ... */
extern const struct command dm_commands[];         /* dm list */
extern const struct command discussion_commands[]; /* discussion ... */
extern const struct command team_commands[];       /* team ... (cmd/team.c) */
extern const struct command message_commands[];    /* message ... (cmd/message.c) */
extern const struct command export_commands[];     /* export (cmd/export.c) */
/* cmd/hook.c */
extern const struct command hook_commands[];        /* hook post */
extern const struct command integration_commands[]; /* integration ... */
extern const struct command journal_commands[];  /* journal undo (journal.c) */
extern const struct command doctor_commands[];   /* doctor (cmd/doctor.c) */

#endif
