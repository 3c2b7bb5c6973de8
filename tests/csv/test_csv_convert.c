/* Unit tests of CSV field conversion and Spark's type inference rules. */
#include "check.h"
#include "csv_convert.h"

#include <math.h>

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
    CHECK(csv_parse_double("1.5", 3, &d) == 0 && d == 1.5);
    CHECK(csv_parse_double(" 1e3 ", 5, &d) == 0 && d == 1000);
    CHECK(csv_parse_double("2.5d", 4, &d) == 0 && d == 2.5);
    CHECK(csv_parse_double("NaN", 3, &d) == 0 && isnan(d));
    CHECK(csv_parse_double("Inf", 3, &d) == 0 && isinf(d) && d > 0);
    CHECK(csv_parse_double("-Infinity", 9, &d) == 0 && isinf(d) && d < 0);
    CHECK(csv_parse_double("inf", 3, &d) == -1);
    CHECK(csv_parse_double("0x10", 4, &d) == -1);
    CHECK(csv_parse_double("1,5", 3, &d) == -1);
    CHECK(csv_parse_double(".", 1, &d) == -1);
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

TEST_MAIN(TEST(integers_parse_as_java_does), TEST(doubles_parse_as_java_does),
          TEST(booleans_and_decimals), TEST(inference_widens_as_spark))
