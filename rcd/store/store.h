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
 * Take the lock file beside the database ("<db>.lock", flock) so that no
 * second rcd and no restore can use it at the same time. Returns the fd to
 * keep open while serving, or -1 (logged) when it is held or fails.
 */
int store_lock(const char *db_path);
void store_unlock(int fd);
/*
 * A consistent copy of the database at db_path (which a running rcd may be
 * writing) into out_path: online backup API, integrity_check, fsync,
 * rename. Returns 0, or -1 after logging why.
 */
int store_backup(const char *db_path, const char *out_path);
/*
 * Replace the database at db_path with the checked copy at in_path;
 * refuses (-1) while a server holds db_path's lock.
 */
int store_restore(const char *in_path, const char *db_path);

/*
 * Transactions, nestable: only the outermost pair reaches SQLite, and a
 * rollback at any depth makes the outermost commit roll back (ERR_IO).
 * Every store_begin is matched by exactly one store_commit or
 * store_rollback (a failed store_commit has already rolled back).
 */
enum err store_begin(struct store *st);
enum err store_commit(struct store *st);
void store_rollback(struct store *st);

/*
 * Group commit (PERFORMANCE.md): the server opens one transaction around
 * the requests of a loop iteration and commits it before any of their
 * replies goes out, so that many writes share one fsync. While a batch is
 * open, store_begin/commit/rollback work on a savepoint, so one request's
 * rollback undoes only its own changes.
 *
 * store_batch_begin opens the batch (BEGIN IMMEDIATE). store_batch_dirty
 * says whether anything was written since. store_batch_end commits it
 * (or, when the store is degraded, rolls it back) and returns ERR_OK, or
 * the failure: then nothing of the batch is in the database, the auth
 * generation has moved on, and the caller must not acknowledge any write
 * made in it. store_batch_failure says why the last store_batch_end failed:
 * "full" (the disk; writes may succeed later) or "io" (an I/O error: the
 * store stays degraded, refusing every later write until a restart, as
 * the fsyncgate lesson says).
 */
enum err store_batch_begin(struct store *st);
int store_batch_open(const struct store *st);
int store_batch_dirty(struct store *st);
enum err store_batch_end(struct store *st);
const char *store_batch_failure(const struct store *st);

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
/*
 * The direct-message room whose members are exactly uids (a JSON array
 * text of user ids, sorted, as store_room_insert stored it).
 */
enum err store_room_dm_by_uids(struct store *st, const char *uids,
                               struct room *out);
/* Insert r (id, t, ts, updated_at set); fills rid. ERR_EXISTS on a name clash. */
enum err store_room_insert(struct store *st, struct room *r);
/*
 * Write every mutable column of r back (msgs, users_count and lm
 * included: load r in the same request that writes it). ERR_EXISTS when
 * the new name belongs to another channel or group.
 */
enum err store_room_update(struct store *st, const struct room *r);
/*
 * Delete the room with its messages, discussions and subscriptions; the
 * room goes to room_trash and each subscription to subscription_trash.
 */
enum err store_room_delete(struct store *st, int64_t rid, int64_t now);

/* The orders room lists offer; each ends in the row id as tie-breaker. */
enum room_sort {
    ROOM_SORT_NAME,
    ROOM_SORT_FNAME,
    ROOM_SORT_TS,
    ROOM_SORT_UPDATED,
    ROOM_SORT_MSGS,
    ROOM_SORT_USERS,
    ROOM_SORT_LM,
    ROOM_SORT_COUNT
};

/* Which rooms a list holds; every condition given must hold. */
struct room_filter {
    const char *t;                  /* "c", "p", "d", or NULL for any type */
    int64_t member_rid;             /* only rooms this user is in; 0: any */
    int64_t team_viewer_rid;        /* rooms of a team only if this user is
                                       in them; 0: no such rule */
    const char *id;                 /* only the room with this id, or NULL */
    int64_t updated_after;          /* only updated_at > this (ms); -1: any */
};

