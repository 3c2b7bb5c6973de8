/*
 * eval_url_uri.c — a URL split into its parts as java.net.URI's parser
 * splits it (url_uri.h), which is what parse_url reads: RFC 2396's
 * grammar with Java's deviations. What Java refuses (a space, a '{', a
 * '%' not before two hex digits, a port that is not digits) fails, and a
 * host Java cannot read as a server (an '_' in it) leaves a registry
 * authority without a host. Positions are bytes of UTF-8 text; a
 * character beyond ASCII counts as Java's "other" visible characters do.
 */
#include "url_uri.h"
#include "text_kernel.h"

#include <pthread.h>
#include <stdlib.h>

#define DIGITS   "0123456789"
#define ALPHA    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define ALNUM    DIGITS ALPHA
#define MARK     "-_.!~*'()"
#define UNRESERV ALNUM MARK

/* A class of characters: ASCII ones (a bit each, as Java's masks, made
   from `chars` once), and whether escapes (%XX) and visible non-ASCII
   characters belong to it too. */
typedef struct {
    const char *chars;
    int escaped;
    uint64_t bits[2];
} cls;

static cls C_ALPHA = {ALPHA, 0, {0}}, C_DIGIT = {DIGITS, 0, {0}}, C_ALNUM = {ALNUM, 0, {0}};
static cls C_HEX = {DIGITS "ABCDEFabcdef", 0, {0}}, C_SCHEME = {ALNUM "+-.", 0, {0}};
static cls C_URIC = {UNRESERV ";/?:@&=+$,[]", 1, {0}}, C_PATH = {UNRESERV ":@&=+$,;/", 1, {0}};
static cls C_USERINFO = {UNRESERV ";:&=+$,", 1, {0}}, C_REG_NAME = {UNRESERV "$,;:@&=+", 1, {0}};
static cls C_SERVER = {UNRESERV ";:&=+$,.:@[]", 1, {0}};
static cls C_SERVER_PERCENT = {UNRESERV ";:&=+$,.:@[]%", 1, {0}};
static cls C_SCOPE_ID = {ALNUM "_.", 0, {0}}, C_ALNUM_DASH = {ALNUM "-", 0, {0}};

static pthread_once_t classes_made = PTHREAD_ONCE_INIT;

static void make_classes(void)
{
    cls *all[] = {&C_ALPHA,          &C_DIGIT,    &C_ALNUM,     &C_HEX,      &C_SCHEME,
                  &C_URIC,           &C_PATH,     &C_USERINFO,  &C_REG_NAME, &C_SERVER,
                  &C_SERVER_PERCENT, &C_SCOPE_ID, &C_ALNUM_DASH};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        for (const char *c = all[k]->chars; *c; c++)
            all[k]->bits[*c >> 6] |= (uint64_t)1 << (*c & 63);
}

typedef struct {
    const unsigned char *s;
    int32_t n;
    int failed;
    int ipv6_bytes;
    uri_parts *u;
} parser;

static int32_t char_at(const parser *c, int32_t i, int32_t *w)
{
    if (c->s[i] < 0x80) return *w = 1, c->s[i];
    int32_t k = i, cp = text_java_code_point(c->s, &k, c->n);
    *w = k - i;
    return cp;
}

static int in(const cls *k, int32_t ch)
{
    return ch > 0 && ch < 128 && (k->bits[ch >> 6] >> (ch & 63)) & 1;
}

static int at(const parser *c, int32_t i, int32_t end, char ch)
{
    return i < end && c->s[i] == (unsigned char)ch;
}

/* Character.isSpaceChar or isISOControl, beyond ASCII. */
static int invisible(int32_t ch)
{
    return ch <= 0x9F || ch == 0xA0 || ch == 0x1680 || (ch >= 0x2000 && ch <= 0x200A) ||
           ch == 0x2028 || ch == 0x2029 || ch == 0x202F || ch == 0x205F || ch == 0x3000;
}

