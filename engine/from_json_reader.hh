/*
 * from_json_reader.hh — how from_json reads a record (from_json.cc has the
 * rules): each JSON document walked once with simdjson's On-Demand API,
 * every value checked against its field's type by Spark's rules and
 * written to the field's column, or the record found malformed and why.
 * Its functions are local to each file that includes it (an anonymous
 * namespace): from_json_read.cc reads every record with Reader<false>,
 * from_json_again.cc the ones read a second time with Reader<true>. In
 * files of their own, neither instantiation changes how GCC compiles the
 * other (with both in one file, well-formed records took 1-2% more
 * instructions). C++ only, internal to those two files.
 */
#ifndef TIDE_FROM_JSON_READER_HH
#define TIDE_FROM_JSON_READER_HH

#include "from_json.hh"
#include "from_json_dates.hh"

#include <cmath>

extern "C" {
#include "csv_convert.h"
}

namespace tide_fromjson
{

namespace
{

/* An int of up to 9 plain digits (and a minus sign), which always fits:
   the usual int in JSON events, read without the general number check.
   False for anything else (the general path decides). */
inline bool plain_int32(std::string_view tok, int32_t *out)
{
    size_t n = tok.size(), i = n > 0 && tok[0] == '-';
    if (n == 0 || n > 9 || i == n || (tok[i] == '0' && n > i + 1)) return false;
    int32_t x = 0;
    for (size_t j = i; j < n; j++) {
        if (!is_digit(tok[j])) return false;
        x = x * 10 + (tok[j] - '0');
    }
    *out = i ? -x : x;
    return true;
}

/* Whether the raw key at k is n's name, for an n with key_words: whole
   words compared, reading at most PADDING bytes from k, which the
   document's padding makes safe. */
inline bool key_is(const char *k, const Node &n)
{
    int last = n.key_words - 1;
    for (int i = 0; i < last; i++) {
        uint64_t x;
        memcpy(&x, k + 8 * i, 8);
        if (x != n.key_word[i]) return false;
    }
    uint64_t x;
    memcpy(&x, k + 8 * last, 8);
    return (x & n.key_mask) == n.key_word[last];
}

/* The name of field f, whose raw key starts at k: compared in place when
   it has no escapes (nearly always), unescaped otherwise. The closing
   quote was found by simdjson's stage 1, so the scan stops inside the
   buffer. */
inline error_code key_name(od::field &f, const char *k, std::string_view *name)
{
    const char *p = k;
    while (*p != '"' && *p != '\\')
        p++;
    *name = std::string_view(k, (size_t)(p - k));
    return *p == '\\' ? f.unescaped_key().get(*name) : simdjson::SUCCESS;
}

/* Whether a record holds nothing but JSON's blanks (or nothing). */
inline bool blank(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_space(p[i])) return false;
    return true;
}

/* A field's type as Spark prints it in messages: "bigint",
   "array<struct>", "map<string,int>" (a struct's fields left out). */
inline std::string node_type_name(const Node &n)
{
    if (n.type == TIDE_ARRAY) return "array<" + node_type_name(*n.children[0]) + ">";
    if (n.type == TIDE_MAP)
        return "map<" + node_type_name(*n.children[0]) + "," + node_type_name(*n.children[1]) + ">";
    return type_name(n.type);
}

/* Reads rows' values into fj's columns. Local to the file, so that GCC
   may pass read_struct's arguments its own way (IPA-SRA): as a member of
   FromJson, visible to from_json.cc, it could not, and from_json ran
   3-5% slower. Lenient: a record's second reading (read_again), whose
   strings may stand for NaN or Infinity (number_tokens); the first
   reading, every well-formed record's, asks nothing of the sort. */
template <bool lenient> struct Reader {
    FromJson &fj;

    Outcome mismatch(Node &n, od::value &v, od::json_type t, int depth,
                     const char *reason = nullptr);
    Outcome bad_syntax(error_code e);
    /* Inlined where it is called (read_struct, read_array): called from
       two places, GCC kept it out of line, and from_json ran 4% slower. */
    __attribute__((always_inline)) inline Outcome read_value(Node &n, od::value &v, int64_t row,
                                                             int depth);
    Outcome read_struct(Node &n, od::object obj, int64_t row, bool root, int depth);
    __attribute__((noinline)) Outcome read_array(Node &n, od::array arr, int depth);
    __attribute__((noinline)) Outcome read_map(Node &n, od::object obj, int depth);
    Node *lookup(Node &s, std::string_view key);
    void path_step(int child_depth, int depth, std::string_view name, int64_t index);
};

template <bool lenient>
Outcome Reader<lenient>::mismatch(Node &n, od::value &v, od::json_type t, int depth,
                                  const char *reason)
{
    /* Still read the value through: a syntax error inside it makes the
       whole record malformed, not just this field. */
    if ((fj.syntax = validate(v, depth))) return SYNTAX;
    if (fj.where) return FIELD; /* the record's first one is named, as Spark names it */
    fj.why = reason;
    fj.where = &n;
    fj.got = t;
    fj.path.clear();
    fj.path_depth = depth;
    return FIELD;
}

/* Puts a struct's field name, or an array's element index (name empty),
   before the path of the failure that returned from its value at
   child_depth, when that value is the one the path starts at; the path
   then starts at depth. Only the first failure of a record is on the
   path: the values it returns through see it before any later one. */
template <bool lenient>
void Reader<lenient>::path_step(int child_depth, int depth, std::string_view name, int64_t index)
{
    if (fj.path_depth != child_depth) return;
    std::string step = name.data() ? std::string(name) : "[" + std::to_string(index) + "]";
    if (!fj.path.empty() && fj.path[0] != '[') step += '.';
    fj.path.insert(0, step);
    fj.path_depth = depth;
}

template <bool lenient> Outcome Reader<lenient>::bad_syntax(error_code e)
{
    fj.syntax = e;
    return SYNTAX;
}

/* x as a field of precision bits holds it (tide_json_field): a tinyint
   takes -128 ... 255, the top half wrapped as Jackson's getByteValue
   reads an unsigned byte; a smallint -32768 ... 32767 (getShortValue); an
   int any. False when x does not fit. */
static inline bool narrowed(int32_t precision, int32_t x, int32_t *out)
{
    if (precision == 8) {
        if (x < INT8_MIN || x > UINT8_MAX) return false;
        *out = (int8_t)x;
    } else if (precision == 16) {
        if (x < INT16_MIN || x > INT16_MAX) return false;
        *out = x;
    } else {
        *out = x;
    }
    return true;
}

template <bool lenient>
Outcome Reader<lenient>::read_value(Node &n, od::value &v, int64_t row, int depth)
{
    if (depth > MAX_DEPTH) return bad_syntax(simdjson::DEPTH_ERROR);
    /* The usual shapes first, without asking the value's type: a
       string for a string field, a few plain digits for an int. Any
       other value (null included) takes the general way below; a
       string that fails to unescape was consumed, so its error is the
       record's here. */
    if (n.type == TIDE_STRING) {
        std::string_view s;
        if (lenient && fj.number_token(v)) {
            /* NaN or Infinity: Jackson writes the double back quoted */
            std::string_view raw = trim_right(v.raw_json_token());
            if (auto e = v.get_string().get(s)) return bad_syntax(e);
            return fj.put_bytes(n, row, raw.data(), raw.size());
        }
        error_code e = v.get_string().get(s);
        if (!e) return fj.put_bytes(n, row, s.data(), s.size());
        if (e != simdjson::INCORRECT_TYPE) return bad_syntax(e);
    } else if (n.type == TIDE_INT32) {
        int32_t x;
        if (plain_int32(trim_right(v.raw_json_token()), &x) && narrowed(n.precision, x, &x)) {
            fj.put<int32_t>(n, row, x);
            return OK;
        }
    }
    od::json_type t;
    if (auto e = v.type().get(t)) return bad_syntax(e);
    if (t == od::json_type::null) {
        bool is_null;
        if (auto e = v.is_null().get(is_null)) return bad_syntax(e);
        return is_null ? OK : bad_syntax(simdjson::N_ATOM_ERROR);
    }
    switch (n.type) {
    case TIDE_STRUCT: {
        if (t != od::json_type::object) return mismatch(n, v, t, depth);
        od::object o;
        if (auto e = v.get_object().get(o)) return bad_syntax(e);
        tide_mark_valid(n.col, row);
        return read_struct(n, o, row, false, depth + 1);
    }
    case TIDE_ARRAY: {
        /* Spark's parser takes only a JSON array for an array, as a
           struct takes only an object. */
        if (t != od::json_type::array) return mismatch(n, v, t, depth);
        od::array a;
        if (auto e = v.get_array().get(a)) return bad_syntax(e);
        tide_mark_valid(n.col, row);
        return read_array(n, a, depth + 1);
    }
    case TIDE_MAP: {
        /* Only an object, as Spark's parser takes for a map. */
        if (t != od::json_type::object) return mismatch(n, v, t, depth);
        od::object o;
        if (auto e = v.get_object().get(o)) return bad_syntax(e);
        tide_mark_valid(n.col, row);
        return read_map(n, o, depth + 1);
    }
    case TIDE_STRING: {
        if (t == od::json_type::string) {
            std::string_view s;
            if (auto e = v.get_string().get(s)) return bad_syntax(e);
            return fj.put_bytes(n, row, s.data(), s.size());
        }
        /* Any other value: its JSON text, as Spark writes it. */
        fj.text.clear();
        if (auto e = serialize(v, fj.text, depth)) return bad_syntax(e);
        return fj.put_bytes(n, row, fj.text.data(), fj.text.size());
    }
    case TIDE_BINARY: {
        if (t != od::json_type::string) return mismatch(n, v, t, depth);
        if (lenient && fj.number_token(v)) return mismatch(n, v, od::json_type::number, depth);
        std::string_view s;
        if (auto e = v.get_string().get(s)) return bad_syntax(e);
        char *dst = fj.reserve(n, row, s.size() / 4 * 3 + 3);
        if (!dst) return FATAL;
        int64_t len = base64_decode(s, (unsigned char *)dst);
        if (len < 0) return mismatch(n, v, t, depth, "not base64");
        n.pending = len;
        tide_mark_valid(n.col, row);
        return OK;
    }
    case TIDE_BOOL: {
        if (t != od::json_type::boolean) return mismatch(n, v, t, depth);
        bool b;
        if (auto e = v.get_bool().get(b)) return bad_syntax(e);
        fj.put<uint8_t>(n, row, b ? 1 : 0);
        return OK;
    }
    case TIDE_INT32:
    case TIDE_INT64: {
        if (t != od::json_type::number) return mismatch(n, v, t, depth);
        std::string_view tok = trim_right(v.raw_json_token());
        bool wide = n.type == TIDE_INT64;
        bool integral;
        if (!json_number(tok, &integral)) return bad_syntax(simdjson::NUMBER_ERROR);
        if (!integral) return mismatch(n, v, t, depth, "not an integer");
        int64_t x;
        int32_t narrow;
        if (!integer_in_range(tok, wide ? INT64_MIN : INT32_MIN, wide ? INT64_MAX : INT32_MAX, &x) ||
            (!wide && !narrowed(n.precision, (int32_t)x, &narrow)))
            return mismatch(n, v, t, depth, "out of range");
        if (wide)
            fj.put<int64_t>(n, row, x);
        else
            fj.put<int32_t>(n, row, narrow);
        return OK;
    }
    case TIDE_FLOAT32:
    case TIDE_FLOAT64: {
        double d;
        if (t == od::json_type::number) {
            std::string_view tok = trim_right(v.raw_json_token());
            bool integral;
            if (!json_number(tok, &integral)) return bad_syntax(simdjson::NUMBER_ERROR);
            d = java_read_double(v, tok);
        } else if (t == od::json_type::string) {
            std::string_view s;
            if (auto e = v.get_string().get(s)) return bad_syntax(e);
            if (!fj.allow_non_numeric) return mismatch(n, v, t, depth);
            if (s == "NaN")
                d = NAN;
            else if (s == "Infinity" || s == "+Infinity" || s == "+INF")
                d = HUGE_VAL;
            else if (s == "-Infinity" || s == "-INF")
                d = -HUGE_VAL;
            else
                return mismatch(n, v, t, depth, "not NaN or Infinity");
        } else {
            return mismatch(n, v, t, depth);
        }
        if (n.type == TIDE_FLOAT32)
            fj.put<float>(n, row, (float)d);
        else
            fj.put<double>(n, row, d);
        return OK;
    }
    case TIDE_DECIMAL: {
        i128 x;
        if (t == od::json_type::number) {
            std::string_view tok = trim_right(v.raw_json_token());
            /* A JSON integer (a minus at most, no leading zero) into a
               decimal(p, 0) is checked and read in one pass. */
            size_t j = !tok.empty() && tok[0] == '-';
            u128 whole;
            bool integral;
            if (n.scale == 0 && j < tok.size() && (tok[j] != '0' || tok.size() == j + 1) &&
                whole_digits(tok, j, &whole)) {
                if (whole >= POW10.v[n.precision]) return mismatch(n, v, t, depth, "out of range");
                x = j ? -(i128)whole : (i128)whole;
            } else if (!json_number(tok, &integral)) {
                return bad_syntax(simdjson::NUMBER_ERROR);
            } else if (!parse_decimal(tok, n.precision, n.scale, false, &x)) {
                return mismatch(n, v, t, depth, "out of range");
            }
        } else if (t == od::json_type::string) {
            std::string_view s;
            if (auto e = v.get_string().get(s)) return bad_syntax(e);
            if (!parse_decimal(s, n.precision, n.scale, true, &x))
                return mismatch(n, v, t, depth, "not a number in range");
        } else {
            return mismatch(n, v, t, depth);
        }
        memcpy((char *)n.col->values + (size_t)row * 16, &x, 16);
        tide_mark_valid(n.col, row);
        return OK;
    }
    case TIDE_TIMESTAMP: {
        int64_t us;
        if (t == od::json_type::string) {
            std::string_view s;
            if (auto e = v.get_string().get(s)) return bad_syntax(e);
            if (s.empty() || csv_parse_timestamp(s.data(), s.size(), fj.timestamp_format,
                                                 fj.timestamp_fallback, &us) != 0)
                return mismatch(n, v, t, depth, "not a timestamp");
        } else if (t == od::json_type::number) {
            /* Spark reads an integral number as seconds since the epoch. */
            std::string_view tok = trim_right(v.raw_json_token());
            bool integral;
            if (!json_number(tok, &integral)) return bad_syntax(simdjson::NUMBER_ERROR);
            int64_t secs;
            if (!integral) return mismatch(n, v, t, depth, "not an integer");
            if (!integer_in_range(tok, INT64_MIN / 1000000, INT64_MAX / 1000000, &secs))
                return mismatch(n, v, t, depth, "out of range");
            us = secs * 1000000;
        } else {
            return mismatch(n, v, t, depth);
        }
        fj.put<int64_t>(n, row, us);
        return OK;
    }
    case TIDE_DATE: {
        /* Only a string, and not an empty one: a number is no date in
           Spark's JacksonParser, unlike a timestamp's seconds. */
        if (t != od::json_type::string) return mismatch(n, v, t, depth);
        std::string_view s;
        if (auto e = v.get_string().get(s)) return bad_syntax(e);
        int32_t days;
        if (s.empty() || !read_date(fj, s, &days)) return mismatch(n, v, t, depth, "not a date");
        fj.put<int32_t>(n, row, days);
        return OK;
    }
    }
    return mismatch(n, v, t, depth);
}

/* Field names are short: compared here rather than through a call to
   memcmp, which showed in profiles. */
inline bool same(std::string_view a, std::string_view b)
{
    size_t n = a.size();
    if (n != b.size()) return false;
    const char *p = a.data(), *q = b.data();
    for (; n >= 8; n -= 8, p += 8, q += 8) {
        uint64_t x, y;
        memcpy(&x, p, 8);
        memcpy(&y, q, 8);
        if (x != y) return false;
    }
    for (; n > 0; n--)
        if (*p++ != *q++) return false;
    return true;
}

template <bool lenient> Node *Reader<lenient>::lookup(Node &s, std::string_view key)
{
    size_t k = s.children.size();
    if (s.hint < k && same(s.children[s.hint]->name, key)) return s.children[s.hint++];
    for (size_t i = 0; i < k; i++) {
        if (same(s.children[i]->name, key)) {
            s.hint = i + 1;
            return s.children[i];
        }
    }
    return nullptr;
}

/* Appends the elements of a JSON array to array n's element column
   (n's offsets close the row or element that holds them). An element
   that does not fit fails the array, as it fails the top-level field in
   Spark; a null one is a null element. */
template <bool lenient> Outcome Reader<lenient>::read_array(Node &n, od::array arr, int depth)
{
    Node &e = *n.children[0];
    Outcome failed = OK;
    int64_t pos = 0;
    for (auto er : arr) {
        od::value x;
        if (auto err = std::move(er).get(x)) return bad_syntax(err);
        if (failed != OK) {
            /* The array is dropped anyway: its other elements are only
               read through, for their syntax. */
            if ((fj.syntax = validate(x, depth + 1))) return SYNTAX;
            continue;
        }
        int64_t idx = n.count;
        if (!fj.grow_elements(n, idx + 1)) return FATAL;
        n.count = idx + 1;
        Outcome r = read_value(e, x, idx, depth + 1);
        fj.close_element(n, idx);
        if (r == SYNTAX || r == FATAL) return r;
        if (r == FIELD) {
            path_step(depth + 1, depth - 1, std::string_view(), pos);
            failed = FIELD;
        }
        pos++;
    }
    return failed;
}

/* Appends the members of a JSON object to map n's key and value columns
   (n's offsets close the row or element that holds them), in document
   order, a duplicate name as an entry of its own, as Spark's convertMap
   keeps them. A value that does not fit fails the map, as an array's
   element fails the array; a null one is a null value. */
template <bool lenient> Outcome Reader<lenient>::read_map(Node &n, od::object obj, int depth)
{
    Node &key = *n.children[0], &value = *n.children[1];
    Outcome failed = OK;
    for (auto fr : obj) {
        if (auto e = fr.error()) return bad_syntax(e);
        od::field &f = fr.value_unsafe();
        if (failed != OK) {
            /* The map is dropped anyway: the rest is only read through. */
            if ((fj.syntax = validate(f.value(), depth + 1))) return SYNTAX;
            continue;
        }
        std::string_view name;
        if (auto e = key_name(f, f.key().raw(), &name)) return bad_syntax(e);
        int64_t idx = n.count;
        if (!fj.grow_elements(n, idx + 1)) return FATAL;
        n.count = idx + 1;
        Outcome r = fj.put_bytes(key, idx, name.data(), name.size());
        if (r == OK) r = read_value(value, f.value(), idx, depth + 1);
        fj.close_element(n, idx);
        if (r == SYNTAX || r == FATAL) return r;
        if (r == FIELD) {
            /* Named as a struct's field: Spark's message names the key
               as the field that failed. */
            path_step(depth + 1, depth - 1, name, 0);
            failed = FIELD;
        }
    }
    return failed;
}

template <bool lenient>
Outcome Reader<lenient>::read_struct(Node &s, od::object obj, int64_t row, bool root, int depth)
{
    bool field_failed = false;
    s.hint = 0;
    for (auto fr : obj) {
        /* The field is used where the iterator made it. Moved out (get),
           GCC copied it with a 16-byte load of what two narrower stores
           had just written, a store-forwarding stall a field: from_json
           went from ~460 to ~640 ns a row, depending on what else the
           file held. */
        if (auto e = fr.error()) return bad_syntax(e);
        od::field &f = fr.value_unsafe();
        const char *k = f.key().raw();
        Node *child = nullptr;
        /* Keys mostly come in the schema's order: the next field's name is
           compared with the raw key in place, with no scan for the key's
           end. */
        if (s.hint < s.children.size()) {
            Node *next = s.children[s.hint];
            if (next->key_words && key_is(k, *next)) {
                child = next;
                s.hint++;
            }
        }
        if (!child) {
            /* key_name's work, written out: through it, from_json ran
               ~1.5% more instructions on rows of flat events. */
            const char *p = k;
            while (*p != '"' && *p != '\\')
                p++;
            std::string_view key(k, (size_t)(p - k));
            if (*p == '\\') {
                if (auto e = f.unescaped_key().get(key)) return bad_syntax(e);
            }
            child = lookup(s, key);
        }
        if (!child || child->is_corrupt) {
            if (auto e = validate(f.value(), depth + 1)) return bad_syntax(e);
            continue;
        }
        if (child->seen_row == row) fj.null_subtree(*child, row); /* duplicate key: the last wins */
        child->seen_row = row;
        Outcome r = read_value(*child, f.value(), row, depth + 1);
        if (r == SYNTAX || r == FATAL) return r;
        if (r == FIELD) {
            /* Spark keeps the other fields of the record (partial
               results) and nulls the top-level field that failed. */
            path_step(depth + 1, depth - 1, child->name, 0);
            field_failed = true;
            if (root) fj.null_subtree(*child, row);
        }
    }
    return field_failed ? FIELD : OK;
}

/* Reads one record, buf[0, len) with room bytes readable (simdjson's
   padding), into row: the document's object (or array, for an array
   schema) and nothing after it. SYNTAX with *record_why when the record
   is no object (array) at all. */
template <bool lenient>
__attribute__((always_inline)) inline Outcome read_record(Reader<lenient> &rd, od::parser &parser,
                                                          const char *buf, size_t len, size_t room,
                                                          int64_t row, const char **record_why)
{
    FromJson &fj = rd.fj;
    Node &root = fj.nodes[0];
    /* A map or array schema reads the whole document into one value. */
    const bool array_root = root.type == TIDE_ARRAY;
    /* Spark's makeRootConverter (SPARK-19595): an object where an array
       of structs is expected is an array of that one struct. */
    const bool object_as_array = array_root && root.children[0]->type == TIDE_STRUCT;
    Outcome r;
    od::document doc;
    od::object obj;
    od::array arr;
    od::json_type t;
    bool as_array = false;
    if (auto e = parser.iterate(simdjson::padded_string_view(buf, len, room)).get(doc)) {
        r = rd.bad_syntax(e);
    } else if (auto e2 = doc.type().get(t)) {
        r = rd.bad_syntax(e2);
    } else if (array_root && t == od::json_type::array) {
        if (auto e3 = doc.get_array().get(arr))
            r = rd.bad_syntax(e3);
        else
            r = rd.read_array(root, arr, 1);
        as_array = true;
    } else if (t != od::json_type::object || (array_root && !object_as_array)) {
        r = SYNTAX;
        *record_why = array_root ? "it is not a JSON array" : "it is not a JSON object";
    } else if (auto e3 = doc.get_object().get(obj)) {
        r = rd.bad_syntax(e3);
    } else if (array_root) {
        Node &element = *root.children[0];
        int64_t idx = root.count;
        if (!fj.grow_elements(root, idx + 1)) {
            r = FATAL;
        } else {
            root.count = idx + 1;
            tide_mark_valid(element.col, idx);
            r = rd.read_struct(element, obj, idx, false, 2);
            fj.close_element(root, idx);
        }
    } else {
        r = root.type == TIDE_MAP ? rd.read_map(root, obj, 1)
                                  : rd.read_struct(root, obj, row, true, 1);
    }
    if (r == OK || r == FIELD) {
        const char *loc;
        if (doc.current_location().get(loc) != simdjson::OUT_OF_BOUNDS) {
            r = SYNTAX;
            *record_why = as_array ? "text follows the JSON array" : "text follows the JSON object";
        }
    }
    return r;
}

} // namespace

} // namespace tide_fromjson

#endif
