#!/usr/bin/env bats
# The im.* endpoints and their dm.* aliases (rcd/api/im.c): create, list,
# members, delete; and the rules every room path applies to DMs.

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
setup() { as alice; }

as() {
    local n=${1^^}
    eval "export AUTH_UID=\$${n}_UID AUTH_TOKEN=\$${n}_TOKEN"
}

fails_with() {
    [ "$STATUS" = "$1" ] || { echo "status $STATUS, body $BODY" >&2; return 1; }
    jq_is ".success == false and .errorType == \"$2\""
}

# dm_id A B: the 1:1 room id Rocket.Chat builds: both user ids, sorted, joined.
dm_id() { printf '%s\n' "$1" "$2" | LC_ALL=C sort | tr -d '\n'; }

@test "every im and dm endpoint without credentials is 401" {
    AUTH_UID= AUTH_TOKEN=
    for p in im dm; do
        for r in "POST create" "GET list" "GET members?roomId=x" "POST delete"; do
            api "${r%% *}" "/api/v1/$p.${r#* }" '{}'
            [ "$STATUS" = 401 ] || { echo "$p $r -> $STATUS"; return 1; }
        done
    done
}

@test "im.create makes the 1:1 DM whose id is both user ids sorted and joined" {
    api POST /api/v1/im.create '{"username":"bob"}'
    [ "$STATUS" = 200 ]
    id=$(dm_id "$ALICE_UID" "$BOB_UID")
    jq_is ".room._id == \"$id\" and .room.rid == \"$id\" and .room.t == \"d\""
    jq_is '.room.usernames == ["alice","bob"]'
    # idempotent, from either side
    as bob
    api POST /api/v1/dm.create '{"username":"ALICE"}'
    [ "$STATUS" = 200 ]
    jq_is ".room._id == \"$id\""
    api GET "/api/v1/subscriptions.getOne?roomId=$id"
    jq_is '.subscription.t == "d" and .subscription.name == "alice" and .subscription.open == true'
    api GET /api/v1/rooms.info?roomId=$id
    [ "$STATUS" = 200 ]
    jq_is '.room.usersCount == 2 and .room.msgs == 0 and (.room | has("u") | not)'
    jq_is ".room.uids == ([\"$ALICE_UID\",\"$BOB_UID\"] | sort)"
}

