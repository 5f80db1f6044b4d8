/*
 * doctor: is everything in place before a job runs? The configuration
 * and its mode, the server's reachability, TLS, version and clock, the
 * rate limiter, the login, and the permissions each bulk command needs.
 * One record per check (name, result ok|warn|fail, detail); the exit
 * status follows the worst result.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../shared/buf.h"
#include "../../shared/json.h"
#include "../../shared/timeutil.h"
#include "../client.h"
#include "../command.h"

/* The Rocket.Chat version rcctl is tested against (and rcd reports). */
#define TESTED_VERSION_MAJOR 7
#define TESTED_VERSION_MINOR 4
#define MAX_SKEW_MS 5000
#define CERT_WARN_DAYS 14

enum result { RES_OK, RES_WARN, RES_FAIL };
static const char *const result_names[] = { "ok", "warn", "fail" };

struct doctor {
    struct rcctl *ctx;
    struct output *o;
    enum result worst;
    int fail_code;        /* the exit code of the first failure */
};

static void report(struct doctor *d, const char *name, enum result r,
                   int code, const char *fmt, ...) ATTR_PRINTF(5, 6);
static void report(struct doctor *d, const char *name, enum result r,
                   int code, const char *fmt, ...)
{
    struct buf detail = BUF_INIT;
    json_t *rec;
    va_list ap;

    va_start(ap, fmt);
    buf_vaddf(&detail, fmt, ap);
    va_end(ap);
    rec = json_pack("{s:s, s:s, s:s}", "name", name, "result",
                    result_names[r], "detail", detail.data);
    output_item(d->o, rec);
    json_decref(rec);
    buf_release(&detail);
    if (r == RES_FAIL && d->worst < RES_FAIL)
        d->fail_code = code ? code : EXIT_FAILED;
    if (r > d->worst)
        d->worst = r;
}

static void check_config(struct doctor *d)
{
    const char *path = d->ctx->config.path;
    struct stat st, dst;
    char *dir, *slash;

    if (!path || stat(path, &st) < 0) {
        report(d, "config", RES_OK, 0, "no config file%s%s%s (flags and "
               "environment only)", path ? " at '" : "", path ? path : "",
               path ? "'" : "");
        return;
    }
    dir = xstrdup(path);
    slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    if (st.st_mode & 077)
        report(d, "config", RES_WARN, 0, "'%s' has mode %04o; it holds "
               "tokens: chmod 600 '%s'", path, (unsigned)(st.st_mode & 07777),
               path);
    else if (slash && !stat(dir, &dst) && (dst.st_mode & 077))
        report(d, "config", RES_WARN, 0, "folder '%s' has mode %04o: chmod "
               "700 '%s'", dir, (unsigned)(dst.st_mode & 07777), dir);
    else
        report(d, "config", RES_OK, 0, "'%s' (mode %04o), profile '%s'%s",
               path, (unsigned)(st.st_mode & 07777),
               d->ctx->session.profile ? d->ctx->session.profile : "(none)",
               d->ctx->session.profile_exists || !d->ctx->session.profile
                   ? "" : " (not in the file)");
    free(dir);
}

static int is_loopback(const char *url)
{
    const char *h = strstr(url, "://");

    h = h ? h + 3 : url;
    return !strncmp(h, "127.", 4) || !strncmp(h, "localhost", 9) ||
           !strncmp(h, "[::1]", 5);
}

