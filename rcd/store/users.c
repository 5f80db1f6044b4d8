/* Users, their global roles, and login tokens. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/xalloc.h"
#include "store_int.h"

#define USER_COLS \
    "rid, id, username, name, email, email_verified, type, active, status, " \
    "password, require_password_change, utc_offset, created_at, updated_at, " \
    "last_login, nickname, bio, status_text, status_default, " \
    "inactive_reason, custom_fields, language, totp_enabled"

void user_release(struct user *u)
{
    free(u->id);
    free(u->username);
    free(u->name);
    free(u->email);
    free(u->type);
    free(u->status);
    free(u->password);
    free(u->nickname);
    free(u->bio);
    free(u->status_text);
    free(u->status_default);
    free(u->inactive_reason);
    free(u->custom_fields);
    free(u->language);
    for (size_t i = 0; i < u->nroles; i++)
        free(u->roles[i]);
    memset(u, 0, sizeof(*u));
}

int user_has_role(const struct user *u, const char *role)
{
    for (size_t i = 0; i < u->nroles; i++)
        if (strcmp(u->roles[i], role) == 0)
            return 1;
    return 0;
}

static void user_from_row(sqlite3_stmt *q, struct user *u)
{
    u->rid = sqlite3_column_int64(q, 0);
    u->id = store_col_dup(q, 1);
    u->username = store_col_dup(q, 2);
    u->name = store_col_dup(q, 3);
    u->email = store_col_dup(q, 4);
    u->email_verified = sqlite3_column_int(q, 5);
    u->type = store_col_dup(q, 6);
    u->active = sqlite3_column_int(q, 7);
    u->status = store_col_dup(q, 8);
    u->password = store_col_dup(q, 9);
    u->require_password_change = sqlite3_column_int(q, 10);
    u->utc_offset = sqlite3_column_double(q, 11);
    u->created_at = sqlite3_column_int64(q, 12);
    u->updated_at = sqlite3_column_int64(q, 13);
    u->last_login = sqlite3_column_int64(q, 14);
    u->nickname = store_col_dup(q, 15);
    u->bio = store_col_dup(q, 16);
    u->status_text = store_col_dup(q, 17);
    u->status_default = store_col_dup(q, 18);
    u->inactive_reason = store_col_dup(q, 19);
    u->custom_fields = store_col_dup(q, 20);
    u->language = store_col_dup(q, 21);
    u->totp_enabled = sqlite3_column_int(q, 22);
}

static enum err load_roles(struct store *st, struct user *u)
{
    static const char sql[] =
        "SELECT role FROM user_roles WHERE user_rid = ?1 ORDER BY role";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, u->rid);
    while ((rc = store_step(st, q)) == ERR_OK) {
        if (u->nroles < USER_MAX_ROLES)
            u->roles[u->nroles++] = store_col_dup(q, 0);
    }
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

/* Run a one-row user query whose parameter 1 is already bound. */
static enum err user_fetch(struct store *st, sqlite3_stmt *q, struct user *out)
{
    enum err rc = store_step(st, q);

    if (rc == ERR_OK)
        user_from_row(q, out);
    store_done(q);
    if (rc == ERR_OK) {
        rc = load_roles(st, out);
        if (rc)
            user_release(out);
    }
    return rc;
}

enum err store_user_by_id(struct store *st, const char *id, struct user *out)
{
    static const char sql[] = "SELECT " USER_COLS " FROM users WHERE id = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);

    store_bind_text(q, 1, id);
    return user_fetch(st, q, out);
}

enum err store_user_by_rid(struct store *st, int64_t rid, struct user *out)
{
    static const char sql[] = "SELECT " USER_COLS " FROM users WHERE rid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);

    sqlite3_bind_int64(q, 1, rid);
    return user_fetch(st, q, out);
}

enum err store_user_by_username(struct store *st, const char *username,
                                struct user *out)
{
    static const char sql[] =
        "SELECT " USER_COLS " FROM users WHERE username = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);

    store_bind_text(q, 1, username);
    return user_fetch(st, q, out);
}

enum err store_user_by_email(struct store *st, const char *email,
                             struct user *out)
{
    static const char sql[] = "SELECT " USER_COLS " FROM users WHERE email = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);

    store_bind_text(q, 1, email);
    return user_fetch(st, q, out);
}

/* Replace the user's global roles with u->roles (inside a transaction). */
static enum err write_roles(struct store *st, const struct user *u)
{
    static const char del_roles[] =
        "DELETE FROM user_roles WHERE user_rid = ?1";
    static const char add_role[] =
        "INSERT OR IGNORE INTO user_roles (user_rid, role) VALUES (?1, ?2)";
    sqlite3_stmt *q = store_stmt(st, del_roles);
    enum err rc;

