/*
 * teams.*: a team is a main room (teamMain) plus TeamMember rows, and the
 * rooms that carry its teamId. Membership of the team is a TeamMember row
 * and a main-room subscription; auto-join (teamDefault) rooms are joined
 * when a member is added, and only then. Room and message mechanics come
 * from roomutil.c and messages.c.
 */
#include "api.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../shared/buf.h"
#include "../../shared/crypto.h"
#include "../../shared/json.h"
#include "../../shared/timeutil.h"

/* Rocket.Chat's API_User_Limit default: updateRoom's auto-join batch. */
#define TEAM_AUTOJOIN_LIMIT 500

/* API.v1.failure('text'): a plain Error, so no errorType. */
static int fail(struct reply *out, const char *msg)
{
    return api_fail(out, 400, NULL, "%s", msg);
}

/* API.v1.unauthorized(msg): 401 even for permission failures, as RC does. */
static int unauthorized(struct reply *out, const char *msg)
{
    return api_fail(out, 401, NULL, "%s", msg ? msg : "unauthorized");
}

/* A Meteor check() failure, worded as Match words it. */
static int match_fail(struct reply *out, const char *what)
{
    return api_fail(out, 400, NULL, "Match error: %s", what);
}

/* typeof as Match reports it. */
static const char *js_type(const json_t *v)
{
    if (json_is_string(v))
        return "string";
    if (json_is_number(v))
        return "number";
    if (json_is_boolean(v))
        return "boolean";
    if (json_is_null(v))
        return "null";
    return "object";
}

/* "Expected <type>, got <typeof v> in field <field>". */
static int match_expected(struct reply *out, const char *type,
                          const json_t *v, const char *field)
{
    struct buf b = BUF_INIT;
    int status;

    buf_addf(&b, "Expected %s, got %s in field %s", type, js_type(v), field);
    status = match_fail(out, b.data);
    buf_release(&b);
    return status;
}

static int is_string_array(const json_t *v)
{
    const json_t *e;
    size_t i;

    if (!json_is_array(v))
        return 0;
    json_array_foreach(v, i, e)
        if (!json_is_string(e))
            return 0;
    return 1;
}

/* Check(v, [String]); 0 when it holds, else the status of the reply set. */
static int match_string_array(struct reply *out, const json_t *v,
                              const char *field)
{
    struct buf b = BUF_INIT;
    const json_t *e;
    size_t i;
    int status;

    if (!json_is_array(v)) {
        buf_addf(&b, "Expected array, got %s in field %s", js_type(v), field);
        goto bad;
    }
    json_array_foreach(v, i, e)
        if (!json_is_string(e)) {
            buf_addf(&b, "Expected string, got %s in field %s[%zu]",
                     js_type(e), field, i);
            goto bad;
        }
    return 0;
bad:
    status = match_fail(out, b.data);
    buf_release(&b);
    return status;
}

/*
 * The ajv schemas of removeMember, leave, delete, addMembers, removeRoom:
 * oneOf {teamId, ...} / {teamName, ...} with no other keys. extra lists
 * the other keys allowed (NULL-terminated). Returns 0 or the status set.
 */
static int check_team_body(struct api_ctx *ctx, struct reply *out,
                           const char *const *extra)
{
    json_t *id = json_object_get(ctx->body, "teamId");
    json_t *name = json_object_get(ctx->body, "teamName");
    const char *key;
    json_t *v;

    if (id && name)
        return api_invalid_params(out, "must match exactly one schema in "
                                       "oneOf");
    if (!id && !name)
        return api_invalid_params(out, "must have required property "
                                       "'teamId'");
    if (id && !json_is_string(id))
        return api_invalid_params(out, "'teamId' must be string");
    if (name && !json_is_string(name))
        return api_invalid_params(out, "'teamName' must be string");
    json_object_foreach(ctx->body, key, v) {
        size_t i;

        if (strcmp(key, "teamId") == 0 || strcmp(key, "teamName") == 0)
            continue;
        for (i = 0; extra[i] && strcmp(extra[i], key) != 0; i++)
            ;
        if (!extra[i])
            return api_invalid_params(out, "must NOT have additional "
                                           "properties");
    }
    return 0;
}

/* ajv's {type: array, items: string, minItems: 1, uniqueItems, nullable}. */
static int check_id_list(struct reply *out, const json_t *v, const char *key)
{
    const json_t *a, *b;
    size_t i, j;

    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return api_invalid_params(out, "'%s' must be array", key);
    if (json_array_size(v) < 1)
        return api_invalid_params(out, "'%s' must NOT have fewer than 1 "
                                       "items", key);
    json_array_foreach(v, i, a) {
        if (!json_is_string(a))
            return api_invalid_params(out, "'%s/%zu' must be string", key, i);
        for (j = 0; j < i; j++) {
            b = json_array_get(v, j);
            if (json_equal((json_t *)a, (json_t *)b))
                return api_invalid_params(out, "'%s' must NOT have duplicate "
                                               "items (items ## %zu and %zu "
                                               "are identical)", key, j, i);
        }
    }
    return 0;
}

/*
 * getTeamByIdOrName: a non-empty teamId wins, then a non-empty teamName.
 * ERR_NOT_FOUND when neither names a team.
 */
static enum err team_lookup(struct api_ctx *ctx, const char *id,
                            const char *name, struct team *out)
{
    if (id && *id)
        return store_team_by_id(ctx->store, id, out);
    if (name && *name)
        return store_team_by_name(ctx->store, name, out);
    return ERR_NOT_FOUND;
}

/* The team named by the JSON body; 0, or the status of the reply set. */
static int team_from_body(struct api_ctx *ctx, struct team *t,
                          struct reply *out)
{
    switch (team_lookup(ctx, json_str(ctx->body, "teamId"),
                        json_str(ctx->body, "teamName"), t)) {
    case ERR_OK:
        return 0;
    case ERR_NOT_FOUND:
        return fail(out, "team-does-not-exist");
    default:
        return api_internal(out);
    }
}

/*
 * The team named by the query string (Match.OneOf teamId / teamName);
 * missing is the given not-found text. 0, or the status of the reply set.
 */
static int team_from_query(struct api_ctx *ctx, struct team *t,
                           const char *not_found, struct reply *out)
{
    const char *id = req_query(ctx->req, "teamId");
    const char *name = req_query(ctx->req, "teamName");

    if (!id && !name)
        return match_fail(out, "Failed Match.OneOf, Match.Maybe or "
                               "Match.Optional validation");
    switch (team_lookup(ctx, id, name, t)) {
    case ERR_OK:
        return 0;
    case ERR_NOT_FOUND:
        return fail(out, not_found);
    default:
        return api_internal(out);
    }
}

