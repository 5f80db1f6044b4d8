/* The store on ":memory:": migrations, users, uniqueness, tokens, settings. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../rcd/store/store.h"
#include "../../rcd/store/store_int.h"
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

/* ---- teams ---- */

static void make_room(struct room *r, const char *id, const char *t,
                      const char *name, const char *team_id, int main)
{
    memset(r, 0, sizeof(*r));
    r->id = xstrdup(id);
    r->t[0] = t[0];
    r->name = xstrdup(name);
    r->fname = xstrdup(name);
    r->ts = r->updated_at = 1000;
    r->team_id = team_id ? xstrdup(team_id) : NULL;
    r->team_main = main;
}

static void make_team(struct team *t, const char *id, const char *name,
                      const char *room_id)
{
    memset(t, 0, sizeof(*t));
    t->id = xstrdup(id);
    t->name = xstrdup(name);
    t->room_id = xstrdup(room_id);
    t->created_at = t->updated_at = 1000;
    t->created_by_id = xstrdup("AAAAAAAAAAAAAAAAA");
    t->created_by_username = xstrdup("alice");
}

static void team_insert_lookup_and_delete(void)
{
    struct store *st;
    struct team t, dup, got = TEAM_INIT;
    struct user u;
    struct team_member m = TEAM_MEMBER_INIT, gm = TEAM_MEMBER_INIT;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_team(&t, "TTTTTTTTTTTTTTTTT", "Crew", "RRRRRRRRRRRRRRRRR");
    t.type = 1;
    CHECK(store_team_insert(st, &t) == ERR_OK && t.tid > 0);
    CHECK(store_team_by_id(st, "TTTTTTTTTTTTTTTTT", &got) == ERR_OK);
    CHECK_STR(got.name, "Crew");
    CHECK_STR(got.room_id, "RRRRRRRRRRRRRRRRR");
    CHECK(got.type == 1 && got.created_at == 1000);
    CHECK_STR(got.created_by_username, "alice");
    team_release(&got);
    /* team names are room names: unique whatever the case */
    CHECK(store_team_by_name(st, "cREW", &got) == ERR_OK);
    CHECK(got.tid == t.tid);
    team_release(&got);
    make_team(&dup, "UUUUUUUUUUUUUUUUU", "CREW", "SSSSSSSSSSSSSSSSS");
    CHECK(store_team_insert(st, &dup) == ERR_EXISTS);
    team_release(&dup);
    /* deleting the team takes its member rows */
    make_user(&u, "AAAAAAAAAAAAAAAAA", "alice", NULL);
    CHECK(store_user_insert(st, &u) == ERR_OK);
    m.team_tid = t.tid;
    m.user_rid = u.rid;
    m.roles = "[\"owner\"]";
    m.created_at = 5;
    CHECK(store_team_member_add(st, &m) == ERR_OK);
    CHECK(store_team_member_add(st, &m) == ERR_EXISTS);
    CHECK(store_team_delete(st, t.tid) == ERR_OK);
    CHECK(store_team_delete(st, t.tid) == ERR_NOT_FOUND);
    CHECK(store_team_by_id(st, "TTTTTTTTTTTTTTTTT", &got) == ERR_NOT_FOUND);
    CHECK(store_team_member_get(st, t.tid, u.rid, &gm) == ERR_NOT_FOUND);
    team_release(&t);
    user_release(&u);
    store_close(st);
}

struct member_names {
    char names[8][32];
    size_t n;
};

static void member_collect(void *arg, const struct team_member *m,
                           const struct user *u)
{
    struct member_names *mn = arg;

    (void)m;
    if (mn->n < 8)
        snprintf(mn->names[mn->n++], 32, "%s", u->username);
}

static void team_members_roles_filters_and_pages(void)
{
    static const char *const names[] = { "anna", "ben", "bella", "cy" };
    struct store *st;
    struct team t;
    struct user u[4];
    struct team_member m = TEAM_MEMBER_INIT, got = TEAM_MEMBER_INIT;
    struct team_member_filter f = { 0 };
    struct member_names mn;
    int64_t n = 0, total = 0;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_team(&t, "TTTTTTTTTTTTTTTTT", "crew", "RRRRRRRRRRRRRRRRR");
    CHECK(store_team_insert(st, &t) == ERR_OK);
    for (size_t i = 0; i < 4; i++) {
        char id[32];

        snprintf(id, sizeof(id), "%c%016d", 'A' + (int)i, 0);
        make_user(&u[i], id, names[i], NULL);
        CHECK(store_user_insert(st, &u[i]) == ERR_OK);
        m.team_tid = t.tid;
        m.user_rid = u[i].rid;
        m.roles = i == 0 ? "[\"owner\"]" : NULL;
        m.created_at = 100 + (int64_t)i;
        m.created_by_id = u[0].id;
        m.created_by_username = u[0].username;
        CHECK(store_team_member_add(st, &m) == ERR_OK);
    }
    CHECK(store_team_member_get(st, t.tid, u[0].rid, &got) == ERR_OK);
    CHECK_STR(got.roles, "[\"owner\"]");
    CHECK_STR(got.created_by_username, "anna");
    CHECK(got.created_at == 100);
    team_member_release(&got);
    CHECK(store_team_members_with_role(st, t.tid, "owner", &n) == ERR_OK);
    CHECK(n == 1);
    CHECK(store_team_member_set_roles(st, t.tid, u[1].rid,
                                      "[\"member\",\"owner\"]") == ERR_OK);
    CHECK(store_team_members_with_role(st, t.tid, "owner", &n) == ERR_OK);
    CHECK(n == 2);
    CHECK(store_team_member_set_roles(st, t.tid, 999, NULL) == ERR_NOT_FOUND);
    CHECK(store_team_members_count(st, t.tid, &n) == ERR_OK && n == 4);
    /* join order, paging, and a total of every match */
    memset(&mn, 0, sizeof(mn));
    CHECK(store_team_members_page(st, t.tid, NULL, 1, 2, member_collect, &mn,
                                  &total) == ERR_OK);
    CHECK(total == 4 && mn.n == 2);
    CHECK_STR(mn.names[0], "ben");
    CHECK_STR(mn.names[1], "bella");
    /* a case-insensitive substring, with '%' and '_' taken literally */
    memset(&mn, 0, sizeof(mn));
    f.username = "BE";
    CHECK(store_team_members_page(st, t.tid, &f, 0, 0, member_collect, &mn,
                                  &total) == ERR_OK);
    CHECK(total == 2 && mn.n == 2);
    f.username = "%";
    CHECK(store_team_members_page(st, t.tid, &f, 0, 0, member_collect, &mn,
                                  &total) == ERR_OK);
    CHECK(total == 0);
    f.username = NULL;
    f.statuses = "[\"online\"]";
    CHECK(store_team_members_page(st, t.tid, &f, 0, 0, member_collect, &mn,
                                  &total) == ERR_OK);
    CHECK(total == 0);
    f.statuses = "[\"offline\"]";
    f.exclude_id = u[0].id;
    memset(&mn, 0, sizeof(mn));
    CHECK(store_team_members_page(st, t.tid, &f, 0, 0, member_collect, &mn,
                                  &total) == ERR_OK);
    CHECK(total == 3 && mn.n == 3);
    CHECK_STR(mn.names[0], "ben");
    /* inactive users are left out of the list, not of the count */
    CHECK(store_user_set_active(st, u[3].rid, 0, NULL, 7) == ERR_OK);
    CHECK(store_team_members_page(st, t.tid, NULL, 0, 0, member_collect, &mn,
                                  &total) == ERR_OK);
    CHECK(total == 3);
    CHECK(store_team_members_count(st, t.tid, &n) == ERR_OK && n == 4);
    CHECK(store_team_member_remove(st, t.tid, u[2].rid) == ERR_OK);
    CHECK(store_team_member_remove(st, t.tid, u[2].rid) == ERR_NOT_FOUND);
    CHECK(store_team_members_count(st, t.tid, &n) == ERR_OK && n == 3);
    for (size_t i = 0; i < 4; i++)
        user_release(&u[i]);
    team_release(&t);
    store_close(st);
}

