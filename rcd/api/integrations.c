/*
 * Incoming webhooks: integrations.create/get/list/remove (type
 * webhook-incoming only) and the /hooks/<id>/<token> endpoint that posts
 * as the integration's user. Rocket.Chat's addIncomingIntegration,
 * deleteIncomingIntegration, findOneIntegration and executeIntegrationRest
 * + processWebhookMessage, with their error shapes. Scripts are stored but
 * never run. The token is never logged; conn.c masks it in the access log.
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

#define INCOMING "webhook-incoming"
#define OUTGOING "webhook-outgoing"
#define TOKEN_LEN 48                /* Random.id(48) */
/* Meteor's Random.id alphabet */
#define TOKEN_ALPHABET "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"

/* ---- shared ---- */

static void set_str(json_t *o, const char *key, const char *v)
{
    if (v && *v)
        json_object_set_new(o, key, json_string(v));
}

static void set_time(json_t *o, const char *key, int64_t ms)
{
    char ts[ISO_TIME_LEN + 1];

    iso_time(ms, ts);
    json_object_set_new(o, key, json_string(ts));
}

/* The integration document as Rocket.Chat stores and returns it. */
static json_t *integration_to_json(const struct integration *in)
{
    json_t *o = json_object();
    json_t *channel = in->channel ? json_loads(in->channel, 0, NULL) : NULL;

    json_object_set_new(o, "_id", json_string(in->id));
    json_object_set_new(o, "type", json_string(in->type));
    json_object_set_new(o, "name", json_string(in->name));
    json_object_set_new(o, "enabled", json_boolean(in->enabled));
    json_object_set_new(o, "username", json_string(in->username));
    json_object_set_new(o, "channel", channel ? channel : json_array());
    set_str(o, "alias", in->alias);
    set_str(o, "emoji", in->emoji);
    set_str(o, "avatar", in->avatar);
    json_object_set_new(o, "scriptEnabled", json_boolean(in->script_enabled));
    set_str(o, "script", in->script);
    json_object_set_new(o, "scriptEngine", json_string(in->script_engine));
    json_object_set_new(o, "overrideDestinationChannelEnabled",
                        json_boolean(in->override_dest));
    json_object_set_new(o, "token", json_string(in->token));
    json_object_set_new(o, "userId", json_string(in->user_id));
    set_time(o, "_createdAt", in->created_at);
    json_object_set_new(o, "_createdBy",
                        json_pack("{s:s, s:s?}", "_id", in->created_by_id,
                                  "username", in->created_by_username));
    set_time(o, "_updatedAt", in->updated_at);
    return o;
}

static int has(struct api_ctx *ctx, const char *perm)
{
    return has_permission(ctx, ctx->user, perm, NULL);
}

/* The route-level hasAny of integrations.list and integrations.remove. */
static int may_manage_any(struct api_ctx *ctx)
{
    return has(ctx, "manage-outgoing-integrations") ||
           has(ctx, "manage-own-outgoing-integrations") ||
           has(ctx, "manage-incoming-integrations") ||
           has(ctx, "manage-own-incoming-integrations");
}

/* A Meteor.Error of an integration method: "<reason> [<code>]", details. */
static int method_error(struct reply *out, const char *code,
                        const char *reason, const char *method)
{
    return api_fail_details(out, 400, code,
                            json_pack("{s:s}", "method", method), "%s",
                            reason);
}

/* s without ASCII white space at either end; caller frees. */
static char *trim_dup(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return xstrndup(s, n);
}

/* ---- integrations.create ---- */

/*
 * addIncomingIntegration's check of each "#room" / "@user" target: it
 * must exist, and a holder of only one of the two manage permissions must
 * be subscribed to it (a user id never is a room, so "@x" then fails).
 */
static int check_target(struct api_ctx *ctx, const char *t, int manage_all,
                        struct reply *out)
{
    static const char method[] = "addIncomingIntegration";
    struct room r = ROOM_INIT;
    struct user u = USER_INIT;
    enum err rc;
    int status = 0;

