#!/usr/bin/env bats
# subscriptions.get and subscriptions.getOne (rcd/api/subscriptions.c).

load ../lib/rcd

setup_file() {
    rcd_start
    login_as admin "$ADMIN_PASS"
    export ADMIN_UID=$AUTH_UID ADMIN_TOKEN=$AUTH_TOKEN
    for u in alice bob; do
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

iso_re='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$'

@test "subscriptions endpoints without credentials are 401" {
    AUTH_UID= AUTH_TOKEN=
    api GET /api/v1/subscriptions.get
    [ "$STATUS" = 401 ]
    api GET /api/v1/subscriptions.getOne?roomId=x
    [ "$STATUS" = 401 ]
}

@test "subscriptions.getOne shows the caller's subscription to a room" {
    api POST /api/v1/channels.create '{"name":"s-one","members":["bob"]}'
    rid=$(jq -r .channel._id <<<"$BODY")
    api GET "/api/v1/subscriptions.getOne?roomId=$rid"
    [ "$STATUS" = 200 ]
    jq_is ".subscription.rid == \"$rid\" and .subscription.u._id == \"$ALICE_UID\""
    jq_is '.subscription.u.username == "alice" and .subscription.name == "s-one"'
    jq_is '.subscription.fname == "s-one" and .subscription.t == "c" and .subscription.open == true'
    jq_is '.subscription.roles == ["owner"] and .subscription.unread == 0'
    jq_is ".subscription.ts | test(\"$iso_re\")"
    jq_is ".subscription._updatedAt | test(\"$iso_re\")"
    jq_is '.subscription | has("userMentions") and has("groupMentions") and has("alert")'
}

@test "subscriptions.getOne answers null for rooms the caller is not in, or that do not exist" {
    api POST /api/v1/groups.create '{"name":"s-hidden"}'
    gid=$(jq -r .group._id <<<"$BODY")
    as bob
    api GET "/api/v1/subscriptions.getOne?roomId=$gid"
    [ "$STATUS" = 200 ]
    jq_is '. == {"subscription":null,"success":true}'
    hidden=$BODY
    api GET "/api/v1/subscriptions.getOne?roomId=nope"
    [ "$BODY" = "$hidden" ]
}

@test "subscriptions.getOne without roomId is 400" {
    api GET /api/v1/subscriptions.getOne
    fails_with 400 invalid-params
    api GET '/api/v1/subscriptions.getOne?roomId='
    [ "$STATUS" = 400 ]
    jq_is '.error == "The '"'"'roomId'"'"' param is required"'
}

@test "subscriptions.get lists them all, or those changed or removed since a date" {
    as bob
    api GET /api/v1/subscriptions.get
    [ "$STATUS" = 200 ]
    jq_is '.remove == []'
    n=$(jq '.update | length' <<<"$BODY")
    as alice
    api POST /api/v1/channels.create '{"name":"s-since-a","members":["bob"]}'
    a=$(jq -r .channel._id <<<"$BODY")
    sleep 0.01
    since=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
    sleep 0.01
    api POST /api/v1/channels.create '{"name":"s-since-b","members":["bob"]}'
    b=$(jq -r .channel._id <<<"$BODY")
    api POST /api/v1/channels.kick "{\"roomId\":\"$a\",\"username\":\"bob\"}"
    [ "$STATUS" = 200 ]
    as bob
    api GET /api/v1/subscriptions.get
    jq_is "(.update | length) == $n + 1"
    api GET "/api/v1/subscriptions.get?updatedSince=$since"
    [ "$STATUS" = 200 ]
    jq_is "[.update[].rid] == [\"$b\"]"
    jq_is "[.remove[].rid] == [\"$a\"] and (.remove[0] | has(\"_id\") and has(\"_deletedAt\"))"
    api GET "/api/v1/subscriptions.get?updatedSince=garbage"
    fails_with 400 error-roomId-param-invalid
}

@test "a room change touches the subscriptions: rename shows up in updatedSince" {
    api POST /api/v1/channels.create '{"name":"s-touch","members":["bob"]}'
    rid=$(jq -r .channel._id <<<"$BODY")
    sleep 0.01
    since=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
    sleep 0.01
    api POST /api/v1/channels.rename "{\"roomId\":\"$rid\",\"name\":\"s-touched\"}"
    as bob
    api GET "/api/v1/subscriptions.get?updatedSince=$since"
    jq_is "[.update[] | select(.rid == \"$rid\") | .name] == [\"s-touched\"]"
}
