/*
 * number_format.c — Spark's number format strings (contracts in
 * ffi/number_format.h) as Spark 3.5's ToNumberParser reads and writes
 * them. A format is read once into tokens: each run of '0'/'9' digits and
 * grouping separators (',' or 'G') is one digit group, the others are the
 * point ('.' or 'D'), '$', 'S', 'MI' and 'PR' (an opening angle bracket
 * in front of every token and a closing one in its place). Text is read
 * as Java chars, so that Unicode digits and white space count as Spark
 * counts them.
 */
#include "kernel.h"
#include "decimal128.h"
#include "text_kernel.h"
#include "ffi/number_format.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Beyond this, sizes computed from the format could pass int32_t. */
#define NF_MAX_FORMAT (INT32_MAX / 4)
#define NF_MAX_DIGITS 38

void tide_number_parser_free(tide_number_parser *p)
{
    if (!p) return;
    free(p->format);
    free(p->quoted);
    free(p->tokens);
    free(p->items);
    free(p);
}

int32_t tide_number_parser_precision(const tide_number_parser *p)
{
    return p->precision;
}

int32_t tide_number_parser_scale(const tide_number_parser *p)
{
    return p->scale;
}

/* Java's toUpperCase(Locale.ROOT) as far as tokens go: ASCII letters, and
   the characters whose upper case is ASCII letters (ß, dotless ı, long ſ,
   the Latin ligatures), which Spark then reads as tokens. Other
   characters are no token either way and stay. Never longer than s. */
static int32_t upper_case(const unsigned char *s, int32_t len, char *out)
{
    static const char *const ligatures[] = {"FF", "FI", "FL", "FFI", "FFL", "ST", "ST"};
    int32_t n = 0;
    for (int32_t i = 0; i < len;) {
        unsigned char c = s[i];
        const char *as = NULL;
        int32_t width = 1;
        if (c == 0xC3 && i + 1 < len && s[i + 1] == 0x9F)
            as = "SS", width = 2;
        else if (c == 0xC4 && i + 1 < len && s[i + 1] == 0xB1)
            as = "I", width = 2;
        else if (c == 0xC5 && i + 1 < len && s[i + 1] == 0xBF)
            as = "S", width = 2;
        else if (c == 0xEF && i + 2 < len && s[i + 1] == 0xAC && s[i + 2] >= 0x80 &&
                 s[i + 2] <= 0x86)
            as = ligatures[s[i + 2] - 0x80], width = 3;
        if (as) {
            size_t k = strlen(as);
            memcpy(out + n, as, k);
            n += (int32_t)k;
        } else {
            out[n++] = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
        }
        i += width;
    }
    return n;
}

/* Spark's toSQLValue of a string: quoted, its quotes escaped. */
static char *sql_quoted(const char *s, int32_t len)
{
    char *q = malloc((size_t)len * 2 + 3);
    if (!q) return NULL;
    size_t n = 0;
    q[n++] = '\'';
    for (int32_t i = 0; i < len; i++) {
        if (s[i] == '\'') q[n++] = '\\';
        q[n++] = s[i];
    }
    q[n++] = '\'';
    q[n] = '\0';
    return q;
}

static int format_error(const tide_number_parser *p, const char *class, const char *what,
                        char *errbuf, size_t errlen)
{
    return kernel_error(errbuf, errlen, "[INVALID_FORMAT.%s] The format is invalid: %s. %s", class,
                        p->quoted, what);
}

/* The name Spark's error messages give a token. */
static int token_name(const tide_number_parser *p, const nf_token *t, char *buf, size_t size)
{
    switch (t->kind) {
    case NF_GROUP:
        return snprintf(buf, size, "digit sequence");
    case NF_POINT:
        return snprintf(buf, size, ". or D");
    case NF_DOLLAR:
        return snprintf(buf, size, "$");
    case NF_SIGN:
        return snprintf(buf, size, "S");
    case NF_MINUS:
        return snprintf(buf, size, "MI");
    case NF_OPEN:
    case NF_CLOSE:
        return snprintf(buf, size, "PR");
    default:
        /* InvalidUnrecognizedCharacter's own text, its stray quote too */
        return snprintf(buf, size, "character '%.*s''", (int)t->count, p->format + t->at);
    }
}

/* The raw tokens of the format, then each run of digits and separators
   made one group. */
