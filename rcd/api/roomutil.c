/*
 * What the room areas share: finding a room from roomId/roomName with
 * Rocket.Chat's errors, the one access rule, membership changes with
 * their system messages, the room and subscription objects, and the
 * operations channels.* and groups.* both offer. A private room a caller
 * cannot read is answered exactly like a room that does not exist.
 */
#include "api.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../shared/buf.h"
#include "../../shared/crypto.h"
#include "../../shared/json.h"
#include "../../shared/timeutil.h"

#define OWNER_ROLES "[\"owner\"]"

/* ---- replies ---- */

/* A Meteor.Error thrown by a server method: "<msg> [<type>]", {method}. */
static int fail_method(struct reply *out, const char *type, const char *method,
                       const char *msg)
{
    return api_fail_details(out, 400, type,
                            json_pack("{s:s}", "method", method), "%s", msg);
}

/* ---- parameters ---- */

static int type_ok(const json_t *v, enum room_ptype t)
{
    size_t i;
    json_t *e;

    switch (t) {
    case RP_STRING:
        return json_is_string(v) &&
               strlen(json_string_value(v)) == json_string_length(v);
    case RP_BOOL:
        return json_is_boolean(v);
    case RP_OBJECT:
        return json_is_object(v);
    case RP_STRINGS:
        if (!json_is_array(v))
            return 0;
        json_array_foreach(v, i, e)
            if (!type_ok(e, RP_STRING))
                return 0;
        return 1;
    }
    return 0;
}

int room_check_body(struct api_ctx *ctx, const struct room_pspec *ps,
                    struct reply *out)
{
    static const char *const what[] = {
        [RP_STRING] = "string", [RP_BOOL] = "boolean",
        [RP_OBJECT] = "object", [RP_STRINGS] = "array of strings",
    };

    if (!ctx->body)
        return 0;
    for (; ps->name; ps++) {
        const json_t *v = json_object_get(ctx->body, ps->name);

        if (v && !type_ok(v, ps->type))
            return api_invalid_params(out, "'%s' must be %s", ps->name,
                                      what[ps->type]);
    }
    return 0;
}

const char *room_arg(struct api_ctx *ctx, const char *key)
{
    if (ctx->body)
        return json_str(ctx->body, key);
    return req_query(ctx->req, key);
}

static int has_arg(struct api_ctx *ctx, const char *key)
{
    if (ctx->body)
        return json_object_get(ctx->body, key) != NULL;
    return req_query(ctx->req, key) != NULL;
}

