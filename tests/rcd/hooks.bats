#!/usr/bin/env bats
# POST/GET /hooks/<integrationId>/<token> (and the legacy
# /hooks/<integrationId>/<userId>/<token>): incoming webhooks posting as
# the integration's user (rcd/api/integrations.c).

load ../lib/rcd
load ../lib/rooms

setup_file() {
    rcd_start
    login_as admin "$ADMIN_PASS"
    export ADMIN_UID=$AUTH_UID ADMIN_TOKEN=$AUTH_TOKEN
    mkuser alice
    mkuser poster
    as alice
    mkroom c hook-pub
    export PUB=$RID
    mkroom c CHANNEL-NAME
    export SEEDROOM=$RID
    mkroom p hook-secret
    export PRIV=$RID
    as admin
}
teardown_file() { rcd_stop; }
setup() { as admin; }

# mkhook CHANNEL [EXTRA_JSON]: create an incoming hook posting as poster;
# HID, HTOKEN, HURL.
mkhook() {
    api POST /api/v1/integrations.create "$(jq -nc --arg c "$1" --argjson x "${2:-{\}}" \
        '{type:"webhook-incoming", name:"h", enabled:true, username:"poster", channel:$c, scriptEnabled:false} + $x')"
    [ "$STATUS" = 200 ] || { echo "mkhook: $STATUS $BODY" >&2; return 1; }
    HID=$(jq -r .integration._id <<<"$BODY")
    HTOKEN=$(jq -r .integration.token <<<"$BODY")
    HURL="$RCD_URL/hooks/$HID/$HTOKEN"
}

# hookpost URL [curl args...]: STATUS and BODY of a raw curl call.
hookpost() {
    local url=$1; shift
    STATUS=$(curl -s -o "$RCD_DIR/hook.body" -w '%{http_code}' "$@" "$url")
    BODY=$(cat "$RCD_DIR/hook.body")
}

# last RID: the newest message of a room, as admin (channels) or alice.
last() {
    as alice
    api GET "/api/v1/channels.history?roomId=$1&count=1"
    [ "$STATUS" = 200 ] || api GET "/api/v1/groups.history?roomId=$1&count=1"
    BODY=$(jq -c '.messages[0]' <<<"$BODY")
}

@test "the seed's JSON curl line posts, auto-joining the channel" {
    mkhook "#hook-pub" '{"overrideDestinationChannelEnabled":true}'
    hookpost "$HURL" --request POST \
        --header 'Content-Type: application/json' \
        --data '{ "channel": "CHANNEL-NAME", "text": "Test message" }'
    [ "$STATUS" = 200 ]
    jq_is '. == {success:true}'
    last "$SEEDROOM"
    jq_is '.msg == "Test message" and .u.username == "poster"'
    jq_is ".bot == {i: \"$HID\"}"
    as alice
    api GET "/api/v1/channels.members?roomId=$SEEDROOM"
    jq_is '[.members[].username] | index("poster")'
}

@test "the seed's text-only curl line and the form payload= line" {
    mkhook "#hook-pub" '{"alias":"Deploy","emoji":":rocket:"}'
    hookpost "$HURL" --header "Content-Type: application/json" \
        --data '{ "text": ":hammer_pick: Was habt ihr für heute geplant? :hammer_pick:" }'
    [ "$STATUS" = 200 ]
    last "$PUB"
    jq_is '.msg == ":hammer_pick: Was habt ihr für heute geplant? :hammer_pick:"'
    jq_is '.alias == "Deploy" and .emoji == ":rocket:" and .groupable == false'
    hookpost "$HURL" --data 'payload={"text":"from a form","attachments":[{"title":"t","msg":" hi "}]}'
    [ "$STATUS" = 200 ]
    jq_is '. == {success:true}'
    last "$PUB"
    jq_is '.msg == "from a form" and .attachments == [{title:"t", text:"hi"}]'
    hookpost "$HURL" --data 'payload={"text":'
    [ "$STATUS" = 400 ]
    jq_is '.success == false and (.error | type == "string")'
}

