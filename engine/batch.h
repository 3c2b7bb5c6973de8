/*
 * batch.h — columnar batches for the C side. The data layout and the
 * functions Lua calls are declared in tide_ffi.h; this header adds only
 * what C code alone uses: the validity-bit and layout helpers every kernel
 * shares (one definition, inline).
 */
#ifndef TIDE_BATCH_H
#define TIDE_BATCH_H
#include "tide_ffi.h"

static inline const char *tide_column_bytes(const tide_column *col, int64_t row, int32_t *len)
{
    const int32_t *offsets = (const int32_t *)col->values;
    *len = offsets[row + 1] - offsets[row];
    return (const char *)col->data + offsets[row];
}

/* Spark's simpleString of a type id ("bigint", "date"; "decimal" without
   its precision), for error messages. */
const char *tide_type_name(int32_t type);

/* Whether row `row` of c is valid (no bitmap: every row is). */
static inline int tide_valid(const tide_column *c, int64_t row)
{
    return !c->validity || (c->validity[row >> 3] >> (row & 7)) & 1;
}

/* Bit operations on an existing bitmap; null_count is the caller's. */
static inline void tide_mark_null(tide_column *c, int64_t row)
{
    c->validity[row >> 3] &= (uint8_t) ~(1u << (row & 7));
}

static inline void tide_mark_valid(tide_column *c, int64_t row)
{
    c->validity[row >> 3] |= (uint8_t)(1u << (row & 7));
}

/* Bytes of a bitmap of `rows` bits. */
static inline size_t tide_bitmap_bytes(int64_t rows)
{
    return (size_t)((rows + 7) / 8);
}

/* String and binary: int32 offsets into `data`. */
static inline int tide_is_varlen(int32_t type)
{
    return type == TIDE_STRING || type == TIDE_BINARY;
}

/* Types whose values buffer holds length + 1 offsets (int32 for strings
   and binary, int64 for vectors, arrays and maps). */
static inline int tide_has_offsets(int32_t type)
{
    return tide_is_varlen(type) || type == TIDE_VECTOR || type == TIDE_ARRAY || type == TIDE_MAP;
}

/* Row i of a bool, int, long, float or double column as a double. */
static inline double tide_number_at(const tide_column *col, int64_t i)
{
    switch (col->type) {
    case TIDE_BOOL:
        return ((const uint8_t *)col->values)[i] ? 1.0 : 0.0;
    case TIDE_INT32:
        return ((const int32_t *)col->values)[i];
    case TIDE_INT64:
        return (double)((const int64_t *)col->values)[i];
    case TIDE_FLOAT32:
        return ((const float *)col->values)[i];
    default:
        return ((const double *)col->values)[i];
    }
}

#endif
