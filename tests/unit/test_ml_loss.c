/* The hinge loss of a linear SVM (ml_loss.c): its value and gradient on
   rows worked out by hand (a margin of 1 or more costs nothing, weights
   scale, a null row is left out), and the rows split among threads sum to
   the same loss and gradient as one pass. */
#include <math.h>
#include <string.h>

#include "batch.h"
#include "check.h"
#include "ffi/ml.h"

#define ROWS     40000
#define FEATURES 3

/* Row i: features ((i % 7) / 3 - 1, (i % 5) / 2, 1 every third row), row
   11 null; label 1 for even rows. */
static tide_batch *rows_of(double *labels)
{
    tide_batch *b = tide_batch_new(1);
    tide_column *f = &b->columns[0];
    CHECK(tide_column_init_vector(b, f, "features", FEATURES, 0, ROWS, 3 * ROWS) == 0);
    int64_t *off = f->values;
    int32_t *ci = f->children[0].values;
    double *cv = f->children[1].values;
    int64_t e = 0;
    for (int i = 0; i < ROWS; i++) {
        if (i != 11) {
            ci[e] = 0;
            cv[e++] = (i % 7) / 3.0 - 1.0;
            ci[e] = 1;
            cv[e++] = (i % 5) / 2.0;
            if (i % 3 == 0) {
                ci[e] = 2;
                cv[e++] = 1.0;
            }
        }
        off[i + 1] = e;
        labels[i] = i % 2 == 0 ? 1.0 : 0.0;
    }
    f->length = ROWS;
    f->children[0].length = f->children[1].length = e;
    tide_column_set_null(b, f, 11);
    b->num_rows = ROWS;
    return b;
}

static void test_by_hand(void)
{
    /* three rows: x = (2), y = 1 (margin 2 * 0.5 + 0.1 = 1.1: free);
       x = (1), y = 1 (margin 0.6: costs 0.4); x = (1), y = 0 (margin 0.6
       against -1: costs 1.6), weight 2 */
    tide_batch *b = tide_batch_new(1);
    tide_column *f = &b->columns[0];
    CHECK(tide_column_init_vector(b, f, "features", 1, 0, 3, 3) == 0);
    int64_t *off = f->values;
    int32_t *ci = f->children[0].values;
    double *cv = f->children[1].values;
    double x[] = {2, 1, 1}, labels[] = {1, 1, 0}, weights[] = {1, 1, 2};
    for (int i = 0; i < 3; i++) {
        ci[i] = 0;
        cv[i] = x[i];
        off[i + 1] = i + 1;
    }
    f->length = 3;
    f->children[0].length = f->children[1].length = 3;
    double coef[] = {0.5, 0.1}, grad[2] = {0, 0}, wsum = 0;
    double loss = tide_ml_hinge_loss_grad(f, labels, weights, 0, 3, coef, 1, 1, grad, &wsum);
    CHECK(fabs(loss - (0.4 + 1.6 * 2)) < 1e-12);
    CHECK(wsum == 4);
    /* d/dw: -1 * 1 (row 2) + 1 * 1 * 2 (row 3); d/db: -1 + 2 */
    CHECK(fabs(grad[0] - 1.0) < 1e-12);
    CHECK(fabs(grad[1] - 1.0) < 1e-12);
    tide_batch_free(b);
}

static void test_threads_sum_to_the_same(void)
{
    static double labels[ROWS];
    tide_batch *b = rows_of(labels);
    double coef[] = {0.4, -0.3, 0.2, 0.05};
    double serial[FEATURES + 1] = {0}, parallel[FEATURES + 1] = {0}, w1 = 0, w2 = 0;
    double l1 = tide_ml_hinge_loss_grad(&b->columns[0], labels, NULL, 0, ROWS, coef, FEATURES, 1,
                                        serial, &w1);
    double l2 = tide_ml_loss_grad_parallel(TIDE_ML_LOSS_HINGE, &b->columns[0], labels, NULL, ROWS,
                                           coef, FEATURES, 1, 1, 2, parallel, &w2);
    CHECK(w1 == ROWS - 1 && w2 == ROWS - 1);
    CHECK(l1 > 0 && fabs(l1 - l2) <= 1e-9 * l1);
    for (int i = 0; i <= FEATURES; i++)
        CHECK(fabs(serial[i] - parallel[i]) <= 1e-9 * (1 + fabs(serial[i])));
    tide_batch_free(b);
}

TEST_MAIN(TEST(test_by_hand), TEST(test_threads_sum_to_the_same))
