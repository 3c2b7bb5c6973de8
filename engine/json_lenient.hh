/*
 * json_lenient.hh — JSON text read as Spark's Jackson parser reads it for
 * the schemaless JSON functions (json_path.cc, json_fields.cc,
 * json_schema_of.cc): single quotes and raw control characters in
 * strings are taken, and only the first value of the text is read. Each
 * row is copied as "[text]" (the wrapper makes a scalar document a value
 * like any other, and the copy has simdjson's padding), its strings
 * rewritten as standard JSON on the way. from_json reads a record that
 * does not parse as it is a second time, as load_first_value copies it.
 * C++ only.
 */
#ifndef TIDE_JSON_LENIENT_HH
#define TIDE_JSON_LENIENT_HH

#include "json_text.hh"

#include <exception>
#include <vector>

namespace tide_json
{

inline bool is_control(unsigned char c)
{
    return c < 0x20;
}

/* buf becomes "[" text "]" and simdjson's padding. */
inline size_t load(std::vector<char> &buf, const char *p, size_t n)
{
    if (buf.size() < n + 2 + PADDING) buf.resize(n + 2 + PADDING);
    buf[0] = '[';
    if (n) memcpy(buf.data() + 1, p, n);
    buf[n + 1] = ']';
    memset(buf.data() + n + 2, 0, PADDING);
    return n + 2;
}

/* Copies the string whose opening quote (" or ') is at p[i] to buf as a
   double-quoted JSON string: in single quotes its \' is a quote and a "
   is escaped (Jackson's ALLOW_SINGLE_QUOTES, which also takes \' in
   double quotes), and with controls its raw control characters are
   escaped (ALLOW_UNESCAPED_CONTROL_CHARS). Returns the index past its
   closing quote, or n when the text ends first. */
inline size_t copy_string(std::vector<char> &buf, const char *p, size_t n, size_t i, bool controls)
{
    static const char hex[] = "0123456789abcdef";
    char quote = p[i++];
    buf.push_back('"');
    while (i < n) {
        size_t j = i;
        while (j < n && p[j] != quote && p[j] != '\\' && p[j] != '"' &&
               !(controls && is_control((unsigned char)p[j])))
            j++;
        buf.insert(buf.end(), p + i, p + j);
        i = j;
        if (i == n) break;
        unsigned char c = (unsigned char)p[i];
        if (c == '\\' && i + 1 < n) {
            if (p[i + 1] == '\'') {
                buf.push_back('\'');
            } else {
                buf.push_back('\\');
                buf.push_back(p[i + 1]);
            }
            i += 2;
        } else if (c == (unsigned char)quote) {
            buf.push_back('"');
            return i + 1;
        } else if (c == '"') {
            buf.push_back('\\');
            buf.push_back('"');
            i++;
        } else if (c == '\\') {
            buf.push_back('\\');
            i++;
        } else {
            const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            buf.insert(buf.end(), esc, esc + 6);
            i++;
        }
    }
    return n;
}

/* As load, quoted strings copied by copy_string. */
inline size_t load_rewritten(std::vector<char> &buf, const char *p, size_t n, bool controls)
{
    buf.clear();
    buf.reserve(n + 2 + PADDING);
    buf.push_back('[');
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && p[j] != '"' && p[j] != '\'')
            j++;
        buf.insert(buf.end(), p + i, p + j);
        if (j == n) break;
        i = copy_string(buf, p, n, j, controls);
    }
    buf.push_back(']');
    size_t len = buf.size();
    buf.resize(len + PADDING, '\0');
    return len;
}

/* Jackson's non-numeric numbers (ALLOW_NON_NUMERIC_NUMBERS) at p[i]: the
   token's length, and in *java the text Java gives its double; 0 when
   none is there. */
inline size_t non_numeric_token(const char *p, size_t n, size_t i, const char **java)
{
    static const struct {
        const char *token, *java;
    } tokens[] = {{"NaN", "NaN"},         {"Infinity", "Infinity"},   {"+Infinity", "Infinity"},
                  {"+INF", "Infinity"},   {"-Infinity", "-Infinity"}, {"-INF", "-Infinity"}};
    for (const auto &t : tokens) {
        size_t len = strlen(t.token);
        if (n - i >= len && memcmp(p + i, t.token, len) == 0) {
            *java = t.java;
            return len;
        }
    }
    return 0;
}

