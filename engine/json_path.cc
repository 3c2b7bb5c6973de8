/*
 * json_path.cc — get_json_object (contract in ffi/json_path.h): Spark's
 * JsonPath and GetJsonObjectEvaluator, with simdjson's On-Demand API.
 *
 * - Spark reads it with a Jackson parser that allows single quotes and
 *   raw control characters in strings (json_lenient.hh); only the first
 *   value of the text is read, as Jackson stops after the value it was
 *   asked for.
 * - Every value passed over is read through (json_text's validate), as
 *   Jackson tokenizes what Spark skips: a syntax error anywhere in a value
 *   that is walked makes the row NULL.
 * - The evaluation follows Spark's evaluatePath case by
 *   case over the same three write styles, and its output goes through a
 *   writer that places separators as Jackson's generator does (a wildcard
 *   of one match loses its brackets, of none writes nothing), so that odd
 *   paths give Spark's odd answers too.
 * - Rows run in parts on the worker threads (json_rows.hh).
 */
#include "json_rows.hh"

#include <algorithm>
#include <climits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

extern "C" {
#include "ffi/json_path.h"
}

namespace
{

using namespace tide_json;

/* get_json_object's paths: Spark's PathInstructions. */
enum Op : uint8_t { SUBSCRIPT, WILDCARD, KEY, INDEX, NAMED };
struct Instr {
    Op op;
    int64_t index;
    std::string name;
};
typedef std::vector<Instr> Path;

/* Writes values as Jackson's generator places them: a comma between the
   values of an array, a space between values at the root; a raw write
   adds no separator (writeRaw), a raw value does (writeRawValue). */
struct Writer {
    std::string out;
    std::vector<int64_t> written{0};

    void clear()
    {
        out.clear();
        written.assign(1, 0);
    }
    void separate()
    {
        if (written.back()++ > 0) out += written.size() == 1 ? ' ' : ',';
    }
    void start_array()
    {
        separate();
        out += '[';
        written.push_back(0);
    }
    void end_array()
    {
        written.pop_back();
        out += ']';
    }
    void raw(std::string_view s)
    {
        out.append(s.data(), s.size());
    }
    void raw_value(std::string_view s)
    {
        separate();
        raw(s);
    }
    error_code copy(od::value &v, int depth)
    {
        separate();
        return serialize(v, out, depth);
    }
};

/* A thread's scratch: the path last compiled, which the next rows (those
   of a literal path, all of them) reuse, and the writer of the values. */
struct PathWork : Work {
    Writer writer;
    std::string path_text;
    Path path;
    bool has_path = false, path_ok = false;
};

/* Java's \s, which Scala's RegexParsers skips before a string or a
   regular expression (not before a single character). */
inline bool is_java_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\x0B' || c == '\f' || c == '\r';
}

/* Spark's JsonPathParser: root ~> rep(wildcard | named | subscript), the
   whole text, where wildcard is ".*" | "['*']", named '.' ~> [^.\[]+ |
   "['" ~> [^']+ <~ "']", and subscript '[' ~> ('*' | \d+) <~ ']'. */
