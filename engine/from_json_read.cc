/*
 * from_json_read.cc — from_json's rows read (from_json_reader.hh reads
 * each record): a record simdjson refuses is read again
 * (from_json_again.cc), a malformed one handled as the mode says.
 */
#include "from_json_reader.hh"

namespace tide_fromjson {

/* Parses rows [begin, end) of input into the columns of this call (or
   part); status and *failed_row as tide_from_json. The count of malformed
   rows, or -1 with errbuf. */
int64_t FromJson::parse_rows(const tide_column *input, int64_t begin, int64_t end,
                             const tide_json_options &opts, Node *corrupt, uint8_t *status,
                             int64_t *failed_row, char *errbuf, size_t errlen)
{
    Node &root = nodes[0];
    /* A map or array schema reads the whole document into one value; a
       malformed record is then null (JsonToStructs' getMap or getArray
       of a row of nulls), where a struct's is a struct of nulls. */
    const bool whole_root = has_elements(root.type);
    Reader<false> rd{*this};
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
            r = read_record(rd, parser, buf, len, room, row, &record_why);
            if (r == SYNTAX) r = read_again(parser, text, len, row, r, &record_why);
        }
        if (r == FATAL) {
            set_error(errbuf, errlen, "from_json: row %lld: %s", (long long)row,
                      fatal ? fatal : "failed");
            return -1;
        }
        /* An empty or blank record is a null struct too (SPARK-19543):
           Jackson finds no token in it, JacksonParser.parse gives no row
           and JsonToStructs null. Only JSON's four blanks, which Jackson
           skips; any other control byte is an error there too. Asked only
           of a record simdjson refused (for it, no structural at all), so
           the usual record pays nothing; nothing was written for it. */
        if (r == SYNTAX && blank(text, len)) {
            end_row(row);
            continue;
        }
        /* Spark 3: a malformed record is a struct of nulls, not null; a
           map schema's is a null map (JsonToStructs' getMap(0) of that
           row of nulls). */
        if (!whole_root || r == OK) tide_mark_valid(root.col, row);
        if (r != OK) {
            if (whole_root) {
                null_subtree(root, row);
            } else if (r == SYNTAX) {
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
                    what = std::string("not valid JSON: ") + simdjson::error_message(syntax);
                    if (what.back() == '.') what.pop_back();
                } else {
                    what = "field \"" + (path.empty() && where ? std::string(where->name) : path) +
                           "\": " + json_type_name(got) + " cannot be read as " +
                           (where ? node_type_name(*where) : "its type");
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

} // namespace tide_fromjson
