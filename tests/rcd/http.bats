#!/usr/bin/env bats
# HTTP framing, limits, keep-alive, pipelining, timeouts and the access log
# (rcd/http.c, rcd/conn.c, rcd/server.c), mostly over raw sockets with
# tests/lib/rawhttp.py. The file's server runs with short timeouts and -v.

load ../lib/rcd

RAW="$BATS_TEST_DIRNAME/../lib/rawhttp.py"
OK=$'GET /api/info HTTP/1.1\r\nHost: t\r\n\r\n'

setup_file() {
    rcd_start -- --header-timeout 1 --idle-timeout 2 --verbose
}

teardown_file() {
    rcd_stop
}

# Stop a server a test started for itself (EXTRA_DIR), never the file's.
teardown() {
    if [ -n "${EXTRA_DIR:-}" ]; then
        RCD_DIR=$EXTRA_DIR rcd_stop
    fi
}

# start_extra FLAGS...: a second server for this test only.
start_extra() {
    rcd_start -- "$@"
    EXTRA_DIR=$RCD_DIR
}

# raw [rawhttp options] PAYLOAD...: talk to the server; sets $output/$lines.
raw() {
    run python3 "$RAW" --timeout "${RAW_TIMEOUT:-1}" "$RCD_PORT" "$@"
}

# A request line plus Host for PATH, escapes left for rawhttp to decode.
get() {
    printf 'GET %s HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n' "$1"
}

# expect_error_after_ok STATUS MARKER: the pipelined OK request got 200,
# the bad one STATUS with Rocket.Chat's error JSON, then the connection
# closed and the request after it (path /MARKER) never ran.
expect_error_after_ok() {
    local status=$1 marker=$2
    printf '%s\n' "$output"
    [ "${#lines[@]}" -eq 3 ]
    [ "${lines[0]%% *}" = 200 ]
    [ "${lines[1]%% *}" = "$status" ]
    jq -e '.success == false and (.error | type == "string")' \
        <<<"${lines[1]#* }"
    [ "${lines[2]}" = closed ]
    sleep 0.1
    refute_log "$marker"
}

# pipeline_error STATUS MARKER BAD: OK, then BAD, then GET /MARKER in one write.
pipeline_error() {
    raw --bodies "$(get /api/info)$3$(get "/$2")"
    expect_error_after_ok "$1" "$2"
}

log_lines() {
    grep -c "$1" "$RCD_DIR/rcd.log" || true
}

# refute_log GREP-ARGS...: fail, showing the lines, if the log matches.
refute_log() {
    if grep -q "$@" "$RCD_DIR/rcd.log"; then
        echo "the log should not match: $*" >&2
        grep "$@" "$RCD_DIR/rcd.log" >&2
        return 1
    fi
}

# time_between LO HI: rawhttp's "time" line in $output lies in [LO, HI).
time_between() {
    local t
    t=$(sed -n 's/^time //p' <<<"$output")
    [ -n "$t" ] && awk -v t="$t" -v lo="$1" -v hi="$2" \
        'BEGIN { exit !(t >= lo && t < hi) }'
}

# ---- replies ----

@test "GET /api/info is 200 with the common JSON and no-cache headers" {
    api GET /api/info
    [ "$STATUS" = 200 ]
    grep -qix $'content-type: application/json\r' "$HEADERS"
    grep -qix $'cache-control: no-store\r' "$HEADERS"
    grep -qix $'pragma: no-cache\r' "$HEADERS"
    grep -qix $'x-content-type-options: nosniff\r' "$HEADERS"
    len=$(grep -i '^content-length:' "$HEADERS" | tr -dc 0-9)
    [ "$len" = "$(printf %s "$BODY" | wc -c)" ]
    jq_is '.success == true'
    # RFC 9110's Date, in IMF-fixdate, close to this machine's clock
    date=$(sed -n 's/^[Dd]ate: \(.*\)\r$/\1/p' "$HEADERS")
    [[ "$date" =~ ^[A-Z][a-z]{2},\ [0-9]{2}\ [A-Z][a-z]{2}\ [0-9]{4}\ [0-9:]{8}\ GMT$ ]]
    skew=$(( $(date -u -d "$date" +%s) - $(date -u +%s) ))
    [ "${skew#-}" -le 2 ]
}

