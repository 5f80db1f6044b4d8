#!/usr/bin/env bats
# rcctl/shell.c: `rcctl shell` with lines from a pipe and, through a pty,
# with readline: commands against a real rcd, errors that do not end it,
# quoting, global flags per line, history and the exit status.

load helpers

setup_file() { have_rcd && rcd_start; }
teardown_file() { have_rcd && rcd_stop; }
setup() { rcctl_env; }

# shell_in TEXT [FLAGS...]: run `rcctl [FLAGS] shell` with TEXT on stdin.
shell_in() {
    local text=$1
    shift
    printf '%s\n' "$text" >"$BATS_TEST_TMPDIR/in"
    run_rcctl_in "$BATS_TEST_TMPDIR/in" "$@" shell
}

@test "piped lines run against rcd, one after the other, on one login" {
    need_rcd
    login_rcd_admin
    shell_in "whoami -o tsv --no-header --columns username
user create bob bob@example.com --password-file $BATS_TEST_TMPDIR/pw --verified
user info bob --columns username,active -o tsv --no-header"
    [ "$status" = 0 ] || { show; false; }
    [ "$(head -1 <<<"$output")" = "$ADMIN_USER" ]
    [ "$(tail -1 <<<"$output")" = "$(printf 'bob\ttrue')" ]
    # no prompt when stdin is not a terminal
    ! grep -q 'rcctl.*>' <<<"$output"
}

@test "a failing command prints its error and the shell goes on; status of the last failure" {
    need_rcd
    login_rcd_admin
    shell_in "user info no-such-user
nonsense
whoami --columns username --no-header -o tsv"
    [ "$status" = 2 ] || { show; false; }
    grep -q "rcctl: error: cannot get user 'no-such-user'" <<<"$stderr"
    grep -q "'nonsense' is not a command" <<<"$stderr"
    [ "$output" = "$ADMIN_USER" ]
    shell_in "nonsense
user info no-such-user"
    [ "$status" = 4 ]
    shell_in "whoami -q"
    [ "$status" = 0 ]
}

@test "quoting: single, double, backslash; no command substitution" {
    need_rcd
    login_rcd_admin
    shell_in "channel create 'sh room'
channel create \"sh-room2\"
channel list --columns name --no-header -o tsv
message post sh-room2 \"it's \\\"quoted\\\"\"
message post sh-room2 a\\ b
message history sh-room2 --columns msg --no-header -o tsv
user info \$(whoami)
user info \`id\`"
    grep -qx 'sh-room2' <<<"$output" || { show; false; }
    grep -qx "it's \"quoted\"" <<<"$output"
    grep -qx "a b" <<<"$output"
    [ "$(grep -c 'command substitution is not allowed' <<<"$stderr")" = 2 ]
    # "sh room" was one word: rcd refuses the space, it was not two rooms
    ! grep -qx room <<<"$output"
    [ "$status" != 0 ]
}

@test "global flags per line and from before 'shell'; exit and comments" {
    need_rcd
    login_rcd_admin
    shell_in "# a comment
whoami
whoami -o csv
exit
whoami --no-such-flag" --columns username --no-header -o tsv
    [ "$status" = 0 ] || { show; false; }
    [ "$(sed -n 1p <<<"$output")" = "$ADMIN_USER" ]
    [ "$(sed -n 2p <<<"$output")" = "$ADMIN_USER"$'\r' ]
    [ "$(wc -l <<<"$output")" = 2 ]
    # the flags of one line do not stick to the next
    shell_in "--url $(dead_url) info
info -o json"
    [ "$status" = 7 ] || { show; false; }
    grep -q "cannot reach 'http://127.0.0.1:" <<<"$stderr"
    [ "$(jq -r .version <<<"$output")" != null ]
    # a nested shell is refused
    shell_in "shell"
    [ "$status" = 1 ]
    grep -q 'already in the shell' <<<"$stderr"
}

@test "login and profile use in the shell take effect on the next line" {
    need_rcd
    printf '%s\n' "$ADMIN_PASS" >"$BATS_TEST_TMPDIR/pw"
    shell_in "whoami
login --url $RCD_URL --user $ADMIN_USER --password-file $BATS_TEST_TMPDIR/pw --profile p1
whoami --columns username --no-header -o tsv"
    [ "$status" = 5 ] || { show; false; }
    [ "$output" = "$ADMIN_USER" ]
}

# pty_shell SCRIPT: drive `rcctl shell` on a pty with python3; SCRIPT is
# "send TEXT" / "expect REGEX" lines; prints what the terminal showed.
pty_shell() {
    python3 - "$RCCTL" "$1" <<'EOF'
import os, pty, re, sys, time, select
rcctl, script = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "dumb"
    os.execv(rcctl, [rcctl, "shell"])
seen = b""
def expect(rx, timeout=10):
    global seen
    end = time.time() + timeout
    while time.time() < end:
        if re.search(rx.encode(), seen, re.S):
            return
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
    sys.stdout.write(seen.decode(errors="replace"))
    sys.exit("timed out waiting for %r" % rx)
for line in script.splitlines():
    op, _, arg = line.strip().partition(" ")
    if op == "send":
        os.write(fd, arg.encode().decode("unicode_escape").encode())
    elif op == "expect":
        expect(arg)
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
EOF
}

@test "on a terminal: prompt with profile and last status, tab completion, Ctrl-C, history" {
    need_rcd
    login_rcd_admin
    run pty_shell 'expect rcctl\(127\.0\.0\.1:[0-9]+\)> 
send us\t
expect user 
send info --id nobody-id\r
expect \)\[4\]> 
send whoami -o tsv --no-header --columns username\r
expect admin\r?\n.*\)> 
send half a line
expect half a line
send \x03
expect half a line.*\)> 
send  whoami\r
expect admin.*admin.*\)> 
send settings get X --password secret\r
expect \)\[2\]> 
send exit\r'
    [ "$status" = 2 ] || { echo "$output"; false; }
    grep -q 'rcctl(127.0.0.1:[0-9]*)\[4\]> ' <<<"$output"
    hist="$XDG_STATE_HOME/rcctl/history"
    [ "$(stat -c %a "$hist")" = 600 ]
    # tab completion reached the history as the completed line
    grep -qx 'user info --id nobody-id' "$hist" || { cat "$hist"; false; }
    grep -qx 'whoami -o tsv --no-header --columns username' "$hist"
    # not recorded: the line with a leading space, the secret, the abandoned line
    ! grep -q 'password' "$hist"
    ! grep -q 'half a line' "$hist"
    [ "$(grep -c whoami "$hist")" = 1 ]
    grep -qx exit "$hist"
}

@test "history is capped and an existing file is made 0600" {
    mkdir -p "$XDG_STATE_HOME/rcctl"
    hist="$XDG_STATE_HOME/rcctl/history"
    seq 1 1500 | sed 's/^/old /' >"$hist"
    chmod 644 "$hist"
    run pty_shell 'expect > 
send new line\r
expect > 
send exit\r'
    [ "$(stat -c %a "$hist")" = 600 ]
    [ "$(wc -l <"$hist")" -le 1000 ]
    grep -qx 'new line' "$hist"
    grep -qx 'old 1500' "$hist"
}
