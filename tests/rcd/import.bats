#!/usr/bin/env bats
# rcd import-mongodump: a dump written by tests/tools/mkdump from
# tests/rcd/data/import-dump.json is imported into a new database, rcd is
# started on it, and every client-visible piece is checked over the API.

load ../lib/rcd

MKDUMP=${MKDUMP_BIN:-$(dirname "$RCD_BIN")/mkdump}
SPEC=$TOP/tests/rcd/data/import-dump.json
HOOK_TOKEN=OldHookToken0123456789abcdefOldHookToken01234567

setup_file() {
    export RCD_DIR_KEEP
    RCD_DIR_KEEP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/rcd-import.XXXXXX")
    export DUMP=$RCD_DIR_KEEP/dump/rocketchat
    mkdir -p "$RCD_DIR_KEEP/dump"
    "$MKDUMP" "$SPEC" "$DUMP"
    "$RCD_BIN" import-mongodump "$RCD_DIR_KEEP/dump" --db "$RCD_DIR_KEEP/rcd.db" \
        2>"$RCD_DIR_KEEP/report"
    rcd_start
}

teardown_file() {
    rcd_stop
    rm -rf "$RCD_DIR_KEEP"
}

setup() { logout_local; }

# a scratch folder for one test, removed with the others at teardown
scratch() { mktemp -d "$RCD_DIR/t.XXXXXX"; }

# empty_db DIR: DIR/kept.db, an rcd database with no users and no rooms,
# made by importing a dump (DIR/empty) whose users.bson is empty
empty_db() {
    mkdir "$1/empty" && : >"$1/empty/users.bson"
    "$RCD_BIN" import-mongodump "$1/empty" --db "$1/kept.db" 2>/dev/null
}

@test "the report names each collection: read, imported, skipped with reasons" {
    cat "$RCD_DIR/report"
    grep -qx 'users: 9 read, 7 imported, 2 skipped (1 with a username or e-mail or id already taken, 1 without a username); 1 grants of custom roles dropped; 1 without a password hash, who cannot log in with a password (OAuth, LDAP or SAML accounts)' "$RCD_DIR/report"
    grep -qx 'rocketchat_room: 7 read, 6 imported, 1 skipped (1 livechat rooms)' "$RCD_DIR/report"
    grep -qx 'rocketchat_team: 1 read, 1 imported, 0 skipped' "$RCD_DIR/report"
    grep -qx 'rocketchat_team_member: 2 read, 2 imported, 0 skipped' "$RCD_DIR/report"
    grep -qx 'rocketchat_subscription: 14 read, 13 imported, 1 skipped (1 to rooms not imported)' "$RCD_DIR/report"
    grep -qx 'rocketchat_message: 15 read, 13 imported, 2 skipped (1 edit-history copies, 1 in rooms not imported); 1 point at uploaded files, which are not imported' "$RCD_DIR/report"
    grep -qx 'rocketchat_integrations: 2 read, 1 imported, 1 skipped (1 outgoing webhooks)' "$RCD_DIR/report"
    grep -qx 'rocketchat_settings: 4 read, 2 imported, 2 skipped (1 with a value of the wrong type, 1 unknown to rcd)' "$RCD_DIR/report"
    grep -qx 'rocketchat_permissions: 2 read, 1 imported, 1 skipped (1 unknown to rcd); 1 grants to custom roles dropped' "$RCD_DIR/report"
    grep -qx 'rocketchat_roles: 2 read, 1 imported, 1 skipped (1 custom roles rcd does not have)' "$RCD_DIR/report"
    grep -qx 'rocketchat_uploads: not imported (file uploads)' "$RCD_DIR/report"
    grep -q "imported '.*/dump/rocketchat' into '.*/rcd.db'" "$RCD_DIR/report"
}

@test "rcd starts on the imported database without creating another admin" {
    grep -q 'rcd 0' "$RCD_DIR/rcd.log"
    ! grep -q 'created admin user' "$RCD_DIR/rcd.log"
}

