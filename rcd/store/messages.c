/*
 * Messages: rows, history pages over the (room_rid, ts) index, thread
 * replies and thread lists, and the counters a saved or deleted message
 * moves in rooms, subscriptions, thread parents and discussions. What a
 * message means (mentions, permissions, JSON) is rcd/api/messages.c's.
 */
#include "store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/buf.h"
#include "../../shared/xalloc.h"
#include "store_int.h"

#define MESSAGE_COLS \
    "m.mid, m.id, m.room_rid, r.id, m.ts, m.updated_at, m.u_id, " \
    "m.u_username, m.u_name, m.msg, m.t, m.tmid, m.tshow, m.tcount, m.tlm, " \
    "m.replies, m.alias, m.emoji, m.avatar, m.attachments, m.mentions, " \
    "m.channels, m.edited_at, m.edited_by, m.drid, m.dcount, m.dlm, m.bot, " \
    "m.custom_fields, m.role, m.groupable"
#define MESSAGE_FROM " FROM messages m JOIN rooms r ON r.rid = m.room_rid "

void message_release(struct message *m)
{
    free(m->id);
    free(m->rid);
    free(m->u_id);
    free(m->u_username);
    free(m->u_name);
    free(m->msg);
    free(m->t);
    free(m->tmid);
    free(m->replies);
    free(m->alias);
    free(m->emoji);
    free(m->avatar);
    free(m->attachments);
    free(m->mentions);
    free(m->channels);
    free(m->edited_by);
    free(m->drid);
    free(m->bot);
    free(m->custom_fields);
    free(m->role);
    memset(m, 0, sizeof(*m));
}

static void message_from_row(sqlite3_stmt *q, struct message *m)
{
    m->mid = sqlite3_column_int64(q, 0);
    m->id = store_col_dup(q, 1);
    m->room_rid = sqlite3_column_int64(q, 2);
    m->rid = store_col_dup(q, 3);
    m->ts = sqlite3_column_int64(q, 4);
    m->updated_at = sqlite3_column_int64(q, 5);
    m->u_id = store_col_dup(q, 6);
    m->u_username = store_col_dup(q, 7);
    m->u_name = store_col_dup(q, 8);
    m->msg = store_col_dup(q, 9);
    m->t = store_col_dup(q, 10);
    m->tmid = store_col_dup(q, 11);
    m->tshow = sqlite3_column_int(q, 12);
    m->tcount = sqlite3_column_int64(q, 13);
    m->tlm = sqlite3_column_int64(q, 14);
    m->replies = store_col_dup(q, 15);
    m->alias = store_col_dup(q, 16);
    m->emoji = store_col_dup(q, 17);
    m->avatar = store_col_dup(q, 18);
    m->attachments = store_col_dup(q, 19);
    m->mentions = store_col_dup(q, 20);
    m->channels = store_col_dup(q, 21);
    m->edited_at = sqlite3_column_int64(q, 22);
    m->edited_by = store_col_dup(q, 23);
    m->drid = store_col_dup(q, 24);
    m->dcount = sqlite3_column_int64(q, 25);
    m->dlm = sqlite3_column_int64(q, 26);
    m->bot = store_col_dup(q, 27);
    m->custom_fields = store_col_dup(q, 28);
    m->role = store_col_dup(q, 29);
    m->groupable = sqlite3_column_type(q, 30) == SQLITE_NULL
                       ? -1 : sqlite3_column_int(q, 30);
    if (!m->msg)
        m->msg = xstrdup("");
}