static int tokenize(tide_number_parser *p)
{
    const char *f = p->format;
    int32_t len = p->format_len, n = 0, brackets = 0, point = 0;
    nf_token *raw = calloc((size_t)len + 1, sizeof *raw);
    p->items = calloc((size_t)len + 1, sizeof *p->items);
    if (!raw || !p->items) return free(raw), -1;
    for (int32_t i = 0; i < len;) {
        char c = f[i];
        nf_token t = {.kind = NF_OTHER, .count = 1, .at = i};
        int32_t width = 1;
        if (c == '0' || c == '9') {
            int32_t j = i;
            while (j < len && (f[j] == '0' || f[j] == '9'))
                j++;
            t.kind = NF_DIGITS, t.count = j - i, width = j - i;
            t.exact = c == '0' && !point;
        } else if (c == '.' || c == 'D') {
            t.kind = NF_POINT, point = 1;
        } else if (c == ',' || c == 'G') {
            t.kind = NF_SEPARATOR;
        } else if (c == '$') {
            t.kind = NF_DOLLAR;
        } else if (c == 'S') {
            t.kind = NF_SIGN;
        } else if (c == 'M' && i + 1 < len && f[i + 1] == 'I') {
            t.kind = NF_MINUS, width = 2;
        } else if (c == 'P' && i + 1 < len && f[i + 1] == 'R') {
            t.kind = NF_CLOSE, width = 2, brackets++;
        } else {
            t.count = width = text_char_at((const unsigned char *)f, i, len);
        }
        raw[n++] = t;
        i += width;
    }
    p->tokens = calloc((size_t)n + (size_t)brackets + 1, sizeof *p->tokens);
    if (!p->tokens) return free(raw), -1;
    /* each PR's opening bracket goes in front of everything */
    for (int32_t k = 0; k < brackets; k++)
        p->tokens[p->num_tokens++] = (nf_token){.kind = NF_OPEN};
    nf_token *group = NULL;
    for (int32_t k = 0; k < n; k++) {
        if (raw[k].kind == NF_DIGITS || raw[k].kind == NF_SEPARATOR) {
            if (!group) {
                group = &p->tokens[p->num_tokens++];
                *group = (nf_token){.kind = NF_GROUP, .at = p->num_items};
            }
            p->items[p->num_items++] = raw[k];
            group->count++;
            if (raw[k].kind == NF_DIGITS && ++group->exact > p->max_runs)
                p->max_runs = group->exact;
        } else {
            group = NULL;
            p->tokens[p->num_tokens++] = raw[k];
        }
    }
    free(raw);
    return 0;
}

static int index_of(const tide_number_parser *p, int32_t kind)
{
    for (int32_t i = 0; i < p->num_tokens; i++)
        if (p->tokens[i].kind == kind) return i;
    return -1;
}

static int32_t group_digits(const tide_number_parser *p, const nf_token *g)
{
    int32_t n = 0;
    for (int32_t k = 0; k < g->count; k++)
        if (p->items[g->at + k].kind == NF_DIGITS) n += p->items[g->at + k].count;
    return n;
}

