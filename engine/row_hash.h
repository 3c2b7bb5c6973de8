/*
 * row_hash.h — Spark's equality of values as hashes, shared by grouping
 * (aggregate.c) and hash joins (join.c), so that both tell keys alike the
 * same way: every NaN alike, -0.0 as 0.0, strings by their bytes, decimals
 * by their 128 bits (callers give both sides one scale); structs and
 * arrays by their fields and elements, nulls inside them alike. A null
 * hashes to a constant; whether nulls of the rows themselves match is the
 * caller's business.
 */
#ifndef TIDE_ROW_HASH_H
#define TIDE_ROW_HASH_H
#include "row_compare.h"

#include <math.h>
#include <string.h>

static inline uint64_t tide_hash_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDULL;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ULL;
    return x ^ (x >> 33);
}

static inline uint64_t tide_hash_bytes(const char *s, int32_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a, then mixed */
    for (int32_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return tide_hash_mix(h);
}

static inline uint64_t tide_hash_value(const tide_column *c, int64_t r)
{
    if (!tide_valid(c, r)) return 0x9E3779B97F4A7C15ULL;
    switch (c->type) {
    case TIDE_STRUCT: {
        uint64_t h = 0x51ED270B27A2C1E5ULL;
        for (int32_t i = 0; i < c->num_children; i++)
            h = tide_hash_mix(h * 31 + tide_hash_value(&c->children[i], r));
        return h;
    }
    case TIDE_ARRAY: {
        const int64_t *off = c->values;
        uint64_t h = tide_hash_mix((uint64_t)(off[r + 1] - off[r]));
        for (int64_t e = off[r]; e < off[r + 1]; e++)
            h = tide_hash_mix(h * 31 + tide_hash_value(&c->children[0], e));
        return h;
    }
    case TIDE_BOOL:
        return tide_hash_mix(((const uint8_t *)c->values)[r] + 1);
    case TIDE_INT32:
    case TIDE_DATE:
        return tide_hash_mix((uint64_t)(int64_t)((const int32_t *)c->values)[r]);
    case TIDE_INT64:
    case TIDE_TIMESTAMP:
        return tide_hash_mix((uint64_t)((const int64_t *)c->values)[r]);
    case TIDE_FLOAT32:
    case TIDE_FLOAT64: {
        double d = c->type == TIDE_FLOAT32 ? ((const float *)c->values)[r]
                                           : ((const double *)c->values)[r];
        if (d != d) return 0x7FF8000000000000ULL; /* every NaN alike */
        if (d == 0) d = 0;                        /* -0.0 as 0.0 */
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        return tide_hash_mix(bits);
    }
    case TIDE_DECIMAL: {
        uint64_t w[2];
        memcpy(w, (const char *)c->values + 16 * r, 16);
        return tide_hash_mix(w[0] ^ tide_hash_mix(w[1]));
    }
    case TIDE_STRING:
    case TIDE_BINARY: {
        int32_t n;
        const char *s = tide_column_bytes(c, r, &n);
        return tide_hash_bytes(s, n);
    }
    default:
        return 0;
    }
}

static inline int tide_same_inner(const tide_column *a, int64_t ra, const tide_column *b,
                                  int64_t rb);

/* Whether row ra of a and row rb of b, two valid values of columns of one
   type, are equal as tide_compare_values tells (NaN = NaN, -0.0 = 0.0;
   nulls inside structs and arrays equal). */
static inline int tide_same_value(const tide_column *a, int64_t ra, const tide_column *b,
                                  int64_t rb)
{
    switch (a->type) {
    case TIDE_STRUCT:
        for (int32_t i = 0; i < a->num_children; i++)
            if (!tide_same_inner(&a->children[i], ra, &b->children[i], rb)) return 0;
        return 1;
    case TIDE_ARRAY: {
        const int64_t *oa = a->values, *ob = b->values;
        int64_t n = oa[ra + 1] - oa[ra];
        if (n != ob[rb + 1] - ob[rb]) return 0;
        for (int64_t e = 0; e < n; e++)
            if (!tide_same_inner(&a->children[0], oa[ra] + e, &b->children[0], ob[rb] + e))
                return 0;
        return 1;
    }
    case TIDE_BOOL:
        return ((const uint8_t *)a->values)[ra] == ((const uint8_t *)b->values)[rb];
    case TIDE_INT32:
    case TIDE_DATE:
        return ((const int32_t *)a->values)[ra] == ((const int32_t *)b->values)[rb];
    case TIDE_INT64:
    case TIDE_TIMESTAMP:
        return ((const int64_t *)a->values)[ra] == ((const int64_t *)b->values)[rb];
    case TIDE_FLOAT32:
        return tide_compare_double(((const float *)a->values)[ra],
                                   ((const float *)b->values)[rb]) == 0;
    case TIDE_FLOAT64:
        return tide_compare_double(((const double *)a->values)[ra],
                                   ((const double *)b->values)[rb]) == 0;
    case TIDE_DECIMAL:
        return memcmp((const char *)a->values + 16 * ra, (const char *)b->values + 16 * rb, 16) ==
               0;
    case TIDE_STRING:
    case TIDE_BINARY: {
        int32_t la, lb;
        const char *sa = tide_column_bytes(a, ra, &la), *sb = tide_column_bytes(b, rb, &lb);
        return la == lb && (la == 0 || memcmp(sa, sb, (size_t)la) == 0);
    }
    default:
        return 0;
    }
}

/* A field's or element's values equal, nulls equal. */
static inline int tide_same_inner(const tide_column *a, int64_t ra, const tide_column *b,
                                  int64_t rb)
{
    int va = tide_valid(a, ra), vb = tide_valid(b, rb);
    return va == vb && (!va || tide_same_value(a, ra, b, rb));
}

/* Whether two valid elements are one in Spark 3.5's array_distinct,
   array_union, array_intersect and array_except: their atomic elements
   go into an OpenHashSet, which compares by Java's equals, so a float's or
   double's -0.0 and 0.0 differ, while SQLOpenHashSet keeps one NaN of all.
   Other elements compare as tide_same_value (hashes: tide_hash_value). */
static inline int tide_same_set_element(const tide_column *a, int64_t ra, const tide_column *b,
                                        int64_t rb)
{
    if (a->type == TIDE_FLOAT32 || a->type == TIDE_FLOAT64) {
        double x = a->type == TIDE_FLOAT32 ? ((const float *)a->values)[ra]
                                           : ((const double *)a->values)[ra];
        double y = b->type == TIDE_FLOAT32 ? ((const float *)b->values)[rb]
                                           : ((const double *)b->values)[rb];
        if (x == 0 && y == 0) return signbit(x) == signbit(y);
    }
    return tide_same_value(a, ra, b, rb);
}

#endif
