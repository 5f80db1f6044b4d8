#!/usr/bin/env bats
# The seed's workspace: plain users may only create direct messages. In
# rcd, as in Rocket.Chat, that is a change of permissions, not of code.

load ../lib/rcd
load ../lib/rooms

setup_file() {
    rcd_start
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/permissions.update '{"permissions":[{"_id":"create-c","roles":["admin","bot","app"]},{"_id":"create-p","roles":["admin","bot","app"]},{"_id":"create-team","roles":["admin"]}]}'
    [ "$STATUS" = 200 ]
    mkuser plain1
    mkuser plain2
}
teardown_file() { rcd_stop; }

@test "a plain user can no longer create a channel, a group or a team" {
    as plain1
    api POST /api/v1/channels.create '{"name":"not-allowed-c"}'
    [ "$STATUS" = 403 ]
    api POST /api/v1/groups.create '{"name":"not-allowed-p"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-not-allowed"'
    api POST /api/v1/teams.create '{"name":"not-allowed-t","type":0}'
    [ "$STATUS" = 401 ]
}

@test "a plain user can still open a direct message and write in it" {
    as plain1
    api POST /api/v1/im.create '{"username":"plain2"}'
    [ "$STATUS" = 200 ]
    rid=$(jq -r .room._id <<<"$BODY")
    send "$rid" "hello from a DM-only workspace"
    as plain2
    api GET "/api/v1/im.history?roomId=$rid"
    jq_is '.messages[0].msg == "hello from a DM-only workspace"'
}

@test "admins still create rooms" {
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/channels.create '{"name":"admin-made"}'
    [ "$STATUS" = 200 ]
}
