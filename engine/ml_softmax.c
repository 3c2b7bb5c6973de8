/*
 * ml_softmax.c — multinomial logistic regression over vector columns: the
 * softmax loss and gradient over K classes that L-BFGS needs, and the
 * scores (K margins, K probabilities, the predicted class). Coefficients
 * are feature-major, coef[j * K + k] feature j's for class k, so that one
 * sparse entry reads K neighbouring doubles; the K intercepts follow at
 * coef[num_features * K].
 */
#include "batch.h"
#include "ffi/ml.h"
#include "prefetch.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static inline void prefetch_row(const tide_column *f, int64_t i, const double *coef, int32_t k)
{
    const int64_t *off = f->values;
    const int32_t *ci = f->children[0].values;
    for (int64_t e = off[i]; e < off[i + 1]; e++)
        tide_prefetch(&coef[(int64_t)ci[e] * k]);
}

/* Each class's sum of its coefficients times row i's entries, in entry
   order from 0.0 (Spark's gemv sums a row so before it adds the
   intercept). */
static inline void row_sums(const tide_column *f, int64_t i, const double *coef, int32_t k,
                            double *sums)
{
    const int64_t *off = f->values;
    const int32_t *ci = f->children[0].values;
    const double *cv = f->children[1].values;
    for (int32_t c = 0; c < k; c++)
        sums[c] = 0.0;
    for (int64_t e = off[i]; e < off[i + 1]; e++) {
        const double *w = &coef[(int64_t)ci[e] * k];
        double v = cv[e];
        for (int32_t c = 0; c < k; c++)
            sums[c] += w[c] * v;
    }
}

double tide_ml_softmax_loss_grad(const tide_column *features, const double *labels,
                                 const double *weights, int64_t begin, int64_t end,
                                 const double *coef, int32_t num_features, int32_t num_classes,
                                 int32_t fit_intercept, double *margins, double *grad,
                                 double *weight_sum)
{
    const int64_t *off = features->values;
    const int32_t *ci = features->children[0].values;
    const double *cv = features->children[1].values;
    const int32_t k = num_classes;
    const double *intercepts = &coef[(int64_t)num_features * k];
    double *intercept_grad = &grad[(int64_t)num_features * k];
    double loss = 0.0, wsum = 0.0;
    for (int64_t i = begin; i < end && i < begin + TIDE_PREFETCH_ROWS; i++)
        prefetch_row(features, i, coef, k);
    for (int64_t i = begin; i < end; i++) {
        if (i + TIDE_PREFETCH_ROWS < end) prefetch_row(features, i + TIDE_PREFETCH_ROWS, coef, k);
        if (!tide_valid(features, i)) continue;
        double w = weights ? weights[i] : 1.0;
        if (w == 0.0) continue;
        int32_t y = (int32_t)labels[i];
        row_sums(features, i, coef, k, margins);
        double max = -INFINITY;
        for (int32_t c = 0; c < k; c++) {
            if (fit_intercept) margins[c] += intercepts[c];
            if (margins[c] > max) max = margins[c];
        }
        /* log sum_c e^m_c - m_y, with the largest margin taken out so that
           no exp overflows; margins become the multipliers w (p_c - [c = y]) */
        double sum = 0.0;
        for (int32_t c = 0; c < k; c++)
            sum += exp(margins[c] - max);
        loss += w * (log(sum) + max - margins[y]);
        for (int32_t c = 0; c < k; c++)
            margins[c] = w * (exp(margins[c] - max) / sum - (c == y ? 1.0 : 0.0));
        for (int64_t e = off[i]; e < off[i + 1]; e++) {
            double *g = &grad[(int64_t)ci[e] * k];
            double v = cv[e];
            for (int32_t c = 0; c < k; c++)
                g[c] += margins[c] * v;
        }
        if (fit_intercept)
            for (int32_t c = 0; c < k; c++)
                intercept_grad[c] += margins[c];
        wsum += w;
    }
    *weight_sum += wsum;
    return loss;
}

/* Spark's softmax: a +Infinity margin (the first) takes all; the others
   are scaled by the reciprocal of their sum (Spark's BLAS.scal(1 / sum)),
   which is not always the bits of a division. */
static void softmax(const double *margins, int32_t k, double *p)
{
    double max = -INFINITY;
    for (int32_t c = 0; c < k; c++) {
        if (margins[c] == INFINITY) {
            for (int32_t d = 0; d < k; d++)
                p[d] = d == c ? 1.0 : 0.0;
            return;
        }
        if (margins[c] > max) max = margins[c];
    }
    double sum = 0.0;
    for (int32_t c = 0; c < k; c++)
        sum += p[c] = exp(margins[c] - max);
    const double scale = 1.0 / sum;
    for (int32_t c = 0; c < k; c++)
        p[c] *= scale;
}