/* ToNumberParser.checkInputDataTypes: its checks, in its order. */
static int validate(const tide_number_parser *p, char *errbuf, size_t errlen)
{
    if (p->format_len == 0)
        return format_error(p, "EMPTY", "The number format string cannot be empty.", errbuf,
                            errlen);
    int32_t digits = index_of(p, NF_GROUP), dollar = index_of(p, NF_DOLLAR);
    int32_t point = index_of(p, NF_POINT);
    if (digits < 0)
        return format_error(p, "WRONG_NUM_DIGIT",
                            "The format string requires at least one number digit.", errbuf,
                            errlen);
    if (digits < dollar)
        return format_error(p, "CUR_MUST_BEFORE_DIGIT",
                            "Currency characters must appear before digits in the number format.",
                            errbuf, errlen);
    if (point >= 0 && point < dollar)
        return format_error(
            p, "CUR_MUST_BEFORE_DEC",
            "Currency characters must appear before any decimal point in the number format.",
            errbuf, errlen);
    for (int32_t i = 0; i < p->num_tokens; i++) {
        const nf_token *g = &p->tokens[i];
        if (g->kind != NF_GROUP || (point >= 0 && i > point)) continue;
        const nf_token *it = &p->items[g->at];
        for (int32_t j = 0; j < g->count; j++) {
            if (it[j].kind != NF_SEPARATOR) continue;
            if (j == 0 || j == g->count - 1 || it[j - 1].kind == NF_SEPARATOR ||
                it[j + 1].kind == NF_SEPARATOR)
                return format_error(p, "CONT_THOUSANDS_SEPS",
                                    "Thousands separators (, or G) must have digits in between "
                                    "them in the number format.",
                                    errbuf, errlen);
        }
    }
    for (int32_t i = point + 1; point >= 0 && i < p->num_tokens; i++) {
        const nf_token *g = &p->tokens[i];
        if (g->kind != NF_GROUP) continue;
        for (int32_t j = 0; j < g->count; j++)
            if (p->items[g->at + j].kind == NF_SEPARATOR)
                return format_error(p, "THOUSANDS_SEPS_MUST_BEFORE_DEC",
                                    "Thousands separators (, or G) may not appear after the "
                                    "decimal point in the number format.",
                                    errbuf, errlen);
    }
    static const int32_t unique[] = {NF_POINT, NF_SIGN, NF_MINUS, NF_DOLLAR, NF_CLOSE};
    for (size_t u = 0; u < sizeof unique / sizeof *unique; u++) {
        int32_t count = 0;
        for (int32_t i = 0; i < p->num_tokens; i++)
            count += p->tokens[i].kind == unique[u];
        if (count > 1) {
            char name[16], what[96];
            nf_token t = {.kind = unique[u]};
            token_name(p, &t, name, sizeof name);
            snprintf(what, sizeof what, "At most one %s is allowed in the number format.", name);
            return format_error(p, "WRONG_NUM_TOKEN", what, errbuf, errlen);
        }
    }
    /* [PR's <] [MI|S] [$] [digits] [.|D] [digits] [$] [PR|MI|S]: each slot
       takes the next token when it fits, and every token must be taken */
    static const int32_t slots[][3] = {
        {NF_OPEN, -1, -1},   {NF_MINUS, NF_SIGN, -1},
        {NF_DOLLAR, -1, -1}, {NF_GROUP, -1, -1},
        {NF_POINT, -1, -1},  {NF_GROUP, -1, -1},
        {NF_DOLLAR, -1, -1}, {NF_MINUS, NF_SIGN, NF_CLOSE},
    };
    int32_t next = 0;
    for (size_t s = 0; s < sizeof slots / sizeof *slots && next < p->num_tokens; s++) {
        int32_t kind = p->tokens[next].kind;
        if (kind == slots[s][0] || kind == slots[s][1] || kind == slots[s][2]) next++;
    }
    if (next < p->num_tokens) {
        char name[64], what[384];
        token_name(p, &p->tokens[next], name, sizeof name);
        snprintf(what, sizeof what,
                 "Found the unexpected %s in the format string; the structure of the format "
                 "string must match: `[MI|S]` `[$]` `[0|9|G|,]*` `[.|D]` `[0|9]*` `[$]` "
                 "`[PR|MI|S]`.",
                 name);
        return format_error(p, "UNEXPECTED_TOKEN", what, errbuf, errlen);
    }
    return 0;
}

tide_number_parser *tide_number_parser_compile(const char *format, size_t len, char *errbuf,
                                               size_t errlen)
{
    if (len > NF_MAX_FORMAT) return kernel_error(errbuf, errlen, "the format is too long"), NULL;
    tide_number_parser *p = calloc(1, sizeof *p);
    if (p) p->format = malloc(len + 1);
    if (!p || !p->format) goto oom;
    p->format_len = upper_case((const unsigned char *)format, (int32_t)len, p->format);
    p->format[p->format_len] = '\0';
    p->quoted = sql_quoted(p->format, p->format_len);
    if (!p->quoted || tokenize(p) != 0) goto oom;
    if (validate(p, errbuf, errlen) != 0) {
        tide_number_parser_free(p);
        return NULL;
    }
    int32_t point = index_of(p, NF_POINT);
    for (int32_t i = 0; i < p->num_tokens; i++) {
        if (p->tokens[i].kind != NF_GROUP) continue;
        int32_t d = group_digits(p, &p->tokens[i]);
        p->precision += d;
        if (point >= 0 && i > point) p->scale += d;
    }
    return p;
oom:
    tide_number_parser_free(p);
    kernel_error(errbuf, errlen, "out of memory");
    return NULL;
}

/* ---- to_number ------------------------------------------------------------ */

/* Character.isWhitespace of a Java char (Java 17's Unicode). */
static int java_whitespace(int32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x2006) || (c >= 0x2008 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x205F || c == 0x3000;
}

/* The value of a Java char Character.isDigit takes (Unicode's decimal
   digits of the BMP, each block's zero here), or -1. */
