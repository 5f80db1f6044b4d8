/*
 * message post|history: post to rooms (chat.postMessage) and read a
 * room's whole history, page by page with the time cursor of
 * channels.history / groups.history / im.history, streamed.
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/buf.h"
#include "../../shared/json.h"
#include "../client.h"
#include "../command.h"

#define HISTORY_PAGE 100          /* Rocket.Chat's default upper count */
#define MAX_TEXT_BYTES (1u << 20)

static const char *const target_columns[] = { "name", "_id", NULL };

/* ---- message post ---- */

struct post {
    struct targets t;
    const char *text;
    json_t *extra;          /* alias, emoji, ... */
    struct output *o;
    int dry_run;
};

static void post_item(struct bulk_pool *p, struct client *c, size_t i,
                      void *data)
{
    struct post *ps = data;
    struct client_reply r = CLIENT_REPLY_INIT;
    const char *to = ps->t.items[i];
    json_t *body;
    struct bulk *b;
    enum err e = ERR_OK;

    if (!ps->dry_run) {
        /* channel takes #name, @user, a room id or name alike */
        body = json_deep_copy(ps->extra);
        json_object_set_new(body, "channel", json_string(to));
        json_object_set_new(body, "text", json_string(ps->text));
        e = client_post(c, "/api/v1/chat.postMessage", body, &r);
        json_decref(body);
    }
    b = bulk_pool_lock(p);
    if (ps->dry_run) {
        bulk_changed(b, "would post %zu bytes to '%s'", strlen(ps->text), to);
    } else if (e) {
        if (r.error_type && !strcmp(r.error_type, "invalid-channel"))
            bulk_failed(b, to, EXIT_NOT_FOUND, "cannot post to '%s': no "
                        "such room or user", to);
        else
            bulk_failed_reply(b, to, &r, "cannot post to '%s'", to);
    } else {
        bulk_changed(b, "posted to '%s'", to);
        if (ps->o && json_object_get(r.json, "message"))
            output_item(ps->o, json_object_get(r.json, "message"));
    }
    bulk_pool_unlock(p);
    client_reply_release(&r);
}

/* All of stdin as the text, without its last newline. */
static int message_post(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "from", required_argument, NULL, 'f' },
        { "dry-run", no_argument, NULL, 'n' },
        { "alias", required_argument, NULL, 'a' },
        { "emoji", required_argument, NULL, 'e' },
        { NULL, 0, NULL, 0 },
    };
    struct post ps = { 0 };
    struct client *c;
    struct bulk b;
    const char *from = NULL;
    char *text = NULL;
    int opt, rc, orc, nargs;

    ps.extra = json_object();
    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        switch (opt) {
        case 'f': from = optarg; break;
        case 'n': ps.dry_run = 1; break;
        case 'a':
            json_object_set_new(ps.extra, "alias", json_string(optarg));
            break;
        case 'e':
            json_object_set_new(ps.extra, "emoji", json_string(optarg));
            break;
        default:
            rc = command_bad_option(argv);
            goto out;
        }
    }
    nargs = argc - optind;
    if (nargs < 1 || (nargs < 2 && !from)) {
        rc = usage_errorf("want a target (#channel, @user or a room id) and "
                          "the text (or - for stdin)");
        goto out;
    }
    if (!strcmp(argv[argc - 1], "-")) {
        if (from && !strcmp(from, "-")) {
            rc = usage_errorf("--from - and the text on stdin cannot both "
                              "be stdin");
            goto out;
        }
        text = command_read_stdin_text(MAX_TEXT_BYTES);
        if (!text) {
            rc = EXIT_FAILED;
            goto out;
        }
    } else {
        text = xstrdup(argv[argc - 1]);
    }
    if (!*text) {
        rc = usage_errorf("the text is empty");
        goto out;
    }
    ps.text = text;
    rc = targets_read(&ps.t, nargs - 1, argv + optind, from, target_columns);
    if (rc)
        goto out;
    if (!ps.t.n) {
        rc = usage_errorf("want at least one target (or --from FILE)");
        goto out;
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    if (!ps.dry_run)
        ps.o = command_output(ctx, 1);
    bulk_init(&b, ctx, ps.dry_run);
    bulk_parallel(ctx, &b, ps.t.n, post_item, &ps);
    orc = ps.o ? command_output_end(ps.o) : EXIT_OK;
    rc = bulk_end(&b, ps.t.n);
    if (!rc)
        rc = orc;
out:
    free(text);
    json_decref(ps.extra);
    targets_release(&ps.t);
    return rc;
}

/* ---- message history ---- */

/*
 * The history endpoint and room id for arg: "@user" (your direct
 * messages with user, from im.list), "#name", a name or a room id (from
 * rooms.info). Returns ERR_OK with *path ("/api/v1/channels.history")
 * and *rid (caller frees), else the error in *r.
 */
static enum err history_room(struct client *c, const char *arg,
                             const char **path, char **rid,
                             struct client_reply *r)
{
    enum err e = ERR_NOT_FOUND;
    const char *t;

