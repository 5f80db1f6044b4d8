/*
 * Teams: the team rows, their TeamMember rows, and the team-scoped views
 * of the rooms table (a team's rooms, auto-join rooms, detaching them).
 * Room and subscription rows themselves belong to rooms.c and
 * subscriptions.c.
 */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "../../shared/xalloc.h"
#include "store_int.h"

#define TEAM_COLS \
    "tid, id, name, type, room_id, created_at, updated_at, created_by_id, " \
    "created_by_username"

void team_release(struct team *t)
{
    free(t->id);
    free(t->name);
    free(t->room_id);
    free(t->created_by_id);
    free(t->created_by_username);
    memset(t, 0, sizeof(*t));
}

void team_member_release(struct team_member *m)
{
    free(m->roles);
    free(m->created_by_id);
    free(m->created_by_username);
    memset(m, 0, sizeof(*m));
}

static void team_from_row(sqlite3_stmt *q, struct team *t)
{
    t->tid = sqlite3_column_int64(q, 0);
    t->id = store_col_dup(q, 1);
    t->name = store_col_dup(q, 2);
    t->type = sqlite3_column_int(q, 3);
    t->room_id = store_col_dup(q, 4);
    t->created_at = sqlite3_column_int64(q, 5);
    t->updated_at = sqlite3_column_int64(q, 6);
    t->created_by_id = store_col_dup(q, 7);
    t->created_by_username = store_col_dup(q, 8);
}

/* Run a one-row team query whose parameters are bound. */
static enum err team_fetch(struct store *st, sqlite3_stmt *q, struct team *out)
{
    enum err rc = store_step(st, q);

    if (rc == ERR_OK)
        team_from_row(q, out);
    store_done(q);
    return rc;
}

enum err store_team_by_id(struct store *st, const char *id, struct team *out)
{
    static const char sql[] = "SELECT " TEAM_COLS " FROM teams WHERE id = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);

    store_bind_text(q, 1, id);
    return team_fetch(st, q, out);
}

enum err store_team_by_name(struct store *st, const char *name,
                            struct team *out)
{
    /* the column is COLLATE NOCASE, so '=' ignores case */
    static const char sql[] =
        "SELECT " TEAM_COLS " FROM teams WHERE name = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);

    store_bind_text(q, 1, name);
    return team_fetch(st, q, out);
}

enum err store_team_insert(struct store *st, struct team *t)
{
    static const char sql[] =
        "INSERT INTO teams (id, name, type, room_id, created_at, updated_at, "
        "created_by_id, created_by_username) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, t->id);
    store_bind_text(q, 2, t->name);
    sqlite3_bind_int(q, 3, t->type);
    store_bind_text(q, 4, t->room_id);
    sqlite3_bind_int64(q, 5, t->created_at);
    sqlite3_bind_int64(q, 6, t->updated_at);
    store_bind_text(q, 7, t->created_by_id);
    store_bind_text(q, 8, t->created_by_username);
    rc = store_exec_step(st, q);
    store_done(q);
    if (rc == ERR_OK)
        t->tid = sqlite3_last_insert_rowid(st->db);
    return rc;
}

