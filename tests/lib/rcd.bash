# Helpers for bats suites: start a real rcd on a free port with a fresh
# database, talk to it with curl, and stop it by its PID.
#
#   setup_file()    { rcd_start; }        # one server per .bats file
#   teardown_file() { rcd_stop; }
#   @test "..." { login_as admin "$ADMIN_PASS"; api GET /api/v1/me; [ "$STATUS" = 200 ]; }
#
# api sets STATUS (HTTP code), BODY (response body) and HEADERS (file path).

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export RCD_BIN=${RCD_BIN:-$TOP/build/rcd}
export RCCTL_BIN=${RCCTL_BIN:-$TOP/build/rcctl}
export ADMIN_USER=admin
export ADMIN_PASS='Adm1n-pass-for-tests'
export ADMIN_MAIL=admin@example.com

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# rcd_start [ENV=VALUE ...] [-- rcd flags...]: start rcd, wait until it
# answers. Suites run in parallel (bats --jobs), so a free port can be taken
# between free_port and rcd's bind: then rcd exits and we try another port.
rcd_start() {
    local envs=() flags=() try
    while [ $# -gt 0 ]; do
        if [ "$1" = -- ]; then shift; flags=("$@"); break; fi
        envs+=("$1"); shift
    done
    export RCD_DIR=${RCD_DIR_KEEP:-$(mktemp -d "${BATS_TMPDIR:-/tmp}/rcd.XXXXXX")}
    for try in 1 2 3 4 5; do
        # a restart on a kept directory keeps the port, so RCD_URL stays valid
        if [ -n "${RCD_DIR_KEEP:-}" ] && [ -f "$RCD_DIR/rcd.port" ]; then
            export RCD_PORT=$(cat "$RCD_DIR/rcd.port")
        else
            export RCD_PORT=$(free_port)
        fi
        echo "$RCD_PORT" >"$RCD_DIR/rcd.port"
        export RCD_URL="http://127.0.0.1:$RCD_PORT"
        rcd_spawn
        case $? in
        0) return 0 ;;
        2) [ -z "${RCD_DIR_KEEP:-}" ] && continue ;;
        esac
        return 1
    done
    echo "rcd found no free port" >&2
    return 1
}

# rcd_spawn: one start attempt on $RCD_PORT. 0: ours answers; 2: the port
# was taken; 1: anything else.
rcd_spawn() {
    local pid i mark
    mark=0
    [ -f "$RCD_DIR/rcd.log" ] && mark=$(wc -l <"$RCD_DIR/rcd.log")
    # like Rocket.Chat's TEST_MODE, the REST rate limiter is off unless a
    # test turns it on (later assignments win)
    env ADMIN_USERNAME="$ADMIN_USER" ADMIN_PASS="$ADMIN_PASS" \
        ADMIN_EMAIL="$ADMIN_MAIL" RCD_BCRYPT_COST=4 \
        OVERWRITE_SETTING_API_Enable_Rate_Limiter=false "${envs[@]}" \
        "$RCD_BIN" --port "$RCD_PORT" --bind 127.0.0.1 \
        --db "$RCD_DIR/rcd.db" "${flags[@]}" \
        >>"$RCD_DIR/rcd.out" 2>>"$RCD_DIR/rcd.log" &
    pid=$!
    echo "$pid" >"$RCD_DIR/rcd.pid"
    for i in $(seq 1 200); do
        # answering is not enough: it must be our rcd that listens
        if tail -n +"$((mark + 1))" "$RCD_DIR/rcd.log" | grep -q 'listening on' &&
            curl -s -o /dev/null "$RCD_URL/api/info"; then
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid" 2>/dev/null
            if tail -n +"$((mark + 1))" "$RCD_DIR/rcd.log" | grep -qi 'in use'; then
                return 2
            fi
            echo "rcd exited during start-up:" >&2; cat "$RCD_DIR/rcd.log" >&2
            return 1
        fi
        sleep 0.05
    done
    echo "rcd did not answer within 10 s" >&2
    return 1
}

