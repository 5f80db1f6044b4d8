/*
 * Rooms: channel ... and group ... (public and private rooms), dm list,
 * discussion ..., and room notify|orphans|recover, with only the
 * channels.*, groups.*, im.*, rooms.*, subscriptions.* and users.info
 * endpoints real Rocket.Chat has. The loops of the operations notes
 * (notification preferences on every room, one user owner of every
 * private group, the groups a user is in, the room whose only owner is
 * gone) are one command each, idempotent, concurrent with -j over
 * reused connections (bulk_parallel()).
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../shared/buf.h"
#include "../../shared/json.h"
#include "../client.h"
#include "../command.h"
#include "../journal.h"

#define MAX_CONFIRM_NAMES 5

/* ---- room kinds ---- */

struct kind {
    const char *word;      /* "channel": for messages */
    const char *api;       /* "channels": the endpoint prefix */
    const char *key;       /* "channel": the object in info answers */
    const char *list_key;  /* "channels": the list in list answers */
    char t;                /* the rooms' t */
};

static const struct kind channel_kind = {
    "channel", "channels", "channel", "channels", 'c',
};
static const struct kind group_kind = {
    "group", "groups", "group", "groups", 'p',
};

static const struct kind *kind_of(const json_t *room)
{
    const char *t = json_str(room, "t");

    if (t && !strcmp(t, "c"))
        return &channel_kind;
    if (t && !strcmp(t, "p"))
        return &group_kind;
    return NULL;
}

/* Columns a --from table may name the rooms or users by. */
static const char *const room_columns[] = { "name", "_id", "rid", NULL };
static const char *const user_columns[] = { "username", "_id", NULL };

/* ---- small helpers ---- */

/* The name to show for a room: name (fname for discussions), else id. */
static const char *room_label(const json_t *room)
{
    const char *s = json_str(room, "prid") ? json_str(room, "fname") : NULL;

    if (!s)
        s = json_str(room, "name");
    if (!s)
        s = json_str(room, "fname");
    if (!s)
        s = json_str(room, "_id");
    return s ? s : "?";
}

static int is_error_type(const struct client_reply *r, const char *type)
{
    return r->error_type && !strcmp(r->error_type, type);
}

/* A route the server does not have: 404 with no errorType. */
static int is_missing_route(const struct client_reply *r)
{
    return r->status == 404 && !json_str(r->json, "errorType");
}

/* Split "a,b,c" into a new JSON array of strings (empty parts skipped). */
static json_t *split_list(const char *s)
{
    json_t *a = json_array();

    while (s && *s) {
        size_t n = strcspn(s, ",");

        if (n)
            json_array_append_new(a, json_stringn(s, n));
        s += n + (s[n] == ',');
    }
    return a;
}

/* ---- finding rooms and users ---- */

enum lookup { BY_NAME = 1, BY_ID = 2, BY_EITHER = 3 };

/*
 * Admins reach private groups they are not in only through
 * groups.listAll; the first time a group is not found by name or id it
 * is looked for there (once per run, shared by the workers).
 */
static struct {
    pthread_mutex_t lock;
    int state;            /* 0: not loaded; 1: loaded; -1: cannot */
    json_t *groups;       /* read-only once loaded */
} scan = { PTHREAD_MUTEX_INITIALIZER, 0, NULL };

static void scan_release(void)
{
    json_decref(scan.groups);
    scan.groups = NULL;
    scan.state = 0;
}

/* A copy of the group named (or with id) name from groups.listAll. */
static json_t *scan_find(struct client *c, const char *name, enum lookup how)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    json_t *g, *found = NULL;
    size_t i;
    int state;

    pthread_mutex_lock(&scan.lock);
    if (!scan.state)
        scan.state = client_pages_all(c, "/api/v1/groups.listAll",
                                      "groups", &scan.groups, &r) ? -1 : 1;
    state = scan.state;
    pthread_mutex_unlock(&scan.lock);
    client_reply_release(&r);
    if (state < 0)
        return NULL;
    json_array_foreach(scan.groups, i, g) {
        const char *n = json_str(g, "name"), *id = json_str(g, "_id");

        if (((how & BY_NAME) && n && !strcmp(n, name)) ||
            ((how & BY_ID) && id && !strcmp(id, name))) {
            found = json_deep_copy(g);
            break;
        }
    }
    return found;
}

/*
 * The room of kind k named by arg (a name, "#name", or an id, as how
 * allows) from <kind>s.info into *room (caller decrefs). With scan, a
 * group not found is looked for in groups.listAll, and *via_scan (may be
 * NULL) says so: the caller is then not in it. On failure *r says why
 * (ERR_NOT_FOUND when there is no such room).
 */
static enum err room_get(struct client *c, const struct kind *k,
                         const char *arg, enum lookup how, int with_scan,
                         json_t **room, int *via_scan,
                         struct client_reply *r)
{
    const char *name = command_skip_sigil(arg, '#');
    struct buf path = BUF_INIT;
    enum err e = ERR_NOT_FOUND;

    *room = NULL;
    if (via_scan)
        *via_scan = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (!(how & (pass ? BY_ID : BY_NAME)))
            continue;
        buf_reset(&path);
        buf_addf(&path, "/api/v1/%s.info", k->api);
        client_query(&path, pass ? "roomId" : "roomName", name);
        e = client_get(c, path.data, r);
        if (!e) {
            json_t *v = json_object_get(r->json, k->key);

            if (json_is_object(v)) {
                *room = json_incref(v);
                break;
            }
            client_reply_fail(r, ERR_INVALID, "the answer has no %s", k->key);
            e = ERR_INVALID;
            break;
        }
        if (e != ERR_NOT_FOUND)
            break;
    }
    buf_release(&path);
    if (e == ERR_NOT_FOUND && with_scan && k == &group_kind) {
        *room = scan_find(c, name, how);
        if (*room) {
            e = ERR_OK;
            client_reply_release(r);
            if (via_scan)
                *via_scan = 1;
        }
    }
    if (e == ERR_NOT_FOUND)
        client_reply_fail(r, ERR_NOT_FOUND, "no %s '%s'", k->word, name);
    return e;
}

/*
 * Any room by name or id (rooms.info; a leading '#' is dropped), into
 * *room (caller decrefs). A private group the caller cannot see is looked
 * for in groups.listAll when with_scan (*via_scan then set).
 */
static enum err any_room_get(struct client *c, const char *arg,
                             enum lookup how, int with_scan, json_t **room,
                             int *via_scan, struct client_reply *r)
{
    const char *name = command_skip_sigil(arg, '#');
    enum err e;
    int denied = 0;

    *room = NULL;
    if (via_scan)
        *via_scan = 0;
    e = command_room_info(c, name, how & BY_NAME, how & BY_ID, &denied, r);
    if (!e) {
        json_t *v = json_object_get(r->json, "room");

        if (json_is_object(v)) {
            *room = json_incref(v);
        } else {
            client_reply_fail(r, ERR_INVALID, "the answer has no room");
            e = ERR_INVALID;
        }
    }
    if (e == ERR_NOT_FOUND && with_scan) {
        *room = scan_find(c, name, how);
        if (*room) {
            e = ERR_OK;
            client_reply_release(r);
            if (via_scan)
                *via_scan = 1;
        }
    }
    if (e == ERR_NOT_FOUND)
        client_reply_fail(r, ERR_NOT_FOUND, "no room '%s'%s", name,
                          denied ? " that you can see" : "");
    return e;
}

/*
 * The user named by arg (a username, "@name", or a user id) from
 * users.info into *user (caller decrefs); extra is more query ("" or
 * "&includeUserRooms=true"). ERR_NOT_FOUND when there is none.
 */
static enum err user_find(struct client *c, const char *arg, enum lookup how,
                          const char *extra, json_t **user,
                          struct client_reply *r)
{
    const char *name = command_skip_sigil(arg, '@');
    enum err e = command_user_info(c, name, how & BY_NAME, how & BY_ID,
                                   extra, user, r);

    if (e == ERR_NOT_FOUND)
        client_reply_fail(r, ERR_NOT_FOUND, "no user '%s'", name);
    return e;
}

/* ---- listing ---- */

struct lister {
    struct rcctl *ctx;
    struct output *o;       /* opened at the first item */
    const json_t *keep;     /* if set: only items whose _id is a key */
    long shown;
};

static int list_item(const json_t *item, void *data)
{
    struct lister *l = data;

    if (l->keep) {
        const char *id = json_str(item, "_id");

        if (!id || !json_object_get(l->keep, id))
            return 0;
    }
    if (!l->o)
        l->o = command_output(l->ctx, 1);
    output_item(l->o, item);
    l->shown++;
    return 0;
}

/* Stream every page of path to stdout. Returns the exit code. */
static int list_run(struct rcctl *ctx, struct client *c, const char *path,
                    const char *list_key, const json_t *keep,
                    const char *what)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    struct lister l = { ctx, NULL, keep, 0 };
    enum err e;
    int rc;

    e = client_pages(c, path, list_key, list_item, &l, &r, NULL, NULL);
    if (!l.o && !e)
        l.o = command_output(ctx, 1);
    rc = l.o ? command_output_end(l.o) : EXIT_OK;
    if (e)
        rc = command_fail(&r, "cannot list %s", what);
    client_reply_release(&r);
    return rc;
}

/* ---- bulk plumbing ---- */

/*
 * One bulk run over rooms: the targets (names or ids) or, with --all,
 * the rooms of a list; per item a result on stderr and the counts.
 */
struct job {
    struct rcctl *ctx;
    const struct kind *k;
    struct targets t;
    enum lookup how;
    json_t *rooms;           /* --all: the rooms, else NULL */
    int dry_run;
    struct output *o;        /* for commands that print what they made */
    /* the user of add-owner, kick, invite, recover */
    const char *uid, *uname;
    /* per command */
    json_t *members;         /* kick/invite: user ids in the room -> true */
    json_t *room;            /* kick/invite: the room */
    int room_via_scan;
    json_t *opts;            /* create: extra fields of the body */
    json_t *urooms;          /* dry runs: rid -> roles of uid, or NULL */
    int no_roles_route;      /* <kind>s.roles is missing: do not ask again */
    int warned;
    json_t **found;          /* delete: per item, the room or NULL */
    int *scanned;            /* delete: per item, found via listAll */
    int ignore_missing;      /* delete: a missing room is unchanged */
    int archive;             /* archive (1) or unarchive (0) */
    int kick;                /* kick (1) or invite (0) */
    int join_self;           /* owners: join groups you are not in */
    const char *self_id;     /* the caller's user id */
};

static size_t job_count(const struct job *j)
{
    return j->rooms ? json_array_size(j->rooms) : j->t.n;
}

static const char *job_arg(const struct job *j, size_t i)
{
    if (j->rooms) {
        const char *id = json_str(json_array_get(j->rooms, i), "_id");

        return id ? id : "?";
    }
    return j->t.items[i];
}

/*
 * The room of item i (owned; NULL after reporting the failure): from
 * the --all list, or looked up.
 */
static json_t *job_room(struct bulk_pool *p, struct job *j, struct client *c,
                        size_t i, const char *verb, int with_scan,
                        int *via_scan)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    const char *arg = job_arg(j, i);
    json_t *room;
    struct bulk *b;

    if (via_scan)
        *via_scan = 0;
    if (j->rooms)
        return json_deep_copy(json_array_get(j->rooms, i));
    if (!room_get(c, j->k, arg, j->how, with_scan, &room, via_scan, &r)) {
        client_reply_release(&r);
        return room;
    }
    b = bulk_pool_lock(p);
    if (r.err == ERR_NOT_FOUND)
        bulk_failed(b, arg, EXIT_NOT_FOUND, "cannot %s %s '%s': no such %s",
                    verb, j->k->word, command_skip_sigil(arg, '#'), j->k->word);
    else
        bulk_failed_reply(b, arg, &r, "cannot %s %s '%s'", verb, j->k->word,
                          arg);
    bulk_pool_unlock(p);
    client_reply_release(&r);
    return NULL;
}

/* POST api/<kind>s.<op> with body (decref'd here). */
static enum err kind_post(struct client *c, const struct kind *k,
                          const char *op, json_t *body,
                          struct client_reply *r)
{
    struct buf path = BUF_INIT;
    enum err e;

    buf_addf(&path, "/api/v1/%s.%s", k->api, op);
    e = client_post(c, path.data, body, r);
    json_decref(body);
    buf_release(&path);
    return e;
}

/*
 * Journal a change of room (of kind k) made by <kind>s.<op> with body;
 * it is reversed by <kind>s.<undo_op> with undo_body (taken over), or,
 * undo_op NULL, not at all, because of why_not. user (may be NULL) is the
 * member the change was about. before and after are taken over.
 */
static void journal_room(struct rcctl *ctx, const struct kind *k,
                         const json_t *room, const char *action,
                         const json_t *user, json_t *before, json_t *after,
                         const char *op, const json_t *body,
                         const char *undo_op, json_t *undo_body,
                         const char *why_not)
{
    struct buf path = BUF_INIT, undo = BUF_INIT;

    if (op[0] == '/')
        buf_adds(&path, op);
    else
        buf_addf(&path, "/api/v1/%s.%s", k->api, op);
    if (undo_op)
        buf_addf(&undo, "/api/v1/%s.%s", k->api, undo_op);
    journal_add(ctx, &(struct journal_entry){
        .type = k->word, .id = json_str(room, "_id"),
        .name = room_label(room), .action = action,
        .user_id = json_str(user, "_id"),
        .username = json_str(user, "username"),
        .before = before, .after = after, .path = path.data, .body = body,
        .undo_path = undo_op ? undo.data : NULL, .undo_body = undo_body,
        .why_not = why_not,
    });
    buf_release(&path);
    buf_release(&undo);
}

