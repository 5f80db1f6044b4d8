#!/usr/bin/env bats
# Completion: the hidden `rcctl __complete` (rcctl/command.c) at every
# depth, with options, profile, user and room names from a real rcd; the
# bash, zsh and fish scripts in completions/ over it; and the checks that
# keep the rows honest: every option a command parses is in its synopsis,
# and every command's --help starts with examples.

load helpers

setup_file() {
    need_rcd_file=1
    have_rcd && rcd_start
    # walk the table once: every runnable command, one a line
    export CMDS="$BATS_FILE_TMPDIR/commands"
    walk() {
        local w
        for w in $("$RCCTL" __complete "$@" ""); do
            if "$RCCTL" help "$@" "$w" | grep -q '^Commands:'; then
                walk "$@" "$w"
            else
                echo "$* $w" | sed 's/^ //'
            fi
        done
    }
    HOME="$BATS_FILE_TMPDIR" walk >"$CMDS"
}
teardown_file() { have_rcd && rcd_stop; }
setup() { rcctl_env; }

# Log in as the admin and make users alice, albert and rooms.
seed_names() {
    need_rcd
    login_rcd_admin
    login_as "$ADMIN_USER" "$ADMIN_PASS"
    for u in alice albert; do
        api GET "/api/v1/users.info?username=$u"
        [ "$STATUS" = 200 ] || create_user "$u" "pw-$u-123456"
    done
    for r in c:alpha-chan p:alpha-group c:beta-chan; do
        api GET "/api/v1/rooms.info?roomName=${r#*:}"
        [ "$STATUS" = 200 ] && continue
        if [ "${r%%:*}" = c ]; then ep=channels.create; else ep=groups.create; fi
        api POST "/api/v1/$ep" "{\"name\":\"${r#*:}\"}"
        [ "$STATUS" = 200 ] || { echo "$BODY" >&2; return 1; }
    done
}

@test "the walk found the commands of every depth" {
    grep -qx login "$CMDS"
    grep -qx 'user create' "$CMDS"
    grep -qx 'user 2fa reset' "$CMDS"
    grep -qx 'channel kick' "$CMDS"
    grep -qx shell "$CMDS"
    ! grep -q __complete "$CMDS"
    [ "$(wc -l <"$CMDS")" -gt 50 ]
}

@test "__complete: commands at each depth, by prefix" {
    run_rcctl __complete us
    [ "$output" = user ]
    run_rcctl __complete user ""
    grep -qx create <<<"$output"
    grep -qx deactivate-idle <<<"$output"
    grep -qx 2fa <<<"$output"
    run_rcctl __complete user de
    [ "$output" = "$(printf 'deactivate\ndeactivate-idle\ndelete')" ]
    run_rcctl __complete user 2fa r
    [ "$output" = reset ]
    # a prefix of the group word is matched as the command line would
    run_rcctl __complete chan ki
    [ "$output" = kick ]
    run_rcctl __complete user nonsense ""
    [ "$status" = 0 ]
    [ -z "$output" ]
}

@test "__complete: global flags and the command's own options" {
    run_rcctl __complete user list --
    grep -qx -- --status <<<"$output"
    grep -qx -- --idle-days <<<"$output"
    grep -qx -- --format <<<"$output"
    grep -qx -- --profile <<<"$output"
    ! grep -qx -- --password-file <<<"$output"
    run_rcctl __complete user list --idle
    [ "$output" = --idle-days ]
    run_rcctl __complete export --page
    [ "$output" = --page-size ]
    # after a flag that takes a value, no commands are offered
    run_rcctl __complete --timeout ""
    [ -z "$output" ]
    run_rcctl __complete -o j
    [ "$output" = json ]
    run_rcctl __complete --format nd
    [ "$output" = ndjson ]
    # global flags before the words do not disturb the walk
    run_rcctl __complete -v --profile x user c
    [ "$output" = create ]
}

@test "__complete: profile names for profile arguments and --profile" {
    mkdir -p "$XDG_CONFIG_HOME/rcctl"
    printf '[profile "prod"]\nurl = https://a.example\n[profile "test"]\nurl = https://b.example\n' >"$CONFIG"
    chmod 600 "$CONFIG"
    run_rcctl __complete profile use ""
    [ "$output" = "$(printf 'prod\ntest')" ]
    run_rcctl __complete profile remove t
    [ "$output" = test ]
    run_rcctl __complete --profile p
    [ "$output" = prod ]
    # a config open to others would warn, but completion prints nothing else
    chmod 644 "$CONFIG"
    run_rcctl __complete profile use p
    [ "$output" = prod ]
    [ -z "$stderr" ]
}

