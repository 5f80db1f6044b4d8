#!/usr/bin/env bash
# rcctl export on a big room (../shared/PERFORMANCE.md target: >= 100k
# messages/s and < 30 MB peak RSS). A fresh rcd makes its database, the
# admin and one channel; rcd is stopped and N messages (default 1,000,000)
# are inserted straight into its messages table with sqlite3, with the
# columns rcd's store_message_insert() writes (rcd/store/messages.c,
# rcd/store/migrations/005_rooms.sql), one millisecond apart; the room's
# msgs counter and last-message time are set to match. rcd is started
# again (rcd pinned to CPU 0, rcctl to CPU 1, rate limiter off) and the
# room is exported as csv and as ndjson with /usr/bin/time -v; printed:
# messages, seconds, messages/second and peak RSS for each.
#
# PAGE (default 100, Rocket.Chat's cap) is the count asked per request;
# the server's API_Upper_Count_Limit is left at rcd's default unless
# UPPER is given.
#
#   make && bench/export.sh [N]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000000}
page=${PAGE:-100}
rcd=$top/build/rcd
rcctl=$top/build/rcctl
for t in taskset curl jq python3 sqlite3; do
    command -v "$t" >/dev/null || { echo "bench: '$t' missing" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
for b in "$rcd" "$rcctl"; do
    [ -x "$b" ] || { echo "bench: $b missing; run make first" >&2; exit 1; }
done
work=$(mktemp -d)
dbdir=$(mktemp -d "${BENCH_DB_DIR:-${TMPDIR:-/tmp}}/rcd-bench.XXXXXX")
rcd_pid=
stop_rcd() {
    if [ -n "$rcd_pid" ]; then
        kill "$rcd_pid" 2>/dev/null || true
        wait "$rcd_pid" 2>/dev/null || true
        rcd_pid=
    fi
}
cleanup() { stop_rcd; rm -rf "$work" "$dbdir"; }
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_rcd() {
    local envs=(ADMIN_USERNAME=admin ADMIN_PASS=bench-pass-1
                ADMIN_EMAIL=admin@example.com RCD_BCRYPT_COST=4
                OVERWRITE_SETTING_API_Enable_Rate_Limiter=false)
    [ -n "${UPPER:-}" ] && envs+=(OVERWRITE_SETTING_API_Upper_Count_Limit="$UPPER")
    env "${envs[@]}" taskset -c 0 "$rcd" --port "$port" --bind 127.0.0.1 \
        --db "$dbdir/rcd.db" >>"$work/rcd.out" 2>>"$work/rcd.log" &
    rcd_pid=$!
    for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$port/api/info" && return 0; sleep 0.1; done
    echo "bench: rcd did not start" >&2; cat "$work/rcd.log" >&2; exit 1
}

start_rcd
login=$(curl -s -H 'Content-Type: application/json' \
    -d '{"user":"admin","password":"bench-pass-1"}' "http://127.0.0.1:$port/api/v1/login")
uid=$(jq -r .data.userId <<<"$login")
tok=$(jq -r .data.authToken <<<"$login")
[ -n "$uid" ] && [ "$uid" != null ] || { echo "bench: login failed: $login" >&2; exit 1; }
room=$(curl -s -H "X-User-Id: $uid" -H "X-Auth-Token: $tok" -H 'Content-Type: application/json' \
    -d '{"name":"bench-export"}' "http://127.0.0.1:$port/api/v1/channels.create" | jq -r .channel._id)
[ -n "$room" ] && [ "$room" != null ] || { echo "bench: channels.create failed" >&2; exit 1; }
stop_rcd

echo "bench: inserting $n messages into room $room" >&2
t0=$(date +%s.%N)
sqlite3 "$dbdir/rcd.db" >/dev/null <<EOF
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $n)
INSERT INTO messages (id, room_rid, ts, updated_at, u_id, u_username, u_name,
                      msg, t, tmid, tshow, attachments, groupable)
SELECT printf('bench%012d', i), r.rid, 1600000000000 + i, 1600000000000 + i,
       '$uid', 'admin', 'Administrator',
       CASE i % 10
         WHEN 0 THEN printf('message %d, with "quotes" and a comma', i)
         WHEN 1 THEN printf('message %d' || char(10) || 'on two lines', i)
         ELSE printf('message number %d of the benchmark room', i)
       END,
       NULL, NULL, 0, NULL, NULL
FROM seq, (SELECT rid FROM rooms WHERE id = '$room') AS r;
UPDATE rooms SET msgs = msgs + $n, lm = 1600000000000 + $n WHERE id = '$room';
COMMIT;
EOF
echo "bench: inserted in $(python3 -c "import time; print(round(time.time() - $t0, 1))") s" >&2
start_rcd

export XDG_CONFIG_HOME=$work/config XDG_STATE_HOME=$work/state
export RCCTL_URL="http://127.0.0.1:$port" RCCTL_USER_ID=$uid RCCTL_TOKEN=$tok

printf '%-7s %10s %9s %12s %12s\n' format messages seconds 'msgs/s' 'peak RSS'
for fmt in csv ndjson; do
    out=$work/out.$fmt
    /usr/bin/time -v -o "$work/time.$fmt" taskset -c 1 "$rcctl" -q export bench-export \
        --format "$fmt" --page-size "$page" --output "$out" --force
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$work/time.$fmt")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.$fmt")
    count=$(jq -r .messages "$out.manifest.json")
    [ "$count" -ge "$n" ] || { echo "bench: only $count of $n messages exported" >&2; exit 1; }
    printf '%-7s %10d %9.2f %12.0f %9.1f MB\n' "$fmt" "$count" "$secs" \
        "$(python3 -c "print($count / max($secs, 0.01))")" "$(python3 -c "print($rss / 1024)")"
    grep -E "User time|System time" "$work/time.$fmt" >&2
    rm -f "$out"
done
