#!/usr/bin/env bash
# Authenticated REST read: rcd's GET /api/v1/me against nginx serving a
# static JSON file of the same size, in the same run, as
# ../shared/PERFORMANCE.md describes: server pinned to CPU 0, wrk on CPU 1,
# keep-alive at 64 and 256 connections and Connection: close at 64, three
# runs each; prints median [min-max] req/s, median p99, and rcd/nginx.
#
#   make bench-deps && make && bench/me.sh [SECONDS_PER_RUN]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-5}
runs=3
for t in wrk nginx taskset curl jq; do
    command -v "$t" >/dev/null || { echo "bench: '$t' missing (make bench-deps)" >&2; exit 1; }
done
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "bench: $1 did not come up" >&2; exit 1; }

# rcd on CPU 0 with a fresh database
rport=$(port)
ADMIN_USERNAME=admin ADMIN_PASS=bench-pass-1 ADMIN_EMAIL=a@b.c RCD_BCRYPT_COST=4 \
    taskset -c 0 "$top/build/rcd" --port "$rport" --db "$work/rcd.db" 2>"$work/rcd.log" &
pids+=($!)
wait_up "http://127.0.0.1:$rport/api/info"
login=$(curl -s -H 'Content-Type: application/json' \
    -d '{"user":"admin","password":"bench-pass-1"}' "http://127.0.0.1:$rport/api/v1/login")
uid=$(jq -r .data.userId <<<"$login"); tok=$(jq -r .data.authToken <<<"$login")
curl -s -H "X-User-Id: $uid" -H "X-Auth-Token: $tok" "http://127.0.0.1:$rport/api/v1/me" >"$work/me.json"
size=$(wc -c <"$work/me.json")

# nginx on CPU 0, one worker, serving the same bytes as a static file
nport=$(port)
mkdir -p "$work/www" "$work/nginx"
cp "$work/me.json" "$work/www/me.json"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx; proxy_temp_path $work/nginx;
    fastcgi_temp_path $work/nginx; uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$nport;
        location / { root $work/www; default_type application/json; }
    }
}
CONF
taskset -c 0 nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
pids+=($!)
wait_up "http://127.0.0.1:$nport/me.json"

# one wrk run: prints "req_per_sec p99_ms"
run_wrk() {
    local conns=$1 url=$2; shift 2
    taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" --latency "$@" "$url" |
        awk '/Requests\/sec/ { rps = $2 }
             /^ +99%/ { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 }
                        else if (v ~ /ms$/) sub(/ms/, "", v)
                        else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }
                        p99 = v }
             END { printf "%.0f %.2f\n", rps, p99 }'
}

# median [min-max] of req/s and median p99 over $runs runs
measure() {
    local conns=$1 url=$2 out r p mid=$(((runs + 1) / 2))
    shift 2
    out=$(for _ in $(seq "$runs"); do run_wrk "$conns" "$url" "$@"; done)
    r=$(cut -d' ' -f1 <<<"$out" | sort -n)
    p=$(cut -d' ' -f2 <<<"$out" | sort -n)
    echo "$(sed -n "${mid}p" <<<"$r") $(head -1 <<<"$r") $(tail -1 <<<"$r") $(sed -n "${mid}p" <<<"$p")"
}

echo "GET /api/v1/me ($size bytes) vs nginx static, ${secs}s x $runs runs each; rcd and nginx on CPU 0, wrk on CPU 1"
printf '%-24s %-28s %-28s %s\n' "load" "rcd req/s [min-max] p99" "nginx req/s [min-max] p99" "rcd/nginx"
for mode in "64 keep-alive" "256 keep-alive" "64 close"; do
    set -- $mode
    conns=$1 extra=()
    [ "$2" = close ] && extra=(-H 'Connection: close')
    read -r rm rlo rhi rp <<<"$(measure "$conns" "http://127.0.0.1:$rport/api/v1/me" \
        -H "X-User-Id: $uid" -H "X-Auth-Token: $tok" "${extra[@]}")"
    read -r nm nlo nhi np <<<"$(measure "$conns" "http://127.0.0.1:$nport/me.json" "${extra[@]}")"
    ratio=$(awk -v a="$rm" -v b="$nm" 'BEGIN { printf "%.0f%%", b ? 100 * a / b : 0 }')
    printf '%-24s %-28s %-28s %s\n' "c$conns $2" "$rm [$rlo-$rhi] ${rp}ms" "$nm [$nlo-$nhi] ${np}ms" "$ratio"
done
rss=$(ps -o rss= -p "${pids[0]}")
echo "rcd RSS after the runs: ${rss} KiB"
