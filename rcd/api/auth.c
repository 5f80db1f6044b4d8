/*
 * Logging in and out: POST /api/v1/login in every body form Rocket.Chat
 * accepts (user/username/email, plain or pre-hashed password, resume
 * token, totp wrapper), POST /api/v1/logout and GET /api/v1/me. One
 * credential check serves every login form.
 */
#include "api.h"

#include <stdio.h>
#include <ctype.h>
#include <string.h>

#include "../../shared/crypto.h"
#include "../../shared/json.h"
#include "../../shared/log.h"
#include "../../shared/timeutil.h"

/* What a login body asks for, after unwrapping its many shapes. */
struct login_req {
    const char *username;           /* one of username / email is set */
    const char *email;
    char digest[SHA256_HEX_LEN + 1];/* sha256 hex of the password */
    const char *resume;             /* a token to resume, instead */
    const char *code;               /* 2FA code, if given */
};

/* The 401 answer for bad credentials; identical for every cause. */
static int login_failed(struct reply *out)
{
    json_decref(out->body);
    out->status = 401;
    out->body = json_pack("{s:b, s:s, s:s, s:s}", "success", 0, "error",
                          "Unauthorized", "status", "error", "message",
                          "Unauthorized");
    return 401;
}

static int is_hex64(const char *s)
{
    size_t n = 0;

    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') ||
              (s[n] >= 'A' && s[n] <= 'F')))
            return 0;
    return n == SHA256_HEX_LEN;
}

/*
 * Fill lr from the body; returns 0, or an HTTP status already set in out
 * for a malformed body.
 */
static int parse_login(json_t *body, struct login_req *lr, struct reply *out)
{
    json_t *user, *pw, *totp;

    totp = json_object_get(body, "totp");
    if (totp) {
        json_t *login = json_object_get(totp, "login");

        if (!json_is_object(totp) || !json_is_object(login) ||
            !json_is_string(json_object_get(totp, "code")))
            return api_invalid_params(out, "'totp' must be {code, login}");
        lr->code = json_str(totp, "code");
        body = login;
    }
    lr->resume = NULL;
    if (json_object_get(body, "resume")) {
        lr->resume = json_str(body, "resume");
        if (!lr->resume)
            return api_invalid_params(out, "'resume' must be string");
        return 0;
    }
    if (json_object_get(body, "code")) {
        lr->code = json_str(body, "code");
        if (!lr->code)
            return api_invalid_params(out, "'code' must be string");
    }
    user = json_object_get(body, "user");
    if (json_is_string(user)) {
        const char *u = json_string_value(user);

        if (strchr(u, '@'))
            lr->email = u;
        else
            lr->username = u;
    } else if (json_is_object(user)) {
        lr->username = json_str(user, "username");
        lr->email = json_str(user, "email");
        if (!lr->username && !lr->email)
            return api_invalid_params(out,
                                      "'user' must have username or email");
    } else if (user) {
        return api_invalid_params(out, "'user' must be string or object");
    } else {
        json_t *un = json_object_get(body, "username");
        json_t *em = json_object_get(body, "email");

        if ((un && !json_is_string(un)) || (em && !json_is_string(em)))
            return api_invalid_params(out, "'username' and 'email' must be "
                                           "string");
        lr->username = json_string_value(un);
        lr->email = json_string_value(em);
    }
    if (!lr->username && !lr->email)
        return api_invalid_params(out, "must have required property 'user'");

    pw = json_object_get(body, "password");
    if (json_is_string(pw)) {
        sha256_hex(json_string_value(pw), json_string_length(pw), lr->digest);
    } else if (json_is_object(pw)) {
        const char *d = json_str(pw, "digest"), *alg = json_str(pw, "algorithm");
        size_t i;

        if (!d || !alg || strcmp(alg, "sha-256") != 0 || !is_hex64(d))
            return api_invalid_params(out, "'password' digest must be a "
                                           "sha-256 hex string");
        for (i = 0; d[i]; i++)
            lr->digest[i] = (char)(d[i] >= 'A' && d[i] <= 'F'
                                   ? d[i] - 'A' + 'a' : d[i]);
        lr->digest[i] = '\0';
    } else if (pw) {
        return api_invalid_params(out, "'password' must be string or object");
    } else {
        return api_invalid_params(out, "must have required property "
                                       "'password'");
    }
    return 0;
}

/* Issue a fresh login token for u and answer as Rocket.Chat does. */
static int login_success(struct api_ctx *ctx, struct user *u,
                         const char *token, struct reply *out)
{
    json_t *me = user_me_to_json(ctx, u);

    return api_ok(out, json_pack("{s:s, s:{s:s, s:s, s:o}}", "status",
                                 "success", "data", "userId", u->id,
                                 "authToken", token, "me", me));
}

static int login_resume(struct api_ctx *ctx, const char *token,
                        struct reply *out)
{
    char hash[SHA256_B64_LEN + 1];
    struct token_info ti;
    struct user u = USER_INIT;
    int status;

    sha256_b64(token, strlen(token), hash);
    switch (store_token_find(ctx->store, hash, &ti)) {
    case ERR_OK:
        break;
    case ERR_NOT_FOUND:
        return login_failed(out);
    default:
        return api_internal(out);
    }
    if (store_user_by_rid(ctx->store, ti.user_rid, &u))
        return api_internal(out);
    if (!u.active) {
        status = login_failed(out);
        goto done;
    }
    /* Meteor's resume handler keeps the presented token */
    status = login_success(ctx, &u, token, out);
done:
    user_release(&u);
    return status;
}

