#!/usr/bin/env bats
# POST /api/v1/login (every body form), /logout, /me, and the auth gate.

load ../lib/rcd

setup_file() { rcd_start; }
teardown_file() { rcd_stop; }
setup() { logout_local; }

unauthorized_body='{"success":false,"error":"Unauthorized","status":"error","message":"Unauthorized"}'

@test "login with user and password returns token, userId and me" {
    api POST /api/v1/login "{\"user\":\"admin\",\"password\":\"$ADMIN_PASS\"}"
    [ "$STATUS" = 200 ]
    jq_is '.status == "success" and .success == true'
    jq_is '.data.authToken | test("^[A-Za-z0-9_-]{43}$")'
    jq_is '.data.userId | test("^[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}$")'
    jq_is '.data.me.username == "admin" and (.data.me.roles | index("admin") != null)'
    jq_is '(keys_unsorted | last) == "success"'
}

@test "login accepts username, email, user objects and the seed's form body" {
    api POST /api/v1/login "{\"username\":\"admin\",\"password\":\"$ADMIN_PASS\"}"
    [ "$STATUS" = 200 ]
    api POST /api/v1/login "{\"email\":\"$ADMIN_MAIL\",\"password\":\"$ADMIN_PASS\"}"
    [ "$STATUS" = 200 ]
    api POST /api/v1/login "{\"user\":\"$ADMIN_MAIL\",\"password\":\"$ADMIN_PASS\"}"
    [ "$STATUS" = 200 ]
    api POST /api/v1/login "{\"user\":{\"username\":\"ADMIN\"},\"password\":\"$ADMIN_PASS\"}"
    [ "$STATUS" = 200 ]
    api POST /api/v1/login "{\"user\":{\"email\":\"$ADMIN_MAIL\"},\"password\":\"$ADMIN_PASS\"}"
    [ "$STATUS" = 200 ]
    # the seed's recipe: curl --data "user=$RC_USERNAME&password=$RC_PASSWORD"
    BODY=$(curl -s --data "user=admin&password=$ADMIN_PASS" "$RCD_URL/api/v1/login")
    jq_is '.status == "success" and (.data.authToken | length) == 43'
}

@test "login accepts a pre-hashed password digest in either case" {
    digest=$(printf %s "$ADMIN_PASS" | sha256sum | cut -d' ' -f1)
    api POST /api/v1/login "{\"user\":\"admin\",\"password\":{\"digest\":\"$digest\",\"algorithm\":\"sha-256\"}}"
    [ "$STATUS" = 200 ]
    upper=$(tr a-f A-F <<<"$digest")
    api POST /api/v1/login "{\"user\":\"admin\",\"password\":{\"digest\":\"$upper\",\"algorithm\":\"sha-256\"}}"
    [ "$STATUS" = 200 ]
    api POST /api/v1/login "{\"user\":\"admin\",\"password\":{\"digest\":\"$digest\",\"algorithm\":\"md5\"}}"
    [ "$STATUS" = 400 ]
}

@test "login resumes an existing token and keeps it" {
    login_as admin "$ADMIN_PASS"
    token=$AUTH_TOKEN; logout_local
    api POST /api/v1/login "{\"resume\":\"$token\"}"
    [ "$STATUS" = 200 ]
    jq_is ".data.authToken == \"$token\""
    api POST /api/v1/login '{"resume":"not-a-token"}'
    [ "$STATUS" = 401 ]
}

@test "login through the totp wrapper works for a user without 2FA" {
    api POST /api/v1/login "{\"totp\":{\"code\":\"123456\",\"login\":{\"user\":\"admin\",\"password\":\"$ADMIN_PASS\"}}}"
    [ "$STATUS" = 200 ]
}

@test "wrong password and unknown user get the same 401 body" {
    api POST /api/v1/login '{"user":"admin","password":"wrong"}'
    [ "$STATUS" = 401 ]
    [ "$(jq -cS . <<<"$BODY")" = "$(jq -cS . <<<"$unauthorized_body")" ]
    wrong=$BODY
    api POST /api/v1/login '{"user":"nobody-here","password":"wrong"}'
    [ "$STATUS" = 401 ]
    [ "$BODY" = "$wrong" ]
}

@test "login with wrong JSON types is 400 invalid-params, never 200" {
    for body in '{"user":"admin","password":12}' '{"user":"admin","password":["x"]}' \
                '{"user":12,"password":"x"}' '{"user":"admin","password":null}' \
                '{"username":{"$ne":1},"password":"x"}' '{"resume":{"$ne":""}}' \
                '{"user":"admin"}' '{"password":"x"}' '{}'; do
        api POST /api/v1/login "$body"
        [ "$STATUS" = 400 ] || { echo "body $body -> $STATUS $BODY"; return 1; }
        jq_is '.success == false and .errorType == "invalid-params"'
    done
}