static int is_blank(const char *s)
{
    if (!s)
        return 1;
    while (*s && isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

/* s without leading and trailing blanks, malloc'd. */
static char *trim_dup(const char *s)
{
    size_t n;

    while (isspace((unsigned char)*s))
        s++;
    n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return xstrndup(s, n);
}

int room_user_param(struct api_ctx *ctx, struct user *u, struct reply *out)
{
    const char *id = room_arg(ctx, "userId");
    const char *username = room_arg(ctx, "username");
    const char *user = room_arg(ctx, "user");
    enum err rc;

    if (!is_blank(id))
        rc = store_user_by_id(ctx->store, id, u);
    else if (!is_blank(username))
        rc = store_user_by_username(ctx->store, username, u);
    else if (!is_blank(user))
        rc = store_user_by_username(ctx->store, user, u);
    else
        return api_fail(out, 400, "error-user-param-not-provided",
                        "The required \"userId\" or \"username\" param was "
                        "not provided");
    if (rc == ERR_NOT_FOUND)
        return api_fail(out, 400, "error-invalid-user",
                        "The required \"userId\" or \"username\" param "
                        "provided does not match any users");
    return rc ? api_internal(out) : 0;
}

/* ---- finding a room ---- */

static int is_group(enum room_lookup kind)
{
    return kind == LOOKUP_GROUP || kind == LOOKUP_GROUP_INVITE;
}

static int not_found(struct reply *out, enum room_lookup kind)
{
    return api_fail(out, 400, "error-room-not-found",
                    "The required \"roomId\" or \"roomName\" param provided "
                    "does not match any %s",
                    is_group(kind) ? "group" : "channel");
}

int room_param(struct api_ctx *ctx, enum room_lookup kind, int check_archived,
               struct room *out, struct reply *reply)
{
    int has_id = has_arg(ctx, "roomId"), has_name = has_arg(ctx, "roomName");
    const char *id = room_arg(ctx, "roomId");
    const char *name = room_arg(ctx, "roomName");
    enum err rc = ERR_NOT_FOUND;
    int visible;

    if (!id)
        id = "";
    if (!name)
        name = "";
    if (kind != LOOKUP_CHANNEL &&
        ((!has_id && !has_name) || (has_id && !*id && has_name && !*name)))
        return api_fail(reply, 400,
                        kind != LOOKUP_ANY
                            ? "error-room-param-not-provided"
                            : "error-roomid-param-not-provided",
                        "The parameter \"roomId\" or \"roomName\" is required");
    /* the key roomId wins whenever it is present, even empty */
    if (has_id)
        rc = store_room_by_id(ctx->store, id, out);
    else if (has_name)
        rc = store_room_by_name(ctx->store, name, out);
    if (rc == ERR_NOT_FOUND)
        return not_found(reply, kind);
    if (rc)
        return api_internal(reply);
    switch (kind) {
    case LOOKUP_CHANNEL:
        visible = out->t[0] == 'c';
        break;
    case LOOKUP_GROUP:
        visible = out->t[0] == 'p' && room_can_read(ctx, ctx->user, out);
        break;
    case LOOKUP_GROUP_INVITE:
        /*
         * Rocket.Chat's groups.invite finds the group without an access
         * check, so an admin can add people to a group it is not in; to
         * anyone else the group stays a missing room.
         */
        visible = out->t[0] == 'p' &&
                  (room_can_read(ctx, ctx->user, out) ||
                   has_permission(ctx, ctx->user, "add-user-to-any-p-room",
                                  NULL));
        break;
    default:
        /*
         * Rocket.Chat finds any room here and lets the endpoint refuse
         * later, which tells a non-member that a private room exists;
         * rcd answers exactly as for a room that does not.
         */
        visible = room_can_read(ctx, ctx->user, out);
        break;
    }
    if (!visible) {
        room_release(out);
        return not_found(reply, kind);
    }
    if (check_archived && out->archived) {
        int status = api_fail(reply, 400, "error-room-archived",
                              is_group(kind)
                                  ? "The private group, %s, is archived"
                                  : "The channel, %s, is archived",
                              (is_group(kind) && out->prid) || !out->name
                                  ? (out->fname ? out->fname : "")
                                  : out->name);
        room_release(out);
        return status;
    }
    return 0;
}

int room_find(struct api_ctx *ctx, enum room_lookup kind,
              const struct room_pspec *ps, int check_archived, struct room *r,
              struct reply *out)
{
    int status = room_check_body(ctx, ps, out);

    return status ? status : room_param(ctx, kind, check_archived, r, out);
}

int room_role_endpoint(struct api_ctx *ctx, enum room_lookup kind,
                       const char *role, int add, struct reply *out)
{
    static const struct room_pspec ps[] = {
        ROOM_KEYS, USER_KEYS, { NULL, 0 },
    };
    struct room r = ROOM_INIT;
    int status = room_find(ctx, kind, ps, 1, &r, out);

    if (status)
        return status;
    status = room_op_role(ctx, &r, role, add, out);
    if (!status)
        status = api_ok(out, NULL);
    room_release(&r);
    return status;
}

int room_is_member(struct api_ctx *ctx, const struct user *u,
                   const struct room *r)
{
    struct subscription s = SUBSCRIPTION_INIT;

    if (!u || store_sub_get(ctx->store, r->rid, u->rid, &s))
        return 0;
    subscription_release(&s);
    return 1;
}

/* Whether u may see the public channel r of team team_id. */
static int team_room_readable(struct api_ctx *ctx, const struct user *u,
                              const char *team_id)
{
    struct team t = TEAM_INIT;
    struct team_member m = TEAM_MEMBER_INIT;
    int ok;

    if (store_team_by_id(ctx->store, team_id, &t))
        return 1;               /* the team is gone: an ordinary channel */
    ok = t.type == 0 ||
         store_team_member_get(ctx->store, t.tid, u->rid, &m) == ERR_OK;
    team_member_release(&m);
    team_release(&t);
    return ok;
}

static int can_read(struct api_ctx *ctx, const struct user *u,
                    const struct room *r, int depth)
{
    struct room parent = ROOM_INIT;
    int ok;

    if (!u)
        return 0;
    if (room_is_member(ctx, u, r))
        return 1;
    if (r->t[0] == 'c' && has_permission(ctx, u, "view-c-room", NULL) &&
        (!r->team_id || team_room_readable(ctx, u, r->team_id)))
        return 1;
    if (!r->prid || depth > 4 ||
        store_room_by_rid(ctx->store, r->prid, &parent))
        return 0;
    ok = can_read(ctx, u, &parent, depth + 1);
    room_release(&parent);
    return ok;
}

int room_can_read(struct api_ctx *ctx, const struct user *u,
                  const struct room *r)
{
    return can_read(ctx, u, r, 0);
}

/* ---- membership ---- */

enum err room_add_member(struct api_ctx *ctx, struct room *r,
                         const struct user *u, const struct user *by,
                         const char *sysmsg, const char *roles)
{
    struct subscription s = SUBSCRIPTION_INIT;
    char id[RANDOM_ID_LEN + 1];
    int64_t now = now_ms();
    enum err rc;

    /*
     * Checked first: a failed insert would roll back, and so doom, the
     * transaction a caller may have open around several members.
     */
    if (room_is_member(ctx, u, r))
        return ERR_EXISTS;
    random_id(id);
    s.id = id;                              /* borrowed: s is not released */
    s.room_rid = r->rid;
    s.user_rid = u->rid;
    s.roles = (char *)roles;
    s.ts = s.updated_at = now;
    s.open = 1;
    s.archived = r->archived;
    if (roles && strstr(roles, "\"owner\""))
        s.ls = now;
    if (sysmsg) {
        s.alert = 1;
        s.unread = 1;
        s.user_mentions = 1;
    }
    rc = store_begin(ctx->store);
    if (rc)
        return rc;
    rc = store_sub_insert(ctx->store, &s);
    if (rc)
        goto fail;
    r->users_count++;
    r->updated_at = now;
    if (sysmsg) {
        rc = message_system(ctx, r, by ? by : u, sysmsg, u->username, NULL);
        if (rc)
            goto fail;
    }
    return store_commit(ctx->store);
fail:
    store_rollback(ctx->store);
    return rc;
}

enum err room_remove_member(struct api_ctx *ctx, struct room *r,
                            const struct user *u, const struct user *by,
                            const char *sysmsg)
{
    int64_t now = now_ms();
    enum err rc;

    rc = store_begin(ctx->store);
    if (rc)
        return rc;
    rc = store_sub_delete(ctx->store, r->rid, u->rid, now);
    if (rc)
        goto fail;
    if (r->users_count > 0)
        r->users_count--;
    r->updated_at = now;
    if (sysmsg) {
        rc = message_system(ctx, r, by ? by : u, sysmsg, u->username, NULL);
        if (rc)
            goto fail;
    }
    return store_commit(ctx->store);
fail:
    store_rollback(ctx->store);
    return rc;
}

/* ---- objects ---- */

static void set_time(json_t *o, const char *key, int64_t ms)
{
    char iso[ISO_TIME_LEN + 1];

    iso_time(ms, iso);
    json_object_set_new(o, key, json_string(iso));
}

static void set_str(json_t *o, const char *key, const char *v)
{
    if (v)
        json_object_set_new(o, key, json_string(v));
}

static void set_true(json_t *o, const char *key, int v)
{
    if (v)
        json_object_set_new(o, key, json_true());
}

/* Stored JSON text as a value (new reference), or NULL when unusable. */
static json_t *stored_json(const char *text)
{
    json_error_t jerr;

    return text ? json_loads(text, JSON_DECODE_ANY, &jerr) : NULL;
}

json_t *room_to_json(struct api_ctx *ctx, const struct room *r)
{
    json_t *o = json_object(), *v;
    struct room parent = ROOM_INIT;

    json_object_set_new(o, "_id", json_string(r->id));
    set_str(o, "fname", r->fname);
    v = stored_json(r->custom_fields);
    if (json_is_object(v))
        json_object_set_new(o, "customFields", v);
    else
        json_decref(v);
    set_str(o, "description", r->description);
    set_true(o, "broadcast", r->broadcast);
    set_true(o, "encrypted", r->encrypted);
    set_str(o, "name", r->name);
    json_object_set_new(o, "t", json_string(r->t));
    json_object_set_new(o, "msgs", json_integer(r->msgs));
    json_object_set_new(o, "usersCount", json_integer(r->users_count));
    if (r->u_id)
        json_object_set_new(o, "u", json_pack("{s:s, s:s}", "_id", r->u_id,
                                              "username",
                                              r->u_username ? r->u_username
                                                            : ""));
    set_time(o, "ts", r->ts);
    if (r->t[0] != 'd')
        json_object_set_new(o, "ro", json_boolean(r->ro));
    set_true(o, "default", r->is_default);
    set_true(o, "featured", r->featured);
    set_time(o, "_updatedAt", r->updated_at);
    set_str(o, "topic", r->topic);
    set_str(o, "announcement", r->announcement);
    set_true(o, "archived", r->archived);
    set_true(o, "joinCodeRequired", r->join_code != NULL);
    if (r->lm)
        set_time(o, "lm", r->lm);
    v = stored_json(r->last_message);
    if (json_is_object(v))
        json_object_set_new(o, "lastMessage", v);
    else
        json_decref(v);
    if (r->prid && store_room_by_rid(ctx->store, r->prid, &parent) == ERR_OK) {
        json_object_set_new(o, "prid", json_string(parent.id));
        room_release(&parent);
    }
    set_str(o, "teamId", r->team_id);
    set_true(o, "teamMain", r->team_main);
    set_true(o, "teamDefault", r->team_default);
    if (r->t[0] == 'd') {
        static const char *const keys[] = { "usernames", "uids" };
        const char *texts[] = { r->usernames, r->uids };

        for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
            v = stored_json(texts[i]);
            if (!json_is_array(v)) {
                json_decref(v);
                v = json_array();
            }
            json_object_set_new(o, keys[i], v);
        }
    }
    return o;
}

/*
 * A DM subscription's name and fname: the other members' usernames and
 * display names, joined with ", " (the user's own when alone).
 */
static void dm_names(struct api_ctx *ctx, const struct room *r,
                     const struct user *u, struct buf *name, struct buf *fname)
{
    json_t *list = stored_json(r->usernames), *v;
    size_t i, others = 0;

    for (int pass = 0; pass < 2 && !others; pass++) {
        json_array_foreach(list, i, v) {
            const char *un = json_string_value(v);
            struct user o = USER_INIT;

            if (!un || (pass == 0 && strcasecmp(un, u->username) == 0))
                continue;
            if (others++) {
                buf_add(name, ", ", 2);
                buf_add(fname, ", ", 2);
            }
            buf_addf(name, "%s", un);
            if (store_user_by_username(ctx->store, un, &o) == ERR_OK &&
                o.name && *o.name)
                buf_addf(fname, "%s", o.name);
            else
                buf_addf(fname, "%s", un);
            user_release(&o);
        }
    }
    json_decref(list);
}

json_t *subscription_to_json(struct api_ctx *ctx, const struct subscription *s,
                             const struct room *r, const struct user *u)
{
    json_t *o = json_object(), *roles;
    struct room parent = ROOM_INIT;

    json_object_set_new(o, "_id", json_string(s->id));
    json_object_set_new(o, "rid", json_string(r->id));
    json_object_set_new(o, "u", json_pack("{s:s, s:s, s:s}", "_id", u->id,
                                          "username", u->username, "name",
                                          u->name ? u->name : ""));
    if (r->t[0] == 'd') {
        struct buf name = BUF_INIT, fname = BUF_INIT;

        dm_names(ctx, r, u, &name, &fname);
        json_object_set_new(o, "name", json_string(name.data));
        json_object_set_new(o, "fname", json_string(fname.data));
        buf_release(&name);
        buf_release(&fname);
    } else {
        set_str(o, "name", r->name);
        set_str(o, "fname", r->fname ? r->fname : r->name);
    }
    json_object_set_new(o, "t", json_string(r->t));
    set_time(o, "ts", s->ts);
    if (s->ls)
        set_time(o, "ls", s->ls);
    json_object_set_new(o, "open", json_boolean(s->open));
    json_object_set_new(o, "alert", json_boolean(s->alert));
    json_object_set_new(o, "unread", json_integer(s->unread));
    json_object_set_new(o, "userMentions", json_integer(s->user_mentions));
    json_object_set_new(o, "groupMentions", json_integer(s->group_mentions));
    roles = stored_json(s->roles);
    if (json_is_array(roles) && json_array_size(roles))
        json_object_set_new(o, "roles", roles);
    else
        json_decref(roles);
    set_true(o, "archived", s->archived);
    if (r->prid && store_room_by_rid(ctx->store, r->prid, &parent) == ERR_OK) {
        json_object_set_new(o, "prid", json_string(parent.id));
        room_release(&parent);
    }
    set_str(o, "desktopNotifications", s->desktop);
    set_str(o, "desktopPrefOrigin", s->desktop_origin);
    set_str(o, "mobilePushNotifications", s->mobile);
    set_str(o, "mobilePrefOrigin", s->mobile_origin);
    set_str(o, "emailNotifications", s->email);
    set_str(o, "emailPrefOrigin", s->email_origin);
    set_str(o, "audioNotificationValue", s->audio);
    set_true(o, "disableNotifications", s->disable_notifications);
    set_true(o, "muteGroupMentions", s->mute_group_mentions);
    set_true(o, "hideUnreadStatus", s->hide_unread);
    set_true(o, "hideMentionStatus", s->hide_mention);
    set_str(o, "unreadAlert", s->unread_alert);
    set_time(o, "_updatedAt", s->updated_at);
    return o;
}

/* ---- room names ---- */

/* escapeHTML, as Rocket.Chat quotes a name inside an error. */
static void add_escaped(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': buf_addf(b, "&amp;"); break;
        case '<': buf_addf(b, "&lt;"); break;
        case '>': buf_addf(b, "&gt;"); break;
        case '"': buf_addf(b, "&quot;"); break;
        case '\'': buf_addf(b, "&#39;"); break;
        default: buf_addc(b, *s); break;
        }
    }
}

