/*
 * The handler side of rcd: the context a handler gets, the reply helpers
 * that produce Rocket.Chat's envelopes, the settings and permission
 * registries, and every handler's prototype. Handlers compute and nothing
 * else: no sockets, no libev, no SQL (they call rcd/store/).
 */
#ifndef RCD_API_H
#define RCD_API_H

#include <stdint.h>

#include <jansson.h>

#include "../../shared/xalloc.h"
#include "../config.h"
#include "../http.h"
#include "../store/store.h"

struct perms;
struct settings;

/* What every handler shares; one per loop, owned by main.c. */
struct app {
    const struct config *cfg;
    struct store *store;
    struct settings *settings;
    struct perms *perms;            /* permission overrides */
    char *dummy_hash;               /* bcrypt of a random secret, for timing */
};

struct api_ctx {
    struct app *app;
    struct store *store;            /* == app->store */
    struct req *req;                /* borrowed; owns all request data */
    json_t *body;                   /* parsed body for ROUTE_JSON, else NULL */
    const struct user *user;        /* the caller (borrowed), or NULL */
    struct token_info token;        /* the caller's token, when user != NULL */
    const char *token_hash;         /* base64(sha256(X-Auth-Token)) or NULL */
    const char *params[4];          /* ":name" segments of a pattern route */
    size_t nparams;
};

typedef int (*api_handler)(struct api_ctx *ctx, struct reply *out);

/* ---- replies (reply.c): each returns the HTTP status it set ---- */

/* 200 with obj (stolen; NULL = {}) plus "success": true as the last key. */
int api_ok(struct reply *out, json_t *obj);
/*
 * A failure. With type NULL: {"success":false,"error":"<msg>"}. With a type
 * (Meteor.Error style): "error":"<msg> [<type>]" (just "[<type>]" when msg
 * is empty) and "errorType":"<type>".
 */
int api_fail(struct reply *out, int status, const char *type,
             const char *fmt, ...) ATTR_PRINTF(4, 5);
/* As api_fail with a "details" object (stolen). */
int api_fail_details(struct reply *out, int status, const char *type,
                     json_t *details, const char *fmt, ...) ATTR_PRINTF(5, 6);
/* 401 "You must be logged in to do this." with all four legacy keys. */
int api_unauthorized(struct reply *out);
/* 403 for a route-level permission failure ([error-unauthorized]). */
int api_forbidden_route(struct reply *out);
/* 403 {"success":false,"error":"unauthorized"} (handler-level forbidden()). */
int api_forbidden(struct reply *out);
/* 404 {"success":false,"error":"Resource not found"} or msg. */
int api_not_found(struct reply *out, const char *msg);
/* 500 {"success":false,"error":"Internal server error"}. */
int api_internal(struct reply *out);
/* 400 error-invalid-params of the typed routes (no "[code]" suffix). */
int api_invalid_typed(struct reply *out, const char *msg);
/* 400 for a bad JSON type or missing parameter, as ajv would word it. */
int api_invalid_params(struct reply *out, const char *fmt, ...) ATTR_PRINTF(2, 3);

/* ---- list parameters (paging.c) ---- */

struct paging {
    int64_t offset;                 /* items to skip */
    int64_t count;                  /* items to return; 0 means no limit */
};

struct sort_key {
    const char *field;              /* one of the allow-list's (static) names */
    int dir;                        /* 1 ascending, -1 descending */
};

/*
 * count/offset from the query string as Rocket.Chat computes them
 * (API_Default_Count, API_Upper_Count_Limit, API_Allow_Infinite_Count).
 * Returns 0, or the status of the 400 reply set for a malformed value.
 */
int api_paging(struct api_ctx *ctx, struct paging *pg, struct reply *out);
/*
 * sort={"field":1,...} restricted to the NULL-terminated allowed names;
 * fills up to max keys. Anything else is 400 error-invalid-sort.
 */
int api_sort(struct api_ctx *ctx, const char *const *allowed,
             struct sort_key *keys, size_t max, size_t *n, struct reply *out);
/* fields={"a":1} or {"a":0}: *fields is the parsed object (caller owns). */
int api_fields(struct api_ctx *ctx, json_t **fields, struct reply *out);
/* Apply a fields projection to one serialised object's top-level keys. */
void api_project(json_t *obj, const json_t *fields);
/* 400 error-invalid-query when the legacy "query" parameter is given. */
int api_refuse_query(struct api_ctx *ctx, struct reply *out);

/* ---- two-factor checks (twofa.c) ---- */

