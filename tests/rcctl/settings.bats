#!/usr/bin/env bats
# rcctl/cmd/settings.c: settings list (paged), get, set (JSON or text,
# old -> new, unchanged when equal, dry run); exit codes.

load helpers

setup_file() {
    rcd_file_start OVERWRITE_SETTING_API_Upper_Count_Limit=4
}
teardown_file() { rcd_file_stop; }
setup() { rcd_test_env; }

# value ID: the setting's value as JSON, asked of the server as the admin
value() {
    login_as "$ADMIN_USER" "$ADMIN_PASS"
    api GET "/api/v1/settings/$1"
    jq -c .value <<<"$BODY"
}

@test "settings list pages through all settings (pages capped at 4); csv reads back" {
    login_rcd_admin
    run_rcctl settings list -o csv
    [ "$status" = 0 ] || { show; false; }
    login_as "$ADMIN_USER" "$ADMIN_PASS"
    api GET '/api/v1/settings?count=1'
    total=$(jq .total <<<"$BODY")
    [ "$total" -gt 8 ]
    python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
assert rows[0] == ["_id", "value"], rows[0]
ids = [r[0] for r in rows[1:]]
assert len(ids) == int(sys.argv[1]) == len(set(ids)), (len(ids), sys.argv[1])
vals = dict(r for r in rows[1:])
assert vals["API_Upper_Count_Limit"] == "4", vals["API_Upper_Count_Limit"]
assert vals["Site_Name"] == "Rocket.Chat"
' "$total" <<<"$output"
}

@test "settings list as a plain user shows the public settings only" {
    mkuser st1
    login_user st1
    run_rcctl settings list --columns _id --no-header
    [ "$status" = 0 ] || { show; false; }
    grep -qx Site_Url <<<"$output"
    ! grep -qx API_Upper_Count_Limit <<<"$output"
}

@test "settings get: one id an object, several a list" {
    login_rcd_admin
    run_rcctl settings get Site_Name -o json
    [ "$status" = 0 ] || { show; false; }
    [ "$(jq -c . <<<"$output")" = '{"_id":"Site_Name","value":"Rocket.Chat"}' ]
    run_rcctl settings get Site_Name API_Default_Count -o json
    [ "$(jq -c '[.[].value]' <<<"$output")" = '["Rocket.Chat",50]' ]
    run_rcctl settings get Site_Url --columns value --no-header
    [ "$output" = "$RCD_URL" ]
}

@test "settings get: unknown 4; good + unknown 3 with the good one printed; plain user 5; no login 5" {
    login_rcd_admin
    run_rcctl settings get No_Such_Setting
    [ "$status" = 4 ] || { show; false; }
    grep -q "no such setting" <<<"$stderr"
    run_rcctl settings get No_Such_Setting Site_Name
    [ "$status" = 3 ] || { show; false; }
    [ "$(tail -1 <<<"$output")" = "$(printf 'Site_Name\tRocket.Chat')" ]
    mkuser st2
    login_user st2
    run_rcctl settings get Site_Name
    [ "$status" = 5 ] || { show; false; }
    rm -f "$CONFIG"
    RCCTL_URL=$RCD_URL run_rcctl settings get Site_Name
    [ "$status" = 5 ]
}

@test "settings set parses JSON: a boolean, a number, a quoted string" {
    login_rcd_admin
    run_rcctl settings set Accounts_AllowRealNameChange false
    [ "$status" = 0 ] || { show; false; }
    grep -q "set 'Accounts_AllowRealNameChange': true -> false" <<<"$stderr"
    [ "$(value Accounts_AllowRealNameChange)" = false ]
    run_rcctl settings set API_Default_Count 25
    [ "$status" = 0 ] || { show; false; }
    [ "$(value API_Default_Count)" = 25 ]
    run_rcctl settings set Site_Name '"Our Chat"'
    [ "$status" = 0 ] || { show; false; }
    [ "$(value Site_Name)" = '"Our Chat"' ]
}

@test "settings set keeps text text: a number for a string setting stays a string" {
    login_rcd_admin
    run_rcctl settings set Site_Name 2024
    [ "$status" = 0 ] || { show; false; }
    [ "$(value Site_Name)" = '"2024"' ]
    run_rcctl settings set Accounts_RegistrationForm Disabled
    [ "$status" = 0 ] || { show; false; }
    [ "$(value Accounts_RegistrationForm)" = '"Disabled"' ]
    run_rcctl settings set Accounts_RegistrationForm Public
}

@test "settings set: equal is unchanged; --dry-run shows old -> new and changes nothing" {
    login_rcd_admin
    run_rcctl settings set API_Allow_Infinite_Count true
    [ "$status" = 0 ] || { show; false; }
    grep -q "'API_Allow_Infinite_Count' is true already" <<<"$stderr"
    grep -q '0 changed, 1 unchanged, 0 failed' <<<"$stderr"
    run_rcctl settings set --dry-run API_Allow_Infinite_Count false
    [ "$status" = 0 ] || { show; false; }
    grep -q "would set 'API_Allow_Infinite_Count': true -> false" <<<"$stderr"
    [ "$(value API_Allow_Infinite_Count)" = true ]
}

@test "settings set: unknown 4, wrong type 1, plain user 5, no login 5, usage 2" {
    login_rcd_admin
    run_rcctl settings set No_Such_Setting 1
    [ "$status" = 4 ] || { show; false; }
    run_rcctl settings set API_Default_Count '"many"'
    [ "$status" = 1 ] || { show; false; }
    grep -q 'refused the value' <<<"$stderr"
    [ "$(value API_Default_Count)" != '"many"' ]
    run_rcctl settings set Site_Name
    [ "$status" = 2 ]
    mkuser st3
    login_user st3
    run_rcctl settings set Site_Name Hacked
    [ "$status" = 5 ] || { show; false; }
    [ "$(value Site_Name)" != '"Hacked"' ]
    rm -f "$CONFIG"
    RCCTL_URL=$RCD_URL run_rcctl settings set Site_Name x
    [ "$status" = 5 ]
}