static void team_collect(void *arg, const struct team *t)
{
    struct member_names *mn = arg;

    if (mn->n < 8)
        snprintf(mn->names[mn->n++], 32, "%s", t->name);
}

static void teams_page_lists_a_users_teams_or_all(void)
{
    struct store *st;
    struct team t[3];
    struct user u;
    struct team_member m = TEAM_MEMBER_INIT;
    struct member_names mn;
    int64_t total = 0;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_user(&u, "AAAAAAAAAAAAAAAAA", "alice", NULL);
    CHECK(store_user_insert(st, &u) == ERR_OK);
    for (int i = 0; i < 3; i++) {
        char id[32], name[16];

        snprintf(id, sizeof(id), "T%016d", i);
        snprintf(name, sizeof(name), "team%d", i);
        make_team(&t[i], id, name, "RRRRRRRRRRRRRRRRR");
        CHECK(store_team_insert(st, &t[i]) == ERR_OK);
    }
    m.user_rid = u.rid;
    m.created_at = 1;
    m.team_tid = t[0].tid;
    CHECK(store_team_member_add(st, &m) == ERR_OK);
    m.team_tid = t[2].tid;
    CHECK(store_team_member_add(st, &m) == ERR_OK);
    memset(&mn, 0, sizeof(mn));
    CHECK(store_teams_page(st, u.rid, 0, 0, team_collect, &mn, &total)
          == ERR_OK);
    CHECK(total == 2 && mn.n == 2);
    CHECK_STR(mn.names[0], "team0");
    CHECK_STR(mn.names[1], "team2");
    memset(&mn, 0, sizeof(mn));
    CHECK(store_teams_page(st, 0, 1, 1, team_collect, &mn, &total) == ERR_OK);
    CHECK(total == 3 && mn.n == 1);
    CHECK_STR(mn.names[0], "team1");
    for (int i = 0; i < 3; i++)
        team_release(&t[i]);
    user_release(&u);
    store_close(st);
}

static void room_collect(void *arg, const struct room *r)
{
    struct member_names *mn = arg;

    if (mn->n < 8)
        snprintf(mn->names[mn->n++], 32, "%s", r->name);
}

static void team_rooms_filters_counts_and_detach(void)
{
    struct store *st;
    struct room r[5], got = ROOM_INIT;
    struct user u;
    struct subscription s = SUBSCRIPTION_INIT;
    struct team_rooms_filter f = { 0 };
    struct member_names mn;
    int64_t total = 0, n = 0;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_user(&u, "AAAAAAAAAAAAAAAAA", "alice", NULL);
    CHECK(store_user_insert(st, &u) == ERR_OK);
    make_room(&r[0], "R0000000000000000", "c", "main", "TEAM1", 1);
    make_room(&r[1], "R0000000000000001", "c", "Alpha", "TEAM1", 0);
    make_room(&r[2], "R0000000000000002", "p", "beta", "TEAM1", 0);
    make_room(&r[3], "R0000000000000003", "p", "gamma", "TEAM1", 0);
    make_room(&r[4], "R0000000000000004", "c", "outside", NULL, 0);
    r[2].team_default = 1;
    for (int i = 0; i < 5; i++)
        CHECK(store_room_insert(st, &r[i]) == ERR_OK);
    s.id = xstrdup("S0000000000000000");
    s.room_rid = r[3].rid;
    s.user_rid = u.rid;
    s.ts = s.updated_at = 1;
    CHECK(store_sub_insert(st, &s) == ERR_OK);
    subscription_release(&s);
    /* the main room never shows, nor counts */
    memset(&mn, 0, sizeof(mn));
    CHECK(store_team_rooms_page(st, "TEAM1", &f, 0, 0, room_collect, &mn,
                                &total) == ERR_OK);
    CHECK(total == 3 && mn.n == 3);
    CHECK_STR(mn.names[0], "Alpha");
    CHECK(store_team_rooms_count(st, "TEAM1", &n) == ERR_OK && n == 3);
    f.only_default = 1;
    memset(&mn, 0, sizeof(mn));
    CHECK(store_team_rooms_page(st, "TEAM1", &f, 0, 0, room_collect, &mn,
                                &total) == ERR_OK);
    CHECK(total == 1);
    CHECK_STR(mn.names[0], "beta");
    f.only_default = 0;
    f.name = "ALP";
    CHECK(store_team_rooms_page(st, "TEAM1", &f, 0, 0, room_collect, &mn,
                                &total) == ERR_OK);
    CHECK(total == 1);
    f.name = "_";
    CHECK(store_team_rooms_page(st, "TEAM1", &f, 0, 0, room_collect, &mn,
                                &total) == ERR_OK);
    CHECK(total == 0);
    /* a user's view: public rooms and the private rooms they are in */
    f.name = NULL;
    f.visible_to = u.rid;
    memset(&mn, 0, sizeof(mn));
    CHECK(store_team_rooms_page(st, "TEAM1", &f, 0, 0, room_collect, &mn,
                                &total) == ERR_OK);
    CHECK(total == 2 && mn.n == 2);
    CHECK_STR(mn.names[0], "Alpha");
    CHECK_STR(mn.names[1], "gamma");
    memset(&mn, 0, sizeof(mn));
    CHECK(store_team_rooms_page(st, "TEAM1", &f, 1, 1, room_collect, &mn,
                                &total) == ERR_OK);
    CHECK(total == 2 && mn.n == 1);
    CHECK_STR(mn.names[0], "gamma");
    /* detaching frees every room of the team, the main room included */
    CHECK(store_team_detach_rooms(st, "TEAM1", 2000) == ERR_OK);
    CHECK(store_team_rooms_count(st, "TEAM1", &n) == ERR_OK && n == 0);
    CHECK(store_room_by_rid(st, r[2].rid, &got) == ERR_OK);
    CHECK(got.team_id == NULL && !got.team_default && got.updated_at == 2000);
    room_release(&got);
    CHECK(store_room_by_rid(st, r[0].rid, &got) == ERR_OK);
    CHECK(got.team_id == NULL && !got.team_main);
    room_release(&got);
    for (int i = 0; i < 5; i++)
        room_release(&r[i]);
    user_release(&u);
    store_close(st);
}

