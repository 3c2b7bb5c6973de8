/*
 * aggregate_order.c — the aggregates that sort a list's values:
 * percentile (Spark's exact one: the values with their frequencies in
 * order, the position (n - 1) * p between two of them interpolated),
 * percentile_approx (the first value whose rank reaches ceil(p * n), which
 * is what Spark's approximation is within its accuracy of, so exact) and
 * mode (the most frequent value; of equally frequent ones the least,
 * where Spark 3.5 leaves it to its hash map's order).
 *
 * Each list's rows are sorted by a stable merge sort of their indices; a
 * frame equal to the one before it takes that one's answer.
 */
#include "aggregate_lists.h"
#include "ffi/frame_ops.h"
#include "kernel.h"
#include "row_compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct sort_ctx {
    const tide_column *col; /* rows compared as values of col, or */
    const double *values;   /* positions compared as values[position] */
} sort_ctx;

static int before(const sort_ctx *s, int64_t a, int64_t b)
{
    int r = s->col ? tide_compare_values(s->col, a, b)
                   : tide_compare_double(s->values[a], s->values[b]);
    return r < 0;
}

/* Sorts idx[0..n) (stable), tmp having room for n. */
static void merge_sort(int64_t *idx, int64_t *tmp, int64_t n, const sort_ctx *s)
{
    for (int64_t width = 1; width < n; width *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * width) {
            int64_t mid = lo + width < n ? lo + width : n;
            int64_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            int64_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = before(s, idx[j], idx[i]) ? idx[j++] : idx[i++];
            while (i < mid)
                tmp[k++] = idx[i++];
            while (j < hi)
                tmp[k++] = idx[j++];
        }
        memcpy(idx, tmp, (size_t)n * sizeof *idx);
    }
}

static int same_as_previous(const agg_lists *l, int64_t k)
{
    return k > 0 && !l->order && l->lo[k] == l->lo[k - 1] && l->hi[k] == l->hi[k - 1];
}

static int equal_keys(double a, double b)
{
    return a == b || (a != a && b != b);
}

