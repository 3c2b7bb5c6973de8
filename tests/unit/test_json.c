/* Unit tests of the JSON kernels: from_json (from_json.cc) in every mode and on
   bad input, to_json (json_write.c) with exact output, Java's double
   formatting, and the document parser behind tide.json.decode. */
#include <math.h>
#include <stdlib.h>

#include "batch.h"
#include "check.h"

/* ---- helpers ------------------------------------------------------------ */

#define NO_ROW ((const char *)1) /* marks a null input row */

/* A batch of one string column; rows[i] == NO_ROW is null. lens may be
   NULL (strlen) or give lengths (for NUL bytes). */
static tide_batch *input_of(const char **rows, const int *lens, int n)
{
    tide_batch *b = tide_batch_new(1);
    tide_column *c = &b->columns[0];
    CHECK(tide_column_init(b, c, "value", TIDE_STRING, 0) == 0);
    for (int i = 0; i < n; i++) {
        if (rows[i] == NO_ROW) CHECK(tide_column_append_null(b, c) == 0);
        else CHECK(tide_column_append_bytes(b, c, rows[i], lens ? lens[i] : (int)strlen(rows[i])) == 0);
    }
    CHECK(tide_batch_finish(b) == 0);
    return b;
}

typedef struct {
    tide_batch *in, *out;
    tide_column *data;
    uint8_t status[64];
    int64_t malformed, failed_row;
    char err[512];
} run;

static void parse(run *r, const char **rows, const int *lens, int n, const tide_json_field *fields,
                  int nf, int mode, int corrupt)
{
    memset(r, 0, sizeof *r);
    r->in = input_of(rows, lens, n);
    r->out = tide_batch_derive(r->in, 1);
    r->data = &r->out->columns[0];
    tide_json_options o = {mode, corrupt, 1, 1, NULL, NULL, 1, 0};
    r->malformed = tide_from_json(r->out, &r->in->columns[0], fields, nf, &o, r->data, r->status,
                                  &r->failed_row, r->err, sizeof r->err);
}

static void done(run *r)
{
    tide_batch_free(r->out);
    tide_batch_free(r->in);
}

static int valid(const tide_column *c, int64_t row) { return tide_column_is_valid(c, row); }
static int32_t i32(const tide_column *c, int64_t row) { return ((const int32_t *)c->values)[row]; }
static int64_t i64(const tide_column *c, int64_t row) { return ((const int64_t *)c->values)[row]; }
static double f64(const tide_column *c, int64_t row) { return ((const double *)c->values)[row]; }

static int str_is(const tide_column *c, int64_t row, const char *want)
{
    int32_t len;
    const char *s = tide_column_bytes(c, row, &len);
    int ok = (size_t)len == strlen(want) && memcmp(s, want, (size_t)len) == 0;
    if (!ok) fprintf(stderr, "  row %lld: got \"%.*s\", want \"%s\"\n", (long long)row, (int)len, s, want);
    return ok;
}

static int dec_is(const tide_column *c, int64_t row, const char *want)
{
    char buf[64];
    tide_decimal_format((const char *)c->values + 16 * row, c->scale, buf);
    int ok = strcmp(buf, want) == 0;
    if (!ok) fprintf(stderr, "  row %lld: got %s, want %s\n", (long long)row, buf, want);
    return ok;
}

/* ---- from_json: the seed's records ----------------------------------------- */

static const tide_json_field AVAZU[] = {
    {"data", TIDE_STRUCT, 0, 0, 6},     {"id", TIDE_DECIMAL, 38, 0, 0},
    {"hour", TIDE_INT32, 0, 0, 0},      {"site_id", TIDE_STRING, 0, 0, 0},
    {"device_type", TIDE_INT32, 0, 0, 0}, {"C20", TIDE_INT64, 0, 0, 0},
    {"banner_pos", TIDE_INT32, 0, 0, 0},
};

static void reads_avazu_records_exactly(void)
{
    const char *rows[] = {
        ("{\"id\":\"10000169349117863715\",\"hour\":14102100,\"C1\":1005,\"banner_pos\":0,"
         "\"site_id\":\"1fbe01fe\",\"site_domain\":\"f3845767\",\"device_type\":1,\"C20\":-1,\"C21\":79}"),
        /* ids as JSON numbers, above 2^64, and fields in another order with spaces */
        " { \"hour\" : 14102101 , \"id\" : 18446744073709551616123 , \"site_id\" : \"x\\\"y\\u00e9\" } ",
        "{\"id\":\"99999999999999999999999999999999999999\"}",
    };
    run r;
    parse(&r, rows, NULL, 3, AVAZU, 7, TIDE_JSON_PERMISSIVE, -1);
    CHECK(r.malformed == 0);
    tide_column *d = r.data;
    CHECK(d->length == 3 && d->num_children == 6 && d->null_count == 0);
    CHECK_STR(d->name, "data");
    CHECK_STR(d->children[0].name, "id");
    CHECK(d->children[0].type == TIDE_DECIMAL && d->children[0].precision == 38);
    CHECK(dec_is(&d->children[0], 0, "10000169349117863715"));
    CHECK(i32(&d->children[1], 0) == 14102100);
    CHECK(str_is(&d->children[2], 0, "1fbe01fe"));
    CHECK(i32(&d->children[3], 0) == 1);
    CHECK(i64(&d->children[4], 0) == -1);
    CHECK(valid(&d->children[5], 0) && i32(&d->children[5], 0) == 0);
    CHECK(dec_is(&d->children[0], 1, "18446744073709551616123"));
    CHECK(i32(&d->children[1], 1) == 14102101);
    CHECK(str_is(&d->children[2], 1, "x\"y\xc3\xa9"));
    CHECK(!valid(&d->children[3], 1) && !valid(&d->children[4], 1));
    CHECK(dec_is(&d->children[0], 2, "99999999999999999999999999999999999999"));
    CHECK(!valid(&d->children[2], 2));
    CHECK(d->children[2].null_count == 1);
    CHECK(r.status[0] == 0 && r.status[1] == 0 && r.status[2] == 0);
    done(&r);
}

/* ---- from_json: malformed records ---------------------------------------------- */

static const tide_json_field AB[] = {
    {"data", TIDE_STRUCT, 0, 0, 3},
    {"a", TIDE_INT32, 0, 0, 0},
    {"b", TIDE_STRING, 0, 0, 0},
    {"_corrupt_record", TIDE_STRING, 0, 0, 0},
};