/* ---- messages (rcd/store/messages.c) ---- */

/* A room to hang messages on; ids are fixed 17-char strings. */
static int64_t msg_room(struct store *st, const char *id, const char *t,
                         const char *name, int64_t prid)
{
    struct room r = ROOM_INIT;
    int64_t rid;

    r.id = xstrdup(id);
    memcpy(r.t, t, 2);
    r.name = name ? xstrdup(name) : NULL;
    r.fname = name ? xstrdup(name) : NULL;
    r.ts = r.updated_at = 1000;
    r.prid = prid;
    if (store_room_insert(st, &r) != ERR_OK)
        BUG("make_room %s", id);
    rid = r.rid;
    room_release(&r);
    return rid;
}

static void msg_sub(struct store *st, int64_t room_rid, int64_t user_rid)
{
    struct subscription s = SUBSCRIPTION_INIT;
    char id[40];

    snprintf(id, sizeof(id), "S%lld-%lld", (long long)room_rid,
             (long long)user_rid);
    s.id = xstrdup(id);
    s.room_rid = room_rid;
    s.user_rid = user_rid;
    s.ts = s.updated_at = 1000;
    s.open = 1;
    if (store_sub_insert(st, &s) != ERR_OK)
        BUG("make_sub");
    subscription_release(&s);
}

/* A message with the given id, ts and text; tmid/tshow optional. */
static enum err put_msg(struct store *st, int64_t room_rid, const char *id,
                        int64_t ts, const char *text, const char *tmid,
                        int tshow)
{
    struct message m = MESSAGE_INIT;
    enum err rc;

    m.id = xstrdup(id);
    m.room_rid = room_rid;
    m.ts = m.updated_at = ts;
    m.u_id = xstrdup("UUUUUUUUUUUUUUUUU");
    m.u_username = xstrdup("sender");
    m.msg = xstrdup(text);
    m.tmid = tmid ? xstrdup(tmid) : NULL;
    m.tshow = tshow;
    m.groupable = -1;
    rc = store_message_insert(st, &m);
    message_release(&m);
    return rc;
}

struct msg_seen {
    char ids[40][24];
    size_t n;
};

static void msg_collect(void *arg, const struct message *m)
{
    struct msg_seen *s = arg;

    if (s->n < 40)
        snprintf(s->ids[s->n++], sizeof(s->ids[0]), "%s", m->id);
}

static void message_round_trip_is_byte_exact(void)
{
    /* emoji, quotes, backslashes, markup, control characters, % and _ */
    static const char text[] =
        "\xf0\x9f\x9a\x80 \"q\" 'a' \\n <b>&amp;</b> \x01\x1f\x7f tab\t"
        "nl\n 100% _x_ \xe2\x80\xae";
    struct store *st;
    struct message got = MESSAGE_INIT;
    int64_t room;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    room = msg_room(st, "RRRRRRRRRRRRRRRRR", "c", "general", 0);
    CHECK(put_msg(st, room, "m1", 5000, text, NULL, 0) == ERR_OK);
    CHECK(put_msg(st, room, "m1", 5001, "again", NULL, 0) == ERR_EXISTS);
    CHECK(store_message_by_id(st, "m1", &got) == ERR_OK);
    CHECK_STR(got.msg, text);
    CHECK_STR(got.rid, "RRRRRRRRRRRRRRRRR");
    CHECK(got.ts == 5000 && got.groupable == -1 && !got.tmid && !got.t);
    free(got.msg);
    got.msg = xstrdup("edited");
    got.edited_at = 6000;
    got.edited_by = xstrdup("{\"_id\":\"UUUUUUUUUUUUUUUUU\"}");
    got.updated_at = 6000;
    CHECK(store_message_update(st, &got) == ERR_OK);
    message_release(&got);
    CHECK(store_message_by_id(st, "m1", &got) == ERR_OK);
    CHECK_STR(got.msg, "edited");
    CHECK(got.edited_at == 6000 && got.updated_at == 6000);
    CHECK(store_message_delete(st, got.mid) == ERR_OK);
    CHECK(store_message_delete(st, got.mid) == ERR_NOT_FOUND);
    message_release(&got);
    CHECK(store_message_by_id(st, "m1", &got) == ERR_NOT_FOUND);
    store_close(st);
}

static void messages_page_is_newest_first_and_bounded(void)
{
    struct message_range r = { 0, INT64_MIN, INT64_MAX, 0, 0, NULL };
    struct msg_seen s;
    struct store *st;
    int64_t room, other, n;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    room = msg_room(st, "RRRRRRRRRRRRRRRRR", "c", "general", 0);
    other = msg_room(st, "OOOOOOOOOOOOOOOOO", "c", "other", 0);
    CHECK(put_msg(st, room, "a", 1000, "a", NULL, 0) == ERR_OK);
    CHECK(put_msg(st, room, "b", 2000, "b", NULL, 0) == ERR_OK);
    CHECK(put_msg(st, room, "c", 2000, "c", NULL, 0) == ERR_OK);
    CHECK(put_msg(st, room, "reply", 3000, "r", "a", 0) == ERR_OK);
    CHECK(put_msg(st, room, "shown", 4000, "s", "a", 1) == ERR_OK);
    CHECK(put_msg(st, other, "x", 2500, "x", NULL, 0) == ERR_OK);
    r.room_rid = room;
    memset(&s, 0, sizeof(s));
    CHECK(store_messages_page(st, &r, 0, 10, msg_collect, &s) == ERR_OK);
    /* newest first, equal ts in reverse insertion order, hidden reply out */
    CHECK(s.n == 4);
    CHECK_STR(s.ids[0], "shown");
    CHECK_STR(s.ids[1], "c");
    CHECK_STR(s.ids[2], "b");
    CHECK_STR(s.ids[3], "a");
    CHECK(store_messages_count(st, &r, &n) == ERR_OK && n == 4);
    r.with_replies = 1;
    CHECK(store_messages_count(st, &r, &n) == ERR_OK && n == 5);
    /* bounds are inclusive; offset and count page */
    r.oldest = 2000;
    r.latest = 3000;
    memset(&s, 0, sizeof(s));
    CHECK(store_messages_page(st, &r, 1, 1, msg_collect, &s) == ERR_OK);
    CHECK(s.n == 1);
    CHECK_STR(s.ids[0], "c");
    r.ascending = 1;
    memset(&s, 0, sizeof(s));
    CHECK(store_messages_page(st, &r, 0, 10, msg_collect, &s) == ERR_OK);
    CHECK(s.n == 3);
    CHECK_STR(s.ids[0], "b");
    CHECK_STR(s.ids[2], "reply");
    store_close(st);
}

/* The cached statement whose SQL contains needle (test-only peek). */
static sqlite3_stmt *find_stmt(struct store *st, const char *needle)
{
    for (size_t i = 0; i < STMT_SLOTS; i++)
        if (st->slots[i].sql && strstr(st->slots[i].sql, needle))
            return st->slots[i].stmt;
    return NULL;
}