@test "__complete: user names from the server for <user> and --user USER" {
    seed_names
    run_rcctl __complete user info al
    [ "$status" = 0 ] || { show; false; }
    [ "$output" = "$(printf 'albert\nalice')" ] || { show; false; }
    run_rcctl __complete user deactivate --dry-run alb
    [ "$output" = albert ]
    run_rcctl __complete group add-owner --user ali
    [ "$output" = alice ]
    # the second positional of kick is a user, the first a channel
    run_rcctl __complete channel kick alpha-chan ali
    [ "$output" = alice ]
    # an option's value is not counted as a positional argument
    run_rcctl __complete channel kick --from list.txt alp
    [ "$output" = alpha-chan ]
    run_rcctl __complete channel kick --from list.txt ali
    [ -z "$output" ]
    # a new user's name is not completed
    run_rcctl __complete user create ""
    [ -z "$output" ]
}

@test "__complete: room names by kind from rooms.get" {
    seed_names
    run_rcctl __complete channel info al
    [ "$output" = alpha-chan ] || { show; false; }
    run_rcctl __complete group info al
    [ "$output" = alpha-group ]
    run_rcctl __complete room recover alpha
    [ "$output" = "$(printf 'alpha-chan\nalpha-group')" ] || { show; false; }
    run_rcctl __complete channel kick be
    [ "$output" = beta-chan ]
}

@test "__complete caches names for a while, 0600, and is silent without a server" {
    seed_names
    run_rcctl __complete user info ali
    [ "$output" = alice ]
    cache=$(ls "$HOME/.cache/rcctl"/names-*)
    [ -n "$cache" ]
    for f in $cache; do [ "$(stat -c %a "$f")" = 600 ]; done
    [ "$(stat -c %a "$HOME/.cache/rcctl")" = 700 ]
    # a user made now is not seen until the cache is a minute old
    api POST /api/v1/users.create '{"username":"alicia","email":"alicia@example.com","password":"pw-alicia-1","name":"A"}'
    [ "$STATUS" = 200 ]
    run_rcctl __complete user info ali
    [ "$output" = alice ]
    touch -d '2 minutes ago' $cache
    run_rcctl __complete user info ali
    [ "$output" = "$(printf 'alice\nalicia')" ]
    # XDG_CACHE_HOME is honoured
    XDG_CACHE_HOME="$BATS_TEST_TMPDIR/xc" run_rcctl __complete user info ali
    ls "$BATS_TEST_TMPDIR/xc/rcctl"/names-* >/dev/null
    # no server: no candidates, no message, exit 0, quickly
    RCCTL_URL=$(dead_url) RCCTL_USER_ID=x RCCTL_TOKEN=y \
        XDG_CACHE_HOME="$BATS_TEST_TMPDIR/none" run_rcctl __complete user info a
    [ "$status" = 0 ]
    [ -z "$output" ]
    [ -z "$stderr" ]
}

@test "bash: the script fills COMPREPLY from __complete" {
    PATH="$(dirname "$RCCTL"):$PATH"
    source "$TOP/completions/rcctl.bash"
    [ "$(complete -p rcctl)" = "complete -o default -F _rcctl rcctl" ]
    COMP_WORDS=(rcctl user de) COMP_CWORD=2
    _rcctl
    [ "${COMPREPLY[*]}" = "deactivate deactivate-idle delete" ]
    COMP_WORDS=(rcctl user list --idl) COMP_CWORD=3
    _rcctl
    [ "${COMPREPLY[*]}" = --idle-days ]
    COMP_WORDS=(rcctl profile "") COMP_CWORD=2
    _rcctl
    [ "${COMPREPLY[*]}" = "list use remove" ]
    # the cursor in the middle: words after it are ignored
    COMP_WORDS=(rcctl us info) COMP_CWORD=1
    _rcctl
    [ "${COMPREPLY[*]}" = user ]
}

@test "bash: user names through the script" {
    seed_names
    PATH="$(dirname "$RCCTL"):$PATH"
    source "$TOP/completions/rcctl.bash"
    COMP_WORDS=(rcctl user info alb) COMP_CWORD=3
    _rcctl
    [ "${COMPREPLY[*]}" = albert ]
}

