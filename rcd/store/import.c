/*
 * Bulk loading for rcd import-mongodump: rows written as another server
 * had them (ids, counters and timestamps kept), inside the importer's one
 * transaction. Nothing here opens a transaction of its own, so a record
 * refused for a uniqueness rule (ERR_EXISTS) undoes only its own statement
 * and the import goes on.
 */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* Bind an optional ms timestamp or counter: 0 stores SQL NULL. */
static enum err count_rows(struct store *st, const char *sql, int64_t *n)
{
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc = store_step(st, q);

    *n = rc ? 0 : sqlite3_column_int64(q, 0);
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_IO : rc;
}

enum err store_import_counts(struct store *st, int64_t *users, int64_t *rooms)
{
    static const char users_sql[] = "SELECT count(*) FROM users";
    static const char rooms_sql[] = "SELECT count(*) FROM rooms";
    enum err rc = count_rows(st, users_sql, users);

    return rc ? rc : count_rows(st, rooms_sql, rooms);
}

enum err store_import_user(struct store *st, struct user *u,
                           const struct totp_state *totp)
{
    static const char sql[] =
        "INSERT INTO users (id, username, name, email, email_verified, type, "
        "active, status, password, require_password_change, utc_offset, "
        "created_at, updated_at, last_login, nickname, bio, status_text, "
        "status_default, inactive_reason, custom_fields, language, "
        "totp_secret, totp_enabled, totp_backup) VALUES (?1, ?2, ?3, ?4, ?5, "
        "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
        "?20, ?21, ?22, ?23, ?24)";
    static const char role_sql[] =
        "INSERT OR IGNORE INTO user_roles (user_rid, role) VALUES (?1, ?2)";
    sqlite3_stmt *q = store_stmt(st, sql);
    const char *secret = totp ? totp->secret : NULL;
    enum err rc;

    store_bind_text(q, 1, u->id);
    store_bind_text(q, 2, u->username);
    store_bind_text(q, 3, u->name ? u->name : "");
    store_bind_text(q, 4, u->email);
    sqlite3_bind_int(q, 5, u->email_verified != 0);
    store_bind_text(q, 6, u->type ? u->type : "user");
    sqlite3_bind_int(q, 7, u->active != 0);
    store_bind_text(q, 8, u->status ? u->status : "offline");
    store_bind_text(q, 9, u->password);
    sqlite3_bind_int(q, 10, u->require_password_change != 0);
    sqlite3_bind_double(q, 11, u->utc_offset);
    sqlite3_bind_int64(q, 12, u->created_at);
    sqlite3_bind_int64(q, 13, u->updated_at);
    store_bind_ms(q, 14, u->last_login);
    store_bind_text(q, 15, u->nickname);
    store_bind_text(q, 16, u->bio);
    store_bind_text(q, 17, u->status_text ? u->status_text : "");
    store_bind_text(q, 18, u->status_default ? u->status_default : "online");
    store_bind_text(q, 19, u->inactive_reason);
    store_bind_text(q, 20, u->custom_fields);
    store_bind_text(q, 21, u->language);
    store_bind_text(q, 22, secret);
    sqlite3_bind_int(q, 23, secret && totp->enabled);
    store_bind_text(q, 24, secret ? totp->backup : NULL);
    rc = store_exec_step(st, q);
    store_done(q);
    if (rc)
        return rc;
    u->rid = sqlite3_last_insert_rowid(st->db);
    q = store_stmt(st, role_sql);
    for (size_t i = 0; !rc && i < u->nroles; i++) {
        sqlite3_bind_int64(q, 1, u->rid);
        store_bind_text(q, 2, u->roles[i]);
        rc = store_exec_step(st, q);
        store_done(q);
    }
    return rc;
}

enum err store_import_room_parent(struct store *st, int64_t room_rid,
                                  int64_t prid)
{
    static const char sql[] = "UPDATE rooms SET prid = ?2 WHERE rid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, room_rid);
    sqlite3_bind_int64(q, 2, prid);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}

enum err store_import_sub(struct store *st, struct subscription *s)
{
    static const char sql[] =
        "INSERT INTO subscriptions (id, room_rid, user_rid, roles, ts, ls, "
        "updated_at, open, alert, unread, user_mentions, group_mentions, "
        "archived, desktop, desktop_origin, mobile, mobile_origin, email, "
        "email_origin, audio, disable_notifications, mute_group_mentions, "
        "hide_unread, hide_mention, unread_alert) VALUES (?1, ?2, ?3, ?4, "
        "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
        "?19, ?20, ?21, ?22, ?23, ?24, ?25)";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, s->id);
    sqlite3_bind_int64(q, 2, s->room_rid);
    sqlite3_bind_int64(q, 3, s->user_rid);
    store_bind_text(q, 4, s->roles);
    sqlite3_bind_int64(q, 5, s->ts);
    store_bind_ms(q, 6, s->ls);
    sqlite3_bind_int64(q, 7, s->updated_at);
    sqlite3_bind_int(q, 8, s->open != 0);
    sqlite3_bind_int(q, 9, s->alert != 0);
    sqlite3_bind_int64(q, 10, s->unread);
    sqlite3_bind_int64(q, 11, s->user_mentions);
    sqlite3_bind_int64(q, 12, s->group_mentions);
    sqlite3_bind_int(q, 13, s->archived != 0);
    store_bind_text(q, 14, s->desktop);
    store_bind_text(q, 15, s->desktop_origin);
    store_bind_text(q, 16, s->mobile);
    store_bind_text(q, 17, s->mobile_origin);
    store_bind_text(q, 18, s->email);
    store_bind_text(q, 19, s->email_origin);
    store_bind_text(q, 20, s->audio);
    sqlite3_bind_int(q, 21, s->disable_notifications != 0);
    sqlite3_bind_int(q, 22, s->mute_group_mentions != 0);
    sqlite3_bind_int(q, 23, s->hide_unread != 0);
    sqlite3_bind_int(q, 24, s->hide_mention != 0);
    store_bind_text(q, 25, s->unread_alert);
    rc = store_exec_step(st, q);
    store_done(q);
    if (!rc)
        s->sid = sqlite3_last_insert_rowid(st->db);
    return rc;
}

enum err store_import_message(struct store *st, struct message *m)
{
    /* every column, thread and discussion counters included */
    return store_message_insert(st, m);
}

enum err store_import_recount(struct store *st)
{
    /* one pass over each index: the counters as rcd itself keeps them */
    static const char sql[] =
        "UPDATE rooms SET msgs = (SELECT count(*) FROM messages m "
        "WHERE m.room_rid = rooms.rid), "
        "users_count = (SELECT count(*) FROM subscriptions s "
        "WHERE s.room_rid = rooms.rid), "
        "lm = coalesce((SELECT max(ts) FROM messages m "
        "WHERE m.room_rid = rooms.rid), lm)";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc = store_exec_step(st, q);

    store_done(q);
    return rc;
}

enum err store_import_last_message(struct store *st, int64_t room_rid,
                                   const char *last_json)
{
    static const char sql[] =
        "UPDATE rooms SET last_message = ?2 WHERE rid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, room_rid);
    store_bind_text(q, 2, last_json);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}