enum err store_team_delete(struct store *st, int64_t tid)
{
    /* team_members go with it: ON DELETE CASCADE */
    static const char sql[] = "DELETE FROM teams WHERE tid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, tid);
    rc = store_exec_step(st, q);
    store_done(q);
    if (rc == ERR_OK && sqlite3_changes(st->db) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

enum err store_team_member_add(struct store *st, const struct team_member *m)
{
    static const char sql[] =
        "INSERT INTO team_members (team_tid, user_rid, roles, created_at, "
        "created_by_id, created_by_username) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, m->team_tid);
    sqlite3_bind_int64(q, 2, m->user_rid);
    store_bind_text(q, 3, m->roles);
    sqlite3_bind_int64(q, 4, m->created_at);
    store_bind_text(q, 5, m->created_by_id);
    store_bind_text(q, 6, m->created_by_username);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}

static void member_from_row(sqlite3_stmt *q, int col, struct team_member *m)
{
    m->team_tid = sqlite3_column_int64(q, col);
    m->user_rid = sqlite3_column_int64(q, col + 1);
    m->roles = store_col_dup(q, col + 2);
    m->created_at = sqlite3_column_int64(q, col + 3);
    m->created_by_id = store_col_dup(q, col + 4);
    m->created_by_username = store_col_dup(q, col + 5);
}

enum err store_team_member_get(struct store *st, int64_t tid, int64_t user_rid,
                               struct team_member *out)
{
    static const char sql[] =
        "SELECT team_tid, user_rid, roles, created_at, created_by_id, "
        "created_by_username FROM team_members "
        "WHERE team_tid = ?1 AND user_rid = ?2";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, tid);
    sqlite3_bind_int64(q, 2, user_rid);
    rc = store_step(st, q);
    if (rc == ERR_OK)
        member_from_row(q, 0, out);
    store_done(q);
    return rc;
}

enum err store_team_member_remove(struct store *st, int64_t tid,
                                  int64_t user_rid)
{
    static const char sql[] =
        "DELETE FROM team_members WHERE team_tid = ?1 AND user_rid = ?2";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, tid);
    sqlite3_bind_int64(q, 2, user_rid);
    rc = store_exec_step(st, q);
    store_done(q);
    if (rc == ERR_OK && sqlite3_changes(st->db) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

enum err store_team_member_set_roles(struct store *st, int64_t tid,
                                     int64_t user_rid, const char *roles)
{
    static const char sql[] =
        "UPDATE team_members SET roles = ?3 "
        "WHERE team_tid = ?1 AND user_rid = ?2";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, tid);
    sqlite3_bind_int64(q, 2, user_rid);
    store_bind_text(q, 3, roles);
    rc = store_exec_step(st, q);
    store_done(q);
    if (rc == ERR_OK && sqlite3_changes(st->db) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

/* Run a "SELECT count(*)" whose parameters are bound into *count. */
static enum err count_fetch(struct store *st, sqlite3_stmt *q, int64_t *count)
{
    enum err rc = store_step(st, q);

    *count = rc == ERR_OK ? sqlite3_column_int64(q, 0) : 0;
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_IO : rc;
}

enum err store_team_members_with_role(struct store *st, int64_t tid,
                                      const char *role, int64_t *count)
{
    static const char sql[] =
        "SELECT count(*) FROM team_members m WHERE m.team_tid = ?1 AND "
        "m.roles IS NOT NULL AND json_valid(m.roles) AND EXISTS "
        "(SELECT 1 FROM json_each(m.roles) j WHERE j.value = ?2)";
    sqlite3_stmt *q = store_stmt(st, sql);

    sqlite3_bind_int64(q, 1, tid);
    store_bind_text(q, 2, role);
    return count_fetch(st, q, count);
}

enum err store_team_members_count(struct store *st, int64_t tid,
                                  int64_t *count)
{
    static const char sql[] =
        "SELECT count(*) FROM team_members WHERE team_tid = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);

    sqlite3_bind_int64(q, 1, tid);
    return count_fetch(st, q, count);
}

/*
 * The filters of teams.members: substrings are compared with instr() on
 * lower-cased text, never LIKE, so '%' and '_' in the request stay literal.
 */
#define MEMBER_MATCH \
    "FROM team_members m JOIN users u ON u.rid = m.user_rid " \
    "WHERE m.team_tid = ?1 AND u.active = 1 " \
    "AND (?2 IS NULL OR instr(lower(u.username), lower(?2)) > 0) " \
    "AND (?3 IS NULL OR instr(lower(coalesce(u.name, '')), lower(?3)) > 0) " \
    "AND (?4 IS NULL OR u.status IN (SELECT value FROM json_each(?4))) " \
    "AND (?5 IS NULL OR u.id <> ?5)"

static void bind_member_filter(sqlite3_stmt *q,
                               const struct team_member_filter *f)
{
    store_bind_text(q, 2, f ? f->username : NULL);
    store_bind_text(q, 3, f ? f->name : NULL);
    store_bind_text(q, 4, f ? f->statuses : NULL);
    store_bind_text(q, 5, f ? f->exclude_id : NULL);
}

/* A growable list of row ids, collected before any row is loaded. */
struct rid_list {
    int64_t *v;
    size_t n, cap;
};

static void rid_push(struct rid_list *l, int64_t rid)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = rid;
}

/* Step q to the end, collecting column 0 of every row. */
static enum err collect_rids(struct store *st, sqlite3_stmt *q,
                             struct rid_list *l)
{
    enum err rc;

    while ((rc = store_step(st, q)) == ERR_OK)
        rid_push(l, sqlite3_column_int64(q, 0));
    store_done(q);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

enum err store_team_members_page(struct store *st, int64_t tid,
                                 const struct team_member_filter *f,
                                 int64_t offset, int64_t count,
                                 void (*fn)(void *arg,
                                            const struct team_member *m,
                                            const struct user *u),
                                 void *arg, int64_t *total)
{
    static const char count_sql[] = "SELECT count(*) " MEMBER_MATCH;
    /* the rowid is the order members joined in, as Mongo's natural order */
    static const char sql[] =
        "SELECT u.rid " MEMBER_MATCH " ORDER BY m.rowid LIMIT ?6 OFFSET ?7";
    struct rid_list rids = { 0 };
    sqlite3_stmt *q = store_stmt(st, count_sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, tid);
    bind_member_filter(q, f);
    rc = count_fetch(st, q, total);
    if (rc)
        return rc;
    q = store_stmt(st, sql);
    sqlite3_bind_int64(q, 1, tid);
    bind_member_filter(q, f);
    sqlite3_bind_int64(q, 6, count > 0 ? count : -1);
    sqlite3_bind_int64(q, 7, offset);
    rc = collect_rids(st, q, &rids);
    for (size_t i = 0; rc == ERR_OK && i < rids.n; i++) {
        struct team_member m = TEAM_MEMBER_INIT;
        struct user u = USER_INIT;

        rc = store_team_member_get(st, tid, rids.v[i], &m);
        if (rc == ERR_OK)
            rc = store_user_by_rid(st, rids.v[i], &u);
        if (rc == ERR_OK)
            fn(arg, &m, &u);
        team_member_release(&m);
        user_release(&u);
    }
    free(rids.v);
    return rc;
}

enum err store_teams_page(struct store *st, int64_t user_rid, int64_t offset,
                          int64_t count,
                          void (*fn)(void *arg, const struct team *t),
                          void *arg, int64_t *total)
{
    static const char count_sql[] =
        "SELECT count(*) FROM teams t WHERE ?1 = 0 OR EXISTS "
        "(SELECT 1 FROM team_members m WHERE m.team_tid = t.tid "
        "AND m.user_rid = ?1)";
    static const char sql[] =
        "SELECT t.tid FROM teams t WHERE ?1 = 0 OR EXISTS "
        "(SELECT 1 FROM team_members m WHERE m.team_tid = t.tid "
        "AND m.user_rid = ?1) ORDER BY t.tid LIMIT ?2 OFFSET ?3";
    static const char one_sql[] =
        "SELECT " TEAM_COLS " FROM teams WHERE tid = ?1";
    struct rid_list tids = { 0 };
    sqlite3_stmt *q = store_stmt(st, count_sql);
    enum err rc;

    sqlite3_bind_int64(q, 1, user_rid);
    rc = count_fetch(st, q, total);
    if (rc)
        return rc;
    q = store_stmt(st, sql);
    sqlite3_bind_int64(q, 1, user_rid);
    sqlite3_bind_int64(q, 2, count > 0 ? count : -1);
    sqlite3_bind_int64(q, 3, offset);
    rc = collect_rids(st, q, &tids);
    for (size_t i = 0; rc == ERR_OK && i < tids.n; i++) {
        struct team t = TEAM_INIT;

        q = store_stmt(st, one_sql);
        sqlite3_bind_int64(q, 1, tids.v[i]);
        rc = team_fetch(st, q, &t);
        if (rc == ERR_OK)
            fn(arg, &t);
        team_release(&t);
    }
    free(tids.v);
    return rc;
}

/* A team's rooms as a listing filters them; the main room never shows. */
#define ROOM_MATCH \
    "FROM rooms r WHERE r.team_id = ?1 AND r.team_main = 0 " \
    "AND (?2 IS NULL OR instr(lower(coalesce(r.name, '')), lower(?2)) > 0) " \
    "AND (?3 = 0 OR r.team_default = 1) " \
    "AND (?4 = 0 OR r.t = 'c' OR EXISTS (SELECT 1 FROM subscriptions s " \
    "WHERE s.room_rid = r.rid AND s.user_rid = ?4))"

static void bind_room_filter(sqlite3_stmt *q, const char *team_id,
                             const struct team_rooms_filter *f)
{
    store_bind_text(q, 1, team_id);
    store_bind_text(q, 2, f && f->name && *f->name ? f->name : NULL);
    sqlite3_bind_int(q, 3, f ? f->only_default : 0);
    sqlite3_bind_int64(q, 4, f ? f->visible_to : 0);
}

enum err store_team_rooms_page(struct store *st, const char *team_id,
                               const struct team_rooms_filter *f,
                               int64_t offset, int64_t count,
                               void (*fn)(void *arg, const struct room *r),
                               void *arg, int64_t *total)
{
    static const char count_sql[] = "SELECT count(*) " ROOM_MATCH;
    static const char sql[] =
        "SELECT r.rid " ROOM_MATCH " ORDER BY r.rid LIMIT ?5 OFFSET ?6";
    struct rid_list rids = { 0 };
    sqlite3_stmt *q = store_stmt(st, count_sql);
    enum err rc;

    bind_room_filter(q, team_id, f);
    rc = count_fetch(st, q, total);
    if (rc)
        return rc;
    q = store_stmt(st, sql);
    bind_room_filter(q, team_id, f);
    sqlite3_bind_int64(q, 5, count > 0 ? count : -1);
    sqlite3_bind_int64(q, 6, offset);
    rc = collect_rids(st, q, &rids);
    for (size_t i = 0; rc == ERR_OK && i < rids.n; i++) {
        struct room r = ROOM_INIT;

        rc = store_room_by_rid(st, rids.v[i], &r);
        if (rc == ERR_OK)
            fn(arg, &r);
        room_release(&r);
    }
    free(rids.v);
    return rc;
}

enum err store_team_rooms_count(struct store *st, const char *team_id,
                                int64_t *count)
{
    static const char sql[] =
        "SELECT count(*) FROM rooms WHERE team_id = ?1 AND team_main = 0";
    sqlite3_stmt *q = store_stmt(st, sql);

    store_bind_text(q, 1, team_id);
    return count_fetch(st, q, count);
}

enum err store_team_detach_rooms(struct store *st, const char *team_id,
                                 int64_t now)
{
    static const char sql[] =
        "UPDATE rooms SET team_id = NULL, team_main = 0, team_default = 0, "
        "updated_at = ?2 WHERE team_id = ?1";
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc;

    store_bind_text(q, 1, team_id);
    sqlite3_bind_int64(q, 2, now);
    rc = store_exec_step(st, q);
    store_done(q);
    return rc;
}
