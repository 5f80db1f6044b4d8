/*
 * subscriptions.get and subscriptions.getOne: the caller's own
 * memberships, with their counters and notification preferences.
 */
#include "api.h"

#include "../../shared/timeutil.h"

struct subs_ctx {
    struct api_ctx *ctx;
    json_t *list;
};

static void sub_add(void *arg, const struct subscription *s)
{
    struct subs_ctx *sc = arg;
    struct room r = ROOM_INIT;

    if (store_room_by_rid(sc->ctx->store, s->room_rid, &r))
        return;
    json_array_append_new(sc->list,
                          subscription_to_json(sc->ctx, s, &r, sc->ctx->user));
    room_release(&r);
}

static void removed_add(void *arg, const char *id, const char *room_id,
                        int64_t at)
{
    struct subs_ctx *sc = arg;
    char iso[ISO_TIME_LEN + 1];

    iso_time(at, iso);
    json_array_append_new(sc->list, json_pack("{s:s, s:s, s:s}", "_id", id,
                                              "rid", room_id, "_deletedAt",
                                              iso));
}

int api_subscriptions_get(struct api_ctx *ctx, struct reply *out)
{
    const char *since = req_query(ctx->req, "updatedSince");
    struct subs_ctx update = { ctx, NULL }, remove = { ctx, NULL };
    int64_t t = -1;

    if (since && *since && iso_parse(since, &t))
        return api_fail(out, 400, "error-roomId-param-invalid",
                        "The \"lastUpdate\" query parameter must be a valid "
                        "date.");
    update.list = json_array();
    remove.list = json_array();
    if (store_subs_of_user(ctx->store, ctx->user->rid, t, sub_add, &update) ||
        (t >= 0 && store_subs_trash_since(ctx->store, ctx->user->rid, t,
                                          removed_add, &remove))) {
        json_decref(update.list);
        json_decref(remove.list);
        return api_internal(out);
    }
    return api_ok(out, json_pack("{s:o, s:o}", "update", update.list,
                                 "remove", remove.list));
}

int api_subscriptions_get_one(struct api_ctx *ctx, struct reply *out)
{
    const char *room_id = req_query(ctx->req, "roomId");
    struct subscription s = SUBSCRIPTION_INIT;
    struct room r = ROOM_INIT;
    json_t *sub = NULL;
    enum err rc;

    if (!room_id)
        return api_invalid_params(out, "must have required property "
                                       "'roomId'");
    if (!*room_id)
        return api_fail(out, 400, NULL, "The 'roomId' param is required");
    /* a room the caller is not in, or none at all: the same null */
    rc = store_room_by_id(ctx->store, room_id, &r);
    if (rc == ERR_OK)
        rc = store_sub_get(ctx->store, r.rid, ctx->user->rid, &s);
    if (rc == ERR_OK)
        sub = subscription_to_json(ctx, &s, &r, ctx->user);
    subscription_release(&s);
    room_release(&r);
    if (rc && rc != ERR_NOT_FOUND)
        return api_internal(out);
    return api_ok(out, json_pack("{s:o}", "subscription",
                                 sub ? sub : json_null()));
}
