/*
 * settings list|get|set: the server's settings through GET /api/v1/settings
 * (paged) and GET/POST /api/v1/settings/:_id, as Rocket.Chat has them.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/buf.h"
#include "../../shared/json.h"
#include "../client.h"
#include "../command.h"
#include "../journal.h"

/* "/api/v1/settings/<id>" with id percent-encoded as a path segment. */
static void setting_path(struct buf *path, const char *id)
{
    buf_adds(path, "/api/v1/settings/");
    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        if (isalnum(*p) || strchr("-._~", *p))
            buf_addc(path, (char)*p);
        else
            buf_addf(path, "%%%02X", *p);
    }
}

/*
 * GET one setting into *item ({_id, value}, owned). Rocket.Chat answers an
 * unknown or hidden id with a bare 400 {"success": false}: that becomes
 * ERR_NOT_FOUND with a message saying so.
 */
static enum err setting_get(struct client *c, const char *id, json_t **item,
                            struct client_reply *r)
{
    struct buf path = BUF_INIT;
    enum err e;

    *item = NULL;
    setting_path(&path, id);
    e = client_get(c, path.data, r);
    buf_release(&path);
    if (e == ERR_INVALID && r->status == 400 && r->json &&
        !json_object_get(r->json, "error")) {
        client_reply_fail(r, ERR_NOT_FOUND,
                          "no such setting (or it is hidden)");
        e = ERR_NOT_FOUND;
    }
    if (e)
        return e;
    if (!json_object_get(r->json, "value")) {
        client_reply_fail(r, ERR_INVALID, "the answer has no value");
        return r->err;
    }
    *item = json_pack("{s:s, s:O}", "_id", id, "value",
                      json_object_get(r->json, "value"));
    return ERR_OK;
}

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

static int settings_list(struct rcctl *ctx, int argc, char **argv)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    struct lazy_output l = { ctx, NULL };
    struct client *c;
    enum err e;
    int rc;

    rc = command_no_options(argc, argv, 0, 0);
    if (rc)
        return rc;
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    e = client_pages(c, "/api/v1/settings", "settings", print_item, &l, &r,
                     NULL, NULL);
    rc = lazy_output_end(&l, e);
    if (e)
        rc = command_fail(&r, "cannot list the settings of '%s'",
                          client_url(c));
    client_reply_release(&r);
    return rc;
}

static int settings_get(struct rcctl *ctx, int argc, char **argv)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    struct client *c;
    struct output *o;
    int rc, n, failed = 0, code = EXIT_OK, stop = 0;

    rc = command_no_options(argc, argv, 1, -1);
    if (rc)
        return rc;
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    n = argc - optind;
    /* one id: an object, as for other single things; several: a list */
    o = command_output(ctx, n > 1);
    for (int i = optind; i < argc && !stop; i++) {
        json_t *item;
        int one;

        if (setting_get(c, argv[i], &item, &r)) {
            one = command_fail(&r, "cannot get setting '%s'", argv[i]);
            if (failed++ && code != one)
                one = EXIT_FAILED;   /* failures of different kinds */
            code = one;
            stop = r.status == 401 || (r.err == ERR_IO && !r.status);
            continue;
        }
        output_item(o, item);
        json_decref(item);
    }
    rc = command_output_end(o);
    client_reply_release(&r);
    if (rc || !failed)
        return rc;
    return failed < n && !stop ? EXIT_PARTIAL : code;
}

/*
 * VALUE as the JSON it is (true, 25, "x", [1]), else as a string. For a
 * setting whose value is a string now, only a quoted JSON string is
 * parsed, so that "settings set Site_Name 2024" keeps it a string.
 */
static json_t *parse_value(const char *text, const json_t *old)
{
    json_error_t jerr;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &jerr);

    if (v && json_is_string(old) && !json_is_string(v)) {
        json_decref(v);
        v = NULL;
    }
    return v ? v : json_string(text);
}

static void add_value(struct buf *b, const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

    buf_adds(b, s ? s : "?");
    free(s);
}

/*
 * A setting whose value must not be written down: a password field, or
 * one whose id says it holds a secret.
 */
