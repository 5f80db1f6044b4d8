/*
 * Private to rcd/store/: the store struct, the statement cache and the
 * step helpers every store file uses. Nothing outside rcd/store/ includes
 * this header.
 */
#ifndef RCD_STORE_INT_H
#define RCD_STORE_INT_H

#include <stdint.h>

#include <sqlite3.h>

#include "store.h"

#define STMT_SLOTS 512   /* power of two; more statements than this is a BUG */

struct stmt_slot {
    const char *sql;                /* the static SQL text; identity is the key */
    sqlite3_stmt *stmt;
};

struct store {
    sqlite3 *db;
    int healthy;                    /* 0 after an I/O error: refuse writes */
    uint64_t auth_gen;              /* bumped on any change to users, tokens, roles */
    int tx_depth;                   /* nested store_begin calls open */
    int tx_doomed;                  /* an inner level rolled back */
    int batch;                      /* a group-commit transaction is open:
                                       store_begin makes savepoints */
    int64_t batch_changes;          /* total_changes when it opened */
    const char *fault;              /* RCD_FAULT_COMMIT, for tests */
    long dirty_batches;             /* batches with writes, for the fault */
    const char *batch_failure;      /* "full" or "io" after a failed end */
    struct stmt_slot slots[STMT_SLOTS];
};

/*
 * The cached prepared statement for sql, which must be a static string:
 * its address is the cache key. Aborts (BUG) if it does not prepare.
 */
sqlite3_stmt *store_stmt(struct store *st, const char *sql);
/*
 * Step q once: SQLITE_ROW -> ERR_OK, SQLITE_DONE -> ERR_NOT_FOUND,
 * a UNIQUE constraint -> ERR_EXISTS, anything else -> ERR_IO (logged).
 */
enum err store_step(struct store *st, sqlite3_stmt *q);
/* Step a statement that returns no rows: DONE -> ERR_OK. */
enum err store_exec_step(struct store *st, sqlite3_stmt *q);
/* Reset q and clear its bindings. */
void store_done(sqlite3_stmt *q);
/* Copy of column i as a malloc'd string, NULL when SQL NULL. */
char *store_col_dup(sqlite3_stmt *q, int i);
/* Bind text (copied by SQLite); NULL binds SQL NULL. */
void store_bind_text(sqlite3_stmt *q, int i, const char *s);
/* A time in ms, or NULL for 0 (never set). */
void store_bind_ms(sqlite3_stmt *q, int i, int64_t ms);

#endif
