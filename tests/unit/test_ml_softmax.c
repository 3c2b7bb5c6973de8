/* The multinomial kernels (ml_softmax.c): the gradient is the loss's
   (central differences), the rows split among threads sum to the same
   loss and gradient, two classes are binary logistic regression, and the
   scores are Spark's softmax (probabilities summing to 1, a +Infinity
   margin taking all, nulls for a null row). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "check.h"
#include "ffi/ml.h"

#define ROWS     50000
#define FEATURES 5
#define CLASSES  3
#define SIZE     ((FEATURES + 1) * CLASSES)

/* Rows of 2 or 3 entries of FEATURES, row 7 null; labels 0 .. CLASSES-1. */
static tide_batch *features_of(double *labels)
{
    tide_batch *b = tide_batch_new(1);
    tide_column *f = &b->columns[0];
    CHECK(tide_column_init_vector(b, f, "features", FEATURES, 0, ROWS, 3 * ROWS) == 0);
    int64_t *off = f->values;
    int32_t *ci = f->children[0].values;
    double *cv = f->children[1].values;
    int64_t e = 0;
    for (int i = 0; i < ROWS; i++) {
        if (i != 7) {
            int entries = 2 + i % 2;
            for (int k = 0; k < entries; k++) {
                ci[e] = (i + 2 * k) % FEATURES;
                cv[e++] = ((i * 37 + k * 11) % 101) / 50.0 - 1.0;
            }
        }
        off[i + 1] = e;
        labels[i] = (i * 7 + i / 3) % CLASSES;
    }
    f->length = ROWS;
    f->children[0].length = f->children[1].length = e;
    tide_column_set_null(b, f, 7);
    b->num_rows = ROWS;
    return b;
}

static void coefficients(double *coef)
{
    for (int i = 0; i < SIZE; i++)
        coef[i] = ((i * 13) % 7) / 10.0 - 0.3;
}

static double loss_at(const tide_column *f, const double *labels, const double *coef, double *grad)
{
    double margins[CLASSES], wsum = 0;
    memset(grad, 0, SIZE * sizeof(double));
    return tide_ml_softmax_loss_grad(f, labels, NULL, 0, ROWS, coef, FEATURES, CLASSES, 1, margins,
                                     grad, &wsum) /
           wsum;
}

static void test_gradient_matches_the_loss(void)
{
    static double labels[ROWS];
    tide_batch *b = features_of(labels);
    double coef[SIZE], grad[SIZE], scratch[SIZE];
    coefficients(coef);
    loss_at(&b->columns[0], labels, coef, grad);
    for (int i = 0; i < SIZE; i++) {
        double h = 1e-6, saved = coef[i];
        coef[i] = saved + h;
        double up = loss_at(&b->columns[0], labels, coef, scratch);
        coef[i] = saved - h;
        double down = loss_at(&b->columns[0], labels, coef, scratch);
        coef[i] = saved;
        double numeric = (up - down) / (2 * h) * (ROWS - 1);
        CHECK(fabs(numeric - grad[i]) <= 1e-5 * (1 + fabs(grad[i])));
    }
    tide_batch_free(b);
}

static void test_threads_sum_to_the_same(void)
{
    static double labels[ROWS];
    tide_batch *b = features_of(labels);
    double coef[SIZE], serial[SIZE], parallel[SIZE], margins[CLASSES];
    coefficients(coef);
    memset(serial, 0, sizeof serial);
    memset(parallel, 0, sizeof parallel);
    double w1 = 0, w2 = 0;
    double l1 = tide_ml_softmax_loss_grad(&b->columns[0], labels, NULL, 0, ROWS, coef, FEATURES,
                                          CLASSES, 1, margins, serial, &w1);
    double l2 = tide_ml_loss_grad_parallel(TIDE_ML_LOSS_SOFTMAX, &b->columns[0], labels, NULL, ROWS,
                                           coef, FEATURES, CLASSES, 1, 2, parallel, &w2);
    CHECK(w1 == ROWS - 1 && w2 == ROWS - 1);
    CHECK(fabs(l1 - l2) <= 1e-9 * fabs(l1));
    for (int i = 0; i < SIZE; i++)
        CHECK(fabs(serial[i] - parallel[i]) <= 1e-9 * (1 + fabs(serial[i])));
    tide_batch_free(b);
}

