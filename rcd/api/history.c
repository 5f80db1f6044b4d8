/*
 * Reading a room's messages: channels/groups/im .history (newest first,
 * bounded by latest/oldest, thread replies optional, unread markers) and
 * .messages (paged lists with a total). Every page is one range scan of
 * the (room_rid, ts) index; access is rechecked on every request.
 */
#include "api.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../shared/buf.h"
#include "../../shared/json.h"
#include "../../shared/timeutil.h"

/* What one history request asks for, once its quirks are applied. */
struct history_query {
    int64_t latest;                 /* ms; now when not given */
    int64_t oldest;                 /* ms, when has_oldest */
    int has_oldest;
    int inclusive;
    int unreads;
    int show_threads;               /* also replies not shown in the room */
    int64_t offset, count;
};

/* Collects a page and remembers its oldest message's ts. */
struct history_page {
    struct message_list list;
    int64_t oldest_ts;
};

static void page_collect(void *arg, const struct message *m)
{
    struct history_page *p = arg;

    message_collect(&p->list, m);
    p->oldest_ts = m->ts;
}

static void first_collect(void *arg, const struct message *m)
{
    json_t **first = arg;

    if (!*first)
        *first = message_to_json(m);
}

/* An ISO date query parameter into *ms; 0, or the 400 when malformed. */
static int date_param(struct api_ctx *ctx, const char *name, int64_t *ms,
                      int *given, struct reply *out)
{
    const char *v = req_query(ctx->req, name);

    *given = v && *v;
    if (!*given)
        return 0;
    if (iso_parse(v, ms) != 0)
        return api_fail_details(out, 400, "error-invalid-date",
                                json_pack("{s:s}", "method",
                                          "getChannelHistory"),
                                "Invalid date");
    return 0;
}

/* The parameters channels.history and im.history share. */
static int history_params(struct api_ctx *ctx, struct history_query *q,
                          struct reply *out)
{
    struct paging pg;
    int given, status;
    const char *v;

    status = date_param(ctx, "latest", &q->latest, &given, out);
    /*
     * Rocket.Chat's default is the request's time, exclusive, which
     * misses a message sent in the same millisecond just before; no upper
     * bound gives the same answer without that race.
     */
    if (!status && !given)
        q->latest = INT64_MAX;
    if (!status)
        status = date_param(ctx, "oldest", &q->oldest, &q->has_oldest, out);
    if (!status)
        status = api_paging(ctx, &pg, out);
    if (status)
        return status;
    /* count=0 ("no limit") still pages: a room is never loaded whole */
    if (!pg.count)
        pg.count = setting_int(ctx->app->settings, "API_Upper_Count_Limit");
    q->offset = pg.offset;
    q->count = pg.count;
    v = req_query(ctx->req, "inclusive");
    q->inclusive = v && strcmp(v, "true") == 0;
    v = req_query(ctx->req, "unreads");
    q->unreads = v && strcmp(v, "true") == 0;
    v = req_query(ctx->req, "showThreadMessages");
    q->show_threads = v && strcmp(v, "true") == 0;
    return 0;
}

/*
 * Rocket.Chat's getChannelHistory on a readable room r: newest first in
 * [oldest, latest] (bounds exclusive unless inclusive), and with unreads
 * the first message older than the page (after oldest) and how many such
 * messages there are.
 */
static int history(struct api_ctx *ctx, const struct room *r,
                   const struct history_query *q, struct reply *out)
{
    struct message_range range = { 0, INT64_MIN, INT64_MAX, 0, 0, NULL };
    struct history_page page = { { NULL, NULL }, 0 };
    json_t *first = NULL, *res;
    int64_t unread_not_loaded = 0;
    enum err rc;

    range.room_rid = r->rid;
    range.with_replies = q->show_threads;
    range.latest = q->inclusive ? q->latest : q->latest - 1;
    if (q->has_oldest)
        range.oldest = q->inclusive ? q->oldest : q->oldest + 1;
    page.list.items = json_array();
    rc = range.oldest <= range.latest
             ? store_messages_page(ctx->store, &range, q->offset, q->count,
                                   page_collect, &page)
             : ERR_OK;
    if (!rc && q->unreads && q->has_oldest &&
        json_array_size(page.list.items) && page.oldest_ts > q->oldest) {
        /* the unread messages between oldest and the page, exclusive */
        range.oldest = q->oldest + 1;
        range.latest = page.oldest_ts - 1;
        range.ascending = 1;
        rc = store_messages_page(ctx->store, &range, 0, 1, first_collect,
                                 &first);
        if (!rc)
            rc = store_messages_count(ctx->store, &range, &unread_not_loaded);
    }
    if (rc) {
        json_decref(page.list.items);
        json_decref(first);
        return api_internal(out);
    }
    res = json_pack("{s:o}", "messages", page.list.items);
    if (q->unreads) {
        if (first)
            json_object_set_new(res, "firstUnread", first);
        json_object_set_new(res, "unreadNotLoaded",
                            json_integer(unread_not_loaded));
    }
    return api_ok(out, res);
}

