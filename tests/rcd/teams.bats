#!/usr/bin/env bats
# teams.create, teams.list, teams.listAll, teams.info, teams.members,
# teams.addMembers, teams.removeMember, teams.leave, teams.addRooms,
# teams.removeRoom, teams.updateRoom, teams.listRooms, teams.delete, and the
# team rules of the seed ("Konzepte"): one team per channel, auto-join on
# adding a member, no inheritance for later rooms, auto-join off removes
# nobody, removal from the named rooms only, messages stay.

load ../lib/rcd

setup_file() {
    rcd_start
    create_user tm_alice tm-alice-pass-1
    create_user tm_bob tm-bob-pass-1
    create_user tm_carol tm-carol-pass-1
    create_user tm_dave tm-dave-pass-1
    create_user tm_erin tm-erin-pass-1
    create_user tm_guest tm-guest-pass-1 guest
}
teardown_file() { rcd_stop; }
setup() { logout_local; }

as_admin() { login_as "$ADMIN_USER" "$ADMIN_PASS"; }
as() { login_as "tm_$1" "tm-$1-pass-1"; }

# uid NAME: the user id of username NAME (asks as the admin, keeps the login).
uid() {
    local a=$AUTH_UID t=$AUTH_TOKEN
    as_admin >/dev/null
    api GET "/api/v1/users.info?username=$1"
    jq -r .user._id <<<"$BODY"
    AUTH_UID=$a AUTH_TOKEN=$t
}

# mk_team NAME TYPE [MEMBERS_JSON]: as the current login; sets TEAM_ID, MAIN.
mk_team() {
    api POST /api/v1/teams.create "$(jq -nc --arg n "$1" --argjson t "$2" \
        --argjson m "${3:-[]}" '{name:$n,type:$t,members:$m}')"
    [ "$STATUS" = 200 ] || { echo "teams.create $1: $STATUS $BODY" >&2; return 1; }
    TEAM_ID=$(jq -r .team._id <<<"$BODY")
    MAIN=$(jq -r .team.roomId <<<"$BODY")
}

# mk_room c|p NAME [MEMBERS_JSON]: a channel or group as the current login; sets RID.
mk_room() {
    local ep=channels.create key=channel
    [ "$1" = p ] && ep=groups.create key=group
    api POST "/api/v1/$ep" "$(jq -nc --arg n "$2" --argjson m "${3:-[]}" '{name:$n,members:$m}')"
    [ "$STATUS" = 200 ] || { echo "$ep $2: $STATUS $BODY" >&2; return 1; }
    RID=$(jq -r ".$key._id" <<<"$BODY")
}

add_rooms() {
    api POST /api/v1/teams.addRooms "$(jq -nc --arg t "$1" --argjson r "$2" '{teamId:$t,rooms:$r}')"
    [ "$STATUS" = 200 ] || { echo "teams.addRooms: $STATUS $BODY" >&2; return 1; }
}

# add_members TEAM_ID UID...: as the current login.
add_members() {
    local team=$1; shift
    api POST /api/v1/teams.addMembers "$(printf '%s\n' "$@" | jq -Rnc --arg t "$team" \
        '{teamId:$t, members:[inputs | {userId:.}]}')"
    [ "$STATUS" = 200 ] || { echo "teams.addMembers: $STATUS $BODY" >&2; return 1; }
}

set_default() {
    api POST /api/v1/teams.updateRoom "$(jq -nc --arg r "$1" --argjson d "$2" '{roomId:$r,isDefault:$d}')"
    [ "$STATUS" = 200 ] || { echo "teams.updateRoom: $STATUS $BODY" >&2; return 1; }
}

# in_room RID NAME: whether tm_NAME is subscribed to the room (asks as them).
in_room() {
    local a=$AUTH_UID t=$AUTH_TOKEN rid
    login_as "tm_$2" "tm-$2-pass-1" >/dev/null
    api GET "/api/v1/subscriptions.getOne?roomId=$1"
    rid=$(jq -r '.subscription.rid // empty' <<<"$BODY")
    AUTH_UID=$a AUTH_TOKEN=$t
    [ "$rid" = "$1" ]
}

# not_in_room RID NAME: the opposite, as a command that fails (a bare "!"
# would not fail a bats test).
not_in_room() { ! in_room "$@"; }

# sysmsgs RID [NAME]: "t:msg:u" lines of the room's system messages, oldest
# first, as read by tm_NAME (default: the admin).
sysmsgs() {
    local a=$AUTH_UID t=$AUTH_TOKEN
    if [ -n "${2:-}" ]; then login_as "tm_$2" "tm-$2-pass-1" >/dev/null; else as_admin >/dev/null; fi
    api GET "/api/v1/channels.history?roomId=$1&count=100"
    [ "$STATUS" = 200 ] || api GET "/api/v1/groups.history?roomId=$1&count=100"
    jq -r '.messages | reverse | .[] | select(.t) | "\(.t):\(.msg):\(.u.username)"' <<<"$BODY"
    AUTH_UID=$a AUTH_TOKEN=$t
}

# perm ID ROLES_JSON: set a permission's roles as the admin.
perm() {
    local a=$AUTH_UID t=$AUTH_TOKEN
    as_admin >/dev/null
    api POST /api/v1/permissions.update "$(jq -nc --arg p "$1" --argjson r "$2" '{permissions:[{_id:$p,roles:$r}]}')"
    [ "$STATUS" = 200 ] || { echo "permissions.update: $STATUS $BODY" >&2; return 1; }
    AUTH_UID=$a AUTH_TOKEN=$t
}

# ---- teams.create ----

