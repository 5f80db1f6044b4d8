/*
 * hook post: post through an incoming-webhook URL (/hooks/ID/TOKEN), the
 * URL from --url-file or $RCCTL_WEBHOOK_URL, never from argv; and
 * integration create|list|remove over integrations.* (webhook-incoming).
 * The token part of a hook URL is never printed: the client's -v trace
 * redacts /hooks/ID/<token>, and our own messages show only the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../shared/buf.h"
#include "../../shared/json.h"
#include "../client.h"
#include "../command.h"
#include "../journal.h"

#define MAX_TEXT_BYTES (1u << 20)

/* The first line of path ("-": stdin), trimmed; NULL after saying why. */
static char *read_first_line(const char *path, const char *what)
{
    FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    if (!fp) {
        errorf("cannot read %s '%s': %s", what, path, strerror(errno));
        return NULL;
    }
    n = getline(&line, &cap, fp);
    if (fp != stdin)
        fclose(fp);
    if (n < 0) {
        free(line);
        errorf("%s '%s' is empty", what, path);
        return NULL;
    }
    while (n && strchr("\r\n \t", line[n - 1]))
        line[--n] = '\0';
    if (!n) {
        free(line);
        errorf("%s '%s' is empty", what, path);
        return NULL;
    }
    return line;
}

/*
 * Split a hook URL into the base (scheme://host[:port][/prefix]) and the
 * path from "/hooks/". Returns 0, or -1 when it is not a hook URL.
 */
static int split_hook_url(const char *url, char **base, char **path)
{
    const char *h = strstr(url, "/hooks/");

    if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
        return -1;
    if (!h || !strchr(h + 7, '/') || strchr(url, ' '))
        return -1;
    *base = xstrndup(url, (size_t)(h - url));
    *path = xstrdup(h);
    return 0;
}

static int hook_post(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "url-file", required_argument, NULL, 'U' },
        { "channel", required_argument, NULL, 'c' },
        { "alias", required_argument, NULL, 'a' },
        { "emoji", required_argument, NULL, 'e' },
        { "avatar", required_argument, NULL, 'i' },
        { "dry-run", no_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };
    struct client_reply r = CLIENT_REPLY_INIT;
    const char *url_file = NULL;
    char *url = NULL, *base = NULL, *path = NULL, *text = NULL;
    json_t *body = json_object();
    struct client *c = NULL;
    int opt, rc = EXIT_OK, dry_run = 0;

    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        switch (opt) {
        case 'U': url_file = optarg; break;
        case 'c':
            json_object_set_new(body, "channel", json_string(optarg));
            break;
        case 'a':
            json_object_set_new(body, "alias", json_string(optarg));
            break;
        case 'e':
            json_object_set_new(body, "emoji", json_string(optarg));
            break;
        case 'i':
            json_object_set_new(body, "avatar", json_string(optarg));
            break;
        case 'n': dry_run = 1; break;
        default:
            rc = command_bad_option(argv);
            goto out;
        }
    }
    if (argc - optind > 1) {
        rc = usage_errorf("want one text (quote it), or - for stdin");
        goto out;
    }
    if (url_file) {
        url = read_first_line(url_file, "the webhook URL file");
        if (!url) {
            rc = EXIT_FAILED;
            goto out;
        }
    } else if (getenv("RCCTL_WEBHOOK_URL") && *getenv("RCCTL_WEBHOOK_URL")) {
        url = xstrdup(getenv("RCCTL_WEBHOOK_URL"));
    } else {
        rc = usage_errorf("want the webhook URL in --url-file FILE or "
                          "$RCCTL_WEBHOOK_URL (never on the command line)");
        goto out;
    }
    if (split_hook_url(url, &base, &path)) {
        rc = usage_errorf("the webhook URL is not http(s)://HOST/hooks/ID/"
                          "TOKEN");
        goto out;
    }
    if (optind == argc || !strcmp(argv[optind], "-")) {
        if (url_file && !strcmp(url_file, "-")) {
            rc = usage_errorf("--url-file - and the text cannot both be "
                              "stdin");
            goto out;
        }
        text = command_read_stdin_text(MAX_TEXT_BYTES);
        if (!text) {
            rc = EXIT_FAILED;
            goto out;
        }
    } else {
        text = xstrdup(argv[optind]);
    }
    if (!*text) {
        rc = usage_errorf("the text is empty");
        goto out;
    }
    json_object_set_new(body, "text", json_string(text));
    if (dry_run) {
        if (!ctx->quiet)
            fprintf(stderr, "rcctl: would post %zu bytes through the "
                    "webhook at %s\n", strlen(text), base);
        goto out;
    }
    /* a client of its own: no session, no auth headers */
    c = command_new_client(ctx, base, NULL, NULL);
    if (client_post(c, path, body, &r)) {
        if (r.status == 404 || (r.json && json_str(r.json, "error") &&
                                strstr(json_str(r.json, "error"),
                                       "Invalid integration"))) {
            rc = EXIT_NOT_FOUND;
            errorf("the webhook at %s does not exist, or its token is "
                   "wrong", base);
        } else if (r.status == 503) {
            rc = EXIT_UNREACHABLE;
            errorf("the webhook at %s is disabled", base);
        } else {
            rc = command_fail(&r, "cannot post through the webhook");
        }
        goto out;
    }
    if (!ctx->quiet)
        fprintf(stderr, "rcctl: posted through the webhook at %s\n", base);
