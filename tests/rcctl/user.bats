#!/usr/bin/env bats
# rcctl/cmd/user.c: user info, list (filters, paging, csv), create, update,
# activate, deactivate, deactivate-idle, delete, logout, 2fa reset, roles;
# and the bulk helpers (--from, per-item results, counts, exit 3).
# rcd caps pages at 3 users here, so every list crosses many pages.

load helpers

setup_file() {
    rcd_file_start OVERWRITE_SETTING_API_Upper_Count_Limit=3
}
teardown_file() { rcd_file_stop; }
setup() { rcd_test_env; }

# ---- info ----

@test "user info shows one user by username and by --id" {
    mkuser inf1
    login_rcd_admin
    run_rcctl user info inf1
    [ "$status" = 0 ] || { show; false; }
    [ "$(head -1 <<<"$output")" = "$(printf '_id\tusername\tname\temails.0.address\tstatus\tactive\troles\tlastLogin')" ]
    id=$(sed -n 2p <<<"$output" | cut -f1)
    [ "$(sed -n 2p <<<"$output" | cut -f2,4,6)" = "$(printf 'inf1\tinf1@example.com\ttrue')" ]
    run_rcctl user info --id "$id" -o json
    [ "$status" = 0 ]
    [ "$(jq -r .username <<<"$output")" = inf1 ]
    [ "$(jq -r .emails[0].verified <<<"$output")" = true ]
}

@test "user info of an unknown user exits 4; without a login 5; bad usage 2" {
    login_rcd_admin
    run_rcctl user info no-such-user
    [ "$status" = 4 ] || { show; false; }
    [ -z "$output" ]
    grep -q "cannot get user 'no-such-user'" <<<"$stderr"
    run_rcctl user info
    [ "$status" = 2 ]
    rm -f "$CONFIG"
    RCCTL_URL=$RCD_URL run_rcctl user info admin
    [ "$status" = 5 ]
    grep -q 'not logged in' <<<"$stderr"
}

# ---- list ----

@test "user list pages through every user although the server caps pages at 3" {
    for i in 1 2 3 4 5 6 7; do mkuser "pg$i"; done
    login_rcd_admin
    run_rcctl -v user list --columns username --no-header
    [ "$status" = 0 ] || { show; false; }
    admin_api GET '/api/v1/users.list?count=1'
    total=$(jq .total <<<"$BODY")
    [ "$(wc -l <<<"$output")" = "$total" ]
    [ "$(sort <<<"$output" | uniq | wc -l)" = "$total" ]
    for i in 1 2 3 4 5 6 7; do grep -qx "pg$i" <<<"$output"; done
    # asked for 100 a page, got 3: one request per 3 users
    [ "$(grep -c '^> GET /api/v1/users.list?count=100&offset=' <<<"$stderr")" -ge $(( (total + 2) / 3 )) ]
}

@test "user list --columns username,lastLogin -o csv reads back as the server's data" {
    mkuser csv1
    login_user csv1        # csv1 gets a lastLogin
    login_rcd_admin
    login_as "$ADMIN_USER" "$ADMIN_PASS"    # (logins change lastLogin)
    run_rcctl user list --columns username,lastLogin -o csv
    [ "$status" = 0 ] || { show; false; }
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out.csv"
    python3 - "$BATS_TEST_TMPDIR/out.csv" "$RCD_URL" "$AUTH_UID" "$AUTH_TOKEN" <<'EOF'
import csv, json, sys, urllib.request
rows = list(csv.reader(open(sys.argv[1], newline='')))
assert rows[0] == ['username', 'lastLogin'], rows[0]
got = {r[0]: r[1] for r in rows[1:]}
want, off = {}, 0
while True:
    req = urllib.request.Request(f'{sys.argv[2]}/api/v1/users.list?count=100&offset={off}',
        headers={'X-User-Id': sys.argv[3], 'X-Auth-Token': sys.argv[4]})
    page = json.load(urllib.request.urlopen(req))
    for u in page['users']:
        want[u['username']] = u.get('lastLogin', '')
    off += page['count']
    if not page['count'] or off >= page['total']:
        break
assert got == want, (got, want)
assert got['csv1'] != ''
EOF
}

