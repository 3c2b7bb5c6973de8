/*
 * kernel.c — result columns, validity bitmaps and string building for the
 * C kernels (contract in kernel.h).
 */
#include "kernel.h"

#include <stdio.h>
#include <string.h>

int kernel_alloc(tide_batch *out, tide_column *dst, const char *name, int32_t type,
                 int32_t precision, int32_t scale, int64_t n, int64_t data_bytes)
{
    memset(dst, 0, sizeof *dst);
    dst->name = tide_arena_strdup(out->arena, name ? name : "");
    dst->type = type;
    dst->precision = (int16_t)precision;
    dst->scale = (int16_t)scale;
    dst->length = n;
    dst->capacity = n;
    if (!dst->name) return -1;
    if (type == TIDE_STRUCT) return 0;
    size_t width = (size_t)tide_type_width(type);
    if (width == 0) return -1;
    size_t slots = (size_t)n + (tide_has_offsets(type) ? 1 : 0);
    dst->values = tide_arena_calloc(out->arena, slots * width);
    if (!dst->values) return -1;
    if (tide_is_varlen(type)) {
        if (data_bytes < 16) data_bytes = 16;
        dst->data = tide_arena_alloc(out->arena, (size_t)data_bytes);
        if (!dst->data) return -1;
        dst->data_capacity = data_bytes;
    } else if (type == TIDE_ARRAY || type == TIDE_MAP) {
        /* the element (key and value) columns are the caller's to fill */
        dst->num_children = type == TIDE_MAP ? 2 : 1;
        dst->children = tide_arena_calloc(out->arena, sizeof(tide_column) * (size_t)dst->num_children);
        if (!dst->children) return -1;
    } else if (type == TIDE_VECTOR) {
        dst->num_children = 2;
        dst->children = tide_arena_calloc(out->arena, 2 * sizeof(tide_column));
        if (!dst->children ||
            kernel_alloc(out, &dst->children[0], "indices", TIDE_INT32, 0, 0, 0, 0) != 0 ||
            kernel_alloc(out, &dst->children[1], "values", TIDE_FLOAT64, 0, 0, 0, 0) != 0)
            return -1;
    }
    return 0;
}

int kernel_validity(tide_batch *out, tide_column *dst)
{
    if (dst->validity) return 0;
    size_t n = tide_bitmap_bytes(dst->length);
    dst->validity = tide_arena_alloc(out->arena, n ? n : 1);
    if (!dst->validity) return -1;
    memset(dst->validity, 0xff, n);
    return 0;
}

int kernel_validity_and(tide_batch *out, tide_column *dst, const tide_column *a,
                        const tide_column *b)
{
    const uint8_t *va = a ? a->validity : NULL, *vb = b ? b->validity : NULL;
    if (!va && !vb) return 0;
    size_t n = tide_bitmap_bytes(dst->length);
    uint8_t *v = tide_arena_alloc(out->arena, n ? n : 1);
    if (!v) return -1;
    for (size_t i = 0; i < n; i++) v[i] = (uint8_t)((va ? va[i] : 0xff) & (vb ? vb[i] : 0xff));
    dst->validity = v;
    return 0;
}

void kernel_finish(tide_column *dst)
{
    dst->null_count = 0;
    if (!dst->validity) return;
    int64_t n = dst->length, nulls = 0;
    /* Offsets are left alone: a null row of a string or vector column is
       already empty. */
    size_t width = dst->type == TIDE_STRUCT || tide_has_offsets(dst->type)
                       ? 0
                       : (size_t)tide_type_width(dst->type);
    for (int64_t byte = 0; byte < (n + 7) / 8; byte++) {
        uint8_t bits = dst->validity[byte];
        if (bits == 0xff && byte * 8 + 8 <= n) continue;
        for (int64_t row = byte * 8; row < byte * 8 + 8 && row < n; row++) {
            if ((bits >> (row & 7)) & 1) continue;
            nulls++;
            if (width) memset((char *)dst->values + (size_t)row * width, 0, width);
        }
    }
    dst->null_count = nulls;
    if (nulls == 0) dst->validity = NULL;
}

