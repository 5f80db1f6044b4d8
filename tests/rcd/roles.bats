#!/usr/bin/env bats
# roles.list, roles.addUserToRole, roles.removeUserFromRole,
# roles.getUsersInRole, permissions.listAll, permissions.update.

load ../lib/rcd

setup_file() { rcd_start; }
teardown_file() { rcd_stop; }
setup() { logout_local; }

@test "roles.list returns Rocket.Chat's built-in roles" {
    login_as admin "$ADMIN_PASS"
    api GET /api/v1/roles.list
    [ "$STATUS" = 200 ]
    for r in admin user bot guest owner moderator leader anonymous app; do
        jq_is ".roles | map(select(._id == \"$r\" and .name == \"$r\" and .protected == true)) | length == 1"
    done
    jq_is '.roles | map(select(._id == "owner"))[0].scope == "Subscriptions"'
    api GET /api/v1/roles.list - -H 'X-Auth-Token: x'
    logout_local; api GET /api/v1/roles.list
    [ "$STATUS" = 401 ]
}

@test "roles.addUserToRole grants a role; twice is error-user-already-in-role" {
    create_user rl1 rl1-pass-1
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/roles.addUserToRole '{"roleId":"bot","username":"rl1"}'
    [ "$STATUS" = 200 ]
    jq_is '.role._id == "bot" and .success == true'
    api POST /api/v1/roles.addUserToRole '{"roleId":"bot","username":"rl1"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-user-already-in-role"'
}

@test "roles.addUserToRole: unknown role, unknown user, missing role, bad types" {
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/roles.addUserToRole '{"roleId":"wizard","username":"admin"}'
    [ "$STATUS" = 400 ]
    jq_is '. == {"success":false,"error":"error-role-not-found","errorType":"Role not found"}'
    api POST /api/v1/roles.addUserToRole '{"roleId":"bot","username":"nobody-x"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-invalid-user"'
    api POST /api/v1/roles.addUserToRole '{"username":"admin"}'
    [ "$STATUS" = 400 ]
    jq_is '.error == "error-invalid-role-properties"'
    for bad in '{"roleId":1,"username":"admin"}' '{"roleId":"bot","username":["admin"]}' \
               '{"roleId":"bot","username":"admin","roomId":5}' '{"roleId":"bot"}'; do
        api POST /api/v1/roles.addUserToRole "$bad"
        [ "$STATUS" = 400 ] || { echo "$bad -> $STATUS"; return 1; }
    done
}

@test "roles.addUserToRole needs access-permissions" {
    create_user rl2 rl2-pass-1
    login_as rl2 rl2-pass-1
    api POST /api/v1/roles.addUserToRole '{"roleId":"admin","username":"rl2"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-action-not-allowed"'
    logout_local
    api POST /api/v1/roles.addUserToRole '{"roleId":"admin","username":"rl2"}'
    [ "$STATUS" = 401 ]
}

@test "roles.removeUserFromRole takes a role away, with Rocket.Chat's errors" {
    create_user rl3 rl3-pass-1
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/roles.addUserToRole '{"roleId":"bot","username":"rl3"}'
    api POST /api/v1/roles.removeUserFromRole '{"roleId":"bot","username":"rl3"}'
    [ "$STATUS" = 200 ]
    jq_is '.role._id == "bot"'
    api POST /api/v1/roles.removeUserFromRole '{"roleId":"bot","username":"rl3"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-user-not-in-role"'
    api POST /api/v1/roles.removeUserFromRole '{"roleId":"wizard","username":"rl3"}'
    jq_is '.errorType == "error-invalid-roleId"'
    api POST /api/v1/roles.removeUserFromRole '{"roleId":"bot","username":"nobody-y"}'
    jq_is '.errorType == "error-invalid-user"'
}

@test "the last admin cannot lose the admin role" {
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/roles.removeUserFromRole '{"roleId":"admin","username":"admin"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-admin-required" and .error == "You need to have at least one admin [error-admin-required]"'
}

@test "roles.removeUserFromRole needs access-permissions (403)" {
    create_user rl4 rl4-pass-1
    login_as rl4 rl4-pass-1
    api POST /api/v1/roles.removeUserFromRole '{"roleId":"user","username":"rl4"}'
    [ "$STATUS" = 403 ]
}

@test "roles.getUsersInRole lists holders sorted by username with total" {
    create_user rl5b rl5-pass-1
    create_user rl5a rl5-pass-1
    login_as admin "$ADMIN_PASS"
    for u in rl5b rl5a; do api POST /api/v1/roles.addUserToRole "{\"roleId\":\"leader\",\"username\":\"$u\"}" >/dev/null; done
    api POST /api/v1/roles.addUserToRole '{"roleId":"bot","username":"rl5b"}'
    api POST /api/v1/roles.addUserToRole '{"roleId":"bot","username":"rl5a"}'
    api GET '/api/v1/roles.getUsersInRole?role=bot'
    [ "$STATUS" = 200 ]
    jq_is '.total >= 2 and (.users | map(.username)) == (.users | map(.username) | sort)'
    jq_is '.users[0] | has("_id") and has("username") and has("emails") and has("createdAt")'
    jq_is 'has("count") | not'
    ! grep -q '\$2b\$' <<<"$BODY"
    api GET '/api/v1/roles.getUsersInRole?role=bot&count=1&offset=1'
    jq_is '(.users | length) == 1'
}

