#!/usr/bin/env bats
# rcctl/cmd/room.c, the channel group (and the code it shares with group):
# list (paged), info, members, create, archive, unarchive, rename, invite,
# kick, add-owner, delete; idempotent re-runs, --dry-run, --from, exit codes.
# rcd caps pages at 3 items here, so every list crosses pages.

load helpers

setup_file() {
    rcd_file_start OVERWRITE_SETTING_API_Upper_Count_Limit=3
}
teardown_file() { rcd_file_stop; }
setup() { rcd_test_env; }

# info NAME JQ: a field of channels.info for NAME, as the admin
info() {
    admin_api GET "/api/v1/channels.info?roomName=$1"
    jq -r ".channel$2" <<<"$BODY"
}
mkchannel() { admin_api POST /api/v1/channels.create "{\"name\":\"$1\"}"; [ "$STATUS" = 200 ]; }

# ---- create ----

@test "channel create makes channels and prints them; a re-run is unchanged" {
    mkuser cc-u1
    login_rcd_admin
    run_rcctl channel create cc-a '#cc-b' --members cc-u1
    [ "$status" = 0 ] || { show; false; }
    [ "$(head -1 <<<"$output")" = "$(printf '_id\tname\tt')" ]
    [ "$(cut -f2,3 <<<"$output" | sed 1d | sort)" = "$(printf 'cc-a\tc\ncc-b\tc')" ]
    grep -q "created channel 'cc-a'" <<<"$stderr"
    counts "2 changed, 0 unchanged, 0 failed"
    [ "$(channel_members cc-a)" = "$(printf 'admin\ncc-u1')" ]
    [ "$(info cc-b .t)" = c ]
    run_rcctl channel create cc-a cc-b -o json
    [ "$status" = 0 ] || { show; false; }
    [ "$(jq -r '.[].name' <<<"$output" | sort | tr '\n' ' ')" = "cc-a cc-b " ]
    grep -q "channel 'cc-a' exists already" <<<"$stderr"
    counts "0 changed, 2 unchanged, 0 failed"
}

@test "channel create --dry-run creates nothing" {
    login_rcd_admin
    run_rcctl channel create --dry-run cd-a
    [ "$status" = 0 ] || { show; false; }
    [ -z "$output" ]
    grep -q "would create channel 'cd-a'" <<<"$stderr"
    counts "dry run: 1 to change, 0 unchanged, 0 failed"
    admin_api GET /api/v1/channels.info?roomName=cd-a
    [ "$STATUS" = 400 ]
}

@test "channel create: a name a group has conflicts (exit 6); with a good one exit 3" {
    admin_api POST /api/v1/groups.create '{"name":"cx-taken"}'
    [ "$STATUS" = 200 ]
    login_rcd_admin
    run_rcctl channel create cx-taken
    [ "$status" = 6 ] || { show; false; }
    grep -q "cannot create channel 'cx-taken'" <<<"$stderr"
    run_rcctl channel create cx-taken cx-fresh
    [ "$status" = 3 ] || { show; false; }
    counts "1 changed, 0 unchanged, 1 failed"
    grep -q "failed: 'cx-taken'" <<<"$stderr"
}

@test "channel create reads names from --from, one a line, and -j runs them at once" {
    seq -f 'cj-%02g' 1 12 >"$BATS_TEST_TMPDIR/names"
    login_rcd_admin
    run_rcctl -j 6 channel create --from "$BATS_TEST_TMPDIR/names" -o ids
    [ "$status" = 0 ] || { show; false; }
    [ "$(wc -l <<<"$output")" = 12 ]
    counts "12 changed, 0 unchanged, 0 failed"
    for i in 01 06 12; do [ "$(info "cj-$i" .name)" = "cj-$i" ]; done
}

@test "channel create: no login exits 5, no name exits 2, plain users without create-c get 5" {
    run_rcctl channel create --url "$RCD_URL" nologin
    [ "$status" = 5 ] || { show; false; }
    grep -q 'not logged in' <<<"$stderr"
    login_rcd_admin
    run_rcctl channel create
    [ "$status" = 2 ]
    mkuser cf-u1 guest
    login_user cf-u1
    run_rcctl channel create cf-denied
    [ "$status" = 5 ] || { show; false; }
}

# ---- list, info, members ----

