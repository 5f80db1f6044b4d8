/*
 * user ...: look up, list, create, change, (de)activate, delete and log
 * out users, reset their 2FA and change their roles, with only the
 * users.* and roles.* endpoints real Rocket.Chat has.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../../shared/buf.h"
#include "../../shared/json.h"
#include "../../shared/timeutil.h"
#include "../client.h"
#include "../command.h"
#include "../journal.h"
#include "../prompt.h"

#define DAY_MS (24LL * 60 * 60 * 1000)
#define PAGE_USERS 100          /* Rocket.Chat's default upper count */
#define MAX_CONFIRM_NAMES 5     /* items named in a confirmation question */

/* ---- helpers of this group ---- */

static const char *const user_columns[] = { "username", "_id", NULL };

static int parse_bool(const char *s, int *out)
{
    if (!strcmp(s, "true") || !strcmp(s, "yes")) {
        *out = 1;
        return 0;
    }
    if (!strcmp(s, "false") || !strcmp(s, "no")) {
        *out = 0;
        return 0;
    }
    return -1;
}

/*
 * users.info for name: a username, or a user id when by_id. On success
 * *user is the user (caller json_decref()s it); else *r holds why.
 */
static enum err user_get(struct client *c, const char *name, int by_id,
                         json_t **user, struct client_reply *r)
{
    return command_user_info(c, name, !by_id, by_id, NULL, user, r);
}

/* Append a value for messages: 'text', (none), or compact JSON. */
static void describe_value(struct buf *out, const json_t *v)
{
    char *s;

    if (!v || json_is_null(v)) {
        buf_adds(out, "(none)");
    } else if (json_is_string(v)) {
        buf_addf(out, "'%s'", json_string_value(v));
    } else {
        s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        buf_adds(out, s);
        free(s);
    }
}

static int has_role(const json_t *user, const char *role)
{
    const json_t *roles = json_object_get(user, "roles");
    size_t i;
    json_t *r;

    json_array_foreach(roles, i, r) {
        if (json_is_string(r) && !strcmp(json_string_value(r), role))
            return 1;
    }
    return 0;
}

/* The time at key in ms, or -1 when absent or not a time. */
static int64_t user_time(const json_t *user, const char *key)
{
    const char *s = json_str(user, key);
    int64_t ms;

    return s && !iso_parse(s, &ms) ? ms : -1;
}

/*
 * Rocket.Chat's idle rule (Users.setActiveNotLoggedInAfterWithRole, and
 * rcd's store_users_deactivate_idle): the last login is at or before the
 * cutoff, or there never was one and the account was created at or
 * before it. users.list shows createdAt only when asked for with fields;
 * a server that ignores fields is asked with users.info.
 */
static int user_is_idle(struct client *c, const json_t *user, int64_t cutoff)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    json_t *full = NULL;
    int64_t t = user_time(user, "lastLogin");
    const char *id;

    if (t >= 0)
        return t <= cutoff;
    if (json_object_get(user, "lastLogin"))
        return 0;   /* present but not a time: do not guess */
    t = user_time(user, "createdAt");
    id = json_str(user, "_id");
    if (t < 0 && id && !user_get(c, id, 1, &full, &r))
        t = user_time(full, "createdAt");
    json_decref(full);
    client_reply_release(&r);
    return t >= 0 && t <= cutoff;
}

/* The name to show for a user: its username, else what was asked for. */
static const char *user_label(const json_t *user, const char *asked)
{
    const char *u = json_str(user, "username");

    return u ? u : asked;
}

/*
 * Page through users.list from offset, at most limit users (0: all), in
 * the server's order (by username), and call fn for each. extra_fields
 * (a JSON object or NULL, borrowed) is sent as fields. Returns ERR_OK or
 * the error, with *r holding the failing reply.
 */
static enum err users_each(struct client *c, const json_t *extra_fields,
                           long offset, long limit, client_item_fn *fn,
                           void *data, struct client_reply *r)
{
    struct buf base = BUF_INIT, url = BUF_INIT, why = BUF_INIT;
    struct pager p;
    long seen = 0;
    enum err e = ERR_OK;

    buf_adds(&base, "/api/v1/users.list");
    if (extra_fields && json_object_size(extra_fields)) {
        char *f = json_dumps(extra_fields, JSON_COMPACT | JSON_SORT_KEYS);

        client_query(&base, "fields", f);
        free(f);
    }
    pager_init(&p, limit > 0 && limit < PAGE_USERS ? limit : PAGE_USERS);
    p.offset = offset;
    while (!p.done && (!limit || seen < limit)) {
        const json_t *items;
        size_t i;
        json_t *item;

        pager_path(&p, base.data, &url);
        e = client_get(c, url.data, r);
        if (e)
            break;
        e = pager_feed(&p, r->json, "users", &items, &why);
        if (e) {
            r->err = e;
            free(r->error);
            r->error = buf_detach(&why, NULL);
            break;
        }
        json_array_foreach(items, i, item) {
            if (limit && seen >= limit)
                break;
            seen++;
            if (fn(item, data))
                goto out;
        }
    }
out:
    if (!e)
        client_reply_release(r);
    pager_release(&p);
    buf_release(&base);
    buf_release(&url);
    buf_release(&why);
    return e;
}

/* ---- user info ---- */

static int user_info(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "id", no_argument, NULL, 'i' },
        { NULL, 0, NULL, 0 },
    };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct client *c;
    struct output *o;
    json_t *user = NULL;
    int by_id = 0, opt, rc;

    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt != 'i')
            return command_bad_option(argv);
        by_id = 1;
    }
    if (argc - optind != 1)
        return usage_errorf("%s", argc - optind ? "want one user"
                                                : "want a username (or --id "
                                                  "ID)");
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    if (user_get(c, argv[optind], by_id, &user, &r)) {
        rc = command_fail(&r, "cannot get user %s'%s'", by_id ? "id " : "",
                          argv[optind]);
        goto out;
    }
    o = command_output(ctx, 0);
    output_item(o, user);
    rc = command_output_end(o);
out:
    json_decref(user);
    client_reply_release(&r);
    return rc;
}

/* ---- user list ---- */

struct user_filter {
    struct rcctl *ctx;
    struct client *c;
    struct output *o;         /* opened at the first match: a failed first
                                 page prints nothing on stdout */
    const char *status;       /* or NULL */
    const char *role;         /* or NULL */
    int unverified;           /* first e-mail not verified */
    int active;               /* 1: active only, 0: inactive only, -1: all */
    int idle;                 /* apply the idle rule with cutoff */
    int64_t cutoff;           /* ms since the epoch */
    json_t *matched;          /* deactivate-idle: the users, or NULL */
    int blind;                /* users came without roles: the caller may
                                 not see roles, e-mails and last logins */
    const char *self_id;      /* deactivate-idle: the caller, never matched */
    int skipped_self;         /* the caller matched and was left out */
};

static int user_matches(struct user_filter *f, const json_t *u)
{
    const json_t *email = json_array_get(json_object_get(u, "emails"), 0);
    const char *status = json_str(u, "status");

    if (f->status && (!status || strcmp(status, f->status)))
        return 0;
    if (f->role && !has_role(u, f->role))
        return 0;
    if (f->unverified &&
        (!email || json_is_true(json_object_get(email, "verified"))))
        return 0;
    if (f->active >= 0 &&
        json_is_true(json_object_get(u, "active")) != f->active)
        return 0;
    if (f->idle && !user_is_idle(f->c, u, f->cutoff))
        return 0;
    return 1;
}

