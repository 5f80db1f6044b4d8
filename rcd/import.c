/*
 * rcd import-mongodump: reads a Rocket.Chat mongodump folder (one BSON
 * file per collection, optionally gzipped, streamed document by document
 * with libbson) and maps each document onto the store's structs. All of
 * it runs in one transaction on a database that holds no users or rooms;
 * any failure rolls it back. No SQL here: rows go through rcd/store/.
 */
#include "import.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bson/bson.h>
#include <jansson.h>
#include <zlib.h>

#include "../shared/buf.h"
#include "../shared/json.h"
#include "../shared/timeutil.h"
#include "../shared/xalloc.h"
#include "api/api.h"
#include "store/store.h"

#define MAX_REASONS 8

/* One collection's line of the report. */
struct tally {
    const char *name;
    int64_t read, imported;
    struct count {
        const char *why;            /* static text */
        int64_t n;
    } skip[MAX_REASONS],            /* records left out, by reason */
      note[MAX_REASONS];            /* imported, but worth a word */
};

struct import {
    const char *dir;                /* the folder holding the .bson files */
    struct store *st;
    struct settings *settings;
    struct perms *perms;
    json_t *users;                  /* user id -> [rid, username] */
    json_t *usernames;              /* username -> user id */
    json_t *rooms;                  /* room id -> rid */
    json_t *teams;                  /* team id -> tid */
    json_t *parents;                /* [[discussion rid, prid id, pmid]] */
    int64_t admins;                 /* active users holding "admin" */
};

/* A fatal failure: the message is printed, the transaction rolled back. */
#define FAIL (-1)

static void fail(const char *fmt, ...) ATTR_PRINTF(1, 2);

