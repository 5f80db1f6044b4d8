#!/usr/bin/env bats
# The users.* endpoints (rcd/api/users.c): create, info, list, update,
# delete, setActiveStatus, deactivateIdle, register, logout, setStatus,
# getStatus, getPresence.

load ../lib/rcd

setup_file() {
    rcd_start OVERWRITE_SETTING_API_Enable_Rate_Limiter=false
    login_as admin "$ADMIN_PASS"
    export ADMIN_UID=$AUTH_UID ADMIN_TOKEN=$AUTH_TOKEN
    api POST /api/v1/users.create \
        '{"username":"plain","email":"plain@example.com","name":"Plain User","password":"pw-plain"}'
    [ "$STATUS" = 200 ] || { echo "$BODY" >&2; return 1; }
    login_as plain pw-plain
    export PLAIN_UID=$AUTH_UID PLAIN_TOKEN=$AUTH_TOKEN
}
teardown_file() { rcd_stop; }
setup() { as_admin; }

as_admin() { export AUTH_UID=$ADMIN_UID AUTH_TOKEN=$ADMIN_TOKEN; }
as_plain() { export AUTH_UID=$PLAIN_UID AUTH_TOKEN=$PLAIN_TOKEN; }

# mkuser NAME [EXTRA_JSON]: create NAME (password pw-NAME) as admin; NEW_ID.
mkuser() {
    local body
    body=$(jq -nc --arg u "$1" --argjson x "${2:-{\}}" \
        '{username:$u, email:($u+"@example.com"), name:("Name "+$u), password:("pw-"+$u)} + $x')
    AUTH_UID=$ADMIN_UID AUTH_TOKEN=$ADMIN_TOKEN api POST /api/v1/users.create "$body"
    [ "$STATUS" = 200 ] || { echo "mkuser $1: $STATUS $BODY" >&2; return 1; }
    NEW_ID=$(jq -r .user._id <<<"$BODY")
}

# login_keep NAME: log NAME in with pw-NAME; U_UID/U_TOKEN, admin stays current.
login_keep() {
    login_as "$1" "pw-$1" || return 1
    U_UID=$AUTH_UID U_TOKEN=$AUTH_TOKEN
    as_admin
}

# set_setting ID JSON: change a setting as admin (2FA by password digest).
set_setting() {
    local digest
    digest=$(printf %s "$ADMIN_PASS" | sha256sum | cut -d' ' -f1)
    AUTH_UID=$ADMIN_UID AUTH_TOKEN=$ADMIN_TOKEN api POST "/api/v1/settings/$1" \
        "{\"value\":$2}" -H "X-2FA-Code: $digest" -H 'X-2FA-Method: password'
    [ "$STATUS" = 200 ] || { echo "set_setting $1: $STATUS $BODY" >&2; return 1; }
}

# JSON values of the wrong type for a parameter of type s|b|n|o|a.
wrong_values() {
    case $1 in
    s) printf '%s\n' '{"$ne":""}' '["x"]' '12' 'true' 'null' '"a\u0000b"' ;;
    b) printf '%s\n' '"true"' '1' '{}' '[]' 'null' ;;
    n) printf '%s\n' '"1"' 'true' '{}' '[1]' 'null' ;;
    o) printf '%s\n' '"x"' '[]' '1' 'null' ;;
    a) printf '%s\n' '"user"' '{}' '1' 'null' '[1]' '[{"$ne":1}]' ;;
    esac
}

# bad_bodies BASE KEY:TYPE...: BASE with one parameter replaced per line.
bad_bodies() {
    local base=$1 spec k t v
    shift
    for spec in "$@"; do
        k=${spec%:*} t=${spec##*:}
        while read -r v; do
            jq -c --arg k "$k" --argjson v "$v" 'setpath($k | split("."); $v)' <<<"$base"
        done < <(wrong_values "$t")
    done
}

# all_400 METHOD PATH: every body on stdin must be refused with a 400.
all_400() {
    local body n=0
    while read -r body; do
        api "$1" "$2" "$body"
        if [ "$STATUS" != 400 ] || ! jq -e '.success == false' <<<"$BODY" >/dev/null; then
            echo "$2 $body -> $STATUS $BODY"
            return 1
        fi
        n=$((n + 1))
    done
    [ "$n" -gt 0 ]
}

# a jq regex inside a jq string: the backslash is doubled
iso_re='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$'
route_403='User does not have the permissions required for this action [error-unauthorized]'

# ---- authentication ----

@test "every users endpoint without credentials is 401 with the four keys" {
    AUTH_UID= AUTH_TOKEN=
    for r in "POST users.create" "GET users.info?userId=x" "GET users.list" \
             "POST users.update" "POST users.delete" "POST users.setActiveStatus" \
             "POST users.deactivateIdle" "POST users.logout" "POST users.setStatus" \
             "GET users.getStatus" "GET users.getPresence"; do
        api "${r%% *}" "/api/v1/${r#* }" '{}'
        [ "$STATUS" = 401 ] || { echo "$r -> $STATUS"; return 1; }
        jq_is '.success == false and .status == "error"'
        jq_is '.error == "You must be logged in to do this." and .message == .error'
    done
}

# ---- users.create ----

@test "users.create makes a user and answers the full document, never a secret" {
    api POST /api/v1/users.create \
        '{"username":"carol","email":"carol@example.com","name":"Carol","password":"pw-carol"}'
    [ "$STATUS" = 200 ]
    jq_is '.user._id | test("^[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}$")'
    jq_is '.user.username == "carol" and .user.name == "Carol" and .user.type == "user"'
    jq_is '.user.emails == [{"address":"carol@example.com","verified":false}]'
    jq_is '.user.active == true and .user.status == "offline" and .user.roles == ["user"]'
    jq_is ".user.createdAt | test(\"$iso_re\")"
    jq_is ".user._updatedAt | test(\"$iso_re\")"
    jq_is '(.user | has("services") or has("password") or has("lastLogin")) | not'
    jq_is '(keys_unsorted | last) == "success"'
    ! grep -q '\$2[aby]\$' <<<"$BODY"
    login_as carol pw-carol
}

@test "users.create honours its optional fields" {
    mkuser dave '{"active":false,"verified":true,"requirePasswordChange":true,
        "nickname":"D","bio":"about dave","statusText":" busy day ",
        "customFields":{"team":"red"},"roles":["user","bot"],
        "joinDefaultChannels":false,"sendWelcomeEmail":false,"fields":"{}"}'
    jq_is '.user.active == false and .user.emails[0].verified == true'
    jq_is '.user.requirePasswordChange == true and .user.nickname == "D"'
    jq_is '.user.bio == "about dave" and .user.statusText == "busy day"'
    jq_is '.user.customFields == {"team":"red"} and .user.inactiveReason == "deactivated"'
    jq_is '(.user.roles | sort) == ["bot","user"]'
    api POST /api/v1/login '{"user":"dave","password":"pw-dave"}'
    [ "$STATUS" = 401 ]
}

