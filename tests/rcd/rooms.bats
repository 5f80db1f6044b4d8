#!/usr/bin/env bats
# The rooms.* endpoints of rcd/api/rooms.c: get, info, saveNotification,
# delete, leave.

load ../lib/rcd

setup_file() {
    rcd_start
    login_as admin "$ADMIN_PASS"
    export ADMIN_UID=$AUTH_UID ADMIN_TOKEN=$AUTH_TOKEN
    for u in alice bob carol; do
        create_user "$u" "pw-$u"
        login_as "$u" "pw-$u"
        eval "export ${u^^}_UID=\$AUTH_UID ${u^^}_TOKEN=\$AUTH_TOKEN"
    done
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

# mkroom c|p NAME [EXTRA_JSON]: create as the caller; RID holds the id.
mkroom() {
    local area=channels key=channel
    [ "$1" = p ] && area=groups key=group
    api POST "/api/v1/$area.create" \
        "$(jq -nc --arg n "$2" --argjson x "${3:-{\}}" '{name:$n} + $x')"
    [ "$STATUS" = 200 ] || { echo "mkroom $2: $STATUS $BODY" >&2; return 1; }
    RID=$(jq -r ".$key._id" <<<"$BODY")
}

sub_of() {
    api GET "/api/v1/subscriptions.getOne?roomId=$1"
    [ "$STATUS" = 200 ]
}

@test "every rooms endpoint without credentials is 401" {
    AUTH_UID= AUTH_TOKEN=
    for r in "GET get" "GET info?roomId=x" "POST saveNotification" \
             "POST delete" "POST leave"; do
        api "${r%% *}" "/api/v1/rooms.${r#* }" '{}'
        [ "$STATUS" = 401 ] || { echo "$r -> $STATUS"; return 1; }
    done
}

# ---- rooms.get ----

@test "rooms.get lists every room the caller is in, of every type" {
    as bob
    api GET /api/v1/rooms.get
    [ "$STATUS" = 200 ]
    jq_is '.update == [] and .remove == []'
    as alice
    mkroom c r-get-c '{"members":["bob"]}'
    mkroom p r-get-p '{"members":["bob"]}'
    api POST /api/v1/im.create '{"username":"bob"}'
    mkroom p r-get-hidden
    as bob
    api GET /api/v1/rooms.get
    jq_is '([.update[].t] | sort) == ["c","d","p"] and .remove == []'
    jq_is '[.update[].name] | index("r-get-hidden") | not'
}

@test "rooms.get with updatedSince sends changes and deletions since then" {
    mkroom c r-since-old
    old=$RID
    sleep 0.01
    since=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
    sleep 0.01
    mkroom c r-since-new
    new=$RID
    mkroom c r-since-gone
    gone=$RID
    api POST /api/v1/channels.delete "{\"roomId\":\"$gone\"}"
    api GET "/api/v1/rooms.get?updatedSince=$since"
    [ "$STATUS" = 200 ]
    jq_is "[.update[]._id] == [\"$new\"]"
    jq_is "[.remove[]._id] == [\"$gone\"] and (.remove[0] | keys) == [\"_deletedAt\",\"_id\"]"
    api GET "/api/v1/rooms.get?updatedSince=yesterday"
    fails_with 400 error-updatedSince-param-invalid
    jq_is '.error == "The \"updatedSince\" query parameter must be a valid date. [error-updatedSince-param-invalid]"'
}

# ---- rooms.info ----

@test "rooms.info answers any readable room, with fields" {
    mkroom c r-info
    as bob
    api GET "/api/v1/rooms.info?roomId=$RID"
    [ "$STATUS" = 200 ]
    jq_is ".room._id == \"$RID\" and .room.name == \"r-info\" and .room.t == \"c\""
    api GET "/api/v1/rooms.info?roomName=r-info&fields=%7B%22name%22%3A1%7D"
    jq_is '.room | keys == ["_id","name"]'
    api GET /api/v1/rooms.info
    fails_with 400 error-roomid-param-not-provided
}

@test "rooms.info refuses with not-allowed, error and errorType swapped, alike for hidden and missing rooms" {
    mkroom p r-info-hidden
    as bob
    api GET "/api/v1/rooms.info?roomId=$RID"
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"not-allowed","errorType":"Not Allowed"}'
    hidden=$BODY
    api GET "/api/v1/rooms.info?roomId=nonexistent"
    [ "$STATUS" = 400 ]
    [ "$BODY" = "$hidden" ]
    api GET "/api/v1/rooms.info?roomName=r-info-hidden"
    [ "$BODY" = "$hidden" ]
}

