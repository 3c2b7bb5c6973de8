/*
 * json_text.cc — JSON text as Spark's parser reads and writes it
 * (json_text.hh): the number grammars (RFC 8259's, Java's BigDecimal's)
 * and base64 read from a value's raw token, whole values read through or
 * written back as Jackson does; the error formatting and the per-thread
 * parser.
 */
#include "json_text.hh"

#include <cmath>
#include <cstdarg>
#include <cstdio>

extern "C" {
#include "batch.h"
}

namespace tide_json {

void set_error(char *errbuf, size_t errlen, const char *fmt, ...)
{
    if (!errbuf || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
}

Scratch &thread_scratch()
{
    static thread_local Scratch scratch;
    return scratch;
}

bool json_number(std::string_view s, bool *integral)
{
    size_t i = 0, n = s.size();
    if (i < n && s[i] == '-') i++;
    if (i >= n) return false;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < n && is_digit(s[i])) i++;
    } else {
        return false;
    }
    *integral = true;
    if (i < n && s[i] == '.') {
        i++;
        *integral = false;
        if (i >= n || !is_digit(s[i])) return false;
        while (i < n && is_digit(s[i])) i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        *integral = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        if (i >= n || !is_digit(s[i])) return false;
        while (i < n && is_digit(s[i])) i++;
    }
    return i == n;
}

bool integer_magnitude(std::string_view s, uint64_t *mag, bool *negative)
{
    size_t i = 0;
    *negative = s[0] == '-';
    if (*negative) i++;
    uint64_t v = 0;
    for (; i < s.size(); i++) {
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *mag = v;
    return true;
}

bool integer_in_range(std::string_view s, int64_t lo, int64_t hi, int64_t *out)
{
    uint64_t mag;
    bool neg;
    if (!integer_magnitude(s, &mag, &neg)) return false;
    if (neg) {
        if (mag > (uint64_t)INT64_MAX + 1) return false;
        int64_t v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
        if (v < lo) return false;
        *out = v;
    } else {
        if (mag > (uint64_t)hi) return false;
        *out = (int64_t)mag;
    }
    return true;
}

bool parse_decimal(std::string_view s, int precision, int scale, bool skip_commas, i128 *out)
{
    size_t i = 0, n = s.size();
    bool negative = false;
    /* Plain digits into a decimal(p, 0), an id's usual shape, in one pass;
       anything else takes the general path. */
    u128 whole;
    if (scale == 0 && n > 0 && whole_digits(s, s[0] == '-' || s[0] == '+', &whole)) {
        if (whole >= POW10.v[precision]) return false;
        *out = s[0] == '-' ? -(i128)whole : (i128)whole;
        return true;
    }
    if (i < n && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    /* Significant digits (leading zeros dropped) and the position of the
       decimal point relative to them. */
    char digits[80];
    size_t nd = 0;          /* digits kept */
    int64_t point = 0;      /* digits before the point, counting from the first significant one */
    bool seen_digit = false, seen_point = false;
    /* Only the first precision + scale + 2 significant digits can matter:
       the rest are either an overflow (checked through `point`) or beyond
       the rounding digit. */
    const size_t keep = (size_t)precision + (size_t)scale + 2;
    for (; i < n; i++) {
        char c = s[i];
        if (c == ',' && skip_commas) continue;
        if (c == '.') {
            if (seen_point) return false;
            seen_point = true;
            continue;
        }
        if (!is_digit(c)) break;
        seen_digit = true;
        if (nd == 0 && c == '0') {
            if (seen_point) point--;
            continue;
        }
        if (nd < keep) digits[nd++] = c;
        if (!seen_point) point++;
    }
    if (!seen_digit) return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        if (i >= n || !is_digit(s[i])) return false;
        int64_t e = 0;
        for (; i < n && is_digit(s[i]); i++)
            if (e < 1000000000) e = e * 10 + (s[i] - '0'); /* saturates: the result is 0 or overflow anyway */
        point += eneg ? -e : e;
    }
    if (i != n) return false;
    if (nd == 0) { /* zero */
        *out = 0;
        return true;
    }
    /* value = 0.d1d2d3... * 10^point; integer digits allowed: precision - scale */
    if (point > precision - scale) return false;
    const int64_t wanted = point + scale; /* digits of the scaled integer */
    if (wanted < 0) {
        *out = 0; /* below half a unit of the last place */
        return true;
    }
    /* 64-bit arithmetic for the first 19 digits, 128-bit for the rest */
    int64_t k = 0, have = (int64_t)nd;
    uint64_t lo = 0;
    for (; k < wanted && k < 19; k++) lo = lo * 10 + (uint64_t)(k < have ? digits[k] - '0' : 0);
    u128 v = lo;
    for (; k < wanted; k++) v = v * 10 + (u128)(k < have ? digits[k] - '0' : 0);
    if (wanted < have && digits[wanted] >= '5') v++;
    if (v >= POW10.v[precision]) return false;
    *out = negative ? -(i128)v : (i128)v;
    return true;
}

static int base64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

int64_t base64_decode(std::string_view s, unsigned char *out)
{
    size_t n = s.size();
    while (n > 0 && s[n - 1] == '=') n--;
    if (s.size() - n > 2 || n % 4 == 1) return -1;
    int64_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = base64_value((unsigned char)s[i]);
        if (v < 0) return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return o;
}

/* ---- whole values: read through, written back ---------------------------------- */

/* Reads (and so validates) a whole value, as Jackson tokenizes what Spark
   skips. */
error_code validate(od::value &v, int depth)
{
    if (depth > MAX_DEPTH) return simdjson::DEPTH_ERROR;
    od::json_type t;
    if (auto e = v.type().get(t)) return e;
    switch (t) {
    case od::json_type::object:
        return each_member(v,
                           [&](std::string_view, od::value &x) { return validate(x, depth + 1); });
    case od::json_type::array:
        return each_element(v, [&](od::value &x) { return validate(x, depth + 1); });
    case od::json_type::string: {
        std::string_view s;
        return v.get_string().get(s);
    }
    case od::json_type::number: {
        bool integral;
        return json_number(trim_right(v.raw_json_token()), &integral) ? simdjson::SUCCESS
                                                                      : simdjson::NUMBER_ERROR;
    }
    case od::json_type::boolean: {
        bool b;
        return v.get_bool().get(b);
    }
    case od::json_type::null: {
        bool is_null;
        if (auto e = v.is_null().get(is_null)) return e;
        return is_null ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    }
    }
    return simdjson::TAPE_ERROR;
}

/* Appends a string as Jackson's generator escapes it: \" \\ \b \t \n \f
   \r, other control characters as \u00XX; everything else as it is (the
   input was checked to be UTF-8). */
static void escape_into(std::string &o, std::string_view s)
{
    static const char hex[] = "0123456789ABCDEF";
    o += '"';
    size_t run = 0;
    for (size_t i = 0; i < s.size(); i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        o.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': o += "\\\""; break;
        case '\\': o += "\\\\"; break;
        case '\b': o += "\\b"; break;
        case '\t': o += "\\t"; break;
        case '\n': o += "\\n"; break;
        case '\f': o += "\\f"; break;
        case '\r': o += "\\r"; break;
        default:
            o += "\\u00";
            o += hex[c >> 4];
            o += hex[c & 15];
        }
    }
    o.append(s.data() + run, s.size() - run);
    o += '"';
}