@test "an imported user logs in with the old password and keeps the id" {
    login_as alice Alice-old-pass-1
    [ "$AUTH_UID" = AliceUserId000001 ]
    api GET /api/v1/me
    [ "$STATUS" = 200 ]
    jq_is '._id == "AliceUserId000001" and .username == "alice" and .name == "Alice Liddell"'
    jq_is '.emails[0].address == "alice@example.com" and .emails[0].verified == true'
    api GET "/api/v1/users.info?userId=AliceUserId000001"
    jq_is '.user.bio == "down the rabbit hole" and .user.nickname == "ali" and .user.customFields.team == "blue"'
    # a wrong password still fails
    api POST /api/v1/login '{"user":"alice","password":"Alice-new-pass-1"}'
    [ "$STATUS" = 401 ]
}

@test "built-in roles are kept and custom role grants dropped" {
    login_as boss Boss-old-pass-1
    api GET "/api/v1/users.info?userId=AliceUserId000001"
    jq_is '.user.roles == ["user"]'
    api GET "/api/v1/users.info?userId=AdminUserId000001"
    jq_is '(.user.roles | sort) == ["admin", "user"]'
    jq_is '.user.createdAt == "2023-01-01T10:00:00.000Z" and .user.utcOffset == 2'
    # no endpoint shows it to others: read the database
    [ "$(sqlite3 "$RCD_DIR/rcd.db" "SELECT language FROM users WHERE id = 'AdminUserId000001'")" = de ]
    api GET "/api/v1/users.info?userId=BobUserId00000001"
    jq_is '.user.lastLogin == null and .user.emails[0].verified == false'
}

@test "a deactivated user stays deactivated" {
    api POST /api/v1/login '{"user":"carol","password":"Carol-old-pass-1"}'
    [ "$STATUS" = 401 ]
    jq_is '.error == "error-user-is-not-activated"'
    login_as bob Bob-old-pass-1
    api GET "/api/v1/users.info?username=carol"
    jq_is '.user.active == false and .user._id == "CarolUserId000001"'
}

@test "an account without a password hash cannot log in with a password" {
    api POST /api/v1/login '{"user":"dave","password":"anything-1"}'
    [ "$STATUS" = 401 ]
    login_as bob Bob-old-pass-1
    api GET "/api/v1/users.info?username=dave"
    jq_is '.user.active == true'
}

@test "TOTP comes along: the old secret is asked for and accepted" {
    api POST /api/v1/login '{"user":"tina","password":"Tina-old-pass-1"}'
    [ "$STATUS" = 401 ]
    jq_is '.error == "totp-required"'
    api POST /api/v1/login "{\"user\":\"tina\",\"password\":\"Tina-old-pass-1\",\"code\":\"$(totp_code JBSWY3DPEHPK3PXP)\"}"
    [ "$STATUS" = 200 ]
    jq_is '.data.userId == "TotpUserId0000001"'
}

@test "a channel keeps its members, its owner and its counters" {
    login_as alice Alice-old-pass-1
    api GET "/api/v1/channels.info?roomId=GENERAL"
    [ "$STATUS" = 200 ]
    jq_is '.channel.name == "general" and .channel.topic == "everything" and .channel.announcement == "be nice"'
    jq_is '.channel.default == true'
    # recounted from what was imported, not the dump's stale 99
    jq_is '.channel.usersCount == 4 and .channel.msgs == 8'
    jq_is '.channel.lastMessage._id == "MsgFile0000000001"'
    api GET "/api/v1/channels.roles?roomId=GENERAL"
    jq_is '[.roles[] | select(.roles | index("owner")) | .u.username] == ["boss"]'
    api GET "/api/v1/channels.members?roomId=GENERAL"
    jq_is '[.members[].username] | sort | . - ["carol"] == ["alice", "bob", "boss"]'
}

@test "a private group keeps its members and their room roles" {
    login_as bob Bob-old-pass-1
    api GET "/api/v1/groups.members?roomId=PrivGroup00000001"
    [ "$STATUS" = 200 ]
    jq_is '[.members[].username] | sort == ["alice", "bob"]'
    api GET "/api/v1/groups.roles?roomName=secret-team"
    jq_is '[.roles[] | {(.u.username): .roles}] | add == {"alice": ["owner"], "bob": ["moderator"]}'
    api GET "/api/v1/groups.history?roomId=PrivGroup00000001"
    jq_is '[.messages[].msg] == ["secret two", "secret one"]'
    # not a member: not visible
    login_as boss Boss-old-pass-1
    api GET "/api/v1/groups.history?roomId=PrivGroup00000001"
    [ "$STATUS" != 200 ]
}