static int is_secret_setting(const json_t *item, const char *id)
{
    static const char *const words[] = { "password", "secret", "token",
                                         "privatekey", "private_key" };
    const char *type = json_str(item, "type");
    char *low = xstrdup(id);
    int hit = type && !strcmp(type, "password");

    for (char *p = low; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    for (size_t i = 0; !hit && i < ARRAY_SIZE(words); i++)
        hit = strstr(low, words[i]) != NULL;
    free(low);
    return hit;
}

/* Journal the change of setting id from old to value (typed as text). */
static void journal_setting(struct rcctl *ctx, const json_t *item,
                            const char *id, const json_t *old,
                            const json_t *value, const json_t *body,
                            const char *text)
{
    struct buf path = BUF_INIT;
    int secret = is_secret_setting(item, id);

    setting_path(&path, id);
    journal_add(ctx, &(struct journal_entry){
        .type = "setting", .id = id, .name = id, .action = "set",
        .before = secret ? json_pack("{s:s}", "value", "(secret)")
                         : json_pack("{s:O?}", "value", old),
        .after = secret ? json_pack("{s:s}", "value", "(secret)")
                        : json_pack("{s:O?}", "value", value),
        .path = path.data, .body = secret ? NULL : body,
        .undo_path = secret ? NULL : path.data,
        .undo_body = secret ? NULL : json_pack("{s:O?}", "value", old),
        .why_not = "the value is a secret, so it is not in the journal",
        .redact = secret ? text : NULL,
    });
    buf_release(&path);
}

static int settings_set(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "dry-run", no_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };
    struct client_reply r = CLIENT_REPLY_INIT;
    struct buf what = BUF_INIT, path = BUF_INIT;
    struct client *c;
    struct bulk b;
    json_t *item = NULL, *value = NULL, *body = NULL;
    const json_t *old;
    const char *id;
    int dry_run = 0, opt, rc;

    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        if (opt != 'n')
            return command_bad_option(argv);
        dry_run = 1;
    }
    if (argc - optind != 2)
        return usage_errorf("want a setting id and a value");
    id = argv[optind];
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    bulk_init(&b, ctx, dry_run);
    if (setting_get(c, id, &item, &r)) {
        bulk_failed_reply(&b, id, &r, "cannot set '%s'", id);
        goto out;
    }
    old = json_object_get(item, "value");
    value = parse_value(argv[optind + 1], old);
    buf_addf(&what, "'%s': ", id);
    add_value(&what, old);
    buf_adds(&what, " -> ");
    add_value(&what, value);
    if (json_equal(old, value)) {
        buf_reset(&what);
        add_value(&what, old);
        bulk_unchanged(&b, "'%s' is %s already", id, what.data);
        goto out;
    }
    if (dry_run) {
        bulk_changed(&b, "would set %s", what.data);
        goto out;
    }
    body = json_pack("{s:O}", "value", value);
    setting_path(&path, id);
    if (client_post(c, path.data, body, &r)) {
        if (r.status == 400 && !json_object_get(r.json, "error")) {
            /* Rocket.Chat's bare refusal: a value of the wrong type */
            free(r.error);
            r.error = xstrdup("the server refused the value (of the wrong "
                              "type for this setting?)");
        }
        bulk_failed_reply(&b, id, &r, "cannot set %s", what.data);
    } else {
        journal_setting(ctx, item, id, old, value, body, argv[optind + 1]);
        bulk_changed(&b, "set %s", what.data);
    }
out:
    rc = bulk_end(&b, 1);
    json_decref(item);
    json_decref(value);
    json_decref(body);
    client_reply_release(&r);
    buf_release(&what);
    buf_release(&path);
    return rc;
}

const struct command settings_commands[] = {
    {
        .name = "list",
        .summary = "list the settings and their values, all pages",
        .run = settings_list,
        .flags = CMD_LOGIN,
        .columns = "_id,value",
        .examples = "rcctl settings list\n"
                    "rcctl settings list -o json > settings.json\n"
                    "rcctl settings list | grep ^Accounts_",
        .help = "Without the view-privileged-setting permission the server\n"
                "lists only the public settings.",
    },
    {
        .name = "get",
        .synopsis = "<id>...",
        .summary = "show settings' values",
        .run = settings_get,
        .flags = CMD_LOGIN,
        .columns = "_id,value",
        .examples = "rcctl settings get Site_Url\n"
                    "rcctl settings get Site_Url Site_Name -o json\n"
                    "# the bare value\n"
                    "rcctl settings get Site_Url --columns value --no-header",
        .help = "One id prints an object (with -o json), several a list.\n"
                "Needs view-privileged-setting. Exit status 4 for an unknown\n"
                "or hidden id; 3 when some ids failed and some did not.",
    },
    {
        .name = "set",
        .synopsis = "[--dry-run] <id> <value>",
        .summary = "change a setting (unchanged when equal)",
        .run = settings_set,
        .flags = CMD_LOGIN,
        .examples = "rcctl settings set Accounts_RegistrationForm Disabled\n"
                    "rcctl settings set API_Upper_Count_Limit 250\n"
                    "rcctl settings set Accounts_TwoFactorAuthentication_Enabled "
                    "true\n"
                    "rcctl settings set --dry-run Site_Name 'Our Chat'",
        .help =
            "VALUE is taken as JSON when it is JSON (true, 25, \"x\", [1,2]),\n"
            "else as a string. For a setting whose value is a string now, only\n"
            "a quoted JSON string is parsed, so numbers and words stay text.\n"
            "The old value is read first: when it equals VALUE nothing is sent.\n"
            "Says 'ID': old -> new on stderr. Needs edit-privileged-setting;\n"
            "the server may ask for your second factor.\n"
            "\n"
            "Options:\n"
            "  -n, --dry-run    show old -> new, change nothing",
    },
    { NULL },
};
