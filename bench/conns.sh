#!/usr/bin/env bash
# Memory (../shared/PERFORMANCE.md: idle rcd < 10 MB RSS, < 16 KB per idle
# keep-alive connection, 10k open connections held): a fresh rcd's RSS,
# then N connections (default 10,000) that each send one GET /api/info and
# stay open, idle; prints how many were answered and held, the RSS then,
# and the cost per connection.
#
#   make && bench/conns.sh [N]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000}
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ulimit -n $((n + 1000)) 2>/dev/null || { echo "bench: cannot raise the open-file limit to $((n + 1000))" >&2; exit 1; }
ADMIN_USERNAME=admin ADMIN_PASS=bench-pass-1 ADMIN_EMAIL=a@b.c RCD_BCRYPT_COST=4 \
    "$top/build/rcd" --port "$port" --db "$work/rcd.db" --max-connections $((n + 100)) \
    --idle-timeout 600 2>"$work/rcd.log" &
pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/api/info" && break; sleep 0.1; done
idle=$(ps -o rss= -p "$pid")
python3 - "$port" "$n" "$work/held" <<'PY' &
import socket, sys, time
port, n, flag = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
req = b"GET /api/info HTTP/1.1\r\nHost: x\r\n\r\n"
socks = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(req)
    socks.append(s)
ok = 0
for s in socks:
    s.settimeout(30)
    if s.recv(65536).startswith(b"HTTP/1.1 200"):
        ok += 1
open(flag, "w").write(str(ok))
time.sleep(30)
PY
client=$!
for _ in $(seq 600); do [ -s "$work/held" ] && break; sleep 0.1; done
[ -s "$work/held" ] || { echo "bench: the connections were not answered" >&2; exit 1; }
held=$(ls "/proc/$pid/fd" | wc -l)
rss=$(ps -o rss= -p "$pid")
kill "$client" 2>/dev/null || true
echo "rcd idle RSS: ${idle} KiB (target < 10240)"
echo "connections answered: $(cat "$work/held") of $n; descriptors open in rcd: $held"
echo "RSS with them idle: ${rss} KiB; per connection: $(( (rss - idle) * 1024 / n )) bytes (target < 16384)"