static int filter_item(const json_t *item, void *data)
{
    struct user_filter *f = data;

    /*
     * Without view-full-other-user-info users.list leaves out roles,
     * emails and lastLogin; the filters on them would then quietly match
     * nobody.
     */
    if (!f->blind && (f->role || f->unverified || f->idle) &&
        !json_object_get(item, "roles")) {
        f->blind = 1;
        if (f->matched)
            return 1;
        warningf("the server does not show you users' roles, e-mails and "
                 "last logins (view-full-other-user-info), so the filters "
                 "on them match nobody");
    }
    if (!user_matches(f, item))
        return 0;
    if (f->self_id && json_str(item, "_id") &&
        !strcmp(json_str(item, "_id"), f->self_id)) {
        f->skipped_self = 1;
        return 0;
    }
    if (!f->o)
        f->o = command_output(f->ctx, 1);
    output_item(f->o, item);
    if (f->matched)
        json_array_append(f->matched, (json_t *)item);
    return 0;
}

/* users.list shows these unless fields asks for more. */
static int is_default_field(const char *key, size_t n)
{
    static const char *const keys[] = {
        "_id", "name", "username", "emails", "roles", "status", "active",
        "avatarETag", "lastLogin", "type", "nameInsensitive", NULL,
    };

    for (size_t i = 0; keys[i]; i++) {
        if (strlen(keys[i]) == n && !strncmp(keys[i], key, n))
            return 1;
    }
    return 0;
}

/* fields for users.list: createdAt when idle, and what --columns names. */
static json_t *list_fields(const struct rcctl *ctx, int idle)
{
    json_t *fields = json_object();
    const char *p = ctx->out.columns;

    if (idle)
        json_object_set_new(fields, "createdAt", json_integer(1));
    while (p && *p) {
        size_t n;
        char *key;

        p = command_skip_blanks(p);
        n = strcspn(p, ".,");
        key = xstrndup(p, n);
        command_chomp(key);
        if (*key && !is_default_field(key, strlen(key)))
            json_object_set_new(fields, key, json_integer(1));
        free(key);
        p += strcspn(p, ",");
        p += *p == ',';
    }
    return fields;
}

static int user_list(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "status", required_argument, NULL, 's' },
        { "unverified", no_argument, NULL, 'u' },
        { "role", required_argument, NULL, 'r' },
        { "inactive", no_argument, NULL, 'I' },
        { "active", no_argument, NULL, 'A' },
        { "idle-days", required_argument, NULL, 'd' },
        { "offset", required_argument, NULL, 'O' },
        { "count", required_argument, NULL, 'C' },
        { NULL, 0, NULL, 0 },
    };
    static const char *const statuses[] = {
        "online", "away", "busy", "offline", NULL,
    };
    struct user_filter f = { 0 };
    struct client_reply r = CLIENT_REPLY_INIT;
    long days = -1, offset = 0, count = 0;
    json_t *fields = NULL;
    int opt, rc, ok = 0;
    enum err e;

    f.active = -1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 's': f.status = optarg; break;
        case 'u': f.unverified = 1; break;
        case 'r': f.role = optarg; break;
        case 'I': f.active = 0; break;
        case 'A': f.active = 1; break;
        case 'd':
            if (command_parse_long(optarg, 0, 1000000, &days))
                return usage_errorf("--idle-days wants a whole number of "
                                    "days, not '%s'", optarg);
            break;
        case 'O':
            if (command_parse_long(optarg, 0, 1L << 40, &offset))
                return usage_errorf("--offset wants a number, not '%s'",
                                    optarg);
            break;
        case 'C':
            if (command_parse_long(optarg, 1, 1L << 40, &count))
                return usage_errorf("--count wants a number from 1, not "
                                    "'%s'", optarg);
            break;
        default:
            return command_bad_option(argv);
        }
    }
    if (optind < argc)
        return usage_errorf("unexpected argument '%s'", argv[optind]);
    for (size_t i = 0; f.status && statuses[i]; i++)
        ok |= !strcmp(f.status, statuses[i]);
    if (f.status && !ok)
        return usage_errorf("--status wants online, away, busy or offline, "
                            "not '%s'", f.status);
    rc = command_client(ctx, &f.c);
    if (rc)
        return rc;
    if (days >= 0) {
        f.idle = 1;
        f.cutoff = now_ms() - days * DAY_MS;
    }
    fields = list_fields(ctx, f.idle);
    f.ctx = ctx;
    e = users_each(f.c, fields, offset, count, filter_item, &f, &r);
    if (!f.o && !e)
        f.o = command_output(ctx, 1);
    rc = f.o ? command_output_end(f.o) : EXIT_OK;
    if (e)
        rc = command_fail(&r, "cannot list the users of '%s'",
                          client_url(f.c));
    json_decref(fields);
    client_reply_release(&r);
    return rc;
}

/* ---- user deactivate-idle ---- */

/* Journal that user (id, name) is now active or not; undo flips it. */
static void journal_active(struct rcctl *ctx, const char *id,
                           const char *name, int active, const json_t *body)
{
    journal_add(ctx, &(struct journal_entry){
        .type = "user", .id = id, .name = name,
        .action = active ? "activate" : "deactivate",
        .before = json_pack("{s:b}", "active", !active),
        .after = json_pack("{s:b}", "active", active),
        .path = "/api/v1/users.setActiveStatus", .body = body,
        .undo_path = "/api/v1/users.setActiveStatus",
        .undo_body = json_pack("{s:s?, s:b}", "userId", id, "activeStatus",
                               !active),
    });
}

