#!/usr/bin/env bash
# Durable message send: chat.postMessage at 64 connections into one
# channel, with group commit (the default) and with one transaction per
# request (RCD_GROUP_COMMIT=off), in the same run, each on a fresh
# database on disk with synchronous=FULL, as ../shared/PERFORMANCE.md
# describes: rcd pinned to CPU 0, wrk on CPU 1, three runs each; prints
# median [min-max] msg/s, median p99, the ratio of the two and to the
# 15k msg/s target, and checks that every acknowledged message is stored.
#
#   make bench-deps && make && bench/post.sh [SECONDS_PER_RUN] [CONNS]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-5}
conns=${2:-64}
runs=3
for t in wrk taskset curl jq sqlite3; do
    command -v "$t" >/dev/null || { echo "bench: '$t' missing (make bench-deps)" >&2; exit 1; }
done
work=$(mktemp -d "${BENCH_DIR:-$top/build}/bench-post.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "bench: $1 did not come up" >&2; exit 1; }

cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-User-Id"] = os.getenv("BENCH_UID")
wrk.headers["X-Auth-Token"] = os.getenv("BENCH_TOKEN")
wrk.body = '{"roomId":"' .. os.getenv("BENCH_RID") .. '","text":"a benchmark message of about sixty bytes, give or take"}'
LUA

# one mode: start rcd, run wrk $runs times, check the stored count.
# prints "median min max p99 acked stored"
measure() {
    local mode=$1 rport login out r p mid=$(((runs + 1) / 2)) acked stored
    rm -f "$work"/rcd.db*
    rport=$(port)
    env ADMIN_USERNAME=admin ADMIN_PASS=bench-pass-1 ADMIN_EMAIL=a@b.c \
        RCD_BCRYPT_COST=4 RCD_GROUP_COMMIT="$mode" \
        OVERWRITE_SETTING_API_Enable_Rate_Limiter=false \
        taskset -c 0 "$top/build/rcd" --port "$rport" --db "$work/rcd.db" 2>"$work/rcd.log" &
    pid=$!
    wait_up "http://127.0.0.1:$rport/api/info"
    login=$(curl -s -H 'Content-Type: application/json' \
        -d '{"user":"admin","password":"bench-pass-1"}' "http://127.0.0.1:$rport/api/v1/login")
    export BENCH_UID=$(jq -r .data.userId <<<"$login") BENCH_TOKEN=$(jq -r .data.authToken <<<"$login")
    export BENCH_RID=$(curl -s -H 'Content-Type: application/json' -H "X-User-Id: $BENCH_UID" \
        -H "X-Auth-Token: $BENCH_TOKEN" -d '{"name":"bench"}' \
        "http://127.0.0.1:$rport/api/v1/channels.create" | jq -r .channel._id)
    out=$(for _ in $(seq "$runs"); do
        taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" --latency -s "$work/post.lua" \
            "http://127.0.0.1:$rport/api/v1/chat.postMessage" |
            awk '/Requests\/sec/ { rps = $2 }
                 /requests in/ { n = $1 }
                 /Non-2xx/ { bad = $NF }
                 /^ +99%/ { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 }
                            else if (v ~ /ms$/) sub(/ms/, "", v)
                            else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }
                            p99 = v }
                 END { printf "%.0f %.2f %d\n", rps, p99, n - bad }'
    done)
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
    r=$(cut -d' ' -f1 <<<"$out" | sort -n)
    p=$(cut -d' ' -f2 <<<"$out" | sort -n)
    acked=$(awk '{ s += $3 } END { print s }' <<<"$out")
    stored=$(sqlite3 "$work/rcd.db" "SELECT count(*) FROM messages WHERE t IS NULL OR t = ''")
    echo "$(sed -n "${mid}p" <<<"$r") $(head -1 <<<"$r") $(tail -1 <<<"$r") $(sed -n "${mid}p" <<<"$p") $acked $stored"
}

echo "POST chat.postMessage, c$conns keep-alive, ${secs}s x $runs runs; synchronous=FULL on $(df --output=source "$work" | tail -1); rcd on CPU 0, wrk on CPU 1"
printf '%-22s %-26s %-10s %s\n' "mode" "msg/s [min-max]" "p99" "acked/stored"
read -r gm glo ghi gp ga gs <<<"$(measure on)"
printf '%-22s %-26s %-10s %s\n' "group commit" "$gm [$glo-$ghi]" "${gp}ms" "$ga/$gs"
read -r om olo ohi op oa os <<<"$(measure off)"
printf '%-22s %-26s %-10s %s\n' "one commit per msg" "$om [$olo-$ohi]" "${op}ms" "$oa/$os"
awk -v g="$gm" -v o="$om" 'BEGIN { printf "group/one-per-msg: %.1fx; group commit vs the 15k msg/s target: %.0f%%\n", o ? g / o : 0, 100 * g / 15000 }'
[ "$ga" -le "$gs" ] && [ "$oa" -le "$os" ] || { echo "bench: acknowledged messages missing from the database" >&2; exit 1; }
