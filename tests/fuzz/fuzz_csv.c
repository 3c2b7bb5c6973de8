/*
 * fuzz_csv.c — the CSV reader (csv_reader.c through its FFI API) on
 * arbitrary files, in every mode. The first two bytes pick the options:
 * mode (PERMISSIVE, DROPMALFORMED, FAILFAST), header, separator, quote,
 * escape, the corrupt-record column, the null value, the comment
 * character, whether blanks around values are dropped, the empty and NaN
 * values and how many rows each read asks for; the rest is the file
 * (plain, or gzip when it starts with gzip's magic). Any file is read to its end or fails with an error naming
 * it (FAILFAST: its line), and the counts agree: every record is a row
 * unless DROPMALFORMED dropped it, and FAILFAST never lets a malformed
 * record through.
 */
#include "tide_ffi.h"
#include "ffi/csv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const tide_csv_field FIELDS[] = {
    {"id", TIDE_DECIMAL, 38, 0},   {"click", TIDE_INT32, 0, 0},  {"hour", TIDE_INT64, 0, 0},
    {"p", TIDE_FLOAT64, 0, 0},     {"f", TIDE_FLOAT32, 0, 0},    {"site", TIDE_STRING, 0, 0},
    {"ok", TIDE_BOOL, 0, 0},       {"ts", TIDE_TIMESTAMP, 0, 0}, {"price", TIDE_DECIMAL, 10, 2},
    {"_corrupt_record", TIDE_STRING, 0, 0},
};
static const int32_t NUM_FIELDS = (int32_t)(sizeof FIELDS / sizeof FIELDS[0]);

static char path[64];

static void remove_file(void) { unlink(path); }

static void fail(const char *what, const char *err)
{
    fprintf(stderr, "fuzz_csv: %s (%s)\n", what, err);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/tide-fuzz-csv-%ld.csv", (long)getpid());
        atexit(remove_file);
    }
    static const char SEPS[] = {',', ';', '\t', '|'};
    static const char QUOTES[] = {'"', '\'', 0, '"'};
    static const int64_t CHUNKS[] = {1, 3, 1000, 65536};
    uint8_t a = data[0], b = data[1];
    tide_csv_options o = {
        .sep = SEPS[a & 3],
        .quote = QUOTES[(a >> 2) & 3],
        .escape = (a >> 4) & 1 ? '"' : '\\',
        .header = (a >> 5) & 1,
        .mode = (b & 3) % 3,
        .corrupt_field = (b >> 2) & 1 ? NUM_FIELDS - 1 : -1,
        .null_value = (b >> 3) & 1 ? "NA" : "",
        .ignore_leading = (a >> 6) & 1,
        .ignore_trailing = (a >> 7) & 1,
        .comment = (b >> 6) & 1 ? '#' : 0,
        .empty_value = (b >> 7) & 1 ? "E" : NULL,
        .nan_value = (b >> 7) & 1 ? "nan" : NULL,
    };
    int64_t chunk = CHUNKS[(b >> 4) & 3];
    /* Without a corrupt-record column the schema ends before it. */
    int32_t num_fields = o.corrupt_field >= 0 ? NUM_FIELDS : NUM_FIELDS - 1;

    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data + 2, 1, size - 2, f) != size - 2 || fclose(f) != 0) fail("cannot write", path);

    char err[512] = "";
    tide_csv_reader *r = tide_csv_open(path, &o, err, sizeof err);
    if (!r) {
        /* Only a gzip header that does not open may fail here. */
        if (!strstr(err, path)) fail("open error does not name the file", err);
        return 0;
    }
    tide_batch *batch = tide_csv_batch_new(FIELDS, num_fields, 16);
    if (!batch) fail("batch", "out of memory");
    int64_t rows = 0, total = 0, failed = 0;
    for (;;) {
        err[0] = '\0';
        int64_t got = tide_csv_read(r, batch, chunk, err, sizeof err);
        if (got < 0) {
            if (!strstr(err, path)) fail("read error does not name the file", err);
            /* PERMISSIVE and DROPMALFORMED read any text; only a broken
               gzip stream ("cannot read <file>: <zlib's words>") fails. */
            if (o.mode != TIDE_CSV_FAILFAST && strncmp(err, "cannot read ", 12) != 0)
                fail("only FAILFAST or a broken gzip stream may fail", err);
            failed = 1;
            break;
        }
        if (got == 0) break;
        rows += got;
        total += got;
        if (batch->num_rows != rows) fail("row count", "the batch disagrees with the reads");
        if (batch->num_rows > 4096) {
            /* Keep memory flat: a fresh batch, rows counted on. */
            tide_batch_free(batch);
            batch = tide_csv_batch_new(FIELDS, num_fields, 16);
            if (!batch) fail("batch", "out of memory");
            rows = 0;
            continue;
        }
    }
    int64_t records = tide_csv_records(r), malformed = tide_csv_malformed(r), dropped = tide_csv_dropped(r);
    if (malformed < 0 || dropped < 0 || dropped > malformed || malformed > records)
        fail("counters", "malformed or dropped beyond the records");
    if (o.mode != TIDE_CSV_DROPMALFORMED && dropped != 0) fail("counters", "dropped outside DROPMALFORMED");
    if (!failed && total != records - dropped) fail("counters", "rows are not the records kept");
    if (!failed && o.mode == TIDE_CSV_FAILFAST && malformed != 0) fail("counters", "FAILFAST let a malformed record through");
    for (int32_t c = 0; c < batch->num_columns; c++)
        if (batch->columns[c].length != batch->num_rows) fail("columns", "a column's length differs");
    tide_batch_free(batch);
    tide_csv_close(r);
    return 0;
}
