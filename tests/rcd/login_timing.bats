#!/usr/bin/env bats
# Login must not tell, by its timing, whether an account exists.

load ../lib/rcd

setup_file() { rcd_start RCD_BCRYPT_COST=11; }
teardown_file() { rcd_stop; }

@test "the unknown-user answer takes as long as a wrong password (dummy bcrypt)" {
    # not a timing benchmark: proves a bcrypt runs for unknown users too, by
    # comparing medians of 9 tries at a cost where bcrypt dominates
    med() { sort -n | sed -n 5p; }
    t_wrong=$(for i in $(seq 9); do curl -s -o /dev/null -w '%{time_total}\n' \
        -H 'Content-Type: application/json' -d '{"user":"admin","password":"nope"}' \
        "$RCD_URL/api/v1/login"; done | med)
    t_unknown=$(for i in $(seq 9); do curl -s -o /dev/null -w '%{time_total}\n' \
        -H 'Content-Type: application/json' -d '{"user":"ghost","password":"nope"}' \
        "$RCD_URL/api/v1/login"; done | med)
    echo "wrong password ${t_wrong}s, unknown user ${t_unknown}s"
    awk -v a="$t_wrong" -v b="$t_unknown" 'BEGIN { exit !(b > a / 2 && a > b / 2) }'
}

