/* Unit tests of time_zone.c: zone names as Spark's getZoneId reads them,
   regions' offsets against glibc's, which reads the same tzdata (before
   the table, in it, and past its end, where the table repeats), java.time's
   resolution of local times in gaps and overlaps, ids refused again once
   refused, and regions loaded and read by several threads at once. */
#include "check.h"
#include "time_zone.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static int32_t offset_of(const char *id, int *ok)
{
    tide_zone fixed;
    const tide_zone *z;
    *ok = tide_zone_lookup(id, strlen(id), &fixed, &z) == 0;
    return *ok ? tide_zone_offset(z, 0) : 0;
}

static const tide_zone *zone(const char *id)
{
    static tide_zone fixed;
    const tide_zone *z = NULL;
    CHECK(tide_zone_lookup(id, strlen(id), &fixed, &z) == 0);
    return z;
}

static void names_are_spark_s(void)
{
    static const struct {
        const char *id;
        int32_t offset;
    } valid[] = {
        {"Z", 0},
        {"UTC", 0},
        {"GMT", 0},
        {"UT", 0},
        {" UTC ", 0},
        {"+02:00", 7200},
        {"-08:00", -28800},
        {"+1", 3600},
        {"-0530", -19800},
        {"+01:00:30", 3630},
        {"UTC+1", 3600},
        {"GMT-05:30", -19800},
        {"UT+2", 7200},
        {"+1:00", 3600},
        {"UTC+01:5", 3900},
        {"EST", -18000},
        {"MST", -25200},
        {"HST", -36000},
        {"+18:00", 64800},
        {"Etc/UTC", 0},
        {"GMT0", 0},
        {"Asia/Kolkata", 19800},
        {"Etc/GMT+5", -18000},
    };
    for (size_t i = 0; i < sizeof valid / sizeof *valid; i++) {
        int ok;
        int32_t off = offset_of(valid[i].id, &ok);
        if (!ok || off != valid[i].offset)
            fprintf(stderr, "  %s: ok %d offset %d\n", valid[i].id, ok, (int)off);
        CHECK(ok && off == valid[i].offset);
    }
    static const char *const invalid[] = {
        "",
        "utc",
        "z",
        "+19:00",
        "+18:01",
        "UTC+",
        "GMT+1:",
        "Europe/Pariss",
        "europe/paris",
        "posixrules",
        "localtime",
        "Factory",
        "right/Europe/Paris",
        "posix/Europe/Paris",
        "../zoneinfo/UTC",
        "Europe/../Europe/Paris",
        "Europe//Paris",
        "1",
        "zone.tab",
        "Mars/Olympus_Mons",
    };
    for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++) {
        int ok;
        offset_of(invalid[i], &ok);
        if (ok) fprintf(stderr, "  %s: taken\n", invalid[i]);
        CHECK(!ok);
    }
    /* Java's short ids name regions: PST is Los Angeles, with its DST. */
    const tide_zone *pst = zone("PST"), *la = zone("America/Los_Angeles");
    CHECK(pst == la);
    CHECK(tide_zone_offset(la, 1719835200) == -25200); /* 2024-07-01 12:00Z */
    CHECK(tide_zone_offset(la, 1704110400) == -28800); /* 2024-01-01 12:00Z */
}

static int32_t glibc_offset(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    return localtime_r(&tt, &tm) ? (int32_t)tm.tm_gmtoff : INT32_MIN;
}

/* An instant from 1000-01-01 to 9999-12-31 (past the table's end, where
   it repeats). */
static int64_t any_instant(void)
{
    return -30610224000LL +
           (int64_t)(((uint64_t)rand() << 31 ^ (uint64_t)rand()) % 284012438400ULL);
}

static const char *const table_ids[] = {
    "Europe/Paris",        "America/Los_Angeles", "Australia/Lord_Howe", "Africa/Casablanca",
    "Asia/Gaza",           "Pacific/Apia",        "America/Santiago",    "Europe/Dublin",
    "Asia/Kolkata",        "America/St_Johns",    "America/Nuuk",        "Asia/Jerusalem",
    "America/Mexico_City", "Africa/Cairo"};

