/*
 * json_text.hh — what tide's JSON readers share (from_json*.cc and
 * json_decode.cc; implemented in json_text.cc): simdjson's padding and a
 * parser per thread, RFC 8259 numbers, Java's BigDecimal grammar and
 * base64 read from a value's raw token, and whole values walked, read
 * through or written back as Jackson does. C++ only; nothing here is seen
 * from C.
 */
#ifndef TIDE_JSON_TEXT_HH
#define TIDE_JSON_TEXT_HH

#include <simdjson.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tide_json {

namespace od = simdjson::ondemand;
using simdjson::error_code;

constexpr size_t PADDING = simdjson::SIMDJSON_PADDING;
/* Nesting deeper than this is malformed. Below simdjson's own limit
   (1024), which its On-Demand API leaves to us, and low enough that the
   recursive walk fits the stack of a sanitizer build. */
constexpr int MAX_DEPTH = 512;
/* A parser or scratch buffer grown past this by a huge document is freed
   after the call rather than kept for the next one. */
constexpr size_t KEEP_BYTES = 16u << 20;

typedef __int128 i128;
typedef unsigned __int128 u128;

/* printf into errbuf, when the caller gave one. */
void set_error(char *errbuf, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- per-thread parser and scratch ---------------------------------------- */

struct Scratch {
    std::unique_ptr<od::parser> parser;
    std::vector<char> buf;

    od::parser &get_parser()
    {
        if (!parser) parser.reset(new od::parser());
        return *parser;
    }
    /* Copies text into buf followed by zeroed padding. */
    char *load(const char *text, size_t len)
    {
        if (buf.size() < len + PADDING) buf.resize(len + PADDING);
        if (len) memcpy(buf.data(), text, len);
        memset(buf.data() + len, 0, PADDING);
        return buf.data();
    }
    void trim()
    {
        if (parser && parser->capacity() > KEEP_BYTES) parser.reset();
        if (buf.size() > KEEP_BYTES) std::vector<char>().swap(buf);
    }
};

/* The calling thread's parser and scratch buffer, kept across calls. A
   function, not an extern thread_local: reached from another file, that
   went through a wrapper UBSan saw return null. */
Scratch &thread_scratch();

/* ---- lexical helpers ----------------------------------------------------------- */

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

inline std::string_view trim_right(std::string_view s)
{
    size_t n = s.size();
    while (n > 0 && is_space(s[n - 1])) n--;
    return s.substr(0, n);
}

/* A JSON number's value (tok its text) as Java reads it: simdjson refuses
   magnitudes past a double, which Java reads as infinity (or zero, for
   tiny ones). */
inline double java_read_double(od::value &v, std::string_view tok)
{
    double d;
    if (!v.get_double().get(d)) return d;
    size_t e = tok.find_first_of("eE");
    bool tiny = e != std::string_view::npos && e + 1 < tok.size() && tok[e + 1] == '-';
    d = tiny ? 0.0 : HUGE_VAL;
    return tok[0] == '-' ? -d : d;
}

/* RFC 8259's number grammar; *integral when there is neither a fraction nor
   an exponent (Jackson's VALUE_NUMBER_INT). */
bool json_number(std::string_view s, bool *integral);

/* An integral JSON number (already checked by json_number) as magnitude and
   sign; false when the magnitude exceeds 64 bits. */
bool integer_magnitude(std::string_view s, uint64_t *mag, bool *negative);
/* An integral JSON number (as integer_magnitude) in [lo, hi] into *out;
   false when outside. */
bool integer_in_range(std::string_view s, int64_t lo, int64_t hi, int64_t *out);

/* 10^0 .. 10^38 */
struct Pow10 {
    u128 v[39] = {};
    constexpr Pow10()
    {
        v[0] = 1;
        for (int i = 1; i < 39; i++) v[i] = v[i - 1] * 10;
    }
};
inline constexpr Pow10 POW10;

/* s[from..], when it is 1 to 38 digits and nothing else, as a number (it
   cannot wrap): the first 19 digits in 64 bits, the rest in 128. */
inline bool whole_digits(std::string_view s, size_t from, u128 *out)
{
    size_t n = s.size(), m = from;
    if (m >= n || n - m > 38) return false;
    uint64_t lo = 0;
    for (; m < n && m - from < 19; m++) {
        if (!is_digit(s[m])) return false;
        lo = lo * 10 + (uint64_t)(s[m] - '0');
    }
    u128 v = lo;
    for (; m < n; m++) {
        if (!is_digit(s[m])) return false;
        v = v * 10 + (u128)(s[m] - '0');
    }
    *out = v;
    return true;
}

/* Java's BigDecimal grammar (sign, digits with an optional point, optional
   exponent), which covers JSON numbers, to decimal(precision, scale),
   exactly, rounding half up beyond the scale as Spark's Decimal.set does.
   Commas are skipped when skip_commas (Spark's parser for numeric strings
   drops them). False when not a number or when it needs more digits. */
bool parse_decimal(std::string_view s, int precision, int scale, bool skip_commas, i128 *out);

/* Standard base64 (padding optional) into out, which has room for
   3 * len / 4 + 3 bytes; the decoded length, or -1 when not base64. */
int64_t base64_decode(std::string_view s, unsigned char *out);

/* ---- whole values: walked, read through, written back ------------------------- */

/* fn(key, value) for each member of object v in turn (the key unescaped);
   the first error, the parser's or fn's, ends the walk. */
template <class F> error_code each_member(od::value &v, F &&fn)
{
    od::object o;
    if (auto e = v.get_object().get(o)) return e;
    for (auto fr : o) {
        od::field f;
        if (auto e = std::move(fr).get(f)) return e;
        std::string_view key;
        if (auto e = f.unescaped_key().get(key)) return e;
        if (auto e = fn(key, f.value())) return e;
    }
    return simdjson::SUCCESS;
}

/* fn(element) for each element of array v in turn; the first error, the
   parser's or fn's, ends the walk. */
template <class F> error_code each_element(od::value &v, F &&fn)
{
    od::array a;
    if (auto e = v.get_array().get(a)) return e;
    for (auto er : a) {
        od::value x;
        if (auto e = std::move(er).get(x)) return e;
        if (auto e = fn(x)) return e;
    }
    return simdjson::SUCCESS;
}

/* Reads (and so validates) a whole value, as Jackson tokenizes what Spark
   skips. */
error_code validate(od::value &v, int depth);

/* Reads a whole value (validating it) and writes it as Spark does when a
   string field gets a value that is not a string: Jackson copies the
   parsed tokens into a generator, so the text comes out compact, strings
   re-escaped, integers as they are and other numbers as Java's
   Double.toString prints them (12.50 -> 12.5, 1e2 -> 100.0). */
error_code serialize(od::value &v, std::string &o, int depth);

/* A printable excerpt of a record for error messages (its first 120
   bytes, control bytes as \xNN). */
std::string excerpt(const char *p, size_t len);
/* "an object", "a string", ... for error messages. */
const char *json_type_name(od::json_type t);
/* A column type's name as Spark prints it ("int", "bigint", ...). */
const char *type_name(int32_t type);

} // namespace tide_json

#endif
