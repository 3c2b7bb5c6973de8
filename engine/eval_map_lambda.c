/*
 * eval_map_lambda.c — the kernels of Spark's higher-order functions over
 * maps (transform_keys, transform_values, map_filter; contracts in
 * ffi/array.h). As for arrays (eval_array_lambda.c), the lambda runs once
 * over all the entries of a batch's maps, laid out as rows by
 * tide_array_element_batch (keys and values as two columns); these put
 * its results back into maps of the rows.
 */
#include "kernel.h"
#include "row_hash.h"

#include <stdlib.h>
#include <string.h>

/* dst: a map of m's rows (validity as m's) holding, per row, the entries
   at rows keep[new_off[i], new_off[i + 1]) of keys and values (keep NULL:
   their rows new_off[i] to new_off[i + 1] - 1). */
static int rebuild_map(tide_batch *out, const tide_column *m, const tide_column *keys,
                       const tide_column *values, const int64_t *keep, const int64_t *new_off,
                       tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = m->length;
    if (kernel_alloc(out, dst, "", TIDE_MAP, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, m, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    memcpy(dst->values, new_off, sizeof *new_off * (size_t)(n + 1));
    if (kernel_gather(out, &dst->children[0], "key", &keys, 1, NULL, keep, new_off[n], errbuf,
                      errlen) != 0 ||
        kernel_gather(out, &dst->children[1], "value", &values, 1, NULL, keep, new_off[n], errbuf,
                      errlen) != 0)
        return -1;
    kernel_finish(dst);
    return 0;
}

int tide_map_with_part(tide_batch *out, const tide_column *m, int32_t part,
                       const tide_column *replacement, tide_column *dst, char *errbuf,
                       size_t errlen)
{
    if (m->type != TIDE_MAP)
        return kernel_error(errbuf, errlen, "a map function needs a map column");
    /* the entries [first, last) of m's rows (a null row has none) */
    const int64_t *off = m->values;
    int64_t n = m->length, first = n ? off[0] : 0, last = n ? off[n] : 0;
    if (replacement->length != last - first)
        return kernel_error(errbuf, errlen, "%lld results for %lld entries",
                            (long long)replacement->length, (long long)(last - first));
    int64_t *new_off = malloc(sizeof *new_off * (size_t)(n + 1));
    int64_t *rows = malloc(sizeof *rows * (size_t)(last - first + 1));
    int rc = new_off && rows ? 0 : kernel_error(errbuf, errlen, "out of memory");
    for (int64_t i = 0; rc == 0 && i <= n; i++)
        new_off[i] = off[i] - first;
    for (int64_t e = 0; rc == 0 && e < last - first; e++)
        rows[e] = first + e;
    /* new keys: none null, none twice in a row's map (Spark's errors) */
    for (int64_t i = 0; rc == 0 && part == 0 && i < n; i++) {
        for (int64_t a = new_off[i]; rc == 0 && a < new_off[i + 1]; a++) {
            if (!tide_valid(replacement, a))
                rc = kernel_error(errbuf, errlen, "[NULL_MAP_KEY] Cannot use null as map key.");
            for (int64_t b = new_off[i]; rc == 0 && b < a; b++)
                if (tide_same_value(replacement, a, replacement, b))
                    rc = kernel_error(errbuf, errlen,
                                      "[DUPLICATED_MAP_KEY] Duplicate map key was "
                                      "found, please check the input data.");
        }
    }
    if (rc == 0) {
        /* the part kept is gathered from m's child; the new one is replacement's rows in order */
        int64_t *identity = rows;
        for (int64_t e = 0; e < last - first; e++)
            identity[e] = e;
        const tide_column *kept = &m->children[1 - part];
        if (kernel_alloc(out, dst, "", TIDE_MAP, 0, 0, n, 0) != 0 ||
            kernel_validity_and(out, dst, m, NULL) != 0) {
            rc = kernel_error(errbuf, errlen, "out of memory");
        } else {
            memcpy(dst->values, new_off, sizeof *new_off * (size_t)(n + 1));
            rc = kernel_gather(out, &dst->children[part], part ? "value" : "key", &replacement, 1,
                               NULL, identity, last - first, errbuf, errlen);
            for (int64_t e = 0; rc == 0 && e < last - first; e++)
                identity[e] = first + e;
            if (rc == 0)
                rc = kernel_gather(out, &dst->children[1 - part], part ? "key" : "value", &kept, 1,
                                   NULL, identity, last - first, errbuf, errlen);
            if (rc == 0) kernel_finish(dst);
        }
    }
    free(new_off);
    free(rows);
    return rc;
}

int tide_map_keep(tide_batch *out, const tide_column *m, const tide_column *keep, tide_column *dst,
                  char *errbuf, size_t errlen)
{
    if (m->type != TIDE_MAP) return kernel_error(errbuf, errlen, "map_filter needs a map column");
    const int64_t *off = m->values;
    int64_t n = m->length, first = n ? off[0] : 0, last = n ? off[n] : 0;
    if (keep->type != TIDE_BOOL || keep->length != last - first)
        return kernel_error(errbuf, errlen, "map_filter: the condition is not a boolean per entry");
    const uint8_t *k = keep->values;
    int64_t *kept = malloc(sizeof *kept * (size_t)(last - first + 1));
    int64_t *new_off = malloc(sizeof *new_off * (size_t)(n + 1));
    int rc = kept && new_off ? 0 : kernel_error(errbuf, errlen, "out of memory");
    int64_t used = 0;
    if (rc == 0) new_off[0] = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        for (int64_t e = off[i]; e < off[i + 1]; e++)
            if (tide_valid(keep, e - first) && k[e - first]) kept[used++] = e;
        new_off[i + 1] = used;
    }
    if (rc == 0)
        rc = rebuild_map(out, m, &m->children[0], &m->children[1], kept, new_off, dst, errbuf,
                         errlen);
    free(kept);
    free(new_off);
    return rc;
}
