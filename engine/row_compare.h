/*
 * row_compare.h — Spark's ordering and equality of two rows of one column,
 * shared by sorting (sort.c) and min/max and grouping (aggregate.c): NaN
 * is above every other double and equal to itself, strings compare by
 * their bytes, decimals by value. Nulls are the caller's business.
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

/* -1, 0 or 1 as row a of c sorts before, with or after row b. */
static inline int tide_compare_values(const tide_column *c, int64_t a, int64_t b)
{
    switch (c->type) {
    case TIDE_BOOL: return TIDE_CMP(((const uint8_t *)c->values)[a], ((const uint8_t *)c->values)[b]);
    case TIDE_INT32: return TIDE_CMP(((const int32_t *)c->values)[a], ((const int32_t *)c->values)[b]);
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
    default: return 0;
    }
}

#endif
