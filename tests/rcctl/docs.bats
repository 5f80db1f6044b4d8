#!/usr/bin/env bats
# The man pages in docs/: rcctl.1 is what `rcctl __man` prints from the
# command table (so it cannot drift), rcd.8 names every option of
# `rcd --help`; both render without warnings; `make install` lays out the
# binaries, man pages and completions.

load helpers

setup() { rcctl_env; }

@test "docs/rcctl.1 is what 'rcctl __man' prints (run 'make docs' if not)" {
    run_rcctl __man
    [ "$status" = 0 ]
    diff -u "$TOP/docs/rcctl.1" <(printf '%s\n' "$output")
}

@test "rcctl.1 has every section, global flag and visible command" {
    run_rcctl __man
    for s in NAME SYNOPSIS DESCRIPTION 'GLOBAL OPTIONS' COMMANDS 'EXIT STATUS' \
             ENVIRONMENT FILES EXAMPLES 'SEE ALSO'; do
        grep -qx "\.SH $s" <<<"$output" || { echo "no section $s" >&2; false; }
    done
    for f in $("$RCCTL" __complete -- | sed 's/^--//'); do
        grep -qF -- "\\fB\\-\\-${f//-/\\-}\\fR" <<<"$output" || { echo "no --$f" >&2; false; }
    done
    # one .SS per command the completion walk reaches, none hidden
    for cmd in "user create" "user 2fa reset" "channel kick" "shell" "export"; do
        grep -qx ".SS \"rcctl $cmd\"" <<<"$output" || { echo "no $cmd" >&2; false; }
    done
    ! grep -q '__complete\|__man' <<<"$output"
    for code in 0 1 2 3 4 5 6 7; do grep -qx ".B $code" <<<"$output"; done
    grep -q 'rcd (8)' <<<"$output"
}

@test "both man pages render without warnings" {
    for page in "$TOP/docs/rcctl.1" "$TOP/docs/rcd.8"; do
        run groff -man -ww -z "$page"
        [ "$status" = 0 ] && [ -z "$output" ] || { echo "$page: $output" >&2; false; }
        if command -v man >/dev/null; then
            warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
            [ -z "$warn" ] || { echo "$page: $warn" >&2; false; }
        fi
    done
}

@test "rcd.8 documents every long option of 'rcd --help'" {
    run "$RCD_BIN" --help
    [ "$status" = 0 ]
    opts=$(grep -oE -- '--[a-z][a-z-]+' <<<"$output" | sort -u)
    [ "$(wc -l <<<"$opts")" -gt 8 ]
    for o in $opts; do
        grep -qF -- "\\fB${o//-/\\-}\\fR" "$TOP/docs/rcd.8" || { echo "rcd.8 lacks $o" >&2; false; }
    done
    for s in backup restore OVERWRITE_SETTING_ SIGTERM 'EXIT STATUS' 'make run'; do
        grep -q "$s" "$TOP/docs/rcd.8" || { echo "rcd.8 lacks $s" >&2; false; }
    done
}

@test "make install DESTDIR=... PREFIX=/usr lays out binaries, man pages, completions" {
    dest="$BATS_TEST_TMPDIR/root"
    build=$(dirname "$RCCTL")
    run make -C "$TOP" --no-print-directory install DESTDIR="$dest" PREFIX=/usr \
        BUILD="${build#$TOP/}"
    [ "$status" = 0 ] || { echo "$output" >&2; false; }
    for f in bin/rcd bin/rcctl; do [ -x "$dest/usr/$f" ]; done
    cmp "$dest/usr/share/man/man1/rcctl.1" "$TOP/docs/rcctl.1"
    cmp "$dest/usr/share/man/man8/rcd.8" "$TOP/docs/rcd.8"
    cmp "$dest/usr/share/bash-completion/completions/rcctl" "$TOP/completions/rcctl.bash"
    cmp "$dest/usr/share/zsh/vendor-completions/_rcctl" "$TOP/completions/_rcctl"
    cmp "$dest/usr/share/fish/vendor_completions.d/rcctl.fish" "$TOP/completions/rcctl.fish"
    [ "$(stat -c %a "$dest/usr/share/man/man1/rcctl.1")" = 644 ]
    # the installed page is readable by man
    MANWIDTH=80 man -l "$dest/usr/share/man/man1/rcctl.1" 2>/dev/null | grep -q 'rcctl user create'
}
