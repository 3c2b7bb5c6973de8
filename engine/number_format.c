/*
 * number_format.c — Spark's number format strings (contracts in
 * ffi/number_format.h) as Spark 3.5's ToNumberParser reads them: the
 * compiled format and its checks. A format is read once into tokens: each
 * run of '0'/'9' digits and grouping separators (',' or 'G') is one digit
 * group, the others are the point ('.' or 'D'), '$', 'S', 'MI' and 'PR'
 * (an opening angle bracket in front of every token and a closing one in
 * its place). Its kernels are number_format_to_number.c (to_number,
 * try_to_number) and number_format_to_char.c (to_char).
 */
#include "kernel.h"
#include "text_kernel.h"
#include "number_format_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Beyond this, sizes computed from the format could pass int32_t. */
#define NF_MAX_FORMAT (INT32_MAX / 4)

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
