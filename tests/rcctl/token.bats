#!/usr/bin/env bats
# rcctl/cmd/token.c: token create (printed once, on stdout only), list,
# remove; idempotence, dry runs, exit codes.

load helpers

setup_file() { rcd_file_start; }
teardown_file() { rcd_file_stop; }
setup() { rcd_test_env; }

# token_names: the caller's token names, as rcctl lists them
token_names() {
    run_rcctl token list --columns name --no-header
    [ "$status" = 0 ] || { show; return 1; }
    printf '%s\n' "$output"
}

@test "token create prints the token alone on stdout and the user id on stderr; it works" {
    mkuser tk1
    login_user tk1
    run_rcctl token create ci
    [ "$status" = 0 ] || { show; false; }
    [ "$(wc -l <<<"$output")" = 1 ]
    [[ "$output" =~ ^[A-Za-z0-9_-]{43}$ ]]
    tok=$output
    uid=$(grep -oE 'user id [A-Za-z0-9]+' <<<"$stderr" | head -1 | cut -d' ' -f3)
    [ -n "$uid" ]
    ! grep -qF "$tok" <<<"$stderr"
    AUTH_UID=$uid AUTH_TOKEN=$tok api GET /api/v1/me
    [ "$STATUS" = 200 ]
    [ "$(jq -r .username <<<"$BODY")" = tk1 ]
    ! grep -qF "$tok" "$CONFIG"
}

@test "token create --bypass-2fa, and the same name again is a conflict (6)" {
    mkuser tk2
    login_user tk2
    run_rcctl token create deploy --bypass-2fa
    [ "$status" = 0 ] || { show; false; }
    run_rcctl token list -o json
    [ "$(jq -r '.[] | select(.name=="deploy") | .bypassTwoFactor' <<<"$output")" = true ]
    run_rcctl token create deploy
    [ "$status" = 6 ] || { show; false; }
    [ -z "$output" ]
    grep -q "rcctl token remove deploy" <<<"$stderr"
    run_rcctl token create --dry-run deploy
    [ "$status" = 6 ]
}

@test "token create --dry-run creates nothing" {
    mkuser tk3
    login_user tk3
    run_rcctl token create --dry-run t3
    [ "$status" = 0 ] || { show; false; }
    [ -z "$output" ]
    grep -q "would create token 't3'" <<<"$stderr"
    [ -z "$(token_names)" ]
}

@test "token list shows names, never tokens; csv reads back" {
    mkuser tk4
    login_user tk4
    run_rcctl token create a,b
    tok=$output
    run_rcctl token create plain
    run_rcctl token list -o csv
    [ "$status" = 0 ] || { show; false; }
    ! grep -qF "$tok" <<<"$output"
    python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
assert sorted(r["name"] for r in rows) == ["a,b", "plain"], rows
assert all(len(r["lastTokenPart"]) == 6 and r["bypassTwoFactor"] == "false" for r in rows)
' <<<"$output"
}

@test "token remove removes; again it is 4, or unchanged with --ignore-missing" {
    mkuser tk5
    login_user tk5
    run_rcctl token create r1
    tok=$output
    run_rcctl token remove r1
    [ "$status" = 0 ] || { show; false; }
    grep -q "removed token 'r1'" <<<"$stderr"
    grep -q '1 changed, 0 unchanged, 0 failed' <<<"$stderr"
    [ -z "$(token_names)" ]
    run_rcctl token remove r1
    [ "$status" = 4 ] || { show; false; }
    run_rcctl token remove --ignore-missing r1
    [ "$status" = 0 ]
    grep -q '0 changed, 1 unchanged' <<<"$stderr"
}

@test "token remove --dry-run removes nothing; good + unknown is 3 with the good one gone" {
    mkuser tk6
    login_user tk6
    run_rcctl token create r2
    run_rcctl token create r3
    run_rcctl token remove -n r2
    [ "$status" = 0 ] || { show; false; }
    grep -q "would remove token 'r2'" <<<"$stderr"
    [ "$(token_names | sort | tr '\n' ' ')" = 'r2 r3 ' ]
    printf 'name\nr2\nnope\n' | cat >"$BATS_TEST_TMPDIR/names"
    run_rcctl_in "$BATS_TEST_TMPDIR/names" token remove --from -
    [ "$status" = 3 ] || { show; false; }
    [ "$(token_names)" = r3 ]
}

@test "token commands: no login 5; a role without create-personal-access-tokens 5" {
    RCCTL_URL=$RCD_URL run_rcctl token list
    [ "$status" = 5 ]
    RCCTL_URL=$RCD_URL run_rcctl token create x
    [ "$status" = 5 ]
    mkuser tk7 guest
    login_user tk7
    run_rcctl token list
    [ "$status" = 5 ] || { show; false; }
    run_rcctl token create x
    [ "$status" = 5 ] || { show; false; }
    [ -z "$output" ]
}

@test "token help shows examples first" {
    run_rcctl token create --help
    [ "$status" = 0 ]
    [ "$(sed -n 3p <<<"$output")" = 'Examples:' ]
    run_rcctl __complete token r
    [ "$output" = remove ]
}