/* Bind an optional ms timestamp: 0 stores SQL NULL. */
enum err store_message_insert(struct store *st, struct message *m)
{
    static const char sql[] =
        "INSERT INTO messages (id, room_rid, ts, updated_at, u_id, "
        "u_username, u_name, msg, t, tmid, tshow, tcount, tlm, replies, "
        "alias, emoji, avatar, attachments, mentions, channels, edited_at, "
        "edited_by, drid, dcount, dlm, bot, custom_fields, role, groupable) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
        "?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, "
        "?28, ?29)";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, m->id);
    sqlite3_bind_int64(q, 2, m->room_rid);
    sqlite3_bind_int64(q, 3, m->ts);
    sqlite3_bind_int64(q, 4, m->updated_at);
    store_bind_text(q, 5, m->u_id);
    store_bind_text(q, 6, m->u_username);
    store_bind_text(q, 7, m->u_name);
    store_bind_text(q, 8, m->msg ? m->msg : "");
    store_bind_text(q, 9, m->t);
    store_bind_text(q, 10, m->tmid);
    sqlite3_bind_int(q, 11, m->tshow != 0);
    sqlite3_bind_int64(q, 12, m->tcount);
    store_bind_ms(q, 13, m->tlm);
    store_bind_text(q, 14, m->replies);
    store_bind_text(q, 15, m->alias);
    store_bind_text(q, 16, m->emoji);
    store_bind_text(q, 17, m->avatar);
    store_bind_text(q, 18, m->attachments);
    store_bind_text(q, 19, m->mentions);
    store_bind_text(q, 20, m->channels);
    store_bind_ms(q, 21, m->edited_at);
    store_bind_text(q, 22, m->edited_by);
    store_bind_text(q, 23, m->drid);
    if (m->drid)
        sqlite3_bind_int64(q, 24, m->dcount);
    else
        sqlite3_bind_null(q, 24);
    store_bind_ms(q, 25, m->dlm);
    store_bind_text(q, 26, m->bot);
    store_bind_text(q, 27, m->custom_fields);
    store_bind_text(q, 28, m->role);
    if (m->groupable < 0)
        sqlite3_bind_null(q, 29);
    else
        sqlite3_bind_int(q, 29, m->groupable != 0);
    rc = store_exec_step(st, q);
    store_done(q);
    if (!rc)
        m->mid = sqlite3_last_insert_rowid(st->db);
    return rc;
}

enum err store_message_by_id(struct store *st, const char *id,
                             struct message *out)
{
    static const char sql[] =
        "SELECT " MESSAGE_COLS MESSAGE_FROM "WHERE m.id = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, id);
    rc = store_step(st, q);
    if (!rc)
        message_from_row(q, out);
    store_done(q);
    return rc;
}

/* ERR_NOT_FOUND when a write by key touched no row. */
static enum err exec_changed(struct store *st, sqlite3_stmt *q)
{
    enum err rc = store_exec_step(st, q);

    store_done(q);
    if (!rc && sqlite3_changes(st->db) == 0)
        return ERR_NOT_FOUND;
    return rc;
}

enum err store_message_update(struct store *st, const struct message *m)
{
    static const char sql[] =
        "UPDATE messages SET t = ?2, msg = ?3, alias = ?4, emoji = ?5, "
        "avatar = ?6, attachments = ?7, mentions = ?8, channels = ?9, "
        "tshow = ?10, edited_at = ?11, edited_by = ?12, custom_fields = ?13, "
        "updated_at = ?14 WHERE mid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);

    sqlite3_bind_int64(q, 1, m->mid);
    store_bind_text(q, 2, m->t);
    store_bind_text(q, 3, m->msg ? m->msg : "");
    store_bind_text(q, 4, m->alias);
    store_bind_text(q, 5, m->emoji);
    store_bind_text(q, 6, m->avatar);
    store_bind_text(q, 7, m->attachments);
    store_bind_text(q, 8, m->mentions);
    store_bind_text(q, 9, m->channels);
    sqlite3_bind_int(q, 10, m->tshow != 0);
    store_bind_ms(q, 11, m->edited_at);
    store_bind_text(q, 12, m->edited_by);
    store_bind_text(q, 13, m->custom_fields);
    sqlite3_bind_int64(q, 14, m->updated_at);
    return exec_changed(st, q);
}

enum err store_message_delete(struct store *st, int64_t mid)
{
    static const char sql[] = "DELETE FROM messages WHERE mid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);

    sqlite3_bind_int64(q, 1, mid);
    return exec_changed(st, q);
}

