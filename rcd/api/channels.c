/*
 * The channels.* endpoints: public rooms (t "c"). A channel is found by
 * roomId or roomName with no access check, as Rocket.Chat's
 * findChannelByIdOrName does; the rules of each change live in the
 * shared operations of roomutil.c.
 */
#include "api.h"

#include <string.h>

#include "../../shared/json.h"
#include "../../shared/timeutil.h"

/* Every channels.* body may name its room and a user. */

static const struct room_pspec room_params[] = { ROOM_KEYS, { NULL, 0 } };
static const struct room_pspec user_params[] = {
    ROOM_KEYS, USER_KEYS, { NULL, 0 },
};

/* {"channel": r} after a change: the room as stored now. */
static int reply_channel(struct api_ctx *ctx, const struct room *r,
                         struct reply *out)
{
    struct room now = ROOM_INIT;
    int status;

    if (store_room_by_id(ctx->store, r->id, &now))
        return api_internal(out);
    status = api_ok(out, json_pack("{s:o}", "channel",
                                   room_to_json(ctx, &now)));
    room_release(&now);
    return status;
}

/* Find the channel of a body checked against ps; 0 or the status set. */
static int find(struct api_ctx *ctx, const struct room_pspec *ps,
                int check_archived, struct room *r, struct reply *out)
{
    return room_find(ctx, LOOKUP_CHANNEL, ps, check_archived, r, out);
}

/* ---- channels.create ---- */

static const struct room_pspec create_params[] = {
    { "name", RP_STRING }, { "readOnly", RP_BOOL },
    { "extraData", RP_OBJECT }, { "excludeSelf", RP_BOOL },
    { "members", RP_STRINGS }, { "customFields", RP_OBJECT },
    { "teams", RP_STRINGS }, { NULL, 0 },
};

int api_channels_create(struct api_ctx *ctx, struct reply *out)
{
    const json_t *b = ctx->body, *v;
    const char *team_id = json_str(json_object_get(b, "extraData"), "teamId");
    struct team team = TEAM_INIT;
    struct room r = ROOM_INIT;
    int status, allowed;

    /* Rocket.Chat's own words for these three, before the type checks */
    v = json_object_get(b, "members");
    if (v && !json_is_array(v))
        return api_fail(out, 400, NULL,
                        "Param \"members\" must be an array if provided");
    v = json_object_get(b, "customFields");
    if (v && !json_is_object(v))
        return api_fail(out, 400, NULL,
                        "Param \"customFields\" must be an object if provided");
    v = json_object_get(b, "teams");
    if (v && !json_is_array(v))
        return api_fail(out, 400, NULL, "Param teams must be an array");
    status = room_check_body(ctx, create_params, out);
    if (status)
        return status;
    /*
     * create-c, or create-team-channel in the team's main room. Unlike
     * Rocket.Chat, a teamId naming no team does not skip the check.
     */
    if (team_id && store_team_by_id(ctx->store, team_id, &team) == ERR_OK)
        allowed = has_permission(ctx, ctx->user, "create-team-channel",
                                 team.room_id);
    else
        allowed = has_permission(ctx, ctx->user, "create-c", NULL);
    team_release(&team);
    if (!allowed)
        return api_forbidden(out);
    if (!json_str(b, "name") || !*json_str(b, "name"))
        return api_fail(out, 400, NULL, "Param \"name\" is required");
    status = room_op_create(ctx, "c", &r, out);
    if (status)
        return status;
    status = reply_channel(ctx, &r, out);
    room_release(&r);
    return status;
}

/* ---- reading ---- */

int api_channels_info(struct api_ctx *ctx, struct reply *out)
{
    struct room r = ROOM_INIT;
    int status = room_param(ctx, LOOKUP_CHANNEL, 0, &r, out);

    if (status)
        return status;
    status = api_ok(out, json_pack("{s:o}", "channel", room_to_json(ctx, &r)));
    room_release(&r);
    return status;
}

int api_channels_list(struct api_ctx *ctx, struct reply *out)
{
    struct room_filter f = { "c", 0, 0, NULL, -1 };

    if (!has_permission(ctx, ctx->user, "view-c-room", NULL)) {
        if (!has_permission(ctx, ctx->user, "view-joined-room", NULL))
            return api_forbidden_route(out);
        f.member_rid = ctx->user->rid;
    }
    /* a channel inside a team is listed only to those in it */
    f.team_viewer_rid = ctx->user->rid;
    f.id = req_query(ctx->req, "_id");
    return room_list_reply(ctx, &f, "channels", out);
}

