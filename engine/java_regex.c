/*
 * java_regex.c — Java's regular expression syntax rewritten for PCRE2
 * (java_regex.h). One pass over the pattern: text PCRE2 reads as Java
 * does is copied, the rest rewritten, each output byte remembering the
 * byte of the Java pattern it stands for; property classes are resolved
 * by java_regex_properties.c. Java's classes nest and
 * intersect ([a-z&&[^aeiou]]); PCRE2's do neither, so such a class becomes
 * a group that matches one character: its union an alternation, an
 * intersection lookaheads, a negation a negative lookahead before any
 * character.
 */
#include "java_regex.h"
#include "java_regex_properties.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A pattern rewritten for PCRE2. */
typedef struct {
    char *pattern; /* NUL-terminated, owned */
    size_t len;
    size_t *source;   /* per byte of pattern (and its end): the byte of the Java
                         pattern it was written for, to place PCRE2's errors */
    uint32_t options; /* PCRE2 compile options it needs: PCRE2_UCP for (?U) */
    uint32_t newline; /* PCRE2_NEWLINE_ANYCRLF, or PCRE2_NEWLINE_LF under (?d) */
} java_regex;

/* ---- output ---------------------------------------------------------------------------- */

typedef struct {
    char *p;
    size_t *src;
    size_t len, cap;
    int oom;
} sbuf;

static void put(sbuf *b, const char *s, size_t n, size_t at)
{
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p) b->p = p;
        size_t *src = p ? realloc(b->src, cap * sizeof *src) : NULL;
        if (!p || !src) {
            b->oom = 1;
            return;
        }
        b->src = src, b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    for (size_t k = 0; k < n; k++)
        b->src[b->len + k] = at;
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_at(sbuf *b, const char *s, size_t at)
{
    put(b, s, strlen(s), at);
}

/* Appends all of from (its own source positions kept). */
static void put_buf(sbuf *b, const sbuf *from)
{
    for (size_t k = 0; k < from->len; k++)
        put(b, from->p + k, 1, from->src[k]);
    if (from->oom) b->oom = 1;
}

static void sbuf_free(sbuf *b)
{
    free(b->p);
    free(b->src);
    memset(b, 0, sizeof *b);
}

/* ---- the translation's state ----------------------------------------------------------- */

typedef struct {
    int dotall, unix_lines, comments;
    int caseless, unicode_case; /* (?i), and (?u) or (?U) */
} flags;

#define MAX_GROUPS 256

typedef struct {
    const char *s;
    size_t n, i;
    flags group[MAX_GROUPS]; /* the flags in force in each open group */
    int depth;
    uint32_t options;
    int unix_lines_seen;
    char *errbuf;
    size_t errlen;
    int failed;
} tr;

static int fail(tr *t, size_t at, const char *fmt, ...)
{
    if (t->failed) return -1;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(t->errbuf, t->errlen, fmt, ap);
    va_end(ap);
    if (k >= 0 && (size_t)k < t->errlen)
        snprintf(t->errbuf + k, t->errlen - (size_t)k, " at position %zu", at);
    t->failed = 1;
    return -1;
}

static flags *now(tr *t)
{
    return &t->group[t->depth < MAX_GROUPS ? t->depth : MAX_GROUPS - 1];
}

static size_t utf8_len(unsigned char c)
{
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Whether case is folded for ASCII letters alone, as Java's (?i) without
   (?u): PCRE2 folds every letter it knows under (?i), so a character
   beyond ASCII is then matched apart from it. */
static int ascii_case_only(tr *t)
{
    return now(t)->caseless && !now(t)->unicode_case;
}

/* Whether the PCRE2 text s[0..n) may hold a character beyond ASCII: a
   byte of one, or an escape \x{...} (of any value: an ASCII one too is
   matched alike where such text is kept apart, but for its case) or \xhh
   of 80 or more. */
static int beyond_ascii(const char *s, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if ((unsigned char)s[k] >= 0x80) return 1;
        if (s[k] == '\\' && k + 2 < n && s[k + 1] == 'x' && strchr("{89abcdefABCDEF", s[k + 2]))
            return 1;
        if (s[k] == '\\') k++; /* (an escaped backslash starts no escape) */
    }
    return 0;
}

