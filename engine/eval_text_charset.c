/*
 * eval_text_charset.c — text to bytes and back (contracts in ffi/text.h):
 * encode/decode in the six charsets Spark documents, as Java's
 * String.getBytes and new String(bytes, charset) do them (a char the
 * charset lacks becomes '?', malformed input U+FFFD), unhex, and
 * to_binary's strict hex and base64.
 */
#include "java_char.h"
#include "text_kernel.h"
#include "ffi/text.h"

#include <stdlib.h>
#include <strings.h>

/* Java's names for the six charsets (canonical and aliases), compared
   without regard to case. */
static const struct {
    const char *name;
    int32_t charset;
} NAMES[] = {
    {"US-ASCII", TIDE_CHARSET_US_ASCII},
    {"ASCII", TIDE_CHARSET_US_ASCII},
    {"US", TIDE_CHARSET_US_ASCII},
    {"ISO646-US", TIDE_CHARSET_US_ASCII},
    {"ISO_646.irv:1983", TIDE_CHARSET_US_ASCII},
    {"ISO_646.irv:1991", TIDE_CHARSET_US_ASCII},
    {"ANSI_X3.4-1968", TIDE_CHARSET_US_ASCII},
    {"ANSI_X3.4-1986", TIDE_CHARSET_US_ASCII},
    {"IBM367", TIDE_CHARSET_US_ASCII},
    {"cp367", TIDE_CHARSET_US_ASCII},
    {"csASCII", TIDE_CHARSET_US_ASCII},
    {"default", TIDE_CHARSET_US_ASCII},
    {"646", TIDE_CHARSET_US_ASCII},
    {"iso-ir-6", TIDE_CHARSET_US_ASCII},
    {"ascii7", TIDE_CHARSET_US_ASCII},
    {"ISO-8859-1", TIDE_CHARSET_ISO_8859_1},
    {"ISO8859_1", TIDE_CHARSET_ISO_8859_1},
    {"ISO_8859_1", TIDE_CHARSET_ISO_8859_1},
    {"ISO_8859-1", TIDE_CHARSET_ISO_8859_1},
    {"ISO8859-1", TIDE_CHARSET_ISO_8859_1},
    {"8859_1", TIDE_CHARSET_ISO_8859_1},
    {"latin1", TIDE_CHARSET_ISO_8859_1},
    {"l1", TIDE_CHARSET_ISO_8859_1},
    {"IBM819", TIDE_CHARSET_ISO_8859_1},
    {"IBM-819", TIDE_CHARSET_ISO_8859_1},
    {"cp819", TIDE_CHARSET_ISO_8859_1},
    {"819", TIDE_CHARSET_ISO_8859_1},
    {"csISOLatin1", TIDE_CHARSET_ISO_8859_1},
    {"iso-ir-100", TIDE_CHARSET_ISO_8859_1},
    {"ISO_8859-1:1987", TIDE_CHARSET_ISO_8859_1},
    {"UTF-8", TIDE_CHARSET_UTF_8},
    {"UTF8", TIDE_CHARSET_UTF_8},
    {"unicode-1-1-utf-8", TIDE_CHARSET_UTF_8},
    {"UTF-16BE", TIDE_CHARSET_UTF_16BE},
    {"UTF_16BE", TIDE_CHARSET_UTF_16BE},
    {"X-UTF-16BE", TIDE_CHARSET_UTF_16BE},
    {"ISO-10646-UCS-2", TIDE_CHARSET_UTF_16BE},
    {"UnicodeBigUnmarked", TIDE_CHARSET_UTF_16BE},
    {"UTF-16LE", TIDE_CHARSET_UTF_16LE},
    {"UTF_16LE", TIDE_CHARSET_UTF_16LE},
    {"X-UTF-16LE", TIDE_CHARSET_UTF_16LE},
    {"UnicodeLittleUnmarked", TIDE_CHARSET_UTF_16LE},
    {"UTF-16", TIDE_CHARSET_UTF_16},
    {"UTF_16", TIDE_CHARSET_UTF_16},
    {"utf16", TIDE_CHARSET_UTF_16},
    {"unicode", TIDE_CHARSET_UTF_16},
    {"UnicodeBig", TIDE_CHARSET_UTF_16},
};

