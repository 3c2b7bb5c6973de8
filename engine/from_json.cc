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
 * - A record simdjson refuses is read a second time as Spark's Jackson
 *   parser reads it with its default options (json_lenient.hh's
 *   load_first_value): strings in single quotes (allowSingleQuotes),
 *   NaN, Infinity, +INF, -INF... as numbers (allowNonNumericNumbers), and
 *   only its first object: text after it is never read. Well-formed
 *   records take the fast way alone.
 * - A null input row, and an empty or blank one (Jackson finds no token
 *   in it: SPARK-19543), is a null struct, not a malformed record, as
 *   Spark's JsonToStructs gives null for both. The JSON literal null is
 *   malformed, as in Spark, whose JacksonParser.parse throws a bad
 *   record when the root converter gives null.
 * - Type rules follow Spark's JacksonParser: ints and longs take integral
 *   JSON numbers only; float and double take any number, and with
 *   allow_non_numeric the strings "NaN", "Infinity", "+INF", ...; decimals
 *   take numbers and numeric strings, parsed exactly from the text (never
 *   through a double) and rounded half up to the scale; strings take
 *   strings, and the JSON text of any other value as Jackson writes it
 *   back (compact, strings re-escaped, doubles as Java prints them); booleans take
 *   true/false; timestamps take strings (tide_timestamp_parse) and
 *   integral numbers as seconds; dates take non-empty strings only, read
 *   as tide_json_options says; binary takes base64 strings; structs
 *   take objects; arrays take arrays, their elements read by the same
 *   rules (a null element is a null element); maps (string keys only, as
 *   Spark's from_json) take objects, every member an entry in document
 *   order, its name the key and its value read by the same rules (null
 *   kept as a null value; duplicate names kept as entries of their own,
 *   as Spark's convertMap builds its ArrayBasedMapData). Missing fields
 *   are null, unknown fields are skipped, duplicate keys of a struct: the
 *   last wins. A value that does not fit its field (an element of an
 *   array or a map's value too) makes that top-level field null and the
 *   record malformed; FAILFAST's message names the first one's path
 *   ("pts[1].x", "m.key").
 * - The schema's root is a struct, or a map (Spark's from_json with a
 *   MapType schema): the record's object is the row's map, and a
 *   malformed record gives a null map.
 * - The elements of arrays and maps are appended to element columns of
 *   their own (from_json_arrays.cc); a part on a worker thread builds its
 *   own, appended to the call's in row order.
 * - Output buffers come from out's arena; nothing here outlives the call
 *   but the per-thread parser and scratch buffer.
 * - No input makes this crash: errors (including allocation failures,
 *   caught at the C boundary) come back as return codes.
 */
#include "from_json.hh"

#include <memory>
#include <new>
#include <string>
#include <vector>

extern "C" {
#include "workers.h"
}

namespace {

using namespace tide_fromjson;

/* Array (or map) a's members from n on: n, and n's fields when it is a
   struct (a nested array's or map's elements are its own). */
void add_members(Node &a, Node &n)
{
    a.members.push_back(&n);
    if (tide_is_varlen(n.type) || has_elements(n.type)) a.closers.push_back(&n);
    if (n.type == TIDE_STRUCT)
        for (Node *k : n.children)
            add_members(a, *k);
}

/* Builds the schema tree from the preorder array; false if malformed. */
bool build_nodes(FromJson &fj, const tide_json_field *fields, int32_t n, char *errbuf,
                 size_t errlen)
{
    if (n < 1 ||
        (fields[0].type != TIDE_STRUCT && fields[0].type != TIDE_MAP && fields[0].type != TIDE_ARRAY)) {
        set_error(errbuf, errlen, "from_json: the schema must be a struct, a map or an array");
        return false;
    }
    fj.nodes.resize((size_t)n);
    /* A stack of structs, arrays and maps still expecting children. */
    std::vector<std::pair<Node *, int32_t>> open;
    for (int32_t i = 0; i < n; i++) {
        const tide_json_field &f = fields[i];
        Node &node = fj.nodes[(size_t)i];
        node.set_key(f.name ? std::string_view(f.name) : std::string_view());
        node.type = f.type;
        node.precision = f.precision;
        node.scale = f.scale;
        if ((tide_type_width(f.type) == 0 && f.type != TIDE_STRUCT) || f.type == TIDE_VECTOR) {
            set_error(errbuf, errlen, "from_json: field \"%s\" has a type JSON cannot hold (%d)",
                      f.name ? f.name : "", (int)f.type);
            return false;
        }
        if (f.type == TIDE_ARRAY && f.num_children != 1) {
            set_error(errbuf, errlen, "from_json: array \"%s\" needs one element field, not %d",
                      f.name ? f.name : "", (int)f.num_children);
            return false;
        }
        if (f.type == TIDE_MAP &&
            (f.num_children != 2 || i + 1 >= n || fields[i + 1].type != TIDE_STRING)) {
            /* A JSON object's member names are strings: Spark's from_json
               takes no other key type (INVALID_JSON_MAP_KEY_TYPE). */
            set_error(errbuf, errlen,
                      "from_json: map \"%s\" needs a string key field and a value field",
                      f.name ? f.name : "");
            return false;
        }
        if (f.type == TIDE_DECIMAL &&
            (f.precision < 1 || f.precision > 38 || f.scale < 0 || f.scale > f.precision)) {
            set_error(errbuf, errlen, "from_json: field \"%s\" has a bad decimal(%d,%d)",
                      f.name ? f.name : "", (int)f.precision, (int)f.scale);
            return false;
        }
        if (i > 0) {
            if (open.empty()) {
                set_error(errbuf, errlen,
                          "from_json: the schema has more fields than its structs hold");
                return false;
            }
            open.back().first->children.push_back(&node);
            if (--open.back().second == 0) open.pop_back();
        }
        if (has_elements(f.type)) {
            open.push_back({&node, f.type == TIDE_MAP ? 2 : 1});
        } else if (f.type == TIDE_STRUCT) {
            if (f.num_children < 0) {
                set_error(errbuf, errlen, "from_json: bad schema");
                return false;
            }
            if (f.num_children > 0) open.push_back({&node, f.num_children});
        }
        while (!open.empty() && open.back().second == 0)
            open.pop_back();
    }
    if (!open.empty()) {
        set_error(errbuf, errlen,
                  "from_json: the schema has fewer fields than its structs declare");
        return false;
    }
    for (Node &node : fj.nodes)
        if (has_elements(node.type))
            for (Node *k : node.children)
                add_members(node, *k);
    return true;
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
    part.fj.allow_single_quotes = main.allow_single_quotes;
    part.fj.date_format = main.date_format;
    part.fj.date_fallback = main.date_fallback;
    part.fj.timestamp_format = main.timestamp_format;
    part.fj.timestamp_fallback = main.timestamp_fallback;
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
    tide_json_options opts = {TIDE_JSON_PERMISSIVE, -1, 1, 1, nullptr, nullptr, 1, 0};
    if (options) opts = *options;
    FromJson fj;
    fj.out = out;
    fj.arena = out->arena;
    fj.rows = input->length;
    fj.allow_non_numeric = opts.allow_non_numeric != 0;
    fj.allow_single_quotes = opts.no_single_quotes == 0;
    fj.date_format = opts.date_format;
    fj.date_fallback = opts.date_fallback != 0;
    fj.timestamp_format = opts.timestamp_format;
    fj.timestamp_fallback = opts.timestamp_fallback != 0;
    if (!build_nodes(fj, fields, num_fields, errbuf, errlen)) return -1;
    Node &root = fj.nodes[0];
    Node *corrupt = nullptr;
    if (opts.corrupt_field >= 0) {
        if (root.type != TIDE_STRUCT || (size_t)opts.corrupt_field >= root.children.size() ||
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
    fj.finish(root, rows);
    return malformed;
}

} // namespace

extern "C" int64_t tide_from_json(tide_batch *out, const tide_column *input,
                                  const tide_json_field *fields, int32_t num_fields,
                                  const tide_json_options *options, tide_column *dst,
                                  uint8_t *status, int64_t *failed_row, char *errbuf, size_t errlen)
{
    try {
        return from_json(out, input, fields, num_fields, options, dst, status, failed_row, errbuf,
                         errlen);
    } catch (const std::exception &e) {
        set_error(errbuf, errlen, "from_json: %s", e.what());
    } catch (...) {
        set_error(errbuf, errlen, "from_json: failed");
    }
    return -1;
}