static int is_java_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\x0B' || c == '\f' || c == '\r';
}

/* Under (?x), Java skips whitespace and #-comments, in classes too. */
static int skip_comment(tr *t)
{
    if (!now(t)->comments || t->i >= t->n) return 0;
    if (is_java_space(t->s[t->i])) {
        t->i++;
        return 1;
    }
    if (t->s[t->i] == '#') {
        while (t->i < t->n && t->s[t->i] != '\n')
            t->i++;
        return 1;
    }
    return 0;
}

/* ---- escapes ------------------------------------------------------------------------------- */

enum { ESC_TEXT, ESC_SET, ESC_NEGATED_SET };

/* The escape at t->i ('\\'), read past: ESC_TEXT (text that means the
   same in a class and out of one), ESC_SET (class content) or
   ESC_NEGATED_SET (class content whose complement is meant), in text. */
static int escape(tr *t, char *text, size_t size)
{
    const char *s = t->s;
    size_t at = t->i;
    if (at + 1 >= t->n) return fail(t, at, "a pattern may not end with a backslash");
    char c = s[at + 1];
    if (c == 'p' || c == 'P') {
        char name[72];
        size_t from = at + 2, end;
        if (from < t->n && s[from] == '{') {
            const char *close = memchr(s + from, '}', t->n - from);
            if (!close) return fail(t, at, "unclosed character property");
            end = (size_t)(close - s) + 1;
            size_t k = end - from - 2;
            if (k >= sizeof name) return fail(t, at, "unknown character property");
            memcpy(name, s + from + 1, k);
            name[k] = '\0';
        } else if (from < t->n) {
            name[0] = s[from], name[1] = '\0';
            end = from + 1;
        } else {
            return fail(t, at, "a character property needs a name");
        }
        java_property p;
        char why[160];
        if (java_regex_property(name, &p, why, sizeof why) != 0) return fail(t, at, "%s", why);
        t->i = end;
        if (c == 'p') return snprintf(text, size, "%s", p.set), ESC_SET;
        if (p.complement[0]) return snprintf(text, size, "%s", p.complement), ESC_SET;
        return snprintf(text, size, "%s", p.set), ESC_NEGATED_SET;
    }
    if (c == 'u') {
        unsigned cp = 0;
        size_t k;
        for (k = 0; k < 4 && at + 2 + k < t->n; k++) {
            char h = s[at + 2 + k];
            int v = h >= '0' && h <= '9'   ? h - '0'
                    : h >= 'a' && h <= 'f' ? h - 'a' + 10
                    : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                           : -1;
            if (v < 0) break;
            cp = cp * 16 + (unsigned)v;
        }
        if (k < 4) return fail(t, at, "\\u needs four hexadecimal digits");
        t->i = at + 6;
        /* a surrogate pair written as two escapes is one character */
        if (cp >= 0xD800 && cp <= 0xDBFF && t->i + 6 <= t->n && s[t->i] == '\\' &&
            s[t->i + 1] == 'u') {
            char low[5] = {0};
            memcpy(low, s + t->i + 2, 4);
            unsigned lo = (unsigned)strtoul(low, NULL, 16);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                t->i += 6;
            }
        }
        return snprintf(text, size, "\\x{%x}", cp), ESC_TEXT;
    }
    if (c == '0') {
        /* \0n, \0nn, \0mnn (m <= 3): octal, which PCRE2 writes \o{...} */
        unsigned v = 0;
        size_t k = at + 2;
        while (k < t->n && k < at + 5 && s[k] >= '0' && s[k] <= '7' &&
               (k < at + 4 || s[at + 2] <= '3')) {
            v = v * 8 + (unsigned)(s[k] - '0');
            k++;
        }
        if (k == at + 2) return fail(t, at, "\\0 needs an octal digit");
        t->i = k;
        return snprintf(text, size, "\\x{%x}", v), ESC_TEXT;
    }
    if (c == 'N' && at + 2 < t->n && s[at + 2] == '{')
        return fail(t, at, "named characters (\\N{...}) are not supported: write \\x{...}");
    /* a letter Java does not know (PCRE2's \g, \K, \o) is Java's error */
    if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) &&
        !strchr("tnrfaecdDhHsSvVwWbBAGZzRXQEkx", c))
        return fail(t, at, "illegal or unsupported escape sequence \\%c", c);
    /* anything else reads alike: the backslash and one character (two
       after \c); \xhh and \x{h...h} whole (ascii_case_only reads them) */
    size_t k = 1 + utf8_len((unsigned char)c) + (c == 'c' && at + 2 < t->n);
    if (c == 'x' && at + 2 < t->n && s[at + 2] == '{') {
        const char *close = memchr(s + at + 2, '}', t->n - at - 2);
        if (close) k = (size_t)(close - (s + at)) + 1;
    } else if (c == 'x') {
        k = 4;
    }
    if (at + k > t->n) k = t->n - at;
    if (k >= size) k = size - 1;
    memcpy(text, s + at, k);
    text[k] = '\0';
    t->i = at + k;
    return ESC_TEXT;
}

