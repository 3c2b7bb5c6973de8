/*
 * aggregate_lists.c — tide_aggregate_groups and tide_aggregate_frames
 * (contract in ffi/frame_ops.h): the aggregates from max_by on, one per
 * list of rows (aggregate_lists.h). A group's rows are found by a
 * counting sort by group, which keeps their order; a frame's are its
 * range. max_by/min_by, product and bit_and/or/xor are here; the moments
 * are aggregate_moments.c's, percentile and mode aggregate_order.c's.
 */
#include "aggregate_lists.h"
#include "decimal128.h"
#include "hll.h"
#include "ffi/frame_ops.h"
#include "kernel.h"
#include "row_compare.h"

#include <stdlib.h>
#include <string.h>

double agg_as_double(const tide_column *c, int64_t r)
{
    switch (c->type) {
    case TIDE_INT32:
        return ((const int32_t *)c->values)[r];
    case TIDE_INT64:
        return (double)((const int64_t *)c->values)[r];
    case TIDE_FLOAT32:
        return ((const float *)c->values)[r];
    case TIDE_FLOAT64:
        return ((const double *)c->values)[r];
    case TIDE_DECIMAL: {
        /* Spark's Decimal.toDouble of a compact decimal: the unscaled
           value over 10^scale, both as doubles. */
        i128 v;
        memcpy(&v, (const char *)c->values + 16 * r, 16);
        double p = 1;
        for (int32_t s = 0; s < c->scale; s++)
            p *= 10;
        return (double)v / p;
    }
    default:
        return 0;
    }
}

int agg_alloc_doubles(tide_batch *out, tide_column *dst, const char *name, int64_t n)
{
    if (kernel_alloc(out, dst, name, TIDE_FLOAT64, 0, 0, n, 0) != 0) return -1;
    return kernel_validity(out, dst);
}

int agg_alloc_double_struct(tide_batch *out, tide_column *dst, const char *name,
                            const char *const *fields, int32_t num_fields, int64_t n)
{
    if (kernel_alloc(out, dst, name, TIDE_STRUCT, 0, 0, n, 0) != 0) return -1;
    dst->children = tide_arena_calloc(out->arena, sizeof(tide_column) * (size_t)num_fields);
    if (!dst->children) return -1;
    dst->num_children = num_fields;
    for (int32_t f = 0; f < num_fields; f++)
        if (kernel_alloc(out, &dst->children[f], fields[f], TIDE_FLOAT64, 0, 0, n, 0) != 0)
            return -1;
    return 0;
}

static int is_numeric(const tide_column *c)
{
    int32_t t = c->type;
    return t == TIDE_INT32 || t == TIDE_INT64 || t == TIDE_FLOAT32 || t == TIDE_FLOAT64 ||
           t == TIDE_DECIMAL;
}

static int is_orderable(const tide_column *c)
{
    if (c->type == TIDE_VECTOR || c->type == TIDE_MAP) return 0;
    for (int32_t i = 0; i < c->num_children; i++)
        if (!is_orderable(&c->children[i])) return 0;
    return 1;
}

static int is_moment(int32_t fn)
{
    return fn >= TIDE_AGG_SKEWNESS && fn <= TIDE_AGG_REGR_R2;
}

static int is_ordered(int32_t fn)
{
    return fn == TIDE_AGG_PERCENTILE || fn == TIDE_AGG_PERCENTILE_APPROX || fn == TIDE_AGG_MODE;
}

static int takes_other(int32_t fn)
{
    return fn == TIDE_AGG_MAX_BY || fn == TIDE_AGG_MIN_BY ||
           (is_moment(fn) && fn != TIDE_AGG_SKEWNESS && fn != TIDE_AGG_KURTOSIS);
}

/* Whether c's inputs suit its function and stage; the Lua planner checks
   the user's types first, this guards the kernels. */