@test "user list --offset --count is the seed's window of users.list" {
    login_rcd_admin
    run_rcctl user list --columns username --no-header
    all=$output
    run_rcctl user list --offset 2 --count 4 --columns username --no-header
    [ "$status" = 0 ] || { show; false; }
    [ "$output" = "$(sed -n 3,6p <<<"$all")" ]
}

@test "user list filters: --status, --unverified, --role, --inactive, --idle-days" {
    mkuser flt-on
    mkuser flt-old livechat-manager
    mkuser flt-off
    login_as "$ADMIN_USER" "$ADMIN_PASS"
    api POST /api/v1/users.create '{"username":"flt-unv","email":"flt-unv@example.com","name":"u","password":"Pw-flt-unv-0123456789","verified":false}'
    [ "$STATUS" = 200 ]
    db "UPDATE users SET status = 'online' WHERE username = 'flt-on'"
    db "UPDATE users SET last_login = $(days_ago_ms 400) WHERE username = 'flt-old'"
    db "UPDATE users SET active = 0 WHERE username = 'flt-off'"
    login_rcd_admin
    run_rcctl user list --status online --columns username --no-header
    [ "$status" = 0 ] || { show; false; }
    [ "$output" = flt-on ]
    run_rcctl user list --unverified --columns username --no-header
    [ "$output" = flt-unv ]
    run_rcctl user list --role livechat-manager --columns username --no-header
    [ "$output" = flt-old ]
    run_rcctl user list --inactive --columns username,active --no-header
    [ "$output" = "$(printf 'flt-off\tfalse')" ]
    run_rcctl user list --idle-days 300 --columns username --no-header
    [ "$output" = flt-old ]
    run_rcctl user list --status sleeping
    [ "$status" = 2 ]
}

@test "user list asks users.list for columns it does not show by default" {
    mkuser col1
    login_rcd_admin
    run_rcctl user list --columns username,createdAt --no-header
    [ "$status" = 0 ] || { show; false; }
    grep -qE '^col1	20[0-9-]+T' <<<"$output"
}

@test "user list as a plain user works; filters on hidden fields warn" {
    mkuser plain-l
    login_user plain-l
    run_rcctl user list --columns username --no-header
    [ "$status" = 0 ] || { show; false; }
    grep -qx plain-l <<<"$output"
    run_rcctl user list --role user
    [ "$status" = 0 ]
    grep -q 'does not show you' <<<"$stderr"
}

@test "user list without view-d-room exits 5 and prints nothing on stdout" {
    mkuser anon-l anonymous
    login_user anon-l
    run_rcctl user list
    [ "$status" = 5 ] || { show; false; }
    [ -z "$output" ]
}

# ---- create ----

@test "user create makes a user with the password from a file, and prints it" {
    login_rcd_admin
    printf 'Pw-new1-0123456789\n' >"$BATS_TEST_TMPDIR/npw"
    run_rcctl user create new1 new1@example.com --name 'New One' --role bot \
        --verified --require-password-change --password-file "$BATS_TEST_TMPDIR/npw" -o json
    [ "$status" = 0 ] || { show; false; }
    [ "$(jq -r .username <<<"$output")" = new1 ]
    grep -q "created user 'new1'" <<<"$stderr"
    [ "$(field new1 .name)" = 'New One' ]
    [ "$(field new1 '.roles|join(",")')" = bot ]
    [ "$(field new1 .emails[0].verified)" = true ]
    [ "$(field new1 .requirePasswordChange)" = true ]
    login_as new1 Pw-new1-0123456789
}

@test "user create again is unchanged; with another e-mail it is a conflict (6)" {
    login_rcd_admin
    printf 'Pw-new2-0123456789\n' | cat >"$BATS_TEST_TMPDIR/in"
    run_rcctl_in "$BATS_TEST_TMPDIR/in" user create new2 new2@example.com
    [ "$status" = 0 ] || { show; false; }
    run_rcctl_in "$BATS_TEST_TMPDIR/in" user create new2 NEW2@example.com
    [ "$status" = 0 ] || { show; false; }
    grep -q "exists already (unchanged)" <<<"$stderr"
    [ "$(sed -n 2p <<<"$output" | cut -f2)" = new2 ]
    run_rcctl user create new2 other@example.com
    [ "$status" = 6 ]
    grep -q 'another e-mail' <<<"$stderr"
}