int api_channels_list_joined(struct api_ctx *ctx, struct reply *out)
{
    struct room_filter f = { "c", 0, 0, NULL, -1 };

    f.member_rid = ctx->user->rid;
    return room_list_reply(ctx, &f, "channels", out);
}

int api_channels_members(struct api_ctx *ctx, struct reply *out)
{
    struct room r = ROOM_INIT;
    int status = room_param(ctx, LOOKUP_CHANNEL, 0, &r, out);

    if (status)
        return status;
    if (!room_can_read(ctx, ctx->user, &r) ||
        (r.broadcast && !has_permission(ctx, ctx->user,
                                        "view-broadcast-member-list", r.id)))
        status = api_forbidden(out);
    else
        status = room_members_reply(ctx, &r, out);
    room_release(&r);
    return status;
}

int api_channels_counters(struct api_ctx *ctx, struct reply *out)
{
    const char *uid = req_query(ctx->req, "userId");
    int admin = has_permission(ctx, ctx->user, "view-room-administration",
                               NULL);
    struct subscription s = SUBSCRIPTION_INIT;
    struct user other = USER_INIT;
    const struct user *who = ctx->user;
    struct room r = ROOM_INIT;
    json_t *o;
    int status, joined = 0;

    if (uid && *uid) {
        if (!admin)
            return api_forbidden(out);
        if (store_user_by_id(ctx->store, uid, &other) == ERR_OK)
            who = &other;
        else
            who = NULL;
    }
    status = room_param(ctx, LOOKUP_CHANNEL, 1, &r, out);
    if (status)
        goto out;
    if (who && store_sub_get(ctx->store, r.rid, who->rid, &s) == ERR_OK &&
        s.open)
        joined = 1;
    o = json_pack("{s:b, s:n, s:n, s:n, s:n, s:n, s:n}", "joined", joined,
                  "members", "unreads", "unreadsFrom", "msgs", "latest",
                  "userMentions");
    if (joined) {
        char iso[ISO_TIME_LEN + 1];

        json_object_set_new(o, "unreads", json_integer(s.unread));
        iso_time(s.ls ? s.ls : s.ts, iso);
        json_object_set_new(o, "unreadsFrom", json_string(iso));
        json_object_set_new(o, "userMentions", json_integer(s.user_mentions));
    }
    if (joined || admin) {
        char iso[ISO_TIME_LEN + 1];

        iso_time(r.lm ? r.lm : r.updated_at, iso);
        json_object_set_new(o, "members", json_integer(r.users_count));
        json_object_set_new(o, "msgs", json_integer(r.msgs));
        json_object_set_new(o, "latest", json_string(iso));
    }
    status = api_ok(out, o);
out:
    subscription_release(&s);
    user_release(&other);
    room_release(&r);
    return status;
}

int api_channels_roles(struct api_ctx *ctx, struct reply *out)
{
    struct room r = ROOM_INIT;
    int status = room_param(ctx, LOOKUP_CHANNEL, 1, &r, out);

    if (status)
        return status;
    status = room_roles_reply(ctx, &r, out);
    room_release(&r);
    return status;
}

/* ---- membership ---- */

int api_channels_join(struct api_ctx *ctx, struct reply *out)
{
    static const struct room_pspec ps[] = {
        ROOM_KEYS, { "joinCode", RP_STRING }, { NULL, 0 },
    };
    const char *code = room_arg(ctx, "joinCode");
    struct room r = ROOM_INIT;
    enum err rc;
    int status;

    status = find(ctx, ps, 1, &r, out);
    if (status)
        return status;
    if (!room_can_read(ctx, ctx->user, &r)) {
        status = api_fail_details(out, 400, "error-not-allowed",
                                  json_pack("{s:s}", "method", "joinRoom"),
                                  "Not allowed");
        goto out;
    }
    if (r.join_code && !room_is_member(ctx, ctx->user, &r) &&
        !has_permission(ctx, ctx->user, "join-without-join-code", NULL)) {
        if (!code || !*code) {
            status = api_fail_details(out, 400, "error-code-required",
                                      json_pack("{s:s}", "method",
                                                "joinRoom"),
                                      "Code required");
            goto out;
        }
        if (strcmp(code, r.join_code) != 0) {
            status = api_fail_details(out, 400, "error-code-invalid",
                                      json_pack("{s:s}", "method",
                                                "joinRoom"),
                                      "Invalid code");
            goto out;
        }
    }
    rc = room_add_member(ctx, &r, ctx->user, NULL,
                         r.team_main ? "ujt" : "uj", NULL);
    if (rc == ERR_OK)
        rc = team_main_joined(ctx, &r, ctx->user, NULL);
    if (rc && rc != ERR_EXISTS) {
        status = api_internal(out);
        goto out;
    }
    status = reply_channel(ctx, &r, out);
out:
    room_release(&r);
    return status;
}