    sqlite3_bind_int64(q, 1, u->rid);
    rc = store_exec_step(st, q);
    store_done(q);
    q = store_stmt(st, add_role);
    for (size_t i = 0; !rc && i < u->nroles; i++) {
        sqlite3_bind_int64(q, 1, u->rid);
        store_bind_text(q, 2, u->roles[i]);
        rc = store_exec_step(st, q);
        store_done(q);
    }
    return rc;
}

enum err store_user_insert(struct store *st, struct user *u)
{
    static const char sql[] =
        "INSERT INTO users (id, username, name, email, email_verified, type, "
        "active, status, password, require_password_change, utc_offset, "
        "created_at, updated_at, nickname, bio, status_text, custom_fields, "
        "inactive_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
        "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";
    sqlite3_stmt *q;
    enum err rc;

    rc = store_begin(st);
    if (rc)
        return rc;
    q = store_stmt(st, sql);
    store_bind_text(q, 1, u->id);
    store_bind_text(q, 2, u->username);
    store_bind_text(q, 3, u->name ? u->name : "");
    store_bind_text(q, 4, u->email);
    sqlite3_bind_int(q, 5, u->email_verified);
    store_bind_text(q, 6, u->type ? u->type : "user");
    sqlite3_bind_int(q, 7, u->active);
    store_bind_text(q, 8, u->status ? u->status : "offline");
    store_bind_text(q, 9, u->password);
    sqlite3_bind_int(q, 10, u->require_password_change);
    sqlite3_bind_double(q, 11, u->utc_offset);
    sqlite3_bind_int64(q, 12, u->created_at);
    sqlite3_bind_int64(q, 13, u->updated_at);
    store_bind_text(q, 14, u->nickname);
    store_bind_text(q, 15, u->bio);
    store_bind_text(q, 16, u->status_text ? u->status_text : "");
    store_bind_text(q, 17, u->custom_fields);
    store_bind_text(q, 18, u->inactive_reason);
    rc = store_exec_step(st, q);
    store_done(q);
    if (rc)
        goto fail;
    u->rid = sqlite3_last_insert_rowid(st->db);
    rc = write_roles(st, u);
    if (rc)
        goto fail;
    return store_commit(st);
fail:
    store_rollback(st);
    return rc;
}

enum err store_users_with_role(struct store *st, const char *role,
                               int active_only, int64_t *count)
{
    static const char sql[] =
        "SELECT count(*) FROM user_roles r JOIN users u ON u.rid = r.user_rid "
        "WHERE r.role = ?1 AND (?2 = 0 OR u.active = 1)";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, role);
    sqlite3_bind_int(q, 2, active_only);
    rc = store_step(st, q);
    *count = rc ? 0 : sqlite3_column_int64(q, 0);
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_IO : rc;
}

enum err store_user_set_last_login(struct store *st, int64_t rid, int64_t ms)
{
    static const char sql[] =
        "UPDATE users SET last_login = ?2 WHERE rid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, rid);
    sqlite3_bind_int64(q, 2, ms);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}

enum err store_user_save(struct store *st, const struct user *u)
{
    static const char sql[] =
        "UPDATE users SET username = ?2, name = ?3, email = ?4, "
        "email_verified = ?5, status = ?6, status_default = ?7, "
        "status_text = ?8, password = ?9, require_password_change = ?10, "
        "nickname = ?11, bio = ?12, custom_fields = ?13, language = ?14, "
        "updated_at = ?15 WHERE rid = ?1";
    sqlite3_stmt *q;
    enum err rc;

    rc = store_begin(st);
    if (rc)
        return rc;
    q = store_stmt(st, sql);
    sqlite3_bind_int64(q, 1, u->rid);
    store_bind_text(q, 2, u->username);
    store_bind_text(q, 3, u->name ? u->name : "");
    store_bind_text(q, 4, u->email);
    sqlite3_bind_int(q, 5, u->email_verified);
    store_bind_text(q, 6, u->status ? u->status : "offline");
    store_bind_text(q, 7, u->status_default ? u->status_default : "online");
    store_bind_text(q, 8, u->status_text ? u->status_text : "");
    store_bind_text(q, 9, u->password);
    sqlite3_bind_int(q, 10, u->require_password_change);
    store_bind_text(q, 11, u->nickname);
    store_bind_text(q, 12, u->bio);
    store_bind_text(q, 13, u->custom_fields);
    store_bind_text(q, 14, u->language);
    sqlite3_bind_int64(q, 15, u->updated_at);
    rc = store_exec_step(st, q);
    store_done(q);
    if (!rc && sqlite3_changes(st->db) == 0)
        rc = ERR_NOT_FOUND;
    if (rc)
        goto fail;
    rc = write_roles(st, u);
    if (rc)
        goto fail;
    return store_commit(st);
fail:
    store_rollback(st);
    return rc;
}

