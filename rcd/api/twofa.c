/*
 * Two-factor authentication as Rocket.Chat does it: TOTP (RFC 6238 over
 * OpenSSL's HMAC-SHA1) with hashed backup codes, the password fallback on
 * sensitive endpoints (X-2FA-Code / X-2FA-Method), the check at login, the
 * 2fa:* methods reached through POST /api/v1/method.call/:method, and
 * users.resetTOTP. rcd sends no e-mail, so the e-mail method is never
 * offered.
 */
#include "api.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/buf.h"
#include "../../shared/crypto.h"
#include "../../shared/json.h"
#include "../../shared/timeutil.h"

#define TOTP_STEP_MS 30000
#define TOTP_WINDOW 1               /* steps either side: Accounts_..._MaxDelta */
#define BACKUP_CODES 12

/* HOTP value (6 digits) of key at counter. */
static unsigned hotp(const unsigned char *key, size_t keylen, uint64_t counter)
{
    unsigned char msg[8], mac[20];
    unsigned off, bin;

    for (int i = 7; i >= 0; i--, counter >>= 8)
        msg[i] = (unsigned char)(counter & 0xff);
    hmac_sha1(key, keylen, msg, sizeof(msg), mac);
    off = mac[19] & 0x0f;
    bin = ((unsigned)(mac[off] & 0x7f) << 24) | ((unsigned)mac[off + 1] << 16) |
          ((unsigned)mac[off + 2] << 8) | mac[off + 3];
    return bin % 1000000;
}

/* Whether code is the TOTP of the base32 secret at now_ms, +-TOTP_WINDOW. */
static int totp_valid(const char *secret_b32, const char *code, int64_t now)
{
    unsigned char key[64];
    size_t keylen = sizeof(key);
    char want[8];
    int64_t step = now / TOTP_STEP_MS;
    int ok = 0;

    if (strlen(code) != 6 || strspn(code, "0123456789") != 6)
        return 0;
    if (b32_decode(secret_b32, key, &keylen))
        return 0;
    for (int d = -TOTP_WINDOW; d <= TOTP_WINDOW; d++) {
        snprintf(want, sizeof(want), "%06u",
                 hotp(key, keylen, (uint64_t)(step + d)));
        /* compare every step in constant time; no early exit on a match */
        ok |= secret_equal(want, 6, code, 6);
    }
    memset(key, 0, sizeof(key));
    return ok;
}

/*
 * Check a code against the user's TOTP, then their backup codes (a used
 * backup code is removed). Returns 1 when it is valid.
 */
static int totp_check_user(struct api_ctx *ctx, int64_t rid,
                           struct totp_state *t, const char *code)
{
    char hex[SHA256_HEX_LEN + 1];
    json_error_t jerr;
    json_t *codes;
    size_t i;
    int found = 0;

    if (t->secret && totp_valid(t->secret, code, now_ms()))
        return 1;
    if (!t->backup)
        return 0;
    codes = json_loads(t->backup, 0, &jerr);
    sha256_hex(code, strlen(code), hex);
    for (i = 0; i < json_array_size(codes); i++) {
        const char *h = json_string_value(json_array_get(codes, i));

        if (h && secret_equal(h, strlen(h), hex, SHA256_HEX_LEN)) {
            found = 1;
            break;
        }
    }
    if (found) {
        struct buf b = BUF_INIT;

        json_array_remove(codes, i);
        json_dump_buf(&b, codes);
        free(t->backup);
        t->backup = buf_detach(&b, NULL);
        if (store_totp_set(ctx->store, rid, t))
            found = 0;
    }
    json_decref(codes);
    return found;
}

/* The fingerprint a remembered 2FA is bound to: user agent and address. */
static void client_print(struct api_ctx *ctx, char out[SHA256_HEX_LEN + 1])
{
    const char *ua = req_header(ctx->req, "User-Agent");
    struct buf b = BUF_INIT;

    buf_addf(&b, "%s|%s", ua ? ua : "", ctx->req->client_ip);
    sha256_hex(b.data, b.len, out);
    buf_release(&b);
}

static int twofa_required(struct reply *out, const char *method,
                          int totp_available)
{
    json_t *methods = json_array();

    if (totp_available)
        json_array_append_new(methods, json_string("totp"));
    return api_fail_details(out, 400, "totp-required",
                            json_pack("{s:s, s:b, s:o}", "method", method,
                                      "codeGenerated", 0, "availableMethods",
                                      methods),
                            "TOTP Required");
}