static void fail(const char *fmt, ...)
{
    va_list ap;

    fputs("rcd import-mongodump: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ---- the report ---- */

static void count_add(struct count *c, const char *why)
{
    for (size_t i = 0; i < MAX_REASONS; i++) {
        if (!c[i].why)
            c[i].why = why;
        if (c[i].why == why || strcmp(c[i].why, why) == 0) {
            c[i].n++;
            return;
        }
    }
    BUG("more than %d reasons", MAX_REASONS);
}

static void skip(struct tally *t, const char *why)
{
    count_add(t->skip, why);
}

static void note(struct tally *t, const char *why)
{
    count_add(t->note, why);
}

/* "rocketchat_room: 120 read, 118 imported, 2 skipped (2 livechat rooms)" */
static void report(const struct tally *t)
{
    int64_t skipped = 0;

    for (size_t i = 0; i < MAX_REASONS && t->skip[i].why; i++)
        skipped += t->skip[i].n;
    fprintf(stderr, "%s: %lld read, %lld imported, %lld skipped", t->name,
            (long long)t->read, (long long)t->imported, (long long)skipped);
    for (size_t i = 0; i < MAX_REASONS && t->skip[i].why; i++)
        fprintf(stderr, "%s%lld %s", i ? ", " : " (",
                (long long)t->skip[i].n, t->skip[i].why);
    if (skipped)
        fputc(')', stderr);
    for (size_t i = 0; i < MAX_REASONS && t->note[i].why; i++)
        fprintf(stderr, "; %lld %s", (long long)t->note[i].n, t->note[i].why);
    fputc('\n', stderr);
}

/* ---- reading a collection file ---- */

struct dump_file {
    char *path;                     /* for messages */
    int fd;                         /* plain file, or -1 */
    gzFile gz;                      /* gzipped file, or NULL */
    uint64_t bytes;                 /* (uncompressed) bytes handed to libbson */
    const char *read_error;         /* why the last read failed, or NULL */
    bson_reader_t *reader;
};

static ssize_t dump_read(void *handle, void *buf, size_t count)
{
    struct dump_file *f = handle;
    ssize_t n;

    if (f->gz) {
        int errnum;

        n = gzread(f->gz, buf, count > INT32_MAX ? INT32_MAX : (unsigned)count);
        if (n < 0) {
            const char *msg = gzerror(f->gz, &errnum);

            f->read_error = errnum == Z_ERRNO ? strerror(errno) : msg;
        }
    } else {
        do
            n = read(f->fd, buf, count);
        while (n < 0 && errno == EINTR);
        if (n < 0)
            f->read_error = strerror(errno);
    }
    if (n > 0)
        f->bytes += (uint64_t)n;
    return n;
}

static void dump_nodestroy(void *handle)
{
    (void)handle;
}

static int file_exists(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/*
 * Open dir/<name>.bson, else dir/<name>.bson.gz. Returns 1 open, 0 when
 * the collection is not in the dump, FAIL (reported) when it cannot be
 * read.
 */
static int dump_open(const char *dir, const char *name, struct dump_file *f)
{
    struct buf path = BUF_INIT;
    int gz = 0;

    memset(f, 0, sizeof(*f));
    f->fd = -1;
    buf_addf(&path, "%s/%s.bson", dir, name);
    if (!file_exists(path.data)) {
        buf_adds(&path, ".gz");
        gz = 1;
        if (!file_exists(path.data)) {
            buf_release(&path);
            return 0;
        }
    }
    f->path = buf_detach(&path, NULL);
    f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0) {
        fail("cannot open '%s': %s", f->path, strerror(errno));
        free(f->path);
        return FAIL;
    }
    if (gz) {
        f->gz = gzdopen(f->fd, "rb");
        if (!f->gz)
            BUG("gzdopen: out of memory");
        f->fd = -1;                 /* gzclose closes it */
    }
    f->reader = bson_reader_new_from_handle(f, dump_read, dump_nodestroy);
    return 1;
}

static void dump_close(struct dump_file *f)
{
    if (f->reader)
        bson_reader_destroy(f->reader);
    if (f->gz)
        gzclose(f->gz);
    if (f->fd >= 0)
        close(f->fd);
    free(f->path);
    memset(f, 0, sizeof(*f));
}

typedef int (*doc_fn)(struct import *im, const bson_t *d, struct tally *t);

/*
 * Stream every document of collection name through fn, then print the
 * collection's report line. A collection missing from the dump is no
 * error (*present = 0). Returns 0, or FAIL after reporting a file that
 * cannot be read, a broken document (naming the file and the offset) or
 * fn's failure.
 */
static int each_doc(struct import *im, const char *name, doc_fn fn,
                    int *present)
{
    struct tally t = { .name = name };
    struct dump_file f;
    int rc = dump_open(im->dir, name, &f);

    if (present)
        *present = rc == 1;
    if (rc != 1)
        return rc;
    for (;;) {
        off_t off = bson_reader_tell(f.reader);
        bool eof = false;
        const bson_t *d = bson_reader_read(f.reader, &eof);
        size_t bad = 0;

        if (!d) {
            if (f.read_error) {
                fail("cannot read '%s' at offset %lld: %s", f.path,
                     (long long)off, f.read_error);
                rc = FAIL;
            } else if (!eof || (uint64_t)off != f.bytes) {
                /* libbson says eof when the last document is cut short */
                fail("'%s': broken BSON document at offset %lld", f.path,
                     (long long)off);
                rc = FAIL;
            } else {
                rc = 0;
            }
            break;
        }
        if (!bson_validate(d, BSON_VALIDATE_UTF8, &bad)) {
            fail("'%s': broken BSON document at offset %lld (bad element "
                 "or UTF-8 at offset %lld)", f.path, (long long)off,
                 (long long)(off + (off_t)bad));
            rc = FAIL;
            break;
        }
        t.read++;
        if (fn(im, d, &t)) {
            fail("'%s': cannot import the document at offset %lld", f.path,
                 (long long)off);
            rc = FAIL;
            break;
        }
    }
    dump_close(&f);
    if (!rc)
        report(&t);
    return rc;
}

/* ---- BSON fields ---- */

static int find(const bson_t *d, const char *path, bson_iter_t *out)
{
    bson_iter_t top;

    return bson_iter_init(&top, d) &&
           bson_iter_find_descendant(&top, path, out);
}

static int doc_has(const bson_t *d, const char *path)
{
    bson_iter_t it;

    return find(d, path, &it) && !BSON_ITER_HOLDS_NULL(&it);
}

/* The string at path, or NULL when absent or not a string. */
static const char *doc_str(const bson_t *d, const char *path)
{
    bson_iter_t it;

    if (!find(d, path, &it) || !BSON_ITER_HOLDS_UTF8(&it))
        return NULL;
    return bson_iter_utf8(&it, NULL);
}

static char *doc_dup(const bson_t *d, const char *path)
{
    const char *s = doc_str(d, path);

    return s ? xstrdup(s) : NULL;
}

/* The string at path, NULL also when it is empty. */
static char *doc_dup_nonempty(const bson_t *d, const char *path)
{
    const char *s = doc_str(d, path);

    return s && *s ? xstrdup(s) : NULL;
}

/* An id: a string, or an ObjectId as its 24 hex digits (in buf). */
static const char *doc_id(const bson_t *d, const char *path, char buf[25])
{
    bson_iter_t it;

    if (!find(d, path, &it))
        return NULL;
    if (BSON_ITER_HOLDS_UTF8(&it)) {
        const char *s = bson_iter_utf8(&it, NULL);

        return *s ? s : NULL;
    }
    if (BSON_ITER_HOLDS_OID(&it)) {
        bson_oid_to_string(bson_iter_oid(&it), buf);
        return buf;
    }
    return NULL;
}

/* A time in ms: a BSON date, a number or an ISO string; 0 when absent. */
static int64_t doc_ms(const bson_t *d, const char *path)
{
    bson_iter_t it;
    int64_t ms = 0;

    if (!find(d, path, &it))
        return 0;
    if (BSON_ITER_HOLDS_DATE_TIME(&it))
        return bson_iter_date_time(&it);
    if (BSON_ITER_HOLDS_NUMBER(&it))
        return bson_iter_as_int64(&it);
    if (BSON_ITER_HOLDS_UTF8(&it) && iso_parse(bson_iter_utf8(&it, NULL), &ms))
        return 0;
    return ms;
}

static int64_t doc_int(const bson_t *d, const char *path)
{
    bson_iter_t it;

    return find(d, path, &it) && BSON_ITER_HOLDS_NUMBER(&it)
               ? bson_iter_as_int64(&it) : 0;
}

static double doc_double(const bson_t *d, const char *path)
{
    bson_iter_t it;
    double v;

    if (!find(d, path, &it) || !BSON_ITER_HOLDS_NUMBER(&it))
        return 0;
    v = BSON_ITER_HOLDS_DOUBLE(&it) ? bson_iter_double(&it)
                                    : (double)bson_iter_as_int64(&it);
    return isfinite(v) ? v : 0;
}

/* A boolean (or a number, as old documents have them); dflt when absent. */
static int doc_bool(const bson_t *d, const char *path, int dflt)
{
    bson_iter_t it;

    if (!find(d, path, &it))
        return dflt;
    if (BSON_ITER_HOLDS_BOOL(&it))
        return bson_iter_bool(&it);
    if (BSON_ITER_HOLDS_NUMBER(&it))
        return bson_iter_as_int64(&it) != 0;
    return dflt;
}

/*
 * A BSON value as the REST API shows it: dates become ISO strings and
 * ObjectIds hex strings; binary, code and the like become null.
 */
static json_t *value_to_json(const bson_iter_t *it)
{
    char iso[ISO_TIME_LEN + 1], oid[25];
    bson_iter_t child;
    uint32_t len;
    const char *s;
    json_t *c;
    double v;

    switch (bson_iter_type(it)) {
    case BSON_TYPE_UTF8:
        s = bson_iter_utf8(it, &len);
        c = json_stringn(s, len);
        return c ? c : json_null();
    case BSON_TYPE_INT32:
        return json_integer(bson_iter_int32(it));
    case BSON_TYPE_INT64:
        return json_integer(bson_iter_int64(it));
    case BSON_TYPE_DOUBLE:
        v = bson_iter_double(it);
        return isfinite(v) ? json_real(v) : json_null();
    case BSON_TYPE_BOOL:
        return json_boolean(bson_iter_bool(it));
    case BSON_TYPE_DATE_TIME:
        iso_time(bson_iter_date_time(it), iso);
        return json_string(iso);
    case BSON_TYPE_OID:
        bson_oid_to_string(bson_iter_oid(it), oid);
        return json_string(oid);
    case BSON_TYPE_DOCUMENT:
    case BSON_TYPE_ARRAY:
        c = BSON_ITER_HOLDS_ARRAY(it) ? json_array() : json_object();
        if (!bson_iter_recurse(it, &child))
            return c;
        while (bson_iter_next(&child)) {
            if (json_is_array(c))
                json_array_append_new(c, value_to_json(&child));
            else
                json_object_set_new(c, bson_iter_key(&child),
                                    value_to_json(&child));
        }
        return c;
    default:
        return json_null();
    }
}

/* The value at path as JSON (new reference), or NULL when absent/null. */
static json_t *doc_json(const bson_t *d, const char *path)
{
    bson_iter_t it;

    if (!find(d, path, &it) || BSON_ITER_HOLDS_NULL(&it) ||
        bson_iter_type(&it) == BSON_TYPE_UNDEFINED)
        return NULL;
    return value_to_json(&it);
}

static char *json_text(json_t *j)
{
    struct buf b = BUF_INIT;

    json_dump_buf(&b, j);
    return buf_detach(&b, NULL);
}

/* The array or object at path as JSON text (malloc'd), NULL when absent. */
static char *doc_json_text(const bson_t *d, const char *path)
{
    json_t *j = doc_json(d, path);
    char *text = NULL;

    if (json_is_array(j) || json_is_object(j))
        text = json_text(j);
    json_decref(j);
    return text;
}

/* ---- the id maps ---- */

static int64_t map_rid(json_t *map, const char *id)
{
    json_t *v = id ? json_object_get(map, id) : NULL;

    if (json_is_array(v))
        v = json_array_get(v, 0);
    return json_integer_value(v);
}

static const char *user_name_of(struct import *im, const char *id)
{
    return json_string_value(json_array_get(json_object_get(im->users, id), 1));
}

/* ---- users ---- */

static int is_one_of(const char *s, const char *const *set)
{
    for (; s && *set; set++)
        if (strcmp(s, *set) == 0)
            return 1;
    return 0;
}

static void user_roles(const bson_t *d, struct user *u, struct tally *t)
{
    bson_iter_t it, child;

    if (!find(d, "roles", &it) || !BSON_ITER_HOLDS_ARRAY(&it) ||
        !bson_iter_recurse(&it, &child))
        return;
    while (bson_iter_next(&child)) {
        const char *role = BSON_ITER_HOLDS_UTF8(&child)
                               ? bson_iter_utf8(&child, NULL) : NULL;

        if (!role || !role_scope(role)) {
            note(t, "grants of custom roles dropped");
            continue;
        }
        if (u->nroles < USER_MAX_ROLES && !user_has_role(u, role))
            u->roles[u->nroles++] = xstrdup(role);
    }
}

static int import_user(struct import *im, const bson_t *d, struct tally *t)
{
    static const char *const types[] = { "user", "bot", "app", NULL };
    static const char *const statuses[] = { "online", "away", "busy",
                                            "offline", NULL };
    static const char *const reasons[] = { "deactivated", "pending_approval",
                                           "idle_too_long", NULL };
    struct user u = USER_INIT;
    struct totp_state totp = { 0 };
    const char *id, *username, *type, *s;
    char oid[25];
    json_t *v;
    enum err rc;

    id = doc_id(d, "_id", oid);
    username = doc_str(d, "username");
    type = doc_str(d, "type");
    if (!type)
        type = "user";
    if (!id) {
        skip(t, "without an _id");
        return 0;
    }
    if (!username || !*username) {
        skip(t, "without a username");
        return 0;
    }
    if (!is_one_of(type, types)) {
        skip(t, "of a type other than user/bot/app");
        return 0;
    }
    u.id = xstrdup(id);
    u.username = xstrdup(username);
    u.name = doc_dup(d, "name");
    u.email = doc_dup_nonempty(d, "emails.0.address");
    u.email_verified = u.email && doc_bool(d, "emails.0.verified", 0);
    u.type = xstrdup(type);
    u.active = doc_bool(d, "active", 1);
    s = doc_str(d, "status");
    u.status = xstrdup(is_one_of(s, statuses) ? s : "offline");
    s = doc_str(d, "statusDefault");
    u.status_default = is_one_of(s, statuses) ? xstrdup(s) : NULL;
    u.status_text = doc_dup(d, "statusText");
    u.password = doc_dup_nonempty(d, "services.password.bcrypt");
    u.require_password_change = doc_bool(d, "requirePasswordChange", 0);
    u.utc_offset = doc_double(d, "utcOffset");
    u.created_at = doc_ms(d, "createdAt");
    u.updated_at = doc_ms(d, "_updatedAt");
    if (!u.created_at)
        u.created_at = u.updated_at ? u.updated_at : now_ms();
    if (!u.updated_at)
        u.updated_at = u.created_at;
    u.last_login = doc_ms(d, "lastLogin");
    u.nickname = doc_dup_nonempty(d, "nickname");
    u.bio = doc_dup_nonempty(d, "bio");
    u.custom_fields = doc_json_text(d, "customFields");
    u.language = doc_dup_nonempty(d, "language");
    s = doc_str(d, "inactiveReason");
    u.inactive_reason = is_one_of(s, reasons) ? xstrdup(s) : NULL;
    user_roles(d, &u, t);
    if (doc_bool(d, "services.totp.enabled", 0)) {
        totp.secret = doc_dup_nonempty(d, "services.totp.secret");
        totp.enabled = 1;
        totp.backup = doc_json_text(d, "services.totp.hashedBackup");
    }
    if (!u.password && strcmp(u.type, "user") == 0)
        note(t, "without a password hash, who cannot log in with a "
                "password (OAuth, LDAP or SAML accounts)");
    if (!u.email && doc_str(d, "emails.0.address"))
        note(t, "with an empty e-mail address");
    rc = store_import_user(im->st, &u, &totp);
    if (rc == ERR_EXISTS) {
        skip(t, "with a username or e-mail or id already taken");
        rc = ERR_OK;
    } else if (!rc) {
        v = json_pack("[I,s]", (json_int_t)u.rid, u.username);
        json_object_set_new(im->users, u.id, v);
        json_object_set_new(im->usernames, u.username, json_string(u.id));
        if (u.active && user_has_role(&u, "admin"))
            im->admins++;
        t->imported++;
    }
    user_release(&u);
    totp_state_release(&totp);
    return rc ? FAIL : 0;
}

/* ---- rooms ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * A DM's members as rcd keeps them: uids sorted, usernames in the same
 * order (the current username of each imported member). Old documents
 * without uids get them from their usernames.
 */
static void dm_members(struct import *im, const bson_t *d, struct room *r)
{
    json_t *uids = doc_json(d, "uids"), *names = doc_json(d, "usernames");
    json_t *ids = json_array(), *sorted = json_array(), *out = json_array();
    const char **list;
    size_t i, n;
    json_t *v;

    if (json_array_size(uids) == 0) {
        json_array_foreach(names, i, v) {
            const char *id = json_string_value(json_object_get(
                im->usernames, json_string_value(v) ? json_string_value(v)
                                                    : ""));
            if (id)
                json_array_append_new(ids, json_string(id));
        }
    } else {
        json_array_foreach(uids, i, v)
            if (json_is_string(v))
                json_array_append(ids, v);
    }
    n = json_array_size(ids);
    list = xmalloc((n ? n : 1) * sizeof(*list));
    for (i = 0; i < n; i++)
        list[i] = json_string_value(json_array_get(ids, i));
    qsort(list, n, sizeof(*list), cmp_str);
    for (i = 0; i < n; i++) {
        const char *name = user_name_of(im, list[i]);
        size_t j;

        json_array_append_new(sorted, json_string(list[i]));
        /* a member not imported keeps the name that stood beside its id */
        if (!name && json_array_size(uids) == json_array_size(names))
            json_array_foreach(uids, j, v)
                if (json_is_string(v) &&
                    strcmp(json_string_value(v), list[i]) == 0)
                    name = json_string_value(json_array_get(names, j));
        json_array_append_new(out, json_string(name ? name : ""));
    }
    r->uids = json_text(sorted);
    r->usernames = json_text(out);
    free(list);
    json_decref(uids);
    json_decref(names);
    json_decref(ids);
    json_decref(sorted);
    json_decref(out);
}

static int import_room(struct import *im, const bson_t *d, struct tally *t)
{
    struct room r = ROOM_INIT;
    const char *id, *type, *prid;
    char oid[25];
    enum err rc;

    id = doc_id(d, "_id", oid);
    type = doc_str(d, "t");
    if (!id) {
        skip(t, "without an _id");
        return 0;
    }
    if (type && strcmp(type, "l") == 0) {
        skip(t, "livechat rooms");
        return 0;
    }
    if (!type || strlen(type) != 1 || !strchr("cpd", type[0])) {
        skip(t, "of a type other than c/p/d");
        return 0;
    }
    r.id = xstrdup(id);
    memcpy(r.t, type, 2);
    if (r.t[0] != 'd') {
        r.name = doc_dup_nonempty(d, "name");
        if (!r.name) {
            skip(t, "channels or groups without a name");
            room_release(&r);
            return 0;
        }
        r.u_id = doc_dup(d, "u._id");
        r.u_username = doc_dup(d, "u.username");
    } else {
        dm_members(im, d, &r);
    }
    r.fname = doc_dup_nonempty(d, "fname");
    r.topic = doc_dup_nonempty(d, "topic");
    r.description = doc_dup_nonempty(d, "description");
    r.announcement = doc_dup_nonempty(d, "announcement");
    r.ro = doc_bool(d, "ro", 0);
    r.archived = doc_bool(d, "archived", 0);
    r.is_default = doc_bool(d, "default", 0);
    r.featured = doc_bool(d, "featured", 0);
    r.broadcast = doc_bool(d, "broadcast", 0);
    r.encrypted = doc_bool(d, "encrypted", 0);
    r.msgs = doc_int(d, "msgs");
    r.users_count = doc_int(d, "usersCount");
    r.ts = doc_ms(d, "ts");
    r.updated_at = doc_ms(d, "_updatedAt");
    if (!r.ts)
        r.ts = r.updated_at ? r.updated_at : now_ms();
    if (!r.updated_at)
        r.updated_at = r.ts;
    r.lm = doc_ms(d, "lm");
    r.team_id = doc_dup_nonempty(d, "teamId");
    r.team_main = doc_bool(d, "teamMain", 0);
    r.team_default = doc_bool(d, "teamDefault", 0);
    r.custom_fields = doc_json_text(d, "customFields");
    r.join_code = doc_dup_nonempty(d, "joinCode");
    if (r.encrypted)
        note(t, "end-to-end encrypted rooms, whose messages stay unreadable "
                "without the members' keys");
    rc = store_room_insert(im->st, &r);
    if (rc == ERR_EXISTS) {
        skip(t, "with a name or id already taken");
        rc = ERR_OK;
    } else if (!rc) {
        json_object_set_new(im->rooms, r.id, json_integer(r.rid));
        prid = doc_str(d, "prid");
        if (prid && *prid)
            json_array_append_new(im->parents,
                                  json_pack("[I,s,s?]", (json_int_t)r.rid,
                                            prid, doc_str(d, "pmid")));
        t->imported++;
    }
    room_release(&r);
    return rc ? FAIL : 0;
}

/* Discussions point at their parents once every room is in. */
static int link_discussions(struct import *im, struct tally *t)
{
    size_t i;
    json_t *v;

    json_array_foreach(im->parents, i, v) {
        int64_t rid = json_integer_value(json_array_get(v, 0));
        int64_t prid = map_rid(im->rooms,
                               json_string_value(json_array_get(v, 1)));
        const char *pmid = json_string_value(json_array_get(v, 2));

        if (!prid) {
            note(t, "discussions whose parent room was not imported, kept "
                    "as plain rooms");
            continue;
        }
        if (store_import_room_parent(im->st, rid, prid) ||
            (pmid && *pmid && store_discussion_link(im->st, rid, prid, pmid)))
            return FAIL;
    }
    return 0;
}

/* ---- teams ---- */

static int import_team(struct import *im, const bson_t *d, struct tally *t)
{
    struct team tm = TEAM_INIT;
    const char *id, *name, *room_id;
    char oid[25];
    enum err rc;

    id = doc_id(d, "_id", oid);
    name = doc_str(d, "name");
    room_id = doc_str(d, "roomId");
    if (!id || !name || !*name) {
        skip(t, "without an _id or a name");
        return 0;
    }
    if (!map_rid(im->rooms, room_id)) {
        skip(t, "whose main room was not imported");
        return 0;
    }
    tm.id = xstrdup(id);
    tm.name = xstrdup(name);
    tm.type = doc_int(d, "type") == 1;
    tm.room_id = xstrdup(room_id);
    tm.created_at = doc_ms(d, "createdAt");
    tm.updated_at = doc_ms(d, "_updatedAt");
    if (!tm.created_at)
        tm.created_at = tm.updated_at ? tm.updated_at : now_ms();
    if (!tm.updated_at)
        tm.updated_at = tm.created_at;
    tm.created_by_id = xstrdup(doc_str(d, "createdBy._id")
                                   ? doc_str(d, "createdBy._id") : "");
    tm.created_by_username = xstrdup(doc_str(d, "createdBy.username")
                                         ? doc_str(d, "createdBy.username")
                                         : "");
    rc = store_team_insert(im->st, &tm);
    if (rc == ERR_EXISTS) {
        skip(t, "whose id or name was taken");
        rc = ERR_OK;
    } else if (!rc) {
        json_object_set_new(im->teams, tm.id, json_integer(tm.tid));
        t->imported++;
    }
    team_release(&tm);
    return rc ? FAIL : 0;
}

/* A JSON array text of the strings at path, NULL when none. */
static char *doc_roles(const bson_t *d, const char *path)
{
    json_t *a = doc_json(d, path), *out = json_array(), *v;
    char *text = NULL;
    size_t i;

    json_array_foreach(a, i, v)
        if (json_is_string(v))
            json_array_append(out, v);
    if (json_array_size(out))
        text = json_text(out);
    json_decref(a);
    json_decref(out);
    return text;
}

static int import_team_member(struct import *im, const bson_t *d,
                              struct tally *t)
{
    struct team_member m = TEAM_MEMBER_INIT;
    enum err rc;

    m.team_tid = map_rid(im->teams, doc_str(d, "teamId"));
    m.user_rid = map_rid(im->users, doc_str(d, "userId"));
    if (!m.team_tid) {
        skip(t, "of teams not imported");
        return 0;
    }
    if (!m.user_rid) {
        skip(t, "of users not imported");
        return 0;
    }
    m.roles = doc_roles(d, "roles");
    m.created_at = doc_ms(d, "createdAt");
    if (!m.created_at)
        m.created_at = now_ms();
    m.created_by_id = doc_dup(d, "createdBy._id");
    m.created_by_username = doc_dup(d, "createdBy.username");
    rc = store_team_member_add(im->st, &m);
    if (rc == ERR_EXISTS) {
        skip(t, "duplicate memberships");
        rc = ERR_OK;
    } else if (!rc) {
        t->imported++;
    }
    team_member_release(&m);
    return rc ? FAIL : 0;
}

/* ---- subscriptions ---- */

static int import_sub(struct import *im, const bson_t *d, struct tally *t)
{
    struct subscription s = SUBSCRIPTION_INIT;
    const char *id;
    char oid[25];
    enum err rc;

    id = doc_id(d, "_id", oid);
    s.room_rid = map_rid(im->rooms, doc_str(d, "rid"));
    s.user_rid = map_rid(im->users, doc_str(d, "u._id"));
    if (!id) {
        skip(t, "without an _id");
        return 0;
    }
    if (!s.room_rid) {
        skip(t, "to rooms not imported");
        return 0;
    }
    if (!s.user_rid) {
        skip(t, "of users not imported");
        return 0;
    }
    s.id = xstrdup(id);
    s.roles = doc_roles(d, "roles");
    s.ts = doc_ms(d, "ts");
    s.updated_at = doc_ms(d, "_updatedAt");
    if (!s.ts)
        s.ts = s.updated_at ? s.updated_at : now_ms();
    if (!s.updated_at)
        s.updated_at = s.ts;
    s.ls = doc_ms(d, "ls");
    s.open = doc_bool(d, "open", 1);
    s.alert = doc_bool(d, "alert", 0);
    s.archived = doc_bool(d, "archived", 0);
    s.unread = doc_int(d, "unread");
    s.user_mentions = doc_int(d, "userMentions");
    s.group_mentions = doc_int(d, "groupMentions");
    s.desktop = doc_dup_nonempty(d, "desktopNotifications");
    s.desktop_origin = doc_dup_nonempty(d, "desktopPrefOrigin");
    s.mobile = doc_dup_nonempty(d, "mobilePushNotifications");
    s.mobile_origin = doc_dup_nonempty(d, "mobilePrefOrigin");
    s.email = doc_dup_nonempty(d, "emailNotifications");
    s.email_origin = doc_dup_nonempty(d, "emailPrefOrigin");
    s.audio = doc_dup_nonempty(d, "audioNotificationValue");
    s.disable_notifications = doc_bool(d, "disableNotifications", 0);
    s.mute_group_mentions = doc_bool(d, "muteGroupMentions", 0);
    s.hide_unread = doc_bool(d, "hideUnreadStatus", 0);
    s.hide_mention = doc_bool(d, "hideMentionStatus", 0);
    s.unread_alert = doc_dup_nonempty(d, "unreadAlert");
    rc = store_import_sub(im->st, &s);
    if (rc == ERR_EXISTS) {
        skip(t, "duplicate memberships");
        rc = ERR_OK;
    } else if (!rc) {
        t->imported++;
    }
    subscription_release(&s);
    return rc ? FAIL : 0;
}

/* ---- messages ---- */

static int import_message(struct import *im, const bson_t *d, struct tally *t)
{
    struct message m = MESSAGE_INIT;
    const char *id, *uid, *uname;
    char oid[25];
    enum err rc;

    id = doc_id(d, "_id", oid);
    uid = doc_str(d, "u._id");
    uname = doc_str(d, "u.username");
    if (!id) {
        skip(t, "without an _id");
        return 0;
    }
    if (doc_bool(d, "_hidden", 0)) {
        skip(t, "edit-history copies");
        return 0;
    }
    m.room_rid = map_rid(im->rooms, doc_str(d, "rid"));
    if (!m.room_rid) {
        skip(t, "in rooms not imported");
        return 0;
    }
    if (!uid || !uname) {
        skip(t, "without a sender");
        return 0;
    }
    m.id = xstrdup(id);
    m.u_id = xstrdup(uid);
    m.u_username = xstrdup(uname);
    m.u_name = doc_dup(d, "u.name");
    m.ts = doc_ms(d, "ts");
    m.updated_at = doc_ms(d, "_updatedAt");
    if (!m.ts)
        m.ts = m.updated_at;
    if (!m.updated_at)
        m.updated_at = m.ts;
    m.msg = doc_dup(d, "msg");
    m.t = doc_dup_nonempty(d, "t");
    m.tmid = doc_dup_nonempty(d, "tmid");
    m.tshow = doc_bool(d, "tshow", 0);
    m.tcount = doc_int(d, "tcount");
    m.tlm = doc_ms(d, "tlm");
    m.replies = doc_json_text(d, "replies");
    m.alias = doc_dup_nonempty(d, "alias");
    m.emoji = doc_dup_nonempty(d, "emoji");
    m.avatar = doc_dup_nonempty(d, "avatar");
    m.attachments = doc_json_text(d, "attachments");
    m.mentions = doc_json_text(d, "mentions");
    m.channels = doc_json_text(d, "channels");
    m.edited_at = doc_ms(d, "editedAt");
    m.edited_by = m.edited_at ? doc_json_text(d, "editedBy") : NULL;
    m.drid = doc_dup_nonempty(d, "drid");
    m.dcount = doc_int(d, "dcount");
    m.dlm = doc_ms(d, "dlm");
    m.bot = doc_json_text(d, "bot");
    m.custom_fields = doc_json_text(d, "customFields");
    m.role = doc_dup_nonempty(d, "role");
    m.groupable = doc_bool(d, "groupable", -1);
    if (!m.ts) {
        skip(t, "without a timestamp");
        message_release(&m);
        return 0;
    }
    if (doc_has(d, "file") || doc_has(d, "files"))
        note(t, "point at uploaded files, which are not imported");
    rc = store_import_message(im->st, &m);
    if (rc == ERR_EXISTS) {
        skip(t, "duplicate ids");
        rc = ERR_OK;
    } else if (!rc) {
        t->imported++;
    }
    message_release(&m);
    return rc ? FAIL : 0;
}

/* Each room's lastMessage, computed from what was imported. */
static int set_last_messages(struct import *im)
{
    const char *id;
    json_t *v, *j;

    json_object_foreach(im->rooms, id, v) {
        struct message m = MESSAGE_INIT;
        enum err rc = store_message_last_visible(im->st, json_integer_value(v),
                                                 &m);
        char *text;

        if (rc == ERR_NOT_FOUND)
            continue;
        if (rc)
            return FAIL;
        j = message_to_json(&m);
        text = json_text(j);
        json_decref(j);
        rc = store_import_last_message(im->st, m.room_rid, text);
        free(text);
        message_release(&m);
        if (rc)
            return FAIL;
    }
    return 0;
}

/* ---- integrations, settings, permissions, roles ---- */

static int import_integration(struct import *im, const bson_t *d,
                              struct tally *t)
{
    struct integration in = INTEGRATION_INIT;
    const char *id, *type, *token, *user_id;
    char oid[25];
    json_t *channel;
    enum err rc;

    id = doc_id(d, "_id", oid);
    type = doc_str(d, "type");
    token = doc_str(d, "token");
    user_id = doc_str(d, "userId");
    if (!id) {
        skip(t, "without an _id");
        return 0;
    }
    if (!type || strcmp(type, "webhook-incoming") != 0) {
        skip(t, type && strcmp(type, "webhook-outgoing") == 0
                    ? "outgoing webhooks"
                    : "of a type rcd has no place for");
        return 0;
    }
    if (!token || !*token) {
        skip(t, "without a token");
        return 0;
    }
    if (!map_rid(im->users, user_id)) {
        skip(t, "whose post-as user was not imported");
        return 0;
    }
    in.id = xstrdup(id);
    in.type = xstrdup(type);
    in.name = xstrdup(doc_str(d, "name") ? doc_str(d, "name") : "");
    in.enabled = doc_bool(d, "enabled", 1);
    in.token = xstrdup(token);
    in.user_id = xstrdup(user_id);
    in.username = xstrdup(user_name_of(im, user_id));
    /* Rocket.Chat keeps an array; very old documents a string */
    channel = doc_json(d, "channel");
    if (json_is_string(channel))
        channel = json_pack("[o]", channel);
    if (!json_is_array(channel)) {
        json_decref(channel);
        channel = json_array();
    }
    in.channel = json_text(channel);
    json_decref(channel);
    in.alias = doc_dup_nonempty(d, "alias");
    in.emoji = doc_dup_nonempty(d, "emoji");
    in.avatar = doc_dup_nonempty(d, "avatar");
    in.script_enabled = doc_bool(d, "scriptEnabled", 0);
    in.script = doc_dup_nonempty(d, "script");
    in.script_engine = xstrdup(doc_str(d, "scriptEngine")
                                   ? doc_str(d, "scriptEngine")
                                   : "isolated-vm");
    in.override_dest = doc_bool(d, "overrideDestinationChannelEnabled", 0);
    in.created_at = doc_ms(d, "_createdAt");
    in.updated_at = doc_ms(d, "_updatedAt");
    if (!in.created_at)
        in.created_at = in.updated_at ? in.updated_at : now_ms();
    if (!in.updated_at)
        in.updated_at = in.created_at;
    in.created_by_id = xstrdup(doc_str(d, "_createdBy._id")
                                   ? doc_str(d, "_createdBy._id") : user_id);
    in.created_by_username = doc_dup(d, "_createdBy.username");
    if (in.script_enabled)
        note(t, "with a script, kept but never run");
    rc = store_integration_insert(im->st, &in);
    if (rc == ERR_EXISTS) {
        skip(t, "whose id was taken");
        rc = ERR_OK;
    } else if (!rc) {
        t->imported++;
    }
    integration_release(&in);
    return rc ? FAIL : 0;
}

static int import_setting(struct import *im, const bson_t *d, struct tally *t)
{
    const char *id = doc_str(d, "_id");
    json_t *value;
    enum err rc;

    if (!id || !setting_get(im->settings, id)) {
        skip(t, "unknown to rcd");
        return 0;
    }
    value = doc_json(d, "value");
    if (!value) {
        skip(t, "without a value");
        return 0;
    }
    /* JavaScript numbers: a whole double is an integer setting's value */
    if (json_is_real(value) && json_real_value(value) ==
            floor(json_real_value(value)) &&
        fabs(json_real_value(value)) < 9007199254740992.0) {
        json_t *whole = json_integer((json_int_t)json_real_value(value));

        json_decref(value);
        value = whole;
    }
    rc = setting_set(im->settings, im->st, id, value);     /* steals value */
    if (rc == ERR_INVALID) {
        skip(t, "with a value of the wrong type");
        return 0;
    }
    if (rc)
        return FAIL;
    t->imported++;
    return 0;
}

static int import_permission(struct import *im, const bson_t *d,
                             struct tally *t)
{
    const char *id = doc_str(d, "_id");
    json_t *roles, *known, *v;
    size_t i;
    enum err rc;

    if (!id || !permission_exists(id)) {
        skip(t, "unknown to rcd");
        return 0;
    }
    roles = doc_json(d, "roles");
    known = json_array();
    json_array_foreach(roles, i, v) {
        if (json_is_string(v) && role_scope(json_string_value(v)))
            json_array_append(known, v);
        else
            note(t, "grants to custom roles dropped");
    }
    rc = permission_set(im->perms, im->st, id, known);
    json_decref(roles);
    json_decref(known);
    if (rc)
        return FAIL;
    t->imported++;
    return 0;
}

static int import_role(struct import *im, const bson_t *d, struct tally *t)
{
    const char *id = doc_str(d, "_id");

    (void)im;
    if (!id || !role_scope(id)) {
        skip(t, "custom roles rcd does not have");
        return 0;
    }
    /* a built-in role: rcd has it already */
    t->imported++;
    return 0;
}

/* ---- the dump folder ---- */

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n > m && strcmp(s + n - m, suffix) == 0;
}

static int is_bson_name(const char *name)
{
    return has_suffix(name, ".bson") || has_suffix(name, ".bson.gz");
}

static int holds_bson(const char *dir)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    int found = 0;

    if (!dp)
        return 0;
    while (!found && (e = readdir(dp)))
        found = is_bson_name(e->d_name);
    closedir(dp);
    return found;
}

