/*
 * ml_vector.c — kernels that build and read vector columns (layout in
 * tide_ffi.h): OneHotEncoder, VectorAssembler, the statistics scalers fit
 * on, MinMaxScaler/StandardScaler transforms, FeatureHasher (its hash in
 * ml_murmur3.c), and numeric views for labels and scores. Each builds its
 * output column in the output batch's arena with one pass over the rows.
 */
#include "batch.h"
#include "ffi/ml.h"
#include "prefetch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- building vector columns ---------------------------------------------- */

/* Gives a vector column's children room for `cap` entries in all. */
static int resize_entries(tide_batch *b, tide_column *col, int64_t cap)
{
    tide_column *idx = &col->children[0], *val = &col->children[1];
    void *iv = tide_arena_realloc(b->arena, idx->values, (size_t)idx->capacity * 4, (size_t)cap * 4);
    if (!iv) return -1;
    idx->values = iv;
    void *vv = tide_arena_realloc(b->arena, val->values, (size_t)val->capacity * 8, (size_t)cap * 8);
    if (!vv) return -1;
    val->values = vv;
    idx->capacity = val->capacity = cap;
    return 0;
}

/* Makes room for `extra` more entries in a vector column's children. */
static int reserve_entries(tide_batch *b, tide_column *col, int64_t extra)
{
    int64_t need = col->children[0].length + extra, cap = col->children[0].capacity;
    if (need <= cap) return 0;
    cap *= 2;
    while (cap < need) cap *= 2;
    return resize_entries(b, col, cap);
}

/* After the first rows of n, sizes the entries once for all of them (an
   eighth more than those rows suggest) rather than doubling, and copying,
   several times: every doubling leaves the old buffers unused in the
   arena. */
static int presize_entries(tide_batch *b, tide_column *col, int64_t rows_done, int64_t n)
{
    int64_t guess = col->children[0].length * n / rows_done;
    guess += guess / 8;
    return guess > col->children[0].capacity ? resize_entries(b, col, guess) : 0;
}

/* Appends entries to the row being built (the caller reserved room). */
static inline void push_entry(tide_column *col, int32_t index, double value)
{
    tide_column *idx = &col->children[0], *val = &col->children[1];
    ((int32_t *)idx->values)[idx->length++] = index;
    ((double *)val->values)[val->length++] = value;
}

/* Ends row `row` (rows are ended in order); null rows hold no entries. */
static void end_row(tide_batch *b, tide_column *col, int64_t row, int valid)
{
    ((int64_t *)col->values)[row + 1] = col->children[0].length;
    col->length = row + 1;
    if (!valid) tide_column_set_null(b, col, row);
}