@test "teams.create makes the team and its main room, the caller its owner" {
    as alice
    mk_team tm-create-1 0
    jq_is '.team | (._id|length) == 17 and .name == "tm-create-1" and .type == 0'
    jq_is '.team.createdBy.username == "tm_alice" and (.team.createdAt|test("Z$")) and (.team._updatedAt|test("Z$"))'
    jq_is '.team | keys == ["_id","_updatedAt","createdAt","createdBy","name","roomId","type"]'
    api GET "/api/v1/channels.info?roomId=$MAIN"
    [ "$STATUS" = 200 ]
    jq_is ".channel.teamMain == true and .channel.teamId == \"$TEAM_ID\" and .channel.t == \"c\""
    jq_is '.channel.name == "tm-create-1" and .channel.usersCount == 1'
    api GET "/api/v1/teams.members?teamId=$TEAM_ID"
    [ "$STATUS" = 200 ]
    jq_is '.total == 1 and .count == 1 and .offset == 0'
    jq_is '.members[0].user.username == "tm_alice" and .members[0].roles == ["owner"]'
    jq_is '.members[0].createdBy.username == "tm_alice" and (.members[0].user | has("status"))'
}

@test "teams.create type 1 makes a private main room; members by username or id, the rest dropped" {
    local bob carol
    bob=$(uid tm_bob); carol=$(uid tm_carol)
    as alice
    mk_team tm-create-2 1 "[\"tm_bob\",\"$carol\",\"nobody-xyz\",\"tm_alice\"]"
    jq_is '.team.type == 1'
    api GET "/api/v1/groups.info?roomId=$MAIN"
    [ "$STATUS" = 200 ]
    jq_is '.group.t == "p" and .group.teamMain == true and .group.usersCount == 3'
    api GET "/api/v1/teams.members?teamId=$TEAM_ID"
    jq_is '.total == 3'
    jq_is '[.members[].user.username] | sort == ["tm_alice","tm_bob","tm_carol"]'
    jq_is '[.members[] | select(.user.username == "tm_alice")][0].roles == ["owner"]'
    jq_is '[.members[] | select(.user.username == "tm_bob")][0] | has("roles") | not'
    # no system messages for the founding members
    [ -z "$(sysmsgs "$MAIN")" ]
}

@test "teams.create with owner: that user owns the team, the caller is not in it" {
    local dave
    dave=$(uid tm_dave)
    as alice
    api POST /api/v1/teams.create "{\"name\":\"tm-create-3\",\"type\":0,\"owner\":\"$dave\"}"
    [ "$STATUS" = 200 ]
    jq_is '.team.createdBy.username == "tm_alice"'
    TEAM_ID=$(jq -r .team._id <<<"$BODY")
    as dave
    api GET "/api/v1/teams.members?teamId=$TEAM_ID"
    jq_is '.total == 1 and .members[0].user.username == "tm_dave" and .members[0].roles == ["owner"]'
    api POST /api/v1/teams.create '{"name":"tm-create-3b","type":0,"owner":"no-such-user-id"}'
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"error-team-creation"}'
}

@test "teams.create refuses taken and invalid names as Rocket.Chat" {
    as alice
    mk_team tm-dup 0
    api POST /api/v1/teams.create '{"name":"tm-dup","type":1}'
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"team-name-already-exists"}'
    api POST /api/v1/teams.create '{"name":"TM-DUP","type":0}'
    jq_is '.error == "team-name-already-exists"'
    api POST /api/v1/teams.create '{"name":"tm_bob","type":0}'
    jq_is '.error == "team-name-already-exists"'
    mk_room c tm-plain-room
    api POST /api/v1/teams.create '{"name":"tm-plain-room","type":0}'
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"room-name-already-exists"}'
    api POST /api/v1/teams.create '{"name":"invalid*team*name","type":0}'
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"error-team-creation"}'
    api GET '/api/v1/teams.info?teamName=invalid*team*name'
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"Team not found"}'
    api GET '/api/v1/teams.members?teamName=invalid*team*name'
    jq_is '. == {"success":false,"error":"team-does-not-exist"}'
}

@test "teams.create: wrong JSON types are 400, no permission is 401 unauthorized" {
    as alice
    for bad in '{"type":0}' '{"name":1,"type":0}' '{"name":"tm-x1"}' '{"name":"tm-x1","type":"0"}' \
               '{"name":"tm-x1","type":2}' '{"name":"tm-x1","type":true}' '{"name":"tm-x1","type":0.5}' \
               '{"name":"tm-x1","type":0,"members":"tm_bob"}' '{"name":"tm-x1","type":0,"members":[1]}' \
               '{"name":"tm-x1","type":0,"members":{"a":"b"}}' '{"name":"tm-x1","type":0,"owner":5}' \
               '{"name":"tm-x1","type":0,"owner":["x"]}' '{"name":"tm-x1","type":0,"room":"x"}' \
               '{"name":"tm-x1","type":0,"room":{"readOnly":"yes"}}' '{"name":null,"type":0}' \
               '{"name":{"$ne":1},"type":0}'; do
        api POST /api/v1/teams.create "$bad"
        [ "$STATUS" = 400 ] || { echo "$bad -> $STATUS $BODY"; return 1; }
        jq_is '.success == false'
    done
    api GET '/api/v1/teams.info?teamName=tm-x1'
    jq_is '.error == "Team not found"'
    as guest
    api POST /api/v1/teams.create '{"name":"tm-x2","type":0}'
    [ "$STATUS" = 401 ]
    jq_is '. == {"success":false,"error":"unauthorized"}'
    logout_local
    api POST /api/v1/teams.create '{"name":"tm-x3","type":0}'
    [ "$STATUS" = 401 ]
    jq_is '.error == "You must be logged in to do this."'
}

# ---- teams.info, teams.list, teams.listAll ----

@test "teams.info by id or name; private teams only for members or view-all-teams" {
    as alice
    mk_team tm-info-pub 0
    local pub=$TEAM_ID
    mk_team tm-info-priv 1
    local priv=$TEAM_ID
    api GET "/api/v1/teams.info?teamId=$pub"
    [ "$STATUS" = 200 ]
    jq_is ".teamInfo._id == \"$pub\" and .teamInfo.name == \"tm-info-pub\" and .teamInfo.type == 0"
    api GET "/api/v1/teams.info?teamName=tm-info-priv"
    jq_is ".teamInfo._id == \"$priv\" and .teamInfo.roomId == \"$MAIN\""
    api GET "/api/v1/teams.info?teamName="
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"Team not found"}'
    api GET "/api/v1/teams.info?teamId=nope"
    jq_is '.error == "Team not found"'
    api GET "/api/v1/teams.info"
    [ "$STATUS" = 400 ]
    jq_is '.success == false and (.error|startswith("Match error"))'
    as bob
    api GET "/api/v1/teams.info?teamId=$pub"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/teams.info?teamId=$priv"
    [ "$STATUS" = 401 ]
    jq_is '. == {"success":false,"error":"unauthorized"}'
    as_admin
    api GET "/api/v1/teams.info?teamId=$priv"
    [ "$STATUS" = 200 ]
    logout_local
    api GET "/api/v1/teams.info?teamId=$pub"
    [ "$STATUS" = 401 ]
}

