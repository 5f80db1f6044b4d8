/*
 * rcctl: administer Rocket.Chat-compatible servers from the shell. This
 * file holds the global flags, the top-level command table and the exit
 * status; everything else is in command.c and cmd/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../shared/json.h"
#include "../shared/xalloc.h"
#include "client.h"
#include "command.h"

#ifndef RCD_VERSION
#define RCD_VERSION "dev"
#endif

#define DEFAULT_TIMEOUT_S 30
#define DEFAULT_JOBS 4
#define MAX_JOBS 64

static const struct global_flag globals[] = {
    { "profile", 0, "NAME", "use profile NAME (else $RCCTL_PROFILE, else the current one)" },
    { "url", 0, "URL", "server URL (else $RCCTL_URL, else the profile's)" },
    { "format", 'o', "FMT", "table (default on a tty), tsv (default in a pipe), json, ndjson, csv, ids" },
    { "columns", 0, "A,B", "columns to show, as dotted paths (emails.0.address)" },
    { "list-columns", 0, NULL, "print the columns a command can show, not the data" },
    { "no-header", 0, NULL, "no header row (table, tsv, csv)" },
    { "csv-guard", 0, NULL, "prefix cells starting with = + - @ with ' (for spreadsheets)" },
    { "verbose", 'v', NULL, "show each request on stderr; twice: and headers (secrets redacted)" },
    { "quiet", 'q', NULL, "no notes or progress on stderr" },
    { "timeout", 0, "SECONDS", "give up on a request after SECONDS (default 30; 0: never)" },
    { "insecure", 0, NULL, "do not verify the server's TLS certificate" },
    { "ca-file", 0, "FILE", "verify TLS with the CA certificates in FILE" },
    { "jobs", 'j', "N", "concurrent requests for bulk commands (default 4)" },
    { "code", 0, "CODE", "two-factor code (TOTP or e-mail), if the server asks" },
    { "code-file", 0, "FILE", "read the two-factor code from FILE (- for stdin)" },
    { "help", 'h', NULL, "show help (also: rcctl help COMMAND)" },
    { "version", 0, NULL, "print rcctl's version" },
    { NULL, 0, NULL, NULL },
};

static const struct command top_commands[] = {
    { .flags = CMD_INLINE, .sub = auth_commands },
    { .flags = CMD_INLINE, .sub = server_commands },
    {
        .name = "profile",
        .summary = "list, switch and remove the stored profiles",
        .sub = profile_commands,
        .examples = "rcctl profile list\n"
                    "rcctl profile use prod\n"
                    "rcctl profile remove old-test",
    },
    {
        .name = "user",
        .summary = "list, create, change, deactivate and delete users",
        .sub = user_commands,
        .examples = "rcctl user info alice\n"
                    "rcctl user list --status online\n"
                    "rcctl user deactivate-idle --days 365 --role user",
    },
    {
        .name = "token",
        .summary = "your personal access tokens",
        .sub = token_commands,
        .examples = "rcctl token create ci-bot > ci-token.txt\n"
                    "rcctl token list",
    },
    {
        .name = "settings",
        .summary = "list, read and change server settings",
        .sub = settings_commands,
        .examples = "rcctl settings get Site_Url\n"
                    "rcctl settings set Accounts_RegistrationForm Disabled",
    },
    {
        .name = "role",
        .summary = "list roles and their members",
        .sub = role_commands,
        .examples = "rcctl role list\nrcctl role members admin",
    },
    {
        .name = "permission",
        .summary = "list, grant and revoke permissions of roles",
        .sub = permission_commands,
        .examples = "rcctl permission list --role user\n"
                    "rcctl permission revoke create-c --role user",
    },
    {
        .name = "channel",
        .summary = "list, create, change and delete public channels",
        .sub = channel_commands,
        .examples = "rcctl channel list\n"
                    "rcctl channel info myroom\n"
                    "rcctl channel kick myroom userName",
    },
    {
        .name = "group",
        .summary = "list, create, change and delete private groups",
        .sub = group_commands,
        .examples = "rcctl group list --all\n"
                    "rcctl group list --member linus\n"
                    "rcctl group add-owner --all --user alice",
    },
    {
        .name = "dm",
        .summary = "your direct messages",
        .sub = dm_commands,
        .examples = "rcctl dm list",
    },
    {
        .name = "team",
        .summary = "create teams, manage their members and rooms",
        .sub = team_commands,
        .examples = "rcctl team create tech --members alice,bob\n"
                    "rcctl team remove tech bob --rooms website-dev\n"
                    "rcctl team autojoin website-dev on",
    },
    {
        .name = "discussion",
        .summary = "create and list discussions",
        .sub = discussion_commands,
        .examples = "rcctl discussion create website-dev 'Feature: login'\n"
                    "rcctl discussion list website-dev",
    },
    {
        .name = "message",
        .summary = "post messages and read room histories",
        .sub = message_commands,
        .examples = "rcctl message post '#general' 'Test message'\n"
                    "rcctl message history '#general' --reverse -o csv",
    },
    {
        .name = "room",
        .summary = "every room at once: notifications, orphans, recovery",
        .sub = room_commands,
        .examples = "rcctl room notify --all --desktop default --email nothing\n"
                    "rcctl room orphans\n"
                    "rcctl room recover projekt-x --owner alice",
    },
    { .flags = CMD_INLINE, .sub = export_commands },
    {
        .name = "hook",
        .summary = "post through an incoming-webhook URL",
        .sub = hook_commands,
        .examples = "rcctl hook post --url-file ~/.ci-hook 'build is green'\n"
                    "RCCTL_WEBHOOK_URL=$(cat ~/.ci-hook) rcctl hook post - < report.txt",
    },
    {
        .name = "integration",
        .summary = "create, list and remove incoming webhooks",
        .sub = integration_commands,
        .examples = "rcctl integration create ci --channel '#ops' --username ci-bot --url-file ~/.ci-hook\n"
                    "rcctl integration list\n"
                    "rcctl integration remove ci --yes",
    },
    { .flags = CMD_INLINE, .sub = journal_commands },
    { .flags = CMD_INLINE, .sub = doctor_commands },
    {
        .name = "help",
        .synopsis = "[<command>...]",
        .summary = "show the help of a command",
        .run = command_help,
        .examples = "rcctl help login\nrcctl help profile use",
    },
    {
        .name = "__complete",
        .synopsis = "<word>...",
        .summary = "print the completions of the last word (for shells)",
        .run = command_complete,
        .flags = CMD_HIDDEN,
    },
    { NULL },
};

static const struct command root = {
    .name = "rcctl",
    .summary = "administer Rocket.Chat servers from the shell",
    .sub = top_commands,
    .examples =
        "# log in once; the password is asked for without echo\n"
        "rcctl login --url https://chat.example.com --user admin\n"
        "rcctl whoami\n"
        "rcctl info --url https://open.rocket.chat\n"
        "rcctl api GET /api/v1/users.list --all -o csv > users.csv\n"
        "rcctl --profile test -o json whoami",
    .help =
        "Environment:\n"
        "  RCCTL_URL, RCCTL_USER_ID, RCCTL_TOKEN (or RCCTL_TOKEN_FILE),\n"
        "  RCCTL_PROFILE; a flag beats the environment, which beats the\n"
        "  profile. HTTPS_PROXY, NO_PROXY, SSL_CERT_FILE are honoured.\n"
        "\n"
        "Config: $XDG_CONFIG_HOME/rcctl/config (else ~/.config/rcctl/config),\n"
        "  mode 0600 in a 0700 folder; see 'rcctl help login'.\n"
        "\n"
        "Output: data on stdout, everything else on stderr. csv is RFC 4180\n"
        "  with CRLF line ends; tsv escapes tab, newline, CR and backslash.\n"
        "\n"
        "Exit status:\n"
        "  0 ok; 1 failed; 2 usage error; 3 partial failure; 4 not found;\n"
        "  5 authentication or permission (401/403); 6 conflict;\n"
        "  7 server unreachable, 5xx, or retries exhausted.",
};

static int parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Apply one global flag. Returns 0, or EXIT_USAGE after saying why. */
static int apply_global(struct rcctl *ctx, const struct global_flag *g,
                        const char *value, int *version)
{
    const char *n = g->name;
    long v;

    if (!strcmp(n, "profile")) {
        ctx->profile_flag = value;
    } else if (!strcmp(n, "url")) {
        ctx->url_flag = value;
    } else if (!strcmp(n, "format")) {
        if (output_format_parse(value, &ctx->out.format) < 0)
            return usage_errorf("unknown format '%s' (one of %s)", value,
                                output_format_names);
        ctx->format_given = 1;
    } else if (!strcmp(n, "columns")) {
        ctx->out.columns = value;
    } else if (!strcmp(n, "list-columns")) {
        ctx->out.list_columns = 1;
    } else if (!strcmp(n, "no-header")) {
        ctx->out.no_header = 1;
    } else if (!strcmp(n, "csv-guard")) {
        ctx->out.csv_guard = 1;
    } else if (!strcmp(n, "verbose")) {
        ctx->verbose++;
    } else if (!strcmp(n, "quiet")) {
        ctx->quiet = 1;
    } else if (!strcmp(n, "timeout")) {
        if (parse_long(value, 0, 86400, &v) < 0)
            return usage_errorf("--timeout wants whole seconds from 0 to "
                                "86400, not '%s'", value);
        ctx->timeout_ms = v * 1000;
    } else if (!strcmp(n, "insecure")) {
        ctx->insecure = 1;
    } else if (!strcmp(n, "ca-file")) {
        ctx->ca_file = value;
    } else if (!strcmp(n, "jobs")) {
        if (parse_long(value, 1, MAX_JOBS, &v) < 0)
            return usage_errorf("-j wants a number from 1 to %d, not '%s'",
                                MAX_JOBS, value);
        ctx->jobs = v;
    } else if (!strcmp(n, "code")) {
        ctx->code = value;
    } else if (!strcmp(n, "code-file")) {
        ctx->code_file = value;
    } else if (!strcmp(n, "help")) {
        ctx->help = 1;
    } else if (!strcmp(n, "version")) {
        *version = 1;
    } else {
        BUG("global flag '%s' not handled", n);
    }
    return 0;
}

