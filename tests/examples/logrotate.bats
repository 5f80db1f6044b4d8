#!/usr/bin/env bats
# examples/logrotate/rcd: logrotate -d reads it as written, and a real
# rotation (the path pointed at a running rcd's log, which rcd_start opens
# for appending as 2>> would) keeps rcd running and logging into the
# truncated file, with the old lines in the rotated copy.

load ../rcctl/helpers

CONF=$TOP/examples/logrotate/rcd

setup() {
    command -v logrotate >/dev/null || skip "logrotate is not installed (package logrotate)"
    cd "$BATS_TEST_TMPDIR"
}
teardown() {
    if [ -n "${RCD_DIR:-}" ]; then rcd_stop; fi
}

@test "logrotate -d reads logrotate/rcd as written: one log, copytruncate, 14 kept" {
    run logrotate -d -s state "$CONF"
    [ "$status" = 0 ] || { echo "$output" >&2; false; }
    ! grep -qi 'error' <<<"$output"
    grep -q 'rotating pattern: /var/log/rcd/rcd.log  after 1 days (14 rotations)' <<<"$output"
    grep -q 'log files >= 104857600 are rotated earlier' <<<"$output"
    # rcd has no log-reopen signal: no postrotate may send it one
    grep -qx '    copytruncate' "$CONF"
    ! grep -q 'postrotate' "$CONF"
}

@test "a forced rotation under a running rcd: old lines rotated, new ones in the fresh file" {
    need_rcd
    rcd_start
    curl -s -o /dev/null "$RCD_URL/api/v1/rotation-before"
    sleep 0.2
    grep -q 'GET /api/v1/rotation-before 404' "$RCD_DIR/rcd.log"
    sed "s|/var/log/rcd/rcd.log|$RCD_DIR/rcd.log|" "$CONF" >rcd.logrotate
    run logrotate -f -s state rcd.logrotate
    [ "$status" = 0 ] || { echo "$output" >&2; false; }
    rotated=$(ls "$RCD_DIR"/rcd.log-*)
    [ "$(wc -l <<<"$rotated")" = 1 ]
    [[ "$rotated" =~ rcd\.log-[0-9]{8}-[0-9]+$ ]]     # delaycompress: not yet .gz
    grep -q 'GET /api/v1/rotation-before 404' "$rotated"
    curl -s -o /dev/null "$RCD_URL/api/v1/rotation-after"
    sleep 0.2
    kill -0 "$(cat "$RCD_DIR/rcd.pid")"
    grep -q 'GET /api/v1/rotation-after 404' "$RCD_DIR/rcd.log"
    ! grep -q 'rotation-before' "$RCD_DIR/rcd.log"
    # append mode: the new line starts the file, no hole of NUL bytes
    [ "$(tr -d '\0' <"$RCD_DIR/rcd.log" | wc -c)" = "$(wc -c <"$RCD_DIR/rcd.log")" ]
    [ "$(wc -c <"$RCD_DIR/rcd.log")" -lt "$(wc -c <"$rotated")" ]
}
