/*
 * Dispatch over the command tables: prefix matching, help and usage
 * generated from the rows, `__complete`, and the helpers every command
 * uses to report errors, reach the server and print data.
 */
#include "command.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../shared/buf.h"
#include "../shared/crypto.h"
#include "../shared/json.h"
#include "../shared/timeutil.h"
#include "client.h"
#include "prompt.h"

#ifndef RCD_VERSION
#define RCD_VERSION "dev"
#endif

#define MAX_ROWS 128   /* rows of one table after CMD_INLINE expansion */
#define DEFAULT_TIMEOUT_S 30
#define DEFAULT_JOBS 4
#define MAX_JOBS 64
#define MAX_FAILED_NAMES 20     /* failed items named in the summary */

static void vreport(const char *kind, const char *fmt, va_list ap)
{
    struct buf b = BUF_INIT;

    buf_addf(&b, "rcctl: %s: ", kind);
    buf_vaddf(&b, fmt, ap);
    buf_addc(&b, '\n');
    fflush(stdout);
    fputs(b.data, stderr);
    buf_release(&b);
}

int errorf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("error", fmt, ap);
    va_end(ap);
    return EXIT_FAILED;
}

int usage_errorf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("error", fmt, ap);
    va_end(ap);
    return EXIT_USAGE;
}

void warningf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("warning", fmt, ap);
    va_end(ap);
}

int command_bad_option(char **argv)
{
    const char *opt = argv[optind - 1];

    if (optopt && !(opt[0] == '-' && opt[1] == '-'))
        return usage_errorf("unknown option '-%c' or missing argument",
                            optopt);
    return usage_errorf("unknown option '%s' or missing argument", opt);
}

int command_no_options(int argc, char **argv, int min, int max)
{
    static const struct option none[] = { { NULL, 0, NULL, 0 } };
    int n;

    if (getopt_long(argc, argv, "", none, NULL) != -1)
        return command_bad_option(argv);
    n = argc - optind;
    if (n < min)
        return usage_errorf(min == 1 ? "want an argument"
                                     : "want more arguments");
    if (max >= 0 && n > max)
        return usage_errorf("unexpected argument '%s'", argv[optind + max]);
    return 0;
}

int command_exit_code(enum err e)
{
    switch (e) {
    case ERR_OK:        return EXIT_OK;
    case ERR_INVALID:   return EXIT_FAILED;
    case ERR_AUTH:
    case ERR_DENIED:    return EXIT_AUTH;
    case ERR_NOT_FOUND: return EXIT_NOT_FOUND;
    case ERR_EXISTS:    return EXIT_CONFLICT;
    case ERR_IO:        return EXIT_UNREACHABLE;
    }
    return EXIT_FAILED;
}

int command_fail(const struct client_reply *r, const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    if (!r->status && r->error)   /* "cannot reach 'URL': why" says it all */
        errorf("%s", r->error);
    else
        errorf("%s: %s%s", b.data, r->error ? r->error : "failed",
               r->status == 401 && r->sent_token
                   ? "; log in again with 'rcctl login'" : "");
    buf_release(&b);
    return r->err ? command_exit_code(r->err) : EXIT_FAILED;
}

/* ---- argument helpers ---- */

const char *command_skip_sigil(const char *s, char sigil)
{
    return s[0] == sigil && s[1] ? s + 1 : s;
}

int command_iso_arg(const char *opt, const char *v, char **out)
{
    char iso[ISO_TIME_LEN + 1];
    int64_t ms;

    if (iso_parse(v, &ms))
        return usage_errorf("%s wants a date or time (2024-01-31, "
                            "2024-01-31T12:00:00Z), not '%s'", opt, v);
    iso_time(ms, iso);
    free(*out);
    *out = xstrdup(iso);
    return 0;
}

char *command_read_stdin_text(size_t max_bytes)
{
    struct buf b = BUF_INIT;
    char chunk[4096];
    size_t n;

    while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
        buf_add(&b, chunk, n);
        if (b.len > max_bytes) {
            buf_release(&b);
            errorf("the text on stdin is larger than %zu bytes", max_bytes);
            return NULL;
        }
    }
    if (ferror(stdin)) {
        buf_release(&b);
        errorf("cannot read stdin: %s", strerror(errno));
        return NULL;
    }
    while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
        b.data[--b.len] = '\0';
    return buf_detach(&b, NULL);
}

/*
 * GET path?<name_key>=name when by_name, then path?<id_key>=name when
 * by_id (extra, when not NULL, appended to each), until one answers or
 * fails other than with not found. A 400 answer whose error is
 * not_found_error (when not NULL) counts as not found too, and sets
 * *hit_error (may be NULL) to 1. ERR_OK leaves the answer in *r.
 */
static enum err get_by_name_or_id(struct client *c, const char *path,
                                  const char *name_key, const char *id_key,
                                  const char *name, int by_name, int by_id,
                                  const char *extra,
                                  const char *not_found_error, int *hit_error,
                                  struct client_reply *r)
{
    struct buf p = BUF_INIT;
    enum err e = ERR_NOT_FOUND;

    for (int pass = 0; pass < 2; pass++) {
        if (!(pass ? by_id : by_name))
            continue;
        buf_reset(&p);
        buf_adds(&p, path);
        client_query(&p, pass ? id_key : name_key, name);
        if (extra)
            buf_adds(&p, extra);
        e = client_get(c, p.data, r);
        if (!e)
            break;
        if (not_found_error && r->status == 400 &&
            json_str(r->json, "error") &&
            !strcmp(json_str(r->json, "error"), not_found_error)) {
            if (hit_error)
                *hit_error = 1;
            e = ERR_NOT_FOUND;
        }
        if (e != ERR_NOT_FOUND)
            break;
    }
    buf_release(&p);
    return e;
}

enum err command_room_info(struct client *c, const char *name, int by_name,
                           int by_id, int *denied, struct client_reply *r)
{
    /* rooms.info says not-allowed (swapped into error) both for a room
     * the caller cannot see and for one that is not there */
    return get_by_name_or_id(c, "/api/v1/rooms.info", "roomName", "roomId",
                             name, by_name, by_id, NULL, "not-allowed",
                             denied, r);
}

enum err command_user_info(struct client *c, const char *name, int by_name,
                           int by_id, const char *extra, json_t **user,
                           struct client_reply *r)
{
    enum err e;
    json_t *u;

    *user = NULL;
    e = get_by_name_or_id(c, "/api/v1/users.info", "username", "userId",
                          name, by_name, by_id, extra, NULL, NULL, r);
    if (e)
        return e;
    u = json_object_get(r->json, "user");
    if (!json_is_object(u)) {
        client_reply_fail(r, ERR_INVALID, "the answer has no user");
        return ERR_INVALID;
    }
    *user = json_incref(u);
    return ERR_OK;
}

struct find_dm {
    const char *username;
    json_t *room;
};

static int find_dm_item(const json_t *item, void *data)
{
    struct find_dm *f = data;
    const json_t *names = json_object_get(item, "usernames");
    size_t i;
    json_t *v;

    if (json_array_size(names) > 2)
        return 0;
    json_array_foreach(names, i, v) {
        if (json_is_string(v) && !strcmp(json_string_value(v), f->username) &&
            json_str(item, "_id")) {
            f->room = json_deep_copy(item);
            return 1;
        }
    }
    return 0;
}