int api_channels_history(struct api_ctx *ctx, struct reply *out)
{
    struct history_query q = { 0 };
    struct room r = ROOM_INIT;
    int status;

    status = room_param(ctx, LOOKUP_CHANNEL, 0, &r, out);
    if (status)
        return status;
    status = history_params(ctx, &q, out);
    if (!status && !room_can_read(ctx, ctx->user, &r))
        status = api_forbidden(out);
    if (!status)
        status = history(ctx, &r, &q, out);
    room_release(&r);
    return status;
}

/* A non-negative integer query parameter as parseInt would read it. */
static int int_param(struct api_ctx *ctx, const char *name, int64_t *v,
                     struct reply *out)
{
    const char *s = req_query(ctx->req, name);
    char *end;
    long long n;

    if (!s || !*s)
        return 0;
    errno = 0;
    n = strtoll(s, &end, 10);
    if (errno || *end || n < 0 || s[0] == '-' || s[0] == '+' || s[0] == ' ')
        return api_invalid_params(out, "'%s' must be a non-negative integer",
                                  name);
    *v = n;
    return 0;
}

int api_groups_history(struct api_ctx *ctx, struct reply *out)
{
    struct history_query q = { 0 };
    struct room r = ROOM_INIT;
    int64_t upper = setting_int(ctx->app->settings, "API_Upper_Count_Limit");
    int given, status;
    const char *v;

    status = room_param(ctx, LOOKUP_GROUP, 0, &r, out);
    if (status)
        return status;
    /*
     * groups.history reads its parameters by hand in Rocket.Chat: count
     * defaults to 20, inclusive and unreads are raw strings (so any
     * non-empty value, even "false", is true), and thread messages are
     * shown unless showThreadMessages is "false".
     */
    q.count = 20;
    status = date_param(ctx, "latest", &q.latest, &given, out);
    if (!status && !given)
        q.latest = INT64_MAX;       /* as history_params says */
    if (!status)
        status = date_param(ctx, "oldest", &q.oldest, &q.has_oldest, out);
    if (!status)
        status = int_param(ctx, "count", &q.count, out);
    if (!status)
        status = int_param(ctx, "offset", &q.offset, out);
    if (status)
        goto out;
    if (upper <= 0)
        upper = 100;
    if (!q.count || q.count > upper)
        q.count = upper;            /* never a whole room in one answer */
    v = req_query(ctx->req, "inclusive");
    q.inclusive = v && *v;
    v = req_query(ctx->req, "unreads");
    q.unreads = v && *v;
    v = req_query(ctx->req, "showThreadMessages");
    q.show_threads = !v || strcmp(v, "false") != 0;
    if (!room_can_read(ctx, ctx->user, &r))
        status = api_forbidden(out);
    else
        status = history(ctx, &r, &q, out);
out:
    room_release(&r);
    return status;
}

/*
 * The DM an im.* request names (Rocket.Chat's findDirectMessageRoom):
 * roomId, else username when allowed, each a user (id or name) or a DM
 * room id. 0 with *r filled, or the status set.
 */
static int im_room(struct api_ctx *ctx, int username_too, struct room *r,
                   struct reply *out)
{
    const char *v = req_query(ctx->req, "roomId");

    if (!v && username_too)
        v = req_query(ctx->req, "username");
    if (!v || (!*v && !username_too))
        return api_fail(out, 400, "error-room-param-not-provided",
                        username_too ? "Query param \"roomId\" or "
                                       "\"username\" is required"
                                     : "Query param \"roomId\" is required");
    return message_dm_target(ctx, v, 0, r, out);
}

int api_im_history(struct api_ctx *ctx, struct reply *out)
{
    struct history_query q = { 0 };
    struct room r = ROOM_INIT;
    int status;

    status = im_room(ctx, 0, &r, out);
    if (status)
        return status;
    status = history_params(ctx, &q, out);
    if (!status && !room_can_read(ctx, ctx->user, &r))
        status = api_forbidden(out);
    if (!status)
        status = history(ctx, &r, &q, out);
    room_release(&r);
    return status;
}

