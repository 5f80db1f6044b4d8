/* The store on ":memory:": migrations, users, uniqueness, tokens, settings. */
#include <stdio.h>
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

static void user_save_writes_profile_and_roles(void)
{
    struct store *st;
    struct user a, b, got = USER_INIT;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_user(&a, "AAAAAAAAAAAAAAAAA", "erin", "erin@example.com");
    make_user(&b, "BBBBBBBBBBBBBBBBB", "finn", "finn@example.com");
    CHECK(store_user_insert(st, &a) == ERR_OK);
    CHECK(store_user_insert(st, &b) == ERR_OK);
    free(a.nickname);
    a.nickname = xstrdup("E");
    free(a.status);
    a.status = xstrdup("busy");
    free(a.roles[0]);
    a.roles[0] = xstrdup("bot");
    a.roles[a.nroles++] = xstrdup("user");
    a.updated_at = 2000;
    CHECK(store_user_save(st, &a) == ERR_OK);
    CHECK(store_user_by_id(st, "AAAAAAAAAAAAAAAAA", &got) == ERR_OK);
    CHECK_STR(got.nickname, "E");
    CHECK_STR(got.status, "busy");
    CHECK(got.updated_at == 2000 && got.nroles == 2);
    CHECK_STR(got.roles[0], "bot");
    CHECK_STR(got.roles[1], "user");
    user_release(&got);
    /* another user's name, in any case, is ERR_EXISTS and nothing changes */
    free(a.username);
    a.username = xstrdup("FINN");
    CHECK(store_user_save(st, &a) == ERR_EXISTS);
    CHECK(store_user_by_id(st, "AAAAAAAAAAAAAAAAA", &got) == ERR_OK);
    CHECK_STR(got.username, "erin");
    CHECK(got.nroles == 2);
    user_release(&got);
    a.rid = 999;
    CHECK(store_user_save(st, &a) == ERR_NOT_FOUND);
    user_release(&a);
    user_release(&b);
    store_close(st);
}

static void set_active_false_drops_every_token(void)
{
    struct store *st;
    struct user u, got = USER_INIT;
    struct token_info ti;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_user(&u, "AAAAAAAAAAAAAAAAA", "gwen", NULL);
    CHECK(store_user_insert(st, &u) == ERR_OK);
    CHECK(store_token_add(st, u.rid, "login1", 5) == ERR_OK);
    CHECK(store_pat_add(st, u.rid, "pat1", "ci", "abcdef", 0, 6) == ERR_OK);
    CHECK(store_user_set_active(st, u.rid, 0, "deactivated", 7) == ERR_OK);
    CHECK(store_token_find(st, "login1", &ti) == ERR_NOT_FOUND);
    CHECK(store_token_find(st, "pat1", &ti) == ERR_NOT_FOUND);
    CHECK(store_user_by_rid(st, u.rid, &got) == ERR_OK);
    CHECK(!got.active && got.updated_at == 7);
    CHECK_STR(got.inactive_reason, "deactivated");
    user_release(&got);
    CHECK(store_token_add(st, u.rid, "login2", 8) == ERR_OK);
    CHECK(store_user_set_active(st, u.rid, 1, NULL, 9) == ERR_OK);
    CHECK(store_token_find(st, "login2", &ti) == ERR_OK);
    CHECK(store_user_by_rid(st, u.rid, &got) == ERR_OK);
    CHECK(got.active && got.inactive_reason == NULL);
    user_release(&got);
    CHECK(store_user_set_active(st, 999, 0, NULL, 1) == ERR_NOT_FOUND);
    user_release(&u);
    store_close(st);
}