enum err command_find_dm(struct client *c, const char *username,
                         json_t **room, struct client_reply *r)
{
    struct find_dm f = { username, NULL };
    enum err e;

    e = client_pages(c, "/api/v1/im.list", "ims", find_dm_item, &f, r, NULL,
                     NULL);
    if (e) {
        json_decref(f.room);
        f.room = NULL;
    }
    *room = f.room;
    return e ? e : f.room ? ERR_OK : ERR_NOT_FOUND;
}

/* ---- global flags ---- */

int command_parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Apply one global flag. Returns 0, or EXIT_USAGE after saying why. */
static int apply_global(struct rcctl *ctx, const struct global_flag *g,
                        const char *value, int *version)
{
    const char *n = g->name;
    long v;

    if (!strcmp(n, "profile")) {
        ctx->profile_flag = value;
    } else if (!strcmp(n, "url")) {
        ctx->url_flag = value;
    } else if (!strcmp(n, "format")) {
        if (output_format_parse(value, &ctx->out.format) < 0)
            return usage_errorf("unknown format '%s' (one of %s)", value,
                                output_format_names);
        ctx->format_given = 1;
    } else if (!strcmp(n, "columns")) {
        ctx->out.columns = value;
    } else if (!strcmp(n, "list-columns")) {
        ctx->out.list_columns = 1;
    } else if (!strcmp(n, "no-header")) {
        ctx->out.no_header = 1;
    } else if (!strcmp(n, "csv-guard")) {
        ctx->out.csv_guard = 1;
    } else if (!strcmp(n, "verbose")) {
        ctx->verbose++;
    } else if (!strcmp(n, "quiet")) {
        ctx->quiet = 1;
    } else if (!strcmp(n, "timeout")) {
        if (command_parse_long(value, 0, 86400, &v) < 0)
            return usage_errorf("--timeout wants whole seconds from 0 to "
                                "86400, not '%s'", value);
        ctx->timeout_ms = v * 1000;
    } else if (!strcmp(n, "insecure")) {
        ctx->insecure = 1;
    } else if (!strcmp(n, "ca-file")) {
        ctx->ca_file = value;
    } else if (!strcmp(n, "jobs")) {
        if (command_parse_long(value, 1, MAX_JOBS, &v) < 0)
            return usage_errorf("-j wants a number from 1 to %d, not '%s'",
                                MAX_JOBS, value);
        ctx->jobs = v;
    } else if (!strcmp(n, "code")) {
        ctx->code = value;
    } else if (!strcmp(n, "code-file")) {
        ctx->code_file = value;
    } else if (!strcmp(n, "help")) {
        ctx->help = 1;
    } else if (!strcmp(n, "version")) {
        *version = 1;
    } else {
        BUG("global flag '%s' not handled", n);
    }
    return 0;
}

static const struct global_flag *global_long(const struct rcctl *ctx,
                                             const char *name, size_t len)
{
    for (const struct global_flag *g = ctx->globals; g->name; g++) {
        if (strlen(g->name) == len && !strncmp(g->name, name, len))
            return g;
    }
    return NULL;
}

static const struct global_flag *global_short(const struct rcctl *ctx,
                                              char c)
{
    for (const struct global_flag *g = ctx->globals; g->name; g++) {
        if (g->short_name == c)
            return g;
    }
    return NULL;
}

int command_parse_globals(struct rcctl *ctx, int argc, char **argv,
                         char **rest, int *nrest, int *version)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const struct global_flag *g;
        int rc;

        if (!strcmp(a, "--")) {
            while (i < argc)
                rest[(*nrest)++] = argv[i++];
            break;
        }
        if (a[0] == '-' && a[1] == '-') {
            const char *eq = strchr(a, '=');
            const char *value = eq ? eq + 1 : NULL;

            g = global_long(ctx, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
            if (!g) {
                rest[(*nrest)++] = argv[i];
                continue;
            }
            if (g->arg && !value) {
                if (i + 1 >= argc)
                    return usage_errorf("option '--%s' needs a value",
                                        g->name);
                value = argv[++i];
            } else if (!g->arg && value) {
                return usage_errorf("option '--%s' takes no value", g->name);
            }
            rc = apply_global(ctx, g, value, version);
            if (rc)
                return rc;
            continue;
        }
        if (a[0] == '-' && a[1]) {
            /* -o FMT, -oFMT, -j N, or a bundle of -v -q -h; other short
             * options belong to the command. */
            size_t j;

            g = global_short(ctx, a[1]);
            if (g && g->arg) {
                const char *value = a[2] ? a + 2 : NULL;

                if (!value) {
                    if (i + 1 >= argc)
                        return usage_errorf("option '-%c' needs a value",
                                            a[1]);
                    value = argv[++i];
                }
                rc = apply_global(ctx, g, value, version);
                if (rc)
                    return rc;
                continue;
            }
            for (j = 1; a[j]; j++) {
                g = global_short(ctx, a[j]);
                if (!g || g->arg)
                    break;
            }
            if (a[j]) {
                rest[(*nrest)++] = argv[i];
                continue;
            }
            for (j = 1; a[j]; j++) {
                rc = apply_global(ctx, global_short(ctx, a[j]), NULL, version);
                if (rc)
                    return rc;
            }
            continue;
        }
        rest[(*nrest)++] = argv[i];
    }
    rest[*nrest] = NULL;
    return 0;
}

void command_init(struct rcctl *ctx, const struct command *root,
                  const struct global_flag *globals)
{
    ctx->root = root;
    ctx->globals = globals;
    ctx->timeout_ms = DEFAULT_TIMEOUT_S * 1000L;
    ctx->jobs = DEFAULT_JOBS;
}

int command_main(struct rcctl *ctx, int argc, char **argv)
{
    char **rest;
    int nrest = 0, version = 0, rc;

    if (argc > 1 && !strcmp(argv[1], "__complete"))
        return command_run(ctx, argc - 1, argv + 1);   /* words, not flags */
    rest = xcalloc((size_t)argc + 1, sizeof(*rest));
    rc = command_parse_globals(ctx, argc, argv, rest, &nrest, &version);
    if (rc) {
        fputs("Run 'rcctl --help' for the global flags.\n", stderr);
    } else if (version) {
        printf("rcctl %s\n", RCD_VERSION);
        rc = fflush(stdout) ? EXIT_FAILED : EXIT_OK;
    } else {
        rc = command_run(ctx, nrest, rest);
    }
    free(rest);
    return rc;
}

/* A table's rows with CMD_INLINE rows replaced by theirs. */
static size_t rows_of(const struct command *table,
                      const struct command **out, size_t n)
{
    for (const struct command *c = table; c && (c->name || c->sub); c++) {
        if (c->flags & CMD_INLINE)
            n = rows_of(c->sub, out, n);
        else if (n < MAX_ROWS)
            out[n++] = c;
        else
            BUG("more than %d rows in a command table", MAX_ROWS);
    }
    return n;
}

/*
 * The row for word: an exact name, else the one visible row it is a
 * prefix of. NULL when none or several match (the candidates, comma-
 * separated, are then in *cands).
 */
static const struct command *find_row(const struct command *table,
                                      const char *word, struct buf *cands)
{
    const struct command *rows[MAX_ROWS], *hit = NULL;
    size_t n = rows_of(table, rows, 0), nhits = 0, len = strlen(word);

    for (size_t i = 0; i < n; i++) {
        if (!strcmp(rows[i]->name, word))
            return rows[i];
    }
    for (size_t i = 0; i < n; i++) {
        if ((rows[i]->flags & CMD_HIDDEN) || strncmp(rows[i]->name, word, len))
            continue;
        if (cands->len)
            buf_adds(cands, ", ");
        buf_adds(cands, rows[i]->name);
        hit = rows[i];
        nhits++;
    }
    return nhits == 1 ? hit : NULL;
}

