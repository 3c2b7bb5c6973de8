/*
 * eval_url.c — url_encode, url_decode and parse_url (contracts in
 * ffi/text.h) as Spark 3.5 computes them with java.net.URLEncoder,
 * URLDecoder and URI (UTF-8): '+' for a space, %XX for bytes, Spark's
 * CANNOT_DECODE_URL for a broken escape, and a URL's parts as URI's
 * parser finds them (eval_url_uri.c), NULL for what it refuses.
 */
#include "regex_internal.h"
#include "text_kernel.h"
#include "url_uri.h"
#include "ffi/text.h"

#include <stdio.h>
#include <stdlib.h>

/* URLEncoder.encode(s, UTF-8): letters, digits and . - * _ stay, a space
   is '+', every other byte of the (Java String's) UTF-8 is %XX. */
static int encode_row(tide_batch *out, tide_column *dst, int64_t *used, const unsigned char *p,
                      int32_t len, char *errbuf, size_t errlen)
{
    static const char hex[] = "0123456789ABCDEF";
    char buf[256];
    int b = 0;
    for (int32_t i = 0; i < len;) {
        unsigned char c = p[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '-' || c == '*' || c == '_') {
            buf[b++] = (char)c, i++;
        } else if (c == ' ') {
            buf[b++] = '+', i++;
        } else {
            unsigned char u[4];
            int w = tide_utf8_encode(text_java_code_point(p, &i, len), u);
            for (int k = 0; k < w; k++) {
                buf[b++] = '%';
                buf[b++] = hex[u[k] >> 4];
                buf[b++] = hex[u[k] & 15];
            }
        }
        if (b > (int)sizeof buf - 16) {
            if (kernel_str_append(out, dst, used, buf, b, errbuf, errlen)) return -1;
            b = 0;
        }
    }
    return kernel_str_append(out, dst, used, buf, b, errbuf, errlen);
}

static int hex_value(unsigned char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Integer.parseInt of an escape's two characters, base 16 (a sign counts:
   "%+5" is 5); -1 when they are not a number, -2 when negative. */
static int escape_value(const unsigned char *p)
{
    int sign = p[0] == '-' ? -1 : 1, hi = hex_value(p[0]), lo = hex_value(p[1]);
    if ((p[0] == '+' || p[0] == '-') && lo >= 0) return sign < 0 && lo > 0 ? -2 : lo;
    return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
}

/* Appends p[0..len) as the Java String it is (U+FFFD for malformed
   bytes). */
static int append_java_text(tide_batch *out, tide_column *dst, int64_t *used,
                            const unsigned char *p, int32_t len, char *errbuf, size_t errlen)
{
    unsigned char buf[256];
    int b = 0;
    for (int32_t k = 0; k < len;) {
        b += tide_utf8_encode(text_java_code_point(p, &k, len), buf + b);
        if (b > (int)sizeof buf - 8 || k == len) {
            if (kernel_str_append(out, dst, used, buf, b, errbuf, errlen)) return -1;
            b = 0;
        }
    }
    return 0;
}

/* URLDecoder.decode(s, UTF-8): '+' is a space; each run of %XX escapes is
   bytes read as UTF-8 (malformed ones as U+FFFD); -2 for what URLDecoder
   refuses (an incomplete or non-hex escape), -1 out of memory. bytes has
   room for len / 3 + 1. */
static int decode_row(tide_batch *out, tide_column *dst, int64_t *used, const unsigned char *p,
                      int32_t len, unsigned char *bytes, char *errbuf, size_t errlen)
{
    for (int32_t i = 0; i < len;) {
        if (p[i] == '+') {
            i++;
            if (kernel_str_append(out, dst, used, " ", 1, errbuf, errlen)) return -1;
            continue;
        }
        int32_t from = i, nb = 0;
        if (p[i] != '%') {
            while (i < len && p[i] != '%' && p[i] != '+')
                i++;
            if (append_java_text(out, dst, used, p + from, i - from, errbuf, errlen)) return -1;
            continue;
        }
        while (i + 2 < len && p[i] == '%') {
            int v = escape_value(p + i + 1);
            if (v < 0) return -2;
            bytes[nb++] = (unsigned char)v;
            i += 3;
        }
        if (i < len && p[i] == '%') return -2; /* an incomplete escape */
        if (append_java_text(out, dst, used, bytes, nb, errbuf, errlen)) return -1;
    }
    return 0;
}

