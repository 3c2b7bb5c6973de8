/*
 * gather.c — kernel_gather (kernel.h): a new column whose rows are copied
 * from chosen rows of one or more source columns of the same layout. Take,
 * filter, concat, sort, sample, groupBy keys, an ML stage's skipped rows,
 * CASE WHEN and coalesce are all gathers; doing them in one place keeps
 * strings, decimals, structs, vectors and validity right everywhere.
 *
 * Three passes: measure (string bytes, vector entries, array elements,
 * the vectors' size and dense mode), validity, then values; an array's
 * elements are a gather of their own, of the chosen rows' elements.
 */
#include "kernel.h"

#include <stdlib.h>
#include <string.h>

/* The source row i comes from, or NULL when row i is null. */
static const tide_column *source_of(const tide_column *const *srcs, int32_t num_srcs,
                                    const int32_t *which, const int64_t *rows, int64_t i,
                                    int64_t *row)
{
    int32_t w = which ? which[i] : 0;
    if (w < 0 || w >= num_srcs) return NULL;
    *row = rows ? rows[i] : i;
    return tide_valid(srcs[w], *row) ? srcs[w] : NULL;
}

/* What the rows of a string or vector column need. */
typedef struct measured {
    int64_t payload;     /* string bytes, or vector entries */
    int32_t vector_size; /* the size the chosen vectors share */
    int32_t dense_mode;  /* theirs when they agree, else 2 (per row) */
} measured;

static int measure(const char *name, const tide_column *const *srcs, int32_t num_srcs,
                   const int32_t *which, const int64_t *rows, int64_t n, measured *m, char *errbuf,
                   size_t errlen)
{
    int32_t type = srcs[0]->type;
    const tide_column *sized = NULL;
    int32_t dense_mode = srcs[0]->scale;
    int64_t total = 0, r = 0;
    for (int64_t i = 0; i < n; i++) {
        const tide_column *src = source_of(srcs, num_srcs, which, rows, i, &r);
        if (!src) continue;
        if (type == TIDE_ARRAY || type == TIDE_MAP) {
            const int64_t *off = src->values;
            total += off[r + 1] - off[r];
        } else if (type == TIDE_VECTOR) {
            const int64_t *off = src->values;
            total += off[r + 1] - off[r];
            if (sized && src->vector_size != sized->vector_size)
                return kernel_error(errbuf, errlen,
                                    "column %s: vectors of size %d and %d cannot be combined", name,
                                    sized->vector_size, src->vector_size);
            if (sized && src->scale != sized->scale)
                dense_mode = 2;
            else if (!sized)
                dense_mode = src->scale;
            sized = src;
        } else {
            const int32_t *off = src->values;
            total += off[r + 1] - off[r];
        }
    }
    if (tide_is_varlen(type) && total > INT32_MAX)
        return kernel_error(errbuf, errlen, "column %s: the strings of one batch pass 2 GiB",
                            name);
    m->payload = total;
    m->vector_size = sized ? sized->vector_size : srcs[0]->vector_size;
    m->dense_mode = type == TIDE_VECTOR ? dense_mode : srcs[0]->scale;
    return 0;
}

static void copy_strings(tide_column *dst, const tide_column *const *srcs, int32_t num_srcs,
                         const int32_t *which, const int64_t *rows, int64_t n)
{
    int32_t *offsets = dst->values;
    int64_t used = 0, r = 0;
    for (int64_t i = 0; i < n; i++) {
        const tide_column *src = source_of(srcs, num_srcs, which, rows, i, &r);
        if (src) {
            const int32_t *off = src->values;
            int32_t len = off[r + 1] - off[r];
            if (len) memcpy(dst->data + used, src->data + off[r], (size_t)len);
            used += len;
        }
        offsets[i + 1] = (int32_t)used;
    }
}

static void copy_vectors(tide_column *dst, const tide_column *const *srcs, int32_t num_srcs,
                         const int32_t *which, const int64_t *rows, int64_t n)
{
    int64_t *offsets = dst->values;
    int32_t *indices = dst->children[0].values;
    double *values = dst->children[1].values;
    int64_t used = 0, r = 0;
    for (int64_t i = 0; i < n; i++) {
        const tide_column *src = source_of(srcs, num_srcs, which, rows, i, &r);
        if (src) {
            const int64_t *off = src->values;
            int64_t len = off[r + 1] - off[r];
            if (len) {
                memcpy(indices + used, (const int32_t *)src->children[0].values + off[r],
                       (size_t)len * sizeof *indices);
                memcpy(values + used, (const double *)src->children[1].values + off[r],
                       (size_t)len * sizeof *values);
            }
            used += len;
        }
        offsets[i + 1] = used;
    }
}

/* An array (or map) column's offsets, and its elements: the gather of
   the chosen rows' elements from the sources' element columns (a map's
   keys and values alike). */