@test "users.create takes the default roles from the setting" {
    set_setting Accounts_Registration_Users_Default_Roles '" user , guest "'
    mkuser erin
    jq_is '(.user.roles | sort) == ["guest","user"]'
    set_setting Accounts_Registration_Users_Default_Roles '"user"'
}

@test "users.create refuses wrong JSON types for every parameter" {
    base='{"username":"typo","email":"typo@example.com","name":"T","password":"p"}'
    bad_bodies "$base" email:s name:s password:s username:s active:b bio:s \
        nickname:s statusText:s roles:a joinDefaultChannels:b \
        requirePasswordChange:b setRandomPassword:b sendWelcomeEmail:b \
        verified:b customFields:o fields:s | all_400 POST /api/v1/users.create
    api GET /api/v1/users.info?username=typo
    [ "$STATUS" = 400 ]
}

@test "users.create reports missing and unknown parameters as ajv does" {
    api POST /api/v1/users.create '{"username":"x","name":"x","password":"x"}'
    [ "$STATUS" = 400 ]
    jq_is '.error == "must have required property '"'email'"' [invalid-params]"'
    jq_is '.errorType == "invalid-params"'
    api POST /api/v1/users.create '{"username":"x","email":"x@example.com","name":"x","password":"x","admin":true}'
    [ "$STATUS" = 400 ]
    jq_is '.error == "must NOT have additional properties [invalid-params]"'
}

@test "users.create refuses taken usernames and addresses, in any case" {
    api POST /api/v1/users.create '{"username":"PLAIN","email":"new1@example.com","name":"x","password":"x"}'
    [ "$STATUS" = 400 ]
    jq_is '.error == "PLAIN is already in use :( [error-field-unavailable]"'
    jq_is '.errorType == "error-field-unavailable" and .details.method == "insertOrUpdateUser"'
    api POST /api/v1/users.create '{"username":"fresh1","email":"Plain@Example.com","name":"x","password":"x"}'
    [ "$STATUS" = 400 ]
    jq_is '.error == "Plain@Example.com is already in use :( [error-field-unavailable]"'
}

@test "users.create validates username, name, e-mail, roles and sizes" {
    api POST /api/v1/users.create '{"username":"bad name","email":"b1@example.com","name":"x","password":"x"}'
    jq_is '.error == "bad name is not a valid username [error-input-is-not-a-valid-field]"'
    api POST /api/v1/users.create '{"username":"a<b","email":"b1@example.com","name":"x","password":"x"}'
    jq_is '.error == "a&lt;b is not a valid username [error-input-is-not-a-valid-field]"'
    for name in system user ALL here Administrator; do
        api POST /api/v1/users.create "{\"username\":\"$name\",\"email\":\"b1@example.com\",\"name\":\"x\",\"password\":\"x\"}"
        [ "$STATUS" = 400 ]
        jq_is ".error == \"$name is blocked and can't be used! [error-blocked-username]\""
    done
    api POST /api/v1/users.create '{"username":"nm1","email":"b1@example.com","name":"a<script>","password":"x"}'
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"Name contains invalid characters"}'
    api POST /api/v1/users.create '{"username":"nm1","email":"b1@example.com","name":"a%2Fb%3C","password":"x"}'
    jq_is '.error == "Name contains invalid characters"'
    api POST /api/v1/users.create '{"username":"nm1","email":"b1@example.com","name":"  ","password":"x"}'
    jq_is '.error == "The field Name is required [error-the-field-is-required]"'
    api POST /api/v1/users.create '{"username":"nm1","email":"b1@example.com","name":"x","password":""}'
    jq_is '.error == "The field Password is required [error-the-field-is-required]"'
    api POST /api/v1/users.create '{"username":"nm1","email":"not-an-address","name":"x","password":"x"}'
    jq_is '.error == "Invalid email not-an-address [error-invalid-email]"'
    api POST /api/v1/users.create '{"username":"nm1","email":"b1@example.com","name":"x","password":"x","roles":["user","wizard"]}'
    jq_is '.error == "The field Roles consist invalid role id [error-action-not-allowed]"'
    jq_is '.details == {"method":"insertOrUpdateUser","action":"Assign_role"}'
    bio=$(printf 'b%.0s' $(seq 1 261))
    api POST /api/v1/users.create "{\"username\":\"nm1\",\"email\":\"b1@example.com\",\"name\":\"x\",\"password\":\"x\",\"bio\":\"$bio\"}"
    jq_is '.error == "Bio size exceeds 260 characters [error-bio-size-exceeded]"'
    api GET /api/v1/users.info?username=nm1
    [ "$STATUS" = 400 ]
}

