#!/usr/bin/env bash
# Mixed load (../shared/PERFORMANCE.md: >= 1,000 concurrently active users
# with p99 < 50 ms): USERS users (default 1000) in ROOMS channels (default
# 10), each user on its own keep-alive connection (wrk -c USERS), sending a
# mix that picks a random user per request: 25% chat.postMessage, 25%
# channels.history (count 20), 20% GET /me, 15% channels.info, 10%
# subscriptions.getOne, 5% login with a password. rcd on CPU 0 with a fresh
# database on disk (synchronous=FULL), wrk on CPU 1. Prints req/s, the mix
# actually sent, p50/p99, non-2xx answers, and rcd's RSS.
#
#   make bench-deps && make && bench/mixed.sh [SECONDS] [USERS] [ROOMS]
#   BENCH_ONLY=post|history|me|info|sub|login: that kind of request alone
#   BENCH_THINK_MS=N: each user waits 0..2N ms (N on average) between its
#   requests, as active users do, instead of sending back to back; the
#   default runs both: back to back (saturation), then N=500 (about two
#   requests a second per user)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-10}
users=${2:-1000}
rooms=${3:-10}
for t in wrk taskset curl jq; do
    command -v "$t" >/dev/null || { echo "bench: '$t' missing (make bench-deps)" >&2; exit 1; }
done
work=$(mktemp -d "${BENCH_DIR:-$top/build}/bench-mixed.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n $((users + 1000))
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
ADMIN_USERNAME=admin ADMIN_PASS=bench-pass-1 ADMIN_EMAIL=a@b.c RCD_BCRYPT_COST=4 \
    OVERWRITE_SETTING_API_Enable_Rate_Limiter=false \
    taskset -c 0 "$top/build/rcd" --port "$port" --db "$work/rcd.db" \
    --max-connections $((users + 100)) 2>"$work/rcd.log" &
pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "$url/api/info" && break; sleep 0.1; done
login=$(curl -s -H 'Content-Type: application/json' -d '{"user":"admin","password":"bench-pass-1"}' "$url/api/v1/login")
auid=$(jq -r .data.userId <<<"$login") atok=$(jq -r .data.authToken <<<"$login")
acurl() { curl -s -H 'Content-Type: application/json' -H "X-User-Id: $auid" -H "X-Auth-Token: $atok" "$@"; }

# users, their tokens, and the rooms with every user in them (setup, untimed)
t0=$(date +%s.%N)
python3 - "$url" "$auid" "$atok" "$users" "$rooms" "$work/users.lua" <<'PY'
import http.client, json, sys
url, auid, atok, n, nrooms, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
host, port = url[len("http://"):].split(":")
c = http.client.HTTPConnection(host, int(port))
def call(path, body, auth=True):
    h = {"Content-Type": "application/json"}
    if auth:
        h.update({"X-User-Id": auid, "X-Auth-Token": atok})
    c.request("POST", path, json.dumps(body), h)
    r = json.loads(c.getresponse().read())
    if not r.get("success"):
        sys.exit("bench: %s: %s" % (path, r))
    return r
names = ["u%05d" % i for i in range(n)]
for u in names:
    call("/api/v1/users.create", {"username": u, "email": u + "@example.com", "name": u,
                                  "password": "pw-" + u, "verified": True})
rids = []
for k in range(nrooms):
    r = call("/api/v1/channels.create", {"name": "room%d" % k, "members": names})
    rids.append(r["channel"]["_id"])
with open(out, "w") as f:
    f.write("users = {\n")
    for u in names:
        r = call("/api/v1/login", {"user": u, "password": "pw-" + u}, auth=False)
        f.write('  {"%s", "%s", "%s"},\n' % (u, r["data"]["userId"], r["data"]["authToken"]))
    f.write("}\nrooms = {%s}\n" % ", ".join('"%s"' % r for r in rids))
PY
setup=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

cat >"$work/mixed.lua" <<'LUA'
dofile(os.getenv("BENCH_USERS"))
-- BENCH_ONLY=post|history|me|info|sub|login sends that kind alone
local think = tonumber(os.getenv("BENCH_THINK_MS") or "0")
-- an active user pauses between requests: uniformly 0..2*think ms
function delay()
    if think > 0 then return math.random(0, 2 * think) end
    return 0
end
local only = ({ post = 1, history = 30, me = 60, info = 80, sub = 90, login = 100 })[os.getenv("BENCH_ONLY") or ""]
math.randomseed(os.time())
local kinds = { post = 0, history = 0, me = 0, info = 0, sub = 0, login = 0 }
local counts = {}
function request()
    local u = users[math.random(#users)]
    local room = rooms[math.random(#rooms)]
    local h = { ["X-User-Id"] = u[2], ["X-Auth-Token"] = u[3] }
    local r = math.random(100)
    if only then r = only end
    if r <= 25 then
        h["Content-Type"] = "application/json"
        return wrk.format("POST", "/api/v1/chat.postMessage", h,
            '{"roomId":"' .. room .. '","text":"hello from ' .. u[1] .. '"}')
    elseif r <= 50 then
        return wrk.format("GET", "/api/v1/channels.history?roomId=" .. room .. "&count=20", h)
    elseif r <= 70 then
        return wrk.format("GET", "/api/v1/me", h)
    elseif r <= 85 then
        return wrk.format("GET", "/api/v1/channels.info?roomId=" .. room, h)
    elseif r <= 95 then
        return wrk.format("GET", "/api/v1/subscriptions.getOne?roomId=" .. room, h)
    end
    return wrk.format("POST", "/api/v1/login", { ["Content-Type"] = "application/json" },
        '{"user":"' .. u[1] .. '","password":"pw-' .. u[1] .. '"}')
end
LUA
echo "mixed load: $users users, each on its own connection, $rooms rooms (every user in each), ${secs}s a run; setup ${setup}s"
echo "mix: 25% postMessage, 25% history, 20% me, 15% channels.info, 10% subscriptions.getOne, 5% login"
thinks=${BENCH_THINK_MS:-"0 500"}
for think in $thinks; do
    out=$(BENCH_USERS="$work/users.lua" BENCH_THINK_MS=$think taskset -c 1 wrk -t1 \
        -c"$users" -d"${secs}s" --timeout 10s --latency -s "$work/mixed.lua" "$url")
    if [ "$think" = 0 ]; then echo "-- back to back (saturation):"; else echo "-- active users, ${think} ms think time on average:"; fi
    awk '/Requests\/sec/ { print "  requests/s:  " $2 }
         /^ +50%/ { print "  p50:         " $2 }
         /^ +99%/ { print "  p99:         " $2 " (target < 50ms for active users)" }
         /Non-2xx/ { print "  non-2xx:     " $NF }
         /Socket errors/ { print "  " $0 }' <<<"$out"
done
rss=$(ps -o rss= -p "$pid")
msgs=$(acurl "$url/api/v1/channels.info?roomName=room0" | jq .channel.msgs)
echo "messages in room0 afterwards: $msgs; rcd RSS: ${rss} KiB"
