/*
 * eval_text_printf.c — format_string / printf (contracts in ffi/text.h) as
 * Spark 3.5 formats: java.util.Formatter (Locale.US) over the arguments'
 * internal values (a date is its day number, a timestamp its
 * microseconds, a decimal Spark's Decimal). Here the format is parsed and
 * checked as Formatter checks it (flags, widths, argument indexes %1$s
 * and %<s) and each argument's type against its conversion, which Java
 * only finds at the first value; the values' text is in
 * eval_text_printf_values.c. Conversions tide does not have (%h %a %t)
 * fail naming themselves.
 */
#include "text_printf.h"
#include "ffi/text.h"

#include <stdio.h>
#include <stdlib.h>

int pf_put(pf_buf *b, const void *s, size_t n)
{
    if (n == 0) return 0;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->n + n)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) return -1;
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    return 0;
}

/* The Java class of an argument, as Formatter's errors name it. */
static const char *java_class(int32_t kind)
{
    switch (kind) {
    case TIDE_BOOL:
        return "java.lang.Boolean";
    case TIDE_INT32:
    case TIDE_DATE:
        return "java.lang.Integer";
    case TIDE_INT64:
    case TIDE_TIMESTAMP:
        return "java.lang.Long";
    case TIDE_FLOAT32:
        return "java.lang.Float";
    case TIDE_FLOAT64:
        return "java.lang.Double";
    case TIDE_DECIMAL:
        return "org.apache.spark.sql.types.Decimal";
    default:
        return "org.apache.spark.unsafe.types.UTF8String";
    }
}

static const char FLAG_CHARS[] = "-#+ 0,(";

static void flag_text(int32_t flags, char *out)
{
    int n = 0;
    for (int k = 0; k < 7; k++)
        if (flags & (1 << k)) out[n++] = FLAG_CHARS[k];
    out[n] = '\0';
}

/* Formatter's checks of one specifier (checkGeneral, checkCharacter,
   checkInteger, checkFloat, checkText); spec is its text for messages. */
static int check_spec(const pf_piece *pc, const char *spec, char *errbuf, size_t errlen)
{
    int32_t f = pc->flags & ~PF_UPPER;
    char c = pc->conv, flags[8];
    flag_text(f, flags);
    int bad = 0;
    if (c == 's' || c == 'b') {
        /* '#' is for Java's Formattable, which no Spark value is */
        if (f & PF_ALT) bad = PF_ALT;
        if (pc->width < 0 && (f & PF_LEFT))
            return kernel_error(errbuf, errlen, "MissingFormatWidthException: %s", spec);
        bad = bad ? bad : f & (PF_PLUS | PF_SPACE | PF_ZERO | PF_GROUP | PF_PAREN);
    } else if (c == 'c') {
        if (pc->precision >= 0)
            return kernel_error(errbuf, errlen, "IllegalFormatPrecisionException: %d",
                                pc->precision);
        bad = f & (PF_ALT | PF_PLUS | PF_SPACE | PF_ZERO | PF_GROUP | PF_PAREN);
        if (!bad && pc->width < 0 && (f & PF_LEFT))
            return kernel_error(errbuf, errlen, "MissingFormatWidthException: %s", spec);
    } else if (c == '%' || c == 'n') {
        if (pc->precision >= 0)
            return kernel_error(errbuf, errlen, "IllegalFormatPrecisionException: %d",
                                pc->precision);
        if ((c == '%' && (f & ~PF_LEFT)) || (c == 'n' && f))
            return kernel_error(errbuf, errlen, "IllegalFormatFlagsException: Flags = '%s'", flags);
        if (c == 'n' && pc->width >= 0)
            return kernel_error(errbuf, errlen, "IllegalFormatWidthException: %d", pc->width);
        if (pc->width < 0 && (f & PF_LEFT))
            return kernel_error(errbuf, errlen, "MissingFormatWidthException: %s", spec);
    } else {
        /* checkNumeric, then each conversion's own */
        if (pc->width < 0 && (f & (PF_LEFT | PF_ZERO)))
            return kernel_error(errbuf, errlen, "MissingFormatWidthException: %s", spec);
        if (((f & PF_PLUS) && (f & PF_SPACE)) || ((f & PF_LEFT) && (f & PF_ZERO)))
            return kernel_error(errbuf, errlen, "IllegalFormatFlagsException: Flags = '%s'", flags);
        if ((c == 'd' || c == 'o' || c == 'x') && pc->precision >= 0)
            return kernel_error(errbuf, errlen, "IllegalFormatPrecisionException: %d",
                                pc->precision);
        bad = c == 'd'                             ? f & PF_ALT
              : (c == 'o' || c == 'x' || c == 'e') ? f & PF_GROUP
              : c == 'g'                           ? f & PF_ALT
              : c == 'a'                           ? ((f & PF_PAREN) ? PF_PAREN : f & PF_GROUP)
                                                   : 0;
    }
    if (bad) {
        char one[2] = {FLAG_CHARS[__builtin_ctz((unsigned)bad)], '\0'};
        return kernel_error(errbuf, errlen,
                            "FormatFlagsConversionMismatchException: Conversion = %c, Flags = %s",
                            pc->flags & PF_UPPER ? c - 32 : c, one);
    }
    return 0;
}

