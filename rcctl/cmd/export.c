/*
 * export: a room's whole history to a file (csv, json or ndjson), oldest
 * message first, in constant memory, resumable, with a manifest.
 *
 * How the order is made without holding the room (the history endpoints
 * page newest first):
 *   1. Each page is fetched with the time cursor (see export_walk()) and
 *      its new messages are rendered, in reverse (so oldest first within
 *      the page), and appended to a spool file as they arrive. After each
 *      page the spool's length is appended to an index file (8 bytes a
 *      page) and a small checkpoint (state.json) is replaced atomically.
 *   2. When the server has no more, the spool is copied into FILE.part
 *      page by page from the last page (the oldest) to the first, using
 *      the index for the page bounds, then renamed over FILE. Memory
 *      holds one page of JSON and a 64 KiB copy buffer, whatever the room
 *      size; disk holds the spool once more.
 * The spool, index and checkpoint live under
 * $XDG_STATE_HOME/rcctl/exports/<key>/, the key being a hash of server,
 * room, format, range and output path. An interrupted run leaves them;
 * --resume truncates spool and index back to the checkpoint and goes on
 * from its cursor, so the file comes out byte for byte as an
 * uninterrupted run's would. A finished export removes them.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "../../shared/buf.h"
#include "../../shared/crypto.h"
#include "../../shared/json.h"
#include "../../shared/timeutil.h"
#include "../client.h"
#include "../command.h"

#ifndef RCD_VERSION
#define RCD_VERSION "dev"
#endif

#define EXPORT_PAGE 100          /* Rocket.Chat's default count cap */
#define EXPORT_PAGE_MAX 10000
#define COPY_CHUNK 65536

#define CSV_COLUMNS "id,timestamp,username,name,text,thread_id,edited," \
                    "attachments"

enum xfmt { XF_CSV, XF_JSON, XF_NDJSON };
static const char *const xfmt_ext[] = { "csv", "json", "ndjson" };

struct xopts {
    enum xfmt fmt;
    char *since, *until;       /* normalized ISO, or NULL */
    long page;                 /* count asked per page */
    int force, resume;
    int no_header, csv_guard;
    int quiet;
};

struct xroom {
    char *id;
    char *name;                /* name, or the DM's usernames */
    char t[2];                 /* c, p, d */
};

/* What one finished export says, for its manifest. */
struct xresult {
    long count;
    char first[ISO_TIME_LEN + 1], last[ISO_TIME_LEN + 1]; /* "" if none */
    char sha[SHA256_HEX_LEN + 1];
    long long bytes;
};

/* The checkpoint: where the walk stands (state.json). */
struct xstate {
    long pages, count;
    long long spool_len;
    char *cursor;              /* ts of the oldest message seen, or NULL */
    json_t *at_cursor;         /* ids seen at exactly that ts */
    char first[ISO_TIME_LEN + 1], last[ISO_TIME_LEN + 1];
    int done;
};

static void xroom_release(struct xroom *r)
{
    free(r->id);
    free(r->name);
    r->id = r->name = NULL;
}

static void xstate_release(struct xstate *s)
{
    free(s->cursor);
    json_decref(s->at_cursor);
    memset(s, 0, sizeof(*s));
}

/* ---- small file helpers ---- */

/* $XDG_STATE_HOME/rcctl/exports (else ~/.local/state/...), made 0700. */
static char *exports_dir(void)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    struct buf b = BUF_INIT;

    if (xdg && *xdg)
        buf_addf(&b, "%s/rcctl/exports", xdg);
    else
        buf_addf(&b, "%s/.local/state/rcctl/exports", home ? home : ".");
    return buf_detach(&b, NULL);
}

/* Write data to path through path.tmp and a rename. */
static int write_atomic(const char *path, const char *data, size_t len)
{
    struct buf tmp = BUF_INIT;
    FILE *fp;
    int rc = -1;

    buf_addf(&tmp, "%s.tmp", path);
    fp = fopen(tmp.data, "wb");
    if (fp) {
        if (fwrite(data, 1, len, fp) == len && !fflush(fp))
            rc = 0;
        if (fclose(fp))
            rc = -1;
        if (!rc && rename(tmp.data, path) < 0)
            rc = -1;
        if (rc)
            unlink(tmp.data);
    }
    buf_release(&tmp);
    return rc;
}

static void remove_ckdir(const char *dir)
{
    static const char *const files[] = { "spool", "index", "state.json",
                                         "state.json.tmp", NULL };
    struct buf p = BUF_INIT;

    for (size_t i = 0; files[i]; i++) {
        buf_reset(&p);
        buf_addf(&p, "%s/%s", dir, files[i]);
        unlink(p.data);
    }
    rmdir(dir);
    buf_release(&p);
}

/* A timestamp as the API sends it ("...Z" or {"$date": ms}) into ISO. */
static int ts_iso(const json_t *v, char out[ISO_TIME_LEN + 1])
{
    int64_t ms;

    if (json_is_object(v))
        v = json_object_get(v, "$date");
    if (json_is_integer(v)) {
        ms = json_integer_value(v);
    } else if (!json_is_string(v) || iso_parse(json_string_value(v), &ms)) {
        return -1;
    }
    iso_time(ms, out);
    return 0;
}

/* ---- room lookup (only endpoints Rocket.Chat has) ---- */

