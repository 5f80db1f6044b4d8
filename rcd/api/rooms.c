/*
 * The rooms.* endpoints that work on any room type: get (the caller's
 * rooms, with deletions since a date), info, saveNotification, delete
 * (the admin path to any room) and leave. Discussions and uploads live
 * with the messages.
 */
#include "api.h"

#include <string.h>

#include "../../shared/json.h"
#include "../../shared/timeutil.h"

/* ---- rooms.get ---- */

struct get_ctx {
    struct api_ctx *ctx;
    json_t *list;
};

static void get_add(void *arg, const struct room *r)
{
    struct get_ctx *gc = arg;

    json_array_append_new(gc->list, room_to_json(gc->ctx, r));
}

static void trash_add(void *arg, const char *id, int64_t at)
{
    struct get_ctx *gc = arg;
    char iso[ISO_TIME_LEN + 1];

    iso_time(at, iso);
    json_array_append_new(gc->list, json_pack("{s:s, s:s}", "_id", id,
                                              "_deletedAt", iso));
}

int api_rooms_get(struct api_ctx *ctx, struct reply *out)
{
    const char *since = req_query(ctx->req, "updatedSince");
    struct room_filter f = { NULL, 0, 0, NULL, -1 };
    struct get_ctx update = { ctx, json_array() };
    struct get_ctx remove = { ctx, json_array() };
    int64_t total;

    if (since && *since && iso_parse(since, &f.updated_after)) {
        json_decref(update.list);
        json_decref(remove.list);
        return api_fail(out, 400, "error-updatedSince-param-invalid",
                        "The \"updatedSince\" query parameter must be a "
                        "valid date.");
    }
    f.member_rid = ctx->user->rid;
    /*
     * Deleted rooms come from the whole trash, as Rocket.Chat's
     * trashFindDeletedAfter answers: ids only, so nothing private leaks.
     */
    if (store_rooms_page(ctx->store, &f, ROOM_SORT_NAME, 0, 0, 0, get_add,
                         &update, &total) ||
        (f.updated_after >= 0 &&
         store_rooms_trash_since(ctx->store, f.updated_after, trash_add,
                                 &remove))) {
        json_decref(update.list);
        json_decref(remove.list);
        return api_internal(out);
    }
    return api_ok(out, json_pack("{s:o, s:o}", "update", update.list,
                                 "remove", remove.list));
}

/* ---- rooms.info ---- */

/* The team of r and, for a room in it, the team's main room. */
static void add_team(struct api_ctx *ctx, const struct room *r, json_t *o)
{
    struct team t = TEAM_INIT;
    struct room main = ROOM_INIT;

    if (!r->team_id || store_team_by_id(ctx->store, r->team_id, &t))
        return;
    json_object_set_new(o, "team", json_pack("{s:s, s:s, s:s, s:i}", "_id",
                                             t.id, "name", t.name, "roomId",
                                             t.room_id, "type", t.type));
    if (!r->team_main && !r->prid &&
        store_room_by_id(ctx->store, t.room_id, &main) == ERR_OK) {
        json_t *p = json_pack("{s:s, s:s}", "_id", main.id, "t", main.t);

        if (main.name)
            json_object_set_new(p, "name", json_string(main.name));
        if (main.fname)
            json_object_set_new(p, "fname", json_string(main.fname));
        json_object_set_new(o, "parent", p);
        room_release(&main);
    }
    team_release(&t);
}

/* A discussion's parent room, as rooms.info shows it. */
static void add_parent(struct api_ctx *ctx, const struct room *r, json_t *o)
{
    /* the projection Rocket.Chat uses */
    static const char *const keys[] = { "_id", "name", "fname", "t", "prid",
                                        "u" };
    struct room parent = ROOM_INIT;
    json_t *p, *full;

    if (!r->prid || store_room_by_rid(ctx->store, r->prid, &parent))
        return;
    full = room_to_json(ctx, &parent);
    p = json_object();
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        if (json_object_get(full, keys[i]))
            json_object_set(p, keys[i], json_object_get(full, keys[i]));
    json_decref(full);
    json_object_set_new(o, "parent", p);
    room_release(&parent);
}

