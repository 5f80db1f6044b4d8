/*
 * Whole-database copies with SQLite's online backup API: a consistent
 * snapshot taken while rcd serves writes, checked with integrity_check,
 * written beside the target and renamed into place. Also the lock file
 * that keeps a second server (or a restore) off a database in use.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../../shared/buf.h"
#include "../../shared/log.h"

int store_lock(const char *db_path)
{
    struct buf path = BUF_INIT;
    int fd;

    buf_addf(&path, "%s.lock", db_path);
    fd = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        log_error("store", "cannot open '%s': %s", path.data, strerror(errno));
    } else if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            log_error("store", "'%s' is in use by another rcd", db_path);
        else
            log_error("store", "cannot lock '%s': %s", path.data,
                      strerror(errno));
        close(fd);
        fd = -1;
    }
    buf_release(&path);
    return fd;
}

void store_unlock(int fd)
{
    if (fd >= 0)
        close(fd);
}

/* PRAGMA integrity_check on an open database: 0 when "ok". */
static int check_integrity(sqlite3 *db, const char *what)
{
    sqlite3_stmt *q = NULL;
    int rc = -1;

    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL) ==
            SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
        const char *res = (const char *)sqlite3_column_text(q, 0);

        if (res && strcmp(res, "ok") == 0)
            rc = 0;
        else
            log_error("store", "integrity check of '%s' failed: %s", what,
                      res ? res : "?");
    } else {
        log_error("store", "cannot check '%s': %s", what, sqlite3_errmsg(db));
    }
    sqlite3_finalize(q);
    return rc;
}

/*
 * Copy every page of src into dst in one step: one read transaction, so
 * the copy is a single consistent snapshot. In WAL mode that read does not
 * block rcd's writers; copying in slices instead would restart on every
 * commit and could never finish on a busy server.
 */
static int copy_pages(sqlite3 *src, sqlite3 *dst, const char *what)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    int rc;

    if (!b) {
        log_error("store", "cannot start copy of '%s': %s", what,
                  sqlite3_errmsg(dst));
        return -1;
    }
    do {
        rc = sqlite3_backup_step(b, -1);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        log_error("store", "copy of '%s' failed: %s", what, sqlite3_errstr(rc));
        return -1;
    }
    return 0;
}

/*
 * Copy the database at src into a fresh file at dst (replacing it only when
 * the copy is complete and checked). Returns 0, or -1 after logging why.
 */
static int copy_db(const char *src_path, int src_flags, const char *dst_path)
{
    struct buf tmp = BUF_INIT;
    sqlite3 *src = NULL, *dst = NULL;
    int rc = -1, fd;

    buf_addf(&tmp, "%s.tmp-XXXXXX", dst_path);
    fd = mkstemp(tmp.data);
    if (fd < 0) {
        log_error("store", "cannot create '%s': %s", tmp.data, strerror(errno));
        goto out;
    }
    close(fd);
    if (sqlite3_open_v2(src_path, &src, src_flags, NULL) != SQLITE_OK) {
        log_error("store", "cannot open '%s': %s", src_path,
                  src ? sqlite3_errmsg(src) : "out of memory");
        goto out;
    }
    sqlite3_busy_timeout(src, 5000);
    if (sqlite3_open_v2(tmp.data, &dst, SQLITE_OPEN_READWRITE, NULL) !=
        SQLITE_OK) {
        log_error("store", "cannot open '%s': %s", tmp.data,
                  dst ? sqlite3_errmsg(dst) : "out of memory");
        goto out;
    }
    if (copy_pages(src, dst, src_path) || check_integrity(dst, dst_path))
        goto out;
    /* the copy is a plain rollback-journal file: one file to move around */
    if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) !=
        SQLITE_OK)
        goto out;
    sqlite3_close(dst);
    dst = NULL;
    fd = open(tmp.data, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        log_error("store", "cannot sync '%s': %s", tmp.data, strerror(errno));
        if (fd >= 0)
            close(fd);
        goto out;
    }
    close(fd);
    if (rename(tmp.data, dst_path) != 0) {
        log_error("store", "cannot rename to '%s': %s", dst_path,
                  strerror(errno));
        goto out;
    }
    rc = 0;
out:
    sqlite3_close(src);
    sqlite3_close(dst);
    if (rc)
        unlink(tmp.data);
    buf_release(&tmp);
    return rc;
}

int store_backup(const char *db_path, const char *out_path)
{
    /* read-write so that a WAL left by a running rcd can be read */
    return copy_db(db_path, SQLITE_OPEN_READWRITE, out_path);
}

int store_restore(const char *in_path, const char *db_path)
{
    struct buf side = BUF_INIT;
    int lock = store_lock(db_path), rc = -1;
    sqlite3 *in = NULL;

    if (lock < 0)
        return -1;
    if (sqlite3_open_v2(in_path, &in, SQLITE_OPEN_READONLY, NULL) !=
            SQLITE_OK || check_integrity(in, in_path)) {
        if (in && sqlite3_errcode(in) != SQLITE_OK)
            log_error("store", "cannot open '%s': %s", in_path,
                      sqlite3_errmsg(in));
        goto out;
    }
    sqlite3_close(in);
    in = NULL;
    if (copy_db(in_path, SQLITE_OPEN_READONLY, db_path))
        goto out;
    /* a WAL of the replaced database must not be replayed over the new one */
    buf_addf(&side, "%s-wal", db_path);
    unlink(side.data);
    buf_reset(&side);
    buf_addf(&side, "%s-shm", db_path);
    unlink(side.data);
    rc = 0;
out:
    sqlite3_close(in);
    buf_release(&side);
    store_unlock(lock);
    return rc;
}
