#!/usr/bin/env bats
# Threads: replies (tmid) and their parents' tcount/tlm/replies,
# chat.getThreadMessages, chat.getThreadsList, and deleting replies and
# parents (rcd/api/chat.c, rcd/api/messages.c).

load ../lib/rcd

setup_file() {
    # count every message, so a reply visibly adds no unread
    rcd_start OVERWRITE_SETTING_Unread_Count=all_messages
    login_as admin "$ADMIN_PASS"
    export ADMIN_UID=$AUTH_UID ADMIN_TOKEN=$AUTH_TOKEN
    mkuser alice
    mkuser bob
    mkuser carol
    mkuser guesty guest
    as alice
    mkroom c thr-pub bob carol
    export PUB=$RID
    mkroom p thr-priv bob
    export PRIV=$RID
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

send() {
    api POST /api/v1/chat.sendMessage "$(jq -nc --arg r "$1" --arg t "$2" --argjson x "${3:-{\}}" '{message:({rid:$r, msg:$t} + $x)}')"
    [ "$STATUS" = 200 ] || { echo "send: $STATUS $BODY" >&2; return 1; }
    MID=$(jq -r .message._id <<<"$BODY")
}

getmsg() { api GET "/api/v1/chat.getMessage?msgId=$1"; }
sub() { api GET "/api/v1/subscriptions.getOne?roomId=$1"; }
urlq() { jq -rn --arg v "$1" '$v|@uri'; }

@test "a reply updates its parent's tcount, tlm and replies" {
    send "$PUB" "parent one"
    local parent=$MID
    getmsg "$parent"
    jq_is '(.message | has("tcount") or has("tlm") or has("replies")) | not'
    as bob
    send "$PUB" "first reply" "{\"tmid\":\"$parent\"}"
    jq_is ".message.tmid == \"$parent\" and (.message | has(\"tshow\") | not)"
    local ts
    ts=$(jq -r .message.ts <<<"$BODY")
    getmsg "$parent"
    jq_is ".message.tcount == 1 and .message.tlm == \"$ts\""
    jq_is ".message.replies == [\"$ALICE_UID\",\"$BOB_UID\"]"
    as carol
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PUB\",\"text\":\"second reply\",\"tmid\":\"$parent\"}"
    [ "$STATUS" = 200 ]
    jq_is ".message.tmid == \"$parent\""
    getmsg "$parent"
    jq_is ".message.tcount == 2 and (.message.replies | sort) == ([\"$ALICE_UID\",\"$BOB_UID\",\"$CAROL_UID\"] | sort)"
}

@test "a reply to a reply joins the first thread; a reply elsewhere is refused" {
    send "$PUB" "root"
    local root=$MID
    send "$PUB" "child" "{\"tmid\":\"$root\"}"
    local child=$MID
    send "$PUB" "grandchild" "{\"tmid\":\"$child\"}"
    jq_is ".message.tmid == \"$root\""
    getmsg "$root"
    jq_is '.message.tcount == 2'
    # sendMessage follows the parent's room; postMessage needs the same room
    send "$PRIV" "in the group" "{\"tmid\":\"$root\"}"
    jq_is ".message.rid == \"$PUB\""
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PRIV\",\"text\":\"x\",\"tmid\":\"$root\"}"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-invalid-message"'
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PUB\",\"text\":\"x\",\"tmid\":\"no-such\"}"
    [ "$STATUS" = 400 ]
}

@test "a reply counts in msgs but only a tshow reply becomes lastMessage" {
    send "$PUB" "thread top"
    local top=$MID msgs
    api GET "/api/v1/channels.info?roomId=$PUB"
    msgs=$(jq -r .channel.msgs <<<"$BODY")
    send "$PUB" "quiet reply" "{\"tmid\":\"$top\"}"
    api GET "/api/v1/channels.info?roomId=$PUB"
    jq_is ".channel.msgs == $((msgs + 1)) and .channel.lastMessage._id == \"$top\""
    send "$PUB" "loud reply" "{\"tmid\":\"$top\",\"tshow\":true}"
    local loud=$MID
    api GET "/api/v1/channels.info?roomId=$PUB"
    jq_is ".channel.msgs == $((msgs + 2)) and .channel.lastMessage._id == \"$loud\" and .channel.lastMessage.tshow == true"
}

@test "a thread-only reply alerts the thread's participants without unread" {
    as bob
    mkroom c thr-alerts alice carol
    local room=$RID
    send "$room" "bob asks"
    local q=$MID
    sub "$room"
    jq_is '.subscription.alert == false and .subscription.unread == 0'
    as carol
    sub "$room"
    jq_is '.subscription.unread == 1'
    as alice
    send "$room" "alice answers" "{\"tmid\":\"$q\"}"
    # bob started the thread: alerted, but replies add no unread
    as bob
    sub "$room"
    jq_is '.subscription.alert == true and .subscription.unread == 0'
    as carol
    sub "$room"
    jq_is '.subscription.unread == 1'
    as alice
    sub "$room"
    jq_is '.subscription.unread == 1'
}

@test "chat.getThreadMessages: replies oldest first, paged, access-checked" {
    send "$PRIV" "group thread"
    local parent=$MID i
    for i in 1 2 3; do send "$PRIV" "r$i" "{\"tmid\":\"$parent\"}"; done
    api GET "/api/v1/chat.getThreadMessages?tmid=$parent"
    [ "$STATUS" = 200 ]
    jq_is '[.messages[].msg] == ["r1","r2","r3"] and .count == 3 and .offset == 0 and .total == 3'
    api GET "/api/v1/chat.getThreadMessages?tmid=$parent&count=1&offset=1"
    jq_is '[.messages[].msg] == ["r2"] and .count == 1 and .total == 3'
    api GET "/api/v1/chat.getThreadMessages?tmid=$parent&sort=$(urlq '{"ts":-1}')"
    jq_is '[.messages[].msg] == ["r3","r2","r1"]'
    api GET "/api/v1/chat.getThreadMessages?tmid=nope"
    [ "$STATUS" = 400 ]
    jq_is '.error == "Invalid Message [error-invalid-message]" and .errorType == "error-invalid-message"'
    api GET "/api/v1/chat.getThreadMessages"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-params"'
    for who in carol admin guesty; do
        as $who
        api GET "/api/v1/chat.getThreadMessages?tmid=$parent"
        [ "$STATUS" = 400 ]
        jq_is '.error == "Not Allowed [error-not-allowed]" and (tostring | test("r1") | not)'
    done
    as bob
    api GET "/api/v1/chat.getThreadMessages?tmid=$parent"
    [ "$STATUS" = 200 ]
}

@test "chat.getThreadsList: parents by last reply, text and type filters" {
    as admin
    mkroom c thr-list bob
    local room=$RID a b
    send "$room" "Deploy at 100% now"
    a=$MID
    send "$room" "lunch_time?"
    b=$MID
    send "$room" "no thread here"
    send "$room" "a1" "{\"tmid\":\"$a\"}"
    as bob
    send "$room" "b1" "{\"tmid\":\"$b\"}"
    as admin
    api GET "/api/v1/chat.getThreadsList?rid=$room"
    [ "$STATUS" = 200 ]
    jq_is "[.threads[]._id] == [\"$b\",\"$a\"] and .count == 2 and .total == 2 and .offset == 0"
    jq_is '.threads[0].tcount == 1 and (.threads[0].tlm | type) == "string"'
    api GET "/api/v1/chat.getThreadsList?rid=$room&text=DEPLOY"
    jq_is "[.threads[]._id] == [\"$a\"]"
    api GET "/api/v1/chat.getThreadsList?rid=$room&text=$(urlq '0%')"
    jq_is ".total == 1"
    api GET "/api/v1/chat.getThreadsList?rid=$room&text=$(urlq 'h_t')"
    jq_is ".total == 1 and .threads[0]._id == \"$b\""
    api GET "/api/v1/chat.getThreadsList?rid=$room&text=$(urlq 'c__t')"
    jq_is ".total == 0"
    api GET "/api/v1/chat.getThreadsList?rid=$room&count=1&offset=1"
    jq_is "[.threads[]._id] == [\"$a\"] and .total == 2"
    as bob
    api GET "/api/v1/chat.getThreadsList?rid=$room&type=following"
    jq_is "[.threads[]._id] == [\"$b\"]"
    api GET "/api/v1/chat.getThreadsList?rid=$room&type=unread"
    jq_is '.threads == [] and .total == 0'
    api GET "/api/v1/chat.getThreadsList?rid=$room&type=all"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-params"'
    api GET "/api/v1/chat.getThreadsList"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-params"'
}

@test "chat.getThreadsList refuses non-members of private rooms and unknown rooms" {
    send "$PRIV" "secret thread"
    send "$PRIV" "secret reply" "{\"tmid\":\"$MID\"}"
    for who in carol admin; do
        as $who
        api GET "/api/v1/chat.getThreadsList?rid=$PRIV"
        [ "$STATUS" = 400 ]
        jq_is '.error == "Not Allowed [error-not-allowed]" and (tostring | test("secret") | not)'
    done
    api GET "/api/v1/chat.getThreadsList?rid=no-such-room"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-not-allowed"'
    as bob
    api GET "/api/v1/chat.getThreadsList?rid=$PRIV"
    [ "$STATUS" = 200 ]
    jq_is '.total >= 1'
}

@test "deleting a reply lowers tcount; deleting a parent with replies leaves rm" {
    send "$PUB" "to be removed"
    local parent=$MID r1 r2 msgs
    send "$PUB" "x1" "{\"tmid\":\"$parent\"}"
    r1=$MID
    send "$PUB" "x2" "{\"tmid\":\"$parent\"}"
    r2=$MID
    api POST /api/v1/chat.delete "{\"roomId\":\"$PUB\",\"msgId\":\"$r1\"}"
    [ "$STATUS" = 200 ]
    getmsg "$parent"
    jq_is '.message.tcount == 1'
    api GET "/api/v1/channels.info?roomId=$PUB"
    msgs=$(jq -r .channel.msgs <<<"$BODY")
    api POST /api/v1/chat.delete "{\"roomId\":\"$PUB\",\"msgId\":\"$parent\"}"
    [ "$STATUS" = 200 ]
    getmsg "$parent"
    [ "$STATUS" = 200 ]
    jq_is '.message.t == "rm" and .message.msg == "" and .message.tcount == 1 and .message.editedBy.username == "alice"'
    api GET "/api/v1/channels.info?roomId=$PUB"
    jq_is ".channel.msgs == $((msgs - 1))"
    api GET "/api/v1/chat.getThreadMessages?tmid=$parent"
    jq_is "[.messages[]._id] == [\"$r2\"]"
}

@test "thread views recheck membership on every request" {
    mkroom p thr-recheck carol
    local room=$RID parent
    send "$room" "t"
    parent=$MID
    send "$room" "r" "{\"tmid\":\"$parent\"}"
    as carol
    api GET "/api/v1/chat.getThreadMessages?tmid=$parent"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/chat.getThreadsList?rid=$room"
    [ "$STATUS" = 200 ]
    as alice
    api POST /api/v1/groups.kick "{\"roomId\":\"$room\",\"username\":\"carol\"}"
    [ "$STATUS" = 200 ]
    as carol
    api GET "/api/v1/chat.getThreadMessages?tmid=$parent"
    [ "$STATUS" = 400 ]
    api GET "/api/v1/chat.getThreadsList?rid=$room"
    [ "$STATUS" = 400 ]
    api GET "/api/v1/chat.getMessage?msgId=$parent"
    [ "$STATUS" = 400 ]
}
