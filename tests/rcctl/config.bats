#!/usr/bin/env bats
# rcctl/config.c and cmd/profile.c: where the config lives, its modes,
# hand edits kept, precedence flag > env > profile, profile commands.

load helpers

setup_file() { mock_start; }
teardown_file() { mock_stop; }
setup() { rcctl_env; }

# Two profiles on the mock: "a" (admin, current) and "b" (user totp).
two_profiles() {
    mkdir -p "$(dirname "$CONFIG")"
    chmod 700 "$(dirname "$CONFIG")"
    cat >"$CONFIG" <<EOF
# written by hand
current = a

[profile "a"]
	url = $MOCK_URL
	user-id = uid-admin   ; the admin
	username = admin
	token = tok-admin

[profile "b"]
	url = $MOCK_URL/
	user-id = uid-totp
	username = totp
	token = "tok-totp"
EOF
    chmod 600 "$CONFIG"
}

who() {   # who ARGS...: the username rcctl ends up as
    run_rcctl whoami --columns username --no-header "$@"
}

@test "the config goes to XDG_CONFIG_HOME, else ~/.config" {
    login_mock_admin
    [ -f "$XDG_CONFIG_HOME/rcctl/config" ]
    unset XDG_CONFIG_HOME
    rm -rf "$HOME/.config"
    login_mock_admin
    [ -f "$HOME/.config/rcctl/config" ]
    XDG_CONFIG_HOME=relative/path login_mock_admin
    [ ! -e relative ]
}

@test "the config file is 0600 in a 0700 folder, written without leftovers" {
    umask 022
    login_mock_admin
    [ "$(stat -c %a "$CONFIG")" = 600 ]
    [ "$(stat -c %a "$(dirname "$CONFIG")")" = 700 ]
    [ "$(ls -A "$(dirname "$CONFIG")")" = config ]
    [ -z "$stderr" ] || grep -q 'logged in' <<<"$stderr"
}

@test "a warning on stderr when the file or folder is open to others" {
    two_profiles
    chmod 644 "$CONFIG"
    run_rcctl profile list
    [ "$status" = 0 ]
    grep -q "rcctl: warning: config file '$CONFIG' is accessible by others (mode 0644)" <<<"$stderr"
    grep -q 'chmod 600' <<<"$stderr"
    ! grep -q warning <<<"$output"
    chmod 600 "$CONFIG"
    chmod 755 "$(dirname "$CONFIG")"
    run_rcctl profile list
    grep -q "warning: folder '$(dirname "$CONFIG")' is accessible by others" <<<"$stderr"
    chmod 700 "$(dirname "$CONFIG")"
    run_rcctl profile list
    [ -z "$stderr" ]
}

@test "saving rewrites a loose file as 0600" {
    two_profiles
    chmod 644 "$CONFIG"
    run_rcctl profile use b
    [ "$status" = 0 ]
    [ "$(stat -c %a "$CONFIG")" = 600 ]
}

@test "profile precedence: --profile beats RCCTL_PROFILE beats current" {
    two_profiles
    who
    [ "$output" = admin ] || { show; false; }
    RCCTL_PROFILE=b who
    [ "$output" = totp ]
    RCCTL_PROFILE=b who --profile a
    [ "$output" = admin ]
}

@test "credentials: RCCTL_USER_ID/RCCTL_TOKEN beat the profile's" {
    two_profiles
    RCCTL_USER_ID=uid-totp RCCTL_TOKEN=tok-totp who
    [ "$output" = totp ] || { show; false; }
    printf 'tok-totp\n' >"$BATS_TEST_TMPDIR/tok"
    RCCTL_USER_ID=uid-totp RCCTL_TOKEN_FILE=$BATS_TEST_TMPDIR/tok who
    [ "$output" = totp ]
    RCCTL_USER_ID=uid-totp RCCTL_TOKEN_FILE=$BATS_TEST_TMPDIR/missing who
    [ "$status" = 1 ]
    grep -q RCCTL_TOKEN_FILE <<<"$stderr"
}

@test "url: --url beats RCCTL_URL beats the profile's" {
    two_profiles
    RCCTL_URL=$(dead_url) run_rcctl -q info --url "$MOCK_URL"
    [ "$status" = 0 ] || { show; false; }
    RCCTL_URL=$(dead_url) run_rcctl -q info
    [ "$status" = 7 ]
    run_rcctl info -o json
    [ "$(jq -r .url <<<"$output")" = "$MOCK_URL" ]
}