/* ---- *.messages ---- */

/* mentionIds="a, b" as a JSON array text of the trimmed ids; caller frees. */
static char *id_list(const char *csv)
{
    json_t *a = json_array();
    struct buf b = BUF_INIT;
    const char *p = csv;

    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *s = p;

        while (n && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        json_array_append_new(a, json_stringn(s, n));
        p = end ? end + 1 : p + strlen(p);
    }
    json_dump_buf(&b, a);
    json_decref(a);
    return buf_detach(&b, NULL);
}

/*
 * The list the three .messages endpoints share, for a room already
 * checked: newest first (sort={"ts":1} reverses), mentionIds filters by
 * mentioned user, starredIds and pinned=true match nothing (rcd has no
 * stars or pins). total is the room's own message count when nothing
 * filters, so no request counts a big room row by row.
 */
static int messages_list(struct api_ctx *ctx, const struct room *r,
                         struct reply *out)
{
    static const char *const sortable[] = { "ts", NULL };
    struct message_range range = { 0, INT64_MIN, INT64_MAX, 1, 0, NULL };
    struct message_list list = { NULL, NULL };
    const char *mention_ids = req_query(ctx->req, "mentionIds");
    const char *starred = req_query(ctx->req, "starredIds");
    const char *pinned = req_query(ctx->req, "pinned");
    struct paging pg;
    struct sort_key key;
    json_t *fields = NULL;
    char *ids = NULL;
    int64_t total = r->msgs;
    size_t nkeys;
    enum err rc = ERR_OK;
    int status;

    status = api_paging(ctx, &pg, out);
    if (!status)
        status = api_sort(ctx, sortable, &key, 1, &nkeys, out);
    if (!status)
        status = api_fields(ctx, &fields, out);
    if (!status)
        status = api_refuse_query(ctx, out);
    if (status)
        return status;
    if (!pg.count)
        pg.count = setting_int(ctx->app->settings, "API_Upper_Count_Limit");
    range.room_rid = r->rid;
    range.ascending = nkeys && key.dir > 0;
    list.items = json_array();
    list.fields = fields;
    if ((starred && *starred) || (pinned && strcasecmp(pinned, "true") == 0)) {
        total = 0;
        goto done;
    }
    if (mention_ids && *mention_ids) {
        ids = id_list(mention_ids);
        range.mention_ids = ids;
        rc = store_messages_count(ctx->store, &range, &total);
    }
    if (!rc)
        rc = store_messages_page(ctx->store, &range, pg.offset, pg.count,
                                 message_collect, &list);
    if (rc) {
        status = api_internal(out);
        goto out;
    }
done:
    status = message_page_reply(out, "messages", list.items, pg.offset,
                                total);
out:
    free(ids);
    json_decref(list.items);
    json_decref(fields);
    return status;
}

int api_channels_messages(struct api_ctx *ctx, struct reply *out)
{
    const char *id = req_query(ctx->req, "roomId");
    struct room r = ROOM_INIT;
    enum err rc;
    int status;

    /* only roomId is read here (Rocket.Chat passes { roomId } alone) */
    rc = store_room_by_id(ctx->store, id ? id : "", &r);
    if (rc && rc != ERR_NOT_FOUND)
        return api_internal(out);
    if (rc || strcmp(r.t, "c") != 0) {
        room_release(&r);
        return api_fail(out, 400, "error-room-not-found",
                        "The required \"roomId\" or \"roomName\" param "
                        "provided does not match any channel");
    }
    /* view-c-room is the route's; view-joined-room holders must be in it */
    if (has_permission(ctx, ctx->user, "view-joined-room", NULL) &&
        !room_is_member(ctx, ctx->user, &r))
        status = api_forbidden(out);
    else
        status = messages_list(ctx, &r, out);
    room_release(&r);
    return status;
}

int api_groups_messages(struct api_ctx *ctx, struct reply *out)
{
    struct room r = ROOM_INIT;
    int status;

    status = room_param(ctx, LOOKUP_GROUP, 1, &r, out);
    if (!status)
        status = messages_list(ctx, &r, out);
    room_release(&r);
    return status;
}

int api_im_messages(struct api_ctx *ctx, struct reply *out)
{
    struct room r = ROOM_INIT;
    int status;

    status = im_room(ctx, 1, &r, out);
    if (status)
        return status;
    if (!room_can_read(ctx, ctx->user, &r))
        status = api_forbidden(out);
    else
        status = messages_list(ctx, &r, out);
    room_release(&r);
    return status;
}
