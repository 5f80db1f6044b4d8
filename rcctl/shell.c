/*
 * `rcctl shell`: a shell on readline over the same command table. Each
 * line is split into words as sh would (wordexp(3), never command
 * substitution) and run by command_main() as if typed after "rcctl", with
 * the shell's own global flags under the line's. The client, and so its
 * keep-alive connection, is kept between lines while the server and
 * credentials stay the same. Without a terminal on stdin it reads lines
 * without prompt or history, for scripts.
 */
#include "command.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wordexp.h>

#include <readline/history.h>
#include <readline/readline.h>

#define HISTORY_LINES 1000

/* The run readline's completion callback works for (it takes no data). */
static struct rcctl *completing;

/*
 * SIGINT writes a byte here and read_line() polls for it next to stdin,
 * so Ctrl-C abandons the line wherever readline is (the self-pipe trick:
 * no race between a flag and a blocking read).
 */
static int sigint_pipe[2] = { -1, -1 };

static void on_sigint(int sig)
{
    int saved = errno;

    (void)sig;
    if (write(sigint_pipe[1], "", 1) < 0) {
        /* full: a Ctrl-C is pending already */
    }
    errno = saved;
}

static void drain_sigint(void)
{
    char junk[64];

    while (read(sigint_pipe[0], junk, sizeof(junk)) > 0)
        ;
}

/* readline's callback: the line, or NULL at end of input. */
static char *got_line;
static int got;

static void on_line(char *line)
{
    got_line = line;
    got = 1;
    rl_callback_handler_remove();
}

/*
 * Read a line with readline's callback interface. Returns it (caller
 * frees), or NULL on Ctrl-D or a read error.
 */
static char *read_line(const char *prompt)
{
    struct pollfd fds[2] = { { STDIN_FILENO, POLLIN, 0 },
                             { sigint_pipe[0], POLLIN, 0 } };

    drain_sigint();   /* a Ctrl-C during the last command is spent */
    got = 0;
    got_line = NULL;
    rl_callback_handler_install(prompt, on_line);
    while (!got) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            rl_callback_handler_remove();
            return NULL;
        }
        if (fds[1].revents & POLLIN) {
            /* Ctrl-C: drop what was typed, a fresh prompt */
            drain_sigint();
            rl_replace_line("", 0);
            rl_crlf();
            rl_on_new_line();
            rl_redisplay();
            continue;
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
            rl_callback_read_char();
    }
    return got_line;
}

/*
 * Split line[0..end) into words for completion: blanks separate words,
 * quotes and backslashes are taken out. Unlike wordexp() this accepts an
 * unfinished quote, which is what a half-typed line has.
 */
static size_t split_words(const char *line, size_t end, char ***out)
{
    struct buf w = BUF_INIT;
    char **words = NULL;
    size_t n = 0, i = 0;
    int in_word = 0;
    char quote = 0;

    while (i < end) {
        char c = line[i++];

        if (quote) {
            if (c == quote)
                quote = 0;
            else if (c == '\\' && quote == '"' && i < end)
                buf_addc(&w, line[i++]);
            else
                buf_addc(&w, c);
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = 1;
        } else if (c == '\\' && i < end) {
            buf_addc(&w, line[i++]);
            in_word = 1;
        } else if (c == ' ' || c == '\t') {
            if (in_word) {
                words = xrealloc(words, (n + 1) * sizeof(*words));
                words[n++] = buf_detach(&w, NULL);
                in_word = 0;
            }
        } else {
            buf_addc(&w, c);
            in_word = 1;
        }
    }
    if (in_word) {
        words = xrealloc(words, (n + 1) * sizeof(*words));
        words[n++] = buf_detach(&w, NULL);
    }
    buf_release(&w);
    *out = words;
    return n;
}

