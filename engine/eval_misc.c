/*
 * eval_misc.c — Spark's functions that make values of their own rather
 * than compute them from their arguments (contracts in ffi/misc.h):
 * uuid() and monotonically_increasing_id().
 */
#include "kernel.h"
#include "random.h"
#include "ffi/misc.h"

#include <string.h>
#include <sys/random.h>
#include <time.h>

int64_t tide_random_seed(void)
{
    int64_t seed;
    if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) == (ssize_t)sizeof seed) return seed;
    /* no entropy yet (early boot): distinct enough for what these are for */
    static _Thread_local uint64_t calls;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t s = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec + (++calls << 40);
    return (int64_t)tide_random_next(&s);
}

int tide_eval_uuid(tide_batch *out, int64_t n, tide_column *dst, char *errbuf, size_t errlen)
{
    static const char hex[] = "0123456789abcdef";
    if (n < 0 || n > INT32_MAX / 36)
        return kernel_error(errbuf, errlen, "uuid: %lld rows", (long long)n);
    if (kernel_alloc(out, dst, "", TIDE_STRING, 0, 0, n, n * 36) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    uint64_t state = (uint64_t)tide_random_seed();
    int32_t *off = dst->values;
    char *p = (char *)dst->data;
    for (int64_t i = 0; i < n; i++) {
        uint8_t b[16];
        uint64_t hi = tide_random_next(&state), lo = tide_random_next(&state);
        for (int k = 0; k < 8; k++) {
            b[k] = (uint8_t)(hi >> (56 - 8 * k));
            b[8 + k] = (uint8_t)(lo >> (56 - 8 * k));
        }
        b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
        b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* the IETF variant */
        for (int k = 0; k < 16; k++) {
            if (k == 4 || k == 6 || k == 8 || k == 10) *p++ = '-';
            *p++ = hex[b[k] >> 4];
            *p++ = hex[b[k] & 15];
        }
        off[i + 1] = (int32_t)((i + 1) * 36);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_row_ids(tide_batch *out, int64_t partition, int64_t first, int64_t n,
                      tide_column *dst, char *errbuf, size_t errlen)
{
    if (partition < 0 || partition >= (1LL << 31))
        return kernel_error(errbuf, errlen,
                            "monotonically_increasing_id: partition %lld does not fit its 31 bits",
                            (long long)partition);
    if (first < 0 || n < 0 || first + n > (1LL << 33))
        return kernel_error(errbuf, errlen,
                            "monotonically_increasing_id: more than 2^33 rows in partition %lld",
                            (long long)partition);
    if (kernel_alloc(out, dst, "", TIDE_INT64, 0, 0, n, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t *v = dst->values, base = (int64_t)((uint64_t)partition << 33) + first;
    for (int64_t i = 0; i < n; i++)
        v[i] = base + i;
    kernel_finish(dst);
    return 0;
}
