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

# rcd_file_start [ENV=VALUE ...] / rcd_file_stop: setup_file and
# teardown_file of a suite run against a real rcd: one rcd for the file,
# started (with rcd_start's arguments) and stopped only when rcd is built.
rcd_file_start() { if have_rcd; then rcd_start "$@"; fi; }
rcd_file_stop() { if have_rcd; then rcd_stop; fi; }

# rcd_test_env: setup of such a suite: rcctl_env, and skip without rcd.
rcd_test_env() {
    rcctl_env
    need_rcd
}

# pw_of NAME: the password mkuser gives the test user NAME.
pw_of() { echo "Pw-$1-0123456789"; }

# mkuser NAME [ROLE]: as the admin, an active user with a verified e-mail
# and the password pw_of NAME (the caller's api login is kept).
mkuser() { create_user "$1" "$(pw_of "$1")" "${2:-}"; }

# login_user NAME: log rcctl in to the running rcd as the mkuser user NAME.
login_user() {
    pw_of "$1" >"$BATS_TEST_TMPDIR/upw"
    run_rcctl login --url "$RCD_URL" --user "$1" --password-file "$BATS_TEST_TMPDIR/upw"
    [ "$status" = 0 ] || { show; return 1; }
}

# admin_api METHOD PATH [BODY]: api (tests/lib/rcd.bash) as the admin.
admin_api() { login_as "$ADMIN_USER" "$ADMIN_PASS" && api "$@"; }

# counts TEXT: rcctl's summary line on stderr is "rcctl: TEXT".
counts() { grep -q "rcctl: $1$" <<<"$stderr" || { show; false; }; }

# db SQL: run SQL on the running rcd's database.
db() { sqlite3 -cmd '.timeout 5000' "$RCD_DIR/rcd.db" "$1"; }

# days_ago_ms N: the time N days ago, in milliseconds since the epoch.
days_ago_ms() { echo $(( ($(date +%s) - $1 * 86400) * 1000 )); }

# field NAME JQ: a field of users.info for NAME, as the admin.
field() {
    admin_api GET "/api/v1/users.info?username=$1"
    jq -r ".user$2" <<<"$BODY"
}

# channel_members NAME: the usernames in channel NAME, sorted, one a line.
channel_members() {
    admin_api GET "/api/v1/channels.members?roomName=$1&count=100"
    jq -r '.members[].username' <<<"$BODY" | sort
}

# texts ROOMID: the non-system message texts of a channel, oldest first.
texts() {
    admin_api GET "/api/v1/channels.messages?roomId=$1&count=100&sort=%7B%22ts%22%3A1%7D"
    jq -r '.messages[] | select(.t == null) | .msg' <<<"$BODY"
}

# mkroom c|p NAME: as the admin, a channel (c) or private group (p) NAME;
# prints its id.
mkroom() {
    local ep=channels; [ "$1" = p ] && ep=groups
    admin_api POST "/api/v1/$ep.create" "{\"name\":\"$2\"}"
    [ "$STATUS" = 200 ] || { echo "$BODY" >&2; false; }
    jq -r '(.channel // .group)._id' <<<"$BODY"
}

# post ROOMID TEXT: as the admin, chat.postMessage TEXT in the room.
post() {
    admin_api POST /api/v1/chat.postMessage "$(jq -nc --arg r "$1" --arg t "$2" '{roomId:$r,text:$t}')"
    [ "$STATUS" = 200 ] || { echo "post: $STATUS $BODY" >&2; false; }
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