static int java_digit(int32_t c)
{
    static const int32_t zeros[] = {0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66,
                                    0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20,
                                    0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
                                    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0,
                                    0xA9F0, 0xAA50, 0xABF0, 0xFF10};
    if (c >= '0' && c <= '9') return c - '0';
    if (c < 0x0660 || c > 0xFF19) return -1;
    for (size_t i = 0; i < sizeof zeros / sizeof *zeros; i++)
        if (c >= zeros[i] && c < zeros[i] + 10) return c - zeros[i];
    return -1;
}

/* The digits read so far, before and after the input's point. Only as
   many as a matching input can have are kept: the counts go on, and fail
   the row when they pass them. */
typedef struct {
    char before[NF_MAX_DIGITS + 1], after[NF_MAX_DIGITS + 1];
    int32_t num_before, num_after;
} nf_digits;

static void keep_digit(nf_digits *d, int after, int value)
{
    int32_t *n = after ? &d->num_after : &d->num_before;
    char *into = after ? d->after : d->before;
    if (*n < NF_MAX_DIGITS + 1) into[*n] = (char)value;
    if (*n < INT32_MAX) (*n)++;
}

/* Reads one digit group of the format at input[*at]: digits, separators
   and white space, in groups (split by ',') that the format's digit runs
   take from the right: a '0' run before the point exactly its length,
   others at most. */
static int parse_group(const tide_number_parser *p, const nf_token *g, const unsigned char *s,
                       int32_t len, int32_t *at, int after_point, nf_digits *d, int32_t *sizes)
{
    int32_t found = 0, current = 0, i = *at, runs = g->exact;
    for (;;) {
        if (i >= len) {
            sizes[found++] = current;
            break;
        }
        int32_t j = i, c = text_java_code_point(s, &j, len);
        if (java_whitespace(c)) {
            i = j;
            continue;
        }
        int value = java_digit(c);
        if (value >= 0) {
            keep_digit(d, after_point, value);
            if (current < INT32_MAX) current++;
            i = j;
            continue;
        }
        sizes[found++] = current;
        if (c != ',') break;
        /* more groups than the format has fail however the input goes on */
        if (found > runs) return -1;
        current = 0;
        i = j;
    }
    if (found > runs) return -1;
    const nf_token *item = &p->items[g->at + g->count];
    for (int32_t k = 0; k < runs; k++) {
        do
            item--;
        while (item->kind != NF_DIGITS);
        int32_t actual = k < found ? sizes[found - 1 - k] : 0;
        if (item->exact ? actual != item->count : actual > item->count) return -1;
    }
    *at = i;
    return 0;
}

/* ToNumberParser.parse of one text: 0 with its value (scaled by the
   format's scale), or -1 when the format does not match it. */
static int parse_row(const tide_number_parser *p, const unsigned char *s, int32_t len,
                     int32_t *sizes, i128 *value)
{
    nf_digits d = {.num_before = 0};
    int32_t i = 0;
    int after_point = 0, opened = 0, closed = 0, negative = 0;
    for (int32_t k = 0; k < p->num_tokens; k++) {
        const nf_token *t = &p->tokens[k];
        int32_t next = i, c = i < len ? text_java_code_point(s, &next, len) : -1;
        switch (t->kind) {
        case NF_GROUP:
            if (parse_group(p, t, s, len, &i, after_point, &d, sizes) != 0) return -1;
            break;
        case NF_POINT:
            if (c == '.') after_point = 1, i = next;
            break;
        case NF_DOLLAR:
            /* at the end of the text the '$' may be missing, as Spark lets it */
            if (c >= 0 && c != '$') return -1;
            if (c == '$') i = next;
            break;
        case NF_SIGN:
            if (c == '+' || c == '-') negative ^= c == '-', i = next;
            break;
        case NF_MINUS:
            if (c == '-') negative ^= 1, i = next;
            break;
        case NF_OPEN:
            if (c == '<') {
                if (opened) return -1;
                opened = 1, i = next;
            }
            break;
        case NF_CLOSE:
            if (c == '>') {
                if (!opened) return -1;
                closed = 1, negative ^= 1, i = next;
            }
            break;
        default:
            return -1;
        }
    }
    if (i < len || opened != closed) return -1;
    /* Without a digit, Spark 3.5 gets zero from the format's fraction
       zeros, and fails on "" (or "-") when it has none: no match here. */
    if (d.num_before == 0 && d.num_after == 0 && p->scale == 0) return -1;
    if (d.num_before + p->scale > NF_MAX_DIGITS || d.num_after > p->scale) return -1;
    /* More whole digits than the format has room for (its fraction group
       read them when the text has no point: '15' by '.99'): no value of
       decimal(precision, scale), where Spark's fails to make one. */
    if (d.num_before > p->precision - p->scale) return -1;
    i128 v = 0;
    for (int32_t k = 0; k < d.num_before; k++)
        v = v * 10 + d.before[k];
    for (int32_t k = 0; k < p->scale; k++)
        v = v * 10 + (k < d.num_after ? d.after[k] : 0);
    *value = negative ? -v : v;
    return 0;
}

