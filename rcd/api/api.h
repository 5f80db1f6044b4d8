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
    LOOKUP_GROUP_INVITE,            /* groups.invite: a member, or a holder
                                       of add-user-to-any-p-room */
    LOOKUP_ANY,                     /* rooms.*: any type the caller can read */
};

/*
 * Resolve roomId (wins when present) or roomName from the JSON body (POST)
 * or query (GET) as Rocket.Chat's findChannelByIdOrName /
 * findPrivateGroupByIdOrName / findRoomByIdOrName do, with their exact
 * errors; check_archived refuses an archived room. For LOOKUP_GROUP and
 * LOOKUP_ANY a room the caller cannot read gets exactly the reply of a
 * missing one, before any archived check. Returns 0 with *out filled, or
 * the status of the reply set.
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
 * Make u a member of r (subscription, users_count, both in the store and
 * in *r) and, when sysmsg is not NULL, post that system message ("uj",
 * "au", ...) by `by` (or u) with u's username as its text, all in one
 * transaction. With a sysmsg the subscription starts unread and alerted
 * (addUserToRoom); without one it starts quiet (a room's first members).
 * roles is a JSON array text or NULL. ERR_EXISTS when already a member.
 */
enum err room_add_member(struct api_ctx *ctx, struct room *r,
                         const struct user *u, const struct user *by,
                         const char *sysmsg, const char *roles);
/*
 * Remove u from r (messages stay), posting sysmsg ("ru", "ul") by `by`
 * (or u) when set. ERR_NOT_FOUND when u is no member (which, inside an
 * open transaction, dooms it: check membership first).
 */
enum err room_remove_member(struct api_ctx *ctx, struct room *r,
                            const struct user *u, const struct user *by,
                            const char *sysmsg);
/* The room object as the API shows it (never joinCode). Caller owns it. */
json_t *room_to_json(struct api_ctx *ctx, const struct room *r);
/* A subscription as subscriptions.getOne shows it. Caller owns it. */
json_t *subscription_to_json(struct api_ctx *ctx, const struct subscription *s,
                             const struct room *r, const struct user *u);

/* ---- parameters and operations of channels.*, groups.*, rooms.* (roomutil.c) ---- */

/* The JSON type a body parameter must have when it is present. */
enum room_ptype {
    RP_STRING,
    RP_BOOL,
    RP_OBJECT,
    RP_STRINGS,                     /* an array of strings */
};

struct room_pspec {
    const char *name;               /* NULL ends a table */
    enum room_ptype type;
};
/* The room and user keys of channels.* and groups.* bodies. */
#define ROOM_KEYS { "roomId", RP_STRING }, { "roomName", RP_STRING }
#define USER_KEYS { "userId", RP_STRING }, { "username", RP_STRING }, \
                  { "user", RP_STRING }

/*
 * Check the keys of ps present in the JSON body: a wrong type (null
 * included) or a string holding NUL is 400 invalid-params. Unknown keys
 * pass, as Rocket.Chat's untyped routes let them. GET routes (no body)
 * always pass. Returns 0 or the status set in out.
 */
int room_check_body(struct api_ctx *ctx, const struct room_pspec *ps,
                    struct reply *out);
/* room_check_body(ps), then room_param(kind, check_archived). */
int room_find(struct api_ctx *ctx, enum room_lookup kind,
              const struct room_pspec *ps, int check_archived, struct room *r,
              struct reply *out);
/*
 * channels.* and groups.* addOwner, removeOwner, addModerator,
 * removeModerator: the room (of kind, not archived) and the user of the
 * body; answers {"success": true}.
 */
int room_role_endpoint(struct api_ctx *ctx, enum room_lookup kind,
                       const char *role, int add, struct reply *out);
