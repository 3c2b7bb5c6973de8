/* Hash joins (join.c): a table over the key columns of one side (the
   build side: a batch join's right, a stream-static join's static side),
   kept across probes so that a stream's micro-batches reuse it, and
   probed with the key columns of the other side; the result gathers the
   columns of both sides, nulls where a side has no row.
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well. */
#ifndef TIDE_FFI_JOIN_H
#define TIDE_FFI_JOIN_H

#include "tide_ffi.h"

typedef struct tide_join_table tide_join_table;

/* Which rows a probe gives, as pairs (probe row, build row). */
typedef enum tide_join_mode {
    TIDE_JOIN_INNER = 0,       /* every matching pair */
    TIDE_JOIN_PROBE_OUTER = 1, /* and each probe row without a match, with no build row */
    TIDE_JOIN_BUILD_OUTER = 2, /* every matching pair, then each build row no probe row matched */
    TIDE_JOIN_FULL_OUTER = 3,  /* both of the above */
    TIDE_JOIN_SEMI = 4,        /* each probe row with a match, once */
    TIDE_JOIN_ANTI = 5         /* each probe row without a match */
} tide_join_mode;

/* A table over num_rows rows of the key columns (atomic types; none: every
   row matches every probe row, a cross join). A row with a null key
   matches nothing, unless that key is null-safe (null_safe[k] != 0, SQL's
   <=>; null_safe NULL: none is), where null matches null. The table keeps
   the key column pointers (not their data): they must outlive it. NULL
   with errbuf when out of memory or a key cannot be hashed. */
tide_join_table *tide_join_build(const tide_column *const *keys, const int32_t *null_safe,
                                 int32_t num_keys, int64_t num_rows, char *errbuf, size_t errlen);
void tide_join_free(tide_join_table *table);

/* Probes table with num_rows rows of keys (num_keys columns of the types
   of the table's keys, one by one) and gathers the pairs `mode` gives
   into a new batch of num_out columns: column j, named names[j], is
   probe_cols[j]'s row of the pair, or build_cols[j]'s (columns of the
   table's rows), or, when both are given (of one type), the probe's when
   the pair has a probe row and the build's otherwise (a full outer USING
   join's coalesced key); null where the pair has no row of that side.
   Pairs come in probe order, each probe row's matches in build order;
   unmatched build rows last, in build order. NULL with errbuf on a type
   mismatch, out of memory, or a result too large to count. */
tide_batch *tide_join_probe(const tide_join_table *table, const tide_column *const *keys,
                            int32_t num_keys, int64_t num_rows, int32_t mode,
                            const tide_column *const *probe_cols,
                            const tide_column *const *build_cols, const char *const *names,
                            int32_t num_out, char *errbuf, size_t errlen);

/* Pairs that a condition beyond the keys decides (a residual predicate,
   as Spark's join evaluates the rest of its condition over the joined
   row): tide_join_match lists every pair whose keys match, in probe
   order, each probe row's in build order; the caller gathers them
   (tide_join_pairs_gather), evaluates the condition over them, and
   tide_join_pairs_select keeps, in place, the pairs `mode` gives of those
   it passed: for an outer mode a row without a passing pair comes once
   with no row of the other side (a probe row in its place, build rows
   last, in order), a semi join keeps each probe row with a passing pair,
   an anti join those without. tide_join_pairs_mark sets marks[r - from]
   to 1 for each row r in [from, from + n) of one side (side 0 the probe,
   1 the build) that has a pair with a row of the other side; returns how
   many it set. NULL or -1 with errbuf on a type mismatch or out of memory;
   the table and the key columns must outlive tide_join_match only. */
typedef struct tide_join_pairs tide_join_pairs;
tide_join_pairs *tide_join_match(const tide_join_table *table, const tide_column *const *keys,
                                 int32_t num_keys, int64_t num_rows, char *errbuf, size_t errlen);
int64_t tide_join_pairs_count(const tide_join_pairs *pairs);
int tide_join_pairs_select(tide_join_pairs *pairs, const tide_column *pass, int32_t mode,
                           char *errbuf, size_t errlen);
int64_t tide_join_pairs_mark(const tide_join_pairs *pairs, int32_t side, int64_t from, int64_t n,
                             uint8_t *marks);
tide_batch *tide_join_pairs_gather(const tide_join_pairs *pairs,
                                   const tide_column *const *probe_cols,
                                   const tide_column *const *build_cols,
                                   const char *const *names, int32_t num_out, char *errbuf,
                                   size_t errlen);
void tide_join_pairs_free(tide_join_pairs *pairs);

#endif