int api_rooms_info(struct api_ctx *ctx, struct reply *out)
{
    struct room r = ROOM_INIT;
    json_t *fields = NULL, *room, *o;
    int status;

    status = room_param(ctx, LOOKUP_ANY, 1, &r, out);
    if (status) {
        const char *type = json_str(out->body, "errorType");

        /*
         * A room the caller may not read gets Rocket.Chat's not-allowed
         * failure, with error and errorType swapped as it sends them; a
         * missing room gets the same, so the two cannot be told apart.
         */
        if (type && strcmp(type, "error-room-not-found") == 0) {
            json_decref(out->body);
            out->status = 400;
            out->body = json_pack("{s:b, s:s, s:s}", "success", 0, "error",
                                  "not-allowed", "errorType", "Not Allowed");
        }
        return out->status;
    }
    status = api_fields(ctx, &fields, out);
    if (status)
        goto out;
    room = room_to_json(ctx, &r);
    api_project(room, fields);
    o = json_pack("{s:o}", "room", room);
    add_team(ctx, &r, o);
    add_parent(ctx, &r, o);
    status = api_ok(out, o);
out:
    json_decref(fields);
    room_release(&r);
    return status;
}

/* ---- rooms.saveNotification ---- */

enum note_kind { NOTE_PREF, NOTE_AUDIO, NOTE_FLAG, NOTE_TEXT };

static const struct note_field {
    const char *key;
    enum note_kind kind;
} note_fields[] = {
    { "audioNotificationValue", NOTE_AUDIO },
    { "desktopNotifications", NOTE_PREF },
    { "disableNotifications", NOTE_FLAG },
    { "emailNotifications", NOTE_PREF },
    { "hideMentionStatus", NOTE_FLAG },
    { "hideUnreadStatus", NOTE_FLAG },
    { "mobilePushNotifications", NOTE_PREF },
    { "muteGroupMentions", NOTE_FLAG },
    { "unreadAlert", NOTE_TEXT },
};

static const struct note_field *note_find(const char *key)
{
    for (size_t i = 0; i < ARRAY_SIZE(note_fields); i++)
        if (strcmp(note_fields[i].key, key) == 0)
            return &note_fields[i];
    return NULL;
}

static void set_text(char **slot, const char *v)
{
    free(*slot);
    *slot = v ? xstrdup(v) : NULL;
}

/* Apply one checked key: value to s, as saveNotificationSettings does. */
static void note_apply(struct subscription *s, const char *key,
                       const char *value)
{
    int on = strcmp(value, "1") == 0;
    /*
     * 'default' hands the choice back to the user's preference; rcd keeps
     * no per-user preferences, so that is the server default: both the
     * value and its origin are unset (Rocket.Chat's origin 'server').
     */
    int dflt = strcmp(value, "default") == 0;
    const char *origin = dflt ? NULL : "subscription";
    const char *v = dflt ? NULL : value;

    if (strcmp(key, "desktopNotifications") == 0) {
        set_text(&s->desktop, v);
        set_text(&s->desktop_origin, origin);
    } else if (strcmp(key, "mobilePushNotifications") == 0) {
        set_text(&s->mobile, v);
        set_text(&s->mobile_origin, origin);
    } else if (strcmp(key, "emailNotifications") == 0) {
        set_text(&s->email, v);
        set_text(&s->email_origin, origin);
    } else if (strcmp(key, "audioNotificationValue") == 0) {
        set_text(&s->audio, v);
    } else if (strcmp(key, "unreadAlert") == 0) {
        set_text(&s->unread_alert, value);
    } else if (strcmp(key, "disableNotifications") == 0) {
        s->disable_notifications = on;
    } else if (strcmp(key, "muteGroupMentions") == 0) {
        s->mute_group_mentions = on;
    } else if (strcmp(key, "hideUnreadStatus") == 0) {
        s->hide_unread = on;
    } else if (strcmp(key, "hideMentionStatus") == 0) {
        s->hide_mention = on;
    }
}

static int fail_settings(struct reply *out, const char *msg)
{
    return api_fail_details(out, 400, "error-invalid-settings",
                            json_pack("{s:s}", "method",
                                      "saveNotificationSettings"),
                            "%s", msg);
}

