/*
 * aggregate_moments.c — skewness, kurtosis, covar_pop, covar_samp, corr
 * and regr_sxx ... regr_r2, with Spark's buffers and formulas, operation
 * for operation, so that the digits match: the one-pass updates of
 * CentralMomentAgg (Meng's, moments 2 to 4), Covariance and
 * PearsonCorrelation (co-moment and second moments), their merges of
 * partial buffers, and the evaluations of Spark 3.5 with
 * spark.sql.legacy.statisticalAggregate off (null, not NaN, where Spark
 * divides by zero).
 *
 * One buffer holds what every one of them needs, over values a (and b):
 * n; the means of a and b; ck, the co-moment; xMk and yMk, a's and b's
 * second moments as PearsonCorrelation updates them; m2, m3, m4, a's as
 * CentralMomentAgg does. Which argument is a follows Spark's definitions:
 * regr_slope(y, x) is Covariance(x, y) over VariancePop(x), regr_sxy(y, x)
 * Covariance(y, x), regr_r2(y, x) PearsonCorrelation(y, x).
 */
#include "aggregate_lists.h"
#include "ffi/frame_ops.h"
#include "kernel.h"

#include <math.h>

typedef struct moments {
    double n, xavg, yavg, ck, xmk, ymk, m2, m3, m4;
} moments;

static const char *const FIELDS[] = {"n", "xAvg", "yAvg", "ck", "xMk", "yMk", "m2", "m3", "m4"};
enum { NUM_FIELDS = 9 };

static void moments_add(moments *s, double x, double y)
{
    double n = s->n + 1.0;
    double dx = x - s->xavg, dxn = dx / n;
    double dy = y - s->yavg, dyn = dy / n;
    double xavg = s->xavg + dxn, yavg = s->yavg + dyn;
    s->ck = s->ck + dx * (y - yavg);
    s->xmk = s->xmk + dx * (x - xavg);
    s->ymk = s->ymk + dy * (y - yavg);
    double d2 = dx * dx, dn2 = dxn * dxn;
    double m2 = s->m2 + dx * (dx - dxn);
    double m3 = s->m3 - 3.0 * dxn * m2 + dx * (d2 - dn2);
    double m4 = s->m4 - 4.0 * dxn * m3 - 6.0 * dn2 * m2 + dx * (dx * d2 - dxn * dn2);
    s->n = n;
    s->xavg = xavg;
    s->yavg = yavg;
    s->m2 = m2;
    s->m3 = m3;
    s->m4 = m4;
}

/* Spark's mergeExpressions: s (left) absorbs r (right). */
static void moments_merge(moments *s, const moments *r)
{
    double n1 = s->n, n2 = r->n, n = n1 + n2;
    double dx = r->xavg - s->xavg, dxn = n == 0.0 ? 0.0 : dx / n;
    double dy = r->yavg - s->yavg, dyn = n == 0.0 ? 0.0 : dy / n;
    moments m;
    m.n = n;
    m.xavg = s->xavg + dxn * n2;
    m.yavg = s->yavg + dyn * n2;
    m.ck = s->ck + r->ck + dx * dyn * n1 * n2;
    m.xmk = s->xmk + r->xmk + dx * dxn * n1 * n2;
    m.ymk = s->ymk + r->ymk + dy * dyn * n1 * n2;
    m.m2 = s->m2 + r->m2 + dx * dxn * n1 * n2;
    m.m3 = s->m3 + r->m3 + dxn * dxn * dx * n1 * n2 * (n1 - n2) +
           3.0 * dxn * (n1 * r->m2 - n2 * s->m2);
    m.m4 = s->m4 + r->m4 + dxn * dxn * dxn * dx * n1 * n2 * (n1 * n1 - n1 * n2 + n2 * n2) +
           6.0 * dxn * dxn * (n1 * n1 * r->m2 + n2 * n2 * s->m2) +
           4.0 * dxn * (n1 * r->m3 - n2 * s->m3);
    *s = m;
}

/* Spark's Divide in its default (non-ANSI) mode: null by zero. */
static int divide(double a, double b, double *q)
{
    if (b == 0.0) return 0;
    *q = a / b;
    return 1;
}