/* The 2FA gate; remember selects whether a remembered pass counts. */
static int twofa_gate(struct api_ctx *ctx, struct reply *out, int remember)
{
    const struct settings *s = ctx->app->settings;
    const struct user *u = ctx->user;
    const char *code = req_header(ctx->req, "X-2FA-Code");
    const char *method = req_header(ctx->req, "X-2FA-Method");
    int64_t now = now_ms(), remember_ms;
    char client[SHA256_HEX_LEN + 1];
    struct totp_state t;
    int has_totp, has_password, ok = 0, status = 0;

    if (!setting_bool(s, "Accounts_TwoFactorAuthentication_Enabled") || !u)
        return 0;
    remember_ms = setting_int(s, "Accounts_TwoFactorAuthentication_RememberFor")
                  * 1000;
    if (ctx->token.bypass_2fa)
        return 0;
    client_print(ctx, client);
    if (remember) {
        /* a user is trusted right after registering, as in Rocket.Chat */
        if (u->created_at > now - remember_ms)
            return 0;
        if (ctx->token.twofa_until > now &&
            strcmp(ctx->token.twofa_client, client) == 0)
            return 0;
    }
    if (store_totp_get(ctx->store, u->rid, &t))
        return api_internal(out);
    has_totp = t.enabled && t.secret;
    has_password = u->password && setting_bool(
        s, "Accounts_TwoFactorAuthentication_Enforce_Password_Fallback");
    if (!has_totp && !has_password)
        goto done;
    if (method && strcmp(method, "totp") != 0 && strcmp(method, "password") != 0)
        method = NULL;
    if (method && strcmp(method, "totp") == 0 && !has_totp)
        method = NULL;
    if (method && strcmp(method, "password") == 0 && !has_password)
        method = NULL;
    if (!method)
        method = has_totp ? "totp" : "password";
    if (!code || !*code) {
        status = twofa_required(out, method, has_totp);
        goto done;
    }
    if (strcmp(method, "totp") == 0) {
        ok = totp_check_user(ctx, u->rid, &t, code);
    } else {
        char lower[SHA256_HEX_LEN + 1];
        size_t i;

        for (i = 0; code[i] && i < SHA256_HEX_LEN; i++)
            lower[i] = (char)tolower((unsigned char)code[i]);
        lower[i] = '\0';
        ok = code[i] == '\0' && i == SHA256_HEX_LEN &&
             password_check(lower, u->password);
    }
    if (!ok) {
        status = api_fail_details(out, 400, "totp-invalid",
                                  json_pack("{s:s}", "method", method),
                                  "TOTP Invalid");
        goto done;
    }
    if (remember && ctx->token_hash && remember_ms > 0 &&
        store_token_set_twofa(ctx->store, ctx->token_hash, now + remember_ms,
                              client))
        status = api_internal(out);
done:
    totp_state_release(&t);
    return status;
}

int twofa_check(struct api_ctx *ctx, struct reply *out)
{
    return twofa_gate(ctx, out, 1);
}

/* Login's 401 for a 2FA failure: error code, message and details. */
static int login_twofa_fail(struct reply *out, const char *code,
                            const char *msg, json_t *details)
{
    json_decref(out->body);
    out->status = 401;
    out->body = json_pack("{s:b, s:s, s:s, s:s, s:o}", "success", 0, "error",
                          code, "status", "error", "message", msg, "details",
                          details);
    return 401;
}

int twofa_login_check(struct api_ctx *ctx, const struct user *u,
                      const char *code, struct reply *out)
{
    struct totp_state t;
    int status = 0;

    if (!setting_bool(ctx->app->settings,
                      "Accounts_TwoFactorAuthentication_Enabled"))
        return 0;
    if (!code)
        code = req_header(ctx->req, "X-2FA-Code");
    if (store_totp_get(ctx->store, u->rid, &t))
        return api_internal(out);
    /* login never falls back to the password: only TOTP counts here */
    if (!t.enabled || !t.secret)
        goto done;
    if (!code || !*code)
        status = login_twofa_fail(out, "totp-required", "TOTP Required",
                                  json_pack("{s:s, s:b, s:[s]}", "method",
                                            "totp", "codeGenerated", 0,
                                            "availableMethods", "totp"));
    else if (!totp_check_user(ctx, u->rid, &t, code))
        status = login_twofa_fail(out, "totp-invalid", "TOTP Invalid",
                                  json_pack("{s:s}", "method", "totp"));
done:
    totp_state_release(&t);
    return status;
}

