/*
 * from_json_again.cc — from_json's second reading of a record simdjson
 * refused as it is: the record as Spark's Jackson parser reads it with
 * from_json's options (json_lenient.hh's load_first_value), read by
 * from_json_reader.hh's Reader<true>. Only records that fail come here,
 * so well-formed ones are read once.
 */
#include "from_json_reader.hh"
#include "json_lenient.hh"

namespace tide_fromjson
{

Outcome FromJson::read_again(od::parser &parser, const char *text, size_t len, int64_t row,
                             Outcome first, const char **record_why)
{
    Reader<true> rd{*this};
    size_t n =
        load_first_value(lenient, text, len, allow_single_quotes, allow_non_numeric, number_tokens);
    if (n == 0) return first;
    /* What the first reading wrote into the row goes */
    Node &root = nodes[0];
    if (has_elements(root.type)) {
        null_subtree(root, row);
    } else {
        for (Node *k : root.children)
            null_subtree(*k, row);
    }
    for (Node &k : nodes)
        k.seen_row = -1;
    /* the first reading's reasons, kept for FAILFAST's message */
    const char *first_why = why, *first_record_why = *record_why;
    const Node *first_where = where;
    std::string first_path = path;
    int first_path_depth = path_depth;
    od::json_type first_got = got;
    error_code first_syntax = syntax;
    why = nullptr;
    where = nullptr;
    syntax = simdjson::SUCCESS;
    *record_why = nullptr;
    Outcome r = read_record(rd, parser, lenient.data(), n, lenient.size(), row, record_why);
    number_tokens.clear();
    if (r != SYNTAX) return r;
    why = first_why;
    where = first_where;
    path = first_path;
    path_depth = first_path_depth;
    got = first_got;
    syntax = first_syntax;
    *record_why = first_record_why;
    return first; /* (parse_rows nulls what the second reading wrote) */
}

} // namespace tide_fromjson
