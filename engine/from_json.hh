/*
 * from_json.hh — the state of one from_json call (or of a part of its rows
 * parsed on a worker thread): the schema as a tree of Nodes, and the
 * output columns each Node writes, grown and joined here. Rows are read
 * into them by from_json_read.cc (with from_json_reader.hh; a record read
 * again by from_json_again.cc); from_json.cc sets up the call and its
 * parts; from_json_arrays.cc grows the element columns of arrays and
 * maps. C++ only, internal to those files.
 */
#ifndef TIDE_FROM_JSON_HH
#define TIDE_FROM_JSON_HH

#include "json_text.hh"

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

extern "C" {
#include "batch.h"
#include "tide_ffi.h"
}

namespace tide_fromjson {

using namespace tide_json;

/* How reading a value went. FIELD: it does not fit its field (that
   top-level field becomes null, the record is malformed); SYNTAX: the
   record is not valid JSON (every field null); FATAL: out of memory or a
   column past 2 GiB (the call fails). */
enum Outcome { OK = 0, FIELD = 1, SYNTAX = 2, FATAL = 3 };

/* Arrays and maps: offsets into element columns of their own (an array's
   one, children[0]; a map's keys and values, children[0] and [1]). */
inline bool has_elements(int32_t type)
{
    return type == TIDE_ARRAY || type == TIDE_MAP;
}

struct Node {
    std::string_view name;
    int32_t type = 0;
    int32_t precision = 0, scale = 0;
    tide_column *col = nullptr;
    std::vector<Node *> children; /* struct; array: element; map: key, value */
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
    /* An array's (or map's) elements are appended, not indexed by
       record: its element column (a map's key and value columns) and the
       struct fields under them, down to nested arrays and maps (whose
       offsets they index, not their elements), are its members,
       addressed by its element index; their buffers hold cap elements,
       count of them written. closers: the members whose offsets close
       each element (strings, binary, nested arrays and maps). */
    std::vector<Node *> members, closers;
    int64_t count = 0, cap = 0;

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

struct FromJson {
    tide_batch *out;   /* the output's batch: init_column builds in it */
    tide_arena *arena; /* where string bytes and elements grow: out's, or a part's own */
    int64_t rows;
    std::vector<Node> nodes;
    std::vector<Node *> varlen; /* string/binary leaves, whose offsets close each row */
    std::vector<Node *> arrays; /* arrays and maps outside them, whose offsets close each row */
    bool allow_non_numeric = true;
    /* Date fields: dateFormat's pattern (NULL: CAST's forms) and
       whether Spark's fallback forms follow (tide_json_options). */
    const struct tide_datetime_pattern *date_format = nullptr;
    bool date_fallback = true;
    const struct tide_datetime_pattern *timestamp_format = nullptr;
    bool timestamp_fallback = true;
    /* Why the current record is malformed, for FAILFAST's message: the
       first value that did not fit, and its path ("pts[1].x"), built as
       the failure returns through the values around it; path_depth is
       the depth of the value the path starts at. */
    const char *why = nullptr;
    const Node *where = nullptr;
    std::string path;
    int path_depth = 0;
    od::json_type got = od::json_type::null;
    error_code syntax = simdjson::SUCCESS;
    const char *fatal = nullptr;
    std::string text; /* scratch for values written back as JSON text */
    bool allow_single_quotes = true;
    /* A record read a second time (read_again): its copy as standard
       JSON, and where the strings that stand for its non-numeric numbers
       start in it, ascending (empty but while it is read). */
    std::vector<char> lenient;
    std::vector<size_t> number_tokens;

    /* Whether v is one of number_tokens' strings: a NaN or Infinity. */
    bool number_token(od::value &v)
    {
        std::string_view raw = v.raw_json_token();
        size_t at = (size_t)((uintptr_t)raw.data() - (uintptr_t)lenient.data());
        return std::binary_search(number_tokens.begin(), number_tokens.end(), at);
    }

    /* -- building the output -- */