static int copy_arrays(tide_batch *out, tide_column *dst, const tide_column *const *srcs,
                       int32_t num_srcs, const int32_t *which, const int64_t *rows, int64_t n,
                       int64_t elements, char *errbuf, size_t errlen)
{
    int64_t *offsets = dst->values;
    int32_t *element_which =
        which ? malloc(sizeof(int32_t) * (size_t)(elements ? elements : 1)) : NULL;
    int64_t *element_rows = malloc(sizeof(int64_t) * (size_t)(elements ? elements : 1));
    const tide_column **child_srcs = malloc(sizeof *child_srcs * (size_t)num_srcs);
    int rc = -1;
    if (!element_rows || !child_srcs || (which && !element_which)) {
        kernel_error(errbuf, errlen, "out of memory");
        goto done;
    }
    int64_t used = 0, r = 0;
    for (int64_t i = 0; i < n; i++) {
        const tide_column *src = source_of(srcs, num_srcs, which, rows, i, &r);
        if (src) {
            const int64_t *off = src->values;
            for (int64_t e = off[r]; e < off[r + 1]; e++) {
                if (element_which) element_which[used] = which[i];
                element_rows[used++] = e;
            }
        }
        offsets[i + 1] = used;
    }
    rc = 0;
    for (int32_t c = 0; c < srcs[0]->num_children && rc == 0; c++) {
        for (int32_t s = 0; s < num_srcs; s++) child_srcs[s] = &srcs[s]->children[c];
        rc = kernel_gather(out, &dst->children[c], srcs[0]->children[c].name, child_srcs, num_srcs,
                           element_which, element_rows, used, errbuf, errlen);
    }
done:
    free(element_which);
    free(element_rows);
    free(child_srcs);
    return rc;
}

static void copy_fixed(tide_column *dst, const tide_column *const *srcs, int32_t num_srcs,
                       const int32_t *which, const int64_t *rows, int64_t n)
{
    size_t width = (size_t)tide_type_width(dst->type);
    char *values = dst->values;
    if (!which && !rows) {
        if (n) memcpy(values, srcs[0]->values, (size_t)n * width);
        return;
    }
    if (!which) {
        /* One source (sort, take, filter): typed loops; the slots of null
           rows are zeroed by kernel_finish. */
        const char *from = srcs[0]->values;
        switch (width) {
        case 1:
            for (int64_t i = 0; i < n; i++) values[i] = from[rows[i]];
            return;
        case 4:
            for (int64_t i = 0; i < n; i++)
                ((int32_t *)values)[i] = ((const int32_t *)from)[rows[i]];
            return;
        case 8:
            for (int64_t i = 0; i < n; i++)
                ((int64_t *)values)[i] = ((const int64_t *)from)[rows[i]];
            return;
        default:
            for (int64_t i = 0; i < n; i++)
                memcpy(values + (size_t)i * width, from + (size_t)rows[i] * width, width);
            return;
        }
    }
    int64_t r = 0;
    for (int64_t i = 0; i < n; i++) {
        const tide_column *src = source_of(srcs, num_srcs, which, rows, i, &r);
        if (src)
            memcpy(values + (size_t)i * width, (const char *)src->values + (size_t)r * width,
                   width);
    }
}

static int gather_children(tide_batch *out, tide_column *dst, const tide_column *const *srcs,
                           int32_t num_srcs, const int32_t *which, const int64_t *rows, int64_t n,
                           char *errbuf, size_t errlen)
{
    const tide_column *layout = srcs[0];
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
        rc = kernel_gather(out, &dst->children[c], layout->children[c].name, child_srcs, num_srcs,
                           which, rows, n, errbuf, errlen);
    }
    free(child_srcs);
    return rc;
}

int kernel_gather(tide_batch *out, tide_column *dst, const char *name,
                  const tide_column *const *srcs, int32_t num_srcs, const int32_t *which,
                  const int64_t *rows, int64_t n, char *errbuf, size_t errlen)
{
    const tide_column *layout = srcs[0];
    int32_t type = layout->type;
    measured m = {0, layout->vector_size, layout->scale};
    if (tide_has_offsets(type) &&
        measure(name, srcs, num_srcs, which, rows, n, &m, errbuf, errlen) != 0)
        return -1;
    if (kernel_alloc(out, dst, name, type, layout->precision, m.dense_mode, n,
                     tide_is_varlen(type) ? m.payload : 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");

    /* A row is null when no source is chosen or the chosen row is null. */
    int64_t r = 0;
    for (int64_t i = 0; i < n; i++) {
        if (source_of(srcs, num_srcs, which, rows, i, &r)) continue;
        if (!dst->validity && kernel_validity(out, dst) != 0)
            return kernel_error(errbuf, errlen, "out of memory");
        tide_mark_null(dst, i);
    }

    if (type == TIDE_STRUCT) {
        if (gather_children(out, dst, srcs, num_srcs, which, rows, n, errbuf, errlen) != 0)
            return -1;
    } else if (type == TIDE_ARRAY || type == TIDE_MAP) {
        if (copy_arrays(out, dst, srcs, num_srcs, which, rows, n, m.payload, errbuf, errlen) != 0)
            return -1;
    } else if (type == TIDE_VECTOR) {
        dst->vector_size = m.vector_size;
        if (kernel_alloc(out, &dst->children[0], layout->children[0].name, TIDE_INT32, 0, 0,
                         m.payload, 0) != 0 ||
            kernel_alloc(out, &dst->children[1], layout->children[1].name, TIDE_FLOAT64, 0, 0,
                         m.payload, 0) != 0)
            return kernel_error(errbuf, errlen, "out of memory");
        copy_vectors(dst, srcs, num_srcs, which, rows, n);
    } else if (tide_is_varlen(type)) {
        copy_strings(dst, srcs, num_srcs, which, rows, n);
    } else {
        copy_fixed(dst, srcs, num_srcs, which, rows, n);
    }
    kernel_finish(dst);
    return 0;
}
