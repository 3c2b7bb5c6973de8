/*
 * session_window.c — the sessions of Spark's session_window(ts, gap): each
 * row is an interval (an event's [ts, ts + gap), or a session a streaming
 * aggregation kept), taken in order of group and start; a row starting at
 * or before the current session's end joins it and may push its end
 * later, else it starts the next one, as Spark's MergingSessionsIterator
 * merges sorted sessions. The rows are sorted here (by group id, start and
 * row, so the result never depends on the sort's stability) rather than
 * by the key columns: tide_group_rows has already told the groups apart.
 */
#include "batch.h"
#include "ffi/session_window.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    int64_t start;
    int64_t end;
    int64_t row;
    int32_t group;
} interval;

static int by_group_start(const void *a, const void *b)
{
    const interval *x = a, *y = b;
    if (x->group != y->group) return x->group < y->group ? -1 : 1;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

/* t + gap, held at the ends of the int64 range rather than wrapping. */
static int64_t plus(int64_t t, int64_t gap)
{
    if (gap > 0 && t > INT64_MAX - gap) return INT64_MAX;
    if (gap < 0 && t < INT64_MIN - gap) return INT64_MIN;
    return t + gap;
}

int64_t tide_session_windows(const int32_t *group_of_row, const tide_column *start,
                             const tide_column *end, int64_t gap, int64_t n, int64_t *rows,
                             int64_t *starts, int64_t *ends, char *errbuf, size_t errlen)
{
    interval *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
    if (!v) {
        snprintf(errbuf, errlen, "session_window: out of memory for %lld rows", (long long)n);
        return -1;
    }
    const int64_t *s = start->values, *e = end ? end->values : NULL;
    int64_t m = 0;
    for (int64_t r = 0; r < n; r++) {
        if (!tide_valid(start, r) || (end && !tide_valid(end, r))) continue;
        int64_t stop = e ? e[r] : plus(s[r], gap);
        if (stop <= s[r]) continue; /* as Spark's filter: an empty session holds nothing */
        v[m].start = s[r], v[m].end = stop, v[m].row = r;
        v[m].group = group_of_row ? group_of_row[r] : 0;
        m++;
    }
    if (!group_of_row) { /* each row a session of its own, in row order */
        for (int64_t i = 0; i < m; i++) {
            rows[i] = v[i].row;
            starts[v[i].row] = v[i].start;
            ends[v[i].row] = v[i].end;
        }
        free(v);
        return m;
    }
    qsort(v, (size_t)m, sizeof *v, by_group_start);
    for (int64_t i = 0; i < m;) {
        int64_t j = i + 1, close = v[i].end;
        while (j < m && v[j].group == v[i].group && v[j].start <= close) {
            if (v[j].end > close) close = v[j].end;
            j++;
        }
        for (int64_t q = i; q < j; q++) {
            rows[q] = v[q].row;
            starts[v[q].row] = v[i].start;
            ends[v[q].row] = close;
        }
        i = j;
    }
    free(v);
    return m;
}

int tide_session_columns(tide_batch *out, tide_column *start_col, const char *start_name,
                         tide_column *end_col, const char *end_name, const int64_t *rows,
                         const int64_t *starts, const int64_t *ends, int64_t k)
{
    if (tide_column_init(out, start_col, start_name, TIDE_TIMESTAMP, k) != 0 ||
        tide_column_init(out, end_col, end_name, TIDE_TIMESTAMP, k) != 0)
        return -1;
    int64_t *s = start_col->values, *e = end_col->values;
    for (int64_t i = 0; i < k; i++) {
        int64_t r = rows ? rows[i] : i;
        s[i] = starts[r], e[i] = ends[r];
    }
    start_col->length = end_col->length = k;
    return 0;
}

int64_t tide_sessions_moved(const tide_column *start, const tide_column *end, const int64_t *starts,
                            const int64_t *ends, int64_t n, int64_t *rows)
{
    const int64_t *s = start->values, *e = end->values;
    int64_t k = 0;
    for (int64_t r = 0; r < n; r++)
        if (s[r] != starts[r] || e[r] != ends[r]) rows[k++] = r;
    return k;
}