/* Every region's table gives what glibc gives (both read the system's
   tzdata), at instants spread over nine millennia and on either side of
   each transition. */
static void offsets_agree_with_glibc_s(void)
{
    printf("  tzdb %s\n", tide_zone_data_version());
    CHECK(strcmp(tide_zone_data_version(), "unknown") != 0);
    srand(7);
    for (size_t i = 0; i < sizeof table_ids / sizeof *table_ids; i++) {
        const tide_zone *z = zone(table_ids[i]);
        if (!z) continue;
        char tz[64];
        snprintf(tz, sizeof tz, ":%s", table_ids[i]);
        setenv("TZ", tz, 1);
        tzset();
        int bad = 0;
        for (int k = 0; k < 20000 && bad < 3; k++) {
            int64_t t = any_instant();
            if (tide_zone_offset(z, t) != glibc_offset(t)) {
                fprintf(stderr, "  %s at %lld: %d, glibc %d\n", table_ids[i], (long long)t,
                        (int)tide_zone_offset(z, t), (int)glibc_offset(t));
                bad++;
            }
        }
        for (int32_t k = 0; k < z->count && bad < 3; k++) {
            int64_t at = z->at[k];
            if (tide_zone_offset(z, at - 1) != glibc_offset(at - 1) ||
                tide_zone_offset(z, at) != glibc_offset(at) ||
                tide_zone_offset(z, at - 1) == tide_zone_offset(z, at)) {
                fprintf(stderr, "  %s at transition %lld\n", table_ids[i], (long long)at);
                bad++;
            }
        }
        CHECK(bad == 0);
        CHECK(z->count > 0);
    }
    unsetenv("TZ");
    tzset();
}

/* Rule changes since 2022 are there: Mexico City keeps -06:00 all year
   from 2023 on, Cairo has daylight saving time again from 2023, and
   America/Ciudad_Juarez (added in 2022) is known. */
static void recent_rules_are_there(void)
{
    CHECK(tide_zone_offset(zone("America/Mexico_City"), 1688212800) == -21600); /* 2023-07-01 */
    CHECK(tide_zone_offset(zone("Africa/Cairo"), 1688212800) == 10800);
    int ok;
    offset_of("America/Ciudad_Juarez", &ok);
    CHECK(ok);
}

/* 2024's transitions of Paris (gap 02:00-03:00 on 31 March, overlap
   02:00-03:00 on 27 October), Los Angeles and Santiago (whose gap hides
   midnight), resolved as ZonedDateTime.of and atStartOfDay resolve them. */
static void gaps_and_overlaps_resolve_as_java(void)
{
    const tide_zone *paris = zone("Europe/Paris"), *la = zone("America/Los_Angeles");
    const tide_zone *santiago = zone("America/Santiago");
    int64_t mar31 = 1711843200, oct27 = 1729987200; /* local midnights, as UTC seconds */
    /* Before, in and after the gap: 02:30 becomes 03:30 CEST. */
    CHECK(tide_zone_utc(paris, mar31 + 5400, TIDE_ZONE_EARLIER) == mar31 + 1800);
    CHECK(tide_zone_utc(paris, mar31 + 9000, TIDE_ZONE_EARLIER) == mar31 + 5400);
    CHECK(tide_zone_utc(paris, mar31 + 12600, TIDE_ZONE_EARLIER) == mar31 + 5400);
    /* In the overlap the earlier offset (+02:00), or the later when preferred. */
    CHECK(tide_zone_utc(paris, oct27 + 9000, TIDE_ZONE_EARLIER) == oct27 + 1800);
    CHECK(tide_zone_utc(paris, oct27 + 9000, 3600) == oct27 + 5400);
    CHECK(tide_zone_utc(paris, oct27 + 9000, 7200) == oct27 + 1800);
    CHECK(tide_zone_utc(paris, oct27 + 12600, 7200) == oct27 + 9000);
    /* Los Angeles: 2024-03-10 02:30 is 03:30 PDT; 2024-11-03 01:30 is PDT's. */
    CHECK(tide_zone_utc(la, 1710037800, TIDE_ZONE_EARLIER) == 1710066600);
    CHECK(tide_zone_utc(la, 1730597400, TIDE_ZONE_EARLIER) == 1730622600);
    /* Santiago's 2024-09-08 starts at 01:00 -03 (04:00Z). */
    CHECK(tide_zone_day_start(santiago, 1725753600) == 1725768000);
    CHECK(tide_zone_day_start(paris, mar31) == mar31 - 3600);
    /* Past the table's end the rule repeats: 2999-03-31 02:30 Paris is a gap too
       (the last Sunday of March 2999 is the 31st). */
    int64_t mar31_2999 = 32479833600LL;
    CHECK(tide_zone_utc(paris, mar31_2999 + 9000, TIDE_ZONE_EARLIER) == mar31_2999 + 5400);
    CHECK(tide_zone_offset(paris, mar31_2999 + 3600) == 7200);
    CHECK(tide_zone_offset(paris, mar31_2999 + 3599) == 3600);
    /* A fixed zone has neither. */
    tide_zone plus2 = {.fixed = 7200};
    CHECK(tide_zone_utc(&plus2, mar31 + 9000, TIDE_ZONE_EARLIER) == mar31 + 1800);
    CHECK(tide_zone_day_start(&plus2, mar31) == mar31 - 7200);
}

