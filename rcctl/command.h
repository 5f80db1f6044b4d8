/*
 * rcctl's index header (as git's builtin.h): the command table type, the
 * run-wide context every command gets, the exit codes, the helpers
 * commands share, and every group's table. Help, usage errors, prefix
 * matching and `rcctl __complete` all walk the same tables.
 */
#ifndef RCCTL_COMMAND_H
#define RCCTL_COMMAND_H

#include <stddef.h>

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
    const struct command *path[4];   /* root, then the words matched */
    size_t depth;
    struct config config;       /* loaded by command_config() */
    int config_loaded;
    struct session session;     /* resolved by command_session() */
    int session_loaded;
    struct client *client;      /* made by command_client() */
};

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

/* `rcctl help [WORDS...]` and the hidden `rcctl __complete WORDS...`. */
int command_help(struct rcctl *ctx, int argc, char **argv);
int command_complete(struct rcctl *ctx, int argc, char **argv);

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

/* The group tables, one per rcctl/cmd/<group>.c. */
extern const struct command auth_commands[];     /* login logout whoami */
extern const struct command server_commands[];   /* info api */
extern const struct command profile_commands[];  /* profile ... */

#endif
