/*
 * The groups.* endpoints: private rooms (t "p"). Every lookup requires
 * membership, so a group the caller is not in, admins included, answers
 * exactly like one that does not exist; admins reach foreign groups only
 * through groups.listAll and rooms.delete.
 */
#include "api.h"

#include <string.h>

#include "../../shared/json.h"


static const struct room_pspec room_params[] = { ROOM_KEYS, { NULL, 0 } };
static const struct room_pspec user_params[] = {
    ROOM_KEYS, USER_KEYS, { NULL, 0 },
};

/* {"group": r} as stored now. */
static int reply_group(struct api_ctx *ctx, const struct room *r,
                       struct reply *out)
{
    struct room now = ROOM_INIT;
    int status;

    if (store_room_by_id(ctx->store, r->id, &now))
        return api_internal(out);
    status = api_ok(out, json_pack("{s:o}", "group", room_to_json(ctx, &now)));
    room_release(&now);
    return status;
}

static int find(struct api_ctx *ctx, const struct room_pspec *ps,
                int check_archived, struct room *r, struct reply *out)
{
    return room_find(ctx, LOOKUP_GROUP, ps, check_archived, r, out);
}

/* ---- groups.create ---- */

static const struct room_pspec create_params[] = {
    { "name", RP_STRING }, { "readOnly", RP_BOOL },
    { "extraData", RP_OBJECT }, { "excludeSelf", RP_BOOL },
    { "members", RP_STRINGS }, { "customFields", RP_OBJECT },
    { NULL, 0 },
};

int api_groups_create(struct api_ctx *ctx, struct reply *out)
{
    const json_t *b = ctx->body, *v;
    const char *name = json_str(b, "name"), *team_id;
    struct room r = ROOM_INIT;
    struct team team = TEAM_INIT;
    int status, allowed;

    v = json_object_get(b, "name");
    if (!v || (json_is_string(v) && !*name))
        return api_fail(out, 400, NULL, "Body param \"name\" is required");
    v = json_object_get(b, "members");
    if (v && !json_is_array(v))
        return api_fail(out, 400, NULL,
                        "Body param \"members\" must be an array if provided");
    v = json_object_get(b, "customFields");
    if (v && !json_is_object(v))
        return api_fail(out, 400, NULL, "Body param \"customFields\" must be "
                                        "an object if provided");
    v = json_object_get(b, "extraData");
    if (v && !json_is_object(v))
        return api_fail(out, 400, NULL, "Body param \"extraData\" must be an "
                                        "object if provided");
    status = room_check_body(ctx, create_params, out);
    if (status)
        return status;
    /*
     * createPrivateGroup's check, after the handler's own: create-p, or
     * create-team-channel in the team's main room for a room in a team.
     */
    team_id = json_str(json_object_get(b, "extraData"), "teamId");
    if (team_id && store_team_by_id(ctx->store, team_id, &team) == ERR_OK)
        allowed = has_permission(ctx, ctx->user, "create-team-channel",
                                 team.room_id);
    else
        allowed = has_permission(ctx, ctx->user, "create-p", NULL);
    team_release(&team);
    if (!allowed)
        return api_fail_details(out, 400, "error-not-allowed",
                                json_pack("{s:s}", "method",
                                          "createPrivateGroup"),
                                "Not allowed");
    status = room_op_create(ctx, "p", &r, out);
    if (status)
        return status;
    status = reply_group(ctx, &r, out);
    room_release(&r);
    return status;
}

/* ---- reading ---- */

int api_groups_info(struct api_ctx *ctx, struct reply *out)
{
    struct room r = ROOM_INIT;
    int status = room_param(ctx, LOOKUP_GROUP, 0, &r, out);

    if (status)
        return status;
    status = api_ok(out, json_pack("{s:o}", "group", room_to_json(ctx, &r)));
    room_release(&r);
    return status;
}

