/* Unit tests of CSV field conversion and Spark's type inference rules. */
#include "check.h"
#include "csv_convert.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static __int128 POW10_37(void)
{
    __int128 p = 1;
    for (int i = 0; i < 37; i++)
        p *= 10;
    return p;
}

static void integers_parse_as_java_does(void)
{
    int32_t i;
    int64_t l;
    CHECK(csv_parse_int32("-2147483648", 11, &i) == 0 && i == INT32_MIN);
    CHECK(csv_parse_int32("2147483648", 10, &i) == -1);
    CHECK(csv_parse_int32("+7", 2, &i) == 0 && i == 7);
    CHECK(csv_parse_int32(" 7", 2, &i) == -1);
    CHECK(csv_parse_int32("", 0, &i) == -1);
    CHECK(csv_parse_int32("-", 1, &i) == -1);
    CHECK(csv_parse_int64("-9223372036854775808", 20, &l) == 0 && l == INT64_MIN);
    CHECK(csv_parse_int64("9223372036854775807", 19, &l) == 0 && l == INT64_MAX);
    CHECK(csv_parse_int64("9223372036854775808", 19, &l) == -1);
    CHECK(csv_parse_int64("1.0", 3, &l) == -1);
}

static void doubles_parse_as_java_does(void)
{
    double d;
    CHECK(csv_parse_double(NULL, "1.5", 3, &d) == 0 && d == 1.5);
    CHECK(csv_parse_double(NULL, " 1e3 ", 5, &d) == 0 && d == 1000);
    CHECK(csv_parse_double(NULL, "2.5d", 4, &d) == 0 && d == 2.5);
    CHECK(csv_parse_double(NULL, "NaN", 3, &d) == 0 && isnan(d));
    CHECK(csv_parse_double(NULL, "Inf", 3, &d) == 0 && isinf(d) && d > 0);
    CHECK(csv_parse_double(NULL, "-Infinity", 9, &d) == 0 && isinf(d) && d < 0);
    CHECK(csv_parse_double(NULL, "inf", 3, &d) == -1);
    CHECK(csv_parse_double(NULL, "0x10", 4, &d) == -1);
    CHECK(csv_parse_double(NULL, "1,5", 3, &d) == -1);
    CHECK(csv_parse_double(NULL, ".", 1, &d) == -1);
}

static void booleans_and_decimals(void)
{
    uint8_t b;
    CHECK(csv_parse_bool("TRUE", 4, &b) == 0 && b == 1);
    CHECK(csv_parse_bool("False", 5, &b) == 0 && b == 0);
    CHECK(csv_parse_bool("1", 1, &b) == -1);
    __int128 v;
    CHECK(csv_parse_decimal("18446744073709551615", 20, 20, 0, &v) == 0);
    CHECK(v == (__int128)UINT64_MAX);
    CHECK(csv_parse_decimal("18446744073709551615", 20, 19, 0, &v) == -1); /* too many digits */
    CHECK(csv_parse_decimal("1.235", 5, 5, 2, &v) == 0 && v == 124);         /* half up */
    CHECK(csv_parse_decimal("abc", 3, 10, 0, &v) == -1);
}

/* As java.math.BigDecimal(String), which Spark's CSV reader uses: an
   exponent shifts the point; then half up to the scale, malformed only
   when the precision overflows. */
static void decimals_with_an_exponent(void)
{
    __int128 v;
#define DEC(text, p, s) csv_parse_decimal(text, strlen(text), p, s, &v)
    CHECK(DEC("1e2", 5, 2) == 0 && v == 10000);
    CHECK(DEC("1E-2", 38, 0) == 0 && v == 0);
    CHECK(DEC("5E-1", 38, 0) == 0 && v == 1); /* 0.5 rounds half up */
    CHECK(DEC("-5E-1", 38, 0) == 0 && v == -1);
    CHECK(DEC("1.5e1", 5, 2) == 0 && v == 1500);
    CHECK(DEC("-2.5E+1", 5, 2) == 0 && v == -2500);
    CHECK(DEC("12345e-3", 10, 2) == 0 && v == 1235);
    CHECK(DEC(".5e1", 3, 0) == 0 && v == 5);
    CHECK(DEC("00012.5e-1", 3, 1) == 0 && v == 13);
    CHECK(DEC("0e500", 5, 2) == 0 && v == 0);
    CHECK(DEC("1e-500", 5, 2) == 0 && v == 0);
    CHECK(DEC("1e37", 38, 0) == 0 && v == (__int128)POW10_37());
    CHECK(DEC("1e38", 38, 0) == -1); /* 39 digits */
    CHECK(DEC("1e3", 5, 2) == -1);   /* 1000.00: 6 digits */
    CHECK(DEC("9.9999e2", 5, 2) == 0 && v == 99999);
    CHECK(DEC("9.99999e2", 5, 2) == -1); /* rounds up to 1000.00 */
    CHECK(DEC("1e", 5, 2) == -1);
    CHECK(DEC("e2", 5, 2) == -1);
    CHECK(DEC("1e2.5", 5, 2) == -1);
    CHECK(DEC("1e+", 5, 2) == -1);
    CHECK(DEC("1e2e3", 5, 2) == -1);
    CHECK(DEC("1.2.3e1", 5, 2) == -1);
    CHECK(DEC("1e99999999999", 38, 0) == -1);
#undef DEC
}