/* The default of UTF8_Channel_Names_Validation: [0-9a-zA-Z-_.]+ */
static int default_name_ok(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
            return 0;
    return 1;
}

/*
 * The name rule: UTF8_Channel_Names_Validation when the setting exists and
 * compiles as a POSIX extended expression, else its default.
 */
static int name_pattern_ok(struct api_ctx *ctx, const char *name)
{
    const json_t *v = setting_get(ctx->app->settings,
                                  "UTF8_Channel_Names_Validation");
    const char *pat = json_string_value(v);
    struct buf ere = BUF_INIT;
    regex_t re;
    int ok;

    if (!pat || !*pat || strcmp(pat, "[0-9a-zA-Z-_.]+") == 0)
        return default_name_ok(name);
    buf_addf(&ere, "^(%s)$", pat);
    if (regcomp(&re, ere.data, REG_EXTENDED | REG_NOSUB) != 0) {
        buf_release(&ere);
        return default_name_ok(name);
    }
    ok = regexec(&re, name, 0, NULL, 0) == 0;
    regfree(&re);
    buf_release(&ere);
    return ok;
}

/* validateName: Accounts_SystemBlockedUsernameList, case-insensitively. */
static int name_blocked(struct api_ctx *ctx, const char *name)
{
    const char *p = setting_str(ctx->app->settings,
                                "Accounts_SystemBlockedUsernameList");
    size_t n = strlen(name);

    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);

        while (len && isspace((unsigned char)*p)) {
            p++;
            len--;
        }
        while (len && isspace((unsigned char)p[len - 1]))
            len--;
        if (len == n && n && strncasecmp(p, name, n) == 0)
            return 1;
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

