/*
 * Rooms: channels, private groups, direct messages and discussions; their
 * lists, members, trash, and the last-owner views users.delete needs.
 * Membership rows themselves are subscriptions.c's.
 */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "../../shared/buf.h"
#include "../../shared/xalloc.h"
#include "store_int.h"

#define ROOM_COLS \
    "r.rid, r.id, r.t, r.name, r.fname, r.u_id, r.u_username, r.topic, " \
    "r.description, r.announcement, r.ro, r.archived, r.is_default, " \
    "r.featured, r.broadcast, r.encrypted, r.msgs, r.users_count, r.ts, " \
    "r.updated_at, r.lm, r.last_message, r.prid, r.team_id, r.team_main, " \
    "r.team_default, r.custom_fields, r.join_code, r.usernames, r.uids"

void room_release(struct room *r)
{
    free(r->id);
    free(r->name);
    free(r->fname);
    free(r->u_id);
    free(r->u_username);
    free(r->topic);
    free(r->description);
    free(r->announcement);
    free(r->last_message);
    free(r->team_id);
    free(r->custom_fields);
    free(r->join_code);
    free(r->usernames);
    free(r->uids);
    memset(r, 0, sizeof(*r));
}

static void room_from_row(sqlite3_stmt *q, struct room *r)
{
    const unsigned char *t = sqlite3_column_text(q, 2);

    r->rid = sqlite3_column_int64(q, 0);
    r->id = store_col_dup(q, 1);
    r->t[0] = t ? (char)t[0] : '?';
    r->t[1] = '\0';
    r->name = store_col_dup(q, 3);
    r->fname = store_col_dup(q, 4);
    r->u_id = store_col_dup(q, 5);
    r->u_username = store_col_dup(q, 6);
    r->topic = store_col_dup(q, 7);
    r->description = store_col_dup(q, 8);
    r->announcement = store_col_dup(q, 9);
    r->ro = sqlite3_column_int(q, 10);
    r->archived = sqlite3_column_int(q, 11);
    r->is_default = sqlite3_column_int(q, 12);
    r->featured = sqlite3_column_int(q, 13);
    r->broadcast = sqlite3_column_int(q, 14);
    r->encrypted = sqlite3_column_int(q, 15);
    r->msgs = sqlite3_column_int64(q, 16);
    r->users_count = sqlite3_column_int64(q, 17);
    r->ts = sqlite3_column_int64(q, 18);
    r->updated_at = sqlite3_column_int64(q, 19);
    r->lm = sqlite3_column_int64(q, 20);
    r->last_message = store_col_dup(q, 21);
    r->prid = sqlite3_column_int64(q, 22);
    r->team_id = store_col_dup(q, 23);
    r->team_main = sqlite3_column_int(q, 24);
    r->team_default = sqlite3_column_int(q, 25);
    r->custom_fields = store_col_dup(q, 26);
    r->join_code = store_col_dup(q, 27);
    r->usernames = store_col_dup(q, 28);
    r->uids = store_col_dup(q, 29);
}

/* Run a one-row room query whose parameters are bound. */
static enum err room_fetch(struct store *st, sqlite3_stmt *q, struct room *out)
{
    enum err rc = store_step(st, q);

    if (rc == ERR_OK)
        room_from_row(q, out);
    store_done(q);
    return rc;
}

enum err store_room_by_id(struct store *st, const char *id, struct room *out)
{
    static const char sql[] =
        "SELECT " ROOM_COLS " FROM rooms r WHERE r.id = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);

    store_bind_text(q, 1, id);
    return room_fetch(st, q, out);
}

enum err store_room_by_rid(struct store *st, int64_t rid, struct room *out)
{
    static const char sql[] =
        "SELECT " ROOM_COLS " FROM rooms r WHERE r.rid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);

    sqlite3_bind_int64(q, 1, rid);
    return room_fetch(st, q, out);
}

enum err store_room_by_name(struct store *st, const char *name,
                            struct room *out)
{
    /* the form of the rooms_name index, so the lookup uses it */
    static const char sql[] =
        "SELECT " ROOM_COLS " FROM rooms r WHERE r.name = ?1 COLLATE NOCASE "
        "AND r.t IN ('c', 'p')";
    sqlite3_stmt *q = store_stmt(st, sql);