static tide_csv_field infer(const char **fields, int n)
{
    csv_infer_state st = {0, 0};
    for (int i = 0; i < n; i++) csv_infer_field(&st, fields[i], strlen(fields[i]));
    tide_csv_field f;
    csv_infer_result(&st, &f);
    return f;
}

static void inference_widens_as_spark(void)
{
    const char *ints[] = {"1", "-2"};
    CHECK(infer(ints, 2).type == TIDE_INT32);
    const char *longs[] = {"1", "3000000000"};
    CHECK(infer(longs, 2).type == TIDE_INT64);
    const char *ids[] = {"1000009418151094273", "10000169349117863715", "5"};
    tide_csv_field f = infer(ids, 3);
    CHECK(f.type == TIDE_DECIMAL && f.precision == 20 && f.scale == 0);
    const char *mixed[] = {"1", "2.5"};
    CHECK(infer(mixed, 2).type == TIDE_FLOAT64);
    const char *dec_then_double[] = {"10000169349117863715", "0.5"};
    CHECK(infer(dec_then_double, 2).type == TIDE_FLOAT64);
    const char *huge[] = {"123456789012345678901234567890123456789"}; /* 39 digits */
    CHECK(infer(huge, 1).type == TIDE_FLOAT64);
    const char *ts[] = {"2024-01-02 03:04:05", "2024-01-03"};
    CHECK(infer(ts, 2).type == TIDE_TIMESTAMP);
    const char *ts_num[] = {"2024-01-02 03:04:05", "7"};
    CHECK(infer(ts_num, 2).type == TIDE_STRING);
    const char *bools[] = {"true", "FALSE"};
    CHECK(infer(bools, 2).type == TIDE_BOOL);
    const char *num_bool[] = {"1", "true"};
    CHECK(infer(num_bool, 2).type == TIDE_STRING);
    CHECK(infer(NULL, 0).type == 0); /* nothing seen */
}

/* Every digit count from 1 to 19, signed, against strtoll: the fast
   paths (up to 9 digits for int, 18 for bigint) and the checked ones. */
static void integers_of_every_length(void)
{
    char text[32];
    for (int digits = 1; digits <= 19; digits++) {
        for (int sign = 0; sign < 3; sign++) {
            int o = 0;
            if (sign == 1) text[o++] = '-';
            if (sign == 2) text[o++] = '+';
            for (int k = 0; k < digits; k++)
                text[o++] = (char)('1' + (k * 7 + digits) % 9);
            text[o] = '\0';
            long long want = strtoll(text, NULL, 10);
            int64_t l;
            int32_t i;
            int rc = csv_parse_int64(text, (size_t)o, &l);
            CHECK(rc == 0 && l == want);
            rc = csv_parse_int32(text, (size_t)o, &i);
            if (want >= INT32_MIN && want <= INT32_MAX)
                CHECK(rc == 0 && i == want);
            else
                CHECK(rc == -1);
        }
    }
    int32_t i;
    int64_t l;
    CHECK(csv_parse_int32("12a", 3, &i) == -1);
    CHECK(csv_parse_int32("-+1", 3, &i) == -1);
    CHECK(csv_parse_int64("12345678901234567a", 18, &l) == -1);
    CHECK(csv_parse_int32("000000000012", 12, &i) == 0 && i == 12);
}

TEST_MAIN(TEST(integers_parse_as_java_does), TEST(doubles_parse_as_java_does),
          TEST(booleans_and_decimals), TEST(decimals_with_an_exponent),
          TEST(inference_widens_as_spark), TEST(integers_of_every_length))