/*
 * getValidRoomName for a room other than self_rid (0: a new room): the
 * pattern, the block list and uniqueness across channels and groups.
 */
static int check_room_name(struct api_ctx *ctx, const char *name,
                           int64_t self_rid, struct reply *out)
{
    struct buf esc = BUF_INIT;
    struct room other = ROOM_INIT;
    int status = 0;
    enum err rc;

    add_escaped(&esc, name);
    if (!name_pattern_ok(ctx, name) || name_blocked(ctx, name)) {
        status = api_fail_details(out, 400, "error-invalid-room-name",
                                  json_pack("{s:s, s:s}", "function",
                                            "RocketChat.getValidRoomName",
                                            "channel_name", esc.data),
                                  "%s is not a valid room name.", esc.data);
        goto out;
    }
    rc = store_room_by_name(ctx->store, name, &other);
    if (rc == ERR_OK && other.rid != self_rid) {
        int archived = other.archived;

        status = api_fail_details(out, 400,
                                  archived ? "error-archived-duplicate-name"
                                           : "error-duplicate-channel-name",
                                  json_pack("{s:s, s:s}", "function",
                                            "RocketChat.getValidRoomName",
                                            "channel_name", esc.data),
                                  archived ? "There's an archived channel "
                                             "with name %s"
                                           : "A channel with name '%s' exists",
                                  esc.data);
    } else if (rc && rc != ERR_NOT_FOUND) {
        status = api_internal(out);
    }
out:
    room_release(&other);
    buf_release(&esc);
    return status;
}

/* ---- shared operations ---- */

/* Whether the subscription roles text holds role. */
static int roles_have(const char *roles, const char *role)
{
    json_t *list = stored_json(roles), *v;
    size_t i;
    int found = 0;

    json_array_foreach(list, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), role) == 0)
            found = 1;
    json_decref(list);
    return found;
}

/* Whether u is the only owner of r (owners == 1 and u is one). */
static int is_last_owner(struct api_ctx *ctx, const struct room *r,
                         const struct subscription *s, int *failed)
{
    int64_t n = 0;

    *failed = 0;
    if (!roles_have(s->roles, "owner"))
        return 0;
    if (store_room_count_role(ctx->store, r->rid, "owner", &n)) {
        *failed = 1;
        return 0;
    }
    return n == 1;
}

struct rid_vec {
    int64_t *v;
    size_t n;
};

static void team_member_rid(void *arg, const struct team_member *m,
                            const struct user *u)
{
    struct rid_vec *rv = arg;

    (void)m;
    rv->v = xrealloc(rv->v, (rv->n + 1) * sizeof(*rv->v));
    rv->v[rv->n++] = u->rid;
}

/*
 * channels.create's teams: the members of each named team join too, when
 * the caller may see them (a member of the team, or view-all-teams);
 * otherwise Team.members answers nobody, as here.
 */
static enum err add_team_members(struct api_ctx *ctx, struct room *r,
                                 const char *team_name)
{
    struct team t = TEAM_INIT;
    struct team_member me = TEAM_MEMBER_INIT;
    struct rid_vec rv = { NULL, 0 };
    int64_t total;
    enum err rc;

    rc = store_team_by_name(ctx->store, team_name, &t);
    if (rc)
        return rc == ERR_NOT_FOUND ? ERR_OK : rc;
    if (store_team_member_get(ctx->store, t.tid, ctx->user->rid, &me) &&
        !has_permission(ctx, ctx->user, "view-all-teams", NULL))
        goto out;
    rc = store_team_members_page(ctx->store, t.tid, NULL, 0, 0,
                                 team_member_rid, &rv, &total);
    for (size_t i = 0; !rc && i < rv.n; i++) {
        struct user u = USER_INIT;

        rc = store_user_by_rid(ctx->store, rv.v[i], &u);
        if (!rc)
            rc = room_add_member(ctx, r, &u, NULL, NULL, NULL);
        if (rc == ERR_EXISTS)
            rc = ERR_OK;
        user_release(&u);
    }
out:
    free(rv.v);
    team_member_release(&me);
    team_release(&t);
    return rc;
}

int room_op_create(struct api_ctx *ctx, const char *t, struct room *r,
                   struct reply *out)
{
    static const struct room_pspec extra_params[] = {
        { "teamId", RP_STRING }, { "broadcast", RP_BOOL },
        { "encrypted", RP_BOOL }, { NULL, 0 },
    };
    const json_t *b = ctx->body;
    const json_t *members = json_object_get(b, "members");
    const json_t *extra = json_object_get(b, "extraData");
    const json_t *cf = json_object_get(b, "customFields");
    const char *given = json_str(b, "name");
    const char *team_id = json_str(extra, "teamId");
    struct team team = TEAM_INIT;
    struct room main = ROOM_INIT;
    struct buf cf_text = BUF_INIT;
    char id[RANDOM_ID_LEN + 1];
    char *name = NULL;
    int64_t now = now_ms();
    json_t *saved_body = ctx->body, *v;
    int status = 0;
    size_t i;
    enum err rc;

