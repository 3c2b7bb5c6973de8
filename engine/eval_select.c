/*
 * eval_select.c — kernels that choose or arrange values without computing
 * new ones (contracts in ffi/eval.h): literals broadcast to a batch's
 * length, CASE WHEN, coalesce and nanvl (gathers from their branches), struct
 * fields (zero-copy children) and struct(...) (zero-copy fields).
 */
#include "kernel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int tide_eval_alloc(tide_batch *out, tide_column *dst, const char *name, int32_t type,
                    int32_t precision, int32_t scale, int64_t n)
{
    return kernel_alloc(out, dst, name, type, precision, scale, n, n * 8);
}

void tide_eval_finish(tide_column *dst)
{
    kernel_finish(dst);
}

static int broadcast(tide_batch *out, const tide_column *value, int64_t n, tide_column *dst)
{
    if (value->type == TIDE_VECTOR || value->type == TIDE_ARRAY || value->type == TIDE_MAP) {
        /* Row 0, n times. */
        int64_t *rows = calloc((size_t)(n ? n : 1), sizeof *rows);
        if (!rows) return -1;
        int rc = kernel_gather(out, dst, value->name, &value, 1, NULL, rows, n, NULL, 0);
        free(rows);
        return rc;
    }
    int valid = tide_valid(value, 0);
    int32_t type = value->type;
    int64_t len = 0;
    const char *bytes = NULL;
    if (type == TIDE_STRING || type == TIDE_BINARY) {
        int32_t len32 = 0;
        if (valid) bytes = tide_column_bytes(value, 0, &len32);
        len = len32;
        if (len * n > INT32_MAX) return -1;
    }
    if (kernel_alloc(out, dst, value->name, type, value->precision, value->scale, n, len * n) != 0)
        return -1;
    if (!valid) {
        if (kernel_validity(out, dst) != 0) return -1;
        memset(dst->validity, 0, tide_bitmap_bytes(n));
    }
    if (type == TIDE_STRUCT) {
        int32_t k = value->num_children;
        dst->num_children = k;
        dst->children = tide_arena_calloc(out->arena, sizeof(tide_column) * (size_t)(k ? k : 1));
        if (!dst->children) return -1;
        for (int32_t c = 0; c < k; c++)
            if (broadcast(out, &value->children[c], n, &dst->children[c]) != 0) return -1;
    } else if (type == TIDE_STRING || type == TIDE_BINARY) {
        int32_t *offsets = dst->values;
        for (int64_t i = 0; i < n; i++) {
            if (len) memcpy(dst->data + i * len, bytes, (size_t)len);
            offsets[i + 1] = (int32_t)((i + 1) * len);
        }
    } else if (valid) {
        size_t width = (size_t)tide_type_width(type);
        for (int64_t i = 0; i < n; i++)
            memcpy((char *)dst->values + (size_t)i * width, value->values, width);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_broadcast(tide_batch *out, const tide_column *value, int64_t n, tide_column *dst,
                        char *errbuf, size_t errlen)
{
    if (value->length < 1) return kernel_error(errbuf, errlen, "a literal needs one row");
    if (broadcast(out, value, n, dst) != 0)
        return kernel_error(errbuf, errlen, "out of memory broadcasting a literal to %lld rows",
                            (long long)n);
    return 0;
}

/* Gathers row i of srcs[which[i]] for every row. */
static int choose(tide_batch *out, const tide_column *const *srcs, int32_t num_srcs,
                  const int32_t *which, int64_t n, tide_column *dst, char *errbuf, size_t errlen)
{
    return kernel_gather(out, dst, srcs[0]->name, srcs, num_srcs, which, NULL, n, errbuf, errlen);
}

/* The branch CASE gives row i: the first true (non-null) WHEN, else n
   (the ELSE). */
static int32_t branch_of(const tide_column *const *conds, int32_t n, int64_t i)
{
    for (int32_t b = 0; b < n; b++) {
        const tide_column *c = conds[b];
        if (((const uint8_t *)c->values)[i] && tide_valid(c, i)) return b;
    }
    return n;
}

int tide_eval_case_compact(tide_batch *out, const tide_column *const *conds,
                           const tide_column *const *values, int32_t n,
                           const tide_column *otherwise, const uint8_t *compact, tide_column *dst,
                           char *errbuf, size_t errlen)
{
    if (n < 1) return kernel_error(errbuf, errlen, "CASE needs a WHEN");
    int64_t rows = conds[0]->length;
    int32_t num_srcs = n + 1;
    const tide_column **srcs = malloc(sizeof *srcs * (size_t)num_srcs);
    int32_t *which = malloc(sizeof *which * (size_t)(rows ? rows : 1));
    int64_t *from = malloc(sizeof *from * (size_t)(rows ? rows : 1));
    int64_t *taken = calloc((size_t)num_srcs, sizeof *taken);
    int rc = -1;
    if (!srcs || !which || !from || !taken) {
        rc = kernel_error(errbuf, errlen, "out of memory");
        goto done;
    }
    for (int32_t b = 0; b < n; b++)
        srcs[b] = values[b];
    /* Without an ELSE the last source is never chosen (which -1: NULL). */
    srcs[n] = otherwise ? otherwise : values[0];
    for (int64_t i = 0; i < rows; i++) {
        int32_t b = branch_of(conds, n, i);
        which[i] = b == n && !otherwise ? -1 : b;
        /* A compact branch's column holds only the rows it was chosen for,
           in order. */
        from[i] = compact && compact[b] ? taken[b]++ : i;
    }
    rc =
        kernel_gather(out, dst, values[0]->name, srcs, num_srcs, which, from, rows, errbuf, errlen);
done:
    free(srcs);
    free(which);
    free(from);
    free(taken);
    return rc;
}

int tide_eval_case(tide_batch *out, const tide_column *const *conds,
                   const tide_column *const *values, int32_t n, const tide_column *otherwise,
                   tide_column *dst, char *errbuf, size_t errlen)
{
    return tide_eval_case_compact(out, conds, values, n, otherwise, NULL, dst, errbuf, errlen);
}

int tide_eval_case_picks(tide_batch *out, const tide_column *const *conds, int32_t n,
                         int32_t branch, tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t rows = conds[0]->length;
    if (kernel_alloc(out, dst, "picks", TIDE_BOOL, 0, 0, rows, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    for (int64_t i = 0; i < rows; i++)
        ((uint8_t *)dst->values)[i] = branch_of(conds, n, i) == branch;
    kernel_finish(dst);
    return 0;
}

int tide_eval_coalesce(tide_batch *out, const tide_column *const *args, int32_t n, tide_column *dst,
                       char *errbuf, size_t errlen)
{
    if (n < 1) return kernel_error(errbuf, errlen, "coalesce needs an argument");
    int64_t rows = args[0]->length;
    int32_t *which = malloc(sizeof *which * (size_t)(rows ? rows : 1));
    if (!which) return kernel_error(errbuf, errlen, "out of memory");
    for (int64_t i = 0; i < rows; i++) {
        which[i] = -1;
        for (int32_t a = 0; a < n; a++) {
            if (tide_valid(args[a], i)) {
                which[i] = a;
                break;
            }
        }
    }
    int rc = choose(out, args, n, which, rows, dst, errbuf, errlen);
    free(which);
    return rc;
}

int tide_eval_nanvl(tide_batch *out, const tide_column *a, const tide_column *b, tide_column *dst,
                    char *errbuf, size_t errlen)
{
    int64_t rows = a->length;
    if (a->type != b->type || (a->type != TIDE_FLOAT64 && a->type != TIDE_FLOAT32) ||
        b->length != rows)
        return kernel_error(errbuf, errlen,
                            "nanvl needs two double or two float columns of one length");
    int32_t *which = malloc(sizeof *which * (size_t)(rows ? rows : 1));
    if (!which) return kernel_error(errbuf, errlen, "out of memory");
    for (int64_t i = 0; i < rows; i++) {
        int nan = a->type == TIDE_FLOAT64 ? isnan(((const double *)a->values)[i])
                                          : isnan(((const float *)a->values)[i]);
        which[i] = tide_valid(a, i) && nan;
    }
    const tide_column *args[2] = {a, b};
    int rc = choose(out, args, 2, which, rows, dst, errbuf, errlen);
    free(which);
    return rc;
}

int tide_eval_field(tide_batch *out, const tide_column *s, int32_t index, tide_column *dst,
                    char *errbuf, size_t errlen)
{
    if (s->type != TIDE_STRUCT || index < 0 || index >= s->num_children)
        return kernel_error(errbuf, errlen, "column %s has no field %d", s->name, index + 1);
    *dst = s->children[index];
    if (!s->validity) return 0;
    /* Values stay shared; only the validity combines the struct's. */
    if (kernel_validity_and(out, dst, s, &s->children[index]) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t nulls = 0;
    for (int64_t i = 0; i < dst->length; i++)
        nulls += !tide_valid(dst, i);
    dst->null_count = nulls;
    return 0;
}

int tide_eval_array_field(tide_batch *out, const tide_column *a, int32_t index, tide_column *dst,
                          char *errbuf, size_t errlen)
{
    if (a->type != TIDE_ARRAY || a->num_children != 1 || a->children[0].type != TIDE_STRUCT)
        return kernel_error(errbuf, errlen, "column %s is no array of structs", a->name);
    tide_column *element = tide_arena_calloc(out->arena, sizeof *element);
    if (!element) return kernel_error(errbuf, errlen, "out of memory");
    if (tide_eval_field(out, &a->children[0], index, element, errbuf, errlen) != 0) return -1;
    element->name = a->children[0].name;
    /* The array's offsets and validity, over the field's column. */
    *dst = *a;
    dst->children = element;
    return 0;
}

int tide_eval_struct(tide_batch *out, const tide_column *const *fields, const char *const *names,
                     int32_t n, int64_t rows, tide_column *dst, char *errbuf, size_t errlen)
{
    if (kernel_alloc(out, dst, "struct", TIDE_STRUCT, 0, 0, rows, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    dst->num_children = n;
    dst->children = tide_arena_calloc(out->arena, sizeof(tide_column) * (size_t)(n ? n : 1));
    if (!dst->children) return kernel_error(errbuf, errlen, "out of memory");
    for (int32_t i = 0; i < n; i++) {
        if (fields[i]->length != rows)
            return kernel_error(errbuf, errlen, "struct field %s has %lld rows, not %lld", names[i],
                                (long long)fields[i]->length, (long long)rows);
        dst->children[i] = *fields[i];
        dst->children[i].name = tide_arena_strdup(out->arena, names[i]);
        if (!dst->children[i].name) return kernel_error(errbuf, errlen, "out of memory");
    }
    return 0;
}
