#!/usr/bin/env bats
# rcctl/cmd/server.c: info (no login) and the api escape hatch, including
# --all paging; exit codes from the answer.

load helpers

setup_file() {
    rcd_file_start
    mock_start
}
teardown_file() {
    mock_stop
    rcd_file_stop
}
setup() { rcctl_env; }

@test "info works without a login" {
    need_rcd
    run_rcctl info --url "$RCD_URL"
    [ "$status" = 0 ] || { show; false; }
    [ "$(head -1 <<<"$output")" = "$(printf 'url\tversion')" ]
    [ "$(sed -n 2p <<<"$output" | cut -f1)" = "$RCD_URL" ]
    [ -n "$(sed -n 2p <<<"$output" | cut -f2)" ]
    run_rcctl info --url "$RCD_URL" -o json
    jq -e '.version and .url and (has("success") | not)' <<<"$output"
}

@test "info takes the server from RCCTL_URL" {
    need_rcd
    RCCTL_URL=$RCD_URL run_rcctl info -o json
    [ "$status" = 0 ]
    [ "$(jq -r .url <<<"$output")" = "$RCD_URL" ]
}

@test "info without any server is a usage error" {
    run_rcctl info
    [ "$status" = 2 ]
    grep -q 'no server' <<<"$stderr"
}

@test "an unreachable server exits 7 after retrying a GET" {
    url=$(dead_url)
    run_rcctl info --url "$url"
    [ "$status" = 7 ] || { show; false; }
    [ -z "$output" ]
    grep -q "rcctl: error: cannot reach '$url'" <<<"$stderr"
    [ "$(grep -c 'retrying in' <<<"$stderr")" = 3 ]
}

@test "a URL that is not http(s) is a usage error" {
    run_rcctl info --url ftp://example.com
    [ "$status" = 2 ]
    grep -q 'not an http:// or https:// URL' <<<"$stderr"
}

@test "api GET prints the JSON answer" {
    need_rcd
    login_rcd_admin
    run_rcctl api GET /api/v1/me
    [ "$status" = 0 ] || { show; false; }
    jq -e '.username == "admin" and .success == true' <<<"$output"
    run_rcctl api get me            # short path, lower-case method
    [ "$status" = 0 ]
    jq -e '.username == "admin"' <<<"$output"
}

@test "api POST sends the JSON body from stdin" {
    need_rcd
    jq -nc --arg u "$ADMIN_USER" --arg p "$ADMIN_PASS" '{user:$u,password:$p}' \
        >"$BATS_TEST_TMPDIR/body"
    run_rcctl_in "$BATS_TEST_TMPDIR/body" api POST login - --url "$RCD_URL"
    [ "$status" = 0 ] || { show; false; }
    jq -e '.status == "success" and (.data.authToken | length > 20)' <<<"$output"
}

@test "api POST sends a JSON argument" {
    login_mock_admin
    run_rcctl api POST echo '{"a":[1,"x"],"b":{"c":null}}'
    [ "$status" = 0 ] || { show; false; }
    jq -e '.method == "POST" and .got == {"a":[1,"x"],"b":{"c":null}}' <<<"$output"
    run_rcctl api DELETE echo '{"id":"x"}'
    jq -e '.method == "DELETE" and .got.id == "x"' <<<"$output"
}

@test "api without a login gets 401: body on stdout, exit 5" {
    need_rcd
    run_rcctl api GET /api/v1/me --url "$RCD_URL"
    [ "$status" = 5 ] || { show; false; }
    jq -e '.success == false' <<<"$output"
    grep -q 'HTTP 401' <<<"$stderr"
}

@test "api on an unknown path exits 4" {
    need_rcd
    login_rcd_admin
    run_rcctl api GET /api/v1/no.such.endpoint
    [ "$status" = 4 ] || { show; false; }
    grep -q 'HTTP 404' <<<"$stderr"
}

@test "api exit codes follow the answer: 5xx 7, permission 5, not JSON 1" {
    login_mock_admin
    run_rcctl api GET broken
    [ "$status" = 7 ]
    run_rcctl api POST denied '{}'
    [ "$status" = 5 ]
    grep -q 'error-action-not-allowed' <<<"$stderr"
    run_rcctl api GET html
    [ "$status" = 1 ]
    [ "$output" = "<html>hello</html>" ]
    grep -q 'not JSON' <<<"$stderr"
}