/* The first JSON object or array of a record, as Spark's JacksonParser
   reads it with from_json's default options, copied into buf as standard
   JSON (followed by simdjson's padding) for a second reading when the
   record as it is did not parse: strings in single quotes rewritten
   (quotes, ALLOW_SINGLE_QUOTES), the values NaN, Infinity, +Infinity,
   +INF, -Infinity and -INF written as the strings of their Java text
   ("NaN", "Infinity", "-Infinity"; non_numeric, ALLOW_NON_NUMERIC_NUMBERS)
   with where each one's quote is in buf appended to tokens, and whatever
   follows the value's end left out (Jackson reads no further). Returns
   the length, or 0 when the copy would read as the record did: nothing
   rewritten, nothing cut, or no object or array to begin with. */
inline size_t load_first_value(std::vector<char> &buf, const char *p, size_t n, bool quotes,
                               bool non_numeric, std::vector<size_t> &tokens)
{
    buf.clear();
    tokens.clear();
    size_t i = 0;
    while (i < n && is_space(p[i]))
        i++;
    if (i == n || (p[i] != '{' && p[i] != '[')) return 0;
    buf.reserve(n + PADDING);
    std::vector<char> open; /* the objects and arrays around: '{' or '[' */
    char last = 0;          /* the last of { [ , : outside strings, or 'v' after a value */
    bool changed = false;
    while (i < n) {
        char c = p[i];
        if (c == '"' || (c == '\'' && quotes)) {
            changed |= c == '\'';
            i = copy_string(buf, p, n, i, false);
            last = 'v';
            continue;
        }
        if (c == '{' || c == '[') {
            open.push_back(c);
        } else if (c == '}' || c == ']') {
            if (!open.empty()) open.pop_back();
            if (open.empty()) { /* the value's end: what follows is not read */
                buf.push_back(c);
                changed |= i + 1 < n;
                break;
            }
        } else if (c != ',' && c != ':') {
            /* a value's first byte: a member's, or an array element's */
            bool value_at = last == ':' || (!open.empty() && open.back() == '[' &&
                                            (last == '[' || last == ','));
            const char *java;
            size_t len = non_numeric && value_at ? non_numeric_token(p, n, i, &java) : 0;
            if (len) {
                tokens.push_back(buf.size());
                buf.push_back('"');
                buf.insert(buf.end(), java, java + strlen(java));
                buf.push_back('"');
                changed = true;
                i += len;
                last = 'v';
                continue;
            }
        }
        buf.push_back(c);
        if (!is_space(c)) last = c == '{' || c == '[' || c == ',' || c == ':' ? c : 'v';
        i++;
    }
    if (!changed) return 0;
    size_t len = buf.size();
    buf.resize(len + PADDING, '\0');
    return len;
}

/* The first value of the text, given to f(value) -> error_code; EMPTY
   when the text holds none (it is empty or blank). Strings may be in
   single quotes unless single_quotes is false (Spark's allowSingleQuotes). */
template <class F>
error_code with_value(std::vector<char> &buf, const char *p, size_t n, bool controls,
                      bool single_quotes, F &&f)
{
    /* text without single quotes is copied as it is, and rewritten only
       when simdjson finds raw control characters in a string */
    bool quotes = single_quotes && n && memchr(p, '\'', n);
    size_t len = quotes ? load_rewritten(buf, p, n, controls) : load(buf, p, n);
    od::parser &parser = thread_scratch().get_parser();
    od::document doc;
    error_code e =
        parser.iterate(simdjson::padded_string_view(buf.data(), len, buf.size())).get(doc);
    if (e == simdjson::UNESCAPED_CHARS && controls && !quotes) {
        len = load_rewritten(buf, p, n, controls);
        e = parser.iterate(simdjson::padded_string_view(buf.data(), len, buf.size())).get(doc);
    }
    od::array top;
    if (!e) e = doc.get_array().get(top);
    if (e) return e;
    for (auto er : top) {
        od::value v;
        if ((e = std::move(er).get(v)) || (e = f(v))) return e;
        /* a value the text leaves open ("[1,2") took the wrapper's
           bracket for its own: no token follows it then */
        const char *next;
        return doc.current_location().get(next) ? simdjson::INCOMPLETE_ARRAY_OR_OBJECT
                                                : simdjson::SUCCESS;
    }
    return simdjson::EMPTY;
}

template <class F>
error_code with_value(std::vector<char> &buf, const char *p, size_t n, bool controls, F &&f)
{
    return with_value(buf, p, n, controls, true, std::forward<F>(f));
}

/* Errors of the C++ runtime (out of memory) as error returns. */
template <class F>
auto guarded(const char *what, char *errbuf, size_t errlen, F &&f) -> decltype(f())
{
    try {
        return f();
    } catch (const std::exception &e) {
        set_error(errbuf, errlen, "%s: %s", what, e.what());
    } catch (...) {
        set_error(errbuf, errlen, "%s: failed", what);
    }
    return -1;
}

} // namespace tide_json

#endif
