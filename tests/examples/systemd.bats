#!/usr/bin/env bats
# examples/systemd/: the units pass systemd-analyze verify without a word,
# rcd.service carries its hardening (and systemd-analyze security rates
# it), its ExecStart line really starts rcd, and the timer's schedule and
# the idle service's environment match the script they run. systemd is not
# PID 1 in a test container, so the units are checked, not started by it.

load ../rcctl/helpers

UNITS=$TOP/examples/systemd

setup() {
    command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed (package systemd)"
    cd "$BATS_TEST_TMPDIR"
}

# the units, with the installed paths pointed at this tree's files
local_units() {
    mkdir -p units
    cp "$UNITS"/rcd.service "$UNITS"/rcctl-idle.service "$UNITS"/rcctl-idle.timer units/
    sed -i -e "s|/usr/local/bin/rcd|$RCD_BIN|" \
        -e "s|/usr/local/share/rcctl/examples/cron/deactivate-idle.sh|$TOP/examples/cron/deactivate-idle.sh|" \
        units/*.service
}

@test "systemd-analyze verify accepts the three units without a warning" {
    local_units
    cd units
    run systemd-analyze verify --man=no rcd.service rcctl-idle.service rcctl-idle.timer
    [ "$status" = 0 ] || { echo "$output" >&2; false; }
    [ -z "$output" ] || { echo "$output" >&2; false; }
    # and it would speak up: a misspelt key is reported
    echo 'ProtectSystm=strict' >>rcd.service
    run systemd-analyze verify --man=no rcd.service
    grep -q "Unknown key 'ProtectSystm'" <<<"$output"
}

@test "rcd.service: dedicated user, strict sandbox, only the database dir writable" {
    f=$UNITS/rcd.service
    for want in User=rcd Group=rcd ProtectSystem=strict ProtectHome=yes \
        PrivateTmp=yes NoNewPrivileges=yes ReadWritePaths=/var/lib/rcd \
        StateDirectory=rcd 'CapabilityBoundingSet=' \
        'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' \
        SystemCallFilter=@system-service EnvironmentFile=-/etc/rcd/rcd.env; do
        grep -qx -- "$want" "$f" || { echo "missing: $want" >&2; false; }
    done
    # the database given to rcd lies in the one writable folder
    grep -q '^ExecStart=.* --db /var/lib/rcd/rcd.db' "$f"
    local_units
    # systemd's own rating: 0 is airtight, 10 wide open; demand under 2
    run systemd-analyze security --offline=yes --threshold=20 units/rcd.service
    [ "$status" = 0 ] || { tail -3 <<<"$output" >&2; false; }
    grep -qE 'Overall exposure level for rcd.service: 1\.[0-9] OK' <<<"$output"
    run systemd-analyze security --offline=yes --threshold=25 units/rcctl-idle.service
    [ "$status" = 0 ] || { tail -3 <<<"$output" >&2; false; }
}

@test "rcd.service's ExecStart line starts rcd, which answers and stops on SIGTERM" {
    [ -x "$RCD_BIN" ] || skip "rcd is not built yet"
    port=$(free_port)
    line=$(sed -n 's/^ExecStart=//p' "$UNITS/rcd.service")
    # shellcheck disable=SC2086
    set -- $line
    [ "$1" = /usr/local/bin/rcd ]
    shift
    args=$(printf '%s\n' "$@" | sed -e "s|^/var/lib/rcd/|$PWD/|" -e "s|^3000\$|$port|" | tr '\n' ' ')
    # shellcheck disable=SC2086
    ADMIN_USERNAME=admin ADMIN_PASS=Adm1n-pass-for-tests RCD_BCRYPT_COST=4 \
        "$RCD_BIN" $args 2>rcd.log &
    pid=$!
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://127.0.0.1:$port/api/info" && break
        sleep 0.1
    done
    run curl -s "http://127.0.0.1:$port/api/info"
    kill -TERM "$pid"
    wait "$pid"
    jq -e '.success == true and (.version | length > 0)' <<<"$output"
    [ -f rcd.db ]
    grep -q 'rcd: stopped' rcd.log
}

@test "rcctl-idle: the timer runs the service weekly, the service the script with its variables" {
    grep -qx 'Unit=rcctl-idle.service' "$UNITS/rcctl-idle.timer"
    grep -qx 'Persistent=true' "$UNITS/rcctl-idle.timer"
    cal=$(sed -n 's/^OnCalendar=//p' "$UNITS/rcctl-idle.timer")
    run systemd-analyze calendar --iterations=2 "$cal"
    [ "$status" = 0 ] || { echo "$output" >&2; false; }
    [ "$(grep -cE '(Next elapse|Iter\. #2): Mon [0-9-]+ 06:15:00' <<<"$output")" = 2 ]
    grep -qx 'ExecStart=/usr/local/share/rcctl/examples/cron/deactivate-idle.sh' "$UNITS/rcctl-idle.service"
    grep -qx 'Type=oneshot' "$UNITS/rcctl-idle.service"
    # every variable the unit (and its env file's example) sets is one the
    # script or rcctl reads
    vars=$(grep -oE '\b(IDLE|RCCTL)_[A-Z_]+=' "$UNITS/rcctl-idle.service" | tr -d = | sort -u)
    [ "$(wc -l <<<"$vars")" -ge 6 ]
    for v in $vars; do
        case $v in
        RCCTL_URL|RCCTL_USER_ID|RCCTL_TOKEN_FILE) "$RCCTL_BIN" --help | grep -q "$v\|${v%_FILE}" ;;
        *) grep -q "\${$v:-" "$TOP/examples/cron/deactivate-idle.sh" ;;
        esac || { echo "unknown variable $v" >&2; false; }
    done
}