int32_t tide_charset_lookup(const char *name, size_t len)
{
    for (size_t k = 0; k < sizeof NAMES / sizeof NAMES[0]; k++)
        if (strlen(NAMES[k].name) == len && strncasecmp(NAMES[k].name, name, len) == 0)
            return NAMES[k].charset;
    return 0;
}

static int unknown_charset(const char *fn, const char *name, int32_t len, char *errbuf,
                           size_t errlen)
{
    return kernel_error(errbuf, errlen,
                        "%s: unsupported charset '%.*s' (UnsupportedEncodingException; tide has "
                        "US-ASCII, ISO-8859-1, UTF-8, UTF-16BE, UTF-16LE and UTF-16)",
                        fn, (int)len, name);
}

/* The charset of row i: the fixed one, or the row's name. */
static int32_t row_charset(const tide_column *names, int32_t fixed, int64_t i, const char *fn,
                           char *errbuf, size_t errlen)
{
    if (!names) return fixed;
    int32_t len;
    const char *name = tide_column_bytes(names, i, &len);
    int32_t cs = tide_charset_lookup(name, (size_t)len);
    if (!cs) unknown_charset(fn, name, len, errbuf, errlen);
    return cs;
}

static int put_unit(unsigned char *b, int32_t unit, int le)
{
    b[le] = (unsigned char)(unit >> 8);
    b[!le] = (unsigned char)unit;
    return 2;
}

/* String.getBytes(charset) of the Java String of p. */
static int encode_row(tide_batch *out, tide_column *dst, int64_t *used, const unsigned char *p,
                      int32_t len, int32_t cs, char *errbuf, size_t errlen)
{
    unsigned char buf[256];
    int b = 0;
    if (cs == TIDE_CHARSET_UTF_16 && len > 0) b += put_unit(buf, 0xFEFF, 0);
    for (int32_t i = 0; i < len;) {
        int32_t cp = text_java_code_point(p, &i, len);
        if (cs == TIDE_CHARSET_US_ASCII || cs == TIDE_CHARSET_ISO_8859_1) {
            /* a char the charset lacks, a surrogate pair as one, is '?' */
            int32_t top = cs == TIDE_CHARSET_US_ASCII ? 0x7F : 0xFF;
            buf[b++] = (unsigned char)(cp <= top ? cp : '?');
        } else if (cs == TIDE_CHARSET_UTF_8) {
            b += tide_utf8_encode(cp, buf + b);
        } else {
            int le = cs == TIDE_CHARSET_UTF_16LE;
            if (cp >= 0x10000) {
                b += put_unit(buf + b, 0xD800 + ((cp - 0x10000) >> 10), le);
                b += put_unit(buf + b, 0xDC00 + ((cp - 0x10000) & 0x3FF), le);
            } else {
                b += put_unit(buf + b, cp, le);
            }
        }
        if (b > (int)sizeof buf - 8 || i >= len) {
            if (kernel_str_append(out, dst, used, buf, b, errbuf, errlen)) return -1;
            b = 0;
        }
    }
    return b ? kernel_str_append(out, dst, used, buf, b, errbuf, errlen) : 0;
}

/* new String(bytes, charset), as UTF-8: malformed input is U+FFFD (a
   UTF-16 unit without its pair, an odd last byte, a byte US-ASCII lacks,
   UTF-8's maximal subparts). UTF-16 reads a byte-order mark, else is
   big-endian. */