static void check_tls(struct doctor *d, const char *url,
                      const struct client_facts *f)
{
    if (!f->is_tls) {
        report(d, "tls", is_loopback(url) ? RES_OK : RES_WARN, 0,
               "plain http%s", is_loopback(url)
                                   ? " on a loopback address"
                                   : ": passwords and tokens travel "
                                     "unencrypted");
        return;
    }
    if (d->ctx->insecure) {
        report(d, "tls", RES_WARN, 0, "https, but the certificate is not "
               "verified (--insecure)");
        return;
    }
    if (f->verify_result) {
        report(d, "tls", RES_FAIL, EXIT_UNREACHABLE, "the certificate did "
               "not verify (OpenSSL result %ld)", f->verify_result);
        return;
    }
    if (f->cert_days == LONG_MIN)
        report(d, "tls", RES_OK, 0, "https, certificate verified (expiry "
               "not known)");
    else if (f->cert_days < 0)
        report(d, "tls", RES_FAIL, EXIT_UNREACHABLE, "the certificate "
               "expired %ld days ago", -f->cert_days);
    else
        report(d, "tls", f->cert_days < CERT_WARN_DAYS ? RES_WARN : RES_OK,
               0, "https, certificate verified, expires in %ld days",
               f->cert_days);
}

static void check_version(struct doctor *d, const json_t *info)
{
    const char *v = json_str(info, "version");
    int major = 0, minor = 0;

    if (!v) {
        report(d, "version", RES_WARN, 0, "the server does not say its "
               "version");
        return;
    }
    if (sscanf(v, "%d.%d", &major, &minor) < 1) {
        report(d, "version", RES_WARN, 0, "cannot read version '%s'", v);
        return;
    }
    if (major < TESTED_VERSION_MAJOR ||
        (major == TESTED_VERSION_MAJOR && minor < TESTED_VERSION_MINOR))
        report(d, "version", RES_WARN, 0, "%s, older than %d.%d (what "
               "rcctl is tested against); some commands may fail", v,
               TESTED_VERSION_MAJOR, TESTED_VERSION_MINOR);
    else
        report(d, "version", RES_OK, 0, "%s", v);
}

static void check_clock(struct doctor *d, const struct client_facts *f,
                        int64_t mid_ms)
{
    int64_t server = f->date[0] ? client_parse_date(f->date) : -1;
    int64_t skew;

    if (server < 0) {
        report(d, "clock", RES_OK, 0, "not checked: the server sent no "
               "Date header");
        return;
    }
    /* Date has whole seconds: up to 1 s of skew is rounding */
    skew = server - (mid_ms / 1000) * 1000;
    if (skew > MAX_SKEW_MS || skew < -MAX_SKEW_MS)
        report(d, "clock", RES_WARN, 0, "the server's clock is %s%.0f s "
               "%s this one's (two-factor codes and --days cut-offs depend "
               "on it)", "", (double)(skew < 0 ? -skew : skew) / 1000.0,
               skew < 0 ? "behind" : "ahead of");
    else
        report(d, "clock", RES_OK, 0, "within %.0f s of this machine's",
               (double)(skew < 0 ? -skew : skew) / 1000.0);
}

static void check_rate_limiter(struct doctor *d, struct client *c)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    const struct client_facts *f;
    struct buf hdr = BUF_INIT;
    const json_t *v;

    client_get(c, "/api/v1/settings/API_Enable_Rate_Limiter", &r);
    f = client_last_facts(c);
    if (f->rate_limit >= 0)
        buf_addf(&hdr, "; X-RateLimit-Limit %ld, remaining %ld",
                 f->rate_limit, f->rate_remaining);
    v = json_object_get(r.json, "value");
    if (r.err || !json_is_boolean(v))
        report(d, "rate-limiter", RES_OK, 0, "setting API_Enable_Rate_Limiter"
               " not readable (%s)%s", r.error ? r.error : "no value",
               hdr.data);
    else
        report(d, "rate-limiter", RES_OK, 0, "%s%s",
               json_is_true(v) ? "on: rcctl waits when answered 429"
                               : "off", hdr.data);
    client_reply_release(&r);
    buf_release(&hdr);
}

/*
 * The permissions each bulk command needs (Rocket.Chat's names, as its
 * REST routes and rcd's route table check them).
 */