int api_groups_list(struct api_ctx *ctx, struct reply *out)
{
    struct room_filter f = { "p", 0, 0, NULL, -1 };

    f.member_rid = ctx->user->rid;
    return room_list_reply(ctx, &f, "groups", out);
}

int api_groups_list_all(struct api_ctx *ctx, struct reply *out)
{
    /* view-room-administration is the route's permission */
    struct room_filter f = { "p", 0, 0, NULL, -1 };

    return room_list_reply(ctx, &f, "groups", out);
}

int api_groups_members(struct api_ctx *ctx, struct reply *out)
{
    struct room r = ROOM_INIT;
    int status = room_param(ctx, LOOKUP_GROUP, 1, &r, out);

    if (status)
        return status;
    if (r.broadcast && !has_permission(ctx, ctx->user,
                                       "view-broadcast-member-list", r.id))
        status = api_forbidden(out);
    else
        status = room_members_reply(ctx, &r, out);
    room_release(&r);
    return status;
}

int api_groups_roles(struct api_ctx *ctx, struct reply *out)
{
    struct room r = ROOM_INIT;
    int status = room_param(ctx, LOOKUP_GROUP, 1, &r, out);

    if (status)
        return status;
    status = room_roles_reply(ctx, &r, out);
    room_release(&r);
    return status;
}

/* ---- membership ---- */

/* A group operation that answers {"success": true}. */
static int group_op(struct api_ctx *ctx, const struct room_pspec *ps,
                    int check_archived,
                    int (*op)(struct api_ctx *, struct room *, struct reply *),
                    struct reply *out)
{
    struct room r = ROOM_INIT;
    int status = find(ctx, ps, check_archived, &r, out);

    if (status)
        return status;
    status = op(ctx, &r, out);
    if (!status)
        status = api_ok(out, NULL);
    room_release(&r);
    return status;
}

int api_groups_kick(struct api_ctx *ctx, struct reply *out)
{
    return group_op(ctx, user_params, 1, room_op_kick, out);
}

int api_groups_leave(struct api_ctx *ctx, struct reply *out)
{
    return group_op(ctx, room_params, 1, room_op_leave, out);
}

int api_groups_invite(struct api_ctx *ctx, struct reply *out)
{
    static const struct room_pspec ps[] = {
        ROOM_KEYS, USER_KEYS, { "userIds", RP_STRINGS },
        { "usernames", RP_STRINGS }, { NULL, 0 },
    };
    struct room r = ROOM_INIT;
    int status = room_find(ctx, LOOKUP_GROUP_INVITE, ps, 0, &r, out);

    if (status)
        return status;
    status = room_op_invite(ctx, &r, out);
    if (!status)
        status = reply_group(ctx, &r, out);
    room_release(&r);
    return status;
}

static int role_op(struct api_ctx *ctx, const char *role, int add,
                   struct reply *out)
{
    return room_role_endpoint(ctx, LOOKUP_GROUP, role, add, out);
}

int api_groups_add_owner(struct api_ctx *ctx, struct reply *out)
{
    return role_op(ctx, "owner", 1, out);
}

int api_groups_remove_owner(struct api_ctx *ctx, struct reply *out)
{
    return role_op(ctx, "owner", 0, out);
}

int api_groups_add_moderator(struct api_ctx *ctx, struct reply *out)
{
    return role_op(ctx, "moderator", 1, out);
}

int api_groups_remove_moderator(struct api_ctx *ctx, struct reply *out)
{
    return role_op(ctx, "moderator", 0, out);
}

/* ---- settings ---- */

static int archive(struct api_ctx *ctx, struct room *r, struct reply *out)
{
    return room_op_archive(ctx, r, 1, out);
}

static int unarchive(struct api_ctx *ctx, struct room *r, struct reply *out)
{
    return room_op_archive(ctx, r, 0, out);
}

int api_groups_archive(struct api_ctx *ctx, struct reply *out)
{
    return group_op(ctx, room_params, 1, archive, out);
}