/* "rcctl profile use" for the matched path. */
static void add_words(struct buf *b, const struct rcctl *ctx)
{
    for (size_t i = 0; i < ctx->depth; i++) {
        if (i)
            buf_addc(b, ' ');
        buf_adds(b, ctx->path[i]->name);
    }
}

static void print_usage_line(FILE *fp, const struct rcctl *ctx)
{
    const struct command *row = ctx->path[ctx->depth - 1];
    struct buf b = BUF_INIT;

    add_words(&b, ctx);
    if (row->sub)
        fprintf(fp, "usage: %s%s <command> [<args>]\n", b.data,
                ctx->depth == 1 ? " [<flags>]" : "");
    else
        fprintf(fp, "usage: %s%s%s\n", b.data, row->synopsis ? " " : "",
                row->synopsis ? row->synopsis : "");
    buf_release(&b);
}

/* text, each line indented by two spaces. */
static void print_indented(FILE *fp, const char *text)
{
    while (*text) {
        size_t n = strcspn(text, "\n");

        fprintf(fp, "  %.*s\n", (int)n, text);
        text += n + (text[n] == '\n');
    }
}

static void print_rows(FILE *fp, const struct command *table)
{
    const struct command *rows[MAX_ROWS];
    size_t n = rows_of(table, rows, 0), width = 0;

    for (size_t i = 0; i < n; i++) {
        if (!(rows[i]->flags & CMD_HIDDEN) && strlen(rows[i]->name) > width)
            width = strlen(rows[i]->name);
    }
    for (size_t i = 0; i < n; i++) {
        if (!(rows[i]->flags & CMD_HIDDEN))
            fprintf(fp, "  %-*s  %s\n", (int)width, rows[i]->name,
                    rows[i]->summary ? rows[i]->summary : "");
    }
}

static void print_globals(FILE *fp, const struct global_flag *g)
{
    for (; g->name; g++) {
        struct buf b = BUF_INIT;

        if (g->short_name)
            buf_addf(&b, "-%c, ", g->short_name);
        buf_addf(&b, "--%s", g->name);
        if (g->arg)
            buf_addf(&b, " %s", g->arg);
        fprintf(fp, "  %-24s %s\n", b.data, g->help);
        buf_release(&b);
    }
}

/* The full help of the matched path: examples first. */
static void print_help(FILE *fp, const struct rcctl *ctx)
{
    const struct command *row = ctx->path[ctx->depth - 1];
    struct buf b = BUF_INIT;

    add_words(&b, ctx);
    fprintf(fp, "%s - %s\n\n", b.data, row->summary ? row->summary : "");
    if (row->examples) {
        fputs("Examples:\n", fp);
        print_indented(fp, row->examples);
        fputc('\n', fp);
    }
    print_usage_line(fp, ctx);
    if (row->sub) {
        fputs("\nCommands:\n", fp);
        print_rows(fp, row->sub);
    }
    if (row->help) {
        fputc('\n', fp);
        fputs(row->help, fp);
        if (row->help[strlen(row->help) - 1] != '\n')
            fputc('\n', fp);
    }
    if (row->columns)
        fprintf(fp, "\nDefault columns: %s (--list-columns shows all)\n",
                row->columns);
    if (ctx->depth == 1) {
        fputs("\nGlobal flags (before or after the command words):\n", fp);
        print_globals(fp, ctx->globals);
        fprintf(fp, "\nRun '%s help <command>' for a command's help.\n",
                b.data);
    } else {
        fputs("\nGlobal flags: see 'rcctl --help'.\n", fp);
    }
    buf_release(&b);
}

/*
 * Match words[0..n) from the root into ctx->path. Returns the number of
 * words used (stops at the first word after a command that runs), or -1
 * after reporting an unknown or ambiguous word.
 */
static int match_words(struct rcctl *ctx, int n, char **words)
{
    int i = 0;

    ctx->path[0] = ctx->root;
    ctx->depth = 1;
    while (i < n && ctx->path[ctx->depth - 1]->sub) {
        const struct command *table = ctx->path[ctx->depth - 1]->sub;
        struct buf cands = BUF_INIT, where = BUF_INIT;
        const struct command *row = find_row(table, words[i], &cands);

        if (!row) {
            add_words(&where, ctx);
            if (cands.len)
                usage_errorf("'%s' is ambiguous for '%s': %s", words[i],
                             where.data, cands.data);
            else
                usage_errorf("'%s' is not a command of '%s'; see '%s "
                             "--help'", words[i], where.data, where.data);
            buf_release(&cands);
            buf_release(&where);
            return -1;
        }
        buf_release(&cands);
        if (ctx->depth >= ARRAY_SIZE(ctx->path))
            BUG("command tables nested too deep");
        ctx->path[ctx->depth++] = row;
        i++;
    }
    return i;
}

int command_help(struct rcctl *ctx, int argc, char **argv)
{
    if (command_no_options(argc, argv, 0, -1))
        return EXIT_USAGE;
    if (match_words(ctx, argc - optind, argv + optind) < 0)
        return EXIT_USAGE;
    print_help(stdout, ctx);
    return EXIT_OK;
}

int command_run(struct rcctl *ctx, int argc, char **argv)
{
    const struct command *row;
    int used = match_words(ctx, argc, argv), rc;

    if (used < 0)
        return EXIT_USAGE;
    ctx->words = argv;
    ctx->nwords = argc;
    row = ctx->path[ctx->depth - 1];
    if (ctx->help) {
        print_help(stdout, ctx);
        rc = EXIT_OK;
        goto out;
    }
    if (row->sub) {
        struct buf words = BUF_INIT;

        add_words(&words, ctx);
        if (ctx->depth == 1)
            errorf("no command given");
        else
            errorf("'%s' needs a command", words.data);
        buf_release(&words);
        print_usage_line(stderr, ctx);
        fputs("\nCommands:\n", stderr);
        print_rows(stderr, row->sub);
        return EXIT_USAGE;
    }
    optind = 0;   /* glibc: a full reinitialisation, as for a new argv */
    opterr = 0;   /* we name bad options ourselves */
    rc = row->run(ctx, argc - used + 1, argv + used - 1);
    if (rc == EXIT_USAGE) {
        struct buf words = BUF_INIT;

        print_usage_line(stderr, ctx);
        add_words(&words, ctx);
        fprintf(stderr, "Run '%s --help' for more.\n", words.data);
        buf_release(&words);
    }
out:
    /* As git does: a full disk or closed pipe must not exit 0. */
    if ((fflush(stdout) || ferror(stdout)) && !rc)
        rc = errorf("cannot write to stdout: %s", strerror(errno));
    return rc;
}

int command_config(struct rcctl *ctx)
{
    struct buf why = BUF_INIT;
    enum err e;

    if (ctx->config_loaded)
        return 0;
    e = config_load(&ctx->config, NULL, &why);
    if (e) {
        errorf("%s", why.data);
        buf_release(&why);
        return EXIT_FAILED;
    }
    ctx->config_loaded = 1;
    buf_release(&why);
    return 0;
}

