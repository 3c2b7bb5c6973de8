/* Batch DataFrame operations: sampling, sorting and grouped aggregation
   (sample.c, sort.c, aggregate*.c); their rows are gathered with
   tide_batch_take (ffi/batch_ops.h).
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well. */
#ifndef TIDE_FFI_FRAME_OPS_H
#define TIDE_FFI_FRAME_OPS_H

#include "tide_ffi.h"

/* The rows whose uniform draw u (a hash of seed and first_index + row,
   in [0, 1)) falls in [lo, hi): their indices go to out (room for
   num_rows); returns how many. The same seed gives the same draws, so
   splits by adjacent ranges are disjoint and together complete. */
int64_t tide_sample_rows(int64_t num_rows, int64_t first_index, uint64_t seed, double lo, double hi,
                         int64_t *out);

/* Fills order[0..num_rows) with the row indices of b sorted by the key
   columns (stable): descending[k] != 0 sorts key k descending;
   nulls_first[k] != 0 puts its nulls first (Spark: first when ascending,
   last when descending). NaN sorts above every double, as in Spark. 0, or
   -1 with errbuf. */
int tide_sort_rows(const tide_batch *b, const int32_t *cols, const int32_t *descending,
                   const int32_t *nulls_first, int32_t num_keys, int64_t *order, char *errbuf,
                   size_t errlen);

/* Groups the rows of b by the key columns (nulls form a group of their
   own, as in Spark): group_of_row[r] gets the group of row r, and
   first_row[g] the first row of group g (groups numbered in order of first
   appearance; first_row needs room for num_rows). Returns the number of
   groups, or -1 with errbuf. */
int64_t tide_group_rows(const tide_batch *b, const int32_t *cols, int32_t num_keys,
                        int32_t *group_of_row, int64_t *first_row, char *errbuf, size_t errlen);

/* Spark's NormalizeFloatingNumbers of grouping keys: in the key columns
   (and inside their structs and arrays), each -0.0 becomes 0.0 and each
   NaN Java's one NaN, in place; with only_count != 0 nothing changes.
   Returns how many values were (or would be) changed. Only for batches of
   the caller's own (a tide_batch_take's), never for shared buffers. */
int64_t tide_normalize_float_keys(tide_batch *b, const int32_t *cols, int32_t num_keys,
                                  int32_t only_count);

/* count(DISTINCT cols...) per group: for each of num_combinations rows
   (first_row[k], the first row of a distinct combination of the group's
   keys and cols, from tide_group_rows) whose values in cols are all valid,
   counts[group_of_row[first_row[k]]] += 1 (Spark skips a combination with
   a null). counts has num_groups slots, zeroed by the caller. */
void tide_count_valid_combinations(const tide_batch *b, const int32_t *cols, int32_t num_cols,
                                   const int64_t *first_row, int64_t num_combinations,
                                   const int32_t *group_of_row, int64_t *counts);

/* out[k] = group_of_row[rows[k]] for k < n: the groups of chosen rows. */
void tide_groups_at(const int32_t *group_of_row, const int64_t *rows, int64_t n, int32_t *out);