/* A channel operation that answers {"channel": ...}. */
static int channel_op(struct api_ctx *ctx, const struct room_pspec *ps,
                      int (*op)(struct api_ctx *, struct room *,
                                struct reply *),
                      struct reply *out)
{
    struct room r = ROOM_INIT;
    int status = find(ctx, ps, 1, &r, out);

    if (status)
        return status;
    status = op(ctx, &r, out);
    if (!status)
        status = reply_channel(ctx, &r, out);
    room_release(&r);
    return status;
}

int api_channels_leave(struct api_ctx *ctx, struct reply *out)
{
    return channel_op(ctx, room_params, room_op_leave, out);
}

int api_channels_kick(struct api_ctx *ctx, struct reply *out)
{
    return channel_op(ctx, user_params, room_op_kick, out);
}

int api_channels_invite(struct api_ctx *ctx, struct reply *out)
{
    static const struct room_pspec ps[] = {
        ROOM_KEYS, USER_KEYS, { "userIds", RP_STRINGS },
        { "usernames", RP_STRINGS }, { NULL, 0 },
    };

    return channel_op(ctx, ps, room_op_invite, out);
}

/* ---- roles ---- */

static int role_op(struct api_ctx *ctx, const char *role, int add,
                   struct reply *out)
{
    return room_role_endpoint(ctx, LOOKUP_CHANNEL, role, add, out);
}

int api_channels_add_owner(struct api_ctx *ctx, struct reply *out)
{
    return role_op(ctx, "owner", 1, out);
}

int api_channels_remove_owner(struct api_ctx *ctx, struct reply *out)
{
    return role_op(ctx, "owner", 0, out);
}

int api_channels_add_moderator(struct api_ctx *ctx, struct reply *out)
{
    return role_op(ctx, "moderator", 1, out);
}

int api_channels_remove_moderator(struct api_ctx *ctx, struct reply *out)
{
    return role_op(ctx, "moderator", 0, out);
}

/* ---- settings ---- */

int api_channels_archive(struct api_ctx *ctx, struct reply *out)
{
    struct room r = ROOM_INIT;
    int status = find(ctx, room_params, 1, &r, out);

    if (status)
        return status;
    status = room_op_archive(ctx, &r, 1, out);
    if (!status)
        status = api_ok(out, NULL);
    room_release(&r);
    return status;
}

int api_channels_unarchive(struct api_ctx *ctx, struct reply *out)
{
    struct room r = ROOM_INIT;
    int status = find(ctx, room_params, 0, &r, out);

    if (status)
        return status;
    if (!r.archived)
        status = api_fail(out, 400, NULL, "The channel, %s, is not archived",
                          r.name);
    else
        status = room_op_archive(ctx, &r, 0, out);
    if (!status)
        status = api_ok(out, NULL);
    room_release(&r);
    return status;
}

int api_channels_rename(struct api_ctx *ctx, struct reply *out)
{
    static const struct room_pspec ps[] = {
        ROOM_KEYS, { "name", RP_STRING }, { NULL, 0 },
    };
    const char *name = json_str(ctx->body, "name");
    struct room r = ROOM_INIT;
    int status = room_check_body(ctx, ps, out);

    if (status)
        return status;
    if (!name || !*name || strspn(name, " \t\r\n\f\v") == strlen(name))
        return api_fail(out, 400, NULL, "The bodyParam \"name\" is required");
    status = room_param(ctx, LOOKUP_CHANNEL, 1, &r, out);
    if (status)
        return status;
    if (r.name && strcmp(r.name, name) == 0)
        status = api_fail(out, 400, NULL, "The channel name is the same as "
                                          "what it would be renamed to.");
    else
        status = room_op_rename(ctx, &r, name, out);
    if (!status)
        status = reply_channel(ctx, &r, out);
    room_release(&r);
    return status;
}