static void messages_page_cost_does_not_grow_with_the_room(void)
{
    struct message_range r = { 0, INT64_MIN, INT64_MAX, 0, 0, NULL };
    struct msg_seen s;
    struct store *st;
    sqlite3_stmt *q;
    int64_t big, small;
    int steps_big, steps_small;
    char id[24];

    CHECK(store_open(":memory:", &st) == ERR_OK);
    big = msg_room(st, "BBBBBBBBBBBBBBBBB", "c", "big", 0);
    small = msg_room(st, "SSSSSSSSSSSSSSSSS", "c", "small", 0);
    CHECK(store_begin(st) == ERR_OK);
    for (int i = 0; i < 20000; i++) {
        snprintf(id, sizeof(id), "big%d", i);
        CHECK(put_msg(st, big, id, 10000 + i, "x", NULL, 0) == ERR_OK);
    }
    for (int i = 0; i < 30; i++) {
        snprintf(id, sizeof(id), "small%d", i);
        CHECK(put_msg(st, small, id, 10000 + i, "x", NULL, 0) == ERR_OK);
    }
    CHECK(store_commit(st) == ERR_OK);
    /* a page from the middle of the big room, then one of the small room */
    r.room_rid = big;
    r.latest = 20000;
    memset(&s, 0, sizeof(s));
    CHECK(store_messages_page(st, &r, 10, 20, msg_collect, &s) == ERR_OK);
    CHECK(s.n == 20);
    CHECK_STR(s.ids[0], "big9990");
    q = find_stmt(st, "ORDER BY m.ts DESC, m.mid DESC LIMIT");
    CHECK(q != NULL);
    CHECK(sqlite3_stmt_status(q, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0) == 0);
    CHECK(sqlite3_stmt_status(q, SQLITE_STMTSTATUS_SORT, 0) == 0);
    steps_big = sqlite3_stmt_status(q, SQLITE_STMTSTATUS_VM_STEP, 1);
    r.room_rid = small;
    memset(&s, 0, sizeof(s));
    CHECK(store_messages_page(st, &r, 10, 20, msg_collect, &s) == ERR_OK);
    CHECK(s.n == 20);
    steps_small = sqlite3_stmt_status(q, SQLITE_STMTSTATUS_VM_STEP, 1);
    /* the same work for the same page, whatever the room's size */
    CHECK(steps_big <= steps_small + 50);
    store_close(st);
}

static void threads_list_and_replies(void)
{
    struct msg_seen s;
    struct store *st;
    struct message got = MESSAGE_INIT;
    int64_t room, total;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    room = msg_room(st, "RRRRRRRRRRRRRRRRR", "c", "general", 0);
    CHECK(put_msg(st, room, "p1", 1000, "Deploy at 100% today", NULL, 0) == 0);
    CHECK(put_msg(st, room, "p2", 2000, "lunch_time", NULL, 0) == 0);
    CHECK(put_msg(st, room, "p3", 3000, "no replies", NULL, 0) == 0);
    CHECK(store_message_by_id(st, "p1", &got) == ERR_OK);
    CHECK(put_msg(st, room, "r1", 4000, "ok", "p1", 0) == 0);
    CHECK(store_thread_reply_added(st, got.mid, "[\"A\",\"B\"]", 4000,
                                   4000) == ERR_OK);
    message_release(&got);
    CHECK(store_message_by_id(st, "p2", &got) == ERR_OK);
    CHECK(put_msg(st, room, "r2", 5000, "ok", "p2", 0) == 0);
    CHECK(put_msg(st, room, "r3", 6000, "ok", "p2", 0) == 0);
    CHECK(store_thread_reply_added(st, got.mid, "[\"B\"]", 5000, 5000) == 0);
    CHECK(store_thread_reply_added(st, got.mid, "[\"B\"]", 6000, 6000) == 0);
    message_release(&got);
    /* latest reply first; only messages that have replies */
    memset(&s, 0, sizeof(s));
    CHECK(store_threads_page(st, room, NULL, NULL, 0, 10, msg_collect, &s,
                             &total) == ERR_OK);
    CHECK(total == 2 && s.n == 2);
    CHECK_STR(s.ids[0], "p2");
    CHECK_STR(s.ids[1], "p1");
    /* text is literal and case-insensitive: % and _ are not wildcards */
    memset(&s, 0, sizeof(s));
    CHECK(store_threads_page(st, room, "DEPLOY AT 100%", NULL, 0, 10,
                             msg_collect, &s, &total) == ERR_OK);
    CHECK(total == 1 && s.n == 1);
    CHECK_STR(s.ids[0], "p1");
    CHECK(store_threads_page(st, room, "0%", NULL, 0, 10, msg_collect, &s,
                             &total) == ERR_OK && total == 1);
    CHECK(store_threads_page(st, room, "nc__i", NULL, 0, 10, msg_collect, &s,
                             &total) == ERR_OK && total == 0);
    CHECK(store_threads_page(st, room, "%", NULL, 0, 10, msg_collect, &s,
                             &total) == ERR_OK && total == 1);
    /* follower */
    memset(&s, 0, sizeof(s));
    CHECK(store_threads_page(st, room, NULL, "A", 0, 10, msg_collect, &s,
                             &total) == ERR_OK);
    CHECK(total == 1 && s.n == 1);
    CHECK_STR(s.ids[0], "p1");
    /* replies of a thread, oldest first */
    memset(&s, 0, sizeof(s));
    CHECK(store_thread_messages(st, "p2", 0, 0, 10, msg_collect, &s,
                                &total) == ERR_OK);
    CHECK(total == 2 && s.n == 2);
    CHECK_STR(s.ids[0], "r2");
    memset(&s, 0, sizeof(s));
    CHECK(store_thread_messages(st, "p2", 1, 1, 10, msg_collect, &s,
                                &total) == ERR_OK);
    CHECK(total == 2 && s.n == 1);
    CHECK_STR(s.ids[0], "r2");
    /* tcount and tlm */
    CHECK(store_message_by_id(st, "p2", &got) == ERR_OK);
    CHECK(got.tcount == 2 && got.tlm == 6000);
    CHECK_STR(got.replies, "[\"B\"]");
    message_release(&got);
    CHECK(store_thread_reply_removed(st, "p2", 7000) == ERR_OK);
    CHECK(store_thread_reply_removed(st, "p2", 7000) == ERR_OK);
    CHECK(store_thread_reply_removed(st, "p2", 7000) == ERR_OK);
    CHECK(store_message_by_id(st, "p2", &got) == ERR_OK);
    CHECK(got.tcount == 0);
    message_release(&got);
    store_close(st);
}