/* ---- the 2fa:* methods ---- */

/* A Meteor.Error inside a method result, as method.call reports it. */
static json_t *method_error(const char *code, const char *reason)
{
    struct buf msg = BUF_INIT;
    json_t *e;

    if (reason && *reason)
        buf_addf(&msg, "%s [%s]", reason, code);
    else
        buf_addf(&msg, "[%s]", code);
    e = json_pack("{s:b, s:s, s:s, s:s, s:s}", "isClientSafe", 1, "error",
                  code, "reason", reason ? reason : "", "message", msg.data,
                  "errorType", "Meteor.Error");
    buf_release(&msg);
    return e;
}

/* Fresh backup codes: the plain codes (returned once) and their hashes. */
static json_t *new_backup_codes(struct totp_state *t)
{
    json_t *plain = json_array(), *hashed = json_array();
    struct buf b = BUF_INIT;

    for (int i = 0; i < BACKUP_CODES; i++) {
        char code[9], hex[SHA256_HEX_LEN + 1];

        random_string(code, 8, "0123456789abcdef");
        sha256_hex(code, 8, hex);
        json_array_append_new(plain, json_string(code));
        json_array_append_new(hashed, json_string(hex));
    }
    json_dump_buf(&b, hashed);
    json_decref(hashed);
    free(t->backup);
    t->backup = buf_detach(&b, NULL);
    return plain;
}

/*
 * Run one 2fa:* method for the caller. Returns the result (owned) or sets
 * *error; NULL result with no error means "result": undefined.
 */
static json_t *run_method(struct api_ctx *ctx, const char *name,
                          json_t *params, json_t **error)
{
    const struct user *u = ctx->user;
    const char *code = json_string_value(json_array_get(params, 0));
    struct totp_state t;
    json_t *result = NULL;

    if (store_totp_get(ctx->store, u->rid, &t)) {
        *error = method_error("error-internal", "Internal server error");
        return NULL;
    }
    if (strcmp(name, "2fa:enable") == 0) {
        unsigned char raw[20];
        struct buf url = BUF_INIT;
        const char *site = setting_str(ctx->app->settings, "Site_Name");

        if (t.enabled) {
            *error = method_error("error-2fa-already-enabled", "");
            goto out;
        }
        random_bytes(raw, sizeof(raw));
        free(t.secret);
        t.secret = b32_encode(raw, sizeof(raw));
        t.enabled = 0;
        if (store_totp_set(ctx->store, u->rid, &t)) {
            *error = method_error("error-internal", "Internal server error");
            goto out;
        }
        buf_addf(&url, "otpauth://totp/%s:%s?secret=%s&issuer=%s", site,
                 u->username, t.secret, site);
        result = json_pack("{s:s, s:s}", "secret", t.secret, "url", url.data);
        buf_release(&url);
    } else if (strcmp(name, "2fa:validateTempToken") == 0) {
        if (!code || !t.secret || t.enabled ||
            !totp_valid(t.secret, code, now_ms())) {
            *error = method_error("invalid-totp", "");
            goto out;
        }
        t.enabled = 1;
        result = json_pack("{s:o}", "codes", new_backup_codes(&t));
        if (store_totp_set(ctx->store, u->rid, &t)) {
            json_decref(result);
            result = NULL;
            *error = method_error("error-internal", "Internal server error");
        }
    } else if (strcmp(name, "2fa:disable") == 0) {
        if (!t.enabled || !code || !totp_check_user(ctx, u->rid, &t, code)) {
            result = json_false();
            goto out;
        }
        totp_state_release(&t);
        if (store_totp_set(ctx->store, u->rid, &t))
            *error = method_error("error-internal", "Internal server error");
        else
            result = json_true();
    } else if (strcmp(name, "2fa:regenerateCodes") == 0) {
        if (!t.enabled || !code || !totp_check_user(ctx, u->rid, &t, code)) {
            *error = method_error("invalid-totp", "");
            goto out;
        }
        result = json_pack("{s:o}", "codes", new_backup_codes(&t));
        if (store_totp_set(ctx->store, u->rid, &t)) {
            json_decref(result);
            result = NULL;
            *error = method_error("error-internal", "Internal server error");
        }
    } else if (strcmp(name, "2fa:checkCodesRemaining") == 0) {
        json_error_t jerr;
        json_t *codes;

        if (!t.enabled) {
            *error = method_error("invalid-totp", "");
            goto out;
        }
        codes = t.backup ? json_loads(t.backup, 0, &jerr) : NULL;
        result = json_pack("{s:I}", "remaining",
                           (json_int_t)json_array_size(codes));
        json_decref(codes);
    } else {
        *error = method_error("404", "Method not found");
    }
out:
    totp_state_release(&t);
    return result;
}