int command_session(struct rcctl *ctx)
{
    struct buf why = BUF_INIT;
    enum err e;
    int rc;

    if (ctx->session_loaded)
        return 0;
    rc = command_config(ctx);
    if (rc)
        return rc;
    e = config_session(&ctx->config, ctx->profile_flag, ctx->url_flag,
                       &ctx->session, &why);
    if (e) {
        errorf("%s", why.data);
        buf_release(&why);
        return e == ERR_INVALID ? EXIT_USAGE : EXIT_FAILED;
    }
    buf_release(&why);
    ctx->session_loaded = 1;
    return 0;
}

struct client *command_new_client(const struct rcctl *ctx, const char *url,
                                  const char *user_id, const char *token)
{
    struct client_opts o = { 0 };

    o.url = url;
    o.user_id = user_id;
    o.token = token;
    o.timeout_ms = ctx->timeout_ms;
    o.insecure = ctx->insecure;
    o.ca_file = ctx->ca_file;
    o.verbose = ctx->verbose;
    o.quiet = ctx->quiet;
    o.code = ctx->code;
    o.code_file = ctx->code_file;
    return client_new(&o);
}

int command_client(struct rcctl *ctx, struct client **out)
{
    const struct session *s = &ctx->session;
    struct buf key = BUF_INIT;
    unsigned flags = ctx->path[ctx->depth - 1]->flags;
    const char *env_profile = getenv("RCCTL_PROFILE");
    int rc;

    *out = NULL;
    rc = command_session(ctx);
    if (rc)
        return rc;
    if ((ctx->profile_flag || (env_profile && *env_profile)) &&
        !s->profile_exists) {
        errorf("no profile '%s' in '%s'; see 'rcctl profile list'",
               s->profile, ctx->config.path);
        return EXIT_NOT_FOUND;
    }
    if ((flags & CMD_LOGIN) && !(s->url && s->user_id && s->token)) {
        if (s->url)
            errorf("not logged in to '%s': run 'rcctl login' (or set "
                   "RCCTL_USER_ID and RCCTL_TOKEN)", s->url);
        else
            errorf("not logged in: run 'rcctl login --url URL'");
        return EXIT_AUTH;
    }
    if (!s->url) {
        errorf("no server: pass --url URL, set RCCTL_URL, or run "
               "'rcctl login --url URL'");
        return EXIT_USAGE;
    }
    /* the shell's lines share a client while nothing about it changes */
    buf_addf(&key, "%s\n%s\n%s\n%ld %d %d %d\n%s\n%s\n%s", s->url,
             s->user_id ? s->user_id : "", s->token ? s->token : "",
             ctx->timeout_ms, ctx->insecure, ctx->verbose, ctx->quiet,
             ctx->ca_file ? ctx->ca_file : "", ctx->code ? ctx->code : "",
             ctx->code_file ? ctx->code_file : "");
    if (!ctx->client || !ctx->client_key ||
        strcmp(ctx->client_key, key.data)) {
        client_free(ctx->client);
        prompt_free(ctx->client_key);
        ctx->client = command_new_client(ctx, s->url, s->user_id, s->token);
        ctx->client_key = buf_detach(&key, NULL);
    }
    memset(key.data, 0, key.len);
    buf_release(&key);
    *out = ctx->client;
    return 0;
}

struct output *command_output(struct rcctl *ctx, int is_list)
{
    const struct command *row = ctx->path[ctx->depth - 1];

    return output_new(stdout, &ctx->out, row->columns, is_list);
}

int command_output_end(struct output *o)
{
    if (output_finish(o) < 0)
        return errorf("cannot write to stdout: %s", strerror(errno));
    return EXIT_OK;
}

void command_reset(struct rcctl *ctx)
{
    session_release(&ctx->session);
    config_release(&ctx->config);
    ctx->config_loaded = ctx->session_loaded = 0;
}

void command_release(struct rcctl *ctx)
{
    client_free(ctx->client);
    ctx->client = NULL;
    prompt_free(ctx->client_key);
    ctx->client_key = NULL;
    command_reset(ctx);
}

int command_stderr_off(void)
{
    int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);

    fflush(stderr);
    if (saved >= 0 && null >= 0)
        dup2(null, STDERR_FILENO);
    if (null >= 0)
        close(null);
    return saved;
}

void command_stderr_on(int saved)
{
    fflush(stderr);
    if (saved >= 0) {
        dup2(saved, STDERR_FILENO);
        close(saved);
    }
}

/* ---- completion ---- */

#define NAMES_CACHE_S 60          /* user and room names kept this long */
#define NAMES_TIMEOUT_MS 2000     /* completion must not hang on a server */
#define NAMES_MAX 5000            /* names fetched at most */

int synopsis_option(const char **p, struct synopsis_opt *o)
{
    const char *s = *p;

    while (s && (s = strstr(s, "--"))) {
        size_t n = strspn(s + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");
        const char *after = s + 2 + n;

        if (!n || (s > *p && s[-1] != ' ' && s[-1] != '[' && s[-1] != '(' &&
                   s[-1] != '|')) {
            s += 2 + n;
            continue;
        }
        o->name = s + 2;
        o->len = n;
        o->value = NULL;
        o->value_len = 0;
        if ((*after == ' ' || *after == '=') && after[1] &&
            !strchr("[(|<-", after[1])) {
            o->value = after + 1;
            o->value_len = strcspn(o->value, " ]|)");
        }
        *p = after;
        return 1;
    }
    *p = NULL;
    return 0;
}

/* The value placeholder of row's option word ("--name" or "--name=..."):
 * 1 and *o filled when the row has it, else 0. */
static int row_option(const struct command *row, const char *word,
                      struct synopsis_opt *o)
{
    const char *p = row->synopsis;
    size_t len = strcspn(word + 2, "=");

    while (synopsis_option(&p, o)) {
        if (o->len == len && !strncmp(o->name, word + 2, len))
            return 1;
    }
    return 0;
}

/*
 * The name of the index-th positional argument in row's synopsis ("user"
 * for "<user>"), a "<x>..." counting for all from it on; NULL when none.
 * Sets *len.
 */
static const char *synopsis_positional(const struct command *row, long index,
                                       size_t *len)
{
    const char *p = row->synopsis;

    while (p && (p = strchr(p, '<'))) {
        size_t n = strcspn(p + 1, ">");

        if (!p[1 + n])
            break;
        if (!index-- || !strncmp(p + 2 + n, "...", 3)) {
            *len = n;
            return p + 1;
        }
        p += 2 + n;
    }
    return NULL;
}

static void add_candidate(struct buf *out, const char *s, size_t n,
                          const char *prefix)
{
    size_t plen = strlen(prefix);

    if (n >= plen && !strncmp(s, prefix, plen)) {
        buf_add(out, s, n);
        buf_addc(out, '\n');
    }
}

static void complete_rows(const struct command *table, const char *prefix,
                          struct buf *out)
{
    const struct command *rows[MAX_ROWS];
    size_t n = rows_of(table, rows, 0);

    for (size_t i = 0; i < n; i++) {
        if (!(rows[i]->flags & CMD_HIDDEN))
            add_candidate(out, rows[i]->name, strlen(rows[i]->name), prefix);
    }
}

static void complete_profiles(struct rcctl *ctx, const char *prefix,
                              struct buf *out)
{
    const char **names;
    size_t n;

    if (command_config(ctx))
        return;
    n = config_profiles(&ctx->config, &names);
    for (size_t i = 0; i < n; i++)
        add_candidate(out, names[i], strlen(names[i]), prefix);
    free(names);
}

/* Global flags, then the row's own options (from its synopsis). */
static void complete_flags(const struct rcctl *ctx, const struct command *row,
                           const char *prefix, struct buf *out)
{
    const char *p = row->synopsis;
    struct synopsis_opt o;
    struct buf b = BUF_INIT;

    for (const struct global_flag *g = ctx->globals; g->name; g++) {
        buf_reset(&b);
        buf_addf(&b, "--%s", g->name);
        add_candidate(out, b.data, b.len, prefix);
    }
    while (synopsis_option(&p, &o)) {
        buf_reset(&b);
        buf_addf(&b, "--%.*s", (int)o.len, o.name);
        add_candidate(out, b.data, b.len, prefix);
    }
    buf_release(&b);
}

static const struct global_flag *global_named(const struct rcctl *ctx,
                                              const char *word)
{
    for (const struct global_flag *g = ctx->globals; g->name; g++) {
        if ((word[0] == '-' && word[1] == '-' && !strcmp(word + 2, g->name)) ||
            (g->short_name && word[0] == '-' && word[1] == g->short_name &&
             !word[2]))
            return g;
    }
    return NULL;
}

/* Which names a placeholder ("user", "USER", "channel") stands for:
 * 'u' users, 'c' public channels, 'p' private groups, 'r' any room, or 0. */
static int names_kind(const char *name, size_t len)
{
    static const struct { const char *word; int kind; } kinds[] = {
        { "user", 'u' }, { "USER", 'u' },
        { "channel", 'c' }, { "group", 'p' }, { "room", 'r' },
        { "team", 'r' }, { "parent", 'r' }, { "old", 'r' },
    };

    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
        if (strlen(kinds[i].word) == len && !strncmp(kinds[i].word, name, len))
            return kinds[i].kind;
    }
    return 0;
}

