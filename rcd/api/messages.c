/*
 * Messages shared by every room area: the message object as the API shows
 * it, mention parsing, and the one save path (insert plus what a message
 * moves: room counters, members' unread/alert/mention counters, thread
 * parents, discussion metadata), edits, deletion, system messages and the
 * direct-message room a message may need. Permission checks that depend
 * on the endpoint stay in the handlers.
 */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "../../shared/buf.h"
#include "../../shared/crypto.h"
#include "../../shared/json.h"
#include "../../shared/log.h"
#include "../../shared/timeutil.h"

/*
 * Whether every message counts as unread for the other members of r, as
 * Rocket.Chat's settings say: Unread_Count (channels and groups; default
 * user_and_group_mentions_only) and Unread_Count_DM (default all_messages).
 * Otherwise only mentions move the unread counter.
 */
static int unread_all_messages(struct api_ctx *ctx, const struct room *r)
{
    const char *id = strcmp(r->t, "d") == 0 ? "Unread_Count_DM" : "Unread_Count";

    return strcmp(setting_str(ctx->app->settings, id), "all_messages") == 0;
}

/* ---- the message object ---- */

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

/* A stored JSON column; skipped when NULL (or, impossibly, unparsable). */
static void set_json(json_t *o, const char *key, const char *text)
{
    json_error_t jerr;
    json_t *v;

    if (!text)
        return;
    v = json_loads(text, JSON_DECODE_ANY, &jerr);
    if (v)
        json_object_set_new(o, key, v);
}

json_t *message_to_json(const struct message *m)
{
    json_t *o = json_object();
    json_t *u = json_object();

    json_object_set_new(o, "_id", json_string(m->id));
    json_object_set_new(o, "rid", json_string(m->rid ? m->rid : ""));
    json_object_set_new(o, "msg", json_string(m->msg ? m->msg : ""));
    set_time(o, "ts", m->ts);
    json_object_set_new(u, "_id", json_string(m->u_id));
    json_object_set_new(u, "username", json_string(m->u_username));
    set_str(u, "name", m->u_name);
    json_object_set_new(o, "u", u);
    set_time(o, "_updatedAt", m->updated_at);
    set_str(o, "t", m->t);
    if (m->groupable >= 0)
        json_object_set_new(o, "groupable", json_boolean(m->groupable));
    set_str(o, "role", m->role);
    set_str(o, "alias", m->alias);
    set_str(o, "emoji", m->emoji);
    set_str(o, "avatar", m->avatar);
    set_json(o, "attachments", m->attachments);
    set_json(o, "mentions", m->mentions);
    set_json(o, "channels", m->channels);
    set_str(o, "tmid", m->tmid);
    if (m->tmid && m->tshow)
        json_object_set_new(o, "tshow", json_true());
    if (m->tlm) {
        json_object_set_new(o, "tcount", json_integer(m->tcount));
        set_time(o, "tlm", m->tlm);
        set_json(o, "replies", m->replies);
    }
    set_str(o, "drid", m->drid);
    if (m->drid && m->dlm) {
        json_object_set_new(o, "dcount", json_integer(m->dcount));
        set_time(o, "dlm", m->dlm);
    }
    if (m->edited_at) {
        set_time(o, "editedAt", m->edited_at);
        set_json(o, "editedBy", m->edited_by);
    }
    set_json(o, "bot", m->bot);
    set_json(o, "customFields", m->custom_fields);
    return o;
}

/* The message as stored JSON text, for rooms.last_message. Caller frees. */
static char *message_dump(const struct message *m)
{
    json_t *j = message_to_json(m);
    struct buf b = BUF_INIT;

    json_dump_buf(&b, j);
    json_decref(j);
    return buf_detach(&b, NULL);
}

/* Replace an owned string member by a copy of v (NULL clears it). */
static void set_owned(char **dst, const char *v)
{
    char *copy = v ? xstrdup(v) : NULL;

    free(*dst);
    *dst = copy;
}

static char *json_text(const json_t *j)
{
    struct buf b = BUF_INIT;

    json_dump_buf(&b, j);
    return buf_detach(&b, NULL);
}

/* ---- lengths and parameters ---- */

size_t message_js_length(const char *s)
{
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xc0) != 0x80)
            n++;
        if (*p >= 0xf0)
            n++;                    /* outside the BMP: a surrogate pair */
    }
    return n;
}