static const struct need {
    const char *command;
    const char *perms;   /* comma-separated; "?name": only for groups
                            the caller is not in, so not a warning */
} needs[] = {
    { "user activate|deactivate", "edit-other-user-active-status" },
    { "user deactivate-idle", "edit-other-user-active-status,"
                              "view-user-administration,"
                              "view-full-other-user-info" },
    { "user create", "create-user" },
    { "user update", "edit-other-user-info" },
    { "user delete", "delete-user" },
    { "user logout", "logout-other-user" },
    { "user 2fa reset", "edit-other-user-totp" },
    { "user roles", "assign-roles" },
    { "settings set", "edit-privileged-setting" },
    { "permission grant|revoke", "access-permissions" },
    { "channel create", "create-c" },
    { "group create", "create-p" },
    { "channel delete", "delete-c" },
    { "group delete", "delete-p" },
    { "channel|group invite", "add-user-to-any-c-room,?add-user-to-any-p-room" },
    { "channel|group kick", "remove-user" },
    { "channel|group archive", "archive-room,unarchive-room" },
    { "channel|group rename", "edit-room" },
    { "group add-owner, room recover", "set-owner,?add-user-to-any-p-room" },
    { "room orphans", "view-room-administration" },
    { "team add|remove", "add-team-member,edit-team-member" },
    { "integration create|remove", "manage-incoming-integrations" },
};

static int roles_intersect(const json_t *a, const json_t *b)
{
    size_t i, k;
    json_t *x, *y;

    json_array_foreach(a, i, x) {
        json_array_foreach(b, k, y) {
            if (json_equal(x, y))
                return 1;
        }
    }
    return 0;
}

static void check_permissions(struct doctor *d, struct client *c,
                              const json_t *my_roles)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    json_t *held = json_object(), *p;
    size_t i;

    if (client_get(c, "/api/v1/permissions.listAll", &r)) {
        report(d, "permissions", RES_WARN, 0, "cannot list the permissions: "
               "%s", r.error ? r.error : "failed");
        goto out;
    }
    json_array_foreach(json_object_get(r.json, "update"), i, p) {
        const char *id = json_str(p, "_id");

        if (id)
            json_object_set_new(held, id, json_boolean(roles_intersect(
                                    json_object_get(p, "roles"), my_roles)));
    }
    for (size_t n = 0; n < ARRAY_SIZE(needs); n++) {
        struct buf missing = BUF_INIT, name = BUF_INIT, opt = BUF_INIT;
        const char *s = needs[n].perms;

        while (*s) {
            size_t len = strcspn(s, ",");
            int optional = *s == '?';
            char *perm = xstrndup(s + optional, len - (size_t)optional);
            struct buf *to = optional ? &opt : &missing;

            if (!json_is_true(json_object_get(held, perm)))
                buf_addf(to, "%s%s", to->len ? ", " : "", perm);
            free(perm);
            s += len + (s[len] == ',');
        }
        buf_addf(&name, "permission: %s", needs[n].command);
        if (missing.len)
            report(d, name.data, RES_WARN, 0, "your roles lack %s",
                   missing.data);
        else if (opt.len)
            report(d, name.data, RES_OK, 0, "held; without %s only in "
                   "groups you are in", opt.data);
        else
            report(d, name.data, RES_OK, 0, "held");
        buf_release(&missing);
        buf_release(&opt);
        buf_release(&name);
    }
out:
    json_decref(held);
    client_reply_release(&r);
}

