/*
 * text_printf.h — the parsed form of a java.util.Formatter format string,
 * shared by its parser and kernel (eval_text_printf.c) and its value
 * rendering (eval_text_printf_values.c). Not part of the FFI.
 */
#ifndef TIDE_TEXT_PRINTF_H
#define TIDE_TEXT_PRINTF_H
#include "text_kernel.h"

/* Formatter's flags */
enum {
    PF_LEFT = 1,   /* '-' */
    PF_ALT = 2,    /* '#' */
    PF_PLUS = 4,   /* '+' */
    PF_SPACE = 8,  /* ' ' */
    PF_ZERO = 16,  /* '0' */
    PF_GROUP = 32, /* ',' */
    PF_PAREN = 64, /* '(' */
    PF_UPPER = 128 /* an upper-case conversion: %S %X %E ... */
};

/* A piece of the format: literal text (conv 0: text[from, to) of the
   format), or a specifier with its argument (-1: none, %% and %n). */
typedef struct {
    char conv;                       /* lower case: s b c d o x e f g % n; 0 for text */
    int32_t flags, width, precision; /* -1: not given */
    int32_t arg;
    int32_t from, to;
} pf_piece;

/* A growable byte buffer. */
typedef struct {
    char *p;
    size_t n, cap;
} pf_buf;

int pf_put(pf_buf *b, const void *s, size_t n);

/* Appends the text of one argument value by piece pc: value row i of
   column c (kind: its tide type, 0 for an untyped NULL), width and
   justification included; scratch is two buffers of the caller's, for
   the piece's text before justification. -1 with errbuf on a value Java
   refuses (a code point out of range) or out of memory. */
int pf_render(pf_buf *b, pf_buf scratch[2], const pf_piece *pc, const tide_column *c, int32_t kind,
              int64_t i, char *errbuf, size_t errlen);

#endif