/* Reads a whole value (validating it) and writes it as Spark does when a
   string field gets a value that is not a string: Jackson copies the
   parsed tokens into a generator, so the text comes out compact, strings
   re-escaped, integers as they are and other numbers as Java's
   Double.toString prints them (12.50 -> 12.5, 1e2 -> 100.0). */
error_code serialize(od::value &v, std::string &o, int depth)
{
    if (depth > MAX_DEPTH) return simdjson::DEPTH_ERROR;
    od::json_type t;
    if (auto e = v.type().get(t)) return e;
    switch (t) {
    case od::json_type::object: {
        o += '{';
        bool first = true;
        error_code e = each_member(v, [&](std::string_view key, od::value &x) {
            if (!first) o += ',';
            first = false;
            escape_into(o, key);
            o += ':';
            return serialize(x, o, depth + 1);
        });
        if (e) return e;
        o += '}';
        return simdjson::SUCCESS;
    }
    case od::json_type::array: {
        o += '[';
        bool first = true;
        error_code e = each_element(v, [&](od::value &x) {
            if (!first) o += ',';
            first = false;
            return serialize(x, o, depth + 1);
        });
        if (e) return e;
        o += ']';
        return simdjson::SUCCESS;
    }
    case od::json_type::string: {
        std::string_view str;
        if (auto e = v.get_string().get(str)) return e;
        escape_into(o, str);
        return simdjson::SUCCESS;
    }
    case od::json_type::number: {
        std::string_view tok = trim_right(v.raw_json_token());
        bool integral;
        if (!json_number(tok, &integral)) return simdjson::NUMBER_ERROR;
        if (integral) {
            o += tok == "-0" ? std::string_view("0") : tok;
            return simdjson::SUCCESS;
        }
        double d = java_read_double(v, tok);
        char buf[40];
        int len = tide_format_java_double(d, 0, buf);
        bool finite = std::isfinite(d);
        if (!finite) o += '"'; /* Jackson quotes non-finite numbers */
        o.append(buf, (size_t)len);
        if (!finite) o += '"';
        return simdjson::SUCCESS;
    }
    case od::json_type::boolean: {
        bool b;
        if (auto e = v.get_bool().get(b)) return e;
        o += b ? "true" : "false";
        return simdjson::SUCCESS;
    }
    case od::json_type::null: {
        bool is_null;
        if (auto e = v.is_null().get(is_null)) return e;
        if (!is_null) return simdjson::N_ATOM_ERROR;
        o += "null";
        return simdjson::SUCCESS;
    }
    }
    return simdjson::TAPE_ERROR;
}

/* A printable excerpt of a record for error messages. */
std::string excerpt(const char *p, size_t len)
{
    std::string s;
    size_t n = len < 120 ? len : 120;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x20 || c == 0x7f) {
            char b[8];
            snprintf(b, sizeof b, "\\x%02x", c);
            s += b;
        } else {
            s += (char)c;
        }
    }
    if (n < len) s += "...";
    return s;
}

const char *json_type_name(od::json_type t)
{
    switch (t) {
    case od::json_type::object: return "an object";
    case od::json_type::array: return "an array";
    case od::json_type::string: return "a string";
    case od::json_type::number: return "a number";
    case od::json_type::boolean: return "a boolean";
    case od::json_type::null: return "null";
    }
    return "a value";
}

const char *type_name(int32_t type)
{
    switch (type) {
    case TIDE_BOOL: return "boolean";
    case TIDE_INT32: return "int";
    case TIDE_INT64: return "bigint";
    case TIDE_FLOAT32: return "float";
    case TIDE_FLOAT64: return "double";
    case TIDE_STRING: return "string";
    case TIDE_BINARY: return "binary";
    case TIDE_TIMESTAMP: return "timestamp";
    case TIDE_DATE:
        return "date";
    case TIDE_DECIMAL: return "decimal";
    case TIDE_STRUCT: return "struct";
    case TIDE_ARRAY: return "array";
    case TIDE_MAP: return "map";
    }
    return "?";
}

} // namespace tide_json