static int init_vector(tide_batch *b, tide_column *dst, int32_t size, int32_t mode, int64_t rows,
                       int64_t entries, char *errbuf, size_t errlen)
{
    if (tide_column_init_vector(b, dst, dst->name, size, mode, rows, entries) != 0) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* Whether VectorAssembler takes a column of this type as one number
   (decimals too: Spark's DecimalType is a NumericType). */
static int numeric_type(int32_t type)
{
    return type == TIDE_BOOL || type == TIDE_INT32 || type == TIDE_INT64 || type == TIDE_FLOAT32 ||
           type == TIDE_FLOAT64 || type == TIDE_DECIMAL;
}

/* Row i of a numeric column as a double. A decimal goes through its exact
   text and strtod, which rounds correctly (Spark's Decimal.toDouble);
   tide_number_at knows only the binary types. */
static inline double number_at(const tide_column *c, int64_t i)
{
    if (c->type != TIDE_DECIMAL) return tide_number_at(c, i);
    char buf[48];
    tide_decimal_format((const char *)c->values + 16 * i, c->scale, buf);
    return strtod(buf, NULL);
}

const char *tide_ml_type_name(const tide_column *col, char *buf, size_t len)
{
    if (col->type == TIDE_DECIMAL)
        snprintf(buf, len, "decimal(%d,%d)", (int)col->precision, (int)col->scale);
    else if (col->type >= 1 && col->type <= TIDE_DATE)
        snprintf(buf, len, "%s", tide_type_name(col->type));
    else
        snprintf(buf, len, "type %d", (int)col->type);
    return buf;
}

/* ---- OneHotEncoder ---------------------------------------------------------- */

int64_t tide_ml_one_hot(tide_batch *out, const tide_column *input, int32_t num_categories,
                        int32_t drop_last, int32_t handle_invalid, tide_column *dst,
                        char *errbuf, size_t errlen)
{
    if (!numeric_type(input->type) || input->type == TIDE_BOOL) {
        char tn[32];
        snprintf(errbuf, errlen, "OneHotEncoder takes numeric category indices, not %s",
                 tide_ml_type_name(input, tn, sizeof tn));
        return -1;
    }
    int keep = handle_invalid == TIDE_ML_KEEP;
    int32_t size = num_categories + (keep ? 1 : 0) - (drop_last ? 1 : 0);
    if (size < 0) size = 0;
    int64_t n = input->length;
    if (init_vector(out, dst, size, 0, n, n, errbuf, errlen) != 0) return -1;
    int64_t invalid = 0;
    for (int64_t i = 0; i < n; i++) {
        double v = tide_column_is_valid(input, i) ? number_at(input, i) : NAN;
        int64_t cat;
        if (v >= 0 && v < num_categories) {
            cat = (int64_t)v;
        } else {
            invalid++;
            if (!keep) {
                if (isnan(v))
                    snprintf(errbuf, errlen, "row %lld: null or NaN category index. To handle "
                             "invalid values, set Param handleInvalid to keep.", (long long)i);
                else if (v < 0)
                    snprintf(errbuf, errlen, "row %lld: Negative value: %g. Input can't be "
                             "negative. To handle invalid values, set Param handleInvalid to keep.",
                             (long long)i, v);
                else
                    snprintf(errbuf, errlen, "row %lld: Unseen value: %g. To handle unseen "
                             "values, set Param handleInvalid to keep.", (long long)i, v);
                return -1;
            }
            cat = num_categories;
        }
        if (cat < size) push_entry(dst, (int32_t)cat, 1.0);
        end_row(out, dst, i, 1);
    }
    return invalid;
}

/* ---- VectorAssembler ---------------------------------------------------------- */

int64_t tide_ml_assemble(tide_batch *out, const tide_column *const *inputs, int32_t num_inputs,
                         int32_t handle_invalid, tide_column *dst, uint8_t *drop, char *errbuf,
                         size_t errlen)
{
    int64_t size = 0, n = num_inputs > 0 ? inputs[0]->length : 0;
    for (int32_t k = 0; k < num_inputs; k++) {
        const tide_column *c = inputs[k];
        if (c->length != n) {
            snprintf(errbuf, errlen, "input %s has %lld rows, not %lld", c->name,
                     (long long)c->length, (long long)n);
            return -1;
        }
        if (c->type == TIDE_VECTOR) size += c->vector_size;
        else if (numeric_type(c->type)) size += 1;
        else {
            char tn[32];
            snprintf(errbuf, errlen,
                     "VectorAssembler: column %s has type %s; it takes numeric "
                     "and vector columns",
                     c->name, tide_ml_type_name(c, tn, sizeof tn));
            return -1;
        }
    }
    if (size > INT32_MAX) {
        snprintf(errbuf, errlen, "VectorAssembler: %lld features are too many", (long long)size);
        return -1;
    }
    if (handle_invalid == TIDE_ML_SKIP && !drop) {
        snprintf(errbuf, errlen, "handleInvalid=skip needs a drop mask");
        return -1;
    }
    /* Room for every entry up front (growing a million rows' entries by
       doubling copied them three times over): a dense row takes `size`,
       a sparse one at most its inputs' entries. */
    int64_t entries = 0;
    for (int32_t k = 0; k < num_inputs; k++) {
        const tide_column *c = inputs[k];
        if (c->type != TIDE_VECTOR) entries += n;
        else if (n > 0) entries += ((const int64_t *)c->values)[n] - ((const int64_t *)c->values)[0];
    }
    if (entries > n * size) entries = n * size;
    if (init_vector(out, dst, (int32_t)size, 2, n, entries > 0 ? entries : 1, errbuf, errlen) != 0)
        return -1;
    int32_t *idx = malloc(((size_t)size + 1) * sizeof(int32_t));
    double *val = malloc(((size_t)size + 1) * sizeof(double));
    if (!idx || !val) {
        free(idx);
        free(val);
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    int64_t invalid = 0;
    for (int64_t i = 0; i < n; i++) {
        int32_t nnz = 0, base = 0, bad = 0, nan = 0;
        for (int32_t k = 0; k < num_inputs; k++) {
            const tide_column *c = inputs[k];
            int valid = tide_column_is_valid(c, i);
            if (c->type == TIDE_VECTOR) {
                if (valid) {
                    const int64_t *off = c->values;
                    const int32_t *ci = c->children[0].values;
                    const double *cv = c->children[1].values;
                    for (int64_t e = off[i]; e < off[i + 1]; e++) {
                        if (cv[e] == 0.0) continue;
                        idx[nnz] = base + ci[e];
                        val[nnz++] = cv[e];
                    }
                } else {
                    bad = 1;
                    if (handle_invalid == TIDE_ML_KEEP)
                        for (int32_t j = 0; j < c->vector_size; j++) {
                            idx[nnz] = base + j;
                            val[nnz++] = NAN;
                        }
                }
                base += c->vector_size;
            } else {
                double x = valid ? number_at(c, i) : NAN;
                /* A NaN number is invalid as a null is, except under keep
                   (Spark's assemble; a NaN inside a vector input is not
                   looked for, as in Spark). */
                if (!valid)
                    bad = 1;
                else if (isnan(x) && handle_invalid != TIDE_ML_KEEP)
                    bad = nan = 1;
                if (x != 0.0 && (valid || handle_invalid == TIDE_ML_KEEP)) {
                    idx[nnz] = base;
                    val[nnz++] = x;
                }
                base += 1;
            }
            if (bad && handle_invalid == TIDE_ML_ERROR) {
                const char *what = nan ? "NaN" : "null", *whats = nan ? "NaNs" : "nulls";
                snprintf(errbuf, errlen,
                         "row %lld: Encountered %s while assembling a row with "
                         "handleInvalid = \"error\" (column %s). Consider removing %s from "
                         "dataset or using handleInvalid = \"keep\" or \"skip\".",
                         (long long)i, what, c->name, whats);
                free(idx);
                free(val);
                return -1;
            }
        }
        if (bad) {
            invalid++;
            if (handle_invalid == TIDE_ML_SKIP) drop[i] = 1;
        }
        /* Spark's Vector.compressed: sparse when it takes less memory. */
        int sparse = 1.5 * (nnz + 1.0) < (double)size;
        if (reserve_entries(out, dst, sparse ? nnz : size) != 0) {
            free(idx);
            free(val);
            snprintf(errbuf, errlen, "out of memory");
            return -1;
        }
        if (sparse) {
            for (int32_t e = 0; e < nnz; e++) push_entry(dst, idx[e], val[e]);
        } else {
            int32_t e = 0;
            for (int32_t j = 0; j < (int32_t)size; j++) {
                double x = 0.0;
                if (e < nnz && idx[e] == j) x = val[e++];
                push_entry(dst, j, x);
            }
        }
        end_row(out, dst, i, 1);
        if (i == 31 && n > 64 && presize_entries(out, dst, 32, n) != 0) {
            free(idx);
            free(val);
            snprintf(errbuf, errlen, "out of memory");
            return -1;
        }
    }
    free(idx);
    free(val);
    return invalid;
}

/* ---- scalers ------------------------------------------------------------------ */

static int check_vector(const tide_column *col, const char *who, char *errbuf, size_t errlen)
{
    if (col->type == TIDE_VECTOR) return 0;
    char tn[32];
    snprintf(errbuf, errlen, "%s needs a vector column; %s has type %s", who, col->name,
             tide_ml_type_name(col, tn, sizeof tn));
    return -1;
}

int tide_ml_vector_stats(const tide_column *col, const double *weights, double *weight_sum,
                         double *weight_sq_sum, double *nnz, double *sum, double *sumsq,
                         double *min, double *max, char *errbuf, size_t errlen)
{
    if (check_vector(col, "statistics", errbuf, errlen) != 0) return -1;
    const int64_t *off = col->values;
    const int32_t *ci = col->children[0].values;
    const double *cv = col->children[1].values;
    int64_t n = col->length;
    for (int64_t i = 0; i < n; i++) {
        if (i + TIDE_PREFETCH_ROWS < n)
            for (int64_t e = off[i + TIDE_PREFETCH_ROWS]; e < off[i + TIDE_PREFETCH_ROWS + 1]; e++) {
                int32_t j = ci[e];
                tide_prefetch(&nnz[j]);
                tide_prefetch(&sum[j]);
                tide_prefetch(&sumsq[j]);
                tide_prefetch(&min[j]);
                tide_prefetch(&max[j]);
            }
        if (!tide_valid(col, i)) continue;
        double w = weights ? weights[i] : 1.0;
        if (w == 0.0) continue;
        *weight_sum += w;
        *weight_sq_sum += w * w;
        for (int64_t e = off[i]; e < off[i + 1]; e++) {
            double x = cv[e];
            if (x == 0.0) continue;
            int32_t j = ci[e];
            nnz[j] += w;
            sum[j] += w * x;
            sumsq[j] += w * x * x;
            if (x < min[j]) min[j] = x;
            if (x > max[j]) max[j] = x;
        }
    }
    return 0;
}

int tide_ml_vector_check(const tide_column *col, int64_t *row, int32_t *feature, double *value,
                         char *errbuf, size_t errlen)
{
    if (check_vector(col, "the check of features", errbuf, errlen) != 0) return -1;
    const int64_t *off = col->values;
    const int32_t *ci = col->children[0].values;
    const double *cv = col->children[1].values;
    for (int64_t i = 0; i < col->length; i++) {
        if (!tide_valid(col, i)) {
            *row = i;
            *feature = -1;
            return 1;
        }
        for (int64_t e = off[i]; e < off[i + 1]; e++)
            if (!isfinite(cv[e])) {
                *row = i;
                *feature = ci[e];
                *value = cv[e];
                return 2;
            }
    }
    return 0;
}

int tide_ml_scale_vectors(tide_batch *out, const tide_column *input, const double *shift,
                          const double *mult, const double *add, int32_t dense_output,
                          tide_column *dst, char *errbuf, size_t errlen)
{
    if (check_vector(input, "scaling", errbuf, errlen) != 0) return -1;
    int32_t size = input->vector_size;
    int64_t n = input->length;
    const int64_t *off = input->values;
    const int32_t *ci = input->children[0].values;
    const double *cv = input->children[1].values;
    int64_t entries = dense_output ? n * size : off[n] - off[0];
    if (init_vector(out, dst, size, dense_output ? 1 : input->scale, n, entries, errbuf, errlen) != 0)
        return -1;
    double *zero = NULL;
    if (dense_output) {
        zero = malloc(((size_t)size + 1) * sizeof(double));
        if (!zero) {
            snprintf(errbuf, errlen, "out of memory");
            return -1;
        }
        for (int32_t j = 0; j < size; j++) zero[j] = (0.0 - shift[j]) * mult[j] + add[j];
    }
    for (int64_t i = 0; i < n; i++) {
        int valid = tide_column_is_valid(input, i);
        if (valid && dense_output) {
            int32_t *oi = (int32_t *)dst->children[0].values + dst->children[0].length;
            double *ov = (double *)dst->children[1].values + dst->children[1].length;
            for (int32_t j = 0; j < size; j++) {
                oi[j] = j;
                ov[j] = zero[j];
            }
            for (int64_t e = off[i]; e < off[i + 1]; e++) {
                int32_t j = ci[e];
                ov[j] = (cv[e] - shift[j]) * mult[j] + add[j];
            }
            dst->children[0].length += size;
            dst->children[1].length += size;
        } else if (valid) {
            for (int64_t e = off[i]; e < off[i + 1]; e++) push_entry(dst, ci[e], cv[e] * mult[ci[e]]);
        }
        end_row(out, dst, i, valid);
    }
    free(zero);
    return 0;
}

/* ---- FeatureHasher -------------------------------------------------------------- */

#define HASH_SEED 42 /* Spark's FeatureHasher (OldHashingTF.seed) */

static int32_t non_negative_mod(int32_t x, int32_t mod)
{
    int32_t r = x % mod;
    return r < 0 ? r + mod : r;
}

/* Java's toString of row i of a non-string column, for "name=value". */
static int java_text(const tide_column *col, int64_t i, char *buf)
{
    switch (col->type) {
    case TIDE_BOOL: return sprintf(buf, "%s", ((const uint8_t *)col->values)[i] ? "true" : "false");
    case TIDE_INT32: return sprintf(buf, "%d", ((const int32_t *)col->values)[i]);
    case TIDE_INT64: return sprintf(buf, "%lld", (long long)((const int64_t *)col->values)[i]);
    case TIDE_FLOAT32: return tide_format_java_double(((const float *)col->values)[i], 1, buf);
    case TIDE_DECIMAL:
        return tide_decimal_format_java((const char *)col->values + 16 * i, col->scale, buf);
    default: return tide_format_java_double(((const double *)col->values)[i], 0, buf);
    }
}

int tide_ml_feature_hash(tide_batch *out, const tide_column *const *inputs,
                         const int32_t *categorical, int32_t num_inputs, int32_t num_features,
                         tide_column *dst, char *errbuf, size_t errlen)
{
    if (num_features <= 0) {
        snprintf(errbuf, errlen, "FeatureHasher: numFeatures must be > 0");
        return -1;
    }
    int64_t n = num_inputs > 0 ? inputs[0]->length : 0;
    size_t name_max = 0;
    for (int32_t k = 0; k < num_inputs; k++) {
        const tide_column *c = inputs[k];
        int text = c->type == TIDE_STRING || c->type == TIDE_BINARY;
        if (!text && !numeric_type(c->type)) {
            char tn[32];
            snprintf(errbuf, errlen,
                     "FeatureHasher: column %s has type %s; it takes numeric, "
                     "boolean and string columns",
                     c->name, tide_ml_type_name(c, tn, sizeof tn));
            return -1;
        }
        if (c->length != n) {
            snprintf(errbuf, errlen, "FeatureHasher: column %s has %lld rows, not %lld", c->name,
                     (long long)c->length, (long long)n);
            return -1;
        }
        if (strlen(c->name) > name_max) name_max = strlen(c->name);
    }
    if (init_vector(out, dst, num_features, 0, n, n * num_inputs, errbuf, errlen) != 0) return -1;
    size_t buf_cap = name_max + 64;
    char *buf = malloc(buf_cap);
    int32_t *name_hash = malloc(((size_t)num_inputs + 1) * sizeof(int32_t));
    int32_t *idx = malloc(((size_t)num_inputs + 1) * sizeof(int32_t));
    double *val = malloc(((size_t)num_inputs + 1) * sizeof(double));
    int rc = -1;
    if (!buf || !name_hash || !idx || !val) goto oom;
    for (int32_t k = 0; k < num_inputs; k++)
        name_hash[k] = tide_ml_murmur3_32(inputs[k]->name, (int32_t)strlen(inputs[k]->name), HASH_SEED);
    for (int64_t i = 0; i < n; i++) {
        int32_t m = 0;
        for (int32_t k = 0; k < num_inputs; k++) {
            const tide_column *c = inputs[k];
            if (!tide_column_is_valid(c, i)) continue;
            int32_t h;
            double x = 1.0;
            int text = c->type == TIDE_STRING || c->type == TIDE_BINARY;
            if (!text && c->type != TIDE_BOOL && !categorical[k]) {
                h = name_hash[k];
                x = number_at(c, i);
            } else {
                size_t name_len = strlen(c->name);
                int32_t vlen;
                char num[48];
                const char *v = num;
                if (text) v = tide_column_bytes(c, i, &vlen);
                else vlen = java_text(c, i, num);
                if (name_len + 1 + (size_t)vlen > buf_cap) {
                    buf_cap = (name_len + 1 + (size_t)vlen) * 2;
                    char *nb = realloc(buf, buf_cap);
                    if (!nb) goto oom;
                    buf = nb;
                }
                memcpy(buf, c->name, name_len);
                buf[name_len] = '=';
                memcpy(buf + name_len + 1, v, (size_t)vlen);
                h = tide_ml_murmur3_32(buf, (int32_t)(name_len + 1 + (size_t)vlen), HASH_SEED);
            }
            int32_t j = non_negative_mod(h, num_features);
            /* Insert in index order; a collision adds up, as Spark's map does. */
            int32_t p = m;
            while (p > 0 && idx[p - 1] > j) p--;
            if (p > 0 && idx[p - 1] == j) {
                val[p - 1] += x;
                continue;
            }
            memmove(idx + p + 1, idx + p, (size_t)(m - p) * sizeof(int32_t));
            memmove(val + p + 1, val + p, (size_t)(m - p) * sizeof(double));
            idx[p] = j;
            val[p] = x;
            m++;
        }
        if (reserve_entries(out, dst, m) != 0) goto oom;
        for (int32_t e = 0; e < m; e++) push_entry(dst, idx[e], val[e]);
        end_row(out, dst, i, 1);
    }
    rc = 0;
    goto done;
oom:
    snprintf(errbuf, errlen, "out of memory");
done:
    free(buf);
    free(name_hash);
    free(idx);
    free(val);
    return rc;
}

/* ---- numeric views ------------------------------------------------------------------ */

int tide_ml_column_doubles(const tide_column *col, double *out, char *errbuf, size_t errlen)
{
    if (!numeric_type(col->type)) {
        char tn[32];
        snprintf(errbuf, errlen, "column %s has type %s, not a number", col->name,
                 tide_ml_type_name(col, tn, sizeof tn));
        return -1;
    }
    for (int64_t i = 0; i < col->length; i++)
        out[i] = tide_column_is_valid(col, i) ? number_at(col, i) : NAN;
    return 0;
}

int tide_ml_vector_element(const tide_column *col, int32_t index, double *out, char *errbuf,
                           size_t errlen)
{
    if (check_vector(col, "vector element", errbuf, errlen) != 0) return -1;
    if (index < 0 || index >= col->vector_size) {
        snprintf(errbuf, errlen, "index %d out of range for vectors of size %d", index,
                 col->vector_size);
        return -1;
    }
    const int64_t *off = col->values;
    const int32_t *ci = col->children[0].values;
    const double *cv = col->children[1].values;
    for (int64_t i = 0; i < col->length; i++) {
        double x = tide_column_is_valid(col, i) ? 0.0 : NAN;
        for (int64_t e = off[i]; e < off[i + 1]; e++)
            if (ci[e] == index) x = cv[e];
        out[i] = x;
    }
    return 0;
}
