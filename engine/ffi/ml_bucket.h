/*
 * ffi/ml_bucket.h — Bucketizer's kernels (engine/ml_bucket.c): each row of
 * a numeric column to its bucket among ascending splits, as Spark's
 * Bucketizer.binarySearchForBuckets, one pass over the rows in C.
 * Errors return -1 with errbuf naming the row; callers add the column and
 * the stage.
 * Part of the FFI declarations (see tide_ffi.h): plain C, no macros.
 */
#ifndef TIDE_FFI_ML_BUCKET_H
#define TIDE_FFI_ML_BUCKET_H

#include "tide_ffi.h"

/* Sets drop[row] = 1 for each row of a numeric column (int, long, float,
   double, decimal) that is null or NaN: the rows handleInvalid = "skip"
   drops (Spark's na.drop over the input columns). drop holds
   input->length bytes. Returns how many rows it marked, or -1 for a column
   that is not a number. */
int64_t tide_ml_bucket_mark_invalid(const tide_column *input, uint8_t *drop, char *errbuf,
                                    size_t errlen);

/* Bucketizer.transform of one numeric column: dst (a double column built in
   out's arena, named as dst->name) gets each row's bucket among
   splits[0 .. nsplits) (nsplits >= 3, strictly increasing, no NaN): i for
   splits[i] <= x < splits[i + 1], the last bucket also holding
   splits[nsplits - 1]. The value is found as Java's Arrays.binarySearch
   finds it (-0.0 sorts below 0.0). A null stays null. NaN goes to bucket
   nsplits - 1 when keep_invalid, else fails with Spark's message; a value
   outside [splits[0], splits[nsplits - 1]] fails naming it and the bounds
   (Java's Double.toString). Rows whose skip[row] is set (skip may be NULL)
   are not looked at: 0.0 is written there. Returns 0, or -1 with errbuf. */
int tide_ml_bucketize(tide_batch *out, const tide_column *input, const double *splits,
                      int32_t nsplits, int32_t keep_invalid, const uint8_t *skip, tide_column *dst,
                      char *errbuf, size_t errlen);

#endif
