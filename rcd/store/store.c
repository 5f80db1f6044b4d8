/*
 * Opening the database, migrations keyed by PRAGMA user_version, the
 * prepared-statement cache and transactions. The only other files that
 * touch SQLite are the rcd/store/<area>.c files.
 */
#include "store.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/log.h"
#include "../../shared/xalloc.h"
#include "store_int.h"

/* Generated from rcd/store/migrations/NNN_*.sql by the Makefile. */
extern const char *const store_migrations[];

int store_migrations_known(void)
{
    int n = 0;

    while (store_migrations[n])
        n++;
    return n;
}

static enum err exec_sql(struct store *st, const char *sql, const char *what)
{
    char *msg = NULL;

    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        log_error("store", "%s: %s", what, msg ? msg : "?");
        sqlite3_free(msg);
        return ERR_IO;
    }
    return ERR_OK;
}

static int pragma_int(struct store *st, const char *sql)
{
    sqlite3_stmt *q = NULL;
    int v = -1;

    if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    return v;
}

int store_schema_version(struct store *st)
{
    return pragma_int(st, "PRAGMA user_version");
}

static enum err migrate(struct store *st)
{
    static const char *const set_version[] = {
        "PRAGMA user_version = 0", "PRAGMA user_version = 1",
        "PRAGMA user_version = 2", "PRAGMA user_version = 3",
        "PRAGMA user_version = 4", "PRAGMA user_version = 5",
        "PRAGMA user_version = 6", "PRAGMA user_version = 7",
        "PRAGMA user_version = 8", "PRAGMA user_version = 9",
    };
    int have = store_schema_version(st), want = store_migrations_known();
    enum err rc;

    if (want >= (int)ARRAY_SIZE(set_version))
        BUG("more migrations than set_version[] knows");
    if (have > want) {
        log_error("store", "database schema %d is newer than this rcd (%d)",
                  have, want);
        return ERR_IO;
    }
    if (have == want)
        return ERR_OK;
    rc = exec_sql(st, "BEGIN IMMEDIATE", "begin migration");
    if (rc)
        return rc;
    for (int v = have; v < want; v++) {
        rc = exec_sql(st, store_migrations[v], "migration");
        if (rc)
            goto fail;
    }
    /* user_version is a literal in PRAGMA syntax; picked from a fixed table */
    rc = exec_sql(st, set_version[want], "set user_version");
    if (rc)
        goto fail;
    rc = exec_sql(st, "COMMIT", "commit migration");
    if (rc)
        goto fail;
    log_info("store", "schema upgraded from %d to %d", have, want);
    return ERR_OK;
fail:
    exec_sql(st, "ROLLBACK", "rollback migration");
    return rc;
}

/*
 * SQLite calls this for every row written to a rowid table; a change to
 * anything authentication reads moves the generation on, which is how the
 * router's token cache knows to forget. No store function can skip it.
 */
static void on_update(void *arg, int op, const char *db, const char *table,
                      sqlite3_int64 rowid)
{
    struct store *st = arg;

    (void)op;
    (void)db;
    (void)rowid;
    if (strcmp(table, "users") == 0 || strcmp(table, "tokens") == 0 ||
        strcmp(table, "user_roles") == 0)
        st->auth_gen++;
}

uint64_t store_auth_generation(struct store *st)
{
    return st->auth_gen;
}

enum err store_open(const char *path, struct store **out)
{
    struct store *st = xcalloc(1, sizeof(*st));
    int rc;

