#!/usr/bin/env bats
# rcctl/cmd/auth.c: login (password file, stdin, token), logout, whoami;
# against rcd, and against the mock for two-factor logins.

load helpers

setup_file() {
    rcd_file_start
    mock_start
}
teardown_file() {
    mock_stop
    rcd_file_stop
}
setup() { rcctl_env; }

@test "login --password-file stores the token in a new current profile" {
    need_rcd
    printf '%s\n' "$ADMIN_PASS" >"$BATS_TEST_TMPDIR/pw"
    run_rcctl login --url "$RCD_URL" --user "$ADMIN_USER" \
        --password-file "$BATS_TEST_TMPDIR/pw"
    [ "$status" = 0 ] || { show; false; }
    [ -z "$output" ]
    grep -q "logged in to $RCD_URL as admin" <<<"$stderr"
    name=${RCD_URL#http://}
    grep -qx "current = $name" "$CONFIG"
    grep -qF "[profile \"$name\"]" "$CONFIG"
    grep -qxF "	url = $RCD_URL" "$CONFIG"
    grep -qE '^	user-id = .+' "$CONFIG"
    grep -qx '	username = admin' "$CONFIG"
    grep -qE '^	token = .{20,}' "$CONFIG"
    ! grep -qF "$ADMIN_PASS" "$CONFIG"
    [ "$(stat -c %a "$CONFIG")" = 600 ]
    [ "$(stat -c %a "$(dirname "$CONFIG")")" = 700 ]
}

@test "login reads the password from the first line of stdin when it is not a tty" {
    need_rcd
    printf '%s\nsecond line\n' "$ADMIN_PASS" >"$BATS_TEST_TMPDIR/in"
    run_rcctl_in "$BATS_TEST_TMPDIR/in" login --url "$RCD_URL" --user admin
    [ "$status" = 0 ] || { show; false; }
    run_rcctl whoami --no-header --columns username
    [ "$output" = admin ]
}

@test "login with an e-mail address and --profile NAME" {
    need_rcd
    printf '%s\r\n' "$ADMIN_PASS" >"$BATS_TEST_TMPDIR/pw"   # CRLF is fine
    run_rcctl login --url "$RCD_URL/" --user "$ADMIN_MAIL" --profile local \
        --password-file "$BATS_TEST_TMPDIR/pw"
    [ "$status" = 0 ] || { show; false; }
    grep -qx 'current = local' "$CONFIG"
    grep -qxF "	url = $RCD_URL" "$CONFIG"    # trailing '/' dropped
}

@test "a wrong password exits 5, says why on stderr, prints nothing, stores nothing" {
    need_rcd
    printf 'not-the-password\n' >"$BATS_TEST_TMPDIR/pw"
    run_rcctl login --url "$RCD_URL" --user admin \
        --password-file "$BATS_TEST_TMPDIR/pw"
    [ "$status" = 5 ] || { show; false; }
    [ -z "$output" ]
    grep -q "rcctl: error: cannot log in to '$RCD_URL' as 'admin': Unauthorized" <<<"$stderr"
    ! grep -q "log in again" <<<"$stderr"
    [ ! -e "$CONFIG" ]
}

@test "an unknown user exits 5 like a wrong password" {
    need_rcd
    printf 'x\n' >"$BATS_TEST_TMPDIR/pw"
    run_rcctl login --url "$RCD_URL" --user nobody-here \
        --password-file "$BATS_TEST_TMPDIR/pw"
    [ "$status" = 5 ]
    [ -z "$output" ]
}

@test "a password or token on argv is refused before anything is sent" {
    need_rcd
    run_rcctl login --url "$RCD_URL" --user admin --password "$ADMIN_PASS"
    [ "$status" = 2 ]
    grep -q 'not taken from the command line' <<<"$stderr"
    grep -q -- '--password-file' <<<"$stderr"
    run_rcctl login --url "$RCD_URL" --user-id x --token abc
    [ "$status" = 2 ]
    [ ! -e "$CONFIG" ]
}

@test "login with empty stdin fails without a request" {
    need_rcd
    run_rcctl_in /dev/null login --url "$RCD_URL" --user admin
    [ "$status" = 1 ]
    grep -q "'stdin' is empty" <<<"$stderr"
}

@test "login without a server or user is a usage error" {
    need_rcd
    run_rcctl_in /dev/null login --user admin
    [ "$status" = 2 ]
    grep -q 'no server' <<<"$stderr"
    run_rcctl_in /dev/null login --url "$RCD_URL"
    [ "$status" = 2 ]
    grep -q 'no user' <<<"$stderr"
    run_rcctl login --url "$RCD_URL" --user-id abc
    [ "$status" = 2 ]
    grep -q 'go together' <<<"$stderr"
}

@test "login --user-id --token-file checks the token with /me and keeps it" {
    need_rcd
    login_as "$ADMIN_USER" "$ADMIN_PASS"
    printf '%s\n' "$AUTH_TOKEN" >"$BATS_TEST_TMPDIR/tok"
    run_rcctl login --url "$RCD_URL" --user-id "$AUTH_UID" \
        --token-file "$BATS_TEST_TMPDIR/tok"
    [ "$status" = 0 ] || { show; false; }
    grep -qx "	user-id = $AUTH_UID" "$CONFIG"
    grep -qx '	username = admin' "$CONFIG"
    run_rcctl whoami -o json
    [ "$(jq -r ._id <<<"$output")" = "$AUTH_UID" ]
}

@test "login with a bad token exits 5 and stores nothing" {
    need_rcd
    printf 'bogus-token\n' >"$BATS_TEST_TMPDIR/tok"
    run_rcctl login --url "$RCD_URL" --user-id someone \
        --token-file "$BATS_TEST_TMPDIR/tok"
    [ "$status" = 5 ] || { show; false; }
    [ -z "$output" ]
    [ ! -e "$CONFIG" ]
}

@test "whoami shows username, _id, name, roles and the server url" {
    need_rcd
    login_rcd_admin
    run_rcctl whoami
    [ "$status" = 0 ] || { show; false; }
    [ "$(head -1 <<<"$output")" = "$(printf 'username\t_id\tname\troles\turl')" ]
    row=$(sed -n 2p <<<"$output")
    [ "$(cut -f1 <<<"$row")" = admin ]
    [ "$(cut -f5 <<<"$row")" = "$RCD_URL" ]
    [[ "$(cut -f4 <<<"$row")" == *admin* ]]
}

@test "whoami in each format" {
    need_rcd
    login_rcd_admin
    run_rcctl whoami -o json
    [ "$status" = 0 ]
    jq -e '.username == "admin" and (.roles | index("admin")) and .url != null and (has("success") | not)' <<<"$output"
    id=$(jq -r ._id <<<"$output")
    run_rcctl whoami -o ndjson
    [ "$(wc -l <<<"$output")" = 1 ]
    jq -e '.username == "admin"' <<<"$output"
    run_rcctl whoami -o csv --columns username,_id
    [ "$output" = "$(printf 'username,_id\r\nadmin,%s\r' "$id")" ]
    run_rcctl whoami -o ids
    [ "$output" = "$id" ]
    run_rcctl whoami -o table
    [[ "$(head -1 <<<"$output")" == USERNAME* ]]
    run_rcctl whoami --columns emails.0.address --no-header
    [ "$output" = "$ADMIN_MAIL" ]
}

@test "whoami without a login exits 5 with a hint" {
    run_rcctl whoami
    [ "$status" = 5 ]
    [ -z "$output" ]
    grep -q "not logged in" <<<"$stderr"
    grep -q "rcctl login" <<<"$stderr"
}

@test "whoami with a revoked token exits 5 and suggests logging in" {
    need_rcd
    login_rcd_admin
    sed -i 's/^\(\ttoken = \).*/\1revoked-token/' "$CONFIG"
    run_rcctl whoami
    [ "$status" = 5 ] || { show; false; }
    grep -q "HTTP 401" <<<"$stderr"
    grep -q "log in again" <<<"$stderr"
}

@test "logout ends the session on the server and forgets the token" {
    need_rcd
    login_rcd_admin
    token=$(sed -n 's/^\ttoken = //p' "$CONFIG")
    uid=$(sed -n 's/^\tuser-id = //p' "$CONFIG")
    run_rcctl logout
    [ "$status" = 0 ] || { show; false; }
    [ -z "$output" ]
    ! grep -q 'token' "$CONFIG"
    grep -qxF "	url = $RCD_URL" "$CONFIG"
    AUTH_UID=$uid AUTH_TOKEN=$token api GET /api/v1/me
    [ "$STATUS" = 401 ]
    run_rcctl whoami
    [ "$status" = 5 ]
}

@test "login again after logout asks only for the password" {
    need_rcd
    login_rcd_admin
    run_rcctl logout
    printf '%s\n' "$ADMIN_PASS" >"$BATS_TEST_TMPDIR/in"
    run_rcctl_in "$BATS_TEST_TMPDIR/in" login
    [ "$status" = 0 ] || { show; false; }
    run_rcctl whoami --columns username --no-header
    [ "$output" = admin ]
}

@test "login answers totp-required: --code retries with the code" {
    printf 'Totp-pass\n' >"$BATS_TEST_TMPDIR/pw"
    run_rcctl login --url "$MOCK_URL" --user totp \
        --password-file "$BATS_TEST_TMPDIR/pw" --code 123456
    [ "$status" = 0 ] || { show; false; }
    grep -qx '	username = totp' "$CONFIG"
    last=$(mock_state | jq -c '[.log[] | select(.path == "/api/v1/login")] | last.body')
    [ "$(jq -r .code <<<"$last")" = 123456 ]
}

@test "login 2FA code from --code-file" {
    printf 'Totp-pass\n' >"$BATS_TEST_TMPDIR/pw"
    printf '123456\n' >"$BATS_TEST_TMPDIR/code"
    run_rcctl login --url "$MOCK_URL" --user totp \
        --password-file "$BATS_TEST_TMPDIR/pw" --code-file "$BATS_TEST_TMPDIR/code"
    [ "$status" = 0 ] || { show; false; }
}

@test "login 2FA without a code and no terminal exits 5 and says how" {
    printf 'Totp-pass\n' >"$BATS_TEST_TMPDIR/pw"
    run_rcctl_in /dev/null login --url "$MOCK_URL" --user totp \
        --password-file "$BATS_TEST_TMPDIR/pw"
    [ "$status" = 5 ] || { show; false; }
    grep -q -- '--code' <<<"$stderr"
    [ ! -e "$CONFIG" ]
}

@test "login 2FA with a wrong code exits 5" {
    printf 'Totp-pass\n' >"$BATS_TEST_TMPDIR/pw"
    run_rcctl login --url "$MOCK_URL" --user totp \
        --password-file "$BATS_TEST_TMPDIR/pw" --code 000000
    [ "$status" = 5 ]
}

@test "the password never reaches argv, stderr with -vv, or the config" {
    need_rcd
    printf '%s\n' "$ADMIN_PASS" >"$BATS_TEST_TMPDIR/pw"
    run_rcctl -vv login --url "$RCD_URL" --user admin \
        --password-file "$BATS_TEST_TMPDIR/pw"
    [ "$status" = 0 ]
    grep -q '^> POST /api/v1/login' <<<"$stderr"
    ! grep -qF "$ADMIN_PASS" <<<"$stderr"
    ! grep -qF "$ADMIN_PASS" "$CONFIG"
}

@test "on a terminal login asks for password and 2FA code, not echoing the password" {
    command -v script >/dev/null || skip "no script(1)"
    run bash -c "(sleep 0.5; printf 'Totp-pass\n'; sleep 0.5; printf '123456\n') |
        script -qec '$RCCTL login --url $MOCK_URL --user totp' /dev/null"
    [ "$status" = 0 ] || { echo "$output"; false; }
    grep -q "Password for totp at $MOCK_URL:" <<<"$output"
    grep -q "Two-factor code" <<<"$output"
    grep -q "123456" <<<"$output"            # the code is echoed...
    ! grep -q "Totp-pass" <<<"$output"       # ...the password is not
    grep -qx '	username = totp' "$CONFIG"
}
