/*
 * The journal file: where it lives, how a line is made and appended
 * (locked, one write per line) and how it is read back. What the lines
 * mean to the server is the business of the commands and of undo.
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../shared/buf.h"
#include "../shared/json.h"
#include "../shared/timeutil.h"
#include "command.h"

#define TAIL_BYTES 65536   /* read back to find the last line's seq */

static pthread_mutex_t warn_lock = PTHREAD_MUTEX_INITIALIZER;
static int warned;
static pthread_once_t run_once = PTHREAD_ONCE_INIT;
static char run_id[48];

static void make_run_id(void)
{
    char when[ISO_TIME_LEN + 1];

    iso_time(now_ms(), when);
    snprintf(run_id, sizeof(run_id), "%s-%ld", when, (long)getpid());
}

void journal_path(struct buf *out)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

    if (xdg && *xdg)
        buf_addf(out, "%s/rcctl/journal", xdg);
    else
        buf_addf(out, "%s/.local/state/rcctl/journal", home ? home : ".");
}

/* mkdir -p of path's folder, each new folder 0700. */
static int make_parents(const char *path)
{
    char *tmp = xstrdup(path), *slash = strrchr(tmp, '/');
    int rc = 0;

    if (slash && slash != tmp) {
        *slash = '\0';
        rc = config_mkdirs(tmp, NULL);
    }
    free(tmp);
    return rc;
}

/* The seq of the line that ends the file fd, 0 for an empty file. */
static long last_seq(int fd)
{
    struct stat st;
    off_t from;
    char *tail, *line;
    ssize_t n;
    long seq = 0;
    json_t *j;

    if (fstat(fd, &st) < 0 || st.st_size == 0)
        return 0;
    from = st.st_size > TAIL_BYTES ? st.st_size - TAIL_BYTES : 0;
    tail = xmalloc(TAIL_BYTES + 1);
    n = pread(fd, tail, (size_t)(st.st_size - from), from);
    if (n <= 0) {
        free(tail);
        return 0;
    }
    tail[n] = '\0';
    while (n > 0 && tail[n - 1] == '\n')
        tail[--n] = '\0';
    line = strrchr(tail, '\n');
    line = line ? line + 1 : tail;
    j = json_loads(line, 0, NULL);
    if (json_is_integer(json_object_get(j, "seq")))
        seq = (long)json_integer_value(json_object_get(j, "seq"));
    json_decref(j);
    if (!seq) {
        /* a line too long for the tail, or not ours: count the lines */
        off_t off = 0;

        while ((n = pread(fd, tail, TAIL_BYTES, off)) > 0) {
            for (ssize_t i = 0; i < n; i++)
                seq += tail[i] == '\n';
            off += n;
        }
    }
    free(tail);
    return seq;
}

static void warn_once(const char *path, const char *what)
{
    pthread_mutex_lock(&warn_lock);
    if (!warned)
        warningf("cannot write the journal '%s' (%s): %s; this change is "
                 "not in it", path, what, strerror(errno));
    warned = 1;
    pthread_mutex_unlock(&warn_lock);
}

static json_t *command_words(const struct rcctl *ctx, const char *redact)
{
    json_t *a = json_array();

    for (int i = 0; i < ctx->nwords; i++) {
        const char *w = ctx->words[i];

        json_array_append_new(a, json_string(redact && !strcmp(w, redact)
                                                 ? "(secret)" : w));
    }
    return a;
}