static const char *const type_msg[] = {
    [PT_STRING] = "must be string",
    [PT_BOOL] = "must be boolean",
    [PT_NUMBER] = "must be number",
    [PT_OBJECT] = "must be object",
    [PT_STRINGS] = "must be array",
    [PT_OBJECTS] = "must be array",
    [PT_STRING_OR_STRINGS] = "must be string or array",
};

static int has_nul(const json_t *v)
{
    return json_is_string(v) &&
           strlen(json_string_value(v)) != json_string_length(v);
}

/* NULL when v has the type t, else ajv's complaint. */
static const char *type_error(const json_t *v, enum param_type t)
{
    size_t i;
    json_t *e;

    switch (t) {
    case PT_STRING:
        return json_is_string(v) ? NULL : type_msg[t];
    case PT_BOOL:
        return json_is_boolean(v) ? NULL : type_msg[t];
    case PT_NUMBER:
        return json_is_number(v) ? NULL : type_msg[t];
    case PT_OBJECT:
        return json_is_object(v) ? NULL : type_msg[t];
    case PT_STRING_OR_STRINGS:
        if (json_is_string(v))
            return NULL;
        /* fall through */
    case PT_STRINGS:
        if (!json_is_array(v))
            return type_msg[t];
        json_array_foreach(v, i, e) {
            if (!json_is_string(e))
                return "must be string";
            if (has_nul(e))
                return "must not contain NUL characters";
        }
        return NULL;
    case PT_OBJECTS:
        if (!json_is_array(v))
            return type_msg[t];
        json_array_foreach(v, i, e)
            if (!json_is_object(e))
                return "must be object";
        return NULL;
    }
    return "has an unknown type";
}

int message_params_check(const json_t *obj, const struct body_param *ps,
                         int closed, struct reply *out)
{
    const char *key, *why;
    json_t *v;

    for (const struct body_param *p = ps; p->name; p++)
        if (p->required && !json_object_get(obj, p->name))
            return api_invalid_params(out, "must have required property "
                                           "'%s'", p->name);
    json_object_foreach((json_t *)obj, key, v) {
        const struct body_param *p = ps;

        while (p->name && strcmp(p->name, key) != 0)
            p++;
        if (!p->name) {
            if (closed)
                return api_invalid_params(out, "must NOT have additional "
                                               "properties");
            continue;
        }
        why = type_error(v, p->type);
        if (!why && has_nul(v))
            why = "must not contain NUL characters";
        if (why)
            return api_invalid_params(out, "%s", why);
    }
    return 0;
}

/* ---- mentions ---- */

/* Rocket.Chat's default UTF8_User_Names_Validation / _Channel_ class. */
static int name_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') || c == '-' || c == '_' || c == '.';
}

static int blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* Whether arr (of {_id: ...} objects) already lists id. */
static int listed(const json_t *arr, const char *key, const char *v)
{
    size_t i;
    json_t *e;

    json_array_foreach(arr, i, e) {
        const char *s = json_str(e, key);

        if (s && strcmp(s, v) == 0)
            return 1;
    }
    return 0;
}

void message_parse_mentions(struct api_ctx *ctx, struct message *m)
{
    json_t *mentions = json_array(), *channels = json_array();
    const unsigned char *s = (const unsigned char *)(m->msg ? m->msg : "");

    for (size_t i = 0; s[i]; i++) {
        size_t start, len;
        char *name;

        if ((s[i] != '@' && s[i] != '#') || (i > 0 && !blank(s[i - 1]) &&
                                             s[i - 1] != '>'))
            continue;
        start = i + 1;
        for (len = 0; name_char(s[start + len]); len++)
            ;
        if (!len)
            continue;
        name = xstrndup((const char *)s + start, len);
        if (s[i] == '@') {
            struct user u = USER_INIT;

            if (strcmp(name, "all") == 0 || strcmp(name, "here") == 0) {
                if (!listed(mentions, "_id", name))
                    json_array_append_new(mentions,
                                          json_pack("{s:s, s:s}", "_id", name,
                                                    "username", name));
            } else if (store_user_by_username(ctx->store, name, &u) == ERR_OK &&
                       strcmp(u.username, name) == 0 &&
                       !listed(mentions, "_id", u.id)) {
                /* Rocket.Chat matches usernames exactly here */
                json_array_append_new(mentions,
                                      json_pack("{s:s, s:s, s:s, s:s}",
                                                "_id", u.id,
                                                "username", u.username,
                                                "name", u.name ? u.name : "",
                                                "type", "user"));
            }
            user_release(&u);
        } else {
            struct room r = ROOM_INIT;

            /* only public channels: a private name must not leak this way */
            if (store_room_by_name(ctx->store, name, &r) == ERR_OK &&
                strcmp(r.t, "c") == 0 && !listed(channels, "_id", r.id))
                json_array_append_new(channels,
                                      json_pack("{s:s, s:s}", "_id", r.id,
                                                "name", r.name));
            room_release(&r);
        }
        free(name);
        i = start + len - 1;
    }
    free(m->mentions);
    free(m->channels);
    m->mentions = json_text(mentions);
    m->channels = json_text(channels);
    json_decref(mentions);
    json_decref(channels);
}

