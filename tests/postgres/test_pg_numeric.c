/* PostgreSQL's binary numeric against tide's decimals, without a server:
   every value encodes, reads back to the same 128 bits, and prints as
   PostgreSQL would (the digits tide_decimal_format gives). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pg_conn.h"

typedef __int128 i128;

static i128 parse(const char *text, int scale)
{
    i128 v;
    CHECK(tide_decimal_parse(text, strlen(text), scale, &v) == 0);
    return v;
}

static void round_trip(i128 v, int scale)
{
    unsigned char buf[PG_NUMERIC_MAX_BYTES];
    int len = tide_pgnum_encode(&v, scale, buf);
    CHECK(len >= 8 && len <= PG_NUMERIC_MAX_BYTES);
    pg_numeric n;
    CHECK(tide_pgnum_read((const char *)buf, len, &n) == 0);
    CHECK(n.dscale == scale);
    i128 back = 0;
    CHECK(tide_pgnum_to_decimal(&n, scale, &back) == 0);
    CHECK(back == v);
    char text[128], want[64];
    tide_pgnum_to_text(&n, text);
    tide_decimal_format(&v, scale, want);
    CHECK_STR(text, want);
}

static void test_edges(void)
{
    const char *values[] = { "0", "1", "-1", "9999", "10000", "10001", "9223372036854775807",
                             "9223372036854775808", "18446744073709551615",
                             "18446744073709551616", "99999999999999999999999999999999999999",
                             "-99999999999999999999999999999999999999", "100000000" };
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) round_trip(parse(values[i], 0), 0);
    const char *scaled[] = { "0.5", "-0.0001", "1.23456", "123456789.000100", "0.00000001" };
    for (size_t i = 0; i < sizeof scaled / sizeof *scaled; i++)
        for (int s = 8; s <= 12; s++) round_trip(parse(scaled[i], s), s);
}

static void test_random(void)
{
    srand(7);
    for (int i = 0; i < 200000; i++) {
        i128 v = 0;
        int digits = 1 + rand() % 38;
        for (int d = 0; d < digits; d++) v = v * 10 + rand() % 10;
        if (rand() & 1) v = -v;
        round_trip(v, rand() % (digits + 1));
    }
}

static void test_refusals(void)
{
    /* 1.5 (dscale 1) does not fit scale 0; NaN never fits. */
    i128 v = parse("1.5", 1), out;
    unsigned char buf[PG_NUMERIC_MAX_BYTES];
    pg_numeric n;
    int len = tide_pgnum_encode(&v, 1, buf);
    CHECK(tide_pgnum_read((const char *)buf, len, &n) == 0);
    CHECK(tide_pgnum_to_decimal(&n, 0, &out) != 0);
    CHECK(tide_pgnum_to_decimal(&n, 3, &out) == 0 && out == 1500);
    const unsigned char nan[8] = { 0, 0, 0, 0, 0xC0, 0, 0, 0 };
    CHECK(tide_pgnum_read((const char *)nan, 8, &n) == 0);
    CHECK(tide_pgnum_is_special(&n));
    CHECK(tide_pgnum_to_decimal(&n, 0, &out) != 0);
    const unsigned char bad[10] = { 0, 1, 0, 0, 0, 0, 0, 0, 0x27, 0x10 }; /* digit 10000 */
    CHECK(tide_pgnum_read((const char *)bad, 10, &n) != 0);
    CHECK(tide_pgnum_read((const char *)bad, 9, &n) != 0);
}

int main(void)
{
    static const check_test tests[] = {
        { "numeric edges round trip", test_edges },
        { "random decimals round trip", test_random },
        { "values that do not fit are refused", test_refusals },
    };
    return check_run(tests, sizeof tests / sizeof *tests);
}
