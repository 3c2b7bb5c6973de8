/*
 * eval_map.c — Spark's map functions over map columns (contracts in
 * ffi/map.h): map_keys, map_values, map_entries, m[key] and element_at,
 * map_contains_key, create_map, map_from_arrays and map_from_entries. A
 * map's keys and values are columns of their own (tide_ffi.h), so these
 * pick entries per row and gather them once.
 */
#include "ffi/map.h"
#include "kernel.h"
#include "row_hash.h"

#include <stdlib.h>
#include <string.h>

static int check_map(const tide_column *m, const char *what, char *errbuf, size_t errlen)
{
    if (m->type != TIDE_MAP) return kernel_error(errbuf, errlen, "%s needs a map column", what);
    return 0;
}

/* dst: an array of the rows of m (validity as m's), row i holding the
   entries [off[i], off[i + 1]) of `from` (one of m's children, or for
   map_entries NULL: both, as structs). */
int tide_eval_map_part(tide_batch *out, const tide_column *m, int32_t part, tide_column *dst,
                       char *errbuf, size_t errlen)
{
    if (check_map(m,
                  part == 0   ? "map_keys"
                  : part == 1 ? "map_values"
                              : "map_entries",
                  errbuf, errlen) != 0)
        return -1;
    int64_t n = m->length;
    const int64_t *off = m->values;
    int64_t first = n ? off[0] : 0, total = n ? off[n] - first : 0;
    int64_t *rows = malloc(sizeof *rows * (size_t)(total ? total : 1));
    if (!rows || kernel_alloc(out, dst, "", TIDE_ARRAY, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, m, NULL) != 0) {
        free(rows);
        return kernel_error(errbuf, errlen, "out of memory");
    }
    int64_t *new_off = dst->values;
    for (int64_t i = 0; i <= n; i++)
        new_off[i] = off[i] - first;
    for (int64_t e = 0; e < total; e++)
        rows[e] = first + e;
    int rc = 0;
    tide_column *el = &dst->children[0];
    if (part < 2) {
        const tide_column *src = &m->children[part];
        rc = kernel_gather(out, el, "element", &src, 1, NULL, rows, total, errbuf, errlen);
    } else if (kernel_alloc(out, el, "element", TIDE_STRUCT, 0, 0, total, 0) != 0 ||
               !(el->children = tide_arena_calloc(out->arena, 2 * sizeof(tide_column)))) {
        rc = kernel_error(errbuf, errlen, "out of memory");
    } else {
        el->num_children = 2;
        const tide_column *k = &m->children[0], *v = &m->children[1];
        rc = kernel_gather(out, &el->children[0], "key", &k, 1, NULL, rows, total, errbuf, errlen);
        if (rc == 0)
            rc = kernel_gather(out, &el->children[1], "value", &v, 1, NULL, rows, total, errbuf,
                               errlen);
    }
    free(rows);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

/* The entry of row i of m whose key equals row i of key, or -1. */
static int64_t find_key(const tide_column *m, const tide_column *key, int64_t i)
{
    const int64_t *off = m->values;
    const tide_column *keys = &m->children[0];
    for (int64_t e = off[i]; e < off[i + 1]; e++)
        if (tide_valid(keys, e) && tide_same_value(keys, e, key, i)) return e;
    return -1;
}

int tide_eval_map_lookup(tide_batch *out, const tide_column *m, const tide_column *key,
                         tide_column *dst, char *errbuf, size_t errlen)
{
    if (check_map(m, "element_at", errbuf, errlen) != 0) return -1;
    if (key->type != m->children[0].type)
        return kernel_error(errbuf, errlen, "a map lookup's key is not of the map's key type");
    int64_t n = m->length;
    int32_t *which = malloc(sizeof *which * (size_t)(n ? n : 1));
    int64_t *rows = malloc(sizeof *rows * (size_t)(n ? n : 1));
    int rc = which && rows ? 0 : kernel_error(errbuf, errlen, "out of memory");
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        int64_t e = tide_valid(m, i) && tide_valid(key, i) ? find_key(m, key, i) : -1;
        which[i] = e < 0 ? -1 : 0;
        rows[i] = e < 0 ? 0 : e;
    }
    const tide_column *values = &m->children[1];
    if (rc == 0) rc = kernel_gather(out, dst, "", &values, 1, which, rows, n, errbuf, errlen);
    free(which);
    free(rows);
    return rc;
}