/* users.list's usernames, one a line, for the cache. */
static int collect_username(const json_t *item, void *data)
{
    struct buf *b = data;
    const char *name = json_string_value(json_object_get(item, "username"));

    if (name && !strchr(name, '\n')) {
        buf_adds(b, name);
        buf_addc(b, '\n');
    }
    return b->len > NAMES_MAX * 64;
}

/*
 * Fetch the names for the cache: users ("name\n" each) or rooms ("t name\n"
 * each, t the room type) of the session. Silent; an empty text on failure.
 */
static void fetch_names(const struct rcctl *ctx, int users, struct buf *out)
{
    struct client_opts o = { 0 };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct client *c;
    size_t i;
    json_t *room;

    o.url = ctx->session.url;
    o.user_id = ctx->session.user_id;
    o.token = ctx->session.token;
    o.timeout_ms = NAMES_TIMEOUT_MS;
    o.insecure = ctx->insecure;
    o.ca_file = ctx->ca_file;
    o.quiet = 1;
    o.max_tries = 1;
    c = client_new(&o);
    if (users) {
        /* fields={"username":1}: only what completion needs */
        if (client_pages(c, "/api/v1/users.list?fields=%7B%22username%22"
                            "%3A1%7D", "users", collect_username, out, &r,
                         NULL, NULL))
            buf_reset(out);
    } else if (!client_get(c, "/api/v1/rooms.get", &r)) {
        json_array_foreach(json_object_get(r.json, "update"), i, room) {
            const char *name = json_string_value(json_object_get(room, "name"));
            const char *t = json_string_value(json_object_get(room, "t"));

            if (name && t && *t && !strchr(name, '\n'))
                buf_addf(out, "%c %s\n", *t, name);
        }
    }
    client_reply_release(&r);
    client_free(c);
}

/*
 * The user or room names of the session, from the cache in
 * $XDG_CACHE_HOME/rcctl/ when younger than NAMES_CACHE_S, else fetched
 * and cached (0600, written through a temporary file and rename()).
 */
static void load_names(struct rcctl *ctx, int users, struct buf *out)
{
    char *dir = config_xdg_dir("XDG_CACHE_HOME", ".cache");
    char key[SHA256_HEX_LEN + 1];
    struct buf id = BUF_INIT, path = BUF_INIT, tmp = BUF_INIT, why = BUF_INIT;
    struct stat st;
    FILE *fp;
    int fd;

    buf_addf(&id, "%s\n%s\n%s", ctx->session.url, ctx->session.user_id,
             users ? "users" : "rooms");
    sha256_hex(id.data, id.len, key);
    buf_addf(&path, "%s/names-%.16s", dir, key);
    if (!stat(path.data, &st) && time(NULL) - st.st_mtime < NAMES_CACHE_S &&
        time(NULL) >= st.st_mtime && (fp = fopen(path.data, "r"))) {
        char chunk[4096];
        size_t n;

        while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
            buf_add(out, chunk, n);
        fclose(fp);
        goto out;
    }
    fetch_names(ctx, users, out);
    if (!out->len || config_mkdirs(dir, &why) < 0)
        goto out;
    buf_addf(&tmp, "%s.XXXXXX", path.data);
    fd = mkstemp(tmp.data);   /* mode 0600 */
    if (fd < 0)
        goto out;
    if (write(fd, out->data, out->len) != (ssize_t)out->len ||
        close(fd) < 0 || rename(tmp.data, path.data) < 0)
        unlink(tmp.data);
out:
    free(dir);
    buf_release(&id);
    buf_release(&path);
    buf_release(&tmp);
    buf_release(&why);
}

/* kind: see names_kind(). Only with a logged-in session. */
static void complete_names(struct rcctl *ctx, int kind, const char *prefix,
                           struct buf *out)
{
    struct buf names = BUF_INIT;
    const char *p, *word = prefix;

    if (command_session(ctx) || !ctx->session.url ||
        !ctx->session.user_id || !ctx->session.token)
        return;
    /* "#general" and "@alice" name rooms and users too */
    if ((kind == 'u' && *word == '@') || (kind != 'u' && *word == '#'))
        word++;
    load_names(ctx, kind == 'u', &names);
    for (p = names.data; *p; ) {
        size_t n = strcspn(p, "\n");

        if (kind == 'u')
            add_candidate(out, p, n, word);
        else if (n > 2 && (kind == 'r' ? *p != 'd' : *p == kind))
            add_candidate(out, p + 2, n - 2, word);
        p += n + (p[n] == '\n');
    }
    buf_release(&names);
}

/* As command_candidates(), with stderr already silenced. */
static void candidates(struct rcctl *ctx, int n, char **words,
                       struct buf *out)
{
    const struct command *row = ctx->root;
    const char *last = n > 0 ? words[n - 1] : "";
    const struct global_flag *g;
    struct synopsis_opt o;
    size_t len;
    long npos = 0;
    int i, ended = 0;