    store_bind_text(q, 1, name);
    return room_fetch(st, q, out);
}

enum err store_room_dm_by_uids(struct store *st, const char *uids,
                               struct room *out)
{
    static const char sql[] =
        "SELECT " ROOM_COLS " FROM rooms r WHERE r.t = 'd' AND r.uids = ?1 "
        "ORDER BY r.rid LIMIT 1";
    sqlite3_stmt *q = store_stmt(st, sql);

    store_bind_text(q, 1, uids);
    return room_fetch(st, q, out);
}

/* Bind every mutable column, ?2 .. ?25, in the order of both statements. */
static void bind_mutable(sqlite3_stmt *q, const struct room *r)
{
    store_bind_text(q, 2, r->t);
    store_bind_text(q, 3, r->name);
    store_bind_text(q, 4, r->fname);
    store_bind_text(q, 5, r->topic);
    store_bind_text(q, 6, r->description);
    store_bind_text(q, 7, r->announcement);
    sqlite3_bind_int(q, 8, r->ro != 0);
    sqlite3_bind_int(q, 9, r->archived != 0);
    sqlite3_bind_int(q, 10, r->is_default != 0);
    sqlite3_bind_int(q, 11, r->featured != 0);
    sqlite3_bind_int(q, 12, r->broadcast != 0);
    sqlite3_bind_int(q, 13, r->encrypted != 0);
    sqlite3_bind_int64(q, 14, r->msgs);
    sqlite3_bind_int64(q, 15, r->users_count);
    sqlite3_bind_int64(q, 16, r->updated_at);
    if (r->lm)
        sqlite3_bind_int64(q, 17, r->lm);
    else
        sqlite3_bind_null(q, 17);
    store_bind_text(q, 18, r->last_message);
    store_bind_text(q, 19, r->team_id);
    sqlite3_bind_int(q, 20, r->team_main != 0);
    sqlite3_bind_int(q, 21, r->team_default != 0);
    store_bind_text(q, 22, r->custom_fields);
    store_bind_text(q, 23, r->join_code);
    store_bind_text(q, 24, r->usernames);
    store_bind_text(q, 25, r->uids);
}

enum err store_room_insert(struct store *st, struct room *r)
{
    static const char sql[] =
        "INSERT INTO rooms (id, t, name, fname, topic, description, "
        "announcement, ro, archived, is_default, featured, broadcast, "
        "encrypted, msgs, users_count, updated_at, lm, last_message, team_id, "
        "team_main, team_default, custom_fields, join_code, usernames, uids, "
        "u_id, u_username, ts, prid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
        "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, "
        "?23, ?24, ?25, ?26, ?27, ?28, ?29)";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, r->id);
    bind_mutable(q, r);
    store_bind_text(q, 26, r->u_id);
    store_bind_text(q, 27, r->u_username);
    sqlite3_bind_int64(q, 28, r->ts);
    if (r->prid)
        sqlite3_bind_int64(q, 29, r->prid);
    else
        sqlite3_bind_null(q, 29);
    rc = store_exec_step(st, q);
    store_done(q);
    if (!rc)
        r->rid = sqlite3_last_insert_rowid(st->db);
    return rc;
}

enum err store_room_update(struct store *st, const struct room *r)
{
    static const char sql[] =
        "UPDATE rooms SET t = ?2, name = ?3, fname = ?4, topic = ?5, "
        "description = ?6, announcement = ?7, ro = ?8, archived = ?9, "
        "is_default = ?10, featured = ?11, broadcast = ?12, encrypted = ?13, "
        "msgs = ?14, users_count = ?15, updated_at = ?16, lm = ?17, "
        "last_message = ?18, team_id = ?19, team_main = ?20, "
        "team_default = ?21, custom_fields = ?22, join_code = ?23, "
        "usernames = ?24, uids = ?25 WHERE rid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, r->rid);
    bind_mutable(q, r);
    rc = store_exec_step(st, q);
    store_done(q);
    if (!rc && sqlite3_changes(st->db) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

/* Run a statement taking (?1 rid, ?2 now) that returns no rows. */
static enum err exec_rid_now(struct store *st, const char *sql, int64_t rid,
                             int64_t now)
{
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, rid);
    sqlite3_bind_int64(q, 2, now);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}

enum err store_room_delete(struct store *st, int64_t rid, int64_t now)
{
    /*
     * Discussions go with their parent (prid cascades), so the trash takes
     * them too; messages and subscriptions cascade from each room row.
     */
    static const char trash_subs[] =
        "INSERT INTO subscription_trash (id, user_rid, room_id, deleted_at) "
        "SELECT s.id, s.user_rid, r.id, ?2 FROM subscriptions s "
        "JOIN rooms r ON r.rid = s.room_rid WHERE r.rid = ?1 OR r.prid = ?1";
    static const char trash_rooms[] =
        "INSERT INTO room_trash (id, deleted_at) "
        "SELECT id, ?2 FROM rooms WHERE rid = ?1 OR prid = ?1";
    static const char del[] = "DELETE FROM rooms WHERE rid = ?1";
    sqlite3_stmt *q;
    enum err rc;

