#!/usr/bin/env bats
# channels/groups/im .history and .messages (rcd/api/history.c): order,
# bounds, paging, thread replies, unread markers, and who may read.

load ../lib/rcd

setup_file() {
    rcd_start
    login_as admin "$ADMIN_PASS"
    export ADMIN_UID=$AUTH_UID ADMIN_TOKEN=$AUTH_TOKEN
    mkuser alice
    mkuser bob
    mkuser robo bot
    mkuser guesty guest
    as alice
    mkroom c hist-pub
    export PUB=$RID
    mkroom p hist-priv bob
    export PRIV=$RID
    # five messages one millisecond or more apart: m1 (oldest) .. m5
    for i in 1 2 3 4 5; do
        send "$PUB" "m$i"
        export "M$i=$MID" "T$i=$(jq -r .message.ts <<<"$BODY")"
        sleep 0.01
    done
}
teardown_file() { rcd_stop; }
setup() { as alice; }

mkuser() {
    local n=${1^^}
    create_user "$1" "pw-$1" "${2:-}" || return 1
    login_as "$1" "pw-$1" || return 1
    export "${n}_UID=$AUTH_UID" "${n}_TOKEN=$AUTH_TOKEN"
}
as() { local n=${1^^}; eval "export AUTH_UID=\$${n}_UID AUTH_TOKEN=\$${n}_TOKEN"; }

mkroom() {
    local kind=$1 name=$2 ep=channels.create key=channel
    shift 2
    [ "$kind" = p ] && ep=groups.create key=group
    api POST "/api/v1/$ep" "$(jq -nc --arg n "$name" '{name:$n, members:$ARGS.positional}' --args "$@")"
    [ "$STATUS" = 200 ] || { echo "mkroom $name: $STATUS $BODY" >&2; return 1; }
    RID=$(jq -r ".$key._id" <<<"$BODY")
}

# send RID TEXT [MESSAGE_EXTRA_JSON]: chat.sendMessage; MID.
send() {
    api POST /api/v1/chat.sendMessage "$(jq -nc --arg r "$1" --arg t "$2" --argjson x "${3:-{\}}" '{message:({rid:$r, msg:$t} + $x)}')"
    [ "$STATUS" = 200 ] || { echo "send: $STATUS $BODY" >&2; return 1; }
    MID=$(jq -r .message._id <<<"$BODY")
}

urlq() { jq -rn --arg v "$1" '$v|@uri'; }

@test "channels.history is newest first, with no count/offset/total" {
    api GET "/api/v1/channels.history?roomId=$PUB"
    [ "$STATUS" = 200 ]
    jq_is '[.messages[].msg] == ["m5","m4","m3","m2","m1"]'
    jq_is '(has("count") or has("total") or has("offset") or has("unreadNotLoaded")) | not'
    api GET "/api/v1/channels.history?roomName=hist-pub&count=2&offset=1"
    jq_is '[.messages[].msg] == ["m4","m3"]'
}

@test "history bounds: latest and oldest exclusive unless inclusive=true" {
    api GET "/api/v1/channels.history?roomId=$PUB&latest=$(urlq "$T4")&oldest=$(urlq "$T2")"
    jq_is '[.messages[].msg] == ["m3"]'
    api GET "/api/v1/channels.history?roomId=$PUB&latest=$(urlq "$T4")&oldest=$(urlq "$T2")&inclusive=true"
    jq_is '[.messages[].msg] == ["m4","m3","m2"]'
    # only the string "true" counts on channels.history
    api GET "/api/v1/channels.history?roomId=$PUB&latest=$(urlq "$T4")&oldest=$(urlq "$T2")&inclusive=1"
    jq_is '[.messages[].msg] == ["m3"]'
    api GET "/api/v1/channels.history?roomId=$PUB&latest=$(urlq "$T1")"
    jq_is '.messages == []'
    api GET "/api/v1/channels.history?roomId=$PUB&latest=not-a-date"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-invalid-date"'
    api GET "/api/v1/channels.history?roomId=$PUB&count=abc"
    [ "$STATUS" = 400 ]
    api GET "/api/v1/channels.history?roomId=$PUB&offset=-1"
    [ "$STATUS" = 400 ]
}

@test "history count defaults to API_Default_Count and never loads a whole room" {
    as admin
    mkroom c hist-many
    local room=$RID i
    for i in $(seq 1 120); do
        api POST /api/v1/chat.sendMessage "$(jq -nc --arg r "$room" --arg t "n$i" '{message:{rid:$r, msg:$t}}')"
    done
    api GET "/api/v1/channels.history?roomId=$room"
    jq_is '(.messages | length) == 50 and .messages[0].msg == "n120"'
    api GET "/api/v1/channels.history?roomId=$room&count=500"
    jq_is '(.messages | length) == 100'
    api GET "/api/v1/channels.history?roomId=$room&count=0"
    jq_is '(.messages | length) == 100'
    api GET "/api/v1/channels.history?roomId=$room&count=10&offset=115"
    jq_is '[.messages[].msg] == ["n5","n4","n3","n2","n1"]'
}

