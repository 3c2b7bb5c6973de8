/*
 * collect.h — Spark's collect_list and collect_set: lists of a column's
 * non-null values as an array column, shared by groupBy's aggregates
 * (aggregate.c) and window frames (window.c). Not part of the FFI.
 */
#ifndef TIDE_COLLECT_H
#define TIDE_COLLECT_H
#include "batch.h"

#include <stddef.h>

/* Whether collect_set can tell values of c apart: every type but vectors
   (at any depth of structs and arrays). */
int tide_collect_comparable(const tide_column *c);

/* Fills dst (allocated here, named `name`) with num_lists array rows: list
   k holds the non-null values of in's rows order[lo[k]], ...,
   order[hi[k] - 1] (order NULL: rows lo[k], ..., hi[k] - 1), in that
   order. distinct != 0 keeps the first of equal values only, equal as
   groupBy tells them (NaN = NaN, -0.0 = 0.0; structs and arrays by their
   fields and elements, nulls equal). No row is null: a list without
   values is empty, as Spark's. 0, or -1 with errbuf. */
int tide_collect(tide_batch *out, tide_column *dst, const char *name, int distinct,
                 const tide_column *in, const int64_t *order, int64_t num_lists,
                 const int64_t *lo, const int64_t *hi, char *errbuf, size_t errlen);

#endif