int tide_eval_to_number(tide_batch *out, const tide_column *s, const tide_number_parser *p,
                        int32_t strict, tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    if (s->type != TIDE_STRING) return kernel_error(errbuf, errlen, "to_number needs a string");
    if (p->precision < 1 || p->precision > NF_MAX_DIGITS)
        return kernel_error(errbuf, errlen, "to_number: decimal precision %d is not 1 to 38",
                            (int)p->precision);
    if (kernel_alloc(out, dst, "", TIDE_DECIMAL, p->precision, p->scale, n, 0) != 0 ||
        kernel_validity_and(out, dst, s, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int32_t *sizes = malloc(((size_t)p->max_runs + 2) * sizeof *sizes);
    if (!sizes) return kernel_error(errbuf, errlen, "out of memory");
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(dst, i)) continue;
        int32_t len;
        const unsigned char *text = text_row(s, i, &len);
        i128 v;
        if (parse_row(p, text, len, sizes, &v) == 0) {
            dec_store((char *)dst->values + 16 * i, v);
        } else if (strict) {
            free(sizes);
            return kernel_error(errbuf, errlen,
                                "[INVALID_FORMAT.MISMATCH_INPUT] The format is invalid: %s. The "
                                "input \"STRING\" %.*s does not match the format.",
                                p->quoted, (int)len, (const char *)text);
        } else if (kernel_validity(out, dst) != 0) {
            free(sizes);
            return kernel_error(errbuf, errlen, "out of memory");
        } else {
            tide_mark_null(dst, i);
        }
    }
    free(sizes);
    kernel_finish(dst);
    return 0;
}

/* ---- to_char ---------------------------------------------------------------- */

/* A row's text is built in place with ToNumberParser's edits; `len` is
   its length. */
typedef struct {
    char *text;
    int32_t len;
} nf_text;

/* addSpaceCheckingTrailingCharacters: a space that moves in front of the
   signs and brackets just written, so that they stay by the digits. */
static void add_space(nf_text *r)
{
    char *t = r->text;
    t[r->len++] = ' ';
    for (int32_t i = r->len - 1;
         i >= 1 && (t[i - 1] == '+' || t[i - 1] == '-' || t[i - 1] == '<') && t[i] == ' '; i--) {
        t[i] = t[i - 1];
        t[i - 1] = ' ';
    }
}

/* addCharacterCheckingTrailingSpaces: c moves in front of the spaces
   before it, next to the digits. */
static void add_char(nf_text *r, char c)
{
    char *t = r->text;
    t[r->len++] = c;
    for (int32_t i = r->len - 1; i >= 1 && t[i - 1] == ' ' && t[i] == c; i--) {
        t[i] = ' ';
        t[i - 1] = c;
    }
}

/* stripTrailingLoneDecimalPoint: a point with no digit after it becomes a
   space. */
static void strip_lone_point(nf_text *r)
{
    char *dot = memchr(r->text, '.', (size_t)r->len);
    if (dot && (dot - r->text == r->len - 1 || dot[1] == ' ')) *dot = ' ';
}

/* The digits of a decimal before its point (no leading zeros: none for
   zero) and after it (no trailing zeros), as ToNumberParser splits
   toPlainString's text. */
static void split_decimal(i128 v, int32_t scale, char *before, int32_t *num_before, char *after,
                          int32_t *num_after)
{
    char digits[48];
    int32_t n = 0;
    for (u128 a = dec_abs(v); a; a /= 10)
        digits[n++] = (char)('0' + (int)(a % 10)); /* least significant first */
    *num_before = 0;
    for (int32_t k = n - 1; k >= scale; k--)
        before[(*num_before)++] = digits[k];
    int32_t last = 0; /* the lowest fraction digit that is not zero */
    while (last < scale && last < n && digits[last] == '0')
        last++;
    *num_after = 0;
    if (last < scale && last < n)
        for (int32_t k = scale - 1; k >= last; k--)
            after[(*num_after)++] = k < n ? digits[k] : '0';
}