    *rid = NULL;
    if (arg[0] == '@' && arg[1]) {
        json_t *dm;

        e = command_find_dm(c, arg + 1, &dm, r);
        if (e == ERR_NOT_FOUND)
            client_reply_fail(r, ERR_NOT_FOUND, "you have no direct "
                              "messages with '%s'", arg + 1);
        if (e)
            return e;
        *rid = xstrdup(json_str(dm, "_id"));
        json_decref(dm);
        *path = "/api/v1/im.history";
        return ERR_OK;
    }
    arg = command_skip_sigil(arg, '#');
    e = command_room_info(c, arg, 1, 1, NULL, r);
    if (e == ERR_NOT_FOUND)
        client_reply_fail(r, ERR_NOT_FOUND, "no room '%s' that you can read",
                          arg);
    if (e)
        return e;
    t = json_str(json_object_get(r->json, "room"), "t");
    if (!t || !json_str(json_object_get(r->json, "room"), "_id")) {
        client_reply_fail(r, ERR_INVALID, "the answer has no room");
        return ERR_INVALID;
    }
    if (!strcmp(t, "c"))
        *path = "/api/v1/channels.history";
    else if (!strcmp(t, "p"))
        *path = "/api/v1/groups.history";
    else if (!strcmp(t, "d"))
        *path = "/api/v1/im.history";
    else {
        client_reply_fail(r, ERR_INVALID, "room '%s' is of type '%s', which "
                          "has no history endpoint", arg, t);
        return ERR_INVALID;
    }
    *rid = xstrdup(json_str(json_object_get(r->json, "room"), "_id"));
    return ERR_OK;
}

struct history {
    struct rcctl *ctx;
    struct output *o;
    json_t *kept;           /* --reverse: every message, newest first */
    long limit, shown;      /* limit 0: all */
};

static void history_emit(struct history *h, const json_t *m)
{
    if (h->kept) {
        json_array_append(h->kept, (json_t *)m);
        return;
    }
    if (!h->o)
        h->o = command_output(h->ctx, 1);
    output_item(h->o, m);
}

/*
 * Walk the history newest first. Each page asks for the messages at or
 * before the oldest time seen (latest, inclusive) and skips, by offset,
 * those already seen at that very time, so messages sharing a
 * millisecond are neither lost nor repeated. Stops at an empty page:
 * never early because the server capped the page size.
 */
static enum err history_walk(struct client *c, struct history *h,
                             const char *endpoint, const char *rid,
                             const char *latest, const char *oldest,
                             struct client_reply *r)
{
    struct buf path = BUF_INIT;
    json_t *at_cursor = json_object();    /* ids seen at the cursor time */
    char *cursor = latest ? xstrdup(latest) : NULL;
    enum err e = ERR_OK;
    char num[32];

    while (!h->limit || h->shown < h->limit) {
        const json_t *msgs;
        size_t i, fresh = 0;
        json_t *m;

        buf_reset(&path);
        buf_adds(&path, endpoint);
        client_query(&path, "roomId", rid);
        snprintf(num, sizeof(num), "%d", HISTORY_PAGE);
        client_query(&path, "count", num);
        if (cursor) {
            client_query(&path, "latest", cursor);
            client_query(&path, "inclusive", "true");
            snprintf(num, sizeof(num), "%zu", json_object_size(at_cursor));
            client_query(&path, "offset", num);
        }
        if (oldest)
            client_query(&path, "oldest", oldest);
        client_query(&path, "showThreadMessages", "true");
        e = client_get(c, path.data, r);
        if (e)
            break;
        msgs = json_object_get(r->json, "messages");
        if (!json_is_array(msgs)) {
            client_reply_fail(r, ERR_INVALID,
                              "the answer has no 'messages' list");
            e = ERR_INVALID;
            break;
        }
        if (!json_array_size(msgs))
            break;
        json_array_foreach(msgs, i, m) {
            const char *ts = json_str(m, "ts"), *id = json_str(m, "_id");

            if (!ts || !id) {
                client_reply_fail(r, ERR_INVALID,
                                  "a message without ts or _id");
                e = ERR_INVALID;
                goto out;
            }
            if (cursor && !strcmp(ts, cursor) &&
                json_object_get(at_cursor, id))
                continue;   /* seen: the server did not skip it */
            if (!cursor || strcmp(ts, cursor)) {
                free(cursor);
                cursor = xstrdup(ts);
                json_object_clear(at_cursor);
            }
            json_object_set_new(at_cursor, id, json_true());
            fresh++;
            history_emit(h, m);
            if (h->limit && ++h->shown >= h->limit)
                break;
        }
        if (!fresh) {
            client_reply_fail(r, ERR_INVALID, "the server sent the same "
                              "messages again; it ignores 'offset' on "
                              "history");
            e = ERR_INVALID;
            break;
        }
        client_reply_release(r);
    }
out:
    if (!e)
        client_reply_release(r);
    free(cursor);
    json_decref(at_cursor);
    buf_release(&path);
    return e;
}

