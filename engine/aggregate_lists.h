/*
 * aggregate_lists.h — what the kernels of tide_aggregate_groups and
 * tide_aggregate_frames share (not part of the FFI). Both compute one
 * aggregate per list of rows: a group's rows (sorted by group, in the
 * rows' order) or a window frame's. A list that starts where the one
 * before it starts and ends no earlier (a running frame, or the same
 * frame again) goes on from that one's state, so a partition's frames
 * cost one pass.
 */
#ifndef TIDE_AGGREGATE_LISTS_H
#define TIDE_AGGREGATE_LISTS_H
#include "batch.h"

#include <stddef.h>

typedef struct agg_call {
    int32_t fn, stage;
    const tide_column *input, *other;
    const double *percentages;
    int32_t num_percentages, as_array;
    /* Grouped: Spark's final aggregation merges each group's partial
       buffer into an empty one, which can move a mean's last digit. */
    int two_phase;
} agg_call;

/* List k: rows order[lo[k]], ..., order[hi[k] - 1] (order NULL: lo[k] to
   hi[k] - 1). */
typedef struct agg_lists {
    const int64_t *order;
    int64_t count;
    const int64_t *lo, *hi;
} agg_lists;

static inline int64_t agg_row(const agg_lists *l, int64_t p)
{
    return l->order ? l->order[p] : p;
}

/* Whether list k goes on from list k - 1: its rows are k - 1's and then
   rows [hi[k - 1], hi[k]). */
static inline int agg_extends(const agg_lists *l, int64_t k)
{
    return k > 0 && !l->order && l->lo[k] == l->lo[k - 1] && l->hi[k] >= l->hi[k - 1];
}

/* Row r of a numeric column as Spark's cast to double gives it. */
double agg_as_double(const tide_column *c, int64_t r);

/* dst: num_rows doubles with a validity bitmap, every row valid. */
int agg_alloc_doubles(tide_batch *out, tide_column *dst, const char *name, int64_t n);

/* A struct column of num_fields double fields named `fields`, n rows. */
int agg_alloc_double_struct(tide_batch *out, tide_column *dst, const char *name,
                            const char *const *fields, int32_t num_fields, int64_t n);

/* skewness, kurtosis, covar_*, corr, regr_sxx ... regr_r2. */
int agg_moments(tide_batch *out, tide_column *dst, const char *name, const agg_call *c,
                const agg_lists *l, char *errbuf, size_t errlen);

/* histogram_numeric (aggregate_histogram.c): nb is percentages[0]. */
int agg_histogram(tide_batch *out, tide_column *dst, const char *name, const agg_call *c,
                  const agg_lists *l, char *errbuf, size_t errlen);

/* percentile, percentile_approx, mode. */
int agg_ordered(tide_batch *out, tide_column *dst, const char *name, const agg_call *c,
                const agg_lists *l, char *errbuf, size_t errlen);

#endif
