#!/usr/bin/env bats
# rcctl/cmd/room.c, the room group: notify (the operations notes'
# notification loop, idempotent, -j), orphans (rooms with no active
# owner) and recover (the notes' fix for a room whose only owner is gone).

load helpers

setup_file() {
    rcd_file_start OVERWRITE_SETTING_API_Upper_Count_Limit=3
}
teardown_file() { rcd_file_stop; }
setup() { rcd_test_env; }

# as USER METHOD PATH [BODY]: api as USER (a test user, or the admin)
as() {
    local u=$1; shift
    if [ "$u" = "$ADMIN_USER" ]; then login_as "$u" "$ADMIN_PASS"; else login_as "$u" "$(pw_of "$u")"; fi
    api "$@"
}
# mkroom USER KIND NAME [MEMBERS_JSON] (not helpers.bash's mkroom): USER makes a channel (c) or group (p)
mkroom() {
    local ep=channels; [ "$2" = p ] && ep=groups
    as "$1" POST "/api/v1/$ep.create" "{\"name\":\"$3\",\"members\":${4:-[]}}"
    [ "$STATUS" = 200 ] || { echo "$BODY" >&2; false; }
    jq -r '(.channel // .group)._id' <<<"$BODY"
}
# sub USER ROOMID: USER's subscription to the room, compact JSON
sub() {
    as "$1" GET "/api/v1/subscriptions.getOne?roomId=$2"
    jq -c .subscription <<<"$BODY"
}
# deactivate USER: as a directory sync or an older server would, even when
# USER is a room's last owner (users.setActiveStatus refuses that, or
# passes the rooms on with confirmRelinquish)
deactivate() { db "UPDATE users SET active = 0 WHERE username = '$1'"; }
# disown USER ROOM: USER keeps ROOM's membership but not its owner role
disown() {
    db "UPDATE subscriptions SET roles = NULL WHERE user_rid = (SELECT rid FROM users WHERE username = '$1') AND room_rid = (SELECT rid FROM rooms WHERE name = '$2')"
}
uid_of() { as "$ADMIN_USER" GET "/api/v1/users.info?username=$1"; jq -r .user._id <<<"$BODY"; }
# clean_rooms: delete every group and channel but general (as the admin)
clean_rooms() {
    local ids ep key
    for ep in groups.listAll:groups channels.list:channels; do
        key=${ep#*:}
        while :; do
            as "$ADMIN_USER" GET "/api/v1/${ep%%:*}?count=100"
            ids=$(jq -r --arg k "$key" '.[$k][] | select(.name != "general") | ._id' <<<"$BODY")
            [ -z "$ids" ] && break
            for id in $ids; do
                as "$ADMIN_USER" POST /api/v1/rooms.delete "{\"roomId\":\"$id\"}"
                [ "$STATUS" = 200 ] || { echo "$BODY" >&2; return 1; }
            done
        done
    done
}
server_shows_user_rooms() {
    as "$ADMIN_USER" GET "/api/v1/users.info?username=$ADMIN_USER&includeUserRooms=true"
    jq -e '.user.rooms' >/dev/null <<<"$BODY"
}
has_roles_routes() {
    as "$ADMIN_USER" GET "/api/v1/channels.roles?roomName=general"
    [ "$STATUS" != 404 ] || [ -n "$(jq -r '.errorType // empty' <<<"$BODY")" ]
}

# ---- notify ----

@test "room notify --all sets the preferences on every room; a re-run is unchanged" {
    mkuser rn-u1
    a=$(mkroom rn-u1 p rn-a)
    b=$(mkroom rn-u1 p rn-b)
    c=$(mkroom rn-u1 c rn-c)
    login_user rn-u1
    run_rcctl room notify --all --desktop all --mobile nothing --email mentions \
        --audio chime --disable-notifications 1 --mute-group-mentions 1 \
        --hide-unread 1 --hide-mention 1
    [ "$status" = 0 ] || { show; false; }
    counts "3 changed, 0 unchanged, 0 failed"
    grep -q "set the notifications of group 'rn-a': desktop default -> all, mobile default -> nothing" <<<"$stderr"
    for r in "$a" "$b" "$c"; do
        s=$(sub rn-u1 "$r")
        jq -e '.desktopNotifications == "all" and .mobilePushNotifications == "nothing"
               and .emailNotifications == "mentions" and .audioNotificationValue == "chime"
               and .disableNotifications == true and .muteGroupMentions == true
               and .hideUnreadStatus == true and .hideMentionStatus == true' <<<"$s" ||
            { echo "$s" >&2; false; }
    done
    run_rcctl room notify --all --desktop all --mobile nothing --email mentions \
        --audio chime --disable-notifications 1 --mute-group-mentions 1 \
        --hide-unread 1 --hide-mention 1
    [ "$status" = 0 ] || { show; false; }
    counts "0 changed, 3 unchanged, 0 failed"
    # back to the seed's values: default and 0 everywhere
    run_rcctl room notify --all --desktop default --mobile default --email default \
        --audio default --disable-notifications 0 --mute-group-mentions 0 \
        --hide-unread 0 --hide-mention 0
    [ "$status" = 0 ] || { show; false; }
    counts "3 changed, 0 unchanged, 0 failed"
    s=$(sub rn-u1 "$a")
    jq -e '(.desktopNotifications // "default") == "default" and (.disableNotifications // false) == false
           and (.audioNotificationValue // "default") == "default"' <<<"$s" || { echo "$s" >&2; false; }
    run_rcctl room notify --all --desktop default --disable-notifications 0
    counts "0 changed, 3 unchanged, 0 failed"
}

@test "room notify --dry-run lists what would change and changes nothing" {
    mkuser rnd-u1
    a=$(mkroom rnd-u1 p rnd-a)
    login_user rnd-u1
    run_rcctl room notify --all --email nothing --dry-run
    [ "$status" = 0 ] || { show; false; }
    grep -q "would set the notifications of group 'rnd-a': email default -> nothing" <<<"$stderr"
    counts "dry run: 1 to change, 0 unchanged, 0 failed"
    [ "$(sub rnd-u1 "$a" | jq -r '.emailNotifications // "default"')" = default ]
}

@test "room notify --type p takes only private groups; named rooms take only those" {
    mkuser rnt-u1
    a=$(mkroom rnt-u1 p rnt-a)
    c=$(mkroom rnt-u1 c rnt-c)
    b=$(mkroom rnt-u1 p rnt-b)
    login_user rnt-u1
    run_rcctl room notify --all --type p --desktop nothing
    [ "$status" = 0 ] || { show; false; }
    counts "2 changed, 0 unchanged, 0 failed"
    [ "$(sub rnt-u1 "$c" | jq -r '.desktopNotifications // "default"')" = default ]
    run_rcctl room notify rnt-c "$b" --desktop mentions
    [ "$status" = 0 ] || { show; false; }
    counts "2 changed, 0 unchanged, 0 failed"
    [ "$(sub rnt-u1 "$c" | jq -r .desktopNotifications)" = mentions ]
    [ "$(sub rnt-u1 "$a" | jq -r .desktopNotifications)" = nothing ]
}

@test "room notify: a room you are not in fails (4); with a good one exit 3; bad values exit 2" {
    mkuser rne-u1
    mkroom rne-u1 c rne-a >/dev/null
    login_user rne-u1
    run_rcctl room notify rne-none --desktop all
    [ "$status" = 4 ] || { show; false; }
    run_rcctl room notify rne-none rne-a --desktop all
    [ "$status" = 3 ] || { show; false; }
    counts "1 changed, 0 unchanged, 1 failed"
    run_rcctl room notify --all --desktop loud
    [ "$status" = 2 ]
    run_rcctl room notify --all --hide-unread yes
    [ "$status" = 2 ]
    run_rcctl room notify --all
    [ "$status" = 2 ]
    run_rcctl room notify --desktop all
    [ "$status" = 2 ]
    rm -f "$CONFIG"
    RCCTL_URL=$RCD_URL run_rcctl room notify --all --desktop all
    [ "$status" = 5 ]
}

@test "room notify -j 8 over 40 rooms: every one changed once" {
    mkuser rnj-u1
    login_user rnj-u1
    seq -f 'rnj-%02g' 1 40 | { run_rcctl group create --from - -q; [ "$status" = 0 ] || { show; false; }; }
    run_rcctl -j 8 room notify --all --type p --hide-unread 1 --audio ding
    [ "$status" = 0 ] || { show; false; }
    counts "40 changed, 0 unchanged, 0 failed"
    [ "$(grep -c "^rcctl: set the notifications of group 'rnj-" <<<"$stderr")" = 40 ]
    run_rcctl -j 8 room notify --all --type p --hide-unread 1 --audio ding -q
    [ "$status" = 0 ]
    [ -z "$stderr" ]
    as rnj-u1 GET /api/v1/subscriptions.get
    [ "$(jq '[.update[] | select(.t == "p" and .hideUnreadStatus == true and .audioNotificationValue == "ding")] | length' <<<"$BODY")" = 40 ]
}

# ---- recover ----

@test "room recover: the only owner deactivated; the new owner is added and made owner, then unchanged" {
    mkuser rr-gone
    mkuser rr-new
    c=$(mkroom rr-gone c rr-chan)
    g=$(mkroom rr-gone p rr-grp "[\"$ADMIN_USER\"]")
    deactivate rr-gone
    login_rcd_admin
    run_rcctl room recover rr-chan rr-grp --owner rr-new --dry-run
    [ "$status" = 0 ] || { show; false; }
    grep -q "would add 'rr-new' to channel 'rr-chan' and make them owner" <<<"$stderr"
    [ "$(sub rr-new "$c")" = null ]
    run_rcctl room recover rr-chan rr-grp --owner rr-new
    [ "$status" = 0 ] || { show; false; }
    grep -q "added 'rr-new' to channel 'rr-chan', and made 'rr-new' owner" <<<"$stderr"
    grep -q "added 'rr-new' to group 'rr-grp', and made 'rr-new' owner" <<<"$stderr"
    counts "2 changed, 0 unchanged, 0 failed"
    [ "$(sub rr-new "$c" | jq -c .roles)" = '["owner"]' ]
    [ "$(sub rr-new "$g" | jq -c .roles)" = '["owner"]' ]
    run_rcctl room recover rr-chan "$g" --owner rr-new
    [ "$status" = 0 ] || { show; false; }
    counts "0 changed, 2 unchanged, 0 failed"
}

# Rocket.Chat's groups.invite finds the group without an access check and
# then wants add-user-to-any-p-room from a non-member; this fails while
# rcd's groups.invite answers error-room-not-found to non-members.
@test "room recover of a private group the admin is not in: joins it first (add-user-to-any-p-room)" {
    mkuser rrj-gone
    mkuser rrj-new
    g=$(mkroom rrj-gone p rrj-grp)
    deactivate rrj-gone
    login_rcd_admin
    # without the permission: refused, with the reason
    run_rcctl room recover rrj-grp --owner rrj-new
    [ "$status" = 5 ] || [ "$status" = 4 ] || { show; false; }
    grep -q "cannot join group 'rrj-grp'" <<<"$stderr"
    run_rcctl room recover rrj-grp --owner rrj-new --dry-run
    [ "$status" = 0 ] || { show; false; }
    grep -q "would join group 'rrj-grp' (you are not in it)" <<<"$stderr"
    as "$ADMIN_USER" POST /api/v1/permissions.update '{"permissions":[{"_id":"add-user-to-any-p-room","roles":["admin"]}]}'
    [ "$STATUS" = 200 ]
    run_rcctl room recover rrj-grp --owner rrj-new
    as "$ADMIN_USER" POST /api/v1/permissions.update '{"permissions":[{"_id":"add-user-to-any-p-room","roles":[]}]}'
    [ "$status" = 0 ] || { show; false; }
    grep -q "joined group 'rrj-grp' yourself, added 'rrj-new' to group 'rrj-grp', and made 'rrj-new' owner" <<<"$stderr"
    [ "$(sub rrj-new "$g" | jq -c .roles)" = '["owner"]' ]
    run_rcctl room recover rrj-grp --owner rrj-new
    [ "$status" = 0 ] || { show; false; }
    counts "0 changed, 1 unchanged, 0 failed"
}

@test "room recover: unknown room 4, a mix 3, a DM fails, no --owner 2, deactivated owner refused" {
    mkuser rr2-u1
    mkuser rr2-off
    mkroom "$ADMIN_USER" c rr2-ok >/dev/null
    as "$ADMIN_USER" POST /api/v1/im.create '{"username":"rr2-u1"}'
    dm=$(jq -r .room._id <<<"$BODY")
    deactivate rr2-off
    login_rcd_admin
    run_rcctl room recover rr2-none --owner rr2-u1
    [ "$status" = 4 ] || { show; false; }
    run_rcctl room recover rr2-none rr2-ok --owner rr2-u1
    [ "$status" = 3 ] || { show; false; }
    run_rcctl room recover "$dm" --owner rr2-u1
    [ "$status" = 1 ] || { show; false; }
    grep -q 'only channels and groups have owners' <<<"$stderr"
    run_rcctl room recover rr2-ok
    [ "$status" = 2 ]
    run_rcctl room recover rr2-ok --owner rr2-off
    [ "$status" = 1 ]
    grep -q deactivated <<<"$stderr"
}

@test "room recover by a plain user who does not own the room exits 5" {
    mkuser rr3-u1
    mkuser rr3-u2
    mkroom rr3-u2 c rr3-chan >/dev/null
    login_user rr3-u1
    run_rcctl room recover rr3-chan --owner rr3-u1
    [ "$status" = 5 ] || { show; false; }
}

# ---- orphans ----

@test "room orphans lists rooms whose owners are all deactivated or deleted" {
    has_roles_routes || skip "rcd: channels.roles/groups.roles missing"
    clean_rooms
    mkuser ro-gone
    mkuser ro-left
    mkuser ro-ok
    mkroom ro-gone c ro-chan '["ro-ok"]' >/dev/null
    mkroom ro-left p ro-grp "[\"ro-ok\",\"$ADMIN_USER\"]" >/dev/null
    mkroom ro-ok c ro-fine '["ro-gone"]' >/dev/null
    deactivate ro-gone
    disown ro-left ro-grp
    login_rcd_admin
    run_rcctl room orphans --columns name,problem,owners --no-header
    [ "$status" = 0 ] || { show; false; }
    grep -q "^ro-chan	no active owner	ro-gone (inactive)$" <<<"$output"
    grep -q "^ro-grp	no owner	$" <<<"$output"
    ! grep -q '^ro-fine' <<<"$output"
    [ "$(grep -c . <<<"$output")" = 2 ]
    run_rcctl room orphans -o ids
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/ids"
    run_rcctl room recover --from "$BATS_TEST_TMPDIR/ids" --owner ro-ok
    [ "$status" = 0 ] || { show; false; }
    counts "2 changed, 0 unchanged, 0 failed"
    run_rcctl room orphans --columns name --no-header
    [ "$status" = 0 ] || { show; false; }
    [ -z "$output" ]
    grep -q '0 of [0-9]* rooms have no active owner' <<<"$stderr"
}

@test "room orphans: groups the admin is not in are read from the users' rooms, else reported (exit 3)" {
    has_roles_routes || skip "rcd: channels.roles/groups.roles missing"
    clean_rooms
    mkuser ro3-gone
    mkroom ro3-gone p ro3-hidden >/dev/null
    mkroom "$ADMIN_USER" c ro3-visible >/dev/null
    deactivate ro3-gone
    login_rcd_admin
    run_rcctl room orphans --columns name,owners --no-header
    if server_shows_user_rooms; then
        [ "$status" = 0 ] || { show; false; }
        [ "$output" = "$(printf 'ro3-hidden\tro3-gone (inactive)')" ]
    else
        [ "$status" = 3 ] || { show; false; }
        grep -q "cannot read the owners of room 'ro3-hidden'" <<<"$stderr"
        grep -q 'could not check 1 of' <<<"$stderr"
    fi
}

@test "room orphans needs the roles endpoints; plain users are forbidden (5)" {
    mkuser ro2-u1
    mkroom "$ADMIN_USER" c ro2-visible >/dev/null
    login_user ro2-u1
    run_rcctl room orphans
    [ "$status" = 5 ] || [ "$status" = 1 ] || { show; false; }
    login_rcd_admin
    run_rcctl room orphans
    if has_roles_routes; then
        [ "$status" = 0 ] || [ "$status" = 3 ] || { show; false; }
    else
        [ "$status" = 1 ] || { show; false; }
        grep -q 'has no channels.roles/groups.roles' <<<"$stderr"
    fi
}