static int check_call(const agg_call *c, const char *name, char *errbuf, size_t errlen)
{
    const tide_column *in = c->input, *other = c->other;
    int partials = c->stage == TIDE_AGG_MERGE || c->stage == TIDE_AGG_FINAL;
    if (!in || (takes_other(c->fn) && !partials && !other))
        return kernel_error(errbuf, errlen, "%s: aggregate %d is missing a column", name, c->fn);
    int ok;
    switch (c->fn) {
    case TIDE_AGG_MAX_BY:
    case TIDE_AGG_MIN_BY:
        ok = partials ? in->type == TIDE_STRUCT && in->num_children == 2 &&
                            is_orderable(&in->children[0])
                      : is_orderable(other);
        break;
    case TIDE_AGG_PRODUCT:
        ok = is_numeric(in);
        break;
    case TIDE_AGG_BIT_AND:
    case TIDE_AGG_BIT_OR:
    case TIDE_AGG_BIT_XOR:
        ok = in->type == TIDE_INT32 || in->type == TIDE_INT64;
        break;
    case TIDE_AGG_BITMAP_CONSTRUCT:
        ok = in->type == (partials ? TIDE_BINARY : TIDE_INT64);
        break;
    case TIDE_AGG_BITMAP_OR:
        ok = in->type == TIDE_BINARY;
        break;
    case TIDE_AGG_TRY_SUM:
        ok = partials ? in->type == TIDE_STRUCT && in->num_children == 2 &&
                            in->children[0].type == TIDE_INT64 && in->children[1].type == TIDE_BOOL
                      : in->type == TIDE_INT32 || in->type == TIDE_INT64;
        break;
    case TIDE_AGG_HISTOGRAM_NUMERIC:
        /* (a histogram's partials, Spark's serialized buffers, are not kept) */
        if (c->stage != TIDE_AGG_WHOLE)
            return kernel_error(errbuf, errlen,
                                "%s over a stream: tide keeps no histograms across micro-batches",
                                name);
        if (c->num_percentages != 1 || !c->percentages || !(c->percentages[0] >= 2) ||
            c->percentages[0] > 2147483647.0)
            return kernel_error(errbuf, errlen,
                                "%s: the number of bins must be from 2 to 2147483647", name);
        ok = (is_numeric(in) && in->type != TIDE_DECIMAL) || in->type == TIDE_DATE ||
             in->type == TIDE_TIMESTAMP;
        break;
    case TIDE_AGG_PERCENTILE:
        ok = c->stage == TIDE_AGG_WHOLE && is_numeric(in) &&
             (!other || other->type == TIDE_INT32 || other->type == TIDE_INT64);
        break;
    case TIDE_AGG_PERCENTILE_APPROX:
        ok = c->stage == TIDE_AGG_WHOLE &&
             (is_numeric(in) || in->type == TIDE_DATE || in->type == TIDE_TIMESTAMP);
        break;
    case TIDE_AGG_MODE:
        ok = c->stage == TIDE_AGG_WHOLE && is_orderable(in);
        break;
    default:
        if (!is_moment(c->fn)) return kernel_error(errbuf, errlen, "unknown aggregate %d", c->fn);
        if (partials) {
            ok = in->type == TIDE_STRUCT;
            for (int32_t f = 0; ok && f < in->num_children; f++)
                ok = in->children[f].type == TIDE_FLOAT64;
        } else {
            ok = is_numeric(in) && (!takes_other(c->fn) || is_numeric(other));
        }
    }
    if (!ok)
        return kernel_error(errbuf, errlen, "%s: aggregate %d (stage %d) does not take column %s",
                            name, c->fn, c->stage, in->name ? in->name : "");
    if (c->fn == TIDE_AGG_PERCENTILE || c->fn == TIDE_AGG_PERCENTILE_APPROX) {
        if (c->num_percentages < 1 || !c->percentages)
            return kernel_error(errbuf, errlen, "%s: no percentages", name);
        for (int32_t i = 0; i < c->num_percentages; i++)
            if (!(c->percentages[i] >= 0 && c->percentages[i] <= 1))
                return kernel_error(errbuf, errlen, "%s: percentage %g is not in [0, 1]", name,
                                    c->percentages[i]);
    }
    return 0;
}

/* max_by/min_by: the row of the extreme ordering value, a later one of
   equal values (Spark's If(old > new, old, new)), rows with a null
   ordering skipped. Partials are struct(ord, value), merged the same way. */