/* Step q to the end, handing each row to fn as a borrowed message. */
static enum err each_message(struct store *st, sqlite3_stmt *q,
                             void (*fn)(void *arg, const struct message *m),
                             void *arg)
{
    enum err rc;

    while ((rc = store_step(st, q)) == ERR_OK) {
        struct message m = MESSAGE_INIT;

        message_from_row(q, &m);
        fn(arg, &m);
        message_release(&m);
    }
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

/* A single-value COUNT(*) query with its parameters bound. */
static enum err count_rows(struct store *st, sqlite3_stmt *q, int64_t *n)
{
    enum err rc = store_step(st, q);

    *n = rc ? 0 : sqlite3_column_int64(q, 0);
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

/*
 * The range filter shared by pages and counts. Replies hidden from the
 * room are those with a tmid and no tshow; ?5 is a JSON array of user ids
 * one of which the message must mention (NULL: no such filter).
 */
#define RANGE_WHERE \
    "WHERE m.room_rid = ?1 AND m.ts BETWEEN ?2 AND ?3 " \
    "AND (?4 OR m.tmid IS NULL OR m.tshow) " \
    "AND (?5 IS NULL OR EXISTS (SELECT 1 FROM json_each(m.mentions) j " \
    "WHERE json_extract(j.value, '$._id') IN " \
    "(SELECT value FROM json_each(?5)))) "

static void bind_range(sqlite3_stmt *q, const struct message_range *r)
{
    sqlite3_bind_int64(q, 1, r->room_rid);
    sqlite3_bind_int64(q, 2, r->oldest);
    sqlite3_bind_int64(q, 3, r->latest);
    sqlite3_bind_int(q, 4, r->with_replies != 0);
    store_bind_text(q, 5, r->mention_ids);
}

enum err store_messages_page(struct store *st, const struct message_range *r,
                             int64_t offset, int64_t count,
                             void (*fn)(void *arg, const struct message *m),
                             void *arg)
{
    /* two texts so each direction keeps its own cached plan */
    static const char desc[] =
        "SELECT " MESSAGE_COLS MESSAGE_FROM RANGE_WHERE
        "ORDER BY m.ts DESC, m.mid DESC LIMIT ?6 OFFSET ?7";
    static const char asc[] =
        "SELECT " MESSAGE_COLS MESSAGE_FROM RANGE_WHERE
        "ORDER BY m.ts, m.mid LIMIT ?6 OFFSET ?7";
    sqlite3_stmt *q = store_stmt(st, r->ascending ? asc : desc);

    bind_range(q, r);
    sqlite3_bind_int64(q, 6, count);
    sqlite3_bind_int64(q, 7, offset);
    return each_message(st, q, fn, arg);
}

enum err store_messages_count(struct store *st, const struct message_range *r,
                              int64_t *n)
{
    static const char sql[] =
        "SELECT COUNT(*) FROM messages m " RANGE_WHERE;
    sqlite3_stmt *q = store_stmt(st, sql);

    bind_range(q, r);
    return count_rows(st, q, n);
}

enum err store_message_last_visible(struct store *st, int64_t room_rid,
                                    struct message *out)
{
    static const char sql[] =
        "SELECT " MESSAGE_COLS MESSAGE_FROM
        "WHERE m.room_rid = ?1 AND m.t IS NULL "
        "AND (m.tmid IS NULL OR m.tshow) "
        "ORDER BY m.ts DESC, m.mid DESC LIMIT 1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, room_rid);
    rc = store_step(st, q);
    if (!rc)
        message_from_row(q, out);
    store_done(q);
    return rc;
}

enum err store_thread_messages(struct store *st, const char *tmid, int desc,
                               int64_t offset, int64_t count,
                               void (*fn)(void *arg, const struct message *m),
                               void *arg, int64_t *total)
{
    static const char asc_sql[] =
        "SELECT " MESSAGE_COLS MESSAGE_FROM "WHERE m.tmid = ?1 "
        "ORDER BY m.ts, m.mid LIMIT ?2 OFFSET ?3";
    static const char desc_sql[] =
        "SELECT " MESSAGE_COLS MESSAGE_FROM "WHERE m.tmid = ?1 "
        "ORDER BY m.ts DESC, m.mid DESC LIMIT ?2 OFFSET ?3";
    static const char count_sql[] =
        "SELECT COUNT(*) FROM messages WHERE tmid = ?1";
    sqlite3_stmt *q = store_stmt(st, count_sql);
    enum err rc;

    store_bind_text(q, 1, tmid);
    rc = count_rows(st, q, total);
    if (rc)
        return rc;
    q = store_stmt(st, desc ? desc_sql : asc_sql);
    store_bind_text(q, 1, tmid);
    sqlite3_bind_int64(q, 2, count);
    sqlite3_bind_int64(q, 3, offset);
    return each_message(st, q, fn, arg);
}

/*
 * text as a LIKE pattern matching it literally anywhere: \, % and _ are
 * escaped with \ (ESCAPE '\'). Caller frees.
 */
static char *like_contains(const char *text)
{
    struct buf b = BUF_INIT;

    buf_addc(&b, '%');
    for (const char *p = text; *p; p++) {
        if (*p == '\\' || *p == '%' || *p == '_')
            buf_addc(&b, '\\');
        buf_addc(&b, *p);
    }
    buf_addc(&b, '%');
    return buf_detach(&b, NULL);
}

#define THREADS_WHERE \
    "WHERE m.room_rid = ?1 AND m.tlm IS NOT NULL " \
    "AND (?2 IS NULL OR m.msg LIKE ?2 ESCAPE '\\') " \
    "AND (?3 IS NULL OR EXISTS (SELECT 1 FROM json_each(m.replies) j " \
    "WHERE j.value = ?3)) "

enum err store_threads_page(struct store *st, int64_t room_rid,
                            const char *text, const char *follower,
                            int64_t offset, int64_t count,
                            void (*fn)(void *arg, const struct message *m),
                            void *arg, int64_t *total)
{
    static const char page_sql[] =
        "SELECT " MESSAGE_COLS MESSAGE_FROM THREADS_WHERE
        "ORDER BY m.tlm DESC, m.mid DESC LIMIT ?4 OFFSET ?5";
    static const char count_sql[] =
        "SELECT COUNT(*) FROM messages m " THREADS_WHERE;
    char *pattern = text && *text ? like_contains(text) : NULL;
    sqlite3_stmt *q = store_stmt(st, count_sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, room_rid);
    store_bind_text(q, 2, pattern);
    store_bind_text(q, 3, follower);
    rc = count_rows(st, q, total);
    if (rc)
        goto out;
    q = store_stmt(st, page_sql);
    sqlite3_bind_int64(q, 1, room_rid);
    store_bind_text(q, 2, pattern);
    store_bind_text(q, 3, follower);
    sqlite3_bind_int64(q, 4, count);
    sqlite3_bind_int64(q, 5, offset);
    rc = each_message(st, q, fn, arg);
out:
    free(pattern);
    return rc;
}

/* ---- effects of a saved or deleted message ---- */

enum err store_room_count_message(struct store *st, int64_t room_rid,
                                  int delta, int64_t lm_ms,
                                  const char *last_json, int64_t now)
{
    static const char count_sql[] =
        "UPDATE rooms SET msgs = MAX(msgs + ?2, 0), updated_at = ?3 "
        "WHERE rid = ?1";
    static const char last_sql[] =
        "UPDATE rooms SET msgs = MAX(msgs + ?2, 0), updated_at = ?3, "
        "lm = ?4, last_message = ?5 WHERE rid = ?1";
    sqlite3_stmt *q = store_stmt(st, last_json ? last_sql : count_sql);

    sqlite3_bind_int64(q, 1, room_rid);
    sqlite3_bind_int(q, 2, delta);
    sqlite3_bind_int64(q, 3, now);
    if (last_json) {
        sqlite3_bind_int64(q, 4, lm_ms);
        store_bind_text(q, 5, last_json);
    }
    return exec_changed(st, q);
}

enum err store_room_set_last_message(struct store *st, int64_t room_rid,
                                     const char *last_json, int64_t now)
{
    static const char sql[] =
        "UPDATE rooms SET last_message = ?2, updated_at = ?3 WHERE rid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);

    sqlite3_bind_int64(q, 1, room_rid);
    store_bind_text(q, 2, last_json);
    sqlite3_bind_int64(q, 3, now);
    return exec_changed(st, q);
}

/*
 * Run one of the subscription updates below: ?1 the room, ?2 the member
 * (user_id as text when not NULL, else user_rid), ?3 n, ?4 now. Sets
 * *changed (when not NULL) to whether a row changed.
 */
static enum err subs_update(struct store *st, const char *sql,
                            int64_t room_rid, const char *user_id,
                            int64_t user_rid, int n, int64_t now,
                            int *changed)
{
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, room_rid);
    if (user_id)
        store_bind_text(q, 2, user_id);
    else
        sqlite3_bind_int64(q, 2, user_rid);
    sqlite3_bind_int(q, 3, n);
    sqlite3_bind_int64(q, 4, now);
    rc = store_exec_step(st, q);
    store_done(q);
    if (changed)
        *changed = !rc && sqlite3_changes(st->db) > 0;
    return rc;
}

enum err store_subs_notify(struct store *st, int64_t room_rid,
                           int64_t except_user_rid, int unread_inc,
                           int64_t now)
{
    static const char sql[] =
        "UPDATE subscriptions SET alert = 1, open = 1, "
        "unread = unread + ?3, updated_at = ?4 "
        "WHERE room_rid = ?1 AND user_rid <> ?2 "
        /* a row that would not change keeps its updated_at: in a busy
         * room most members are alerted already, and rewriting every
         * member's row made a message cost O(members) writes */
        "AND (?3 <> 0 OR alert = 0 OR open = 0)";
    return subs_update(st, sql, room_rid, NULL, except_user_rid, unread_inc,
                       now, NULL);
}

enum err store_subs_mention_user(struct store *st, int64_t room_rid,
                                 const char *user_id, int unread_inc,
                                 int64_t now, int *changed)
{
    static const char sql[] =
        "UPDATE subscriptions SET user_mentions = user_mentions + 1, "
        "unread = unread + ?3, updated_at = ?4 WHERE room_rid = ?1 "
        "AND user_rid = (SELECT rid FROM users WHERE id = ?2)";
    return subs_update(st, sql, room_rid, user_id, 0, unread_inc, now,
                       changed);
}

enum err store_subs_mention_group(struct store *st, int64_t room_rid,
                                  int64_t except_user_rid, int unread_inc,
                                  int64_t now)
{
    static const char sql[] =
        "UPDATE subscriptions SET group_mentions = group_mentions + 1, "
        "unread = unread + ?3, alert = 1, open = 1, updated_at = ?4 "
        "WHERE room_rid = ?1 AND user_rid <> ?2";
    return subs_update(st, sql, room_rid, NULL, except_user_rid, unread_inc,
                       now, NULL);
}

enum err store_subs_alert_user(struct store *st, int64_t room_rid,
                               const char *user_id, int alert, int64_t now)
{
    static const char sql[] =
        "UPDATE subscriptions SET open = 1, alert = MAX(alert, ?3), "
        "updated_at = ?4 WHERE room_rid = ?1 "
        "AND user_rid = (SELECT rid FROM users WHERE id = ?2)";
    return subs_update(st, sql, room_rid, user_id, 0, alert != 0, now, NULL);
}

enum err store_thread_reply_added(struct store *st, int64_t parent_mid,
                                  const char *replies_json, int64_t tlm_ms,
                                  int64_t now)
{
    static const char sql[] =
        "UPDATE messages SET tcount = tcount + 1, tlm = ?2, replies = ?3, "
        "updated_at = ?4 WHERE mid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);

    sqlite3_bind_int64(q, 1, parent_mid);
    sqlite3_bind_int64(q, 2, tlm_ms);
    store_bind_text(q, 3, replies_json);
    sqlite3_bind_int64(q, 4, now);
    return exec_changed(st, q);
}

enum err store_thread_reply_removed(struct store *st, const char *tmid,
                                    int64_t now)
{
    static const char sql[] =
        "UPDATE messages SET tcount = MAX(tcount - 1, 0), updated_at = ?2 "
        "WHERE id = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, tmid);
    sqlite3_bind_int64(q, 2, now);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}

/* ---- discussions ---- */

enum err store_discussion_link(struct store *st, int64_t room_rid,
                               int64_t prid, const char *pmid)
{
    static const char sql[] =
        "INSERT INTO discussions (room_rid, prid, pmid) VALUES (?1, ?2, ?3)";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, room_rid);
    sqlite3_bind_int64(q, 2, prid);
    store_bind_text(q, 3, pmid);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}

