/* Dates and timestamps as PostgreSQL's text output gives them (DateStyle
   ISO), without a server: what a COPY into a text column stores. */
#include <stdint.h>
#include <string.h>

#include "calendar.h"
#include "check.h"
#include "pg_conn.h"
#include "time_zone.h"

static const char *date_text(int64_t y, int m, int d)
{
    static char buf[PG_DATETIME_TEXT_MAX + 1];
    buf[tide_pg_date_text(buf, (int32_t)days_from_civil(y, m, d))] = '\0';
    return buf;
}

static const char *timestamp_text(int64_t us, const char *zone)
{
    static char buf[PG_DATETIME_TEXT_MAX + 1];
    const tide_zone *z = zone ? tide_time_zone_find(zone, strlen(zone)) : NULL;
    CHECK(zone == NULL || z != NULL);
    buf[tide_pg_timestamp_text(buf, us, z)] = '\0';
    return buf;
}

static void test_dates(void)
{
    CHECK_STR(date_text(1970, 1, 1), "1970-01-01");
    CHECK_STR(date_text(2024, 3, 10), "2024-03-10");
    CHECK_STR(date_text(1, 1, 1), "0001-01-01");
    CHECK_STR(date_text(0, 12, 31), "0001-12-31 BC"); /* year 0 is 1 BC */
    CHECK_STR(date_text(-43, 3, 15), "0044-03-15 BC");
    CHECK_STR(date_text(10000, 1, 1), "10000-01-01");
    char buf[PG_DATETIME_TEXT_MAX];
    CHECK(tide_pg_date_text(buf, INT32_MAX) == 8 && memcmp(buf, "infinity", 8) == 0);
    CHECK(tide_pg_date_text(buf, INT32_MIN) == 9 && memcmp(buf, "-infinity", 9) == 0);
}

static void test_timestamps(void)
{
    int64_t noon = days_from_civil(2024, 7, 1) * 86400 * INT64_C(1000000) +
                   INT64_C(45296500000); /* 12:34:56.5 */
    CHECK_STR(timestamp_text(noon, NULL), "2024-07-01 12:34:56.5+00");
    CHECK_STR(timestamp_text(noon, "Europe/Paris"), "2024-07-01 14:34:56.5+02");
    CHECK_STR(timestamp_text(noon, "Asia/Kolkata"), "2024-07-01 18:04:56.5+05:30");
    CHECK_STR(timestamp_text(noon, "America/Sao_Paulo"), "2024-07-01 09:34:56.5-03");
    CHECK_STR(timestamp_text(120, NULL), "1970-01-01 00:00:00.00012+00");
    CHECK_STR(timestamp_text(-1, NULL), "1969-12-31 23:59:59.999999+00");
    /* a local mean time's offset has seconds */
    CHECK_STR(
        timestamp_text(days_from_civil(1900, 1, 1) * 86400 * INT64_C(1000000), "Europe/Paris"),
        "1900-01-01 00:09:21+00:09:21");
    CHECK_STR(timestamp_text(days_from_civil(-43, 3, 15) * 86400 * INT64_C(1000000), NULL),
              "0044-03-15 00:00:00+00 BC");
    CHECK_STR(timestamp_text(INT64_MAX, "Europe/Paris"), "infinity");
    CHECK_STR(timestamp_text(INT64_MIN, NULL), "-infinity");
}

TEST_MAIN(TEST(test_dates), TEST(test_timestamps))