/* \Q...\E read past and copied as it is: PCRE2 quotes alike, in classes
   too. Out of a class, under ascii_case_only, its characters beyond
   ASCII are quoted apart, each matched as it is. */
static void quoted(tr *t, sbuf *b, int in_class)
{
    size_t at = t->i;
    const char *end = NULL;
    for (size_t k = at + 2; k + 1 < t->n; k++)
        if (t->s[k] == '\\' && t->s[k + 1] == 'E') {
            end = t->s + k + 2;
            break;
        }
    size_t stop = end ? (size_t)(end - t->s) : t->n;
    size_t text_end = end ? stop - 2 : stop;
    if (in_class || !ascii_case_only(t) || !beyond_ascii(t->s + at + 2, text_end - (at + 2))) {
        put(b, t->s + at, stop - at, at);
    } else {
        for (size_t k = at + 2; k < text_end;) {
            size_t n = utf8_len((unsigned char)t->s[k]);
            if (k + n > text_end) n = text_end - k;
            int apart = (unsigned char)t->s[k] >= 0x80;
            puts_at(b, apart ? "(?-i:\\Q" : "\\Q", k);
            put(b, t->s + k, n, k);
            puts_at(b, apart ? "\\E)" : "\\E", k);
            k += n;
        }
    }
    t->i = stop;
}

/* ---- classes ---------------------------------------------------------------------------- */

/* One operand of a class's intersection: its plain content and the
   alternatives it needs beside it (nested classes PCRE2 cannot hold). */
typedef struct {
    sbuf plain;
    sbuf alternatives; /* joined by '|' */
    int count;
} operand;

static void add_alternative(operand *o, const sbuf *expr)
{
    if (o->count++) put(&o->alternatives, "|", 1, expr->len ? expr->src[0] : 0);
    put_buf(&o->alternatives, expr);
}

static void operand_expr(sbuf *out, operand *o, size_t at)
{
    int pieces = (o->plain.len > 0) + o->count;
    if (pieces > 1) puts_at(out, "(?:", at);
    if (o->plain.len) {
        puts_at(out, "[", at);
        put_buf(out, &o->plain);
        puts_at(out, "]", at);
        if (o->count) puts_at(out, "|", at);
    }
    put_buf(out, &o->alternatives);
    if (pieces > 1) puts_at(out, ")", at);
}

/* What matches one character of a class of nops operands, which are
   intersected: (?:(?=B)(?=C)A) for A&&B&&C. */
static void class_expr(sbuf *out, operand *ops, int nops, size_t at)
{
    puts_at(out, "(?:", at);
    int lead = -1;
    for (int k = 0; k < nops; k++) {
        if (!ops[k].plain.len && !ops[k].count) continue;
        if (lead < 0) {
            lead = k;
            continue;
        }
        puts_at(out, "(?=", at);
        operand_expr(out, &ops[k], at);
        puts_at(out, ")", at);
    }
    operand_expr(out, &ops[lead], at);
    puts_at(out, ")", at);
}

/* Reads the class whose '[' is at t->i (nested: in another) and writes
   into out what matches one character of it. Returns 1 when that is a plain PCRE2 class without
   negation ("[...]", whose content a class around it may take in), 0 for
   another expression, -1 on an error. */