static int user_deactivate_idle(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "days", required_argument, NULL, 'd' },
        { "role", required_argument, NULL, 'r' },
        { "max", required_argument, NULL, 'm' },
        { "yes", no_argument, NULL, 'y' },
        { "dry-run", no_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };
    struct user_filter f = { 0 };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct buf q = BUF_INIT;
    struct bulk b;
    long days = -1, max = -1;
    int yes = 0, dry_run = 0, opt, rc;
    size_t n, i;
    json_t *fields = NULL, *u;
    enum err e;

    while ((opt = getopt_long(argc, argv, "yn", opts, NULL)) != -1) {
        switch (opt) {
        case 'd':
            if (command_parse_long(optarg, 0, 1000000, &days))
                return usage_errorf("--days wants a whole number of days, "
                                    "not '%s'", optarg);
            break;
        case 'r': f.role = optarg; break;
        case 'm':
            if (command_parse_long(optarg, 0, 1L << 40, &max))
                return usage_errorf("--max wants a number, not '%s'", optarg);
            break;
        case 'y': yes = 1; break;
        case 'n': dry_run = 1; break;
        default: return command_bad_option(argv);
        }
    }
    if (optind < argc)
        return usage_errorf("unexpected argument '%s'", argv[optind]);
    if (days < 0)
        return usage_errorf("want --days N");
    if (!f.role)
        f.role = "user";   /* users.deactivateIdle's default too */
    rc = command_client(ctx, &f.c);
    if (rc)
        return rc;
    f.active = 1;
    f.idle = 1;
    f.cutoff = now_ms() - days * DAY_MS;
    f.matched = json_array();
    fields = json_pack("{s:i}", "createdAt", 1);
    f.ctx = ctx;
    /* deactivating yourself would also end this run's session */
    f.self_id = ctx->session.user_id;
    e = users_each(f.c, fields, 0, 0, filter_item, &f, &r);
    if (!f.o && !e)
        f.o = command_output(ctx, 1);
    rc = f.o ? command_output_end(f.o) : EXIT_OK;
    if (e) {
        rc = command_fail(&r, "cannot list the users of '%s'",
                          client_url(f.c));
        goto out;
    }
    if (rc)
        goto out;
    if (f.blind) {
        errorf("cannot see the roles and last logins of the users of '%s' "
               "(that needs the view-full-other-user-info permission); "
               "nothing changed", client_url(f.c));
        rc = EXIT_AUTH;
        goto out;
    }
    if (f.skipped_self)
        warningf("you are idle too by this rule, but rcctl leaves your own "
                 "account out");
    n = json_array_size(f.matched);
    if (!n) {
        if (!ctx->quiet)
            fprintf(stderr, "rcctl: no active user with role '%s' has been "
                            "idle for %ld days\n", f.role, days);
        goto out;
    }
    if (max >= 0 && (long)n > max) {
        rc = errorf("refusing: %zu users would be deactivated, more than "
                    "--max %ld; nothing changed", n, max);
        goto out;
    }
    if (dry_run || (!yes && !(isatty(STDIN_FILENO) &&
                              isatty(STDERR_FILENO)))) {
        if (!ctx->quiet)
            fprintf(stderr, "rcctl: %zu user%s with role '%s' idle for %ld "
                            "days would be deactivated; run again with "
                            "--yes to deactivate %s\n",
                    n, n == 1 ? "" : "s", f.role, days,
                    n == 1 ? "it" : "them");
        goto out;
    }
    buf_addf(&q, "Deactivate these %zu users? [y/N] ", n);
    rc = bulk_confirm(yes, "deactivate users", q.data);
    if (rc)
        goto out;
    bulk_init(&b, ctx, 0);
    json_array_foreach(f.matched, i, u) {
        const char *id = json_str(u, "_id");
        const char *name = user_label(u, id ? id : "?");
        json_t *body;

        if (b.stop)
            break;
        body = json_pack("{s:s?, s:b}", "userId", id, "activeStatus", 0);
        if (client_post(f.c, "/api/v1/users.setActiveStatus", body, &r)) {
            bulk_failed_reply(&b, name, &r, "cannot deactivate user '%s'",
                              name);
        } else {
            journal_active(ctx, id, name, 0, body);
            bulk_changed(&b, "deactivated user '%s'", name);
        }
        json_decref(body);
    }
    rc = bulk_end(&b, n);
out:
    json_decref(f.matched);
    json_decref(fields);
    client_reply_release(&r);
    buf_release(&q);
    return rc;
}

/* ---- activate, deactivate, logout, 2fa reset, delete ---- */


enum user_act { ACT_ACTIVATE, ACT_DEACTIVATE, ACT_LOGOUT, ACT_RESET_2FA,
                ACT_DELETE };

struct user_action {
    const char *verb;       /* "deactivate" */
    const char *done;       /* "deactivated" */
    const char *endpoint;
};

static const struct user_action user_actions[] = {
    [ACT_ACTIVATE] = { "activate", "activated",
                       "/api/v1/users.setActiveStatus" },
    [ACT_DEACTIVATE] = { "deactivate", "deactivated",
                         "/api/v1/users.setActiveStatus" },
    [ACT_LOGOUT] = { "log out", "logged out", "/api/v1/users.logout" },
    [ACT_RESET_2FA] = { "reset the two-factor authentication of",
                        "reset the two-factor authentication of",
                        "/api/v1/users.resetTOTP" },
    [ACT_DELETE] = { "delete", "deleted", "/api/v1/users.delete" },
};

/* One resolved target: the user (owned) and the name it was asked by. */
struct user_target {
    const char *asked;    /* borrowed from struct targets */
    json_t *user;         /* owned; NULL when it could not be resolved */
};

/* What the journal says of an irreversible act on user. */
static void journal_user_gone(struct rcctl *ctx, enum user_act act,
                              const json_t *user, const json_t *body)
{
    static const char *const why[] = {
        [ACT_LOGOUT] = "ended sessions cannot be restored; the user logs "
                       "in again",
        [ACT_RESET_2FA] = "the old two-factor secret is gone; the user sets "
                          "up two-factor authentication again",
        [ACT_DELETE] = "a deleted user and their messages cannot be brought "
                       "back",
    };
    static const char *const action[] = {
        [ACT_LOGOUT] = "logout", [ACT_RESET_2FA] = "2fa-reset",
        [ACT_DELETE] = "delete",
    };

    journal_add(ctx, &(struct journal_entry){
        .type = "user", .id = json_str(user, "_id"),
        .name = json_str(user, "username"), .action = action[act],
        .before = act == ACT_DELETE
                      ? json_pack("{s:s?, s:s?, s:O?, s:O?}", "username",
                                  json_str(user, "username"), "name",
                                  json_str(user, "name"), "roles",
                                  json_object_get(user, "roles"), "active",
                                  json_object_get(user, "active"))
                      : NULL,
        .path = user_actions[act].endpoint, .body = body,
        .why_not = why[act],
    });
}

/* Apply act to one resolved user. */
static void user_act_one(struct rcctl *ctx, struct client *c, struct bulk *b,
                         enum user_act act, const json_t *user,
                         const char *asked, int relinquish)
{
    const struct user_action *a = &user_actions[act];
    struct client_reply r = CLIENT_REPLY_INIT;
    const char *id = json_str(user, "_id");
    const char *name = user_label(user, asked);
    json_t *body;

    if (act == ACT_ACTIVATE || act == ACT_DEACTIVATE) {
        int want = act == ACT_ACTIVATE;

        if (json_is_true(json_object_get(user, "active")) == want) {
            bulk_unchanged(b, "user '%s' is already %s", name,
                           want ? "active" : "inactive");
            return;
        }
    }
    if (b->dry_run) {
        bulk_changed(b, "would %s user '%s'", a->verb, name);
        return;
    }
    if (act == ACT_ACTIVATE || act == ACT_DEACTIVATE)
        body = json_pack("{s:s?, s:b}", "userId", id, "activeStatus",
                         act == ACT_ACTIVATE);
    else if (act == ACT_DELETE && relinquish)
        body = json_pack("{s:s?, s:b}", "userId", id, "confirmRelinquish", 1);
    else
        body = json_pack("{s:s?}", "userId", id);
    if (client_post(c, a->endpoint, body, &r)) {
        bulk_failed_reply(b, name, &r, "cannot %s user '%s'", a->verb, name);
    } else {
        if (act == ACT_ACTIVATE || act == ACT_DEACTIVATE)
            journal_active(ctx, id, name, act == ACT_ACTIVATE, body);
        else
            journal_user_gone(ctx, act, user, body);
        bulk_changed(b, "%s user '%s'", a->done, name);
    }
    json_decref(body);
    client_reply_release(&r);
}

