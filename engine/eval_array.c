/*
 * eval_array.c — Spark's array functions over whole array columns
 * (contracts in ffi/array.h): size, element_at and x[i], array_contains,
 * array(...), array_join, sort_array, array_distinct, explode's rows, and
 * Spark ML's vector_to_array and array_to_vector.
 * An array's elements are a column of their own (tide_ffi.h), so most of
 * these compute which elements to keep, per row, and gather them once.
 */
#include "kernel.h"
#include "row_compare.h"
#include "row_hash.h"

#include <stdlib.h>
#include <string.h>

static const int64_t *offsets_of(const tide_column *arr)
{
    return arr->values;
}

static int check_array(const tide_column *arr, const char *what, char *errbuf, size_t errlen)
{
    if (arr->type != TIDE_ARRAY)
        return kernel_error(errbuf, errlen, "%s needs an array column", what);
    return 0;
}

int tide_eval_array_size(tide_batch *out, const tide_column *arr, tide_column *dst, char *errbuf,
                         size_t errlen)
{
    if (arr->type != TIDE_MAP && check_array(arr, "size", errbuf, errlen) != 0) return -1;
    int64_t n = arr->length;
    if (kernel_alloc(out, dst, "", TIDE_INT32, 0, 0, n, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int64_t *off = offsets_of(arr);
    int32_t *size = dst->values;
    for (int64_t i = 0; i < n; i++)
        size[i] = tide_valid(arr, i) ? (int32_t)(off[i + 1] - off[i]) : -1;
    kernel_finish(dst);
    return 0;
}

int tide_eval_array_item(tide_batch *out, const tide_column *arr, const tide_column *index,
                         int32_t one_based, tide_column *dst, char *errbuf, size_t errlen)
{
    if (check_array(arr, "element_at", errbuf, errlen) != 0) return -1;
    if (index->type != TIDE_INT32)
        return kernel_error(errbuf, errlen, "an array index must be an int");
    int64_t n = arr->length;
    int32_t *which = malloc(sizeof *which * (size_t)(n ? n : 1));
    int64_t *rows = malloc(sizeof *rows * (size_t)(n ? n : 1));
    if (!which || !rows) {
        free(which);
        free(rows);
        return kernel_error(errbuf, errlen, "out of memory");
    }
    const int64_t *off = offsets_of(arr);
    const int32_t *at = index->values;
    int rc = 0;
    for (int64_t i = 0; i < n && rc == 0; i++) {
        which[i] = -1;
        rows[i] = 0;
        if (!tide_valid(arr, i) || !tide_valid(index, i)) continue;
        int64_t len = off[i + 1] - off[i], k = at[i];
        if (one_based) {
            if (k == 0) {
                rc = kernel_error(
                    errbuf, errlen,
                    "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be "
                    "either < 0 or > 0 (the first element has index 1).");
                break;
            }
            k = k > 0 ? k - 1 : len + k;
        }
        if (k < 0 || k >= len) continue;
        which[i] = 0;
        rows[i] = off[i] + k;
    }
    const tide_column *elements = &arr->children[0];
    if (rc == 0) rc = kernel_gather(out, dst, "", &elements, 1, which, rows, n, errbuf, errlen);
    free(which);
    free(rows);
    return rc;
}

int tide_eval_array_contains(tide_batch *out, const tide_column *arr, const tide_column *value,
                             tide_column *dst, char *errbuf, size_t errlen)
{
    if (check_array(arr, "array_contains", errbuf, errlen) != 0) return -1;
    const tide_column *el = &arr->children[0];
    if (value->type != el->type)
        return kernel_error(errbuf, errlen,
                            "array_contains: the value is not of the elements' type");
    int64_t n = arr->length;
    if (kernel_alloc(out, dst, "", TIDE_BOOL, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, arr, value) != 0 || kernel_validity(out, dst) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int64_t *off = offsets_of(arr);
    uint8_t *found = dst->values;
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        int any_null = 0;
        for (int64_t e = off[i]; e < off[i + 1] && !found[i]; e++) {
            if (!tide_valid(el, e))
                any_null = 1;
            else if (tide_same_value(el, e, value, i))
                found[i] = 1;
        }
        /* Spark: no match among elements with a null is unknown */
        if (!found[i] && any_null) tide_mark_null(dst, i);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_array_of(tide_batch *out, const tide_column *const *cols, int32_t k, tide_column *dst,
                       char *errbuf, size_t errlen)
{
    int64_t n = k > 0 ? cols[0]->length : 0;
    int64_t total = n * k;
    if (kernel_alloc(out, dst, "", TIDE_ARRAY, 0, 0, n, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t *off = dst->values;
    for (int64_t i = 0; i <= n; i++)
        off[i] = i * k;
    int32_t *which = malloc(sizeof *which * (size_t)(total ? total : 1));
    int64_t *rows = malloc(sizeof *rows * (size_t)(total ? total : 1));
    if (!which || !rows) {
        free(which);
        free(rows);
        return kernel_error(errbuf, errlen, "out of memory");
    }
    for (int64_t e = 0; e < total; e++)
        which[e] = (int32_t)(e % k), rows[e] = e / k;
    int rc = k > 0 ? kernel_gather(out, &dst->children[0], "element", cols, k, which, rows, total,
                                   errbuf, errlen)
                   : kernel_error(errbuf, errlen, "array() of no columns has no element type");
    free(which);
    free(rows);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

int tide_eval_array_join(tide_batch *out, const tide_column *arr, const char *sep, int64_t sep_len,
                         const char *null_text, int64_t null_len, tide_column *dst, char *errbuf,
                         size_t errlen)
{
    if (check_array(arr, "array_join", errbuf, errlen) != 0) return -1;
    const tide_column *el = &arr->children[0];
    if (el->type != TIDE_STRING)
        return kernel_error(errbuf, errlen, "array_join needs an array of strings");
    int64_t n = arr->length;
    if (kernel_alloc(out, dst, "", TIDE_STRING, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, arr, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int64_t *off = offsets_of(arr);
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        int first = 1;
        for (int64_t e = off[i]; e < off[i + 1] && tide_valid(arr, i); e++) {
            int32_t len = 0;
            const char *s = NULL;
            if (tide_valid(el, e))
                s = tide_column_bytes(el, e, &len);
            else if (null_text)
                s = null_text, len = (int32_t)null_len;
            else
                continue; /* Spark leaves out null elements without a replacement */
            if ((!first && kernel_str_append(out, dst, &used, sep, sep_len, errbuf, errlen) != 0) ||
                kernel_str_append(out, dst, &used, s, len, errbuf, errlen) != 0)
                return -1;
            first = 0;
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_array_repeat(tide_batch *out, const tide_column *value, const tide_column *count,
                           tide_column *dst, char *errbuf, size_t errlen)
{
    if (count->type != TIDE_INT32)
        return kernel_error(errbuf, errlen, "array_repeat: the count must be an int");
    int64_t n = value->length, total = 0;
    const int32_t *c = count->values;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(count, i) && c[i] > 2147483632)
            return kernel_error(errbuf, errlen,
                                "array_repeat: %d elements pass the limit of an array, "
                                "2147483632",
                                c[i]);
        if (tide_valid(count, i) && c[i] > 0) total += c[i];
    }
    int64_t *rows = malloc(sizeof *rows * (size_t)(total ? total : 1));
    if (!rows || kernel_alloc(out, dst, "", TIDE_ARRAY, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, count, NULL) != 0) {
        free(rows);
        return kernel_error(errbuf, errlen, "out of memory");
    }
    int64_t *off = dst->values, used = 0;
    for (int64_t i = 0; i < n; i++) {
        for (int32_t k = 0; tide_valid(count, i) && k < c[i]; k++)
            rows[used++] = i;
        off[i + 1] = used;
    }
    /* a null value repeats as null elements, as Spark's */
    int rc = kernel_gather(out, &dst->children[0], "element", &value, 1, NULL, rows, used, errbuf,
                           errlen);
    free(rows);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

/* The length of row i of arrays_zip: its longest array's, 0 where one is
   null (the row is null, and holds no elements). */
static int64_t zip_length(const tide_column *const *arrs, int32_t k, int64_t i)
{
    int64_t longest = 0;
    for (int32_t a = 0; a < k; a++) {
        const int64_t *o = offsets_of(arrs[a]);
        if (!tide_valid(arrs[a], i)) return 0;
        if (o[i + 1] - o[i] > longest) longest = o[i + 1] - o[i];
    }
    return longest;
}

int tide_eval_arrays_zip(tide_batch *out, const tide_column *const *arrs, int32_t k,
                         const char *const *names, tide_column *dst, char *errbuf, size_t errlen)
{
    if (k < 1) return kernel_error(errbuf, errlen, "arrays_zip needs arrays");
    int64_t n = arrs[0]->length, total = 0;
    for (int32_t a = 0; a < k; a++)
        if (check_array(arrs[a], "arrays_zip", errbuf, errlen) != 0) return -1;
    for (int64_t i = 0; i < n; i++)
        total += zip_length(arrs, k, i);
    tide_column *st;
    if (kernel_alloc(out, dst, "", TIDE_ARRAY, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, arrs[0], k > 1 ? arrs[1] : NULL) != 0 ||
        kernel_alloc(out, st = &dst->children[0], "element", TIDE_STRUCT, 0, 0, total, 0) != 0 ||
        !(st->children = tide_arena_calloc(out->arena, sizeof(tide_column) * (size_t)k)))
        return kernel_error(errbuf, errlen, "out of memory");
    st->num_children = k;
    for (int32_t a = 2; a < k; a++)
        for (int64_t i = 0; i < n; i++)
            if (!tide_valid(arrs[a], i) && kernel_validity(out, dst) == 0) tide_mark_null(dst, i);
    int32_t *which = malloc(sizeof *which * (size_t)(total ? total : 1));
    int64_t *rows = malloc(sizeof *rows * (size_t)(total ? total : 1));
    int rc = which && rows ? 0 : kernel_error(errbuf, errlen, "out of memory");
    int64_t *off = dst->values;
    /* each field: the a-th array's element at the position, null past its end */
    for (int32_t a = 0; rc == 0 && a < k; a++) {
        const int64_t *o = offsets_of(arrs[a]);
        int64_t used = 0;
        for (int64_t i = 0; i < n; i++) {
            int64_t longest = zip_length(arrs, k, i);
            for (int64_t e = 0; e < longest; e++, used++) {
                int inside = e < o[i + 1] - o[i];
                which[used] = inside ? 0 : -1;
                rows[used] = inside ? o[i] + e : 0;
            }
            off[i + 1] = used;
        }
        const tide_column *el = &arrs[a]->children[0];
        rc = kernel_gather(out, &st->children[a], names[a], &el, 1, which, rows, total, errbuf,
                           errlen);
    }
    free(which);
    free(rows);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

/* ---- sort_array and array_distinct: which elements, in which order ---- */

/* Stable merge sort of idx[0, n) (element rows of el) by value, ascending
   or not, nulls first or last (sort_array: first ascending, last
   descending; array_sort: last). */
static int element_before(const tide_column *el, int64_t a, int64_t b, int asc, int nulls_first)
{
    int va = tide_valid(el, a), vb = tide_valid(el, b);
    if (!va || !vb) return nulls_first ? !va && vb : va && !vb;
    int c = tide_compare_values(el, a, b);
    return asc ? c < 0 : c > 0;
}

static void merge_sort(const tide_column *el, int64_t *idx, int64_t *tmp, int64_t n, int asc,
                       int nulls_first)
{
    if (n < 2) return;
    int64_t h = n / 2;
    merge_sort(el, idx, tmp, h, asc, nulls_first);
    merge_sort(el, idx + h, tmp, n - h, asc, nulls_first);
    int64_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = element_before(el, idx[j], idx[i], asc, nulls_first) ? idx[j++] : idx[i++];
    while (i < h)
        tmp[k++] = idx[i++];
    while (j < n)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, sizeof *idx * (size_t)n);
}

/* A new array column of arr's rows holding, per row, the elements at
   rows[off2[i], off2[i + 1]) of arr's element column. */
static int gather_elements(tide_batch *out, const tide_column *arr, const int64_t *keep,
                           const int64_t *new_off, tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = arr->length;
    if (kernel_alloc(out, dst, "", TIDE_ARRAY, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, arr, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    memcpy(dst->values, new_off, sizeof *new_off * (size_t)(n + 1));
    const tide_column *el = &arr->children[0];
    if (kernel_gather(out, &dst->children[0], el->name, &el, 1, NULL, keep, new_off[n], errbuf,
                      errlen) != 0)
        return -1;
    kernel_finish(dst);
    return 0;
}

int tide_eval_sort_array(tide_batch *out, const tide_column *arr, int32_t ascending,
                         int32_t nulls_first, tide_column *dst, char *errbuf, size_t errlen)
{
    if (check_array(arr, "sort_array", errbuf, errlen) != 0) return -1;
    int64_t n = arr->length;
    const int64_t *off = offsets_of(arr);
    int64_t total = off[n] - off[0];
    int64_t *idx = malloc(sizeof *idx * (size_t)(total ? total : 1));
    int64_t *tmp = malloc(sizeof *tmp * (size_t)(total ? total : 1));
    int64_t *new_off = malloc(sizeof *new_off * (size_t)(n + 1));
    int rc = -1;
    if (!idx || !tmp || !new_off) {
        kernel_error(errbuf, errlen, "out of memory");
        goto done;
    }
    new_off[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t from = new_off[i], len = tide_valid(arr, i) ? off[i + 1] - off[i] : 0;
        for (int64_t e = 0; e < len; e++)
            idx[from + e] = off[i] + e;
        merge_sort(&arr->children[0], idx + from, tmp, len, ascending, nulls_first);
        new_off[i + 1] = from + len;
    }
    rc = gather_elements(out, arr, idx, new_off, dst, errbuf, errlen);
done:
    free(idx);
    free(tmp);
    free(new_off);
    return rc;
}

int tide_eval_array_distinct(tide_batch *out, const tide_column *arr, tide_column *dst,
                             char *errbuf, size_t errlen)
{
    if (check_array(arr, "array_distinct", errbuf, errlen) != 0) return -1;
    int64_t n = arr->length;
    const int64_t *off = offsets_of(arr);
    const tide_column *el = &arr->children[0];
    int64_t longest = 0;
    for (int64_t i = 0; i < n; i++)
        if (off[i + 1] - off[i] > longest) longest = off[i + 1] - off[i];
    /* one open-addressing table of element rows, sized for the longest row
       and cleared of each row's entries after it */
    int64_t slots = 16;
    while (slots < 2 * longest)
        slots *= 2;
    int64_t total = off[n] - off[0];
    int64_t *table = malloc(sizeof *table * (size_t)slots);
    int64_t *keep = malloc(sizeof *keep * (size_t)(total ? total : 1));
    int64_t *new_off = malloc(sizeof *new_off * (size_t)(n + 1));
    int rc = -1;
    if (!table || !keep || !new_off) {
        kernel_error(errbuf, errlen, "out of memory");
        goto done;
    }
    for (int64_t s = 0; s < slots; s++)
        table[s] = -1;
    new_off[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t kept = new_off[i], start = kept;
        int have_null = 0;
        for (int64_t e = off[i]; tide_valid(arr, i) && e < off[i + 1]; e++) {
            if (!tide_valid(el, e)) {
                if (!have_null) keep[kept++] = e;
                have_null = 1;
                continue;
            }
            uint64_t s = tide_hash_value(el, e) & (uint64_t)(slots - 1);
            while (table[s] >= 0 && !tide_same_set_element(el, table[s], el, e))
                s = (s + 1) & (uint64_t)(slots - 1);
            if (table[s] >= 0) continue;
            table[s] = e;
            keep[kept++] = e;
        }
        for (int64_t k = start; k < kept; k++) {
            if (!tide_valid(el, keep[k])) continue;
            uint64_t s = tide_hash_value(el, keep[k]) & (uint64_t)(slots - 1);
            while (table[s] != keep[k])
                s = (s + 1) & (uint64_t)(slots - 1);
            table[s] = -1;
        }
        new_off[i + 1] = kept;
    }
    rc = gather_elements(out, arr, keep, new_off, dst, errbuf, errlen);
done:
    free(table);
    free(keep);
    free(new_off);
    return rc;
}

/* ---- Spark ML's vector_to_array and array_to_vector ---------------------- */

int tide_eval_vector_to_array(tide_batch *out, const tide_column *vec, int32_t float32,
                              tide_column *dst, char *errbuf, size_t errlen)
{
    if (vec->type != TIDE_VECTOR)
        return kernel_error(errbuf, errlen, "vector_to_array needs a vector column");
    int64_t n = vec->length, size = vec->vector_size, valid = 0;
    for (int64_t i = 0; i < n; i++)
        valid += tide_valid(vec, i);
    tide_column *el = NULL;
    if (kernel_alloc(out, dst, "", TIDE_ARRAY, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, vec, NULL) != 0 ||
        kernel_alloc(out, el = &dst->children[0], "element", float32 ? TIDE_FLOAT32 : TIDE_FLOAT64,
                     0, 0, valid * size, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int64_t *voff = vec->values;
    const int32_t *idx = vec->children[0].values;
    const double *val = vec->children[1].values;
    int64_t *off = dst->values, used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(vec, i)) {
            /* the elements are zeroed: a sparse vector's entries go where they belong */
            for (int64_t k = voff[i]; k < voff[i + 1]; k++) {
                if (float32)
                    ((float *)el->values)[used + idx[k]] = (float)val[k];
                else
                    ((double *)el->values)[used + idx[k]] = val[k];
            }
            used += size;
        }
        off[i + 1] = used;
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_array_to_vector(tide_batch *out, const tide_column *arr, tide_column *dst,
                              char *errbuf, size_t errlen)
{
    if (check_array(arr, "array_to_vector", errbuf, errlen) != 0) return -1;
    const tide_column *el = &arr->children[0];
    int32_t t = el->type;
    if (t != TIDE_FLOAT64 && t != TIDE_FLOAT32 && t != TIDE_INT32 && t != TIDE_INT64)
        return kernel_error(errbuf, errlen, "array_to_vector needs an array of numbers");
    int64_t n = arr->length, size = -1, total = 0;
    const int64_t *off = offsets_of(arr);
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(arr, i)) continue;
        int64_t len = off[i + 1] - off[i];
        if (size >= 0 && len != size)
            return kernel_error(
                errbuf, errlen,
                "array_to_vector: row %lld holds %lld numbers and an earlier row %lld: the "
                "rows of a tide vector column share one size",
                (long long)i + 1, (long long)len, (long long)size);
        if (len > INT32_MAX)
            return kernel_error(errbuf, errlen, "array_to_vector: an array is too long");
        size = len;
        for (int64_t e = off[i]; e < off[i + 1]; e++)
            if (!tide_valid(el, e))
                return kernel_error(errbuf, errlen,
                                    "array_to_vector: row %lld holds a null element",
                                    (long long)i + 1);
        total += len;
    }
    if (tide_column_init_vector(out, dst, "", (int32_t)(size < 0 ? 0 : size), 1, n, total) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t *voff = dst->values;
    int32_t *idx = dst->children[0].values;
    double *val = dst->children[1].values;
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        int valid = tide_valid(arr, i);
        for (int64_t e = off[i]; valid && e < off[i + 1]; e++, used++) {
            idx[used] = (int32_t)(e - off[i]);
            val[used] = tide_number_at(el, e);
        }
        voff[i + 1] = used;
        dst->length = i + 1;
        if (!valid) tide_column_set_null(out, dst, i);
    }
    dst->children[0].length = dst->children[1].length = used;
    return 0;
}

/* ---- explode ------------------------------------------------------------ */

tide_batch *tide_batch_explode(tide_batch *batch, int32_t index, int32_t outer,
                               const char *pos_name, const char *col_name, const char *value_name,
                               char *errbuf, size_t errlen)
{
    if (index < 0 || index >= batch->num_columns) {
        kernel_error(errbuf, errlen, "explode: no column %d", index);
        return NULL;
    }
    int is_map = batch->columns[index].type == TIDE_MAP;
    if (!is_map && check_array(&batch->columns[index], "explode", errbuf, errlen) != 0) return NULL;
    const tide_column *arr = &batch->columns[index];
    const int64_t *off = offsets_of(arr);
    int64_t n = batch->num_rows, m = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t len = tide_valid(arr, i) ? off[i + 1] - off[i] : 0;
        m += len > 0 ? len : outer ? 1 : 0;
    }
    int32_t extra = (pos_name ? 1 : 0) + (is_map ? 1 : 0);
    tide_batch *out = tide_batch_new(batch->num_columns + extra);
    int64_t *rows = malloc(sizeof *rows * (size_t)(m ? m : 1));
    int64_t *elements = malloc(sizeof *elements * (size_t)(m ? m : 1));
    int32_t *which = malloc(sizeof *which * (size_t)(m ? m : 1));
    if (!out || !rows || !elements || !which) {
        kernel_error(errbuf, errlen, "out of memory");
        goto fail;
    }
    /* each output row's input row, and its element (-1: explode_outer's null) */
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t len = tide_valid(arr, i) ? off[i + 1] - off[i] : 0;
        for (int64_t e = 0; e < len; e++)
            rows[k] = i, elements[k] = off[i] + e, which[k++] = 0;
        if (len == 0 && outer) rows[k] = i, elements[k] = 0, which[k++] = -1;
    }
    for (int32_t c = 0, slot = 0; c < batch->num_columns; c++, slot++) {
        const tide_column *src = &batch->columns[c];
        if (c != index) {
            if (kernel_gather(out, &out->columns[slot], src->name, &src, 1, NULL, rows, m, errbuf,
                              errlen) != 0)
                goto fail;
            continue;
        }
        if (pos_name) {
            tide_column *pos = &out->columns[slot++];
            if (kernel_alloc(out, pos, pos_name, TIDE_INT32, 0, 0, m, 0) != 0 ||
                kernel_validity(out, pos) != 0) {
                kernel_error(errbuf, errlen, "out of memory");
                goto fail;
            }
            for (int64_t r = 0; r < m; r++) {
                ((int32_t *)pos->values)[r] = (int32_t)(elements[r] - off[rows[r]]);
                if (which[r] < 0) tide_mark_null(pos, r);
            }
            kernel_finish(pos);
        }
        /* an array's elements; a map's keys, then its values */
        for (int32_t part = 0; part < (is_map ? 2 : 1); part++) {
            const tide_column *el = &arr->children[part];
            if (kernel_gather(out, &out->columns[slot + part], part ? value_name : col_name, &el, 1,
                              which, elements, m, errbuf, errlen) != 0)
                goto fail;
        }
        slot += is_map;
    }
    out->num_rows = m;
    free(rows);
    free(elements);
    free(which);
    return out;
fail:
    if (out) tide_batch_free(out);
    free(rows);
    free(elements);
    free(which);
    return NULL;
}
