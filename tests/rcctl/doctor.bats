#!/usr/bin/env bats
# rcctl/cmd/doctor.c: one record per check, exit status by the worst
# result; against a real rcd (admin, plain user, no login, a bad token),
# a dead URL, and the mock for a skewed Date header.

load helpers

setup_file() { rcd_file_start; }
teardown_file() {
    rcd_file_stop
    mock_stop
}
setup() { rcctl_env; }
teardown() { mock_stop; }

# result NAME: the result of check NAME in the json output
result() { jq -r --arg n "$1" '.[] | select(.name == $n) | .result' <<<"$output"; }

@test "doctor as the admin: every check ok, exit 0" {
    need_rcd
    login_rcd_admin
    run_rcctl doctor -o json
    [ "$status" = 0 ] || { show; false; }
    [ "$(jq '[.[] | select(.result != "ok")] | length' <<<"$output")" = 0 ]
    for n in config server tls version clock rate-limiter login \
             "permission: user deactivate-idle" "permission: settings set"; do
        [ "$(result "$n")" = ok ] || { echo "check $n" >&2; show; false; }
    done
    jq -e '.[] | select(.name == "login") | .detail | test("admin")' <<<"$output"
    jq -e '.[] | select(.name == "version") | .detail | test("^7\\.4")' <<<"$output"
}

@test "doctor as a plain user warns about the bulk permissions, exit 3" {
    need_rcd
    create_user docplain "Pw-docplain-0123456789"
    printf 'Pw-docplain-0123456789\n' >"$BATS_TEST_TMPDIR/upw"
    run_rcctl login --url "$RCD_URL" --user docplain --password-file "$BATS_TEST_TMPDIR/upw"
    [ "$status" = 0 ] || { show; false; }
    run_rcctl doctor -o ndjson
    [ "$status" = 3 ] || { show; false; }
    [ "$(jq -rs '.[] | select(.name == "login") | .result' <<<"$output")" = ok ]
    jq -es '.[] | select(.name == "permission: user deactivate-idle")
            | select(.result == "warn")
            | .detail | test("edit-other-user-active-status")' <<<"$output"
    jq -es '.[] | select(.name == "permission: settings set") | .result == "warn"' <<<"$output"
    [ "$(jq -rs '[.[] | select(.result == "fail")] | length' <<<"$output")" = 0 ]
}

@test "doctor on a URL where nothing listens fails the server check, exit 7" {
    run_rcctl --timeout 5 doctor --url "$(dead_url)" -o json
    [ "$status" = 7 ] || { show; false; }
    [ "$(result server)" = fail ]
    [ "$(result login)" = "" ]
}

@test "doctor with a refused token fails the login check, exit 5" {
    need_rcd
    export RCCTL_URL=$RCD_URL RCCTL_USER_ID=nobody RCCTL_TOKEN=bad-token
    run_rcctl doctor -o json
    [ "$status" = 5 ] || { show; false; }
    [ "$(result server)" = ok ]
    [ "$(result login)" = fail ]
}

@test "doctor without a login warns and skips the permissions, exit 3" {
    need_rcd
    run_rcctl doctor --url "$RCD_URL" -o json
    [ "$status" = 3 ] || { show; false; }
    [ "$(result login)" = warn ]
    [ "$(jq '[.[] | select(.name | startswith("permission"))] | length' <<<"$output")" = 0 ]
}

@test "doctor warns about a loose config file mode" {
    need_rcd
    login_rcd_admin
    chmod 644 "$CONFIG"
    run_rcctl doctor -o json
    [ "$status" = 3 ] || { show; false; }
    [ "$(result config)" = warn ]
    jq -e '.[] | select(.name == "config") | .detail | test("0644")' <<<"$output"
}

@test "doctor warns about a server clock an hour ahead (Date header)" {
    MOCK_CLOCK_SKEW_S=3600 mock_start
    login_mock_admin
    run_rcctl doctor -o json
    [ "$(result clock)" = warn ] || { show; false; }
    jq -e '.[] | select(.name == "clock") | .detail | test("3600 s ahead")' <<<"$output"
}

@test "doctor finds no skew on the mock's true clock" {
    mock_start
    login_mock_admin
    run_rcctl doctor -o json
    [ "$(result clock)" = ok ] || { show; false; }
    jq -e '.[] | select(.name == "clock") | .detail | test("within")' <<<"$output"
}

@test "doctor prints one line per check in tsv" {
    need_rcd
    login_rcd_admin
    run_rcctl doctor -o tsv --no-header
    [ "$status" = 0 ] || { show; false; }
    [ "$(grep -c . <<<"$output")" -ge 9 ]
    [ "$(cut -f1 <<<"$output" | sort -u)" = ok ]
}
