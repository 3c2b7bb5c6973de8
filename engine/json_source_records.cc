/*
 * json_source_records.cc — the JSON source's records (contract in
 * ffi/json_source.h): a line holding a JSON array of objects is a record
 * of each object, as Spark's JacksonParser reads a top-level array for a
 * struct schema. The arrays are found with simdjson's on-demand parser,
 * leniently as from_json reads (json_lenient.hh); a record that is not
 * an array of objects is left for from_json to read or to call
 * malformed, as before.
 */
#include "json_lenient.hh"

#include <string_view>
#include <vector>

extern "C" {
#include "batch.h"
#include "ffi/json_source.h"
}

namespace
{

using namespace tide_json;

/* Whether the text's first byte past blanks opens an array. */
bool opens_array(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space(s[i])) return s[i] == '[';
    return false;
}

/* The texts of the objects of the array in s[0, n) into objects, true;
   false when s is no array of objects alone (an element of another kind,
   broken JSON). The texts point into buf. */
bool array_objects(std::vector<char> &buf, const char *s, size_t n,
                   std::vector<std::string_view> &objects)
{
    objects.clear();
    error_code e = with_value(buf, s, n, false, [&](od::value &v) -> error_code {
        od::array a;
        if (auto e = v.get_array().get(a)) return e;
        for (auto er : a) {
            od::value x;
            od::object o;
            std::string_view text;
            if (auto e = std::move(er).get(x)) return e;
            if (auto e = x.get_object().get(o)) return e;
            if (auto e = o.raw_json().get(text)) return e;
            objects.push_back(text);
        }
        return simdjson::SUCCESS;
    });
    return !e;
}

tide_batch *split(tide_batch *records, int64_t **origin, char *errbuf, size_t errlen)
{
    const tide_column *in = &records->columns[0];
    int64_t first = -1;
    for (int64_t row = 0; row < in->length && first < 0; row++) {
        int32_t n;
        const char *s = tide_column_bytes(in, row, &n);
        if (opens_array(s, (size_t)n)) first = row;
    }
    if (first < 0) return nullptr;
    tide_batch *out = tide_batch_new(1);
    int64_t *from = nullptr;
    std::vector<char> buf;
    std::vector<std::string_view> objects;
    std::vector<int64_t> rows;
    tide_column *col = out ? &out->columns[0] : nullptr;
    if (!out || tide_column_init(out, col, in->name, TIDE_STRING, in->length) != 0) goto oom;
    for (int64_t row = 0; row < in->length; row++) {
        int32_t n;
        const char *s = tide_column_bytes(in, row, &n);
        if (row >= first && opens_array(s, (size_t)n) &&
            array_objects(buf, s, (size_t)n, objects)) {
            for (std::string_view o : objects) {
                if (tide_column_append_bytes(out, col, o.data(), (int64_t)o.size()) != 0) goto oom;
                rows.push_back(row);
            }
            continue;
        }
        if (tide_column_append_bytes(out, col, s, n) != 0) goto oom;
        rows.push_back(row);
    }
    thread_scratch().trim();
    from = (int64_t *)tide_arena_alloc(out->arena, (rows.size() ? rows.size() : 1) * sizeof *from);
    if (!from) goto oom;
    std::copy(rows.begin(), rows.end(), from);
    out->num_rows = (int64_t)rows.size();
    *origin = from;
    return out;
oom:
    tide_batch_free(out);
    set_error(errbuf, errlen, "out of memory reading JSON records");
    return nullptr;
}

} // namespace

extern "C" tide_batch *tide_json_split_arrays(tide_batch *records, int64_t **origin, char *errbuf,
                                              size_t errlen)
{
    if (errlen) errbuf[0] = '\0';
    try {
        return split(records, origin, errbuf, errlen);
    } catch (...) {
        set_error(errbuf, errlen, "out of memory reading JSON records");
        return nullptr;
    }
}