/* The first sorted position whose running count reaches `count`. */
static int64_t position_of(const int64_t *running, int64_t m, int64_t count)
{
    int64_t lo = 0, hi = m - 1;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (running[mid] >= count)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Spark's Percentile.getPercentile over values sorted (pos) with running
   counts. */
static double percentile_at(const double *values, const int64_t *pos, const int64_t *running,
                            int64_t m, double p)
{
    double position = (double)(running[m - 1] - 1) * p;
    int64_t lower = (int64_t)floor(position), higher = (int64_t)ceil(position);
    double lower_key = values[pos[position_of(running, m, lower + 1)]];
    if (higher == lower) return lower_key;
    double higher_key = values[pos[position_of(running, m, higher + 1)]];
    if (equal_keys(higher_key, lower_key)) return lower_key;
    return ((double)higher - position) * lower_key + (position - (double)lower) * higher_key;
}

typedef struct scratch {
    int64_t *idx, *tmp, *running;
    double *values;
    int64_t *freq;
} scratch;

static void scratch_free(scratch *s)
{
    free(s->idx);
    free(s->tmp);
    free(s->running);
    free(s->values);
    free(s->freq);
}

static int percentile(tide_batch *out, tide_column *dst, const char *name, const agg_call *c,
                      const agg_lists *l, scratch *s, char *errbuf, size_t errlen)
{
    int32_t np = c->num_percentages;
    int64_t n = l->count;
    double *res;
    if (c->as_array) {
        if (kernel_alloc(out, dst, name, TIDE_ARRAY, 0, 0, n, 0) != 0 ||
            kernel_validity(out, dst) != 0 ||
            kernel_alloc(out, &dst->children[0], "element", TIDE_FLOAT64, 0, 0, n * np, 0) != 0)
            return kernel_error(errbuf, errlen, "%s: out of memory", name);
        res = dst->children[0].values;
    } else {
        if (agg_alloc_doubles(out, dst, name, n) != 0)
            return kernel_error(errbuf, errlen, "%s: out of memory", name);
        res = dst->values;
    }
    int64_t *offsets = c->as_array ? dst->values : NULL, used = 0;
    int have = 0;
    for (int64_t k = 0; k < n; k++) {
        if (!same_as_previous(l, k)) {
            int64_t m = 0;
            for (int64_t p = l->lo[k]; p < l->hi[k]; p++) {
                int64_t r = agg_row(l, p);
                if (!tide_valid(c->input, r) || (c->other && !tide_valid(c->other, r))) continue;
                int64_t f = 1;
                if (c->other)
                    f = c->other->type == TIDE_INT64 ? ((const int64_t *)c->other->values)[r]
                                                     : ((const int32_t *)c->other->values)[r];
                if (f < 0)
                    return kernel_error(errbuf, errlen,
                                        "%s: a negative frequency (%lld); frequencies count rows",
                                        name, (long long)f);
                if (f == 0) continue;
                s->values[m] = agg_as_double(c->input, r);
                s->freq[m] = f;
                s->idx[m] = m;
                m++;
            }
            have = m > 0;
            if (have) {
                sort_ctx ctx = {NULL, s->values};
                merge_sort(s->idx, s->tmp, m, &ctx);
                int64_t total = 0;
                for (int64_t i = 0; i < m; i++) {
                    if (__builtin_add_overflow(total, s->freq[s->idx[i]], &total))
                        return kernel_error(errbuf, errlen, "%s: the frequencies pass 2^63", name);
                    s->running[i] = total;
                }
                for (int32_t j = 0; j < np; j++)
                    res[(c->as_array ? used : k) + j] =
                        percentile_at(s->values, s->idx, s->running, m, c->percentages[j]);
            }
        } else if (have) {
            int64_t from = c->as_array ? offsets[k - 1] : k - 1, to = c->as_array ? used : k;
            memcpy(&res[to], &res[from], (size_t)(c->as_array ? np : 1) * sizeof *res);
        }
        if (c->as_array) {
            offsets[k] = used;
            if (have)
                used += np;
            else
                tide_mark_null(dst, k);
            offsets[k + 1] = used;
        } else if (!have) {
            tide_mark_null(dst, k);
        }
    }
    if (c->as_array) dst->children[0].length = used;
    kernel_finish(dst);
    return 0;
}

/* percentile_approx and mode: the row each list (and percentage) takes,
   gathered from the input, whatever its type. */
static int pick_sorted(tide_batch *out, tide_column *dst, const char *name, const agg_call *c,
                       const agg_lists *l, scratch *s, char *errbuf, size_t errlen)
{
    int approx = c->fn == TIDE_AGG_PERCENTILE_APPROX;
    int32_t np = approx ? c->num_percentages : 1;
    int64_t n = l->count;
    int64_t *rows = malloc(((size_t)n * (size_t)np + 1) * sizeof *rows);
    int32_t *which = malloc(((size_t)n + 1) * sizeof *which);
    int rc = -1;
    if (!rows || !which) {
        kernel_error(errbuf, errlen, "%s: out of memory", name);
        goto done;
    }
    sort_ctx ctx = {c->input, NULL};
    int64_t used = 0;
    for (int64_t k = 0; k < n; k++) {
        if (same_as_previous(l, k)) {
            which[k] = which[k - 1];
            if (which[k] == 0) {
                memmove(&rows[used], &rows[used - np], (size_t)np * sizeof *rows);
                used += np;
            }
            continue;
        }
        int64_t m = 0;
        for (int64_t p = l->lo[k]; p < l->hi[k]; p++) {
            int64_t r = agg_row(l, p);
            if (tide_valid(c->input, r)) s->idx[m++] = r;
        }
        which[k] = m > 0 ? 0 : -1;
        if (m == 0) continue;
        merge_sort(s->idx, s->tmp, m, &ctx);
        if (approx) {
            for (int32_t j = 0; j < np; j++) {
                double rank = ceil(c->percentages[j] * (double)m);
                int64_t at = rank < 1 ? 0 : rank >= (double)m ? m - 1 : (int64_t)rank - 1;
                rows[used++] = s->idx[at];
            }
        } else {
            /* runs of equal values; a longer run only replaces the best */
            int64_t best = 0, best_len = 0;
            for (int64_t i = 0; i < m;) {
                int64_t j = i + 1;
                while (j < m && tide_compare_values(c->input, s->idx[i], s->idx[j]) == 0)
                    j++;
                if (j - i > best_len) best = i, best_len = j - i;
                i = j;
            }
            rows[used++] = s->idx[best];
        }
    }
    if (!approx || !c->as_array) {
        /* one row per list: rows hold the chosen rows of the lists that have one */
        int64_t *full = malloc(((size_t)n + 1) * sizeof *full);
        if (!full) {
            kernel_error(errbuf, errlen, "%s: out of memory", name);
            goto done;
        }
        for (int64_t k = 0, u = 0; k < n; k++)
            full[k] = which[k] == 0 ? rows[u++] : 0;
        rc = kernel_gather(out, dst, name, &c->input, 1, which, full, n, errbuf, errlen);
        free(full);
        goto done;
    }
    if (kernel_alloc(out, dst, name, TIDE_ARRAY, 0, 0, n, 0) != 0 ||
        kernel_validity(out, dst) != 0) {
        kernel_error(errbuf, errlen, "%s: out of memory", name);
        goto done;
    }
    int64_t *offsets = dst->values, at = 0;
    for (int64_t k = 0; k < n; k++) {
        offsets[k] = at;
        if (which[k] == 0)
            at += np;
        else
            tide_mark_null(dst, k);
    }
    offsets[n] = at;
    rc = kernel_gather(out, &dst->children[0], "element", &c->input, 1, NULL, rows, used, errbuf,
                       errlen);
    if (rc == 0) kernel_finish(dst);
done:
    free(rows);
    free(which);
    return rc;
}

int agg_ordered(tide_batch *out, tide_column *dst, const char *name, const agg_call *c,
                const agg_lists *l, char *errbuf, size_t errlen)
{
    int64_t longest = 0;
    for (int64_t k = 0; k < l->count; k++)
        if (l->hi[k] - l->lo[k] > longest) longest = l->hi[k] - l->lo[k];
    size_t room = (size_t)longest + 1;
    scratch s = {malloc(room * sizeof(int64_t)), malloc(room * sizeof(int64_t)), NULL, NULL, NULL};
    int percentiles = c->fn == TIDE_AGG_PERCENTILE;
    if (percentiles) {
        s.running = malloc(room * sizeof(int64_t));
        s.values = malloc(room * sizeof(double));
        s.freq = malloc(room * sizeof(int64_t));
    }
    int rc;
    if (!s.idx || !s.tmp || (percentiles && (!s.running || !s.values || !s.freq)))
        rc = kernel_error(errbuf, errlen, "%s: out of memory", name);
    else if (percentiles)
        rc = percentile(out, dst, name, c, l, &s, errbuf, errlen);
    else
        rc = pick_sorted(out, dst, name, c, l, &s, errbuf, errlen);
    scratch_free(&s);
    return rc;
}
