#!/usr/bin/env bats
# examples/cron/deactivate-idle.sh against a real rcd: the preview in the
# log, the cap, exactly the idle users deactivated, silence when there is
# nothing to do, errors on stderr and exit codes passed on.

load ../rcctl/helpers

SCRIPT=$TOP/examples/cron/deactivate-idle.sh

setup_file() { rcd_file_start; }
teardown_file() { rcd_file_stop; }
setup() {
    rcd_test_env
    # the script runs "rcctl" from PATH, as it would from cron
    PATH="$(dirname "$RCCTL"):$PATH"
    LOG=$BATS_TEST_TMPDIR/idle.log
}

# rcctl's stderr goes to the script's log: no sanitizer may have spoken there
teardown() {
    ! grep -qsE 'AddressSanitizer|LeakSanitizer|runtime error:' "$LOG"
}

active() {
    login_as "$ADMIN_USER" "$ADMIN_PASS" >/dev/null
    api GET "/api/v1/users.info?username=$1"
    jq -r .user.active <<<"$BODY"
}

# idle_users ROLE PREFIX N: N users with ROLE whose last login was 400 days
# ago (PREFIX-1..N), PREFIX-recent (10 days ago), PREFIX-new (never logged
# in, created now) and PREFIX-plain (idle, but role user only)
idle_users() {
    local r=$1 p=$2 n=$3 i
    for i in $(seq 1 "$n"); do create_user "$p-$i" "Pw-$p-$i-0123456789" "$r"; done
    create_user "$p-recent" "Pw-$p-r-0123456789" "$r"
    create_user "$p-new" "Pw-$p-n-0123456789" "$r"
    create_user "$p-plain" "Pw-$p-p-0123456789"
    db "UPDATE users SET last_login = $(days_ago_ms 400) WHERE username GLOB '$p-[0-9]*' OR username = '$p-plain'"
    db "UPDATE users SET last_login = $(days_ago_ms 10) WHERE username = '$p-recent'"
}

@test "deactivate-idle.sh deactivates exactly the idle users and mails a summary" {
    idle_users guest ida 2
    login_rcd_admin
    run --separate-stderr "$SCRIPT" --role guest --days 365 --log "$LOG"
    [ "$status" = 0 ] || { show; false; }
    [ -z "$stderr" ] || { show; false; }
    [ "${lines[0]}" = "Deactivated 2 users with role 'guest', idle for 365 days:" ]
    grep -qE "^  ida-1	20[0-9-]+T" <<<"$output"
    grep -qE "^  ida-2	20[0-9-]+T" <<<"$output"
    grep -q '^2 changed, 0 unchanged, 0 failed$' <<<"$output"
    [ "$(grep -c '^  ' <<<"$output")" = 2 ]
    [ "$(active ida-1)" = false ]
    [ "$(active ida-2)" = false ]
    for u in recent new plain; do [ "$(active ida-$u)" = true ]; done
    # the preview went to the log first, with the last logins
    grep -q "preview: role 'guest', idle 365 days, max 50" "$LOG"
    sed -n '/preview:/,/change:/p' "$LOG" | grep -qE '^ida-1	20'
    grep -q '== .* change: exit 0' "$LOG"
    [ "$(stat -c %a "$LOG")" = 600 ]
}

@test "deactivate-idle.sh is silent when nothing is idle, and says so only in the log" {
    idle_users bot ids 1
    login_rcd_admin
    run --separate-stderr "$SCRIPT" --role bot --days 365 --log "$LOG"
    [ "$status" = 0 ] && [ "$(active ids-1)" = false ] || { show; false; }
    : >"$LOG"
    run --separate-stderr "$SCRIPT" --role bot --days 365 --log "$LOG"
    [ "$status" = 0 ] || { show; false; }
    [ -z "$output" ] && [ -z "$stderr" ] || { show; false; }
    grep -q "no active user with role 'bot' has been idle for 365 days" "$LOG"
    ! grep -q 'change:' "$LOG"
}

@test "deactivate-idle.sh refuses above the cap on stderr, exit 1, nothing changed" {
    idle_users app idm 3
    login_rcd_admin
    IDLE_MAX=2 run --separate-stderr "$SCRIPT" --role app --log "$LOG"
    [ "$status" = 1 ] || { show; false; }
    [ -z "$output" ] || { show; false; }
    grep -q "refusing: 3 users with role 'app' have been idle for 365 days, more than the cap of 2; nothing changed" <<<"$stderr"
    grep -q '  idm-3	' <<<"$stderr"
    for i in 1 2 3; do [ "$(active idm-$i)" = true ]; done
    grep -q 'refused: 3 users, more than 2' "$LOG"
    # the flag beats the environment
    IDLE_MAX=2 run --separate-stderr "$SCRIPT" --role app --max 3 --log "$LOG"
    [ "$status" = 0 ] || { show; false; }
    for i in 1 2 3; do [ "$(active idm-$i)" = false ]; done
}

@test "deactivate-idle.sh --dry-run and IDLE_DAYS: a preview on stdout, nothing changed" {
    idle_users livechat-agent idd 1
    db "UPDATE users SET last_login = $(days_ago_ms 40) WHERE username = 'idd-recent'"
    login_rcd_admin
    IDLE_ROLE=livechat-agent IDLE_DAYS=30 IDLE_LOG=$LOG run --separate-stderr "$SCRIPT" --dry-run
    [ "$status" = 0 ] || { show; false; }
    [ "${lines[0]}" = "Would deactivate 2 users with role 'livechat-agent', idle for 30 days:" ]
    [ "$(grep '^  idd' <<<"$output" | cut -f1 | sort | tr -d ' ' | tr '\n' ' ')" = 'idd-1 idd-recent ' ]
    [ "$(active idd-1)" = true ] && [ "$(active idd-recent)" = true ]
    grep -q "idle 30 days" "$LOG"
}

@test "deactivate-idle.sh with RCCTL_URL, RCCTL_USER_ID and RCCTL_TOKEN_FILE (no profile)" {
    idle_users livechat-manager idt 1
    login_rcd_admin
    run_rcctl token create cron-idle
    [ "$status" = 0 ] || { show; false; }
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/token"
    login_as "$ADMIN_USER" "$ADMIN_PASS"
    rm -f "$CONFIG"
    RCCTL_URL=$RCD_URL RCCTL_USER_ID=$AUTH_UID RCCTL_TOKEN_FILE=$BATS_TEST_TMPDIR/token \
        run --separate-stderr "$SCRIPT" --role livechat-manager --log "$LOG"
    [ "$status" = 0 ] || { show; false; }
    grep -q "^Deactivated 1 user with role 'livechat-manager'" <<<"$output"
    [ "$(active idt-1)" = false ]
}

@test "deactivate-idle.sh passes rcctl's exit code on: no login 5, unreachable 7, bad flag 2" {
    run --separate-stderr "$SCRIPT" --log "$LOG"
    [ "$status" = 5 ] || { show; false; }
    [ -z "$output" ]
    grep -q 'the preview failed (exit 5); nothing changed' <<<"$stderr"
    RCCTL_URL=$(dead_url) RCCTL_USER_ID=x RCCTL_TOKEN=y \
        run --separate-stderr "$SCRIPT" --log "$LOG"
    [ "$status" = 7 ] || { show; false; }
    grep -q 'rcctl: error' <<<"$stderr"
    run --separate-stderr "$SCRIPT" --days soon
    [ "$status" = 2 ]
    run --separate-stderr "$SCRIPT" --frobnicate
    [ "$status" = 2 ]
}