/* Parse the options every bulk command shares; 0 or 1 when handled. */
static int job_common_opt(struct job *j, int opt, const char **from)
{
    switch (opt) {
    case 'f': *from = optarg; return 1;
    case 'n': j->dry_run = 1; return 1;
    default: return 0;
    }
}

static int job_targets(struct job *j, int argc, char **argv, int first,
                       const char *from, const char *want)
{
    int rc = targets_read(&j->t, argc - first, argv + first, from,
                          room_columns);

    if (rc)
        return rc;
    if (!j->t.n && !j->rooms)
        return usage_errorf("want at least one %s (or --from FILE)", want);
    j->how = j->t.column >= 1 ? BY_ID : BY_EITHER;
    return 0;
}

static void job_release(struct job *j)
{
    targets_release(&j->t);
    json_decref(j->rooms);
    json_decref(j->members);
    json_decref(j->room);
    json_decref(j->opts);
    json_decref(j->urooms);
}

#define BULK_OPTIONS \
    { "from", required_argument, NULL, 'f' }, \
    { "dry-run", no_argument, NULL, 'n' }

#define ROOMS_FROM_HELP \
    "  --from FILE      read more rooms from FILE (- for stdin): one name or\n" \
    "                   id a line, or rcctl's csv/tsv output (the name column,\n" \
    "                   else _id); blank lines and # comments are skipped\n" \
    "                   (so names go without their #)\n" \
    "  -n, --dry-run    say what would change, change nothing\n"

#define BULK_NOTE \
    "\nEach item gets a line on stderr, then the counts (changed, unchanged,\n" \
    "failed). A failure does not stop the others; exit status 3 when some\n" \
    "failed and some did not. Up to -j N requests run at once (default 4),\n" \
    "each worker on its own kept-alive connection.\n"

/* ---- channel|group list, info, members ---- */

/* The path listing every room of kind k the caller may list. */
static const char *all_rooms_path(const struct kind *k)
{
    return k == &channel_kind ? "/api/v1/channels.list"
                              : "/api/v1/groups.listAll";
}

struct member_scan {
    struct rcctl *ctx;
    const struct kind *k;
    json_t *rooms;
    const char *uid;
    signed char *in;        /* per room: 1 in, 0 not, -1 cannot tell */
};

struct find_member {
    const char *uid;
    int found;
};

static int find_member_item(const json_t *item, void *data)
{
    struct find_member *f = data;
    const char *id = json_str(item, "_id");

    if (id && !strcmp(id, f->uid)) {
        f->found = 1;
        return 1;
    }
    return 0;
}

/* Is uid among the members of room rid? 1, 0, or -1 with *r saying why. */
static int is_member(struct client *c, const struct kind *k, const char *rid,
                     const char *uid, struct client_reply *r)
{
    struct find_member f = { uid, 0 };
    struct buf path = BUF_INIT;
    enum err e;

    buf_addf(&path, "/api/v1/%s.members", k->api);
    client_query(&path, "roomId", rid);
    e = client_pages(c, path.data, "members", find_member_item, &f, r, NULL,
                     NULL);
    buf_release(&path);
    return e ? -1 : f.found;
}

static void member_scan_item(struct bulk_pool *p, struct client *c, size_t i,
                             void *data)
{
    struct member_scan *m = data;
    struct client_reply r = CLIENT_REPLY_INIT;
    const json_t *room = json_array_get(m->rooms, i);
    const char *rid = json_str(room, "_id");
    int in = rid ? is_member(c, m->k, rid, m->uid, &r) : -1;

    bulk_pool_lock(p);
    m->in[i] = (signed char)in;
    if (in < 0)
        errorf("cannot see the members of %s '%s': %s", m->k->word,
               room_label(room), r.error ? r.error : "no id");
    bulk_pool_unlock(p);
    client_reply_release(&r);
}

/*
 * list --member USER: the rooms of kind k that USER is in. users.info
 * with includeUserRooms (Rocket.Chat, for view-other-user-channels) says
 * it in one request; else every room's members are read, as the
 * operations notes' loop did.
 */
static int list_member_of(struct rcctl *ctx, struct client *c,
                          const struct kind *k, const char *who)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    struct member_scan m = { 0 };
    json_t *user = NULL, *urooms, *keep = NULL, *v;
    struct output *o = NULL;
    size_t i, unknown = 0;
    int rc;

    if (user_find(c, who, BY_EITHER, "&includeUserRooms=true", &user, &r)) {
        rc = r.err == ERR_NOT_FOUND ? (errorf("no user '%s'", who),
                                       EXIT_NOT_FOUND)
                                    : command_fail(&r, "cannot get user '%s'",
                                                   who);
        goto out;
    }
    urooms = json_object_get(user, "rooms");
    if (json_is_array(urooms)) {
        keep = json_object();
        json_array_foreach(urooms, i, v) {
            const char *t = json_str(v, "t"), *rid = json_str(v, "rid");

            if (rid && t && t[0] == k->t && !t[1])
                json_object_set_new(keep, rid, json_true());
        }
        rc = list_run(ctx, c, all_rooms_path(k), k->list_key, keep,
                      k == &channel_kind ? "the channels" : "the groups");
        goto out;
    }
    if (client_pages_all(c, all_rooms_path(k), k->list_key, &m.rooms, &r)) {
        rc = command_fail(&r, "cannot list the %ss", k->word);
        goto out;
    }
    m.ctx = ctx;
    m.k = k;
    m.uid = json_str(user, "_id");
    if (!m.uid) {
        rc = errorf("user '%s' has no id", who);
        goto out;
    }
    m.in = xcalloc(json_array_size(m.rooms) + 1, 1);
    bulk_parallel(ctx, NULL, json_array_size(m.rooms), member_scan_item, &m);
    o = command_output(ctx, 1);
    json_array_foreach(m.rooms, i, v) {
        if (m.in[i] > 0)
            output_item(o, v);
        unknown += m.in[i] < 0;
    }
    rc = command_output_end(o);
    if (!rc && unknown) {
        errorf("could not check %zu of %zu %ss", unknown,
               json_array_size(m.rooms), k->word);
        rc = unknown == json_array_size(m.rooms) ? EXIT_FAILED : EXIT_PARTIAL;
    }
out:
    free(m.in);
    json_decref(m.rooms);
    json_decref(keep);
    json_decref(user);
    client_reply_release(&r);
    return rc;
}

static int kind_list(struct rcctl *ctx, int argc, char **argv,
                     const struct kind *k)
{
    static const struct option opts[] = {
        { "all", no_argument, NULL, 'a' },
        { "joined", no_argument, NULL, 'J' },
        { "member", required_argument, NULL, 'm' },
        { NULL, 0, NULL, 0 },
    };
    const char *member = NULL, *path;
    struct client *c;
    int all = 0, joined = 0, opt, rc;

    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'a': all = 1; break;
        case 'J': joined = 1; break;
        case 'm': member = optarg; break;
        default: return command_bad_option(argv);
        }
    }
    if (optind < argc)
        return usage_errorf("unexpected argument '%s'", argv[optind]);
    /* one table for both kinds: --all is the groups', --joined the
     * channels' (Rocket.Chat has no channels.listAll nor groups.list.joined) */
    if (k == &channel_kind ? all : joined)
        return usage_errorf("unknown option '--%s'", all ? "all" : "joined");
    if (all + joined + !!member > 1)
        return usage_errorf("--all, --joined and --member exclude each "
                            "other");
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    if (member)
        return list_member_of(ctx, c, k, member);
    if (k == &channel_kind)
        path = joined ? "/api/v1/channels.list.joined"
                      : "/api/v1/channels.list";
    else
        path = all ? "/api/v1/groups.listAll" : "/api/v1/groups.list";
    return list_run(ctx, c, path, k->list_key, NULL,
                    k == &channel_kind ? "the channels" : "the groups");
}

static int channel_list(struct rcctl *ctx, int argc, char **argv)
{
    return kind_list(ctx, argc, argv, &channel_kind);
}

static int group_list(struct rcctl *ctx, int argc, char **argv)
{
    return kind_list(ctx, argc, argv, &group_kind);
}

static int kind_info(struct rcctl *ctx, int argc, char **argv,
                     const struct kind *k)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    struct client *c;
    struct output *o;
    json_t *room = NULL;
    int rc = command_no_options(argc, argv, 1, 1);

    if (rc)
        return rc;
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    if (room_get(c, k, argv[optind], BY_EITHER, 1, &room, NULL, &r)) {
        rc = command_fail(&r, "cannot get %s '%s'", k->word, argv[optind]);
    } else {
        o = command_output(ctx, 0);
        output_item(o, room);
        rc = command_output_end(o);
    }
    json_decref(room);
    client_reply_release(&r);
    scan_release();
    return rc;
}

static int channel_info(struct rcctl *ctx, int argc, char **argv)
{
    return kind_info(ctx, argc, argv, &channel_kind);
}

static int group_info(struct rcctl *ctx, int argc, char **argv)
{
    return kind_info(ctx, argc, argv, &group_kind);
}

static int kind_members(struct rcctl *ctx, int argc, char **argv,
                        const struct kind *k)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    struct buf path = BUF_INIT, what = BUF_INIT;
    struct client *c;
    json_t *room = NULL;
    int rc = command_no_options(argc, argv, 1, 1);

    if (rc)
        return rc;
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    if (room_get(c, k, argv[optind], BY_EITHER, 0, &room, NULL, &r)) {
        rc = command_fail(&r, "cannot get %s '%s'", k->word, argv[optind]);
        goto out;
    }
    buf_addf(&path, "/api/v1/%s.members", k->api);
    client_query(&path, "roomId", json_str(room, "_id") ? json_str(room, "_id")
                                                        : "");
    buf_addf(&what, "the members of %s '%s'", k->word, room_label(room));
    rc = list_run(ctx, c, path.data, "members", NULL, what.data);
out:
    json_decref(room);
    client_reply_release(&r);
    buf_release(&path);
    buf_release(&what);
    return rc;
}

static int channel_members(struct rcctl *ctx, int argc, char **argv)
{
    return kind_members(ctx, argc, argv, &channel_kind);
}

static int group_members(struct rcctl *ctx, int argc, char **argv)
{
    return kind_members(ctx, argc, argv, &group_kind);
}

/* ---- channel|group create ---- */

static void create_item(struct bulk_pool *p, struct client *c, size_t i,
                        void *data)
{
    struct job *j = data;
    struct client_reply r = CLIENT_REPLY_INIT;
    const char *name = command_skip_sigil(j->t.items[i], '#');
    json_t *room = NULL, *body;
    struct bulk *b;
    enum err e;

    e = room_get(c, j->k, name, BY_NAME, 0, &room, NULL, &r);
    if (!e) {
        b = bulk_pool_lock(p);
        bulk_unchanged(b, "%s '%s' exists already", j->k->word, name);
        if (j->o)
            output_item(j->o, room);
        bulk_pool_unlock(p);
        goto out;
    }
    if (e != ERR_NOT_FOUND) {
        b = bulk_pool_lock(p);
        bulk_failed_reply(b, name, &r, "cannot create %s '%s'", j->k->word,
                          name);
        bulk_pool_unlock(p);
        goto out;
    }
    if (j->dry_run) {
        b = bulk_pool_lock(p);
        bulk_changed(b, "would create %s '%s'", j->k->word, name);
        bulk_pool_unlock(p);
        goto out;
    }
    body = json_deep_copy(j->opts);
    json_object_set_new(body, "name", json_string(name));
    e = kind_post(c, j->k, "create", json_incref(body), &r);
    if (!e)
        journal_room(j->ctx, j->k, json_object_get(r.json, j->k->key),
                     "create", NULL, NULL, json_incref(body), "create", body,
                     NULL, NULL, "undoing a create would delete the room and "
                     "all that was said in it since");
    json_decref(body);
    b = bulk_pool_lock(p);
    if (e) {
        bulk_failed_reply(b, name, &r, "cannot create %s '%s'", j->k->word,
                          name);
    } else {
        bulk_changed(b, "created %s '%s'", j->k->word, name);
        if (j->o && json_object_get(r.json, j->k->key))
            output_item(j->o, json_object_get(r.json, j->k->key));
    }
    bulk_pool_unlock(p);
out:
    json_decref(room);
    client_reply_release(&r);
}

static int kind_create(struct rcctl *ctx, int argc, char **argv,
                       const struct kind *k)
{
    static const struct option opts[] = {
        BULK_OPTIONS,
        { "members", required_argument, NULL, 'm' },
        { "read-only", no_argument, NULL, 'r' },
        { NULL, 0, NULL, 0 },
    };
    struct job j = { 0 };
    struct client *c;
    struct bulk b;
    const char *from = NULL;
    int opt, rc, orc;

    j.ctx = ctx;
    j.k = k;
    j.opts = json_object();
    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        if (job_common_opt(&j, opt, &from))
            continue;
        switch (opt) {
        case 'm':
            json_object_set_new(j.opts, "members", split_list(optarg));
            break;
        case 'r':
            json_object_set_new(j.opts, "readOnly", json_true());
            break;
        default:
            rc = command_bad_option(argv);
            goto out;
        }
    }
    rc = job_targets(&j, argc, argv, optind, from, "name");
    if (rc)
        goto out;
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    if (!j.dry_run)
        j.o = command_output(ctx, 1);
    bulk_init(&b, ctx, j.dry_run);
    bulk_parallel(ctx, &b, j.t.n, create_item, &j);
    orc = j.o ? command_output_end(j.o) : EXIT_OK;
    rc = bulk_end(&b, j.t.n);
    if (!rc)
        rc = orc;