@test "a subscription keeps its unread counters and notification preferences" {
    login_as alice Alice-old-pass-1
    api GET "/api/v1/subscriptions.getOne?roomId=GENERAL"
    [ "$STATUS" = 200 ]
    jq_is '.subscription._id == "SubGenAlice000001" and .subscription.unread == 3 and .subscription.alert == true'
    jq_is '.subscription.userMentions == 1 and .subscription.desktopNotifications == "mentions"'
    jq_is '.subscription.hideUnreadStatus == true and .subscription.ls == "2023-05-01T10:00:00.000Z"'
    api GET /api/v1/subscriptions.get
    jq_is '[.update[].rid] | sort == ["AliceUserId000001BobUserId00000001", "Discussion0000001", "GENERAL", "PrivGroup00000001", "TeamRoom000000001"]'
}

@test "a DM keeps its id, members and history" {
    login_as bob Bob-old-pass-1
    api GET /api/v1/im.list
    jq_is '.ims | length == 1'
    jq_is '.ims[0]._id == "AliceUserId000001BobUserId00000001"'
    jq_is '.ims[0].uids == ["AliceUserId000001", "BobUserId00000001"] and .ims[0].usernames == ["alice", "bob"]'
    api GET "/api/v1/im.history?roomId=AliceUserId000001BobUserId00000001"
    jq_is '[.messages[].msg] == ["hi alice", "hi bob"]'
    # a DM to alice finds the imported room rather than making a new one
    api POST /api/v1/im.create '{"username":"alice"}'
    jq_is '.room._id == "AliceUserId000001BobUserId00000001" or .room.rid == "AliceUserId000001BobUserId00000001"'
}

@test "history comes back in order, without edit copies or livechat messages" {
    login_as bob Bob-old-pass-1
    api GET "/api/v1/channels.history?roomId=GENERAL&count=50"
    [ "$STATUS" = 200 ]
    jq_is '[.messages[]._id] == ["MsgJoin0000000001", "MsgFile0000000001", "MsgEdited00000001", "MsgDiscCreated001", "MsgReply000000002", "MsgThread00000001", "MsgGeneral0000001"]'
    api GET "/api/v1/chat.getMessage?msgId=MsgEdited00000001"
    jq_is '.message.editedAt == "2023-05-01T10:06:00.000Z" and .message.editedBy.username == "bob"'
    jq_is '.message.attachments[0].title == "plan" and .message.attachments[0].ts == "2023-05-01T10:05:00.000Z"'
    api GET "/api/v1/chat.getMessage?msgId=MsgEditedOld00001"
    [ "$STATUS" != 200 ]
    api GET "/api/v1/chat.getMessage?msgId=MsgLive0000000001"
    [ "$STATUS" != 200 ]
}

@test "a thread keeps its replies, counters and participants" {
    login_as bob Bob-old-pass-1
    api GET "/api/v1/chat.getThreadMessages?tmid=MsgThread00000001"
    [ "$STATUS" = 200 ]
    jq_is '[.messages[]._id] == ["MsgReply000000001", "MsgReply000000002"] and .total == 2'
    api GET "/api/v1/chat.getMessage?msgId=MsgThread00000001"
    jq_is '.message.tcount == 2 and .message.tlm == "2023-05-01T10:03:00.000Z"'
    jq_is '(.message.replies | sort) == ["AliceUserId000001", "BobUserId00000001"]'
    api GET "/api/v1/chat.getMessage?msgId=MsgReply000000002"
    jq_is '.message.tshow == true and .message.mentions[0].username == "bob"'
}

@test "a discussion keeps its parent room and its announcement message" {
    login_as alice Alice-old-pass-1
    api GET "/api/v1/rooms.info?roomId=Discussion0000001"
    [ "$STATUS" = 200 ]
    jq_is '.room.prid == "GENERAL" and .room.fname == "Release plan"'
    api GET "/api/v1/rooms.getDiscussions?roomId=GENERAL"
    jq_is '[.discussions[]._id] == ["Discussion0000001"]'
    api GET "/api/v1/chat.getMessage?msgId=MsgDiscCreated001"
    jq_is '.message.t == "discussion-created" and .message.drid == "Discussion0000001" and .message.dcount == 1'
}

