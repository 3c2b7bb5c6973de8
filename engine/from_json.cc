/*
 * from_json.cc — the from_json kernel: JSON documents to columns with
 * simdjson's On-Demand API, with Spark's semantics. Exported as extern "C"
 * and declared in tide_ffi.h; the JSON text helpers it shares with
 * tide.json.decode's parser (json_decode.cc) are in json_text.hh.
 *
 * Contract of tide_from_json (see tide_ffi.h):
 * - Input rows are parsed in place when later rows' bytes give simdjson
 *   its padding (readable, initialized bytes past the document, whatever
 *   they hold), and the last few of a column are copied into a scratch
 *   buffer with zeroed padding, so the parser never reads past a batch's
 *   buffer.
 * - One On-Demand parser per thread is reused across rows and calls; it is
 *   dropped after a very large document so its buffers do not stay around.
 * - From 1024 rows on, the rows are cut into parts on whole bytes of the
 *   validity bitmaps, parsed at once by the caller and the worker threads
 *   (workers.h) into the same fixed-width buffers and into string buffers
 *   of each part's own, appended in row order at the end: the result,
 *   statuses and errors are those of one thread.
 * - Every value of the document is read or validated, so a syntax error
 *   anywhere (even in a field the schema does not name) makes the record
 *   malformed, as Jackson's streaming parser does in Spark.
 * - Type rules follow Spark's JacksonParser: ints and longs take integral
 *   JSON numbers only; float and double take any number, and with
 *   allow_non_numeric the strings "NaN", "Infinity", "+INF", ...; decimals
 *   take numbers and numeric strings, parsed exactly from the text (never
 *   through a double) and rounded half up to the scale; strings take
 *   strings, and the JSON text of any other value as Jackson writes it
 *   back (compact, strings re-escaped, doubles as Java prints them); booleans take
 *   true/false; timestamps take strings (tide_timestamp_parse) and
 *   integral numbers as seconds; binary takes base64 strings; structs
 *   take objects. Missing fields are null, unknown fields are skipped,
 *   duplicate keys: the last wins. A value that does not fit its field
 *   makes that top-level field null and the record malformed.
 * - Output buffers come from out's arena; nothing here outlives the call
 *   but the per-thread parser and scratch buffer.
 * - No input makes this crash: errors (including allocation failures,
 *   caught at the C boundary) come back as return codes.
 */
#include "json_text.hh"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

extern "C" {
#include "batch.h"
#include "workers.h"
}

namespace {

using namespace tide_json;

/* ---- from_json ---------------------------------------------------------------------- */

/* How reading a value went. FIELD: it does not fit its field (that
   top-level field becomes null, the record is malformed); SYNTAX: the
   record is not valid JSON (every field null); FATAL: out of memory or a
   column past 2 GiB (the call fails). */
enum Outcome { OK = 0, FIELD = 1, SYNTAX = 2, FATAL = 3 };

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

struct Node {
    std::string_view name;
    int32_t type = 0;
    int32_t precision = 0, scale = 0;
    tide_column *col = nullptr;
    std::vector<Node *> children; /* struct */
    size_t hint = 0;              /* struct: where the next key is looked up first */
    int64_t seen_row = -1;        /* the last row that set this field (duplicate keys) */
    bool is_corrupt = false;      /* the corrupt-record field: never read from JSON */
    /* The name and the quote that closes it, as raw JSON holds them, in
       8-byte words (the last one's unused bytes masked off), when the name
       needs no escaping and the words fit simdjson's padding; key_words
       is 0 otherwise. A raw key whose bytes match is this name
       (read_struct's in-order fast path, key_is). */
    uint64_t key_word[PADDING / 8] = {};
    uint64_t key_mask = 0; /* of the last word */
    int key_words = 0;
    int64_t pending = 0; /* string/binary: bytes written for the current row */