/* Aggregate functions, as Spark's. */
typedef enum tide_agg_fn {
    TIDE_AGG_COUNT = 1, /* non-null values (count(*) when input is NULL): bigint */
    TIDE_AGG_SUM = 2,   /* int/bigint -> bigint; float/double -> double;
                           decimal(p,s) -> decimal(min(38,p+10),s) */
    TIDE_AGG_AVG = 3,   /* double; decimal(p,s) -> decimal(min(38,p+4),min(38,s+4)) */
    TIDE_AGG_MIN = 4,   /* the input's type */
    TIDE_AGG_MAX = 5,
    TIDE_AGG_STDDEV = 6,   /* sample standard deviation: double, null below 2 values */
    TIDE_AGG_VARIANCE = 7, /* sample variance: double */
    TIDE_AGG_STDDEV_POP = 8,
    TIDE_AGG_VAR_POP = 9,
    TIDE_AGG_FIRST = 10, /* the value of the group's first row (null or not): the input's type */
    TIDE_AGG_LAST = 11,
    TIDE_AGG_FIRST_VALID = 12, /* first(x, ignorenulls = true): the first non-null value */
    TIDE_AGG_LAST_VALID = 13,
    TIDE_AGG_COLLECT_LIST = 14, /* array<input's type> of the group's non-null values, in
                                   the rows' order; [] for none, never null */
    TIDE_AGG_COLLECT_SET = 15,  /* the same, each value once (its first row); not of vectors */
    TIDE_AGG_MERGE_LISTS = 16,  /* of arrays (a streaming aggregation's collect_list partials):
                                   each group's elements, in the rows' order */
    TIDE_AGG_MERGE_SETS = 17,   /* the same, each element once (collect_set's) */
    /* Taken by tide_aggregate_groups and tide_aggregate_frames only. */
    TIDE_AGG_MAX_BY = 18, /* max_by(x, ord): x of the row of the greatest ord (the last of equal
                             ones); rows with a null ord skipped: x's type */
    TIDE_AGG_MIN_BY = 19,
    TIDE_AGG_PRODUCT = 20, /* of numbers: double */
    TIDE_AGG_BIT_AND = 21, /* of int or bigint: the input's type */
    TIDE_AGG_BIT_OR = 22,
    TIDE_AGG_BIT_XOR = 23,
    TIDE_AGG_SKEWNESS = 24, /* of numbers: double, null for none or equal values */
    TIDE_AGG_KURTOSIS = 25,
    TIDE_AGG_COVAR_POP = 26, /* (x, y): pairs with neither null; double */
    TIDE_AGG_COVAR_SAMP = 27,
    TIDE_AGG_CORR = 28,
    TIDE_AGG_REGR_SXX = 29, /* (y, x), as Spark's regr_* */
    TIDE_AGG_REGR_SYY = 30,
    TIDE_AGG_REGR_SXY = 31,
    TIDE_AGG_REGR_SLOPE = 32,
    TIDE_AGG_REGR_INTERCEPT = 33,
    TIDE_AGG_REGR_R2 = 34,
    TIDE_AGG_PERCENTILE = 35, /* (x[, frequency]) exact, interpolated: double, or array<double>
                                 of the percentages */
    TIDE_AGG_PERCENTILE_APPROX = 36, /* the first value of rank >= ceil(p * n): x's type (array) */
    TIDE_AGG_MODE = 37,              /* the most frequent value (the least of equally frequent
                                        ones): x's type */
    TIDE_AGG_TRY_SUM = 38,           /* of int or bigint: bigint, null once a step overflows
                                        (Spark's TrySum); partials struct(sum, isEmpty) */
    TIDE_AGG_HISTOGRAM_NUMERIC = 39, /* (x, nb = percentages[0]): Spark's NumericHistogram,
                                        array<struct<x: x's type, y: double>>; no partials */
    TIDE_AGG_APPROX_COUNT_DISTINCT =
        40,                         /* (x, relativeSD = percentages[0]): Spark's
                                       HyperLogLog++, bigint; partials binary sketches (hll.h) */
    TIDE_AGG_BITMAP_CONSTRUCT = 41, /* of bigint bit positions (0 to 32767): Spark's 4096-byte
                                       bitmap, binary; partials the bitmaps */
    TIDE_AGG_BITMAP_OR = 42         /* of binary bitmaps: their OR, 4096 bytes */
} tide_agg_fn;

/* What tide_aggregate_groups computes of an aggregate that a streaming
   aggregation keeps as partials (max_by, min_by and the moments': a
   struct; product and bit_*: their result, merged by themselves). */
typedef enum tide_agg_stage {
    TIDE_AGG_WHOLE = 0,   /* values -> result */
    TIDE_AGG_PARTIAL = 1, /* values -> partial */
    TIDE_AGG_MERGE = 2,   /* partials -> partial */
    TIDE_AGG_FINAL = 3    /* partials -> result; percentile, percentile_approx and mode take
                             arrays of values (collect_list's) */
} tide_agg_stage;

/* The result type of fn over a column of type in_type (decimal precision
   and scale in *precision, *scale, updated for decimal results; for an
   array, those of its elements, the input's); 0 when fn does not apply to
   the type. */
int32_t tide_agg_result_type(int32_t fn, int32_t in_type, int32_t *precision, int32_t *scale);

/* Computes fn over input (NULL for count(*), then num_rows counts) per
   group and writes num_groups rows into dst, a slot of out that this
   initializes under `name`. Nulls are skipped; a group without values gives
   null (0 for count, [] for collect_list and collect_set). 0, or -1 with
   errbuf. */
int tide_aggregate(tide_batch *out, tide_column *dst, const char *name, int32_t fn,
                   const tide_column *input, int64_t num_rows, const int32_t *group_of_row,
                   int64_t num_groups, char *errbuf, size_t errlen);

/* The aggregates from TIDE_AGG_MAX_BY on, per group as tide_aggregate
   (stage: tide_agg_stage). input is x (y of regr_*), other the second
   argument (max_by's ordering, the y of corr and covar_*, the x of regr_*,
   percentile's frequency: NULL for 1) or NULL. percentile and
   percentile_approx take num_percentages percentages in [0, 1]; as_array
   != 0 gives arrays of them. Moments follow Spark's one-pass updates, and
   its merge of partial buffers when grouped (so its last digits).
   group_of_row NULL: each row is a group (num_groups = num_rows), as a
   streaming aggregation's state is finalized. 0, or -1 with errbuf. */
int tide_aggregate_groups(tide_batch *out, tide_column *dst, const char *name, int32_t fn,
                          int32_t stage, const tide_column *input, const tide_column *other,
                          const double *percentages, int32_t num_percentages, int32_t as_array,
                          int64_t num_rows, const int32_t *group_of_row, int64_t num_groups,
                          char *errbuf, size_t errlen);

/* The same aggregates over window frames: row i of dst over the rows
   [frame_start[i], frame_end[i]) of the inputs (a frame that only grows
   at its end goes on from the previous row's). */
int tide_aggregate_frames(tide_batch *out, tide_column *dst, const char *name, int32_t fn,
                          const tide_column *input, const tide_column *other,
                          const double *percentages, int32_t num_percentages, int32_t as_array,
                          int64_t num_rows, const int64_t *frame_start, const int64_t *frame_end,
                          char *errbuf, size_t errlen);

#endif
