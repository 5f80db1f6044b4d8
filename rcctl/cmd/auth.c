/*
 * login, logout, whoami: getting a token into a profile, dropping it, and
 * checking whose it is. Passwords and tokens come from a prompt, a file
 * or stdin, never from argv, and are never printed.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/buf.h"
#include "../../shared/json.h"
#include "../client.h"
#include "../command.h"
#include "../prompt.h"

static const char *env(const char *name)
{
    const char *v = getenv(name);

    return v && *v ? v : NULL;
}

/* The profile name login writes to: named, else the session's profile
 * when it is for this URL, else the URL's host[:port]. */
static char *login_profile_name(struct rcctl *ctx, const char *url)
{
    const char *named = ctx->profile_flag ? ctx->profile_flag
                                          : env("RCCTL_PROFILE");
    const struct session *s = &ctx->session;
    const char *host = strstr(url, "://");
    const char *purl;

    if (named)
        return xstrdup(named);
    purl = s->profile ? config_get(&ctx->config, s->profile, "url") : NULL;
    if (purl && !strcmp(purl, url))
        return xstrdup(s->profile);
    host = host ? host + 3 : url;
    return xstrndup(host, strcspn(host, "/"));
}

static int save_login(struct rcctl *ctx, const char *name, const char *url,
                      const char *user_id, const char *username,
                      const char *token)
{
    struct config *cfg = &ctx->config;
    struct buf why = BUF_INIT;
    int rc = EXIT_OK;

    config_set(cfg, name, "url", url);
    config_set(cfg, name, "user-id", user_id);
    config_set(cfg, name, "username", username ? username : "");
    config_set(cfg, name, "token", token);
    config_set(cfg, NULL, "current", name);
    if (config_save(cfg, &why)) {
        rc = errorf("%s", why.data);
    } else if (!ctx->quiet) {
        fprintf(stderr, "rcctl: logged in to %s as %s; saved as profile "
                        "'%s' in %s\n",
                url, username ? username : user_id, name, cfg->path);
    }
    buf_release(&why);
    return rc;
}

/* --user-id ID --token-file FILE: check the token with /me, then keep it. */
static int login_token(struct rcctl *ctx, const char *name, const char *url,
                       const char *user_id, const char *token_file)
{
    struct buf why = BUF_INIT;
    struct client_reply r = CLIENT_REPLY_INIT;
    struct client *c = NULL;
    char *token = prompt_file_line(token_file, &why);
    int rc;

    if (!token) {
        rc = errorf("%s", why.data);
        goto out;
    }
    c = command_new_client(ctx, url, user_id, token);
    if (client_get(c, "/api/v1/me", &r)) {
        rc = command_fail(&r, "cannot log in to '%s' with the token of user "
                              "id '%s'", url, user_id);
        goto out;
    }
    rc = save_login(ctx, name, url, user_id, json_str(r.json, "username"),
                    token);
out:
    client_reply_release(&r);
    client_free(c);
    prompt_free(token);
    buf_release(&why);
    return rc;
}

static char *read_password(const char *password_file, const char *user,
                           const char *url, struct buf *why)
{
    struct buf q = BUF_INIT;
    char *pw;

    if (password_file)
        return prompt_file_line(password_file, why);
    if (!prompt_is_interactive())
        return prompt_file_line("-", why);
    buf_addf(&q, "Password for %s at %s: ", user, url);
    pw = prompt_tty(q.data, 1);
    if (!pw)
        buf_adds(why, "no password given");
    buf_release(&q);
    return pw;
}

