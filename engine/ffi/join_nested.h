/* Nested-loop joins (join_nested.c): what tide.join_nested_loop needs
   beside the hash join's pairs (join.h), which it makes chunk by chunk of
   probe rows against a table of no keys (every build row).
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well. */
#ifndef TIDE_FFI_JOIN_NESTED_H
#define TIDE_FFI_JOIN_NESTED_H

#include "tide_ffi.h"

/* The build rows b in [0, num_build) whose marks[b] is 0 (no probe row
   matched them), in order, each with no probe row: a new batch of num_out
   columns, column j, named names[j], build_cols[j]'s row, or null (of
   probe_cols[j]'s type) where build_cols[j] is NULL. A full outer join's
   last rows. NULL with errbuf when out of memory or a column is missing
   or shorter than num_build. */
tide_batch *tide_join_unmatched(const uint8_t *marks, int64_t num_build,
                                const tide_column *const *probe_cols,
                                const tide_column *const *build_cols, const char *const *names,
                                int32_t num_out, char *errbuf, size_t errlen);

#endif
