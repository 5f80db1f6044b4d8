#!/usr/bin/env bats
# rcd backup / rcd restore, and the lock that keeps one server per database.

load ../lib/rcd

setup_file() { rcd_start; }
teardown_file() { rcd_stop; }
setup() { logout_local; }

@test "a second rcd on the same database is refused" {
    run "$RCD_BIN" --db "$RCD_DIR/rcd.db" --port "$(free_port)"
    [ "$status" = 1 ]
    [[ "$output" == *"is in use by another rcd"* ]]
}

@test "backup copies a running server's database into one checked file" {
    create_user bk1 bk1-pass-1
    run "$RCD_BIN" backup --db "$RCD_DIR/rcd.db" "$RCD_DIR/copy.db"
    [ "$status" = 0 ]
    [ "$(sqlite3 "$RCD_DIR/copy.db" 'PRAGMA integrity_check')" = ok ]
    [ "$(sqlite3 "$RCD_DIR/copy.db" 'PRAGMA journal_mode')" = delete ]
    [ "$(sqlite3 "$RCD_DIR/copy.db" "SELECT count(*) FROM users WHERE username='bk1'")" = 1 ]
    [ ! -e "$RCD_DIR/copy.db-wal" ]
}

@test "a backup taken under a concurrent write load holds every acknowledged write" {
    login_as admin "$ADMIN_PASS"
    : >"$RCD_DIR/acked"
    (for i in $(seq 1 60); do
        code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-User-Id: $AUTH_UID" -H "X-Auth-Token: $AUTH_TOKEN" \
            -H 'Content-Type: application/json' \
            -d "{\"username\":\"load$i\",\"email\":\"load$i@example.com\",\"name\":\"l\",\"password\":\"load-pass-1\"}" \
            "$RCD_URL/api/v1/users.create")
        [ "$code" = 200 ] && echo "load$i" >>"$RCD_DIR/acked"
    done) &
    writer=$!
    sleep 0.3
    # everything acknowledged before the backup started must be in it
    acked_before=$(wc -l <"$RCD_DIR/acked")
    [ "$acked_before" -gt 0 ]
    "$RCD_BIN" backup --db "$RCD_DIR/rcd.db" "$RCD_DIR/mid.db"
    wait "$writer"
    [ "$(sqlite3 "$RCD_DIR/mid.db" 'PRAGMA integrity_check')" = ok ]
    for u in $(head -n "$acked_before" "$RCD_DIR/acked"); do
        [ "$(sqlite3 "$RCD_DIR/mid.db" "SELECT count(*) FROM users WHERE username='$u'")" = 1 ] \
            || { echo "missing $u"; return 1; }
    done
    # and a backup after the load holds all of them
    "$RCD_BIN" backup --db "$RCD_DIR/rcd.db" "$RCD_DIR/after.db"
    [ "$(sqlite3 "$RCD_DIR/after.db" "SELECT count(*) FROM users WHERE username LIKE 'load%'")" = "$(wc -l <"$RCD_DIR/acked")" ]
}

@test "restore refuses while a server holds the database" {
    "$RCD_BIN" backup --db "$RCD_DIR/rcd.db" "$RCD_DIR/r.db"
    run "$RCD_BIN" restore "$RCD_DIR/r.db" --db "$RCD_DIR/rcd.db"
    [ "$status" = 1 ]
    [[ "$output" == *"in use by another rcd"* ]]
}

@test "moving a server: back up on A, copy one file, restore on B, log in on B" {
    create_user mover mover-pass-1
    "$RCD_BIN" backup --db "$RCD_DIR/rcd.db" "$RCD_DIR/move.db"
    b=$(mktemp -d)
    cp "$RCD_DIR/move.db" "$b/from-a.db"
    run "$RCD_BIN" restore "$b/from-a.db" --db "$b/rcd.db"
    [ "$status" = 0 ]
    port=$(free_port)
    RCD_BCRYPT_COST=4 "$RCD_BIN" --db "$b/rcd.db" --port "$port" 2>"$b/log" &
    pid=$!
    for i in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/api/info" && break; sleep 0.1; done
    BODY=$(curl -s -H 'Content-Type: application/json' -d '{"user":"mover","password":"mover-pass-1"}' \
        "http://127.0.0.1:$port/api/v1/login")
    kill -TERM "$pid"; wait "$pid"
    rm -rf "$b"
    jq_is '.status == "success"'
}

@test "restore refuses a file that is not a sound database" {
    b=$(mktemp -d)
    echo "not a database" >"$b/bad.db"
    run "$RCD_BIN" restore "$b/bad.db" --db "$b/rcd.db"
    [ "$status" = 1 ]
    [ ! -e "$b/rcd.db" ]
    rm -rf "$b"
}

@test "backup and restore need exactly one file name" {
    run "$RCD_BIN" backup --db "$RCD_DIR/rcd.db"
    [ "$status" = 2 ]
    run "$RCD_BIN" restore
    [ "$status" = 2 ]
    run "$RCD_BIN" backup --db "$RCD_DIR/nope/none.db" "$RCD_DIR/x.db"
    [ "$status" = 1 ]
}
