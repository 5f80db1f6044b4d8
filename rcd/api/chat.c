/*
 * The chat.* endpoints: postMessage (targets by #name, @user or id, with
 * auto-join and DM creation), sendMessage, update, delete, getMessage and
 * the thread views. Validation and Rocket.Chat's rules live here; the save
 * path and its counters are messages.c's.
 */
#include "api.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../shared/buf.h"
#include "../../shared/json.h"
#include "../../shared/timeutil.h"

/* ---- shared checks ---- */

/* Message_MaxAllowedSize, in JavaScript string units. */
static int too_long(struct api_ctx *ctx, const char *text)
{
    int64_t max = setting_int(ctx->app->settings, "Message_MaxAllowedSize");

    return text && (int64_t)message_js_length(text) > max;
}

/*
 * Rocket.Chat's canSendMessage on a room already found: access (a member,
 * or a readable public channel) and the read-only flag. Its errors are
 * plain Error texts: no errorType.
 */
static int can_send(struct api_ctx *ctx, const struct room *r,
                    struct reply *out)
{
    if (!room_can_read(ctx, ctx->user, r))
        return api_fail(out, 400, NULL, "error-not-allowed");
    if (r->ro && !has_permission(ctx, ctx->user, "post-readonly", r->id))
        return api_fail(out, 400, NULL,
                        "You can't send messages because the room is "
                        "readonly.");
    return 0;
}

/*
 * Rocket.Chat's validFullURLParam (partial: validPartialURLParam): an
 * absolute http(s) or data: URL or a /file-upload/ path (partial: also a
 * relative one), never javascript:.
 */
static int url_ok(const char *v, int partial)
{
    const char *p;

    if (strncasecmp(v, "javascript:", 11) == 0)
        return 0;
    if (strncmp(v, "http://", 7) == 0 || strncmp(v, "https://", 8) == 0 ||
        strncmp(v, "data:", 5) == 0 || strncmp(v, "/file-upload/", 13) == 0)
        return 1;
    if (!partial || !*v || strncmp(v, "//", 2) == 0)
        return 0;
    /* relative: no leading "scheme:" */
    for (p = v; *p && strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
                             "VWXYZ0123456789+.-", *p); p++)
        ;
    return *p != ':' || p == v;
}

enum att_type { AT_STRING, AT_BOOL, AT_NUMBER, AT_OBJECT, AT_ARRAY, AT_URL,
                AT_STRING_OR_NUMBER, AT_SCALAR };

struct att_field {
    const char *name;
    enum att_type type;
};

static const char *js_type(const json_t *v)
{
    if (json_is_string(v))
        return "string";
    if (json_is_number(v))
        return "number";
    if (json_is_boolean(v))
        return "boolean";
    if (json_is_array(v))
        return "array";
    return "object";
}

/*
 * Check the members of o named in fs that are present and not null, as
 * Rocket.Chat's objectMaybeIncluding does. Returns 0 or the 400 set.
 */
static int check_fields(const json_t *o, const struct att_field *fs,
                        const char *where, struct reply *out)
{
    for (const struct att_field *f = fs; f->name; f++) {
        const json_t *v = json_object_get(o, f->name);
        const char *want = NULL;

        if (!v || json_is_null(v))
            continue;
        switch (f->type) {
        case AT_STRING:
            want = json_is_string(v) ? NULL : "String";
            break;
        case AT_URL:
            if (!json_is_string(v))
                want = "String";
            else if (!url_ok(json_string_value(v), 0))
                return api_fail(out, 400, NULL, "Invalid href value provided");
            break;
        case AT_BOOL:
            want = json_is_boolean(v) ? NULL : "Boolean";
            break;
        case AT_NUMBER:
            want = json_is_number(v) ? NULL : "Number";
            break;
        case AT_OBJECT:
            want = json_is_object(v) ? NULL : "Object";
            break;
        case AT_ARRAY:
            want = json_is_array(v) ? NULL : "Array";
            break;
        case AT_STRING_OR_NUMBER:
            want = json_is_string(v) || json_is_number(v) ? NULL
                                                          : "String or Number";
            break;
        case AT_SCALAR:
            want = json_is_string(v) || json_is_number(v) ||
                   json_is_boolean(v) ? NULL : "String, Number or Boolean";
            break;
        }
        if (want)
            return api_fail(out, 400, NULL,
                            "Match error: Expected %s, got %s in field %s%s",
                            want, js_type(v), where, f->name);
    }
    return 0;
}

