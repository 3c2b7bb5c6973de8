/* Spark's nondeterministic functions that make values of their own
   (eval_misc.c): uuid() and monotonically_increasing_id(). Part of the FFI
   declarations (see tide_ffi.h): plain C, no macros, so that LuaJIT's
   ffi.cdef reads it as well.

   As the kernels of ffi/eval.h: each writes n rows into dst (buffers in
   out's arena) and returns 0, or -1 with a message in errbuf. */
#ifndef TIDE_FFI_MISC_H
#define TIDE_FFI_MISC_H

#include "tide_ffi.h"

/* uuid(): n random version 4 UUIDs (RFC 4122: 122 random bits), as
   Java's UUID.toString writes them: 36 lower-case characters,
   8-4-4-4-12. Each call draws a new seed from the system's entropy
   (getrandom). */
int tide_eval_uuid(tide_batch *out, int64_t n, tide_column *dst, char *errbuf, size_t errlen);
/* monotonically_increasing_id(): the bigints (partition << 33) + first +
   i for i in [0, n), Spark's layout: the partition in the upper 31 bits,
   the row's number within it in the lower 33; -1 with errbuf when the
   partition passes 31 bits or its rows 33. */
int tide_eval_row_ids(tide_batch *out, int64_t partition, int64_t first, int64_t n,
                      tide_column *dst, char *errbuf, size_t errlen);
/* 64 bits from the system's entropy (getrandom), or, should that fail,
   from the clock and a counter: the seed of uuid(), shuffle() and rand()
   when none is given. */
int64_t tide_random_seed(void);

#endif