@test "user create --dry-run creates nothing; a password on argv is refused" {
    login_rcd_admin
    run_rcctl user create dry1 dry1@example.com --dry-run
    [ "$status" = 0 ] || { show; false; }
    [ -z "$output" ]
    grep -q "would create user 'dry1'" <<<"$stderr"
    admin_api GET '/api/v1/users.info?username=dry1'
    [ "$STATUS" = 400 ]
    run_rcctl user create dry1 dry1@example.com --password secret
    [ "$status" = 2 ]
    grep -q 'not taken from the command line' <<<"$stderr"
}

@test "user create as a plain user exits 5" {
    mkuser plain-c
    login_user plain-c
    printf 'Pw-x-0123456789\n' >"$BATS_TEST_TMPDIR/npw"
    run_rcctl user create nope1 nope1@example.com --password-file "$BATS_TEST_TMPDIR/npw"
    [ "$status" = 5 ] || { show; false; }
}

# ---- update ----

@test "user update sends only what differs; a re-run is unchanged" {
    mkuser upd1
    login_rcd_admin
    run_rcctl user update upd1 --name 'Up Dated' --nickname ud --active true
    [ "$status" = 0 ] || { show; false; }
    grep -q "updated user 'upd1': name 'upd1' -> 'Up Dated', nickname '' -> 'ud'" <<<"$stderr"
    ! grep -q 'active' <<<"$stderr"
    grep -q '1 changed, 0 unchanged, 0 failed' <<<"$stderr"
    [ "$(field upd1 .name)" = 'Up Dated' ]
    [ "$(field upd1 .nickname)" = ud ]
    run_rcctl user update upd1 --name 'Up Dated' --nickname ud
    [ "$status" = 0 ]
    grep -q "user 'upd1' is unchanged" <<<"$stderr"
    grep -q '0 changed, 1 unchanged, 0 failed' <<<"$stderr"
}

@test "user update --dry-run changes nothing" {
    mkuser upd2
    login_rcd_admin
    run_rcctl user update --dry-run upd2 --email upd2-new@example.com
    [ "$status" = 0 ] || { show; false; }
    grep -q "would update user 'upd2': email 'upd2@example.com' -> 'upd2-new@example.com'" <<<"$stderr"
    [ "$(field upd2 .emails[0].address)" = upd2@example.com ]
}

@test "user update: unknown user 4, one good and one unknown 3, plain user 5" {
    mkuser upd3
    login_rcd_admin
    run_rcctl user update no-such-user --nickname x
    [ "$status" = 4 ] || { show; false; }
    run_rcctl user update upd3 no-such-user --nickname n3
    [ "$status" = 3 ] || { show; false; }
    [ "$(field upd3 .nickname)" = n3 ]
    grep -q "failed: 'no-such-user'" <<<"$stderr"
    mkuser plain-u
    login_user plain-u
    run_rcctl user update upd3 --nickname hacked
    [ "$status" = 5 ] || { show; false; }
    [ "$(field upd3 .nickname)" = n3 ]
}

# ---- activate / deactivate ----

@test "user deactivate and activate, idempotently, with a line per user" {
    mkuser act1
    mkuser act2
    login_rcd_admin
    run_rcctl user deactivate act1 act2
    [ "$status" = 0 ] || { show; false; }
    grep -q "deactivated user 'act1'" <<<"$stderr"
    grep -q '2 changed, 0 unchanged, 0 failed' <<<"$stderr"
    [ -z "$output" ]
    [ "$(field act1 .active)" = false ]
    run_rcctl user deactivate act1 act2
    [ "$status" = 0 ]
    grep -q "user 'act1' is already inactive" <<<"$stderr"
    grep -q '0 changed, 2 unchanged, 0 failed' <<<"$stderr"
    run_rcctl user activate act1
    [ "$status" = 0 ]
    [ "$(field act1 .active)" = true ]
    [ "$(field act2 .active)" = false ]
}

@test "user deactivate --dry-run changes nothing" {
    mkuser act3
    login_rcd_admin
    run_rcctl user deactivate -n act3
    [ "$status" = 0 ] || { show; false; }
    grep -q "would deactivate user 'act3'" <<<"$stderr"
    grep -q 'dry run: 1 to change' <<<"$stderr"
    [ "$(field act3 .active)" = true ]
}