/* Rocket.Chat's validateAttachment(), fields[] and actions[] included. */
static int check_attachment(const json_t *a, struct reply *out)
{
    static const struct att_field fields[] = {
        { "color", AT_STRING }, { "text", AT_STRING },
        { "ts", AT_STRING_OR_NUMBER }, { "thumb_url", AT_URL },
        { "button_alignment", AT_STRING }, { "actions", AT_ARRAY },
        { "message_link", AT_URL }, { "collapsed", AT_BOOL },
        { "author_name", AT_STRING }, { "author_link", AT_URL },
        { "author_icon", AT_URL }, { "title", AT_STRING },
        { "title_link", AT_URL }, { "title_link_download", AT_BOOL },
        { "image_dimensions", AT_OBJECT }, { "image_url", AT_URL },
        { "image_preview", AT_STRING }, { "image_type", AT_STRING },
        { "image_size", AT_NUMBER }, { "audio_url", AT_URL },
        { "audio_type", AT_STRING }, { "audio_size", AT_NUMBER },
        { "video_url", AT_URL }, { "video_type", AT_STRING },
        { "video_size", AT_NUMBER }, { "fields", AT_ARRAY }, { NULL, 0 },
    };
    static const struct att_field field_fields[] = {
        { "short", AT_BOOL }, { "title", AT_STRING }, { "value", AT_SCALAR },
        { NULL, 0 },
    };
    static const struct att_field action_fields[] = {
        { "type", AT_STRING }, { "text", AT_STRING }, { "url", AT_URL },
        { "image_url", AT_URL }, { "is_webview", AT_BOOL },
        { "webview_height_ratio", AT_STRING }, { "msg", AT_STRING },
        { "msg_in_chat_window", AT_BOOL }, { NULL, 0 },
    };
    size_t i;
    json_t *e;
    int status;

    status = check_fields(a, fields, "attachments.", out);
    if (status)
        return status;
    json_array_foreach(json_object_get(a, "fields"), i, e) {
        const json_t *title, *value;

        if (!json_is_object(e))
            return api_fail(out, 400, NULL, "Match error: Expected object in "
                                            "field attachments.fields");
        status = check_fields(e, field_fields, "attachments.fields.", out);
        if (status)
            return status;
        title = json_object_get(e, "title");
        value = json_object_get(e, "value");
        /* JavaScript truthiness: "" , 0 and false are missing too */
        if (!json_is_string(title) || !*json_string_value(title) ||
            !value || json_is_false(value) || json_is_null(value) ||
            (json_is_string(value) && !*json_string_value(value)) ||
            (json_is_number(value) && json_number_value(value) == 0))
            return api_fail(out, 400, NULL, "Invalid attachment field, title "
                                            "and value is required");
    }
    json_array_foreach(json_object_get(a, "actions"), i, e) {
        if (!json_is_object(e))
            return api_fail(out, 400, NULL, "Match error: Expected object in "
                                            "field attachments.actions");
        status = check_fields(e, action_fields, "attachments.actions.", out);
        if (status)
            return status;
    }
    return 0;
}

/*
 * Rocket.Chat's validateMessage() for what m carries: alias or avatar need
 * message-impersonate in r, avatar must be a safe URL, attachments must
 * validate, and custom fields are refused (Message_CustomFields_Enabled
 * is off by default and rcd has no schema for them).
 */
static int check_content(struct api_ctx *ctx, const struct room *r,
                         const struct message *m, const json_t *attachments,
                         int custom_fields, struct reply *out)
{
    size_t i;
    json_t *a;
    int status;

    if (m->avatar && !url_ok(m->avatar, 1))
        return api_fail(out, 400, NULL, "Invalid href value provided");
    if ((m->alias || m->avatar) &&
        !has_permission(ctx, ctx->user, "message-impersonate", r->id))
        return api_fail(out, 400, NULL, "Not enough permission");
    json_array_foreach(attachments, i, a) {
        status = check_attachment(a, out);
        if (status)
            return status;
    }
    if (custom_fields)
        return api_fail(out, 400, NULL, "Custom fields not enabled");
    return 0;
}

/* The value of key when it is a non-empty string, else NULL. */
static const char *nonempty(const json_t *o, const char *key)
{
    const char *s = json_str(o, key);

    return s && *s ? s : NULL;
}

/* ---- chat.postMessage ---- */

/* Whether c (a code point) is white space to JavaScript's String.trim. */
static int js_space(unsigned c)
{
    return c == 0x09 || c == 0x0a || c == 0x0b || c == 0x0c || c == 0x0d ||
           c == 0x20 || c == 0xa0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
           c == 0x202f || c == 0x205f || c == 0x3000 || c == 0xfeff;
}