    *out = NULL;
    rc = sqlite3_open_v2(path, &st->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                         SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        log_error("store", "cannot open '%s': %s", path,
                  st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, 5000);
    sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    if (exec_sql(st, "PRAGMA journal_mode = WAL", "journal_mode") ||
        exec_sql(st, "PRAGMA synchronous = FULL", "synchronous") ||
        exec_sql(st, "PRAGMA foreign_keys = ON", "foreign_keys"))
        goto fail;
    if (strcmp(path, ":memory:") != 0 &&
        pragma_int(st, "PRAGMA synchronous") != 2) {
        log_error("store", "synchronous=FULL did not take effect");
        goto fail;
    }
    if (migrate(st))
        goto fail;
    sqlite3_update_hook(st->db, on_update, st);
    st->healthy = 1;
    st->fault = getenv("RCD_FAULT_COMMIT");
    *out = st;
    return ERR_OK;
fail:
    store_close(st);
    return ERR_IO;
}

void store_close(struct store *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < STMT_SLOTS; i++)
        if (st->slots[i].stmt)
            sqlite3_finalize(st->slots[i].stmt);
    if (st->db) {
        sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
                                  NULL, NULL);
        if (sqlite3_close(st->db) != SQLITE_OK)
            log_error("store", "close: %s", sqlite3_errmsg(st->db));
    }
    free(st);
}

sqlite3_stmt *store_stmt(struct store *st, const char *sql)
{
    size_t h = ((uintptr_t)sql >> 4) & (STMT_SLOTS - 1);

    for (size_t n = 0; n < STMT_SLOTS; n++, h = (h + 1) & (STMT_SLOTS - 1)) {
        struct stmt_slot *s = &st->slots[h];

        if (s->sql == sql)
            return s->stmt;
        if (!s->sql) {
            if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                   &s->stmt, NULL) != SQLITE_OK)
                BUG("cannot prepare '%s': %s", sql, sqlite3_errmsg(st->db));
            s->sql = sql;
            return s->stmt;
        }
    }
    BUG("statement cache full");
}

enum err store_step(struct store *st, sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);

    if (rc == SQLITE_ROW)
        return ERR_OK;
    if (rc == SQLITE_DONE)
        return ERR_NOT_FOUND;
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return ERR_EXISTS;
    log_error("store", "'%.60s': %s", sqlite3_sql(q), sqlite3_errmsg(st->db));
    if ((rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_CORRUPT)
        st->healthy = 0;
    return ERR_IO;
}

enum err store_exec_step(struct store *st, sqlite3_stmt *q)
{
    enum err rc = store_step(st, q);

    if (rc == ERR_NOT_FOUND)
        return ERR_OK;
    if (rc == ERR_OK) {
        /* a statement meant to return nothing returned a row */
        BUG("unexpected row from '%s'", sqlite3_sql(q));
    }
    return rc;
}

void store_done(sqlite3_stmt *q)
{
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
}

char *store_col_dup(sqlite3_stmt *q, int i)
{
    const unsigned char *s = sqlite3_column_text(q, i);

    return s ? xstrdup((const char *)s) : NULL;
}