@test "users.create follows UTF8_User_Names_Validation" {
    set_setting UTF8_User_Names_Validation '"[a-z]+\\d*"'
    api POST /api/v1/users.create '{"username":"ab12","email":"v1@example.com","name":"x","password":"x"}'
    [ "$STATUS" = 200 ]
    api POST /api/v1/users.create '{"username":"ab-12","email":"v2@example.com","name":"x","password":"x"}'
    jq_is '.errorType == "error-input-is-not-a-valid-field"'
    set_setting UTF8_User_Names_Validation '"[0-9a-zA-Z-_.]+"'
    api POST /api/v1/users.create '{"username":"ab-1_2.c","email":"v2@example.com","name":"x","password":"x"}'
    [ "$STATUS" = 200 ]
}

@test "users.create by a plain user is error-action-not-allowed" {
    as_plain
    api POST /api/v1/users.create '{"username":"nope1","email":"nope1@example.com","name":"x","password":"x"}'
    [ "$STATUS" = 400 ]
    jq_is '.error == "Adding user is not allowed [error-action-not-allowed]"'
    jq_is '.details == {"method":"insertOrUpdateUser","action":"Adding_user"}'
}

# ---- users.info ----

@test "users.info by id or username shows an admin everything but services" {
    api GET "/api/v1/users.info?userId=$PLAIN_UID"
    [ "$STATUS" = 200 ]
    jq_is '.user.username == "plain" and .user.canViewAllInfo == true'
    jq_is '.user.emails[0].address == "plain@example.com" and .user.roles == ["user"]'
    jq_is ".user.lastLogin | test(\"$iso_re\")"
    jq_is '(.user | has("services") or has("settings") or has("_updatedAt")) | not'
    api GET /api/v1/users.info?username=PLAIN
    [ "$STATUS" = 200 ]
    jq_is ".user._id == \"$PLAIN_UID\""
    api GET "/api/v1/users.info?userId=$PLAIN_UID&includeUserRooms=true&fields=%7B%7D"
    [ "$STATUS" = 200 ]
    jq_is '.user | has("rooms") | not'
}

@test "users.info of oneself shows services.password as true, never a hash" {
    as_plain
    api GET "/api/v1/users.info?userId=$PLAIN_UID"
    [ "$STATUS" = 200 ]
    jq_is '.user.services == {"password": true} and .user.canViewAllInfo == true'
    jq_is '.user.emails[0].address == "plain@example.com"'
    ! grep -q '\$2[aby]\$' <<<"$BODY"
    ! grep -qF "$PLAIN_TOKEN" <<<"$BODY"
}

@test "users.info hides private fields from a plain user" {
    as_plain
    api GET /api/v1/users.info?username=admin
    [ "$STATUS" = 200 ]
    jq_is '.user.username == "admin" and .user.canViewAllInfo == false'
    jq_is '[.user | has("emails", "roles", "createdAt", "lastLogin", "services", "statusConnection")] | any | not'
    jq_is '.user | has("_id", "name", "status", "active", "type", "utcOffset")'
}

@test "users.info: not found, bad parameters and literal payloads" {
    api GET /api/v1/users.info?userId=NOSUCHUSER1234567
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"User not found."}'
    api GET /api/v1/users.info
    [ "$STATUS" = 400 ]
    jq_is '.error == "must have required property '"'userId'"'\n must have required property '"'username'"'\n must have required property '"'importId'"'\n must match a schema in anyOf [invalid-params]"'
    api GET "/api/v1/users.info?userId=$PLAIN_UID&role=admin"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-params"'
    api GET "/api/v1/users.info?userId=$PLAIN_UID&username=plain"
    [ "$STATUS" = 400 ]
    api GET "/api/v1/users.info?userId="
    jq_is '. == {"success":false,"error":"Invalid search query."}'
    api GET /api/v1/users.info?importId=abc
    jq_is '.error == "User not found."'
    for p in '%' '_' 'pla_n' 'pl%' "plain'--" "' OR '1'='1" "plain' OR username LIKE '%" \
             '*' '.*' 'p\lain' '[p]lain' 'plain"; DROP TABLE users; --'; do
        api GET "/api/v1/users.info?username=$(jq -rn --arg p "$p" '$p|@uri')"
        [ "$STATUS" = 400 ] || { echo "username=$p -> $STATUS $BODY"; return 1; }
        jq_is '.error == "User not found."'
    done
    api GET /api/v1/users.info?username=plain%00x
    [ "$STATUS" = 400 ]
    api GET /api/v1/users.info?username=plain
    [ "$STATUS" = 200 ]
}

# ---- users.list ----

@test "users.list pages 120 users by count and offset, clamps and un-limits" {
    for i in $(seq -w 1 120); do
        api POST /api/v1/users.create "{\"username\":\"page$i\",\"email\":\"page$i@example.com\",\"name\":\"Page $i\",\"password\":\"x\"}"
        [ "$STATUS" = 200 ] || { echo "$BODY"; return 1; }
    done
    total=$(sqlite3 "$RCD_DIR/rcd.db" 'SELECT count(*) FROM users')
    seen=$RCD_DIR/seen
    : >"$seen"
    for off in $(seq 0 50 $((total + 49))); do
        api GET "/api/v1/users.list?count=50&offset=$off"
        [ "$STATUS" = 200 ]
        want=$((total - off)); [ "$want" -gt 50 ] && want=50; [ "$want" -lt 0 ] && want=0
        jq_is ".total == $total and .offset == $off and .count == $want and (.users | length) == $want"
        jq -r '.users[]._id' <<<"$BODY" >>"$seen"
    done
    [ "$(sort -u "$seen" | wc -l)" = "$total" ]
    [ "$(wc -l <"$seen")" = "$total" ]
    api GET /api/v1/users.list?count=500
    jq_is '.count == 100 and (.users | length) == 100'
    api GET /api/v1/users.list?count=0
    jq_is ".count == $total and (.users | length) == $total"
    api GET /api/v1/users.list
    jq_is '.count == 50 and .offset == 0'
    api GET "/api/v1/users.list?offset=$((total + 10))"
    jq_is ".count == 0 and .users == [] and .total == $total"
}

