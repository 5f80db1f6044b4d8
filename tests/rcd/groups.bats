#!/usr/bin/env bats
# The groups.* endpoints (rcd/api/groups.c, rcd/api/roomutil.c): create,
# info, list, listAll, members, kick, invite, leave, owners, moderators,
# archive, unarchive, rename, setTopic and friends, setType, delete. A group
# is invisible to non-members, admins included (see also visibility.bats).

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

# mkgroup NAME [EXTRA_JSON]: create a group as the caller; GID holds its id.
mkgroup() {
    api POST /api/v1/groups.create \
        "$(jq -nc --arg n "$1" --argjson x "${2:-{\}}" '{name:$n} + $x')"
    [ "$STATUS" = 200 ] || { echo "mkgroup $1: $STATUS $BODY" >&2; return 1; }
    GID=$(jq -r .group._id <<<"$BODY")
}

# ginfo ID: groups.info as alice, the creator of every group here.
ginfo() {
    AUTH_UID=$ALICE_UID AUTH_TOKEN=$ALICE_TOKEN api GET "/api/v1/groups.info?roomId=$1"
}

fails_with() {
    [ "$STATUS" = "$1" ] || { echo "status $STATUS, body $BODY" >&2; return 1; }
    jq_is ".success == false and .errorType == \"$2\""
}

not_found_group() {
    fails_with 400 error-room-not-found
    jq_is '.error == "The required \"roomId\" or \"roomName\" param provided does not match any group [error-room-not-found]"'
}

wrong_values() {
    case $1 in
    s) printf '%s\n' '{"$ne":""}' '["x"]' '12' 'true' 'null' '"a\u0000b"' ;;
    b) printf '%s\n' '"true"' '1' '{}' '[]' 'null' ;;
    o) printf '%s\n' '"x"' '[]' '1' 'null' ;;
    a) printf '%s\n' '"x"' '{}' '1' 'null' '[1]' '[{"$ne":1}]' ;;
    esac
}

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

@test "every groups endpoint without credentials is 401" {
    AUTH_UID= AUTH_TOKEN=
    for r in "POST create" "GET info?roomId=x" "GET list" "GET listAll" \
             "GET members?roomId=x" "POST kick" "POST invite" "POST leave" \
             "POST addOwner" "POST removeOwner" "POST addModerator" \
             "POST removeModerator" "POST archive" "POST unarchive" \
             "POST rename" "POST setTopic" "POST setType" "POST delete"; do
        api "${r%% *}" "/api/v1/groups.${r#* }" '{}'
        [ "$STATUS" = 401 ] || { echo "$r -> $STATUS"; return 1; }
    done
}

# ---- groups.create ----

@test "groups.create makes a private group owned by its creator" {
    mkgroup g-create '{"members":["bob","ghost"]}'
    jq_is '.group.t == "p" and .group.msgs == 0 and .group.name == "g-create"'
    jq_is '.group.usersCount == 2'
    api GET "/api/v1/subscriptions.getOne?roomId=$GID"
    jq_is '.subscription.roles == ["owner"] and .subscription.t == "p"'
}

@test "groups.create errors use Rocket.Chat's Body param wording" {
    api POST /api/v1/groups.create '{}'
    [ "$STATUS" = 400 ]
    jq_is '.error == "Body param \"name\" is required"'
    api POST /api/v1/groups.create '{"name":"g-x","members":"bob"}'
    jq_is '.error == "Body param \"members\" must be an array if provided"'
    api POST /api/v1/groups.create '{"name":"g-x","customFields":1}'
    jq_is '.error == "Body param \"customFields\" must be an object if provided"'
    api POST /api/v1/groups.create '{"name":"g-x","extraData":"x"}'
    jq_is '.error == "Body param \"extraData\" must be an object if provided"'
    types_400 /api/v1/groups.create '{"name":"g-types"}' name:s readOnly:b \
        excludeSelf:b members:a customFields:o extraData:o
}

@test "groups.create shares the name space with channels, case-insensitively" {
    api POST /api/v1/channels.create '{"name":"shared-name"}'
    [ "$STATUS" = 200 ]
    api POST /api/v1/groups.create '{"name":"Shared-Name"}'
    fails_with 400 error-duplicate-channel-name
    api POST /api/v1/groups.create '{"name":"no good"}'
    fails_with 400 error-invalid-room-name
}

@test "groups.create without create-p is error-not-allowed" {
    as gus
    api POST /api/v1/groups.create '{"name":"g-guest"}'
    fails_with 400 error-not-allowed
    jq_is '.details.method == "createPrivateGroup"'
}