struct PathParser {
    std::string_view s;
    size_t space(size_t i) const
    {
        while (i < s.size() && is_java_space(s[i]))
            i++;
        return i;
    }
    /* a string token at i, after white space; its end */
    bool literal(size_t i, std::string_view lit, size_t *end) const
    {
        i = space(i);
        if (s.substr(i, lit.size()) != lit) return false;
        *end = i + lit.size();
        return true;
    }
    bool parse(Path &out) const
    {
        size_t n = s.size(), i = 1, end;
        if (n == 0 || s[0] != '$') return false;
        for (;;) {
            if (literal(i, ".*", &end) || literal(i, "['*']", &end)) {
                out.push_back({WILDCARD, 0, {}});
                i = end;
                continue;
            }
            if (i < n && s[i] == '.') {
                size_t a = space(i + 1), b = a;
                while (b < n && s[b] != '.' && s[b] != '[')
                    b++;
                if (b == a) break;
                out.push_back({KEY, 0, {}});
                out.push_back({NAMED, 0, std::string(s.substr(a, b - a))});
                i = b;
                continue;
            }
            if (literal(i, "['", &end)) {
                size_t a = space(end), b = a;
                /* Spark's [^'?]+: a '?' makes the path invalid */
                while (b < n && s[b] != '\'' && s[b] != '?')
                    b++;
                if (b > a && literal(b, "']", &end)) {
                    out.push_back({KEY, 0, {}});
                    out.push_back({NAMED, 0, std::string(s.substr(a, b - a))});
                    i = end;
                    continue;
                }
            }
            if (i < n && s[i] == '[') {
                if (i + 1 < n && s[i + 1] == '*') {
                    if (i + 2 >= n || s[i + 2] != ']') break;
                    out.push_back({SUBSCRIPT, 0, {}});
                    out.push_back({WILDCARD, 0, {}});
                    i += 3;
                    continue;
                }
                size_t a = space(i + 1), b = a;
                while (b < n && is_digit(s[b]))
                    b++;
                if (b == a || b >= n || s[b] != ']') break;
                /* Scala's toLong of an index past a long fails the query;
                   here the path is simply not one */
                size_t z = a;
                while (z + 1 < b && s[z] == '0')
                    z++;
                if (b - z > 19 || (b - z == 19 && s.substr(z, 19) > "9223372036854775807"))
                    return false;
                int64_t v = 0;
                for (size_t k = z; k < b; k++)
                    v = v * 10 + (s[k] - '0');
                out.push_back({SUBSCRIPT, 0, {}});
                out.push_back({INDEX, v, {}});
                i = b + 1;
                continue;
            }
            break;
        }
        return space(i) == n;
    }
};

enum Style { RAW, QUOTED, FLATTEN };

/* Spark's evaluatePath over one document: value() is the path from
   path[at] on at a value, member() at an object's member; each returns
   whether it wrote a match, err the first failure (the row is NULL). */
struct Evaluator {
    const Path &path;
    error_code err = simdjson::SUCCESS;

    bool failed(error_code e)
    {
        if (e && !err) err = e;
        return err != simdjson::SUCCESS;
    }
    bool skip(od::value &v, int depth)
    {
        failed(validate(v, depth));
        return false;
    }
    bool wildcard_at(size_t at) const
    {
        return at + 1 < path.size() && path[at].op == SUBSCRIPT && path[at + 1].op == WILDCARD;
    }
    /* value() over each element of array v, path[at] on: how many wrote a
       match, -1 on a failure. */
    int64_t elements(od::value &v, Writer &g, Style style, size_t at, int depth)
    {
        od::array a;
        if (failed(v.get_array().get(a))) return -1;
        int64_t matched = 0;
        for (auto er : a) {
            od::value x;
            if (failed(std::move(er).get(x))) return -1;
            if (value(x, g, style, at, depth + 1)) matched++;
            if (err) return -1;
        }
        return matched;
    }

    bool value(od::value &v, Writer &g, Style style, size_t at, int depth)
    {
        if (depth > MAX_DEPTH) return failed(simdjson::DEPTH_ERROR), false;
        od::json_type t;
        if (failed(v.type().get(t))) return false;
        if (at == path.size()) {
            if (t == od::json_type::string && style == RAW) {
                std::string_view s;
                if (failed(v.get_string().get(s))) return false;
                g.raw(s);
                return true;
            }
            if (t == od::json_type::array && style == FLATTEN) {
                /* the elements go into the array being written */
                return elements(v, g, FLATTEN, at, depth) > 0;
            }
            return !failed(g.copy(v, depth));
        }
        if (t == od::json_type::object && path[at].op == KEY) {
            od::object o;
            if (failed(v.get_object().get(o))) return false;
            bool dirty = false;
            for (auto fr : o) {
                od::field f;
                if (failed(std::move(fr).get(f))) return false;
                /* once a member matched, the others are only read through */
                if (dirty)
                    skip(f.value(), depth + 1);
                else
                    dirty = member(f, g, style, at + 1, depth + 1);
                if (err) return false;
            }
            return dirty;
        }
        if (t == od::json_type::array && wildcard_at(at)) {
            if (wildcard_at(at + 2)) {
                /* [*][*]: Hive's flattened array of the inner arrays' matches */
                g.start_array();
                int64_t matched = elements(v, g, FLATTEN, at + 4, depth);
                if (matched < 0) return false;
                g.end_array();
                return matched > 0;
            }
            if (style != QUOTED) {
                /* the matches as an array, or the one match alone */
                Writer buf;
                buf.start_array();
                int64_t matched = elements(v, buf, style == RAW ? QUOTED : FLATTEN, at + 2, depth);
                if (matched < 0) return false;
                buf.end_array();
                if (matched > 1)
                    g.raw_value(buf.out);
                else if (matched == 1)
                    g.raw_value(std::string_view(buf.out).substr(1, buf.out.size() - 2));
                return matched > 0;
            }
            g.start_array();
            int64_t matched = elements(v, g, QUOTED, at + 2, depth);
            if (matched < 0) return false;
            g.end_array();
            return matched > 0;
        }
        if (t == od::json_type::array && at + 1 < path.size() && path[at].op == SUBSCRIPT &&
            path[at + 1].op == INDEX) {
            od::array a;
            if (failed(v.get_array().get(a))) return false;
            /* an index before [*] has one match or more: quoted */
            Style next = wildcard_at(at + 2) ? QUOTED : style;
            int64_t k = 0, want = path[at + 1].index;
            bool dirty = false;
            for (auto er : a) {
                od::value x;
                if (failed(std::move(er).get(x))) return false;
                if (k++ == want)
                    dirty = value(x, g, next, at + 2, depth + 1);
                else
                    skip(x, depth + 1);
                if (err) return false;
            }
            return dirty;
        }
        return skip(v, depth);
    }