static void malformed_records_are_rows_of_nulls_with_the_raw_text(void)
{
    static char deep[200001];
    for (int i = 0; i < 100000; i++) {
        deep[i] = '[';
        deep[200000 - 1 - i] = ']';
    }
    static char deep_obj[10000];
    {
        /* {"a":1,"x":[[[[...]]]]} nested past simdjson's depth limit */
        int o = sprintf(deep_obj, "{\"a\":1,\"x\":");
        for (int i = 0; i < 3000; i++) deep_obj[o++] = '[';
        for (int i = 0; i < 3000; i++) deep_obj[o++] = ']';
        strcpy(deep_obj + o, "}");
    }
    const char *rows[] = {
        "{\"a\":1,\"b\":\"ok\"}",                  /* 0 good */
        "not json",                                /* 1 */
        "[1,2]",                                   /* 2 not an object */
        "42",                                      /* 3 */
        " null ",                                  /* 4 null: Spark's root converter gives no row */
        " \f ",                                    /* 5 a form feed is no JSON blank */
        "{\"a\":1,\"b\":\"\xff\xfe\"}",            /* 6 invalid UTF-8 */
        "{\"a\":1,\"b\":\"x\0y\"}",                /* 7 NUL inside a string (length given) */
        "{\"a\":1",                                /* 8 truncated */
        "{\"a\":1} trailing",                      /* 9 good: Jackson reads no further */
        "{\"a\":1}}",                              /* 10 good alike */
        deep,                                      /* 11 */
        deep_obj,                                  /* 12 */
        "{\"a\":1,\"zz\":[1,,2]}",                 /* 13 syntax error in a field nobody reads */
        "{\"a\":1,\"zz\":tru}",                    /* 14 */
        "{\"a\":1,\"b\":\"\\x\"}",                 /* 15 bad escape */
        "{\"a\":1,\"b\":\"\x01\"}",                /* 16 raw control character */
        "{\"a\":01}",                              /* 17 leading zero */
        "{\"a\":1,}",                              /* 18 */
        NO_ROW,                                    /* 19 null input: null struct, not malformed */
        "\"{}\"",                                  /* 20 a string */
        "{\"a\":1,\"b\":\"\\ud800\"}",             /* 21 lone surrogate */
        "{\"a\":2, \"_corrupt_record\":\"mine\"}", /* 22 good: the JSON key is ignored */
    };
    int n = (int)(sizeof rows / sizeof rows[0]);
    int lens[sizeof rows / sizeof rows[0]];
    for (int i = 0; i < n; i++) lens[i] = rows[i] == NO_ROW ? 0 : (int)strlen(rows[i]);
    lens[7] = 15;
    run r;
    parse(&r, rows, lens, n, AB, 4, TIDE_JSON_PERMISSIVE, 2);
    CHECK(r.malformed == n - 5);
    tide_column *d = r.data, *a = &d->children[0], *b = &d->children[1], *cr = &d->children[2];
    CHECK(i32(a, 0) == 1 && str_is(b, 0, "ok") && !valid(cr, 0) && r.status[0] == 0);
    for (int i = 1; i < n; i++) {
        if (i == 9 || i == 10 || i == 19 || i == 22) continue;
        if (r.status[i] != 1) fprintf(stderr, "  row %d not malformed\n", i);
        CHECK(r.status[i] == 1);
        CHECK(valid(d, i));                  /* Spark 3: a struct of nulls */
        CHECK(!valid(a, i) && !valid(b, i)); /* every field null */
        CHECK(i32(a, i) == 0);               /* null slots hold zeros */
        CHECK(valid(cr, i));
        int32_t len;
        const char *raw = tide_column_bytes(cr, i, &len);
        CHECK(len == lens[i] && memcmp(raw, rows[i], (size_t)len) == 0);
    }
    CHECK(!valid(d, 19) && !valid(a, 19) && !valid(cr, 19) && r.status[19] == 0);
    CHECK(i32(a, 22) == 2 && !valid(cr, 22) && r.status[22] == 0);
    for (int i = 9; i <= 10; i++)
        CHECK(i32(a, i) == 1 && !valid(b, i) && !valid(cr, i) && r.status[i] == 0);
    CHECK(d->null_count == 1);
    done(&r);
}

static void a_mistyped_field_is_null_and_the_record_malformed(void)
{
    const char *rows[] = {
        "{\"a\":\"12\",\"b\":\"kept\"}", /* a string for an int: a null, b kept */
        "{\"a\":1.0,\"b\":\"x\"}",       /* ints take integral numbers only */
        "{\"a\":2147483648,\"b\":\"x\"}", /* out of range */
        "{\"a\":-2147483648,\"b\":[1, {\"k\": true}]}", /* string field: raw JSON, minified */
        "{\"a\":true,\"b\":12.50}",
        "{\"a\":1e2,\"b\":null}",
        "{\"a\":{\"x\":[1,2]},\"b\":false}",
        /* as Jackson writes it back: compact, re-escaped, Java's doubles */
        "{\"b\": {\"x\\u0041\" : \"a\\/b\\u0001\", \"f\": [1e2, 0.50, -0, 1E400], \"n\": null}}",
    };
    run r;
    parse(&r, rows, NULL, 8, AB, 4, TIDE_JSON_PERMISSIVE, 2);
    CHECK(r.malformed == 6);
    tide_column *d = r.data, *a = &d->children[0], *b = &d->children[1], *cr = &d->children[2];
    CHECK(!valid(a, 0) && str_is(b, 0, "kept") && str_is(cr, 0, rows[0]) && r.status[0] == 1);
    CHECK(!valid(a, 1) && str_is(b, 1, "x") && r.status[1] == 1);
    CHECK(!valid(a, 2) && str_is(b, 2, "x"));
    CHECK(valid(a, 3) && i32(a, 3) == INT32_MIN && str_is(b, 3, "[1,{\"k\":true}]"));
    CHECK(!valid(cr, 3) && r.status[3] == 0);
    CHECK(!valid(a, 4) && str_is(b, 4, "12.5"));
    CHECK(!valid(a, 5) && !valid(b, 5));
    CHECK(!valid(a, 6) && str_is(b, 6, "false"));
    CHECK(str_is(b, 7, "{\"xA\":\"a/b\\u0001\",\"f\":[100.0,0.5,0,\"Infinity\"],\"n\":null}") && r.status[7] == 0);
    done(&r);
}

static void dropmalformed_marks_rows_and_failfast_names_the_row(void)
{
    const char *rows[] = {"{\"a\":1}", "{\"a\":\"x\"}", "{\"a\":3}", "{oops", "{\"a\":5}"};
    run r;
    parse(&r, rows, NULL, 5, AB, 4, TIDE_JSON_DROPMALFORMED, -1);
    CHECK(r.malformed == 2);
    CHECK(r.status[0] == 0 && r.status[1] == 1 && r.status[2] == 0 && r.status[3] == 1 && r.status[4] == 0);
    CHECK(i32(&r.data->children[0], 4) == 5);
    done(&r);

    parse(&r, rows, NULL, 5, AB, 4, TIDE_JSON_FAILFAST, -1);
    CHECK(r.malformed == -1 && r.failed_row == 1);
    CHECK(strstr(r.err, "FAILFAST") != NULL);
    CHECK(strstr(r.err, "Row 1: field \"a\": a string cannot be read as int") != NULL);
    done(&r);

    const char *rows2[] = {"{\"a\":1}", "{\"a\":2", "{\"a\":3}"};
    parse(&r, rows2, NULL, 3, AB, 4, TIDE_JSON_FAILFAST, -1);
    CHECK(r.malformed == -1 && r.failed_row == 1);
    CHECK(strstr(r.err, "Row 1: not valid JSON") != NULL);
    CHECK(strstr(r.err, "Record: {\"a\":2") != NULL);
    done(&r);

    const char *rows3[] = {"{\"a\":1}", "{\"a\":2}"};
    parse(&r, rows3, NULL, 2, AB, 4, TIDE_JSON_FAILFAST, -1);
    CHECK(r.malformed == 0 && r.failed_row == -1);
    done(&r);
}