/*
 * Call fn for each room of one page of f, sorted by `by` (descending when
 * desc), skipping offset rooms, at most count (0: no limit); *total counts
 * every match. Each *r is borrowed for the call only; no statement is
 * open while fn runs.
 */
enum err store_rooms_page(struct store *st, const struct room_filter *f,
                          enum room_sort by, int desc, int64_t offset,
                          int64_t count,
                          void (*fn)(void *arg, const struct room *r),
                          void *arg, int64_t *total);
/* Call fn for each room deleted after since (ms), oldest first. */
enum err store_rooms_trash_since(struct store *st, int64_t since,
                                 void (*fn)(void *arg, const char *id,
                                            int64_t deleted_at),
                                 void *arg);
/*
 * One page of the active members of a room, by username (descending when
 * desc); filter (NULL: none) keeps users whose username or name contains
 * it, case-insensitively and literally. fn gets each member's user rid.
 */
enum err store_room_members(struct store *st, int64_t room_rid,
                            const char *filter, int desc, int64_t offset,
                            int64_t count,
                            void (*fn)(void *arg, int64_t user_rid),
                            void *arg, int64_t *total);
/* How many members of the room hold the room-scoped role ("owner", ...). */
enum err store_room_count_role(struct store *st, int64_t room_rid,
                               const char *role, int64_t *n);

/*
 * For users.delete and deactivation (Rocket.Chat's user-last-owner rule):
 * call fn for each channel or group where the user is the only owner,
 * with the room's member count (the user included; 1 means nobody else is
 * left to take it over).
 */
enum err store_rooms_last_owner(struct store *st, int64_t user_rid,
                                void (*fn)(void *arg, const struct room *r,
                                           int64_t members),
                                void *arg);
/*
 * relinquishRoomOwnerships: make the longest-standing other member of the
 * room an owner (*new_owner_rid). ERR_NOT_FOUND when nobody else is in it.
 */
enum err store_room_transfer_owner(struct store *st, int64_t room_rid,
                                   int64_t from_user_rid, int64_t now,
                                   int64_t *new_owner_rid);

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
/*
 * Insert s (id, room_rid, user_rid, ts, updated_at set) and count it in
 * the room's users_count (the room's updated_at becomes s->updated_at).
 * ERR_EXISTS if already a member.
 */
enum err store_sub_insert(struct store *st, struct subscription *s);
/* Write every mutable column of s back (roles, flags, preferences). */
enum err store_sub_update(struct store *st, const struct subscription *s);
/*
 * Remove the membership (messages stay), uncount it from users_count and
 * remember it in subscription_trash at now. ERR_NOT_FOUND if not a member.
 */
enum err store_sub_delete(struct store *st, int64_t room_rid, int64_t user_rid,
                          int64_t now);
/* Call fn for each of the user's subscriptions updated after since (-1: all). */
enum err store_subs_of_user(struct store *st, int64_t user_rid, int64_t since,
                            void (*fn)(void *arg,
                                       const struct subscription *s),
                            void *arg);
/* Call fn for each of the user's subscriptions removed after since (ms). */
enum err store_subs_trash_since(struct store *st, int64_t user_rid,
                                int64_t since,
                                void (*fn)(void *arg, const char *id,
                                           const char *room_id,
                                           int64_t deleted_at),
                                void *arg);
/*
 * Call fn for each member of the room holding a room-scoped role (owner,
 * moderator, leader), by username.
 */
enum err store_room_role_holders(struct store *st, int64_t room_rid,
                                 void (*fn)(void *arg,
                                            const struct subscription *s),
                                 void *arg);
/* Set archived on every subscription of the room; touches updated_at. */
enum err store_subs_set_archived(struct store *st, int64_t room_rid,
                                 int archived, int64_t now);