out:
    client_reply_release(&r);
    client_free(c);
    json_decref(body);
    free(url);
    free(base);
    free(path);
    free(text);
    return rc;
}

/* ---- integration ---- */

/* An integration for output: without its token. */
static json_t *public_integration(const json_t *in)
{
    json_t *o = json_deep_copy(in);

    json_object_del(o, "token");
    return o;
}

static int write_secret_file(const char *path, const char *data)
{
    FILE *fp;
    int fd, rc = 0;

    unlink(path);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return -1;
    fp = fdopen(fd, "w");
    if (!fp) {
        close(fd);
        return -1;
    }
    if (fprintf(fp, "%s\n", data) < 0)
        rc = -1;
    if (fclose(fp))
        rc = -1;
    return rc;
}

static int integration_create(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "channel", required_argument, NULL, 'c' },
        { "username", required_argument, NULL, 'u' },
        { "alias", required_argument, NULL, 'a' },
        { "emoji", required_argument, NULL, 'e' },
        { "avatar", required_argument, NULL, 'i' },
        { "disabled", no_argument, NULL, 'd' },
        { "allow-channel-override", no_argument, NULL, 'O' },
        { "url-file", required_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    struct client_reply r = CLIENT_REPLY_INIT;
    json_t *body = json_object();
    const json_t *in;
    const char *url_file = NULL, *channel = NULL, *username = NULL;
    struct client *c;
    struct output *o;
    int opt, rc, enabled = 1, override = 0;

    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'c': channel = optarg; break;
        case 'u': username = optarg; break;
        case 'a':
            json_object_set_new(body, "alias", json_string(optarg));
            break;
        case 'e':
            json_object_set_new(body, "emoji", json_string(optarg));
            break;
        case 'i':
            json_object_set_new(body, "avatar", json_string(optarg));
            break;
        case 'd': enabled = 0; break;
        case 'O': override = 1; break;
        case 'U': url_file = optarg; break;
        default:
            rc = command_bad_option(argv);
            goto out;
        }
    }
    if (argc - optind != 1 || !channel || !username) {
        rc = usage_errorf("want a name, --channel '#room' (or @user) and "
                          "--username (who posts)");
        goto out;
    }
    if (channel[0] != '#' && channel[0] != '@') {
        rc = usage_errorf("--channel starts with # or @ ('#%s')", channel);
        goto out;
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    json_object_set_new(body, "type", json_string("webhook-incoming"));
    json_object_set_new(body, "name", json_string(argv[optind]));
    json_object_set_new(body, "enabled", json_boolean(enabled));
    json_object_set_new(body, "username", json_string(username));
    json_object_set_new(body, "channel", json_string(channel));
    json_object_set_new(body, "scriptEnabled", json_false());
    json_object_set_new(body, "overrideDestinationChannelEnabled",
                        json_boolean(override));
    if (client_post(c, "/api/v1/integrations.create", body, &r)) {
        rc = command_fail(&r, "cannot create the integration '%s'",
                          argv[optind]);
        goto out;
    }
    in = json_object_get(r.json, "integration");
    /* the body holds no secret; the answer's token stays out */
    journal_add(ctx, &(struct journal_entry){
        .type = "integration", .id = json_str(in, "_id"),
        .name = argv[optind], .action = "create",
        .after = json_incref(body),
        .path = "/api/v1/integrations.create", .body = body,
        .undo_path = json_str(in, "_id") ? "/api/v1/integrations.remove"
                                         : NULL,
        .undo_body = json_pack("{s:s, s:s?}", "type", "webhook-incoming",
                               "integrationId", json_str(in, "_id")),
        .why_not = "the server sent no id",
    });
    if (url_file) {
        struct buf url = BUF_INIT;

        buf_addf(&url, "%s/hooks/%s/%s", client_url(c),
                 json_str(in, "_id") ? json_str(in, "_id") : "",
                 json_str(in, "token") ? json_str(in, "token") : "");
        if (!json_str(in, "_id") || !json_str(in, "token")) {
            rc = errorf("the server sent no integration id and token");
        } else if (write_secret_file(url_file, url.data) < 0) {
            rc = errorf("cannot write '%s': %s", url_file, strerror(errno));
        }
        buf_release(&url);
        if (rc)
            goto out;
        if (!ctx->quiet)
            fprintf(stderr, "rcctl: the webhook URL is in '%s' (mode 0600)\n",
                    url_file);
    }
    if (!ctx->quiet)
        fprintf(stderr, "rcctl: created the integration '%s'\n",
                argv[optind]);
    o = command_output(ctx, 0);
    {
        json_t *pub = public_integration(in);

        output_item(o, pub);
        json_decref(pub);
    }
    rc = command_output_end(o);
out:
    client_reply_release(&r);
    json_decref(body);
    return rc;
}

