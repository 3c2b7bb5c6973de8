/*
 * aggregate.c — groupBy and its aggregates over a whole batch. Grouping
 * hashes the key columns of each row into an open-addressing table of
 * group ids (nulls group together, NaN with NaN, -0.0 with 0.0, as Spark
 * groups); each aggregate is then one pass over its input column with the
 * row -> group map. Results follow Spark's types (tide_agg_result_type).
 * collect_list and collect_set are collect.c's lists, of each group's rows.
 */
#include "collect.h"
#include "decimal128.h"
#include "ffi/frame_ops.h"
#include "kernel.h"
#include "row_compare.h"
#include "row_hash.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int same_key(const tide_column *const *keys, int32_t nk, int64_t a, int64_t b)
{
    for (int32_t k = 0; k < nk; k++) {
        const tide_column *c = keys[k];
        int va = tide_valid(c, a), vb = tide_valid(c, b);
        if (va != vb) return 0;
        if (va && tide_compare_values(c, a, b) != 0) return 0;
    }
    return 1;
}

int64_t tide_group_rows(const tide_batch *b, const int32_t *cols, int32_t num_keys,
                        int32_t *group_of_row, int64_t *first_row, char *errbuf, size_t errlen)
{
    int64_t n = b->num_rows;
    if (n > INT32_MAX) {
        snprintf(errbuf, errlen, "groupBy: a batch of %lld rows is too large", (long long)n);
        return -1;
    }
    const tide_column **keys = calloc((size_t)num_keys + 1, sizeof *keys);
    uint64_t *hashes = malloc(((size_t)n + 1) * sizeof *hashes);
    size_t slots = 64;
    while (slots < (size_t)n * 2) slots *= 2;
    int32_t *table = malloc(slots * sizeof *table);
    int64_t groups = -1;
    if (!keys || !hashes || !table) {
        snprintf(errbuf, errlen, "out of memory grouping %lld rows", (long long)n);
        goto done;
    }
    for (int32_t k = 0; k < num_keys; k++) {
        if (cols[k] < 0 || cols[k] >= b->num_columns || b->columns[cols[k]].type == TIDE_VECTOR) {
            snprintf(errbuf, errlen, "groupBy: column %d cannot be a grouping key", cols[k]);
            goto done;
        }
        keys[k] = &b->columns[cols[k]];
    }
    memset(hashes, 0, (size_t)n * sizeof *hashes);
    for (int32_t k = 0; k < num_keys; k++)
        for (int64_t r = 0; r < n; r++)
            hashes[r] = tide_hash_mix(hashes[r] * 31 + tide_hash_value(keys[k], r));
    memset(table, 0xff, slots * sizeof *table);
    groups = 0;
    size_t mask = slots - 1;
    for (int64_t r = 0; r < n; r++) {
        size_t s = (size_t)hashes[r] & mask;
        for (;;) {
            int32_t g = table[s];
            if (g < 0) {
                table[s] = (int32_t)groups;
                first_row[groups] = r;
                group_of_row[r] = (int32_t)groups++;
                break;
            }
            int64_t other = first_row[g];
            if (hashes[other] == hashes[r] && same_key(keys, num_keys, other, r)) {
                group_of_row[r] = g;
                break;
            }
            s = (s + 1) & mask;
        }
    }
done:
    free(keys);
    free(hashes);
    free(table);
    return groups;
}

/* Whether the float or double v is one NormalizeFloatingNumbers would
   change: -0.0, or a NaN of other bits than Java's Double.NaN. */
static int float_unnormal(double v, int is_float, const void *p)
{
    if (v == 0) return signbit(v) != 0;
    if (v == v) return 0;
    if (is_float) {
        uint32_t bits;
        memcpy(&bits, p, sizeof bits);
        return bits != 0x7FC00000U;
    }
    uint64_t bits;
    memcpy(&bits, p, sizeof bits);
    return bits != 0x7FF8000000000000ULL;
}

/* Normalizes (or, when only_count, counts) the values of c and of its
   children that float_unnormal finds; returns how many. */