/* What the mentions of m ask for, as Rocket.Chat's getMentions() sees it. */
struct mention_set {
    int to_all, to_here;
    json_t *ids;                    /* user ids other than the sender */
};

static void mentions_of(const struct message *m, struct mention_set *ms)
{
    json_error_t jerr;
    json_t *arr = m->mentions ? json_loads(m->mentions, 0, &jerr) : NULL;
    size_t i;
    json_t *e;

    ms->to_all = ms->to_here = 0;
    ms->ids = json_array();
    json_array_foreach(arr, i, e) {
        const char *id = json_str(e, "_id");
        const char *type = json_str(e, "type");

        if (!id)
            continue;
        if (strcmp(id, "all") == 0)
            ms->to_all = 1;
        else if (strcmp(id, "here") == 0)
            ms->to_here = 1;
        else if ((!type || strcmp(type, "user") == 0) &&
                 strcmp(id, m->u_id) != 0)
            json_array_append_new(ms->ids, json_string(id));
    }
    json_decref(arr);
}

int message_mentions_allowed(struct api_ctx *ctx, const struct room *r,
                             const struct user *by, const struct message *m,
                             struct reply *out)
{
    static const struct {
        const char *mention, *perm;
    } checks[] = { { "all", "mention-all" }, { "here", "mention-here" } };
    json_error_t jerr;
    json_t *arr = m->mentions ? json_loads(m->mentions, 0, &jerr) : NULL;
    int status = 0;

    for (size_t k = 0; k < ARRAY_SIZE(checks) && !status; k++) {
        if (!listed(arr, "_id", checks[k].mention) ||
            has_permission(ctx, by, checks[k].perm, r->id))
            continue;
        status = api_fail_details(out, 400, "error-action-not-allowed",
                                  json_pack("{s:s}", "action",
                                            "Notify all in this room"),
                                  "Notify %s in this room not allowed",
                                  checks[k].mention);
    }
    json_decref(arr);
    return status;
}

/* ---- the save path ---- */

/* Append each string of from to set, skipping ones already there. */
static void add_ids(json_t *set, const json_t *from)
{
    size_t i, j;
    json_t *e, *f;

    json_array_foreach(from, i, e) {
        int seen = 0;

        json_array_foreach(set, j, f)
            if (json_equal(e, f))
                seen = 1;
        if (!seen)
            json_array_append(set, e);
    }
}

static void add_id(json_t *set, const char *id)
{
    json_t *one = json_pack("[s]", id);

    add_ids(set, one);
    json_decref(one);
}

static json_t *parse_array(const char *text)
{
    json_error_t jerr;
    json_t *a = text ? json_loads(text, 0, &jerr) : NULL;

    if (!json_is_array(a)) {
        json_decref(a);
        a = json_array();
    }
    return a;
}

/*
 * A reply: Rocket.Chat's processThreads() and reply(). The parent gets
 * tcount + 1, tlm and its participant list; the participants (minus the
 * sender) get alert, and they and the sender open. @all/@here in a reply
 * count as group mentions for the whole room.
 */