/* Touch updated_at of every subscription of the room (rename, type). */
enum err store_subs_touch(struct store *st, int64_t room_rid, int64_t now);
/*
 * For users.delete, in one transaction: delete every direct-message room
 * the user is in (with its messages and the other members'
 * subscriptions), then remove the user's remaining subscriptions, each
 * uncounted from its room's users_count and remembered in the trash.
 * Messages the user wrote in channels and groups are not touched.
 */
enum err store_subs_remove_user(struct store *st, int64_t user_rid,
                                int64_t now);
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

/*
 * Insert m with every column (id, room_rid, ts, updated_at, u_* set;
 * thread and discussion counters as m holds them, 0 for a new message;
 * groupable < 0 stores no value); fills mid. ERR_EXISTS when the id is taken. Counters and
 * subscriptions are the caller's (see the effect functions below).
 */
enum err store_message_insert(struct store *st, struct message *m);
/* The message with public id `id`, rid filled; ERR_NOT_FOUND if none. */
enum err store_message_by_id(struct store *st, const char *id,
                             struct message *out);
/*
 * Write back what an edit or a deletion placeholder changes, by mid: t,
 * msg, alias, emoji, avatar, attachments, mentions, channels, tshow,
 * edited_at, edited_by, custom_fields, updated_at. ERR_NOT_FOUND if gone.
 */
enum err store_message_update(struct store *st, const struct message *m);
/* Delete one message row by mid. ERR_NOT_FOUND if gone. */
enum err store_message_delete(struct store *st, int64_t mid);

/* A slice of one room's messages in time order, for history pages. */
struct message_range {
    int64_t room_rid;
    int64_t oldest, latest;         /* ms, both inclusive; INT64_MIN/MAX: open */
    int with_replies;               /* also thread replies not shown in the room */
    int ascending;                  /* oldest first (default newest first) */
    const char *mention_ids;        /* JSON array of user ids the message must
                                     * mention one of, or NULL */
};
/*
 * Call fn for each message of one page of r, skipping offset and
 * returning at most count (> 0). Each *m is borrowed for the call. Runs as
 * one range scan of the (room_rid, ts) index with LIMIT/OFFSET, ties in ts
 * broken by insertion order, so a page costs the same in a room of any
 * size; never holds more than one message.
 */
enum err store_messages_page(struct store *st, const struct message_range *r,
                             int64_t offset, int64_t count,
                             void (*fn)(void *arg, const struct message *m),
                             void *arg);
/* How many messages r holds (a scan of that index range only). */
enum err store_messages_count(struct store *st, const struct message_range *r,
                              int64_t *n);
/*
 * The newest message of the room that can stand as its lastMessage: not a
 * system message and not a reply shown only in its thread. ERR_NOT_FOUND
 * when there is none.
 */
enum err store_message_last_visible(struct store *st, int64_t room_rid,
                                    struct message *out);

/*
 * The replies of thread tmid, oldest first (newest first with desc),
 * skipping offset, at most count (> 0); *total counts them all. Uses the
 * (tmid, ts) index.
 */
enum err store_thread_messages(struct store *st, const char *tmid, int desc,
                               int64_t offset, int64_t count,
                               void (*fn)(void *arg, const struct message *m),
                               void *arg, int64_t *total);
/*
 * The thread parents of a room (messages that ever had a reply), latest
 * reply first. text, when not NULL, must occur in msg (ASCII case folded,
 * taken literally: % and _ are not wildcards); follower, when not NULL,
 * must be in the parent's replies. *total counts every match.
 */
enum err store_threads_page(struct store *st, int64_t room_rid,
                            const char *text, const char *follower,
                            int64_t offset, int64_t count,
                            void (*fn)(void *arg, const struct message *m),
                            void *arg, int64_t *total);

/*
 * Up to max ids (malloc'd, caller frees) of messages the user wrote,
 * oldest first, thread placeholders ("rm") left out; *n says how many.
 */
enum err store_message_ids_of_user(struct store *st, const char *user_id,
                                   size_t max, char **ids, size_t *n);