/*
 * The folder holding the .bson files: dir itself, or its one database
 * subfolder (mongodump writes dump/<dbname>/). NULL after reporting.
 */
static char *find_dump_dir(const char *dir)
{
    struct buf sub = BUF_INIT, names = BUF_INIT;
    char *found = NULL;
    struct dirent *e;
    int n = 0;
    DIR *dp = opendir(dir);

    if (!dp) {
        fail("cannot read '%s': %s", dir, strerror(errno));
        return NULL;
    }
    if (holds_bson(dir)) {
        closedir(dp);
        return xstrdup(dir);
    }
    while ((e = readdir(dp))) {
        if (e->d_name[0] == '.')
            continue;
        buf_reset(&sub);
        buf_addf(&sub, "%s/%s", dir, e->d_name);
        if (!holds_bson(sub.data))
            continue;
        buf_addf(&names, "%s'%s'", n ? ", " : "", e->d_name);
        if (!n++)
            found = xstrdup(sub.data);
    }
    closedir(dp);
    if (n == 0)
        fail("'%s' holds no .bson files: not a mongodump folder", dir);
    else if (n > 1)
        fail("'%s' holds several databases (%s): name one of them", dir,
             names.data);
    if (n != 1) {
        free(found);
        found = NULL;
    }
    buf_release(&sub);
    buf_release(&names);
    return found;
}

