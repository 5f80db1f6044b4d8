#!/usr/bin/env bats
# Failed-login blocking can be switched off.

load ../lib/rcd

setup_file() {
    rcd_start OVERWRITE_SETTING_Block_Multiple_Failed_Logins_Enabled=false \
              OVERWRITE_SETTING_Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User=3
}
teardown_file() { rcd_stop; }

login_raw() {
    api POST /api/v1/login "$(jq -nc --arg u "$1" --arg p "$2" '{user:$u,password:$p}')"
}

@test "with blocking switched off, failures never block" {
    for i in 1 2 3 4 5; do login_raw admin wrong; done
    login_raw admin "$ADMIN_PASS"
    [ "$STATUS" = 200 ]
}