    for (i = 0; i < n - 1; i++) {
        const char *w = words[i];
        struct buf cands = BUF_INIT;

        if (!ended && (g = global_named(ctx, w))) {
            i += g->arg != NULL;   /* skip its value */
            continue;
        }
        if (!ended && !strcmp(w, "--") && !row->sub) {
            ended = 1;
            continue;
        }
        if (!ended && w[0] == '-' && w[1]) {
            /* a row option with its value in the next word */
            if (!row->sub && w[1] == '-' && !strchr(w, '=') &&
                row_option(row, w, &o) && o.value)
                i++;
            continue;
        }
        if (!row->sub) {
            npos++;
            continue;
        }
        row = find_row(row->sub, w, &cands);
        buf_release(&cands);
        if (!row)
            return;
    }
    if (n > 1 && !ended && (g = global_named(ctx, words[n - 2])) && g->arg) {
        if (!strcmp(g->name, "format")) {
            const char *p = output_format_names;

            while (*p) {
                size_t k = strcspn(p, ",");

                add_candidate(out, p, k, last);
                p += k + (p[k] == ',');
            }
        } else if (!strcmp(g->name, "profile")) {
            complete_profiles(ctx, last, out);
        }
        return;
    }
    if (n > 1 && !ended && !row->sub && !strncmp(words[n - 2], "--", 2) &&
        !strchr(words[n - 2], '=') && row_option(row, words[n - 2], &o) &&
        o.value) {
        int kind = names_kind(o.value, o.value_len);

        if (kind)
            complete_names(ctx, kind, last, out);
        return;
    }
    if (!ended && last[0] == '-')
        complete_flags(ctx, row, last, out);
    else if (row->sub)
        complete_rows(row->sub, last, out);
    else if (row->flags & CMD_ARG_PROFILE)
        complete_profiles(ctx, last, out);
    else {
        const char *name = synopsis_positional(row, npos, &len);
        int kind = name ? names_kind(name, len) : 0;

        if (kind)
            complete_names(ctx, kind, last, out);
    }
}

void command_candidates(struct rcctl *ctx, int n, char **words,
                        struct buf *out)
{
    /* completion never prints errors: config warnings, a dead server */
    int saved = command_stderr_off();

    candidates(ctx, n, words, out);
    command_stderr_on(saved);
}

int command_complete(struct rcctl *ctx, int argc, char **argv)
{
    struct buf out = BUF_INIT;

    command_candidates(ctx, argc - 1, argv + 1, &out);
    fputs(out.data, stdout);
    buf_release(&out);
    return EXIT_OK;
}

/* ---- the man page ---- */

/* text for roff: backslashes doubled, a leading '.' or '\'' guarded. */
static void man_text(const char *text, size_t n)
{
    int bol = 1;

    for (size_t i = 0; i < n && text[i]; i++) {
        char c = text[i];

        if (bol && (c == '.' || c == '\''))
            fputs("\\&", stdout);
        if (c == '\\')
            fputs("\\e", stdout);
        else if (c == '-')
            fputs("\\-", stdout);
        else
            putchar(c);
        bol = c == '\n';
    }
}

static void man_str(const char *text)
{
    man_text(text, strlen(text));
}

/* A block of preformatted lines (examples, option tables), indented. */
static void man_block(const char *text)
{
    size_t n = strlen(text);

    fputs(".RS 4\n.nf\n", stdout);
    man_text(text, n);
    if (n && text[n - 1] != '\n')
        putchar('\n');
    fputs(".fi\n.RE\n", stdout);
}

static const struct { int code; const char *meaning; } exit_codes[] = {
    { EXIT_OK, "success" },
    { EXIT_FAILED, "failed, for a reason not below" },
    { EXIT_USAGE, "usage error: bad flags or arguments (the usage is printed)" },
    { EXIT_PARTIAL, "partial failure: some items done, some failed" },
    { EXIT_NOT_FOUND, "the named thing does not exist" },
    { EXIT_AUTH, "not authenticated or not allowed (HTTP 401 or 403)" },
    { EXIT_CONFLICT, "conflict: it exists already, or is in the way" },
    { EXIT_UNREACHABLE, "server unreachable, 5xx, or retries exhausted" },
};

/* Every visible command under row, depth first. */
static void man_commands(struct rcctl *ctx, const struct command *row)
{
    const struct command *rows[MAX_ROWS];
    struct buf words = BUF_INIT;
    size_t n;

    if (ctx->depth > 1 && !(row->flags & CMD_HIDDEN)) {
        add_words(&words, ctx);
        printf(".SS \"%s\"\n", words.data);
        if (row->sub) {
            man_str(row->summary ? row->summary : "");
            putchar('\n');
        } else {
            printf(".B %s\n", words.data);
            if (row->synopsis) {
                man_str(row->synopsis);
                putchar('\n');
            }
            fputs(".PP\n", stdout);
            man_str(row->summary ? row->summary : "");
            fputs(".\n", stdout);
        }
        if (row->examples) {
            fputs(".PP\nExamples:\n", stdout);
            man_block(row->examples);
        }
        if (row->help && ctx->depth > 1) {
            fputs(".PP\n", stdout);
            man_block(row->help);
        }
        if (row->columns) {
            fputs(".PP\nDefault columns: ", stdout);
            man_str(row->columns);
            fputs(".\n", stdout);
        }
    }
    buf_release(&words);
    if (!row->sub || (row->flags & CMD_HIDDEN))
        return;
    n = rows_of(row->sub, rows, 0);
    for (size_t i = 0; i < n; i++) {
        if (rows[i]->flags & CMD_HIDDEN)
            continue;
        if (ctx->depth >= ARRAY_SIZE(ctx->path))
            BUG("command tables nested too deep");
        ctx->path[ctx->depth++] = rows[i];
        man_commands(ctx, rows[i]);
        ctx->depth--;
    }
}

