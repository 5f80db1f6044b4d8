#!/usr/bin/env bats
# examples/proxy/: nginx.conf and apache.conf pass the servers' own config
# checks, and, adapted by sed to free 127.0.0.1 ports and a self-signed
# certificate, really proxy: GET /api/info from a real rcd over TLS, the
# http -> https redirect, rcd logging the client address from
# X-Forwarded-For (--trusted-proxy), X-Forwarded-Proto, and websocket
# upgrades on /websocket and /sockjs tunnelled both ways (against a stub
# upstream: rcd has no websocket endpoint). Apache is tested with the
# apache2-bin package (its binary and modules, no service).

load ../rcctl/helpers

EX=$TOP/examples/proxy
HERE=$TOP/tests/examples
APACHE_MODS=/usr/lib/apache2/modules

setup_file() {
    have_rcd || return 0
    rcd_start -- --trusted-proxy 127.0.0.1 --verbose
    export CERTS=$RCD_DIR/certs
    mkdir -p "$CERTS"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=chat.example.com \
        -keyout "$CERTS/privkey.pem" -out "$CERTS/fullchain.pem" 2>/dev/null
    # the stub upstream: headers as JSON, websockets echoed
    python3 "$HERE/upstream_stub.py" "$RCD_DIR/stub.port" 2>"$RCD_DIR/stub.log" &
    echo $! >"$RCD_DIR/stub.pid"
    for _ in $(seq 1 100); do [ -s "$RCD_DIR/stub.port" ] && break; sleep 0.05; done
    export STUB_PORT=$(cat "$RCD_DIR/stub.port")
}
teardown_file() {
    have_rcd || return 0
    kill "$(cat "$RCD_DIR/stub.pid")" 2>/dev/null || true
    rcd_stop
}
setup() {
    need_rcd
    D=$BATS_TEST_TMPDIR
    TLS=$(free_port)
    HTTP=$(free_port)
}
teardown() {
    [ -n "${PROXY_PID:-}" ] || return 0
    kill -TERM "$PROXY_PID" 2>/dev/null || true
    wait "$PROXY_PID" 2>/dev/null || true
}

need_nginx() { command -v nginx >/dev/null || skip "nginx is not installed (package nginx-light)"; }
need_apache() {
    command -v apache2 >/dev/null && [ -f "$APACHE_MODS/mod_proxy_wstunnel.so" ] ||
        skip "apache2 is not installed (package apache2-bin; apache2ctl -t needs the full apache2)"
}

# certs_only FILE: the example with only the certificate paths changed
certs_only() {
    sed "s|/etc/letsencrypt/live/chat.example.com/|$CERTS/|" "$1" >"$D/site.conf"
}

# adapt FILE UPSTREAM_PORT: the example on free 127.0.0.1 ports, without
# IPv6 listeners, with the test certificate, in front of UPSTREAM_PORT
adapt() {
    sed -e "s|/etc/letsencrypt/live/chat.example.com/|$CERTS/|" \
        -e "s|127\.0\.0\.1:3000|127.0.0.1:$2|g" \
        -e "s|listen 443 ssl http2;|listen 127.0.0.1:$TLS ssl http2;|" \
        -e "s|listen 80;|listen 127.0.0.1:$HTTP;|" \
        -e '/listen \[::\]/d' \
        -e "s|<VirtualHost \*:443>|<VirtualHost 127.0.0.1:$TLS>|" \
        -e "s|<VirtualHost \*:80>|<VirtualHost 127.0.0.1:$HTTP>|" \
        "$1" >"$D/site.conf"
    # every replacement took: nothing of the installed setup is left
    ! grep -qE ':3000|letsencrypt|listen (80|443)|\*:(80|443)' "$D/site.conf"
}

nginx_main() {
    mkdir -p "$D/tmp"
    cat >"$D/nginx.conf" <<EOC
pid $D/nginx.pid;
error_log $D/error.log;
events { worker_connections 64; }
http {
    access_log $D/access.log;
    client_body_temp_path $D/tmp/body;
    proxy_temp_path $D/tmp/proxy;
    fastcgi_temp_path $D/tmp/fastcgi;
    uwsgi_temp_path $D/tmp/uwsgi;
    scgi_temp_path $D/tmp/scgi;
    include $D/site.conf;
}
EOC
}

apache_main() {
    local m
    mkdir -p "$D/run"
    {
        echo "ServerRoot $D"
        echo "DefaultRuntimeDir $D/run"
        echo "PidFile $D/apache.pid"
        echo "ErrorLog $D/error.log"
        echo "ServerName localhost"
        [ "$1" = listen ] && printf 'Listen 127.0.0.1:%s\nListen 127.0.0.1:%s\n' "$HTTP" "$TLS"
        [ "$1" = listen ] || printf 'Listen 127.0.0.1:%s\n' "$(free_port)"
        for m in mpm_event authz_core alias headers rewrite proxy proxy_http \
            proxy_wstunnel ssl socache_shmcb; do
            echo "LoadModule ${m}_module $APACHE_MODS/mod_$m.so"
        done
        if [ "$(id -u)" = 0 ]; then echo 'User nobody'; echo 'Group nogroup'; fi
        echo "Include $D/site.conf"
    } >"$D/httpd.conf"
}

