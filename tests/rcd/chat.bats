#!/usr/bin/env bats
# chat.postMessage, chat.sendMessage, chat.update, chat.delete and
# chat.getMessage (rcd/api/chat.c), with the save path's room counters
# (rcd/api/messages.c).

load ../lib/rcd

setup_file() {
    rcd_start
    login_as admin "$ADMIN_PASS"
    export ADMIN_UID=$AUTH_UID ADMIN_TOKEN=$AUTH_TOKEN
    mkuser alice
    mkuser bob
    mkuser robo bot
    as alice
    mkroom c general-chat
    export PUB=$RID
    mkroom p secret-chat
    export PRIV=$RID
}
teardown_file() { rcd_stop; }
setup() { as alice; }

# mkuser NAME [ROLE]: create NAME (password pw-NAME); its login is kept in
# NAME_UID / NAME_TOKEN (NAME upper-cased).
mkuser() {
    local n=${1^^}
    create_user "$1" "pw-$1" "${2:-}" || return 1
    login_as "$1" "pw-$1" || return 1
    export "${n}_UID=$AUTH_UID" "${n}_TOKEN=$AUTH_TOKEN"
}
as() { local n=${1^^}; eval "export AUTH_UID=\$${n}_UID AUTH_TOKEN=\$${n}_TOKEN"; }

# mkroom c|p NAME [MEMBER...]: create a channel or group as the caller; RID.
mkroom() {
    local kind=$1 name=$2 ep=channels.create key=channel
    shift 2
    [ "$kind" = p ] && ep=groups.create key=group
    api POST "/api/v1/$ep" "$(jq -nc --arg n "$name" '{name:$n, members:$ARGS.positional}' --args "$@")"
    [ "$STATUS" = 200 ] || { echo "mkroom $name: $STATUS $BODY" >&2; return 1; }
    RID=$(jq -r ".$key._id" <<<"$BODY")
}

# send RID TEXT: chat.sendMessage as the caller; MID is the new message.
send() {
    api POST /api/v1/chat.sendMessage "$(jq -nc --arg r "$1" --arg t "$2" '{message:{rid:$r, msg:$t}}')"
    [ "$STATUS" = 200 ] || { echo "send: $STATUS $BODY" >&2; return 1; }
    MID=$(jq -r .message._id <<<"$BODY")
}

# msgs RID: the room's msgs counter (channels.info or groups.info as admin
# for channels, as the caller for groups).
msgs() {
    local ep=channels.info
    api GET "/api/v1/channels.info?roomId=$1"
    if [ "$STATUS" != 200 ]; then
        ep=groups.info
        api GET "/api/v1/groups.info?roomId=$1"
    fi
    jq -r '(.channel // .group).msgs' <<<"$BODY"
}

set_setting() {
    local digest
    digest=$(printf %s "$ADMIN_PASS" | sha256sum | cut -d' ' -f1)
    AUTH_UID=$ADMIN_UID AUTH_TOKEN=$ADMIN_TOKEN api POST "/api/v1/settings/$1" \
        "{\"value\":$2}" -H "X-2FA-Code: $digest" -H 'X-2FA-Method: password'
    [ "$STATUS" = 200 ] || { echo "set_setting $1: $STATUS $BODY" >&2; return 1; }
}

# JSON values of the wrong type for a parameter of type s|b|o|a (array of
# objects)|A (array of strings).
wrong_values() {
    case $1 in
    s) printf '%s\n' '{"$ne":""}' '["x"]' '12' 'true' 'null' '"a\u0000b"' ;;
    b) printf '%s\n' '"true"' '1' '{}' '[]' 'null' ;;
    o) printf '%s\n' '"x"' '[]' '1' 'null' ;;
    a) printf '%s\n' '"x"' '{}' '1' 'null' '["x"]' ;;
    A) printf '%s\n' '"x"' '{}' '1' 'null' '[1]' '[null]' ;;
    esac
}

@test "postMessage answers ts as a number and the message with ISO dates" {
    api POST /api/v1/chat.postMessage "{\"channel\":\"#general-chat\",\"text\":\"hi there\"}"
    [ "$STATUS" = 200 ]
    jq_is '.success and (.ts | type) == "number" and .channel == "#general-chat"'
    jq_is '.message.msg == "hi there" and (.message._id | length) == 17'
    jq_is ".message.rid == \"$PUB\" and .message.u.username == \"alice\""
    jq_is '.message.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z$")'
    jq_is '(._updatedAt // .message._updatedAt) | type == "string"'
    jq_is '.message.groupable == false and .message.attachments == [] and .message.mentions == []'
}