    /* extraData's own members, checked with the body helper */
    ctx->body = (json_t *)extra;
    status = extra ? room_check_body(ctx, extra_params, out) : 0;
    ctx->body = saved_body;
    if (status)
        return status;
    name = trim_dup(given ? given : "");
    if (!*name) {
        status = api_fail_details(out, 400, "error-invalid-name",
                                  json_pack("{s:s}", "function",
                                            "RocketChat.createRoom"),
                                  "Invalid name");
        goto out;
    }
    status = check_room_name(ctx, name, 0, out);
    if (status)
        goto out;
    random_id(id);
    memset(r, 0, sizeof(*r));
    r->id = xstrdup(id);
    r->t[0] = t[0];
    r->name = xstrdup(name);
    r->fname = xstrdup(given);
    r->u_id = xstrdup(ctx->user->id);
    r->u_username = xstrdup(ctx->user->username);
    r->ts = r->updated_at = now;
    r->ro = json_is_true(json_object_get(b, "readOnly"));
    r->broadcast = json_is_true(json_object_get(extra, "broadcast"));
    r->encrypted = json_is_true(json_object_get(extra, "encrypted"));
    if (r->broadcast)
        r->ro = 1;
    if (json_is_object(cf)) {
        json_dump_buf(&cf_text, cf);
        r->custom_fields = xstrdup(cf_text.data);
    }
    if (team_id && store_team_by_id(ctx->store, team_id, &team) == ERR_OK)
        r->team_id = xstrdup(team.id);
    rc = store_begin(ctx->store);
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    rc = store_room_insert(ctx->store, r);
    if (rc == ERR_EXISTS) {
        store_rollback(ctx->store);
        status = check_room_name(ctx, name, 0, out);
        if (!status)
            status = api_internal(out);
        goto out;
    }
    if (!rc && !json_is_true(json_object_get(b, "excludeSelf")))
        rc = room_add_member(ctx, r, ctx->user, NULL, NULL, OWNER_ROLES);
    json_array_foreach(members, i, v) {
        struct user m = USER_INIT;
        enum err mrc;

        if (rc)
            break;
        mrc = store_user_by_username(ctx->store, json_string_value(v), &m);
        /* the creator named among the members is an owner, excluded or not */
        if (mrc == ERR_OK)
            mrc = room_add_member(ctx, r, &m, NULL, NULL,
                                  m.rid == ctx->user->rid ? OWNER_ROLES
                                                          : NULL);
        /* unknown usernames and repeats are skipped, as Rocket.Chat does */
        if (mrc != ERR_OK && mrc != ERR_NOT_FOUND && mrc != ERR_EXISTS)
            rc = mrc;
        user_release(&m);
    }
    /* channels.create only: groups.create has no teams */
    json_array_foreach(t[0] == 'c' ? json_object_get(b, "teams") : NULL, i, v) {
        if (rc)
            break;
        rc = add_team_members(ctx, r, json_string_value(v));
    }
    if (!rc && r->team_id && r->t[0] == 'c' &&
        store_room_by_id(ctx->store, team.room_id, &main) == ERR_OK)
        rc = message_system(ctx, &main, ctx->user, "user-added-room-to-team",
                            r->name, NULL);
    if (!rc)
        rc = store_commit(ctx->store);
    else
        store_rollback(ctx->store);
    if (rc)
        status = api_internal(out);
out:
    if (status)
        room_release(r);
    room_release(&main);
    team_release(&team);
    buf_release(&cf_text);
    free(name);
    return status;
}

/* A growing list of users, each loaded once. */
struct user_list {
    struct user *v;
    size_t n, cap;
};

