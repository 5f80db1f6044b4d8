/*
 * Route lookup (binary search over the exact paths of routes.c, then the
 * few ":param" patterns), the authentication gate, route-level permissions
 * and body parsing. Knows nothing of sockets.
 */
#include "router.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../shared/buf.h"
#include "../shared/crypto.h"
#include "../shared/json.h"
#include "../shared/log.h"
#include "api/api.h"
#include "http.h"
#include "authcache.h"
#include "ratelimit.h"
#include "../shared/timeutil.h"

#define JSON_MAX_DEPTH 64

struct router {
    struct app *app;                /* borrowed */
    size_t nexact;                  /* exact routes, sorted, for bsearch */
    const struct route **exact;
    size_t npattern;                /* routes with ":name" segments */
    const struct route **pattern;
    struct ratelimit *limits;       /* per client address, route and method */
    struct authcache *auth;         /* token hash -> user, by auth generation */
    int group_commit;               /* 0 when RCD_GROUP_COMMIT=off */
};

static int route_cmp(const struct route *a, const struct route *b)
{
    int c = strcmp(a->path, b->path);

    if (c)
        return c;
    return (int)a->method - (int)b->method;
}

struct router *router_new(struct app *app)
{
    struct router *rt = xcalloc(1, sizeof(*rt));

    for (size_t i = 1; i < routes_count; i++)
        if (route_cmp(&routes[i - 1], &routes[i]) >= 0)
            BUG("routes.c: '%s' is out of order or duplicated",
                routes[i].path);
    rt->app = app;
    rt->limits = ratelimit_new(16384);
    rt->auth = authcache_new(4096);
    {
        const char *gc = getenv("RCD_GROUP_COMMIT");

        rt->group_commit = !gc || strcmp(gc, "off") != 0;
    }
    rt->exact = xcalloc(routes_count, sizeof(*rt->exact));
    rt->pattern = xcalloc(routes_count, sizeof(*rt->pattern));
    for (size_t i = 0; i < routes_count; i++) {
        if (strchr(routes[i].path, ':'))
            rt->pattern[rt->npattern++] = &routes[i];
        else
            rt->exact[rt->nexact++] = &routes[i];
    }
    return rt;
}

void router_free(struct router *rt)
{
    if (!rt)
        return;
    free(rt->exact);
    free(rt->pattern);
    ratelimit_free(rt->limits);
    authcache_free(rt->auth);
    free(rt);
}

void router_batch_begin(struct router *rt)
{
    if (rt->group_commit && !store_batch_open(rt->app->store))
        store_batch_begin(rt->app->store);  /* else: autocommit, unbatched */
}

int router_batch_dirty(struct router *rt)
{
    return store_batch_dirty(rt->app->store);
}

int router_batch_end(struct router *rt)
{
    struct app *app = rt->app;
    const char *why;

    if (!store_batch_open(app->store) || !store_batch_end(app->store))
        return 0;
    settings_free(app->settings);
    app->settings = settings_new(app->store, app->cfg->root_url);
    perms_free(app->perms);
    app->perms = perms_new(app->store);
    why = store_batch_failure(app->store);
    return why && strcmp(why, "full") == 0 ? 507 : 503;
}

/* Does path match pattern? Fills params with pointers into scratch. */
static int pattern_match(const char *pattern, const char *path,
                         struct api_ctx *ctx, struct buf *scratch)
{
    size_t offs[4], n = 0;

    buf_reset(scratch);
    while (*pattern && *path) {
        if (*pattern == ':') {
            const char *end = strchr(path, '/');
            size_t len = end ? (size_t)(end - path) : strlen(path);

            if (len == 0 || n == 4)
                return 0;
            offs[n++] = scratch->len;
            buf_add(scratch, path, len);
            buf_addc(scratch, '\0');
            path += len;
            pattern = strchr(pattern, '/');
            if (!pattern)
                pattern = "";
            continue;
        }
        if (*pattern++ != *path++)
            return 0;
    }
    if (*pattern || *path)
        return 0;
    ctx->nparams = n;
    for (size_t i = 0; i < n; i++)
        ctx->params[i] = scratch->data + offs[i];
    return 1;
}

/*
 * Find the route for req. Returns it, or NULL with *path_known telling
 * whether the path exists under another method.
 */