/* A string parameter from the body (POST) or the query (GET), or NULL. */
const char *room_arg(struct api_ctx *ctx, const char *key);
/*
 * getUserFromParams: the first non-blank of userId, username, user (the
 * usernames case-insensitively), with Rocket.Chat's two errors. Fills *u
 * (release it) or returns the status set in out.
 */
int room_user_param(struct api_ctx *ctx, struct user *u, struct reply *out);

/*
 * The operations channels.* and groups.* (and rooms.*, im.*) share. Each
 * acts on a room its caller found with room_param, checks the caller's
 * permission in that room, changes the store and posts the system message
 * in one transaction, and returns 0 with *r brought up to date, or the
 * status of the failure it set in out (the caller builds the success).
 */
/* createRoom for t "c" or "p" from the body; the caller checked types and permission. */
int room_op_create(struct api_ctx *ctx, const char *t, struct room *r,
                   struct reply *out);
/* Invite the users of the body ("au"); group: groups.invite's errors. */
int room_op_invite(struct api_ctx *ctx, struct room *r, struct reply *out);
/* Remove the user of the body ("ru"). */
int room_op_kick(struct api_ctx *ctx, struct room *r, struct reply *out);
/* The caller leaves ("ul"); refused for DMs and the last owner. */
int room_op_leave(struct api_ctx *ctx, struct room *r, struct reply *out);
/* Give ("owner", "moderator") to the user of the body, or take it. */
int room_op_role(struct api_ctx *ctx, struct room *r, const char *role,
                 int add, struct reply *out);
/* archiveRoom / unarchiveRoom. */
int room_op_archive(struct api_ctx *ctx, struct room *r, int archive,
                    struct reply *out);
/* saveRoomSettings roomName ("r"); the caller checked the same-name case. */
int room_op_rename(struct api_ctx *ctx, struct room *r, const char *name,
                   struct reply *out);
/* roomTopic / roomDescription / roomAnnouncement ("topic", ...). */
int room_op_set_text(struct api_ctx *ctx, struct room *r, const char *field,
                     const char *value, struct reply *out);
/* readOnly. */
int room_op_set_read_only(struct api_ctx *ctx, struct room *r, int ro,
                          struct reply *out);
/* roomType "c" or "p" ("room_changed_privacy"). */
int room_op_set_type(struct api_ctx *ctx, struct room *r, const char *type,
                     struct reply *out);
/* eraseRoom: permission, team rules, then the room and all it holds. */
int room_op_erase(struct api_ctx *ctx, struct room *r, struct reply *out);
/* {members, count, offset, total} of r, paged, with ?filter and ?sort. */
int room_members_reply(struct api_ctx *ctx, const struct room *r,
                       struct reply *out);
/* {roles: [{_id, rid, u, roles}]}: getRoomRoles for a readable room. */
int room_roles_reply(struct api_ctx *ctx, const struct room *r,
                     struct reply *out);
/* {key: [rooms], count, offset, total} of f, paged, sorted, projected. */
int room_list_reply(struct api_ctx *ctx, const struct room_filter *f,
                    const char *key, struct reply *out);

/* ---- team membership follows a team's main room (teams.c) ---- */

/*
 * After u joined (or was invited to) room main, when it is a team's main
 * room: u becomes a team member (if not already) and joins the team's
 * auto-join rooms, as Rocket.Chat's Team.addMember does. by may be NULL.
 */
enum err team_main_joined(struct api_ctx *ctx, const struct room *main,
                          const struct user *u, const struct user *by);
/* After u left (or was kicked from) a team's main room: no longer a member. */
enum err team_main_left(struct api_ctx *ctx, const struct room *main,
                        const struct user *u);

/* ---- messages shared by every room area (messages.c) ---- */

/*
 * Insert a system message of type t into r, sent by `by`, with text msg
 * and, for subscription-role-*, the role; counts it in r->msgs and sets
 * r->lm (r is updated in the store too).
 */
enum err message_system(struct api_ctx *ctx, struct room *r,
                        const struct user *by, const char *t,
                        const char *msg, const char *role);
