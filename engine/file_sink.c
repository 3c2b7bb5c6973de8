/*
 * file_sink.c — what the json and csv file sinks need in C: writing a
 * column of lines to a file in one atomic step, so a replayed epoch
 * rewrites its own file (the lines are to_json's and to_csv's).
 */
#include "batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
