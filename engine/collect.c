/*
 * collect.c — collect_list and collect_set (contract in collect.h). The
 * rows each list keeps are found first (their indices, in order), then
 * their values are one kernel_gather as the element column, whatever
 * its type. A set keeps a value's first row (and every NaN: nan_at): a
 * hash table of the rows kept, whose slots are stamped with their list so
 * that no list has to clear the table for the next (a slot of another
 * list is free).
 */
#include "collect.h"
#include "kernel.h"
#include "row_hash.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int tide_collect_comparable(const tide_column *c)
{
    if (c->type == TIDE_VECTOR) return 0;
    for (int32_t i = 0; i < c->num_children; i++)
        if (!tide_collect_comparable(&c->children[i])) return 0;
    return 1;
}

/* Whether row r of c is a float or double NaN. Spark's collect_set keeps
   its values in a Scala HashSet, whose == tells -0.0 and 0.0 alike but
   no NaN equal to another: each NaN is kept. */
static int nan_at(const tide_column *c, int64_t r)
{
    if (c->type == TIDE_FLOAT32) return isnan(((const float *)c->values)[r]);
    if (c->type == TIDE_FLOAT64) return isnan(((const double *)c->values)[r]);
    return 0;
}

int tide_collect(tide_batch *out, tide_column *dst, const char *name, int distinct,
                 const tide_column *in, const int64_t *order, int64_t num_lists, const int64_t *lo,
                 const int64_t *hi, char *errbuf, size_t errlen)
{
    if (distinct && !tide_collect_comparable(in))
        return kernel_error(errbuf, errlen,
                            "%s: column %s holds vectors, which collect_set cannot compare", name,
                            in->name);
    if (kernel_alloc(out, dst, name, TIDE_ARRAY, 0, 0, num_lists, 0) != 0)
        return kernel_error(errbuf, errlen, "%s: out of memory", name);
    int64_t *offsets = dst->values;
    int64_t longest = 0, candidates = 0;
    for (int64_t k = 0; k < num_lists; k++) {
        int64_t len = hi[k] > lo[k] ? hi[k] - lo[k] : 0;
        if (len > longest) longest = len;
        candidates += len;
    }
    size_t slots = 16;
    while (distinct && slots < (size_t)longest * 2)
        slots *= 2;
    size_t mask = slots - 1;
    int64_t *slot_row = NULL, *slot_list = NULL;
    uint64_t *hashes = NULL;
    /* Room for every candidate, up to a row each (windows' frames
       overlap: their lists may hold more, and grow). */
    int64_t cap = candidates < in->length ? candidates : in->length;
    if (cap < 16) cap = 16;
    int64_t *rows = malloc((size_t)cap * sizeof *rows), used = 0;
    int rc = -1;
    if (distinct) {
        slot_row = malloc(slots * sizeof *slot_row);
        slot_list = malloc(slots * sizeof *slot_list);
        hashes = malloc(((size_t)in->length + 1) * sizeof *hashes);
    }
    if (!rows || (distinct && (!slot_row || !slot_list || !hashes))) goto oom;
    if (distinct) {
        memset(slot_list, 0xff, slots * sizeof *slot_list);
        for (int64_t r = 0; r < in->length; r++)
            hashes[r] = tide_hash_value(in, r);
    }
    for (int64_t k = 0; k < num_lists; k++) {
        offsets[k] = used;
        for (int64_t p = lo[k]; p < hi[k]; p++) {
            int64_t r = order ? order[p] : p;
            if (!tide_valid(in, r)) continue;
            if (distinct && !nan_at(in, r)) {
                size_t s = (size_t)hashes[r] & mask;
                int seen = 0;
                while (slot_list[s] == k && !seen) {
                    int64_t o = slot_row[s];
                    seen = hashes[o] == hashes[r] && tide_same_inner(in, o, in, r);
                    s = (s + 1) & mask;
                }
                if (seen) continue;
                slot_list[s] = k;
                slot_row[s] = r;
            }
            if (used == cap) {
                int64_t *grown = realloc(rows, (size_t)cap * 2 * sizeof *rows);
                if (!grown) goto oom;
                rows = grown;
                cap *= 2;
            }
            rows[used++] = r;
        }
    }
    offsets[num_lists] = used;
    rc = kernel_gather(out, &dst->children[0], "element", &in, 1, NULL, rows, used, errbuf, errlen);
    goto done;
oom:
    kernel_error(errbuf, errlen, "%s: out of memory collecting %lld lists", name,
                 (long long)num_lists);
done:
    free(rows);
    free(slot_row);
    free(slot_list);
    free(hashes);
    return rc;
}
