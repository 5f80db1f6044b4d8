#!/usr/bin/env bats
# examples/cron/nightly-export.sh against a real rcd: dated csv and json
# files with a summary, resuming after a kill with the same bytes as an
# uninterrupted run, pruning old dated folders only after a whole export.
# rcd caps pages at 5 here, so rooms span pages.

load ../rcctl/helpers

SCRIPT=$TOP/examples/cron/nightly-export.sh

setup_file() {
    have_rcd || return 0
    rcd_start OVERWRITE_SETTING_API_Upper_Count_Limit=5
    login_as "$ADMIN_USER" "$ADMIN_PASS"
    local r n i
    for r in ne-a-small:c:3 ne-big:c:17 ne-secret:p:6; do
        n=${r%%:*}
        if [ "$(cut -d: -f2 <<<"$r")" = p ]; then
            api POST /api/v1/groups.create "{\"name\":\"$n\"}"
        else
            api POST /api/v1/channels.create "{\"name\":\"$n\"}"
        fi
        [ "$STATUS" = 200 ] || { echo "$BODY" >&2; return 1; }
        for i in $(seq 1 "${r##*:}"); do
            api POST /api/v1/chat.postMessage "{\"channel\":\"$n\",\"text\":\"$n m$i, with a comma\"}"
            [ "$STATUS" = 200 ] || { echo "$BODY" >&2; return 1; }
        done
    done
}
teardown_file() { rcd_file_stop; }
setup() {
    rcd_test_env
    PATH="$(dirname "$RCCTL"):$PATH"
    cd "$BATS_TEST_TMPDIR"
}

# rcctl's stderr goes to the export logs: no sanitizer may have spoken there
teardown() {
    ! find "$BATS_TEST_TMPDIR" -name export.log -exec \
        grep -lE 'AddressSanitizer|LeakSanitizer|runtime error:' {} + | grep -q .
}