@test "unreads=true adds firstUnread and unreadNotLoaded" {
    api GET "/api/v1/channels.history?roomId=$PUB&oldest=$(urlq "$T1")&count=2&unreads=true"
    jq_is '[.messages[].msg] == ["m5","m4"]'
    jq_is '.firstUnread.msg == "m2" and .unreadNotLoaded == 2'
    api GET "/api/v1/channels.history?roomId=$PUB&count=2&unreads=true"
    jq_is '.unreadNotLoaded == 0 and (has("firstUnread") | not)'
}

@test "thread replies: hidden on channels.history unless asked, tshow always shown" {
    as admin
    mkroom c hist-threads
    local room=$RID parent
    send "$room" "parent"
    parent=$MID
    send "$room" "hidden reply" "{\"tmid\":\"$parent\"}"
    send "$room" "shown reply" "{\"tmid\":\"$parent\",\"tshow\":true}"
    api GET "/api/v1/channels.history?roomId=$room"
    jq_is '[.messages[].msg] == ["shown reply","parent"]'
    api GET "/api/v1/channels.history?roomId=$room&showThreadMessages=true"
    jq_is '[.messages[].msg] == ["shown reply","hidden reply","parent"]'
    api GET "/api/v1/channels.messages?roomId=$room"
    jq_is '.total == 3 and .count == 3'
}

@test "groups.history: threads shown by default, raw-string inclusive and unreads, count 20" {
    local parent i
    send "$PRIV" "g parent"
    parent=$MID
    send "$PRIV" "g reply" "{\"tmid\":\"$parent\"}"
    api GET "/api/v1/groups.history?roomId=$PRIV"
    [ "$STATUS" = 200 ]
    jq_is '[.messages[].msg] == ["g reply","g parent"]'
    api GET "/api/v1/groups.history?roomId=$PRIV&showThreadMessages=false"
    jq_is '[.messages[].msg] == ["g parent"]'
    local t
    t=$(jq -r '.messages[0].ts' <<<"$BODY")
    # inclusive=false is a non-empty string, so it is true here
    api GET "/api/v1/groups.history?roomName=hist-priv&latest=$(urlq "$t")&inclusive=false&showThreadMessages=false"
    jq_is '[.messages[].msg] == ["g parent"]'
    api GET "/api/v1/groups.history?roomId=$PRIV&latest=$(urlq "$t")&showThreadMessages=false"
    jq_is '.messages == []'
    api GET "/api/v1/groups.history?roomId=$PRIV&unreads=no"
    jq_is 'has("unreadNotLoaded")'
    for i in $(seq 1 25); do send "$PRIV" "g$i"; done
    api GET "/api/v1/groups.history?roomId=$PRIV"
    jq_is '(.messages | length) == 20'
}

@test "private history: non-members (admins too) never read it; membership is rechecked" {
    for who in robo admin; do
        as $who
        api GET "/api/v1/groups.history?roomId=$PRIV"
        [ "$STATUS" = 400 ]
        jq_is '.errorType == "error-room-not-found" and (tostring | test("m[0-9]|g ") | not)'
        api GET "/api/v1/groups.messages?roomId=$PRIV"
        [ "$STATUS" = 400 ]
        api GET "/api/v1/channels.history?roomId=$PRIV"
        [ "$STATUS" = 400 ]
        jq_is '.errorType == "error-room-not-found"'
    done
    as bob
    api GET "/api/v1/groups.history?roomId=$PRIV"
    [ "$STATUS" = 200 ]
    as alice
    api POST /api/v1/groups.kick "{\"roomId\":\"$PRIV\",\"username\":\"bob\"}"
    [ "$STATUS" = 200 ]
    as bob
    api GET "/api/v1/groups.history?roomId=$PRIV"
    [ "$STATUS" = 400 ]
    api GET "/api/v1/groups.messages?roomId=$PRIV"
    [ "$STATUS" = 400 ]
}

@test "public history: readable without joining; not without view-c-room" {
    as bob
    api GET "/api/v1/channels.history?roomId=$PUB&count=1"
    [ "$STATUS" = 200 ]
    jq_is '.messages[0].msg == "m5"'
    api GET "/api/v1/channels.history"
    [ "$STATUS" = 400 ]
    jq_is '.success == false'
    # guests lack view-c-room: a public channel they are not in is closed
    as guesty
    api GET "/api/v1/channels.history?roomId=$PUB"
    [ "$STATUS" = 403 ]
    jq_is '.success == false and .error == "unauthorized" and (tostring | test("m5") | not)'
    api GET "/api/v1/channels.messages?roomId=$PUB"
    [ "$STATUS" = 403 ]
    api GET "/api/v1/chat.getMessage?msgId=$M5"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-not-allowed"'
}

