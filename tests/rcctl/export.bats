#!/usr/bin/env bats
# rcctl/cmd/export.c against a real rcd: csv read back by a strict RFC 4180
# reader, json, ndjson, --since/--until, a group and a DM, --force, an
# interrupted export resumed byte for byte, the manifest, --all. The
# server caps pages at 7 here, so every export spans pages.

load helpers

setup_file() {
    rcd_file_start OVERWRITE_SETTING_API_Upper_Count_Limit=7 \
        OVERWRITE_SETTING_Message_MaxAllowedSize=20000
}
teardown_file() { rcd_file_stop; }
setup() {
    rcd_test_env
    cd "$BATS_TEST_TMPDIR"
}

# fill ROOMID N: N messages "m1".."mN"
fill() {
    for i in $(seq 1 "$2"); do post "$1" "m$i" || return 1; done
}
# the non-system texts of an ndjson export, in order
ndtexts() { jq -r 'select(.text | startswith("m")) | .text' "$1"; }

TRICKY=(
    'plain'
    'with, commas, inside'
    'with "double" quotes'
    $'two\nlines\r\nand CRLF'
    'emoji 🚀 and ümlaut'
    '=1+2 formula-like'
    ''
)

@test "export csv: a strict RFC 4180 reader reads back every field" {
    rid=$(mkroom c ex-csv)
    big=$(python3 -c 'print("x" * 10240, end="")')
    for t in "${TRICKY[@]}"; do
        [ -z "$t" ] && continue
        post "$rid" "$t"
    done
    post "$rid" "$big"
    fill "$rid" 12
    login_rcd_admin
    run_rcctl export '#ex-csv' --output out.csv
    [ "$status" = 0 ] || { show; false; }
    [ -f out.csv.manifest.json ]
    python3 - out.csv "$big" "${TRICKY[@]}" <<'EOF'
import csv, sys
path, big, tricky = sys.argv[1], sys.argv[2], [t for t in sys.argv[3:] if t]
with open(path, newline='', encoding='utf-8') as f:
    rows = list(csv.reader(f, strict=True))
head = rows[0]
assert head == ['id','timestamp','username','name','text','thread_id','edited','attachments'], head
texts = [r[4] for r in rows[1:] if r[4] and not r[4].startswith('ex-')]
want = tricky + [big] + ['m%d' % i for i in range(1, 13)]
# the channel's system messages (if any) are not in want
texts = [t for t in texts if t in want]
assert texts == want, (len(texts), len(want), texts[:3])
for r in rows[1:]:
    assert len(r) == 8, r
    assert r[1].endswith('Z') and len(r[1]) == 24, r[1]
ts = [r[1] for r in rows[1:]]
assert ts == sorted(ts), 'not oldest first'
EOF
    # the file ends in CRLF rows
    [ "$(tail -c 2 out.csv | od -An -c | tr -d ' ')" = '\r\n' ]
}

@test "export json is one array document, ndjson one object a line, same order" {
    rid=$(mkroom c ex-json)
    fill "$rid" 20
    login_rcd_admin
    run_rcctl export ex-json --format json --output out.json
    [ "$status" = 0 ] || { show; false; }
    run_rcctl export ex-json --format ndjson --output out.ndjson
    [ "$status" = 0 ] || { show; false; }
    jq -e 'type == "array"' out.json
    n=$(jq length out.json)
    [ "$(wc -l <out.ndjson)" = "$n" ]
    [ "$(jq -c '.[]' out.json)" = "$(jq -c . out.ndjson)" ]
    [ "$(ndtexts out.ndjson | tr '\n' ' ')" = "$(seq -f 'm%g' 1 20 | tr '\n' ' ')" ]
    jq -e 'all(.[]; has("id") and has("timestamp") and has("username") and has("attachments"))' out.json
    [ "$(jq -r '.messages' out.ndjson.manifest.json)" = "$n" ]
    # -o is --format, as everywhere
    run_rcctl export ex-json -o ndjson
    [ "$status" = 0 ] || { show; false; }
    [ "$output" = "$(cat out.ndjson)" ]
}

