/* Unit tests of columnar batches, decimals and timestamps. */
#include "batch.h"
#include "check.h"
#include "digits.h"

#include <time.h>

static void fixed_width_columns_grow_and_track_nulls(void)
{
    tide_batch *b = tide_batch_new(1);
    tide_column *c = &b->columns[0];
    CHECK(tide_column_init(b, c, "n", TIDE_INT64, 0) == 0);
    for (int64_t i = 0; i < 1000; i++) {
        if (i % 7 == 0) CHECK(tide_column_append_null(b, c) == 0);
        else CHECK(tide_column_append_fixed(b, c, &i) == 0);
    }
    CHECK(tide_batch_finish(b) == 0);
    CHECK(b->num_rows == 1000);
    CHECK(c->null_count == 143);
    const int64_t *v = c->values;
    CHECK(v[999] == 999 && tide_column_is_valid(c, 999));
    CHECK(!tide_column_is_valid(c, 994));
    CHECK(tide_column_is_valid(c, 1));
    tide_batch_free(b);
}

static void string_columns_keep_offsets_and_bytes(void)
{
    tide_batch *b = tide_batch_new(1);
    tide_column *c = &b->columns[0];
    CHECK(tide_column_init(b, c, "s", TIDE_STRING, 0) == 0);
    char text[64];
    for (int i = 0; i < 500; i++) {
        int n = snprintf(text, sizeof text, "value-%d", i);
        CHECK(tide_column_append_bytes(b, c, text, n) == 0);
    }
    CHECK(tide_column_append_null(b, c) == 0);
    CHECK(tide_batch_finish(b) == 0);
    int32_t len;
    const char *s = tide_column_bytes(c, 321, &len);
    CHECK(len == 9 && memcmp(s, "value-321", 9) == 0);
    tide_column_bytes(c, 500, &len);
    CHECK(len == 0 && !tide_column_is_valid(c, 500));
    tide_batch_free(b);
}

static void struct_children_stay_aligned(void)
{
    tide_batch *b = tide_batch_new(1);
    tide_column *s = &b->columns[0];
    CHECK(tide_column_init_struct(b, s, "data", 2) == 0);
    CHECK(tide_column_init(b, &s->children[0], "x", TIDE_INT32, 0) == 0);
    CHECK(tide_column_init(b, &s->children[1], "y", TIDE_STRING, 0) == 0);
    int32_t x = 5;
    CHECK(tide_column_append_fixed(b, &s->children[0], &x) == 0);
    CHECK(tide_column_append_bytes(b, &s->children[1], "a", 1) == 0);
    CHECK(tide_column_append_fixed(b, s, NULL) == 0);
    CHECK(tide_column_append_null(b, s) == 0);
    CHECK(tide_batch_finish(b) == 0);
    CHECK(b->num_rows == 2 && s->null_count == 1);
    CHECK(tide_column_is_valid(s, 0) && !tide_column_is_valid(s, 1));
    CHECK(!tide_column_is_valid(&s->children[0], 1));
    tide_batch_free(b);
}

static void mismatched_lengths_are_refused(void)
{
    tide_batch *b = tide_batch_new(2);
    CHECK(tide_column_init(b, &b->columns[0], "a", TIDE_INT32, 0) == 0);
    CHECK(tide_column_init(b, &b->columns[1], "b", TIDE_INT32, 0) == 0);
    int32_t v = 1;
    CHECK(tide_column_append_fixed(b, &b->columns[0], &v) == 0);
    CHECK(tide_batch_finish(b) != 0);
    CHECK(tide_column_init(b, &b->columns[0], "bad", 999, 0) != 0);
    tide_batch_free(b);
}

static void decimal_round_trip(const char *in, int scale, const char *out)
{
    unsigned char v[16];
    char buf[48];
    CHECK(tide_decimal_parse(in, strlen(in), scale, v) == 0);
    tide_decimal_format(v, scale, buf);
    CHECK_STR(buf, out);
}

static void decimals_are_exact_beyond_64_bits(void)
{
    decimal_round_trip("10000169349117863715", 0, "10000169349117863715");
    decimal_round_trip("18446744073709551615", 0, "18446744073709551615");
    decimal_round_trip("99999999999999999999999999999999999999", 0,
                       "99999999999999999999999999999999999999");
    decimal_round_trip("-12.5", 3, "-12.500");
    decimal_round_trip("0.0049", 2, "0.00");
    decimal_round_trip("0.005", 2, "0.01");
    decimal_round_trip("+7", 0, "7");
    decimal_round_trip(".5", 1, "0.5");
    unsigned char v[16];
    CHECK(tide_decimal_parse("100000000000000000000000000000000000000", 39, 0, v) != 0);
    CHECK(tide_decimal_parse("1e5", 3, 0, v) != 0);
    CHECK(tide_decimal_parse("", 0, 0, v) != 0);
    CHECK(tide_decimal_parse("-", 1, 0, v) != 0);
    CHECK(tide_decimal_parse("1.2.3", 5, 0, v) != 0);
}

