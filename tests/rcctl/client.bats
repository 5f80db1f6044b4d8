#!/usr/bin/env bats
# rcctl/client.c against the mock: 429 waits, 5xx retries, 2FA on any
# request, one connection per run, -v tracing with secrets redacted, TLS.

load helpers

setup_file() { mock_start; }
teardown_file() { mock_stop; }
setup() { rcctl_env; }

hits() {   # hits PATH: how many requests the mock saw for PATH (prefix)
    mock_state | jq --arg p "$1" '[.log[] | select(.path | startswith($p))] | length'
}

@test "429 with Retry-After: waits, says so on stderr, retries, exits 0" {
    start=$(date +%s%N)
    run_rcctl api GET 'ratelimited?kind=retry-after' --url "$MOCK_URL"
    [ "$status" = 0 ] || { show; false; }
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    [ "$ms" -ge 950 ]
    grep -q 'rate limited by the server; waiting 1.0 s' <<<"$stderr"
    jq -e '.ok == 1' <<<"$output"
}

@test "429 with X-RateLimit-Reset waits until the reset" {
    run_rcctl api GET 'ratelimited?kind=reset' --url "$MOCK_URL"
    [ "$status" = 0 ] || { show; false; }
    grep -q 'waiting' <<<"$stderr"
}

@test "429 with only the 'wait N seconds' text waits N seconds" {
    run_rcctl api GET 'ratelimited?kind=text' --url "$MOCK_URL"
    [ "$status" = 0 ] || { show; false; }
    grep -q 'waiting 1.0 s' <<<"$stderr"
}

@test "429 retries are bounded: exit 7 in the end" {
    before=$(hits /api/v1/always429)
    run_rcctl api POST always429 '{}' --url "$MOCK_URL"
    [ "$status" = 7 ] || { show; false; }
    grep -q 'rate limited' <<<"$stderr"
    [ $(( $(hits /api/v1/always429) - before )) = 6 ]
}

@test "-q keeps the wait notes off stderr" {
    run_rcctl -q api GET 'ratelimited?kind=quiet' --url "$MOCK_URL"
    [ "$status" = 0 ]
    [ -z "$stderr" ]
}

@test "a GET answered 503 is retried with backoff" {
    run_rcctl api GET flaky --url "$MOCK_URL"
    [ "$status" = 0 ] || { show; false; }
    grep -q 'server answered 503; retrying in' <<<"$stderr"
}

@test "a POST to an unreachable server is not retried" {
    run_rcctl api POST echo '{}' --url "$(dead_url)"
    [ "$status" = 7 ]
    ! grep -q retrying <<<"$stderr"
}

@test "a 400 totp-required is retried with X-2FA-Code and X-2FA-Method" {
    login_mock_admin
    run_rcctl api POST needs2fa '{}' --code 123456
    [ "$status" = 0 ] || { show; false; }
    jq -e '.done == true' <<<"$output"
    h=$(mock_state | jq -c '[.log[] | select(.path == "/api/v1/needs2fa")] | last.headers')
    [ "$(jq -r '."X-2FA-Code"' <<<"$h")" = 123456 ]
    [ "$(jq -r '."X-2FA-Method"' <<<"$h")" = totp ]
}

@test "the password method sends the SHA-256 hex of the password" {
    login_mock_admin
    printf 'Adm1n-pass\n' >"$BATS_TEST_TMPDIR/pw"
    run_rcctl api POST 'needs2fa?method=password' '{}' --code-file "$BATS_TEST_TMPDIR/pw"
    [ "$status" = 0 ] || { show; false; }
    h=$(mock_state | jq -c '[.log[] | select(.path | startswith("/api/v1/needs2fa"))] | last.headers')
    [ "$(jq -r '."X-2FA-Code"' <<<"$h")" = "$(printf 'Adm1n-pass' | sha256sum | cut -d' ' -f1)" ]
    [ "$(jq -r '."X-2FA-Method"' <<<"$h")" = password ]
    # ...and refuses to take that password from argv
    run_rcctl api POST 'needs2fa?method=password' '{}' --code Adm1n-pass
    [ "$status" = 5 ]
    grep -q 'not with --code' <<<"$stderr"
}

