/*
 * team ...: create teams, add and remove members (and them from team
 * rooms), list a team's rooms and members, and turn a room's auto-join
 * on or off, with only the teams.*, rooms.info and users.info endpoints
 * real Rocket.Chat has. Idempotent and concurrent like cmd/room.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/buf.h"
#include "../../shared/json.h"
#include "../client.h"
#include "../command.h"
#include "../journal.h"

static const char *const user_columns[] = { "username", "_id", NULL };
static const char *const name_columns[] = { "name", "_id", NULL };

#define BULK_NOTE \
    "\nEach item gets a line on stderr, then the counts (changed, unchanged,\n" \
    "failed). A failure does not stop the others; exit status 3 when some\n" \
    "failed and some did not. Up to -j N requests run at once.\n"

/*
 * GET path?<key>=<value>[&...] for each (key, value) in turn until one
 * answers with an object at field; ERR_NOT_FOUND when every one says
 * there is no such thing (notfound: the plain error text some teams.*
 * answers use, or NULL).
 */
static enum err get_one(struct client *c, const char *path,
                        const char *const *keys, const char *value,
                        const char *field, const char *notfound,
                        json_t **out, struct client_reply *r)
{
    struct buf p = BUF_INIT;
    enum err e = ERR_NOT_FOUND;

    *out = NULL;
    for (size_t i = 0; keys[i]; i++) {
        buf_reset(&p);
        buf_adds(&p, path);
        client_query(&p, keys[i], value);
        e = client_get(c, p.data, r);
        if (!e) {
            json_t *v = json_object_get(r->json, field);

            if (json_is_object(v)) {
                *out = json_incref(v);
                break;
            }
            client_reply_fail(r, ERR_INVALID, "the answer has no %s", field);
            e = ERR_INVALID;
            break;
        }
        if (e == ERR_INVALID && notfound && json_str(r->json, "error") &&
            !strcmp(json_str(r->json, "error"), notfound))
            e = r->err = ERR_NOT_FOUND;
        if (e != ERR_NOT_FOUND)
            break;
    }
    buf_release(&p);
    return e;
}

static enum err team_get(struct client *c, const char *name, json_t **team,
                         struct client_reply *r)
{
    static const char *const keys[] = { "teamName", "teamId", NULL };
    enum err e = get_one(c, "/api/v1/teams.info", keys, name, "teamInfo",
                         "Team not found", team, r);

    if (e == ERR_NOT_FOUND)
        client_reply_fail(r, ERR_NOT_FOUND, "no team '%s'", name);
    return e;
}

static enum err user_get(struct client *c, const char *name, json_t **user,
                         struct client_reply *r)
{
    static const char *const keys[] = { "username", "userId", NULL };
    enum err e = get_one(c, "/api/v1/users.info", keys,
                         command_skip_sigil(name, '@'), "user", NULL, user, r);

    if (e == ERR_NOT_FOUND)
        client_reply_fail(r, ERR_NOT_FOUND, "no user '%s'",
                          command_skip_sigil(name, '@'));
    return e;
}

static enum err room_get(struct client *c, const char *name, json_t **room,
                         struct client_reply *r)
{
    static const char *const keys[] = { "roomName", "roomId", NULL };
    enum err e = get_one(c, "/api/v1/rooms.info", keys,
                         command_skip_sigil(name, '#'), "room", "not-allowed",
                         room, r);

    if (e == ERR_NOT_FOUND)
        client_reply_fail(r, ERR_NOT_FOUND, "no room '%s' that you can see",
                          command_skip_sigil(name, '#'));
    return e;
}

/* Report a failed lookup of what as a bulk failure. */
static void fail_lookup(struct bulk *b, const char *item,
                        struct client_reply *r, const char *what)
{
    if (r->err == ERR_NOT_FOUND)
        bulk_failed(b, item, EXIT_NOT_FOUND, "cannot %s: %s", what, r->error);
    else
        bulk_failed_reply(b, item, r, "cannot %s", what);
}

struct stream {
    struct rcctl *ctx;
    struct output *o;
};

