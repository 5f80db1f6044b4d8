#!/usr/bin/env bats
# rcctl/cmd/team.c: team list, create, members, add, remove (--rooms),
# rooms (--autojoin), autojoin on|off; idempotent re-runs, --dry-run,
# exit codes. rcd caps pages at 3 items here.

load helpers

setup_file() {
    rcd_file_start OVERWRITE_SETTING_API_Upper_Count_Limit=3
}
teardown_file() { rcd_file_stop; }
setup() { rcd_test_env; }

# team_members TEAM: usernames in the team, sorted
team_members() {
    admin_api GET "/api/v1/teams.members?teamName=$1&count=100"
    jq -r '.members[].user.username' <<<"$BODY" | sort
}
# mkteamroom TEAM NAME: a channel of the team, made by the admin; prints its id
mkteamroom() {
    admin_api POST /api/v1/channels.create "{\"name\":\"$2\"}"
    local id
    id=$(jq -r .channel._id <<<"$BODY")
    admin_api POST /api/v1/teams.addRooms "{\"teamName\":\"$1\",\"rooms\":[\"$id\"]}"
    [ "$STATUS" = 200 ] || { echo "$BODY" >&2; false; }
    echo "$id"
}

@test "team create makes teams, then unchanged; --dry-run makes none" {
    mkuser tc-u1
    login_rcd_admin
    run_rcctl team create tc-a --dry-run
    [ "$status" = 0 ] || { show; false; }
    grep -q "would create team 'tc-a'" <<<"$stderr"
    admin_api GET /api/v1/teams.info?teamName=tc-a
    [ "$STATUS" != 200 ]
    run_rcctl team create tc-a tc-b --members tc-u1
    [ "$status" = 0 ] || { show; false; }
    counts "2 changed, 0 unchanged, 0 failed"
    [ "$(cut -f2 <<<"$output" | sed 1d | sort | tr '\n' ' ')" = "tc-a tc-b " ]
    [ "$(team_members tc-a)" = "$(printf 'admin\ntc-u1')" ]
    run_rcctl team create tc-a --private -o json
    [ "$status" = 0 ]
    counts "0 changed, 1 unchanged, 0 failed"
    [ "$(jq -r '.[0].name' <<<"$output")" = tc-a ]
    run_rcctl team list --columns name --no-header
    grep -qx tc-b <<<"$output"
}

@test "team create: a plain user without create-team gets 5; no login 5" {
    mkuser tcp-u1 guest
    login_user tcp-u1
    run_rcctl team create tcp-x
    [ "$status" = 5 ] || { show; false; }
    rm -f "$CONFIG"
    RCCTL_URL=$RCD_URL run_rcctl team create tcp-y
    [ "$status" = 5 ]
}

@test "team add and remove: idempotent, --dry-run, unknown user 4, unknown team 4, a mix 3" {
    mkuser ta-u1
    mkuser ta-u2
    admin_api POST /api/v1/teams.create '{"name":"ta-t","type":0}'
    login_rcd_admin
    run_rcctl team add ta-t ta-u1 ta-u2 --dry-run
    [ "$status" = 0 ] || { show; false; }
    [ "$(team_members ta-t)" = admin ]
    run_rcctl team add ta-t ta-u1 ta-u2
    [ "$status" = 0 ] || { show; false; }
    counts "2 changed, 0 unchanged, 0 failed"
    [ "$(team_members ta-t)" = "$(printf 'admin\nta-u1\nta-u2')" ]
    run_rcctl team add ta-t ta-u1 ta-u2
    counts "0 changed, 2 unchanged, 0 failed"
    run_rcctl team add ta-none ta-u1
    [ "$status" = 4 ] || { show; false; }
    run_rcctl team remove ta-t ta-u1 nobody-here
    [ "$status" = 3 ] || { show; false; }
    counts "1 changed, 0 unchanged, 1 failed"
    [ "$(team_members ta-t)" = "$(printf 'admin\nta-u2')" ]
    run_rcctl team remove ta-t ta-u1
    [ "$status" = 0 ]
    counts "0 changed, 1 unchanged, 0 failed"
    run_rcctl team remove ta-t ta-u2 --dry-run
    [ "$status" = 0 ]
    [ "$(team_members ta-t)" = "$(printf 'admin\nta-u2')" ]
}

