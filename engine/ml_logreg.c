/*
 * ml_logreg.c — binary logistic regression over vector columns: scoring
 * (margin, probability, prediction), the loss and gradient L-BFGS needs
 * (over a range of rows: ml_loss.c splits the rows among threads), FTRL-Proximal
 * updates for online learning, and the scores of a fused feature pipeline
 * (tide.ml.fused). The areas under the ROC and PR curves are ml_auc.c's.
 */
#include "batch.h"
#include "ffi/ml.h"
#include "prefetch.h"
#include "workers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_features(const tide_column *f, int32_t num_coef, char *errbuf, size_t errlen)
{
    if (f->type != TIDE_VECTOR) {
        char tn[32];
        snprintf(errbuf, errlen, "features column %s has type %s, not vector", f->name,
                 tide_ml_type_name(f, tn, sizeof tn));
        return -1;
    }
    if (f->vector_size != num_coef) {
        snprintf(errbuf, errlen,
                 "features column %s holds vectors of size %d; the model has %d "
                 "features",
                 f->name, f->vector_size, num_coef);
        return -1;
    }
    return 0;
}

/* The coefficients (and gradient slots) of row i, asked for ahead of use. */
static inline void prefetch_row(const tide_column *f, int64_t i, const double *coef,
                                const double *grad)
{
    const int64_t *off = f->values;
    const int32_t *ci = f->children[0].values;
    for (int64_t e = off[i]; e < off[i + 1]; e++) {
        tide_prefetch(&coef[ci[e]]);
        if (grad) tide_prefetch(&grad[ci[e]]);
    }
}

static inline double row_dot(const tide_column *f, int64_t i, const double *coef,
                             const double *scale)
{
    const int64_t *off = f->values;
    const int32_t *ci = f->children[0].values;
    const double *cv = f->children[1].values;
    double m = 0.0;
    if (scale)
        for (int64_t e = off[i]; e < off[i + 1]; e++)
            m += coef[ci[e]] * scale[ci[e]] * cv[e];
    else
        for (int64_t e = off[i]; e < off[i + 1]; e++)
            m += coef[ci[e]] * cv[e];
    return m;
}

static inline double sigmoid(double m)
{
    if (m >= 0) return 1.0 / (1.0 + exp(-m));
    double e = exp(m);
    return e / (1.0 + e);
}

/* log(1 + e^m), without overflow. */
static inline double log1pexp(double m)
{
    return m > 0 ? m + log1p(exp(-m)) : log1p(exp(m));
}

