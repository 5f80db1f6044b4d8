/*
 * The im.* endpoints and their dm.* aliases: direct messages (t "d"). A
 * 1:1 room's id is its two user ids sorted and joined, as Rocket.Chat
 * still builds it; group DMs get a random id. A DM the caller is not in
 * answers like one that does not exist (admins may still delete it).
 */
#include "api.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../shared/buf.h"
#include "../../shared/crypto.h"
#include "../../shared/json.h"
#include "../../shared/timeutil.h"

#define DM_MAX_USERS_DEFAULT 8      /* DirectMesssage_maxUsers */

static int dm_not_found(struct reply *out)
{
    return api_fail(out, 400, "error-room-not-found",
                    "The required \"roomId\" param provided does not match "
                    "any direct message");
}

/* ids sorted and joined into a JSON array text (malloc'd). */
static char *uids_json(const char **ids, size_t n)
{
    json_t *a = json_array();
    struct buf b = BUF_INIT;

    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(ids[i]));
    json_dump_buf(&b, a);
    json_decref(a);
    return buf_detach(&b, NULL);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The DM of exactly these users (ids sorted in place). */
static enum err dm_of(struct api_ctx *ctx, const char **ids, size_t n,
                      struct room *r)
{
    struct buf joined = BUF_INIT;
    char *uids;
    enum err rc;

    qsort(ids, n, sizeof(*ids), cmp_str);
    if (n == 2) {
        buf_addf(&joined, "%s%s", ids[0], ids[1]);
        rc = store_room_by_id(ctx->store, joined.data, r);
        buf_release(&joined);
        if (rc != ERR_NOT_FOUND)
            return rc;
    }
    uids = uids_json(ids, n);
    rc = store_room_dm_by_uids(ctx->store, uids, r);
    free(uids);
    return rc;
}

/*
 * findDirectMessageRoom: roomId (when the key is present) or the DM with
 * username. Only members see it; admin_ok lets view-room-administration
 * holders see any (im.delete).
 */
static int find_dm(struct api_ctx *ctx, int admin_ok, struct room *r,
                   struct reply *out)
{
    const char *id = room_arg(ctx, "roomId");
    const char *username = room_arg(ctx, "username");
    int has_id = ctx->body ? json_object_get(ctx->body, "roomId") != NULL
                           : id != NULL;
    struct user other = USER_INIT;
    enum err rc;

    if (has_id ? !id : !username)
        return api_fail(out, 400, "error-room-param-not-provided",
                        "Query param \"roomId\" or \"username\" is required");
    if (has_id) {
        rc = store_room_by_id(ctx->store, id, r);
    } else {
        rc = store_user_by_username(ctx->store, username, &other);
        if (rc == ERR_OK) {
            const char *ids[2] = { ctx->user->id, other.id };

            rc = dm_of(ctx, ids, other.rid == ctx->user->rid ? 1 : 2, r);
        }
        user_release(&other);
    }
    if (rc && rc != ERR_NOT_FOUND)
        return api_internal(out);
    if (rc || r->t[0] != 'd' ||
        !(room_is_member(ctx, ctx->user, r) ||
          (admin_ok && has_permission(ctx, ctx->user,
                                      "view-room-administration", NULL)))) {
        room_release(r);
        return dm_not_found(out);
    }
    return 0;
}

/* ---- im.create ---- */

struct dm_member {
    struct user u;
    const char *sort_name;          /* name, or username when unnamed */
};

static int cmp_member(const void *a, const void *b)
{
    const struct dm_member *x = a, *y = b;

    return strcasecmp(x->sort_name, y->sort_name);
}

static int fail_invalid_user(struct reply *out)
{
    return api_fail_details(out, 400, "error-invalid-user",
                            json_pack("{s:s}", "method",
                                      "createDirectMessage"),
                            "Invalid user");
}

/* The usernames named by username or usernames ("a, b"), in order. */
static size_t wanted_names(const char *username, const char *usernames,
                           char ***out)
{
    char **v = NULL;
    size_t n = 0;

    if (username) {
        v = xmalloc(sizeof(*v));
        v[n++] = xstrdup(username);
    } else {
        for (const char *p = usernames;;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            const char *s = p;

            while (len && (*s == ' ' || *s == '\t')) {
                s++;
                len--;
            }
            while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
                len--;
            if (len) {
                v = xrealloc(v, (n + 1) * sizeof(*v));
                v[n++] = xstrndup(s, len);
            }
            if (!comma)
                break;
            p = comma + 1;
        }
    }
    *out = v;
    return n;
}

