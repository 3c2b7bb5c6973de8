/*
 * window.c — Spark's window functions over rows sorted by partition and
 * order keys. Partitions and peers are runs found in one pass; ranking
 * reads them, counts and integer sums come from prefix sums over the
 * partition, double sums add each frame's values in order, as Spark's,
 * and min/max/first/last extend the previous row's answer when the frame
 * only grew at its end, and scan the frame otherwise. collect_list and
 * collect_set are collect.c's lists of each frame's rows.
 */
#include "collect.h"
#include "ffi/frame_ops.h"
#include "ffi/window.h"
#include "kernel.h"
#include "row_compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Whether rows a and b hold equal keys (nulls equal, as groupBy). */
static int same_keys(const tide_batch *b, const int32_t *cols, int32_t num, int64_t x, int64_t y)
{
    for (int32_t k = 0; k < num; k++) {
        const tide_column *c = &b->columns[cols[k]];
        int vx = tide_valid(c, x), vy = tide_valid(c, y);
        if (vx != vy || (vx && tide_compare_values(c, x, y) != 0)) return 0;
    }
    return 1;
}

void tide_window_runs(const tide_batch *sorted, const int32_t *part_cols, int32_t num_part,
                      const int32_t *order_cols, int32_t num_order, int64_t *part_start,
                      int64_t *part_end, int64_t *peer_start, int64_t *peer_end)
{
    int64_t n = sorted->num_rows;
    for (int64_t i = 0; i < n; i++) {
        int same_part = i > 0 && same_keys(sorted, part_cols, num_part, i - 1, i);
        part_start[i] = same_part ? part_start[i - 1] : i;
        peer_start[i] =
            same_part && same_keys(sorted, order_cols, num_order, i - 1, i) ? peer_start[i - 1] : i;
    }
    for (int64_t i = n - 1; i >= 0; i--) {
        int last = i == n - 1;
        part_end[i] = !last && part_start[i + 1] == part_start[i] ? part_end[i + 1] : i + 1;
        peer_end[i] = !last && peer_start[i + 1] == peer_start[i] ? peer_end[i + 1] : i + 1;
    }
}

/* NTile: rows of a partition of `rows` in `buckets`, the first rows %
   buckets of them one row larger (Spark's NTile). */
static int32_t ntile_of(int64_t k, int64_t rows, int64_t buckets)
{
    int64_t size = rows / buckets, larger = rows % buckets;
    if (k < larger * (size + 1)) return (int32_t)(k / (size + 1) + 1);
    return (int32_t)((k - larger * (size + 1)) / size + larger + 1);
}

int tide_window_rank(tide_batch *out, tide_column *dst, const char *name, int32_t fn,
                     int64_t num_rows, int64_t buckets, const int64_t *part_start,
                     const int64_t *part_end, const int64_t *peer_start, const int64_t *peer_end)
{
    int as_double = fn == TIDE_WINDOW_PERCENT_RANK || fn == TIDE_WINDOW_CUME_DIST;
    if (tide_column_init(out, dst, name, as_double ? TIDE_FLOAT64 : TIDE_INT32, num_rows) != 0)
        return -1;
    int32_t *ints = dst->values;
    double *doubles = dst->values;
    int32_t dense = 0;
    for (int64_t i = 0; i < num_rows; i++) {
        int64_t rows = part_end[i] - part_start[i], rank = peer_start[i] - part_start[i] + 1;
        dense = i == part_start[i] ? 1 : peer_start[i] == i ? dense + 1 : dense;
        switch (fn) {
        case TIDE_WINDOW_ROW_NUMBER:
            ints[i] = (int32_t)(i - part_start[i] + 1);
            break;
        case TIDE_WINDOW_RANK:
            ints[i] = (int32_t)rank;
            break;
        case TIDE_WINDOW_DENSE_RANK:
            ints[i] = dense;
            break;
        case TIDE_WINDOW_PERCENT_RANK:
            doubles[i] = rows > 1 ? (double)(rank - 1) / (double)(rows - 1) : 0.0;
            break;
        case TIDE_WINDOW_CUME_DIST:
            doubles[i] = (double)(peer_end[i] - part_start[i]) / (double)rows;
            break;
        default:
            ints[i] = ntile_of(i - part_start[i], rows, buckets);
            break;
        }
    }
    dst->length = num_rows;
    return 0;
}

