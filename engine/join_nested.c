/*
 * join_nested.c — the rows a nested-loop join adds at its end (contracts
 * in ffi/join_nested.h). tide.join_nested_loop matches a join's probe rows
 * chunk by chunk, with join.c's pairs, so that a condition with no
 * equality to hash on is evaluated over a bounded number of pairs at a
 * time; a full outer join's build rows that no chunk matched are known
 * only after the last one, from the marks the chunks left, and come last
 * with nulls for the probe side, as join.c puts them.
 */
#include "ffi/join_nested.h"
#include "kernel.h"

#include <stdlib.h>

tide_batch *tide_join_unmatched(const uint8_t *marks, int64_t num_build,
                                const tide_column *const *probe_cols,
                                const tide_column *const *build_cols, const char *const *names,
                                int32_t num_out, char *errbuf, size_t errlen)
{
    if (num_build < 0 || num_out < 0) {
        kernel_error(errbuf, errlen, "join: %lld build rows, %d columns", (long long)num_build,
                     num_out);
        return NULL;
    }
    for (int32_t j = 0; j < num_out; j++) {
        if (build_cols[j] ? build_cols[j]->length < num_build : !probe_cols[j]) {
            kernel_error(errbuf, errlen, "join: output column %s has no rows of the build side",
                         names[j]);
            return NULL;
        }
    }
    int64_t n = 0;
    for (int64_t b = 0; b < num_build; b++)
        n += !marks[b];
    int64_t *rows = malloc(sizeof *rows * ((size_t)n + 1));
    int32_t *none = malloc(sizeof *none * ((size_t)n + 1));
    tide_batch *out = tide_batch_new(num_out);
    if (!rows || !none || !out) {
        kernel_error(errbuf, errlen, "out of memory joining %lld rows", (long long)n);
        goto fail;
    }
    int64_t i = 0;
    for (int64_t b = 0; b < num_build; b++) {
        if (!marks[b]) rows[i++] = b;
    }
    for (i = 0; i < n; i++)
        none[i] = -1;
    out->num_rows = n;
    for (int32_t j = 0; j < num_out; j++) {
        const tide_column *src = build_cols[j] ? build_cols[j] : probe_cols[j];
        if (kernel_gather(out, &out->columns[j], names[j], &src, 1, build_cols[j] ? NULL : none,
                          rows, n, errbuf, errlen) != 0)
            goto fail;
    }
    free(rows);
    free(none);
    return out;
fail:
    free(rows);
    free(none);
    if (out) tide_batch_free(out);
    return NULL;
}