/* The DM's usernames joined by ',' (its "name" in the manifest). */
static char *dm_name(const json_t *room)
{
    struct buf b = BUF_INIT;
    size_t i;
    json_t *v;

    json_array_foreach(json_object_get(room, "usernames"), i, v) {
        if (!json_is_string(v))
            continue;
        if (b.len)
            buf_addc(&b, ',');
        buf_adds(&b, json_string_value(v));
    }
    if (!b.len)
        buf_adds(&b, json_str(room, "_id") ? json_str(room, "_id") : "");
    return buf_detach(&b, NULL);
}

/* Fill r from a room object (rooms.info's room, rooms.get's, im.list's). */
static int room_from_json(struct xroom *r, const json_t *room)
{
    const char *t = json_str(room, "t"), *id = json_str(room, "_id");

    if (!t || !id || strlen(t) != 1 || !strchr("cpd", t[0]))
        return -1;
    r->id = xstrdup(id);
    r->t[0] = t[0];
    r->t[1] = '\0';
    if (t[0] == 'd')
        r->name = dm_name(room);
    else
        r->name = xstrdup(json_str(room, "name") ? json_str(room, "name")
                                                 : id);
    return 0;
}

/*
 * ROOM as the user wrote it: "@user" (the DM with user, from im.list),
 * "#name", a name, or a room id (rooms.info by name, then by id).
 */
static enum err resolve_room(struct client *c, const char *arg,
                             struct xroom *out, struct client_reply *r)
{
    enum err e = ERR_NOT_FOUND;

    if (arg[0] == '@' && arg[1]) {
        json_t *dm;

        e = command_find_dm(c, arg + 1, &dm, r);
        if (e == ERR_NOT_FOUND)
            client_reply_fail(r, ERR_NOT_FOUND, "you have no direct "
                              "messages with that user");
        if (e)
            return e;
        if (!json_str(dm, "t"))
            json_object_set_new(dm, "t", json_string("d"));
        e = room_from_json(out, dm) ? ERR_INVALID : ERR_OK;
        json_decref(dm);
        if (e)
            client_reply_fail(r, e, "im.list sent a room without _id");
        return e;
    }
    arg = command_skip_sigil(arg, '#');
    e = command_room_info(c, arg, 1, 1, NULL, r);
    if (e == ERR_NOT_FOUND)
        client_reply_fail(r, ERR_NOT_FOUND, "no such room that you can read");
    if (e)
        return e;
    if (room_from_json(out, json_object_get(r->json, "room"))) {
        client_reply_fail(r, ERR_INVALID, "the room has no _id or a type "
                          "without a history (c, p or d)");
        return ERR_INVALID;
    }
    client_reply_release(r);
    return ERR_OK;
}

static const char *history_endpoint(const struct xroom *r)
{
    switch (r->t[0]) {
    case 'c': return "/api/v1/channels.history";
    case 'p': return "/api/v1/groups.history";
    default: return "/api/v1/im.history";
    }
}

/* ---- checkpoint ---- */

static int state_save(const char *dir, const struct xstate *s)
{
    json_t *j = json_pack("{s:i, s:I, s:I, s:I, s:o, s:o, s:s, s:s, s:b}",
                          "version", 1, "pages", (json_int_t)s->pages,
                          "count", (json_int_t)s->count,
                          "spool_len", (json_int_t)s->spool_len,
                          "cursor", s->cursor ? json_string(s->cursor)
                                              : json_null(),
                          "at_cursor", json_deep_copy(s->at_cursor),
                          "first", s->first, "last", s->last,
                          "done", s->done);
    struct buf b = BUF_INIT, path = BUF_INIT;
    int rc;

    json_dump_buf(&b, j);
    buf_addf(&path, "%s/state.json", dir);
    rc = write_atomic(path.data, b.data, b.len);
    json_decref(j);
    buf_release(&b);
    buf_release(&path);
    return rc;
}

/* 0 with *s loaded, -1 when there is no usable checkpoint. */
static int state_load(const char *dir, struct xstate *s)
{
    struct buf path = BUF_INIT;
    json_error_t jerr;
    json_t *j;
    int rc = -1;

    buf_addf(&path, "%s/state.json", dir);
    j = json_load_file(path.data, 0, &jerr);
    buf_release(&path);
    if (!j)
        return -1;
    if (json_integer_value(json_object_get(j, "version")) == 1 &&
        json_is_array(json_object_get(j, "at_cursor")) &&
        json_str(j, "first") && json_str(j, "last") &&
        strlen(json_str(j, "first")) <= ISO_TIME_LEN &&
        strlen(json_str(j, "last")) <= ISO_TIME_LEN) {
        memset(s, 0, sizeof(*s));
        s->pages = (long)json_integer_value(json_object_get(j, "pages"));
        s->count = (long)json_integer_value(json_object_get(j, "count"));
        s->spool_len = json_integer_value(json_object_get(j, "spool_len"));
        s->cursor = json_str(j, "cursor") ? xstrdup(json_str(j, "cursor"))
                                          : NULL;
        s->at_cursor = json_object();
        {
            size_t i;
            json_t *v;

            json_array_foreach(json_object_get(j, "at_cursor"), i, v) {
                if (json_is_string(v))
                    json_object_set_new(s->at_cursor, json_string_value(v),
                                        json_true());
            }
        }
        snprintf(s->first, sizeof(s->first), "%s", json_str(j, "first"));
        snprintf(s->last, sizeof(s->last), "%s", json_str(j, "last"));
        s->done = json_is_true(json_object_get(j, "done"));
        rc = s->pages >= 0 && s->count >= 0 && s->spool_len >= 0 ? 0 : -1;
        if (rc)
            xstate_release(s);
    }
    json_decref(j);
    return rc;
}

