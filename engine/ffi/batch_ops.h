/* Whole-batch operations: slice, concat, take and filter (batch_ops.c),
   and the joining of sliced results (batch_slices.c).
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

/* Sliced execution (batch_slices.c). detach: result's rows in a batch
   derived from input that keeps nothing else alive: a column whose
   buffers all lie in input's arenas (or its ancestors') is shared, any
   other is copied (input NULL: every column is copied, into a batch of
   its own). concat_slices: the rows of detached results of slices
   of input, in order, in a batch derived from input; a column shared in
   every result whose pieces follow each other in input's buffers is one
   shared column again, the others are copied. NULL with errbuf for
   results of different layouts, or out of memory. */
tide_batch *tide_batch_detach(tide_batch *result, tide_batch *input, char *errbuf, size_t errlen);
tide_batch *tide_batch_concat_slices(tide_batch *const *results, int32_t n, tide_batch *input,
                                     char *errbuf, size_t errlen);

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
