/*
 * json_lenient.hh — JSON text read as Spark's Jackson parser reads it for
 * the schemaless JSON functions (json_path.cc, json_fields.cc,
 * json_schema_of.cc): single quotes and raw control characters in
 * strings are taken, and only the first value of the text is read. Each row is copied as "[text]" (the
 * wrapper makes a scalar document a value like any other, and the copy
 * has simdjson's padding), its strings rewritten as standard JSON on the
 * way. C++ only.
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

/* As load, quoted strings copied as double-quoted JSON strings: in single
   quotes their \' is a quote and a " is escaped (Jackson's
   ALLOW_SINGLE_QUOTES, which also takes \' in double quotes), and with
   controls their raw control characters are escaped
   (ALLOW_UNESCAPED_CONTROL_CHARS). */
inline size_t load_rewritten(std::vector<char> &buf, const char *p, size_t n, bool controls)
{
    static const char hex[] = "0123456789abcdef";
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
        char quote = p[j];
        buf.push_back('"');
        i = j + 1;
        bool closed = false;
        while (i < n && !closed) {
            j = i;
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
                closed = true;
                i++;
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
    }
    buf.push_back(']');
    size_t len = buf.size();
    buf.resize(len + PADDING, '\0');
    return len;
}

/* The first value of the text, given to f(value) -> error_code; EMPTY
   when the text holds none (it is empty or blank). */
template <class F>
error_code with_value(std::vector<char> &buf, const char *p, size_t n, bool controls, F &&f)
{
    /* text without single quotes is copied as it is, and rewritten only
       when simdjson finds raw control characters in a string */
    bool quotes = n && memchr(p, '\'', n);
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