static int stream_item(const json_t *item, void *data)
{
    struct stream *s = data;

    if (!s->o)
        s->o = command_output(s->ctx, 1);
    output_item(s->o, item);
    return 0;
}

static int list_run(struct rcctl *ctx, struct client *c, const char *path,
                    const char *key, const char *what)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    struct stream s = { ctx, NULL };
    enum err e = client_pages(c, path, key, stream_item, &s, &r, NULL, NULL);
    int rc;

    if (!s.o && !e)
        s.o = command_output(ctx, 1);
    rc = s.o ? command_output_end(s.o) : EXIT_OK;
    if (e)
        rc = command_fail(&r, "cannot list %s", what);
    client_reply_release(&r);
    return rc;
}

/* The team named by argv[optind] (caller decrefs), or NULL after saying
 * why with *rc set. */
static json_t *team_arg(struct client *c, const char *name, const char *verb,
                        int *rc)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    json_t *team = NULL;

    if (team_get(c, name, &team, &r)) {
        if (r.err == ERR_NOT_FOUND) {
            errorf("cannot %s: no team '%s'", verb, name);
            *rc = EXIT_NOT_FOUND;
        } else {
            *rc = command_fail(&r, "cannot %s (team '%s')", verb, name);
        }
    }
    client_reply_release(&r);
    return team;
}

/* ---- team list, members, rooms ---- */

static int team_list(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "all", no_argument, NULL, 'a' },
        { NULL, 0, NULL, 0 },
    };
    struct client *c;
    int all = 0, opt, rc;

    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt != 'a')
            return command_bad_option(argv);
        all = 1;
    }
    if (optind < argc)
        return usage_errorf("unexpected argument '%s'", argv[optind]);
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    return list_run(ctx, c, all ? "/api/v1/teams.listAll"
                                : "/api/v1/teams.list", "teams",
                    "the teams");
}

static int team_members(struct rcctl *ctx, int argc, char **argv)
{
    struct buf path = BUF_INIT;
    struct client *c;
    json_t *team;
    int rc = command_no_options(argc, argv, 1, 1);

    if (rc)
        return rc;
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    team = team_arg(c, argv[optind], "list the members", &rc);
    if (!team)
        return rc;
    buf_adds(&path, "/api/v1/teams.members");
    client_query(&path, "teamId", json_str(team, "_id") ? json_str(team, "_id")
                                                        : "");
    rc = list_run(ctx, c, path.data, "members", "the team's members");
    json_decref(team);
    buf_release(&path);
    return rc;
}

static int team_rooms(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "autojoin", no_argument, NULL, 'a' },
        { NULL, 0, NULL, 0 },
    };
    struct buf path = BUF_INIT;
    struct client *c;
    json_t *team;
    int autojoin = 0, opt, rc;

    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt != 'a')
            return command_bad_option(argv);
        autojoin = 1;
    }
    if (argc - optind != 1)
        return usage_errorf("want one team");
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    team = team_arg(c, argv[optind], "list the rooms", &rc);
    if (!team)
        return rc;
    buf_adds(&path, "/api/v1/teams.listRooms");
    client_query(&path, "teamId", json_str(team, "_id") ? json_str(team, "_id")
                                                        : "");
    if (autojoin)
        client_query(&path, "type", "autoJoin");
    rc = list_run(ctx, c, path.data, "rooms", "the team's rooms");
    json_decref(team);
    buf_release(&path);
    return rc;
}

/* ---- team create ---- */

struct create {
    struct rcctl *ctx;
    struct targets t;
    int private;
    json_t *members;
    struct output *o;
    int dry_run;
};

