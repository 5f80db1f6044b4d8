/*
 * rcd's storage: a typed API over SQLite. No SQL and no sqlite3 types leave
 * rcd/store/. Every function returns ERR_OK, ERR_NOT_FOUND, ERR_EXISTS (a
 * uniqueness rule would break) or ERR_IO (after logging the SQLite detail).
 * Strings in filled structs belong to the struct (free with *_release()).
 */
#ifndef RCD_STORE_H
#define RCD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../../shared/err.h"

struct store;

/*
 * Open (creating if needed) the database at path (":memory:" works), set
 * WAL, synchronous=FULL, foreign keys and a busy timeout, and run every
 * pending migration in one transaction. *out is NULL on failure.
 */
enum err store_open(const char *path, struct store **out);
/* Finalise cached statements, checkpoint and close. NULL is fine. */
void store_close(struct store *st);
/* PRAGMA user_version after migrations; the number of migrations known. */
int store_schema_version(struct store *st);
int store_migrations_known(void);

/*
 * A number that changes whenever a user, token or role grant is written
 * (by any store function); caches of authentication data compare it.
 */
uint64_t store_auth_generation(struct store *st);

/*
 * Transactions, nestable: only the outermost pair reaches SQLite, and a
 * rollback at any depth makes the outermost commit roll back (ERR_IO).
 * Every store_begin is matched by exactly one store_commit or
 * store_rollback (a failed store_commit has already rolled back).
 */
enum err store_begin(struct store *st);
enum err store_commit(struct store *st);
void store_rollback(struct store *st);

/* ---- users ---- */

#define USER_MAX_ROLES 16

struct user {
    int64_t rid;                    /* internal row id */
    char *id;                       /* 17-char public id */
    char *username;
    char *name;                     /* "" when unset */
    char *email;                    /* NULL when none */
    int email_verified;
    char *type;                     /* "user", "bot", "app" */
    int active;
    char *status;                   /* online|away|busy|offline */
    char *password;                 /* bcrypt hash, NULL when none; never serialise */
    int require_password_change;
    double utc_offset;
    int64_t created_at;             /* ms since the epoch */
    int64_t updated_at;
    int64_t last_login;             /* 0 when never */
    char *nickname;                 /* NULL when unset */
    char *bio;                      /* NULL when unset */
    char *status_text;              /* "" when unset */
    char *status_default;           /* status the user chose; "online" default */
    char *inactive_reason;          /* deactivated|pending_approval|idle_too_long */
    char *custom_fields;            /* JSON object text, NULL when none */
    char *language;                 /* NULL when unset */
    int totp_enabled;               /* the TOTP secret itself is never loaded here */
    size_t nroles;
    char *roles[USER_MAX_ROLES];    /* global roles, sorted as stored */
};
#define USER_INIT { 0 }

void user_release(struct user *u);
int user_has_role(const struct user *u, const char *role);

enum err store_user_by_id(struct store *st, const char *id, struct user *out);
enum err store_user_by_rid(struct store *st, int64_t rid, struct user *out);
/* Username match is case-insensitive, as in Rocket.Chat. */
enum err store_user_by_username(struct store *st, const char *username,
                                struct user *out);
enum err store_user_by_email(struct store *st, const char *email,
                             struct user *out);
/*
 * Insert u (id, username, name, email, type, password, timestamps, roles
 * must be set; rid is filled in). ERR_EXISTS when id, username or e-mail is
 * taken.
 */
enum err store_user_insert(struct store *st, struct user *u);
/* Number of users holding role; *active_only counts only active ones. */
enum err store_users_with_role(struct store *st, const char *role,
                               int active_only, int64_t *count);
enum err store_user_set_last_login(struct store *st, int64_t rid, int64_t ms);
/*
 * Write u's profile back, by rid: username, name, e-mail and its
 * verification, status, status_default, status_text, password,
 * require_password_change, nickname, bio, custom_fields, language,
 * updated_at, and the global roles (replaced). active, last_login and the
 * tokens have their own functions. ERR_NOT_FOUND when the row is gone,
 * ERR_EXISTS when the username or e-mail belongs to someone else.
 */
