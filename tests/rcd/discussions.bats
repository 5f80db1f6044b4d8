#!/usr/bin/env bats
# rooms.createDiscussion and rooms.getDiscussions (rcd/api/discussions.c):
# a discussion is a room with a parent whose readers may read and join it.

load ../lib/rcd

setup_file() {
    rcd_start
    login_as admin "$ADMIN_PASS"
    export ADMIN_UID=$AUTH_UID ADMIN_TOKEN=$AUTH_TOKEN
    mkuser alice
    mkuser bob
    mkuser carol
    as alice
    mkroom c disc-pub
    export PUB=$RID
    mkroom p disc-priv bob
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
    api POST /api/v1/chat.sendMessage "$(jq -nc --arg r "$1" --arg t "$2" '{message:{rid:$r, msg:$t}}')"
    [ "$STATUS" = 200 ] || { echo "send: $STATUS $BODY" >&2; return 1; }
    MID=$(jq -r .message._id <<<"$BODY")
}

# discuss BODY_JSON: rooms.createDiscussion; DID is the discussion's id.
discuss() {
    api POST /api/v1/rooms.createDiscussion "$1"
    DID=$(jq -r '.discussion._id // empty' <<<"$BODY")
}

@test "createDiscussion requires prid and t_name, with Rocket.Chat's texts" {
    discuss '{}'
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"Body parameter \"prid\" is required."}'
    discuss "{\"prid\":\"$PUB\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "Body parameter \"t_name\" is required."'
    discuss "{\"prid\":\"$PUB\",\"t_name\":\"\"}"
    jq_is '.error == "Body parameter \"t_name\" is required."'
    discuss "{\"prid\":\"$PUB\",\"t_name\":\"x\",\"users\":\"bob\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "Body parameter \"users\" must be an array."'
    discuss "{\"prid\":\"$PUB\",\"t_name\":\"x\",\"encrypted\":\"yes\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "Body parameter \"encrypted\" must be a boolean when included."'
}

@test "createDiscussion refuses wrong JSON types for every parameter" {
    local p v
    for p in prid t_name pmid reply topic; do
        for v in '{"$ne":""}' '["x"]' '12' 'true' '"a\u0000b"'; do
            discuss "$(jq -nc --arg r "$PUB" --arg p "$p" --argjson v "$v" '{prid:$r, t_name:"typed"} + {($p):$v}')"
            [ "$STATUS" = 400 ] || { echo "$p=$v: $STATUS $BODY" >&2; return 1; }
        done
    done
    for v in '[1]' '[null]' '[{"a":1}]'; do
        discuss "{\"prid\":\"$PUB\",\"t_name\":\"typed\",\"users\":$v}"
        [ "$STATUS" = 400 ] || { echo "users=$v: $STATUS $BODY" >&2; return 1; }
    done
    api GET "/api/v1/rooms.getDiscussions?roomId=$PUB"
    jq_is '.total == 0'
}

@test "createDiscussion errors: unknown room or message, nesting, access" {
    discuss '{"prid":"invalid-id","t_name":"x"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-invalid-room"'
    discuss "{\"prid\":\"$PUB\",\"t_name\":\"x\",\"pmid\":\"invalid-message\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "Invalid message [error-invalid-message]" and .errorType == "error-invalid-message"'
    send "$PRIV" "in the group"
    discuss "{\"prid\":\"$PUB\",\"t_name\":\"x\",\"pmid\":\"$MID\"}"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-invalid-arguments"'
    discuss "{\"prid\":\"$PUB\",\"t_name\":\"outer\"}"
    [ "$STATUS" = 200 ]
    discuss "{\"prid\":\"$DID\",\"t_name\":\"inner\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "Cannot create nested discussions [error-nested-discussion]"'
    as carol
    discuss "{\"prid\":\"$PRIV\",\"t_name\":\"not mine\"}"
    [ "$STATUS" = 400 ]
    # an unreadable parent answers as a missing one
    jq_is '.errorType == "error-invalid-room"'
}

@test "a discussion: random name, fname = title, parent's type, owner and members" {
    local before
    api GET "/api/v1/channels.info?roomId=$PUB"
    before=$(jq -r .channel.msgs <<<"$BODY")
    discuss "{\"prid\":\"$PUB\",\"t_name\":\"Let's talk 🚀\",\"users\":[\"bob\",\"nobody-at-all\"]}"
    [ "$STATUS" = 200 ]
    jq_is ".discussion.prid == \"$PUB\" and .discussion.fname == \"Let's talk 🚀\" and .discussion.t == \"c\""
    jq_is '.discussion.name != .discussion.fname and (.discussion.name | length) == 17'
    jq_is '.discussion.rid == .discussion._id and .discussion.topic == "disc-pub" and .discussion.usersCount == 2'
    local d=$DID
    api GET "/api/v1/subscriptions.getOne?roomId=$d"
    jq_is '.subscription.roles == ["owner"]'
    as bob
    api GET "/api/v1/subscriptions.getOne?roomId=$d"
    jq_is ".subscription.rid == \"$d\""
    # the parent announces it, and the message counts
    as alice
    api GET "/api/v1/channels.history?roomId=$PUB&count=1"
    jq_is ".messages[0].t == \"discussion-created\" and .messages[0].drid == \"$d\" and .messages[0].msg == \"Let's talk 🚀\""
    api GET "/api/v1/channels.info?roomId=$PUB"
    jq_is ".channel.msgs == $((before + 1))"
    # a private parent gives a private discussion
    discuss "{\"prid\":\"$PRIV\",\"t_name\":\"quiet\"}"
    [ "$STATUS" = 200 ]
    jq_is '.discussion.t == "p"'
}