/* Spark's from_json gives null for an empty or blank record, as for a null
   input (SPARK-19543: Jackson finds no token in it), not a malformed one:
   a null struct, not counted, not dropped, no corrupt text, no FAILFAST. */
static void empty_and_blank_records_are_null_structs(void)
{
    const char *rows[] = {"{\"a\":1}", "", "{\"a\":3}", " \t\r\n ", NO_ROW, "{\"a\":6}"};
    int modes[] = {TIDE_JSON_PERMISSIVE, TIDE_JSON_DROPMALFORMED, TIDE_JSON_FAILFAST};
    for (int m = 0; m < 3; m++) {
        run r;
        parse(&r, rows, NULL, 6, AB, 4, modes[m], 2);
        if (r.malformed != 0) fprintf(stderr, "  mode %d: %s\n", modes[m], r.err);
        CHECK(r.malformed == 0 && r.failed_row == -1);
        tide_column *d = r.data, *a = &d->children[0], *b = &d->children[1], *cr = &d->children[2];
        for (int i = 0; i < 6; i++) {
            CHECK(r.status[i] == 0);
            CHECK(!valid(cr, i));
        }
        CHECK(i32(a, 0) == 1 && i32(a, 2) == 3 && i32(a, 5) == 6);
        int nulls[] = {1, 3, 4};
        for (int k = 0; k < 3; k++) {
            int i = nulls[k];
            CHECK(!valid(d, i) && !valid(a, i) && !valid(b, i));
            CHECK(i32(a, i) == 0);
        }
        CHECK(d->null_count == 3);
        done(&r);
    }

    /* Bytes Jackson does not skip are still malformed: a form feed, a NUL
       among blanks, and the literal null. */
    const char *bad[] = {"\f", " \0 ", "null"};
    int lens[] = {1, 3, 4};
    run r;
    parse(&r, bad, lens, 3, AB, 4, TIDE_JSON_PERMISSIVE, 2);
    CHECK(r.malformed == 3);
    for (int i = 0; i < 3; i++) {
        CHECK(r.status[i] == 1 && valid(r.data, i) && valid(&r.data->children[2], i));
    }
    done(&r);
    parse(&r, bad + 2, NULL, 1, AB, 4, TIDE_JSON_FAILFAST, -1);
    CHECK(r.malformed == -1 && r.failed_row == 0);
    CHECK(strstr(r.err, "Row 0: it is not a JSON object. Record: null") != NULL);
    done(&r);
}

/* Java's ZoneOffset, which Spark reads offsets with, holds -18:00 to
   +18:00 and minutes below 60; past that a timestamp field is malformed,
   not shifted by a day or more. */
static const tide_json_field STAMP[] = {
    {"data", TIDE_STRUCT, 0, 0, 1},
    {"t", TIDE_TIMESTAMP, 0, 0, 0},
};

static void timestamp_offsets_stay_within_18_hours(void)
{
    const char *rows[] = {
        "{\"t\":\"2024-01-01T00:00:00+25:00\"}", /* 0 */
        "{\"t\":\"2024-01-01T00:00:00+18:00\"}", /* 1 the largest */
        "{\"t\":\"2024-01-01T00:00:00-18:00\"}", /* 2 */
        "{\"t\":\"2024-01-01T00:00:00+18:01\"}", /* 3 */
        "{\"t\":\"2024-01-01T00:00:00-19:00\"}", /* 4 */
        "{\"t\":\"2024-01-01T00:00:00+05:60\"}", /* 5 minutes past 59 */
        "{\"t\":\"2024-01-01T00:00:00+0599\"}",  /* 6 */
        "{\"t\":\"2024-01-01T00:00:00+05:45\"}", /* 7 */
        "{\"t\":\"2024-01-01T00:00:00-0930\"}",  /* 8 */
        "{\"t\":\"2024-01-01 00:00:00+99\"}",    /* 9 */
        "{\"t\":\"2024-01-01T00:00:00+05:\"}",   /* 10 a colon without minutes */
    };
    run r;
    parse(&r, rows, NULL, 11, STAMP, 2, TIDE_JSON_PERMISSIVE, -1);
    tide_column *t = &r.data->children[0];
    const int64_t midnight = 1704067200LL * 1000000; /* 2024-01-01T00:00:00Z */
    const int64_t hour = 3600LL * 1000000, minute = 60LL * 1000000;
    int bad[] = {0, 3, 4, 5, 6, 9, 10};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (valid(t, bad[i]))
            fprintf(stderr, "  row %d read as %lld\n", bad[i], (long long)i64(t, bad[i]));
        CHECK(!valid(t, bad[i]) && r.status[bad[i]] == 1);
    }
    CHECK(r.malformed == 7);
    CHECK(valid(t, 1) && i64(t, 1) == midnight - 18 * hour);
    CHECK(valid(t, 2) && i64(t, 2) == midnight + 18 * hour);
    CHECK(valid(t, 7) && i64(t, 7) == midnight - 5 * hour - 45 * minute);
    CHECK(valid(t, 8) && i64(t, 8) == midnight + 9 * hour + 30 * minute);
    done(&r);
}

/* ---- from_json: every type ---------------------------------------------------------- */

static const tide_json_field TYPES[] = {
    {"data", TIDE_STRUCT, 0, 0, 8},
    {"l", TIDE_INT64, 0, 0, 0},
    {"d", TIDE_FLOAT64, 0, 0, 0},
    {"f", TIDE_FLOAT32, 0, 0, 0},
    {"m", TIDE_DECIMAL, 10, 2, 0},
    {"t", TIDE_TIMESTAMP, 0, 0, 0},
    {"ok", TIDE_BOOL, 0, 0, 0},
    {"bin", TIDE_BINARY, 0, 0, 0},
    {"s", TIDE_STRING, 0, 0, 0},
};