@test "im.create with usernames makes one group DM for the same members" {
    api POST /api/v1/im.create '{"usernames":"bob, carol"}'
    [ "$STATUS" = 200 ]
    id=$(jq -r .room._id <<<"$BODY")
    [ ${#id} = 17 ]
    jq_is '.room.usernames | length == 3'
    as carol
    api POST /api/v1/im.create '{"usernames":"alice,bob"}'
    jq_is ".room._id == \"$id\""
    api GET "/api/v1/subscriptions.getOne?roomId=$id"
    jq_is '.subscription.open == true and (.subscription.name | split(", ") | sort) == ["alice","bob"]'
}

@test "im.create of a DM with oneself is allowed by default" {
    api POST /api/v1/im.create '{"username":"alice"}'
    [ "$STATUS" = 200 ]
    jq_is '.room.usernames == ["alice"]'
}

@test "im.create errors: unknown user, no parameter, both, wrong types" {
    api POST /api/v1/im.create '{"username":"ghost"}'
    fails_with 400 error-invalid-user
    jq_is '.error == "Invalid user [error-invalid-user]" and .details.method == "createDirectMessage"'
    api POST /api/v1/im.create '{}'
    fails_with 400 invalid-params
    api POST /api/v1/im.create '{"username":"bob","usernames":"bob"}'
    fails_with 400 invalid-params
    for v in '12' 'true' 'null' '["bob"]' '{"$ne":""}'; do
        api POST /api/v1/im.create "{\"username\":$v}"
        [ "$STATUS" = 400 ] || { echo "username $v -> $STATUS"; return 1; }
        api POST /api/v1/im.create "{\"usernames\":$v}"
        [ "$STATUS" = 400 ] || { echo "usernames $v -> $STATUS"; return 1; }
    done
    api POST /api/v1/im.create '{"username":"bob","excludeSelf":"yes"}'
    [ "$STATUS" = 400 ]
}

@test "im.create without create-d is refused unless the DM exists" {
    as gus
    api POST /api/v1/im.create '{"username":"dave"}'
    fails_with 400 error-not-allowed
    as dave
    api POST /api/v1/im.create '{"username":"gus"}'
    [ "$STATUS" = 200 ]
    id=$(jq -r .room._id <<<"$BODY")
    as gus
    api POST /api/v1/im.create '{"username":"dave"}'
    [ "$STATUS" = 200 ]
    jq_is ".room._id == \"$id\""
}

@test "im.list and dm.list page the caller's DMs" {
    as dave
    api GET /api/v1/im.list
    [ "$STATUS" = 200 ]
    before=$(jq .total <<<"$BODY")
    api POST /api/v1/im.create '{"username":"carol"}'
    api GET /api/v1/dm.list
    jq_is ".total == $before + 1 and .count == .total and .offset == 0"
    jq_is 'all(.ims[]; .t == "d")'
    api GET '/api/v1/im.list?count=1'
    jq_is '.count == 1'
}

@test "im.members lists the DM's members with their subscription" {
    id=$(dm_id "$ALICE_UID" "$BOB_UID")
    api POST /api/v1/im.create '{"username":"bob"}'
    api GET "/api/v1/im.members?roomId=$id"
    [ "$STATUS" = 200 ]
    jq_is '.total == 2 and .count == 2 and [.members[].username] == ["alice","bob"]'
    jq_is 'all(.members[]; .subscription._id and .subscription.ts)'
    api GET "/api/v1/dm.members?username=bob"
    [ "$STATUS" = 200 ]
    jq_is '.total == 2'
    api GET /api/v1/im.members
    fails_with 400 error-room-param-not-provided
}

@test "a DM is invisible to non-members, admins included" {
    id=$(dm_id "$ALICE_UID" "$BOB_UID")
    api POST /api/v1/im.create '{"username":"bob"}'
    for who in carol admin; do
        as "$who"
        api GET "/api/v1/im.members?roomId=$id"
        miss=$BODY
        fails_with 400 error-room-not-found
        api GET "/api/v1/im.members?roomId=nonexistentroom00"
        [ "$BODY" = "$miss" ]
        api GET "/api/v1/rooms.info?roomId=$id"
        jq_is '.error == "not-allowed"'
        api GET "/api/v1/subscriptions.getOne?roomId=$id"
        jq_is '.subscription == null'
    done
}

@test "a DM cannot be left or invited into" {
    id=$(dm_id "$ALICE_UID" "$BOB_UID")
    api POST /api/v1/im.create '{"username":"bob"}'
    api POST /api/v1/rooms.leave "{\"roomId\":\"$id\"}"
    fails_with 400 error-not-allowed
    jq_is '.details.method == "leaveRoom"'
    api POST /api/v1/channels.invite "{\"roomId\":\"$id\",\"username\":\"carol\"}"
    fails_with 400 error-room-not-found
    api POST /api/v1/groups.invite "{\"roomId\":\"$id\",\"username\":\"carol\"}"
    fails_with 400 error-room-not-found
}

@test "im.delete is the admin's: members without delete-d may not, outsiders see nothing" {
    id=$(dm_id "$CAROL_UID" "$DAVE_UID")
    as carol
    api POST /api/v1/im.create '{"username":"dave"}'
    api POST /api/v1/im.delete "{\"roomId\":\"$id\"}"
    fails_with 400 error-not-allowed
    jq_is '.details.method == "eraseRoom"'
    as bob
    api POST /api/v1/im.delete "{\"roomId\":\"$id\"}"
    fails_with 400 error-room-not-found
    as admin
    api POST /api/v1/dm.delete "{\"roomId\":\"$id\"}"
    [ "$STATUS" = 200 ]
    jq_is '. == {"success":true}'
    as carol
    api GET "/api/v1/subscriptions.getOne?roomId=$id"
    jq_is '.subscription == null'
    api POST /api/v1/im.delete '{"roomId":"nope"}'
    fails_with 400 error-room-not-found
    for v in '12' 'true' 'null' '["x"]' '{}'; do
        api POST /api/v1/im.delete "{\"roomId\":$v}"
        [ "$STATUS" = 400 ] || { echo "roomId $v -> $STATUS"; return 1; }
        api POST /api/v1/im.delete "{\"username\":$v}"
        [ "$STATUS" = 400 ] || { echo "username $v -> $STATUS"; return 1; }
    done
}

@test "im.delete by username finds the caller's DM with that user" {
    as admin
    api POST /api/v1/im.create '{"username":"dave"}'
    id=$(jq -r .room._id <<<"$BODY")
    api POST /api/v1/im.delete '{"username":"dave"}'
    [ "$STATUS" = 200 ]
    api GET "/api/v1/rooms.info?roomId=$id"
    jq_is '.error == "not-allowed"'
}
