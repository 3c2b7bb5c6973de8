/*
 * ml_auc.c — the areas under the ROC and precision-recall curves of
 * binary scores (BinaryClassificationEvaluator's areaUnderROC and
 * areaUnderPR; contract in ffi/ml.h): the rows sorted by score once, then
 * one walk down the thresholds, as Spark's BinaryClassificationMetrics.
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

int tide_ml_binary_auc(const double *scores, const double *labels, const double *weights, int64_t n,
                       double *roc, double *pr, char *errbuf, size_t errlen)
{
    scored *rows = malloc(((size_t)n + 1) * sizeof *rows);
    if (!rows) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    double pos = 0, neg = 0;
    for (int64_t i = 0; i < n; i++) {
        if (isnan(scores[i])) {
            free(rows);
            snprintf(errbuf, errlen, "row %lld: the score is NaN", (long long)i);
            return -1;
        }
        rows[i].score = scores[i];
        rows[i].label = labels[i] > 0.5 ? 1.0 : 0.0;
        rows[i].weight = weights ? weights[i] : 1.0;
        pos += rows[i].label * rows[i].weight;
        neg += (1 - rows[i].label) * rows[i].weight;
    }
    qsort(rows, (size_t)n, sizeof *rows, by_score_desc);
    /* Walk the thresholds from the highest score down; equal scores are
       one point. ROC starts at (0,0); PR starts at (0, first precision),
       as Spark's BinaryClassificationMetrics. */
    double tp = 0, fp = 0, auc = 0, aupr = 0;
    double prev_fpr = 0, prev_tpr = 0, prev_recall = 0, prev_precision = -1;
    for (int64_t i = 0; i < n;) {
        int64_t j = i;
        while (j < n && rows[j].score == rows[i].score) {
            tp += rows[j].label * rows[j].weight;
            fp += (1 - rows[j].label) * rows[j].weight;
            j++;
        }
        double tpr = pos > 0 ? tp / pos : 0, fpr = neg > 0 ? fp / neg : 0;
        double precision = tp + fp > 0 ? tp / (tp + fp) : 1.0, recall = tpr;
        auc += (fpr - prev_fpr) * (tpr + prev_tpr) / 2;
        if (prev_precision < 0) prev_precision = precision;
        aupr += (recall - prev_recall) * (precision + prev_precision) / 2;
        prev_fpr = fpr;
        prev_tpr = tpr;
        prev_recall = recall;
        prev_precision = precision;
        i = j;
    }
    auc += (1 - prev_fpr) * (1 + prev_tpr) / 2;
    free(rows);
    *roc = auc;
    *pr = aupr;
    return 0;
}