static void message_effects_touch_members_only(void)
{
    struct store *st;
    struct user sender, member, outsider;
    struct subscription sub = SUBSCRIPTION_INIT;
    struct room r = ROOM_INIT;
    int64_t room;
    int changed;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_user(&sender, "AAAAAAAAAAAAAAAAA", "sender", NULL);
    make_user(&member, "BBBBBBBBBBBBBBBBB", "member", NULL);
    make_user(&outsider, "CCCCCCCCCCCCCCCCC", "outsider", NULL);
    CHECK(store_user_insert(st, &sender) == ERR_OK);
    CHECK(store_user_insert(st, &member) == ERR_OK);
    CHECK(store_user_insert(st, &outsider) == ERR_OK);
    room = msg_room(st, "RRRRRRRRRRRRRRRRR", "c", "general", 0);
    msg_sub(st, room, sender.rid);
    msg_sub(st, room, member.rid);
    CHECK(store_room_count_message(st, room, 1, 5000, "{\"_id\":\"m\"}",
                                   5000) == ERR_OK);
    CHECK(store_room_count_message(st, room, 1, 0, NULL, 6000) == ERR_OK);
    CHECK(store_room_by_rid(st, room, &r) == ERR_OK);
    CHECK(r.msgs == 2 && r.lm == 5000 && r.updated_at == 6000);
    CHECK_STR(r.last_message, "{\"_id\":\"m\"}");
    room_release(&r);
    CHECK(store_room_count_message(st, room, -1, 0, NULL, 7000) == ERR_OK);
    CHECK(store_room_set_last_message(st, room, NULL, 7000) == ERR_OK);
    CHECK(store_room_by_rid(st, room, &r) == ERR_OK);
    CHECK(r.msgs == 1 && r.last_message == NULL && r.lm == 5000);
    room_release(&r);
    CHECK(store_subs_notify(st, room, sender.rid, 1, 8000) == ERR_OK);
    CHECK(store_subs_mention_user(st, room, member.id, 1, 8000,
                                  &changed) == ERR_OK && changed);
    CHECK(store_subs_mention_user(st, room, outsider.id, 1, 8000,
                                  &changed) == ERR_OK && !changed);
    CHECK(store_subs_mention_group(st, room, sender.rid, 0, 8000) == ERR_OK);
    CHECK(store_sub_get(st, room, member.rid, &sub) == ERR_OK);
    CHECK(sub.unread == 2 && sub.user_mentions == 1 &&
          sub.group_mentions == 1 && sub.alert && sub.open);
    subscription_release(&sub);
    CHECK(store_sub_get(st, room, sender.rid, &sub) == ERR_OK);
    CHECK(sub.unread == 0 && sub.user_mentions == 0 && !sub.alert);
    subscription_release(&sub);
    /* the outsider got nothing, not even a subscription */
    CHECK(store_sub_get(st, room, outsider.rid, &sub) == ERR_NOT_FOUND);
    CHECK(store_subs_alert_user(st, room, outsider.id, 1, 9000) == ERR_OK);
    CHECK(store_sub_get(st, room, outsider.rid, &sub) == ERR_NOT_FOUND);
    user_release(&sender);
    user_release(&member);
    user_release(&outsider);
    store_close(st);
}

struct msg_rid_seen {
    int64_t rids[8];
    size_t n;
};

static void msg_rid_collect(void *arg, int64_t rid)
{
    struct msg_rid_seen *s = arg;

    if (s->n < 8)
        s->rids[s->n++] = rid;
}

static void discussions_link_page_and_touch(void)
{
    struct store *st;
    struct msg_rid_seen s = { { 0 }, 0 };
    struct message got = MESSAGE_INIT;
    int64_t parent, d1, d2, found, total;
    struct message dm = MESSAGE_INIT;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    parent = msg_room(st, "PPPPPPPPPPPPPPPPP", "c", "parent", 0);
    d2 = msg_room(st, "DDDDDDDDDDDDDDDD2", "c", "zeta", parent);
    d1 = msg_room(st, "DDDDDDDDDDDDDDDD1", "c", "alpha", parent);
    CHECK(store_discussion_link(st, d2, parent, "pm") == ERR_OK);
    CHECK(store_discussion_by_pmid(st, parent, "pm", &found) == ERR_OK);
    CHECK(found == d2);
    CHECK(store_discussion_by_pmid(st, parent, "other", &found) ==
          ERR_NOT_FOUND);
    CHECK(store_discussions_page(st, parent, 0, 10, msg_rid_collect, &s,
                                 &total) == ERR_OK);
    CHECK(total == 2 && s.n == 2 && s.rids[0] == d1 && s.rids[1] == d2);
    /* the discussion-created message follows its discussion */
    dm.id = xstrdup("created");
    dm.room_rid = parent;
    dm.ts = dm.updated_at = 1000;
    dm.u_id = xstrdup("UUUUUUUUUUUUUUUUU");
    dm.u_username = xstrdup("sender");
    dm.t = xstrdup("discussion-created");
    dm.drid = xstrdup("DDDDDDDDDDDDDDDD2");
    dm.groupable = 0;
    CHECK(store_message_insert(st, &dm) == ERR_OK);
    message_release(&dm);
    CHECK(store_discussion_touch(st, "DDDDDDDDDDDDDDDD2", 3, 4000, 4000) == 0);
    CHECK(store_message_by_id(st, "created", &got) == ERR_OK);
    CHECK(got.dcount == 3 && got.dlm == 4000 && got.groupable == 0);
    message_release(&got);
    store_close(st);
}

/* ---- rooms and subscriptions ---- */

/* A subscription of user_rid to room_rid at ts, with roles (or NULL). */
static enum err add_sub(struct store *st, const char *id, int64_t room_rid,
                        int64_t user_rid, int64_t ts, const char *roles)
{
    struct subscription s = SUBSCRIPTION_INIT;
    enum err rc;

    s.id = xstrdup(id);
    s.room_rid = room_rid;
    s.user_rid = user_rid;
    s.ts = s.updated_at = ts;
    s.open = 1;
    s.roles = roles ? xstrdup(roles) : NULL;
    rc = store_sub_insert(st, &s);
    subscription_release(&s);
    return rc;
}

static int64_t users_count_of(struct store *st, int64_t rid)
{
    struct room r = ROOM_INIT;
    int64_t n = -1;

    if (store_room_by_rid(st, rid, &r) == ERR_OK)
        n = r.users_count;
    room_release(&r);
    return n;
}

/* "id@room" of each trashed subscription, or "id" of each room. */
static void sub_trash_collect(void *arg, const char *id, const char *room_id,
                              int64_t at)
{
    struct member_names *mn = arg;

    (void)at;
    if (mn->n < 8)
        snprintf(mn->names[mn->n++], 32, "%s@%s", id, room_id);
}

static void room_trash_collect(void *arg, const char *id, int64_t at)
{
    struct member_names *mn = arg;

    (void)at;
    if (mn->n < 8)
        snprintf(mn->names[mn->n++], 32, "%s", id);
}

static void rid_count(void *arg, int64_t rid)
{
    (void)rid;
    (*(int *)arg)++;
}

static void last_owner_collect(void *arg, const struct room *r,
                               int64_t members)
{
    struct member_names *mn = arg;

    if (mn->n < 8)
        snprintf(mn->names[mn->n++], 32, "%s/%lld", r->name,
                 (long long)members);
}