static int doctor_run(struct rcctl *ctx, int argc, char **argv)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    struct doctor d = { 0 };
    struct client *c = NULL;
    const struct session *s;
    int64_t t0;
    json_t *info = NULL;
    int rc;

    rc = command_no_options(argc, argv, 0, 0);
    if (rc)
        return rc;
    d.ctx = ctx;
    rc = command_session(ctx);
    if (rc)
        return rc;
    s = &ctx->session;
    d.o = command_output(ctx, 1);
    check_config(&d);
    if (!s->url) {
        report(&d, "server", RES_FAIL, EXIT_USAGE, "no server: pass --url "
               "URL, set RCCTL_URL, or run 'rcctl login --url URL'");
        goto out;
    }
    rc = command_client(ctx, &c);
    if (rc) {
        report(&d, "server", RES_FAIL, rc, "no usable profile");
        goto out;
    }
    client_want_certinfo(c);
    t0 = now_ms();
    if (client_get(c, "/api/info", &r) && !r.status) {
        report(&d, "server", RES_FAIL, EXIT_UNREACHABLE, "%s",
               r.error ? r.error : "unreachable");
        goto out;
    }
    {
        const struct client_facts *f = client_last_facts(c);
        struct client_facts copy = *f;

        if (r.err)
            report(&d, "server", RES_FAIL, command_exit_code(r.err),
                   "'%s' answered /api/info with %ld: %s", s->url, r.status,
                   r.error ? r.error : "failed");
        else
            report(&d, "server", RES_OK, 0, "'%s' answered in %ld ms",
                   s->url, copy.ms);
        info = json_incref(r.json);
        check_tls(&d, s->url, &copy);
        check_version(&d, info);
        check_clock(&d, &copy, t0 + copy.ms / 2);
    }
    client_reply_release(&r);
    check_rate_limiter(&d, c);
    if (!s->user_id || !s->token) {
        report(&d, "login", RES_WARN, 0, "not logged in: run 'rcctl login' "
               "(permissions not checked)");
        goto out;
    }
    if (client_get(c, "/api/v1/me", &r)) {
        report(&d, "login", RES_FAIL, r.status == 401 ? EXIT_AUTH
                                                      : command_exit_code(
                                                            r.err),
               "the token was refused: %s%s", r.error ? r.error : "failed",
               r.status == 401 ? "; log in again with 'rcctl login'" : "");
        goto out;
    }
    {
        json_t *roles = json_object_get(r.json, "roles");
        char *rs = json_dumps(roles ? roles : json_null(), JSON_COMPACT |
                              JSON_ENCODE_ANY);

        report(&d, "login", RES_OK, 0, "as '%s' (id %s), roles %s",
               json_str(r.json, "username") ? json_str(r.json, "username")
                                            : "?",
               s->user_id, rs ? rs : "?");
        free(rs);
        roles = json_incref(roles);
        client_reply_release(&r);
        check_permissions(&d, c, roles);
        json_decref(roles);
    }
out:
    client_reply_release(&r);
    json_decref(info);
    rc = command_output_end(d.o);
    if (rc)
        return rc;
    if (d.worst == RES_FAIL)
        return d.fail_code;
    return d.worst == RES_WARN ? EXIT_PARTIAL : EXIT_OK;
}

const struct command doctor_commands[] = {
    {
        .name = "doctor",
        .summary = "check config, server, TLS, clock, login and permissions",
        .run = doctor_run,
        .flags = CMD_SERVER,
        .examples =
            "rcctl doctor\n"
            "rcctl --profile prod doctor -o json\n"
            "# in a cron job, before the real work\n"
            "rcctl -q doctor >/dev/null || exit 1",
        .help =
            "Checks, one record each (name, result ok|warn|fail, detail):\n"
            "  config        the config file and its mode (0600 in a 0700 folder)\n"
            "  server        GET /api/info answers, and how fast\n"
            "  tls           https? certificate verified? days to its expiry\n"
            "  version       the server's version against what rcctl is\n"
            "                tested with (7.4); older is a warning\n"
            "  clock         skew against the server's Date header (over 5 s\n"
            "                is a warning)\n"
            "  rate-limiter  API_Enable_Rate_Limiter and X-RateLimit-* headers\n"
            "  login         the token is valid (/api/v1/me), and your roles\n"
            "  permission:   per bulk command, whether your roles hold the\n"
            "                permissions it needs (permissions.listAll);\n"
            "                room roles (owner, moderator) are not counted\n"
            "\n"
            "Exit status: 0 every check ok; 3 warnings only; on a failure the\n"
            "failure's code: 7 server unreachable (or TLS failed), 5 token\n"
            "refused, 2 no server given, 1 otherwise.\n",
        .columns = "result,name,detail",
    },
    { NULL },
};