    if (t[0] == '#') {
        rc = store_room_by_id(ctx->store, t + 1, &r);
        if (rc == ERR_NOT_FOUND)
            rc = store_room_by_name(ctx->store, t + 1, &r);
    } else {
        rc = store_user_by_id(ctx->store, t + 1, &u);
        if (rc == ERR_NOT_FOUND)
            rc = store_user_by_username(ctx->store, t + 1, &u);
    }
    if (rc == ERR_NOT_FOUND)
        status = method_error(out, "error-invalid-room", "Invalid room",
                              method);
    else if (rc)
        status = api_internal(out);
    else if (!manage_all &&
             (t[0] == '@' || !room_is_member(ctx, ctx->user, &r)))
        status = method_error(out, "error-invalid-channel", "Invalid Channel",
                              method);
    room_release(&r);
    user_release(&u);
    return status;
}

/* Split "#a, @b" at commas, each entry trimmed, into a JSON array. */
static json_t *split_channels(const char *s)
{
    json_t *arr = json_array();

    for (;;) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        char *t = trim_dup(s, n);

        json_array_append_new(arr, json_string(t));
        free(t);
        if (!comma)
            break;
        s = comma + 1;
    }
    return arr;
}

int api_integrations_create(struct api_ctx *ctx, struct reply *out)
{
    static const char method[] = "addIncomingIntegration";
    static const struct body_param type_param[] = {
        { "type", PT_STRING, 1 },
        { NULL, 0, 0 },
    };
    static const struct body_param params[] = {
        { "type", PT_STRING, 1 },
        { "name", PT_STRING, 1 },
        { "enabled", PT_BOOL, 1 },
        { "username", PT_STRING, 1 },
        { "channel", PT_STRING, 1 },
        { "scriptEnabled", PT_BOOL, 1 },
        { "alias", PT_STRING, 0 },
        { "emoji", PT_STRING, 0 },
        { "avatar", PT_STRING, 0 },
        { "script", PT_STRING, 0 },
        { "scriptEngine", PT_STRING, 0 },
        { "overrideDestinationChannelEnabled", PT_BOOL, 0 },
        { NULL, 0, 0 },
    };
    const json_t *b = ctx->body;
    struct integration in = INTEGRATION_INIT;
    struct user poster = USER_INIT;
    json_t *channels = NULL, *t;
    const char *channel, *username;
    char id[RANDOM_ID_LEN + 1], token[TOKEN_LEN + 1];
    int manage_all, status;
    size_t i;
    enum err rc;

    status = message_params_check(b, type_param, 0, out);
    if (status)
        return status;
    if (strcmp(json_str(b, "type"), INCOMING) != 0)
        return api_fail(out, 400, NULL, "Invalid integration type.");
    status = message_params_check(b, params, 0, out);
    if (status)
        return status;
    if (!has(ctx, "manage-incoming-integrations") &&
        !has(ctx, "manage-own-incoming-integrations"))
        return method_error(out, "not_authorized", "Unauthorized", method);
    channel = json_str(b, "channel");
    username = json_str(b, "username");
    {
        char *c = trim_dup(channel, strlen(channel));
        int blank = !*c;

        free(c);
        if (blank)
            return method_error(out, "error-invalid-channel",
                                "Invalid channel", method);
    }
    channels = split_channels(channel);
    json_array_foreach(channels, i, t) {
        const char *s = json_string_value(t);

        if (s[0] != '#' && s[0] != '@') {
            status = method_error(out, "error-invalid-channel-start-with-chars",
                                  "Invalid channel. Start with @ or #",
                                  "updateIncomingIntegration");
            goto out;
        }
    }
    {
        char *u = trim_dup(username, strlen(username));
        int blank = !*u;

        free(u);
        if (blank) {
            status = method_error(out, "error-invalid-username",
                                  "Invalid username", method);
            goto out;
        }
    }
    rc = store_user_by_username(ctx->store, username, &poster);
    if (rc == ERR_NOT_FOUND) {
        status = method_error(out, "error-invalid-user", "Invalid user",
                              method);
        goto out;
    }
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    manage_all = has(ctx, "manage-incoming-integrations") &&
                 has(ctx, "manage-own-incoming-integrations");
    json_array_foreach(channels, i, t) {
        status = check_target(ctx, json_string_value(t), manage_all, out);
        if (status)
            goto out;
    }

    random_id(id);
    random_string(token, TOKEN_LEN, TOKEN_ALPHABET);
    in.id = xstrdup(id);
    in.type = xstrdup(INCOMING);
    in.name = xstrdup(json_str(b, "name"));
    in.enabled = json_is_true(json_object_get(b, "enabled"));
    in.token = xstrdup(token);
    in.user_id = xstrdup(poster.id);
    in.username = xstrdup(poster.username);
    in.channel = json_dumps(channels, JSON_COMPACT);
    /* removeEmpty: unset and empty strings are left out */
    if (json_str(b, "alias") && *json_str(b, "alias"))
        in.alias = xstrdup(json_str(b, "alias"));
    if (json_str(b, "emoji") && *json_str(b, "emoji"))
        in.emoji = xstrdup(json_str(b, "emoji"));
    if (json_str(b, "avatar") && *json_str(b, "avatar"))
        in.avatar = xstrdup(json_str(b, "avatar"));
    in.script_enabled = json_is_true(json_object_get(b, "scriptEnabled"));
    if (json_str(b, "script") && *json_str(b, "script"))
        in.script = xstrdup(json_str(b, "script"));
    in.script_engine = xstrdup(json_str(b, "scriptEngine")
                                   ? json_str(b, "scriptEngine")
                                   : "isolated-vm");
    in.override_dest = json_is_true(json_object_get(
        b, "overrideDestinationChannelEnabled"));
    in.created_at = in.updated_at = now_ms();
    in.created_by_id = xstrdup(ctx->user->id);
    in.created_by_username = xstrdup(ctx->user->username);

    /* the post-as user becomes a bot (so its posts may set alias/avatar) */
    rc = store_begin(ctx->store);
    if (rc == ERR_OK) {
        rc = store_user_role_add(ctx->store, poster.rid, "bot");
        if (rc == ERR_EXISTS)
            rc = ERR_OK;
        if (rc == ERR_OK)
            rc = store_integration_insert(ctx->store, &in);
        if (rc == ERR_OK)
            rc = store_commit(ctx->store);
        else
            store_rollback(ctx->store);
    }
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    status = api_ok(out, json_pack("{s:o}", "integration",
                                   integration_to_json(&in)));
out:
    json_decref(channels);
    integration_release(&in);
    user_release(&poster);
    return status;
}