/* Message_ErasureType "Unlink": the user's messages pass to rocket.cat. */
enum err store_messages_unlink_user(struct store *st, const char *user_id,
                                    const char *alias);

/* ---- what saving or deleting a message does elsewhere (messages.c) ---- */

/*
 * Room counters: msgs += delta, updated_at = now and, when last_json is
 * not NULL, lm = lm_ms and last_message = last_json (the message as the
 * API shows it).
 */
enum err store_room_count_message(struct store *st, int64_t room_rid,
                                  int delta, int64_t lm_ms,
                                  const char *last_json, int64_t now);
/* Replace the room's last_message (NULL clears it); lm is left alone. */
enum err store_room_set_last_message(struct store *st, int64_t room_rid,
                                     const char *last_json, int64_t now);
/*
 * Every subscription to the room except except_user_rid's: alert and
 * open set, unread += unread_inc.
 */
enum err store_subs_notify(struct store *st, int64_t room_rid,
                           int64_t except_user_rid, int unread_inc,
                           int64_t now);
/*
 * The subscription of the user with public id user_id, if there is one:
 * userMentions += 1 and unread += unread_inc. A user who is not a member
 * is left without a subscription (*changed = 0).
 */
enum err store_subs_mention_user(struct store *st, int64_t room_rid,
                                 const char *user_id, int unread_inc,
                                 int64_t now, int *changed);
/* Every subscription but except_user_rid's: groupMentions += 1, unread +=
 * unread_inc, alert and open set. */
enum err store_subs_mention_group(struct store *st, int64_t room_rid,
                                  int64_t except_user_rid, int unread_inc,
                                  int64_t now);
/* The member user_id's subscription (if any): open set, alert when alert. */
enum err store_subs_alert_user(struct store *st, int64_t room_rid,
                               const char *user_id, int alert, int64_t now);
/*
 * A reply to thread parent parent_mid was saved: tcount += 1, tlm = tlm_ms
 * and replies = replies_json (the whole participant list).
 */
enum err store_thread_reply_added(struct store *st, int64_t parent_mid,
                                  const char *replies_json, int64_t tlm_ms,
                                  int64_t now);
/* A reply to thread tmid was deleted: tcount -= 1 (never below 0). */
enum err store_thread_reply_removed(struct store *st, const char *tmid,
                                    int64_t now);

/* ---- discussions: rooms with a parent room (messages.c) ---- */

/* Remember that room_rid is the discussion of message pmid in room prid. */
enum err store_discussion_link(struct store *st, int64_t room_rid,
                               int64_t prid, const char *pmid);
/* The discussion started from message pmid of room prid: *room_rid. */
enum err store_discussion_by_pmid(struct store *st, int64_t prid,
                                  const char *pmid, int64_t *room_rid);
/*
 * The discussion with public id drid changed: every discussion-created
 * message pointing at it gets dcount and dlm.
 */
enum err store_discussion_touch(struct store *st, const char *drid,
                                int64_t dcount, int64_t dlm, int64_t now);
/*
 * The discussions of room prid by fname (then creation), skipping offset,
 * at most count (> 0): fn gets each discussion's room rid; *total counts
 * them all. Uses the rooms(prid) index.
 */
enum err store_discussions_page(struct store *st, int64_t prid,
                                int64_t offset, int64_t count,
                                void (*fn)(void *arg, int64_t room_rid),
                                void *arg, int64_t *total);

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

/* A TeamMember row; membership also needs the main-room subscription. */
struct team_member {
    int64_t team_tid, user_rid;
    char *roles;                    /* JSON array text, NULL when none */
    int64_t created_at;             /* ms */
    char *created_by_id, *created_by_username;  /* who added them; may be NULL */
};
#define TEAM_MEMBER_INIT { 0 }
void team_member_release(struct team_member *m);

enum err store_team_by_id(struct store *st, const char *id, struct team *out);
/* By name, case-insensitively (team names are room names). */
enum err store_team_by_name(struct store *st, const char *name,
                            struct team *out);
