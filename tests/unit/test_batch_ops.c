/* Unit tests of slice, concat, take and filter over every column type. */
#include "batch.h"
#include "check.h"
#include "tide_ffi.h"
#include "ffi/batch_ops.h"

/* A batch of n rows: id int (null every 5th), s string (null every 3rd),
   d decimal(38,2), st struct<x:bigint, y:string> (null every 4th). */
static tide_batch *sample(int64_t n)
{
    tide_batch *b = tide_batch_new(4);
    tide_column *id = &b->columns[0], *s = &b->columns[1], *d = &b->columns[2], *st = &b->columns[3];
    tide_column_init(b, id, "id", TIDE_INT32, 0);
    tide_column_init(b, s, "s", TIDE_STRING, 0);
    tide_column_init_decimal(b, d, "d", 38, 2, 0);
    tide_column_init_struct(b, st, "st", 2);
    tide_column_init(b, &st->children[0], "x", TIDE_INT64, 0);
    tide_column_init(b, &st->children[1], "y", TIDE_STRING, 0);
    for (int64_t i = 0; i < n; i++) {
        int32_t v = (int32_t)i;
        if (i % 5 == 4) tide_column_append_null(b, id);
        else tide_column_append_fixed(b, id, &v);
        char text[32];
        int len = snprintf(text, sizeof text, "row-%lld", (long long)i);
        if (i % 3 == 2) tide_column_append_null(b, s);
        else tide_column_append_bytes(b, s, text, len);
        char dec[64];
        snprintf(dec, sizeof dec, "1000000000000000000000000000%lld.%02lld", (long long)i,
                 (long long)(i % 100));
        unsigned char raw[16];
        tide_decimal_parse(dec, strlen(dec), 2, raw);
        tide_column_append_fixed(b, d, raw);
        if (i % 4 == 3) {
            tide_column_append_null(b, st);
        } else {
            int64_t x = i * 10;
            tide_column_append_fixed(b, &st->children[0], &x);
            tide_column_append_bytes(b, &st->children[1], text, len);
            tide_column_append_fixed(b, st, NULL);
        }
    }
    tide_batch_finish(b);
    return b;
}

static int32_t int_at(const tide_column *c, int64_t i) { return ((const int32_t *)c->values)[i]; }

static int str_is(const tide_column *c, int64_t i, const char *want)
{
    int32_t len;
    const char *p = tide_column_bytes(c, i, &len);
    return (size_t)len == strlen(want) && memcmp(p, want, (size_t)len) == 0;
}

static int dec_is(const tide_column *c, int64_t i, const char *want)
{
    char buf[48];
    tide_decimal_format((const char *)c->values + 16 * i, c->scale, buf);
    return strcmp(buf, want) == 0;
}

static void slice_shares_buffers_and_shifts_validity(void)
{
    tide_batch *b = sample(20);
    tide_batch *s = tide_batch_slice(b, 3, 6); /* rows 3..8 */
    CHECK(s && s->num_rows == 6 && s->parent == b);
    const tide_column *id = &s->columns[0], *str = &s->columns[1], *st = &s->columns[3];
    CHECK(int_at(id, 0) == 3 && !tide_column_is_valid(id, 1) && int_at(id, 2) == 5);
    CHECK(id->null_count == 1);
    CHECK(str_is(str, 0, "row-3") && !tide_column_is_valid(str, 2) && str_is(str, 4, "row-7") && !tide_column_is_valid(str, 5));
    CHECK(str->data == b->columns[1].data); /* shared */
    CHECK(dec_is(&s->columns[2], 1, "10000000000000000000000000004.04"));
    CHECK(!tide_column_is_valid(st, 0) && tide_column_is_valid(st, 1));
    CHECK(((const int64_t *)st->children[0].values)[1] == 40 && str_is(&st->children[1], 1, "row-4"));
    tide_batch *empty = tide_batch_slice(b, 30, 5);
    CHECK(empty && empty->num_rows == 0 && empty->columns[0].length == 0);
    tide_batch *aligned = tide_batch_slice(b, 8, 100);
    CHECK(aligned->num_rows == 12 && !tide_column_is_valid(&aligned->columns[0], 1));
    tide_batch_free(empty);
    tide_batch_free(aligned);
    tide_batch_free(b); /* the slice keeps it alive */
    CHECK(str_is(&s->columns[1], 3, "row-6"));
    tide_batch_free(s);
}

