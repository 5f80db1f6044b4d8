#!/usr/bin/env bats
# rcctl/output.c end to end: formats, columns, header, CSV quoting and the
# formula guard, --list-columns, data on stdout only, write errors.
# (Cell-level cases are in tests/unit/test_output.c.)

load helpers

setup_file() { mock_start; }
teardown_file() { mock_stop; }
setup() { rcctl_env; }

@test "in a pipe the default is tsv with a header row" {
    login_mock_admin
    run_rcctl whoami
    [ "$status" = 0 ]
    [ "$(wc -l <<<"$output")" = 2 ]
    [ "$(head -1 <<<"$output")" = "$(printf 'username\t_id\tname\troles\turl')" ]
}

@test "on a terminal the default is an aligned table" {
    command -v script >/dev/null || skip "no script(1)"
    login_mock_admin
    run script -qec "$RCCTL whoami --columns username,_id" /dev/null
    [ "$status" = 0 ]
    grep -q 'USERNAME  _ID' <<<"$output"
    grep -q 'admin     uid-admin' <<<"$output"
}

@test "csv quotes commas and quotes end to end" {
    login_mock_admin
    run_rcctl whoami -o csv --columns name,roles
    [ "$status" = 0 ]
    [ "$output" = "$(printf 'name,roles\r\n"Admin, the ""Tester""","[""user"",""admin""]"\r')" ]
}

@test "--csv-guard defuses spreadsheet formulas" {
    mkdir -p "$(dirname "$CONFIG")" && chmod 700 "$(dirname "$CONFIG")"
    printf '[profile "=HYPERLINK(1)"]\n\turl = http://x\n[profile "+1"]\n\turl = http://y\n' >"$CONFIG"
    chmod 600 "$CONFIG"
    run_rcctl profile list -o csv --columns name --no-header --csv-guard
    [ "$output" = "$(printf "'=HYPERLINK(1)\r\n'+1\r")" ]
    run_rcctl profile list -o csv --columns name --no-header
    [ "$output" = "$(printf '=HYPERLINK(1)\r\n+1\r')" ]
}

@test "--columns picks dotted paths; --no-header drops the header" {
    login_mock_admin
    run_rcctl whoami --columns username,emails.0.address,emails.0.verified,nope
    [ "$status" = 0 ]
    [ "$(sed -n 2p <<<"$output")" = "$(printf 'admin\tadmin@example.com\ttrue\t')" ]
    run_rcctl whoami --columns _id --no-header
    [ "$output" = uid-admin ]
}

@test "-o ids prints one id a line, to feed the next command" {
    run_rcctl api GET 'things.list?total=3' --all -o ids --url "$MOCK_URL"
    [ "$output" = "$(printf 'id000\nid001\nid002')" ]
}

@test "-o json is one document, -o ndjson one object a line" {
    run_rcctl api GET 'things.list?total=4&cap=3' --all -o json --url "$MOCK_URL"
    jq -e 'type == "array" and length == 4' <<<"$output"
    run_rcctl api GET 'things.list?total=4&cap=3' --all -o ndjson --url "$MOCK_URL"
    [ "$(wc -l <<<"$output")" = 4 ]
    while read -r line; do jq -e 'type == "object"' <<<"$line" >/dev/null; done <<<"$output"
}

@test "--list-columns lists the columns a command can show" {
    login_mock_admin
    run_rcctl whoami --list-columns
    [ "$status" = 0 ]
    grep -qx username <<<"$output"
    grep -qx emails.0.address <<<"$output"
    grep -qx url <<<"$output"
    ! grep -qx success <<<"$output"
}

@test "diagnostics stay off stdout, even with -v" {
    login_mock_admin
    run_rcctl -vv whoami -o json
    [ "$status" = 0 ]
    jq -e . <<<"$output" >/dev/null
    grep -q '^> GET' <<<"$stderr"
}

@test "a write error on stdout is an error (exit 1), not silence" {
    [ -w /dev/full ] || skip "no /dev/full"
    login_mock_admin
    run bash -c "'$RCCTL' whoami >/dev/full"
    [ "$status" = 1 ]
    grep -q 'cannot write to stdout' <<<"$output"
}