/* The team object as teams.create and teams.info show it. */
static json_t *team_to_json(const struct team *t)
{
    char created[ISO_TIME_LEN + 1], updated[ISO_TIME_LEN + 1];

    iso_time(t->created_at, created);
    iso_time(t->updated_at, updated);
    return json_pack("{s:s, s:s, s:i, s:s, s:{s:s, s:s}, s:s, s:s}",
                     "_id", t->id, "name", t->name, "type", t->type,
                     "createdAt", created, "createdBy",
                     "_id", t->created_by_id,
                     "username", t->created_by_username,
                     "_updatedAt", updated, "roomId", t->room_id);
}

/* Whether the JSON array text roles holds role. */
static int roles_have(const char *roles, const char *role)
{
    json_error_t jerr;
    json_t *a = roles ? json_loads(roles, 0, &jerr) : NULL, *v;
    size_t i;
    int found = 0;

    json_array_foreach(a, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), role) == 0)
            found = 1;
    json_decref(a);
    return found;
}

/* roles (JSON array text or NULL) with add's strings added once; malloc'd. */
static char *roles_merge(const char *roles, const json_t *add)
{
    json_error_t jerr;
    json_t *a = roles ? json_loads(roles, 0, &jerr) : NULL, *v;
    struct buf b = BUF_INIT;
    size_t i;

    if (!json_is_array(a)) {
        json_decref(a);
        a = json_array();
    }
    json_array_foreach(add, i, v) {
        json_t *have;
        size_t j;
        int dup = 0;

        json_array_foreach(a, j, have)
            if (json_equal(have, (json_t *)v))
                dup = 1;
        if (!dup)
            json_array_append(a, (json_t *)v);
    }
    json_dump_buf(&b, a);
    json_decref(a);
    return buf_detach(&b, NULL);
}

/* Whether u holds role (room-scoped) in the room with public id room_id. */
static int has_room_role(struct api_ctx *ctx, const char *room_id,
                         const struct user *u, const char *role)
{
    char *roles = NULL;
    int ok;

    if (store_sub_roles(ctx->store, room_id, u->rid, &roles))
        return 0;
    ok = roles_have(roles, role);
    free(roles);
    return ok;
}

static int is_team_member(struct api_ctx *ctx, const struct team *t,
                          const struct user *u)
{
    struct team_member m = TEAM_MEMBER_INIT;
    enum err rc = store_team_member_get(ctx->store, t->tid, u->rid, &m);

    team_member_release(&m);
    return rc == ERR_OK;
}

/* ---- teams.create ---- */

/* Team names follow Rocket.Chat's default room-name rule [0-9a-zA-Z-_.]+. */
static int team_name_valid(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
            return 0;
    return 1;
}

/* An active user by id or by username (members may be either). */
static enum err active_user(struct api_ctx *ctx, const char *key,
                            struct user *out)
{
    enum err rc = store_user_by_id(ctx->store, key, out);

    if (rc == ERR_NOT_FOUND)
        rc = store_user_by_username(ctx->store, key, out);
    if (rc == ERR_OK && !out->active) {
        user_release(out);
        rc = ERR_NOT_FOUND;
    }
    return rc;
}

/* A user to put in the new team, once. */
struct new_member {
    struct user u;
    int is_owner;
};

/* Check(body, {name: String, type: 0|1, members?: [String], room?, owner?}). */
static int create_check(struct api_ctx *ctx, struct reply *out)
{
    json_t *b = ctx->body, *v, *ro;
    int status;

    v = json_object_get(b, "name");
    if (!v)
        return match_fail(out, "Missing key 'name'");
    if (!json_is_string(v))
        return match_expected(out, "string", v, "name");
    v = json_object_get(b, "type");
    if (!v)
        return match_fail(out, "Missing key 'type'");
    if (!json_is_integer(v) ||
        (json_integer_value(v) != 0 && json_integer_value(v) != 1))
        return match_fail(out, "Failed Match.OneOf, Match.Maybe or "
                               "Match.Optional validation in field type");
    v = json_object_get(b, "members");
    if (v && !json_is_null(v)) {
        status = match_string_array(out, v, "members");
        if (status)
            return status;
    }
    v = json_object_get(b, "owner");
    if (v && !json_is_null(v) && !json_is_string(v))
        return match_expected(out, "string", v, "owner");
    /* Match.Any in Rocket.Chat; rcd reads room.readOnly and checks that */
    v = json_object_get(b, "room");
    if (v && !json_is_null(v) && !json_is_object(v))
        return match_expected(out, "object", v, "room");
    ro = json_object_get(v, "readOnly");
    if (ro && !json_is_boolean(ro))
        return match_expected(out, "boolean", ro, "room.readOnly");
    return 0;
}

/*
 * Rocket.Chat's checkUsernameAvailability plus the room-name check of
 * Team.create: 0 when name is free, else the status of the reply set.
 */
static int create_name_free(struct api_ctx *ctx, const char *name,
                            struct reply *out)
{
    struct user u = USER_INIT;
    struct team t = TEAM_INIT;
    struct room r = ROOM_INIT;
    enum err rc;

    if (strcasecmp(name, "all") == 0 || strcasecmp(name, "here") == 0)
        return api_fail_details(out, 400, "error-blocked-username",
                                json_pack("{s:s, s:s}", "method",
                                          "checkUsernameAvailability",
                                          "field", name),
                                "%s is blocked and can't be used!", name);
    rc = store_user_by_username(ctx->store, name, &u);
    user_release(&u);
    if (rc == ERR_OK)
        return fail(out, "team-name-already-exists");
    if (rc == ERR_NOT_FOUND) {
        rc = store_team_by_name(ctx->store, name, &t);
        team_release(&t);
        if (rc == ERR_OK)
            return fail(out, "team-name-already-exists");
    }
    if (rc == ERR_NOT_FOUND) {
        rc = store_room_by_name(ctx->store, name, &r);
        room_release(&r);
        if (rc == ERR_OK)
            return fail(out, "room-name-already-exists");
    }
    return rc == ERR_NOT_FOUND ? 0 : api_internal(out);
}

/*
 * Create the main room, the team and its members in one transaction, as
 * Team.create does: the owner's subscription and TeamMember row get
 * ["owner"]; the other members join silently, and the owner's row goes
 * last (Rocket.Chat inserts it after the others).
 */