@test "export of an empty range: csv header only, json []" {
    mkroom c ex-empty >/dev/null
    login_rcd_admin
    run_rcctl export ex-empty --until 2001-01-01 --format json --output e.json
    [ "$status" = 0 ] || { show; false; }
    [ "$(jq -c . e.json)" = "[]" ]
    run_rcctl export ex-empty --until 2001-01-01 --output e.csv
    [ "$status" = 0 ] || { show; false; }
    [ "$(cat e.csv)" = $'id,timestamp,username,name,text,thread_id,edited,attachments\r' ]
}

@test "export --since/--until keep the messages of the range, bounds included" {
    rid=$(mkroom c ex-range)
    fill "$rid" 10
    # day i of January 2024 for message mi
    for i in $(seq 1 10); do
        db "UPDATE messages SET ts = $(( 1704067200000 + (i - 1) * 86400000 )) WHERE msg = 'm$i' AND room_rid = (SELECT rid FROM rooms WHERE id = '$rid')"
    done
    login_rcd_admin
    run_rcctl export ex-range --since 2024-01-03 --until 2024-01-07 --format ndjson --output r.ndjson
    [ "$status" = 0 ] || { show; false; }
    [ "$(ndtexts r.ndjson | tr '\n' ' ')" = "m3 m4 m5 m6 m7 " ]
    [ "$(jq -r '.range.since' r.ndjson.manifest.json)" = 2024-01-03T00:00:00.000Z ]
    [ "$(jq -r '.range.first' r.ndjson.manifest.json)" = 2024-01-03T00:00:00.000Z ]
    [ "$(jq -r '.range.last' r.ndjson.manifest.json)" = 2024-01-07T00:00:00.000Z ]
    run_rcctl export ex-range --since 2024-02-01 --until 2024-01-01
    [ "$status" = 2 ]
}

@test "export keeps messages that share a millisecond across page bounds" {
    rid=$(mkroom c ex-ties)
    fill "$rid" 20
    db "UPDATE messages SET ts = 1704067200000 WHERE room_rid = (SELECT rid FROM rooms WHERE id = '$rid') AND msg IN ('m5','m6','m7','m8','m9','m10','m11','m12','m13')"
    login_rcd_admin
    run_rcctl export ex-ties --format ndjson --page-size 4 --output t.ndjson
    [ "$status" = 0 ] || { show; false; }
    [ "$(ndtexts t.ndjson | sort -V | tr '\n' ' ')" = "$(seq -f 'm%g' 1 20 | tr '\n' ' ')" ]
    [ "$(jq -r .id t.ndjson | sort | uniq -d)" = "" ]
}

@test "export a private group and a DM (@user)" {
    create_user ex-bob pw-ex-bob
    rid=$(mkroom p ex-secret)
    fill "$rid" 9
    admin_api POST /api/v1/chat.postMessage '{"channel":"@ex-bob","text":"m1"}'
    [ "$STATUS" = 200 ]
    admin_api POST /api/v1/chat.postMessage '{"channel":"@ex-bob","text":"m2"}'
    login_rcd_admin
    run_rcctl export ex-secret --format ndjson --output g.ndjson
    [ "$status" = 0 ] || { show; false; }
    [ "$(ndtexts g.ndjson | wc -l)" = 9 ]
    [ "$(jq -r .room.type g.ndjson.manifest.json)" = group ]
    run_rcctl export @ex-bob --format ndjson --output dm.ndjson
    [ "$status" = 0 ] || { show; false; }
    [ "$(ndtexts dm.ndjson | tr '\n' ' ')" = "m1 m2 " ]
    [ "$(jq -r .room.type dm.ndjson.manifest.json)" = dm ]
    run_rcctl export no-such-room --output x.csv
    [ "$status" = 4 ] || { show; false; }
    [ ! -e x.csv ]
    run_rcctl export @nobody-here --output x.csv
    [ "$status" = 4 ] || { show; false; }
}

@test "export refuses to overwrite without --force (exit 6)" {
    rid=$(mkroom c ex-force)
    fill "$rid" 3
    login_rcd_admin
    echo keep >f.csv
    run_rcctl export ex-force --output f.csv
    [ "$status" = 6 ] || { show; false; }
    grep -q -- --force <<<"$stderr"
    [ "$(cat f.csv)" = keep ]
    run_rcctl export ex-force --output f.csv --force
    [ "$status" = 0 ] || { show; false; }
    grep -q m3 f.csv
}