void tide_window_frames(int64_t num_rows, int32_t range, int32_t lo_unbounded, int64_t lo,
                        int32_t hi_unbounded, int64_t hi, const int64_t *part_start,
                        const int64_t *part_end, const int64_t *peer_start, const int64_t *peer_end,
                        int64_t *frame_start, int64_t *frame_end)
{
    for (int64_t i = 0; i < num_rows; i++) {
        int64_t ps = part_start[i], pe = part_end[i], start, end;
        if (range) {
            start = lo_unbounded ? ps : peer_start[i];
            end = hi_unbounded ? pe : peer_end[i];
        } else {
            /* Offsets compared before they are added: a large one must not
               overflow. */
            start = lo_unbounded || lo <= ps - i ? ps : lo >= pe - i ? pe : i + lo;
            end = hi_unbounded || hi >= pe - i - 1 ? pe : hi < ps - i ? ps : i + hi + 1;
        }
        frame_start[i] = start;
        frame_end[i] = end > start ? end : start;
    }
}

/* The row of each frame that min/max/first/last take, or -1. */
static void pick_in_frames(int32_t fn, const tide_column *in, int64_t n, const int64_t *fs,
                           const int64_t *fe, int64_t *pick)
{
    int skip_nulls = fn != TIDE_AGG_FIRST && fn != TIDE_AGG_LAST;
    int sign = fn == TIDE_AGG_MIN ? -1 : 1;
    for (int64_t i = 0; i < n; i++) {
        int64_t best = -1, from = fs[i];
        /* The frame grew at its end only: the previous answer stands for
           its rows, the new ones are looked at. */
        if (i > 0 && fs[i] == fs[i - 1] && fe[i] >= fe[i - 1] && fe[i - 1] > fs[i - 1]) {
            best = pick[i - 1];
            from = fe[i - 1];
        }
        for (int64_t r = from; r < fe[i]; r++) {
            if (skip_nulls && !tide_valid(in, r)) continue;
            if (fn == TIDE_AGG_FIRST || fn == TIDE_AGG_FIRST_VALID) {
                if (best < 0) best = r;
            } else if (fn == TIDE_AGG_LAST || fn == TIDE_AGG_LAST_VALID) {
                best = r;
            } else if (best < 0 || tide_compare_values(in, r, best) * sign > 0) {
                best = r;
            }
        }
        pick[i] = best;
    }
}

/* dst named `name`: row i of srcs[which[i]] at rows[i] (which[i] -1: null),
   any type; which and rows are freed here. */
static int gather_rows(tide_batch *out, tide_column *dst, const char *name,
                       const tide_column *const *srcs, int32_t num_srcs, int32_t *which,
                       int64_t *rows, int64_t n, char *errbuf, size_t errlen)
{
    int rc =
        which && rows
            ? kernel_gather(out, dst, name, srcs, num_srcs, which, rows, n, errbuf, errlen)
            : kernel_error(errbuf, errlen, "%s: out of memory over %lld rows", name, (long long)n);
    free(which);
    free(rows);
    return rc;
}

/* Row r of a numeric column as the double Spark adds (a sum of floats, an
   average of anything but decimals), 0 for a null. */
static double double_at(const tide_column *in, int64_t r)
{
    return tide_valid(in, r) ? tide_number_at(in, r) : 0;
}

/* count/sum/avg of frames [fs, fe). Counts and sums of integers (summed in
   128 bits: a sum wraps to 64 as Spark's non-ANSI long sum does) are
   differences of running totals restarted at each partition. A double sum
   is Spark's: the frame's values added in order from 0 (Spark's Average
   adds integers as doubles too). A frame that only grew at its end (a
   running frame, the whole partition) extends the previous row's sum, as
   Spark keeps adding; one whose start moved is added up again, as Spark's
   sliding frame recomputes it, unless its partition's values are whole
   numbers whose magnitudes add up to less than 2^53, where every partial
   sum is exact and so is a difference of running sums. */