static int url_codec(tide_batch *out, const tide_column *s, int decode, tide_column *dst,
                     char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    if (text_check(s, TIDE_STRING, n, decode ? "url_decode" : "url_encode", "a string", errbuf,
                   errlen))
        return -1;
    if (text_alloc(out, dst, TIDE_STRING, n, text_data_bytes(s) * (decode ? 1 : 2), s, NULL))
        return kernel_error(errbuf, errlen, "out of memory");
    unsigned char *bytes = NULL;
    size_t cap = 0;
    int64_t used = 0;
    int rc = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        if (tide_valid(dst, i)) {
            int32_t len;
            const unsigned char *p = text_row(s, i, &len);
            if (decode && (size_t)len / 3 + 1 > cap) {
                unsigned char *b = realloc(bytes, (size_t)len / 3 + 1);
                if (!b) {
                    rc = kernel_error(errbuf, errlen, "out of memory");
                    break;
                }
                bytes = b, cap = (size_t)len / 3 + 1;
            }
            rc = decode ? decode_row(out, dst, &used, p, len, bytes, errbuf, errlen)
                        : encode_row(out, dst, &used, p, len, errbuf, errlen);
            if (rc == -2)
                rc = kernel_error(errbuf, errlen,
                                  "[CANNOT_DECODE_URL] The provided URL cannot be decoded: %.*s. "
                                  "Please ensure that the URL is properly formatted and try "
                                  "again.",
                                  len, (const char *)p);
        }
        kernel_str_end(dst, i, used);
    }
    free(bytes);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

int tide_eval_url_encode(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                         size_t errlen)
{
    return url_codec(out, s, 0, dst, errbuf, errlen);
}

int tide_eval_url_decode(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                         size_t errlen)
{
    return url_codec(out, s, 1, dst, errbuf, errlen);
}

/* ---- parse_url ------------------------------------------------------------------------ */

static const char *const PARTS[] = {"HOST",     "PATH", "QUERY",     "REF",
                                    "PROTOCOL", "FILE", "AUTHORITY", "USERINFO"};

/* The part of u that ParseUrl extracts by name (exact, upper case), in a
   (and for FILE, the path, then '?' and the query in b); 0 when the URL
   has none or the name is no part. */
static int url_part(const uri_parts *u, const char *name, int32_t nlen, uri_span *a, uri_span *b)
{
    int k = 0;
    while (k < 8 && !(strlen(PARTS[k]) == (size_t)nlen && memcmp(PARTS[k], name, nlen) == 0))
        k++;
    b->from = -1;
    switch (k) {
    case 0:
        *a = u->host;
        break;
    case 1:
        *a = u->path;
        break;
    case 2:
        *a = u->query;
        break;
    case 3:
        *a = u->fragment;
        break;
    case 4:
        *a = u->scheme;
        break;
    case 5:
        *a = u->path, *b = u->query;
        break;
    case 6:
        *a = u->authority;
        break;
    case 7:
        *a = u->userinfo;
        break;
    default:
        return 0;
    }
    return a->from >= 0;
}

/* The pattern ParseUrl looks for a key with: (&|^)key=([^&]*), the key
   as a regular expression (Spark does not quote it). */
tide_regex *tide_url_key_compile(const char *key, size_t len, char *errbuf, size_t errlen)
{
    char *rx = malloc(len + 16);
    if (!rx) return kernel_error(errbuf, errlen, "out of memory"), NULL;
    memcpy(rx, "(&|^)", 5);
    memcpy(rx + 5, key, len);
    memcpy(rx + 5 + len, "=([^&]*)", 8);
    tide_regex *re = tide_regex_compile(rx, len + 13, errbuf, errlen);
    free(rx);
    return re;
}

