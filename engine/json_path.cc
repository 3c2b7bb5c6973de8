/*
 * json_path.cc — Spark's JSON functions that read JSON text without a
 * schema (contracts in ffi/json_path.h): get_json_object (Spark's
 * JsonPath, GetJsonObjectEvaluator), json_tuple, json_array_length,
 * json_object_keys, and schema_of_json's inference (JsonInferSchema),
 * with simdjson's On-Demand API.
 *
 * - Spark reads these with a Jackson parser that allows single quotes and
 *   raw control characters in strings: each row is copied as "[text]"
 *   (the wrapper makes a scalar document a value like any other, and the
 *   copy has simdjson's padding), its strings rewritten as standard JSON
 *   on the way. Only the first value of the text is read, as Jackson
 *   stops after the value it was asked for.
 * - Every value passed over is read through (json_text's validate), as
 *   Jackson tokenizes what Spark skips: a syntax error anywhere in a value
 *   that is walked makes the row NULL.
 * - get_json_object's evaluation follows Spark's evaluatePath case by
 *   case over the same three write styles, and its output goes through a
 *   writer that places separators as Jackson's generator does (a wildcard
 *   of one match loses its brackets, of none writes nothing), so that odd
 *   paths give Spark's odd answers too.
 * - From 1024 rows on, rows are cut into parts read at once by the caller
 *   and the worker threads (workers.h) into buffers of their own, joined
 *   in row order: the result is that of one thread.
 */
#include "json_text.hh"

#include <algorithm>
#include <climits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

extern "C" {
#include "ffi/json_path.h"
#include "kernel.h"
#include "workers.h"
}

namespace
{

using namespace tide_json;

/* ---- the text as standard JSON ---------------------------------------------- */

inline bool is_control(unsigned char c)
{
    return c < 0x20;
}

/* buf becomes "[" text "]" and simdjson's padding. */
size_t load(std::vector<char> &buf, const char *p, size_t n)
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
size_t load_rewritten(std::vector<char> &buf, const char *p, size_t n, bool controls)
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

/* ---- what a part of the rows gives ------------------------------------------ */

/* Cells (strings, or NULL) in row order, and per row a count (of cells,
   or the row's number) and whether the row is valid. */
struct Rows {
    std::string bytes;
    std::vector<int64_t> ends;
    std::vector<uint8_t> valid;
    std::vector<int64_t> count;
    std::vector<uint8_t> row_valid;

    void add(std::string_view s)
    {
        bytes.append(s.data(), s.size());
        ends.push_back((int64_t)bytes.size());
        valid.push_back(1);
    }
    void add_null()
    {
        ends.push_back((int64_t)bytes.size());
        valid.push_back(0);
    }
    int64_t cell_start(size_t c) const
    {
        return c ? ends[c - 1] : 0;
    }
};

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

/* A thread's scratch for the rows of one part. */
struct Work {
    std::vector<char> buf;
    std::string text;
    Writer writer;
    std::vector<std::string> values;
    std::vector<uint8_t> found;
    /* get_json_object: the path last compiled, which the next rows
       (those of a literal path, all of them) reuse */
    std::string path_text;
    Path path;
    bool has_path = false, path_ok = false;
};

/* One function over the rows of a column. */
struct Job {
    const tide_column *json = nullptr;
    virtual ~Job() = default;
    virtual void row(int64_t i, Rows &r, Work &w) const = 0;
};

/* ---- get_json_object ---------------------------------------------------------- */

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
                od::array a;
                if (failed(v.get_array().get(a))) return false;
                bool dirty = false;
                for (auto er : a) {
                    od::value x;
                    if (failed(std::move(er).get(x))) return false;
                    dirty |= value(x, g, FLATTEN, at, depth + 1);
                    if (err) return false;
                }
                return dirty;
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
            od::array a;
            if (failed(v.get_array().get(a))) return false;
            bool dirty = false;
            if (wildcard_at(at + 2)) {
                /* [*][*]: Hive's flattened array of the inner arrays' matches */
                g.start_array();
                for (auto er : a) {
                    od::value x;
                    if (failed(std::move(er).get(x))) return false;
                    dirty |= value(x, g, FLATTEN, at + 4, depth + 1);
                    if (err) return false;
                }
                g.end_array();
                return dirty;
            }
            if (style != QUOTED) {
                /* the matches as an array, or the one match alone */
                Writer buf;
                buf.start_array();
                int64_t matched = 0;
                for (auto er : a) {
                    od::value x;
                    if (failed(std::move(er).get(x))) return false;
                    if (value(x, buf, style == RAW ? QUOTED : FLATTEN, at + 2, depth + 1))
                        matched++;
                    if (err) return false;
                }
                buf.end_array();
                if (matched > 1)
                    g.raw_value(buf.out);
                else if (matched == 1)
                    g.raw_value(std::string_view(buf.out).substr(1, buf.out.size() - 2));
                return matched > 0;
            }
            g.start_array();
            for (auto er : a) {
                od::value x;
                if (failed(std::move(er).get(x))) return false;
                dirty |= value(x, g, QUOTED, at + 2, depth + 1);
                if (err) return false;
            }
            g.end_array();
            return dirty;
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
    void row(int64_t i, Rows &r, Work &w) const override;
};