out:
    job_release(&j);
    return rc;
}

static int channel_create(struct rcctl *ctx, int argc, char **argv)
{
    return kind_create(ctx, argc, argv, &channel_kind);
}

static int group_create(struct rcctl *ctx, int argc, char **argv)
{
    return kind_create(ctx, argc, argv, &group_kind);
}

/* ---- channel|group delete ---- */

static void delete_find_item(struct bulk_pool *p, struct client *c, size_t i,
                             void *data)
{
    struct job *j = data;
    struct client_reply r = CLIENT_REPLY_INIT;
    const char *arg = j->t.items[i];
    json_t *room = NULL;
    int via_scan = 0;
    struct bulk *b;
    enum err e = room_get(c, j->k, arg, j->how, 1, &room, &via_scan, &r);

    b = bulk_pool_lock(p);
    if (!e) {
        j->found[i] = room;
        j->scanned[i] = via_scan;
    } else if (e == ERR_NOT_FOUND && j->ignore_missing) {
        bulk_unchanged(b, "no %s '%s' (nothing to delete)", j->k->word,
                       command_skip_sigil(arg, '#'));
    } else if (e == ERR_NOT_FOUND) {
        bulk_failed(b, arg, EXIT_NOT_FOUND, "cannot delete %s '%s': no such "
                    "%s", j->k->word, command_skip_sigil(arg, '#'), j->k->word);
    } else {
        bulk_failed_reply(b, arg, &r, "cannot delete %s '%s'", j->k->word,
                          arg);
    }
    bulk_pool_unlock(p);
    client_reply_release(&r);
}

static void delete_item(struct bulk_pool *p, struct client *c, size_t i,
                        void *data)
{
    struct job *j = data;
    struct client_reply r = CLIENT_REPLY_INIT;
    const json_t *room = j->found[i];
    const char *id = json_str(room, "_id"), *label = room_label(room);
    struct bulk *b;
    enum err e = ERR_OK;

    if (!room)
        return;
    if (!j->dry_run) {
        json_t *body = json_pack("{s:s?}", "roomId", id);

        /* rooms.delete needs no membership: the admin's way into a
         * private group they are not in */
        if (j->scanned[i])
            e = client_post(c, "/api/v1/rooms.delete", body, &r);
        else
            e = kind_post(c, j->k, "delete", json_incref(body), &r);
        if (!e)
            journal_room(j->ctx, j->k, room, "delete", NULL,
                         json_pack("{s:s?, s:s?}", "name",
                                   json_str(room, "name"), "fname",
                                   json_str(room, "fname")),
                         NULL, j->scanned[i] ? "/api/v1/rooms.delete"
                                             : "delete", body, NULL, NULL,
                         "a deleted room and its messages cannot be "
                         "brought back");
        json_decref(body);
    }
    b = bulk_pool_lock(p);
    if (j->dry_run)
        bulk_changed(b, "would delete %s '%s'", j->k->word, label);
    else if (e == ERR_NOT_FOUND && j->ignore_missing)
        bulk_unchanged(b, "%s '%s' is gone already", j->k->word, label);
    else if (e)
        bulk_failed_reply(b, label, &r, "cannot delete %s '%s'", j->k->word,
                          label);
    else
        bulk_changed(b, "deleted %s '%s'", j->k->word, label);
    bulk_pool_unlock(p);
    client_reply_release(&r);
}

static int kind_delete(struct rcctl *ctx, int argc, char **argv,
                       const struct kind *k)
{
    static const struct option opts[] = {
        BULK_OPTIONS,
        { "yes", no_argument, NULL, 'y' },
        { "ignore-missing", no_argument, NULL, 'm' },
        { NULL, 0, NULL, 0 },
    };
    struct job j = { 0 };
    struct buf q = BUF_INIT, action = BUF_INIT;
    struct client *c;
    struct bulk b;
    const char *from = NULL;
    int opt, rc, yes = 0, started = 0;
    size_t nfound = 0, shown = 0;

    j.ctx = ctx;
    j.k = k;
    while ((opt = getopt_long(argc, argv, "ny", opts, NULL)) != -1) {
        if (job_common_opt(&j, opt, &from))
            continue;
        switch (opt) {
        case 'y': yes = 1; break;
        case 'm': j.ignore_missing = 1; break;
        default:
            rc = command_bad_option(argv);
            goto out;
        }
    }
    rc = job_targets(&j, argc, argv, optind, from, k->word);
    if (rc)
        goto out;
    buf_addf(&action, "delete %ss", k->word);
    if (!yes && !j.dry_run &&
        !(isatty(STDIN_FILENO) && isatty(STDERR_FILENO))) {
        rc = usage_errorf("refusing to %s without --yes (no terminal to "
                          "confirm on)", action.data);
        goto out;
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    j.found = xcalloc(j.t.n, sizeof(*j.found));
    j.scanned = xcalloc(j.t.n, sizeof(*j.scanned));
    bulk_init(&b, ctx, j.dry_run);
    started = 1;
    bulk_parallel(ctx, &b, j.t.n, delete_find_item, &j);
    for (size_t i = 0; i < j.t.n; i++)
        nfound += j.found[i] != NULL;
    if (nfound && !j.dry_run && !b.stop) {
        buf_addf(&q, "Delete %zu %s%s (", nfound, k->word,
                 nfound == 1 ? "" : "s");
        for (size_t i = 0; i < j.t.n; i++) {
            if (!j.found[i])
                continue;
            if (shown++ == MAX_CONFIRM_NAMES) {
                buf_adds(&q, ", ...");
                break;
            }
            buf_addf(&q, "%s%s", shown > 1 ? ", " : "",
                     room_label(j.found[i]));
        }
        buf_adds(&q, ") with all their messages and files? [y/N] ");
        rc = bulk_confirm(yes, action.data, q.data);
        if (rc) {
            started = 0;
            buf_release(&b.failures);
            goto out;
        }
    }
    if (!b.stop)
        bulk_parallel(ctx, &b, j.t.n, delete_item, &j);
out:
    if (started)
        rc = bulk_end(&b, j.t.n);
    for (size_t i = 0; j.found && i < j.t.n; i++)
        json_decref(j.found[i]);
    free(j.found);
    free(j.scanned);
    job_release(&j);
    buf_release(&q);
    buf_release(&action);
    scan_release();
    return rc;
}

static int channel_delete(struct rcctl *ctx, int argc, char **argv)
{
    return kind_delete(ctx, argc, argv, &channel_kind);
}

static int group_delete(struct rcctl *ctx, int argc, char **argv)
{
    return kind_delete(ctx, argc, argv, &group_kind);
}

/* ---- channel|group archive, unarchive ---- */

static void archive_item(struct bulk_pool *p, struct client *c, size_t i,
                         void *data)
{
    struct job *j = data;
    struct client_reply r = CLIENT_REPLY_INIT;
    const char *verb = j->archive ? "archive" : "unarchive";
    json_t *room = job_room(p, j, c, i, verb, 0, NULL);
    const char *label;
    struct bulk *b;
    enum err e = ERR_OK;
    int is = 0;

    if (!room)
        return;
    label = room_label(room);
    is = json_is_true(json_object_get(room, "archived"));
    if (is != j->archive && !j->dry_run) {
        json_t *body = json_pack("{s:s?}", "roomId", json_str(room, "_id"));

        e = kind_post(c, j->k, verb, json_incref(body), &r);
        if (!e)
            journal_room(j->ctx, j->k, room, verb, NULL,
                         json_pack("{s:b}", "archived", is),
                         json_pack("{s:b}", "archived", j->archive), verb,
                         body, j->archive ? "unarchive" : "archive",
                         json_incref(body), NULL);
        json_decref(body);
    }
    b = bulk_pool_lock(p);
    if (is == j->archive)
        bulk_unchanged(b, "%s '%s' is %s already", j->k->word, label,
                       is ? "archived" : "not archived");
    else if (j->dry_run)
        bulk_changed(b, "would %s %s '%s'", verb, j->k->word, label);
    else if (e)
        bulk_failed_reply(b, label, &r, "cannot %s %s '%s'", verb,
                          j->k->word, label);
    else
        bulk_changed(b, "%sd %s '%s'", verb, j->k->word, label);
    bulk_pool_unlock(p);
    json_decref(room);
    client_reply_release(&r);
}

static int kind_archive(struct rcctl *ctx, int argc, char **argv,
                        const struct kind *k, int archive)
{
    static const struct option opts[] = { BULK_OPTIONS, { NULL, 0, NULL, 0 } };
    struct job j = { 0 };
    struct client *c;
    struct bulk b;
    const char *from = NULL;
    int opt, rc;

    j.ctx = ctx;
    j.k = k;
    j.archive = archive;
    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        if (!job_common_opt(&j, opt, &from)) {
            rc = command_bad_option(argv);
            goto out;
        }
    }
    rc = job_targets(&j, argc, argv, optind, from, k->word);
    if (rc)
        goto out;
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    bulk_init(&b, ctx, j.dry_run);
    bulk_parallel(ctx, &b, j.t.n, archive_item, &j);
    rc = bulk_end(&b, j.t.n);
out:
    job_release(&j);
    return rc;
}

static int channel_archive(struct rcctl *ctx, int argc, char **argv)
{
    return kind_archive(ctx, argc, argv, &channel_kind, 1);
}

static int channel_unarchive(struct rcctl *ctx, int argc, char **argv)
{
    return kind_archive(ctx, argc, argv, &channel_kind, 0);
}

static int group_archive(struct rcctl *ctx, int argc, char **argv)
{
    return kind_archive(ctx, argc, argv, &group_kind, 1);
}

static int group_unarchive(struct rcctl *ctx, int argc, char **argv)
{
    return kind_archive(ctx, argc, argv, &group_kind, 0);
}

/* ---- channel|group rename ---- */

/* Pairs "old new" from a --from file: one a line, split at blanks, ','
 * or tabs; blank lines and # comments skipped. */
static int read_pairs(const char *from, json_t *pairs)
{
    FILE *fp = strcmp(from, "-") ? fopen(from, "r") : stdin;
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;

    if (!fp)
        return errorf("cannot open '%s': %s", from, strerror(errno));
    while (getline(&line, &cap, fp) >= 0) {
        const char *seps = " \t,\r\n";
        char *p = line + strspn(line, seps), *a, *bb;
        size_t n;

        if (!*p || *p == '#')
            continue;
        n = strcspn(p, seps);
        a = xstrndup(p, n);
        p += n;
        p += strspn(p, seps);
        n = strcspn(p, seps);
        bb = xstrndup(p, n);
        p += n;
        if (!*bb || p[strspn(p, seps)]) {
            rc = errorf("'%s': want two names a line, not '%s'", from, line);
            free(a);
            free(bb);
            break;
        }
        json_array_append_new(pairs, json_string(a));
        json_array_append_new(pairs, json_string(bb));
        free(a);
        free(bb);
    }
    if (!rc && ferror(fp))
        rc = errorf("cannot read '%s': %s", from, strerror(errno));
    if (fp != stdin)
        fclose(fp);
    free(line);
    return rc;
}

static int kind_rename(struct rcctl *ctx, int argc, char **argv,
                       const struct kind *k)
{
    static const struct option opts[] = { BULK_OPTIONS, { NULL, 0, NULL, 0 } };
    struct client_reply r = CLIENT_REPLY_INIT;
    json_t *pairs = json_array();
    struct client *c;
    struct bulk b;
    const char *from = NULL;
    int opt, rc, dry_run = 0, started = 0;
    size_t n = 0;

    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        switch (opt) {
        case 'f': from = optarg; break;
        case 'n': dry_run = 1; break;
        default:
            rc = command_bad_option(argv);
            goto out;
        }
    }
    if ((argc - optind) % 2) {
        rc = usage_errorf("want pairs of names: <old> <new>");
        goto out;
    }
    for (int i = optind; i < argc; i++)
        json_array_append_new(pairs, json_string(argv[i]));
    if (from && (rc = read_pairs(from, pairs)))
        goto out;
    n = json_array_size(pairs) / 2;
    if (!n) {
        rc = usage_errorf("want an old and a new name (or --from FILE)");
        goto out;
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    bulk_init(&b, ctx, dry_run);
    started = 1;
    for (size_t i = 0; i < n && !b.stop; i++) {
        const char *old = json_string_value(json_array_get(pairs, 2 * i));
        const char *to = command_skip_sigil(
            json_string_value(json_array_get(pairs, 2 * i + 1)), '#');
        json_t *room = NULL, *body;

        if (room_get(c, k, old, BY_EITHER, 0, &room, NULL, &r)) {
            json_t *done = NULL;

            if (r.err == ERR_NOT_FOUND &&
                !room_get(c, k, to, BY_NAME, 0, &done, NULL, &r))
                bulk_unchanged(&b, "%s '%s' is named '%s' already", k->word,
                               command_skip_sigil(old, '#'), to);
            else if (r.err == ERR_NOT_FOUND)
                bulk_failed(&b, old, EXIT_NOT_FOUND, "cannot rename %s '%s': "
                            "no such %s", k->word, command_skip_sigil(old, '#'),
                            k->word);
            else
                bulk_failed_reply(&b, old, &r, "cannot rename %s '%s'",
                                  k->word, old);
            json_decref(done);
            continue;
        }
        if (json_str(room, "name") && !strcmp(json_str(room, "name"), to)) {
            bulk_unchanged(&b, "%s '%s' is named '%s' already", k->word,
                           to, to);
        } else if (dry_run) {
            bulk_changed(&b, "would rename %s '%s' to '%s'", k->word,
                         room_label(room), to);
        } else {
            body = json_pack("{s:s?, s:s}", "roomId", json_str(room, "_id"),
                             "name", to);
            if (kind_post(c, k, "rename", json_incref(body), &r)) {
                bulk_failed_reply(&b, old, &r, "cannot rename %s '%s'",
                                  k->word, room_label(room));
            } else {
                journal_room(ctx, k, room, "rename", NULL,
                             json_pack("{s:s?}", "name",
                                       json_str(room, "name")),
                             json_pack("{s:s}", "name", to), "rename", body,
                             json_str(room, "name") ? "rename" : NULL,
                             json_pack("{s:s?, s:s?}", "roomId",
                                       json_str(room, "_id"), "name",
                                       json_str(room, "name")),
                             "the old name is not known");
                bulk_changed(&b, "renamed %s '%s' to '%s'", k->word,
                             room_label(room), to);
            }
            json_decref(body);
        }
        json_decref(room);
    }
out:
    if (started)
        rc = bulk_end(&b, n);
    json_decref(pairs);
    client_reply_release(&r);
    return rc;
}