/* ---- integrations.get ---- */

/* findOneIntegration's hasIntegrationsPermission for an incoming hook. */
static int may_manage(struct api_ctx *ctx, const struct integration *in)
{
    if (has(ctx, "manage-incoming-integrations"))
        return 1;
    return strcmp(ctx->user->id, in->created_by_id) == 0 &&
           has(ctx, "manage-own-incoming-integrations");
}

int api_integrations_get(struct api_ctx *ctx, struct reply *out)
{
    const char *id = req_query(ctx->req, "integrationId");
    const char *created_by = req_query(ctx->req, "createdBy");
    struct integration in = INTEGRATION_INIT;
    enum err rc;
    int status;

    if (!id)
        return api_invalid_params(out, "must have required property "
                                       "'integrationId'");
    if (!*id)
        return api_fail(out, 400, NULL, "The query parameter "
                                        "\"integrationId\" is required.");
    rc = store_integration_by_id(ctx->store, id, &in);
    if (rc == ERR_OK && created_by && strcmp(created_by, in.created_by_id))
        rc = ERR_NOT_FOUND;
    /* plain Errors thrown by findOneIntegration: 400, no errorType */
    if (rc == ERR_NOT_FOUND)
        status = api_fail(out, 400, NULL, "The integration does not exists.");
    else if (rc)
        status = api_internal(out);
    else if (!may_manage(ctx, &in))
        status = api_fail(out, 400, NULL, "not-authorized");
    else
        status = api_ok(out, json_pack("{s:o}", "integration",
                                       integration_to_json(&in)));
    integration_release(&in);
    return status;
}

/* ---- integrations.list ---- */

struct list_acc {
    json_t *items;
    const json_t *fields;
};

static void collect(void *arg, const struct integration *in)
{
    struct list_acc *acc = arg;
    json_t *o = integration_to_json(in);

    if (acc->fields)
        api_project(o, acc->fields);
    json_array_append_new(acc->items, o);
}