    void set_key(std::string_view n)
    {
        name = n;
        size_t len = n.size() + 1;
        if (len > PADDING || n.find_first_of("\"\\") != std::string_view::npos) return;
        unsigned char bytes[PADDING] = {}, mask[8] = {};
        memcpy(bytes, n.data(), n.size());
        bytes[n.size()] = '"';
        key_words = (int)((len + 7) / 8);
        memcpy(key_word, bytes, sizeof key_word);
        memset(mask, 0xff, len - (size_t)(key_words - 1) * 8);
        memcpy(&key_mask, mask, 8);
    }
};

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

struct FromJson {
    tide_batch *out;   /* the output's batch: init_column builds in it */
    tide_arena *arena; /* where string bytes grow: out's, or a part's own */
    int64_t rows;
    std::vector<Node> nodes;
    std::vector<Node *> varlen; /* string/binary leaves, whose offsets close each row */
    bool allow_non_numeric = true;
    /* Why the current record is malformed, for FAILFAST's message. */
    const char *why = nullptr;
    const Node *where = nullptr;
    od::json_type got = od::json_type::null;
    error_code syntax = simdjson::SUCCESS;
    const char *fatal = nullptr;
    std::string text; /* scratch for values written back as JSON text */

    /* -- building the output -- */

    bool init_column(Node &n, tide_column *col)
    {
        n.col = col;
        std::string name(n.name);
        if (n.type == TIDE_STRUCT) {
            if (tide_column_init_struct(out, col, name.c_str(), (int32_t)n.children.size()) != 0)
                return false;
        } else {
            int rc = n.type == TIDE_DECIMAL
                         ? tide_column_init_decimal(out, col, name.c_str(), n.precision, n.scale, 0)
                         : tide_column_init(out, col, name.c_str(), n.type, 0);
            if (rc != 0) return false;
            if (rows > col->capacity) {
                size_t slots = (size_t)rows + (tide_is_varlen(n.type) ? 1 : 0);
                col->values = tide_arena_calloc(out->arena, slots * (size_t)tide_type_width(n.type));
                if (!col->values) return false;
                col->capacity = rows;
            }
            if (tide_is_varlen(n.type)) {
                /* 8 bytes a row fits the hashed ids of Avazu-like data;
                   grown by doubling. The corrupt-record field is mostly
                   empty. */
                int64_t cap = n.is_corrupt || rows * 8 < 256 ? 256 : rows * 8;
                col->data = (uint8_t *)tide_arena_alloc(out->arena, (size_t)cap);
                if (!col->data) return false;
                col->data_capacity = cap;
                varlen.push_back(&n);
            }
        }
        col->validity = (uint8_t *)tide_arena_calloc(out->arena, tide_bitmap_bytes(rows) + 1);
        if (!col->validity) return false;
        col->length = rows;
        for (size_t i = 0; i < n.children.size(); i++)
            if (!init_column(*n.children[i], &col->children[i])) return false;
        return true;
    }

    /* For a part of the rows parsed on another thread: col describes
       main_col's buffers (fixed-width values and validity bitmaps, which
       each part writes in its own rows) except the string columns', which
       get offsets and bytes of their own in this part's arena, joined to
       the main ones by append_part. */
    bool shadow_column(Node &n, const tide_column *main_col, tide_column *col, int64_t begin,
                       int64_t end)
    {
        *col = *main_col;
        n.col = col;
        if (n.type == TIDE_STRUCT) {
            size_t k = n.children.size();
            col->children =
                (tide_column *)tide_arena_alloc(arena, sizeof(tide_column) * (k ? k : 1));
            if (!col->children) return false;
            for (size_t i = 0; i < k; i++)
                if (!shadow_column(*n.children[i], &main_col->children[i], &col->children[i], begin,
                                   end))
                    return false;
        } else if (tide_is_varlen(n.type)) {
            /* Indexed by the call's row numbers, like every column. */
            int32_t *offsets =
                (int32_t *)tide_arena_alloc(arena, sizeof(int32_t) * (size_t)(rows + 1));
            int64_t cap = n.is_corrupt || (end - begin) * 8 < 256 ? 256 : (end - begin) * 8;
            col->data = (uint8_t *)tide_arena_alloc(arena, (size_t)cap);
            if (!offsets || !col->data) return false;
            offsets[begin] = 0;
            col->values = offsets;
            col->data_capacity = cap;
            varlen.push_back(&n);
        }
        return true;
    }

