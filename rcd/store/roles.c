/* Global role grants and permission overrides. */
#include "store.h"

#include <string.h>

#include "store_int.h"


enum err store_user_role_add(struct store *st, int64_t user_rid,
                             const char *role)
{
    static const char sql[] =
        "INSERT INTO user_roles (user_rid, role) VALUES (?1, ?2)";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, user_rid);
    store_bind_text(q, 2, role);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}

enum err store_user_role_remove(struct store *st, int64_t user_rid,
                                const char *role)
{
    static const char sql[] =
        "DELETE FROM user_roles WHERE user_rid = ?1 AND role = ?2";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, user_rid);
    store_bind_text(q, 2, role);
    rc = store_exec_step(st, q);
    store_done(q);
    if (rc == ERR_OK && sqlite3_changes(st->db) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

enum err store_users_in_role(struct store *st, const char *role,
                             int64_t offset, int64_t count,
                             void (*fn)(void *arg, const struct user *u),
                             void *arg, int64_t *total)
{
    static const char count_sql[] =
        "SELECT count(*) FROM user_roles WHERE role = ?1";
    static const char sql[] =
        "SELECT u.rid FROM user_roles r JOIN users u ON u.rid = r.user_rid "
        "WHERE r.role = ?1 ORDER BY u.username COLLATE NOCASE, u.rid "
        "LIMIT ?2 OFFSET ?3";
    sqlite3_stmt *q = store_stmt(st, count_sql);
    int64_t rids[256];
    enum err rc;

    store_bind_text(q, 1, role);
    rc = store_step(st, q);
    *total = rc ? 0 : sqlite3_column_int64(q, 0);
    store_done(q);
    if (rc)
        return ERR_IO;
    q = store_stmt(st, sql);
    store_bind_text(q, 1, role);
    sqlite3_bind_int64(q, 2, count > 0 ? count : -1);
    sqlite3_bind_int64(q, 3, offset);
    /* collect ids first: loading a user runs other statements */
    for (;;) {
        size_t n = 0;

        while (n < 256 && (rc = store_step(st, q)) == ERR_OK)
            rids[n++] = sqlite3_column_int64(q, 0);
        for (size_t i = 0; i < n; i++) {
            struct user u = USER_INIT;

            if (store_user_by_rid(st, rids[i], &u) == ERR_OK) {
                fn(arg, &u);
                user_release(&u);
            }
        }
        if (n < 256)
            break;
    }
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

enum err store_permissions_each(struct store *st,
                                void (*fn)(void *arg, const char *id,
                                           const char *roles_json,
                                           int64_t updated_at),
                                void *arg)
{
    static const char sql[] =
        "SELECT id, roles, updated_at FROM permissions ORDER BY id";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    while ((rc = store_step(st, q)) == ERR_OK)
        fn(arg, (const char *)sqlite3_column_text(q, 0),
           (const char *)sqlite3_column_text(q, 1),
           sqlite3_column_int64(q, 2));
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

enum err store_permission_put(struct store *st, const char *id,
                              const char *roles_json, int64_t now)
{
    static const char sql[] =
        "INSERT INTO permissions (id, roles, updated_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(id) DO UPDATE SET roles = ?2, updated_at = ?3";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, id);
    store_bind_text(q, 2, roles_json);
    sqlite3_bind_int64(q, 3, now);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}