static int pick_by(tide_batch *out, tide_column *dst, const char *name, const agg_call *c,
                   const agg_lists *l, char *errbuf, size_t errlen)
{
    int partials = c->stage == TIDE_AGG_MERGE || c->stage == TIDE_AGG_FINAL;
    const tide_column *value = partials ? &c->input->children[1] : c->input;
    const tide_column *ord = partials ? &c->input->children[0] : c->other;
    int sign = c->fn == TIDE_AGG_MAX_BY ? 1 : -1;
    int64_t n = l->count;
    int64_t *rows = malloc(((size_t)n + 1) * sizeof *rows);
    int32_t *which = malloc(((size_t)n + 1) * sizeof *which);
    int rc = -1;
    if (!rows || !which) {
        kernel_error(errbuf, errlen, "%s: out of memory", name);
        goto done;
    }
    int64_t best = -1;
    for (int64_t k = 0; k < n; k++) {
        int64_t from = l->lo[k];
        if (agg_extends(l, k))
            from = l->hi[k - 1];
        else
            best = -1;
        for (int64_t p = from; p < l->hi[k]; p++) {
            int64_t r = agg_row(l, p);
            if (!tide_valid(ord, r)) continue;
            if (best < 0 || tide_compare_values(ord, best, r) * sign <= 0) best = r;
        }
        which[k] = best < 0 ? -1 : 0;
        rows[k] = best < 0 ? 0 : best;
    }
    if (c->stage == TIDE_AGG_PARTIAL || c->stage == TIDE_AGG_MERGE) {
        if (kernel_alloc(out, dst, name, TIDE_STRUCT, 0, 0, n, 0) != 0 ||
            !(dst->children = tide_arena_calloc(out->arena, 2 * sizeof(tide_column)))) {
            kernel_error(errbuf, errlen, "%s: out of memory", name);
            goto done;
        }
        dst->num_children = 2;
        rc = kernel_gather(out, &dst->children[0], "ord", &ord, 1, which, rows, n, errbuf, errlen);
        if (rc == 0)
            rc = kernel_gather(out, &dst->children[1], "value", &value, 1, which, rows, n, errbuf,
                               errlen);
    } else {
        rc = kernel_gather(out, dst, name, &value, 1, which, rows, n, errbuf, errlen);
    }
done:
    free(rows);
    free(which);
    return rc;
}

/* product: Spark's coalesce(product, 1.0) * x over the non-null values,
   null without any; its partials merge alike. */
static int product(tide_batch *out, tide_column *dst, const char *name, const agg_call *c,
                   const agg_lists *l, char *errbuf, size_t errlen)
{
    if (agg_alloc_doubles(out, dst, name, l->count) != 0)
        return kernel_error(errbuf, errlen, "%s: out of memory", name);
    double *v = dst->values, acc = 1;
    int have = 0;
    for (int64_t k = 0; k < l->count; k++) {
        int64_t from = l->lo[k];
        if (agg_extends(l, k)) {
            from = l->hi[k - 1];
        } else {
            acc = 1;
            have = 0;
        }
        for (int64_t p = from; p < l->hi[k]; p++) {
            int64_t r = agg_row(l, p);
            if (!tide_valid(c->input, r)) continue;
            double x = agg_as_double(c->input, r);
            acc = have ? acc * x : x;
            have = 1;
        }
        if (have)
            v[k] = acc;
        else
            tide_mark_null(dst, k);
    }
    kernel_finish(dst);
    return 0;
}

/* bitmap_construct_agg and bitmap_or_agg, as Spark 3.5's: a 4096-byte
   bitmap a group (bit p is byte p / 8's bit p % 8, the least significant
   first), all zero for a group without values. construct_agg sets the
   bits of its positions (one outside the bitmap fails, as Spark's);
   or_agg, and construct_agg's merges, OR the bitmaps (a shorter one as if
   padded with zeros). */