static enum err thread_effects(struct api_ctx *ctx, const struct room *r,
                               const struct message *m, int64_t sender_rid,
                               const struct mention_set *ms, int64_t now)
{
    struct message parent = MESSAGE_INIT;
    json_t *notify = NULL, *replies = NULL;
    char *replies_text = NULL;
    size_t i;
    json_t *e;
    enum err rc;

    rc = store_message_by_id(ctx->store, m->tmid, &parent);
    if (rc == ERR_NOT_FOUND)
        return ERR_OK;              /* Rocket.Chat ignores a lost parent too */
    if (rc)
        return rc;
    replies = parse_array(parent.replies);
    notify = json_array();
    if (!parent.tcount)
        add_id(notify, parent.u_id);
    else
        add_ids(notify, replies);
    if (!parent.tcount && strcmp(r->t, "d") == 0 && r->uids) {
        json_t *uids = parse_array(r->uids);

        add_ids(notify, uids);
        json_decref(uids);
    }
    add_ids(notify, ms->ids);
    /* the participants: followers, mentioned, the author and the sender */
    add_ids(replies, notify);
    if (!json_array_size(replies))
        add_id(replies, parent.u_id);
    add_id(replies, m->u_id);
    replies_text = json_text(replies);
    rc = store_thread_reply_added(ctx->store, parent.mid, replies_text, m->ts,
                                  now);
    json_array_foreach(rc ? NULL : notify, i, e) {
        const char *uid = json_string_value(e);

        if (strcmp(uid, m->u_id) != 0)
            rc = store_subs_alert_user(ctx->store, r->rid, uid, 1, now);
        if (rc)
            break;
    }
    if (!rc)
        rc = store_subs_alert_user(ctx->store, r->rid, m->u_id, 0, now);
    if (!rc && (ms->to_all || ms->to_here))
        rc = store_subs_mention_group(ctx->store, r->rid, sender_rid, 1, now);
    free(replies_text);
    json_decref(notify);
    json_decref(replies);
    message_release(&parent);
    return rc;
}

/*
 * A message shown in the room: Rocket.Chat's updateUsersSubscriptions().
 * User mentions take priority over @all/@here; every other member is
 * alerted, and with all_messages counts one more unread unless the
 * message went to everybody as a group mention.
 */
static enum err room_effects(struct api_ctx *ctx, const struct room *r,
                             int64_t sender_rid, const struct mention_set *ms,
                             int64_t now)
{
    int all_msgs = unread_all_messages(ctx, r);
    int group = ms->to_all || ms->to_here;
    size_t i;
    json_t *e;
    enum err rc = ERR_OK;

    json_array_foreach(ms->ids, i, e) {
        int changed;

        /* with all_messages the notify step below adds their unread */
        rc = store_subs_mention_user(ctx->store, r->rid, json_string_value(e),
                                     all_msgs && !group ? 0 : 1, now,
                                     &changed);
        if (rc)
            return rc;
    }
    if (!json_array_size(ms->ids) && group) {
        rc = store_subs_mention_group(ctx->store, r->rid, sender_rid, 1, now);
        if (rc)
            return rc;
    }
    return store_subs_notify(ctx->store, r->rid, sender_rid,
                             all_msgs && !group ? 1 : 0, now);
}

enum err message_insert(struct api_ctx *ctx, struct room *r,
                        const struct user *by, struct message *m)
{
    struct mention_set ms = { 0, 0, NULL };
    int64_t now = now_ms();
    int in_room;
    char *last = NULL;
    enum err rc;

    if (!m->id) {
        char id[RANDOM_ID_LEN + 1];

        random_id(id);
        m->id = xstrdup(id);
    }
    set_owned(&m->rid, r->id);
    m->room_rid = r->rid;
    set_owned(&m->u_id, by->id);
    set_owned(&m->u_username, by->username);
    set_owned(&m->u_name, by->name);
    if (!m->msg)
        m->msg = xstrdup("");
    if (!m->ts)
        m->ts = now;
    m->updated_at = m->ts;
    if (!m->tmid)
        m->tshow = 0;
    in_room = !m->tmid || m->tshow;
    if (in_room)
        last = message_dump(m);
    if (!m->t)
        mentions_of(m, &ms);

    rc = store_begin(ctx->store);
    if (rc)
        goto out;
    rc = store_message_insert(ctx->store, m);
    if (!rc)
        rc = store_room_count_message(ctx->store, r->rid, 1, m->ts, last, now);
    if (!rc && !m->t && m->tmid)
        rc = thread_effects(ctx, r, m, by->rid, &ms, now);
    if (!rc && !m->t && in_room)
        rc = room_effects(ctx, r, by->rid, &ms, now);
    if (!rc && r->prid)
        rc = store_discussion_touch(ctx->store, r->id, r->msgs + 1,
                                    in_room ? m->ts : r->lm, now);
    if (rc) {
        store_rollback(ctx->store);
        goto out;
    }
    rc = store_commit(ctx->store);
    if (rc)
        goto out;
    r->msgs++;
    r->updated_at = now;
    if (in_room) {
        r->lm = m->ts;
        free(r->last_message);
        r->last_message = last;
        last = NULL;
    }
out:
    json_decref(ms.ids);
    free(last);
    return rc;
}

