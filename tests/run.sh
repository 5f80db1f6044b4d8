#!/usr/bin/env bash
# Run every suite against the binaries in BUILD (default build/): the C unit
# tests, then the bats suites. Ends with one line "N passed, M failed" and
# writes the same to BUILD/test-summary. Exit status 1 if anything failed.
set -u
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
export RCD_BIN=$top/$build/rcd RCCTL_BIN=$top/$build/rcctl
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
out=$(mktemp)
pass=0 fail=0

count() {   # count TAP lines in $out
    local p f
    p=$(grep -cE '^ok ' "$out")
    f=$(grep -cE '^not ok ' "$out")
    pass=$((pass + p)) fail=$((fail + f))
}

echo "== unit tests ($build)"
"$build/test_unit" | tee "$out"
[ "${PIPESTATUS[0]}" -le 1 ] || echo "not ok - unit test binary crashed" | tee -a "$out"
count

suites=()
for d in tests/rcd tests/rcctl tests/examples; do
    ls "$d"/*.bats >/dev/null 2>&1 && suites+=("$d")
done
if [ ${#suites[@]} -gt 0 ]; then
    echo "== bats ${suites[*]} ($build)"
    # files run side by side (each starts its own rcd on its own port),
    # the tests of one file in order; RCD_TEST_JOBS=1 serialises
    jobs=${RCD_TEST_JOBS:-$(( $(nproc) + 1 ))}
    par=()
    if [ "$jobs" -gt 1 ] && command -v parallel >/dev/null; then
        par=(--jobs "$jobs" --no-parallelize-within-files)
    fi
    bats --tap "${par[@]}" "${suites[@]}" | tee "$out"
    count
fi
rm -f "$out"
echo "$pass passed, $fail failed" >"$build/test-summary"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