static int sum_frames(tide_batch *out, tide_column *dst, int32_t fn, const tide_column *in,
                      int64_t n, const int64_t *part_start, const int64_t *fs, const int64_t *fe)
{
    int64_t *count = malloc(((size_t)n + 1) * sizeof *count);
    double *run = malloc(((size_t)n + 1) * sizeof *run);
    __int128 *whole = malloc(((size_t)n + 1) * sizeof *whole);
    /* exact[ps]: the partition starting at ps sums exactly */
    unsigned char *exact = malloc((size_t)n + 1);
    if (!count || !run || !whole || !exact) {
        free(count), free(run), free(whole), free(exact);
        return -1;
    }
    int integral = in && (in->type == TIDE_INT32 || in->type == TIDE_INT64);
    int doubles = in && fn != TIDE_AGG_COUNT && !(fn == TIDE_AGG_SUM && integral);
    double magnitude = 0;
    for (int64_t r = 0; r < n; r++) {
        int first = r == part_start[r], valid = !in || tide_valid(in, r);
        __int128 w = 0;
        if (valid && in && in->type == TIDE_INT32) w = ((const int32_t *)in->values)[r];
        if (valid && in && in->type == TIDE_INT64) w = ((const int64_t *)in->values)[r];
        double x = doubles ? double_at(in, r) : 0;
        count[r] = (first ? 0 : count[r - 1]) + valid;
        whole[r] = (first ? 0 : whole[r - 1]) + w;
        run[r] = (first ? 0 : run[r - 1]) + x;
        if (first) exact[r] = 1, magnitude = 0;
        magnitude += fabs(x);
        /* (a NaN or an infinity is no whole number) */
        if (!(x == floor(x) && magnitude < 9007199254740992.0)) exact[part_start[r]] = 0;
    }
    int rc = 0;
    double total = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        int64_t s = fs[i], e = fe[i], c = 0;
        __int128 wide = 0;
        if (e > s) {
            int cut = s > part_start[s];
            c = count[e - 1] - (cut ? count[s - 1] : 0);
            wide = whole[e - 1] - (cut ? whole[s - 1] : 0);
        }
        if (doubles) {
            int64_t from = s;
            if (i > 0 && s == fs[i - 1] && e >= fe[i - 1]) {
                from = fe[i - 1];
            } else if (e > s && exact[part_start[s]]) {
                total = run[e - 1] - (s > part_start[s] ? run[s - 1] : 0);
                from = e;
            } else {
                total = 0;
            }
            for (int64_t r = from; r < e; r++)
                total += double_at(in, r);
        }
        if (fn == TIDE_AGG_COUNT) {
            rc = tide_column_append_fixed(out, dst, &c);
        } else if (c == 0) {
            rc = tide_column_append_null(out, dst);
        } else if (!doubles) {
            int64_t v = (int64_t)(uint64_t)wide; /* wraps, as Spark's non-ANSI sum */
            rc = tide_column_append_fixed(out, dst, &v);
        } else {
            double v = fn == TIDE_AGG_AVG ? total / (double)c : total;
            rc = tide_column_append_fixed(out, dst, &v);
        }
    }
    free(count), free(run), free(whole), free(exact);
    return rc;
}

int tide_window_aggregate(tide_batch *out, tide_column *dst, const char *name, int32_t fn,
                          const tide_column *input, int64_t num_rows, const int64_t *part_start,
                          const int64_t *frame_start, const int64_t *frame_end, char *errbuf,
                          size_t errlen)
{
    if (fn == TIDE_AGG_COLLECT_LIST || fn == TIDE_AGG_COLLECT_SET) {
        if (!input) {
            snprintf(errbuf, errlen, "%s: collect_list and collect_set take a column", name);
            return -1;
        }
        return tide_collect(out, dst, name, fn == TIDE_AGG_COLLECT_SET, input, NULL, num_rows,
                            frame_start, frame_end, errbuf, errlen);
    }
    int32_t in_type = input ? input->type : TIDE_INT64;
    int32_t precision = input ? input->precision : 0, scale = input ? input->scale : 0;
    int32_t type = tide_agg_result_type(fn, in_type, &precision, &scale);
    int summed = fn == TIDE_AGG_COUNT || fn == TIDE_AGG_SUM || fn == TIDE_AGG_AVG;
    if (type == 0 || (summed && in_type == TIDE_DECIMAL && fn != TIDE_AGG_COUNT) ||
        !(summed || fn == TIDE_AGG_MIN || fn == TIDE_AGG_MAX || fn >= TIDE_AGG_FIRST)) {
        snprintf(errbuf, errlen, "%s: not computed over a window for a column of type %d", name,
                 in_type);
        return -1;
    }
    if (summed) {
        if (tide_column_init(out, dst, name, type, num_rows) != 0 ||
            sum_frames(out, dst, fn, input, num_rows, part_start, frame_start, frame_end) != 0)
            goto oom;
        return 0;
    }
    int64_t *pick = malloc(((size_t)num_rows + 1) * sizeof *pick);
    int32_t *which = malloc(((size_t)num_rows + 1) * sizeof *which);
    if (pick && which) {
        pick_in_frames(fn, input, num_rows, frame_start, frame_end, pick);
        for (int64_t i = 0; i < num_rows; i++) {
            which[i] = pick[i] < 0 ? -1 : 0;
            if (pick[i] < 0) pick[i] = 0;
        }
    }
    return gather_rows(out, dst, name, &input, 1, which, pick, num_rows, errbuf, errlen);
oom:
    snprintf(errbuf, errlen, "%s: out of memory over %lld rows", name, (long long)num_rows);
    return -1;
}

/* With ignore_nulls, the row of the |offset|-th non-null value after row
   i (before it for a negative offset) within [part_start, part_end), or
   -1: the non-null rows' positions in order (partitions are contiguous),
   and before[i] how many of them precede row i. */
