/*
 * json_write_scalars.c — to_json's scalars that take more than digits
 * (json_write.h): decimals as Java's BigDecimal.toString, timestamps in
 * Spark's JSON default text or timestampFormat's pattern, dates as
 * yyyy-MM-dd or dateFormat's pattern, binary as base64; the growth of
 * the output buffer, and text written to it taken out to be written again.
 */
#include "json_write.h"

#include "calendar.h"
#include "ffi/datetime.h"
#include "time_zone.h"
#include "timestamp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_rewrite_since(jbuf *b, int64_t start, void (*rewrite)(jbuf *, const char *, size_t))
{
    size_t n = (size_t)(b->len - start);
    char *text = malloc(n ? n : 1);
    if (!text) {
        b->error = "out of memory";
        return;
    }
    memcpy(text, b->data + start, n);
    b->len = start;
    rewrite(b, text, n);
    free(text);
}

int json_grow(jbuf *b, int64_t extra)
{
    if (b->error) return -1;
    int64_t need = b->len + extra;
    if (need > INT32_MAX) { /* offsets are int32 */
        b->error = "the JSON text of one batch would pass 2 GiB";
        return -1;
    }
    int64_t cap = b->cap * 2;
    while (cap < need)
        cap *= 2;
    if (cap > INT32_MAX) cap = INT32_MAX;
    char *d = tide_arena_realloc(b->out->arena, b->data, (size_t)b->cap, (size_t)cap);
    if (!d) {
        b->error = "out of memory";
        return -1;
    }
    b->data = d;
    b->cap = cap;
    return 0;
}

/* Java's BigDecimal.toString of unscaled * 10^-scale. */
void json_put_decimal(jbuf *b, const void *value, int scale)
{
    char text[48];
    put_raw(b, text, (size_t)tide_decimal_format_java(value, scale, text));
}

/* Java's XXX offset at tmp: Z for none, else +hh:mm (seconds dropped, as
   XXX drops them). Returns its length. */
static int put_offset(char *tmp, int32_t off)
{
    if (off == 0) {
        tmp[0] = 'Z';
        return 1;
    }
    int32_t a = off < 0 ? -off : off, h = a / 3600, m = a / 60 % 60;
    tmp[0] = off < 0 ? '-' : '+';
    tmp[1] = (char)('0' + h / 10);
    tmp[2] = (char)('0' + h % 10);
    tmp[3] = ':';
    tmp[4] = (char)('0' + m / 10);
    tmp[5] = (char)('0' + m % 10);
    return 6;
}

/* An instant as a pattern writes it, as a JSON string (quoted) or as it
   is. */
static void put_pattern(jbuf *b, const struct tide_datetime_pattern *p, int64_t micros)
{
    char small[128];
    char *buf = small;
    size_t size = sizeof small;
    int len;
    while ((len = tide_datetime_format_one(p, micros, buf, size)) < 0) {
        if (buf != small) free(buf);
        size *= 4;
        buf = malloc(size);
        if (!buf || size > (1u << 20)) {
            free(buf);
            if (!b->error) b->error = "out of memory formatting a date or timestamp";
            return;
        }
    }
    json_put_string(b, buf, (size_t)len);
    if (buf != small) free(buf);
}

/* Spark's default JSON timestamp format, yyyy-MM-dd'T'HH:mm:ss.SSSXXX, in
   the session time zone: its local time and offset, or in UTC (the
   default) the UTC time and Z, which looks at no zone. */
void json_put_timestamp(jbuf *b, int64_t micros)
{
    if (b->timestamp_format) {
        put_pattern(b, b->timestamp_format, micros);
        return;
    }
    int64_t secs = floor_div(micros, 1000000);
    int64_t millis = floor_mod(micros, 1000000) / 1000;
    const tide_zone *z = tide_zone_session();
    int32_t off = z ? tide_zone_offset(z, secs) : 0;
    secs += off;
    int64_t days = floor_div(secs, 86400);
    int64_t sod = secs - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    /* In place: through a buffer on the stack, the copy (a `rep movs`)
       was a sixth of to_json's time in a stream's rows. */
    if (reserve(b, 64) != 0) return;
    char *tmp = b->data + b->len;
    int n;
    if (y >= 0 && y <= 9999) {
        /* Digits by hand: every row of a stream's timestamps comes here,
           and printf's parsing of the format was a tenth of to_json. */
        int v[] = {(int)y / 100,         (int)y % 100,   m, d, (int)(sod / 3600),
                   (int)(sod / 60 % 60), (int)(sod % 60)};
        static const char sep[] = "\0\0--T::"; /* before each field from the third */
        n = 0;
        tmp[n++] = '"';
        for (int i = 0; i < 7; i++) {
            if (i > 1) tmp[n++] = sep[i];
            tmp[n++] = (char)('0' + v[i] / 10);
            tmp[n++] = (char)('0' + v[i] % 10);
        }
        tmp[n++] = '.';
        tmp[n++] = (char)('0' + millis / 100);
        tmp[n++] = (char)('0' + millis / 10 % 10);
        tmp[n++] = (char)('0' + millis % 10);
    } else {
        /* Java pads years to 4 digits and signs those past 9999. */
        n = snprintf(tmp, 64, "\"%s%04lld-%02d-%02dT%02d:%02d:%02d.%03d", y > 9999 ? "+" : "",
                     (long long)y, m, d, (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60),
                     (int)millis);
    }
    n += put_offset(tmp + n, off);
    tmp[n++] = '"';
    b->len += n;
}

void json_put_date(jbuf *b, int32_t days)
{
    /* The pattern formats instants: the day's first one in the session
       time zone has the day's date there (for days a timestamp holds). */
    if (b->date_format && days >= -106751990 && days <= 106751990) {
        put_pattern(b, b->date_format, tide_start_of_day(days));
        return;
    }
    if (reserve(b, 18) != 0) return;
    char *o = b->data + b->len;
    *o++ = '"';
    o += tide_date_format(days, o);
    *o++ = '"';
    b->len = o - b->data;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void json_put_base64(jbuf *b, const unsigned char *s, size_t n)
{
    if (reserve(b, (int64_t)((n + 2) / 3 * 4 + 2)) != 0) return;
    char *o = b->data + b->len;
    *o++ = '"';
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        *o++ = B64[v >> 18];
        *o++ = B64[(v >> 12) & 63];
        *o++ = B64[(v >> 6) & 63];
        *o++ = B64[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0);
        *o++ = B64[v >> 18];
        *o++ = B64[(v >> 12) & 63];
        *o++ = i + 1 < n ? B64[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    *o++ = '"';
    b->len = o - b->data;
}