static enum err create_team(struct api_ctx *ctx, struct team *t, int ro,
                            struct new_member *m, size_t n)
{
    char team_id[RANDOM_ID_LEN + 1], room_id[RANDOM_ID_LEN + 1];
    struct room r = ROOM_INIT;
    struct user *owner = NULL;
    int64_t now = now_ms();
    enum err rc;

    for (size_t i = 0; i < n; i++)
        if (m[i].is_owner)
            owner = &m[i].u;
    random_id(team_id);
    random_id(room_id);
    rc = store_begin(ctx->store);
    if (rc)
        return rc;
    r.id = xstrdup(room_id);
    r.t[0] = t->type == 1 ? 'p' : 'c';
    r.name = xstrdup(t->name);
    r.fname = xstrdup(t->name);
    r.u_id = xstrdup(owner->id);
    r.u_username = xstrdup(owner->username);
    r.ts = r.updated_at = now;
    r.ro = ro;
    r.team_id = xstrdup(team_id);
    r.team_main = 1;
    rc = store_room_insert(ctx->store, &r);
    if (rc)
        goto out;
    t->id = xstrdup(team_id);
    t->room_id = xstrdup(room_id);
    t->created_at = t->updated_at = now;
    t->created_by_id = xstrdup(ctx->user->id);
    t->created_by_username = xstrdup(ctx->user->username);
    /* the team first: joining a main room may look the team up */
    rc = store_team_insert(ctx->store, t);
    if (rc)
        goto out;
    rc = room_add_member(ctx, &r, owner, NULL, NULL, "[\"owner\"]");
    for (size_t i = 0; rc == ERR_OK && i < n; i++)
        if (!m[i].is_owner)
            rc = room_add_member(ctx, &r, &m[i].u, NULL, NULL, NULL);
    for (size_t i = 0; rc == ERR_OK && i <= n; i++) {
        /* i == n: the owner, last */
        const struct user *u = i < n ? &m[i].u : owner;
        struct team_member tm = TEAM_MEMBER_INIT;

        if (i < n && m[i].is_owner)
            continue;
        tm.team_tid = t->tid;
        tm.user_rid = u->rid;
        tm.roles = i == n ? "[\"owner\"]" : NULL;
        tm.created_at = now;
        tm.created_by_id = ctx->user->id;
        tm.created_by_username = ctx->user->username;
        rc = store_team_member_add(ctx->store, &tm);
        if (rc == ERR_EXISTS)   /* the join already made the row */
            rc = store_team_member_set_roles(ctx->store, t->tid, u->rid,
                                             tm.roles);
    }
out:
    room_release(&r);
    if (rc) {
        store_rollback(ctx->store);
        return rc;
    }
    return store_commit(ctx->store);
}

int api_teams_create(struct api_ctx *ctx, struct reply *out)
{
    json_t *b = ctx->body, *members, *room;
    struct team t = TEAM_INIT;
    struct new_member *m = NULL;
    const char *owner_id;
    size_t n = 0, i, j;
    int status;

    if (!has_permission(ctx, ctx->user, "create-team", NULL))
        return unauthorized(out, NULL);
    status = create_check(ctx, out);
    if (status)
        return status;
    t.name = xstrdup(json_str(b, "name"));
    t.type = (int)json_integer_value(json_object_get(b, "type"));
    owner_id = json_str(b, "owner");
    if (owner_id && !*owner_id)
        owner_id = NULL;            /* owner || uid */
    members = json_object_get(b, "members");
    room = json_object_get(b, "room");
    status = create_name_free(ctx, t.name, out);
    if (status)
        goto out;
    /* the owner (or the caller) plus each active member, once */
    m = xcalloc(json_array_size(members) + 1, sizeof(*m));
    if (owner_id ? store_user_by_id(ctx->store, owner_id, &m[0].u)
                 : store_user_by_id(ctx->store, ctx->user->id, &m[0].u)) {
        /* Room.create fails on an unknown owner; Team.create says this */
        status = fail(out, "error-team-creation");
        goto out;
    }
    m[0].is_owner = 1;
    n = 1;
    for (i = 0; i < json_array_size(members); i++) {
        const char *key = json_string_value(json_array_get(members, i));

        if (!*key || active_user(ctx, key, &m[n].u))
            continue;
        /* the owner is in already; Team.create keeps them out of the rest */
        for (j = 0; j < n && m[j].u.rid != m[n].u.rid; j++)
            ;
        if (j < n)
            user_release(&m[n].u);
        else
            n++;
    }
    if (!team_name_valid(t.name) ||
        create_team(ctx, &t, json_is_true(json_object_get(room, "readOnly")),
                    m, n)) {
        status = fail(out, "error-team-creation");
        goto out;
    }
    status = api_ok(out, json_pack("{s:o}", "team", team_to_json(&t)));
out:
    for (i = 0; i < n; i++)
        user_release(&m[i].u);
    free(m);
    team_release(&t);
    return status;
}

/* ---- teams.list, teams.listAll ---- */

/* Items gathered by a store callback; rc keeps its first failure. */
struct json_list {
    struct api_ctx *ctx;
    json_t *items;
    enum err rc;
};

static void add_team_info(void *arg, const struct team *t)
{
    struct json_list *l = arg;
    int64_t rooms = 0, users = 0;
    json_t *o;

    if (!l->rc)
        l->rc = store_team_rooms_count(l->ctx->store, t->id, &rooms);
    if (!l->rc)
        l->rc = store_team_members_count(l->ctx->store, t->tid, &users);
    o = team_to_json(t);
    json_object_set_new(o, "rooms", json_integer(rooms));
    json_object_set_new(o, "numberOfUsers", json_integer(users));
    json_array_append_new(l->items, o);
}

/* A page of teams: those of user_rid, or all (0), with their counts. */
static int list_teams(struct api_ctx *ctx, int64_t user_rid,
                      struct reply *out)
{
    struct json_list l = { ctx, json_array(), ERR_OK };
    struct paging pg;
    int64_t total = 0;
    int status;

    status = api_paging(ctx, &pg, out);
    if (status) {
        json_decref(l.items);
        return status;
    }
    /*
     * Rocket.Chat's teams.list takes sort and query and, since its
     * advisory, ignores any query that would reach other teams; rcd never
     * applies client queries at all, and lists oldest first.
     */
    if (store_teams_page(ctx->store, user_rid, pg.offset, pg.count,
                         add_team_info, &l, &total) || l.rc) {
        json_decref(l.items);
        return api_internal(out);
    }
    return api_ok(out, json_pack("{s:o, s:I, s:I, s:I}", "teams", l.items,
                                 "total", (json_int_t)total, "count",
                                 (json_int_t)json_array_size(l.items),
                                 "offset", (json_int_t)pg.offset));
}