/* The message object as the API shows it (caller owns; never NULL). */
json_t *message_to_json(const struct message *m);
/*
 * Fill m->mentions and m->channels (JSON arrays, owned by m) from m->msg:
 * "@name" of any existing user, "@all", "@here", and "#name" of a public
 * channel, each preceded by the start of the text, a blank or '>'. Users
 * who are not members are listed too: they are only never notified.
 */
void message_parse_mentions(struct api_ctx *ctx, struct message *m);
/*
 * Rocket.Chat's check before saving: "@all" needs mention-all and "@here"
 * mention-here (globally or in r). Returns 0, or the status of the 400
 * error-action-not-allowed reply set in out.
 */
int message_mentions_allowed(struct api_ctx *ctx, const struct room *r,
                             const struct user *by, const struct message *m,
                             struct reply *out);
/*
 * Save m into r as sent by `by` (m->id may be preset, else a random id;
 * ts defaults to now) and apply what follows a save, in one transaction:
 * room msgs/lm/lastMessage (a reply shown only in its thread counts but
 * is not the last message), every other member's alert/open/unread, the
 * mention counters of mentioned members (non-members get nothing), the
 * thread parent's tcount/tlm/replies, and a discussion's dcount/dlm. A
 * system message (m->t set) moves only the room counters. r is updated to
 * match. ERR_EXISTS when m->id is taken, else ERR_OK or ERR_IO.
 */
enum err message_insert(struct api_ctx *ctx, struct room *r,
                        const struct user *by, struct message *m);
/*
 * Change m's text to text as an edit by `by` (editedAt/editedBy,
 * mentions parsed again), and r's lastMessage when m is it.
 */
enum err message_edit(struct api_ctx *ctx, struct room *r, struct message *m,
                      const char *text, const struct user *by);
/*
 * Delete m from r as `by`: msgs - 1, a reply lowers its parent's tcount,
 * a thread parent with replies stays as a "rm" placeholder, r's
 * lastMessage is recomputed when it was m, a discussion's announcement
 * follows, and a discussion-created message takes its discussion along.
 */
enum err message_remove(struct api_ctx *ctx, struct room *r,
                        const struct message *m, const struct user *by);
/*
 * The direct-message room of a and b (the same user: a DM with oneself),
 * created with both subscriptions when missing and create is set.
 * ERR_NOT_FOUND when missing and not created.
 */
enum err message_dm_room(struct api_ctx *ctx, const struct user *a,
                         const struct user *b, int create, struct room *out);
/* A page of messages being built by message_collect(). */
struct message_list {
    json_t *items;                  /* the array appended to (borrowed) */
    const json_t *fields;           /* a fields projection, or NULL */
};
/* Store callback: append m as the API shows it to the message_list arg. */
void message_collect(void *arg, const struct message *m);
/*
 * 200 {key: items, count, offset, total}: a page of a list endpoint
 * (items borrowed; count is its length).
 */
int message_page_reply(struct reply *out, const char *key, json_t *items,
                       int64_t offset, int64_t total);
/*
 * Rocket.Chat's getRoomByNameOrIdWithOptionToJoin for type 'd': the DM of
 * the caller and the user whose id (or, unless by_id, username) is v,
 * created when missing if the caller holds create-d, else the DM room
 * whose id is v. Returns 0 with *out filled, or the status of the reply
 * set: "[invalid-channel]" when nothing matches, "Not allowed
 * [error-not-allowed]" when the DM would have to be created but may not.
 */
int message_dm_target(struct api_ctx *ctx, const char *v, int by_id,
                      struct room *out, struct reply *reply);
/* JavaScript's String.length of UTF-8 text: UTF-16 code units. */
size_t message_js_length(const char *s);