@test "user deactivate: unknown 4; good + unknown 3 and the good one done; plain user 5" {
    mkuser act4
    login_rcd_admin
    run_rcctl user deactivate no-such-user
    [ "$status" = 4 ] || { show; false; }
    grep -q "no such user" <<<"$stderr"
    run_rcctl user deactivate no-such-user act4
    [ "$status" = 3 ] || { show; false; }
    [ "$(field act4 .active)" = false ]
    mkuser plain-a
    login_user plain-a
    run_rcctl user activate act4
    [ "$status" = 5 ] || { show; false; }
    [ "$(field act4 .active)" = false ]
}

@test "user activate --from - takes rcctl's own tsv, csv and ids output" {
    mkuser from1
    mkuser from2
    login_rcd_admin
    run_rcctl user deactivate from1 from2
    run_rcctl user list --inactive --columns _id,username,active
    grep -E '^_id|	from[12]	' <<<"$output" >"$BATS_TEST_TMPDIR/in.tsv"
    run_rcctl_in "$BATS_TEST_TMPDIR/in.tsv" user activate --from - --dry-run
    [ "$status" = 0 ] || { show; false; }
    grep -q "would activate user 'from1'" <<<"$stderr"
    grep -q "would activate user 'from2'" <<<"$stderr"
    run_rcctl user info from1 -o ids
    printf '# a comment\n\n%s\n' "$output" >"$BATS_TEST_TMPDIR/ids"
    run_rcctl user activate --id --from "$BATS_TEST_TMPDIR/ids"
    [ "$status" = 0 ] || { show; false; }
    [ "$(field from1 .active)" = true ]
    printf 'name,username\nx,from2\n' >"$BATS_TEST_TMPDIR/in.csv"
    run_rcctl user activate --from "$BATS_TEST_TMPDIR/in.csv"
    [ "$status" = 0 ] || { show; false; }
    [ "$(field from2 .active)" = true ]
    printf 'name,email\nx,y\n' >"$BATS_TEST_TMPDIR/bad.csv"
    run_rcctl user activate --from "$BATS_TEST_TMPDIR/bad.csv"
    [ "$status" = 1 ]
    grep -q "no 'username' column" <<<"$stderr"
    run_rcctl user activate
    [ "$status" = 2 ]
}

# ---- deactivate-idle ----

# idle_fixture ROLE PREFIX: users with ROLE: PREFIX-old (last login 400 days
# ago), PREFIX-recent (10 days), PREFIX-never-old (never logged in, created
# 400 days ago), PREFIX-never-new (never logged in, created now),
# PREFIX-off (old but inactive), and PREFIX-other (old, role user only).
idle_fixture() {
    local r=$1 p=$2
    for u in old recent never-old never-new off; do mkuser "$p-$u" "$r"; done
    mkuser "$p-other"
    db "UPDATE users SET last_login = $(days_ago_ms 400) WHERE username IN ('$p-old', '$p-off', '$p-other')"
    db "UPDATE users SET last_login = $(days_ago_ms 10) WHERE username = '$p-recent'"
    db "UPDATE users SET created_at = $(days_ago_ms 400) WHERE username = '$p-never-old'"
    db "UPDATE users SET active = 0 WHERE username = '$p-off'"
}

@test "user deactivate-idle previews exactly the idle users with their last login, changing nothing" {
    idle_fixture guest idl
    login_rcd_admin
    run_rcctl user deactivate-idle --days 365 --role guest
    [ "$status" = 0 ] || { show; false; }
    [ "$(head -1 <<<"$output")" = "$(printf '_id\tusername\tname\tlastLogin\tcreatedAt')" ]
    [ "$(tail -n +2 <<<"$output" | cut -f2 | sort | tr '\n' ' ')" = 'idl-never-old idl-old ' ]
    grep -qE "	idl-old	idl-old	20[0-9-]+T" <<<"$output"
    grep -q '2 users with role .guest. idle for 365 days would be deactivated; run again with --yes' <<<"$stderr"
    [ "$(field idl-old .active)" = true ]
    [ "$(field idl-never-old .active)" = true ]
    run_rcctl user deactivate-idle --days 365 --role guest --yes --dry-run -o csv
    [ "$status" = 0 ]
    [ "$(head -1 <<<"$output")" = $'_id,username,name,lastLogin,createdAt\r' ]
    [ "$(field idl-old .active)" = true ]
}

