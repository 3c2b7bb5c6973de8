/* input_file_name() and its kin (input_file.c): the columns that say
   which file each row of a file source's batch was read from, built a run
   of rows at a time. Part of the FFI declarations (see tide_ffi.h): plain
   C, no macros, so that LuaJIT's ffi.cdef reads it as well. */
#ifndef TIDE_FFI_INPUT_FILE_H
#define TIDE_FFI_INPUT_FILE_H

#include "tide_ffi.h"

/* A string column of counts[0] + ... + counts[num_runs - 1] rows in out's
   arena: values[i] (a C string) for each of the counts[i] rows of run i,
   the runs in order. 0, or -1 with errbuf past 2 GiB of text or out of
   memory. */
int tide_input_file_names(tide_batch *out, const char *const *values, const int64_t *counts,
                          int32_t num_runs, tide_column *dst, char *errbuf, size_t errlen);
/* The same for a bigint column: values[i] for each row of run i. */
int tide_input_file_longs(tide_batch *out, const int64_t *values, const int64_t *counts,
                          int32_t num_runs, tide_column *dst, char *errbuf, size_t errlen);
/* The rows in [first, first + n) that a filter keeps: those where mask (a
   boolean column) is true, null counting as false. */
int64_t tide_mask_kept(const tide_column *mask, int64_t first, int64_t n);

#endif