@test "2FA needed, no code and no terminal: exit 5 saying how to give one" {
    login_mock_admin
    run_rcctl_in /dev/null api POST needs2fa '{}'
    [ "$status" = 5 ] || { show; false; }
    grep -q -- '--code or --code-file' <<<"$stderr"
}

@test "2FA with a wrong code: exit 5" {
    login_mock_admin
    run_rcctl api POST needs2fa '{}' --code 999999
    [ "$status" = 5 ]
    grep -q 'totp-invalid' <<<"$stderr"
}

@test "one run reuses one connection for all its requests" {
    before=$(mock_state | jq .connections)
    run_rcctl api GET 'things.list?total=40&cap=5' --all --url "$MOCK_URL"
    [ "$status" = 0 ]
    [ "$(wc -l <<<"$output")" = 40 ]
    after=$(mock_state | jq .connections)
    # 8 pages over 1 connection (+1 for the mock_state call itself)
    [ $((after - before)) -le 2 ]
}

@test "-v shows method, path, status and time; the token never appears" {
    login_mock_admin
    run_rcctl -v whoami
    [ "$status" = 0 ]
    grep -qx '> GET /api/v1/me' <<<"$stderr"
    grep -qE '^< 200 \([0-9]+ ms\)$' <<<"$stderr"
    run_rcctl -vv whoami
    grep -qx '> X-Auth-Token: <redacted>' <<<"$stderr"
    grep -qx '> X-User-Id: uid-admin' <<<"$stderr"
    ! grep -q 'tok-admin' <<<"$stderr"
}

@test "-v redacts the token part of /hooks/ URLs and token query values" {
    run_rcctl -vv api POST /hooks/abc123/SeCrEtHoOkToKeN '{"text":"hi"}' \
        --url "$MOCK_URL"
    [ "$status" = 0 ] || { show; false; }
    grep -qx '> POST /hooks/abc123/<redacted>' <<<"$stderr"
    ! grep -q SeCrEtHoOkToKeN <<<"$stderr"
    run_rcctl -v api GET '/hooks/abc/SeCrEt?x=1&token=SeCrEt2' --url "$MOCK_URL"
    grep -qx '> GET /hooks/abc/<redacted>?x=1&token=<redacted>' <<<"$stderr"
    ! grep -q SeCrEt <<<"$stderr"
}

@test "TLS: a self-signed server is refused unless --ca-file or --insecure" {
    d=$BATS_TEST_TMPDIR
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/key.pem" \
        -out "$d/cert.pem" -days 1 -subj /CN=127.0.0.1 \
        -addext subjectAltName=IP:127.0.0.1 2>/dev/null
    plain=$MOCK_URL dir=$MOCK_DIR
    mock_start --tls "$d/cert.pem" "$d/key.pem"
    tls=$MOCK_URL tlsdir=$MOCK_DIR
    MOCK_URL=$plain MOCK_DIR=$dir
    run_rcctl info --url "$tls"
    st=$status err=$stderr
    run_rcctl info --url "$tls" --ca-file "$d/cert.pem"
    st2=$status
    SSL_CERT_FILE="$d/cert.pem" run_rcctl info --url "$tls"
    st3=$status
    run_rcctl info --url "$tls" --insecure
    st4=$status
    kill "$(cat "$tlsdir/pid")"; rm -rf "$tlsdir"
    [ "$st" = 7 ] || { echo "$err"; false; }
    grep -qi 'certificate' <<<"$err"
    [ "$st2" = 0 ] && [ "$st3" = 0 ] && [ "$st4" = 0 ]
}

@test "--timeout gives up on a slow answer" {
    # a listener that accepts and never answers
    port=$(free_port)
    python3 -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); time.sleep(30)' "$port" &
    pid=$!
    sleep 0.3
    start=$(date +%s)
    run_rcctl -q api POST x '{}' --url "http://127.0.0.1:$port" --timeout 1
    kill "$pid"
    [ "$status" = 7 ] || { show; false; }
    [ $(( $(date +%s) - start )) -le 4 ]
}
