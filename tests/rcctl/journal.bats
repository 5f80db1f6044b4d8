#!/usr/bin/env bats
# rcctl/journal.c and rcctl/cmd/journal.c: every change is one NDJSON line
# in $XDG_STATE_HOME/rcctl/journal (dry runs and failures are not), and
# rcctl undo reverses what can be reversed and says what cannot.

load helpers

setup_file() { rcd_file_start; }
teardown_file() { rcd_file_stop; }
setup() {
    rcd_test_env
    J="$XDG_STATE_HOME/rcctl/journal"
}

lines() { if [ -f "$J" ]; then grep -c . "$J"; else echo 0; fi; }

@test "user deactivate writes one line with target, before and after; modes 0600 and 0700" {
    mkuser jr-a
    login_rcd_admin
    run_rcctl user deactivate jr-a
    [ "$status" = 0 ] || { show; false; }
    [ "$(lines)" = 1 ]
    e=$(cat "$J")
    jq -e --arg url "$RCD_URL" '.seq == 1 and .url == $url and .user == "admin"
        and .action == "deactivate" and .target.type == "user"
        and .target.name == "jr-a" and .before.active == true
        and .after.active == false and .reversible == true
        and .command == ["user", "deactivate", "jr-a"]
        and .undo.path == "/api/v1/users.setActiveStatus"
        and .undo.body.activeStatus == true
        and (.when | test("^20[0-9-]+T[0-9:.]+Z$"))' <<<"$e"
    [ "$(jq -r .target.id <<<"$e")" = "$(field jr-a ._id)" ]
    [ "$(stat -c %a "$J")" = 600 ]
    [ "$(stat -c %a "$(dirname "$J")")" = 700 ]
}

@test "a dry run and a failed change write no line" {
    mkuser jr-b
    login_rcd_admin
    run_rcctl user deactivate --dry-run jr-b
    [ "$status" = 0 ]
    run_rcctl user deactivate jr-no-such-user
    [ "$status" = 4 ] || { show; false; }
    run_rcctl settings set --dry-run Site_Name Other
    [ "$status" = 0 ]
    [ "$(lines)" = 0 ]
    [ "$(field jr-b .active)" = true ]
}

@test "undo of deactivate-idle reactivates exactly those users" {
    for u in old never-old recent; do mkuser "ji-$u" bot; done
    mkuser ji-off bot
    db "UPDATE users SET last_login = $(days_ago_ms 400) WHERE username IN ('ji-old', 'ji-off')"
    db "UPDATE users SET last_login = $(days_ago_ms 10) WHERE username = 'ji-recent'"
    db "UPDATE users SET created_at = $(days_ago_ms 400) WHERE username = 'ji-never-old'"
    db "UPDATE users SET active = 0 WHERE username = 'ji-off'"
    login_rcd_admin
    run_rcctl user deactivate-idle --days 365 --role bot --yes
    [ "$status" = 0 ] || { show; false; }
    [ "$(jq -r .target.name "$J" | sort | tr '\n' ' ')" = 'ji-never-old ji-old ' ]
    [ "$(jq -r .run "$J" | sort -u | wc -l)" = 1 ]
    run_rcctl undo last --dry-run
    [ "$status" = 0 ] || { show; false; }
    grep -q 'dry run: 2 to change' <<<"$stderr"
    [ "$(field ji-old .active)" = false ]
    run_rcctl undo last
    [ "$status" = 0 ] || { show; false; }
    grep -q '2 changed, 0 unchanged, 0 failed' <<<"$stderr"
    for u in old never-old recent; do [ "$(field ji-$u .active)" = true ]; done
    [ "$(field ji-off .active)" = false ]
    # the undo is journaled too, newest first, pointing at what it undid
    [ "$(tail -2 "$J" | jq -r .undo_of | tr '\n' ' ')" = '2 1 ' ]
    [ "$(tail -1 "$J" | jq -r .action)" = 'undo deactivate' ]
}

@test "undo of settings set restores the value" {
    login_rcd_admin
    run_rcctl settings get Site_Name -o json
    old=$(jq -r .value <<<"$output")
    run_rcctl settings set Site_Name 'Journal Test'
    [ "$status" = 0 ] || { show; false; }
    jq -e --arg old "$old" 'select(.action == "set") | .target.id == "Site_Name"
        and .before.value == $old and .after.value == "Journal Test"' "$J"
    run_rcctl undo last
    [ "$status" = 0 ] || { show; false; }
    run_rcctl settings get Site_Name -o json
    [ "$(jq -r .value <<<"$output")" = "$old" ]
}

