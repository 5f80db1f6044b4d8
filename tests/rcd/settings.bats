#!/usr/bin/env bats
# settings.public, settings, settings/:_id (GET and POST).

load ../lib/rcd

setup_file() { rcd_start; }
teardown_file() { rcd_stop; }
setup() { logout_local; }

@test "settings.public lists public settings without login, paged" {
    api GET /api/v1/settings.public
    [ "$STATUS" = 200 ]
    jq_is '.success and (.settings | length) == .count and .offset == 0 and .total >= .count'
    jq_is '.settings | map(._id) | index("Site_Url") != null'
    jq_is '.settings | map(._id) | index("API_Upper_Count_Limit") == null'
    api GET '/api/v1/settings.public?count=2&offset=1'
    jq_is '(.settings | length) == 2 and .count == 2 and .offset == 1'
}

@test "settings.public filters by _id list" {
    api GET '/api/v1/settings.public?_id=Site_Url,Site_Name'
    jq_is '.count == 2 and (.settings | map(._id) | sort) == ["Site_Name","Site_Url"]'
    api GET '/api/v1/settings.public?_id=10'
    jq_is '.settings == [] and .count == 0 and .offset == 0 and .total == 0'
}

@test "settings.public sorts by _id only and refuses query" {
    api GET '/api/v1/settings.public?sort=%7B%22_id%22%3A-1%7D'
    [ "$STATUS" = 200 ]
    jq_is '(.settings | map(._id)) == (.settings | map(._id) | sort | reverse)'
    api GET '/api/v1/settings.public?sort=%7B%22value%22%3A1%7D'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-invalid-sort"'
    api GET '/api/v1/settings.public?sort=notjson'
    [ "$STATUS" = 400 ]
    api GET '/api/v1/settings.public?query=%7B%7D'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-invalid-query"'
    api GET '/api/v1/settings.public?count=-1'
    [ "$STATUS" = 400 ]
}

@test "GET /settings as admin lists private settings too, with defaults on request" {
    login_as admin "$ADMIN_PASS"
    api GET '/api/v1/settings?count=0'
    [ "$STATUS" = 200 ]
    jq_is '.settings | map(._id) | index("API_Upper_Count_Limit") != null'
    jq_is '.settings | map(select(._id == "Accounts_RegistrationForm"))[0].value == "Public"'
    api GET '/api/v1/settings?count=0&includeDefaults=true'
    jq_is '.settings | map(select(._id == "API_Default_Count"))[0].packageValue == 50'
}

@test "GET /settings as a plain user lists only public settings" {
    create_user set1 set1-pass-1
    login_as set1 set1-pass-1
    api GET '/api/v1/settings?count=0'
    [ "$STATUS" = 200 ]
    jq_is '.settings | map(._id) | index("API_Upper_Count_Limit") == null'
    jq_is '.settings | map(._id) | index("Site_Url") != null'
}

@test "GET /settings without login is 401" {
    api GET /api/v1/settings
    [ "$STATUS" = 401 ]
}

@test "GET /settings/:_id returns the value; unknown ids are a bare failure" {
    login_as admin "$ADMIN_PASS"
    api GET /api/v1/settings/API_Default_Count
    [ "$STATUS" = 200 ]
    jq_is '. == {"_id":"API_Default_Count","value":50,"success":true}'
    api GET /api/v1/settings/No_Such_Setting
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false}'
}

@test "GET /settings/:_id needs view-privileged-setting" {
    create_user set2 set2-pass-1
    login_as set2 set2-pass-1
    api GET /api/v1/settings/Site_Url
    [ "$STATUS" = 403 ]
    jq_is '.error == "User does not have the permissions required for this action [error-unauthorized]"'
}

@test "POST /settings/:_id changes a setting, checked against its type, and it persists" {
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/settings/API_Default_Count '{"value":25}'
    [ "$STATUS" = 200 ]
    jq_is '. == {"success":true}'
    api GET /api/v1/settings/API_Default_Count
    jq_is '.value == 25'
    for bad in '{"value":"25"}' '{"value":true}' '{}' '{"value":null}'; do
        api POST /api/v1/settings/API_Default_Count "$bad"
        [ "$STATUS" = 400 ] || { echo "$bad -> $STATUS"; return 1; }
        jq_is '. == {"success":false}'
    done
    api POST /api/v1/settings/Accounts_RegistrationForm '{"value":"Sometimes"}'
    [ "$STATUS" = 400 ]
    api POST /api/v1/settings/No_Such_Setting '{"value":1}'
    [ "$STATUS" = 400 ]
    [ "$(sqlite3 "$RCD_DIR/rcd.db" "SELECT value FROM settings WHERE id='API_Default_Count'")" = 25 ]
    api POST /api/v1/settings/API_Default_Count '{"value":50}'
}

@test "POST /settings/:_id needs edit-privileged-setting and 2FA" {
    create_user set3 set3-pass-1
    login_as set3 set3-pass-1
    api POST /api/v1/settings/Site_Name '{"value":"x"}'
    [ "$STATUS" = 403 ]
    logout_local
    api POST /api/v1/settings/Site_Name '{"value":"x"}'
    [ "$STATUS" = 401 ]
}

@test "the seed's 'all settings' call works with the admin token" {
    login_as admin "$ADMIN_PASS"
    BODY=$(curl -s --header "X-Auth-Token: $AUTH_TOKEN" --header "X-User-Id: $AUTH_UID" "$RCD_URL/api/v1/settings")
    jq_is '.success == true and .total > 10'
}
