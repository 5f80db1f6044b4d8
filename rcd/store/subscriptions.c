/*
 * Subscriptions: a user's membership of a room, with room roles, counters
 * and notification preferences. Creating or removing one keeps the room's
 * users_count in step; removed ones go to subscription_trash.
 */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "../../shared/xalloc.h"
#include "store_int.h"

#define SUB_COLS \
    "s.sid, s.id, s.room_rid, s.user_rid, s.roles, s.ts, s.ls, " \
    "s.updated_at, s.open, s.alert, s.archived, s.unread, s.user_mentions, " \
    "s.group_mentions, s.desktop, s.desktop_origin, s.mobile, " \
    "s.mobile_origin, s.email, s.email_origin, s.audio, " \
    "s.disable_notifications, s.mute_group_mentions, s.hide_unread, " \
    "s.hide_mention, s.unread_alert"

void subscription_release(struct subscription *s)
{
    free(s->id);
    free(s->roles);
    free(s->desktop);
    free(s->desktop_origin);
    free(s->mobile);
    free(s->mobile_origin);
    free(s->email);
    free(s->email_origin);
    free(s->audio);
    free(s->unread_alert);
    memset(s, 0, sizeof(*s));
}

static void sub_from_row(sqlite3_stmt *q, struct subscription *s)
{
    s->sid = sqlite3_column_int64(q, 0);
    s->id = store_col_dup(q, 1);
    s->room_rid = sqlite3_column_int64(q, 2);
    s->user_rid = sqlite3_column_int64(q, 3);
    s->roles = store_col_dup(q, 4);
    s->ts = sqlite3_column_int64(q, 5);
    s->ls = sqlite3_column_int64(q, 6);
    s->updated_at = sqlite3_column_int64(q, 7);
    s->open = sqlite3_column_int(q, 8);
    s->alert = sqlite3_column_int(q, 9);
    s->archived = sqlite3_column_int(q, 10);
    s->unread = sqlite3_column_int64(q, 11);
    s->user_mentions = sqlite3_column_int64(q, 12);
    s->group_mentions = sqlite3_column_int64(q, 13);
    s->desktop = store_col_dup(q, 14);
    s->desktop_origin = store_col_dup(q, 15);
    s->mobile = store_col_dup(q, 16);
    s->mobile_origin = store_col_dup(q, 17);
    s->email = store_col_dup(q, 18);
    s->email_origin = store_col_dup(q, 19);
    s->audio = store_col_dup(q, 20);
    s->disable_notifications = sqlite3_column_int(q, 21);
    s->mute_group_mentions = sqlite3_column_int(q, 22);
    s->hide_unread = sqlite3_column_int(q, 23);
    s->hide_mention = sqlite3_column_int(q, 24);
    s->unread_alert = store_col_dup(q, 25);
}

enum err store_sub_get(struct store *st, int64_t room_rid, int64_t user_rid,
                       struct subscription *out)
{
    static const char sql[] =
        "SELECT " SUB_COLS " FROM subscriptions s "
        "WHERE s.room_rid = ?1 AND s.user_rid = ?2";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, room_rid);
    sqlite3_bind_int64(q, 2, user_rid);
    rc = store_step(st, q);
    if (rc == ERR_OK)
        sub_from_row(q, out);
    store_done(q);
    return rc;
}

