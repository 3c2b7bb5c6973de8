/*
 * input_file.c — input_file_name(), input_file_block_start() and
 * input_file_block_length() over a file source's batch: the source knows
 * the runs of rows each file gave (tide.input_files), so a column is
 * filled a run at a time, and the runs are kept through a filter by
 * counting the rows it keeps of each.
 */
#include "ffi/input_file.h"
#include "kernel.h"

#include <stdint.h>
#include <string.h>

int tide_input_file_names(tide_batch *out, const char *const *values, const int64_t *counts,
                          int32_t num_runs, tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t rows = 0, bytes = 0;
    for (int32_t i = 0; i < num_runs; i++) {
        rows += counts[i];
        bytes += counts[i] * (int64_t)strlen(values[i]);
    }
    if (bytes > INT32_MAX)
        return kernel_error(errbuf, errlen, "input_file_name: more than 2 GiB of file names");
    if (kernel_alloc(out, dst, "input_file_name()", TIDE_STRING, 0, 0, rows, bytes) != 0)
        return kernel_error(errbuf, errlen, "input_file_name: out of memory for %lld rows",
                            (long long)rows);
    int32_t *offsets = dst->values;
    int64_t row = 0, used = 0;
    for (int32_t i = 0; i < num_runs; i++) {
        size_t len = strlen(values[i]);
        for (int64_t k = 0; k < counts[i]; k++, row++) {
            if (len) memcpy(dst->data + used, values[i], len);
            used += (int64_t)len;
            offsets[row + 1] = (int32_t)used;
        }
    }
    kernel_finish(dst);
    return 0;
}

int tide_input_file_longs(tide_batch *out, const int64_t *values, const int64_t *counts,
                          int32_t num_runs, tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t rows = 0;
    for (int32_t i = 0; i < num_runs; i++)
        rows += counts[i];
    if (kernel_alloc(out, dst, "input_file_block_length()", TIDE_INT64, 0, 0, rows, 0) != 0)
        return kernel_error(errbuf, errlen, "input_file_block: out of memory for %lld rows",
                            (long long)rows);
    int64_t *v = dst->values, row = 0;
    for (int32_t i = 0; i < num_runs; i++)
        for (int64_t k = 0; k < counts[i]; k++)
            v[row++] = values[i];
    kernel_finish(dst);
    return 0;
}

int64_t tide_mask_kept(const tide_column *mask, int64_t first, int64_t n)
{
    const uint8_t *keep = mask->values;
    int64_t kept = 0;
    for (int64_t i = first; i < first + n; i++)
        kept += keep[i] && tide_valid(mask, i);
    return kept;
}