static int64_t normalize_floats(tide_column *c, int only_count)
{
    int64_t found = 0;
    if (c->type == TIDE_FLOAT32 || c->type == TIDE_FLOAT64) {
        int is_float = c->type == TIDE_FLOAT32;
        for (int64_t r = 0; r < c->length; r++) {
            void *p = (char *)c->values + (is_float ? 4 : 8) * r;
            double v = is_float ? *(float *)p : *(double *)p;
            if (!float_unnormal(v, is_float, p)) continue;
            found++;
            if (only_count) continue;
            if (is_float)
                *(float *)p = v == 0 ? 0.0f : NAN;
            else
                *(double *)p = v == 0 ? 0.0 : NAN;
        }
        return found;
    }
    if (c->type == TIDE_VECTOR) return 0;
    for (int32_t i = 0; i < c->num_children; i++)
        found += normalize_floats(&c->children[i], only_count);
    return found;
}

int64_t tide_normalize_float_keys(tide_batch *b, const int32_t *cols, int32_t num_keys,
                                  int32_t only_count)
{
    int64_t found = 0;
    for (int32_t k = 0; k < num_keys; k++)
        if (cols[k] >= 0 && cols[k] < b->num_columns)
            found += normalize_floats(&b->columns[cols[k]], only_count);
    return found;
}

void tide_count_valid_combinations(const tide_batch *b, const int32_t *cols, int32_t num_cols,
                                   const int64_t *first_row, int64_t num_combinations,
                                   const int32_t *group_of_row, int64_t *counts)
{
    for (int64_t k = 0; k < num_combinations; k++) {
        int64_t r = first_row[k];
        int counted = 1;
        for (int32_t c = 0; c < num_cols && counted; c++)
            counted = tide_valid(&b->columns[cols[c]], r);
        counts[group_of_row[r]] += counted;
    }
}

void tide_groups_at(const int32_t *group_of_row, const int64_t *rows, int64_t n, int32_t *out)
{
    for (int64_t k = 0; k < n; k++)
        out[k] = group_of_row[rows[k]];
}

/* ---- aggregates ---------------------------------------------------------------- */

static int is_numeric(int32_t t)
{
    return t == TIDE_INT32 || t == TIDE_INT64 || t == TIDE_FLOAT32 || t == TIDE_FLOAT64 ||
           t == TIDE_DECIMAL;
}

int32_t tide_agg_result_type(int32_t fn, int32_t in_type, int32_t *precision, int32_t *scale)
{
    switch (fn) {
    case TIDE_AGG_COUNT: return TIDE_INT64;
    case TIDE_AGG_MIN:
    case TIDE_AGG_MAX:
    case TIDE_AGG_FIRST:
    case TIDE_AGG_LAST:
    case TIDE_AGG_FIRST_VALID:
    case TIDE_AGG_LAST_VALID:
        /* (pick_rows gathers any type; vectors have no order) */
        if ((in_type == TIDE_VECTOR || in_type == TIDE_MAP) && (fn == TIDE_AGG_MIN || fn == TIDE_AGG_MAX))
            return 0;
        return in_type;
    case TIDE_AGG_COLLECT_LIST: return in_type > 0 ? TIDE_ARRAY : 0;
    case TIDE_AGG_COLLECT_SET: return in_type > 0 && in_type != TIDE_VECTOR ? TIDE_ARRAY : 0;
    case TIDE_AGG_MERGE_LISTS:
    case TIDE_AGG_MERGE_SETS: return in_type == TIDE_ARRAY ? TIDE_ARRAY : 0;
    case TIDE_AGG_SUM:
        if (in_type == TIDE_INT32 || in_type == TIDE_INT64) return TIDE_INT64;
        if (in_type == TIDE_FLOAT32 || in_type == TIDE_FLOAT64) return TIDE_FLOAT64;
        if (in_type == TIDE_DECIMAL) {
            *precision = *precision + 10 > 38 ? 38 : *precision + 10;
            return TIDE_DECIMAL;
        }
        return 0;
    case TIDE_AGG_AVG:
        if (in_type == TIDE_DECIMAL) {
            *precision = *precision + 4 > 38 ? 38 : *precision + 4;
            *scale = *scale + 4 > 38 ? 38 : *scale + 4;
            return TIDE_DECIMAL;
        }
        return is_numeric(in_type) ? TIDE_FLOAT64 : 0;
    case TIDE_AGG_STDDEV:
    case TIDE_AGG_VARIANCE:
    case TIDE_AGG_STDDEV_POP:
    case TIDE_AGG_VAR_POP: return is_numeric(in_type) ? TIDE_FLOAT64 : 0;
    default: return 0;
    }
}

