/*
 * file_sink.c — what the json and csv file sinks need in C: CSV lines from
 * string columns (quoting by libcsv) and writing a column of lines to a
 * file in one atomic step, so a replayed epoch rewrites its own file.
 */
#include "batch.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int needs_quotes(const char *s, int32_t len, char sep, char quote)
{
    if (len == 0) return 0;
    if (s[0] == ' ' || s[len - 1] == ' ') return 1;
    for (int32_t i = 0; i < len; i++)
        if (s[i] == sep || s[i] == quote || s[i] == '\n' || s[i] == '\r') return 1;
    return 0;
}

int tide_csv_join(tide_batch *out, const tide_batch *in, char sep, char quote,
                  const char *null_value, tide_column *dst, char *errbuf, size_t errlen)
{
    for (int32_t c = 0; c < in->num_columns; c++) {
        if (in->columns[c].type != TIDE_STRING) {
            snprintf(errbuf, errlen, "csv: column %s must be cast to string first",
                     in->columns[c].name);
            return -1;
        }
    }
    if (tide_column_init(out, dst, "value", TIDE_STRING, in->num_rows) != 0) goto oom;
    size_t null_len = strlen(null_value);
    size_t cap = 256;
    char *line = malloc(cap); /* scratch for one line; the column owns the result */
    if (!line) goto oom;
    for (int64_t r = 0; r < in->num_rows; r++) {
        size_t used = 0;
        for (int32_t c = 0; c < in->num_columns; c++) {
            const tide_column *col = &in->columns[c];
            int32_t len = 0;
            const char *s = NULL;
            if (tide_column_is_valid(col, r)) s = tide_column_bytes(col, r, &len);
            /* Worst case: every byte doubled, two quotes and a separator. */
            size_t need = used + (s ? (size_t)len * 2 + 3 : null_len + 1);
            if (need > cap) {
                while (cap < need) cap *= 2;
                char *grown = realloc(line, cap);
                if (!grown) {
                    free(line);
                    goto oom;
                }
                line = grown;
            }
            if (c > 0) line[used++] = sep;
            if (!s) {
                memcpy(line + used, null_value, null_len);
                used += null_len;
            } else if (needs_quotes(s, len, sep, quote)) {
                used += csv_write2(line + used, cap - used, s, (size_t)len, (unsigned char)quote);
            } else {
                memcpy(line + used, s, (size_t)len);
                used += (size_t)len;
            }
        }
        if (tide_column_append_bytes(out, dst, line, (int64_t)used) != 0) {
            free(line);
            goto oom;
        }
    }
    free(line);
    return 0;
oom:
    snprintf(errbuf, errlen, "csv: out of memory");
    return -1;
}

int tide_write_lines(const char *path, const char *header, const tide_column *lines,
                     char *errbuf, size_t errlen)
{
    const int32_t *offsets = lines->values;
    size_t header_len = header ? strlen(header) + 1 : 0;
    size_t total = header_len + (size_t)offsets[lines->length] + (size_t)lines->length;
    char *buf = malloc(total ? total : 1);
    if (!buf) {
        snprintf(errbuf, errlen, "cannot write %s: out of memory", path);
        return -1;
    }
    size_t used = 0;
    if (header) {
        memcpy(buf, header, header_len - 1);
        buf[header_len - 1] = '\n';
        used = header_len;
    }
    for (int64_t r = 0; r < lines->length; r++) {
        int32_t len;
        const char *s = tide_column_bytes(lines, r, &len);
        memcpy(buf + used, s, (size_t)len);
        used += (size_t)len;
        buf[used++] = '\n';
    }
    int rc = tide_fs_write_atomic(path, buf, used, 1, errbuf, errlen);
    free(buf);
    return rc;
}
