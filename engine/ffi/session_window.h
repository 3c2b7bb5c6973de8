/* Session windows (session_window.c): Spark's session_window(ts, gap),
   the sessions of each group's events, and their merge with the sessions
   a streaming aggregation keeps. Part of the FFI declarations (see
   tide_ffi.h): plain C, no macros. */
#ifndef TIDE_FFI_SESSION_WINDOW_H
#define TIDE_FFI_SESSION_WINDOW_H

#include "tide_ffi.h"

/* The sessions of n rows: row r is the interval [start[r], end[r]), or
   [start[r], start[r] + gap) when end is NULL (start[r] + gaps[r] when
   gaps, a dynamic gap's microseconds by row, is not NULL), in the group
   group_of_row[r]. Within a group, rows taken by start merge into one
   session while a row starts at or before the session's end (Spark's
   MergingSessionsIterator), the end growing to the latest of theirs. A
   row whose start or end is null, or whose interval is empty (end <=
   start, a gap of zero or less), is in none. group_of_row NULL: no
   merging, each row its session (Spark's [ts, ts + gap) before the
   aggregation merges them). rows[0..k) gets the rows kept,
   by group, start and row; starts[r] and ends[r] (room for n, indexed by
   row) row r's session. Returns k, or -1 with errbuf. */
int64_t tide_session_windows(const int32_t *group_of_row, const tide_column *start,
                             const tide_column *end, const int64_t *gaps, int64_t gap, int64_t n,
                             int64_t *rows, int64_t *starts, int64_t *ends, char *errbuf,
                             size_t errlen);

/* The distinct strings of texts (a string column of n rows; its nulls are
   one more): text_of_row[r] gets the number of row r's string,
   first_row[d] (room for n) a row holding string d. Returns how many
   there are, or -1 with errbuf: what a dynamic gap's strings are parsed
   from, once each. */
int64_t tide_session_gap_texts(const tide_column *texts, int64_t n, int32_t *text_of_row,
                               int64_t *first_row, char *errbuf, size_t errlen);

/* gaps[r] = gap_of_text[text_of_row[r]] for the n rows: the microseconds
   of each row's gap from those of its string (0 for a null or unreadable
   one, which makes no session). */
void tide_session_gaps(const int32_t *text_of_row, const int64_t *gap_of_text, int64_t n,
                       int64_t *gaps);

/* Into dst (in out): the struct<start: timestamp, end: timestamp> of each
   of n rows' own interval [start[r], start[r] + gaps[r]) (start: a
   timestamp column), null where start is null or the gap is zero or
   less. 0, or -1 with errbuf. */
int tide_session_intervals(tide_batch *out, const tide_column *start, const int64_t *gaps,
                           int64_t n, tide_column *dst, char *errbuf, size_t errlen);

/* Timestamp columns of the sessions of rows[0..k) (starts and ends
   indexed by row, as tide_session_windows gives them; rows NULL: rows 0 to
   k - 1) into slots start_col and end_col of out, named start_name and
   end_name. 0, or -1 when out of memory. */
int tide_session_columns(tide_batch *out, tide_column *start_col, const char *start_name,
                         tide_column *end_col, const char *end_name, const int64_t *rows,
                         const int64_t *starts, const int64_t *ends, int64_t k);

/* The rows of n whose interval (start, end: timestamp columns without
   nulls) is not their session (starts, ends indexed by row): the kept
   sessions a merge replaced. Into rows (room for n); returns how many. */
int64_t tide_sessions_moved(const tide_column *start, const tide_column *end, const int64_t *starts,
                            const int64_t *ends, int64_t n, int64_t *rows);

#endif
