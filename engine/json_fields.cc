/*
 * json_fields.cc — json_tuple, json_array_length and json_object_keys
 * (contracts in ffi/json_path.h): the members or elements of each row's
 * outer JSON value, read as Spark's Jackson parser reads them
 * (json_lenient.hh). Every value passed over is read through, so that a
 * syntax error anywhere in the value makes the row NULL, as Jackson's
 * tokenizer does.
 */
#include "json_rows.hh"

#include <string>

extern "C" {
#include "ffi/json_path.h"
}

namespace
{

using namespace tide_json;

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