    /* A member of an object, path[at] the name that follows the key step. */
    bool member(od::field &f, Writer &g, Style style, size_t at, int depth)
    {
        std::string_view key;
        if (failed(f.unescaped_key().get(key))) return false;
        od::value &v = f.value();
        if (at < path.size() && path[at].op == NAMED && key == path[at].name) {
            od::json_type t;
            if (failed(v.type().get(t))) return false;
            /* a member holding null matches nothing */
            if (t == od::json_type::null) return skip(v, depth);
            return value(v, g, style, at + 1, depth);
        }
        return skip(v, depth);
    }
};

struct GetJsonObject : Job {
    const tide_column *path_col = nullptr;
    std::unique_ptr<Work> work() const override
    {
        return std::make_unique<PathWork>();
    }
    void row(int64_t i, Rows &r, Work &scratch) const override;
};

void GetJsonObject::row(int64_t i, Rows &r, Work &scratch) const
{
    PathWork &w = static_cast<PathWork &>(scratch);
    int32_t n, pn;
    const char *text = tide_column_bytes(json, i, &n);
    const char *ptext = tide_column_bytes(path_col, i, &pn);
    if (!tide_valid(json, i) || !tide_valid(path_col, i)) return r.add_null();
    std::string_view p(ptext, (size_t)pn);
    if (!w.has_path || p != w.path_text) {
        w.path.clear();
        w.path_text.assign(p.data(), p.size());
        w.path_ok = PathParser{p}.parse(w.path);
        w.has_path = true;
    }
    if (!w.path_ok) return r.add_null();
    Writer &g = w.writer;
    g.clear();
    Evaluator ev{w.path};
    bool matched = false;
    error_code e = with_value(w.buf, text, (size_t)n, true, [&](od::value &v) {
        matched = ev.value(v, g, RAW, 0, 1);
        return ev.err;
    });
    if (e || !matched) return r.add_null();
    r.add(g.out);
}

int get_json_object(tide_batch *out, const tide_column *json, const tide_column *path,
                    tide_column *dst, char *errbuf, size_t errlen)
{
    const char *what = "get_json_object";
    if (!check_input(json, what, errbuf, errlen) || !check_input(path, what, errbuf, errlen))
        return -1;
    if (path->length != json->length) {
        set_error(errbuf, errlen, "%s: %lld paths for %lld rows", what, (long long)path->length,
                  (long long)json->length);
        return -1;
    }
    GetJsonObject job;
    job.json = json;
    job.path_col = path;
    Parts parts;
    if (!run(job, json->length, parts, what, errbuf, errlen) ||
        !strings(out, dst, "", parts, 1, 0, what, errbuf, errlen))
        return -1;
    return 0;
}

} // namespace

extern "C" int tide_eval_get_json_object(tide_batch *out, const tide_column *json,
                                         const tide_column *path, tide_column *dst, char *errbuf,
                                         size_t errlen)
{
    return guarded("get_json_object", errbuf, errlen,
                   [&] { return get_json_object(out, json, path, dst, errbuf, errlen); });
}
