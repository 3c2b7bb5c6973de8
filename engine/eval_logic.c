/*
 * eval_logic.c — AND, OR, NOT, IS [NOT] NULL, isnan and assert_true's
 * check (contracts in
 * ffi/eval.h) with SQL's three-valued logic: false AND NULL is false,
 * true OR NULL is true, otherwise NULL in gives NULL out.
 */
#include "kernel.h"

#include <math.h>
#include <string.h>

int tide_eval_and_or(tide_batch *out, int32_t is_or, const tide_column *a, const tide_column *b,
                     tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = a->length;
    if (a->type != TIDE_BOOL || b->type != TIDE_BOOL || b->length != n)
        return kernel_error(errbuf, errlen, "%s needs two boolean columns of one length",
                            is_or ? "OR" : "AND");
    if (kernel_alloc(out, dst, "", TIDE_BOOL, 0, 0, n, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const uint8_t *x = a->values, *y = b->values;
    uint8_t *r = dst->values;
    if (!a->validity && !b->validity) {
        if (is_or) for (int64_t i = 0; i < n; i++) r[i] = x[i] | y[i];
        else for (int64_t i = 0; i < n; i++) r[i] = x[i] & y[i];
        return 0;
    }
    /* The value that decides alone: false for AND, true for OR. */
    uint8_t decisive = is_or ? 1 : 0;
    for (int64_t i = 0; i < n; i++) {
        int va = tide_valid(a, i), vb = tide_valid(b, i);
        uint8_t xa = x[i] != 0, yb = y[i] != 0;
        if ((va && xa == decisive) || (vb && yb == decisive)) {
            r[i] = decisive;
        } else if (va && vb) {
            r[i] = (uint8_t)!decisive;
        } else {
            if (kernel_validity(out, dst) != 0) return kernel_error(errbuf, errlen, "out of memory");
            tide_mark_null(dst, i);
        }
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_not(tide_batch *out, const tide_column *a, tide_column *dst, char *errbuf,
                  size_t errlen)
{
    int64_t n = a->length;
    if (a->type != TIDE_BOOL) return kernel_error(errbuf, errlen, "NOT needs a boolean column");
    if (kernel_alloc(out, dst, "", TIDE_BOOL, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, a, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const uint8_t *x = a->values;
    uint8_t *r = dst->values;
    for (int64_t i = 0; i < n; i++) r[i] = !x[i];
    kernel_finish(dst);
    return 0;
}

int tide_eval_isnull(tide_batch *out, const tide_column *a, int32_t negate, tide_column *dst,
                     char *errbuf, size_t errlen)
{
    int64_t n = a->length;
    if (kernel_alloc(out, dst, "", TIDE_BOOL, 0, 0, n, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    uint8_t *r = dst->values;
    for (int64_t i = 0; i < n; i++) r[i] = (uint8_t)(tide_valid(a, i) ? negate != 0 : negate == 0);
    return 0;
}

int tide_eval_isnan(tide_batch *out, const tide_column *a, tide_column *dst, char *errbuf,
                    size_t errlen)
{
    int64_t n = a->length;
    if (a->type != TIDE_FLOAT64 && a->type != TIDE_FLOAT32)
        return kernel_error(errbuf, errlen, "isnan needs a double or float column, not %s",
                            a->name);
    if (kernel_alloc(out, dst, "", TIDE_BOOL, 0, 0, n, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    uint8_t *r = dst->values;
    if (a->type == TIDE_FLOAT64) {
        const double *v = a->values;
        for (int64_t i = 0; i < n; i++)
            r[i] = (uint8_t)(tide_valid(a, i) && isnan(v[i]));
    } else {
        const float *v = a->values;
        for (int64_t i = 0; i < n; i++)
            r[i] = (uint8_t)(tide_valid(a, i) && isnan(v[i]));
    }
    return 0;
}

int64_t tide_eval_first_not_true(const tide_column *cond)
{
    const uint8_t *x = cond->values;
    for (int64_t i = 0; i < cond->length; i++)
        if (!tide_valid(cond, i) || !x[i]) return i;
    return -1;
}

int tide_eval_at_least_n_non_nulls(tide_batch *out, const tide_column *const *cols, int32_t ncols,
                                   int32_t n, tide_column *dst, char *errbuf, size_t errlen)
{
    /* The per-row count lives in the result's bytes and saturates at 255. */
    if (n > 255) return kernel_error(errbuf, errlen, "at most 255 non-null columns can be required");
    int64_t rows = ncols > 0 ? cols[0]->length : 0;
    for (int32_t c = 1; c < ncols; c++)
        if (cols[c]->length != rows) return kernel_error(errbuf, errlen, "columns of different lengths");
    if (kernel_alloc(out, dst, "", TIDE_BOOL, 0, 0, rows, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    uint8_t *r = dst->values;
    memset(r, 0, (size_t)rows);
    for (int32_t c = 0; c < ncols; c++) {
        const tide_column *col = cols[c];
        if (col->type == TIDE_FLOAT64) {
            const double *v = col->values;
            for (int64_t i = 0; i < rows; i++)
                r[i] = (uint8_t)(r[i] + (r[i] < 255 && tide_valid(col, i) && v[i] == v[i]));
        } else if (col->type == TIDE_FLOAT32) {
            const float *v = col->values;
            for (int64_t i = 0; i < rows; i++)
                r[i] = (uint8_t)(r[i] + (r[i] < 255 && tide_valid(col, i) && v[i] == v[i]));
        } else {
            for (int64_t i = 0; i < rows; i++) r[i] = (uint8_t)(r[i] + (r[i] < 255 && tide_valid(col, i)));
        }
    }
    for (int64_t i = 0; i < rows; i++) r[i] = r[i] >= n;
    return 0;
}
