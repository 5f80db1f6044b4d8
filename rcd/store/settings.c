/* Settings whose values differ from the built-in defaults. */
#include "store.h"

#include "store_int.h"

enum err store_settings_each(struct store *st,
                             void (*fn)(void *arg, const char *id,
                                        const char *value_json),
                             void *arg)
{
    static const char sql[] = "SELECT id, value FROM settings ORDER BY id";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    while ((rc = store_step(st, q)) == ERR_OK)
        fn(arg, (const char *)sqlite3_column_text(q, 0),
           (const char *)sqlite3_column_text(q, 1));
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

enum err store_setting_put(struct store *st, const char *id,
                           const char *value_json, int64_t now)
{
    static const char sql[] =
        "INSERT INTO settings (id, value, updated_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(id) DO UPDATE SET value = ?2, updated_at = ?3";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, id);
    store_bind_text(q, 2, value_json);
    sqlite3_bind_int64(q, 3, now);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}