@test "roles.getUsersInRole: missing role, unknown role, forbidden" {
    login_as admin "$ADMIN_PASS"
    api GET /api/v1/roles.getUsersInRole
    [ "$STATUS" = 400 ]
    jq_is '.error == "Query param \"role\" is required [error-param-not-provided]"'
    api GET '/api/v1/roles.getUsersInRole?role=wizard'
    jq_is '.errorType == "error-invalid-roleId"'
    create_user rl6 rl6-pass-1
    login_as rl6 rl6-pass-1
    api GET '/api/v1/roles.getUsersInRole?role=admin'
    [ "$STATUS" = 403 ]
}

@test "permissions.listAll returns every permission; updatedSince filters" {
    login_as admin "$ADMIN_PASS"
    api GET /api/v1/permissions.listAll
    [ "$STATUS" = 200 ]
    jq_is '.remove == [] and (.update | length) > 50'
    jq_is '.update | map(select(._id == "create-c"))[0].roles == ["admin","user","bot","app"]'
    jq_is '.update | map(select(._id == "view-statistics"))[0].roles == ["admin"]'
    api GET '/api/v1/permissions.listAll?updatedSince=2999-01-01T00:00:00.000Z'
    jq_is '.update == []'
    api GET '/api/v1/permissions.listAll?updatedSince=yesterday'
    [ "$STATUS" = 400 ]
    jq_is '.error == "The \"updatedSince\" query parameter must be a valid date."'
}

@test "permissions.update changes who may do what, at once and persistently" {
    create_user pm1 pm1-pass-1
    login_as admin "$ADMIN_PASS"
    since=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
    sleep 1
    # the seed's workspace: plain users may only create DMs
    api POST /api/v1/permissions.update '{"permissions":[{"_id":"create-c","roles":["admin"]},{"_id":"create-p","roles":["admin"]}]}'
    [ "$STATUS" = 200 ]
    jq_is '.permissions | map(select(._id == "create-c"))[0].roles == ["admin"]'
    api GET "/api/v1/permissions.listAll?updatedSince=$since"
    jq_is '(.update | map(._id) | sort) == ["create-c","create-p"]'
    [ "$(sqlite3 "$RCD_DIR/rcd.db" "SELECT roles FROM permissions WHERE id='create-c'")" = '["admin"]' ]
    # a plain user loses view-statistics-like rights as soon as they change
    api POST /api/v1/permissions.update '{"permissions":[{"_id":"create-personal-access-tokens","roles":["admin"]}]}'
    login_as pm1 pm1-pass-1
    api GET /api/v1/users.getPersonalAccessTokens
    [ "$STATUS" = 403 ]
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/permissions.update '{"permissions":[{"_id":"create-personal-access-tokens","roles":["admin","user"]},{"_id":"create-c","roles":["admin","user","bot","app"]},{"_id":"create-p","roles":["admin","user","bot","app"]}]}'
    [ "$STATUS" = 200 ]
}

@test "permissions.update refuses unknown permissions, unknown roles and bad shapes, changing nothing" {
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/permissions.update '{"permissions":[{"_id":"create-c","roles":["admin"]},{"_id":"no-such","roles":["admin"]}]}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-invalid-permission"'
    api GET /api/v1/permissions.listAll
    jq_is '.update | map(select(._id == "create-c"))[0].roles | length == 4'
    api POST /api/v1/permissions.update '{"permissions":[{"_id":"create-c","roles":["wizard"]}]}'
    jq_is '.errorType == "error-invalid-role"'
    for bad in '{}' '{"permissions":"x"}' '{"permissions":[1]}' '{"permissions":[{"_id":1,"roles":[]}]}' \
               '{"permissions":[{"_id":"create-c","roles":"admin"}]}' '{"permissions":[{"_id":"create-c","roles":[1]}]}'; do
        api POST /api/v1/permissions.update "$bad"
        [ "$STATUS" = 400 ] || { echo "$bad -> $STATUS"; return 1; }
    done
}

@test "permissions.update needs access-permissions (403) and a login (401)" {
    create_user pm2 pm2-pass-1
    login_as pm2 pm2-pass-1
    api POST /api/v1/permissions.update '{"permissions":[{"_id":"create-c","roles":["user"]}]}'
    [ "$STATUS" = 403 ]
    logout_local
    api POST /api/v1/permissions.update '{"permissions":[]}'
    [ "$STATUS" = 401 ]
    api GET /api/v1/permissions.listAll
    [ "$STATUS" = 401 ]
}
