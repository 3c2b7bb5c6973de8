/* from_json over parts on worker threads (from_json.cc, workers.c): the same
   columns, statuses, malformed counts and errors as on one thread, for
   every type, nulls, malformed records, the corrupt-record column and
   FAILFAST failures in any part. */
#include <stdlib.h>

#include "batch.h"
#include "check.h"
#include "ffi/workers.h"

static const tide_json_field SCHEMA[] = {
    {"data", TIDE_STRUCT, 0, 0, 10},
    {"id", TIDE_DECIMAL, 38, 0, 0},
    {"n", TIDE_INT32, 0, 0, 0},
    {"l", TIDE_INT64, 0, 0, 0},
    {"d", TIDE_FLOAT64, 0, 0, 0},
    {"ok", TIDE_BOOL, 0, 0, 0},
    {"t", TIDE_TIMESTAMP, 0, 0, 0},
    {"s", TIDE_STRING, 0, 0, 0},
    {"geo", TIDE_STRUCT, 0, 0, 2},
    {"city", TIDE_STRING, 0, 0, 0},
    {"lat", TIDE_FLOAT64, 0, 0, 0},
    {"tags", TIDE_BINARY, 0, 0, 0},
    {"_corrupt_record", TIDE_STRING, 0, 0, 0},
};
#define NFIELDS ((int)(sizeof SCHEMA / sizeof SCHEMA[0]))
#define CORRUPT 9 /* _corrupt_record among data's children */

/* Record i of a generated input: mostly good, with nulls, missing fields
   (and mistyped ones if asked), strings of every length (empty too), and
   broken JSON at the rows in `broken`. */
static int record(char *buf, size_t cap, int i, const int *broken, int nbroken, int mistyped)
{
    for (int k = 0; k < nbroken; k++)
        if (broken[k] == i) return snprintf(buf, cap, "{\"id\": %d, \"s\": \"cut", i);
    char s[200];
    int len = (i * 7) % 150;
    for (int k = 0; k < len; k++)
        s[k] = (char)('a' + (i + k) % 26);
    s[len] = 0;
    if (mistyped && i % 11 == 0) /* n is a string */
        return snprintf(buf, cap, "{\"id\":%d,\"n\":\"x%d\",\"s\":\"%s\"}", i, i, s);
    if (i % 13 == 0) /* fields missing, a null struct */
        return snprintf(buf, cap, "{\"id\":%d,\"geo\":null}", i);
    return snprintf(buf, cap,
                    "{\"id\":\"1000000000000000000000%d\",\"n\":%d,\"l\":%lld,\"d\":%d.25,"
                    "\"ok\":%s,\"t\":\"2022-06-29T02:38:%02d.177Z\",\"s\":\"%s\","
                    "\"geo\":{\"city\":\"c%d\",\"lat\":%d.5},\"tags\":\"aGk=\"}",
                    i, i, (long long)i * 1000000007LL, i, i % 2 ? "true" : "false", i % 60, s,
                    i % 97, i);
}

/* n records; every 17th input row is null. */
static tide_batch *input_of(int n, const int *broken, int nbroken, int mistyped)
{
    tide_batch *b = tide_batch_new(1);
    tide_column *c = &b->columns[0];
    CHECK(tide_column_init(b, c, "value", TIDE_STRING, 0) == 0);
    char buf[512];
    for (int i = 0; i < n; i++) {
        if (i % 17 == 5) {
            CHECK(tide_column_append_null(b, c) == 0);
            continue;
        }
        int len = record(buf, sizeof buf, i, broken, nbroken, mistyped);
        CHECK(tide_column_append_bytes(b, c, buf, len) == 0);
    }
    CHECK(tide_batch_finish(b) == 0);
    return b;
}

typedef struct {
    tide_batch *out;
    uint8_t *status;
    int64_t malformed, failed_row;
    char err[1024];
    tide_column json; /* the result through to_json, to compare whole rows */
} result;

static void run_with(result *r, int threads, tide_batch *in, int mode, int corrupt)
{
    memset(r, 0, sizeof *r);
    tide_workers_set_threads(threads);
    int64_t n = in->columns[0].length;
    r->out = tide_batch_derive(in, 1);
    r->status = calloc((size_t)n + 1, 1);
    tide_json_options o = {mode, corrupt, 1, 1, NULL, NULL, 1, 0};
    r->malformed = tide_from_json(r->out, &in->columns[0], SCHEMA, NFIELDS, &o, &r->out->columns[0],
                                  r->status, &r->failed_row, r->err, sizeof r->err);
    if (r->malformed >= 0) {
        char err[256];
        CHECK(tide_to_json(r->out, &r->out->columns[0], 1, &r->json, err, sizeof err) == 0);
    }
}

