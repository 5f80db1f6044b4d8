/*
 * Personal access tokens, remembered 2FA per token, TOTP secrets and the
 * failed-login counters. Tokens are stored only as base64(sha256(token)).
 */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

enum err store_tokens_remove_all(struct store *st, int64_t user_rid)
{
    static const char sql[] = "DELETE FROM tokens WHERE user_rid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, user_rid);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}

enum err store_token_set_twofa(struct store *st, const char *hash,
                               int64_t until_ms, const char *client)
{
    static const char sql[] =
        "UPDATE tokens SET twofa_until = ?2, twofa_client = ?3 WHERE hash = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, hash);
    sqlite3_bind_int64(q, 2, until_ms);
    store_bind_text(q, 3, client);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}

enum err store_pat_add(struct store *st, int64_t user_rid, const char *hash,
                       const char *name, const char *last_part,
                       int bypass_2fa, int64_t now)
{
    static const char sql[] =
        "INSERT INTO tokens (hash, user_rid, created_at, kind, name, "
        "last_part, bypass_2fa) VALUES (?1, ?2, ?3, 'pat', ?4, ?5, ?6)";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, hash);
    sqlite3_bind_int64(q, 2, user_rid);
    sqlite3_bind_int64(q, 3, now);
    store_bind_text(q, 4, name);
    store_bind_text(q, 5, last_part);
    sqlite3_bind_int(q, 6, bypass_2fa);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}

enum err store_pat_remove(struct store *st, int64_t user_rid, const char *name)
{
    static const char sql[] =
        "DELETE FROM tokens WHERE user_rid = ?1 AND kind = 'pat' AND name = ?2";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, user_rid);
    store_bind_text(q, 2, name);
    rc = store_exec_step(st, q);
    store_done(q);
    if (rc == ERR_OK && sqlite3_changes(sqlite3_db_handle(q)) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

enum err store_pat_get(struct store *st, int64_t user_rid, const char *name,
                       int *bypass_2fa)
{
    static const char sql[] =
        "SELECT bypass_2fa FROM tokens "
        "WHERE user_rid = ?1 AND kind = 'pat' AND name = ?2";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, user_rid);
    store_bind_text(q, 2, name);
    rc = store_step(st, q);
    if (rc == ERR_OK)
        *bypass_2fa = sqlite3_column_int(q, 0);
    store_done(q);
    return rc;
}

enum err store_pat_each(struct store *st, int64_t user_rid,
                        void (*fn)(void *arg, const struct pat_info *p),
                        void *arg)
{
    static const char sql[] =
        "SELECT name, created_at, last_part, bypass_2fa FROM tokens "
        "WHERE user_rid = ?1 AND kind = 'pat' ORDER BY created_at, name";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, user_rid);
    while ((rc = store_step(st, q)) == ERR_OK) {
        struct pat_info p;
        const unsigned char *lp = sqlite3_column_text(q, 2);

        p.name = (char *)sqlite3_column_text(q, 0);
        p.created_at = sqlite3_column_int64(q, 1);
        snprintf(p.last_part, sizeof(p.last_part), "%s",
                 lp ? (const char *)lp : "");
        p.bypass_2fa = sqlite3_column_int(q, 3);
        fn(arg, &p);
    }
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

void totp_state_release(struct totp_state *t)
{
    if (t->secret) {
        memset(t->secret, 0, strlen(t->secret));
        free(t->secret);
    }
    free(t->backup);
    memset(t, 0, sizeof(*t));
}

enum err store_totp_get(struct store *st, int64_t user_rid,
                        struct totp_state *out)
{
    static const char sql[] =
        "SELECT totp_secret, totp_enabled, totp_backup FROM users "
        "WHERE rid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    memset(out, 0, sizeof(*out));
    sqlite3_bind_int64(q, 1, user_rid);
    rc = store_step(st, q);
    if (rc == ERR_OK) {
        out->secret = store_col_dup(q, 0);
        out->enabled = sqlite3_column_int(q, 1);
        out->backup = store_col_dup(q, 2);
    }
    store_done(q);
    return rc;
}

enum err store_totp_set(struct store *st, int64_t user_rid,
                        const struct totp_state *t)
{
    static const char sql[] =
        "UPDATE users SET totp_secret = ?2, totp_enabled = ?3, "
        "totp_backup = ?4 WHERE rid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, user_rid);
    store_bind_text(q, 2, t->secret);
    sqlite3_bind_int(q, 3, t->secret ? t->enabled : 0);
    store_bind_text(q, 4, t->secret ? t->backup : NULL);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}

enum err store_login_failure(struct store *st, const char *key, int64_t now,
                             int64_t window_ms, int64_t limit,
                             int64_t block_ms)
{
    /* a failure outside the window starts a new count */
    static const char sql[] =
        "INSERT INTO login_failures (key, count, first_at, blocked_until) "
        "VALUES (?1, 1, ?2, CASE WHEN ?4 <= 1 THEN ?2 + ?5 ELSE 0 END) "
        "ON CONFLICT(key) DO UPDATE SET "
        "count = CASE WHEN first_at < ?2 - ?3 THEN 1 ELSE count + 1 END, "
        "first_at = CASE WHEN first_at < ?2 - ?3 THEN ?2 ELSE first_at END, "
        "blocked_until = CASE WHEN (CASE WHEN first_at < ?2 - ?3 THEN 1 "
        "ELSE count + 1 END) >= ?4 THEN ?2 + ?5 ELSE blocked_until END";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, key);
    sqlite3_bind_int64(q, 2, now);
    sqlite3_bind_int64(q, 3, window_ms);
    sqlite3_bind_int64(q, 4, limit);
    sqlite3_bind_int64(q, 5, block_ms);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}

enum err store_login_blocked(struct store *st, const char *key, int64_t now,
                             int64_t *until)
{
    static const char sql[] =
        "SELECT blocked_until FROM login_failures WHERE key = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    *until = 0;
    store_bind_text(q, 1, key);
    rc = store_step(st, q);
    if (rc == ERR_OK && sqlite3_column_int64(q, 0) > now)
        *until = sqlite3_column_int64(q, 0);
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

enum err store_login_reset(struct store *st, const char *key)
{
    static const char sql[] = "DELETE FROM login_failures WHERE key = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, key);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}
