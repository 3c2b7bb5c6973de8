/*
 * eval_array_ops.c — more of Spark's array functions (contracts in
 * ffi/array.h): array_max/array_min, slice, reverse, flatten, concat of
 * arrays, array_position, array_remove, arrays_overlap, and the set
 * functions array_union, array_intersect and array_except. Each finds,
 * per row, which elements (of one array column or of several) the result
 * holds, then gathers them once.
 */
#include "ffi/array.h"
#include "kernel.h"
#include "random.h"
#include "row_compare.h"
#include "row_hash.h"

#include <stdlib.h>
#include <string.h>

static const int64_t *offsets_of(const tide_column *arr)
{
    return arr->values;
}

static int check_arrays(const tide_column *const *arrs, int32_t k, const char *what, char *errbuf,
                        size_t errlen)
{
    for (int32_t a = 0; a < k; a++)
        if (arrs[a]->type != TIDE_ARRAY || arrs[a]->length != arrs[0]->length)
            return kernel_error(errbuf, errlen, "%s needs array columns of one length", what);
    return 0;
}

/* What the result rows hold: elements (which source array, which element
   row), appended row after row, and the rows' offsets into them (row i:
   [bounds[i], bounds[i + 1])); sized for n rows and `cap` elements up
   front. */
typedef struct picks {
    int32_t *which;
    int64_t *rows, *bounds;
    int64_t used, cap;
} picks;

static int picks_init(picks *p, int64_t n, int64_t cap)
{
    p->used = 0;
    p->cap = cap > 0 ? cap : 1;
    p->which = malloc(sizeof *p->which * (size_t)p->cap);
    p->rows = malloc(sizeof *p->rows * (size_t)p->cap);
    p->bounds = malloc(sizeof *p->bounds * (size_t)(n + 1));
    if (!p->which || !p->rows || !p->bounds) return -1;
    p->bounds[0] = 0;
    return 0;
}

static void picks_free(picks *p)
{
    free(p->which);
    free(p->rows);
    free(p->bounds);
}

static void pick(picks *p, int32_t which, int64_t row)
{
    p->which[p->used] = which;
    p->rows[p->used++] = row;
}

/* Row i holds the picks made since row i - 1 ended. */
static void end_row(picks *p, int64_t i)
{
    p->bounds[i + 1] = p->used;
}

/* dst: an array column of n rows, valid where every arrs[] row is (and
   `valid`, when given, says so), holding p's rows of the columns el[] (p's
   which picks among them). */
