/*
 * token create|list|remove: the logged-in user's personal access tokens
 * (users.*PersonalAccessToken*). A new token is printed once, on stdout
 * only; rcctl never stores or shows it again.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/json.h"
#include "../client.h"
#include "../command.h"
#include "../journal.h"

static const char *const name_columns[] = { "name", NULL };

/* The caller's tokens (users.getPersonalAccessTokens) into *tokens (owned). */
static enum err tokens_get(struct client *c, json_t **tokens,
                           struct client_reply *r)
{
    enum err e = client_get(c, "/api/v1/users.getPersonalAccessTokens", r);

    *tokens = NULL;
    if (e)
        return e;
    *tokens = json_incref(json_object_get(r->json, "tokens"));
    if (!json_is_array(*tokens)) {
        json_decref(*tokens);
        *tokens = json_array();
    }
    return ERR_OK;
}

static int token_exists(const json_t *tokens, const char *name)
{
    size_t i;
    json_t *t;

    json_array_foreach(tokens, i, t) {
        if (json_str(t, "name") && !strcmp(json_str(t, "name"), name))
            return 1;
    }
    return 0;
}

static int token_create(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "bypass-2fa", no_argument, NULL, 'b' },
        { "dry-run", no_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct client *c;
    json_t *body = NULL, *tokens = NULL;
    const char *name, *token;
    int bypass = 0, dry_run = 0, opt, rc;

    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        switch (opt) {
        case 'b': bypass = 1; break;
        case 'n': dry_run = 1; break;
        default: return command_bad_option(argv);
        }
    }
    if (argc - optind != 1)
        return usage_errorf("want the token's name");
    name = argv[optind];
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    if (dry_run) {
        if (tokens_get(c, &tokens, &r)) {
            rc = command_fail(&r, "cannot list your tokens");
        } else if (token_exists(tokens, name)) {
            errorf("a token named '%s' exists already", name);
            rc = EXIT_CONFLICT;
        } else if (!ctx->quiet) {
            fprintf(stderr, "rcctl: would create token '%s'%s for user id "
                            "%s\n", name,
                    bypass ? " (bypassing 2FA)" : "", ctx->session.user_id);
        }
        goto out;
    }
    body = json_pack("{s:s, s:b}", "tokenName", name, "bypassTwoFactor",
                     bypass);
    if (client_post(c, "/api/v1/users.generatePersonalAccessToken", body,
                    &r)) {
        rc = command_fail(&r, "cannot create token '%s'", name);
        if (r.error_type && !strcmp(r.error_type,
                                    "error-token-already-exists")) {
            fprintf(stderr, "rcctl: a token is shown only when it is made; "
                            "'rcctl token remove %s' first to make a new "
                            "one\n", name);
            rc = EXIT_CONFLICT;
        }
        goto out;
    }
    token = json_str(r.json, "token");
    if (!token) {
        rc = errorf("cannot create token '%s': the answer has no token",
                    name);
        goto out;
    }
    /* the token itself never goes into the journal */
    journal_add(ctx, &(struct journal_entry){
        .type = "token", .name = name, .action = "create",
        .after = json_pack("{s:b}", "bypassTwoFactor", bypass),
        .path = "/api/v1/users.generatePersonalAccessToken", .body = body,
        .undo_path = "/api/v1/users.removePersonalAccessToken",
        .undo_body = json_pack("{s:s}", "tokenName", name),
    });
    printf("%s\n", token);
    if (!ctx->quiet)
        fprintf(stderr, "rcctl: created token '%s' for user id %s; it is "
                        "shown only now (send it as X-Auth-Token with "
                        "X-User-Id: %s)\n",
                name, ctx->session.user_id, ctx->session.user_id);
out:
    json_decref(body);
    json_decref(tokens);
    client_reply_release(&r);   /* held the token */
    return rc;
}

static int token_list(struct rcctl *ctx, int argc, char **argv)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    struct client *c;
    struct output *o;
    json_t *tokens = NULL, *t;
    size_t i;
    int rc;

    rc = command_no_options(argc, argv, 0, 0);
    if (rc)
        return rc;
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    if (tokens_get(c, &tokens, &r)) {
        rc = command_fail(&r, "cannot list your tokens");
        goto out;
    }
    o = command_output(ctx, 1);
    json_array_foreach(tokens, i, t)
        output_item(o, t);
    rc = command_output_end(o);
out:
    json_decref(tokens);
    client_reply_release(&r);
    return rc;
}

