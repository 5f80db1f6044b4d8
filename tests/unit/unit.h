/*
 * A minimal unit-test harness: each tests/unit/test_*.c exports a
 * NULL-terminated table of named test functions; main.c runs them all and
 * prints TAP ("ok 3 buf_addf grows"), then "N passed, M failed".
 */
#ifndef RCD_TESTS_UNIT_H
#define RCD_TESTS_UNIT_H

struct unit_test {
    const char *name;
    void (*fn)(void);
};

void unit_fail(const char *file, int line, const char *what);

/* Record a failure and leave the test function. */
#define CHECK(cond) \
    do { if (!(cond)) { unit_fail(__FILE__, __LINE__, #cond); return; } } while (0)
#define CHECK_STR(a, b) CHECK(unit_streq((a), (b)))

/* Both non-NULL and equal. */
int unit_streq(const char *a, const char *b);

extern const struct unit_test buf_tests[];
extern const struct unit_test crypto_tests[];
extern const struct unit_test time_tests[];
extern const struct unit_test store_tests[];
extern const struct unit_test http_tests[];
extern const struct unit_test output_tests[];

#endif