/* Whether argument kind can go to conversion c, and for %o/%x on an int
   or a long, the flags Formatter refuses there. */
static int check_argument(const pf_piece *pc, int32_t kind, int32_t arg, char *errbuf,
                          size_t errlen)
{
    char c = pc->conv;
    int ok = kind == 0 || c == 's' || c == 'b';
    if (c == 'c') ok = ok || kind == TIDE_INT32 || kind == TIDE_DATE;
    if (c == 'd' || c == 'o' || c == 'x')
        ok = ok || kind == TIDE_INT32 || kind == TIDE_DATE || kind == TIDE_INT64 ||
             kind == TIDE_TIMESTAMP;
    if (c == 'e' || c == 'f' || c == 'g' || c == 'a')
        ok = ok || kind == TIDE_FLOAT32 || kind == TIDE_FLOAT64;
    char conv = pc->flags & PF_UPPER ? c - 32 : c;
    if (!ok)
        return kernel_error(errbuf, errlen,
                            "the conversion %%%c cannot format argument %d, a %s "
                            "(IllegalFormatConversionException: %c != %s)",
                            conv, arg + 1, tide_type_name(kind), conv, java_class(kind));
    if (kind && (c == 'o' || c == 'x') && (pc->flags & (PF_PAREN | PF_SPACE | PF_PLUS))) {
        int32_t bad = pc->flags & (PF_PAREN | PF_SPACE | PF_PLUS);
        return kernel_error(errbuf, errlen,
                            "FormatFlagsConversionMismatchException: Conversion = %c, Flags = %c",
                            conv, FLAG_CHARS[__builtin_ctz((unsigned)bad)]);
    }
    return 0;
}

static int is_conversion(char c)
{
    return c && strchr("bBhHsScCdoxXeEfgGaAtT%n", c) != NULL;
}

/* Reads an unsigned decimal at *p (up to end); -2 when it overflows an
   int (Java fails on it), -1 when there is none. */
static int32_t number(const char **p, const char *end)
{
    int64_t v = -1;
    for (; *p < end && **p >= '0' && **p <= '9'; (*p)++) {
        v = (v < 0 ? 0 : v) * 10 + (**p - '0');
        if (v > INT32_MAX) v = INT32_MAX + 1LL;
    }
    return v > INT32_MAX ? -2 : (int32_t)v;
}

/* Parses fmt into pieces (Formatter.parse and FormatSpecifier), checks
   them and gives each specifier its argument (explicit n$, '<' the one
   before, else the next ordinary one), checked against kinds (NULL: not
   checked). 0, or -1 with errbuf naming the specifier. */
