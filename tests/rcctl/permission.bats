#!/usr/bin/env bats
# rcctl/cmd/role.c, the permission group: permission list, grant, revoke
# (read with permissions.listAll, write with permissions.update).

load helpers

setup_file() { rcd_file_start; }
teardown_file() { rcd_file_stop; }
setup() { rcd_test_env; }

# roles_of PERM: the permission's roles, sorted, comma-separated
roles_of() {
    login_as "$ADMIN_USER" "$ADMIN_PASS"
    api GET /api/v1/permissions.listAll
    jq -r --arg p "$1" '.update[] | select(._id == $p) | .roles | sort | join(",")' <<<"$BODY"
}

@test "permission list shows every permission with its roles; csv reads back" {
    login_rcd_admin
    run_rcctl permission list -o csv
    [ "$status" = 0 ] || { show; false; }
    login_as "$ADMIN_USER" "$ADMIN_PASS"
    api GET /api/v1/permissions.listAll
    jq -r '.update[] | [._id, (.roles | tojson)] | @csv' <<<"$BODY" | tr -d '"' | sort >"$BATS_TEST_TMPDIR/want"
    python3 -c '
import csv, json, sys
rows = list(csv.reader(sys.stdin))
assert rows[0] == ["_id", "roles"], rows[0]
for pid, roles in rows[1:]:
    print(pid + "," + json.dumps(json.loads(roles), separators=(",", ":")).replace("\"", ""))
' <<<"$output" | sort >"$BATS_TEST_TMPDIR/got"
    diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "permission list --role keeps the permissions of that role" {
    login_rcd_admin
    run_rcctl permission list --role guest -o json
    [ "$status" = 0 ] || { show; false; }
    [ "$(jq 'length > 0' <<<"$output")" = true ]
    [ "$(jq 'all(.[]; .roles | index("guest"))' <<<"$output")" = true ]
    jq -e 'map(._id) | index("view-d-room")' <<<"$output"
}

@test "permission grant adds the role and keeps the others; again it is unchanged" {
    login_rcd_admin
    before=$(roles_of create-c)
    run_rcctl permission grant create-c create-p --role guest
    [ "$status" = 0 ] || { show; false; }
    grep -q "granted 'create-c' to 'guest'" <<<"$stderr"
    grep -q '2 changed, 0 unchanged, 0 failed' <<<"$stderr"
    [ "$(roles_of create-c)" = "$(tr ',' '\n' <<<"$before,guest" | sort | paste -sd,)" ]
    run_rcctl permission grant create-c --role guest
    [ "$status" = 0 ]
    grep -q "'create-c' is already granted to role 'guest'" <<<"$stderr"
    grep -q '0 changed, 1 unchanged' <<<"$stderr"
}

@test "permission revoke takes the role away; --dry-run changes nothing" {
    login_rcd_admin
    run_rcctl permission grant delete-own-message --role guest
    run_rcctl permission revoke --dry-run delete-own-message --role guest
    [ "$status" = 0 ] || { show; false; }
    grep -q "would revoke 'delete-own-message' from 'guest'" <<<"$stderr"
    grep -q ',guest' <<<",$(roles_of delete-own-message)"
    run_rcctl permission revoke delete-own-message --role guest
    [ "$status" = 0 ] || { show; false; }
    [ "$(roles_of delete-own-message)" = admin,user ]
    run_rcctl permission revoke delete-own-message --role guest
    [ "$status" = 0 ]
    grep -q "not granted to role 'guest'" <<<"$stderr"
}

@test "permission grant --from takes rcctl's own output" {
    login_rcd_admin
    printf '_id,roles\nmention-all,x\nmention-here,y\n' >"$BATS_TEST_TMPDIR/perms.csv"
    run_rcctl permission grant --from "$BATS_TEST_TMPDIR/perms.csv" --role bot
    [ "$status" = 0 ] || { show; false; }
    grep -q ',bot' <<<",$(roles_of mention-all)"
    grep -q ',bot' <<<",$(roles_of mention-here)"
}

@test "permission grant: unknown permission 4, unknown role 4, good + unknown 3" {
    login_rcd_admin
    run_rcctl permission grant no-such-permission --role guest
    [ "$status" = 4 ] || { show; false; }
    run_rcctl permission grant create-d --role no-such-role
    [ "$status" = 4 ] || { show; false; }
    grep -q "no role 'no-such-role'" <<<"$stderr"
    run_rcctl permission grant no-such-permission create-team --role guest
    [ "$status" = 3 ] || { show; false; }
    grep -q ',guest' <<<",$(roles_of create-team)"
    run_rcctl permission grant create-team
    [ "$status" = 2 ]
}

@test "permission grant as a plain user 5 and nothing changes; no login 5" {
    mkuser pm1
    login_user pm1
    run_rcctl permission list
    [ "$status" = 0 ]    # permissions.listAll needs no permission
    run_rcctl permission grant access-permissions --role user
    [ "$status" = 5 ] || { show; false; }
    [ "$(roles_of access-permissions)" = admin ]
    rm -f "$CONFIG"
    RCCTL_URL=$RCD_URL run_rcctl permission revoke create-c --role user
    [ "$status" = 5 ]
    RCCTL_URL=$RCD_URL run_rcctl permission list
    [ "$status" = 5 ]
}
