/* Runs every unit-test table and prints TAP plus a summary line. */
#include <stdio.h>
#include <string.h>

#include "../../shared/json.h"
#include "../../shared/log.h"
#include "unit.h"

static int failed_now;

void unit_fail(const char *file, int line, const char *what)
{
    printf("# %s:%d: check failed: %s\n", file, line, what);
    failed_now = 1;
}

int unit_streq(const char *a, const char *b)
{
    if (a && b && strcmp(a, b) == 0)
        return 1;
    printf("# \"%s\" != \"%s\"\n", a ? a : "(null)", b ? b : "(null)");
    return 0;
}

static const struct unit_test *const suites[] = {
    buf_tests, crypto_tests, time_tests, store_tests,
    http_tests, output_tests,
};

int main(void)
{
    int n = 0, failed = 0;

    json_setup();
    log_set_level(LOG_ERROR);
    for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
        for (const struct unit_test *t = suites[s]; t->name; t++) {
            failed_now = 0;
            t->fn();
            n++;
            failed += failed_now;
            printf("%s %d %s\n", failed_now ? "not ok" : "ok", n, t->name);
        }
    }
    printf("# %d passed, %d failed\n", n - failed, failed);
    return failed ? 1 : 0;
}