static void take_copies_rows_of_every_type(void)
{
    tide_batch *b = sample(10);
    int64_t rows[] = {9, 0, 4, 4, 2, 3};
    char err[256];
    tide_batch *t = tide_batch_take(b, rows, 6, err, sizeof err);
    CHECK(t && t->num_rows == 6 && t->parent == NULL);
    const tide_column *id = &t->columns[0], *s = &t->columns[1], *st = &t->columns[3];
    CHECK(!tide_column_is_valid(id, 0) && int_at(id, 1) == 0 && !tide_column_is_valid(id, 2));
    CHECK(id->null_count == 3 && int_at(id, 0) == 0); /* null slots hold zeros */
    CHECK(str_is(s, 0, "row-9") && str_is(s, 2, "row-4") && str_is(s, 3, "row-4"));
    CHECK(!tide_column_is_valid(s, 4) && str_is(s, 4, ""));
    CHECK(dec_is(&t->columns[2], 0, "10000000000000000000000000009.09"));
    CHECK(!tide_column_is_valid(st, 5) && tide_column_is_valid(st, 0));
    CHECK(str_is(&st->children[1], 1, "row-0"));
    CHECK_STR(t->columns[3].children[1].name, "y");
    int64_t bad[] = {10};
    CHECK(tide_batch_take(b, bad, 1, err, sizeof err) == NULL);
    CHECK(strstr(err, "row 10 is out of range") != NULL);
    tide_batch_free(t);
    tide_batch_free(b);
}

static void filter_keeps_true_rows_and_drops_null_ones(void)
{
    tide_batch *b = sample(10);
    tide_batch *m = tide_batch_new(1);
    tide_column *mask = &m->columns[0];
    tide_column_init(m, mask, "m", TIDE_BOOL, 0);
    for (int i = 0; i < 10; i++) {
        uint8_t v = i % 2 == 0;
        if (i == 4) tide_column_append_null(m, mask);
        else tide_column_append_fixed(m, mask, &v);
    }
    char err[256];
    tide_batch *f = tide_batch_filter(b, mask, err, sizeof err);
    CHECK(f && f->num_rows == 4); /* 0, 2, 6, 8 */
    CHECK(int_at(&f->columns[0], 3) == 8 && str_is(&f->columns[1], 2, "row-6"));
    CHECK(!tide_column_is_valid(&f->columns[1], 1)); /* row 2 */
    tide_batch_free(f);
    /* All selected: shares the input's buffers. */
    for (int i = 0; i < 10; i++) ((uint8_t *)mask->values)[i] = 1;
    mask->validity = NULL;
    mask->null_count = 0;
    f = tide_batch_filter(b, mask, err, sizeof err);
    CHECK(f && f->num_rows == 10 && f->columns[1].data == b->columns[1].data);
    tide_batch_free(f);
    mask->length = 3;
    CHECK(tide_batch_filter(b, mask, err, sizeof err) == NULL);
    tide_batch_free(m);
    tide_batch_free(b);
}

static void concat_appends_batches_and_checks_types(void)
{
    tide_batch *a = sample(7), *b = sample(5);
    tide_batch *list[] = {a, b};
    char err[256];
    tide_batch *c = tide_batch_concat(list, 2, err, sizeof err);
    CHECK(c && c->num_rows == 12);
    CHECK(int_at(&c->columns[0], 6) == 6 && int_at(&c->columns[0], 7) == 0);
    CHECK(!tide_column_is_valid(&c->columns[0], 4) && !tide_column_is_valid(&c->columns[0], 11));
    CHECK(str_is(&c->columns[1], 11, "row-4") && str_is(&c->columns[1], 6, "row-6"));
    CHECK(dec_is(&c->columns[2], 8, "10000000000000000000000000001.01"));
    CHECK(((const int64_t *)c->columns[3].children[0].values)[9] == 20);
    tide_batch_free(c);

    tide_batch *other = tide_batch_new(4);
    for (int i = 0; i < 4; i++) other->columns[i] = a->columns[i];
    other->columns[1].type = TIDE_BINARY;
    tide_batch *bad[] = {a, other};
    CHECK(tide_batch_concat(bad, 2, err, sizeof err) == NULL);
    CHECK(strstr(err, "column s is string in one batch and binary in another") != NULL);
    tide_batch_free(other);
    tide_batch_free(a);
    tide_batch_free(b);
}

TEST_MAIN(TEST(slice_shares_buffers_and_shifts_validity), TEST(take_copies_rows_of_every_type),
          TEST(filter_keeps_true_rows_and_drops_null_ones),
          TEST(concat_appends_batches_and_checks_types))
