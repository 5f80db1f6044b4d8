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

@test "a message leaves an already alerted member's subscription untouched" {
    mkroom c quiet-room bob
    local room=$RID before after
    send "$room" "first"
    as bob
    api GET "/api/v1/subscriptions.getOne?roomId=$room"
    jq_is '.subscription.alert == true'
    before=$(jq -r .subscription._updatedAt <<<"$BODY")
    sleep 0.01
    as alice
    send "$room" "second"
    as bob
    api GET "/api/v1/subscriptions.getOne?roomId=$room"
    after=$(jq -r .subscription._updatedAt <<<"$BODY")
    # nothing in it changed, so it is not reported as changed either
    [ "$before" = "$after" ]
    # a mention changes it, and moves its _updatedAt
    as alice
    send "$room" "hey @bob"
    as bob
    api GET "/api/v1/subscriptions.getOne?roomId=$room"
    jq_is ".subscription.userMentions == 1 and .subscription._updatedAt != \"$before\""
}