    /* Appends the string bytes of part's rows [begin, end) to this
       (main) call's string columns, whose rows before begin are done. */
    bool append_part(FromJson &part, int64_t begin, int64_t end)
    {
        for (size_t i = 0; i < varlen.size(); i++) {
            tide_column *m = varlen[i]->col;
            const tide_column *w = part.varlen[i]->col;
            int32_t *mo = (int32_t *)m->values;
            const int32_t *wo = (const int32_t *)w->values;
            int64_t base = mo[begin];
            char *dst = reserve(*varlen[i], begin, (size_t)wo[end]);
            if (!dst) return false;
            if (wo[end]) memcpy(dst, w->data, (size_t)wo[end]);
            for (int64_t r = begin + 1; r <= end; r++)
                mo[r] = (int32_t)(base + wo[r]);
        }
        return true;
    }

    int64_t parse_rows(const tide_column *input, int64_t begin, int64_t end,
                       const tide_json_options &opts, Node *corrupt, uint8_t *status,
                       int64_t *failed_row, char *errbuf, size_t errlen);

    /* Makes a field (and everything under it) null again in this row. */
    void null_subtree(Node &n, int64_t row)
    {
        tide_column *c = n.col;
        tide_mark_null(c, row);
        if (n.type == TIDE_STRUCT) {
            for (Node *k : n.children) null_subtree(*k, row);
        } else if (tide_is_varlen(n.type)) {
            n.pending = 0;
        } else {
            int w = tide_type_width(n.type);
            memset((char *)c->values + (size_t)row * (size_t)w, 0, (size_t)w);
        }
    }

    template <typename T> void put(Node &n, int64_t row, T v)
    {
        ((T *)n.col->values)[row] = v;
        tide_mark_valid(n.col, row);
    }

    /* Room for len more bytes of the current row in a string column. */
    char *reserve(Node &n, int64_t row, size_t len)
    {
        tide_column *c = n.col;
        int64_t start = ((int32_t *)c->values)[row];
        int64_t need = start + (int64_t)len;
        if (need > INT32_MAX) {
            fatal = "a string column would pass 2 GiB";
            return nullptr;
        }
        if (need > c->data_capacity) {
            int64_t cap = c->data_capacity * 2;
            while (cap < need) cap *= 2;
            void *d = tide_arena_realloc(arena, c->data, (size_t)c->data_capacity, (size_t)cap);
            if (!d) {
                fatal = "out of memory";
                return nullptr;
            }
            c->data = (uint8_t *)d;
            c->data_capacity = cap;
        }
        return (char *)c->data + start;
    }

    Outcome put_bytes(Node &n, int64_t row, const char *p, size_t len)
    {
        char *dst = reserve(n, row, len);
        if (!dst) return FATAL;
        if (len) memcpy(dst, p, len);
        n.pending = (int64_t)len;
        tide_mark_valid(n.col, row);
        return OK;
    }

    /* Closes the current row of every string column. */
    void end_row(int64_t row)
    {
        for (Node *n : varlen) {
            int32_t *off = (int32_t *)n->col->values;
            off[row + 1] = off[row] + (int32_t)n->pending;
            n->pending = 0;
        }
    }

    void finish(Node &n)
    {
        tide_column *c = n.col;
        int64_t valid = 0;
        size_t full = (size_t)rows / 8;
        size_t i = 0;
        for (; i + 8 <= full; i += 8) { /* a word at a time: a call each without -mpopcnt */
            uint64_t w;
            memcpy(&w, c->validity + i, 8);
            valid += __builtin_popcountll(w);
        }
        for (; i < full; i++)
            valid += __builtin_popcount(c->validity[i]);
        for (int64_t r = (int64_t)full * 8; r < rows; r++) valid += (c->validity[r >> 3] >> (r & 7)) & 1;
        c->null_count = rows - valid;
        if (c->null_count == 0) c->validity = nullptr;
        for (Node *k : n.children) finish(*k);
    }

    /* -- reading values -- */

    Outcome mismatch(Node &n, od::value &v, od::json_type t, int depth, const char *reason = nullptr)
    {
        /* Still read the value through: a syntax error inside it makes the
           whole record malformed, not just this field. */
        if ((syntax = validate(v, depth))) return SYNTAX;
        why = reason;
        where = &n;
        got = t;
        return FIELD;
    }

    Outcome bad_syntax(error_code e)
    {
        syntax = e;
        return SYNTAX;
    }

    Outcome read_struct(Node &n, od::object obj, int64_t row, bool root, int depth);