static void create_item(struct bulk_pool *p, struct client *c, size_t i,
                        void *data)
{
    struct create *cr = data;
    struct client_reply r = CLIENT_REPLY_INIT;
    const char *name = cr->t.items[i];
    json_t *team = NULL, *body;
    struct bulk *b;
    enum err e = team_get(c, name, &team, &r);

    if (e == ERR_NOT_FOUND && !cr->dry_run) {
        body = json_pack("{s:s, s:i}", "name", name, "type", cr->private);
        if (cr->members)
            json_object_set(body, "members", cr->members);
        e = client_post(c, "/api/v1/teams.create", body, &r);
        if (!e) {
            team = json_incref(json_object_get(r.json, "team"));
            journal_add(cr->ctx, &(struct journal_entry){
                .type = "team", .id = json_str(team, "_id"), .name = name,
                .action = "create", .after = json_incref(body),
                .path = "/api/v1/teams.create", .body = body,
                .why_not = "undoing a create would delete the team and its "
                           "main room with all that was said in it since",
            });
        }
        json_decref(body);
        b = bulk_pool_lock(p);
        if (e)
            bulk_failed_reply(b, name, &r, "cannot create team '%s'", name);
        else
            bulk_changed(b, "created team '%s'", name);
    } else {
        b = bulk_pool_lock(p);
        if (!e)
            bulk_unchanged(b, "team '%s' exists already", name);
        else if (e == ERR_NOT_FOUND)
            bulk_changed(b, "would create team '%s'", name);
        else
            bulk_failed_reply(b, name, &r, "cannot create team '%s'", name);
    }
    if (cr->o && team)
        output_item(cr->o, team);
    bulk_pool_unlock(p);
    json_decref(team);
    client_reply_release(&r);
}

static int team_create(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "private", no_argument, NULL, 'p' },
        { "members", required_argument, NULL, 'm' },
        { "from", required_argument, NULL, 'f' },
        { "dry-run", no_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };
    struct create cr = { 0 };

    cr.ctx = ctx;
    struct client *c;
    struct bulk b;
    const char *from = NULL;
    int opt, rc, orc;

    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        switch (opt) {
        case 'p': cr.private = 1; break;
        case 'm': {
            const char *s = optarg;

            json_decref(cr.members);
            cr.members = json_array();
            while (*s) {
                size_t n = strcspn(s, ",");

                if (n)
                    json_array_append_new(cr.members, json_stringn(s, n));
                s += n + (s[n] == ',');
            }
            break;
        }
        case 'f': from = optarg; break;
        case 'n': cr.dry_run = 1; break;
        default:
            rc = command_bad_option(argv);
            goto out;
        }
    }
    rc = targets_read(&cr.t, argc - optind, argv + optind, from,
                      name_columns);
    if (rc)
        goto out;
    if (!cr.t.n) {
        rc = usage_errorf("want at least one team name (or --from FILE)");
        goto out;
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    if (!cr.dry_run)
        cr.o = command_output(ctx, 1);
    bulk_init(&b, ctx, cr.dry_run);
    bulk_parallel(ctx, &b, cr.t.n, create_item, &cr);
    orc = cr.o ? command_output_end(cr.o) : EXIT_OK;
    rc = bulk_end(&b, cr.t.n);
    if (!rc)
        rc = orc;
out:
    targets_release(&cr.t);
    json_decref(cr.members);
    return rc;
}

/* ---- team add, remove ---- */

struct membership {
    struct rcctl *ctx;
    int add;
    const char *team_id, *team_name;
    json_t *members;        /* user id -> true */
    json_t *rooms;          /* remove --rooms: room ids, or NULL */
    const char *rooms_text; /* for messages */
    struct targets t;
    int by_id;
    int dry_run;
};