@test "channel list pages through every channel although pages are capped at 3; csv reads back" {
    for i in 1 2 3 4 5 6 7; do mkchannel "cl-$i"; done
    login_rcd_admin
    run_rcctl -v channel list --columns name --no-header
    [ "$status" = 0 ] || { show; false; }
    admin_api GET '/api/v1/channels.list?count=1'
    total=$(jq .total <<<"$BODY")
    [ "$(wc -l <<<"$output")" = "$total" ]
    [ "$(sort -u <<<"$output" | wc -l)" = "$total" ]
    for i in 1 4 7; do grep -qx "cl-$i" <<<"$output"; done
    [ "$(grep -c '^> GET /api/v1/channels.list' <<<"$stderr")" -ge $((total / 3)) ]
    run_rcctl channel list -o csv --columns _id,name
    [ "$status" = 0 ]
    python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
assert rows[0] == ["_id", "name"], rows[0]
assert len(rows) - 1 == int(sys.argv[1]), len(rows)
assert all(len(r[0]) == 17 for r in rows[1:])
' "$total" <<<"$output"
}

@test "channel list --joined lists only yours; --member USER the channels USER is in" {
    mkuser cj-u1
    mkchannel cjo-in
    mkchannel cjo-out
    admin_api POST /api/v1/channels.invite '{"roomName":"cjo-in","username":"cj-u1"}'
    login_user cj-u1
    run_rcctl channel list --joined --columns name --no-header
    [ "$status" = 0 ] || { show; false; }
    [ "$output" = cjo-in ]
    login_rcd_admin
    run_rcctl channel list --member cj-u1 --columns name --no-header
    [ "$status" = 0 ] || { show; false; }
    [ "$output" = cjo-in ]
    run_rcctl channel list --member no-such-user
    [ "$status" = 4 ] || { show; false; }
    run_rcctl channel list --joined --member cj-u1
    [ "$status" = 2 ]
}

@test "channel info by name, #name and id; json; unknown exits 4; no login 5" {
    mkchannel ci-a
    id=$(info ci-a ._id)
    login_rcd_admin
    run_rcctl channel info ci-a
    [ "$status" = 0 ] || { show; false; }
    [ "$(sed -n 2p <<<"$output" | cut -f1-3)" = "$(printf '%s\tci-a\tc' "$id")" ]
    run_rcctl channel info '#ci-a' -o json
    [ "$(jq -r .name <<<"$output")" = ci-a ]
    run_rcctl channel info "$id" -o json
    [ "$status" = 0 ]
    [ "$(jq -r ._id <<<"$output")" = "$id" ]
    run_rcctl channel info ci-none
    [ "$status" = 4 ] || { show; false; }
    [ -z "$output" ]
    grep -q "no channel 'ci-none'" <<<"$stderr"
    rm -f "$CONFIG"
    RCCTL_URL=$RCD_URL run_rcctl channel info ci-a
    [ "$status" = 5 ]
}

@test "channel members lists the members, all pages" {
    mkchannel cm-a
    for i in 1 2 3 4; do
        mkuser "cm-u$i"
        admin_api POST /api/v1/channels.invite "{\"roomName\":\"cm-a\",\"username\":\"cm-u$i\"}"
    done
    login_rcd_admin
    run_rcctl channel members cm-a --columns username --no-header
    [ "$status" = 0 ] || { show; false; }
    [ "$(sort <<<"$output")" = "$(printf 'admin\ncm-u1\ncm-u2\ncm-u3\ncm-u4')" ]
}

# ---- invite, kick ----