# rcd_stop: SIGTERM, wait, and fail if rcd did not exit 0 or a sanitizer
# spoke. Removes the temporary directory unless RCD_DIR_KEEP is set.
rcd_stop() {
    local pid rc=0 i
    [ -n "${RCD_DIR:-}" ] && [ -d "$RCD_DIR" ] || return 0
    if [ -f "$RCD_DIR/rcd.pid" ]; then
        pid=$(cat "$RCD_DIR/rcd.pid")
        kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "rcd did not stop within 10 s of SIGTERM" >&2
            kill -KILL "$pid"; rc=1
        fi
        # a server started by setup_file is not this shell's child: then
        # wait says 127 and the log's last line tells whether it stopped well
        wait "$pid" 2>/dev/null || rc=$?
        if [ "$rc" = 127 ]; then
            rc=0
            tail -1 "$RCD_DIR/rcd.log" | grep -q 'rcd: stopped' || rc=1
        fi
        rm -f "$RCD_DIR/rcd.pid"
        if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$RCD_DIR/rcd.log"; then
            echo "sanitizer report in rcd.log:" >&2; cat "$RCD_DIR/rcd.log" >&2; rc=1
        fi
        if [ "$rc" != 0 ]; then
            echo "rcd exit status $rc; log:" >&2; tail -50 "$RCD_DIR/rcd.log" >&2
        fi
    fi
    [ -n "${RCD_DIR_KEEP:-}" ] || rm -rf "$RCD_DIR"
    return "$rc"
}

# rcd_stop_keep: stop rcd but keep its directory (database, logs).
rcd_stop_keep() { RCD_DIR_KEEP=$RCD_DIR rcd_stop; }

# api METHOD PATH [BODY] [extra curl args...]: sends with $AUTH_UID/$AUTH_TOKEN
# when set. BODY is sent as application/json unless it is "-" (no body).
api() {
    local method=$1 path=$2 body=${3:-} args=()
    shift 2; [ $# -gt 0 ] && shift
    [ -n "${AUTH_UID:-}" ] && args+=(-H "X-User-Id: $AUTH_UID")
    [ -n "${AUTH_TOKEN:-}" ] && args+=(-H "X-Auth-Token: $AUTH_TOKEN")
    if [ -n "$body" ] && [ "$body" != - ]; then
        args+=(-H 'Content-Type: application/json' --data-binary "$body")
    fi
    HEADERS="$RCD_DIR/last.headers"
    STATUS=$(curl -s -X "$method" -o "$RCD_DIR/last.body" -D "$HEADERS" \
        -w '%{http_code}' "${args[@]}" "$@" "$RCD_URL$path")
    BODY=$(cat "$RCD_DIR/last.body")
}

# login_as USER PASSWORD: log in and keep AUTH_UID/AUTH_TOKEN for api.
login_as() {
    AUTH_UID= AUTH_TOKEN=
    api POST /api/v1/login "$(jq -nc --arg u "$1" --arg p "$2" '{user:$u,password:$p}')"
    [ "$STATUS" = 200 ] || { echo "login as $1 failed: $STATUS $BODY" >&2; return 1; }
    export AUTH_UID AUTH_TOKEN
    AUTH_UID=$(jq -r .data.userId <<<"$BODY")
    AUTH_TOKEN=$(jq -r .data.authToken <<<"$BODY")
}

logout_local() { AUTH_UID= AUTH_TOKEN=; }

# jq_is FILTER: assert that jq -e FILTER holds on $BODY, showing it if not.
jq_is() {
    if ! jq -e "$1" >/dev/null <<<"$BODY"; then
        echo "expected: $1" >&2; echo "status $STATUS, body: $BODY" >&2
        return 1
    fi
}

# create_user NAME PASSWORD [ROLE]: as the admin, create an active user with
# a verified e-mail NAME@example.com; prints nothing, keeps the caller's login.
create_user() {
    local uid=$AUTH_UID tok=$AUTH_TOKEN roles='["user"]'
    [ -n "${3:-}" ] && roles="[\"$3\"]"
    login_as "$ADMIN_USER" "$ADMIN_PASS" || return 1
    api POST /api/v1/users.create "$(jq -nc --arg u "$1" --arg p "$2" --argjson r "$roles" \
        '{username:$u,password:$p,email:($u+"@example.com"),name:$u,roles:$r,verified:true}')"
    local st=$STATUS body=$BODY
    AUTH_UID=$uid AUTH_TOKEN=$tok
    [ "$st" = 200 ] || { echo "create_user $1: $st $body" >&2; return 1; }
}

# method_call NAME [PARAMS_JSON]: POST /api/v1/method.call/NAME as the
# current login; RESULT holds the decoded inner message.
method_call() {
    local msg
    msg=$(jq -nc --arg m "$1" --argjson p "${2:-[]}" '{msg:"method",id:"1",method:$m,params:$p}')
    api POST "/api/v1/method.call/$1" "$(jq -nc --arg m "$msg" '{message:$m}')"
    RESULT=$(jq -r '.message // empty' <<<"$BODY")
}

totp_code() { python3 "$TOP/tests/lib/totp.py" "$@"; }
sha256hex() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
