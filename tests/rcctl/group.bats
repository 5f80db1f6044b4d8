#!/usr/bin/env bats
# rcctl/cmd/room.c, the group commands: list (yours, --all, --member),
# info and delete of groups the admin is not in, add-owner --all (the
# operations notes' owner loop), create/invite/kick on private groups.
# rcd caps pages at 3 items here.

load helpers

setup_file() {
    rcd_file_start OVERWRITE_SETTING_API_Upper_Count_Limit=3
}
teardown_file() { rcd_file_stop; }
setup() { rcd_test_env; }

# mkgroup NAME [MEMBERS_JSON]: a private group made by the admin
mkgroup() {
    admin_api POST /api/v1/groups.create "{\"name\":\"$1\",\"members\":${2:-[]}}"
    [ "$STATUS" = 200 ] || { echo "$BODY" >&2; false; }
}
# usergroup USER NAME [MEMBERS_JSON]: a private group made by USER (the admin is not in it)
usergroup() {
    login_as "$1" "$(pw_of "$1")"
    api POST /api/v1/groups.create "{\"name\":\"$2\",\"members\":${3:-[]}}"
    [ "$STATUS" = 200 ] || { echo "$BODY" >&2; false; }
}
# id_of NAME: a group's id, from groups.listAll
id_of() {
    admin_api GET "/api/v1/groups.listAll?count=0"
    local off=0 id
    while :; do
        admin_api GET "/api/v1/groups.listAll?count=3&offset=$off"
        id=$(jq -r --arg n "$1" '.groups[] | select(.name == $n) | ._id' <<<"$BODY")
        [ -n "$id" ] && { echo "$id"; return; }
        [ "$(jq '.groups | length' <<<"$BODY")" = 0 ] && return 1
        off=$((off + 3))
    done
}
# roles_of USER ROOMID: USER's roles in the room, from their own subscription
roles_of() {
    login_as "$1" "$(pw_of "$1")"
    api GET "/api/v1/subscriptions.getOne?roomId=$2"
    jq -c '.subscription.roles // []' <<<"$BODY"
}
# clean_groups: delete every private group, so that --all sees only the test's
clean_groups() {
    local ids
    while :; do
        admin_api GET '/api/v1/groups.listAll?count=100'
        ids=$(jq -r '.groups[]._id' <<<"$BODY")
        [ -z "$ids" ] && return 0
        for id in $ids; do
            admin_api POST /api/v1/rooms.delete "{\"roomId\":\"$id\"}"
            [ "$STATUS" = 200 ] || { echo "$BODY" >&2; return 1; }
        done
    done
}
# server_shows_user_rooms: does users.info answer includeUserRooms?
server_shows_user_rooms() {
    admin_api GET "/api/v1/users.info?username=$ADMIN_USER&includeUserRooms=true"
    jq -e '.user.rooms' >/dev/null <<<"$BODY"
}

# ---- list ----

@test "group list shows yours; --all every group (admin), across pages" {
    mkuser gl-u1
    mkgroup gl-mine
    usergroup gl-u1 gl-theirs
    for i in 1 2 3 4; do mkgroup "gl-x$i"; done
    login_rcd_admin
    run_rcctl group list --columns name --no-header
    [ "$status" = 0 ] || { show; false; }
    grep -qx gl-mine <<<"$output"
    ! grep -qx gl-theirs <<<"$output"
    run_rcctl group list --all --columns name --no-header
    [ "$status" = 0 ] || { show; false; }
    grep -qx gl-theirs <<<"$output"
    grep -qx gl-x4 <<<"$output"
    admin_api GET '/api/v1/groups.listAll?count=1'
    [ "$(wc -l <<<"$output")" = "$(jq .total <<<"$BODY")" ]
    run_rcctl group list --all -o ndjson
    [ "$(jq -r .t <<<"$output" | sort -u)" = p ]
}

@test "group list --all as a plain user is forbidden (exit 5); no login 5" {
    mkuser gl2-u1
    login_user gl2-u1
    run_rcctl group list --all
    [ "$status" = 5 ] || { show; false; }
    [ -z "$output" ]
    rm -f "$CONFIG"
    RCCTL_URL=$RCD_URL run_rcctl group list
    [ "$status" = 5 ]
}

