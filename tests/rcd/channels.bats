#!/usr/bin/env bats
# The channels.* endpoints (rcd/api/channels.c, rcd/api/roomutil.c):
# create, info, list, list.joined, members, counters, join, leave, kick,
# invite, add/removeOwner, add/removeModerator, archive, unarchive, rename,
# setTopic/Description/Announcement, setReadOnly, setType, delete.

load ../lib/rcd

setup_file() {
    rcd_start
    login_as admin "$ADMIN_PASS"
    export ADMIN_UID=$AUTH_UID ADMIN_TOKEN=$AUTH_TOKEN
    for u in alice bob carol dave; do
        create_user "$u" "pw-$u"
        login_as "$u" "pw-$u"
        eval "export ${u^^}_UID=\$AUTH_UID ${u^^}_TOKEN=\$AUTH_TOKEN"
    done
    create_user gus pw-gus guest
    login_as gus pw-gus
    export GUS_UID=$AUTH_UID GUS_TOKEN=$AUTH_TOKEN
}
teardown_file() { rcd_stop; }
setup() { as admin; }

# as NAME: make NAME (admin, alice, ...) the caller.
as() {
    local n=${1^^}
    eval "export AUTH_UID=\$${n}_UID AUTH_TOKEN=\$${n}_TOKEN"
}

# mkchan NAME [EXTRA_JSON]: create a channel as the caller; CID holds its id.
mkchan() {
    api POST /api/v1/channels.create \
        "$(jq -nc --arg n "$1" --argjson x "${2:-{\}}" '{name:$n} + $x')"
    [ "$STATUS" = 200 ] || { echo "mkchan $1: $STATUS $BODY" >&2; return 1; }
    CID=$(jq -r .channel._id <<<"$BODY")
}

# info ID: channels.info as admin (BODY holds it); msgs ID: its counter.
info() {
    AUTH_UID=$ADMIN_UID AUTH_TOKEN=$ADMIN_TOKEN api GET "/api/v1/channels.info?roomId=$1"
}
msgs() {
    info "$1"
    jq -r .channel.msgs <<<"$BODY"
}

# roles_of ID USER: USER's roles in the room, as USER sees them.
roles_of() {
    as "$2"
    api GET "/api/v1/subscriptions.getOne?roomId=$1"
    jq -c '.subscription.roles // []' <<<"$BODY"
}

# fails_with STATUS ERRORTYPE: the last reply was that failure.
fails_with() {
    [ "$STATUS" = "$1" ] || { echo "status $STATUS, body $BODY" >&2; return 1; }
    jq_is ".success == false and .errorType == \"$2\""
}

# JSON values of the wrong type for a parameter of type s|b|o|a.
wrong_values() {
    case $1 in
    s) printf '%s\n' '{"$ne":""}' '["x"]' '12' 'true' 'null' '"a\u0000b"' ;;
    b) printf '%s\n' '"true"' '1' '{}' '[]' 'null' ;;
    o) printf '%s\n' '"x"' '[]' '1' 'null' ;;
    a) printf '%s\n' '"x"' '{}' '1' 'null' '[1]' '[{"$ne":1}]' ;;
    esac
}