/* Decode the UTF-8 sequence at p (valid: jansson checked it); its length. */
static size_t utf8_at(const unsigned char *p, unsigned *c)
{
    if (p[0] < 0x80) {
        *c = p[0];
        return 1;
    }
    if (p[0] < 0xe0) {
        *c = (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu);
        return 2;
    }
    if (p[0] < 0xf0) {
        *c = (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu);
        return 3;
    }
    *c = (p[0] & 0x07u) << 18 | (p[1] & 0x3fu) << 12 | (p[2] & 0x3fu) << 6 |
         (p[3] & 0x3fu);
    return 4;
}

/* s without JavaScript-trim white space at either end; caller frees. */
static char *js_trim(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t start = 0, end = 0, i = 0, n;
    unsigned c;
    int seen = 0;

    while (p[i]) {
        n = utf8_at(p + i, &c);
        if (!js_space(c)) {
            if (!seen)
                start = i;
            seen = 1;
            end = i + n;
        }
        i += n;
    }
    return seen ? xstrndup(s + start, end - start) : xstrdup("");
}

/* Rooms.findOneByIdOrName: any room type by id, then a named room. */
static enum err find_room(struct api_ctx *ctx, const char *v, struct room *out)
{
    enum err rc = store_room_by_id(ctx->store, v, out);

    if (rc == ERR_NOT_FOUND)
        rc = store_room_by_name(ctx->store, v, out);
    return rc;
}

/*
 * Rocket.Chat's target resolution (processWebhookMessage with
 * getRoomByNameOrIdWithOptionToJoin): "#x" is a room by id or name, "@x"
 * the DM with user x (created if missing), anything else a room by id or
 * name, then the DM with the user of that id. *join says a public channel
 * the caller is not in must be joined before sending.
 */
static int resolve_target(struct api_ctx *ctx, const char *target,
                          struct room *r, int *join, struct reply *out)
{
    enum err rc;

    *join = 0;
    if (target[0] == '@')
        return message_dm_target(ctx, target + 1, 0, r, out);
    rc = find_room(ctx, target + (target[0] == '#'), r);
    if (rc == ERR_NOT_FOUND && target[0] != '#')
        return message_dm_target(ctx, target, 1, r, out);
    if (rc == ERR_NOT_FOUND)
        return api_fail(out, 400, "invalid-channel", "%s", "");
    if (rc)
        return api_internal(out);
    if (strcmp(r->t, "c") == 0)
        *join = !room_is_member(ctx, ctx->user, r);
    return 0;
}

/*
 * The message postMessage builds (processWebhookMessage): trimmed text,
 * attachments ([] by default, msg renamed to text), groupable false, and
 * avatar winning over emoji. Empty values are left out.
 */
static void build_post(const json_t *body, json_t *attachments,
                       struct message *m)
{
    const char *text = json_str(body, "text");
    const char *tmid = nonempty(body, "tmid");
    size_t i;
    json_t *a;

    m->msg = js_trim(text ? text : "");
    if (nonempty(body, "alias"))
        m->alias = xstrdup(json_str(body, "alias"));
    if (nonempty(body, "avatar"))
        m->avatar = xstrdup(json_str(body, "avatar"));
    else if (nonempty(body, "emoji"))
        m->emoji = xstrdup(json_str(body, "emoji"));
    json_array_foreach(attachments, i, a) {
        const char *msg = nonempty(a, "msg");

        if (msg) {
            char *t = js_trim(msg);

            json_object_set_new(a, "text", json_string(t));
            json_object_del(a, "msg");
            free(t);
        }
    }
    {
        struct buf b = BUF_INIT;

        json_dump_buf(&b, attachments);
        m->attachments = buf_detach(&b, NULL);
    }
    m->groupable = 0;
    m->tmid = tmid ? xstrdup(tmid) : NULL;
}

/*
 * A reply's parent must exist in the same room; Rocket.Chat does not
 * nest threads, so a reply to a reply joins the first one's thread.
 * Fills *tmid (replaced); 0 or the status set.
 */
static int thread_parent(struct api_ctx *ctx, const struct room *r,
                         char **tmid, struct reply *out)
{
    struct message parent = MESSAGE_INIT;
    enum err rc = store_message_by_id(ctx->store, *tmid, &parent);
    int status = 0;

    if (rc == ERR_NOT_FOUND || (rc == ERR_OK && parent.room_rid != r->rid))
        status = api_fail(out, 400, "error-invalid-message",
                          "Invalid Message");
    else if (rc)
        status = api_internal(out);
    else if (parent.tmid) {
        free(*tmid);
        *tmid = xstrdup(parent.tmid);
    }
    message_release(&parent);
    return status;
}