/* "alice, bob, carol, ..." for a confirmation question. */
static void add_names(struct buf *q, const struct user_target *ts, size_t n)
{
    size_t shown = 0;

    for (size_t i = 0; i < n; i++) {
        if (!ts[i].user)
            continue;
        if (shown == MAX_CONFIRM_NAMES) {
            buf_adds(q, ", ...");
            break;
        }
        buf_addf(q, "%s%s", shown ? ", " : "",
                 user_label(ts[i].user, ts[i].asked));
        shown++;
    }
}

static int user_bulk(struct rcctl *ctx, int argc, char **argv,
                     enum user_act act)
{
    static const struct option opts[] = {
        { "id", no_argument, NULL, 'i' },
        { "from", required_argument, NULL, 'f' },
        { "dry-run", no_argument, NULL, 'n' },
        { "yes", no_argument, NULL, 'y' },
        { "ignore-missing", no_argument, NULL, 'm' },
        { "relinquish", no_argument, NULL, 'r' },
        { NULL, 0, NULL, 0 },
    };
    const struct user_action *a = &user_actions[act];
    struct targets t = { 0 };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct user_target *ts = NULL;
    struct buf q = BUF_INIT;
    struct client *c;
    struct bulk b;
    const char *from = NULL;
    int by_id = 0, dry_run = 0, yes = 0, missing_ok = 0, relinquish = 0;
    int opt, rc, bulk_started = 0;
    size_t found = 0;

    while ((opt = getopt_long(argc, argv, act == ACT_DELETE ? "ny" : "n",
                              opts, NULL)) != -1) {
        switch (opt) {
        case 'i': by_id = 1; break;
        case 'f': from = optarg; break;
        case 'n': dry_run = 1; break;
        case 'y': yes = 1; break;
        case 'm': missing_ok = 1; break;
        case 'r': relinquish = 1; break;
        default: return command_bad_option(argv);
        }
        if (act != ACT_DELETE && strchr("ymr", opt))
            return usage_errorf("unknown option '%s'", argv[optind - 1]);
    }
    rc = targets_read(&t, argc - optind, argv + optind, from, user_columns);
    if (rc)
        goto out;
    if (!t.n) {
        rc = usage_errorf("want at least one user (or --from FILE)");
        goto out;
    }
    by_id |= t.column == 1;   /* an "_id" column */
    if (act == ACT_DELETE) {
        warningf("deleting a user also deletes all their messages (with "
                 "the default Message_ErasureType); 'rcctl user "
                 "deactivate' keeps the history");
        if (!yes && !dry_run &&
            !(isatty(STDIN_FILENO) && isatty(STDERR_FILENO))) {
            rc = usage_errorf("refusing to delete users without --yes (no "
                              "terminal to confirm on)");
            goto out;
        }
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;

    bulk_init(&b, ctx, dry_run);
    bulk_started = 1;
    ts = xcalloc(t.n, sizeof(*ts));
    for (size_t i = 0; i < t.n && !b.stop; i++) {
        ts[i].asked = t.items[i];
        if (!user_get(c, t.items[i], by_id, &ts[i].user, &r)) {
            found++;
            continue;
        }
        if (r.err == ERR_NOT_FOUND && missing_ok)
            bulk_unchanged(&b, "no user %s'%s'", by_id ? "with id " : "",
                           t.items[i]);
        else if (r.err == ERR_NOT_FOUND)
            bulk_failed(&b, t.items[i], EXIT_NOT_FOUND, "cannot %s user "
                        "%s'%s': no such user", a->verb,
                        by_id ? "with id " : "", t.items[i]);
        else
            bulk_failed_reply(&b, t.items[i], &r, "cannot %s user %s'%s'",
                              a->verb, by_id ? "with id " : "", t.items[i]);
    }
    client_reply_release(&r);
    if (act == ACT_DELETE && found && !dry_run && !b.stop) {
        buf_addf(&q, "Delete %zu user%s (", found, found == 1 ? "" : "s");
        add_names(&q, ts, t.n);
        buf_adds(&q, ") and all their messages? [y/N] ");
        rc = bulk_confirm(yes, "delete users", q.data);
        if (rc) {
            bulk_started = 0;
            buf_release(&b.failures);
            goto out;
        }
    }
    for (size_t i = 0; i < t.n && !b.stop; i++) {
        if (ts[i].user)
            user_act_one(ctx, c, &b, act, ts[i].user, ts[i].asked,
                         relinquish);
    }
out:
    if (bulk_started)
        rc = bulk_end(&b, t.n);
    for (size_t i = 0; ts && i < t.n; i++)
        json_decref(ts[i].user);
    free(ts);
    targets_release(&t);
    buf_release(&q);
    return rc;
}

static int user_activate(struct rcctl *ctx, int argc, char **argv)
{
    return user_bulk(ctx, argc, argv, ACT_ACTIVATE);
}

static int user_deactivate(struct rcctl *ctx, int argc, char **argv)
{
    return user_bulk(ctx, argc, argv, ACT_DEACTIVATE);
}

static int user_logout(struct rcctl *ctx, int argc, char **argv)
{
    return user_bulk(ctx, argc, argv, ACT_LOGOUT);
}

static int user_2fa_reset(struct rcctl *ctx, int argc, char **argv)
{
    return user_bulk(ctx, argc, argv, ACT_RESET_2FA);
}

static int user_delete(struct rcctl *ctx, int argc, char **argv)
{
    return user_bulk(ctx, argc, argv, ACT_DELETE);
}

/* ---- user create ---- */

/* The new user's password: --password-file, stdin, or asked twice. */
static char *new_password(const char *file, const char *username,
                          struct buf *why)
{
    struct buf qn = BUF_INIT;
    char *pw, *again;

