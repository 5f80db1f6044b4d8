/*
 * rcctl: administer Rocket.Chat-compatible servers from the shell. This
 * file holds the global flags, the top-level command table and the exit
 * status; everything else (the flags' parsing too) is in command.c, shell.c
 * and cmd/.
 */
#include "../shared/json.h"
#include "client.h"
#include "command.h"

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
        .name = "shell",
        .summary = "an interactive shell over these commands",
        .run = shell_run,
        .examples = "rcctl shell\n"
                    "rcctl --profile prod shell\n"
                    "# for scripts: no prompt; exit status of the last failure\n"
                    "rcctl shell < commands.txt",
        .help =
            "Each line is a command line without the leading 'rcctl', split\n"
            "into words as sh does (quotes, backslashes, $VAR and ~, but no\n"
            "command substitution); global flags work on any line and add to\n"
            "those given before 'shell'. Tab completes commands, options,\n"
            "profiles and user and room names. A failing command prints its\n"
            "error and the shell goes on; the prompt shows the profile and the\n"
            "last non-zero exit status. Ctrl-C abandons the line; 'exit',\n"
            "'quit' or Ctrl-D end the shell. Lines starting with '#' are\n"
            "comments.\n"
            "\n"
            "History: $XDG_STATE_HOME/rcctl/history (else\n"
            "~/.local/state/rcctl/history), mode 0600, the last 1000 lines;\n"
            "lines starting with a space, and lines holding a secret-looking\n"
            "flag (--password, --token, --code), are not recorded.\n"
            "\n"
            "Exit status: that of the last command that failed, else 0.",
    },
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
    {
        .name = "__man",
        .summary = "print rcctl(1) in roff (make docs writes docs/rcctl.1)",
        .run = command_man,
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

int main(int argc, char **argv)
{
    struct rcctl ctx = { 0 };
    int rc;

    json_setup();
    client_global_init();
    command_init(&ctx, &root, globals);
    rc = command_main(&ctx, argc, argv);
    command_release(&ctx);
    client_global_cleanup();
    return rc;
}