# ---- reading ----

@test "groups.info answers members by id or name, archived included" {
    mkgroup g-info '{"members":["bob"]}'
    as bob
    api GET /api/v1/groups.info?roomName=g-info
    [ "$STATUS" = 200 ]
    jq_is ".group._id == \"$GID\" and .group.t == \"p\""
    as alice
    api POST /api/v1/groups.archive "{\"roomId\":\"$GID\"}"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/groups.info?roomId=$GID"
    [ "$STATUS" = 200 ]
    jq_is '.group.archived == true'
}

@test "groups.info without roomId or roomName is error-room-param-not-provided" {
    api GET /api/v1/groups.info
    fails_with 400 error-room-param-not-provided
    jq_is '.error == "The parameter \"roomId\" or \"roomName\" is required [error-room-param-not-provided]"'
    api GET '/api/v1/groups.info?roomId=&roomName='
    fails_with 400 error-room-param-not-provided
    api GET '/api/v1/groups.info?roomId='
    not_found_group
}

@test "groups.info of a channel, a missing room or a foreign group is not found" {
    mkgroup g-foreign
    api POST /api/v1/channels.create '{"name":"c-not-group"}'
    cid=$(jq -r .channel._id <<<"$BODY")
    api GET "/api/v1/groups.info?roomId=$cid"
    not_found_group
    api GET "/api/v1/groups.info?roomId=nope"
    not_found_group
    for who in bob admin; do
        as "$who"
        api GET "/api/v1/groups.info?roomId=$GID"
        not_found_group
        api GET /api/v1/groups.info?roomName=g-foreign
        not_found_group
    done
}

@test "groups.list lists the caller's groups; listAll is the admin's" {
    mkgroup g-list-1 '{"members":["carol"]}'
    mkgroup g-list-2
    as carol
    api GET /api/v1/groups.list
    [ "$STATUS" = 200 ]
    jq_is '.total == 1 and .count == 1 and .offset == 0 and .groups[0].name == "g-list-1"'
    api GET /api/v1/groups.listAll
    [ "$STATUS" = 403 ]
    jq_is '.error == "User does not have the permissions required for this action [error-unauthorized]"'
    as admin
    api GET '/api/v1/groups.listAll?count=100'
    [ "$STATUS" = 200 ]
    jq_is '[.groups[].name] | index("g-list-1") and index("g-list-2")'
    jq_is 'all(.groups[]; .t == "p")'
    api GET '/api/v1/groups.listAll?count=1&offset=1'
    jq_is '.count == 1 and .offset == 1 and .total >= 2'
    as dave
    api GET /api/v1/groups.list
    jq_is '.groups == [] and .total == 0'
}

@test "groups.members lists members for members only" {
    mkgroup g-members '{"members":["bob","carol"]}'
    as bob
    api GET "/api/v1/groups.members?roomId=$GID"
    [ "$STATUS" = 200 ]
    jq_is '.total == 3 and [.members[].username] == ["alice","bob","carol"]'
    api GET "/api/v1/groups.members?roomId=$GID&filter=ali&count=1"
    jq_is '.total == 1 and .count == 1 and .members[0].username == "alice"'
    as dave
    api GET "/api/v1/groups.members?roomId=$GID"
    not_found_group
}

# ---- membership ----

@test "groups.invite adds members with au messages and answers the group" {
    mkgroup g-invite
    api POST /api/v1/groups.invite "{\"roomId\":\"$GID\",\"usernames\":[\"bob\",\"carol\"]}"
    [ "$STATUS" = 200 ]
    jq_is '.group.usersCount == 3 and .group.msgs == 2 and .group.lastMessage.t == "au"'
    api POST /api/v1/groups.invite "{\"roomId\":\"$GID\",\"username\":\"ghost\"}"
    fails_with 400 error-empty-invite-list
    jq_is '.error == "Cannot invite if no valid users are provided [error-empty-invite-list]"'
    api POST /api/v1/groups.invite "{\"roomId\":\"$GID\"}"
    fails_with 400 error-users-params-not-provided
    # a plain member lacks add-user-to-joined-room
    as bob
    api POST /api/v1/groups.invite "{\"roomId\":\"$GID\",\"username\":\"dave\"}"
    fails_with 400 error-not-allowed
    types_400 /api/v1/groups.invite "{\"roomId\":\"$GID\",\"username\":\"dave\"}" \
        roomId:s roomName:s userId:s username:s user:s userIds:a usernames:a
}