static int channel_rename(struct rcctl *ctx, int argc, char **argv)
{
    return kind_rename(ctx, argc, argv, &channel_kind);
}

static int group_rename(struct rcctl *ctx, int argc, char **argv)
{
    return kind_rename(ctx, argc, argv, &group_kind);
}

/* ---- channel|group kick, invite ---- */

static void member_item(struct bulk_pool *p, struct client *c, size_t i,
                        void *data)
{
    struct job *j = data;
    struct client_reply r = CLIENT_REPLY_INIT;
    const char *arg = j->t.items[i], *uid, *uname;
    const char *verb = j->kick ? "kick" : "invite";
    const char *label = room_label(j->room);
    json_t *user = NULL;
    struct bulk *b;
    enum err e;
    int in = -1;

    e = user_find(c, arg, j->how, "", &user, &r);
    if (e) {
        b = bulk_pool_lock(p);
        if (e == ERR_NOT_FOUND)
            bulk_failed(b, arg, EXIT_NOT_FOUND, "cannot %s '%s': no such "
                        "user", verb, command_skip_sigil(arg, '@'));
        else
            bulk_failed_reply(b, arg, &r, "cannot %s '%s'", verb, arg);
        bulk_pool_unlock(p);
        goto out;
    }
    uid = json_str(user, "_id");
    uname = json_str(user, "username") ? json_str(user, "username") : arg;
    if (j->members)
        in = uid && json_object_get(j->members, uid) != NULL;
    if ((in < 0 || in == j->kick) && !j->dry_run) {
        json_t *body = json_pack("{s:s?, s:s?}", "roomId",
                                 json_str(j->room, "_id"), "userId", uid);

        e = kind_post(c, j->k, verb, json_incref(body), &r);
        if (!e)
            journal_room(j->ctx, j->k, j->room, verb, user,
                         json_pack("{s:b}", "member", j->kick),
                         json_pack("{s:b}", "member", !j->kick), verb, body,
                         j->kick ? "invite" : "kick", json_incref(body),
                         NULL);
        json_decref(body);
    }
    b = bulk_pool_lock(p);
    if (in == !j->kick)
        bulk_unchanged(b, "'%s' is %s %s '%s' already", uname,
                       j->kick ? "not in" : "in", j->k->word, label);
    else if (j->dry_run)
        bulk_changed(b, "would %s '%s' %s %s '%s'", verb, uname,
                     j->kick ? "from" : "to", j->k->word, label);
    else if (e == ERR_INVALID && j->kick &&
             is_error_type(&r, "error-user-not-in-room"))
        bulk_unchanged(b, "'%s' is not in %s '%s' already", uname,
                       j->k->word, label);
    else if (e)
        bulk_failed_reply(b, uname, &r, "cannot %s '%s' %s %s '%s'", verb,
                          uname, j->kick ? "from" : "to", j->k->word, label);
    else
        bulk_changed(b, "%s '%s' %s %s '%s'", j->kick ? "kicked" : "invited",
                     uname, j->kick ? "from" : "to", j->k->word, label);
    bulk_pool_unlock(p);
out:
    json_decref(user);
    client_reply_release(&r);
}

static int add_member_id(const json_t *item, void *data)
{
    const char *id = json_str(item, "_id");

    if (id)
        json_object_set_new(data, id, json_true());
    return 0;
}

static int kind_members_change(struct rcctl *ctx, int argc, char **argv,
                               const struct kind *k, int kick)
{
    static const struct option opts[] = { BULK_OPTIONS, { NULL, 0, NULL, 0 } };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct buf path = BUF_INIT;
    struct job j = { 0 };
    struct client *c;
    struct bulk b;
    const char *from = NULL;
    int opt, rc;

    j.ctx = ctx;
    j.k = k;
    j.kick = kick;
    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        if (!job_common_opt(&j, opt, &from)) {
            rc = command_bad_option(argv);
            goto out;
        }
    }
    if (optind >= argc) {
        rc = usage_errorf("want a %s and users", k->word);
        goto out;
    }
    rc = targets_read(&j.t, argc - optind - 1, argv + optind + 1, from,
                      user_columns);
    if (rc)
        goto out;
    if (!j.t.n) {
        rc = usage_errorf("want at least one user (or --from FILE)");
        goto out;
    }
    j.how = j.t.column == 1 ? BY_ID : BY_EITHER;
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    if (room_get(c, k, argv[optind], BY_EITHER, 1, &j.room, &j.room_via_scan,
                 &r)) {
        rc = command_fail(&r, "cannot %s users %s %s '%s'",
                          kick ? "kick" : "invite", kick ? "from" : "to",
                          k->word, argv[optind]);
        goto out;
    }
    /* who is in: for "unchanged" (invite answers success either way) and
     * for --dry-run; not readable in a group you are not in */
    buf_addf(&path, "/api/v1/%s.members", k->api);
    client_query(&path, "roomId", json_str(j.room, "_id") ? json_str(j.room,
                                                                   "_id")
                                                        : "");
    j.members = json_object();
    if (client_pages(c, path.data, "members", add_member_id, j.members, &r,
                     NULL, NULL)) {
        json_decref(j.members);
        j.members = NULL;
        if (j.dry_run) {
            rc = command_fail(&r, "cannot see the members of %s '%s'",
                              k->word, room_label(j.room));
            goto out;
        }
    }
    bulk_init(&b, ctx, j.dry_run);
    bulk_parallel(ctx, &b, j.t.n, member_item, &j);
    rc = bulk_end(&b, j.t.n);
out:
    job_release(&j);
    client_reply_release(&r);
    buf_release(&path);
    scan_release();
    return rc;
}

static int channel_kick(struct rcctl *ctx, int argc, char **argv)
{
    return kind_members_change(ctx, argc, argv, &channel_kind, 1);
}

static int channel_invite(struct rcctl *ctx, int argc, char **argv)
{
    return kind_members_change(ctx, argc, argv, &channel_kind, 0);
}

static int group_kick(struct rcctl *ctx, int argc, char **argv)
{
    return kind_members_change(ctx, argc, argv, &group_kind, 1);
}

static int group_invite(struct rcctl *ctx, int argc, char **argv)
{
    return kind_members_change(ctx, argc, argv, &group_kind, 0);
}

/* ---- owners: add-owner, recover ---- */

enum ustate { US_FAILED = -1, US_OUT, US_MEMBER, US_OWNER, US_MEMBER_MAYBE };

static int roles_hold(const json_t *roles, const char *role)
{
    size_t i;
    json_t *v;

    json_array_foreach(roles, i, v) {
        if (json_is_string(v) && !strcmp(json_string_value(v), role))
            return 1;
    }
    return 0;
}

/*
 * Where j->uid stands in room rid, for dry runs: from users.info's
 * rooms when the server gave them, else <kind>s.roles (owners) and
 * <kind>s.members (membership). US_MEMBER_MAYBE: a member, but the
 * server shows no room roles.
 */
static int owner_state(struct bulk_pool *p, struct job *j, struct client *c,
                       const struct kind *k, const char *rid,
                       struct client_reply *r)
{
    struct buf path = BUF_INIT;
    int roles_known = 0, in;
    size_t i;
    json_t *v;

    if (j->urooms) {
        v = json_object_get(j->urooms, rid);
        if (!v)
            return US_OUT;
        return roles_hold(v, "owner") ? US_OWNER : US_MEMBER;
    }
    bulk_pool_lock(p);
    roles_known = !j->no_roles_route;
    bulk_pool_unlock(p);
    if (roles_known) {
        buf_addf(&path, "/api/v1/%s.roles", k->api);
        client_query(&path, "roomId", rid);
        if (client_get(c, path.data, r)) {
            buf_release(&path);
            if (!is_missing_route(r))
                return US_FAILED;
            roles_known = 0;
            bulk_pool_lock(p);
            j->no_roles_route = 1;
            bulk_pool_unlock(p);
        } else {
            buf_release(&path);
            json_array_foreach(json_object_get(r->json, "roles"), i, v) {
                const char *id = json_str(json_object_get(v, "u"), "_id");

                if (id && !strcmp(id, j->uid) &&
                    roles_hold(json_object_get(v, "roles"), "owner"))
                    return US_OWNER;
            }
        }
    }
    in = is_member(c, k, rid, j->uid, r);
    if (in < 0)
        return US_FAILED;
    if (!in)
        return US_OUT;
    return roles_known ? US_MEMBER : US_MEMBER_MAYBE;
}

/*
 * POST <kind>s.<op> {roomId, userId} for room, and journal it when it
 * succeeds: op is "invite" or "addOwner"; name (may be NULL) is uid's.
 */
static enum err room_user_post(struct rcctl *ctx, struct client *c,
                               const struct kind *k, const char *op,
                               const json_t *room, const char *uid,
                               const char *name, struct client_reply *r)
{
    const char *rid = json_str(room, "_id");
    json_t *body = json_pack("{s:s, s:s}", "roomId", rid, "userId", uid);
    json_t *user = json_pack("{s:s, s:s?}", "_id", uid, "username", name);
    int owner = !strcmp(op, "addOwner");
    enum err e = kind_post(c, k, op, json_incref(body), r);

    if (!e)
        journal_room(ctx, k, room, owner ? "add-owner" : "invite", user,
                     json_pack("{s:b}", owner ? "owner" : "member", 0),
                     json_pack("{s:b}", owner ? "owner" : "member", 1), op,
                     body, owner ? "removeOwner" : "kick", json_incref(body),
                     NULL);
    json_decref(body);
    json_decref(user);
    return e;
}

/*
 * Make j->uid owner of room (of kind k): addOwner; when the user is not
 * in the room, invite them first. Already owner: unchanged. A private
 * group the caller is not in answers "not found" to members and owners
 * alike (Rocket.Chat: only members reach a group); with j->join_self the
 * caller joins it first (groups.invite, which needs the permission
 * add-user-to-any-p-room), as the operations notes' fix does by hand.
 */
static void ensure_owner(struct bulk_pool *p, struct job *j, struct client *c,
                         const struct kind *k, const json_t *room)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    const char *rid = json_str(room, "_id"), *label = room_label(room);
    const char *u = j->uname;
    struct buf done = BUF_INIT;
    struct bulk *b;
    enum err e;
    int st, invited = 0, joined = 0;

    if (!rid) {
        b = bulk_pool_lock(p);
        bulk_failed(b, label, EXIT_FAILED, "%s '%s' has no id", k->word,
                    label);
        bulk_pool_unlock(p);
        return;
    }
    if (j->dry_run) {
        st = owner_state(p, j, c, k, rid, &r);
        b = bulk_pool_lock(p);
        if (st == US_FAILED && r.err == ERR_NOT_FOUND && k == &group_kind &&
            j->join_self)
            bulk_changed(b, "would join %s '%s' (you are not in it), add "
                         "'%s' if need be and make them owner", k->word,
                         label, u);
        else if (st == US_FAILED)
            bulk_failed_reply(b, label, &r, "cannot tell whether '%s' owns "
                              "%s '%s'", u, k->word, label);
        else if (st == US_OWNER)
            bulk_unchanged(b, "'%s' is owner of %s '%s' already", u, k->word,
                           label);
        else if (st == US_OUT)
            bulk_changed(b, "would add '%s' to %s '%s' and make them owner",
                         u, k->word, label);
        else
            bulk_changed(b, "would make '%s' owner of %s '%s'%s", u, k->word,
                         label, st == US_MEMBER_MAYBE
                                    ? " (unless they are already: the "
                                      "server shows no room roles)"
                                    : "");
        bulk_pool_unlock(p);
        client_reply_release(&r);
        return;
    }
    e = room_user_post(j->ctx, c, k, "addOwner", room, j->uid, u, &r);
    if (e == ERR_NOT_FOUND && k == &group_kind && j->join_self && j->self_id &&
        strcmp(j->self_id, j->uid)) {
        e = room_user_post(j->ctx, c, k, "invite", room, j->self_id,
                           j->ctx->session.username, &r);
        if (e) {
            b = bulk_pool_lock(p);
            bulk_failed_reply(b, label, &r, "cannot join %s '%s' to set its "
                              "owners (you are not in it; joining needs the "
                              "permission add-user-to-any-p-room)", k->word,
                              label);
            bulk_pool_unlock(p);
            client_reply_release(&r);
            return;
        }
        joined = 1;
        e = room_user_post(j->ctx, c, k, "addOwner", room, j->uid, u, &r);
    }
    if (e == ERR_INVALID && is_error_type(&r, "error-user-not-in-room")) {
        e = room_user_post(j->ctx, c, k, "invite", room, j->uid, u, &r);
        if (!e) {
            invited = 1;
            e = room_user_post(j->ctx, c, k, "addOwner", room, j->uid, u,
                               &r);
        }
    }
    if (joined)
        buf_addf(&done, "joined %s '%s' yourself, ", k->word, label);
    if (invited)
        buf_addf(&done, "added '%s' to %s '%s', ", u, k->word, label);
    b = bulk_pool_lock(p);
    if (!e && (invited || joined))
        bulk_changed(b, "%sand made '%s' owner", done.data, u);
    else if (!e)
        bulk_changed(b, "made '%s' owner of %s '%s'", u, k->word, label);
    else if (e == ERR_INVALID && is_error_type(&r, "error-user-already-owner")
             && !joined)
        bulk_unchanged(b, "'%s' is owner of %s '%s' already", u, k->word,
                       label);
    else if (e == ERR_INVALID && is_error_type(&r, "error-user-already-owner"))
        bulk_changed(b, "%sand found '%s' owner already", done.data, u);
    else if (done.len)
        bulk_failed_reply(b, label, &r, "%sbut cannot make '%s' owner",
                          done.data, u);
    else if (e == ERR_NOT_FOUND && k == &group_kind && !j->join_self)
        bulk_failed_reply(b, label, &r, "cannot make '%s' owner of %s '%s' "
                          "(if you are not in it: --join)", u, k->word,
                          label);
    else
        bulk_failed_reply(b, label, &r, "cannot make '%s' owner of %s '%s'",
                          u, k->word, label);
    bulk_pool_unlock(p);
    buf_release(&done);
    client_reply_release(&r);
}

