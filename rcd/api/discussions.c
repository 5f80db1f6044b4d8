/*
 * Discussions: rooms.createDiscussion and rooms.getDiscussions. A
 * discussion is a room with a parent (prid) whose readers may read it; it
 * is announced in the parent by a "discussion-created" message carrying
 * its id (drid). Rooms and memberships come from roomutil.c, messages from
 * messages.c.
 */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "../../shared/crypto.h"
#include "../../shared/json.h"
#include "../../shared/timeutil.h"

/* JavaScript falsiness of a body member: absent, null, false, 0 or "". */
static int falsy(const json_t *v)
{
    return !v || json_is_null(v) || json_is_false(v) ||
           (json_is_string(v) && !json_string_length(v)) ||
           (json_is_number(v) && json_number_value(v) == 0);
}

/*
 * The body as Rocket.Chat's handler checks it (by hand, with its own
 * texts), then the types rcd insists on for every parameter.
 */
static int check_body(const json_t *b, struct reply *out)
{
    static const struct body_param params[] = {
        { "prid", PT_STRING, 0 }, { "t_name", PT_STRING, 0 },
        { "pmid", PT_STRING, 0 }, { "reply", PT_STRING, 0 },
        { "users", PT_STRINGS, 0 }, { "encrypted", PT_BOOL, 0 },
        { "topic", PT_STRING, 0 }, { NULL, 0, 0 },
    };
    const json_t *users = json_object_get(b, "users");
    const json_t *encrypted = json_object_get(b, "encrypted");

    if (falsy(json_object_get(b, "prid")))
        return api_fail(out, 400, NULL, "Body parameter \"prid\" is "
                                        "required.");
    if (falsy(json_object_get(b, "t_name")))
        return api_fail(out, 400, NULL, "Body parameter \"t_name\" is "
                                        "required.");
    if (!falsy(users) && !json_is_array(users))
        return api_fail(out, 400, NULL, "Body parameter \"users\" must be an "
                                        "array.");
    if (encrypted && !json_is_boolean(encrypted))
        return api_fail(out, 400, NULL, "Body parameter \"encrypted\" must be "
                                        "a boolean when included.");
    return message_params_check(b, params, 0, out);
}

/* A DiscussionCreation error: "<reason> [<code>]" with its method. */
static int creation_error(struct reply *out, const char *code,
                          const char *reason)
{
    return api_fail_details(out, 400, code,
                            json_pack("{s:s}", "method", "DiscussionCreation"),
                            "%s", reason);
}

/*
 * Rocket.Chat's canSendMessage on the parent, whose plain errors
 * createDiscussion rethrows as Meteor errors with no reason: "[code]".
 */
static int parent_room(struct api_ctx *ctx, const char *prid, struct room *r,
                       struct reply *out)
{
    enum err rc = store_room_by_id(ctx->store, prid, r);

    if (rc && rc != ERR_NOT_FOUND)
        return api_internal(out);
    /* an unreadable parent answers exactly as a missing one (no oracle) */
    if (rc == ERR_NOT_FOUND || !room_can_read(ctx, ctx->user, r))
        return api_fail(out, 400, "error-invalid-room", "%s", "");
    if (r->ro && !has_permission(ctx, ctx->user, "post-readonly", r->id))
        return api_fail(out, 400, "You can't send messages because the room "
                                  "is readonly.", "%s", "");
    return 0;
}

/* The discussion as the API answers it: the room plus its id as "rid". */
static int reply_discussion(struct api_ctx *ctx, const struct room *d,
                            struct reply *out)
{
    json_t *o = room_to_json(ctx, d);

    json_object_set_new(o, "rid", json_string(d->id));
    return api_ok(out, json_pack("{s:o}", "discussion", o));
}

/* Make the user named username a member of d (unknown names skipped). */
static enum err add_by_name(struct api_ctx *ctx, struct room *d,
                            const char *username, const char *roles)
{
    struct user u = USER_INIT;
    enum err rc = store_user_by_username(ctx->store, username, &u);

    if (rc == ERR_OK && u.active)
        rc = room_add_member(ctx, d, &u, NULL, NULL, roles);
    if (rc == ERR_NOT_FOUND || rc == ERR_EXISTS)
        rc = ERR_OK;
    user_release(&u);
    return rc;
}

/*
 * Rocket.Chat's getDiscussionType: a public parent gives a public
 * discussion unless it sits in a private team; anything else a private one.
 */
static const char *discussion_type(struct api_ctx *ctx, const struct room *p)
{
    struct team t = TEAM_INIT;
    int private_team;

    if (strcmp(p->t, "c") != 0)
        return "p";
    if (!p->team_id || store_team_by_id(ctx->store, p->team_id, &t))
        return "c";
    private_team = t.type == 1;
    team_release(&t);
    return private_team ? "p" : "c";
}