int api_integrations_list(struct api_ctx *ctx, struct reply *out)
{
    struct integration_filter f = { 0 };
    struct list_acc acc = { NULL, NULL };
    json_t *fields = NULL;
    struct paging pg;
    int64_t total = 0;
    int status;

    if (!may_manage_any(ctx))
        return api_forbidden_route(out);
    status = api_paging(ctx, &pg, out);
    if (!status)
        status = api_fields(ctx, &fields, out);
    if (status)
        goto out;
    f.name = req_query(ctx->req, "name");
    if (f.name && !*f.name)
        f.name = NULL;
    f.type = req_query(ctx->req, "type");
    if (f.type && !*f.type)
        f.type = NULL;
    acc.items = json_array();
    acc.fields = fields;
    /*
     * mountIntegrationQueryBasedOnPermissions: all incoming hooks, or only
     * the caller's, or none (outgoing permissions alone; rcd has no
     * outgoing hooks).
     */
    if (!has(ctx, "manage-incoming-integrations")) {
        if (has(ctx, "manage-own-incoming-integrations"))
            f.created_by = ctx->user->id;
        else
            f.type = "none";
    }
    if (store_integrations_page(ctx->store, &f, pg.offset, pg.count, collect,
                                &acc, &total)) {
        status = api_internal(out);
        goto out;
    }
    status = api_ok(out, json_pack("{s:O, s:I, s:I, s:I, s:I}",
                                   "integrations", acc.items,
                                   "offset", (json_int_t)pg.offset,
                                   "items",
                                   (json_int_t)json_array_size(acc.items),
                                   "count",
                                   (json_int_t)json_array_size(acc.items),
                                   "total", (json_int_t)total));
out:
    json_decref(acc.items);
    json_decref(fields);
    return status;
}

/* ---- integrations.remove ---- */

int api_integrations_remove(struct api_ctx *ctx, struct reply *out)
{
    static const char method[] = "deleteIncomingIntegration";
    static const struct body_param incoming[] = {
        { "type", PT_STRING, 1 },
        { "integrationId", PT_STRING, 1 },
        { NULL, 0, 0 },
    };
    static const struct body_param outgoing[] = {
        { "type", PT_STRING, 1 },
        { "integrationId", PT_STRING, 0 },
        { "target_url", PT_STRING, 0 },
        { NULL, 0, 0 },
    };
    const json_t *b = ctx->body;
    const char *type = json_str(b, "type");
    struct integration in = INTEGRATION_INIT;
    json_t *doc = NULL;
    enum err rc;
    int status;

    /* validateParams runs before the route's permission check */
    if (!type || (strcmp(type, INCOMING) && strcmp(type, OUTGOING)))
        return api_invalid_params(out, "must match exactly one schema in "
                                       "oneOf");
    status = message_params_check(b, strcmp(type, INCOMING) ? outgoing
                                                             : incoming,
                                  0, out);
    if (status)
        return status;
    if (!may_manage_any(ctx))
        return api_forbidden_route(out);
    if (strcmp(type, OUTGOING) == 0) {
        if (!json_str(b, "integrationId") && !json_str(b, "target_url"))
            return api_fail(out, 400, NULL, "An integrationId or target_url "
                                            "needs to be provided.");
        /* rcd keeps no outgoing hooks */
        return api_fail(out, 400, NULL, "No integration found.");
    }
    rc = store_integration_by_id(ctx->store, json_str(b, "integrationId"),
                                 &in);
    if (rc == ERR_NOT_FOUND) {
        status = api_fail(out, 400, NULL, "No integration found.");
        goto out;
    }
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    if (!has(ctx, "manage-incoming-integrations")) {
        if (!has(ctx, "manage-own-incoming-integrations")) {
            status = method_error(out, "not_authorized", "Unauthorized",
                                  method);
            goto out;
        }
        if (strcmp(in.created_by_id, ctx->user->id) != 0) {
            status = method_error(out, "error-invalid-integration",
                                  "Invalid integration", method);
            goto out;
        }
    }
    doc = integration_to_json(&in);
    rc = store_integration_delete(ctx->store, in.id);
    if (rc == ERR_NOT_FOUND)
        status = api_fail(out, 400, NULL, "No integration found.");
    else if (rc)
        status = api_internal(out);
    else
        status = api_ok(out, json_pack("{s:O}", "integration", doc));
out:
    json_decref(doc);
    integration_release(&in);
    return status;
}