static int parse(const char *fmt, int32_t len, int32_t nargs, const int32_t *kinds, pf_piece **out,
                 int32_t *count, char *errbuf, size_t errlen)
{
    pf_piece *pcs = malloc(sizeof(pf_piece) * ((size_t)len + 1));
    if (!pcs) return kernel_error(errbuf, errlen, "out of memory");
    int32_t n = 0, last = -1, ordinary = -1;
    const char *end = fmt + len;
    for (const char *p = fmt; p < end;) {
        const char *pct = memchr(p, '%', (size_t)(end - p));
        if (pct != p) {
            pf_piece t = {0, 0, -1, -1, -1, (int32_t)(p - fmt), (int32_t)((pct ? pct : end) - fmt)};
            pcs[n++] = t;
            if (!pct) break;
        }
        const char *q = pct + 1;
        pf_piece pc = {0, 0, -1, -1, -1, (int32_t)(pct - fmt), 0};
        /* %(\d+\$)?([-#+ 0,(<]*)?(\d+)?(\.\d+)?([tT])?([a-zA-Z%]) */
        int32_t index = 0, relative = 0;
        const char *digits = q;
        int32_t v = number(&q, end);
        if (v != -1 && q < end && *q == '$') {
            if (v == 0)
                return free(pcs), kernel_error(errbuf, errlen,
                                               "[ZERO_INDEX] The argument index 0 is invalid "
                                               "(%%0$): the first argument is %%1$");
            index = v == -2 ? -2 : v, q++;
        } else {
            q = digits;
        }
        static const char FLAGS[] = "-#+ 0,(<";
        for (const char *fl; q < end && (fl = strchr(FLAGS, *q)) && *q; q++) {
            if (*q == '<') {
                relative = 1;
                continue;
            }
            int32_t bit = 1 << (fl - FLAGS);
            if (pc.flags & bit)
                return free(pcs), kernel_error(errbuf, errlen,
                                               "DuplicateFormatFlagsException: Flags = '%c'", *q);
            pc.flags |= bit;
        }
        pc.width = number(&q, end);
        if (q < end && *q == '.') {
            q++;
            pc.precision = number(&q, end);
            if (pc.precision == -1) q = end; /* "%.s": no specifier matches */
        }
        char c = q < end ? *q : 0;
        int found = is_conversion(c) && index != -2 && pc.width != -2 && pc.precision != -2;
        if (!found) {
            char shown = pct + 1 < end ? pct[1] : '%';
            return free(pcs), kernel_error(errbuf, errlen,
                                           "unknown conversion '%%%c' in the format "
                                           "(UnknownFormatConversionException: Conversion = '%c')",
                                           shown, shown);
        }
        q++;
        pc.to = (int32_t)(q - fmt);
        char spec[64];
        snprintf(spec, sizeof spec, "%.*s", (int)(q - pct), pct);
        if (strchr("hHtT", c))
            return free(pcs), kernel_error(errbuf, errlen,
                                           "tide does not support the conversion '%s' (it has "
                                           "%%s %%S %%b %%B %%c %%C %%d %%o %%x %%X %%e %%E %%f "
                                           "%%g %%G %%a %%A %%%% %%n)",
                                           spec);
        if (c >= 'A' && c <= 'Z') pc.flags |= PF_UPPER, c = (char)(c + 32);
        pc.conv = c;
        if (check_spec(&pc, spec, errbuf, errlen) != 0) return free(pcs), -1;
        if (c != '%' && c != 'n') {
            if (relative)
                pc.arg = last;
            else if (index > 0)
                pc.arg = index - 1;
            else
                pc.arg = ++ordinary;
            last = pc.arg;
            if (pc.arg < 0 || pc.arg >= nargs)
                return free(pcs), kernel_error(errbuf, errlen,
                                               "no argument for the format specifier '%s' "
                                               "(MissingFormatArgumentException)",
                                               spec);
            if (kinds && check_argument(&pc, kinds[pc.arg], pc.arg, errbuf, errlen) != 0)
                return free(pcs), -1;
        }
        pcs[n++] = pc;
        p = q;
    }
    *out = pcs, *count = n;
    return 0;
}