/*
 * Insert t (id, name, type, room_id, timestamps and created_by set); fills
 * tid. ERR_EXISTS when the id or (case-insensitively) the name is taken.
 */
enum err store_team_insert(struct store *st, struct team *t);
/* Delete the team and its member rows. ERR_NOT_FOUND when it is gone. */
enum err store_team_delete(struct store *st, int64_t tid);

/* Insert m (team_tid, user_rid, created_at set). ERR_EXISTS if a member. */
enum err store_team_member_add(struct store *st, const struct team_member *m);
/* ERR_NOT_FOUND when the user is no member of the team. */
enum err store_team_member_get(struct store *st, int64_t tid, int64_t user_rid,
                               struct team_member *out);
/* ERR_NOT_FOUND when the user was no member of the team. */
enum err store_team_member_remove(struct store *st, int64_t tid,
                                  int64_t user_rid);
/* Replace the member's roles (JSON array text or NULL). ERR_NOT_FOUND. */
enum err store_team_member_set_roles(struct store *st, int64_t tid,
                                     int64_t user_rid, const char *roles);
/* Members whose roles hold role ("owner"). */
enum err store_team_members_with_role(struct store *st, int64_t tid,
                                      const char *role, int64_t *count);
/* Every member row, active or not (teams.list's numberOfUsers). */
enum err store_team_members_count(struct store *st, int64_t tid,
                                  int64_t *count);

/* What teams.members narrows to; NULL fields do not filter. */
struct team_member_filter {
    const char *username;           /* case-insensitive substring, literal */
    const char *name;               /* same, of the display name */
    const char *statuses;           /* JSON array of status strings */
    const char *exclude_id;         /* leave out this user (public id) */
};
/*
 * One page of the team's members who are active users and match f, in the
 * order they joined, skipping offset, at most count (0: all); *total
 * counts every match. fn gets each member row with its user (borrowed for
 * the call). Never holds a statement open while fn runs.
 */
enum err store_team_members_page(struct store *st, int64_t tid,
                                 const struct team_member_filter *f,
                                 int64_t offset, int64_t count,
                                 void (*fn)(void *arg,
                                            const struct team_member *m,
                                            const struct user *u),
                                 void *arg, int64_t *total);

/*
 * One page of teams, oldest first: every team (user_rid 0) or those the
 * user is a member of; *total counts them all. fn gets each team
 * (borrowed for the call); no statement is open while it runs.
 */
enum err store_teams_page(struct store *st, int64_t user_rid, int64_t offset,
                          int64_t count,
                          void (*fn)(void *arg, const struct team *t),
                          void *arg, int64_t *total);

/* Which of a team's rooms (never its main room) a listing shows. */
struct team_rooms_filter {
    const char *name;               /* case-insensitive substring, or NULL */
    int only_default;               /* only auto-join (teamDefault) rooms */
    int64_t visible_to;             /* user rid: public rooms + theirs; 0 all */
};
/*
 * One page of the rooms of team team_id (public id) matching f, oldest
 * first; *total counts every match. fn gets each room (borrowed for the
 * call); no statement is open while it runs.
 */
enum err store_team_rooms_page(struct store *st, const char *team_id,
                               const struct team_rooms_filter *f,
                               int64_t offset, int64_t count,
                               void (*fn)(void *arg, const struct room *r),
                               void *arg, int64_t *total);
/* Rooms in the team, its main room not counted. */
enum err store_team_rooms_count(struct store *st, const char *team_id,
                                int64_t *count);
/*
 * Move every room of the team, its main room included, out of it
 * (teamId, teamMain and teamDefault cleared, _updatedAt = now).
 */
enum err store_team_detach_rooms(struct store *st, const char *team_id,
                                 int64_t now);

/* ---- incoming webhook integrations (integrations.c) ---- */

