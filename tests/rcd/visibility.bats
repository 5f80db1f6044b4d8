#!/usr/bin/env bats
# The existence oracle (RELIABILITY T07): to a non-member, a plain user and
# an admin alike, a private group must look exactly like a room that does
# not exist, on every path that names a room, by id and by name: the same
# status and the same body, byte for byte. rooms.delete and groups.listAll
# are the admin's ways in and are tested in rooms.bats and groups.bats.

load ../lib/rcd

MISSING_ID=NoSuchRoomAtAll00
MISSING_NAME=no-such-room-at-all

setup_file() {
    rcd_start
    login_as admin "$ADMIN_PASS"
    export ADMIN_UID=$AUTH_UID ADMIN_TOKEN=$AUTH_TOKEN
    for u in alice bob carol; do
        create_user "$u" "pw-$u"
        login_as "$u" "pw-$u"
        eval "export ${u^^}_UID=\$AUTH_UID ${u^^}_TOKEN=\$AUTH_TOKEN"
    done
    AUTH_UID=$ALICE_UID AUTH_TOKEN=$ALICE_TOKEN
    api POST /api/v1/groups.create '{"name":"secret-plans","members":["bob"]}'
    export GROUP_ID=$(jq -r .group._id <<<"$BODY") GROUP_NAME=secret-plans
    api POST /api/v1/groups.create '{"name":"old-secrets","members":["bob"]}'
    export ARCHIVED_ID=$(jq -r .group._id <<<"$BODY") ARCHIVED_NAME=old-secrets
    api POST /api/v1/groups.archive "{\"roomId\":\"$ARCHIVED_ID\"}"
    [ "$STATUS" = 200 ]
}
teardown_file() { rcd_stop; }

as() {
    local n=${1^^}
    eval "export AUTH_UID=\$${n}_UID AUTH_TOKEN=\$${n}_TOKEN"
}

# Every path that names a room: METHOD, path with @ for the room, and for
# POST a body with @. @ is replaced by an id (roomId=) or a name (roomName=).
read_paths() {
    cat <<'EOF'
GET groups.info?roomId=@
GET groups.info?roomName=@
GET groups.members?roomId=@
GET groups.members?roomName=@
GET groups.history?roomId=@
GET groups.messages?roomId=@
GET groups.messages?roomName=@
GET groups.counters?roomId=@
GET groups.roles?roomId=@
GET groups.files?roomId=@
GET channels.info?roomId=@
GET channels.info?roomName=@
GET channels.members?roomId=@
GET channels.history?roomId=@
GET channels.messages?roomId=@
GET channels.counters?roomId=@
GET im.members?roomId=@
GET im.history?roomId=@
GET im.messages?roomId=@
GET dm.members?roomId=@
GET rooms.info?roomId=@
GET rooms.info?roomName=@
GET rooms.getDiscussions?roomId=@
GET rooms.getDiscussions?roomName=@
GET subscriptions.getOne?roomId=@
GET chat.getThreadsList?rid=@
GET chat.syncThreadsList?rid=@&updatedSince=2020-01-01T00:00:00.000Z
EOF
}

write_paths() {
    cat <<'EOF'
POST groups.kick {"roomId":"@","username":"bob"}
POST groups.kick {"roomName":"@","username":"bob"}
POST groups.invite {"roomId":"@","username":"carol"}
POST groups.invite {"roomName":"@","username":"carol"}
POST groups.leave {"roomId":"@"}
POST groups.addOwner {"roomId":"@","username":"bob"}
POST groups.removeOwner {"roomId":"@","username":"alice"}
POST groups.addModerator {"roomId":"@","username":"bob"}
POST groups.removeModerator {"roomId":"@","username":"bob"}
POST groups.archive {"roomId":"@"}
POST groups.unarchive {"roomId":"@"}
POST groups.rename {"roomId":"@","name":"stolen-name"}
POST groups.setTopic {"roomId":"@","topic":"x"}
POST groups.setDescription {"roomId":"@","description":"x"}
POST groups.setAnnouncement {"roomId":"@","announcement":"x"}
POST groups.setReadOnly {"roomId":"@","readOnly":true}
POST groups.setType {"roomId":"@","type":"c"}
POST groups.delete {"roomId":"@"}
POST groups.delete {"roomName":"@"}
POST channels.join {"roomId":"@"}
POST channels.kick {"roomId":"@","username":"bob"}
POST channels.invite {"roomId":"@","username":"carol"}
POST channels.leave {"roomId":"@"}
POST channels.rename {"roomId":"@","name":"stolen-name"}
POST channels.delete {"roomId":"@"}
POST channels.addOwner {"roomId":"@","username":"carol"}
POST im.delete {"roomId":"@"}
POST dm.delete {"roomId":"@"}
POST rooms.leave {"roomId":"@"}
POST rooms.leave {"roomName":"@"}
POST rooms.saveNotification {"roomId":"@","notifications":{"unreadAlert":"all"}}
EOF
}