static void membership_item(struct bulk_pool *p, struct client *c, size_t i,
                            void *data)
{
    struct membership *m = data;
    struct client_reply r = CLIENT_REPLY_INIT;
    const char *arg = m->t.items[i], *uid, *uname;
    json_t *user = NULL, *body;
    struct bulk *b;
    enum err e;
    int in;

    e = m->by_id ? get_one(c, "/api/v1/users.info",
                           (const char *const[]){ "userId", NULL }, arg,
                           "user", NULL, &user, &r)
                 : user_get(c, arg, &user, &r);
    if (e) {
        b = bulk_pool_lock(p);
        if (e == ERR_NOT_FOUND)
            bulk_failed(b, arg, EXIT_NOT_FOUND, "cannot %s '%s': no such "
                        "user", m->add ? "add" : "remove",
                        command_skip_sigil(arg, '@'));
        else
            bulk_failed_reply(b, arg, &r, "cannot %s '%s'",
                              m->add ? "add" : "remove", arg);
        bulk_pool_unlock(p);
        goto out;
    }
    uid = json_str(user, "_id");
    uname = json_str(user, "username") ? json_str(user, "username") : arg;
    in = uid && json_object_get(m->members, uid);
    e = ERR_OK;
    if (in != m->add && !m->dry_run) {
        if (m->add) {
            body = json_pack("{s:s, s:[{s:s}]}", "teamId", m->team_id,
                             "members", "userId", uid);
            e = client_post(c, "/api/v1/teams.addMembers", body, &r);
        } else {
            body = json_pack("{s:s, s:s}", "teamId", m->team_id, "userId",
                             uid);
            if (m->rooms)
                json_object_set(body, "rooms", m->rooms);
            e = client_post(c, "/api/v1/teams.removeMember", body, &r);
        }
        if (!e)
            journal_add(m->ctx, &(struct journal_entry){
                .type = "team", .id = m->team_id, .name = m->team_name,
                .action = m->add ? "add" : "remove", .user_id = uid,
                .username = uname,
                .before = json_pack("{s:b}", "member", !m->add),
                .after = json_pack("{s:b}", "member", m->add),
                .path = m->add ? "/api/v1/teams.addMembers"
                               : "/api/v1/teams.removeMember",
                .body = body,
                /* the rooms left with --rooms are not rejoined */
                .undo_path = m->add ? "/api/v1/teams.removeMember"
                                    : "/api/v1/teams.addMembers",
                .undo_body = m->add
                                 ? json_pack("{s:s, s:s}", "teamId",
                                             m->team_id, "userId", uid)
                                 : json_pack("{s:s, s:[{s:s}]}", "teamId",
                                             m->team_id, "members", "userId",
                                             uid),
            });
        json_decref(body);
    }
    b = bulk_pool_lock(p);
    if (in == m->add)
        bulk_unchanged(b, "'%s' is %s team '%s' already", uname,
                       m->add ? "in" : "not in", m->team_name);
    else if (m->dry_run)
        bulk_changed(b, "would %s '%s' %s team '%s'%s%s",
                     m->add ? "add" : "remove", uname, m->add ? "to" : "from",
                     m->team_name, m->rooms ? " and rooms " : "",
                     m->rooms ? m->rooms_text : "");
    else if (e)
        bulk_failed_reply(b, uname, &r, "cannot %s '%s' %s team '%s'",
                          m->add ? "add" : "remove", uname,
                          m->add ? "to" : "from", m->team_name);
    else
        bulk_changed(b, "%s '%s' %s team '%s'%s%s",
                     m->add ? "added" : "removed", uname,
                     m->add ? "to" : "from", m->team_name,
                     m->rooms ? " and rooms " : "",
                     m->rooms ? m->rooms_text : "");
    bulk_pool_unlock(p);
out:
    json_decref(user);
    client_reply_release(&r);
}

/*
 * --rooms r1,r2 into m->rooms (ids), each a room of the team by name or
 * id. Returns 0 or an exit code after saying why.
 */
static int team_room_ids(struct client *c, struct membership *m,
                         const char *list)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    struct buf path = BUF_INIT;
    json_t *rooms;
    int rc = 0;

    buf_adds(&path, "/api/v1/teams.listRooms");
    client_query(&path, "teamId", m->team_id);
    client_pages_all(c, path.data, "rooms", &rooms, &r);
    buf_release(&path);
    if (!rooms) {
        rc = command_fail(&r, "cannot list the rooms of team '%s'",
                          m->team_name);
        client_reply_release(&r);
        return rc;
    }
    m->rooms = json_array();
    while (*list && !rc) {
        size_t n = strcspn(list, ","), i;
        char *want = xstrndup(list, n);
        const char *name = command_skip_sigil(want, '#');
        json_t *room, *hit = NULL;

        json_array_foreach(rooms, i, room) {
            const char *rn = json_str(room, "name"), *id = json_str(room,
                                                                  "_id");

            if ((rn && !strcmp(rn, name)) || (id && !strcmp(id, name)))
                hit = room;
        }
        if (n && !hit) {
            errorf("team '%s' has no room '%s'; see 'rcctl team rooms %s'",
                   m->team_name, name, m->team_name);
            rc = EXIT_NOT_FOUND;
        } else if (n) {
            json_array_append_new(m->rooms,
                                  json_string(json_str(hit, "_id")));
        }
        free(want);
        list += n + (list[n] == ',');
    }
    json_decref(rooms);
    return rc;
}

