/*
 * ml_naive_bayes.c — a naive Bayes model's linear margins in the layout of
 * the multinomial kernel (ml_softmax.c: feature-major coefficients, then
 * the K intercepts), so that the multinomial, bernoulli and complement
 * models score with it. Bernoulli needs log(1 - e^theta), which log1p
 * gives to the last bit, as Spark's math.log1p.
 */
#include "ffi/ml.h"

#include <math.h>

void tide_ml_naive_bayes_coef(int32_t bernoulli, const double *theta, const double *pi,
                              int32_t num_classes, int32_t num_features, double *coef)
{
    const int32_t k = num_classes;
    for (int32_t c = 0; c < k; c++) {
        const double *row = &theta[(int64_t)c * num_features];
        double neg_sum = 0.0;
        for (int32_t j = 0; j < num_features; j++) {
            if (bernoulli) {
                double neg = log1p(-exp(row[j]));
                coef[(int64_t)j * k + c] = row[j] - neg;
                neg_sum += neg;
            } else {
                coef[(int64_t)j * k + c] = row[j];
            }
        }
        coef[(int64_t)num_features * k + c] = pi ? neg_sum + pi[c] : 0.0;
    }
}