/* at_cursor is kept as an object (a set); saved as an array. */
static json_t *set_to_array(const json_t *set)
{
    json_t *a = json_array(), *v;
    const char *k;

    json_object_foreach((json_t *)set, k, v)
        json_array_append_new(a, json_string(k));
    return a;
}

/* ---- rendering ---- */

/* The export record of a message (see the help for the fields). */
static json_t *record_of(const json_t *m, const char *iso)
{
    const json_t *u = json_object_get(m, "u");
    const json_t *att = json_object_get(m, "attachments");
    char edited[ISO_TIME_LEN + 1];
    json_t *rec = json_object();

    json_object_set_new(rec, "id", json_string(json_str(m, "_id")));
    json_object_set_new(rec, "timestamp", json_string(iso));
    json_object_set_new(rec, "username", json_str(u, "username")
                        ? json_string(json_str(u, "username")) : json_null());
    json_object_set_new(rec, "name", json_str(u, "name")
                        ? json_string(json_str(u, "name")) : json_null());
    json_object_set_new(rec, "text", json_string(json_str(m, "msg")
                                                 ? json_str(m, "msg") : ""));
    json_object_set_new(rec, "thread_id", json_str(m, "tmid")
                        ? json_string(json_str(m, "tmid")) : json_null());
    json_object_set_new(rec, "edited",
                        !ts_iso(json_object_get(m, "editedAt"), edited)
                            ? json_string(edited) : json_null());
    json_object_set_new(rec, "attachments", json_is_array(att) &&
                        json_array_size(att) ? json_deep_copy(att)
                                             : json_null());
    return rec;
}

/* ---- one room ---- */

struct xjob {
    struct rcctl *ctx;
    struct client *c;
    const struct xopts *o;
    const struct xroom *room;
    const char *out_path;      /* NULL: stdout */
    char *dir;                 /* the checkpoint folder */
    FILE *spool, *index;
    struct output *csv;        /* csv rows into the spool */
    struct xstate st;
};

static int spool_open(struct xjob *j)
{
    struct buf p = BUF_INIT;
    int rc = 0;

    buf_addf(&p, "%s/spool", j->dir);
    if (truncate(p.data, (off_t)j->st.spool_len) < 0 && errno != ENOENT)
        rc = -1;
    j->spool = rc ? NULL : fopen(p.data, "ab");
    buf_reset(&p);
    buf_addf(&p, "%s/index", j->dir);
    if (truncate(p.data, (off_t)j->st.pages * 8) < 0 && errno != ENOENT)
        rc = -1;
    j->index = rc ? NULL : fopen(p.data, "ab");
    buf_release(&p);
    if (!j->spool || !j->index)
        return errorf("cannot write the export spool in %s: %s", j->dir,
                      strerror(errno));
    if (j->o->fmt == XF_CSV) {
        struct output_opts oo = { 0 };

        oo.format = OUTPUT_CSV;
        oo.columns = CSV_COLUMNS;
        oo.no_header = 1;
        oo.csv_guard = j->o->csv_guard;
        j->csv = output_new(j->spool, &oo, NULL, 1);
    }
    return 0;
}

static int spool_close(struct xjob *j)
{
    int rc = 0;

    if (j->csv && output_finish(j->csv) < 0)
        rc = -1;
    j->csv = NULL;
    if (j->spool && fclose(j->spool))
        rc = -1;
    if (j->index && fclose(j->index))
        rc = -1;
    j->spool = j->index = NULL;
    return rc;
}

static void spool_record(struct xjob *j, const json_t *m, const char *iso)
{
    json_t *rec = record_of(m, iso);

    if (j->csv) {
        output_item(j->csv, rec);
    } else {
        char *s = json_dumps(rec, JSON_COMPACT);

        fputs(s, j->spool);
        fputc('\n', j->spool);
        free(s);
    }
    json_decref(rec);
}

/*
 * Fetch pages until the server has no more. Each request asks for the
 * messages at or before the cursor (latest=cursor, inclusive=true) and
 * skips, by offset, those already seen at that very millisecond, so
 * messages sharing a timestamp across a page boundary are neither lost
 * nor repeated (inclusive=false would lose them, and groups.history
 * reads any non-empty inclusive, even "false", as true). The page size
 * the server applies does not matter: only an empty page ends the walk.
 */
static enum err export_walk(struct xjob *j, struct client_reply *r)
{
    const char *kill_after = getenv("RCCTL_TEST_EXPORT_KILL_AFTER");
    long kill_n;
    struct buf path = BUF_INIT;
    unsigned char *fresh = NULL;
    enum err e = ERR_OK;
    char num[32];