# types_400 PATH BASE KEY:TYPE...: each key of BASE replaced by each wrong
# value must be refused with 400 success:false, never 200 or 5xx.
types_400() {
    local path=$1 base=$2 spec k t v body
    shift 2
    for spec in "$@"; do
        k=${spec%:*} t=${spec##*:}
        while read -r v; do
            body=$(jq -c --arg k "$k" --argjson v "$v" '.[$k] = $v' <<<"$base")
            api POST "$path" "$body"
            if [ "$STATUS" != 400 ] || ! jq -e '.success == false' >/dev/null <<<"$BODY"; then
                echo "$path $body -> $STATUS $BODY" >&2
                return 1
            fi
        done < <(wrong_values "$t")
    done
}

# ---- authentication ----

@test "every channels endpoint without credentials is 401" {
    AUTH_UID= AUTH_TOKEN=
    for r in "POST create" "GET info?roomId=x" "GET list" "GET list.joined" \
             "GET members?roomId=x" "GET counters?roomId=x" "POST join" \
             "POST leave" "POST kick" "POST invite" "POST addOwner" \
             "POST removeOwner" "POST addModerator" "POST removeModerator" \
             "POST archive" "POST unarchive" "POST rename" "POST setTopic" \
             "POST setDescription" "POST setAnnouncement" "POST setReadOnly" \
             "POST setType" "POST delete"; do
        api "${r%% *}" "/api/v1/channels.${r#* }" '{}'
        [ "$STATUS" = 401 ] || { echo "$r -> $STATUS"; return 1; }
        jq_is '.error == "You must be logged in to do this."'
    done
}

# ---- channels.create ----

@test "channels.create makes the caller owner of a new channel" {
    as alice
    mkchan c-create
    jq_is '.channel.t == "c" and .channel.name == "c-create" and .channel.fname == "c-create"'
    jq_is '.channel.msgs == 0 and .channel.usersCount == 1 and .channel.ro == false'
    jq_is ".channel.u == {\"_id\":\"$ALICE_UID\",\"username\":\"alice\"}"
    jq_is '(.channel | has("joinCode")) | not'
    jq_is '(keys_unsorted | last) == "success"'
    [ "$(roles_of "$CID" alice)" = '["owner"]' ]
    as alice
    api GET "/api/v1/subscriptions.getOne?roomId=$CID"
    jq_is '.subscription.open == true and .subscription.alert == false and .subscription.unread == 0'
    jq_is '.subscription.name == "c-create" and .subscription.t == "c" and (.subscription | has("ls"))'
}

@test "channels.create subscribes members, skipping unknown usernames" {
    as alice
    mkchan c-members '{"members":["bob","nobody-here","carol","bob"],"readOnly":true}'
    jq_is '.channel.usersCount == 3 and .channel.ro == true and .channel.msgs == 0'
    [ "$(roles_of "$CID" bob)" = '[]' ]
    as bob
    api GET "/api/v1/subscriptions.getOne?roomId=$CID"
    jq_is '.subscription.open == true and .subscription.unread == 0'
}

@test "channels.create with excludeSelf leaves the creator out" {
    mkchan c-exclude '{"members":["bob"],"excludeSelf":true}'
    jq_is '.channel.usersCount == 1'
    api GET "/api/v1/subscriptions.getOne?roomId=$CID"
    jq_is '.subscription == null'
}

@test "channels.create refuses a taken name in any case, channels and groups alike" {
    mkchan c-taken
    api POST /api/v1/channels.create '{"name":"C-TAKEN"}'
    fails_with 400 error-duplicate-channel-name
    jq_is '.error == "A channel with name '"'"'C-TAKEN'"'"' exists [error-duplicate-channel-name]"'
    api POST /api/v1/groups.create '{"name":"g-taken"}'
    [ "$STATUS" = 200 ]
    api POST /api/v1/channels.create '{"name":"g-Taken"}'
    fails_with 400 error-duplicate-channel-name
}

@test "channels.create refuses an archived channel's name with its own error" {
    mkchan c-arch-name
    api POST /api/v1/channels.archive "{\"roomId\":\"$CID\"}"
    [ "$STATUS" = 200 ]
    api POST /api/v1/channels.create '{"name":"c-arch-name"}'
    fails_with 400 error-archived-duplicate-name
}

@test "channels.create validates the name like Rocket.Chat" {
    for n in 'has space' 'sl/ash' 'é' 'a<b>'; do
        api POST /api/v1/channels.create "$(jq -nc --arg n "$n" '{name:$n}')"
        fails_with 400 error-invalid-room-name
    done
    jq_is '.error == "a&lt;b&gt; is not a valid room name. [error-invalid-room-name]"'
    api POST /api/v1/channels.create '{"name":"administrator"}'
    fails_with 400 error-invalid-room-name
    api POST /api/v1/channels.create '{"name":"   "}'
    fails_with 400 error-invalid-name
    api POST /api/v1/channels.create '{"name":"  c-trimmed  "}'
    [ "$STATUS" = 200 ]
    jq_is '.channel.name == "c-trimmed" and .channel.fname == "  c-trimmed  "'
}

@test "channels.create without a name is Param name is required" {
    api POST /api/v1/channels.create '{}'
    [ "$STATUS" = 400 ]
    jq_is '.error == "Param \"name\" is required" and (has("errorType") | not)'
    api POST /api/v1/channels.create '{"name":""}'
    jq_is '.error == "Param \"name\" is required"'
    api POST /api/v1/channels.create '{"name":"c-x","members":"bob"}'
    jq_is '.error == "Param \"members\" must be an array if provided"'
    api POST /api/v1/channels.create '{"name":"c-x","customFields":"x"}'
    jq_is '.error == "Param \"customFields\" must be an object if provided"'
}

@test "channels.create refuses every wrong JSON type with 400" {
    types_400 /api/v1/channels.create '{"name":"c-types"}' name:s readOnly:b \
        extraData:o excludeSelf:b members:a customFields:o teams:a
    types_400 /api/v1/channels.create '{"name":"c-types","extraData":{}}' extraData:o
    api POST /api/v1/channels.create '{"name":"c-types","extraData":{"broadcast":"yes"}}'
    [ "$STATUS" = 400 ]
}

@test "channels.create tolerates unknown keys and honours extraData.broadcast" {
    mkchan c-unknown '{"whatever":1,"extraData":{"broadcast":true,"other":"x"}}'
    jq_is '.channel.broadcast == true and .channel.ro == true'
}

@test "channels.create without create-c is 403 unauthorized" {
    as gus
    api POST /api/v1/channels.create '{"name":"c-guest"}'
    [ "$STATUS" = 403 ]
    jq_is '. == {"success":false,"error":"unauthorized"}'
}

@test "channels.create in a team: teamId, team members via teams, team-only listing" {
    as alice
    api POST /api/v1/teams.create '{"name":"t-one","type":0,"members":["bob"]}'
    [ "$STATUS" = 200 ] || { echo "$BODY"; return 1; }
    tid=$(jq -r .team._id <<<"$BODY")
    mkchan c-team-room "{\"extraData\":{\"teamId\":\"$tid\"}}"
    jq_is ".channel.teamId == \"$tid\" and .channel.usersCount == 1"
    as carol
    api POST /api/v1/channels.create "{\"name\":\"c-team-carol\",\"extraData\":{\"teamId\":\"$tid\"}}"
    [ "$STATUS" = 403 ]
    # a team's channel is listed only to those in it
    api GET '/api/v1/channels.list?count=100'
    jq_is '[.channels[].name] | index("c-team-room") | not'
    as alice
    api GET '/api/v1/channels.list?count=100'
    jq_is '[.channels[].name] | index("c-team-room")'
    mkchan c-from-team '{"teams":["t-one","no-such-team"]}'
    jq_is '.channel.usersCount == 2'
}

# ---- channels.info ----

@test "channels.info finds a channel by id or by name, archived or not" {
    mkchan c-info
    api GET "/api/v1/channels.info?roomId=$CID"
    [ "$STATUS" = 200 ]
    jq_is ".channel._id == \"$CID\" and .channel.name == \"c-info\""
    as bob
    api GET /api/v1/channels.info?roomName=c-info
    [ "$STATUS" = 200 ]
    jq_is ".channel._id == \"$CID\""
    as admin
    api POST /api/v1/channels.archive "{\"roomName\":\"c-info\"}"
    api GET "/api/v1/channels.info?roomId=$CID"
    [ "$STATUS" = 200 ]
    jq_is '.channel.archived == true'
}

@test "channels.info of no channel, or of a group, is error-room-not-found" {
    api GET "/api/v1/channels.info?roomId=nope"
    fails_with 400 error-room-not-found
    jq_is '.error == "The required \"roomId\" or \"roomName\" param provided does not match any channel [error-room-not-found]"'
    api GET /api/v1/channels.info
    fails_with 400 error-room-not-found
    api POST /api/v1/groups.create '{"name":"g-not-channel"}'
    gid=$(jq -r .group._id <<<"$BODY")
    api GET "/api/v1/channels.info?roomId=$gid"
    fails_with 400 error-room-not-found
    # roomId wins when present, even empty
    api GET "/api/v1/channels.info?roomId=&roomName=g-not-channel"
    fails_with 400 error-room-not-found
}

# ---- channels.list, channels.list.joined ----

@test "channels.list pages every public channel with count, offset and total" {
    for i in 1 2 3; do mkchan "c-list-$i"; done
    api GET '/api/v1/channels.list?count=2'
    [ "$STATUS" = 200 ]
    jq_is '.count == 2 and .offset == 0 and .total >= 3 and (.channels | length) == 2'
    total=$(jq .total <<<"$BODY")
    api GET "/api/v1/channels.list?offset=1&count=100"
    jq_is ".count == $total - 1 and .offset == 1"
    jq_is 'all(.channels[]; .t == "c")'
    api GET "/api/v1/channels.list?_id=$CID"
    jq_is '.count == 1 and .total == 1 and .channels[0].name == "c-list-3"'
}

@test "channels.list sorts by an allowed key and projects fields" {
    api GET '/api/v1/channels.list?sort=%7B%22name%22%3A-1%7D&count=100'
    [ "$STATUS" = 200 ]
    jq_is '[.channels[].name] == ([.channels[].name] | sort | reverse)'
    api GET '/api/v1/channels.list?fields=%7B%22name%22%3A1%7D&count=1'
    jq_is '.channels[0] | keys == ["_id","name"]'
    api GET '/api/v1/channels.list?sort=%7B%22password%22%3A1%7D'
    fails_with 400 error-invalid-sort
    api GET '/api/v1/channels.list?query=%7B%22t%22%3A%22p%22%7D'
    fails_with 400 error-invalid-query
    api GET '/api/v1/channels.list?count=-1'
    [ "$STATUS" = 400 ]
}

@test "channels.list without view-c-room lists only joined channels" {
    as alice
    mkchan c-gus-list '{"members":["gus"]}'
    as gus
    api GET '/api/v1/channels.list?count=100'
    [ "$STATUS" = 200 ]
    jq_is '.total == 1 and .channels[0].name == "c-gus-list"'
}

@test "channels.list.joined lists the caller's channels only, empty included" {
    as dave
    api GET /api/v1/channels.list.joined
    [ "$STATUS" = 200 ]
    jq_is '.channels == [] and .count == 0 and .total == 0 and .offset == 0'
    as alice
    mkchan c-joined '{"members":["dave"]}'
    as dave
    api GET /api/v1/channels.list.joined
    jq_is '.total == 1 and .channels[0].name == "c-joined"'
}

# ---- channels.members ----

@test "channels.members lists active members, filtered and paged" {
    as alice
    mkchan c-mem '{"members":["bob","carol"]}'
    as dave
    api GET "/api/v1/channels.members?roomId=$CID"
    [ "$STATUS" = 200 ]
    jq_is '.total == 3 and .count == 3 and .offset == 0'
    jq_is '[.members[].username] == ["alice","bob","carol"]'
    jq_is '.members[0] | has("_id") and has("status") and has("_updatedAt") and (has("emails") | not)'
    api GET "/api/v1/channels.members?roomId=$CID&filter=CAR"
    jq_is '.total == 1 and .members[0].username == "carol"'
    api GET "/api/v1/channels.members?roomId=$CID&filter=%25"
    jq_is '.total == 0'
    api GET "/api/v1/channels.members?roomId=$CID&count=1&offset=1&sort=%7B%22username%22:-1%7D"
    jq_is '.count == 1 and .total == 3 and .members[0].username == "bob"'
    api GET "/api/v1/channels.members?roomId=nope"
    fails_with 400 error-room-not-found
}

# ---- channels.counters ----

@test "channels.counters tells a member its counters" {
    as alice
    mkchan c-counters
    api GET "/api/v1/channels.counters?roomId=$CID"
    [ "$STATUS" = 200 ]
    jq_is '.joined == true and .members == 1 and .msgs == 0 and .unreads == 0'
    as bob
    api GET "/api/v1/channels.counters?roomId=$CID"
    jq_is '.joined == false and .members == null and .msgs == null'
    api GET "/api/v1/channels.counters?roomId=$CID&userId=$ALICE_UID"
    [ "$STATUS" = 403 ]
}

# ---- channels.join, channels.leave ----

@test "channels.join adds the caller with a uj message; a second join changes nothing" {
    as alice
    mkchan c-join
    as bob
    api POST /api/v1/channels.join "{\"roomId\":\"$CID\"}"
    [ "$STATUS" = 200 ]
    jq_is '.channel.usersCount == 2 and .channel.msgs == 1'
    jq_is '.channel.lastMessage.t == "uj" and .channel.lastMessage.msg == "bob"'
    jq_is ".channel.lastMessage.u._id == \"$BOB_UID\""
    api POST /api/v1/channels.join '{"roomName":"c-join"}'
    [ "$STATUS" = 200 ]
    jq_is '.channel.usersCount == 2 and .channel.msgs == 1'
    api GET "/api/v1/subscriptions.getOne?roomId=$CID"
    jq_is '.subscription.alert == true and .subscription.unread == 1'
}

@test "channels.join of an archived or missing channel fails" {
    mkchan c-join-arch
    api POST /api/v1/channels.archive "{\"roomId\":\"$CID\"}"
    as bob
    api POST /api/v1/channels.join "{\"roomId\":\"$CID\"}"
    fails_with 400 error-room-archived
    jq_is '.error == "The channel, c-join-arch, is archived [error-room-archived]"'
    api POST /api/v1/channels.join '{"roomId":"nope"}'
    fails_with 400 error-room-not-found
    types_400 /api/v1/channels.join "{\"roomId\":\"$CID\"}" roomId:s roomName:s joinCode:s
}

@test "channels.leave removes the caller with a ul message" {
    as alice
    mkchan c-leave '{"members":["bob"]}'
    before=$(msgs "$CID")
    as bob
    api POST /api/v1/channels.leave "{\"roomId\":\"$CID\"}"
    [ "$STATUS" = 200 ]
    jq_is ".channel.usersCount == 1 and .channel.msgs == $before + 1"
    jq_is '.channel.lastMessage.t == "ul"'
    api GET "/api/v1/subscriptions.getOne?roomId=$CID"
    jq_is '.subscription == null'
    api POST /api/v1/channels.leave "{\"roomId\":\"$CID\"}"
    fails_with 400 error-user-not-in-room
    jq_is '.error == "You are not in this room [error-user-not-in-room]" and .details.method == "leaveRoom"'
}

@test "the last owner cannot leave; a second owner makes it possible" {
    as alice
    mkchan c-last-leave '{"members":["bob"]}'
    api POST /api/v1/channels.leave "{\"roomId\":\"$CID\"}"
    fails_with 400 error-you-are-last-owner
    jq_is '.error == "You are the last owner. Please set new owner before leaving the room. [error-you-are-last-owner]"'
    api POST /api/v1/channels.addOwner "{\"roomId\":\"$CID\",\"username\":\"bob\"}"
    [ "$STATUS" = 200 ]
    api POST /api/v1/channels.leave "{\"roomId\":\"$CID\"}"
    [ "$STATUS" = 200 ]
    types_400 /api/v1/channels.leave "{\"roomId\":\"$CID\"}" roomId:s roomName:s
}

# ---- channels.kick ----

@test "channels.kick removes a member with an ru message by the remover" {
    as alice
    mkchan c-kick '{"members":["bob"]}'
    before=$(msgs "$CID")
    api POST /api/v1/channels.kick "{\"roomId\":\"$CID\",\"username\":\"bob\"}"
    [ "$STATUS" = 200 ]
    jq_is ".channel.msgs == $before + 1 and .channel.usersCount == 1"
    jq_is ".channel.lastMessage.t == \"ru\" and .channel.lastMessage.msg == \"bob\""
    jq_is ".channel.lastMessage.u._id == \"$ALICE_UID\""
}

@test "a kicked user's very next request sees the membership gone" {
    as alice
    mkchan c-kick-next '{"members":["bob"]}'
    api POST /api/v1/channels.addModerator "{\"roomId\":\"$CID\",\"username\":\"bob\"}"
    api POST /api/v1/channels.kick "{\"roomId\":\"$CID\",\"userId\":\"$BOB_UID\"}"
    [ "$STATUS" = 200 ]
    as bob
    api GET "/api/v1/subscriptions.getOne?roomId=$CID"
    jq_is '.subscription == null'
    # the moderator role went with the subscription
    api POST /api/v1/channels.kick "{\"roomId\":\"$CID\",\"username\":\"alice\"}"
    fails_with 400 error-not-allowed
    api POST /api/v1/channels.leave "{\"roomId\":\"$CID\"}"
    fails_with 400 error-user-not-in-room
}

@test "removing a member keeps every message they wrote" {
    as alice
    mkchan c-keep
    as bob
    api POST /api/v1/channels.join "{\"roomId\":\"$CID\"}"
    api POST /api/v1/chat.sendMessage "{\"message\":{\"rid\":\"$CID\",\"msg\":\"hello from bob\"}}"
    [ "$STATUS" = 200 ]
    mid=$(jq -r .message._id <<<"$BODY")
    n_bob() { sqlite3 "$RCD_DIR/rcd.db" "SELECT count(*) FROM messages m JOIN rooms r ON r.rid = m.room_rid WHERE r.id = '$CID' AND m.u_username = 'bob'"; }
    [ "$(n_bob)" = 2 ]
    as alice
    api POST /api/v1/channels.kick "{\"roomId\":\"$CID\",\"username\":\"bob\"}"
    [ "$STATUS" = 200 ]
    [ "$(n_bob)" = 2 ]
    api GET "/api/v1/channels.history?roomId=$CID&count=10"
    [ "$STATUS" = 200 ]
    jq_is "[.messages[] | select(.u.username == \"bob\") | .msg] == [\"hello from bob\", \"bob\"]"
    jq_is ".messages[0].t == \"ru\""
    api GET "/api/v1/chat.getMessage?msgId=$mid"
    jq_is '.message.msg == "hello from bob"'
}

@test "channels.kick needs remove-user, a member target and another owner" {
    as alice
    mkchan c-kick-rules '{"members":["bob"]}'
    as bob
    api POST /api/v1/channels.kick "{\"roomId\":\"$CID\",\"username\":\"alice\"}"
    fails_with 400 error-not-allowed
    jq_is '.error == "Not allowed [error-not-allowed]" and .details.method == "removeUserFromRoom"'
    as alice
    api POST /api/v1/channels.kick "{\"roomId\":\"$CID\",\"username\":\"carol\"}"
    fails_with 400 error-user-not-in-room
    jq_is '.error == "User is not in this room [error-user-not-in-room]"'
    api POST /api/v1/channels.kick "{\"roomId\":\"$CID\",\"username\":\"alice\"}"
    fails_with 400 error-you-are-last-owner
    api POST /api/v1/channels.kick "{\"roomId\":\"$CID\",\"username\":\"ghost\"}"
    fails_with 400 error-invalid-user
    api POST /api/v1/channels.kick "{\"roomId\":\"$CID\"}"
    fails_with 400 error-user-param-not-provided
    api POST /api/v1/channels.kick '{"roomId":"nope","username":"bob"}'
    fails_with 400 error-room-not-found
    types_400 /api/v1/channels.kick "{\"roomId\":\"$CID\",\"username\":\"bob\"}" \
        roomId:s roomName:s userId:s username:s user:s
}

# ---- channels.invite ----

@test "channels.invite adds users with an au message each" {
    as alice
    mkchan c-invite
    api POST /api/v1/channels.invite \
        "{\"roomId\":\"$CID\",\"usernames\":[\"bob\",\"nobody\"],\"userIds\":[\"$CAROL_UID\"]}"
    [ "$STATUS" = 200 ]
    jq_is '.channel.usersCount == 3 and .channel.msgs == 2'
    jq_is ".channel.lastMessage.t == \"au\" and .channel.lastMessage.u._id == \"$ALICE_UID\""
    # already here: no error, nothing posted
    api POST /api/v1/channels.invite "{\"roomId\":\"$CID\",\"username\":\"bob\"}"
    [ "$STATUS" = 200 ]
    jq_is '.channel.msgs == 2 and .channel.usersCount == 3'
}

@test "channels.invite errors: no users, unknown users (swapped), not allowed" {
    as alice
    mkchan c-invite-err
    api POST /api/v1/channels.invite "{\"roomId\":\"$CID\"}"
    fails_with 400 error-users-params-not-provided
    api POST /api/v1/channels.invite "{\"roomId\":\"$CID\",\"username\":\"ghost\"}"
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"invalid-user-invite-list","errorType":"Cannot invite if no users are provided"}'
    as bob
    api POST /api/v1/channels.invite "{\"roomId\":\"$CID\",\"username\":\"carol\"}"
    fails_with 400 error-not-allowed
    jq_is '.details.method == "addUsersToRoom"'
    types_400 /api/v1/channels.invite "{\"roomId\":\"$CID\",\"username\":\"bob\"}" \
        roomId:s roomName:s userId:s username:s user:s userIds:a usernames:a
}

