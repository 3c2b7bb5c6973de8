/*
 * ml_auc.c — the points of binary scores' curves and the areas under the
 * ROC and precision-recall curves (BinaryClassificationEvaluator's
 * areaUnderROC and areaUnderPR, a summary's curves; contract in
 * ffi/ml.h): the rows sorted by score once, then one walk down the
 * thresholds, as Spark's BinaryClassificationMetrics.
 */
#include "batch.h"
#include "ffi/ml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    double score, label, weight;
} scored;

static int by_score_desc(const void *pa, const void *pb)
{
    double a = ((const scored *)pa)->score, b = ((const scored *)pb)->score;
    return a > b ? -1 : a < b;
}

int64_t tide_ml_binary_curve(const double *scores, const double *labels, const double *weights,
                             int64_t n, int64_t num_bins, double *thresholds, double *tp,
                             double *fp, char *errbuf, size_t errlen)
{
    scored *rows = malloc(((size_t)n + 1) * sizeof *rows);
    if (!rows) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    for (int64_t i = 0; i < n; i++) {
        if (isnan(scores[i])) {
            free(rows);
            snprintf(errbuf, errlen, "row %lld: the score is NaN", (long long)i);
            return -1;
        }
        rows[i].score = scores[i];
        rows[i].label = labels[i] > 0.5 ? 1.0 : 0.0;
        rows[i].weight = weights ? weights[i] : 1.0;
    }
    qsort(rows, (size_t)n, sizeof *rows, by_score_desc);
    int64_t distinct = 0;
    for (int64_t i = 0; i < n; i++)
        if (i == 0 || rows[i].score != rows[i - 1].score) distinct++;
    /* Spark's down-sampling: runs of distinct / num_bins scores (when that
       is 2 or more) become one point at the run's last, lowest score. */
    int64_t grouping = num_bins > 0 ? distinct / num_bins : 0;
    if (grouping < 2) grouping = 1;
    int64_t k = 0, in_run = 0;
    double pos = 0, neg = 0;
    for (int64_t i = 0; i < n; i++) {
        pos += rows[i].label * rows[i].weight;
        neg += (1 - rows[i].label) * rows[i].weight;
        if (i + 1 < n && rows[i + 1].score == rows[i].score) continue;
        if (++in_run < grouping && i + 1 < n) continue;
        thresholds[k] = rows[i].score;
        tp[k] = pos;
        fp[k] = neg;
        k++;
        in_run = 0;
    }
    free(rows);
    return k;
}

void tide_ml_binary_areas(const double *tp, const double *fp, int64_t k, double *roc, double *pr)
{
    double pos = k > 0 ? tp[k - 1] : 0, neg = k > 0 ? fp[k - 1] : 0;
    /* ROC starts at (0,0) and ends at (1,1); PR starts at (0, the first
       point's precision), as Spark's curves. */
    double auc = 0, aupr = 0;
    double prev_fpr = 0, prev_tpr = 0, prev_recall = 0, prev_precision = -1;
    for (int64_t i = 0; i < k; i++) {
        double tpr = pos > 0 ? tp[i] / pos : 0, fpr = neg > 0 ? fp[i] / neg : 0;
        double precision = tp[i] + fp[i] > 0 ? tp[i] / (tp[i] + fp[i]) : 1.0, recall = tpr;
        auc += (fpr - prev_fpr) * (tpr + prev_tpr) / 2;
        if (prev_precision < 0) prev_precision = precision;
        aupr += (recall - prev_recall) * (precision + prev_precision) / 2;
        prev_fpr = fpr;
        prev_tpr = tpr;
        prev_recall = recall;
        prev_precision = precision;
    }
    auc += (1 - prev_fpr) * (1 + prev_tpr) / 2;
    *roc = auc;
    *pr = aupr;
}