static int decode_row(tide_batch *out, tide_column *dst, int64_t *used, const unsigned char *p,
                      int32_t len, int32_t cs, char *errbuf, size_t errlen)
{
    unsigned char buf[256];
    int b = 0, le = cs == TIDE_CHARSET_UTF_16LE;
    int32_t i = 0;
    if (cs == TIDE_CHARSET_UTF_16 && len >= 2 &&
        ((p[0] == 0xFE && p[1] == 0xFF) || (p[0] == 0xFF && p[1] == 0xFE)))
        le = p[0] == 0xFF, i = 2;
    while (i < len) {
        int32_t cp;
        if (cs == TIDE_CHARSET_US_ASCII) {
            cp = p[i] < 0x80 ? p[i] : 0xFFFD, i++;
        } else if (cs == TIDE_CHARSET_ISO_8859_1) {
            cp = p[i++];
        } else if (cs == TIDE_CHARSET_UTF_8) {
            size_t w = p[i] < 0x80 ? 1 : tide_utf8_sequence(p + i, (size_t)(len - i));
            if (w == 0) {
                i += (int32_t)tide_utf8_malformed(p + i, (size_t)(len - i));
                cp = 0xFFFD;
            } else {
                cp = text_java_code_point(p, &i, len);
            }
        } else if (i + 1 >= len) {
            cp = 0xFFFD, i = len;
        } else {
            int32_t u = le ? p[i] | p[i + 1] << 8 : p[i] << 8 | p[i + 1];
            i += 2;
            cp = u;
            if (u >= 0xDC00 && u <= 0xDFFF) {
                cp = 0xFFFD;
            } else if (u >= 0xD800 && u <= 0xDBFF) {
                int32_t v = i + 1 < len ? (le ? p[i] | p[i + 1] << 8 : p[i] << 8 | p[i + 1]) : -1;
                if (v >= 0xDC00 && v <= 0xDFFF) {
                    cp = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
                } else {
                    cp = 0xFFFD;
                }
                /* A pair, or a high surrogate and what follows it: Java's
                   decoder replaces the malformed four bytes with one
                   U+FFFD. */
                if (v >= 0) i += 2;
            }
        }
        b += tide_utf8_encode(cp, buf + b);
        if (b > (int)sizeof buf - 8) {
            if (kernel_str_append(out, dst, used, buf, b, errbuf, errlen)) return -1;
            b = 0;
        }
    }
    return kernel_str_append(out, dst, used, buf, b, errbuf, errlen);
}