@test "unknown path is 404 with Rocket.Chat's error JSON" {
    api GET /api/v1/no.such.endpoint
    [ "$STATUS" = 404 ]
    grep -qix $'content-type: application/json\r' "$HEADERS"
    jq_is '.success == false and (.error | type == "string")'
}

# ---- keep-alive and pipelining ----

@test "keep-alive: two requests in turn on one connection, which stays open" {
    raw "$OK" "$(get /nope-keepalive)"
    [ "$output" = $'200\n404\nopen' ]
}

@test "100 pipelined GETs in one write get 100 responses in order" {
    raw --repeat 50 "$OK$(get /nope-pipelined)"
    [ "${#lines[@]}" -eq 101 ]
    for i in $(seq 0 2 98); do
        [ "${lines[$i]}" = 200 ]
        [ "${lines[$((i + 1))]}" = 404 ]
    done
    [ "${lines[100]}" = open ]
}

@test "2000 pipelined requests (over 256 KiB of replies) are all answered" {
    RAW_TIMEOUT=1.5 raw --repeat 2000 "$OK"
    [ "${#lines[@]}" -eq 2001 ]
    [ "$(printf '%s\n' "${lines[@]}" | grep -c '^200$')" -eq 2000 ]
    [ "${lines[2000]}" = open ]
}

@test "Connection: close is honoured after the reply" {
    raw --headers $'GET /api/info HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'
    [[ "$output" == *$'\nConnection: close\n'* ]]
    [ "${lines[-1]}" = closed ]
}

@test "HTTP/1.0 closes after the reply; 1.0 keep-alive stays open and says so" {
    raw $'GET /api/info HTTP/1.0\r\n\r\n'
    [ "$output" = $'200\nclosed' ]
    raw --headers $'GET /api/info HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'
    [[ "$output" == *$'\nConnection: keep-alive\n'* ]]
    [ "${lines[-1]}" = open ]
}

@test "Upgrade: h2c is served as a normal request and never switches" {
    raw $'GET /api/info HTTP/1.1\r\nHost: t\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n'"$OK"
    [ "$output" = $'200\n200\nopen' ]
}

@test "Expect: 100-continue gets the interim reply, then the real one" {
    raw $'POST /api/v1/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n' '{}'
    [ "${lines[0]}" = 100 ]
    [ "${lines[1]}" = 400 ]
}

@test "percent-encoded path is decoded before routing" {
    raw "$(get /api/%69nfo)"
    [ "${lines[0]}" = 200 ]
}

# ---- limits and framing errors: reply, close, nothing after it runs ----

@test "header block over the cap is 431 and closes" {
    pipeline_error 431 after-431 \
        "GET /api/info HTTP/1.1\\r\\nHost: t\\r\\nX-Big: $(head -c 17000 /dev/zero | tr '\0' a)\\r\\n\\r\\n"
}

@test "request line over the cap is 414 and closes" {
    pipeline_error 414 after-414 \
        "GET /api/info?q=$(head -c 17000 /dev/zero | tr '\0' a) HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n"
}

@test "Content-Length over the body cap is 413 before the body is sent" {
    raw --bodies --time $'POST /api/v1/login HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\n\r\n'
    [ "${lines[0]%% *}" = 413 ]
    [ "${lines[-1]}" = closed ]
    # answered at once, not after waiting for the body or a timeout
    time_between 0 0.5
    pipeline_error 413 after-413 \
        'POST /api/v1/login HTTP/1.1\r\nHost: t\r\nContent-Length: 1048577\r\n\r\n'
}

@test "chunked request body is 411 and closes" {
    pipeline_error 411 after-411 \
        'POST /api/v1/login HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n'
}

@test "Transfer-Encoding together with Content-Length is 400 and closes" {
    pipeline_error 400 after-te-cl \
        'POST /api/v1/login HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n{}'
}

