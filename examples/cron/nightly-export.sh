#!/bin/sh
# nightly-export.sh: export every room you can read to dated CSV and JSON
# files, for cron. Resumable: run it again after an interruption (a reboot,
# a killed job, the server gone for a while) and it goes on where it
# stopped, keeping the rooms already written. Keeps the last N days and
# prunes older dated folders, but only after a complete export.
#
#   nightly-export.sh [--dir DIR] [--keep DAYS] [--formats "csv json"]
#                     [--date YYYY-MM-DD] [--profile NAME]
#
# Each flag has an environment variable (the flag wins):
#   EXPORT_DIR      where the dated folders go     (default: /var/backups/rcd-export)
#   EXPORT_KEEP     days of folders to keep, today included (default: 14)
#   EXPORT_FORMATS  any of csv json ndjson         (default: "csv json")
#   EXPORT_DATE     the folder's date              (default: today, local time)
#   RCCTL           the rcctl program              (default: rcctl)
# The server and login come from rcctl itself: a profile (--profile,
# RCCTL_PROFILE or the current one), or RCCTL_URL + RCCTL_USER_ID +
# RCCTL_TOKEN_FILE. rcctl keeps its checkpoints under
# $XDG_STATE_HOME/rcctl/exports/ (else ~/.local/state), so give a cron job
# or a systemd service a HOME it can write.
#
# What it writes, for DATE:
#   DIR/DATE/csv/ROOM.csv   + ROOM.csv.manifest.json, manifest.json
#   DIR/DATE/json/ROOM.json + ROOM.json.manifest.json, manifest.json
#   DIR/DATE/export.log     rcctl's notes, one line per room
#   DIR/DATE/SUMMARY        rooms, messages and bytes per format; written
#                           last, so its presence means the day is done
# The summary also goes to stdout (cron mails it); errors go to stderr and
# rcctl's exit status is passed on (3: some rooms failed, 5: login or
# permission, 7: server unreachable; see 'rcctl --help').
#
# crontab, every night at 02:30:
#   30 2 * * *  /usr/local/share/rcctl/examples/cron/nightly-export.sh --dir /srv/chat-export --keep 30

set -u

dir=${EXPORT_DIR:-/var/backups/rcd-export}
keep=${EXPORT_KEEP:-14}
formats=${EXPORT_FORMATS:-csv json}
day=${EXPORT_DATE:-$(date +%F)}
rcctl=${RCCTL:-rcctl}
me=nightly-export

usage() {
    echo "usage: $me [--dir DIR] [--keep DAYS] [--formats \"csv json\"] [--date YYYY-MM-DD] [--profile NAME]" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case $1 in
    --dir) [ $# -ge 2 ] || usage; dir=$2; shift ;;
    --keep) [ $# -ge 2 ] || usage; keep=$2; shift ;;
    --formats) [ $# -ge 2 ] || usage; formats=$2; shift ;;
    --date) [ $# -ge 2 ] || usage; day=$2; shift ;;
    --profile) [ $# -ge 2 ] || usage; RCCTL_PROFILE=$2; export RCCTL_PROFILE; shift ;;
    -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "$me: unknown argument '$1'" >&2; usage ;;
    esac
    shift
done
case $keep in
''|0|*[!0-9]*) echo "$me: --keep wants a number of days (1 or more), not '$keep'" >&2; exit 2 ;;
esac
case $day in
[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]) ;;
*) echo "$me: --date wants YYYY-MM-DD, not '$day'" >&2; exit 2 ;;
esac
for f in $formats; do
    case $f in
    csv|json|ndjson) ;;
    *) echo "$me: unknown format '$f' (csv, json, ndjson)" >&2; exit 2 ;;
    esac
done
command -v jq >/dev/null || { echo "$me: needs jq for the summary" >&2; exit 1; }

# chat histories are personal data: the folders are for the backup user only
umask 077
out=$dir/$day
mkdir -p "$out" || exit 1

if [ -f "$out/SUMMARY" ]; then
    exit 0                          # done already today: nothing to mail
fi

# One pass per format. --resume keeps the files a previous, interrupted run
# finished and continues a room it was in the middle of, from rcctl's
# checkpoint; on a first run there is nothing to resume and it starts.
rc=0
for f in $formats; do
    echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) $f" >>"$out/export.log"
    "$rcctl" export --all "$out/$f" --format "$f" --resume 2>>"$out/export.log"
    frc=$?
    if [ "$frc" != 0 ]; then
        rc=$frc
        tail -n 20 "$out/export.log" | grep '^rcctl: error' >&2
        echo "$me: the $f export of $day failed (exit $frc); run me again to resume; log: $out/export.log" >&2
        # no login or no server: the other formats would fail the same way
        case $frc in 5|7|137|130|143) exit "$frc" ;; esac
    fi
done
[ "$rc" = 0 ] || exit "$rc"

# The summary, from the manifests rcctl wrote (counts and checksums).
{
    echo "Chat export of $day in $out"
    for f in $formats; do
        jq -r --arg f "$f" '"\($f): \(.rooms | length) rooms, \([.rooms[].messages] | add // 0) messages, \([.rooms[].bytes] | add // 0) bytes"' \
            "$out/$f/manifest.json"
    done
} >"$out/SUMMARY.part" && mv "$out/SUMMARY.part" "$out/SUMMARY" || exit 1

# Prune only now that today's export is whole: a server that is down for a
# week must not eat the last good exports.
cutoff=$(date -d "$day -$((keep - 1)) days" +%F) || exit 1
pruned=0
for d in "$dir"/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]; do
    [ -d "$d" ] || continue
    name=${d##*/}
    if [ "$(printf '%s\n%s\n' "$name" "$cutoff" | sort | head -n 1)" = "$name" ] &&
       [ "$name" != "$cutoff" ]; then
        rm -rf -- "$d" && pruned=$((pruned + 1))
    fi
done
echo "pruned $pruned folders older than $cutoff (keeping $keep days)" >>"$out/SUMMARY"
cat "$out/SUMMARY"