int api_groups_unarchive(struct api_ctx *ctx, struct reply *out)
{
    return group_op(ctx, room_params, 0, unarchive, out);
}

int api_groups_delete(struct api_ctx *ctx, struct reply *out)
{
    return group_op(ctx, room_params, 0, room_op_erase, out);
}

int api_groups_rename(struct api_ctx *ctx, struct reply *out)
{
    static const struct room_pspec ps[] = {
        ROOM_KEYS, { "name", RP_STRING }, { NULL, 0 },
    };
    const char *name = json_str(ctx->body, "name");
    struct room r = ROOM_INIT;
    int status = room_check_body(ctx, ps, out);

    if (status)
        return status;
    if (!name || strspn(name, " \t\r\n\f\v") == strlen(name))
        return api_fail(out, 400, NULL, "The bodyParam \"name\" is required");
    status = room_param(ctx, LOOKUP_GROUP, 1, &r, out);
    if (status)
        return status;
    /* saveRoomName does nothing when the name does not change */
    if (!r.name || strcmp(r.name, name) != 0)
        status = room_op_rename(ctx, &r, name, out);
    if (!status)
        status = reply_group(ctx, &r, out);
    room_release(&r);
    return status;
}

/* setTopic, setDescription, setAnnouncement: {key: value}. */
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
    status = room_param(ctx, LOOKUP_GROUP, 1, &r, out);
    if (status)
        return status;
    cur = key[0] == 't' ? r.topic
                        : key[0] == 'd' ? r.description : r.announcement;
    /* saveRoomSettings saves (and tells the room) only a change */
    if (!(cur ? strcmp(cur, value) == 0 : !*value))
        status = room_op_set_text(ctx, &r, key, value, out);
    if (!status)
        status = api_ok(out, json_pack("{s:s}", key, value));
    room_release(&r);
    return status;
}

int api_groups_set_topic(struct api_ctx *ctx, struct reply *out)
{
    return set_text(ctx, "topic", out);
}

int api_groups_set_description(struct api_ctx *ctx, struct reply *out)
{
    return set_text(ctx, "description", out);
}

int api_groups_set_announcement(struct api_ctx *ctx, struct reply *out)
{
    return set_text(ctx, "announcement", out);
}

int api_groups_set_read_only(struct api_ctx *ctx, struct reply *out)
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
        return api_fail(out, 400, NULL,
                        "The bodyParam \"readOnly\" is required");
    status = room_param(ctx, LOOKUP_GROUP, 1, &r, out);
    if (status)
        return status;
    if (r.ro == json_is_true(ro))
        status = api_fail(out, 400, NULL, "The private group read only "
                                          "setting is the same as what it "
                                          "would be changed to.");
    else
        status = room_op_set_read_only(ctx, &r, json_is_true(ro), out);
    if (!status)
        status = reply_group(ctx, &r, out);
    room_release(&r);
    return status;
}

int api_groups_set_type(struct api_ctx *ctx, struct reply *out)
{
    static const struct room_pspec ps[] = {
        ROOM_KEYS, { "type", RP_STRING }, { NULL, 0 },
    };
    const char *type = json_str(ctx->body, "type");
    struct room r = ROOM_INIT;
    int status = room_check_body(ctx, ps, out);

    if (status)
        return status;
    if (!type || strspn(type, " \t\r\n") == strlen(type))
        return api_fail(out, 400, NULL, "The bodyParam \"type\" is required");
    status = room_param(ctx, LOOKUP_GROUP, 1, &r, out);
    if (status)
        return status;
    if (strcmp(r.t, type) == 0)
        status = api_fail(out, 400, NULL, "The private group type is the "
                                          "same as what it would be changed "
                                          "to.");
    else
        status = room_op_set_type(ctx, &r, type, out);
    if (!status)
        status = reply_group(ctx, &r, out);
    room_release(&r);
    return status;
}
