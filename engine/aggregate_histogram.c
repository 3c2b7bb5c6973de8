/*
 * aggregate_histogram.c — histogram_numeric(x, nb): Spark's
 * NumericHistogram (Hive's, after Ben-Haim and Tom-Tov's Algorithm #1),
 * step for step, so its bins are Spark's: each value added in the rows'
 * order to nb bins at most, the two closest bins merged whenever one too
 * many, ties between equally close pairs broken by java.util.Random(31183)
 * as Spark's breaks them. A group's or frame's histogram starts a new one
 * (a new Random too), as Spark's aggregation buffer does; a grouped one's
 * final merge into an empty buffer is a copy, which changes nothing.
 */
#include "aggregate_lists.h"
#include "ffi/frame_ops.h"
#include "kernel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* java.util.Random: a 48-bit linear congruential generator. */
typedef struct java_random {
    uint64_t seed;
} java_random;

#define JAVA_RANDOM_MULTIPLIER 0x5DEECE66DULL
#define JAVA_RANDOM_MASK       ((1ULL << 48) - 1)

static void java_random_init(java_random *r, int64_t seed)
{
    r->seed = ((uint64_t)seed ^ JAVA_RANDOM_MULTIPLIER) & JAVA_RANDOM_MASK;
}

static int32_t java_random_next(java_random *r, int bits)
{
    r->seed = (r->seed * JAVA_RANDOM_MULTIPLIER + 0xBULL) & JAVA_RANDOM_MASK;
    return (int32_t)(r->seed >> (48 - bits));
}

static double java_random_next_double(java_random *r)
{
    int64_t hi = java_random_next(r, 26), lo = java_random_next(r, 27);
    return (double)((hi << 27) + lo) * 0x1.0p-53;
}

typedef struct histogram {
    int32_t nbins, used;
    double *x, *y; /* nbins + 1 bins: one more for the value being added */
    java_random prng;
} histogram;

static void histogram_reset(histogram *h)
{
    h->used = 0;
    java_random_init(&h->prng, 31183);
}

/* Merges the two closest bins until nbins are left (NumericHistogram.trim). */
static void histogram_trim(histogram *h)
{
    while (h->used > h->nbins) {
        double smallest = h->x[1] - h->x[0];
        int32_t loc = 0, count = 1;
        for (int32_t i = 1; i < h->used - 1; i++) {
            double diff = h->x[i + 1] - h->x[i];
            if (diff < smallest) {
                smallest = diff;
                loc = i;
                count = 1;
            } else if (diff == smallest &&
                       java_random_next_double(&h->prng) <= 1.0 / (double)++count) {
                loc = i;
            }
        }
        /* Java's order of operations, each step rounded as a double */
        double d = h->y[loc] + h->y[loc + 1];
        double scale = h->y[loc] / d;
        h->x[loc] *= scale;
        double right = h->x[loc + 1] / d;
        right *= h->y[loc + 1];
        h->x[loc] += right;
        h->y[loc] = d;
        for (int32_t i = loc + 1; i < h->used - 1; i++) {
            h->x[i] = h->x[i + 1];
            h->y[i] = h->y[i + 1];
        }
        h->used--;
    }
}

/* NumericHistogram.add: a binary search for v's place (NaN compares as
   Java's doubles do: neither greater nor less), a count more for a bin at
   exactly v, else a new bin and a trim. */
static void histogram_add(histogram *h, double v)
{
    int32_t bin = 0;
    for (int32_t l = 0, r = h->used; l < r;) {
        bin = (l + r) / 2;
        if (h->x[bin] > v) {
            r = bin;
        } else if (h->x[bin] < v) {
            l = ++bin;
        } else {
            break;
        }
    }
    if (bin < h->used && h->x[bin] == v) {
        h->y[bin] += 1;
        return;
    }
    for (int32_t i = h->used; i > bin; i--) {
        h->x[i] = h->x[i - 1];
        h->y[i] = h->y[i - 1];
    }
    h->x[bin] = v;
    h->y[bin] = 1;
    if (++h->used > h->nbins) histogram_trim(h);
}

/* Java's (int) of a double: NaN 0, saturated at the int's range. */
static int32_t java_d2i(double d)
{
    if (isnan(d)) return 0;
    if (d >= 2147483647.0) return INT32_MAX;
    if (d <= -2147483648.0) return INT32_MIN;
    return (int32_t)d;
}

/* Row r of the input as the double Spark adds (a date its day, a
   timestamp its microseconds). */
static double value_at(const tide_column *in, int64_t r)
{
    switch (in->type) {
    case TIDE_DATE:
        return ((const int32_t *)in->values)[r];
    case TIDE_TIMESTAMP:
        return (double)((const int64_t *)in->values)[r];
    default:
        return agg_as_double(in, r);
    }
}

