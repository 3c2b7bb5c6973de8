/*
 * json_decode.cc — tide.json.decode's parser: a JSON text into a flat
 * array of values (tide_json_doc, declared in tide_ffi.h) that Lua turns
 * into tables, with simdjson's On-Demand API; errors name the byte where
 * the text stops being JSON.
 */
#include "json_text.hh"

#include <cmath>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

extern "C" {
#include "batch.h"
}

namespace {

using namespace tide_json;

struct Decoder {
    std::vector<tide_json_value> values;
    std::string strings; /* text of strings; `text` holds offsets until the end */
    const char *base = nullptr;
    const char *err_at = nullptr;
    const char *err_msg = nullptr;

    error_code fail(od::value &v, error_code e, const char *msg = nullptr)
    {
        const char *loc;
        if (!err_at && !v.current_location().get(loc)) err_at = loc;
        if (!err_msg) err_msg = msg;
        return e;
    }

    size_t add(int32_t kind)
    {
        tide_json_value x;
        memset(&x, 0, sizeof x);
        x.kind = kind;
        values.push_back(x);
        return values.size() - 1;
    }

    void add_text(size_t i, std::string_view s)
    {
        values[i].text = (const char *)(uintptr_t)strings.size();
        values[i].length = (int64_t)s.size();
        strings.append(s.data(), s.size());
    }

    error_code walk(od::value v, int depth)
    {
        const char *here = v.raw_json_token().data();
        if (depth > MAX_DEPTH) {
            err_at = here;
            err_msg = "nesting too deep";
            return simdjson::DEPTH_ERROR;
        }
        od::json_type t;
        if (auto e = v.type().get(t)) return fail(v, e);
        switch (t) {
        case od::json_type::object: {
            od::object o;
            if (auto e = v.get_object().get(o)) return fail(v, e);
            size_t me = add(TIDE_JSON_OBJECT);
            int32_t count = 0;
            for (auto fr : o) {
                od::field f;
                if (auto e = std::move(fr).get(f)) return fail(v, e);
                std::string_view key;
                if (auto e = f.unescaped_key().get(key)) return fail(v, e);
                add_text(add(TIDE_JSON_STRING), key);
                if (auto e = walk(f.value(), depth + 1)) return e;
                count++;
            }
            values[me].count = count;
            return simdjson::SUCCESS;
        }
        case od::json_type::array: {
            od::array a;
            if (auto e = v.get_array().get(a)) return fail(v, e);
            size_t me = add(TIDE_JSON_ARRAY);
            int32_t count = 0;
            for (auto er : a) {
                od::value x;
                if (auto e = std::move(er).get(x)) return fail(v, e);
                if (auto e = walk(x, depth + 1)) return e;
                count++;
            }
            values[me].count = count;
            return simdjson::SUCCESS;
        }
        case od::json_type::string: {
            std::string_view s;
            if (auto e = v.get_string().get(s)) {
                err_at = here;
                err_msg = "a bad escape in a string";
                return e;
            }
            add_text(add(TIDE_JSON_STRING), s);
            return simdjson::SUCCESS;
        }
        case od::json_type::number: {
            std::string_view tok = trim_right(v.raw_json_token());
            bool integral;
            if (!json_number(tok, &integral)) {
                err_at = here;
                err_msg = "not a valid number";
                return simdjson::NUMBER_ERROR;
            }
            uint64_t mag;
            bool neg;
            if (integral && integer_magnitude(tok, &mag, &neg)) {
                if (mag <= (1ull << 53)) {
                    size_t i = add(TIDE_JSON_NUMBER);
                    values[i].number = neg ? -(double)mag : (double)mag;
                } else if (neg && mag <= (uint64_t)INT64_MAX + 1) {
                    values[add(TIDE_JSON_INT64)].integer = (int64_t)(0 - mag);
                } else if (!neg && mag <= (uint64_t)INT64_MAX) {
                    values[add(TIDE_JSON_INT64)].integer = (int64_t)mag;
                } else if (!neg) {
                    values[add(TIDE_JSON_UINT64)].integer = (int64_t)mag;
                } else {
                    add_text(add(TIDE_JSON_BIGINT), tok);
                }
                return simdjson::SUCCESS;
            }
            if (integral) {
                add_text(add(TIDE_JSON_BIGINT), tok);
                return simdjson::SUCCESS;
            }
            size_t i = add(TIDE_JSON_NUMBER);
            values[i].number = java_read_double(v, tok);
            add_text(i, tok); /* (as written: schema inference's prefersDecimal) */
            return simdjson::SUCCESS;
        }
        case od::json_type::boolean: {
            bool b;
            if (auto e = v.get_bool().get(b)) {
                err_at = here;
                err_msg = "not a JSON value (true, false, null, a number, a string, [ or {)";
                return e;
            }
            add(b ? TIDE_JSON_TRUE : TIDE_JSON_FALSE);
            return simdjson::SUCCESS;
        }
        case od::json_type::null: {
            bool is_null;
            if (v.is_null().get(is_null) || !is_null) {
                err_at = here;
                err_msg = "not a JSON value (true, false, null, a number, a string, [ or {)";
                return simdjson::N_ATOM_ERROR;
            }
            add(TIDE_JSON_NULL);
            return simdjson::SUCCESS;
        }
        }
        return fail(v, simdjson::TAPE_ERROR);
    }
};

/* Where simdjson's first stage gave up (it does not say): the first byte
   that is not UTF-8, the first control character inside a string, or the
   start of a string that never closes. */
size_t stage1_error_offset(const char *s, size_t len, const char **msg)
{
    bool in_string = false, escaped = false;
    size_t string_start = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            size_t need = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : 0;
            bool ok = need > 0 && c <= 0xF4;
            for (size_t k = 1; ok && k <= need; k++) ok = i + k < len && ((unsigned char)s[i + k] & 0xC0) == 0x80;
            if (ok && need == 2) {
                unsigned char c1 = (unsigned char)s[i + 1];
                ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 > 0x9F);
            }
            if (ok && need == 3) {
                unsigned char c1 = (unsigned char)s[i + 1];
                ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 > 0x8F);
            }
            if (!ok) {
                *msg = "invalid UTF-8";
                return i;
            }
            i += need;
            escaped = false;
            continue;
        }
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            else if (c < 0x20) {
                *msg = "a control character inside a string";
                return i;
            }
        } else if (c == '"') {
            in_string = true;
            string_start = i;
        }
    }
    if (in_string) {
        *msg = "a string that never closes";
        return string_start;
    }
    *msg = nullptr;
    return len;
}

} // namespace

