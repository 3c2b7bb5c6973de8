/*
 * eval_array_lambda.c — the kernels of Spark's higher-order functions over
 * arrays (transform, filter, exists, forall; contracts in ffi/array.h).
 * A lambda is evaluated once over all the elements of a batch's arrays,
 * as one column: tide_array_element_batch lays the elements out as rows
 * (beside the outer columns the lambda reads, repeated per element), the
 * lambda's compiled expression runs over that batch, and the others put
 * its result back into arrays of the rows (into maps: eval_map_lambda.c).
 */
#include "kernel.h"
#include "row_hash.h"

#include <stdlib.h>
#include <string.h>

/* The range [first, last) of elements of arr's rows (null rows have
   empty ranges, so every element in it belongs to a valid row). */
static void element_range(const tide_column *arr, int64_t *first, int64_t *last)
{
    const int64_t *off = arr->values;
    *first = arr->length ? off[0] : 0;
    *last = arr->length ? off[arr->length] : 0;
}

static int check_array(const tide_column *arr, const char *what, char *errbuf, size_t errlen)
{
    if (arr->type != TIDE_ARRAY)
        return kernel_error(errbuf, errlen, "%s needs an array column", what);
    return 0;
}

/* The outer columns a lambda reads (outer[], indices into input) into
   out's first columns, row k of each the input's row rows[k]. */
static int gather_outer(tide_batch *out, const tide_batch *input, const int32_t *outer,
                        int32_t n_outer, const int64_t *rows, int64_t m, char *errbuf,
                        size_t errlen)
{
    for (int32_t c = 0; c < n_outer; c++) {
        if (outer[c] < 0 || outer[c] >= input->num_columns)
            return kernel_error(errbuf, errlen, "a lambda function: no column %d", outer[c]);
        const tide_column *src = &input->columns[outer[c]];
        if (kernel_gather(out, &out->columns[c], src->name, &src, 1, NULL, rows, m, errbuf,
                          errlen) != 0)
            return -1;
    }
    return 0;
}

tide_batch *tide_array_element_batch(const tide_batch *input, const int32_t *outer, int32_t n_outer,
                                     const tide_column *arr, int32_t with_pos, char *errbuf,
                                     size_t errlen)
{
    /* a map's entries give two columns, its keys and values */
    int is_map = arr->type == TIDE_MAP;
    if (!is_map && check_array(arr, "a lambda function", errbuf, errlen) != 0) return NULL;
    if (is_map) with_pos = 0;
    int64_t first, last;
    element_range(arr, &first, &last);
    int64_t m = last - first, n = arr->length;
    const int64_t *off = arr->values;
    tide_batch *out = tide_batch_new(n_outer + 1 + (with_pos || is_map ? 1 : 0));
    int64_t *rows = malloc(sizeof *rows * (size_t)(m ? m : 1));
    int64_t *elements = malloc(sizeof *elements * (size_t)(m ? m : 1));
    if (!out || !rows || !elements) {
        kernel_error(errbuf, errlen, "out of memory");
        goto fail;
    }
    for (int64_t i = 0; i < n; i++)
        for (int64_t e = off[i]; e < off[i + 1]; e++)
            rows[e - first] = i, elements[e - first] = e;
    if (gather_outer(out, input, outer, n_outer, rows, m, errbuf, errlen) != 0) goto fail;
    for (int32_t part = 0; part < (is_map ? 2 : 1); part++) {
        const tide_column *el = &arr->children[part];
        if (kernel_gather(out, &out->columns[n_outer + part], is_map ? el->name : "element", &el, 1,
                          NULL, elements, m, errbuf, errlen) != 0)
            goto fail;
    }
    if (with_pos) {
        tide_column *pos = &out->columns[n_outer + 1];
        if (kernel_alloc(out, pos, "index", TIDE_INT32, 0, 0, m, 0) != 0) {
            kernel_error(errbuf, errlen, "out of memory");
            goto fail;
        }
        for (int64_t k = 0; k < m; k++)
            ((int32_t *)pos->values)[k] = (int32_t)(elements[k] - off[rows[k]]);
    }
    out->num_rows = m;
    free(rows);
    free(elements);
    return out;
fail:
    if (out) tide_batch_free(out);
    free(rows);
    free(elements);
    return NULL;
}

/* dst: arr's rows (validity as arr's) holding, per row, the rows
   keep[new_off[i], new_off[i + 1]) of `elements` (keep NULL: its rows
   new_off[i] to new_off[i + 1] - 1). */