int agg_histogram(tide_batch *out, tide_column *dst, const char *name, const agg_call *c,
                  const agg_lists *l, char *errbuf, size_t errlen)
{
    const tide_column *in = c->input;
    int64_t n = l->count;
    histogram h = {(int32_t)c->percentages[0], 0, NULL, NULL, {0}};
    /* every list's bins, in order, before the result's columns are made */
    int64_t cap = 64, total = 0;
    double *all_x = malloc((size_t)cap * sizeof *all_x),
           *all_y = malloc((size_t)cap * sizeof *all_y);
    int64_t *bounds = malloc(((size_t)n + 1) * sizeof *bounds);
    /* the bins allocated so far, grown as they fill, up to nbins + 1 */
    int64_t room = (int64_t)h.nbins + 1 < 1024 ? (int64_t)h.nbins + 1 : 1024;
    h.x = malloc((size_t)room * sizeof *h.x);
    h.y = malloc((size_t)room * sizeof *h.y);
    int rc = -1;
    if (!all_x || !all_y || !bounds || !h.x || !h.y) goto oom;
    histogram_reset(&h);
    bounds[0] = 0;
    for (int64_t k = 0; k < n; k++) {
        int64_t from = l->lo[k];
        if (agg_extends(l, k))
            from = l->hi[k - 1];
        else
            histogram_reset(&h);
        for (int64_t p = from; p < l->hi[k]; p++) {
            int64_t r = agg_row(l, p);
            if (!tide_valid(in, r)) continue;
            if (h.used + 1 >= room && room <= h.nbins) {
                int64_t want = room * 2 < (int64_t)h.nbins + 1 ? room * 2 : (int64_t)h.nbins + 1;
                double *nx = realloc(h.x, (size_t)want * sizeof *nx);
                if (!nx) goto oom;
                h.x = nx;
                double *ny = realloc(h.y, (size_t)want * sizeof *ny);
                if (!ny) goto oom;
                h.y = ny;
                room = want;
            }
            histogram_add(&h, value_at(in, r));
        }
        if (total + h.used > cap) {
            while (total + h.used > cap)
                cap *= 2;
            double *nx = realloc(all_x, (size_t)cap * sizeof *nx);
            if (!nx) goto oom;
            all_x = nx;
            double *ny = realloc(all_y, (size_t)cap * sizeof *ny);
            if (!ny) goto oom;
            all_y = ny;
        }
        memcpy(all_x + total, h.x, (size_t)h.used * sizeof *all_x);
        memcpy(all_y + total, h.y, (size_t)h.used * sizeof *all_y);
        total += h.used;
        bounds[k + 1] = total;
    }
    /* array<struct<x: the input's type, y: double>>, null without a value */
    static const char *const fields[] = {"x", "y"};
    int32_t xt = in->type;
    if (xt != TIDE_INT32 && xt != TIDE_INT64 && xt != TIDE_DATE && xt != TIDE_TIMESTAMP &&
        xt != TIDE_FLOAT32)
        xt = TIDE_FLOAT64;
    if (kernel_alloc(out, dst, name, TIDE_ARRAY, 0, 0, n, 0) != 0 ||
        kernel_validity(out, dst) != 0 ||
        kernel_alloc(out, &dst->children[0], "element", TIDE_STRUCT, 0, 0, total, 0) != 0)
        goto oom;
    tide_column *st = &dst->children[0];
    if (!(st->children = tide_arena_calloc(out->arena, 2 * sizeof(tide_column)))) goto oom;
    st->num_children = 2;
    if (kernel_alloc(out, &st->children[0], fields[0], xt, 0, 0, total, 0) != 0 ||
        kernel_alloc(out, &st->children[1], fields[1], TIDE_FLOAT64, 0, 0, total, 0) != 0)
        goto oom;
    void *xs = st->children[0].values;
    for (int64_t i = 0; i < total; i++) {
        double v = all_x[i];
        switch (xt) {
        case TIDE_INT32:
        case TIDE_DATE:
            ((int32_t *)xs)[i] = java_d2i(v);
            break;
        case TIDE_INT64:
        case TIDE_TIMESTAMP:
            ((int64_t *)xs)[i] = kernel_java_d2l(v);
            break;
        case TIDE_FLOAT32:
            ((float *)xs)[i] = (float)v;
            break;
        default:
            ((double *)xs)[i] = v;
        }
    }
    memcpy(st->children[1].values, all_y, (size_t)total * sizeof *all_y);
    memcpy(dst->values, bounds, ((size_t)n + 1) * sizeof *bounds);
    for (int64_t k = 0; k < n; k++)
        if (bounds[k + 1] == bounds[k]) tide_mark_null(dst, k);
    kernel_finish(dst);
    rc = 0;
    goto done;
oom:
    kernel_error(errbuf, errlen, "%s: out of memory", name);
done:
    free(all_x);
    free(all_y);
    free(bounds);
    free(h.x);
    free(h.y);
    return rc;
}
