/*
 * eval_compare.c — comparisons, <=> and IN (contracts in ffi/eval.h).
 * Orderings are Spark's: strings bytewise (UTF-8 order is code point
 * order), doubles with NaN equal to itself and above everything and -0.0
 * equal to 0.0, decimals by value whatever their scales, false < true.
 */
#include "decimal128.h"
#include "kernel.h"

#include <string.h>

static int cmp_double(double x, double y)
{
    if (x < y) return -1;
    if (x > y) return 1;
    if (x == y) return 0;
    int xn = x != x, yn = y != y;
    return xn - yn; /* NaN above everything, equal to NaN */
}

static int cmp_decimal(i128 x, int sx, i128 y, int sy)
{
    if (sx != sy) {
        i128 *low = sx < sy ? &x : &y;
        int diff = sx < sy ? sy - sx : sx - sy;
        i128 scaled;
        if (dec_rescale(*low, 0, diff, &scaled) != 0) {
            /* Past 128 bits: bigger in magnitude than anything the other
               side can hold, so its sign decides. */
            int sign = *low < 0 ? -1 : 1;
            return low == &x ? sign : -sign;
        }
        *low = scaled;
    }
    return x < y ? -1 : x > y;
}

/* Compares row i of a with row j of b (same type, both valid). */
static int cmp_rows(const tide_column *a, int64_t i, const tide_column *b, int64_t j)
{
    switch (a->type) {
    case TIDE_BOOL: {
        int x = ((const uint8_t *)a->values)[i] != 0, y = ((const uint8_t *)b->values)[j] != 0;
        return x - y;
    }
    case TIDE_INT32:
    case TIDE_DATE: {
        int32_t x = ((const int32_t *)a->values)[i], y = ((const int32_t *)b->values)[j];
        return x < y ? -1 : x > y;
    }
    case TIDE_INT64:
    case TIDE_TIMESTAMP: {
        int64_t x = ((const int64_t *)a->values)[i], y = ((const int64_t *)b->values)[j];
        return x < y ? -1 : x > y;
    }
    case TIDE_FLOAT32: return cmp_double(((const float *)a->values)[i], ((const float *)b->values)[j]);
    case TIDE_FLOAT64: return cmp_double(((const double *)a->values)[i], ((const double *)b->values)[j]);
    case TIDE_DECIMAL:
        return cmp_decimal(dec_load((const char *)a->values + 16 * i), a->scale,
                           dec_load((const char *)b->values + 16 * j), b->scale);
    case TIDE_STRING:
    case TIDE_BINARY: {
        int32_t la, lb;
        const char *x = tide_column_bytes(a, i, &la), *y = tide_column_bytes(b, j, &lb);
        int c = memcmp(x, y, (size_t)(la < lb ? la : lb));
        if (c) return c < 0 ? -1 : 1;
        return la < lb ? -1 : la > lb;
    }
    case TIDE_STRUCT:
        for (int32_t k = 0; k < a->num_children; k++) {
            const tide_column *ca = &a->children[k], *cb = &b->children[k];
            int va = tide_valid(ca, i), vb = tide_valid(cb, j);
            if (!va || !vb) {
                if (va != vb) return va ? 1 : -1; /* null first, as Spark orders */
                continue;
            }
            int c = cmp_rows(ca, i, cb, j);
            if (c) return c;
        }
        return 0;
    case TIDE_ARRAY: {
        /* element by element, a null first, then the shorter first, as Spark orders arrays */
        const int64_t *oa = a->values, *ob = b->values;
        int64_t la = oa[i + 1] - oa[i], lb = ob[j + 1] - ob[j];
        const tide_column *ea = &a->children[0], *eb = &b->children[0];
        for (int64_t e = 0; e < la && e < lb; e++) {
            int va = tide_valid(ea, oa[i] + e), vb = tide_valid(eb, ob[j] + e);
            if (!va || !vb) {
                if (va != vb) return va ? 1 : -1;
                continue;
            }
            int c = cmp_rows(ea, oa[i] + e, eb, ob[j] + e);
            if (c) return c;
        }
        return la < lb ? -1 : la > lb;
    }
    default: return 0;
    }
}

