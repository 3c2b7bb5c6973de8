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
    K_COUNT
};

enum sign { S_NONE, S_NORMAL, S_EXCEEDS_PAD };

typedef struct {
    uint8_t kind, count, min, max, sign;
    uint8_t reserve; /* digits of the fixed-width numbers right after it */
    char letter;     /* of an offset: X, x or Z */
    uint32_t off, len;
} pat_op;

struct tide_datetime_pattern {
    int32_t n, parsing;
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

#endif