static int transcode(tide_batch *out, const tide_column *s, const tide_column *names,
                     int32_t charset, int decode, tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    const char *fn = decode ? "decode" : "encode";
    if (text_check(s, decode ? TIDE_BINARY : TIDE_STRING, n, fn, "text", errbuf, errlen) ||
        (names && text_check(names, TIDE_STRING, n, fn, "a charset name", errbuf, errlen)))
        return -1;
    if (!names && (charset < TIDE_CHARSET_US_ASCII || charset > TIDE_CHARSET_UTF_16))
        return kernel_error(errbuf, errlen, "%s: unknown charset %d", fn, charset);
    if (text_alloc(out, dst, decode ? TIDE_STRING : TIDE_BINARY, n, text_data_bytes(s) * 2, s,
                   names) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (tide_valid(dst, i)) {
            int32_t cs = row_charset(names, charset, i, fn, errbuf, errlen), len;
            if (!cs) return -1;
            const unsigned char *p = text_row(s, i, &len);
            int rc = decode ? decode_row(out, dst, &used, p, len, cs, errbuf, errlen)
                            : encode_row(out, dst, &used, p, len, cs, errbuf, errlen);
            if (rc != 0) return -1;
        }
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

int tide_eval_encode(tide_batch *out, const tide_column *s, const tide_column *names,
                     int32_t charset, tide_column *dst, char *errbuf, size_t errlen)
{
    return transcode(out, s, names, charset, 0, dst, errbuf, errlen);
}

int tide_eval_decode(tide_batch *out, const tide_column *b, const tide_column *names,
                     int32_t charset, tide_column *dst, char *errbuf, size_t errlen)
{
    return transcode(out, b, names, charset, 1, dst, errbuf, errlen);
}

/* ---- unhex, to_binary -------------------------------------------------------------- */

static int hex_digit(unsigned char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Hex.unhex: two digits a byte, an odd first digit alone; -1 on anything
   else. Writes the bytes into out (len / 2 + 1 of room). */
static int32_t unhex(const unsigned char *p, int32_t len, unsigned char *out)
{
    int32_t o = 0, i = 0;
    if (len % 2) {
        int d = hex_digit(p[0]);
        if (d < 0) return -1;
        out[o++] = (unsigned char)d, i = 1;
    }
    for (; i < len; i += 2) {
        int hi = hex_digit(p[i]), lo = hex_digit(p[i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[o++] = (unsigned char)(hi << 4 | lo);
    }
    return o;
}

/* UnBase64.isValidBase64 (to_binary's check): groups of four of
   A-Za-z0-9+/, whitespace anywhere before the padding, a last group of
   two or three, or of four with one or two '='. */
static int valid_base64(const unsigned char *p, int32_t len)
{
    int64_t position = 0, pad = 0;
    for (int32_t i = 0; i < len;) {
        int32_t c = text_java_code_point(p, &i, len);
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            c == '+' || c == '/') {
            if (pad) return 0;
            position++;
        } else if (c == '=') {
            if (++pad > 2 || position % 4 < 2) return 0;
        } else if (java_whitespace(c)) {
            if (pad) return 0;
        } else {
            return 0;
        }
    }
    return pad ? (position + pad) % 4 == 0 : position % 4 != 1;
}

/* Decodes valid base64 (valid_base64), whitespace and padding skipped. */
static int32_t base64(const unsigned char *p, int32_t len, unsigned char *out)
{
    uint32_t acc = 0;
    int bits = 0;
    int32_t o = 0;
    for (int32_t i = 0; i < len && p[i] != '='; i++) {
        unsigned char c = p[i];
        int v = c >= 'A' && c <= 'Z'   ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '+'             ? 62
                : c == '/'             ? 63
                                       : -1;
        if (v < 0) continue;
        acc = acc << 6 | (uint32_t)v, bits += 6;
        if (bits >= 8) bits -= 8, out[o++] = (unsigned char)(acc >> bits);
    }
    return o;
}

int tide_eval_unhex(tide_batch *out, const tide_column *s, int32_t mode, tide_column *dst,
                    char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    if (text_check(s, TIDE_STRING, n, "unhex", "a string", errbuf, errlen)) return -1;
    if (mode < TIDE_UNHEX_NULL || mode > TIDE_BASE64_STRICT)
        return kernel_error(errbuf, errlen, "unhex: unknown mode %d", mode);
    if (text_alloc(out, dst, TIDE_BINARY, n, text_data_bytes(s), s, NULL) != 0 ||
        kernel_validity(out, dst) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int b64 = mode == TIDE_BASE64_NULL || mode == TIDE_BASE64_STRICT;
    int strict = mode == TIDE_UNHEX_STRICT || mode == TIDE_BASE64_STRICT;
    unsigned char *buf = NULL;
    size_t cap = 0;
    int64_t used = 0;
    int rc = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        if (tide_valid(dst, i)) {
            int32_t len, got = -1;
            const unsigned char *p = text_row(s, i, &len);
            if ((size_t)len + 4 > cap) {
                unsigned char *b = realloc(buf, (size_t)len + 4);
                if (!b) {
                    rc = kernel_error(errbuf, errlen, "out of memory");
                    break;
                }
                buf = b, cap = (size_t)len + 4;
            }
            if (b64)
                got = valid_base64(p, len) ? base64(p, len, buf) : -1;
            else
                got = unhex(p, len, buf);
            if (got >= 0)
                rc = kernel_str_append(out, dst, &used, buf, got, errbuf, errlen);
            else if (strict)
                rc = kernel_error(errbuf, errlen,
                                  "[CONVERSION_INVALID_INPUT] The value '%.*s' ('%s') cannot be "
                                  "converted to \"BINARY\" because it is malformed. Correct the "
                                  "value as per the syntax, or change its format. Use "
                                  "`try_to_binary` to tolerate malformed input and return NULL "
                                  "instead.",
                                  len, (const char *)p, b64 ? "BASE64" : "HEX");
            else
                tide_mark_null(dst, i);
        }
        kernel_str_end(dst, i, used);
    }
    free(buf);
    if (rc == 0) kernel_finish(dst);
    return rc;
}