static void user_list_release(struct user_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        user_release(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* Add the user found by id or username (unknown ones are dropped). */
static enum err user_list_add(struct api_ctx *ctx, struct user_list *l,
                              const char *key, int by_id)
{
    struct user u = USER_INIT;
    enum err rc;

    if (is_blank(key))
        return ERR_OK;
    rc = by_id ? store_user_by_id(ctx->store, key, &u)
               : store_user_by_username(ctx->store, key, &u);
    if (rc)
        return rc == ERR_NOT_FOUND ? ERR_OK : rc;
    for (size_t i = 0; i < l->n; i++) {
        if (l->v[i].rid == u.rid) {
            user_release(&u);
            return ERR_OK;
        }
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = u;
    return ERR_OK;
}

/*
 * getUserListFromParams: userIds and userId by id, usernames, username and
 * user by name, de-duplicated; unknown ones are dropped. *given tells
 * whether any was named at all.
 */
static enum err user_list_params(struct api_ctx *ctx, struct user_list *l,
                                 int *given)
{
    static const char *const single[] = { "userId", "username", "user" };
    static const char *const lists[] = { "userIds", "usernames" };
    enum err rc = ERR_OK;
    size_t i;
    json_t *v;

    *given = 0;
    for (size_t k = 0; k < ARRAY_SIZE(lists) && !rc; k++) {
        json_array_foreach(json_object_get(ctx->body, lists[k]), i, v) {
            if (is_blank(json_string_value(v)))
                continue;
            *given = 1;
            rc = user_list_add(ctx, l, json_string_value(v), k == 0);
            if (rc)
                break;
        }
    }
    for (size_t k = 0; k < ARRAY_SIZE(single) && !rc; k++) {
        const char *s = room_arg(ctx, single[k]);

        if (is_blank(s))
            continue;
        *given = 1;
        rc = user_list_add(ctx, l, s, k == 0);
    }
    return rc;
}

int room_op_invite(struct api_ctx *ctx, struct room *r, struct reply *out)
{
    struct user_list l = { 0 };
    int given, member, allowed, status = 0;
    enum err rc;

    rc = user_list_params(ctx, &l, &given);
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    if (!given) {
        status = api_fail(out, 400, "error-users-params-not-provided",
                          "Please provide \"userId\" or \"username\" or "
                          "\"userIds\" or \"usernames\" as param");
        goto out;
    }
    if (!l.n) {
        if (r->t[0] == 'p') {
            status = api_fail(out, 400, "error-empty-invite-list",
                              "Cannot invite if no valid users are provided");
        } else {
            /* channels.invite's failure(msg, type) has the two swapped */
            json_decref(out->body);
            out->status = status = 400;
            out->body = json_pack("{s:b, s:s, s:s}", "success", 0, "error",
                                  "invalid-user-invite-list", "errorType",
                                  "Cannot invite if no users are provided");
        }
        goto out;
    }
    if (r->t[0] == 'd') {
        status = fail_method(out, "error-cant-invite-for-direct-room",
                             "addUsersToRoom",
                             "Can't invite user to direct rooms");
        goto out;
    }
    member = room_is_member(ctx, ctx->user, r);
    allowed = (member && has_permission(ctx, ctx->user,
                                        "add-user-to-joined-room", r->id)) ||
              (r->t[0] == 'c' && has_permission(ctx, ctx->user,
                                                "add-user-to-any-c-room",
                                                NULL)) ||
              (r->t[0] == 'p' && has_permission(ctx, ctx->user,
                                                "add-user-to-any-p-room",
                                                NULL));
    if (!allowed) {
        status = fail_method(out, "error-not-allowed", "addUsersToRoom",
                             "Not allowed");
        goto out;
    }
    rc = store_begin(ctx->store);
    for (size_t i = 0; !rc && i < l.n; i++) {
        rc = room_add_member(ctx, r, &l.v[i], ctx->user, "au", NULL);
        if (rc == ERR_OK)
            rc = team_main_joined(ctx, r, &l.v[i], ctx->user);
        if (rc == ERR_EXISTS)
            rc = ERR_OK;    /* already in: Rocket.Chat only tells the inviter */
    }
    if (!rc)
        rc = store_commit(ctx->store);
    else
        store_rollback(ctx->store);
    if (rc)
        status = api_internal(out);
out:
    user_list_release(&l);
    return status;
}

int room_op_kick(struct api_ctx *ctx, struct room *r, struct reply *out)
{
    static const char method[] = "removeUserFromRoom";
    struct user target = USER_INIT;
    struct subscription s = SUBSCRIPTION_INIT;
    int status, failed;
    enum err rc;

    status = room_user_param(ctx, &target, out);
    if (status)
        return status;
    if (!has_permission(ctx, ctx->user, "remove-user", r->id)) {
        status = fail_method(out, "error-not-allowed", method, "Not allowed");
        goto out;
    }
    if (!has_permission(ctx, ctx->user,
                        r->t[0] == 'c' ? "kick-user-from-any-c-room"
                                       : "kick-user-from-any-p-room", NULL) &&
        !room_can_read(ctx, ctx->user, r)) {
        status = not_found(out, LOOKUP_GROUP);
        goto out;
    }
    rc = store_sub_get(ctx->store, r->rid, target.rid, &s);
    if (rc == ERR_NOT_FOUND) {
        /*
         * Rocket.Chat skips this check for holders of kick-user-from-any-*
         * and then posts "ru" for nobody; rcd refuses for everyone.
         */
        status = fail_method(out, "error-user-not-in-room", method,
                             "User is not in this room");
        goto out;
    }
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    if (is_last_owner(ctx, r, &s, &failed)) {
        status = fail_method(out, "error-you-are-last-owner", method,
                             "You are the last owner. Please set new owner "
                             "before leaving the room.");
        goto out;
    }
    if (failed ||
        room_remove_member(ctx, r, &target, ctx->user, "ru") != ERR_OK ||
        team_main_left(ctx, r, &target) != ERR_OK)
        status = api_internal(out);
out:
    subscription_release(&s);
    user_release(&target);
    return status;
}

int room_op_leave(struct api_ctx *ctx, struct room *r, struct reply *out)
{
    static const char method[] = "leaveRoom";
    struct subscription s = SUBSCRIPTION_INIT;
    int status = 0, failed;
    enum err rc;

    if (r->t[0] == 'd' ||
        (r->t[0] == 'c' && !has_permission(ctx, ctx->user, "leave-c", NULL)) ||
        (r->t[0] == 'p' && !has_permission(ctx, ctx->user, "leave-p", NULL)))
        return fail_method(out, "error-not-allowed", method, "Not allowed");
    rc = store_sub_get(ctx->store, r->rid, ctx->user->rid, &s);
    if (rc == ERR_NOT_FOUND)
        return fail_method(out, "error-user-not-in-room", method,
                           "You are not in this room");
    if (rc)
        return api_internal(out);
    if (is_last_owner(ctx, r, &s, &failed))
        status = fail_method(out, "error-you-are-last-owner", method,
                             "You are the last owner. Please set new owner "
                             "before leaving the room.");
    else if (failed || room_remove_member(ctx, r, ctx->user, NULL,
                                          r->team_main ? "ult" : "ul") ||
             team_main_left(ctx, r, ctx->user))
        status = api_internal(out);
    subscription_release(&s);
    return status;
}

/* roles text with role added or removed (malloc'd; NULL when empty). */
static char *roles_edit(const char *roles, const char *role, int add)
{
    json_t *list = stored_json(roles), *keep = json_array(), *v;
    struct buf b = BUF_INIT;
    size_t i;
    char *text;

    json_array_foreach(list, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), role) != 0)
            json_array_append(keep, v);
    if (add)
        json_array_append_new(keep, json_string(role));
    json_decref(list);
    if (!json_array_size(keep)) {
        json_decref(keep);
        return NULL;
    }
    json_dump_buf(&b, keep);
    json_decref(keep);
    text = buf_detach(&b, NULL);
    return text;
}

/* The TeamMember row follows its main-room subscription's roles. */
static enum err team_roles_follow(struct api_ctx *ctx, const struct room *r,
                                  int64_t user_rid, const char *role, int add)
{
    struct team t = TEAM_INIT;
    struct team_member m = TEAM_MEMBER_INIT;
    char *roles = NULL;
    enum err rc;

    if (!r->team_main || !r->team_id ||
        store_team_by_id(ctx->store, r->team_id, &t))
        return ERR_OK;
    rc = store_team_member_get(ctx->store, t.tid, user_rid, &m);
    if (rc == ERR_OK) {
        roles = roles_edit(m.roles, role, add);
        rc = store_team_member_set_roles(ctx->store, t.tid, user_rid, roles);
    } else if (rc == ERR_NOT_FOUND) {
        rc = ERR_OK;
    }
    free(roles);
    team_member_release(&m);
    team_release(&t);
    return rc;
}

int room_op_role(struct api_ctx *ctx, struct room *r, const char *role,
                 int add, struct reply *out)
{
    int owner = strcmp(role, "owner") == 0;
    const char *method = owner ? (add ? "addRoomOwner" : "removeRoomOwner")
                               : (add ? "addRoomModerator"
                                      : "removeRoomModerator");
    struct user target = USER_INIT;
    struct subscription s = SUBSCRIPTION_INIT;
    char *old_roles = NULL;
    int64_t n;
    int status;
    enum err rc;

    status = room_user_param(ctx, &target, out);
    if (status)
        return status;
    if (!has_permission(ctx, ctx->user, owner ? "set-owner" : "set-moderator",
                        r->id)) {
        status = fail_method(out, "error-not-allowed", method, "Not allowed");
        goto out;
    }
    rc = store_sub_get(ctx->store, r->rid, target.rid, &s);
    if (rc == ERR_NOT_FOUND) {
        status = owner && !add
                     ? fail_method(out, "error-invalid-room", method,
                                   "Invalid room")
                     : fail_method(out, "error-user-not-in-room", method,
                                   "User is not in this room");
        goto out;
    }
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    if (add && roles_have(s.roles, role)) {
        status = fail_method(out, owner ? "error-user-already-owner"
                                        : "error-user-already-moderator",
                             method, owner ? "User is already an owner"
                                           : "User is already a moderator");
        goto out;
    }
    if (!add && !roles_have(s.roles, role)) {
        status = fail_method(out, owner ? "error-user-not-owner"
                                        : "error-user-not-moderator",
                             method, owner ? "User is not an owner"
                                           : "User is not a moderator");
        goto out;
    }
    if (owner && !add) {
        if (store_room_count_role(ctx->store, r->rid, "owner", &n)) {
            status = api_internal(out);
            goto out;
        }
        if (n == 1) {
            status = fail_method(out, "error-remove-last-owner", method,
                                 "This is the last owner. Please set a new "
                                 "owner before removing this one.");
            goto out;
        }
    }
    old_roles = s.roles;
    s.roles = roles_edit(old_roles, role, add);
    s.updated_at = now_ms();
    rc = store_begin(ctx->store);
    if (!rc)
        rc = store_sub_update(ctx->store, &s);
    if (!rc)
        rc = team_roles_follow(ctx, r, target.rid, role, add);
    if (!rc)
        rc = message_system(ctx, r, ctx->user,
                            add ? "subscription-role-added"
                                : "subscription-role-removed",
                            target.username, role);
    if (!rc)
        rc = store_commit(ctx->store);
    else
        store_rollback(ctx->store);
    if (rc)
        status = api_internal(out);
out:
    free(old_roles);
    subscription_release(&s);
    user_release(&target);
    return status;
}

int room_op_archive(struct api_ctx *ctx, struct room *r, int archive,
                    struct reply *out)
{
    int64_t now = now_ms();
    enum err rc;

    if (!has_permission(ctx, ctx->user,
                        archive ? "archive-room" : "unarchive-room", r->id))
        return fail_method(out, "error-not-authorized",
                           archive ? "archiveRoom" : "unarchiveRoom",
                           "Not authorized");
    if (r->archived == archive)
        return 0;
    r->archived = archive;
    r->updated_at = now;
    rc = store_begin(ctx->store);
    if (!rc)
        rc = store_room_update(ctx->store, r);
    if (!rc)
        rc = store_subs_set_archived(ctx->store, r->rid, archive, now);
    if (!rc)
        rc = message_system(ctx, r, ctx->user,
                            archive ? "room-archived" : "room-unarchived", "",
                            NULL);
    if (!rc)
        rc = store_commit(ctx->store);
    else
        store_rollback(ctx->store);
    return rc ? api_internal(out) : 0;
}

/* saveRoomSettings' gate: edit-room in the room. */
static int can_edit(struct api_ctx *ctx, const struct room *r,
                    struct reply *out)
{
    if (has_permission(ctx, ctx->user, "edit-room", r->id))
        return 0;
    return api_fail_details(out, 400, "error-action-not-allowed",
                            json_pack("{s:s, s:s}", "method",
                                      "saveRoomSettings", "action",
                                      "Editing_room"),
                            "Editing room is not allowed");
}

/* Write r back, touch its subscriptions, post t; one transaction. */
static int save_room(struct api_ctx *ctx, struct room *r, int touch_subs,
                     const char *t, const char *msg, struct reply *out)
{
    enum err rc;

    r->updated_at = now_ms();
    rc = store_begin(ctx->store);
    if (!rc)
        rc = store_room_update(ctx->store, r);
    if (!rc && touch_subs)
        rc = store_subs_touch(ctx->store, r->rid, r->updated_at);
    if (!rc && t)
        rc = message_system(ctx, r, ctx->user, t, msg, NULL);
    if (!rc)
        return store_commit(ctx->store) ? api_internal(out) : 0;
    store_rollback(ctx->store);
    return rc == ERR_EXISTS ? -1 : api_internal(out);
}

int room_op_rename(struct api_ctx *ctx, struct room *r, const char *name,
                   struct reply *out)
{
    struct buf esc = BUF_INIT;
    char *trimmed = NULL;
    int status;

    status = can_edit(ctx, r, out);
    if (status)
        return status;
    trimmed = trim_dup(name);
    if (name_blocked(ctx, trimmed) || strcasecmp(trimmed, "all") == 0 ||
        strcasecmp(trimmed, "here") == 0) {
        /* the saveRoomSettings validator's checkUsernameAvailability */
        add_escaped(&esc, trimmed);
        status = api_fail_details(out, 400, "error-field-unavailable",
                                  json_pack("{s:s}", "method",
                                            "saveRoomSettings"),
                                  "%s is already in use :(", esc.data);
        goto out;
    }
    status = check_room_name(ctx, trimmed, r->rid, out);
    if (status)
        goto out;
    free(r->name);
    r->name = xstrdup(trimmed);
    free(r->fname);
    r->fname = xstrdup(name);
    status = save_room(ctx, r, 1, "r", trimmed, out);
    /* taken since the check: report it as the check would */
    if (status < 0)
        status = check_room_name(ctx, trimmed, r->rid, out);
    if (status < 0)
        status = api_internal(out);
out:
    buf_release(&esc);
    free(trimmed);
    return status;
}

int room_op_set_text(struct api_ctx *ctx, struct room *r, const char *field,
                     const char *value, struct reply *out)
{
    char **slot;
    const char *t;
    int status;

    status = can_edit(ctx, r, out);
    if (status)
        return status;
    if (strcmp(field, "topic") == 0) {
        slot = &r->topic;
        t = "room_changed_topic";
    } else if (strcmp(field, "description") == 0) {
        slot = &r->description;
        t = "room_changed_description";
    } else {
        slot = &r->announcement;
        t = "room_changed_announcement";
    }
    free(*slot);
    *slot = xstrdup(value);
    status = save_room(ctx, r, 0, t, value, out);
    return status < 0 ? api_internal(out) : status;
}

int room_op_set_read_only(struct api_ctx *ctx, struct room *r, int ro,
                          struct reply *out)
{
    int status = can_edit(ctx, r, out);

    if (status)
        return status;
    r->ro = ro != 0;
    status = save_room(ctx, r, 0,
                       ro ? "room-set-read-only" : "room-removed-read-only",
                       ctx->user->username, out);
    return status < 0 ? api_internal(out) : status;
}

int room_op_set_type(struct api_ctx *ctx, struct room *r, const char *type,
                     struct reply *out)
{
    int status = can_edit(ctx, r, out);

    if (status)
        return status;
    if (strcmp(type, "c") != 0 && strcmp(type, "p") != 0)
        return fail_method(out, "error-invalid-room-type", "saveRoomSettings",
                           "error-invalid-room-type");
    if (!r->team_id && !has_permission(ctx, ctx->user,
                                       type[0] == 'c' ? "create-c" : "create-p",
                                       NULL))
        return api_fail_details(out, 400, "error-action-not-allowed",
                                json_pack("{s:s, s:s}", "method",
                                          "saveRoomSettings", "action",
                                          "Change_Room_Type"),
                                type[0] == 'c'
                                    ? "Changing a private group to a public "
                                      "channel is not allowed"
                                    : "Changing a public channel to a "
                                      "private room is not allowed");
    r->t[0] = type[0];
    status = save_room(ctx, r, 1, "room_changed_privacy",
                       type[0] == 'c' ? "public" : "private", out);
    return status < 0 ? api_internal(out) : status;
}

int room_op_erase(struct api_ctx *ctx, struct room *r, struct reply *out)
{
    static const char method[] = "eraseRoom";
    char perm[] = "delete-?";
    struct team t = TEAM_INIT;
    struct room main = ROOM_INIT;
    int status = 0, in_team;
    enum err rc;

    if (r->team_main)
        return fail_method(out, "error-cannot-delete-team-channel", method,
                           "Cannot delete a team channel");
    perm[7] = r->t[0];
    if (!has_permission(ctx, ctx->user, perm, r->id))
        return fail_method(out, "error-not-allowed", method, "Not allowed");
    in_team = r->team_id &&
              store_team_by_id(ctx->store, r->team_id, &t) == ERR_OK;
    if (in_team && !has_permission(ctx, ctx->user, "delete-team-channel",
                                   t.room_id)) {
        status = fail_method(out, "error-not-allowed", method, "Not allowed");
        goto out;
    }
    rc = store_begin(ctx->store);
    if (!rc)
        rc = store_room_delete(ctx->store, r->rid, now_ms());
    if (!rc && in_team &&
        store_room_by_id(ctx->store, t.room_id, &main) == ERR_OK)
        rc = message_system(ctx, &main, ctx->user,
                            "user-deleted-room-from-team",
                            r->name ? r->name : "", NULL);
    if (!rc)
        rc = store_commit(ctx->store);
    else
        store_rollback(ctx->store);
    if (rc)
        status = api_internal(out);
out:
    room_release(&main);
    team_release(&t);
    return status;
}

/* ---- lists ---- */

struct member_ctx {
    struct api_ctx *ctx;
    json_t *list;
};

static void member_add(void *arg, int64_t user_rid)
{
    struct member_ctx *mc = arg;
    struct user u = USER_INIT;
    json_t *o;

    if (store_user_by_rid(mc->ctx->store, user_rid, &u))
        return;
    o = json_pack("{s:s, s:s, s:s, s:s}", "_id", u.id, "username", u.username,
                  "name", u.name ? u.name : "", "status", u.status);
    if (u.nickname && *u.nickname)
        json_object_set_new(o, "nickname", json_string(u.nickname));
    set_time(o, "_updatedAt", u.updated_at);
    json_array_append_new(mc->list, o);
    user_release(&u);
}

int room_members_reply(struct api_ctx *ctx, const struct room *r,
                       struct reply *out)
{
    static const char *const sorts[] = { "username", NULL };
    struct member_ctx mc = { ctx, NULL };
    struct sort_key keys[1];
    struct paging pg;
    size_t nkeys;
    int64_t total;
    int status;

    status = api_paging(ctx, &pg, out);
    if (!status)
        status = api_sort(ctx, sorts, keys, 1, &nkeys, out);
    if (status)
        return status;
    mc.list = json_array();
    if (store_room_members(ctx->store, r->rid, req_query(ctx->req, "filter"),
                           nkeys && keys[0].dir < 0, pg.offset, pg.count,
                           member_add, &mc, &total)) {
        json_decref(mc.list);
        return api_internal(out);
    }
    return api_ok(out, json_pack("{s:o, s:I, s:I, s:I}", "members", mc.list,
                                 "count",
                                 (json_int_t)json_array_size(mc.list),
                                 "offset", (json_int_t)pg.offset, "total",
                                 (json_int_t)total));
}

struct roles_ctx {
    struct api_ctx *ctx;
    const struct room *r;
    json_t *list;
};

static void role_holder_add(void *arg, const struct subscription *s)
{
    struct roles_ctx *hold = arg;
    struct user u = USER_INIT;
    json_t *roles = stored_json(s->roles);

    if (store_user_by_rid(hold->ctx->store, s->user_rid, &u) ||
        !json_is_array(roles)) {
        json_decref(roles);
        user_release(&u);
        return;
    }
    json_array_append_new(hold->list,
                          json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:o}",
                                    "_id", s->id, "rid", hold->r->id, "u",
                                    "_id", u.id, "username", u.username,
                                    "name", u.name ? u.name : "", "roles",
                                    roles));
    user_release(&u);
}