static int apply(int32_t op, int c)
{
    switch (op) {
    case TIDE_EQ:
    case TIDE_EQ_NULL_SAFE: return c == 0;
    case TIDE_NE: return c != 0;
    case TIDE_LT: return c < 0;
    case TIDE_LE: return c <= 0;
    case TIDE_GT: return c > 0;
    case TIDE_GE: return c >= 0;
    default: return 0;
    }
}

/* A typed loop for the common fixed-width cases. */
#define COMPARE_LOOP(T)                                                                            \
    do {                                                                                           \
        const T *x = a->values, *y = b->values;                                                    \
        switch (op) {                                                                              \
        case TIDE_EQ: for (int64_t i = 0; i < n; i++) r[i] = x[i] == y[i]; break;                 \
        case TIDE_NE: for (int64_t i = 0; i < n; i++) r[i] = x[i] != y[i]; break;                 \
        case TIDE_LT: for (int64_t i = 0; i < n; i++) r[i] = x[i] < y[i]; break;                  \
        case TIDE_LE: for (int64_t i = 0; i < n; i++) r[i] = x[i] <= y[i]; break;                 \
        case TIDE_GT: for (int64_t i = 0; i < n; i++) r[i] = x[i] > y[i]; break;                  \
        case TIDE_GE: for (int64_t i = 0; i < n; i++) r[i] = x[i] >= y[i]; break;                 \
        }                                                                                          \
    } while (0)

int tide_eval_compare(tide_batch *out, int32_t op, const tide_column *a, const tide_column *b,
                      tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = a->length;
    if (a->type != b->type || a->length != b->length)
        return kernel_error(errbuf, errlen, "comparison of columns of different types or lengths");
    if (op < TIDE_EQ || op > TIDE_EQ_NULL_SAFE)
        return kernel_error(errbuf, errlen, "unknown comparison %d", op);
    if (kernel_alloc(out, dst, "", TIDE_BOOL, 0, 0, n, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    uint8_t *r = dst->values;
    if (op == TIDE_EQ_NULL_SAFE) {
        for (int64_t i = 0; i < n; i++) {
            int va = tide_valid(a, i), vb = tide_valid(b, i);
            r[i] = va && vb ? cmp_rows(a, i, b, i) == 0 : va == vb;
        }
        return 0;
    }
    if (kernel_validity_and(out, dst, a, b) != 0) return kernel_error(errbuf, errlen, "out of memory");
    switch (a->type) {
    case TIDE_INT32:
    case TIDE_DATE: COMPARE_LOOP(int32_t); break;
    case TIDE_INT64:
    case TIDE_TIMESTAMP: COMPARE_LOOP(int64_t); break;
    case TIDE_BOOL: COMPARE_LOOP(uint8_t); break;
    case TIDE_FLOAT64: {
        /* NaN needs Spark's ordering; everything else compares natively. */
        const double *x = a->values, *y = b->values;
        for (int64_t i = 0; i < n; i++) r[i] = (uint8_t)apply(op, cmp_double(x[i], y[i]));
        break;
    }
    default:
        for (int64_t i = 0; i < n; i++)
            if (tide_valid(dst, i)) r[i] = (uint8_t)apply(op, cmp_rows(a, i, b, i));
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_in(tide_batch *out, const tide_column *x, const tide_column *const *list,
                 int32_t n, tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t rows = x->length;
    for (int32_t k = 0; k < n; k++)
        if (list[k]->type != x->type || list[k]->length != rows)
            return kernel_error(errbuf, errlen, "IN: value %d is of another type or length", k + 1);
    if (kernel_alloc(out, dst, "", TIDE_BOOL, 0, 0, rows, 0) != 0 ||
        kernel_validity_and(out, dst, x, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    uint8_t *r = dst->values;
    for (int64_t i = 0; i < rows; i++) {
        if (!tide_valid(x, i)) continue;
        int found = 0, saw_null = 0;
        for (int32_t k = 0; k < n && !found; k++) {
            if (!tide_valid(list[k], i)) saw_null = 1;
            else found = cmp_rows(x, i, list[k], i) == 0;
        }
        r[i] = (uint8_t)found;
        if (!found && saw_null) {
            if (kernel_validity(out, dst) != 0) return kernel_error(errbuf, errlen, "out of memory");
            tide_mark_null(dst, i);
        }
    }
    kernel_finish(dst);
    return 0;
}