/*
 * Create the discussion room d of parent p with title name, its members
 * (the creator as owner, then each of users), and the discussion-created
 * message in the room the conversation came from, all in one transaction.
 */
static enum err create(struct api_ctx *ctx, struct room *p, struct room *d,
                       const char *name, const char *topic,
                       const char *description, int encrypted,
                       const json_t *users, const char *pmid,
                       struct room *announce_in)
{
    char id[RANDOM_ID_LEN + 1], rname[RANDOM_ID_LEN + 1];
    struct message m = MESSAGE_INIT;
    size_t i;
    json_t *u;
    enum err rc;

    random_id(id);
    random_id(rname);
    d->id = xstrdup(id);
    memcpy(d->t, discussion_type(ctx, p), 2);
    d->name = xstrdup(rname);
    d->fname = xstrdup(name);
    d->u_id = xstrdup(ctx->user->id);
    d->u_username = xstrdup(ctx->user->username);
    d->topic = topic && *topic ? xstrdup(topic)
                               : p->name ? xstrdup(p->name) : NULL;
    d->description = description && *description ? xstrdup(description)
                                                  : NULL;
    d->encrypted = encrypted;
    d->prid = p->rid;
    d->ts = d->updated_at = now_ms();
    rc = store_begin(ctx->store);
    if (rc)
        return rc;
    rc = store_room_insert(ctx->store, d);
    if (!rc && pmid)
        rc = store_discussion_link(ctx->store, d->rid, p->rid, pmid);
    if (!rc)
        rc = room_add_member(ctx, d, ctx->user, NULL, NULL, "[\"owner\"]");
    json_array_foreach(rc ? NULL : users, i, u) {
        rc = add_by_name(ctx, d, json_string_value(u), NULL);
        if (rc)
            break;
    }
    if (!rc) {
        m.t = xstrdup("discussion-created");
        m.msg = xstrdup(name);
        m.drid = xstrdup(d->id);
        m.groupable = 0;
        rc = message_insert(ctx, announce_in, ctx->user, &m);
    }
    message_release(&m);
    if (rc) {
        store_rollback(ctx->store);
        return rc;
    }
    return store_commit(ctx->store);
}

int api_rooms_create_discussion(struct api_ctx *ctx, struct reply *out)
{
    const json_t *b = ctx->body;
    const char *prid, *name, *pmid, *reply_text, *topic;
    const json_t *encrypted = json_object_get(b, "encrypted");
    struct message pm = MESSAGE_INIT;
    struct room p = ROOM_INIT, d = ROOM_INIT, pm_room = ROOM_INIT;
    struct room *announce_in = &p;
    json_t *users = json_array();
    size_t i;
    json_t *u;
    int64_t existing;
    int enc, status;
    enum err rc;

    status = check_body(b, out);
    if (status)
        goto out;
    prid = json_str(b, "prid");
    name = json_str(b, "t_name");
    pmid = json_str(b, "pmid");
    pmid = pmid && *pmid ? pmid : NULL;
    reply_text = json_str(b, "reply");
    topic = json_str(b, "topic");
    /* Discussion_enabled is on in rcd */
    if (!has_permission(ctx, ctx->user, "start-discussion", prid) &&
        !has_permission(ctx, ctx->user, "start-discussion-other-user", prid)) {
        status = api_fail_details(out, 400, "error-action-not-allowed",
                                  json_pack("{s:s}", "method",
                                            "createDiscussion"),
                                  "You are not allowed to create a "
                                  "discussion");
        goto out;
    }
    if (pmid) {
        rc = store_message_by_id(ctx->store, pmid, &pm);
        if (rc == ERR_OK)
            rc = store_room_by_rid(ctx->store, pm.room_rid, &pm_room);
        if (rc == ERR_NOT_FOUND) {
            status = creation_error(out, "error-invalid-message",
                                    "Invalid message");
            goto out;
        }
        if (rc) {
            status = api_internal(out);
            goto out;
        }
        /* the message's room, or its parent when it sits in a discussion */
        if (pm_room.prid) {
            rc = store_room_by_rid(ctx->store, pm_room.prid, &p);
            if (rc) {
                status = api_internal(out);
                goto out;
            }
        }
        if (strcmp(pm_room.prid ? p.id : pm_room.id, prid) != 0) {
            status = creation_error(out, "error-invalid-arguments",
                                    "Root message room ID does not match "
                                    "parent room ID ");
            goto out;
        }
        room_release(&p);
    }
    status = parent_room(ctx, prid, &p, out);
    if (status)
        goto out;
    if (p.prid) {
        status = creation_error(out, "error-nested-discussion",
                                "Cannot create nested discussions");
        goto out;
    }
    enc = encrypted ? json_is_true(encrypted) : p.encrypted;
    if (enc && reply_text && *reply_text) {
        status = creation_error(out, "error-invalid-arguments",
                                "Encrypted discussions must not receive an "
                                "initial reply.");
        goto out;
    }
    if (pmid) {
        rc = store_discussion_by_pmid(ctx->store, p.rid, pmid, &existing);
        if (rc == ERR_OK)
            rc = store_room_by_rid(ctx->store, existing, &d);
        if (rc == ERR_OK) {
            /* one discussion per message: the caller joins it instead */
            rc = room_add_member(ctx, &d, ctx->user, NULL, "ut", NULL);
            status = rc && rc != ERR_EXISTS ? api_internal(out)
                                            : reply_discussion(ctx, &d, out);
            goto out;
        }
        if (rc != ERR_NOT_FOUND) {
            status = api_internal(out);
            goto out;
        }
    }
    /* the replied message's author is invited along with users */
    if (pmid)
        json_array_append_new(users, json_string(pm.u_username));
    json_array_foreach(json_object_get(b, "users"), i, u)
        if (json_string_length(u))
            json_array_append(users, u);
    /* announced where the message was, else in the parent */
    if (pmid && pm_room.rid != p.rid)
        announce_in = &pm_room;
    rc = create(ctx, &p, &d, name, topic, p.encrypted ? NULL : pm.msg, enc,
                users, pmid, announce_in);
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    if (reply_text && *reply_text) {
        struct message m = MESSAGE_INIT;

        m.msg = xstrdup(reply_text);
        message_parse_mentions(ctx, &m);
        status = message_mentions_allowed(ctx, &d, ctx->user, &m, out);
        if (!status && message_insert(ctx, &d, ctx->user, &m))
            status = api_internal(out);
        message_release(&m);
        if (status)
            goto out;
    }
    status = reply_discussion(ctx, &d, out);
out:
    json_decref(users);
    message_release(&pm);
    room_release(&pm_room);
    room_release(&p);
    room_release(&d);
    return status;
}

