/* The array kernels of tide.eval_arrays (eval_array.c), as Spark 3.5
   computes them over array columns (tide_ffi.h's layout).
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well.

   As the kernels of ffi/eval.h: each writes its result into dst (buffers
   in out's arena) and returns 0, or -1 with a message in errbuf; types are
   checked and cast in Lua. A row is NULL when an argument is, unless said
   otherwise. */
#ifndef TIDE_FFI_ARRAY_H
#define TIDE_FFI_ARRAY_H

#include "tide_ffi.h"

/* size(arr): the number of elements, -1 for a null array (Spark's
   spark.sql.legacy.sizeOfNull, true unless ANSI). */
int tide_eval_array_size(tide_batch *out, const tide_column *arr, tide_column *dst, char *errbuf,
                         size_t errlen);
/* element_at(arr, index) (one_based: 1 the first element, -1 the last;
   0 an error) or arr[index] (0-based): the element, NULL past either end. */
int tide_eval_array_item(tide_batch *out, const tide_column *arr, const tide_column *index,
                         int32_t one_based, tide_column *dst, char *errbuf, size_t errlen);
/* array_contains(arr, value), value of the elements' type: true when an
   element equals it; else NULL when an element is null, false otherwise. */
int tide_eval_array_contains(tide_batch *out, const tide_column *arr, const tide_column *value,
                             tide_column *dst, char *errbuf, size_t errlen);
/* array(c1, ..., ck), columns of one type: each row's values as an array
   (never NULL; null values are null elements). */
int tide_eval_array_of(tide_batch *out, const tide_column *const *cols, int32_t k,
                       tide_column *dst, char *errbuf, size_t errlen);
/* array_repeat(value, count): count copies of value (any type; a null
   value gives null elements; count <= 0 none; a null count NULL). */
int tide_eval_array_repeat(tide_batch *out, const tide_column *value, const tide_column *count,
                           tide_column *dst, char *errbuf, size_t errlen);
/* sequence(start, stop[, step]) of ints or bigints: start, start + step,
   ... up to stop; step 1 or -1 by default; a step away from stop is
   Spark's error "Illegal sequence boundaries". */
int tide_eval_sequence(tide_batch *out, const tide_column *start, const tide_column *stop,
                       const tide_column *step, tide_column *dst, char *errbuf, size_t errlen);
/* arrays_zip(a1, ..., ak): an array of structs (fields named names[]) of
   the arrays' elements at each position, as long as the longest, null
   fields past a shorter array's end; NULL where an array is. */
int tide_eval_arrays_zip(tide_batch *out, const tide_column *const *arrs, int32_t k,
                         const char *const *names, tide_column *dst, char *errbuf, size_t errlen);
/* array_join(arr, sep[, null_text]) over an array of strings: the
   elements joined by sep; null elements left out, or null_text when it
   is not NULL. */
int tide_eval_array_join(tide_batch *out, const tide_column *arr, const char *sep, int64_t sep_len,
                         const char *null_text, int64_t null_len, tide_column *dst, char *errbuf,
                         size_t errlen);
/* sort_array(arr, ascending) and array_sort(arr): each row's elements
   sorted, nulls first or last (sort_array's: first ascending, last
   descending; array_sort's: last); equal elements keep their order. */
int tide_eval_sort_array(tide_batch *out, const tide_column *arr, int32_t ascending, int32_t nulls_first,
                         tide_column *dst, char *errbuf, size_t errlen);
/* array_distinct(arr): each row's elements without repeats (atomic
   types; one null kept), in order of first appearance; as in Spark 3.5,
   -0.0 and 0.0 are two elements, NaNs one. */
int tide_eval_array_distinct(tide_batch *out, const tide_column *arr, tide_column *dst,
                             char *errbuf, size_t errlen);
/* Spark ML's vector_to_array(vec, dtype): each vector's values, dense, as
   an array of doubles (or of floats when float32). */
int tide_eval_vector_to_array(tide_batch *out, const tide_column *vec, int32_t float32,
                              tide_column *dst, char *errbuf, size_t errlen);
/* array_to_vector(arr): an array of numbers as a dense vector; the rows
   must share one length (a tide vector column has one size) and hold no
   null element. */
int tide_eval_array_to_vector(tide_batch *out, const tide_column *arr, tide_column *dst, char *errbuf,
                              size_t errlen);