# ---- rooms.saveNotification ----

@test "rooms.saveNotification saves every key as strings" {
    mkroom c r-notify
    api POST /api/v1/rooms.saveNotification "{\"roomId\":\"$RID\",\"notifications\":{
        \"desktopNotifications\":\"mentions\",\"mobilePushNotifications\":\"nothing\",
        \"emailNotifications\":\"all\",\"audioNotificationValue\":\"beep\",
        \"disableNotifications\":\"1\",\"muteGroupMentions\":\"1\",
        \"hideUnreadStatus\":\"1\",\"hideMentionStatus\":\"0\",\"unreadAlert\":\"nothing\"}}"
    [ "$STATUS" = 200 ]
    jq_is '. == {"success":true}'
    sub_of "$RID"
    jq_is '.subscription.desktopNotifications == "mentions" and .subscription.desktopPrefOrigin == "subscription"'
    jq_is '.subscription.mobilePushNotifications == "nothing" and .subscription.mobilePrefOrigin == "subscription"'
    jq_is '.subscription.emailNotifications == "all" and .subscription.emailPrefOrigin == "subscription"'
    jq_is '.subscription.audioNotificationValue == "beep" and .subscription.unreadAlert == "nothing"'
    jq_is '.subscription.disableNotifications == true and .subscription.muteGroupMentions == true'
    jq_is '.subscription.hideUnreadStatus == true and (.subscription | has("hideMentionStatus") | not)'
}

@test "rooms.saveNotification: 'default' resets, and anything but '1' is false" {
    mkroom c r-notify-default
    api POST /api/v1/rooms.saveNotification "{\"roomId\":\"$RID\",\"notifications\":{\"desktopNotifications\":\"all\",\"audioNotificationValue\":\"ding\",\"disableNotifications\":\"1\"}}"
    api POST /api/v1/rooms.saveNotification "{\"roomId\":\"$RID\",\"notifications\":{\"desktopNotifications\":\"default\",\"audioNotificationValue\":\"default\",\"disableNotifications\":\"true\"}}"
    [ "$STATUS" = 200 ]
    sub_of "$RID"
    jq_is '.subscription | (has("desktopNotifications") or has("desktopPrefOrigin") or has("audioNotificationValue") or has("disableNotifications")) | not'
}

@test "rooms.saveNotification refuses bad keys, values, types and rooms" {
    mkroom c r-notify-bad
    api POST /api/v1/rooms.saveNotification '{"notifications":{"unreadAlert":"all"}}'
    [ "$STATUS" = 400 ]
    jq_is '.error == "The '"'"'roomId'"'"' param is required"'
    api POST /api/v1/rooms.saveNotification "{\"roomId\":\"$RID\"}"
    jq_is '.error == "The '"'"'notifications'"'"' param is required"'
    api POST /api/v1/rooms.saveNotification "{\"roomId\":\"$RID\",\"notifications\":{}}"
    jq_is '.error == "The '"'"'notifications'"'"' param is required"'
    api POST /api/v1/rooms.saveNotification "{\"roomId\":\"$RID\",\"notifications\":{\"colour\":\"red\"}}"
    fails_with 400 error-invalid-settings
    jq_is '.error == "Invalid settings field [error-invalid-settings]"'
    for k in desktopNotifications mobilePushNotifications emailNotifications; do
        api POST /api/v1/rooms.saveNotification "{\"roomId\":\"$RID\",\"notifications\":{\"$k\":\"loud\"}}"
        fails_with 400 error-invalid-settings
        jq_is '.error == "Invalid settings value [error-invalid-settings]"'
    done
    # nothing of a refused request is saved
    api POST /api/v1/rooms.saveNotification "{\"roomId\":\"$RID\",\"notifications\":{\"unreadAlert\":\"all\",\"bad\":\"x\"}}"
    [ "$STATUS" = 400 ]
    sub_of "$RID"
    jq_is '.subscription | has("unreadAlert") | not'
    for v in '1' 'true' 'null' '["1"]' '{}'; do
        api POST /api/v1/rooms.saveNotification "{\"roomId\":\"$RID\",\"notifications\":{\"disableNotifications\":$v}}"
        [ "$STATUS" = 400 ] || { echo "value $v -> $STATUS"; return 1; }
        api POST /api/v1/rooms.saveNotification "{\"roomId\":$v,\"notifications\":{\"unreadAlert\":\"all\"}}"
        [ "$STATUS" = 400 ] || { echo "roomId $v -> $STATUS"; return 1; }
    done
    api POST /api/v1/rooms.saveNotification "{\"roomId\":\"$RID\",\"notifications\":[1]}"
    [ "$STATUS" = 400 ]
    as bob
    api POST /api/v1/rooms.saveNotification "{\"roomId\":\"$RID\",\"notifications\":{\"unreadAlert\":\"all\"}}"
    fails_with 400 error-invalid-subscription
    api POST /api/v1/rooms.saveNotification '{"roomId":"nope","notifications":{"unreadAlert":"all"}}'
    fails_with 400 error-invalid-subscription
}