#define BITMAP_BYTES 4096
static int bitmaps(tide_batch *out, tide_column *dst, const char *name, const agg_call *c,
                   const agg_lists *l, char *errbuf, size_t errlen)
{
    const tide_column *in = c->input;
    int positions = c->fn == TIDE_AGG_BITMAP_CONSTRUCT &&
                    (c->stage == TIDE_AGG_WHOLE || c->stage == TIDE_AGG_PARTIAL);
    if (kernel_alloc(out, dst, name, TIDE_BINARY, 0, 0, l->count, l->count * BITMAP_BYTES) != 0)
        return kernel_error(errbuf, errlen, "%s: out of memory", name);
    uint8_t bitmap[BITMAP_BYTES];
    int64_t used = 0;
    for (int64_t k = 0; k < l->count; k++) {
        int64_t from = l->lo[k];
        if (agg_extends(l, k))
            from = l->hi[k - 1];
        else
            memset(bitmap, 0, sizeof bitmap);
        for (int64_t p = from; p < l->hi[k]; p++) {
            int64_t r = agg_row(l, p);
            if (!tide_valid(in, r)) continue;
            if (positions) {
                int64_t v = ((const int64_t *)in->values)[r];
                if (v < 0 || v >= BITMAP_BYTES * 8)
                    return kernel_error(
                        errbuf, errlen,
                        "[INVALID_BITMAP_POSITION] The 0-indexed bitmap position %lld "
                        "is out of bounds. The bitmap has %d bits (%d bytes).",
                        (long long)v, BITMAP_BYTES * 8, BITMAP_BYTES);
                bitmap[v / 8] |= (uint8_t)(1u << (v % 8));
            } else {
                int32_t len;
                const uint8_t *bytes = (const uint8_t *)tide_column_bytes(in, r, &len);
                for (int32_t j = 0; j < len && j < BITMAP_BYTES; j++)
                    bitmap[j] |= bytes[j];
            }
        }
        if (kernel_str_append(out, dst, &used, bitmap, BITMAP_BYTES, errbuf, errlen) != 0)
            return -1;
        kernel_str_end(dst, k, used);
    }
    kernel_finish(dst);
    return 0;
}

/* bit_and, bit_or, bit_xor of int or bigint values, in 64 bits (an int's
   bits are its low ones either way); null without any value. */
static int bits(tide_batch *out, tide_column *dst, const char *name, const agg_call *c,
                const agg_lists *l, char *errbuf, size_t errlen)
{
    const tide_column *in = c->input;
    int wide = in->type == TIDE_INT64;
    if (kernel_alloc(out, dst, name, in->type, 0, 0, l->count, 0) != 0 ||
        kernel_validity(out, dst) != 0)
        return kernel_error(errbuf, errlen, "%s: out of memory", name);
    uint64_t acc = 0;
    int have = 0;
    for (int64_t k = 0; k < l->count; k++) {
        int64_t from = l->lo[k];
        if (agg_extends(l, k)) {
            from = l->hi[k - 1];
        } else {
            acc = 0;
            have = 0;
        }
        for (int64_t p = from; p < l->hi[k]; p++) {
            int64_t r = agg_row(l, p);
            if (!tide_valid(in, r)) continue;
            uint64_t x = wide ? (uint64_t)((const int64_t *)in->values)[r]
                              : (uint64_t)(int64_t)((const int32_t *)in->values)[r];
            if (!have)
                acc = x;
            else if (c->fn == TIDE_AGG_BIT_AND)
                acc &= x;
            else if (c->fn == TIDE_AGG_BIT_OR)
                acc |= x;
            else
                acc ^= x;
            have = 1;
        }
        if (!have)
            tide_mark_null(dst, k);
        else if (wide)
            ((int64_t *)dst->values)[k] = (int64_t)acc;
        else
            ((int32_t *)dst->values)[k] = (int32_t)(uint32_t)acc;
    }
    kernel_finish(dst);
    return 0;
}

/* try_sum of int or bigint: Spark's TrySum, a bigint sum over the
   non-null values in the rows' order that becomes null for good at the
   first step that overflows (TryEval of the addition leaves its buffer
   null); null without any value. Partials are Spark's buffer,
   struct(sum: null once overflowed, isEmpty), merged as Spark merges
   them: an overflowed side makes null, else the sums add, checked. */
static const char *const TRY_SUM_FIELDS[] = {"sum", "isEmpty"};