/* Bind the mutable columns ?2 .. ?22, in the order of both statements. */
static void bind_mutable(sqlite3_stmt *q, const struct subscription *s)
{
    store_bind_text(q, 2, s->roles);
    if (s->ls)
        sqlite3_bind_int64(q, 3, s->ls);
    else
        sqlite3_bind_null(q, 3);
    sqlite3_bind_int64(q, 4, s->updated_at);
    sqlite3_bind_int(q, 5, s->open != 0);
    sqlite3_bind_int(q, 6, s->alert != 0);
    sqlite3_bind_int(q, 7, s->archived != 0);
    sqlite3_bind_int64(q, 8, s->unread);
    sqlite3_bind_int64(q, 9, s->user_mentions);
    sqlite3_bind_int64(q, 10, s->group_mentions);
    store_bind_text(q, 11, s->desktop);
    store_bind_text(q, 12, s->desktop_origin);
    store_bind_text(q, 13, s->mobile);
    store_bind_text(q, 14, s->mobile_origin);
    store_bind_text(q, 15, s->email);
    store_bind_text(q, 16, s->email_origin);
    store_bind_text(q, 17, s->audio);
    sqlite3_bind_int(q, 18, s->disable_notifications != 0);
    sqlite3_bind_int(q, 19, s->mute_group_mentions != 0);
    sqlite3_bind_int(q, 20, s->hide_unread != 0);
    sqlite3_bind_int(q, 21, s->hide_mention != 0);
    store_bind_text(q, 22, s->unread_alert);
}

/* Add delta to the room's users_count and set its updated_at. */
static enum err count_member(struct store *st, int64_t room_rid, int delta,
                             int64_t now)
{
    static const char sql[] =
        "UPDATE rooms SET users_count = max(users_count + ?2, 0), "
        "updated_at = ?3 WHERE rid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, room_rid);
    sqlite3_bind_int(q, 2, delta);
    sqlite3_bind_int64(q, 3, now);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}

enum err store_sub_insert(struct store *st, struct subscription *s)
{
    static const char sql[] =
        "INSERT INTO subscriptions (id, roles, ls, updated_at, open, alert, "
        "archived, unread, user_mentions, group_mentions, desktop, "
        "desktop_origin, mobile, mobile_origin, email, email_origin, audio, "
        "disable_notifications, mute_group_mentions, hide_unread, "
        "hide_mention, unread_alert, room_rid, user_rid, ts) VALUES (?1, ?2, "
        "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
        "?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)";
    sqlite3_stmt *q;
    enum err rc;

    rc = store_begin(st);
    if (rc)
        return rc;
    q = store_stmt(st, sql);
    store_bind_text(q, 1, s->id);
    bind_mutable(q, s);
    sqlite3_bind_int64(q, 23, s->room_rid);
    sqlite3_bind_int64(q, 24, s->user_rid);
    sqlite3_bind_int64(q, 25, s->ts);
    rc = store_exec_step(st, q);
    store_done(q);
    if (rc)
        goto fail;
    s->sid = sqlite3_last_insert_rowid(st->db);
    rc = count_member(st, s->room_rid, 1, s->updated_at);
    if (rc)
        goto fail;
    return store_commit(st);
fail:
    store_rollback(st);
    return rc;
}