int command_man(struct rcctl *ctx, int argc, char **argv)
{
    const struct command *root = ctx->root;
    int rc = command_no_options(argc, argv, 0, 0);

    if (rc)
        return rc;
    printf(".\\\" generated by 'rcctl __man' from rcctl's command table; "
           "do not edit\n"
           ".TH RCCTL 1 \"\" \"rcctl %s\" \"User Commands\"\n"
           ".SH NAME\nrcctl \\- ", RCD_VERSION);
    man_str(root->summary);
    fputs("\n.SH SYNOPSIS\n.B rcctl\n"
          "[\\fIglobal flags\\fR] \\fIcommand\\fR [\\fIargs\\fR]\n"
          ".br\n.B rcctl shell\n"
          ".SH DESCRIPTION\n"
          ".B rcctl\n"
          "talks Rocket.Chat's REST API, to Rocket.Chat itself or to\n"
          ".BR rcd (8).\n"
          "Log in once with\n.BR \"rcctl login\" ;\n"
          "the token is kept in a profile, one per server.\n"
          "Data goes to stdout (a table on a terminal, tab-separated values\n"
          "in a pipe, or what \\fB\\-\\-format\\fR asks for), everything else\n"
          "to stderr.\n"
          "Commands that change things take many targets and \\fB\\-\\-from\n"
          "FILE\\fR, have \\fB\\-\\-dry\\-run\\fR, skip what is already as\n"
          "wanted, and report changed, unchanged and failed counts.\n"
          "Destructive ones ask first on a terminal and want \\fB\\-\\-yes\\fR\n"
          "without one.\n"
          "Secrets (passwords, tokens, webhook URLs) are never taken from the\n"
          "command line.\n"
          ".PP\n"
          "A word may be any unique prefix of a command, as in\n"
          ".BR \"rcctl us inf alice\" .\n"
          "Every command has \\fB\\-\\-help\\fR, examples first.\n"
          ".SH GLOBAL OPTIONS\n"
          "These work before or after the command words.\n", stdout);
    for (const struct global_flag *g = ctx->globals; g->name; g++) {
        fputs(".TP\n", stdout);
        if (g->short_name)
            printf("\\fB\\-%c\\fR, ", g->short_name);
        fputs("\\fB\\-\\-", stdout);
        man_str(g->name);
        fputs("\\fR", stdout);
        if (g->arg) {
            fputs(" \\fI", stdout);
            man_str(g->arg);
            fputs("\\fR", stdout);
        }
        putchar('\n');
        man_str(g->help);
        putchar('\n');
    }
    fputs(".SH COMMANDS\n", stdout);
    ctx->path[0] = root;
    ctx->depth = 1;
    man_commands(ctx, root);
    fputs(".SH EXIT STATUS\n", stdout);
    for (size_t i = 0; i < ARRAY_SIZE(exit_codes); i++) {
        printf(".TP\n.B %d\n", exit_codes[i].code);
        man_str(exit_codes[i].meaning);
        putchar('\n');
    }
    fputs(".SH ENVIRONMENT\n"
          ".TP\n.B RCCTL_URL\nthe server, instead of the profile's\n"
          ".TP\n.BR RCCTL_USER_ID \", \" RCCTL_TOKEN\n"
          "credentials, instead of the profile's\n"
          ".TP\n.B RCCTL_TOKEN_FILE\nthe token is the first line of this file\n"
          ".TP\n.B RCCTL_PROFILE\nthe profile to use\n"
          ".TP\n.B RCCTL_WEBHOOK_URL\nthe incoming-webhook URL for "
          "\\fBrcctl hook post\\fR\n"
          ".TP\n.BR XDG_CONFIG_HOME \", \" XDG_STATE_HOME \", \" "
          "XDG_CACHE_HOME\nwhere the files below live\n"
          ".TP\n.BR HTTPS_PROXY \", \" NO_PROXY \", \" SSL_CERT_FILE\n"
          "honoured by libcurl\n"
          ".TP\n.BR NO_COLOR \", \" PAGER\nhonoured\n"
          ".PP\nA flag beats the environment, which beats the profile.\n"
          ".SH FILES\n"
          ".TP\n.I $XDG_CONFIG_HOME/rcctl/config\n"
          "profiles and tokens (else \\fI~/.config/rcctl/config\\fR); mode 0600\n"
          "in a 0700 folder, with a warning when looser\n"
          ".TP\n.I $XDG_STATE_HOME/rcctl/\n"
          "state (else \\fI~/.local/state/rcctl/\\fR): \\fIexports/\\fR "
          "(export checkpoints),\n\\fIjournal\\fR (the changes rcctl made), "
          "\\fIhistory\\fR (the shell's, 0600)\n"
          ".TP\n.I $XDG_CACHE_HOME/rcctl/\n"
          "user and room names for completion, kept 60 seconds (else\n"
          "\\fI~/.cache/rcctl/\\fR)\n"
          ".SH EXAMPLES\n", stdout);
    man_block(root->examples);
    fputs(".SH SEE ALSO\n.BR rcd (8),\n.BR bash (1),\n.BR zsh (1),\n"
          ".BR fish (1)\n", stdout);
    return EXIT_OK;
}

/* ---- bulk work: targets, per-item results, counts, confirmation ---- */

void command_chomp(char *s)
{
    size_t n = strlen(s);

    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' ||
                 s[n - 1] == '\t'))
        s[--n] = '\0';
}

const char *command_skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/*
 * Field number col of line, split at delim; CSV quoting ("a,b", "") when
 * delim is ','. Fills *out and returns 1, or returns 0 when the line has
 * fewer fields.
 */
static int field_at(const char *line, char delim, size_t col, struct buf *out)
{
    const char *p = line;
    char set[2] = { delim, '\0' };

    for (size_t i = 0;; i++) {
        buf_reset(out);
        if (delim == ',' && *p == '"') {
            for (p++; *p; p++) {
                if (*p == '"' && p[1] == '"') {
                    buf_addc(out, '"');
                    p++;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    buf_addc(out, *p);
                }
            }
            p += strcspn(p, set);
        } else {
            size_t n = strcspn(p, set);

            buf_add(out, p, n);
            p += n;
        }
        if (i == col)
            return 1;
        if (*p != delim)
            return 0;
        p++;
    }
}

static void targets_add(struct targets *t, const char *s, size_t len)
{
    t->items = xrealloc(t->items, (t->n + 1) * sizeof(*t->items));
    t->items[t->n++] = xstrndup(s, len);
}

/* The item of one line of a --from file; skips blanks and comments. */
static void targets_line(struct targets *t, const char *line, char delim,
                         long col, struct buf *field)
{
    const char *s = line;
    size_t n;

    if (col >= 0) {
        if (!field_at(line, delim, (size_t)col, field))
            return;
        s = field->data;
    }
    s = command_skip_blanks(s);
    n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n && !(col < 0 && s[0] == '#'))
        targets_add(t, s, n);
}

/*
 * Is line a header row? It is when it holds a ',' or a tab (rcctl's csv
 * and tsv output), or is one of the column names alone. Sets *delim and
 * *col (the first wanted column present, -1 if none).
 */
static int targets_header(const char *line, const char *const *columns,
                          char *delim, long *col, int *which)
{
    struct buf field = BUF_INIT;
    int is_header = 0;

    *delim = strchr(line, '\t') ? '\t' : ',';
    *col = -1;
    if (strchr(line, ',') || strchr(line, '\t')) {
        is_header = 1;
    } else {
        for (size_t k = 0; columns[k]; k++)
            is_header |= !strcmp(command_skip_blanks(line), columns[k]);
    }
    for (size_t k = 0; is_header && columns[k] && *col < 0; k++) {
        for (size_t i = 0; field_at(line, *delim, i, &field); i++) {
            if (!strcmp(command_skip_blanks(field.data), columns[k])) {
                *col = (long)i;
                *which = (int)k;
                break;
            }
        }
    }
    buf_release(&field);
    return is_header;
}

int targets_read(struct targets *t, int nargs, char **args, const char *from,
                 const char *const *columns)
{
    struct buf field = BUF_INIT;
    FILE *fp = NULL;
    char *line = NULL;
    size_t cap = 0;
    long col = -1;
    char delim = ',';
    int first = 1, rc = 0;

    t->items = NULL;
    t->n = 0;
    t->column = -1;
    for (int i = 0; i < nargs; i++)
        targets_add(t, args[i], strlen(args[i]));
    if (!from)
        return 0;
    fp = strcmp(from, "-") ? fopen(from, "r") : stdin;
    if (!fp)
        return errorf("cannot open '%s': %s", from, strerror(errno));
    while (getline(&line, &cap, fp) >= 0) {
        command_chomp(line);
        if (first && *command_skip_blanks(line)) {
            first = 0;
            if (targets_header(line, columns, &delim, &col, &t->column)) {
                if (col < 0) {
                    rc = errorf("'%s' has a header row but no '%s' column",
                                from, columns[0]);
                    goto out;
                }
                continue;
            }
        }
        targets_line(t, line, delim, col, &field);
    }
    if (ferror(fp))
        rc = errorf("cannot read '%s': %s", from, strerror(errno));
out:
    if (fp != stdin)
        fclose(fp);
    free(line);
    buf_release(&field);
    return rc;
}

void targets_release(struct targets *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->items[i]);
    free(t->items);
    t->items = NULL;
    t->n = 0;
}

void bulk_init(struct bulk *b, const struct rcctl *ctx, int dry_run)
{
    memset(b, 0, sizeof(*b));
    b->dry_run = dry_run;
    b->quiet = ctx->quiet;
    buf_init(&b->failures);
}

static void bulk_note(const struct bulk *b, const char *fmt, va_list ap)
{
    struct buf m = BUF_INIT;

    if (b->quiet)
        return;
    buf_adds(&m, "rcctl: ");
    buf_vaddf(&m, fmt, ap);
    buf_addc(&m, '\n');
    fflush(stdout);
    fputs(m.data, stderr);
    buf_release(&m);
}