static int add_member_id(const json_t *item, void *data)
{
    const char *id = json_str(json_object_get(item, "user"), "_id");

    if (id)
        json_object_set_new(data, id, json_true());
    return 0;
}

static int team_membership(struct rcctl *ctx, int argc, char **argv, int add)
{
    static const struct option opts[] = {
        { "from", required_argument, NULL, 'f' },
        { "dry-run", no_argument, NULL, 'n' },
        { "rooms", required_argument, NULL, 'r' },
        { NULL, 0, NULL, 0 },
    };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct membership m = { 0 };

    m.ctx = ctx;
    struct buf path = BUF_INIT;
    struct client *c;
    struct bulk b;
    const char *from = NULL, *rooms = NULL;
    json_t *team = NULL;
    int opt, rc;

    m.add = add;
    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        switch (opt) {
        case 'f': from = optarg; break;
        case 'n': m.dry_run = 1; break;
        case 'r':
            if (add) {
                rc = usage_errorf("unknown option '--rooms'");
                goto out;
            }
            rooms = optarg;
            break;
        default:
            rc = command_bad_option(argv);
            goto out;
        }
    }
    if (optind >= argc) {
        rc = usage_errorf("want a team and users");
        goto out;
    }
    rc = targets_read(&m.t, argc - optind - 1, argv + optind + 1, from,
                      user_columns);
    if (rc)
        goto out;
    if (!m.t.n) {
        rc = usage_errorf("want at least one user (or --from FILE)");
        goto out;
    }
    m.by_id = m.t.column == 1;
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    team = team_arg(c, argv[optind], add ? "add members" : "remove members",
                    &rc);
    if (!team)
        goto out;
    m.team_id = json_str(team, "_id");
    m.team_name = json_str(team, "name") ? json_str(team, "name")
                                         : argv[optind];
    if (!m.team_id) {
        rc = errorf("team '%s' has no id", argv[optind]);
        goto out;
    }
    if (rooms) {
        m.rooms_text = rooms;
        rc = team_room_ids(c, &m, rooms);
        if (rc)
            goto out;
    }
    /* who is in already: unchanged, and what --dry-run tells */
    buf_adds(&path, "/api/v1/teams.members");
    client_query(&path, "teamId", m.team_id);
    m.members = json_object();
    if (client_pages(c, path.data, "members", add_member_id, m.members, &r,
                     NULL, NULL)) {
        rc = command_fail(&r, "cannot list the members of team '%s'",
                          m.team_name);
        goto out;
    }
    bulk_init(&b, ctx, m.dry_run);
    bulk_parallel(ctx, &b, m.t.n, membership_item, &m);
    rc = bulk_end(&b, m.t.n);
out:
    json_decref(team);
    json_decref(m.members);
    json_decref(m.rooms);
    targets_release(&m.t);
    client_reply_release(&r);
    buf_release(&path);
    return rc;
}

static int team_add(struct rcctl *ctx, int argc, char **argv)
{
    return team_membership(ctx, argc, argv, 1);
}

static int team_remove(struct rcctl *ctx, int argc, char **argv)
{
    return team_membership(ctx, argc, argv, 0);
}

/* ---- team autojoin ---- */

struct autojoin {
    struct rcctl *ctx;
    struct targets t;
    int on;
    int dry_run;
};

