/*
 * ml_loss.c — the losses and gradients the linear classifiers' optimizer
 * minimizes, over all rows split among threads (each chunk a range of
 * rows with its own gradient, summed at the end): logistic
 * (ml_logreg.c), softmax (ml_softmax.c) and the hinge loss of a linear
 * support vector machine, here.
 */
#include "batch.h"
#include "ffi/ml.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

double tide_ml_hinge_loss_grad(const tide_column *features, const double *labels,
                               const double *weights, int64_t begin, int64_t end,
                               const double *coef, int32_t num_coef, int32_t fit_intercept,
                               double *grad, double *weight_sum)
{
    const int64_t *off = features->values;
    const int32_t *ci = features->children[0].values;
    const double *cv = features->children[1].values;
    double intercept = fit_intercept ? coef[num_coef] : 0.0;
    double loss = 0.0, wsum = 0.0, gb = 0.0;
    for (int64_t i = begin; i < end; i++) {
        if (!tide_valid(features, i)) continue;
        double w = weights ? weights[i] : 1.0;
        if (w == 0.0) continue;
        wsum += w;
        double m = 0.0;
        for (int64_t e = off[i]; e < off[i + 1]; e++)
            m += coef[ci[e]] * cv[e];
        m += intercept;
        /* labels 0 and 1 as -1 and +1; only a margin short of 1 costs */
        double signed_label = 2.0 * labels[i] - 1.0;
        if (1.0 > signed_label * m) {
            loss += (1.0 - signed_label * m) * w;
            double g = -signed_label * w;
            for (int64_t e = off[i]; e < off[i + 1]; e++)
                grad[ci[e]] += g * cv[e];
            gb += g;
        }
    }
    if (fit_intercept) grad[num_coef] += gb;
    *weight_sum += wsum;
    return loss;
}

typedef struct {
    const tide_column *features;
    const double *labels, *weights, *coef;
    int64_t begin, end;
    int32_t kind, num_coef, num_sets, fit_intercept;
    double *grad, *margins;
    double loss, weight_sum;
} loss_chunk;

static void *loss_chunk_run(void *arg)
{
    loss_chunk *c = arg;
    if (c->kind == TIDE_ML_LOSS_SOFTMAX)
        c->loss = tide_ml_softmax_loss_grad(c->features, c->labels, c->weights, c->begin, c->end,
                                            c->coef, c->num_coef, c->num_sets, c->fit_intercept,
                                            c->margins, c->grad, &c->weight_sum);
    else if (c->kind == TIDE_ML_LOSS_HINGE)
        c->loss =
            tide_ml_hinge_loss_grad(c->features, c->labels, c->weights, c->begin, c->end, c->coef,
                                    c->num_coef, c->fit_intercept, c->grad, &c->weight_sum);
    else
        c->loss =
            tide_ml_lr_loss_grad(c->features, c->labels, c->weights, c->begin, c->end, c->coef,
                                 NULL, c->num_coef, c->fit_intercept, c->grad, &c->weight_sum);
    return NULL;
}

int32_t tide_ml_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int32_t)n;
}

double tide_ml_loss_grad_parallel(int32_t kind, const tide_column *features, const double *labels,
                                  const double *weights, int64_t rows, const double *coef,
                                  int32_t num_coef, int32_t num_sets, int32_t fit_intercept,
                                  int32_t threads, double *grad, double *weight_sum)
{
    /* Threads pay off only when each has enough rows to amortise its own
       gradient buffer. */
    if (threads > 1 && rows < (int64_t)threads * 20000) threads = (int32_t)(rows / 20000);
    if (threads < 1) threads = 1;
    if (threads > 16) threads = 16;
    if (kind != TIDE_ML_LOSS_SOFTMAX || num_sets < 1) num_sets = 1;
    size_t dim = ((size_t)num_coef + (fit_intercept ? 1 : 0)) * (size_t)num_sets;
    loss_chunk chunks[16];
    pthread_t ids[16];
    int started[16] = {0};
    /* Each chunk's scratch margins (num_sets), then the private gradients
       of chunks 1.. (chunk 0 adds into the caller's). */
    double *scratch = calloc((size_t)threads * (size_t)num_sets + (size_t)(threads - 1) * dim + 1,
                             sizeof(double));
    if (!scratch) {
        *weight_sum = NAN;
        return NAN;
    }
    for (int32_t t = 0; t < threads; t++) {
        loss_chunk *c = &chunks[t];
        memset(c, 0, sizeof *c);
        c->features = features;
        c->labels = labels;
        c->weights = weights;
        c->coef = coef;
        c->kind = kind;
        c->num_coef = num_coef;
        c->num_sets = num_sets;
        c->fit_intercept = fit_intercept;
        c->begin = rows * t / threads;
        c->end = rows * (t + 1) / threads;
        c->margins = scratch + (size_t)t * (size_t)num_sets;
        c->grad =
            t == 0 ? grad : scratch + (size_t)threads * (size_t)num_sets + (size_t)(t - 1) * dim;
        if (t > 0 && pthread_create(&ids[t], NULL, loss_chunk_run, c) == 0) started[t] = 1;
    }
    loss_chunk_run(&chunks[0]);
    double loss = chunks[0].loss, wsum = chunks[0].weight_sum;
    for (int32_t t = 1; t < threads; t++) {
        loss_chunk *c = &chunks[t];
        if (started[t])
            pthread_join(ids[t], NULL);
        else
            loss_chunk_run(c); /* no thread: do the chunk here */
        for (size_t j = 0; j < dim; j++)
            grad[j] += c->grad[j];
        loss += c->loss;
        wsum += c->weight_sum;
    }
    free(scratch);
    *weight_sum += wsum;
    return loss;
}