int kernel_str_append(tide_batch *out, tide_column *dst, int64_t *used, const void *bytes,
                      int64_t len, char *errbuf, size_t errlen)
{
    int64_t need = *used + len;
    if (need > INT32_MAX)
        return kernel_error(errbuf, errlen, "column %s: the strings of one batch pass 2 GiB",
                            dst->name);
    if (need > dst->data_capacity) {
        int64_t cap = dst->data_capacity > 0 ? dst->data_capacity * 2 : 64;
        while (cap < need) cap *= 2;
        if (cap > INT32_MAX) cap = INT32_MAX;
        uint8_t *d = tide_arena_realloc(out->arena, dst->data, (size_t)dst->data_capacity,
                                        (size_t)cap);
        if (!d) return kernel_error(errbuf, errlen, "out of memory");
        dst->data = d;
        dst->data_capacity = cap;
    }
    if (len > 0) memcpy(dst->data + *used, bytes, (size_t)len);
    *used = need;
    return 0;
}

int kernel_error(char *errbuf, size_t errlen, const char *fmt, ...)
{
    if (errbuf && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errbuf, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static const char *type_label(const tide_column *c, char *buf, size_t len)
{
    if (c->type != TIDE_DECIMAL) return tide_type_name(c->type);
    snprintf(buf, len, "decimal(%d,%d)", c->precision, c->scale);
    return buf;
}

int kernel_same_layout(const tide_column *a, const tide_column *b, char *why, size_t whylen)
{
    char ta[24], tb[24];
    if (a->type != b->type ||
        (a->type == TIDE_DECIMAL && (a->precision != b->precision || a->scale != b->scale))) {
        if (why)
            snprintf(why, whylen, "column %s is %s in one batch and %s in another", a->name,
                     type_label(a, ta, sizeof ta), type_label(b, tb, sizeof tb));
        return 0;
    }
    if (a->type == TIDE_ARRAY) return kernel_same_layout(&a->children[0], &b->children[0], why, whylen);
    if (a->type == TIDE_MAP)
        return kernel_same_layout(&a->children[0], &b->children[0], why, whylen) &&
               kernel_same_layout(&a->children[1], &b->children[1], why, whylen);
    if (a->type != TIDE_STRUCT) return 1;
    if (a->num_children != b->num_children) {
        if (why)
            snprintf(why, whylen, "struct column %s has %d fields in one batch and %d in another",
                     a->name, a->num_children, b->num_children);
        return 0;
    }
    for (int32_t i = 0; i < a->num_children; i++) {
        if (strcmp(a->children[i].name, b->children[i].name) != 0) {
            if (why)
                snprintf(why, whylen, "struct column %s: field %d is %s in one batch and %s in another",
                         a->name, i + 1, a->children[i].name, b->children[i].name);
            return 0;
        }
        if (!kernel_same_layout(&a->children[i], &b->children[i], why, whylen)) return 0;
    }
    return 1;
}

int64_t kernel_concat_rows(tide_batch *const *batches, int32_t n, const char *noun, char *errbuf,
                           size_t errlen)
{
    if (n <= 0) {
        kernel_error(errbuf, errlen, "concat needs at least one batch");
        return -1;
    }
    int64_t total = 0;
    for (int32_t b = 0; b < n; b++) {
        if (batches[b]->num_columns != batches[0]->num_columns) {
            kernel_error(errbuf, errlen, "%s %d has %d columns, %s 1 has %d", noun, b + 1,
                         batches[b]->num_columns, noun, batches[0]->num_columns);
            return -1;
        }
        for (int32_t c = 0; c < batches[0]->num_columns; c++) {
            char why[256];
            if (!kernel_same_layout(&batches[0]->columns[c], &batches[b]->columns[c], why,
                                    sizeof why)) {
                kernel_error(errbuf, errlen, "cannot concatenate %s %d: %s", noun, b + 1, why);
                return -1;
            }
        }
        total += batches[b]->num_rows;
    }
    return total;
}