/* The JSON types a body parameter may be checked for. */
enum param_type {
    PT_STRING,
    PT_BOOL,
    PT_NUMBER,
    PT_OBJECT,
    PT_STRINGS,                     /* array of strings */
    PT_OBJECTS,                     /* array of objects */
    PT_STRING_OR_STRINGS,           /* a string or an array of strings */
};
struct body_param {
    const char *name;
    enum param_type type;
    int required;
};
/*
 * Check obj's members against a NULL-terminated table as ajv reports it:
 * missing required ones, then (closed) unknown ones, then types. null is a
 * wrong type, and strings must hold no NUL. Returns 0, or the status of
 * the 400 invalid-params reply set in out.
 */
int message_params_check(const json_t *obj, const struct body_param *ps,
                         int closed, struct reply *out);

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

/* chat.c */
int api_chat_delete(struct api_ctx *ctx, struct reply *out);
int api_chat_get_message(struct api_ctx *ctx, struct reply *out);
int api_chat_get_thread_messages(struct api_ctx *ctx, struct reply *out);
int api_chat_get_threads_list(struct api_ctx *ctx, struct reply *out);
int api_chat_post_message(struct api_ctx *ctx, struct reply *out);
int api_chat_send_message(struct api_ctx *ctx, struct reply *out);
int api_chat_update(struct api_ctx *ctx, struct reply *out);

/* history.c */
int api_channels_history(struct api_ctx *ctx, struct reply *out);
int api_channels_messages(struct api_ctx *ctx, struct reply *out);
int api_groups_history(struct api_ctx *ctx, struct reply *out);
int api_groups_messages(struct api_ctx *ctx, struct reply *out);
int api_im_history(struct api_ctx *ctx, struct reply *out);
int api_im_messages(struct api_ctx *ctx, struct reply *out);

/* discussions.c */
int api_rooms_create_discussion(struct api_ctx *ctx, struct reply *out);
int api_rooms_get_discussions(struct api_ctx *ctx, struct reply *out);

/* teams.c */
int api_teams_add_members(struct api_ctx *ctx, struct reply *out);
int api_teams_add_rooms(struct api_ctx *ctx, struct reply *out);
int api_teams_create(struct api_ctx *ctx, struct reply *out);
int api_teams_delete(struct api_ctx *ctx, struct reply *out);
int api_teams_info(struct api_ctx *ctx, struct reply *out);
int api_teams_leave(struct api_ctx *ctx, struct reply *out);
int api_teams_list(struct api_ctx *ctx, struct reply *out);
int api_teams_list_all(struct api_ctx *ctx, struct reply *out);
int api_teams_list_rooms(struct api_ctx *ctx, struct reply *out);
int api_teams_members(struct api_ctx *ctx, struct reply *out);
int api_teams_remove_member(struct api_ctx *ctx, struct reply *out);
int api_teams_remove_room(struct api_ctx *ctx, struct reply *out);
int api_teams_update_room(struct api_ctx *ctx, struct reply *out);

/* channels.c */
int api_channels_add_moderator(struct api_ctx *ctx, struct reply *out);
int api_channels_add_owner(struct api_ctx *ctx, struct reply *out);
int api_channels_archive(struct api_ctx *ctx, struct reply *out);
int api_channels_counters(struct api_ctx *ctx, struct reply *out);
int api_channels_create(struct api_ctx *ctx, struct reply *out);
int api_channels_delete(struct api_ctx *ctx, struct reply *out);
int api_channels_info(struct api_ctx *ctx, struct reply *out);
int api_channels_invite(struct api_ctx *ctx, struct reply *out);
int api_channels_join(struct api_ctx *ctx, struct reply *out);
int api_channels_kick(struct api_ctx *ctx, struct reply *out);
int api_channels_leave(struct api_ctx *ctx, struct reply *out);
int api_channels_list(struct api_ctx *ctx, struct reply *out);
int api_channels_list_joined(struct api_ctx *ctx, struct reply *out);
int api_channels_members(struct api_ctx *ctx, struct reply *out);
int api_channels_remove_moderator(struct api_ctx *ctx, struct reply *out);
int api_channels_remove_owner(struct api_ctx *ctx, struct reply *out);
int api_channels_rename(struct api_ctx *ctx, struct reply *out);
int api_channels_roles(struct api_ctx *ctx, struct reply *out);
int api_channels_set_announcement(struct api_ctx *ctx, struct reply *out);
int api_channels_set_description(struct api_ctx *ctx, struct reply *out);
int api_channels_set_read_only(struct api_ctx *ctx, struct reply *out);
int api_channels_set_topic(struct api_ctx *ctx, struct reply *out);
int api_channels_set_type(struct api_ctx *ctx, struct reply *out);
int api_channels_unarchive(struct api_ctx *ctx, struct reply *out);

