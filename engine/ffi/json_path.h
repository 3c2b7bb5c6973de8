/* The JSON functions that read JSON text without a schema (json_path.cc,
   json_fields.cc, json_schema_of.cc): get_json_object, json_tuple,
   json_array_length, json_object_keys and schema_of_json, as Spark 3.5
   computes them. Part of the FFI declarations (see tide_ffi.h): plain C,
   no macros, so that LuaJIT's ffi.cdef reads it as well.

   The text is read as Spark's Jackson parser for these functions reads
   it: strings may be in single quotes, and strings may hold raw control
   characters (schema_of_json excepted, as Spark's default options); only
   the first JSON value of the text is read, so that what follows it is
   ignored. A string result of a JSON string is its text, unquoted; of any
   other value, that value written as Jackson writes it back: compact,
   strings re-escaped, integers as they are, other numbers as Java's
   Double.toString prints them (1.50 is 1.5).

   As the kernels of ffi/eval.h: each writes its result into dst (buffers
   in out's arena) and returns 0, or -1 with a message in errbuf (out of
   memory, a column past 2 GiB); json is a string or binary column, and a
   row is NULL where json is, or where its text is not JSON. */
#ifndef TIDE_FFI_JSON_PATH_H
#define TIDE_FFI_JSON_PATH_H

#include "tide_ffi.h"

/* get_json_object(json, path): path a string column (a literal as a
   broadcast one) in Spark's JsonPath: $, then .name or ['name'], [n],
   [*], and .* or ['*'] (which match no object, as Spark's); a row is NULL
   where path is, or is not such a path, or selects nothing (a field whose
   value is null selects nothing). [*] gives the values it selects as a
   JSON array, or the one value alone, as Hive's. */
int tide_eval_get_json_object(tide_batch *out, const tide_column *json, const tide_column *path,
                              tide_column *dst, char *errbuf, size_t errlen);
/* json_tuple(json, names[0], ..., names[k - 1]): a struct of k string
   fields c0, c1, ..., field i the value of the top-level member named
   names[i] (NULL: none) of each row's object, never a NULL struct. A
   member holding null gives nothing (an earlier member of that name
   stays); of members sharing a name the last one gives the value; every
   field is NULL where the text is not an object, or not JSON. */
int tide_eval_json_tuple(tide_batch *out, const tide_column *json, const char *const *names,
                         int32_t k, tide_column *dst, char *errbuf, size_t errlen);
/* json_array_length(json): the number of elements of each row's outer
   JSON array (int); NULL where the text is any other value. */
int tide_eval_json_array_length(tide_batch *out, const tide_column *json, tide_column *dst,
                                char *errbuf, size_t errlen);
/* json_object_keys(json): the names of the members of each row's outer
   JSON object, in order, repeats kept (array<string>); NULL where the
   text is any other value. */
int tide_eval_json_object_keys(tide_batch *out, const tide_column *json, tide_column *dst,
                               char *errbuf, size_t errlen);
/* schema_of_json's options (flags): Spark's prefersDecimal (a number
   with a fraction or an exponent is the decimal Java's BigDecimal reads
   it as, when its digits fit) and primitivesAsString (numbers and
   booleans are strings). */
typedef enum tide_json_infer_flag {
    TIDE_JSON_PREFERS_DECIMAL = 1,
    TIDE_JSON_PRIMITIVES_AS_STRING = 2,
    TIDE_JSON_DROP_FIELD_IF_ALL_NULL = 4, /* dropFieldIfAllNull: fields only ever null go */
    TIDE_JSON_NO_SINGLE_QUOTES = 8 /* the JSON source's allowSingleQuotes false: a string in
                                      single quotes makes its record malformed */
} tide_json_infer_flag;

/* schema_of_json(text): the type Spark 3.5 infers for the JSON document
   text[0, len) with its default options but flags, as Spark writes it
   in DDL (STRUCT<a: BIGINT, b: ARRAY<STRING>>), written NUL-terminated
   into buf when it fits in buflen bytes. Returns its length (without the
   NUL: a length >= buflen asks for a larger buffer), or -1 with errbuf
   when the text is not JSON (or, with prefersDecimal, a number's decimal
   would have a negative scale, 1e2, which Spark refuses too). */
int64_t tide_json_schema_of(const char *text, int64_t len, int32_t flags, char *buf, int64_t buflen,
                            char *errbuf, size_t errlen);

/* The JSON source's inference (Spark's JsonInferSchema over a dataset):
   the struct types of its records merged as schema_of_json merges types,
   with flags. tide_json_inference_add merges each row of records (a
   string column) but those skip[row] says to leave (skip NULL: none): a
   record that is an object merges in; a blank one or null is passed over;
   any other (not JSON, a scalar, an array) is malformed: malformed[row]
   is set to 1, and the first one's why is written to errbuf ("not valid
   JSON: ...", "not a JSON object"). Only a record's first JSON value is
   read. Returns the number of malformed rows, or -1 with errbuf (a
   decimal with a negative scale under prefersDecimal, out of memory).
   tide_json_inference_schema writes the merged struct in DDL as
   tide_json_schema_of does (length returned, as there), or "" when no
   field is left (no object, or all dropped); -1 when out of memory. */
typedef struct tide_json_inference tide_json_inference;
tide_json_inference *tide_json_inference_new(int32_t flags);
void tide_json_inference_free(tide_json_inference *inf);
int64_t tide_json_inference_add(tide_json_inference *inf, const tide_column *records,
                                const uint8_t *skip, uint8_t *malformed, char *errbuf, size_t errlen);
int64_t tide_json_inference_schema(const tide_json_inference *inf, char *buf, int64_t buflen);

#endif