static int try_sum(tide_batch *out, tide_column *dst, const char *name, const agg_call *c,
                   const agg_lists *l, char *errbuf, size_t errlen)
{
    int partials_in = c->stage == TIDE_AGG_MERGE || c->stage == TIDE_AGG_FINAL;
    int partials_out = c->stage == TIDE_AGG_PARTIAL || c->stage == TIDE_AGG_MERGE;
    const tide_column *in = c->input;
    const tide_column *sums = partials_in ? &in->children[0] : in;
    const tide_column *empties = partials_in ? &in->children[1] : NULL;
    int64_t n = l->count;
    tide_column *res = dst;
    if (partials_out) {
        if (kernel_alloc(out, dst, name, TIDE_STRUCT, 0, 0, n, 0) != 0 ||
            !(dst->children = tide_arena_calloc(out->arena, 2 * sizeof(tide_column))))
            return kernel_error(errbuf, errlen, "%s: out of memory", name);
        dst->num_children = 2;
        res = &dst->children[0];
        if (kernel_alloc(out, &dst->children[1], TRY_SUM_FIELDS[1], TIDE_BOOL, 0, 0, n, 0) != 0)
            return kernel_error(errbuf, errlen, "%s: out of memory", name);
    }
    const char *res_name = partials_out ? TRY_SUM_FIELDS[0] : name;
    if (kernel_alloc(out, res, res_name, TIDE_INT64, 0, 0, n, 0) != 0 ||
        kernel_validity(out, res) != 0)
        return kernel_error(errbuf, errlen, "%s: out of memory", name);
    int64_t acc = 0;
    int have = 0, over = 0;
    for (int64_t k = 0; k < n; k++) {
        int64_t from = l->lo[k];
        if (agg_extends(l, k)) {
            from = l->hi[k - 1];
        } else {
            acc = 0;
            have = over = 0;
        }
        for (int64_t p = from; p < l->hi[k]; p++) {
            int64_t r = agg_row(l, p);
            if (partials_in) {
                if (!tide_valid(in, r) || ((const uint8_t *)empties->values)[r]) continue;
                have = 1;
                if (!tide_valid(sums, r)) {
                    over = 1;
                    continue;
                }
            } else if (!tide_valid(sums, r)) {
                continue;
            }
            have = 1;
            int64_t x = sums->type == TIDE_INT32 ? ((const int32_t *)sums->values)[r]
                                                 : ((const int64_t *)sums->values)[r];
            if (!over && __builtin_add_overflow(acc, x, &acc)) over = 1;
        }
        if (partials_out) {
            ((uint8_t *)dst->children[1].values)[k] = (uint8_t)!have;
            if (over)
                tide_mark_null(res, k);
            else
                ((int64_t *)res->values)[k] = have ? acc : 0;
        } else if (have && !over) {
            ((int64_t *)res->values)[k] = acc;
        } else {
            tide_mark_null(res, k);
        }
    }
    kernel_finish(res);
    return 0;
}

static int run(tide_batch *out, tide_column *dst, const char *name, const agg_call *c,
               const agg_lists *l, char *errbuf, size_t errlen)
{
    /* (approx_count_distinct checks its own inputs: hll.c) */
    if (c->fn == TIDE_AGG_APPROX_COUNT_DISTINCT)
        return agg_approx_distinct(out, dst, name, c, l, errbuf, errlen);
    if (check_call(c, name, errbuf, errlen) != 0) return -1;
    switch (c->fn) {
    case TIDE_AGG_MAX_BY:
    case TIDE_AGG_MIN_BY:
        return pick_by(out, dst, name, c, l, errbuf, errlen);
    case TIDE_AGG_PRODUCT:
        return product(out, dst, name, c, l, errbuf, errlen);
    case TIDE_AGG_TRY_SUM:
        return try_sum(out, dst, name, c, l, errbuf, errlen);
    case TIDE_AGG_HISTOGRAM_NUMERIC:
        return agg_histogram(out, dst, name, c, l, errbuf, errlen);
    case TIDE_AGG_BIT_AND:
    case TIDE_AGG_BIT_OR:
    case TIDE_AGG_BIT_XOR:
        return bits(out, dst, name, c, l, errbuf, errlen);
    case TIDE_AGG_BITMAP_CONSTRUCT:
    case TIDE_AGG_BITMAP_OR:
        return bitmaps(out, dst, name, c, l, errbuf, errlen);
    default:
        if (is_ordered(c->fn)) return agg_ordered(out, dst, name, c, l, errbuf, errlen);
        return agg_moments(out, dst, name, c, l, errbuf, errlen);
    }
}