@test "login with a malformed body is a 400 JSON error" {
    for body in '{"user":' '[1,2]' '"text"' '{"user":"a","user":"b","password":"x"}'; do
        api POST /api/v1/login "$body"
        [ "$STATUS" = 400 ] || { echo "body $body -> $STATUS"; return 1; }
        jq_is '.success == false and (.error | type) == "string"'
    done
    deep=$(printf '{"a":%.0s' $(seq 1 100))1$(printf '}%.0s' $(seq 1 100))
    api POST /api/v1/login "$deep"
    [ "$STATUS" = 400 ]
}

@test "GET /me without credentials is 401 with all four keys" {
    api GET /api/v1/me
    [ "$STATUS" = 401 ]
    jq_is '.success == false and .status == "error"'
    jq_is '.message == "You must be logged in to do this." and .error == .message'
}

@test "GET /me with a wrong token or another user's id is 401" {
    login_as admin "$ADMIN_PASS"
    AUTH_TOKEN=wrongtokenwrongtokenwrongtokenwrongtokenxx api GET /api/v1/me
    [ "$STATUS" = 401 ]
    AUTH_UID=AAAAAAAAAAAAAAAAA api GET /api/v1/me
    [ "$STATUS" = 401 ]
    AUTH_UID= api GET /api/v1/me
    [ "$STATUS" = 401 ]
}

@test "GET /me returns the caller, never a password hash" {
    login_as admin "$ADMIN_PASS"
    api GET /api/v1/me
    [ "$STATUS" = 200 ]
    jq_is '.username == "admin" and ._id == env.AUTH_UID and .active == true'
    jq_is '.emails[0].address == env.ADMIN_MAIL and .email == env.ADMIN_MAIL'
    jq_is '.services.password == {"exists": true}'
    jq_is '.avatarUrl == (env.RCD_URL + "/avatar/admin")'
    jq_is '.settings.preferences.sendOnEnter == "normal"'
    jq_is '._updatedAt | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z$")'
    ! grep -q '\$2[aby]\$' <<<"$BODY"
    ! grep -q "$AUTH_TOKEN" <<<"$BODY"
}

@test "logout answers Rocket.Chat's body and the token stops working" {
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/logout
    [ "$STATUS" = 200 ]
    jq_is '. == {"status":"success","data":{"message":"You'"'"'ve been logged out!"}}'
    api GET /api/v1/me
    [ "$STATUS" = 401 ]
}

@test "logout only ends the presented token" {
    login_as admin "$ADMIN_PASS"
    first_uid=$AUTH_UID first_token=$AUTH_TOKEN
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/logout
    [ "$STATUS" = 200 ]
    AUTH_UID=$first_uid AUTH_TOKEN=$first_token api GET /api/v1/me
    [ "$STATUS" = 200 ]
}

@test "logout without credentials is 401" {
    api POST /api/v1/logout
    [ "$STATUS" = 401 ]
}

@test "lastLogin is set on login" {
    login_as admin "$ADMIN_PASS"
    last=$(sqlite3 "$RCD_DIR/rcd.db" "SELECT last_login FROM users WHERE username='admin'")
    now=$(date +%s%3N)
    [ -n "$last" ] && [ $((now - last)) -lt 10000 ]
}

@test "tokens and passwords are stored only as hashes" {
    login_as admin "$ADMIN_PASS"
    sqlite3 "$RCD_DIR/rcd.db" "SELECT password FROM users WHERE username='admin'" | grep -q '^\$2b\$'
    ! sqlite3 "$RCD_DIR/rcd.db" .dump | grep -qF "$AUTH_TOKEN"
    ! sqlite3 "$RCD_DIR/rcd.db" .dump | grep -qF "$ADMIN_PASS"
    hash=$(printf %s "$AUTH_TOKEN" | openssl dgst -sha256 -binary | base64)
    [ "$(sqlite3 "$RCD_DIR/rcd.db" "SELECT count(*) FROM tokens WHERE hash='$hash'")" = 1 ]
    ! grep -qF "$AUTH_TOKEN" "$RCD_DIR/rcd.log"
    ! grep -qF "$ADMIN_PASS" "$RCD_DIR/rcd.log"
}

@test "a deactivated user with the right password gets error-user-is-not-activated" {
    hex=$(printf %s "$ADMIN_PASS" | sha256sum | cut -d' ' -f1)
    pw=$(sqlite3 "$RCD_DIR/rcd.db" "SELECT password FROM users WHERE username='admin'")
    sqlite3 "$RCD_DIR/rcd.db" "INSERT INTO users (id, username, name, active, password, created_at, updated_at) VALUES ('IIIIIIIIIIIIIIIII', 'inactive1', 'x', 0, '$pw', 1, 1)"
    api POST /api/v1/login "{\"user\":\"inactive1\",\"password\":\"$ADMIN_PASS\"}"
    [ "$STATUS" = 401 ]
    jq_is '.error == "error-user-is-not-activated" and .message == "User is not activated"'
    # with a wrong password the account's state is not revealed
    api POST /api/v1/login '{"user":"inactive1","password":"wrong"}'
    [ "$STATUS" = 401 ]
    jq_is '.error == "Unauthorized"'
}