    if (file)
        return prompt_file_line(file, why);
    if (!prompt_is_interactive())
        return prompt_file_line("-", why);
    buf_addf(&qn, "Password for the new user '%s': ", username);
    pw = prompt_tty(qn.data, 1);
    buf_release(&qn);
    if (!pw || !*pw) {
        prompt_free(pw);
        buf_adds(why, "no password given");
        return NULL;
    }
    again = prompt_tty("Again: ", 1);
    if (!again || strcmp(pw, again)) {
        prompt_free(pw);
        pw = NULL;
        buf_adds(why, "the passwords differ");
    }
    prompt_free(again);
    return pw;
}

static int user_create(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "name", required_argument, NULL, 'N' },
        { "role", required_argument, NULL, 'r' },
        { "password-file", required_argument, NULL, 'p' },
        { "verified", no_argument, NULL, 'v' },
        { "require-password-change", no_argument, NULL, 'c' },
        { "dry-run", no_argument, NULL, 'n' },
        { "password", required_argument, NULL, 'P' },
        { NULL, 0, NULL, 0 },
    };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct buf why = BUF_INIT;
    struct client *c;
    struct output *o;
    const char *name = NULL, *password_file = NULL, *username, *email;
    const char *have;
    json_t *roles = json_array(), *user = NULL, *body = NULL;
    char *password = NULL;
    int verified = 0, change = 0, dry_run = 0, opt, rc;

    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        switch (opt) {
        case 'N': name = optarg; break;
        case 'r': json_array_append_new(roles, json_string(optarg)); break;
        case 'p': password_file = optarg; break;
        case 'v': verified = 1; break;
        case 'c': change = 1; break;
        case 'n': dry_run = 1; break;
        case 'P':
            rc = usage_errorf("passwords are not taken from the command "
                              "line (other users see it in ps); use "
                              "--password-file FILE, stdin or the prompt");
            goto out;
        default:
            rc = command_bad_option(argv);
            goto out;
        }
    }
    if (argc - optind != 2) {
        rc = usage_errorf("want a username and an e-mail address");
        goto out;
    }
    username = argv[optind];
    email = argv[optind + 1];
    if (!strchr(email, '@')) {
        rc = usage_errorf("'%s' is not an e-mail address", email);
        goto out;
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;

    /* ensure: a user of that name with that e-mail is already there */
    if (!user_get(c, username, 0, &user, &r)) {
        const json_t *e0 = json_array_get(json_object_get(user, "emails"), 0);

        have = json_str(e0, "address");
        if (have && strcasecmp(have, email)) {
            errorf("user '%s' exists with another e-mail address ('%s')",
                   username, have);
            rc = EXIT_CONFLICT;
            goto out;
        }
        if (!ctx->quiet)
            fprintf(stderr, "rcctl: user '%s' exists already (unchanged)\n",
                    username);
        if (!dry_run) {
            o = command_output(ctx, 0);
            output_item(o, user);
            rc = command_output_end(o);
        }
        goto out;
    }
    if (r.err != ERR_NOT_FOUND) {
        rc = command_fail(&r, "cannot look up user '%s'", username);
        goto out;
    }
    if (dry_run) {
        if (!ctx->quiet) {
            char *rs = json_dumps(roles, JSON_COMPACT);

            fprintf(stderr, "rcctl: would create user '%s' <%s>%s%s\n",
                    username, email, json_array_size(roles) ? " with roles "
                                                            : "",
                    json_array_size(roles) ? rs : "");
            free(rs);
        }
        goto out;
    }
    password = new_password(password_file, username, &why);
    if (!password) {
        rc = errorf("%s", why.data);
        goto out;
    }
    body = json_pack("{s:s, s:s, s:s, s:s}", "username", username, "email",
                     email, "name", name ? name : username, "password",
                     password);
    if (json_array_size(roles))
        json_object_set(body, "roles", roles);
    if (verified)
        json_object_set_new(body, "verified", json_true());
    if (change)
        json_object_set_new(body, "requirePasswordChange", json_true());
    if (client_post(c, "/api/v1/users.create", body, &r)) {
        rc = command_fail(&r, "cannot create user '%s'", username);
        goto out;
    }
    journal_add(ctx, &(struct journal_entry){
        .type = "user",
        .id = json_str(json_object_get(r.json, "user"), "_id"),
        .name = username, .action = "create",
        .after = json_pack("{s:s, s:s, s:O}", "username", username, "email",
                           email, "roles", roles),
        .path = "/api/v1/users.create",
        .why_not = "undoing a create would delete the user and all they "
                   "did since; use 'rcctl user delete'",
    });
    if (!ctx->quiet)
        fprintf(stderr, "rcctl: created user '%s'\n", username);
    o = command_output(ctx, 0);
    output_item(o, json_object_get(r.json, "user"));
    rc = command_output_end(o);
out:
    json_decref(body);   /* held the password */
    json_decref(roles);
    json_decref(user);
    prompt_free(password);
    client_reply_release(&r);
    buf_release(&why);
    return rc;
}

/* ---- user update ---- */

/* users.update's data keys rcctl sets, with how to read the current one. */
static json_t *current_value(const json_t *user, const char *key)
{
    const json_t *e0 = json_array_get(json_object_get(user, "emails"), 0);
    const char *s;

    if (!strcmp(key, "email"))
        return json_string(json_str(e0, "address") ? json_str(e0, "address")
                                                   : "");
    if (!strcmp(key, "verified"))
        return json_boolean(json_is_true(json_object_get(e0, "verified")));
    if (!strcmp(key, "active") || !strcmp(key, "requirePasswordChange"))
        return json_boolean(json_is_true(json_object_get(user, key)));
    s = json_str(user, key);
    return json_string(s ? s : "");
}