@test "postMessage finds the room by #name, roomId, bare id or bare name" {
    local before
    before=$(msgs "$PUB")
    for target in "#general-chat" "general-chat" "$PUB" "#$PUB"; do
        api POST /api/v1/chat.postMessage "$(jq -nc --arg c "$target" '{channel:$c, text:"x"}')"
        [ "$STATUS" = 200 ]
        jq_is ".message.rid == \"$PUB\""
    done
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PUB\",\"text\":\"by id\"}"
    [ "$STATUS" = 200 ]
    jq_is ".channel == \"$PUB\""
    [ "$(msgs "$PUB")" = $((before + 5)) ]
}

@test "postMessage to several targets sends each once and answers the first" {
    local before
    before=$(msgs "$PUB")
    api POST /api/v1/chat.postMessage "{\"channel\":[\"#general-chat\",\"$PUB\",\"#general-chat\"],\"text\":\"multi\"}"
    [ "$STATUS" = 200 ]
    jq_is '.channel == "#general-chat"'
    # "#general-chat" twice is one target; "$PUB" is another string, same room
    [ "$(msgs "$PUB")" = $((before + 2)) ]
}

@test "postMessage to a public channel auto-joins the caller with a uj message" {
    as admin
    mkroom c joinme
    local room=$RID
    as bob
    api GET "/api/v1/subscriptions.getOne?roomId=$room"
    jq_is '.subscription == null'
    api POST /api/v1/chat.postMessage '{"channel":"#joinme","text":"hello"}'
    [ "$STATUS" = 200 ]
    api GET "/api/v1/subscriptions.getOne?roomId=$room"
    jq_is '.subscription.rid != null'
    api GET "/api/v1/channels.history?roomId=$room"
    jq_is '.messages[0].msg == "hello" and .messages[1].t == "uj" and .messages[1].msg == "bob"'
    jq_is '.messages[1].u.username == "bob" and .messages[1].groupable == false'
    [ "$(msgs "$room")" = 2 ]
}

@test "postMessage to a private group the caller is not in is refused as if it did not exist" {
    local before
    before=$(msgs "$PRIV")
    as bob
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PRIV\",\"text\":\"let me in\"}"
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"[invalid-channel]","errorType":"invalid-channel"}'
    hidden=$BODY
    api POST /api/v1/chat.postMessage '{"channel":"#secret-chat","text":"let me in"}'
    [ "$STATUS" = 400 ]
    [ "$BODY" = "$hidden" ]
    api POST /api/v1/chat.postMessage '{"channel":"#no-such-room-at-all","text":"let me in"}'
    [ "$BODY" = "$hidden" ]
    as alice
    [ "$(msgs "$PRIV")" = "$before" ]
}

@test "postMessage to @user creates the DM once and reuses it" {
    api POST /api/v1/chat.postMessage '{"channel":"@bob","text":"psst"}'
    [ "$STATUS" = 200 ]
    local dm
    dm=$(jq -r .message.rid <<<"$BODY")
    [ "$dm" = "$(printf '%s\n' "$ALICE_UID" "$BOB_UID" | sort | tr -d '\n')" ]
    api POST /api/v1/chat.postMessage "{\"channel\":\"@$BOB_UID\",\"text\":\"again\"}"
    jq_is ".message.rid == \"$dm\""
    as bob
    api GET "/api/v1/im.history?roomId=$dm"
    [ "$STATUS" = 200 ]
    jq_is '[.messages[].msg] == ["again","psst"]'
    # a bare user id also reaches the DM when no room has that id or name
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$ALICE_UID\",\"text\":\"back\"}"
    jq_is ".message.rid == \"$dm\""
}

@test "postMessage to an unknown target is [invalid-channel]" {
    for target in "#nope-nope" "@nobody-here" "nothing-at-all"; do
        api POST /api/v1/chat.postMessage "$(jq -nc --arg c "$target" '{channel:$c, text:"x"}')"
        [ "$STATUS" = 400 ]
        jq_is '.error == "[invalid-channel]" and .errorType == "invalid-channel"'
    done
}

