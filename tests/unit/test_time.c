/* ISO-8601 formatting and parsing. */
#include <string.h>

#include "../../shared/timeutil.h"
#include "unit.h"

static void iso_time_has_millis_and_z(void)
{
    char s[ISO_TIME_LEN + 1];

    iso_time(1696981246093LL, s);
    CHECK_STR(s, "2023-10-10T23:40:46.093Z");
    iso_time(0, s);
    CHECK_STR(s, "1970-01-01T00:00:00.000Z");
}

static void iso_parse_reads_forms_rocket_chat_accepts(void)
{
    int64_t ms;

    CHECK(iso_parse("2023-10-10T23:40:46.093Z", &ms) == 0 &&
          ms == 1696981246093LL);
    CHECK(iso_parse("2023-10-10T23:40:46Z", &ms) == 0 &&
          ms == 1696981246000LL);
    CHECK(iso_parse("2023-10-10", &ms) == 0 && ms == 1696896000000LL);
    CHECK(iso_parse("2023-10-11T01:40:46.093+02:00", &ms) == 0 &&
          ms == 1696981246093LL);
}

static void iso_parse_rejects_garbage(void)
{
    int64_t ms;

    CHECK(iso_parse("", &ms) == -1);
    CHECK(iso_parse("yesterday", &ms) == -1);
    CHECK(iso_parse("2023-13-01", &ms) == -1);
    CHECK(iso_parse("2023-10-10T25:00:00Z", &ms) == -1);
    CHECK(iso_parse("2023-10-10T10:00:00Zjunk", &ms) == -1);
}

static void iso_round_trips(void)
{
    char s[ISO_TIME_LEN + 1];
    int64_t ms;

    iso_time(1767225599999LL, s);
    CHECK(iso_parse(s, &ms) == 0 && ms == 1767225599999LL);
}

const struct unit_test time_tests[] = {
    { "iso_time has millis and Z", iso_time_has_millis_and_z },
    { "iso_parse reads the forms Rocket.Chat accepts", iso_parse_reads_forms_rocket_chat_accepts },
    { "iso_parse rejects garbage", iso_parse_rejects_garbage },
    { "iso_time and iso_parse round-trip", iso_round_trips },
    { NULL, NULL },
};