enum err store_user_save(struct store *st, const struct user *u);
/*
 * Set active and inactive_reason (NULL clears it) in one transaction;
 * deactivating also deletes every token of the user, personal access
 * tokens included, so the next request with any of them is refused.
 * ERR_NOT_FOUND when there is no such user.
 */
enum err store_user_set_active(struct store *st, int64_t rid, int active,
                               const char *reason, int64_t now);
/*
 * Deactivate (inactive_reason "idle_too_long", tokens deleted) every active
 * user holding role whose last login is at or before cutoff_ms, or who
 * never logged in and was created at or before it, as Rocket.Chat's
 * setActiveNotLoggedInAfterWithRole matches. *count is how many changed.
 */
enum err store_users_deactivate_idle(struct store *st, const char *role,
                                     int64_t cutoff_ms, int64_t now,
                                     int64_t *count);
/*
 * Delete the user and every row that is only theirs (tokens, roles), in
 * one transaction. ERR_NOT_FOUND when there is no such user.
 */
enum err store_user_delete(struct store *st, int64_t rid);

/* The orders users.list offers; each ends in the row id as tie-breaker. */
enum user_sort {
    USER_SORT_USERNAME,
    USER_SORT_NAME,                 /* case-insensitive */
    USER_SORT_CREATED_AT,
    USER_SORT_LAST_LOGIN,           /* never-logged-in users first */
    USER_SORT_STATUS,               /* then active, as Rocket.Chat adds it */
    USER_SORT_ACTIVE,
    USER_SORT_TYPE,
    USER_SORT_ID,
    USER_SORT_COUNT
};
/*
 * Call fn for each user of one page: sorted by `by` (descending when desc),
 * skipping offset users, at most count of them (0: no limit). Each *u is
 * borrowed for the call only. Runs on indexes with LIMIT/OFFSET; never
 * loads more than one user at a time.
 */
enum err store_users_page(struct store *st, enum user_sort by, int desc,
                          int64_t offset, int64_t count,
                          void (*fn)(void *arg, const struct user *u),
                          void *arg);
/* Number of users. */
enum err store_users_count(struct store *st, int64_t *total);

/* ---- login tokens (stored only as base64(sha256(token))) ---- */

struct token_info {
    int64_t user_rid;
    int64_t created_at;
    int is_pat;                     /* personal access token */
    int bypass_2fa;                 /* a PAT made with bypassTwoFactor */
    int64_t twofa_until;            /* 2FA remembered until (ms), 0 if not */
    char twofa_client[65];          /* sha256 hex of the client it was for */
};

enum err store_token_add(struct store *st, int64_t user_rid, const char *hash,
                         int64_t created_at);
/*
 * The authentication lookup: the token with this hash, if it belongs to
 * the user whose public id is user_id. ERR_NOT_FOUND otherwise.
 */
enum err store_token_check(struct store *st, const char *user_id,
                           const char *hash, struct token_info *out);
/* The token with this hash, whoever owns it (for "resume" logins). */
enum err store_token_find(struct store *st, const char *hash,
                          struct token_info *out);
enum err store_token_remove(struct store *st, const char *hash);
/* Remove every token of the user, personal access tokens included. */
enum err store_tokens_remove_all(struct store *st, int64_t user_rid);
/* Remember a passed 2FA check on this token until until_ms, for client. */
enum err store_token_set_twofa(struct store *st, const char *hash,
                               int64_t until_ms, const char *client);

/* ---- personal access tokens (tokens.c) ---- */

struct pat_info {
    char *name;
    int64_t created_at;
    char last_part[8];              /* last 6 characters of the token */
    int bypass_2fa;
};

/* ERR_EXISTS when the user already has a token of that name. */
enum err store_pat_add(struct store *st, int64_t user_rid, const char *hash,
                       const char *name, const char *last_part,
                       int bypass_2fa, int64_t now);
/* ERR_NOT_FOUND when the user has no token of that name. */
enum err store_pat_remove(struct store *st, int64_t user_rid,
                          const char *name);