    Outcome read_value(Node &n, od::value &v, int64_t row, int depth)
    {
        if (depth > MAX_DEPTH) return bad_syntax(simdjson::DEPTH_ERROR);
        /* The usual shapes first, without asking the value's type: a
           string for a string field, a few plain digits for an int. Any
           other value (null included) takes the general way below; a
           string that fails to unescape was consumed, so its error is the
           record's here. */
        if (n.type == TIDE_STRING) {
            std::string_view s;
            error_code e = v.get_string().get(s);
            if (!e) return put_bytes(n, row, s.data(), s.size());
            if (e != simdjson::INCORRECT_TYPE) return bad_syntax(e);
        } else if (n.type == TIDE_INT32) {
            int32_t x;
            if (plain_int32(trim_right(v.raw_json_token()), &x)) {
                put<int32_t>(n, row, x);
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
        case TIDE_STRING: {
            if (t == od::json_type::string) {
                std::string_view s;
                if (auto e = v.get_string().get(s)) return bad_syntax(e);
                return put_bytes(n, row, s.data(), s.size());
            }
            /* Any other value: its JSON text, as Spark writes it. */
            text.clear();
            if (auto e = serialize(v, text, depth)) return bad_syntax(e);
            return put_bytes(n, row, text.data(), text.size());
        }
        case TIDE_BINARY: {
            if (t != od::json_type::string) return mismatch(n, v, t, depth);
            std::string_view s;
            if (auto e = v.get_string().get(s)) return bad_syntax(e);
            char *dst = reserve(n, row, s.size() / 4 * 3 + 3);
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
            put<uint8_t>(n, row, b ? 1 : 0);
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
            if (!integer_in_range(tok, wide ? INT64_MIN : INT32_MIN, wide ? INT64_MAX : INT32_MAX, &x))
                return mismatch(n, v, t, depth, "out of range");
            if (wide) put<int64_t>(n, row, x);
            else put<int32_t>(n, row, (int32_t)x);
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
                if (!allow_non_numeric) return mismatch(n, v, t, depth);
                if (s == "NaN") d = NAN;
                else if (s == "Infinity" || s == "+Infinity" || s == "+INF") d = HUGE_VAL;
                else if (s == "-Infinity" || s == "-INF") d = -HUGE_VAL;
                else return mismatch(n, v, t, depth, "not NaN or Infinity");
            } else {
                return mismatch(n, v, t, depth);
            }
            if (n.type == TIDE_FLOAT32) put<float>(n, row, (float)d);
            else put<double>(n, row, d);
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
                    if (whole >= POW10.v[n.precision])
                        return mismatch(n, v, t, depth, "out of range");
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
                if (s.empty() || tide_timestamp_parse(s.data(), s.size(), &us) != 0)
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
            put<int64_t>(n, row, us);
            return OK;
        }
        }
        return mismatch(n, v, t, depth);
    }

    /* Field names are short: compared here rather than through a call to
       memcmp, which showed in profiles. */
    static bool same(std::string_view a, std::string_view b)
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

    Node *lookup(Node &s, std::string_view key)
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
};

Outcome FromJson::read_struct(Node &s, od::object obj, int64_t row, bool root, int depth)
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
            /* The raw key, when it has no escapes (nearly always), is
               compared in place; the closing quote was found by simdjson's
               stage 1, so the scan stops inside the buffer. */
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
        if (child->seen_row == row) null_subtree(*child, row); /* duplicate key: the last wins */
        child->seen_row = row;
        Outcome r = read_value(*child, f.value(), row, depth + 1);
        if (r == SYNTAX || r == FATAL) return r;
        if (r == FIELD) {
            /* Spark keeps the other fields of the record (partial
               results) and nulls the top-level field that failed. */
            field_failed = true;
            if (root) null_subtree(*child, row);
        }
    }
    return field_failed ? FIELD : OK;
}