static void done(result *r)
{
    tide_batch_free(r->out);
    free(r->status);
}

/* Whether two columns of from_json's output hold the same rows. */
static int same_rows(const result *a, const result *b, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        int32_t la, lb;
        const char *x = tide_column_bytes(&a->json, i, &la);
        const char *y = tide_column_bytes(&b->json, i, &lb);
        if (la != lb || memcmp(x, y, (size_t)la) != 0) {
            fprintf(stderr, "  row %lld: %.*s\n  vs %.*s\n", (long long)i, (int)la, x, (int)lb, y);
            return 0;
        }
        if (a->status[i] != b->status[i]) {
            fprintf(stderr, "  row %lld: status %d vs %d\n", (long long)i, a->status[i],
                    b->status[i]);
            return 0;
        }
    }
    return 1;
}

/* Whether the columns under c agree on null counts and dropped bitmaps. */
static int same_nulls(const tide_column *a, const tide_column *b)
{
    if (a->null_count != b->null_count || (a->validity == NULL) != (b->validity == NULL)) return 0;
    for (int32_t i = 0; i < a->num_children; i++)
        if (!same_nulls(&a->children[i], &b->children[i])) return 0;
    return 1;
}

static void parts_give_the_same_columns_as_one_thread(void)
{
    const int broken[] = {3, 2500, 4999};
    int sizes[] = {511, 1024, 1030, 4001, 5000}; /* 4001: no part of one row */
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        int n = sizes[k];
        tide_batch *in = input_of(n, broken, 3, 1);
        for (int corrupt = -1; corrupt <= CORRUPT; corrupt += CORRUPT + 1) {
            result one, many;
            int64_t tasks0, ran0, tasks1, ran1;
            tide_workers_stats(&tasks0, &ran0);
            run_with(&one, 0, in, TIDE_JSON_PERMISSIVE, corrupt);
            tide_workers_stats(&tasks1, &ran1);
            CHECK(tasks1 == tasks0); /* no worker: one part */
            run_with(&many, 3, in, TIDE_JSON_PERMISSIVE, corrupt);
            tide_workers_stats(&tasks1, &ran1);
            /* Parts of 512 rows at least, four at most (3 workers + the caller). */
            int64_t parts = n / 512 < 4 ? n / 512 : 4;
            CHECK(tasks1 - tasks0 == (parts > 1 ? parts - 1 : 0));
            CHECK(one.malformed == many.malformed);
            CHECK(one.malformed > 3); /* the broken rows and the mistyped ones */
            CHECK(same_rows(&one, &many, n));
            CHECK(same_nulls(&one.out->columns[0], &many.out->columns[0]));
            done(&one);
            done(&many);
        }
        tide_batch_free(in);
    }
    tide_workers_set_threads(-1);
}

static void failfast_reports_the_first_failure_in_row_order(void)
{
    /* In a later part only; in the first and a later one; in two later ones. */
    const int cases[][2] = {{4001, -1}, {100, 4001}, {2600, 4100}}; /* none a null row */
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int nbroken = cases[k][1] < 0 ? 1 : 2;
        tide_batch *in = input_of(5000, cases[k], nbroken, 0);
        result one, many;
        run_with(&one, 0, in, TIDE_JSON_FAILFAST, -1);
        run_with(&many, 3, in, TIDE_JSON_FAILFAST, -1);
        CHECK(one.malformed == -1 && many.malformed == -1);
        CHECK(one.failed_row == cases[k][0] && many.failed_row == cases[k][0]);
        CHECK_STR(one.err, many.err);
        done(&one);
        done(&many);
        tide_batch_free(in);
    }
    tide_workers_set_threads(-1);
}

int main(void)
{
    static const check_test tests[] = {
        {"parts give the same columns as one thread", parts_give_the_same_columns_as_one_thread},
        {"FAILFAST reports the first failure in row order",
         failfast_reports_the_first_failure_in_row_order},
    };
    int rc = check_run(tests, sizeof tests / sizeof tests[0]);
    tide_workers_shutdown();
    return rc;
}