static int parse_class(tr *t, sbuf *out, int nested)
{
    size_t start = t->i++;
    int negated = 0;
    if (t->i < t->n && t->s[t->i] == '^') negated = 1, t->i++;
    operand ops[16];
    int nops = 1, rc = -1;
    memset(ops, 0, sizeof ops);
    for (int first = 1;; first = 0) {
        if (t->i >= t->n) {
            fail(t, start, "unclosed character class");
            goto done;
        }
        if (skip_comment(t)) continue;
        operand *o = &ops[nops - 1];
        char c = t->s[t->i];
        size_t at = t->i;
        if (c == ']' && !first) {
            t->i++;
            break;
        }
        if (c == '[') {
            sbuf inner = {0};
            int plain = parse_class(t, &inner, 1);
            if (plain < 0) {
                sbuf_free(&inner);
                goto done;
            }
            if (plain && inner.len > 2) { /* its content joins ours */
                for (size_t k = 1; k + 1 < inner.len; k++)
                    put(&o->plain, inner.p + k, 1, inner.src[k]);
            } else {
                add_alternative(o, &inner);
            }
            sbuf_free(&inner);
        } else if (c == '&' && t->i + 1 < t->n && t->s[t->i + 1] == '&') {
            if (nops == (int)(sizeof ops / sizeof *ops)) {
                fail(t, at, "too many intersections in one character class");
                goto done;
            }
            nops++;
            t->i += 2;
        } else if (c == '\\' && t->i + 1 < t->n && t->s[t->i + 1] == 'Q') {
            quoted(t, &o->plain, 1);
        } else if (c == '\\') {
            char text[200];
            int kind = escape(t, text, sizeof text);
            if (kind < 0) goto done;
            if (kind == ESC_NEGATED_SET) {
                sbuf neg = {0};
                puts_at(&neg, "[^", at);
                puts_at(&neg, text, at);
                puts_at(&neg, "]", at);
                add_alternative(o, &neg);
                sbuf_free(&neg);
            } else {
                puts_at(&o->plain, text, at);
            }
        } else {
            /* a literal; ']' and '^' first in an operand are literals in
               Java, as escapes in PCRE2, and so are ':', '.' and '=' first,
               which PCRE2 would read as a POSIX class ("[[:alpha:]]" is
               Java's class of ':', 'a', 'l', 'p', 'h') */
            if (o->plain.len == 0 && c && strchr("]^:.=", c)) put(&o->plain, "\\", 1, at);
            size_t k = utf8_len((unsigned char)c);
            if (t->i + k > t->n) k = t->n - t->i;
            put(&o->plain, t->s + t->i, k, at);
            t->i += k;
        }
    }
    int used = 0, apart = 0;
    for (int k = 0; k < nops; k++) {
        used += ops[k].plain.len > 0 || ops[k].count > 0;
        apart |= beyond_ascii(ops[k].plain.p, ops[k].plain.len) ||
                 beyond_ascii(ops[k].alternatives.p, ops[k].alternatives.len);
    }
    if (!used) {
        fail(t, start, "empty character class");
        goto done;
    }
    if (apart && !nested && ascii_case_only(t)) {
        /* Under Java's (?i) without (?u) the class is read with the case
           of ASCII letters folded for an ASCII character, and as it is for
           any other: (?:(?=[^\x00-\x7f])(?-i:C)|(?=[\x00-\x7f])C), C the
           class as it is, for PCRE2 folds every case under (?i). (Once,
           around the outermost class: the classes in it are read alike.) */
        sbuf plain = {0};
        if (nops == 1 && ops[0].count == 0) {
            puts_at(&plain, "[", start);
            put_buf(&plain, &ops[0].plain);
            puts_at(&plain, "]", start);
        } else {
            class_expr(&plain, ops, nops, start);
        }
        puts_at(out, negated ? "(?:(?!" : "(?:", start);
        puts_at(out, "(?=[^\\x00-\\x7f])(?-i:", start);
        put_buf(out, &plain);
        puts_at(out, ")|(?=[\\x00-\\x7f])", start);
        put_buf(out, &plain);
        puts_at(out, negated ? ")(?s:.))" : ")", start);
        sbuf_free(&plain);
        rc = 0;
        goto done;
    }
    if (nops == 1 && ops[0].count == 0) {
        puts_at(out, negated ? "[^" : "[", start);
        put_buf(out, &ops[0].plain);
        puts_at(out, "]", start);
        rc = !negated;
        goto done;
    }
    /* (?:(?!X)(?s:.)) for [^X] */
    if (negated) puts_at(out, "(?:(?!", start);
    class_expr(out, ops, nops, start);
    if (negated) puts_at(out, ")(?s:.))", start);
    rc = 0;
done:
    for (int k = 0; k < (int)(sizeof ops / sizeof *ops); k++) {
        sbuf_free(&ops[k].plain);
        sbuf_free(&ops[k].alternatives);
    }
    return rc;
}

