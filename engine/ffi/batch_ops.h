/* Whole-batch operations: slice, concat, copy, take and filter (batch_ops.c).
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well. */
#ifndef TIDE_FFI_BATCH_OPS_H
#define TIDE_FFI_BATCH_OPS_H

#include "tide_ffi.h"

/* Rows [offset, offset + n) of batch (clamped to its rows), as a batch
   derived from it that shares its buffers (only validity bitmaps that do
   not start on a byte are copied). NULL when out of memory. */
tide_batch *tide_batch_slice(tide_batch *batch, int64_t offset, int64_t n);

/* The rows of n batches one after another, copied into a new batch. The
   batches must have the same number of columns and the same column types
   by position (names come from the first); otherwise NULL with errbuf
   naming the column. */
tide_batch *tide_batch_concat(tide_batch *const *batches, int32_t n, char *errbuf,
                              size_t errlen);

/* Every row of batch copied into a new batch with no parent: its buffers
   are its own, so keeping it keeps none of the batches it was computed
   from (sliced execution keeps each slice's result this way while the
   slice's intermediate batches are freed). NULL with errbuf when out of
   memory. */
tide_batch *tide_batch_copy(tide_batch *batch, char *errbuf, size_t errlen);

/* A new batch of the given rows of batch, in that order (rows may repeat),
   every type copied. NULL with errbuf for a row out of range. */
tide_batch *tide_batch_take(tide_batch *batch, const int64_t *rows, int64_t n, char *errbuf,
                            size_t errlen);

/* The rows of batch where mask (a boolean column of batch's length) is
   true; null counts as false. Copies the selected rows, except when every
   row is selected: then a batch derived from batch, sharing its buffers. */
tide_batch *tide_batch_filter(tide_batch *batch, const tide_column *mask, char *errbuf,
                              size_t errlen);

#endif