@test "teams.list shows the caller's teams with room and member counts; listAll needs view-all-teams" {
    local bob
    bob=$(uid tm_bob)
    as erin
    mk_team tm-list-1 0
    local t1=$TEAM_ID
    mk_room c tm-list-room-a
    add_rooms "$t1" "[\"$RID\"]"
    add_members "$t1" "$bob"
    mk_team tm-list-2 1
    api GET /api/v1/teams.list
    [ "$STATUS" = 200 ]
    jq_is '[.teams[].name] == ["tm-list-1","tm-list-2"] and .total == 2 and .count == 2 and .offset == 0'
    jq_is '.teams[0].rooms == 1 and .teams[0].numberOfUsers == 2 and .teams[1].rooms == 0 and .teams[1].numberOfUsers == 1'
    jq_is '.teams[0] | has("_id") and has("roomId") and has("createdBy") and has("_updatedAt") and has("type")'
    api GET '/api/v1/teams.list?count=1&offset=1'
    jq_is '[.teams[].name] == ["tm-list-2"] and .total == 2 and .count == 1 and .offset == 1'
    # Rocket.Chat's advisory: a query never reaches other teams
    api GET '/api/v1/teams.list?query=%7B%22_id%22%3A%7B%22%24regex%22%3A%22.*%22%7D%7D'
    [ "$STATUS" = 200 ]
    jq_is '[.teams[].createdBy.username] | unique == ["tm_erin"]'
    api GET '/api/v1/teams.list?count=x'
    [ "$STATUS" = 400 ]
    api GET /api/v1/teams.listAll
    [ "$STATUS" = 401 ]
    jq_is '. == {"success":false,"error":"unauthorized"}'
    as_admin
    api GET /api/v1/teams.listAll
    [ "$STATUS" = 200 ]
    jq_is '[.teams[].name] | index("tm-list-1") != null and index("tm-list-2") != null'
    jq_is '.total >= 2 and .count == (.teams|length)'
}

# ---- teams.members ----

@test "teams.members filters by username, name and status; outsiders see an empty list" {
    local bob carol
    bob=$(uid tm_bob); carol=$(uid tm_carol)
    as alice
    mk_team tm-members 0
    add_members "$TEAM_ID" "$bob" "$carol"
    api GET "/api/v1/teams.members?teamId=$TEAM_ID"
    jq_is '.total == 3 and .count == 3'
    jq_is '[.members[].user.username] == ["tm_alice","tm_bob","tm_carol"]'
    api GET "/api/v1/teams.members?teamId=$TEAM_ID&username=BOB"
    jq_is '.total == 1 and .members[0].user.username == "tm_bob"'
    api GET "/api/v1/teams.members?teamId=$TEAM_ID&username=%25"
    jq_is '.total == 0'
    api GET "/api/v1/teams.members?teamId=$TEAM_ID&name=carol"
    jq_is '.total == 1 and .members[0].user.name == "tm_carol"'
    api GET "/api/v1/teams.members?teamId=$TEAM_ID&status%5B%5D=nosuchstatus"
    jq_is '.total == 0'
    api GET "/api/v1/teams.members?teamId=$TEAM_ID&status=online"
    [ "$STATUS" = 400 ]
    api GET "/api/v1/teams.members?teamId=$TEAM_ID&count=1&offset=1"
    jq_is '.total == 3 and .count == 1 and .offset == 1 and .members[0].user.username == "tm_bob"'
    api GET "/api/v1/teams.members?teamId=nope"
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"team-does-not-exist"}'
    as dave
    api GET "/api/v1/teams.members?teamId=$TEAM_ID"
    [ "$STATUS" = 200 ]
    jq_is '.members == [] and .total == 0 and .count == 0'
    as_admin
    api GET "/api/v1/teams.members?teamId=$TEAM_ID"
    jq_is '.total == 3'
}

# ---- teams.addMembers and auto-join ----