struct integration {
    int64_t rid;                    /* internal row id */
    char *id;                       /* 17-char public id */
    char *type;                     /* "webhook-incoming" */
    char *name;
    int enabled;
    char *token;                    /* 48 chars, in clear; never log it */
    char *user_id, *username;       /* the user the hook posts as */
    char *channel;                  /* JSON array text ("#room", "@user") */
    char *alias, *emoji, *avatar;   /* defaults, NULL when unset */
    int script_enabled;
    char *script;                   /* kept, never run; NULL when unset */
    char *script_engine;
    int override_dest;              /* overrideDestinationChannelEnabled */
    int64_t created_at, updated_at; /* ms */
    char *created_by_id, *created_by_username;
};
#define INTEGRATION_INIT { 0 }
void integration_release(struct integration *in);

/* Insert in (every field but rid set); ERR_EXISTS when the id is taken. */
enum err store_integration_insert(struct store *st, struct integration *in);
/* The integration with public id `id`; ERR_NOT_FOUND if none. */
enum err store_integration_by_id(struct store *st, const char *id,
                                 struct integration *out);
/* Delete by public id; ERR_NOT_FOUND if none. */
enum err store_integration_delete(struct store *st, const char *id);

struct integration_filter {
    const char *created_by;         /* a creator's user id, or NULL: anyone */
    const char *name;               /* case-insensitive substring, or NULL */
    const char *type;               /* exact type, or NULL */
};
/*
 * One page of the integrations matching f in creation order; *total
 * counts every match. count 0 means no limit. fn gets each integration
 * (borrowed for the call); no statement is open while it runs.
 */
enum err store_integrations_page(struct store *st,
                                 const struct integration_filter *f,
                                 int64_t offset, int64_t count,
                                 void (*fn)(void *arg,
                                            const struct integration *in),
                                 void *arg, int64_t *total);

/* ---- bulk loading for rcd import-mongodump (import.c) ---- */

/*
 * These write rows as another server had them (ids, counters, timestamps
 * kept) and open no transaction of their own: the caller holds one around
 * the whole import, and a refused record (ERR_EXISTS) undoes only its own
 * statement.
 */

/* How many users and rooms the database holds. */
enum err store_import_counts(struct store *st, int64_t *users, int64_t *rooms);
/*
 * Insert u with every column struct user has (last_login, language and
 * status_default included) and its global roles, plus the TOTP state
 * totp (NULL: none); fills u->rid. ERR_EXISTS when the id, the username
 * (case-insensitively) or the e-mail is taken.
 */
enum err store_import_user(struct store *st, struct user *u,
                           const struct totp_state *totp);
/* Make room_rid a discussion of room prid (both internal row ids). */
enum err store_import_room_parent(struct store *st, int64_t room_rid,
                                  int64_t prid);
/*
 * Insert s as given (room_rid, user_rid, ts, updated_at set); unlike
 * store_sub_insert the room's users_count is left to
 * store_import_recount. Fills sid; ERR_EXISTS if already a member.
 */
enum err store_import_sub(struct store *st, struct subscription *s);
/*
 * Insert m with every column, thread (tcount, tlm, replies) and
 * discussion (dcount, dlm) counters included; fills mid. ERR_EXISTS when
 * the id is taken. Room counters are store_import_recount's.
 */
enum err store_import_message(struct store *st, struct message *m);
/*
 * Recompute every room's msgs, users_count and lm from the messages and
 * subscriptions present, as rcd counts them when it writes them itself.
 */
enum err store_import_recount(struct store *st);
/* Set the room's last_message (JSON text) leaving updated_at alone. */
enum err store_import_last_message(struct store *st, int64_t room_rid,
                                   const char *last_json);

/* ---- settings and permissions changed from their defaults ---- */

/* Calls fn for each stored (id, JSON value) pair. */
enum err store_settings_each(struct store *st,
                             void (*fn)(void *arg, const char *id,
                                        const char *value_json),
                             void *arg);
enum err store_setting_put(struct store *st, const char *id,
                           const char *value_json, int64_t now);

#endif