int api_rooms_save_notification(struct api_ctx *ctx, struct reply *out)
{
    static const struct room_pspec ps[] = {
        { "roomId", RP_STRING }, { "notifications", RP_OBJECT }, { NULL, 0 },
    };
    const char *room_id = json_str(ctx->body, "roomId");
    const json_t *notes = json_object_get(ctx->body, "notifications");
    struct subscription s = SUBSCRIPTION_INIT;
    struct room r = ROOM_INIT;
    const char *key;
    json_t *v;
    int status;
    enum err rc;

    status = room_check_body(ctx, ps, out);
    if (status)
        return status;
    if (!room_id || !*room_id)
        return api_fail(out, 400, NULL, "The 'roomId' param is required");
    if (!notes || !json_object_size(notes))
        return api_fail(out, 400, NULL,
                        "The 'notifications' param is required");
    /* every key and value is checked before anything is saved */
    json_object_foreach((json_t *)notes, key, v) {
        const struct note_field *f = note_find(key);
        const char *value = json_string_value(v);

        if (!f)
            return fail_settings(out, "Invalid settings field");
        /* the method's check(value, String) */
        if (!value || strlen(value) != json_string_length(v))
            return api_invalid_params(out, "'notifications.%s' must be "
                                           "string", key);
        if (f->kind == NOTE_PREF && strcmp(value, "all") != 0 &&
            strcmp(value, "mentions") != 0 && strcmp(value, "nothing") != 0 &&
            strcmp(value, "default") != 0)
            return fail_settings(out, "Invalid settings value");
    }
    rc = store_room_by_id(ctx->store, room_id, &r);
    if (rc == ERR_OK)
        rc = store_sub_get(ctx->store, r.rid, ctx->user->rid, &s);
    if (rc == ERR_NOT_FOUND) {
        status = api_fail_details(out, 400, "error-invalid-subscription",
                                  json_pack("{s:s}", "method",
                                            "saveNotificationSettings"),
                                  "Invalid subscription");
        goto out;
    }
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    json_object_foreach((json_t *)notes, key, v)
        note_apply(&s, key, json_string_value(v));
    s.updated_at = now_ms();
    status = store_sub_update(ctx->store, &s) ? api_internal(out)
                                              : api_ok(out, NULL);
out:
    subscription_release(&s);
    room_release(&r);
    return status;
}

/* ---- rooms.delete, rooms.leave ---- */

int api_rooms_delete(struct api_ctx *ctx, struct reply *out)
{
    static const struct room_pspec ps[] = {
        { "roomId", RP_STRING }, { NULL, 0 },
    };
    const char *room_id = json_str(ctx->body, "roomId");
    struct room r = ROOM_INIT;
    char perm[] = "delete-?";
    int status;
    enum err rc;

    status = room_check_body(ctx, ps, out);
    if (status)
        return status;
    if (!room_id || !*room_id)
        return api_fail(out, 400, NULL, "The 'roomId' param is required");
    rc = store_room_by_id(ctx->store, room_id, &r);
    if (rc && rc != ERR_NOT_FOUND)
        return api_internal(out);
    if (!rc) {
        perm[7] = r.t[0];
        /*
         * No membership is needed (this is how an admin removes a group it
         * is not in), but without the permission a room the caller cannot
         * read is answered as missing, not with eraseRoom's not-allowed.
         */
        if (!room_can_read(ctx, ctx->user, &r) &&
            !has_permission(ctx, ctx->user, perm, r.id)) {
            room_release(&r);
            rc = ERR_NOT_FOUND;
        }
    }
    if (rc == ERR_NOT_FOUND)
        return api_fail_details(out, 400, "error-invalid-room",
                                json_pack("{s:s}", "method", "eraseRoom"),
                                "Invalid room");
    status = room_op_erase(ctx, &r, out);
    if (!status)
        status = api_ok(out, NULL);
    room_release(&r);
    return status;
}

int api_rooms_leave(struct api_ctx *ctx, struct reply *out)
{
    static const struct room_pspec ps[] = {
        { "roomId", RP_STRING }, { "roomName", RP_STRING }, { NULL, 0 },
    };
    struct room r = ROOM_INIT;
    int status = room_check_body(ctx, ps, out);

    if (status)
        return status;
    status = room_param(ctx, LOOKUP_ANY, 1, &r, out);
    if (status)
        return status;
    status = room_op_leave(ctx, &r, out);
    if (!status)
        status = api_ok(out, NULL);
    room_release(&r);
    return status;
}