/* Builds the schema tree from the preorder array; false if malformed. */
bool build_nodes(FromJson &fj, const tide_json_field *fields, int32_t n, char *errbuf, size_t errlen)
{
    if (n < 1 || fields[0].type != TIDE_STRUCT) {
        set_error(errbuf, errlen, "from_json: the schema must be a struct");
        return false;
    }
    fj.nodes.resize((size_t)n);
    /* A stack of structs still expecting children. */
    std::vector<std::pair<Node *, int32_t>> open;
    for (int32_t i = 0; i < n; i++) {
        const tide_json_field &f = fields[i];
        Node &node = fj.nodes[(size_t)i];
        node.set_key(f.name ? std::string_view(f.name) : std::string_view());
        node.type = f.type;
        node.precision = f.precision;
        node.scale = f.scale;
        if (tide_type_width(f.type) == 0 && f.type != TIDE_STRUCT) {
            set_error(errbuf, errlen, "from_json: field \"%s\" has an unknown type %d", f.name ? f.name : "",
                      (int)f.type);
            return false;
        }
        if (f.type == TIDE_DECIMAL &&
            (f.precision < 1 || f.precision > 38 || f.scale < 0 || f.scale > f.precision)) {
            set_error(errbuf, errlen, "from_json: field \"%s\" has a bad decimal(%d,%d)", f.name ? f.name : "",
                      (int)f.precision, (int)f.scale);
            return false;
        }
        if (i > 0) {
            if (open.empty()) {
                set_error(errbuf, errlen, "from_json: the schema has more fields than its structs hold");
                return false;
            }
            open.back().first->children.push_back(&node);
            if (--open.back().second == 0) open.pop_back();
        }
        if (f.type == TIDE_STRUCT) {
            if (f.num_children < 0) {
                set_error(errbuf, errlen, "from_json: bad schema");
                return false;
            }
            if (f.num_children > 0) open.push_back({&node, f.num_children});
        }
        while (!open.empty() && open.back().second == 0) open.pop_back();
    }
    if (!open.empty()) {
        set_error(errbuf, errlen, "from_json: the schema has fewer fields than its structs declare");
        return false;
    }
    return true;
}

/* A printable excerpt of a record for error messages. */
std::string excerpt(const char *p, size_t len)
{
    std::string s;
    size_t n = len < 120 ? len : 120;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x20 || c == 0x7f) {
            char b[8];
            snprintf(b, sizeof b, "\\x%02x", c);
            s += b;
        } else {
            s += (char)c;
        }
    }
    if (n < len) s += "...";
    return s;
}

/* Parses rows [begin, end) of input into the columns of this call (or
   part); status and *failed_row as tide_from_json. The count of malformed
   rows, or -1 with errbuf. */
int64_t FromJson::parse_rows(const tide_column *input, int64_t begin, int64_t end,
                             const tide_json_options &opts, Node *corrupt, uint8_t *status,
                             int64_t *failed_row, char *errbuf, size_t errlen)
{
    Node &root = nodes[0];
    Scratch &sc = thread_scratch();
    od::parser &parser = sc.get_parser();
    const int32_t *offsets = (const int32_t *)input->values;
    /* A row followed by at least the padding of later rows' bytes is
       parsed where it is; the last few are copied with zeroed padding. */
    const int64_t data_end = offsets[input->length];
    int64_t malformed = 0;
    for (int64_t row = begin; row < end; row++) {
        if (status) status[row] = 0;
        bool valid_in = tide_valid(input, row);
        if (!valid_in) { /* a null input is a null struct, not a malformed record */
            end_row(row);
            continue;
        }
        const char *text = (const char *)input->data + offsets[row];
        size_t len = (size_t)(offsets[row + 1] - offsets[row]);
        why = nullptr;
        where = nullptr;
        syntax = simdjson::SUCCESS;
        Outcome r = OK;
        const char *record_why = nullptr;
        if (memchr(text, 0, len)) {
            r = SYNTAX;
            record_why = "it holds a NUL byte";
        } else {
            size_t room = (size_t)(data_end - offsets[row]);
            const char *buf = room >= len + PADDING ? text : sc.load(text, len);
            if (buf != text) room = len + PADDING;
            od::document doc;
            od::object obj;
            od::json_type t;
            if (auto e = parser.iterate(simdjson::padded_string_view(buf, len, room)).get(doc)) {
                r = bad_syntax(e);
            } else if (auto e2 = doc.type().get(t)) {
                r = bad_syntax(e2);
            } else if (t != od::json_type::object) {
                r = SYNTAX;
                record_why = "it is not a JSON object";
            } else if (auto e3 = doc.get_object().get(obj)) {
                r = bad_syntax(e3);
            } else {
                r = read_struct(root, obj, row, true, 1);
                if (r == OK || r == FIELD) {
                    const char *loc;
                    if (doc.current_location().get(loc) != simdjson::OUT_OF_BOUNDS) {
                        r = SYNTAX;
                        record_why = "text follows the JSON object";
                    }
                }
            }
        }
        if (r == FATAL) {
            set_error(errbuf, errlen, "from_json: row %lld: %s", (long long)row,
                      fatal ? fatal : "failed");
            return -1;
        }
        tide_mark_valid(root.col, row); /* Spark 3: a malformed record is a struct of nulls, not null */
        if (r != OK) {
            if (r == SYNTAX) {
                for (Node *k : root.children)
                    null_subtree(*k, row);
            }
            malformed++;
            if (status) status[row] = 1;
            if (opts.mode == TIDE_JSON_FAILFAST) {
                std::string what;
                if (record_why) {
                    what = record_why;
                } else if (r == SYNTAX) {
                    if (len == 0 || syntax == simdjson::EMPTY) {
                        what = "it is empty";
                    } else {
                        what = std::string("not valid JSON: ") + simdjson::error_message(syntax);
                        if (what.back() == '.') what.pop_back();
                    }
                } else {
                    what = "field \"" + std::string(where ? where->name : "") +
                           "\": " + json_type_name(got) + " cannot be read as " +
                           (where ? type_name(where->type) : "its type");
                    if (why) what += std::string(" (") + why + ")";
                }
                set_error(errbuf, errlen,
                          "Malformed records are detected in record parsing. Parse Mode: FAILFAST. "
                          "Row %lld: %s. Record: %s",
                          (long long)row, what.c_str(), excerpt(text, len).c_str());
                if (failed_row) *failed_row = row;
                sc.trim();
                return -1;
            }
            if (corrupt && put_bytes(*corrupt, row, text, len) != OK) {
                set_error(errbuf, errlen, "from_json: row %lld: %s", (long long)row, fatal);
                return -1;
            }
        }
        end_row(row);
    }
    sc.trim();
    return malformed;
}