static int user_update(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "name", required_argument, NULL, 'N' },
        { "email", required_argument, NULL, 'e' },
        { "username", required_argument, NULL, 'u' },
        { "nickname", required_argument, NULL, 'k' },
        { "bio", required_argument, NULL, 'b' },
        { "status-text", required_argument, NULL, 's' },
        { "active", required_argument, NULL, 'a' },
        { "verified", required_argument, NULL, 'V' },
        { "require-password-change", required_argument, NULL, 'c' },
        { "password-file", required_argument, NULL, 'p' },
        { "id", no_argument, NULL, 'i' },
        { "from", required_argument, NULL, 'f' },
        { "dry-run", no_argument, NULL, 'n' },
        { "password", required_argument, NULL, 'P' },
        { NULL, 0, NULL, 0 },
    };
    static const struct {
        int opt;
        const char *key;
        int is_bool;
    } keys[] = {
        { 'N', "name", 0 }, { 'e', "email", 0 }, { 'u', "username", 0 },
        { 'k', "nickname", 0 }, { 'b', "bio", 0 }, { 's', "statusText", 0 },
        { 'a', "active", 1 }, { 'V', "verified", 1 },
        { 'c', "requirePasswordChange", 1 },
    };
    struct targets t = { 0 };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct buf why = BUF_INIT;
    struct client *c;
    struct bulk b;
    json_t *want = json_object(), *v;
    const char *from = NULL, *password_file = NULL, *key;
    char *password = NULL;
    int by_id = 0, dry_run = 0, opt, rc, bulk_started = 0;

    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        size_t k;

        for (k = 0; k < ARRAY_SIZE(keys) && keys[k].opt != opt; k++)
            ;
        if (k < ARRAY_SIZE(keys)) {
            int bv;

            if (keys[k].is_bool && parse_bool(optarg, &bv)) {
                rc = usage_errorf("'%s' wants true or false, not '%s'",
                                  argv[optind - 1], optarg);
                goto out;
            }
            json_object_set_new(want, keys[k].key,
                                keys[k].is_bool ? json_boolean(bv)
                                                : json_string(optarg));
            continue;
        }
        switch (opt) {
        case 'p': password_file = optarg; break;
        case 'i': by_id = 1; break;
        case 'f': from = optarg; break;
        case 'n': dry_run = 1; break;
        case 'P':
            rc = usage_errorf("passwords are not taken from the command "
                              "line; use --password-file FILE (- for "
                              "stdin)");
            goto out;
        default:
            rc = command_bad_option(argv);
            goto out;
        }
    }
    if (!json_object_size(want) && !password_file) {
        rc = usage_errorf("nothing to change: give --name, --email, "
                          "--active, ...");
        goto out;
    }
    if (password_file && from && !strcmp(password_file, "-") &&
        !strcmp(from, "-")) {
        rc = usage_errorf("--password-file and --from cannot both be stdin");
        goto out;
    }
    rc = targets_read(&t, argc - optind, argv + optind, from, user_columns);
    if (rc)
        goto out;
    if (!t.n) {
        rc = usage_errorf("want at least one user (or --from FILE)");
        goto out;
    }
    by_id |= t.column == 1;
    if (password_file && !dry_run) {
        password = prompt_file_line(password_file, &why);
        if (!password) {
            rc = errorf("%s", why.data);
            goto out;
        }
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;

    bulk_init(&b, ctx, dry_run);
    bulk_started = 1;
    for (size_t i = 0; i < t.n && !b.stop; i++) {
        json_t *user = NULL, *data = json_object(), *body;
        json_t *before = json_object(), *after = json_object();
        const char *name = t.items[i];
        struct buf what = BUF_INIT;

        if (user_get(c, name, by_id, &user, &r)) {
            bulk_failed_reply(&b, name, &r, "cannot update user '%s'", name);
            json_decref(data);
            json_decref(before);
            json_decref(after);
            continue;
        }
        name = user_label(user, name);
        json_object_foreach(want, key, v) {
            json_t *cur = current_value(user, key);

            if (!json_equal(cur, v)) {
                json_object_set(data, key, v);
                json_object_set(before, key, cur);
                json_object_set(after, key, v);
                buf_addf(&what, "%s%s ", what.len ? ", " : "", key);
                describe_value(&what, cur);
                buf_adds(&what, " -> ");
                describe_value(&what, v);
            }
            json_decref(cur);
        }
        if (password_file) {
            if (password)
                json_object_set_new(data, "password", json_string(password));
            buf_addf(&what, "%spassword", what.len ? ", " : "");
        }
        if (!json_object_size(data) && !password_file) {
            bulk_unchanged(&b, "user '%s' is unchanged", name);
        } else if (dry_run) {
            bulk_changed(&b, "would update user '%s': %s", name, what.data);
        } else {
            body = json_pack("{s:s?, s:O}", "userId", json_str(user, "_id"),
                             "data", data);
            if (client_post(c, "/api/v1/users.update", body, &r)) {
                bulk_failed_reply(&b, name, &r, "cannot update user '%s'",
                                  name);
            } else {
                json_t *logged = json_pack("{s:s?, s:o}", "userId",
                                           json_str(user, "_id"), "data",
                                           json_deep_copy(after));
                int fields = json_object_size(before) > 0;

                /* the password is neither written down nor restorable */
                if (password_file)
                    json_object_set_new(after, "password", json_string(
                                            "(changed)"));
                journal_add(ctx, &(struct journal_entry){
                    .type = "user", .id = json_str(user, "_id"),
                    .name = name, .action = "update",
                    .before = json_incref(before),
                    .after = json_incref(after),
                    .path = "/api/v1/users.update", .body = logged,
                    .undo_path = fields ? "/api/v1/users.update" : NULL,
                    .undo_body = fields ? json_pack("{s:s?, s:O}", "userId",
                                                    json_str(user, "_id"),
                                                    "data", before)
                                        : NULL,
                    .why_not = "a password cannot be restored",
                });
                json_decref(logged);
                bulk_changed(&b, "updated user '%s': %s", name, what.data);
            }
            json_decref(body);
        }
        json_decref(data);   /* may hold the password */
        json_decref(before);
        json_decref(after);
        json_decref(user);
        buf_release(&what);
    }
out:
    if (bulk_started)
        rc = bulk_end(&b, t.n);
    json_decref(want);
    targets_release(&t);
    prompt_free(password);
    client_reply_release(&r);
    buf_release(&why);
    return rc;
}

/* ---- user roles add|remove ---- */

/*
 * The role ids for names (ids or names, as roles.list shows them) into
 * *ids (a new array). Returns 0, or an exit code after saying why.
 */
static int role_ids(struct client *c, char **names, size_t n, json_t **ids)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    const json_t *roles;
    int rc = 0;

    *ids = json_array();
    if (client_get(c, "/api/v1/roles.list", &r)) {
        rc = command_fail(&r, "cannot list the roles");
        goto out;
    }
    roles = json_object_get(r.json, "roles");
    for (size_t i = 0; i < n; i++) {
        const char *found = NULL;
        size_t k;
        json_t *role;

        json_array_foreach(roles, k, role) {
            if ((json_str(role, "_id") &&
                 !strcmp(json_str(role, "_id"), names[i])) ||
                (json_str(role, "name") &&
                 !strcmp(json_str(role, "name"), names[i])))
                found = json_str(role, "_id");
            if (found)
                break;
        }
        if (!found) {
            errorf("no role '%s'; see 'rcctl role list'", names[i]);
            rc = EXIT_NOT_FOUND;
            goto out;
        }
        json_array_append_new(*ids, json_string(found));
    }
out:
    client_reply_release(&r);
    return rc;
}

static int user_roles_change(struct rcctl *ctx, int argc, char **argv,
                             int add)
{
    static const struct option opts[] = {
        { "id", no_argument, NULL, 'i' },
        { "from", required_argument, NULL, 'f' },
        { "dry-run", no_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };
    struct targets t = { 0 };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct client *c;
    struct bulk b;
    const char *from = NULL;
    char **role_names;
    json_t *ids = NULL;
    size_t nroles, total = 0;
    int by_id = 0, dry_run = 0, opt, rc, nusers_args, bulk_started = 0;

    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        switch (opt) {
        case 'i': by_id = 1; break;
        case 'f': from = optarg; break;
        case 'n': dry_run = 1; break;
        default: return command_bad_option(argv);
        }
    }
    /* USER ROLE...; with --from every argument is a role */
    nusers_args = from ? 0 : 1;
    if (argc - optind < nusers_args + 1)
        return usage_errorf(from ? "want at least one role"
                                 : "want a user and at least one role");
    role_names = argv + optind + nusers_args;
    nroles = (size_t)(argc - optind - nusers_args);
    rc = targets_read(&t, nusers_args, argv + optind, from, user_columns);
    if (rc)
        goto out;
    if (!t.n) {
        rc = usage_errorf("want at least one user in '%s'", from);
        goto out;
    }
    by_id |= t.column == 1;
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    rc = role_ids(c, role_names, nroles, &ids);
    if (rc)
        goto out;

    total = t.n * nroles;
    bulk_init(&b, ctx, dry_run);
    bulk_started = 1;
    for (size_t i = 0; i < t.n && !b.stop; i++) {
        json_t *user = NULL;
        const char *name = t.items[i];

        if (user_get(c, name, by_id, &user, &r)) {
            for (size_t k = 0; k < nroles; k++)
                bulk_failed_reply(&b, name, &r, "cannot %s role '%s' %s "
                                  "user '%s'", add ? "add" : "remove",
                                  role_names[k], add ? "to" : "from", name);
            continue;
        }
        name = user_label(user, name);
        for (size_t k = 0; k < nroles && !b.stop; k++) {
            const char *role = json_string_value(json_array_get(ids, k));
            int known = json_object_get(user, "roles") != NULL;
            json_t *body;

            if (known && has_role(user, role) == add) {
                bulk_unchanged(&b, "user '%s' %s role '%s'", name,
                               add ? "already has" : "does not have", role);
                continue;
            }
            if (dry_run) {
                bulk_changed(&b, "would %s role '%s' %s user '%s'",
                             add ? "add" : "remove", role,
                             add ? "to" : "from", name);
                continue;
            }
            body = json_pack("{s:s, s:s}", "username", name, "roleId", role);
            if (!client_post(c, add ? "/api/v1/roles.addUserToRole"
                                    : "/api/v1/roles.removeUserFromRole",
                             body, &r)) {
                journal_add(ctx, &(struct journal_entry){
                    .type = "user", .id = json_str(user, "_id"),
                    .name = name, .action = add ? "role-add" : "role-remove",
                    .before = json_pack("{s:s, s:b}", "role", role, "has",
                                        !add),
                    .after = json_pack("{s:s, s:b}", "role", role, "has", add),
                    .path = add ? "/api/v1/roles.addUserToRole"
                                : "/api/v1/roles.removeUserFromRole",
                    .body = body,
                    .undo_path = add ? "/api/v1/roles.removeUserFromRole"
                                     : "/api/v1/roles.addUserToRole",
                    .undo_body = json_incref(body),
                });
                bulk_changed(&b, "%s role '%s' %s user '%s'",
                             add ? "added" : "removed", role,
                             add ? "to" : "from", name);
            } else if (r.error_type &&
                     !strcmp(r.error_type, add ? "error-user-already-in-role"
                                               : "error-user-not-in-role"))
                /* a caller who cannot see roles learns it only now */
                bulk_unchanged(&b, "user '%s' %s role '%s'", name,
                               add ? "already has" : "does not have", role);
            else
                bulk_failed_reply(&b, name, &r, "cannot %s role '%s' %s "
                                  "user '%s'", add ? "add" : "remove", role,
                                  add ? "to" : "from", name);
            json_decref(body);
        }
        json_decref(user);
    }
out:
    if (bulk_started)
        rc = bulk_end(&b, total);
    json_decref(ids);
    targets_release(&t);
    client_reply_release(&r);
    return rc;
}