/* ---- groups and their flags -------------------------------------------------------------- */

/* "(?flags)" or "(?flags:" at t->i: Java's flags as PCRE2's (i, m, s, x
   alike; u dropped, PCRE2's caseless matching being Unicode's already,
   and kept in the state with i and d: ascii_case_only; U in the options).
   0 when t->i holds another kind of group. */
static int flag_group(tr *t, sbuf *out)
{
    size_t at = t->i, k = at + 2;
    while (k < t->n && t->s[k] && strchr("idmsuxU-", t->s[k])) /* (Java's flags) */
        k++;
    if (k == at + 2 || k >= t->n || (t->s[k] != ')' && t->s[k] != ':')) return 0;
    flags f = *now(t);
    char on[16], off[16];
    size_t non = 0, noff = 0;
    int negative = 0;
    for (size_t j = at + 2; j < k; j++) {
        char c = t->s[j];
        if (c == '-') {
            negative = 1;
            continue;
        }
        if (c == 's') f.dotall = !negative;
        if (c == 'x') f.comments = !negative;
        if (c == 'i') f.caseless = !negative;
        if (c == 'd') {
            f.unix_lines = !negative;
            t->unix_lines_seen |= !negative;
            continue;
        }
        if (c == 'U') { /* (which implies (?u) in Java) */
            if (!negative) t->options |= PCRE2_UCP;
            f.unicode_case = !negative;
            continue;
        }
        if (c == 'u') {
            f.unicode_case = !negative;
            continue;
        }
        char *list = negative ? off : on;
        size_t *n = negative ? &noff : &non;
        if (*n < sizeof on - 1) list[(*n)++] = c;
    }
    on[non] = off[noff] = '\0';
    int scoped = t->s[k] == ':';
    if (non || noff || scoped) {
        puts_at(out, "(?", at);
        puts_at(out, on, at);
        if (noff) puts_at(out, "-", at), puts_at(out, off, at);
        puts_at(out, scoped ? ":" : ")", at);
    }
    if (scoped) t->depth++;
    *now(t) = f;
    t->i = k + 1;
    return 1;
}

/* Whether g, at "(?", opens a group Java has (flags aside): (?: (?= (?!
   (?> (?<= (?<! (?<name>. PCRE2's others, recursion ((?R), (?1)),
   conditionals, branch resets, are refused as Java refuses them. */
static int java_group(const char *g, size_t n)
{
    if (n < 3) return 0;
    if (strchr(":=!>", g[2])) return 1;
    if (g[2] != '<' || n < 4) return 0;
    return g[3] == '=' || g[3] == '!' || (g[3] >= 'a' && g[3] <= 'z') ||
           (g[3] >= 'A' && g[3] <= 'Z');
}

/* ---- the pattern ----------------------------------------------------------------------- */

/* Rewrites java[0..len) into re. 0, or -1 with errbuf saying what the
   pattern asks that PCRE2 cannot do and where ("at position N"); re
   holds nothing to free then. */