@test "an interrupted export resumed gives the same bytes; manifest sha256 matches" {
    rid=$(mkroom c ex-resume)
    fill "$rid" 25
    login_rcd_admin
    run_rcctl export ex-resume --page-size 3 --output whole.csv
    [ "$status" = 0 ] || { show; false; }
    # killed (SIGKILL) right after its second page
    RCCTL_TEST_EXPORT_KILL_AFTER=2 run_rcctl export ex-resume --page-size 3 --output part.csv
    [ "$status" = 137 ] || { show; false; }
    [ ! -e part.csv ]
    ls "$XDG_STATE_HOME"/rcctl/exports/*/state.json
    # without --resume the file is not there yet; with it, it goes on
    run_rcctl export ex-resume --page-size 3 --output part.csv --resume
    [ "$status" = 0 ] || { show; false; }
    grep -q "resuming the export of 'ex-resume' after 6 messages" <<<"$stderr"
    cmp whole.csv part.csv
    [ "$(jq -r .sha256 part.csv.manifest.json)" = "$(sha256sum part.csv | cut -d' ' -f1)" ]
    [ "$(jq -r .bytes part.csv.manifest.json)" = "$(stat -c %s part.csv)" ]
    [ "$(jq -r .messages part.csv.manifest.json)" = "$(python3 -c 'import csv,sys; print(len(list(csv.reader(open(sys.argv[1],newline=""),strict=True)))-1)' part.csv)" ]
    jq -e '.room.id == "'"$rid"'" and .room.name == "ex-resume" and .room.type == "channel" and .rcctl_version and .finished_at' part.csv.manifest.json
    # the checkpoint is gone once done
    [ -z "$(ls "$XDG_STATE_HOME"/rcctl/exports/)" ]
}

@test "a json export killed mid-way, restarted, then resumed: same bytes" {
    rid=$(mkroom c ex-resume2)
    fill "$rid" 10
    login_rcd_admin
    run_rcctl export ex-resume2 --format json --output whole.json
    [ "$status" = 0 ] || { show; false; }
    RCCTL_TEST_EXPORT_KILL_AFTER=1 run_rcctl export ex-resume2 --format json --output p.json
    [ "$status" = 137 ]
    # the next run without --resume starts over, and says so
    RCCTL_TEST_EXPORT_KILL_AFTER=1 run_rcctl export ex-resume2 --format json --output p.json
    [ "$status" = 137 ]
    grep -q "starting the unfinished export" <<<"$stderr"
    run_rcctl export ex-resume2 --format json --output p.json --resume
    [ "$status" = 0 ] || { show; false; }
    cmp whole.json p.json
}

@test "export --all DIR: one file per readable room and one manifest" {
    login_rcd_admin
    run_rcctl export --all out --format ndjson
    [ "$status" = 0 ] || { show; false; }
    [ -f out/manifest.json ]
    n=$(jq '.rooms | length' out/manifest.json)
    [ "$n" -ge 3 ]
    [ "$(ls out/*.ndjson | wc -l)" = "$n" ]
    jq -e '.rooms | all(.sha256 and .messages >= 0 and .file)' out/manifest.json
    for f in $(jq -r '.rooms[] | .file + " " + .sha256' out/manifest.json | tr ' ' ':'); do
        [ "$(sha256sum "out/${f%%:*}" | cut -d' ' -f1)" = "${f##*:}" ]
    done
    # again: exists, no --force -> every room conflicts
    run_rcctl export --all out --format ndjson
    [ "$status" = 6 ] || { show; false; }
    # --resume keeps what is done
    run_rcctl export --all out --format ndjson --resume
    [ "$status" = 0 ] || { show; false; }
    # several named rooms go to a folder
    run_rcctl export ex-json ex-secret --output two
    [ "$status" = 0 ] || { show; false; }
    [ -f two/ex-json.csv ] && [ -f two/ex-secret.csv ] && [ -f two/manifest.json ]
}

@test "export usage errors" {
    login_rcd_admin
    run_rcctl export
    [ "$status" = 2 ]
    run_rcctl export a b
    [ "$status" = 2 ]
    run_rcctl export a --resume
    [ "$status" = 2 ]
    run_rcctl export a -o table
    [ "$status" = 2 ]
    run_rcctl export a --page-size 0
    [ "$status" = 2 ]
}