static int user_roles_add(struct rcctl *ctx, int argc, char **argv)
{
    return user_roles_change(ctx, argc, argv, 1);
}

static int user_roles_remove(struct rcctl *ctx, int argc, char **argv)
{
    return user_roles_change(ctx, argc, argv, 0);
}

/* ---- tables ---- */

#define BULK_HELP \
    "  --id             the arguments are user ids, not usernames\n" \
    "  --from FILE      read more users from FILE (- for stdin): one a line,\n" \
    "                   or rcctl's csv/tsv output (the username column, else\n" \
    "                   _id); blank lines and # comments are skipped\n" \
    "  -n, --dry-run    say what would change, change nothing\n"

#define BULK_NOTE \
    "\nEach user gets a line on stderr, then the counts (changed, unchanged,\n" \
    "failed). A failure does not stop the others; exit status 3 when some\n" \
    "failed and some did not.\n"

static const struct command user_2fa_commands[] = {
    {
        .name = "reset",
        .synopsis = "[--id] [--from FILE] [--dry-run] <user>...",
        .summary = "remove users' TOTP (authenticator app) setup",
        .run = user_2fa_reset,
        .flags = CMD_LOGIN,
        .examples = "rcctl user 2fa reset alice\n"
                    "rcctl user 2fa reset --dry-run alice bob",
        .help = "Calls users.resetTOTP. When the user had TOTP set up, all of\n"
                "their sessions end and they log in with the password alone.\n"
                "Needs the edit-other-user-totp permission; the server may ask\n"
                "for your own second factor first.\n\nOptions:\n" BULK_HELP
                BULK_NOTE,
    },
    { NULL },
};

static const struct command user_roles_commands[] = {
    {
        .name = "add",
        .synopsis = "[--id] [--from FILE] [--dry-run] <user> <role>...",
        .summary = "give a user roles (roles they have are left alone)",
        .run = user_roles_add,
        .flags = CMD_LOGIN,
        .examples = "rcctl user roles add alice livechat-agent bot\n"
                    "# with --from every argument is a role\n"
                    "rcctl user list --role user --status online --columns "
                    "username --no-header | rcctl user roles add --from - bot",
        .help = "Options:\n" BULK_HELP BULK_NOTE,
    },
    {
        .name = "remove",
        .synopsis = "[--id] [--from FILE] [--dry-run] <user> <role>...",
        .summary = "take roles from a user (missing ones are left alone)",
        .run = user_roles_remove,
        .flags = CMD_LOGIN,
        .examples = "rcctl user roles remove alice admin\n"
                    "rcctl user roles remove --dry-run --from admins.txt admin",
        .help = "Options:\n" BULK_HELP BULK_NOTE
                "\nThe server refuses to remove the last admin.\n",
    },
    { NULL },
};