/* groups.c */
int api_groups_add_moderator(struct api_ctx *ctx, struct reply *out);
int api_groups_add_owner(struct api_ctx *ctx, struct reply *out);
int api_groups_archive(struct api_ctx *ctx, struct reply *out);
int api_groups_create(struct api_ctx *ctx, struct reply *out);
int api_groups_delete(struct api_ctx *ctx, struct reply *out);
int api_groups_info(struct api_ctx *ctx, struct reply *out);
int api_groups_invite(struct api_ctx *ctx, struct reply *out);
int api_groups_kick(struct api_ctx *ctx, struct reply *out);
int api_groups_leave(struct api_ctx *ctx, struct reply *out);
int api_groups_list(struct api_ctx *ctx, struct reply *out);
int api_groups_list_all(struct api_ctx *ctx, struct reply *out);
int api_groups_members(struct api_ctx *ctx, struct reply *out);
int api_groups_remove_moderator(struct api_ctx *ctx, struct reply *out);
int api_groups_remove_owner(struct api_ctx *ctx, struct reply *out);
int api_groups_rename(struct api_ctx *ctx, struct reply *out);
int api_groups_roles(struct api_ctx *ctx, struct reply *out);
int api_groups_set_announcement(struct api_ctx *ctx, struct reply *out);
int api_groups_set_description(struct api_ctx *ctx, struct reply *out);
int api_groups_set_read_only(struct api_ctx *ctx, struct reply *out);
int api_groups_set_topic(struct api_ctx *ctx, struct reply *out);
int api_groups_set_type(struct api_ctx *ctx, struct reply *out);
int api_groups_unarchive(struct api_ctx *ctx, struct reply *out);

/* im.c (im.* and their dm.* aliases) */
int api_im_create(struct api_ctx *ctx, struct reply *out);
int api_im_delete(struct api_ctx *ctx, struct reply *out);
int api_im_list(struct api_ctx *ctx, struct reply *out);
int api_im_members(struct api_ctx *ctx, struct reply *out);

/* integrations.c (integrations.* and the /hooks webhook endpoint) */
int api_hooks_execute(struct api_ctx *ctx, struct reply *out);
int api_integrations_create(struct api_ctx *ctx, struct reply *out);
int api_integrations_get(struct api_ctx *ctx, struct reply *out);
int api_integrations_list(struct api_ctx *ctx, struct reply *out);
int api_integrations_remove(struct api_ctx *ctx, struct reply *out);

/* rooms.c */
int api_rooms_delete(struct api_ctx *ctx, struct reply *out);
int api_rooms_get(struct api_ctx *ctx, struct reply *out);
int api_rooms_info(struct api_ctx *ctx, struct reply *out);
int api_rooms_leave(struct api_ctx *ctx, struct reply *out);
int api_rooms_save_notification(struct api_ctx *ctx, struct reply *out);

/* subscriptions.c */
int api_subscriptions_get(struct api_ctx *ctx, struct reply *out);
int api_subscriptions_get_one(struct api_ctx *ctx, struct reply *out);

#endif
