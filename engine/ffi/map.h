/* The map kernels of tide.eval_maps (eval_map.c), as Spark 3.5 computes
   them over map columns (tide_ffi.h's layout).
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well.

   As the kernels of ffi/eval.h: each writes its result into dst (buffers
   in out's arena) and returns 0, or -1 with a message in errbuf; types are
   checked and cast in Lua. A row is NULL when an argument is, unless said
   otherwise. */
#ifndef TIDE_FFI_MAP_H
#define TIDE_FFI_MAP_H

#include "tide_ffi.h"

/* map_keys (part 0), map_values (1), map_entries (2: an array of structs
   key, value). */
int tide_eval_map_part(tide_batch *out, const tide_column *m, int32_t part, tide_column *dst,
                       char *errbuf, size_t errlen);
/* m[key], element_at(m, key): the value of the entry with that key (of
   the map's key type), NULL when there is none. */
int tide_eval_map_lookup(tide_batch *out, const tide_column *m, const tide_column *key,
                         tide_column *dst, char *errbuf, size_t errlen);
int tide_eval_map_contains_key(tide_batch *out, const tide_column *m, const tide_column *key,
                               tide_column *dst, char *errbuf, size_t errlen);
/* map_from_arrays(keys, values): arrays of one length per row (else
   Spark's error); map_from_entries(array<struct<k, v>>): NULL where an
   entry is. A null or repeated key is Spark's error (NULL_MAP_KEY,
   DUPLICATED_MAP_KEY), as is create_map's. */
int tide_eval_map_from_arrays(tide_batch *out, const tide_column *keys, const tide_column *values,
                              tide_column *dst, char *errbuf, size_t errlen);
int tide_eval_map_from_entries(tide_batch *out, const tide_column *entries, tide_column *dst,
                               char *errbuf, size_t errlen);
/* create_map(k1, v1, ..., kk, vk): keys of one type, values of one type. */
int tide_eval_create_map(tide_batch *out, const tide_column *const *keys,
                         const tide_column *const *values, int32_t k, tide_column *dst,
                         char *errbuf, size_t errlen);

#endif