enum err message_system(struct api_ctx *ctx, struct room *r,
                        const struct user *by, const char *t,
                        const char *msg, const char *role)
{
    struct message m = MESSAGE_INIT;
    enum err rc;

    m.t = xstrdup(t);
    m.msg = xstrdup(msg ? msg : "");
    m.role = role ? xstrdup(role) : NULL;
    m.groupable = 0;
    rc = message_insert(ctx, r, by, &m);
    message_release(&m);
    return rc;
}

void message_collect(void *arg, const struct message *m)
{
    struct message_list *l = arg;
    json_t *j = message_to_json(m);

    api_project(j, l->fields);
    json_array_append_new(l->items, j);
}

int message_page_reply(struct reply *out, const char *key, json_t *items,
                       int64_t offset, int64_t total)
{
    json_t *o = json_object();

    json_object_set(o, key, items);
    json_object_set_new(o, "count", json_integer(json_array_size(items)));
    json_object_set_new(o, "offset", json_integer(offset));
    json_object_set_new(o, "total", json_integer(total));
    return api_ok(out, o);
}

/* ---- edits and deletion ---- */

static char *edited_by(const struct user *by)
{
    json_t *j = json_pack("{s:s, s:s}", "_id", by->id, "username",
                          by->username);
    char *s = json_text(j);

    json_decref(j);
    return s;
}

/* Whether the room's stored lastMessage is the message with this id. */
static int is_last_message(const struct room *r, const char *id)
{
    json_error_t jerr;
    json_t *j = r->last_message ? json_loads(r->last_message, 0, &jerr) : NULL;
    const char *last = json_str(j, "_id");
    int yes = last && strcmp(last, id) == 0;

    json_decref(j);
    return yes;
}

enum err message_edit(struct api_ctx *ctx, struct room *r, struct message *m,
                      const char *text, const struct user *by)
{
    int64_t now = now_ms();
    char *last = NULL;
    enum err rc;

    set_owned(&m->msg, text);
    m->edited_at = now;
    free(m->edited_by);
    m->edited_by = edited_by(by);
    m->updated_at = now;
    if (!m->t)
        message_parse_mentions(ctx, m);
    /* Rocket.Chat keeps lastMessage current when the edited one is it */
    if ((!m->tmid || m->tshow) &&
        (!r->last_message || is_last_message(r, m->id)))
        last = message_dump(m);
    rc = store_begin(ctx->store);
    if (rc)
        goto out;
    rc = store_message_update(ctx->store, m);
    if (!rc && last)
        rc = store_room_set_last_message(ctx->store, r->rid, last, now);
    if (rc) {
        store_rollback(ctx->store);
        goto out;
    }
    rc = store_commit(ctx->store);
    if (!rc && last) {
        free(r->last_message);
        r->last_message = last;
        last = NULL;
    }
out:
    free(last);
    return rc;
}

/*
 * Deleting a discussion-created message deletes its discussion, as
 * Rocket.Chat's afterDeleteMessage hook does (messages, subscriptions and
 * its own discussions go with it).
 */