@test "an admin may invite into a channel it is not in" {
    as alice
    mkchan c-admin-invite
    as admin
    api POST /api/v1/channels.invite "{\"roomId\":\"$CID\",\"username\":\"dave\"}"
    [ "$STATUS" = 200 ]
    jq_is '.channel.usersCount == 2'
}

# ---- owners and moderators ----

@test "channels.addOwner and removeOwner post role messages and change roles" {
    as alice
    mkchan c-owner '{"members":["bob"]}'
    before=$(msgs "$CID")
    as alice
    api POST /api/v1/channels.addOwner "{\"roomId\":\"$CID\",\"userId\":\"$BOB_UID\"}"
    [ "$STATUS" = 200 ]
    jq_is '. == {"success":true}'
    [ "$(roles_of "$CID" bob)" = '["owner"]' ]
    info "$CID"
    jq_is ".channel.msgs == $before + 1"
    jq_is '.channel.lastMessage.t == "subscription-role-added" and .channel.lastMessage.role == "owner" and .channel.lastMessage.msg == "bob"'
    as alice
    api POST /api/v1/channels.addOwner "{\"roomId\":\"$CID\",\"username\":\"bob\"}"
    fails_with 400 error-user-already-owner
    jq_is '.error == "User is already an owner [error-user-already-owner]" and .details.method == "addRoomOwner"'
    api POST /api/v1/channels.removeOwner "{\"roomId\":\"$CID\",\"username\":\"bob\"}"
    [ "$STATUS" = 200 ]
    [ "$(roles_of "$CID" bob)" = '[]' ]
    as bob
    api GET "/api/v1/subscriptions.getOne?roomId=$CID"
    jq_is '.subscription | has("roles") | not'
    info "$CID"
    jq_is ".channel.msgs == $before + 2"
    jq_is '.channel.lastMessage.t == "subscription-role-removed" and .channel.lastMessage.role == "owner"'
    as alice
    api POST /api/v1/channels.removeOwner "{\"roomId\":\"$CID\",\"username\":\"bob\"}"
    fails_with 400 error-user-not-owner
}

