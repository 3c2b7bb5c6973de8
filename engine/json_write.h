/*
 * json_write.h — what to_json's writer (json_write.c) shares with the
 * formatting of its scalars that take more than digits
 * (json_write_scalars.c: decimals, timestamps, dates, base64): the output
 * buffer and the inline helpers that append to it. Internal to those two
 * files.
 */
#ifndef TIDE_JSON_WRITE_H
#define TIDE_JSON_WRITE_H

#include "batch.h"

#include <stdint.h>
#include <string.h>

struct tide_datetime_pattern;

/* The text of one call: one buffer in out's arena, grown by doubling (the
   arena's last allocation, so it mostly grows in place). */
typedef struct {
    tide_batch *out;
    char *data;
    int64_t len;
    int64_t cap;
    const char *error; /* set once something failed */
    /* timestampFormat's pattern, or NULL for Spark's default */
    const struct tide_datetime_pattern *timestamp_format;
    /* dateFormat's pattern, or NULL for yyyy-MM-dd */
    const struct tide_datetime_pattern *date_format;
} jbuf;

/* Grows b for extra more bytes; 0, or -1 with b->error set. */
int json_grow(jbuf *b, int64_t extra);

/* The text written to b since start, taken out and written again by
   rewrite (json_put_string: as a JSON string; to_json's pretty). It is
   copied out first, as rewriting may grow (move) the buffer. */
void json_rewrite_since(jbuf *b, int64_t start, void (*rewrite)(jbuf *, const char *, size_t));

/* Room for n more bytes; 0 or -1. */
static inline int reserve(jbuf *b, int64_t n)
{
    return b->len + n <= b->cap ? 0 : json_grow(b, n);
}

static inline void put_raw(jbuf *b, const char *s, size_t n)
{
    if (reserve(b, (int64_t)n) != 0) return;
    memcpy(b->data + b->len, s, n);
    b->len += (int64_t)n;
}

static inline void put_char(jbuf *b, char c)
{
    if (reserve(b, 1) != 0) return;
    b->data[b->len++] = c;
}

/* to_json's pretty option (json_pretty.c): the value written from start
   to b->len rewritten in place as Jackson's default pretty printer
   writes it. */
void json_pretty_row(jbuf *b, int64_t start);

/* A string as Jackson escapes it (json_write.c). */
void json_put_string(jbuf *b, const char *text, size_t n);
/* Java's BigDecimal.toString of a decimal(38, scale) value (16 bytes). */
void json_put_decimal(jbuf *b, const void *value, int scale);
/* A timestamp as Spark's JSON writer formats it, quoted. */
void json_put_timestamp(jbuf *b, int64_t micros);
/* A date (days since 1970-01-01) as dateFormat writes it (yyyy-MM-dd
   without one, or beyond a timestamp's range), quoted. */
void json_put_date(jbuf *b, int32_t days);
/* Bytes as base64 with padding, quoted. */
void json_put_base64(jbuf *b, const unsigned char *s, size_t n);

#endif
