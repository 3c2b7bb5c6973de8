/*
 * ml_rows.c — drops the rows an ML stage marked invalid (handleInvalid =
 * "skip"): a new batch with every column's kept rows copied, whatever the
 * column types (struct and vector columns included).
 */
#include "batch.h"
#include "ffi/ml.h"

#include <stdio.h>
#include <string.h>

static int init_like(tide_batch *b, tide_column *dst, const tide_column *src, int64_t rows)
{
    switch (src->type) {
    case TIDE_DECIMAL:
        return tide_column_init_decimal(b, dst, src->name, src->precision, src->scale, rows);
    case TIDE_VECTOR:
        return tide_column_init_vector(b, dst, src->name, src->vector_size, src->scale, rows,
                                       rows);
    case TIDE_STRUCT:
        if (tide_column_init_struct(b, dst, src->name, src->num_children) != 0) return -1;
        for (int32_t k = 0; k < src->num_children; k++)
            if (init_like(b, &dst->children[k], &src->children[k], rows) != 0) return -1;
        return 0;
    default: return tide_column_init(b, dst, src->name, src->type, rows);
    }
}

static int copy_row(tide_batch *b, tide_column *dst, const tide_column *src, int64_t i)
{
    if (!tide_column_is_valid(src, i)) return tide_column_append_null(b, dst);
    switch (src->type) {
    case TIDE_STRING:
    case TIDE_BINARY: {
        int32_t len;
        const char *s = tide_column_bytes(src, i, &len);
        return tide_column_append_bytes(b, dst, s, len);
    }
    case TIDE_VECTOR: {
        const int64_t *off = src->values;
        return tide_column_append_vector(b, dst, (int32_t)(off[i + 1] - off[i]),
                                         (const int32_t *)src->children[0].values + off[i],
                                         (const double *)src->children[1].values + off[i]);
    }
    case TIDE_STRUCT:
        for (int32_t k = 0; k < src->num_children; k++)
            if (copy_row(b, &dst->children[k], &src->children[k], i) != 0) return -1;
        return tide_column_append_fixed(b, dst, NULL);
    default: {
        size_t width = (size_t)tide_type_width(src->type);
        return tide_column_append_fixed(b, dst, (const char *)src->values + (size_t)i * width);
    }
    }
}

tide_batch *tide_ml_drop_rows(const tide_batch *in, const uint8_t *drop, char *errbuf,
                              size_t errlen)
{
    int64_t kept = 0;
    for (int64_t i = 0; i < in->num_rows; i++) kept += !drop[i];
    tide_batch *b = tide_batch_new(in->num_columns);
    if (!b) goto oom;
    for (int32_t c = 0; c < in->num_columns; c++) {
        const tide_column *src = &in->columns[c];
        tide_column *dst = &b->columns[c];
        if (init_like(b, dst, src, kept) != 0) goto oom;
        for (int64_t i = 0; i < in->num_rows; i++)
            if (!drop[i] && copy_row(b, dst, src, i) != 0) goto oom;
    }
    if (tide_batch_finish(b) != 0) goto oom;
    b->num_rows = kept;
    return b;
oom:
    tide_batch_free(b);
    snprintf(errbuf, errlen, "out of memory dropping rows");
    return NULL;
}