/* Subscribe every member not yet in r; the creator's is (re)opened. */
static enum err subscribe_members(struct api_ctx *ctx, const struct room *r,
                                  const struct dm_member *m, size_t n)
{
    int64_t now = now_ms();
    enum err rc = ERR_OK;

    for (size_t i = 0; !rc && i < n; i++) {
        struct subscription s = SUBSCRIPTION_INIT;
        int creator = m[i].u.rid == ctx->user->rid;
        char id[RANDOM_ID_LEN + 1];

        rc = store_sub_get(ctx->store, r->rid, m[i].u.rid, &s);
        if (rc == ERR_OK) {
            if (creator && !s.open) {
                s.open = 1;
                s.updated_at = now;
                rc = store_sub_update(ctx->store, &s);
            }
            subscription_release(&s);
            continue;
        }
        if (rc != ERR_NOT_FOUND)
            break;
        random_id(id);
        s.id = id;                          /* borrowed: not released */
        s.room_rid = r->rid;
        s.user_rid = m[i].u.rid;
        s.ts = s.updated_at = now;
        s.open = creator || n > 2;
        rc = store_sub_insert(ctx->store, &s);
    }
    return rc;
}

static const struct room_pspec create_params[] = {
    { "username", RP_STRING }, { "usernames", RP_STRING },
    { "excludeSelf", RP_BOOL }, { NULL, 0 },
};

int api_im_create(struct api_ctx *ctx, struct reply *out)
{
    const json_t *b = ctx->body;
    const char *username = json_str(b, "username");
    const char *usernames = json_str(b, "usernames");
    int exclude = json_is_true(json_object_get(b, "excludeSelf"));
    const json_t *v;
    struct dm_member *m = NULL;
    struct room r = ROOM_INIT;
    char **names = NULL;
    const char **ids = NULL;
    size_t nnames, nm = 0;
    int64_t max;
    int status;
    enum err rc;

    status = room_check_body(ctx, create_params, out);
    if (status)
        return status;
    if (username && usernames)
        return api_invalid_params(out, "must match exactly one schema in "
                                       "oneOf");
    if (!username && !usernames)
        return api_invalid_params(out, "must have required property "
                                       "'username'");
    nnames = wanted_names(username, usernames, &names);
    v = setting_get(ctx->app->settings,
                    "Message_AllowDirectMessagesToYourself");
    if (v && !json_is_true(v) && nnames == 1 &&
        strcmp(names[0], ctx->user->username) == 0) {
        status = fail_invalid_user(out);
        goto out;
    }
    m = xcalloc(nnames + 1, sizeof(*m));
    if (!exclude) {
        if (store_user_by_rid(ctx->store, ctx->user->rid, &m[0].u)) {
            status = api_internal(out);
            goto out;
        }
        nm = 1;
    }
    for (size_t i = 0; i < nnames; i++) {
        struct user u = USER_INIT;
        int dup = 0;

        if (strcasecmp(names[i], ctx->user->username) == 0)
            continue;
        rc = store_user_by_username(ctx->store, names[i], &u);
        if (rc) {
            status = rc == ERR_NOT_FOUND ? fail_invalid_user(out)
                                         : api_internal(out);
            goto out;
        }
        for (size_t k = 0; k < nm; k++)
            dup |= m[k].u.rid == u.rid;
        if (dup)
            user_release(&u);
        else
            m[nm++].u = u;
    }
    if (nm == 0 || (nm == 1 && m[0].u.rid != ctx->user->rid)) {
        status = fail_invalid_user(out);
        goto out;
    }
    ids = xcalloc(nm, sizeof(*ids));
    for (size_t i = 0; i < nm; i++) {
        ids[i] = m[i].u.id;
        m[i].sort_name = m[i].u.name && *m[i].u.name ? m[i].u.name
                                                     : m[i].u.username;
    }
    rc = dm_of(ctx, ids, nm, &r);
    if (rc && rc != ERR_NOT_FOUND) {
        status = api_internal(out);
        goto out;
    }
    if (!has_permission(ctx, ctx->user, "create-d", NULL)) {
        /* an existing DM is still handed to holders of view-d-room */
        if (rc == ERR_NOT_FOUND ||
            !has_permission(ctx, ctx->user, "view-d-room", NULL)) {
            status = api_fail_details(out, 400, "error-not-allowed",
                                      json_pack("{s:s}", "method",
                                                "createDirectMessage"),
                                      "Not allowed");
            goto out;
        }
        goto reply;
    }
    max = setting_int(ctx->app->settings, "DirectMesssage_maxUsers");
    if (max <= 0)
        max = DM_MAX_USERS_DEFAULT;
    if ((int64_t)nm > max) {
        status = api_fail_details(out, 400,
                                  "error-direct-message-max-user-exceeded",
                                  json_pack("{s:s}", "method",
                                            "createDirectRoom"),
                                  "You cannot add more than %lld users, "
                                  "including yourself to a direct message",
                                  (long long)max);
        goto out;
    }
    qsort(m, nm, sizeof(*m), cmp_member);
    rc = store_begin(ctx->store);
    if (!rc && !r.id) {
        json_t *list = json_array();
        struct buf text = BUF_INIT;
        char id[RANDOM_ID_LEN + 1];

        for (size_t i = 0; i < nm; i++)
            json_array_append_new(list, json_string(m[i].u.username));
        json_dump_buf(&text, list);
        json_decref(list);
        r.usernames = buf_detach(&text, NULL);
        random_id(id);
        if (nm == 2)
            buf_addf(&text, "%s%s", ids[0], ids[1]);  /* dm_of sorted them */
        else
            buf_addf(&text, "%s", id);
        r.id = buf_detach(&text, NULL);
        r.t[0] = 'd';
        r.ts = r.updated_at = now_ms();
        r.uids = uids_json(ids, nm);
        rc = store_room_insert(ctx->store, &r);
    }
    if (!rc)
        rc = subscribe_members(ctx, &r, m, nm);
    if (!rc)
        rc = store_commit(ctx->store);
    else
        store_rollback(ctx->store);
    if (rc) {
        status = api_internal(out);
        goto out;
    }
reply:
    {
        json_error_t jerr;
        json_t *list;
        struct room now = ROOM_INIT;

        if (store_room_by_id(ctx->store, r.id, &now)) {
            status = api_internal(out);
            goto out;
        }
        list = json_loads(now.usernames ? now.usernames : "[]", 0, &jerr);
        /* what createDirectMessage hands back: t, rid, usernames, _id */
        status = api_ok(out, json_pack("{s:{s:s, s:s, s:o, s:s}}", "room",
                                       "t", "d", "rid", now.id, "usernames",
                                       list ? list : json_array(), "_id",
                                       now.id));
        room_release(&now);
    }
out:
    for (size_t i = 0; i < nnames; i++)
        free(names[i]);
    free(names);
    for (size_t i = 0; i < nm; i++)
        user_release(&m[i].u);
    free(m);
    free(ids);
    room_release(&r);
    return status;
}

