/*
 * row_compare.h — Spark's ordering and equality of two rows of one column,
 * shared by sorting (sort.c) and min/max and grouping (aggregate.c): NaN
 * is above every other double and equal to itself, strings compare by
 * their bytes, decimals by value; structs field by field and arrays
 * element by element (then the shorter first), a null inside them before
 * any value, as Spark orders them. Nulls of the rows themselves are the
 * caller's business.
 */
#ifndef TIDE_ROW_COMPARE_H
#define TIDE_ROW_COMPARE_H
#include "batch.h"

#include <string.h>

#define TIDE_CMP(x, y) ((x) < (y) ? -1 : (x) > (y) ? 1 : 0)

static inline int tide_compare_double(double x, double y)
{
    int xn = x != x, yn = y != y;
    if (xn || yn) return xn - yn;
    return TIDE_CMP(x, y);
}

static inline int tide_compare_nested(const tide_column *c, int64_t a, int64_t b);

/* -1, 0 or 1 as row a of c sorts before, with or after row b. */
static inline int tide_compare_values(const tide_column *c, int64_t a, int64_t b)
{
    switch (c->type) {
    case TIDE_STRUCT:
    case TIDE_ARRAY:
        return tide_compare_nested(c, a, b);
    case TIDE_BOOL:
        return TIDE_CMP(((const uint8_t *)c->values)[a], ((const uint8_t *)c->values)[b]);
    case TIDE_INT32:
    case TIDE_DATE:
        return TIDE_CMP(((const int32_t *)c->values)[a], ((const int32_t *)c->values)[b]);
    case TIDE_INT64:
    case TIDE_TIMESTAMP:
        return TIDE_CMP(((const int64_t *)c->values)[a], ((const int64_t *)c->values)[b]);
    case TIDE_FLOAT32:
        return tide_compare_double(((const float *)c->values)[a], ((const float *)c->values)[b]);
    case TIDE_FLOAT64:
        return tide_compare_double(((const double *)c->values)[a], ((const double *)c->values)[b]);
    case TIDE_DECIMAL: {
        __int128 x, y;
        memcpy(&x, (const char *)c->values + 16 * a, 16);
        memcpy(&y, (const char *)c->values + 16 * b, 16);
        return TIDE_CMP(x, y);
    }
    case TIDE_STRING:
    case TIDE_BINARY: {
        int32_t la, lb;
        const char *sa = tide_column_bytes(c, a, &la), *sb = tide_column_bytes(c, b, &lb);
        int r = memcmp(sa, sb, (size_t)(la < lb ? la : lb));
        return r ? (r < 0 ? -1 : 1) : TIDE_CMP(la, lb);
    }
    default:
        return 0;
    }
}

/* Rows a and b of one child column (a struct's field, an array's
   elements), nulls first. */
static inline int tide_compare_inner(const tide_column *c, int64_t a, int64_t b)
{
    int va = tide_valid(c, a), vb = tide_valid(c, b);
    if (!va || !vb) return va == vb ? 0 : va ? 1 : -1;
    return tide_compare_values(c, a, b);
}

static inline int tide_compare_nested(const tide_column *c, int64_t a, int64_t b)
{
    if (c->type == TIDE_STRUCT) {
        for (int32_t i = 0; i < c->num_children; i++) {
            int r = tide_compare_inner(&c->children[i], a, b);
            if (r) return r;
        }
        return 0;
    }
    const int64_t *off = c->values;
    int64_t la = off[a + 1] - off[a], lb = off[b + 1] - off[b];
    for (int64_t e = 0; e < la && e < lb; e++) {
        int r = tide_compare_inner(&c->children[0], off[a] + e, off[b] + e);
        if (r) return r;
    }
    return TIDE_CMP(la, lb);
}

#endif
