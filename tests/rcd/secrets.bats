#!/usr/bin/env bats
# No users.* answer ever carries a secret: every endpoint is called as an
# admin, as a plain user and as the user themself (and anonymously where
# that is allowed), and every body is scanned for password hashes, tokens,
# TOTP secrets and the plaintexts planted here.

load ../lib/rcd

setup_file() {
    rcd_start OVERWRITE_SETTING_API_Enable_Rate_Limiter=false
    login_as admin "$ADMIN_PASS"
    export ADMIN_UID=$AUTH_UID ADMIN_TOKEN=$AUTH_TOKEN
    for u in victim other; do
        api POST /api/v1/users.create "{\"username\":\"$u\",\"email\":\"$u@example.com\",\"name\":\"$u\",\"password\":\"pw-$u-plaintext\"}"
        [ "$STATUS" = 200 ] || { echo "$BODY" >&2; return 1; }
    done
    login_as victim pw-victim-plaintext
    export VICTIM_UID=$AUTH_UID VICTIM_TOKEN=$AUTH_TOKEN
    api POST /api/v1/users.generatePersonalAccessToken '{"tokenName":"scan"}'
    export VICTIM_PAT=
    [ "$STATUS" = 200 ] && VICTIM_PAT=$(jq -r .token <<<"$BODY")
    login_as other pw-other-plaintext
    export OTHER_UID=$AUTH_UID OTHER_TOKEN=$AUTH_TOKEN
    # a TOTP secret and backup codes planted where the store keeps them
    export TOTP_SECRET=JBSWY3DPEHPK3PXPPLANTEDSECRETX
    export TOTP_BACKUP=plantedbackupcode0123456789abcdef
    sqlite3 "$RCD_DIR/rcd.db" "UPDATE users SET totp_secret = '$TOTP_SECRET', totp_enabled = 1, totp_backup = '[\"$TOTP_BACKUP\"]' WHERE username = 'victim'"
}
teardown_file() { rcd_stop; }

# call METHOD PATH [BODY]: api, then keep the body for the scan.
call() {
    api "$@"
    [ "$STATUS" -lt 500 ] || { echo "$1 $2 -> $STATUS $BODY" >&2; return 1; }
    printf '%s\n' "$BODY" >>"$RCD_DIR/bodies"
}

# every users endpoint once, as whoever AUTH_UID/AUTH_TOKEN name
call_all() {
    local n=$1
    call GET "/api/v1/users.info?userId=$VICTIM_UID"
    call GET /api/v1/users.info?username=victim
    call GET "/api/v1/users.info?userId=$VICTIM_UID&includeUserRooms=true"
    call GET /api/v1/users.list?count=0
    call GET "/api/v1/users.list?count=0&fields=$(jq -rn '{services:1,password:1,totp_secret:1,hashedToken:1,emails:1,roles:1,settings:1}|tojson|@uri')"
    call GET "/api/v1/users.getStatus?userId=$VICTIM_UID"
    call GET "/api/v1/users.getPresence?userId=$VICTIM_UID"
    call GET /api/v1/users.getStatus
    call GET /api/v1/users.getPresence
    call POST /api/v1/users.update "{\"userId\":\"$VICTIM_UID\",\"data\":{\"nickname\":\"n$n\",\"bio\":\"b\"}}"
    call POST /api/v1/users.setStatus "{\"status\":\"away\",\"message\":\"m$n\",\"userId\":\"$VICTIM_UID\"}"
    call POST /api/v1/users.setStatus "{\"status\":\"online\"}"
    call POST /api/v1/users.create "{\"username\":\"made$n\",\"email\":\"made$n@example.com\",\"name\":\"M\",\"password\":\"pw-made$n-plaintext\"}"
    call POST /api/v1/users.setActiveStatus "{\"userId\":\"$VICTIM_UID\",\"activeStatus\":true}"
    call POST /api/v1/users.deactivateIdle '{"daysIdle":999999,"role":"guest"}'
    call POST /api/v1/users.delete '{"userId":"NOSUCHUSER1234567"}'
    call POST /api/v1/users.logout '{"userId":"NOSUCHUSER1234567"}'
    call POST /api/v1/users.register "{\"username\":\"reg$n\",\"email\":\"reg$n@example.com\",\"pass\":\"pw-reg$n-plaintext\",\"name\":\"R\"}"
    call GET /api/v1/me
}