@test "users.list sorts by allowed fields only, deterministically" {
    api GET '/api/v1/users.list?count=0&sort=%7B%22username%22%3A-1%7D'
    [ "$STATUS" = 200 ]
    jq -r '.users[].username' <<<"$BODY" >"$RCD_DIR/desc"
    sort -r -f "$RCD_DIR/desc" | cmp -s - "$RCD_DIR/desc" || sort -r "$RCD_DIR/desc" | cmp - "$RCD_DIR/desc"
    api GET '/api/v1/users.list?count=0'
    jq_is '[.users[].username | ascii_downcase] == ([.users[].username | ascii_downcase] | sort)'
    for s in createdAt lastLogin status active type _id name; do
        api GET "/api/v1/users.list?count=0&sort=%7B%22$s%22%3A1%7D"
        [ "$STATUS" = 200 ] || { echo "$s -> $STATUS $BODY"; return 1; }
        a=$BODY
        api GET "/api/v1/users.list?count=0&sort=%7B%22$s%22%3A1%7D"
        [ "$BODY" = "$a" ]
    done
    api GET '/api/v1/users.list?sort=%7B%22createdAt%22%3A1%7D&count=0'
    jq_is '.users[0].username == "admin"'
    for bad in '{"password":1}' '{"username":2}' '{"username":"1"}' '[1]' 'nojson' \
               '{"username":1,"name":1}' '{"$where":1}'; do
        api GET "/api/v1/users.list?sort=$(jq -rn --arg s "$bad" '$s|@uri')"
        [ "$STATUS" = 400 ] || { echo "sort $bad -> $STATUS"; return 1; }
        jq_is '.errorType == "error-invalid-sort"'
    done
}

@test "users.list: projection by audience, fields, query refused" {
    api GET /api/v1/users.list?count=0
    jq_is '[.users[] | select(.username == "plain")][0] | has("emails") and has("roles") and has("lastLogin")'
    jq_is '[.users[] | has("services") or has("password") or has("createdAt")] | any | not'
    jq_is 'all(.users[]; has("nameInsensitive"))'
    api GET '/api/v1/users.list?count=0&fields=%7B%22emails%22%3A0%7D'
    jq_is '[.users[] | has("emails")] | any | not'
    api GET '/api/v1/users.list?count=0&fields=%7B%22createdAt%22%3A1%2C%22services%22%3A1%7D'
    jq_is 'all(.users[]; has("createdAt")) and ([.users[] | has("services")] | any | not)'
    as_plain
    api GET '/api/v1/users.list?count=0&fields=%7B%22emails%22%3A1%2C%22roles%22%3A1%7D'
    [ "$STATUS" = 200 ]
    jq_is '[.users[] | has("emails") or has("roles") or has("lastLogin")] | any | not'
    api GET '/api/v1/users.list?query=%7B%22username%22%3A%22admin%22%7D'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-invalid-query"'
    for q in count=-1 count=abc offset=x 'fields=%7B%22a%22%3A2%7D'; do
        api GET "/api/v1/users.list?$q"
        [ "$STATUS" = 400 ] || { echo "$q -> $STATUS"; return 1; }
    done
}

@test "users.list needs view-d-room" {
    mkuser anon1 '{"roles":["anonymous"]}'
    login_keep anon1
    AUTH_UID=$U_UID AUTH_TOKEN=$U_TOKEN api GET /api/v1/users.list
    [ "$STATUS" = 403 ]
    jq_is '. == {"success":false,"error":"unauthorized"}'
}

# ---- users.update ----

@test "users.update edits another user and answers the document" {
    mkuser fred
    id=$NEW_ID
    api POST /api/v1/users.update "{\"userId\":\"$id\",\"data\":{\"name\":\" Fred F \",\"nickname\":\"ff\",\"bio\":\"hi\",\"statusText\":\"here\",\"roles\":[\"user\",\"bot\"],\"language\":\"de\",\"customFields\":{\"a\":1}}}"
    [ "$STATUS" = 200 ]
    jq_is '.user.name == "Fred F" and .user.nickname == "ff" and .user.bio == "hi"'
    jq_is '.user.statusText == "here" and (.user.roles | sort) == ["bot","user"]'
    jq_is '.user.language == "de" and .user.customFields == {"a":1}'
    jq_is '(.user | has("services")) | not'
    # a new address is unverified unless verified:true comes with it
    api POST /api/v1/users.update "{\"userId\":\"$id\",\"data\":{\"email\":\"fred2@example.com\",\"verified\":true}}"
    jq_is '.user.emails == [{"address":"fred2@example.com","verified":true}]'
    api POST /api/v1/users.update "{\"userId\":\"$id\",\"data\":{\"email\":\"fred3@example.com\"}}"
    jq_is '.user.emails == [{"address":"fred3@example.com","verified":false}]'
    # Rocket.Chat clears bio and nickname when data leaves them out
    jq_is '(.user | has("bio") or has("nickname")) | not'
    api POST /api/v1/users.update "{\"userId\":\"$id\",\"data\":{\"username\":\"fred_new\"}}"
    jq_is '.user.username == "fred_new"'
    api POST /api/v1/users.update "{\"userId\":\"$id\",\"data\":{\"username\":\"plain\"}}"
    jq_is '.error == "Could not save user identity [error-could-not-save-identity]"'
    api POST /api/v1/users.update "{\"userId\":\"$id\",\"data\":{\"email\":\"PLAIN@example.com\"}}"
    jq_is '.error == "PLAIN@example.com is already in use :( [error-field-unavailable]"'
}

