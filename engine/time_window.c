/*
 * time_window.c — the event-time windows of Spark's window(): a row's
 * windows are found with integer arithmetic on its microseconds (the last
 * window start at or before it, then the earlier ones that still hold
 * it), and the rows are repeated once per window (tide.time_window takes
 * them), as Spark's Expand does for sliding windows. A row without a
 * time has no window and is left out, as Spark's filter on the time
 * column leaves it. Also the scans a watermark needs: the latest time of
 * a batch, and the rows after (or at or before) a time.
 */
#include "batch.h"
#include "calendar.h"
#include "ffi/time_window.h"

#include <stdint.h>

int64_t tide_time_window_rows(const tide_column *ts, int64_t n, int64_t duration, int64_t slide,
                              int64_t offset, int64_t *rows, int64_t *starts)
{
    const int64_t *t = ts->values;
    int64_t k = 0;
    for (int64_t r = 0; r < n; r++) {
        if (!tide_valid(ts, r)) continue; /* as Spark's TimeWindowing: no window */
        /* The latest start at or before t: starts are offset + j * slide. */
        int64_t last = t[r] - floor_mod(t[r] - offset, slide);
        int64_t first = last;
        while (first - slide > t[r] - duration)
            first -= slide;
        for (int64_t s = first; s <= last; s += slide)
            rows[k] = r, starts[k++] = s;
    }
    return k;
}

int tide_time_window_columns(tide_batch *out, tide_column *start_col, const char *start_name,
                             tide_column *end_col, const char *end_name, const int64_t *starts,
                             int64_t k, int64_t duration)
{
    if (tide_column_init(out, start_col, start_name, TIDE_TIMESTAMP, k) != 0 ||
        tide_column_init(out, end_col, end_name, TIDE_TIMESTAMP, k) != 0)
        return -1;
    int64_t *s = start_col->values, *e = end_col->values;
    for (int64_t i = 0; i < k; i++)
        s[i] = starts[i], e[i] = starts[i] + duration;
    start_col->length = end_col->length = k;
    return 0;
}

int64_t tide_rows_by_time(const tide_column *ts, int64_t n, int64_t bound, int32_t after,
                          int64_t *rows)
{
    const int64_t *t = ts->values;
    int64_t k = 0;
    for (int64_t r = 0; r < n; r++)
        if (tide_valid(ts, r) ? (after ? t[r] > bound : t[r] <= bound) : after) rows[k++] = r;
    return k;
}

int tide_latest_time(const tide_column *ts, int64_t n, int64_t *latest)
{
    const int64_t *t = ts->values;
    int found = 0;
    int64_t best = INT64_MIN;
    for (int64_t r = 0; r < n; r++)
        if (tide_valid(ts, r) && t[r] > best) best = t[r], found = 1;
    if (found) *latest = best;
    return found;
}