@test "seed: adding a user to a team joins them to every auto-join room of the team" {
    local bob
    bob=$(uid tm_bob)
    as alice
    mk_team tm-autojoin 0
    local team=$TEAM_ID main=$MAIN
    mk_room c tm-aj-pub; local pub=$RID
    mk_room p tm-aj-priv; local priv=$RID
    add_rooms "$team" "[\"$pub\",\"$priv\"]"
    set_default "$pub" true
    set_default "$priv" true
    add_members "$team" "$bob"
    in_room "$main" bob
    in_room "$pub" bob
    in_room "$priv" bob
    [ "$(sysmsgs "$main")" = "user-added-room-to-team:tm-aj-pub:tm_alice
added-user-to-team:tm_bob:tm_alice" ]
    [ "$(sysmsgs "$pub")" = "au:tm_bob:tm_alice" ]
    [ "$(sysmsgs "$priv" alice)" = "au:tm_bob:tm_alice" ]
}

@test "seed: rooms without auto-join show only the team until the user joins them" {
    local bob
    bob=$(uid tm_bob)
    as alice
    mk_team tm-noauto 0
    local team=$TEAM_ID main=$MAIN
    mk_room c tm-na-pub; local pub=$RID
    mk_room p tm-na-priv; local priv=$RID
    add_rooms "$team" "[\"$pub\",\"$priv\"]"
    add_members "$team" "$bob"
    in_room "$main" bob
    not_in_room "$pub" bob
    not_in_room "$priv" bob
    # bob sees the team and its public room, not the private one
    as bob
    api GET "/api/v1/teams.listRooms?teamId=$team"
    [ "$STATUS" = 200 ]
    jq_is "[.rooms[]._id] == [\"$pub\"] and .total == 1"
    api GET /api/v1/teams.list
    jq_is '[.teams[].name] | index("tm-noauto") != null'
}

@test "teams.addMembers: roles go to the member and the main room; re-adding is harmless" {
    local bob
    bob=$(uid tm_bob)
    as alice
    mk_team tm-roles 0
    api POST /api/v1/teams.addMembers "{\"teamId\":\"$TEAM_ID\",\"members\":[{\"userId\":\"$bob\",\"roles\":[\"member\",\"moderator\"]}]}"
    [ "$STATUS" = 200 ]
    [ "$BODY" = '{"success":true}' ]
    api GET "/api/v1/teams.members?teamId=$TEAM_ID&username=tm_bob"
    jq_is '.members[0].roles == ["member","moderator"] and .members[0].createdBy.username == "tm_alice"'
    # moderator of the main room: bob may now add rooms' members
    as bob
    api POST /api/v1/teams.addMembers "{\"teamName\":\"tm-roles\",\"members\":[{\"userId\":\"$bob\"}]}"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/teams.members?teamId=$TEAM_ID"
    jq_is '.total == 2'
    [ "$(sysmsgs "$MAIN" | grep -c added-user-to-team)" = 1 ]
}

@test "teams.addMembers: types, unknown team and user, and permission" {
    local bob
    bob=$(uid tm_bob)
    as alice
    mk_team tm-addm-err 0
    for bad in "{\"teamId\":\"$TEAM_ID\"}" "{\"teamId\":\"$TEAM_ID\",\"members\":[]}" \
               "{\"teamId\":\"$TEAM_ID\",\"members\":\"$bob\"}" "{\"teamId\":\"$TEAM_ID\",\"members\":[\"$bob\"]}" \
               "{\"teamId\":\"$TEAM_ID\",\"members\":[{\"userId\":1}]}" \
               "{\"teamId\":\"$TEAM_ID\",\"members\":[{\"userId\":\"$bob\",\"roles\":\"owner\"}]}" \
               "{\"teamId\":\"$TEAM_ID\",\"members\":[{\"userId\":\"$bob\",\"roles\":[1]}]}" \
               "{\"teamId\":\"$TEAM_ID\",\"members\":[{\"userId\":\"$bob\",\"x\":1}]}" \
               "{\"teamId\":\"$TEAM_ID\",\"members\":[{\"userId\":\"$bob\"},{\"userId\":\"$bob\"}]}" \
               "{\"teamId\":5,\"members\":[{\"userId\":\"$bob\"}]}" \
               "{\"teamId\":\"$TEAM_ID\",\"teamName\":\"tm-addm-err\",\"members\":[{\"userId\":\"$bob\"}]}" \
               "{\"members\":[{\"userId\":\"$bob\"}]}" \
               "{\"teamId\":\"$TEAM_ID\",\"members\":[{\"userId\":\"$bob\"}],\"extra\":1}"; do
        api POST /api/v1/teams.addMembers "$bad"
        [ "$STATUS" = 400 ] || { echo "$bad -> $STATUS $BODY"; return 1; }
        jq_is '.errorType == "invalid-params"'
    done
    api POST /api/v1/teams.addMembers "{\"teamId\":\"nope\",\"members\":[{\"userId\":\"$bob\"}]}"
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"team-does-not-exist"}'
    api POST /api/v1/teams.addMembers "{\"teamId\":\"$TEAM_ID\",\"members\":[{\"userId\":\"no-such-user\"}]}"
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"invalid-user"}'
    as dave
    api POST /api/v1/teams.addMembers "{\"teamId\":\"$TEAM_ID\",\"members\":[{\"userId\":\"$bob\"}]}"
    [ "$STATUS" = 401 ]
    jq_is '. == {"success":false,"error":"unauthorized"}'
    as alice
    api GET "/api/v1/teams.members?teamId=$TEAM_ID"
    jq_is '.total == 1'
}

# ---- teams.addRooms ----

@test "seed: a channel belongs to at most one team" {
    as alice
    mk_team tm-one-a 0; local a=$TEAM_ID
    mk_team tm-one-b 0; local b=$TEAM_ID mainb=$MAIN
    mk_room c tm-one-room; local room=$RID
    add_rooms "$a" "[\"$room\"]"
    api POST /api/v1/teams.addRooms "{\"teamId\":\"$b\",\"rooms\":[\"$room\"]}"
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"room-already-on-team"}'
    # nor can one team take in another team's main room
    api POST /api/v1/teams.addRooms "{\"teamId\":\"$a\",\"rooms\":[\"$mainb\"]}"
    jq_is '.error == "room-already-on-team"'
    api GET "/api/v1/channels.info?roomId=$room"
    jq_is ".channel.teamId == \"$a\""
}

@test "teams.addRooms moves owned rooms in and tells the main room about public ones" {
    as alice
    mk_team tm-addr 0
    local team=$TEAM_ID main=$MAIN
    mk_room c tm-addr-pub; local pub=$RID
    mk_room p tm-addr-priv; local priv=$RID
    api POST /api/v1/teams.addRooms "{\"teamName\":\"tm-addr\",\"rooms\":[\"$pub\",\"$priv\"]}"
    [ "$STATUS" = 200 ]
    jq_is '.rooms | length == 2'
    jq_is "[.rooms[] | select(.teamId == \"$team\")] | length == 2"
    jq_is '[.rooms[] | select(.teamDefault == true)] | length == 0'
    jq_is "[.rooms[]._id] == [\"$pub\", \"$priv\"]"
    [ "$(sysmsgs "$main")" = "user-added-room-to-team:tm-addr-pub:tm_alice" ]
}