int room_roles_reply(struct api_ctx *ctx, const struct room *r,
                     struct reply *out)
{
    struct roles_ctx hold = { ctx, r, NULL };

    if (!room_can_read(ctx, ctx->user, r))
        return fail_method(out, "error-not-allowed", "getRoomRoles",
                           "Not allowed");
    hold.list = json_array();
    if (store_room_role_holders(ctx->store, r->rid, role_holder_add, &hold)) {
        json_decref(hold.list);
        return api_internal(out);
    }
    return api_ok(out, json_pack("{s:o}", "roles", hold.list));
}

struct list_ctx {
    struct api_ctx *ctx;
    const json_t *fields;
    json_t *list;
};

static void list_add(void *arg, const struct room *r)
{
    struct list_ctx *lc = arg;
    json_t *o = room_to_json(lc->ctx, r);

    api_project(o, lc->fields);
    json_array_append_new(lc->list, o);
}

int room_list_reply(struct api_ctx *ctx, const struct room_filter *f,
                    const char *key, struct reply *out)
{
    static const char *const sorts[] = {
        "name", "fname", "ts", "_updatedAt", "msgs", "usersCount", "lm", NULL,
    };
    static const enum room_sort by[] = {
        ROOM_SORT_NAME, ROOM_SORT_FNAME, ROOM_SORT_TS, ROOM_SORT_UPDATED,
        ROOM_SORT_MSGS, ROOM_SORT_USERS, ROOM_SORT_LM,
    };
    struct list_ctx lc = { ctx, NULL, NULL };
    struct sort_key keys[4];
    enum room_sort sort = ROOM_SORT_NAME;
    json_t *fields = NULL;
    struct paging pg;
    size_t nkeys;
    int64_t total;
    int status, desc = 0;

    status = api_refuse_query(ctx, out);
    if (!status)
        status = api_paging(ctx, &pg, out);
    if (!status)
        status = api_sort(ctx, sorts, keys, ARRAY_SIZE(keys), &nkeys, out);
    if (!status)
        status = api_fields(ctx, &fields, out);
    if (status)
        return status;
    /* the first key orders the list; the row id breaks ties */
    for (size_t i = 0; nkeys && sorts[i]; i++) {
        if (keys[0].field == sorts[i]) {
            sort = by[i];
            desc = keys[0].dir < 0;
        }
    }
    lc.fields = fields;
    lc.list = json_array();
    if (store_rooms_page(ctx->store, f, sort, desc, pg.offset, pg.count,
                         list_add, &lc, &total)) {
        json_decref(lc.list);
        json_decref(fields);
        return api_internal(out);
    }
    json_decref(fields);
    return api_ok(out, json_pack("{s:o, s:I, s:I, s:I}", key, lc.list,
                                 "count",
                                 (json_int_t)json_array_size(lc.list),
                                 "offset", (json_int_t)pg.offset, "total",
                                 (json_int_t)total));
}