static void room_names_unique_across_channels_and_groups(void)
{
    struct store *st;
    struct room a, b, c, d, got = ROOM_INIT;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_room(&a, "RA000000000000000", "c", "General", NULL, 0);
    make_room(&b, "RB000000000000000", "p", "general", NULL, 0);
    make_room(&c, "RC000000000000000", "d", "x", NULL, 0);
    make_room(&d, "RD000000000000000", "d", "x", NULL, 0);
    free(c.name);
    free(d.name);
    c.name = d.name = NULL;             /* DMs have no name */
    CHECK(store_room_insert(st, &a) == ERR_OK && a.rid > 0);
    CHECK(store_room_insert(st, &b) == ERR_EXISTS);
    CHECK(store_room_insert(st, &c) == ERR_OK);
    CHECK(store_room_insert(st, &d) == ERR_OK);
    CHECK(store_room_by_name(st, "GENERAL", &got) == ERR_OK);
    CHECK_STR(got.id, "RA000000000000000");
    CHECK(got.t[0] == 'c' && got.ts == 1000 && got.users_count == 0);
    room_release(&got);
    CHECK(store_room_by_id(st, "RB000000000000000", &got) == ERR_NOT_FOUND);
    /* a group under another name, then renamed onto the channel's */
    free(b.name);
    b.name = xstrdup("other");
    CHECK(store_room_insert(st, &b) == ERR_OK);
    free(b.name);
    b.name = xstrdup("GeNeRaL");
    CHECK(store_room_update(st, &b) == ERR_EXISTS);
    room_release(&a);
    room_release(&b);
    room_release(&c);
    room_release(&d);
    store_close(st);
}

static void subscriptions_count_members_and_go_to_the_trash(void)
{
    struct store *st;
    struct room r;
    struct user u, v;
    struct subscription s = SUBSCRIPTION_INIT;
    struct member_names mn = { .n = 0 };
    int64_t n = 0;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_user(&u, "AAAAAAAAAAAAAAAAA", "alice", NULL);
    make_user(&v, "BBBBBBBBBBBBBBBBB", "bob", NULL);
    CHECK(store_user_insert(st, &u) == ERR_OK);
    CHECK(store_user_insert(st, &v) == ERR_OK);
    make_room(&r, "R0000000000000000", "c", "room", NULL, 0);
    CHECK(store_room_insert(st, &r) == ERR_OK);
    CHECK(add_sub(st, "S1", r.rid, u.rid, 10, "[\"owner\"]") == ERR_OK);
    CHECK(add_sub(st, "S2", r.rid, v.rid, 20, NULL) == ERR_OK);
    CHECK(add_sub(st, "S3", r.rid, v.rid, 30, NULL) == ERR_EXISTS);
    CHECK(users_count_of(st, r.rid) == 2);
    CHECK(store_room_count_role(st, r.rid, "owner", &n) == ERR_OK && n == 1);
    CHECK(store_sub_get(st, r.rid, v.rid, &s) == ERR_OK);
    CHECK_STR(s.id, "S2");
    CHECK(s.open && s.ts == 20 && s.roles == NULL);
    s.roles = xstrdup("[\"moderator\",\"owner\"]");
    s.desktop = xstrdup("mentions");
    s.updated_at = 40;
    CHECK(store_sub_update(st, &s) == ERR_OK);
    subscription_release(&s);
    CHECK(store_sub_get(st, r.rid, v.rid, &s) == ERR_OK);
    CHECK_STR(s.roles, "[\"moderator\",\"owner\"]");
    CHECK_STR(s.desktop, "mentions");
    subscription_release(&s);
    CHECK(store_room_count_role(st, r.rid, "owner", &n) == ERR_OK && n == 2);
    /* removal uncounts and remembers; a second one finds nothing */
    CHECK(store_sub_delete(st, r.rid, v.rid, 50) == ERR_OK);
    CHECK(users_count_of(st, r.rid) == 1);
    CHECK(store_sub_delete(st, r.rid, v.rid, 60) == ERR_NOT_FOUND);
    CHECK(users_count_of(st, r.rid) == 1);
    CHECK(store_subs_trash_since(st, v.rid, 49, sub_trash_collect, &mn) ==
          ERR_OK);
    CHECK(mn.n == 1);
    CHECK_STR(mn.names[0], "S2@R0000000000000000");
    mn.n = 0;
    CHECK(store_subs_trash_since(st, v.rid, 50, sub_trash_collect, &mn) ==
          ERR_OK);
    CHECK(mn.n == 0);
    room_release(&r);
    user_release(&u);
    user_release(&v);
    store_close(st);
}

static void room_delete_takes_members_and_messages_keeps_a_trace(void)
{
    struct store *st;
    struct room r, other, got = ROOM_INIT;
    struct user u;
    struct message m = MESSAGE_INIT;
    struct member_names mn = { .n = 0 };

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_user(&u, "AAAAAAAAAAAAAAAAA", "alice", NULL);
    CHECK(store_user_insert(st, &u) == ERR_OK);
    make_room(&r, "R0000000000000000", "p", "doomed", NULL, 0);
    make_room(&other, "R0000000000000001", "c", "stays", NULL, 0);
    CHECK(store_room_insert(st, &r) == ERR_OK);
    CHECK(store_room_insert(st, &other) == ERR_OK);
    CHECK(add_sub(st, "S1", r.rid, u.rid, 10, "[\"owner\"]") == ERR_OK);
    CHECK(add_sub(st, "S2", other.rid, u.rid, 10, NULL) == ERR_OK);
    m.id = xstrdup("M1");
    m.room_rid = r.rid;
    m.ts = m.updated_at = 20;
    m.u_id = xstrdup(u.id);
    m.u_username = xstrdup("alice");
    m.msg = xstrdup("bye");
    m.groupable = -1;
    CHECK(store_message_insert(st, &m) == ERR_OK);
    message_release(&m);
    CHECK(store_room_delete(st, r.rid, 100) == ERR_OK);
    CHECK(store_room_by_id(st, "R0000000000000000", &got) == ERR_NOT_FOUND);
    CHECK(store_message_by_id(st, "M1", &m) == ERR_NOT_FOUND);
    CHECK(store_rooms_trash_since(st, 99, room_trash_collect, &mn) == ERR_OK);
    CHECK(mn.n == 1);
    CHECK_STR(mn.names[0], "R0000000000000000");
    mn.n = 0;
    CHECK(store_subs_trash_since(st, u.rid, 0, sub_trash_collect, &mn) ==
          ERR_OK);
    CHECK(mn.n == 1);
    CHECK_STR(mn.names[0], "S1@R0000000000000000");
    CHECK(store_room_delete(st, r.rid, 200) == ERR_NOT_FOUND);
    CHECK(users_count_of(st, other.rid) == 1);
    room_release(&r);
    room_release(&other);
    user_release(&u);
    store_close(st);
}