static void add_owner_item(struct bulk_pool *p, struct client *c, size_t i,
                           void *data)
{
    struct job *j = data;
    json_t *room = job_room(p, j, c, i, "make an owner in", 1, NULL);

    if (room)
        ensure_owner(p, j, c, j->k, room);
    json_decref(room);
}

/*
 * The user to make owner (into *user) and, for dry runs, the rooms the
 * server says they are in (j->urooms: rid -> roles). Returns 0 or the
 * exit code after saying why.
 */
static int owner_user(struct job *j, struct client *c, const char *who,
                      json_t **user)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    json_t *rooms, *v;
    int rc = 0;
    size_t i;

    if (user_find(c, who, BY_EITHER,
                  j->dry_run ? "&includeUserRooms=true" : "", user, &r)) {
        rc = r.err == ERR_NOT_FOUND ? (errorf("no user '%s'",
                                              command_skip_sigil(who, '@')),
                                       EXIT_NOT_FOUND)
                                    : command_fail(&r, "cannot get user '%s'",
                                                   who);
        goto out;
    }
    j->uid = json_str(*user, "_id");
    j->uname = json_str(*user, "username");
    if (!j->uid || !j->uname) {
        rc = errorf("the server's answer about user '%s' has no id", who);
        goto out;
    }
    if (json_is_false(json_object_get(*user, "active"))) {
        rc = errorf("user '%s' is deactivated; an owner must be an active "
                    "user", j->uname);
        goto out;
    }
    rooms = json_object_get(*user, "rooms");
    if (json_is_array(rooms)) {
        j->urooms = json_object();
        json_array_foreach(rooms, i, v) {
            const char *rid = json_str(v, "rid");
            json_t *roles = json_object_get(v, "roles");

            if (rid)
                json_object_set_new(j->urooms, rid,
                                    json_is_array(roles) ? json_copy(roles)
                                                         : json_array());
        }
    }
out:
    client_reply_release(&r);
    return rc;
}

static int kind_add_owner(struct rcctl *ctx, int argc, char **argv,
                          const struct kind *k)
{
    static const struct option opts[] = {
        BULK_OPTIONS,
        { "all", no_argument, NULL, 'a' },
        { "user", required_argument, NULL, 'u' },
        { "join", no_argument, NULL, 'J' },
        { NULL, 0, NULL, 0 },
    };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct job j = { 0 };
    struct client *c;
    struct bulk b;
    const char *from = NULL, *who = NULL;
    json_t *user = NULL;
    int opt, rc, all = 0;

    j.ctx = ctx;
    j.k = k;
    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        if (job_common_opt(&j, opt, &from))
            continue;
        switch (opt) {
        case 'a': all = 1; break;
        case 'u': who = optarg; break;
        case 'J': j.join_self = 1; break;
        default:
            rc = command_bad_option(argv);
            goto out;
        }
    }
    if (!who) {
        rc = usage_errorf("want --user USER");
        goto out;
    }
    if (all && (optind < argc || from)) {
        rc = usage_errorf("--all or %ss, not both", k->word);
        goto out;
    }
    if (!all) {
        rc = job_targets(&j, argc, argv, optind, from, k->word);
        if (rc)
            goto out;
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    rc = owner_user(&j, c, who, &user);
    if (rc)
        goto out;
    j.self_id = ctx->session.user_id;
    if (all && client_pages_all(c, all_rooms_path(k), k->list_key, &j.rooms,
                                &r)) {
        rc = command_fail(&r, "cannot list the %ss", k->word);
        goto out;
    }
    bulk_init(&b, ctx, j.dry_run);
    bulk_parallel(ctx, &b, job_count(&j), add_owner_item, &j);
    rc = bulk_end(&b, job_count(&j));
out:
    json_decref(user);
    job_release(&j);
    client_reply_release(&r);
    scan_release();
    return rc;
}

static int channel_add_owner(struct rcctl *ctx, int argc, char **argv)
{
    return kind_add_owner(ctx, argc, argv, &channel_kind);
}

static int group_add_owner(struct rcctl *ctx, int argc, char **argv)
{
    return kind_add_owner(ctx, argc, argv, &group_kind);
}

static void recover_item(struct bulk_pool *p, struct client *c, size_t i,
                         void *data)
{
    struct job *j = data;
    struct client_reply r = CLIENT_REPLY_INIT;
    const char *arg = j->t.items[i];
    const struct kind *k;
    json_t *room = NULL;
    struct bulk *b;

    if (any_room_get(c, arg, j->how, 1, &room, NULL, &r)) {
        b = bulk_pool_lock(p);
        if (r.err == ERR_NOT_FOUND)
            bulk_failed(b, arg, EXIT_NOT_FOUND, "cannot recover room '%s': "
                        "%s", command_skip_sigil(arg, '#'), r.error);
        else
            bulk_failed_reply(b, arg, &r, "cannot recover room '%s'", arg);
        bulk_pool_unlock(p);
        goto out;
    }
    k = kind_of(room);
    if (!k) {
        b = bulk_pool_lock(p);
        bulk_failed(b, arg, EXIT_FAILED, "cannot recover room '%s': only "
                    "channels and groups have owners", room_label(room));
        bulk_pool_unlock(p);
        goto out;
    }
    ensure_owner(p, j, c, k, room);
out:
    json_decref(room);
    client_reply_release(&r);
}

static int room_recover(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        BULK_OPTIONS,
        { "owner", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    struct job j = { 0 };
    struct client *c;
    struct bulk b;
    const char *from = NULL, *who = NULL;
    json_t *user = NULL;
    int opt, rc;

    j.ctx = ctx;
    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        if (job_common_opt(&j, opt, &from))
            continue;
        if (opt != 'o') {
            rc = command_bad_option(argv);
            goto out;
        }
        who = optarg;
    }
    if (!who) {
        rc = usage_errorf("want --owner USER");
        goto out;
    }
    rc = job_targets(&j, argc, argv, optind, from, "room");
    if (rc)
        goto out;
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    rc = owner_user(&j, c, who, &user);
    if (rc)
        goto out;
    j.self_id = ctx->session.user_id;
    j.join_self = 1;
    bulk_init(&b, ctx, j.dry_run);
    bulk_parallel(ctx, &b, j.t.n, recover_item, &j);
    rc = bulk_end(&b, j.t.n);
out:
    json_decref(user);
    job_release(&j);
    scan_release();
    return rc;
}

/* ---- room notify ---- */

/* rooms.saveNotification's keys, with rcctl's option for each. */
static const struct notify_key {
    const char *opt;       /* --desktop */
    const char *key;       /* desktopNotifications */
    const char *origin;    /* desktopPrefOrigin, or NULL */
    int is_flag;           /* "0"/"1", stored as a boolean */
    int is_pref;           /* all|mentions|nothing|default */
} notify_keys[] = {
    { "desktop", "desktopNotifications", "desktopPrefOrigin", 0, 1 },
    { "mobile", "mobilePushNotifications", "mobilePrefOrigin", 0, 1 },
    { "email", "emailNotifications", "emailPrefOrigin", 0, 1 },
    { "audio", "audioNotificationValue", NULL, 0, 0 },
    { "disable-notifications", "disableNotifications", NULL, 1, 0 },
    { "mute-group-mentions", "muteGroupMentions", NULL, 1, 0 },
    { "hide-unread", "hideUnreadStatus", NULL, 1, 0 },
    { "hide-mention", "hideMentionStatus", NULL, 1, 0 },
};

/*
 * The value a subscription has for k, as rooms.saveNotification takes
 * it. "default" for the three preferences unless the subscription sets
 * its own (PrefOrigin "subscription", or a value from before origins
 * existed); "default" for no sound; "1"/"0" for the flags.
 */
static const char *notify_current(const json_t *sub,
                                  const struct notify_key *k)
{
    const json_t *v = json_object_get(sub, k->key);
    const char *origin;

    if (k->is_flag)
        return json_is_true(v) || (json_is_string(v) &&
                                   !strcmp(json_string_value(v), "1"))
                   ? "1" : "0";
    if (!json_is_string(v) || !*json_string_value(v))
        return "default";
    if (k->origin) {
        origin = json_str(sub, k->origin);
        if (origin && strcmp(origin, "subscription"))
            return "default";
    }
    return json_string_value(v);
}

struct notify {
    struct rcctl *ctx;
    json_t *want;          /* key -> wanted string value */
    json_t *subs;          /* the subscriptions to change */
    json_t *bodies;        /* per sub: the notifications to send */
    json_t *befores;       /* per sub: their values now, for the journal */
    json_t *whats;         /* per sub: "desktop default -> all, ..." */
    int dry_run;
};

static const char *sub_label(const json_t *sub)
{
    const char *s = json_str(sub, "fname");

    if (!s || (json_str(sub, "t") && !strcmp(json_str(sub, "t"), "d")))
        s = json_str(sub, "name");
    if (!s)
        s = json_str(sub, "rid");
    return s ? s : "?";
}

static const char *type_word(const json_t *sub)
{
    const char *t = json_str(sub, "t");

    if (json_str(sub, "prid"))
        return "discussion";
    if (t && !strcmp(t, "c"))
        return "channel";
    if (t && !strcmp(t, "p"))
        return "group";
    if (t && !strcmp(t, "d"))
        return "direct message with";
    return "room";
}

static void notify_item(struct bulk_pool *p, struct client *c, size_t i,
                        void *data)
{
    struct notify *n = data;
    struct client_reply r = CLIENT_REPLY_INIT;
    const json_t *sub = json_array_get(n->subs, i);
    const char *what = json_string_value(json_array_get(n->whats, i));
    json_t *body;
    struct bulk *b;
    enum err e = ERR_OK;

    if (!n->dry_run) {
        body = json_pack("{s:s?, s:O}", "roomId", json_str(sub, "rid"),
                         "notifications", json_array_get(n->bodies, i));
        e = client_post(c, "/api/v1/rooms.saveNotification", body, &r);
        if (!e)
            journal_add(n->ctx, &(struct journal_entry){
                .type = "room", .id = json_str(sub, "rid"),
                .name = sub_label(sub), .action = "notify",
                .before = json_incref(json_array_get(n->befores, i)),
                .after = json_incref(json_array_get(n->bodies, i)),
                .path = "/api/v1/rooms.saveNotification", .body = body,
                .undo_path = "/api/v1/rooms.saveNotification",
                .undo_body = json_pack("{s:s?, s:O}", "roomId",
                                       json_str(sub, "rid"), "notifications",
                                       json_array_get(n->befores, i)),
            });
        json_decref(body);
    }
    b = bulk_pool_lock(p);
    if (n->dry_run)
        bulk_changed(b, "would set the notifications of %s '%s': %s",
                     type_word(sub), sub_label(sub), what);
    else if (e)
        bulk_failed_reply(b, sub_label(sub), &r, "cannot set the "
                          "notifications of %s '%s'", type_word(sub),
                          sub_label(sub));
    else
        bulk_changed(b, "set the notifications of %s '%s': %s",
                     type_word(sub), sub_label(sub), what);
    bulk_pool_unlock(p);
    client_reply_release(&r);
}

/* Is sub one of the types in types ("c,p,d"; NULL: all)? */
static int type_wanted(const json_t *sub, const char *types)
{
    const char *t = json_str(sub, "t");
    size_t n;

    if (!types)
        return 1;
    if (!t)
        return 0;
    n = strlen(t);
    for (const char *p = types; *p;) {
        size_t m = strcspn(p, ",");

        if (m == n && !strncmp(p, t, n))
            return 1;
        p += m + (p[m] == ',');
    }
    return 0;
}