@test "channel invite and kick: happy path, re-run unchanged, --dry-run changes nothing" {
    mkchannel ck-a
    mkuser ck-u1
    mkuser ck-u2
    login_rcd_admin
    run_rcctl channel invite ck-a ck-u1 @ck-u2 --dry-run
    [ "$status" = 0 ] || { show; false; }
    grep -q "would invite 'ck-u1' to channel 'ck-a'" <<<"$stderr"
    [ "$(channel_members ck-a)" = admin ]
    run_rcctl channel invite ck-a ck-u1 @ck-u2
    [ "$status" = 0 ] || { show; false; }
    counts "2 changed, 0 unchanged, 0 failed"
    [ "$(channel_members ck-a)" = "$(printf 'admin\nck-u1\nck-u2')" ]
    run_rcctl channel invite ck-a ck-u1 ck-u2
    [ "$status" = 0 ]
    counts "0 changed, 2 unchanged, 0 failed"
    run_rcctl channel kick ck-a ck-u1 --dry-run
    [ "$status" = 0 ]
    grep -q "would kick 'ck-u1' from channel 'ck-a'" <<<"$stderr"
    [ "$(channel_members ck-a)" = "$(printf 'admin\nck-u1\nck-u2')" ]
    run_rcctl channel kick ck-a ck-u1
    [ "$status" = 0 ] || { show; false; }
    grep -q "kicked 'ck-u1' from channel 'ck-a'" <<<"$stderr"
    [ "$(channel_members ck-a)" = "$(printf 'admin\nck-u2')" ]
    run_rcctl channel kick ck-a ck-u1
    [ "$status" = 0 ]
    grep -q "'ck-u1' is not in channel 'ck-a' already" <<<"$stderr"
    counts "0 changed, 1 unchanged, 0 failed"
}

@test "channel kick: unknown user 4, unknown channel 4, a mix exits 3, a plain user 5" {
    mkchannel ck2-a
    mkuser ck2-u1
    mkuser ck2-u2
    admin_api POST /api/v1/channels.invite '{"roomName":"ck2-a","usernames":["ck2-u1","ck2-u2"]}'
    login_rcd_admin
    run_rcctl channel kick ck2-a nobody-here
    [ "$status" = 4 ] || { show; false; }
    run_rcctl channel kick ck2-none ck2-u1
    [ "$status" = 4 ] || { show; false; }
    run_rcctl channel kick ck2-a nobody-here ck2-u1
    [ "$status" = 3 ] || { show; false; }
    counts "1 changed, 0 unchanged, 1 failed"
    login_user ck2-u1
    run_rcctl channel kick ck2-a ck2-u2
    [ "$status" = 5 ] || { show; false; }
    [ "$(channel_members ck2-a)" = "$(printf 'admin\nck2-u2')" ]
}

@test "channel invite --from reads rcctl's own csv (the username column)" {
    mkchannel cf-a
    mkuser cf-x1
    mkuser cf-x2
    printf 'username,name\ncf-x1,x\ncf-x2,y\n' >"$BATS_TEST_TMPDIR/u.csv"
    login_rcd_admin
    run_rcctl channel invite cf-a --from "$BATS_TEST_TMPDIR/u.csv"
    [ "$status" = 0 ] || { show; false; }
    [ "$(channel_members cf-a)" = "$(printf 'admin\ncf-x1\ncf-x2')" ]
}

# ---- archive, rename ----

@test "channel archive and unarchive are idempotent; --dry-run changes nothing" {
    mkchannel ca-a
    mkchannel ca-b
    login_rcd_admin
    run_rcctl channel archive ca-a --dry-run
    [ "$status" = 0 ]
    grep -q "would archive channel 'ca-a'" <<<"$stderr"
    [ "$(info ca-a .archived)" != true ]
    run_rcctl channel archive ca-a ca-b
    [ "$status" = 0 ] || { show; false; }
    counts "2 changed, 0 unchanged, 0 failed"
    [ "$(info ca-a .archived)" = true ]
    run_rcctl channel archive ca-a ca-b
    counts "0 changed, 2 unchanged, 0 failed"
    run_rcctl channel unarchive ca-a ca-none
    [ "$status" = 3 ] || { show; false; }
    counts "1 changed, 0 unchanged, 1 failed"
    [ "$(info ca-a .archived)" != true ]
    [ "$(info ca-b .archived)" = true ]
}

@test "channel rename: renamed once, then unchanged; --dry-run; unknown 4" {
    mkchannel cr-old
    login_rcd_admin
    run_rcctl channel rename cr-old cr-new --dry-run
    [ "$status" = 0 ]
    [ "$(info cr-old .name)" = cr-old ]
    run_rcctl channel rename cr-old cr-new
    [ "$status" = 0 ] || { show; false; }
    grep -q "renamed channel 'cr-old' to 'cr-new'" <<<"$stderr"
    [ "$(info cr-new .name)" = cr-new ]
    run_rcctl channel rename cr-old cr-new
    [ "$status" = 0 ] || { show; false; }
    counts "0 changed, 1 unchanged, 0 failed"
    run_rcctl channel rename cr-missing cr-other
    [ "$status" = 4 ]
    run_rcctl channel rename only-one
    [ "$status" = 2 ]
    printf 'cr-new cr-newer\n# comment\n' >"$BATS_TEST_TMPDIR/pairs"
    run_rcctl channel rename --from "$BATS_TEST_TMPDIR/pairs"
    [ "$status" = 0 ] || { show; false; }
    [ "$(info cr-newer .name)" = cr-newer ]
}

