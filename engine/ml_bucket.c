/*
 * ml_bucket.c — Bucketizer's kernels (declared in ffi/ml_bucket.h): a
 * binary search per row over the splits, as Spark's
 * Bucketizer.binarySearchForBuckets (java.util.Arrays.binarySearch), with
 * its NaN and out-of-bounds errors, in one pass over a batch's column.
 */
#include "batch.h"
#include "ffi/ml_bucket.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int numeric(int32_t type)
{
    return type == TIDE_INT32 || type == TIDE_INT64 || type == TIDE_FLOAT32 ||
           type == TIDE_FLOAT64 || type == TIDE_DECIMAL;
}

static int check_numeric(const tide_column *col, char *errbuf, size_t errlen)
{
    if (numeric(col->type)) return 0;
    snprintf(errbuf, errlen, "column %s is not a number (type id %d)", col->name ? col->name : "?",
             (int)col->type);
    return -1;
}

/* Row i as a double, as Spark's cast to double: a decimal through its exact
   text and strtod, which rounds correctly (Decimal.toDouble). */
static inline double value_at(const tide_column *c, int64_t i)
{
    if (c->type != TIDE_DECIMAL) return tide_number_at(c, i);
    char buf[48];
    tide_decimal_format((const char *)c->values + 16 * i, c->scale, buf);
    return strtod(buf, NULL);
}

int64_t tide_ml_bucket_mark_invalid(const tide_column *input, uint8_t *drop, char *errbuf,
                                    size_t errlen)
{
    if (check_numeric(input, errbuf, errlen) != 0) return -1;
    int64_t marked = 0;
    for (int64_t i = 0; i < input->length; i++) {
        if (!tide_column_is_valid(input, i) || isnan(value_at(input, i))) {
            marked += drop[i] == 0;
            drop[i] = 1;
        }
    }
    return marked;
}

/* Java's Double.doubleToLongBits, for the order Arrays.binarySearch gives
   equal values (-0.0 below 0.0); NaN never reaches it. */
static inline int64_t java_bits(double x)
{
    int64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

/* java.util.Arrays.binarySearch(a, key): the index of key, or
   -(insertion point) - 1. */
static int32_t java_binary_search(const double *a, int32_t n, double key)
{
    int32_t low = 0, high = n - 1;
    while (low <= high) {
        int32_t mid = (int32_t)(((uint32_t)low + (uint32_t)high) >> 1);
        double v = a[mid];
        if (v < key) {
            low = mid + 1;
        } else if (v > key) {
            high = mid - 1;
        } else {
            int64_t vb = java_bits(v), kb = java_bits(key);
            if (vb == kb) return mid;
            if (vb < kb)
                low = mid + 1;
            else
                high = mid - 1;
        }
    }
    return -(low + 1);
}

int tide_ml_bucketize(tide_batch *out, const tide_column *input, const double *splits,
                      int32_t nsplits, int32_t keep_invalid, const uint8_t *skip, tide_column *dst,
                      char *errbuf, size_t errlen)
{
    if (check_numeric(input, errbuf, errlen) != 0) return -1;
    if (nsplits < 3) {
        snprintf(errbuf, errlen, "Bucketizer needs at least 3 splits, not %d", (int)nsplits);
        return -1;
    }
    int64_t n = input->length;
    if (tide_column_init(out, dst, dst->name, TIDE_FLOAT64, n) != 0) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    double *values = dst->values;
    double last = splits[nsplits - 1];
    for (int64_t i = 0; i < n; i++) {
        if (skip && skip[i]) {
            values[i] = 0.0;
            continue;
        }
        if (!tide_column_is_valid(input, i)) {
            /* (Spark's UDF of a Double gives null for a null input) */
            values[i] = 0.0;
            tide_column_set_null(out, dst, i);
            continue;
        }
        double x = value_at(input, i);
        int32_t bucket;
        if (isnan(x)) {
            if (!keep_invalid) {
                snprintf(errbuf, errlen,
                         "row %lld: Bucketizer encountered NaN value. To handle or skip NaNs, try "
                         "setting Bucketizer.handleInvalid.",
                         (long long)i);
                return -1;
            }
            bucket = nsplits - 1;
        } else if (x == last) {
            bucket = nsplits - 2;
        } else {
            int32_t idx = java_binary_search(splits, nsplits, x);
            if (idx >= 0) {
                bucket = idx;
            } else {
                int32_t at = -idx - 1;
                if (at == 0 || at == nsplits) {
                    char v[32], lo[32], hi[32];
                    tide_format_java_double(x, 0, v);
                    tide_format_java_double(splits[0], 0, lo);
                    tide_format_java_double(last, 0, hi);
                    snprintf(errbuf, errlen,
                             "row %lld: Feature value %s out of Bucketizer bounds [%s, %s]. Check "
                             "your features, or loosen the lower/upper bound constraints.",
                             (long long)i, v, lo, hi);
                    return -1;
                }
                bucket = at - 1;
            }
        }
        values[i] = (double)bucket;
    }
    dst->length = n;
    return 0;
}