    rc = store_begin(st);
    if (rc)
        return rc;
    rc = exec_rid_now(st, trash_subs, rid, now);
    if (!rc)
        rc = exec_rid_now(st, trash_rooms, rid, now);
    if (rc)
        goto fail;
    q = store_stmt(st, del);
    sqlite3_bind_int64(q, 1, rid);
    rc = store_exec_step(st, q);
    store_done(q);
    if (rc)
        goto fail;
    /* the cascades are not counted: this is the room row alone */
    if (sqlite3_changes(st->db) == 0) {
        rc = ERR_NOT_FOUND;
        goto fail;
    }
    return store_commit(st);
fail:
    store_rollback(st);
    return rc;
}

/* ---- lists ---- */

/*
 * One statement for every filter and order: the conditions a filter does
 * not use are switched off by their parameters, and ?9 picks the ORDER BY
 * term (2 * sort + desc). No SQL text is ever built from input.
 */
#define ROOM_WHERE \
    " FROM rooms r WHERE (?1 IS NULL OR r.t = ?1) " \
    "AND (?2 = 0 OR EXISTS (SELECT 1 FROM subscriptions s " \
    "WHERE s.room_rid = r.rid AND s.user_rid = ?2)) " \
    "AND (?3 = 0 OR r.team_id IS NULL OR EXISTS (SELECT 1 FROM " \
    "subscriptions s WHERE s.room_rid = r.rid AND s.user_rid = ?3)) " \
    "AND (?4 IS NULL OR r.id = ?4) AND (?5 < 0 OR r.updated_at > ?5)"

static void bind_filter(sqlite3_stmt *q, const struct room_filter *f)
{
    store_bind_text(q, 1, f->t);
    sqlite3_bind_int64(q, 2, f->member_rid);
    sqlite3_bind_int64(q, 3, f->team_viewer_rid);
    store_bind_text(q, 4, f->id);
    sqlite3_bind_int64(q, 5, f->updated_after);
}

struct room_vec {
    struct room *v;
    size_t n, cap;
};

static void room_vec_release(struct room_vec *rv)
{
    for (size_t i = 0; i < rv->n; i++)
        room_release(&rv->v[i]);
    free(rv->v);
    memset(rv, 0, sizeof(*rv));
}

/* Collect every row of q (already bound) into rv. */
static enum err collect_rooms(struct store *st, sqlite3_stmt *q,
                              struct room_vec *rv)
{
    enum err rc;