static void every_type_follows_sparks_rules(void)
{
    const char *rows[] = {
        /* 0 */ ("{\"l\":-9223372036854775808,\"d\":1,\"f\":0.1,\"m\":1.005,\"t\":\"2022-06-29T02:38:24.177Z\","
                 "\"ok\":true,\"bin\":\"aGVsbG8=\",\"s\":\"\"}"),
        /* 1 */ "{\"l\":9223372036854775808,\"d\":\"NaN\",\"m\":\"1,234.5\",\"t\":1656470304,\"ok\":\"true\"}",
        /* 2 */ "{\"d\":1e400,\"f\":\"-Infinity\",\"m\":1.5e3,\"t\":\"2022-06-29 02:38:24\",\"bin\":\"aGk\"}",
        /* 3 */ "{\"d\":-1e-400,\"m\":\"abc\",\"t\":\"yesterday\",\"bin\":\"!!\"}",
        /* 4 */ "{\"d\":\"Infinity\",\"m\":99999999.995,\"t\":1.5}",
        /* 5 */ "{\"m\":-0.004,\"t\":\"\",\"d\":\"\"}",
        /* 6 */ "{\"m\":12345678901234567890.5e-12}",
    };
    run r;
    parse(&r, rows, NULL, 7, TYPES, 9, TIDE_JSON_PERMISSIVE, -1);
    tide_column *c = r.data->children;
    tide_column *l = &c[0], *d = &c[1], *f = &c[2], *m = &c[3], *t = &c[4], *ok = &c[5], *bin = &c[6],
                *s = &c[7];
    CHECK(i64(l, 0) == INT64_MIN);
    CHECK(f64(d, 0) == 1.0);
    CHECK(((const float *)f->values)[0] == 0.1f);
    CHECK(dec_is(m, 0, "1.01")); /* half up */
    CHECK(i64(t, 0) == 1656470304177000LL);
    CHECK(((const uint8_t *)ok->values)[0] == 1);
    CHECK(str_is(bin, 0, "hello"));
    CHECK(valid(s, 0) && str_is(s, 0, ""));
    CHECK(r.status[0] == 0);

    CHECK(!valid(l, 1));
    CHECK(isnan(f64(d, 1)));
    CHECK(dec_is(m, 1, "1234.50"));
    CHECK(i64(t, 1) == 1656470304000000LL);
    CHECK(!valid(ok, 1));
    CHECK(r.status[1] == 1);

    CHECK(isinf(f64(d, 2)) && f64(d, 2) > 0);
    CHECK(isinf(((const float *)f->values)[2]) && ((const float *)f->values)[2] < 0);
    CHECK(dec_is(m, 2, "1500.00"));
    CHECK(i64(t, 2) == 1656470304000000LL);
    CHECK(str_is(bin, 2, "hi"));
    CHECK(r.status[2] == 0);

    CHECK(valid(d, 3) && f64(d, 3) == 0.0 && signbit(f64(d, 3)));
    CHECK(!valid(m, 3) && !valid(t, 3) && !valid(bin, 3));
    CHECK(r.status[3] == 1);

    CHECK(isinf(f64(d, 4)));
    CHECK(!valid(m, 4)); /* rounds to 100000000.00: more than 10 digits */
    CHECK(!valid(t, 4)); /* seconds must be integral */
    CHECK(r.status[4] == 1);

    CHECK(dec_is(m, 5, "0.00"));
    CHECK(!valid(t, 5) && !valid(d, 5)); /* empty strings are not values */
    CHECK(r.status[5] == 1);

    CHECK(dec_is(m, 6, "12345678.90"));
    CHECK(r.status[6] == 0);
    done(&r);

    /* allow_non_numeric off: "NaN" is just a string */
    const char *rows2[] = {"{\"d\":\"NaN\"}"};
    memset(&r, 0, sizeof r);
    r.in = input_of(rows2, NULL, 1);
    r.out = tide_batch_derive(r.in, 1);
    tide_json_options o = {TIDE_JSON_PERMISSIVE, -1, 0, 1, NULL, NULL, 1, 0};
    CHECK(tide_from_json(r.out, &r.in->columns[0], TYPES, 9, &o, &r.out->columns[0], NULL, NULL, r.err,
                         sizeof r.err) == 1);
    CHECK(!valid(&r.out->columns[0].children[1], 0));
    done(&r);
}

static const tide_json_field NESTED[] = {
    {"data", TIDE_STRUCT, 0, 0, 3},
    {"id", TIDE_INT32, 0, 0, 0},
    {"geo", TIDE_STRUCT, 0, 0, 2},
    {"lat", TIDE_FLOAT64, 0, 0, 0},
    {"tags", TIDE_STRUCT, 0, 0, 1},
    {"name", TIDE_STRING, 0, 0, 0},
    {"n", TIDE_INT32, 0, 0, 0},
};

static void nested_structs_missing_extra_and_duplicate_keys(void)
{
    const char *rows[] = {
        "{\"id\":1,\"geo\":{\"lat\":48.5,\"tags\":{\"name\":\"x\"}},\"n\":7}",
        "{\"id\":2,\"geo\":null}",
        "{\"id\":3,\"geo\":{\"lat\":\"north\",\"tags\":{\"name\":\"y\"}},\"n\":8}", /* nested mismatch */
        "{\"id\":4,\"geo\":[],\"n\":9}",
        "{\"id\":5,\"id\":6,\"n\":1,\"n\":null,\"extra\":{\"deep\":[{}]}}", /* last wins */
        "{\"\\u0069d\":7,\"geo\":{}}", /* an escaped key */
        "{\"geo\":{\"tags\":{\"name\":\"a\"}},\"geo\":{\"lat\":1}}",
    };
    run r;
    parse(&r, rows, NULL, 7, NESTED, 7, TIDE_JSON_PERMISSIVE, -1);
    tide_column *id = &r.data->children[0], *geo = &r.data->children[1], *n = &r.data->children[2];
    tide_column *lat = &geo->children[0], *tags = &geo->children[1], *name = &tags->children[0];
    CHECK(i32(id, 0) == 1 && valid(geo, 0) && f64(lat, 0) == 48.5 && str_is(name, 0, "x") && i32(n, 0) == 7);
    CHECK(r.status[0] == 0);
    CHECK(i32(id, 1) == 2 && !valid(geo, 1) && !valid(lat, 1) && !valid(tags, 1) && !valid(name, 1));
    CHECK(r.status[1] == 0);
    /* Spark nulls the whole top-level field that failed, keeps the rest */
    CHECK(i32(id, 2) == 3 && !valid(geo, 2) && !valid(lat, 2) && !valid(tags, 2) && !valid(name, 2));
    CHECK(str_is(name, 2, "") && i32(n, 2) == 8 && r.status[2] == 1);
    CHECK(i32(id, 3) == 4 && !valid(geo, 3) && i32(n, 3) == 9 && r.status[3] == 1);
    CHECK(i32(id, 4) == 6 && !valid(n, 4) && i32(n, 4) == 0 && r.status[4] == 0);
    CHECK(i32(id, 5) == 7 && valid(geo, 5) && !valid(lat, 5) && !valid(tags, 5));
    CHECK(valid(geo, 6) && f64(lat, 6) == 1.0 && !valid(tags, 6) && !valid(name, 6));
    done(&r);
}

/* Keys are matched whole, in the schema's order or not, escaped or not,
   whatever the field names hold. */
