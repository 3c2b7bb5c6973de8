/* Unit tests of kernel_gather, the one row copy behind take, filter,
   concat, sort, sample, groupBy keys, dropped ML rows, CASE and coalesce:
   every column type (vectors included), nulls at every level, several
   sources, empty selections, and the batch operations built on it. */
#include "batch.h"
#include "check.h"
#include "kernel.h"
#include "ffi/batch_ops.h"

#include <math.h>

enum { ROWS = 7 };

/* Column indices of all_types(). */
enum { C_BOOL, C_INT, C_LONG, C_FLOAT, C_DOUBLE, C_STR, C_BIN, C_TS, C_DEC, C_ST, C_VEC, NCOLS };

static int64_t dec_raw_at(const tide_column *c, int64_t i)
{
    __int128 v;
    memcpy(&v, (const char *)c->values + 16 * i, 16);
    return (int64_t)v;
}

/* Row i of a vector column as text: "size:i=v,i=v". */
static void vector_text(const tide_column *c, int64_t i, char *buf, size_t len)
{
    const int64_t *off = c->values;
    int n = snprintf(buf, len, "%d:", c->vector_size);
    for (int64_t k = off[i]; k < off[i + 1] && n < (int)len; k++)
        n += snprintf(buf + n, len - (size_t)n, "%s%d=%g", k > off[i] ? "," : "",
                      ((const int32_t *)c->children[0].values)[k],
                      ((const double *)c->children[1].values)[k]);
}

static int str_is(const tide_column *c, int64_t i, const char *want)
{
    int32_t len;
    const char *p = tide_column_bytes(c, i, &len);
    return (size_t)len == strlen(want) && memcmp(p, want, (size_t)len) == 0;
}

/* ROWS rows of every type. Row r of each column is null when r % 7 is
   that column's own remainder, so nulls fall on different rows; the
   struct is null on row 3 and its field y on row 5; the vector (size 4,
   printed per row) is null on row 2, empty on row 4, dense on row 6. */