/* Whether the user has a token of that name; fills *bypass_2fa. */
enum err store_pat_get(struct store *st, int64_t user_rid, const char *name,
                       int *bypass_2fa);
/* Calls fn for each of the user's tokens, oldest first. */
enum err store_pat_each(struct store *st, int64_t user_rid,
                        void (*fn)(void *arg, const struct pat_info *p),
                        void *arg);

/* ---- TOTP secrets (tokens.c); never part of struct user ---- */

struct totp_state {
    char *secret;                   /* base32, NULL when none */
    int enabled;                    /* 0 while only pending */
    char *backup;                   /* JSON array of sha256 hex codes, or NULL */
};
void totp_state_release(struct totp_state *t);
enum err store_totp_get(struct store *st, int64_t user_rid,
                        struct totp_state *out);
/* Store the state (NULL secret clears TOTP entirely). */
enum err store_totp_set(struct store *st, int64_t user_rid,
                        const struct totp_state *t);

/* ---- failed-login counters (tokens.c) ---- */

/*
 * Count one failure for key ("user:<name>" or "ip:<addr>") inside a window
 * of window_ms; once count reaches limit, block the key for block_ms.
 */
enum err store_login_failure(struct store *st, const char *key, int64_t now,
                             int64_t window_ms, int64_t limit,
                             int64_t block_ms);
/* When key is blocked, *until is the end of the block (ms), else 0. */
enum err store_login_blocked(struct store *st, const char *key, int64_t now,
                             int64_t *until);
enum err store_login_reset(struct store *st, const char *key);

/* ---- global roles and permission overrides (roles.c) ---- */

/* ERR_EXISTS when the user already holds role. */
enum err store_user_role_add(struct store *st, int64_t user_rid,
                             const char *role);
/* ERR_NOT_FOUND when the user does not hold role. */
enum err store_user_role_remove(struct store *st, int64_t user_rid,
                                const char *role);
/*
 * Users holding role, sorted by username, skipping offset and returning at
 * most count (0: all); *total counts them all. fn gets each user.
 */
enum err store_users_in_role(struct store *st, const char *role,
                             int64_t offset, int64_t count,
                             void (*fn)(void *arg, const struct user *u),
                             void *arg, int64_t *total);
/* Calls fn for each stored override (id, JSON array of roles, ms). */
enum err store_permissions_each(struct store *st,
                                void (*fn)(void *arg, const char *id,
                                           const char *roles_json,
                                           int64_t updated_at),
                                void *arg);
enum err store_permission_put(struct store *st, const char *id,
                              const char *roles_json, int64_t now);

/* ---- rooms (rooms.c) ---- */

struct room {
    int64_t rid;                    /* internal row id */
    char *id;                       /* public id (17 chars; DMs: both user ids) */
    char t[2];                      /* "c" channel, "p" group, "d" direct */
    char *name;                     /* NULL for DMs; random id for discussions */
    char *fname;                    /* display name (discussion title) */
    char *u_id, *u_username;        /* creator; NULL for DMs */
    char *topic, *description, *announcement;   /* NULL when unset */
    int ro, archived, is_default, featured, broadcast, encrypted;
    int64_t msgs;                   /* messages, system messages included */
    int64_t users_count;            /* subscriptions */
    int64_t ts, updated_at;         /* ms */
    int64_t lm;                     /* last message ts, 0 if none */
    char *last_message;             /* JSON of the last message, or NULL */
    int64_t prid;                   /* parent room rid of a discussion, 0 */
    char *team_id;                  /* team this room belongs to, or NULL */
    int team_main, team_default;    /* team's main room; auto-join room */
    char *custom_fields;            /* JSON object text or NULL */
    char *join_code;                /* never serialised */
    char *usernames, *uids;         /* DMs: JSON arrays */
};
#define ROOM_INIT { 0 }
void room_release(struct room *r);

