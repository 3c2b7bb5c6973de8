/*
 * text_sink.c — the text file sink's writing: a string column's rows,
 * each followed by the line separator (Spark's lineSep, "\n" by default),
 * to a file in one atomic step, so a replayed epoch rewrites its own file.
 */
#include "batch.h"
#include "ffi/text_sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tide_write_text(const char *path, const tide_column *lines, const char *line_sep,
                    size_t sep_len, char *errbuf, size_t errlen)
{
    if (lines->type != TIDE_STRING) {
        snprintf(errbuf, errlen, "cannot write %s: the lines must be a string column", path);
        return -1;
    }
    size_t total = 0;
    for (int64_t r = 0; r < lines->length; r++) {
        int32_t len = 0;
        if (tide_column_is_valid(lines, r)) tide_column_bytes(lines, r, &len);
        total += (size_t)len + sep_len;
    }
    char *buf = malloc(total ? total : 1);
    if (!buf) {
        snprintf(errbuf, errlen, "cannot write %s: out of memory", path);
        return -1;
    }
    size_t used = 0;
    for (int64_t r = 0; r < lines->length; r++) {
        if (tide_column_is_valid(lines, r)) {
            int32_t len = 0;
            const char *s = tide_column_bytes(lines, r, &len);
            if (len) memcpy(buf + used, s, (size_t)len);
            used += (size_t)len;
        }
        if (sep_len) memcpy(buf + used, line_sep, sep_len);
        used += sep_len;
    }
    int rc = tide_fs_write_atomic(path, buf, used, 1, errbuf, errlen);
    free(buf);
    return rc;
}