static int finish_from(tide_batch *out, tide_column *dst, const tide_column *const *arrs, int32_t k,
                       const uint8_t *valid, const picks *p, const tide_column *const *el,
                       int32_t k_el, char *errbuf, size_t errlen)
{
    int64_t n = arrs[0]->length;
    if (kernel_alloc(out, dst, "", TIDE_ARRAY, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, arrs[0], k > 1 ? arrs[1] : NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    for (int64_t i = 0; i < n; i++) {
        int null = valid && !valid[i];
        for (int32_t a = 2; a < k; a++)
            null |= !tide_valid(arrs[a], i);
        if (!null) continue;
        if (kernel_validity(out, dst) != 0) return kernel_error(errbuf, errlen, "out of memory");
        tide_mark_null(dst, i);
    }
    memcpy(dst->values, p->bounds, sizeof *p->bounds * (size_t)(n + 1));
    if (kernel_gather(out, &dst->children[0], "element", el, k_el, p->which, p->rows, p->used,
                      errbuf, errlen) != 0)
        return -1;
    kernel_finish(dst);
    return 0;
}

/* finish_from the element columns of arrs. */
static int finish(tide_batch *out, tide_column *dst, const tide_column *const *arrs, int32_t k,
                  const uint8_t *valid, const picks *p, char *errbuf, size_t errlen)
{
    const tide_column *el[8];
    for (int32_t a = 0; a < k; a++)
        el[a] = &arrs[a]->children[0];
    return finish_from(out, dst, arrs, k, valid, p, el, k, errbuf, errlen);
}

/* ---- one array ------------------------------------------------------------ */

int tide_eval_array_extreme(tide_batch *out, const tide_column *arr, int32_t max, tide_column *dst,
                            char *errbuf, size_t errlen)
{
    if (check_arrays(&arr, 1, max ? "array_max" : "array_min", errbuf, errlen) != 0) return -1;
    int64_t n = arr->length;
    const int64_t *off = offsets_of(arr);
    const tide_column *el = &arr->children[0];
    picks p = {0};
    if (picks_init(&p, n, n) != 0) {
        picks_free(&p);
        return kernel_error(errbuf, errlen, "out of memory");
    }
    for (int64_t i = 0; i < n; i++) {
        int64_t best = -1;
        for (int64_t e = off[i]; tide_valid(arr, i) && e < off[i + 1]; e++) {
            if (!tide_valid(el, e)) continue; /* nulls are skipped, as Spark's */
            int c = best < 0 ? 1 : tide_compare_values(el, e, best);
            if (best < 0 || (max ? c > 0 : c < 0)) best = e;
        }
        pick(&p, best < 0 ? -1 : 0, best < 0 ? 0 : best);
    }
    int rc = kernel_gather(out, dst, "", &el, 1, p.which, p.rows, n, errbuf, errlen);
    picks_free(&p);
    return rc;
}

int tide_eval_array_slice(tide_batch *out, const tide_column *arr, const tide_column *start,
                          const tide_column *length, tide_column *dst, char *errbuf, size_t errlen)
{
    if (check_arrays(&arr, 1, "slice", errbuf, errlen) != 0) return -1;
    if (start->type != TIDE_INT32 || length->type != TIDE_INT32)
        return kernel_error(errbuf, errlen, "slice: start and length must be ints");
    int64_t n = arr->length;
    const int64_t *off = offsets_of(arr);
    const int32_t *st = start->values, *len = length->values;
    uint8_t *valid = malloc((size_t)n + 1);
    picks p = {0};
    int rc = -1;
    if (!valid || picks_init(&p, n, n ? off[n] - off[0] : 0) != 0) {
        kernel_error(errbuf, errlen, "out of memory");
        goto done;
    }
    for (int64_t i = 0; i < n; i++) {
        valid[i] = (uint8_t)(tide_valid(start, i) && tide_valid(length, i));
        if (valid[i] && tide_valid(arr, i)) {
            if (st[i] == 0) {
                kernel_error(errbuf, errlen,
                             "Unexpected value for start in function slice: SQL array "
                             "indices start at 1.");
                goto done;
            }
            if (len[i] < 0) {
                kernel_error(errbuf, errlen,
                             "Unexpected value for length in function slice: length must "
                             "be greater than or equal to 0.");
                goto done;
            }
            int64_t size = off[i + 1] - off[i];
            int64_t from = st[i] > 0 ? st[i] - 1 : size + st[i];
            for (int64_t e = from < 0 ? size : from; e < size && e < from + len[i]; e++)
                pick(&p, 0, off[i] + e);
        }
        end_row(&p, i);
    }
    rc = finish(out, dst, &arr, 1, valid, &p, errbuf, errlen);
done:
    free(valid);
    picks_free(&p);
    return rc;
}

int tide_eval_array_reverse(tide_batch *out, const tide_column *arr, tide_column *dst, char *errbuf,
                            size_t errlen)
{
    if (check_arrays(&arr, 1, "reverse", errbuf, errlen) != 0) return -1;
    int64_t n = arr->length;
    const int64_t *off = offsets_of(arr);
    picks p = {0};
    int rc = -1;
    if (picks_init(&p, n, n ? off[n] - off[0] : 0) != 0) {
        kernel_error(errbuf, errlen, "out of memory");
        goto done;
    }
    for (int64_t i = 0; i < n; i++) {
        for (int64_t e = off[i + 1] - 1; e >= off[i]; e--)
            pick(&p, 0, e);
        end_row(&p, i);
    }
    rc = finish(out, dst, &arr, 1, NULL, &p, errbuf, errlen);
done:
    picks_free(&p);
    return rc;
}

int tide_eval_array_flatten(tide_batch *out, const tide_column *arr, tide_column *dst, char *errbuf,
                            size_t errlen)
{
    if (check_arrays(&arr, 1, "flatten", errbuf, errlen) != 0 ||
        arr->children[0].type != TIDE_ARRAY)
        return kernel_error(errbuf, errlen, "flatten needs an array of arrays");
    const tide_column *inner = &arr->children[0];
    int64_t n = arr->length;
    const int64_t *off = offsets_of(arr), *ioff = offsets_of(inner);
    uint8_t *valid = malloc((size_t)n + 1);
    picks p = {0};
    int rc = -1;
    int64_t total = n && inner->length ? ioff[inner->length] - ioff[0] : 0;
    if (!valid || picks_init(&p, n, total) != 0) {
        kernel_error(errbuf, errlen, "out of memory");
        goto done;
    }
    for (int64_t i = 0; i < n; i++) {
        /* a null inner array makes the row null, as Spark's */
        valid[i] = 1;
        for (int64_t e = off[i]; e < off[i + 1]; e++)
            valid[i] &= (uint8_t)tide_valid(inner, e);
        for (int64_t e = off[i]; valid[i] && tide_valid(arr, i) && e < off[i + 1]; e++)
            for (int64_t x = ioff[e]; x < ioff[e + 1]; x++)
                pick(&p, 0, x);
        end_row(&p, i);
    }
    /* the picks are rows of the inner arrays' elements: gather from there */
    const tide_column *el = &inner->children[0];
    rc = finish_from(out, dst, &arr, 1, valid, &p, &el, 1, errbuf, errlen);
done:
    free(valid);
    picks_free(&p);
    return rc;
}

int tide_eval_array_concat(tide_batch *out, const tide_column *const *arrs, int32_t k,
                           tide_column *dst, char *errbuf, size_t errlen)
{
    if (k < 1 || k > 8 || check_arrays(arrs, k, "concat", errbuf, errlen) != 0)
        return kernel_error(errbuf, errlen, "concat takes 1 to 8 arrays of one length");
    int64_t n = arrs[0]->length, total = 0;
    for (int32_t a = 0; a < k; a++) {
        const int64_t *off = offsets_of(arrs[a]);
        total += n ? off[n] - off[0] : 0;
    }
    picks p = {0};
    int rc = -1;
    if (picks_init(&p, n, total) != 0) {
        kernel_error(errbuf, errlen, "out of memory");
        goto done;
    }
    for (int64_t i = 0; i < n; i++) {
        /* a row null in the result holds no elements (the layout's rule) */
        int valid = 1;
        for (int32_t a = 0; a < k; a++)
            valid &= tide_valid(arrs[a], i);
        for (int32_t a = 0; valid && a < k; a++) {
            const int64_t *off = offsets_of(arrs[a]);
            for (int64_t e = off[i]; e < off[i + 1]; e++)
                pick(&p, a, e);
        }
        end_row(&p, i);
    }
    rc = finish(out, dst, arrs, k, NULL, &p, errbuf, errlen);
done:
    picks_free(&p);
    return rc;
}

int tide_eval_array_position(tide_batch *out, const tide_column *arr, const tide_column *value,
                             tide_column *dst, char *errbuf, size_t errlen)
{
    if (check_arrays(&arr, 1, "array_position", errbuf, errlen) != 0) return -1;
    const tide_column *el = &arr->children[0];
    if (value->type != el->type)
        return kernel_error(errbuf, errlen,
                            "array_position: the value is not of the elements' type");
    int64_t n = arr->length;
    if (kernel_alloc(out, dst, "", TIDE_INT64, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, arr, value) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    const int64_t *off = offsets_of(arr);
    int64_t *at = dst->values;
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        at[i] = 0;
        for (int64_t e = off[i]; e < off[i + 1] && !at[i]; e++)
            if (tide_valid(el, e) && tide_same_value(el, e, value, i)) at[i] = e - off[i] + 1;
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_array_remove(tide_batch *out, const tide_column *arr, const tide_column *value,
                           tide_column *dst, char *errbuf, size_t errlen)
{
    if (check_arrays(&arr, 1, "array_remove", errbuf, errlen) != 0) return -1;
    const tide_column *el = &arr->children[0];
    if (value->type != el->type)
        return kernel_error(errbuf, errlen, "array_remove: the value is not of the elements' type");
    int64_t n = arr->length;
    const int64_t *off = offsets_of(arr);
    uint8_t *valid = malloc((size_t)n + 1);
    picks p = {0};
    int rc = -1;
    if (!valid || picks_init(&p, n, n ? off[n] - off[0] : 0) != 0) {
        kernel_error(errbuf, errlen, "out of memory");
        goto done;
    }
    for (int64_t i = 0; i < n; i++) {
        valid[i] = (uint8_t)tide_valid(value, i);
        for (int64_t e = off[i]; valid[i] && e < off[i + 1]; e++)
            if (!tide_valid(el, e) || !tide_same_value(el, e, value, i)) pick(&p, 0, e);
        end_row(&p, i);
    }
    rc = finish(out, dst, &arr, 1, valid, &p, errbuf, errlen);
done:
    free(valid);
    picks_free(&p);
    return rc;
}

/* ---- two arrays as sets ---------------------------------------------------- */

/* An open-addressing set of (array, element row), of one row's elements:
   a slot is taken when its stamp is the row's, so no row clears it. */
typedef struct element_set {
    const tide_column *el[2];
    int32_t *which;
    int64_t *rows, *stamp, slots, now;
} element_set;

static int set_init(element_set *s, const tide_column *a, const tide_column *b, int64_t longest)
{
    s->el[0] = a, s->el[1] = b;
    s->slots = 16;
    while (s->slots < 2 * longest)
        s->slots *= 2;
    s->which = malloc(sizeof *s->which * (size_t)s->slots);
    s->rows = malloc(sizeof *s->rows * (size_t)s->slots);
    s->stamp = malloc(sizeof *s->stamp * (size_t)s->slots);
    if (!s->which || !s->rows || !s->stamp) return -1;
    for (int64_t k = 0; k < s->slots; k++)
        s->stamp[k] = -1;
    return 0;
}

/* The slot of the value of element row r of array w: the one holding an
   equal value, or the free one it would take. */
static int64_t set_slot(const element_set *s, int32_t w, int64_t r)
{
    uint64_t mask = (uint64_t)s->slots - 1, k = tide_hash_value(s->el[w], r) & mask;
    while (s->stamp[k] == s->now &&
           !tide_same_set_element(s->el[s->which[k]], s->rows[k], s->el[w], r))
        k = (k + 1) & mask;
    return (int64_t)k;
}

static int set_has(const element_set *s, int64_t k)
{
    return s->stamp[k] == s->now;
}

static void set_put(element_set *s, int64_t k, int32_t w, int64_t r)
{
    s->stamp[k] = s->now, s->which[k] = w, s->rows[k] = r;
}

int tide_eval_array_set_op(tide_batch *out, const tide_column *a, const tide_column *b, int32_t op,
                           tide_column *dst, char *errbuf, size_t errlen)
{
    const tide_column *arrs[2] = {a, b};
    if (check_arrays(arrs, 2, "array_union", errbuf, errlen) != 0) return -1;
    if (!kernel_same_layout(&a->children[0], &b->children[0], errbuf, errlen)) return -1;
    int64_t n = a->length, longest = 0, total = 0;
    const int64_t *oa = offsets_of(a), *ob = offsets_of(b);
    for (int64_t i = 0; i < n; i++) {
        int64_t len = (oa[i + 1] - oa[i]) + (ob[i + 1] - ob[i]);
        if (len > longest) longest = len;
        total += len;
    }
    picks p = {0};
    element_set s;
    int rc = -1;
    memset(&s, 0, sizeof s);
    if (picks_init(&p, n, total) != 0 ||
        set_init(&s, &a->children[0], &b->children[0], longest) != 0) {
        kernel_error(errbuf, errlen, "out of memory");
        goto done;
    }
    for (int64_t i = 0; i < n; i++) {
        s.now = i;
        if (!tide_valid(a, i) || !tide_valid(b, i)) { /* null: no elements */
            end_row(&p, i);
            continue;
        }
        /* b's values (and whether it holds a null) first, but for a union,
           which takes a's then b's in order */
        int null_in_b = 0, null_taken = 0;
        for (int64_t e = ob[i]; op != TIDE_ARRAY_UNION && e < ob[i + 1]; e++) {
            if (!tide_valid(s.el[1], e)) {
                null_in_b = 1;
                continue;
            }
            int64_t k = set_slot(&s, 1, e);
            if (!set_has(&s, k)) set_put(&s, k, 1, e);
        }
        for (int32_t w = 0; w < (op == TIDE_ARRAY_UNION ? 2 : 1); w++) {
            const int64_t *o = w ? ob : oa;
            for (int64_t e = o[i]; e < o[i + 1]; e++) {
                if (!tide_valid(s.el[w], e)) {
                    /* one null at most: a union's, an intersection's when b
                       has one too, a difference's when b has none */
                    int keep = op == TIDE_ARRAY_UNION       ? 1
                               : op == TIDE_ARRAY_INTERSECT ? null_in_b
                                                            : !null_in_b;
                    if (keep && !null_taken) pick(&p, w, e);
                    null_taken = 1;
                    continue;
                }
                int64_t k = set_slot(&s, w, e);
                /* a value comes out once. In a union every slot is one
                   taken; otherwise a slot of b's (which 1) is a value of
                   b not yet taken, one of a's (0) a value taken. */
                int in_b = op != TIDE_ARRAY_UNION && set_has(&s, k) && s.which[k] == 1;
                int taken = set_has(&s, k) && !in_b;
                int wanted = op == TIDE_ARRAY_UNION       ? !taken
                             : op == TIDE_ARRAY_INTERSECT ? in_b
                                                          : !in_b && !taken;
                if (!wanted) continue;
                set_put(&s, k, w, e);
                pick(&p, w, e);
            }
        }
        end_row(&p, i);
    }
    rc = finish(out, dst, arrs, 2, NULL, &p, errbuf, errlen);
done:
    picks_free(&p);
    free(s.which);
    free(s.rows);
    free(s.stamp);
    return rc;
}

int tide_eval_arrays_overlap(tide_batch *out, const tide_column *a, const tide_column *b,
                             tide_column *dst, char *errbuf, size_t errlen)
{
    const tide_column *arrs[2] = {a, b};
    if (check_arrays(arrs, 2, "arrays_overlap", errbuf, errlen) != 0) return -1;
    int64_t n = a->length;
    const int64_t *oa = offsets_of(a), *ob = offsets_of(b);
    if (kernel_alloc(out, dst, "", TIDE_BOOL, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, a, b) != 0 || kernel_validity(out, dst) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    uint8_t *r = dst->values;
    const tide_column *ea = &a->children[0], *eb = &b->children[0];
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        int found = 0, any_null = 0;
        for (int64_t x = oa[i]; x < oa[i + 1] && !found; x++) {
            if (!tide_valid(ea, x)) {
                any_null = 1;
                continue;
            }
            for (int64_t y = ob[i]; y < ob[i + 1] && !found; y++) {
                if (!tide_valid(eb, y))
                    any_null = 1;
                else if (tide_same_value(ea, x, eb, y))
                    found = 1;
            }
        }
        for (int64_t y = ob[i]; y < ob[i + 1]; y++)
            any_null |= !tide_valid(eb, y);
        r[i] = (uint8_t)found;
        /* no common element, both non-empty, a null in either: unknown */
        if (!found && any_null && oa[i + 1] > oa[i] && ob[i + 1] > ob[i]) tide_mark_null(dst, i);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- array_insert and shuffle ----------------------------------------------- */

/* Spark's ByteArrayMethods.MAX_ROUNDED_ARRAY_LENGTH */
#define MAX_ARRAY_LENGTH 2147483632LL

int tide_eval_array_insert(tide_batch *out, const tide_column *arr, const tide_column *pos,
                           const tide_column *item, tide_column *dst, char *errbuf, size_t errlen)
{
    if (check_arrays(&arr, 1, "array_insert", errbuf, errlen) != 0) return -1;
    if (pos->type != TIDE_INT32 || pos->length != arr->length || item->length != arr->length)
        return kernel_error(errbuf, errlen, "array_insert: a position (int) and an item per row");
    int64_t n = arr->length, total = 0;
    const int64_t *off = offsets_of(arr);
    const int32_t *at = pos->values;
    uint8_t *valid = malloc((size_t)n + 1);
    picks p = {0};
    int rc = -1;
    if (!valid) {
        kernel_error(errbuf, errlen, "out of memory");
        goto done;
    }
    /* the new lengths first: the elements to gather, and Spark's errors */
    for (int64_t i = 0; i < n; i++) {
        valid[i] = (uint8_t)(tide_valid(arr, i) && tide_valid(pos, i));
        if (!valid[i]) continue;
        int64_t len = off[i + 1] - off[i], k = at[i];
        if (k == 0) {
            kernel_error(errbuf, errlen,
                         "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be "
                         "either < 0 or > 0 (the first element has index 1).");
            goto done;
        }
        /* -1 puts the item after the last element; past either end, nulls
           fill the gap */
        int64_t size = k > 0 ? (k > len ? k : len + 1) : (-k > len ? -k : len + 1);
        if (size > MAX_ARRAY_LENGTH) {
            kernel_error(errbuf, errlen,
                         "Unsuccessful try to concat arrays with %lld elements due to exceeding "
                         "the array size limit %lld.",
                         (long long)size, MAX_ARRAY_LENGTH);
            goto done;
        }
        total += size;
    }
    if (picks_init(&p, n, total) != 0) {
        kernel_error(errbuf, errlen, "out of memory");
        goto done;
    }
    for (int64_t i = 0; i < n; i++) {
        if (valid[i]) {
            int64_t len = off[i + 1] - off[i], k = at[i];
            if (k < 0 && -k > len) {
                /* the item first, then nulls, then the elements */
                pick(&p, 1, i);
                for (int64_t e = 0; e < -k - len - 1; e++)
                    pick(&p, -1, 0);
                for (int64_t e = off[i]; e < off[i + 1]; e++)
                    pick(&p, 0, e);
            } else {
                int64_t where = k > 0 ? k - 1 : len + k + 1;
                for (int64_t e = 0; e < where || e < len; e++) {
                    if (e == where) pick(&p, 1, i);
                    pick(&p, e < len ? 0 : -1, e < len ? off[i] + e : 0);
                }
                if (where >= len) pick(&p, 1, i);
            }
        }
        end_row(&p, i);
    }
    const tide_column *srcs[2] = {&arr->children[0], item};
    rc = finish_from(out, dst, &arr, 1, valid, &p, srcs, 2, errbuf, errlen);
done:
    free(valid);
    picks_free(&p);
    return rc;
}

int tide_eval_array_shuffle(tide_batch *out, const tide_column *arr, uint64_t seed, int32_t seeded,
                            int64_t first_row, tide_column *dst, char *errbuf, size_t errlen)
{
    if (check_arrays(&arr, 1, "shuffle", errbuf, errlen) != 0) return -1;
    int64_t n = arr->length;
    const int64_t *off = offsets_of(arr);
    picks p = {0};
    int rc = -1;
    if (picks_init(&p, n, n ? off[n] - off[0] : 0) != 0) {
        kernel_error(errbuf, errlen, "out of memory");
        goto done;
    }
    if (!seeded) seed = tide_random_seed();
    for (int64_t i = 0; i < n; i++) {
        /* a seeded row's order comes from its own number, however the
           rows before it were cut into batches */
        uint64_t state = tide_random_at(seed, (uint64_t)(first_row + i));
        int64_t len = off[i + 1] - off[i], *rows = p.rows + p.used;
        for (int64_t e = 0; e < len; e++)
            pick(&p, 0, off[i] + e);
        for (int64_t e = len - 1; e > 0; e--) {
            int64_t j = (int64_t)(tide_random_next(&state) % (uint64_t)(e + 1));
            int64_t t = rows[e];
            rows[e] = rows[j];
            rows[j] = t;
        }
        end_row(&p, i);
    }
    rc = finish(out, dst, &arr, 1, NULL, &p, errbuf, errlen);
done:
    picks_free(&p);
    return rc;
}