static int rebuild(tide_batch *out, const tide_column *arr, const tide_column *elements,
                   const int64_t *keep, const int64_t *new_off, tide_column *dst, char *errbuf,
                   size_t errlen)
{
    int64_t n = arr->length;
    if (kernel_alloc(out, dst, "", TIDE_ARRAY, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, arr, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    memcpy(dst->values, new_off, sizeof *new_off * (size_t)(n + 1));
    if (kernel_gather(out, &dst->children[0], "element", &elements, 1, NULL, keep, new_off[n],
                      errbuf, errlen) != 0)
        return -1;
    kernel_finish(dst);
    return 0;
}

int tide_array_replace_elements(tide_batch *out, const tide_column *arr,
                                const tide_column *elements, tide_column *dst, char *errbuf,
                                size_t errlen)
{
    if (check_array(arr, "transform", errbuf, errlen) != 0) return -1;
    int64_t first, last, n = arr->length;
    element_range(arr, &first, &last);
    if (elements->length != last - first)
        return kernel_error(errbuf, errlen, "transform: %lld results for %lld elements",
                            (long long)elements->length, (long long)(last - first));
    int64_t *new_off = malloc(sizeof *new_off * (size_t)(n + 1));
    if (!new_off) return kernel_error(errbuf, errlen, "out of memory");
    const int64_t *off = arr->values;
    for (int64_t i = 0; i <= n; i++)
        new_off[i] = off[i] - first;
    int rc = rebuild(out, arr, elements, NULL, new_off, dst, errbuf, errlen);
    free(new_off);
    return rc;
}

int tide_array_keep_elements(tide_batch *out, const tide_column *arr, const tide_column *keep,
                             tide_column *dst, char *errbuf, size_t errlen)
{
    if (check_array(arr, "filter", errbuf, errlen) != 0) return -1;
    int64_t first, last, n = arr->length;
    element_range(arr, &first, &last);
    if (keep->type != TIDE_BOOL || keep->length != last - first)
        return kernel_error(errbuf, errlen, "filter: the condition is not a boolean per element");
    const int64_t *off = arr->values;
    const uint8_t *k = keep->values;
    int64_t *kept = malloc(sizeof *kept * (size_t)(last - first + 1));
    int64_t *new_off = malloc(sizeof *new_off * (size_t)(n + 1));
    int rc = -1;
    if (!kept || !new_off) {
        kernel_error(errbuf, errlen, "out of memory");
        goto done;
    }
    /* a null condition drops the element, as Spark's filter */
    int64_t used = 0;
    new_off[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        for (int64_t e = off[i]; e < off[i + 1]; e++)
            if (tide_valid(keep, e - first) && k[e - first]) kept[used++] = e;
        new_off[i + 1] = used;
    }
    rc = rebuild(out, arr, &arr->children[0], kept, new_off, dst, errbuf, errlen);
done:
    free(kept);
    free(new_off);
    return rc;
}

int tide_array_any(tide_batch *out, const tide_column *arr, const tide_column *pred, int32_t all,
                   tide_column *dst, char *errbuf, size_t errlen)
{
    if (check_array(arr, all ? "forall" : "exists", errbuf, errlen) != 0) return -1;
    int64_t first, last, n = arr->length;
    element_range(arr, &first, &last);
    if (pred->type != TIDE_BOOL || pred->length != last - first)
        return kernel_error(errbuf, errlen, "%s: the condition is not a boolean per element",
                            all ? "forall" : "exists");
    if (kernel_alloc(out, dst, "", TIDE_BOOL, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, arr, NULL) != 0 || kernel_validity(out, dst) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int64_t *off = arr->values;
    const uint8_t *p = pred->values;
    uint8_t *r = dst->values;
    /* Spark's three values: exists is true on a true, else null on a null;
       forall false on a false, else null on a null */
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        int decided = 0, unknown = 0;
        for (int64_t e = off[i] - first; e < off[i + 1] - first && !decided; e++) {
            if (!tide_valid(pred, e))
                unknown = 1;
            else if ((p[e] != 0) != (all != 0))
                decided = 1;
        }
        r[i] = (uint8_t)(decided ? !all : all);
        if (!decided && unknown) tide_mark_null(dst, i);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- aggregate: a fold, one position of every array at a time ---------- */

tide_batch *tide_array_step_batch(const tide_batch *input, const int32_t *outer, int32_t n_outer,
                                  const tide_column *arr, const tide_column *acc, int64_t k,
                                  int64_t *rows, int64_t candidates, char *errbuf, size_t errlen)
{
    if (check_array(arr, "aggregate", errbuf, errlen) != 0) return NULL;
    int64_t n = arr->length, m = 0;
    const int64_t *off = arr->values;
    int64_t *elements = malloc(sizeof *elements * (size_t)(n ? n : 1));
    tide_batch *out = tide_batch_new(n_outer + 2);
    if (!elements || !out) {
        kernel_error(errbuf, errlen, "out of memory");
        goto fail;
    }
    /* the rows with an element k: of all rows, or of those the step before
       kept (rows[0, candidates)), so the steps cost the elements, not
       rows times the longest array */
    for (int64_t j = 0; j < (candidates < 0 ? n : candidates); j++) {
        int64_t i = candidates < 0 ? j : rows[j];
        if (tide_valid(arr, i) && off[i + 1] - off[i] > k) rows[m] = i, elements[m++] = off[i] + k;
    }
    if (gather_outer(out, input, outer, n_outer, rows, m, errbuf, errlen) != 0) goto fail;
    const tide_column *el = &arr->children[0];
    if (kernel_gather(out, &out->columns[n_outer], "acc", &acc, 1, NULL, rows, m, errbuf, errlen) !=
            0 ||
        kernel_gather(out, &out->columns[n_outer + 1], "element", &el, 1, NULL, elements, m, errbuf,
                      errlen) != 0)
        goto fail;
    out->num_rows = m;
    free(elements);
    return out;
fail:
    if (out) tide_batch_free(out);
    free(elements);
    return NULL;
}

int tide_array_step_merge(tide_batch *out, const tide_column *acc, const tide_column *merged,
                          const int64_t *rows, int64_t m, tide_column *dst, char *errbuf,
                          size_t errlen)
{
    int64_t n = acc->length;
    int32_t *which = malloc(sizeof *which * (size_t)(n ? n : 1));
    int64_t *from = malloc(sizeof *from * (size_t)(n ? n : 1));
    int rc = which && from ? 0 : kernel_error(errbuf, errlen, "out of memory");
    if (rc == 0) {
        for (int64_t i = 0; i < n; i++)
            which[i] = 0, from[i] = i;
        for (int64_t j = 0; j < m; j++)
            which[rows[j]] = 1, from[rows[j]] = j;
        const tide_column *srcs[2] = {acc, merged};
        rc = kernel_gather(out, dst, "", srcs, 2, which, from, n, errbuf, errlen);
    }
    free(which);
    free(from);
    return rc;
}

int tide_array_null_where(tide_batch *out, const tide_column *value, const tide_column *arr,
                          tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = value->length;
    int32_t *which = malloc(sizeof *which * (size_t)(n ? n : 1));
    if (!which) return kernel_error(errbuf, errlen, "out of memory");
    for (int64_t i = 0; i < n; i++)
        which[i] = tide_valid(arr, i) ? 0 : -1;
    int rc = kernel_gather(out, dst, "", &value, 1, which, NULL, n, errbuf, errlen);
    free(which);
    return rc;
}

/* ---- array_sort with a comparator -------------------------------------------------- */

/* The most (left, right) pairs a batch's arrays may make: the comparator
   runs once over all of them, so that each row's n elements cost n * n
   rows of memory. */
#define MAX_PAIRS (64LL << 20)

tide_batch *tide_array_pair_batch(const tide_batch *input, const int32_t *outer, int32_t n_outer,
                                  const tide_column *arr, char *errbuf, size_t errlen)
{
    if (check_array(arr, "array_sort", errbuf, errlen) != 0) return NULL;
    const int64_t *off = arr->values;
    int64_t n = arr->length, pairs = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t len = off[i + 1] - off[i];
        pairs += len * len;
        if (len > (1LL << 20) || pairs > MAX_PAIRS) {
            kernel_error(errbuf, errlen,
                         "array_sort: a comparator over arrays this long would compare more than "
                         "%lld pairs in a batch (sort_array or array_sort without one take any)",
                         (long long)MAX_PAIRS);
            return NULL;
        }
    }
    tide_batch *out = tide_batch_new(n_outer + 2);
    int64_t *rows = malloc(sizeof *rows * (size_t)(pairs ? pairs : 1));
    int64_t *left = malloc(sizeof *left * (size_t)(pairs ? pairs : 1));
    int64_t *right = malloc(sizeof *right * (size_t)(pairs ? pairs : 1));
    if (!out || !rows || !left || !right) {
        kernel_error(errbuf, errlen, "out of memory");
        goto fail;
    }
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t a = off[i]; a < off[i + 1]; a++)
            for (int64_t b = off[i]; b < off[i + 1]; b++)
                rows[k] = i, left[k] = a, right[k] = b, k++;
    if (gather_outer(out, input, outer, n_outer, rows, pairs, errbuf, errlen) != 0) goto fail;
    const tide_column *el = &arr->children[0];
    if (kernel_gather(out, &out->columns[n_outer], "left", &el, 1, NULL, left, pairs, errbuf,
                      errlen) != 0 ||
        kernel_gather(out, &out->columns[n_outer + 1], "right", &el, 1, NULL, right, pairs, errbuf,
                      errlen) != 0)
        goto fail;
    out->num_rows = pairs;
    free(rows);
    free(left);
    free(right);
    return out;
fail:
    if (out) tide_batch_free(out);
    free(rows);
    free(left);
    free(right);
    return NULL;
}

/* Sorts idx[0, len) stably (a merge sort, as Java's TimSort is stable)
   by cmp, the row's len * len comparator results: element a before b
   when cmp[a * len + b] < 0. */
static void merge_sort(int64_t *idx, int64_t *tmp, int64_t len, const int32_t *cmp, int64_t stride)
{
    if (len < 2) return;
    int64_t half = len / 2;
    merge_sort(idx, tmp, half, cmp, stride);
    merge_sort(idx + half, tmp, len - half, cmp, stride);
    int64_t a = 0, b = half, k = 0;
    while (a < half && b < len)
        tmp[k++] = cmp[idx[b] * stride + idx[a]] < 0 ? idx[b++] : idx[a++];
    while (a < half)
        tmp[k++] = idx[a++];
    while (b < len)
        tmp[k++] = idx[b++];
    memcpy(idx, tmp, sizeof *idx * (size_t)len);
}

int tide_array_sort_by(tide_batch *out, const tide_column *arr, const tide_column *cmp,
                       tide_column *dst, char *errbuf, size_t errlen)
{
    if (check_array(arr, "array_sort", errbuf, errlen) != 0) return -1;
    const int64_t *off = arr->values;
    int64_t n = arr->length, pairs = 0, first, last;
    element_range(arr, &first, &last);
    for (int64_t i = 0; i < n; i++)
        pairs += (off[i + 1] - off[i]) * (off[i + 1] - off[i]);
    if (cmp->type != TIDE_INT32 || cmp->length != pairs)
        return kernel_error(errbuf, errlen,
                            "array_sort: the comparator did not give an int a pair");
    for (int64_t p = 0; p < pairs; p++)
        if (!tide_valid(cmp, p))
            return kernel_error(errbuf, errlen, "The comparator has returned a null");
    int64_t m = last - first;
    int64_t *order = malloc(sizeof *order * (size_t)(m ? m : 1));
    int64_t *tmp = malloc(sizeof *tmp * (size_t)(m ? m : 1));
    int64_t *new_off = malloc(sizeof *new_off * (size_t)(n + 1));
    if (!order || !tmp || !new_off) {
        free(order);
        free(tmp);
        free(new_off);
        return kernel_error(errbuf, errlen, "out of memory");
    }
    const int32_t *res = cmp->values;
    int64_t base = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t len = off[i + 1] - off[i], *row = order + (off[i] - first);
        for (int64_t e = 0; e < len; e++)
            row[e] = e;
        merge_sort(row, tmp, len, res + base, len);
        for (int64_t e = 0; e < len; e++)
            row[e] += off[i];
        base += len * len;
    }
    for (int64_t i = 0; i <= n; i++)
        new_off[i] = off[i] - first;
    int rc = rebuild(out, arr, &arr->children[0], order, new_off, dst, errbuf, errlen);
    free(order);
    free(tmp);
    free(new_off);
    return rc;
}

/* ---- zip_with: the lambda over both arrays' elements at each position ------ */

/* The rows where a and b are both valid have max(len a, len b) positions;
   the others none. */
static int64_t zip_length(const tide_column *a, const tide_column *b, int64_t i)
{
    if (!tide_valid(a, i) || !tide_valid(b, i)) return 0;
    const int64_t *oa = a->values, *ob = b->values;
    int64_t la = oa[i + 1] - oa[i], lb = ob[i + 1] - ob[i];
    return la > lb ? la : lb;
}

static int check_pair(const tide_column *a, const tide_column *b, char *errbuf, size_t errlen)
{
    if (check_array(a, "zip_with", errbuf, errlen) != 0 ||
        check_array(b, "zip_with", errbuf, errlen) != 0)
        return -1;
    if (a->length != b->length)
        return kernel_error(errbuf, errlen, "zip_with: arrays of %lld and %lld rows",
                            (long long)a->length, (long long)b->length);
    return 0;
}

tide_batch *tide_array_zip_batch(const tide_batch *input, const int32_t *outer, int32_t n_outer,
                                 const tide_column *a, const tide_column *b, char *errbuf,
                                 size_t errlen)
{
    if (check_pair(a, b, errbuf, errlen) != 0) return NULL;
    int64_t n = a->length, m = 0;
    for (int64_t i = 0; i < n; i++)
        m += zip_length(a, b, i);
    const int64_t *oa = a->values, *ob = b->values;
    tide_batch *out = tide_batch_new(n_outer + 2);
    int64_t *rows = malloc(sizeof *rows * (size_t)(m ? m : 1));
    int64_t *left = malloc(sizeof *left * (size_t)(m ? m : 1));
    int64_t *right = malloc(sizeof *right * (size_t)(m ? m : 1));
    int32_t *in_left = malloc(sizeof *in_left * (size_t)(m ? m : 1));
    int32_t *in_right = malloc(sizeof *in_right * (size_t)(m ? m : 1));
    if (!out || !rows || !left || !right || !in_left || !in_right) {
        kernel_error(errbuf, errlen, "out of memory");
        goto fail;
    }
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t len = zip_length(a, b, i);
        for (int64_t e = 0; e < len; e++, k++) {
            rows[k] = i;
            /* past the shorter array's end, its element is null */
            in_left[k] = e < oa[i + 1] - oa[i] ? 0 : -1;
            in_right[k] = e < ob[i + 1] - ob[i] ? 0 : -1;
            left[k] = in_left[k] == 0 ? oa[i] + e : 0;
            right[k] = in_right[k] == 0 ? ob[i] + e : 0;
        }
    }
    if (gather_outer(out, input, outer, n_outer, rows, m, errbuf, errlen) != 0) goto fail;
    const tide_column *ea = &a->children[0], *eb = &b->children[0];
    if (kernel_gather(out, &out->columns[n_outer], "left", &ea, 1, in_left, left, m, errbuf,
                      errlen) != 0 ||
        kernel_gather(out, &out->columns[n_outer + 1], "right", &eb, 1, in_right, right, m, errbuf,
                      errlen) != 0)
        goto fail;
    out->num_rows = m;
    free(rows);
    free(left);
    free(right);
    free(in_left);
    free(in_right);
    return out;
fail:
    if (out) tide_batch_free(out);
    free(rows);
    free(left);
    free(right);
    free(in_left);
    free(in_right);
    return NULL;
}

