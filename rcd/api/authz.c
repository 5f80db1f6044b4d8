/*
 * Permissions: Rocket.Chat's default permission-to-roles table and the one
 * function that decides whether a user holds a permission. Room-scoped
 * roles (owner, moderator, leader) come from the user's subscription.
 */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "../../shared/buf.h"
#include "../../shared/json.h"
#include "../../shared/log.h"
#include "../../shared/timeutil.h"

/* Rocket.Chat's built-in roles; all protected, _id == name. */
static const struct role_def {
    const char *id;
    const char *scope;
    const char *description;
} role_defs[] = {
    { "admin", "Users", "Admin" },
    { "anonymous", "Users", "" },
    { "app", "Users", "" },
    { "bot", "Users", "" },
    { "guest", "Users", "" },
    { "leader", "Subscriptions", "Leader" },
    { "livechat-agent", "Users", "Livechat Agent" },
    { "livechat-manager", "Users", "Livechat Manager" },
    { "moderator", "Subscriptions", "Moderator" },
    { "owner", "Subscriptions", "Owner" },
    { "user", "Users", "" },
};

/* Permissions whose roles differ from the defaults. */
struct perms {
    json_t *overrides;              /* id -> {"roles": [...], "at": ms} */
    int64_t defaults_at;            /* _updatedAt shown for defaults */
};

struct perm_def {
    const char *id;
    const char *roles;              /* space-separated role ids */
};

/* Sorted by id; Rocket.Chat 7.x defaults. */
static const struct perm_def perm_defs[] = {
    { "access-permissions", "admin" },
    { "add-team-channel", "admin owner moderator" },
    { "add-team-member", "admin owner moderator" },
    { "add-user-to-any-c-room", "admin" },
    { "add-user-to-any-p-room", "" },
    { "add-user-to-joined-room", "admin owner moderator" },
    { "api-bypass-rate-limit", "admin bot app" },
    { "archive-room", "admin owner" },
    { "assign-admin-role", "admin" },
    { "assign-roles", "admin" },
    { "create-c", "admin user bot app" },
    { "create-d", "admin user bot app" },
    { "create-p", "admin user bot app" },
    { "create-personal-access-tokens", "admin user" },
    { "create-team", "admin user" },
    { "create-team-channel", "admin owner moderator" },
    { "create-user", "admin" },
    { "delete-c", "admin owner" },
    { "delete-d", "admin" },
    { "delete-message", "admin owner moderator" },
    { "delete-own-message", "admin user" },
    { "delete-p", "admin owner" },
    { "delete-team", "admin owner" },
    { "delete-team-channel", "admin owner moderator" },
    { "delete-user", "admin" },
    { "edit-message", "admin owner moderator" },
    { "edit-other-user-active-status", "admin" },
    { "edit-other-user-avatar", "admin" },
    { "edit-other-user-e2ee", "admin" },
    { "edit-other-user-info", "admin" },
    { "edit-other-user-password", "admin" },
    { "edit-other-user-totp", "admin" },
    { "edit-privileged-setting", "admin" },
    { "edit-room", "admin owner moderator" },
    { "edit-team", "admin owner" },
    { "edit-team-channel", "admin owner moderator" },
    { "edit-team-member", "admin owner moderator" },
    { "force-delete-message", "admin owner" },
    { "join-without-join-code", "admin bot app" },
    { "kick-user-from-any-c-room", "admin" },
    { "kick-user-from-any-p-room", "" },
    { "leave-c", "admin user bot app anonymous" },
    { "leave-p", "admin user bot app anonymous" },
    { "logout-other-user", "admin" },
    { "manage-incoming-integrations", "admin" },
    { "manage-outgoing-integrations", "admin" },
    { "manage-own-incoming-integrations", "admin" },
    { "manage-own-outgoing-integrations", "admin" },
    { "mention-all", "admin owner moderator user" },
    { "mention-here", "admin owner moderator user" },
    { "message-impersonate", "bot app" },
    { "move-room-to-team", "admin owner moderator" },
    { "post-readonly", "admin owner moderator" },
    { "remove-team-channel", "admin owner moderator" },
    { "remove-user", "admin owner moderator" },
    { "send-many-messages", "admin bot app" },
    { "set-leader", "admin owner" },
    { "set-moderator", "admin owner" },
    { "set-owner", "admin owner" },
    { "start-discussion", "admin user guest app" },
    { "start-discussion-other-user", "admin user owner app" },
    { "unarchive-room", "admin" },
    { "user-generate-access-token", "admin" },
    { "view-all-team-channels", "admin owner" },
    { "view-all-teams", "admin" },
    { "view-broadcast-member-list", "admin owner moderator" },
    { "view-c-room", "admin user bot app anonymous" },
    { "view-d-room", "admin user bot app guest" },
    { "view-full-other-user-info", "admin" },
    { "view-joined-room", "guest bot app anonymous" },
    { "view-logs", "admin" },
    { "view-other-user-channels", "admin" },
    { "view-outside-room", "admin owner moderator user" },
    { "view-p-room", "admin user anonymous guest" },
    { "view-privileged-setting", "admin" },
    { "view-room-administration", "admin" },
    { "view-statistics", "admin" },
    { "view-user-administration", "admin" },
};