@test "teams.addRooms: invalid-room, error-no-owner-channel, permission and types" {
    local bob
    bob=$(uid tm_bob)
    as bob
    mk_room p tm-addr-bobs; local bobs=$RID
    as alice
    mk_team tm-addr-err 0
    local team=$TEAM_ID
    mk_room c tm-addr-shared "[\"tm_bob\"]"; local shared=$RID
    api POST /api/v1/teams.addRooms "{\"teamId\":\"$team\",\"rooms\":[\"nope\"]}"
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"invalid-room"}'
    # a private group the caller cannot see is as unknown
    api POST /api/v1/teams.addRooms "{\"teamId\":\"$team\",\"rooms\":[\"$bobs\"]}"
    jq_is '. == {"success":false,"error":"invalid-room"}'
    api POST /api/v1/teams.addRooms "{\"teamId\":\"$team\",\"rooms\":[\"$shared\",\"$shared\"]}"
    jq_is '.error == "invalid-room"'
    api POST /api/v1/teams.addRooms "{\"teamId\":\"nope\",\"rooms\":[\"$shared\"]}"
    jq_is '. == {"success":false,"error":"team-does-not-exist"}'
    add_members "$team" "$bob"
    perm add-team-channel '["admin","owner","moderator","user"]'
    as bob
    api POST /api/v1/teams.addRooms "{\"teamId\":\"$team\",\"rooms\":[\"$shared\"]}"
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"error-no-owner-channel"}'
    perm add-team-channel '["admin","owner","moderator"]'
    api POST /api/v1/teams.addRooms "{\"teamId\":\"$team\",\"rooms\":[\"$bobs\"]}"
    [ "$STATUS" = 401 ]
    jq_is '. == {"success":false,"error":"error-no-permission-team-channel"}'
    as alice
    for bad in "{\"teamId\":\"$team\"}" "{\"teamId\":\"$team\",\"rooms\":\"$shared\"}" \
               "{\"teamId\":\"$team\",\"rooms\":[1]}" "{\"rooms\":[\"$shared\"]}" \
               "{\"teamId\":1,\"rooms\":[\"$shared\"]}" "{\"teamId\":\"$team\",\"rooms\":{}}"; do
        api POST /api/v1/teams.addRooms "$bad"
        [ "$STATUS" = 400 ] || { echo "$bad -> $STATUS $BODY"; return 1; }
    done
    api GET "/api/v1/channels.info?roomId=$shared"
    jq_is '.channel | has("teamId") | not'
}

# ---- teams.updateRoom ----

@test "seed: turning auto-join off leaves existing members where they are" {
    local bob carol
    bob=$(uid tm_bob); carol=$(uid tm_carol)
    as alice
    mk_team tm-ajoff 0
    local team=$TEAM_ID
    add_members "$team" "$bob"
    mk_room c tm-ajoff-room; local room=$RID
    add_rooms "$team" "[\"$room\"]"
    not_in_room "$room" bob
    # on: every current member joins now
    set_default "$room" true
    jq_is ".room.teamDefault == true and .room.teamId == \"$team\" and .room.usersCount == 2"
    in_room "$room" bob
    [ "$(sysmsgs "$room")" = "au:tm_bob:tm_alice" ]
    # off: nobody leaves, and later members are not joined
    set_default "$room" false
    jq_is '.room.usersCount == 2 and (.room.teamDefault // false) == false'
    in_room "$room" bob
    add_members "$team" "$carol"
    not_in_room "$room" carol
    api GET "/api/v1/teams.listRooms?teamId=$team&type=autoJoin"
    jq_is '.rooms == [] and .total == 0'
}

@test "teams.updateRoom: invalid-room, room-not-on-team, permission and types" {
    as alice
    mk_team tm-upd 0
    local team=$TEAM_ID
    mk_room c tm-upd-in; local inroom=$RID
    mk_room c tm-upd-out; local outroom=$RID
    add_rooms "$team" "[\"$inroom\"]"
    api POST /api/v1/teams.updateRoom '{"roomId":"nope","isDefault":true}'
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"invalid-room"}'
    api POST /api/v1/teams.updateRoom "{\"roomId\":\"$outroom\",\"isDefault\":true}"
    jq_is '. == {"success":false,"error":"room-not-on-team"}'
    for bad in "{\"roomId\":\"$inroom\"}" "{\"roomId\":\"$inroom\",\"isDefault\":\"true\"}" \
               "{\"roomId\":\"$inroom\",\"isDefault\":1}" "{\"isDefault\":true}" \
               "{\"roomId\":5,\"isDefault\":true}" "{\"roomId\":[\"$inroom\"],\"isDefault\":true}" \
               "{\"roomId\":\"$inroom\",\"isDefault\":null}"; do
        api POST /api/v1/teams.updateRoom "$bad"
        [ "$STATUS" = 400 ] || { echo "$bad -> $STATUS $BODY"; return 1; }
    done
    as bob
    api POST /api/v1/teams.updateRoom "{\"roomId\":\"$inroom\",\"isDefault\":true}"
    [ "$STATUS" = 401 ]
    jq_is '. == {"success":false,"error":"unauthorized"}'
}

# ---- teams.listRooms ----

@test "teams.listRooms: no main room, autoJoin and name filters, paging" {
    as alice
    mk_team tm-lr 0
    local team=$TEAM_ID
    mk_room c tm-lr-alpha; local a=$RID
    mk_room c tm-lr-beta; local b=$RID
    mk_room p tm-lr-gamma; local g=$RID
    add_rooms "$team" "[\"$a\",\"$b\",\"$g\"]"
    set_default "$b" true
    api GET "/api/v1/teams.listRooms?teamId=$team"
    [ "$STATUS" = 200 ]
    jq_is "[.rooms[]._id] == [\"$a\",\"$b\",\"$g\"] and .total == 3 and .count == 3 and .offset == 0"
    api GET "/api/v1/teams.listRooms?teamName=tm-lr&type=autoJoin"
    jq_is "[.rooms[]._id] == [\"$b\"] and .total == 1"
    api GET "/api/v1/teams.listRooms?teamId=$team&filter=ALP"
    jq_is "[.rooms[]._id] == [\"$a\"]"
    api GET "/api/v1/teams.listRooms?teamId=$team&filter=%25"
    jq_is '.total == 0'
    api GET "/api/v1/teams.listRooms?teamId=$team&count=1&offset=1"
    jq_is "[.rooms[]._id] == [\"$b\"] and .total == 3 and .count == 1 and .offset == 1"
    api GET "/api/v1/teams.listRooms?teamId=nope"
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"team-does-not-exist"}'
    api GET "/api/v1/teams.listRooms"
    [ "$STATUS" = 400 ]
    api GET "/api/v1/teams.listRooms?teamId=$team&offset=-1"
    [ "$STATUS" = 400 ]
}