int tide_array_zip_result(tide_batch *out, const tide_column *a, const tide_column *b,
                          const tide_column *results, tide_column *dst, char *errbuf, size_t errlen)
{
    if (check_pair(a, b, errbuf, errlen) != 0) return -1;
    int64_t n = a->length;
    int64_t *new_off = malloc(sizeof *new_off * (size_t)(n + 1));
    if (!new_off) return kernel_error(errbuf, errlen, "out of memory");
    new_off[0] = 0;
    for (int64_t i = 0; i < n; i++)
        new_off[i + 1] = new_off[i] + zip_length(a, b, i);
    int rc = 0;
    if (results->length != new_off[n])
        rc = kernel_error(errbuf, errlen, "zip_with: %lld results for %lld positions",
                          (long long)results->length, (long long)new_off[n]);
    if (rc == 0 && (kernel_alloc(out, dst, "", TIDE_ARRAY, 0, 0, n, 0) != 0 ||
                    kernel_validity_and(out, dst, a, b) != 0))
        rc = kernel_error(errbuf, errlen, "out of memory");
    if (rc == 0) {
        memcpy(dst->values, new_off, sizeof *new_off * (size_t)(n + 1));
        rc = kernel_gather(out, &dst->children[0], "element", &results, 1, NULL, NULL, new_off[n],
                           errbuf, errlen);
    }
    if (rc == 0) kernel_finish(dst);
    free(new_off);
    return rc;
}