@test "payload fields: username/icon_url override the hook defaults" {
    mkhook "#hook-pub" '{"alias":"Deploy","emoji":":rocket:"}'
    hookpost "$HURL" -H 'Content-Type: application/json' \
        -d '{"msg":"  spaced  ","username":"CI","icon_url":"https://example.com/a.png"}'
    [ "$STATUS" = 200 ]
    last "$PUB"
    jq_is '.msg == "spaced" and .alias == "CI" and .avatar == "https://example.com/a.png" and (has("emoji") | not)'
}

@test "GET and the legacy userId form authenticate too" {
    mkhook "#hook-pub"
    hookpost "$HURL"
    [ "$STATUS" = 200 ]
    jq_is '. == {success:true}'
    hookpost "$RCD_URL/hooks/$HID/$POSTER_UID/$HTOKEN" -H 'Content-Type: application/json' -d '{"text":"legacy"}'
    [ "$STATUS" = 200 ]
    last "$PUB"
    jq_is '.msg == "legacy"'
    hookpost "$RCD_URL/hooks/$HTOKEN"
    [ "$STATUS" = 404 ]
}

@test "wrong token or id: 404 Invalid integration id or token provided." {
    mkhook "#hook-pub"
    # change the last character (to one it is not: 1 token in 64 ends in x)
    local last=x
    [ "${HTOKEN: -1}" = x ] && last=y
    hookpost "$RCD_URL/hooks/$HID/${HTOKEN%?}$last" -H 'Content-Type: application/json' -d '{"text":"x"}'
    [ "$STATUS" = 404 ]
    jq_is '. == {success:false, error:"Invalid integration id or token provided."}'
    hookpost "$RCD_URL/hooks/$HID/short" -d '{"text":"x"}'
    [ "$STATUS" = 404 ]
    hookpost "$RCD_URL/hooks/nope/$HTOKEN" -d '{"text":"x"}'
    [ "$STATUS" = 404 ]
    jq_is '.error == "Invalid integration id or token provided."'
}

@test "disabled hook: 503 Service Unavailable" {
    mkhook "#hook-pub" '{"enabled":false}'
    hookpost "$HURL" -H 'Content-Type: application/json' -d '{"text":"x"}'
    [ "$STATUS" = 503 ]
    jq_is '. == {success:false, error:"Service Unavailable"}'
}

@test "channel/roomId need overrideDestinationChannelEnabled" {
    mkhook "#hook-pub"
    hookpost "$HURL" -H 'Content-Type: application/json' -d '{"text":"x","channel":"#hook-pub"}'
    [ "$STATUS" = 400 ]
    jq_is '. == {success:false, error:"overriding destination channel is disabled for this integration"}'
    hookpost "$HURL" -H 'Content-Type: application/json' -d "{\"text\":\"x\",\"roomId\":\"$PUB\"}"
    [ "$STATUS" = 400 ]
    jq_is '.error == "overriding destination channel is disabled for this integration"'
    mkhook "#hook-pub" '{"overrideDestinationChannelEnabled":true}'
    hookpost "$HURL" -H 'Content-Type: application/json' -d "{\"text\":\"by id\",\"roomId\":[\"$PUB\",\"$PUB\"],\"separateResponse\":true}"
    [ "$STATUS" = 200 ]
    jq_is '.success == true and (.responses | length == 1) and .responses[0].message.msg == "by id"'
    hookpost "$HURL" -H 'Content-Type: application/json' -d '{"text":"to alice","channel":"@alice"}'
    [ "$STATUS" = 200 ]
    hookpost "$HURL" -H 'Content-Type: application/json' -d '{"text":"x","channel":"#no-such-room"}'
    [ "$STATUS" = 400 ]
    jq_is '. == {success:false, error:"invalid-channel"}'
    hookpost "$HURL" -H 'Content-Type: application/json' -d '{"text":"x","channel":"no-such-room"}'
    [ "$STATUS" = 400 ]
    jq_is '. == {success:false, error:"invalid-channel"}'
}