@test "the last owner cannot be removed as owner" {
    as alice
    mkchan c-last-owner '{"members":["bob"]}'
    api POST /api/v1/channels.removeOwner "{\"roomId\":\"$CID\",\"username\":\"alice\"}"
    fails_with 400 error-remove-last-owner
    jq_is '.error == "This is the last owner. Please set a new owner before removing this one. [error-remove-last-owner]"'
}

@test "owner changes need set-owner in the room and a member target" {
    as alice
    mkchan c-owner-rules '{"members":["bob"]}'
    as bob
    api POST /api/v1/channels.addOwner "{\"roomId\":\"$CID\",\"username\":\"bob\"}"
    fails_with 400 error-not-allowed
    as alice
    api POST /api/v1/channels.addOwner "{\"roomId\":\"$CID\",\"username\":\"carol\"}"
    fails_with 400 error-user-not-in-room
    api POST /api/v1/channels.removeOwner "{\"roomId\":\"$CID\",\"username\":\"carol\"}"
    fails_with 400 error-invalid-room
    # an admin who is not in the channel still administers it
    as admin
    api POST /api/v1/channels.addOwner "{\"roomId\":\"$CID\",\"username\":\"bob\"}"
    [ "$STATUS" = 200 ]
    for p in addOwner removeOwner addModerator removeModerator; do
        types_400 "/api/v1/channels.$p" "{\"roomId\":\"$CID\",\"username\":\"bob\"}" \
            roomId:s roomName:s userId:s username:s user:s
    done
}