    for (;;) {
        const json_t *msgs;
        size_t i, n, nfresh = 0;
        json_t *m;
        uint64_t off;

        buf_reset(&path);
        buf_adds(&path, history_endpoint(j->room));
        client_query(&path, "roomId", j->room->id);
        snprintf(num, sizeof(num), "%ld", j->o->page);
        client_query(&path, "count", num);
        if (j->st.cursor || j->o->until)
            client_query(&path, "latest",
                         j->st.cursor ? j->st.cursor : j->o->until);
        client_query(&path, "inclusive", "true");
        snprintf(num, sizeof(num), "%zu", json_object_size(j->st.at_cursor));
        client_query(&path, "offset", num);
        if (j->o->since)
            client_query(&path, "oldest", j->o->since);
        client_query(&path, "showThreadMessages", "true");
        e = client_get(j->c, path.data, r);
        if (e)
            break;
        msgs = json_object_get(r->json, "messages");
        if (!json_is_array(msgs)) {
            client_reply_fail(r, ERR_INVALID,
                              "the answer has no 'messages' list");
            e = ERR_INVALID;
            break;
        }
        n = json_array_size(msgs);
        if (!n)
            break;
        free(fresh);
        fresh = xcalloc(n, 1);
        /* newest first: decide what is new and move the cursor */
        json_array_foreach(msgs, i, m) {
            char iso[ISO_TIME_LEN + 1];
            const char *id = json_str(m, "_id");

            if (!id || ts_iso(json_object_get(m, "ts"), iso)) {
                client_reply_fail(r, ERR_INVALID,
                                  "a message without ts or _id");
                e = ERR_INVALID;
                goto out;
            }
            if (j->st.cursor && !strcmp(iso, j->st.cursor) &&
                json_object_get(j->st.at_cursor, id))
                continue;
            if (!j->st.cursor || strcmp(iso, j->st.cursor)) {
                free(j->st.cursor);
                j->st.cursor = xstrdup(iso);
                json_object_clear(j->st.at_cursor);
            }
            json_object_set_new(j->st.at_cursor, id, json_true());
            if (!j->st.last[0])
                snprintf(j->st.last, sizeof(j->st.last), "%s", iso);
            snprintf(j->st.first, sizeof(j->st.first), "%s", iso);
            fresh[i] = 1;
            nfresh++;
        }
        if (!nfresh) {
            client_reply_fail(r, ERR_INVALID, "the server sent the same "
                              "messages again; it ignores 'offset' on "
                              "history");
            e = ERR_INVALID;
            break;
        }
        /* the page into the spool, oldest first */
        for (i = n; i-- > 0;) {
            char iso[ISO_TIME_LEN + 1];

            if (!fresh[i])
                continue;
            m = json_array_get(msgs, i);
            ts_iso(json_object_get(m, "ts"), iso);
            spool_record(j, m, iso);
        }
        client_reply_release(r);
        if (fflush(j->spool) || ferror(j->spool)) {
            client_reply_fail(r, ERR_IO, "cannot write the export spool");
            e = ERR_IO;
            break;
        }
        j->st.spool_len = (long long)ftello(j->spool);
        off = (uint64_t)j->st.spool_len;
        if (fwrite(&off, sizeof(off), 1, j->index) != 1 || fflush(j->index)) {
            client_reply_fail(r, ERR_IO, "cannot write the export index");
            e = ERR_IO;
            break;
        }
        j->st.pages++;
        j->st.count += (long)nfresh;
        {
            json_t *saved = j->st.at_cursor, *arr = set_to_array(saved);

            j->st.at_cursor = arr;
            if (state_save(j->dir, &j->st) < 0) {
                j->st.at_cursor = saved;
                json_decref(arr);
                client_reply_fail(r, ERR_IO,
                                  "cannot write the export checkpoint");
                e = ERR_IO;
                break;
            }
            j->st.at_cursor = saved;
            json_decref(arr);
        }
        if (kill_after && !command_parse_long(kill_after, 1, LONG_MAX, &kill_n) &&
            kill_n == j->st.pages)
            raise(SIGKILL);   /* tests: an interruption after N pages */
    }
out:
    free(fresh);
    buf_release(&path);
    return e;
}

/* Writes to the final file while hashing. */
struct sink {
    FILE *fp;
    EVP_MD_CTX *md;
    long long bytes;
    int first;                 /* json: no record written yet */
    int at_start;              /* json: next byte starts a record */
};

static void sink_write(struct sink *s, const void *p, size_t n)
{
    if (!n)
        return;
    fwrite(p, 1, n, s->fp);
    EVP_DigestUpdate(s->md, p, n);
    s->bytes += (long long)n;
}

static void sink_puts(struct sink *s, const char *str)
{
    sink_write(s, str, strlen(str));
}

/* Spool bytes of json records (one a line) as array elements. */
static void sink_json(struct sink *s, const char *p, size_t n)
{
    while (n) {
        const char *nl;

        if (s->at_start) {
            sink_puts(s, s->first ? "\n" : ",\n");
            s->first = 0;
            s->at_start = 0;
        }
        nl = memchr(p, '\n', n);
        if (!nl) {
            sink_write(s, p, n);
            return;
        }
        sink_write(s, p, (size_t)(nl - p));
        n -= (size_t)(nl + 1 - p);
        p = nl + 1;
        s->at_start = 1;
    }
}

/*
 * The spool's pages, last to first, into the output (FILE.part, renamed
 * when complete, or stdout). Fills res's bytes and sha.
 */