static const struct route *route_find(struct router *rt, const struct req *req,
                                      struct api_ctx *ctx, struct buf *scratch,
                                      int *path_known)
{
    size_t lo = 0, hi = rt->nexact;

    *path_known = 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(req->path, rt->exact[mid]->path);

        if (c == 0) {
            size_t i = mid;

            while (i > 0 && strcmp(rt->exact[i - 1]->path, req->path) == 0)
                i--;
            for (; i < rt->nexact && strcmp(rt->exact[i]->path, req->path) == 0;
                 i++) {
                if (rt->exact[i]->method == req->method)
                    return rt->exact[i];
            }
            *path_known = 1;
            return NULL;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    for (size_t i = 0; i < rt->npattern; i++) {
        if (!pattern_match(rt->pattern[i]->path, req->path, ctx, scratch))
            continue;
        if (rt->pattern[i]->method == req->method)
            return rt->pattern[i];
        *path_known = 1;
    }
    return NULL;
}

static int json_depth_ok(const json_t *j, int depth)
{
    const char *key;
    json_t *v;
    size_t i;

    if (depth > JSON_MAX_DEPTH)
        return 0;
    if (json_is_object(j)) {
        json_object_foreach((json_t *)j, key, v)
            if (!json_depth_ok(v, depth + 1))
                return 0;
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            if (!json_depth_ok(v, depth + 1))
                return 0;
    }
    return 1;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decode one form component (percent escapes, '+' as space) into b. */
static int form_decode(const char *s, size_t n, struct buf *b)
{
    buf_reset(b);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            buf_addc(b, ' ');
        } else if (s[i] == '%') {
            int hi, lo;

            if (i + 2 >= n)
                return -1;
            hi = hexval((unsigned char)s[i + 1]);
            lo = hexval((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return -1;
            buf_addc(b, (char)(hi * 16 + lo));
            i += 2;
        } else if (s[i] == '\0') {
            return -1;
        } else {
            buf_addc(b, s[i]);
        }
    }
    return 0;
}

/*
 * An application/x-www-form-urlencoded body as a JSON object of strings.
 * A body whose only key is itself a JSON object (what `curl -d '{...}'`
 * sends) is taken as that JSON, as Rocket.Chat's webhooks do.
 */
static json_t *form_to_json(const char *s, size_t len, json_error_t *jerr)
{
    json_t *o = json_object();
    struct buf key = BUF_INIT, val = BUF_INIT;
    size_t pos = 0, pairs = 0;
    int bad = 0;

    while (pos < len && !bad) {
        const char *amp = memchr(s + pos, '&', len - pos);
        size_t end = amp ? (size_t)(amp - s) : len;
        const char *eq = memchr(s + pos, '=', end - pos);
        size_t kend = eq ? (size_t)(eq - s) : end;
        size_t vstart = eq ? kend + 1 : end;
        json_t *v = NULL;

        if (end > pos) {
            if (form_decode(s + pos, kend - pos, &key) ||
                form_decode(s + vstart, end - vstart, &val) ||
                !(v = json_stringn(val.data, val.len)))
                bad = 1;
            else if (json_object_set_new(o, key.data, v))
                bad = 1;            /* the key is not UTF-8 */
            else
                pairs++;
        }
        pos = end + 1;
    }
    if (!bad && pairs == 1 && key.len && key.data[0] == '{' && val.len == 0) {
        json_t *j = json_loadb(key.data, key.len, JSON_REJECT_DUPLICATES, jerr);

        if (j) {
            json_decref(o);
            o = j;
        }
    }
    buf_release(&key);
    buf_release(&val);
    if (bad) {
        json_decref(o);
        snprintf(jerr->text, sizeof(jerr->text), "malformed form body");
        return NULL;
    }
    return o;
}

/* Parse the body as the route asks; returns 0 or the status set in out. */
static int parse_body(struct api_ctx *ctx, struct reply *out)
{
    const struct req *req = ctx->req;
    const char *ct = req_header(req, "Content-Type");
    json_error_t jerr;
    json_t *j;

    if (req->body.len == 0) {
        ctx->body = json_object();
        return 0;
    }
    if (ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
        j = form_to_json(req->body.data, req->body.len, &jerr);
    else
        j = json_parse(req->body.data, req->body.len, &jerr);
    if (!j)
        return api_fail(out, 400, NULL, "Invalid JSON body: %s", jerr.text);
    if (!json_is_object(j)) {
        json_decref(j);
        return api_fail(out, 400, NULL, "The request body must be a JSON "
                                        "object");
    }
    if (!json_depth_ok(j, 0)) {
        json_decref(j);
        return api_fail(out, 400, NULL, "The request body is nested too "
                                        "deeply");
    }
    ctx->body = j;
    return 0;
}

/*
 * The gate: with X-User-Id and X-Auth-Token, find the caller, from the
 * cache when nothing about users or tokens changed since it was filled.
 * Returns 1 when ctx->user is set, 0 when anonymous, -1 on a store failure.
 */
static int authenticate(struct router *rt, struct api_ctx *ctx,
                        char hash[SHA256_B64_LEN + 1])
{
    const char *uid = req_header(ctx->req, "X-User-Id");
    const char *token = req_header(ctx->req, "X-Auth-Token");
    struct user user = USER_INIT;
    uint64_t gen = store_auth_generation(ctx->store);

    if (!uid || !token || !*uid || !*token)
        return 0;
    sha256_b64(token, strlen(token), hash);
    ctx->user = authcache_get(rt->auth, hash, uid, gen, &ctx->token);
    if (!ctx->user) {
        switch (store_token_check(ctx->store, uid, hash, &ctx->token)) {
        case ERR_OK:
            break;
        case ERR_NOT_FOUND:
            return 0;
        default:
            return -1;
        }
        if (store_user_by_rid(ctx->store, ctx->token.user_rid, &user))
            return -1;
        ctx->user = authcache_put(rt->auth, hash, gen, &user, &ctx->token);
    }
    ctx->token_hash = hash;
    snprintf(ctx->req->user_id, sizeof(ctx->req->user_id), "%s",
             ctx->user->id);
    return 1;
}

/*
 * Rocket.Chat's REST rate limiter: API_Enable_Rate_Limiter_Limit_Calls_Default
 * calls per ..._Time_Default ms for each client address, route and method,
 * on /api/v1 routes but method.call; holders of api-bypass-rate-limit are
 * exempt. Returns 0, or 429 with the reply set.
 */
static int rate_limit(struct router *rt, struct api_ctx *ctx,
                      const struct route *r, struct reply *out)
{
    const struct settings *s = rt->app->settings;
    struct buf key = BUF_INIT;
    int64_t limit, window, remaining, reset, now = now_ms();
    char num[32];
    int ok;

    if (!setting_bool(s, "API_Enable_Rate_Limiter") ||
        strncmp(r->path, "/api/v1/", 8) != 0 ||
        strncmp(r->path, "/api/v1/method.call", 19) == 0)
        return 0;
    if (ctx->user &&
        has_permission(ctx, ctx->user, "api-bypass-rate-limit", NULL))
        return 0;
    limit = strcmp(r->path, "/api/v1/users.register") == 0
            ? setting_int(s, "Rate_Limiter_Limit_RegisterUser")
            : setting_int(s, "API_Enable_Rate_Limiter_Limit_Calls_Default");
    window = setting_int(s, "API_Enable_Rate_Limiter_Limit_Time_Default");
    buf_addf(&key, "%s %u %s", ctx->req->client_ip, r->method, r->path);
    ok = ratelimit_hit(rt->limits, key.data, now, limit, window, &remaining,
                       &reset);
    buf_release(&key);
    snprintf(num, sizeof(num), "%lld", (long long)limit);
    reply_header(out, "X-RateLimit-Limit", num);
    snprintf(num, sizeof(num), "%lld", (long long)remaining);
    reply_header(out, "X-RateLimit-Remaining", num);
    snprintf(num, sizeof(num), "%lld", (long long)reset);
    reply_header(out, "X-RateLimit-Reset", num);
    if (ok)
        return 0;
    return api_fail_details(out, 429, "error-too-many-requests",
        json_pack("{s:I, s:I}", "timeToReset", (json_int_t)(reset - now),
                  "seconds", (json_int_t)((reset - now + 999) / 1000)),
        "Error, too many requests. Please slow down. You must wait %lld "
        "seconds before trying this endpoint again.",
        (long long)((reset - now + 999) / 1000));
}

void router_dispatch(struct router *rt, struct req *req, struct reply *out)
{
    struct api_ctx ctx;
    struct buf scratch = BUF_INIT;
    char hash[SHA256_B64_LEN + 1];
    const struct route *r;
    int path_known, who;

    memset(&ctx, 0, sizeof(ctx));
    ctx.app = rt->app;
    ctx.store = rt->app->store;
    ctx.req = req;
    out->status = 0;
    r = route_find(rt, req, &ctx, &scratch, &path_known);
    if (!r) {
        if (path_known)
            api_fail(out, 405, NULL, "Method not allowed");
        else
            api_not_found(out, NULL);
        goto out;
    }
    who = authenticate(rt, &ctx, hash);
    if (who < 0) {
        api_internal(out);
        goto out;
    }
    if (!who && !(r->flags & ROUTE_PUBLIC)) {
        api_unauthorized(out);
        goto out;
    }
    if (rate_limit(rt, &ctx, r, out))
        goto out;
    if (r->perm && !has_permission(&ctx, ctx.user, r->perm, NULL)) {
        api_forbidden_route(out);
        goto out;
    }
    if ((r->flags & ROUTE_JSON) && parse_body(&ctx, out))
        goto out;
    r->handler(&ctx, out);
    if (!out->status || !out->body)
        BUG("handler for %s left no reply", r->path);
out:
    json_decref(ctx.body);
    buf_release(&scratch);
    explicit_bzero(hash, sizeof(hash));
}
