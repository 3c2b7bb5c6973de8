/* Set operations over rows grouped by tide_group_rows (set_ops.c):
   Spark's intersect, intersectAll, subtract (EXCEPT DISTINCT) and
   exceptAll, on the rows of a union of both sides.
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros. */
#ifndef TIDE_FFI_SET_OPS_H
#define TIDE_FFI_SET_OPS_H

#include "tide_ffi.h"

typedef enum tide_set_op {
    TIDE_SET_INTERSECT = 1,     /* each distinct left row that the right has */
    TIDE_SET_INTERSECT_ALL = 2, /* min(left count, right count) of each row */
    TIDE_SET_EXCEPT = 3,        /* each distinct left row that the right lacks */
    TIDE_SET_EXCEPT_ALL = 4     /* left count - right count of each row, if above 0 */
} tide_set_op;

/* Rows [0, left_rows) of num_rows are the left side's, the rest the
   right's; group_of_row gives each row's group (equal rows, as
   tide_group_rows groups them: nulls equal, as Spark's set operations
   compare them). Writes the left rows that op keeps into keep (room for
   left_rows), in their order, the first occurrences of each row first;
   returns how many, or -1 when out of memory. */
int64_t tide_set_operation(const int32_t *group_of_row, int64_t num_rows, int64_t left_rows,
                           int64_t num_groups, int32_t op, int64_t *keep);

/* The groups that rows [from, to) fall in, ascending, each once, into
   groups (room for to - from): a streaming aggregation's groups that a
   micro-batch touched. Returns how many, or -1 when out of memory. */
int64_t tide_groups_of_rows(const int32_t *group_of_row, int64_t from, int64_t to,
                            int64_t num_groups, int64_t *groups);

#endif