@test "reply goes into the discussion; the announcement follows its activity" {
    discuss "{\"prid\":\"$PUB\",\"t_name\":\"with reply\",\"reply\":\"first words\"}"
    [ "$STATUS" = 200 ]
    local d=$DID
    api GET "/api/v1/channels.history?roomId=$d"
    jq_is '[.messages[].msg] == ["first words"]'
    send "$d" "second words"
    api GET "/api/v1/channels.messages?roomId=$PUB&count=20"
    jq_is "(.messages | map(select(.drid == \"$d\"))[0]) | .dcount == 2 and (.dlm | type) == \"string\""
}

@test "pmid invites the author and one message has one discussion" {
    as bob
    api POST /api/v1/channels.join "{\"roomId\":\"$PUB\"}"
    send "$PUB" "worth discussing"
    local pm=$MID
    as alice
    discuss "{\"prid\":\"$PUB\",\"t_name\":\"about bob's\",\"pmid\":\"$pm\"}"
    [ "$STATUS" = 200 ]
    local d=$DID
    jq_is '.discussion.usersCount == 2'
    as carol
    discuss "{\"prid\":\"$PUB\",\"t_name\":\"again\",\"pmid\":\"$pm\"}"
    [ "$STATUS" = 200 ]
    [ "$DID" = "$d" ]
    api GET "/api/v1/subscriptions.getOne?roomId=$d"
    jq_is ".subscription.rid == \"$d\""
    api GET "/api/v1/channels.history?roomId=$d&count=1"
    jq_is '.messages[0].t == "ut" and .messages[0].msg == "carol"'
}

@test "getDiscussions: parent readers list them; others are refused" {
    mkroom p disc-list bob
    local parent=$RID
    discuss "{\"prid\":\"$parent\",\"t_name\":\"b-second\"}"
    discuss "{\"prid\":\"$parent\",\"t_name\":\"a-first\"}"
    api GET "/api/v1/rooms.getDiscussions?roomId=$parent"
    [ "$STATUS" = 200 ]
    jq_is '[.discussions[].fname] == ["a-first","b-second"] and .count == 2 and .total == 2 and .offset == 0'
    api GET "/api/v1/rooms.getDiscussions?roomId=$parent&count=1&offset=1"
    jq_is '[.discussions[].fname] == ["b-second"] and .total == 2'
    # bob is in the parent, not in the discussions: he still sees them
    as bob
    api GET "/api/v1/rooms.getDiscussions?roomId=$parent"
    jq_is '.total == 2'
    # Rocket.Chat says not-allowed here; rcd's room lookup (roomutil.c)
    # already answers a non-reader as if the room did not exist
    for who in carol admin; do
        as $who
        api GET "/api/v1/rooms.getDiscussions?roomId=$parent"
        [ "$STATUS" = 400 ]
        jq_is '.success == false and (tostring | test("first|second") | not)'
        jq_is '.errorType == "error-room-not-found" or .errorType == "Not Allowed"'
    done
    api GET "/api/v1/rooms.getDiscussions"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-roomid-param-not-provided"'
}

@test "members of a public parent can read and join its discussion" {
    discuss "{\"prid\":\"$PUB\",\"t_name\":\"open talk\",\"reply\":\"welcome\"}"
    local d=$DID
    as carol
    api GET "/api/v1/rooms.getDiscussions?roomId=$PUB"
    jq_is "[.discussions[]._id] | index(\"$d\") != null"
    api GET "/api/v1/channels.history?roomId=$d"
    [ "$STATUS" = 200 ]
    jq_is '.messages[0].msg == "welcome"'
    api POST /api/v1/channels.join "{\"roomId\":\"$d\"}"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/subscriptions.getOne?roomId=$d"
    jq_is ".subscription.rid == \"$d\""
}

@test "a private discussion is readable through its parent only" {
    discuss "{\"prid\":\"$PRIV\",\"t_name\":\"inner circle\",\"reply\":\"shh\"}"
    local d=$DID mid
    api GET "/api/v1/groups.history?roomId=$d"
    mid=$(jq -r '.messages[0]._id' <<<"$BODY")
    # bob is in the parent group only
    as bob
    api GET "/api/v1/chat.getMessage?msgId=$mid"
    [ "$STATUS" = 200 ]
    jq_is '.message.msg == "shh"'
    as carol
    api GET "/api/v1/rooms.getDiscussions?roomId=$PRIV"
    [ "$STATUS" = 400 ]
    api GET "/api/v1/groups.history?roomId=$d"
    [ "$STATUS" = 400 ]
    jq_is '(tostring | test("shh") | not)'
    api GET "/api/v1/chat.getMessage?msgId=$mid"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-not-allowed"'
}

@test "deleting the announcement deletes the discussion; its messages count down" {
    discuss "{\"prid\":\"$PUB\",\"t_name\":\"short-lived\",\"reply\":\"one\"}"
    local d=$DID created
    send "$d" "two"
    local two=$MID
    api POST /api/v1/chat.delete "{\"roomId\":\"$d\",\"msgId\":\"$two\"}"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/channels.messages?roomId=$PUB&count=50"
    created=$(jq -r ".messages | map(select(.drid == \"$d\"))[0]._id" <<<"$BODY")
    jq_is "(.messages | map(select(.drid == \"$d\"))[0]) | .dcount == 1"
    api POST /api/v1/chat.delete "{\"roomId\":\"$PUB\",\"msgId\":\"$created\"}"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/channels.info?roomId=$d"
    [ "$STATUS" = 400 ]
    api GET "/api/v1/rooms.getDiscussions?roomId=$PUB"
    jq_is "[.discussions[]._id] | index(\"$d\") == null"
}
