#!/usr/bin/env bats
# Group commit (rcd/conn.c, rcd/store/store.c): the writes of one loop
# iteration share a transaction, and no reply given while it holds writes
# leaves before COMMIT returns. Concurrency, pipelining, a failed commit
# (RCD_FAULT_COMMIT), and kill -9 with every acknowledged message kept.

load ../lib/rcd

RAW="$BATS_TEST_DIRNAME/../lib/rawhttp.py"

teardown() { rcd_stop; }

# start [ENV...]: rcd, logged in as the admin, with a channel in $RID
start() {
    rcd_start "$@"
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/channels.create '{"name":"gc"}'
    [ "$STATUS" = 200 ]
    RID=$(jq -r .channel._id <<<"$BODY")
}

post() { api POST /api/v1/chat.postMessage "{\"roomId\":\"$RID\",\"text\":\"$1\"}"; }

# stored TEXT: how many messages with this text the database holds
stored() { sqlite3 "$RCD_DIR/rcd.db" "SELECT count(*) FROM messages WHERE msg = '$1'"; }

@test "concurrent posts from many connections: every one acknowledged and stored" {
    start
    local w i pids=()
    for w in 1 2 3 4 5 6 7 8; do
        (for i in $(seq 1 15); do
            curl -s -H 'Content-Type: application/json' -H "X-User-Id: $AUTH_UID" \
                -H "X-Auth-Token: $AUTH_TOKEN" \
                -d "{\"roomId\":\"$RID\",\"text\":\"w$w-$i\"}" \
                "$RCD_URL/api/v1/chat.postMessage" | jq -r 'select(.success) | .message._id'
        done >"$BATS_TEST_TMPDIR/acked.$w") &
        pids+=($!)
    done
    wait "${pids[@]}"    # not rcd, which this shell started too
    [ "$(cat "$BATS_TEST_TMPDIR"/acked.* | sort -u | wc -l)" = 120 ]
    api GET "/api/v1/channels.info?roomId=$RID"
    jq_is '.channel.msgs == 120'
    for w in 1 2 3 4 5 6 7 8; do
        while read -r id; do
            [ "$(sqlite3 "$RCD_DIR/rcd.db" "SELECT count(*) FROM messages WHERE id = '$id'")" = 1 ]
        done <"$BATS_TEST_TMPDIR/acked.$w"
    done
}

@test "pipelined posts on one connection are answered in order, each stored once" {
    start
    local body req
    body="{\"roomId\":\"$RID\",\"text\":\"piped\"}"
    req="POST /api/v1/chat.postMessage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-User-Id: $AUTH_UID\r\nX-Auth-Token: $AUTH_TOKEN\r\nContent-Length: ${#body}\r\n\r\n$body"
    run python3 "$RAW" --repeat 25 "$RCD_PORT" "$req"
    [ "$status" = 0 ]
    [ "$(grep -c '^200$' <<<"$output")" = 25 ]
    [ "$(stored piped)" = 25 ]
    # a read pipelined after writes sees them: it waited for their commit
    req2="GET /api/v1/channels.info?roomId=$RID HTTP/1.1\r\nHost: x\r\nX-User-Id: $AUTH_UID\r\nX-Auth-Token: $AUTH_TOKEN\r\n\r\n"
    run python3 "$RAW" --bodies "$RCD_PORT" "$req$req2"
    [ "$(sed -n 2p <<<"$output" | cut -d' ' -f2- | jq '.channel.msgs')" = 26 ]
}

@test "a commit that finds the disk full: 507, nothing kept, later writes work" {
    # batches with writes: 1 login, 2 channels.create, 3 the first post
    start RCD_FAULT_COMMIT=full:3
    post lost
    [ "$STATUS" = 507 ]
    jq_is '.success == false and (.error | test("full"))'
    grep -qi '^connection: close' "$HEADERS"
    [ "$(stored lost)" = 0 ]
    # reads go on, and so do writes, without a restart
    api GET /api/v1/me
    [ "$STATUS" = 200 ]
    post kept
    [ "$STATUS" = 200 ]
    [ "$(stored kept)" = 1 ]
    api GET "/api/v1/channels.info?roomId=$RID"
    jq_is '.channel.msgs == 1 and .channel.lastMessage.msg == "kept"'
    grep -q 'group commit failed (full)' "$RCD_DIR/rcd.log"
}

@test "a login whose commit fails gives no token that works" {
    # batch 1 is this login: its reply becomes 507 and its token never was
    rcd_start RCD_FAULT_COMMIT=full:1
    api POST /api/v1/login "{\"user\":\"admin\",\"password\":\"$ADMIN_PASS\"}"
    [ "$STATUS" = 507 ]
    [ "$(sqlite3 "$RCD_DIR/rcd.db" 'SELECT count(*) FROM tokens')" = 0 ]
    login_as admin "$ADMIN_PASS"
    api GET /api/v1/me
    [ "$STATUS" = 200 ]
}

@test "after an I/O error on commit, no write is acknowledged until a restart" {
    start RCD_FAULT_COMMIT=io:3
    post first
    [ "$STATUS" = 503 ]
    jq_is '.success == false'
    # the fault was one commit only, yet rcd now refuses every write ...
    post second
    [ "$STATUS" = 503 ]
    [ "$(stored first)" = 0 ] && [ "$(stored second)" = 0 ]
    # ... while it still answers reads
    api GET "/api/v1/channels.info?roomId=$RID"
    [ "$STATUS" = 200 ]
    grep -q 'refusing every write until restart' "$RCD_DIR/rcd.log"
    # a restart recovers
    rcd_stop_keep
    RCD_DIR_KEEP=$RCD_DIR rcd_start
    post third
    [ "$STATUS" = 200 ]
    [ "$(stored third)" = 1 ]
}

@test "kill -9 under concurrent posting loses no acknowledged message" {
    start
    local round w pids
    for round in 1 2 3 4 5; do
        pids=()
        for w in 1 2 3 4; do
            (while :; do
                id=$(curl -s -H 'Content-Type: application/json' -H "X-User-Id: $AUTH_UID" \
                    -H "X-Auth-Token: $AUTH_TOKEN" \
                    -d "{\"roomId\":\"$RID\",\"text\":\"k$round-$w\"}" \
                    "$RCD_URL/api/v1/chat.postMessage" | jq -r 'select(.success) | .message._id') || break
                [ -n "$id" ] || break
                echo "$id" >>"$BATS_TEST_TMPDIR/acked"
            done) &
            pids+=($!)
        done
        sleep "0.$((RANDOM % 5 + 3))"
        kill -KILL "$(cat "$RCD_DIR/rcd.pid")"
        wait "${pids[@]}"
        [ "$(sqlite3 "$RCD_DIR/rcd.db" 'PRAGMA integrity_check')" = ok ]
        RCD_DIR_KEEP=$RCD_DIR rcd_start
    done
    [ "$(wc -l <"$BATS_TEST_TMPDIR/acked")" -gt 20 ]
    sort "$BATS_TEST_TMPDIR/acked" >"$BATS_TEST_TMPDIR/want"
    sqlite3 "$RCD_DIR/rcd.db" "SELECT id FROM messages WHERE msg LIKE 'k%'" | sort >"$BATS_TEST_TMPDIR/have"
    # every acknowledged id is stored (comm -23: lines only in want)
    [ -z "$(comm -23 "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/have")" ]
}