# ---- rooms.delete ----

@test "rooms.delete lets an admin erase a group it is not in" {
    mkroom p r-del-group '{"members":["bob"]}'
    as admin
    api GET "/api/v1/groups.info?roomId=$RID"
    fails_with 400 error-room-not-found
    api POST /api/v1/rooms.delete "{\"roomId\":\"$RID\"}"
    [ "$STATUS" = 200 ]
    jq_is '. == {"success":true}'
    as bob
    api GET "/api/v1/subscriptions.getOne?roomId=$RID"
    jq_is '.subscription == null'
}

@test "rooms.delete works on channels and DMs for admins" {
    mkroom c r-del-chan
    as admin
    api POST /api/v1/rooms.delete "{\"roomId\":\"$RID\"}"
    [ "$STATUS" = 200 ]
    as alice
    api POST /api/v1/im.create '{"username":"carol"}'
    id=$(jq -r .room._id <<<"$BODY")
    api POST /api/v1/rooms.delete "{\"roomId\":\"$id\"}"
    fails_with 400 error-not-allowed
    as admin
    api POST /api/v1/rooms.delete "{\"roomId\":\"$id\"}"
    [ "$STATUS" = 200 ]
}

@test "rooms.delete errors: missing id, unknown room, hidden room, no permission" {
    api POST /api/v1/rooms.delete '{}'
    [ "$STATUS" = 400 ]
    jq_is '.error == "The '"'"'roomId'"'"' param is required"'
    api POST /api/v1/rooms.delete '{"roomId":"nope"}'
    fails_with 400 error-invalid-room
    missing=$BODY
    mkroom p r-del-hidden
    as bob
    api POST /api/v1/rooms.delete "{\"roomId\":\"$RID\"}"
    [ "$BODY" = "$missing" ]
    as alice
    mkroom c r-del-perm '{"members":["bob"]}'
    as bob
    api POST /api/v1/rooms.delete "{\"roomId\":\"$RID\"}"
    fails_with 400 error-not-allowed
    for v in '12' 'true' 'null' '["x"]' '{}'; do
        api POST /api/v1/rooms.delete "{\"roomId\":$v}"
        [ "$STATUS" = 400 ] || { echo "roomId $v -> $STATUS"; return 1; }
    done
}

# ---- rooms.leave ----

@test "rooms.leave leaves any room type with success" {
    mkroom p r-leave '{"members":["bob"]}'
    as bob
    api POST /api/v1/rooms.leave "{\"roomId\":\"$RID\"}"
    [ "$STATUS" = 200 ]
    jq_is '. == {"success":true}'
    # now a stranger to the group: it is not found
    api POST /api/v1/rooms.leave "{\"roomId\":\"$RID\"}"
    fails_with 400 error-room-not-found
    as alice
    api POST /api/v1/rooms.leave '{"roomName":"r-leave"}'
    fails_with 400 error-you-are-last-owner
    mkroom c r-leave-c
    as bob
    api POST /api/v1/rooms.leave "{\"roomId\":\"$RID\"}"
    fails_with 400 error-user-not-in-room
    api POST /api/v1/rooms.leave '{}'
    fails_with 400 error-roomid-param-not-provided
    for v in '12' 'true' 'null' '["x"]' '{}'; do
        api POST /api/v1/rooms.leave "{\"roomId\":$v}"
        [ "$STATUS" = 400 ] || { echo "roomId $v -> $STATUS"; return 1; }
        api POST /api/v1/rooms.leave "{\"roomName\":$v}"
        [ "$STATUS" = 400 ] || { echo "roomName $v -> $STATUS"; return 1; }
    done
}