@test "postMessage schema: one of roomId or channel, no unknown keys" {
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PUB\",\"channel\":\"#general-chat\",\"text\":\"x\"}"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-params"'
    api POST /api/v1/chat.postMessage '{"text":"x"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-params" and (.error | test("required property"))'
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PUB\",\"text\":\"x\",\"msg\":\"y\"}"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-params" and (.error | test("additional properties"))'
    # tmid belongs to the roomId shape only
    api POST /api/v1/chat.postMessage '{"channel":"#general-chat","text":"x","tmid":"abc"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-params"'
}

@test "postMessage refuses every wrong JSON type and saves nothing" {
    local before p v
    before=$(msgs "$PUB")
    for p in text:s alias:s emoji:s avatar:s tmid:s parseUrls:b customFields:o attachments:a; do
        while read -r v; do
            api POST /api/v1/chat.postMessage "{\"roomId\":\"$PUB\",\"${p%%:*}\":$v}"
            [ "$STATUS" = 400 ] || { echo "$p=$v: $STATUS $BODY" >&2; return 1; }
            jq_is '.success == false'
        done < <(wrong_values "${p#*:}")
    done
    for v in '12' 'true' 'null' '{}' '[1]' '"a\u0000b"'; do
        api POST /api/v1/chat.postMessage "{\"roomId\":$v,\"text\":\"x\"}"
        [ "$STATUS" = 400 ] || { echo "roomId=$v: $STATUS $BODY" >&2; return 1; }
        api POST /api/v1/chat.postMessage "{\"channel\":$v,\"text\":\"x\"}"
        [ "$STATUS" = 400 ] || { echo "channel=$v: $STATUS $BODY" >&2; return 1; }
    done
    [ "$(msgs "$PUB")" = "$before" ]
}

@test "alias and avatar need message-impersonate; emoji does not" {
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PUB\",\"text\":\"x\",\"alias\":\"Boss\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "Not enough permission"'
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PUB\",\"text\":\"x\",\"avatar\":\"https://example.com/a.png\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "Not enough permission"'
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PUB\",\"text\":\"x\",\"emoji\":\":smirk:\"}"
    [ "$STATUS" = 200 ]
    jq_is '.message.emoji == ":smirk:"'
    # bots hold message-impersonate; an avatar wins over an emoji
    as robo
    api POST /api/v1/chat.postMessage "{\"channel\":\"#general-chat\",\"text\":\"beep\",\"alias\":\"Robo\",\"avatar\":\"https://example.com/r.png\",\"emoji\":\":robot:\"}"
    [ "$STATUS" = 200 ]
    jq_is '.message.alias == "Robo" and .message.avatar == "https://example.com/r.png" and (.message | has("emoji") | not)'
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PUB\",\"text\":\"x\",\"avatar\":\"javascript:alert(1)\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "Invalid href value provided"'
}

@test "attachment URLs must be http(s), data: or /file-upload/, never javascript:" {
    local f
    for f in title_link author_link author_icon image_url audio_url video_url thumb_url message_link; do
        api POST /api/v1/chat.postMessage "$(jq -nc --arg r "$PUB" --arg f "$f" '{roomId:$r, text:"x", attachments:[{($f):"javascript:alert(1)"}]}')"
        [ "$STATUS" = 400 ] || { echo "$f: $STATUS $BODY" >&2; return 1; }
        jq_is '.error == "Invalid href value provided"'
        api POST /api/v1/chat.postMessage "$(jq -nc --arg r "$PUB" --arg f "$f" '{roomId:$r, text:"x", attachments:[{($f):"ftp://example.com/x"}]}')"
        [ "$STATUS" = 400 ] || { echo "$f ftp: $STATUS $BODY" >&2; return 1; }
    done
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PUB\",\"text\":\"x\",\"attachments\":[{\"actions\":[{\"type\":\"button\",\"url\":\"JavaScript:alert(1)\"}]}]}"
    [ "$STATUS" = 400 ]
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PUB\",\"text\":\"x\",\"attachments\":[{\"fields\":[{\"title\":12,\"value\":false}]}]}"
    [ "$STATUS" = 400 ]
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PUB\",\"text\":\"x\",\"attachments\":[{\"fields\":[{\"title\":\"t\"}]}]}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "Invalid attachment field, title and value is required"'
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PUB\",\"text\":\"x\",\"attachments\":[{\"title_link_download\":\"yes\"}]}"
    [ "$STATUS" = 400 ]
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PUB\",\"text\":\"ok\",\"attachments\":[{\"title\":\"T\",\"title_link\":\"https://example.com\",\"image_url\":\"/file-upload/abc/x.png\",\"msg\":\"  quoted  \",\"fields\":[{\"title\":\"a\",\"value\":1,\"short\":true}]}]}"
    [ "$STATUS" = 200 ]
    jq_is '.message.attachments[0].text == "quoted" and (.message.attachments[0] | has("msg") | not)'
    jq_is '.message.attachments[0].fields[0].value == 1'
}

