#!/usr/bin/env bats
# rcctl/cmd/room.c, the discussion group: create (idempotent by name,
# --dry-run, --users, --message) and list (paged). Pages capped at 3.

load helpers

setup_file() {
    rcd_file_start OVERWRITE_SETTING_API_Upper_Count_Limit=3
}
teardown_file() { rcd_file_stop; }
setup() { rcd_test_env; }

# discussions ROOMID: the fnames of its discussions, sorted
discussions() {
    admin_api GET "/api/v1/rooms.getDiscussions?roomId=$1&count=100"
    jq -r '.discussions[].fname' <<<"$BODY" | sort
}

@test "discussion create makes discussions in a room, prints them; a re-run is unchanged" {
    mkuser dc-u1
    p=$(mkroom c dc-parent)
    login_rcd_admin
    run_rcctl discussion create dc-parent 'Feature: login' 'Release 2.0' --users dc-u1 --message 'Plan here'
    [ "$status" = 0 ] || { show; false; }
    counts "2 changed, 0 unchanged, 0 failed"
    [ "$(cut -f2 <<<"$output" | sed 1d | sort)" = "$(printf 'Feature: login\nRelease 2.0')" ]
    [ "$(discussions "$p")" = "$(printf 'Feature: login\nRelease 2.0')" ]
    did=$(sed -n 2p <<<"$output" | cut -f1)
    admin_api GET "/api/v1/rooms.info?roomId=$did"
    jq_is ".room.prid == \"$p\""
    run_rcctl discussion create "$p" 'Feature: login' -o json
    [ "$status" = 0 ] || { show; false; }
    counts "0 changed, 1 unchanged, 0 failed"
    [ "$(jq -r '.[0].fname' <<<"$output")" = 'Feature: login' ]
}

@test "discussion create --dry-run makes nothing; unknown parent 4; no names 2; no login 5" {
    p=$(mkroom c dd-parent)
    login_rcd_admin
    run_rcctl discussion create dd-parent 'Only planned' --dry-run
    [ "$status" = 0 ] || { show; false; }
    grep -q "would create discussion 'Only planned' in 'dd-parent'" <<<"$stderr"
    [ -z "$(discussions "$p")" ]
    run_rcctl discussion create dd-none 'x'
    [ "$status" = 4 ] || { show; false; }
    run_rcctl discussion create dd-parent
    [ "$status" = 2 ]
    rm -f "$CONFIG"
    RCCTL_URL=$RCD_URL run_rcctl discussion create dd-parent y
    [ "$status" = 5 ]
}

@test "discussion create in a private group the user is not in is refused (4); a guest without start-discussion gets 5" {
    mkuser dp-u1
    mkuser dp-guest guest
    admin_api POST /api/v1/groups.create '{"name":"dp-secret"}'
    p=$(mkroom c dp-open)
    login_user dp-u1
    run_rcctl discussion create dp-secret 'x'
    [ "$status" = 4 ] || { show; false; }
    login_user dp-guest
    run_rcctl discussion create dp-open 'guest topic'
    [ "$status" = 5 ] || [ "$status" = 4 ] || { show; false; }
    [ -z "$(discussions "$p")" ]
}

@test "discussion list pages through a room's discussions; --from names; csv" {
    p=$(mkroom c dl-parent)
    printf 'd-%s\n' 1 2 3 4 5 6 7 >"$BATS_TEST_TMPDIR/names"
    login_rcd_admin
    run_rcctl -j 4 discussion create dl-parent --from "$BATS_TEST_TMPDIR/names" -q
    [ "$status" = 0 ] || { show; false; }
    run_rcctl discussion list dl-parent --columns fname --no-header
    [ "$status" = 0 ] || { show; false; }
    [ "$(sort <<<"$output" | tr '\n' ' ')" = "d-1 d-2 d-3 d-4 d-5 d-6 d-7 " ]
    run_rcctl discussion list "$p" -o csv --columns fname,prid
    [ "$(sed -n 2p <<<"$output" | tr -d '\r' | cut -d, -f2)" = "$p" ]
    run_rcctl discussion list dl-none
    [ "$status" = 4 ]
}