@test "api rejects bad arguments with exit 2" {
    run_rcctl api GET
    [ "$status" = 2 ]
    run_rcctl api FETCH /x --url "$MOCK_URL"
    [ "$status" = 2 ]
    run_rcctl api POST /x '{"a":' --url "$MOCK_URL"
    [ "$status" = 2 ]
    grep -q 'not JSON' <<<"$stderr"
    run_rcctl api GET /x '{}' --url "$MOCK_URL"
    [ "$status" = 2 ]
    run_rcctl api GET "$MOCK_URL/api/info"
    [ "$status" = 2 ]
    run_rcctl api POST /x --all --url "$MOCK_URL"
    [ "$status" = 2 ]
}

@test "api --all pages past a server cap and streams every item as ndjson" {
    run_rcctl api GET 'things.list?total=23&cap=7' --all --url "$MOCK_URL" -v
    [ "$status" = 0 ] || { show; false; }
    [ "$(wc -l <<<"$output")" = 23 ]
    [ "$(jq -r ._id <<<"$output" | sort -u | wc -l)" = 23 ]
    [ "$(sed -n 23p <<<"$output" | jq -r ._id)" = id022 ]
    [ "$(grep -c '^> GET' <<<"$stderr")" = 4 ]
    grep -q 'count=100&offset=0' <<<"$stderr"
    grep -q 'count=100&offset=21' <<<"$stderr"
    grep -q 'caps pages at 7' <<<"$stderr"
}

@test "api --all without total pages until an empty page" {
    run_rcctl api GET 'noTotal.list?total=20&cap=10' --all --url "$MOCK_URL" -v
    [ "$status" = 0 ]
    [ "$(wc -l <<<"$output")" = 20 ]
    [ "$(grep -c '^> GET' <<<"$stderr")" = 3 ]
}

@test "api --all on an empty list prints nothing and exits 0" {
    run_rcctl api GET 'things.list?total=0' --all --url "$MOCK_URL"
    [ "$status" = 0 ]
    [ -z "$output" ]
    run_rcctl api GET 'things.list?total=0' --all --url "$MOCK_URL" -o json
    [ "$output" = "[]" ]
}

@test "api --all stops with an error when the server ignores offset" {
    run_rcctl api GET 'ignoresOffset.list?total=50&cap=5' --all --url "$MOCK_URL"
    [ "$status" = 1 ] || { show; false; }
    [ "$(wc -l <<<"$output")" = 5 ]
    grep -q "ignores 'offset'" <<<"$stderr"
}

@test "api --all collects per --format: json array, csv with columns" {
    run_rcctl api GET 'things.list?total=12&cap=5' --all --url "$MOCK_URL" -o json
    [ "$status" = 0 ]
    jq -e 'length == 12 and .[11].n == 11' <<<"$output"
    run_rcctl api GET 'things.list?total=3' --all --url "$MOCK_URL" -o csv \
        --columns _id,name
    [ "$output" = "$(printf '_id,name\r\nid000,item 0\r\nid001,item 1\r\nid002,item 2\r')" ]
    run_rcctl api GET 'things.list?total=3' --all --url "$MOCK_URL" -o ids
    [ "$output" = "$(printf 'id000\nid001\nid002')" ]
}

@test "api --all --list-key names the list" {
    run_rcctl api GET 'things.list?total=3' --all --list-key meta --url "$MOCK_URL"
    [ "$status" = 1 ]
    grep -q "no 'meta' list" <<<"$stderr"
    run_rcctl api GET 'things.list?total=3' --all --list-key things --url "$MOCK_URL"
    [ "$status" = 0 ]
}

@test "api --all against rcd's paged settings.public" {
    need_rcd
    run curl -s -o /dev/null -w '%{http_code}' "$RCD_URL/api/v1/settings.public?count=1"
    [ "$output" = 200 ] || skip "rcd has no settings.public yet"
    total=$(curl -s "$RCD_URL/api/v1/settings.public?count=1" | jq .total)
    run_rcctl api GET settings.public --all --url "$RCD_URL"
    [ "$status" = 0 ] || { show; false; }
    [ "$(wc -l <<<"$output")" = "$total" ]
}