/* Is sub the room named by arg (name, fname or room id, '#' dropped)? */
static int sub_is(const json_t *sub, const char *arg)
{
    const char *name = command_skip_sigil(command_skip_sigil(arg, '#'), '@');
    static const char *const keys[] = { "rid", "name", "fname" };

    for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
        const char *v = json_str(sub, keys[k]);

        if (v && !strcmp(v, name))
            return 1;
    }
    return 0;
}

static int room_notify(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        BULK_OPTIONS,
        { "all", no_argument, NULL, 'a' },
        { "type", required_argument, NULL, 't' },
        { "desktop", required_argument, NULL, 0 },
        { "mobile", required_argument, NULL, 1 },
        { "email", required_argument, NULL, 2 },
        { "audio", required_argument, NULL, 3 },
        { "disable-notifications", required_argument, NULL, 4 },
        { "mute-group-mentions", required_argument, NULL, 5 },
        { "hide-unread", required_argument, NULL, 6 },
        { "hide-mention", required_argument, NULL, 7 },
        { NULL, 0, NULL, 0 },
    };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct notify n = { 0 };
    struct targets t = { 0 };
    struct client *c;
    struct bulk b;
    const char *from = NULL, *types = NULL;
    json_t *all = NULL, *sub;
    int opt, rc, every = 0, started = 0;
    size_t i, total = 0;
    char *matched = NULL;

    n.ctx = ctx;
    n.want = json_object();
    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        if (opt >= 0 && opt < (int)ARRAY_SIZE(notify_keys)) {
            const struct notify_key *k = &notify_keys[opt];

            if (k->is_flag && strcmp(optarg, "0") && strcmp(optarg, "1")) {
                rc = usage_errorf("--%s wants 0 or 1, not '%s'", k->opt,
                                  optarg);
                goto out;
            }
            if (k->is_pref && strcmp(optarg, "all") &&
                strcmp(optarg, "mentions") && strcmp(optarg, "nothing") &&
                strcmp(optarg, "default")) {
                rc = usage_errorf("--%s wants all, mentions, nothing or "
                                  "default, not '%s'", k->opt, optarg);
                goto out;
            }
            if (!*optarg) {
                rc = usage_errorf("--%s wants a value", k->opt);
                goto out;
            }
            json_object_set_new(n.want, k->key, json_string(optarg));
            continue;
        }
        switch (opt) {
        case 'f': from = optarg; break;
        case 'n': n.dry_run = 1; break;
        case 'a': every = 1; break;
        case 't': types = optarg; break;
        default:
            rc = command_bad_option(argv);
            goto out;
        }
    }
    if (types) {
        for (const char *p = types; *p; p++) {
            if (!strchr("cpdl,", *p)) {
                rc = usage_errorf("--type wants c, p, d (or a list: c,p), "
                                  "not '%s'", types);
                goto out;
            }
        }
    }
    if (!json_object_size(n.want)) {
        rc = usage_errorf("nothing to set: give --desktop, --mobile, "
                          "--email, --audio, ...");
        goto out;
    }
    if (every && (optind < argc || from)) {
        rc = usage_errorf("--all or rooms, not both");
        goto out;
    }
    rc = targets_read(&t, argc - optind, argv + optind, from, room_columns);
    if (rc)
        goto out;
    if (!every && !t.n) {
        rc = usage_errorf("want --all or at least one room (or --from "
                          "FILE)");
        goto out;
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    /* the caller's subscriptions hold the current values: rooms already
     * as asked are not sent */
    if (client_get(c, "/api/v1/subscriptions.get", &r)) {
        rc = command_fail(&r, "cannot get your subscriptions");
        goto out;
    }
    all = json_incref(json_object_get(r.json, "update"));
    client_reply_release(&r);
    if (!json_is_array(all)) {
        rc = errorf("the server's subscriptions.get answer has no list");
        goto out;
    }
    n.subs = json_array();
    n.bodies = json_array();
    n.befores = json_array();
    n.whats = json_array();
    bulk_init(&b, ctx, n.dry_run);
    started = 1;
    matched = xcalloc(t.n + 1, 1);
    json_array_foreach(all, i, sub) {
        json_t *body = json_object(), *before = json_object();
        struct buf what = BUF_INIT;
        int hit = every && type_wanted(sub, types);

        for (size_t k = 0; !every && k < t.n; k++) {
            if (sub_is(sub, t.items[k]) && type_wanted(sub, types)) {
                hit = 1;
                matched[k] = 1;
            }
        }
        if (hit) {
            total++;
            for (size_t k = 0; k < ARRAY_SIZE(notify_keys); k++) {
                const struct notify_key *nk = &notify_keys[k];
                const char *want = json_str(n.want, nk->key);
                const char *cur = notify_current(sub, nk);

                if (!want || !strcmp(cur, want))
                    continue;
                json_object_set_new(body, nk->key, json_string(want));
                json_object_set_new(before, nk->key, json_string(cur));
                buf_addf(&what, "%s%s %s -> %s", what.len ? ", " : "",
                         nk->opt, cur, want);
            }
            if (!json_object_size(body)) {
                bulk_unchanged(&b, "notifications of %s '%s' are as asked "
                               "already", type_word(sub), sub_label(sub));
            } else {
                json_array_append(n.subs, sub);
                json_array_append(n.bodies, body);
                json_array_append(n.befores, before);
                json_array_append_new(n.whats, json_string(what.data));
            }
        }
        json_decref(body);
        json_decref(before);
        buf_release(&what);
    }
    for (size_t k = 0; k < t.n; k++) {
        if (!matched[k]) {
            total++;
            bulk_failed(&b, t.items[k], EXIT_NOT_FOUND, "cannot set the "
                        "notifications of '%s': you are in no such room%s",
                        t.items[k], types ? " of that type" : "");
        }
    }
    bulk_parallel(ctx, &b, json_array_size(n.subs), notify_item, &n);
out:
    if (started)
        rc = bulk_end(&b, total);
    free(matched);
    targets_release(&t);
    json_decref(all);
    json_decref(n.want);
    json_decref(n.subs);
    json_decref(n.bodies);
    json_decref(n.befores);
    json_decref(n.whats);
    client_reply_release(&r);
    return rc;
}

/* ---- room orphans ---- */

struct orphans {
    json_t *rooms;          /* every channel and group */
    json_t **owners;        /* per room: [{_id, username}], or NULL */
    int *code;              /* per room: exit code when not checked */
    char **why;             /* per room: why it was not checked */
    int missing_route;      /* the server has no <kind>s.roles */
    json_t *uids;           /* owner ids to look up */
    json_t *state;          /* owner id -> "active"|"inactive"|"deleted" */
    /* the users' rooms, for groups the caller cannot read */
    json_t *users;          /* users.list */
    json_t *hidden;         /* rid -> [{_id, username}] of its owners */
    int no_user_rooms;      /* the server does not show users' rooms */
};

static void orphan_roles_item(struct bulk_pool *p, struct client *c,
                              size_t i, void *data)
{
    struct orphans *o = data;
    struct client_reply r = CLIENT_REPLY_INIT;
    const json_t *room = json_array_get(o->rooms, i);
    const struct kind *k = kind_of(room) ? kind_of(room) : &channel_kind;
    struct buf path = BUF_INIT;
    json_t *owners = json_array(), *v;
    enum err e;
    size_t n;

    buf_addf(&path, "/api/v1/%s.roles", k->api);
    client_query(&path, "roomId", json_str(room, "_id") ? json_str(room, "_id")
                                                        : "");
    e = client_get(c, path.data, &r);
    if (!e) {
        json_array_foreach(json_object_get(r.json, "roles"), n, v) {
            const json_t *u = json_object_get(v, "u");

            if (json_str(u, "_id") &&
                roles_hold(json_object_get(v, "roles"), "owner"))
                json_array_append_new(owners,
                                      json_pack("{s:s, s:s?}", "_id",
                                                json_str(u, "_id"),
                                                "username",
                                                json_str(u, "username")));
        }
    }
    bulk_pool_lock(p);
    if (!e) {
        o->owners[i] = owners;
        owners = NULL;
    } else if (is_missing_route(&r)) {
        o->missing_route = 1;
        o->code[i] = EXIT_FAILED;
    } else {
        /* said later, unless the users' rooms tell */
        o->code[i] = command_exit_code(r.err ? r.err : ERR_INVALID);
        o->why[i] = xstrdup(r.error ? r.error : "failed");
    }
    bulk_pool_unlock(p);
    json_decref(owners);
    buf_release(&path);
    client_reply_release(&r);
}

static void orphan_user_item(struct bulk_pool *p, struct client *c, size_t i,
                             void *data)
{
    struct orphans *o = data;
    struct client_reply r = CLIENT_REPLY_INIT;
    const char *uid = json_string_value(json_array_get(o->uids, i));
    json_t *user = NULL;
    const char *st;
    enum err e = user_find(c, uid, BY_ID, "", &user, &r);

    if (!e)
        st = json_is_false(json_object_get(user, "active")) ? "inactive"
                                                            : "active";
    else
        st = e == ERR_NOT_FOUND ? "deleted" : NULL;
    bulk_pool_lock(p);
    if (st)
        json_object_set_new(o->state, uid, json_string(st));
    else
        command_fail(&r, "cannot look up owner '%s'", uid);
    bulk_pool_unlock(p);
    json_decref(user);
    client_reply_release(&r);
}

/*
 * Rocket.Chat shows a private group's roles to its members only. An
 * admin learns the owners of the others from the users' side: users.info
 * with includeUserRooms lists a user's rooms with their roles (for
 * view-other-user-channels), one request per user.
 */
static void orphan_user_rooms_item(struct bulk_pool *p, struct client *c,
                                   size_t i, void *data)
{
    struct orphans *o = data;
    struct client_reply r = CLIENT_REPLY_INIT;
    const json_t *u = json_array_get(o->users, i);
    const char *uid = json_str(u, "_id");
    json_t *user = NULL, *rooms, *v;
    size_t k;

    if (!uid || user_find(c, uid, BY_ID, "&includeUserRooms=true", &user,
                          &r)) {
        client_reply_release(&r);
        return;   /* gone meanwhile: owns nothing */
    }
    rooms = json_object_get(user, "rooms");
    bulk_pool_lock(p);
    if (!json_is_array(rooms))
        o->no_user_rooms = 1;
    json_array_foreach(rooms, k, v) {
        json_t *owners = json_object_get(o->hidden, json_str(v, "rid") ?
                                                    json_str(v, "rid") : "");

        if (owners && roles_hold(json_object_get(v, "roles"), "owner"))
            json_array_append_new(owners,
                                  json_pack("{s:s, s:s?}", "_id", uid,
                                            "username",
                                            json_str(user, "username")));
    }
    if (json_is_array(rooms))
        json_object_set_new(o->state, uid,
                            json_string(json_is_false(json_object_get(
                                            user, "active"))
                                            ? "inactive" : "active"));
    bulk_pool_unlock(p);
    json_decref(user);
    client_reply_release(&r);
}

/* Fill the owners of the groups not readable from the users' rooms. */
static void orphans_from_users(struct rcctl *ctx, struct client *c,
                               struct orphans *o)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    json_t *me = NULL, *v;
    size_t i, n = json_array_size(o->rooms);

    o->hidden = json_object();
    for (i = 0; i < n; i++) {
        v = json_array_get(o->rooms, i);
        if (!o->owners[i] && o->code[i] == EXIT_NOT_FOUND &&
            kind_of(v) == &group_kind && json_str(v, "_id"))
            json_object_set_new(o->hidden, json_str(v, "_id"), json_array());
    }
    if (!json_object_size(o->hidden))
        return;
    /* does the server show users' rooms? ask about yourself first */
    if (user_find(c, ctx->session.user_id ? ctx->session.user_id : "",
                  BY_ID, "&includeUserRooms=true", &me, &r) ||
        !json_is_array(json_object_get(me, "rooms"))) {
        o->no_user_rooms = 1;
        goto out;
    }
    if (client_pages_all(c, "/api/v1/users.list", "users", &o->users, &r))
        goto out;
    bulk_parallel(ctx, NULL, json_array_size(o->users),
                  orphan_user_rooms_item, o);
    if (o->no_user_rooms)
        goto out;
    for (i = 0; i < n; i++) {
        const char *rid = json_str(json_array_get(o->rooms, i), "_id");
        json_t *owners = rid ? json_object_get(o->hidden, rid) : NULL;

        if (!o->owners[i] && owners) {
            o->owners[i] = json_incref(owners);
            o->code[i] = 0;
        }
    }
out:
    json_decref(me);
    client_reply_release(&r);
}