enum err store_discussion_by_pmid(struct store *st, int64_t prid,
                                  const char *pmid, int64_t *room_rid)
{
    static const char sql[] =
        "SELECT room_rid FROM discussions WHERE prid = ?1 AND pmid = ?2 "
        "ORDER BY room_rid LIMIT 1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, prid);
    store_bind_text(q, 2, pmid);
    rc = store_step(st, q);
    *room_rid = rc ? 0 : sqlite3_column_int64(q, 0);
    store_done(q);
    return rc;
}

enum err store_discussion_touch(struct store *st, const char *drid,
                                int64_t dcount, int64_t dlm, int64_t now)
{
    static const char sql[] =
        "UPDATE messages SET dcount = ?2, dlm = ?3, updated_at = ?4 "
        "WHERE drid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, drid);
    sqlite3_bind_int64(q, 2, dcount);
    sqlite3_bind_int64(q, 3, dlm);
    sqlite3_bind_int64(q, 4, now);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}

enum err store_discussions_page(struct store *st, int64_t prid,
                                int64_t offset, int64_t count,
                                void (*fn)(void *arg, int64_t room_rid),
                                void *arg, int64_t *total)
{
    static const char count_sql[] =
        "SELECT COUNT(*) FROM rooms WHERE prid = ?1";
    static const char page_sql[] =
        "SELECT rid FROM rooms WHERE prid = ?1 ORDER BY fname, rid "
        "LIMIT ?2 OFFSET ?3";
    sqlite3_stmt *q = store_stmt(st, count_sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, prid);
    rc = count_rows(st, q, total);
    if (rc)
        return rc;
    q = store_stmt(st, page_sql);
    sqlite3_bind_int64(q, 1, prid);
    sqlite3_bind_int64(q, 2, count);
    sqlite3_bind_int64(q, 3, offset);
    /* collect first: fn may run other statements on this connection */
    {
        int64_t *rids = NULL;
        size_t n = 0, cap = 0;

        while ((rc = store_step(st, q)) == ERR_OK) {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                rids = xrealloc(rids, cap * sizeof(*rids));
            }
            rids[n++] = sqlite3_column_int64(q, 0);
        }
        store_done(q);
        if (rc == ERR_NOT_FOUND) {
            rc = ERR_OK;
            for (size_t i = 0; i < n; i++)
                fn(arg, rids[i]);
        }
        free(rids);
    }
    return rc;
}

enum err store_message_ids_of_user(struct store *st, const char *user_id,
                                   size_t max, char **ids, size_t *n)
{
    /* "rm" placeholders stay behind for threads; they are not the user's text */
    static const char sql[] =
        "SELECT id FROM messages WHERE u_id = ?1 AND (t IS NULL OR t <> 'rm') "
        "ORDER BY mid LIMIT ?2";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc = ERR_NOT_FOUND;

    *n = 0;
    store_bind_text(q, 1, user_id);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)max);
    while (*n < max && (rc = store_step(st, q)) == ERR_OK)
        ids[(*n)++] = store_col_dup(q, 0);
    store_done(q);
    return rc == ERR_NOT_FOUND || *n == max ? ERR_OK : rc;
}

enum err store_messages_unlink_user(struct store *st, const char *user_id,
                                    const char *alias)
{
    static const char sql[] =
        "UPDATE messages SET u_id = 'rocket.cat', u_username = 'rocket.cat', "
        "u_name = 'Rocket.Cat', alias = ?2 WHERE u_id = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, user_id);
    store_bind_text(q, 2, alias);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}
