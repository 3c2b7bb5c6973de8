/*
 * timestamp.h — what timestamp.c offers C callers besides its FFI calls
 * (tide_timestamp_parse and tide_timestamp_format, in tide_ffi.h, which
 * read and print in the session time zone), and the two-digit fields
 * that timestamp text and zone offsets (time_zone.c) are made of.
 */
#ifndef TIDE_TIMESTAMP_H
#define TIDE_TIMESTAMP_H

#include <stdint.h>

/* As tide_timestamp_parse, with a local time read in UTC whatever the
   session time zone: text that stands for an instant stored as UTC
   (PostgreSQL's timestamp in text form, as its binary form is read). */
int tide_timestamp_parse_utc(const char *text, size_t len, int64_t *out);

/* The local date (days since 1970-01-01) of an instant in the session
   time zone: CAST(timestamp AS date). */
int64_t tide_local_days(int64_t micros);
/* The first instant of a local date in the session time zone
   (LocalDate.atStartOfDay): CAST(date AS timestamp), for days within
   int64 microseconds (+-106751990). */
int64_t tide_start_of_day(int64_t days);

/* Two ASCII digits at s into *out: 0, or -1 when they are not digits. */
static inline int tide_two_digits(const char *s, int *out)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return -1;
    *out = (s[0] - '0') * 10 + (s[1] - '0');
    return 0;
}

#endif
