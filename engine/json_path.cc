/*
 * json_path.cc — Spark's JSON functions that read JSON text without a
 * schema (contracts in ffi/json_path.h): get_json_object (Spark's
 * JsonPath, GetJsonObjectEvaluator), json_tuple, json_array_length and
 * json_object_keys, with simdjson's On-Demand API.
 *
 * - Spark reads these with a Jackson parser that allows single quotes and
 *   raw control characters in strings (json_lenient.hh); only the first
 *   value of the text is read, as Jackson stops after the value it was
 *   asked for.
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
#include "json_lenient.hh"

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

/* f(value) on the JSON value of row i of json, when it is a `want`;
   INCORRECT_TYPE when the row is NULL or its value of another type. */
template <class F>
error_code with_row_value(const tide_column *json, int64_t i, Work &w, od::json_type want, F &&f)
{
    if (!tide_valid(json, i)) return simdjson::INCORRECT_TYPE;
    int32_t n;
    const char *text = tide_column_bytes(json, i, &n);
    return with_value(w.buf, text, (size_t)n, true, [&](od::value &v) -> error_code {
        od::json_type t;
        if (auto e = v.type().get(t)) return e;
        if (t != want) return simdjson::INCORRECT_TYPE;
        return f(v);
    });
}

struct JsonTuple : Job {
    std::vector<const char *> names;
    void row(int64_t i, Rows &r, Work &w) const override
    {
        size_t k = names.size();
        std::vector<std::string> &got = w.values;
        std::vector<uint8_t> &set = w.found;
        got.resize(k);
        set.assign(k, 0);
        error_code e = with_row_value(json, i, w, od::json_type::object, [&](od::value &v) {
            return each_member(v, [&](std::string_view key, od::value &x) -> error_code {
                bool wanted = false;
                for (size_t j = 0; j < k && !wanted; j++)
                    wanted = names[j] && key == names[j];
                od::json_type xt;
                if (auto e2 = x.type().get(xt)) return e2;
                if (!wanted || xt == od::json_type::null) return validate(x, 2);
                if (auto e2 = value_text(x, w.text, 2)) return e2;
                /* SPARK-21804: every field asking for the name gets it */
                for (size_t j = 0; j < k; j++) {
                    if (names[j] && key == names[j]) {
                        got[j] = w.text;
                        set[j] = 1;
                    }
                }
                return simdjson::SUCCESS;
            });
        });
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
        int64_t count = 0;
        error_code e = with_row_value(json, i, w, od::json_type::array, [&](od::value &v) {
            return each_element(v, [&](od::value &x) {
                count++;
                return validate(x, 2);
            });
        });
        r.count.push_back(e ? 0 : count);
        r.row_valid.push_back(e ? 0 : 1);
    }
};

struct JsonObjectKeys : Job {
    void row(int64_t i, Rows &r, Work &w) const override
    {
        size_t cells = r.ends.size(), bytes = r.bytes.size();
        error_code e = with_row_value(json, i, w, od::json_type::object, [&](od::value &v) {
            return each_member(v, [&](std::string_view key, od::value &x) {
                r.add(key);
                return validate(x, 2);
            });
        });
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

/* The column of a job that gives a count per row (json_array_length,
   json_object_keys): dst as a `type` column of n rows, valid as the rows. */
bool counted_column(tide_batch *out, tide_column *dst, int32_t type, int64_t n, const Parts &parts,
                    const char *what, char *errbuf, size_t errlen)
{
    if (kernel_alloc(out, dst, "", type, 0, 0, n, 0) == 0 && row_validity(out, dst, parts))
        return true;
    set_error(errbuf, errlen, "%s: out of memory", what);
    return false;
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
    if (!run(job, json->length, parts, what, errbuf, errlen) ||
        !counted_column(out, dst, TIDE_INT32, json->length, parts, what, errbuf, errlen))
        return -1;
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
    if (!run(job, json->length, parts, what, errbuf, errlen) ||
        !counted_column(out, dst, TIDE_ARRAY, json->length, parts, what, errbuf, errlen))
        return -1;
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
