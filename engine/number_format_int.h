/*
 * number_format_int.h — a compiled number format (number_format.c),
 * shared by the kernels that read it: to_number and try_to_number
 * (number_format_to_number.c) and to_char (number_format_to_char.c).
 * Not part of the FFI.
 */
#ifndef TIDE_NUMBER_FORMAT_INT_H
#define TIDE_NUMBER_FORMAT_INT_H
#include "ffi/number_format.h"

#include <stdint.h>

enum nf_kind {
    NF_GROUP,
    NF_DIGITS,
    NF_SEPARATOR,
    NF_POINT,
    NF_DOLLAR,
    NF_SIGN,  /* S */
    NF_MINUS, /* MI */
    NF_OPEN,  /* PR's '<' */
    NF_CLOSE, /* PR's '>' */
    NF_OTHER  /* any other character: never valid */
};

typedef struct {
    int32_t kind;
    /* NF_DIGITS: a run starting with '0' before the point, which input
       must fill exactly (Spark's ExactlyAsManyDigits). NF_GROUP: its
       digit runs. */
    int32_t exact;
    /* NF_DIGITS: the run's length; NF_GROUP: its items; NF_OTHER: the
       character's bytes. */
    int32_t count;
    /* NF_GROUP: its first item; NF_OTHER: the character's offset. */
    int32_t at;
} nf_token;

struct tide_number_parser {
    char *format; /* upper-cased, as Spark reads it */
    char *quoted; /* as Spark's errors show it: '...' */
    int32_t format_len;
    nf_token *tokens, *items; /* items: the digit runs and separators of the groups */
    int32_t num_tokens, num_items;
    int32_t precision, scale; /* the digits of the format, and those after its point */
    int32_t max_runs;         /* the most digit runs a group has */
};

/* The most digits of a decimal, and so of a value read or written. */
#define NF_MAX_DIGITS 38

#endif
