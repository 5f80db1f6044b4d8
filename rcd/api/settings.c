/*
 * The settings registry: every setting rcd honours, with Rocket.Chat's id,
 * type and default, and the current values (defaults overlaid with what the
 * store holds). Values are kept as JSON, as Rocket.Chat returns them.
 */
#include "api.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/buf.h"
#include "../../shared/json.h"
#include "../../shared/log.h"
#include "../../shared/timeutil.h"

enum { SET_PUBLIC = 1, SET_HIDDEN = 2 };

struct setting_def {
    const char *id;
    const char *type;               /* boolean, string, int, select */
    const char *dflt;               /* default as JSON text */
    unsigned flags;                 /* SET_* */
    const char *group;
    const char *values;             /* select: allowed values, '|'-separated */
};

/* Sorted by id. Site_Url's default is replaced by ROOT_URL at start-up. */
static const struct setting_def defs[] = {
    { "API_Allow_Infinite_Count", "boolean", "true", 0, "General", NULL },
    { "API_Apply_permission_view-outside-room_on_users-list", "boolean",
      "false", 0, "General", NULL },
    { "API_Default_Count", "int", "50", 0, "General", NULL },
    { "API_Enable_Rate_Limiter", "boolean", "true", 0, "Rate Limiter", NULL },
    { "API_Enable_Rate_Limiter_Limit_Calls_Default", "int", "10", 0,
      "Rate Limiter", NULL },
    { "API_Enable_Rate_Limiter_Limit_Time_Default", "int", "60000", 0,
      "Rate Limiter", NULL },
    { "API_Upper_Count_Limit", "int", "100", 0, "General", NULL },
    { "Accounts_AllowInvisibleStatusOption", "boolean", "true", SET_PUBLIC,
      "Accounts", NULL },
    { "Accounts_AllowRealNameChange", "boolean", "true", SET_PUBLIC,
      "Accounts", NULL },
    { "Accounts_AllowUserStatusMessageChange", "boolean", "true", SET_PUBLIC,
      "Accounts", NULL },
    { "Accounts_AllowUsernameChange", "boolean", "true", SET_PUBLIC,
      "Accounts", NULL },
    { "Accounts_RegistrationForm", "select", "\"Public\"", SET_PUBLIC,
      "Accounts", "Public|Disabled|Secret URL" },
    { "Accounts_RegistrationForm_SecretURL", "string", "\"\"", 0,
      "Accounts", NULL },
    { "Accounts_Registration_Users_Default_Roles", "string", "\"user\"", 0,
      "Accounts", NULL },
    { "Accounts_SystemBlockedUsernameList", "string",
      "\"admin,administrator,system,user\"", 0, "Accounts", NULL },
    { "Accounts_TwoFactorAuthentication_Enabled", "boolean", "true",
      SET_PUBLIC, "Accounts", NULL },
    { "Accounts_TwoFactorAuthentication_Enforce_Password_Fallback", "boolean",
      "true", SET_PUBLIC, "Accounts", NULL },
    { "Accounts_TwoFactorAuthentication_RememberFor", "int", "1800", 0,
      "Accounts", NULL },
    { "Block_Multiple_Failed_Logins_Attempts_Until_Block_By_Ip", "int", "50",
      0, "Accounts", NULL },
    { "Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User", "int",
      "10", 0, "Accounts", NULL },
    { "Block_Multiple_Failed_Logins_Enabled", "boolean", "true", 0,
      "Accounts", NULL },
    { "Block_Multiple_Failed_Logins_Time_To_Unblock_By_Ip_In_Minutes", "int",
      "5", 0, "Accounts", NULL },
    { "Block_Multiple_Failed_Logins_Time_To_Unblock_By_User_In_Minutes",
      "int", "5", 0, "Accounts", NULL },
    { "Message_ErasureType", "select", "\"Delete\"", 0, "Message",
      "Keep|Delete|Unlink" },
    { "Message_MaxAllowedSize", "int", "5000", SET_PUBLIC, "Message", NULL },
    { "Rate_Limiter_Limit_RegisterUser", "int", "1", 0, "Rate Limiter", NULL },
    { "Site_Name", "string", "\"Rocket.Chat\"", SET_PUBLIC, "General", NULL },
    { "Site_Url", "string", "\"http://localhost:3000\"", SET_PUBLIC, "General",
      NULL },
    { "UTF8_User_Names_Validation", "string", "\"[0-9a-zA-Z-_.]+\"", 0,
      "General", NULL },
    { "Unread_Count", "select", "\"user_and_group_mentions_only\"", 0,
      "General", "all_messages|user_mentions_only|group_mentions_only|"
      "user_and_group_mentions_only" },
    { "Unread_Count_DM", "select", "\"all_messages\"", 0, "General",
      "all_messages|mentions_only" },
};