/* Every digit count, around the 64-bit fast paths' edges (19 digits, 2^64)
   and past them, with signs, leading zeros and scales. */
static void decimals_at_every_length(void)
{
    char in[40], want[48];
    for (int digits = 1; digits <= 38; digits++) {
        for (int d = 1; d <= 9; d += 4) {
            memset(in, '0' + d, (size_t)digits);
            in[digits] = '\0';
            decimal_round_trip(in, 0, in);
            snprintf(want, sizeof want, "-%s", in);
            decimal_round_trip(want, 0, want);
            snprintf(want, sizeof want, "%s.00", in);
            if (digits <= 36) decimal_round_trip(in, 2, want);
        }
    }
    decimal_round_trip("9999999999999999999", 0, "9999999999999999999");
    decimal_round_trip("18446744073709551616", 0, "18446744073709551616"); /* 2^64 */
    decimal_round_trip("-18446744073709551616", 0, "-18446744073709551616");
    decimal_round_trip("00000000000000000001", 0, "1");
    decimal_round_trip("000000000000000000000000000000000000000000007", 0, "7");
    decimal_round_trip("1.5", 0, "2");
    decimal_round_trip("-0", 0, "0");
    decimal_round_trip("0.05", 3, "0.050");
    decimal_round_trip("-0.05", 3, "-0.050");
    decimal_round_trip("123456789012345678.9", 1, "123456789012345678.9");
    unsigned char v[16];
    CHECK(tide_decimal_parse("1844674407370955161x", 20, 0, v) != 0);
    CHECK(tide_decimal_parse("+", 1, 0, v) != 0);
}

/* digits.h against printf, at every power of ten and its neighbours. */
static void integer_digits_match_printf(void)
{
    char got[48], want[48];
    int64_t v = 1;
    for (int k = 0; k < 19; k++) { /* 10^0 .. 10^18, the last that fits */
        if (k > 0) v *= 10;
        int64_t probes[] = {v - 1, v, v + 1, -v, -(v - 1), -(v + 1)};
        for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
            int n = tide_i64_digits(probes[i], got);
            got[n] = '\0';
            snprintf(want, sizeof want, "%lld", (long long)probes[i]);
            CHECK_STR(got, want);
        }
    }
    int64_t edges[] = {INT64_MAX, INT64_MIN, 0};
    for (size_t i = 0; i < 3; i++) {
        int n = tide_i64_digits(edges[i], got);
        got[n] = '\0';
        snprintf(want, sizeof want, "%lld", (long long)edges[i]);
        CHECK_STR(got, want);
    }
    int n = tide_u64_digits(UINT64_MAX, got);
    got[n] = '\0';
    CHECK_STR(got, "18446744073709551615");
    n = tide_u128_digits(~(unsigned __int128)0, got);
    got[n] = '\0';
    CHECK_STR(got, "340282366920938463463374607431768211455");
    n = tide_u128_digits((unsigned __int128)UINT64_MAX + 1, got);
    got[n] = '\0';
    CHECK_STR(got, "18446744073709551616");
}

static void timestamp_round_trip(const char *in, const char *out, int64_t micros)
{
    int64_t t;
    char buf[32];
    CHECK(tide_timestamp_parse(in, strlen(in), &t) == 0);
    CHECK(t == micros);
    tide_timestamp_format(t, buf);
    CHECK_STR(buf, out);
}

static void timestamps_parse_and_format_in_utc(void)
{
    timestamp_round_trip("1970-01-01", "1970-01-01 00:00:00", 0);
    timestamp_round_trip("2022-06-29T02:38:24.177Z", "2022-06-29 02:38:24.177", 1656470304177000);
    timestamp_round_trip("2022-06-29 04:38:24.177+02:00", "2022-06-29 02:38:24.177",
                         1656470304177000);
    timestamp_round_trip("1969-12-31 23:59:59.999999", "1969-12-31 23:59:59.999999", -1);
    timestamp_round_trip("2000-02-29 12:00:00", "2000-02-29 12:00:00", 951825600000000);
    int64_t t;
    CHECK(tide_timestamp_parse("2001-02-29", 10, &t) != 0);
    CHECK(tide_timestamp_parse("2022-13-01", 10, &t) != 0);
    CHECK(tide_timestamp_parse("2022-06-29 25:00:00", 19, &t) != 0);
    CHECK(tide_timestamp_parse("yesterday", 9, &t) != 0);
}