nginx_start() {
    nginx_main
    nginx -e "$D/error.log" -c "$D/nginx.conf" -g 'daemon off;' &
    PROXY_PID=$!
    wait_port "$TLS"
}

apache_start() {
    apache_main listen
    apache2 -f "$D/httpd.conf" -D FOREGROUND &
    PROXY_PID=$!
    wait_port "$TLS"
}

wait_port() {
    for _ in $(seq 1 100); do
        curl -sk -o /dev/null "https://127.0.0.1:$1/" && return 0
        kill -0 "$PROXY_PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "the proxy did not come up:" >&2; cat "$D/error.log" >&2
    return 1
}

# through_rcd CLIENT_IP: what both proxies must do in front of the real
# rcd, for a client at CLIENT_IP (another loopback address per test, since
# the tests share one rcd log)
through_rcd() {
    local ip=$1
    run curl -sk "https://127.0.0.1:$TLS/api/info"
    [ "$status" = 0 ] || { echo "$output" >&2; false; }
    jq -e '.success == true and (.version | length > 0)' <<<"$output"
    # plain http is sent to https
    run curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: chat.example.com' \
        "http://127.0.0.1:$HTTP/api/info"
    [ "$output" = '301 https://chat.example.com/api/info' ] || { echo "$output" >&2; false; }
    # rcd logs the client, not the proxy, and not what the client claims
    # in its own X-Forwarded-For
    ! grep -q "client $ip " "$RCD_DIR/rcd.log"
    run curl -sk --interface "$ip" -H 'X-Forwarded-For: 203.0.113.5' \
        "https://127.0.0.1:$TLS/api/v1/settings.public"
    [ "$status" = 0 ] && jq -e .success <<<"$output"
    sleep 0.2
    grep -q "client $ip via proxy 127.0.0.1" "$RCD_DIR/rcd.log"
    ! grep -q 'client 203.0.113.5' "$RCD_DIR/rcd.log"
    # a login through the proxy works (a POST with a JSON body)
    run curl -sk -H 'Content-Type: application/json' \
        -d "$(jq -nc --arg u "$ADMIN_USER" --arg p "$ADMIN_PASS" '{user:$u,password:$p}')" \
        "https://127.0.0.1:$TLS/api/v1/login"
    jq -e '.status == "success" and (.data.authToken | length > 10)' <<<"$output"
}

# through_stub: headers and websockets, against the stub upstream
through_stub() {
    run curl -sk --interface 127.0.0.3 -H 'Host: chat.example.com' \
        "https://127.0.0.1:$TLS/api/v1/me"
    [ "$status" = 0 ] || { echo "$output" >&2; false; }
    jq -e '.request == "GET /api/v1/me HTTP/1.1"' <<<"$output"
    jq -e '.headers["x-forwarded-proto"] == "https"' <<<"$output"
    jq -e '.headers["x-forwarded-for"] | split(", ") | last == "127.0.0.3"' <<<"$output"
    jq -e '.headers.host == "chat.example.com"' <<<"$output"
    # no upgrade asked, none passed on
    jq -e '(.headers.upgrade // "") == ""' <<<"$output"
    for p in /websocket /sockjs/123/abcdefgh/websocket; do
        run python3 "$HERE/ws_client.py" "$TLS" "$p" chat.example.com
        [ "$status" = 0 ] || { echo "$p: $output" >&2; cat "$D/error.log" >&2; false; }
        [ "${lines[0]%% *}" = HTTP/1.1 ] && [[ "${lines[0]}" == *" 101 "* ]]
        [ "${lines[1]}" = "ping $p" ]
    done
}

@test "nginx -t accepts proxy/nginx.conf as written (certificate paths aside)" {
    need_nginx
    certs_only "$EX/nginx.conf"
    nginx_main
    run nginx -t -e "$D/error.log" -c "$D/nginx.conf"
    [ "$status" = 0 ] || { echo "$output" >&2; false; }
    grep -q 'syntax is ok' <<<"$output"
    grep -q 'test is successful' <<<"$output"
}

@test "nginx with proxy/nginx.conf in front of rcd: TLS, redirect, X-Forwarded-For, login" {
    need_nginx
    adapt "$EX/nginx.conf" "$RCD_PORT"
    nginx_start
    through_rcd 127.0.0.3
}

@test "nginx with proxy/nginx.conf: X-Forwarded-Proto, Host, websockets on /websocket and /sockjs" {
    need_nginx
    adapt "$EX/nginx.conf" "$STUB_PORT"
    nginx_start
    through_stub
}

@test "apache2 -t accepts proxy/apache.conf as written (certificate paths aside)" {
    need_apache
    certs_only "$EX/apache.conf"
    apache_main
    run apache2 -t -f "$D/httpd.conf"
    [ "$status" = 0 ] || { echo "$output" >&2; false; }
    grep -q 'Syntax OK' <<<"$output"
}

@test "apache with proxy/apache.conf in front of rcd: TLS, redirect, X-Forwarded-For, login" {
    need_apache
    adapt "$EX/apache.conf" "$RCD_PORT"
    apache_start
    through_rcd 127.0.0.4
}

@test "apache with proxy/apache.conf: X-Forwarded-Proto, Host, websockets on /websocket and /sockjs" {
    need_apache
    adapt "$EX/apache.conf" "$STUB_PORT"
    apache_start
    through_stub
}
