/*
 * profile list|use|remove: the stored profiles, edited in the config file
 * only; nothing here talks to a server, and tokens are never shown.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/buf.h"
#include "../command.h"

static int save(struct rcctl *ctx)
{
    struct buf why = BUF_INIT;
    int rc = EXIT_OK;

    if (config_save(&ctx->config, &why))
        rc = errorf("%s", why.data);
    buf_release(&why);
    return rc;
}

static int profile_list(struct rcctl *ctx, int argc, char **argv)
{
    const char **names = NULL;
    const char *current;
    struct output *o;
    size_t n;
    int rc;

    rc = command_no_options(argc, argv, 0, 0);
    if (rc)
        return rc;
    rc = command_config(ctx);
    if (rc)
        return rc;
    current = config_get(&ctx->config, NULL, "current");
    n = config_profiles(&ctx->config, &names);
    o = command_output(ctx, 1);
    for (size_t i = 0; i < n; i++) {
        const char *url = config_get(&ctx->config, names[i], "url");
        const char *uid = config_get(&ctx->config, names[i], "user-id");
        const char *user = config_get(&ctx->config, names[i], "username");
        const char *tok = config_get(&ctx->config, names[i], "token");
        int is_current = current && !strcmp(current, names[i]);
        json_t *item = json_pack("{s:s, s:b, s:s?, s:s?, s:s?, s:b}",
                                 "name", names[i], "current", is_current,
                                 "url", url, "username", user, "user-id", uid,
                                 "logged-in", tok && *tok);

        output_item(o, item);
        json_decref(item);
    }
    free(names);
    return command_output_end(o);
}

static int profile_use(struct rcctl *ctx, int argc, char **argv)
{
    const char *name;
    int rc = command_no_options(argc, argv, 1, 1);

    if (rc)
        return rc;
    name = argv[optind];
    rc = command_config(ctx);
    if (rc)
        return rc;
    if (!config_has_profile(&ctx->config, name)) {
        errorf("no profile '%s' in '%s'; see 'rcctl profile list'", name,
               ctx->config.path);
        return EXIT_NOT_FOUND;
    }
    config_set(&ctx->config, NULL, "current", name);
    rc = save(ctx);
    if (!rc && !ctx->quiet)
        fprintf(stderr, "rcctl: now using profile '%s'\n", name);
    return rc;
}

static int profile_remove(struct rcctl *ctx, int argc, char **argv)
{
    int rc = command_no_options(argc, argv, 1, -1), removed = 0, missing = 0;
    const char *current;

    if (rc)
        return rc;
    rc = command_config(ctx);
    if (rc)
        return rc;
    for (int i = optind; i < argc; i++) {
        if (config_remove_profile(&ctx->config, argv[i]) < 0) {
            errorf("no profile '%s'", argv[i]);
            missing++;
            continue;
        }
        current = config_get(&ctx->config, NULL, "current");
        if (current && !strcmp(current, argv[i]))
            config_set(&ctx->config, NULL, "current", NULL);
        if (!ctx->quiet)
            fprintf(stderr, "rcctl: removed profile '%s'\n", argv[i]);
        removed++;
    }
    if (removed) {
        rc = save(ctx);
        if (rc)
            return rc;
    }
    if (missing)
        return removed ? EXIT_PARTIAL : EXIT_NOT_FOUND;
    return EXIT_OK;
}

const struct command profile_commands[] = {
    {
        .name = "list",
        .summary = "list the profiles (never their tokens)",
        .run = profile_list,
        .columns = "name,current,url,username,logged-in",
        .examples = "rcctl profile list\nrcctl profile list --columns name --no-header",
    },
    {
        .name = "use",
        .synopsis = "<name>",
        .summary = "make a profile the current one",
        .run = profile_use,
        .flags = CMD_ARG_PROFILE,
        .examples = "rcctl profile use prod",
    },
    {
        .name = "remove",
        .synopsis = "<name>...",
        .summary = "forget profiles and their tokens (run logout first to "
                   "end the sessions)",
        .run = profile_remove,
        .flags = CMD_ARG_PROFILE,
        .examples = "rcctl profile remove old-test",
    },
    { NULL },
};