@test "Message_MaxAllowedSize counts JavaScript units, for text and attachments" {
    local max
    max=$(printf 'a%.0s' $(seq 5000))
    api POST /api/v1/chat.postMessage "$(jq -nc --arg r "$PUB" --arg t "$max" '{roomId:$r, text:$t}')"
    [ "$STATUS" = 200 ]
    jq_is '.message.msg | length == 5000'
    api POST /api/v1/chat.postMessage "$(jq -nc --arg r "$PUB" --arg t "${max}b" '{roomId:$r, text:$t}')"
    [ "$STATUS" = 400 ]
    jq_is '.success == false and .error == "error-message-size-exceeded"'
    api POST /api/v1/chat.postMessage "$(jq -nc --arg r "$PUB" --arg t "${max}b" '{roomId:$r, text:"x", attachments:[{text:$t}]}')"
    [ "$STATUS" = 400 ]
    jq_is '.error == "error-message-size-exceeded"'
    api POST /api/v1/chat.sendMessage "$(jq -nc --arg r "$PUB" --arg t "${max}b" '{message:{rid:$r, msg:$t}}')"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-message-size-exceeded" and .details.method == "sendMessage"'
    # a rocket is two UTF-16 units: 5 of them are 10
    set_setting Message_MaxAllowedSize 10
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PUB\",\"text\":\"🚀🚀🚀🚀🚀\"}"
    [ "$STATUS" = 200 ]
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$PUB\",\"text\":\"🚀🚀🚀🚀🚀a\"}"
    [ "$STATUS" = 400 ]
    set_setting Message_MaxAllowedSize 5000
}

@test "text is stored and returned byte-exact" {
    local t got
    for t in '🚀 emoji ✓ ünïcødé' "quotes \" ' \` and \\ backslash" $'tab\tnew\nline \x01 \x1f \x7f' \
             '<script>alert(1)</script> **md** [l](javascript:x) &amp;' '   spaces kept by sendMessage   ' \
             '%_%\\%' "$(printf '%05000d' 7)"; do
        api POST /api/v1/chat.sendMessage "$(jq -nc --arg r "$PUB" --arg t "$t" '{message:{rid:$r, msg:$t}}')"
        [ "$STATUS" = 200 ] || { echo "$STATUS $BODY" >&2; return 1; }
        got=$(jq -r .message.msg <<<"$BODY")
        [ "$got" = "$t" ]
        api GET "/api/v1/chat.getMessage?msgId=$(jq -r .message._id <<<"$BODY")"
        got=$(jq -r .message.msg <<<"$BODY")
        [ "$got" = "$t" ]
        api GET "/api/v1/channels.history?roomId=$PUB&count=1"
        got=$(jq -r '.messages[0].msg' <<<"$BODY")
        [ "$got" = "$t" ]
    done
    # postMessage trims like Rocket.Chat (String.prototype.trim), nothing else
    api POST /api/v1/chat.postMessage "$(jq -nc --arg r "$PUB" '{roomId:$r, text:"\u00a0 \t inner  \"x\" \n"}')"
    jq_is '.message.msg == "inner  \"x\""'
    grep -q 'Content-Type: application/json' "$HEADERS"
}