@test "HTTP/1.1 request without Host is 400 and closes" {
    pipeline_error 400 after-nohost 'GET /api/info HTTP/1.1\r\n\r\n'
}

@test "two Host headers are 400 and close" {
    pipeline_error 400 after-twohost \
        'GET /api/info HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'
}

@test "HTTP/1.0 without Host is fine" {
    raw $'GET /api/info HTTP/1.0\r\n\r\n'
    [ "${lines[0]}" = 200 ]
}

@test "space before the colon in Content-Length is 400 and closes" {
    pipeline_error 400 after-clspace \
        'POST /api/v1/login HTTP/1.1\r\nHost: t\r\nContent-Length : 2\r\n\r\n{}'
}

@test "non-token byte in a header name is 400 and closes" {
    pipeline_error 400 after-badname \
        'GET /api/info HTTP/1.1\r\nHost: t\r\nX(y): z\r\n\r\n'
}

@test "bare LF line endings are 400 and close" {
    pipeline_error 400 after-barelf 'GET /api/info HTTP/1.1\nHost: t\n\n'
}

@test "one bare LF among CRLF lines is 400 and closes" {
    pipeline_error 400 after-onelf \
        'GET /api/info HTTP/1.1\r\nHost: t\nX: y\r\n\r\n'
}

@test "obs-fold continuation line is 400 and closes" {
    pipeline_error 400 after-fold \
        'GET /api/info HTTP/1.1\r\nHost: t\r\nX-A: b\r\n c\r\n\r\n'
}

@test "HTTP major version 2 or 9 is 505 and closes" {
    pipeline_error 505 after-v2 'GET /api/info HTTP/2.0\r\nHost: t\r\n\r\n'
    pipeline_error 505 after-v9 'GET /api/info HTTP/9.9\r\nHost: t\r\n\r\n'
}

@test "two Content-Length headers (parser-rejected) are 400 and close" {
    pipeline_error 400 after-twocl \
        'POST /api/v1/login HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}'
}

@test "unknown method and space in the target are 400 and close" {
    pipeline_error 400 after-method 'BREW /api/info HTTP/1.1\r\nHost: t\r\n\r\n'
    pipeline_error 400 after-space 'GET /api/ info HTTP/1.1\r\nHost: t\r\n\r\n'
}

@test "NUL in a header value is 400 and closes" {
    pipeline_error 400 after-nul 'GET /api/info HTTP/1.1\r\nHost: t\r\nX: a\x00b\r\n\r\n'
}

@test "%00 or a broken escape in the path is 400 and closes" {
    pipeline_error 400 after-pct00 'GET /api/%00info HTTP/1.1\r\nHost: t\r\n\r\n'
    pipeline_error 400 after-pctzz 'GET /api/%zzinfo HTTP/1.1\r\nHost: t\r\n\r\n'
}

@test "CONNECT is 400 and closes" {
    pipeline_error 400 after-connect 'CONNECT t:443 HTTP/1.1\r\nHost: t\r\n\r\n'
}

# ---- timeouts ----

@test "slow header client gets 408 at the header timeout; others are served promptly" {
    python3 "$RAW" --bodies --time --slow 1,0.2 --timeout 5 "$RCD_PORT" \
        'GET /api/info HTTP/1.1\r\nHost: a-slowloris-client-that-never-ends\r\n\r\n' \
        >"$BATS_TEST_TMPDIR/slow.out" &
    slow=$!
    sleep 0.2
    for i in 1 2 3 4 5; do
        t=$(curl -s -o /dev/null -w '%{time_total}' "$RCD_URL/api/info")
        awk -v t="$t" 'BEGIN { exit !(t < 0.3) }'
        sleep 0.1
    done
    wait "$slow"
    cat "$BATS_TEST_TMPDIR/slow.out"
    run cat "$BATS_TEST_TMPDIR/slow.out"
    [ "${lines[0]%% *}" = 408 ]
    jq -e '.success == false' <<<"${lines[0]#* }"
    time_between 0.9 2
    [ "${lines[-1]}" = closed ]
}

