#!/usr/bin/env bats
# rcctl/cmd/role.c, the role group: role list, role members (paged).

load helpers

setup_file() {
    rcd_file_start OVERWRITE_SETTING_API_Upper_Count_Limit=2
}
teardown_file() { rcd_file_stop; }
setup() { rcd_test_env; }

@test "role list shows the built-in roles; csv reads back" {
    login_rcd_admin
    run_rcctl role list -o csv
    [ "$status" = 0 ] || { show; false; }
    python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
ids = {r["_id"]: r for r in rows}
for want in ("admin", "user", "bot", "guest", "moderator", "owner"):
    assert want in ids, want
assert ids["admin"]["scope"] == "Users" and ids["owner"]["scope"] == "Subscriptions"
assert ids["admin"]["protected"] == "true"
' <<<"$output"
    run_rcctl role list -o ids
    grep -qx admin <<<"$output"
}

@test "role members pages through every member (pages capped at 2)" {
    for u in rm1 rm2 rm3 rm4; do mkuser "$u" bot; done
    login_rcd_admin
    run_rcctl role members bot --columns username --no-header
    [ "$status" = 0 ] || { show; false; }
    [ "$(sort <<<"$output" | tr '\n' ' ')" = 'rm1 rm2 rm3 rm4 ' ]
    run_rcctl role members bot -o csv --columns username,emails.0.address
    [ "$(sed -n 2p <<<"$output")" = $'rm1,rm1@example.com\r' ]
}

@test "role members of a role without members prints only the header" {
    login_rcd_admin
    run_rcctl role members livechat-manager
    [ "$status" = 0 ] || { show; false; }
    [ "$output" = "$(printf '_id\tusername\tname\temails.0.address')" ]
}

@test "role members: unknown role 4 with nothing on stdout; plain user 5; no login 5" {
    login_rcd_admin
    run_rcctl role members no-such-role
    [ "$status" = 4 ] || { show; false; }
    [ -z "$output" ]
    mkuser rm5
    login_user rm5
    run_rcctl role members admin
    [ "$status" = 5 ] || { show; false; }
    [ -z "$output" ]
    run_rcctl role list
    [ "$status" = 0 ]    # roles.list needs no permission
    rm -f "$CONFIG"
    RCCTL_URL=$RCD_URL run_rcctl role list
    [ "$status" = 5 ]
    RCCTL_URL=$RCD_URL run_rcctl role members admin
    [ "$status" = 5 ]
    run_rcctl role members
    [ "$status" = 2 ]
}