/* readline's generator over the candidates, one a line in a buf. */
static char *next_candidate(const char *text, int state)
{
    static struct buf cands = BUF_INIT;
    static const char *p;

    (void)text;
    if (!state) {
        /* the words before the cursor's, then the one being typed */
        char **words;
        size_t n = split_words(rl_line_buffer, (size_t)rl_point, &words);
        int empty = rl_point == 0 || strchr(" \t", rl_line_buffer[rl_point - 1]);

        if (empty) {
            words = xrealloc(words, (n + 1) * sizeof(*words));
            words[n++] = xstrdup("");
        }
        buf_reset(&cands);
        command_reset(completing);
        command_candidates(completing, (int)n, words, &cands);
        command_reset(completing);
        for (size_t i = 0; i < n; i++)
            free(words[i]);
        free(words);
        p = cands.data;
    }
    if (!*p) {
        buf_release(&cands);
        return NULL;
    }
    {
        size_t n = strcspn(p, "\n");
        char *s = xstrndup(p, n);

        p += n + (p[n] == '\n');
        return s;
    }
}

static char **complete_line(const char *text, int start, int end)
{
    char **m;

    (void)start;
    (void)end;
    m = rl_completion_matches(text, next_candidate);
    /* nothing from rcctl: let readline offer file names (--from FILE) */
    rl_attempted_completion_over = m != NULL;
    return m;
}

/* A line that must not reach the history file: it holds a secret. */
static int has_secret(const char *line)
{
    static const char *const flags[] = { "--password", "--token", "--code",
                                         "--secret" };

    for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
        const char *p = line;
        size_t len = strlen(flags[i]);

        while ((p = strstr(p, flags[i]))) {
            /* --password-file FILE names a file; the file is the secret */
            if (strncmp(p + len, "-file", 5))
                return 1;
            p += len;
        }
    }
    return 0;
}

