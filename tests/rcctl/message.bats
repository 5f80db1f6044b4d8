#!/usr/bin/env bats
# rcctl/cmd/message.c: message post (#channel, @user, ids, stdin, several
# targets, partial failure) and message history (every page by the time
# cursor, ties at one millisecond, --reverse, --limit, formats); and
# rcctl/cmd/room.c's dm list. Pages capped at 3 here.

load helpers

setup_file() {
    rcd_file_start OVERWRITE_SETTING_API_Upper_Count_Limit=3
}
teardown_file() { rcd_file_stop; }
setup() { rcd_test_env; }

# ---- post ----

@test "message post to #channel, a room id and @user; prints the messages" {
    mkuser mp-u1
    c=$(mkroom c mp-chan)
    login_rcd_admin
    run_rcctl message post '#mp-chan' 'Test message'
    [ "$status" = 0 ] || { show; false; }
    [ "$(sed -n 2p <<<"$output" | cut -f2,4)" = "$(printf '%s\tTest message' "$c")" ]
    grep -q "posted to '#mp-chan'" <<<"$stderr"
    run_rcctl message post "$c" 'by id' -o json
    [ "$status" = 0 ] || { show; false; }
    [ "$(jq -r '.[0].rid' <<<"$output")" = "$c" ]
    run_rcctl message post @mp-u1 'hello there'
    [ "$status" = 0 ] || { show; false; }
    login_as mp-u1 "$(pw_of mp-u1)"
    api GET /api/v1/im.list
    jq_is '.ims[] | select(.usernames | index("admin")) | .lastMessage.msg == "hello there"'
    [ "$(texts "$c")" = "$(printf 'Test message\nby id')" ]
}

@test "message post - reads the text from stdin; several targets; --from" {
    a=$(mkroom c mps-a)
    b=$(mkroom c mps-b)
    printf 'line one\nline two\n' >"$BATS_TEST_TMPDIR/text"
    login_rcd_admin
    run_rcctl_in "$BATS_TEST_TMPDIR/text" message post '#mps-a' mps-b -
    [ "$status" = 0 ] || { show; false; }
    counts "2 changed, 0 unchanged, 0 failed"
    [ "$(texts "$a")" = "$(printf 'line one\nline two')" ]
    [ "$(texts "$b")" = "$(printf 'line one\nline two')" ]
    # (in --from files a leading # starts a comment: names go bare)
    printf 'mps-a\n# a comment\nmps-b\n' >"$BATS_TEST_TMPDIR/targets"
    run_rcctl message post --from "$BATS_TEST_TMPDIR/targets" 'to both'
    [ "$status" = 0 ] || { show; false; }
    [ "$(texts "$b" | tail -1)" = 'to both' ]
    run_rcctl message post --from - -
    [ "$status" = 2 ]
}

@test "message post --dry-run posts nothing; unknown target 4; a mix 3; no login 5; no text 2" {
    a=$(mkroom c mpd-a)
    login_rcd_admin
    run_rcctl message post '#mpd-a' 'not sent' --dry-run
    [ "$status" = 0 ] || { show; false; }
    grep -q "would post 8 bytes to '#mpd-a'" <<<"$stderr"
    [ -z "$(texts "$a")" ]
    run_rcctl message post '#mpd-none' x
    [ "$status" = 4 ] || { show; false; }
    run_rcctl message post '#mpd-none' '#mpd-a' x
    [ "$status" = 3 ] || { show; false; }
    counts "1 changed, 0 unchanged, 1 failed"
    run_rcctl message post '#mpd-a'
    [ "$status" = 2 ]
    rm -f "$CONFIG"
    RCCTL_URL=$RCD_URL run_rcctl message post '#mpd-a' x
    [ "$status" = 5 ]
}

@test "message post to a private group one is not in is refused (5 or 4)" {
    mkuser mpp-u1
    mkroom p mpp-secret >/dev/null
    login_user mpp-u1
    run_rcctl message post '#mpp-secret' 'let me in'
    [ "$status" = 5 ] || [ "$status" = 4 ] || { show; false; }
}

# ---- history ----