@test "a private group the post-as user is not in: error-not-allowed" {
    mkhook "#hook-pub" '{"overrideDestinationChannelEnabled":true}'
    hookpost "$HURL" -H 'Content-Type: application/json' -d '{"text":"x","channel":"#hook-secret"}'
    [ "$STATUS" = 400 ]
    jq_is '. == {success:false, error:"error-not-allowed"}'
    as alice
    api GET "/api/v1/groups.members?roomId=$PRIV"
    jq_is '[.members[].username] | index("poster") | not'
    api POST /api/v1/groups.invite "{\"roomId\":\"$PRIV\",\"username\":\"poster\"}"
    [ "$STATUS" = 200 ]
    hookpost "$HURL" -H 'Content-Type: application/json' -d '{"text":"now a member","channel":"#hook-secret"}'
    [ "$STATUS" = 200 ]
    last "$PRIV"
    jq_is '.msg == "now a member"'
}

@test "a default target that is a private group works only for members" {
    as alice
    mkroom p hook-secret2
    local rid=$RID
    as admin
    # admin holds both manage permissions: no membership check on create
    api POST /api/v1/integrations.create '{"type":"webhook-incoming","name":"g","enabled":true,"username":"poster","channel":"#hook-secret2","scriptEnabled":false}'
    [ "$STATUS" = 200 ]
    HID=$(jq -r .integration._id <<<"$BODY"); HTOKEN=$(jq -r .integration.token <<<"$BODY")
    hookpost "$RCD_URL/hooks/$HID/$HTOKEN" -H 'Content-Type: application/json' -d '{"text":"x"}'
    [ "$STATUS" = 400 ]
    jq_is '. == {success:false, error:"error-not-allowed"}'
}

@test "empty body posts nothing; bad JSON and wrong types are 400" {
    mkhook "#hook-pub"
    hookpost "$HURL" -X POST -H 'Content-Type: application/json' -d '{}'
    [ "$STATUS" = 200 ]
    jq_is '. == {success:true}'
    hookpost "$HURL" -H 'Content-Type: application/json' -d '{"text":'
    [ "$STATUS" = 400 ]
    jq_is '.success == false'
    hookpost "$HURL" -H 'Content-Type: application/json' -d '{"text":5}'
    [ "$STATUS" = 400 ]
    jq_is '.success == false and (.error | test("text"))'
    hookpost "$HURL" -H 'Content-Type: application/json' -d '{"text":"x","attachments":[1]}'
    [ "$STATUS" = 400 ]
    hookpost "$HURL" -H 'Content-Type: application/json' -d '{"text":"ignored attachments","attachments":"nope"}'
    [ "$STATUS" = 200 ]
    last "$PUB"
    jq_is '.msg == "ignored attachments"'
}

@test "a removed integration answers 404" {
    mkhook "#hook-pub"
    api POST /api/v1/integrations.remove "{\"type\":\"webhook-incoming\",\"integrationId\":\"$HID\"}"
    [ "$STATUS" = 200 ]
    hookpost "$HURL" -H 'Content-Type: application/json' -d '{"text":"x"}'
    [ "$STATUS" = 404 ]
}

@test "the token never appears in rcd.log" {
    mkhook "#hook-pub"
    hookpost "$HURL" -H 'Content-Type: application/json' -d '{"text":"log check"}'
    [ "$STATUS" = 200 ]
    hookpost "$RCD_URL/hooks/$HID/$POSTER_UID/$HTOKEN" -d '{"text":"log check 2"}'
    hookpost "$RCD_URL/hooks/$HID/${HTOKEN%?}x" -d '{"text":"x"}'
    grep -q "/hooks/$HID/" "$RCD_DIR/rcd.log"
    ! grep -q "$HTOKEN" "$RCD_DIR/rcd.log"
    ! grep -q "${HTOKEN%?}" "$RCD_DIR/rcd.log"
    ! grep -q "$HTOKEN" "$RCD_DIR/rcd.out"
}