static enum err remove_discussion(struct api_ctx *ctx, const char *drid,
                                  int64_t now)
{
    struct room d = ROOM_INIT;
    enum err rc = store_room_by_id(ctx->store, drid, &d);

    if (rc == ERR_OK)
        rc = store_room_delete(ctx->store, d.rid, now);
    room_release(&d);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

enum err message_remove(struct api_ctx *ctx, struct room *r,
                        const struct message *m, const struct user *by)
{
    struct message rm = MESSAGE_INIT, lastm = MESSAGE_INIT;
    int64_t now = now_ms();
    int was_last = !r->last_message || is_last_message(r, m->id);
    char *last = NULL;
    enum err rc;

    rc = store_begin(ctx->store);
    if (rc)
        return rc;
    if (m->tmid)
        rc = store_thread_reply_removed(ctx->store, m->tmid, now);
    if (!rc && m->tcount > 0) {
        /*
         * A thread parent with replies is kept (Rocket.Chat forces
         * Message_KeepHistory and ShowDeletedStatus for it) as a "rm"
         * placeholder: text, attachments and mentions are gone.
         */
        rm = *m;
        rm.t = "rm";
        rm.msg = "";
        rm.alias = rm.emoji = rm.avatar = NULL;
        rm.attachments = rm.mentions = rm.channels = NULL;
        rm.custom_fields = NULL;
        rm.edited_at = now;
        rm.edited_by = edited_by(by);
        rm.updated_at = now;
        rc = store_message_update(ctx->store, &rm);
        free(rm.edited_by);
    } else if (!rc) {
        rc = store_message_delete(ctx->store, m->mid);
    }
    if (!rc)
        rc = store_room_count_message(ctx->store, r->rid, -1, 0, NULL, now);
    if (!rc && r->prid)
        rc = store_discussion_touch(ctx->store, r->id,
                                    r->msgs > 0 ? r->msgs - 1 : 0, r->lm, now);
    if (!rc && m->drid)
        rc = remove_discussion(ctx, m->drid, now);
    if (!rc && was_last) {
        rc = store_message_last_visible(ctx->store, r->rid, &lastm);
        if (!rc)
            last = message_dump(&lastm);
        if (rc == ERR_NOT_FOUND)
            rc = ERR_OK;
        if (!rc)
            rc = store_room_set_last_message(ctx->store, r->rid, last, now);
    }
    if (rc) {
        store_rollback(ctx->store);
        goto out;
    }
    rc = store_commit(ctx->store);
    if (rc)
        goto out;
    if (r->msgs > 0)
        r->msgs--;
    r->updated_at = now;
    if (was_last) {
        free(r->last_message);
        r->last_message = last;
        last = NULL;
    }
out:
    message_release(&lastm);
    free(last);
    return rc;
}

/* ---- direct messages ---- */

enum err message_dm_room(struct api_ctx *ctx, const struct user *a,
                         const struct user *b, int create, struct room *out)
{
    const struct user *lo = strcmp(a->id, b->id) <= 0 ? a : b;
    const struct user *hi = lo == a ? b : a;
    int self = strcmp(lo->id, hi->id) == 0;
    json_t *names = json_array(), *ids = json_array();
    struct buf id = BUF_INIT;
    char *key;
    enum err rc;

    json_array_append_new(names, json_string(lo->username));
    json_array_append_new(ids, json_string(lo->id));
    if (!self) {
        json_array_append_new(names, json_string(hi->username));
        json_array_append_new(ids, json_string(hi->id));
    }
    key = json_text(ids);
    rc = store_room_dm_by_uids(ctx->store, key, out);
    free(key);
    if (rc != ERR_NOT_FOUND || !create)
        goto out;
    /* as Rocket.Chat: the DM's id is its members' ids, sorted and joined */
    buf_adds(&id, lo->id);
    if (!self)
        buf_adds(&id, hi->id);
    out->id = buf_detach(&id, NULL);
    memcpy(out->t, "d", 2);
    out->ts = out->updated_at = now_ms();
    out->usernames = json_text(names);
    out->uids = json_text(ids);
    rc = store_begin(ctx->store);
    if (rc)
        goto out;
    rc = store_room_insert(ctx->store, out);
    if (!rc)
        rc = room_add_member(ctx, out, a, NULL, NULL, NULL);
    if (!rc && !self)
        rc = room_add_member(ctx, out, b, NULL, NULL, NULL);
    if (rc) {
        store_rollback(ctx->store);
        goto out;
    }
    rc = store_commit(ctx->store);
out:
    if (rc)
        room_release(out);
    buf_release(&id);
    json_decref(names);
    json_decref(ids);
    return rc;
}

int message_dm_target(struct api_ctx *ctx, const char *v, int by_id,
                      struct room *out, struct reply *reply)
{
    struct user u = USER_INIT;
    enum err rc = store_user_by_id(ctx->store, v, &u);
    int status = 0;

    if (rc == ERR_NOT_FOUND && !by_id)
        rc = store_user_by_username(ctx->store, v, &u);
    if (rc == ERR_OK) {
        /* Rocket.Chat's createDirectMessage: creating needs create-d */
        rc = message_dm_room(ctx, ctx->user, &u,
                             has_permission(ctx, ctx->user, "create-d", NULL),
                             out);
        if (rc == ERR_NOT_FOUND)
            status = api_fail_details(reply, 400, "error-not-allowed",
                                      json_pack("{s:s}", "method",
                                                "createDirectMessage"),
                                      "Not allowed");
        else if (rc)
            status = api_internal(reply);
        goto out;
    }
    if (rc == ERR_NOT_FOUND) {
        rc = store_room_by_id(ctx->store, v, out);
        if (rc == ERR_OK && strcmp(out->t, "d") != 0) {
            room_release(out);
            rc = ERR_NOT_FOUND;
        }
    }
    if (rc == ERR_NOT_FOUND)
        status = api_fail(reply, 400, "invalid-channel", "%s", "");
    else if (rc)
        status = api_internal(reply);
out:
    user_release(&u);
    return status;
}
