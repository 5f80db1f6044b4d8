#!/usr/bin/env bats
# What a saved message does to the members' subscriptions
# (rcd/api/messages.c): unread, alert, open, user and group mentions, and
# nothing at all for mentioned users who are not members.

load ../lib/rcd
load ../lib/rooms

setup_file() {
    # these tests count every message; RC's default (mentions only) is in
    # mentions_default.bats
    rcd_start OVERWRITE_SETTING_Unread_Count=all_messages
    login_as admin "$ADMIN_PASS"
    export ADMIN_UID=$AUTH_UID ADMIN_TOKEN=$AUTH_TOKEN
    mkuser alice
    mkuser bob
    mkuser carol
    mkuser dave
    mkuser robo bot
}
teardown_file() { rcd_stop; }
setup() { as alice; }

@test "a plain message: every other member gets unread, alert and open" {
    mkroom c plain-room bob carol
    local room=$RID
    [ "$(counters bob "$room")" = "0 0 0 false true" ]
    send "$room" "hello room"
    send "$room" "hello again"
    [ "$(counters bob "$room")" = "2 0 0 true true" ]
    [ "$(counters carol "$room")" = "2 0 0 true true" ]
    [ "$(counters alice "$room")" = "0 0 0 false true" ]
}

@test "@member counts a user mention and one unread" {
    mkroom c mention-room bob carol
    local room=$RID
    send "$room" "hey @bob, look"
    [ "$(counters bob "$room")" = "1 1 0 true true" ]
    [ "$(counters carol "$room")" = "1 0 0 true true" ]
    as alice
    api GET "/api/v1/chat.getMessage?msgId=$MID"
    jq_is ".message.mentions == [{\"_id\":\"$BOB_UID\",\"username\":\"bob\",\"name\":\"bob\",\"type\":\"user\"}]"
    # mentioning oneself counts nothing for anybody else
    send "$room" "note to @alice"
    [ "$(counters alice "$room")" = "0 0 0 false true" ]
}

@test "a mentioned non-member gets nothing, but the message lists them" {
    mkroom c closed-circle bob
    local room=$RID
    send "$room" "what would @dave say? and @nosuchuser?"
    jq_is ".message.mentions == [{\"_id\":\"$DAVE_UID\",\"username\":\"dave\",\"name\":\"dave\",\"type\":\"user\"}]"
    [ "$(counters dave "$room")" = none ]
    as dave
    api GET '/api/v1/subscriptions.get'
    jq_is "[.update[].rid] | index(\"$room\") == null"
    # the same in a private group, where dave cannot even read it
    as alice
    mkroom p closed-group bob
    room=$RID
    send "$room" "@dave @bob"
    [ "$(counters dave "$room")" = none ]
    [ "$(counters bob "$room")" = "1 1 0 true true" ]
}

@test "@all and @here count group mentions for everybody but the sender" {
    mkroom c all-room bob carol
    local room=$RID
    send "$room" "@all standup"
    [ "$(counters bob "$room")" = "1 0 1 true true" ]
    [ "$(counters carol "$room")" = "1 0 1 true true" ]
    [ "$(counters alice "$room")" = "0 0 0 false true" ]
    send "$room" "@here still?"
    [ "$(counters bob "$room")" = "2 0 2 true true" ]
    as alice
    api GET "/api/v1/chat.getMessage?msgId=$MID"
    jq_is '.message.mentions == [{"_id":"here","username":"here"}]'
}

@test "a user mention wins over @all, as in Rocket.Chat" {
    mkroom c priority-room bob carol
    local room=$RID
    send "$room" "@all but mostly @bob"
    [ "$(counters bob "$room")" = "1 1 0 true true" ]
    [ "$(counters carol "$room")" = "0 0 0 true true" ]
}

@test "@all and @here need mention-all / mention-here" {
    mkroom c bots-room robo
    local room=$RID before
    api GET "/api/v1/channels.info?roomId=$room"
    before=$(jq -r .channel.msgs <<<"$BODY")
    as robo
    api POST /api/v1/chat.sendMessage "{\"message\":{\"rid\":\"$room\",\"msg\":\"@all buy now\"}}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "Notify all in this room not allowed [error-action-not-allowed]" and .errorType == "error-action-not-allowed"'
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$room\",\"text\":\"@here buy now\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "Notify here in this room not allowed [error-action-not-allowed]"'
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$room\",\"text\":\"email me at robo@all.example\"}"
    [ "$STATUS" = 200 ]
    as alice
    api GET "/api/v1/channels.info?roomId=$room"
    jq_is ".channel.msgs == $((before + 1))"
}

@test "direct messages count every message as unread" {
    api POST /api/v1/chat.postMessage '{"channel":"@carol","text":"one"}'
    local dm
    dm=$(jq -r .message.rid <<<"$BODY")
    api POST /api/v1/chat.postMessage '{"channel":"@carol","text":"two"}'
    [ "$(counters carol "$dm")" = "2 0 0 true true" ]
    [ "$(counters alice "$dm")" = "0 0 0 false true" ]
}

@test "mentions need a word start; #channel lists public channels only" {
    mkroom c chan-links bob
    local room=$RID
    mkroom p hidden-links
    send "$room" "mail bob@example.com, see #chan-links and #hidden-links, >@bob"
    jq_is ".message.channels == [{\"_id\":\"$room\",\"name\":\"chan-links\"}]"
    jq_is ".message.mentions == [{\"_id\":\"$BOB_UID\",\"username\":\"bob\",\"name\":\"bob\",\"type\":\"user\"}]"
    send "$room" "no mention in e@bob or a#chan-links"
    jq_is '.message.mentions == [] and .message.channels == []'
}

@test "an edit parses mentions again but counts nothing twice" {
    mkroom c edit-room bob carol
    local room=$RID
    send "$room" "plain"
    local mid=$MID
    api POST /api/v1/chat.update "{\"roomId\":\"$room\",\"msgId\":\"$mid\",\"text\":\"now @carol\"}"
    [ "$STATUS" = 200 ]
    jq_is ".message.mentions[0]._id == \"$CAROL_UID\""
    [ "$(counters carol "$room")" = "1 0 0 true true" ]
}

@test "system messages move room counters, not the members' unread" {
    mkroom c sys-room bob
    local room=$RID
    as carol
    api POST /api/v1/channels.join "{\"roomId\":\"$room\"}"
    [ "$STATUS" = 200 ]
    [ "$(counters bob "$room")" = "0 0 0 false true" ]
    as alice
    api GET "/api/v1/channels.info?roomId=$room"
    jq_is '.channel.msgs == 1 and .channel.lastMessage.t == "uj"'
}