    while ((rc = store_step(st, q)) == ERR_OK) {
        if (rv->n == rv->cap) {
            rv->cap = rv->cap ? 2 * rv->cap : 16;
            rv->v = xrealloc(rv->v, rv->cap * sizeof(*rv->v));
        }
        memset(&rv->v[rv->n], 0, sizeof(rv->v[0]));
        room_from_row(q, &rv->v[rv->n++]);
    }
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

enum err store_rooms_page(struct store *st, const struct room_filter *f,
                          enum room_sort by, int desc, int64_t offset,
                          int64_t count,
                          void (*fn)(void *arg, const struct room *r),
                          void *arg, int64_t *total)
{
    static const char count_sql[] = "SELECT count(*)" ROOM_WHERE;
    static const char page_sql[] =
        "SELECT " ROOM_COLS ROOM_WHERE " ORDER BY "
        "CASE WHEN ?9 = 0 THEN r.name END ASC, "
        "CASE WHEN ?9 = 1 THEN r.name END DESC, "
        "CASE WHEN ?9 = 2 THEN r.fname END ASC, "
        "CASE WHEN ?9 = 3 THEN r.fname END DESC, "
        "CASE WHEN ?9 = 4 THEN r.ts END ASC, "
        "CASE WHEN ?9 = 5 THEN r.ts END DESC, "
        "CASE WHEN ?9 = 6 THEN r.updated_at END ASC, "
        "CASE WHEN ?9 = 7 THEN r.updated_at END DESC, "
        "CASE WHEN ?9 = 8 THEN r.msgs END ASC, "
        "CASE WHEN ?9 = 9 THEN r.msgs END DESC, "
        "CASE WHEN ?9 = 10 THEN r.users_count END ASC, "
        "CASE WHEN ?9 = 11 THEN r.users_count END DESC, "
        "CASE WHEN ?9 = 12 THEN r.lm END ASC, "
        "CASE WHEN ?9 = 13 THEN r.lm END DESC, "
        "r.rid ASC LIMIT ?7 OFFSET ?8";
    struct room_vec rv = { 0 };
    sqlite3_stmt *q;
    enum err rc;

    if ((unsigned)by >= ROOM_SORT_COUNT)
        BUG("bad room sort %d", (int)by);
    q = store_stmt(st, count_sql);
    bind_filter(q, f);
    rc = store_step(st, q);
    *total = rc ? 0 : sqlite3_column_int64(q, 0);
    store_done(q);
    if (rc)
        return rc == ERR_NOT_FOUND ? ERR_IO : rc;
    q = store_stmt(st, page_sql);
    bind_filter(q, f);
    sqlite3_bind_int64(q, 7, count > 0 ? count : -1);
    sqlite3_bind_int64(q, 8, offset);
    sqlite3_bind_int(q, 9, 2 * (int)by + (desc != 0));
    rc = collect_rooms(st, q, &rv);
    for (size_t i = 0; !rc && i < rv.n; i++)
        fn(arg, &rv.v[i]);
    room_vec_release(&rv);
    return rc;
}

enum err store_rooms_trash_since(struct store *st, int64_t since,
                                 void (*fn)(void *arg, const char *id,
                                            int64_t deleted_at),
                                 void *arg)
{
    static const char sql[] =
        "SELECT id, deleted_at FROM room_trash WHERE deleted_at > ?1 "
        "ORDER BY deleted_at, rowid";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, since);
    while ((rc = store_step(st, q)) == ERR_OK)
        fn(arg, (const char *)sqlite3_column_text(q, 0),
           sqlite3_column_int64(q, 1));
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

/* "%text%" for LIKE ... ESCAPE '\', every wildcard in text made literal. */
static char *like_pattern(const char *text)
{
    struct buf b = BUF_INIT;

    buf_addc(&b, '%');
    for (const char *p = text; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            buf_addc(&b, '\\');
        buf_addc(&b, *p);
    }
    buf_addc(&b, '%');
    return buf_detach(&b, NULL);
}

#define MEMBER_WHERE \
    " FROM subscriptions s JOIN users u ON u.rid = s.user_rid " \
    "WHERE s.room_rid = ?1 AND u.active = 1 AND (?2 IS NULL OR " \
    "u.username LIKE ?2 ESCAPE '\\' OR u.name LIKE ?2 ESCAPE '\\')"

enum err store_room_members(struct store *st, int64_t room_rid,
                            const char *filter, int desc, int64_t offset,
                            int64_t count,
                            void (*fn)(void *arg, int64_t user_rid),
                            void *arg, int64_t *total)
{
    static const char count_sql[] = "SELECT count(*)" MEMBER_WHERE;
    static const char page_sql[] =
        "SELECT u.rid" MEMBER_WHERE " ORDER BY "
        "CASE WHEN ?5 = 0 THEN u.username END ASC, "
        "CASE WHEN ?5 = 1 THEN u.username END DESC, u.rid ASC "
        "LIMIT ?3 OFFSET ?4";
    char *pattern = filter && *filter ? like_pattern(filter) : NULL;
    int64_t *rids = NULL;
    size_t n = 0, cap = 0;
    sqlite3_stmt *q;
    enum err rc;

    q = store_stmt(st, count_sql);
    sqlite3_bind_int64(q, 1, room_rid);
    store_bind_text(q, 2, pattern);
    rc = store_step(st, q);
    *total = rc ? 0 : sqlite3_column_int64(q, 0);
    store_done(q);
    if (rc) {
        rc = rc == ERR_NOT_FOUND ? ERR_IO : rc;
        goto out;
    }
    q = store_stmt(st, page_sql);
    sqlite3_bind_int64(q, 1, room_rid);
    store_bind_text(q, 2, pattern);
    sqlite3_bind_int64(q, 3, count > 0 ? count : -1);
    sqlite3_bind_int64(q, 4, offset);
    sqlite3_bind_int(q, 5, desc != 0);
    while ((rc = store_step(st, q)) == ERR_OK) {
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            rids = xrealloc(rids, cap * sizeof(*rids));
        }
        rids[n++] = sqlite3_column_int64(q, 0);
    }
    store_done(q);
    if (rc == ERR_NOT_FOUND)
        rc = ERR_OK;
    for (size_t i = 0; !rc && i < n; i++)
        fn(arg, rids[i]);
out:
    free(rids);
    free(pattern);
    return rc;
}

/* Whether the subscription row s holds role: SQL shared by the queries. */
#define HAS_ROLE(s, param) \
    "EXISTS (SELECT 1 FROM json_each(" s ".roles) WHERE value = " param ")"

enum err store_room_count_role(struct store *st, int64_t room_rid,
                               const char *role, int64_t *n)
{
    static const char sql[] =
        "SELECT count(*) FROM subscriptions s WHERE s.room_rid = ?1 AND "
        HAS_ROLE("s", "?2");
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, room_rid);
    store_bind_text(q, 2, role);
    rc = store_step(st, q);
    *n = rc ? 0 : sqlite3_column_int64(q, 0);
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_IO : rc;
}

