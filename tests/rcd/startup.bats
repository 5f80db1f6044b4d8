#!/usr/bin/env bats
# How rcd starts: flags, environment, the first admin, settings overrides,
# schema upgrades, and a clean stop.

load ../lib/rcd

teardown() { rcd_stop; }

@test "rcd --help and --version answer and exit 0" {
    run "$RCD_BIN" --help
    [ "$status" = 0 ] && [[ "$output" == *"--port"* ]] && [[ "$output" == *"OVERWRITE_SETTING"* ]]
    run "$RCD_BIN" --version
    [ "$status" = 0 ] && [[ "$output" == rcd\ * ]]
}

@test "rcd refuses a bad flag value with exit 2" {
    run "$RCD_BIN" --port 99999
    [ "$status" = 2 ]
    [[ "$output" == *"bad value '99999' for --port"* ]]
    run "$RCD_BIN" --no-such-flag
    [ "$status" = 2 ]
}

@test "first start creates the admin from ADMIN_* and it can log in" {
    rcd_start
    login_as admin "$ADMIN_PASS"
    grep -q "created admin user 'admin'" "$RCD_DIR/rcd.log"
}

@test "without ADMIN_PASS a password is generated and printed once, not logged" {
    rcd_start ADMIN_PASS=
    pass=$(sed -n "s/^rcd: admin 'admin' password: //p" "$RCD_DIR/rcd.out")
    [ ${#pass} -ge 16 ]
    login_as admin "$pass"
    ! grep -qF "$pass" "$RCD_DIR/rcd.log"
    # a second start keeps the admin and prints nothing new
    rcd_stop_keep
    RCD_DIR_KEEP=$RCD_DIR rcd_start ADMIN_PASS=
    [ "$(grep -c 'password:' "$RCD_DIR/rcd.out")" = 1 ]
    login_as admin "$pass"
}

@test "RCD_ADMIN_PASSWORD_FILE receives the generated password, mode 0600" {
    dir=$(mktemp -d)
    rcd_start ADMIN_PASS= RCD_ADMIN_PASSWORD_FILE="$dir/pw"
    [ "$(stat -c %a "$dir/pw")" = 600 ]
    login_as admin "$(cat "$dir/pw")"
    ! grep -q 'password:' "$RCD_DIR/rcd.out"
    rm -rf "$dir"
}

@test "PORT, BIND_IP and RCD_DB configure rcd from the environment" {
    dir=$(mktemp -d); port=$(free_port)
    PORT=$port BIND_IP=127.0.0.1 RCD_DB=$dir/env.db ADMIN_PASS=x-pass-1 \
        RCD_BCRYPT_COST=4 "$RCD_BIN" 2>"$dir/log" &
    pid=$!
    for i in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/api/info" && break; sleep 0.1; done
    curl -sf "http://127.0.0.1:$port/api/info" | jq -e .success
    [ -f "$dir/env.db" ]
    kill -TERM $pid; wait $pid
    rm -rf "$dir"
}

@test "ROOT_URL becomes Site_Url and shapes avatarUrl" {
    rcd_start ROOT_URL=https://chat.example.com/
    login_as admin "$ADMIN_PASS"
    api GET /api/v1/me
    jq_is '.avatarUrl == "https://chat.example.com/avatar/admin"'
}

@test "OVERWRITE_SETTING_ sets a setting at start-up and warns on unknown ids" {
    rcd_start OVERWRITE_SETTING_Site_Url=https://over.example.com OVERWRITE_SETTING_No_Such=1 \
              OVERWRITE_SETTING_API_Default_Count=abc
    login_as admin "$ADMIN_PASS"
    api GET /api/v1/me
    jq_is '.avatarUrl == "https://over.example.com/avatar/admin"'
    grep -q "OVERWRITE_SETTING: no setting 'No_Such'" "$RCD_DIR/rcd.log"
    grep -q "OVERWRITE_SETTING: bad value for 'API_Default_Count'" "$RCD_DIR/rcd.log"
}

@test "SIGTERM stops rcd cleanly with exit 0 and a checkpointed database" {
    rcd_start
    login_as admin "$ADMIN_PASS"
    pid=$(cat "$RCD_DIR/rcd.pid")
    rcd_stop_keep
    grep -q 'stopped' "$RCD_DIR/rcd.log"
    [ "$(sqlite3 "$RCD_DIR/rcd.db" 'PRAGMA integrity_check')" = ok ]
    [ ! -s "$RCD_DIR/rcd.db-wal" ]
    rm -rf "$RCD_DIR"
}

@test "a database made by migration 1 is upgraded in place and its users log in" {
    # make a real admin row with rcd, then rebuild a schema-1 database around it
    rcd_start
    rcd_stop_keep
    old=$RCD_DIR/old.db
    sqlite3 "$old" < "$TOP/rcd/store/migrations/001_users.sql"
    sqlite3 "$RCD_DIR/rcd.db" ".mode insert users" \
        "SELECT rid,id,username,name,email,email_verified,type,active,status,password,require_password_change,utc_offset,created_at,updated_at,last_login FROM users" \
        | sqlite3 "$old"
    sqlite3 "$RCD_DIR/rcd.db" ".mode insert user_roles" "SELECT * FROM user_roles" | sqlite3 "$old"
    sqlite3 "$old" 'PRAGMA user_version = 1'
    mv "$old" "$RCD_DIR/rcd.db"; rm -f "$RCD_DIR/rcd.db-wal" "$RCD_DIR/rcd.db-shm"
    RCD_DIR_KEEP=$RCD_DIR rcd_start
    grep -q 'schema upgraded from 1 to' "$RCD_DIR/rcd.log"
    login_as admin "$ADMIN_PASS"
    [ "$(sqlite3 "$RCD_DIR/rcd.db" 'PRAGMA user_version')" -ge 2 ]
    [ "$(sqlite3 "$RCD_DIR/rcd.db" "SELECT count(*) FROM users WHERE username='admin'")" = 1 ]
}

@test "a database from a newer rcd is refused" {
    dir=$(mktemp -d)
    sqlite3 "$dir/new.db" 'PRAGMA user_version = 999'
    run "$RCD_BIN" --db "$dir/new.db" --port "$(free_port)"
    [ "$status" = 1 ]
    [[ "$output" == *"newer than this rcd"* ]]
    rm -rf "$dir"
}
