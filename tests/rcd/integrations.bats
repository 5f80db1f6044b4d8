#!/usr/bin/env bats
# integrations.create / get / list / remove for incoming webhooks
# (rcd/api/integrations.c, rcd/store/integrations.c).

load ../lib/rcd
load ../lib/rooms

setup_file() {
    rcd_start
    login_as admin "$ADMIN_PASS"
    export ADMIN_UID=$AUTH_UID ADMIN_TOKEN=$AUTH_TOKEN
    mkuser alice
    mkuser poster
    as admin
    mkroom c int-pub alice
    export PUB=$RID
}
teardown_file() { rcd_stop; }
setup() { as admin; }

# hook NAME CHANNEL [EXTRA_JSON]: integrations.create as the caller.
hook() {
    api POST /api/v1/integrations.create "$(jq -nc --arg n "$1" --arg c "$2" --argjson x "${3:-{\}}" \
        '{type:"webhook-incoming", name:$n, enabled:true, username:"poster", channel:$c, scriptEnabled:false} + $x')"
}

@test "create: the integration as Rocket.Chat returns it" {
    hook first "#int-pub, @alice" '{"alias":"Bot","emoji":":ghost:"}'
    [ "$STATUS" = 200 ]
    jq_is '.success == true and .integration.type == "webhook-incoming"'
    jq_is '.integration.name == "first" and .integration.enabled == true'
    jq_is '.integration.channel == ["#int-pub", "@alice"]'
    jq_is '.integration.token | test("^[23456789A-HJ-NP-Za-km-z]{48}$")'
    jq_is '.integration._id | length == 17'
    jq_is ".integration.userId == \"$POSTER_UID\" and .integration.username == \"poster\""
    jq_is '.integration.overrideDestinationChannelEnabled == false'
    jq_is '.integration.scriptEngine == "isolated-vm" and .integration.scriptEnabled == false'
    jq_is '.integration.alias == "Bot" and .integration.emoji == ":ghost:" and (has("avatar") | not)'
    jq_is ".integration._createdBy == {_id: \"$ADMIN_UID\", username: \"admin\"}"
    jq_is '.integration._createdAt | test("^[0-9-]+T[0-9:.]+Z$")'
}

@test "create: the post-as user gets the bot role" {
    hook botrole "#int-pub"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/users.info?userId=$POSTER_UID"
    jq_is '.user.roles | index("bot")'
}

@test "create: other types are refused" {
    api POST /api/v1/integrations.create '{"type":"webhook-bogus","name":"x"}'
    [ "$STATUS" = 400 ]
    jq_is '. == {success:false, error:"Invalid integration type."}'
    api POST /api/v1/integrations.create '{"name":"x"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-params"'
}

@test "create: wrong JSON types are invalid-params" {
    hook typed "#int-pub" '{"enabled":"yes"}'
    [ "$STATUS" = 400 ]
    jq_is '.success == false and .errorType == "invalid-params"'
    api POST /api/v1/integrations.create '{"type":"webhook-incoming","name":"x","enabled":true,"username":"poster","channel":["#int-pub"],"scriptEnabled":false}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-params"'
    api POST /api/v1/integrations.create '{"type":"webhook-incoming","enabled":true,"username":"poster","channel":"#int-pub","scriptEnabled":false}'
    [ "$STATUS" = 400 ]
    jq_is ".error | test(\"required property 'name'\")"
}

@test "create: channel and user errors" {
    hook bad " "
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-invalid-channel" and .error == "Invalid channel [error-invalid-channel]"'
    hook bad "int-pub"
    jq_is '.errorType == "error-invalid-channel-start-with-chars" and .error == "Invalid channel. Start with @ or # [error-invalid-channel-start-with-chars]"'
    hook bad "#int-pub," 
    jq_is '.errorType == "error-invalid-channel-start-with-chars"'
    hook bad "#no-such-room"
    jq_is '.errorType == "error-invalid-room" and .details.method == "addIncomingIntegration"'
    hook bad "@nobody-here"
    jq_is '.errorType == "error-invalid-room"'
    api POST /api/v1/integrations.create '{"type":"webhook-incoming","name":"x","enabled":true,"username":"ghost","channel":"#int-pub","scriptEnabled":false}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-invalid-user" and .error == "Invalid user [error-invalid-user]"'
    api POST /api/v1/integrations.create '{"type":"webhook-incoming","name":"x","enabled":true,"username":"  ","channel":"#int-pub","scriptEnabled":false}'
    jq_is '.errorType == "error-invalid-username"'
}

@test "create: no permission is 400 not_authorized" {
    as alice
    hook mine "#int-pub"
    [ "$STATUS" = 400 ]
    jq_is '.success == false and .errorType == "not_authorized" and .error == "Unauthorized [not_authorized]"'
    jq_is '.details.method == "addIncomingIntegration"'
}

@test "create, list, get, remove: no login is 401" {
    logout_local
    hook x "#int-pub"
    [ "$STATUS" = 401 ]
    api GET /api/v1/integrations.list
    [ "$STATUS" = 401 ]
    api GET /api/v1/integrations.get?integrationId=x
    [ "$STATUS" = 401 ]
    api POST /api/v1/integrations.remove '{"type":"webhook-incoming","integrationId":"x"}'
    [ "$STATUS" = 401 ]
}