/* Username (or e-mail) and password: POST /api/v1/login, then 2FA. */
static int login_password(struct rcctl *ctx, const char *name,
                          const char *url, const char *user,
                          const char *password_file)
{
    struct buf why = BUF_INIT;
    struct client_reply r = CLIENT_REPLY_INIT;
    struct client *c = NULL;
    char *asked = NULL, *password = NULL, *code = NULL;
    json_t *body = NULL, *data;
    const char *uid, *token, *method;
    int rc;

    if (!user && !prompt_is_interactive())
        return usage_errorf("no user: pass --user NAME or --user EMAIL");
    if (!user) {
        asked = prompt_tty("Username or e-mail: ", 0);
        if (!asked || !*asked) {
            rc = errorf("no user given");
            goto out;
        }
        user = asked;
    }
    password = read_password(password_file, user, url, &why);
    if (!password) {
        rc = errorf("%s", why.data);
        goto out;
    }
    c = command_new_client(ctx, url, NULL, NULL);
    body = json_pack("{s:s, s:s}", "user", user, "password", password);
    client_post(c, "/api/v1/login", body, &r);
    /* Login answers 401 with error "totp-required" (not the 400 that
     * other endpoints give, which the client handles itself) and takes
     * the code in the body. */
    if (r.err && r.error_type && !strcmp(r.error_type, "totp-required")) {
        code = client_2fa_code(c, json_object_get(r.json, "details"),
                               &method, &why);
        if (!code) {
            errorf("cannot log in to '%s' as '%s': %s", url, user,
                   why.data);
            rc = EXIT_AUTH;
            goto out;
        }
        json_object_set_new(body, "code", json_string(code));
        client_post(c, "/api/v1/login", body, &r);
    }
    if (r.err) {
        rc = command_fail(&r, "cannot log in to '%s' as '%s'", url, user);
        goto out;
    }
    data = json_object_get(r.json, "data");
    uid = json_str(data, "userId");
    token = json_str(data, "authToken");
    if (!uid || !token) {
        rc = errorf("cannot log in to '%s': the answer has no "
                    "data.userId and data.authToken", url);
        goto out;
    }
    rc = save_login(ctx, name, url, uid,
                    json_str(json_object_get(data, "me"), "username"),
                    token);
out:
    json_decref(body);   /* held the password */
    client_reply_release(&r);
    client_free(c);
    prompt_free(password);
    prompt_free(code);
    free(asked);
    buf_release(&why);
    return rc;
}

static int auth_login(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "user", required_argument, NULL, 'u' },
        { "password-file", required_argument, NULL, 'p' },
        { "user-id", required_argument, NULL, 'i' },
        { "token-file", required_argument, NULL, 't' },
        /* accepted only to refuse them with the reason */
        { "password", required_argument, NULL, 'P' },
        { "token", required_argument, NULL, 'T' },
        { NULL, 0, NULL, 0 },
    };
    const char *user = NULL, *password_file = NULL, *user_id = NULL;
    const char *token_file = NULL, *purl;
    char *name = NULL;
    int c, rc;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'u': user = optarg; break;
        case 'p': password_file = optarg; break;
        case 'i': user_id = optarg; break;
        case 't': token_file = optarg; break;
        case 'P':
        case 'T':
            return usage_errorf("secrets are not taken from the command "
                                "line (other users see it in ps); use "
                                "--%s-file FILE, stdin or the prompt",
                                c == 'P' ? "password" : "token");
        default:
            return command_bad_option(argv);
        }
    }
    if (optind < argc)
        return usage_errorf("unexpected argument '%s'", argv[optind]);
    if (!user_id != !token_file)
        return usage_errorf("--user-id and --token-file go together");
    if (user_id && (user || password_file))
        return usage_errorf("log in with a password or with a token, "
                            "not both");
    rc = command_session(ctx);
    if (rc)
        return rc;
    if (!ctx->session.url)
        return usage_errorf("no server: pass --url URL (or set RCCTL_URL)");
    name = login_profile_name(ctx, ctx->session.url);
    purl = config_get(&ctx->config, name, "url");
    if (purl && strcmp(purl, ctx->session.url)) {
        rc = errorf("profile '%s' is for '%s'; choose another name with "
                    "--profile NAME", name, purl);
        goto out;
    }
    if (user_id)
        rc = login_token(ctx, name, ctx->session.url, user_id, token_file);
    else
        rc = login_password(ctx, name, ctx->session.url,
                            user ? user : (purl ? ctx->session.username
                                                : NULL),
                            password_file);
out:
    free(name);
    return rc;
}