static json_t *entry_to_json(struct rcctl *ctx, struct journal_entry *e)
{
    const struct session *s = &ctx->session;
    char when[ISO_TIME_LEN + 1];
    json_t *j, *target;

    pthread_once(&run_once, make_run_id);
    iso_time(now_ms(), when);
    target = json_pack("{s:s, s:s?, s:s?}", "type", e->type, "id", e->id,
                       "name", e->name);
    j = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:o, s:o, s:s}",
                  "when", when, "run", run_id, "profile", s->profile,
                  "url", s->url, "user", s->username, "user_id", s->user_id,
                  "command", command_words(ctx, e->redact),
                  "target", target, "action", e->action);
    if (e->user_id || e->username)
        json_object_set_new(j, "member",
                            json_pack("{s:s?, s:s?}", "id", e->user_id,
                                      "name", e->username));
    json_object_set_new(j, "before", e->before ? e->before : json_null());
    json_object_set_new(j, "after", e->after ? e->after : json_null());
    e->before = e->after = NULL;
    if (e->path)
        json_object_set_new(j, "request",
                            json_pack("{s:s, s:O?}", "path", e->path,
                                      "body", e->body));
    json_object_set_new(j, "reversible", json_boolean(e->undo_path != NULL));
    if (e->undo_path)
        json_object_set_new(j, "undo",
                            json_pack("{s:s, s:o?}", "path", e->undo_path,
                                      "body", e->undo_body));
    else
        json_decref(e->undo_body);
    e->undo_body = NULL;
    if (!e->undo_path && e->why_not)
        json_object_set_new(j, "why_not", json_string(e->why_not));
    if (e->undo_of > 0)
        json_object_set_new(j, "undo_of", json_integer(e->undo_of));
    return j;
}

void journal_add(struct rcctl *ctx, struct journal_entry *e)
{
    struct buf path = BUF_INIT, line = BUF_INIT;
    json_t *j = entry_to_json(ctx, e), *full;
    int fd = -1;
    ssize_t n;

    journal_path(&path);
    if (make_parents(path.data) < 0) {
        warn_once(path.data, "mkdir");
        goto out;
    }
    fd = open(path.data, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        warn_once(path.data, "open");
        goto out;
    }
    if (flock(fd, LOCK_EX) < 0) {
        warn_once(path.data, "lock");
        goto out;
    }
    full = json_pack("{s:I}", "seq", (json_int_t)last_seq(fd) + 1);
    json_object_update(full, j);
    json_dump_buf(&line, full);
    json_decref(full);
    buf_addc(&line, '\n');
    n = write(fd, line.data, line.len);
    if (n < 0 || (size_t)n != line.len)
        warn_once(path.data, n < 0 ? "write" : "short write");
out:
    if (fd >= 0)
        close(fd);   /* and the lock with it */
    json_decref(j);
    buf_release(&path);
    buf_release(&line);
}

int journal_read(json_t **out, struct buf *why)
{
    struct buf path = BUF_INIT;
    FILE *fp;
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    ssize_t len;
    int rc = 0;

    *out = json_array();
    journal_path(&path);
    fp = fopen(path.data, "r");
    if (!fp) {
        if (errno != ENOENT) {
            buf_addf(why, "cannot open '%s': %s", path.data, strerror(errno));
            rc = -1;
        }
        goto out;
    }
    while ((len = getline(&line, &cap, fp)) >= 0) {
        json_t *j;

        lineno++;
        if (len <= 1)
            continue;
        j = json_parse(line, (size_t)len, NULL);
        if (json_is_object(j) && json_is_integer(json_object_get(j, "seq")))
            json_array_append_new(*out, j);
        else {
            warningf("'%s' line %ld is not a journal entry; skipped",
                     path.data, lineno);
            json_decref(j);
        }
    }
    if (ferror(fp)) {
        buf_addf(why, "cannot read '%s': %s", path.data, strerror(errno));
        rc = -1;
    }
    fclose(fp);
out:
    free(line);
    buf_release(&path);
    return rc;
}

int journal_same_url(const char *a, const char *b)
{
    size_t na, nb;

    if (!a || !b)
        return 0;
    na = strlen(a);
    nb = strlen(b);
    while (na && a[na - 1] == '/')
        na--;
    while (nb && b[nb - 1] == '/')
        nb--;
    return na == nb && !strncmp(a, b, na);
}