/* ---- eval_array_ops.c ---- */
/* array_max (max 1) and array_min: the greatest (least) non-null element,
   as Spark orders them; NULL without one. */
int tide_eval_array_extreme(tide_batch *out, const tide_column *arr, int32_t max, tide_column *dst,
                            char *errbuf, size_t errlen);
/* slice(arr, start, length): length elements from start (1-based; < 0
   from the end); start 0 or a negative length is an error, as Spark's. */
int tide_eval_array_slice(tide_batch *out, const tide_column *arr, const tide_column *start,
                          const tide_column *length, tide_column *dst, char *errbuf, size_t errlen);
/* reverse(arr): the elements in reverse order. */
int tide_eval_array_reverse(tide_batch *out, const tide_column *arr, tide_column *dst, char *errbuf,
                            size_t errlen);
/* flatten(arr of arrays): the inner arrays' elements in order; NULL where
   an inner array is. */
int tide_eval_array_flatten(tide_batch *out, const tide_column *arr, tide_column *dst, char *errbuf,
                            size_t errlen);
/* concat(a1, ..., ak) of k <= 8 arrays of one element layout: their
   elements in order; NULL where one is. */
int tide_eval_array_concat(tide_batch *out, const tide_column *const *arrs, int32_t k,
                           tide_column *dst, char *errbuf, size_t errlen);
/* array_position(arr, value): the 1-based position (bigint) of the first
   element equal to value, 0 when none is. */
int tide_eval_array_position(tide_batch *out, const tide_column *arr, const tide_column *value,
                             tide_column *dst, char *errbuf, size_t errlen);
/* array_remove(arr, value): the elements that are not equal to value
   (null elements stay). */
int tide_eval_array_remove(tide_batch *out, const tide_column *arr, const tide_column *value,
                           tide_column *dst, char *errbuf, size_t errlen);
/* array_union, array_intersect, array_except of a and b (same element
   layout): each value once, in order of first appearance in a (then b),
   one null where Spark keeps it. */
typedef enum tide_array_set_op {
    TIDE_ARRAY_UNION = 1,
    TIDE_ARRAY_INTERSECT = 2,
    TIDE_ARRAY_EXCEPT = 3
} tide_array_set_op;
int tide_eval_array_set_op(tide_batch *out, const tide_column *a, const tide_column *b, int32_t op,
                           tide_column *dst, char *errbuf, size_t errlen);
/* arrays_overlap(a, b): true when a non-null element of a is in b; else
   NULL when both are non-empty and one holds a null; false otherwise. */
int tide_eval_arrays_overlap(tide_batch *out, const tide_column *a, const tide_column *b,
                             tide_column *dst, char *errbuf, size_t errlen);
/* array_insert(arr, pos, item), item of the elements' type: arr with
   item at pos, 1-based, -1 after the last element (Spark 3.5's); a pos
   past either end pads with nulls up to it; pos 0 is Spark's error
   INVALID_INDEX_OF_ZERO. NULL where arr or pos is. */
int tide_eval_array_insert(tide_batch *out, const tide_column *arr, const tide_column *pos,
                           const tide_column *item, tide_column *dst, char *errbuf, size_t errlen);
/* shuffle(arr): each row's elements in a random order. When seeded, row i
   (counted from first_row) is ordered by a generator seeded by seed and
   its number alone, so that the same rows give the same orders however
   they come in batches; otherwise each call draws a new seed. */
int tide_eval_array_shuffle(tide_batch *out, const tide_column *arr, uint64_t seed, int32_t seeded,
                            int64_t first_row, tide_column *dst, char *errbuf, size_t errlen);

/* Higher-order functions (eval_array_lambda.c). A batch of a row per
   element of arr's rows (null rows have none): input's columns outer[0,
   n_outer) repeated for each element of their row, then the element
   ("element"), then, when with_pos, its 0-based position ("index", int).
   A lambda's body runs over it. NULL with errbuf on failure. */
tide_batch *tide_array_element_batch(const tide_batch *input, const int32_t *outer, int32_t n_outer,
                                     const tide_column *arr, int32_t with_pos, char *errbuf,
                                     size_t errlen);
/* (Of a map, tide_array_element_batch gives its keys and values as two
   columns after the outer ones; with_pos is ignored.)
   eval_map_lambda.c: transform_keys (part 0) and transform_values (1):
   m's rows with that part's entries the rows of replacement (one per
   entry, in order); new keys are checked as Spark's (NULL_MAP_KEY,
   DUPLICATED_MAP_KEY). map_filter: m's rows with the entries where keep
   is true. */