void GetJsonObject::row(int64_t i, Rows &r, Work &w) const
{
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

/* ---- json_tuple, json_array_length, json_object_keys ------------------------------- */

/* A value as json_tuple gives it: a string's text, else the value
   written back. */
error_code value_text(od::value &v, std::string &out, int depth)
{
    od::json_type t;
    if (auto e = v.type().get(t)) return e;
    out.clear();
    if (t == od::json_type::string) {
        std::string_view s;
        if (auto e = v.get_string().get(s)) return e;
        out.assign(s.data(), s.size());
        return simdjson::SUCCESS;
    }
    return serialize(v, out, depth);
}

struct JsonTuple : Job {
    std::vector<const char *> names;
    void row(int64_t i, Rows &r, Work &w) const override
    {
        size_t k = names.size();
        int32_t n;
        const char *text = tide_column_bytes(json, i, &n);
        std::vector<std::string> &got = w.values;
        std::vector<uint8_t> &set = w.found;
        got.resize(k);
        set.assign(k, 0);
        error_code e = simdjson::INCORRECT_TYPE;
        if (tide_valid(json, i)) {
            e = with_value(w.buf, text, (size_t)n, true, [&](od::value &v) -> error_code {
                od::json_type t;
                if (auto e2 = v.type().get(t)) return e2;
                if (t != od::json_type::object) return simdjson::INCORRECT_TYPE;
                od::object o;
                if (auto e2 = v.get_object().get(o)) return e2;
                for (auto fr : o) {
                    od::field f;
                    if (auto e2 = std::move(fr).get(f)) return e2;
                    std::string_view key;
                    if (auto e2 = f.unescaped_key().get(key)) return e2;
                    od::value &x = f.value();
                    bool wanted = false;
                    for (size_t j = 0; j < k && !wanted; j++)
                        wanted = names[j] && key == names[j];
                    od::json_type xt;
                    if (auto e2 = x.type().get(xt)) return e2;
                    if (!wanted || xt == od::json_type::null) {
                        if (auto e2 = validate(x, 2)) return e2;
                        continue;
                    }
                    if (auto e2 = value_text(x, w.text, 2)) return e2;
                    /* SPARK-21804: every field asking for the name gets it */
                    for (size_t j = 0; j < k; j++) {
                        if (names[j] && key == names[j]) {
                            got[j] = w.text;
                            set[j] = 1;
                        }
                    }
                }
                return simdjson::SUCCESS;
            });
        }
        for (size_t j = 0; j < k; j++) {
            if (!e && set[j])
                r.add(got[j]);
            else
                r.add_null();
        }
    }
};

struct JsonArrayLength : Job {
    void row(int64_t i, Rows &r, Work &w) const override
    {
        int32_t n;
        const char *text = tide_column_bytes(json, i, &n);
        int64_t count = 0;
        error_code e = simdjson::INCORRECT_TYPE;
        if (tide_valid(json, i)) {
            e = with_value(w.buf, text, (size_t)n, true, [&](od::value &v) -> error_code {
                od::json_type t;
                if (auto e2 = v.type().get(t)) return e2;
                if (t != od::json_type::array) return simdjson::INCORRECT_TYPE;
                od::array a;
                if (auto e2 = v.get_array().get(a)) return e2;
                for (auto er : a) {
                    od::value x;
                    if (auto e2 = std::move(er).get(x)) return e2;
                    if (auto e2 = validate(x, 2)) return e2;
                    count++;
                }
                return simdjson::SUCCESS;
            });
        }
        r.count.push_back(e ? 0 : count);
        r.row_valid.push_back(e ? 0 : 1);
    }
};

struct JsonObjectKeys : Job {
    void row(int64_t i, Rows &r, Work &w) const override
    {
        int32_t n;
        const char *text = tide_column_bytes(json, i, &n);
        size_t cells = r.ends.size(), bytes = r.bytes.size();
        error_code e = simdjson::INCORRECT_TYPE;
        if (tide_valid(json, i)) {
            e = with_value(w.buf, text, (size_t)n, true, [&](od::value &v) -> error_code {
                od::json_type t;
                if (auto e2 = v.type().get(t)) return e2;
                if (t != od::json_type::object) return simdjson::INCORRECT_TYPE;
                od::object o;
                if (auto e2 = v.get_object().get(o)) return e2;
                for (auto fr : o) {
                    od::field f;
                    if (auto e2 = std::move(fr).get(f)) return e2;
                    std::string_view key;
                    if (auto e2 = f.unescaped_key().get(key)) return e2;
                    r.add(key);
                    if (auto e2 = validate(f.value(), 2)) return e2;
                }
                return simdjson::SUCCESS;
            });
        }
        if (e) {
            /* the keys of a row found malformed half way are dropped */
            r.ends.resize(cells);
            r.valid.resize(cells);
            r.bytes.resize(bytes);
        }
        r.count.push_back((int64_t)(r.ends.size() - cells));
        r.row_valid.push_back(e ? 0 : 1);
    }
};

/* ---- running a job over a column's rows ---------------------------------------- */

struct Part {
    tide_task task;
    const Job *job = nullptr;
    int64_t begin = 0, end = 0;
    Rows rows;
    bool failed = false;
    char err[256] = {0};
};

void run_rows(Part &p)
{
    Work w;
    try {
        for (int64_t i = p.begin; i < p.end; i++)
            p.job->row(i, p.rows, w);
    } catch (const std::exception &e) {
        set_error(p.err, sizeof p.err, "%s", e.what());
        p.failed = true;
    } catch (...) {
        set_error(p.err, sizeof p.err, "failed");
        p.failed = true;
    }
    thread_scratch().trim();
}

void run_part(void *arg)
{
    run_rows(*(Part *)arg);
}

/* Rows a part takes at least: below this, handing rows to another thread
   costs more than reading them. */
constexpr int64_t MIN_PART_ROWS = 512;

/* The parts of a job over n rows, run, in row order; the first runs on
   the caller's thread. False with errbuf when one failed. */
bool run(const Job &job, int64_t n, std::vector<std::unique_ptr<Part>> &parts, const char *what,
         char *errbuf, size_t errlen)
{
    int64_t nparts = 1 + tide_workers_threads();
    if (nparts > n / MIN_PART_ROWS) nparts = n / MIN_PART_ROWS;
    if (nparts < 1) nparts = 1;
    int64_t step = (n + nparts - 1) / nparts;
    for (int64_t begin = 0; begin < n || parts.empty(); begin += step) {
        auto p = std::make_unique<Part>();
        p->job = &job;
        p->begin = begin;
        p->end = begin + step < n ? begin + step : n;
        p->task.fn = run_part;
        p->task.arg = p.get();
        parts.push_back(std::move(p));
        if (step == 0) break;
    }
    struct Waiter {
        std::vector<std::unique_ptr<Part>> &parts;
        size_t submitted = 0;
        ~Waiter()
        {
            for (size_t i = 1; i < submitted; i++)
                tide_workers_wait(&parts[i]->task);
        }
    } waiter{parts};
    for (size_t i = 1; i < parts.size(); i++) {
        tide_workers_submit(&parts[i]->task);
        waiter.submitted = i + 1;
    }
    run_rows(*parts[0]);
    for (size_t i = 1; i < waiter.submitted; i++)
        tide_workers_wait(&parts[i]->task);
    waiter.submitted = 0;
    for (auto &p : parts) {
        if (p->failed) {
            set_error(errbuf, errlen, "%s: %s", what, p->err);
            return false;
        }
    }
    return true;
}

typedef std::vector<std::unique_ptr<Part>> Parts;

/* col becomes a string column of the cells j, j + k, j + 2k, ... of the
   parts' cells, in order. */
bool strings(tide_batch *out, tide_column *col, const char *name, const Parts &parts, size_t k,
             size_t j, const char *what, char *errbuf, size_t errlen)
{
    int64_t m = 0, bytes = 0;
    bool nulls = false;
    for (auto &p : parts) {
        const Rows &r = p->rows;
        for (size_t c = j; c < r.ends.size(); c += k) {
            bytes += r.ends[c] - r.cell_start(c);
            nulls |= !r.valid[c];
            m++;
        }
    }
    if (bytes > INT32_MAX) {
        set_error(errbuf, errlen, "%s: a string column past 2 GiB", what);
        return false;
    }
    if (kernel_alloc(out, col, name, TIDE_STRING, 0, 0, m, bytes) != 0 ||
        (nulls && kernel_validity(out, col) != 0)) {
        set_error(errbuf, errlen, "%s: out of memory", what);
        return false;
    }
    int32_t *off = (int32_t *)col->values;
    int64_t at = 0, row = 0;
    for (auto &p : parts) {
        const Rows &r = p->rows;
        for (size_t c = j; c < r.ends.size(); c += k, row++) {
            int64_t start = r.cell_start(c), len = r.ends[c] - start;
            if (len) memcpy(col->data + at, r.bytes.data() + start, (size_t)len);
            at += len;
            off[row + 1] = (int32_t)at;
            if (!r.valid[c]) tide_mark_null(col, row);
        }
    }
    kernel_finish(col);
    return true;
}

/* dst's validity from the parts' row_valid (a bitmap only when a row is NULL). */
bool row_validity(tide_batch *out, tide_column *dst, const Parts &parts)
{
    int64_t row = 0;
    for (auto &p : parts) {
        for (uint8_t ok : p->rows.row_valid) {
            if (!ok) {
                if (kernel_validity(out, dst) != 0) return false;
                tide_mark_null(dst, row);
            }
            row++;
        }
    }
    return true;
}

bool check_input(const tide_column *json, const char *what, char *errbuf, size_t errlen)
{
    if (json->type != TIDE_STRING && json->type != TIDE_BINARY) {
        set_error(errbuf, errlen, "%s needs a string column", what);
        return false;
    }
    return true;
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

int json_tuple(tide_batch *out, const tide_column *json, const char *const *names, int32_t k,
               tide_column *dst, char *errbuf, size_t errlen)
{
    const char *what = "json_tuple";
    if (!check_input(json, what, errbuf, errlen)) return -1;
    if (k < 1) {
        set_error(errbuf, errlen, "%s needs a field name", what);
        return -1;
    }
    JsonTuple job;
    job.json = json;
    job.names.assign(names, names + k);
    Parts parts;
    if (!run(job, json->length, parts, what, errbuf, errlen)) return -1;
    if (kernel_alloc(out, dst, "", TIDE_STRUCT, 0, 0, json->length, 0) != 0 ||
        !(dst->children =
              (tide_column *)tide_arena_calloc(out->arena, sizeof(tide_column) * (size_t)k))) {
        set_error(errbuf, errlen, "%s: out of memory", what);
        return -1;
    }
    dst->num_children = k;
    for (int32_t j = 0; j < k; j++) {
        std::string name = "c" + std::to_string(j);
        if (!strings(out, &dst->children[j], name.c_str(), parts, (size_t)k, (size_t)j, what,
                     errbuf, errlen))
            return -1;
    }
    return 0;
}

int json_array_length(tide_batch *out, const tide_column *json, tide_column *dst, char *errbuf,
                      size_t errlen)
{
    const char *what = "json_array_length";
    if (!check_input(json, what, errbuf, errlen)) return -1;
    JsonArrayLength job;
    job.json = json;
    Parts parts;
    if (!run(job, json->length, parts, what, errbuf, errlen)) return -1;
    if (kernel_alloc(out, dst, "", TIDE_INT32, 0, 0, json->length, 0) != 0 ||
        !row_validity(out, dst, parts)) {
        set_error(errbuf, errlen, "%s: out of memory", what);
        return -1;
    }
    int32_t *v = (int32_t *)dst->values;
    int64_t row = 0;
    for (auto &p : parts)
        for (int64_t c : p->rows.count)
            v[row++] = (int32_t)c;
    kernel_finish(dst);
    return 0;
}

int json_object_keys(tide_batch *out, const tide_column *json, tide_column *dst, char *errbuf,
                     size_t errlen)
{
    const char *what = "json_object_keys";
    if (!check_input(json, what, errbuf, errlen)) return -1;
    JsonObjectKeys job;
    job.json = json;
    Parts parts;
    if (!run(job, json->length, parts, what, errbuf, errlen)) return -1;
    if (kernel_alloc(out, dst, "", TIDE_ARRAY, 0, 0, json->length, 0) != 0 ||
        !row_validity(out, dst, parts)) {
        set_error(errbuf, errlen, "%s: out of memory", what);
        return -1;
    }
    int64_t *off = (int64_t *)dst->values, row = 0;
    off[0] = 0;
    for (auto &p : parts) {
        for (int64_t c : p->rows.count) {
            off[row + 1] = off[row] + c;
            row++;
        }
    }
    if (!strings(out, &dst->children[0], "element", parts, 1, 0, what, errbuf, errlen)) return -1;
    kernel_finish(dst);
    return 0;
}

/* ---- schema_of_json ---------------------------------------------------------------- */

/* A type JsonInferSchema infers. */
struct Type {
    enum Kind { NUL, BOOLEAN, LONG, DOUBLE, DECIMAL, STRING, ARRAY, STRUCT } kind = NUL;
    int precision = 0, scale = 0;
    std::vector<Type> element;      /* ARRAY: one */
    std::vector<std::string> names; /* STRUCT: sorted by name (stably) */
    std::vector<Type> types;

    static Type of(Kind k, int p = 0, int s = 0)
    {
        Type t;
        t.kind = k;
        t.precision = p;
        t.scale = s;
        return t;
    }
};

Type decimal_merge(const Type &a, const Type &b)
{
    int scale = std::max(a.scale, b.scale);
    int range = std::max(a.precision - a.scale, b.precision - b.scale);
    if (range + scale > 38) return Type::of(Type::DOUBLE);
    return Type::of(Type::DECIMAL, range + scale, scale);
}

/* JsonInferSchema.compatibleType: TypeCoercion.findTightestCommonType,
   else its own rules, else STRING. */
Type compatible(const Type &a, const Type &b)
{
    typedef Type::Kind K;
    if (a.kind == K::NUL) return b;
    if (b.kind == K::NUL) return a;
    if (a.kind == b.kind &&
        (a.kind == K::BOOLEAN || a.kind == K::LONG || a.kind == K::DOUBLE || a.kind == K::STRING))
        return a;
    if (a.kind == K::DECIMAL && b.kind == K::DECIMAL && a.precision == b.precision &&
        a.scale == b.scale)
        return a;
    if ((a.kind == K::LONG && b.kind == K::DOUBLE) || (a.kind == K::DOUBLE && b.kind == K::LONG))
        return Type::of(K::DOUBLE);
    /* a decimal that holds every long (at least 20 integral digits) */
    if (a.kind == K::LONG && b.kind == K::DECIMAL && b.precision - b.scale >= 20) return b;
    if (b.kind == K::LONG && a.kind == K::DECIMAL && a.precision - a.scale >= 20) return a;
    if ((a.kind == K::DOUBLE && b.kind == K::DECIMAL) ||
        (a.kind == K::DECIMAL && b.kind == K::DOUBLE))
        return Type::of(K::DOUBLE);
    if (a.kind == K::DECIMAL && b.kind == K::DECIMAL) return decimal_merge(a, b);
    if (a.kind == K::LONG && b.kind == K::DECIMAL)
        return decimal_merge(Type::of(K::DECIMAL, 20), b);
    if (a.kind == K::DECIMAL && b.kind == K::LONG)
        return decimal_merge(a, Type::of(K::DECIMAL, 20));
    if (a.kind == K::ARRAY && b.kind == K::ARRAY) {
        Type t = Type::of(K::ARRAY);
        t.element.push_back(compatible(a.element[0], b.element[0]));
        return t;
    }
    if (a.kind == K::STRUCT && b.kind == K::STRUCT) {
        /* both sorted by name: merged as sorted lists */
        Type t = Type::of(K::STRUCT);
        size_t i = 0, j = 0;
        while (i < a.names.size() && j < b.names.size()) {
            int c = a.names[i].compare(b.names[j]);
            if (c == 0) {
                t.names.push_back(a.names[i]);
                t.types.push_back(compatible(a.types[i++], b.types[j++]));
            } else if (c < 0) {
                t.names.push_back(a.names[i]);
                t.types.push_back(a.types[i++]);
            } else {
                t.names.push_back(b.names[j]);
                t.types.push_back(b.types[j++]);
            }
        }
        for (; i < a.names.size(); i++)
            t.names.push_back(a.names[i]), t.types.push_back(a.types[i]);
        for (; j < b.names.size(); j++)
            t.names.push_back(b.names[j]), t.types.push_back(b.types[j]);
        return t;
    }
    return Type::of(K::STRING);
}

/* JsonInferSchema.inferField with the default options: integers bigint
   (or a decimal past a long), other numbers double, strings string (an
   empty one nothing yet), objects structs of their members sorted by
   name, arrays of their elements' compatible type. */
error_code infer(od::value &v, Type &out, int depth)
{
    typedef Type::Kind K;
    if (depth > MAX_DEPTH) return simdjson::DEPTH_ERROR;
    od::json_type t;
    if (auto e = v.type().get(t)) return e;
    switch (t) {
    case od::json_type::null: {
        out = Type::of(K::NUL);
        return validate(v, depth);
    }
    case od::json_type::boolean: {
        out = Type::of(K::BOOLEAN);
        return validate(v, depth);
    }
    case od::json_type::string: {
        std::string_view s;
        if (auto e = v.get_string().get(s)) return e;
        out = Type::of(s.empty() ? K::NUL : K::STRING);
        return simdjson::SUCCESS;
    }
    case od::json_type::number: {
        std::string_view tok = trim_right(v.raw_json_token());
        bool integral;
        if (!json_number(tok, &integral)) return simdjson::NUMBER_ERROR;
        int64_t x;
        if (!integral || integer_in_range(tok, INT64_MIN, INT64_MAX, &x)) {
            out = Type::of(integral ? K::LONG : K::DOUBLE);
            return simdjson::SUCCESS;
        }
        /* Jackson's BigInteger: a decimal of its digits, if they fit */
        int digits = (int)(tok.size() - (tok[0] == '-' ? 1 : 0));
        out = digits <= 38 ? Type::of(K::DECIMAL, digits, 0) : Type::of(K::DOUBLE);
        return simdjson::SUCCESS;
    }
    case od::json_type::array: {
        od::array a;
        if (auto e = v.get_array().get(a)) return e;
        Type element;
        for (auto er : a) {
            od::value x;
            if (auto e = std::move(er).get(x)) return e;
            Type xt;
            if (auto e = infer(x, xt, depth + 1)) return e;
            element = compatible(element, xt);
        }
        out = Type::of(K::ARRAY);
        out.element.push_back(std::move(element));
        return simdjson::SUCCESS;
    }
    case od::json_type::object: {
        od::object o;
        if (auto e = v.get_object().get(o)) return e;
        std::vector<std::pair<std::string, Type>> fields;
        for (auto fr : o) {
            od::field f;
            if (auto e = std::move(fr).get(f)) return e;
            std::string_view key;
            if (auto e = f.unescaped_key().get(key)) return e;
            Type ft;
            if (auto e = infer(f.value(), ft, depth + 1)) return e;
            fields.emplace_back(std::string(key), std::move(ft));
        }
        std::stable_sort(fields.begin(), fields.end(),
                         [](const auto &x, const auto &y) { return x.first < y.first; });
        out = Type::of(K::STRUCT);
        for (auto &f : fields) {
            out.names.push_back(std::move(f.first));
            out.types.push_back(std::move(f.second));
        }
        return simdjson::SUCCESS;
    }
    }
    return simdjson::TAPE_ERROR;
}

/* JsonInferSchema.canonicalizeType: no type yet is string; struct fields
   without a name, or of no type, go; a struct left without fields, and
   an array of one, is no type. */
bool canonical(const Type &t, Type &out)
{
    typedef Type::Kind K;
    if (t.kind == K::ARRAY) {
        Type e;
        if (!canonical(t.element[0], e)) return false;
        out = Type::of(K::ARRAY);
        out.element.push_back(std::move(e));
        return true;
    }
    if (t.kind == K::STRUCT) {
        out = Type::of(K::STRUCT);
        for (size_t i = 0; i < t.names.size(); i++) {
            Type ft;
            if (t.names[i].empty() || !canonical(t.types[i], ft)) continue;
            out.names.push_back(t.names[i]);
            out.types.push_back(std::move(ft));
        }
        return !out.names.empty();
    }
    out = t.kind == K::NUL ? Type::of(K::STRING) : t;
    return true;
}

/* A field name as Spark's DDL writes it (QuotingUtils.quoteIfNeeded). */
void field_name(const std::string &name, std::string &o)
{
    bool plain = !name.empty(), digits = true;
    for (char c : name) {
        plain &= is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        digits &= is_digit(c);
    }
    if (plain && !digits) {
        o += name;
        return;
    }
    o += '`';
    for (char c : name) {
        if (c == '`') o += '`';
        o += c;
    }
    o += '`';
}

/* DataType.sql */
void type_sql(const Type &t, std::string &o)
{
    typedef Type::Kind K;
    switch (t.kind) {
    case K::NUL:
        o += "VOID";
        return;
    case K::BOOLEAN:
        o += "BOOLEAN";
        return;
    case K::LONG:
        o += "BIGINT";
        return;
    case K::DOUBLE:
        o += "DOUBLE";
        return;
    case K::STRING:
        o += "STRING";
        return;
    case K::DECIMAL:
        o += "DECIMAL(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
        return;
    case K::ARRAY:
        o += "ARRAY<";
        type_sql(t.element[0], o);
        o += ">";
        return;
    case K::STRUCT:
        o += "STRUCT<";
        for (size_t i = 0; i < t.names.size(); i++) {
            if (i) o += ", ";
            field_name(t.names[i], o);
            o += ": ";
            type_sql(t.types[i], o);
        }
        o += ">";
        return;
    }
}

int64_t schema_of(const char *text, int64_t len, char *buf, int64_t buflen, char *errbuf,
                  size_t errlen)
{
    typedef Type::Kind K;
    std::vector<char> scratch;
    Type t;
    /* Spark's default JSON options: single quotes, no raw control characters */
    error_code e =
        with_value(scratch, text, (size_t)len, false, [&](od::value &v) { return infer(v, t, 1); });
    thread_scratch().trim();
    if (e && e != simdjson::EMPTY) {
        set_error(errbuf, errlen, "schema_of_json: the text is not JSON (%s)",
                  simdjson::error_message(e));
        return -1;
    }
    Type result;
    if (t.kind == K::STRUCT) {
        if (!canonical(t, result)) result = Type::of(K::STRUCT);
    } else if (t.kind == K::ARRAY && t.element[0].kind == K::STRUCT) {
        Type e2;
        result = Type::of(K::ARRAY);
        result.element.push_back(canonical(t.element[0], e2) ? e2 : Type::of(K::STRUCT));
    } else if (!canonical(t, result)) {
        result = Type::of(K::STRING);
    }
    std::string o;
    type_sql(result, o);
    if ((int64_t)o.size() < buflen) memcpy(buf, o.c_str(), o.size() + 1);
    return (int64_t)o.size();
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

} // namespace

extern "C" int tide_eval_get_json_object(tide_batch *out, const tide_column *json,
                                         const tide_column *path, tide_column *dst, char *errbuf,
                                         size_t errlen)
{
    return guarded("get_json_object", errbuf, errlen,
                   [&] { return get_json_object(out, json, path, dst, errbuf, errlen); });
}

extern "C" int tide_eval_json_tuple(tide_batch *out, const tide_column *json,
                                    const char *const *names, int32_t k, tide_column *dst,
                                    char *errbuf, size_t errlen)
{
    return guarded("json_tuple", errbuf, errlen,
                   [&] { return json_tuple(out, json, names, k, dst, errbuf, errlen); });
}

extern "C" int tide_eval_json_array_length(tide_batch *out, const tide_column *json,
                                           tide_column *dst, char *errbuf, size_t errlen)
{
    return guarded("json_array_length", errbuf, errlen,
                   [&] { return json_array_length(out, json, dst, errbuf, errlen); });
}

extern "C" int tide_eval_json_object_keys(tide_batch *out, const tide_column *json,
                                          tide_column *dst, char *errbuf, size_t errlen)
{
    return guarded("json_object_keys", errbuf, errlen,
                   [&] { return json_object_keys(out, json, dst, errbuf, errlen); });
}

extern "C" int64_t tide_json_schema_of(const char *text, int64_t len, char *buf, int64_t buflen,
                                       char *errbuf, size_t errlen)
{
    return guarded("schema_of_json", errbuf, errlen,
                   [&] { return schema_of(text, len, buf, buflen, errbuf, errlen); });
}