@test "idle keep-alive connection is closed silently at the idle timeout" {
    RAW_TIMEOUT=5 raw --time "$OK"
    printf '%s\n' "$output"
    [ "${#lines[@]}" -eq 3 ]
    [ "${lines[0]}" = 200 ]
    time_between 1.9 3
    [ "${lines[2]}" = closed ]
}

@test "body that stops arriving gets 408 at the idle timeout" {
    RAW_TIMEOUT=5 raw --bodies --time \
        $'POST /api/v1/login HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n{"u'
    printf '%s\n' "$output"
    [ "${lines[0]%% *}" = 408 ]
    time_between 1.9 3
    [ "${lines[-1]}" = closed ]
}

# ---- access log ----

@test "access log: one line with method, path, status, ms and user id" {
    login_as "$ADMIN_USER" "$ADMIN_PASS"
    api GET /api/v1/me
    [ "$STATUS" = 200 ]
    sleep 0.1
    grep -E "info conn [0-9]+: GET /api/v1/me 200 [0-9]+\.[0-9]{2} ms user=$AUTH_UID\$" \
        "$RCD_DIR/rcd.log"
    grep -E 'info conn [0-9]+: GET /api/info 200 [0-9]+\.[0-9]{2} ms user=-$' \
        "$RCD_DIR/rcd.log"
}

@test "access log: exactly one line per request, pipelined or not" {
    raw --repeat 3 "$(get /nope-once-each)"
    sleep 0.1
    [ "$(log_lines ': GET /nope-once-each 404 ')" -eq 3 ]
}

@test "access log never shows query strings, headers, bodies or tokens" {
    curl -s -o /dev/null "$RCD_URL/api/info?q=QUERYSECRET321&authToken=QTOKEN9"
    curl -s -o /dev/null -H 'X-Auth-Token: HEADERSECRET654' \
        -H 'X-User-Id: someuser' "$RCD_URL/api/v1/me"
    login_as "$ADMIN_USER" "$ADMIN_PASS"
    sleep 0.1
    grep -q ': GET /api/info 200 ' "$RCD_DIR/rcd.log"
    refute_log 'QUERYSECRET321\|QTOKEN9\|HEADERSECRET654'
    refute_log -F "$ADMIN_PASS"
    refute_log -F "$AUTH_TOKEN"
}

@test "access log masks webhook tokens after the integration id" {
    curl -s -o /dev/null "$RCD_URL/hooks/INTEGRATION123/TOKENSECRET456"
    curl -s -o /dev/null "$RCD_URL/hooks/INTEGRATION123/TOKENSECRET456/extra"
    curl -s -o /dev/null -X POST "$RCD_URL/hooks/ONLYTOKEN789"
    sleep 0.1
    [ "$(log_lines ': GET /hooks/INTEGRATION123/\*\*\* ')" -eq 2 ]
    grep -q ': POST /hooks/\*\*\* ' "$RCD_DIR/rcd.log"
    refute_log 'TOKENSECRET456\|ONLYTOKEN789'
}

@test "framing errors get one access line with method and path -" {
    before=$(log_lines ': - - 400 ')
    raw $'GET /api/info HTTP/1.1\nHost: t\n\n'
    [ "${lines[0]}" = 400 ]
    sleep 0.1
    [ "$(log_lines ': - - 400 [0-9.]* ms user=-$')" -eq $((before + 1)) ]
}

@test "control bytes in the path are escaped in the access log" {
    raw "$(get /nope%0Ainjected%20line)"
    [ "${lines[0]}" = 404 ]
    sleep 0.1
    grep -q ': GET /nope%0Ainjected%20line 404 ' "$RCD_DIR/rcd.log"
    refute_log '^injected'
}

# ---- client address, connection cap, shutdown ----

@test "X-Forwarded-For from an untrusted peer is ignored" {
    raw $'GET /api/info HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.77\r\n\r\n'
    [ "${lines[0]}" = 200 ]
    sleep 0.1
    refute_log '203\.0\.113\.77'
}

