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

static const char *wall_clock_text(int64_t pg_us)
{
    static char buf[PG_DATETIME_TEXT_MAX + 1];
    buf[tide_pg_wall_clock_text(buf, pg_us)] = '\0';
    return buf;
}

/* A timestamp's binary value (since 2000-01-01) as PostgreSQL prints it,
   over PostgreSQL's whole range: for errors about values tide cannot hold. */
static void test_wall_clocks(void)
{
    CHECK_STR(wall_clock_text(0), "2000-01-01 00:00:00");
    CHECK_STR(wall_clock_text(-1), "1999-12-31 23:59:59.999999");
    CHECK_STR(wall_clock_text(INT64_C(-211813488000000000)), "4714-11-24 00:00:00 BC");
    CHECK_STR(wall_clock_text(INT64_C(9223371331199999999)), "294276-12-31 23:59:59.999999");
    /* tide's last instant, and the microsecond after it */
    CHECK_STR(wall_clock_text(INT64_MAX - 1 - INT64_C(946684800000000)),
              "294247-01-10 04:00:54.775806");
    CHECK_STR(wall_clock_text(INT64_MAX - INT64_C(946684800000000)),
              "294247-01-10 04:00:54.775807");
}

TEST_MAIN(TEST(test_dates), TEST(test_timestamps), TEST(test_wall_clocks))