static void deactivate_idle_matches_rc(void)
{
    struct store *st;
    struct user idle, fresh, never_old, never_new, other_role, got = USER_INIT;
    struct token_info ti;
    int64_t n;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_user(&idle, "AAAAAAAAAAAAAAAAA", "idle", NULL);
    make_user(&fresh, "BBBBBBBBBBBBBBBBB", "fresh", NULL);
    make_user(&never_old, "CCCCCCCCCCCCCCCCC", "neverold", NULL);
    make_user(&never_new, "DDDDDDDDDDDDDDDDD", "nevernew", NULL);
    make_user(&other_role, "EEEEEEEEEEEEEEEEE", "bot1", NULL);
    never_new.created_at = 5000;
    free(other_role.roles[0]);
    other_role.roles[0] = xstrdup("bot");
    CHECK(store_user_insert(st, &idle) == ERR_OK);
    CHECK(store_user_insert(st, &fresh) == ERR_OK);
    CHECK(store_user_insert(st, &never_old) == ERR_OK);
    CHECK(store_user_insert(st, &never_new) == ERR_OK);
    CHECK(store_user_insert(st, &other_role) == ERR_OK);
    CHECK(store_user_set_last_login(st, idle.rid, 1500) == ERR_OK);
    CHECK(store_user_set_last_login(st, fresh.rid, 4000) == ERR_OK);
    CHECK(store_user_set_last_login(st, other_role.rid, 1500) == ERR_OK);
    CHECK(store_token_add(st, idle.rid, "idletoken", 1500) == ERR_OK);
    CHECK(store_token_add(st, fresh.rid, "freshtoken", 4000) == ERR_OK);
    /* cutoff 3000: idle by last login, never_old by creation (1000) */
    CHECK(store_users_deactivate_idle(st, "user", 3000, 9000, &n) == ERR_OK);
    CHECK(n == 2);
    CHECK(store_token_find(st, "idletoken", &ti) == ERR_NOT_FOUND);
    CHECK(store_token_find(st, "freshtoken", &ti) == ERR_OK);
    CHECK(store_user_by_rid(st, never_old.rid, &got) == ERR_OK);
    CHECK(!got.active);
    CHECK_STR(got.inactive_reason, "idle_too_long");
    user_release(&got);
    CHECK(store_user_by_rid(st, other_role.rid, &got) == ERR_OK);
    CHECK(got.active);
    user_release(&got);
    /* already inactive users do not count again */
    CHECK(store_users_deactivate_idle(st, "user", 3000, 9000, &n) == ERR_OK);
    CHECK(n == 0);
    user_release(&idle);
    user_release(&fresh);
    user_release(&never_old);
    user_release(&never_new);
    user_release(&other_role);
    store_close(st);
}

static void user_delete_takes_tokens_and_roles(void)
{
    struct store *st;
    struct user u, got = USER_INIT;
    struct token_info ti;
    int64_t n;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_user(&u, "AAAAAAAAAAAAAAAAA", "hugo", "hugo@example.com");
    CHECK(store_user_insert(st, &u) == ERR_OK);
    CHECK(store_token_add(st, u.rid, "hugotoken", 5) == ERR_OK);
    CHECK(store_user_delete(st, u.rid) == ERR_OK);
    CHECK(store_user_by_id(st, "AAAAAAAAAAAAAAAAA", &got) == ERR_NOT_FOUND);
    CHECK(store_token_find(st, "hugotoken", &ti) == ERR_NOT_FOUND);
    CHECK(store_users_with_role(st, "user", 0, &n) == ERR_OK && n == 0);
    CHECK(store_user_delete(st, u.rid) == ERR_NOT_FOUND);
    /* the name and address are free again */
    user_release(&u);
    make_user(&u, "BBBBBBBBBBBBBBBBB", "hugo", "hugo@example.com");
    CHECK(store_user_insert(st, &u) == ERR_OK);
    user_release(&u);
    store_close(st);
}

struct page_seen {
    char names[8][16];
    size_t n;
};

static void page_collect(void *arg, const struct user *u)
{
    struct page_seen *ps = arg;

    if (ps->n < 8)
        snprintf(ps->names[ps->n++], sizeof(ps->names[0]), "%s", u->username);
}