/* Parser.scanEscape: past a %XX, or a visible non-ASCII character. */
static int32_t scan_escape(parser *c, int32_t p, int32_t n, int32_t ch, int32_t w)
{
    if (ch == '%') {
        if (p + 3 <= n && in(&C_HEX, c->s[p + 1]) && in(&C_HEX, c->s[p + 2])) return p + 3;
        c->failed = 1; /* Malformed escape pair */
    } else if (ch > 128 && !invisible(ch)) {
        return p + w;
    }
    return p;
}

/* Past the characters of class k from p. */
static int32_t scan(parser *c, int32_t p, int32_t n, const cls *k)
{
    while (p < n && !c->failed) {
        int32_t w, ch = char_at(c, p, &w);
        if (in(k, ch)) {
            p += w;
            continue;
        }
        int32_t q = k->escaped ? scan_escape(c, p, n, ch, w) : p;
        if (q == p) break;
        p = q;
    }
    return p;
}

/* The first character of stop from p (n when none); -1 when one of err
   comes first. */
static int32_t scan_to(const parser *c, int32_t p, int32_t n, const char *err, const char *stop)
{
    for (; p < n; p++) {
        if (c->s[p] >= 0x80) continue;
        if (strchr(err, c->s[p]) && c->s[p]) return -1;
        if (strchr(stop, c->s[p]) && c->s[p]) break;
    }
    return p;
}

static void check(parser *c, int32_t p, int32_t n, const cls *k)
{
    if (scan(c, p, n, k) < n) c->failed = 1;
}

static uri_span span(int32_t from, int32_t to)
{
    return (uri_span){from, to - from};
}

/* ---- hosts ------------------------------------------------------------------ */

/* Parser.scanByte: up to three digits of a value below 256. */
static int32_t scan_byte(parser *c, int32_t p, int32_t n)
{
    int32_t q = scan(c, p, n, &C_DIGIT);
    if (q <= p) return q;
    int64_t v = 0;
    for (int32_t i = p; i < q && v <= 255; i++)
        v = v * 10 + (c->s[i] - '0');
    return v > 255 ? p : q;
}

/* Parser.scanIPv4Address; strict: the address must end at n. -1 when
   there is none. */
static int32_t scan_ipv4(parser *c, int32_t p, int32_t n, int strict)
{
    int32_t m = p;
    while (m < n && (in(&C_DIGIT, c->s[m]) || c->s[m] == '.'))
        m++;
    if (m <= p || (strict && m != n)) return -1;
    int32_t q = p;
    for (int k = 0; k < 4; k++) {
        if ((q = scan_byte(c, p, m)) <= p) break;
        p = q;
        if (k == 3) {
            if (q < m) break;
            return q;
        }
        if ((q = at(c, p, m, '.') ? p + 1 : p) <= p) break;
        p = q;
    }
    c->failed = 1; /* Malformed IPv4 address */
    return -1;
}

/* Parser.parseIPv4Address: a host that is an IPv4 address, followed by
   nothing or ':'; -1 when it is not one (not a failure). */
static int32_t parse_ipv4(parser *c, int32_t p, int32_t n)
{
    parser probe = *c;
    int32_t q = scan_ipv4(&probe, p, n, 0);
    if (probe.failed) return -1;
    if (q > p && q < n && c->s[q] != ':') q = -1;
    if (q > p) c->u->host = span(p, q);
    return q;
}

/* Parser.parseHostname: dot-separated labels of letters, digits and
   inner dashes, the last starting with a letter. */