static int export_assemble(struct xjob *j, struct xresult *res)
{
    struct buf p = BUF_INIT, part = BUF_INIT;
    struct sink s = { NULL, NULL, 0, 1, 1 };
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char *chunk = xmalloc(COPY_CHUNK);
    int sfd = -1, ifd = -1, rc = EXIT_FAILED;

    buf_addf(&p, "%s/spool", j->dir);
    sfd = open(p.data, O_RDONLY);
    buf_reset(&p);
    buf_addf(&p, "%s/index", j->dir);
    ifd = open(p.data, O_RDONLY);
    if ((sfd < 0 || ifd < 0) && j->st.pages) {
        errorf("cannot read the export spool in %s: %s", j->dir,
               strerror(errno));
        goto out;
    }
    if (j->out_path) {
        buf_addf(&part, "%s.part", j->out_path);
        s.fp = fopen(part.data, "wb");
        if (!s.fp) {
            errorf("cannot write '%s': %s", part.data, strerror(errno));
            goto out;
        }
    } else {
        s.fp = stdout;
    }
    s.md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(s.md, EVP_sha256(), NULL);
    if (j->o->fmt == XF_CSV && !j->o->no_header)
        sink_puts(&s, CSV_COLUMNS "\r\n");
    else if (j->o->fmt == XF_JSON)
        sink_puts(&s, "[");
    for (long pg = j->st.pages; pg-- > 0;) {
        uint64_t start = 0, end;

        if (pread(ifd, &end, 8, (off_t)pg * 8) != 8 ||
            (pg && pread(ifd, &start, 8, (off_t)(pg - 1) * 8) != 8) ||
            end < start) {
            errorf("the export index in %s is damaged", j->dir);
            goto out;
        }
        while (start < end) {
            size_t want = end - start < COPY_CHUNK ? (size_t)(end - start)
                                                   : COPY_CHUNK;
            ssize_t got = pread(sfd, chunk, want, (off_t)start);

            if (got <= 0) {
                errorf("cannot read the export spool in %s", j->dir);
                goto out;
            }
            if (j->o->fmt == XF_JSON)
                sink_json(&s, chunk, (size_t)got);
            else
                sink_write(&s, chunk, (size_t)got);
            start += (uint64_t)got;
        }
    }
    if (j->o->fmt == XF_JSON)
        sink_puts(&s, s.first ? "]\n" : "\n]\n");
    if (fflush(s.fp) || ferror(s.fp)) {
        errorf("cannot write '%s': %s", j->out_path ? part.data : "stdout",
               strerror(errno));
        goto out;
    }
    if (j->out_path) {
        int bad = fsync(fileno(s.fp)) < 0;

        bad |= fclose(s.fp) != 0;
        s.fp = NULL;
        if (bad || rename(part.data, j->out_path) < 0) {
            errorf("cannot write '%s': %s", j->out_path, strerror(errno));
            goto out;
        }
    }
    EVP_DigestFinal_ex(s.md, md, &mdlen);
    for (unsigned i = 0; i < mdlen && i < 32; i++)
        snprintf(res->sha + 2 * i, 3, "%02x", md[i]);
    res->bytes = s.bytes;
    rc = EXIT_OK;
out:
    if (s.fp && s.fp != stdout) {
        fclose(s.fp);
        unlink(part.data);
    }
    EVP_MD_CTX_free(s.md);
    if (sfd >= 0)
        close(sfd);
    if (ifd >= 0)
        close(ifd);
    free(chunk);
    buf_release(&p);
    buf_release(&part);
    return rc;
}

/* The manifest object of a finished export. */
static json_t *manifest_of(const struct xjob *j, const struct xresult *res,
                           const char *file)
{
    char now[ISO_TIME_LEN + 1];
    const char *base = file ? strrchr(file, '/') : NULL;

    iso_time(now_ms(), now);
    return json_pack(
        "{s:{s:s, s:s, s:s}, s:s, s:s?, s:{s:s?, s:s?, s:s?, s:s?}, s:I, "
        "s:I, s:s, s:s, s:s}",
        "room", "id", j->room->id, "name", j->room->name,
        "type", j->room->t[0] == 'c' ? "channel"
                : j->room->t[0] == 'p' ? "group" : "dm",
        "format", xfmt_ext[j->o->fmt],
        "file", base ? base + 1 : file,
        "range", "since", j->o->since, "until", j->o->until,
        "first", res->first[0] ? res->first : NULL,
        "last", res->last[0] ? res->last : NULL,
        "messages", (json_int_t)res->count,
        "bytes", (json_int_t)res->bytes,
        "sha256", res->sha,
        "rcctl_version", RCD_VERSION,
        "finished_at", now);
}

static int write_json_file(const char *path, const json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2));
    struct buf b = BUF_INIT;
    int rc;

    buf_adds(&b, s);
    buf_addc(&b, '\n');
    rc = write_atomic(path, b.data, b.len);
    free(s);
    buf_release(&b);
    return rc;
}

/* The checkpoint folder's name: what makes two runs the same export. */
static char *checkpoint_dir(const struct xjob *j, const char *out_abs)
{
    struct buf key = BUF_INIT;
    char hex[SHA256_HEX_LEN + 1];
    char *root = exports_dir();

    buf_addf(&key, "%s\n%s\n%s\n%s\n%s\n%ld\n%d%d\n%s",
             client_url(j->c), j->room->id, xfmt_ext[j->o->fmt],
             j->o->since ? j->o->since : "", j->o->until ? j->o->until : "",
             j->o->page, j->o->no_header, j->o->csv_guard, out_abs);
    sha256_hex(key.data, key.len, hex);
    buf_reset(&key);
    buf_addf(&key, "%s/%.32s", root, hex);
    free(root);
    return buf_detach(&key, NULL);
}

/*
 * Export one room to out_path (NULL: stdout). *manifest (may be NULL)
 * receives the manifest object. Returns the exit code, after saying why.
 */