@test "T07: a private team's rooms are invisible to non-members" {
    local bob
    bob=$(uid tm_bob)
    as alice
    mk_team tm-secret 1
    local team=$TEAM_ID main=$MAIN
    mk_room c tm-secret-pub; local pub=$RID
    add_rooms "$team" "[\"$pub\"]"
    as dave
    api GET "/api/v1/teams.listRooms?teamId=$team"
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"user-not-on-private-team"}'
    api GET "/api/v1/teams.info?teamId=$team"
    [ "$STATUS" = 401 ]
    api GET "/api/v1/teams.members?teamId=$team"
    jq_is '.members == [] and .total == 0'
    api GET "/api/v1/channels.history?roomId=$pub"
    [ "$STATUS" != 200 ]
    api GET "/api/v1/groups.info?roomId=$main"
    [ "$STATUS" = 400 ]
    api GET /api/v1/teams.list
    jq_is '[.teams[].name] | index("tm-secret") == null'
    # a member sees the public room of the team
    as alice
    add_members "$team" "$bob"
    as bob
    api GET "/api/v1/teams.listRooms?teamId=$team"
    jq_is "[.rooms[]._id] == [\"$pub\"]"
    api GET "/api/v1/channels.history?roomId=$pub"
    [ "$STATUS" = 200 ]
}

# ---- rooms created later ----

@test "seed: a room created later does not inherit the team's members" {
    local bob
    bob=$(uid tm_bob)
    as alice
    mk_team tm-later 0
    local team=$TEAM_ID
    add_members "$team" "$bob"
    # created first, then added
    mk_room c tm-later-added; local added=$RID
    add_rooms "$team" "[\"$added\"]"
    not_in_room "$added" bob
    # created directly in the team
    api POST /api/v1/channels.create "{\"name\":\"tm-later-inside\",\"extraData\":{\"teamId\":\"$team\"}}"
    [ "$STATUS" = 200 ]
    local inside
    inside=$(jq -r .channel._id <<<"$BODY")
    jq_is ".channel.teamId == \"$team\" and .channel.usersCount == 1"
    not_in_room "$inside" bob
    api GET "/api/v1/teams.listRooms?teamId=$team"
    jq_is ".total == 2"
}

# ---- teams.removeMember, teams.leave ----

@test "seed: removing a member takes them out of the rooms named, the others keep them" {
    local bob
    bob=$(uid tm_bob)
    as alice
    mk_team tm-rm 0
    local team=$TEAM_ID main=$MAIN
    mk_room c tm-rm-a; local a=$RID
    mk_room c tm-rm-b; local b=$RID
    add_rooms "$team" "[\"$a\",\"$b\"]"
    set_default "$a" true
    set_default "$b" true
    add_members "$team" "$bob"
    in_room "$a" bob
    in_room "$b" bob
    api POST /api/v1/teams.removeMember "{\"teamId\":\"$team\",\"userId\":\"$bob\",\"rooms\":[\"$a\"]}"
    [ "$STATUS" = 200 ]
    [ "$BODY" = '{"success":true}' ]
    not_in_room "$main" bob
    not_in_room "$a" bob
    in_room "$b" bob
    api GET "/api/v1/teams.members?teamId=$team"
    jq_is '.total == 1'
    [ "$(sysmsgs "$main" | tail -1)" = "removed-user-from-team:tm_bob:tm_alice" ]
    [ "$(sysmsgs "$a" | tail -1)" = "ru:tm_bob:tm_alice" ]
    [ "$(sysmsgs "$b" | tail -1)" = "au:tm_bob:tm_alice" ]
}

@test "seed: a removed member's messages stay" {
    local bob
    bob=$(uid tm_bob)
    as alice
    mk_team tm-msgs 0
    local team=$TEAM_ID main=$MAIN
    mk_room c tm-msgs-room; local room=$RID
    add_rooms "$team" "[\"$room\"]"
    set_default "$room" true
    add_members "$team" "$bob"
    as bob
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$main\",\"text\":\"bob in main\"}"
    [ "$STATUS" = 200 ]
    local m1
    m1=$(jq -r .message._id <<<"$BODY")
    api POST /api/v1/chat.postMessage "{\"roomId\":\"$room\",\"text\":\"bob in room\"}"
    [ "$STATUS" = 200 ]
    local m2
    m2=$(jq -r .message._id <<<"$BODY")
    as alice
    api POST /api/v1/teams.removeMember "{\"teamId\":\"$team\",\"userId\":\"$bob\",\"rooms\":[\"$room\"]}"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/channels.history?roomId=$main"
    jq_is "[.messages[] | select(._id == \"$m1\" and .msg == \"bob in main\")] | length == 1"
    api GET "/api/v1/channels.history?roomId=$room"
    jq_is "[.messages[] | select(._id == \"$m2\" and .msg == \"bob in room\" and .u.username == \"tm_bob\")] | length == 1"
}