@test "nightly-export.sh writes dated csv and json files and a summary" {
    login_rcd_admin
    run --separate-stderr "$SCRIPT" --dir base --date 2030-01-10
    [ "$status" = 0 ] || { show; false; }
    [ -z "$stderr" ] || { show; false; }
    d=base/2030-01-10
    for f in csv json; do
        [ -f "$d/$f/manifest.json" ]
        n=$(jq '.rooms | length' "$d/$f/manifest.json")
        [ "$n" = 3 ] || { cat "$d/$f/manifest.json" "$d/export.log"; false; }
        [ "$(ls "$d/$f"/*."$f" | grep -vc 'manifest\.json$')" = "$n" ]
    done
    [ "$(jq '[.[] | select(.text | startswith("ne-big m"))] | length' "$d/json/ne-big.json")" = 17 ]
    [ "$(jq -r '[.[] | select(.text | startswith("ne-secret m"))][5].text' "$d/json/ne-secret.json")" = 'ne-secret m6, with a comma' ]
    python3 - "$d/csv/ne-a-small.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline=""), strict=True))
texts = [r[4] for r in rows[1:] if r[4].startswith("ne-a-small m")]
assert rows[0][:5] == ["id", "timestamp", "username", "name", "text"], rows[0]
assert texts == ["ne-a-small m1, with a comma", "ne-a-small m2, with a comma", "ne-a-small m3, with a comma"], texts
PY
    # the summary: on stdout and in SUMMARY, numbers from the manifests
    [ "$output" = "$(cat "$d/SUMMARY")" ]
    [ "${lines[0]}" = "Chat export of 2030-01-10 in base/2030-01-10" ]
    msgs=$(jq '[.rooms[].messages] | add' "$d/csv/manifest.json")
    rooms=$(jq '.rooms | length' "$d/csv/manifest.json")
    bytes=$(cat "$d"/csv/*.csv | wc -c)
    grep -qx "csv: $rooms rooms, $msgs messages, $bytes bytes" "$d/SUMMARY"
    [ "$msgs" = 26 ]
    grep -q "^json: $rooms rooms, $msgs messages, " "$d/SUMMARY"
    [ "$(stat -c %a "$d")" = 700 ]
    # done for the day: a second run is silent and changes nothing
    before=$(stat -c %Y "$d/csv/ne-big.csv")
    run --separate-stderr "$SCRIPT" --dir base --date 2030-01-10
    [ "$status" = 0 ] && [ -z "$output" ] && [ -z "$stderr" ] || { show; false; }
    [ "$(stat -c %Y "$d/csv/ne-big.csv")" = "$before" ]
}

@test "nightly-export.sh resumes after a kill: finished rooms kept, the same bytes" {
    login_rcd_admin
    EXPORT_DIR=$PWD/ref run --separate-stderr "$SCRIPT" --date 2030-02-01
    [ "$status" = 0 ] || { show; false; }
    # rcctl is killed (SIGKILL) after its second page of a room
    RCCTL_TEST_EXPORT_KILL_AFTER=2 EXPORT_DIR=$PWD/cut \
        run --separate-stderr "$SCRIPT" --date 2030-02-01
    [ "$status" = 137 ] || { show; false; }
    [ -z "$output" ]
    grep -q 'the csv export of 2030-02-01 failed (exit 137); run me again to resume' <<<"$stderr"
    d=cut/2030-02-01
    [ ! -e "$d/SUMMARY" ] && [ ! -e "$d/json" ]
    # ne-a-small (1 page) was finished before the kill, ne-big (4) was not
    [ ! -e "$d/csv/ne-big.csv" ]
    done_before=$(cd "$d/csv" && ls *.csv 2>/dev/null | sort)
    [ "$done_before" = ne-a-small.csv ] || { ls -R "$d" >&2; false; }
    stamps=$(cd "$d/csv" && for f in $done_before; do stat -c '%n %Y %i' "$f"; done)
    sleep 1
    EXPORT_DIR=$PWD/cut run --separate-stderr "$SCRIPT" --date 2030-02-01
    [ "$status" = 0 ] || { show; false; }
    grep -q "resuming the export of '[^']*' after [1-9][0-9]* messages" "$d/export.log"
    [ "$stamps" = "$(cd "$d/csv" && for f in $done_before; do stat -c '%n %Y %i' "$f"; done)" ]
    grep -q "'$PWD/$d/csv/ne-a-small.csv' was exported already" "$d/export.log"
    # byte for byte what the uninterrupted run wrote
    files=$(cd ref/2030-02-01 && ls csv/*.csv json/*.json | grep -v 'manifest\.json$')
    [ "$(wc -l <<<"$files")" = 6 ]
    [ "$files" = "$(cd "$d" && ls csv/*.csv json/*.json | grep -v 'manifest\.json$')" ]
    for f in $files; do
        cmp "ref/2030-02-01/$f" "$d/$f"
    done
    [ -f "$d/SUMMARY" ]
}

@test "nightly-export.sh keeps N days and prunes older dated folders only" {
    login_rcd_admin
    mkdir -p base/2029-12-31 base/2030-01-06 base/2030-01-07 base/2030-01-08 \
        base/2030-01-09 base/notes base/2030-01-09-extra
    touch base/2030-01-07/keepme
    run --separate-stderr "$SCRIPT" --dir base --date 2030-01-10 --keep 3
    [ "$status" = 0 ] || { show; false; }
    [ "$(cd base && ls | tr '\n' ' ')" = '2030-01-08 2030-01-09 2030-01-09-extra 2030-01-10 notes ' ]
    grep -qx 'pruned 3 folders older than 2030-01-08 (keeping 3 days)' <<<"$output"
}

@test "nightly-export.sh: a failed export prunes nothing, writes no summary, passes the exit code on" {
    mkdir -p base/2000-01-01
    run --separate-stderr "$SCRIPT" --dir base --date 2030-01-10 --keep 1
    [ "$status" = 5 ] || { show; false; }
    [ -z "$output" ]
    grep -q 'rcctl: error' <<<"$stderr"
    grep -q 'the csv export of 2030-01-10 failed (exit 5)' <<<"$stderr"
    [ -d base/2000-01-01 ] && [ ! -e base/2030-01-10/SUMMARY ]
    RCCTL_URL=$(dead_url) RCCTL_USER_ID=x RCCTL_TOKEN=y \
        run --separate-stderr "$SCRIPT" --dir base --date 2030-01-10 --keep 1
    [ "$status" = 7 ] || { show; false; }
    [ -d base/2000-01-01 ]
}

@test "nightly-export.sh usage errors exit 2" {
    for a in "--keep 0" "--keep x" "--date 10.01.2030" "--formats xml" "--nope"; do
        # shellcheck disable=SC2086
        run --separate-stderr "$SCRIPT" --dir base $a
        [ "$status" = 2 ] || { echo "$a" >&2; show; false; }
        [ -n "$stderr" ]
    done
    [ ! -e base ]
}