/* Rows of input parsed on another thread (workers.h), into shadow
   columns of the main call's (FromJson::shadow_column). */
struct Part {
    FromJson fj;
    tide_column root;
    const tide_column *input = nullptr;
    int64_t begin = 0, end = 0;
    tide_json_options opts;
    Node *corrupt = nullptr;
    uint8_t *status = nullptr;
    int64_t malformed = 0, failed_row = -1;
    char err[1024] = "";
    tide_task task;
    ~Part()
    {
        tide_arena_free(fj.arena);
    }
};

void run_part(void *arg)
{
    Part *p = (Part *)arg;
    try {
        p->malformed = p->fj.parse_rows(p->input, p->begin, p->end, p->opts, p->corrupt, p->status,
                                        &p->failed_row, p->err, sizeof p->err);
    } catch (const std::exception &e) {
        set_error(p->err, sizeof p->err, "from_json: %s", e.what());
        p->malformed = -1;
    } catch (...) {
        set_error(p->err, sizeof p->err, "from_json: failed");
        p->malformed = -1;
    }
}

/* The parts of a call: submitted to the workers, and waited for however
   the call ends (an exception included) before they are freed. */
struct Parts {
    std::vector<std::unique_ptr<Part>> list;
    size_t submitted = 0;
    void wait()
    {
        for (size_t i = 0; i < submitted; i++)
            tide_workers_wait(&list[i]->task);
    }
    ~Parts()
    {
        wait();
    }
};

/* Rows a part takes at least: below this, handing rows to another thread
   costs more than parsing them. */
constexpr int64_t MIN_PART_ROWS = 512;

/* Sets up the part of rows [begin, end) for fields, over main's columns. */
bool start_part(Parts &parts, FromJson &main, const tide_column *input, int64_t begin, int64_t end,
                const tide_json_field *fields, int32_t num_fields, const tide_json_options &opts,
                uint8_t *status, char *errbuf, size_t errlen)
{
    auto p = std::make_unique<Part>();
    Part &part = *p;
    parts.list.push_back(std::move(p));
    part.fj.out = main.out;
    part.fj.rows = main.rows;
    part.fj.allow_non_numeric = main.allow_non_numeric;
    part.fj.arena = tide_arena_new(0);
    if (!part.fj.arena || !build_nodes(part.fj, fields, num_fields, errbuf, errlen)) {
        set_error(errbuf, errlen, "from_json: out of memory");
        return false;
    }
    if (opts.corrupt_field >= 0) {
        part.corrupt = part.fj.nodes[0].children[(size_t)opts.corrupt_field];
        part.corrupt->is_corrupt = true;
    }
    if (!part.fj.shadow_column(part.fj.nodes[0], main.nodes[0].col, &part.root, begin, end)) {
        set_error(errbuf, errlen, "from_json: out of memory");
        return false;
    }
    part.input = input;
    part.begin = begin;
    part.end = end;
    part.opts = opts;
    part.status = status;
    part.task.fn = run_part;
    part.task.arg = &part;
    tide_workers_submit(&part.task);
    parts.submitted++;
    return true;
}