static int64_t non_null_target(const int64_t *nn, int64_t count, const int64_t *before, int64_t i,
                               int64_t offset, int64_t part_start, int64_t part_end)
{
    if (offset > 0) {
        int64_t j = before[i + 1] + offset - 1; /* (rows after i: from i + 1 on) */
        return j < count && nn[j] < part_end ? nn[j] : -1;
    }
    int64_t j = before[i] + offset; /* offset < 0 */
    return j >= 0 && nn[j] >= part_start ? nn[j] : -1;
}

int tide_window_offset(tide_batch *out, tide_column *dst, const char *name,
                       const tide_column *input, const tide_column *fallback, int64_t num_rows,
                       int64_t offset, int32_t ignore_nulls, const int64_t *part_start,
                       const int64_t *part_end, char *errbuf, size_t errlen)
{
    /* the row offset away in the partition, else the fallback's row, else null */
    const tide_column *srcs[2] = {input, fallback};
    int32_t *which = malloc(((size_t)num_rows + 1) * sizeof *which);
    int64_t *rows = malloc(((size_t)num_rows + 1) * sizeof *rows);
    int64_t *nn = NULL, *before = NULL, count = 0;
    if (ignore_nulls && offset != 0) {
        nn = malloc(((size_t)num_rows + 1) * sizeof *nn);
        before = malloc(((size_t)num_rows + 2) * sizeof *before);
        for (int64_t i = 0; nn && before && i < num_rows; i++) {
            before[i] = count;
            if (tide_valid(input, i)) nn[count++] = i;
        }
        if (before) before[num_rows] = count;
        if (!nn || !before) {
            free(which), free(rows), free(nn), free(before);
            snprintf(errbuf, errlen, "%s: out of memory over %lld rows", name, (long long)num_rows);
            return -1;
        }
    }
    for (int64_t i = 0; which && rows && i < num_rows; i++) {
        int64_t target;
        if (nn)
            target = non_null_target(nn, count, before, i, offset, part_start[i], part_end[i]);
        else
            target = (offset >= 0 ? offset < part_end[i] - i : -offset <= i - part_start[i])
                         ? i + offset
                         : -1;
        which[i] = target >= 0 ? 0 : fallback ? 1 : -1;
        rows[i] = target >= 0 ? target : i;
    }
    free(nn);
    free(before);
    return gather_rows(out, dst, name, srcs, fallback ? 2 : 1, which, rows, num_rows, errbuf,
                       errlen);
}

int tide_window_nth(tide_batch *out, tide_column *dst, const char *name, const tide_column *input,
                    int64_t num_rows, int64_t nth, int32_t ignore_nulls, const int64_t *frame_start,
                    const int64_t *frame_end, char *errbuf, size_t errlen)
{
    if (nth < 1) return kernel_error(errbuf, errlen, "%s: the offset must be at least 1", name);
    int32_t *which = malloc(((size_t)num_rows + 1) * sizeof *which);
    int64_t *rows = malloc(((size_t)num_rows + 1) * sizeof *rows);
    /* Skipping nulls: the positions of the valid rows, and for each row
       how many come before it, so that a frame's nth valid row is one
       lookup rather than a walk. */
    int64_t *valid_at = ignore_nulls ? malloc(((size_t)num_rows + 1) * sizeof *valid_at) : NULL;
    int64_t *before = ignore_nulls ? malloc(((size_t)num_rows + 1) * sizeof *before) : NULL;
    if (ignore_nulls && (!valid_at || !before)) {
        free(valid_at), free(before), free(which), free(rows);
        return kernel_error(errbuf, errlen, "%s: out of memory over %lld rows", name,
                            (long long)num_rows);
    }
    int64_t num_valid = 0;
    for (int64_t i = 0; ignore_nulls && i < num_rows; i++) {
        before[i] = num_valid;
        if (tide_valid(input, i)) valid_at[num_valid++] = i;
    }
    /* (nth - 1 is compared with what is left, never added to a row
       number: an offset near INT64_MAX must not wrap) */
    for (int64_t i = 0; which && rows && i < num_rows; i++) {
        int64_t s = frame_start[i], e = frame_end[i], at = -1;
        if (s < e && ignore_nulls) {
            if (nth - 1 < num_valid - before[s] && valid_at[before[s] + nth - 1] < e)
                at = valid_at[before[s] + nth - 1];
        } else if (s < e && nth - 1 < e - s) {
            at = s + nth - 1;
        }
        which[i] = at >= 0 ? 0 : -1;
        rows[i] = at >= 0 ? at : i;
    }
    free(valid_at);
    free(before);
    return gather_rows(out, dst, name, &input, 1, which, rows, num_rows, errbuf, errlen);
}
