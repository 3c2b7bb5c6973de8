/*
 * gather.c — kernel_gather (kernel.h): a new column whose rows are copied
 * from chosen rows of one or more source columns of the same layout. Take,
 * filter, concat, CASE WHEN and coalesce are all gathers; doing them in one
 * place keeps strings, decimals, structs and validity right everywhere.
 */
#include "kernel.h"

#include <stdlib.h>
#include <string.h>

static int is_varlen(int32_t type)
{
    return type == TIDE_STRING || type == TIDE_BINARY;
}

int kernel_gather(tide_batch *out, tide_column *dst, const char *name,
                  const tide_column *const *srcs, int32_t num_srcs, const int32_t *which,
                  const int64_t *rows, int64_t n, char *errbuf, size_t errlen)
{
    const tide_column *layout = srcs[0];
    int32_t type = layout->type;
    int64_t data_bytes = 0;
    if (is_varlen(type)) {
        for (int64_t i = 0; i < n; i++) {
            int32_t w = which ? which[i] : 0;
            if (w < 0 || w >= num_srcs) continue;
            int64_t r = rows ? rows[i] : i;
            const int32_t *off = srcs[w]->values;
            data_bytes += off[r + 1] - off[r];
        }
        if (data_bytes > INT32_MAX)
            return kernel_error(errbuf, errlen, "column %s: the strings of one batch pass 2 GiB",
                                name);
    }
    if (kernel_alloc(out, dst, name, type, layout->precision, layout->scale, n, data_bytes) != 0)
        return kernel_error(errbuf, errlen, "out of memory");

    /* Validity first: a row is null when no source is chosen or the chosen
       row is null. */
    for (int64_t i = 0; i < n; i++) {
        int32_t w = which ? which[i] : 0;
        int valid = w >= 0 && w < num_srcs && kernel_valid(srcs[w], rows ? rows[i] : i);
        if (!valid) {
            if (!dst->validity && kernel_validity(out, dst) != 0)
                return kernel_error(errbuf, errlen, "out of memory");
            kernel_set_null(dst, i);
        }
    }

    if (type == TIDE_STRUCT) {
        int32_t k = layout->num_children;
        dst->num_children = k;
        dst->children = tide_arena_calloc(out->arena, sizeof(tide_column) * (size_t)(k ? k : 1));
        const tide_column **child_srcs = malloc(sizeof *child_srcs * (size_t)num_srcs);
        if (!dst->children || !child_srcs) {
            free(child_srcs);
            return kernel_error(errbuf, errlen, "out of memory");
        }
        int rc = 0;
        for (int32_t c = 0; c < k && rc == 0; c++) {
            for (int32_t s = 0; s < num_srcs; s++) child_srcs[s] = &srcs[s]->children[c];
            rc = kernel_gather(out, &dst->children[c], layout->children[c].name, child_srcs,
                               num_srcs, which, rows, n, errbuf, errlen);
        }
        free(child_srcs);
        if (rc != 0) return rc;
    } else if (is_varlen(type)) {
        int32_t *offsets = dst->values;
        int64_t used = 0;
        for (int64_t i = 0; i < n; i++) {
            if (kernel_valid(dst, i)) {
                const tide_column *src = srcs[which ? which[i] : 0];
                int64_t r = rows ? rows[i] : i;
                const int32_t *off = src->values;
                int32_t len = off[r + 1] - off[r];
                memcpy(dst->data + used, src->data + off[r], (size_t)len);
                used += len;
            }
            offsets[i + 1] = (int32_t)used;
        }
    } else {
        size_t width = (size_t)tide_type_width(type);
        char *values = dst->values;
        if (!which && !rows) {
            memcpy(values, layout->values, (size_t)n * width);
        } else {
            for (int64_t i = 0; i < n; i++) {
                if (!kernel_valid(dst, i)) continue;
                const tide_column *src = srcs[which ? which[i] : 0];
                int64_t r = rows ? rows[i] : i;
                memcpy(values + (size_t)i * width, (const char *)src->values + (size_t)r * width,
                       width);
            }
        }
    }
    kernel_finish(dst);
    return 0;
}
