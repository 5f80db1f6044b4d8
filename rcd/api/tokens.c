/*
 * Personal access tokens: users.generatePersonalAccessToken, regenerate,
 * getPersonalAccessTokens, removePersonalAccessToken. A token is shown once;
 * the store keeps its hash, name, last six characters and bypass flag.
 */
#include "api.h"

#include <string.h>

#include "../../shared/crypto.h"
#include "../../shared/json.h"
#include "../../shared/timeutil.h"

/*
 * The checks every mutating PAT endpoint makes, in Rocket.Chat's order:
 * 2FA, then tokenName, then the permission. Returns 0 and sets *name, or
 * the status of the reply set.
 */
static int pat_prelude(struct api_ctx *ctx, const char *method,
                       const char **name, struct reply *out)
{
    json_t *jn = json_object_get(ctx->body, "tokenName");
    int status = twofa_check(ctx, out);

    if (status)
        return status;
    if (jn && !json_is_string(jn))
        return api_invalid_params(out, "'tokenName' must be string");
    *name = json_string_value(jn);
    if (!*name || !**name)
        return api_fail(out, 400, NULL, "The 'tokenName' param is required");
    if (!has_permission(ctx, ctx->user, "create-personal-access-tokens", NULL))
        return api_fail_details(out, 400, "not-authorized",
                                json_pack("{s:s}", "method", method),
                                "Not Authorized");
    return 0;
}

/* Make a token, store it, answer {token}. */
static int pat_issue(struct api_ctx *ctx, const char *name, int bypass,
                     const char *method, struct reply *out)
{
    char token[RANDOM_SECRET_LEN + 1], hash[SHA256_B64_LEN + 1];
    int status;

    random_secret(token);
    sha256_b64(token, RANDOM_SECRET_LEN, hash);
    switch (store_pat_add(ctx->store, ctx->user->rid, hash, name,
                          token + RANDOM_SECRET_LEN - 6, bypass, now_ms())) {
    case ERR_OK:
        status = api_ok(out, json_pack("{s:s}", "token", token));
        break;
    case ERR_EXISTS:
        status = api_fail_details(out, 400, "error-token-already-exists",
                                  json_pack("{s:s}", "method", method),
                                  "A token with this name already exists");
        break;
    default:
        status = api_internal(out);
        break;
    }
    explicit_bzero(token, sizeof(token));
    return status;
}

int api_users_generate_pat(struct api_ctx *ctx, struct reply *out)
{
    static const char method[] = "personalAccessTokens:generateToken";
    json_t *jb = json_object_get(ctx->body, "bypassTwoFactor");
    const char *name;
    int status;

    if (jb && !json_is_boolean(jb))
        return api_invalid_params(out, "'bypassTwoFactor' must be boolean");
    status = pat_prelude(ctx, method, &name, out);
    if (status)
        return status;
    return pat_issue(ctx, name, json_is_true(jb), method, out);
}

int api_users_regenerate_pat(struct api_ctx *ctx, struct reply *out)
{
    static const char method[] = "personalAccessTokens:regenerateToken";
    const char *name;
    int bypass = 0, status;

    status = pat_prelude(ctx, method, &name, out);
    if (status)
        return status;
    switch (store_pat_get(ctx->store, ctx->user->rid, name, &bypass)) {
    case ERR_OK:
        break;
    case ERR_NOT_FOUND:
        return api_fail_details(out, 400, "error-token-does-not-exists",
                                json_pack("{s:s}", "method", method),
                                "Token does not exist");
    default:
        return api_internal(out);
    }
    if (store_pat_remove(ctx->store, ctx->user->rid, name))
        return api_internal(out);
    return pat_issue(ctx, name, bypass, method, out);
}

int api_users_remove_pat(struct api_ctx *ctx, struct reply *out)
{
    static const char method[] = "personalAccessTokens:removeToken";
    const char *name;
    int status;

    status = pat_prelude(ctx, method, &name, out);
    if (status)
        return status;
    switch (store_pat_remove(ctx->store, ctx->user->rid, name)) {
    case ERR_OK:
        return api_ok(out, NULL);
    case ERR_NOT_FOUND:
        return api_fail_details(out, 400, "error-token-does-not-exists",
                                json_pack("{s:s}", "method", method),
                                "Token does not exist");
    default:
        return api_internal(out);
    }
}

static void pat_to_json(void *arg, const struct pat_info *p)
{
    char iso[ISO_TIME_LEN + 1];

    iso_time(p->created_at, iso);
    json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:b}", "name",
                                         p->name, "createdAt", iso,
                                         "lastTokenPart", p->last_part,
                                         "bypassTwoFactor", p->bypass_2fa));
}

int api_users_get_pats(struct api_ctx *ctx, struct reply *out)
{
    json_t *list = json_array();

    if (store_pat_each(ctx->store, ctx->user->rid, pat_to_json, list)) {
        json_decref(list);
        return api_internal(out);
    }
    return api_ok(out, json_pack("{s:o}", "tokens", list));
}