@test "user deactivate-idle --yes deactivates exactly the previewed users; a re-run finds none" {
    idle_fixture bot idy
    login_rcd_admin
    run_rcctl user deactivate-idle --days 365 --role bot --yes
    [ "$status" = 0 ] || { show; false; }
    grep -q "deactivated user 'idy-old'" <<<"$stderr"
    grep -q "deactivated user 'idy-never-old'" <<<"$stderr"
    grep -q '2 changed, 0 unchanged, 0 failed' <<<"$stderr"
    for u in old never-old; do [ "$(field idy-$u .active)" = false ]; done
    for u in recent never-new other; do [ "$(field idy-$u .active)" = true ]; done
    run_rcctl user deactivate-idle --days 365 --role bot --yes
    [ "$status" = 0 ]
    [ "$(wc -l <<<"$output")" = 1 ]   # the header only
    grep -q 'no active user with role .bot.' <<<"$stderr"
}

@test "user deactivate-idle uses the same rule as the server's users.deactivateIdle" {
    idle_fixture livechat-agent idr
    login_rcd_admin
    run_rcctl user deactivate-idle --days 365 --role livechat-agent --columns username --no-header
    [ "$status" = 0 ] || { show; false; }
    preview=$(sort <<<"$output")
    admin_api POST /api/v1/users.deactivateIdle '{"daysIdle":365,"role":"livechat-agent"}'
    [ "$STATUS" = 200 ]
    [ "$(jq .count <<<"$BODY")" = "$(wc -l <<<"$preview")" ]
    run_rcctl user list --role livechat-agent --inactive --columns username --no-header
    [ "$(grep -v idr-off <<<"$output" | sort)" = "$preview" ]
}

@test "user deactivate-idle --max refuses with exit 1 and changes nothing" {
    idle_fixture app idm
    login_rcd_admin
    run_rcctl user deactivate-idle --days 365 --role app --max 1 --yes
    [ "$status" = 1 ] || { show; false; }
    grep -q 'refusing: 2 users would be deactivated, more than --max 1; nothing changed' <<<"$stderr"
    [ "$(field idm-old .active)" = true ]
    [ "$(field idm-never-old .active)" = true ]
    run_rcctl user deactivate-idle --days 365 --role app --max 2 --yes
    [ "$status" = 0 ] || { show; false; }
    [ "$(field idm-old .active)" = false ]
}

@test "user deactivate-idle leaves the caller's own account out, saying so" {
    mkuser idself admin
    db "UPDATE users SET last_login = $(days_ago_ms 400) WHERE username = 'idself'"
    pw_of idself >"$BATS_TEST_TMPDIR/upw"
    login_as idself "$(pw_of idself)"
    printf '%s\n' "$AUTH_TOKEN" >"$BATS_TEST_TMPDIR/tok"
    db "UPDATE users SET last_login = $(days_ago_ms 400) WHERE username = 'idself'"
    run_rcctl login --url "$RCD_URL" --user-id "$AUTH_UID" --token-file "$BATS_TEST_TMPDIR/tok"
    [ "$status" = 0 ] || { show; false; }
    run_rcctl user deactivate-idle --days 365 --role admin --yes
    [ "$status" = 0 ] || { show; false; }
    grep -q 'leaves your own account out' <<<"$stderr"
    ! grep -q idself <<<"$output"
    [ "$(field idself .active)" = true ]
}

@test "user deactivate-idle: a plain user 5, no login 5, no --days 2" {
    mkuser plain-i
    login_user plain-i
    run_rcctl user deactivate-idle --days 1 --yes
    [ "$status" = 5 ] || { show; false; }
    grep -q 'nothing changed' <<<"$stderr"
    run_rcctl user deactivate-idle
    [ "$status" = 2 ]
    rm -f "$CONFIG"
    RCCTL_URL=$RCD_URL run_rcctl user deactivate-idle --days 1
    [ "$status" = 5 ]
}

# ---- delete ----