@test "channels.addModerator and removeModerator" {
    as alice
    mkchan c-mod '{"members":["bob"]}'
    api POST /api/v1/channels.addModerator "{\"roomId\":\"$CID\",\"username\":\"bob\"}"
    [ "$STATUS" = 200 ]
    [ "$(roles_of "$CID" bob)" = '["moderator"]' ]
    as alice
    api POST /api/v1/channels.addModerator "{\"roomId\":\"$CID\",\"username\":\"bob\"}"
    fails_with 400 error-user-already-moderator
    jq_is '.error == "User is already a moderator [error-user-already-moderator]"'
    # a moderator may kick, being room-scoped remove-user
    api POST /api/v1/channels.invite "{\"roomId\":\"$CID\",\"username\":\"carol\"}"
    as bob
    api POST /api/v1/channels.kick "{\"roomId\":\"$CID\",\"username\":\"carol\"}"
    [ "$STATUS" = 200 ]
    as alice
    api POST /api/v1/channels.removeModerator "{\"roomId\":\"$CID\",\"username\":\"bob\"}"
    [ "$STATUS" = 200 ]
    api POST /api/v1/channels.removeModerator "{\"roomId\":\"$CID\",\"username\":\"bob\"}"
    fails_with 400 error-user-not-moderator
    [ "$(msgs "$CID")" = 4 ]
}