/* Send one postMessage copy to target; *sent is its JSON on success. */
static int post_to(struct api_ctx *ctx, const json_t *body, const char *target,
                   json_t **sent, struct reply *out)
{
    struct room r = ROOM_INIT;
    struct message m = MESSAGE_INIT;
    json_t *attachments = json_deep_copy(json_object_get(body, "attachments"));
    int join, status;

    if (!attachments)
        attachments = json_array();
    status = resolve_target(ctx, target, &r, &join, out);
    if (status)
        goto out;
    /* a room the caller may neither read nor join looks like no room at all */
    if (!join && !room_can_read(ctx, ctx->user, &r)) {
        status = api_fail(out, 400, "invalid-channel", "%s", "");
        goto out;
    }
    build_post(body, attachments, &m);
    status = check_content(ctx, &r, &m, attachments,
                           json_object_get(body, "customFields") != NULL, out);
    if (status)
        goto out;
    if (join) {
        switch (room_add_member(ctx, &r, ctx->user, NULL, "uj", NULL)) {
        case ERR_OK:
        case ERR_EXISTS:
            break;
        default:
            status = api_internal(out);
            goto out;
        }
    }
    status = can_send(ctx, &r, out);
    if (!status && m.tmid)
        status = thread_parent(ctx, &r, &m.tmid, out);
    if (status)
        goto out;
    message_parse_mentions(ctx, &m);
    status = message_mentions_allowed(ctx, &r, ctx->user, &m, out);
    if (status)
        goto out;
    if (message_insert(ctx, &r, ctx->user, &m)) {
        status = api_internal(out);
        goto out;
    }
    *sent = message_to_json(&m);
out:
    json_decref(attachments);
    message_release(&m);
    room_release(&r);
    return status;
}

int api_chat_post_message(struct api_ctx *ctx, struct reply *out)
{
    static const struct body_param params[] = {
        { "roomId", PT_STRING_OR_STRINGS, 0 },
        { "channel", PT_STRING_OR_STRINGS, 0 },
        { "text", PT_STRING, 0 },
        { "alias", PT_STRING, 0 },
        { "emoji", PT_STRING, 0 },
        { "avatar", PT_STRING, 0 },
        { "attachments", PT_OBJECTS, 0 },
        { "tmid", PT_STRING, 0 },
        { "customFields", PT_OBJECT, 0 },
        { "parseUrls", PT_BOOL, 0 },
        { NULL, 0, 0 },
    };
    const json_t *body = ctx->body;
    const json_t *dest = json_object_get(body, "roomId");
    json_t *targets = json_array(), *first = NULL;
    const char *first_target = NULL;
    size_t i;
    json_t *a, *t;
    int status;

    status = message_params_check(body, params, 1, out);
    if (status)
        goto out;
    /* the schema is oneOf {roomId, ...} / {channel, ...}: exactly one */
    if (dest && json_object_get(body, "channel")) {
        status = api_invalid_params(out, "must NOT have additional "
                                         "properties\n must match exactly "
                                         "one schema in oneOf");
        goto out;
    }
    if (!dest) {
        dest = json_object_get(body, "channel");
        if (!dest) {
            status = api_invalid_params(out, "must have required property "
                                             "'roomId'\n must have required "
                                             "property 'channel'\n must "
                                             "match exactly one schema in "
                                             "oneOf");
            goto out;
        }
        if (json_object_get(body, "tmid")) {
            status = api_invalid_params(out, "must NOT have additional "
                                             "properties");
            goto out;
        }
    }
    if (too_long(ctx, json_str(body, "text"))) {
        status = api_fail(out, 400, NULL, "error-message-size-exceeded");
        goto out;
    }
    json_array_foreach(json_object_get(body, "attachments"), i, a)
        if (too_long(ctx, json_str(a, "text"))) {
            status = api_fail(out, 400, NULL, "error-message-size-exceeded");
            goto out;
        }
    /* several targets: each once, in order; the first result is returned */
    if (json_is_string(dest))
        json_array_append(targets, (json_t *)dest);
    json_array_foreach(json_is_array(dest) ? dest : NULL, i, t) {
        size_t j;
        json_t *seen;
        int dup = 0;

        json_array_foreach(targets, j, seen)
            dup |= json_equal(seen, t);
        if (!dup)
            json_array_append(targets, t);
    }
    if (!json_array_size(targets)) {
        /* nothing sent, so Rocket.Chat has no first result to answer */
        status = api_fail(out, 400, NULL, "unknown-error");
        goto out;
    }
    json_array_foreach(targets, i, t) {
        json_t *sent = NULL;

        status = post_to(ctx, body, json_string_value(t), &sent, out);
        if (status)
            goto out;
        if (!first) {
            first = sent;
            first_target = json_string_value(t);
        } else {
            json_decref(sent);
        }
    }
    status = api_ok(out, json_pack("{s:I, s:s, s:O}",
                                   "ts", (json_int_t)now_ms(),
                                   "channel", first_target, "message", first));
out:
    json_decref(first);
    json_decref(targets);
    return status;
}