static tide_batch *all_types(void)
{
    tide_batch *b = tide_batch_new(NCOLS);
    tide_column *c = b->columns;
    tide_column_init(b, &c[C_BOOL], "b", TIDE_BOOL, 0);
    tide_column_init(b, &c[C_INT], "i", TIDE_INT32, 0);
    tide_column_init(b, &c[C_LONG], "l", TIDE_INT64, 0);
    tide_column_init(b, &c[C_FLOAT], "f", TIDE_FLOAT32, 0);
    tide_column_init(b, &c[C_DOUBLE], "d", TIDE_FLOAT64, 0);
    tide_column_init(b, &c[C_STR], "s", TIDE_STRING, 0);
    tide_column_init(b, &c[C_BIN], "bin", TIDE_BINARY, 0);
    tide_column_init(b, &c[C_TS], "ts", TIDE_TIMESTAMP, 0);
    tide_column_init_decimal(b, &c[C_DEC], "dec", 38, 2, 0);
    tide_column_init_struct(b, &c[C_ST], "st", 2);
    tide_column_init(b, &c[C_ST].children[0], "x", TIDE_INT32, 0);
    tide_column_init(b, &c[C_ST].children[1], "y", TIDE_STRING, 0);
    tide_column_init_vector(b, &c[C_VEC], "v", 4, 2, 0, 0);
    for (int64_t r = 0; r < ROWS; r++) {
        uint8_t bv = (uint8_t)(r & 1);
        int32_t iv = (int32_t)r * 10;
        int64_t lv = (int64_t)r * 1000000000000LL;
        float fv = (float)r + 0.5f;
        double dv = (double)r / 4;
        int64_t ts = 1600000000000000LL + r;
        unsigned char dec[16];
        char text[32];
        /* Row 1 holds an empty string, not a null. */
        int len = r == 1 ? 0 : snprintf(text, sizeof text, "str-%lld", (long long)r);
        char num[16];
        snprintf(num, sizeof num, "%lld.25", (long long)-r);
        tide_decimal_parse(num, strlen(num), 2, dec);
        if (r % 7 == 0) tide_column_append_null(b, &c[C_BOOL]);
        else tide_column_append_fixed(b, &c[C_BOOL], &bv);
        if (r % 7 == 1) tide_column_append_null(b, &c[C_INT]);
        else tide_column_append_fixed(b, &c[C_INT], &iv);
        if (r % 7 == 2) tide_column_append_null(b, &c[C_LONG]);
        else tide_column_append_fixed(b, &c[C_LONG], &lv);
        if (r % 7 == 3) tide_column_append_null(b, &c[C_FLOAT]);
        else tide_column_append_fixed(b, &c[C_FLOAT], &fv);
        if (r % 7 == 4) tide_column_append_null(b, &c[C_DOUBLE]);
        else tide_column_append_fixed(b, &c[C_DOUBLE], &dv);
        if (r % 7 == 5) tide_column_append_null(b, &c[C_STR]);
        else tide_column_append_bytes(b, &c[C_STR], text, len);
        if (r % 7 == 6) tide_column_append_null(b, &c[C_BIN]);
        else tide_column_append_bytes(b, &c[C_BIN], "\0\1\2\3", r % 4);
        if (r % 7 == 0) tide_column_append_null(b, &c[C_TS]);
        else tide_column_append_fixed(b, &c[C_TS], &ts);
        if (r % 7 == 1) tide_column_append_null(b, &c[C_DEC]);
        else tide_column_append_fixed(b, &c[C_DEC], dec);
        if (r == 3) {
            tide_column_append_null(b, &c[C_ST]);
        } else {
            tide_column_append_fixed(b, &c[C_ST].children[0], &iv);
            if (r == 5) tide_column_append_null(b, &c[C_ST].children[1]);
            else tide_column_append_bytes(b, &c[C_ST].children[1], text, len);
            tide_column_append_fixed(b, &c[C_ST], NULL);
        }
        if (r == 2) {
            tide_column_append_null(b, &c[C_VEC]);
        } else if (r == 4) {
            tide_column_append_vector(b, &c[C_VEC], 0, NULL, NULL);
        } else if (r == 6) {
            int32_t idx[4] = {0, 1, 2, 3};
            double val[4] = {1, 2, 3, 4};
            tide_column_append_vector(b, &c[C_VEC], 4, idx, val);
        } else {
            int32_t idx[2] = {(int32_t)(r % 3), 3};
            double val[2] = {(double)r, -(double)r};
            tide_column_append_vector(b, &c[C_VEC], 2, idx, val);
        }
    }
    CHECK(tide_batch_finish(b) == 0);
    return b;
}

/* Checks that column `got` row i equals column `want` row r, by type. */
static void check_row(const tide_column *got, int64_t i, const tide_column *want, int64_t r)
{
    int valid = tide_valid(want, r);
    CHECK(tide_valid(got, i) == valid);
    if (got->type == TIDE_STRUCT) {
        for (int32_t k = 0; k < want->num_children; k++)
            check_row(&got->children[k], i, &want->children[k], r);
        return;
    }
    if (!valid) {
        /* A null slot holds zeros, an empty string or an empty vector. */
        if (tide_has_offsets(got->type)) {
            const char *o = got->values;
            size_t w = (size_t)tide_type_width(got->type);
            CHECK(memcmp(o + (size_t)i * w, o + (size_t)(i + 1) * w, w) == 0);
        } else {
            size_t w = (size_t)tide_type_width(got->type);
            static const unsigned char zero[16];
            CHECK(memcmp((const char *)got->values + (size_t)i * w, zero, w) == 0);
        }
        return;
    }
    if (got->type == TIDE_VECTOR) {
        char a[128], b[128];
        vector_text(got, i, a, sizeof a);
        vector_text(want, r, b, sizeof b);
        CHECK_STR(a, b);
    } else if (tide_is_varlen(got->type)) {
        int32_t len;
        const char *p = tide_column_bytes(want, r, &len);
        int32_t got_len;
        const char *q = tide_column_bytes(got, i, &got_len);
        CHECK(got_len == len && memcmp(p, q, (size_t)len) == 0);
    } else {
        size_t w = (size_t)tide_type_width(got->type);
        CHECK(memcmp((const char *)got->values + (size_t)i * w,
                     (const char *)want->values + (size_t)r * w, w) == 0);
    }
}

