/*
 * Incoming webhook integrations. The token is stored as Rocket.Chat
 * stores it (in clear, shown by integrations.get/list); lookups go by id
 * only, and /hooks compares the token itself in constant time.
 */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "../../shared/xalloc.h"
#include "store_int.h"

#define INTEGRATION_COLS                                                     \
    "rid, id, type, name, enabled, token, user_id, username, channel, "      \
    "alias, emoji, avatar, script_enabled, script, script_engine, "          \
    "override_dest, created_at, updated_at, created_by_id, "                 \
    "created_by_username"

void integration_release(struct integration *in)
{
    free(in->id);
    free(in->type);
    free(in->name);
    free(in->token);
    free(in->user_id);
    free(in->username);
    free(in->channel);
    free(in->alias);
    free(in->emoji);
    free(in->avatar);
    free(in->script);
    free(in->script_engine);
    free(in->created_by_id);
    free(in->created_by_username);
    memset(in, 0, sizeof(*in));
}

static void integration_from_row(sqlite3_stmt *q, struct integration *out)
{
    out->rid = sqlite3_column_int64(q, 0);
    out->id = store_col_dup(q, 1);
    out->type = store_col_dup(q, 2);
    out->name = store_col_dup(q, 3);
    out->enabled = sqlite3_column_int(q, 4);
    out->token = store_col_dup(q, 5);
    out->user_id = store_col_dup(q, 6);
    out->username = store_col_dup(q, 7);
    out->channel = store_col_dup(q, 8);
    out->alias = store_col_dup(q, 9);
    out->emoji = store_col_dup(q, 10);
    out->avatar = store_col_dup(q, 11);
    out->script_enabled = sqlite3_column_int(q, 12);
    out->script = store_col_dup(q, 13);
    out->script_engine = store_col_dup(q, 14);
    out->override_dest = sqlite3_column_int(q, 15);
    out->created_at = sqlite3_column_int64(q, 16);
    out->updated_at = sqlite3_column_int64(q, 17);
    out->created_by_id = store_col_dup(q, 18);
    out->created_by_username = store_col_dup(q, 19);
}

enum err store_integration_insert(struct store *st, struct integration *in)
{
    static const char sql[] =
        "INSERT INTO integrations (id, type, name, enabled, token, user_id, "
        "username, channel, alias, emoji, avatar, script_enabled, script, "
        "script_engine, override_dest, created_at, updated_at, "
        "created_by_id, created_by_username) VALUES (?1, ?2, ?3, ?4, ?5, "
        "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, in->id);
    store_bind_text(q, 2, in->type);
    store_bind_text(q, 3, in->name);
    sqlite3_bind_int(q, 4, in->enabled);
    store_bind_text(q, 5, in->token);
    store_bind_text(q, 6, in->user_id);
    store_bind_text(q, 7, in->username);
    store_bind_text(q, 8, in->channel);
    store_bind_text(q, 9, in->alias);
    store_bind_text(q, 10, in->emoji);
    store_bind_text(q, 11, in->avatar);
    sqlite3_bind_int(q, 12, in->script_enabled);
    store_bind_text(q, 13, in->script);
    store_bind_text(q, 14, in->script_engine);
    sqlite3_bind_int(q, 15, in->override_dest);
    sqlite3_bind_int64(q, 16, in->created_at);
    sqlite3_bind_int64(q, 17, in->updated_at);
    store_bind_text(q, 18, in->created_by_id);
    store_bind_text(q, 19, in->created_by_username);
    rc = store_exec_step(st, q);
    if (rc == ERR_OK)
        in->rid = sqlite3_last_insert_rowid(sqlite3_db_handle(q));
    store_done(q);
    return rc;
}

enum err store_integration_by_id(struct store *st, const char *id,
                                 struct integration *out)
{
    static const char sql[] =
        "SELECT " INTEGRATION_COLS " FROM integrations WHERE id = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, id);
    rc = store_step(st, q);
    if (rc == ERR_OK)
        integration_from_row(q, out);
    store_done(q);
    return rc;
}

enum err store_integration_delete(struct store *st, const char *id)
{
    static const char sql[] = "DELETE FROM integrations WHERE id = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, id);
    rc = store_exec_step(st, q);
    if (rc == ERR_OK && sqlite3_changes(sqlite3_db_handle(q)) == 0)
        rc = ERR_NOT_FOUND;
    store_done(q);
    return rc;
}

#define INTEGRATION_MATCH                                                    \
    "FROM integrations WHERE (?1 IS NULL OR created_by_id = ?1) AND "        \
    "(?2 IS NULL OR instr(lower(name), lower(?2)) > 0) AND "                 \
    "(?3 IS NULL OR type = ?3)"

static void bind_filter(sqlite3_stmt *q, const struct integration_filter *f)
{
    store_bind_text(q, 1, f->created_by);
    store_bind_text(q, 2, f->name);
    store_bind_text(q, 3, f->type);
}

enum err store_integrations_page(struct store *st,
                                 const struct integration_filter *f,
                                 int64_t offset, int64_t count,
                                 void (*fn)(void *arg,
                                            const struct integration *in),
                                 void *arg, int64_t *total)
{
    static const char count_sql[] = "SELECT count(*) " INTEGRATION_MATCH;
    static const char sql[] =
        "SELECT " INTEGRATION_COLS " " INTEGRATION_MATCH
        " ORDER BY rid LIMIT ?4 OFFSET ?5";
    struct integration *rows = NULL;
    size_t n = 0, cap = 0;
    sqlite3_stmt *q = store_stmt(st, count_sql);
    enum err rc;

    bind_filter(q, f);
    rc = store_step(st, q);
    *total = rc == ERR_OK ? sqlite3_column_int64(q, 0) : 0;
    store_done(q);
    if (rc)
        return rc == ERR_NOT_FOUND ? ERR_IO : rc;
    q = store_stmt(st, sql);
    bind_filter(q, f);
    sqlite3_bind_int64(q, 4, count > 0 ? count : -1);
    sqlite3_bind_int64(q, 5, offset);
    while ((rc = store_step(st, q)) == ERR_OK) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            rows = xrealloc(rows, cap * sizeof(*rows));
        }
        memset(&rows[n], 0, sizeof(rows[n]));
        integration_from_row(q, &rows[n++]);
    }
    store_done(q);
    if (rc == ERR_NOT_FOUND)
        rc = ERR_OK;
    for (size_t i = 0; i < n; i++) {
        if (rc == ERR_OK)
            fn(arg, &rows[i]);
        integration_release(&rows[i]);
    }
    free(rows);
    return rc;
}