/* ---- chat.sendMessage ---- */

int api_chat_send_message(struct api_ctx *ctx, struct reply *out)
{
    static const struct body_param params[] = {
        { "message", PT_OBJECT, 1 },
        { "previewUrls", PT_STRINGS, 0 },
        { NULL, 0, 0 },
    };
    static const struct body_param message_params[] = {
        { "_id", PT_STRING, 0 },
        { "rid", PT_STRING, 0 },
        { "tmid", PT_STRING, 0 },
        { "msg", PT_STRING, 0 },
        { "alias", PT_STRING, 0 },
        { "emoji", PT_STRING, 0 },
        { "tshow", PT_BOOL, 0 },
        { "avatar", PT_STRING, 0 },
        { "attachments", PT_OBJECTS, 0 },
        { "blocks", PT_OBJECTS, 0 },
        { "customFields", PT_OBJECT, 0 },
        { "t", PT_STRING, 0 },
        { NULL, 0, 0 },
    };
    const json_t *msg = json_object_get(ctx->body, "message");
    const char *rid, *id, *tmid;
    struct message m = MESSAGE_INIT, parent = MESSAGE_INIT;
    struct room r = ROOM_INIT;
    enum err rc;
    int status;

    status = message_params_check(ctx->body, params, 1, out);
    if (!status)
        status = message_params_check(msg, message_params, 0, out);
    if (status)
        goto out;
    if (json_object_get(msg, "t")) {
        status = api_fail(out, 400, NULL, "Cannot send system messages using "
                                          "'chat.sendMessage'");
        goto out;
    }
    if (json_is_true(json_object_get(msg, "tshow")) &&
        !nonempty(msg, "tmid")) {
        status = api_fail_details(out, 400, "invalid-params",
                                  json_pack("{s:s}", "method", "sendMessage"),
                                  "tshow provided but missing tmid");
        goto out;
    }
    if (too_long(ctx, json_str(msg, "msg"))) {
        status = api_fail_details(out, 400, "error-message-size-exceeded",
                                  json_pack("{s:s}", "method", "sendMessage"),
                                  "Message size exceeds "
                                  "Message_MaxAllowedSize");
        goto out;
    }
    rid = nonempty(msg, "rid");
    tmid = nonempty(msg, "tmid");
    /* a reply goes to its parent's room and thread (threads never nest) */
    if (tmid) {
        rc = store_message_by_id(ctx->store, tmid, &parent);
        if (rc && rc != ERR_NOT_FOUND) {
            status = api_internal(out);
            goto out;
        }
        if (!rc) {
            rid = parent.rid;
            if (parent.tmid)
                tmid = parent.tmid;
        }
    }
    if (!rid) {
        status = api_fail(out, 400, NULL, "The 'rid' property on the message "
                                          "object is missing.");
        goto out;
    }
    rc = store_room_by_id(ctx->store, rid, &r);
    /* an unreadable room answers exactly as a missing one (no oracle) */
    if (rc == ERR_NOT_FOUND ||
        (rc == ERR_OK && !room_can_read(ctx, ctx->user, &r))) {
        status = api_fail(out, 400, NULL, "error-invalid-room");
        goto out;
    }
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    status = can_send(ctx, &r, out);
    if (status)
        goto out;
    m.msg = xstrdup(json_str(msg, "msg") ? json_str(msg, "msg") : "");
    m.alias = nonempty(msg, "alias") ? xstrdup(json_str(msg, "alias")) : NULL;
    m.emoji = nonempty(msg, "emoji") ? xstrdup(json_str(msg, "emoji")) : NULL;
    m.avatar = nonempty(msg, "avatar") ? xstrdup(json_str(msg, "avatar"))
                                       : NULL;
    m.tmid = tmid ? xstrdup(tmid) : NULL;
    m.tshow = json_is_true(json_object_get(msg, "tshow"));
    m.groupable = -1;
    if (json_object_get(msg, "attachments")) {
        struct buf b = BUF_INIT;

        json_dump_buf(&b, json_object_get(msg, "attachments"));
        m.attachments = buf_detach(&b, NULL);
    }
    status = check_content(ctx, &r, &m, json_object_get(msg, "attachments"),
                           json_object_get(msg, "customFields") != NULL, out);
    if (status)
        goto out;
    /* a client-chosen _id that exists already is not inserted again */
    id = json_str(msg, "_id");
    if (id && *id) {
        struct message old = MESSAGE_INIT;

        rc = store_message_by_id(ctx->store, id, &old);
        if (rc == ERR_OK) {
            status = api_ok(out, json_pack("{s:o}", "message",
                                           message_to_json(&old)));
            message_release(&old);
            goto out;
        }
        if (rc != ERR_NOT_FOUND) {
            status = api_internal(out);
            goto out;
        }
        m.id = xstrdup(id);
    }
    message_parse_mentions(ctx, &m);
    status = message_mentions_allowed(ctx, &r, ctx->user, &m, out);
    if (status)
        goto out;
    rc = message_insert(ctx, &r, ctx->user, &m);
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    status = api_ok(out, json_pack("{s:o}", "message", message_to_json(&m)));
out:
    message_release(&m);
    message_release(&parent);
    room_release(&r);
    return status;
}

