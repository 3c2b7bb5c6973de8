/*
 * batch_ops.c — slice, concat, take and filter over whole batches
 * (contracts in ffi/batch_ops.h). A slice shares its parent's buffers by
 * moving the value pointers (string offsets are absolute, so the data
 * buffer stays as is); everything else copies rows with kernel_gather.
 */
#include "kernel.h"

#include <stdlib.h>
#include <string.h>

static int slice_column(tide_batch *out, tide_column *dst, const tide_column *src, int64_t offset,
                        int64_t n)
{
    *dst = *src;
    dst->length = n;
    dst->capacity = n;
    if (src->type == TIDE_STRUCT) {
        int32_t k = src->num_children;
        dst->children = tide_arena_calloc(out->arena, sizeof(tide_column) * (size_t)(k ? k : 1));
        if (!dst->children) return -1;
        for (int32_t c = 0; c < k; c++)
            if (slice_column(out, &dst->children[c], &src->children[c], offset, n) != 0) return -1;
    } else {
        size_t width = (size_t)tide_type_width(src->type);
        dst->values = (char *)src->values + (size_t)offset * width;
        if (tide_is_varlen(src->type)) dst->data_capacity = 0; /* not ours to append to */
    }
    if (!src->validity) return 0;
    if (offset % 8 == 0) {
        dst->validity = src->validity + offset / 8;
    } else {
        uint8_t *v = tide_arena_calloc(out->arena, tide_bitmap_bytes(n) + 1);
        if (!v) return -1;
        for (int64_t i = 0; i < n; i++)
            if (tide_valid(src, offset + i)) v[i >> 3] |= (uint8_t)(1u << (i & 7));
        dst->validity = v;
    }
    int64_t nulls = 0;
    for (int64_t i = 0; i < n; i++) nulls += !tide_valid(dst, i);
    dst->null_count = nulls;
    if (nulls == 0) dst->validity = NULL;
    return 0;
}

tide_batch *tide_batch_slice(tide_batch *batch, int64_t offset, int64_t n)
{
    if (offset < 0) offset = 0;
    if (offset > batch->num_rows) offset = batch->num_rows;
    if (n < 0) n = 0;
    if (n > batch->num_rows - offset) n = batch->num_rows - offset;
    tide_batch *out = tide_batch_derive(batch, batch->num_columns);
    if (!out) return NULL;
    out->num_rows = n;
    for (int32_t c = 0; c < batch->num_columns; c++) {
        if (slice_column(out, &out->columns[c], &batch->columns[c], offset, n) != 0) {
            tide_batch_free(out);
            return NULL;
        }
    }
    return out;
}

/* A new batch whose columns gather rows of batches' columns (one source
   per batch). */
static tide_batch *gather_batch(tide_batch *const *batches, int32_t num_batches,
                                const int32_t *which, const int64_t *rows, int64_t n,
                                char *errbuf, size_t errlen)
{
    int32_t num_columns = batches[0]->num_columns;
    tide_batch *out = tide_batch_new(num_columns);
    const tide_column **srcs = malloc(sizeof *srcs * (size_t)num_batches);
    if (!out || !srcs) {
        free(srcs);
        tide_batch_free(out);
        kernel_error(errbuf, errlen, "out of memory");
        return NULL;
    }
    out->num_rows = n;
    for (int32_t c = 0; c < num_columns; c++) {
        for (int32_t b = 0; b < num_batches; b++) srcs[b] = &batches[b]->columns[c];
        if (kernel_gather(out, &out->columns[c], srcs[0]->name, srcs, num_batches, which, rows, n,
                          errbuf, errlen) != 0) {
            free(srcs);
            tide_batch_free(out);
            return NULL;
        }
    }
    free(srcs);
    return out;
}

tide_batch *tide_batch_concat(tide_batch *const *batches, int32_t n, char *errbuf, size_t errlen)
{
    int64_t total = kernel_concat_rows(batches, n, "batch", errbuf, errlen);
    if (total < 0) return NULL;
    if (n == 1) return tide_batch_slice(batches[0], 0, batches[0]->num_rows);
    int32_t *which = malloc(sizeof *which * (size_t)(total ? total : 1));
    int64_t *rows = malloc(sizeof *rows * (size_t)(total ? total : 1));
    if (!which || !rows) {
        free(which);
        free(rows);
        kernel_error(errbuf, errlen, "out of memory");
        return NULL;
    }
    int64_t i = 0;
    for (int32_t b = 0; b < n; b++) {
        for (int64_t r = 0; r < batches[b]->num_rows; r++, i++) {
            which[i] = b;
            rows[i] = r;
        }
    }
    tide_batch *out = gather_batch(batches, n, which, rows, total, errbuf, errlen);
    free(which);
    free(rows);
    return out;
}

tide_batch *tide_batch_take(tide_batch *batch, const int64_t *rows, int64_t n, char *errbuf,
                            size_t errlen)
{
    for (int64_t i = 0; i < n; i++) {
        if (rows[i] < 0 || rows[i] >= batch->num_rows) {
            kernel_error(errbuf, errlen, "take: row %lld is out of range (the batch has %lld rows)",
                         (long long)rows[i], (long long)batch->num_rows);
            return NULL;
        }
    }
    return gather_batch(&batch, 1, NULL, rows, n, errbuf, errlen);
}

tide_batch *tide_batch_filter(tide_batch *batch, const tide_column *mask, char *errbuf,
                              size_t errlen)
{
    if (mask->type != TIDE_BOOL || mask->length != batch->num_rows) {
        kernel_error(errbuf, errlen, "filter: the mask must be a boolean column of %lld rows",
                     (long long)batch->num_rows);
        return NULL;
    }
    const uint8_t *keep = mask->values;
    int64_t n = batch->num_rows, selected = 0;
    for (int64_t i = 0; i < n; i++) selected += keep[i] && tide_valid(mask, i);
    if (selected == n) {
        tide_batch *out = tide_batch_slice(batch, 0, n);
        if (!out) kernel_error(errbuf, errlen, "out of memory");
        return out;
    }
    int64_t *rows = malloc(sizeof *rows * (size_t)(selected ? selected : 1));
    if (!rows) {
        kernel_error(errbuf, errlen, "out of memory");
        return NULL;
    }
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++)
        if (keep[i] && tide_valid(mask, i)) rows[k++] = i;
    tide_batch *out = gather_batch(&batch, 1, NULL, rows, selected, errbuf, errlen);
    free(rows);
    return out;
}
