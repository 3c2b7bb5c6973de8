/*
 * hll.c — approx_count_distinct as Spark's HyperLogLog++ (contract in
 * hll.h): sketches per group or window frame, built from the values'
 * xxhash64 (tide_eval_xxhash64, one pass over the column), merged, and
 * estimated.
 */
#include "hll.h"
#include "ffi/frame_ops.h"
#include "kernel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The HLL++ paper's cardinalities below which linear counting is used,
   for p = 4 ... 18 (Spark's THRESHOLDS). */
static const double LINEAR_COUNTING_LIMIT[] = {10,   20,   40,    80,    220,   400,    900,   1800,
                                               3100, 6500, 11500, 20000, 50000, 120000, 350000};

int hll_precision(double relative_sd)
{
    if (!(relative_sd > 0) || relative_sd != relative_sd) return -1;
    double p = ceil(2.0 * log(1.106 / relative_sd) / log(2.0));
    if (!(p >= 4) || p > HLL_MAX_PRECISION) return -1;
    return (int)p;
}

void hll_add(uint8_t *registers, int p, uint64_t hash)
{
    uint64_t index = hash >> (64 - p);
    /* (the one at bit p - 1 bounds the rank at 65 - p, as Spark's padding) */
    uint8_t rank = (uint8_t)(__builtin_clzll((hash << p) | (1ull << (p - 1))) + 1);
    if (rank > registers[index]) registers[index] = rank;
}

/* Java's Math.round of a non-negative double. */
static int64_t java_round(double x)
{
    double f = floor(x);
    return (int64_t)(x - f >= 0.5 ? f + 1 : f);
}

int64_t hll_estimate(const uint8_t *registers, int p)
{
    int64_t m = (int64_t)1 << p;
    double dm = (double)m;
    /* (Spark's alpha * m^2, each product in its order) */
    double alpha_m2 = p == 4   ? 0.673 * dm * dm
                      : p == 5 ? 0.697 * dm * dm
                      : p == 6 ? 0.709 * dm * dm
                               : (0.7213 / (1.0 + 1.079 / dm)) * dm * dm;
    double z_inverse = 0, zeros = 0;
    for (int64_t i = 0; i < m; i++) {
        z_inverse += 1.0 / (double)(1ull << registers[i]);
        if (registers[i] == 0) zeros += 1;
    }
    double e = alpha_m2 / z_inverse;
    if (zeros > 0) {
        double h = dm * log(dm / zeros);
        if ((p < 19 && h <= LINEAR_COUNTING_LIMIT[p - 4]) || e <= 2.5 * dm) return java_round(h);
    }
    /* (Spark subtracts its empirical bias here when e < 5 m: hll.h) */
    return java_round(e);
}

/* A scratch batch holding the xxhash64 of each row of values. */
static tide_batch *hash_values(const tide_column *values, const uint64_t **hashes, char *errbuf,
                               size_t errlen)
{
    tide_batch *scratch = tide_batch_new(1);
    if (!scratch) return NULL;
    const tide_column *args[1] = {values};
    if (tide_eval_xxhash64(scratch, args, 1, 42, values->length, &scratch->columns[0], errbuf,
                           errlen) != 0) {
        tide_batch_free(scratch);
        return NULL;
    }
    *hashes = scratch->columns[0].values;
    return scratch;
}

/* Adds row r of the input (a value, or with sketches_in a sketch or an
   array of values) to the sketch `registers`; -1 with errbuf for a sketch
   of another size. */
static int add_row(uint8_t *registers, int p, int sketches_in, const tide_column *in,
                   const tide_column *values, const uint64_t *hashes, int64_t r, const char *name,
                   char *errbuf, size_t errlen)
{
    if (!tide_valid(in, r)) return 0;
    if (!sketches_in) {
        hll_add(registers, p, hashes[r]);
    } else if (in->type == TIDE_BINARY) {
        int32_t len;
        const uint8_t *other = (const uint8_t *)tide_column_bytes(in, r, &len);
        if (len != (1 << p))
            return kernel_error(errbuf, errlen,
                                "%s: a sketch of %d registers, not %d (was the relative error "
                                "changed?)",
                                name, len, 1 << p);
        for (int32_t i = 0; i < len; i++)
            if (other[i] > registers[i]) registers[i] = other[i];
    } else {
        const int64_t *off = in->values;
        for (int64_t e = off[r]; e < off[r + 1]; e++)
            if (tide_valid(values, e)) hll_add(registers, p, hashes[e]);
    }
    return 0;
}

int agg_approx_distinct(tide_batch *out, tide_column *dst, const char *name, const agg_call *c,
                        const agg_lists *l, char *errbuf, size_t errlen)
{
    double rsd = c->num_percentages > 0 && c->percentages ? c->percentages[0] : 0.05;
    int p = hll_precision(rsd);
    if (p < 0)
        return kernel_error(errbuf, errlen,
                            "%s: the relative error %g makes no HyperLogLog++ precision from 4 "
                            "to %d bits (Spark: at most 39%%)",
                            name, rsd, HLL_MAX_PRECISION);
    const tide_column *in = c->input;
    if (!in) return kernel_error(errbuf, errlen, "%s: approx_count_distinct needs a column", name);
    int sketches_in = c->stage == TIDE_AGG_MERGE || c->stage == TIDE_AGG_FINAL;
    int sketches_out = c->stage == TIDE_AGG_PARTIAL || c->stage == TIDE_AGG_MERGE;
    if (sketches_in && in->type != TIDE_BINARY && in->type != TIDE_ARRAY)
        return kernel_error(errbuf, errlen, "%s: the partials are not sketches", name);
    if (!sketches_in && (in->type == TIDE_VECTOR || in->type == TIDE_MAP))
        return kernel_error(errbuf, errlen, "%s: tide hashes no %s values", name,
                            tide_type_name(in->type));
    const tide_column *values = in->type == TIDE_ARRAY && sketches_in ? &in->children[0] : in;
    int64_t m = (int64_t)1 << p, n = l->count;
    if (sketches_out && n * m > INT32_MAX)
        return kernel_error(errbuf, errlen, "%s: %lld sketches of %lld bytes pass 2 GiB", name,
                            (long long)n, (long long)m);
    int alloc = sketches_out ? kernel_alloc(out, dst, name, TIDE_BINARY, 0, 0, n, n * m)
                             : kernel_alloc(out, dst, name, TIDE_INT64, 0, 0, n, 0);
    if (alloc != 0) return kernel_error(errbuf, errlen, "%s: out of memory", name);
    const uint64_t *hashes = NULL;
    tide_batch *scratch = NULL;
    if (!sketches_in || in->type == TIDE_ARRAY) {
        scratch = hash_values(values, &hashes, errbuf, errlen);
        if (!scratch) return kernel_error(errbuf, errlen, "%s: out of memory", name);
    }
    uint8_t *registers = calloc((size_t)m, 1);
    int rc = -1;
    if (!registers) {
        kernel_error(errbuf, errlen, "%s: out of memory", name);
        goto done;
    }
    for (int64_t k = 0; k < n; k++) {
        int64_t from = l->lo[k];
        if (agg_extends(l, k))
            from = l->hi[k - 1];
        else
            memset(registers, 0, (size_t)m);
        for (int64_t q = from; q < l->hi[k]; q++)
            if (add_row(registers, p, sketches_in, in, values, hashes, agg_row(l, q), name, errbuf,
                        errlen) != 0)
                goto done;
        if (sketches_out) {
            memcpy(dst->data + k * m, registers, (size_t)m);
            kernel_str_end(dst, k, (k + 1) * m);
        } else {
            ((int64_t *)dst->values)[k] = hll_estimate(registers, p);
        }
    }
    rc = 0;
done:
    free(registers);
    if (scratch) tide_batch_free(scratch);
    return rc;
}