/* The result of fn from a buffer; 0 for null. */
static int evaluate(int32_t fn, const moments *s, double *v)
{
    double n = s->n;
    switch (fn) {
    case TIDE_AGG_SKEWNESS:
        if (n == 0.0 || s->m2 == 0.0) return 0;
        return divide(sqrt(n) * s->m3, sqrt(s->m2 * s->m2 * s->m2), v);
    case TIDE_AGG_KURTOSIS:
        if (n == 0.0 || s->m2 == 0.0 || !divide(n * s->m4, s->m2 * s->m2, v)) return 0;
        *v = *v - 3.0;
        return 1;
    case TIDE_AGG_COVAR_POP:
        if (n == 0.0) return 0;
        return divide(s->ck, n, v);
    case TIDE_AGG_COVAR_SAMP:
        if (n == 0.0 || n == 1.0) return 0;
        return divide(s->ck, n - 1.0, v);
    case TIDE_AGG_CORR:
        if (n == 0.0 || n == 1.0) return 0;
        return divide(s->ck, sqrt(s->xmk * s->ymk), v);
    case TIDE_AGG_REGR_R2: {
        double corr;
        if (s->xmk == 0.0) return 0;
        if (s->ymk == 0.0) {
            *v = 1.0;
            return 1;
        }
        if (!divide(s->ck, sqrt(s->xmk * s->ymk), &corr)) return 0;
        *v = corr * corr;
        return 1;
    }
    case TIDE_AGG_REGR_SXX:
    case TIDE_AGG_REGR_SYY:
        if (n == 0.0) return 0;
        *v = s->m2;
        return 1;
    case TIDE_AGG_REGR_SXY:
        if (n == 0.0) return 0;
        *v = s->ck;
        return 1;
    case TIDE_AGG_REGR_SLOPE:
        return s->m2 != 0.0 && divide(s->ck, s->m2, v);
    case TIDE_AGG_REGR_INTERCEPT: {
        double slope;
        if (s->m2 == 0.0 || !divide(s->ck, s->m2, &slope)) return 0;
        *v = s->yavg - slope * s->xavg;
        return 1;
    }
    default:
        return 0;
    }
}

/* Whether fn's a is its second argument (x of regr_sxx(y, x), ...). */
static int swapped(int32_t fn)
{
    return fn == TIDE_AGG_REGR_SXX || fn == TIDE_AGG_REGR_SLOPE || fn == TIDE_AGG_REGR_INTERCEPT;
}

static void add_row(moments *s, const agg_call *c, int64_t r)
{
    if (c->stage == TIDE_AGG_MERGE || c->stage == TIDE_AGG_FINAL) {
        const tide_column *f = c->input->children;
        moments p = {((const double *)f[0].values)[r], ((const double *)f[1].values)[r],
                     ((const double *)f[2].values)[r], ((const double *)f[3].values)[r],
                     ((const double *)f[4].values)[r], ((const double *)f[5].values)[r],
                     ((const double *)f[6].values)[r], ((const double *)f[7].values)[r],
                     ((const double *)f[8].values)[r]};
        if (tide_valid(c->input, r)) moments_merge(s, &p);
        return;
    }
    const tide_column *a = c->input, *b = c->other;
    if (swapped(c->fn)) a = c->other, b = c->input;
    if (!tide_valid(a, r) || (b && !tide_valid(b, r))) return;
    moments_add(s, agg_as_double(a, r), b ? agg_as_double(b, r) : 0.0);
}

int agg_moments(tide_batch *out, tide_column *dst, const char *name, const agg_call *c,
                const agg_lists *l, char *errbuf, size_t errlen)
{
    int partial = c->stage == TIDE_AGG_PARTIAL || c->stage == TIDE_AGG_MERGE;
    int64_t n = l->count;
    if ((c->stage == TIDE_AGG_MERGE || c->stage == TIDE_AGG_FINAL) &&
        c->input->num_children != NUM_FIELDS)
        return kernel_error(errbuf, errlen, "%s: the partials are not moments", name);
    int rc = partial ? agg_alloc_double_struct(out, dst, name, FIELDS, NUM_FIELDS, n)
                     : agg_alloc_doubles(out, dst, name, n);
    if (rc != 0) return kernel_error(errbuf, errlen, "%s: out of memory", name);
    static const moments zero;
    moments s = zero;
    for (int64_t k = 0; k < n; k++) {
        int64_t from = l->lo[k];
        if (agg_extends(l, k))
            from = l->hi[k - 1];
        else
            s = zero;
        for (int64_t p = from; p < l->hi[k]; p++)
            add_row(&s, c, agg_row(l, p));
        if (partial) {
            const double v[NUM_FIELDS] = {s.n,   s.xavg, s.yavg, s.ck, s.xmk,
                                          s.ymk, s.m2,   s.m3,   s.m4};
            for (int32_t i = 0; i < NUM_FIELDS; i++)
                ((double *)dst->children[i].values)[k] = v[i];
            continue;
        }
        moments e = s;
        if (c->two_phase && c->stage == TIDE_AGG_WHOLE) {
            e = zero;
            moments_merge(&e, &s);
        }
        double v;
        if (evaluate(c->fn, &e, &v))
            ((double *)dst->values)[k] = v;
        else
            tide_mark_null(dst, k);
    }
    if (!partial) kernel_finish(dst);
    return 0;
}