/* ---- /hooks/:integrationId/:token ---- */

/*
 * The hook answers failure(error || message): a Meteor-style reply set by
 * a shared helper ("X [code]", errorType) becomes {"error": "code"}.
 */
static int hook_error(struct reply *out, int status)
{
    const char *type = json_str(out->body, "errorType");

    if (status == 400 && type) {
        json_object_set_new(out->body, "error", json_string(type));
        json_object_del(out->body, "errorType");
        json_object_del(out->body, "details");
    }
    return status;
}

/* JavaScript truthiness of a JSON value (NULL: undefined). */
static int truthy(const json_t *v)
{
    if (!v || json_is_null(v) || json_is_false(v))
        return 0;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    if (json_is_number(v))
        return json_number_value(v) != 0;
    return 1;
}

/* The first of the keys whose value is a non-empty string, or NULL. */
static const char *first_str(const json_t *b, const char *k1, const char *k2)
{
    const char *s = json_str(b, k1);

    if (s && *s)
        return s;
    s = json_str(b, k2);
    return s && *s ? s : NULL;
}

/*
 * processWebhookMessage's getRoomByNameOrIdWithOptionToJoin, as the
 * post-as user (ctx->user): "#x" a room by id or name, "@x" the DM with
 * user x (created when missing), anything else a room by id or name, then
 * the DM with the user of that id. A public channel is joined ("uj")
 * when the user may read it.
 */
static int hook_target(struct api_ctx *ctx, const char *target,
                       struct room *r, struct reply *out)
{
    const char *v = target + (target[0] == '#');
    enum err rc;

    if (target[0] == '@')
        return hook_error(out, message_dm_target(ctx, target + 1, 0, r, out));
    rc = store_room_by_id(ctx->store, v, r);
    if (rc == ERR_NOT_FOUND)
        rc = store_room_by_name(ctx->store, v, r);
    if (rc == ERR_NOT_FOUND && target[0] != '#')
        return hook_error(out, message_dm_target(ctx, target, 1, r, out));
    if (rc == ERR_NOT_FOUND)
        return api_fail(out, 400, NULL, "invalid-channel");
    if (rc)
        return api_internal(out);
    if (strcmp(r->t, "c") == 0 && !room_is_member(ctx, ctx->user, r)) {
        if (!room_can_read(ctx, ctx->user, r))
            return api_fail(out, 400, NULL, "error-not-allowed");
        switch (room_add_member(ctx, r, ctx->user, NULL, "uj", NULL)) {
        case ERR_OK:
        case ERR_EXISTS:
            break;
        default:
            return api_internal(out);
        }
    }
    return 0;
}

/*
 * Build the message of a hook post: text/msg trimmed, alias from
 * username/alias or the hook's, avatar (icon_url/avatar) winning over
 * emoji (icon_emoji/emoji), then the hook's avatar or emoji; attachments
 * (a non-array is ignored) with msg renamed text; groupable false unless
 * given; bot {i: hook id}.
 */
static int hook_message(const json_t *b, const struct integration *in,
                        struct message *m, struct reply *out)
{
    static const char *const strings[] = {
        "text", "msg", "username", "alias", "icon_emoji", "emoji",
        "icon_url", "avatar", "tmid", NULL,
    };
    const json_t *atts = json_object_get(b, "attachments");
    const json_t *groupable = json_object_get(b, "groupable");
    const char *text = first_str(b, "text", "msg");
    const char *alias = first_str(b, "username", "alias");
    const char *avatar = first_str(b, "icon_url", "avatar");
    const char *emoji = first_str(b, "icon_emoji", "emoji");
    const char *tmid = json_str(b, "tmid");
    json_t *copy = NULL, *a;
    struct buf dump = BUF_INIT;
    size_t i;