@test "teams.removeMember: last owner, unknown or inactive user, non-member, permission, types" {
    local bob carol alice
    bob=$(uid tm_bob); carol=$(uid tm_carol); alice=$(uid tm_alice)
    as alice
    mk_team tm-rm-err 0
    local team=$TEAM_ID
    add_members "$team" "$bob"
    api POST /api/v1/teams.removeMember "{\"teamName\":\"tm-rm-err\",\"userId\":\"$alice\"}"
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"last-owner-can-not-be-removed"}'
    api POST /api/v1/teams.removeMember "{\"teamId\":\"$team\",\"userId\":\"no-such-user\"}"
    jq_is '. == {"success":false,"error":"invalid-user"}'
    api POST /api/v1/teams.removeMember "{\"teamId\":\"$team\",\"userId\":\"$carol\"}"
    jq_is '. == {"success":false,"error":"member-does-not-exist"}'
    api POST /api/v1/teams.removeMember "{\"teamId\":\"nope\",\"userId\":\"$bob\"}"
    jq_is '. == {"success":false,"error":"team-does-not-exist"}'
    for bad in "{\"teamId\":\"$team\",\"userId\":\"$bob\",\"rooms\":[]}" \
               "{\"teamId\":\"$team\"}" "{\"teamId\":\"$team\",\"userId\":5}" \
               "{\"teamId\":\"$team\",\"userId\":\"$bob\",\"rooms\":\"x\"}" \
               "{\"teamId\":\"$team\",\"userId\":\"$bob\",\"rooms\":[1]}" \
               "{\"teamId\":\"$team\",\"userId\":\"$bob\",\"rooms\":[\"x\",\"x\"]}" \
               "{\"teamId\":true,\"userId\":\"$bob\"}" "{\"userId\":\"$bob\"}" \
               "{\"teamId\":\"$team\",\"userId\":\"$bob\",\"other\":1}"; do
        api POST /api/v1/teams.removeMember "$bad"
        [ "$STATUS" = 400 ] || { echo "$bad -> $STATUS $BODY"; return 1; }
        jq_is '.errorType == "invalid-params"'
    done
    as bob
    api POST /api/v1/teams.removeMember "{\"teamId\":\"$team\",\"userId\":\"$alice\"}"
    [ "$STATUS" = 401 ]
    jq_is '. == {"success":false,"error":"unauthorized"}'
    # inactive users are refused as invalid-user
    as_admin
    api POST /api/v1/users.setActiveStatus "{\"userId\":\"$bob\",\"activeStatus\":false,\"confirmRelinquish\":true}"
    [ "$STATUS" = 200 ]
    as alice
    api POST /api/v1/teams.removeMember "{\"teamId\":\"$team\",\"userId\":\"$bob\"}"
    jq_is '. == {"success":false,"error":"invalid-user"}'
    as_admin
    api POST /api/v1/users.setActiveStatus "{\"userId\":\"$bob\",\"activeStatus\":true}"
    [ "$STATUS" = 200 ]
}

@test "teams.leave: the caller leaves (ult, ul), the last owner cannot" {
    local bob
    bob=$(uid tm_bob)
    as alice
    mk_team tm-leave 0
    local team=$TEAM_ID main=$MAIN
    mk_room c tm-leave-a; local a=$RID
    add_rooms "$team" "[\"$a\"]"
    set_default "$a" true
    add_members "$team" "$bob"
    api POST /api/v1/teams.leave '{"teamName":"tm-leave"}'
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"last-owner-can-not-be-removed"}'
    as bob
    api POST /api/v1/teams.leave "{\"teamId\":\"$team\",\"rooms\":[\"$a\"]}"
    [ "$STATUS" = 200 ]
    not_in_room "$main" bob
    not_in_room "$a" bob
    [ "$(sysmsgs "$main" | tail -1)" = "ult:tm_bob:tm_bob" ]
    [ "$(sysmsgs "$a" | tail -1)" = "ul:tm_bob:tm_bob" ]
    api POST /api/v1/teams.leave "{\"teamId\":\"$team\"}"
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"member-does-not-exist"}'
    for bad in "{\"teamId\":\"$team\",\"rooms\":[]}" '{}' '{"teamId":1}' \
               "{\"teamId\":\"$team\",\"rooms\":[2]}" "{\"teamId\":\"$team\",\"userId\":\"$bob\"}"; do
        api POST /api/v1/teams.leave "$bad"
        [ "$STATUS" = 400 ] || { echo "$bad -> $STATUS $BODY"; return 1; }
        jq_is '.errorType == "invalid-params"'
    done
    api POST /api/v1/teams.leave '{"teamId":"nope"}'
    jq_is '. == {"success":false,"error":"team-does-not-exist"}'
}

# ---- teams.removeRoom ----

@test "teams.removeRoom moves a room out of its team" {
    as alice
    mk_team tm-rr 0
    local team=$TEAM_ID main=$MAIN
    mk_room c tm-rr-room; local room=$RID
    mk_room c tm-rr-other; local other=$RID
    add_rooms "$team" "[\"$room\"]"
    set_default "$room" true
    api POST /api/v1/teams.removeRoom "{\"teamId\":\"$team\",\"roomId\":\"$other\"}"
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"room-not-on-that-team"}'
    api POST /api/v1/teams.removeRoom "{\"teamId\":\"$team\",\"roomId\":\"$main\"}"
    jq_is '.error == "room-not-on-that-team"'
    api POST /api/v1/teams.removeRoom "{\"teamId\":\"$team\",\"roomId\":\"nope\"}"
    jq_is '. == {"success":false,"error":"invalid-room"}'
    as bob
    api POST /api/v1/teams.removeRoom "{\"teamId\":\"$team\",\"roomId\":\"$room\"}"
    [ "$STATUS" = 401 ]
    jq_is '. == {"success":false,"error":"unauthorized"}'
    as alice
    for bad in "{\"teamId\":\"$team\"}" "{\"teamId\":\"$team\",\"roomId\":1}" "{\"roomId\":\"$room\"}" \
               "{\"teamId\":\"$team\",\"roomId\":\"$room\",\"x\":1}" "{\"teamId\":[],\"roomId\":\"$room\"}"; do
        api POST /api/v1/teams.removeRoom "$bad"
        [ "$STATUS" = 400 ] || { echo "$bad -> $STATUS $BODY"; return 1; }
        jq_is '.errorType == "invalid-params"'
    done
    api POST /api/v1/teams.removeRoom "{\"teamName\":\"tm-rr\",\"roomId\":\"$room\"}"
    [ "$STATUS" = 200 ]
    jq_is ".room._id == \"$room\" and (.room | has(\"teamId\") | not) and (.room.teamDefault // false) == false"
    api GET "/api/v1/channels.info?roomId=$room"
    jq_is '.channel | has("teamId") | not'
    [ "$(sysmsgs "$main" | tail -1)" = "user-removed-room-from-team:tm-rr-room:tm_alice" ]
    api GET "/api/v1/teams.listRooms?teamId=$team"
    jq_is '.total == 0'
}

# ---- teams.delete ----

