#!/usr/bin/env bats
# rcctl/cmd/hook.c against a real rcd: hook post through a webhook URL
# from --url-file and from $RCCTL_WEBHOOK_URL (never argv, token never in
# -v output), and integration create/list/remove.

load helpers

setup_file() { rcd_file_start; }
teardown_file() { rcd_file_stop; }
setup() {
    rcd_test_env
    cd "$BATS_TEST_TMPDIR"
}

# skip only while rcd truly lacks the endpoint
need_integrations() {
    admin_api GET /api/v1/integrations.list
    [ "$STATUS" != 404 ] || skip "rcd: integrations not there yet"
}
# mkhook NAME CHANNEL: as the admin, an incoming hook; HOOK_ID, HOOK_URL
mkhook() {
    create_user "$1-bot" "pw-$1-bot-0123"
    admin_api POST /api/v1/integrations.create "$(jq -nc --arg n "$1" --arg c "$2" --arg u "$1-bot" \
        '{type:"webhook-incoming",name:$n,enabled:true,username:$u,channel:$c,scriptEnabled:false}')"
    [ "$STATUS" = 200 ] || { echo "$BODY" >&2; false; }
    HOOK_ID=$(jq -r .integration._id <<<"$BODY")
    HOOK_TOKEN=$(jq -r .integration.token <<<"$BODY")
    HOOK_URL="$RCD_URL/hooks/$HOOK_ID/$HOOK_TOKEN"
}
mkchan() {
    admin_api POST /api/v1/channels.create "{\"name\":\"$1\"}"
    [ "$STATUS" = 200 ] || { echo "$BODY" >&2; false; }
    jq -r .channel._id <<<"$BODY"
}

@test "hook post through --url-file; -v shows the request, never the token" {
    need_integrations
    rid=$(mkchan hk-file)
    mkhook hk1 '#hk-file'
    printf '%s\n' "$HOOK_URL" >url
    run_rcctl hook post --url-file url 'hello, hook' -v
    [ "$status" = 0 ] || { show; false; }
    grep -q "POST /hooks/$HOOK_ID/<redacted>" <<<"$stderr" || { show; false; }
    ! grep -qF "$HOOK_TOKEN" <<<"$stderr$output"
    [ "$(texts "$rid")" = "hello, hook" ]
    run_rcctl hook post --url-file url 'twice' -vv
    [ "$status" = 0 ] || { show; false; }
    ! grep -qF "$HOOK_TOKEN" <<<"$stderr$output"
}

@test "hook post with RCCTL_WEBHOOK_URL, text from stdin, alias and emoji" {
    need_integrations
    rid=$(mkchan hk-env)
    mkhook hk2 '#hk-env'
    printf 'line one\nline two\n' >text
    RCCTL_WEBHOOK_URL=$HOOK_URL run_rcctl_in text hook post --alias CI --emoji :robot: -
    [ "$status" = 0 ] || { show; false; }
    [ "$(texts "$rid")" = $'line one\nline two' ]
    admin_api GET "/api/v1/channels.messages?roomId=$rid&count=100"
    jq -e '[.messages[] | select(.t == null)][0] | .alias == "CI" and .emoji == ":robot:"' <<<"$BODY"
}

@test "hook post: a wrong token fails (never exit 0) without showing it" {
    need_integrations
    mkchan hk-bad >/dev/null
    mkhook hk3 '#hk-bad'
    printf '%s\n' "$RCD_URL/hooks/$HOOK_ID/wrongtoken123" >url
    run_rcctl hook post --url-file url 'nope' -v
    [ "$status" != 0 ] || { show; false; }
    ! grep -q wrongtoken123 <<<"$stderr$output"
}

@test "hook post wants the URL from a file or the environment, not argv" {
    run_rcctl hook post 'text'
    [ "$status" = 2 ]
    grep -q 'never on the command line' <<<"$stderr"
    echo 'not a url' >url
    run_rcctl hook post --url-file url 'text'
    [ "$status" = 2 ]
    run_rcctl hook post --url-file missing 'text'
    [ "$status" = 1 ]
    run_rcctl hook post --url http://x/hooks/a/b 'text'
    [ "$status" != 0 ]
}

@test "integration create (URL to a 0600 file), list, remove" {
    need_integrations
    rid=$(mkchan hk-int)
    create_user hk-bot pw-hk-bot-0123
    login_rcd_admin
    run_rcctl integration create ci-hook --channel '#hk-int' --username hk-bot --url-file hook.url -o json
    [ "$status" = 0 ] || { show; false; }
    id=$(jq -r ._id <<<"$output")
    [ -n "$id" ] && [ "$id" != null ]
    [ "$(jq -r .token <<<"$output")" = null ]
    [ "$(stat -c %a hook.url)" = 600 ]
    grep -q "^$RCD_URL/hooks/$id/" hook.url
    run_rcctl hook post --url-file hook.url 'via the new hook'
    [ "$status" = 0 ] || { show; false; }
    [ "$(texts "$rid")" = "via the new hook" ]

    run_rcctl integration list -o json
    [ "$status" = 0 ] || { show; false; }
    jq -e --arg id "$id" 'any(.[]; ._id == $id and .name == "ci-hook") and all(.[]; has("token") | not)' <<<"$output"
    run_rcctl integration list -o tsv
    grep -q "ci-hook" <<<"$output"

    run_rcctl integration remove ci-hook --dry-run
    [ "$status" = 0 ] || { show; false; }
    run_rcctl integration remove ci-hook
    [ "$status" = 2 ]   # no --yes, no terminal
    run_rcctl integration remove ci-hook --yes
    [ "$status" = 0 ] || { show; false; }
    grep -q "removed the integration 'ci-hook'" <<<"$stderr"
    run_rcctl integration list -o json
    jq -e --arg id "$id" 'all(.[]; ._id != $id)' <<<"$output"
    # gone: unchanged, and the URL stops working
    run_rcctl integration remove "$id" --yes
    [ "$status" = 0 ] || { show; false; }
    grep -q "1 unchanged" <<<"$stderr" || { show; false; }
    run_rcctl hook post --url-file hook.url 'after removal'
    [ "$status" != 0 ]
}

@test "integration create: usage and server errors" {
    need_integrations
    login_rcd_admin
    run_rcctl integration create x --channel nohash --username admin
    [ "$status" = 2 ]
    run_rcctl integration create x --channel '#no-such-room-hk' --username admin
    [ "$status" != 0 ] || { show; false; }
    [ "$status" != 2 ]
}
