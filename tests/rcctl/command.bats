#!/usr/bin/env bats
# rcctl/command.c and main.c: help from the tables, prefix matching, usage
# errors, global flags anywhere, and the hidden __complete.

load helpers

setup_file() { mock_start; }
teardown_file() { mock_stop; }
setup() { rcctl_env; }

@test "rcctl --help lists commands, examples first, and exits 0" {
    run_rcctl --help
    [ "$status" = 0 ] || { show; false; }
    [ -z "$stderr" ]
    ex=$(grep -n '^Examples:' <<<"$output" | cut -d: -f1)
    us=$(grep -n '^usage:' <<<"$output" | cut -d: -f1)
    [ -n "$ex" ] && [ "$ex" -lt "$us" ]
    for c in login logout whoami info api profile help; do
        grep -qE "^  $c " <<<"$output"
    done
    ! grep -q __complete <<<"$output"
    grep -q 'Exit status' <<<"$output"
    grep -q -- '--csv-guard' <<<"$output"
}

@test "help CMD, CMD --help and --help CMD print the same help" {
    run_rcctl help login
    [ "$status" = 0 ]
    a=$output
    run_rcctl login --help
    [ "$status" = 0 ]
    [ "$output" = "$a" ]
    run_rcctl --help login
    [ "$output" = "$a" ]
    grep -q '^rcctl login - ' <<<"$a"
    grep -q -- '--password-file FILE' <<<"$a"
    run_rcctl help profile use
    [ "$status" = 0 ]
    grep -q '^usage: rcctl profile use <name>' <<<"$output"
}

@test "a group's help lists its commands" {
    run_rcctl profile --help
    [ "$status" = 0 ]
    grep -qE '^  list ' <<<"$output"
    grep -qE '^  remove ' <<<"$output"
}

@test "--version prints the version" {
    run_rcctl --version
    [ "$status" = 0 ]
    [[ "$output" =~ ^rcctl\ [0-9]+\.[0-9]+ ]]
}

@test "no command is a usage error (exit 2) listing the commands" {
    run_rcctl
    [ "$status" = 2 ]
    [ -z "$output" ]
    grep -q 'rcctl: error: no command given' <<<"$stderr"
    grep -q 'whoami' <<<"$stderr"
}

@test "a unique prefix runs the command: who -> whoami, prof l -> profile list" {
    login_mock_admin
    run_rcctl who
    [ "$status" = 0 ] || { show; false; }
    grep -q '^admin' <<<"$output"
    run_rcctl prof l --no-header
    [ "$status" = 0 ]
    grep -q "127.0.0.1" <<<"$output"
}

@test "an ambiguous prefix is a usage error naming the candidates" {
    run_rcctl lo
    [ "$status" = 2 ]
    [ -z "$output" ]
    grep -q "'lo' is ambiguous" <<<"$stderr"
    grep -q 'login, logout' <<<"$stderr"
}

@test "an unknown command is a usage error" {
    run_rcctl frobnicate
    [ "$status" = 2 ]
    grep -q "'frobnicate' is not a command" <<<"$stderr"
    run_rcctl profile frob
    [ "$status" = 2 ]
}

@test "hidden commands are not matched by prefix" {
    run_rcctl __comp
    [ "$status" = 2 ]
}

@test "an unknown option is a usage error with the command's usage" {
    run_rcctl whoami --frob
    [ "$status" = 2 ]
    [ -z "$output" ]
    grep -q "unknown option '--frob'" <<<"$stderr"
    grep -q '^usage: rcctl whoami' <<<"$stderr"
    run_rcctl profile use
    [ "$status" = 2 ]
    grep -q '^usage: rcctl profile use <name>' <<<"$stderr"
}

@test "a global flag without its value is a usage error" {
    run_rcctl whoami --format
    [ "$status" = 2 ]
    grep -q "'--format' needs a value" <<<"$stderr"
    run_rcctl -o yaml whoami
    [ "$status" = 2 ]
    grep -q "unknown format 'yaml'" <<<"$stderr"
    run_rcctl --timeout soon info
    [ "$status" = 2 ]
    run_rcctl --no-header=1 info
    [ "$status" = 2 ]
}

@test "global flags work before and after the command words" {
    login_mock_admin
    run_rcctl -o json whoami
    [ "$status" = 0 ]
    a=$(jq -r .username <<<"$output")
    run_rcctl whoami --format=json
    [ "$(jq -r .username <<<"$output")" = "$a" ]
    run_rcctl whoami -ojson -q
    [ "$(jq -r .username <<<"$output")" = admin ]
}

@test "__complete walks the tables" {
    run_rcctl __complete profile r
    [ "$status" = 0 ]
    [ "$output" = remove ]
    run_rcctl __complete ""
    grep -qx login <<<"$output"
    grep -qx profile <<<"$output"
    ! grep -q __complete <<<"$output"
    run_rcctl __complete l
    [ "$output" = "$(printf 'login\nlogout')" ]
    run_rcctl __complete pro ""
    [ "$output" = "$(printf 'list\nuse\nremove')" ]
    run_rcctl __complete nonsense ""
    [ "$status" = 0 ]
    [ -z "$output" ]
}

@test "__complete offers flags, formats and profile names" {
    run_rcctl __complete whoami --for
    [ "$output" = --format ]
    run_rcctl __complete login --pass
    [ "$output" = --password-file ]
    run_rcctl __complete -o n
    [ "$output" = ndjson ]
    login_mock_admin
    run_rcctl __complete profile use ""
    [ "$output" = "${MOCK_URL#http://}" ]
    run_rcctl __complete --profile 127
    [ "$output" = "${MOCK_URL#http://}" ]
}