/* ---- chat.update and chat.delete ---- */

/*
 * The message msgId of room roomId, with Rocket.Chat's two plain errors.
 * Also loads its room. 0 or the status set.
 */
static int message_in_room(struct api_ctx *ctx, const char *msg_id,
                           const char *room_id, struct message *m,
                           struct room *r, struct reply *out)
{
    enum err rc = store_message_by_id(ctx->store, msg_id, m);

    if (rc == ERR_NOT_FOUND)
        return api_fail(out, 400, NULL, "No message found with the id of "
                                        "\"%s\".", msg_id);
    if (rc)
        return api_internal(out);
    if (strcmp(room_id, m->rid) != 0)
        return api_fail(out, 400, NULL, "The room id provided does not match "
                                        "where the message is from.");
    rc = store_room_by_rid(ctx->store, m->room_rid, r);
    return rc ? api_internal(out) : 0;
}

int api_chat_update(struct api_ctx *ctx, struct reply *out)
{
    static const struct body_param params[] = {
        { "roomId", PT_STRING, 1 },
        { "msgId", PT_STRING, 1 },
        { "text", PT_STRING, 1 },
        { "previewUrls", PT_STRINGS, 0 },
        { "customFields", PT_OBJECT, 0 },
        { NULL, 0, 0 },
    };
    struct message m = MESSAGE_INIT;
    struct room r = ROOM_INIT;
    const char *text;
    int status;

    status = message_params_check(ctx->body, params, 1, out);
    if (status)
        return status;
    text = json_str(ctx->body, "text");
    if (!*text)
        return api_invalid_params(out, "must NOT have fewer than 1 "
                                       "characters");
    status = message_in_room(ctx, json_str(ctx->body, "msgId"),
                             json_str(ctx->body, "roomId"), &m, &r, out);
    if (status)
        goto out;
    if (json_object_get(ctx->body, "customFields")) {
        status = api_fail(out, 400, NULL, "Custom fields not enabled");
        goto out;
    }
    /* unchanged text: nothing to do (Rocket.Chat returns quietly) */
    if (strcmp(m.msg, text) == 0)
        goto done;
    /* Message_AllowEditing is on and never time-limited in rcd */
    if (!has_permission(ctx, ctx->user, "edit-message", r.id) &&
        strcmp(m.u_id, ctx->user->id) != 0) {
        status = api_fail_details(out, 400, "error-action-not-allowed",
                                  json_pack("{s:s, s:s}", "method",
                                            "updateMessage", "action",
                                            "Message_editing"),
                                  "Message editing not allowed");
        goto out;
    }
    status = can_send(ctx, &r, out);
    if (status)
        goto out;
    if (too_long(ctx, text)) {
        status = api_fail_details(out, 400, "error-message-size-exceeded",
                                  json_pack("{s:s}", "method",
                                            "updateMessage"),
                                  "Message size exceeds "
                                  "Message_MaxAllowedSize");
        goto out;
    }
    if (message_edit(ctx, &r, &m, text, ctx->user)) {
        status = api_internal(out);
        goto out;
    }
done:
    status = api_ok(out, json_pack("{s:o}", "message", message_to_json(&m)));
out:
    message_release(&m);
    room_release(&r);
    return status;
}

/*
 * Rocket.Chat's canDeleteMessage for uid (holding the roles of *u): force
 * deletion, or delete-message, or one's own message with
 * delete-own-message (Message_AllowDeleting on, no time limit); a
 * read-only room also needs post-readonly. 0 or the status set.
 */