int tide_eval_parse_url(tide_batch *out, const tide_column *url, const tide_column *part,
                        const tide_column *key, tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = url->length;
    if (text_check(url, TIDE_STRING, n, "parse_url", "a string", errbuf, errlen) ||
        text_check(part, TIDE_STRING, n, "parse_url", "a string part", errbuf, errlen) ||
        (key && text_check(key, TIDE_STRING, n, "parse_url", "a string key", errbuf, errlen)))
        return -1;
    if (text_alloc(out, dst, TIDE_STRING, n, text_data_bytes(url), url, part) != 0 ||
        (key && kernel_validity_and(out, dst, dst, key) != 0) || kernel_validity(out, dst) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    tide_regex *re = NULL; /* the last key's pattern, kept while rows repeat it */
    const char *last_key = NULL;
    int32_t last_len = -1;
    pcre2_match_data *md = NULL;
    unsigned char *clean = NULL;
    int64_t used = 0;
    int rc = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        if (!tide_valid(dst, i)) {
            kernel_str_end(dst, i, used);
            continue;
        }
        int32_t len, plen;
        const char *s = tide_column_bytes(url, i, &len), *name = tide_column_bytes(part, i, &plen);
        /* the URL as the Java String URI reads (U+FFFD for malformed bytes) */
        size_t nul = 0,
               cn = tide_utf8_replace((const unsigned char *)s, (size_t)len, 0, NULL, &nul);
        if (cn != (size_t)-1 && cn != (size_t)len) {
            unsigned char *c = realloc(clean, cn);
            if (!c) {
                rc = kernel_error(errbuf, errlen, "out of memory");
                break;
            }
            clean = c;
            tide_utf8_replace((const unsigned char *)s, (size_t)len, 0, clean, &nul);
            s = (const char *)clean, len = (int32_t)cn;
        }
        uri_parts u;
        uri_span a = {-1, 0}, b = {-1, 0};
        int have = uri_parse(s, len, &u) == 0 && url_part(&u, name, plen, &a, &b);
        if (have && key) {
            int32_t klen;
            const char *k = tide_column_bytes(key, i, &klen);
            have = plen == 5 && memcmp(name, "QUERY", 5) == 0;
            if (have && (!re || klen != last_len || memcmp(k, last_key, (size_t)klen))) {
                tide_regex_free(re);
                pcre2_match_data_free(md);
                md = NULL;
                re = tide_url_key_compile(k, (size_t)klen, errbuf, errlen);
                if (re) md = pcre2_match_data_create_from_pattern(re->code, NULL);
                if (!re || !md) {
                    rc = re ? kernel_error(errbuf, errlen, "out of memory") : -1;
                    break;
                }
                last_key = k, last_len = klen;
            }
            if (have) {
                int m =
                    pcre2_match(re->code, (PCRE2_SPTR)s + a.from, (size_t)a.len, 0, 0, md, NULL);
                PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
                have = m >= 0 && ov[4] != PCRE2_UNSET;
                if (have) a.from += (int32_t)ov[4], a.len = (int32_t)(ov[5] - ov[4]);
            }
        }
        if (!have) {
            tide_mark_null(dst, i);
        } else {
            rc = kernel_str_append(out, dst, &used, s + a.from, a.len, errbuf, errlen);
            if (rc == 0 && b.from >= 0)
                rc = kernel_str_append(out, dst, &used, "?", 1, errbuf, errlen) ||
                     kernel_str_append(out, dst, &used, s + b.from, b.len, errbuf, errlen);
        }
        kernel_str_end(dst, i, used);
    }
    tide_regex_free(re);
    pcre2_match_data_free(md);
    free(clean);
    if (rc == 0) kernel_finish(dst);
    return rc;
}