@test "users.update changes passwords only with edit-other-user-password" {
    mkuser gina
    id=$NEW_ID
    api POST /api/v1/users.update "{\"userId\":\"$id\",\"data\":{\"password\":\"pw-gina-2\"}}"
    [ "$STATUS" = 200 ]
    login_as gina pw-gina-2
    # her own change through users.update is silently ignored, as in Rocket.Chat
    api POST /api/v1/users.update "{\"userId\":\"$id\",\"data\":{\"password\":\"pw-gina-3\"}}"
    [ "$STATUS" = 200 ]
    login_as gina pw-gina-2
}

@test "users.update refuses wrong JSON types for every parameter" {
    mkuser hank
    base="{\"userId\":\"$NEW_ID\",\"data\":{\"name\":\"Hank\"}}"
    bad_bodies "$base" userId:s data:o confirmRelinquish:b data.email:s \
        data.name:s data.password:s data.username:s data.bio:s data.nickname:s \
        data.statusText:s data.active:b data.roles:a data.requirePasswordChange:b \
        data.setRandomPassword:b data.sendWelcomeEmail:b data.verified:b \
        data.customFields:o data.status:s data.settings:o data.language:s |
        all_400 POST /api/v1/users.update
    api POST /api/v1/users.update "{\"userId\":\"$NEW_ID\",\"data\":{\"joinDefaultChannels\":true}}"
    jq_is '.error == "must NOT have additional properties [invalid-params]"'
    api POST /api/v1/users.update '{"userId":"","data":{}}'
    jq_is '.error == "must NOT have fewer than 1 characters [invalid-params]"'
    api POST /api/v1/users.update '{"data":{}}'
    jq_is '.error == "must have required property '"'userId'"' [invalid-params]"'
}

@test "users.update: permission rules and not found" {
    as_plain
    api POST /api/v1/users.update "{\"userId\":\"$ADMIN_UID\",\"data\":{\"name\":\"x\"}}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "Editing user is not allowed [error-action-not-allowed]"'
    api POST /api/v1/users.update "{\"userId\":\"$PLAIN_UID\",\"data\":{\"verified\":true}}"
    jq_is '.error == "Editing email verification is not allowed [error-action-not-allowed]"'
    api POST /api/v1/users.update "{\"userId\":\"$PLAIN_UID\",\"data\":{\"roles\":[\"user\",\"admin\"]}}"
    jq_is '.error == "Assigning admin is not allowed [error-action-not-allowed]"'
    api POST /api/v1/users.update "{\"userId\":\"$PLAIN_UID\",\"data\":{\"roles\":[\"user\",\"bot\"]}}"
    jq_is '.error == "Assign roles is not allowed [error-action-not-allowed]"'
    api POST /api/v1/users.update "{\"userId\":\"$PLAIN_UID\",\"data\":{\"active\":false}}"
    jq_is '.error == "Not allowed [error-not-allowed]"'
    api POST /api/v1/users.update "{\"userId\":\"$PLAIN_UID\",\"data\":{\"name\":\"Plain User\",\"statusText\":\"ok\"}}"
    [ "$STATUS" = 200 ]
    jq_is '.user.statusText == "ok" and .user.emails[0].address == "plain@example.com"'
    as_admin
    api POST /api/v1/users.update '{"userId":"NOSUCHUSER1234567","data":{"name":"x"}}'
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"User not found"}'
}

@test "users.update data.active deactivates like setActiveStatus" {
    mkuser ivan
    id=$NEW_ID
    login_keep ivan
    api POST /api/v1/users.update "{\"userId\":\"$id\",\"data\":{\"active\":false}}"
    [ "$STATUS" = 200 ]
    jq_is '.user.active == false and .user.inactiveReason == "deactivated"'
    AUTH_UID=$U_UID AUTH_TOKEN=$U_TOKEN api GET /api/v1/me
    [ "$STATUS" = 401 ]
    api POST /api/v1/users.update "{\"userId\":\"$ADMIN_UID\",\"data\":{\"active\":false}}"
    jq_is '.error == "Leaving the app without an active admin is not allowed [error-action-not-allowed]"'
    api POST /api/v1/users.update "{\"userId\":\"$id\",\"data\":{\"active\":true}}"
    jq_is '.user.active == true and (.user | has("inactiveReason") | not)'
    login_as ivan pw-ivan
}

# ---- users.delete ----

@test "users.delete removes the user and their tokens" {
    mkuser jack
    id=$NEW_ID
    login_keep jack
    api POST /api/v1/users.delete "{\"userId\":\"$id\"}"
    [ "$STATUS" = 200 ]
    jq_is '. == {"success":true}'
    AUTH_UID=$U_UID AUTH_TOKEN=$U_TOKEN api GET /api/v1/me
    [ "$STATUS" = 401 ]
    api GET "/api/v1/users.info?userId=$id"
    jq_is '.error == "User not found."'
    [ "$(sqlite3 "$RCD_DIR/rcd.db" "SELECT count(*) FROM tokens t JOIN users u ON u.rid = t.user_rid WHERE u.id = '$id'")" = 0 ]
    mkuser kate
    api POST /api/v1/users.delete '{"username":"KATE"}'
    [ "$STATUS" = 200 ]
    mkuser kim
    api POST /api/v1/users.delete '{"user":"kim"}'
    [ "$STATUS" = 200 ]
}