static int can_delete(struct api_ctx *ctx, const struct user *u,
                      const struct message *m, const struct room *r,
                      struct reply *out)
{
    if (has_permission(ctx, u, "force-delete-message", r->id))
        return 0;
    if (!has_permission(ctx, u, "delete-message", r->id) &&
        !(strcmp(m->u_id, u->id) == 0 &&
          has_permission(ctx, u, "delete-own-message", r->id)))
        return api_fail_details(out, 400, "error-action-not-allowed",
                                json_pack("{s:s}", "method", "deleteMessage"),
                                "Not allowed");
    if (r->ro && !has_permission(ctx, u, "post-readonly", r->id))
        return api_fail(out, 400, NULL, "You can't delete messages because "
                                        "the room is readonly.");
    return 0;
}

int api_chat_delete(struct api_ctx *ctx, struct reply *out)
{
    static const struct body_param params[] = {
        { "msgId", PT_STRING, 1 },
        { "roomId", PT_STRING, 1 },
        { "asUser", PT_BOOL, 0 },
        { NULL, 0, 0 },
    };
    struct message m = MESSAGE_INIT;
    struct room r = ROOM_INIT;
    struct user author = USER_INIT;
    const struct user *as = ctx->user;
    char ts[24];
    json_t *gist;
    int status;

    status = message_params_check(ctx->body, params, 1, out);
    if (status)
        return status;
    status = message_in_room(ctx, json_str(ctx->body, "msgId"),
                             json_str(ctx->body, "roomId"), &m, &r, out);
    if (status)
        goto out;
    if (json_is_true(json_object_get(ctx->body, "asUser")) &&
        strcmp(m.u_id, ctx->user->id) != 0) {
        if (!has_permission(ctx, ctx->user, "force-delete-message", r.id)) {
            status = api_fail(out, 400, NULL,
                              "Unauthorized. You must have the permission "
                              "\"force-delete-message\" to delete other's "
                              "message as them.");
            goto out;
        }
        /* then the permissions checked are the author's */
        if (store_user_by_id(ctx->store, m.u_id, &author) != ERR_OK) {
            status = api_fail(out, 400, NULL, "User not found");
            goto out;
        }
        as = &author;
    }
    status = can_delete(ctx, as, &m, &r, out);
    if (status)
        goto out;
    if (message_remove(ctx, &r, &m, as)) {
        status = api_internal(out);
        goto out;
    }
    snprintf(ts, sizeof(ts), "%lld", (long long)now_ms());
    gist = json_pack("{s:s, s:s, s:{s:s, s:s}}", "_id", m.id, "rid", m.rid,
                     "u", "_id", m.u_id, "username", m.u_username);
    if (m.u_name)
        json_object_set_new(json_object_get(gist, "u"), "name",
                            json_string(m.u_name));
    status = api_ok(out, json_pack("{s:s, s:s, s:o}", "_id", m.id, "ts", ts,
                                   "message", gist));
out:
    user_release(&author);
    message_release(&m);
    room_release(&r);
    return status;
}

/* ---- chat.getMessage and the thread views ---- */

/* A required, non-empty query parameter, or the ajv-style 400. */
static const char *need_query(struct api_ctx *ctx, const char *name,
                              int *status, struct reply *out)
{
    const char *v = req_query(ctx->req, name);

    if (!v)
        *status = api_invalid_params(out, "must have required property '%s'",
                                     name);
    else if (!*v)
        *status = api_invalid_params(out, "must NOT have fewer than 1 "
                                          "characters");
    return *status ? NULL : v;
}

int api_chat_get_message(struct api_ctx *ctx, struct reply *out)
{
    struct message m = MESSAGE_INIT;
    struct room r = ROOM_INIT;
    const char *id;
    enum err rc;
    int status = 0;

    id = need_query(ctx, "msgId", &status, out);
    if (!id)
        return status;
    rc = store_message_by_id(ctx->store, id, &m);
    if (rc == ERR_OK)
        rc = store_room_by_rid(ctx->store, m.room_rid, &r);
    if (rc == ERR_NOT_FOUND) {
        /* Rocket.Chat answers a bare failure(): {"success": false} */
        status = api_fail(out, 400, NULL, "%s", "");
        json_object_del(out->body, "error");
    } else if (rc)
        status = api_internal(out);
    else if (!room_can_read(ctx, ctx->user, &r))
        status = api_fail_details(out, 400, "error-not-allowed",
                                  json_pack("{s:s}", "method",
                                            "getSingleMessage"),
                                  "Not allowed");
    else
        status = api_ok(out, json_pack("{s:o}", "message",
                                       message_to_json(&m)));
    message_release(&m);
    room_release(&r);
    return status;
}

