/*
 * json_schema_of.cc — Spark's JsonInferSchema (contract in ffi/json_path.h):
 * schema_of_json, the type of one JSON text, and the JSON source's
 * inference over its records; either written as Spark's DDL
 * (STRUCT<a: BIGINT>), the text read as json_lenient.hh reads it.
 */
#include "json_lenient.hh"

#include <string>
#include <vector>

extern "C" {
#include "batch.h"
#include "ffi/json_path.h"
}

namespace
{

using namespace tide_json;

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

/* a = compatible(a, b), in place: a struct of the same fields as before,
   the common case over a dataset's records, merges field by field and
   allocates nothing. */
void merge_into(Type &a, Type &b)
{
    typedef Type::Kind K;
    if (a.kind == K::STRUCT && b.kind == K::STRUCT && a.names == b.names) {
        for (size_t i = 0; i < a.types.size(); i++)
            merge_into(a.types[i], b.types[i]);
        return;
    }
    if (a.kind == K::ARRAY && b.kind == K::ARRAY) {
        merge_into(a.element[0], b.element[0]);
        return;
    }
    if (b.kind == K::NUL || (a.kind == b.kind && a.kind != K::DECIMAL && a.kind != K::STRUCT)) return;
    a = compatible(a, b);
}

/* JsonInferSchema.inferField with the default options: integers bigint
   (or a decimal past a long), other numbers double, strings string (an
   empty one nothing yet), objects structs of their members sorted by
   name, arrays of their elements' compatible type. */
/* What inference is asked for (tide_json_infer_flag), and the first
   number whose decimal would have a negative scale. */
struct Inference {
    int32_t flags = 0;
    std::string negative_scale;
};

/* Java's BigDecimal of a JSON number's text: its precision (significant
   digits, at least one) and scale (digits after the point less the
   exponent). */
void big_decimal(std::string_view tok, int &precision, int &scale)
{
    size_t i = tok[0] == '-' ? 1 : 0;
    int digits = 0, fraction = 0;
    bool leading = true, after_point = false;
    for (; i < tok.size() && tok[i] != 'e' && tok[i] != 'E'; i++) {
        if (tok[i] == '.') {
            after_point = true;
            continue;
        }
        if (after_point) fraction++;
        if (leading && tok[i] == '0') continue;
        leading = false;
        digits++;
    }
    long exponent = i < tok.size() ? strtol(std::string(tok.substr(i + 1)).c_str(), nullptr, 10) : 0;
    precision = digits ? digits : 1;
    scale = (int)(fraction - exponent);
}

error_code infer(od::value &v, Type &out, int depth, Inference &how)
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
        out = Type::of(how.flags & TIDE_JSON_PRIMITIVES_AS_STRING ? K::STRING : K::BOOLEAN);
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
        if (how.flags & TIDE_JSON_PRIMITIVES_AS_STRING) {
            out = Type::of(K::STRING);
            return simdjson::SUCCESS;
        }
        if (!integral && (how.flags & TIDE_JSON_PREFERS_DECIMAL)) {
            /* Spark's DecimalType(max(precision, scale), scale), a double
               past 38 digits */
            int precision, scale;
            big_decimal(tok, precision, scale);
            if (scale < 0 && how.negative_scale.empty()) how.negative_scale = std::string(tok);
            out = std::max(precision, scale) <= 38 ? Type::of(K::DECIMAL, std::max(precision, scale), scale)
                                                   : Type::of(K::DOUBLE);
            return simdjson::SUCCESS;
        }
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
            if (auto e = infer(x, xt, depth + 1, how)) return e;
            element = compatible(element, xt);
        }
        out = Type::of(K::ARRAY);
        out.element.push_back(std::move(element));
        return simdjson::SUCCESS;
    }
    case od::json_type::object: {
        od::object o;
        if (auto e = v.get_object().get(o)) return e;
        std::vector<std::string> names;
        std::vector<Type> types;
        for (auto fr : o) {
            od::field f;
            if (auto e = std::move(fr).get(f)) return e;
            std::string_view key;
            if (auto e = f.unescaped_key().get(key)) return e;
            types.emplace_back();
            if (auto e = infer(f.value(), types.back(), depth + 1, how)) return e;
            names.emplace_back(key);
        }
        /* sorted by name, stably (an index each, so that no type moves twice) */
        std::vector<uint32_t> order(names.size());
        for (uint32_t i = 0; i < order.size(); i++)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(),
                         [&](uint32_t x, uint32_t y) { return names[x] < names[y]; });
        out = Type::of(K::STRUCT);
        out.names.reserve(order.size());
        out.types.reserve(order.size());
        for (uint32_t i : order) {
            out.names.push_back(std::move(names[i]));
            out.types.push_back(std::move(types[i]));
        }
        return simdjson::SUCCESS;
    }
    }
    return simdjson::TAPE_ERROR;
}

/* JsonInferSchema.canonicalizeType: no type yet is string (or, when
   drop_nulls, dropFieldIfAllNull, no type); struct fields without a name,
   or of no type, go; a struct left without fields, and an array of one,
   is no type. */