@test "message history reads every page (capped at 3) newest first; --reverse oldest first" {
    c=$(mkroom c mh-chan)
    for i in $(seq 1 10); do post "$c" "m$i"; done
    login_rcd_admin
    run_rcctl -v message history '#mh-chan' --columns msg --no-header
    [ "$status" = 0 ] || { show; false; }
    [ "$output" = "$(seq 10 -1 1 | sed 's/^/m/')" ]
    [ "$(grep -c '^> GET /api/v1/channels.history' <<<"$stderr")" -ge 4 ]
    run_rcctl message history mh-chan --reverse --columns msg --no-header
    [ "$status" = 0 ] || { show; false; }
    [ "$output" = "$(seq 1 10 | sed 's/^/m/')" ]
    run_rcctl message history "$c" --limit 4 --columns msg --no-header
    [ "$output" = "$(printf 'm10\nm9\nm8\nm7')" ]
}

@test "message history: messages sharing one millisecond are neither lost nor repeated" {
    c=$(mkroom c mht-chan)
    for i in $(seq 1 8); do post "$c" "t$i"; done
    ts=$(db "SELECT MIN(m.ts) FROM messages m JOIN rooms r ON r.rid = m.room_rid WHERE r.id = '$c' AND m.t IS NULL")
    db "UPDATE messages SET ts = $ts WHERE room_rid = (SELECT rid FROM rooms WHERE id = '$c') AND t IS NULL"
    login_rcd_admin
    run_rcctl message history mht-chan -o ndjson
    [ "$status" = 0 ] || { show; false; }
    [ "$(jq -r .msg <<<"$output" | sort | tr '\n' ' ')" = "t1 t2 t3 t4 t5 t6 t7 t8 " ]
    [ "$(jq -r ._id <<<"$output" | sort -u | wc -l)" = 8 ]
}

@test "message history of a private group and of @user; csv; --oldest/--latest" {
    mkuser mhg-u1
    g=$(mkroom p mhg-grp)
    post "$g" 'secret 1'
    post "$g" 'secret, "quoted"'
    admin_api POST /api/v1/chat.postMessage '{"channel":"@mhg-u1","text":"dm text"}'
    login_rcd_admin
    run_rcctl message history mhg-grp --reverse -o csv --columns msg
    [ "$status" = 0 ] || { show; false; }
    [ "$(tr -d '\r' <<<"$output")" = "$(printf 'msg\nsecret 1\n"secret, ""quoted"""')" ]
    run_rcctl message history @mhg-u1 --columns msg --no-header
    [ "$status" = 0 ] || { show; false; }
    [ "$output" = 'dm text' ]
    run_rcctl message history mhg-grp --latest 2000-01-01 --columns msg --no-header
    [ "$status" = 0 ]
    [ -z "$output" ]
    run_rcctl message history mhg-grp --oldest 2000-01-01 --columns msg --no-header
    [ "$(wc -l <<<"$output")" = 2 ]
    run_rcctl message history mhg-grp --oldest yesterday
    [ "$status" = 2 ]
}

@test "message history: unknown room 4, a group one is not in 4, no DM with a user 4, no login 5" {
    mkuser mhx-u1
    mkuser mhx-u2
    mkroom p mhx-secret >/dev/null
    login_user mhx-u1
    run_rcctl message history mhx-none
    [ "$status" = 4 ] || { show; false; }
    run_rcctl message history mhx-secret
    [ "$status" = 4 ] || { show; false; }
    run_rcctl message history @mhx-u2
    [ "$status" = 4 ] || { show; false; }
    grep -q "no direct messages with 'mhx-u2'" <<<"$stderr"
    rm -f "$CONFIG"
    RCCTL_URL=$RCD_URL run_rcctl message history mhx-none
    [ "$status" = 5 ]
}

# ---- dm list ----

@test "dm list lists your direct messages, all pages" {
    mkuser dm-me
    for i in 1 2 3 4; do
        mkuser "dm-o$i"
        login_as dm-me "$(pw_of dm-me)"
        api POST /api/v1/im.create "{\"username\":\"dm-o$i\"}"
        [ "$STATUS" = 200 ]
    done
    login_user dm-me
    run_rcctl dm list -o json
    [ "$status" = 0 ] || { show; false; }
    [ "$(jq length <<<"$output")" = 4 ]
    [ "$(jq -r '.[].usernames | map(select(. != "dm-me"))[0]' <<<"$output" | sort | tr '\n' ' ')" = "dm-o1 dm-o2 dm-o3 dm-o4 " ]
    run_rcctl dm list extra
    [ "$status" = 2 ]
}
