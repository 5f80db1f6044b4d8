#!/usr/bin/env bats
# The REST rate limiter: 10 calls per 60 s per client address, route and
# method by default; 429 with Rocket.Chat's message and X-RateLimit-*.

load ../lib/rcd

setup_file() {
    rcd_start OVERWRITE_SETTING_API_Enable_Rate_Limiter=true \
              OVERWRITE_SETTING_API_Enable_Rate_Limiter_Limit_Time_Default=3000 \
              -- --trusted-proxy 127.0.0.1
}
teardown_file() { rcd_stop; }
setup() { logout_local; }

@test "the 11th call in a window is 429 with the wait in seconds" {
    for i in $(seq 10); do
        api GET /api/v1/settings.public - -H 'X-Forwarded-For: 10.0.0.1'
        [ "$STATUS" = 200 ] || { echo "call $i: $STATUS"; return 1; }
    done
    grep -qi '^x-ratelimit-limit: 10' "$HEADERS"
    grep -qi '^x-ratelimit-remaining: 0' "$HEADERS"
    api GET /api/v1/settings.public - -H 'X-Forwarded-For: 10.0.0.1'
    [ "$STATUS" = 429 ]
    jq_is '.success == false and .errorType == "error-too-many-requests"'
    jq_is '.error | test("^Error, too many requests. Please slow down. You must wait [0-9]+ seconds before trying this endpoint again. \\[error-too-many-requests\\]$")'
    reset=$(tr -d '\r' <"$HEADERS" | awk -F': ' 'tolower($1) == "x-ratelimit-reset" { print $2 }')
    now=$(date +%s%3N)
    [ "$reset" -gt "$now" ] && [ "$reset" -le $((now + 3100)) ]
}

@test "another client address and another route keep their own counts" {
    for i in $(seq 11); do api GET /api/v1/settings.public - -H 'X-Forwarded-For: 10.0.0.2'; done
    [ "$STATUS" = 429 ]
    api GET /api/v1/settings.public - -H 'X-Forwarded-For: 10.0.0.3'
    [ "$STATUS" = 200 ]
    api GET /api/v1/info - -H 'X-Forwarded-For: 10.0.0.2'
    [ "$STATUS" = 200 ]
}

@test "the window ends and calls are allowed again" {
    for i in $(seq 11); do api GET /api/v1/settings.public - -H 'X-Forwarded-For: 10.0.0.4'; done
    [ "$STATUS" = 429 ]
    sleep 3.2
    api GET /api/v1/settings.public - -H 'X-Forwarded-For: 10.0.0.4'
    [ "$STATUS" = 200 ]
}

@test "holders of api-bypass-rate-limit are not limited" {
    login_as admin "$ADMIN_PASS"
    for i in $(seq 15); do
        api GET /api/v1/me - -H 'X-Forwarded-For: 10.0.0.5'
        [ "$STATUS" = 200 ] || return 1
    done
    ! grep -qi '^x-ratelimit' "$HEADERS"
}

@test "/api/info is never limited" {
    for i in $(seq 15); do
        api GET /api/info - -H 'X-Forwarded-For: 10.0.0.6'
        [ "$STATUS" = 200 ] || return 1
    done
}
