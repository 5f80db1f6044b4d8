# Shared by tests/rcctl/*.bats: a private HOME and XDG dirs per test, the
# mock server (mock_rc.py) for behaviour rcd does not show, and rcd itself
# when it is built.
#
#   load helpers
#   setup()    { rcctl_env; }
#   @test "..." { run_rcctl whoami; [ "$status" = 5 ]; }
#
# run_rcctl keeps stdout and stderr apart: $output is stdout only, $stderr
# is stderr (bats' `run` would mix them).

load ../lib/rcd.bash
bats_require_minimum_version 1.5.0

RCCTL=${RCCTL_BIN:-$TOP/build/rcctl}

# A fresh HOME and XDG dirs, and no RCCTL_* from the caller's environment.
rcctl_env() {
    export HOME="$BATS_TEST_TMPDIR/home"
    export XDG_CONFIG_HOME="$HOME/.config" XDG_STATE_HOME="$HOME/.local/state"
    mkdir -p "$HOME"
    unset RCCTL_URL RCCTL_USER_ID RCCTL_TOKEN RCCTL_TOKEN_FILE RCCTL_PROFILE
    unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy
    CONFIG="$XDG_CONFIG_HOME/rcctl/config"
}

# run_rcctl ARGS...: bats' run with stdout in $output and stderr in
# $stderr. Fails the test when a sanitizer reported something.
run_rcctl() {
    run --separate-stderr "$RCCTL" "$@"
    no_sanitizer_report
}

# Same, with stdin from the file $1.
run_rcctl_in() {
    local in=$1
    shift
    run --separate-stderr "$RCCTL" "$@" <"$in"
    no_sanitizer_report
}

no_sanitizer_report() {
    if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' <<<"$stderr"; then
        echo "sanitizer report:" >&2; echo "$stderr" >&2
        return 1
    fi
}

# Show what a failing assertion was looking at.
show() {
    echo "status: $status" >&2
    echo "stdout: $output" >&2
    echo "stderr: $stderr" >&2
}

# mock_start [--tls CERT KEY]: start mock_rc.py; sets MOCK_URL.
mock_start() {
    export MOCK_DIR=$(mktemp -d "${BATS_TMPDIR:-/tmp}/mockrc.XXXXXX")
    python3 "$TOP/tests/rcctl/mock_rc.py" "$MOCK_DIR/port" "$@" \
        >"$MOCK_DIR/out" 2>&1 &
    echo $! >"$MOCK_DIR/pid"
    for _ in $(seq 1 100); do
        [ -s "$MOCK_DIR/port" ] && break
        sleep 0.05
    done
    [ -s "$MOCK_DIR/port" ] || { cat "$MOCK_DIR/out" >&2; return 1; }
    local scheme=http
    [ "${1:-}" = --tls ] && scheme=https
    export MOCK_URL="$scheme://127.0.0.1:$(cat "$MOCK_DIR/port")"
}

mock_stop() {
    [ -n "${MOCK_DIR:-}" ] && [ -f "$MOCK_DIR/pid" ] || return 0
    kill "$(cat "$MOCK_DIR/pid")" 2>/dev/null || true
    wait "$(cat "$MOCK_DIR/pid")" 2>/dev/null || true
    rm -rf "$MOCK_DIR"
}

# mock_state: the mock's counters and request log, as JSON.
mock_state() {
    curl -s "$MOCK_URL/debug/state"
}

# Is a real rcd binary there? (Until it is, rcd-backed tests skip.)
have_rcd() {
    [ -f "$RCD_BIN" ] && [ -x "$RCD_BIN" ]
}

# need_rcd: skip the test until rcd is built.
need_rcd() {
    have_rcd || skip "rcd is not built yet"
}

# Log rcctl in to the running rcd as the admin (password from a file).
login_rcd_admin() {
    printf '%s\n' "$ADMIN_PASS" >"$BATS_TEST_TMPDIR/pw"
    run_rcctl login --url "$RCD_URL" --user "$ADMIN_USER" \
        --password-file "$BATS_TEST_TMPDIR/pw"
    [ "$status" = 0 ] || { show; return 1; }
}

# Log rcctl in to the mock as admin.
login_mock_admin() {
    printf 'Adm1n-pass\n' >"$BATS_TEST_TMPDIR/pw"
    run_rcctl login --url "$MOCK_URL" --user admin \
        --password-file "$BATS_TEST_TMPDIR/pw"
    [ "$status" = 0 ] || { show; return 1; }
}

# A URL where nothing listens.
dead_url() {
    echo "http://127.0.0.1:$(free_port)"
}