/* An unknown id is refused every time (the first refusal is remembered),
   and so are ids past the number remembered; known ids still load. */
static void refused_ids_stay_refused(void)
{
    int ok;
    for (int k = 0; k < 3; k++) {
        offset_of("AM", &ok);
        CHECK(!ok);
    }
    char id[32];
    for (int k = 0; k < 1000; k++) {
        snprintf(id, sizeof id, "Mars/Crater_%d", k);
        offset_of(id, &ok);
        CHECK(!ok);
    }
    offset_of("Mars/Crater_7", &ok);
    CHECK(!ok);
    CHECK(offset_of("Asia/Tokyo", &ok) == 32400 && ok);
    CHECK(offset_of("Asia/Tokyo", &ok) == 32400 && ok);
    offset_of("AM", &ok);
    CHECK(!ok);
}

/* Threads that load different regions at once and convert in them get
   what one thread gets; unknown ids refused on several threads at once
   stay refused. */
static const char *const thread_ids[] = {"Asia/Tokyo", "America/New_York", "Europe/Berlin",
                                         "Australia/Sydney"};
static void *convert(void *arg)
{
    const char *id = arg;
    tide_zone fixed;
    const tide_zone *z;
    int64_t sum = 0;
    if (tide_zone_lookup(id, strlen(id), &fixed, &z) != 0) return (void *)1;
    char bogus[32];
    for (int k = 0; k < 50; k++) {
        snprintf(bogus, sizeof bogus, "Mars/Valley_%d", k);
        const tide_zone *none;
        if (tide_zone_lookup(bogus, strlen(bogus), &fixed, &none) == 0) return (void *)1;
    }
    for (int64_t t = 1600000000; t < 1800000000; t += 3607)
        sum += tide_zone_offset(z, t) + tide_zone_utc(z, t, TIDE_ZONE_EARLIER) - t;
    return (void *)(intptr_t)(sum & 0x7fffffff);
}

static void threads_share_regions(void)
{
    pthread_t th[8];
    void *got[8];
    for (int i = 0; i < 8; i++)
        pthread_create(&th[i], NULL, convert, (void *)thread_ids[i % 4]);
    for (int i = 0; i < 8; i++)
        pthread_join(th[i], &got[i]);
    for (int i = 0; i < 4; i++) {
        CHECK(got[i] == got[i + 4]);
        CHECK(got[i] == convert((void *)thread_ids[i]));
    }
}

TEST_MAIN(TEST(names_are_spark_s), TEST(offsets_agree_with_glibc_s), TEST(recent_rules_are_there),
          TEST(refused_ids_stay_refused), TEST(gaps_and_overlaps_resolve_as_java),
          TEST(threads_share_regions))