static int list_item(const json_t *item, void *data)
{
    json_t *pub = public_integration(item);

    output_item(data, pub);
    json_decref(pub);
    return 0;
}

static int integration_list(struct rcctl *ctx, int argc, char **argv)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    struct client *c;
    struct output *o;
    int rc, orc;

    rc = command_no_options(argc, argv, 0, 0);
    if (rc)
        return rc;
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    o = command_output(ctx, 1);
    if (client_pages(c, "/api/v1/integrations.list", "integrations",
                     list_item, o, &r, NULL, NULL))
        rc = command_fail(&r, "cannot list the integrations");
    orc = command_output_end(o);
    client_reply_release(&r);
    return rc ? rc : orc;
}

struct find_int {
    json_t *all;    /* id -> name, and the incoming ones only */
};

static int collect_item(const json_t *item, void *data)
{
    struct find_int *f = data;
    const char *id = json_str(item, "_id"), *type = json_str(item, "type");

    if (id && type && !strcmp(type, "webhook-incoming"))
        json_object_set_new(f->all, id, json_string(json_str(item, "name")
                                                    ? json_str(item, "name")
                                                    : ""));
    return 0;
}

static int integration_remove(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "from", required_argument, NULL, 'f' },
        { "dry-run", no_argument, NULL, 'n' },
        { "yes", no_argument, NULL, 'y' },
        { NULL, 0, NULL, 0 },
    };
    static const char *const columns[] = { "_id", "name", NULL };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct find_int f = { json_object() };
    struct targets t = { 0 };
    const char *from = NULL;
    struct client *c;
    struct bulk b;
    int opt, rc, dry_run = 0, yes = 0;

    while ((opt = getopt_long(argc, argv, "ny", opts, NULL)) != -1) {
        switch (opt) {
        case 'f': from = optarg; break;
        case 'n': dry_run = 1; break;
        case 'y': yes = 1; break;
        default:
            rc = command_bad_option(argv);
            goto out;
        }
    }
    rc = targets_read(&t, argc - optind, argv + optind, from, columns);
    if (rc)
        goto out;
    if (!t.n) {
        rc = usage_errorf("want at least one integration (id or name)");
        goto out;
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    if (client_pages(c, "/api/v1/integrations.list", "integrations",
                     collect_item, &f, &r, NULL, NULL)) {
        rc = command_fail(&r, "cannot list the integrations");
        goto out;
    }
    client_reply_release(&r);
    if (!dry_run) {
        struct buf q = BUF_INIT;

        buf_addf(&q, "Remove %zu incoming webhook%s (their URLs stop "
                 "working)?", t.n, t.n == 1 ? "" : "s");
        rc = bulk_confirm(yes, "remove integrations", q.data);
        buf_release(&q);
        if (rc)
            goto out;
    }
    bulk_init(&b, ctx, dry_run);
    for (size_t i = 0; i < t.n && !b.stop; i++) {
        const char *want = t.items[i], *id = NULL, *k;
        json_t *v, *body;
        int matches = 0;

        json_object_foreach(f.all, k, v) {
            if (!strcmp(k, want) || !strcmp(json_string_value(v), want)) {
                if (!id || strcmp(id, k))
                    matches++;
                id = k;
            }
        }
        if (matches > 1) {
            bulk_failed(&b, want, EXIT_CONFLICT, "'%s' names %d integrations;"
                        " give the id", want, matches);
            continue;
        }
        if (!id) {
            bulk_unchanged(&b, "no incoming webhook '%s' (removed already?)",
                           want);
            continue;
        }
        if (dry_run) {
            bulk_changed(&b, "would remove the integration '%s' (%s)", want,
                         id);
            continue;
        }
        body = json_pack("{s:s, s:s}", "type", "webhook-incoming",
                         "integrationId", id);
        if (client_post(c, "/api/v1/integrations.remove", body, &r))
            bulk_failed_reply(&b, want, &r, "cannot remove '%s'", want);
        else {
            journal_add(ctx, &(struct journal_entry){
                .type = "integration", .id = id,
                .name = json_string_value(json_object_get(f.all, id)),
                .action = "remove",
                .path = "/api/v1/integrations.remove", .body = body,
                .why_not = "a removed webhook's URL is gone; a new one gets "
                           "a new URL",
            });
            bulk_changed(&b, "removed the integration '%s'", want);
        }
        json_decref(body);
        client_reply_release(&r);
    }
    rc = bulk_end(&b, t.n);
out:
    targets_release(&t);
    json_decref(f.all);
    client_reply_release(&r);
    return rc;
}