@test "undo of room notify restores the notification preferences" {
    mkuser jn-u
    login_as jn-u "$(pw_of jn-u)"
    api POST /api/v1/channels.create '{"name":"jn-room"}'
    rid=$(jq -r .channel._id <<<"$BODY")
    printf '%s\n' "$(pw_of jn-u)" >"$BATS_TEST_TMPDIR/upw"
    run_rcctl login --url "$RCD_URL" --user jn-u --password-file "$BATS_TEST_TMPDIR/upw"
    [ "$status" = 0 ]
    run_rcctl room notify jn-room --desktop all --email nothing --hide-unread 1
    [ "$status" = 0 ] || { show; false; }
    jq -e 'select(.action == "notify") | .before.desktopNotifications == "default"
        and .after.desktopNotifications == "all" and .before.hideUnreadStatus == "0"' "$J"
    login_as jn-u "$(pw_of jn-u)"
    api GET "/api/v1/subscriptions.getOne?roomId=$rid"
    jq -e '.subscription.desktopNotifications == "all" and .subscription.hideUnreadStatus == true' <<<"$BODY"
    run_rcctl undo last
    [ "$status" = 0 ] || { show; false; }
    api GET "/api/v1/subscriptions.getOne?roomId=$rid"
    jq -e '.subscription.desktopPrefOrigin != "subscription"
           and .subscription.emailPrefOrigin != "subscription"
           and (.subscription.hideUnreadStatus // false) == false' <<<"$BODY" || { echo "$BODY"; false; }
    run_rcctl room notify jn-room --desktop default --email default --hide-unread 0
    grep -q '0 changed, 1 unchanged' <<<"$stderr" || { show; false; }
}

@test "undo of a delete says it cannot and why; mixed with a reversible one, exit 3" {
    mkuser jd-a
    mkuser jd-b
    login_rcd_admin
    run_rcctl user deactivate jd-b
    run_rcctl user delete --yes jd-a
    [ "$status" = 0 ] || { show; false; }
    jq -e 'select(.action == "delete") | .reversible == false
           and (.why_not | test("cannot be brought back"))' "$J"
    run_rcctl undo last
    [ "$status" = 1 ] || { show; false; }
    grep -q "cannot undo 2 (delete user 'jd-a'): a deleted user" <<<"$stderr"
    run_rcctl undo 1-2
    [ "$status" = 3 ] || { show; false; }
    [ "$(field jd-b .active)" = true ]
}

@test "undo refuses entries made on another server" {
    mkuser jo-a
    login_rcd_admin
    run_rcctl user deactivate jo-a
    sed -i "s#\"url\":\"$RCD_URL\"#\"url\":\"https://chat.example.com\"#" "$J"
    run_rcctl undo 1
    [ "$status" = 1 ] || { show; false; }
    grep -q "made on 'https://chat.example.com'" <<<"$stderr"
    [ "$(field jo-a .active)" = false ]
}

@test "concurrent -j workers and concurrent runs write whole lines with unique seqs" {
    login_rcd_admin
    names=$(for i in $(seq 1 12); do echo "jc-$i"; done)
    run_rcctl -j 8 channel create $names &
    rcctl_pid=$!
    "$RCCTL" -j 8 group create $(for i in $(seq 1 12); do echo "jg-$i"; done) \
        >/dev/null 2>&1
    wait $rcctl_pid
    [ "$(lines)" = 24 ]
    jq -c . "$J" >/dev/null   # every line is JSON
    [ "$(jq -r .seq "$J" | sort -n | tr '\n' ' ')" = "$(seq 1 24 | tr '\n' ' ')" ]
    [ "$(jq -r 'select(.target.type == "channel") | .target.name' "$J" | sort | tr '\n' ' ')" = "$(sort <<<"$names" | tr '\n' ' ')" ]
}

@test "journal lists entries with --last and --since, in json and tsv" {
    mkuser jl-a
    login_rcd_admin
    run_rcctl user deactivate jl-a
    run_rcctl user activate jl-a
    run_rcctl journal --last 1 -o json
    [ "$status" = 0 ] || { show; false; }
    [ "$(jq -r 'length, .[0].action' <<<"$output" | tr '\n' ' ')" = '1 activate ' ]
    run_rcctl journal --since 1h --no-header --columns seq,action
    [ "$output" = "$(printf '1\tdeactivate\n2\tactivate')" ]
    run_rcctl journal --since 2999-01-01 -o json
    [ "$output" = "[]" ]
    run_rcctl journal --since yesterday
    [ "$status" = 2 ]
}

@test "a secret setting's value stays out of the journal and cannot be undone" {
    login_rcd_admin
    run_rcctl settings set Accounts_RegistrationForm_SecretURL 'hunter2-secret'
    [ "$status" = 0 ] || { show; false; }
    ! grep -q hunter2 "$J"
    jq -e '.reversible == false and .after.value == "(secret)"
           and .before.value == "(secret)" and .command[-1] == "(secret)"' "$J"
    run_rcctl undo last
    [ "$status" = 1 ]
    grep -q 'the value is a secret' <<<"$stderr"
}
