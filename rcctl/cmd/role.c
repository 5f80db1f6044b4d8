/*
 * role list|members and permission list|grant|revoke: roles.list,
 * roles.getUsersInRole, permissions.listAll and permissions.update.
 * Giving users roles is 'user roles add' (cmd/user.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/buf.h"
#include "../../shared/json.h"
#include "../client.h"
#include "../command.h"
#include "../journal.h"

static const char *const permission_columns[] = { "_id", NULL };

/* A list printed as its pages come, opened at the first item so that a
 * failed first page prints nothing on stdout. */
struct lazy_output {
    struct rcctl *ctx;
    struct output *o;
};

static int print_item(const json_t *item, void *data)
{
    struct lazy_output *l = data;

    if (!l->o)
        l->o = command_output(l->ctx, 1);
    output_item(l->o, item);
    return 0;
}

/* Finish the list (an empty one when no item came and e is ERR_OK). */
static int lazy_output_end(struct lazy_output *l, enum err e)
{
    if (!l->o && !e)
        l->o = command_output(l->ctx, 1);
    return l->o ? command_output_end(l->o) : EXIT_OK;
}

/* roles.list's roles into *roles (owned). */
static enum err roles_get(struct client *c, json_t **roles,
                          struct client_reply *r)
{
    enum err e = client_get(c, "/api/v1/roles.list", r);

    *roles = e ? NULL : json_incref(json_object_get(r->json, "roles"));
    if (!e && !json_is_array(*roles)) {
        json_decref(*roles);
        *roles = json_array();
    }
    return e;
}

/* The role whose _id or name is name, or NULL. Borrowed from roles. */
static const json_t *role_find(const json_t *roles, const char *name)
{
    size_t i;
    json_t *role;

    json_array_foreach(roles, i, role) {
        const char *id = json_str(role, "_id"), *n = json_str(role, "name");

        if ((id && !strcmp(id, name)) || (n && !strcmp(n, name)))
            return role;
    }
    return NULL;
}

static int role_list(struct rcctl *ctx, int argc, char **argv)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    struct client *c;
    struct output *o;
    json_t *roles = NULL, *role;
    size_t i;
    int rc;

    rc = command_no_options(argc, argv, 0, 0);
    if (rc)
        return rc;
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    if (roles_get(c, &roles, &r)) {
        rc = command_fail(&r, "cannot list the roles of '%s'", client_url(c));
        goto out;
    }
    o = command_output(ctx, 1);
    json_array_foreach(roles, i, role)
        output_item(o, role);
    rc = command_output_end(o);
out:
    json_decref(roles);
    client_reply_release(&r);
    return rc;
}

static int role_members(struct rcctl *ctx, int argc, char **argv)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    struct buf path = BUF_INIT;
    struct lazy_output l = { ctx, NULL };
    struct client *c;
    enum err e;
    int rc;

    rc = command_no_options(argc, argv, 1, 1);
    if (rc)
        return rc;
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    buf_adds(&path, "/api/v1/roles.getUsersInRole");
    client_query(&path, "role", argv[optind]);
    e = client_pages(c, path.data, "users", print_item, &l, &r, NULL, NULL);
    rc = lazy_output_end(&l, e);
    if (e) {
        if (r.error_type && !strcmp(r.error_type, "error-invalid-roleId"))
            r.err = ERR_NOT_FOUND;
        rc = command_fail(&r, "cannot list the members of role '%s'",
                          argv[optind]);
    }
    client_reply_release(&r);
    buf_release(&path);
    return rc;
}

/* permissions.listAll's permissions into *perms (owned). */
static enum err permissions_get(struct client *c, json_t **perms,
                                struct client_reply *r)
{
    enum err e = client_get(c, "/api/v1/permissions.listAll", r);

    *perms = e ? NULL : json_incref(json_object_get(r->json, "update"));
    if (!e && !json_is_array(*perms)) {
        json_decref(*perms);
        *perms = json_array();
    }
    return e;
}

static int has_string(const json_t *array, const char *s)
{
    size_t i;
    json_t *v;

    json_array_foreach(array, i, v) {
        if (json_is_string(v) && !strcmp(json_string_value(v), s))
            return 1;
    }
    return 0;
}

