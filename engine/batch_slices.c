/*
 * batch_slices.c — joining the results of a plan run slice by slice over
 * one input batch (sliced execution, lua/tide/dataframe.lua) without
 * copying what they share with the input. Contracts in ffi/batch_ops.h.
 *
 * A slice's result may hold columns that are views of the input (a
 * projection passes a column through; a filter that keeps every row of a
 * slice returns the slice). tide_batch_detach keeps those as they are and
 * copies the others, so that the slice's intermediate batches can be
 * freed; tide_batch_concat_slices makes a column that is a view in every
 * result, each one starting where the one before ended, one view of the
 * input again, and gathers the others. A pass-through column thus costs
 * no copy, a computed one a copy out of its slice and one into the whole.
 */
#include "kernel.h"

#include <stdlib.h>
#include <string.h>

/* Whether p is NULL or lies in an arena of b or of its ancestors. */
static int owned(const tide_batch *b, const void *p)
{
    if (!p) return 1;
    for (; b; b = b->parent)
        if (tide_arena_owns(b->arena, p)) return 1;
    return 0;
}

/* Whether every buffer of c (children's included) is the input's. */
static int is_view(const tide_batch *input, const tide_column *c)
{
    if (!owned(input, c->validity) || !owned(input, c->values) || !owned(input, c->data)) return 0;
    for (int32_t i = 0; i < c->num_children; i++)
        if (!is_view(input, &c->children[i])) return 0;
    return 1;
}

/* dst describes the buffers src describes; the descriptors (name,
   children) are copied into out's arena, the buffers are not. */
static int share_column(tide_batch *out, tide_column *dst, const tide_column *src)
{
    *dst = *src;
    dst->name = tide_arena_strdup(out->arena, src->name ? src->name : "");
    if (!dst->name) return -1;
    if (src->num_children == 0) return 0;
    dst->children = tide_arena_alloc(out->arena, sizeof(tide_column) * (size_t)src->num_children);
    if (!dst->children) return -1;
    for (int32_t i = 0; i < src->num_children; i++)
        if (share_column(out, &dst->children[i], &src->children[i]) != 0) return -1;
    return 0;
}

tide_batch *tide_batch_detach(tide_batch *result, tide_batch *input, char *errbuf, size_t errlen)
{
    tide_batch *out =
        input ? tide_batch_derive(input, result->num_columns) : tide_batch_new(result->num_columns);
    if (!out) {
        kernel_error(errbuf, errlen, "out of memory");
        return NULL;
    }
    out->num_rows = result->num_rows;
    for (int32_t c = 0; c < result->num_columns; c++) {
        const tide_column *src = &result->columns[c];
        int rc = is_view(input, src) ? (share_column(out, &out->columns[c], src) != 0
                                            ? kernel_error(errbuf, errlen, "out of memory")
                                            : 0)
                                     : kernel_gather(out, &out->columns[c], src->name, &src, 1,
                                                     NULL, NULL, result->num_rows, errbuf, errlen);
        if (rc != 0) {
            tide_batch_free(out);
            return NULL;
        }
    }
    return out;
}

/* The validity bitmap that cols[0..n) (views of one column, in order) are
   pieces of: NULL when none has one. A piece without one has no null (a
   slice drops the bitmap of rows all valid), so its bits in the whole
   bitmap are set; the pieces that have one must start on a byte of the
   same bitmap. 0 when they do not agree. */
static int validity_base(const tide_column *const *cols, int32_t n, const uint8_t **base)
{
    *base = NULL;
    int64_t before = 0;
    for (int32_t j = 0; j < n; j++) {
        const uint8_t *v = cols[j]->validity;
        if (v) {
            if (before % 8 != 0) return 0;
            if (*base && v != *base + before / 8) return 0;
            if (!*base) *base = v - before / 8;
        }
        before += cols[j]->length;
    }
    return 1;
}

/* Whether cols[0..n) (views of one input) follow each other in the same
   buffers: each one's values start where the one before ended, in the
   same string bytes or vector entries, with one validity bitmap. */
