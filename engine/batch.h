/*
 * batch.h — columnar batches for the C side. The data layout and the
 * functions Lua calls are declared in tide_ffi.h; this header adds only
 * what C code alone uses.
 */
#ifndef TIDE_BATCH_H
#define TIDE_BATCH_H
#include "tide_ffi.h"

static inline const char *tide_column_bytes(const tide_column *col, int64_t row, int32_t *len)
{
    const int32_t *offsets = col->values;
    *len = offsets[row + 1] - offsets[row];
    return (const char *)col->data + offsets[row];
}

#endif
