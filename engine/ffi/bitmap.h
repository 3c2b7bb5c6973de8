/* bitmap_bucket_number, bitmap_bit_position and bitmap_count, as Spark
   3.5's (eval_bitmap.c): the scalar halves of the bitmap functions whose
   aggregates, bitmap_construct_agg and bitmap_or_agg, are in
   ffi/frame_ops.h. Part of the FFI declarations (see tide_ffi.h): plain C,
   no macros, so that LuaJIT's ffi.cdef reads it as well. */
#ifndef TIDE_FFI_BITMAP_H
#define TIDE_FFI_BITMAP_H

#include "tide_ffi.h"

/* Of a bigint column: the 32768-bit bucket a value falls in (bucket 1
   holds 1 to 32768; 0 and below, the value / 32768), or (position 1) its
   bit in that bucket. bigint results; NULL for NULL. */
int tide_eval_bitmap_place(tide_batch *out, const tide_column *x, int32_t position,
                           tide_column *dst, char *errbuf, size_t errlen);
/* The number of bits set in each binary value: bigint. */
int tide_eval_bitmap_count(tide_batch *out, const tide_column *b, tide_column *dst, char *errbuf,
                           size_t errlen);

#endif