int tide_eval_map_contains_key(tide_batch *out, const tide_column *m, const tide_column *key,
                               tide_column *dst, char *errbuf, size_t errlen)
{
    if (check_map(m, "map_contains_key", errbuf, errlen) != 0) return -1;
    if (key->type != m->children[0].type)
        return kernel_error(errbuf, errlen,
                            "map_contains_key: the key is not of the map's key type");
    int64_t n = m->length;
    if (kernel_alloc(out, dst, "", TIDE_BOOL, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, m, key) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    uint8_t *r = dst->values;
    for (int64_t i = 0; i < n; i++)
        r[i] = (uint8_t)(tide_valid(dst, i) && find_key(m, key, i) >= 0);
    kernel_finish(dst);
    return 0;
}

/* A map's keys, per row: none null, none twice (Spark's default
   spark.sql.mapKeyDedupPolicy, EXCEPTION). */
static int check_keys(const tide_column *keys, const int64_t *key_rows, int64_t from, int64_t to,
                      char *errbuf, size_t errlen)
{
    for (int64_t a = from; a < to; a++) {
        if (!tide_valid(keys, key_rows[a]))
            return kernel_error(errbuf, errlen, "[NULL_MAP_KEY] Cannot use null as map key.");
        for (int64_t b = from; b < a; b++)
            if (tide_same_value(keys, key_rows[a], keys, key_rows[b]))
                return kernel_error(
                    errbuf, errlen,
                    "[DUPLICATED_MAP_KEY] Duplicate map key was found, please check "
                    "the input data.");
    }
    return 0;
}

/* dst: a map of n rows (null where valid[i] is 0), row i the entries
   [bounds[i], bounds[i + 1]) of keys and values at key_rows/value_rows. */
static int build_map(tide_batch *out, tide_column *dst, int64_t n, const uint8_t *valid,
                     const int64_t *bounds, const tide_column *keys, const int64_t *key_rows,
                     const tide_column *values, const int64_t *value_rows, char *errbuf,
                     size_t errlen)
{
    if (kernel_alloc(out, dst, "", TIDE_MAP, 0, 0, n, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    for (int64_t i = 0; valid && i < n; i++)
        if (!valid[i] && kernel_validity(out, dst) == 0) tide_mark_null(dst, i);
    memcpy(dst->values, bounds, sizeof *bounds * (size_t)(n + 1));
    for (int64_t i = 0; i < n; i++)
        if (check_keys(keys, key_rows, bounds[i], bounds[i + 1], errbuf, errlen) != 0) return -1;
    if (kernel_gather(out, &dst->children[0], "key", &keys, 1, NULL, key_rows, bounds[n], errbuf,
                      errlen) != 0 ||
        kernel_gather(out, &dst->children[1], "value", &values, 1, NULL, value_rows, bounds[n],
                      errbuf, errlen) != 0)
        return -1;
    kernel_finish(dst);
    return 0;
}

int tide_eval_map_from_arrays(tide_batch *out, const tide_column *keys, const tide_column *values,
                              tide_column *dst, char *errbuf, size_t errlen)
{
    if (keys->type != TIDE_ARRAY || values->type != TIDE_ARRAY || keys->length != values->length)
        return kernel_error(errbuf, errlen, "map_from_arrays needs two array columns");
    int64_t n = keys->length;
    const int64_t *ok = keys->values, *ov = values->values;
    int64_t total = n ? ok[n] - ok[0] : 0;
    uint8_t *valid = malloc((size_t)n + 1);
    int64_t *bounds = malloc(sizeof *bounds * (size_t)(n + 1));
    int64_t *krows = malloc(sizeof *krows * (size_t)(total ? total : 1));
    int64_t *vrows = malloc(sizeof *vrows * (size_t)(total ? total : 1));
    int rc = valid && bounds && krows && vrows ? 0 : kernel_error(errbuf, errlen, "out of memory");
    int64_t used = 0;
    if (rc == 0) bounds[0] = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        valid[i] = (uint8_t)(tide_valid(keys, i) && tide_valid(values, i));
        int64_t len = ok[i + 1] - ok[i];
        if (valid[i] && len != ov[i + 1] - ov[i]) {
            rc = kernel_error(errbuf, errlen,
                              "The key array and value array of MapData must have "
                              "the same length.");
            break;
        }
        for (int64_t e = 0; valid[i] && e < len; e++, used++)
            krows[used] = ok[i] + e, vrows[used] = ov[i] + e;
        bounds[i + 1] = used;
    }
    if (rc == 0)
        rc = build_map(out, dst, n, valid, bounds, &keys->children[0], krows, &values->children[0],
                       vrows, errbuf, errlen);
    free(valid);
    free(bounds);
    free(krows);
    free(vrows);
    return rc;
}

int tide_eval_map_from_entries(tide_batch *out, const tide_column *entries, tide_column *dst,
                               char *errbuf, size_t errlen)
{
    if (entries->type != TIDE_ARRAY || entries->children[0].type != TIDE_STRUCT ||
        entries->children[0].num_children != 2)
        return kernel_error(errbuf, errlen, "map_from_entries needs an array of two-field structs");
    const tide_column *st = &entries->children[0];
    int64_t n = entries->length;
    const int64_t *off = entries->values;
    int64_t total = n ? off[n] - off[0] : 0;
    uint8_t *valid = malloc((size_t)n + 1);
    int64_t *bounds = malloc(sizeof *bounds * (size_t)(n + 1));
    int64_t *rows = malloc(sizeof *rows * (size_t)(total ? total : 1));
    int rc = valid && bounds && rows ? 0 : kernel_error(errbuf, errlen, "out of memory");
    int64_t used = 0;
    if (rc == 0) bounds[0] = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        valid[i] = (uint8_t)tide_valid(entries, i);
        /* a null entry makes the map null, as Spark's */
        for (int64_t e = off[i]; valid[i] && e < off[i + 1]; e++)
            valid[i] &= (uint8_t)tide_valid(st, e);
        for (int64_t e = off[i]; valid[i] && e < off[i + 1]; e++)
            rows[used++] = e;
        bounds[i + 1] = used;
    }
    if (rc == 0)
        rc = build_map(out, dst, n, valid, bounds, &st->children[0], rows, &st->children[1], rows,
                       errbuf, errlen);
    free(valid);
    free(bounds);
    free(rows);
    return rc;
}

int tide_eval_create_map(tide_batch *out, const tide_column *const *keys,
                         const tide_column *const *values, int32_t k, tide_column *dst,
                         char *errbuf, size_t errlen)
{
    if (k < 1) return kernel_error(errbuf, errlen, "create_map needs a key and a value");
    int64_t n = keys[0]->length, total = n * k;
    int32_t *which = malloc(sizeof *which * (size_t)(total ? total : 1));
    int64_t *rows = malloc(sizeof *rows * (size_t)(total ? total : 1));
    int rc = which && rows ? 0 : kernel_error(errbuf, errlen, "out of memory");
    if (rc == 0 && kernel_alloc(out, dst, "", TIDE_MAP, 0, 0, n, 0) != 0)
        rc = kernel_error(errbuf, errlen, "out of memory");
    for (int64_t i = 0; rc == 0 && i <= n; i++)
        ((int64_t *)dst->values)[i] = i * k;
    for (int64_t e = 0; rc == 0 && e < total; e++)
        which[e] = (int32_t)(e % k), rows[e] = e / k;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        for (int32_t a = 0; rc == 0 && a < k; a++) {
            if (!tide_valid(keys[a], i))
                rc = kernel_error(errbuf, errlen, "[NULL_MAP_KEY] Cannot use null as map key.");
            for (int32_t b = 0; rc == 0 && b < a; b++)
                if (tide_same_value(keys[a], i, keys[b], i))
                    rc = kernel_error(errbuf, errlen,
                                      "[DUPLICATED_MAP_KEY] Duplicate map key was found, please "
                                      "check the input data.");
        }
    }
    if (rc == 0)
        rc = kernel_gather(out, &dst->children[0], "key", keys, k, which, rows, total, errbuf,
                           errlen);
    if (rc == 0)
        rc = kernel_gather(out, &dst->children[1], "value", values, k, which, rows, total, errbuf,
                           errlen);
    if (rc == 0) kernel_finish(dst);
    free(which);
    free(rows);
    return rc;
}