static int64_t count_nulls(const tide_column *c)
{
    int64_t n = 0;
    for (int64_t i = 0; i < c->length; i++) n += !tide_valid(c, i);
    return n;
}

/* Every column of out is rows[] of in, with its name, layout and null
   count. */
static void check_taken(const tide_batch *out, const tide_batch *in, const int64_t *rows,
                        int64_t n)
{
    CHECK(out->num_rows == n);
    CHECK(out->num_columns == in->num_columns);
    for (int32_t c = 0; c < in->num_columns; c++) {
        const tide_column *got = &out->columns[c], *want = &in->columns[c];
        CHECK_STR(got->name, want->name);
        CHECK(kernel_same_layout(got, want, NULL, 0));
        CHECK(got->length == n);
        CHECK(got->null_count == count_nulls(got));
        CHECK(got->null_count > 0 || got->validity == NULL);
        if (got->type == TIDE_VECTOR) {
            CHECK(got->vector_size == want->vector_size);
            CHECK(got->scale == want->scale);
            CHECK(((const int64_t *)got->values)[0] == 0);
            CHECK(got->children[0].length == ((const int64_t *)got->values)[n]);
            CHECK(got->children[1].length == got->children[0].length);
        }
        if (tide_is_varlen(got->type)) CHECK(((const int32_t *)got->values)[0] == 0);
        for (int64_t i = 0; i < n; i++) check_row(got, i, want, rows[i]);
    }
}

static void test_gather_each_type(void)
{
    tide_batch *in = all_types();
    const int64_t rows[] = {6, 0, 2, 2, 5, 3, 1, 4, 6};
    const int64_t n = sizeof rows / sizeof rows[0];
    tide_batch *out = tide_batch_new(NCOLS);
    char err[256] = "";
    for (int32_t c = 0; c < NCOLS; c++) {
        const tide_column *src = &in->columns[c];
        CHECK(kernel_gather(out, &out->columns[c], src->name, &src, 1, NULL, rows, n, err,
                            sizeof err) == 0);
    }
    out->num_rows = n;
    check_taken(out, in, rows, n);
    /* Spot checks in plain values, so that the comparison above is not
       the only judge. */
    const tide_column *c = out->columns;
    CHECK(((const int32_t *)c[C_INT].values)[0] == 60);
    CHECK(!tide_valid(&c[C_INT], 6));
    CHECK(((const int64_t *)c[C_LONG].values)[4] == 5000000000000LL);
    CHECK(!tide_valid(&c[C_LONG], 2) && !tide_valid(&c[C_LONG], 3));
    CHECK(((const float *)c[C_FLOAT].values)[0] == 6.5f);
    CHECK(((const double *)c[C_DOUBLE].values)[1] == 0.0);
    CHECK(((const double *)c[C_DOUBLE].values)[8] == 1.5);
    CHECK(str_is(&c[C_STR], 0, "str-6"));
    CHECK(str_is(&c[C_STR], 6, "") && tide_valid(&c[C_STR], 6));
    CHECK(!tide_valid(&c[C_STR], 4));
    CHECK(dec_raw_at(&c[C_DEC], 0) == -625);
    CHECK(!tide_valid(&c[C_DEC], 6));
    CHECK(((const int64_t *)c[C_TS].values)[2] == 1600000000000002LL);
    CHECK(!tide_valid(&c[C_ST], 5) && tide_valid(&c[C_ST], 4));
    CHECK(!tide_valid(&c[C_ST].children[1], 4));
    char text[128];
    vector_text(&c[C_VEC], 0, text, sizeof text);
    CHECK_STR(text, "4:0=1,1=2,2=3,3=4");
    vector_text(&c[C_VEC], 1, text, sizeof text);
    CHECK_STR(text, "4:0=0,3=-0");
    CHECK(!tide_valid(&c[C_VEC], 2) && !tide_valid(&c[C_VEC], 3));
    vector_text(&c[C_VEC], 7, text, sizeof text);
    CHECK_STR(text, "4:");
    CHECK(tide_valid(&c[C_VEC], 7));
    CHECK(c[C_VEC].null_count == 2);
    CHECK(c[C_VEC].children[0].length == 4 + 2 + 2 + 2 + 2 + 4);
    tide_batch_free(out);
    tide_batch_free(in);
}