enum err store_rooms_last_owner(struct store *st, int64_t user_rid,
                                void (*fn)(void *arg, const struct room *r,
                                           int64_t members),
                                void *arg)
{
    static const char sql[] =
        "SELECT " ROOM_COLS " FROM rooms r JOIN subscriptions me "
        "ON me.room_rid = r.rid AND me.user_rid = ?1 "
        "WHERE r.t IN ('c', 'p') AND " HAS_ROLE("me", "'owner'") " "
        "AND NOT EXISTS (SELECT 1 FROM subscriptions o WHERE "
        "o.room_rid = r.rid AND o.user_rid <> ?1 AND "
        HAS_ROLE("o", "'owner'") ") ORDER BY r.rid";
    struct room_vec rv = { 0 };
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, user_rid);
    rc = collect_rooms(st, q, &rv);
    for (size_t i = 0; !rc && i < rv.n; i++)
        fn(arg, &rv.v[i], rv.v[i].users_count);
    room_vec_release(&rv);
    return rc;
}

enum err store_room_transfer_owner(struct store *st, int64_t room_rid,
                                   int64_t from_user_rid, int64_t now,
                                   int64_t *new_owner_rid)
{
    static const char pick[] =
        "SELECT sid, user_rid FROM subscriptions WHERE room_rid = ?1 AND "
        "user_rid <> ?2 ORDER BY ts, sid LIMIT 1";
    static const char grant[] =
        "UPDATE subscriptions SET roles = json_insert(coalesce(roles, '[]'), "
        "'$[#]', 'owner'), updated_at = ?2 WHERE sid = ?1";
    sqlite3_stmt *q = store_stmt(st, pick);
    int64_t sid = 0;
    enum err rc;

    *new_owner_rid = 0;
    sqlite3_bind_int64(q, 1, room_rid);
    sqlite3_bind_int64(q, 2, from_user_rid);
    rc = store_step(st, q);
    if (!rc) {
        sid = sqlite3_column_int64(q, 0);
        *new_owner_rid = sqlite3_column_int64(q, 1);
    }
    store_done(q);
    if (rc)
        return rc;
    return exec_rid_now(st, grant, sid, now);
}