# Posting paths (rcd/api/chat.c, discussions.c). Rocket.Chat itself answers
# a hidden group with error-not-allowed and a missing room with
# invalid-channel / error-invalid-room here.
post_paths() {
    cat <<'EOF'
POST rooms.createDiscussion {"prid":"@","t_name":"peek"}
POST chat.postMessage {"roomId":"@","text":"hello"}
POST chat.sendMessage {"message":{"rid":"@","msg":"hello"}}
EOF
}

# call LINE VALUE: run one path with @ replaced; OUT holds "STATUS BODY".
call() {
    local m=${1%% *} rest=${1#* } path body
    path=${rest%% *}
    body=
    [ "$path" != "$rest" ] && body=${rest#* }
    path=${path//@/$2}
    body=${body//@/$2}
    api "$m" "/api/v1/$path" "${body:--}"
    OUT="$STATUS $BODY"
}

# same_as_missing WHO ID NAME PATHS...: each path answers WHO the same for
# the room (ID or NAME) as for a room that does not exist.
same_as_missing() {
    local who=$1 id=$2 name=$3 line real fake bad=0 n=0
    as "$who"
    while read -r line; do
        [ -n "$line" ] || continue
        if [[ $line == *roomName=@* || $line == *'"roomName":"@"'* ]]; then
            call "$line" "$name"; real=$OUT
            call "$line" "$MISSING_NAME"; fake=$OUT
        else
            call "$line" "$id"; real=$OUT
            call "$line" "$MISSING_ID"; fake=$OUT
        fi
        n=$((n + 1))
        if [ "$real" != "$fake" ]; then
            echo "as $who: $line" >&2
            echo "  room:    $real" >&2
            echo "  missing: $fake" >&2
            bad=1
        fi
        case ${real%% *} in
        5*) echo "as $who: $line answered ${real%% *}" >&2; bad=1 ;;
        esac
    done
    echo "$n paths checked as $who" >&3
    return "$bad"
}

@test "the group is real: its member reads it" {
    as bob
    api GET "/api/v1/groups.info?roomId=$GROUP_ID"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/rooms.info?roomName=$GROUP_NAME"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/groups.members?roomId=$GROUP_ID"
    [ "$STATUS" = 200 ]
}

@test "read paths: a plain non-member cannot tell a group from nothing" {
    read_paths | same_as_missing carol "$GROUP_ID" "$GROUP_NAME"
}

@test "read paths: an admin non-member cannot tell a group from nothing" {
    read_paths | same_as_missing admin "$GROUP_ID" "$GROUP_NAME"
}

@test "write paths: a plain non-member cannot tell a group from nothing" {
    write_paths | same_as_missing carol "$GROUP_ID" "$GROUP_NAME"
    echo 'POST rooms.delete {"roomId":"@"}' | same_as_missing carol "$GROUP_ID" "$GROUP_NAME"
}

@test "write paths: an admin non-member cannot tell a group from nothing" {
    write_paths | same_as_missing admin "$GROUP_ID" "$GROUP_NAME"
}

@test "posting paths: a non-member cannot tell a group from nothing" {
    post_paths | same_as_missing carol "$GROUP_ID" "$GROUP_NAME"
    post_paths | same_as_missing admin "$GROUP_ID" "$GROUP_NAME"
}

@test "an archived group hides its archive state from non-members" {
    read_paths | same_as_missing carol "$ARCHIVED_ID" "$ARCHIVED_NAME"
    write_paths | same_as_missing admin "$ARCHIVED_ID" "$ARCHIVED_NAME"
}

@test "nothing above changed the group" {
    as alice
    api GET "/api/v1/groups.info?roomId=$GROUP_ID"
    [ "$STATUS" = 200 ]
    jq_is '.group.name == "secret-plans" and .group.usersCount == 2 and .group.msgs == 0'
    jq_is '(.group | has("topic") or has("archived")) | not'
    api GET "/api/v1/groups.members?roomId=$GROUP_ID"
    jq_is '[.members[].username] == ["alice","bob"]'
}

@test "membership is rechecked on every request: a kicked member loses sight at once" {
    as alice
    api POST /api/v1/groups.create '{"name":"revolving","members":["carol"]}'
    gid=$(jq -r .group._id <<<"$BODY")
    as carol
    api GET "/api/v1/groups.info?roomId=$gid"
    [ "$STATUS" = 200 ]
    as alice
    api POST /api/v1/groups.kick "{\"roomId\":\"$gid\",\"username\":\"carol\"}"
    [ "$STATUS" = 200 ]
    printf '%s\n' 'GET groups.info?roomId=@' 'GET groups.members?roomId=@' \
        'GET rooms.info?roomId=@' 'POST groups.leave {"roomId":"@"}' |
        same_as_missing carol "$gid" revolving
}