static int translate(const char *java, size_t len, java_regex *re, char *errbuf, size_t errlen)
{
    memset(re, 0, sizeof *re);
    tr t = {.s = java, .n = len, .errbuf = errbuf, .errlen = errlen};
    sbuf out = {0};
    puts_at(&out, "", 0);
    while (t.i < t.n && !t.failed) {
        size_t at = t.i;
        char c = java[at];
        if (now(&t)->comments && c == '#') { /* copied: PCRE2 skips it alike */
            while (t.i < t.n && java[t.i] != '\n')
                t.i++;
            put(&out, java + at, t.i - at, at);
            continue;
        }
        if (c == '\\' && at + 1 < t.n && java[at + 1] == 'Q') {
            quoted(&t, &out, 0);
        } else if (c == '\\') {
            char text[200];
            int kind = escape(&t, text, sizeof text);
            if (kind < 0) break;
            /* (a character beyond ASCII, \u00e9, matched as it is) */
            int apart = kind == ESC_TEXT && ascii_case_only(&t) && beyond_ascii(text, strlen(text));
            puts_at(&out,
                    apart              ? "(?-i:"
                    : kind == ESC_TEXT ? ""
                    : kind == ESC_SET  ? "["
                                       : "[^",
                    at);
            puts_at(&out, text, at);
            puts_at(&out, apart ? ")" : kind == ESC_TEXT ? "" : "]", at);
        } else if (c == '[') {
            if (parse_class(&t, &out, 0) < 0) break;
        } else if (c == '.') {
            /* Java's '.' stops at every line terminator it knows (only \n
               under (?d)); PCRE2's at its one newline */
            flags *f = now(&t);
            puts_at(&out,
                    f->dotall       ? "."
                    : f->unix_lines ? "[^\\n]"
                                    : "[^\\n\\r\\x{85}\\x{2028}\\x{2029}]",
                    at);
            t.i++;
        } else if (c == '(' && at + 1 < t.n && java[at + 1] == '?' && flag_group(&t, &out)) {
            continue;
        } else if (c == '(' && at + 1 < t.n && java[at + 1] == '?' &&
                   !java_group(java + at, t.n - at)) {
            fail(&t, at,
                 "unknown group (?%c...): Java's are (?:, (?=, (?!, (?<=, (?<!, (?> and (?<name>",
                 at + 2 < t.n ? java[at + 2] : ' ');
            break;
        } else if (c == '(') {
            flags f = *now(&t);
            t.depth++;
            *now(&t) = f;
            put(&out, "(", 1, at);
            t.i++;
        } else if (c == ')') {
            if (t.depth > 0) t.depth--;
            put(&out, ")", 1, at);
            t.i++;
        } else if ((unsigned char)c >= 0xC0 && ascii_case_only(&t)) {
            /* a character beyond ASCII, matched as it is */
            size_t n = utf8_len((unsigned char)c);
            if (at + n > t.n) n = t.n - at;
            puts_at(&out, "(?-i:", at);
            put(&out, java + at, n, at);
            puts_at(&out, ")", at);
            t.i += n;
        } else {
            put(&out, java + at, 1, at);
            t.i++;
        }
    }
    if (!t.failed && out.oom) fail(&t, 0, "out of memory");
    if (t.failed) {
        sbuf_free(&out);
        return -1;
    }
    put(&out, "", 0, len); /* (the end's position) */
    if (out.oom) {
        sbuf_free(&out);
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    out.src[out.len] = len;
    re->pattern = out.p, re->len = out.len, re->source = out.src;
    re->options = t.options;
    re->newline = t.unix_lines_seen ? PCRE2_NEWLINE_LF : PCRE2_NEWLINE_ANYCRLF;
    return 0;
}

static void java_regex_free(java_regex *re)
{
    free(re->pattern);
    free(re->source);
    memset(re, 0, sizeof *re);
}

pcre2_code *java_regex_compile(const char *java, size_t len, uint32_t options, char *errbuf,
                               size_t errlen)
{
    java_regex re;
    if (translate(java, len, &re, errbuf, errlen) != 0) return NULL;
    pcre2_compile_context *context = pcre2_compile_context_create(NULL);
    if (!context) {
        java_regex_free(&re);
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    pcre2_set_newline(context, re.newline);
    int code;
    PCRE2_SIZE at;
    pcre2_code *compiled = pcre2_compile((PCRE2_SPTR)re.pattern, re.len,
                                         PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | re.options | options,
                                         &code, &at, context);
    pcre2_compile_context_free(context);
    if (!compiled) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        snprintf(errbuf, errlen, "%s at position %zu", (const char *)msg,
                 re.source[at <= re.len ? at : re.len]);
    }
    java_regex_free(&re);
    return compiled;
}