int tide_map_with_part(tide_batch *out, const tide_column *m, int32_t part,
                       const tide_column *replacement, tide_column *dst, char *errbuf,
                       size_t errlen);
int tide_map_keep(tide_batch *out, const tide_column *m, const tide_column *keep, tide_column *dst,
                  char *errbuf, size_t errlen);
/* array_sort(arr, comparator): a batch of every (left, right) pair of
   each row's elements, row-major (the outer columns the comparator reads
   first, repeated per pair, then "left" and "right"); NULL with errbuf
   when the pairs pass 64 Mi in the batch. tide_array_sort_by then sorts
   each row stably by cmp, the comparator's int per pair (a negative one
   puts left first); a null result is Spark's error. */
tide_batch *tide_array_pair_batch(const tide_batch *input, const int32_t *outer, int32_t n_outer,
                                  const tide_column *arr, char *errbuf, size_t errlen);
int tide_array_sort_by(tide_batch *out, const tide_column *arr, const tide_column *cmp,
                       tide_column *dst, char *errbuf, size_t errlen);

/* transform: arr's rows with elements the rows of `elements` (one per
   element of arr, in order). */
int tide_array_replace_elements(tide_batch *out, const tide_column *arr, const tide_column *elements,
                                tide_column *dst, char *errbuf, size_t errlen);
/* filter: arr's rows with the elements where keep (a boolean per element)
   is true; null counts as false. */
int tide_array_keep_elements(tide_batch *out, const tide_column *arr, const tide_column *keep,
                             tide_column *dst, char *errbuf, size_t errlen);
/* exists (all 0) and forall (all 1) over pred, a boolean per element:
   Spark's three-valued answers (a null where no element decides and one
   is null). */
int tide_array_any(tide_batch *out, const tide_column *arr, const tide_column *pred, int32_t all,
                   tide_column *dst, char *errbuf, size_t errlen);
/* aggregate(arr, zero, merge[, finish]), a fold run one position k of
   every array at a time: a batch of the rows whose array has an element
   k (a valid array) among all rows (candidates < 0) or rows[0,
   candidates) (the step before's), of input's columns outer[0, n_outer),
   then acc's value ("acc"), then the element ("element"), their input
   rows written to rows[] (room for arr's length); and acc with those
   rows' values replaced by merged's (of rows[0, m)). NULL / -1 with
   errbuf. */
tide_batch *tide_array_step_batch(const tide_batch *input, const int32_t *outer, int32_t n_outer,
                                  const tide_column *arr, const tide_column *acc, int64_t k,
                                  int64_t *rows, int64_t candidates, char *errbuf, size_t errlen);
int tide_array_step_merge(tide_batch *out, const tide_column *acc, const tide_column *merged,
                          const int64_t *rows, int64_t m, tide_column *dst, char *errbuf,
                          size_t errlen);
/* zip_with(a, b, f): a batch of a row per position of each row where a
   and b are valid, as many as the longer array has (the outer columns f
   reads first, repeated per position, then "left" and "right", null past
   the end of the shorter array); NULL with errbuf on failure.
   tide_array_zip_result then makes the arrays of f's results, one per
   position in order, valid where a and b are. */
tide_batch *tide_array_zip_batch(const tide_batch *input, const int32_t *outer, int32_t n_outer,
                                 const tide_column *a, const tide_column *b, char *errbuf,
                                 size_t errlen);
int tide_array_zip_result(tide_batch *out, const tide_column *a, const tide_column *b,
                          const tide_column *results, tide_column *dst, char *errbuf,
                          size_t errlen);
/* value where arr's row is valid, NULL where it is null. */
int tide_array_null_where(tide_batch *out, const tide_column *value, const tide_column *arr,
                          tide_column *dst, char *errbuf, size_t errlen);
/* explode: a new batch of batch's rows, each repeated once per element of
   its array in column `index`, which becomes the elements (col_name),
   after their 0-based positions (pos_name, when not NULL: posexplode); of
   a map's entries, its keys (col_name) then values (value_name).
   outer: a null or empty array gives one row with nulls there
   (explode_outer), else none. NULL with errbuf on failure. */
tide_batch *tide_batch_explode(tide_batch *batch, int32_t index, int32_t outer, const char *pos_name,
                               const char *col_name, const char *value_name, char *errbuf,
                               size_t errlen);

#endif