static const tide_json_field PREFIXES[] = {
    {"data", TIDE_STRUCT, 0, 0, 3},
    {"ab", TIDE_INT32, 0, 0, 0},
    {"abc", TIDE_INT32, 0, 0, 0},
    {"q\"x\\", TIDE_INT32, 0, 0, 0},
};

static void keys_match_whole_names(void)
{
    const char *rows[] = {
        "{\"ab\":1,\"abc\":2,\"q\\\"x\\\\\":3}",
        "{\"abc\":4,\"ab\":5}",
        "{\"a\":6,\"abcd\":7,\"a\\u0062\":8,\"ab\\u0063\":9}",
        "{\"q\\\"x\":10,\"q\":11}",
    };
    run r;
    parse(&r, rows, NULL, 4, PREFIXES, 4, TIDE_JSON_PERMISSIVE, -1);
    tide_column *ab = &r.data->children[0], *abc = &r.data->children[1], *q = &r.data->children[2];
    CHECK(i32(ab, 0) == 1 && i32(abc, 0) == 2 && i32(q, 0) == 3);
    CHECK(i32(ab, 1) == 5 && i32(abc, 1) == 4 && !valid(q, 1));
    CHECK(i32(ab, 2) == 8 && i32(abc, 2) == 9 && !valid(q, 2));
    CHECK(!valid(ab, 3) && !valid(abc, 3) && !valid(q, 3));
    CHECK(r.malformed == 0);
    done(&r);
}

static void huge_values_and_many_rows(void)
{
    /* a 10 MB string field and a 10 MB document of many fields */
    size_t big = 10u << 20;
    char *doc1 = malloc(big + 64);
    int o = sprintf(doc1, "{\"a\":1,\"b\":\"");
    memset(doc1 + o, 'x', big);
    strcpy(doc1 + o + big, "\"}");
    char *doc2 = malloc(big + 64);
    size_t p = (size_t)sprintf(doc2, "{\"a\":2");
    for (int i = 0; p < big; i++) p += (size_t)sprintf(doc2 + p, ",\"f%d\":[%d,\"%d\"]", i, i, i);
    strcpy(doc2 + p, ",\"b\":\"end\"}");
    const char *rows[] = {doc1, doc2, "{\"a\":3}"};
    run r;
    parse(&r, rows, NULL, 3, AB, 4, TIDE_JSON_PERMISSIVE, -1);
    CHECK(r.malformed == 0);
    int32_t len;
    const char *s = tide_column_bytes(&r.data->children[1], 0, &len);
    CHECK((size_t)len == big && s[0] == 'x' && s[len - 1] == 'x');
    CHECK(i32(&r.data->children[0], 1) == 2 && str_is(&r.data->children[1], 1, "end"));
    CHECK(i32(&r.data->children[0], 2) == 3);
    done(&r);
    free(doc1);
    free(doc2);

    /* 20000 rows: buffers grow, offsets stay right */
    int n = 20000;
    const char **many = malloc(sizeof *many * (size_t)n);
    char *text = malloc((size_t)n * 64);
    for (int i = 0; i < n; i++) {
        many[i] = text + i * 64;
        snprintf(text + i * 64, 64, "{\"a\":%d,\"b\":\"row-%d-with-a-longer-name\"}", i, i);
    }
    tide_batch *in = input_of(many, NULL, n);
    tide_batch *out = tide_batch_derive(in, 1);
    char err[256];
    CHECK(tide_from_json(out, &in->columns[0], AB, 4, NULL, &out->columns[0], NULL, NULL, err, sizeof err) == 0);
    tide_column *a = &out->columns[0].children[0], *b = &out->columns[0].children[1];
    CHECK(a->null_count == 0 && a->validity == NULL && b->length == n);
    CHECK(i32(a, 12345) == 12345 && str_is(b, 19999, "row-19999-with-a-longer-name"));
    tide_batch_free(out);
    tide_batch_free(in);
    free(text);
    free(many);
}

static void bad_schemas_and_inputs_are_errors(void)
{
    const char *rows[] = {"{}"};
    tide_batch *in = input_of(rows, NULL, 1);
    tide_batch *out = tide_batch_derive(in, 1);
    char err[256];
    tide_json_field not_struct[] = {{"x", TIDE_INT32, 0, 0, 0}};
    CHECK(tide_from_json(out, &in->columns[0], not_struct, 1, NULL, &out->columns[0], NULL, NULL, err,
                         sizeof err) == -1);
    CHECK(strstr(err, "must be a struct") != NULL);
    tide_json_field short_schema[] = {{"d", TIDE_STRUCT, 0, 0, 2}, {"x", TIDE_INT32, 0, 0, 0}};
    CHECK(tide_from_json(out, &in->columns[0], short_schema, 2, NULL, &out->columns[0], NULL, NULL, err,
                         sizeof err) == -1);
    tide_json_options bad_corrupt = {0, 0, 1, 1, NULL, NULL, 1, 0}; /* field 0 is an int */
    CHECK(tide_from_json(out, &in->columns[0], AB, 4, &bad_corrupt, &out->columns[0], NULL, NULL, err,
                         sizeof err) == -1);
    CHECK(strstr(err, "corrupt") != NULL);
    /* an int column is not JSON text */
    tide_batch *ints = tide_batch_new(1);
    CHECK(tide_column_init(ints, &ints->columns[0], "n", TIDE_INT32, 0) == 0);
    CHECK(tide_from_json(out, &ints->columns[0], AB, 4, NULL, &out->columns[0], NULL, NULL, err, sizeof err) == -1);
    tide_batch_free(ints);
    tide_batch_free(out);
    tide_batch_free(in);
}

/* ---- to_json ---------------------------------------------------------------------------- */

static const char *json_at(const tide_column *c, int64_t row, char *buf, size_t cap)
{
    if (!valid(c, row)) return "<null>";
    int32_t len;
    const char *s = tide_column_bytes(c, row, &len);
    snprintf(buf, cap, "%.*s", (int)len, s);
    return buf;
}