@test "zsh: the script hands __complete's candidates to compadd" {
    command -v zsh >/dev/null || skip "zsh is not installed"
    PATH="$(dirname "$RCCTL"):$PATH"
    run zsh -fc 'compadd() { print -l -- "${@[2,-1]}"; }
                 _files() { print FILES; }
                 words=(rcctl user de) CURRENT=3
                 source "$1"
                 words=(rcctl user list "--idl") CURRENT=4
                 source "$1"
                 words=(rcctl "\"pro\"") CURRENT=2
                 source "$1"
                 words=(rcctl user create --password-file "") CURRENT=5
                 source "$1"' zsh "$TOP/completions/_rcctl"
    [ "$status" = 0 ]
    [ "$output" = "$(printf 'deactivate\ndeactivate-idle\ndelete\n--idle-days\nprofile\nFILES')" ]
    head -1 "$TOP/completions/_rcctl" | grep -qx '#compdef rcctl'
}

@test "fish: complete -C offers __complete's candidates" {
    command -v fish >/dev/null || skip "fish is not installed"
    PATH="$(dirname "$RCCTL"):$PATH"
    run fish -c "set fish_complete_path $TOP/completions
                 complete -C 'rcctl us'
                 complete -C 'rcctl user c'
                 complete -C 'rcctl user list --idl'"
    [ "$status" = 0 ]
    [ "$output" = "$(printf 'user\ncreate\n--idle-days')" ]
}

@test "every option a command parses is in its synopsis, with its value" {
    cc -shared -fPIC -o "$BATS_TEST_TMPDIR/probe.so" "$TOP/tests/rcctl/getopt_probe.c"
    globals=$("$RCCTL" __complete -- | sed 's/^--//')
    bad=0
    while read -r cmd; do
        # the options getopt_long is given (name has_arg), before any work
        probe=$(LD_PRELOAD="$BATS_TEST_TMPDIR/probe.so" \
            ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0 \
            "$RCCTL" $cmd --zz-probe </dev/null 2>/dev/null || true)
        grep -qx END <<<"$probe" || { echo "$cmd: getopt_long not called first" >&2; bad=1; continue; }
        usage=$("$RCCTL" help $cmd | grep '^usage:' || true)
        declared=$("$RCCTL" __complete $cmd -- | sed 's/^--//' | { grep -vxF "$globals" || true; })
        while read -r name arg; do
            [ -n "$name" ] && [ "$name" != END ] || continue
            if grep -qxF "$name" <<<"$declared"; then
                # a value in the synopsis exactly when getopt wants one
                if [[ "$usage" =~ --$name[\ =][^]\[\(\|\<-] ]]; then has=1; else has=0; fi
                [ "$has" = "$arg" ] || { echo "$cmd: --$name value $arg, synopsis says $has" >&2; bad=1; }
            else
                # parsed but not declared: must be refused, by name
                v=(); [ "$arg" = 1 ] && v=(x)
                run --separate-stderr "$RCCTL" $cmd "--$name" "${v[@]}" </dev/null
                if [ "$status" != 2 ] || ! grep -q -- "--$name" <<<"$stderr"; then
                    echo "$cmd: --$name is parsed but not in the synopsis" >&2; bad=1
                fi
            fi
        done <<<"$probe"
        # declared but not parsed
        for name in $declared; do
            grep -q "^$name " <<<"$probe" || { echo "$cmd: --$name declared, not parsed" >&2; bad=1; }
        done
    done <"$CMDS"
    [ "$bad" = 0 ]
}

@test "every command's --help shows its examples first" {
    bad=0
    while read -r cmd; do
        run --separate-stderr "$RCCTL" $cmd --help
        [ "$status" = 0 ] || { echo "$cmd --help: status $status" >&2; bad=1; continue; }
        [ "$(sed -n 3p <<<"$output")" = Examples: ] || { echo "$cmd: no examples first" >&2; bad=1; }
        sed -n 4p <<<"$output" | grep -qE '^  (rcctl|#|[A-Z_]+=|[a-z]+ .*\| rcctl)' ||
            { echo "$cmd: examples do not start with a command" >&2; bad=1; }
    done <"$CMDS"
    [ "$bad" = 0 ]
}
