/*
 * fuzz_from_json.c — from_json against a schema of every type, then to_json
 * of the result. The first byte picks the parse mode and
 * allowNonNumericNumbers; the rest is split at '\n' into rows. Any input
 * must give rows (or, in FAILFAST, an error naming a row) and never a
 * crash, a sanitizer report or a malformed count beyond the row count.
 */
#include "tide_ffi.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const tide_json_field FIELDS[] = {
    {"data", TIDE_STRUCT, 0, 0, 12},
    {"id", TIDE_DECIMAL, 38, 0, 0},
    {"click", TIDE_INT32, 0, 0, 0},
    {"hour", TIDE_INT64, 0, 0, 0},
    {"p", TIDE_FLOAT64, 0, 0, 0},
    {"f", TIDE_FLOAT32, 0, 0, 0},
    {"site", TIDE_STRING, 0, 0, 0},
    {"ok", TIDE_BOOL, 0, 0, 0},
    {"ts", TIDE_TIMESTAMP, 0, 0, 0},
    {"price", TIDE_DECIMAL, 10, 2, 0},
    {"raw", TIDE_BINARY, 0, 0, 0},
    {"inner", TIDE_STRUCT, 0, 0, 2},
    {"a", TIDE_INT32, 0, 0, 0},
    {"b", TIDE_STRING, 0, 0, 0},
    {"_corrupt_record", TIDE_STRING, 0, 0, 0},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    int mode = data[0] % 3, allow_non_numeric = (data[0] >> 2) & 1;
    int corrupt = (data[0] >> 3) & 1 ? 11 : -1;
    data++;
    size--;

    tide_batch *in = tide_batch_new(1);
    tide_column *col = &in->columns[0];
    tide_column_init(in, col, "value", TIDE_STRING, 0);
    int64_t rows = 0;
    size_t start = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i == size || data[i] == '\n') {
            tide_column_append_bytes(in, col, data + start, (int32_t)(i - start));
            rows++;
            start = i + 1;
        }
    }
    tide_batch_finish(in);

    tide_batch *out = tide_batch_derive(in, 2);
    uint8_t *status = malloc((size_t)rows);
    int64_t failed_row = -1;
    char err[512];
    tide_json_options o = {mode, corrupt, allow_non_numeric, 1, NULL, NULL, 1, 0};
    int64_t malformed = tide_from_json(out, col, FIELDS, (int32_t)(sizeof FIELDS / sizeof FIELDS[0]),
                                       &o, &out->columns[0], status, &failed_row, err, sizeof err);
    if (malformed > rows) abort();
    if (malformed < 0 && mode != TIDE_JSON_FAILFAST) abort();
    if (malformed < 0 && (failed_row < 0 || failed_row >= rows)) abort();
    if (malformed >= 0 &&
        tide_to_json(out, &out->columns[0], (int32_t)(rows & 1), &out->columns[1], err, sizeof err) != 0)
        abort();
    free(status);
    tide_batch_free(out);
    tide_batch_free(in);
    return 0;
}