/* The first largest margin, or with thresholds the first largest p_c / t_c
   (Spark's probability2prediction: a 0 / 0 is never chosen). */
static int32_t predicted(const double *margins, const double *p, const double *thresholds,
                         int32_t k)
{
    int32_t best = 0;
    if (!thresholds) {
        for (int32_t c = 1; c < k; c++)
            if (margins[c] > margins[best]) best = c;
        return best;
    }
    double max = -INFINITY;
    for (int32_t c = 0; c < k; c++) {
        double scaled = p[c] / thresholds[c];
        if (scaled > max) {
            max = scaled;
            best = c;
        }
    }
    return best;
}

/* Appends row i's K values to vector column col (entries so far in *entries). */
static void put_vector(tide_column *col, int64_t i, const double *values, int32_t k,
                       int64_t *entries)
{
    int32_t *ci = col->children[0].values;
    double *cv = col->children[1].values;
    for (int32_t c = 0; c < k; c++) {
        ci[*entries] = c;
        cv[(*entries)++] = values[c];
    }
    ((int64_t *)col->values)[i + 1] = *entries;
}

/* The score columns of features' rows: each row's margins from coef (its
   entries' sums, then the intercepts), or when coef is NULL given, row i's
   at given[i * k]. */
static int score_rows(tide_batch *out, const tide_column *features, const double *coef,
                      const double *given, int32_t num_features, int32_t k,
                      const double *thresholds, tide_column *raw, tide_column *prob,
                      tide_column *pred, char *errbuf, size_t errlen)
{
    if (features->type != TIDE_VECTOR || features->vector_size != num_features) {
        snprintf(errbuf, errlen,
                 "features column %s does not hold vectors of size %d (the model's "
                 "features)",
                 features->name, num_features);
        return -1;
    }
    int64_t n = features->length;
    double *margins = tide_arena_alloc(out->arena, 2 * (size_t)k * sizeof(double));
    if (!margins || (raw && tide_column_init_vector(out, raw, raw->name, k, 1, n, n * k) != 0) ||
        (prob && tide_column_init_vector(out, prob, prob->name, k, 1, n, n * k) != 0) ||
        (pred && tide_column_init(out, pred, pred->name, TIDE_FLOAT64, n) != 0)) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    double *p = margins + k;
    const double *intercepts = coef ? &coef[(int64_t)num_features * k] : NULL;
    int64_t raw_entries = 0, prob_entries = 0;
    for (int64_t i = 0; coef && i < n && i < TIDE_PREFETCH_ROWS; i++)
        prefetch_row(features, i, coef, k);
    for (int64_t i = 0; i < n; i++) {
        if (coef && i + TIDE_PREFETCH_ROWS < n)
            prefetch_row(features, i + TIDE_PREFETCH_ROWS, coef, k);
        if (!tide_valid(features, i)) {
            if (raw) {
                ((int64_t *)raw->values)[i + 1] = raw_entries;
                tide_column_set_null(out, raw, i);
            }
            if (prob) {
                ((int64_t *)prob->values)[i + 1] = prob_entries;
                tide_column_set_null(out, prob, i);
            }
            if (pred) tide_column_set_null(out, pred, i);
            continue;
        }
        if (coef) {
            row_sums(features, i, coef, k, margins);
            for (int32_t c = 0; c < k; c++)
                margins[c] += intercepts[c];
        } else {
            memcpy(margins, &given[i * k], (size_t)k * sizeof(double));
        }
        softmax(margins, k, p);
        if (raw) put_vector(raw, i, margins, k, &raw_entries);
        if (prob) put_vector(prob, i, p, k, &prob_entries);
        if (pred) ((double *)pred->values)[i] = predicted(margins, p, thresholds, k);
    }
    if (raw) {
        raw->length = n;
        raw->children[0].length = raw->children[1].length = raw_entries;
    }
    if (prob) {
        prob->length = n;
        prob->children[0].length = prob->children[1].length = prob_entries;
    }
    if (pred) pred->length = n;
    return 0;
}

int tide_ml_softmax_score(tide_batch *out, const tide_column *features, const double *coef,
                          int32_t num_features, int32_t num_classes, const double *thresholds,
                          tide_column *raw, tide_column *prob, tide_column *pred, char *errbuf,
                          size_t errlen)
{
    return score_rows(out, features, coef, NULL, num_features, num_classes, thresholds, raw, prob,
                      pred, errbuf, errlen);
}

int tide_ml_class_scores(tide_batch *out, const tide_column *features, const double *margins,
                         int32_t num_classes, const double *thresholds, tide_column *raw,
                         tide_column *prob, tide_column *pred, char *errbuf, size_t errlen)
{
    return score_rows(out, features, NULL, margins, features->vector_size, num_classes, thresholds,
                      raw, prob, pred, errbuf, errlen);
}
