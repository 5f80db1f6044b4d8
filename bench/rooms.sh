#!/usr/bin/env bash
# rcctl's room loops against the operations notes' shell loops (curl + jq
# per room), side by side on one fresh rcd with N private groups (default
# 1000), as ../shared/PERFORMANCE.md describes: rcd pinned to CPU 0, the
# clients (the shell loop with its curl and jq processes, or rcctl and its
# workers) on CPU 1, the rate limiter off, RUNS runs each (default 3),
# median [min-max] seconds and the ratio of the medians (target >= 50x).
#
#   (a) notification preferences on every private group: the notes' loop
#       (rooms.get | jq, then one curl rooms.saveNotification a room) vs
#       rcctl room notify --all --type p ...
#   (b) one user owner of every private group: the notes' loop
#       (groups.listAll | jq, then one curl groups.addOwner a room) vs
#       rcctl group add-owner --all --user U
#
# Every timed run changes every room: before a run of the notes' loop
# (which sets the notes' values, "default" and "0"), rcctl sets other
# values (untimed); rcctl's run then sets those other values again. Each
# owner run makes a fresh user owner (all of them are members of every
# group, as the notes' loop needs). The notes' owner loop asks for
# groups.listAll?count=100, which sees only the first 100 groups; here it
# asks for count=$N (and rcd allows that many a page), its only change.
#
# rcctl runs with -j $JOBS (default 16: concurrent requests over that many
# kept-alive connections, as one would give a bulk job; rcctl's own default
# is 4), and once with -j 1 (one connection) for comparison. rcd commits
# every write with its own fsync (synchronous=FULL), which bounds the
# requests per second on a disk: BENCH_DB_DIR=/dev/shm puts the database
# on tmpfs to see the clients' cost without it.
#
#   make && bench/rooms.sh [N]        (RUNS=1 bench/rooms.sh for a quick look)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000}
runs=${RUNS:-3}
jobs=${JOBS:-16}
rcd=$top/build/rcd
rcctl=$top/build/rcctl
for t in taskset curl jq python3; do
    command -v "$t" >/dev/null || { echo "bench: '$t' missing" >&2; exit 1; }
done
for b in "$rcd" "$rcctl"; do
    [ -x "$b" ] || { echo "bench: $b missing; run make first" >&2; exit 1; }
