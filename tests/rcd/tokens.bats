#!/usr/bin/env bats
# Personal access tokens: generate, regenerate, list, remove, use.

load ../lib/rcd

setup_file() {
    rcd_start OVERWRITE_SETTING_API_Enable_Rate_Limiter=false
}
teardown_file() { rcd_stop; }
setup() { logout_local; }

@test "a generated token is shown once and works with the owner's id" {
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/users.generatePersonalAccessToken '{"tokenName":"cron"}'
    [ "$STATUS" = 200 ]
    jq_is '(.token | test("^[A-Za-z0-9_-]{43}$")) and .success == true'
    pat=$(jq -r .token <<<"$BODY")
    AUTH_TOKEN=$pat api GET /api/v1/me
    [ "$STATUS" = 200 ]
    jq_is '.username == "admin"'
    # the seed's recipe: post with a personal access token (the id pairs with it)
    AUTH_TOKEN=$pat api GET /api/info
    jq_is 'has("info")'
}

@test "getPersonalAccessTokens lists name, createdAt, lastTokenPart and bypass, never the token" {
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/users.generatePersonalAccessToken '{"tokenName":"listed","bypassTwoFactor":true}'
    pat=$(jq -r .token <<<"$BODY")
    api GET /api/v1/users.getPersonalAccessTokens
    [ "$STATUS" = 200 ]
    jq_is '.tokens | map(select(.name == "listed")) | length == 1'
    jq_is ".tokens[] | select(.name == \"listed\") | .lastTokenPart == \"${pat: -6}\" and .bypassTwoFactor == true"
    jq_is '.tokens[0].createdAt | test("Z$")'
    ! grep -qF "$pat" <<<"$BODY"
}

@test "a duplicate token name is error-token-already-exists" {
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/users.generatePersonalAccessToken '{"tokenName":"dup"}'
    [ "$STATUS" = 200 ]
    api POST /api/v1/users.generatePersonalAccessToken '{"tokenName":"dup"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-token-already-exists" and .error == "A token with this name already exists [error-token-already-exists]"'
}

@test "regenerate replaces the token: the old one stops working" {
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/users.generatePersonalAccessToken '{"tokenName":"regen"}'
    old=$(jq -r .token <<<"$BODY")
    api POST /api/v1/users.regeneratePersonalAccessToken '{"tokenName":"regen"}'
    [ "$STATUS" = 200 ]
    new=$(jq -r .token <<<"$BODY")
    [ "$old" != "$new" ]
    AUTH_TOKEN=$old api GET /api/v1/me
    [ "$STATUS" = 401 ]
    AUTH_TOKEN=$new api GET /api/v1/me
    [ "$STATUS" = 200 ]
    api POST /api/v1/users.regeneratePersonalAccessToken '{"tokenName":"no-such"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-token-does-not-exists"'
}

@test "remove deletes the token and it stops working" {
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/users.generatePersonalAccessToken '{"tokenName":"gone"}'
    pat=$(jq -r .token <<<"$BODY")
    api POST /api/v1/users.removePersonalAccessToken '{"tokenName":"gone"}'
    [ "$STATUS" = 200 ]
    AUTH_TOKEN=$pat api GET /api/v1/me
    [ "$STATUS" = 401 ]
    api POST /api/v1/users.removePersonalAccessToken '{"tokenName":"gone"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-token-does-not-exists"'
}

@test "token endpoints refuse a missing or mistyped tokenName" {
    login_as admin "$ADMIN_PASS"
    for ep in generate regenerate remove; do
        path=/api/v1/users.${ep}PersonalAccessToken
        api POST "$path" '{}'
        [ "$STATUS" = 400 ]
        jq_is '.error == "The '"'"'tokenName'"'"' param is required"'
        for bad in 1 true '["x"]' '{"$ne":""}' null; do
            api POST "$path" "{\"tokenName\":$bad}"
            [ "$STATUS" = 400 ] || { echo "$path $bad -> $STATUS"; return 1; }
        done
    done
    api POST /api/v1/users.generatePersonalAccessToken '{"tokenName":"x","bypassTwoFactor":"yes"}'
    [ "$STATUS" = 400 ]
}

@test "token endpoints need a login" {
    for ep in generate regenerate remove; do
        api POST "/api/v1/users.${ep}PersonalAccessToken" '{"tokenName":"x"}'
        [ "$STATUS" = 401 ]
    done
    api GET /api/v1/users.getPersonalAccessTokens
    [ "$STATUS" = 401 ]
}

@test "without create-personal-access-tokens: 400 not-authorized, and 403 for the list" {
    create_user nopat nopat-pass-1 guest
    login_as nopat nopat-pass-1
    api POST /api/v1/users.generatePersonalAccessToken '{"tokenName":"x"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "not-authorized" and .details.method == "personalAccessTokens:generateToken"'
    api GET /api/v1/users.getPersonalAccessTokens
    [ "$STATUS" = 403 ]
    jq_is '.error == "User does not have the permissions required for this action [error-unauthorized]"'
}

@test "tokens are stored hashed with their name, never in plain text" {
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/users.generatePersonalAccessToken '{"tokenName":"stored"}'
    pat=$(jq -r .token <<<"$BODY")
    ! sqlite3 "$RCD_DIR/rcd.db" .dump | grep -qF "$pat"
    hash=$(printf %s "$pat" | openssl dgst -sha256 -binary | base64)
    [ "$(sqlite3 "$RCD_DIR/rcd.db" "SELECT name FROM tokens WHERE hash='$hash' AND kind='pat'")" = stored ]
}