@test "sendMessage keeps a client _id and never inserts it twice" {
    local before id=client-chosen-id-1
    before=$(msgs "$PUB")
    api POST /api/v1/chat.sendMessage "{\"message\":{\"_id\":\"$id\",\"rid\":\"$PUB\",\"msg\":\"first\"}}"
    [ "$STATUS" = 200 ]
    jq_is ".message._id == \"$id\" and .message.msg == \"first\""
    api POST /api/v1/chat.sendMessage "{\"message\":{\"_id\":\"$id\",\"rid\":\"$PUB\",\"msg\":\"second\"}}"
    [ "$STATUS" = 200 ]
    jq_is '.message.msg == "first"'
    [ "$(msgs "$PUB")" = $((before + 1)) ]
}

@test "sendMessage errors: system type, tshow, rid, room, access, read-only" {
    api POST /api/v1/chat.sendMessage "{\"message\":{\"rid\":\"$PUB\",\"msg\":\"x\",\"t\":\"subscription-role-added\",\"role\":\"<h1>\"}}"
    [ "$STATUS" = 400 ]
    jq_is ".error == \"Cannot send system messages using 'chat.sendMessage'\""
    api POST /api/v1/chat.sendMessage "{\"message\":{\"rid\":\"$PUB\",\"msg\":\"x\",\"tshow\":true}}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "tshow provided but missing tmid [invalid-params]" and .errorType == "invalid-params"'
    api POST /api/v1/chat.sendMessage '{"message":{"text":"x","alias":"a"}}'
    [ "$STATUS" = 400 ]
    jq_is ".error == \"The 'rid' property on the message object is missing.\""
    api POST /api/v1/chat.sendMessage '{"message":{"rid":"no-such-room","msg":"x"}}'
    [ "$STATUS" = 400 ]
    jq_is '.error == "error-invalid-room"'
    api POST /api/v1/chat.sendMessage '{"msg":"x"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-params"'
    as bob
    api POST /api/v1/chat.sendMessage "{\"message\":{\"rid\":\"$PRIV\",\"msg\":\"x\"}}"
    [ "$STATUS" = 400 ]
    # a room the caller cannot read answers as a missing one
    jq_is '. == {"success":false,"error":"error-invalid-room"}'
    # a public channel accepts a non-member's message without joining him
    as admin
    mkroom c open-door
    local room=$RID
    as bob
    api POST /api/v1/chat.sendMessage "{\"message\":{\"rid\":\"$room\",\"msg\":\"knock\"}}"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/subscriptions.getOne?roomId=$room"
    jq_is '.subscription == null'
    # read-only: the owner may post, a member may not
    as alice
    api POST /api/v1/channels.create '{"name":"ro-room","readOnly":true,"members":["bob"]}'
    [ "$STATUS" = 200 ]
    room=$(jq -r .channel._id <<<"$BODY")
    send "$room" "owner speaks"
    as bob
    api POST /api/v1/chat.sendMessage "{\"message\":{\"rid\":\"$room\",\"msg\":\"x\"}}"
    [ "$STATUS" = 400 ]
    jq_is ".error == \"You can't send messages because the room is readonly.\""
}

@test "sendMessage refuses wrong JSON types" {
    local p v
    for p in _id:s rid:s tmid:s msg:s alias:s emoji:s avatar:s tshow:b customFields:o attachments:a; do
        while read -r v; do
            api POST /api/v1/chat.sendMessage "{\"message\":{\"rid\":\"$PUB\",\"msg\":\"x\",\"${p%%:*}\":$v}}"
            if [ "${p%%:*}" = msg ] || [ "${p%%:*}" = rid ]; then
                api POST /api/v1/chat.sendMessage "{\"message\":{\"${p%%:*}\":$v}}"
            fi
            [ "$STATUS" = 400 ] || { echo "$p=$v: $STATUS $BODY" >&2; return 1; }
        done < <(wrong_values "${p#*:}")
    done
    for v in '"x"' '[]' '1' 'null'; do
        api POST /api/v1/chat.sendMessage "{\"message\":$v}"
        [ "$STATUS" = 400 ]
    done
    api POST /api/v1/chat.sendMessage "{\"message\":{\"rid\":\"$PUB\",\"msg\":\"x\"},\"previewUrls\":\"x\"}"
    [ "$STATUS" = 400 ]
}