static const struct collection {
    const char *name;
    doc_fn fn;
} collections[] = {
    { "users", import_user },
    { "rocketchat_room", import_room },
    { "rocketchat_team", import_team },
    { "rocketchat_team_member", import_team_member },
    { "rocketchat_subscription", import_sub },
    { "rocketchat_message", import_message },
    { "rocketchat_integrations", import_integration },
    { "rocketchat_settings", import_setting },
    { "rocketchat_permissions", import_permission },
    { "rocketchat_roles", import_role },
};

/* One line for each collection of the dump that is not read at all. */
static void report_ignored(const char *dir)
{
    DIR *dp = opendir(dir);
    struct dirent *e;

    if (!dp)
        return;
    while ((e = readdir(dp))) {
        size_t len = strlen(e->d_name);
        const char *why = "rcd has no place for it";
        int known = 0;

        if (!is_bson_name(e->d_name))
            continue;
        len -= has_suffix(e->d_name, ".gz") ? strlen(".bson.gz")
                                            : strlen(".bson");
        for (size_t i = 0; i < ARRAY_SIZE(collections); i++)
            if (strlen(collections[i].name) == len &&
                strncmp(collections[i].name, e->d_name, len) == 0)
                known = 1;
        if (known)
            continue;
        if ((len == strlen("rocketchat_uploads") &&
             strncmp(e->d_name, "rocketchat_uploads", len) == 0) ||
            strstr(e->d_name, ".chunks.") || strstr(e->d_name, ".files."))
            why = "file uploads";
        else if (strncmp(e->d_name, "rocketchat_livechat",
                         strlen("rocketchat_livechat")) == 0)
            why = "livechat";
        fprintf(stderr, "%.*s: not imported (%s)\n", (int)len, e->d_name,
                why);
    }
    closedir(dp);
}