/*
 * setTopic, setDescription, setAnnouncement: the key must be present (a
 * string); the same value as now is refused as Rocket.Chat words it.
 */
static int set_text(struct api_ctx *ctx, const char *key, struct reply *out)
{
    const struct room_pspec ps[] = {
        ROOM_KEYS, { key, RP_STRING }, { NULL, 0 },
    };
    const char *value = json_str(ctx->body, key);
    struct room r = ROOM_INIT;
    const char *cur;
    int status = room_check_body(ctx, ps, out);

    if (status)
        return status;
    if (!value)
        return api_fail(out, 400, NULL, "The bodyParam \"%s\" is required",
                        key);
    status = room_param(ctx, LOOKUP_CHANNEL, 1, &r, out);
    if (status)
        return status;
    cur = key[0] == 't' ? r.topic
                        : key[0] == 'd' ? r.description : r.announcement;
    /* setAnnouncement has no such check in Rocket.Chat */
    if (key[0] != 'a' && cur && strcmp(cur, value) == 0)
        status = api_fail(out, 400, NULL, "The channel %s is the same as what "
                                          "it would be changed to.", key);
    else
        status = room_op_set_text(ctx, &r, key, value, out);
    if (!status)
        status = api_ok(out, json_pack("{s:s}", key, value));
    room_release(&r);
    return status;
}

int api_channels_set_topic(struct api_ctx *ctx, struct reply *out)
{
    return set_text(ctx, "topic", out);
}

int api_channels_set_description(struct api_ctx *ctx, struct reply *out)
{
    return set_text(ctx, "description", out);
}

int api_channels_set_announcement(struct api_ctx *ctx, struct reply *out)
{
    return set_text(ctx, "announcement", out);
}

int api_channels_set_read_only(struct api_ctx *ctx, struct reply *out)
{
    static const struct room_pspec ps[] = {
        ROOM_KEYS, { "readOnly", RP_BOOL }, { NULL, 0 },
    };
    const json_t *ro = json_object_get(ctx->body, "readOnly");
    struct room r = ROOM_INIT;
    int status = room_check_body(ctx, ps, out);

    if (status)
        return status;
    if (!ro)
        return api_invalid_params(out, "must have required property "
                                       "'readOnly'");
    status = room_param(ctx, LOOKUP_CHANNEL, 1, &r, out);
    if (status)
        return status;
    if (r.ro == json_is_true(ro))
        status = api_fail(out, 400, NULL, "The channel read only setting is "
                                          "the same as what it would be "
                                          "changed to.");
    else
        status = room_op_set_read_only(ctx, &r, json_is_true(ro), out);
    if (!status)
        status = reply_channel(ctx, &r, out);
    room_release(&r);
    return status;
}

int api_channels_set_type(struct api_ctx *ctx, struct reply *out)
{
    static const struct room_pspec ps[] = {
        ROOM_KEYS, { "type", RP_STRING }, { NULL, 0 },
    };
    const char *type = json_str(ctx->body, "type");
    struct room r = ROOM_INIT;
    int status = room_check_body(ctx, ps, out);

    if (status)
        return status;
    if (!type || !*type || strspn(type, " \t\r\n") == strlen(type))
        return api_fail(out, 400, NULL, "The bodyParam \"type\" is required");
    status = room_param(ctx, LOOKUP_CHANNEL, 1, &r, out);
    if (status)
        return status;
    if (strcmp(r.t, type) == 0)
        status = api_fail(out, 400, NULL, "The channel type is the same as "
                                          "what it would be changed to.");
    else
        status = room_op_set_type(ctx, &r, type, out);
    if (!status)
        status = reply_channel(ctx, &r, out);
    room_release(&r);
    return status;
}

int api_channels_delete(struct api_ctx *ctx, struct reply *out)
{
    struct room r = ROOM_INIT;
    int status = find(ctx, room_params, 0, &r, out);

    if (status)
        return status;
    status = room_op_erase(ctx, &r, out);
    if (!status)
        status = api_ok(out, NULL);
    room_release(&r);
    return status;
}