/* ---- reading ---- */

int api_im_list(struct api_ctx *ctx, struct reply *out)
{
    struct room_filter f = { "d", 0, 0, NULL, -1 };

    f.member_rid = ctx->user->rid;
    return room_list_reply(ctx, &f, "ims", out);
}

struct im_members {
    struct api_ctx *ctx;
    const struct room *r;
    json_t *list;
};

static void im_member_add(void *arg, int64_t user_rid)
{
    struct im_members *im = arg;
    struct subscription s = SUBSCRIPTION_INIT;
    struct user u = USER_INIT;
    json_t *o, *sub;
    char iso[ISO_TIME_LEN + 1];

    if (store_user_by_rid(im->ctx->store, user_rid, &u))
        return;
    o = user_to_json(im->ctx, &u, AUD_OTHER);
    json_object_del(o, "bio");
    json_object_del(o, "active");
    json_object_del(o, "type");
    json_object_del(o, "nickname");
    if (store_sub_get(im->ctx->store, im->r->rid, user_rid, &s) == ERR_OK) {
        json_error_t jerr;
        json_t *roles = s.roles ? json_loads(s.roles, 0, &jerr) : NULL;

        iso_time(s.ts, iso);
        sub = json_pack("{s:s, s:s}", "_id", s.id, "ts", iso);
        if (json_is_array(roles) && json_array_size(roles))
            json_object_set_new(sub, "roles", roles);
        else
            json_decref(roles);
        json_object_set_new(o, "subscription", sub);
        subscription_release(&s);
    }
    json_array_append_new(im->list, o);
    user_release(&u);
}

int api_im_members(struct api_ctx *ctx, struct reply *out)
{
    static const char *const sorts[] = { "username", NULL };
    struct im_members im = { ctx, NULL, NULL };
    struct room r = ROOM_INIT;
    struct sort_key keys[1];
    struct paging pg;
    size_t nkeys;
    int64_t total;
    int status;

    status = find_dm(ctx, 0, &r, out);
    if (status)
        return status;
    status = api_paging(ctx, &pg, out);
    if (!status)
        status = api_sort(ctx, sorts, keys, 1, &nkeys, out);
    if (status)
        goto out;
    im.r = &r;
    im.list = json_array();
    if (store_room_members(ctx->store, r.rid, req_query(ctx->req, "filter"),
                           nkeys && keys[0].dir < 0, pg.offset, pg.count,
                           im_member_add, &im, &total)) {
        json_decref(im.list);
        status = api_internal(out);
        goto out;
    }
    status = api_ok(out, json_pack("{s:o, s:I, s:I, s:I}", "members", im.list,
                                   "count",
                                   (json_int_t)json_array_size(im.list),
                                   "offset", (json_int_t)pg.offset, "total",
                                   (json_int_t)total));
out:
    room_release(&r);
    return status;
}

/* ---- im.delete ---- */

int api_im_delete(struct api_ctx *ctx, struct reply *out)
{
    static const struct room_pspec ps[] = {
        { "roomId", RP_STRING }, { "username", RP_STRING }, { NULL, 0 },
    };
    struct room r = ROOM_INIT;
    int status = room_check_body(ctx, ps, out);

    if (status)
        return status;
    status = find_dm(ctx, 1, &r, out);
    if (status)
        return status;
    status = room_op_erase(ctx, &r, out);
    if (!status)
        status = api_ok(out, NULL);
    room_release(&r);
    return status;
}