# ---- add-owner ----

@test "channel add-owner: joins the user first, then unchanged; --dry-run changes nothing" {
    mkchannel co-a
    mkchannel co-b
    mkuser co-u1
    admin_api POST /api/v1/channels.invite '{"roomName":"co-b","username":"co-u1"}'
    login_rcd_admin
    run_rcctl channel add-owner --user co-u1 co-a co-b --dry-run
    [ "$status" = 0 ] || { show; false; }
    grep -q "would add 'co-u1' to channel 'co-a' and make them owner" <<<"$stderr"
    grep -q "would make 'co-u1' owner of channel 'co-b'" <<<"$stderr"
    [ "$(channel_members co-a)" = admin ]
    run_rcctl channel add-owner --user co-u1 co-a co-b
    [ "$status" = 0 ] || { show; false; }
    grep -q "added 'co-u1' to channel 'co-a', and made 'co-u1' owner" <<<"$stderr"
    grep -q "made 'co-u1' owner of channel 'co-b'" <<<"$stderr"
    login_as co-u1 "$(pw_of co-u1)"
    api GET "/api/v1/subscriptions.getOne?roomId=$(info co-a ._id)"
    jq_is '.subscription.roles | index("owner")'
    login_rcd_admin
    run_rcctl channel add-owner --user co-u1 co-a co-b
    [ "$status" = 0 ]
    counts "0 changed, 2 unchanged, 0 failed"
    run_rcctl channel add-owner --user nobody-here co-a
    [ "$status" = 4 ]
    run_rcctl channel add-owner co-a
    [ "$status" = 2 ]
}

# ---- delete ----

@test "channel delete: refuses without --yes off a terminal; --dry-run; deletes; --ignore-missing" {
    mkchannel cdl-a
    mkchannel cdl-b
    login_rcd_admin
    run_rcctl channel delete cdl-a </dev/null
    [ "$status" = 2 ] || { show; false; }
    grep -q 'refusing to delete channels without --yes' <<<"$stderr"
    run_rcctl channel delete cdl-a --dry-run
    [ "$status" = 0 ] || { show; false; }
    grep -q "would delete channel 'cdl-a'" <<<"$stderr"
    [ "$(info cdl-a .name)" = cdl-a ]
    run_rcctl channel delete cdl-a cdl-b --yes
    [ "$status" = 0 ] || { show; false; }
    counts "2 changed, 0 unchanged, 0 failed"
    admin_api GET /api/v1/channels.info?roomName=cdl-a
    [ "$STATUS" = 400 ]
    run_rcctl channel delete cdl-a --yes
    [ "$status" = 4 ] || { show; false; }
    run_rcctl channel delete cdl-a --yes --ignore-missing
    [ "$status" = 0 ]
    counts "0 changed, 1 unchanged, 0 failed"
}

@test "channel delete by a plain user who does not own it exits 5; a mix exits 3" {
    mkchannel cdp-a
    mkuser cdp-u1
    login_user cdp-u1
    run_rcctl channel create cdp-mine
    [ "$status" = 0 ] || { show; false; }
    run_rcctl channel delete cdp-a --yes
    [ "$status" = 5 ] || { show; false; }
    run_rcctl channel delete cdp-a cdp-mine --yes
    [ "$status" = 3 ] || { show; false; }
    counts "1 changed, 0 unchanged, 1 failed"
    [ "$(info cdp-a .name)" = cdp-a ]
}

@test "channel help shows examples first; unknown option is a usage error" {
    run_rcctl channel delete --help
    [ "$status" = 0 ]
    [ "$(sed -n 3p <<<"$output")" = "Examples:" ]
    grep -q -- '--ignore-missing' <<<"$output"
    run_rcctl channel kick --bogus a b
    [ "$status" = 2 ]
}