int api_method_call(struct api_ctx *ctx, struct reply *out)
{
    const char *name = ctx->params[0], *raw = json_str(ctx->body, "message");
    json_t *msg, *params, *result, *error = NULL, *answer, *id;
    json_error_t jerr;
    struct buf b = BUF_INIT;
    int status;

    if (!raw)
        return api_invalid_params(out, "must have required property 'message'");
    msg = json_loads(raw, JSON_REJECT_DUPLICATES, &jerr);
    params = json_object_get(msg, "params");
    id = json_object_get(msg, "id");
    if (!json_is_object(msg) || !json_is_string(id) ||
        (params && !json_is_array(params)) ||
        !json_is_string(json_object_get(msg, "method")) ||
        strcmp(json_str(msg, "method"), name) != 0) {
        json_decref(msg);
        return api_fail(out, 400, NULL, "Invalid method call message");
    }
    if (strncmp(name, "2fa:", 4) != 0) {
        json_decref(msg);
        return api_fail(out, 400, NULL, "Method '%s' is not available", name);
    }
    result = run_method(ctx, name, params, &error);
    answer = json_pack("{s:s, s:O}", "msg", "result", "id", id);
    if (error)
        json_object_set_new(answer, "error", error);
    else if (result)
        json_object_set_new(answer, "result", result);
    json_dump_buf(&b, answer);
    status = api_ok(out, json_pack("{s:s%}", "message", b.data, b.len));
    buf_release(&b);
    json_decref(answer);
    json_decref(msg);
    return status;
}

int api_users_reset_totp(struct api_ctx *ctx, struct reply *out)
{
    const char *uid = json_str(ctx->body, "userId");
    const char *uname = json_str(ctx->body, "username");
    struct user target = USER_INIT;
    struct totp_state t;
    int status, self;

    if ((json_object_get(ctx->body, "userId") && !uid) ||
        (json_object_get(ctx->body, "username") && !uname))
        return api_invalid_params(out, "'userId' and 'username' must be "
                                       "string");
    status = twofa_gate(ctx, out, 0);   /* never a remembered pass here */
    if (status)
        return status;
    if (!setting_bool(ctx->app->settings,
                      "Accounts_TwoFactorAuthentication_Enabled"))
        return api_fail_details(out, 400, "error-two-factor-not-enabled",
                                json_pack("{s:s}", "method", "resetTOTP"),
                                "Two factor authentication is not enabled");
    if (uid || uname) {
        enum err rc = uid ? store_user_by_id(ctx->store, uid, &target)
                          : store_user_by_username(ctx->store, uname, &target);

        if (rc == ERR_NOT_FOUND)
            return api_fail(out, 400, "error-invalid-user", "Invalid user");
        if (rc)
            return api_internal(out);
    } else if (store_user_by_rid(ctx->store, ctx->user->rid, &target)) {
        return api_internal(out);
    }
    self = target.rid == ctx->user->rid;
    if (!self && !has_permission(ctx, ctx->user, "edit-other-user-totp", NULL)) {
        status = api_fail_details(out, 400, "error-not-allowed",
                                  json_pack("{s:s}", "method", "resetTOTP"),
                                  "Not allowed");
        goto out;
    }
    if (store_totp_get(ctx->store, target.rid, &t)) {
        status = api_internal(out);
        goto out;
    }
    if (t.secret) {
        /* something changed: every session of that user ends */
        totp_state_release(&t);
        if (store_totp_set(ctx->store, target.rid, &t) ||
            store_tokens_remove_all(ctx->store, target.rid)) {
            status = api_internal(out);
            goto out;
        }
    }
    totp_state_release(&t);
    status = api_ok(out, NULL);
out:
    user_release(&target);
    return status;
}
