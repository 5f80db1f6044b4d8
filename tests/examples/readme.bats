#!/usr/bin/env bats
# examples/README.md: every command in a ```sh rcctl-example block is
# extracted and run, in order, as written, against a real rcd holding the
# users, rooms and webhook the README says it assumes; then the changes
# they promise are checked on the server.

load ../rcctl/helpers

README=$TOP/examples/README.md

setup_file() { rcd_file_start; }
teardown_file() { rcd_file_stop; }
setup() {
    rcd_test_env
    PATH="$(dirname "$RCCTL"):$PATH"
    cd "$BATS_TEST_TMPDIR"
}

ok_api() { api "$@"; [ "$STATUS" = 200 ] || { echo "$1 $2: $STATUS $BODY" >&2; return 1; }; }

# the commands of the rcctl-example blocks, one a line, a trailing
# backslash joining a line to the next
examples() {
    awk '/^```sh rcctl-example$/ { on = 1; next }
         /^```/ { on = 0 }
         on && !/^[ \t]*(#|$)/ {
             if (sub(/\\$/, "")) { cont = cont $0; next }
             print cont $0; cont = ""
         }' "$README"
}

# What the README says the one-liners assume.
fixture() {
    export RC_URL=$RCD_URL
    printf '%s\n' "$ADMIN_PASS" >~/.rc-password
    local u
    for u in myuser linus userName bob sleepy; do create_user "$u" "Pw-$u-0123456789"; done
    db "UPDATE users SET last_login = $(( ($(date +%s) - 400 * 86400) * 1000 )) WHERE username = 'sleepy'"
    login_as bob "Pw-bob-0123456789"
    ok_api POST /api/v1/channels.create '{"name":"lostroom"}'
    login_as "$ADMIN_USER" "$ADMIN_PASS"
    ok_api POST /api/v1/channels.create '{"name":"myroom","members":["userName"]}'
    ok_api POST /api/v1/channels.create '{"name":"oldroom"}'
    ok_api POST /api/v1/groups.create '{"name":"mygroup","members":["linus"]}'
    ok_api POST /api/v1/groups.create '{"name":"oldgroup"}'
    # rcd, like Rocket.Chat, will not deactivate a room's last owner
    # without confirmRelinquish; the notes' accident is the database's
    db "UPDATE users SET active = 0 WHERE username = 'bob'"
    ok_api POST /api/v1/integrations.create '{"type":"webhook-incoming","name":"plan","enabled":true,"username":"admin","channel":"#myroom","scriptEnabled":false}'
    printf '%s/hooks/%s/%s\n' "$RCD_URL" "$(jq -r .integration._id <<<"$BODY")" \
        "$(jq -r .integration.token <<<"$BODY")" >~/.rc-hook
}

@test "README: the rcctl-example blocks hold the recipes, one command a line" {
    run examples
    [ "${#lines[@]}" -ge 30 ] || { echo "$output" >&2; false; }
    # each is an rcctl command (possibly after VAR=value assignments)
    for l in "${lines[@]}"; do
        [[ "$l" =~ ^rcctl\  || "$l" =~ ^RCCTL_[A-Z_]+=.*\ rcctl\  ]] || { echo "not an rcctl line: $l" >&2; false; }
    done
    # the joined continuation line is whole
    grep -qx 'rcctl room notify --all --type p .* --hide-mention 0' <<<"$output"
}

@test "README: every rcctl one-liner runs as written and does what it says" {
    fixture
    n=0
    while IFS= read -r cmd; do
        n=$((n + 1))
        run --separate-stderr bash -c "$cmd" </dev/null
        if [ "$status" != 0 ] || grep -q 'rcctl: error' <<<"$stderr"; then
            echo "README line failed ($status): $cmd" >&2; show; false
        fi
        no_sanitizer_report
        echo "$cmd" >>ran.txt
    done < <(examples)
    [ "$n" -ge 30 ]
    [ "$(wc -l <ran.txt)" = "$n" ]
    login_as "$ADMIN_USER" "$ADMIN_PASS"
    # log in: a profile with the token
    grep -q "url = $RCD_URL" "$CONFIG"
    # settings set
    ok_api GET /api/v1/settings/Accounts_RegistrationForm
    jq -e '.value == "Disabled"' <<<"$BODY"
    # user list to csv (the last run wins: every user)
    [ "$(head -1 login.csv)" = $'username,lastLogin\r' ]
    grep -q '^linus,' login.csv
    # deactivate, deactivate-idle
    ok_api GET /api/v1/users.info?username=myuser
    jq -e '.user.active == false' <<<"$BODY"
    ok_api GET /api/v1/users.info?username=sleepy
    jq -e '.user.active == false' <<<"$BODY"
    ok_api GET /api/v1/users.info?username=linus
    jq -e '.user.active == true' <<<"$BODY"
    # delete
    api GET /api/v1/channels.info?roomName=oldroom
    [ "$STATUS" = 400 ]
    api GET /api/v1/groups.info?roomName=oldgroup
    [ "$STATUS" = 400 ]
    # kick
    ok_api GET /api/v1/channels.members?roomName=myroom
    jq -e '[.members[].username] | index("userName") == null' <<<"$BODY"
    # add-owner and recover: linus owns mygroup and lostroom
    ok_api GET /api/v1/groups.roles?roomName=mygroup
    jq -e '[.roles[] | select(.u.username == "linus") | .roles[]] | index("owner")' <<<"$BODY"
    ok_api GET /api/v1/channels.roles?roomName=lostroom
    jq -e '[.roles[] | select(.u.username == "linus") | .roles[]] | index("owner")' <<<"$BODY"
    # the webhook's and the token's messages, and the exports holding them
    ok_api GET '/api/v1/channels.history?roomName=myroom&count=50'
    jq -e '[.messages[].msg] | index("Test message") and index(":hammer_pick: What are you planning for today? :hammer_pick:")' <<<"$BODY"
    [ -s ~/.rc-token ] && [ -s ~/.rc-user-id ]
    grep -q 'Test message' myroom.csv
    jq -e '[.[].text] | index("Test message")' myroom.json
}