/*
 * The 2FA gate of sensitive endpoints (users.update, PAT changes, setting
 * changes, users.resetTOTP): passes when 2FA is off, the token bypasses
 * it, the user has no method, or X-2FA-Code/X-2FA-Method carry a valid
 * code; otherwise sets the totp-required / totp-invalid reply. Returns 0
 * to go on, or the status it set.
 */
int twofa_check(struct api_ctx *ctx, struct reply *out);
/*
 * The 2FA step of a password login for u: TOTP only (login never uses the
 * password fallback). code may be NULL (then X-2FA-Code is read). Returns
 * 0, or 401 with totp-required / totp-invalid set in out.
 */
int twofa_login_check(struct api_ctx *ctx, const struct user *u,
                      const char *code, struct reply *out);

/* ---- settings (settings.c) ---- */

/* Load defaults and stored values; aborts on an unknown stored type. */
struct settings *settings_new(struct store *st, const char *root_url);
void settings_free(struct settings *s);
/* The current value (borrowed), or NULL for an unknown id. */
const json_t *setting_get(const struct settings *s, const char *id);
int setting_bool(const struct settings *s, const char *id);
int64_t setting_int(const struct settings *s, const char *id);
const char *setting_str(const struct settings *s, const char *id);
/*
 * Set id from a JSON value (stolen), checking its type; persists it.
 * ERR_NOT_FOUND for an unknown id, ERR_INVALID for a wrong type.
 */
enum err setting_set(struct settings *s, struct store *st, const char *id,
                     json_t *value);
/* Set id from a string as OVERWRITE_SETTING_<id> gives it, by its type. */
enum err setting_set_text(struct settings *s, struct store *st,
                          const char *id, const char *text);

/* ---- permissions (authz.c) ---- */

/*
 * Whether user holds perm: one of its global roles (or, with room_id, its
 * roles in that room) is granted perm. The one place permissions are
 * decided; handlers never test role names.
 */
int has_permission(struct api_ctx *ctx, const struct user *user,
                   const char *perm, const char *room_id);
/* Load stored overrides; aborts if the default table is unsorted. */
struct perms *perms_new(struct store *st);
void perms_free(struct perms *p);
int permission_exists(const char *id);
/* Replace perm's roles (a JSON array of strings, borrowed); persists. */
enum err permission_set(struct perms *p, struct store *st, const char *id,
                        json_t *roles);
/* Every permission changed after since (ms) as listAll items (new ref). */
json_t *permissions_to_json(const struct perms *p, int64_t since);
/* A built-in role's scope ("Users", "Subscriptions"), or NULL if unknown. */
const char *role_scope(const char *id);
/* One role as roles.list shows it (new reference), or NULL if unknown. */
json_t *role_to_json(const char *id);
json_t *roles_to_json(void);

/* ---- rooms shared by every room area (roomutil.c) ---- */

/* Which rooms a roomId/roomName parameter may name, and with which errors. */
enum room_lookup {
    LOOKUP_CHANNEL,                 /* channels.*: t 'c', no access check */
    LOOKUP_GROUP,                   /* groups.*: t 'p', caller must be a member */
    LOOKUP_ANY,                     /* rooms.*: any type */
};

/*
 * Resolve roomId (wins when present) or roomName from the JSON body (POST)
 * or query (GET) as Rocket.Chat's findChannelByIdOrName /
 * findPrivateGroupByIdOrName / findRoomByIdOrName do, with their exact
 * errors; check_archived refuses an archived room. Returns 0 with *out
 * filled, or the status of the reply set.
 */
int room_param(struct api_ctx *ctx, enum room_lookup kind, int check_archived,
               struct room *out, struct reply *reply);
/*
 * Whether u may read r: a member always; a public channel with view-c-room
 * unless it sits in a private team; a discussion when its parent is
 * readable; otherwise no. The one access rule for every read path.
 */
int room_can_read(struct api_ctx *ctx, const struct user *u,
                  const struct room *r);
/* Whether u has a subscription to r. */
int room_is_member(struct api_ctx *ctx, const struct user *u,
                   const struct room *r);
/*
 * Make u a member of r (subscription, users_count) and, when sysmsg is not
 * NULL, post that system message ("uj", "au", ...) by `by` (or u). roles
 * is a JSON array text or NULL. ERR_EXISTS when already a member.
 */
enum err room_add_member(struct api_ctx *ctx, struct room *r,
                         const struct user *u, const struct user *by,
                         const char *sysmsg, const char *roles);