static int32_t parse_hostname(parser *c, int32_t start, int32_t n)
{
    int32_t p = start, q, last = -1;
    do {
        q = scan(c, p, n, &C_ALNUM);
        if (q <= p) break;
        last = p, p = q;
        q = scan(c, p, n, &C_ALNUM_DASH);
        if (q > p) {
            if (c->s[q - 1] == '-') return c->failed = 1, -1;
            p = q;
        }
        q = at(c, p, n, '.') ? p + 1 : p;
        if (q <= p) break;
        p = q;
    } while (p < n);
    if ((p < n && !at(c, p, n, ':')) || last < 0 || (last > start && !in(&C_ALPHA, c->s[last])))
        return c->failed = 1, -1;
    c->u->host = span(start, p);
    return p;
}

/* Parser.scanHexSeq: hex groups of at most four digits joined by ':' (not
   "::"), stopping before an IPv4 address; -1 when there is none. */
static int32_t scan_hex_seq(parser *c, int32_t p, int32_t n)
{
    int32_t q = scan(c, p, n, &C_HEX);
    if (q <= p || at(c, q, n, '.')) return -1;
    if (q > p + 4) return c->failed = 1, -1;
    c->ipv6_bytes += 2;
    p = q;
    while (p < n && at(c, p, n, ':') && !at(c, p + 1, n, ':')) {
        p++;
        q = scan(c, p, n, &C_HEX);
        if (q <= p) return c->failed = 1, -1;
        if (at(c, q, n, '.')) {
            p--;
            break;
        }
        if (q > p + 4) return c->failed = 1, -1;
        c->ipv6_bytes += 2;
        p = q;
    }
    return p;
}

static int32_t take_ipv4(parser *c, int32_t p, int32_t n)
{
    int32_t q = scan_ipv4(c, p, n, 1);
    if (q <= p) c->failed = 1;
    c->ipv6_bytes += 4;
    return q;
}

/* Parser.scanHexPost: after "::". */
static int32_t scan_hex_post(parser *c, int32_t p, int32_t n)
{
    if (p == n) return p;
    int32_t q = scan_hex_seq(c, p, n);
    if (c->failed) return -1;
    if (q > p) return at(c, q, n, ':') ? take_ipv4(c, q + 1, n) : q;
    return take_ipv4(c, p, n);
}

/* Parser.parseIPv6Reference: the address between the brackets. */
static void parse_ipv6(parser *c, int32_t p, int32_t n)
{
    int compressed = 0;
    int32_t q = scan_hex_seq(c, p, n);
    if (c->failed) return;
    if (q > p) {
        p = q;
        if (at(c, p, n, ':') && at(c, p + 1, n, ':'))
            compressed = 1, p = scan_hex_post(c, p + 2, n);
        else if (at(c, p, n, ':'))
            p = take_ipv4(c, p + 1, n);
    } else if (at(c, p, n, ':') && at(c, p + 1, n, ':')) {
        compressed = 1, p = scan_hex_post(c, p + 2, n);
    }
    if (c->failed || p < n || c->ipv6_bytes > 16 || (!compressed && c->ipv6_bytes < 16) ||
        (compressed && c->ipv6_bytes == 16))
        c->failed = 1;
}

/* Parser.parseServer: [userinfo@]host[:port] filling all of [p, n). */
static int32_t parse_server(parser *c, int32_t p, int32_t n)
{
    int32_t q = scan_to(c, p, n, "/?#", "@");
    if (q >= p && at(c, q, n, '@')) {
        check(c, p, q, &C_USERINFO);
        c->u->userinfo = span(p, q);
        p = q + 1;
    }
    if (c->failed) return -1;
    if (at(c, p, n, '[')) {
        p++;
        q = scan_to(c, p, n, "/?#", "]");
        if (!(q > p && at(c, q, n, ']'))) return c->failed = 1, -1;
        int32_t r = scan_to(c, p, q, "", "%");
        if (r > p && r < q) {
            parse_ipv6(c, p, r);
            if (r + 1 == q) c->failed = 1;
            check(c, r + 1, q, &C_SCOPE_ID);
        } else {
            parse_ipv6(c, p, q);
        }
        if (c->failed) return -1;
        c->u->host = span(p - 1, q + 1);
        p = q + 1;
    } else {
        q = parse_ipv4(c, p, n);
        if (q <= p) q = parse_hostname(c, p, n);
        if (c->failed) return -1;
        p = q;
    }
    if (at(c, p, n, ':')) {
        p++;
        q = scan_to(c, p, n, "", "/");
        if (q > p) {
            check(c, p, q, &C_DIGIT);
            int64_t port = 0;
            for (int32_t i = p; i < q && port <= INT32_MAX; i++)
                port = port * 10 + (c->s[i] - '0');
            if (port > INT32_MAX) c->failed = 1; /* Malformed port number */
            p = q;
        }
    }
    if (p < n) c->failed = 1;
    return c->failed ? -1 : p;
}