static int auth_logout(struct rcctl *ctx, int argc, char **argv)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    struct buf why = BUF_INIT;
    struct client *c;
    const struct session *s = &ctx->session;
    int rc;

    rc = command_no_options(argc, argv, 0, 0);
    if (rc)
        return rc;
    rc = command_client(ctx, &c);
    if (rc)
        return rc;
    if (client_post(c, "/api/v1/logout", NULL, &r)) {
        if (r.status != 401) {
            rc = command_fail(&r, "cannot log out of '%s'", s->url);
            goto out;
        }
        warningf("'%s' no longer knew the token", s->url);
    }
    if (s->token_from_profile) {
        config_set(&ctx->config, s->profile, "token", NULL);
        if (config_save(&ctx->config, &why)) {
            rc = errorf("%s", why.data);
            goto out;
        }
    } else {
        warningf("the token came from RCCTL_TOKEN or RCCTL_TOKEN_FILE; "
                 "no profile changed");
    }
    if (!ctx->quiet)
        fprintf(stderr, "rcctl: logged out of %s\n", s->url);
out:
    client_reply_release(&r);
    buf_release(&why);
    return rc;
}

static int auth_whoami(struct rcctl *ctx, int argc, char **argv)
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
    if (client_get(c, "/api/v1/me", &r)) {
        rc = command_fail(&r, "cannot ask '%s' who you are", ctx->session.url);
        goto out;
    }
    json_object_del(r.json, "success");
    json_object_set_new(r.json, "url", json_string(ctx->session.url));
    o = command_output(ctx, 0);
    output_item(o, r.json);
    rc = command_output_end(o);
out:
    client_reply_release(&r);
    return rc;
}

const struct command auth_commands[] = {
    {
        .name = "login",
        .synopsis = "[--url URL] [--profile NAME] [--user NAME|EMAIL] "
                    "[--password-file FILE] [--user-id ID --token-file FILE] "
                    "[--code CODE|--code-file FILE]",
        .summary = "log in and keep the token in a profile",
        .run = auth_login,
        .examples =
            "# asks for the password without echo\n"
            "rcctl login --url https://chat.example.com --user admin\n"
            "# in scripts: the password from a file, or the first line of stdin\n"
            "rcctl login --url https://chat.example.com --user admin --password-file ~/.pw\n"
            "pass show chat/admin | rcctl login --url https://chat.example.com --user admin\n"
            "# keep a personal access token (checked with /api/v1/me first)\n"
            "rcctl login --url https://chat.example.com --user-id aobEdbYhXfu5hkeqG --token-file pat.txt",
        .help =
            "Options:\n"
            "  --url URL              the server (else RCCTL_URL, else the profile's)\n"
            "  --profile NAME         profile to write (default: the server's host[:port])\n"
            "  --user NAME|EMAIL      who logs in (default: the profile's username)\n"
            "  --password-file FILE   read the password from FILE's first line; without\n"
            "                         it the password is the first line of stdin when\n"
            "                         stdin is not a terminal, else asked for without echo\n"
            "  --user-id ID           with --token-file: keep an existing token\n"
            "  --token-file FILE      the token (personal access token), - for stdin\n"
            "  --code CODE, --code-file FILE\n"
            "                         the two-factor code, when the server asks for one\n"
            "                         (else it is asked for on the terminal)\n"
            "\n"
            "Passwords and tokens are never taken from the command line.\n"
            "The profile gets url, user-id, username and token, and becomes the\n"
            "current one. The config file looks like this:\n"
            "\n"
            "  current = prod\n"
            "\n"
            "  [profile \"prod\"]\n"
            "  \turl = https://chat.example.com\n"
            "  \tuser-id = aobEdbYhXfu5hkeqG\n"
            "  \tusername = admin\n"
            "  \ttoken = ...",
    },
    {
        .name = "logout",
        .summary = "end the session on the server and forget its token",
        .run = auth_logout,
        .flags = CMD_LOGIN,
        .examples = "rcctl logout\nrcctl --profile test logout",
        .help = "The profile keeps its url and username, so 'rcctl login'\n"
                "asks only for the password next time.",
    },
    {
        .name = "whoami",
        .summary = "show the user the token belongs to",
        .run = auth_whoami,
        .flags = CMD_LOGIN,
        .columns = "username,_id,name,roles,url",
        .examples = "rcctl whoami\nrcctl whoami -o json\n"
                    "rcctl whoami --columns username,emails.0.address",
    },
    { NULL },
};
