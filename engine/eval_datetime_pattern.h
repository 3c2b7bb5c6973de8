/*
 * eval_datetime_pattern.h — a compiled Spark datetime pattern, shared by
 * its formatting (eval_datetime_pattern.c, which compiles it) and its
 * parsing (eval_datetime_parse.c). Not part of the FFI: Lua holds a
 * pattern only as the opaque tide_datetime_pattern of ffi/datetime.h.
 */
#ifndef TIDE_EVAL_DATETIME_PATTERN_H
#define TIDE_EVAL_DATETIME_PATTERN_H

#include "ffi/datetime.h"

#include <stddef.h>
#include <stdint.h>

enum kind {
    K_LIT,
    K_YEAR,
    K_MONTH,
    K_MONTH_TEXT,
    K_DAY,
    K_DOY,
    K_HOUR,            /* H, 0-23 */
    K_CLOCK_HOUR,      /* k, 1-24 */
    K_AMPM_HOUR,       /* K, 0-11 */
    K_CLOCK_AMPM_HOUR, /* h, 1-12 */
    K_MINUTE,
    K_SECOND,
    K_AMPM,
    K_FRACTION,
    K_DOW_TEXT,
    K_QUARTER,
    K_QUARTER_TEXT,
    K_OFFSET,
    K_ERA,          /* G: 0 BC, 1 AD */
    K_ALIGNED_DOW,  /* F: Java's ALIGNED_DAY_OF_WEEK_IN_MONTH, formatting only */
    K_ZONE_ID,      /* VV */
    K_ZONE_NAME,    /* z (short), zzzz (long) */
    K_LOCAL_OFFSET, /* O, OOOO and ZZZZ (count 4) */
    K_OPT_START,    /* '[': off is the index of its ']' */
    K_OPT_END,
    K_COUNT
};

enum sign { S_NONE, S_NORMAL, S_EXCEEDS_PAD };

typedef struct {
    uint8_t kind, count, min, max, sign;
    uint8_t reserve; /* digits of the fixed-width numbers right after it */
    char letter;     /* of an offset: X, x or Z; of a year, G when it is the year of era */
    uint32_t off, len;
} pat_op;

struct tide_datetime_pattern {
    int32_t n, parsing;
    int32_t local; /* parsing a local date-time: zones read, not applied */
    size_t max_out;
    pat_op *ops;
    char *text;
};

extern const char *const tide_month_names[12];

/* An offset letter's form: 1 +HHmm, 2 +HHMM, 3 +HH:MM, 4 +HHMMss,
   5 +HH:MM:ss (Java's appendOffset patterns for X and x of 1 to 5
   letters; Z of 1 to 3 letters is +HHMM, of 5 +HH:MM:ss). */
static inline int pattern_offset_form(const pat_op *op)
{
    return op->letter == 'Z' ? (op->count < 4 ? 2 : 5) : op->count;
}

/* What the offset letter writes and reads for a zero offset (Java's
   noOffsetText). */
static inline const char *pattern_no_offset(const pat_op *op)
{
    static const char *const x_zero[] = {"+00", "+0000", "+00:00", "+0000", "+00:00"};
    return op->letter == 'x'                    ? x_zero[op->count - 1]
           : op->letter == 'Z' && op->count < 4 ? "+0000"
                                                : "Z";
}

/* The zone letters (eval_datetime_zone_text.c). Formatting writes at most
   PATTERN_ZONE_MAX bytes of op (VV, z, O) for the session zone z (NULL
   for UTC) at `offset`. Parsing reads op at s + *pos: a zone into *zone
   (*fixed, filled in, for an offset) for VV and z, an offset into
   *offset (and NULL into *zone) for O; 0, or -1 when the text has none. */
#define PATTERN_ZONE_MAX 64
size_t pattern_zone_format(char *b, const pat_op *op, const tide_zone *z, int32_t offset);
int pattern_zone_parse(const pat_op *op, const char *s, size_t n, size_t *pos, tide_zone *fixed,
                       const tide_zone **zone, int64_t *offset);

#endif