@test "a profile's token is never sent to another server" {
    two_profiles
    run_rcctl whoami --url "$(dead_url)"
    [ "$status" = 5 ] || { show; false; }
    grep -q 'not logged in' <<<"$stderr"
    RCCTL_URL=$(dead_url) run_rcctl whoami
    [ "$status" = 5 ]
}

@test "--url picks the profile whose url matches" {
    two_profiles
    sed -i 's/^current = a/current = nope/' "$CONFIG"
    who --url "$MOCK_URL"
    [ "$status" = 0 ] || { show; false; }
    [ "$output" = admin ]
}

@test "a named profile that does not exist exits 4" {
    two_profiles
    run_rcctl --profile nope whoami
    [ "$status" = 4 ]
    grep -q "no profile 'nope'" <<<"$stderr"
    RCCTL_PROFILE=nope run_rcctl info
    [ "$status" = 4 ]
}

@test "profile list shows profiles and never a token" {
    two_profiles
    run_rcctl profile list
    [ "$status" = 0 ]
    [ "$(head -1 <<<"$output")" = "$(printf 'name\tcurrent\turl\tusername\tlogged-in')" ]
    [ "$(sed -n 2p <<<"$output")" = "$(printf 'a\ttrue\t%s\tadmin\ttrue' "$MOCK_URL")" ]
    [ "$(sed -n 3p <<<"$output" | cut -f1,2,4)" = "$(printf 'b\tfalse\ttotp')" ]
    ! grep -q tok- <<<"$output"
    run_rcctl profile list -o json
    ! grep -q tok- <<<"$output"
    jq -e 'length == 2 and .[0]["user-id"] == "uid-admin"' <<<"$output"
}

@test "profile list with no config prints only the header" {
    run_rcctl profile list
    [ "$status" = 0 ]
    [ "$output" = "$(printf 'name\tcurrent\turl\tusername\tlogged-in')" ]
    [ ! -e "$CONFIG" ]
}

@test "profile use switches the current profile and keeps hand edits" {
    two_profiles
    run_rcctl profile use b
    [ "$status" = 0 ] || { show; false; }
    grep -qx 'current = b' "$CONFIG"
    grep -qx '# written by hand' "$CONFIG"
    grep -qF 'user-id = uid-admin   ; the admin' "$CONFIG"
    who
    [ "$output" = totp ]
    run_rcctl profile use nope
    [ "$status" = 4 ]
    grep -qx 'current = b' "$CONFIG"
}

@test "profile remove drops the section and the current mark" {
    two_profiles
    run_rcctl profile remove a
    [ "$status" = 0 ] || { show; false; }
    ! grep -q 'profile "a"' "$CONFIG"
    ! grep -q 'tok-admin' "$CONFIG"
    ! grep -q '^current' "$CONFIG"
    grep -q 'profile "b"' "$CONFIG"
    run_rcctl whoami
    [ "$status" = 5 ]
    run_rcctl profile remove nope
    [ "$status" = 4 ]
    run_rcctl profile remove b nope
    [ "$status" = 3 ]
    ! grep -q 'profile "b"' "$CONFIG"
}

@test "a syntax error in the config names the file and line" {
    two_profiles
    printf 'this is not ini\n' >>"$CONFIG"
    n=$(wc -l <"$CONFIG")
    run_rcctl profile list
    [ "$status" = 1 ]
    grep -q "rcctl: error: $CONFIG:$n: expected 'key = value'" <<<"$stderr"
}

@test "login keeps other profiles and comments" {
    two_profiles
    printf 'Adm1n-pass\n' >"$BATS_TEST_TMPDIR/pw"
    run_rcctl login --profile c --url "$MOCK_URL" --user admin \
        --password-file "$BATS_TEST_TMPDIR/pw"
    [ "$status" = 0 ] || { show; false; }
    grep -qx 'current = c' "$CONFIG"
    grep -qx '# written by hand' "$CONFIG"
    grep -q 'profile "a"' "$CONFIG"
    grep -q 'profile "b"' "$CONFIG"
    grep -q 'profile "c"' "$CONFIG"
}

@test "login refuses to reuse a profile name that is for another server" {
    two_profiles
    printf 'x\n' >"$BATS_TEST_TMPDIR/pw"
    run_rcctl login --profile a --url "$(dead_url)" --user admin \
        --password-file "$BATS_TEST_TMPDIR/pw"
    [ "$status" = 1 ]
    grep -q "profile 'a' is for" <<<"$stderr"
}