/* Every collection in order, then what depends on all of them. */
static int import_all(struct import *im)
{
    struct tally links = { .name = "discussions" };
    int present;

    for (size_t i = 0; i < ARRAY_SIZE(collections); i++) {
        if (each_doc(im, collections[i].name, collections[i].fn, &present))
            return FAIL;
        if (i == 0 && !present) {
            fail("'%s' holds no users.bson: not a Rocket.Chat dump",
                 im->dir);
            return FAIL;
        }
        if (strcmp(collections[i].name, "rocketchat_room") == 0) {
            if (link_discussions(im, &links))
                return FAIL;
            if (links.note[0].why)
                fprintf(stderr, "rocketchat_room: %lld %s\n",
                        (long long)links.note[0].n, links.note[0].why);
        }
    }
    if (store_import_recount(im->st) || set_last_messages(im))
        return FAIL;
    report_ignored(im->dir);
    if (!im->admins)
        fprintf(stderr, "rcd import-mongodump: no active admin was "
                        "imported; rcd creates one from ADMIN_USERNAME and "
                        "ADMIN_PASS on its first start\n");
    return 0;
}

/* Remove a database file this run created (and its side files). */
static void remove_created(const char *db)
{
    static const char *const sides[] = { "", "-wal", "-shm", "-journal",
                                         ".lock" };
    struct buf path = BUF_INIT;

    for (size_t i = 0; i < ARRAY_SIZE(sides); i++) {
        buf_reset(&path);
        buf_addf(&path, "%s%s", db, sides[i]);
        unlink(path.data);
    }
    buf_release(&path);
}

