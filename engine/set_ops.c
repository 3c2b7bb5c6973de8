/*
 * set_ops.c — which left rows Spark's set operations keep, from the
 * groups of equal rows over both sides. One pass counts each group's rows
 * per side, a second walks the left rows in order keeping each row's
 * first occurrences up to the count the operation allows: the result
 * keeps the left side's order, which Spark leaves unspecified. And which
 * groups a range of rows falls in: the part of a streaming aggregation's
 * state that a micro-batch changed.
 */
#include "ffi/set_ops.h"

#include <stdlib.h>

int64_t tide_set_operation(const int32_t *group_of_row, int64_t num_rows, int64_t left_rows,
                           int64_t num_groups, int32_t op, int64_t *keep)
{
    int64_t *left = calloc((size_t)num_groups + 1, sizeof *left);
    int64_t *right = calloc((size_t)num_groups + 1, sizeof *right);
    int64_t *seen = calloc((size_t)num_groups + 1, sizeof *seen);
    if (!left || !right || !seen) {
        free(left), free(right), free(seen);
        return -1;
    }
    for (int64_t r = 0; r < num_rows; r++) {
        if (r < left_rows)
            left[group_of_row[r]]++;
        else
            right[group_of_row[r]]++;
    }
    int64_t kept = 0;
    for (int64_t r = 0; r < left_rows; r++) {
        int32_t g = group_of_row[r];
        int64_t allowed;
        switch (op) {
        case TIDE_SET_INTERSECT:
            allowed = right[g] > 0;
            break;
        case TIDE_SET_INTERSECT_ALL:
            allowed = left[g] < right[g] ? left[g] : right[g];
            break;
        case TIDE_SET_EXCEPT:
            allowed = right[g] == 0;
            break;
        default:
            allowed = left[g] - right[g];
            break;
        }
        if (seen[g]++ < allowed) keep[kept++] = r;
    }
    free(left), free(right), free(seen);
    return kept;
}

int64_t tide_groups_of_rows(const int32_t *group_of_row, int64_t from, int64_t to,
                            int64_t num_groups, int64_t *groups)
{
    uint8_t *seen = calloc((size_t)num_groups + 1, 1);
    if (!seen) return -1;
    for (int64_t r = from; r < to; r++)
        seen[group_of_row[r]] = 1;
    int64_t n = 0;
    for (int64_t g = 0; g < num_groups; g++)
        if (seen[g]) groups[n++] = g;
    free(seen);
    return n;
}