const struct command user_commands[] = {
    {
        .name = "info",
        .synopsis = "[--id] <user>",
        .summary = "show one user",
        .run = user_info,
        .flags = CMD_LOGIN,
        .columns = "_id,username,name,emails.0.address,status,active,roles,"
                   "lastLogin",
        .examples = "rcctl user info alice\n"
                    "rcctl user info --id aobEdbYhXfu5hkeqG -o json\n"
                    "rcctl user info alice --columns username,createdAt,"
                    "emails.0.verified",
        .help = "Options:\n"
                "  --id    the argument is a user id, not a username\n"
                "\nExit status 4 when there is no such user.",
    },
    {
        .name = "list",
        .synopsis = "[--status online|away|busy|offline] [--unverified] "
                    "[--role ROLE] [--active|--inactive] [--idle-days N] "
                    "[--offset N] [--count N]",
        .summary = "list users, all pages, streamed, with filters",
        .run = user_list,
        .flags = CMD_LOGIN,
        .columns = "_id,username,name,status,active,roles,lastLogin",
        .examples =
            "rcctl user list\n"
            "# username and last login as CSV\n"
            "rcctl user list --columns username,lastLogin -o csv > logins.csv\n"
            "# the 250 users from the 251st on, as users.list?offset=250&count=250\n"
            "rcctl user list --offset 250 --count 250 --columns username,lastLogin -o csv\n"
            "rcctl user list --status online --columns username --no-header\n"
            "rcctl user list --unverified --columns username,emails.0.address\n"
            "rcctl user list --role user --active --idle-days 365",
        .help =
            "Pages through users.list (sorted by username) and prints users as\n"
            "they arrive. The filters are applied by rcctl, so they work on any\n"
            "Rocket.Chat; all of them must hold.\n"
            "\n"
            "Options:\n"
            "  --status S       users whose status is S (online, away, busy, offline)\n"
            "  --unverified     users whose first e-mail address is not verified\n"
            "  --role ROLE      users who have ROLE\n"
            "  --active         active users only\n"
            "  --inactive       deactivated users only\n"
            "  --idle-days N    users idle for N days (of 24 hours): last login\n"
            "                   N or more days ago, or never logged in and created\n"
            "                   N or more days ago (the rule of users.deactivateIdle)\n"
            "  --offset N       start at the N+1st user of the server's list\n"
            "  --count N        look at N users at most (the filters apply to them)\n"
            "\n"
            "Columns are dotted paths: emails.0.address, emails.0.verified.\n"
            "Columns users.list does not show by default (createdAt, nickname)\n"
            "are asked for with its fields parameter.",
    },
    {
        .name = "create",
        .synopsis = "[--name NAME] [--role ROLE]... [--password-file FILE] "
                    "[--verified] [--require-password-change] [--dry-run] "
                    "<username> <email>",
        .summary = "create a user (unchanged when it exists already)",
        .run = user_create,
        .flags = CMD_LOGIN,
        .columns = "_id,username,name,emails.0.address,roles,active",
        .examples =
            "# asks for the password twice, without echo\n"
            "rcctl user create bob bob@example.com --name 'Bob Builder' --verified\n"
            "rcctl user create ci-bot ci@example.com --role bot --password-file pw.txt\n"
            "pwgen -s 24 1 | rcctl user create carol carol@example.com "
            "--require-password-change",
        .help =
            "Options:\n"
            "  --name NAME              display name (default: the username)\n"
            "  --role ROLE              a role (repeatable; default: the server's\n"
            "                           Accounts_Registration_Users_Default_Roles)\n"
            "  --password-file FILE     the password is FILE's first line; without\n"
            "                           it the first line of stdin when that is not\n"
            "                           a terminal, else asked for twice\n"
            "  --verified               mark the e-mail address verified\n"
            "  --require-password-change\n"
            "                           make the user choose a new password\n"
            "  -n, --dry-run            say what would be created\n"
            "\n"
            "Passwords are never taken from the command line. The new user is\n"
            "printed on stdout. When a user of that name with that e-mail exists,\n"
            "nothing changes and it is printed; with another e-mail the exit\n"
            "status is 6.",
    },
    {
        .name = "update",
        .synopsis = "[--name NAME] [--email EMAIL] [--username NAME] "
                    "[--nickname NICK] [--bio TEXT] [--status-text TEXT] "
                    "[--active true|false] [--verified true|false] "
                    "[--require-password-change true|false] "
                    "[--password-file FILE] [--id] [--from FILE] [--dry-run] "
                    "<user>...",
        .summary = "change users' fields (only what differs is sent)",
        .run = user_update,
        .flags = CMD_LOGIN,
        .examples =
            "rcctl user update alice --name 'Alice Liddell' --nickname ali\n"
            "rcctl user update --dry-run alice --email alice@new.example.com "
            "--verified true\n"
            "rcctl user update --from team.txt --require-password-change true\n"
            "rcctl user update alice --password-file new-pw.txt",
        .help =
            "Reads each user first and sends users.update with only the fields\n"
            "that differ; a user already as asked is unchanged. A password is\n"
            "always sent (it cannot be compared). Changing the e-mail makes it\n"
            "unverified unless --verified true is given too.\n"
            "\n"
            "Options:\n" BULK_HELP
            "  --password-file FILE  the new password is FILE's first line\n"
            BULK_NOTE,
    },
    {
        .name = "activate",
        .synopsis = "[--id] [--from FILE] [--dry-run] <user>...",
        .summary = "activate users (active ones are unchanged)",
        .run = user_activate,
        .flags = CMD_LOGIN,
        .examples = "rcctl user activate alice bob\n"
                    "rcctl user list --inactive -o ids | rcctl user activate "
                    "--id --from -",
        .help = "Options:\n" BULK_HELP BULK_NOTE,
    },
    {
        .name = "deactivate",
        .synopsis = "[--id] [--from FILE] [--dry-run] <user>...",
        .summary = "deactivate users: they are logged out and cannot log in",
        .run = user_deactivate,
        .flags = CMD_LOGIN,
        .examples = "rcctl user deactivate alice\n"
                    "rcctl user deactivate --dry-run --from leavers.csv",
        .help = "Deactivation keeps the user's messages and roles, ends every\n"
                "session and personal access token, and is undone with\n"
                "'rcctl user activate'. The server refuses to deactivate the\n"
                "last active admin.\n\nOptions:\n" BULK_HELP BULK_NOTE,
    },
    {
        .name = "deactivate-idle",
        .synopsis = "--days N [--role ROLE] [--max N] [--yes] [--dry-run]",
        .summary = "preview, then deactivate, the users idle for N days",
        .run = user_deactivate_idle,
        .flags = CMD_LOGIN,
        .columns = "_id,username,name,lastLogin,createdAt",
        .examples =
            "# who would be deactivated (nothing changes without --yes)\n"
            "rcctl user deactivate-idle --days 365 --role user\n"
            "# in cron: deactivate them, but never more than 50 at once\n"
            "rcctl user deactivate-idle --days 365 --max 50 --yes -q",
        .help =
            "First prints, on stdout, exactly the users that would be\n"
            "deactivated with their last login: active users with ROLE\n"
            "(default: user) whose last login was N or more days (of 24 hours)\n"
            "ago, and users who never logged in and were created N or more\n"
            "days ago; the rule of Rocket.Chat's users.deactivateIdle. Then,\n"
            "only with --yes (or when confirmed on a terminal), deactivates\n"
            "exactly those users one by one with users.setActiveStatus.\n"
            "Your own account is never among them (it would end the run's\n"
            "session).\n"
            "\n"
            "Options:\n"
            "  --days N      idle for N days\n"
            "  --role ROLE   only users with ROLE (default: user)\n"
            "  --max N       refuse, changing nothing (exit 1), when more than N\n"
            "                users would be deactivated\n"
            "  -y, --yes     deactivate without asking\n"
            "  -n, --dry-run only the preview, even with --yes\n"
            BULK_NOTE,
    },
    {
        .name = "delete",
        .synopsis = "[--id] [--from FILE] [--dry-run] [--yes] "
                    "[--ignore-missing] [--relinquish] <user>...",
        .summary = "delete users and all their messages (prefer deactivate)",
        .run = user_delete,
        .flags = CMD_LOGIN,
        .examples = "# keeps the history instead:\n"
                    "rcctl user deactivate alice\n"
                    "rcctl user delete alice\n"
                    "rcctl user delete --yes --ignore-missing --from "
                    "spam-accounts.txt",
        .help =
            "Deleting a user deletes their messages and files too (with the\n"
            "default Message_ErasureType); deactivating keeps them. Asks for\n"
            "confirmation on a terminal; without one, --yes is required.\n"
            "\n"
            "Options:\n" BULK_HELP
            "  -y, --yes        delete without asking\n"
            "  --ignore-missing a user that does not exist counts as unchanged\n"
            "                   (else it fails with exit status 4)\n"
            "  --relinquish     when the user is the last owner of rooms, pass\n"
            "                   the ownership on (confirmRelinquish) instead of\n"
            "                   failing\n" BULK_NOTE,
    },
    {
        .name = "logout",
        .synopsis = "[--id] [--from FILE] [--dry-run] <user>...",
        .summary = "end every session of users",
        .run = user_logout,
        .flags = CMD_LOGIN,
        .examples = "rcctl user logout alice\n"
                    "rcctl user list --role guest -o ids | rcctl user logout "
                    "--id --from -",
        .help = "Calls users.logout, which removes all of the user's login\n"
                "tokens. Needs the logout-other-user permission.\n\nOptions:\n"
                BULK_HELP BULK_NOTE,
    },
    {
        .name = "2fa",
        .summary = "reset users' two-factor authentication",
        .sub = user_2fa_commands,
        .examples = "rcctl user 2fa reset alice",
    },
    {
        .name = "roles",
        .summary = "add and remove users' roles",
        .sub = user_roles_commands,
        .examples = "rcctl user roles add alice moderator\n"
                    "rcctl user roles remove alice admin",
    },
    { NULL },
};