@test "X-Forwarded-For from a trusted proxy gives the client address" {
    start_extra --trusted-proxy 127.0.0.1 --verbose
    raw $'GET /api/info HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 198.51.100.1, 203.0.113.77\r\n\r\n'
    [ "${lines[0]}" = 200 ]
    sleep 0.1
    grep -q 'client 203.0.113.77 via proxy 127.0.0.1' "$RCD_DIR/rcd.log"
}

@test "rcd listens on an IPv6 literal and logs it in brackets" {
    python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' \
        2>/dev/null || skip "no IPv6 loopback here"
    dir=$BATS_TEST_TMPDIR
    port=$(free_port)
    env ADMIN_USERNAME="$ADMIN_USER" ADMIN_PASS="$ADMIN_PASS" \
        ADMIN_EMAIL="$ADMIN_MAIL" RCD_BCRYPT_COST=4 \
        "$RCD_BIN" --port "$port" --bind ::1 --db "$dir/v6.db" \
        2>"$dir/v6.log" &
    pid=$!
    for i in $(seq 1 100); do
        curl -sg -o /dev/null "http://[::1]:$port/api/info" && break
        sleep 0.1
    done
    run curl -sg "http://[::1]:$port/api/info"
    kill -TERM "$pid"
    wait "$pid"
    cat "$dir/v6.log"
    jq -e '.success == true' <<<"$output"
    grep -q "info server: listening on \[::1\]:$port\$" "$dir/v6.log"
    ! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$dir/v6.log"
}

@test "connections over --max-connections are accepted and closed at once" {
    start_extra --max-connections 2
    held=()
    for i in 1 2; do
        python3 "$RAW" --timeout 1.5 "$RCD_PORT" "$OK" \
            >"$BATS_TEST_TMPDIR/held$i.out" &
        held+=($!)
    done
    sleep 0.5
    raw --time "$OK"
    printf '%s\n' "$output"
    [ "${lines[0]}" != 200 ]
    [ "${lines[-1]}" = closed ]
    wait "${held[@]}"
    grep -qx 200 "$BATS_TEST_TMPDIR/held1.out"
    grep -qx 200 "$BATS_TEST_TMPDIR/held2.out"
    sleep 0.2
    raw "$OK"
    [ "${lines[0]}" = 200 ]
}

@test "SIGTERM closes idle keep-alive connections and rcd exits 0 promptly" {
    start_extra
    python3 "$RAW" --time --timeout 5 "$RCD_PORT" "$OK" \
        >"$BATS_TEST_TMPDIR/idle.out" &
    held=$!
    sleep 0.5
    start=$(date +%s%N)
    RCD_DIR_KEEP=$EXTRA_DIR RCD_DIR=$EXTRA_DIR rcd_stop
    EXTRA_DIR=
    [ $(( ($(date +%s%N) - start) / 1000000 )) -lt 1500 ]
    wait "$held"
    run cat "$BATS_TEST_TMPDIR/idle.out"
    [ "${lines[0]}" = 200 ]
    [ "${lines[-1]}" = closed ]
    time_between 0 2
    grep -q 'info server: stopping' "$RCD_DIR/rcd.log"
    rm -rf "$RCD_DIR"
}

@test "SIGTERM lets a request whose body is arriving finish, then closes" {
    start_extra
    body=$(jq -nc --arg u "$ADMIN_USER" --arg p "$ADMIN_PASS" '{user:$u,password:$p}')
    head=$(printf 'POST /api/v1/login HTTP/1.1\\r\\nHost: t\\r\\nContent-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n' "${#body}")
    # headers plus one body byte now, the rest 1 s later
    n=$(printf "$head" | wc -c)
    python3 "$RAW" --headers --slow "$((n + 1)),1" --timeout 3 "$RCD_PORT" \
        "$head$body" >"$BATS_TEST_TMPDIR/inflight.out" &
    held=$!
    sleep 0.5
    kill -TERM "$(cat "$RCD_DIR/rcd.pid")"
    wait "$held"
    run cat "$BATS_TEST_TMPDIR/inflight.out"
    printf '%s\n' "$output"
    [[ "${lines[0]}" == "HTTP/1.1 200 OK" ]]
    [[ "$output" == *$'\nConnection: close\n'* ]]
    [ "${lines[-1]}" = closed ]
}