int64_t from_json(tide_batch *out, const tide_column *input, const tide_json_field *fields,
                  int32_t num_fields, const tide_json_options *options, tide_column *dst,
                  uint8_t *status, int64_t *failed_row, char *errbuf, size_t errlen)
{
    if (failed_row) *failed_row = -1;
    if (!out || !input || !fields || !dst) {
        set_error(errbuf, errlen, "from_json: missing argument");
        return -1;
    }
    if (input->type != TIDE_STRING && input->type != TIDE_BINARY) {
        set_error(errbuf, errlen, "from_json: the input must be a string or binary column, not %s",
                  type_name(input->type));
        return -1;
    }
    tide_json_options opts = {TIDE_JSON_PERMISSIVE, -1, 1, 0};
    if (options) opts = *options;
    FromJson fj;
    fj.out = out;
    fj.arena = out->arena;
    fj.rows = input->length;
    fj.allow_non_numeric = opts.allow_non_numeric != 0;
    if (!build_nodes(fj, fields, num_fields, errbuf, errlen)) return -1;
    Node &root = fj.nodes[0];
    Node *corrupt = nullptr;
    if (opts.corrupt_field >= 0) {
        if ((size_t)opts.corrupt_field >= root.children.size() ||
            root.children[(size_t)opts.corrupt_field]->type != TIDE_STRING) {
            set_error(errbuf, errlen,
                      "from_json: the corrupt-record field must be a top-level string field");
            return -1;
        }
        corrupt = root.children[(size_t)opts.corrupt_field];
        corrupt->is_corrupt = true;
    }
    if (!fj.init_column(root, dst)) {
        set_error(errbuf, errlen, "from_json: out of memory");
        return -1;
    }

    /* Rows are cut into parts of whole bitmap bytes, so that no two
       threads write the same byte of a validity bitmap; the first part is
       parsed here, the others by the workers at the same time. */
    int64_t rows = fj.rows;
    int64_t nparts = 1 + tide_workers_threads();
    if (nparts > rows / MIN_PART_ROWS) nparts = rows / MIN_PART_ROWS;
    int64_t step = nparts > 1 ? ((rows + nparts - 1) / nparts + 7) / 8 * 8 : rows;
    Parts parts;
    for (int64_t begin = step; nparts > 1 && begin < rows; begin += step) {
        int64_t end = begin + step < rows ? begin + step : rows;
        if (!start_part(parts, fj, input, begin, end, fields, num_fields, opts, status, errbuf,
                        errlen))
            return -1;
    }
    int64_t malformed =
        fj.parse_rows(input, 0, step, opts, corrupt, status, failed_row, errbuf, errlen);
    parts.wait();
    /* The first failure in row order is the call's. */
    if (malformed < 0) return -1;
    for (auto &p : parts.list) {
        if (p->malformed < 0) {
            set_error(errbuf, errlen, "%s", p->err);
            if (failed_row) *failed_row = p->failed_row;
            return -1;
        }
        malformed += p->malformed;
        if (!fj.append_part(p->fj, p->begin, p->end)) {
            set_error(errbuf, errlen, "from_json: %s", fj.fatal);
            return -1;
        }
    }
    fj.finish(root);
    return malformed;
}

} // namespace

extern "C" int64_t tide_from_json(tide_batch *out, const tide_column *input,
                                  const tide_json_field *fields, int32_t num_fields,
                                  const tide_json_options *options, tide_column *dst,
                                  uint8_t *status, int64_t *failed_row, char *errbuf, size_t errlen)
{
    try {
        return from_json(out, input, fields, num_fields, options, dst, status, failed_row, errbuf, errlen);
    } catch (const std::exception &e) {
        set_error(errbuf, errlen, "from_json: %s", e.what());
    } catch (...) {
        set_error(errbuf, errlen, "from_json: failed");
    }
    return -1;
}