static void test_empty_selection(void)
{
    tide_batch *in = all_types();
    int64_t none = 0;
    char err[256] = "";
    tide_batch *out = tide_batch_take(in, &none, 0, err, sizeof err);
    CHECK(out != NULL);
    if (out) {
        check_taken(out, in, &none, 0);
        for (int32_t c = 0; c < NCOLS; c++) CHECK(out->columns[c].validity == NULL);
        CHECK(out->columns[C_VEC].children[0].length == 0);
        tide_batch_free(out);
    }
    /* A filter that keeps nothing. */
    tide_batch *mb = tide_batch_new(1);
    tide_column_init(mb, &mb->columns[0], "m", TIDE_BOOL, 0);
    uint8_t f = 0;
    for (int r = 0; r < ROWS; r++) tide_column_append_fixed(mb, &mb->columns[0], &f);
    out = tide_batch_filter(in, &mb->columns[0], err, sizeof err);
    CHECK(out != NULL && out->num_rows == 0);
    if (out) check_taken(out, in, &none, 0);
    tide_batch_free(out);
    tide_batch_free(mb);
    tide_batch_free(in);
}

static void test_take_filter_and_slices(void)
{
    tide_batch *in = all_types();
    char err[256] = "";
    const int64_t rows[] = {3, 3, 0, 6};
    tide_batch *t = tide_batch_take(in, rows, 4, err, sizeof err);
    CHECK(t != NULL);
    if (t) check_taken(t, in, rows, 4);
    tide_batch_free(t);

    int64_t bad = ROWS;
    CHECK(tide_batch_take(in, &bad, 1, err, sizeof err) == NULL);
    CHECK(strstr(err, "out of range") != NULL);

    /* Filter with a mask whose nulls count as false. */
    tide_batch *mb = tide_batch_new(1);
    tide_column *mask = &mb->columns[0];
    tide_column_init(mb, mask, "m", TIDE_BOOL, 0);
    for (int r = 0; r < ROWS; r++) {
        uint8_t keep = r % 2 == 0;
        if (r == 4) tide_column_append_null(mb, mask);
        else tide_column_append_fixed(mb, mask, &keep);
    }
    tide_batch *f = tide_batch_filter(in, mask, err, sizeof err);
    const int64_t kept[] = {0, 2, 6};
    CHECK(f != NULL);
    if (f) check_taken(f, in, kept, 3);
    tide_batch_free(mb);

    /* A slice (offsets of strings and vectors not starting at 0), then a
       take from it. */
    tide_batch *s = tide_batch_slice(in, 3, 4); /* rows 3..6 */
    CHECK(s != NULL && s->num_rows == 4);
    const int64_t from_slice[] = {3, 0, 1};
    const int64_t same_in[] = {6, 3, 4};
    tide_batch *ts = tide_batch_take(s, from_slice, 3, err, sizeof err);
    CHECK(ts != NULL);
    if (ts) check_taken(ts, in, same_in, 3);
    tide_batch_free(ts);
    tide_batch_free(s);
    tide_batch_free(f);
    tide_batch_free(in);
}

