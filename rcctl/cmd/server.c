/*
 * info and api: what the server says about itself (no login needed), and
 * the raw escape hatch to any endpoint, with paging for list endpoints.
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

#define MAX_STDIN_BODY (16u << 20)   /* bytes of JSON read from stdin */

static int server_info(struct rcctl *ctx, int argc, char **argv)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    struct client *c;
    struct output *o;
    int rc;

    rc = command_no_options(argc, argv, 0, 0);
    if (rc)
        return rc;
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    if (client_get(c, "/api/info", &r)) {
        rc = command_fail(&r, "cannot get the server info of '%s'",
                          client_url(c));
        goto out;
    }
    json_object_del(r.json, "success");
    json_object_set_new(r.json, "url", json_string(client_url(c)));
    o = command_output(ctx, 0);
    output_item(o, r.json);
    rc = command_output_end(o);
out:
    client_reply_release(&r);
    return rc;
}

/* All of stdin as JSON; NULL after reporting why. */
static json_t *read_stdin_json(void)
{
    struct buf b = BUF_INIT;
    char chunk[8192];
    json_error_t jerr;
    json_t *j = NULL;
    size_t n;

    while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
        if (b.len + n > MAX_STDIN_BODY) {
            errorf("the body on stdin is larger than 16 MiB");
            goto out;
        }
        buf_add(&b, chunk, n);
    }
    if (ferror(stdin)) {
        errorf("cannot read the body from stdin");
        goto out;
    }
    j = json_parse(b.data, b.len, &jerr);
    if (!j)
        errorf("the body on stdin is not JSON: %s (line %d)", jerr.text,
               jerr.line);
out:
    buf_release(&b);
    return j;
}

static int print_item(const json_t *item, void *data)
{
    output_item(data, item);
    return 0;
}

/* The whole answer, as JSON unless --format says otherwise. */
static int print_reply(struct rcctl *ctx, const struct client_reply *r)
{
    struct output *o;

    if (r->json && ctx->format_given) {
        o = command_output(ctx, 0);
        output_item(o, r->json);
        return command_output_end(o);
    }
    if (r->json) {
        json_dumpf(r->json, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                        JSON_ENCODE_ANY);
        putchar('\n');
    } else if (r->text) {
        fputs(r->text, stdout);
        if (*r->text && r->text[strlen(r->text) - 1] != '\n')
            putchar('\n');
    }
    return EXIT_OK;
}

static int server_api(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "all", no_argument, NULL, 'a' },
        { "list-key", required_argument, NULL, 'k' },
        { NULL, 0, NULL, 0 },
    };
    static const char *const methods[] = {
        "GET", "POST", "PUT", "DELETE", "PATCH", NULL,
    };
    struct buf method = BUF_INIT, path = BUF_INIT;
    struct client_reply r = CLIENT_REPLY_INIT;
    const char *list_key = NULL, *m;
    json_t *body = NULL;
    struct client *c;
    int all = 0, rc, ok = 0, opt;

    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'a': all = 1; break;
        case 'k': list_key = optarg; break;
        default: return command_bad_option(argv);
        }
    }
    if (argc - optind < 2 || argc - optind > 3)
        return usage_errorf("want METHOD PATH and perhaps a JSON body");
    for (m = argv[optind]; *m; m++)
        buf_addc(&method, (char)toupper((unsigned char)*m));
    for (size_t i = 0; methods[i]; i++)
        ok |= !strcmp(method.data, methods[i]);
    if (!ok) {
        rc = usage_errorf("unknown method '%s' (GET, POST, PUT, DELETE or "
                          "PATCH)", argv[optind]);
        goto out;
    }
    m = argv[optind + 1];
    if (strstr(m, "://")) {
        rc = usage_errorf("give a path such as /api/v1/me; the server "
                          "comes from --url or the profile");
        goto out;
    }
    /* "me" is short for "/api/v1/me" */
    buf_addf(&path, "%s%s", m[0] == '/' ? "" : "/api/v1/", m);
    if (argc - optind == 3) {
        const char *arg = argv[optind + 2];
        json_error_t jerr;

        if (!strcmp(method.data, "GET")) {
            rc = usage_errorf("a GET request has no body; put parameters "
                              "in the path's query");
            goto out;
        }
        body = strcmp(arg, "-") ? json_parse(arg, strlen(arg), &jerr)
                                : read_stdin_json();
        if (!body) {
            rc = strcmp(arg, "-") ? usage_errorf("the body is not JSON: %s",
                                                 jerr.text)
                                  : EXIT_FAILED;
            goto out;
        }
    }
    if (all && strcmp(method.data, "GET")) {
        rc = usage_errorf("--all pages through a GET list endpoint");
        goto out;
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;

    if (all) {
        struct output *o;
        enum err e;

        if (!ctx->format_given)
            ctx->out.format = OUTPUT_NDJSON;
        o = command_output(ctx, 1);
        e = client_pages(c, path.data, list_key, print_item, o, &r, NULL,
                         NULL);
        rc = command_output_end(o);
        if (e)
            rc = command_fail(&r, "%s %s", method.data, path.data);
        goto out;
    }
    client_request(c, method.data, path.data, body, &r);
    rc = print_reply(ctx, &r);
    if (r.err)
        rc = command_fail(&r, "%s %s", method.data, path.data);
out:
    json_decref(body);
    client_reply_release(&r);
    buf_release(&method);
    buf_release(&path);
    return rc;
}

const struct command server_commands[] = {
    {
        .name = "info",
        .summary = "show the server's version (no login needed)",
        .run = server_info,
        .flags = CMD_SERVER,
        .columns = "url,version",
        .examples = "rcctl info\nrcctl info --url https://open.rocket.chat -o json",
    },
    {
        .name = "api",
        .synopsis = "[--all [--list-key KEY]] <METHOD> <PATH> [<JSON>|-]",
        .summary = "send any request to the REST API and print the answer",
        .run = server_api,
        .flags = CMD_SERVER,
        .examples =
            "rcctl api GET /api/v1/me\n"
            "rcctl api GET 'users.info?username=alice'\n"
            "rcctl api POST chat.postMessage '{\"channel\":\"#general\",\"text\":\"hi\"}'\n"
            "jq -n '{username:\"bob\"}' | rcctl api POST users.info -\n"
            "# every item of a list endpoint, one JSON object a line\n"
            "rcctl api GET users.list --all\n"
            "rcctl api GET channels.list --all -o csv --columns _id,name,usersCount",
        .help =
            "PATH without a leading '/' is under /api/v1/. The body is JSON,\n"
            "given as an argument or on stdin with '-'. The answer is printed\n"
            "as JSON (or per --format), on failure too; the exit status\n"
            "follows the HTTP status (4 for 404, 5 for 401/403, 7 for 5xx).\n"
            "\n"
            "Options:\n"
            "  --all            page through a list endpoint with count/offset and\n"
            "                   print every item of its list as it arrives (ndjson\n"
            "                   unless --format is given)\n"
            "  --list-key KEY   the list to page through (default: the first\n"
            "                   array in the answer)",
    },
    { NULL },
};