/* The elements of the arrays of each group's rows (rows order[bounds[g],
   bounds[g + 1]) of arr, null arrays having none), in order: *elements,
   and their bounds per group in bounds (rewritten). */
static int group_elements(const tide_column *arr, const int64_t *order, int64_t ng, int64_t *bounds,
                          int64_t **elements)
{
    const int64_t *off = arr->values;
    int64_t total = 0;
    for (int64_t p = 0; p < bounds[ng]; p++)
        if (tide_valid(arr, order[p])) total += off[order[p] + 1] - off[order[p]];
    int64_t *el = *elements = malloc(((size_t)total + 1) * sizeof *el);
    if (!el) return -1;
    int64_t used = 0, start = 0;
    for (int64_t g = 0; g < ng; g++) {
        int64_t end = bounds[g + 1];
        for (int64_t p = start; p < end; p++) {
            int64_t r = order[p];
            if (!tide_valid(arr, r)) continue;
            for (int64_t e = off[r]; e < off[r + 1]; e++)
                el[used++] = e;
        }
        start = end;
        bounds[g + 1] = used;
    }
    return 0;
}

int tide_aggregate_groups(tide_batch *out, tide_column *dst, const char *name, int32_t fn,
                          int32_t stage, const tide_column *input, const tide_column *other,
                          const double *percentages, int32_t num_percentages, int32_t as_array,
                          int64_t num_rows, const int32_t *group_of_row, int64_t num_groups,
                          char *errbuf, size_t errlen)
{
    agg_call c = {fn, stage, input, other, percentages, num_percentages, as_array, 1};
    /* A streaming aggregation's percentile or mode: the values it kept,
       each group's lists of them, as the values of the group. */
    int of_arrays = stage == TIDE_AGG_FINAL && is_ordered(fn);
    if (of_arrays) {
        if (!input || input->type != TIDE_ARRAY)
            return kernel_error(errbuf, errlen, "%s: the partials are not lists", name);
        c.input = &input->children[0];
        c.stage = TIDE_AGG_WHOLE;
        c.other = NULL;
    }
    if (!group_of_row && num_groups != num_rows)
        return kernel_error(errbuf, errlen, "%s: a group per row needs as many groups", name);
    int64_t *bounds = calloc((size_t)num_groups + 1, sizeof *bounds);
    int64_t *next = malloc(((size_t)num_groups + 1) * sizeof *next);
    int64_t *order = malloc(((size_t)num_rows + 1) * sizeof *order);
    int64_t *elements = NULL;
    int rc = -1;
    if (!bounds || !next || !order) {
        kernel_error(errbuf, errlen, "%s: out of memory aggregating %lld groups", name,
                     (long long)num_groups);
        goto done;
    }
    for (int64_t r = 0; r < num_rows; r++)
        bounds[(group_of_row ? group_of_row[r] : r) + 1]++;
    for (int64_t g = 0; g < num_groups; g++)
        bounds[g + 1] += bounds[g];
    memcpy(next, bounds, (size_t)num_groups * sizeof *next);
    for (int64_t r = 0; r < num_rows; r++)
        order[next[group_of_row ? group_of_row[r] : r]++] = r;
    if (of_arrays && group_elements(input, order, num_groups, bounds, &elements) != 0) {
        kernel_error(errbuf, errlen, "%s: out of memory", name);
        goto done;
    }
    agg_lists l = {of_arrays ? elements : order, num_groups, bounds, bounds + 1};
    rc = run(out, dst, name, &c, &l, errbuf, errlen);
done:
    free(bounds);
    free(next);
    free(order);
    free(elements);
    return rc;
}

int tide_aggregate_frames(tide_batch *out, tide_column *dst, const char *name, int32_t fn,
                          const tide_column *input, const tide_column *other,
                          const double *percentages, int32_t num_percentages, int32_t as_array,
                          int64_t num_rows, const int64_t *frame_start, const int64_t *frame_end,
                          char *errbuf, size_t errlen)
{
    /* Spark's windows update one buffer per frame: no merge. */
    agg_call c = {fn, TIDE_AGG_WHOLE, input, other, percentages, num_percentages, as_array, 0};
    agg_lists l = {NULL, num_rows, frame_start, frame_end};
    return run(out, dst, name, &c, &l, errbuf, errlen);
}