static void autojoin_item(struct bulk_pool *p, struct client *c, size_t i,
                          void *data)
{
    struct autojoin *a = data;
    struct client_reply r = CLIENT_REPLY_INIT;
    const char *arg = a->t.items[i], *label;
    json_t *room = NULL, *body;
    struct bulk *b;
    enum err e = room_get(c, arg, &room, &r);
    int is;

    if (e) {
        b = bulk_pool_lock(p);
        fail_lookup(b, arg, &r, "set the auto-join of a room");
        bulk_pool_unlock(p);
        goto out;
    }
    label = json_str(room, "name") ? json_str(room, "name") : arg;
    if (!json_str(room, "teamId")) {
        b = bulk_pool_lock(p);
        bulk_failed(b, arg, EXIT_FAILED, "cannot set the auto-join of room "
                    "'%s': it is in no team", label);
        bulk_pool_unlock(p);
        goto out;
    }
    is = json_is_true(json_object_get(room, "teamDefault"));
    if (is != a->on && !a->dry_run) {
        body = json_pack("{s:s?, s:b}", "roomId", json_str(room, "_id"),
                         "isDefault", a->on);
        e = client_post(c, "/api/v1/teams.updateRoom", body, &r);
        if (!e)
            journal_add(a->ctx, &(struct journal_entry){
                .type = "room", .id = json_str(room, "_id"), .name = label,
                .action = "autojoin",
                .before = json_pack("{s:b}", "autojoin", is),
                .after = json_pack("{s:b}", "autojoin", a->on),
                .path = "/api/v1/teams.updateRoom", .body = body,
                .undo_path = "/api/v1/teams.updateRoom",
                .undo_body = json_pack("{s:s?, s:b}", "roomId",
                                       json_str(room, "_id"), "isDefault",
                                       is),
            });
        json_decref(body);
    }
    b = bulk_pool_lock(p);
    if (is == a->on)
        bulk_unchanged(b, "auto-join of room '%s' is %s already", label,
                       is ? "on" : "off");
    else if (a->dry_run)
        bulk_changed(b, "would turn auto-join of room '%s' %s", label,
                     a->on ? "on" : "off");
    else if (e)
        bulk_failed_reply(b, label, &r, "cannot turn auto-join of room '%s' "
                          "%s", label, a->on ? "on" : "off");
    else
        bulk_changed(b, "turned auto-join of room '%s' %s%s", label,
                     a->on ? "on" : "off",
                     a->on ? " (the team's members were added to it)" : "");
    bulk_pool_unlock(p);
out:
    json_decref(room);
    client_reply_release(&r);
}

static int team_autojoin(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "from", required_argument, NULL, 'f' },
        { "dry-run", no_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };
    struct autojoin a = { 0 };

    a.ctx = ctx;
    struct client *c;
    struct bulk b;
    const char *from = NULL, *state;
    int opt, rc;

    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        switch (opt) {
        case 'f': from = optarg; break;
        case 'n': a.dry_run = 1; break;
        default: return command_bad_option(argv);
        }
    }
    if (optind >= argc)
        return usage_errorf("want rooms and on or off");
    state = argv[argc - 1];
    if (strcmp(state, "on") && strcmp(state, "off"))
        return usage_errorf("the last argument is on or off, not '%s'",
                            state);
    a.on = !strcmp(state, "on");
    rc = targets_read(&a.t, argc - optind - 1, argv + optind, from,
                      name_columns);
    if (rc)
        goto out;
    if (!a.t.n) {
        rc = usage_errorf("want at least one room (or --from FILE)");
        goto out;
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    bulk_init(&b, ctx, a.dry_run);
    bulk_parallel(ctx, &b, a.t.n, autojoin_item, &a);
    rc = bulk_end(&b, a.t.n);
out:
    targets_release(&a.t);
    return rc;
}

/* ---- table ---- */

