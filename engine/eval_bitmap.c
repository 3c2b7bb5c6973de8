/*
 * eval_bitmap.c — bitmap_bucket_number, bitmap_bit_position and
 * bitmap_count (ffi/bitmap.h), as Spark 3.5's BitmapExpressionUtils: a
 * value's bucket of 32768 bits and its place in it, and the bits a bitmap
 * holds. bitmap_construct_agg and bitmap_or_agg make the bitmaps
 * (aggregate_lists.c).
 */
#include "ffi/bitmap.h"
#include "kernel.h"

#define BITS_PER_BUCKET 32768

int tide_eval_bitmap_place(tide_batch *out, const tide_column *x, int32_t position,
                           tide_column *dst, char *errbuf, size_t errlen)
{
    if (x->type != TIDE_INT64)
        return kernel_error(errbuf, errlen, "bitmap functions need a bigint");
    int64_t n = x->length;
    if (kernel_alloc(out, dst, "", TIDE_INT64, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, x, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int64_t *v = x->values;
    int64_t *r = dst->values;
    for (int64_t i = 0; i < n; i++) {
        int64_t value = v[i];
        if (position)
            r[i] = value > 0 ? (value - 1) % BITS_PER_BUCKET : (-(value % BITS_PER_BUCKET));
        else
            r[i] = value > 0 ? (value - 1) / BITS_PER_BUCKET + 1 : value / BITS_PER_BUCKET;
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_bitmap_count(tide_batch *out, const tide_column *b, tide_column *dst, char *errbuf,
                           size_t errlen)
{
    if (b->type != TIDE_BINARY) return kernel_error(errbuf, errlen, "bitmap_count needs a binary");
    int64_t n = b->length;
    if (kernel_alloc(out, dst, "", TIDE_INT64, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, b, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t *r = dst->values;
    for (int64_t i = 0; i < n; i++) {
        int32_t len;
        const unsigned char *bytes = (const unsigned char *)tide_column_bytes(b, i, &len);
        int64_t bits = 0;
        for (int32_t j = 0; j < len; j++)
            bits += __builtin_popcount(bytes[j]);
        r[i] = bits;
    }
    kernel_finish(dst);
    return 0;
}
