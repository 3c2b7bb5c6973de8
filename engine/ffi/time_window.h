/* Event-time windows (time_window.c): Spark's window(ts, duration,
   slide, start), the tumbling and sliding windows a timestamp falls in.
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros. */
#ifndef TIDE_FFI_TIME_WINDOW_H
#define TIDE_FFI_TIME_WINDOW_H

#include "tide_ffi.h"

/* For each row of ts (a timestamp column of n rows), the windows of
   `duration` microseconds, starting every `slide` (<= duration) from
   `offset` (Spark's startTime), that hold it, earliest first: a pair
   (rows[k], starts[k]) each; a null ts has none. rows and starts need
   room for n * ceil(duration / slide). Returns the number of pairs. */
int64_t tide_time_window_rows(const tide_column *ts, int64_t n, int64_t duration, int64_t slide,
                              int64_t offset, int64_t *rows, int64_t *starts);

/* The windows' start and end timestamp columns (end = start + duration)
   from starts[0..k), into slots start_col and end_col of out, named
   start_name and end_name. 0, or -1 when out of memory. */
int tide_time_window_columns(tide_batch *out, tide_column *start_col, const char *start_name,
                             tide_column *end_col, const char *end_name, const int64_t *starts,
                             int64_t k, int64_t duration);

/* The rows of ts (a timestamp column of n rows) whose time is after
   bound or null (after != 0), or at or before it (after == 0), in order,
   into rows (room for n). Returns how many: what a watermark keeps, and
   the groups it makes final. */
int64_t tide_rows_by_time(const tide_column *ts, int64_t n, int64_t bound, int32_t after,
                          int64_t *rows);

/* The latest time of ts (n rows) into *latest; 0 when every row is null
   (*latest unchanged), else 1: withWatermark's event time. */
int tide_latest_time(const tide_column *ts, int64_t n, int64_t *latest);

#endif