@test "channels.roles lists the owners and moderators by username" {
    as alice
    mkchan c-roles '{"members":["bob","carol"]}'
    api POST /api/v1/channels.addModerator "{\"roomId\":\"$CID\",\"username\":\"carol\"}"
    as dave
    api GET "/api/v1/channels.roles?roomId=$CID"
    [ "$STATUS" = 200 ]
    jq_is '[.roles[] | [.u.username, .roles]] == [["alice",["owner"]],["carol",["moderator"]]]'
    jq_is "all(.roles[]; .rid == \"$CID\" and (._id | length) == 17 and .u._id)"
    api GET "/api/v1/channels.roles?roomId=nope"
    fails_with 400 error-room-not-found
}

# ---- archive ----

@test "channels.archive and unarchive post their messages and flag subscriptions" {
    as alice
    mkchan c-archive '{"members":["bob"]}'
    before=$(msgs "$CID")
    as alice
    api POST /api/v1/channels.archive "{\"roomId\":\"$CID\"}"
    [ "$STATUS" = 200 ]
    jq_is '. == {"success":true}'
    info "$CID"
    jq_is ".channel.msgs == $before + 1"
    jq_is '.channel.archived == true and .channel.lastMessage.t == "room-archived"'
    as bob
    api GET "/api/v1/subscriptions.getOne?roomId=$CID"
    jq_is '.subscription.archived == true'
    as alice
    api POST /api/v1/channels.archive "{\"roomId\":\"$CID\"}"
    fails_with 400 error-room-archived
    # changes to an archived channel are refused
    api POST /api/v1/channels.invite "{\"roomId\":\"$CID\",\"username\":\"carol\"}"
    fails_with 400 error-room-archived
    api POST /api/v1/channels.kick "{\"roomId\":\"$CID\",\"username\":\"bob\"}"
    fails_with 400 error-room-archived
    api POST /api/v1/channels.rename "{\"roomId\":\"$CID\",\"name\":\"c-x\"}"
    fails_with 400 error-room-archived
    # unarchive-room is the admin's
    api POST /api/v1/channels.unarchive "{\"roomId\":\"$CID\"}"
    fails_with 400 error-not-authorized
    as admin
    api POST /api/v1/channels.unarchive "{\"roomId\":\"$CID\"}"
    [ "$STATUS" = 200 ]
    info "$CID"
    jq_is ".channel.msgs == $before + 2"
    jq_is '(.channel | has("archived") | not) and .channel.lastMessage.t == "room-unarchived"'
    api POST /api/v1/channels.unarchive "{\"roomId\":\"$CID\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "The channel, c-archive, is not archived"'
}