static void users_page_sorts_and_pages(void)
{
    static const char *const names[] = { "bea", "Adam", "cid", "dora" };
    struct store *st;
    struct page_seen ps;
    int64_t total;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    for (size_t i = 0; i < 4; i++) {
        struct user u;
        char id[18];

        snprintf(id, sizeof(id), "%c%016d", 'A' + (int)i, 0);
        make_user(&u, id, names[i], NULL);
        u.created_at = (int64_t)(4 - i);    /* reverse of insertion */
        CHECK(store_user_insert(st, &u) == ERR_OK);
        user_release(&u);
    }
    CHECK(store_users_count(st, &total) == ERR_OK && total == 4);
    memset(&ps, 0, sizeof(ps));
    CHECK(store_users_page(st, USER_SORT_USERNAME, 0, 0, 0, page_collect,
                           &ps) == ERR_OK);
    CHECK(ps.n == 4);
    CHECK_STR(ps.names[0], "Adam");         /* case-insensitive order */
    CHECK_STR(ps.names[3], "dora");
    memset(&ps, 0, sizeof(ps));
    CHECK(store_users_page(st, USER_SORT_USERNAME, 1, 1, 2, page_collect,
                           &ps) == ERR_OK);
    CHECK(ps.n == 2);
    CHECK_STR(ps.names[0], "cid");
    CHECK_STR(ps.names[1], "bea");
    memset(&ps, 0, sizeof(ps));
    CHECK(store_users_page(st, USER_SORT_CREATED_AT, 0, 0, 1, page_collect,
                           &ps) == ERR_OK);
    CHECK(ps.n == 1);
    CHECK_STR(ps.names[0], "dora");
    /* equal keys fall back to insertion order, in the key's direction */
    memset(&ps, 0, sizeof(ps));
    CHECK(store_users_page(st, USER_SORT_STATUS, 1, 0, 0, page_collect,
                           &ps) == ERR_OK);
    CHECK(ps.n == 4);
    CHECK_STR(ps.names[0], "dora");
    CHECK_STR(ps.names[3], "bea");
    memset(&ps, 0, sizeof(ps));
    CHECK(store_users_page(st, USER_SORT_NAME, 0, 10, 5, page_collect,
                           &ps) == ERR_OK);
    CHECK(ps.n == 0);
    store_close(st);
}

static void inner_rollback_dooms_outer_commit(void)
{
    struct store *st;
    struct user u, got = USER_INIT;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    CHECK(store_begin(st) == ERR_OK);
    make_user(&u, "NNNNNNNNNNNNNNNNN", "nested", NULL);
    /* store_user_insert opens and commits its own (inner) transaction */
    CHECK(store_user_insert(st, &u) == ERR_OK);
    CHECK(store_begin(st) == ERR_OK);
    store_rollback(st);
    CHECK(store_commit(st) == ERR_IO);
    CHECK(store_user_by_id(st, "NNNNNNNNNNNNNNNNN", &got) == ERR_NOT_FOUND);
    /* and the store is usable again afterwards */
    CHECK(store_user_insert(st, &u) == ERR_OK);
    user_release(&u);
    store_close(st);
}

const struct unit_test store_tests[] = {
    { "store_open runs every migration", store_open_runs_every_migration },
    { "an inner rollback dooms the outer commit", inner_rollback_dooms_outer_commit },
    { "a user inserted is found by id, username and e-mail", user_insert_then_lookups_find_it },
    { "a duplicate username is ERR_EXISTS and rolls back", duplicate_username_is_err_exists_and_rolls_back },
    { "token check needs the matching user and hash", token_check_needs_matching_user_and_hash },
    { "setting_put replaces a value", setting_put_replaces_value },
    { "user_save writes the profile and roles, or nothing", user_save_writes_profile_and_roles },
    { "set_active(0) drops login tokens and PATs", set_active_false_drops_every_token },
    { "deactivate_idle matches idle and never-logged-in users as RC", deactivate_idle_matches_rc },
    { "user_delete takes the user's tokens and roles", user_delete_takes_tokens_and_roles },
    { "users_page sorts, breaks ties and pages", users_page_sorts_and_pages },
    { NULL, NULL },
};