@test "groups.invite: a holder of add-user-to-any-p-room needs no membership" {
    mkgroup g-invite-admin
    # an outsider without the permission sees a missing group
    as carol
    api POST /api/v1/groups.invite "{\"roomId\":\"$GID\",\"username\":\"carol\"}"
    not_found_group
    # an admin is no member and by default (the permission has no roles)
    # the group stays missing to it too
    as admin
    api POST /api/v1/groups.invite "{\"roomId\":\"$GID\",\"username\":\"bob\"}"
    not_found_group
    # with add-user-to-any-p-room it may add people, itself included
    api POST /api/v1/permissions.update '{"permissions":[{"_id":"add-user-to-any-p-room","roles":["admin"]}]}'
    [ "$STATUS" = 200 ]
    api POST /api/v1/groups.invite "{\"roomId\":\"$GID\",\"username\":\"bob\"}"
    [ "$STATUS" = 200 ]
    jq_is '.group.usersCount == 2 and .group.lastMessage.t == "au"'
    api GET "/api/v1/groups.info?roomId=$GID"
    not_found_group
    api POST /api/v1/groups.invite "{\"roomName\":\"g-invite-admin\",\"username\":\"admin\"}"
    [ "$STATUS" = 200 ]
    api GET "/api/v1/groups.info?roomId=$GID"
    [ "$STATUS" = 200 ]
    jq_is '.group.usersCount == 3'
    api POST /api/v1/permissions.update '{"permissions":[{"_id":"add-user-to-any-p-room","roles":[]}]}'
    [ "$STATUS" = 200 ]
}

@test "groups.kick answers success only; the last owner cannot be kicked" {
    mkgroup g-kick '{"members":["bob"]}'
    api POST /api/v1/groups.kick "{\"roomId\":\"$GID\",\"username\":\"bob\"}"
    [ "$STATUS" = 200 ]
    jq_is '. == {"success":true}'
    ginfo "$GID"
    jq_is '.group.usersCount == 1 and .group.msgs == 1 and .group.lastMessage.t == "ru"'
    # bob is out: the group is now invisible to him
    as bob
    api GET "/api/v1/groups.info?roomId=$GID"
    not_found_group
    as alice
    api POST /api/v1/groups.invite "{\"roomId\":\"$GID\",\"username\":\"bob\"}"
    api POST /api/v1/groups.addModerator "{\"roomId\":\"$GID\",\"username\":\"bob\"}"
    as bob
    api POST /api/v1/groups.kick "{\"roomId\":\"$GID\",\"username\":\"alice\"}"
    fails_with 400 error-you-are-last-owner
    types_400 /api/v1/groups.kick "{\"roomId\":\"$GID\",\"username\":\"alice\"}" \
        roomId:s roomName:s userId:s username:s user:s
}

@test "groups.leave: success for members, refused for the last owner" {
    mkgroup g-leave '{"members":["bob"]}'
    as bob
    api POST /api/v1/groups.leave "{\"roomId\":\"$GID\"}"
    [ "$STATUS" = 200 ]
    jq_is '. == {"success":true}'
    api POST /api/v1/groups.leave "{\"roomId\":\"$GID\"}"
    not_found_group
    as alice
    api POST /api/v1/groups.leave "{\"roomId\":\"$GID\"}"
    fails_with 400 error-you-are-last-owner
    ginfo "$GID"
    jq_is '.group.lastMessage.t == "ul" and .group.usersCount == 1'
    types_400 /api/v1/groups.leave "{\"roomId\":\"$GID\"}" roomId:s roomName:s
}

@test "groups owners and moderators follow the channel rules" {
    mkgroup g-roles '{"members":["bob"]}'
    api POST /api/v1/groups.addOwner "{\"roomId\":\"$GID\",\"username\":\"bob\"}"
    [ "$STATUS" = 200 ]
    api POST /api/v1/groups.addOwner "{\"roomId\":\"$GID\",\"username\":\"bob\"}"
    fails_with 400 error-user-already-owner
    api POST /api/v1/groups.removeOwner "{\"roomId\":\"$GID\",\"username\":\"alice\"}"
    [ "$STATUS" = 200 ]
    as bob
    api POST /api/v1/groups.removeOwner "{\"roomId\":\"$GID\",\"username\":\"bob\"}"
    fails_with 400 error-remove-last-owner
    api POST /api/v1/groups.addModerator "{\"roomId\":\"$GID\",\"username\":\"alice\"}"
    [ "$STATUS" = 200 ]
    api POST /api/v1/groups.removeModerator "{\"roomId\":\"$GID\",\"username\":\"alice\"}"
    [ "$STATUS" = 200 ]
    as alice
    api POST /api/v1/groups.addOwner "{\"roomId\":\"$GID\",\"username\":\"alice\"}"
    fails_with 400 error-not-allowed
    ginfo "$GID"
    jq_is '.group.msgs == 4 and .group.lastMessage.t == "subscription-role-removed" and .group.lastMessage.role == "moderator"'
}