static double pow10d(int n)
{
    double p = 1;
    while (n-- > 0) p *= 10;
    return p;
}

static double as_double(const tide_column *c, int64_t r)
{
    switch (c->type) {
    case TIDE_INT32: return ((const int32_t *)c->values)[r];
    case TIDE_INT64: return (double)((const int64_t *)c->values)[r];
    case TIDE_FLOAT32: return ((const float *)c->values)[r];
    case TIDE_FLOAT64: return ((const double *)c->values)[r];
    case TIDE_DECIMAL: {
        i128 v;
        memcpy(&v, (const char *)c->values + 16 * r, 16);
        return (double)v / pow10d(c->scale);
    }
    default: return 0;
    }
}

static i128 as_i128(const tide_column *c, int64_t r)
{
    i128 v;
    memcpy(&v, (const char *)c->values + 16 * r, 16);
    return v;
}

static void set_null(tide_column *c, int64_t row)
{
    tide_mark_null(c, row);
    c->null_count++;
}

/* min/max/first/last: the row of each group whose value is taken, then
   that value. first and last count null values unless they ignore them,
   as Spark's first(x) and first(x, true). */
static int pick_rows(tide_batch *out, tide_column *dst, const char *name, int32_t fn,
                     const tide_column *in, int64_t n, const int32_t *group_of_row, int64_t ng)
{
    int64_t *best = malloc(((size_t)ng + 1) * sizeof *best);
    if (!best) return -1;
    for (int64_t g = 0; g < ng; g++)
        best[g] = -1;
    int sign = fn == TIDE_AGG_MIN ? -1 : 1;
    int skip_nulls = fn != TIDE_AGG_FIRST && fn != TIDE_AGG_LAST;
    for (int64_t r = 0; r < n; r++) {
        if (skip_nulls && !tide_valid(in, r)) continue;
        int32_t g = group_of_row[r];
        switch (fn) {
        case TIDE_AGG_FIRST:
        case TIDE_AGG_FIRST_VALID:
            if (best[g] < 0) best[g] = r;
            break;
        case TIDE_AGG_LAST:
        case TIDE_AGG_LAST_VALID:
            best[g] = r;
            break;
        default:
            if (best[g] < 0 || tide_compare_values(in, r, best[g]) * sign > 0) best[g] = r;
        }
    }
    /* the chosen rows gathered, whatever the type (a group without one: null) */
    int32_t *which = malloc(((size_t)ng + 1) * sizeof *which);
    int rc = -1;
    if (which) {
        for (int64_t g = 0; g < ng; g++) {
            which[g] = best[g] < 0 ? -1 : 0;
            if (best[g] < 0) best[g] = 0;
        }
        char why[128];
        rc = kernel_gather(out, dst, name, &in, 1, which, best, ng, why, sizeof why);
    }
    free(which);
    free(best);
    return rc;
}

/* The elements of each group's arrays (rows order[bounds[g], bounds[g+1])
   of arr), in order, into *elements, their bounds per group into bounds
   (rewritten); -1 when out of memory. */
static int group_elements(const tide_column *arr, const int64_t *order, int64_t ng, int64_t *bounds,
                          int64_t **elements)
{
    const int64_t *off = arr->values;
    int64_t total = 0;
    for (int64_t k = 0; k < bounds[ng]; k++)
        total += off[order[k] + 1] - off[order[k]];
    int64_t *el = *elements = malloc(((size_t)total + 1) * sizeof *el);
    if (!el) return -1;
    int64_t used = 0, row_start = 0;
    for (int64_t g = 0; g < ng; g++) {
        int64_t row_end = bounds[g + 1];
        for (int64_t k = row_start; k < row_end; k++)
            for (int64_t e = off[order[k]]; e < off[order[k] + 1]; e++)
                el[used++] = e;
        row_start = row_end;
        bounds[g + 1] = used;
    }
    return 0;
}

/* collect_list/collect_set: each group's valid rows in the rows' order (a
   counting sort by group, which keeps it), collected per group; their
   merges, each group's arrays' elements in the rows' order. */