@test "users.delete: route permission, parameters, last admin" {
    as_plain
    api POST /api/v1/users.delete "{\"userId\":\"$ADMIN_UID\"}"
    [ "$STATUS" = 403 ]
    jq_is ". == {\"success\":false,\"error\":\"$route_403\"}"
    as_admin
    api POST /api/v1/users.delete '{}'
    jq_is '.error == "The required \"userId\" or \"username\" param was not provided [error-user-param-not-provided]"'
    api POST /api/v1/users.delete '{"userId":"   "}'
    jq_is '.errorType == "error-user-param-not-provided"'
    api POST /api/v1/users.delete '{"userId":"NOSUCHUSER1234567"}'
    jq_is '.error == "The required \"userId\" or \"username\" param provided does not match any users [error-invalid-user]"'
    api POST /api/v1/users.delete '{"username":"%"}'
    jq_is '.errorType == "error-invalid-user"'
    bad_bodies '{"userId":"NOSUCHUSER1234567"}' userId:s username:s user:s confirmRelinquish:b |
        all_400 POST /api/v1/users.delete
    api POST /api/v1/users.delete "{\"userId\":\"$ADMIN_UID\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "Leaving the app without admins is not allowed [error-action-not-allowed]"'
    jq_is '.details == {"method":"deleteUser","action":"Remove_last_admin"}'
    mkuser admin2 '{"roles":["admin"]}'
    api POST /api/v1/users.delete "{\"userId\":\"$NEW_ID\"}"
    [ "$STATUS" = 200 ]
    mkuser appuser
    sqlite3 "$RCD_DIR/rcd.db" "UPDATE users SET type = 'app' WHERE id = '$NEW_ID'"
    api POST /api/v1/users.delete "{\"userId\":\"$NEW_ID\"}"
    jq_is '.error == "Deleting app user is not allowed [error-cannot-delete-app-user]"'
}

# ---- users.setActiveStatus ----

@test "users.setActiveStatus: the old token is refused on the very next request" {
    mkuser lena
    id=$NEW_ID
    login_keep lena
    AUTH_UID=$U_UID AUTH_TOKEN=$U_TOKEN api GET /api/v1/me
    [ "$STATUS" = 200 ]
    api POST /api/v1/users.setActiveStatus "{\"userId\":\"$id\",\"activeStatus\":false}"
    [ "$STATUS" = 200 ]
    jq_is ". == {\"user\":{\"_id\":\"$id\",\"active\":false},\"success\":true}"
    AUTH_UID=$U_UID AUTH_TOKEN=$U_TOKEN api GET /api/v1/me
    [ "$STATUS" = 401 ]
    [ "$(sqlite3 "$RCD_DIR/rcd.db" "SELECT inactive_reason FROM users WHERE id = '$id'")" = deactivated ]
    api POST /api/v1/login '{"user":"lena","password":"pw-lena"}'
    [ "$STATUS" = 401 ]
    jq_is '.error == "error-user-is-not-activated"'
    # roles are kept
    api GET "/api/v1/users.info?userId=$id"
    jq_is '.user.active == false and .user.roles == ["user"]'
    api POST /api/v1/users.setActiveStatus "{\"userId\":\"$id\",\"activeStatus\":true}"
    jq_is '.user.active == true'
    [ -z "$(sqlite3 "$RCD_DIR/rcd.db" "SELECT inactive_reason FROM users WHERE id = '$id'")" ]
    login_as lena pw-lena
}

@test "users.setActiveStatus also ends personal access tokens" {
    mkuser mona
    id=$NEW_ID
    login_keep mona
    AUTH_UID=$U_UID AUTH_TOKEN=$U_TOKEN api POST /api/v1/users.generatePersonalAccessToken '{"tokenName":"ci"}'
    [ "$STATUS" = 200 ] || skip "personal access tokens unavailable: $STATUS $BODY"
    pat=$(jq -r .token <<<"$BODY")
    AUTH_UID=$id AUTH_TOKEN=$pat api GET /api/v1/me
    [ "$STATUS" = 200 ]
    api POST /api/v1/users.setActiveStatus "{\"userId\":\"$id\",\"activeStatus\":false}"
    [ "$STATUS" = 200 ]
    AUTH_UID=$id AUTH_TOKEN=$pat api GET /api/v1/me
    [ "$STATUS" = 401 ]
}

@test "users.setActiveStatus: permission, parameters, last admin, not found" {
    as_plain
    api POST /api/v1/users.setActiveStatus "{\"userId\":\"$PLAIN_UID\",\"activeStatus\":false}"
    [ "$STATUS" = 403 ]
    jq_is ". == {\"success\":false,\"error\":\"$route_403\"}"
    as_admin
    bad_bodies "{\"userId\":\"$PLAIN_UID\",\"activeStatus\":true}" userId:s activeStatus:b confirmRelinquish:b |
        all_400 POST /api/v1/users.setActiveStatus
    api POST /api/v1/users.setActiveStatus "{\"userId\":\"$PLAIN_UID\"}"
    jq_is '.error == "must have required property '"'activeStatus'"' [invalid-params]"'
    api POST /api/v1/users.setActiveStatus "{\"userId\":\"$PLAIN_UID\",\"activeStatus\":true,\"x\":1}"
    jq_is '.error == "must NOT have additional properties [invalid-params]"'
    api POST /api/v1/users.setActiveStatus "{\"userId\":\"$ADMIN_UID\",\"activeStatus\":false}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "Leaving the app without an active admin is not allowed [error-action-not-allowed]"'
    api GET /api/v1/me
    [ "$STATUS" = 200 ]
    api POST /api/v1/users.setActiveStatus '{"userId":"NOSUCHUSER1234567","activeStatus":false}'
    jq_is '. == {"success":false,"error":"User not found"}'
}

# ---- users.deactivateIdle ----