static int token_remove(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "from", required_argument, NULL, 'f' },
        { "dry-run", no_argument, NULL, 'n' },
        { "ignore-missing", no_argument, NULL, 'm' },
        { NULL, 0, NULL, 0 },
    };
    struct targets t = { 0 };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct client *c;
    struct bulk b;
    const char *from = NULL;
    json_t *tokens = NULL;
    int dry_run = 0, missing_ok = 0, opt, rc, bulk_started = 0;

    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        switch (opt) {
        case 'f': from = optarg; break;
        case 'n': dry_run = 1; break;
        case 'm': missing_ok = 1; break;
        default: return command_bad_option(argv);
        }
    }
    rc = targets_read(&t, argc - optind, argv + optind, from, name_columns);
    if (rc)
        goto out;
    if (!t.n) {
        rc = usage_errorf("want at least one token name (or --from FILE)");
        goto out;
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    if (tokens_get(c, &tokens, &r)) {
        rc = command_fail(&r, "cannot list your tokens");
        goto out;
    }
    bulk_init(&b, ctx, dry_run);
    bulk_started = 1;
    for (size_t i = 0; i < t.n && !b.stop; i++) {
        const char *name = t.items[i];
        json_t *body;

        if (!token_exists(tokens, name)) {
            if (missing_ok)
                bulk_unchanged(&b, "no token '%s'", name);
            else
                bulk_failed(&b, name, EXIT_NOT_FOUND, "no token '%s'; see "
                            "'rcctl token list'", name);
            continue;
        }
        if (dry_run) {
            bulk_changed(&b, "would remove token '%s'", name);
            continue;
        }
        body = json_pack("{s:s}", "tokenName", name);
        if (client_post(c, "/api/v1/users.removePersonalAccessToken", body,
                        &r))
            bulk_failed_reply(&b, name, &r, "cannot remove token '%s'", name);
        else {
            journal_add(ctx, &(struct journal_entry){
                .type = "token", .name = name, .action = "remove",
                .path = "/api/v1/users.removePersonalAccessToken",
                .body = body,
                .why_not = "a removed token is gone; 'rcctl token create' "
                           "makes a new one",
            });
            bulk_changed(&b, "removed token '%s'", name);
        }
        json_decref(body);
    }
out:
    if (bulk_started)
        rc = bulk_end(&b, t.n);
    json_decref(tokens);
    targets_release(&t);
    client_reply_release(&r);
    return rc;
}

const struct command token_commands[] = {
    {
        .name = "create",
        .synopsis = "[--bypass-2fa] [--dry-run] <name>",
        .summary = "make a personal access token and print it once",
        .run = token_create,
        .flags = CMD_LOGIN,
        .examples =
            "rcctl token create ci-bot > ci-token.txt\n"
            "# a token for scripts that must not be asked for a second factor\n"
            "rcctl token create deploy --bypass-2fa > deploy-token.txt\n"
            "# use it: the user id is printed on stderr\n"
            "rcctl login --url https://chat.example.com --user-id ID "
            "--token-file ci-token.txt",
        .help =
            "The token goes to stdout, alone on one line, and is never shown\n"
            "again; the user id to pair it with goes to stderr. A token of\n"
            "that name existing already is a conflict (exit status 6): remove\n"
            "it first. The server may ask for your second factor.\n"
            "\n"
            "Options:\n"
            "  --bypass-2fa     requests with this token skip two-factor checks\n"
            "  -n, --dry-run    check the name is free, create nothing",
    },
    {
        .name = "list",
        .summary = "list your personal access tokens (never the tokens)",
        .run = token_list,
        .flags = CMD_LOGIN,
        .columns = "name,createdAt,lastTokenPart,bypassTwoFactor",
        .examples = "rcctl token list\nrcctl token list --columns name "
                    "--no-header",
    },
    {
        .name = "remove",
        .synopsis = "[--from FILE] [--dry-run] [--ignore-missing] <name>...",
        .summary = "revoke personal access tokens",
        .run = token_remove,
        .flags = CMD_LOGIN,
        .examples = "rcctl token remove ci-bot\n"
                    "rcctl token list --columns name --no-header | grep ^tmp- "
                    "| rcctl token remove --from -",
        .help =
            "Options:\n"
            "  --from FILE      read more names from FILE (- for stdin), one a\n"
            "                   line, or csv/tsv with a name column\n"
            "  -n, --dry-run    say what would be removed, remove nothing\n"
            "  --ignore-missing a name with no token counts as unchanged (else\n"
            "                   it fails with exit status 4)\n"
            "\n"
            "Each name gets a line on stderr, then the counts; exit status 3\n"
            "when some failed and some did not.",
    },
    { NULL },
};
