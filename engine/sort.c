/*
 * sort.c — the row order of orderBy/sort: a stable merge sort of row
 * indices by key columns, with Spark's ordering: nulls first when
 * ascending and last when descending (unless told), NaN above every other
 * double, strings by their UTF-8 bytes, decimals by value.
 */
#include "ffi/frame_ops.h"
#include "row_compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sort_key {
    const tide_column *col;
    int descending;
    int nulls_first;
} sort_key;

static int compare_rows(const sort_key *keys, int32_t n, int64_t a, int64_t b)
{
    for (int32_t k = 0; k < n; k++) {
        const tide_column *c = keys[k].col;
        int va = tide_row_valid(c, a), vb = tide_row_valid(c, b);
        if (!va || !vb) {
            if (va == vb) continue;
            int null_a_first = keys[k].nulls_first ? -1 : 1;
            return va ? -null_a_first : null_a_first;
        }
        int r = tide_compare_values(c, a, b);
        if (r) return keys[k].descending ? -r : r;
    }
    return 0;
}

/* Sorts v[0..n) using tmp[0..n); stable. */
static void merge_sort(const sort_key *keys, int32_t nk, int64_t *v, int64_t *tmp, int64_t n)
{
    if (n < 24) {
        for (int64_t i = 1; i < n; i++) { /* insertion sort for short runs */
            int64_t x = v[i], j = i;
            while (j > 0 && compare_rows(keys, nk, v[j - 1], x) > 0) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
        return;
    }
    int64_t mid = n / 2;
    merge_sort(keys, nk, v, tmp, mid);
    merge_sort(keys, nk, v + mid, tmp, n - mid);
    if (compare_rows(keys, nk, v[mid - 1], v[mid]) <= 0) return; /* already in order */
    memcpy(tmp, v, (size_t)mid * sizeof *v);
    int64_t i = 0, j = mid, o = 0;
    while (i < mid && j < n) v[o++] = compare_rows(keys, nk, v[j], tmp[i]) < 0 ? v[j++] : tmp[i++];
    while (i < mid) v[o++] = tmp[i++];
}

int tide_sort_rows(const tide_batch *b, const int32_t *cols, const int32_t *descending,
                   const int32_t *nulls_first, int32_t num_keys, int64_t *order, char *errbuf,
                   size_t errlen)
{
    int64_t n = b->num_rows;
    sort_key *keys = calloc((size_t)num_keys + 1, sizeof *keys);
    int64_t *tmp = malloc(((size_t)n / 2 + 1) * sizeof *tmp);
    if (!keys || !tmp) {
        free(keys);
        free(tmp);
        snprintf(errbuf, errlen, "out of memory sorting %lld rows", (long long)n);
        return -1;
    }
    for (int32_t k = 0; k < num_keys; k++) {
        if (cols[k] < 0 || cols[k] >= b->num_columns || b->columns[cols[k]].type == TIDE_STRUCT) {
            snprintf(errbuf, errlen, "sort: column %d cannot be a sort key", cols[k]);
            free(keys);
            free(tmp);
            return -1;
        }
        keys[k].col = &b->columns[cols[k]];
        keys[k].descending = descending[k] != 0;
        keys[k].nulls_first = nulls_first[k] != 0;
    }
    for (int64_t i = 0; i < n; i++) order[i] = i;
    merge_sort(keys, num_keys, order, tmp, n);
    free(keys);
    free(tmp);
    return 0;
}