@test "chat.update edits text, marks it edited and follows lastMessage" {
    send "$PUB" "before edit"
    local mid=$MID
    api POST /api/v1/chat.update "{\"roomId\":\"$PUB\",\"msgId\":\"$mid\",\"text\":\"after edit\"}"
    [ "$STATUS" = 200 ]
    jq_is '.message.msg == "after edit" and .message.editedBy.username == "alice" and (.message.editedAt | type) == "string"'
    api GET "/api/v1/channels.info?roomId=$PUB"
    jq_is ".channel.lastMessage._id == \"$mid\" and .channel.lastMessage.msg == \"after edit\""
    # unchanged text: nothing to do, still success
    api POST /api/v1/chat.update "{\"roomId\":\"$PUB\",\"msgId\":\"$mid\",\"text\":\"after edit\"}"
    [ "$STATUS" = 200 ]
    jq_is '.message.msg == "after edit"'
}

@test "chat.update errors" {
    send "$PUB" "alice's words"
    local mid=$MID
    api POST /api/v1/chat.update "{\"roomId\":\"$PUB\",\"msgId\":\"invalid-id\",\"text\":\"x\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "No message found with the id of \"invalid-id\"."'
    api POST /api/v1/chat.update "{\"roomId\":\"invalid-room\",\"msgId\":\"$mid\",\"text\":\"x\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "The room id provided does not match where the message is from."'
    for body in "{\"msgId\":\"$mid\",\"text\":\"x\"}" "{\"roomId\":\"$PUB\",\"text\":\"x\"}" \
                "{\"roomId\":\"$PUB\",\"msgId\":\"$mid\"}" "{\"roomId\":\"$PUB\",\"msgId\":\"$mid\",\"text\":\"\"}" \
                "{\"roomId\":\"$PUB\",\"msgId\":\"$mid\",\"text\":5}" "{\"roomId\":\"$PUB\",\"msgId\":\"$mid\",\"text\":\"x\",\"extra\":1}"; do
        api POST /api/v1/chat.update "$body"
        [ "$STATUS" = 400 ] || { echo "$body: $STATUS $BODY" >&2; return 1; }
        jq_is '.errorType == "invalid-params"'
    done
    as bob
    api POST /api/v1/chat.update "{\"roomId\":\"$PUB\",\"msgId\":\"$mid\",\"text\":\"bob was here\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "Message editing not allowed [error-action-not-allowed]" and .errorType == "error-action-not-allowed"'
    as admin
    api POST /api/v1/chat.update "{\"roomId\":\"$PUB\",\"msgId\":\"$mid\",\"text\":\"moderated\"}"
    [ "$STATUS" = 200 ]
    jq_is '.message.editedBy.username == "admin" and .message.u.username == "alice"'
}

@test "chat.delete answers ts as a string, lowers msgs and recomputes lastMessage" {
    send "$PUB" "keep me"
    local keep=$MID before
    send "$PUB" "delete me"
    local del=$MID
    before=$(msgs "$PUB")
    api POST /api/v1/chat.delete "{\"roomId\":\"$PUB\",\"msgId\":\"$del\"}"
    [ "$STATUS" = 200 ]
    jq_is ".success and ._id == \"$del\" and (.ts | type) == \"string\" and (.ts | test(\"^[0-9]{13}$\"))"
    jq_is ".message == {\"_id\":\"$del\",\"rid\":\"$PUB\",\"u\":{\"_id\":\"$ALICE_UID\",\"username\":\"alice\",\"name\":\"alice\"}}"
    [ "$(msgs "$PUB")" = $((before - 1)) ]
    api GET "/api/v1/channels.info?roomId=$PUB"
    jq_is ".channel.lastMessage._id == \"$keep\""
    api GET "/api/v1/chat.getMessage?msgId=$del"
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false}'
}