    bool init_column(Node &n, tide_column *col)
    {
        n.col = col;
        std::string name(n.name);
        if (has_elements(n.type)) {
            int rc = n.type == TIDE_MAP ? tide_column_init_map(out, col, name.c_str(), rows)
                                        : tide_column_init_array(out, col, name.c_str(), rows);
            if (rc != 0) return false;
            arrays.push_back(&n);
            /* Elements: about one a row to start with, doubled as needed. */
            if (!init_elements(n, rows < 64 ? 64 : rows)) return false;
        } else if (n.type == TIDE_STRUCT) {
            if (tide_column_init_struct(out, col, name.c_str(), (int32_t)n.children.size()) != 0)
                return false;
        } else {
            int rc = n.type == TIDE_DECIMAL
                         ? tide_column_init_decimal(out, col, name.c_str(), n.precision, n.scale, 0)
                         : tide_column_init(out, col, name.c_str(), n.type, 0);
            if (rc != 0) return false;
            if (rows > col->capacity) {
                size_t slots = (size_t)rows + (tide_is_varlen(n.type) ? 1 : 0);
                col->values =
                    tide_arena_calloc(out->arena, slots * (size_t)tide_type_width(n.type));
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
        if (n.type == TIDE_STRUCT)
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
        } else if (has_elements(n.type)) {
            /* Offsets into this part's own elements, indexed by the
               call's row numbers; rebased by append_part. */
            int64_t *offsets =
                (int64_t *)tide_arena_alloc(arena, sizeof(int64_t) * (size_t)(rows + 1));
            col->children =
                (tide_column *)tide_arena_alloc(arena, sizeof(tide_column) * n.children.size());
            if (!offsets || !col->children) return false;
            offsets[begin] = 0;
            col->values = offsets;
            arrays.push_back(&n);
            int64_t cap = end - begin < 64 ? 64 : end - begin;
            if (!init_elements(n, cap)) return false;
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
        for (size_t i = 0; i < arrays.size(); i++) {
            Node &m = *arrays[i];
            const Node &w = *part.arrays[i];
            int64_t *mo = (int64_t *)m.col->values;
            const int64_t *wo = (const int64_t *)w.col->values;
            int64_t base = m.count;
            for (int64_t r = begin + 1; r <= end; r++)
                mo[r] = base + wo[r];
            if (!append_elements(m, w)) return false;
        }
        return true;
    }

    /* Makes a field (and everything under it) null again in this row
       (an element index, for a member of an array). */
    void null_subtree(Node &n, int64_t row)
    {
        tide_column *c = n.col;
        tide_mark_null(c, row);
        if (n.type == TIDE_STRUCT) {
            for (Node *k : n.children)
                null_subtree(*k, row);
        } else if (has_elements(n.type)) {
            truncate_elements(n, ((const int64_t *)c->values)[row]);
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
            while (cap < need)
                cap *= 2;
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

    /* Closes the current row of every string column, array and map. */
    void end_row(int64_t row)
    {
        for (Node *n : varlen) {
            int32_t *off = (int32_t *)n->col->values;
            off[row + 1] = off[row] + (int32_t)n->pending;
            n->pending = 0;
        }
        for (Node *n : arrays)
            ((int64_t *)n->col->values)[row + 1] = n->count;
    }

    /* -- arrays and maps (from_json_arrays.cc) -- */

    /* The element column of array a (a map's key and value columns) and
       its members' columns, with room for cap elements, in this call's
       (or part's) arena. */
    bool init_elements(Node &a, int64_t cap);
    /* Room for `need` elements of a; false (fatal set) when out of memory. */
    bool grow_elements(Node &a, int64_t need)
    {
        return need <= a.cap || grow_elements_slow(a, need);
    }
    bool grow_elements_slow(Node &a, int64_t need);
    /* Drops a's elements from index k on (and theirs), as null slots. */
    void truncate_elements(Node &a, int64_t k);
    /* Closes element idx of a: its strings' and nested arrays' and maps'
       offsets. */
    void close_element(Node &a, int64_t idx)
    {
        for (Node *n : a.closers) {
            if (has_elements(n->type)) {
                ((int64_t *)n->col->values)[idx + 1] = n->count;
            } else {
                int32_t *off = (int32_t *)n->col->values;
                off[idx + 1] = off[idx] + (int32_t)n->pending;
                n->pending = 0;
            }
        }
    }
    /* Appends part array w's elements to this call's array m. */
    bool append_elements(Node &m, const Node &w);

    /* Counts the nulls of n's column (of len rows, or a member's
       elements) and drops a bitmap without any. */
    void finish(Node &n, int64_t len)
    {
        tide_column *c = n.col;
        c->length = len;
        int64_t valid = 0;
        size_t full = (size_t)len / 8;
        size_t i = 0;
        for (; i + 8 <= full; i += 8) { /* a word at a time: a call each without -mpopcnt */
            uint64_t w;
            memcpy(&w, c->validity + i, 8);
            valid += __builtin_popcountll(w);
        }
        for (; i < full; i++)
            valid += __builtin_popcount(c->validity[i]);
        for (int64_t r = (int64_t)full * 8; r < len; r++)
            valid += (c->validity[r >> 3] >> (r & 7)) & 1;
        c->null_count = len - valid;
        if (c->null_count == 0) c->validity = nullptr;
        for (Node *k : n.children)
            finish(*k, has_elements(n.type) ? n.count : len);
    }

    /* -- reading rows (from_json_read.cc) -- */

    /* Parses rows [begin, end) of input into the columns of this call (or
       part); status and *failed_row as tide_from_json. The count of
       malformed rows, or -1 with errbuf. */
    int64_t parse_rows(const tide_column *input, int64_t begin, int64_t end,
                       const tide_json_options &opts, Node *corrupt, uint8_t *status,
                       int64_t *failed_row, char *errbuf, size_t errlen);
    /* A record that did not parse as it is (first, its outcome) read
       again into row as Spark's Jackson parser reads it with from_json's
       options: its first object (array) alone, single quotes and
       non-numeric numbers taken (from_json_again.cc). When that fails
       too, the first reading's outcome and reasons stand. */
    Outcome read_again(od::parser &parser, const char *text, size_t len, int64_t row,
                       Outcome first, const char **record_why);
};

} // namespace tide_fromjson

#endif