static const struct global_flag *global_long(const char *name, size_t len)
{
    for (const struct global_flag *g = globals; g->name; g++) {
        if (strlen(g->name) == len && !strncmp(g->name, name, len))
            return g;
    }
    return NULL;
}

static const struct global_flag *global_short(char c)
{
    for (const struct global_flag *g = globals; g->name; g++) {
        if (g->short_name == c)
            return g;
    }
    return NULL;
}

/*
 * Take the global flags out of argv, wherever they are before a "--",
 * and put the other words in rest (in order). Returns 0 or EXIT_USAGE.
 */
static int parse_globals(struct rcctl *ctx, int argc, char **argv,
                         char **rest, int *nrest, int *version)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const struct global_flag *g;
        int rc;

        if (!strcmp(a, "--")) {
            while (i < argc)
                rest[(*nrest)++] = argv[i++];
            break;
        }
        if (a[0] == '-' && a[1] == '-') {
            const char *eq = strchr(a, '=');
            const char *value = eq ? eq + 1 : NULL;

            g = global_long(a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
            if (!g) {
                rest[(*nrest)++] = argv[i];
                continue;
            }
            if (g->arg && !value) {
                if (i + 1 >= argc)
                    return usage_errorf("option '--%s' needs a value",
                                        g->name);
                value = argv[++i];
            } else if (!g->arg && value) {
                return usage_errorf("option '--%s' takes no value", g->name);
            }
            rc = apply_global(ctx, g, value, version);
            if (rc)
                return rc;
            continue;
        }
        if (a[0] == '-' && a[1]) {
            /* -o FMT, -oFMT, -j N, or a bundle of -v -q -h; other short
             * options belong to the command. */
            size_t j;

            g = global_short(a[1]);
            if (g && g->arg) {
                const char *value = a[2] ? a + 2 : NULL;

                if (!value) {
                    if (i + 1 >= argc)
                        return usage_errorf("option '-%c' needs a value",
                                            a[1]);
                    value = argv[++i];
                }
                rc = apply_global(ctx, g, value, version);
                if (rc)
                    return rc;
                continue;
            }
            for (j = 1; a[j]; j++) {
                g = global_short(a[j]);
                if (!g || g->arg)
                    break;
            }
            if (a[j]) {
                rest[(*nrest)++] = argv[i];
                continue;
            }
            for (j = 1; a[j]; j++) {
                rc = apply_global(ctx, global_short(a[j]), NULL, version);
                if (rc)
                    return rc;
            }
            continue;
        }
        rest[(*nrest)++] = argv[i];
    }
    rest[*nrest] = NULL;
    return 0;
}

int main(int argc, char **argv)
{
    struct rcctl ctx = { 0 };
    char **rest = xcalloc((size_t)argc + 1, sizeof(*rest));
    int nrest = 0, version = 0, rc;

    json_setup();
    client_global_init();
    ctx.root = &root;
    ctx.globals = globals;
    ctx.timeout_ms = DEFAULT_TIMEOUT_S * 1000L;
    ctx.jobs = DEFAULT_JOBS;

    if (argc > 1 && !strcmp(argv[1], "__complete")) {
        /* the words to complete are not flags for us */
        rc = command_run(&ctx, argc - 1, argv + 1);
    } else {
        rc = parse_globals(&ctx, argc, argv, rest, &nrest, &version);
        if (rc) {
            fputs("Run 'rcctl --help' for the global flags.\n", stderr);
        } else if (version) {
            printf("rcctl %s\n", RCD_VERSION);
            rc = fflush(stdout) ? EXIT_FAILED : EXIT_OK;
        } else {
            rc = command_run(&ctx, nrest, rest);
        }
    }
    command_release(&ctx);
    client_global_cleanup();
    free(rest);
    return rc;
}