/* Room for n rows of the score columns asked for (NULL: not wanted). */
static int init_scores(tide_batch *out, tide_column *raw, tide_column *prob, tide_column *pred,
                       int64_t n, char *errbuf, size_t errlen)
{
    if ((raw && tide_column_init_vector(out, raw, raw->name, 2, 1, n, 2 * n) != 0) ||
        (prob && tide_column_init(out, prob, prob->name, TIDE_FLOAT64, n) != 0) ||
        (pred && tide_column_init(out, pred, pred->name, TIDE_FLOAT64, n) != 0)) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* Row i of the score columns from margin m (rows in order; raw's entries
   so far in *entries); a row that is not valid gets nulls. The prediction
   is 1 when the probability is above threshold, or with margin_threshold
   the margin (a linear SVM's). */
static inline void put_scores(tide_batch *out, tide_column *raw, tide_column *prob,
                              tide_column *pred, int64_t i, int valid, double m, double threshold,
                              int margin_threshold, int64_t *entries)
{
    double p = sigmoid(m);
    if (prob) ((double *)prob->values)[i] = valid ? p : 0.0;
    if (pred) ((double *)pred->values)[i] = (margin_threshold ? m : p) > threshold ? 1.0 : 0.0;
    if (raw) {
        if (valid) {
            int32_t *ri = raw->children[0].values;
            double *rv = raw->children[1].values;
            ri[*entries] = 0;
            rv[(*entries)++] = -m;
            ri[*entries] = 1;
            rv[(*entries)++] = m;
        }
        ((int64_t *)raw->values)[i + 1] = *entries;
    }
    if (!valid) {
        if (prob) tide_column_set_null(out, prob, i);
        if (pred) tide_column_set_null(out, pred, i);
        if (raw) tide_column_set_null(out, raw, i);
    }
}

static void end_scores(tide_column *raw, tide_column *prob, tide_column *pred, int64_t n,
                       int64_t entries)
{
    if (prob) prob->length = n;
    if (pred) pred->length = n;
    if (raw) {
        raw->length = n;
        raw->children[0].length = raw->children[1].length = entries;
    }
}

static int score_linear(tide_batch *out, const tide_column *features, const double *coef,
                        int32_t num_coef, double intercept, double threshold, int margin_threshold,
                        tide_column *raw, tide_column *prob, tide_column *pred, char *errbuf,
                        size_t errlen)
{
    if (check_features(features, num_coef, errbuf, errlen) != 0) return -1;
    int64_t n = features->length;
    if (init_scores(out, raw, prob, pred, n, errbuf, errlen) != 0) return -1;
    int64_t entries = 0;
    for (int64_t i = 0; i < n && i < TIDE_PREFETCH_ROWS; i++)
        prefetch_row(features, i, coef, NULL);
    for (int64_t i = 0; i < n; i++) {
        if (i + TIDE_PREFETCH_ROWS < n) prefetch_row(features, i + TIDE_PREFETCH_ROWS, coef, NULL);
        int valid = tide_valid(features, i);
        double m = valid ? intercept + row_dot(features, i, coef, NULL) : 0.0;
        put_scores(out, raw, prob, pred, i, valid, m, threshold, margin_threshold, &entries);
    }
    end_scores(raw, prob, pred, n, entries);
    return 0;
}

int tide_ml_lr_score(tide_batch *out, const tide_column *features, const double *coef,
                     int32_t num_coef, double intercept, double threshold, tide_column *raw,
                     tide_column *prob, tide_column *pred, char *errbuf, size_t errlen)
{
    return score_linear(out, features, coef, num_coef, intercept, threshold, 0, raw, prob, pred,
                        errbuf, errlen);
}

int tide_ml_svc_score(tide_batch *out, const tide_column *features, const double *coef,
                      int32_t num_coef, double intercept, double threshold, tide_column *raw,
                      tide_column *pred, char *errbuf, size_t errlen)
{
    return score_linear(out, features, coef, num_coef, intercept, threshold, 1, raw, NULL, pred,
                        errbuf, errlen);
}

double tide_ml_lr_loss_grad(const tide_column *features, const double *labels,
                            const double *weights, int64_t begin, int64_t end, const double *coef,
                            const double *scale, int32_t num_coef, int32_t fit_intercept,
                            double *grad, double *weight_sum)
{
    const int64_t *off = features->values;
    const int32_t *ci = features->children[0].values;
    const double *cv = features->children[1].values;
    double intercept = fit_intercept ? coef[num_coef] : 0.0;
    double loss = 0.0, wsum = 0.0, gb = 0.0;
    for (int64_t i = begin; i < end && i < begin + TIDE_PREFETCH_ROWS; i++)
        prefetch_row(features, i, coef, grad);
    for (int64_t i = begin; i < end; i++) {
        if (i + TIDE_PREFETCH_ROWS < end)
            prefetch_row(features, i + TIDE_PREFETCH_ROWS, coef, grad);
        if (!tide_valid(features, i)) continue;
        double w = weights ? weights[i] : 1.0;
        if (w == 0.0) continue;
        double y = labels[i];
        double m = intercept + row_dot(features, i, coef, scale);
        /* log(1 + e^m) and sigmoid(m) from one exp */
        double e = exp(-fabs(m));
        loss += w * ((m > 0 ? m : 0.0) + log1p(e) - y * m);
        double p = m >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        double g = w * (p - y);
        if (scale)
            for (int64_t k = off[i]; k < off[i + 1]; k++)
                grad[ci[k]] += g * cv[k] * scale[ci[k]];
        else
            for (int64_t k = off[i]; k < off[i + 1]; k++)
                grad[ci[k]] += g * cv[k];
        gb += g;
        wsum += w;
    }
    if (fit_intercept) grad[num_coef] += gb;
    *weight_sum += wsum;
    return loss;
}

/* FTRL's weight of one coordinate from its state. */
static inline double ftrl_weight(double z, double n, double alpha, double beta, double l1,
                                 double l2)
{
    if (fabs(z) <= l1) return 0.0;
    double sign = z < 0 ? -1.0 : 1.0;
    return -(z - sign * l1) / ((beta + sqrt(n)) / alpha + l2);
}

void tide_ml_ftrl_weights(const double *z, const double *n, int32_t count, double alpha,
                          double beta, double l1, double l2, double *w)
{
    for (int32_t j = 0; j < count; j++)
        w[j] = ftrl_weight(z[j], n[j], alpha, beta, l1, l2);
}

static inline void ftrl_step(double *z, double *n, int32_t j, double g, double w, double alpha)
{
    double sigma = (sqrt(n[j] + g * g) - sqrt(n[j])) / alpha;
    z[j] += g - sigma * w;
    n[j] += g * g;
}

double tide_ml_ftrl_update(const tide_column *features, const double *labels, const double *weights,
                           int64_t begin, int64_t end, double *z, double *n, int32_t num_features,
                           double alpha, double beta, double l1, double l2, int64_t *rows)
{
    const int64_t *off = features->values;
    const int32_t *ci = features->children[0].values;
    const double *cv = features->children[1].values;
    double loss = 0.0;
    int32_t bias = num_features;
    for (int64_t i = begin; i < end; i++) {
        if (!tide_column_is_valid(features, i) || isnan(labels[i])) continue;
        double sw = weights ? weights[i] : 1.0;
        if (sw == 0.0) continue;
        double wb = ftrl_weight(z[bias], n[bias], alpha, beta, l1, l2);
        double m = wb;
        for (int64_t e = off[i]; e < off[i + 1]; e++) {
            int32_t j = ci[e];
            m += ftrl_weight(z[j], n[j], alpha, beta, l1, l2) * cv[e];
        }
        double y = labels[i];
        loss += sw * (log1pexp(m) - y * m);
        double g = sw * (sigmoid(m) - y);
        for (int64_t e = off[i]; e < off[i + 1]; e++) {
            int32_t j = ci[e];
            double w = ftrl_weight(z[j], n[j], alpha, beta, l1, l2);
            ftrl_step(z, n, j, g * cv[e], w, alpha);
        }
        ftrl_step(z, n, bias, g, wb, alpha);
        (*rows)++;
    }
    return loss;
}

/* ---- a fused pipeline's scores ------------------------------------------------ */

/* The values numeric term t puts into the features, one per row (NaN for
   a null kept by VectorAssembler), with the rows the assembler skips
   marked in drop. -1 when it would raise an error for a row. */
static int numeric_values(const tide_ml_linear_term *t, int64_t begin, int64_t end, double *out,
                          uint8_t *drop)
{
    const tide_column *c = t->column;
    /* A loop a step, each without a branch per row where it can: the
       numbers, then the nulls and NaNs (when the column can hold them),
       then the scaling. */
    if (c->type == TIDE_INT32) {
        const int32_t *v = c->values;
        for (int64_t i = begin; i < end; i++)
            out[i] = v[i];
    } else if (c->type == TIDE_FLOAT64) {
        const double *v = c->values;
        for (int64_t i = begin; i < end; i++)
            out[i] = v[i];
    } else {
        for (int64_t i = begin; i < end; i++)
            out[i] = tide_number_at(c, i);
    }
    if (c->validity || c->type == TIDE_FLOAT32 || c->type == TIDE_FLOAT64) {
        for (int64_t i = begin; i < end; i++) {
            int valid = tide_valid(c, i);
            if (!valid) out[i] = NAN;
            /* a NaN is invalid as a null is, except under keep (tide_ml_assemble) */
            if (!valid || (isnan(out[i]) && t->invalid != TIDE_ML_KEEP)) {
                if (t->invalid == TIDE_ML_ERROR) return -1;
                if (t->invalid == TIDE_ML_SKIP) drop[i] = 1;
            }
        }
    }
    /* -0.0 is no entry to the assembler: the scaler sees +0.0. */
    double shift = t->shift, mult = t->mult, add = t->add;
    if (!t->scaled) {
        for (int64_t i = begin; i < end; i++)
            if (out[i] == 0.0) out[i] = 0.0;
    } else if (t->dense) {
        for (int64_t i = begin; i < end; i++) {
            double x = out[i] == 0.0 ? 0.0 : out[i];
            out[i] = (x - shift) * mult + add;
        }
    } else {
        for (int64_t i = begin; i < end; i++) {
            double x = out[i] == 0.0 ? 0.0 : out[i];
            out[i] = x * mult;
        }
    }
    return 0;
}

/* The feature one-hot term t sets in each row (-1: none). -1 when a stage
   would raise an error for a row. */
static int one_hot_features(const tide_ml_linear_term *t, int64_t begin, int64_t end, double *out)
{
    int32_t unknown = tide_ml_dict_size(t->dict);
    int32_t found[256];
    for (int64_t start = begin; start < end; start += 256) {
        int64_t stop = end - start < 256 ? end : start + 256;
        tide_ml_dict_find_rows(t->dict, t->column, start, stop, found);
        for (int64_t i = start; i < stop; i++) {
            int64_t cat = found[i - start];
            if (cat < 0) {
                if (t->unseen != TIDE_ML_KEEP) return -1;
                cat = unknown;
            }
            if (cat >= t->categories) {
                if (t->ohe_invalid != TIDE_ML_KEEP) return -1;
                cat = t->categories;
            }
            out[i] = cat < t->block_size ? (double)(t->position + cat) : -1.0;
        }
    }
    return 0;
}

/* Rows below which a fused score is computed on the calling thread alone:
   handing rows to a worker costs more. */
#define MIN_PARALLEL_ROWS 1024

/* One thread's share of a fused score: rows [begin, end) of every term's
   values, then of the scores. Rows, not terms, are shared out, so that
   every thread has the same work (the numeric terms and the dot product
   included) and none writes a byte another writes. */
typedef struct score_part {
    tide_task task;
    const tide_ml_linear_term *terms;
    int32_t num_terms;
    int64_t begin, end, rows;
    const double *coef;
    int32_t num_coef;
    double intercept, threshold;
    tide_batch *out;
    tide_column *raw, *prob, *pred;
    double *values; /* [term * rows + row] */
    int32_t *idx;   /* a row's entries, as the last VectorAssembler holds them */
    double *val;
    uint8_t *drop;
    int64_t dropped;
    int rc;
} score_part;

static void score_rows(void *arg)
{
    score_part *p = arg;
    const tide_ml_linear_term *terms = p->terms;
    int32_t num_terms = p->num_terms;
    int64_t rows = p->rows, begin = p->begin, end = p->end;
    /* Each term's values first, a term at a time: one dictionary at a time
       stays in the caches, and each loop is over one column. */
    for (int32_t k = 0; k < num_terms && p->rc == 0; k++) {
        const tide_ml_linear_term *t = &terms[k];
        double *out = p->values + (size_t)k * (size_t)rows;
        p->rc = t->kind == TIDE_ML_TERM_NUMERIC ? numeric_values(t, begin, end, out, p->drop)
                                                : one_hot_features(t, begin, end, out);
    }
    if (p->rc != 0) return;
    const double *coef = p->coef;
    int32_t num_coef = p->num_coef;
    int32_t *idx = p->idx;
    double *val = p->val;
    int64_t entries = 2 * begin; /* raw's: two a row, every row valid */
    for (int64_t i = begin; i < end; i++) {
        if (i + TIDE_PREFETCH_ROWS < end)
            for (int32_t k = 0; k < num_terms; k++) {
                if (terms[k].kind != TIDE_ML_TERM_ONE_HOT) continue;
                double j = p->values[(size_t)k * (size_t)rows + (size_t)(i + TIDE_PREFETCH_ROWS)];
                if (j >= 0) tide_prefetch(&coef[(int32_t)j]);
            }
        if (p->drop && p->drop[i]) p->dropped++;
        int32_t nnz = 0;
        for (int32_t k = 0; k < num_terms; k++) {
            double v = p->values[(size_t)k * (size_t)rows + (size_t)i];
            if (terms[k].kind == TIDE_ML_TERM_NUMERIC) {
                if (v != 0.0) {
                    idx[nnz] = terms[k].position;
                    val[nnz++] = v;
                }
            } else if (v >= 0) {
                idx[nnz] = (int32_t)v;
                val[nnz++] = 1.0;
            }
        }
        /* The assembler's vector is dense when that takes less memory; a
           dense one's zeros are terms of the dot product too. */
        double m = 0.0;
        if (1.5 * (nnz + 1.0) < (double)num_coef) {
            for (int32_t e = 0; e < nnz; e++)
                m += coef[idx[e]] * val[e];
        } else {
            int32_t e = 0;
            for (int32_t j = 0; j < num_coef; j++) {
                double x = 0.0;
                if (e < nnz && idx[e] == j) x = val[e++];
                m += coef[j] * x;
            }
        }
        put_scores(p->out, p->raw, p->prob, p->pred, i, 1, p->intercept + m, p->threshold, 0,
                   &entries);
    }
}

int64_t tide_ml_linear_score(tide_batch *out, const tide_ml_linear_term *terms, int32_t num_terms,
                             int64_t rows, const double *coef, int32_t num_coef, double intercept,
                             double threshold, tide_column *raw, tide_column *prob,
                             tide_column *pred, uint8_t *drop, char *errbuf, size_t errlen)
{
    for (int32_t k = 0; k < num_terms; k++) {
        const tide_ml_linear_term *t = &terms[k];
        int text = t->column->type == TIDE_STRING || t->column->type == TIDE_BINARY;
        if (t->column->length != rows || (t->kind == TIDE_ML_TERM_ONE_HOT && (!text || !t->dict)) ||
            (t->kind == TIDE_ML_TERM_NUMERIC && t->invalid == TIDE_ML_SKIP && !drop)) {
            snprintf(errbuf, errlen, "fused scoring: input %s does not fit its term",
                     t->column->name);
            return -1;
        }
    }
    /* Each term's values (numbers, or the one-hot feature) for every row,
       in the batch's arena, whose chunks are reused batch after batch. */
    double *values =
        tide_arena_alloc(out->arena, ((size_t)num_terms * (size_t)rows + 1) * sizeof *values);
    int oom = !values;
    score_part parts[8];
    int32_t num_parts = rows >= MIN_PARALLEL_ROWS ? 1 + tide_workers_threads() : 1;
    if (num_parts > 8) num_parts = 8;
    int64_t step = (rows + num_parts - 1) / num_parts;
    for (int32_t i = 0; i < num_parts; i++) {
        int64_t begin = i * step < rows ? i * step : rows;
        parts[i] = (score_part){
            .task = {.fn = score_rows, .arg = &parts[i]},
            .terms = terms,
            .num_terms = num_terms,
            .begin = begin,
            .end = begin + step < rows ? begin + step : rows,
            .rows = rows,
            .coef = coef,
            .num_coef = num_coef,
            .intercept = intercept,
            .threshold = threshold,
            .out = out,
            .raw = raw,
            .prob = prob,
            .pred = pred,
            .values = values,
            .idx = tide_arena_alloc(out->arena, ((size_t)num_terms + 1) * sizeof(int32_t)),
            .val = tide_arena_alloc(out->arena, ((size_t)num_terms + 1) * sizeof(double)),
            .drop = drop};
        if (!parts[i].idx || !parts[i].val) oom = 1;
    }
    if (oom) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    if (init_scores(out, raw, prob, pred, rows, errbuf, errlen) != 0) return -1;
    for (int32_t i = 1; i < num_parts; i++)
        tide_workers_submit(&parts[i].task);
    score_rows(&parts[0]);
    int rc = parts[0].rc;
    int64_t dropped = parts[0].dropped;
    for (int32_t i = 1; i < num_parts; i++) {
        tide_workers_wait(&parts[i].task);
        if (parts[i].rc != 0) rc = parts[i].rc;
        dropped += parts[i].dropped;
    }
    if (rc != 0) return -2;
    end_scores(raw, prob, pred, rows, 2 * rows);
    return dropped;
}