/* Spark's CAST(string AS timestamp) forms (SparkDateTimeUtils.
   parseTimestampString): each text and its microseconds, in UTC unless the
   text has a zone. */
static void timestamps_parse_what_spark_casts(void)
{
    const int64_t noon = 1710072000000000; /* 2024-03-10 12:00:00 UTC */
    const int64_t hour = 3600000000, minute = 60000000;
    static const struct {
        const char *text;
        int64_t micros;
    } valid[] = {
        {"2024", 1704067200000000},
        {"2024-03", 1709251200000000},
        {"2024-3-1", 1709251200000000},
        {"2024-3-1 1:2:3", 1709254923000000},
        {"2024-03-10 12", noon},
        {"2024-03-10T12", noon},
        {"2024-03-10 12:00", noon},
        {"2024-03-10T12:00:00", noon},
        {" \t2024-03-10 12:00:00\r\n", noon},
        {"2024-03-10 12:00:00.", noon},
        {"2024-03-10 12:00:00.5", noon + 500000},
        {"2024-03-10 12:00:00.000001", noon + 1},
        {"2024-03-10 12:00:00.123456789", noon + 123456},
        {"2024-03-10 12:00:00Z", noon},
        {"2024-03-10 12:00:00 Z", noon},
        {"2024-03-10 12:00:00UTC", noon},
        {"2024-03-10 12:00:00 UTC", noon},
        {"2024-03-10 12:00:00 GMT", noon},
        {"2024-03-10 12:00:00 UT", noon},
        {"2024-03-10 12:00:00+01:00", noon - hour},
        {"2024-03-10 12:00:00 +01:00", noon - hour},
        {"2024-03-10 12:00:00+0100", noon - hour},
        {"2024-03-10 12:00:00+01", noon - hour},
        {"2024-03-10 12:00:00+1", noon - hour},
        {"2024-03-10 12:00:00+0", noon},
        {"2024-03-10 12:00:00-05:30", noon + 5 * hour + 30 * minute},
        {"2024-03-10 12:00:00+1:30", noon - hour - 30 * minute}, /* Spark 2's +h:mm */
        {"2024-03-10 12:00:00+01:3", noon - hour - 3 * minute},  /* and +hh:m */
        {"2024-03-10 12:00:00+013015", noon - hour - 30 * minute - 15000000},
        {"2024-03-10 12:00:00-01:30:15", noon + hour + 30 * minute + 15000000},
        {"2024-03-10 12:00:00GMT+2", noon - 2 * hour},
        {"2024-03-10 12:00:00 GMT+2", noon - 2 * hour},
        {"2024-03-10 12:00:00UTC+01:00", noon - hour},
        {"2024-03-10 12:00:00 UT-1", noon + hour},
        {"2024-03-10 12:00:00 EST", noon + 5 * hour},
        {"2024-03-10 12:00:00Europe/Paris", noon - hour}, /* tzdata's regions */
        {"2024-03-10 12:00:00 PST", noon + 7 * hour},     /* Los Angeles, in DST that day */
        {"2024-01-01T00:00:00 GMT0", 1704067200000000},
        {"2024-03-10 12:00:00+18:00", noon - 18 * hour},
        {"2024-03-10 12:00:00-18:00", noon + 18 * hour},
        {"2024-03-10 12:00:00.5+01", noon - hour + 500000},
        {"2024-03-10 12:00:00.Z", noon},
        {"+10000-01-01", 253402300800000000},
        {"-0001-01-01", -62198755200000000},
        {"0000-01-01", -62167219200000000},
        {"294247-01-10", 9223372022400000000},
        {"2000-02-29", 951782400000000},
        {"2024-12-31 23:59:59.999999", 1735689599999999},
    };
    for (size_t i = 0; i < sizeof valid / sizeof *valid; i++) {
        int64_t t = -1;
        int rc = tide_timestamp_parse(valid[i].text, strlen(valid[i].text), &t);
        if (rc != 0 || t != valid[i].micros)
            fprintf(stderr, "  \"%s\": rc %d, %lld, expected %lld\n", valid[i].text, rc,
                    (long long)t, (long long)valid[i].micros);
        CHECK(rc == 0 && t == valid[i].micros);
        /* A leading space skips the fast path of the common shape: the
           general walk must agree with it. */
        char spaced[64];
        int n = snprintf(spaced, sizeof spaced, " %s", valid[i].text);
        CHECK(tide_timestamp_parse(spaced, (size_t)n, &t) == 0 && t == valid[i].micros);
    }
    static const char *const invalid[] = {
        "",
        " ",
        "2024-13-01",
        "2024-00-10",
        "2024-02-30",
        "2023-02-29",
        "2024-03-10 24:00:00",
        "2024-03-10 12:60:00",
        "2024-03-10 12:00:60",
        "2024-03-10T",
        "2024-03-10 T12",
        "2024-03-10 garbage",
        "20240310",
        "024-01-01",
        "1234567-01-01",
        "2024-001-01",
        "2024-03-010",
        "2024--01",
        "2024-03-10 123:00",
        "2024-03-10 12:00Z", /* a zone comes after the seconds only */
        "2024-03-10Z",
        "2024-03-10 12:00:00:00",
        "2024-03-10 12:00:00.5.",
        "2024-01-01T00:00:00+05:",   /* the minutes are due after a colon */
        "2024-01-01T00:00:00+18:01", /* beyond Java's ZoneOffset */
        "2024-01-01T00:00:00+25:00",
        "2024-01-01T00:00:00-19",
        "2024-01-01T00:00:00+05:60",
        "2024-01-01T00:00:00+123",
        "2024-01-01T00:00:00 UTC+",
        "2024-01-01T00:00:00 utc",
        "2024-01-01T00:00:00z",
        "2024-03-10 12:00:00Europe/Pariss", /* no such region in tzdata */
        "2024-03-10 12:00:00 europe/paris",  /* ids are case-sensitive, as Java's */
        "12",
        "-12:00:00",
        "T",
        "+",
        "yesterday",
        "294247-01-11",
        "-290308-12-21", /* past int64 microseconds */
    };
    for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++) {
        int64_t t;
        int rc = tide_timestamp_parse(invalid[i], strlen(invalid[i]), &t);
        if (rc == 0) fprintf(stderr, "  \"%s\": parsed as %lld\n", invalid[i], (long long)t);
        CHECK(rc != 0);
    }
    /* A time alone is today's (a day later if the test ran across midnight). */
    int64_t before = (int64_t)time(NULL) / 86400, t1, t2, t3;
    CHECK(tide_timestamp_parse("12:34:56", 8, &t1) == 0);
    CHECK(tide_timestamp_parse("T1:2", 4, &t2) == 0);
    CHECK(tide_timestamp_parse("12:34:56.5 Z", 12, &t3) == 0);
    int64_t after = (int64_t)time(NULL) / 86400;
    int64_t at = 45296000000, d1 = (t1 - at) / 86400000000;
    CHECK((t1 - at) % 86400000000 == 0 && (d1 == before || d1 == after));
    CHECK(t2 == t1 - at + 3720000000 && t3 == t1 + 500000);
    /* Years beyond 4 digits print with a sign, as Spark prints them. */
    char buf[32];
    tide_timestamp_format(253402300800000000, buf);
    CHECK_STR(buf, "+10000-01-01 00:00:00");
    tide_timestamp_format(-62198755200000000, buf);
    CHECK_STR(buf, "-0001-01-01 00:00:00");
}