enum err store_room_by_id(struct store *st, const char *id, struct room *out);
enum err store_room_by_rid(struct store *st, int64_t rid, struct room *out);
/* A channel or group by name, case-insensitively. */
enum err store_room_by_name(struct store *st, const char *name,
                            struct room *out);
/* Insert r (id, t, ts, updated_at set); fills rid. ERR_EXISTS on a name clash. */
enum err store_room_insert(struct store *st, struct room *r);
/* Write every mutable column of r back. */
enum err store_room_update(struct store *st, const struct room *r);
/* Delete the room with its messages and subscriptions; remembered in the trash. */
enum err store_room_delete(struct store *st, int64_t rid, int64_t now);

/* ---- subscriptions (subscriptions.c): membership = a subscription ---- */

struct subscription {
    int64_t sid;
    char *id;
    int64_t room_rid, user_rid;
    char *roles;                    /* JSON array text ("owner", ...) or NULL */
    int64_t ts, ls, updated_at;
    int open, alert, archived;
    int64_t unread, user_mentions, group_mentions;
    char *desktop, *desktop_origin; /* notification preferences; NULL = default */
    char *mobile, *mobile_origin;
    char *email, *email_origin;
    char *audio;
    int disable_notifications, mute_group_mentions, hide_unread, hide_mention;
    char *unread_alert;
};
#define SUBSCRIPTION_INIT { 0 }
void subscription_release(struct subscription *s);

enum err store_sub_get(struct store *st, int64_t room_rid, int64_t user_rid,
                       struct subscription *out);
/* Insert s (id, room_rid, user_rid, ts set); ERR_EXISTS if already a member. */
enum err store_sub_insert(struct store *st, struct subscription *s);
enum err store_sub_update(struct store *st, const struct subscription *s);
enum err store_sub_delete(struct store *st, int64_t room_rid, int64_t user_rid);
/*
 * The user's roles in the room with public id room_id as a JSON array text
 * (*roles owned by the caller; NULL when none or not a member).
 */
enum err store_sub_roles(struct store *st, const char *room_id,
                         int64_t user_rid, char **roles);

/* ---- messages (messages.c) ---- */

struct message {
    int64_t mid;                    /* internal row id */
    char *id;
    int64_t room_rid;
    char *rid;                      /* room's public id (filled on read) */
    int64_t ts, updated_at;
    char *u_id, *u_username, *u_name;   /* sender, as it was when sent */
    char *msg;                      /* "" when empty */
    char *t;                        /* system message type, NULL for user text */
    char *tmid;                     /* thread parent id */
    int tshow;
    int64_t tcount, tlm;            /* on a thread parent */
    char *replies;                  /* JSON array of user ids */
    char *alias, *emoji, *avatar;
    char *attachments, *mentions, *channels;    /* JSON arrays or NULL */
    int64_t edited_at;
    char *edited_by;                /* JSON {_id, username} */
    char *drid;                     /* discussion started from this message */
    int64_t dcount, dlm;
    char *bot, *custom_fields;      /* JSON or NULL */
    char *role;                     /* subscription-role-added/-removed */
    int groupable;                  /* -1 unset, 0 false, 1 true */
};
#define MESSAGE_INIT { 0 }
void message_release(struct message *m);

/* Insert m (id, room_rid, ts, u_* set); fills mid. */
enum err store_message_insert(struct store *st, struct message *m);
enum err store_message_by_id(struct store *st, const char *id,
                             struct message *out);

/* ---- teams (teams.c) ---- */

struct team {
    int64_t tid;
    char *id, *name;
    int type;                       /* 0 public, 1 private */
    char *room_id;                  /* the team's main room */
    int64_t created_at, updated_at;
    char *created_by_id, *created_by_username;
};
#define TEAM_INIT { 0 }
void team_release(struct team *t);

/* ---- settings and permissions changed from their defaults ---- */

/* Calls fn for each stored (id, JSON value) pair. */
enum err store_settings_each(struct store *st,
                             void (*fn)(void *arg, const char *id,
                                        const char *value_json),
                             void *arg);
enum err store_setting_put(struct store *st, const char *id,
                           const char *value_json, int64_t now);

#endif