static void rooms_page_filters_sorts_and_counts(void)
{
    struct store *st;
    struct room r[4];
    struct user u;
    struct member_names mn = { .n = 0 };
    struct room_filter f = { NULL, 0, 0, NULL, -1 };
    int64_t total = 0;
    int members = 0;
    static const char *const names[] = { "delta", "alpha", "charlie",
                                         "bravo" };

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_user(&u, "AAAAAAAAAAAAAAAAA", "alice", NULL);
    CHECK(store_user_insert(st, &u) == ERR_OK);
    for (int i = 0; i < 4; i++) {
        char id[18];

        snprintf(id, sizeof(id), "R%016d", i);
        make_room(&r[i], id, i == 3 ? "p" : "c", names[i],
                  i == 2 ? "TEAM1" : NULL, 0);
        r[i].updated_at = 1000 + i;
        CHECK(store_room_insert(st, &r[i]) == ERR_OK);
    }
    CHECK(add_sub(st, "S0", r[0].rid, u.rid, 1, NULL) == ERR_OK);
    CHECK(add_sub(st, "S3", r[3].rid, u.rid, 1, NULL) == ERR_OK);
    f.t = "c";
    CHECK(store_rooms_page(st, &f, ROOM_SORT_NAME, 0, 0, 0, room_collect, &mn,
                           &total) == ERR_OK);
    CHECK(total == 3 && mn.n == 3);
    CHECK_STR(mn.names[0], "alpha");
    CHECK_STR(mn.names[2], "delta");
    /* a team's channel shows only to its members */
    mn.n = 0;
    f.team_viewer_rid = u.rid;
    CHECK(store_rooms_page(st, &f, ROOM_SORT_NAME, 1, 1, 1, room_collect, &mn,
                           &total) == ERR_OK);
    CHECK(total == 2 && mn.n == 1);
    CHECK_STR(mn.names[0], "alpha");      /* delta, [alpha] */
    mn.n = 0;
    f.t = NULL;
    f.team_viewer_rid = 0;
    f.member_rid = u.rid;
    CHECK(store_rooms_page(st, &f, ROOM_SORT_NAME, 1, 0, 0, room_collect,
                           &mn, &total) == ERR_OK);
    CHECK(total == 2 && mn.n == 2);
    CHECK_STR(mn.names[0], "delta");
    CHECK_STR(mn.names[1], "bravo");
    mn.n = 0;
    f.member_rid = 0;
    f.id = "R0000000000000002";
    CHECK(store_rooms_page(st, &f, ROOM_SORT_NAME, 0, 0, 0, room_collect, &mn,
                           &total) == ERR_OK);
    CHECK(total == 1);
    CHECK_STR(mn.names[0], "charlie");
    CHECK(store_room_members(st, r[0].rid, "LIC", 0, 0, 0, rid_count, &members,
                             &total) == ERR_OK);
    CHECK(total == 1 && members == 1);
    members = 0;
    CHECK(store_room_members(st, r[0].rid, "%", 0, 0, 0, rid_count, &members,
                             &total) == ERR_OK);
    CHECK(total == 0 && members == 0);
    for (int i = 0; i < 4; i++)
        room_release(&r[i]);
    user_release(&u);
    store_close(st);
}

static void last_owner_rooms_and_relinquishing(void)
{
    struct store *st;
    struct room solo, shared, co;
    struct user u, v;
    struct subscription s = SUBSCRIPTION_INIT;
    struct member_names mn = { .n = 0 };
    int64_t heir = 0;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_user(&u, "AAAAAAAAAAAAAAAAA", "alice", NULL);
    make_user(&v, "BBBBBBBBBBBBBBBBB", "bob", NULL);
    CHECK(store_user_insert(st, &u) == ERR_OK);
    CHECK(store_user_insert(st, &v) == ERR_OK);
    make_room(&solo, "R0000000000000000", "c", "solo", NULL, 0);
    make_room(&shared, "R0000000000000001", "p", "shared", NULL, 0);
    make_room(&co, "R0000000000000002", "c", "co", NULL, 0);
    CHECK(store_room_insert(st, &solo) == ERR_OK);
    CHECK(store_room_insert(st, &shared) == ERR_OK);
    CHECK(store_room_insert(st, &co) == ERR_OK);
    CHECK(add_sub(st, "S1", solo.rid, u.rid, 1, "[\"owner\"]") == ERR_OK);
    CHECK(add_sub(st, "S2", shared.rid, u.rid, 1, "[\"owner\"]") == ERR_OK);
    CHECK(add_sub(st, "S3", shared.rid, v.rid, 2, "[\"moderator\"]") == ERR_OK);
    CHECK(add_sub(st, "S4", co.rid, u.rid, 1, "[\"owner\"]") == ERR_OK);
    CHECK(add_sub(st, "S5", co.rid, v.rid, 2, "[\"owner\"]") == ERR_OK);
    CHECK(store_rooms_last_owner(st, u.rid, last_owner_collect, &mn) ==
          ERR_OK);
    CHECK(mn.n == 2);
    CHECK_STR(mn.names[0], "solo/1");
    CHECK_STR(mn.names[1], "shared/2");
    CHECK(store_room_transfer_owner(st, shared.rid, u.rid, 5, &heir) ==
          ERR_OK);
    CHECK(heir == v.rid);
    CHECK(store_sub_get(st, shared.rid, v.rid, &s) == ERR_OK);
    CHECK_STR(s.roles, "[\"moderator\",\"owner\"]");
    subscription_release(&s);
    CHECK(store_room_transfer_owner(st, solo.rid, u.rid, 5, &heir) ==
          ERR_NOT_FOUND);
    mn.n = 0;
    CHECK(store_rooms_last_owner(st, u.rid, last_owner_collect, &mn) ==
          ERR_OK);
    CHECK(mn.n == 1);
    CHECK_STR(mn.names[0], "solo/1");
    room_release(&solo);
    room_release(&shared);
    room_release(&co);
    user_release(&u);
    user_release(&v);
    store_close(st);
}

static void removing_a_users_subscriptions_drops_their_dms(void)
{
    struct store *st;
    struct room dm, chan, got = ROOM_INIT;
    struct user u, v;
    struct subscription s = SUBSCRIPTION_INIT;
    struct member_names mn = { .n = 0 };

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_user(&u, "AAAAAAAAAAAAAAAAA", "alice", NULL);
    make_user(&v, "BBBBBBBBBBBBBBBBB", "bob", NULL);
    CHECK(store_user_insert(st, &u) == ERR_OK);
    CHECK(store_user_insert(st, &v) == ERR_OK);
    make_room(&dm, "DM000000000000000", "d", "x", NULL, 0);
    free(dm.name);
    dm.name = NULL;
    make_room(&chan, "R0000000000000001", "c", "chan", NULL, 0);
    CHECK(store_room_insert(st, &dm) == ERR_OK);
    CHECK(store_room_insert(st, &chan) == ERR_OK);
    CHECK(add_sub(st, "S1", dm.rid, u.rid, 1, NULL) == ERR_OK);
    CHECK(add_sub(st, "S2", dm.rid, v.rid, 1, NULL) == ERR_OK);
    CHECK(add_sub(st, "S3", chan.rid, u.rid, 1, NULL) == ERR_OK);
    CHECK(add_sub(st, "S4", chan.rid, v.rid, 1, NULL) == ERR_OK);
    CHECK(store_subs_remove_user(st, u.rid, 9) == ERR_OK);
    CHECK(store_room_by_rid(st, dm.rid, &got) == ERR_NOT_FOUND);
    CHECK(users_count_of(st, chan.rid) == 1);
    CHECK(store_sub_get(st, chan.rid, u.rid, &s) == ERR_NOT_FOUND);
    CHECK(store_sub_get(st, chan.rid, v.rid, &s) == ERR_OK);
    subscription_release(&s);
    /* bob's side of the DM went too, and he can learn it */
    CHECK(store_subs_trash_since(st, v.rid, 0, sub_trash_collect, &mn) ==
          ERR_OK);
    CHECK(mn.n == 1);
    CHECK_STR(mn.names[0], "S2@DM000000000000000");
    room_release(&dm);
    room_release(&chan);
    user_release(&u);
    user_release(&v);
    store_close(st);
}

