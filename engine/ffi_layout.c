/*
 * ffi_layout.c — the C compiler's sizes and offsets of the structs in
 * tide_ffi.h (and the arrays of structs Lua hands to C), so a test can check that Lua's ffi.cdef
 * parses them alike.
 */
#include "tide_ffi.h"
#include "ffi/ml.h"

#include <string.h>

#define PROBE_SIZE(T)                                                                              \
    { #T, sizeof(T) }
#define PROBE_FIELD(T, F)                                                                          \
    { #T "." #F, offsetof(T, F) }

static const struct {
    const char *name;
    size_t value;
} probes[] = {
    PROBE_SIZE(tide_column),
    PROBE_FIELD(tide_column, name),
    PROBE_FIELD(tide_column, type),
    PROBE_FIELD(tide_column, precision),
    PROBE_FIELD(tide_column, scale),
    PROBE_FIELD(tide_column, length),
    PROBE_FIELD(tide_column, null_count),
    PROBE_FIELD(tide_column, validity),
    PROBE_FIELD(tide_column, values),
    PROBE_FIELD(tide_column, data),
    PROBE_FIELD(tide_column, capacity),
    PROBE_FIELD(tide_column, data_capacity),
    PROBE_FIELD(tide_column, num_children),
    PROBE_FIELD(tide_column, vector_size),
    PROBE_FIELD(tide_column, children),
    PROBE_SIZE(tide_batch),
    PROBE_FIELD(tide_batch, arena),
    PROBE_FIELD(tide_batch, num_rows),
    PROBE_FIELD(tide_batch, num_columns),
    PROBE_FIELD(tide_batch, columns),
    PROBE_FIELD(tide_batch, parent),
    PROBE_FIELD(tide_batch, refs),
    PROBE_SIZE(tide_ml_linear_term),
    PROBE_FIELD(tide_ml_linear_term, column),
    PROBE_FIELD(tide_ml_linear_term, kind),
    PROBE_FIELD(tide_ml_linear_term, position),
    PROBE_FIELD(tide_ml_linear_term, invalid),
    PROBE_FIELD(tide_ml_linear_term, scaled),
    PROBE_FIELD(tide_ml_linear_term, dense),
    PROBE_FIELD(tide_ml_linear_term, shift),
    PROBE_FIELD(tide_ml_linear_term, mult),
    PROBE_FIELD(tide_ml_linear_term, add),
    PROBE_FIELD(tide_ml_linear_term, dict),
    PROBE_FIELD(tide_ml_linear_term, unseen),
    PROBE_FIELD(tide_ml_linear_term, categories),
    PROBE_FIELD(tide_ml_linear_term, ohe_invalid),
    PROBE_FIELD(tide_ml_linear_term, block_size),
};

int64_t tide_layout_probe(const char *what)
{
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
        if (strcmp(probes[i].name, what) == 0) return (int64_t)probes[i].value;
    return -1;
}
