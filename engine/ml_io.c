/*
 * ml_io.c — the byte-level parts of tide.ml's model directories: the
 * StringIndexer label file, the checksums that catch a truncated or
 * corrupt data file, doubles read back safely, and replacing a model
 * directory (overwrite).
 */
#define _XOPEN_SOURCE 700
#include "ffi/ml.h"

#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t tide_ml_dict_encode(const tide_ml_dict *d, uint8_t *buf, int64_t cap)
{
    int32_t n = tide_ml_dict_size(d);
    int64_t size = 0;
    for (int32_t i = 0; i < n; i++) {
        int32_t len;
        const char *s = tide_ml_dict_label(d, i, &len);
        if (buf && size + 4 + len <= cap) {
            uint32_t u = (uint32_t)len;
            for (int k = 0; k < 4; k++) buf[size + k] = (uint8_t)(u >> (8 * k));
            memcpy(buf + size + 4, s, (size_t)len);
        }
        size += 4 + len;
    }
    return size;
}

tide_ml_dict *tide_ml_dict_decode(const uint8_t *buf, int64_t len, int32_t expected,
                                  char *errbuf, size_t errlen)
{
    tide_ml_dict *d = tide_ml_dict_new();
    if (!d) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    int64_t pos = 0;
    for (int32_t i = 0; i < expected; i++) {
        if (pos + 4 > len) {
            snprintf(errbuf, errlen, "truncated: label %d of %d starts past the end (%lld bytes)",
                     i, expected, (long long)len);
            goto fail;
        }
        uint32_t u = (uint32_t)buf[pos] | (uint32_t)buf[pos + 1] << 8 |
                     (uint32_t)buf[pos + 2] << 16 | (uint32_t)buf[pos + 3] << 24;
        pos += 4;
        if ((int64_t)u > len - pos) {
            snprintf(errbuf, errlen, "truncated: label %d of %d needs %u bytes, %lld remain", i,
                     expected, u, (long long)(len - pos));
            goto fail;
        }
        if (tide_ml_dict_add(d, (const char *)buf + pos, (int32_t)u) != i) {
            snprintf(errbuf, errlen, "corrupt: label %d repeats an earlier label", i);
            goto fail;
        }
        pos += u;
    }
    if (pos != len) {
        snprintf(errbuf, errlen, "corrupt: %lld bytes after the %d labels", (long long)(len - pos),
                 expected);
        goto fail;
    }
    return d;
fail:
    tide_ml_dict_free(d);
    return NULL;
}

void tide_ml_checksum(const void *data, int64_t len, char *hex)
{
    const uint8_t *p = data;
    uint64_t h = 1469598103934665603ULL;
    for (int64_t i = 0; i < len; i++) h = (h ^ p[i]) * 1099511628211ULL;
    snprintf(hex, 17, "%016llx", (unsigned long long)h);
}

void tide_ml_read_doubles(double *dst, const void *bytes, int64_t n)
{
    memcpy(dst, bytes, (size_t)n * sizeof *dst);
    for (int64_t i = 0; i < n; i++)
        if (isnan(dst[i])) dst[i] = NAN;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int tide_ml_remove_tree(const char *path, char *errbuf, size_t errlen)
{
    if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT) {
        snprintf(errbuf, errlen, "cannot remove %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int tide_ml_rename(const char *from, const char *to, char *errbuf, size_t errlen)
{
    if (rename(from, to) != 0) {
        snprintf(errbuf, errlen, "cannot rename %s to %s: %s", from, to, strerror(errno));
        return -1;
    }
    return 0;
}