# scan [FILE]: no kept body holds a secret; each check names what it found
scan() {
    local f=${1:-$RCD_DIR/bodies} secret
    [ -s "$f" ]
    if grep -nE '\$2[aby]\$|bcrypt|hashedToken|loginTokens|totp_secret|totp_backup' "$f"; then
        echo "hash or secret field in a response" >&2; return 1
    fi
    for secret in "$ADMIN_TOKEN" "$VICTIM_TOKEN" "$OTHER_TOKEN" "$VICTIM_PAT" \
                  "$TOTP_SECRET" "$TOTP_BACKUP" "$ADMIN_PASS" pw-victim-plaintext \
                  pw-other-plaintext -plaintext; do
        [ -n "$secret" ] || continue
        if grep -nF -- "$secret" "$f"; then
            echo "a planted secret is in a response" >&2; return 1
        fi
    done
    # no key anywhere that names a secret carries a string; services only says what exists
    while read -r body; do
        jq -e '[.. | objects | to_entries[]
                | select(.key | test("password|token|secret|bcrypt|backup"; "i"))
                | select([.value | .. | strings] | length > 0)]
               | length == 0' <<<"$body" >/dev/null ||
            { echo "secret-looking key in: $body" >&2; return 1; }
        # users.info of oneself says true, /me says {"exists": bool}
        jq -e '[.. | objects | select(has("services")) | .services | to_entries[]
                | select((.key == "password" and (.value == true or
                            (.value | type == "object" and keys == ["exists"])))
                         or (.key == "totp" and .value == {"enabled": true}) | not)]
               | length == 0' <<<"$body" >/dev/null ||
            { echo "unexpected services in: $body" >&2; return 1; }
    done <"$f"
}

@test "admin: no users answer carries a secret" {
    AUTH_UID=$ADMIN_UID AUTH_TOKEN=$ADMIN_TOKEN
    call_all 1
    scan
}

@test "plain user: no users answer carries a secret" {
    AUTH_UID=$OTHER_UID AUTH_TOKEN=$OTHER_TOKEN
    call_all 2
    scan
}

@test "the user themself: no users answer carries a secret" {
    AUTH_UID=$VICTIM_UID AUTH_TOKEN=$VICTIM_TOKEN
    call_all 3
    scan
    # the self view does say which methods exist
    AUTH_UID=$VICTIM_UID AUTH_TOKEN=$VICTIM_TOKEN api GET "/api/v1/users.info?userId=$VICTIM_UID"
    jq_is '.user.services == {"password": true, "totp": {"enabled": true}}'
}

@test "anonymous registration and every refusal carry no secret" {
    AUTH_UID= AUTH_TOKEN=
    call POST /api/v1/users.register '{"username":"anonreg","email":"anonreg@example.com","pass":"pw-anon-plaintext","name":"A"}'
    call POST /api/v1/users.register '{"username":"victim","email":"x@example.com","pass":"pw-x-plaintext","name":"A"}'
    call GET "/api/v1/users.info?userId=$VICTIM_UID"
    call GET /api/v1/users.list
    scan
}

@test "deactivation, logout and deletion answers carry no secret" {
    AUTH_UID=$ADMIN_UID AUTH_TOKEN=$ADMIN_TOKEN
    call POST /api/v1/users.create '{"username":"gone","email":"gone@example.com","name":"G","password":"pw-gone-plaintext"}'
    id=$(jq -r .user._id <<<"$BODY")
    login_as gone pw-gone-plaintext
    AUTH_UID=$ADMIN_UID AUTH_TOKEN=$ADMIN_TOKEN
    call POST /api/v1/users.setActiveStatus "{\"userId\":\"$id\",\"activeStatus\":false}"
    call POST /api/v1/users.update "{\"userId\":\"$id\",\"data\":{\"active\":true,\"password\":\"pw-gone2-plaintext\"}}"
    call POST /api/v1/users.logout "{\"userId\":\"$id\"}"
    call POST /api/v1/users.delete "{\"userId\":\"$id\"}"
    scan
}

@test "the scanner itself notices each kind of leak" {
    for leak in '{"user":{"services":{"password":{"bcrypt":"x"}}}}' \
                '{"hash":"$2b$10$abcdefghijklmnopqrstuv"}' \
                "{\"t\":\"$VICTIM_TOKEN\"}" \
                "{\"x\":\"$TOTP_SECRET\"}" \
                '{"user":{"services":{"resume":{"loginTokens":[]}}}}' \
                '{"authToken":"abc"}' '{"user":{"password":"plain"}}' \
                '{"services":{"totp":{"enabled":true,"secret":"s"}}}'; do
        printf '%s\n' "$leak" >"$RCD_DIR/fake"
        if scan "$RCD_DIR/fake" 2>/dev/null; then
            echo "scan missed: $leak"; return 1
        fi
    done
    printf '%s\n' '{"user":{"services":{"password":true}},"success":true}' >"$RCD_DIR/fake"
    scan "$RCD_DIR/fake"
}

@test "the log holds no token or password either" {
    ! grep -F -- "$VICTIM_TOKEN" "$RCD_DIR/rcd.log"
    ! grep -F -- "$ADMIN_TOKEN" "$RCD_DIR/rcd.log"
    ! grep -F -- "-plaintext" "$RCD_DIR/rcd.log"
    ! grep -F -- "$TOTP_SECRET" "$RCD_DIR/rcd.log"
}
