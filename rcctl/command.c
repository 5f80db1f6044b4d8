/*
 * Dispatch over the command tables: prefix matching, help and usage
 * generated from the rows, `__complete`, and the helpers every command
 * uses to report errors, reach the server and print data.
 */
#include "command.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../shared/buf.h"
#include "../shared/timeutil.h"
#include "client.h"

#define MAX_ROWS 128   /* rows of one table after CMD_INLINE expansion */

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
    if (match_words(ctx, argc - 1, argv + 1) < 0)
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
    unsigned flags = ctx->path[ctx->depth - 1]->flags;
    const char *env_profile = getenv("RCCTL_PROFILE");
    int rc;

    *out = ctx->client;
    if (ctx->client)
        return 0;
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
    ctx->client = command_new_client(ctx, ctx->session.url,
                                     ctx->session.user_id,
                                     ctx->session.token);
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

void command_release(struct rcctl *ctx)
{
    client_free(ctx->client);
    ctx->client = NULL;
    session_release(&ctx->session);
    config_release(&ctx->config);
    ctx->config_loaded = ctx->session_loaded = 0;
}

/* Completion: print each candidate that starts with prefix. */
static void complete_rows(const struct command *table, const char *prefix)
{
    const struct command *rows[MAX_ROWS];
    size_t n = rows_of(table, rows, 0), len = strlen(prefix);

    for (size_t i = 0; i < n; i++) {
        if (!(rows[i]->flags & CMD_HIDDEN) &&
            !strncmp(rows[i]->name, prefix, len))
            printf("%s\n", rows[i]->name);
    }
}

static void complete_profiles(struct rcctl *ctx, const char *prefix)
{
    const char **names;
    size_t n;

    if (!ctx->config_loaded && command_config(ctx))
        return;
    n = config_profiles(&ctx->config, &names);
    for (size_t i = 0; i < n; i++) {
        if (!strncmp(names[i], prefix, strlen(prefix)))
            printf("%s\n", names[i]);
    }
    free(names);
}

/* Global flags, then the "--flag" words of the row's synopsis. */
static void complete_flags(const struct rcctl *ctx, const struct command *row,
                           const char *prefix)
{
    size_t len = strlen(prefix);
    const char *p = row->synopsis;

    for (const struct global_flag *g = ctx->globals; g->name; g++) {
        size_t n = strlen(g->name) + 2;

        if (len <= n && !strncmp("--", prefix, len < 2 ? len : 2) &&
            (len <= 2 || !strncmp(g->name, prefix + 2, len - 2)))
            printf("--%s\n", g->name);
    }
    while (p && (p = strstr(p, "--"))) {
        size_t n = 2 + strspn(p + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");

        if (n > 2 && n >= len && !strncmp(p, prefix, len))
            printf("%.*s\n", (int)n, p);
        p += n;
    }
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

int command_complete(struct rcctl *ctx, int argc, char **argv)
{
    const struct command *row = ctx->root;
    const char *last = argc > 1 ? argv[argc - 1] : "";
    const struct global_flag *before = NULL;

    for (int i = 1; i < argc - 1; i++) {
        const char *w = argv[i];
        const struct global_flag *g = global_named(ctx, w);
        struct buf cands = BUF_INIT;

        if (g) {
            i += g->arg != NULL;   /* skip its value */
            continue;
        }
        if (w[0] == '-' || !row->sub)
            continue;
        row = find_row(row->sub, w, &cands);
        buf_release(&cands);
        if (!row)
            return EXIT_OK;
    }
    if (argc > 2)
        before = global_named(ctx, argv[argc - 2]);
    if (before && before->arg) {
        if (!strcmp(before->name, "format")) {
            const char *p = output_format_names;

            while (*p) {
                size_t n = strcspn(p, ",");

                if (!strncmp(p, last, strlen(last)) && strlen(last) <= n)
                    printf("%.*s\n", (int)n, p);
                p += n + (p[n] == ',');
            }
        } else if (!strcmp(before->name, "profile")) {
            complete_profiles(ctx, last);
        }
        return EXIT_OK;
    }
    if (last[0] == '-')
        complete_flags(ctx, row, last);
    else if (row->sub)
        complete_rows(row->sub, last);
    else if (row->flags & CMD_ARG_PROFILE)
        complete_profiles(ctx, last);
    return EXIT_OK;
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
