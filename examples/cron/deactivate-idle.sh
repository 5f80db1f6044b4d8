#!/bin/sh
# deactivate-idle.sh: deactivate the users of a role who have been idle for
# N days, for cron. First a preview into a log file, then a safety cap, then
# the change. Quiet when there is nothing to do, so cron mails only when
# something happened: a plain-text summary on stdout, errors on stderr, and
# rcctl's exit status passed on (0 ok, 1 refused or failed, 3 some failed,
# 5 login or permission, 7 server unreachable; see 'rcctl --help').
#
#   deactivate-idle.sh [--role ROLE] [--days N] [--max N] [--log FILE]
#                      [--profile NAME] [--dry-run]
#
# Each flag has an environment variable (the flag wins):
#   IDLE_ROLE  role whose users are checked           (default: user)
#   IDLE_DAYS  days without a login                   (default: 365)
#   IDLE_MAX   refuse, changing nothing, above this   (default: 50)
#   IDLE_LOG   preview and result log, appended       (default:
#              $XDG_STATE_HOME/rcctl/deactivate-idle.log)
#   RCCTL      the rcctl program                      (default: rcctl)
# The server and login come from rcctl itself: a profile (--profile,
# RCCTL_PROFILE or the current one), or RCCTL_URL + RCCTL_USER_ID +
# RCCTL_TOKEN_FILE (a personal access token of an admin).
#
# crontab, Mondays at 06:15:
#   MAILTO=ops@example.com
#   15 6 * * 1  /usr/local/share/rcctl/examples/cron/deactivate-idle.sh --role user --max 20

set -u

role=${IDLE_ROLE:-user}
days=${IDLE_DAYS:-365}
max=${IDLE_MAX:-50}
log=${IDLE_LOG:-${XDG_STATE_HOME:-${HOME:-/nonexistent}/.local/state}/rcctl/deactivate-idle.log}
rcctl=${RCCTL:-rcctl}
dry_run=0
me=deactivate-idle

usage() {
    echo "usage: $me [--role ROLE] [--days N] [--max N] [--log FILE] [--profile NAME] [--dry-run]" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case $1 in
    --role) [ $# -ge 2 ] || usage; role=$2; shift ;;
    --days) [ $# -ge 2 ] || usage; days=$2; shift ;;
    --max) [ $# -ge 2 ] || usage; max=$2; shift ;;
    --log) [ $# -ge 2 ] || usage; log=$2; shift ;;
    --profile) [ $# -ge 2 ] || usage; RCCTL_PROFILE=$2; export RCCTL_PROFILE; shift ;;
    -n|--dry-run) dry_run=1 ;;
    -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "$me: unknown argument '$1'" >&2; usage ;;
    esac
    shift
done
for n in "$days" "$max"; do
    case $n in
    ''|*[!0-9]*) echo "$me: --days and --max want whole numbers, not '$n'" >&2; exit 2 ;;
    esac
done

# the log and the temporary files name people: keep them private
umask 077
mkdir -p "$(dirname "$log")" || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/$me.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

stamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }
users() { if [ "$1" = 1 ]; then echo "1 user"; else echo "$1 users"; fi; }
cols=username,lastLogin,createdAt

# 1. The preview: exactly who would go, with the last login, into the log.
"$rcctl" -o tsv --columns "$cols" user deactivate-idle \
    --days "$days" --role "$role" --dry-run >"$tmp/preview" 2>"$tmp/preview.err"
rc=$?
{
    echo "== $(stamp) preview: role '$role', idle $days days, max $max"
    cat "$tmp/preview" "$tmp/preview.err"
} >>"$log"
if [ "$rc" != 0 ]; then
    cat "$tmp/preview.err" >&2
    echo "$me: the preview failed (exit $rc); nothing changed; log: $log" >&2
    exit "$rc"
fi
n=$(($(wc -l <"$tmp/preview") - 1))
[ "$n" -gt 0 ] || exit 0            # nothing to do: no output, no mail

# 2. The safety cap: a mass deactivation is more likely a mistake (a wrong
# role, a clock, a broken import of last logins) than a wish.
if [ "$n" -gt "$max" ]; then
    {
        echo "$me: refusing: $(users "$n") with role '$role' have been idle for $days days, more than the cap of $max; nothing changed."
        echo "$me: raise --max (IDLE_MAX) if that is right; the users:"
        sed 's/^/  /' "$tmp/preview"
    } >&2
    echo "== $(stamp) refused: $(users "$n"), more than $max" >>"$log"
    exit 1
fi
if [ "$dry_run" = 1 ]; then
    echo "Would deactivate $(users "$n") with role '$role', idle for $days days:"
    sed 's/^/  /' "$tmp/preview"
    exit 0
fi

# 3. The change. rcctl looks again and applies the cap again, so users who
# logged in since the preview are spared and the cap holds.
"$rcctl" -o tsv --columns "$cols" user deactivate-idle \
    --days "$days" --role "$role" --max "$max" --yes >"$tmp/done" 2>"$tmp/done.err"
rc=$?
{
    echo "== $(stamp) change: exit $rc"
    cat "$tmp/done" "$tmp/done.err"
} >>"$log"
changed=$(grep -c "^rcctl: deactivated user " "$tmp/done.err")
if [ "$changed" -gt 0 ]; then
    echo "Deactivated $(users "$changed") with role '$role', idle for $days days:"
    grep "^rcctl: deactivated user " "$tmp/done.err" |
        sed "s/^rcctl: deactivated user '\(.*\)'\$/\1/" |
        while IFS= read -r u; do
            awk -F '\t' -v u="$u" 'NR > 1 && $1 == u { print "  " $0 }' "$tmp/done"
        done
    grep -E '[0-9]+ changed, [0-9]+ unchanged, [0-9]+ failed' "$tmp/done.err" | sed 's/^rcctl: //'
    echo "Log: $log"
fi
if [ "$rc" != 0 ]; then
    grep -v "^rcctl: deactivated user " "$tmp/done.err" >&2
    echo "$me: rcctl exited with $rc; log: $log" >&2
fi
exit "$rc"