/* Remove u from r (messages stay), posting sysmsg ("ru", "ul") when set. */
enum err room_remove_member(struct api_ctx *ctx, struct room *r,
                            const struct user *u, const struct user *by,
                            const char *sysmsg);
/* The room object as the API shows it (never joinCode). */
json_t *room_to_json(struct api_ctx *ctx, const struct room *r);
/* A subscription as subscriptions.getOne shows it. */
json_t *subscription_to_json(struct api_ctx *ctx, const struct subscription *s,
                             const struct room *r, const struct user *u);

/* ---- messages shared by every room area (messages.c) ---- */

/*
 * Insert a system message of type t into r, sent by `by`, with text msg
 * and, for subscription-role-*, the role; counts it in r->msgs and sets
 * r->lm (r is updated in the store too).
 */
enum err message_system(struct api_ctx *ctx, struct room *r,
                        const struct user *by, const char *t,
                        const char *msg, const char *role);
/* The message object as the API shows it. */
json_t *message_to_json(const struct message *m);

/* ---- users (users_json.c) ---- */

enum user_audience {
    AUD_SELF,                       /* the user themself */
    AUD_PRIVILEGED,                 /* holder of view-full-other-user-info */
    AUD_OTHER                       /* anyone else */
};
/* The user as /me shows it (allow-listed; never a hash or token). */
json_t *user_me_to_json(struct api_ctx *ctx, const struct user *u);
/*
 * Every field of u that aud may see, built field by field from an
 * allow-list; endpoints narrow it further to their own projection. No
 * audience ever gets a password hash, token or TOTP secret: AUD_SELF sees
 * only services.password == true. Caller owns the result.
 */
json_t *user_to_json(struct api_ctx *ctx, const struct user *u,
                     enum user_audience aud);

/* ---- passwords (password.c) ---- */

/* bcrypt ($2b$, cost) over the lower-case SHA-256 hex of password; malloc'd. */
char *password_hash(const char *sha256hex, int cost);
/* Whether sha256hex matches the stored bcrypt hash (constant time). */
int password_check(const char *sha256hex, const char *stored);

/* ---- handlers, by area ---- */

int api_info(struct api_ctx *ctx, struct reply *out);
int api_login(struct api_ctx *ctx, struct reply *out);
int api_logout(struct api_ctx *ctx, struct reply *out);
int api_me(struct api_ctx *ctx, struct reply *out);

/* users.c */
int api_users_create(struct api_ctx *ctx, struct reply *out);
int api_users_deactivate_idle(struct api_ctx *ctx, struct reply *out);
int api_users_delete(struct api_ctx *ctx, struct reply *out);
int api_users_get_presence(struct api_ctx *ctx, struct reply *out);
int api_users_get_status(struct api_ctx *ctx, struct reply *out);
int api_users_info(struct api_ctx *ctx, struct reply *out);
int api_users_list(struct api_ctx *ctx, struct reply *out);
int api_users_logout(struct api_ctx *ctx, struct reply *out);
int api_users_register(struct api_ctx *ctx, struct reply *out);
int api_users_set_active_status(struct api_ctx *ctx, struct reply *out);
int api_users_set_status(struct api_ctx *ctx, struct reply *out);
int api_users_update(struct api_ctx *ctx, struct reply *out);

/* tokens.c */
int api_users_generate_pat(struct api_ctx *ctx, struct reply *out);
int api_users_regenerate_pat(struct api_ctx *ctx, struct reply *out);
int api_users_remove_pat(struct api_ctx *ctx, struct reply *out);
int api_users_get_pats(struct api_ctx *ctx, struct reply *out);

/* roles.c */
int api_roles_list(struct api_ctx *ctx, struct reply *out);
int api_roles_add_user(struct api_ctx *ctx, struct reply *out);
int api_roles_remove_user(struct api_ctx *ctx, struct reply *out);
int api_roles_users_in_role(struct api_ctx *ctx, struct reply *out);
int api_permissions_list_all(struct api_ctx *ctx, struct reply *out);
int api_permissions_update(struct api_ctx *ctx, struct reply *out);

/* settings.c */
int api_settings_public(struct api_ctx *ctx, struct reply *out);
int api_settings_list(struct api_ctx *ctx, struct reply *out);
int api_settings_get(struct api_ctx *ctx, struct reply *out);
int api_settings_set(struct api_ctx *ctx, struct reply *out);

/* twofa.c */
int api_method_call(struct api_ctx *ctx, struct reply *out);
int api_users_reset_totp(struct api_ctx *ctx, struct reply *out);

#endif