enum err store_user_set_active(struct store *st, int64_t rid, int active,
                               const char *reason, int64_t now)
{
    static const char sql[] =
        "UPDATE users SET active = ?2, inactive_reason = ?3, updated_at = ?4 "
        "WHERE rid = ?1";
    sqlite3_stmt *q;
    enum err rc;

    rc = store_begin(st);
    if (rc)
        return rc;
    q = store_stmt(st, sql);
    sqlite3_bind_int64(q, 1, rid);
    sqlite3_bind_int(q, 2, active != 0);
    store_bind_text(q, 3, reason);
    sqlite3_bind_int64(q, 4, now);
    rc = store_exec_step(st, q);
    store_done(q);
    if (!rc && sqlite3_changes(st->db) == 0)
        rc = ERR_NOT_FOUND;
    /* a deactivated user keeps no way in: sessions and PATs alike */
    if (!rc && !active)
        rc = store_tokens_remove_all(st, rid);
    if (rc) {
        store_rollback(st);
        return rc;
    }
    return store_commit(st);
}

enum err store_users_deactivate_idle(struct store *st, const char *role,
                                     int64_t cutoff_ms, int64_t now,
                                     int64_t *count)
{
    /*
     * Both statements select the same users: active, holding role, and
     * idle since cutoff (last login at or before it, or no login at all
     * and created at or before it). Tokens go first, while the users are
     * still active and so still selected.
     */
    static const char del_tokens[] =
        "DELETE FROM tokens WHERE user_rid IN (SELECT u.rid FROM users u "
        "JOIN user_roles r ON r.user_rid = u.rid WHERE r.role = ?1 "
        "AND u.active = 1 AND (u.last_login <= ?2 OR "
        "(u.last_login IS NULL AND u.created_at <= ?2)))";
    static const char deactivate[] =
        "UPDATE users SET active = 0, inactive_reason = 'idle_too_long', "
        "updated_at = ?3 WHERE active = 1 AND rid IN (SELECT user_rid FROM "
        "user_roles WHERE role = ?1) AND (last_login <= ?2 OR "
        "(last_login IS NULL AND created_at <= ?2))";
    sqlite3_stmt *q;
    enum err rc;

    *count = 0;
    rc = store_begin(st);
    if (rc)
        return rc;
    q = store_stmt(st, del_tokens);
    store_bind_text(q, 1, role);
    sqlite3_bind_int64(q, 2, cutoff_ms);
    rc = store_exec_step(st, q);
    store_done(q);
    if (rc)
        goto fail;
    q = store_stmt(st, deactivate);
    store_bind_text(q, 1, role);
    sqlite3_bind_int64(q, 2, cutoff_ms);
    sqlite3_bind_int64(q, 3, now);
    rc = store_exec_step(st, q);
    store_done(q);
    if (rc)
        goto fail;
    *count = sqlite3_changes(st->db);
    return store_commit(st);
fail:
    store_rollback(st);
    return rc;
}

enum err store_user_delete(struct store *st, int64_t rid)
{
    /*
     * Everything a user owns goes with them, here and only here. When rooms
     * arrive, this transaction also takes, in this order: the single-owner
     * check (RC's user-last-owner, done by the caller before calling),
     * the user's messages and uploads per Message_ErasureType (Delete
     * removes them, Unlink re-attributes them to rocket.cat, Keep leaves
     * them), their reactions, DMs with them, and their subscriptions.
     */
    static const char del_tokens[] = "DELETE FROM tokens WHERE user_rid = ?1";
    static const char del_roles[] =
        "DELETE FROM user_roles WHERE user_rid = ?1";
    static const char del_user[] = "DELETE FROM users WHERE rid = ?1";
    const char *const steps[] = { del_tokens, del_roles, del_user };
    enum err rc;

    rc = store_begin(st);
    if (rc)
        return rc;
    for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
        sqlite3_stmt *q = store_stmt(st, steps[i]);

        sqlite3_bind_int64(q, 1, rid);
        rc = store_exec_step(st, q);
        store_done(q);
        if (rc)
            goto fail;
    }
    if (sqlite3_changes(st->db) == 0) {
        rc = ERR_NOT_FOUND;
        goto fail;
    }
    return store_commit(st);
fail:
    store_rollback(st);
    return rc;
}

/*
 * One statement per order and direction, all static text: the ORDER BY is
 * chosen from this table, never built from input. Every order ends in the
 * row id, which each index carries, so a page needs no sort step.
 */
#define PAGE_SQL(order) \
    "SELECT " USER_COLS " FROM users ORDER BY " order " LIMIT ?1 OFFSET ?2"
