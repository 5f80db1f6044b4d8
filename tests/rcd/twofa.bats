#!/usr/bin/env bats
# Two-factor authentication: enabling TOTP through method.call, login with
# TOTP, backup codes, the 2FA gate on sensitive endpoints with the totp and
# password methods, users.resetTOTP.

load ../lib/rcd

setup_file() {
    # RememberFor=0: no pass is remembered, not even right after creation
    rcd_start OVERWRITE_SETTING_API_Enable_Rate_Limiter=false \
              OVERWRITE_SETTING_Accounts_TwoFactorAuthentication_RememberFor=0
}
teardown_file() { rcd_stop; }
setup() { logout_local; }

# enable_totp USER PASS: turn TOTP on for USER; sets SECRET and CODES
enable_totp() {
    login_as "$1" "$2"
    method_call 2fa:enable
    SECRET=$(jq -r .result.secret <<<"$RESULT")
    [ ${#SECRET} -ge 32 ]
    method_call 2fa:validateTempToken "[\"$(totp_code "$SECRET")\"]"
    CODES=$(jq -c .result.codes <<<"$RESULT")
    [ "$(jq length <<<"$CODES")" = 12 ]
}

@test "2fa:enable returns a base32 secret and an otpauth url" {
    create_user tf1 tf1-pass-1
    login_as tf1 tf1-pass-1
    method_call 2fa:enable
    [ "$STATUS" = 200 ]
    jq_is '.success == true'
    jq -e '.msg == "result" and .id == "1"' <<<"$RESULT"
    jq -e '.result.secret | test("^[A-Z2-7]{32}$")' <<<"$RESULT"
    jq -e '.result.url | startswith("otpauth://totp/")' <<<"$RESULT"
}

@test "2fa:validateTempToken refuses a wrong code and keeps TOTP off" {
    create_user tf2 tf2-pass-1
    login_as tf2 tf2-pass-1
    method_call 2fa:enable
    method_call 2fa:validateTempToken '["000000"]'
    [ "$STATUS" = 200 ]
    jq -e '.error.error == "invalid-totp"' <<<"$RESULT"
    logout_local
    login_as tf2 tf2-pass-1
}

@test "with TOTP on, login without a code is 401 totp-required" {
    create_user tf3 tf3-pass-1
    enable_totp tf3 tf3-pass-1
    logout_local
    api POST /api/v1/login '{"user":"tf3","password":"tf3-pass-1"}'
    [ "$STATUS" = 401 ]
    jq_is '.error == "totp-required" and .message == "TOTP Required"'
    jq_is '.details.method == "totp" and .details.availableMethods == ["totp"]'
    api POST /api/v1/login '{"user":"tf3","password":"tf3-pass-1","code":"123456"}'
    [ "$STATUS" = 401 ]
    jq_is '.error == "totp-invalid"'
}

@test "with TOTP on, login succeeds with the code in the body, the wrapper or the header" {
    create_user tf4 tf4-pass-1
    enable_totp tf4 tf4-pass-1
    logout_local
    api POST /api/v1/login "{\"user\":\"tf4\",\"password\":\"tf4-pass-1\",\"code\":\"$(totp_code "$SECRET")\"}"
    [ "$STATUS" = 200 ]
    api POST /api/v1/login "{\"totp\":{\"code\":\"$(totp_code "$SECRET")\",\"login\":{\"user\":\"tf4\",\"password\":\"tf4-pass-1\"}}}"
    [ "$STATUS" = 200 ]
    api POST /api/v1/login '{"user":"tf4","password":"tf4-pass-1"}' -H "X-2FA-Code: $(totp_code "$SECRET")"
    [ "$STATUS" = 200 ]
}

@test "a wrong password with TOTP on is still the plain Unauthorized" {
    create_user tf5 tf5-pass-1
    enable_totp tf5 tf5-pass-1
    logout_local
    api POST /api/v1/login '{"user":"tf5","password":"nope"}'
    [ "$STATUS" = 401 ]
    jq_is '.error == "Unauthorized"'
}

@test "a backup code logs in once" {
    create_user tf6 tf6-pass-1
    enable_totp tf6 tf6-pass-1
    logout_local
    code=$(jq -r '.[0]' <<<"$CODES")
    api POST /api/v1/login "{\"user\":\"tf6\",\"password\":\"tf6-pass-1\",\"code\":\"$code\"}"
    [ "$STATUS" = 200 ]
    api POST /api/v1/login "{\"user\":\"tf6\",\"password\":\"tf6-pass-1\",\"code\":\"$code\"}"
    [ "$STATUS" = 401 ]
    jq_is '.error == "totp-invalid"'
}

@test "a sensitive endpoint asks for the TOTP and accepts it in X-2FA-Code" {
    create_user tf7 tf7-pass-1
    enable_totp tf7 tf7-pass-1
    api POST /api/v1/users.generatePersonalAccessToken '{"tokenName":"t1"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "totp-required" and .error == "TOTP Required [totp-required]"'
    jq_is '.details.method == "totp" and .details.codeGenerated == false'
    api POST /api/v1/users.generatePersonalAccessToken '{"tokenName":"t1"}' \
        -H 'X-2FA-Method: totp' -H 'X-2FA-Code: 999999'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "totp-invalid"'
    api POST /api/v1/users.generatePersonalAccessToken '{"tokenName":"t1"}' \
        -H 'X-2FA-Method: totp' -H "X-2FA-Code: $(totp_code "$SECRET")"
    [ "$STATUS" = 200 ]
    jq_is '.token | length == 43'
}

@test "without TOTP the password fallback is asked for and takes the SHA-256 hex" {
    create_user tf8 tf8-pass-1
    login_as tf8 tf8-pass-1
    api POST /api/v1/users.generatePersonalAccessToken '{"tokenName":"t1"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "totp-required" and .details.method == "password"'
    jq_is '.details.availableMethods == []'
    api POST /api/v1/users.generatePersonalAccessToken '{"tokenName":"t1"}' \
        -H 'X-2FA-Method: password' -H "X-2FA-Code: $(sha256hex wrong)"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "totp-invalid" and .details.method == "password"'
    upper=$(sha256hex tf8-pass-1 | tr a-f A-F)
    api POST /api/v1/users.generatePersonalAccessToken '{"tokenName":"t1"}' \
        -H 'X-2FA-Method: password' -H "X-2FA-Code: $upper"
    [ "$STATUS" = 200 ]
}

@test "2fa:disable with a valid code turns TOTP off" {
    create_user tf9 tf9-pass-1
    enable_totp tf9 tf9-pass-1
    method_call 2fa:disable '["000000"]'
    jq -e '.result == false' <<<"$RESULT"
    method_call 2fa:disable "[\"$(totp_code "$SECRET")\"]"
    jq -e '.result == true' <<<"$RESULT"
    logout_local
    login_as tf9 tf9-pass-1
}

@test "2fa:checkCodesRemaining and 2fa:regenerateCodes" {
    create_user tf10 tf10-pass-1
    enable_totp tf10 tf10-pass-1
    method_call 2fa:checkCodesRemaining
    jq -e '.result.remaining == 12' <<<"$RESULT"
    method_call 2fa:regenerateCodes "[\"$(totp_code "$SECRET")\"]"
    jq -e '.result.codes | length == 12' <<<"$RESULT"
    [ "$(jq -c .result.codes <<<"$RESULT")" != "$CODES" ]
}

@test "the seed's phone-login fix: an admin resets a user's TOTP, the user logs in again" {
    create_user tf11 tf11-pass-1
    enable_totp tf11 tf11-pass-1
    old_uid=$AUTH_UID old_token=$AUTH_TOKEN
    uid=$AUTH_UID
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/users.resetTOTP "{\"userId\":\"$uid\"}" \
        -H 'X-2FA-Method: password' -H "X-2FA-Code: $(sha256hex "$ADMIN_PASS")"
    [ "$STATUS" = 200 ]
    jq_is '. == {"success":true}'
    # resetting ends every session of that user at once
    AUTH_UID=$old_uid AUTH_TOKEN=$old_token api GET /api/v1/me
    [ "$STATUS" = 401 ]
    logout_local
    login_as tf11 tf11-pass-1
}

@test "users.resetTOTP of another user needs edit-other-user-totp" {
    create_user tf12 tf12-pass-1
    create_user tf13 tf13-pass-1
    login_as tf13 tf13-pass-1
    api POST /api/v1/users.resetTOTP '{"username":"tf12"}' \
        -H 'X-2FA-Method: password' -H "X-2FA-Code: $(sha256hex tf13-pass-1)"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-not-allowed"'
}

@test "users.resetTOTP asks for 2FA, refuses bad types and unknown users" {
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/users.resetTOTP '{"username":"tf12"}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "totp-required"'
    api POST /api/v1/users.resetTOTP '{"userId":{"$ne":1}}'
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "invalid-params"'
    api POST /api/v1/users.resetTOTP '{"username":"ghost-user"}' \
        -H 'X-2FA-Method: password' -H "X-2FA-Code: $(sha256hex "$ADMIN_PASS")"
    [ "$STATUS" = 400 ]
    jq_is '.errorType == "error-invalid-user"'
    logout_local
    api POST /api/v1/users.resetTOTP '{}'
    [ "$STATUS" = 401 ]
}

@test "method.call refuses bad messages, other methods and anonymous callers" {
    login_as admin "$ADMIN_PASS"
    api POST /api/v1/method.call/2fa:enable '{}'
    [ "$STATUS" = 400 ]
    api POST /api/v1/method.call/2fa:enable '{"message":"not json"}'
    [ "$STATUS" = 400 ]
    api POST /api/v1/method.call/2fa:enable '{"message":"{\"msg\":\"method\",\"id\":\"1\",\"method\":\"2fa:disable\",\"params\":[]}"}'
    [ "$STATUS" = 400 ]
    method_call deleteUser '["x"]'
    [ "$STATUS" = 400 ]
    logout_local
    method_call 2fa:enable
    [ "$STATUS" = 401 ]
}

@test "the TOTP secret never appears in a response other than 2fa:enable" {
    create_user tf14 tf14-pass-1
    enable_totp tf14 tf14-pass-1
    for path in /api/v1/me "/api/v1/users.info?username=tf14"; do
        api GET "$path"
        ! grep -qF "$SECRET" <<<"$BODY"
    done
    ! grep -qF "$SECRET" "$RCD_DIR/rcd.log"
}