done
work=$(mktemp -d)
dbdir=$(mktemp -d "${BENCH_DB_DIR:-${TMPDIR:-/tmp}}/rcd-bench.XXXXXX")
rcd_pid=
cleanup() {
    if [ -n "$rcd_pid" ]; then kill "$rcd_pid" 2>/dev/null || true; wait "$rcd_pid" 2>/dev/null || true; fi
    rm -rf "$work" "$dbdir"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ADMIN_USERNAME=admin ADMIN_PASS=bench-pass-1 ADMIN_EMAIL=admin@example.com RCD_BCRYPT_COST=4 \
    OVERWRITE_SETTING_API_Enable_Rate_Limiter=false \
    OVERWRITE_SETTING_API_Upper_Count_Limit="$n" \
    taskset -c 0 "$rcd" --port "$port" --bind 127.0.0.1 --db "$dbdir/rcd.db" \
    >"$work/rcd.out" 2>"$work/rcd.log" &
rcd_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/api/info" && break; sleep 0.1; done
curl -s -o /dev/null "http://127.0.0.1:$port/api/info" || { echo "bench: rcd did not start" >&2; cat "$work/rcd.log" >&2; exit 1; }

login=$(curl -s -H 'Content-Type: application/json' \
    -d '{"user":"admin","password":"bench-pass-1"}' "http://127.0.0.1:$port/api/v1/login")
export USER_ID AUTH_TOKEN RC_URL="127.0.0.1:$port"
USER_ID=$(jq -r .data.userId <<<"$login")
AUTH_TOKEN=$(jq -r .data.authToken <<<"$login")
[ -n "$USER_ID" ] && [ "$USER_ID" != null ] || { echo "bench: login failed: $login" >&2; exit 1; }

# rcctl as the admin, from the environment (no profile)
export XDG_CONFIG_HOME=$work/config XDG_STATE_HOME=$work/state
export RCCTL_URL="http://$RC_URL" RCCTL_USER_ID=$USER_ID RCCTL_TOKEN=$AUTH_TOKEN
rc() { taskset -c 1 "$rcctl" "$@"; }

api() {   # api PATH [BODY]
    if [ $# -gt 1 ]; then
        curl -s -H "X-User-Id: $USER_ID" -H "X-Auth-Token: $AUTH_TOKEN" \
            -H 'Content-Type: application/json' -d "$2" "http://$RC_URL/api/v1/$1"
    else
        curl -s -H "X-User-Id: $USER_ID" -H "X-Auth-Token: $AUTH_TOKEN" "http://$RC_URL/api/v1/$1"
    fi
}

# users: one owner per run and tool; all of them in every group
owners=()
for k in $(seq "$runs"); do owners+=("seed-owner-$k" "rcctl-owner-$k"); done
for u in "${owners[@]}"; do
    out=$(api users.create "{\"username\":\"$u\",\"email\":\"$u@example.com\",\"name\":\"$u\",\"password\":\"Pw-$u-0123456789\",\"verified\":true}")
    [ "$(jq -r .success <<<"$out")" = true ] || { echo "bench: users.create $u: $out" >&2; exit 1; }
done
members=$(IFS=,; echo "${owners[*]}")

t0=$(date +%s.%N)
seq -f 'bench-%04g' 1 "$n" | rc -q -j 8 group create --from - --members "$members" >/dev/null
t1=$(date +%s.%N)
got=$(api "groups.listAll?count=1" | jq .total)
[ "$got" = "$n" ] || { echo "bench: $got groups made, not $n" >&2; exit 1; }
echo "setup: $n private groups (each with ${#owners[@]} members) made by rcctl -j 8 in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"

# ---- the operations notes' loops, verbatim but for http and the count ----

cat >"$work/seed-notify.sh" <<'SEED'
for room_id in $(curl --header "X-User-Id: $USER_ID" --header "X-Auth-Token: $AUTH_TOKEN" --header "Content-type: application/json"  http://$RC_URL/api/v1/rooms.get | jq '.update[] | select(.t == "p")._id'); do
    curl \
        --header "X-User-Id: $USER_ID" \
        --header "X-Auth-Token: $AUTH_TOKEN" \
        --header "Content-type: application/json" \
        --data-raw "{ \
            \"roomId\": $room_id, \
            \"notifications\": {
                \"disableNotifications\": \"0\", \
                \"muteGroupMentions\": \"0\", \
                \"hideUnreadStatus\": \"0\", \
                \"hideMentionStatus\": \"0\", \
                \"desktopNotifications\": \"default\", \
                \"audioNotificationValue\": \"default\", \
                \"mobilePushNotifications\": \"default\", \
                \"emailNotifications\": \"default\" \
            } \
        }" \
        http://$RC_URL/api/v1/rooms.saveNotification
done
SEED

cat >"$work/seed-owner.sh" <<'SEED'
for room_id in $(curl --header "X-User-Id: $USER_ID" --header "X-Auth-Token: $AUTH_TOKEN" --header "Content-type: application/json"  http://$RC_URL/api/v1/groups.listAll\?count\=$COUNT | jq '.groups[] | select(.t == "p")._id'); do
    echo "Room ID: $room_id"
    curl \
        --header "X-User-Id: $USER_ID" \
        --header "X-Auth-Token: $AUTH_TOKEN" \
        --header "Content-type: application/json" \
        --data "{ \"roomId\": $room_id, \"userId\": \"$new_owner_user_id\" }" \
        https://$RC_URL/api/v1/groups.addOwner
done
SEED
sed -i 's|https://\$RC_URL|http://$RC_URL|' "$work/seed-owner.sh"

# secs CMD...: run (stdout dropped, stderr to a log), print the elapsed seconds
secs() {
    local a b
    a=$(date +%s.%N)
    "$@" >/dev/null 2>>"$work/clients.log" || { echo "bench: failed: $*" >&2; tail "$work/clients.log" >&2; exit 1; }
    b=$(date +%s.%N)
    awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f\n", b - a }'
}
# stats: "median min max" of the numbers on stdin
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%s %s %s\n", v[int((NR + 1) / 2)], v[1], v[NR] }'; }
# check_notify VALUE: every group's subscription has desktop VALUE
check_notify() {
    local want=$1 count
    count=$(api subscriptions.get | jq --arg w "$want" \
        '[.update[] | select(.t == "p") | select((if .desktopPrefOrigin == "subscription" then .desktopNotifications else "default" end) == $w)] | length')
    [ "$count" = "$n" ] || { echo "bench: $count of $n groups have desktop '$want'" >&2; exit 1; }
}
other=(--desktop all --mobile mentions --email nothing --audio chime
       --disable-notifications 1 --mute-group-mentions 1 --hide-unread 1 --hide-mention 1)
seedv=(--desktop default --mobile default --email default --audio default
       --disable-notifications 0 --mute-group-mentions 0 --hide-unread 0 --hide-mention 0)

notify_seed_runs=() notify_rcctl_runs=() owner_seed_runs=() owner_rcctl_runs=()
for k in $(seq "$runs"); do
    # (a) the notes' loop sets its values on rooms that have others
    rc -q room notify --all --type p "${other[@]}"
    check_notify all
    notify_seed_runs+=("$(secs taskset -c 1 bash "$work/seed-notify.sh")")
    check_notify default
    notify_rcctl_runs+=("$(secs rc -q -j "$jobs" room notify --all --type p "${other[@]}")")
    check_notify all

    # (b) a fresh user owner of every group
    uid=$(api "users.info?username=seed-owner-$k" | jq -r .user._id)
    owner_seed_runs+=("$(secs env new_owner_user_id="$uid" COUNT="$n" taskset -c 1 bash "$work/seed-owner.sh")")
    owner_rcctl_runs+=("$(secs rc -q -j "$jobs" group add-owner --all --user "rcctl-owner-$k")")
    # both made every group's owner: rcctl again finds nothing to do
    for who in "seed-owner-$k" "rcctl-owner-$k"; do
        out=$(rc group add-owner --all --user "$who" 2>&1 >/dev/null | tail -1)
        [ "$out" = "rcctl: 0 changed, $n unchanged, 0 failed" ] || { echo "bench: $who: $out" >&2; exit 1; }
    done
done
unchanged=$(secs rc -q room notify --all --type p "${other[@]}")
rc -q room notify --all --type p "${seedv[@]}"
seq1=$(secs rc -q -j 1 room notify --all --type p "${other[@]}")

report() {   # report TITLE SEED_TIMES RCCTL_TIMES
    local title=$1 s r
    read -r sm slo shi <<<"$(tr ' ' '\n' <<<"$2" | stats)"
    read -r rm rlo rhi <<<"$(tr ' ' '\n' <<<"$3" | stats)"
    echo "$title"
    printf '  %-44s %8.2f s  [%.2f-%.2f]  %5.1f ms/room\n' "the notes' loop (curl + jq per room)" "$sm" "$slo" "$shi" \
        "$(awk -v s="$sm" -v n="$n" 'BEGIN { print 1000 * s / n }')"
    printf '  %-44s %8.3f s  [%.3f-%.3f]  %5.2f ms/room\n' "$4" "$rm" "$rlo" "$rhi" \
        "$(awk -v s="$rm" -v n="$n" 'BEGIN { print 1000 * s / n }')"
    printf '  %-44s %8.0fx\n' "rcctl faster by (medians)" "$(awk -v a="$sm" -v b="$rm" 'BEGIN { print (b > 0 ? a / b : 0) }')"
}
echo "rcd on CPU 0 (database in $(dirname "$dbdir")), clients on CPU 1; $runs runs each; median [min-max]"
report "(a) notification preferences on $n private groups" "${notify_seed_runs[*]}" "${notify_rcctl_runs[*]}" \
    "rcctl room notify --all --type p (-j $jobs)"
printf '  %-44s %8.3f s\n' "rcctl, -j 1 (one connection)" "$seq1"
printf '  %-44s %8.3f s\n' "rcctl, a re-run with nothing to change" "$unchanged"
report "(b) one user owner of $n private groups" "${owner_seed_runs[*]}" "${owner_rcctl_runs[*]}" \
    "rcctl group add-owner --all --user U (-j $jobs)"