enum err store_sub_update(struct store *st, const struct subscription *s)
{
    static const char sql[] =
        "UPDATE subscriptions SET roles = ?2, ls = ?3, updated_at = ?4, "
        "open = ?5, alert = ?6, archived = ?7, unread = ?8, "
        "user_mentions = ?9, group_mentions = ?10, desktop = ?11, "
        "desktop_origin = ?12, mobile = ?13, mobile_origin = ?14, "
        "email = ?15, email_origin = ?16, audio = ?17, "
        "disable_notifications = ?18, mute_group_mentions = ?19, "
        "hide_unread = ?20, hide_mention = ?21, unread_alert = ?22 "
        "WHERE sid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, s->sid);
    bind_mutable(q, s);
    rc = store_exec_step(st, q);
    store_done(q);
    if (!rc && sqlite3_changes(st->db) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

enum err store_sub_delete(struct store *st, int64_t room_rid, int64_t user_rid,
                          int64_t now)
{
    static const char trash[] =
        "INSERT INTO subscription_trash (id, user_rid, room_id, deleted_at) "
        "SELECT s.id, s.user_rid, r.id, ?3 FROM subscriptions s "
        "JOIN rooms r ON r.rid = s.room_rid "
        "WHERE s.room_rid = ?1 AND s.user_rid = ?2";
    static const char del[] =
        "DELETE FROM subscriptions WHERE room_rid = ?1 AND user_rid = ?2";
    const char *const steps[] = { trash, del };
    enum err rc;

    rc = store_begin(st);
    if (rc)
        return rc;
    for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
        sqlite3_stmt *q = store_stmt(st, steps[i]);

        sqlite3_bind_int64(q, 1, room_rid);
        sqlite3_bind_int64(q, 2, user_rid);
        if (sqlite3_bind_parameter_count(q) >= 3)
            sqlite3_bind_int64(q, 3, now);
        rc = store_exec_step(st, q);
        store_done(q);
        if (rc)
            goto fail;
    }
    if (sqlite3_changes(st->db) == 0) {
        rc = ERR_NOT_FOUND;
        goto fail;
    }
    rc = count_member(st, room_rid, -1, now);
    if (rc)
        goto fail;
    return store_commit(st);
fail:
    store_rollback(st);
    return rc;
}

enum err store_sub_roles(struct store *st, const char *room_id,
                         int64_t user_rid, char **roles)
{
    static const char sql[] =
        "SELECT s.roles FROM subscriptions s "
        "JOIN rooms r ON r.rid = s.room_rid "
        "WHERE r.id = ?1 AND s.user_rid = ?2";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    *roles = NULL;
    store_bind_text(q, 1, room_id);
    sqlite3_bind_int64(q, 2, user_rid);
    rc = store_step(st, q);
    if (rc == ERR_OK)
        *roles = store_col_dup(q, 0);
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

/*
 * Step q (bound) to the end, then call fn for each row: no statement stays
 * open while fn runs, so it may load the room or the user.
 */
static enum err subs_each(struct store *st, sqlite3_stmt *q,
                          void (*fn)(void *arg, const struct subscription *s),
                          void *arg)
{
    struct subscription *v = NULL;
    size_t n = 0, cap = 0;
    enum err rc;

    while ((rc = store_step(st, q)) == ERR_OK) {
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            v = xrealloc(v, cap * sizeof(*v));
        }
        memset(&v[n], 0, sizeof(v[0]));
        sub_from_row(q, &v[n++]);
    }
    store_done(q);
    if (rc == ERR_NOT_FOUND)
        rc = ERR_OK;
    for (size_t i = 0; i < n; i++) {
        if (!rc)
            fn(arg, &v[i]);
        subscription_release(&v[i]);
    }
    free(v);
    return rc;
}

enum err store_subs_of_user(struct store *st, int64_t user_rid, int64_t since,
                            void (*fn)(void *arg,
                                       const struct subscription *s),
                            void *arg)
{
    static const char sql[] =
        "SELECT " SUB_COLS " FROM subscriptions s WHERE s.user_rid = ?1 "
        "AND (?2 < 0 OR s.updated_at > ?2) ORDER BY s.sid";
    sqlite3_stmt *q = store_stmt(st, sql);

    sqlite3_bind_int64(q, 1, user_rid);
    sqlite3_bind_int64(q, 2, since);
    return subs_each(st, q, fn, arg);
}

enum err store_room_role_holders(struct store *st, int64_t room_rid,
                                 void (*fn)(void *arg,
                                            const struct subscription *s),
                                 void *arg)
{
    static const char sql[] =
        "SELECT " SUB_COLS " FROM subscriptions s "
        "JOIN users u ON u.rid = s.user_rid WHERE s.room_rid = ?1 AND "
        "EXISTS (SELECT 1 FROM json_each(s.roles) WHERE value IN "
        "('owner', 'moderator', 'leader')) ORDER BY u.username, s.sid";
    sqlite3_stmt *q = store_stmt(st, sql);

    sqlite3_bind_int64(q, 1, room_rid);
    return subs_each(st, q, fn, arg);
}

enum err store_subs_trash_since(struct store *st, int64_t user_rid,
                                int64_t since,
                                void (*fn)(void *arg, const char *id,
                                           const char *room_id,
                                           int64_t deleted_at),
                                void *arg)
{
    static const char sql[] =
        "SELECT id, room_id, deleted_at FROM subscription_trash "
        "WHERE user_rid = ?1 AND deleted_at > ?2 ORDER BY deleted_at, rowid";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, user_rid);
    sqlite3_bind_int64(q, 2, since);
    while ((rc = store_step(st, q)) == ERR_OK)
        fn(arg, (const char *)sqlite3_column_text(q, 0),
           (const char *)sqlite3_column_text(q, 1),
           sqlite3_column_int64(q, 2));
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

enum err store_subs_set_archived(struct store *st, int64_t room_rid,
                                 int archived, int64_t now)
{
    static const char sql[] =
        "UPDATE subscriptions SET archived = ?2, updated_at = ?3 "
        "WHERE room_rid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, room_rid);
    sqlite3_bind_int(q, 2, archived != 0);
    sqlite3_bind_int64(q, 3, now);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}

enum err store_subs_touch(struct store *st, int64_t room_rid, int64_t now)
{
    static const char sql[] =
        "UPDATE subscriptions SET updated_at = ?2 WHERE room_rid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, room_rid);
    sqlite3_bind_int64(q, 2, now);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}

enum err store_subs_remove_user(struct store *st, int64_t user_rid,
                                int64_t now)
{
    /*
     * DMs first (Rocket.Chat's removeDirectRoomContainingUsername): the
     * whole room goes, the other member's subscription with it. Then the
     * user's own memberships of channels, groups and discussions.
     */
    static const char trash_dm_subs[] =
        "INSERT INTO subscription_trash (id, user_rid, room_id, deleted_at) "
        "SELECT s.id, s.user_rid, r.id, ?2 FROM subscriptions s "
        "JOIN rooms r ON r.rid = s.room_rid WHERE r.t = 'd' AND r.rid IN "
        "(SELECT room_rid FROM subscriptions WHERE user_rid = ?1)";
    static const char trash_dms[] =
        "INSERT INTO room_trash (id, deleted_at) SELECT r.id, ?2 FROM rooms r "
        "WHERE r.t = 'd' AND r.rid IN "
        "(SELECT room_rid FROM subscriptions WHERE user_rid = ?1)";
    static const char del_dms[] =
        "DELETE FROM rooms WHERE t = 'd' AND rid IN "
        "(SELECT room_rid FROM subscriptions WHERE user_rid = ?1)";
    static const char uncount[] =
        "UPDATE rooms SET users_count = max(users_count - 1, 0), "
        "updated_at = ?2 WHERE rid IN "
        "(SELECT room_rid FROM subscriptions WHERE user_rid = ?1)";
    static const char trash_subs[] =
        "INSERT INTO subscription_trash (id, user_rid, room_id, deleted_at) "
        "SELECT s.id, s.user_rid, r.id, ?2 FROM subscriptions s "
        "JOIN rooms r ON r.rid = s.room_rid WHERE s.user_rid = ?1";
    static const char del_subs[] =
        "DELETE FROM subscriptions WHERE user_rid = ?1";
    const char *const steps[] = {
        trash_dm_subs, trash_dms, del_dms, uncount, trash_subs, del_subs,
    };
    enum err rc;

    rc = store_begin(st);
    if (rc)
        return rc;
    for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
        sqlite3_stmt *q = store_stmt(st, steps[i]);

        sqlite3_bind_int64(q, 1, user_rid);
        if (sqlite3_bind_parameter_count(q) >= 2)
            sqlite3_bind_int64(q, 2, now);
        rc = store_exec_step(st, q);
        store_done(q);
        if (rc) {
            store_rollback(st);
            return rc;
        }
    }
    return store_commit(st);
}