/* $XDG_STATE_HOME/rcctl/history, made 0600 in a 0700 folder; or NULL. */
static char *history_open(void)
{
    char *dir = config_xdg_dir("XDG_STATE_HOME", ".local/state");
    struct buf path = BUF_INIT, why = BUF_INIT;
    int fd = -1;

    buf_addf(&path, "%s/history", dir);
    if (config_mkdirs(dir, &why) < 0)
        goto fail;
    fd = open(path.data, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    /* an older file may be looser: history shows what was typed */
    if (fd < 0 || fchmod(fd, 0600) < 0) {
        buf_addf(&why, "cannot open '%s': %s", path.data, strerror(errno));
        goto fail;
    }
    close(fd);
    free(dir);
    buf_release(&why);
    read_history(path.data);
    return buf_detach(&path, NULL);
fail:
    warningf("no history: %s", why.data);
    if (fd >= 0)
        close(fd);
    free(dir);
    buf_release(&path);
    buf_release(&why);
    return NULL;
}

static void history_record(const char *path, const char *line)
{
    if (line[0] == ' ' || !line[0] || has_secret(line))
        return;
    add_history(line);
    if (path && !append_history(1, path))
        history_truncate_file(path, HISTORY_LINES);
}

/* "rcctl(prod)> ", "rcctl(prod)[4]> " after a failure, "rcctl> ". */
static void make_prompt(struct rcctl *ctx, int last_rc, struct buf *out)
{
    int saved = command_stderr_off();

    buf_reset(out);
    buf_adds(out, "rcctl");
    command_reset(ctx);
    if (!command_session(ctx) && ctx->session.profile)
        buf_addf(out, "(%s)", ctx->session.profile);
    command_reset(ctx);
    command_stderr_on(saved);
    if (last_rc)
        buf_addf(out, "[%d]", last_rc);
    buf_adds(out, "> ");
}

/* Run one line; returns its exit code (-1: the shell should end). */
static int run_line(struct rcctl *ctx, const struct rcctl *base,
                    const char *line)
{
    const char *p = line + strspn(line, " \t");
    struct rcctl keep;
    wordexp_t we;
    char **argv;
    int rc;

    if (!*p || *p == '#')
        return 0;
    switch (wordexp(p, &we, WRDE_NOCMD | WRDE_SHOWERR)) {
    case 0:
        break;
    case WRDE_BADCHAR:
        return usage_errorf("unquoted special character (| & ; < > ( ) { } "
                            "or newline); quote it");
    case WRDE_CMDSUB:
        return usage_errorf("command substitution is not allowed");
    case WRDE_SYNTAX:
        return usage_errorf("syntax error (an unfinished quote?)");
    default:
        return errorf("cannot split the line into words");
    }
    if (we.we_wordc == 1 && (!strcmp(we.we_wordv[0], "exit") ||
                             !strcmp(we.we_wordv[0], "quit"))) {
        wordfree(&we);
        return -1;
    }
    /* the shell's flags again, under the line's own; keep the client */
    command_reset(ctx);
    keep = *ctx;
    *ctx = *base;
    ctx->client = keep.client;
    ctx->client_key = keep.client_key;
    ctx->in_shell = 1;
    argv = xcalloc(we.we_wordc + 2, sizeof(*argv));
    argv[0] = "rcctl";
    for (size_t i = 0; i < we.we_wordc; i++)
        argv[i + 1] = we.we_wordv[i];
    rc = command_main(ctx, (int)we.we_wordc + 1, argv);
    command_reset(ctx);
    free(argv);
    wordfree(&we);
    fflush(stdout);
    return rc;
}

int shell_run(struct rcctl *ctx, int argc, char **argv)
{
    int rc = command_no_options(argc, argv, 0, 0), last = 0, failed = 0;
    int tty = isatty(STDIN_FILENO);
    struct sigaction sa = { 0 }, old_sa;
    struct buf prompt = BUF_INIT;
    struct rcctl base;
    char *hist = NULL, *line;

    if (rc)
        return rc;
    if (ctx->in_shell)
        return errorf("already in the shell");
    command_reset(ctx);
    base = *ctx;
    base.client = NULL;
    base.client_key = NULL;
    if (!tty) {
        /* for scripts: no prompt, no history, no line editing */
        char *buf = NULL;
        size_t cap = 0;
        ssize_t n;

        while ((n = getline(&buf, &cap, stdin)) >= 0) {
            if (n && buf[n - 1] == '\n')
                buf[n - 1] = '\0';
            rc = run_line(ctx, &base, buf);
            if (rc < 0)
                break;
            if (rc)
                failed = rc;
        }
        free(buf);
        ctx->in_shell = 0;
        return failed;
    }
    if (pipe(sigint_pipe) < 0)
        return errorf("cannot make a pipe: %s", strerror(errno));
    for (int i = 0; i < 2; i++) {
        fcntl(sigint_pipe[i], F_SETFL, O_NONBLOCK);
        fcntl(sigint_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    completing = ctx;
    rl_readline_name = "rcctl";
    rl_attempted_completion_function = complete_line;
    rl_completer_quote_characters = "'\"";
    /* whole words: "@alice", "--format=json" are one word to rcctl */
    rl_completer_word_break_characters = " \t";
    rl_catch_signals = 0;
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_sa);
    stifle_history(HISTORY_LINES);
    hist = history_open();
    for (;;) {
        make_prompt(ctx, last, &prompt);
        line = read_line(prompt.data);
        if (!line) {
            fputc('\n', stdout);   /* Ctrl-D */
            break;
        }
        history_record(hist, line);
        rc = run_line(ctx, &base, line);
        free(line);
        if (rc < 0)
            break;
        last = rc;
        if (rc)
            failed = rc;
    }
    if (hist)
        history_truncate_file(hist, HISTORY_LINES);
    sigaction(SIGINT, &old_sa, NULL);
    close(sigint_pipe[0]);
    close(sigint_pipe[1]);
    sigint_pipe[0] = sigint_pipe[1] = -1;
    clear_history();
    free(hist);
    buf_release(&prompt);
    completing = NULL;
    ctx->in_shell = 0;
    return failed;
}