@test "team remove --rooms also takes the user out of those team rooms; the others keep them" {
    mkuser tr-u1
    admin_api POST /api/v1/teams.create '{"name":"tr-t","type":0}'
    r1=$(mkteamroom tr-t tr-r1)
    r2=$(mkteamroom tr-t tr-r2)
    admin_api POST /api/v1/channels.invite '{"roomName":"tr-r1","username":"tr-u1"}'
    admin_api POST /api/v1/channels.invite '{"roomName":"tr-r2","username":"tr-u1"}'
    login_rcd_admin
    run_rcctl team add tr-t tr-u1
    [ "$status" = 0 ] || { show; false; }
    run_rcctl team remove tr-t tr-u1 --rooms tr-r1,tr-none
    [ "$status" = 4 ] || { show; false; }
    grep -q "team 'tr-t' has no room 'tr-none'" <<<"$stderr"
    [ "$(team_members tr-t)" = "$(printf 'admin\ntr-u1')" ]
    run_rcctl team remove tr-t tr-u1 --rooms "tr-r1"
    [ "$status" = 0 ] || { show; false; }
    grep -q "removed 'tr-u1' from team 'tr-t' and rooms tr-r1" <<<"$stderr"
    [ "$(channel_members tr-r1)" = admin ]
    [ "$(channel_members tr-r2)" = "$(printf 'admin\ntr-u1')" ]
}

@test "team rooms lists a team's rooms; --autojoin only the auto-join ones; autojoin on|off is idempotent" {
    mkuser tj-u1
    admin_api POST /api/v1/teams.create '{"name":"tj-t","type":0}'
    mkteamroom tj-t tj-r1 >/dev/null
    mkteamroom tj-t tj-r2 >/dev/null
    mkteamroom tj-t tj-r3 >/dev/null
    mkteamroom tj-t tj-r4 >/dev/null
    login_rcd_admin
    run_rcctl team rooms tj-t --columns name --no-header
    [ "$status" = 0 ] || { show; false; }
    [ "$(sort <<<"$output" | tr '\n' ' ')" = "tj-r1 tj-r2 tj-r3 tj-r4 " ]
    run_rcctl team autojoin tj-r1 '#tj-r2' on --dry-run
    [ "$status" = 0 ] || { show; false; }
    run_rcctl team rooms --autojoin tj-t --columns name --no-header
    [ -z "$output" ]
    run_rcctl team autojoin tj-r1 '#tj-r2' on
    [ "$status" = 0 ] || { show; false; }
    counts "2 changed, 0 unchanged, 0 failed"
    run_rcctl team rooms --autojoin tj-t --columns name --no-header
    [ "$(sort <<<"$output" | tr '\n' ' ')" = "tj-r1 tj-r2 " ]
    run_rcctl team autojoin tj-r1 tj-r2 on
    counts "0 changed, 2 unchanged, 0 failed"
    # a new member joins the auto-join rooms
    run_rcctl team add tj-t tj-u1
    [ "$(channel_members tj-r1)" = "$(printf 'admin\ntj-u1')" ]
    [ "$(channel_members tj-r3)" = admin ]
    run_rcctl team autojoin tj-r2 off
    [ "$status" = 0 ]
    run_rcctl team rooms --autojoin tj-t --columns name --no-header
    [ "$output" = tj-r1 ]
    run_rcctl team autojoin tj-r1 on-ish
    [ "$status" = 2 ]
}

@test "team autojoin: a room in no team fails; unknown room 4; a mix 3; a plain user 5" {
    mkuser tja-u1
    admin_api POST /api/v1/teams.create '{"name":"tja-t","type":0}'
    mkteamroom tja-t tja-r1 >/dev/null
    admin_api POST /api/v1/channels.create '{"name":"tja-loose"}'
    login_rcd_admin
    run_rcctl team autojoin tja-loose on
    [ "$status" = 1 ] || { show; false; }
    grep -q 'it is in no team' <<<"$stderr"
    run_rcctl team autojoin tja-none on
    [ "$status" = 4 ] || { show; false; }
    run_rcctl team autojoin tja-none tja-r1 on
    [ "$status" = 3 ] || { show; false; }
    admin_api POST /api/v1/channels.invite '{"roomName":"tja-r1","username":"tja-u1"}'
    login_user tja-u1
    run_rcctl team autojoin tja-r1 off
    [ "$status" = 5 ] || { show; false; }
}

@test "team members shows roles; unknown team 4" {
    mkuser tm-u1
    admin_api POST /api/v1/teams.create '{"name":"tm-t","type":0,"members":["tm-u1"]}'
    login_rcd_admin
    run_rcctl team members tm-t -o json
    [ "$status" = 0 ] || { show; false; }
    [ "$(jq -r '.[] | select(.user.username == "admin") | .roles[0]' <<<"$output")" = owner ]
    [ "$(jq length <<<"$output")" = 2 ]
    run_rcctl team members tm-none
    [ "$status" = 4 ] || { show; false; }
    run_rcctl team rooms tm-none
    [ "$status" = 4 ]
}