struct tide_json_doc {
    std::vector<tide_json_value> values;
    std::string strings;
};

extern "C" tide_json_doc *tide_json_parse(const char *text, size_t len, char *errbuf, size_t errlen)
{
    try {
        if (!text) len = 0;
        /* The value is wrapped in [ ] so that any JSON type may stand at the
           root and anything after it shows up as a second element. */
        Scratch &sc = thread_scratch();
        std::vector<char> &buf = sc.buf;
        if (buf.size() < len + 2 + PADDING) buf.resize(len + 2 + PADDING);
        buf[0] = '[';
        if (len) memcpy(buf.data() + 1, text, len);
        buf[len + 1] = ']';
        memset(buf.data() + len + 2, 0, PADDING);
        const char *base = buf.data() + 1;

        auto fail_at = [&](size_t offset, const char *msg) -> tide_json_doc * {
            if (offset > len) offset = len;
            size_t line = 1, col = 1;
            for (size_t i = 0; i < offset; i++) {
                if (text[i] == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            set_error(errbuf, errlen, "JSON error at line %zu, column %zu (byte %zu): %s", line, col,
                      offset, msg);
            sc.trim();
            return nullptr;
        };

        if (text && memchr(text, 0, len)) return fail_at((size_t)((const char *)memchr(text, 0, len) - text), "a NUL byte");
        od::parser &parser = sc.get_parser();
        od::document doc;
        od::array top;
        error_code e = parser.iterate(simdjson::padded_string_view(buf.data(), len + 2, len + 2 + PADDING)).get(doc);
        if (!e) e = doc.get_array().get(top);
        if (e) {
            const char *msg;
            size_t off = stage1_error_offset(text ? text : "", len, &msg);
            if (msg) return fail_at(off, msg);
            return fail_at(len, simdjson::error_message(e));
        }
        Decoder d;
        d.base = base;
        int n = 0;
        const char *after_value = nullptr; /* the token after the value */
        for (auto er : top) {
            od::value v;
            if ((e = std::move(er).get(v))) {
                const char *loc;
                size_t off = doc.current_location().get(loc) ? len : (size_t)(loc - base);
                return fail_at(off, simdjson::error_message(e));
            }
            if (n == 1) return fail_at((size_t)(v.raw_json_token().data() - base), "unexpected text after the JSON value");
            if ((e = d.walk(v, 1)) == simdjson::SUCCESS) {
                const char *loc;
                if (!doc.current_location().get(loc)) after_value = loc;
            } else {
                const char *at = d.err_at;
                if (!at) {
                    const char *loc;
                    at = doc.current_location().get(loc) ? base + len : loc;
                }
                size_t off = at >= base ? (size_t)(at - base) : 0;
                return fail_at(off, d.err_msg ? d.err_msg : simdjson::error_message(e));
            }
            n++;
        }
        {
            /* simdjson stops at the ] that closes the wrapper; a stray
               closing bracket of the caller's text would stand after it. */
            const char *loc;
            if (doc.current_location().get(loc) != simdjson::OUT_OF_BOUNDS) {
                if (after_value) loc = after_value;
                size_t off = loc >= base ? (size_t)(loc - base) : 0;
                return fail_at(off, "unexpected text after the JSON value");
            }
        }
        if (n == 0) {
            size_t off = 0;
            while (off < len && is_space(text[off])) off++;
            return fail_at(off, off < len ? "not a JSON value" : "no JSON value (empty text)");
        }
        tide_json_doc *doc_out = new tide_json_doc();
        doc_out->values = std::move(d.values);
        doc_out->strings = std::move(d.strings);
        const char *sbase = doc_out->strings.data();
        for (auto &v : doc_out->values)
            if (v.kind == TIDE_JSON_STRING || v.kind == TIDE_JSON_BIGINT ||
                (v.kind == TIDE_JSON_NUMBER && v.length > 0))
                v.text = sbase + (uintptr_t)v.text;
        sc.trim();
        return doc_out;
    } catch (const std::exception &e) {
        set_error(errbuf, errlen, "JSON: %s", e.what());
    } catch (...) {
        set_error(errbuf, errlen, "JSON: failed");
    }
    return nullptr;
}

extern "C" const tide_json_value *tide_json_doc_values(const tide_json_doc *doc, int64_t *count)
{
    if (count) *count = doc ? (int64_t)doc->values.size() : 0;
    return doc && !doc->values.empty() ? doc->values.data() : nullptr;
}

extern "C" void tide_json_doc_free(tide_json_doc *doc)
{
    delete doc;
}