struct settings {
    json_t *values;                 /* id -> current value */
};

static const struct setting_def *def_find(const char *id)
{
    size_t lo = 0, hi = ARRAY_SIZE(defs);

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(id, defs[mid].id);

        if (c == 0)
            return &defs[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

static int type_ok(const struct setting_def *d, const json_t *v)
{
    if (strcmp(d->type, "boolean") == 0)
        return json_is_boolean(v);
    if (strcmp(d->type, "int") == 0)
        return json_is_integer(v);
    if (strcmp(d->type, "select") == 0) {
        const char *s = json_string_value(v), *p = d->values;
        size_t n;

        if (!s)
            return 0;
        n = strlen(s);
        while (p && *p) {
            const char *bar = strchr(p, '|');
            size_t len = bar ? (size_t)(bar - p) : strlen(p);

            if (len == n && strncmp(p, s, n) == 0)
                return 1;
            p = bar ? bar + 1 : NULL;
        }
        return 0;
    }
    return json_is_string(v);
}

static void load_stored(void *arg, const char *id, const char *value_json)
{
    struct settings *s = arg;
    const struct setting_def *d = def_find(id);
    json_error_t jerr;
    json_t *v;

    if (!d) {
        log_warn("settings", "ignoring stored value of unknown setting '%s'", id);
        return;
    }
    v = json_loads(value_json, JSON_DECODE_ANY, &jerr);
    if (!v || !type_ok(d, v)) {
        log_warn("settings", "ignoring bad stored value of '%s'", id);
        json_decref(v);
        return;
    }
    json_object_set_new(s->values, id, v);
}

struct settings *settings_new(struct store *st, const char *root_url)
{
    struct settings *s = xcalloc(1, sizeof(*s));

    for (size_t i = 1; i < ARRAY_SIZE(defs); i++)
        if (strcmp(defs[i - 1].id, defs[i].id) >= 0)
            BUG("settings defs out of order at '%s'", defs[i].id);
    s->values = json_object();
    for (size_t i = 0; i < ARRAY_SIZE(defs); i++) {
        json_error_t jerr;
        json_t *v = json_loads(defs[i].dflt, JSON_DECODE_ANY, &jerr);

        if (!v || !type_ok(&defs[i], v))
            BUG("bad default for setting '%s'", defs[i].id);
        json_object_set_new(s->values, defs[i].id, v);
    }
    if (root_url)
        json_object_set_new(s->values, "Site_Url", json_string(root_url));
    if (store_settings_each(st, load_stored, s))
        log_warn("settings", "could not read stored settings; using defaults");
    return s;
}

void settings_free(struct settings *s)
{
    if (!s)
        return;
    json_decref(s->values);
    free(s);
}

const json_t *setting_get(const struct settings *s, const char *id)
{
    return json_object_get(s->values, id);
}

int setting_bool(const struct settings *s, const char *id)
{
    return json_is_true(setting_get(s, id));
}

int64_t setting_int(const struct settings *s, const char *id)
{
    return json_integer_value(setting_get(s, id));
}

const char *setting_str(const struct settings *s, const char *id)
{
    const char *v = json_string_value(setting_get(s, id));

    return v ? v : "";
}

enum err setting_set(struct settings *s, struct store *st, const char *id,
                     json_t *value)
{
    const struct setting_def *d = def_find(id);
    struct buf text = BUF_INIT;
    enum err rc;

    if (!d) {
        json_decref(value);
        return ERR_NOT_FOUND;
    }
    if (!type_ok(d, value)) {
        json_decref(value);
        return ERR_INVALID;
    }
    json_dump_buf(&text, value);
    rc = store_setting_put(st, id, text.data, now_ms());
    buf_release(&text);
    if (rc) {
        json_decref(value);
        return rc;
    }
    json_object_set_new(s->values, d->id, value);
    return ERR_OK;
}

enum err setting_set_text(struct settings *s, struct store *st,
                          const char *id, const char *text)
{
    const struct setting_def *d = def_find(id);
    json_t *v;

    if (!d)
        return ERR_NOT_FOUND;
    if (strcmp(d->type, "boolean") == 0) {
        if (strcmp(text, "true") == 0)
            v = json_true();
        else if (strcmp(text, "false") == 0)
            v = json_false();
        else
            return ERR_INVALID;
    } else if (strcmp(d->type, "int") == 0) {
        char *end;
        long long n;

        errno = 0;
        n = strtoll(text, &end, 10);
        if (errno || end == text || *end)
            return ERR_INVALID;
        v = json_integer(n);
    } else {
        v = json_string(text);
        if (!v)
            return ERR_INVALID;     /* not UTF-8 */
    }
    return setting_set(s, st, id, v);
}

/* ---- endpoints ---- */

/* Whether id is named in the comma-separated list (NULL list: every id). */
static int id_listed(const char *list, const char *id)
{
    size_t n = strlen(id);

    if (!list)
        return 1;
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);

        if (len == n && strncmp(p, id, n) == 0)
            return 1;
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

/* The shared list of settings.public and settings. */
static int settings_page(struct api_ctx *ctx, int only_public, int defaults,
                         struct reply *out)
{
    static const char *const sortable[] = { "_id", NULL };
    const struct settings *s = ctx->app->settings;
    const char *ids = req_query(ctx->req, "_id");
    struct sort_key keys[1];
    struct paging pg;
    size_t nkeys, order[ARRAY_SIZE(defs)], n = 0;
    int64_t total = 0, skipped = 0;
    json_t *list;
    int status;

    status = api_paging(ctx, &pg, out);
    if (!status)
        status = api_sort(ctx, sortable, keys, 1, &nkeys, out);
    if (!status)
        status = api_refuse_query(ctx, out);
    if (status)
        return status;
    for (size_t i = 0; i < ARRAY_SIZE(defs); i++)
        order[i] = nkeys && keys[0].dir < 0 ? ARRAY_SIZE(defs) - 1 - i : i;
    list = json_array();
    for (size_t k = 0; k < ARRAY_SIZE(defs); k++) {
        const struct setting_def *d = &defs[order[k]];
        json_t *item;

        if ((d->flags & SET_HIDDEN) || (only_public && !(d->flags & SET_PUBLIC)) ||
            !id_listed(ids, d->id))
            continue;
        total++;
        if (skipped < pg.offset) {
            skipped++;
            continue;
        }
        if (pg.count && (int64_t)n >= pg.count)
            continue;
        item = json_pack("{s:s, s:O}", "_id", d->id, "value",
                         setting_get(s, d->id));
        if (defaults) {
            json_error_t jerr;

            json_object_set_new(item, "packageValue",
                                json_loads(d->dflt, JSON_DECODE_ANY, &jerr));
        }
        json_array_append_new(list, item);
        n++;
    }
    return api_ok(out, json_pack("{s:o, s:I, s:I, s:I}", "settings", list,
                                 "count", (json_int_t)n, "offset",
                                 (json_int_t)pg.offset, "total",
                                 (json_int_t)total));
}

int api_settings_public(struct api_ctx *ctx, struct reply *out)
{
    return settings_page(ctx, 1, 0, out);
}

int api_settings_list(struct api_ctx *ctx, struct reply *out)
{
    const char *inc = req_query(ctx->req, "includeDefaults");
    int privileged = has_permission(ctx, ctx->user, "view-privileged-setting",
                                    NULL);

    return settings_page(ctx, !privileged, privileged && inc &&
                         strcmp(inc, "true") == 0, out);
}

/* Rocket.Chat answers a bad or unknown setting with a bare failure. */
static int bare_failure(struct reply *out)
{
    json_decref(out->body);
    out->status = 400;
    out->body = json_pack("{s:b}", "success", 0);
    return 400;
}

int api_settings_get(struct api_ctx *ctx, struct reply *out)
{
    const struct setting_def *d = def_find(ctx->params[0]);

    if (!d || (d->flags & SET_HIDDEN))
        return bare_failure(out);
    return api_ok(out, json_pack("{s:s, s:O}", "_id", d->id, "value",
                                 setting_get(ctx->app->settings, d->id)));
}

int api_settings_set(struct api_ctx *ctx, struct reply *out)
{
    const struct setting_def *d = def_find(ctx->params[0]);
    json_t *value = json_object_get(ctx->body, "value");
    int status;

    status = twofa_check(ctx, out);
    if (status)
        return status;
    if (!d || (d->flags & SET_HIDDEN) || !value)
        return bare_failure(out);
    switch (setting_set(ctx->app->settings, ctx->store, d->id,
                        json_incref(value))) {
    case ERR_OK:
        return api_ok(out, NULL);
    case ERR_INVALID:
    case ERR_NOT_FOUND:
        return bare_failure(out);
    default:
        return api_internal(out);
    }
}