    for (const char *const *k = strings; *k; k++) {
        const json_t *v = json_object_get(b, *k);

        if (truthy(v) && !json_is_string(v))
            return api_fail(out, 400, NULL, "Match error: Expected string, "
                            "got %s in field %s",
                            json_is_number(v) ? "number"
                            : json_is_array(v) ? "array"
                            : json_is_boolean(v) ? "boolean" : "object", *k);
    }
    if (groupable && !json_is_boolean(groupable))
        return api_fail(out, 400, NULL, "Match error: Expected boolean in "
                                        "field groupable");
    if (json_object_get(b, "customFields"))
        return api_fail(out, 400, NULL, "Custom fields not enabled");
    copy = json_is_array(atts) ? json_deep_copy(atts) : json_array();
    json_array_foreach(copy, i, a) {
        const char *msg;

        if (!json_is_object(a)) {
            json_decref(copy);
            return api_fail(out, 400, NULL, "Match error: Expected object in "
                                            "field attachments");
        }
        msg = json_str(a, "msg");
        if (msg && *msg) {
            char *t = trim_dup(msg, strlen(msg));

            json_object_set_new(a, "text", json_string(t));
            json_object_del(a, "msg");
            free(t);
        }
    }
    m->msg = text ? trim_dup(text, strlen(text)) : xstrdup("");
    if (!alias && in->alias && *in->alias)
        alias = in->alias;
    m->alias = alias ? xstrdup(alias) : NULL;
    if (avatar)
        m->avatar = xstrdup(avatar);
    else if (emoji)
        m->emoji = xstrdup(emoji);
    else if (in->avatar && *in->avatar)
        m->avatar = xstrdup(in->avatar);
    else if (in->emoji && *in->emoji)
        m->emoji = xstrdup(in->emoji);
    json_dump_buf(&dump, copy);
    m->attachments = buf_detach(&dump, NULL);
    json_decref(copy);
    m->groupable = json_is_true(groupable);
    m->tmid = tmid && *tmid ? xstrdup(tmid) : NULL;
    {
        json_t *bot = json_pack("{s:s}", "i", in->id);

        m->bot = json_dumps(bot, JSON_COMPACT);
        json_decref(bot);
    }
    return 0;
}

/* A reply's parent must be in the same room; threads do not nest. */
static int hook_thread(struct api_ctx *ctx, const struct room *r,
                       struct message *m, struct reply *out)
{
    struct message parent = MESSAGE_INIT;
    enum err rc = store_message_by_id(ctx->store, m->tmid, &parent);
    int status = 0;

    if (rc == ERR_NOT_FOUND || (rc == ERR_OK && parent.room_rid != r->rid))
        status = api_fail(out, 400, NULL, "error-invalid-message");
    else if (rc)
        status = api_internal(out);
    else if (parent.tmid) {
        free(m->tmid);
        m->tmid = xstrdup(parent.tmid);
    }
    message_release(&parent);
    return status;
}

/* Post one copy to target as ctx->user; *sent is its JSON on success. */
static int hook_post(struct api_ctx *ctx, const json_t *b,
                     const struct integration *in, const char *target,
                     json_t **sent, struct reply *out)
{
    struct room r = ROOM_INIT;
    struct message m = MESSAGE_INIT;
    int status;

    status = hook_target(ctx, target, &r, out);
    if (status)
        goto out;
    status = hook_message(b, in, &m, out);
    if (status)
        goto out;
    /* validateRoomMessagePermissions: plain Errors */
    if (!room_can_read(ctx, ctx->user, &r)) {
        status = api_fail(out, 400, NULL, "error-not-allowed");
        goto out;
    }
    if (r.ro && !has_permission(ctx, ctx->user, "post-readonly", r.id)) {
        status = api_fail(out, 400, NULL, "You can't send messages because "
                                          "the room is readonly.");
        goto out;
    }
    if (m.tmid) {
        status = hook_thread(ctx, &r, &m, out);
        if (status)
            goto out;
    }
    message_parse_mentions(ctx, &m);
    status = hook_error(out, message_mentions_allowed(ctx, &r, ctx->user, &m,
                                                      out));
    if (status)
        goto out;
    if (message_insert(ctx, &r, ctx->user, &m)) {
        status = api_internal(out);
        goto out;
    }
    *sent = message_to_json(&m);
out:
    message_release(&m);
    room_release(&r);
    return status;
}

/*
 * The body: JSON, or a form whose one field is payload=<json> (the
 * router turned it into {"payload": "<json>"}). *body is a new reference.
 */