@test "channels.archive needs archive-room in the room" {
    as alice
    mkchan c-archive-perm '{"members":["bob"]}'
    as bob
    api POST /api/v1/channels.archive "{\"roomId\":\"$CID\"}"
    fails_with 400 error-not-authorized
    jq_is '.details.method == "archiveRoom"'
    types_400 /api/v1/channels.archive "{\"roomId\":\"$CID\"}" roomId:s roomName:s
    types_400 /api/v1/channels.unarchive "{\"roomId\":\"$CID\"}" roomId:s roomName:s
}

# ---- rename ----

@test "channels.rename changes name and fname with an r message" {
    as alice
    mkchan c-rename
    api POST /api/v1/channels.rename "{\"roomId\":\"$CID\",\"name\":\"c-renamed\"}"
    [ "$STATUS" = 200 ]
    jq_is '.channel.name == "c-renamed" and .channel.fname == "c-renamed" and .channel.msgs == 1'
    jq_is '.channel.lastMessage.t == "r" and .channel.lastMessage.msg == "c-renamed"'
    api GET /api/v1/channels.info?roomName=c-renamed
    jq_is ".channel._id == \"$CID\""
    api GET /api/v1/channels.info?roomName=c-rename
    fails_with 400 error-room-not-found
    api GET "/api/v1/subscriptions.getOne?roomId=$CID"
    jq_is '.subscription.name == "c-renamed"'
}

@test "channels.rename refuses blank, same, reserved, invalid and taken names" {
    as alice
    mkchan c-rn
    mkchan c-rn-other
    api POST /api/v1/channels.rename "{\"roomName\":\"c-rn\",\"name\":\"  \"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "The bodyParam \"name\" is required"'
    api POST /api/v1/channels.rename '{"roomName":"c-rn"}'
    jq_is '.error == "The bodyParam \"name\" is required"'
    api POST /api/v1/channels.rename '{"roomName":"c-rn","name":"c-rn"}'
    jq_is '.error == "The channel name is the same as what it would be renamed to."'
    for n in admin administrator system user; do
        api POST /api/v1/channels.rename "{\"roomName\":\"c-rn\",\"name\":\"$n\"}"
        fails_with 400 error-field-unavailable
        jq_is ".error == \"$n is already in use :( [error-field-unavailable]\""
    done
    api POST /api/v1/channels.rename '{"roomName":"c-rn","name":"bad name"}'
    fails_with 400 error-invalid-room-name
    api POST /api/v1/channels.rename '{"roomName":"c-rn","name":"C-RN-OTHER"}'
    fails_with 400 error-duplicate-channel-name
    as bob
    api POST /api/v1/channels.rename '{"roomName":"c-rn","name":"c-rn-bob"}'
    fails_with 400 error-action-not-allowed
    jq_is '.error == "Editing room is not allowed [error-action-not-allowed]"'
    types_400 /api/v1/channels.rename '{"roomName":"c-rn","name":"c-rn2"}' roomId:s roomName:s name:s
}

# ---- topic, description, announcement, read-only ----