static int room_orphans(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "type", required_argument, NULL, 't' },
        { NULL, 0, NULL, 0 },
    };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct orphans o = { 0 };
    struct output *out = NULL;
    struct client *c;
    const char *types = NULL;
    json_t *groups = NULL, *v;
    size_t i, n, unchecked = 0, found = 0;
    int opt, rc, code = 0;

    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt != 't')
            return command_bad_option(argv);
        types = optarg;
    }
    if (optind < argc)
        return usage_errorf("unexpected argument '%s'", argv[optind]);
    if (types && strcmp(types, "c") && strcmp(types, "p") &&
        strcmp(types, "c,p") && strcmp(types, "p,c"))
        return usage_errorf("--type wants c, p or c,p, not '%s'", types);
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    o.rooms = json_array();
    if (!types || strchr(types, 'c')) {
        if (client_pages_all(c, "/api/v1/channels.list", "channels",
                             &groups, &r)) {
            rc = command_fail(&r, "cannot list the channels");
            goto out;
        }
        json_array_extend(o.rooms, groups);
        json_decref(groups);
        groups = NULL;
    }
    if (!types || strchr(types, 'p')) {
        if (client_pages_all(c, "/api/v1/groups.listAll", "groups",
                             &groups, &r)) {
            rc = command_fail(&r, "cannot list the private groups");
            goto out;
        }
        json_array_extend(o.rooms, groups);
    }
    n = json_array_size(o.rooms);
    o.owners = xcalloc(n + 1, sizeof(*o.owners));
    o.code = xcalloc(n + 1, sizeof(*o.code));
    o.why = xcalloc(n + 1, sizeof(*o.why));
    o.state = json_object();
    bulk_parallel(ctx, NULL, n, orphan_roles_item, &o);
    if (o.missing_route) {
        rc = errorf("'%s' has no channels.roles/groups.roles, which rcctl "
                    "needs to find the rooms' owners", client_url(c));
        goto out;
    }
    orphans_from_users(ctx, c, &o);
    for (i = 0; i < n; i++) {
        if (!o.owners[i])
            errorf("cannot read the owners of room '%s': %s%s",
                   room_label(json_array_get(o.rooms, i)),
                   o.why[i] ? o.why[i] : "failed",
                   o.code[i] == EXIT_NOT_FOUND && o.no_user_rooms
                       ? " (a group you are not in; the server does not "
                         "show users' rooms either)"
                       : "");
    }
    /* every owner not known yet, once */
    o.uids = json_array();
    for (i = 0; i < n; i++) {
        size_t k;

        json_array_foreach(o.owners[i], k, v) {
            const char *id = json_str(v, "_id");

            if (!json_object_get(o.state, id)) {
                json_object_set_new(o.state, id, json_null());
                json_array_append_new(o.uids, json_string(id));
            }
        }
    }
    for (i = 0; i < json_array_size(o.uids); i++)
        json_object_del(o.state,
                        json_string_value(json_array_get(o.uids, i)));
    bulk_parallel(ctx, NULL, json_array_size(o.uids), orphan_user_item, &o);

    out = command_output(ctx, 1);
    json_array_foreach(o.rooms, i, v) {
        struct buf who = BUF_INIT;
        int active = 0, unknown = 0;
        size_t k;
        json_t *ow, *item;

        if (!o.owners[i]) {
            unchecked++;
            code = !code || code == o.code[i] ? o.code[i] : EXIT_FAILED;
            buf_release(&who);
            continue;
        }
        json_array_foreach(o.owners[i], k, ow) {
            const char *st = json_str(o.state, json_str(ow, "_id"));
            const char *name = json_str(ow, "username");

            if (!st)
                unknown = 1;
            else if (!strcmp(st, "active"))
                active = 1;
            else
                buf_addf(&who, "%s%s (%s)", who.len ? ", " : "",
                         name ? name : json_str(ow, "_id"), st);
        }
        if (active)
            goto next;
        if (unknown) {
            unchecked++;
            code = EXIT_FAILED;
            goto next;
        }
        item = json_deep_copy(v);
        json_object_set_new(item, "owners", json_string(who.data));
        json_object_set_new(item, "problem",
                            json_string(json_array_size(o.owners[i])
                                            ? "no active owner"
                                            : "no owner"));
        output_item(out, item);
        json_decref(item);
        found++;
next:
        buf_release(&who);
    }
    rc = command_output_end(out);
    if (!ctx->quiet)
        fprintf(stderr, "rcctl: %zu of %zu rooms have no active owner%s\n",
                found, n - unchecked,
                found ? "; fix with 'rcctl room recover ROOM --owner USER'"
                      : "");
    if (!rc && unchecked) {
        errorf("could not check %zu of %zu rooms", unchecked, n);
        rc = unchecked == n ? (code ? code : EXIT_FAILED) : EXIT_PARTIAL;
    }
out:
    for (i = 0; o.owners && i < json_array_size(o.rooms); i++) {
        json_decref(o.owners[i]);
        free(o.why[i]);
    }
    free(o.owners);
    free(o.code);
    free(o.why);
    json_decref(o.users);
    json_decref(o.hidden);
    json_decref(o.rooms);
    json_decref(o.uids);
    json_decref(o.state);
    json_decref(groups);
    client_reply_release(&r);
    return rc;
}

/* ---- dm list ---- */

static int dm_list(struct rcctl *ctx, int argc, char **argv)
{
    struct client *c;
    int rc = command_no_options(argc, argv, 0, 0);

    if (rc)
        return rc;
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    return list_run(ctx, c, "/api/v1/im.list", "ims", NULL,
                    "your direct messages");
}

/* ---- discussion create, list ---- */

struct discussions {
    const char *prid;
    const char *parent;     /* its name, for messages */
    json_t *have;           /* fname -> the discussion */
    json_t *opts;           /* users, reply */
    struct targets t;
    struct output *o;
    int dry_run;
};

static void discussion_item(struct bulk_pool *p, struct client *c, size_t i,
                            void *data)
{
    struct discussions *d = data;
    struct client_reply r = CLIENT_REPLY_INIT;
    const char *name = d->t.items[i];
    const json_t *have = json_object_get(d->have, name);
    json_t *body;
    struct bulk *b;
    enum err e = ERR_OK;

    if (!have && !d->dry_run) {
        body = json_deep_copy(d->opts);
        json_object_set_new(body, "prid", json_string(d->prid));
        json_object_set_new(body, "t_name", json_string(name));
        e = client_post(c, "/api/v1/rooms.createDiscussion", body, &r);
        json_decref(body);
    }
    b = bulk_pool_lock(p);
    if (have) {
        bulk_unchanged(b, "discussion '%s' of '%s' exists already", name,
                       d->parent);
        if (d->o)
            output_item(d->o, have);
    } else if (d->dry_run) {
        bulk_changed(b, "would create discussion '%s' in '%s'", name,
                     d->parent);
    } else if (e) {
        bulk_failed_reply(b, name, &r, "cannot create discussion '%s' in "
                          "'%s'", name, d->parent);
    } else {
        bulk_changed(b, "created discussion '%s' in '%s'", name, d->parent);
        if (d->o && json_object_get(r.json, "discussion"))
            output_item(d->o, json_object_get(r.json, "discussion"));
    }
    bulk_pool_unlock(p);
    client_reply_release(&r);
}

static int discussion_create(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        BULK_OPTIONS,
        { "users", required_argument, NULL, 'u' },
        { "message", required_argument, NULL, 'm' },
        { NULL, 0, NULL, 0 },
    };
    static const char *const name_columns[] = { "fname", "name", NULL };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct discussions d = { 0 };
    struct buf path = BUF_INIT;
    struct client *c;
    struct bulk b;
    const char *from = NULL;
    json_t *parent = NULL, *list = NULL, *v;
    int opt, rc, orc;
    size_t i;

    d.opts = json_object();
    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        switch (opt) {
        case 'f': from = optarg; break;
        case 'n': d.dry_run = 1; break;
        case 'u':
            json_object_set_new(d.opts, "users", split_list(optarg));
            break;
        case 'm':
            json_object_set_new(d.opts, "reply", json_string(optarg));
            break;
        default:
            rc = command_bad_option(argv);
            goto out;
        }
    }
    if (optind >= argc) {
        rc = usage_errorf("want a parent room and discussion names");
        goto out;
    }
    rc = targets_read(&d.t, argc - optind - 1, argv + optind + 1, from,
                      name_columns);
    if (rc)
        goto out;
    if (!d.t.n) {
        rc = usage_errorf("want at least one discussion name (or --from "
                          "FILE)");
        goto out;
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    if (any_room_get(c, argv[optind], BY_EITHER, 0, &parent, NULL, &r)) {
        rc = command_fail(&r, "cannot create discussions in '%s'",
                          argv[optind]);
        goto out;
    }
    d.prid = json_str(parent, "_id");
    d.parent = room_label(parent);
    if (!d.prid) {
        rc = errorf("room '%s' has no id", argv[optind]);
        goto out;
    }
    /* the discussions there are: a name there already is unchanged */
    buf_adds(&path, "/api/v1/rooms.getDiscussions");
    client_query(&path, "roomId", d.prid);
    if (client_pages_all(c, path.data, "discussions", &list, &r)) {
        rc = command_fail(&r, "cannot list the discussions of '%s'",
                          d.parent);
        goto out;
    }
    d.have = json_object();
    json_array_foreach(list, i, v) {
        if (json_str(v, "fname") && !json_object_get(d.have,
                                                     json_str(v, "fname")))
            json_object_set(d.have, json_str(v, "fname"), v);
    }
    if (!d.dry_run)
        d.o = command_output(ctx, 1);
    bulk_init(&b, ctx, d.dry_run);
    bulk_parallel(ctx, &b, d.t.n, discussion_item, &d);
    orc = d.o ? command_output_end(d.o) : EXIT_OK;
    rc = bulk_end(&b, d.t.n);
    if (!rc)
        rc = orc;
out:
    json_decref(parent);
    json_decref(list);
    json_decref(d.have);
    json_decref(d.opts);
    targets_release(&d.t);
    client_reply_release(&r);
    buf_release(&path);
    return rc;
}

static int discussion_list(struct rcctl *ctx, int argc, char **argv)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    struct buf path = BUF_INIT, what = BUF_INIT;
    struct client *c;
    json_t *parent = NULL;
    int rc = command_no_options(argc, argv, 1, 1);

    if (rc)
        return rc;
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    if (any_room_get(c, argv[optind], BY_EITHER, 0, &parent, NULL, &r)) {
        rc = command_fail(&r, "cannot list the discussions of '%s'",
                          argv[optind]);
        goto out;
    }
    buf_adds(&path, "/api/v1/rooms.getDiscussions");
    client_query(&path, "roomId", json_str(parent, "_id") ? json_str(parent,
                                                                    "_id")
                                                          : "");
    buf_addf(&what, "the discussions of '%s'", room_label(parent));
    rc = list_run(ctx, c, path.data, "discussions", NULL, what.data);
out:
    json_decref(parent);
    client_reply_release(&r);
    buf_release(&path);
    buf_release(&what);
    return rc;
}

/* ---- tables ---- */

#define LIST_COLUMNS "_id,name,usersCount,msgs,ro,archived,lm"
#define INFO_COLUMNS "_id,name,t,fname,usersCount,msgs,ro,archived,topic," \
                     "u.username,ts"
#define MEMBER_COLUMNS "_id,username,name,status"
#define CREATE_COLUMNS "_id,name,t"

#define DELETE_HELP(KIND, HOW) \
    "Deletes the " KIND "s with their messages and files" HOW ". Asks for\n" \
    "confirmation on a terminal; without one, --yes is required.\n" \
    "\nOptions:\n" ROOMS_FROM_HELP \
    "  -y, --yes        delete without asking\n" \
    "  --ignore-missing a " KIND " that does not exist counts as unchanged\n" \
    "                   (else it fails with exit status 4)\n" BULK_NOTE

#define MEMBERS_HELP(VERB, ENDPOINT, WHEN) \
    "Calls " ENDPOINT " for each user; users " WHEN " are\n" \
    "unchanged. Users are usernames (@name too) or ids.\n" \
    "\nOptions:\n" \
    "  --from FILE      read more users from FILE (- for stdin): one a line,\n" \
    "                   or rcctl's csv/tsv output (username, else _id)\n" \
    "  -n, --dry-run    say who would be " VERB ", change nothing\n" BULK_NOTE

#define ADD_OWNER_HELP(KIND, ALL) \
    "Makes USER owner of each " KIND " (" KIND "s.addOwner); when USER is\n" \
    "not in a " KIND ", invites them first (" KIND "s.invite). A " KIND " USER\n" \
    "owns already is unchanged, so the command can simply run again.\n" \
    "--all takes every " KIND " (" ALL ");\n" \
    "you must be able to invite and set owners there (an admin, or\n" \
    "the rooms' owner).\n" \
    "\nOptions:\n" \
    "  --user USER      the user to make owner (username or id)\n" \
    "  --all            every " KIND "\n" \
    "  --join           join private groups you are not in first (only\n" \
    "                   members may set a group's owners; joining needs\n" \
    "                   the permission add-user-to-any-p-room)\n" \
    ROOMS_FROM_HELP BULK_NOTE