@test "a team keeps its main room and members" {
    login_as bob Bob-old-pass-1
    api GET "/api/v1/teams.info?teamName=core-team"
    [ "$STATUS" = 200 ]
    jq_is '.teamInfo._id == "Team0000000000001" and .teamInfo.roomId == "TeamRoom000000001" and .teamInfo.type == 1'
    api GET "/api/v1/teams.members?teamName=core-team"
    jq_is '[.members[].user.username] | sort == ["alice", "bob"]'
}

@test "an incoming webhook posts with its old token; a wrong token is refused" {
    api POST "/hooks/Hook0000000000001/$HOOK_TOKEN" '{"text":"built by the old CI"}'
    [ "$STATUS" = 200 ]
    jq_is '.success == true'
    api POST "/hooks/Hook0000000000001/wrong$HOOK_TOKEN" '{"text":"nope"}'
    [ "$STATUS" != 200 ]
    login_as bob Bob-old-pass-1
    api GET "/api/v1/channels.history?roomId=GENERAL&count=1"
    jq_is '.messages[0].msg == "built by the old CI" and .messages[0].alias == "CI" and .messages[0].u.username == "boss"'
}

@test "settings rcd knows are carried, type-checked; unknown ones are left" {
    login_as boss Boss-old-pass-1
    api GET /api/v1/settings/Site_Name
    jq_is '.value == "Old Chat"'
    api GET /api/v1/settings/Accounts_AllowUsernameChange
    jq_is '.value == false'
    # "fifty" was refused: the default stays
    api GET /api/v1/settings/API_Default_Count
    jq_is '.value == 50'
}

@test "permissions keep their built-in roles, custom ones dropped" {
    login_as boss Boss-old-pass-1
    api GET /api/v1/permissions.listAll
    jq_is '[.update[] | select(._id == "create-c") | .roles] == [["admin"]]'
}

@test "import refuses while rcd runs on the database" {
    run "$RCD_BIN" import-mongodump "$RCD_DIR/dump" --db "$RCD_DIR/rcd.db"
    [ "$status" = 1 ]
    [[ "$output" == *"in use by another rcd"* ]]
    [[ "$output" == *"stop the rcd using it first"* ]]
}

@test "import refuses a database that already holds users or rooms" {
    local d; d=$(scratch)
    "$RCD_BIN" backup --db "$RCD_DIR/rcd.db" "$d/copy.db"
    run "$RCD_BIN" import-mongodump "$RCD_DIR/dump" --db "$d/copy.db"
    [ "$status" = 1 ]
    [[ "$output" == *"already holds 7 users and 6 rooms"* ]]
    [[ "$output" == *"--db NEW.db"* ]]
    [ "$(sqlite3 "$d/copy.db" "SELECT count(*) FROM messages WHERE id LIKE 'Msg%'")" = 13 ]
}

@test "--dry-run reads and reports but writes nothing" {
    local d; d=$(scratch)
    run "$RCD_BIN" import-mongodump "$DUMP" --db "$d/new.db" --dry-run
    [ "$status" = 0 ]
    [[ "$output" == *"rocketchat_message: 15 read, 13 imported, 2 skipped"* ]]
    [[ "$output" == *"dry run: nothing written"* ]]
    [ ! -e "$d/new.db" ]
    # on an existing empty database, too
    empty_db "$d"
    run "$RCD_BIN" import-mongodump "$DUMP" --db "$d/kept.db" --dry-run
    [ "$status" = 0 ]
    [ "$(sqlite3 "$d/kept.db" 'SELECT count(*) FROM users')" = 0 ]
    [ "$(sqlite3 "$d/kept.db" 'SELECT count(*) FROM messages')" = 0 ]
}