/* ---- bulk loading (import.c) ---- */

static void import_user_keeps_every_column_and_survives_a_clash(void)
{
    struct store *st;
    struct user u, dup, got = USER_INIT;
    struct totp_state totp = { xstrdup("JBSWY3DPEHPK3PXP"), 1, NULL };
    struct totp_state t = { 0 };

    CHECK(store_open(":memory:", &st) == ERR_OK);
    CHECK(store_begin(st) == ERR_OK);
    make_user(&u, "IIIIIIIIIIIIIIIII", "imported", "imp@example.com");
    u.last_login = 5000;
    u.language = xstrdup("de");
    u.active = 0;
    u.inactive_reason = xstrdup("deactivated");
    CHECK(store_import_user(st, &u, &totp) == ERR_OK && u.rid > 0);
    /* a clash undoes its own statement only, not the transaction */
    make_user(&dup, "JJJJJJJJJJJJJJJJJ", "IMPORTED", "other@example.com");
    CHECK(store_import_user(st, &dup, NULL) == ERR_EXISTS);
    CHECK(store_commit(st) == ERR_OK);
    CHECK(store_user_by_id(st, "IIIIIIIIIIIIIIIII", &got) == ERR_OK);
    CHECK(got.last_login == 5000 && got.active == 0 && got.totp_enabled);
    CHECK_STR(got.language, "de");
    CHECK_STR(got.inactive_reason, "deactivated");
    CHECK(got.nroles == 1 && strcmp(got.roles[0], "user") == 0);
    CHECK(store_totp_get(st, got.rid, &t) == ERR_OK);
    CHECK_STR(t.secret, "JBSWY3DPEHPK3PXP");
    user_release(&got);
    CHECK(store_user_by_id(st, "JJJJJJJJJJJJJJJJJ", &got) == ERR_NOT_FOUND);
    totp_state_release(&t);
    totp_state_release(&totp);
    user_release(&u);
    user_release(&dup);
    store_close(st);
}

static void import_message_keeps_counters_and_recount_fixes_rooms(void)
{
    struct store *st;
    struct user a, b;
    struct subscription s = SUBSCRIPTION_INIT;
    struct message m = MESSAGE_INIT, got = MESSAGE_INIT;
    struct room r = ROOM_INIT;
    int64_t rid;

    CHECK(store_open(":memory:", &st) == ERR_OK);
    make_user(&a, "AAAAAAAAAAAAAAAAA", "a", NULL);
    make_user(&b, "BBBBBBBBBBBBBBBBB", "b", NULL);
    CHECK(store_import_user(st, &a, NULL) == ERR_OK);
    CHECK(store_import_user(st, &b, NULL) == ERR_OK);
    r.id = xstrdup("RRRRRRRRRRRRRRRRR");
    memcpy(r.t, "c", 2);
    r.name = xstrdup("imported");
    r.ts = r.updated_at = 1000;
    r.msgs = 99;                    /* what the dump said */
    r.users_count = 99;
    CHECK(store_room_insert(st, &r) == ERR_OK);
    rid = r.rid;
    s.id = xstrdup("SSSSSSSSSSSSSSSS1");
    s.room_rid = rid;
    s.user_rid = a.rid;
    s.ts = s.updated_at = 1000;
    s.unread = 7;
    s.roles = xstrdup("[\"owner\"]");
    CHECK(store_import_sub(st, &s) == ERR_OK);
    CHECK(store_import_sub(st, &s) == ERR_EXISTS);
    m.id = xstrdup("parent");
    m.room_rid = rid;
    m.ts = m.updated_at = 2000;
    m.u_id = xstrdup(a.id);
    m.u_username = xstrdup("a");
    m.tcount = 4;
    m.tlm = 3000;
    m.replies = xstrdup("[\"BBBBBBBBBBBBBBBBB\"]");
    m.groupable = -1;
    CHECK(store_import_message(st, &m) == ERR_OK);
    CHECK(store_import_message(st, &m) == ERR_EXISTS);
    CHECK(store_import_recount(st) == ERR_OK);
    CHECK(store_message_by_id(st, "parent", &got) == ERR_OK);
    CHECK(got.tcount == 4 && got.tlm == 3000 && got.groupable == -1);
    CHECK_STR(got.replies, "[\"BBBBBBBBBBBBBBBBB\"]");
    room_release(&r);
    CHECK(store_room_by_rid(st, rid, &r) == ERR_OK);
    CHECK(r.msgs == 1 && r.users_count == 1 && r.lm == 2000);
    CHECK(r.updated_at == 1000);
    CHECK(store_import_last_message(st, rid, "{}") == ERR_OK);
    room_release(&r);
    CHECK(store_room_by_rid(st, rid, &r) == ERR_OK);
    CHECK_STR(r.last_message, "{}");
    CHECK(r.updated_at == 1000);
    message_release(&m);
    message_release(&got);
    subscription_release(&s);
    room_release(&r);
    user_release(&a);
    user_release(&b);
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
    { "teams: insert, lookup by id or any-case name, delete with members", team_insert_lookup_and_delete },
    { "team members: roles, owners, filters and pages", team_members_roles_filters_and_pages },
    { "teams_page lists a user's teams or all of them", teams_page_lists_a_users_teams_or_all },
    { "team rooms: main room hidden, filters, visibility, detach", team_rooms_filters_counts_and_detach },
    { "a message round-trips byte-exact; ids are unique", message_round_trip_is_byte_exact },
    { "messages_page: newest first, inclusive bounds, replies hidden", messages_page_is_newest_first_and_bounded },
    { "a history page costs the same in a big room as in a small one", messages_page_cost_does_not_grow_with_the_room },
    { "thread lists filter literally; replies page; tcount moves", threads_list_and_replies },
    { "message effects reach members only, never non-members", message_effects_touch_members_only },
    { "discussions: pmid link, page by fname, dcount/dlm", discussions_link_page_and_touch },
    { "room names are unique across channels and groups, any case", room_names_unique_across_channels_and_groups },
    { "subscriptions count members, update, and go to the trash", subscriptions_count_members_and_go_to_the_trash },
    { "room_delete takes members and messages, leaves a trace", room_delete_takes_members_and_messages_keeps_a_trace },
    { "rooms_page filters by type, member, team, id; sorts; pages", rooms_page_filters_sorts_and_counts },
    { "last-owner rooms for users.delete, and relinquishing them", last_owner_rooms_and_relinquishing },
    { "subs_remove_user drops the user's DMs and uncounts the rest", removing_a_users_subscriptions_drops_their_dms },
    { "import_user keeps every column; a clash leaves the transaction", import_user_keeps_every_column_and_survives_a_clash },
    { "import_sub/message keep counters; recount fixes the rooms", import_message_keeps_counters_and_recount_fixes_rooms },
    { NULL, NULL },
};