int tide_eval_to_char_number(tide_batch *out, const tide_column *x, const tide_number_parser *p,
                             tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = x->length;
    if (x->type != TIDE_DECIMAL) return kernel_error(errbuf, errlen, "to_char needs a decimal");
    if (kernel_alloc(out, dst, "", TIDE_STRING, 0, 0, n, n * 8) != 0 ||
        kernel_validity_and(out, dst, x, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int32_t want_before = p->precision - p->scale, want_after = p->scale;
    /* each format byte writes at most a character and a half (PR's three
       for two); the digits of the value are padded to the format's */
    char *text = malloc((size_t)p->format_len * 2 + 8);
    char *before = malloc((size_t)want_before + NF_MAX_DIGITS + 2);
    char *after = malloc((size_t)want_after + NF_MAX_DIGITS + 2);
    int rc = 0;
    int64_t used = 0;
    if (!text || !before || !after) {
        rc = kernel_error(errbuf, errlen, "out of memory");
        goto done;
    }
    for (int64_t row = 0; row < n; row++) {
        if (tide_valid(dst, row)) {
            i128 v = dec_load((const char *)x->values + 16 * row);
            int negative = v < 0;
            char digits_before[NF_MAX_DIGITS + 2], digits_after[NF_MAX_DIGITS + 2];
            int32_t nb, na;
            split_decimal(v, x->scale, digits_before, &nb, digits_after, &na);
            if (nb > want_before || na > want_after) {
                /* too many digits for the format: a '#' in each place */
                memset(before, '#', (size_t)want_before);
                memset(after, '#', (size_t)want_after);
            } else {
                memset(before, ' ', (size_t)(want_before - nb));
                memcpy(before + want_before - nb, digits_before, (size_t)nb);
                memcpy(after, digits_after, (size_t)na);
                memset(after + na, '0', (size_t)(want_after - na));
            }
            nf_text r = {text, 0};
            int32_t at_before = 0, at_after = 0, point = 0;
            for (int32_t k = 0; k < p->num_tokens; k++) {
                const nf_token *t = &p->tokens[k];
                switch (t->kind) {
                case NF_GROUP:
                    for (int32_t j = 0; j < t->count; j++) {
                        const nf_token *item = &p->items[t->at + j];
                        if (item->kind == NF_SEPARATOR) {
                            if (r.len > 0 && r.text[r.len - 1] >= '0' && r.text[r.len - 1] <= '9')
                                r.text[r.len++] = ',';
                            else
                                add_space(&r);
                            continue;
                        }
                        for (int32_t m = 0; m < item->count; m++) {
                            char c = point ? after[at_after++] : before[at_before++];
                            if (c != ' ')
                                r.text[r.len++] = c;
                            else if (item->exact)
                                r.text[r.len++] = '0'; /* a leading '0' place keeps its zero */
                            else
                                add_space(&r);
                        }
                    }
                    break;
                case NF_POINT:
                    /* no integer digits: a zero before the point */
                    if (r.len > 0 && r.text[r.len - 1] == ' ') r.text[r.len - 1] = '0';
                    r.text[r.len++] = '.';
                    point = 1;
                    break;
                case NF_DOLLAR:
                    r.text[r.len++] = '$';
                    break;
                case NF_SIGN:
                    strip_lone_point(&r);
                    add_char(&r, negative ? '-' : '+');
                    break;
                case NF_MINUS:
                    if (negative) {
                        strip_lone_point(&r);
                        add_char(&r, '-');
                    } else {
                        r.text[r.len++] = ' ';
                    }
                    break;
                case NF_OPEN:
                    if (negative) r.text[r.len++] = '<';
                    break;
                case NF_CLOSE:
                    strip_lone_point(&r);
                    if (negative) {
                        add_char(&r, '>');
                    } else {
                        r.text[r.len++] = ' ';
                        r.text[r.len++] = ' ';
                    }
                    break;
                default:
                    break;
                }
            }
            strip_lone_point(&r);
            if (r.len == 0 || (r.len == 1 && (r.text[0] == '+' || r.text[0] == '-')))
                r.text[0] = '0', r.len = 1;
            if (kernel_str_append(out, dst, &used, r.text, r.len, errbuf, errlen) != 0) {
                rc = -1;
                goto done;
            }
        }
        kernel_str_end(dst, row, used);
    }
    kernel_finish(dst);
done:
    free(text);
    free(before);
    free(after);
    return rc;
}