@test "channels.setTopic answers the topic and refuses the same one" {
    as alice
    mkchan c-topic
    api POST /api/v1/channels.setTopic "{\"roomId\":\"$CID\",\"topic\":\"hello\"}"
    [ "$STATUS" = 200 ]
    jq_is '. == {"topic":"hello","success":true}'
    api GET "/api/v1/channels.info?roomId=$CID"
    jq_is '.channel.topic == "hello" and .channel.msgs == 1'
    jq_is '.channel.lastMessage.t == "room_changed_topic"'
    api POST /api/v1/channels.setTopic "{\"roomId\":\"$CID\",\"topic\":\"hello\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "The channel topic is the same as what it would be changed to."'
    api POST /api/v1/channels.setTopic "{\"roomId\":\"$CID\"}"
    jq_is '.error == "The bodyParam \"topic\" is required"'
    as bob
    api POST /api/v1/channels.setTopic "{\"roomId\":\"$CID\",\"topic\":\"mine\"}"
    fails_with 400 error-action-not-allowed
    types_400 /api/v1/channels.setTopic "{\"roomId\":\"$CID\",\"topic\":\"x\"}" roomId:s roomName:s topic:s
}

@test "channels.setDescription, setAnnouncement and setReadOnly" {
    as alice
    mkchan c-settings
    api POST /api/v1/channels.setDescription "{\"roomId\":\"$CID\",\"description\":\"about\"}"
    jq_is '. == {"description":"about","success":true}'
    api POST /api/v1/channels.setAnnouncement "{\"roomId\":\"$CID\",\"announcement\":\"news\"}"
    jq_is '. == {"announcement":"news","success":true}'
    api POST /api/v1/channels.setReadOnly "{\"roomId\":\"$CID\",\"readOnly\":true}"
    [ "$STATUS" = 200 ]
    jq_is '.channel.ro == true and .channel.description == "about" and .channel.announcement == "news"'
    jq_is '.channel.msgs == 3 and .channel.lastMessage.t == "room-set-read-only"'
    api POST /api/v1/channels.setReadOnly "{\"roomId\":\"$CID\",\"readOnly\":true}"
    jq_is '.error == "The channel read only setting is the same as what it would be changed to."'
    types_400 /api/v1/channels.setReadOnly "{\"roomId\":\"$CID\",\"readOnly\":false}" readOnly:b roomId:s
    types_400 /api/v1/channels.setDescription "{\"roomId\":\"$CID\",\"description\":\"x\"}" description:s
    types_400 /api/v1/channels.setAnnouncement "{\"roomId\":\"$CID\",\"announcement\":\"x\"}" announcement:s
}

# ---- setType ----

@test "channels.setType turns a channel private with room_changed_privacy" {
    as alice
    mkchan c-type '{"members":["bob"]}'
    api POST /api/v1/channels.setType "{\"roomId\":\"$CID\",\"type\":\"p\"}"
    [ "$STATUS" = 200 ]
    jq_is '.channel.t == "p" and .channel.msgs == 1'
    jq_is '.channel.lastMessage.t == "room_changed_privacy" and .channel.lastMessage.msg == "private"'
    api GET "/api/v1/channels.info?roomId=$CID"
    fails_with 400 error-room-not-found
    as bob
    api GET "/api/v1/groups.info?roomId=$CID"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/subscriptions.getOne?roomId=$CID"
    jq_is '.subscription.t == "p"'
    as carol
    api GET "/api/v1/groups.info?roomId=$CID"
    fails_with 400 error-room-not-found
}

@test "channels.setType refuses the same type, a bad type, and non-editors" {
    as alice
    mkchan c-type2 '{"members":["bob"]}'
    api POST /api/v1/channels.setType "{\"roomId\":\"$CID\",\"type\":\"c\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "The channel type is the same as what it would be changed to."'
    api POST /api/v1/channels.setType "{\"roomId\":\"$CID\"}"
    jq_is '.error == "The bodyParam \"type\" is required"'
    api POST /api/v1/channels.setType "{\"roomId\":\"$CID\",\"type\":\"d\"}"
    fails_with 400 error-invalid-room-type
    as bob
    api POST /api/v1/channels.setType "{\"roomId\":\"$CID\",\"type\":\"p\"}"
    fails_with 400 error-action-not-allowed
    types_400 /api/v1/channels.setType "{\"roomId\":\"$CID\",\"type\":\"p\"}" roomId:s roomName:s type:s
}

# ---- channels.delete ----

@test "channels.delete needs delete-c in the room, then erases everything" {
    as alice
    mkchan c-delete '{"members":["bob"]}'
    as bob
    api POST /api/v1/channels.delete "{\"roomId\":\"$CID\"}"
    fails_with 400 error-not-allowed
    jq_is '.details.method == "eraseRoom"'
    as alice
    api POST /api/v1/channels.delete '{"roomName":"c-delete"}'
    [ "$STATUS" = 200 ]
    jq_is '. == {"success":true}'
    api GET "/api/v1/channels.info?roomId=$CID"
    fails_with 400 error-room-not-found
    [ "$(sqlite3 "$RCD_DIR/rcd.db" "SELECT count(*) FROM subscriptions s JOIN rooms r ON r.rid = s.room_rid WHERE r.id = '$CID'")" = 0 ]
    api POST /api/v1/channels.delete "{\"roomId\":\"$CID\"}"
    fails_with 400 error-room-not-found
    types_400 /api/v1/channels.delete '{"roomId":"x"}' roomId:s roomName:s
}

@test "an archived channel can still be deleted" {
    as alice
    mkchan c-delete-arch
    api POST /api/v1/channels.archive "{\"roomId\":\"$CID\"}"
    api POST /api/v1/channels.delete "{\"roomId\":\"$CID\"}"
    [ "$STATUS" = 200 ]
}