/*
 * The room a thread view is about, readable by the caller, with
 * Rocket.Chat's "Not Allowed" otherwise. 0 or the status set.
 */
static int thread_room(struct api_ctx *ctx, const char *room_id,
                       struct room *r, struct reply *out)
{
    enum err rc = store_room_by_id(ctx->store, room_id, r);

    if (rc && rc != ERR_NOT_FOUND)
        return api_internal(out);
    if (rc || !room_can_read(ctx, ctx->user, r))
        return api_fail(out, 400, "error-not-allowed", "Not Allowed");
    return 0;
}

int api_chat_get_thread_messages(struct api_ctx *ctx, struct reply *out)
{
    static const char *const sortable[] = { "ts", NULL };
    struct message_list list = { NULL, NULL };
    struct message parent = MESSAGE_INIT;
    struct room r = ROOM_INIT;
    struct paging pg;
    struct sort_key key;
    json_t *fields = NULL;
    int64_t total = 0;
    size_t nkeys;
    const char *tmid;
    enum err rc;
    int status = 0;

    tmid = need_query(ctx, "tmid", &status, out);
    if (!tmid)
        return status;
    status = api_paging(ctx, &pg, out);
    if (!status)
        status = api_sort(ctx, sortable, &key, 1, &nkeys, out);
    if (!status)
        status = api_fields(ctx, &fields, out);
    if (!status)
        status = api_refuse_query(ctx, out);
    if (status)
        goto out;
    rc = store_message_by_id(ctx->store, tmid, &parent);
    if (rc == ERR_NOT_FOUND) {
        status = api_fail(out, 400, "error-invalid-message", "Invalid Message");
        goto out;
    }
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    status = thread_room(ctx, parent.rid, &r, out);
    if (status)
        goto out;
    if (!pg.count)
        pg.count = setting_int(ctx->app->settings, "API_Upper_Count_Limit");
    list.items = json_array();
    list.fields = fields;
    rc = store_thread_messages(ctx->store, parent.id,
                               nkeys && key.dir < 0, pg.offset, pg.count,
                               message_collect, &list, &total);
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    status = message_page_reply(out, "messages", list.items, pg.offset,
                                total);
out:
    json_decref(list.items);
    json_decref(fields);
    message_release(&parent);
    room_release(&r);
    return status;
}

int api_chat_get_threads_list(struct api_ctx *ctx, struct reply *out)
{
    static const char *const sortable[] = { "tlm", NULL };
    struct message_list list = { NULL, NULL };
    struct room r = ROOM_INIT;
    struct paging pg;
    struct sort_key key;
    json_t *fields = NULL;
    const char *rid, *type, *text;
    int64_t total = 0;
    size_t nkeys;
    enum err rc = ERR_OK;
    int status = 0;

    rid = need_query(ctx, "rid", &status, out);
    if (!rid)
        return status;
    type = req_query(ctx->req, "type");
    if (type && strcmp(type, "following") != 0 && strcmp(type, "unread") != 0)
        return api_invalid_params(out, "must be equal to one of the allowed "
                                       "values");
    text = req_query(ctx->req, "text");
    status = api_paging(ctx, &pg, out);
    if (!status)
        status = api_sort(ctx, sortable, &key, 1, &nkeys, out);
    if (!status && nkeys && key.dir > 0)
        status = api_fail_details(out, 400, "error-invalid-sort",
                                  json_pack("{s:s}", "helperMethod",
                                            "parseJsonQuery"),
                                  "Invalid sort parameter provided: \"%s\"",
                                  req_query(ctx->req, "sort"));
    if (!status)
        status = api_fields(ctx, &fields, out);
    if (!status)
        status = api_refuse_query(ctx, out);
    if (!status)
        status = thread_room(ctx, rid, &r, out);
    if (status)
        goto out;
    if (!pg.count)
        pg.count = setting_int(ctx->app->settings, "API_Upper_Count_Limit");
    list.items = json_array();
    list.fields = fields;
    /* rcd keeps no per-user unread thread list (tunread): none are unread */
    if (!type || strcmp(type, "unread") != 0)
        rc = store_threads_page(ctx->store, r.rid, text,
                                type ? ctx->user->id : NULL, pg.offset,
                                pg.count, message_collect, &list, &total);
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    status = message_page_reply(out, "threads", list.items, pg.offset,
                                total);
out:
    json_decref(list.items);
    json_decref(fields);
    room_release(&r);
    return status;
}
