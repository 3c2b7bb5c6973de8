/* The fused scorer over rows shared out between worker threads
   (ml_logreg.c, workers.c): the same scores, bit for bit, the same rows
   marked dropped and the same count as on one thread; a row a stage would
   fail on, in any thread's share, makes the call return -2. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "check.h"
#include "ffi/ml.h"
#include "ffi/workers.h"

#define ROWS   5000
#define LABELS 40

/* site: "s<k>" (k < 50), null every 31st row when site_nulls; n: an
   int, null every 23rd row (the assembler skips those); d: a double, NaN
   every 29th row (kept). unseen_at: a row whose site is "x", or -1. */
static tide_batch *input_of(int site_nulls, int unseen_at)
{
    tide_batch *b = tide_batch_new(3);
    tide_column *site = &b->columns[0], *n = &b->columns[1], *d = &b->columns[2];
    CHECK(tide_column_init(b, site, "site", TIDE_STRING, 0) == 0);
    CHECK(tide_column_init(b, n, "n", TIDE_INT32, 0) == 0);
    CHECK(tide_column_init(b, d, "d", TIDE_FLOAT64, 0) == 0);
    for (int i = 0; i < ROWS; i++) {
        char label[16];
        int len = i == unseen_at ? snprintf(label, sizeof label, "x")
                                 : snprintf(label, sizeof label, "s%d", (i * 7) % 50);
        if (site_nulls && i % 31 == 0 && i != unseen_at)
            CHECK(tide_column_append_null(b, site) == 0);
        else
            CHECK(tide_column_append_bytes(b, site, label, len) == 0);
        int32_t x = i % 17 - 8;
        if (i % 23 == 0)
            CHECK(tide_column_append_null(b, n) == 0);
        else
            CHECK(tide_column_append_fixed(b, n, &x) == 0);
        double y = i % 29 == 0 ? NAN : i * 0.25;
        CHECK(tide_column_append_fixed(b, d, &y) == 0);
    }
    CHECK(tide_batch_finish(b) == 0);
    return b;
}

typedef struct {
    tide_batch *out;
    uint8_t drop[ROWS];
    int64_t rc;
} result;

static void score_with(result *r, int threads, const tide_batch *in, const tide_ml_dict *dict,
                       int32_t unseen)
{
    tide_workers_set_threads(threads);
    tide_ml_linear_term terms[3];
    memset(terms, 0, sizeof terms);
    terms[0] = (tide_ml_linear_term){.column = &in->columns[1],
                                     .kind = TIDE_ML_TERM_NUMERIC,
                                     .position = 0,
                                     .invalid = TIDE_ML_SKIP,
                                     .scaled = 1,
                                     .dense = 1,
                                     .shift = -8,
                                     .mult = 1.0 / 16,
                                     .add = 0};
    terms[1] = (tide_ml_linear_term){.column = &in->columns[2],
                                     .kind = TIDE_ML_TERM_NUMERIC,
                                     .position = 1,
                                     .invalid = TIDE_ML_KEEP};
    terms[2] = (tide_ml_linear_term){.column = &in->columns[0],
                                     .kind = TIDE_ML_TERM_ONE_HOT,
                                     .position = 2,
                                     .dict = dict,
                                     .unseen = unseen,
                                     .categories = LABELS + 1,
                                     .ohe_invalid = TIDE_ML_KEEP,
                                     .block_size = LABELS};
    double coef[2 + LABELS];
    for (int j = 0; j < 2 + LABELS; j++)
        coef[j] = (j % 5 - 2) * 0.37 + j * 0.001;
    r->out = tide_batch_new(3);
    tide_column *raw = &r->out->columns[0], *prob = &r->out->columns[1],
                *pred = &r->out->columns[2];
    char err[256];
    memset(r->drop, 0, sizeof r->drop);
    r->rc = tide_ml_linear_score(r->out, terms, 3, ROWS, coef, 2 + LABELS, 0.125, 0.5, raw, prob,
                                 pred, r->drop, err, sizeof err);
}

static int same_doubles(const tide_column *a, const tide_column *b, int64_t n)
{
    return memcmp(a->values, b->values, (size_t)n * sizeof(double)) == 0;
}

/* s0 .. s<count - 1>. */
static tide_ml_dict *dict_of_labels(int count)
{
    tide_ml_dict *dict = tide_ml_dict_new();
    for (int k = 0; k < count; k++) {
        char label[16];
        int len = snprintf(label, sizeof label, "s%d", k);
        CHECK(tide_ml_dict_add(dict, label, len) == k);
    }
    return dict;
}

static void rows_shared_out_give_the_same_scores(void)
{
    tide_batch *in = input_of(1, -1);
    tide_ml_dict *dict = dict_of_labels(LABELS);
    result one, many;
    score_with(&one, 0, in, dict, TIDE_ML_KEEP);
    score_with(&many, 3, in, dict, TIDE_ML_KEEP);
    CHECK(one.rc == (ROWS + 22) / 23); /* the rows whose n is null */
    CHECK(many.rc == one.rc);
    CHECK(memcmp(one.drop, many.drop, sizeof one.drop) == 0);
    CHECK(same_doubles(&one.out->columns[1], &many.out->columns[1], ROWS));
    CHECK(same_doubles(&one.out->columns[2], &many.out->columns[2], ROWS));
    const tide_column *r1 = &one.out->columns[0], *r2 = &many.out->columns[0];
    CHECK(r1->length == ROWS && r2->length == ROWS);
    CHECK(memcmp(r1->values, r2->values, (ROWS + 1) * sizeof(int64_t)) == 0);
    CHECK(same_doubles(&r1->children[1], &r2->children[1], 2 * ROWS));
    tide_batch_free(one.out);
    tide_batch_free(many.out);
    tide_ml_dict_free(dict);
    tide_batch_free(in);
    tide_workers_set_threads(-1);
}

static void an_error_in_any_share_returns_minus_two(void)
{
    /* Every label s<k> known and no site null, so only the row at `at`
       (label "x") fails. */
    tide_ml_dict *dict = dict_of_labels(50);
    const int at[] = {0, ROWS / 2, ROWS - 1};
    for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
        tide_batch *in = input_of(0, at[k]);
        result one, many;
        score_with(&one, 0, in, dict, TIDE_ML_ERROR);
        score_with(&many, 3, in, dict, TIDE_ML_ERROR);
        CHECK(one.rc == -2);
        CHECK(many.rc == -2);
        tide_batch_free(one.out);
        tide_batch_free(many.out);
        tide_batch_free(in);
    }
    /* Without it, no error. */
    tide_batch *in = input_of(0, -1);
    result ok;
    score_with(&ok, 3, in, dict, TIDE_ML_ERROR);
    CHECK(ok.rc >= 0);
    tide_batch_free(ok.out);
    tide_batch_free(in);
    tide_ml_dict_free(dict);
    tide_workers_set_threads(-1);
}

int main(void)
{
    static const check_test tests[] = {
        {"rows shared out give the same scores", rows_shared_out_give_the_same_scores},
        {"an error in any share returns -2", an_error_in_any_share_returns_minus_two},
    };
    int rc = check_run(tests, sizeof tests / sizeof tests[0]);
    tide_workers_shutdown();
    return rc;
}
