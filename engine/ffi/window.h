/* Window functions (window.c) over a batch whose rows are sorted by
   (partition keys, order keys), so that a partition, and the peers of a
   row (the rows of its partition with equal order keys), are runs of
   rows. Positions are rows of that sorted batch; tide.window sorts the
   rows, computes each function here and puts the rows back in order.
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros. */
#ifndef TIDE_FFI_WINDOW_H
#define TIDE_FFI_WINDOW_H

#include "tide_ffi.h"

/* For each row i: its partition's rows [part_start[i], part_end[i]) and
   its peers' [peer_start[i], peer_end[i]). Keys are equal as groupBy
   groups them (nulls with nulls, NaN with NaN). */
void tide_window_runs(const tide_batch *sorted, const int32_t *part_cols, int32_t num_part,
                      const int32_t *order_cols, int32_t num_order, int64_t *part_start,
                      int64_t *part_end, int64_t *peer_start, int64_t *peer_end);

typedef enum tide_window_rank_fn {
    TIDE_WINDOW_ROW_NUMBER = 1,   /* int: 1, 2, 3, ... within the partition */
    TIDE_WINDOW_RANK = 2,         /* int: peers share the rank; gaps after them */
    TIDE_WINDOW_DENSE_RANK = 3,   /* int: peers share the rank; no gaps */
    TIDE_WINDOW_PERCENT_RANK = 4, /* double: (rank - 1) / (rows - 1), 0 for one row */
    TIDE_WINDOW_CUME_DIST = 5,    /* double: rows up to the last peer / rows */
    TIDE_WINDOW_NTILE = 6         /* int: bucket 1..buckets, the first ones one row larger */
} tide_window_rank_fn;

/* A ranking function of every row into dst, a slot of out initialized
   here as `name`. 0, or -1 when out of memory. */
int tide_window_rank(tide_batch *out, tide_column *dst, const char *name, int32_t fn,
                     int64_t num_rows, int64_t buckets, const int64_t *part_start,
                     const int64_t *part_end, const int64_t *peer_start, const int64_t *peer_end);

/* Each row's frame, rows [frame_start[i], frame_end[i]) within its
   partition. range == 0: ROWS BETWEEN lo AND hi, offsets from the row
   (negative before it); range != 0: RANGE BETWEEN, where an offset is 0
   (the row's peers). An unbounded side ignores its offset. */
void tide_window_frames(int64_t num_rows, int32_t range, int32_t lo_unbounded, int64_t lo,
                        int32_t hi_unbounded, int64_t hi, const int64_t *part_start,
                        const int64_t *part_end, const int64_t *peer_start, const int64_t *peer_end,
                        int64_t *frame_start, int64_t *frame_end);

/* An aggregate (tide_agg_fn: count, sum, avg, min, max, first, last and
   their ignore-nulls forms, collect_list, collect_set) of input (NULL:
   count(*)) over each row's frame into dst, typed as
   tide_agg_result_type says; an empty frame gives null (0 for count, []
   for the collects). Decimal sums and averages and the deviations are not
   computed over windows. 0, or -1 with errbuf. */
int tide_window_aggregate(tide_batch *out, tide_column *dst, const char *name, int32_t fn,
                          const tide_column *input, int64_t num_rows, const int64_t *part_start,
                          const int64_t *frame_start, const int64_t *frame_end, char *errbuf,
                          size_t errlen);

/* lag/lead: the value of input `offset` rows after each row (negative:
   before) within its partition, counting only its non-null rows with
   ignore_nulls; where there is no such row, fallback's value of the row
   (fallback NULL: null). fallback has input's type. 0, or -1 with
   errbuf. */
int tide_window_offset(tide_batch *out, tide_column *dst, const char *name,
                       const tide_column *input, const tide_column *fallback, int64_t num_rows,
                       int64_t offset, int32_t ignore_nulls, const int64_t *part_start,
                       const int64_t *part_end, char *errbuf, size_t errlen);

/* nth_value: the value of input at the nth row (from 1) of each row's
   frame [frame_start, frame_end), or of its nth non-null row with
   ignore_nulls; null where the frame has fewer. 0, or -1 with errbuf. */
int tide_window_nth(tide_batch *out, tide_column *dst, const char *name, const tide_column *input,
                    int64_t num_rows, int64_t nth, int32_t ignore_nulls, const int64_t *frame_start,
                    const int64_t *frame_end, char *errbuf, size_t errlen);

#endif
