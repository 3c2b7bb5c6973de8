/*
 * timestamp_ntz.c — what Spark's TIMESTAMP_NTZ needs besides the
 * timestamp kernels (ffi/timestamp_ntz.h): the session time zone swapped
 * for UTC around a kernel of local date-times, and text read as one with
 * any zone after it ignored or refused.
 */
#include "ffi/timestamp_ntz.h"

#include "batch.h"
#include "kernel.h"
#include "time_zone.h"
#include "timestamp.h"

const tide_zone *tide_time_zone_swap_session(const tide_zone *zone)
{
    return atomic_exchange_explicit(&tide_zone_session_, zone, memory_order_acq_rel);
}

static int blank(unsigned char c)
{
    return c <= ' ';
}

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

int tide_timestamp_ntz_parse(const char *text, size_t len, int32_t allow_zone, int64_t *out)
{
    /* What CAST(s AS timestamp) reads, its zone checked; then the text
       before the zone alone, read in UTC: the local date-time. */
    if (tide_timestamp_parse_utc(text, len, out) != 0) return -1;
    const char *s = text, *end = text + len;
    while (s < end && blank((unsigned char)*s))
        s++;
    while (end > s && blank((unsigned char)end[-1]))
        end--;
    const char *p = s;
    if (p < end && (*p == '+' || *p == '-')) p++;
    /* A time alone ("10:00:00", "T10:00") has no date: not a local date-time. */
    if (p < end && *p == 'T') return -1;
    while (p < end && digit(*p))
        p++;
    if (p < end && *p == ':') return -1;
    while (p < end && (digit(*p) || *p == '-'))
        p++;
    if (p == end || !(*p == ' ' || *p == 'T')) return 0; /* a date alone */
    const char *time = ++p;
    while (p < end && (digit(*p) || *p == ':' || *p == '.'))
        p++;
    if (p == time || p == end) return 0; /* no zone */
    if (!allow_zone) return -1;
    return tide_timestamp_parse_utc(s, (size_t)(p - s), out) == 0 ? 0 : -1;
}

int tide_eval_timestamp_ntz_parse(tide_batch *out, const tide_column *src, int32_t allow_zone,
                                  tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = src->length;
    if (src->type != TIDE_STRING)
        return kernel_error(errbuf, errlen, "TIMESTAMP_NTZ text: a string column, not %s",
                            tide_type_name(src->type));
    if (kernel_alloc(out, dst, src->name, TIDE_TIMESTAMP, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, src, NULL) != 0 || kernel_validity(out, dst) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t *values = (int64_t *)dst->values;
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(src, i)) continue;
        int32_t blen;
        const char *bytes = tide_column_bytes(src, i, &blen);
        if (tide_timestamp_ntz_parse(bytes, (size_t)blen, allow_zone, &values[i]) != 0) {
            values[i] = 0;
            tide_mark_null(dst, i);
        }
    }
    kernel_finish(dst);
    return 0;
}
