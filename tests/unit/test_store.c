/* The store on ":memory:": migrations, users, uniqueness, tokens, settings. */
#include <stdlib.h>
#include <string.h>

#include "../../rcd/store/store.h"
#include "../../shared/xalloc.h"
#include "unit.h"

static void make_user(struct user *u, const char *id, const char *name,
                      const char *email)
{
    memset(u, 0, sizeof(*u));
    u->id = xstrdup(id);
    u->username = xstrdup(name);
    u->name = xstrdup("Some Name");
    u->email = email ? xstrdup(email) : NULL;
    u->type = xstrdup("user");
    u->status = xstrdup("offline");
    u->active = 1;
    u->password = xstrdup("$2b$04$hash");
    u->created_at = u->updated_at = 1000;
    u->roles[u->nroles++] = xstrdup("user");
}

static void store_open_runs_every_migration(void)
{
    struct store *st;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    CHECK(store_schema_version(st) == store_migrations_known());
    CHECK(store_migrations_known() >= 2);
    store_close(st);
}

static void user_insert_then_lookups_find_it(void)
{
    struct store *st;
    struct user u, got = USER_INIT;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_user(&u, "AAAAAAAAAAAAAAAAA", "alice", "alice@example.com");
    CHECK(store_user_insert(st, &u) == ERR_OK && u.rid > 0);
    CHECK(store_user_by_id(st, "AAAAAAAAAAAAAAAAA", &got) == ERR_OK);
    CHECK_STR(got.username, "alice");
    CHECK(got.nroles == 1 && strcmp(got.roles[0], "user") == 0);
    user_release(&got);
    /* usernames and e-mails match case-insensitively, as in Rocket.Chat */
    CHECK(store_user_by_username(st, "ALICE", &got) == ERR_OK);
    user_release(&got);
    CHECK(store_user_by_email(st, "Alice@Example.com", &got) == ERR_OK);
    user_release(&got);
    CHECK(store_user_by_id(st, "nope", &got) == ERR_NOT_FOUND);
    user_release(&u);
    store_close(st);
}

static void duplicate_username_is_err_exists_and_rolls_back(void)
{
    struct store *st;
    struct user a, b, got = USER_INIT;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_user(&a, "AAAAAAAAAAAAAAAAA", "bob", NULL);
    make_user(&b, "BBBBBBBBBBBBBBBBB", "BOB", NULL);
    CHECK(store_user_insert(st, &a) == ERR_OK);
    CHECK(store_user_insert(st, &b) == ERR_EXISTS);
    CHECK(store_user_by_id(st, "BBBBBBBBBBBBBBBBB", &got) == ERR_NOT_FOUND);
    /* the store is usable after the failed transaction */
    user_release(&b);
    make_user(&b, "CCCCCCCCCCCCCCCCC", "carol", NULL);
    CHECK(store_user_insert(st, &b) == ERR_OK);
    user_release(&a);
    user_release(&b);
    store_close(st);
}

static void token_check_needs_matching_user_and_hash(void)
{
    struct store *st;
    struct user u;
    struct token_info ti;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_user(&u, "AAAAAAAAAAAAAAAAA", "dave", NULL);
    CHECK(store_user_insert(st, &u) == ERR_OK);
    CHECK(store_token_add(st, u.rid, "hash1", 5) == ERR_OK);
    CHECK(store_token_check(st, "AAAAAAAAAAAAAAAAA", "hash1", &ti) == ERR_OK);
    CHECK(ti.user_rid == u.rid && !ti.is_pat);
    CHECK(store_token_check(st, "BBBBBBBBBBBBBBBBB", "hash1", &ti) ==
          ERR_NOT_FOUND);
    CHECK(store_token_check(st, "AAAAAAAAAAAAAAAAA", "hash2", &ti) ==
          ERR_NOT_FOUND);
    CHECK(store_token_remove(st, "hash1") == ERR_OK);
    CHECK(store_token_find(st, "hash1", &ti) == ERR_NOT_FOUND);
    user_release(&u);
    store_close(st);
}

static void count_setting(void *arg, const char *id, const char *value)
{
    int *n = arg;

    if (strcmp(id, "Site_Name") == 0 && strcmp(value, "\"x\"") == 0)
        (*n)++;
}

static void setting_put_replaces_value(void)
{
    struct store *st;
    int n = 0;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    CHECK(store_setting_put(st, "Site_Name", "\"y\"", 1) == ERR_OK);
    CHECK(store_setting_put(st, "Site_Name", "\"x\"", 2) == ERR_OK);
    CHECK(store_settings_each(st, count_setting, &n) == ERR_OK);
    CHECK(n == 1);
    store_close(st);
}

const struct unit_test store_tests[] = {
    { "store_open runs every migration", store_open_runs_every_migration },
    { "a user inserted is found by id, username and e-mail", user_insert_then_lookups_find_it },
    { "a duplicate username is ERR_EXISTS and rolls back", duplicate_username_is_err_exists_and_rolls_back },
    { "token check needs the matching user and hash", token_check_needs_matching_user_and_hash },
    { "setting_put replaces a value", setting_put_replaces_value },
    { NULL, NULL },
};