struct discussion_list {
    struct api_ctx *ctx;
    json_t *items;
    const json_t *fields;
    int failed;
};

static void collect_discussion(void *arg, int64_t room_rid)
{
    struct discussion_list *l = arg;
    struct room r = ROOM_INIT;
    json_t *o;

    if (store_room_by_rid(l->ctx->store, room_rid, &r)) {
        l->failed = 1;
        return;
    }
    o = room_to_json(l->ctx, &r);
    api_project(o, l->fields);
    json_array_append_new(l->items, o);
    room_release(&r);
}

int api_rooms_get_discussions(struct api_ctx *ctx, struct reply *out)
{
    static const char *const sortable[] = { "fname", NULL };
    struct discussion_list list = { ctx, NULL, NULL, 0 };
    struct room r = ROOM_INIT;
    struct paging pg;
    struct sort_key key;
    json_t *fields = NULL;
    int64_t total = 0;
    size_t nkeys;
    int status;

    status = room_param(ctx, LOOKUP_ANY, 0, &r, out);
    if (status)
        return status;
    status = api_paging(ctx, &pg, out);
    if (!status)
        status = api_sort(ctx, sortable, &key, 1, &nkeys, out);
    if (!status && nkeys && key.dir < 0)
        status = api_fail_details(out, 400, "error-invalid-sort",
                                  json_pack("{s:s}", "helperMethod",
                                            "parseJsonQuery"),
                                  "Invalid sort parameter provided: \"%s\"",
                                  req_query(ctx->req, "sort"));
    if (!status)
        status = api_fields(ctx, &fields, out);
    if (!status)
        status = api_refuse_query(ctx, out);
    if (status)
        goto out;
    if (!room_can_read(ctx, ctx->user, &r)) {
        /* Rocket.Chat's failure('not-allowed', 'Not Allowed'): swapped */
        status = api_fail(out, 400, NULL, "not-allowed");
        json_object_set_new(out->body, "errorType", json_string("Not Allowed"));
        goto out;
    }
    if (!pg.count)
        pg.count = setting_int(ctx->app->settings, "API_Upper_Count_Limit");
    list.items = json_array();
    list.fields = fields;
    if (store_discussions_page(ctx->store, r.rid, pg.offset, pg.count,
                               collect_discussion, &list, &total) ||
        list.failed) {
        status = api_internal(out);
        goto out;
    }
    status = message_page_reply(out, "discussions", list.items, pg.offset,
                                total);
out:
    json_decref(list.items);
    json_decref(fields);
    room_release(&r);
    return status;
}