static int contiguous(tide_batch *input, const tide_column *const *cols, int32_t n)
{
    const tide_column *a = cols[0];
    const uint8_t *base;
    if (!validity_base(cols, n, &base) || !owned(input, base)) return 0;
    int64_t before = 0;
    for (int32_t j = 0; j < n; j++) {
        const tide_column *b = cols[j];
        if (b->type != a->type || b->num_children != a->num_children) return 0;
        if (a->type != TIDE_STRUCT) {
            size_t width = (size_t)tide_type_width(a->type);
            if ((const char *)b->values != (const char *)a->values + (size_t)before * width)
                return 0;
            if (b->data != a->data) return 0;
            for (int32_t i = 0; i < a->num_children; i++) /* a vector's entries */
                if (b->children[i].values != a->children[i].values ||
                    b->children[i].validity != a->children[i].validity)
                    return 0;
        }
        before += b->length;
    }
    if (a->type != TIDE_STRUCT || a->num_children == 0) return 1;
    const tide_column **kids = malloc(sizeof *kids * (size_t)n);
    if (!kids) return 0;
    int ok = 1;
    for (int32_t i = 0; i < a->num_children && ok; i++) {
        for (int32_t j = 0; j < n; j++)
            kids[j] = &cols[j]->children[i];
        ok = contiguous(input, kids, n);
    }
    free(kids);
    return ok;
}

/* dst (shared from cols[0]) made to span the rows of cols[0..n). */
static int span(tide_column *dst, const tide_column *const *cols, int32_t n)
{
    int64_t rows = 0, nulls = 0;
    for (int32_t j = 0; j < n; j++) {
        rows += cols[j]->length;
        nulls += cols[j]->null_count;
    }
    dst->length = dst->capacity = rows;
    dst->null_count = nulls;
    const uint8_t *base;
    validity_base(cols, n, &base);
    dst->validity = (uint8_t *)base;
    if (dst->type != TIDE_STRUCT) return 0;
    const tide_column **kids = malloc(sizeof *kids * (size_t)(n ? n : 1));
    if (!kids) return -1;
    for (int32_t i = 0; i < dst->num_children; i++) {
        for (int32_t j = 0; j < n; j++)
            kids[j] = &cols[j]->children[i];
        span(&dst->children[i], kids, n);
    }
    free(kids);
    return 0;
}

tide_batch *tide_batch_concat_slices(tide_batch *const *results, int32_t n, tide_batch *input,
                                     char *errbuf, size_t errlen)
{
    int64_t total = kernel_concat_rows(results, n, "slice", errbuf, errlen);
    if (total < 0) return NULL;
    int32_t num_columns = results[0]->num_columns;
    tide_batch *out = tide_batch_derive(input, num_columns);
    const tide_column **cols = malloc(sizeof *cols * (size_t)n);
    int32_t *which = NULL;
    int64_t *rows = NULL;
    if (!out || !cols) goto oom;
    out->num_rows = total;
    for (int32_t c = 0; c < num_columns; c++) {
        int views = 1;
        for (int32_t j = 0; j < n; j++) {
            cols[j] = &results[j]->columns[c];
            views = views && is_view(input, cols[j]);
        }
        if (views && contiguous(input, cols, n)) {
            if (share_column(out, &out->columns[c], cols[0]) != 0 ||
                span(&out->columns[c], cols, n) != 0)
                goto oom;
            continue;
        }
        if (!which) {
            which = malloc(sizeof *which * (size_t)(total ? total : 1));
            rows = malloc(sizeof *rows * (size_t)(total ? total : 1));
            if (!which || !rows) goto oom;
            int64_t i = 0;
            for (int32_t j = 0; j < n; j++)
                for (int64_t r = 0; r < results[j]->num_rows; r++, i++) {
                    which[i] = j;
                    rows[i] = r;
                }
        }
        if (kernel_gather(out, &out->columns[c], cols[0]->name, cols, n, which, rows, total, errbuf,
                          errlen) != 0)
            goto fail;
    }
    free(cols);
    free(which);
    free(rows);
    return out;
oom:
    kernel_error(errbuf, errlen, "out of memory");
fail:
    free(cols);
    free(which);
    free(rows);
    tide_batch_free(out);
    return NULL;
}