static int export_room(struct rcctl *ctx, struct client *c,
                       const struct xopts *o, const struct xroom *room,
                       const char *out_path, json_t **manifest)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    struct xjob j = { 0 };
    struct xresult res = { 0 };
    struct buf mpath = BUF_INIT;
    char *out_abs = NULL;
    int rc = EXIT_OK, resumed = 0;
    enum err e;
    struct stat sb;

    j.ctx = ctx;
    j.c = c;
    j.o = o;
    j.room = room;
    j.out_path = out_path;
    if (manifest)
        *manifest = NULL;
    if (out_path) {
        if (!stat(out_path, &sb) && !o->force) {
            rc = EXIT_CONFLICT;
            errorf("'%s' exists; use --force to overwrite it", out_path);
            goto out;
        }
        out_abs = realpath(".", NULL);
        if (out_path[0] != '/' && out_abs) {
            struct buf a = BUF_INIT;

            buf_addf(&a, "%s/%s", out_abs, out_path);
            free(out_abs);
            out_abs = buf_detach(&a, NULL);
        } else {
            free(out_abs);
            out_abs = xstrdup(out_path);
        }
        j.dir = checkpoint_dir(&j, out_abs);
    } else {
        /* stdout: a private spool, never resumed */
        char *root = exports_dir();
        struct buf d = BUF_INIT;

        buf_addf(&d, "%s/stdout.XXXXXX", root);
        free(root);
        j.dir = buf_detach(&d, NULL);
    }
    if (out_path) {
        if (config_mkdirs(j.dir, NULL) < 0) {
            rc = errorf("cannot make '%s': %s", j.dir, strerror(errno));
            goto out;
        }
        if (o->resume && !state_load(j.dir, &j.st)) {
            resumed = 1;
            if (!o->quiet)
                fprintf(stderr, "rcctl: resuming the export of '%s' after "
                        "%ld messages\n", room->name, j.st.count);
        } else {
            if (!state_load(j.dir, &j.st)) {
                if (!o->quiet)
                    warningf("starting the unfinished export of '%s' over "
                             "(--resume continues it)", room->name);
                xstate_release(&j.st);
            }
            remove_ckdir(j.dir);
            config_mkdirs(j.dir, NULL);
        }
    } else {
        char *parent = exports_dir();

        if (config_mkdirs(parent, NULL) < 0 || !mkdtemp(j.dir)) {
            rc = errorf("cannot make a spool folder under '%s': %s", parent,
                        strerror(errno));
            free(parent);
            free(j.dir);
            j.dir = NULL;
            goto out;
        }
        free(parent);
    }
    if (!resumed) {
        memset(&j.st, 0, sizeof(j.st));
        j.st.at_cursor = json_object();
    }
    if (!j.st.done) {
        if ((rc = spool_open(&j)))
            goto out;
        e = export_walk(&j, &r);
        if (spool_close(&j) < 0 && !e) {
            client_reply_fail(&r, ERR_IO, "cannot write the export spool");
            e = ERR_IO;
        }
        if (e) {
            rc = command_fail(&r, "cannot export '%s'", room->name);
            if (out_path && !o->quiet)
                fprintf(stderr, "rcctl: %ld messages are kept; --resume "
                        "continues the export\n", j.st.count);
            goto out;
        }
        j.st.done = 1;
        if (out_path && state_save(j.dir, &j.st) < 0) {
            rc = errorf("cannot write the export checkpoint in %s", j.dir);
            goto out;
        }
    }
    res.count = j.st.count;
    snprintf(res.first, sizeof(res.first), "%s", j.st.first);
    snprintf(res.last, sizeof(res.last), "%s", j.st.last);
    rc = export_assemble(&j, &res);
    if (rc)
        goto out;
    if (out_path) {
        json_t *m = manifest_of(&j, &res, out_path);

        buf_addf(&mpath, "%s.manifest.json", out_path);
        if (write_json_file(mpath.data, m) < 0) {
            json_decref(m);
            rc = errorf("cannot write '%s': %s", mpath.data,
                        strerror(errno));
            goto out;
        }
        if (manifest)
            *manifest = m;
        else
            json_decref(m);
    }
    remove_ckdir(j.dir);
    if (!o->quiet)
        fprintf(stderr, "rcctl: exported %ld messages of '%s'%s%s\n",
                res.count, room->name, out_path ? " to " : "",
                out_path ? out_path : "");
out:
    if (rc && !out_path && j.dir)
        remove_ckdir(j.dir);
    spool_close(&j);
    xstate_release(&j.st);
    client_reply_release(&r);
    buf_release(&mpath);
    free(j.dir);
    free(out_abs);
    return rc;
}

/* ---- several rooms into a folder ---- */

/* A room name as a file name: no '/', no leading '.', not empty. */
static char *file_name(const struct xroom *r, enum xfmt f)
{
    struct buf b = BUF_INIT;

    if (r->t[0] == 'd')
        buf_adds(&b, "dm-");
    for (const char *p = r->name; *p; p++)
        buf_addc(&b, *p == '/' || *p == '\\' || (unsigned char)*p < 0x20 ||
                     (p == r->name && *p == '.') ? '_' : *p);
    if (!b.len)
        buf_adds(&b, r->id);
    buf_addf(&b, ".%s", xfmt_ext[f]);
    return buf_detach(&b, NULL);
}

struct room_list {
    struct xroom *v;
    size_t n, cap;
};

static void room_list_add(struct room_list *l, struct xroom *r)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = *r;
}

static void room_list_release(struct room_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        xroom_release(&l->v[i]);
    free(l->v);
}