static int permission_list(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "role", required_argument, NULL, 'r' },
        { NULL, 0, NULL, 0 },
    };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct client *c;
    struct output *o;
    json_t *perms = NULL, *p;
    const char *role = NULL;
    size_t i;
    int opt, rc;

    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt != 'r')
            return command_bad_option(argv);
        role = optarg;
    }
    if (optind < argc)
        return usage_errorf("unexpected argument '%s'", argv[optind]);
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    if (permissions_get(c, &perms, &r)) {
        rc = command_fail(&r, "cannot list the permissions of '%s'",
                          client_url(c));
        goto out;
    }
    o = command_output(ctx, 1);
    json_array_foreach(perms, i, p) {
        if (!role || has_string(json_object_get(p, "roles"), role))
            output_item(o, p);
    }
    rc = command_output_end(o);
out:
    json_decref(perms);
    client_reply_release(&r);
    return rc;
}

/* "'a', 'b'" */
static void add_quoted_list(struct buf *b, const json_t *names)
{
    size_t i;
    json_t *v;

    json_array_foreach(names, i, v)
        buf_addf(b, "%s'%s'", i ? ", " : "", json_string_value(v));
}

static int permission_change(struct rcctl *ctx, int argc, char **argv,
                             int grant)
{
    static const struct option opts[] = {
        { "role", required_argument, NULL, 'r' },
        { "from", required_argument, NULL, 'f' },
        { "dry-run", no_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };
    struct targets t = { 0 };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct client *c;
    struct bulk b;
    json_t *want = json_array(), *roles = NULL, *perms = NULL;
    const char *from = NULL, *verb = grant ? "grant" : "revoke";
    int dry_run = 0, opt, rc, bulk_started = 0;

    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        switch (opt) {
        case 'r':
            json_array_append_new(want, json_string(optarg));
            break;
        case 'f': from = optarg; break;
        case 'n': dry_run = 1; break;
        default:
            rc = command_bad_option(argv);
            goto out;
        }
    }
    if (!json_array_size(want)) {
        rc = usage_errorf("want --role ROLE");
        goto out;
    }
    rc = targets_read(&t, argc - optind, argv + optind, from,
                      permission_columns);
    if (rc)
        goto out;
    if (!t.n) {
        rc = usage_errorf("want at least one permission (or --from FILE)");
        goto out;
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    /* a mistyped role must not pass as "not granted, unchanged" */
    if (roles_get(c, &roles, &r)) {
        rc = command_fail(&r, "cannot list the roles");
        goto out;
    }
    for (size_t i = 0; i < json_array_size(want); i++) {
        const char *name = json_string_value(json_array_get(want, i));
        const json_t *role = role_find(roles, name);

        if (!role) {
            errorf("no role '%s'; see 'rcctl role list'", name);
            rc = EXIT_NOT_FOUND;
            goto out;
        }
        json_array_set_new(want, i, json_string(json_str(role, "_id")));
    }
    if (permissions_get(c, &perms, &r)) {
        rc = command_fail(&r, "cannot list the permissions");
        goto out;
    }

    bulk_init(&b, ctx, dry_run);
    bulk_started = 1;
    for (size_t i = 0; i < t.n && !b.stop; i++) {
        const char *id = t.items[i];
        const json_t *perm = NULL, *cur;
        json_t *next, *changed, *role, *body;
        struct buf names = BUF_INIT;
        size_t k;

        json_array_foreach(perms, k, role) {
            if (json_str(role, "_id") && !strcmp(json_str(role, "_id"), id)) {
                perm = role;
                break;
            }
        }
        if (!perm) {
            bulk_failed(&b, id, EXIT_NOT_FOUND, "no permission '%s'; see "
                        "'rcctl permission list'", id);
            continue;
        }
        cur = json_object_get(perm, "roles");
        next = json_array();
        changed = json_array();
        json_array_foreach(cur, k, role) {
            if (grant || !has_string(want, json_string_value(role)))
                json_array_append(next, role);
            else
                json_array_append(changed, role);
        }
        json_array_foreach(want, k, role) {
            if (grant && !has_string(cur, json_string_value(role))) {
                json_array_append(next, role);
                json_array_append(changed, role);
            }
        }
        add_quoted_list(&names, json_array_size(changed) ? changed : want);
        if (!json_array_size(changed)) {
            bulk_unchanged(&b, "'%s' is %s %s %s", id,
                           grant ? "already granted to" : "not granted to",
                           json_array_size(want) > 1 ? "roles" : "role",
                           names.data);
        } else if (dry_run) {
            bulk_changed(&b, "would %s '%s' %s %s", verb, id,
                         grant ? "to" : "from", names.data);
        } else {
            body = json_pack("{s:[{s:s, s:O}]}", "permissions", "_id", id,
                             "roles", next);
            if (client_post(c, "/api/v1/permissions.update", body, &r)) {
                bulk_failed_reply(&b, id, &r, "cannot %s '%s'", verb, id);
            } else {
                journal_add(ctx, &(struct journal_entry){
                    .type = "permission", .id = id, .name = id,
                    .action = verb,
                    .before = json_pack("{s:O}", "roles", cur),
                    .after = json_pack("{s:O}", "roles", next),
                    .path = "/api/v1/permissions.update", .body = body,
                    .undo_path = "/api/v1/permissions.update",
                    .undo_body = json_pack("{s:[{s:s, s:O}]}", "permissions",
                                           "_id", id, "roles", cur),
                });
                bulk_changed(&b, "%s '%s' %s %s",
                             grant ? "granted" : "revoked", id,
                             grant ? "to" : "from", names.data);
            }
            json_decref(body);
        }
        json_decref(next);
        json_decref(changed);
        buf_release(&names);
    }
out:
    if (bulk_started)
        rc = bulk_end(&b, t.n);
    json_decref(want);
    json_decref(roles);
    json_decref(perms);
    targets_release(&t);
    client_reply_release(&r);
    return rc;
}

static int permission_grant(struct rcctl *ctx, int argc, char **argv)
{
    return permission_change(ctx, argc, argv, 1);
}

static int permission_revoke(struct rcctl *ctx, int argc, char **argv)
{
    return permission_change(ctx, argc, argv, 0);
}

const struct command role_commands[] = {
    {
        .name = "list",
        .summary = "list the roles",
        .run = role_list,
        .flags = CMD_LOGIN,
        .columns = "_id,name,scope,description,protected",
        .examples = "rcctl role list\nrcctl role list -o ids",
    },
    {
        .name = "members",
        .synopsis = "<role>",
        .summary = "list the users who have a role, all pages",
        .run = role_members,
        .flags = CMD_LOGIN,
        .columns = "_id,username,name,emails.0.address",
        .examples = "rcctl role members admin\n"
                    "rcctl role members livechat-agent --columns username "
                    "--no-header",
        .help = "Needs the access-permissions permission. Exit status 4 for\n"
                "an unknown role. Room roles (owner, moderator, leader) are\n"
                "listed per room.",
    },
    { NULL },
};

#define PERMISSION_CHANGE_HELP \
    "Reads every permission's roles with permissions.listAll, then sends\n" \
    "permissions.update with the new set, one permission at a time; a\n" \
    "permission already as asked is unchanged. Needs access-permissions.\n" \
    "\n" \
    "Options:\n" \
    "  --role ROLE      the role (repeatable); an unknown role is an error\n" \
    "  --from FILE      read more permission ids from FILE (- for stdin):\n" \
    "                   one a line, or csv/tsv with an _id column\n" \
    "  -n, --dry-run    say what would change, change nothing\n" \
    "\n" \
    "Each permission gets a line on stderr, then the counts; exit status 3\n" \
    "when some failed and some did not."

const struct command permission_commands[] = {
    {
        .name = "list",
        .synopsis = "[--role ROLE]",
        .summary = "list the permissions and the roles that have them",
        .run = permission_list,
        .flags = CMD_LOGIN,
        .columns = "_id,roles",
        .examples = "rcctl permission list\n"
                    "rcctl permission list --role guest -o ids",
        .help = "Options:\n"
                "  --role ROLE   only the permissions ROLE has",
    },
    {
        .name = "grant",
        .synopsis = "--role ROLE [--from FILE] [--dry-run] <permission>...",
        .summary = "give roles permissions (others keep theirs)",
        .run = permission_grant,
        .flags = CMD_LOGIN,
        .examples = "rcctl permission grant create-c create-p --role guest\n"
                    "rcctl permission grant --dry-run mention-all --role user",
        .help = PERMISSION_CHANGE_HELP,
    },
    {
        .name = "revoke",
        .synopsis = "--role ROLE [--from FILE] [--dry-run] <permission>...",
        .summary = "take permissions from roles (others keep theirs)",
        .run = permission_revoke,
        .flags = CMD_LOGIN,
        .examples = "rcctl permission revoke create-c --role user\n"
                    "rcctl permission list --role guest -o ids | rcctl "
                    "permission revoke --from - --role guest --dry-run",
        .help = PERMISSION_CHANGE_HELP,
    },
    { NULL },
};