static const struct perm_def *perm_find(const char *id)
{
    size_t lo = 0, hi = ARRAY_SIZE(perm_defs);

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(id, perm_defs[mid].id);

        if (c == 0)
            return &perm_defs[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* Whether the space-separated list holds role. */
static int list_has(const char *list, const char *role)
{
    size_t n = strlen(role);

    for (const char *p = list; *p;) {
        const char *sp = strchr(p, ' ');
        size_t len = sp ? (size_t)(sp - p) : strlen(p);

        if (len == n && strncmp(p, role, n) == 0)
            return 1;
        if (!sp)
            break;
        p = sp + 1;
    }
    return 0;
}

const char *role_scope(const char *id)
{
    for (size_t i = 0; i < ARRAY_SIZE(role_defs); i++)
        if (strcmp(role_defs[i].id, id) == 0)
            return role_defs[i].scope;
    return NULL;
}

json_t *role_to_json(const char *id)
{
    for (size_t i = 0; i < ARRAY_SIZE(role_defs); i++)
        if (strcmp(role_defs[i].id, id) == 0)
            return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b}",
                             "_id", role_defs[i].id, "name", role_defs[i].id,
                             "scope", role_defs[i].scope, "description",
                             role_defs[i].description, "protected", 1,
                             "mandatory2fa", 0);
    return NULL;
}

json_t *roles_to_json(void)
{
    json_t *a = json_array();

    for (size_t i = 0; i < ARRAY_SIZE(role_defs); i++)
        json_array_append_new(a, role_to_json(role_defs[i].id));
    return a;
}

static void load_override(void *arg, const char *id, const char *roles_json,
                          int64_t at)
{
    struct perms *p = arg;
    json_error_t jerr;
    json_t *roles = json_loads(roles_json, 0, &jerr);

    if (!perm_find(id) || !json_is_array(roles)) {
        log_warn("authz", "ignoring stored permission '%s'", id);
        json_decref(roles);
        return;
    }
    json_object_set_new(p->overrides, id,
                        json_pack("{s:o, s:I}", "roles", roles, "at",
                                  (json_int_t)at));
}

struct perms *perms_new(struct store *st)
{
    struct perms *p = xcalloc(1, sizeof(*p));

    for (size_t i = 1; i < ARRAY_SIZE(perm_defs); i++)
        if (strcmp(perm_defs[i - 1].id, perm_defs[i].id) >= 0)
            BUG("permission defs out of order at '%s'", perm_defs[i].id);
    p->overrides = json_object();
    p->defaults_at = now_ms();
    if (store_permissions_each(st, load_override, p))
        log_warn("authz", "could not read stored permissions; using defaults");
    return p;
}

void perms_free(struct perms *p)
{
    if (!p)
        return;
    json_decref(p->overrides);
    free(p);
}

/* The roles granted perm now, as a JSON array (new reference). */
static json_t *perm_roles(const struct perms *p, const struct perm_def *d)
{
    json_t *o = json_object_get(p->overrides, d->id), *a;

    if (o)
        return json_incref(json_object_get(o, "roles"));
    a = json_array();
    for (const char *r = d->roles; *r;) {
        const char *sp = strchr(r, ' ');
        size_t len = sp ? (size_t)(sp - r) : strlen(r);

        json_array_append_new(a, json_stringn(r, len));
        if (!sp)
            break;
        r = sp + 1;
    }
    return a;
}

json_t *permissions_to_json(const struct perms *p, int64_t since)
{
    json_t *list = json_array();
    char iso[ISO_TIME_LEN + 1];

    for (size_t i = 0; i < ARRAY_SIZE(perm_defs); i++) {
        json_t *o = json_object_get(p->overrides, perm_defs[i].id);
        int64_t at = o ? json_integer_value(json_object_get(o, "at"))
                       : p->defaults_at;

        if (at <= since)
            continue;
        iso_time(at, iso);
        json_array_append_new(list,
            json_pack("{s:s, s:o, s:s}", "_id", perm_defs[i].id, "roles",
                      perm_roles(p, &perm_defs[i]), "_updatedAt", iso));
    }
    return list;
}

int permission_exists(const char *id)
{
    return perm_find(id) != NULL;
}

enum err permission_set(struct perms *p, struct store *st, const char *id,
                        json_t *roles)
{
    struct buf text = BUF_INIT;
    int64_t now = now_ms();
    enum err rc;

    if (!perm_find(id))
        return ERR_NOT_FOUND;
    json_dump_buf(&text, roles);
    rc = store_permission_put(st, id, text.data, now);
    buf_release(&text);
    if (!rc)
        json_object_set_new(p->overrides, perm_find(id)->id,
                            json_pack("{s:O, s:I}", "roles", roles, "at",
                                      (json_int_t)now));
    return rc;
}

/* Whether role is granted d, by override or by default. */
static int grants(const struct perms *p, const struct perm_def *d,
                  const char *role)
{
    json_t *o = json_object_get(p->overrides, d->id), *v;
    size_t i;

    if (!o)
        return list_has(d->roles, role);
    json_array_foreach(json_object_get(o, "roles"), i, v)
        if (strcmp(json_string_value(v), role) == 0)
            return 1;
    return 0;
}

int has_permission(struct api_ctx *ctx, const struct user *user,
                   const char *perm, const char *room_id)
{
    const struct perm_def *d = perm_find(perm);
    const struct perms *p = ctx->app->perms;

    char *room_roles = NULL;
    json_error_t jerr;
    json_t *list, *v;
    size_t i;
    int ok = 0;

    if (!d)
        BUG("unknown permission '%s'", perm);
    if (!user)
        return grants(p, d, "anonymous");
    for (i = 0; i < user->nroles; i++)
        if (grants(p, d, user->roles[i]))
            return 1;
    /* room-scoped roles (owner, moderator, leader) live in the subscription */
    if (!room_id || store_sub_roles(ctx->store, room_id, user->rid,
                                    &room_roles) || !room_roles)
        return 0;
    list = json_loads(room_roles, 0, &jerr);
    json_array_foreach(list, i, v)
        if (json_is_string(v) && grants(p, d, json_string_value(v)))
            ok = 1;
    json_decref(list);
    free(room_roles);
    return ok;
}
