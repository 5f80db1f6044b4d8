#!/usr/bin/env bats
# What deleting or deactivating a user does to rooms: Rocket.Chat's
# last-owner rule, confirmRelinquish, and Message_ErasureType.

load ../lib/rcd
load ../lib/rooms

setup_file() { rcd_start; }
teardown_file() { rcd_stop; }

admin() { login_as admin "$ADMIN_PASS"; }
msgs() { as "$1"; api GET "/api/v1/channels.info?roomId=$2"; jq -r .channel.msgs <<<"$BODY"; }

@test "deleting the last owner of a room with members is refused with user-last-owner" {
    mkuser owner1; mkuser member1
    as owner1; mkroom c lo-room member1
    room=$RID
    admin
    api POST /api/v1/users.delete '{"username":"owner1"}'
    [ "$STATUS" = 400 ]
    jq_is '.error == "[user-last-owner]" and .errorType == "user-last-owner"'
    jq_is ".details[0].rid == \"$room\" and .details[0].shouldChangeOwner == true and .details[0].shouldBeRemoved == false"
}

@test "with confirmRelinquish another member becomes owner and the owner's messages go" {
    mkuser owner2; mkuser member2
    as owner2; mkroom c lo-room2 member2
    room=$RID
    send "$room" "owner's words"
    as member2; send "$room" "member's words"
    before=$(msgs member2 "$room")
    admin
    api POST /api/v1/users.delete '{"username":"owner2","confirmRelinquish":true}'
    [ "$STATUS" = 200 ]
    as member2
    api GET "/api/v1/channels.roles?roomId=$room"
    jq_is ".roles | map(select(.u.username == \"member2\" and (.roles | index(\"owner\")))) | length == 1"
    api GET "/api/v1/channels.history?roomId=$room&count=100"
    jq_is '[.messages[] | select(.msg == "owner'"'"'s words")] | length == 0'
    jq_is '[.messages[] | select(.msg == "member'"'"'s words")] | length == 1'
    [ "$(msgs member2 "$room")" -lt "$before" ]
}

@test "a room where the deleted owner was alone is erased" {
    mkuser loner
    as loner; mkroom p lonely-group
    room=$RID
    admin
    api POST /api/v1/users.delete '{"username":"loner","confirmRelinquish":true}'
    [ "$STATUS" = 200 ]
    api POST /api/v1/rooms.delete "{\"roomId\":\"$room\"}"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-invalid-room"'
}

@test "deactivating the last owner is refused, and with confirmRelinquish hands the room over" {
    mkuser owner3; mkuser member3
    as owner3; mkroom c lo-room3 member3
    room=$RID
    send "$room" "kept words"
    admin
    uid=$OWNER3_UID
    api POST /api/v1/users.setActiveStatus "{\"userId\":\"$uid\",\"activeStatus\":false}"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "user-last-owner"'
    api POST /api/v1/users.setActiveStatus "{\"userId\":\"$uid\",\"activeStatus\":false,\"confirmRelinquish\":true}"
    [ "$STATUS" = 200 ]
    as member3
    api GET "/api/v1/channels.roles?roomId=$room"
    jq_is '.roles | map(select(.u.username == "member3" and (.roles | index("owner")))) | length == 1'
    # a deactivated user's messages stay
    api GET "/api/v1/channels.history?roomId=$room&count=100"
    jq_is '[.messages[] | select(.msg == "kept words")] | length == 1'
}

@test "Message_ErasureType Unlink gives a deleted user's messages to rocket.cat" {
    mkuser writer4; mkuser reader4
    as reader4; mkroom c unlink-room writer4
    room=$RID
    as writer4; send "$room" "unlinked words"
    admin
    api POST /api/v1/settings/Message_ErasureType '{"value":"Unlink"}' -H 'X-2FA-Method: password' -H "X-2FA-Code: $(sha256hex "$ADMIN_PASS")"
    [ "$STATUS" = 200 ]
    api POST /api/v1/users.delete '{"username":"writer4"}'
    [ "$STATUS" = 200 ]
    as reader4
    api GET "/api/v1/channels.history?roomId=$room&count=100"
    jq_is '.messages | map(select(.msg == "unlinked words"))[0] | .u.username == "rocket.cat" and .alias == "Removed User"'
    admin
    api POST /api/v1/settings/Message_ErasureType '{"value":"Delete"}' -H 'X-2FA-Method: password' -H "X-2FA-Code: $(sha256hex "$ADMIN_PASS")"
}

@test "Message_ErasureType Keep leaves a deleted user's messages as they were" {
    mkuser writer5; mkuser reader5
    as reader5; mkroom c keep-room writer5
    room=$RID
    as writer5; send "$room" "kept after delete"
    admin
    api POST /api/v1/settings/Message_ErasureType '{"value":"Keep"}' -H 'X-2FA-Method: password' -H "X-2FA-Code: $(sha256hex "$ADMIN_PASS")"
    api POST /api/v1/users.delete '{"username":"writer5"}'
    [ "$STATUS" = 200 ]
    as reader5
    api GET "/api/v1/channels.history?roomId=$room&count=100"
    jq_is '.messages | map(select(.msg == "kept after delete"))[0].u.username == "writer5"'
    admin
    api POST /api/v1/settings/Message_ErasureType '{"value":"Delete"}' -H 'X-2FA-Method: password' -H "X-2FA-Code: $(sha256hex "$ADMIN_PASS")"
}

@test "a deleted user's subscriptions go and members counts follow" {
    mkuser leaver6; mkuser stayer6
    as stayer6; mkroom c count-room leaver6
    room=$RID
    api GET "/api/v1/channels.info?roomId=$room"
    before=$(jq .channel.usersCount <<<"$BODY")
    admin
    api POST /api/v1/users.delete '{"username":"leaver6"}'
    [ "$STATUS" = 200 ]
    as stayer6
    api GET "/api/v1/channels.info?roomId=$room"
    [ "$(jq .channel.usersCount <<<"$BODY")" = $((before - 1)) ]
}