const struct command hook_commands[] = {
    {
        .name = "post",
        .synopsis = "[--url-file FILE] [--channel #ROOM|@USER] [--alias NAME] "
                    "[--emoji :E:] [--avatar URL] [--dry-run] [<text>|-]",
        .summary = "post a message through an incoming-webhook URL",
        .run = hook_post,
        .examples =
            "rcctl hook post --url-file ~/.ci-hook 'build 42 is green'\n"
            "RCCTL_WEBHOOK_URL=\"$(cat ~/.ci-hook)\" rcctl hook post "
            "--alias CI --emoji :robot: 'deployed'\n"
            "df -h | rcctl hook post --url-file ~/.ci-hook -",
        .help =
            "POSTs {text, channel, alias, emoji, avatar} to the webhook\n"
            "URL (https://HOST/hooks/ID/TOKEN). The URL holds a secret, so\n"
            "it is never taken from the command line: --url-file FILE (its\n"
            "first line; - for stdin) or $RCCTL_WEBHOOK_URL. -v shows the\n"
            "request with the token replaced by <redacted>. No login is\n"
            "needed. The text is the argument, or stdin when it is - or\n"
            "missing.\n"
            "\n"
            "Options:\n"
            "  --url-file FILE    read the webhook URL from FILE\n"
            "  --channel TARGET   post to #room or @user instead of the\n"
            "                     hook's own (the integration must allow it)\n"
            "  --alias NAME       the name shown for the message\n"
            "  --emoji :E:        an emoji as the avatar\n"
            "  --avatar URL       an image URL as the avatar\n"
            "  -n, --dry-run      check the arguments and say what it would "
            "do\n"
            "\nExit status 4 when the hook id or token is wrong, 7 when the\n"
            "hook is disabled or the server unreachable.\n",
    },
    { NULL },
};

const struct command integration_commands[] = {
    {
        .name = "create",
        .synopsis = "--channel #ROOM|@USER --username USER [--alias NAME] "
                    "[--emoji :E:] [--avatar URL] [--disabled] "
                    "[--allow-channel-override] [--url-file FILE] <name>",
        .summary = "create an incoming webhook",
        .run = integration_create,
        .flags = CMD_LOGIN,
        .columns = "_id,name,channel,username,enabled",
        .examples =
            "rcctl integration create ci --channel '#ops' --username ci-bot "
            "--url-file ~/.ci-hook\n"
            "rcctl hook post --url-file ~/.ci-hook 'hello from CI'",
        .help =
            "integrations.create with type webhook-incoming: messages\n"
            "posted to the hook appear in --channel as --username (who\n"
            "must exist). The token is not printed; --url-file FILE writes\n"
            "the whole hook URL to FILE (mode 0600) for 'rcctl hook post'.\n"
            "\n"
            "Options:\n"
            "  --channel TARGET          #room or @user, or several, comma\n"
            "                            separated\n"
            "  --username USER           the user the messages come from\n"
            "  --alias, --emoji, --avatar  the defaults for its messages\n"
            "  --disabled                create it switched off\n"
            "  --allow-channel-override  let posts name another channel\n"
            "  --url-file FILE           write the hook URL to FILE\n",
    },
    {
        .name = "list",
        .summary = "list the integrations (tokens left out)",
        .run = integration_list,
        .flags = CMD_LOGIN,
        .columns = "_id,type,name,enabled,username,channel",
        .examples = "rcctl integration list\n"
                    "rcctl integration list -o json",
        .help = "integrations.list, every page. Tokens are not shown.\n",
    },
    {
        .name = "remove",
        .synopsis = "[--from FILE] [--dry-run] [--yes] <id|name>...",
        .summary = "remove incoming webhooks",
        .run = integration_remove,
        .flags = CMD_LOGIN,
        .examples = "rcctl integration remove ci --yes\n"
                    "rcctl integration remove --dry-run ci old-hook",
        .help =
            "integrations.remove for each incoming webhook named by id or\n"
            "name; its URL stops working. One already gone is 'unchanged'.\n"
            "Asks first on a terminal; elsewhere wants --yes.\n"
            "\n"
            "Options:\n"
            "  --from FILE    read more ids or names from FILE, one a line\n"
            "  -n, --dry-run  say what would be removed\n"
            "  -y, --yes      do not ask\n",
    },
    { NULL },
};