void store_bind_text(sqlite3_stmt *q, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(q, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(q, i);
}

void store_bind_ms(sqlite3_stmt *q, int i, int64_t ms)
{
    if (ms)
        sqlite3_bind_int64(q, i, ms);
    else
        sqlite3_bind_null(q, i);
}

/*
 * Transactions nest: only the outermost begin/commit reach SQLite. An inner
 * rollback dooms the whole transaction, so the outermost commit rolls back
 * and reports ERR_IO instead of committing half of an operation.
 */
/* Run one statement that returns no rows. */
static enum err run(struct store *st, const char *sql)
{
    sqlite3_stmt *q = store_stmt(st, sql);
    enum err rc = store_exec_step(st, q);

    store_done(q);
    return rc;
}

/*
 * SQLite may have rolled the whole transaction back after an error
 * (SQLITE_FULL, SQLITE_IOERR, ...): only autocommit tells.
 */
static int tx_lost(const struct store *st)
{
    return sqlite3_get_autocommit(st->db);
}

enum err store_begin(struct store *st)
{
    enum err rc;

    if (st->tx_depth++ > 0)
        return ERR_OK;
    st->tx_doomed = 0;
    rc = run(st, st->batch ? "SAVEPOINT request" : "BEGIN IMMEDIATE");
    if (rc)
        st->tx_depth = 0;
    return rc;
}

/* End the outermost level: keep (release/commit) or undo its changes. */
static enum err tx_end(struct store *st, int keep)
{
    enum err rc = ERR_OK;

    if (st->batch) {
        if (tx_lost(st))
            return ERR_IO;      /* store_batch_end will see it too */
        if (!keep)
            rc = run(st, "ROLLBACK TO request");
        if (!rc)
            rc = run(st, "RELEASE request");
        return rc ? rc : keep ? ERR_OK : ERR_IO;
    }
    if (keep) {
        rc = run(st, "COMMIT");
        if (!rc)
            return ERR_OK;
    }
    if (!tx_lost(st))
        run(st, "ROLLBACK");
    return keep ? rc : ERR_IO;
}

enum err store_commit(struct store *st)
{
    if (st->tx_depth <= 0)
        BUG("store_commit without store_begin");
    if (--st->tx_depth > 0)
        return st->tx_doomed ? ERR_IO : ERR_OK;
    return tx_end(st, !st->tx_doomed);
}

void store_rollback(struct store *st)
{
    if (st->tx_depth <= 0)
        BUG("store_rollback without store_begin");
    if (--st->tx_depth > 0) {
        st->tx_doomed = 1;
        return;
    }
    tx_end(st, 0);
}

enum err store_batch_begin(struct store *st)
{
    enum err rc;

    if (st->batch || st->tx_depth)
        BUG("store_batch_begin inside a transaction");
    rc = run(st, "BEGIN IMMEDIATE");
    if (rc)
        return rc;
    st->batch = 1;
    st->batch_changes = sqlite3_total_changes64(st->db);
    return ERR_OK;
}

int store_batch_open(const struct store *st)
{
    return st->batch;
}

int store_batch_dirty(struct store *st)
{
    return st->batch &&
           (tx_lost(st) ||
            sqlite3_total_changes64(st->db) != st->batch_changes);
}

/*
 * The fault a test asked for with RCD_FAULT_COMMIT=full|io[:N]: the N-th
 * batch that holds writes (every one without N) fails as if the disk were
 * full or an fsync had failed. NULL: commit for real.
 */
static const char *injected_fault(struct store *st)
{
    const char *colon;
    char *end;
    long nth = 0;

    if (!st->fault)
        return NULL;
    st->dirty_batches++;
    colon = strchr(st->fault, ':');
    if (colon) {
        errno = 0;
        nth = strtol(colon + 1, &end, 10);
        if (errno || end == colon + 1 || *end || nth < 1)
            return NULL;        /* a malformed hook injects nothing */
    }
    if (nth > 0 && st->dirty_batches != nth)
        return NULL;
    if (strncmp(st->fault, "full", 4) == 0)
        return "full";
    if (strncmp(st->fault, "io", 2) == 0)
        return "io";
    return NULL;
}

enum err store_batch_end(struct store *st)
{
    int dirty = store_batch_dirty(st);
    const char *fault = dirty ? injected_fault(st) : NULL;
    enum err rc = ERR_OK;

    if (!st->batch)
        BUG("store_batch_end without store_batch_begin");
    if (st->tx_depth)
        BUG("store_batch_end inside a request's transaction");
    st->batch = 0;
    st->batch_failure = NULL;
    if (tx_lost(st)) {
        /* SQLite gave the batch up after an error: nothing of it stays */
        st->batch_failure = st->healthy ? "full" : "io";
        rc = ERR_IO;
    } else if (dirty && (!st->healthy || fault)) {
        st->batch_failure = fault ? fault : "io";
        if (fault && strcmp(fault, "io") == 0)
            st->healthy = 0;
        run(st, "ROLLBACK");
        rc = ERR_IO;
    } else if (run(st, "COMMIT")) {
        int code = sqlite3_extended_errcode(st->db) & 0xff;

        st->batch_failure = code == SQLITE_FULL ? "full" : "io";
        if (code != SQLITE_FULL)
            st->healthy = 0;
        if (!tx_lost(st))
            run(st, "ROLLBACK");
        rc = ERR_IO;
    }
    if (rc) {
        /* what caches learnt from the lost writes must be forgotten */
        st->auth_gen++;
        log_error("store", "group commit failed (%s): %s", st->batch_failure,
                  st->healthy ? "the batch's writes are refused"
                              : "refusing every write until restart");
    }
    return rc;
}

const char *store_batch_failure(const struct store *st)
{
    return st->batch_failure;
}
