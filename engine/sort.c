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

/* The sort's state: the keys, and for the first key a 64-bit prefix per
   row whose order is the key's order where the prefixes differ (integers
   biased, doubles' bits flipped into order, strings' first 8 bytes), so
   most comparisons are one integer comparison. */
typedef struct sort_ctx {
    const sort_key *keys;
    int32_t num_keys;
    const uint64_t *prefix;
    const tide_column *first;
} sort_ctx;

static uint64_t double_prefix(double d)
{
    if (d != d) return UINT64_MAX; /* NaN above everything */
    if (d == 0) d = 0;              /* -0.0 equals 0.0 */
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return bits >> 63 ? ~bits : bits | (1ULL << 63);
}

static uint64_t prefix_of(const tide_column *c, int64_t r)
{
    const uint64_t bias = 1ULL << 63;
    switch (c->type) {
    case TIDE_BOOL: return ((const uint8_t *)c->values)[r];
    case TIDE_INT32:
    case TIDE_DATE: return (uint64_t)(int64_t)((const int32_t *)c->values)[r] ^ bias;
    case TIDE_INT64:
    case TIDE_TIMESTAMP: return (uint64_t)((const int64_t *)c->values)[r] ^ bias;
    case TIDE_FLOAT32: return double_prefix(((const float *)c->values)[r]);
    case TIDE_FLOAT64: return double_prefix(((const double *)c->values)[r]);
    case TIDE_DECIMAL: {
        /* v / 256, saturated: monotone, and distinct for most values up to
           2^71 (Avazu's ids reach 2^64). */
        __int128 v;
        memcpy(&v, (const char *)c->values + 16 * r, 16);
        v >>= 8;
        int64_t p = v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : (int64_t)v;
        return (uint64_t)p ^ bias;
    }
    case TIDE_STRING:
    case TIDE_BINARY: {
        int32_t n;
        const unsigned char *s = (const unsigned char *)tide_column_bytes(c, r, &n);
        uint64_t p = 0;
        for (int i = 0; i < 8; i++) p = p << 8 | (i < n ? s[i] : 0);
        return p;
    }
    default: return 0;
    }
}

static int compare_rows(const sort_key *keys, int32_t n, int64_t a, int64_t b)
{
    for (int32_t k = 0; k < n; k++) {
        const tide_column *c = keys[k].col;
        int va = tide_valid(c, a), vb = tide_valid(c, b);
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

static int compare(const sort_ctx *s, int64_t a, int64_t b)
{
    uint64_t pa = s->prefix[a], pb = s->prefix[b];
    if (pa != pb && tide_valid(s->first, a) && tide_valid(s->first, b)) {
        int r = pa < pb ? -1 : 1;
        return s->keys[0].descending ? -r : r;
    }
    return compare_rows(s->keys, s->num_keys, a, b);
}

/* Sorts v[0..n) using tmp[0..n/2]; stable. */
static void merge_sort(const sort_ctx *s, int64_t *v, int64_t *tmp, int64_t n)
{
    if (n < 24) {
        for (int64_t i = 1; i < n; i++) { /* insertion sort for short runs */
            int64_t x = v[i], j = i;
            while (j > 0 && compare(s, v[j - 1], x) > 0) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
        return;
    }
    int64_t mid = n / 2;
    merge_sort(s, v, tmp, mid);
    merge_sort(s, v + mid, tmp, n - mid);
    if (compare(s, v[mid - 1], v[mid]) <= 0) return; /* already in order */
    memcpy(tmp, v, (size_t)mid * sizeof *v);
    int64_t i = 0, j = mid, o = 0;
    while (i < mid && j < n) v[o++] = compare(s, v[j], tmp[i]) < 0 ? v[j++] : tmp[i++];
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
        if (cols[k] < 0 || cols[k] >= b->num_columns || b->columns[cols[k]].type == TIDE_VECTOR) {
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
    if (num_keys > 0) {
        uint64_t *prefix = malloc(((size_t)n + 1) * sizeof *prefix);
        if (!prefix) {
            free(keys);
            free(tmp);
            snprintf(errbuf, errlen, "out of memory sorting %lld rows", (long long)n);
            return -1;
        }
        for (int64_t i = 0; i < n; i++) prefix[i] = prefix_of(keys[0].col, i);
        sort_ctx ctx = {keys, num_keys, prefix, keys[0].col};
        merge_sort(&ctx, order, tmp, n);
        free(prefix);
    }
    free(keys);
    free(tmp);
    return 0;
}