@test "list: paged with integrations, offset, items, count, total" {
    hook l1 "#int-pub"; hook l2 "#int-pub"; hook l3 "#int-pub"
    api GET "/api/v1/integrations.list?count=2&offset=1"
    [ "$STATUS" = 200 ]
    jq_is '.success == true and .offset == 1 and .count == 2 and .items == 2'
    jq_is '.total >= 3 and (.integrations | length == 2)'
    jq_is '.integrations[0] | has("token") and has("_id") and (.channel | type == "array")'
    api GET "/api/v1/integrations.list?name=L2&count=100"
    jq_is '.total == 1 and .integrations[0].name == "l2"'
    api GET '/api/v1/integrations.list?count=1&fields=%7B%22name%22%3A1%7D'
    jq_is '.integrations[0] | keys == ["_id","name"]'
}

@test "list: without a manage permission is 403" {
    as alice
    api GET /api/v1/integrations.list
    [ "$STATUS" = 403 ]
    jq_is '.error == "User does not have the permissions required for this action [error-unauthorized]"'
}

@test "get: by id, not found, bad input, forbidden" {
    hook g1 "#int-pub"
    local id; id=$(jq -r .integration._id <<<"$BODY")
    api GET "/api/v1/integrations.get?integrationId=$id"
    [ "$STATUS" = 200 ]
    jq_is ".integration._id == \"$id\" and .integration.name == \"g1\""
    api GET "/api/v1/integrations.get?integrationId=$id&createdBy=$ALICE_UID"
    [ "$STATUS" = 400 ]
    jq_is '. == {success:false, error:"The integration does not exists."}'
    api GET "/api/v1/integrations.get?integrationId=nope"
    [ "$STATUS" = 400 ]
    jq_is '.error == "The integration does not exists."'
    api GET /api/v1/integrations.get
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-params"'
    as alice
    api GET "/api/v1/integrations.get?integrationId=$id"
    [ "$STATUS" = 400 ]
    jq_is '. == {success:false, error:"not-authorized"}'
}

@test "remove: returns the removed integration; then it is gone" {
    hook r1 "#int-pub"
    local id; id=$(jq -r .integration._id <<<"$BODY")
    api POST /api/v1/integrations.remove "{\"type\":\"webhook-incoming\",\"integrationId\":\"$id\"}"
    [ "$STATUS" = 200 ]
    jq_is ".success == true and .integration._id == \"$id\" and .integration.name == \"r1\""
    api POST /api/v1/integrations.remove "{\"type\":\"webhook-incoming\",\"integrationId\":\"$id\"}"
    [ "$STATUS" = 400 ]
    jq_is '. == {success:false, error:"No integration found."}'
    api GET "/api/v1/integrations.get?integrationId=$id"
    jq_is '.error == "The integration does not exists."'
}

@test "remove: bad input, forbidden" {
    api POST /api/v1/integrations.remove '{"type":"nope","integrationId":"x"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-params"'
    api POST /api/v1/integrations.remove '{"type":"webhook-incoming","integrationId":5}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-params"'
    api POST /api/v1/integrations.remove '{"type":"webhook-incoming"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-params"'
    api POST /api/v1/integrations.remove '{"type":"webhook-outgoing"}'
    [ "$STATUS" = 400 ]
    jq_is '.error == "An integrationId or target_url needs to be provided."'
    hook r2 "#int-pub"
    local id; id=$(jq -r .integration._id <<<"$BODY")
    as alice
    api POST /api/v1/integrations.remove "{\"type\":\"webhook-incoming\",\"integrationId\":\"$id\"}"
    [ "$STATUS" = 403 ]
    jq_is '.error == "User does not have the permissions required for this action [error-unauthorized]"'
}

@test "own-only permission: members' rooms only, own hooks only" {
    as admin
    api POST /api/v1/permissions.update '{"permissions":[{"_id":"manage-own-incoming-integrations","roles":["admin","user"]}]}'
    [ "$STATUS" = 200 ]
    mkroom c int-closed
    as alice
    hook a1 "#int-closed"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-invalid-channel" and .error == "Invalid Channel [error-invalid-channel]"'
    hook a1 "#int-pub"
    [ "$STATUS" = 200 ]
    local id; id=$(jq -r .integration._id <<<"$BODY")
    api GET /api/v1/integrations.list
    [ "$STATUS" = 200 ]
    jq_is ".total == 1 and .integrations[0]._id == \"$id\""
    api GET "/api/v1/integrations.get?integrationId=$id"
    [ "$STATUS" = 200 ]
    as admin
    hook adm "#int-pub"
    local aid; aid=$(jq -r .integration._id <<<"$BODY")
    as alice
    api GET "/api/v1/integrations.get?integrationId=$aid"
    jq_is '.error == "not-authorized"'
    api POST /api/v1/integrations.remove "{\"type\":\"webhook-incoming\",\"integrationId\":\"$aid\"}"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-invalid-integration"'
    api POST /api/v1/integrations.remove "{\"type\":\"webhook-incoming\",\"integrationId\":\"$id\"}"
    [ "$STATUS" = 200 ]
    as admin
    api POST /api/v1/permissions.update '{"permissions":[{"_id":"manage-own-incoming-integrations","roles":["admin"]}]}'
}