@test "chat.delete permissions: own message, others', asUser, errors" {
    as bob
    api POST /api/v1/channels.join "{\"roomId\":\"$PUB\"}"
    send "$PUB" "bob's"
    local bobs=$MID
    as alice
    send "$PUB" "alice's"
    local alices=$MID
    # a plain user may not delete someone else's message ...
    as bob
    api POST /api/v1/chat.delete "{\"roomId\":\"$PUB\",\"msgId\":\"$alices\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "Not allowed [error-action-not-allowed]" and .errorType == "error-action-not-allowed"'
    api POST /api/v1/chat.delete "{\"roomId\":\"$PUB\",\"msgId\":\"$alices\",\"asUser\":true}"
    [ "$STATUS" = 400 ]
    jq_is ".error == \"Unauthorized. You must have the permission \\\"force-delete-message\\\" to delete other's message as them.\""
    # ... but the room owner may (owner holds delete-message in the room)
    as alice
    api POST /api/v1/chat.delete "{\"roomId\":\"$PUB\",\"msgId\":\"$bobs\"}"
    [ "$STATUS" = 200 ]
    api POST /api/v1/chat.delete "{\"roomId\":\"$PUB\",\"msgId\":\"nope\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "No message found with the id of \"nope\"."'
    api POST /api/v1/chat.delete "{\"roomId\":\"other\",\"msgId\":\"$alices\"}"
    jq_is '.error == "The room id provided does not match where the message is from."'
    for body in "{\"roomId\":\"$PUB\"}" "{\"msgId\":\"$alices\"}" "{\"roomId\":\"$PUB\",\"msgId\":\"$alices\",\"asUser\":\"yes\"}" \
                "{\"roomId\":1,\"msgId\":\"$alices\"}" "{\"roomId\":\"$PUB\",\"msgId\":null}"; do
        api POST /api/v1/chat.delete "$body"
        [ "$STATUS" = 400 ] || { echo "$body: $STATUS $BODY" >&2; return 1; }
        jq_is '.errorType == "invalid-params"'
    done
    # admin deletes as the author (force-delete-message)
    as bob
    send "$PUB" "bob again"
    as admin
    api POST /api/v1/chat.delete "{\"roomId\":\"$PUB\",\"msgId\":\"$MID\",\"asUser\":true}"
    [ "$STATUS" = 200 ]
}

@test "chat.getMessage: the message, a bare failure, or not allowed" {
    send "$PRIV" "secret text"
    local mid=$MID
    api GET "/api/v1/chat.getMessage?msgId=$mid"
    [ "$STATUS" = 200 ]
    jq_is ".message._id == \"$mid\" and .message.msg == \"secret text\""
    api GET '/api/v1/chat.getMessage'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-params"'
    for who in bob admin; do
        as $who
        api GET "/api/v1/chat.getMessage?msgId=$mid"
        [ "$STATUS" = 400 ]
        jq_is '.error == "Not allowed [error-not-allowed]" and .errorType == "error-not-allowed" and (tostring | test("secret") | not)'
    done
}

@test "every saved message counts in msgs, system messages included" {
    as admin
    mkroom c counting
    local room=$RID
    [ "$(msgs "$room")" = 0 ]
    send "$room" "one"
    [ "$(msgs "$room")" = 1 ]
    as bob
    api POST /api/v1/channels.join "{\"roomId\":\"$room\"}"
    [ "$STATUS" = 200 ]
    as admin
    [ "$(msgs "$room")" = 2 ]
    api GET "/api/v1/channels.info?roomId=$room"
    jq_is '.channel.lastMessage.t == "uj" and (.channel.lm | type) == "string"'
}

@test "chat.update and chat.delete refuse every wrong JSON type" {
    send "$PUB" "typed target"
    local mid=$MID p v base
    for p in roomId:s msgId:s text:s customFields:o previewUrls:A; do
        while read -r v; do
            base=$(jq -nc --arg r "$PUB" --arg m "$mid" '{roomId:$r, msgId:$m, text:"changed"}')
            api POST /api/v1/chat.update "$(jq -c --arg p "${p%%:*}" --argjson v "$v" '. + {($p):$v}' <<<"$base")"
            [ "$STATUS" = 400 ] || { echo "update $p=$v: $STATUS $BODY" >&2; return 1; }
        done < <(wrong_values "${p#*:}")
    done
    for p in roomId:s msgId:s asUser:b; do
        while read -r v; do
            base=$(jq -nc --arg r "$PUB" --arg m "$mid" '{roomId:$r, msgId:$m}')
            api POST /api/v1/chat.delete "$(jq -c --arg p "${p%%:*}" --argjson v "$v" '. + {($p):$v}' <<<"$base")"
            [ "$STATUS" = 400 ] || { echo "delete $p=$v: $STATUS $BODY" >&2; return 1; }
        done < <(wrong_values "${p#*:}")
    done
    api GET "/api/v1/chat.getMessage?msgId=$mid"
    jq_is '.message.msg == "typed target" and (.message | has("editedAt") | not)'
}