const struct command team_commands[] = {
    {
        .name = "list",
        .synopsis = "[--all]",
        .summary = "list your teams (--all: every team)",
        .run = team_list,
        .flags = CMD_LOGIN,
        .columns = "_id,name,type,rooms,numberOfUsers,roomId",
        .examples = "rcctl team list\nrcctl team list --all -o json",
        .help = "--all needs the view-all-teams permission (teams.listAll).",
    },
    {
        .name = "create",
        .synopsis = "[--private] [--members U1,U2] [--from FILE] [--dry-run] "
                    "<name>...",
        .summary = "create teams (ones that exist are unchanged)",
        .run = team_create,
        .flags = CMD_LOGIN,
        .columns = "_id,name,type,roomId",
        .examples = "rcctl team create tech --members alice,bob\n"
                    "rcctl team create --private board",
        .help = "Creates each team (teams.create) with its main room, unless\n"
                "a team of that name exists; prints the teams on stdout.\n"
                "\nOptions:\n"
                "  --private        a private team (main room private)\n"
                "  --members U1,U2  members to add (usernames)\n"
                "  --from FILE      read more names from FILE, one a line\n"
                "  -n, --dry-run    say what would be created\n" BULK_NOTE,
    },
    {
        .name = "members",
        .synopsis = "<team>",
        .summary = "list a team's members and their roles",
        .run = team_members,
        .flags = CMD_LOGIN,
        .columns = "user._id,user.username,user.name,roles",
        .examples = "rcctl team members tech",
    },
    {
        .name = "add",
        .synopsis = "[--from FILE] [--dry-run] <team> <user>...",
        .summary = "add users to a team (members are unchanged)",
        .run = team_add,
        .flags = CMD_LOGIN,
        .examples = "rcctl team add tech alice bob\n"
                    "rcctl team add tech --from newcomers.txt --dry-run",
        .help = "Adds each user (teams.addMembers): they join the team's\n"
                "main room and every room with auto-join on.\n"
                "\nOptions:\n"
                "  --from FILE      read more users from FILE (- for stdin)\n"
                "  -n, --dry-run    say who would be added\n" BULK_NOTE,
    },
    {
        .name = "remove",
        .synopsis = "[--rooms R1,R2] [--from FILE] [--dry-run] <team> "
                    "<user>...",
        .summary = "remove users from a team, and from some of its rooms",
        .run = team_remove,
        .flags = CMD_LOGIN,
        .examples = "rcctl team remove tech bob\n"
                    "rcctl team remove tech bob --rooms website-dev,ops",
        .help = "Removes each user from the team (teams.removeMember). They\n"
                "stay in the team's other rooms unless --rooms names them\n"
                "(rooms of the team, by name or id); their messages stay.\n"
                "The server refuses to remove the last owner.\n"
                "\nOptions:\n"
                "  --rooms R1,R2    also remove them from these team rooms\n"
                "  --from FILE      read more users from FILE (- for stdin)\n"
                "  -n, --dry-run    say who would be removed\n" BULK_NOTE,
    },
    {
        .name = "rooms",
        .synopsis = "[--autojoin] <team>",
        .summary = "list a team's rooms",
        .run = team_rooms,
        .flags = CMD_LOGIN,
        .columns = "_id,name,t,teamDefault,usersCount",
        .examples = "rcctl team rooms tech\nrcctl team rooms --autojoin tech",
        .help = "--autojoin lists only the rooms new members join (teamDefault).",
    },
    {
        .name = "autojoin",
        .synopsis = "[--from FILE] [--dry-run] <room>... on|off",
        .summary = "turn auto-join of team rooms on or off",
        .run = team_autojoin,
        .flags = CMD_LOGIN,
        .examples = "rcctl team autojoin website-dev on\n"
                    "rcctl team autojoin ops random off",
        .help = "Sets a team room's auto-join (teams.updateRoom isDefault).\n"
                "Turning it on also adds every current team member to the\n"
                "room; turning it off leaves the members in. A room already\n"
                "so is unchanged.\n"
                "\nOptions:\n"
                "  --from FILE      read more rooms from FILE (- for stdin)\n"
                "  -n, --dry-run    say what would change\n" BULK_NOTE,
    },
    { NULL },
};