@test "user delete warns, refuses without --yes when there is no terminal, and deletes nothing" {
    mkuser del1
    login_rcd_admin
    run_rcctl user delete del1
    [ "$status" = 2 ] || { show; false; }
    grep -q 'deletes all their messages' <<<"$stderr"
    grep -q "rcctl user deactivate" <<<"$stderr"
    grep -q 'refusing to delete users without --yes' <<<"$stderr"
    [ "$(field del1 .username)" = del1 ]
}

@test "user delete --yes deletes; --dry-run does not; --ignore-missing makes a re-run unchanged" {
    mkuser del2
    mkuser del3
    login_rcd_admin
    run_rcctl user delete --dry-run del2
    [ "$status" = 0 ] || { show; false; }
    grep -q "would delete user 'del2'" <<<"$stderr"
    [ "$(field del2 .username)" = del2 ]
    run_rcctl user delete --yes del2 del3
    [ "$status" = 0 ] || { show; false; }
    grep -q "deleted user 'del2'" <<<"$stderr"
    admin_api GET '/api/v1/users.info?username=del2'
    [ "$STATUS" = 400 ]
    run_rcctl user delete --yes del2
    [ "$status" = 4 ] || { show; false; }
    run_rcctl user delete --yes --ignore-missing del2 del3
    [ "$status" = 0 ] || { show; false; }
    grep -q '0 changed, 2 unchanged, 0 failed' <<<"$stderr"
}

@test "user delete: good + unknown 3 with the good one gone; plain user 5" {
    mkuser del4
    mkuser del5
    login_rcd_admin
    run_rcctl user delete -y del4 no-such-user
    [ "$status" = 3 ] || { show; false; }
    admin_api GET '/api/v1/users.info?username=del4'
    [ "$STATUS" = 400 ]
    mkuser plain-d
    login_user plain-d
    run_rcctl user delete -y del5
    [ "$status" = 5 ] || { show; false; }
    [ "$(field del5 .username)" = del5 ]
}

# ---- logout ----

@test "user logout ends every session of the user" {
    mkuser lo1
    login_as lo1 "$(pw_of lo1)"
    tok=$AUTH_TOKEN uid=$AUTH_UID
    login_rcd_admin
    run_rcctl user logout --dry-run lo1
    [ "$status" = 0 ] || { show; false; }
    AUTH_UID=$uid AUTH_TOKEN=$tok api GET /api/v1/me
    [ "$STATUS" = 200 ]
    run_rcctl user logout lo1
    [ "$status" = 0 ] || { show; false; }
    grep -q "logged out user 'lo1'" <<<"$stderr"
    AUTH_UID=$uid AUTH_TOKEN=$tok api GET /api/v1/me
    [ "$STATUS" = 401 ]
}

@test "user logout: unknown 4; good + unknown 3; plain user 5" {
    mkuser lo2
    login_rcd_admin
    run_rcctl user logout no-such-user
    [ "$status" = 4 ] || { show; false; }
    run_rcctl user logout lo2 no-such-user
    [ "$status" = 3 ] || { show; false; }
    mkuser plain-o
    login_user plain-o
    run_rcctl user logout lo2
    [ "$status" = 5 ] || { show; false; }
}

# ---- 2fa reset ----

@test "user 2fa reset removes a user's TOTP and ends their sessions" {
    mkuser tf1
    login_as tf1 "$(pw_of tf1)"
    tok=$AUTH_TOKEN uid=$AUTH_UID
    db "UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXP', totp_enabled = 1 WHERE username = 'tf1'"
    login_rcd_admin
    # resetTOTP never accepts a remembered 2FA: the admin's password is asked
    run_rcctl user 2fa reset tf1
    [ "$status" = 5 ] || { show; false; }
    grep -q 'two-factor code' <<<"$stderr"
    run_rcctl user 2fa reset --dry-run tf1 --code-file "$BATS_TEST_TMPDIR/pw"
    [ "$status" = 0 ]
    [ "$(db "SELECT totp_enabled FROM users WHERE username = 'tf1'")" = 1 ]
    run_rcctl user 2fa reset tf1 --code-file "$BATS_TEST_TMPDIR/pw"
    [ "$status" = 0 ] || { show; false; }
    grep -q "reset the two-factor authentication of user 'tf1'" <<<"$stderr"
    [ "$(db "SELECT totp_enabled FROM users WHERE username = 'tf1'")" = 0 ]
    AUTH_UID=$uid AUTH_TOKEN=$tok api GET /api/v1/me
    [ "$STATUS" = 401 ]
}