#define KIND_TABLE(K, KIND, WORD, ALLNOTE)                                   \
    {                                                                        \
        .name = "info",                                                      \
        .synopsis = "<" WORD ">",                                            \
        .summary = "show one " KIND " (by name or id)",                     \
        .run = K##_info,                                                     \
        .flags = CMD_LOGIN,                                                  \
        .columns = INFO_COLUMNS,                                             \
        .examples = "rcctl " WORD " info myroom\n"                           \
                    "rcctl " WORD " info myroom -o json",                    \
        .help = "The " KIND " is named by its name (a leading # is "         \
                "dropped) or id.\nExit status 4 when there is no such "      \
                KIND "." ALLNOTE,                                            \
    },                                                                       \
    {                                                                        \
        .name = "members",                                                   \
        .synopsis = "<" WORD ">",                                            \
        .summary = "list the members of a " KIND,                           \
        .run = K##_members,                                                  \
        .flags = CMD_LOGIN,                                                  \
        .columns = MEMBER_COLUMNS,                                           \
        .examples = "rcctl " WORD " members myroom\n"                        \
                    "rcctl " WORD " members myroom -o ids",                  \
    },                                                                       \
    {                                                                        \
        .name = "create",                                                    \
        .synopsis = "[--members U1,U2] [--read-only] [--from FILE] "         \
                    "[--dry-run] <name>...",                                 \
        .summary = "create " KIND "s (ones that exist are unchanged)",       \
        .run = K##_create,                                                   \
        .flags = CMD_LOGIN,                                                  \
        .columns = CREATE_COLUMNS,                                           \
        .examples = "rcctl " WORD " create ops-alerts --members alice,bob\n" \
                    "rcctl " WORD " create --from names.txt -j 8",           \
        .help = "Prints the " KIND "s, made or found, on stdout. A " KIND    \
                " of that name\nthat exists already is unchanged (its "      \
                "members are left as they\nare); a room of another type "    \
                "with the name fails with exit status 6.\n\nOptions:\n"      \
                "  --members U1,U2  users to add (usernames)\n"              \
                "  --read-only      only owners, moderators and admins "     \
                "post\n"                                                     \
                "  --from FILE      read more names from FILE (- for "       \
                "stdin), one a line\n"                                       \
                "  -n, --dry-run    say what would be created\n" BULK_NOTE,  \
    },                                                                       \
    {                                                                        \
        .name = "archive",                                                   \
        .synopsis = "[--from FILE] [--dry-run] <" WORD ">...",               \
        .summary = "archive " KIND "s (archived ones are unchanged)",        \
        .run = K##_archive,                                                  \
        .flags = CMD_LOGIN,                                                  \
        .examples = "rcctl " WORD " archive old-project\n"                   \
                    "rcctl " WORD " archive --dry-run --from stale.txt",     \
        .help = "Options:\n" ROOMS_FROM_HELP BULK_NOTE,                      \
    },                                                                       \
    {                                                                        \
        .name = "unarchive",                                                 \
        .synopsis = "[--from FILE] [--dry-run] <" WORD ">...",               \
        .summary = "unarchive " KIND "s",                                    \
        .run = K##_unarchive,                                                \
        .flags = CMD_LOGIN,                                                  \
        .examples = "rcctl " WORD " unarchive old-project",                  \
        .help = "Options:\n" ROOMS_FROM_HELP BULK_NOTE,                      \
    },                                                                       \
    {                                                                        \
        .name = "rename",                                                    \
        .synopsis = "[--from FILE] [--dry-run] <old> <new> "                 \
                    "[<old> <new>]...",                                      \
        .summary = "rename " KIND "s",                                       \
        .run = K##_rename,                                                   \
        .flags = CMD_LOGIN,                                                  \
        .examples = "rcctl " WORD " rename proj-x proj-x-2024\n"             \
                    "rcctl " WORD " rename --from renames.txt",              \
        .help = "A " KIND " named <new> already (and no <old>) is "          \
                "unchanged.\n\nOptions:\n"                                   \
                "  --from FILE      read more pairs from FILE (- for "       \
                "stdin): 'old new'\n"                                        \
                "                   a line (blank, ',' or tab between)\n"    \
                "  -n, --dry-run    say what would be renamed\n" BULK_NOTE,  \
    },                                                                       \
    {                                                                        \
        .name = "invite",                                                    \
        .synopsis = "[--from FILE] [--dry-run] <" WORD "> <user>...",        \
        .summary = "add users to a " KIND " (members are unchanged)",        \
        .run = K##_invite,                                                   \
        .flags = CMD_LOGIN,                                                  \
        .examples = "rcctl " WORD " invite myroom alice bob\n"               \
                    "rcctl user list --role user -o ids | rcctl " WORD       \
                    " invite myroom --from -",                               \
        .help = MEMBERS_HELP("invited", WORD "s.invite",                     \
                             "in the " KIND " already"),                     \
    },                                                                       \
    {                                                                        \
        .name = "kick",                                                      \
        .synopsis = "[--from FILE] [--dry-run] <" WORD "> <user>...",        \
        .summary = "remove users from a " KIND " (their messages stay)",     \
        .run = K##_kick,                                                     \
        .flags = CMD_LOGIN,                                                  \
        .examples = "rcctl " WORD " kick myroom userName\n"                  \
                    "rcctl " WORD " kick --dry-run myroom --from leavers.txt",\
        .help = MEMBERS_HELP("removed", WORD "s.kick",                       \
                             "not in the " KIND)                             \
                "\nThe server refuses to remove the last owner.\n",          \
    }

#define KIND_DELETE(K, KIND, WORD, HOW)                                      \
    {                                                                        \
        .name = "delete",                                                    \
        .synopsis = "[--yes] [--ignore-missing] [--from FILE] [--dry-run] "  \
                    "<" WORD ">...",                                         \
        .summary = "delete " KIND "s and their messages",                    \
        .run = K##_delete,                                                   \
        .flags = CMD_LOGIN,                                                  \
        .examples = "rcctl " WORD " delete myroom\n"                         \
                    "rcctl " WORD " delete --yes --ignore-missing --from "   \
                    "old.txt",                                               \
        .help = DELETE_HELP(KIND, HOW),                                      \
    }

const struct command channel_commands[] = {
    {
        .name = "list",
        .synopsis = "[--joined | --member USER]",
        .summary = "list every channel, all pages, streamed",
        .run = channel_list,
        .flags = CMD_LOGIN,
        .columns = LIST_COLUMNS,
        .examples = "rcctl channel list\n"
                    "rcctl channel list --joined --columns name --no-header\n"
                    "rcctl channel list --member alice -o csv",
        .help = "Lists every public channel you may see (channels.list), or\n"
                "those you are in (--joined), or those USER is in (--member;\n"
                "from users.info's rooms when the server shows them, else\n"
                "from each channel's members, -j N at once).\n",
    },
    KIND_TABLE(channel, "channel", "channel", ""),
    {
        .name = "add-owner",
        .synopsis = "--user USER (--all | [--from FILE] <channel>...) "
                    "[--join] [--dry-run]",
        .summary = "make a user owner of channels, joining them first",
        .run = channel_add_owner,
        .flags = CMD_LOGIN,
        .examples = "rcctl channel add-owner --user alice ops dev\n"
                    "rcctl channel add-owner --all --user alice --dry-run",
        .help = ADD_OWNER_HELP("channel", "channels.list"),
    },
    KIND_DELETE(channel, "channel", "channel", " (channels.delete)"),
    { NULL },
};

const struct command group_commands[] = {
    {
        .name = "list",
        .synopsis = "[--all | --member USER]",
        .summary = "list private groups: yours, every one, or a user's",
        .run = group_list,
        .flags = CMD_LOGIN,
        .columns = LIST_COLUMNS,
        .examples = "rcctl group list\n"
                    "# every private group (admin view)\n"
                    "rcctl group list --all\n"
                    "# every private group containing linus\n"
                    "rcctl group list --member linus --columns name "
                    "--no-header",
        .help = "Without options lists the groups you are in (groups.list).\n"
                "--all lists every private group (groups.listAll; needs the\n"
                "view-room-administration permission). --member USER lists\n"
                "every private group USER is in: from users.info's rooms when\n"
                "the server shows them (Rocket.Chat, view-other-user-channels),\n"
                "else from the members of every group, -j N at once; groups\n"
                "whose members you cannot see are reported, exit status 3.\n",
    },
    KIND_TABLE(group, "group", "group",
               "\nAdmins also find groups they are not in (groups.listAll)."),
    {
        .name = "add-owner",
        .synopsis = "--user USER (--all | [--from FILE] <group>...) "
                    "[--join] [--dry-run]",
        .summary = "make a user owner of private groups, joining them first",
        .run = group_add_owner,
        .flags = CMD_LOGIN,
        .examples = "# the operations notes' loop: alice owner of every "
                    "private group\n"
                    "rcctl group add-owner --all --user alice\n"
                    "rcctl group add-owner --all --user alice --dry-run\n"
                    "rcctl group add-owner --user alice ops dev",
        .help = ADD_OWNER_HELP("group", "groups.listAll, an admin's view"),
    },
    KIND_DELETE(group, "group", "group",
                " (groups.delete; rooms.delete\nfor groups you are not in, "
                "which admins may delete)"),
    { NULL },
};

const struct command dm_commands[] = {
    {
        .name = "list",
        .summary = "list your direct messages, all pages",
        .run = dm_list,
        .flags = CMD_LOGIN,
        .columns = "_id,usernames,msgs,lm",
        .examples = "rcctl dm list\nrcctl dm list -o json",
    },
    { NULL },
};

const struct command discussion_commands[] = {
    {
        .name = "create",
        .synopsis = "[--users U1,U2] [--message TEXT] [--from FILE] "
                    "[--dry-run] <parent> <name>...",
        .summary = "create discussions in a room (existing ones unchanged)",
        .run = discussion_create,
        .flags = CMD_LOGIN,
        .columns = "_id,fname,name,t,prid",
        .examples = "rcctl discussion create website-dev 'Feature: login'\n"
                    "rcctl discussion create website-dev 'Release 2.0' "
                    "--users alice,bob --message 'Plan here'",
        .help = "Creates each discussion (rooms.createDiscussion) in the "
                "parent room\n(name or id), unless it has one of that name "
                "already. Prints the\ndiscussions, made or found, on "
                "stdout.\n\nOptions:\n"
                "  --users U1,U2    users to add (usernames)\n"
                "  --message TEXT   a first message in the discussion\n"
                "  --from FILE      read more names from FILE, one a line\n"
                "  -n, --dry-run    say what would be created\n" BULK_NOTE,
    },
    {
        .name = "list",
        .synopsis = "<parent>",
        .summary = "list the discussions of a room",
        .run = discussion_list,
        .flags = CMD_LOGIN,
        .columns = "_id,fname,name,t,msgs,usersCount",
        .examples = "rcctl discussion list website-dev",
    },
    { NULL },
};

const struct command room_commands[] = {
    {
        .name = "notify",
        .synopsis = "(--all [--type c,p,d] | [--from FILE] <room>...) "
                    "[--desktop V] [--mobile V] [--email V] [--audio SOUND] "
                    "[--disable-notifications 0|1] [--mute-group-mentions 0|1] "
                    "[--hide-unread 0|1] [--hide-mention 0|1] [--dry-run]",
        .summary = "set your notification preferences on rooms",
        .run = room_notify,
        .flags = CMD_LOGIN,
        .examples =
            "# the operations notes' loop: the same preferences on every "
            "private group\n"
            "rcctl room notify --all --type p --desktop default --mobile "
            "default \\\n"
            "    --email default --audio default --disable-notifications 0 "
            "\\\n"
            "    --mute-group-mentions 0 --hide-unread 0 --hide-mention 0\n"
            "rcctl room notify --all --email nothing --dry-run\n"
            "rcctl room notify ops-alerts --desktop all --audio chime",
        .help =
            "Reads your subscriptions once (subscriptions.get) and calls\n"
            "rooms.saveNotification, with only the settings that differ,\n"
            "for the rooms that are not as asked yet; the others are\n"
            "unchanged, so the command can simply run again.\n"
            "\n"
            "Options:\n"
            "  --all              every room you are in\n"
            "  --type T           with --all or rooms: only rooms of type T\n"
            "                     (c channel, p private group, d direct; a "
            "list: c,p)\n"
            "  --desktop V        desktop notifications: all, mentions, "
            "nothing, default\n"
            "  --mobile V         mobile push notifications: the same values\n"
            "  --email V          e-mail notifications: the same values\n"
            "  --audio SOUND      notification sound id (default: the user's)\n"
            "  --disable-notifications 0|1\n"
            "  --mute-group-mentions 0|1   mute @all and @here\n"
            "  --hide-unread 0|1  hide the unread counter\n"
            "  --hide-mention 0|1 hide the mention mark\n"
            "  --from FILE        read more rooms (names or ids) from FILE\n"
            "  -n, --dry-run      list what would change, change nothing\n"
            "\n"
            "'default' follows your account preferences.\n" BULK_NOTE,
    },
    {
        .name = "orphans",
        .synopsis = "[--type c|p]",
        .summary = "list rooms with no active owner",
        .run = room_orphans,
        .flags = CMD_LOGIN,
        .columns = "_id,name,t,problem,owners,usersCount",
        .examples = "rcctl room orphans\n"
                    "# and fix them: alice becomes owner of each\n"
                    "rcctl room orphans -o ids | rcctl room recover --from - "
                    "--owner alice",
        .help = "Reads every channel (channels.list) and private group\n"
                "(groups.listAll), their owners (channels.roles,\n"
                "groups.roles) and whether those are active (users.info).\n"
                "A room is listed when no owner is left, or all owners are\n"
                "deactivated or deleted; the owners column names them.\n"
                "Rooms that could not be checked (a group whose roles you\n"
                "cannot read) are reported on stderr, exit status 3.\n"
                "Needs an admin (view-room-administration).\n",
    },
    {
        .name = "recover",
        .synopsis = "--owner USER [--from FILE] [--dry-run] <room>...",
        .summary = "give rooms whose owner is gone a new owner",
        .run = room_recover,
        .flags = CMD_LOGIN,
        .examples = "rcctl room recover projekt-x --owner alice\n"
                    "rcctl room recover --dry-run --owner alice --from "
                    "orphans.txt",
        .help = "The operations notes' fix for a room whose only owner was\n"
                "removed: adds USER to the room (invite) when USER is not\n"
                "in it, and makes USER owner (addOwner). Each room's line\n"
                "says exactly what changed; a room USER owns already is\n"
                "unchanged. Rooms are names or ids. Only members may set a\n"
                "private group's owners, so an admin who is not in a group\n"
                "joins it first (groups.invite; give the admin role the\n"
                "permission add-user-to-any-p-room, and leave the group\n"
                "afterwards with 'rcctl group kick GROUP YOU' if wanted).\n"
                "\nOptions:\n"
                "  --owner USER     the new owner (an active user)\n"
                ROOMS_FROM_HELP BULK_NOTE,
    },
    { NULL },
};
