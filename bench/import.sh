#!/usr/bin/env bash
# rcd import-mongodump on a generated dump: build/mkdump --bench writes 100
# users, 10 channels, their 1000 subscriptions and MESSAGES messages
# (default 1,000,000) as mongodump would; the import is timed with
# /usr/bin/time -v when present (peak RSS) and prints messages per second.
#
#   make all build/mkdump && bench/import.sh [MESSAGES]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$top/build/mkdump" --bench "$n" "$work/dump"
echo "dump: $(du -sh "$work/dump" | cut -f1) for $n messages"
timer=()
[ -x /usr/bin/time ] && timer=(/usr/bin/time -v -o "$work/time")
start=$(date +%s.%N)
"${timer[@]}" "$top/build/rcd" import-mongodump "$work/dump" --db "$work/rcd.db" \
    2>"$work/report"
end=$(date +%s.%N)
grep -v ' info ' "$work/report"
secs=$(echo "$end - $start" | bc -l)
printf 'import: %.2f s, %.0f messages/s\n' "$secs" "$(echo "$n / $secs" | bc -l)"
if [ -f "$work/time" ]; then
    grep -E 'Maximum resident set size' "$work/time" | sed 's/^\s*/peak RSS: /'
fi
echo "database: $(du -sh "$work/rcd.db" | cut -f1)"