/* Parser.parseAuthority: a server, when it reads as one, else a registry
   name (no host), else a failure. A malformed escape fails at once. */
static void parse_authority(parser *c, int32_t p, int32_t n)
{
    /* (Java takes '%' as a server character unless ']' comes first) */
    const cls *k = scan_to(c, p, n, "", "]") > p ? &C_SERVER_PERCENT : &C_SERVER;
    int server = scan(c, p, n, k) == n;
    int reg = !c->failed && scan(c, p, n, &C_REG_NAME) == n;
    if (c->failed) return;
    if (reg && !server) {
        c->u->authority = span(p, n);
        return;
    }
    if (server) {
        parser try = *c;
        uri_parts parts = *c->u;
        try.u = &parts;
        if (parse_server(&try, p, n) >= 0) {
            *c->u = parts;
            c->u->authority = span(p, n);
            return;
        }
    }
    if (reg)
        c->u->authority = span(p, n);
    else
        c->failed = 1;
}

/* Parser.parseHierarchical: [//authority]path[?query]. */
static int32_t parse_hierarchical(parser *c, int32_t p, int32_t n)
{
    if (at(c, p, n, '/') && at(c, p + 1, n, '/')) {
        p += 2;
        int32_t q = scan_to(c, p, n, "", "/?#");
        if (q > p)
            parse_authority(c, p, q), p = q;
        else if (q >= n)
            c->failed = 1; /* an authority is expected */
        if (c->failed) return -1;
    }
    int32_t q = scan_to(c, p, n, "", "?#");
    check(c, p, q, &C_PATH);
    c->u->path = span(p, q);
    p = q;
    if (at(c, p, n, '?')) {
        p++;
        q = scan_to(c, p, n, "", "#");
        check(c, p, q, &C_URIC);
        c->u->query = span(p, q);
        p = q;
    }
    return c->failed ? -1 : p;
}

int uri_parse(const char *s, int32_t n, uri_parts *out)
{
    pthread_once(&classes_made, make_classes);
    uri_span none = {-1, 0};
    *out = (uri_parts){none, none, none, none, none, none, none};
    parser c = {(const unsigned char *)s, n, 0, 0, out};
    int32_t p = scan_to(&c, 0, n, "/?#", ":");
    if (p >= 0 && at(&c, p, n, ':')) {
        if (p == 0 || !in(&C_ALPHA, c.s[0])) return -1;
        check(&c, 1, p, &C_SCHEME);
        out->scheme = span(0, p);
        p++;
        if (at(&c, p, n, '/')) {
            p = parse_hierarchical(&c, p, n);
        } else {
            /* an opaque URI (mailto:x): no authority, path or query */
            int32_t q = scan_to(&c, p, n, "", "#");
            if (q <= p) return -1;
            check(&c, p, q, &C_URIC);
            p = q;
        }
    } else {
        p = parse_hierarchical(&c, 0, n);
    }
    if (c.failed || p < 0) return -1;
    if (at(&c, p, n, '#')) {
        check(&c, p + 1, n, &C_URIC);
        out->fragment = span(p + 1, n);
        p = n;
    }
    return c.failed || p < n ? -1 : 0;
}