/* Every room the account can read, from rooms.get (channels, groups, DMs). */
static int all_rooms(struct client *c, struct room_list *l)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    const json_t *rooms;
    size_t i;
    json_t *v;

    if (client_get(c, "/api/v1/rooms.get", &r)) {
        int rc = command_fail(&r, "cannot list your rooms");

        client_reply_release(&r);
        return rc;
    }
    rooms = json_object_get(r.json, "update");
    json_array_foreach(rooms, i, v) {
        struct xroom x = { 0 };

        if (!room_from_json(&x, v))
            room_list_add(l, &x);
    }
    client_reply_release(&r);
    return 0;
}

static int export_dir(struct rcctl *ctx, struct client *c,
                      const struct xopts *o, struct room_list *rooms,
                      const char *dir)
{
    json_t *all = json_array(), *top;
    struct buf path = BUF_INIT;
    struct bulk b;
    char now[ISO_TIME_LEN + 1];
    int rc;

    if (config_mkdirs(dir, NULL) < 0) {
        json_decref(all);
        return errorf("cannot make '%s': %s", dir, strerror(errno));
    }
    bulk_init(&b, ctx, 0);
    for (size_t i = 0; i < rooms->n && !b.stop; i++) {
        const struct xroom *x = &rooms->v[i];
        char *name = file_name(x, o->fmt);
        json_t *m = NULL;
        struct stat sb;

        buf_reset(&path);
        buf_addf(&path, "%s/%s", dir, name);
        if (o->resume && !o->force && !stat(path.data, &sb)) {
            /* finished in the interrupted run: keep it and its manifest */
            struct buf mp = BUF_INIT;
            json_error_t jerr;

            buf_addf(&mp, "%s.manifest.json", path.data);
            m = json_load_file(mp.data, 0, &jerr);
            buf_release(&mp);
            if (m) {
                json_array_append_new(all, m);
                bulk_unchanged(&b, "'%s' was exported already", path.data);
                free(name);
                continue;
            }
        }
        rc = export_room(ctx, c, o, x, path.data, &m);
        if (rc) {
            bulk_failed(&b, x->name, rc, "'%s' not exported", x->name);
            if (rc == EXIT_AUTH || rc == EXIT_UNREACHABLE)
                b.stop = 1;
        } else {
            json_array_append_new(all, m);
            b.changed++;
        }
        free(name);
    }
    iso_time(now_ms(), now);
    top = json_pack("{s:s, s:s, s:{s:s?, s:s?}, s:o, s:s}",
                    "rcctl_version", RCD_VERSION,
                    "format", xfmt_ext[o->fmt],
                    "range", "since", o->since, "until", o->until,
                    "rooms", all, "finished_at", now);
    buf_reset(&path);
    buf_addf(&path, "%s/manifest.json", dir);
    if (write_json_file(path.data, top) < 0)
        bulk_failed(&b, path.data, EXIT_FAILED, "cannot write '%s': %s",
                    path.data, strerror(errno));
    json_decref(top);
    buf_release(&path);
    return bulk_end(&b, rooms->n);
}

/* ---- the command ---- */

static int export_run(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "since", required_argument, NULL, 's' },
        { "until", required_argument, NULL, 'u' },
        { "output", required_argument, NULL, 'O' },
        { "force", no_argument, NULL, 'f' },
        { "resume", no_argument, NULL, 'r' },
        { "all", required_argument, NULL, 'A' },
        { "page-size", required_argument, NULL, 'P' },
        { NULL, 0, NULL, 0 },
    };
    struct xopts o = { 0 };
    struct room_list rooms = { 0 };
    struct client_reply r = CLIENT_REPLY_INIT;
    const char *output = NULL, *all = NULL;
    struct client *c;
    int opt, rc = EXIT_OK, nargs;

    o.page = EXPORT_PAGE;
    while ((opt = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
        switch (opt) {
        case 's':
            if ((rc = command_iso_arg("--since", optarg, &o.since)))
                goto out;
            break;
        case 'u':
            if ((rc = command_iso_arg("--until", optarg, &o.until)))
                goto out;
            break;
        case 'O': output = optarg; break;
        case 'f': o.force = 1; break;
        case 'r': o.resume = 1; break;
        case 'A': all = optarg; break;
        case 'P':
            if (command_parse_long(optarg, 1, EXPORT_PAGE_MAX, &o.page)) {
                rc = usage_errorf("--page-size wants a number from 1 to %d, "
                                  "not '%s'", EXPORT_PAGE_MAX, optarg);
                goto out;
            }
            break;
        default:
            rc = command_bad_option(argv);
            goto out;
        }
    }
    switch (ctx->out.format) {
    case OUTPUT_AUTO:
    case OUTPUT_CSV: o.fmt = XF_CSV; break;
    case OUTPUT_JSON: o.fmt = XF_JSON; break;
    case OUTPUT_NDJSON: o.fmt = XF_NDJSON; break;
    default:
        rc = usage_errorf("export writes csv, json or ndjson");
        goto out;
    }
    if (ctx->out.columns) {
        rc = usage_errorf("export has fixed columns; --columns does not "
                          "apply");
        goto out;
    }
    o.no_header = ctx->out.no_header;
    o.csv_guard = ctx->out.csv_guard;
    o.quiet = ctx->quiet;
    if (o.since && o.until && strcmp(o.since, o.until) > 0) {
        rc = usage_errorf("--since is after --until");
        goto out;
    }
    nargs = argc - optind;
    if (all && nargs) {
        rc = usage_errorf("--all takes no rooms");
        goto out;
    }
    if (all && output) {
        rc = usage_errorf("--all names the folder; --output does not apply");
        goto out;
    }
    if (!all && !nargs) {
        rc = usage_errorf("want a room (#channel, group, @user or an id), "
                          "or --all DIR");
        goto out;
    }
    if (nargs > 1 && !output) {
        rc = usage_errorf("several rooms want --output DIR (one file each)");
        goto out;
    }
    if (o.resume && !all && !output) {
        rc = usage_errorf("--resume wants --output FILE (stdout cannot be "
                          "resumed)");
        goto out;
    }
    if (output && !strcmp(output, "-"))
        output = NULL;
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    if (all) {
        rc = all_rooms(c, &rooms);
        if (!rc)
            rc = export_dir(ctx, c, &o, &rooms, all);
        goto out;
    }
    for (int i = optind; i < argc; i++) {
        struct xroom x = { 0 };

        if (resolve_room(c, argv[i], &x, &r)) {
            if (nargs == 1) {
                rc = command_fail(&r, "cannot export '%s'", argv[i]);
                goto out;
            }
            /* several: report below with the others */
            rc = command_fail(&r, "cannot export '%s'", argv[i]);
            client_reply_release(&r);
            xroom_release(&x);
            continue;
        }
        client_reply_release(&r);
        room_list_add(&rooms, &x);
    }
    if (nargs == 1) {
        rc = export_room(ctx, c, &o, &rooms.v[0], output, NULL);
    } else {
        int rc2 = rooms.n ? export_dir(ctx, c, &o, &rooms, output) : rc;

        /* rooms that did not resolve count as failed items too */
        if (!rc)
            rc = rc2;
        else if (rooms.n && rc2 != rc)
            rc = EXIT_PARTIAL;
    }
out:
    room_list_release(&rooms);
    client_reply_release(&r);
    free(o.since);
    free(o.until);
    return rc;
}

