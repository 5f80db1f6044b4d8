#!/usr/bin/env bats
# GET /api/info and /api/v1/info; unknown paths and methods.

load ../lib/rcd

setup_file() { rcd_start; }
teardown_file() { rcd_stop; }
setup() { logout_local; }

@test "GET /api/info anonymously shows major.minor and no info" {
    api GET /api/info
    [ "$STATUS" = 200 ]
    jq_is '.success == true and (.version | test("^[0-9]+\\.[0-9]+$"))'
    jq_is 'has("info") | not'
    jq_is '.minimumClientVersions | has("desktop") and has("mobile")'
}

@test "GET /api/info as admin shows the full version and info" {
    login_as admin "$ADMIN_PASS"
    api GET /api/info
    [ "$STATUS" = 200 ]
    jq_is '(.version | test("^[0-9]+\\.[0-9]+\\.[0-9]+$")) and .info.version == .version'
    jq_is '.info | has("build") and has("commit")'
}

@test "GET /api/info with a bad token is still served anonymously" {
    AUTH_UID=x AUTH_TOKEN=y api GET /api/info
    [ "$STATUS" = 200 ]
    jq_is 'has("info") | not'
}

@test "GET /api/v1/info answers like /api/info" {
    api GET /api/v1/info
    [ "$STATUS" = 200 ]
    jq_is '.success == true and (.version | test("^[0-9]+\\.[0-9]+$"))'
}

@test "an unknown path is 404 in Rocket.Chat's JSON shape" {
    api GET /api/v1/no.such.endpoint
    [ "$STATUS" = 404 ]
    jq_is '. == {"success":false,"error":"Resource not found"}'
    grep -qi '^content-type: application/json' "$HEADERS"
}

@test "a known path with another method is 405" {
    api DELETE /api/v1/me
    [ "$STATUS" = 405 ]
    jq_is '.success == false'
}

@test "responses carry the security headers" {
    api GET /api/info
    grep -qi '^cache-control: no-store' "$HEADERS"
    grep -qi '^x-content-type-options: nosniff' "$HEADERS"
}