static void test_concat_with_vectors(void)
{
    tide_batch *a = all_types(), *b = all_types();
    char err[256] = "";
    tide_batch *list[] = {a, b};
    tide_batch *c = tide_batch_concat(list, 2, err, sizeof err);
    CHECK(c != NULL && c->num_rows == 2 * ROWS);
    if (c) {
        int64_t rows[2 * ROWS];
        for (int64_t i = 0; i < 2 * ROWS; i++) rows[i] = i % ROWS;
        check_taken(c, a, rows, 2 * ROWS);
    }
    tide_batch_free(c);

    /* An empty batch whose vector column has no size yet joins one of
       size 4; vectors of sizes 4 and 5 do not mix. */
    tide_batch *empty = tide_batch_new(1), *four = tide_batch_new(1), *five = tide_batch_new(1);
    tide_column_init(empty, &empty->columns[0], "v", TIDE_VECTOR, 0);
    tide_column_init_vector(four, &four->columns[0], "v", 4, 0, 0, 0);
    tide_column_init_vector(five, &five->columns[0], "v", 5, 0, 0, 0);
    int32_t idx = 3;
    double val = 2.5;
    tide_column_append_vector(four, &four->columns[0], 1, &idx, &val);
    tide_column_append_vector(five, &five->columns[0], 1, &idx, &val);
    tide_batch_finish(empty);
    tide_batch_finish(four);
    tide_batch_finish(five);
    tide_batch *ok_list[] = {empty, four};
    c = tide_batch_concat(ok_list, 2, err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        CHECK(c->num_rows == 1 && c->columns[0].vector_size == 4);
        char text[64];
        vector_text(&c->columns[0], 0, text, sizeof text);
        CHECK_STR(text, "4:3=2.5");
    }
    tide_batch_free(c);
    tide_batch *bad_list[] = {four, five};
    CHECK(tide_batch_concat(bad_list, 2, err, sizeof err) == NULL);
    CHECK(strstr(err, "column v: vectors of size 4 and 5") != NULL);
    tide_batch_free(empty);
    tide_batch_free(four);
    tide_batch_free(five);
    tide_batch_free(a);
    tide_batch_free(b);
}

/* Several sources chosen row by row, as CASE and coalesce do; which < 0
   gives null. */
static void test_several_sources(void)
{
    tide_batch *a = all_types(), *b = all_types();
    const int32_t which[] = {1, 0, -1, 1, 0, 1, 0};
    const int64_t rows[] = {6, 5, 0, 0, 1, 2, 3};
    tide_batch *out = tide_batch_new(NCOLS);
    char err[256] = "";
    for (int32_t c = 0; c < NCOLS; c++) {
        const tide_column *srcs[] = {&a->columns[c], &b->columns[c]};
        CHECK(kernel_gather(out, &out->columns[c], srcs[0]->name, srcs, 2, which, rows, ROWS, err,
                            sizeof err) == 0);
        const tide_column *got = &out->columns[c];
        for (int64_t i = 0; i < ROWS; i++) {
            if (which[i] < 0) {
                CHECK(!tide_valid(got, i));
            } else {
                check_row(got, i, srcs[which[i]], rows[i]);
            }
        }
    }
    /* A null source of another vector size (a NULL literal has size 0)
       does not change the result's size. */
    tide_batch *nulls = tide_batch_new(1);
    tide_column_init(nulls, &nulls->columns[0], "v", TIDE_VECTOR, 0);
    for (int r = 0; r < ROWS; r++) tide_column_append_null(nulls, &nulls->columns[0]);
    const tide_column *mixed[] = {&nulls->columns[0], &a->columns[C_VEC]};
    const int32_t pick[] = {0, 1, 0, 1, 0, 1, 0};
    tide_column v;
    CHECK(kernel_gather(out, &v, "v", mixed, 2, pick, NULL, ROWS, err, sizeof err) == 0);
    CHECK(v.vector_size == 4);
    CHECK(v.null_count == 4);
    char text[64];
    vector_text(&v, 1, text, sizeof text);
    CHECK_STR(text, "4:1=1,3=-1");
    tide_batch_free(nulls);
    tide_batch_free(out);
    tide_batch_free(a);
    tide_batch_free(b);
}

static void test_broadcast_vector(void)
{
    tide_batch *in = all_types();
    tide_batch *out = tide_batch_new(0);
    tide_column dst;
    char err[256] = "";
    /* Row 0 of a slice starting at row 5 of the vector column. */
    tide_batch *s = tide_batch_slice(in, 5, 1);
    CHECK(tide_eval_broadcast(out, &s->columns[C_VEC], 3, &dst, err, sizeof err) == 0);
    CHECK(dst.length == 3 && dst.vector_size == 4 && dst.null_count == 0);
    for (int64_t i = 0; i < 3; i++) {
        char text[64];
        vector_text(&dst, i, text, sizeof text);
        CHECK_STR(text, "4:2=5,3=-5");
    }
    tide_batch_free(s);
    tide_batch_free(out);
    tide_batch_free(in);
}

TEST_MAIN(TEST(test_gather_each_type), TEST(test_empty_selection),
          TEST(test_take_filter_and_slices), TEST(test_concat_with_vectors),
          TEST(test_several_sources), TEST(test_broadcast_vector))