@test "group list --member USER: every private group USER is in (the notes' members loop)" {
    clean_groups
    mkuser gm-u1
    mkuser gm-u2
    mkgroup gm-a '["gm-u1"]'
    mkgroup gm-b '["gm-u2"]'
    mkgroup gm-c '["gm-u1","gm-u2"]'
    login_rcd_admin
    run_rcctl group list --member gm-u1 --columns name --no-header
    [ "$status" = 0 ] || { show; false; }
    [ "$(sort <<<"$output")" = "$(printf 'gm-a\ngm-c')" ]
    run_rcctl group list --member gm-u2 -o json
    [ "$status" = 0 ]
    [ "$(jq -r '.[].name' <<<"$output" | sort | tr '\n' ' ')" = "gm-b gm-c " ]
    run_rcctl group list --member no-such-user
    [ "$status" = 4 ]
}

@test "group list --member: groups whose members cannot be read are reported (exit 3) unless the server lists the user's rooms" {
    clean_groups
    mkuser gmx-u1
    mkgroup gmx-a '["gmx-u1"]'
    usergroup gmx-u1 gmx-hidden
    login_rcd_admin
    run_rcctl group list --member gmx-u1 --columns name --no-header
    if server_shows_user_rooms; then
        [ "$status" = 0 ] || { show; false; }
        [ "$(sort <<<"$output")" = "$(printf 'gmx-a\ngmx-hidden')" ]
    else
        [ "$status" = 3 ] || { show; false; }
        grep -qx gmx-a <<<"$output"
        grep -q "cannot see the members of group 'gmx-hidden'" <<<"$stderr"
        grep -q 'could not check 1 of' <<<"$stderr"
    fi
}

# ---- info, delete of groups the admin is not in ----

@test "group info finds groups the admin is not in (groups.listAll); unknown exits 4" {
    mkuser gi-u1
    usergroup gi-u1 gi-theirs
    login_rcd_admin
    run_rcctl group info gi-theirs -o json
    [ "$status" = 0 ] || { show; false; }
    [ "$(jq -r .name <<<"$output")" = gi-theirs ]
    [ "$(jq -r .t <<<"$output")" = p ]
    run_rcctl group info gi-nothing
    [ "$status" = 4 ] || { show; false; }
    # a plain user sees only their own
    mkuser gi-u2
    login_user gi-u2
    run_rcctl group info gi-theirs
    [ "$status" = 4 ] || { show; false; }
}

@test "group delete: an admin deletes groups they are not in (rooms.delete); re-run 4 or unchanged" {
    mkuser gd-u1
    mkgroup gd-mine
    usergroup gd-u1 gd-theirs
    login_rcd_admin
    run_rcctl group delete gd-mine gd-theirs --dry-run
    [ "$status" = 0 ] || { show; false; }
    counts "dry run: 2 to change, 0 unchanged, 0 failed"
    id_of gd-theirs >/dev/null
    run_rcctl group delete gd-mine gd-theirs --yes
    [ "$status" = 0 ] || { show; false; }
    grep -q "deleted group 'gd-theirs'" <<<"$stderr"
    ! id_of gd-theirs
    ! id_of gd-mine
    run_rcctl group delete gd-mine --yes
    [ "$status" = 4 ]
    run_rcctl group delete gd-mine --yes --ignore-missing
    [ "$status" = 0 ]
}

@test "group delete by a member who is not owner exits 5" {
    mkuser gdp-u1
    mkgroup gdp-a '["gdp-u1"]'
    login_user gdp-u1
    run_rcctl group delete gdp-a --yes
    [ "$status" = 5 ] || { show; false; }
    id_of gdp-a >/dev/null
}

# ---- add-owner --all ----