int api_teams_list(struct api_ctx *ctx, struct reply *out)
{
    return list_teams(ctx, ctx->user->rid, out);
}

int api_teams_list_all(struct api_ctx *ctx, struct reply *out)
{
    if (!has_permission(ctx, ctx->user, "view-all-teams", NULL))
        return unauthorized(out, NULL);
    return list_teams(ctx, 0, out);
}

/* ---- teams.info ---- */

int api_teams_info(struct api_ctx *ctx, struct reply *out)
{
    struct team t = TEAM_INIT;
    struct room r = ROOM_INIT;
    enum err rc;
    int status;

    status = team_from_query(ctx, &t, "Team not found", out);
    if (status)
        return status;
    rc = store_room_by_id(ctx->store, t.room_id, &r);
    if (rc) {
        status = rc == ERR_NOT_FOUND ? fail(out, "Room not found")
                                     : api_internal(out);
        goto out;
    }
    /* a private team is as invisible as its main room */
    if (!room_can_read(ctx, ctx->user, &r) &&
        !has_permission(ctx, ctx->user, "view-all-teams", NULL)) {
        status = unauthorized(out, NULL);
        goto out;
    }
    status = api_ok(out, json_pack("{s:o}", "teamInfo", team_to_json(&t)));
out:
    room_release(&r);
    team_release(&t);
    return status;
}

/* ---- teams.members ---- */

static void add_member_info(void *arg, const struct team_member *m,
                            const struct user *u)
{
    char created[ISO_TIME_LEN + 1];
    json_t *o, *roles = NULL;
    json_error_t jerr;

    iso_time(m->created_at, created);
    o = json_pack("{s:{s:s, s:s, s:s*, s:s*}}", "user", "_id", u->id,
                  "username", u->username, "name", u->name,
                  "status", u->status);
    /* roles is left out when the row has none, as JSON.stringify drops it */
    if (m->roles)
        roles = json_loads(m->roles, 0, &jerr);
    if (roles)
        json_object_set_new(o, "roles", roles);
    json_object_set_new(o, "createdBy",
                        json_pack("{s:s?, s:s?}", "_id", m->created_by_id,
                                  "username", m->created_by_username));
    json_object_set_new(o, "createdAt", json_string(created));
    json_array_append_new(arg, o);
}

/* status[]=a&status[]=b as a JSON array text (malloc'd), NULL when absent. */
static char *status_list(struct api_ctx *ctx)
{
    const struct req *req = ctx->req;
    json_t *a = NULL;
    struct buf b = BUF_INIT;

    for (size_t i = 0; i < req->nparams; i++) {
        if (strcmp(req->params[i].key, "status[]") != 0)
            continue;
        if (!a)
            a = json_array();
        json_array_append_new(a, json_string(req->params[i].value));
    }
    if (!a)
        return NULL;
    json_dump_buf(&b, a);
    json_decref(a);
    return buf_detach(&b, NULL);
}

int api_teams_members(struct api_ctx *ctx, struct reply *out)
{
    struct team_member_filter f = { 0 };
    struct team t = TEAM_INIT;
    struct paging pg;
    json_t *members = json_array();
    char *statuses = NULL;
    int64_t total = 0;
    int status;

    status = api_paging(ctx, &pg, out);
    if (status)
        goto out;
    if (req_query(ctx->req, "status")) {
        /* check(status, Match.Maybe([String])): a lone string is no array */
        status = match_fail(out, "Expected array, got string in field status");
        goto out;
    }
    status = team_from_query(ctx, &t, "team-does-not-exist", out);
    if (status)
        goto out;
    /* a non-member without view-all-teams sees an empty list, not an error */
    if (is_team_member(ctx, &t, ctx->user) ||
        has_permission(ctx, ctx->user, "view-all-teams", t.room_id)) {
        statuses = status_list(ctx);
        f.username = req_query(ctx->req, "username");
        f.name = req_query(ctx->req, "name");
        f.statuses = statuses;
        if (f.username && !*f.username)
            f.username = NULL;
        if (f.name && !*f.name)
            f.name = NULL;
        if (store_team_members_page(ctx->store, t.tid, &f, pg.offset,
                                    pg.count, add_member_info, members,
                                    &total)) {
            status = api_internal(out);
            goto out;
        }
    }
    status = api_ok(out, json_pack("{s:O, s:I, s:I, s:I}", "members", members,
                                   "total", (json_int_t)total, "count",
                                   (json_int_t)json_array_size(members),
                                   "offset", (json_int_t)pg.offset));
out:
    json_decref(members);
    free(statuses);
    team_release(&t);
    return status;
}

/* ---- adding members ---- */

/* Collects the ids of a team's auto-join rooms. */
static void collect_room_id(void *arg, const struct room *r)
{
    json_array_append_new(arg, json_string(r->id));
}

/*
 * Team.addMember's second half: join u to every auto-join room of the
 * team, each with an "au" by `by`. Rooms u is already in are skipped.
 */
static enum err join_default_rooms(struct api_ctx *ctx, const struct team *t,
                                   const struct user *u, const struct user *by)
{
    struct team_rooms_filter f = { NULL, 1, 0 };
    json_t *ids = json_array(), *v;
    int64_t total;
    enum err rc;
    size_t i;

    rc = store_team_rooms_page(ctx->store, t->id, &f, 0, 0, collect_room_id,
                               ids, &total);
    json_array_foreach(rc ? NULL : ids, i, v) {
        struct room r = ROOM_INIT;

        rc = store_room_by_id(ctx->store, json_string_value(v), &r);
        if (rc == ERR_OK && !room_is_member(ctx, u, &r))
            rc = room_add_member(ctx, &r, u, by, "au", NULL);
        room_release(&r);
        if (rc == ERR_NOT_FOUND)
            rc = ERR_OK;
        if (rc)
            break;
    }
    json_decref(ids);
    return rc;
}

/*
 * Add u to team t as `by` does in teams.addMembers: the main-room
 * subscription ("added-user-to-team"), then the TeamMember row and the
 * auto-join rooms, unless u was in the main room already; then roles (a
 * JSON array or NULL) are added to the row and the main subscription.
 */