@test "a cut-off BSON file fails naming the file and offset; nothing is written" {
    local d size; d=$(scratch)
    cp -r "$DUMP" "$d/dump"
    size=$(stat -c %s "$d/dump/rocketchat_message.bson")
    # a document header promising 200 bytes, then the file ends
    printf '\310\000\000\000\002msg\000' >>"$d/dump/rocketchat_message.bson"
    empty_db "$d"
    run "$RCD_BIN" import-mongodump "$d/dump" --db "$d/kept.db"
    [ "$status" = 1 ]
    [[ "$output" == *"'$d/dump/rocketchat_message.bson': broken BSON document at offset $size"* ]]
    [[ "$output" == *"nothing was written"* ]]
    [ "$(sqlite3 "$d/kept.db" 'SELECT count(*) FROM users')" = 0 ]
    [ "$(sqlite3 "$d/kept.db" 'SELECT count(*) FROM rooms')" = 0 ]
    # into a new file: the file is not left behind
    run "$RCD_BIN" import-mongodump "$d/dump" --db "$d/new.db"
    [ "$status" = 1 ]
    [ ! -e "$d/new.db" ]
}

@test "a corrupt element inside a document fails naming the file and offset" {
    local d; d=$(scratch)
    cp -r "$DUMP" "$d/dump"
    # byte 4 is the type of users' first element: 0x7f is no BSON type
    printf '\177' | dd of="$d/dump/users.bson" bs=1 seek=4 conv=notrunc status=none
    run "$RCD_BIN" import-mongodump "$d/dump" --db "$d/new.db"
    [ "$status" = 1 ]
    [[ "$output" == *"'$d/dump/users.bson': broken BSON document at offset 0"* ]]
    [ ! -e "$d/new.db" ]
}

@test "gzipped collections (mongodump --gzip) import the same" {
    local d; d=$(scratch)
    "$MKDUMP" --gzip "$SPEC" "$d/gz"
    [ -e "$d/gz/rocketchat_message.bson.gz" ]
    run "$RCD_BIN" import-mongodump "$d/gz" --db "$d/gz.db"
    [ "$status" = 0 ]
    [[ "$output" == *"rocketchat_message: 15 read, 13 imported, 2 skipped"* ]]
    [ "$(sqlite3 "$d/gz.db" 'SELECT count(*) FROM messages')" = 13 ]
    [ "$(sqlite3 "$d/gz.db" "SELECT password LIKE '\$2b\$%' FROM users WHERE id = 'AliceUserId000001'")" = 1 ]
    # a damaged gzip stream fails cleanly
    printf 'garbage' >"$d/gz/rocketchat_room.bson.gz"
    run "$RCD_BIN" import-mongodump "$d/gz" --db "$d/gz2.db"
    [ "$status" = 1 ]
    [[ "$output" == *"rocketchat_room.bson.gz"* ]]
    [ ! -e "$d/gz2.db" ]
}

@test "a folder with several databases, none, or no users.bson is refused clearly" {
    local d; d=$(scratch)
    mkdir -p "$d/two/a" "$d/two/b" "$d/none" "$d/nousers"
    "$MKDUMP" "$SPEC" "$d/two/a"
    "$MKDUMP" "$SPEC" "$d/two/b"
    run "$RCD_BIN" import-mongodump "$d/two" --db "$d/x.db"
    [ "$status" = 1 ]
    [[ "$output" == *"holds several databases ('a', 'b')"* || "$output" == *"holds several databases ('b', 'a')"* ]]
    run "$RCD_BIN" import-mongodump "$d/none" --db "$d/x.db"
    [ "$status" = 1 ]
    [[ "$output" == *"holds no .bson files"* ]]
    run "$RCD_BIN" import-mongodump "$d/missing" --db "$d/x.db"
    [ "$status" = 1 ]
    [[ "$output" == *"cannot read '$d/missing'"* ]]
    cp "$DUMP/rocketchat_room.bson" "$d/nousers/"
    run "$RCD_BIN" import-mongodump "$d/nousers" --db "$d/x.db"
    [ "$status" = 1 ]
    [[ "$output" == *"holds no users.bson"* ]]
    [ ! -e "$d/x.db" ]
}

@test "import-mongodump without a folder is a usage error" {
    run "$RCD_BIN" import-mongodump
    [ "$status" = 2 ]
    [[ "$output" == *"usage: rcd"* ]]
    run "$RCD_BIN" --help
    [[ "$output" == *"rcd import-mongodump DIR [--db FILE] [--dry-run]"* ]]
}