static const char *const page_sql[USER_SORT_COUNT][2] = {
    [USER_SORT_USERNAME] = { PAGE_SQL("username ASC, rid ASC"),
                             PAGE_SQL("username DESC, rid DESC") },
    [USER_SORT_NAME] = { PAGE_SQL("name COLLATE NOCASE ASC, rid ASC"),
                         PAGE_SQL("name COLLATE NOCASE DESC, rid DESC") },
    [USER_SORT_CREATED_AT] = { PAGE_SQL("created_at ASC, rid ASC"),
                               PAGE_SQL("created_at DESC, rid DESC") },
    [USER_SORT_LAST_LOGIN] = { PAGE_SQL("last_login ASC, rid ASC"),
                               PAGE_SQL("last_login DESC, rid DESC") },
    [USER_SORT_STATUS] = { PAGE_SQL("status ASC, active ASC, rid ASC"),
                           PAGE_SQL("status DESC, active DESC, rid DESC") },
    [USER_SORT_ACTIVE] = { PAGE_SQL("active ASC, rid ASC"),
                           PAGE_SQL("active DESC, rid DESC") },
    [USER_SORT_TYPE] = { PAGE_SQL("type ASC, rid ASC"),
                         PAGE_SQL("type DESC, rid DESC") },
    [USER_SORT_ID] = { PAGE_SQL("id ASC"), PAGE_SQL("id DESC") },
};

enum err store_users_page(struct store *st, enum user_sort by, int desc,
                          int64_t offset, int64_t count,
                          void (*fn)(void *arg, const struct user *u),
                          void *arg)
{
    sqlite3_stmt *q;
    enum err rc;

    if ((unsigned)by >= USER_SORT_COUNT)
        BUG("bad user sort %d", (int)by);
    q = store_stmt(st, page_sql[by][desc != 0]);
    sqlite3_bind_int64(q, 1, count > 0 ? count : -1);
    sqlite3_bind_int64(q, 2, offset);
    while ((rc = store_step(st, q)) == ERR_OK) {
        struct user u = USER_INIT;

        user_from_row(q, &u);
        rc = load_roles(st, &u);
        if (!rc)
            fn(arg, &u);
        user_release(&u);
        if (rc)
            break;
    }
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

enum err store_users_count(struct store *st, int64_t *total)
{
    static const char sql[] = "SELECT count(*) FROM users";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    rc = store_step(st, q);
    *total = rc ? 0 : sqlite3_column_int64(q, 0);
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_IO : rc;
}

enum err store_token_add(struct store *st, int64_t user_rid, const char *hash,
                         int64_t created_at)
{
    static const char sql[] =
        "INSERT INTO tokens (hash, user_rid, created_at) VALUES (?1, ?2, ?3)";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, hash);
    sqlite3_bind_int64(q, 2, user_rid);
    sqlite3_bind_int64(q, 3, created_at);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}

static void token_from_row(sqlite3_stmt *q, struct token_info *out)
{
    const unsigned char *client = sqlite3_column_text(q, 5);

    out->user_rid = sqlite3_column_int64(q, 0);
    out->created_at = sqlite3_column_int64(q, 1);
    out->is_pat = strcmp((const char *)sqlite3_column_text(q, 2), "pat") == 0;
    out->bypass_2fa = sqlite3_column_int(q, 3);
    out->twofa_until = sqlite3_column_int64(q, 4);
    snprintf(out->twofa_client, sizeof(out->twofa_client), "%s",
             client ? (const char *)client : "");
}

enum err store_token_check(struct store *st, const char *user_id,
                           const char *hash, struct token_info *out)
{
    static const char sql[] =
        "SELECT t.user_rid, t.created_at, t.kind, t.bypass_2fa, "
        "t.twofa_until, t.twofa_client FROM tokens t JOIN users u ON u.rid = t.user_rid "
        "WHERE t.hash = ?1 AND u.id = ?2";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, hash);
    store_bind_text(q, 2, user_id);
    rc = store_step(st, q);
    if (rc == ERR_OK)
        token_from_row(q, out);
    store_done(q);
    return rc;
}

enum err store_token_find(struct store *st, const char *hash,
                          struct token_info *out)
{
    static const char sql[] =
        "SELECT user_rid, created_at, kind, bypass_2fa, twofa_until, "
        "twofa_client FROM tokens WHERE hash = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, hash);
    rc = store_step(st, q);
    if (rc == ERR_OK)
        token_from_row(q, out);
    store_done(q);
    return rc;
}

enum err store_token_remove(struct store *st, const char *hash)
{
    static const char sql[] = "DELETE FROM tokens WHERE hash = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, hash);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}