/* Class 0's coefficients 0 and class 1's w: the binary loss of w. */
static void test_two_classes_are_binary(void)
{
    static double labels[ROWS];
    tide_batch *b = features_of(labels);
    for (int i = 0; i < ROWS; i++)
        labels[i] = (double)((int)labels[i] % 2);
    double w[FEATURES + 1], coef[(FEATURES + 1) * 2], margins[2];
    double g_binary[FEATURES + 1] = {0}, g_softmax[(FEATURES + 1) * 2] = {0};
    for (int j = 0; j <= FEATURES; j++) {
        w[j] = 0.1 * j - 0.2;
        coef[2 * j] = 0.0;
        coef[2 * j + 1] = w[j];
    }
    double wb = 0, ws = 0;
    double binary = tide_ml_lr_loss_grad(&b->columns[0], labels, NULL, 0, ROWS, w, NULL, FEATURES,
                                         1, g_binary, &wb);
    double softmax = tide_ml_softmax_loss_grad(&b->columns[0], labels, NULL, 0, ROWS, coef,
                                               FEATURES, 2, 1, margins, g_softmax, &ws);
    CHECK(fabs(binary - softmax) <= 1e-9 * binary);
    for (int j = 0; j <= FEATURES; j++) {
        CHECK(fabs(g_softmax[2 * j + 1] - g_binary[j]) <= 1e-9 * (1 + fabs(g_binary[j])));
        CHECK(fabs(g_softmax[2 * j] + g_binary[j]) <= 1e-9 * (1 + fabs(g_binary[j])));
    }
    tide_batch_free(b);
}

static void test_scores(void)
{
    static double labels[ROWS];
    tide_batch *b = features_of(labels);
    double coef[SIZE];
    coefficients(coef);
    tide_batch *out = tide_batch_new(3);
    tide_column *raw = &out->columns[0], *prob = &out->columns[1], *pred = &out->columns[2];
    raw->name = "raw";
    prob->name = "prob";
    pred->name = "pred";
    char err[256];
    CHECK(tide_ml_softmax_score(out, &b->columns[0], coef, FEATURES, CLASSES, NULL, raw, prob, pred,
                                err, sizeof err) == 0);
    const double *p = prob->children[1].values, *m = raw->children[1].values;
    const double *predicted = pred->values;
    CHECK(prob->length == ROWS && raw->length == ROWS);
    CHECK(!tide_column_is_valid(prob, 7) && !tide_column_is_valid(pred, 7));
    for (int64_t i = 0; i < 100; i++) {
        if (i == 7) continue;
        int64_t at = ((const int64_t *)prob->values)[i];
        double sum = p[at] + p[at + 1] + p[at + 2];
        CHECK(fabs(sum - 1) < 1e-15);
        int best = 0;
        for (int c = 1; c < CLASSES; c++)
            if (m[at + c] > m[at + best]) best = c;
        CHECK(predicted[i] == best);
    }
    /* an infinite intercept takes all; a threshold of 0 picks its class */
    coef[FEATURES * CLASSES + 1] = INFINITY;
    double thresholds[CLASSES] = {1, 1, 1};
    CHECK(tide_ml_softmax_score(out, &b->columns[0], coef, FEATURES, CLASSES, thresholds, raw, prob,
                                pred, err, sizeof err) == 0);
    p = prob->children[1].values;
    CHECK(p[0] == 0.0 && p[1] == 1.0 && p[2] == 0.0 && ((const double *)pred->values)[0] == 1.0);
    coef[FEATURES * CLASSES + 1] = 0;
    thresholds[2] = 0;
    CHECK(tide_ml_softmax_score(out, &b->columns[0], coef, FEATURES, CLASSES, thresholds, NULL,
                                NULL, pred, err, sizeof err) == 0);
    CHECK(((const double *)pred->values)[0] == 2.0);
    /* vectors of another size are an error naming the column */
    CHECK(tide_ml_softmax_score(out, &b->columns[0], coef, FEATURES + 1, CLASSES, NULL, raw, prob,
                                pred, err, sizeof err) == -1);
    CHECK(strstr(err, "features column features") != NULL);
    tide_batch_free(out);
    tide_batch_free(b);
}

TEST_MAIN(TEST(test_gradient_matches_the_loss), TEST(test_threads_sum_to_the_same),
          TEST(test_two_classes_are_binary), TEST(test_scores))