void bulk_changed(struct bulk *b, const char *fmt, ...)
{
    va_list ap;

    b->changed++;
    va_start(ap, fmt);
    bulk_note(b, fmt, ap);
    va_end(ap);
}

void bulk_unchanged(struct bulk *b, const char *fmt, ...)
{
    va_list ap;

    b->unchanged++;
    va_start(ap, fmt);
    bulk_note(b, fmt, ap);
    va_end(ap);
}

static void bulk_record(struct bulk *b, const char *item, int code)
{
    if (!b->failed)
        b->code = code;
    else if (b->code != code)
        b->code = EXIT_FAILED;
    if (b->failed < MAX_FAILED_NAMES)
        buf_addf(&b->failures, "%s'%s'", b->failed ? ", " : "", item);
    else if (b->failed == MAX_FAILED_NAMES)
        buf_adds(&b->failures, ", ...");
    b->failed++;
}

void bulk_failed(struct bulk *b, const char *item, int code,
                 const char *fmt, ...)
{
    struct buf m = BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    buf_vaddf(&m, fmt, ap);
    va_end(ap);
    errorf("%s", m.data);
    buf_release(&m);
    bulk_record(b, item, code);
}

void bulk_failed_reply(struct bulk *b, const char *item,
                       const struct client_reply *r, const char *fmt, ...)
{
    struct buf m = BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    buf_vaddf(&m, fmt, ap);
    va_end(ap);
    bulk_record(b, item, command_fail(r, "%s", m.data));
    /* the next items would fail the same way, each after its retries */
    if (r->status == 401 || (r->err == ERR_IO && !r->status))
        b->stop = 1;
    buf_release(&m);
}

int bulk_end(struct bulk *b, size_t total)
{
    long done = b->changed + b->unchanged + b->failed;
    long untried = (long)total > done ? (long)total - done : 0;
    int rc;

    if (untried)
        errorf("stopped early: %ld of %zu not tried", untried, total);
    if (b->failed && total > 1)
        errorf("failed: %s", b->failures.data);
    if (!b->quiet || b->failed || untried) {
        fflush(stdout);
        fprintf(stderr, "rcctl: %s%ld %s, %ld unchanged, %ld failed\n",
                b->dry_run ? "dry run: " : "", b->changed,
                b->dry_run ? "to change" : "changed", b->unchanged,
                b->failed + untried);
    }
    if (!b->failed && !untried)
        rc = EXIT_OK;
    else if (b->changed || b->unchanged)
        rc = EXIT_PARTIAL;
    else
        rc = b->failed ? b->code : EXIT_FAILED;
    buf_release(&b->failures);
    return rc;
}

int bulk_confirm(int yes, const char *action, const char *question)
{
    char *answer;
    int ok;

    if (yes)
        return 0;
    if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
        return usage_errorf("refusing to %s without --yes (no terminal to "
                            "confirm on)", action);
    fflush(stdout);
    answer = prompt_tty(question, 0);
    ok = answer && (!strcmp(answer, "y") || !strcmp(answer, "yes"));
    free(answer);
    if (!ok) {
        errorf("not confirmed; nothing changed");
        return EXIT_FAILED;
    }
    return 0;
}

/* ---- concurrent bulk work ---- */

#define PROGRESS_EVERY_MS 100

struct bulk_pool {
    struct rcctl *ctx;
    struct bulk *b;
    size_t n, next, done;
    bulk_item_fn *fn;
    void *data;
    pthread_mutex_t lock;
    int progress;          /* keep a progress line on stderr */
    int drawn;             /* one is on the screen now */
    int64_t t0, last_draw;
};

struct bulk_worker {
    struct bulk_pool *p;
    struct client *c;      /* the worker's own; NULL: make one */
    int own;               /* c was made here */
    size_t ran;
};

static void progress_wipe(struct bulk_pool *p)
{
    if (p->drawn) {
        fputs("\r\033[K", stderr);
        p->drawn = 0;
    }
}

/* With p->lock held. */
static void progress_draw(struct bulk_pool *p, int force)
{
    int64_t now = mono_ms(), ms = now - p->t0;
    double rate;

    if (!p->progress || (!force && now - p->last_draw < PROGRESS_EVERY_MS))
        return;
    p->last_draw = now;
    rate = ms > 0 ? (double)p->done * 1000.0 / (double)ms : 0.0;
    fflush(stdout);
    fprintf(stderr, "\r\033[Krcctl: %zu/%zu done, %.0f/s", p->done, p->n,
            rate);
    if (rate > 0 && p->done < p->n)
        fprintf(stderr, ", ETA %.0f s", (double)(p->n - p->done) / rate);
    p->drawn = 1;
}

struct bulk *bulk_pool_lock(struct bulk_pool *p)
{
    pthread_mutex_lock(&p->lock);
    progress_wipe(p);
    fflush(stdout);
    return p->b;
}

void bulk_pool_unlock(struct bulk_pool *p)
{
    pthread_mutex_unlock(&p->lock);
}

static void *bulk_work(void *arg)
{
    struct bulk_worker *w = arg;
    struct bulk_pool *p = w->p;
    const struct session *s = &p->ctx->session;

    for (;;) {
        size_t i;

        pthread_mutex_lock(&p->lock);
        if (p->next >= p->n || (p->b && p->b->stop)) {
            pthread_mutex_unlock(&p->lock);
            break;
        }
        i = p->next++;
        pthread_mutex_unlock(&p->lock);
        if (!w->c) {
            w->c = command_new_client(p->ctx, s->url, s->user_id, s->token);
            w->own = 1;
        }
        p->fn(p, w->c, i, p->data);
        w->ran++;
        pthread_mutex_lock(&p->lock);
        p->done++;
        progress_draw(p, 0);
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

size_t bulk_parallel(struct rcctl *ctx, struct bulk *b, size_t n,
                     bulk_item_fn *fn, void *data)
{
    struct bulk_pool p = { 0 };
    struct bulk_worker *w;
    pthread_t *tids;
    size_t nw, started = 0, ran = 0;

    if (!ctx->client)
        BUG("bulk_parallel() before command_client()");
    p.ctx = ctx;
    p.b = b;
    p.n = n;
    p.fn = fn;
    p.data = data;
    p.progress = !ctx->quiet && n > 1 && isatty(STDERR_FILENO);
    p.t0 = p.last_draw = mono_ms();
    pthread_mutex_init(&p.lock, NULL);
    nw = ctx->jobs > 1 ? (size_t)ctx->jobs : 1;
    if (nw > n)
        nw = n ? n : 1;
    w = xcalloc(nw, sizeof(*w));
    tids = xcalloc(nw, sizeof(*tids));
    for (size_t k = 0; k < nw; k++)
        w[k].p = &p;
    w[0].c = ctx->client;
    /* a worker that cannot be started leaves its share to the others */
    for (size_t k = 1; k < nw; k++) {
        if (pthread_create(&tids[k], NULL, bulk_work, &w[k]))
            break;
        started = k;
    }
    bulk_work(&w[0]);
    for (size_t k = 1; k <= started; k++)
        pthread_join(tids[k], NULL);
    for (size_t k = 0; k < nw; k++) {
        ran += w[k].ran;
        if (w[k].own)
            client_free(w[k].c);
    }
    pthread_mutex_lock(&p.lock);
    progress_wipe(&p);
    pthread_mutex_unlock(&p.lock);
    pthread_mutex_destroy(&p.lock);
    free(w);
    free(tids);
    return ran;
}