bool canonical(const Type &t, Type &out, bool drop_nulls)
{
    typedef Type::Kind K;
    if (t.kind == K::ARRAY) {
        Type e;
        if (!canonical(t.element[0], e, drop_nulls)) return false;
        out = Type::of(K::ARRAY);
        out.element.push_back(std::move(e));
        return true;
    }
    if (t.kind == K::STRUCT) {
        out = Type::of(K::STRUCT);
        for (size_t i = 0; i < t.names.size(); i++) {
            Type ft;
            if (t.names[i].empty() || !canonical(t.types[i], ft, drop_nulls)) continue;
            out.names.push_back(t.names[i]);
            out.types.push_back(std::move(ft));
        }
        return !out.names.empty();
    }
    if (t.kind == K::NUL && drop_nulls) return false;
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

/* The DDL of t, NUL-terminated into buf when it fits; its length. */
int64_t write_sql(const Type &t, char *buf, int64_t buflen)
{
    std::string o;
    type_sql(t, o);
    if ((int64_t)o.size() < buflen) memcpy(buf, o.c_str(), o.size() + 1);
    return (int64_t)o.size();
}

void negative_scale_error(const std::string &number, const char *what, char *errbuf, size_t errlen)
{
    set_error(errbuf, errlen,
              "%s: %s as a decimal (prefersDecimal) has a negative scale, which Spark refuses too",
              what, number.c_str());
}

int64_t schema_of(const char *text, int64_t len, int32_t flags, char *buf, int64_t buflen,
                  char *errbuf, size_t errlen)
{
    typedef Type::Kind K;
    std::vector<char> scratch;
    Type t;
    Inference how;
    how.flags = flags;
    /* Spark's default JSON options: single quotes, no raw control characters */
    error_code e =
        with_value(scratch, text, (size_t)len, false, [&](od::value &v) { return infer(v, t, 1, how); });
    thread_scratch().trim();
    if (e && e != simdjson::EMPTY) {
        set_error(errbuf, errlen, "schema_of_json: the text is not JSON (%s)",
                  simdjson::error_message(e));
        return -1;
    }
    if (!how.negative_scale.empty()) {
        negative_scale_error(how.negative_scale, "schema_of_json", errbuf, errlen);
        return -1;
    }
    bool drop_nulls = flags & TIDE_JSON_DROP_FIELD_IF_ALL_NULL;
    Type result;
    if (t.kind == K::STRUCT) {
        if (!canonical(t, result, drop_nulls)) result = Type::of(K::STRUCT);
    } else if (t.kind == K::ARRAY && t.element[0].kind == K::STRUCT) {
        Type e2;
        result = Type::of(K::ARRAY);
        result.element.push_back(canonical(t.element[0], e2, drop_nulls) ? e2 : Type::of(K::STRUCT));
    } else if (!canonical(t, result, drop_nulls)) {
        result = Type::of(K::STRING);
    }
    return write_sql(result, buf, buflen);
}

} // namespace

/* The JSON source's inference: the records' struct types merged so far. */
struct tide_json_inference {
    Inference how;
    Type root; /* NUL until a record is an object */
};

extern "C" tide_json_inference *tide_json_inference_new(int32_t flags)
{
    try {
        tide_json_inference *inf = new tide_json_inference;
        inf->how.flags = flags;
        return inf;
    } catch (...) {
        return nullptr;
    }
}

extern "C" void tide_json_inference_free(tide_json_inference *inf)
{
    delete inf;
}

extern "C" int64_t tide_json_inference_add(tide_json_inference *inf, const tide_column *records,
                                           const uint8_t *skip, uint8_t *malformed, char *errbuf,
                                           size_t errlen)
{
    return guarded("JSON schema inference", errbuf, errlen, [&]() -> int64_t {
        typedef Type::Kind K;
        std::vector<char> scratch;
        int64_t bad = 0;
        for (int64_t row = 0; row < records->length; row++) {
            if ((skip && skip[row]) || !tide_valid(records, row)) continue;
            int32_t n;
            const char *text = tide_column_bytes(records, row, &n);
            Type t;
            /* Spark's default JSON options: single quotes, no raw control characters */
            bool single_quotes = !(inf->how.flags & TIDE_JSON_NO_SINGLE_QUOTES);
            error_code e = with_value(scratch, text, (size_t)n, false, single_quotes,
                                      [&](od::value &v) { return infer(v, t, 1, inf->how); });
            if (!inf->how.negative_scale.empty()) {
                negative_scale_error(inf->how.negative_scale, "JSON source", errbuf, errlen);
                return -1;
            }
            std::string why;
            if (e == simdjson::EMPTY || (!e && t.kind == K::NUL)) {
                /* a blank record, or null: Spark's inference passes over it */
            } else if (e) {
                why = std::string("not valid JSON: ") + simdjson::error_message(e);
            } else if (t.kind == K::STRUCT) {
                merge_into(inf->root, t);
            } else {
                why = "not a JSON object";
            }
            if (!why.empty()) {
                malformed[row] = 1;
                if (bad++ == 0) set_error(errbuf, errlen, "%s", why.c_str());
            }
        }
        thread_scratch().trim();
        return bad;
    });
}

extern "C" int64_t tide_json_inference_schema(const tide_json_inference *inf, char *buf,
                                              int64_t buflen)
{
    Type result;
    bool drop_nulls = inf->how.flags & TIDE_JSON_DROP_FIELD_IF_ALL_NULL;
    if (inf->root.kind != Type::STRUCT || !canonical(inf->root, result, drop_nulls)) {
        if (buflen > 0) buf[0] = '\0';
        return 0;
    }
    try {
        return write_sql(result, buf, buflen);
    } catch (...) {
        return -1;
    }
}

extern "C" int64_t tide_json_schema_of(const char *text, int64_t len, int32_t flags, char *buf,
                                       int64_t buflen, char *errbuf, size_t errlen)
{
    return guarded("schema_of_json", errbuf, errlen,
                   [&] { return schema_of(text, len, flags, buf, buflen, errbuf, errlen); });
}