static int collect_groups(tide_batch *out, tide_column *dst, const char *name, int32_t fn,
                          const tide_column *in, int64_t n, const int32_t *group_of_row, int64_t ng,
                          char *errbuf, size_t errlen)
{
    int64_t *bounds = calloc((size_t)ng + 1, sizeof *bounds);
    int64_t *next = malloc(((size_t)ng + 1) * sizeof *next);
    int64_t *order = malloc(((size_t)n + 1) * sizeof *order);
    int64_t *elements = NULL;
    int merge = fn == TIDE_AGG_MERGE_LISTS || fn == TIDE_AGG_MERGE_SETS;
    int rc = -1;
    if (!bounds || !next || !order) goto oom;
    for (int64_t r = 0; r < n; r++)
        if (tide_valid(in, r)) bounds[group_of_row[r] + 1]++;
    for (int64_t g = 0; g < ng; g++)
        bounds[g + 1] += bounds[g];
    memcpy(next, bounds, (size_t)ng * sizeof *next);
    for (int64_t r = 0; r < n; r++)
        if (tide_valid(in, r)) order[next[group_of_row[r]]++] = r;
    if (merge && group_elements(in, order, ng, bounds, &elements) != 0) goto oom;
    int distinct = fn == TIDE_AGG_COLLECT_SET || fn == TIDE_AGG_MERGE_SETS;
    rc = merge ? tide_collect(out, dst, name, distinct, &in->children[0], elements, ng, bounds,
                              bounds + 1, errbuf, errlen)
               : tide_collect(out, dst, name, distinct, in, order, ng, bounds, bounds + 1, errbuf,
                              errlen);
    goto done;
oom:
    snprintf(errbuf, errlen, "out of memory aggregating %lld groups", (long long)ng);
done:
    free(bounds);
    free(next);
    free(order);
    free(elements);
    return rc;
}

