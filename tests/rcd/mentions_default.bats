#!/usr/bin/env bats
# Rocket.Chat's default unread counting: in channels and groups only
# mentions count as unread (Unread_Count = user_and_group_mentions_only),
# in direct messages every message does (Unread_Count_DM = all_messages);
# every other member is alerted either way.

load ../lib/rcd
load ../lib/rooms

setup_file() {
    rcd_start
    login_as admin "$ADMIN_PASS"
    mkuser alice
    mkuser bob
    mkuser carol
}
teardown_file() { rcd_stop; }
setup() { as alice; }

@test "by default a plain channel message alerts members but counts no unread" {
    mkroom c default-room bob carol
    local room=$RID
    send "$room" "hello room"
    [ "$(counters bob "$room")" = "0 0 0 true true" ]
    [ "$(counters carol "$room")" = "0 0 0 true true" ]
}

@test "by default a mention counts one unread for the mentioned member only" {
    mkroom p default-group bob carol
    local room=$RID
    send "$room" "hey @bob"
    [ "$(counters bob "$room")" = "1 1 0 true true" ]
    [ "$(counters carol "$room")" = "0 0 0 true true" ]
}

@test "by default every direct message counts as unread" {
    api POST /api/v1/im.create '{"username":"bob"}'
    [ "$STATUS" = 200 ]
    room=$(jq -r .room._id <<<"$BODY")
    send "$room" "one"
    send "$room" "two"
    [ "$(counters bob "$room")" = "2 0 0 true true" ]
}

@test "Unread_Count is a setting an admin can change" {
    as alice
    login_as admin "$ADMIN_PASS"
    api GET /api/v1/settings/Unread_Count
    jq_is '.value == "user_and_group_mentions_only"'
    api POST /api/v1/settings/Unread_Count '{"value":"sometimes"}'
    [ "$STATUS" = 400 ]
}
