/*
 * kernel.h — what the C kernels of tide.eval and the batch operations
 * share (not part of the FFI): result columns of exactly n rows allocated
 * in an output batch's arena, validity bits, string values built row by
 * row, and the row gather every copying operation is made of.
 *
 * A kernel's result keeps the layout of docs/batches.md: validity is NULL
 * when no row is null, and a null row's slot holds zeros (an empty string).
 */
#ifndef TIDE_KERNEL_H
#define TIDE_KERNEL_H
#include "batch.h"
#include "ffi/batch_ops.h"
#include "ffi/eval.h"

#include <stdarg.h>
#include <stddef.h>

/* dst becomes an empty-valued column of n rows (fixed-width values zeroed,
   string offsets zeroed, no validity, data_bytes bytes of string data) in
   out's arena. A vector column gets n + 1 zeroed offsets and empty
   "indices" and "values" children (vector_size 0, scale = dense mode).
   0, or -1 when out of memory. */
int kernel_alloc(tide_batch *out, tide_column *dst, const char *name, int32_t type,
                 int32_t precision, int32_t scale, int64_t n, int64_t data_bytes);

/* Gives dst a bitmap with every row valid, if it has none yet. */
int kernel_validity(tide_batch *out, tide_column *dst);

/* dst's validity becomes the AND of a's and b's (b may be NULL): a row is
   valid when it is valid in both. No bitmap when neither has one. */
int kernel_validity_and(tide_batch *out, tide_column *dst, const tide_column *a,
                        const tide_column *b);

/* Counts the nulls of dst, drops a bitmap without nulls, and zeroes the
   value slots of null fixed-width rows. */
void kernel_finish(tide_column *dst);

/* Appends bytes to the string value being built in dst (a string or binary
   column from kernel_alloc); *used is the length of dst's data so far.
   -1 (errbuf) past 2 GiB of data or out of memory. */
int kernel_str_append(tide_batch *out, tide_column *dst, int64_t *used, const void *bytes,
                      int64_t len, char *errbuf, size_t errlen);

/* Ends row `row` of dst at *used bytes. */
static inline void kernel_str_end(tide_column *dst, int64_t row, int64_t used)
{
    ((int32_t *)dst->values)[row + 1] = (int32_t)used;
}

/* Java's (long) of a double, as Spark's casts and floor/ceil give it:
   truncating, saturating, NaN -> 0. */
static inline int64_t kernel_java_d2l(double d)
{
    if (d != d) return 0;
    if (d >= 9223372036854775807.0) return INT64_MAX;
    if (d <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)d;
}

/* Writes a message into errbuf; returns -1 so callers can `return
   kernel_error(...)`. */
int kernel_error(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fills dst (allocated here, named `name`) with n rows copied from
   sources of one layout: row i is row rows[i] (rows NULL: row i) of
   srcs[which[i]] (which NULL: srcs[0]), or null when which[i] < 0. Works
   for every type; struct children are gathered alike. The vectors chosen
   must share one size (dst's vector_size); -1 with errbuf naming the
   column otherwise, past 2 GiB of strings, or out of memory. Rows are not
   range-checked: callers check them. */
int kernel_gather(tide_batch *out, tide_column *dst, const char *name,
                  const tide_column *const *srcs, int32_t num_srcs, const int32_t *which,
                  const int64_t *rows, int64_t n, char *errbuf, size_t errlen);

/* Whether two columns have the same type, recursively (names of struct
   fields included). On a mismatch, writes what differs into why. */
int kernel_same_layout(const tide_column *a, const tide_column *b, char *why, size_t whylen);

/* The rows of n batches to be concatenated, after checking that there is
   at least one and that all have the first's columns (same count, same
   layouts); -1 with errbuf naming the first that differs ("<noun> 3").*/
int64_t kernel_concat_rows(tide_batch *const *batches, int32_t n, const char *noun, char *errbuf,
                           size_t errlen);

#endif
