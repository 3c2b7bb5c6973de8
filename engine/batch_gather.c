/*
 * batch_gather.c — a new batch made of chosen rows of another, in any order,
 * copied column by column (sort, sample, randomSplit and groupBy keys build
 * their results with it). Struct columns are gathered field by field.
 */
#include "batch.h"
#include "ffi/frame_ops.h"

#include <stdio.h>
#include <string.h>

static int is_valid(const tide_column *c, int64_t row)
{
    return !c->validity || (c->validity[row >> 3] >> (row & 7)) & 1;
}

static int gather_column(tide_batch *out, tide_column *dst, const tide_column *src,
                         const int64_t *rows, int64_t n)
{
    int rc;
    if (src->type == TIDE_STRUCT) {
        rc = tide_column_init_struct(out, dst, src->name, src->num_children);
        for (int32_t k = 0; rc == 0 && k < src->num_children; k++)
            rc = gather_column(out, &dst->children[k], &src->children[k], rows, n);
        if (rc != 0) return -1;
    } else if (src->type == TIDE_DECIMAL) {
        rc = tide_column_init_decimal(out, dst, src->name, src->precision, src->scale, n);
    } else {
        rc = tide_column_init(out, dst, src->name, src->type, n);
    }
    if (rc != 0) return -1;

    if (src->type == TIDE_STRING || src->type == TIDE_BINARY) {
        const int32_t *so = src->values;
        int64_t total = 0;
        for (int64_t i = 0; i < n; i++) total += so[rows[i] + 1] - so[rows[i]];
        if (total > INT32_MAX) return -1;
        if (total > dst->data_capacity) {
            dst->data = tide_arena_alloc(out->arena, (size_t)total);
            if (!dst->data) return -1;
            dst->data_capacity = total;
        }
        int32_t *d = dst->values;
        int32_t pos = 0;
        d[0] = 0;
        for (int64_t i = 0; i < n; i++) {
            int32_t len = so[rows[i] + 1] - so[rows[i]];
            memcpy(dst->data + pos, src->data + so[rows[i]], (size_t)len);
            pos += len;
            d[i + 1] = pos;
        }
    } else if (src->type != TIDE_STRUCT) {
        size_t w = (size_t)tide_type_width(src->type);
        const char *sv = src->values;
        char *dv = dst->values;
        switch (w) {
        case 1:
            for (int64_t i = 0; i < n; i++) dv[i] = sv[rows[i]];
            break;
        case 4:
            for (int64_t i = 0; i < n; i++) ((int32_t *)dv)[i] = ((const int32_t *)sv)[rows[i]];
            break;
        case 8:
            for (int64_t i = 0; i < n; i++) ((int64_t *)dv)[i] = ((const int64_t *)sv)[rows[i]];
            break;
        default:
            for (int64_t i = 0; i < n; i++) memcpy(dv + (size_t)i * w, sv + (size_t)rows[i] * w, w);
        }
    }
    dst->length = n;
    if (src->validity && src->null_count > 0) {
        /* Sized for the capacity, as tide_column_set_null expects. */
        int64_t bits = src->type == TIDE_STRUCT ? n : dst->capacity;
        size_t bytes = (size_t)(bits + 7) / 8;
        dst->validity = tide_arena_alloc(out->arena, bytes ? bytes : 1);
        if (!dst->validity) return -1;
        memset(dst->validity, 0xff, bytes);
        int64_t nulls = 0;
        for (int64_t i = 0; i < n; i++) {
            if (!is_valid(src, rows[i])) {
                dst->validity[i >> 3] &= (uint8_t) ~(1u << (i & 7));
                nulls++;
            }
        }
        dst->null_count = nulls;
        if (nulls == 0) dst->validity = NULL;
    }
    return 0;
}

tide_batch *tide_batch_gather(const tide_batch *src, const int32_t *cols, int32_t num_cols,
                              const int64_t *rows, int64_t num_rows, int32_t extra_columns,
                              char *errbuf, size_t errlen)
{
    if (!cols) num_cols = src->num_columns;
    for (int32_t i = 0; cols && i < num_cols; i++) {
        if (cols[i] < 0 || cols[i] >= src->num_columns) {
            snprintf(errbuf, errlen, "gather: no column %d in a batch of %d", cols[i],
                     src->num_columns);
            return NULL;
        }
    }
    for (int64_t i = 0; i < num_rows; i++) {
        if (rows[i] < 0 || rows[i] >= src->num_rows) {
            snprintf(errbuf, errlen, "gather: row %lld is outside a batch of %lld rows",
                     (long long)rows[i], (long long)src->num_rows);
            return NULL;
        }
    }
    tide_batch *out = tide_batch_new(num_cols + extra_columns);
    if (!out) goto oom;
    for (int32_t i = 0; i < num_cols; i++) {
        const tide_column *s = &src->columns[cols ? cols[i] : i];
        if (gather_column(out, &out->columns[i], s, rows, num_rows) != 0) goto oom;
    }
    out->num_rows = num_rows;
    return out;
oom:
    snprintf(errbuf, errlen, "out of memory gathering %lld rows", (long long)num_rows);
    tide_batch_free(out);
    return NULL;
}