static int message_history(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "reverse", no_argument, NULL, 'r' },
        { "latest", required_argument, NULL, 'L' },
        { "oldest", required_argument, NULL, 'O' },
        { "limit", required_argument, NULL, 'l' },
        { NULL, 0, NULL, 0 },
    };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct history h = { 0 };
    struct client *c;
    const char *endpoint = NULL;
    char *rid = NULL, *latest = NULL, *oldest = NULL;
    int opt, rc, reverse = 0;
    enum err e;

    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'r': reverse = 1; break;
        case 'L':
            if ((rc = command_iso_arg("--latest", optarg, &latest)))
                goto out;
            break;
        case 'O':
            if ((rc = command_iso_arg("--oldest", optarg, &oldest)))
                goto out;
            break;
        case 'l':
            if (command_parse_long(optarg, 1, LONG_MAX, &h.limit)) {
                rc = usage_errorf("--limit wants a number from 1, not '%s'",
                                  optarg);
                goto out;
            }
            break;
        default:
            rc = command_bad_option(argv);
            goto out;
        }
    }
    if (argc - optind != 1) {
        rc = usage_errorf("want one room (#channel, @user, a name or an id)");
        goto out;
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    if (history_room(c, argv[optind], &endpoint, &rid, &r)) {
        rc = command_fail(&r, "cannot read the history of '%s'",
                          argv[optind]);
        goto out;
    }
    h.ctx = ctx;
    if (reverse)
        h.kept = json_array();
    e = history_walk(c, &h, endpoint, rid, latest, oldest, &r);
    if (reverse) {
        size_t n = json_array_size(h.kept);

        h.o = command_output(ctx, 1);
        while (n--)
            output_item(h.o, json_array_get(h.kept, n));
    }
    if (!h.o && !e)
        h.o = command_output(ctx, 1);
    rc = h.o ? command_output_end(h.o) : EXIT_OK;
    if (e)
        rc = command_fail(&r, "cannot read the history of '%s'",
                          argv[optind]);
out:
    json_decref(h.kept);
    free(rid);
    free(latest);
    free(oldest);
    client_reply_release(&r);
    return rc;
}

const struct command message_commands[] = {
    {
        .name = "post",
        .synopsis = "[--alias NAME] [--emoji :E:] [--from FILE] [--dry-run] "
                    "<target>... <text|->",
        .summary = "post a message to rooms or users",
        .run = message_post,
        .flags = CMD_LOGIN,
        .columns = "_id,rid,ts,msg",
        .examples =
            "rcctl message post '#general' 'Test message'\n"
            "rcctl message post @alice 'Your build is green'\n"
            "# with a personal access token, from cron\n"
            "RCCTL_USER_ID=... RCCTL_TOKEN_FILE=~/.rc-token rcctl message "
            "post '#ops' 'backup done'\n"
            "df -h | rcctl message post '#ops' -",
        .help =
            "Posts the text (the last argument; - reads it from stdin) to\n"
            "each target with chat.postMessage: #channel (a public channel\n"
            "you are not in is joined), @user (the direct messages, made\n"
            "if need be), or a room name or id. Prints the messages posted.\n"
            "A post is not an 'ensure': running the command again posts\n"
            "again.\n"
            "\n"
            "Options:\n"
            "  --alias NAME     show the message under NAME (needs the\n"
            "                   message-impersonate permission)\n"
            "  --emoji :E:      show the emoji as the avatar\n"
            "  --from FILE      read more targets from FILE, one a line\n"
            "  -n, --dry-run    say where it would be posted\n"
            "\nA failure does not stop the other targets; exit status 3 when\n"
            "some failed and some did not.\n",
    },
    {
        .name = "history",
        .synopsis = "[--reverse] [--oldest TIME] [--latest TIME] "
                    "[--limit N] <room>",
        .summary = "print a room's messages, all pages, streamed",
        .run = message_history,
        .flags = CMD_LOGIN,
        .columns = "_id,ts,u.username,msg,t",
        .examples =
            "rcctl message history '#general'\n"
            "rcctl message history '#general' --reverse -o csv > general.csv\n"
            "rcctl message history @alice --limit 20\n"
            "rcctl message history ops --oldest 2024-01-01 --latest "
            "2024-02-01 -o ndjson",
        .help =
            "Reads the room's history (channels.history, groups.history or\n"
            "im.history, as the room's type says) 100 messages a page,\n"
            "newest first, each page before the oldest message seen, until\n"
            "the server has no more; messages are printed as they arrive.\n"
            "Thread replies and system messages are included.\n"
            "\n"
            "Options:\n"
            "  --reverse        oldest first (the messages are held in memory\n"
            "                   until the last page came)\n"
            "  --oldest TIME    only messages at or after TIME\n"
            "  --latest TIME    only messages at or before TIME\n"
            "  --limit N        the N newest messages (of the range) only\n"
            "\nThe room is @user (your direct messages), #name, a name or an\n"
            "id. Exit status 4 when there is no such room you can read.\n",
    },
    { NULL },
};