/*
 * Failed-login blocking (Block_Multiple_Failed_Logins_*): counters per
 * login name and per client address, kept in the store so they survive a
 * restart. Returns 0, or 401 with the block set in out.
 */
static int login_blocked(struct api_ctx *ctx, const char *ukey,
                         const char *ikey, struct reply *out)
{
    int64_t until = 0, now = now_ms();
    const char *which = NULL;

    if (!setting_bool(ctx->app->settings, "Block_Multiple_Failed_Logins_Enabled"))
        return 0;
    if (store_login_blocked(ctx->store, ukey, now, &until))
        return api_internal(out);
    if (until) {
        which = "error-login-blocked-for-user";
    } else {
        if (store_login_blocked(ctx->store, ikey, now, &until))
            return api_internal(out);
        if (until)
            which = "error-login-blocked-for-ip";
    }
    if (!which)
        return 0;
    json_decref(out->body);
    out->status = 401;
    out->body = json_pack("{s:b, s:s, s:s, s:s}", "success", 0, "error", which,
                          "status", "error", "message",
                          "Login has been temporarily blocked");
    return 401;
}

static void login_count_failure(struct api_ctx *ctx, const char *ukey,
                                const char *ikey)
{
    const struct settings *s = ctx->app->settings;
    int64_t now = now_ms();
    int64_t user_ms = setting_int(
        s, "Block_Multiple_Failed_Logins_Time_To_Unblock_By_User_In_Minutes")
        * 60000;
    int64_t ip_ms = setting_int(
        s, "Block_Multiple_Failed_Logins_Time_To_Unblock_By_Ip_In_Minutes")
        * 60000;

    if (!setting_bool(s, "Block_Multiple_Failed_Logins_Enabled"))
        return;
    /* a failure to count is logged by the store; the login still fails */
    store_login_failure(ctx->store, ukey, now, user_ms,
        setting_int(s, "Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User"),
        user_ms);
    store_login_failure(ctx->store, ikey, now, ip_ms,
        setting_int(s, "Block_Multiple_Failed_Logins_Attempts_Until_Block_By_Ip"),
        ip_ms);
}

int api_login(struct api_ctx *ctx, struct reply *out)
{
    struct login_req lr = { 0 };
    struct user u = USER_INIT;
    char token[RANDOM_SECRET_LEN + 1], hash[SHA256_B64_LEN + 1];
    char ukey[320], ikey[80];
    enum err rc;
    int status, ok;

    status = parse_login(ctx->body, &lr, out);
    if (status)
        return status;
    if (lr.resume)
        return login_resume(ctx, lr.resume, out);
    snprintf(ukey, sizeof(ukey), "user:%s", lr.username ? lr.username : lr.email);
    for (char *p = ukey; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    snprintf(ikey, sizeof(ikey), "ip:%s", ctx->req->client_ip);
    status = login_blocked(ctx, ukey, ikey, out);
    if (status)
        return status;

    rc = lr.username ? store_user_by_username(ctx->store, lr.username, &u)
                     : store_user_by_email(ctx->store, lr.email, &u);
    if (rc && rc != ERR_NOT_FOUND)
        return api_internal(out);
    /*
     * An unknown user costs the same bcrypt as a known one, so the answer's
     * timing does not tell whether the account exists.
     */
    ok = password_check(lr.digest, rc ? ctx->app->dummy_hash : u.password);
    if (rc || !ok) {
        login_count_failure(ctx, ukey, ikey);
        status = login_failed(out);
        goto out;
    }
    if (!u.active) {
        json_decref(out->body);
        out->status = status = 401;
        out->body = json_pack("{s:b, s:s, s:s, s:s}", "success", 0, "error",
                              "error-user-is-not-activated", "status", "error",
                              "message", "User is not activated");
        goto out;
    }
    status = twofa_login_check(ctx, &u, lr.code, out);
    if (status)
        goto out;
    if (store_login_reset(ctx->store, ukey)) {
        status = api_internal(out);
        goto out;
    }
    random_secret(token);
    sha256_b64(token, RANDOM_SECRET_LEN, hash);
    u.last_login = now_ms();
    if (store_token_add(ctx->store, u.rid, hash, u.last_login) ||
        store_user_set_last_login(ctx->store, u.rid, u.last_login)) {
        status = api_internal(out);
        goto out;
    }
    snprintf(ctx->req->user_id, sizeof(ctx->req->user_id), "%s", u.id);
    status = login_success(ctx, &u, token, out);
out:
    explicit_bzero(lr.digest, sizeof(lr.digest));
    explicit_bzero(token, sizeof(token));
    user_release(&u);
    return status;
}

int api_logout(struct api_ctx *ctx, struct reply *out)
{
    if (store_token_remove(ctx->store, ctx->token_hash))
        return api_internal(out);
    /* Rocket.Chat's logout answers without a "success" key */
    json_decref(out->body);
    out->status = 200;
    out->body = json_pack("{s:s, s:{s:s}}", "status", "success", "data",
                          "message", "You've been logged out!");
    return 200;
}

int api_me(struct api_ctx *ctx, struct reply *out)
{
    return api_ok(out, user_me_to_json(ctx, ctx->user));
}