@test "group add-owner --all --user: owner of every group, joining them first; re-run unchanged" {
    clean_groups
    mkuser go-u1
    mkgroup go-a '["go-u1"]'
    mkgroup go-b
    mkgroup go-c '["go-u1"]'
    admin_api POST /api/v1/groups.addOwner "{\"roomId\":\"$(id_of go-c)\",\"username\":\"go-u1\"}"
    [ "$STATUS" = 200 ]
    login_rcd_admin
    run_rcctl -j 3 group add-owner --all --user go-u1
    [ "$status" = 0 ] || { show; false; }
    grep -q "made 'go-u1' owner of group 'go-a'" <<<"$stderr"
    grep -q "added 'go-u1' to group 'go-b', and made 'go-u1' owner" <<<"$stderr"
    grep -q "'go-u1' is owner of group 'go-c' already" <<<"$stderr"
    for g in go-a go-b go-c; do
        [ "$(roles_of go-u1 "$(id_of "$g")")" = '["owner"]' ] || { echo "$g" >&2; false; }
    done
    counts "2 changed, 1 unchanged, 0 failed"
    run_rcctl group add-owner --all --user go-u1
    [ "$status" = 0 ] || { show; false; }
    counts "0 changed, 3 unchanged, 0 failed"
}

@test "group add-owner --dry-run changes nothing and says what would happen" {
    mkuser gdr-u1
    mkgroup gdr-a '["gdr-u1"]'
    mkgroup gdr-b
    login_rcd_admin
    run_rcctl group add-owner --dry-run --user gdr-u1 gdr-a gdr-b
    [ "$status" = 0 ] || { show; false; }
    grep -q "would make 'gdr-u1' owner of group 'gdr-a'" <<<"$stderr"
    grep -q "would add 'gdr-u1' to group 'gdr-b' and make them owner" <<<"$stderr"
    counts "dry run: 2 to change, 0 unchanged, 0 failed"
    [ "$(roles_of gdr-u1 "$(id_of gdr-a)")" = '[]' ]
    login_as gdr-u1 "$(pw_of gdr-u1)"
    api GET "/api/v1/subscriptions.getOne?roomId=$(id_of gdr-b)"
    jq_is '.subscription == null'
}

@test "group add-owner: a group the admin may not manage fails, the others change (exit 3)" {
    mkuser gp-u1
    mkuser gp-u2
    mkgroup gp-ok
    usergroup gp-u2 gp-theirs
    login_rcd_admin
    run_rcctl group add-owner --user gp-u1 gp-ok gp-theirs
    [ "$status" = 3 ] || { show; false; }
    counts "1 changed, 0 unchanged, 1 failed"
    grep -q "failed: 'gp-theirs'" <<<"$stderr"
    [ "$(roles_of gp-u1 "$(id_of gp-ok)")" = '["owner"]' ]
    run_rcctl group add-owner --user gp-u1 gp-none
    [ "$status" = 4 ] || { show; false; }
}

@test "group add-owner as a plain user: --all is forbidden (5); --user of a deactivated user refused" {
    mkuser gpu-u1
    mkuser gpu-off
    admin_api POST /api/v1/users.setActiveStatus "{\"userId\":\"$(admin_api GET /api/v1/users.info?username=gpu-off >/dev/null; jq -r .user._id <<<"$BODY")\",\"activeStatus\":false}"
    [ "$STATUS" = 200 ]
    login_user gpu-u1
    run_rcctl group add-owner --all --user gpu-u1
    [ "$status" = 5 ] || { show; false; }
    login_rcd_admin
    run_rcctl group add-owner --all --user gpu-off
    [ "$status" = 1 ] || { show; false; }
    grep -q 'deactivated' <<<"$stderr"
}

# ---- create, invite, kick on groups ----

@test "group create, invite, kick: private groups, idempotent" {
    mkuser gk-u1
    login_rcd_admin
    run_rcctl group create gk-a
    [ "$status" = 0 ] || { show; false; }
    [ "$(sed -n 2p <<<"$output" | cut -f2,3)" = "$(printf 'gk-a\tp')" ]
    run_rcctl group invite gk-a gk-u1
    [ "$status" = 0 ] || { show; false; }
    run_rcctl group invite gk-a gk-u1
    counts "0 changed, 1 unchanged, 0 failed"
    run_rcctl group members gk-a --columns username --no-header
    [ "$(sort <<<"$output")" = "$(printf 'admin\ngk-u1')" ]
    run_rcctl group kick gk-a gk-u1
    [ "$status" = 0 ] || { show; false; }
    run_rcctl group kick gk-a gk-u1
    counts "0 changed, 1 unchanged, 0 failed"
    run_rcctl group archive gk-a
    [ "$status" = 0 ] || { show; false; }
    run_rcctl group info gk-a -o json
    [ "$(jq -r .archived <<<"$output")" = true ]
}