static int run(const char *dir, const char *db, int dry_run)
{
    struct import im = { 0 };
    struct stat sb;
    int64_t users = 0, rooms = 0, start = mono_ms();
    int created = stat(db, &sb) != 0, lock = -1, status = 1, in_tx = 0;

    im.dir = find_dump_dir(dir);
    if (!im.dir)
        return 1;
    lock = store_lock(db);
    if (lock < 0) {
        fail("cannot lock '%s': stop the rcd using it first", db);
        goto out;
    }
    if (store_open(db, &im.st)) {
        fail("cannot open the database '%s'", db);
        goto out;
    }
    if (store_import_counts(im.st, &users, &rooms))
        goto out;
    if (users || rooms) {
        fail("'%s' already holds %lld users and %lld rooms; import into a "
             "new database instead (rcd import-mongodump %s --db NEW.db)",
             db, (long long)users, (long long)rooms, dir);
        goto out;
    }
    im.settings = settings_new(im.st, NULL);
    im.perms = perms_new(im.st);
    im.users = json_object();
    im.usernames = json_object();
    im.rooms = json_object();
    im.teams = json_object();
    im.parents = json_array();
    if (store_begin(im.st))
        goto out;
    in_tx = 1;
    if (import_all(&im))
        goto out;
    in_tx = 0;
    if (dry_run) {
        store_rollback(im.st);
        fprintf(stderr, "rcd import-mongodump: dry run: nothing written to "
                        "'%s' (%lld ms)\n", db,
                (long long)(mono_ms() - start));
        status = 0;
    } else if (store_commit(im.st) == ERR_OK) {
        fprintf(stderr, "rcd import-mongodump: imported '%s' into '%s' "
                        "(%lld ms)\n", im.dir, db,
                (long long)(mono_ms() - start));
        status = 0;
    } else {
        fail("cannot commit the import into '%s'", db);
    }
out:
    if (in_tx) {
        store_rollback(im.st);
        fprintf(stderr, "rcd import-mongodump: nothing was written to "
                        "'%s'\n", db);
    }
    settings_free(im.settings);
    perms_free(im.perms);
    json_decref(im.users);
    json_decref(im.usernames);
    json_decref(im.rooms);
    json_decref(im.teams);
    json_decref(im.parents);
    store_close(im.st);
    if (created && lock >= 0 && (status || dry_run))
        remove_created(db);
    store_unlock(lock);
    free((char *)im.dir);
    return status;
}

int import_main(int argc, char **argv, const char *usage)
{
    static const struct option opts[] = {
        { "db", required_argument, NULL, 'd' },
        { "dry-run", no_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db = getenv("RCD_DB");
    int c, dry_run = 0;

    if (!db || !*db)
        db = "var/rcd.db";
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:nh", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'n': dry_run = 1; break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "rcd import-mongodump: expected one folder\n");
        fputs(usage, stderr);
        return 2;
    }
    return run(argv[optind], db, dry_run);
}
