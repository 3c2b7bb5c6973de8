/*
 * session_window.c — the sessions of Spark's session_window(ts, gap): each
 * row is an interval (an event's [ts, ts + gap), or a session a streaming
 * aggregation kept), taken in order of group and start; a row starting at
 * or before the current session's end joins it and may push its end
 * later, else it starts the next one, as Spark's MergingSessionsIterator
 * merges sorted sessions. The rows are sorted here (by group id, start and
 * row, so the result never depends on the sort's stability) rather than
 * by the key columns: tide_group_rows has already told the groups apart.
 *
 * A dynamic gap (Spark's session_window(ts, expr), a duration string per
 * row) comes here as microseconds per row: the strings are told apart
 * with tide_group_rows too, so tide.session_window parses each distinct
 * one once (its duration parser is tide.time_window's), not each row.
 */
#include "batch.h"
#include "ffi/frame_ops.h"
#include "ffi/session_window.h"
#include "kernel.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
                             const tide_column *end, const int64_t *gaps, int64_t gap, int64_t n,
                             int64_t *rows, int64_t *starts, int64_t *ends, char *errbuf,
                             size_t errlen)
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
        int64_t stop = e ? e[r] : plus(s[r], gaps ? gaps[r] : gap);
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

int64_t tide_session_gap_texts(const tide_column *texts, int64_t n, int32_t *text_of_row,
                               int64_t *first_row, char *errbuf, size_t errlen)
{
    if (texts->type != TIDE_STRING) {
        snprintf(errbuf, errlen, "session_window: a gap column of type %d, not a string",
                 (int)texts->type);
        return -1;
    }
    /* A batch of the one column, as tide_group_rows takes its keys (it
       only reads them). */
    tide_batch view = {0};
    view.num_rows = n;
    view.num_columns = 1;
    view.columns = (tide_column *)texts;
    const int32_t key = 0;
    return tide_group_rows(&view, &key, 1, text_of_row, first_row, errbuf, errlen);
}

void tide_session_gaps(const int32_t *text_of_row, const int64_t *gap_of_text, int64_t n,
                       int64_t *gaps)
{
    for (int64_t r = 0; r < n; r++)
        gaps[r] = gap_of_text[text_of_row[r]];
}

int tide_session_intervals(tide_batch *out, const tide_column *start, const int64_t *gaps,
                           int64_t n, tide_column *dst, char *errbuf, size_t errlen)
{
    tide_column fields[2];
    if (kernel_alloc(out, &fields[0], "start", TIDE_TIMESTAMP, 0, 0, n, 0) != 0 ||
        kernel_alloc(out, &fields[1], "end", TIDE_TIMESTAMP, 0, 0, n, 0) != 0)
        return kernel_error(errbuf, errlen, "session_window: out of memory");
    const int64_t *t = start->values;
    int64_t *s = fields[0].values, *e = fields[1].values;
    /* One bitmap for the struct and both fields: a row without a session
       is null in all three, so session_window.start reads null there. */
    uint8_t *valid = NULL;
    for (int64_t r = 0; r < n; r++) {
        if (tide_valid(start, r) && gaps[r] > 0) {
            s[r] = t[r], e[r] = plus(t[r], gaps[r]);
            continue;
        }
        if (!valid) {
            size_t bytes = tide_bitmap_bytes(n);
            valid = tide_arena_alloc(out->arena, bytes ? bytes : 1);
            if (!valid) return kernel_error(errbuf, errlen, "session_window: out of memory");
            memset(valid, 0xff, bytes);
        }
        valid[r >> 3] &= (uint8_t) ~(1u << (r & 7));
    }
    fields[0].validity = fields[1].validity = valid;
    kernel_finish(&fields[0]);
    kernel_finish(&fields[1]);
    const tide_column *const cols[2] = {&fields[0], &fields[1]};
    const char *const names[2] = {"start", "end"};
    if (tide_eval_struct(out, cols, names, 2, n, dst, errbuf, errlen) != 0) return -1;
    dst->validity = valid;
    kernel_finish(dst);
    return 0;
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