static void to_json_writes_what_spark_writes(void)
{
    tide_batch *b = tide_batch_new(1);
    tide_column *s = &b->columns[0];
    CHECK(tide_column_init_struct(b, s, "row", 9) == 0);
    tide_column *c = s->children;
    CHECK(tide_column_init_decimal(b, &c[0], "id", 38, 0, 0) == 0);
    CHECK(tide_column_init(b, &c[1], "p", TIDE_FLOAT64, 0) == 0);
    CHECK(tide_column_init(b, &c[2], "site", TIDE_STRING, 0) == 0);
    CHECK(tide_column_init(b, &c[3], "at", TIDE_TIMESTAMP, 0) == 0);
    CHECK(tide_column_init(b, &c[4], "ok", TIDE_BOOL, 0) == 0);
    CHECK(tide_column_init(b, &c[5], "n", TIDE_INT64, 0) == 0);
    CHECK(tide_column_init(b, &c[6], "raw", TIDE_BINARY, 0) == 0);
    CHECK(tide_column_init_struct(b, &c[7], "geo", 1) == 0);
    CHECK(tide_column_init(b, &c[7].children[0], "f", TIDE_FLOAT32, 0) == 0);
    CHECK(tide_column_init_decimal(b, &c[8], "m", 20, 9, 0) == 0);

    unsigned char dec[16];
    /* row 0: everything set */
    CHECK(tide_decimal_parse("10000169349117863715", 20, 0, dec) == 0);
    CHECK(tide_column_append_fixed(b, &c[0], dec) == 0);
    double p = 0.1;
    CHECK(tide_column_append_fixed(b, &c[1], &p) == 0);
    const char site[] = "a\"b\\c\n\x01\x7f\xc3\xa9\xff/";
    CHECK(tide_column_append_bytes(b, &c[2], site, (int64_t)sizeof site - 1) == 0);
    int64_t at = 1656470304177000LL;
    CHECK(tide_column_append_fixed(b, &c[3], &at) == 0);
    uint8_t yes = 1;
    CHECK(tide_column_append_fixed(b, &c[4], &yes) == 0);
    int64_t n = -9223372036854775807LL - 1;
    CHECK(tide_column_append_fixed(b, &c[5], &n) == 0);
    CHECK(tide_column_append_bytes(b, &c[6], "hello", 5) == 0);
    float f = 1.1f;
    CHECK(tide_column_append_fixed(b, &c[7].children[0], &f) == 0);
    CHECK(tide_column_append_fixed(b, &c[7], NULL) == 0);
    CHECK(tide_decimal_parse("0.000000123", 11, 9, dec) == 0);
    CHECK(tide_column_append_fixed(b, &c[8], dec) == 0);
    CHECK(tide_column_append_fixed(b, s, NULL) == 0);
    /* row 1: nulls left out, odd doubles */
    CHECK(tide_column_append_null(b, &c[0]) == 0);
    p = 1e-5;
    CHECK(tide_column_append_fixed(b, &c[1], &p) == 0);
    CHECK(tide_column_append_null(b, &c[2]) == 0);
    at = -1;
    CHECK(tide_column_append_fixed(b, &c[3], &at) == 0);
    uint8_t no = 0;
    CHECK(tide_column_append_fixed(b, &c[4], &no) == 0);
    CHECK(tide_column_append_null(b, &c[5]) == 0);
    CHECK(tide_column_append_bytes(b, &c[6], "", 0) == 0);
    CHECK(tide_column_append_null(b, &c[7]) == 0);
    CHECK(tide_decimal_parse("-12.5", 5, 9, dec) == 0);
    CHECK(tide_column_append_fixed(b, &c[8], dec) == 0);
    CHECK(tide_column_append_fixed(b, s, NULL) == 0);
    /* row 2: NaN, a nested struct of nulls */
    CHECK(tide_column_append_null(b, &c[0]) == 0);
    p = NAN;
    CHECK(tide_column_append_fixed(b, &c[1], &p) == 0);
    CHECK(tide_column_append_null(b, &c[2]) == 0);
    CHECK(tide_column_append_null(b, &c[3]) == 0);
    CHECK(tide_column_append_null(b, &c[4]) == 0);
    CHECK(tide_column_append_null(b, &c[5]) == 0);
    CHECK(tide_column_append_null(b, &c[6]) == 0);
    CHECK(tide_column_append_null(b, &c[7].children[0]) == 0);
    CHECK(tide_column_append_fixed(b, &c[7], NULL) == 0);
    CHECK(tide_column_append_null(b, &c[8]) == 0);
    CHECK(tide_column_append_fixed(b, s, NULL) == 0);
    /* row 3: the struct itself null */
    CHECK(tide_column_append_null(b, s) == 0);
    CHECK(tide_batch_finish(b) == 0);

    tide_batch *out = tide_batch_derive(b, 1);
    char err[256], buf[512];
    CHECK(tide_to_json(out, s, 0, &out->columns[0], err, sizeof err) == 0);
    tide_column *j = &out->columns[0];
    CHECK(j->type == TIDE_STRING && j->length == 4 && j->null_count == 1);
    CHECK_STR(j->name, "to_json(row)");
    CHECK_STR(json_at(j, 0, buf, sizeof buf),
              "{\"id\":10000169349117863715,\"p\":0.1,"
              "\"site\":\"a\\\"b\\\\c\\n\\u0001\x7f\xc3\xa9\xef\xbf\xbd/\","
              "\"at\":\"2022-06-29T02:38:24.177Z\",\"ok\":true,\"n\":-9223372036854775808,"
              "\"raw\":\"aGVsbG8=\",\"geo\":{\"f\":1.1},\"m\":1.23E-7}");
    CHECK_STR(json_at(j, 1, buf, sizeof buf),
              "{\"p\":1.0E-5,\"at\":\"1969-12-31T23:59:59.999Z\",\"ok\":false,\"raw\":\"\",\"m\":-12.500000000}");
    CHECK_STR(json_at(j, 2, buf, sizeof buf), "{\"p\":\"NaN\",\"geo\":{}}");
    CHECK_STR(json_at(j, 3, buf, sizeof buf), "<null>");

    tide_batch *out2 = tide_batch_derive(b, 1);
    CHECK(tide_to_json(out2, s, 1, &out2->columns[0], err, sizeof err) == 0);
    CHECK_STR(json_at(&out2->columns[0], 2, buf, sizeof buf),
              "{\"id\":null,\"p\":\"NaN\",\"site\":null,\"at\":null,\"ok\":null,\"n\":null,\"raw\":null,"
              "\"geo\":{\"f\":null},\"m\":null}");

    /* a column that is not a struct gives its JSON values */
    tide_batch *out3 = tide_batch_derive(b, 1);
    CHECK(tide_to_json(out3, &c[2], 0, &out3->columns[0], err, sizeof err) == 0);
    CHECK_STR(json_at(&out3->columns[0], 0, buf, sizeof buf),
              "\"a\\\"b\\\\c\\n\\u0001\x7f\xc3\xa9\xef\xbf\xbd/\"");
    CHECK_STR(json_at(&out3->columns[0], 1, buf, sizeof buf), "<null>");
    tide_batch_free(out3);
    tide_batch_free(out2);
    tide_batch_free(out);
    tide_batch_free(b);
}

/* Jackson's escaping of one byte string (ASCII specials only), the
   reference the fast paths of to_json are held to. */