@test "im.history and im.messages: members only, roomId required" {
    local dm
    api POST /api/v1/chat.postMessage '{"channel":"@bob","text":"dm one"}'
    dm=$(jq -r .message.rid <<<"$BODY")
    api GET "/api/v1/im.history?roomId=$dm"
    [ "$STATUS" = 200 ]
    jq_is '[.messages[].msg] == ["dm one"]'
    api GET "/api/v1/dm.history?roomId=$dm"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/im.messages?roomId=$dm"
    jq_is '.total == 1 and .count == 1 and .offset == 0'
    api GET "/api/v1/im.messages?username=bob"
    jq_is '.total == 1 and .messages[0].msg == "dm one"'
    api GET '/api/v1/im.history'
    [ "$STATUS" = 400 ]
    jq_is '.error == "Query param \"roomId\" is required [error-room-param-not-provided]"'
    api GET '/api/v1/im.messages'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-room-param-not-provided"'
    api GET '/api/v1/im.history?roomId=no-such-dm'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-channel"'
    for who in robo admin; do
        as $who
        api GET "/api/v1/im.history?roomId=$dm"
        [ "$STATUS" = 403 ]
        jq_is '.success == false and (tostring | test("dm one") | not)'
        api GET "/api/v1/im.messages?roomId=$dm"
        [ "$STATUS" = 403 ]
    done
}

@test "channels.messages pages with a total, sorts by ts, filters by mention" {
    api GET "/api/v1/channels.messages?roomId=$PUB&count=2"
    [ "$STATUS" = 200 ]
    jq_is '[.messages[].msg] == ["m5","m4"] and .count == 2 and .offset == 0 and .total == 5'
    api GET "/api/v1/channels.messages?roomId=$PUB&count=2&offset=4&sort=$(urlq '{"ts":1}')"
    jq_is '[.messages[].msg] == ["m5"] and .count == 1 and .offset == 4'
    api GET "/api/v1/channels.messages?roomId=$PUB&sort=$(urlq '{"msg":1}')"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-invalid-sort"'
    api GET "/api/v1/channels.messages?roomId=$PUB&fields=$(urlq '{"msg":1}')&count=1"
    jq_is '.messages[0] | keys == ["_id","msg"]'
    as admin
    mkroom c hist-mentions
    local room=$RID
    send "$room" "hello @alice"
    send "$room" "hello @bob, @alice"
    send "$room" "nobody"
    api GET "/api/v1/channels.messages?roomId=$room&mentionIds=$BOB_UID"
    jq_is '.total == 1 and [.messages[].msg] == ["hello @bob, @alice"]'
    api GET "/api/v1/channels.messages?roomId=$room&mentionIds=$(urlq " $ALICE_UID , $BOB_UID")"
    jq_is '.total == 2'
    api GET "/api/v1/channels.messages?roomId=$room&pinned=true"
    jq_is '.total == 0 and .messages == []'
    api GET "/api/v1/channels.messages?roomName=hist-mentions"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-room-not-found"'
    api GET "/api/v1/channels.messages?roomId=$PRIV"
    [ "$STATUS" = 400 ]
    # bots hold view-joined-room: they must be members
    as robo
    api GET "/api/v1/channels.messages?roomId=$room"
    [ "$STATUS" = 403 ]
    as bob
    api GET "/api/v1/channels.messages?roomId=$room"
    [ "$STATUS" = 200 ]
}

@test "groups.messages lists a member's group" {
    api GET "/api/v1/groups.messages?roomId=$PRIV&count=1"
    [ "$STATUS" = 200 ]
    jq_is '.count == 1 and .total >= 1 and (.messages[0].rid == env.PRIV)'
    api GET "/api/v1/groups.messages?roomName=hist-priv&count=1"
    [ "$STATUS" = 200 ]
}

@test "a removed member's messages stay in the history" {
    as admin
    mkroom c hist-leavers bob
    local room=$RID
    as bob
    send "$room" "bob was here"
    as admin
    api POST /api/v1/channels.kick "{\"roomId\":\"$room\",\"username\":\"bob\"}"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/channels.history?roomId=$room"
    jq_is '.messages[0].t == "ru" and .messages[1].msg == "bob was here"'
}

@test "without latest there is no upper time bound, so nothing of this millisecond is missed" {
    mkroom c hist-bound
    local room=$RID
    send "$room" "ahead"
    # a message stamped a minute ahead stands for one stamped in the very
    # millisecond of the request: Rocket.Chat's default (now, exclusive)
    # leaves both out, rcd leaves neither out
    sqlite3 "$RCD_DIR/rcd.db" ".timeout 5000" \
        "UPDATE messages SET ts = ts + 60000 WHERE id = '$MID'"
    api GET "/api/v1/channels.history?roomId=$room"
    jq_is '[.messages[].msg] == ["ahead"]'
    # an explicit latest still bounds
    api GET "/api/v1/channels.history?roomId=$room&latest=$(urlq "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)")"
    jq_is '.messages == []'
}