int tide_format_check(const char *fmt, size_t len, const int32_t *kinds, int32_t nargs,
                      char *errbuf, size_t errlen)
{
    pf_piece *pcs;
    int32_t n;
    if (len > INT32_MAX) return kernel_error(errbuf, errlen, "the format is too long");
    if (parse(fmt, (int32_t)len, nargs, kinds, &pcs, &n, errbuf, errlen) != 0) return -1;
    free(pcs);
    return 0;
}

/* The format of one row as the Java String Spark formats: malformed bytes
   as U+FFFD, into buf when it needs replacing. */
static const char *clean_format(const char *p, int32_t *len, pf_buf *buf)
{
    size_t n = (size_t)*len, clean = tide_utf8_clean_prefix((const unsigned char *)p, n);
    while (clean < n && p[clean] == 0)
        clean += 1 + tide_utf8_clean_prefix((const unsigned char *)p + clean + 1, n - clean - 1);
    if (clean >= n) return p;
    buf->n = 0;
    for (size_t i = 0; i < n;) {
        const unsigned char *u = (const unsigned char *)p + i;
        size_t w = *u < 0x80 ? 1 : tide_utf8_sequence(u, n - i);
        if (w == 0) {
            i += tide_utf8_malformed(u, n - i);
            if (pf_put(buf, TIDE_UTF8_REPLACEMENT, 3)) return NULL;
        } else {
            if (pf_put(buf, u, w)) return NULL;
            i += w;
        }
    }
    *len = (int32_t)buf->n;
    return buf->p;
}

int tide_eval_format_string(tide_batch *out, const tide_column *fmt, const tide_column *const *args,
                            const int32_t *kinds, int32_t nargs, tide_column *dst, char *errbuf,
                            size_t errlen)
{
    int64_t rows = fmt->length;
    if (text_check(fmt, TIDE_STRING, rows, "format_string", "a string format", errbuf, errlen))
        return -1;
    for (int32_t a = 0; a < nargs; a++)
        if (args[a]->length != rows)
            return kernel_error(errbuf, errlen, "format_string: argument %d has %lld rows", a + 1,
                                (long long)args[a]->length);
    if (text_alloc(out, dst, TIDE_STRING, rows, text_data_bytes(fmt) * 2, fmt, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    pf_piece *pcs = NULL;
    int32_t npcs = 0, last_len = -1;
    /* the format parsed last (a row's bytes) and its clean text, reused
       while rows repeat it */
    const char *last = NULL, *ftext = NULL;
    pf_buf text = {0}, cell = {0}, scratch[2] = {{0}, {0}};
    int64_t used = 0;
    int rc = 0;
    for (int64_t i = 0; rc == 0 && i < rows; i++) {
        if (tide_valid(dst, i)) {
            int32_t len;
            const char *f = tide_column_bytes(fmt, i, &len);
            if (!last || len != last_len || memcmp(f, last, (size_t)len) != 0) {
                free(pcs);
                pcs = NULL, last = f, last_len = len;
                ftext = clean_format(f, &len, &text);
                if (!ftext) rc = kernel_error(errbuf, errlen, "out of memory");
                if (rc == 0) rc = parse(ftext, len, nargs, kinds, &pcs, &npcs, errbuf, errlen);
                if (rc != 0) break;
            }
            cell.n = 0;
            for (int32_t k = 0; rc == 0 && k < npcs; k++) {
                const pf_piece *pc = &pcs[k];
                if (pc->conv != 0)
                    rc = pf_render(&cell, scratch, pc, pc->arg >= 0 ? args[pc->arg] : NULL,
                                   pc->arg >= 0 ? kinds[pc->arg] : 0, i, errbuf, errlen);
                else if (pf_put(&cell, ftext + pc->from, (size_t)(pc->to - pc->from)) != 0)
                    rc = kernel_error(errbuf, errlen, "out of memory");
            }
            if (rc == 0)
                rc = kernel_str_append(out, dst, &used, cell.p, (int64_t)cell.n, errbuf, errlen);
        }
        kernel_str_end(dst, i, used);
    }
    free(pcs);
    free(text.p);
    free(cell.p);
    free(scratch[0].p);
    free(scratch[1].p);
    if (rc == 0) kernel_finish(dst);
    return rc;
}
