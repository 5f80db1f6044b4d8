/* Subscriptions: a user's membership of a room, with room roles. */
#include "store.h"

#include <stdlib.h>

#include "store_int.h"

enum err store_sub_roles(struct store *st, const char *room_id,
                         int64_t user_rid, char **roles)
{
    static const char sql[] =
        "SELECT s.roles FROM subscriptions s JOIN rooms r ON r.rid = s.room_rid "
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