const struct command export_commands[] = {
    {
    .name = "export",
    .synopsis = "[--format csv|json|ndjson] [--since TIME] [--until TIME] "
                "[--output FILE|DIR] [--force] [--resume] [--page-size N] "
                "(<room>... | --all DIR)",
    .summary = "export rooms' messages to files, oldest first, resumable",
    .run = export_run,
    .flags = CMD_LOGIN,
    .examples =
        "rcctl export '#general' --output general.csv\n"
        "rcctl export secret-group @alice --format ndjson --output exports/\n"
        "rcctl export '#ops' --since 2024-01-01 --until 2024-02-01 "
        "--format json --output ops-jan.json\n"
        "# after an interruption (Ctrl-C, network), continue where it stopped\n"
        "rcctl export '#general' --output general.csv --resume\n"
        "rcctl export --all /backup/chat-$(date +%F) --format ndjson",
    .help =
        "Reads each room's whole history (channels.history, groups.history\n"
        "or im.history, as the room's type says), page by page with the\n"
        "time cursor, and writes it oldest message first. Pages are spooled\n"
        "to disk as they arrive (constant memory), under\n"
        "$XDG_STATE_HOME/rcctl/exports/, and the file is written whole at\n"
        "the end (FILE.part, then renamed), so a FILE is never half done.\n"
        "A room is #channel, a private group's name, @user (your direct\n"
        "messages with user) or a room id. Thread replies and system\n"
        "messages are included.\n"
        "\n"
        "Fields (csv columns, in this order; json/ndjson keys):\n"
        "  id           the message id\n"
        "  timestamp    when it was sent, ISO 8601 UTC with milliseconds\n"
        "  username     the sender's username\n"
        "  name         the sender's display name\n"
        "  text         the message text (csv: RFC 4180 quoted, CRLF rows)\n"
        "  thread_id    the thread's first message id, for a reply\n"
        "  edited       when it was last edited (ISO), or empty/null\n"
        "  attachments  the attachments as JSON, or empty/null\n"
        "\n"
        "Formats (--format, default csv): csv with a header row\n"
        "(--no-header leaves it out; --csv-guard defuses = + - @ cells);\n"
        "json, one array document; ndjson, one object a line.\n"
        "\n"
        "Options:\n"
        "  --since TIME      only messages at or after TIME (2024-01-31 or\n"
        "                    2024-01-31T12:00:00Z)\n"
        "  --until TIME      only messages at or before TIME\n"
        "  --output FILE     write FILE and FILE.manifest.json (default or\n"
        "                    -: stdout, without a manifest); with several\n"
        "                    rooms a folder, one NAME.EXT file each\n"
        "  --all DIR         every room you can read (rooms.get) into DIR,\n"
        "                    one file each, with DIR/manifest.json\n"
        "  -f, --force       overwrite existing files\n"
        "  --resume          continue an interrupted export of the same\n"
        "                    room, range, format and FILE; the result is\n"
        "                    the same file an uninterrupted run writes.\n"
        "                    With --all, files already done are kept\n"
        "  --page-size N     messages asked per request (default 100; the\n"
        "                    server may cap it, Rocket.Chat at 100)\n"
        "\n"
        "The manifest (FILE.manifest.json) holds the room's id, name and\n"
        "type, the range asked for and the first and last message's times,\n"
        "the message count, the file's size and sha256, rcctl's version\n"
        "and when the export finished.\n"
        "\n"
        "Exit status: 6 when FILE exists and --force is not given; 4 when\n"
        "there is no such room you can read; 3 when some rooms of several\n"
        "failed. Note that -o is --format here as everywhere, so the file\n"
        "is --output.\n",
    },
    { NULL },
};