@test "user 2fa reset: unknown 4; good + unknown 3; plain user 5" {
    mkuser tf2
    login_rcd_admin
    run_rcctl user 2fa reset no-such-user --code-file "$BATS_TEST_TMPDIR/pw"
    [ "$status" = 4 ] || { show; false; }
    run_rcctl user 2fa reset tf2 no-such-user --code-file "$BATS_TEST_TMPDIR/pw"
    [ "$status" = 3 ] || { show; false; }
    mkuser plain-t
    login_user plain-t
    run_rcctl user 2fa reset tf2 --code-file "$BATS_TEST_TMPDIR/upw"
    [ "$status" = 5 ] || { show; false; }
}

# ---- roles ----

@test "user roles add and remove, idempotently" {
    mkuser rl1
    login_rcd_admin
    run_rcctl user roles add rl1 bot livechat-agent
    [ "$status" = 0 ] || { show; false; }
    grep -q "added role 'bot' to user 'rl1'" <<<"$stderr"
    [ "$(field rl1 '.roles|sort|join(",")')" = bot,livechat-agent,user ]
    run_rcctl user roles add rl1 bot
    [ "$status" = 0 ]
    grep -q "user 'rl1' already has role 'bot'" <<<"$stderr"
    grep -q '0 changed, 1 unchanged' <<<"$stderr"
    run_rcctl user roles remove rl1 bot livechat-agent
    [ "$status" = 0 ] || { show; false; }
    [ "$(field rl1 '.roles|join(",")')" = user ]
    run_rcctl user roles remove rl1 bot
    [ "$status" = 0 ]
    grep -q "does not have role 'bot'" <<<"$stderr"
}

@test "user roles --dry-run changes nothing; --from gives the users" {
    mkuser rl2
    mkuser rl3
    login_rcd_admin
    run_rcctl user roles add --dry-run rl2 bot
    [ "$status" = 0 ] || { show; false; }
    grep -q "would add role 'bot' to user 'rl2'" <<<"$stderr"
    [ "$(field rl2 '.roles|join(",")')" = user ]
    printf 'rl2\nrl3\n' >"$BATS_TEST_TMPDIR/users"
    run_rcctl user roles add --from "$BATS_TEST_TMPDIR/users" bot
    [ "$status" = 0 ] || { show; false; }
    grep -q '2 changed' <<<"$stderr"
    [ "$(field rl3 '.roles|sort|join(",")')" = bot,user ]
}

@test "user roles: unknown role 4, unknown user 4, good + unknown 3, plain user 5" {
    mkuser rl4
    login_rcd_admin
    run_rcctl user roles add rl4 no-such-role
    [ "$status" = 4 ] || { show; false; }
    grep -q "no role 'no-such-role'" <<<"$stderr"
    run_rcctl user roles add no-such-user bot
    [ "$status" = 4 ] || { show; false; }
    printf 'rl4\nno-such-user\n' >"$BATS_TEST_TMPDIR/users"
    run_rcctl user roles add --from "$BATS_TEST_TMPDIR/users" bot
    [ "$status" = 3 ] || { show; false; }
    [ "$(field rl4 '.roles|sort|join(",")')" = bot,user ]
    mkuser plain-r
    login_user plain-r
    run_rcctl user roles add plain-r admin
    [ "$status" = 5 ] || { show; false; }
    [ "$(field plain-r '.roles|join(",")')" = user ]
}

# ---- help and completion ----

@test "user help shows examples first, and completion comes from the table" {
    run_rcctl user deactivate-idle --help
    [ "$status" = 0 ]
    [ "$(sed -n 3p <<<"$output")" = 'Examples:' ]
    grep -q -- '--max N' <<<"$output"
    run_rcctl __complete user d
    [ "$output" = "$(printf 'deactivate\ndeactivate-idle\ndelete')" ]
    run_rcctl __complete user 2fa r
    [ "$output" = reset ]
    run_rcctl __complete user deactivate-idle --m
    [ "$output" = --max ]
}