@test "users.deactivateIdle deactivates idle holders of a role" {
    mkuser nora '{"roles":["livechat-manager"]}'
    id=$NEW_ID
    login_keep nora
    api POST /api/v1/users.deactivateIdle '{"daysIdle":999999,"role":"livechat-manager"}'
    [ "$STATUS" = 200 ]
    jq_is '. == {"count":0,"success":true}'
    api POST /api/v1/users.deactivateIdle '{"daysIdle":0,"role":"livechat-manager"}'
    jq_is '. == {"count":1,"success":true}'
    AUTH_UID=$U_UID AUTH_TOKEN=$U_TOKEN api GET /api/v1/me
    [ "$STATUS" = 401 ]
    [ "$(sqlite3 "$RCD_DIR/rcd.db" "SELECT active || inactive_reason FROM users WHERE id = '$id'")" = 0idle_too_long ]
    api POST /api/v1/users.deactivateIdle '{"daysIdle":0,"role":"livechat-manager"}'
    jq_is '.count == 0'
}

@test "users.deactivateIdle matches never-logged-in users by creation date, as RC does" {
    mkuser olga '{"roles":["livechat-agent"]}'
    api POST /api/v1/users.deactivateIdle '{"daysIdle":1,"role":"livechat-agent"}'
    jq_is '.count == 0'
    api POST /api/v1/users.deactivateIdle '{"daysIdle":0.9,"role":"livechat-agent"}'
    jq_is '.count == 1'
}

@test "users.deactivateIdle: permission and parameters" {
    as_plain
    api POST /api/v1/users.deactivateIdle '{"daysIdle":0,"role":"guest"}'
    [ "$STATUS" = 403 ]
    jq_is ". == {\"success\":false,\"error\":\"$route_403\"}"
    as_admin
    bad_bodies '{"daysIdle":999999,"role":"guest"}' daysIdle:n role:s |
        all_400 POST /api/v1/users.deactivateIdle
    api POST /api/v1/users.deactivateIdle '{"role":"guest"}'
    jq_is '.error == "must have required property '"'daysIdle'"' [invalid-params]"'
    api POST /api/v1/users.deactivateIdle '{"daysIdle":1,"other":1}'
    jq_is '.error == "must NOT have additional properties [invalid-params]"'
    api POST /api/v1/users.deactivateIdle "{\"daysIdle\":1,\"role\":\"' OR 1=1 --\"}"
    jq_is '.count == 0'
}

# ---- users.register ----

@test "users.register creates an active user with the default roles" {
    AUTH_UID= AUTH_TOKEN= api POST /api/v1/users.register \
        '{"username":"paul","email":" Paul@Example.com ","pass":"pw-paul","name":" Paul "}'
    [ "$STATUS" = 200 ]
    jq_is '.user | keys == ["_id","active","name","status","type","username","utcOffset"]'
    jq_is '.user.name == "Paul" and .user.active == true and .user.status == "offline"'
    login_as paul pw-paul
    as_admin
    api GET /api/v1/users.info?username=paul
    jq_is '.user.roles == ["user"] and .user.emails[0].address == "paul@example.com"'
}

@test "users.register refusals" {
    api POST /api/v1/users.register '{"username":"q1","email":"q1@example.com","pass":"x","name":"Q"}'
    jq_is '. == {"success":false,"error":"Logged in users can not register again."}'
    AUTH_UID= AUTH_TOKEN=
    api POST /api/v1/users.register '{"username":"Plain","email":"q1@example.com","pass":"x","name":"Q"}'
    jq_is '. == {"success":false,"error":"Username is already in use"}'
    api POST /api/v1/users.register '{"username":"q 1","email":"q1@example.com","pass":"x","name":"Q"}'
    jq_is '. == {"success":false,"error":"The username provided is not valid"}'
    api POST /api/v1/users.register '{"username":"q1","email":"q1@example.com","pass":"x","name":"Q>"}'
    jq_is '.error == "Name contains invalid characters"'
    api POST /api/v1/users.register '{"username":"system","email":"q1@example.com","pass":"x","name":"Q"}'
    jq_is '.errorType == "error-blocked-username"'
    api POST /api/v1/users.register '{"username":"q1","email":"q1@example.com","pass":"x"}'
    jq_is ".error == \"Match error: Missing key 'name'\""
    api POST /api/v1/users.register '{"username":"q1","email":"PLAIN@example.com","pass":"x","name":"Q"}'
    jq_is '.error == "Email already exists. [403]" and .errorType == 403'
    api POST /api/v1/users.register '{"username":"q1","email":"nope","pass":"x","name":"Q"}'
    jq_is '.error == "Invalid email nope [error-invalid-email]"'
    bad_bodies '{"username":"q2","email":"q2@example.com","pass":"x","name":"Q"}' \
        username:s email:s pass:s name:s secret:s reason:s customFields:o |
        all_400 POST /api/v1/users.register
    api POST /api/v1/users.register '{"username":"q2","email":"q2@example.com","pass":"x","name":"Q","x":1}'
    jq_is '.error == "must NOT have additional properties [invalid-params]"'
}

@test "users.register obeys Accounts_RegistrationForm" {
    set_setting Accounts_RegistrationForm '"Disabled"'
    AUTH_UID= AUTH_TOKEN= api POST /api/v1/users.register '{"username":"r1","email":"r1@example.com","pass":"x","name":"R"}'
    jq_is '.error == "User registration is disabled [error-user-registration-disabled]"'
    set_setting Accounts_RegistrationForm_SecretURL '"s3cret"'
    set_setting Accounts_RegistrationForm '"Secret URL"'
    AUTH_UID= AUTH_TOKEN= api POST /api/v1/users.register '{"username":"r1","email":"r1@example.com","pass":"x","name":"R"}'
    jq_is '.error == "User registration is only allowed via Secret URL [error-user-registration-secret]"'
    AUTH_UID= AUTH_TOKEN= api POST /api/v1/users.register '{"username":"r1","email":"r1@example.com","pass":"x","name":"R","secret":"wrong"}'
    jq_is '.errorType == "error-user-registration-secret"'
    AUTH_UID= AUTH_TOKEN= api POST /api/v1/users.register '{"username":"r1","email":"r1@example.com","pass":"x","name":"R","secret":"s3cret"}'
    [ "$STATUS" = 200 ]
    set_setting Accounts_RegistrationForm '"Public"'
}