static size_t reference_escape(const char *s, size_t n, char *out)
{
    size_t o = 0;
    out[o++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else if (c < 0x20) {
            o += (size_t)sprintf(out + o, "\\u%04X", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
    return o;
}

/* The string of length len with `special` at position at (none if at < 0),
   and the int32 of row r (every width, both signs): written, then expected. */
static void escape_probe(char *text, int len, int at, char special)
{
    for (int k = 0; k < len; k++) text[k] = (char)('a' + (k * 5 + len) % 26);
    if (at >= 0) text[at] = special;
}

static int32_t probe_int(int r)
{
    return (r % 2 ? -1 : 1) * (int32_t)(1u << (r % 31));
}

/* A special byte at every position of strings of every length up to 40
   (across the 8-byte blocks the scan reads), in an object whose field
   names pass the 16-byte blocks keys are copied in; int32 fields of every
   width, nulls included and left out. */
static void to_json_escapes_at_every_position(void)
{
    static const char specials[] = {'"', '\\', '\n', 0x01, 0x1f};
    const char *long_key = "a_field_name_longer_than_16\"q";
    tide_batch *b = tide_batch_new(1);
    tide_column *s = &b->columns[0];
    CHECK(tide_column_init_struct(b, s, "row", 3) == 0);
    tide_column *c = s->children;
    CHECK(tide_column_init(b, &c[0], long_key, TIDE_STRING, 0) == 0);
    CHECK(tide_column_init(b, &c[1], "n", TIDE_INT32, 0) == 0);
    CHECK(tide_column_init(b, &c[2], "k", TIDE_INT32, 0) == 0);
    char text[64], expect[1024];
    int rows = 0;
    for (int len = 0; len <= 40; len++) {
        for (int at = -1; at < len; at++) {
            for (size_t sp = 0; sp < (at < 0 ? 1 : sizeof specials); sp++) {
                escape_probe(text, len, at, specials[sp]);
                CHECK(tide_column_append_bytes(b, &c[0], text, len) == 0);
                int32_t n = probe_int(rows);
                CHECK(tide_column_append_fixed(b, &c[1], &n) == 0);
                if (rows % 3 == 0)
                    CHECK(tide_column_append_null(b, &c[2]) == 0);
                else
                    CHECK(tide_column_append_fixed(b, &c[2], &n) == 0);
                CHECK(tide_column_append_fixed(b, s, NULL) == 0);
                rows++;
            }
        }
    }
    CHECK(tide_batch_finish(b) == 0);
    for (int include_nulls = 0; include_nulls <= 1; include_nulls++) {
        tide_batch *out = tide_batch_derive(b, 1);
        char err[256], buf[1024], esc[512];
        CHECK(tide_to_json(out, s, include_nulls, &out->columns[0], err, sizeof err) == 0);
        int row = 0;
        for (int len = 0; len <= 40; len++) {
            for (int at = -1; at < len; at++) {
                for (size_t sp = 0; sp < (at < 0 ? 1 : sizeof specials); sp++) {
                    escape_probe(text, len, at, specials[sp]);
                    reference_escape(text, (size_t)len, esc);
                    int32_t n = probe_int(row);
                    int o = snprintf(expect, sizeof expect,
                                     "{\"a_field_name_longer_than_16\\\"q\":%s,\"n\":%d", esc, n);
                    if (row % 3 == 0) {
                        if (include_nulls)
                            snprintf(expect + o, sizeof expect - (size_t)o, ",\"k\":null}");
                        else
                            snprintf(expect + o, sizeof expect - (size_t)o, "}");
                    } else {
                        snprintf(expect + o, sizeof expect - (size_t)o, ",\"k\":%d}", n);
                    }
                    CHECK_STR(json_at(&out->columns[0], row, buf, sizeof buf), expect);
                    row++;
                }
            }
        }
        tide_batch_free(out);
    }
    tide_batch_free(b);
}

static void to_json_output_reads_back_with_from_json(void)
{
    const char *rows[] = {
        "{\"id\":\"10000720757801103869\",\"hour\":14102100,\"site_id\":\"d6137915\",\"device_type\":1,"
        "\"C20\":100084,\"banner_pos\":1}",
    };
    run r;
    parse(&r, rows, NULL, 1, AVAZU, 7, TIDE_JSON_PERMISSIVE, -1);
    tide_batch *out = tide_batch_derive(r.out, 1);
    char err[256], buf[512];
    CHECK(tide_to_json(out, r.data, 0, &out->columns[0], err, sizeof err) == 0);
    CHECK_STR(json_at(&out->columns[0], 0, buf, sizeof buf),
              "{\"id\":10000720757801103869,\"hour\":14102100,\"site_id\":\"d6137915\",\"device_type\":1,"
              "\"C20\":100084,\"banner_pos\":1}");
    tide_batch *back = tide_batch_derive(out, 1);
    tide_json_options o = {TIDE_JSON_FAILFAST, -1, 1, 1, NULL, NULL, 1, 0};
    CHECK(tide_from_json(back, &out->columns[0], AVAZU, 7, &o, &back->columns[0], NULL, NULL, err, sizeof err) == 0);
    CHECK(dec_is(&back->columns[0].children[0], 0, "10000720757801103869"));
    tide_batch_free(back);
    tide_batch_free(out);
    done(&r);
}

static void java_double_formatting(void)
{
    struct {
        double x;
        int is_float;
        const char *want;
    } cases[] = {
        {0.1, 0, "0.1"},           {1.0, 0, "1.0"},         {100.0, 0, "100.0"},
        {1e-5, 0, "1.0E-5"},       {0.001, 0, "0.001"},     {0.00012345, 0, "1.2345E-4"},
        {1e7, 0, "1.0E7"},         {9999999.0, 0, "9999999.0"}, {123456789.0, 0, "1.23456789E8"},
        {-2.5, 0, "-2.5"},         {0.0, 0, "0.0"},         {-0.0, 0, "-0.0"},
        {1.0 / 3, 0, "0.3333333333333333"}, {5e-324, 0, "4.9E-324"}, {1.7976931348623157e308, 0, "1.7976931348623157E308"},
        {INFINITY, 0, "Infinity"}, {-INFINITY, 0, "-Infinity"}, {NAN, 0, "NaN"},
        {(double)1.1f, 1, "1.1"},  {(double)0.1f, 1, "0.1"}, {(double)3.4028235e38f, 1, "3.4028235E38"},
        {0.17, 0, "0.17"},         {12.5, 0, "12.5"},
        {-1.5e-10, 0, "-1.5E-10"}, {1e100, 0, "1.0E100"}, {-123456789.0, 0, "-1.23456789E8"},
        {-0.25f, 1, "-0.25"},      {1e-45f, 1, "1.4E-45"},     {1e300, 1, "Infinity"},
        {-1e300, 1, "-Infinity"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        int n = tide_format_java_double(cases[i].x, cases[i].is_float, buf);
        CHECK_STR(buf, cases[i].want);
        CHECK(n == (int)strlen(cases[i].want));
    }
}

/* ---- the document parser behind tide.json.decode ------------------------------------------ */

static void documents_flatten_in_order_with_exact_integers(void)
{
    const char *text = "{\"t\":{\"0\":23,\"1\":-2},\"big\":10000169349117863715,\"neg\":-9007199254740993,"
                       "\"huge\":123456789012345678901234567890,\"f\":1.5,\"s\":\"a\\u00e9\\n\","
                       "\"list\":[true,false,null],\"e\":{}}";
    char err[256];
    tide_json_doc *doc = tide_json_parse(text, strlen(text), err, sizeof err);
    CHECK(doc != NULL);
    if (!doc) return;
    int64_t n;
    const tide_json_value *v = tide_json_doc_values(doc, &n);
    CHECK(n == 24);
    CHECK(v[0].kind == TIDE_JSON_OBJECT && v[0].count == 8);
    CHECK(v[1].kind == TIDE_JSON_STRING && v[1].length == 1 && v[1].text[0] == 't');
    CHECK(v[2].kind == TIDE_JSON_OBJECT && v[2].count == 2);
    CHECK(v[4].kind == TIDE_JSON_NUMBER && v[4].number == 23);
    CHECK(v[6].kind == TIDE_JSON_NUMBER && v[6].number == -2);
    CHECK(v[8].kind == TIDE_JSON_UINT64 && (uint64_t)v[8].integer == 10000169349117863715ULL);
    CHECK(v[10].kind == TIDE_JSON_INT64 && v[10].integer == -9007199254740993LL);
    CHECK(v[12].kind == TIDE_JSON_BIGINT && v[12].length == 30 &&
          memcmp(v[12].text, "123456789012345678901234567890", 30) == 0);
    CHECK(v[14].kind == TIDE_JSON_NUMBER && v[14].number == 1.5);
    CHECK(v[16].kind == TIDE_JSON_STRING && v[16].length == 4 && memcmp(v[16].text, "a\xc3\xa9\n", 4) == 0);
    CHECK(v[18].kind == TIDE_JSON_ARRAY && v[18].count == 3);
    CHECK(v[19].kind == TIDE_JSON_TRUE && v[20].kind == TIDE_JSON_FALSE && v[21].kind == TIDE_JSON_NULL);
    CHECK(v[23].kind == TIDE_JSON_OBJECT && v[23].count == 0);
    tide_json_doc_free(doc);

    doc = tide_json_parse("  \"x\" ", 6, err, sizeof err);
    CHECK(doc != NULL);
    v = tide_json_doc_values(doc, &n);
    CHECK(n == 1 && v[0].kind == TIDE_JSON_STRING && v[0].length == 1);
    tide_json_doc_free(doc);
}

static void document_errors_name_the_position(void)
{
    struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"", "line 1, column 1 (byte 0): no JSON value"},
        {"   ", "(byte 3): no JSON value"},
        {"{\"a\":1,\n \"b\":tru}", "line 2, column 6 (byte 13)"},
        {"{\"a\":1} x", "(byte 8)"},
        {"[1,2]]", "(byte 5): unexpected text"},
        {"1 2", "JSON error"},
        {"{\"a\":\"\xff\"}", "(byte 6): invalid UTF-8"},
        {"{\"a\":\"abc", "(byte 5): a string that never closes"},
        {"{\"a\":\"x\ty\"}", "(byte 7): a control character"},
        {"{\"a\":-}", "(byte 5)"},
    };
    char err[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err[0] = 0;
        tide_json_doc *doc = tide_json_parse(cases[i].text, strlen(cases[i].text), err, sizeof err);
        CHECK(doc == NULL);
        if (!strstr(err, cases[i].want)) fprintf(stderr, "  %s -> %s\n", cases[i].text, err);
        CHECK(strstr(err, cases[i].want) != NULL);
        tide_json_doc_free(doc);
    }
    static char deep[5001];
    memset(deep, '[', 2500);
    memset(deep + 2500, ']', 2500);
    CHECK(tide_json_parse(deep, 5000, err, sizeof err) == NULL);
    CHECK(strstr(err, "JSON error") != NULL);
}

/* decimal(p, 0), an id's type: plain digits (numbers or strings, signed,
   up to 38 digits) and everything else (commas, exponents, fractions,
   leading zeros, too many digits) give what Spark gives. */
static const tide_json_field WHOLE[] = {
    {"data", TIDE_STRUCT, 0, 0, 2},
    {"id", TIDE_DECIMAL, 38, 0, 0},
    {"k", TIDE_DECIMAL, 5, 0, 0},
};

static void whole_number_decimals(void)
{
    const char *rows[] = {
        /* 0 */ "{\"id\":10000169349117863715,\"k\":12345}",
        /* 1 */ "{\"id\":-99999999999999999999999999999999999999,\"k\":-42}",
        /* 2 */ "{\"id\":100000000000000000000000000000000000000,\"k\":123456}",
        /* 3 */ "{\"id\":\"+7\",\"k\":\"00099\"}",
        /* 4 */ "{\"id\":\"1,234\",\"k\":1.5e3}",
        /* 5 */ "{\"id\":-0,\"k\":12.5}",
        /* 6 */ "{\"id\":\"0000000000000000000000000000000000000000001\",\"k\":\"-\"}",
        /* 7 */ "{\"id\":007,\"k\":1}", /* a leading zero: not JSON */
    };
    run r;
    parse(&r, rows, NULL, 8, WHOLE, 3, TIDE_JSON_PERMISSIVE, -1);
    tide_column *id = &r.data->children[0], *k = &r.data->children[1];
    CHECK(dec_is(id, 0, "10000169349117863715") && dec_is(k, 0, "12345"));
    CHECK(dec_is(id, 1, "-99999999999999999999999999999999999999") && dec_is(k, 1, "-42"));
    CHECK(!valid(id, 2) && !valid(k, 2)); /* 39 digits; 6 digits in decimal(5,0) */
    CHECK(r.status[2] == 1);
    CHECK(dec_is(id, 3, "7") && dec_is(k, 3, "99"));
    CHECK(dec_is(id, 4, "1234") && dec_is(k, 4, "1500"));
    CHECK(dec_is(id, 5, "0") && dec_is(k, 5, "13")); /* half up */
    CHECK(dec_is(id, 6, "1") && !valid(k, 6));
    CHECK(!valid(id, 7) && !valid(k, 7));
    CHECK(r.status[0] == 0 && r.status[1] == 0 && r.status[3] == 0 && r.status[4] == 0 &&
          r.status[5] == 0 && r.status[6] == 1 && r.status[7] == 1);
    done(&r);
}

TEST_MAIN(TEST(reads_avazu_records_exactly),
          TEST(malformed_records_are_rows_of_nulls_with_the_raw_text),
          TEST(a_mistyped_field_is_null_and_the_record_malformed),
          TEST(dropmalformed_marks_rows_and_failfast_names_the_row),
          TEST(empty_and_blank_records_are_null_structs),
          TEST(timestamp_offsets_stay_within_18_hours), TEST(every_type_follows_sparks_rules),
          TEST(whole_number_decimals), TEST(nested_structs_missing_extra_and_duplicate_keys),
          TEST(keys_match_whole_names), TEST(huge_values_and_many_rows),
          TEST(bad_schemas_and_inputs_are_errors), TEST(to_json_writes_what_spark_writes),
          TEST(to_json_escapes_at_every_position), TEST(to_json_output_reads_back_with_from_json),
          TEST(java_double_formatting), TEST(documents_flatten_in_order_with_exact_integers),
          TEST(document_errors_name_the_position))