static int hook_body(struct api_ctx *ctx, json_t **body, struct reply *out)
{
    const char *ct = req_header(ctx->req, "Content-Type");
    const char *payload = json_str(ctx->body, "payload");
    json_error_t jerr;

    *body = NULL;
    if (ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0 &&
        json_object_size(ctx->body) == 1 && payload) {
        *body = json_loads(payload, JSON_REJECT_DUPLICATES, &jerr);
        if (!*body)
            return api_fail(out, 400, NULL, "%s", jerr.text);
        if (!json_is_object(*body)) {
            json_decref(*body);
            *body = NULL;
            return api_fail(out, 400, NULL, "The payload must be a JSON "
                                            "object");
        }
        return 0;
    }
    *body = ctx->body ? json_incref(ctx->body) : json_object();
    return 0;
}

int api_hooks_execute(struct api_ctx *ctx, struct reply *out)
{
    const char *id = ctx->params[0];
    const char *token = ctx->params[ctx->nparams - 1];
    const struct user *caller = ctx->user;
    struct integration in = INTEGRATION_INIT;
    struct user poster = USER_INIT;
    json_t *body = NULL, *targets = json_array(), *responses = NULL, *t;
    const json_t *dest;
    enum err rc;
    size_t i;
    int status;

    /* by id only, then the token in constant time (never in SQL or logs) */
    rc = store_integration_by_id(ctx->store, id, &in);
    if (rc && rc != ERR_NOT_FOUND) {
        status = api_internal(out);
        goto out;
    }
    if (rc == ERR_NOT_FOUND ||
        !secret_equal(in.token, strlen(in.token), token, strlen(token))) {
        status = api_fail(out, 404, NULL, "Invalid integration id or token "
                                          "provided.");
        goto out;
    }
    rc = store_user_by_id(ctx->store, in.user_id, &poster);
    if (rc == ERR_NOT_FOUND) {
        status = api_unauthorized(out);
        goto out;
    }
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    if (!in.enabled) {
        status = api_fail(out, 503, NULL, "Service Unavailable");
        goto out;
    }
    status = hook_body(ctx, &body, out);
    if (status)
        goto out;
    /* an empty body and no script: nothing to post */
    if (json_object_size(body) == 0) {
        status = api_ok(out, NULL);
        goto out;
    }
    dest = json_object_get(body, "channel");
    if (!truthy(dest))
        dest = json_object_get(body, "roomId");
    if (truthy(dest) && !in.override_dest) {
        status = api_fail(out, 400, NULL, "overriding destination channel "
                                          "is disabled for this integration");
        goto out;
    }
    if (!truthy(dest)) {
        json_decref(targets);
        targets = json_loads(in.channel, 0, NULL);
        if (!json_is_array(targets)) {
            json_decref(targets);
            targets = json_array();
        }
    } else {
        json_t *uniq = json_array();

        if (json_is_array(dest))
            json_array_extend(targets, (json_t *)dest);
        else
            json_array_append(targets, (json_t *)dest);
        /* [...new Set(...)] */
        json_array_foreach(targets, i, t) {
            size_t j;
            json_t *seen;
            int dup = 0;

            json_array_foreach(uniq, j, seen)
                dup |= json_equal(seen, t);
            if (!dup)
                json_array_append(uniq, t);
        }
        json_decref(targets);
        targets = uniq;
    }
    json_array_foreach(targets, i, t)
        if (!json_is_string(t)) {
            status = api_fail(out, 400, NULL, "invalid-channel");
            goto out;
        }
    if (!json_array_size(targets)) {
        status = api_fail(out, 400, NULL, "unknown-error");
        goto out;
    }
    responses = json_array();
    ctx->user = &poster;
    json_array_foreach(targets, i, t) {
        json_t *sent = NULL;

        status = hook_post(ctx, body, &in, json_string_value(t), &sent, out);
        if (status)
            goto out;
        json_array_append_new(responses,
                              json_pack("{s:O, s:o}", "channel", t,
                                        "message", sent));
    }
    if (json_is_true(json_object_get(body, "separateResponse")))
        status = api_ok(out, json_pack("{s:O}", "responses", responses));
    else
        status = api_ok(out, NULL);
out:
    ctx->user = caller;
    json_decref(responses);
    json_decref(targets);
    json_decref(body);
    integration_release(&in);
    user_release(&poster);
    return status;
}