# ---- users.logout ----

@test "users.logout ends every token of oneself" {
    mkuser sam
    login_as sam pw-sam
    t1=$AUTH_TOKEN
    login_as sam pw-sam
    api POST /api/v1/users.logout
    [ "$STATUS" = 200 ]
    jq_is ". == {\"message\":\"User $AUTH_UID has been logged out!\",\"success\":true}"
    api GET /api/v1/me
    [ "$STATUS" = 401 ]
    AUTH_TOKEN=$t1 api GET /api/v1/me
    [ "$STATUS" = 401 ]
}

@test "users.logout of another user needs logout-other-user" {
    mkuser tina
    id=$NEW_ID
    login_keep tina
    as_plain
    api POST /api/v1/users.logout "{\"userId\":\"$id\"}"
    [ "$STATUS" = 403 ]
    jq_is '. == {"success":false,"error":"unauthorized"}'
    AUTH_UID=$U_UID AUTH_TOKEN=$U_TOKEN api GET /api/v1/me
    [ "$STATUS" = 200 ]
    as_admin
    api POST /api/v1/users.logout "{\"userId\":\"$id\"}"
    [ "$STATUS" = 200 ]
    jq_is ".message == \"User $id has been logged out!\""
    AUTH_UID=$U_UID AUTH_TOKEN=$U_TOKEN api GET /api/v1/me
    [ "$STATUS" = 401 ]
    api GET /api/v1/me
    [ "$STATUS" = 200 ]
    api POST /api/v1/users.logout '{"userId":"NOSUCHUSER1234567"}'
    jq_is '.error == "Invalid user id [error-invalid-user-id]"'
    bad_bodies '{"userId":"NOSUCHUSER1234567"}' userId:s | all_400 POST /api/v1/users.logout
}

# ---- users.setStatus, getStatus, getPresence ----

@test "status and presence without a realtime connection" {
    mkuser uma
    id=$NEW_ID
    login_keep uma
    AUTH_UID=$U_UID AUTH_TOKEN=$U_TOKEN api GET /api/v1/users.getStatus
    jq_is ". == {\"_id\":\"$id\",\"connectionStatus\":\"offline\",\"status\":\"offline\",\"success\":true}"
    AUTH_UID=$U_UID AUTH_TOKEN=$U_TOKEN api POST /api/v1/users.setStatus '{"status":"busy","message":"  in a meeting  "}'
    [ "$STATUS" = 200 ]
    jq_is '. == {"success":true}'
    AUTH_UID=$U_UID AUTH_TOKEN=$U_TOKEN api GET /api/v1/users.getStatus
    jq_is '.status == "busy" and .connectionStatus == "offline"'
    AUTH_UID=$U_UID AUTH_TOKEN=$U_TOKEN api GET /api/v1/users.getPresence
    jq_is '.presence == "busy" and .connectionStatus == "offline"'
    jq_is ".lastLogin | test(\"$iso_re\")"
    api GET "/api/v1/users.getStatus?userId=$id"
    jq_is ". == {\"_id\":\"$id\",\"status\":\"busy\",\"success\":true}"
    api GET /api/v1/users.getPresence?username=UMA
    jq_is '. == {"presence":"busy","success":true}'
    api GET "/api/v1/users.info?userId=$id"
    jq_is '.user.statusText == "in a meeting"'
    api GET /api/v1/users.getStatus?userId=NOSUCHUSER1234567
    jq_is '.errorType == "error-invalid-user"'
    api GET "/api/v1/users.getPresence?username=%25"
    jq_is '.errorType == "error-invalid-user"'
}

@test "users.setStatus validation and permissions" {
    mkuser vera
    id=$NEW_ID
    api POST /api/v1/users.setStatus '{"status":"dancing"}'
    [ "$STATUS" = 400 ]
    jq_is '.error == "Valid status types include online, away, offline, and busy. [error-invalid-status]"'
    api POST /api/v1/users.setStatus '{}'
    jq_is '. == {"success":false,"error":"Match error: Failed Match.OneOf, Match.Maybe or Match.Optional validation"}'
    bad_bodies '{"status":"away","message":"m"}' status:s message:s | all_400 POST /api/v1/users.setStatus
    bad_bodies "{\"status\":\"away\",\"userId\":\"$id\"}" userId:s username:s user:s |
        all_400 POST /api/v1/users.setStatus
    as_plain
    api POST /api/v1/users.setStatus "{\"status\":\"away\",\"userId\":\"$id\"}"
    [ "$STATUS" = 403 ]
    jq_is '. == {"success":false,"error":"unauthorized"}'
    api POST /api/v1/users.setStatus '{"status":"away","username":"plain"}'
    [ "$STATUS" = 200 ]
    as_admin
    api POST /api/v1/users.setStatus "{\"status\":\"away\",\"message\":\"\",\"userId\":\"$id\"}"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/users.getStatus?userId=$id"
    jq_is '.status == "away"'
    set_setting Accounts_AllowInvisibleStatusOption false
    api POST /api/v1/users.setStatus '{"status":"offline"}'
    jq_is '.error == "Invisible status is disabled [error-status-not-allowed]"'
    set_setting Accounts_AllowInvisibleStatusOption true
    set_setting Accounts_AllowUserStatusMessageChange false
    api POST /api/v1/users.setStatus '{"status":"busy","message":""}'
    jq_is '.error == "Change status is not allowed [error-not-allowed]" and .errorType == "error-not-allowed"'
    set_setting Accounts_AllowUserStatusMessageChange true
}