@test "groups.roles answers members only" {
    mkgroup g-roles-list '{"members":["bob"]}'
    as bob
    api GET "/api/v1/groups.roles?roomName=g-roles-list"
    [ "$STATUS" = 200 ]
    jq_is '[.roles[] | [.u.username, .roles]] == [["alice",["owner"]]]'
    as carol
    api GET "/api/v1/groups.roles?roomId=$GID"
    not_found_group
}

# ---- settings ----

@test "groups.archive and unarchive" {
    mkgroup g-archive '{"members":["bob"]}'
    api POST /api/v1/groups.archive "{\"roomId\":\"$GID\"}"
    [ "$STATUS" = 200 ]
    api POST /api/v1/groups.archive "{\"roomId\":\"$GID\"}"
    fails_with 400 error-room-archived
    jq_is '.error == "The private group, g-archive, is archived [error-room-archived]"'
    api POST /api/v1/groups.kick "{\"roomId\":\"$GID\",\"username\":\"bob\"}"
    fails_with 400 error-room-archived
    api POST /api/v1/groups.unarchive "{\"roomId\":\"$GID\"}"
    fails_with 400 error-not-authorized
    # an admin is no member: the group stays hidden even from it
    as admin
    api POST /api/v1/groups.unarchive "{\"roomId\":\"$GID\"}"
    not_found_group
    as alice
    api POST /api/v1/groups.invite "{\"roomId\":\"$GID\",\"username\":\"admin\"}"
    [ "$STATUS" = 200 ]
    as admin
    api POST /api/v1/groups.unarchive "{\"roomId\":\"$GID\"}"
    [ "$STATUS" = 200 ]
    ginfo "$GID"
    jq_is '(.group | has("archived") | not) and .group.lastMessage.t == "room-unarchived"'
}

@test "groups.rename, setTopic and setType" {
    mkgroup g-rename '{"members":["bob"]}'
    api POST /api/v1/groups.rename "{\"roomId\":\"$GID\",\"name\":\"g-renamed\"}"
    [ "$STATUS" = 200 ]
    jq_is '.group.name == "g-renamed" and .group.msgs == 1 and .group.lastMessage.t == "r"'
    api POST /api/v1/groups.rename "{\"roomId\":\"$GID\",\"name\":\"all\"}"
    fails_with 400 error-field-unavailable
    api POST /api/v1/groups.setTopic "{\"roomName\":\"g-renamed\",\"topic\":\"t1\"}"
    jq_is '. == {"topic":"t1","success":true}'
    as bob
    api POST /api/v1/groups.setTopic "{\"roomId\":\"$GID\",\"topic\":\"t2\"}"
    fails_with 400 error-action-not-allowed
    as alice
    api POST /api/v1/groups.setType "{\"roomId\":\"$GID\",\"type\":\"p\"}"
    jq_is '.error == "The private group type is the same as what it would be changed to."'
    api POST /api/v1/groups.setType "{\"roomId\":\"$GID\",\"type\":\"c\"}"
    [ "$STATUS" = 200 ]
    jq_is '.group.t == "c" and .group.lastMessage.msg == "public"'
    as dave
    api GET "/api/v1/channels.info?roomId=$GID"
    [ "$STATUS" = 200 ]
    types_400 /api/v1/groups.rename '{"roomId":"x","name":"y"}' roomId:s roomName:s name:s
    types_400 /api/v1/groups.setTopic '{"roomId":"x","topic":"y"}' roomId:s topic:s
    types_400 /api/v1/groups.setType '{"roomId":"x","type":"c"}' type:s
}

# ---- groups.delete ----

@test "groups.delete: owners may, plain members and outsiders may not" {
    mkgroup g-delete '{"members":["bob"]}'
    as bob
    api POST /api/v1/groups.delete "{\"roomId\":\"$GID\"}"
    fails_with 400 error-not-allowed
    as admin
    api POST /api/v1/groups.delete "{\"roomId\":\"$GID\"}"
    not_found_group
    as alice
    api POST /api/v1/groups.delete "{\"roomId\":\"$GID\"}"
    [ "$STATUS" = 200 ]
    as bob
    api GET "/api/v1/subscriptions.getOne?roomId=$GID"
    jq_is '.subscription == null'
    types_400 /api/v1/groups.delete '{"roomId":"x"}' roomId:s roomName:s
}