@test "teams.delete erases the rooms named, frees the others, and the main room goes" {
    local bob
    bob=$(uid tm_bob)
    as alice
    mk_team tm-del 0
    local team=$TEAM_ID main=$MAIN
    mk_room c tm-del-keep "[\"tm_bob\"]"; local keep=$RID
    mk_room c tm-del-drop; local drop=$RID
    mk_room c tm-del-outside; local outside=$RID
    add_rooms "$team" "[\"$keep\",\"$drop\"]"
    add_members "$team" "$bob"
    as bob
    api POST /api/v1/teams.delete "{\"teamId\":\"$team\"}"
    [ "$STATUS" = 401 ]
    jq_is '. == {"success":false,"error":"unauthorized"}'
    as alice
    for bad in '{}' "{\"teamId\":\"$team\",\"roomsToRemove\":[]}" "{\"teamId\":\"$team\",\"roomsToRemove\":\"$drop\"}" \
               "{\"teamId\":\"$team\",\"roomsToRemove\":[1]}" "{\"teamId\":1}" "{\"teamId\":\"$team\",\"x\":true}"; do
        api POST /api/v1/teams.delete "$bad"
        [ "$STATUS" = 400 ] || { echo "$bad -> $STATUS $BODY"; return 1; }
        jq_is '.errorType == "invalid-params"'
    done
    api POST /api/v1/teams.delete '{"teamName":"nope"}'
    jq_is '. == {"success":false,"error":"team-does-not-exist"}'
    api POST /api/v1/teams.delete "{\"teamName\":\"tm-del\",\"roomsToRemove\":[\"$drop\",\"$outside\"]}"
    [ "$STATUS" = 200 ]
    [ "$BODY" = '{"success":true}' ]
    api GET "/api/v1/teams.info?teamId=$team"
    jq_is '. == {"success":false,"error":"Team not found"}'
    api GET "/api/v1/channels.info?roomId=$main"
    [ "$STATUS" = 400 ]
    jq_is '.error | contains("[error-room-not-found]")'
    api GET "/api/v1/channels.info?roomId=$drop"
    jq_is '.error | contains("[error-room-not-found]")'
    api GET "/api/v1/channels.info?roomId=$keep"
    [ "$STATUS" = 200 ]
    jq_is '.channel | has("teamId") | not'
    in_room "$keep" bob
    api GET "/api/v1/channels.info?roomId=$outside"
    [ "$STATUS" = 200 ]
    api GET /api/v1/teams.list
    jq_is '[.teams[].name] | index("tm-del") == null'
    # the name is free again
    mk_team tm-del 1
}

@test "teams.delete checks that each room named may be erased before anything goes" {
    local bob
    bob=$(uid tm_bob)
    as bob
    mk_room c tm-del2-bobs; local bobs=$RID
    as alice
    mk_team tm-del2 0
    local team=$TEAM_ID
    # bob, who owns the room, moves it into alice's team
    perm add-team-channel '["admin","owner","moderator","user"]'
    as bob
    add_rooms "$team" "[\"$bobs\"]"
    perm add-team-channel '["admin","owner","moderator"]'
    as alice
    api POST /api/v1/teams.delete "{\"teamId\":\"$team\",\"roomsToRemove\":[\"$bobs\"]}"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-not-allowed" and .details.method == "eraseRoom"'
    api GET "/api/v1/teams.info?teamId=$team"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/channels.info?roomId=$bobs"
    jq_is ".channel.teamId == \"$team\""
}

# ---- every endpoint wants a login ----

@test "every teams endpoint answers 401 without a login" {
    for r in "POST teams.create" "GET teams.list" "GET teams.listAll" "GET teams.info?teamName=x" \
             "GET teams.members?teamName=x" "POST teams.addMembers" "POST teams.removeMember" \
             "POST teams.leave" "POST teams.addRooms" "POST teams.removeRoom" "POST teams.updateRoom" \
             "GET teams.listRooms?teamName=x" "POST teams.delete"; do
        api ${r% *} "/api/v1/${r#* }" '{}'
        [ "$STATUS" = 401 ] || { echo "$r -> $STATUS"; return 1; }
        jq_is '.error == "You must be logged in to do this."'
    done
}

@test "joining a team's main room through channels.join makes a team member who auto-joins" {
    login_as admin "$ADMIN_PASS"
    create_user tjoin1 tjoin1-pass-1
    api POST /api/v1/teams.create '{"name":"jointeam","type":0}'
    [ "$STATUS" = 200 ]
    main=$(jq -r .team.roomId <<<"$BODY")
    api POST /api/v1/channels.create '{"name":"jointeam-auto","extraData":{"teamId":"'"$(jq -r .team._id <<<"$BODY")"'"}}'
    auto=$(jq -r .channel._id <<<"$BODY")
    api POST /api/v1/teams.updateRoom "{\"roomId\":\"$auto\",\"isDefault\":true}"
    [ "$STATUS" = 200 ]
    login_as tjoin1 tjoin1-pass-1
    api POST /api/v1/channels.join "{\"roomId\":\"$main\"}"
    [ "$STATUS" = 200 ]
    api GET '/api/v1/teams.members?teamName=jointeam'
    jq_is '.members | map(.user.username) | index("tjoin1") != null'
    api GET "/api/v1/subscriptions.getOne?roomId=$auto"
    jq_is '.subscription != null'
    # leaving the main room ends the team membership
    api POST /api/v1/channels.leave "{\"roomId\":\"$main\"}"
    [ "$STATUS" = 200 ]
    login_as admin "$ADMIN_PASS"
    api GET '/api/v1/teams.members?teamName=jointeam'
    jq_is '.members | map(.user.username) | index("tjoin1") == null'
}

@test "groups.create inside a team checks create-team-channel on the team" {
    login_as admin "$ADMIN_PASS"
    create_user tgrp1 tgrp1-pass-1
    api POST /api/v1/teams.create '{"name":"grpteam","type":1}'
    tid=$(jq -r .team._id <<<"$BODY")
    login_as tgrp1 tgrp1-pass-1
    api POST /api/v1/groups.create "{\"name\":\"grpteam-room\",\"extraData\":{\"teamId\":\"$tid\"}}"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-not-allowed"'
}
