#!/usr/bin/env bats
# Failed-login blocking (Block_Multiple_Failed_Logins_*): per login name
# and per client address, the same answer for unknown users, counters that
# survive a restart, reset by a success, and no bypass through
# X-Forwarded-For from an untrusted peer.

load ../lib/rcd

setup_file() {
    rcd_start OVERWRITE_SETTING_Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User=3 \
              OVERWRITE_SETTING_Block_Multiple_Failed_Logins_Attempts_Until_Block_By_Ip=16
}
teardown_file() { rcd_stop; }
setup() { logout_local; }

login_raw() {   # login_raw USER PASSWORD [curl args...]
    local u=$1 p=$2; shift 2
    api POST /api/v1/login "$(jq -nc --arg u "$u" --arg p "$p" '{user:$u,password:$p}')" "$@"
}

@test "after 3 failures the right password is refused too, with error-login-blocked-for-user" {
    create_user blk1 blk1-pass-1
    for i in 1 2 3; do login_raw blk1 wrong; [ "$STATUS" = 401 ]; jq_is '.error == "Unauthorized"'; done
    login_raw blk1 blk1-pass-1
    [ "$STATUS" = 401 ]
    jq_is '.error == "error-login-blocked-for-user" and .status == "error"'
    jq_is '.message == "Login has been temporarily blocked"'
}

@test "an unknown user is blocked the same way, so blocking reveals nothing" {
    for i in 1 2 3; do login_raw nobody-blk wrong; done
    login_raw nobody-blk wrong
    jq_is '.error == "error-login-blocked-for-user"'
}

@test "a success resets the count for that login name" {
    create_user blk2 blk2-pass-1
    login_raw blk2 wrong; login_raw blk2 wrong
    login_raw blk2 blk2-pass-1
    [ "$STATUS" = 200 ]
    login_raw blk2 wrong; login_raw blk2 wrong
    login_raw blk2 blk2-pass-1
    [ "$STATUS" = 200 ]
}

@test "the block survives a restart" {
    create_user blk3 blk3-pass-1
    for i in 1 2 3; do login_raw blk3 wrong; done
    rcd_stop_keep
    RCD_DIR_KEEP=$RCD_DIR rcd_start OVERWRITE_SETTING_Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User=3 \
              OVERWRITE_SETTING_Block_Multiple_Failed_Logins_Attempts_Until_Block_By_Ip=16
    login_raw blk3 blk3-pass-1
    jq_is '.error == "error-login-blocked-for-user"'
}

@test "failures across many names block the client address; X-Forwarded-For does not help" {
    # the tests above left 13 failures from this address (limit 16)
    create_user blk4 blk4-pass-1
    for u in ipa ipb ipc; do login_raw "$u" wrong; done
    login_raw blk4 blk4-pass-1 -H 'X-Forwarded-For: 203.0.113.9'
    [ "$STATUS" = 401 ]
    jq_is '.error == "error-login-blocked-for-ip"'
}