int tide_aggregate(tide_batch *out, tide_column *dst, const char *name, int32_t fn,
                   const tide_column *in, int64_t n, const int32_t *group_of_row, int64_t ng,
                   char *errbuf, size_t errlen)
{
    int32_t in_type = in ? in->type : TIDE_INT64;
    int32_t precision = in ? in->precision : 0, scale = in ? in->scale : 0;
    int32_t type = tide_agg_result_type(fn, in_type, &precision, &scale);
    if (type == 0) {
        snprintf(errbuf, errlen, "aggregate %d does not apply to column %s of type %d", fn,
                 in ? in->name : "*", in_type);
        return -1;
    }
    if (fn == TIDE_AGG_COLLECT_LIST || fn == TIDE_AGG_COLLECT_SET || fn == TIDE_AGG_MERGE_LISTS ||
        fn == TIDE_AGG_MERGE_SETS) {
        if (!in) {
            snprintf(errbuf, errlen, "%s: collect_list and collect_set take a column", name);
            return -1;
        }
        return collect_groups(out, dst, name, fn, in, n, group_of_row, ng, errbuf, errlen);
    }
    if (fn == TIDE_AGG_MIN || fn == TIDE_AGG_MAX || fn >= TIDE_AGG_FIRST) {
        if (pick_rows(out, dst, name, fn, in, n, group_of_row, ng) != 0) goto oom;
        return 0;
    }
    int rc = type == TIDE_DECIMAL ? tide_column_init_decimal(out, dst, name, precision, scale, ng)
                                  : tide_column_init(out, dst, name, type, ng);
    if (rc != 0) goto oom;
    /* Per group: count, and sums (double, int64 wrapping as Spark's
       non-ANSI mode, or 128-bit), or Welford's mean and m2. */
    int64_t *count = calloc((size_t)ng + 1, sizeof *count);
    double *sum = calloc((size_t)ng + 1, sizeof *sum);
    double *m2 = calloc((size_t)ng + 1, sizeof *m2);
    i128 *wide = calloc((size_t)ng + 1, sizeof *wide);
    if (!count || !sum || !m2 || !wide) {
        free(count), free(sum), free(m2), free(wide);
        goto oom;
    }
    int integral = in_type == TIDE_INT32 || in_type == TIDE_INT64;
    int exact = in_type == TIDE_DECIMAL && (fn == TIDE_AGG_SUM || fn == TIDE_AGG_AVG);
    /* Decimal sums are exact, as Spark's (DecimalAddNoOverflowCheck, then
       one check of the result): a group whose running sum passes 128 bits
       (which Spark's 16-byte aggregation buffer cannot hold either) is
       marked, and its result is null. */
    uint8_t *passed = exact ? calloc((size_t)ng + 1, 1) : NULL;
    if (exact && !passed) {
        free(count), free(sum), free(m2), free(wide);
        goto oom;
    }
    for (int64_t r = 0; exact && r < n; r++) {
        if (!tide_valid(in, r)) continue;
        int32_t g = group_of_row[r];
        count[g]++;
        if (__builtin_add_overflow(wide[g], as_i128(in, r), &wide[g])) passed[g] = 1;
    }
    for (int64_t r = 0; !exact && r < n; r++) {
        if (in && !tide_valid(in, r)) continue;
        int32_t g = group_of_row[r];
        count[g]++;
        if (fn == TIDE_AGG_COUNT) continue;
        if (integral && fn == TIDE_AGG_SUM) {
            int64_t v = in_type == TIDE_INT32 ? ((const int32_t *)in->values)[r]
                                              : ((const int64_t *)in->values)[r];
            wide[g] = (i128)(int64_t)((uint64_t)(int64_t)wide[g] + (uint64_t)v);
        } else if (fn == TIDE_AGG_SUM || fn == TIDE_AGG_AVG) {
            sum[g] += as_double(in, r);
        } else {
            double x = as_double(in, r), delta = x - sum[g]; /* sum holds the mean */
            sum[g] += delta / (double)count[g];
            m2[g] += delta * (x - sum[g]);
        }
    }
    dst->length = ng;
    dst->validity = tide_arena_alloc(out->arena, (size_t)(dst->capacity + 7) / 8);
    if (!dst->validity) {
        free(count), free(sum), free(m2), free(wide), free(passed);
        goto oom;
    }
    memset(dst->validity, 0xff, (size_t)(dst->capacity + 7) / 8);
    for (int64_t g = 0; g < ng; g++) {
        int64_t c = count[g];
        switch (fn) {
        case TIDE_AGG_COUNT: ((int64_t *)dst->values)[g] = c; break;
        case TIDE_AGG_SUM:
            /* Spark's non-ANSI sum of decimals is null when it does not
               fit decimal(min(38, p + 10), s) (CheckOverflowInSum). */
            if (c == 0 || (exact && (passed[g] || !dec_fits(wide[g], precision))))
                set_null(dst, g);
            else if (type == TIDE_INT64) ((int64_t *)dst->values)[g] = (int64_t)wide[g];
            else if (type == TIDE_DECIMAL)
                dec_store((char *)dst->values + 16 * g, wide[g]);
            else ((double *)dst->values)[g] = sum[g];
            break;
        case TIDE_AGG_AVG:
            if (c == 0) {
                set_null(dst, g);
            } else if (type == TIDE_DECIMAL) {
                /* The sum with the result's extra digits (up to 4) over the
                   count, half up, in 256 bits: a sum near 10^38 times 10^4
                   passes 128. Null when it does not fit
                   decimal(min(38, p + 4), min(38, s + 4)), as Spark's
                   DecimalDivideWithOverflowCheck. */
                u128 q;
                dec_u256 scaled = dec_mul_wide(dec_abs(wide[g]), dec_pow10(scale - in->scale));
                if (passed[g] || dec_div_wide_round(scaled, (u128)c, &q) != 0 ||
                    q >= dec_pow10(precision)) {
                    set_null(dst, g);
                } else {
                    dec_store((char *)dst->values + 16 * g, wide[g] < 0 ? -(i128)q : (i128)q);
                }
            } else {
                ((double *)dst->values)[g] = sum[g] / (double)c;
            }
            break;
        case TIDE_AGG_STDDEV:
        case TIDE_AGG_VARIANCE:
        case TIDE_AGG_STDDEV_POP:
        case TIDE_AGG_VAR_POP: {
            int sample = fn == TIDE_AGG_STDDEV || fn == TIDE_AGG_VARIANCE;
            if (c == 0 || (sample && c < 2)) {
                set_null(dst, g);
                break;
            }
            double var = m2[g] / (double)(sample ? c - 1 : c);
            ((double *)dst->values)[g] = fn == TIDE_AGG_STDDEV || fn == TIDE_AGG_STDDEV_POP ? sqrt(var) : var;
            break;
        }
        default: break;
        }
    }
    if (dst->null_count == 0) dst->validity = NULL;
    free(count), free(sum), free(m2), free(wide), free(passed);
    return 0;
oom:
    snprintf(errbuf, errlen, "out of memory aggregating %lld groups", (long long)ng);
    return -1;
}