static void derived_batches_keep_their_parent_alive(void)
{
    tide_batch *parent = tide_batch_new(1);
    CHECK(tide_column_init(parent, &parent->columns[0], "s", TIDE_STRING, 0) == 0);
    CHECK(tide_column_append_bytes(parent, &parent->columns[0], "shared", 6) == 0);
    CHECK(tide_batch_finish(parent) == 0);
    tide_batch *child = tide_batch_derive(parent, 1);
    child->columns[0] = parent->columns[0]; /* shares the parent's buffers */
    CHECK(child->num_rows == 1 && parent->refs == 2);
    tide_batch_free(parent); /* the child still holds it */
    int32_t len;
    const char *s = tide_column_bytes(&child->columns[0], 0, &len);
    CHECK(len == 6 && memcmp(s, "shared", 6) == 0);
    tide_batch_free(child); /* frees both; ASan/valgrind would see a leak otherwise */
}

TEST_MAIN(TEST(derived_batches_keep_their_parent_alive),
          TEST(fixed_width_columns_grow_and_track_nulls),
          TEST(string_columns_keep_offsets_and_bytes), TEST(struct_children_stay_aligned),
          TEST(mismatched_lengths_are_refused), TEST(decimals_are_exact_beyond_64_bits),
          TEST(decimals_at_every_length), TEST(integer_digits_match_printf),
          TEST(timestamps_parse_and_format_in_utc), TEST(timestamps_parse_what_spark_casts))