static enum err add_team_member(struct api_ctx *ctx, const struct team *t,
                                struct room *main, const struct user *u,
                                const json_t *roles)
{
    struct team_member tm = TEAM_MEMBER_INIT;
    struct subscription s = SUBSCRIPTION_INIT;
    char *merged = NULL;
    enum err rc;

    /*
     * Membership is checked first, never left to ERR_EXISTS: a failed
     * inner transaction would doom the caller's.
     */
    if (room_is_member(ctx, u, main))
        rc = ERR_EXISTS;
    else
        rc = room_add_member(ctx, main, u, ctx->user, "added-user-to-team",
                             NULL);
    if (rc == ERR_OK) {
        tm.team_tid = t->tid;
        tm.user_rid = u->rid;
        tm.created_at = now_ms();
        tm.created_by_id = ctx->user->id;
        tm.created_by_username = ctx->user->username;
        rc = store_team_member_add(ctx->store, &tm);
        /* a join hook may have made the row; the rooms are joined once */
        if (rc == ERR_OK && u->active)
            rc = join_default_rooms(ctx, t, u, ctx->user);
        else if (rc == ERR_EXISTS)
            rc = ERR_OK;
    } else if (rc == ERR_EXISTS) {
        rc = ERR_OK;
    }
    if (rc || !roles || !json_array_size(roles))
        return rc;
    tm = (struct team_member)TEAM_MEMBER_INIT;
    rc = store_team_member_get(ctx->store, t->tid, u->rid, &tm);
    if (rc == ERR_OK) {
        merged = roles_merge(tm.roles, roles);
        rc = store_team_member_set_roles(ctx->store, t->tid, u->rid, merged);
        free(merged);
    }
    team_member_release(&tm);
    if (rc == ERR_NOT_FOUND)
        rc = ERR_OK;
    if (rc)
        return rc;
    rc = store_sub_get(ctx->store, main->rid, u->rid, &s);
    if (rc == ERR_OK) {
        merged = roles_merge(s.roles, roles);
        free(s.roles);
        s.roles = merged;
        s.updated_at = now_ms();
        rc = store_sub_update(ctx->store, &s);
    }
    subscription_release(&s);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

int api_teams_add_members(struct api_ctx *ctx, struct reply *out)
{
    static const char *const extra[] = { "members", NULL };
    json_t *members = json_object_get(ctx->body, "members"), *v;
    struct team t = TEAM_INIT;
    struct room main = ROOM_INIT;
    struct user *users = NULL;
    size_t i, j, n = 0;
    enum err rc = ERR_OK;
    int status;

    status = check_team_body(ctx, out, extra);
    if (status)
        return status;
    if (!members)
        return api_invalid_params(out, "must have required property "
                                       "'members'");
    if (!json_is_array(members) || json_array_size(members) < 1)
        return api_invalid_params(out, "'members' must be a non-empty "
                                       "array");
    json_array_foreach(members, i, v) {
        json_t *roles = json_object_get(v, "roles");
        const char *key;
        json_t *x;

        if (!json_is_object(v) || !json_is_string(json_object_get(v, "userId")))
            return api_invalid_params(out, "'members/%zu' must have required "
                                           "property 'userId'", i);
        if (roles && !json_is_null(roles) && !is_string_array(roles))
            return api_invalid_params(out, "'members/%zu/roles' must be "
                                           "array of string", i);
        json_object_foreach(v, key, x)
            if (strcmp(key, "userId") != 0 && strcmp(key, "roles") != 0)
                return api_invalid_params(out, "'members/%zu' must NOT have "
                                               "additional properties", i);
        for (j = 0; j < i; j++)
            if (json_equal(v, json_array_get(members, j)))
                return api_invalid_params(out, "'members' must NOT have "
                                               "duplicate items");
    }
    status = team_from_body(ctx, &t, out);
    if (status)
        return status;
    if (!has_permission(ctx, ctx->user, "add-team-member", t.room_id) &&
        !has_permission(ctx, ctx->user, "edit-team-member", t.room_id)) {
        status = unauthorized(out, NULL);
        goto out;
    }
    /* every user must exist before anyone is added */
    users = xcalloc(json_array_size(members), sizeof(*users));
    json_array_foreach(members, i, v) {
        rc = store_user_by_id(ctx->store, json_str(v, "userId"), &users[i]);
        if (rc)
            break;
        n++;
    }
    if (rc) {
        status = rc == ERR_NOT_FOUND ? fail(out, "invalid-user")
                                     : api_internal(out);
        goto out;
    }
    rc = store_room_by_id(ctx->store, t.room_id, &main);
    if (rc == ERR_OK)
        rc = store_begin(ctx->store);
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    for (i = 0; rc == ERR_OK && i < n; i++)
        rc = add_team_member(ctx, &t, &main, &users[i],
                             json_object_get(json_array_get(members, i),
                                             "roles"));
    if (rc == ERR_OK)
        rc = store_commit(ctx->store);
    else
        store_rollback(ctx->store);
    status = rc ? api_internal(out) : api_ok(out, NULL);
out:
    for (i = 0; i < n; i++)
        user_release(&users[i]);
    free(users);
    room_release(&main);
    team_release(&t);
    return status;
}

/* ---- removing members ---- */

/*
 * Team.removeMembers for one user, then removeUserFromRoom for each of
 * rooms (room ids; only the team's own count). by is who removes u from
 * the main room ("removed-user-from-team"), or NULL when u leaves
 * ("ult"); rooms_by the same for the other rooms ("ru" or "ul"). Their
 * messages stay. Returns 0 or the status of the reply set.
 */
static int remove_team_member(struct api_ctx *ctx, const struct team *t,
                              const struct user *u, const struct user *by,
                              const struct user *rooms_by,
                              const json_t *rooms, struct reply *out)
{
    struct team_member tm = TEAM_MEMBER_INIT;
    struct room main = ROOM_INIT;
    int64_t owners = 0;
    enum err rc, sub_rc;
    const json_t *v;
    size_t i;
    int status = 0;

    rc = store_room_by_id(ctx->store, t->room_id, &main);
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    rc = store_team_member_get(ctx->store, t->tid, u->rid, &tm);
    sub_rc = room_is_member(ctx, u, &main) ? ERR_OK : ERR_NOT_FOUND;
    if (rc == ERR_NOT_FOUND && sub_rc == ERR_NOT_FOUND) {
        status = fail(out, "member-does-not-exist");
        goto out;
    }
    if (rc && rc != ERR_NOT_FOUND) {
        status = api_internal(out);
        goto out;
    }
    if (rc == ERR_OK && roles_have(tm.roles, "owner")) {
        if (store_team_members_with_role(ctx->store, t->tid, "owner",
                                         &owners)) {
            status = api_internal(out);
            goto out;
        }
        if (owners == 1) {
            status = fail(out, "last-owner-can-not-be-removed");
            goto out;
        }
    }
    if (store_begin(ctx->store)) {
        status = api_internal(out);
        goto out;
    }
    rc = store_team_member_remove(ctx->store, t->tid, u->rid);
    if (rc == ERR_NOT_FOUND)
        rc = ERR_OK;
    if (rc == ERR_OK && sub_rc == ERR_OK)
        rc = room_remove_member(ctx, &main, u, by,
                                by ? "removed-user-from-team" : "ult");
    json_array_foreach(rc ? NULL : rooms, i, v) {
        struct room r = ROOM_INIT;

        /* getMatchingTeamRooms: ids of other rooms are ignored */
        rc = store_room_by_id(ctx->store, json_string_value(v), &r);
        if (rc == ERR_OK && r.team_id && strcmp(r.team_id, t->id) == 0 &&
            !r.team_main && room_is_member(ctx, u, &r))
            rc = room_remove_member(ctx, &r, u, rooms_by,
                                    rooms_by ? "ru" : "ul");
        room_release(&r);
        if (rc == ERR_NOT_FOUND)
            rc = ERR_OK;
        if (rc)
            break;
    }
    if (rc == ERR_OK)
        rc = store_commit(ctx->store);
    else
        store_rollback(ctx->store);
    if (rc)
        status = api_internal(out);
out:
    team_member_release(&tm);
    room_release(&main);
    return status;
}

int api_teams_remove_member(struct api_ctx *ctx, struct reply *out)
{
    static const char *const extra[] = { "userId", "rooms", NULL };
    json_t *uid = json_object_get(ctx->body, "userId");
    json_t *rooms = json_object_get(ctx->body, "rooms");
    struct team t = TEAM_INIT;
    struct user u = USER_INIT;
    enum err rc;
    int status;

    status = check_team_body(ctx, out, extra);
    if (status)
        return status;
    if (!uid)
        return api_invalid_params(out, "must have required property "
                                       "'userId'");
    if (!json_is_string(uid))
        return api_invalid_params(out, "'userId' must be string");
    status = check_id_list(out, rooms, "rooms");
    if (status)
        return status;
    status = team_from_body(ctx, &t, out);
    if (status)
        return status;
    if (!has_permission(ctx, ctx->user, "edit-team-member", t.room_id)) {
        status = unauthorized(out, NULL);
        goto out;
    }
    rc = store_user_by_id(ctx->store, json_string_value(uid), &u);
    if (rc || !u.active) {
        status = rc && rc != ERR_NOT_FOUND ? api_internal(out)
                                           : fail(out, "invalid-user");
        goto out;
    }
    /*
     * Removing oneself from the team reads "left" (ult), as Team.remove-
     * Members has it; the rooms named are still a removal by the caller.
     */
    status = remove_team_member(ctx, &t, &u,
                                u.rid == ctx->user->rid ? NULL : ctx->user,
                                ctx->user, rooms, out);
    if (!status)
        status = api_ok(out, NULL);
out:
    user_release(&u);
    team_release(&t);
    return status;
}

int api_teams_leave(struct api_ctx *ctx, struct reply *out)
{
    static const char *const extra[] = { "rooms", NULL };
    json_t *rooms = json_object_get(ctx->body, "rooms");
    struct team t = TEAM_INIT;
    int status;

    status = check_team_body(ctx, out, extra);
    if (status)
        return status;
    status = check_id_list(out, rooms, "rooms");
    if (status)
        return status;
    status = team_from_body(ctx, &t, out);
    if (status)
        return status;
    status = remove_team_member(ctx, &t, ctx->user, NULL, NULL, rooms, out);
    if (!status)
        status = api_ok(out, NULL);
    team_release(&t);
    return status;
}

/* ---- the team's rooms ---- */

/* Release n rooms and the array. */
static void rooms_free(struct room *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        room_release(&r[i]);
    free(r);
}

int api_teams_add_rooms(struct api_ctx *ctx, struct reply *out)
{
    json_t *rooms = json_object_get(ctx->body, "rooms"), *v, *list = NULL;
    struct team t = TEAM_INIT;
    struct room main = ROOM_INIT, *r = NULL;
    size_t i, j, n = 0;
    enum err rc = ERR_OK;
    int status;

    /* check(Match.OneOf({teamId: String, rooms: [String]}, {teamName, ...})) */
    if (!json_is_string(json_object_get(ctx->body, "teamId")) &&
        !json_is_string(json_object_get(ctx->body, "teamName")))
        return match_fail(out, "Failed Match.OneOf, Match.Maybe or "
                               "Match.Optional validation");
    if (!rooms)
        return match_fail(out, "Missing key 'rooms'");
    status = match_string_array(out, rooms, "rooms");
    if (status)
        return status;
    status = team_from_body(ctx, &t, out);
    if (status)
        return status;
    if (!has_permission(ctx, ctx->user, "add-team-channel", t.room_id)) {
        status = unauthorized(out, "error-no-permission-team-channel");
        goto out;
    }
    /* Team.addRooms: every room exists, once, and the caller can see it */
    r = xcalloc(json_array_size(rooms) + 1, sizeof(*r));
    json_array_foreach(rooms, i, v) {
        const char *id = json_string_value(v);

        if (!*id)
            continue;
        for (j = 0; j < n && strcmp(r[j].id, id) != 0; j++)
            ;
        rc = j < n ? ERR_NOT_FOUND : store_room_by_id(ctx->store, id, &r[n]);
        if (rc == ERR_OK)
            n++;
        if (rc == ERR_OK && !room_can_read(ctx, ctx->user, &r[n - 1]))
            rc = ERR_NOT_FOUND;
        if (rc)
            break;
    }
    if (rc) {
        status = rc == ERR_NOT_FOUND ? fail(out, "invalid-room")
                                     : api_internal(out);
        goto out;
    }
    for (i = 0; i < n; i++) {
        /* a channel belongs to one team at most */
        if (r[i].team_id) {
            status = fail(out, "room-already-on-team");
            goto out;
        }
        if (!has_room_role(ctx, r[i].id, ctx->user, "owner")) {
            status = fail(out, "error-no-owner-channel");
            goto out;
        }
    }
    rc = store_room_by_id(ctx->store, t.room_id, &main);
    if (rc == ERR_OK)
        rc = store_begin(ctx->store);
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    /*
     * Joining a team moves no one: members of the team do not become
     * members of the room, auto-join or not.
     */
    for (i = 0; rc == ERR_OK && i < n; i++) {
        if (r[i].t[0] == 'c')
            rc = message_system(ctx, &main, ctx->user,
                                "user-added-room-to-team", r[i].name, NULL);
        free(r[i].team_id);
        r[i].team_id = xstrdup(t.id);
        r[i].team_default = 0;
        r[i].updated_at = now_ms();
        if (rc == ERR_OK)
            rc = store_room_update(ctx->store, &r[i]);
    }
    if (rc == ERR_OK)
        rc = store_commit(ctx->store);
    else
        store_rollback(ctx->store);
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    list = json_array();
    for (i = 0; i < n; i++)
        json_array_append_new(list, room_to_json(ctx, &r[i]));
    status = api_ok(out, json_pack("{s:o}", "rooms", list));
out:
    rooms_free(r, n);
    room_release(&main);
    team_release(&t);
    return status;
}

int api_teams_remove_room(struct api_ctx *ctx, struct reply *out)
{
    static const char *const extra[] = { "roomId", NULL };
    json_t *rid = json_object_get(ctx->body, "roomId");
    struct team t = TEAM_INIT;
    struct room r = ROOM_INIT, main = ROOM_INIT;
    enum err rc;
    int status;

    status = check_team_body(ctx, out, extra);
    if (status)
        return status;
    if (!rid)
        return api_invalid_params(out, "must have required property "
                                       "'roomId'");
    if (!json_is_string(rid))
        return api_invalid_params(out, "'roomId' must be string");
    status = team_from_body(ctx, &t, out);
    if (status)
        return status;
    if (!has_permission(ctx, ctx->user, "remove-team-channel", t.room_id)) {
        status = unauthorized(out, NULL);
        goto out;
    }
    rc = store_room_by_id(ctx->store, json_string_value(rid), &r);
    if (rc == ERR_OK &&
        !has_permission(ctx, ctx->user, "view-all-team-channels", t.room_id) &&
        !room_can_read(ctx, ctx->user, &r))
        rc = ERR_NOT_FOUND;
    if (rc) {
        status = rc == ERR_NOT_FOUND ? fail(out, "invalid-room")
                                     : api_internal(out);
        goto out;
    }
    /* the main room leaves its team only when the team is deleted */
    if (!r.team_id || strcmp(r.team_id, t.id) != 0 || r.team_main) {
        status = fail(out, "room-not-on-that-team");
        goto out;
    }
    free(r.team_id);
    r.team_id = NULL;
    r.team_default = 0;
    r.updated_at = now_ms();
    rc = store_room_by_id(ctx->store, t.room_id, &main);
    if (rc == ERR_OK)
        rc = store_begin(ctx->store);
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    rc = store_room_update(ctx->store, &r);
    if (rc == ERR_OK && r.t[0] == 'c')
        rc = message_system(ctx, &main, ctx->user,
                            "user-removed-room-from-team", r.name, NULL);
    if (rc == ERR_OK)
        rc = store_commit(ctx->store);
    else
        store_rollback(ctx->store);
    status = rc ? api_internal(out)
                : api_ok(out, json_pack("{s:o}", "room",
                                        room_to_json(ctx, &r)));
out:
    room_release(&r);
    room_release(&main);
    team_release(&t);
    return status;
}

struct autojoin {
    struct api_ctx *ctx;
    struct room *room;
    enum err rc;
};

static void autojoin_member(void *arg, const struct team_member *m,
                            const struct user *u)
{
    struct autojoin *a = arg;
    enum err rc;

    (void)m;
    if (a->rc || room_is_member(a->ctx, u, a->room))
        return;
    rc = room_add_member(a->ctx, a->room, u, a->ctx->user, "au", NULL);
    a->rc = rc;
}

int api_teams_update_room(struct api_ctx *ctx, struct reply *out)
{
    json_t *rid = json_object_get(ctx->body, "roomId");
    json_t *dflt = json_object_get(ctx->body, "isDefault");
    struct team t = TEAM_INIT;
    struct room r = ROOM_INIT;
    enum err rc;
    int status;

    /* check(body, ObjectIncluding({roomId: String, isDefault: Boolean})) */
    if (!rid)
        return match_fail(out, "Missing key 'roomId'");
    if (!json_is_string(rid))
        return match_expected(out, "string", rid, "roomId");
    if (!dflt)
        return match_fail(out, "Missing key 'isDefault'");
    if (!json_is_boolean(dflt))
        return match_expected(out, "boolean", dflt, "isDefault");
    /* Team.getOneByRoomId */
    rc = store_room_by_id(ctx->store, json_string_value(rid), &r);
    if (rc) {
        status = rc == ERR_NOT_FOUND ? fail(out, "invalid-room")
                                     : api_internal(out);
        goto out;
    }
    if (!r.team_id) {
        status = fail(out, "room-not-on-team");
        goto out;
    }
    rc = store_team_by_id(ctx->store, r.team_id, &t);
    if (rc) {
        status = rc == ERR_NOT_FOUND ? fail(out, "team-does-not-exist")
                                     : api_internal(out);
        goto out;
    }
    if (!has_permission(ctx, ctx->user, "edit-team-channel", t.room_id)) {
        status = unauthorized(out, NULL);
        goto out;
    }
    if (!has_permission(ctx, ctx->user, "view-all-team-channels", t.room_id) &&
        !room_can_read(ctx, ctx->user, &r)) {
        status = fail(out, "invalid-room");
        goto out;
    }
    r.team_default = json_is_true(dflt);
    r.updated_at = now_ms();
    rc = store_begin(ctx->store);
    if (rc == ERR_OK)
        rc = store_room_update(ctx->store, &r);
    if (rc == ERR_OK && r.team_default) {
        /*
         * Auto-join on: every current member (up to API_User_Limit, the
         * room's creator not counted) joins now. Turning it off removes
         * nobody: who is in stays in.
         */
        struct team_member_filter f = { 0 };
        struct autojoin a = { ctx, &r, ERR_OK };
        int64_t limit = setting_int(ctx->app->settings, "API_User_Limit");
        int64_t total;

        f.exclude_id = r.u_id;
        rc = store_team_members_page(ctx->store, t.tid, &f, 0,
                                     limit > 0 ? limit : TEAM_AUTOJOIN_LIMIT,
                                     autojoin_member, &a, &total);
        if (rc == ERR_OK)
            rc = a.rc;
    }
    if (rc == ERR_OK)
        rc = store_commit(ctx->store);
    else
        store_rollback(ctx->store);
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    room_release(&r);
    rc = store_room_by_id(ctx->store, json_string_value(rid), &r);
    status = rc ? api_internal(out)
                : api_ok(out, json_pack("{s:o}", "room",
                                        room_to_json(ctx, &r)));
out:
    room_release(&r);
    team_release(&t);
    return status;
}

static void add_room_json(void *arg, const struct room *r)
{
    struct json_list *l = arg;

    json_array_append_new(l->items, room_to_json(l->ctx, r));
}

int api_teams_list_rooms(struct api_ctx *ctx, struct reply *out)
{
    struct team_rooms_filter f = { 0 };
    struct json_list l = { ctx, json_array(), ERR_OK };
    struct team t = TEAM_INIT;
    struct paging pg;
    const char *type = req_query(ctx->req, "type");
    int64_t total = 0;
    int status;

    status = team_from_query(ctx, &t, "team-does-not-exist", out);
    if (status)
        goto out;
    status = api_paging(ctx, &pg, out);
    if (status)
        goto out;
    /* a private team's rooms are invisible to those outside it */
    if (t.type == 1 &&
        !has_permission(ctx, ctx->user, "view-all-teams", t.room_id) &&
        !is_team_member(ctx, &t, ctx->user)) {
        status = fail(out, "user-not-on-private-team");
        goto out;
    }
    f.name = req_query(ctx->req, "filter");
    f.only_default = type && strcmp(type, "autoJoin") == 0;
    /* without view-all-team-channels: public rooms and the caller's own */
    if (!has_permission(ctx, ctx->user, "view-all-team-channels", t.room_id))
        f.visible_to = ctx->user->rid;
    if (store_team_rooms_page(ctx->store, t.id, &f, pg.offset, pg.count,
                              add_room_json, &l, &total)) {
        status = api_internal(out);
        goto out;
    }
    status = api_ok(out, json_pack("{s:O, s:I, s:I, s:I}", "rooms", l.items,
                                   "total", (json_int_t)total, "count",
                                   (json_int_t)json_array_size(l.items),
                                   "offset", (json_int_t)pg.offset));
out:
    json_decref(l.items);
    team_release(&t);
    return status;
}

/* ---- teams.delete ---- */

int api_teams_delete(struct api_ctx *ctx, struct reply *out)
{
    static const char *const extra[] = { "roomsToRemove", NULL };
    json_t *remove = json_object_get(ctx->body, "roomsToRemove"), *v;
    struct team t = TEAM_INIT;
    struct room main = ROOM_INIT, *r = NULL;
    size_t i, n = 0;
    int64_t now = now_ms();
    enum err rc = ERR_OK;
    int status;

    status = check_team_body(ctx, out, extra);
    if (status)
        return status;
    status = check_id_list(out, remove, "roomsToRemove");
    if (status)
        return status;
    status = team_from_body(ctx, &t, out);
    if (status)
        return status;
    if (!has_permission(ctx, ctx->user, "delete-team", t.room_id)) {
        status = unauthorized(out, NULL);
        goto out;
    }
    /*
     * getMatchingTeamRooms: only the team's own rooms are erased; the
     * caller must be allowed to erase each, checked before anything goes.
     */
    r = xcalloc(json_array_size(remove) + 1, sizeof(*r));
    json_array_foreach(json_is_array(remove) ? remove : NULL, i, v) {
        rc = store_room_by_id(ctx->store, json_string_value(v), &r[n]);
        if (rc == ERR_NOT_FOUND) {
            rc = ERR_OK;
            continue;
        }
        if (rc)
            break;
        if (!r[n].team_id || strcmp(r[n].team_id, t.id) != 0 ||
            r[n].team_main) {
            room_release(&r[n]);
            continue;
        }
        if (!has_permission(ctx, ctx->user,
                            r[n].t[0] == 'p' ? "delete-p" : "delete-c",
                            r[n].id)) {
            n++;
            status = api_fail_details(out, 400, "error-not-allowed",
                                      json_pack("{s:s}", "method",
                                                "eraseRoom"),
                                      "Not allowed");
            goto out;
        }
        n++;
    }
    if (rc == ERR_OK)
        rc = store_room_by_id(ctx->store, t.room_id, &main);
    if (rc == ERR_OK)
        rc = store_begin(ctx->store);
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    for (i = 0; rc == ERR_OK && i < n; i++)
        rc = store_room_delete(ctx->store, r[i].rid, now);
    /* the other rooms go back to the workspace; their members stay */
    if (rc == ERR_OK)
        rc = store_team_detach_rooms(ctx->store, t.id, now);
    if (rc == ERR_OK)
        rc = store_room_delete(ctx->store, main.rid, now);
    if (rc == ERR_OK)
        rc = store_team_delete(ctx->store, t.tid);
    if (rc == ERR_OK)
        rc = store_commit(ctx->store);
    else
        store_rollback(ctx->store);
    status = rc ? api_internal(out) : api_ok(out, NULL);
out:
    rooms_free(r, n);
    room_release(&main);
    team_release(&t);
    return status;
}

/* ---- team membership follows the main room (channels/groups/rooms) ---- */

enum err team_main_joined(struct api_ctx *ctx, const struct room *main,
                          const struct user *u, const struct user *by)
{
    struct team t = TEAM_INIT;
    struct team_member tm = TEAM_MEMBER_INIT, have = TEAM_MEMBER_INIT;
    enum err rc;

    if (!main->team_main || !main->team_id)
        return ERR_OK;
    rc = store_team_by_id(ctx->store, main->team_id, &t);
    if (rc) {
        team_release(&t);
        return rc == ERR_NOT_FOUND ? ERR_OK : rc;
    }
    tm.team_tid = t.tid;
    tm.user_rid = u->rid;
    tm.created_at = now_ms();
    tm.created_by_id = (by ? by : u)->id;
    tm.created_by_username = (by ? by : u)->username;
    /* Team.addMember: the membership row, then the auto-join rooms */
    if (store_team_member_get(ctx->store, t.tid, u->rid, &have) == ERR_OK) {
        rc = ERR_OK;
    } else {
        rc = store_team_member_add(ctx->store, &tm);
        if (rc == ERR_OK && u->active)
            rc = join_default_rooms(ctx, &t, u, by ? by : u);
    }
    team_member_release(&have);
    team_release(&t);
    return rc;
}

enum err team_main_left(struct api_ctx *ctx, const struct room *main,
                        const struct user *u)
{
    struct team t = TEAM_INIT;
    enum err rc;

    if (!main->team_main || !main->team_id)
        return ERR_OK;
    rc = store_team_by_id(ctx->store, main->team_id, &t);
    if (rc == ERR_OK)
        rc = store_team_member_remove(ctx->store, t.tid, u->rid);
    team_release(&t);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}
